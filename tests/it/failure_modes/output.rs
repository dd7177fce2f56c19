//! Output that cannot be written (a full disk, a failed rename, a path through a file) leaves
//! the previous results and no temporary file; names cannot steer output elsewhere.

use std::fs;
use std::path::Path;
use std::process::{Command as StdCommand, Stdio};

use serde_json::Value;

use super::{GOOD, assert_refused, bin, bin_path, stderr, stray_temp_files, write_good};

#[test]
fn an_output_directory_that_cannot_be_created() {
    let dir = tempfile::tempdir().unwrap();
    let good = write_good(dir.path());
    // Its parent is a regular file.
    let out = bin()
        .arg("run")
        .arg(&good)
        .arg("--out")
        .arg(good.join("results"))
        .output()
        .unwrap();
    assert_refused(&out, &["cannot create output directory"]);
}

/// A writable handle on /dev/full, where every write fails with "no space left on device".
fn dev_full() -> Option<fs::File> {
    fs::OpenOptions::new().write(true).open("/dev/full").ok()
}

#[test]
fn a_full_disk_on_standard_output() {
    let Some(_) = dev_full() else {
        eprintln!("no /dev/full here: skipped");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let good = write_good(dir.path());
    let good = good.to_str().unwrap();
    let runs: [&[&str]; 6] = [
        &["cashflow", good],
        &["cashflow", good, "--csv"],
        &[
            "run",
            good,
            "--json",
            "--trials",
            "50",
            "--no-charts",
            "--out",
            "o1",
        ],
        &["run", good, "--trials", "50", "--no-charts", "--out", "o2"],
        &["validate", good],
        &["init", "starter.toml"],
    ];
    for args in runs {
        let out = StdCommand::new(bin_path())
            .args(args)
            .current_dir(dir.path())
            .stdout(dev_full().unwrap())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let err = stderr(&out);
        assert!(!err.contains("panicked"), "{args:?} panicked:\n{err}");
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("cannot write to standard output") && err.contains("No space left"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn a_full_disk_in_the_output_directory_keeps_the_previous_results() {
    if !Path::new("/bin/bash").exists() {
        eprintln!("no bash: skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let good = write_good(dir.path());
    let out_dir = dir.path().join("out");
    fs::create_dir(&out_dir).unwrap();
    let previous = "{\"previous\": \"a good result from last week\"}\n";
    fs::write(out_dir.join("results.json"), previous).unwrap();

    // A file-size limit of 1 KiB makes every larger write fail with EFBIG after the output
    // directory probe has passed, as a disk that fills up during the run would. SIGXFSZ is
    // ignored so the write fails instead of killing the process.
    let out = StdCommand::new("/bin/bash")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 1; exec \"$0\" \"$@\"")
        .arg(bin_path())
        .arg("run")
        .arg(&good)
        .args(["--trials", "200", "--quiet", "--out"])
        .arg(&out_dir)
        .output()
        .unwrap();
    assert_refused(&out, &["cannot write", "results.json"]);
    assert_eq!(
        fs::read_to_string(out_dir.join("results.json")).unwrap(),
        previous,
        "the previous results.json must survive a failed run"
    );
    assert_eq!(stray_temp_files(&out_dir), Vec::<String>::new());
}

#[test]
fn a_failed_rename_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let good = write_good(dir.path());
    let out_dir = dir.path().join("out");
    // results.json is a non-empty directory: the final rename fails after the file was written.
    fs::create_dir_all(out_dir.join("results.json").join("keep")).unwrap();
    let out = bin()
        .arg("run")
        .arg(&good)
        .args(["--trials", "100", "--quiet", "--out"])
        .arg(&out_dir)
        .output()
        .unwrap();
    assert_refused(&out, &["cannot write", "results.json"]);
    assert!(out_dir.join("results.json").join("keep").is_dir());
    assert_eq!(stray_temp_files(&out_dir), Vec::<String>::new());
}

#[test]
fn a_scenario_error_leaves_the_previous_results_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    fs::write(&bad, GOOD.replace("seats = 40", "seats = -40")).unwrap();
    let out_dir = dir.path().join("out");
    fs::create_dir(&out_dir).unwrap();
    let previous = "{\"previous\": true}\n";
    fs::write(out_dir.join("results.json"), previous).unwrap();
    let out = bin()
        .arg("run")
        .arg(&bad)
        .arg("--out")
        .arg(&out_dir)
        .output()
        .unwrap();
    assert_refused(
        &out,
        &[
            "error: user_groups.\"Sales\".seats: -40 is out of range",
            "bad.toml:13:9",
        ],
    );
    assert_eq!(
        fs::read_to_string(out_dir.join("results.json")).unwrap(),
        previous
    );
    let names: Vec<_> = fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

#[test]
fn a_successful_run_replaces_results_and_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let good = write_good(dir.path());
    let out_dir = dir.path().join("out");
    fs::create_dir(&out_dir).unwrap();
    fs::write(out_dir.join("results.json"), "old").unwrap();
    bin()
        .arg("run")
        .arg(&good)
        .args(["--trials", "100", "--quiet", "--out"])
        .arg(&out_dir)
        .assert()
        .success();
    let v: Value =
        serde_json::from_slice(&fs::read(out_dir.join("results.json")).unwrap()).unwrap();
    assert_eq!(v["trials"], 100);
    assert_eq!(stray_temp_files(&out_dir), Vec::<String>::new());
}

#[test]
fn scenario_file_names_cannot_steer_output_outside_the_output_directory() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    fs::create_dir(&work).unwrap();
    // File names whose stems are `.` or `..`-like, and a scenario *name* that is a path.
    let text = GOOD.replace("name = \"Failure modes\"", "name = \"../../etc\"");
    for file in ["..toml", "...toml", "..%2F..%2Fetc.toml", "_.toml"] {
        fs::write(work.join(file), &text).unwrap();
        bin()
            .args(["run", file, "--trials", "20", "--quiet"])
            .current_dir(&work)
            .assert()
            .success();
    }
    // Everything written is under work/output/<slug>/, one folder per file.
    let mut top: Vec<String> = fs::read_dir(&work)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    top.sort();
    assert_eq!(
        top,
        [
            "..%2F..%2Fetc.toml",
            "...toml",
            "..toml",
            "_.toml",
            "output"
        ]
    );
    let outside: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        outside.len(),
        1,
        "written next to the work folder: {outside:?}"
    );
    for entry in fs::read_dir(work.join("output")).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        assert!(
            name.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_'),
            "unsafe folder name {name:?}"
        );
        assert!(entry.path().join("results.json").is_file(), "{name}");
    }
}
