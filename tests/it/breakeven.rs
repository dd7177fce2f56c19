//! `valuecase breakeven`, end to end: the values it finds are checked by running the scenario
//! with the input at them; an unreachable target is exit 2 with the best value and where.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

const TRIALS: &str = "3000";

fn planted_text() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/planted_drivers.toml");
    std::fs::read_to_string(path).expect("planted scenario")
}

/// `valuecase breakeven FILE --input INPUT --target TARGET --json --no-charts`: its JSON and
/// the command's exit code.
fn breakeven(file: &Path, input: &str, target: &str) -> (Value, i32) {
    let out = Command::cargo_bin("valuecase")
        .expect("binary builds")
        .arg("breakeven")
        .arg(file)
        .args(["--input", input, "--target", target, "--trials", TRIALS])
        .args(["--json", "--no-charts"])
        .output()
        .expect("runs");
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (json, out.status.code().unwrap_or(-1))
}

/// results.json of a plain run of `text` with the same trials and seed.
fn run(text: &str, dir: &Path) -> Value {
    let file = dir.join("at-value.toml");
    std::fs::write(&file, text).expect("write scenario");
    Command::cargo_bin("valuecase")
        .expect("binary builds")
        .arg("run")
        .arg(&file)
        .args(["--trials", TRIALS, "--no-charts", "--quiet", "--out"])
        .arg(dir.join("out"))
        .assert()
        .success();
    serde_json::from_slice(&std::fs::read(dir.join("out/results.json")).expect("results"))
        .expect("results.json parses")
}

fn scenario_file(dir: &Path) -> PathBuf {
    let file = dir.join("planted.toml");
    std::fs::write(&file, planted_text()).expect("write scenario");
    file
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("{v} is not a number"))
}

#[test]
fn an_adoption_ceiling_breakeven_holds_when_the_scenario_is_run_there() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = scenario_file(dir.path());
    let input = r#"user_groups."Sales".adoption.ceiling"#;
    let (b, code) = breakeven(&file, input, "prob_npv_positive >= 0.6");
    assert_eq!(code, 0, "{b:#}");
    assert_eq!(b["reachable"], true);
    let v = num(&b["value"]);
    let stat = num(&b["statistic_at_value"]);
    assert!(
        v > 0.0 && v < 0.8,
        "the ceiling can fall below its 0.8: {v}"
    );
    assert!(stat >= 0.6, "{stat}");
    assert!(num(&b["tolerance"]) < 1e-3);
    assert!(b["curve"].as_array().expect("curve").len() <= 30);
    assert_eq!(num(&b["current_value"]), 0.8);

    // The scenario with the ceiling's PERT moved to v, run as usual: the same statistic.
    let d = v - 0.8;
    let moved = format!(
        "ceiling = {{ pert = [{:?}, {v:?}, {:?}] }}",
        (0.5 + d).clamp(0.0, 1.0),
        (0.95 + d).clamp(0.0, 1.0)
    );
    let text = planted_text().replace("ceiling = { pert = [0.5, 0.8, 0.95] }", &moved);
    assert!(text.contains(&moved));
    let r = run(&text, dir.path());
    assert_eq!(num(&r["prob_npv_positive"]), stat, "{moved}");
    // Just below the answer (beyond the bracket), the target is missed.
    let below = v - 2.0 * num(&b["tolerance"]) - 0.01;
    let d = below - 0.8;
    let text = planted_text().replace(
        "ceiling = { pert = [0.5, 0.8, 0.95] }",
        &format!(
            "ceiling = {{ pert = [{:?}, {below:?}, {:?}] }}",
            (0.5 + d).clamp(0.0, 1.0),
            (0.95 + d).clamp(0.0, 1.0)
        ),
    );
    assert!(num(&run(&text, dir.path())["prob_npv_positive"]) < 0.6);
}

#[test]
fn a_failure_probability_breakeven_holds_when_the_scenario_is_run_there() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = scenario_file(dir.path());
    let input = r#"risks."Programme fails".probability"#;
    let (b, code) = breakeven(&file, input, "npv.mean >= 900000");
    assert_eq!(code, 0, "{b:#}");
    let v = num(&b["value"]);
    let stat = num(&b["statistic_at_value"]);
    assert!(v < 0.3, "a lower failure probability is needed: {v}");
    assert!(stat >= 900_000.0);
    let text = planted_text().replace("probability = 0.3", &format!("probability = {v:?}"));
    let r = run(&text, dir.path());
    assert_eq!(num(&r["npv"]["mean"]), stat);
}

#[test]
fn an_unreachable_target_is_exit_2_with_the_best_value_and_where() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = scenario_file(dir.path());
    let input = r#"user_groups."Sales".adoption.ceiling"#;
    let (b, code) = breakeven(&file, input, "prob_npv_positive >= 0.99");
    assert_eq!(code, 2);
    assert_eq!(b["reachable"], false);
    // The best is at the top of the range, the full ceiling.
    assert_eq!(num(&b["value"]), 1.0, "{b:#}");
    assert!(num(&b["statistic_at_value"]) < 0.99);

    let out = Command::cargo_bin("valuecase")
        .expect("binary builds")
        .arg("breakeven")
        .arg(&file)
        .args(["--input", input, "--target", "prob_npv_positive >= 0.99"])
        .args(["--trials", TRIALS, "--out"])
        .arg(dir.path().join("chart"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("is not met anywhere in [0, 1]: the best is"),
        "{err}"
    );
    // The chart is drawn all the same.
    assert!(dir.path().join("chart/breakeven.png").exists());
    assert!(dir.path().join("chart/breakeven.svg").exists());
}

#[test]
fn bad_requests_are_exit_2_with_what_was_wrong() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = scenario_file(dir.path());
    for (input, target, says) in [
        (
            r#"user_groups."Sales".adoption.celing"#,
            "npv.mean >= 0",
            r#"did you mean user_groups."Sales".adoption.ceiling?"#,
        ),
        (
            r#"user_groups."Sales".adoption.ceiling"#,
            "npv.p11 >= 0",
            "unknown statistic key `p11`",
        ),
        (
            r#"user_groups."Sales".adoption.ceiling"#,
            "irr >= 0.1",
            "cannot be read",
        ),
    ] {
        let out = Command::cargo_bin("valuecase")
            .expect("binary builds")
            .arg("breakeven")
            .arg(&file)
            .args([
                "--input",
                input,
                "--target",
                target,
                "--trials",
                "100",
                "--no-charts",
            ])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{input} {target}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{err}");
    }
}
