//! How valuecase fails, and how it does not: the command line and the file system around a
//! scenario (missing, unreadable, oversized files; output that cannot be written; a full disk;
//! bad flag values; a run too large for memory), the guarantee that a failed run leaves no
//! partial output, numeric robustness on degenerate but valid scenarios, and a structured fuzz
//! of random well-formed scenarios.
//!
//! Every failure must exit with 2 (bad input: the scenario, a flag, a path, the disk) or 1
//! (internal), never 101 (a panic), and say what went wrong.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Output, Stdio};

use assert_cmd::Command;
use serde_json::Value;

fn bin() -> Command {
    Command::cargo_bin("valuecase").expect("binary builds")
}

fn bin_path() -> PathBuf {
    assert_cmd::cargo::cargo_bin("valuecase")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Exit code 2 and every `needles` in stderr; never a panic.
#[track_caller]
fn assert_refused(out: &Output, needles: &[&str]) {
    let err = stderr(out);
    assert!(
        !err.contains("panicked"),
        "panicked (exit {:?}):\n{err}",
        out.status.code()
    );
    assert_eq!(out.status.code(), Some(2), "exit code; stderr:\n{err}");
    for n in needles {
        assert!(err.contains(n), "stderr lacks {n:?}:\n{err}");
    }
}

/// A small valid scenario: one group, one capability, a monthly and a per-seat cost.
const GOOD: &str = r#"[scenario]
name = "Failure modes"
currency = "EUR"
horizon_months = 36
discount_rate = 0.08

[baseline]
new_business_revenue = 5_000_000
gross_margin = 0.4

[[user_groups]]
name = "Sales"
seats = 40
go_live_month = 2
[user_groups.adoption]
curve = "logistic"
ceiling = { pert = [0.5, 0.8, 0.95] }
growth = 0.6
midpoint = 4

[[capabilities]]
name = "Opportunities"
driver = "win_rate"
uplift = { pert = [0.01, 0.05, 0.12] }

[[costs]]
name = "Licences"
category = "licence"
kind = "per_seat_monthly"
amount = 120

[[costs]]
name = "Partner"
category = "implementation"
kind = "one_off"
amount = { pert = [100_000, 150_000, 250_000] }
"#;

fn write_good(dir: &Path) -> PathBuf {
    let p = dir.join("good.toml");
    fs::write(&p, GOOD).expect("write scenario");
    p
}

/// Files in `dir` whose names mark them as temporary files of an atomic write or a probe.
fn stray_temp_files(dir: &Path) -> Vec<String> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp") || n.contains("probe"))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The scenario path.
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Command-line values.
// ---------------------------------------------------------------------------------------------

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
            .args(["--trials", trials, "--quiet", "--out", "ok"])
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

// ---------------------------------------------------------------------------------------------
// Output that cannot be written.
// ---------------------------------------------------------------------------------------------

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
        &["run", good, "--json", "--trials", "50", "--out", "o1"],
        &["run", good, "--trials", "50", "--out", "o2"],
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

// ---------------------------------------------------------------------------------------------
// Numeric robustness: degenerate but valid scenarios give finite, sensible results.
// ---------------------------------------------------------------------------------------------

/// serde_json writes NaN and ±inf as null: a null anywhere else is a non-finite number.
fn nulls_outside_documented_places(v: &Value, path: &str, found: &mut Vec<String>) {
    match v {
        Value::Null if !valuecase::results::may_be_null(path) => found.push(path.to_string()),
        Value::Array(items) => items
            .iter()
            .for_each(|x| nulls_outside_documented_places(x, path, found)),
        Value::Object(map) => {
            for (k, x) in map {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                nulls_outside_documented_places(x, &p, found);
            }
        }
        _ => {}
    }
}

/// Run `text` with `trials` trials; the JSON on stdout, checked for stray nulls and against
/// results.json.
fn run_scenario(text: &str, trials: u32) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("case.toml");
    fs::write(&file, text).unwrap();
    let out = bin()
        .arg("run")
        .arg(&file)
        .args(["--json", "--trials", &trials.to_string(), "--out"])
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "run failed:\n{}\nscenario:\n{text}",
        stderr(&out)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    let mut found = Vec::new();
    nulls_outside_documented_places(&v, "", &mut found);
    assert!(
        found.is_empty(),
        "non-finite numbers (null) at {found:?}\nscenario:\n{text}"
    );
    let file: Value =
        serde_json::from_slice(&fs::read(dir.path().join("out/results.json")).unwrap()).unwrap();
    let mut found = Vec::new();
    nulls_outside_documented_places(&file, "", &mut found);
    assert!(found.is_empty(), "results.json: null at {found:?}");
    v
}

