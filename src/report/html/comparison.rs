//! `comparison.html`: the comparison of scenarios as one self-contained page with the look of
//! the board pack (its stylesheet, inline SVG charts, no script, no URL). The page is
//! `templates/comparison.html`; this file formats what it shows.

use askama::Template;

use crate::report::charts;
use crate::report::comparison::{
    self as words, interval, letter, points, signed_money, signed_months,
};
use crate::report::format::{money, months, percent, thousands};
use crate::report::plot::Extra;
use crate::results::Comparison;

use super::inline_svg;

/// What `templates/comparison.html` shows, every figure formatted.
#[derive(Template)]
#[template(path = "comparison.html", config = "src/report/templates/askama.toml")]
struct ComparisonPage {
    title: String,
    /// (letter, name, file, role) of each scenario.
    scenarios: Vec<(char, String, String, &'static str)>,
    provenance: String,
    findings: Vec<String>,
    side_by_side: Vec<(String, Vec<String>)>,
    trials: String,
    seed: u64,
    horizon: u32,
    baseline: String,
    pair_headers: Vec<&'static str>,
    pair_rows: Vec<(String, Vec<String>)>,
    /// (caption, inline SVG) of each chart.
    figures: Vec<(String, String)>,
}

/// Renders the comparison page. `charts_svg` holds `(name, svg text)` as returned by
/// [`charts::write_comparison`]; charts are shown in that order.
pub fn render_comparison(c: &Comparison, charts_svg: &[(String, String)]) -> String {
    page(c, charts_svg)
        .render()
        .expect("writing the comparison page into a String cannot fail")
}

fn page(c: &Comparison, charts_svg: &[(String, String)]) -> ComparisonPage {
    let cur = c.scenarios.first().map_or("USD", |s| s.currency.as_str());
    let within = |s: &crate::results::Summary, m: u32| {
        s.prob_payback_within_months
            .0
            .iter()
            .find(|(k, _)| *k == m)
            .map_or_else(|| "n/a".to_string(), |(_, p)| percent(*p))
    };
    let mut side_by_side: Vec<(String, Vec<String>)> = vec![
        (
            "Mean NPV".into(),
            c.scenarios.iter().map(|s| money(s.npv.mean, cur)).collect(),
        ),
        (
            "NPV P10".into(),
            c.scenarios.iter().map(|s| money(s.npv.p10, cur)).collect(),
        ),
        (
            "NPV P50 (median)".into(),
            c.scenarios.iter().map(|s| money(s.npv.p50, cur)).collect(),
        ),
        (
            "NPV P90".into(),
            c.scenarios.iter().map(|s| money(s.npv.p90, cur)).collect(),
        ),
        (
            "Chance NPV > 0".into(),
            c.scenarios
                .iter()
                .map(|s| percent(s.prob_npv_positive))
                .collect(),
        ),
        (
            "Mean PV of costs".into(),
            c.scenarios
                .iter()
                .map(|s| money(s.pv_costs.mean, cur))
                .collect(),
        ),
        (
            "Median payback".into(),
            c.scenarios
                .iter()
                .map(|s| months(s.payback_months.stats.p50))
                .collect(),
        ),
    ];
    let marks: Vec<u32> = c
        .scenarios
        .first()
        .map(|s| {
            s.prob_payback_within_months
                .0
                .iter()
                .map(|(m, _)| *m)
                .filter(|m| *m <= 36)
                .collect()
        })
        .unwrap_or_default();
    for m in &marks {
        side_by_side.push((
            format!("Paid back within {m} months"),
            c.scenarios.iter().map(|s| within(s, *m)).collect(),
        ));
    }
    let pair_headers = vec![
        "P(beats A)",
        "P(equal)",
        "Mean NPV difference",
        "95% interval",
        "Independent runs",
        "Median difference",
        "PV costs difference",
        "P(NPV > 0)",
        "Median payback",
    ];
    let pair_rows = c
        .pairs
        .iter()
        .map(|p| {
            (
                format!("{} − {}", letter(p.b_index), letter(p.a_index)),
                vec![
                    percent(p.prob_b_beats_a),
                    percent(p.prob_equal),
                    signed_money(p.npv_diff.mean, cur),
                    interval(p.npv_diff_mean_ci95, cur),
                    interval(p.npv_diff_mean_ci95_unpaired, cur),
                    signed_money(p.npv_diff.p50, cur),
                    signed_money(p.pv_costs_diff.mean, cur),
                    points(p.prob_npv_positive_diff),
                    signed_months(p.payback_p50_diff),
                ],
            )
        })
        .collect();
    let mut findings: Vec<String> = c.pairs.iter().map(|p| words::pair_sentence(c, p)).collect();
    if let Some(s) = c.pairs.first().and_then(|p| words::pairing_sentence(c, p)) {
        findings.push(s);
    }
    let summary = c.scenarios.first();
    ComparisonPage {
        title: format!("Comparison of {} scenarios", c.scenarios.len()),
        scenarios: c
            .scenarios
            .iter()
            .enumerate()
            .map(|(i, s)| {
                (
                    letter(i),
                    s.scenario.name.clone(),
                    s.scenario.file.clone().unwrap_or_default(),
                    if i == 0 { "baseline" } else { "" },
                )
            })
            .collect(),
        provenance: words::provenance(c),
        findings,
        side_by_side,
        trials: thousands(c.trials),
        seed: c.seed,
        horizon: summary.map_or(0, |s| s.horizon_months),
        baseline: format!("{}", letter(0)),
        pair_headers,
        pair_rows,
        figures: charts_svg
            .iter()
            .map(|(chart, svg)| {
                let title = summary
                    .and_then(|s| charts::title_of(chart, s, Extra::Comparison(c)))
                    .unwrap_or_else(|| chart.clone());
                (
                    charts::caption(chart).unwrap_or(chart).to_string(),
                    inline_svg(svg, &title),
                )
            })
            .collect(),
    }
}
