//! Command-line values: clear messages for bad flags, and a run too large for the memory limit
//! refused before any work.

use super::{assert_refused, bin, stderr, write_good};

#[test]
fn bad_flag_values_get_clear_messages() {
    let dir = tempfile::tempdir().unwrap();
    let good = write_good(dir.path());
    let cases: [(&[&str], &[&str]); 11] = [
        (
            &["--trials", "0"],
            &["'--trials <TRIALS>'", "at least 1 trial"],
        ),
        (&["--trials", "-1"], &["at least 1 trial, found -1"]),
        (
            &["--trials", "1e12"],
            &["1e12 (1000000000000) trials is above the maximum of 100000000"],
        ),
        (&["--trials", "2.5"], &["2.5 is not a whole number"]),
        (&["--trials", "many"], &["`many` is not a whole number"]),
        (
            &["--seed", "abc"],
            &[
                "'--seed <SEED>'",
                "`abc` is not a whole number",
                "--seed 42",
            ],
        ),
        (&["--seed", "-3"], &["-3 is out of range"]),
        (
            &["--memory-limit-mib", "1"],
            &["'--memory-limit-mib <MEMORY_LIMIT_MIB>'"],
        ),
        (
            &["--threads", "0"],
            &[
                "'--threads <N>'",
                "0 threads is out of range",
                "give 1 to 1024 threads",
            ],
        ),
        (&["-j", "80000"], &["80000 threads is out of range"]),
        (&["--threads", "two"], &["`two` is not a whole number"]),
    ];
    for (args, needles) in cases {
        let out = bin()
            .arg("run")
            .arg(&good)
            .args(args)
            .args(["--out", "out"])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_refused(&out, needles);
        assert!(!dir.path().join("out").exists(), "{args:?} wrote output");
    }
    // Whole numbers may be written as people write them.
    for trials in ["1e3", "1_000", "1000"] {
        bin()
            .arg("run")
            .arg(&good)
            .args(["--trials", trials, "--quiet", "--no-charts", "--out", "ok"])
            .current_dir(dir.path())
            .assert()
            .success();
    }
}

#[test]
fn a_run_too_large_for_the_memory_limit_is_refused_up_front() {
    let dir = tempfile::tempdir().unwrap();
    let out = bin()
        .args(["run", "--trials", "100000000", "--memory-limit-mib", "64"])
        .args(["--out", "out"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_refused(
        &out,
        &[
            "100000000 trials",
            "MiB, above the memory limit of 64 MiB",
            "--trials",
            "--memory-limit-mib",
        ],
    );
    // It says how much it needs.
    let err = stderr(&out);
    let need: u64 = err
        .split("need about ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no figure in {err}"));
    assert!(need > 64, "{err}");
    assert!(
        !dir.path().join("out").exists(),
        "refused before touching the output"
    );
}
