//! What moved between two versions of a scenario (`valuecase diff`): the changes item by item,
//! and each item's share of the change in mean NPV, median NPV and P(NPV > 0) (Shapley
//! values). What `diff.json` and `diff --json` hold; keys are only ever added.

use serde::Serialize;

use super::{ScenarioInfo, Summary};

/// The attribution of the change from an old to a new version of a scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    /// The changed items that can move the figures, each with its attributions; they sum to
    /// `total` (efficiency).
    pub items: Vec<DiffItem>,
    /// Changes that cannot move the figures (the scenario's name, description, default trials
    /// and seed): listed, not attributed.
    pub unattributed: Vec<DiffItem>,
    /// The new version's figures minus the old version's, from the same sub-runs.
    pub total: DiffFigures,
    /// The old and the new version's own figures (the sub-runs with no item and every item).
    pub old_figures: DiffFigures,
    pub new_figures: DiffFigures,
    /// `"exact"`: every subset of the items was run; `"sampled"`: random orders of the items
    /// (`orders` of them), with each attribution's standard error in `sampling_error`.
    pub method: String,
    /// Trials of every sub-run.
    pub trials: u64,
    /// The seed of every sub-run: every sub-run draws the same numbers for every input it
    /// shares with another.
    pub seed: u64,
    /// Sub-runs made (each a hybrid of the two versions).
    pub sub_runs: u64,
    /// Random orders of the items evaluated (sampled method only).
    pub orders: Option<u64>,
    pub old: ScenarioInfo,
    pub new: ScenarioInfo,
    pub valuecase_version: String,
    pub elapsed_seconds: f64,
    /// The new version's full run at `trials` trials (its currency and provenance frame the
    /// chart); not in the JSON.
    #[serde(skip)]
    pub new_summary: Box<Summary>,
}

/// One changed item: a capability, user group, role, lever, cost line, risk, the
/// correlations, a baseline field or a scenario field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiffItem {
    /// Its stable name: `levers."Communication programme"`, `baseline.gross_margin`,
    /// `scenario.discount_rate`, `correlations`.
    pub item: String,
    /// `"added"`, `"removed"` or `"changed"`.
    pub change: String,
    /// What changed, one line each: `capabilities."X".uplift: pert [0, 0.05, 0.1] → pert […]`.
    pub details: Vec<String>,
    /// The item's share of the change in mean NPV (currency units).
    pub mean_npv: f64,
    /// Its share of the change in median NPV.
    pub p50_npv: f64,
    /// Its share of the change in P(NPV > 0) (a difference of shares: 0.05 = 5 points).
    pub prob_npv_positive: f64,
    /// The standard errors of the three, when they come from sampled orders.
    pub sampling_error: Option<DiffFigures>,
}

/// The three figures a diff attributes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct DiffFigures {
    pub mean_npv: f64,
    pub p50_npv: f64,
    pub prob_npv_positive: f64,
}
