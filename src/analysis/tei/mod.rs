//! TEI, the form vendors publish returns in: a vendor's study read as printed
//! ([`study`]), recomputed by the conventions of `finance::tei`, checked against its own table
//! and placed in this case's simulated distribution ([`check`]). The case's own TEI tables are
//! part of every run's results (`engine::tei`).

pub mod check;
pub mod study;

pub use check::{Scale, ScaleError, check, check_and_place};
pub use study::{Printed, Published, Study, parse_study, read_study};

/// The made-up clean study of `tests/data/`, for the unit tests.
#[cfg(test)]
const EXAMPLE: &str = include_str!("../../../tests/data/tei-study-clean.toml");
