//! The real binary, run as a user would: every shipped scenario, the JSON contract,
//! reproducibility across thread counts, and cash flows that reproduce the NPV by hand.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn bin() -> Command {
    Command::cargo_bin("valuecase").expect("binary builds")
}

fn shipped_scenarios() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios"))
            .expect("scenarios/ exists")
            .map(|e| e.expect("readable entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
    v.sort();
    assert!(v.len() >= 5, "expected the shipped scenarios, found {v:?}");
    v
}

/// `valuecase run ARGS --json --no-charts`: its JSON on stdout, checked against results.json.
fn run_json(args: &[&str], threads: Option<&str>) -> Value {
    run_json_drawing(args, threads, false)
}

/// [`run_json`], drawing the board pack too when `charts` is set.
fn run_json_drawing(args: &[&str], threads: Option<&str>, charts: bool) -> Value {
    let out_dir = tempfile::tempdir().expect("tempdir");
    let mut cmd = bin();
    cmd.arg("run")
        .args(args)
        .args(if charts { None } else { Some("--no-charts") })
        .arg("--json")
        .arg("--out")
        .arg(out_dir.path());
    if let Some(t) = threads {
        cmd.env("RAYON_NUM_THREADS", t);
    }
    let out = cmd.assert().success().get_output().stdout.clone();
    let v: Value = serde_json::from_slice(&out).expect("stdout is only JSON");
    let file: Value = serde_json::from_slice(
        &std::fs::read(out_dir.path().join("results.json")).expect("results.json written"),
    )
    .expect("results.json parses");
    assert_eq!(
        strip_elapsed(v.clone()),
        strip_elapsed(file),
        "stdout JSON and results.json agree"
    );
    v
}

fn strip_elapsed(mut v: Value) -> Value {
    v.as_object_mut().expect("object").remove("elapsed_seconds");
    v
}

#[test]
fn every_shipped_scenario_validates() {
    let mut cmd = bin();
    cmd.arg("validate").args(shipped_scenarios());
    cmd.assert().success();
}

/// With the board pack: a run of every shipped scenario is also every chart drawn from it.
#[test]
fn every_shipped_scenario_runs() {
    for s in shipped_scenarios() {
        let v = run_json_drawing(
            &[s.to_str().expect("utf-8 path"), "--trials", "2000"],
            None,
            true,
        );
        assert_eq!(v["trials"], 2000, "{s:?}");
        assert!(v["npv"]["p50"].is_number(), "{s:?}");
    }
}

#[test]
fn json_has_every_key_of_the_contract() {
    let v = run_json(&["--trials", "3000", "--seed", "7"], None);
    for key in [
        "valuecase_version",
        "scenario",
        "trials",
        "seed",
        "horizon_months",
        "currency",
        "discount_rate_annual",
        "base_case",
        "npv",
        "roi",
        "pv_benefits",
        "pv_costs",
        "irr_annual",
        "payback_months",
        "discounted_payback_months",
        "prob_npv_positive",
        "prob_payback_within_months",
        "capabilities",
        "elapsed_seconds",
    ] {
        assert!(v.get(key).is_some(), "missing key {key}");
    }
    assert_eq!(v["seed"], 7);
    assert!(
        v["scenario"]["file"].is_null(),
        "built-in scenario has no file"
    );
    assert_eq!(v["scenario"]["sha256"].as_str().map(str::len), Some(64));
    for key in [
        "npv",
        "roi",
        "irr_annual",
        "payback_months",
        "discounted_payback_months",
        "pv_benefits",
        "pv_costs",
    ] {
        assert!(v["base_case"].get(key).is_some(), "base_case.{key}");
    }
    let stats = [
        "mean", "std", "stderr", "min", "p5", "p10", "p25", "p50", "p75", "p90", "p95", "max",
    ];
    for block in [
        "npv",
        "roi",
        "pv_benefits",
        "pv_costs",
        "irr_annual",
        "payback_months",
    ] {
        for k in stats {
            assert!(v[block].get(k).is_some(), "{block}.{k}");
        }
    }
    assert!(v["irr_annual"]["undefined_fraction"].is_number());
    assert!(v["payback_months"]["never_fraction"].is_number());
    assert!(v["discounted_payback_months"]["never_fraction"].is_number());
    let within = v["prob_payback_within_months"].as_object().expect("map");
    let horizon = v["horizon_months"].as_u64().expect("horizon");
    let keys: Vec<u64> = within
        .keys()
        .map(|k| k.parse().expect("month key"))
        .collect();
    let expected: Vec<u64> = (1..=horizon / 12).map(|y| y * 12).collect();
    assert_eq!(keys, expected);
    let caps = v["capabilities"].as_array().expect("array");
    assert!(!caps.is_empty());
    for c in caps {
        assert!(c["name"].is_string() && c["group"].is_string());
        for k in stats {
            assert!(c["npv_contribution"].get(k).is_some());
        }
    }
}

#[test]
fn same_seed_same_results_for_any_thread_count() {
    let a = strip_elapsed(run_json(&["--trials", "5000", "--seed", "11"], None));
    let b = strip_elapsed(run_json(&["--trials", "5000", "--seed", "11"], None));
    let one = strip_elapsed(run_json(&["--trials", "5000", "--seed", "11"], Some("1")));
    let three = strip_elapsed(run_json(&["--trials", "5000", "--seed", "11"], Some("3")));
    assert_eq!(a, b, "run to run");
    assert_eq!(a, one, "default threads vs RAYON_NUM_THREADS=1");
    assert_eq!(a, three, "default threads vs 3 threads");
    let flag_one = strip_elapsed(run_json(
        &["--trials", "5000", "--seed", "11", "--threads", "1"],
        None,
    ));
    let flag_three = strip_elapsed(run_json(
        &["--trials", "5000", "--seed", "11", "-j", "3"],
        Some("1"),
    ));
    assert_eq!(a, flag_one, "default threads vs --threads 1");
    assert_eq!(
        a, flag_three,
        "default threads vs -j 3 (over RAYON_NUM_THREADS=1)"
    );
    let other = strip_elapsed(run_json(&["--trials", "5000", "--seed", "12"], None));
    assert_ne!(a["npv"], other["npv"], "a different seed changes the draws");
}

#[test]
fn npv_from_cashflow_csv_equals_base_case_npv() {
    for s in shipped_scenarios() {
        let csv_out = bin()
            .args(["cashflow", "--csv"])
            .arg(&s)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let mut rdr = csv::Reader::from_reader(csv_out.as_slice());
        let headers = rdr.headers().expect("header").clone();
        for name in [
            "month",
            "benefits",
            "costs",
            "net",
            "cumulative_net",
            "discount_factor",
            "discounted_net",
            "cumulative_discounted_net",
        ] {
            assert!(headers.iter().any(|h| h == name), "column {name} in {s:?}");
        }
        let idx = |n: &str| headers.iter().position(|h| h == n).expect("column");
        let (net, df) = (idx("net"), idx("discount_factor"));
        let annual: f64 = {
            let v = run_json(&[s.to_str().expect("utf-8"), "--trials", "1"], None);
            v["discount_rate_annual"].as_f64().expect("rate")
        };
        let monthly = (1.0 + annual).powf(1.0 / 12.0) - 1.0;
        let mut npv = 0.0;
        for (t, rec) in rdr.records().enumerate() {
            let rec = rec.expect("row");
            let f: f64 = rec[net].parse().expect("number");
            let d: f64 = rec[df].parse().expect("number");
            assert!((d - (1.0 + monthly).powi(-(t as i32))).abs() < 1e-12);
            npv += f / (1.0 + monthly).powi(t as i32);
        }
        let v = run_json(&[s.to_str().expect("utf-8"), "--trials", "1"], None);
        let base = v["base_case"]["npv"].as_f64().expect("npv");
        assert!(
            (npv - base).abs() <= 1e-6 * base.abs().max(1.0),
            "{s:?}: recomputed {npv} vs base_case.npv {base}"
        );
    }
}

/// What `valuecase run ARGS --out OUT` prints on stdout (the run must succeed).
fn run_printed(args: &[&str], out: &std::path::Path) -> String {
    let stdout = bin()
        .arg("run")
        .args(args)
        .arg("--out")
        .arg(out)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(stdout).expect("utf-8")
}

#[test]
fn human_summary_has_table_and_sentence() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = run_printed(&["--trials", "2000"], dir.path());
    // Counts written as the report and the charts write them.
    assert!(
        text.contains("\n2,000 trials, seed 42, 60 months at 10.0% a year\n"),
        "{text}"
    );
    assert!(text.contains("P(NPV > 0) = "), "{text}");
    assert!(text.contains("90% of outcomes between "), "{text}");
    assert!(text.contains("median payback"), "{text}");
    assert!(text.contains("NPV") && text.contains("Payback"), "{text}");
    assert!(dir.path().join("results.json").exists());
    assert!(text.contains(" files to "), "{text}");
    assert!(text.contains("report.html for the board pack)"), "{text}");
}

#[test]
fn a_single_file_written_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = run_printed(
        &[
            "--trials",
            "500",
            "--no-charts",
            "--no-workbook",
            "--export",
            "none",
        ],
        dir.path(),
    );
    let json = dir.path().join("results.json");
    assert!(
        text.ends_with(&format!("wrote {}\n", json.display())),
        "{text}"
    );
    assert!(!text.contains("1 files"), "{text}");
}

#[test]
fn init_writes_a_valid_starter() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("my-case.toml");
    bin().arg("init").arg(&file).assert().success();
    bin().arg("validate").arg(&file).assert().success();
    // Refuses to overwrite.
    bin().arg("init").arg(&file).assert().code(2);
}

/// A reader that closes the pipe early (`valuecase cashflow … | head -1`) ends the command
/// quietly with exit code 0, as `grep` and ripgrep do, instead of an error about stdout.
#[test]
fn a_closed_pipe_on_stdout_ends_quietly() {
    use std::process::{Command as Process, Stdio};
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/hightech-1b.toml");
    let mut child = Process::new(assert_cmd::cargo::cargo_bin("valuecase"))
        .args(["cashflow", "--csv"])
        .arg(&scenario)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    // Close the reading end before the command writes anything.
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("the binary ends");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
