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
    /// Show the case as a TEI table (as vendors publish returns), placed in the simulation;
    /// with --vendor, check a vendor's published TEI study and place it in this case.
    Tei(TeiArgs),
    /// Compare 2 to 8 scenarios trial by trial (one seed and trial count for all): each
    /// against the baseline, with P(B beats A) and the mean NPV difference with its interval.
    Compare(CompareArgs),
    /// What moved between two versions of a scenario: the changes, item by item, and each
    /// one's share of the change in NPV (Shapley values).
    Diff(DiffArgs),
    /// Find the value of one input at which a statistic meets a target, e.g. how low adoption
    /// can go before P(NPV > 0) falls below 80%.
    Breakeven(BreakevenArgs),
}

/// Options of `valuecase breakeven`.
#[derive(Debug, Args)]
pub struct BreakevenArgs {
    /// Scenario file (TOML). Without one, the built-in reference scenario.
    pub scenario: Option<PathBuf>,
    /// The input to move, by its stable name (as `validate` and the assumptions table write
    /// it), e.g. 'user_groups."Sales".adoption.ceiling'; a risk's probability is
    /// 'risks."NAME".probability'. Its whole distribution moves so that its most likely value
    /// is the value tried.
    #[arg(long, value_name = "NAME")]
    pub input: String,
    /// The target: 'prob_npv_positive >= 0.8', 'npv.p10 >= 0', 'npv.mean >= 5e6',
    /// 'prob_payback_within(24) >= 0.5', or any npv.KEY, roi.KEY, payback.KEY (the STATS of
    /// results.json) with >= or <=.
    #[arg(long, value_name = "EXPR")]
    pub target: String,
    /// Trials per simulation, 1 to 100,000,000 (default: the scenario's `trials`).
    #[arg(long, value_parser = parse_trials, allow_negative_numbers = true)]
    pub trials: Option<u64>,
    /// Seed, shared by every simulation (default: the scenario's `seed`).
    #[arg(long, value_parser = parse_seed, allow_negative_numbers = true)]
    pub seed: Option<u64>,
    /// Search LO..HI instead of the input's allowed range (or, for open-ended inputs such as
    /// costs, the part of it near the current value).
    #[arg(long, value_name = "LO..HI", value_parser = parse_value_range, allow_hyphen_values = true)]
    pub range: Option<(f64, f64)>,
    /// Where to write breakeven.png and breakeven.svg (default: `output/<scenario file name>/`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
    /// Do not draw the chart.
    #[arg(long)]
    pub no_charts: bool,
    #[command(flatten)]
    pub threads: ThreadsArg,
}

/// `--range LO..HI` of a break-even search: two numbers, LO below HI.
fn parse_value_range(s: &str) -> Result<(f64, f64), String> {
    let help = "write LO..HI with LO < HI, e.g. --range 0.3..0.9";
    let (a, b) = s
        .split_once("..")
        .ok_or_else(|| format!("`{s}` is not a range: {help}"))?;
    let num = |t: &str| {
        t.trim()
            .replace('_', "")
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| format!("`{t}` is not a number: {help}"))
    };
    let (lo, hi) = (num(a)?, num(b)?);
    if lo >= hi {
        return Err(format!("{s} is empty: {help}"));
    }
    Ok((lo, hi))
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
    #[arg(long, value_name = "START..END", value_parser = parse_trials_range, conflicts_with_all = ["trials", "export"])]
    pub trials_range: Option<(u64, u64)>,
    /// Add trials in blocks until the 95% half-width of mean NPV is within this share of
    /// |mean NPV| and that of P(NPV > 0) within this many probability units (0.005: ±0.5% and
    /// ±0.5 points), or until --max-trials. Starts from --trials (or the scenario's trials);
    /// the result is the same as a plain run of the final number of trials.
    #[arg(long, value_name = "SHARE", value_parser = parse_precision, conflicts_with = "trials_range")]
    pub precision: Option<f64>,
    /// Most trials a --precision run may reach (default 10,000,000).
    #[arg(long, value_name = "N", default_value_t = 10_000_000, value_parser = parse_trials, allow_negative_numbers = true, requires = "precision")]
    pub max_trials: u64,
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

