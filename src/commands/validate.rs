//! `valuecase validate`: every problem in every file, then a non-zero exit if any.

use crate::cli::ValidateArgs;
use crate::error::AppError;
use crate::scenario;

/// Check each file; print "ok" lines for good ones and all diagnostics for bad ones.
pub fn validate(args: &ValidateArgs) -> Result<(), AppError> {
    let mut failed = 0;
    for path in &args.scenarios {
        match scenario::parse_file(path) {
            Ok(_) => println!("ok: {}", path.display()),
            Err(e) => {
                eprintln!("{e}");
                failed += 1;
            }
        }
    }
    if failed > 0 {
        Err(AppError::Input(format!(
            "{failed} of {} scenario files have errors",
            args.scenarios.len()
        )))
    } else {
        Ok(())
    }
}
