//! Stage 1 of the pipeline: scenario text (TOML) → a validated [`Scenario`].
//!
//! Every later stage trusts what comes out of here; every user-facing mistake in a scenario
//! file is caught here and reported with its file, line, column and field.

mod correlations;
mod diagnostic;
mod parse;
mod reader;
mod types;

pub use diagnostic::{Diagnostic, ScenarioError};
pub use parse::{parse_file, parse_str};
pub(crate) use reader::quoted;
pub use types::*;

/// The reference scenario run when `valuecase run` is given no file.
pub const BUILT_IN: &str = include_str!("../../scenarios/hightech-1b.toml");

/// The commented starter scenario written by `valuecase init`.
pub const STARTER: &str = include_str!("starter.toml");
