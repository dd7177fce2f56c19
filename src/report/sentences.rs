//! The results in plain sentences for the board pack: what a sponsor would say out loud.
//!
//! Wording is held to what the numbers support: "mean" and "median" are named as such,
//! probabilities are "in x% of simulated outcomes" (a statement about the model, not a
//! promise), and a sentence is left out rather than guessed when its figure is undefined.

use crate::report::format::{irr_not_meaningful, money, months, percent, ratio_percent};
use crate::report::input_label::InputLabel;
use crate::results::{CapabilityResult, PaybackStats, Sensitivity, Summary};

/// Findings, most important first, as plain text (callers escape for their medium).
pub fn findings(s: &Summary) -> Vec<String> {
    let cur = s.currency.as_str();
    let mut out = Vec::new();

    out.push(format!(
        "The expected (mean) NPV is {}; the median is {}: half of the simulated outcomes are \
         above it and half below.",
        money(s.npv.mean, cur),
        money(s.npv.p50, cur)
    ));
    out.push(if s.prob_npv_positive >= 1.0 {
        "The NPV is positive in every simulated outcome.".to_string()
    } else if s.prob_npv_positive <= 0.0 {
        "The NPV is positive in none of the simulated outcomes: in every one the programme loses \
         money in present-value terms."
            .to_string()
    } else {
        format!(
            "The NPV is positive in {} of simulated outcomes ({} from sampling, 95%); in the \
             other {} the programme loses money in present-value terms.",
            percent(s.prob_npv_positive),
            plus_minus_points(s.precision.prob_npv_positive),
            percent(1.0 - s.prob_npv_positive)
        )
    });
    out.push(format!(
        "In 90% of simulated outcomes the NPV lies between {} (P5) and {} (P95).",
        money(s.npv.p5, cur),
        money(s.npv.p95, cur)
    ));

    if let Some((m, p)) = payback_within(s, 24) {
        out.push(format!(
            "There is a {} chance the programme pays back within {m} months.",
            percent(p)
        ));
    }
    match s.payback_months.stats.p50 {
        Some(m) => out.push(format!(
            "Half of the simulated outcomes pay back within {} (median payback).",
            months(Some(m))
        )),
        None => out.push(format!(
            "Fewer than half of the simulated outcomes pay back within the {}-month horizon.",
            s.horizon_months
        )),
    }
    if s.payback_months.never_fraction >= 0.005 {
        out.push(format!(
            "In {} of simulated outcomes the programme does not pay back within the {}-month \
             horizon.",
            percent(s.payback_months.never_fraction),
            s.horizon_months
        ));
    }

    out.extend(falls_back(s));

    if let Some(sentence) = top_capabilities(&s.capabilities) {
        out.push(sentence);
    }
    if let Some(sentence) = drivers(&s.sensitivity) {
        out.push(sentence);
    }

    if let (Some(p50), Some(p10)) = (s.roi.stats.p50, s.roi.stats.p10) {
        out.push(format!(
            "The median ROI is {}; in 1 of 10 simulated outcomes it is below {}.",
            ratio_percent(Some(p50)),
            ratio_percent(Some(p10))
        ));
    }

    let reach = share_at_least(&s.charts.npv_percentiles, s.base_case.npv);
    if let Some(reach) = reach {
        let mut sentence = format!(
            "With every input at its most likely value (the base case) the NPV is {}; {} of \
             simulated outcomes reach that.",
            money(s.base_case.npv, cur),
            percent(reach)
        );
        if reach < 0.45 {
            sentence.push_str(
                " A plan built on most-likely values alone overstates the typical result.",
            );
        }
        out.push(sentence);
    }
    out
}

/// A payback is read as "recovered for good"; where the balance falls below zero again by the
/// end of the horizon, say so: for the base case with both months, and the share of outcomes
/// that do (from 0.5% up).
pub fn falls_back(s: &Summary) -> Vec<String> {
    let mut out = Vec::new();
    let b = &s.base_case;
    if let (Some(paid), Some(fell)) = (b.payback_months, b.falls_back_months) {
        out.push(format!(
            "The base case pays back after {} but falls below zero again after {} and stays \
             there to the end of the {}-month horizon: its payback is not a recovery for good.",
            months(Some(paid)),
            months(Some(fell)),
            s.horizon_months
        ));
    }
    if s.prob_falls_back >= 0.005 {
        out.push(format!(
            "In {} of simulated outcomes the programme pays back and then falls below zero \
             again for good before the end of the horizon; the payback figures count them as \
             paying back.",
            percent(s.prob_falls_back)
        ));
    }
    out
}

