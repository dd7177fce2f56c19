//! The data files of a run beside results.json: `case.xlsx` unless `--no-workbook`, and those
//! `--export` lists: `monthly.csv` (the default), `trials.csv` (docs/OUTPUTS.md) and `sips.json`
//! (docs/MODEL.md, SIPmath libraries). Shared by `run` and
//! `merge`, so a merged run writes the same files as one run over all its trials.

use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::cli::{ExportKind, PublishArgs};
use crate::engine::{self, RunOutput};
use crate::error::AppError;
use crate::export::{self, monthly_csv::MonthlyCsv, trials_csv, xlsx};
use crate::files::write_atomically;
use crate::model::Model;
use crate::report::sentences;
use crate::results::RunResults;
use crate::scenario::Scenario;

/// What a run's data files are made from, beyond its results.
pub struct RunData<'a> {
    pub scenario: &'a Scenario,
    /// The scenario file's text, for the comments shown beside the assumptions.
    pub scenario_text: &'a str,
    pub model: &'a Model,
    /// The run's per-trial table: needed for `--export trials` only (None otherwise).
    pub output: Option<&'a RunOutput>,
}

/// Whether `args` asks for trials.csv (so the run keeps its per-trial table until then).
pub fn wants_trials(args: &PublishArgs) -> bool {
    args.export.contains(&ExportKind::Trials)
}

/// Write the data files into `dir` (the staging folder); returns the paths written.
pub fn write(
    results: &RunResults,
    data: &RunData,
    args: &PublishArgs,
    dir: &Path,
) -> Result<Vec<PathBuf>, AppError> {
    let mut written = Vec::new();
    if args.export.contains(&ExportKind::Monthly) {
        written.push(export::write(&MonthlyCsv, results, dir)?);
    }
    if args.export.contains(&ExportKind::Sipmath) {
        written.push(export::write(&export::sipmath::Sipmath, results, dir)?);
    }
    if !args.no_workbook {
        written.push(write_workbook(results, data, dir)?);
    }
    if let (true, Some(output)) = (wants_trials(args), data.output) {
        written.push(write_trials(
            results,
            data.model,
            output,
            &dir.join(trials_csv::FILE_NAME),
        )?);
    }
    Ok(written)
}

/// Write `case.xlsx` (see [`xlsx`]) into `dir`.
fn write_workbook(results: &RunResults, data: &RunData, dir: &Path) -> Result<PathBuf, AppError> {
    let input = xlsx::WorkbookInput {
        results,
        scenario: data.scenario,
        scenario_text: data.scenario_text,
        findings: sentences::findings(&results.summary),
        provenance: sentences::provenance(&results.summary),
    };
    let bytes = xlsx::render(&input)?;
    let path = dir.join(xlsx::FILE_NAME);
    write_atomically(&path, &bytes).map_err(|e| AppError::io("write", &path, e))?;
    Ok(path)
}

/// Trials a parallel step formats: large enough that a step's bookkeeping is nothing beside
/// its rows, small enough that the steps in flight stay a few megabytes.
const TRIALS_PER_STEP: u64 = 2048;

/// Stream `trials.csv` to `path`: each trial's inputs are drawn again from (seed, input name,
/// trial) exactly as the run drew them ([`engine::for_each_trial_draws`]), beside the run's
/// own row of results. Rows are formatted in parallel, a few steps at a time, and written in
/// trial order; memory stays a few megabytes whatever the number of trials.
fn write_trials(
    results: &RunResults,
    model: &Model,
    output: &RunOutput,
    path: &Path,
) -> Result<PathBuf, AppError> {
    let io = |e| AppError::io("write", path, e);
    // The sampled inputs: those whose value varies (every risk occurrence among them).
    let sampled: Vec<usize> = (0..model.inputs.len())
        .filter(|&k| !model.inputs[k].sampler.is_fixed())
        .collect();
    let names: Vec<&str> = sampled
        .iter()
        .map(|&k| model.inputs[k].name.as_str())
        .collect();
    let capabilities: Vec<&str> = model.capabilities.iter().map(|c| c.name.as_str()).collect();
    let file = std::fs::File::create(path).map_err(io)?;
    let mut file = std::io::BufWriter::with_capacity(1 << 20, file);
    file.write_all(&trials_csv::header(
        &names,
        &capabilities,
        model.has_levers(),
    )?)
    .map_err(io)?;

    let spec = output.spec;
    let width = output.table.width;
    let levered_risks = engine::has_levered_risks(model);
    let seed = results.summary.seed;
    let steps: Vec<u64> = (0..spec.trials.div_ceil(TRIALS_PER_STEP)).collect();
    let in_flight = 4 * rayon::current_num_threads();
    for window in steps.chunks(in_flight) {
        let buffers: Vec<Vec<u8>> = window
            .par_iter()
            .map(|&step| {
                let first = step * TRIALS_PER_STEP;
                let end = (first + TRIALS_PER_STEP).min(spec.trials);
                let mut buf =
                    Vec::with_capacity((end - first) as usize * 64 * (names.len() + width));
                let (mut inputs, mut values) = (vec![0.0; sampled.len()], vec![0.0; width]);
                let mut events = Vec::new();
                let trials = spec.first_trial + first..spec.first_trial + end;
                engine::for_each_trial_draws(model, seed, trials, |trial, draws| {
                    // A risk that levers make less likely: whether it happened, not its uniform.
                    let draws = if levered_risks {
                        events.clear();
                        events.extend_from_slice(draws);
                        engine::events_as_occurrences(model, &mut events);
                        &events[..]
                    } else {
                        draws
                    };
                    for (v, &k) in inputs.iter_mut().zip(&sampled) {
                        *v = draws[k];
                    }
                    let i = (trial - spec.first_trial) as usize;
                    for (c, v) in values.iter_mut().enumerate() {
                        *v = output.table.column(c)[i];
                    }
                    trials_csv::push_row(&mut buf, trial, &inputs, &values);
                });
                buf
            })
            .collect();
        for buf in buffers {
            file.write_all(&buf).map_err(io)?;
        }
    }
    file.flush().map_err(io)?;
    Ok(path.to_path_buf())
}
