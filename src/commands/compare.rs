//! `valuecase compare`: run 2 to 8 scenarios with one seed and trial count, pair each with the
//! baseline trial by trial, write comparison.json (and comparison.html with its charts) and
//! print the scenarios side by side.

use std::path::{Path, PathBuf};

use crate::analysis::AnalysisError;
use crate::analysis::compare::{self, CompareInput, MAX_SCENARIOS};
use crate::cli::CompareArgs;
use crate::engine::{self, RunSpec, ScenarioIdentity};
use crate::error::AppError;
use crate::export::ExportError;
use crate::files::write_atomically;
use crate::model::Model;
use crate::report::charts::{self, ChartContext, FontSearch};
use crate::report::{comparison, html};
use crate::results::Comparison;

use super::output_set::OutputSet;
use super::run::Progress;
use super::{Loaded, load};

/// Compare scenarios.
pub fn compare(args: &CompareArgs) -> Result<(), AppError> {
    let n = args.scenarios.len();
    if !(2..=MAX_SCENARIOS).contains(&n) {
        return Err(AnalysisError::ScenarioCount { found: n }.into());
    }
    let mut loaded = args
        .scenarios
        .iter()
        .map(|p| load(Some(p)))
        .collect::<Result<Vec<Loaded>, _>>()?;
    if let Some(b) = &args.baseline {
        let at = position(&args.scenarios, b).ok_or_else(|| {
            AppError::BadArgument(format!(
                "--baseline {} is not one of the scenarios compared ({}): name one of them",
                b.display(),
                args.scenarios
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?;
        let base = loaded.remove(at);
        loaded.insert(0, base);
    }
    let meta = &loaded[0].scenario.meta;
    let spec = RunSpec {
        seed: args.seed.unwrap_or(meta.seed),
        first_trial: 0,
        trials: args.trials.unwrap_or(meta.trials),
    };
    let identities: Vec<ScenarioIdentity> = loaded
        .iter()
        .map(|l| ScenarioIdentity::new(&l.scenario.meta, l.file.clone(), l.sha256.clone()))
        .collect();
    let inputs: Vec<CompareInput> = loaded
        .iter()
        .zip(&identities)
        .map(|(l, id)| CompareInput {
            scenario: &l.scenario,
            identity: id,
        })
        .collect();
    compare::check_comparable(&inputs)?;
    // The largest run, and the two columns kept of every run.
    let need = loaded
        .iter()
        .map(|l| engine::estimated_memory_bytes(&Model::compile(&l.scenario), spec.trials))
        .max()
        .unwrap_or(0)
        + 16 * spec.trials * n as u64;
    if need > args.memory_limit_mib * 1024 * 1024 {
        return Err(AppError::MemoryLimit {
            trials: spec.trials,
            need_mib: need / (1024 * 1024),
            limit_mib: args.memory_limit_mib,
        });
    }
    let font = super::board_pack::read_png_font(args.publish.png_font.as_deref())?;
    let out_dir = args.out.clone().unwrap_or_else(|| default_dir(&loaded));
    let out = OutputSet::new(&out_dir)?;
    let progress = Progress::new(
        spec.trials * n as u64,
        !args.publish.json && !args.publish.quiet,
    );
    let result = compare::compare(&inputs, spec, &|k| progress.inc(k));
    progress.finish();
    publish(&result?, out, args, font.as_deref())
}

/// The index of `wanted` among `files`: the same path as written, or the same file.
fn position(files: &[PathBuf], wanted: &Path) -> Option<usize> {
    files.iter().position(|f| f == wanted).or_else(|| {
        let w = wanted.canonicalize().ok()?;
        files
            .iter()
            .position(|f| f.canonicalize().ok().as_ref() == Some(&w))
    })
}

/// `output/compare-<a>-vs-<b>…`, from the file names.
fn default_dir(loaded: &[Loaded]) -> PathBuf {
    let stems: Vec<&str> = loaded.iter().map(|l| l.stem.as_str()).collect();
    let name: String = format!("compare-{}", stems.join("-vs-"))
        .chars()
        .take(120)
        .collect();
    PathBuf::from("output").join(name.trim_end_matches('-'))
}

/// comparison.json as written and as `--json` prints it.
pub(super) fn to_json<T: serde::Serialize>(value: &T) -> Result<String, ExportError> {
    let mut text = serde_json::to_string_pretty(value).map_err(|e| ExportError::Encode {
        format: "JSON",
        message: e.to_string(),
    })?;
    text.push('\n');
    Ok(text)
}

/// Write comparison.json (and the charts and comparison.html unless `--no-charts`), commit
/// them, print.
fn publish(
    c: &Comparison,
    out: OutputSet,
    args: &CompareArgs,
    png_font: Option<&[u8]>,
) -> Result<(), AppError> {
    let draw = |staging: &Path| -> Result<_, AppError> {
        let ctx = ChartContext {
            summary: &c.scenarios[0],
            png_font,
            fonts: FontSearch::System,
        };
        let mut charts = charts::write_comparison(&ctx, c, staging)?;
        let page = staging.join("comparison.html");
        write_atomically(&page, html::render_comparison(c, &charts.svg).as_bytes())
            .map_err(|e| AppError::io("write", &page, e))?;
        charts.files.push(page);
        Ok(charts)
    };
    super::page::publish(
        out,
        &args.publish,
        "comparison.json",
        &to_json(c)?,
        draw,
        |written, dir| {
            let page = written.iter().find(|f| f.ends_with("comparison.html"));
            format!(
                "{}\nwrote {} to {}{}\n",
                comparison::terminal(c),
                super::files_count(written.len()),
                dir.display(),
                page.map(|p| format!(" (open {})", p.display()))
                    .unwrap_or_default()
            )
        },
    )
}