/// Why IRR figures shown as "not meaningful" are so (−100% or above 10,000% a year), naming
/// which of the base case, mean, P10, P50 and P90 they are; `None` when every IRR shown is
/// meaningful. results.json keeps the numbers.
pub fn irr_not_meaningful_note(s: &Summary) -> Option<String> {
    let st = &s.irr_annual.stats;
    let figures = [
        ("base case", s.base_case.irr_annual),
        ("mean", st.mean),
        ("P10", st.p10),
        ("P50", st.p50),
        ("P90", st.p90),
    ];
    let mut which = Vec::new();
    let mut reasons: Vec<&str> = Vec::new();
    for (what, r) in figures {
        if let Some(reason) = irr_not_meaningful(r) {
            which.push(what);
            if !reasons.contains(&reason) {
                reasons.push(reason);
            }
        }
    }
    (!which.is_empty()).then(|| {
        format!(
            "IRR not meaningful ({}): {}; judge the case by its NPV and payback (results.json \
             keeps the numbers)",
            which.join(", "),
            reasons.join("; ")
        )
    })
}

/// The inputs that drive NPV, in one sentence: "Two inputs explain 68% of the variance in NPV:
/// whether “Programme fails” happens and the uplift of Opportunity management." The fewest
/// inputs (at most three) whose contributions to variance reach half of it; `None` when no
/// input varies.
pub fn drivers(s: &Sensitivity) -> Option<String> {
    let (k, share) = top_drivers(s)?;
    let names: Vec<String> = s.inputs[..k]
        .iter()
        .map(|i| InputLabel::of(&i.input).phrase())
        .collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let count = [
        "",
        "One input explains",
        "Two inputs explain",
        "Three inputs explain",
    ][k];
    let shared = if s.inputs[..k].iter().any(|i| i.correlated) {
        " (correlated inputs each take the credit they share)"
    } else {
        ""
    };
    Some(format!(
        "{count} {} of the variance in NPV{shared}: {}.",
        percent(share),
        join_and(&names)
    ))
}

/// How many of the first inputs (at most three) explain half the variance in NPV, and the
/// share they explain together; `None` without inputs.
pub fn top_drivers(s: &Sensitivity) -> Option<(usize, f64)> {
    let mut share = 0.0;
    for (i, input) in s.inputs.iter().take(3).enumerate() {
        share += input.contribution_to_variance.abs();
        if share >= 0.5 || i == 2 || i + 1 == s.inputs.len() {
            return (share > 0.0).then_some((i + 1, share));
        }
    }
    None
}

/// A 95% half-width of a probability in percentage points: "± 0.3 points", "± 0.04 points".
pub fn plus_minus_points(half_width: f64) -> String {
    let points = half_width * 100.0;
    if points >= 0.095 {
        format!("± {points:.1} points")
    } else {
        format!("± {points:.2} points")
    }
}

/// What the change programme is worth, in one sentence: what it costs, what it adds in the
/// median trial and on average, and how often it pays for itself. `None` without levers.
pub fn change_programme(s: &Summary) -> Option<String> {
    let cp = s.change_programme.as_ref()?;
    let cur = s.currency.as_str();
    let pays = if cp.prob_pays_for_itself >= 1.0 {
        "it pays for itself in every trial".to_string()
    } else {
        format!(
            "it pays for itself in {} of trials",
            percent(cp.prob_pays_for_itself)
        )
    };
    let verb = if cp.npv_gain.p50 >= 0.0 {
        "adds"
    } else {
        "costs"
    };
    Some(format!(
        "The change programme costs {} (present value, median trial) and {verb} {} of NPV in the \
         median trial ({} on average); {pays}.",
        money(cp.pv_lever_costs.p50, cur),
        money(cp.npv_gain.p50.abs(), cur),
        money(cp.npv_gain.mean, cur),
    ))
}

