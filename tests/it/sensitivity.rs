//! What drives the result, end to end: planted inputs with a known effect come out as planted,
//! the tornado and the contribution ranking agree on the reference scenario, and a run grown
//! to a precision is the plain run of its final trial count.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn planted() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/planted_drivers.toml")
}

/// results.json of `valuecase run ARGS --no-charts --quiet --out DIR`.
fn run(args: &[&str], dir: &Path) -> Value {
    Command::cargo_bin("valuecase")
        .expect("binary builds")
        .arg("run")
        .args(args)
        .args(["--no-charts", "--quiet", "--out"])
        .arg(dir)
        .assert()
        .success();
    let bytes = std::fs::read(dir.join("results.json")).expect("results.json written");
    serde_json::from_slice(&bytes).expect("results.json parses")
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("{v} is not a number"))
}

#[test]
fn planted_inputs_come_out_as_planted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let planted = planted();
    let r = run(
        &[planted.to_str().expect("utf-8 path"), "--trials", "20000"],
        dir.path(),
    );
    let s = &r["sensitivity"];
    let inputs = s["inputs"].as_array().expect("inputs");
    assert_eq!(num(&s["sample_trials"]), 20000.0);

    // The input with no effect comes last, within the stated noise.
    let last = inputs.last().expect("inputs");
    assert_eq!(last["input"], r#"roles."Unused".hourly_cost"#, "{s:#}");
    let contribution = num(&last["contribution_to_variance"]).abs();
    assert!(
        contribution <= num(&s["contribution_noise"]),
        "{contribution} is above the noise {}",
        s["contribution_noise"]
    );
    assert!(num(&last["rank_correlation"]).abs() <= num(&s["rank_correlation_noise"]));
    let total: f64 = inputs
        .iter()
        .map(|i| num(&i["contribution_to_variance"]).abs())
        .sum();
    assert!(
        (total - 1.0).abs() < 1e-9,
        "contributions add up to {total}"
    );

    // The month-0 cost uniform on [1M, 3M]: P10 = 1.2M, P90 = 2.8M, and NPV falls by exactly
    // the amount, so the swing is 1.6M.
    let tornado = s["tornado"].as_array().expect("tornado");
    let bar = tornado
        .iter()
        .find(|b| b["input"] == r#"costs."Planted one-off".amount"#)
        .expect("the planted cost has a bar");
    assert!((num(&bar["low_value"]) - 1.2e6).abs() < 1e-6);
    assert!((num(&bar["high_value"]) - 2.8e6).abs() < 1e-6);
    assert!((num(&bar["swing"]) - 1.6e6).abs() < 1e-6, "{bar}");
    assert!((num(&bar["npv_at_low"]) - num(&bar["npv_at_high"]) - 1.6e6).abs() < 1e-6);
    let base = num(&r["base_case"]["npv"]);
    let amount_at_base = 2e6; // the uniform's median
    assert!((num(&bar["npv_at_low"]) - (base + amount_at_base - 1.2e6)).abs() < 1e-6);
    // The unused role moves nothing.
    let unused = tornado
        .iter()
        .find(|b| b["input"] == r#"roles."Unused".hourly_cost"#)
        .expect("a bar for every varying input");
    assert_eq!(num(&unused["swing"]), 0.0);
    // Bars come largest swing first.
    let swings: Vec<f64> = tornado.iter().map(|b| num(&b["swing"])).collect();
    assert!(swings.windows(2).all(|w| w[0] >= w[1]), "{swings:?}");
    // A costlier one-off lowers NPV: its high decile's mean NPV is below its low decile's.
    let cost = inputs
        .iter()
        .find(|i| i["input"] == r#"costs."Planted one-off".amount"#)
        .expect("planted cost");
    assert!(num(&cost["rank_correlation"]) < 0.0);
    assert!(num(&cost["npv_mean_high_decile"]) < num(&cost["npv_mean_low_decile"]));
}

#[test]
fn tornado_and_contributions_agree_on_the_reference_drivers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let r = run(&["--trials", "20000"], dir.path());
    let s = &r["sensitivity"];
    let names = |key: &str| -> Vec<String> {
        s[key]
            .as_array()
            .expect("list")
            .iter()
            .take(2)
            .map(|i| i["input"].as_str().expect("name").to_string())
            .collect()
    };
    let (by_contribution, by_swing) = (names("inputs"), names("tornado"));
    assert_eq!(by_contribution, by_swing, "{s:#}");
    assert_eq!(
        by_contribution[0],
        r#"risks."Programme fails to take hold".occurs"#
    );
}

#[test]
fn a_run_grown_to_a_precision_is_the_plain_run_of_its_trials() {
    let (a, b) = (
        tempfile::tempdir().expect("tempdir"),
        tempfile::tempdir().expect("tempdir"),
    );
    let planted = planted();
    let scenario = planted.to_str().expect("utf-8 path");
    let mut grown = run(
        &[
            scenario,
            "--trials",
            "3000",
            "--precision",
            "0.03",
            "--threads",
            "1",
        ],
        a.path(),
    );
    let rule = grown["precision"]["stopping_rule"].clone();
    assert_eq!(rule["met"], true, "{rule}");
    let trials = num(&grown["trials"]) as u64;
    assert!(trials > 3000 && trials.is_multiple_of(10_000), "{trials}");
    // Both criteria hold at the end.
    let p = &grown["precision"];
    assert!(num(&p["npv_mean"]) <= 0.03 * num(&grown["npv"]["mean"]).abs());
    assert!(num(&p["prob_npv_positive"]) <= 0.03);

    let mut plain = run(
        &[scenario, "--trials", &trials.to_string(), "--threads", "2"],
        b.path(),
    );
    for v in [&mut grown, &mut plain] {
        let o = v.as_object_mut().expect("object");
        o.remove("elapsed_seconds");
        o["precision"]
            .as_object_mut()
            .expect("precision")
            .remove("stopping_rule");
    }
    assert!(grown == plain, "a grown run differs from the plain run");

    // Capped by --max-trials: stops there and says the target was not met.
    let c = tempfile::tempdir().expect("tempdir");
    let capped = run(
        &[
            scenario,
            "--trials",
            "1000",
            "--precision",
            "0.001",
            "--max-trials",
            "20000",
        ],
        c.path(),
    );
    assert_eq!(num(&capped["trials"]), 20000.0);
    assert_eq!(capped["precision"]["stopping_rule"]["met"], false);
}

#[test]
fn the_terminal_names_the_top_drivers_and_the_precision() {
    let dir = tempfile::tempdir().expect("tempdir");
    let planted = planted();
    let out = Command::cargo_bin("valuecase")
        .expect("binary builds")
        .args([
            "run",
            planted.to_str().expect("utf-8"),
            "--trials",
            "5000",
            "--no-charts",
            "--out",
        ])
        .arg(dir.path())
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("What drives NPV"), "{text}");
    assert!(text.contains("Programme fails (happens)"), "{text}");
    assert!(
        text.contains("of the variance in NPV: whether “Programme fails” happens"),
        "{text}"
    );
    assert!(
        text.contains("Precision (95%, from sampling): mean NPV ±"),
        "{text}"
    );
    // The header and five drivers (the scenario has seven).
    let rows = text
        .lines()
        .skip_while(|l| !l.contains("What drives NPV"))
        .take_while(|l| !l.starts_with('└'))
        .filter(|l| l.starts_with('│'))
        .count();
    assert_eq!(rows, 6, "{text}");
}

/// Correlated inputs keep their own rank correlations, each credited with what they share,
/// and are marked so that a reader reads a correlated pair as one driver.
#[test]
fn correlated_inputs_are_marked_and_each_keep_their_own_credit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/correlated.toml");
    let r = run(
        &[file.to_str().expect("utf-8"), "--trials", "5000"],
        dir.path(),
    );
    let inputs = r["sensitivity"]["inputs"].as_array().expect("inputs");
    let correlated = [
        r#"user_groups."Sales".adoption.ceiling"#,
        r#"capabilities."Opportunity management".uplift"#,
        r#"costs."CRM licences".overrun"#,
        r#"costs."Implementation partner".overrun"#,
        r#"costs."Implementation partner".amount"#,
    ];
    for i in inputs {
        let name = i["input"].as_str().expect("name");
        assert_eq!(i["correlated"], correlated.contains(&name), "{name}");
    }
    // The ceiling drives the uplift it is correlated with: both carry a large share.
    let share = |name: &str| {
        inputs
            .iter()
            .find(|i| i["input"] == name)
            .map(|i| num(&i["contribution_to_variance"]))
            .expect("listed")
    };
    assert!(share(correlated[0]) > 0.1 && share(correlated[1]) > 0.1);
}

