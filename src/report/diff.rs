//! A diff in words and on the terminal: what changed, item by item, and each change's share
//! of the change in mean NPV, median NPV and P(NPV > 0).

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, Table};

use crate::results::{Diff, DiffFigures, DiffItem};

use super::comparison::{points, signed_money};
use super::escape;
use super::format::{money, percent, thousands};

/// A changed item as a reader names it: `levers."Communication programme"` is
/// "Communication programme (lever)", `baseline.gross_margin` is "baseline gross margin".
pub fn item_label(item: &str) -> String {
    match item_name(item) {
        (name, Some(kind)) => format!("{name} ({kind})"),
        (name, None) => name,
    }
}

/// A changed item's name as a reader writes it, and the kind of item when it is one of a list:
/// `levers."Communication programme"` is ("Communication programme", Some("lever")).
pub fn item_name(item: &str) -> (String, Option<&'static str>) {
    let kinds = [
        ("roles.", "role"),
        ("user_groups.", "user group"),
        ("capabilities.", "capability"),
        ("levers.", "lever"),
        ("costs.", "cost"),
        ("risks.", "risk"),
    ];
    for (prefix, kind) in kinds {
        if let Some(rest) = item.strip_prefix(prefix)
            && let Some(inner) = rest.strip_prefix('"').and_then(|r| r.strip_suffix('"'))
        {
            let name = inner.replace("\\\"", "\"").replace("\\\\", "\\");
            return (name, Some(kind));
        }
    }
    let name = match item.split_once('.') {
        Some(("baseline", field)) => format!("baseline {}", field.replace('_', " ")),
        Some(("scenario", field)) => field.replace('_', " "),
        _ => item.replace('_', " "),
    };
    (name, None)
}

/// Where a diff's figures came from, under its chart.
pub fn provenance(d: &Diff) -> String {
    let sha = |s: &str| s.chars().take(8).collect::<String>();
    format!(
        "Diff {} → {} · {} sub-runs of {} trials · seed {} · sha256 {} → {} · valuecase {}",
        d.old.name,
        d.new.name,
        d.sub_runs,
        thousands(d.trials),
        d.seed,
        sha(&d.old.sha256),
        sha(&d.new.sha256),
        d.valuecase_version
    )
}

/// How the attributions were found, in one sentence.
pub fn method(d: &Diff) -> String {
    if d.items.is_empty() {
        return format!(
            "Nothing to attribute: one run of {} trials (seed {}).",
            thousands(d.trials),
            d.seed
        );
    }
    match d.orders {
        None => format!(
            "Shapley values, exact: every subset of the {} changes run ({} sub-runs of {} trials, \
             seed {}, the same random numbers in each); the shares add up to the total.",
            d.items.len(),
            d.sub_runs,
            thousands(d.trials),
            d.seed
        ),
        Some(orders) => format!(
            "Shapley values, sampled: {orders} random orders of the {} changes ({} sub-runs of {} \
             trials, seed {}); each share's standard error is given; the shares add up to the \
             total.",
            d.items.len(),
            d.sub_runs,
            thousands(d.trials),
            d.seed
        ),
    }
}

fn row(
    item: &str,
    change: &str,
    f: &DiffFigures,
    e: Option<&DiffFigures>,
    cur: &str,
) -> Vec<String> {
    let with = |v: String, se: Option<String>| match se {
        Some(se) => format!("{v} ± {se}"),
        None => v,
    };
    vec![
        escape::terminal(item).into_owned(),
        change.to_string(),
        with(
            signed_money(f.mean_npv, cur),
            e.map(|e| money(e.mean_npv, cur)),
        ),
        with(
            signed_money(f.p50_npv, cur),
            e.map(|e| money(e.p50_npv, cur)),
        ),
        with(
            points(f.prob_npv_positive),
            e.map(|e| percent(e.prob_npv_positive)),
        ),
    ]
}

fn detail_lines(items: &[DiffItem]) -> String {
    let mut out = String::new();
    for i in items {
        out.push_str(&format!("  {} ({})\n", escape::terminal(&i.item), i.change));
        for d in &i.details {
            out.push_str(&format!("      {}\n", escape::terminal(d)));
        }
    }
    out
}

/// The changes with their details, the attribution table and how it was found.
pub fn terminal(d: &Diff) -> String {
    let cur = &d.new_summary.currency;
    let mut out = format!(
        "What moved from {} to {}\n\n",
        escape::terminal(&d.old.name),
        escape::terminal(&d.new.name)
    );
    if d.items.is_empty() && d.unattributed.is_empty() {
        out.push_str("Nothing changed: the two versions are the same scenario.\n");
    }
    if !d.items.is_empty() {
        out.push_str("Changes that move the figures:\n");
        out.push_str(&detail_lines(&d.items));
    }
    if !d.unattributed.is_empty() {
        out.push_str("Changes that do not move them (labels and defaults):\n");
        out.push_str(&detail_lines(&d.unattributed));
    }
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    t.set_header(vec!["", "", "Mean NPV", "Median NPV", "P(NPV > 0)"]);
    let plain = |f: &DiffFigures| -> Vec<String> {
        vec![
            money(f.mean_npv, cur),
            money(f.p50_npv, cur),
            percent(f.prob_npv_positive),
        ]
    };
    let mut first = vec![
        escape::terminal(&d.old.name).into_owned(),
        "old".to_string(),
    ];
    first.extend(plain(&d.old_figures));
    t.add_row(first);
    for i in &d.items {
        let f = DiffFigures {
            mean_npv: i.mean_npv,
            p50_npv: i.p50_npv,
            prob_npv_positive: i.prob_npv_positive,
        };
        t.add_row(row(&i.item, &i.change, &f, i.sampling_error.as_ref(), cur));
    }
    t.add_row(row("Total change", "", &d.total, None, cur));
    let mut last = vec![
        escape::terminal(&d.new.name).into_owned(),
        "new".to_string(),
    ];
    last.extend(plain(&d.new_figures));
    t.add_row(last);
    for i in 2..5 {
        if let Some(c) = t.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    out.push('\n');
    out.push_str(&t.to_string());
    out.push('\n');
    out.push_str(&method(d));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_named_as_readers_name_them() {
        assert_eq!(
            item_label(r#"levers."Communication programme""#),
            "Communication programme (lever)"
        );
        assert_eq!(
            item_label(r#"capabilities."A \"B\"""#),
            r#"A "B" (capability)"#
        );
        assert_eq!(item_label("baseline.gross_margin"), "baseline gross margin");
        assert_eq!(item_label("scenario.discount_rate"), "discount rate");
        assert_eq!(item_label("correlations"), "correlations");
    }
}