/// What a payback mean is the mean of, when some outcomes never pay back (the mean is then
/// over the others only): "Payback mean: of the 78% of outcomes that pay back within 36
/// months (22% never do)". `None` when every outcome pays back (the mean is the mean of all)
/// or none does (there is no mean).
pub fn payback_mean_of(what: &str, st: &PaybackStats, horizon_months: u32) -> Option<String> {
    (st.never_fraction > 0.0 && st.stats.mean.is_some()).then(|| {
        format!(
            "{what} mean: of the {} of outcomes that pay back within {horizon_months} months \
             ({} never do)",
            percent(1.0 - st.never_fraction),
            percent(st.never_fraction)
        )
    })
}

/// Where a figure came from: scenario, trials, seed, the first 8 hex digits of the scenario's
/// SHA-256 and the valuecase version — printed under every chart and in the board pack so any
/// slide can be traced back to the run that made it.
pub fn provenance(s: &Summary) -> String {
    let sha: String = s.scenario.sha256.chars().take(8).collect();
    format!(
        "{} · {} trials · seed {} · scenario sha256 {} · valuecase {}",
        s.scenario.name,
        crate::report::format::thousands(s.trials),
        s.seed,
        sha,
        s.valuecase_version
    )
}

/// P(paid back within `wanted` months), or the nearest month reported below it.
fn payback_within(s: &Summary, wanted: u32) -> Option<(u32, f64)> {
    let listed = &s.prob_payback_within_months.0;
    listed
        .iter()
        .find(|(m, _)| *m == wanted)
        .or_else(|| listed.iter().rfind(|(m, _)| *m < wanted))
        .copied()
        .or_else(|| {
            let m = wanted.min(s.horizon_months);
            s.charts
                .payback_probability
                .get(m as usize)
                .map(|p| (m, *p))
        })
}

/// "The three capabilities that carry most of the value are A, B and C: together x% of the
/// expected benefits." Ranked by median (as the chart is); the share uses means, which add
/// up across capabilities where medians do not.
fn top_capabilities(caps: &[CapabilityResult]) -> Option<String> {
    if caps.len() < 2 {
        return None;
    }
    let k = caps.len().min(3);
    let share = top_share(caps, k)?;
    let names: Vec<&str> = ranked(caps)[..k].iter().map(|c| c.name.as_str()).collect();
    let count = ["", "one", "two", "three"][k];
    Some(format!(
        "The {count} capabilities that carry most of the value are {}: together {} of the \
         expected (mean) present value of benefits, out of {} capabilities.",
        join_and(&names),
        percent(share),
        caps.len()
    ))
}

/// Capabilities by median contribution, largest first (ties keep scenario order): the order
/// of the capability chart and of the sentences about it.
pub fn ranked(caps: &[CapabilityResult]) -> Vec<&CapabilityResult> {
    let mut v: Vec<&CapabilityResult> = caps.iter().collect();
    v.sort_by(|a, b| b.npv_contribution.p50.total_cmp(&a.npv_contribution.p50));
    v
}

/// Share of the expected (mean) benefits carried by the `k` first of [`ranked`]. Means add
/// up across capabilities (contributions sum to PV benefits in every trial); medians do not.
pub fn top_share(caps: &[CapabilityResult], k: usize) -> Option<f64> {
    let total: f64 = caps.iter().map(|c| c.npv_contribution.mean).sum();
    let top: f64 = ranked(caps)
        .iter()
        .take(k)
        .map(|c| c.npv_contribution.mean)
        .sum();
    (total > 0.0).then_some(top / total)
}

