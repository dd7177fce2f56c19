//! How precise a run's headline figures are: 95% half-widths from the run's own trials, and
//! the test `run --precision` stops on (`docs/MODEL.md`, "Precision").
//!
//! - mean NPV: Student's t quantile (n − 1 degrees of freedom) × the standard error;
//! - P(NPV > 0) and P(payback within m months): half the width of the Wilson score interval,
//!   which stays honest near 0 and 1 (where the plain ±z·√(p(1−p)/n) shrinks to nothing);
//! - median NPV: half the width of the distribution-free interval between two order statistics
//!   (the binomial ranks n/2 ∓ z·√n/2), which assumes nothing about NPV's shape.

use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::results::{PaybackWithin, Precision};

use super::run::{RunOutput, RunSpec, TrialTable};

/// Confidence level of every interval.
pub const CONFIDENCE: f64 = 0.95;
/// The two-sided 95% point of the standard normal distribution.
const Z: f64 = 1.959_963_984_540_054;

/// Half-width of the 95% interval of a mean from its standard error over `n` values.
pub fn mean_half_width(stderr: f64, n: usize) -> f64 {
    if n < 2 {
        return stderr;
    }
    t_quantile((n - 1) as f64) * stderr
}

/// Student's t 97.5% point with `df` degrees of freedom. statrs' inverse CDF (a numerical
/// search) drifts by a few parts in 10⁵ at large `df`; from 30 degrees of freedom on, the
/// Cornish–Fisher expansion (Abramowitz & Stegun 26.7.5, four terms) is exact to 10⁻⁸.
fn t_quantile(df: f64) -> f64 {
    if df < 30.0 {
        return StudentsT::new(0.0, 1.0, df)
            .map(|d| d.inverse_cdf(0.5 + CONFIDENCE / 2.0))
            .unwrap_or(Z);
    }
    let z = Z;
    let (z3, z5, z7, z9) = (z.powi(3), z.powi(5), z.powi(7), z.powi(9));
    let g1 = (z3 + z) / 4.0;
    let g2 = (5.0 * z5 + 16.0 * z3 + 3.0 * z) / 96.0;
    let g3 = (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / 384.0;
    let g4 = (79.0 * z9 + 776.0 * z7 + 1482.0 * z5 - 1920.0 * z3 - 945.0 * z) / 92160.0;
    z + g1 / df + g2 / df.powi(2) + g3 / df.powi(3) + g4 / df.powi(4)
}

/// Half the width of the 95% Wilson score interval of a proportion `p` of `n` trials.
pub fn wilson_half_width(p: f64, n: usize) -> f64 {
    if n == 0 {
        return 0.5;
    }
    let n = n as f64;
    let z2 = Z * Z;
    Z / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt()
}

/// The quantile levels (numpy "linear", as every percentile here) of the two order statistics
/// that bound a 95% interval of the median of `n` values: ranks ⌊n/2 − z√n/2⌋ and
/// ⌈n/2 + z√n/2⌉ + 1 (1-based, clamped to 1..=n).
pub fn median_interval_levels(n: usize) -> (f64, f64) {
    if n < 2 {
        return (0.0, 1.0);
    }
    let nf = n as f64;
    let spread = Z * nf.sqrt() / 2.0;
    let lo = ((nf / 2.0 - spread).floor()).max(1.0);
    let hi = ((nf / 2.0 + spread).ceil() + 1.0).min(nf);
    ((lo - 1.0) / (nf - 1.0), (hi - 1.0) / (nf - 1.0))
}

/// The precision of a summary of `n` trials. `median_bounds` are NPV at
/// [`median_interval_levels`]; `within` the P(payback within m) the summary lists.
pub fn precision(
    n: usize,
    npv_stderr: f64,
    prob_npv_positive: f64,
    median_bounds: (f64, f64),
    within: &PaybackWithin,
) -> Precision {
    Precision {
        confidence: CONFIDENCE,
        npv_mean: mean_half_width(npv_stderr, n),
        prob_npv_positive: wilson_half_width(prob_npv_positive, n),
        npv_p50: (median_bounds.1 - median_bounds.0) / 2.0,
        prob_payback_within_months: PaybackWithin(
            within
                .0
                .iter()
                .map(|&(m, p)| (m, wilson_half_width(p, n)))
                .collect(),
        ),
        stopping_rule: None,
    }
}

/// Whether a summary meets `run --precision target`: mean NPV's half-width within `target` ×
/// |mean NPV| and P(NPV > 0)'s within `target` (in probability units).
pub fn meets(target: f64, npv_mean: f64, p: &Precision) -> bool {
    p.npv_mean <= target * npv_mean.abs() && p.prob_npv_positive <= target
}

/// Roughly how many trials a run of `n` with precision `p` needs to meet `target`: half-widths
/// shrink as 1/√n, so n × (half-width / allowed)², for the stricter of the two.
pub fn trials_needed(n: u64, target: f64, npv_mean: f64, p: &Precision) -> u64 {
    let ratio = |hw: f64, allowed: f64| {
        if allowed > 0.0 {
            (hw / allowed).powi(2)
        } else {
            f64::INFINITY
        }
    };
    let r = ratio(p.npv_mean, target * npv_mean.abs()).max(ratio(p.prob_npv_positive, target));
    let want = (n as f64 * r).ceil();
    if want.is_finite() && want < u64::MAX as f64 {
        want as u64
    } else {
        u64::MAX
    }
}

/// Trials a `run --precision` adds at a time, at least: it grows by whole blocks.
pub const BLOCK_TRIALS: u64 = 10_000;

/// The trial count a `run --precision` goes on to from `n` trials: the projected need
/// ([`trials_needed`], with 10% to spare) rounded up to whole [`BLOCK_TRIALS`], at least one
/// block more than `n`, at most `max_trials`.
pub fn next_trial_count(n: u64, needed: u64, max_trials: u64) -> u64 {
    let want = needed.saturating_add(needed / 10).max(n + 1);
    let blocks = want.div_ceil(BLOCK_TRIALS).max(n / BLOCK_TRIALS + 1);
    blocks.saturating_mul(BLOCK_TRIALS).min(max_trials)
}

/// A run of trials `0..a` followed by the run of trials `a..b` of the same model and seed:
/// exactly the run of `0..b` (rows are positional and the sketches integer counts, as
/// [`super::shard::merge`] relies on too).
pub fn extend(earlier: RunOutput, later: RunOutput) -> RunOutput {
    debug_assert_eq!(
        earlier.spec.first_trial + earlier.spec.trials,
        later.spec.first_trial
    );
    let width = earlier.table.width;
    let (r1, r2) = (earlier.table.rows, later.table.rows);
    let rows = r1 + r2;
    let mut data = Vec::with_capacity(rows * width);
    for c in 0..width {
        data.extend_from_slice(earlier.table.column(c));
        data.extend_from_slice(later.table.column(c));
    }
    let mut sketches = earlier.sketches;
    sketches.merge(&later.sketches);
    RunOutput {
        spec: RunSpec {
            seed: earlier.spec.seed,
            first_trial: earlier.spec.first_trial,
            trials: earlier.spec.trials + later.spec.trials,
        },
        table: TrialTable { width, rows, data },
        sketches,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_widths_match_textbook_values() {
        // t(0.975, 9) = 2.262157, t(0.975, 30) = 2.042272, t(0.975, 120) = 1.979930.
        assert!((mean_half_width(1.0, 10) - 2.262_157).abs() < 1e-5);
        assert!((mean_half_width(1.0, 31) - 2.042_272).abs() < 1e-5);
        assert!((mean_half_width(1.0, 121) - 1.979_930).abs() < 1e-5);
        // Large n: the normal point.
        let large = mean_half_width(1.0, 1_000_000);
        assert!((large - Z).abs() < 1e-5, "{large}");
        // Wilson, p = 0.5, n = 100: (0.4038, 0.5962), half-width 0.0962.
        assert!((wilson_half_width(0.5, 100) - 0.0962).abs() < 1e-4);
        // Wilson at p = 0 is still an interval, unlike the plain one.
        assert!(wilson_half_width(0.0, 100) > 0.015);
    }

    #[test]
    fn median_interval_is_the_binomial_ranks() {
        // n = 100: ranks 40 and 61 (Conover's table: 40 and 61 for 95%).
        let (lo, hi) = median_interval_levels(100);
        assert!((lo * 99.0 + 1.0 - 40.0).abs() < 1e-9, "{lo}");
        assert!((hi * 99.0 + 1.0 - 61.0).abs() < 1e-9, "{hi}");
        let (lo, hi) = median_interval_levels(1);
        assert_eq!((lo, hi), (0.0, 1.0));
    }

    #[test]
    fn the_stopping_rule_needs_both_half_widths() {
        let mut p = Precision {
            npv_mean: 0.4,
            prob_npv_positive: 0.004,
            ..Precision::default()
        };
        assert!(meets(0.005, 100.0, &p));
        assert!(!meets(0.005, 50.0, &p));
        p.prob_npv_positive = 0.006;
        assert!(!meets(0.005, 100.0, &p));
        // Four times the trials halve the half-widths.
        let p = Precision {
            npv_mean: 1.0,
            prob_npv_positive: 0.001,
            ..Precision::default()
        };
        assert_eq!(trials_needed(1000, 0.005, 100.0, &p), 4000);
    }

    #[test]
    fn runs_grow_by_whole_blocks_up_to_the_limit() {
        assert_eq!(next_trial_count(1000, 4000, 1_000_000), 10_000);
        assert_eq!(next_trial_count(10_000, 5_000, 1_000_000), 20_000);
        assert_eq!(next_trial_count(10_000, 150_000, 1_000_000), 170_000);
        assert_eq!(next_trial_count(10_000, u64::MAX, 1_000_000), 1_000_000);
        assert_eq!(next_trial_count(15_000, 0, 25_000), 20_000);
    }

    /// Trials 0..a and a..b put together are the run of 0..b: the same rows, bit for bit, and
    /// the same summary.
    #[test]
    fn an_extended_run_is_the_longer_run() {
        use crate::engine::run;
        use crate::model::Model;
        let scenario =
            crate::scenario::parse_str(crate::scenario::BUILT_IN, None).expect("built-in parses");
        let model = Model::compile(&scenario);
        let spec = |first_trial, trials| RunSpec {
            seed: 5,
            first_trial,
            trials,
        };
        let whole = run(&model, spec(0, 3000), &|_| {});
        let joined = extend(
            run(&model, spec(0, 1000), &|_| {}),
            run(&model, spec(1000, 2000), &|_| {}),
        );
        assert_eq!(joined.spec, whole.spec);
        for c in 0..whole.table.width {
            let (a, b) = (joined.table.column(c), whole.table.column(c));
            let differ = a
                .iter()
                .zip(b)
                .filter(|(x, y)| x.to_bits() != y.to_bits())
                .count();
            assert_eq!(differ, 0, "column {c}: {differ} trials differ");
        }
        // The sketches may hold their counts in differently sized stores: compare what they
        // give, the summaries.
        let id = crate::engine::ScenarioIdentity::new(&scenario.meta, None, String::new());
        let summary = |out| crate::engine::summarise(&model, out, &id, 0.0);
        assert!(summary(&joined) == summary(&whole), "the summaries differ");
    }
}
