//! A run's output folder, written all or nothing.
//!
//! Every file of a run (results.json, the charts, the board pack, the exports) is written into
//! a staging folder inside the output folder first. Only when every file is complete is the set
//! committed, by renames alone: each file is renamed into place, and the outputs of an earlier
//! run that this run does not write (charts after `--no-charts`, say) are removed, so the
//! folder never shows a board pack that is half new and half old.
//!
//! Why this design rather than swapping whole folders: an output folder may hold files that are
//! not ours (part files that `merge` reads, a user's notes, `--out .`), and swapping the folder
//! would take them away. Every failure that can happen while data is written — a full disk, a
//! font that cannot be read, an encoder error — happens before the output folder is touched;
//! the commit only renames within one file system, which needs no space. On failure the
//! staging folder is removed, and so is the output folder if this run created it.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::AppError;
use crate::export::ExportError;
use crate::report::charts::ChartError;

/// Files a command may write, by name or name pattern (`*` stands for any chart name): the set
/// the commit replaces. An output folder holds the outputs of one command (`run`, `compare` or
/// `diff`): the others' files there are stale and go too. Anything else in the output folder
/// is left alone.
pub(super) const OWNED: [&str; 11] = [
    "results.json",
    "monthly.csv",
    "trials.csv",
    "case.xlsx",
    "report.html",
    "comparison.json",
    "comparison.html",
    "diff.json",
    "sips.json",
    "*.png",
    "*.svg",
];

/// Whether `name` is one of the files a run writes (see [`OWNED`]): only these are replaced
/// or removed on commit.
pub(super) fn owned(name: &str, charts: &[&str]) -> bool {
    OWNED.iter().any(|pattern| match pattern.strip_prefix('*') {
        Some(ext) => name
            .strip_suffix(ext)
            .is_some_and(|stem| charts.contains(&stem)),
        None => name == *pattern,
    })
}

/// An output folder being written: write into [`OutputSet::staging`], then
/// [`OutputSet::commit`]. Dropped without a commit, it leaves the output folder as it was.
#[derive(Debug)]
pub struct OutputSet {
    target: PathBuf,
    staging: PathBuf,
    /// The output folder did not exist before this run.
    created: bool,
    committed: bool,
}

impl OutputSet {
    /// Prepare to write into `target` (created if missing), checking it can be written before
    /// any time is spent on a run.
    pub fn new(target: &Path) -> Result<OutputSet, AppError> {
        let created = !target.exists();
        fs::create_dir_all(target)
            .map_err(|e| AppError::io("create output directory", target, e))?;
        let staging = target.join(format!(".valuecase-staging-{}", std::process::id()));
        let _ = fs::remove_dir_all(&staging);
        let set = OutputSet {
            target: target.to_path_buf(),
            staging: staging.clone(),
            created,
            committed: false,
        };
        fs::create_dir(&staging)
            .map_err(|e| AppError::io("write into output directory", target, e))?;
        Ok(set)
    }

    /// Where the files of this run are written until the commit.
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    /// The output folder.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// `error` with the paths it names inside the staging folder shown where the file was
    /// going: the user knows the output folder, not the staging folder.
    pub fn as_user_sees_it(&self, error: AppError) -> AppError {
        let shown = |path: PathBuf| match path.strip_prefix(&self.staging) {
            Ok(rest) => self.target.join(rest),
            Err(_) => path,
        };
        match error {
            AppError::Io {
                action,
                path,
                source,
            } => AppError::Io {
                action,
                path: shown(path),
                source,
            },
            AppError::Chart(ChartError::Io { path, source }) => AppError::Chart(ChartError::Io {
                path: shown(path),
                source,
            }),
            AppError::Export(ExportError::Io { path, source }) => {
                AppError::Export(ExportError::Io {
                    path: shown(path),
                    source,
                })
            }
            other => other,
        }
    }

