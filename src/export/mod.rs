//! Files other tools read: one file per format behind one small trait, all written atomically
//! (a temporary file in the same directory, renamed into place), so a failed run never leaves
//! a half-written file next to last week's good one.

pub mod cashflow_csv;
pub mod json;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::AppError;
use crate::results::Summary;

/// A format results can be exported to.
pub trait Exporter {
    /// File name inside the output directory.
    fn file_name(&self) -> &'static str;
    /// The file's bytes.
    fn render(&self, summary: &Summary) -> Result<Vec<u8>, AppError>;
}

/// Write `bytes` to `path` atomically: all or nothing.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), AppError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        AppError::io("write", path, &e)
    })
}

/// Write one export into `dir`, returning the path written.
pub fn write(exporter: &dyn Exporter, summary: &Summary, dir: &Path) -> Result<PathBuf, AppError> {
    let path = dir.join(exporter.file_name());
    write_atomically(&path, &exporter.render(summary)?)?;
    Ok(path)
}
