//! The board pack beside `results.json`: every chart as PNG and SVG, and `report.html`.
//! Shared by `run` and `merge`, so a merged run gets the same pictures as a single one.

use std::path::{Path, PathBuf};

use crate::error::AppError;
use crate::export::write_atomically;
use crate::report::charts::{self, ChartContext, ChartError};
use crate::report::html;
use crate::results::Summary;
use crate::scenario::Scenario;

/// Read a user font for PNG charts (names in scripts DejaVu lacks, e.g. Chinese).
pub fn read_png_font(path: Option<&Path>) -> Result<Option<Vec<u8>>, AppError> {
    path.map(|p| std::fs::read(p).map_err(|e| AppError::io("read font file", p, &e)))
        .transpose()
}

/// Draw the charts and write `report.html` into `dir`. Returns the files written and warnings
/// (e.g. characters the PNG font cannot draw).
pub fn write(
    summary: &Summary,
    scenario: &Scenario,
    dir: &Path,
    png_font: Option<&[u8]>,
) -> Result<(Vec<PathBuf>, Vec<String>), AppError> {
    let ctx = ChartContext {
        summary,
        scenario,
        png_font,
    };
    let out = charts::write_all(&ctx, dir).map_err(|e| match e {
        ChartError::Font(_) => AppError::Input(format!("error: {e}")),
        ChartError::Io { .. } => AppError::Input(format!("error: {e}")),
        other => AppError::Internal(other.to_string()),
    })?;
    let report = dir.join("report.html");
    write_atomically(
        &report,
        html::render(summary, scenario, &out.svg).as_bytes(),
    )?;
    let mut files = out.files;
    files.push(report);
    Ok((files, out.warnings))
}
