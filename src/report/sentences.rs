//! The results in plain sentences for the board pack: what a sponsor would say out loud.
//!
//! Wording is held to what the numbers support: "mean" and "median" are named as such,
//! probabilities are "in x% of simulated outcomes" (a statement about the model, not a
//! promise), and a sentence is left out rather than guessed when its figure is undefined.

use crate::report::format::{money, months, percent, ratio_percent};
use crate::results::{CapabilityResult, PaybackStats, Summary};

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
            "The NPV is positive in {} of simulated outcomes; in the other {} the programme \
             loses money in present-value terms.",
            percent(s.prob_npv_positive),
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

    if let Some(sentence) = top_capabilities(&s.capabilities) {
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
        assert!(all.contains("The expected (mean) NPV is $32.0M"), "{all}");
        assert!(all.contains("chance the programme pays back within 24 months"));
        assert!(all.contains(
            "The three capabilities that carry most of the value are Opportunity management, \
             Lead scoring and Service case management"
        ));
        assert!(all.contains("in 1 of 10 simulated outcomes it is below -73.6%"));
        assert!(all.contains("does not pay back within the 60-month horizon"));
        assert!(f.iter().all(|s| s.ends_with('.')));
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
    fn lists_read_naturally() {
        assert_eq!(join_and(&["A"]), "A");
        assert_eq!(join_and(&["A", "B"]), "A and B");
        assert_eq!(join_and(&["A", "B", "C"]), "A, B and C");
    }
}
