//! Stage 1 of the pipeline: scenario text (TOML) → a validated [`Scenario`].
//!
//! Every later stage trusts what comes out of here; every user-facing mistake in a scenario
//! file is caught here and reported with its file, line, column and field.
//!
//! The rooms, by name:
//! - `parse`: the entry points, [`parse_str`] and [`parse_file`], and the order in which the
//!   sections are read;
//! - `schema/`: one file per TOML section (`meta` is `[scenario]`, then `baseline`, `roles`,
//!   `user_groups`, `capabilities`, `levers`, `costs`, `risks`, `correlations`, `tei`), each reading
//!   top-down as that section's fields with their bounds and defaults: what `[[capabilities]]`
//!   accepts is in `schema/capabilities.rs`;
//! - `read/`: the schema-free machinery the sections are written with: spanned values and
//!   tables, numbers, distributions, allowed ranges, locations and how names appear in messages;
//! - `inputs`: the one walk over every numeric input, with its section and unit, that the
//!   model registers its draws from and the assumptions table lists;
//! - `diagnostic`: the errors, and how they are shown;
//! - `types`: the validated scenario itself, plain data.
//!
//! The reader is written by hand rather than derived with serde: a derived deserialiser stops at
//! the first error and knows neither the field's meaning nor the names defined elsewhere in the
//! file, while this one reports every problem at once, each at its exact line and column, with
//! what is allowed and the name probably meant. The catalogue of bad inputs (`tests/bad_inputs/`)
//! holds it to that.

mod diagnostic;
mod inputs;
mod parse;
mod read;
mod schema;
mod types;

#[cfg(test)]
mod tests;

pub use diagnostic::{Diagnostic, ScenarioError};
pub use inputs::{InputEntry, InputSection, Quantity};
pub use parse::{parse_file, parse_str};
/// The span-aware TOML walker, for other files read with the same quality of messages
/// (vendor TEI studies).
pub(crate) use read::{Bounds, Reader, Table, Value};
pub(crate) use read::{describe_dist, fmt_num, quoted};
pub use read::{escape_invisible, is_invisible};
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

/// The longest horizon a scenario may have (50 years of months).
pub const MAX_HORIZON_MONTHS: u32 = 600;

/// The reference scenario run when `valuecase run` is given no file.
pub const BUILT_IN: &str = include_str!("../../scenarios/hightech-1b.toml");

/// The commented starter scenario written by `valuecase init`.
pub const STARTER: &str = include_str!("starter.toml");
