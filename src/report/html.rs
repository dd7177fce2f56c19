//! The board pack: one self-contained HTML file a sponsor can email, open offline and print.
//!
//! Everything is inline (CSS, SVG charts); there is no script and no URL of any kind, so the
//! file shows the same on an air-gapped laptop as in a browser with every request blocked.
//! Print layout: landscape pages (A4 or Letter), one section per page, charts scaled to the
//! page width.
//!
//! The page is `templates/report.html` (its style `templates/report.css`), compiled into the
//! binary by askama. This file formats what the page shows; the template holds its structure
//! and wording. Every value the template prints is escaped by [`Escape`]; the only markup
//! passed through is built here: the charts' SVG, checked by `inline_svg`, and input names
//! already escaped by `breakable`.

mod comparison;
mod programme;
mod values;

pub use comparison::render_comparison;

use std::fmt;

use askama::Template;

use crate::dist::Dist;
use crate::report::charts;
use crate::report::escape::hidden_in_html;
use crate::report::format::{self, money, months, percent, ratio_percent};
use crate::report::input_label::InputLabel;
use crate::report::sentences;
use crate::results::{
    Assumption, Assumptions, PartialStats, PaybackStats, RunResults, Stats, Summary,
};
use crate::scenario::InputSection;
use values::{approx, describe, num, value};

/// Renders the board pack. `charts_svg` holds `(name, svg text)` as returned by
/// [`charts::write_all`]; charts are shown in that order.
pub fn render(results: &RunResults, charts_svg: &[(String, String)]) -> String {
    BoardPack::new(results, charts_svg)
        .render()
        .expect("writing the board pack into a String cannot fail")
}

/// Escapes text for HTML element content and attribute values (also valid inside SVG):
/// markup characters as entities, and invisible characters (controls, bidirectional marks,
/// zero-width) written `\u{202e}` as on the terminal, so a name can neither reorder the text
/// around it nor hide a difference on the page. Tab and new line are left: HTML shows them as
/// a space.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let _ = write_escaped(&mut out, s);
    out
}

fn write_escaped(out: &mut impl fmt::Write, s: &str) -> fmt::Result {
    let special = |c: char| matches!(c, '&' | '<' | '>' | '"' | '\'') || hidden_in_html(c);
    let mut rest = s;
    while let Some(at) = rest.find(special) {
        out.write_str(&rest[..at])?;
        let c = rest[at..].chars().next().unwrap_or_default();
        match c {
            '&' => out.write_str("&amp;")?,
            '<' => out.write_str("&lt;")?,
            '>' => out.write_str("&gt;")?,
            '"' => out.write_str("&quot;")?,
            '\'' => out.write_str("&#39;")?,
            c => write!(out, "\\u{{{:x}}}", c as u32)?,
        }
        rest = &rest[at + c.len_utf8()..];
    }
    out.write_str(rest)
}

/// The escaper of the board pack's templates (named in `templates/askama.toml`): [`escape`]
/// for every value a template prints.
#[derive(Debug, Clone, Copy)]
pub struct Escape;

impl askama::filters::Escaper for Escape {
    fn write_escaped_str<W: fmt::Write>(&self, mut dest: W, text: &str) -> fmt::Result {
        write_escaped(&mut dest, text)
    }
}

