//! `valuecase init FILE`: a commented starter scenario to edit.

use std::io::Write;

use crate::cli::InitArgs;
use crate::error::AppError;
use crate::export::write_atomically;
use crate::scenario::STARTER;

/// Write the starter scenario, refusing to overwrite unless `--force`.
pub fn init(args: &InitArgs) -> Result<(), AppError> {
    if args.file.exists() && !args.force {
        return Err(AppError::Input(format!(
            "error: {} already exists; choose another name or pass --force to overwrite it",
            args.file.display()
        )));
    }
    write_atomically(&args.file, STARTER.as_bytes())?;
    let mut stdout = std::io::stdout().lock();
    writeln!(
        stdout,
        "wrote {}; edit it, then run: valuecase run {}",
        args.file.display(),
        args.file.display()
    )
    .and_then(|_| stdout.flush())
    .map_err(|e| AppError::Input(format!("error: cannot write to standard output: {e}")))
}
