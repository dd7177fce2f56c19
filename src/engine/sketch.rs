//! Mergeable quantile summaries for month-by-month series, so memory does not grow with
//! trials × months.
//!
//! Both sketches hold integer counts only: merging is addition, which gives the same result in
//! any order — per-thread sketches combine bit-identically whatever the thread count, and
//! shards of a run merge into exactly the sketch of a single run.

mod log_sketch;
mod share;
mod store;

pub use log_sketch::{LogSketch, RELATIVE_ACCURACY, SketchMapping};
pub use share::{SHARE_BINS, ShareCounts, ShareHistogram};

#[cfg(test)]
mod tests;
