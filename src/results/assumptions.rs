//! The assumptions behind a run, as tables show them: every input with its distribution, base
//! value, 90% range and unit, and the correlations between inputs. Built once by the engine
//! from the scenario's one walk over its inputs, so the board pack and every export list the
//! same inputs with the same figures.

use crate::dist::Dist;
use crate::scenario::{InputSection, Quantity};

/// One input of the scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Assumption {
    pub section: InputSection,
    /// Stable name, as error messages and correlations use it.
    pub name: String,
    pub distribution: Dist,
    /// Truncation to `[lower, upper]`, when the scenario asks for it.
    pub truncate: Option<(f64, f64)>,
    pub quantity: Quantity,
    /// The unit in words ("USD per year", "of seats at full adoption").
    pub unit: String,
    /// The value the base case uses: the mode of three-point inputs, the median otherwise.
    pub base_value: f64,
    /// 5th and 95th percentiles of the draws (after truncation).
    pub p5: f64,
    pub p95: f64,
    /// Written in the scenario file, as opposed to a documented default.
    pub written: bool,
}

impl Assumption {
    /// Whether the input varies between trials.
    pub fn is_fixed(&self) -> bool {
        matches!(self.distribution, Dist::Fixed(_))
    }
}

/// A rank correlation between two inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct CorrelationPair {
    /// Stable names of the two inputs.
    pub inputs: [String; 2],
    /// Spearman rank correlation in [−1, 1].
    pub rank: f64,
}

/// Everything a reader needs to see what a run assumed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Assumptions {
    /// The scenario's own description (may be empty).
    pub description: String,
    /// Every input, in the scenario file's order; risk events last.
    pub inputs: Vec<Assumption>,
    pub correlations: Vec<CorrelationPair>,
}
