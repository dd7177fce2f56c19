//! Two pieces kept apart from `compile`: the risks levers make less likely, decided per trial
//! by one uniform with and without the levers, and the samplers the models of many versions
//! of one scenario share (the hybrids of `valuecase diff`).

use std::collections::HashMap;

use crate::dist::Sampler;

use super::compile::InputId;

/// A risk whose probability levers multiply. Its occurrence input is drawn as the uniform u
/// itself (a uniform on [0, 1] maps u to u), and the risk happens when v < p · Π multipliers,
/// with v = u for an independent occurrence and v = 1 − u for a correlated one (the rank
/// form the Bernoulli sampler uses): with every multiplier at 1 that is exactly the Bernoulli
/// draw, and with and without a lever the same number decides.
#[derive(Debug, Clone)]
pub(crate) struct RiskEvent {
    pub probability: f64,
    /// (lever index, input of the multiplier), in lever order.
    pub multipliers: Vec<(usize, InputId)>,
    /// The occurrence is correlated: the uniform stands for a rank (v = 1 − u).
    pub flipped: bool,
}

impl RiskEvent {
    /// Whether the risk happens in a trial with `draws`, with the levers `on`.
    #[inline]
    pub fn happens(&self, u: f64, draws: &[f64], on: &[bool]) -> bool {
        let v = if self.flipped { 1.0 - u } else { u };
        let mut p = self.probability;
        for &(l, id) in &self.multipliers {
            if on[l] {
                p *= draws[id];
            }
        }
        v < p
    }
}

/// Samplers by distribution and truncation, shared by the models of many versions of one
/// scenario (the hybrids `valuecase diff` runs): a PERT input's quantile table takes a
/// fraction of a millisecond to build, and hundreds of hybrids share most of their inputs.
#[derive(Debug, Default)]
pub struct SamplerCache(pub(super) std::sync::Mutex<HashMap<String, Sampler>>);
