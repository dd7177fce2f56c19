//! valuecase: Monte Carlo value cases for CRM and IT transformations.
//!
//! The data flows one way: [`scenario`] (parse, validate) → [`model`] (one trial's monthly
//! cash flows) → [`engine`] (parallel trials, statistics) → [`results`] → [`report`] /
//! [`export`]. [`finance`] holds the pure NPV/IRR/payback functions everything agrees on.
//! [`cli`] and [`commands`] are the command line on top.

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
