//! A comparison in words and on the terminal: the scenarios side by side, and one plain
//! sentence per pair ("B beats A in 87% of trials; mean NPV +$54.4M (95% interval …)").
//! Scenarios are lettered A (the baseline), B, C … everywhere, so eight long names stay
//! readable: the key gives each letter its name once.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, Table};

use crate::results::{Comparison, PairComparison, Summary};

use super::escape;
use super::format::{money, months, percent, thousands};

/// The letter of scenario `i` (A is the baseline).
pub fn letter(i: usize) -> char {
    char::from(b'A' + (i % 26) as u8)
}

/// Money with its sign always written: "+$54.4M", "-$1.20M", "$0".
pub fn signed_money(v: f64, currency: &str) -> String {
    let text = money(v, currency);
    if v > 0.0 && !text.starts_with('-') && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        format!("+{text}")
    } else {
        text
    }
}

/// A difference of probabilities in percentage points: "+12 points", "-3 points", "0 points".
pub fn points(d: f64) -> String {
    let p = (d * 100.0).round();
    if p > 0.0 {
        format!("+{p:.0} points")
    } else if p < 0.0 {
        format!("{p:.0} points")
    } else {
        "0 points".to_string()
    }
}

/// A difference of months: "+2.5 months", "-1.0 months".
pub fn signed_months(d: Option<f64>) -> String {
    match d {
        Some(d) if d.is_finite() => format!("{d:+.1} months"),
        _ => "n/a".to_string(),
    }
}

/// "+$53.9M to +$54.9M", or "n/a" for an interval that cannot be stated.
pub fn interval(ci: [f64; 2], currency: &str) -> String {
    if ci.iter().all(|v| v.is_finite()) {
        format!(
            "{} to {}",
            signed_money(ci[0], currency),
            signed_money(ci[1], currency)
        )
    } else {
        "n/a".to_string()
    }
}

/// Where a comparison's figures came from, under every chart and in the page.
pub fn provenance(c: &Comparison) -> String {
    let hashes: Vec<String> = c
        .scenarios
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let sha: String = s.scenario.sha256.chars().take(8).collect();
            format!("{} {sha}", letter(i))
        })
        .collect();
    format!(
        "Comparison of {} scenarios · {} trials each · seed {} · sha256 {} · valuecase {}",
        c.scenarios.len(),
        thousands(c.trials),
        c.seed,
        hashes.join(", "),
        c.valuecase_version
    )
}

/// The pair's finding in one sentence, letters for names.
pub fn pair_sentence(c: &Comparison, p: &PairComparison) -> String {
    let cur = &c.scenarios[p.a_index].currency;
    let (a, b) = (letter(p.a_index), letter(p.b_index));
    if p.prob_equal >= 1.0 {
        return format!(
            "{b} and {a} have the same NPV in every trial: the difference is exactly {}.",
            money(0.0, cur)
        );
    }
    format!(
        "{b} beats {a} in {} of trials; mean NPV {} (95% interval {}).",
        percent(p.prob_b_beats_a),
        signed_money(p.npv_diff.mean, cur),
        interval(p.npv_diff_mean_ci95, cur)
    )
}

/// What the pairing buys, in words: how much narrower the paired interval is than the one two
/// independent runs would give.
pub fn pairing_sentence(c: &Comparison, p: &PairComparison) -> Option<String> {
    let width = |ci: [f64; 2]| ci[1] - ci[0];
    let (paired, unpaired) = (
        width(p.npv_diff_mean_ci95),
        width(p.npv_diff_mean_ci95_unpaired),
    );
    if !(paired > 0.0 && unpaired.is_finite()) {
        return None;
    }
    let cur = &c.scenarios[p.a_index].currency;
    Some(format!(
        "Paired trial by trial, the interval is {:.1} times narrower than two independent runs \
         of {} trials would give ({}).",
        unpaired / paired,
        thousands(c.trials),
        interval(p.npv_diff_mean_ci95_unpaired, cur)
    ))
}

