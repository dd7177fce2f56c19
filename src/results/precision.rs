//! How precise a run's headline figures are, and the stopping rule that reached them.

use serde::{Deserialize, Serialize};

/// The `precision` section of `results.json`: 95% half-widths of the headline figures, so a
/// reader knows which digits the Monte Carlo sampling leaves uncertain (`docs/MODEL.md`,
/// "Precision").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Precision {
    /// Confidence level of the intervals (0.95).
    pub confidence: f64,
    /// Of the mean NPV: Student's t quantile × standard error.
    pub npv_mean: f64,
    /// Of P(NPV > 0): half the width of the Wilson score interval.
    pub prob_npv_positive: f64,
    /// Of the median NPV: half the width of the distribution-free order-statistic interval.
    pub npv_p50: f64,
    /// Of P(payback within m months), per listed month: half the width of the Wilson interval.
    pub prob_payback_within_months: super::PaybackWithin,
    /// The stopping rule of `run --precision`, when one was asked for; null otherwise.
    pub stopping_rule: Option<StoppingRule>,
}

/// What `run --precision` asked for and whether the run met it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoppingRule {
    /// The relative target: mean NPV's half-width within this share of |mean NPV|, and
    /// P(NPV > 0)'s half-width within this many probability units (0.005 = 0.5 points).
    pub target: f64,
    /// Most trials the run was allowed to add up to.
    pub max_trials: u64,
    /// Trials added per block.
    pub block_trials: u64,
    /// True when both half-widths met the target; false when the run stopped at `max_trials`
    /// (or at the memory limit) first.
    pub met: bool,
}
