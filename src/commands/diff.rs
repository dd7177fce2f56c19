//! `valuecase diff`: what moved between two versions of a scenario. Lists the changes, runs
//! a sub-run per subset of them (or per step of sampled orders), attributes the change in NPV
//! with Shapley values, writes diff.json (and the waterfall chart) and prints the table.

use std::path::{Path, PathBuf};

use crate::analysis::diff::{self, Version, changes};
use crate::cli::DiffArgs;
use crate::engine::{RunSpec, ScenarioIdentity};
use crate::error::AppError;
use crate::report::charts::{self, ChartContext, FontSearch};
use crate::results::Diff;

use super::compare::to_json;
use super::load;
use super::output_set::OutputSet;
use super::run::Progress;

/// Diff two versions of a scenario.
pub fn diff(args: &DiffArgs) -> Result<(), AppError> {
    let (old, new) = (load(Some(&args.old))?, load(Some(&args.new))?);
    let spec = RunSpec {
        seed: args.seed.unwrap_or(new.scenario.meta.seed),
        first_trial: 0,
        trials: args.trials,
    };
    let id = |l: &super::Loaded| {
        ScenarioIdentity::new(&l.scenario.meta, l.file.clone(), l.sha256.clone())
    };
    let (old_id, new_id) = (id(&old), id(&new));
    let font = super::board_pack::read_png_font(args.publish.png_font.as_deref())?;
    let out_dir = args.out.clone().unwrap_or_else(|| {
        let name: String = format!("diff-{}-to-{}", old.stem, new.stem)
            .chars()
            .take(120)
            .collect();
        PathBuf::from("output").join(name)
    });
    let out = OutputSet::new(&out_dir)?;
    let k = changes(&old.scenario, &new.scenario).0.len();
    let sub_runs = if k <= diff::MAX_EXACT_ITEMS {
        1u64 << k
    } else {
        diff::SAMPLED_SUB_RUNS as u64
    };
    let progress = Progress::counting(
        sub_runs,
        !args.publish.json && !args.publish.quiet,
        "sub-runs",
    );
    let result = diff::diff(
        Version {
            scenario: &old.scenario,
            identity: &old_id,
        },
        Version {
            scenario: &new.scenario,
            identity: &new_id,
        },
        spec,
        &|_| progress.inc(1),
    );
    progress.finish();
    publish(&result?, out, args, font.as_deref())
}

/// Write diff.json (and the waterfall chart unless `--no-charts`), commit them, print.
fn publish(
    d: &Diff,
    out: OutputSet,
    args: &DiffArgs,
    png_font: Option<&[u8]>,
) -> Result<(), AppError> {
    let draw = |staging: &Path| -> Result<_, AppError> {
        let ctx = ChartContext {
            summary: &d.new_summary,
            png_font,
            fonts: FontSearch::System,
        };
        Ok(charts::write_diff(&ctx, d, staging)?)
    };
    super::page::publish(
        out,
        &args.publish,
        "diff.json",
        &to_json(d)?,
        draw,
        |written, dir| {
            format!(
                "{}wrote {} to {}\n",
                crate::report::diff::terminal(d),
                super::files_count(written.len()),
                dir.display()
            )
        },
    )
}
