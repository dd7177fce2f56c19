//! Stage 5: what people read — the terminal summary, charts and the HTML board pack.
//! Everything here reads [`crate::results::RunResults`] and never re-runs the model.
//!
//! [`charts`] holds one file per chart; `plot` is the toolkit they share (theme, fonts,
//! axes, layout). [`html`] renders the board pack from `templates/`; [`sentences`] and
//! `format` are the words and number formats every output shares.

pub mod charts;
pub mod comparison;
pub mod diff;
pub mod escape;
pub mod format;
pub mod html;
pub mod input_label;
mod plot;
pub mod sentences;
pub mod tei;
pub mod terminal;
