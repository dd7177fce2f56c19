//! `valuecase compare` and `valuecase diff` through the real binary: the shipped pair, a file
//! against itself, the pairing (common random numbers) that makes the paired interval narrow,
//! signs, refusals of scenarios that cannot be compared, and the files written.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn bin() -> Command {
    Command::cargo_bin("valuecase").expect("binary builds")
}

fn shipped(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name)
}

fn without() -> PathBuf {
    shipped("hightech-no-change-programme.toml")
}

fn with() -> PathBuf {
    shipped("hightech-change-programme.toml")
}

/// `valuecase compare FILES ARGS --json --no-charts`: the JSON printed, checked against the
/// comparison.json written.
fn compare_json(files: &[&Path], args: &[&str]) -> Value {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = bin()
        .arg("compare")
        .args(files)
        .args(args)
        .args(["--json", "--no-charts", "--out"])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let written: Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("comparison.json")).expect("comparison.json"),
    )
    .expect("comparison.json parses");
    assert_eq!(printed, written);
    printed
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("{v} is not a number"))
}

/// The shipped pair: with the programme beats without in most trials, the mean gain and its
/// interval are positive, and the interval from paired trials is narrower than the one two
/// runs with different seeds give.
#[test]
fn the_shipped_pair_is_compared_trial_by_trial() {
    let trials = 4000;
    let v = compare_json(
        &[&without(), &with()],
        &["--trials", "4000", "--seed", "11"],
    );
    let scenarios = v["scenarios"].as_array().expect("scenarios");
    assert_eq!(scenarios.len(), 2);
    // Each scenario's summary is its results.json.
    for s in scenarios {
        for key in [
            "npv",
            "prob_npv_positive",
            "payback_months",
            "charts",
            "base_case",
        ] {
            assert!(s.get(key).is_some(), "{key}");
        }
    }
    assert!(scenarios[0]["change_programme"].is_null());
    assert!(scenarios[1]["change_programme"].is_object());
    let p = &v["pairs"][0];
    assert_eq!(p["a"], "High-tech $1B, no change programme");
    assert_eq!(p["b"], "High-tech $1B, with change programme");
    assert!(f(&p["prob_b_beats_a"]) > 0.9, "{}", p["prob_b_beats_a"]);
    assert_eq!(f(&p["prob_equal"]), 0.0);
    let mean = f(&p["npv_diff"]["mean"]);
    let ci = [
        f(&p["npv_diff_mean_ci95"][0]),
        f(&p["npv_diff_mean_ci95"][1]),
    ];
    assert!(
        ci[0] > 0.0 && ci[0] < mean && mean < ci[1],
        "{ci:?} around {mean}"
    );
    // The mean difference is the difference of the means.
    let (ma, mb) = (
        f(&scenarios[0]["npv"]["mean"]),
        f(&scenarios[1]["npv"]["mean"]),
    );
    assert!((mean - (mb - ma)).abs() < 1e-6 * mean);
    // ... and what the programme's own run reports as its gain, trial by trial.
    let gain = f(&scenarios[1]["change_programme"]["npv_gain"]["mean"]);
    assert!((mean - gain).abs() < 1e-6 * mean, "{mean} against {gain}");
    for key in [
        "pv_costs_diff",
        "prob_npv_positive_diff",
        "payback_p50_diff",
        "prob_payback_within_months_diff",
        "npv_diff_mean_ci95_unpaired",
        "pv_costs_diff_mean_ci95",
    ] {
        assert!(p.get(key).is_some(), "{key}");
    }
    assert!(
        f(&p["pv_costs_diff"]["mean"]) > 0.0,
        "the levers cost money"
    );
    assert!(f(&p["prob_npv_positive_diff"]) > 0.0);
    assert!(f(&p["prob_payback_within_months_diff"]["24"]) > 0.0);

    // Two independent runs (different seeds): Welch's interval from their own spreads.
    let run = |file: &Path, seed: &str| -> Value {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = bin()
            .arg("run")
            .arg(file)
            .args([
                "--trials",
                "4000",
                "--seed",
                seed,
                "--json",
                "--no-charts",
                "--out",
            ])
            .arg(dir.path())
            .output()
            .expect("runs");
        assert!(out.status.success());
        serde_json::from_slice(&out.stdout).expect("JSON")
    };
    let (a, b) = (run(&without(), "1"), run(&with(), "2"));
    let se = ((f(&a["npv"]["std"]).powi(2) + f(&b["npv"]["std"]).powi(2)) / trials as f64).sqrt();
    let independent = 2.0 * 1.96 * se;
    let paired = ci[1] - ci[0];
    assert!(
        paired * 1.15 < independent,
        "paired width {paired} is not narrower than independent {independent}"
    );
    // The interval stated for unpaired runs agrees with the one measured from two seeds.
    let unpaired =
        f(&p["npv_diff_mean_ci95_unpaired"][1]) - f(&p["npv_diff_mean_ci95_unpaired"][0]);
    assert!(
        (unpaired / independent - 1.0).abs() < 0.1,
        "{unpaired} vs {independent}"
    );
}

