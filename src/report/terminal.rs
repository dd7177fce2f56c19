//! The terminal summary: a table a sponsor can read aloud and one plain sentence.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, Table};

use crate::results::{CashflowTable, PartialStats, PaybackStats, Stats, Summary};

use super::format::{money, months, probability_is, ratio_percent, thousands};
use super::{escape, sentences};

/// The one-sentence verdict: chance of a positive NPV, median payback, 90% interval.
pub fn headline(s: &Summary) -> String {
    let payback = match s.payback_months.stats.p50 {
        Some(m) => format!("median payback {m:.1} months"),
        None => format!(
            "the median outcome does not pay back within {} months",
            s.horizon_months
        ),
    };
    format!(
        "P(NPV > 0) {}; {}; 90% of outcomes between {} and {}",
        probability_is(s.prob_npv_positive),
        payback,
        money(s.npv.p5, &s.currency),
        money(s.npv.p95, &s.currency)
    )
}

fn money_row(name: &str, st: &Stats, base: f64, cur: &str) -> Vec<String> {
    vec![
        name.to_string(),
        money(base, cur),
        money(st.mean, cur),
        money(st.p10, cur),
        money(st.p50, cur),
        money(st.p90, cur),
    ]
}

fn ratio_row(name: &str, st: &PartialStats, base: Option<f64>) -> Vec<String> {
    vec![
        name.to_string(),
        ratio_percent(base),
        ratio_percent(st.mean),
        ratio_percent(st.p10),
        ratio_percent(st.p50),
        ratio_percent(st.p90),
    ]
}

/// A payback row. Its mean is over the trials that pay back only: when some never do, the
/// mean carries `marker`, which [`sentences::payback_mean_of`] explains under the table.
fn months_row(name: &str, st: &PaybackStats, base: Option<f64>, marker: &str) -> Vec<String> {
    let short = |m: Option<f64>| months(m).replace(" months", "");
    let s = &st.stats;
    let mean = match s.mean {
        Some(m) if st.never_fraction > 0.0 => format!("{}{marker}", short(Some(m))),
        other => short(other),
    };
    vec![
        name.to_string(),
        short(base),
        mean,
        short(s.p10),
        short(s.p50),
        short(s.p90),
    ]
}

