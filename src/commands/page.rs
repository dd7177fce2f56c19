//! How `compare` and `diff` write their output: the JSON file and, unless `--no-charts`, the
//! charts (and page) staged together, put in place as one set, then the charts' notes and
//! the JSON, nothing (`--quiet`) or the terminal text printed.

use std::path::{Path, PathBuf};

use crate::cli::PageArgs;
use crate::error::{AppError, print};
use crate::files::write_atomically;
use crate::report::charts::{self, ChartOutput};

use super::output_set::OutputSet;

/// Stage `json` as `json_name` and, unless `--no-charts`, what `draw` writes into the staging
/// folder (its `files`, plus any page it adds to them); commit them into `out` and print what
/// `args` asks for: `json` for `--json`, else `terminal(files written, output folder)` unless
/// `--quiet`. A failure names the file where it was going, not the staging folder.
pub(super) fn publish(
    out: OutputSet,
    args: &PageArgs,
    json_name: &str,
    json: &str,
    draw: impl FnOnce(&Path) -> Result<ChartOutput, AppError>,
    terminal: impl FnOnce(&[PathBuf], &Path) -> String,
) -> Result<(), AppError> {
    let staging = out.staging().to_path_buf();
    let staged = (|| -> Result<(Vec<PathBuf>, Vec<String>), AppError> {
        let path = staging.join(json_name);
        write_atomically(&path, json.as_bytes()).map_err(|e| AppError::io("write", &path, e))?;
        let mut files = vec![path];
        let mut messages = Vec::new();
        if !args.no_charts {
            let charts = draw(&staging)?;
            files.extend(charts.files);
            messages.extend(charts.notes.iter().map(|n| format!("note: {n}")));
            messages.extend(charts.warnings.iter().map(|w| format!("warning: {w}")));
        }
        Ok((files, messages))
    })();
    let (staged, messages) = staged.map_err(|e| out.as_user_sees_it(e))?;
    let dir = out.target().to_path_buf();
    let names: Vec<&str> = charts::all_names().collect();
    let written = out.commit(&staged, &names)?;
    for m in messages {
        eprintln!("{m}");
    }
    let text = if args.json {
        json.to_string()
    } else if args.quiet {
        String::new()
    } else {
        terminal(&written, &dir)
    };
    print(&text)
}
