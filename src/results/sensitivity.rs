//! What drives a run's NPV: rank statistics over the run's own trials and a one-at-a-time
//! tornado on the base case (`docs/MODEL.md`, "What drives the result"). Plain data; the engine
//! computes it after a run, from the same trials, without simulating again.

use serde::{Deserialize, Serialize};

/// The `sensitivity` section of `results.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Sensitivity {
    /// Trials the rank statistics were computed on: the run's first trials, all of them up to
    /// [`SAMPLE_LIMIT`](crate::results::sensitivity::SAMPLE_LIMIT), so the memory they need
    /// stays bounded at any trial count.
    pub sample_trials: u64,
    /// How far from 0 the rank correlation of an input with no effect on NPV falls in 95% of
    /// runs: 1.96 / √(sample_trials − 1). Smaller correlations are noise.
    pub rank_correlation_noise: f64,
    /// The contribution to variance such a no-effect input would get at that bound
    /// (rank_correlation_noise² over the sum of squared correlations): smaller shares are noise.
    pub contribution_noise: f64,
    /// Every input that varies between trials and every risk event, largest contribution first.
    pub inputs: Vec<InputSensitivity>,
    /// One input at a time on the base case, largest swing first.
    pub tornado: Vec<TornadoBar>,
}

/// Most trials the rank statistics read (the first ones of the run).
pub const SAMPLE_LIMIT: u64 = 50_000;

/// How one input moves with NPV across the trials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputSensitivity {
    /// Stable name (`risks."…".occurs` for whether a risk happens).
    pub input: String,
    /// Spearman rank correlation with NPV (average ranks for ties, so events count fairly).
    pub rank_correlation: f64,
    /// Squared rank correlation over the sum of all inputs' squares, with the correlation's sign
    /// (Crystal Ball's convention): the absolute values add up to 1.
    pub contribution_to_variance: f64,
    /// Mean NPV of the trials where the input is at or below its 10th percentile (a risk event:
    /// where it does not happen); null when no sampled trial is there.
    pub npv_mean_low_decile: Option<f64>,
    /// Mean NPV of the trials where the input is at or above its 90th percentile (a risk event:
    /// where it happens); null when no sampled trial is there.
    pub npv_mean_high_decile: Option<f64>,
    /// True when the scenario correlates this input with others: its credit then includes what
    /// it shares with them (see `docs/MODEL.md`).
    pub correlated: bool,
}

/// NPV with one input at its 10th and its 90th percentile, every other input at base.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TornadoBar {
    pub input: String,
    /// The input's 10th percentile (a risk event: 0, it does not happen).
    pub low_value: f64,
    /// The input's 90th percentile (a risk event: 1, it happens).
    pub high_value: f64,
    pub npv_at_low: f64,
    pub npv_at_high: f64,
    /// |npv_at_high − npv_at_low|.
    pub swing: f64,
}
