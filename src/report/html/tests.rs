use super::values::sig;
use super::*;
use crate::scenario::{Correlation, Quantity};
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
    let tiny = "<svg width=\"10\" height=\"10\" viewBox=\"0 0 10 10\"><text>x</text></svg>";
    // A chart the report does not know is captioned and titled by its name.
    let svg = vec![
        ("npv-distribution".to_string(), tiny.to_string()),
        (hostile(), tiny.to_string()),
    ];
    let html = render(&fixture::results_of(s, &sc), &svg);
    assert!(!html.contains("<script"), "unescaped script tag");
    assert!(!html.contains("alert(1)</"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"));
    assert!(
        html.contains("<h2>Figure 2. &lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;</h2>")
    );
}

/// A name with a right-to-left override would reverse the rest of its line on the page, and
/// control characters are not text: they are shown as `\u{..}`, as on the terminal.
#[test]
fn bidi_and_control_characters_are_shown_not_obeyed() {
    let mut s = fixture::summary();
    let mut sc = fixture::scenario();
    let sneaky = "rtl\u{202e}olleh bell\u{7} nul\0 esc\u{1b}[2J zw\u{200b}sp";
    s.scenario.name = sneaky.to_string();
    sc.meta.name = sneaky.to_string();
    s.capabilities[0].name = sneaky.to_string();
    s.charts.adoption[0].name = sneaky.to_string();
    sc.meta.description = format!("{sneaky}\nsecond line");
    let html = render(&fixture::results_of(s, &sc), &[]);
    let raw: Vec<char> = html
        .chars()
        .filter(|&c| (c.is_control() && c != '\n') || matches!(c, '\u{202e}' | '\u{200b}'))
        .collect();
    assert!(raw.is_empty(), "raw characters {raw:?} in the board pack");
    assert!(html.contains("rtl\\u{202e}olleh bell\\u{7} nul\\u{0} esc\\u{1b}[2J zw\\u{200b}sp"));
    // A new line in a description is white space on the page, kept as it is.
    assert!(html.contains("sp\nsecond line"), "{html}");
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
        "capabilities.&quot;Lead scoring&quot;.uplift",
        "user_groups.&quot;Sales&quot;.adoption.midpoint",
        "costs.&quot;Systems integrator&quot;.overrun",
        "risks.&quot;Programme failure&quot;.occurs",
        "levers.&quot;KPI-based appraisal&quot;.effects.ceiling",
        "levers.&quot;KPI-based appraisal&quot;.costs.&quot;Appraisal redesign&quot;.amount",
    ] {
        assert!(html.contains(&breakable_escaped(name)), "missing {name}");
    }
    assert!(html.contains("$110,000</td>"), "exact base value");
    assert!(html.contains("2.35% to 9.06%"), "ranges at three figures");
    assert!(html.contains("PERT: min 1%, most likely 5%, max 12%"));
    assert!(html.contains("Normal: mean 5%, sd 2%; truncated to [0%, 100%]"));
    assert!(html.contains("Normal: mean $85, sd $12; truncated to [$0, ∞]"));
    assert!(html.contains("One of $600 (30%), $900 (50%), $1,500 (20%)"));
    assert!(html.contains("Lognormal: μ 13.5, σ 0.4 (median $729,000)"));
    // Unwritten defaults (value share of non-hours capabilities) are counted, not listed.
    assert!(!html.contains("capabilities.&quot;Lead scoring&quot;.value_share"));
    assert!(html.contains("12 further inputs are left at their documented defaults"));
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
    assert!(html.contains("Expected NPV") && html.contains("$31.2M"));
    assert!(html.contains("Chance NPV &gt; 0"));
    assert!(html.contains("(1 + r)^(1/12) − 1 = 0.7974%"));
    assert!(
        html.contains("Standard error of the mean NPV: $499k"),
        "stderr: {}",
        html.lines()
            .find(|l| l.contains("Standard error"))
            .unwrap_or("none")
    );
    assert!(html.contains("@page { size: landscape"));
    // Every template tag was rendered.
    for bad in ["{{", "}}", "{%", "%}", "{#", "#}"] {
        assert!(!html.contains(bad), "found {bad}");
    }
    for bad in ["<script", "<link", "http:", "https:", "url(", "src="] {
        assert!(!html.contains(bad), "found {bad}");
    }
}

/// The board pack's figures mark a payback mean taken over the paying outcomes only, and say
/// of how many, for each payback separately (their shares differ).
#[test]
fn a_payback_mean_beside_never_says_whose_mean_it_is() {
    let mut s = fixture::summary();
    s.payback_months.never_fraction = 0.22;
    s.payback_months.stats.mean = Some(14.84);
    s.discounted_payback_months.never_fraction = 0.26;
    s.discounted_payback_months.stats.mean = Some(15.43);
    let h = s.horizon_months;
    let html = render(&fixture::results_of(s.clone(), &fixture::scenario()), &[]);
    assert!(
        html.contains("<td class=\"num\">14.8 months*</td>"),
        "{html}"
    );
    assert!(
        html.contains("<td class=\"num\">15.4 months†</td>"),
        "{html}"
    );
    assert!(html.contains(&format!(
        "* Payback mean: of the 78% of outcomes that pay back within {h} months (22% never do)."
    )));
    assert!(html.contains(&format!(
        "† Discounted payback mean: of the 74% of outcomes that pay back within {h} months \
         (26% never do)."
    )));

    s.payback_months.never_fraction = 0.0;
    s.discounted_payback_months.never_fraction = 0.0;
    let html = render(&fixture::results_of(s, &fixture::scenario()), &[]);
    assert!(html.contains("<td class=\"num\">14.8 months</td>"));
    assert!(!html.contains("Payback mean"));
}
