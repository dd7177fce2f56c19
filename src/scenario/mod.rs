//! Stage 1 of the pipeline: scenario text (TOML) → a validated [`Scenario`].
//!
//! Every later stage trusts what comes out of here; every user-facing mistake in a scenario
//! file is caught here and reported with its file, line, column and field.

mod correlations;
mod diagnostic;
mod inputs;
mod parse;
mod reader;
mod types;

pub use diagnostic::{Diagnostic, ScenarioError};
pub use inputs::{InputEntry, InputSection, Quantity};
pub use parse::{parse_file, parse_str};
pub(crate) use reader::quoted;
pub use types::*;

/// The scenario's fingerprint: the SHA-256 of its bytes, in hex. Results, part files and
/// exports record it, and merge checks a part's scenario text against it.
pub fn fingerprint(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The reference scenario run when `valuecase run` is given no file.
pub const BUILT_IN: &str = include_str!("../../scenarios/hightech-1b.toml");

/// The commented starter scenario written by `valuecase init`.
pub const STARTER: &str = include_str!("starter.toml");
