//! The board pack: one self-contained HTML file a sponsor can email, open offline and print.
//!
//! Everything is inline (CSS, SVG charts); there is no script and no URL of any kind, so the
//! file shows the same on an air-gapped laptop as in a browser with every request blocked.
//! Every string that comes from the scenario is escaped. Print layout: landscape pages (A4 or
//! Letter), one section per page, charts scaled to the page width.

use std::fmt::Write as _;

use crate::dist::Dist;
use crate::report::charts;
use crate::report::format::{self, money, months, percent, ratio_percent};
use crate::report::sentences;
use crate::results::{Assumption, Assumptions, PartialStats, RunResults, Stats, Summary};
use crate::scenario::{InputSection, Quantity};

/// Escapes text for HTML element content and attribute values (also valid inside SVG).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Renders the board pack. `charts_svg` holds `(name, svg text)` as returned by
/// [`charts::write_all`]; charts are shown in that order.
pub fn render(results: &RunResults, charts_svg: &[(String, String)]) -> String {
    let s = &results.summary;
    let mut h = String::with_capacity(512 * 1024);
    let name = escape(&s.scenario.name);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{name} — value case</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
    );

    // 1. The verdict.
    h.push_str("<section class=\"cover\">\n");
    let _ = writeln!(h, "<h1>{name}</h1>");
    if !results.assumptions.description.is_empty() {
        let _ = writeln!(
            h,
            "<p class=\"lede\">{}</p>",
            escape(&results.assumptions.description)
        );
    }
    let _ = writeln!(
        h,
        "<p class=\"meta\">Monte Carlo value case · {}</p>",
        escape(&sentences::provenance(s))
    );
    h.push_str("<div class=\"tiles\">\n");
    for (label, value, note) in headline(s) {
        let _ = writeln!(
            h,
            "<div class=\"tile\"><div class=\"label\">{}</div><div class=\"value\">{}</div>\
             <div class=\"note\">{}</div></div>",
            escape(&label),
            escape(&value),
            escape(&note)
        );
    }
    h.push_str("</div>\n<h2>What the simulation says</h2>\n<ul class=\"findings\">\n");
    for f in sentences::findings(s) {
        let _ = writeln!(h, "<li>{}</li>", escape(&f));
    }
    h.push_str("</ul>\n</section>\n");

    // 2. The figures behind it.
    h.push_str("<section>\n<h2>Results in figures</h2>\n");
    h.push_str(&key_figures(s));
    h.push_str("</section>\n");

    // 3. The charts, one per page.
    for (i, (chart, svg)) in charts_svg.iter().enumerate() {
        // The picture carries its finding as a title; the heading only names the figure.
        let title = charts::title(chart, s).unwrap_or_else(|| chart.clone());
        let caption = charts::caption(chart).unwrap_or(chart);
        let _ = writeln!(
            h,
            "<section class=\"chart\">\n<h2>Figure {}. {}</h2>\n<figure>{}</figure>\n</section>",
            i + 1,
            escape(caption),
            inline_svg(svg, &title)
        );
    }

    // 4. Assumptions, 5. method and precision.
    h.push_str(&assumptions(s, &results.assumptions));
    h.push_str(&method(s));
    h.push_str("</body>\n</html>\n");
    h
}

