//! Analyses that run the engine several times and read the runs side by side: comparing
//! scenarios trial by trial, attributing a change between two versions of a case, sensitivity
//! and break-even searches. They sit above the engine and below the app, so that commands stay
//! thin and reports read their results like any other.
//!
//! Every run inside an analysis uses the same seed, so inputs with the same stable name draw
//! the same numbers in every run (common random numbers): differences between runs are the
//! differences between the scenarios, not Monte Carlo noise.

pub mod breakeven;
pub mod compare;
pub mod diff;
pub mod sipmath;
pub mod tei;

/// Why scenarios cannot be analysed together.
#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    /// Two scenarios differ in a field they must share.
    #[error(
        "cannot compare: {field} differs ({a_file} has {a_value}, {b_file} has {b_value}); compared scenarios must share horizon_months, discount_rate, currency and start"
    )]
    Mismatch {
        field: &'static str,
        a_file: String,
        a_value: String,
        b_file: String,
        b_value: String,
    },
    /// Two versions of a scenario in different currencies: their money cannot be compared.
    #[error(
        "cannot diff: the old version is in {old} and the new one in {new}; both versions must use the same currency"
    )]
    DiffCurrency { old: String, new: String },
    /// Too few or too many scenarios.
    #[error(
        "compare takes 2 to {} scenarios, found {found}",
        compare::MAX_SCENARIOS
    )]
    ScenarioCount { found: usize },
}