/// What `templates/report.html` shows, every figure formatted.
#[derive(Template)]
#[template(path = "report.html", config = "src/report/templates/askama.toml")]
struct BoardPack<'a> {
    s: &'a Summary,
    description: &'a str,
    provenance: String,
    tiles: [Tile; 4],
    findings: Vec<String>,
    trials: String,
    /// Base case, mean, P10, P50, P90 of each headline quantity.
    key_figures: Vec<(&'static str, [String; 5])>,
    /// What each marked payback mean is the mean of (the outcomes that pay back), with its
    /// marker; empty when every outcome pays back.
    payback_means: Vec<String>,
    /// `(quantity, share of outcomes)` for ROI and IRR where they are undefined.
    undefined: Vec<(&'static str, String)>,
    figures: Vec<Figure>,
    /// "What the change programme is worth", for runs with levers.
    programme: Option<programme::Programme>,
    inputs: Vec<InputRow>,
    /// Inputs left at a default the scenario does not write: counted, not listed.
    defaults_not_listed: usize,
    /// `(input, input, rank)`, the names as [`breakable`] markup.
    correlations: Vec<(String, String, String)>,
    discount_rate: String,
    monthly_rate: String,
    npv_stderr: String,
    npv_mean: String,
    npv_margin: String,
    /// The sketches' relative error and the adoption histograms' absolute error, in points.
    sketch_errors: Option<(String, String)>,
    /// The case as a TEI table.
    tei: crate::report::tei::BoardTei,
    /// P(NPV > 0), its median and P(payback within m) with their 95% half-widths, in words.
    precision_notes: Vec<String>,
    /// "Two inputs explain 68% of the variance in NPV: …"; `None` when no input varies.
    drivers_sentence: Option<String>,
    /// The inputs that drive NPV most, as table rows.
    drivers: Vec<DriverRow>,
    /// How the drivers were computed: sample, noise, correlated inputs.
    drivers_note: String,
}

/// A row of the "What drives the result" table.
struct DriverRow {
    name: String,
    rank_correlation: String,
    contribution: String,
    low: String,
    high: String,
    swing: String,
}

/// A headline figure on the cover.
struct Tile {
    label: &'static str,
    value: String,
    note: String,
}

/// A chart as a numbered figure.
struct Figure {
    caption: String,
    /// The chart's SVG as [`inline_svg`] made it, or a note that it could not be included.
    svg: String,
}

/// A row of the assumptions table.
struct InputRow {
    /// The section's title, on the first row of each section.
    section: Option<&'static str>,
    /// The stable name as [`breakable`] markup.
    name: String,
    distribution: String,
    base: String,
    range: String,
    unit: String,
}

impl<'a> BoardPack<'a> {
    fn new(results: &'a RunResults, charts_svg: &[(String, String)]) -> Self {
        let s = &results.summary;
        let cur = s.currency.as_str();
        let (inputs, defaults_not_listed) = input_rows(s, &results.assumptions);
        let max_adoption_error = s
            .charts
            .adoption
            .iter()
            .map(|g| g.absolute_error)
            .fold(0.0, f64::max);
        let fan_error = s.charts.cumulative_net.relative_error;
        BoardPack {
            s,
            description: &results.assumptions.description,
            provenance: sentences::provenance(s),
            tiles: tiles(s),
            findings: sentences::findings(s),
            trials: format::thousands(s.trials),
            key_figures: key_figures(s),
            payback_means: paybacks(s)
                .into_iter()
                .filter_map(|(what, st, _, marker)| {
                    sentences::payback_mean_of(what, st, s.horizon_months)
                        .map(|note| format!("{marker} {note}."))
                })
                .chain(sentences::irr_not_meaningful_note(s).map(|note| format!("{note}.")))
                .collect(),
            undefined: [
                ("ROI", s.roi.undefined_fraction),
                ("IRR", s.irr_annual.undefined_fraction),
            ]
            .into_iter()
            .filter(|(_, f)| *f > 0.0)
            .map(|(what, f)| (what, percent(f)))
            .collect(),
            programme: programme::programme(s, charts_svg),
            figures: charts_svg
                .iter()
                .filter(|(chart, _)| chart != programme::CHART)
                .map(|(chart, svg)| Figure {
                    caption: charts::caption(chart).unwrap_or(chart).to_string(),
                    svg: inline_svg(
                        svg,
                        &charts::title(chart, s).unwrap_or_else(|| chart.clone()),
                    ),
                })
                .collect(),
            inputs,
            defaults_not_listed,
            correlations: results
                .assumptions
                .correlations
                .iter()
                .map(|c| {
                    (
                        breakable(&c.inputs[0]),
                        breakable(&c.inputs[1]),
                        num(c.rank).replace('-', "−"),
                    )
                })
                .collect(),
            discount_rate: ratio_percent(Some(s.discount_rate_annual)),
            monthly_rate: format!(
                "{:.4}%",
                ((1.0 + s.discount_rate_annual).powf(1.0 / 12.0) - 1.0) * 100.0
            ),
            npv_stderr: money(s.npv.stderr, cur),
            npv_mean: money(s.npv.mean, cur),
            npv_margin: money(s.precision.npv_mean, cur),
            precision_notes: precision_notes(s),
            drivers_sentence: sentences::drivers(&s.sensitivity),
            drivers: driver_rows(s),
            drivers_note: drivers_note(s),
            sketch_errors: (fan_error > 0.0).then(|| {
                (
                    ratio_percent(Some(fan_error)),
                    (max_adoption_error * 100.0).to_string(),
                )
            }),
            tei: crate::report::tei::board(s),
        }
    }
}

/// The four figures on the cover.
fn tiles(s: &Summary) -> [Tile; 4] {
    let cur = s.currency.as_str();
    let payback_note = match (s.payback_months.stats.p50, s.start_month.as_deref()) {
        (Some(m), Some(start)) => format::calendar_month(start, m.max(0.0).ceil() as u32)
            .map(|c| format!("half of the outcomes pay back by {c}"))
            .unwrap_or_default(),
        (Some(_), None) => "half of the outcomes pay back sooner".to_string(),
        (None, _) => format!("within the {}-month horizon", s.horizon_months),
    };
    [
        Tile {
            label: "Expected NPV",
            value: money(s.npv.mean, cur),
            note: format!(
                "mean ± {}; median {}",
                money(s.precision.npv_mean, cur),
                money(s.npv.p50, cur)
            ),
        },
        Tile {
            label: "Chance NPV > 0",
            value: percent(s.prob_npv_positive),
            note: format!(
                "of simulated outcomes, {}",
                sentences::plus_minus_points(s.precision.prob_npv_positive)
            ),
        },
        Tile {
            label: "Median payback",
            value: months(s.payback_months.stats.p50),
            note: payback_note,
        },
        Tile {
            label: "90% interval of NPV",
            value: format!("{} to {}", money(s.npv.p5, cur), money(s.npv.p95, cur)),
            note: "P5 to P95 of simulated outcomes".into(),
        },
    ]
}

/// The inputs that drive NPV most (at most ten), with their statistics formatted.
fn driver_rows(s: &Summary) -> Vec<DriverRow> {
    let cur = s.currency.as_str();
    let sens = &s.sensitivity;
    let or_dash = |v: Option<f64>| v.map_or_else(|| "–".to_string(), |v| money(v, cur));
    sens.inputs
        .iter()
        .take(10)
        .map(|i| DriverRow {
            name: InputLabel::of(&i.input).short(),
            rank_correlation: format!("{:+.2}", i.rank_correlation).replace('-', "−"),
            contribution: format!(
                "{}{}",
                if i.contribution_to_variance < 0.0 {
                    "−"
                } else {
                    ""
                },
                percent(i.contribution_to_variance.abs())
            ),
            low: or_dash(i.npv_mean_low_decile),
            high: or_dash(i.npv_mean_high_decile),
            swing: sens
                .tornado
                .iter()
                .find(|b| b.input == i.input)
                .map_or_else(|| "–".to_string(), |b| money(b.swing, cur)),
        })
        .collect()
}

/// How the drivers were found, under their table.
fn drivers_note(s: &Summary) -> String {
    let sens = &s.sensitivity;
    let correlated = if sens.inputs.iter().any(|i| i.correlated) {
        " Inputs the scenario correlates each keep their own rank correlation, so what they \
         share is credited to each of them."
    } else {
        ""
    };
    format!(
        "Rank correlation: Spearman's, between the input and NPV across {} simulated outcomes \
         (ties, such as a risk that happens or not, share their ranks). Contribution to \
         variance: the squared rank correlations scaled to add up to 100%, with the sign of \
         the correlation (Crystal Ball's convention); below {:.2}% it is indistinguishable from \
         noise. Mean NPV of the outcomes with the input in its lowest and its highest 10% (a \
         risk: when it does not and when it does happen). Tornado swing: the change in \
         base-case NPV between the input at its P10 and at its P90, every other input at its \
         most likely value.{correlated}",
        format::thousands(sens.sample_trials),
        sens.contribution_noise * 100.0
    )
}

/// The half-widths of the probabilities and the median, as the method section states them.
fn precision_notes(s: &Summary) -> Vec<String> {
    let p = &s.precision;
    let mut notes = vec![
        format!(
            "P(NPV > 0) = {} {} (Wilson score interval).",
            percent(s.prob_npv_positive),
            sentences::plus_minus_points(p.prob_npv_positive)
        ),
        format!(
            "Median NPV = {} ± {} (distribution-free interval between two order statistics).",
            money(s.npv.p50, &s.currency),
            money(p.npv_p50, &s.currency)
        ),
    ];
    for ((m, prob), (_, hw)) in s
        .prob_payback_within_months
        .0
        .iter()
        .zip(&p.prob_payback_within_months.0)
    {
        notes.push(format!(
            "P(payback within {m} months) = {} {}.",
            percent(*prob),
            sentences::plus_minus_points(*hw)
        ));
    }
    notes
}

/// The two paybacks as the figures show them: name, statistics, base case, and the marker
/// their mean carries when it is over the paying outcomes only.
fn paybacks(s: &Summary) -> [(&'static str, &PaybackStats, Option<f64>, &'static str); 2] {
    let b = &s.base_case;
    [
        ("Payback", &s.payback_months, b.payback_months, "*"),
        (
            "Discounted payback",
            &s.discounted_payback_months,
            b.discounted_payback_months,
            "†",
        ),
    ]
}

/// Base case, mean and percentiles of every headline quantity. A payback mean over the
/// paying outcomes only carries a marker, explained under the table.
fn key_figures(s: &Summary) -> Vec<(&'static str, [String; 5])> {
    let cur = s.currency.as_str();
    let m = |st: &Stats, base: f64| [base, st.mean, st.p10, st.p50, st.p90].map(|v| money(v, cur));
    let r = |st: &PartialStats, base: Option<f64>| {
        [base, st.mean, st.p10, st.p50, st.p90].map(ratio_percent)
    };
    let b = &s.base_case;
    let mut rows = vec![
        ("NPV", m(&s.npv, b.npv)),
        ("PV of benefits", m(&s.pv_benefits, b.pv_benefits)),
        ("PV of costs", m(&s.pv_costs, b.pv_costs)),
        ("ROI", r(&s.roi.stats, b.roi)),
        (
            "IRR (a year)",
            [
                b.irr_annual,
                s.irr_annual.stats.mean,
                s.irr_annual.stats.p10,
            ]
            .into_iter()
            .chain([s.irr_annual.stats.p50, s.irr_annual.stats.p90])
            .map(format::irr_percent)
            .collect::<Vec<_>>()
            .try_into()
            .unwrap_or_else(|_| unreachable!("five figures")),
        ),
    ];
    for (what, st, base, marker) in paybacks(s) {
        let p = &st.stats;
        let mut cells = [base, p.mean, p.p10, p.p50, p.p90].map(months);
        if sentences::payback_mean_of(what, st, s.horizon_months).is_some() {
            cells[1].push_str(marker);
        }
        rows.push((what, cells));
    }
    rows
}

/// The assumptions table: every input the scenario sets, with its distribution, base value,
/// 90% range and unit, section by section, the risk events last. Defaults the scenario does
/// not write are counted, not listed.
fn input_rows(s: &Summary, a: &Assumptions) -> (Vec<InputRow>, usize) {
    let cur = s.currency.as_str();
    let (inputs, events): (Vec<&Assumption>, Vec<&Assumption>) = a
        .inputs
        .iter()
        .partition(|r| r.section != InputSection::RiskEvents);
    let unwritten = |r: &Assumption| r.is_fixed() && !r.written;
    let defaults = inputs.iter().filter(|r| unwritten(r)).count();
    let mut rows = Vec::with_capacity(a.inputs.len());
    let mut section = None;
    for r in inputs.into_iter().filter(|r| !unwritten(r)) {
        let range = if r.is_fixed() {
            "—".to_string()
        } else {
            format!(
                "{} to {}",
                approx(r.p5, r.quantity, cur),
                approx(r.p95, r.quantity, cur)
            )
        };
        // The mode of a three-point input is a number the scenario wrote; a median is
        // computed, and shown no more exactly than it is known.
        let base = match r.distribution {
            Dist::Fixed(_) | Dist::Triangular { .. } | Dist::Pert { .. } => {
                value(r.base_value, r.quantity, cur)
            }
            _ => approx(r.base_value, r.quantity, cur),
        };
        rows.push(InputRow {
            section: (section != Some(r.section)).then(|| r.section.title()),
            name: breakable(&r.name),
            distribution: describe(r, cur),
            base,
            range,
            unit: r.unit.clone(),
        });
        section = Some(r.section);
    }
    for (i, r) in events.into_iter().enumerate() {
        let p = match r.distribution {
            Dist::Bernoulli { p } => p,
            _ => r.base_value,
        };
        let happens = if p > 0.5 {
            "happens"
        } else {
            "does not happen"
        };
        rows.push(InputRow {
            section: (i == 0).then(|| InputSection::RiskEvents.title()),
            name: breakable(&r.name),
            distribution: format!("Happens in a trial with probability {}", percent(p)),
            base: happens.to_string(),
            range: "—".to_string(),
            unit: r.unit.clone(),
        });
    }
    (rows, defaults)
}

/// Inlines a chart's SVG: its own root tag is replaced by one that scales to the page width
/// and names the chart for screen readers. Anything that could run or fetch is refused.
fn inline_svg(svg: &str, title: &str) -> String {
    let lower = svg.to_ascii_lowercase();
    let unsafe_markup = [
        "<script",
        "href",
        "url(",
        "<foreignobject",
        "<image",
        "<iframe",
    ]
    .iter()
    .any(|m| lower.contains(m));
    let parsed = svg.find("<svg").and_then(|start| {
        let end = start + svg[start..].find('>')?;
        Some((&svg[start..=end], &svg[end + 1..]))
    });
    let (Some((open, body)), false) = (parsed, unsafe_markup) else {
        return "<p class=\"note\">This chart could not be included.</p>".to_string();
    };
    let attr = |name: &str| {
        let key = format!("{name}=\"");
        let at = open.find(&key)? + key.len();
        let len = open[at..].find('"')?;
        Some(open[at..at + len].to_string())
    };
    let view_box = attr("viewBox").unwrap_or_else(|| {
        format!(
            "0 0 {} {}",
            attr("width").unwrap_or_else(|| "1920".into()),
            attr("height").unwrap_or_else(|| "1080".into())
        )
    });
    format!(
        "<svg viewBox=\"{}\" role=\"img\" aria-label=\"{}\" \
         preserveAspectRatio=\"xMidYMid meet\">{}",
        escape(&view_box),
        escape(title),
        body.trim()
    )
}

/// An input name, escaped, with line-break opportunities after each dot of the path.
fn breakable(name: &str) -> String {
    escape(name).replace('.', ".<wbr>")
}

#[cfg(test)]
mod tests;
