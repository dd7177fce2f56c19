//! `valuecase validate`: every problem in every file, then a non-zero exit if any.

use std::io::Write;

use crate::cli::ValidateArgs;
use crate::error::{AppError, print};
use crate::scenario;

/// Check each file; print "ok" lines for good ones and all diagnostics for bad ones.
pub fn validate(args: &ValidateArgs) -> Result<(), AppError> {
    let mut failed = 0;
    for path in &args.scenarios {
        match scenario::parse_file(path) {
            Ok(_) => print(&format!("ok: {}\n", path.display()))?,
            Err(e) => {
                // A closed or full stderr must not turn a diagnosis into a panic.
                let _ = writeln!(std::io::stderr(), "{e}");
                failed += 1;
            }
        }
    }
    if failed > 0 {
        Err(AppError::Invalid {
            failed,
            total: args.scenarios.len(),
        })
    } else {
        Ok(())
    }
}