const CSS: &str = r#"
@page { size: landscape; margin: 12mm; }
:root { --ink: #1a1a1a; --muted: #505050; --rule: #d0d0d0; --navy: #0b3366; --loss: #8a2612; }
html { font-family: "DejaVu Sans", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC",
  "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK JP", "Malgun Gothic",
  Arial, sans-serif; color: var(--ink); background: #fff; }
body { max-width: 1180px; margin: 0 auto; padding: 24px 32px; font-size: 16px; line-height: 1.45; }
h1 { font-size: 30px; margin: 0 0 4px; color: var(--navy); }
h2 { font-size: 21px; margin: 18px 0 10px; }
h3 { font-size: 17px; margin: 14px 0 6px; }
section { padding-bottom: 18px; border-bottom: 1px solid var(--rule); margin-bottom: 18px; }
.lede { font-size: 17px; margin: 4px 0; }
.meta { color: var(--muted); font-size: 13px; margin: 4px 0 16px; }
.tiles { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; }
.tile { border: 2px solid var(--navy); border-radius: 6px; padding: 10px 14px; }
.tile .label { font-size: 13px; color: var(--muted); text-transform: uppercase;
  letter-spacing: .04em; }
.tile .value { font-size: 27px; font-weight: bold; margin: 2px 0; }
.tile .note { font-size: 13px; color: var(--muted); }
.findings li { margin: 5px 0; }
figure { margin: 0; }
figure svg { display: block; width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; vertical-align: top; padding: 4px 8px;
  border-bottom: 1px solid var(--rule); }
th { background: #eef2f7; }
td.num, th.num { text-align: right; white-space: nowrap; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
tr.group td { background: #f5f5f5; font-weight: bold; }
code { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 12px;
  overflow-wrap: anywhere; }
table.inputs { table-layout: fixed; }
table.inputs col.input { width: 26%; } table.inputs col.dist { width: 24%; }
table.inputs col.base { width: 14%; } table.inputs col.range { width: 17%; }
table.inputs td.num, table.inputs th.num { white-space: normal; }
.note { color: var(--muted); }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  section { border: none; margin: 0; padding: 0; break-after: page; page-break-after: always; }
  section:last-of-type { break-after: auto; page-break-after: auto; }
  section.chart { break-inside: avoid; page-break-inside: avoid; }
  figure svg { max-height: 160mm; }
  h2 { margin-top: 0; }
  table { font-size: 9pt; }
}
"#;

/// The four figures on the cover: (label, value, note).
fn headline(s: &Summary) -> Vec<(String, String, String)> {
    let cur = s.currency.as_str();
    let payback_note = match (s.payback_months.stats.p50, s.start_month.as_deref()) {
        (Some(m), Some(start)) => format::calendar_month(start, m.max(0.0).ceil() as u32)
            .map(|c| format!("half of the outcomes pay back by {c}"))
            .unwrap_or_default(),
        (Some(_), None) => "half of the outcomes pay back sooner".to_string(),
        (None, _) => format!("within the {}-month horizon", s.horizon_months),
    };
    vec![
        (
            "Expected NPV".into(),
            money(s.npv.mean, cur),
            format!("mean; median {}", money(s.npv.p50, cur)),
        ),
        (
            "Chance NPV > 0".into(),
            percent(s.prob_npv_positive),
            "of simulated outcomes".into(),
        ),
        (
            "Median payback".into(),
            months(s.payback_months.stats.p50),
            payback_note,
        ),
        (
            "90% interval of NPV".into(),
            format!("{} to {}", money(s.npv.p5, cur), money(s.npv.p95, cur)),
            "P5 to P95 of simulated outcomes".into(),
        ),
    ]
}

/// Base case, mean and percentiles of every headline quantity.
fn key_figures(s: &Summary) -> String {
    let cur = s.currency.as_str();
    let mut t = String::from(
        "<table>\n<thead><tr><th></th><th class=\"num\">Base case</th><th class=\"num\">Mean</th>\
         <th class=\"num\">P10</th><th class=\"num\">P50</th><th class=\"num\">P90</th></tr>\
         </thead>\n<tbody>\n",
    );
    let row = |t: &mut String, name: &str, cells: [String; 5]| {
        let _ = write!(t, "<tr><td>{}</td>", escape(name));
        for c in cells {
            let _ = write!(t, "<td class=\"num\">{}</td>", escape(&c));
        }
        t.push_str("</tr>\n");
    };
    let m = |st: &Stats, base: f64| [base, st.mean, st.p10, st.p50, st.p90].map(|v| money(v, cur));
    let r = |st: &PartialStats, base: Option<f64>| {
        [base, st.mean, st.p10, st.p50, st.p90].map(ratio_percent)
    };
    let mo =
        |st: &PartialStats, base: Option<f64>| [base, st.mean, st.p10, st.p50, st.p90].map(months);
    let b = &s.base_case;
    row(&mut t, "NPV", m(&s.npv, b.npv));
    row(&mut t, "PV of benefits", m(&s.pv_benefits, b.pv_benefits));
    row(&mut t, "PV of costs", m(&s.pv_costs, b.pv_costs));
    row(&mut t, "ROI", r(&s.roi.stats, b.roi));
    row(&mut t, "IRR (a year)", r(&s.irr_annual.stats, b.irr_annual));
    row(
        &mut t,
        "Payback",
        mo(&s.payback_months.stats, b.payback_months),
    );
    row(
        &mut t,
        "Discounted payback",
        mo(
            &s.discounted_payback_months.stats,
            b.discounted_payback_months,
        ),
    );
    t.push_str("</tbody>\n</table>\n");
    let mut notes = vec![format!(
        "Base case: every uncertain input at its most likely value. Mean and percentiles over \
         {} simulated outcomes. A payback of \"never\" means not within the {}-month horizon.",
        format::thousands(s.trials),
        s.horizon_months
    )];
    if s.payback_months.never_fraction > 0.0 {
        notes.push(format!(
            "Payback mean is over the {} of outcomes that pay back.",
            percent(1.0 - s.payback_months.never_fraction)
        ));
    }
    for (what, f) in [
        ("ROI", s.roi.undefined_fraction),
        ("IRR", s.irr_annual.undefined_fraction),
    ] {
        if f > 0.0 {
            notes.push(format!(
                "{what} is undefined in {} of outcomes and summarised over the rest.",
                percent(f)
            ));
        }
    }
    let _ = writeln!(t, "<p class=\"note\">{}</p>", escape(&notes.join(" ")));
    t
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

/// A number as written in a scenario: up to six significant figures, thousands separators.
fn num(v: f64) -> String {
    sig(v, 6)
}

/// `v` rounded to `digits` significant figures, with thousands separators and no trailing
/// zeros: computed values (ranges, medians) get three, so they never look more exact than
/// they are.
fn sig(v: f64, digits: i32) -> String {
    if !v.is_finite() {
        return if v > 0.0 { "∞" } else { "−∞" }.to_string();
    }
    if v == 0.0 {
        return "0".into();
    }
    let sign = if v < 0.0 { "-" } else { "" };
    let a = v.abs();
    let magnitude = a.log10().floor() as i32;
    let decimals = (digits - 1 - magnitude).max(0) as usize;
    let scale = 10f64.powi(magnitude + 1 - digits);
    let rounded = (a / scale).round() * scale;
    if decimals == 0 {
        return format!("{sign}{}", format::thousands(rounded.round() as u64));
    }
    let text = format!("{rounded:.decimals$}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    // Thousands separators in the whole part too (12000.5 → 12,000.5; 12000 → 12,000).
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let whole = whole
        .parse::<u64>()
        .map_or_else(|_| whole.to_string(), format::thousands);
    if fraction.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
    }
}

/// A value in the input's unit; `digits` significant figures.
fn value_sig(v: f64, unit: Quantity, cur: &str, digits: i32) -> String {
    if !v.is_finite() {
        return sig(v, digits);
    }
    match unit {
        Quantity::Money => {
            let sym = format::currency_symbol(cur);
            let sign = if v < 0.0 { "-" } else { "" };
            format!("{sign}{sym}{}", sig(v.abs(), digits))
        }
        Quantity::Share => format!("{}%", sig(v * 100.0, digits)),
        Quantity::Number => sig(v, digits),
    }
}

/// A value as written in the scenario.
fn value(v: f64, unit: Quantity, cur: &str) -> String {
    value_sig(v, unit, cur, 6)
}

/// A computed value (a percentile, a median): three significant figures.
fn approx(v: f64, unit: Quantity, cur: &str) -> String {
    value_sig(v, unit, cur, 3)
}

/// The distribution in words, its parameters in the input's unit.
fn describe(a: &Assumption, cur: &str) -> String {
    let unit = a.quantity;
    let v = |x: f64| value(x, unit, cur);
    let mut d = match &a.distribution {
        Dist::Fixed(x) => format!("Fixed at {}", v(*x)),
        Dist::Uniform { min, max } => format!("Uniform from {} to {}", v(*min), v(*max)),
        Dist::Triangular { min, mode, max } => format!(
            "Triangular: min {}, most likely {}, max {}",
            v(*min),
            v(*mode),
            v(*max)
        ),
        Dist::Pert {
            min,
            mode,
            max,
            shape,
        } => {
            let mut t = format!(
                "PERT: min {}, most likely {}, max {}",
                v(*min),
                v(*mode),
                v(*max)
            );
            if (*shape - 4.0).abs() > 1e-9 {
                let _ = write!(t, ", shape {}", num(*shape));
            }
            t
        }
        Dist::Normal { mean, sd } => format!("Normal: mean {}, sd {}", v(*mean), v(*sd)),
        Dist::LogNormal { mu, sigma } => format!(
            "Lognormal: μ {}, σ {} (median {})",
            num(*mu),
            num(*sigma),
            approx(mu.exp(), unit, cur)
        ),
        Dist::Beta { alpha, beta } => format!("Beta: α {}, β {}", num(*alpha), num(*beta)),
        Dist::Discrete { values, weights } => {
            let total: f64 = weights.iter().sum();
            let parts: Vec<String> = values
                .iter()
                .zip(weights)
                .map(|(x, w)| format!("{} ({})", v(*x), percent(w / total)))
                .collect();
            format!("One of {}", parts.join(", "))
        }
        Dist::Bernoulli { p } => format!("Happens (1) with probability {}", num(*p)),
    };
    if let Some((lo, hi)) = a.truncate {
        let _ = write!(d, "; truncated to [{}, {}]", v(lo), v(hi));
    }
    d
}

/// The assumptions table: every input the scenario sets, with its distribution, base value,
/// 90% range and unit. Defaults the scenario does not write are counted, not listed.
fn assumptions(s: &Summary, a: &Assumptions) -> String {
    let cur = s.currency.as_str();
    let mut t = String::from(
        "<section class=\"assumptions\">\n<h2>Assumptions</h2>\n<p>Every input the scenario \
         sets, by its stable name (the name error messages use). The base case uses the base \
         value; the simulation draws from the distribution, truncated where shown.</p>\n\
         <table class=\"inputs\">\n<colgroup><col class=\"input\"><col class=\"dist\">\
         <col class=\"base\"><col class=\"range\"><col></colgroup>\n<thead><tr>\
         <th>Input</th><th>Distribution</th><th class=\"num\">Base value</th>\
         <th class=\"num\">90% range (P5–P95)</th><th>Unit</th></tr></thead>\n<tbody>\n",
    );
    let (inputs, events): (Vec<&Assumption>, Vec<&Assumption>) = a
        .inputs
        .iter()
        .partition(|r| r.section != InputSection::RiskEvents);
    let defaults = inputs.iter().filter(|r| r.is_fixed() && !r.written).count();
    let mut section = None;
    for r in inputs {
        if r.is_fixed() && !r.written {
            continue;
        }
        if section != Some(r.section) {
            section = Some(r.section);
            let _ = writeln!(
                t,
                "<tr class=\"group\"><td colspan=\"5\">{}</td></tr>",
                escape(r.section.title())
            );
        }
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
        let _ = writeln!(
            t,
            "<tr><td><code>{}</code></td><td>{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td>{}</td></tr>",
            breakable(&r.name),
            escape(&describe(r, cur)),
            escape(&base),
            escape(&range),
            escape(&r.unit)
        );
    }
    if !events.is_empty() {
        let _ = writeln!(
            t,
            "<tr class=\"group\"><td colspan=\"5\">{}</td></tr>",
            escape(InputSection::RiskEvents.title())
        );
        for r in events {
            let p = match r.distribution {
                Dist::Bernoulli { p } => p,
                _ => r.base_value,
            };
            let happens = if p > 0.5 {
                "happens"
            } else {
                "does not happen"
            };
            let _ = writeln!(
                t,
                "<tr><td><code>{}</code></td><td>Happens in a trial with probability {}</td>\
                 <td class=\"num\">{happens}</td><td class=\"num\">—</td>\
                 <td>{}</td></tr>",
                breakable(&r.name),
                escape(&percent(p)),
                escape(&r.unit)
            );
        }
    }
    t.push_str("</tbody>\n</table>\n");
    if defaults > 0 {
        let _ = writeln!(
            t,
            "<p class=\"note\">{defaults} further inputs are left at their documented defaults \
             (for example a value share of 100% for drivers other than hours saved) and are \
             not listed.</p>"
        );
    }
    t.push_str(&correlations(a));
    t.push_str("</section>\n");
    t
}

/// The correlated inputs, when the scenario has any: one row per pair.
fn correlations(a: &Assumptions) -> String {
    if a.correlations.is_empty() {
        return String::new();
    }
    let mut t = String::from(
        "<h3>Correlated inputs</h3>\n<p>These pairs of inputs are drawn together with the rank \
         (Spearman) correlation shown: 1 means always in the same order, −1 always in opposite \
         order, 0 independent. Every other input is drawn independently.</p>\n\
         <table class=\"correlations\">\n<thead><tr><th>Input</th><th>Input</th>\
         <th class=\"num\">Rank correlation</th></tr></thead>\n<tbody>\n",
    );
    for c in &a.correlations {
        let _ = writeln!(
            t,
            "<tr><td><code>{}</code></td><td><code>{}</code></td><td class=\"num\">{}</td></tr>",
            breakable(&c.inputs[0]),
            breakable(&c.inputs[1]),
            escape(&num(c.rank).replace('-', "−"))
        );
    }
    t.push_str("</tbody>\n</table>\n");
    t
}

/// An input name, escaped, with line-break opportunities after each dot of the path.
fn breakable(name: &str) -> String {
    escape(name).replace('.', ".<wbr>")
}

/// How the numbers were made, and how precise they are.
fn method(s: &Summary) -> String {
    let cur = s.currency.as_str();
    let r = s.discount_rate_annual;
    let monthly = (1.0 + r).powf(1.0 / 12.0) - 1.0;
    let mut t = String::from("<section class=\"method\">\n<h2>Method</h2>\n");
    let paras = [
        format!(
            "Monte Carlo simulation: {} trials with seed {}. In each trial every uncertain \
             input is drawn once from its distribution, the monthly benefits and costs over \
             the {}-month horizon are built from them, and NPV, ROI, IRR and payback are \
             computed from that trial's cash flows. The same scenario, seed and number of \
             trials reproduce these figures exactly.",
            format::thousands(s.trials),
            s.seed,
            s.horizon_months
        ),
        format!(
            "Discounting: cash flows are monthly and discounted at {} a year, as the monthly \
             rate (1 + r)^(1/12) − 1 = {:.4}%; month 0 is not discounted. NPV is the sum of \
             the discounted monthly net cash flows.",
            ratio_percent(Some(r)),
            monthly * 100.0
        ),
        "ROI = (PV of benefits − PV of costs) / PV of costs. IRR is the annual rate at which \
         the NPV is zero. Revenue effects count at gross margin, cost savings in full."
            .to_string(),
        "Payback is the first month in which the cumulative net cash flow (not discounted) \
         reaches zero, with linear interpolation within the month (cash accrues evenly within \
         a month); \"never\" when that does not happen within the horizon. Discounted payback \
         does the same with discounted flows."
            .to_string(),
        "The base case sets every uncertain input to its most likely value: the mode of \
         triangular and PERT inputs, the median otherwise. A capability's contribution is the \
         present value of the benefits attributed to it; contributions add up to the PV of \
         benefits in every trial. Costs are programme-wide and not attributed."
            .to_string(),
    ];
    for p in paras {
        let _ = writeln!(t, "<p>{}</p>", escape(&p));
    }
    t.push_str("<h3>Precision</h3>\n");
    let mut precision = vec![format!(
        "Standard error of the mean NPV: {} (standard deviation / √trials). From sampling \
         alone, the mean NPV of {} is known to about ±{} (95%); more trials narrow this, \
         wider assumptions do not.",
        money(s.npv.stderr, cur),
        money(s.npv.mean, cur),
        money(1.96 * s.npv.stderr, cur)
    )];
    let q = &s.charts.cumulative_net;
    if q.relative_error > 0.0 {
        precision.push(format!(
            "Monthly percentiles of cumulative cash flow come from a mergeable sketch with a \
             relative error of at most {}; adoption percentiles are within ±{} points.",
            ratio_percent(Some(q.relative_error)),
            s.charts
                .adoption
                .iter()
                .map(|g| g.absolute_error)
                .fold(0.0, f64::max)
                * 100.0
        ));
    }
    if s.charts.npv_histogram.tails_clipped {
        precision.push(
            "The outer bars of the NPV histogram include the outcomes beyond them.".to_string(),
        );
    }
    precision.push(
        "These figures describe the consequences of the assumptions above, not certainty \
         about the future: they are only as good as the input ranges."
            .to_string(),
    );
    for p in precision {
        let _ = writeln!(t, "<p>{}</p>", escape(&p));
    }
    let _ = writeln!(
        t,
        "<p class=\"note\">{}</p>",
        escape(&sentences::provenance(s))
    );
    t.push_str("</section>\n");
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Correlation;
    use crate::test_support::fixture;

    fn hostile() -> String {
        "<script>alert(1)</script>\"'&".to_string()
    }

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape(&hostile()),
            "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"
        );
        assert_eq!(escape("客户洞察 €5"), "客户洞察 €5");
    }

    #[test]
    fn scenario_strings_are_escaped_everywhere() {
        let mut s = fixture::summary();
        let mut sc = fixture::scenario();
        s.scenario.name = hostile();
        sc.meta.name = hostile();
        sc.meta.description = hostile();
        s.capabilities[0].name = hostile();
        s.capabilities[0].group = hostile();
        sc.capabilities[0].effect.name = hostile();
        sc.user_groups[0].name = hostile();
        s.charts.adoption[0].name = hostile();
        sc.correlations.push(Correlation {
            inputs: [hostile(), format!("costs.{}.amount", hostile())],
            rank: 0.5,
            location: None,
        });
        let svg = vec![(
            "npv-distribution".to_string(),
            "<svg width=\"10\" height=\"10\" viewBox=\"0 0 10 10\"><text>x</text></svg>"
                .to_string(),
        )];
        let html = render(&fixture::results_of(s, &sc), &svg);
        assert!(!html.contains("<script"), "unescaped script tag");
        assert!(!html.contains("alert(1)</"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"));
    }

    #[test]
    fn svgs_are_inlined_scalable_and_refused_when_active() {
        let svg = "<svg width=\"1920\" height=\"1080\" viewBox=\"0 0 1920 1080\" \
                   xmlns=\"http://www.w3.org/2000/svg\">\n<rect/></svg>";
        let out = inline_svg(svg, "A <title>");
        assert!(out.starts_with("<svg viewBox=\"0 0 1920 1080\" role=\"img\""));
        assert!(out.contains("aria-label=\"A &lt;title&gt;\""));
        assert!(!out.contains("http"));
        assert!(out.ends_with("</svg>"));
        let bad = "<svg viewBox=\"0 0 1 1\"><script>x()</script></svg>";
        assert!(inline_svg(bad, "t").contains("could not be included"));
        let linked = "<svg viewBox=\"0 0 1 1\"><image href=\"https://x\"/></svg>";
        assert!(inline_svg(linked, "t").contains("could not be included"));
    }

    #[test]
    fn assumptions_list_every_written_input() {
        let html = render(&fixture::results(), &[]);
        for name in [
            "baseline.funnel.win_rate",
            "capabilities.&quot;Lead scoring&quot;.effect",
            "user_groups.&quot;Sales&quot;.adoption.midpoint",
            "costs.&quot;Systems integrator&quot;.overrun",
            "risks.&quot;Programme failure&quot;.occurs",
            "levers.&quot;KPI-based appraisal&quot;.ceiling",
        ] {
            assert!(html.contains(&breakable_escaped(name)), "missing {name}");
        }
        assert!(html.contains("$110,000</td>"), "exact base value");
        assert!(html.contains("2.35% to 9.06%"), "ranges at three figures");
        assert!(html.contains("PERT: min 1%, most likely 5%, max 12%"));
        assert!(html.contains("Normal: mean 5%, sd 2%; truncated to [0%, ∞]"));
        // Unwritten defaults (value share of non-hours capabilities) are counted, not listed.
        assert!(!html.contains("capabilities.&quot;Lead scoring&quot;.value_share"));
        assert!(html.contains("further inputs are left at their documented defaults"));
    }

    #[test]
    fn correlations_are_listed_only_when_there_are_some() {
        let s = fixture::summary();
        let mut sc = fixture::scenario();
        assert!(!render(&fixture::results_of(s.clone(), &sc), &[]).contains("Correlated inputs"));
        sc.correlations.push(Correlation {
            inputs: [
                "user_groups.\"Sales\".adoption.ceiling".into(),
                "capabilities.\"Lead scoring\".effect".into(),
            ],
            rank: -0.45,
            location: None,
        });
        let html = render(&fixture::results_of(s, &sc), &[]);
        assert!(html.contains("<h3>Correlated inputs</h3>"));
        assert!(html.contains(&breakable_escaped(
            "<td><code>user_groups.&quot;Sales&quot;.adoption.ceiling</code></td>"
        )));
        assert!(
            html.contains("<td class=\"num\">−0.45</td>"),
            "rank with a minus sign"
        );
    }

    fn breakable_escaped(escaped: &str) -> String {
        escaped.replace('.', ".<wbr>")
    }

    #[test]
    fn numbers_keep_what_they_deserve() {
        assert_eq!(num(650_000.0), "650,000");
        assert_eq!(num(12_000.0), "12,000");
        assert_eq!(num(12_000.5), "12,000.5");
        assert_eq!(num(-1_234.25), "-1,234.25");
        assert_eq!(num(0.05), "0.05");
        assert_eq!(num(14.5), "14.5");
        assert_eq!(num(-2.5), "-2.5");
        assert_eq!(sig(535_140_318.0, 3), "535,000,000");
        assert_eq!(sig(0.023487, 3), "0.0235");
        assert_eq!(sig(1.0359, 3), "1.04");
        assert_eq!(sig(99.96, 3), "100");
        assert_eq!(approx(0.09056, Quantity::Share, "USD"), "9.06%");
        assert_eq!(approx(-1234.0, Quantity::Money, "EUR"), "-€1,230");
        assert_eq!(num(f64::INFINITY), "∞");
    }

    #[test]
    fn has_headline_method_and_precision() {
        let s = fixture::summary();
        let html = render(&fixture::results_of(s, &fixture::scenario()), &[]);
        assert!(html.contains("Expected NPV") && html.contains("$31.4M"));
        assert!(html.contains("Chance NPV &gt; 0"));
        assert!(html.contains("(1 + r)^(1/12) − 1 = 0.7974%"));
        assert!(
            html.contains("Standard error of the mean NPV: $79k"),
            "stderr"
        );
        assert!(html.contains("@page { size: landscape"));
        for bad in ["<script", "<link", "http:", "https:", "url(", "src="] {
            assert!(!html.contains(bad), "found {bad}");
        }
    }
}
