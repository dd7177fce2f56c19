//! Sharded runs through the real binary: three `run --trials-range` parts computed at the same
//! time, merged, give the results.json of one run over all the trials; merge refuses parts
//! that do not make up one run.

use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};

use assert_cmd::Command;
use serde_json::Value;

fn scenario() -> PathBuf {
    // The reference scenario uses every driver and risks.
    shipped("hightech-1b.toml")
}

fn shipped(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name)
}

fn results(dir: &Path) -> Value {
    let mut v: Value = serde_json::from_slice(
        &std::fs::read(dir.join("results.json")).expect("results.json written"),
    )
    .expect("results.json parses");
    v.as_object_mut().expect("object").remove("elapsed_seconds");
    v
}

fn parts_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("parts directory")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "vcpart"))
        .collect();
    v.sort();
    v
}

#[test]
fn three_parallel_shards_merge_into_the_single_run() {
    shards_merge_into_the_single_run(&scenario());
}

/// With levers the table holds each trial without them too, and the lever shares are
/// evaluated again from the merged run's first trials: the same change programme.
#[test]
fn shards_of_a_run_with_levers_merge_into_the_single_run() {
    shards_merge_into_the_single_run(&shipped("hightech-change-programme.toml"));
}

fn shards_merge_into_the_single_run(scenario: &Path) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let single = tmp.path().join("single");
    let parts = tmp.path().join("parts");
    let merged = tmp.path().join("merged");

    Command::cargo_bin("valuecase")
        .expect("binary")
        .arg("run")
        .arg(scenario)
        .args(["--trials", "5000", "--seed", "9", "--quiet", "--no-charts"])
        .arg("--out")
        .arg(&single)
        .assert()
        .success();

    // Three shards at once, as background processes, with different thread counts.
    let bin = assert_cmd::cargo::cargo_bin("valuecase");
    let children: Vec<_> = [("0..1700", "1"), ("1700..3100", "2"), ("3100..5000", "3")]
        .into_iter()
        .map(|(range, threads)| {
            Process::new(&bin)
                .arg("run")
                .arg(scenario)
                .args(["--trials-range", range, "--seed", "9", "--quiet", "--out"])
                .arg(&parts)
                .args(["--threads", threads])
                .stdout(Stdio::null())
                .spawn()
                .expect("shard starts")
        })
        .collect();
    for mut child in children {
        assert!(child.wait().expect("shard ends").success(), "shard failed");
    }
    let files = parts_in(&parts);
    assert_eq!(files.len(), 3, "{files:?}");

    // Parts in any order.
    Command::cargo_bin("valuecase")
        .expect("binary")
        .arg("merge")
        .args(files.iter().rev())
        .args(["--quiet", "--no-charts", "--threads", "2", "--out"])
        .arg(&merged)
        .assert()
        .success();

    let (a, b) = (results(&single), results(&merged));
    assert_eq!(a["trials"], 5000);
    assert_eq!(a, b, "merged parts equal the single run");
    let levers = scenario.ends_with("hightech-change-programme.toml");
    assert_eq!(a["change_programme"].is_object(), levers);
}

#[test]
fn merge_refuses_parts_of_different_runs() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let run = |range: &str, seed: &str, dir: &str| {
        Command::cargo_bin("valuecase")
            .expect("binary")
            .arg("run")
            .arg(scenario())
            .args(["--trials-range", range, "--seed", seed, "--quiet", "--out"])
            .arg(tmp.path().join(dir))
            .assert()
            .success();
        parts_in(&tmp.path().join(dir)).remove(0)
    };
    let a = run("0..300", "1", "a");
    let b = run("300..600", "1", "b");
    let gap = run("400..600", "1", "gap");
    let overlap = run("200..600", "1", "overlap");
    let other_seed = run("300..600", "2", "seed");
    let late = run("100..300", "1", "late");

    let merge = |files: &[&PathBuf]| {
        Command::cargo_bin("valuecase")
            .expect("binary")
            .arg("merge")
            .args(files)
            .args(["--no-charts", "--out"])
            .arg(tmp.path().join("out"))
            .assert()
    };
    merge(&[&a, &b]).success();
    merge(&[&a, &gap]).code(2).stderr(predicates::str::contains(
        "gap: no part covers trials 300..400",
    ));
    merge(&[&a, &overlap])
        .code(2)
        .stderr(predicates::str::contains("overlap: trials 200..300"));
    merge(&[&a, &other_seed])
        .code(2)
        .stderr(predicates::str::contains("seed"));
    merge(&[&late, &b])
        .code(2)
        .stderr(predicates::str::contains("starting at trial 0 is missing"));

    // Another scenario's part.
    let other = tmp.path().join("other");
    Command::cargo_bin("valuecase")
        .expect("binary")
        .arg("run")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/midmarket-50m.toml"))
        .args([
            "--trials-range",
            "300..600",
            "--seed",
            "1",
            "--quiet",
            "--out",
        ])
        .arg(&other)
        .assert()
        .success();
    merge(&[&a, &parts_in(&other)[0]])
        .code(2)
        .stderr(predicates::str::contains("different scenarios"));

    // Not a part file.
    let junk = tmp.path().join("junk.vcpart");
    std::fs::write(&junk, b"hello").expect("write");
    merge(&[&junk])
        .code(2)
        .stderr(predicates::str::contains("not a valuecase part file"));

    // A part damaged in transit: one flipped bit in its rows. Refused, naming the file.
    let damaged = tmp.path().join("damaged.vcpart");
    let mut bytes = std::fs::read(&b).expect("part");
    let at = bytes.len() - 100;
    bytes[at] ^= 0x01;
    std::fs::write(&damaged, bytes).expect("write");
    merge(&[&a, &damaged])
        .code(2)
        .stderr(predicates::str::contains("damaged.vcpart"))
        .stderr(predicates::str::contains("checksum mismatch"));
}