/// "A", "A and B", "A, B and C".
pub fn join_and(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Share of outcomes with NPV ≥ `x`, read off the percentile curve (101 points) with linear
/// interpolation; `None` when the curve is missing.
pub fn share_at_least(percentiles: &[f64], x: f64) -> Option<f64> {
    let n = percentiles.len();
    if n < 2 || !x.is_finite() {
        return None;
    }
    let step = 1.0 / (n - 1) as f64;
    if x <= percentiles[0] {
        return Some(1.0);
    }
    if x > percentiles[n - 1] {
        return Some(0.0);
    }
    let i = percentiles.partition_point(|v| *v < x);
    let (a, b) = (percentiles[i - 1], percentiles[i]);
    let frac = if b > a { (x - a) / (b - a) } else { 1.0 };
    let below = ((i - 1) as f64 + frac) * step;
    Some((1.0 - below).clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::fixture;

    #[test]
    fn reads_like_a_sponsor_speaking() {
        let s = fixture::summary();
        let f = findings(&s);
        let all = f.join("\n");
        assert!(all.contains("The expected (mean) NPV is $31.2M"), "{all}");
        assert!(all.contains("chance the programme pays back within 24 months"));
        assert!(all.contains(
            "The three capabilities that carry most of the value are Opportunity management, \
             Lead scoring and Service case management"
        ));
        assert!(
            all.contains("in 1 of 10 simulated outcomes it is below -74.3%"),
            "{all}"
        );
        assert!(all.contains("does not pay back within the 60-month horizon"));
        assert!(f.iter().all(|s| s.ends_with('.')));
    }

    /// A payback that does not last is said so, for the base case with both months and for
    /// the share of outcomes; IRR figures out of their meaningful range are named with why.
    #[test]
    fn a_payback_that_does_not_last_and_a_meaningless_irr_are_said_plainly() {
        let mut s = fixture::summary();
        assert!(falls_back(&s).is_empty(), "{:?}", falls_back(&s));
        assert_eq!(irr_not_meaningful_note(&s), None);
        s.base_case.payback_months = Some(14.0);
        s.base_case.falls_back_months = Some(41.5);
        s.prob_falls_back = 0.12;
        let said = falls_back(&s).join("\n");
        assert!(
            said.contains("The base case pays back after 14.0 months but falls below zero again after 41.5 months"),
            "{said}"
        );
        assert!(said.contains(
            "In 12% of simulated outcomes the programme pays back and then falls below zero"
        ));
        assert!(findings(&s).join("\n").contains("not a recovery for good"));
        s.base_case.irr_annual = Some(250.0);
        s.irr_annual.stats.p90 = Some(-1.0);
        let note = irr_not_meaningful_note(&s).expect("a note");
        assert!(
            note.starts_with("IRR not meaningful (base case, P90): "),
            "{note}"
        );
        assert!(note.contains("10,000%") && note.contains("−100%"), "{note}");
    }

    #[test]
    fn missing_figures_leave_sentences_out() {
        let mut s = fixture::summary();
        s.payback_months.stats.p50 = None;
        s.roi.stats.p50 = None;
        s.capabilities.truncate(1);
        let all = findings(&s).join("\n");
        assert!(all.contains("Fewer than half of the simulated outcomes pay back"));
        assert!(!all.contains("median ROI"));
        assert!(!all.contains("capabilities that carry"));
    }

    #[test]
    fn certain_outcomes_are_said_plainly() {
        // (P(NPV > 0), what is said, what must not be said)
        let cases = [
            (
                1.0,
                "The NPV is positive in every simulated outcome.",
                "in the other 0%",
            ),
            (
                0.0,
                "positive in none of the simulated outcomes",
                "in 0% of",
            ),
        ];
        for (p, said, not_said) in cases {
            let mut s = fixture::summary();
            s.prob_npv_positive = p;
            let all = findings(&s).join("\n");
            assert!(all.contains(said) && !all.contains(not_said), "{p}: {all}");
        }
    }

    #[test]
    fn share_at_least_interpolates() {
        let p: Vec<f64> = (0..=100).map(|i| i as f64).collect();
        assert_eq!(share_at_least(&p, 25.0), Some(0.75));
        assert_eq!(share_at_least(&p, -5.0), Some(1.0));
        assert_eq!(share_at_least(&p, 500.0), Some(0.0));
        assert!((share_at_least(&p, 25.5).unwrap() - 0.745).abs() < 1e-12);
        assert_eq!(share_at_least(&[], 1.0), None);
    }

    #[test]
    fn the_drivers_are_named_with_their_share() {
        let s = fixture::summary();
        let sentence = drivers(&s.sensitivity).expect("the fixture has uncertain inputs");
        let (k, share) = top_drivers(&s.sensitivity).expect("drivers");
        assert!(share >= 0.5 || k == 3, "{sentence}");
        assert!(sentence.contains("of the variance in NPV: "), "{sentence}");
        assert!(
            sentence.contains("whether “Programme failure” happens"),
            "{sentence}"
        );
        assert!(sentence.ends_with('.'));
        assert_eq!(plus_minus_points(0.0033), "± 0.3 points");
        assert_eq!(plus_minus_points(0.0004), "± 0.04 points");
    }

    #[test]
    fn lists_read_naturally() {
        assert_eq!(join_and(&["A"]), "A");
        assert_eq!(join_and(&["A", "B"]), "A and B");
        assert_eq!(join_and(&["A", "B", "C"]), "A, B and C");
    }
}
