//! The floor under everything that draws numbers: what a distribution is ([`Dist`]), how one
//! uniform number becomes a draw ([`Sampler`], by the inverse CDF), and how rank correlations
//! between inputs are imposed ([`copula`], a Gaussian copula).
//!
//! Kept apart from `scenario/` (which reads distributions from files) and `model/` (which draws
//! them per trial) because both, and the reports that describe an input's range, need the same
//! definitions; nothing here knows about scenarios, models or money.

pub mod copula;
pub mod hdr;
pub mod metalog;
mod sampler;

use serde::Serialize;

pub use sampler::Sampler;

/// `Dist::Fixed(x)` as `{"value": x}` (the tag is added beside it).
fn fixed_value<S: serde::Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeStruct;
    let mut st = s.serialize_struct("Fixed", 1)?;
    st.serialize_field("value", x)?;
    st.end()
}

/// The distributions a scenario may use; parameters are already validated.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Dist {
    /// A plain number. Serialised as `{"type": "fixed", "value": x}`: an internally tagged
    /// enum cannot write a bare number beside its tag.
    #[serde(serialize_with = "fixed_value")]
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every distribution serialises (a fixed number too, which an internally tagged enum
    /// cannot write bare).
    #[test]
    fn every_distribution_serialises() {
        let fixed = serde_json::to_value(Dist::Fixed(0.5)).expect("serialises");
        assert_eq!(fixed, serde_json::json!({"type": "fixed", "value": 0.5}));
        let pert = Dist::Pert {
            min: 0.0,
            mode: 1.0,
            max: 2.0,
            shape: 4.0,
        };
        assert_eq!(
            serde_json::to_value(pert).expect("serialises")["type"],
            "pert"
        );
    }
}