/// `--precision`: a share above 0 and below 1, e.g. 0.005.
fn parse_precision(s: &str) -> Result<f64, String> {
    let allowed = "give a share above 0 and below 1, e.g. --precision 0.005 (±0.5%)";
    match s.trim().parse::<f64>() {
        Ok(x) if x > 0.0 && x < 1.0 => Ok(x),
        Ok(_) => Err(format!("{s} is out of range: {allowed}")),
        Err(_) => Err(format!("`{s}` is not a number: {allowed}")),
    }
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
    /// trial), `sipmath` (sips.json: a SIPmath 3.0 library of NPV, ROI, payback and the
    /// uncertain inputs, docs/MODEL.md), or `none`. See docs/OUTPUTS.md.
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

/// What `compare` and `diff` print and write: their pages and charts. They have no workbook
/// or data files of their own (each scenario's are `run`'s), so they take no `--export`.
#[derive(Debug, Args)]
pub struct PageArgs {
    /// Print only the JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// No charts and no HTML page (only the JSON file is written).
    #[arg(long)]
    pub no_charts: bool,
    /// A TrueType/OpenType font for text in PNG charts, for names in scripts the built-in
    /// font lacks (e.g. Chinese). SVG charts and the HTML page use the viewer's fonts.
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
    /// sips.json: a SIPmath 3.0 library (Metalog SIPs, HDR generators, Gaussian copula).
    Sipmath,
    /// No data file.
    None,
}

/// Options of `valuecase compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Scenario files (TOML), 2 to 8; the first is the baseline unless --baseline names
    /// another. They must share horizon_months, discount_rate, currency and start.
    #[arg(required = true, value_name = "SCENARIO")]
    pub scenarios: Vec<PathBuf>,
    /// The scenario every other one is compared with (one of the files given; default: the
    /// first).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Trials of every run, 1 to 100,000,000 (default: the baseline's `trials`).
    #[arg(long, value_parser = parse_trials, allow_negative_numbers = true)]
    pub trials: Option<u64>,
    /// Seed of every run, a whole number >= 0 (default: the baseline's `seed`).
    #[arg(long, value_parser = parse_seed, allow_negative_numbers = true)]
    pub seed: Option<u64>,
    /// Output directory for comparison.json, comparison.html and the charts (default:
    /// `output/compare-<first>-vs-<second>…/`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub publish: PageArgs,
    /// Refuse comparisons whose largest run is estimated to need more memory than this many
    /// MiB.
    #[arg(long, default_value_t = 4096, value_parser = clap::value_parser!(u64).range(16..))]
    pub memory_limit_mib: u64,
    #[command(flatten)]
    pub threads: ThreadsArg,
}

/// Options of `valuecase diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old version of the scenario (TOML).
    pub old: PathBuf,
    /// The new version.
    pub new: PathBuf,
    /// Trials of each sub-run (one per subset of the changes), 1 to 100,000,000.
    #[arg(long, default_value_t = 20_000, value_parser = parse_trials, allow_negative_numbers = true)]
    pub trials: u64,
    /// Seed of every sub-run, a whole number >= 0 (default: the new version's `seed`).
    #[arg(long, value_parser = parse_seed, allow_negative_numbers = true)]
    pub seed: Option<u64>,
    /// Output directory for diff.json and the waterfall chart (default:
    /// `output/diff-<old>-to-<new>/`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub publish: PageArgs,
    #[command(flatten)]
    pub threads: ThreadsArg,
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

/// Options of `valuecase tei`.
#[derive(Debug, Args)]
pub struct TeiArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// A vendor's TEI study as printed (TOML; see docs/SCENARIO.md, "A vendor's TEI study"):
    /// its figures are recomputed from its own table, and its ROI and NPV placed in this case.
    #[arg(long, value_name = "STUDY.toml")]
    pub vendor: Option<PathBuf>,
    /// Scale the vendor's NPV to this case before placing it: a factor (e.g. 0.25), or `seats`
    /// for this case's seats divided by the study's `seats`. ROI is a ratio and is not scaled.
    #[arg(long, value_name = "FACTOR|seats", requires = "vendor", value_parser = parse_vendor_scale, allow_negative_numbers = true)]
    pub vendor_scale: Option<VendorScale>,
    /// Print JSON instead of tables.
    #[arg(long)]
    pub json: bool,
    /// Number of trials, 1 to 100,000,000 (default: the scenario's `trials`).
    #[arg(long, value_parser = parse_trials, allow_negative_numbers = true)]
    pub trials: Option<u64>,
    /// Seed for the random numbers, a whole number >= 0 (default: the scenario's `seed`).
    #[arg(long, value_parser = parse_seed, allow_negative_numbers = true)]
    pub seed: Option<u64>,
    #[command(flatten)]
    pub threads: ThreadsArg,
}

/// How a vendor's NPV is scaled to this case (`--vendor-scale`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum VendorScale {
    /// Multiply by this factor.
    Factor(f64),
    /// This case's seats (all user groups) divided by the study's `seats`.
    Seats,
}

/// `--vendor-scale`: a positive factor or the word `seats`.
fn parse_vendor_scale(s: &str) -> Result<VendorScale, String> {
    let allowed = "give a positive factor (e.g. --vendor-scale 0.25) or `seats` (this case's \
                   seats divided by the study's `seats`)";
    if s.trim().eq_ignore_ascii_case("seats") {
        return Ok(VendorScale::Seats);
    }
    match s.trim().replace('_', "").parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 && x <= 1e6 => Ok(VendorScale::Factor(x)),
        Ok(_) => Err(format!("{s} is out of range: {allowed}")),
        Err(_) => Err(format!("`{s}` is neither a number nor `seats`: {allowed}")),
    }
}
