//! Analyses that run the engine several times and read the runs side by side: comparing
//! scenarios trial by trial, attributing a change between two versions of a case, sensitivity
//! and break-even searches. They sit above the engine and below the app, so that commands stay
//! thin and reports read their results like any other.
//!
//! Every run inside an analysis uses the same seed, so inputs with the same stable name draw
//! the same numbers in every run (common random numbers): differences between runs are the
//! differences between the scenarios, not Monte Carlo noise.

pub mod breakeven;
