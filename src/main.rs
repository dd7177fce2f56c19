//! The `valuecase` binary: parse the command line, dispatch, map errors to exit codes.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = valuecase::cli::Cli::parse();
    match valuecase::commands::dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if let Some(message) = e.report() {
                // Ignore a failing stderr: the exit code still tells.
                let _ = writeln!(std::io::stderr(), "{message}");
            }
            ExitCode::from(e.exit_code())
        }
    }
}
