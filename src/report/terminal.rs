//! The terminal summary: a table a sponsor can read aloud and one plain sentence.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, Table};

use crate::results::{CashflowTable, PartialStats, PaybackStats, Stats, Summary};

use super::format::{
    irr_percent, money, months, percent, probability_is, ratio_percent, thousands,
};
use super::input_label::InputLabel;
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

fn ratio_row(
    name: &str,
    st: &PartialStats,
    base: Option<f64>,
    show: fn(Option<f64>) -> String,
) -> Vec<String> {
    vec![
        name.to_string(),
        show(base),
        show(st.mean),
        show(st.p10),
        show(st.p50),
        show(st.p90),
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
    t.add_row(ratio_row("ROI", &s.roi.stats, b.roi, ratio_percent));
    t.add_row(ratio_row(
        "IRR (annual)",
        &s.irr_annual.stats,
        b.irr_annual,
        irr_percent,
    ));
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
    if let Some(note) = sentences::irr_not_meaningful_note(s) {
        notes.push_str(&format!("{note}.\n"));
    }
    for sentence in sentences::falls_back(s) {
        notes.push_str(&format!("{sentence}\n"));
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
        "{}\n{} trials, seed {}, {} months at {} a year\n\n{t}\n{notes}\n{caps}\n\n{}{}\n{}\n{programme}",
        escape::terminal(&s.scenario.name),
        thousands(s.trials),
        s.seed,
        s.horizon_months,
        ratio_percent(Some(s.discount_rate_annual)),
        drivers(s),
        precision(s),
        headline(s)
    )
}

/// The five inputs that drive NPV most, with their rank correlation, contribution to variance
/// and tornado swing; empty when no input varies.
fn drivers(s: &Summary) -> String {
    let sens = &s.sensitivity;
    if sens.inputs.is_empty() {
        return String::new();
    }
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    t.set_header(vec![
        "What drives NPV",
        "Rank correlation",
        "Contribution to variance",
        "Tornado swing (P10–P90)",
    ]);
    for input in sens.inputs.iter().take(5) {
        let swing = sens
            .tornado
            .iter()
            .find(|b| b.input == input.input)
            .map_or_else(String::new, |b| money(b.swing, &s.currency));
        t.add_row(vec![
            escape::terminal(&InputLabel::of(&input.input).short()).into_owned(),
            format!("{:+.2}", input.rank_correlation),
            format!(
                "{}{}",
                if input.contribution_to_variance < 0.0 {
                    "-"
                } else {
                    ""
                },
                percent(input.contribution_to_variance.abs())
            ),
            swing,
        ]);
    }
    for i in 1..4 {
        if let Some(c) = t.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    let sentence = sentences::drivers(sens).unwrap_or_default();
    format!(
        "{t}\n{}\nRank statistics from {} trials: a contribution below {:.2}% is noise.\n\n",
        escape::terminal(&sentence),
        thousands(sens.sample_trials),
        sens.contribution_noise * 100.0
    )
}

/// The 95% half-widths of the headline figures, and how a `--precision` run ended.
fn precision(s: &Summary) -> String {
    let p = &s.precision;
    let mut line = format!(
        "Precision (95%, from sampling): mean NPV ± {}, P(NPV > 0) {}, median NPV ± {}\n",
        money(p.npv_mean, &s.currency),
        sentences::plus_minus_points(p.prob_npv_positive),
        money(p.npv_p50, &s.currency)
    );
    if let Some(rule) = &p.stopping_rule {
        let target = format!(
            "±{} of mean NPV and {} on P(NPV > 0)",
            percent(rule.target),
            sentences::plus_minus_points(rule.target)
        );
        line.push_str(&if rule.met {
            format!(
                "The run grew to {} trials to reach {target}.\n",
                thousands(s.trials)
            )
        } else {
            format!(
                "The run stopped at {} trials (--max-trials {} or the memory limit) before \
                 reaching {target}.\n",
                thousands(s.trials),
                thousands(rule.max_trials)
            )
        });
    }
    line
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

    /// An IRR beyond its meaningful range reads "not meaningful" with the reason under the
    /// table, and a payback that does not last says so there too.
    #[test]
    fn a_meaningless_irr_and_a_fall_back_are_said_under_the_table() {
        let mut s = fixture::summary();
        s.base_case.irr_annual = Some(180.0);
        s.base_case.payback_months = Some(14.0);
        s.base_case.falls_back_months = Some(41.5);
        let text = summary(&s);
        let row = text
            .lines()
            .find(|l| l.contains("│ IRR (annual)"))
            .unwrap_or_else(|| panic!("no IRR row in\n{text}"));
        assert!(row.contains("not meaningful"), "{row}");
        assert!(
            text.contains("IRR not meaningful (base case): an IRR above 10,000% a year"),
            "{text}"
        );
        assert!(
            text.contains("falls below zero again after 41.5 months"),
            "{text}"
        );
    }

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