/// Swapping the two scenarios swaps every sign, trial by trial.
#[test]
fn swapping_the_scenarios_swaps_the_signs() {
    let ab = compare_json(&[&without(), &with()], &["--trials", "1500"]);
    let ba = compare_json(&[&with(), &without()], &["--trials", "1500"]);
    let (p, q) = (&ab["pairs"][0], &ba["pairs"][0]);
    assert_eq!(f(&p["npv_diff"]["mean"]), -f(&q["npv_diff"]["mean"]));
    // Percentiles mirror, up to the last bits of their interpolation.
    let (p10, q90) = (f(&p["npv_diff"]["p10"]), -f(&q["npv_diff"]["p90"]));
    assert!((p10 - q90).abs() <= 1e-9 * p10.abs(), "{p10} against {q90}");
    let total = f(&p["prob_b_beats_a"]) + f(&q["prob_b_beats_a"]) + f(&p["prob_equal"]);
    assert!((total - 1.0).abs() < 1e-12, "{total}");
    // --baseline picks the second file: the same as giving it first.
    let picked = compare_json(
        &[&without(), &with()],
        &[
            "--trials",
            "1500",
            "--baseline",
            &with().display().to_string(),
        ],
    );
    assert_eq!(picked["pairs"], ba["pairs"]);
}

/// A file against itself: exactly zero in every trial.
#[test]
fn a_scenario_against_itself_differs_by_exactly_zero() {
    let v = compare_json(&[&with(), &with()], &["--trials", "1000"]);
    let p = &v["pairs"][0];
    assert_eq!(f(&p["prob_equal"]), 1.0);
    assert_eq!(f(&p["prob_b_beats_a"]), 0.0);
    for key in ["mean", "std", "min", "max", "p5", "p50", "p95"] {
        assert_eq!(f(&p["npv_diff"][key]), 0.0, "npv_diff.{key}");
        assert_eq!(f(&p["pv_costs_diff"][key]), 0.0, "pv_costs_diff.{key}");
    }
    assert_eq!(p["npv_diff_mean_ci95"], serde_json::json!([0.0, 0.0]));
    assert_eq!(f(&p["prob_npv_positive_diff"]), 0.0);
}

/// Scenarios that cannot be compared are refused with exit 2, naming the field and both
/// values; so are too few or too many files and a --baseline that is not among them.
#[test]
fn scenarios_that_cannot_be_compared_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(with()).expect("readable");
    let shorter = dir.path().join("shorter.toml");
    std::fs::write(
        &shorter,
        text.replace("horizon_months = 60", "horizon_months = 48"),
    )
    .expect("written");
    let out = bin()
        .arg("compare")
        .arg(with())
        .arg(&shorter)
        .args(["--trials", "10", "--out"])
        .arg(dir.path().join("out"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("horizon_months differs") && err.contains("has 60") && err.contains("has 48"),
        "{err}"
    );
    assert!(!dir.path().join("out").exists(), "nothing written");

    let one = bin().arg("compare").arg(with()).output().expect("runs");
    assert_eq!(one.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&one.stderr).contains("2 to 8 scenarios"));
    let nine: Vec<PathBuf> = (0..9).map(|_| with()).collect();
    let many = bin().arg("compare").args(&nine).output().expect("runs");
    assert_eq!(many.status.code(), Some(2));

    let stray = bin()
        .arg("compare")
        .arg(with())
        .arg(without())
        .args(["--baseline", "elsewhere.toml", "--trials", "10"])
        .output()
        .expect("runs");
    assert_eq!(stray.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&stray.stderr).contains("is not one of the scenarios"));
}

