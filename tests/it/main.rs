//! The integration tests, one binary: each module is one subject, and most run the real
//! binary as a user would (with `--no-charts` unless charts are part of what they check).
//! One binary instead of one per file: the crate and its dependencies are linked once.
//!
//! - [`cli`]: every shipped scenario, reproducibility across thread counts, the cash flow that
//!   reproduces the NPV by hand, what a run prints;
//! - [`json_contract`]: every key path of results.json, held in `tests/data/results_keys.txt`;
//! - [`failure_modes`]: how valuecase fails, and how it does not (paths, flags, output that
//!   cannot be written, degenerate scenarios, a structured fuzz, the fuzzers' regressions);
//! - [`shards`]: parts of a run computed apart merge into the run over all their trials;
//! - [`correlations`]: correlated inputs end to end;
//! - [`model_properties`]: invariants of the model, and the engine against an analytic answer;
//! - [`model_rules`]: the model's rules pinned to hand-computed months and values;
//! - [`distributions`]: every inverse-CDF sampler against `rand_distr`'s (two-sample KS);
//! - [`bad_inputs`]: the catalogue of bad scenario files and the message each must produce;
//! - [`finance_vectors`]: NPV, IRR, MIRR and payback against published cases;
//! - [`layers`]: every `crate::` import in `src/` points down the layers of `lib.rs`;
//! - [`charts`], [`report_browser`]: the charts of a real run, and the board pack in Chromium;
//! - [`compare`]: `compare` and `diff` of the shipped pair, self-comparisons, refusals;
//! - [`names_in_outputs`], [`png_font`]: names escaped for every output, fonts for every script;
//! - [`output_set`]: the output folder written all or nothing, on a genuinely full disk;
//! - [`sipmath`]: the SIPmath library regenerates the simulation, checked independently;
//! - [`tei`]: the TEI tables recompute from their own rows, vendor studies checked and placed.
//! - [`sensitivity`], [`precision`], [`breakeven`]: what drives the result (planted inputs),
//!   the stated precision's coverage and the stopping rule, break-even values checked by
//!   running the scenario at them;
//! - [`workbook`]: case.xlsx recalculated by LibreOffice against the base case, trials.csv
//!   against `cashflow --trial`, exports of merged runs, the files a run owns.

mod bad_inputs;
mod breakeven;
mod charts;
mod cli;
mod compare;
mod correlations;
mod distributions;
mod failure_modes;
mod finance_vectors;
mod json_contract;
mod layers;
mod model_properties;
mod model_rules;
mod names_in_outputs;
mod output_set;
mod png_font;
mod precision;
mod report_browser;
mod sensitivity;
mod shards;
mod sipmath;
mod tei;
mod workbook;
