//! Files other tools read, one file per format behind the small [`Exporter`] trait, all written
//! atomically (see [`crate::files`]), so a failed run never leaves a half-written file next to
//! last week's good one. Exports read [`RunResults`] only: what they hold is what the run
//! computed.

pub mod cashflow_csv;
pub mod json;
pub mod monthly_csv;
pub mod number;
pub mod sipmath;
pub mod trials_csv;
pub mod xlsx;

use std::path::{Path, PathBuf};

use crate::files::write_atomically;
use crate::results::RunResults;

/// Why an export could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The data could not be encoded in the format (a bug, not the user's doing).
    #[error("cannot encode {format}: {message}")]
    Encode {
        format: &'static str,
        message: String,
    },
    /// The file could not be written; whatever was there before is unchanged.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// A format results can be exported to.
pub trait Exporter {
    /// File name inside the output directory.
    fn file_name(&self) -> &'static str;
    /// The file's bytes.
    fn render(&self, results: &RunResults) -> Result<Vec<u8>, ExportError>;
}

/// Write one export into `dir`, returning the path written.
pub fn write(
    exporter: &dyn Exporter,
    results: &RunResults,
    dir: &Path,
) -> Result<PathBuf, ExportError> {
    let path = dir.join(exporter.file_name());
    let bytes = exporter.render(results)?;
    write_atomically(&path, &bytes).map_err(|source| ExportError::Io {
        path: path.clone(),
        source,
    })?;
    Ok(path)
}
