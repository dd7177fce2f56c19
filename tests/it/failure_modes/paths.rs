//! The scenario path: a directory, a missing file, an unreadable one, one too large to read.

use std::fs;

use super::{GOOD, assert_refused, bin, write_good};

#[test]
fn a_directory_as_the_scenario() {
    let dir = tempfile::tempdir().unwrap();
    for cmd in ["validate", "run", "cashflow"] {
        let out = bin()
            .arg(cmd)
            .arg(dir.path())
            .args(if cmd == "run" {
                vec!["--out", "unused"]
            } else {
                vec![]
            })
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_refused(&out, &["this is a directory, not a scenario file"]);
    }
}

#[test]
fn a_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    for cmd in ["validate", "run", "cashflow"] {
        let out = bin()
            .args([cmd, "no-such-case.toml"])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_refused(
            &out,
            &[
                "error: file not found",
                "--> no-such-case.toml",
                "valuecase init FILE",
            ],
        );
        assert!(
            !dir.path().join("output").exists(),
            "{cmd} created output for a missing file"
        );
    }
}

#[test]
fn an_unreadable_file() {
    let dir = tempfile::tempdir().unwrap();
    let good = write_good(dir.path());
    // A path that runs through a regular file cannot be opened, even by root.
    let through_file = good.join("case.toml");
    let out = bin().arg("validate").arg(&through_file).output().unwrap();
    assert_refused(&out, &["cannot read the file"]);

    // Permission bits: only meaningful when not running as root (root reads anything).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let locked = dir.path().join("locked.toml");
        fs::write(&locked, GOOD).unwrap();
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
        if fs::read(&locked).is_err() {
            let out = bin().arg("validate").arg(&locked).output().unwrap();
            assert_refused(&out, &["locked.toml", "permission denied"]);
        }
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o644)).unwrap();
    }
}

#[test]
fn a_50_mib_file_is_refused_without_reading_it_all() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.toml");
    // A valid scenario padded with comments to 50 MiB.
    let mut text = String::from(GOOD);
    let line = "# padding padding padding padding padding padding padding padding padding\n";
    let target = 50 * 1024 * 1024;
    text.reserve(target);
    while text.len() < target {
        text.push_str(line);
    }
    fs::write(&big, &text).unwrap();
    drop(text);
    for cmd in ["validate", "run", "cashflow"] {
        let out = bin()
            .arg(cmd)
            .arg(&big)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_refused(&out, &["big.toml", "scenario files are limited to 10 MiB"]);
    }
    assert!(!dir.path().join("output").exists());
}
