//! Publishing a run: `results.json`, the board pack beside it (every chart as PNG and SVG,
//! and `report.html`), and what is printed. Shared by `run` and `merge`, so a merged run gets
//! the same files and the same terminal summary as a single one.

use std::path::{Path, PathBuf};

use crate::cli::{ExportKind, PublishArgs};
use crate::error::{AppError, print};
use crate::export::{self, json::Json};
use crate::files::write_atomically;
use crate::report::charts::{self, ChartContext, FontSearch};
use crate::report::{html, terminal};
use crate::results::RunResults;

use super::data_files::{self, RunData};
use super::output_set::OutputSet;

/// Read a user font for PNG charts (names in scripts DejaVu lacks, e.g. Chinese) and check
/// it with the parser that will draw with it, so a wrong `--png-font` is bad input (exit 2)
/// before any trial is run, not a failure after the simulation.
pub fn read_png_font(path: Option<&Path>) -> Result<Option<Vec<u8>>, AppError> {
    let Some(path) = path else {
        return Ok(None);
    };
    let bytes = std::fs::read(path).map_err(|e| AppError::io("read font file", path, e))?;
    charts::check_png_font(&bytes, path)?;
    Ok(Some(bytes))
}

/// Draw the charts and write `report.html` into `dir`. Returns the files written and what to
/// tell the user on standard error: notes (an installed font drawing some names) and warnings
/// (characters no font could draw), each with its prefix.
fn write_charts_and_report(
    results: &RunResults,
    dir: &Path,
    png_font: Option<&[u8]>,
) -> Result<(Vec<PathBuf>, Vec<String>), AppError> {
    let ctx = ChartContext {
        summary: &results.summary,
        png_font,
        fonts: FontSearch::System,
    };
    let out = charts::write_all(&ctx, dir)?;
    let report = dir.join("report.html");
    write_atomically(&report, html::render(results, &out.svg).as_bytes())
        .map_err(|e| AppError::io("write", &report, e))?;
    let mut files = out.files;
    files.push(report);
    let notes = out.notes.iter().map(|n| format!("note: {n}"));
    let warnings = out.warnings.iter().map(|w| format!("warning: {w}"));
    Ok((files, notes.chain(warnings).collect()))
}

/// What the exports asked for need from the run beyond its results (while its per-trial table
/// is still at hand): the SIPmath library's quantiles and correlations.
pub fn gather_exports(
    results: &mut RunResults,
    args: &PublishArgs,
    scenario: &crate::scenario::Scenario,
    model: &crate::model::Model,
    output: &crate::engine::RunOutput,
) {
    if args.export.contains(&ExportKind::Sipmath) {
        results.sips = Some(crate::analysis::sipmath::sip_source(
            scenario, model, output,
        ));
    }
}

/// Write `results.json`, the data files ([`data_files`]) and the board pack (unless
/// `--no-charts`) into the output set and commit it, then print the summary (with `note`
/// after it) or the JSON. `png_font` was read by [`read_png_font`] before the run, so a wrong
/// path fails before any work is done.
pub fn publish(
    results: &RunResults,
    data: &RunData,
    out: OutputSet,
    args: &PublishArgs,
    png_font: Option<&[u8]>,
    note: Option<String>,
) -> Result<(), AppError> {
    let summary = &results.summary;
    let staging = out.staging();
    let staged = (|| {
        let mut staged = vec![export::write(&Json, results, staging)?];
        staged.extend(data_files::write(results, data, args, staging)?);
        let mut warnings = Vec::new();
        if !args.no_charts {
            let (files, messages) = write_charts_and_report(results, staging, png_font)?;
            warnings = messages;
            staged.extend(files);
        }
        Ok((staged, warnings))
    })();
    let (staged, warnings) = staged.map_err(|e| out.as_user_sees_it(e))?;
    let dir = out.target().to_path_buf();
    let chart_names: Vec<&str> = charts::all_names().collect();
    let written = out.commit(&staged, &chart_names)?;
    for message in warnings {
        eprintln!("{message}");
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
    print(&text)
}
