//! Errors as the user meets them, and the exit codes scripts rely on: 2 for bad input
//! (scenario, flags, paths, part files), 1 for internal failures (a bug or the machine), 0 for
//! a reader that closed standard output early (`valuecase run --json | head`), as `grep` and
//! ripgrep do.
//!
//! Each layer has its own error type; this one gathers them for the command line. Messages
//! here say what went wrong without the `error:` prefix, which [`AppError::report`] adds in
//! one place.

use std::io;
use std::path::PathBuf;

use crate::export::ExportError;
use crate::report::charts::ChartError;
use crate::scenario::ScenarioError;

/// A failure of a command.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A scenario file with problems (all of them, with locations); renders its own
    /// diagnostics, each with its severity.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// A file or directory the user named could not be read or written.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: io::Error,
    },
    /// A file that should hold text does not.
    #[error("{} is not UTF-8 text", path.display())]
    NotUtf8 { path: PathBuf },
    /// `valuecase init` would overwrite a file.
    #[error("{} already exists; choose another name or pass --force to overwrite it", path.display())]
    WouldOverwrite { path: PathBuf },
    /// The run would need more memory than allowed.
    #[error(
        "{trials} trials of this scenario would need about {need_mib} MiB, above the memory limit of {limit_mib} MiB\n  help: run fewer trials (--trials), raise the limit (--memory-limit-mib), or split the run into shards"
    )]
    MemoryLimit {
        trials: u64,
        need_mib: u64,
        limit_mib: u64,
    },
    /// The scenario file changed between reading it and writing a part.
    #[error("the scenario file changed while the run was going on; run the part again")]
    ScenarioChanged,
    /// A part file that cannot be read or parts that cannot be merged.
    #[error("{0}")]
    Part(#[from] crate::engine::shard::PartError),
    /// `valuecase validate` found problems (already printed, file by file).
    #[error("{failed} of {total} scenario files have errors")]
    Invalid { failed: usize, total: usize },
    /// Charts could not be drawn or written.
    #[error(transparent)]
    Chart(#[from] ChartError),
    /// A results file could not be encoded or written.
    #[error(transparent)]
    Export(#[from] ExportError),
    /// Scenarios that cannot be compared or diffed together.
    #[error(transparent)]
    Analysis(#[from] crate::analysis::AnalysisError),
    /// A command-line value that names nothing usable (e.g. a `--baseline` not among the
    /// files compared).
    #[error("{0}")]
    BadArgument(String),
    /// The thread pool asked for could not start.
    #[error("cannot start {threads} threads: {source}")]
    Threads {
        threads: usize,
        source: rayon::ThreadPoolBuildError,
    },
    /// A vendor's study cannot be scaled as asked.
    #[error(transparent)]
    VendorScale(#[from] crate::analysis::tei::ScaleError),
    /// A break-even search that cannot start (unknown input, unreadable target, bad range).
    #[error(transparent)]
    Breakeven(#[from] crate::analysis::breakeven::BreakevenError),
    /// A break-even target met nowhere in the range searched (the result is printed first).
    #[error("{0}")]
    Unreachable(String),
    /// Standard output failed for a reason other than its reader going away.
    #[error("cannot write to standard output: {0}")]
    Stdout(io::Error),
    /// Standard output's reader went away (a closed pipe): not a failure.
    #[error("standard output was closed")]
    StdoutClosed,
}

impl AppError {
    /// 0 for a closed pipe, 1 for internal failures, 2 for bad input.
    pub fn exit_code(&self) -> u8 {
        match self {
            AppError::StdoutClosed => 0,
            AppError::Threads { .. } => 1,
            AppError::Chart(e) => match e {
                ChartError::Draw { .. } => 1,
                ChartError::Font { .. } | ChartError::Io { .. } => 2,
            },
            AppError::Export(e) => match e {
                ExportError::Encode { .. } => 1,
                ExportError::Io { .. } => 2,
            },
            _ => 2,
        }
    }

    /// An I/O failure on a path the user chose.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> AppError {
        AppError::Io {
            action,
            path: path.into(),
            source,
        }
    }

    /// What to print on standard error: nothing for a closed pipe, scenario diagnostics as
    /// they render themselves, `validate`'s tally as a plain line under the diagnostics it
    /// counts, anything else after `error: `.
    pub fn report(&self) -> Option<String> {
        match self {
            AppError::StdoutClosed => None,
            AppError::Scenario(_) | AppError::Invalid { .. } => Some(self.to_string()),
            e if e.exit_code() == 1 => Some(format!("internal error: {e}")),
            e => Some(format!("error: {e}")),
        }
    }
}

/// Write `text` to standard output and flush it; a reader that went away is
/// [`AppError::StdoutClosed`], so the command ends quietly with exit code 0.
pub fn print(text: &str) -> Result<(), AppError> {
    use std::io::Write;
    let mut stdout = io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
        .map_err(|e| match e.kind() {
            io::ErrorKind::BrokenPipe => AppError::StdoutClosed,
            _ => AppError::Stdout(e),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prefix_is_added_once_and_a_closed_pipe_is_silent() {
        let e = AppError::WouldOverwrite {
            path: "a.toml".into(),
        };
        assert_eq!(
            e.report().as_deref(),
            Some(
                "error: a.toml already exists; choose another name or pass --force to overwrite it"
            )
        );
        assert_eq!(e.exit_code(), 2);
        assert_eq!(AppError::StdoutClosed.report(), None);
        assert_eq!(AppError::StdoutClosed.exit_code(), 0);
        let internal = AppError::Export(crate::export::ExportError::Encode {
            format: "JSON",
            message: "no".into(),
        });
        assert_eq!(internal.exit_code(), 1);
        assert!(
            internal
                .report()
                .is_some_and(|m| m.starts_with("internal error: "))
        );
    }
}
