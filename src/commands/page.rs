//! The end `compare` and `diff` share once their files are staged: put them in place, print
//! the charts' notes, then the JSON, nothing (`--quiet`) or the terminal text.

use std::path::{Path, PathBuf};

use crate::cli::PageArgs;
use crate::error::{AppError, print};
use crate::report::charts;

use super::output_set::OutputSet;

/// Files and chart notes a command staged in `out`, or why it could not.
pub(super) type Staged = Result<(Vec<PathBuf>, Vec<String>), AppError>;

/// Commit `staged` into `out` and print what `args` asks for: `json()` for `--json`, else
/// `terminal(files written, output folder)` unless `--quiet`. A failure names the file where
/// it was going, not the staging folder.
pub(super) fn publish(
    out: OutputSet,
    staged: Staged,
    args: &PageArgs,
    json: impl FnOnce() -> Result<String, AppError>,
    terminal: impl FnOnce(&[PathBuf], &Path) -> String,
) -> Result<(), AppError> {
    let (staged, messages) = staged.map_err(|e| out.as_user_sees_it(e))?;
    let dir = out.target().to_path_buf();
    let names: Vec<&str> = charts::all_names().collect();
    let written = out.commit(&staged, &names)?;
    for m in messages {
        eprintln!("{m}");
    }
    let text = if args.json {
        json()?
    } else if args.quiet {
        String::new()
    } else {
        terminal(&written, &dir)
    };
    print(&text)
}
