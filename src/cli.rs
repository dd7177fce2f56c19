//! The command line, as clap definitions only: what each command and flag means to a user.
//! Behaviour lives in `commands/`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

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
    /// Write a commented starter scenario to FILE.
    Init(InitArgs),
}

/// Options of `valuecase run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML). Without one, runs the built-in reference scenario
    /// (a copy of scenarios/hightech-1b.toml).
    pub scenario: Option<PathBuf>,
    /// Number of trials (default: the scenario's `trials`).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    pub trials: Option<u64>,
    /// Seed for the random numbers (default: the scenario's `seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Output directory (default: output/<scenario file name>/, output/reference/ for the
    /// built-in scenario).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print only the JSON summary on stdout.
    #[arg(long)]
    pub json: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// Refuse runs estimated to need more memory than this many MiB.
    #[arg(long, default_value_t = 4096, value_parser = clap::value_parser!(u64).range(16..))]
    pub memory_limit_mib: u64,
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
