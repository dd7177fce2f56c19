//! Stage 5: what people read — the terminal summary, charts and the HTML board pack.
//! Everything here reads [`crate::results::Summary`] and never re-runs the model.

pub mod charts;
pub mod format;
pub mod html;
mod plot;
pub mod sentences;
pub mod terminal;
