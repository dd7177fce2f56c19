//! The command line, as clap definitions only: what each command and flag means to a user.
//! Behaviour lives in `commands/`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Monte Carlo value cases for CRM and IT transformations.
///
/// Turns an investment case (capabilities × adoption × change levers × risk) into
/// distributions of NPV, ROI, IRR and payback, with board-ready output.
#[derive(Debug, Parser)]
#[command(name = "valuecase", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate a scenario and write results.json (and charts) to the output directory.
    Run(RunArgs),
    /// Check scenario files and report every problem with file:line:column.
    Validate(ValidateArgs),
    /// Print the base case month by month (every input at its most likely value).
    Cashflow(CashflowArgs),
    /// Merge part files of one run (from `run --trials-range`) into its results.json.
    Merge(MergeArgs),
    /// Write a commented starter scenario to FILE.
    Init(InitArgs),
}

/// Options of `valuecase run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML). Without one, runs the built-in reference scenario
    /// (a copy of scenarios/hightech-1b.toml).
    pub scenario: Option<PathBuf>,
    /// Number of trials, 1 to 100,000,000 (default: the scenario's `trials`).
    #[arg(long, value_parser = parse_trials, allow_negative_numbers = true)]
    pub trials: Option<u64>,
    /// Seed for the random numbers, a whole number >= 0 (default: the scenario's `seed`).
    #[arg(long, value_parser = parse_seed, allow_negative_numbers = true)]
    pub seed: Option<u64>,
    /// Output directory (default: `output/<scenario file name>/`, `output/reference/` for the
    /// built-in scenario).
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub publish: PublishArgs,
    /// Run only trials START..END (0-based, END excluded) of the scenario's run and write
    /// them to a part file in the output directory instead of results.json; `valuecase merge`
    /// turns the parts into the results of the whole run (see docs/SCALING.md).
    #[arg(long, value_name = "START..END", value_parser = parse_trials_range, conflicts_with = "trials")]
    pub trials_range: Option<(u64, u64)>,
    /// Refuse runs estimated to need more memory than this many MiB.
    #[arg(long, default_value_t = 4096, value_parser = clap::value_parser!(u64).range(16..))]
    pub memory_limit_mib: u64,
    #[command(flatten)]
    pub threads: ThreadsArg,
}

/// How many threads a command computes on.
#[derive(Debug, Args)]
pub struct ThreadsArg {
    /// Threads to compute on, 1 to 1024 (default: one per CPU, or RAYON_NUM_THREADS). The
    /// results are the same bits for any number of threads.
    #[arg(long, short = 'j', value_name = "N", value_parser = parse_threads)]
    pub threads: Option<usize>,
}

/// Most threads `--threads` accepts: far more than any machine's cores, low enough that a
/// typo (`--threads 80000`) is caught instead of starting thousands of threads.
pub const MAX_THREADS: usize = 1024;

/// `--threads`: a whole number of threads from 1 to [`MAX_THREADS`].
fn parse_threads(s: &str) -> Result<usize, String> {
    let allowed = format!("give 1 to {MAX_THREADS} threads, e.g. --threads 4");
    let n = whole_number(s).map_err(|e| format!("{e}: {allowed}"))?;
    match usize::try_from(n) {
        Ok(n) if (1..=MAX_THREADS).contains(&n) => Ok(n),
        _ => Err(format!("{s} threads is out of range: {allowed}")),
    }
}

/// Most trials a run may ask for.
pub use crate::engine::MAX_TRIALS;

/// A whole number as a person may type it: `10000`, `10_000`, `1e6` (exact whole numbers in
/// scientific notation are accepted: scenario files allow them too).
fn whole_number(s: &str) -> Result<i128, String> {
    let t = s.trim().replace('_', "");
    if let Ok(n) = t.parse::<i128>() {
        return Ok(n);
    }
    match t.parse::<f64>() {
        Ok(x) if x.is_finite() && x.fract() == 0.0 && x.abs() < 1e30 => Ok(x as i128),
        Ok(x) if x.is_finite() && x.abs() < 1e30 => Err(format!("{s} is not a whole number")),
        _ => Err(format!("`{s}` is not a whole number")),
    }
}

/// `--trials`: a clear message for 0, negative, fractional, huge and non-numeric values.
fn parse_trials(s: &str) -> Result<u64, String> {
    let n = whole_number(s).map_err(|e| {
        format!("{e}: write a number of trials from 1 to {MAX_TRIALS}, e.g. --trials 10000")
    })?;
    if n < 1 {
        return Err(format!(
            "a run needs at least 1 trial, found {n}: write a number from 1 to {MAX_TRIALS}"
        ));
    }
    if n > i128::from(MAX_TRIALS) {
        return Err(format!(
            "{s} ({n}) trials is above the maximum of {MAX_TRIALS}: run at most {MAX_TRIALS} trials (100,000 already give a Monte Carlo error far below the input uncertainty)"
        ));
    }
    u64::try_from(n).map_err(|_| format!("{s} is out of range"))
}

