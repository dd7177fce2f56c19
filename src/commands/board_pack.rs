//! Publishing a summary: `results.json`, the board pack beside it (every chart as PNG and SVG,
//! and `report.html`), and what is printed. Shared by `run` and `merge`, so a merged run gets
//! the same files and the same terminal summary as a single one.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::cli::PublishArgs;
use crate::error::AppError;
use crate::export::{self, json::Json, write_atomically};
use crate::report::charts::{self, ChartContext, ChartError};
use crate::report::{html, terminal};
use crate::results::Summary;
use crate::scenario::Scenario;

/// Read a user font for PNG charts (names in scripts DejaVu lacks, e.g. Chinese).
pub fn read_png_font(path: Option<&Path>) -> Result<Option<Vec<u8>>, AppError> {
    path.map(|p| std::fs::read(p).map_err(|e| AppError::io("read font file", p, &e)))
        .transpose()
}

/// Draw the charts and write `report.html` into `dir`. Returns the files written and warnings
/// (e.g. characters the PNG font cannot draw).
fn write_charts_and_report(
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
        ChartError::Font(_) | ChartError::Io { .. } => AppError::Input(format!("error: {e}")),
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

/// Write `results.json` into `dir` (and the board pack unless `--no-charts`), then print the
/// summary (with `note` after it) or the JSON. `png_font` was read by [`read_png_font`]
/// before the run, so a wrong path fails before any work is done.
pub fn publish(
    summary: &Summary,
    scenario: &Scenario,
    dir: &Path,
    args: &PublishArgs,
    png_font: Option<&[u8]>,
    note: Option<String>,
) -> Result<(), AppError> {
    let mut written = vec![export::write(&Json, summary, dir)?];
    if !args.no_charts {
        let (files, warnings) = write_charts_and_report(summary, scenario, dir, png_font)?;
        for w in warnings {
            eprintln!("warning: {w}");
        }
        written.extend(files);
    }
    let text = if args.json {
        let mut t = Json::to_string(summary)?;
        t.push('\n');
        t
    } else if args.quiet {
        String::new()
    } else {
        let report = written.iter().find(|f| f.ends_with("report.html"));
        let wrote = match written.as_slice() {
            [only] => format!("wrote {}", only.display()),
            files => format!("wrote {} files to {}", files.len(), dir.display()),
        };
        format!(
            "{}\n{}{wrote}{}\n",
            terminal::summary(summary),
            note.map(|n| format!("{n}\n")).unwrap_or_default(),
            report
                .map(|r| format!(" (open {} for the board pack)", r.display()))
                .unwrap_or_default()
        )
    };
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
        .map_err(|e| AppError::Input(format!("error: cannot write to standard output: {e}")))
}