/// A risk that levers make less likely is decided by a uniform and the levers' multipliers;
/// its sensitivity row is still whether it happens (0 or 1): the failure risk of the change
/// programme scenario lowers NPV, in the rank statistics, the deciles and the tornado alike.
#[test]
fn a_risk_levers_make_less_likely_reads_as_whether_it_happens() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/hightech-change-programme.toml");
    let scenario = scenario.to_str().expect("utf-8 path");
    let r = run(&[scenario, "--trials", "5000"], dir.path());
    let name = r#"risks."Programme fails to take hold".occurs"#;
    let find = |key: &str| -> Value {
        r["sensitivity"][key]
            .as_array()
            .expect("list")
            .iter()
            .find(|i| i["input"] == name)
            .unwrap_or_else(|| panic!("{name} in sensitivity.{key}"))
            .clone()
    };
    let row = find("inputs");
    assert!(num(&row["rank_correlation"]) < -0.3, "{row:#}");
    // Low decile: the trials where it does not happen; high: where it does.
    assert!(num(&row["npv_mean_low_decile"]) > num(&row["npv_mean_high_decile"]));
    let bar = find("tornado");
    assert!(
        num(&bar["npv_at_low"]) > num(&bar["npv_at_high"]) + 1e7,
        "{bar:#}"
    );
}
