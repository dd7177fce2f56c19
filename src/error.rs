//! Errors as the user meets them, and the exit codes scripts rely on:
//! 2 for bad input (scenario, flags, paths), 1 for internal failures (a bug or the machine).

use std::fmt;
use std::path::Path;

use crate::scenario::ScenarioError;

/// A failure of a command.
#[derive(Debug)]
pub enum AppError {
    /// A scenario file with problems (all of them, with locations).
    Scenario(ScenarioError),
    /// Other bad input: a path that cannot be written, a run too large for the memory budget.
    Input(String),
    /// Something that should not happen.
    Internal(String),
}

impl AppError {
    /// 2 for bad input, 1 for internal failures.
    pub fn exit_code(&self) -> u8 {
        match self {
            AppError::Scenario(_) | AppError::Input(_) => 2,
            AppError::Internal(_) => 1,
        }
    }

    /// An I/O failure on a path the user chose (exit code 2).
    pub fn io(action: &str, path: &Path, err: &std::io::Error) -> AppError {
        AppError::Input(format!("error: cannot {action} {}: {err}", path.display()))
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppError::Scenario(e) => write!(f, "{e}"),
            AppError::Input(m) => write!(f, "{m}"),
            AppError::Internal(m) => write!(f, "internal error: {m}"),
        }
    }
}

impl std::error::Error for AppError {}

impl From<ScenarioError> for AppError {
    fn from(e: ScenarioError) -> Self {
        AppError::Scenario(e)
    }
}
