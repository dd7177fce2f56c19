//! Stage 3: many trials in parallel, reproducibly, and their statistics.
//!
//! [`random`] keys every number by (seed, input name, trial); [`run`](mod@run) evaluates trials in
//! parallel into a per-trial table and monthly sketches; [`summary`] turns that into the
//! [`crate::results::Summary`] every output reads, and [`tables`] builds the assumptions and the
//! base-case cash flow beside it (all three make a [`crate::results::RunResults`]); [`shard`] stores a range of a run's trials
//! (a part) so that parts computed apart merge into exactly the run over all their trials.

pub mod exact;
pub mod levers;
mod npvs;
pub mod precision;
pub mod random;
pub mod run;
pub mod sensitivity;
pub mod shard;
pub mod sketch;
pub mod stats;
pub mod summary;
pub mod tables;
pub mod tei;
pub mod trials;

pub use npvs::npvs;
pub use run::{
    MAX_TRIALS, RunOutput, RunSpec, estimated_memory_bytes, lever_columns, run, table_width,
};
pub use stats::{defined_stats, payback_stats, quantiles_of, stats_of};
pub use summary::{ScenarioIdentity, base_case, histogram, summarise};
pub use tables::{assumptions, base_cashflow, monthly_table, run_results, trial_sample};
pub use trials::{
    events_as_occurrences, for_each_trial_draws, has_levered_risks, trial_cashflow, trial_draws,
};