/// The scenarios side by side, the pairs with the baseline, and a sentence per pair.
pub fn terminal(c: &Comparison) -> String {
    if c.scenarios.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "Comparison of {} scenarios: {} trials each, seed {}, the same random numbers for every \
         input they share\n",
        c.scenarios.len(),
        thousands(c.trials),
        c.seed
    );
    for (i, s) in c.scenarios.iter().enumerate() {
        let file = s
            .scenario
            .file
            .as_deref()
            .map(|f| format!(" ({})", escape::terminal(f)))
            .unwrap_or_default();
        let role = if i == 0 { ", baseline" } else { "" };
        out.push_str(&format!(
            "  {}  {}{file}{role}\n",
            letter(i),
            escape::terminal(&s.scenario.name)
        ));
    }
    out.push('\n');
    out.push_str(&side_by_side(c).to_string());
    out.push('\n');
    if !c.pairs.is_empty() {
        out.push_str(&format!(
            "\nEach scenario against {}, trial by trial:\n",
            letter(0)
        ));
        out.push_str(&pairs_table(c).to_string());
        out.push('\n');
        for p in &c.pairs {
            out.push_str(&pair_sentence(c, p));
            out.push('\n');
        }
        if let Some(s) = c.pairs.first().and_then(|p| pairing_sentence(c, p)) {
            out.push_str(&s);
            out.push('\n');
        }
    }
    out
}

fn right_align(t: &mut Table, from: usize, to: usize) {
    for i in from..to {
        if let Some(col) = t.column_mut(i) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
}

/// Rows of figures, one column per scenario.
fn side_by_side(c: &Comparison) -> Table {
    let cur = &c.scenarios[0].currency;
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    let mut header = vec![String::new()];
    header.extend((0..c.scenarios.len()).map(|i| letter(i).to_string()));
    t.set_header(header);
    type Row = (&'static str, fn(&Summary, &str) -> String);
    let rows: [Row; 8] = [
        ("Mean NPV", |s, c| money(s.npv.mean, c)),
        ("NPV P10", |s, c| money(s.npv.p10, c)),
        ("NPV P50", |s, c| money(s.npv.p50, c)),
        ("NPV P90", |s, c| money(s.npv.p90, c)),
        ("P(NPV > 0)", |s, _| percent(s.prob_npv_positive)),
        ("Mean PV costs", |s, c| money(s.pv_costs.mean, c)),
        ("Median payback", |s, _| months(s.payback_months.stats.p50)),
        ("Payback within 24 months", |s, _| {
            within(s, 24).map_or_else(|| "n/a".into(), percent)
        }),
    ];
    for (name, cell) in rows {
        let mut row = vec![name.to_string()];
        row.extend(c.scenarios.iter().map(|s| cell(s, cur)));
        t.add_row(row);
    }
    right_align(&mut t, 1, c.scenarios.len() + 1);
    t
}

fn within(s: &Summary, m: u32) -> Option<f64> {
    s.prob_payback_within_months
        .0
        .iter()
        .find(|(k, _)| *k == m)
        .map(|(_, p)| *p)
}

/// One row per pair with the baseline: the paired figures.
fn pairs_table(c: &Comparison) -> Table {
    let cur = &c.scenarios[0].currency;
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    t.set_header(vec![
        "",
        "P(beats A)",
        "Mean NPV difference",
        "95% interval",
        "PV costs difference",
        "P(NPV > 0)",
        "Median payback",
    ]);
    for p in &c.pairs {
        t.add_row(vec![
            format!("{} − {}", letter(p.b_index), letter(p.a_index)),
            percent(p.prob_b_beats_a),
            signed_money(p.npv_diff.mean, cur),
            interval(p.npv_diff_mean_ci95, cur),
            signed_money(p.pv_costs_diff.mean, cur),
            points(p.prob_npv_positive_diff),
            signed_months(p.payback_p50_diff),
        ]);
    }
    right_align(&mut t, 1, 7);
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_are_written_and_zero_has_none() {
        assert_eq!(signed_money(54_400_000.0, "USD"), "+$54.4M");
        assert_eq!(signed_money(-1_200_000.0, "USD"), "-$1.20M");
        assert_eq!(signed_money(0.0, "USD"), "$0");
        assert_eq!(signed_money(0.2, "USD"), "$0");
        assert_eq!(points(0.123), "+12 points");
        assert_eq!(points(-0.031), "-3 points");
        assert_eq!(points(0.001), "0 points");
        assert_eq!(signed_months(Some(-1.04)), "-1.0 months");
        assert_eq!(signed_months(None), "n/a");
        assert_eq!(letter(0), 'A');
        assert_eq!(letter(7), 'H');
    }
}