/// compare writes comparison.json, comparison.html and four charts; an output folder holds
/// one command's files: a run into it afterwards leaves none of the comparison's behind (every
/// file compare writes is one the commit owns), and a user's own file stays.
#[test]
fn compare_writes_its_files_and_they_are_owned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    std::fs::create_dir(&out).expect("created");
    std::fs::write(out.join("notes.txt"), "mine").expect("written");
    bin()
        .arg("compare")
        .arg(without())
        .arg(with())
        .args(["--trials", "300", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let mut files: Vec<String> = std::fs::read_dir(&out)
        .expect("listing")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut want = vec!["comparison.html", "comparison.json", "notes.txt"];
    for chart in [
        "compare-cdf",
        "compare-diff",
        "compare-payback",
        "compare-cashflow",
    ] {
        want.push(Box::leak(format!("{chart}.png").into_boxed_str()));
        want.push(Box::leak(format!("{chart}.svg").into_boxed_str()));
    }
    want.sort();
    assert_eq!(files, want);
    let page = std::fs::read_to_string(out.join("comparison.html")).expect("page");
    assert!(page.contains("B beats A in"), "the verdict is on the page");
    assert!(!page.contains("<script") && !page.contains("http"));

    bin()
        .arg("run")
        .arg(with())
        .args(["--trials", "300", "--quiet", "--no-charts", "--out"])
        .arg(&out)
        .assert()
        .success();
    let mut after: Vec<String> = std::fs::read_dir(&out)
        .expect("listing")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    after.sort();
    // A run's own files replace the comparison's (the workbook and monthly.csv come with
    // --no-charts too).
    assert_eq!(
        after,
        ["case.xlsx", "monthly.csv", "notes.txt", "results.json"]
    );
}

/// diff of the shipped pair: the three levers, their shares summing to the total; a file
/// against itself: nothing, zeros.
#[test]
fn diff_attributes_the_pair_to_its_levers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = bin()
        .arg("diff")
        .arg(without())
        .arg(with())
        .args(["--trials", "800", "--json", "--out"])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["method"], "exact");
    assert_eq!(v["trials"], 800);
    let items = v["items"].as_array().expect("items");
    assert_eq!(items.len(), 3);
    for key in ["mean_npv", "p50_npv", "prob_npv_positive"] {
        let sum: f64 = items.iter().map(|i| f(&i[key])).sum();
        let total = f(&v["total"][key]);
        assert!(
            (sum - total).abs() <= 1e-9 * total.abs().max(1.0),
            "{key}: {sum} vs {total}"
        );
    }
    assert!(
        items
            .iter()
            .all(|i| i["item"].as_str().unwrap_or("").starts_with("levers."))
    );
    assert!(dir.path().join("diff.json").exists());
    assert!(dir.path().join("diff-waterfall.png").exists());

    let same = bin()
        .arg("diff")
        .arg(with())
        .arg(with())
        .args(["--trials", "100", "--json", "--no-charts", "--out"])
        .arg(dir.path().join("same"))
        .output()
        .expect("runs");
    assert!(same.status.success());
    let v: Value = serde_json::from_slice(&same.stdout).expect("JSON");
    assert_eq!(v["items"], serde_json::json!([]));
    assert_eq!(
        v["total"],
        serde_json::json!({"mean_npv": 0.0, "p50_npv": 0.0, "prob_npv_positive": 0.0})
    );
}

/// Scenario names with markup stay text in comparison.html and the charts.
#[test]
fn names_with_markup_stay_text_in_the_comparison() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(with()).expect("readable");
    let hostile = dir.path().join("hostile.toml");
    std::fs::write(
        &hostile,
        text.replace(
            "name = \"High-tech $1B, with change programme\"",
            "name = \"<b>Bold</b> & \\\"quoted\\\"\"",
        ),
    )
    .expect("written");
    let out = dir.path().join("out");
    let printed = bin()
        .arg("compare")
        .arg(without())
        .arg(&hostile)
        .args(["--trials", "200", "--out"])
        .arg(&out)
        .output()
        .expect("runs");
    assert!(
        printed.status.success(),
        "{}",
        String::from_utf8_lossy(&printed.stderr)
    );
    let terminal = String::from_utf8_lossy(&printed.stdout);
    assert!(
        !terminal.contains('\u{202e}'),
        "a bidi control reached the terminal"
    );
    let page = std::fs::read_to_string(out.join("comparison.html")).expect("page");
    assert!(
        page.contains("&lt;b&gt;Bold&lt;/b&gt; &amp; &quot;quoted&quot;"),
        "escaped name"
    );
    assert!(!page.contains("<b>Bold"), "raw markup on the page");
    for chart in [
        "compare-cdf",
        "compare-diff",
        "compare-payback",
        "compare-cashflow",
    ] {
        let svg = std::fs::read_to_string(out.join(format!("{chart}.svg"))).expect("svg");
        assert!(!svg.contains("<b>"), "{chart}.svg holds raw markup");
        assert!(
            !svg.contains('\u{202e}'),
            "{chart}.svg holds a bidi control"
        );
    }
}

/// `compare` and `diff` write no workbook or data files (each scenario's are `run`'s): asking
/// for them is a usage error, not a flag silently ignored.
#[test]
fn compare_and_diff_refuse_the_run_only_export_flags() {
    for flags in [["--export", "trials"], ["--no-workbook", "--json"]] {
        for command in ["compare", "diff"] {
            let out = bin()
                .arg(command)
                .arg(without())
                .arg(with())
                .args(flags)
                .assert()
                .code(2);
            let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
            assert!(stderr.contains(flags[0]), "{command} {flags:?}: {stderr}");
        }
    }
}
