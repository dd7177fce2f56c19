//! Writing files so that a failure never leaves a half-written one: every output goes to a
//! temporary file in the same directory, is flushed to disk and renamed into place. Exports,
//! charts and the app's part files all write through [`write_atomically`].

use std::fs;
use std::io::{self, Write};
use std::path::Path;

/// Write `bytes` to `path`: all or nothing. On failure the temporary file is removed and
/// whatever was at `path` before is unchanged.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
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
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("results.json");
        write_atomically(&path, b"old").expect("first write");
        // A directory where the file should be renamed: the rename fails.
        let blocked = dir.path().join("blocked");
        fs::create_dir(blocked.join("")).expect("directory");
        fs::write(blocked.join("x"), b"").expect("file inside");
        assert!(write_atomically(&blocked, b"new").is_err());
        assert_eq!(fs::read(&path).expect("old file"), b"old");
        let stray: Vec<_> = fs::read_dir(dir.path())
            .expect("listing")
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
            .collect();
        assert!(stray.is_empty(), "{stray:?}");
    }
}