    /// Put every staged file in place and remove the earlier run's outputs this run did not
    /// write. `charts` are the chart names a run may write (their PNG and SVG files are ours).
    /// Returns the files now in place, as paths inside the output folder, in staging order.
    pub fn commit(
        mut self,
        written: &[PathBuf],
        charts: &[&str],
    ) -> Result<Vec<PathBuf>, AppError> {
        let names: Vec<&std::ffi::OsStr> = written.iter().filter_map(|p| p.file_name()).collect();
        let final_paths: Vec<PathBuf> = names.iter().map(|n| self.target.join(n)).collect();
        let io = |action, path: &Path, e| AppError::io(action, path, e);

        // Earlier outputs this run does not replace: stale once the new set is in place.
        let stale: Vec<PathBuf> = fs::read_dir(&self.target)
            .map_err(|e| io("read output directory", &self.target, e))?
            .filter_map(|e| e.ok())
            .filter(|e| {
                let name = e.file_name();
                let name = name.to_string_lossy();
                owned(&name, charts) && !names.iter().any(|n| *n == e.file_name().as_os_str())
            })
            .map(|e| e.path())
            .collect();
        // A directory where a file should go would stop the renames half way: refuse first.
        if let Some(blocked) = final_paths.iter().find(|p| p.is_dir()) {
            let e = std::io::Error::from(std::io::ErrorKind::IsADirectory);
            return Err(io("write", blocked, e));
        }
        for (name, to) in names.iter().zip(&final_paths) {
            let from = self.staging.join(name);
            fs::rename(&from, to).map_err(|e| io("move into place", to, e))?;
        }
        for path in stale {
            fs::remove_file(&path).map_err(|e| io("remove the earlier", &path, e))?;
        }
        self.committed = true;
        let _ = fs::remove_dir(&self.staging);
        Ok(final_paths)
    }
}

impl Drop for OutputSet {
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        let _ = fs::remove_dir_all(&self.staging);
        if self.created {
            // Only if still empty: never remove anything else.
            let _ = fs::remove_dir(&self.target);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHARTS: [&str; 2] = ["npv-cdf", "adoption"];

    fn files(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .expect("listing")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    fn stage(set: &OutputSet, name: &str, text: &str) -> PathBuf {
        let p = set.staging().join(name);
        fs::write(&p, text).expect("staged file");
        p
    }

    #[test]
    fn only_our_files_are_ours() {
        assert!(owned("results.json", &CHARTS));
        assert!(owned("npv-cdf.png", &CHARTS) && owned("adoption.svg", &CHARTS));
        assert!(!owned("holiday.png", &CHARTS));
        assert!(!owned("part-000000000-000001000.vcpart", &CHARTS));
        assert!(!owned("notes.txt", &CHARTS));
    }

    #[test]
    fn a_commit_replaces_our_files_removes_stale_ones_and_keeps_the_rest() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let out = dir.path().join("out");
        fs::create_dir(&out).expect("out");
        for (name, text) in [
            ("results.json", "old"),
            ("npv-cdf.png", "old chart"),
            ("notes.txt", "mine"),
        ] {
            fs::write(out.join(name), text).expect("old file");
        }
        let set = OutputSet::new(&out).expect("output set");
        let written = vec![stage(&set, "results.json", "new")];
        let placed = set.commit(&written, &CHARTS).expect("commit");
        assert_eq!(placed, vec![out.join("results.json")]);
        assert_eq!(files(&out), ["notes.txt", "results.json"]);
        assert_eq!(fs::read_to_string(out.join("results.json")).unwrap(), "new");
    }

    #[test]
    fn without_a_commit_nothing_changes_and_a_new_folder_goes_away() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let out = dir.path().join("out");
        fs::create_dir(&out).expect("out");
        fs::write(out.join("results.json"), "old").expect("old file");
        {
            let set = OutputSet::new(&out).expect("output set");
            stage(&set, "results.json", "new");
        }
        assert_eq!(files(&out), ["results.json"]);
        assert_eq!(fs::read_to_string(out.join("results.json")).unwrap(), "old");

        let fresh = dir.path().join("fresh");
        {
            let set = OutputSet::new(&fresh).expect("output set");
            stage(&set, "results.json", "new");
        }
        assert!(!fresh.exists(), "a folder made for a failed run is removed");
    }
}
