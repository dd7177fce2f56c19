//! Scenarios compared trial by trial (`valuecase compare`): the runs of each, and for every
//! scenario after the baseline the paired differences to the baseline. What `comparison.json`
//! and `compare --json` hold; keys are only ever added.

use serde::{Deserialize, Serialize};

use super::{Histogram, PaybackWithin, Stats, Summary};

/// A comparison of 2 to 8 scenarios run with one seed and one trial count: trial `i` of every
/// scenario draws the same numbers for every input the scenarios share (common random
/// numbers), so the difference in trial `i` is the difference the scenarios make.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// The run summary of each scenario, as in its results.json; the baseline first.
    pub scenarios: Vec<Summary>,
    /// Each scenario after the baseline against the baseline, in the order of `scenarios`.
    pub pairs: Vec<PairComparison>,
    /// Trials of every run.
    pub trials: u64,
    /// The seed of every run.
    pub seed: u64,
    pub valuecase_version: String,
    /// Seconds the comparison took (runs, pairs and summaries).
    pub elapsed_seconds: f64,
}

/// B against A, trial by trial (A is the baseline). Every difference is B − A.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairComparison {
    /// The baseline's scenario name.
    pub a: String,
    /// The other scenario's name.
    pub b: String,
    /// Their positions in `Comparison::scenarios`.
    pub a_index: usize,
    pub b_index: usize,
    /// Share of trials with NPV(B) > NPV(A).
    pub prob_b_beats_a: f64,
    /// Share of trials with NPV(B) = NPV(A) exactly (1 when a scenario is compared with itself).
    pub prob_equal: f64,
    /// NPV(B) − NPV(A) per trial.
    pub npv_diff: Stats,
    /// 95% interval of the mean NPV difference: Student's t on the paired differences,
    /// mean ± t(0.975, n − 1) · std / √n (null with a single trial).
    pub npv_diff_mean_ci95: [f64; 2],
    /// The interval two independent runs of the same size would give (Welch: the two runs'
    /// own variances, no pairing): how much the pairing narrows it.
    pub npv_diff_mean_ci95_unpaired: [f64; 2],
    /// PV costs(B) − PV costs(A) per trial, and the 95% interval of its mean.
    pub pv_costs_diff: Stats,
    pub pv_costs_diff_mean_ci95: [f64; 2],
    /// P(NPV(B) > 0) − P(NPV(A) > 0).
    pub prob_npv_positive_diff: f64,
    /// Median payback of B − of A, in months; null when either median never pays back.
    pub payback_p50_diff: Option<f64>,
    /// P(payback within m months) of B − of A, for m = 12, 24, 36 … within the horizon.
    pub prob_payback_within_months_diff: PaybackWithin,
    /// The NPV difference at each whole percentile 0..=100 (101 values).
    pub npv_diff_percentiles: Vec<f64>,
    /// Histogram of the NPV difference (P0.5 to P99.5, the tails folded into the outer bins).
    pub npv_diff_histogram: Histogram,
}
