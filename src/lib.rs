//! valuecase: Monte Carlo value cases for CRM and IT transformations.
//!
//! The data flows one way, and each folder is one step of it:
//! [`scenario`] reads and validates a TOML case → [`model`] computes one trial's monthly cash
//! flows → [`engine`] runs many trials in parallel and summarises them → [`results`] holds what
//! a run produced, as plain data → [`report`] (terminal, charts, the HTML board pack) and
//! [`export`] (files other tools read) present it. [`analysis`] holds what runs the engine
//! several times (comparisons, attributions, searches). Under them all lie [`dist`]
//! (distributions, inverse-CDF samplers, the correlation copula), [`finance`] (NPV, IRR,
//! payback: pure functions) and [`files`] (atomic writes). On top sits the app: [`cli`] (the
//! command line's shape), [`commands`] (what each command does) and [`error`] (messages and
//! exit codes).
//!
//! Imports only point down this list; `tests/it/layers.rs` holds the code to it. Outputs never see
//! the model or the engine, only [`results::RunResults`].

pub mod analysis;
pub mod cli;
pub mod commands;
pub mod dist;
pub mod engine;
pub mod error;
pub mod export;
pub mod files;
pub mod finance;
pub mod model;
pub mod report;
pub mod results;
pub mod scenario;
mod simd;
#[cfg(test)]
mod test_support;