/// A scenario from its parts.
fn scenario(horizon: u32, rate: f64, groups: &str, capabilities: &str, costs: &str) -> String {
    format!(
        "[scenario]\nname = \"Edge\"\ncurrency = \"USD\"\nhorizon_months = {horizon}\n\
         discount_rate = {rate}\n\n[baseline]\nnew_business_revenue = 1_000_000\n\
         gross_margin = 0.5\n\n{groups}\n{capabilities}\n{costs}\n"
    )
}

const ONE_GROUP: &str = "[[user_groups]]\nname = \"All\"\nseats = 10\ngo_live_month = 0\n\
     [user_groups.adoption]\ncurve = \"table\"\nvalues = [1]\n";

fn direct_value(annual: &str) -> String {
    format!(
        "[[capabilities]]\nname = \"Value\"\ndriver = \"direct_value\"\nannual_value = {annual}\n"
    )
}

fn f(v: &Value, path: &str) -> Option<f64> {
    path.split('.')
        .try_fold(v, |v, k| v.get(k))
        .and_then(Value::as_f64)
}

#[test]
fn all_zero_cash_flows() {
    let v = run_scenario(&scenario(24, 0.1, ONE_GROUP, &direct_value("0"), ""), 64);
    assert_eq!(f(&v, "npv.mean"), Some(0.0));
    assert_eq!(f(&v, "npv.p5"), Some(0.0));
    assert_eq!(f(&v, "pv_costs.max"), Some(0.0));
    // ROI with zero costs is undefined (null), in every trial and in the base case.
    assert_eq!(f(&v, "roi.undefined_fraction"), Some(1.0));
    assert!(v["roi"]["mean"].is_null() && v["base_case"]["roi"].is_null());
    // No sign change: no IRR.
    assert_eq!(f(&v, "irr_annual.undefined_fraction"), Some(1.0));
    // Never below zero: paid back from the start.
    assert_eq!(f(&v, "payback_months.never_fraction"), Some(0.0));
    assert_eq!(f(&v, "prob_npv_positive"), Some(0.0));
    let cum = v["charts"]["cumulative_net"]["p50"].as_array().unwrap();
    assert_eq!(cum.len(), 24);
    assert!(cum.iter().all(|x| x.as_f64() == Some(0.0)), "{cum:?}");
}

#[test]
fn flat_cash_flows_that_net_to_zero() {
    // Benefits of 12,000 a year = 1,000 a month against a 1,000 monthly cost.
    let costs =
        "[[costs]]\nname = \"Run\"\ncategory = \"other\"\nkind = \"monthly\"\namount = 1000\n";
    let v = run_scenario(
        &scenario(12, 0.1, ONE_GROUP, &direct_value("12_000"), costs),
        32,
    );
    let npv = f(&v, "npv.mean").unwrap();
    assert!(npv.abs() < 1e-6, "{npv}");
    let roi = f(&v, "base_case.roi").unwrap();
    assert!(roi.abs() < 1e-12, "{roi}");
    assert_eq!(f(&v, "irr_annual.undefined_fraction"), Some(1.0));
}

#[test]
fn costs_only_never_pay_back() {
    let costs = "[[costs]]\nname = \"Licences\"\ncategory = \"licence\"\nkind = \"per_seat_monthly\"\namount = 100\n";
    let v = run_scenario(&scenario(36, 0.1, ONE_GROUP, &direct_value("0"), costs), 32);
    assert!(f(&v, "npv.max").unwrap() < 0.0);
    assert_eq!(f(&v, "base_case.roi"), Some(-1.0));
    assert_eq!(f(&v, "payback_months.never_fraction"), Some(1.0));
    assert!(v["base_case"]["payback_months"].is_null());
    assert!(v["payback_months"]["p50"].is_null());
    assert_eq!(f(&v, "irr_annual.undefined_fraction"), Some(1.0));
    assert_eq!(f(&v, "prob_npv_positive"), Some(0.0));
}

