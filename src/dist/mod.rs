//! The floor under everything that draws numbers: what a distribution is ([`Dist`]), how one
//! uniform number becomes a draw ([`Sampler`], by the inverse CDF), and how rank correlations
//! between inputs are imposed ([`copula`], a Gaussian copula).
//!
//! Kept apart from `scenario/` (which reads distributions from files) and `model/` (which draws
//! them per trial) because both, and the reports that describe an input's range, need the same
//! definitions; nothing here knows about scenarios, models or money.

pub mod copula;
mod sampler;

use serde::Serialize;

pub use sampler::Sampler;

/// The distributions a scenario may use; parameters are already validated.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Dist {
    /// A plain number.
    Fixed(f64),
    /// Uniform on `[min, max]`.
    Uniform { min: f64, max: f64 },
    /// Triangular with `min <= mode <= max`, `min < max`.
    Triangular { min: f64, mode: f64, max: f64 },
    /// PERT (scaled Beta) with `min <= mode <= max`, `min < max`; `shape` is usually 4.
    Pert {
        min: f64,
        mode: f64,
        max: f64,
        shape: f64,
    },
    /// Normal with `sd > 0`.
    Normal { mean: f64, sd: f64 },
    /// Lognormal: `ln X ~ Normal(mu, sigma)`, `sigma > 0` (a 90% interval is converted on read).
    LogNormal { mu: f64, sigma: f64 },
    /// Beta on `[0, 1]`, `alpha, beta > 0`.
    Beta { alpha: f64, beta: f64 },
    /// Finite set of values, in any order, with positive relative weights (as written: the
    /// sampler sorts the values and normalises the weights).
    Discrete { values: Vec<f64>, weights: Vec<f64> },
    /// 1 with probability `p`, else 0.
    Bernoulli { p: f64 },
}
