//! `valuecase init FILE`: a commented starter scenario to edit.

use crate::cli::InitArgs;
use crate::error::{AppError, print};
use crate::files::write_atomically;
use crate::scenario::STARTER;

/// Write the starter scenario, refusing to overwrite unless `--force`.
pub fn init(args: &InitArgs) -> Result<(), AppError> {
    if args.file.exists() && !args.force {
        return Err(AppError::WouldOverwrite {
            path: args.file.clone(),
        });
    }
    write_atomically(&args.file, STARTER.as_bytes())
        .map_err(|e| AppError::io("write", &args.file, e))?;
    print(&format!(
        "wrote {}; edit it, then run: valuecase run {}\n",
        args.file.display(),
        args.file.display()
    ))
}
