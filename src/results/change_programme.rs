//! What the change programme is worth: each trial evaluated again without any lever (every
//! other input drawn as in the trial), so the gain is measured trial by trial, not as the
//! difference of two noisy runs. In `results.json` as `change_programme` (null without levers).

use serde::{Deserialize, Serialize};

use super::Stats;

/// The change programme (all of a scenario's levers together) against the same trials
/// without it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeProgramme {
    /// NPV with the levers − NPV without them, trial by trial. Lever costs are in it: this is
    /// what the programme adds net of what it costs.
    pub npv_gain: Stats,
    /// PV of the levers' own cost lines, trial by trial.
    pub pv_lever_costs: Stats,
    /// Share of trials in which the gain exceeds zero: the programme pays for itself.
    pub prob_pays_for_itself: f64,
    /// NPV of the same trials without any lever.
    pub npv_without_levers: Stats,
    /// NPV without levers at each whole percentile 0..=100 (101 values): the S-curve beside
    /// `charts.npv_percentiles`.
    pub npv_without_levers_percentiles: Vec<f64>,
    /// Each lever's share of the mean gain (Shapley values over the levers; they sum to
    /// `npv_gain.mean`), in scenario order.
    pub levers: Vec<LeverShare>,
    /// How the shares were computed: `"exact"` (every subset of levers evaluated on
    /// `shares_sample_trials` trials; see docs/MODEL.md) or `"sampled"` (above eight levers:
    /// the marginal contributions along 24 fixed orders of the levers).
    pub shares_method: String,
    /// Trials (the run's first ones) on which every subset of levers was evaluated for the
    /// shares.
    pub shares_sample_trials: u64,
}

/// One lever's share of the programme's mean NPV gain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeverShare {
    pub name: String,
    /// Its Shapley value: its average marginal contribution to the mean NPV over every order
    /// in which the levers could be added.
    pub npv_gain_mean: f64,
    /// The Monte Carlo standard error of `npv_gain_mean` (0 for a single lever, whose share is
    /// the mean gain itself).
    pub npv_gain_mean_stderr: f64,
}
