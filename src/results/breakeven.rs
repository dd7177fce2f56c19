//! What `valuecase breakeven` found: the value of one input at which a statistic of the run
//! meets its target, and the statistic across the input's range (`--json` prints this).

use serde::{Deserialize, Serialize};

/// A break-even search's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Breakeven {
    /// The input's stable name, as given.
    pub input: String,
    /// How the input's values read: `money`, `share` or `number`.
    pub quantity: crate::scenario::Quantity,
    /// The target as given, e.g. `prob_npv_positive >= 0.8`.
    pub target: String,
    /// The break-even value: the value nearest the input's current one at which the target
    /// turns from met to not met (or back), on the side where it is met. When the target is
    /// met nowhere: the value where the statistic came closest. When it is met everywhere in
    /// the range: null.
    pub value: Option<f64>,
    /// The statistic with the input at `value` (null with it).
    pub statistic_at_value: Option<f64>,
    /// Whether the target is met anywhere in the range searched.
    pub reachable: bool,
    /// The break-even value is within this distance of the true crossing (the width of the
    /// last bisection bracket); null without a crossing.
    pub tolerance: Option<f64>,
    /// The input's current base value (its most likely value) and the statistic there.
    pub current_value: f64,
    pub statistic_at_current: f64,
    /// The range searched: the input's allowed range, or a practical part of it.
    pub range: [f64; 2],
    /// Every simulation made, by value of the input (ascending).
    pub curve: Vec<CurvePoint>,
    /// Trials per simulation, and their seed (shared: common random numbers).
    pub trials: u64,
    pub seed: u64,
}

/// One simulation of the search.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CurvePoint {
    pub value: f64,
    /// The statistic; null where it is undefined (e.g. a median payback that never comes).
    pub statistic: Option<f64>,
}