#[test]
fn a_horizon_of_one_month() {
    let costs = "[[costs]]\nname = \"Set-up\"\ncategory = \"implementation\"\nkind = \"one_off\"\namount = 500\n";
    let v = run_scenario(
        &scenario(
            1,
            0.1,
            ONE_GROUP,
            &direct_value("{ pert = [6_000, 12_000, 24_000] }"),
            costs,
        ),
        64,
    );
    assert_eq!(v["horizon_months"], 1);
    assert_eq!(
        v["charts"]["cumulative_net"]["p50"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        v["charts"]["payback_probability"].as_array().unwrap().len(),
        2
    );
    // Month 0: 1,000 of benefit (12,000 / 12 at full adoption) against 500 of cost.
    let base = f(&v, "base_case.npv").unwrap();
    assert!((base - 500.0).abs() < 1e-9, "{base}");
    assert_eq!(v["charts"]["annual"].as_array().unwrap().len(), 1);
}

#[test]
fn zero_seats_and_zero_costs() {
    let groups = ONE_GROUP.replace("seats = 10", "seats = 0");
    let caps = "[[capabilities]]\nname = \"Deals\"\ndriver = \"win_rate\"\nuplift = 0.05\n";
    let costs = "[[costs]]\nname = \"Licences\"\ncategory = \"licence\"\nkind = \"per_seat_monthly\"\namount = 100\n\n\
                 [[costs]]\nname = \"Free\"\ncategory = \"other\"\nkind = \"one_off\"\namount = 0\n";
    let v = run_scenario(&scenario(24, 0.1, &groups, caps, costs), 32);
    assert_eq!(f(&v, "pv_costs.max"), Some(0.0));
    assert!(v["base_case"]["roi"].is_null());
    assert_eq!(f(&v, "roi.undefined_fraction"), Some(1.0));
    // No seats, no users, no benefit: exactly zero, not NaN from a 0 / 0 seat weighting.
    assert_eq!(f(&v, "npv.mean"), Some(0.0));
    assert_eq!(f(&v, "npv.max"), Some(0.0));
    assert_eq!(f(&v, "payback_months.p50"), Some(0.0));
}

#[test]
fn zero_and_maximal_discount_rates() {
    for rate in [0.0, 1.0] {
        let costs = "[[costs]]\nname = \"Partner\"\ncategory = \"implementation\"\nkind = \"one_off\"\namount = 10_000\n";
        let v = run_scenario(
            &scenario(
                60,
                rate,
                ONE_GROUP,
                &direct_value("{ uniform = [0, 10_000] }"),
                costs,
            ),
            64,
        );
        assert!(f(&v, "npv.mean").unwrap().is_finite());
    }
}

#[test]
fn the_largest_allowed_numbers_stay_finite() {
    // 10 million seats at 1e15 a seat and month for 600 months, with the largest overrun and
    // risk multiplier, against a funnel at its caps growing 100% a year.
    let text = r#"[scenario]
name = "Extremes"
currency = "USD"
horizon_months = 600
discount_rate = 0

[baseline]
growth = 1
gross_margin = 1
installed_base_revenue = 1e15
churn = 1
cost_to_serve = 1e15
marketing_spend = 1e15
sales_cycle_months = 60
[baseline.funnel]
leads_per_year = 1e12
stage_conversion = [1, 1, 1]
win_rate = 1
deal_size = 1e15

[[roles]]
name = "R"
headcount = 10_000_000
hourly_cost = 1e15

[[user_groups]]
name = "Everyone"
seats = 10_000_000
go_live_month = 0
role = "R"
[user_groups.adoption]
curve = "bass"
ceiling = 1
p = 1
q = 2

[[capabilities]]
name = "Funnel"
driver = "lead_volume"
uplift = 2

[[capabilities]]
name = "Cycle"
driver = "sales_cycle"
uplift = 0.9

[[capabilities]]
name = "Keep"
driver = "retention"
uplift = 1

[[capabilities]]
name = "Sell more"
driver = "cross_sell"
uplift = 2

[[capabilities]]
name = "Serve"
driver = "cost_to_serve"
uplift = 0.95

[[capabilities]]
name = "Market"
driver = "marketing_efficiency"
uplift = 0.95

[[capabilities]]
name = "Time"
driver = "hours_saved"
hours_per_week = 40

[[capabilities]]
name = "Direct"
driver = "direct_value"
annual_value = -1e15

[[levers]]
name = "Push"
kind = "generic"
[levers.effects]
ceiling = 1
speed = 10
bass_p = 10
bass_q = 10
data_quality = 1

[[costs]]
name = "Seats"
category = "licence"
kind = "per_seat_monthly"
amount = 1e15
overrun = 5

[[risks]]
name = "Everything"
probability = 1
cost_multiplier = 10
benefit_realised = 1
delay_months = 60
"#;
    let v = run_scenario(text, 16);
    assert!(f(&v, "pv_costs.mean").unwrap() > 1e25);
}

#[test]
fn tiny_and_subnormal_numbers_stay_finite() {
    let caps = "[[capabilities]]\nname = \"Tiny\"\ndriver = \"direct_value\"\n\
                annual_value = { uniform = [5e-324, 1e-300] }\n";
    let groups = "[[user_groups]]\nname = \"G\"\nseats = 5e-324\ngo_live_month = 0\n\
                  [user_groups.adoption]\ncurve = \"linear\"\nceiling = 1e-300\n\
                  ramp_months = { lognormal = { mu = -700, sigma = 0.5 } }\n";
    let costs = "[[costs]]\nname = \"C\"\ncategory = \"other\"\nkind = \"per_seat_one_off\"\namount = 1e-300\n";
    run_scenario(&scenario(12, 1e-300, groups, caps, costs), 16);
}

// ---------------------------------------------------------------------------------------------
// Structured fuzz: random well-formed scenarios with random (often extreme) numbers either
// parse and run with only finite numbers, or are refused with a diagnostic. Never a panic.
// ---------------------------------------------------------------------------------------------

mod structured_fuzz {
    use proptest::prelude::*;
    use valuecase::engine::{self, RunSpec};
    use valuecase::model::Model;
    use valuecase::scenario;

    /// A small deterministic generator driven by the proptest seed (splitmix64). A `tame`
    /// generator keeps every number inside its field's range (so most scenarios are valid and
    /// the "runs finite" half of the property is exercised); a wild one throws in extremes,
    /// NaN, infinities, unordered parameters and empty truncations.
    struct Gen {
        state: u64,
        tame: bool,
    }

    impl Gen {
        fn new(seed: u64) -> Self {
            let mut g = Gen {
                state: seed,
                tame: false,
            };
            g.tame = g.chance(60);
            g
        }
        fn next(&mut self) -> u64 {
            self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
        fn chance(&mut self, percent: u64) -> bool {
            self.below(100) < percent
        }
        fn unit(&mut self) -> f64 {
            (self.next() >> 11) as f64 / (1u64 << 53) as f64
        }
        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[self.below(items.len() as u64) as usize]
        }
        /// A number in `[lo, hi]`, often at an edge.
        fn inside(&mut self, lo: f64, hi: f64) -> f64 {
            match self.below(8) {
                0 => lo,
                1 => hi,
                _ => (lo + (hi - lo) * self.unit()).clamp(lo, hi),
            }
        }

        /// A number: inside `[lo, hi]` when tame; sometimes an edge or an extreme when wild.
        fn num(&mut self, lo: f64, hi: f64) -> String {
            const EXTREMES: [&str; 22] = [
                "0",
                "-0.0",
                "1",
                "-1",
                "5e-324",
                "-5e-324",
                "1e-300",
                "1e-9",
                "1e15",
                "-1e15",
                "1.0000001e15",
                "1e16",
                "1e300",
                "-1e300",
                "1e308",
                "1.7976931348623157e308",
                "-1.7976931348623157e308",
                "709",
                "710",
                "-745",
                "nan",
                "inf",
            ];
            if self.tame {
                let x = self.inside(lo, hi);
                return fmt(x);
            }
            match self.below(12) {
                0 => self.pick(&EXTREMES).to_string(),
                1 => fmt(f64::from_bits(self.next())),
                _ => {
                    let x = self.inside(lo, hi);
                    fmt(x)
                }
            }
        }

        /// Three numbers, in order when tame, inside `[lo, hi]`.
        fn three(&mut self, lo: f64, hi: f64) -> [String; 3] {
            let mut v = [0.0; 3].map(|_: f64| self.inside(lo, hi));
            if self.tame || self.chance(70) {
                v.sort_by(f64::total_cmp);
            }
            if !self.tame && self.chance(20) {
                let i = self.below(3) as usize;
                let mut out = v.map(fmt);
                out[i] = self.num(lo, hi);
                return out;
            }
            v.map(fmt)
        }

        /// An uncertain value: a plain number or any distribution, maybe truncated.
        fn dist(&mut self, lo: f64, hi: f64) -> String {
            let unit_inside = lo <= 0.0 && hi >= 1.0;
            let mut unbounded = false;
            let body = match self.below(12) {
                0..=2 => return self.num(lo, hi),
                3 => format!("fixed = {}", self.num(lo, hi)),
                4 => {
                    let [a, _, b] = self.three(lo, hi);
                    if self.tame && a == b {
                        return a;
                    }
                    format!("uniform = [{a}, {b}]")
                }
                5 => {
                    let [a, m, b] = self.three(lo, hi);
                    format!("triangular = [{a}, {m}, {b}]")
                }
                6 => {
                    let [a, m, b] = self.three(lo, hi);
                    if self.chance(30) {
                        let shape = self.num(0.1, 50.0);
                        format!("pert = [{a}, {m}, {b}], shape = {shape}")
                    } else {
                        format!("pert = [{a}, {m}, {b}]")
                    }
                }
                7 => {
                    unbounded = true;
                    let sd = (hi - lo) / 4.0 * (0.01 + 0.99 * self.unit());
                    let sd = if self.tame {
                        fmt(sd)
                    } else {
                        self.num(0.0, sd)
                    };
                    format!("normal = {{ mean = {}, sd = {sd} }}", self.num(lo, hi))
                }
                8 => {
                    unbounded = true;
                    let top = hi.abs().max(1.0).ln();
                    let sigma = 0.05 + 1.5 * self.unit();
                    if self.chance(50) {
                        let sigma = if self.tame {
                            fmt(sigma)
                        } else {
                            self.num(0.0, 2.0)
                        };
                        format!(
                            "lognormal = {{ mu = {}, sigma = {sigma} }}",
                            self.num(-3.0, top)
                        )
                    } else {
                        let [a, _, b] = self.three(lo.max(0.0).max(hi * 1e-3), hi);
                        format!("lognormal = {{ p5 = {a}, p95 = {b} }}")
                    }
                }
                9 if unit_inside || !self.tame => format!(
                    "beta = {{ alpha = {}, beta = {} }}",
                    self.num(0.1, 10.0),
                    self.num(0.1, 10.0)
                ),
                10 => {
                    let n = 1 + self.below(4);
                    let values: Vec<String> = (0..n).map(|_| self.num(lo, hi)).collect();
                    let mut weights = Vec::new();
                    for _ in 0..n {
                        weights.push(if self.tame {
                            fmt(0.1 + 5.0 * self.unit())
                        } else {
                            self.num(0.0, 5.0)
                        });
                    }
                    format!(
                        "discrete = {{ values = [{}], weights = [{}] }}",
                        values.join(", "),
                        weights.join(", ")
                    )
                }
                _ if unit_inside || !self.tame => {
                    format!("bernoulli = {}", self.num(0.0, 1.0))
                }
                _ => return self.num(lo, hi),
            };
            let mut trunc = String::new();
            if self.tame {
                // Truncate unbounded distributions to the field's range, as a user must.
                if unbounded {
                    trunc = format!(", min = {}, max = {}", fmt(lo), fmt(hi));
                }
            } else {
                if self.chance(40) {
                    trunc.push_str(&format!(", min = {}", self.num(lo, hi)));
                }
                if self.chance(40) {
                    trunc.push_str(&format!(", max = {}", self.num(lo, hi)));
                }
            }
            format!("{{ {body}{trunc} }}")
        }

        fn month(&mut self, horizon: i64) -> String {
            if !self.tame && self.chance(10) {
                return self
                    .pick(&["-1", "600", "601", "2.5", "1e3", "99999999999"])
                    .into();
            }
            (self.below(horizon.max(1) as u64)).to_string()
        }
    }

    /// A TOML float or integer literal.
    fn fmt(x: f64) -> String {
        if x.is_nan() {
            "nan".into()
        } else if x.is_infinite() {
            if x > 0.0 { "inf".into() } else { "-inf".into() }
        } else {
            format!("{x:e}")
        }
    }

    const DRIVERS: [(&str, &str, f64, f64); 11] = [
        ("lead_volume", "uplift", -0.5, 2.0),
        ("conversion", "uplift", -0.5, 2.0),
        ("win_rate", "uplift", -0.5, 2.0),
        ("deal_size", "uplift", -0.5, 2.0),
        ("sales_cycle", "uplift", 0.0, 0.9),
        ("retention", "uplift", 0.0, 1.0),
        ("cross_sell", "uplift", -0.5, 2.0),
        ("cost_to_serve", "uplift", 0.0, 0.95),
        ("marketing_efficiency", "uplift", 0.0, 0.95),
        ("hours_saved", "hours_per_week", 0.0, 40.0),
        ("direct_value", "annual_value", -1e7, 1e7),
    ];

    /// A random scenario of the right shape.
    fn generate(seed: u64) -> String {
        let mut g = Gen::new(seed);
        let horizon: i64 = match g.below(10) {
            0 => 1,
            1 => 600,
            2 if !g.tame => g.pick(&["0", "601", "-5", "12.5"]).parse::<f64>().unwrap() as i64,
            _ => 1 + g.below(120) as i64,
        };
        let mut s = format!(
            "[scenario]\nname = \"Fuzz {seed}\"\ncurrency = \"USD\"\nhorizon_months = {horizon}\ndiscount_rate = {}\n\n[baseline]\n",
            g.num(0.0, 0.3)
        );
        if g.chance(70) {
            s += &format!("new_business_revenue = {}\n", g.dist(0.0, 1e9));
        } else {
            s += &format!(
                "[baseline.funnel]\nleads_per_year = {}\nstage_conversion = [{}, {}]\nwin_rate = {}\ndeal_size = {}\n",
                g.dist(0.0, 1e6),
                g.dist(0.0, 1.0),
                g.dist(0.0, 1.0),
                g.dist(0.0, 1.0),
                g.dist(0.0, 1e6)
            );
        }
        let mut base = String::new();
        for (key, lo, hi) in [
            ("installed_base_revenue", 0.0, 1e9),
            ("growth", -0.5, 1.0),
            ("gross_margin", 0.0, 1.0),
            ("churn", 0.0, 1.0),
            ("cost_to_serve", 0.0, 1e8),
            ("marketing_spend", 0.0, 1e8),
            ("sales_cycle_months", 0.1, 60.0),
        ] {
            if g.chance(85) {
                base += &format!("{key} = {}\n", g.dist(lo, hi));
            }
        }
        // Baseline fields must come before [baseline.funnel]: insert them after [baseline].
        s = s.replacen("[baseline]\n", &format!("[baseline]\n{base}"), 1);

        s += "\n[[roles]]\nname = \"Rep\"\nheadcount = 10\n";
        s += &format!("hourly_cost = {}\n", g.dist(0.0, 500.0));
        let groups = 1 + g.below(3);
        for i in 0..groups {
            s += &format!(
                "\n[[user_groups]]\nname = \"G{i}\"\nseats = {}\ngo_live_month = {}\nrole = \"Rep\"\n",
                g.num(0.0, 5000.0),
                g.month(horizon)
            );
            if g.chance(50) {
                s += &format!("data_quality = {}\n", g.dist(0.0, 1.0));
            }
            s += "[user_groups.adoption]\n";
            let ceiling = g.dist(0.0, 1.0);
            s += &match g.below(5) {
                0 => format!(
                    "curve = \"logistic\"\nceiling = {ceiling}\ngrowth = {}\nmidpoint = {}\n",
                    g.dist(0.01, 5.0),
                    g.dist(-24.0, 120.0)
                ),
                1 => format!(
                    "curve = \"bass\"\nceiling = {ceiling}\np = {}\nq = {}\n",
                    g.dist(0.001, 1.0),
                    g.dist(0.0, 2.0)
                ),
                2 => format!(
                    "curve = \"gompertz\"\nceiling = {ceiling}\nrate = {}\nmidpoint = {}\n",
                    g.dist(0.01, 5.0),
                    g.dist(-24.0, 120.0)
                ),
                3 => format!(
                    "curve = \"linear\"\nceiling = {ceiling}\nramp_months = {}\n",
                    g.dist(0.01, 60.0)
                ),
                _ => format!(
                    "curve = \"table\"\nvalues = [{}, {}, {}]\n",
                    g.num(0.0, 1.0),
                    g.num(0.0, 1.0),
                    g.num(0.0, 1.0)
                ),
            };
        }
        let caps = 1 + g.below(4);
        for i in 0..caps {
            let (driver, field, lo, hi) = DRIVERS[g.below(DRIVERS.len() as u64) as usize];
            s += &format!(
                "\n[[capabilities]]\nname = \"C{i}\"\ndriver = \"{driver}\"\n{field} = {}\n",
                g.dist(lo, hi)
            );
            if driver == "hours_saved" && g.chance(50) {
                s += &format!("value_share = {}\n", g.dist(0.0, 1.0));
            }
            if g.chance(30) {
                s += &format!("lag_months = {}\n", g.month(horizon));
            }
        }
        for i in 0..g.below(3) {
            s += &format!(
                "\n[[levers]]\nname = \"L{i}\"\nkind = \"{}\"\n[levers.effects]\n",
                g.pick(&["communication", "training", "appraisal", "generic"])
            );
            for (key, lo, hi) in [
                ("ceiling", -1.0, 1.0),
                ("speed", 0.01, 10.0),
                ("midpoint_shift", -24.0, 24.0),
                ("bass_p", 0.01, 10.0),
                ("bass_q", 0.01, 10.0),
                ("data_quality", -1.0, 1.0),
            ] {
                if g.chance(40) {
                    s += &format!("{key} = {}\n", g.dist(lo, hi));
                }
            }
            if g.chance(50) {
                s += &format!(
                    "[[levers.costs]]\nname = \"LC\"\nkind = \"one_off\"\namount = {}\n",
                    g.dist(0.0, 1e6)
                );
            }
        }
        for i in 0..g.below(4) {
            s += &format!(
                "\n[[costs]]\nname = \"K{i}\"\ncategory = \"other\"\namount = {}\n",
                g.dist(0.0, 1e6)
            );
            s += &match g.below(4) {
                0 => format!("kind = \"one_off\"\nmonth = {}\n", g.month(horizon)),
                1 => {
                    let from = g.below(horizon.max(1) as u64);
                    let to = if g.tame {
                        (from + g.below(horizon.max(1) as u64 * 2)).to_string()
                    } else {
                        g.month(horizon * 2)
                    };
                    format!("kind = \"monthly\"\nfrom_month = {from}\nto_month = {to}\n")
                }
                2 => "kind = \"per_seat_monthly\"\n".to_string(),
                _ => "kind = \"per_seat_one_off\"\n".to_string(),
            };
            if g.chance(30) {
                s += &format!("overrun = {}\n", g.dist(-0.5, 5.0));
            }
        }
        for i in 0..g.below(3) {
            s += &format!(
                "\n[[risks]]\nname = \"R{i}\"\nprobability = {}\nbenefit_realised = {}\ncost_multiplier = {}\ndelay_months = {}\n",
                g.num(0.0, 1.0),
                g.dist(0.0, 1.0),
                g.dist(0.0, 10.0),
                g.dist(0.0, 60.0)
            );
        }
        if g.chance(40) {
            // Correlations between inputs the scenario has (when it is valid), and, for wild
            // seeds, names that may be fixed, missing or misspelt.
            let mut pool: Vec<String> = scenario::parse_str(&s, None)
                .map(|sc| {
                    sc.inputs()
                        .iter()
                        .filter(|u| !u.is_fixed())
                        .map(|u| u.name.clone())
                        .collect()
                })
                .unwrap_or_default();
            if !g.tame || pool.len() < 2 {
                pool.extend(
                    [
                        "baseline.growth",
                        "baseline.gross_margin",
                        r#"roles."Rep".hourly_cost"#,
                        r#"user_groups."G0".adoption.ceiling"#,
                        r#"user_groups."G0".data_quality"#,
                        r#"capabilities."C0".uplift"#,
                        r#"costs."K0".overrun"#,
                        r#"risks."R0".occurs"#,
                        "costs.K0.amount",
                    ]
                    .map(String::from),
                );
            }
            for _ in 0..1 + g.below(3) {
                let a = pool[g.below(pool.len() as u64) as usize].clone();
                let b = pool[g.below(pool.len() as u64) as usize].clone();
                let rank = if g.tame {
                    fmt(g.inside(-0.6, 0.6))
                } else {
                    g.num(-1.0, 1.0)
                };
                s += &format!("\n[[correlations]]\ninputs = ['{a}', '{b}']\nrank = {rank}\n");
            }
        }
        s
    }

    /// Parse; on success compile, run 8 trials and check every number.
    fn check(text: &str) -> Result<bool, TestCaseError> {
        let parsed = scenario::parse_str(text, None);
        let s = match parsed {
            Ok(s) => s,
            Err(e) => {
                prop_assert!(!e.diagnostics.is_empty());
                prop_assert!(e.to_string().starts_with("error: "));
                return Ok(false);
            }
        };
        let model = Model::compile(&s);
        let (base, scratch) = engine::base_case(&model);
        prop_assert!(base.npv.is_finite(), "base-case NPV {}", base.npv);
        prop_assert!(scratch.cumulative_net.iter().all(|x| x.is_finite()));
        let out = engine::run(
            &model,
            RunSpec {
                seed: 1,
                first_trial: 0,
                trials: 8,
            },
            &|_| {},
        );
        for row in (0..out.table.rows()).map(|i| out.table.row(i)) {
            prop_assert!(
                row[..3].iter().all(|x| x.is_finite()),
                "NPV / PV not finite: {:?}",
                &row[..3]
            );
            prop_assert!(
                row[3..7].iter().all(|x| !x.is_infinite()),
                "ROI / IRR / payback infinite: {:?}",
                &row[3..7]
            );
            prop_assert!(row[7..].iter().all(|x| x.is_finite()));
        }
        Ok(true)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

        #[test]
        fn random_scenarios_run_finite_or_are_refused(seed in any::<u64>()) {
            let text = generate(seed);
            let result = std::panic::catch_unwind(|| check(&text));
            match result {
                Ok(r) => { r.map_err(|e| TestCaseError::fail(format!("{e}\nscenario:\n{text}")))?; }
                Err(_) => prop_assert!(false, "panicked on:\n{text}"),
            }
        }
    }

    /// The generator is not so wild that nothing passes: a fair share of scenarios are valid,
    /// so the "runs with finite numbers" half of the property is exercised.
    #[test]
    fn the_generator_produces_valid_scenarios_too() {
        let valid: Vec<String> = (0..64u64)
            .map(generate)
            .filter(|text| check(text).unwrap_or(false))
            .collect();
        assert!(
            valid.len() >= 3,
            "only {} of 64 generated scenarios are valid",
            valid.len()
        );
        let correlated = valid
            .iter()
            .filter(|t| t.contains("[[correlations]]"))
            .count();
        assert!(correlated >= 1, "no valid scenario with correlations");
    }
}

// ---------------------------------------------------------------------------------------------
// Regressions found by the coverage-guided fuzzers (fuzz/, see docs/FUZZING.md).
// ---------------------------------------------------------------------------------------------

/// `|NPV(r)| <= 1e-6 · Σ |CF_t (1+r)^-t|`, as the finance fuzz target checks it (every term
/// through logarithms, so neither the flows nor the discount factors over- or underflow).
fn zeroes_the_npv(flows: &[f64], r: f64) -> bool {
    valuecase::finance::relative_npv(r, flows) <= 1e-6
}

/// fuzz/finance crashes f0fd2cd7 and d4e9d426: flows whose IRRs are astronomically large
/// (r ≈ 3e360, beyond f64, and r ≈ 5e187). An earlier `irr` returned r ≈ 2.6e120 and
/// r ≈ 3.8e140, where the NPV is not zero (its bracketed solver stopped after a fixed number of
/// steps and returned the unconverged iterate); fixed, and kept here as regression inputs. The
/// first flows also have a root at r = −1 + 1.9e−88, which is nearer 0: `irr` reports it as
/// the float above −1 (the nearest rate f64 has), as it reports any root closer to −1 than f64
/// resolves.
const FUZZ_FINANCE_CASES: [&[f64]; 2] = [
    &[
        2.5375e-319,
        -7.404343594699248e41,
        6.9469475059282e-310,
        2.085836982687224e-309,
        0.0,
        1.042663851848696e-309,
    ],
    &[
        3.388603792720538e-252,
        -1.7754849800885164e-64,
        -1.775484980854224e-64,
        -1.775484980854224e-64,
        -1.7092123366127645e-64,
    ],
];

#[test]
fn irr_far_beyond_any_real_rate_does_not_panic() {
    use valuecase::finance::{discounted_payback, irr, mirr, npv, payback};
    for flows in FUZZ_FINANCE_CASES {
        if let Some(r) = irr(flows) {
            assert!(r.is_finite() && r > -1.0, "{r}");
        }
        let _ = npv(0.1, flows);
        let _ = mirr(flows, 0.1, 0.05);
        let _ = discounted_payback(0.1, flows);
        assert!(payback(flows).is_none_or(|p| (0.0..=flows.len() as f64).contains(&p)));
    }
}

#[test]
fn irr_far_beyond_any_real_rate() {
    use valuecase::finance::irr;
    for flows in FUZZ_FINANCE_CASES {
        // Within 1e-6 of −1 a rate keeps few digits, so the residual says little there (as in
        // the fuzz target; see fuzz/fuzz_targets/finance.rs).
        if let Some(r) = irr(flows).filter(|&r| r > -0.999_999) {
            assert!(
                zeroes_the_npv(flows, r),
                "irr = {r} is not a root of {flows:?}"
            );
        }
    }
    let r = irr(FUZZ_FINANCE_CASES[0]).expect("a root next to −1");
    assert_eq!(r, -1.0 + f64::EPSILON / 2.0);
    // 5.2395767953239221e187 in 900-digit arithmetic.
    let r = irr(FUZZ_FINANCE_CASES[1]).expect("a root at 5e187");
    assert!((r / 5.239_576_795_323_922e187 - 1.0).abs() < 1e-12, "{r}");
}

/// fuzz/finance crash a9fba511: a root at r = -0.99999999999988 (1 + r ≈ 1.2e-13), found
/// correctly by `irr`; the fuzz target's residual check was too strict there (1 + r has few
/// digits left) and now skips rates below -0.999999.
#[test]
fn irr_next_to_minus_one() {
    let mut flows = vec![-9.777558541362216e-292];
    flows.extend([-9.77719780333789e-292; 9]);
    flows.push(1.1685005908179998e-304);
    let r = valuecase::finance::irr(&flows).expect("a root exists");
    assert!(r > -1.0 && r < -0.999_999_999_99, "{r}");
    // In z = 1 + r, where the solver works, it is a root to many digits.
    let z = 1.0 + r;
    let f = |z: f64| {
        flows
            .iter()
            .rev()
            .fold(0.0, |acc, &cf| acc * z.recip() + cf * 1e290)
    };
    assert!(f(z * 0.999).signum() != f(z * 1.001).signum());
}

/// fuzz/finance crash 6e7c7de1: flows spanning 1e-292 to 1e289. `irr` used to answer
/// r ≈ 1.2e99, not a root: rescaling to the largest flow turned the first one into zero. These
/// flows have no real root at all (their four roots are complex), so the answer is `None`;
/// in general, `irr` returns a root or `None` for any finite flows.
#[test]
fn irr_on_flows_spanning_hundreds_of_orders_of_magnitude_is_a_root_or_none() {
    use valuecase::finance::{irr, payback};
    let flows = [
        -1.7754849786788255e-64,
        3.0718185947598465e-292,
        1.6097887034965243e-291,
        1.595260795442626e193,
        -1.9481110936832064e289,
    ];
    if let Some(r) = irr(&flows) {
        assert!(r.is_finite() && r > -1.0, "{r}");
        assert!(
            zeroes_the_npv(&flows, r),
            "irr = {r} is not a root of {flows:?}"
        );
    }
    assert_eq!(irr(&flows), None);
    assert!(payback(&flows).is_none_or(|p| (0.0..=flows.len() as f64).contains(&p)));
}