/// `--seed`: any whole number from 0 to 2^64 - 1.
fn parse_seed(s: &str) -> Result<u64, String> {
    let allowed = format!(
        "a seed is a whole number from 0 to {}, e.g. --seed 42",
        u64::MAX
    );
    let n = whole_number(s).map_err(|e| format!("{e}: {allowed}"))?;
    u64::try_from(n).map_err(|_| format!("{s} is out of range: {allowed}"))
}

/// `--trials-range START..END`: 0 ≤ START < END ≤ 100,000,000.
fn parse_trials_range(s: &str) -> Result<(u64, u64), String> {
    let help = "write START..END with 0 <= START < END, e.g. --trials-range 0..250000";
    let (a, b) = s
        .split_once("..")
        .ok_or_else(|| format!("`{s}` is not a range: {help}"))?;
    let num = |t: &str| {
        t.trim()
            .replace('_', "")
            .parse::<u64>()
            .map_err(|_| format!("`{t}` is not a whole number: {help}"))
    };
    let (start, end) = (num(a)?, num(b)?);
    if start >= end {
        return Err(format!("{s} is empty: {help}"));
    }
    if end > 100_000_000 {
        return Err(format!("{s} ends above trial 100,000,000: {help}"));
    }
    Ok((start, end))
}

/// Options of `valuecase merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Part files written by `valuecase run --trials-range` (any order); together they must
    /// cover trials 0..N of one run exactly once.
    #[arg(required = true)]
    pub parts: Vec<PathBuf>,
    /// Output directory for results.json and the board pack (default: the first part's
    /// directory).
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub publish: PublishArgs,
    #[command(flatten)]
    pub threads: ThreadsArg,
}

/// What `run` and `merge` print and write besides results.json.
#[derive(Debug, Args)]
pub struct PublishArgs {
    /// Print only the JSON summary on stdout.
    #[arg(long)]
    pub json: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// No charts and no report.html (results.json, monthly.csv and case.xlsx are still
    /// written).
    #[arg(long)]
    pub no_charts: bool,
    /// Do not write the Excel workbook case.xlsx.
    #[arg(long)]
    pub no_workbook: bool,
    /// Data files beside results.json, comma-separated: `monthly` (monthly.csv: percentiles,
    /// means and the base case by month), `trials` (trials.csv: one row per trial with every
    /// sampled input, NPV, ROI, IRR, paybacks and each capability's contribution; about 1 KB a
    /// trial), or `none`. See docs/OUTPUTS.md.
    #[arg(
        long,
        value_name = "LIST",
        value_delimiter = ',',
        default_value = "monthly"
    )]
    pub export: Vec<ExportKind>,
    /// A TrueType/OpenType font for text in PNG charts, for names in scripts the built-in
    /// font lacks (e.g. Chinese). SVG charts and the HTML report use the viewer's fonts.
    #[arg(long, value_name = "FILE")]
    pub png_font: Option<PathBuf>,
}

/// The data files a run may write beside results.json (`--export`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportKind {
    /// monthly.csv: the run month by month across trials.
    Monthly,
    /// trials.csv: one row per trial.
    Trials,
    /// No data file.
    None,
}

/// Options of `valuecase validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Scenario files to check.
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
}

/// Options of `valuecase cashflow`.
#[derive(Debug, Args)]
pub struct CashflowArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Print CSV instead of a table.
    #[arg(long)]
    pub csv: bool,
    /// Print trial N of a run (0-based, as in trials.csv) instead of the base case: its inputs
    /// drawn again from the seed, exactly as the run drew them.
    #[arg(long, value_name = "N", value_parser = parse_trial)]
    pub trial: Option<u64>,
    /// The run's seed, for --trial (default: the scenario's `seed`).
    #[arg(long, value_parser = parse_seed, allow_negative_numbers = true, requires = "trial")]
    pub seed: Option<u64>,
}

/// `--trial N`: a trial index, 0 ≤ N < 100,000,000.
fn parse_trial(s: &str) -> Result<u64, String> {
    let help = format!(
        "a trial is a whole number from 0 to {}, e.g. --trial 17",
        MAX_TRIALS - 1
    );
    let n = whole_number(s).map_err(|e| format!("{e}: {help}"))?;
    match u64::try_from(n) {
        Ok(n) if n < MAX_TRIALS => Ok(n),
        _ => Err(format!("trial {s} is out of range: {help}")),
    }
}

/// Options of `valuecase init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write the starter scenario.
    pub file: PathBuf,
    /// Overwrite FILE if it exists.
    #[arg(long)]
    pub force: bool,
}
