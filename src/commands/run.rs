//! `valuecase run`: simulate, summarise, write results, print.

use std::fs;
use std::path::PathBuf;
use std::time::Instant;

use crate::cli::RunArgs;
use crate::engine::{self, RunSpec, ScenarioIdentity};
use crate::error::{AppError, print};
use crate::files::write_atomically;
use crate::model::Model;
use crate::results::StoppingRule;
use crate::scenario;

use super::data_files::{self, RunData};
use super::load;
use super::output_set::OutputSet;

/// Run a scenario.
pub fn run(args: &RunArgs) -> Result<(), AppError> {
    let loaded = load(args.scenario.as_deref())?;
    let meta = &loaded.scenario.meta;
    let (first_trial, trials) = match args.trials_range {
        Some((start, end)) => (start, end - start),
        None => (0, args.trials.unwrap_or(meta.trials)),
    };
    let seed = args.seed.unwrap_or(meta.seed);
    let model = Model::compile(&loaded.scenario);

    let need = engine::estimated_memory_bytes(&model, trials);
    if need > args.memory_limit_mib * 1024 * 1024 {
        return Err(AppError::MemoryLimit {
            trials,
            need_mib: need / (1024 * 1024),
            limit_mib: args.memory_limit_mib,
        });
    }

    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(&loaded.stem));
    // Read and parse the PNG font before the run, so a wrong path or a file that is not a
    // font fails fast and writes nothing.
    let font = super::board_pack::read_png_font(args.publish.png_font.as_deref())?;
    let spec = RunSpec {
        seed,
        first_trial,
        trials,
    };
    let progress = Progress::new(trials, !args.publish.json && !args.publish.quiet);
    let simulate = || {
        let output = engine::run(&model, spec, &|n| progress.inc(n));
        progress.finish();
        output
    };
    let started = Instant::now();
    if args.trials_range.is_some() {
        // A part goes straight into the output folder, which the other shards share.
        fs::create_dir_all(&out_dir)
            .map_err(|e| AppError::io("create output directory", &out_dir, e))?;
        return write_part(args, &loaded, &model, simulate(), &out_dir, started);
    }
    // Results go through a staging folder, committed only when every file is complete.
    let out = OutputSet::new(&out_dir)?;
    let identity = ScenarioIdentity::new(meta, loaded.file.clone(), loaded.sha256.clone());
    let (output, stopping_rule) = match args.precision {
        None => (simulate(), None),
        Some(target) => {
            let grow = Growth {
                target,
                max_trials: args.max_trials.max(trials),
                memory_limit: args.memory_limit_mib * 1024 * 1024,
            };
            let (output, rule) = grow.run(&model, simulate(), &identity, &progress);
            (output, Some(rule))
        }
    };
    let t_engine = started.elapsed();
    let mut results = engine::run_results(&loaded.scenario, &model, &output, &identity, 0.0);
    super::board_pack::gather_exports(
        &mut results,
        &args.publish,
        &loaded.scenario,
        &model,
        &output,
    );
    results.summary.precision.stopping_rule = stopping_rule;
    // The per-trial table is kept only for trials.csv.
    let output = data_files::wants_trials(&args.publish).then_some(output);
    results.summary.elapsed_seconds = started.elapsed().as_secs_f64();
    let t_summary = started.elapsed();

    let data = RunData {
        scenario: &loaded.scenario,
        scenario_text: &loaded.text,
        model: &model,
        output: output.as_ref(),
    };
    let published =
        super::board_pack::publish(&results, &data, out, &args.publish, font.as_deref(), None);
    if std::env::var_os("VALUECASE_TIMINGS").is_some() {
        eprintln!(
            "timings: engine {:.3} s, summary {:.3} s, publish {:.3} s",
            t_engine.as_secs_f64(),
            (t_summary - t_engine).as_secs_f64(),
            (started.elapsed() - t_summary).as_secs_f64()
        );
    }
    published
}

/// `run --precision`: trials added in whole blocks until the half-widths meet the target.
struct Growth {
    target: f64,
    max_trials: u64,
    memory_limit: u64,
}

