//! `valuecase tei`: the case's TEI tables recompute from their own rows (the JSON rows at
//! 1e-9, the printed table as a reader would check a vendor's: through the study checker), a
//! vendor's study with a slip is caught and a clean one confirmed, and `[tei]` adjustments
//! reach the risk-adjusted table and results.json.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn shipped() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("scenarios"))
        .expect("scenarios/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 5);
    files
}

fn tei(args: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("valuecase")
        .expect("binary builds")
        .arg("tei")
        .args(args)
        .assert()
}

fn tei_json(args: &[&str]) -> Value {
    let out = tei(args).success().get_output().stdout.clone();
    serde_json::from_slice(&out).expect("valuecase tei --json prints JSON")
}

fn numbers(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("a list")
        .iter()
        .map(|x| x.as_f64().expect("a number"))
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// A reader's recomputation of one table from its rows: PV = Σ (1 + r)^−k × row, NPV and ROI.
fn recompute(table: &Value, rate: f64, what: &str) {
    let (costs, benefits, net) = (
        numbers(&table["costs"]),
        numbers(&table["benefits"]),
        numbers(&table["net"]),
    );
    let pv = |rows: &[f64]| -> f64 {
        rows.iter()
            .enumerate()
            .map(|(k, v)| v / (1.0 + rate).powi(k as i32))
            .sum()
    };
    let (pvc, pvb) = (pv(&costs), pv(&benefits));
    let got = |k: &str| table[k].as_f64().unwrap_or(f64::NAN);
    assert!(
        close(pvc, got("pv_costs")),
        "{what}: PV costs {pvc} vs {}",
        got("pv_costs")
    );
    assert!(close(pvb, got("pv_benefits")), "{what}: PV benefits");
    assert!(close(pvb - pvc, got("npv")), "{what}: NPV");
    assert!(close((pvb - pvc) / pvc, got("roi")), "{what}: ROI");
    for ((b, c), n) in benefits.iter().zip(&costs).zip(&net) {
        assert!(close(b - c, *n), "{what}: net");
    }
}

#[test]
fn every_shipped_scenario_recomputes_from_its_rows() {
    for file in shipped() {
        let path = file.to_str().expect("path");
        let v = tei_json(&[path, "--trials", "1000", "--json"]);
        let rate = v["discount_rate_annual"].as_f64().expect("rate");
        let periods = v["periods"].as_array().expect("periods").len();
        assert_eq!(numbers(&v["discount_factors"]).len(), periods);
        for (k, f) in numbers(&v["discount_factors"]).iter().enumerate() {
            assert!(
                close(*f, (1.0 + rate).powi(-(k as i32))),
                "{path}: factor {k}"
            );
        }
        recompute(&v["unadjusted"], rate, path);
        recompute(&v["risk_adjusted"], rate, path);
        // The lines add up to the tables.
        for (table, key) in [
            ("unadjusted", "unadjusted"),
            ("risk_adjusted", "risk_adjusted"),
        ] {
            for (kind, rows) in [("benefit", "benefits"), ("cost", "costs")] {
                let mut sums = vec![0.0; periods];
                for line in v["lines"].as_array().expect("lines") {
                    if line["kind"] == kind {
                        for (s, x) in sums.iter_mut().zip(numbers(&line[key])) {
                            *s += x;
                        }
                    }
                }
                for (s, t) in sums.iter().zip(numbers(&v[table][rows])) {
                    assert!(close(*s, t), "{path}: {table} {rows}");
                }
            }
        }
        let p = v["npv_percentile"].as_f64().expect("percentile");
        assert!((0.0..=100.0).contains(&p), "{path}: {p}");
        assert_eq!(v["trials"], 1000);
    }
}

/// The table as printed: a reader who copies its rows and figures into a study file finds
/// them consistent with valuecase's own checker (rows and figures rounded to whole units).
#[test]
fn the_printed_table_passes_the_study_check() {
    let dir = tempfile::tempdir().expect("tempdir");
    for file in shipped() {
        let path = file.to_str().expect("path");
        let out = tei(&[path, "--trials", "500"])
            .success()
            .get_output()
            .stdout
            .clone();
        let text = String::from_utf8(out).expect("UTF-8");
        let section = &text[text.find("│ Unadjusted").expect("unadjusted table")..];
        let row = |label: &str| -> Vec<f64> {
            let line = section
                .lines()
                .find(|l| l.starts_with(&format!("│ {label} ")))
                .unwrap_or_else(|| panic!("{path}: no {label} row in\n{text}"));
            line.trim_matches(['│', ' '])
                .split('┆')
                .skip(1)
                .map(|c| c.trim().replace(',', "").parse().expect("a whole number"))
                .collect()
        };
        let (costs, benefits) = (row("Total costs"), row("Total benefits"));
        let periods = costs.len() - 2; // then Total and Present value
        let figures = section
            .lines()
            .find(|l| l.starts_with("Unadjusted: "))
            .expect("figures line");
        let figure = |name: &str| -> String {
            let at = figures.find(&format!("{name} ")).expect(name) + name.len() + 1;
            figures[at..]
                .split([' ', '%'])
                .next()
                .expect("value")
                .replace(',', "")
        };
        let rate = tei_json(&[path, "--trials", "10", "--json"])["discount_rate_annual"]
            .as_f64()
            .expect("rate");
        let join = |v: &[f64]| {
            v[1..periods]
                .iter()
                .map(|x| format!("{x}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let roi: f64 = figure("ROI").parse::<f64>().expect("ROI") / 100.0;
        let study = format!(
            "[study]\nname = \"valuecase's own table\"\ndiscount_rate = {rate}\n\n\
             [costs]\ninitial = {}\nyears = [{}]\n\n[benefits]\ninitial = {}\nyears = [{}]\n\n\
             [published]\npv_costs = {}\npv_benefits = {}\nnpv = {}\nroi = {roi:.2}\n",
            costs[0],
            join(&costs),
            benefits[0],
            join(&benefits),
            costs[periods + 1],
            benefits[periods + 1],
            figure("NPV"),
        );
        let study_file = dir.path().join("own.toml");
        std::fs::write(&study_file, &study).expect("write study");
        let v = tei_json(&[
            path,
            "--trials",
            "10",
            "--json",
            "--vendor",
            study_file.to_str().expect("path"),
        ]);
        assert_eq!(
            v["vendor"]["consistent"], true,
            "{path}: {study}\n{}",
            v["vendor"]["discrepancies"]
        );
    }
}

fn study(name: &str) -> String {
    root().join("tests/data").join(name).display().to_string()
}

#[test]
fn a_slip_is_caught_and_a_clean_study_confirmed() {
    let scenario = root().join("scenarios/midmarket-50m.toml");
    let scenario = scenario.to_str().expect("path");
    let clean = tei_json(&[
        scenario,
        "--trials",
        "2000",
        "--json",
        "--vendor",
        &study("tei-study-clean.toml"),
    ]);
    let v = &clean["vendor"];
    assert_eq!(v["consistent"], true, "{v}");
    assert_eq!(v["discrepancies"].as_array().map(Vec::len), Some(0));
    for key in ["pv_costs", "pv_benefits", "npv", "roi", "payback_months"] {
        assert!(v["recomputed"][key].is_number(), "{key}");
        assert!(v["published"][key].is_number(), "{key}");
    }
    assert!((v["recomputed"]["npv"].as_f64().unwrap() - 2_860_465.82).abs() < 0.01);
    for key in ["roi_percentile", "npv_percentile"] {
        assert!(
            v[key].as_f64().is_some_and(|p| (0.0..=100.0).contains(&p)),
            "{key}: {v}"
        );
    }

    let slip = tei_json(&[
        scenario,
        "--trials",
        "2000",
        "--json",
        "--vendor",
        &study("tei-study-slip.toml"),
    ]);
    let v = &slip["vendor"];
    assert_eq!(v["consistent"], false);
    let d = v["discrepancies"].as_array().expect("discrepancies");
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["figure"], "npv");
    assert_eq!(d[0]["published"], 2_806_466.0);
    assert!((d[0]["recomputed"].as_f64().unwrap() - 2_860_465.82).abs() < 0.01);

    // The table says so in words.
    let out = tei(&[
        scenario,
        "--trials",
        "500",
        "--vendor",
        &study("tei-study-slip.toml"),
    ])
    .success()
    .get_output()
    .stdout
    .clone();
    let text = String::from_utf8(out).expect("UTF-8");
    assert!(
        text.contains("1 published figure does NOT follow"),
        "{text}"
    );
    assert!(
        text.contains("NO: the table allows 2,860,462.33 to 2,860,469.80"),
        "{text}"
    );
}

#[test]
fn the_vendor_npv_is_scaled_by_seats_or_a_factor() {
    let scenario = root().join("scenarios/midmarket-50m.toml");
    let scenario = scenario.to_str().expect("path");
    let clean = study("tei-study-clean.toml");
    let by_seats = tei_json(&[
        scenario,
        "--trials",
        "500",
        "--json",
        "--vendor",
        &clean,
        "--vendor-scale",
        "seats",
    ]);
    // 125 seats here, 2,000 in the study.
    let v = &by_seats["vendor"];
    assert!(close(v["scale"].as_f64().unwrap(), 125.0 / 2000.0), "{v}");
    assert!(close(
        v["placed_npv"].as_f64().unwrap(),
        2_860_466.0 * 125.0 / 2000.0
    ));
    assert_eq!(v["placed_roi"], 2.62);
    let by_factor = tei_json(&[
        scenario,
        "--trials",
        "500",
        "--json",
        "--vendor",
        &clean,
        "--vendor-scale",
        "0.5",
    ]);
    assert!(close(
        by_factor["vendor"]["placed_npv"].as_f64().unwrap(),
        1_430_233.0
    ));

    // A study without seats cannot be scaled by seats: bad input, before any trial.
    let dir = tempfile::tempdir().expect("tempdir");
    let no_seats = dir.path().join("no-seats.toml");
    let text = std::fs::read_to_string(&clean)
        .expect("study")
        .replace("seats = 2_000\n", "");
    std::fs::write(&no_seats, text).expect("write");
    tei(&[
        scenario,
        "--vendor",
        no_seats.to_str().unwrap(),
        "--vendor-scale",
        "seats",
    ])
    .code(2)
    .stderr(predicates::str::contains("needs the study's `seats`"));
    tei(&[scenario, "--vendor", &clean, "--vendor-scale", "-3"])
        .code(2)
        .stderr(predicates::str::contains("positive factor"));
}

#[test]
fn a_bad_study_is_reported_with_its_location() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("bad.toml");
    let text = std::fs::read_to_string(study("tei-study-clean.toml"))
        .expect("study")
        .replace("discount_rate = 0.10", "discount_rate = \"ten percent\"");
    std::fs::write(&bad, &text).expect("write");
    let scenario = root().join("scenarios/midmarket-50m.toml");
    let line = text
        .lines()
        .position(|l| l.starts_with("discount_rate"))
        .unwrap()
        + 1;
    tei(&[
        scenario.to_str().unwrap(),
        "--vendor",
        bad.to_str().unwrap(),
    ])
    .code(2)
    .stderr(predicates::str::contains(format!("bad.toml:{line}:17")))
    .stderr(predicates::str::contains("study.discount_rate"))
    .stderr(predicates::str::contains("0.10 = 10%"));
    tei(&[scenario.to_str().unwrap(), "--vendor", "no-such-study.toml"])
        .code(2)
        .stderr(predicates::str::contains("file not found"));
}

/// `[tei]` haircuts and uplifts shape the risk-adjusted table only, in `valuecase tei` and in
/// results.json alike.
#[test]
fn adjustments_reach_the_risk_adjusted_table_and_results_json() {
    let text = std::fs::read_to_string(root().join("scenarios/midmarket-50m.toml"))
        .expect("scenario")
        + "\n[tei]\nbenefit_haircut = 0.1\ncost_uplift = 0.05\n\n[[tei.costs]]\nname = \"CRM licences\"\nuplift = 0.2\n";
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("adjusted.toml");
    std::fs::write(&file, text).expect("write");
    let path = file.to_str().expect("path");
    let v = tei_json(&[path, "--trials", "1000", "--json"]);
    let (u, r) = (&v["unadjusted"], &v["risk_adjusted"]);
    let f = |t: &Value, k: &str| t[k].as_f64().unwrap();
    assert!(close(f(r, "pv_benefits"), 0.9 * f(u, "pv_benefits")));
    assert!(f(r, "pv_costs") > 1.05 * f(u, "pv_costs"));
    let licences = v["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["name"] == "CRM licences")
        .expect("licences line");
    assert_eq!(licences["adjustment"], 0.2);
    recompute(r, 0.1, "adjusted");

    Command::cargo_bin("valuecase")
        .unwrap()
        .args([
            "run",
            path,
            "--trials",
            "1000",
            "--quiet",
            "--no-charts",
            "--out",
        ])
        .arg(dir.path().join("out"))
        .assert()
        .success();
    let results: Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("out/results.json")).expect("results.json"),
    )
    .expect("JSON");
    assert_eq!(results["tei"]["risk_adjusted"], v["risk_adjusted"]);
    assert_eq!(results["tei"]["npv_percentile"], v["npv_percentile"]);
}