/// The summary table followed by the headline.
pub fn summary(s: &Summary) -> String {
    let cur = &s.currency;
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    t.set_header(vec!["", "Base case", "Mean", "P10", "P50", "P90"]);
    let b = &s.base_case;
    t.add_row(money_row("NPV", &s.npv, b.npv, cur));
    t.add_row(money_row("PV benefits", &s.pv_benefits, b.pv_benefits, cur));
    t.add_row(money_row("PV costs", &s.pv_costs, b.pv_costs, cur));
    t.add_row(ratio_row("ROI", &s.roi.stats, b.roi));
    t.add_row(ratio_row("IRR (annual)", &s.irr_annual.stats, b.irr_annual));
    // Payback means are over the trials that pay back: marked, and said so under the table.
    let paybacks = [
        ("Payback", &s.payback_months, b.payback_months, "*"),
        (
            "Discounted payback",
            &s.discounted_payback_months,
            b.discounted_payback_months,
            "†",
        ),
    ];
    let mut notes = String::new();
    for (what, st, base, marker) in paybacks {
        t.add_row(months_row(&format!("{what} (months)"), st, base, marker));
        if let Some(note) = sentences::payback_mean_of(what, st, s.horizon_months) {
            notes.push_str(&format!("{marker} {note}\n"));
        }
    }
    for i in 1..6 {
        if let Some(c) = t.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    let mut caps = Table::new();
    caps.load_style(UTF8_FULL_CONDENSED);
    caps.set_header(vec![
        "Capability",
        "Group",
        "PV of benefits P10",
        "P50",
        "P90",
    ]);
    let mut sorted: Vec<_> = s.capabilities.iter().collect();
    sorted.sort_by(|a, b| b.npv_contribution.p50.total_cmp(&a.npv_contribution.p50));
    for c in sorted {
        caps.add_row(vec![
            escape::terminal(&c.name).into_owned(),
            escape::terminal(&c.group).into_owned(),
            money(c.npv_contribution.p10, cur),
            money(c.npv_contribution.p50, cur),
            money(c.npv_contribution.p90, cur),
        ]);
    }
    for i in 2..5 {
        if let Some(c) = caps.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    let programme = sentences::change_programme(s)
        .map(|p| format!("{p}\n"))
        .unwrap_or_default();
    format!(
        "{}\n{} trials, seed {}, {} months at {} a year\n\n{t}\n{notes}\n{caps}\n\n{}\n{programme}",
        escape::terminal(&s.scenario.name),
        thousands(s.trials),
        s.seed,
        s.horizon_months,
        ratio_percent(Some(s.discount_rate_annual)),
        headline(s)
    )
}

/// The base-case cash flow as a terminal table (money formatted; CSV has full precision).
pub fn cashflow(t: &CashflowTable, currency: &str) -> String {
    let mut table = Table::new();
    table.load_style(UTF8_FULL_CONDENSED);
    let keep: Vec<usize> = t
        .headers
        .iter()
        .enumerate()
        .filter(|(_, h)| !h.starts_with("benefit: ") && !h.starts_with("cost: "))
        .map(|(i, _)| i)
        .collect();
    table.set_header(
        keep.iter()
            .map(|&i| escape::terminal(&t.headers[i]).into_owned())
            .collect::<Vec<_>>(),
    );
    for row in &t.rows {
        table.add_row(
            keep.iter()
                .map(|&i| match t.headers[i].as_str() {
                    "month" => format!("{:.0}", row[i]),
                    "discount_factor" => format!("{:.6}", row[i]),
                    _ => money(row[i], currency),
                })
                .collect::<Vec<_>>(),
        );
    }
    for i in 0..keep.len() {
        if let Some(c) = table.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    format!(
        "{table}\n(benefit and cost lines by name: use --csv for every column in full precision)\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::fixture;

    /// Where some trials never pay back, the payback mean is the mean of the others: the
    /// table must say so, not show it as if it were the mean of all trials.
    #[test]
    fn a_payback_mean_beside_never_says_whose_mean_it_is() {
        let mut s = fixture::summary();
        s.payback_months.never_fraction = 0.22;
        s.payback_months.stats.mean = Some(14.8);
        s.discounted_payback_months.never_fraction = 0.26;
        s.discounted_payback_months.stats.mean = Some(15.43);
        let text = summary(&s);
        let row = |name: &str| {
            text.lines()
                .find(|l| l.contains(name))
                .unwrap_or_else(|| panic!("no {name} row in\n{text}"))
                .to_string()
        };
        assert!(row("│ Payback (months)").contains("14.8*"), "{text}");
        assert!(row("│ Discounted payback").contains("15.4†"), "{text}");
        let h = s.horizon_months;
        assert!(
            text.contains(&format!(
                "* Payback mean: of the 78% of outcomes that pay back within {h} months (22% never do)"
            )),
            "{text}"
        );
        assert!(
            text.contains(&format!(
                "† Discounted payback mean: of the 74% of outcomes that pay back within {h} months \
                 (26% never do)"
            )),
            "{text}"
        );

        // Every trial pays back: the mean is the mean of all, and nothing is marked.
        s.payback_months.never_fraction = 0.0;
        s.discounted_payback_months.never_fraction = 0.0;
        let text = summary(&s);
        assert!(!text.contains('*') && !text.contains('†'), "{text}");
        // None does: there is no mean to qualify.
        s.payback_months.never_fraction = 1.0;
        s.payback_months.stats = PartialStats::default();
        assert!(!summary(&s).contains("Payback mean"));
    }
}