impl Growth {
    /// Grow `output` (trials 0..n) until it meets the target, reaches `max_trials`, or the next
    /// step would pass the memory limit. Each step runs only the trials added and appends them,
    /// which is exactly the longer run (`engine::precision::extend`).
    fn run(
        &self,
        model: &Model,
        mut output: engine::RunOutput,
        identity: &ScenarioIdentity,
        progress: &Progress,
    ) -> (engine::RunOutput, StoppingRule) {
        use engine::precision::{BLOCK_TRIALS, meets, next_trial_count, trials_needed};
        let mut met = false;
        loop {
            let n = output.spec.trials;
            let summary = engine::summarise(model, &output, identity, 0.0);
            if meets(self.target, summary.npv.mean, &summary.precision) {
                met = true;
                break;
            }
            let needed = trials_needed(n, self.target, summary.npv.mean, &summary.precision);
            let next = next_trial_count(n, needed, self.max_trials);
            // The new trials' table and the joined one are both held while joining.
            let table_bytes = (engine::table_width(model) * 8) as u64;
            let need = engine::estimated_memory_bytes(model, next) + n * table_bytes;
            if next <= n || need > self.memory_limit {
                break;
            }
            progress.extend_to(next);
            let spec = RunSpec {
                seed: output.spec.seed,
                first_trial: n,
                trials: next - n,
            };
            let more = engine::run(model, spec, &|k| progress.inc(k));
            output = engine::precision::extend(output, more);
        }
        progress.finish();
        let rule = StoppingRule {
            target: self.target,
            max_trials: self.max_trials,
            block_trials: BLOCK_TRIALS,
            met,
        };
        (output, rule)
    }
}

/// A progress bar on stderr for runs that take more than about a second: hidden at first,
/// shown from the first update after a second; never drawn when stderr is not a terminal or
/// when output is `--json` or `--quiet`.
pub(super) struct Progress {
    bar: Option<indicatif::ProgressBar>,
    started: Instant,
    shown: std::sync::atomic::AtomicBool,
}

impl Progress {
    pub(super) fn new(trials: u64, wanted: bool) -> Progress {
        Progress::counting(trials, wanted, "trials")
    }

    /// A bar counting `total` of something else than trials (`unit`: "sub-runs").
    pub(super) fn counting(total: u64, wanted: bool, unit: &str) -> Progress {
        use std::io::IsTerminal;
        let bar = (wanted && std::io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::with_draw_target(
                Some(total),
                indicatif::ProgressDrawTarget::hidden(),
            );
            if let Ok(style) = indicatif::ProgressStyle::with_template(&format!(
                "{{bar:40}} {{human_pos}}/{{human_len}} {unit}  {{elapsed}} elapsed, about {{eta}} left"
            )) {
                bar.set_style(style);
            }
            bar
        });
        Progress {
            bar,
            started: Instant::now(),
            shown: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// `n` more trials done (called from any worker thread).
    pub(super) fn inc(&self, n: u64) {
        use std::sync::atomic::Ordering;
        let Some(bar) = &self.bar else { return };
        bar.inc(n);
        if !self.shown.load(Ordering::Relaxed)
            && self.started.elapsed().as_secs_f64() > 1.0
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
    }

    /// The run now goes on to `trials` in all (`run --precision`).
    fn extend_to(&self, trials: u64) {
        if let Some(bar) = &self.bar {
            bar.set_length(trials);
        }
    }

    pub(super) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// `--trials-range`: write the trials as a part file (see `engine::shard`), not results.
fn write_part(
    args: &RunArgs,
    loaded: &super::Loaded,
    model: &Model,
    output: engine::RunOutput,
    out_dir: &std::path::Path,
    started: Instant,
) -> Result<(), AppError> {
    use engine::shard::{EXTENSION, Part, PartScenario};

    let text = match &args.scenario {
        Some(path) => {
            let bytes = fs::read(path).map_err(|e| AppError::io("read", path, e))?;
            String::from_utf8(bytes).map_err(|_| AppError::NotUtf8 { path: path.clone() })?
        }
        None => scenario::BUILT_IN.to_string(),
    };
    let sha256 = scenario::fingerprint(text.as_bytes());
    if sha256 != loaded.sha256 {
        return Err(AppError::ScenarioChanged);
    }
    let (start, end) = (
        output.spec.first_trial,
        output.spec.first_trial + output.spec.trials,
    );
    let scenario = PartScenario {
        name: loaded.scenario.meta.name.clone(),
        file: loaded.file.clone(),
        sha256,
        text,
    };
    let part = Part::from_run(output, scenario, model, started.elapsed().as_secs_f64());
    let path = out_dir.join(format!("part-{start:09}-{end:09}.{EXTENSION}"));
    let mut bytes = Vec::new();
    part.write_to(&mut bytes)
        .and_then(|()| write_atomically(&path, &bytes))
        .map_err(|e| AppError::io("write", &path, e))?;
    let text = if args.publish.json {
        format!(
            "{}\n",
            serde_json::json!({ "part": path.display().to_string(), "trials_range": [start, end] })
        )
    } else if args.publish.quiet {
        String::new()
    } else {
        format!(
            "wrote {} (trials {start}..{end}); merge the parts with `valuecase merge`\n",
            path.display()
        )
    };
    print(&text)
}
