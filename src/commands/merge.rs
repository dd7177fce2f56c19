//! `valuecase merge`: part files of one run (from `run --trials-range`) into the results of
//! the whole run — the same results.json as one run over all the trials (to the bit, except
//! `elapsed_seconds`, which here is the parts' compute time plus the merge's).

use std::path::PathBuf;
use std::time::Instant;

use crate::cli::MergeArgs;
use crate::engine::{self, ScenarioIdentity, shard};
use crate::error::AppError;

use crate::model::Model;
use crate::scenario;

use super::data_files::{self, RunData};
use super::output_set::OutputSet;

/// Merge part files.
pub fn merge(args: &MergeArgs) -> Result<(), AppError> {
    let started = Instant::now();
    // Read and parse the PNG font first, so a wrong path or a file that is not a font fails
    // before any work is done.
    let font = super::board_pack::read_png_font(args.publish.png_font.as_deref())?;
    let names: Vec<String> = args.parts.iter().map(|p| p.display().to_string()).collect();
    let parts = args
        .parts
        .iter()
        .map(|path| shard::Part::read(path))
        .collect::<Result<Vec<_>, _>>()?;
    let part_seconds: f64 = parts.iter().map(|p| p.header.elapsed_seconds).sum();
    let (header, output) = shard::merge(parts, &names)?;

    // Rebuild the model from the scenario text the parts carry (checked against its hash).
    let sc = &header.scenario;
    let file = sc.file.as_ref().map(PathBuf::from);
    let parsed = scenario::parse_str(&sc.text, file.as_deref())?;
    let model = Model::compile(&parsed);
    if model.horizon != header.horizon_months
        || engine::table_width(&model) != header.width
        || model.capabilities.len() != header.capabilities
        || output.sketches.adoption.len() != model.groups.len() * model.horizon
    {
        return Err(shard::PartError::Merge(shard::MergeProblem::LayoutMismatch).into());
    }
    let meta = &parsed.meta;
    let identity = ScenarioIdentity::new(meta, sc.file.clone(), sc.sha256.clone());
    let mut results = engine::run_results(&parsed, &model, &output, &identity, 0.0);
    super::board_pack::gather_exports(&mut results, &args.publish, &parsed, &model, &output);
    // The per-trial table is kept only for trials.csv.
    let output = data_files::wants_trials(&args.publish).then_some(output);
    results.summary.elapsed_seconds = part_seconds + started.elapsed().as_secs_f64();

    let out_dir = args.out.clone().unwrap_or_else(|| {
        args.parts[0]
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), PathBuf::from)
    });
    let out = OutputSet::new(&out_dir)?;
    let data = RunData {
        scenario: &parsed,
        scenario_text: &sc.text,
        model: &model,
        output: output.as_ref(),
    };
    super::board_pack::publish(
        &results,
        &data,
        out,
        &args.publish,
        font.as_deref(),
        Some(format!(
            "merged {} parts ({} trials)",
            args.parts.len(),
            crate::report::format::thousands(results.summary.trials)
        )),
    )
}
