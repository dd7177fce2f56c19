//! `valuecase run`: simulate, summarise, write results, print.

use std::fs;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use crate::cli::RunArgs;
use crate::engine::{self, RunSpec, ScenarioIdentity};
use crate::error::AppError;
use crate::export::{self, json::Json};
use crate::model::Model;
use crate::report::terminal;

use super::load;

/// Bytes a run is expected to need: the per-trial table plus two working columns, and each
/// worker's sketches and scratch.
pub fn estimated_memory_bytes(model: &Model, trials: u64) -> u64 {
    let width = (engine::run::SCALARS + model.capabilities.len() + 3) as u64;
    let h = model.horizon as u64;
    let groups = model.groups.len() as u64;
    let per_worker = h * 8 * 1024
        + groups * h * engine::sketch::SHARE_BINS as u64 * 4
        + (groups * 2 + model.capabilities.len() as u64 * 2 + model.cost_lines.len() as u64 + 8)
            * h
            * 8;
    let workers = 4 * rayon::current_num_threads() as u64;
    trials * width * 8 + workers * per_worker + 32 * 1024 * 1024
}

/// Check the output directory can be written before spending time on a run.
fn prepare_output_dir(dir: &PathBuf) -> Result<(), AppError> {
    fs::create_dir_all(dir).map_err(|e| AppError::io("create output directory", dir, &e))?;
    let probe = dir.join(format!(".valuecase-probe-{}", std::process::id()));
    fs::write(&probe, b"").map_err(|e| AppError::io("write into output directory", dir, &e))?;
    let _ = fs::remove_file(&probe);
    Ok(())
}

/// Run a scenario.
pub fn run(args: &RunArgs) -> Result<(), AppError> {
    let loaded = load(args.scenario.as_deref())?;
    let meta = &loaded.scenario.meta;
    let trials = args.trials.unwrap_or(meta.trials);
    let seed = args.seed.unwrap_or(meta.seed);
    let model = Model::compile(&loaded.scenario);

    let need = estimated_memory_bytes(&model, trials);
    let budget = args.memory_limit_mib * 1024 * 1024;
    if need > budget {
        return Err(AppError::Input(format!(
            "error: {trials} trials of this scenario would need about {} MiB, above the memory limit of {} MiB\n  help: run fewer trials (--trials), raise the limit (--memory-limit-mib), or split the run into shards",
            need / (1024 * 1024),
            args.memory_limit_mib
        )));
    }

    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(&loaded.stem));
    prepare_output_dir(&out_dir)?;

    let started = Instant::now();
    let spec = RunSpec {
        seed,
        first_trial: 0,
        trials,
    };
    let output = engine::run(&model, spec, &|_| {});
    let identity = ScenarioIdentity {
        name: meta.name.clone(),
        file: loaded.file.clone(),
        sha256: loaded.sha256.clone(),
        currency: meta.currency.clone(),
        start_month: meta.start.map(|s| format!("{:04}-{:02}", s.year, s.month)),
    };
    let mut summary = engine::summarise(&model, &output, &identity, 0.0);
    drop(output);
    summary.elapsed_seconds = started.elapsed().as_secs_f64();

    let results = export::write(&Json, &summary, &out_dir)?;

    let mut stdout = std::io::stdout().lock();
    let text = if args.json {
        let mut t = Json::to_string(&summary)?;
        t.push('\n');
        t
    } else if args.quiet {
        String::new()
    } else {
        format!(
            "{}\nwrote {}\n",
            terminal::summary(&summary),
            results.display()
        )
    };
    stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
        .map_err(|e| AppError::Input(format!("error: cannot write to standard output: {e}")))
}
