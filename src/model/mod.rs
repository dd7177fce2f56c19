//! Stage 2: a validated scenario compiled into flat arrays, and one trial's monthly cash flows.
//!
//! [`Model::compile`] gives every uncertain input an index into a `draws` slice; a trial is
//! [`Model::evaluate`] on one set of draws. The base case is the same call with every input at
//! its most likely value ([`Model::base_draws`]), so what `cashflow` shows is what the engine
//! computes. The equations are written out in `docs/MODEL.md`.

mod adoption;
mod compile;
mod events;
mod trial;

pub use compile::{CapabilityInfo, CostInfo, GroupInfo, Input, Model, SamplerCache};
pub(crate) use events::RiskEvent;
pub use trial::{Scratch, TrialOutcome, annual_irr};
