//! The finance hand-off: `case.xlsx` recalculated by an independent spreadsheet engine
//! (LibreOffice, headless) must reproduce valuecase's own base case for every shipped scenario
//! and for generated ones; editing an input in the recalculated workbook must move NPV exactly
//! as `valuecase cashflow` moves for the edited scenario; `trials.csv` row N must be the trial
//! `cashflow --trial N` prints; a merged run must export what one run exports.
//!
//! The LibreOffice tests print a skip notice where LibreOffice is missing, except under CI
//! (`CI` set), where they fail: `.ci/run` installs `libreoffice-calc-nogui`.

mod calc;
mod generated;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use calc::{Book, Value};

fn valuecase() -> Command {
    Command::cargo_bin("valuecase").expect("the binary")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn shipped() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("scenarios"))
        .expect("scenarios folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    v.sort();
    v
}

/// Run `scenario` with a few trials into `out` (no charts); returns results.json.
fn run(scenario: &Path, out: &Path, extra: &[&str]) -> serde_json::Value {
    valuecase()
        .arg("run")
        .arg(scenario)
        .args([
            "--trials",
            "60",
            "--seed",
            "7",
            "--no-charts",
            "--quiet",
            "--out",
        ])
        .arg(out)
        .args(extra)
        .assert()
        .success();
    serde_json::from_slice(&std::fs::read(out.join("results.json")).expect("results.json"))
        .expect("JSON")
}

/// `|a − b| ≤ tol · |b|`, with an absolute floor of `tol` units for values near zero.
fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * b.abs().max(1.0)
}

/// The workbook's base-case results, as LibreOffice computed them, against results.json's.
fn check_base_case(what: &str, book: &Book, results: &serde_json::Value) {
    let base = &results["base_case"];
    let checks = [
        ("base_npv", "npv", 1e-9),
        ("base_pv_benefits", "pv_benefits", 1e-9),
        ("base_pv_costs", "pv_costs", 1e-9),
        ("base_roi", "roi", 1e-9),
        ("base_irr_annual", "irr_annual", 1e-9),
        ("base_payback_months", "payback_months", 1e-9),
        (
            "base_discounted_payback_months",
            "discounted_payback_months",
            1e-9,
        ),
    ];
    for (name, key, tol) in checks {
        let got = book
            .named(name)
            .unwrap_or_else(|| panic!("{what}: no {name}"));
        match (got, base[key].as_f64()) {
            (Value::Number(x), Some(want)) => {
                let ok = if key.contains("payback") || key == "irr_annual" {
                    (x - want).abs() <= tol
                } else {
                    close(*x, want, tol)
                };
                assert!(
                    ok,
                    "{what}: {name} is {x} in LibreOffice, {want} in valuecase"
                );
            }
            (Value::Text(t), None) => {
                assert!(
                    ["n/a", "none", "never"].contains(&t.as_str()),
                    "{what}: {name} reads {t:?}"
                );
            }
            (got, want) => {
                panic!("{what}: {name} is {got:?} in LibreOffice, {want:?} in valuecase")
            }
        }
    }
    check_tei(what, book, results);
    // The mean flows' NPV, a formula, is the mean NPV (NPV is linear).
    let mean_npv = results["npv"]["mean"].as_f64().expect("mean NPV");
    let sheet_npv = book
        .named("mean_flow_npv")
        .and_then(Value::number)
        .unwrap_or_else(|| panic!("{what}: no NPV of the mean flows"));
    let scale = results["pv_benefits"]["mean"].as_f64().unwrap_or(0.0)
        + results["pv_costs"]["mean"].as_f64().unwrap_or(0.0);
    assert!(
        (sheet_npv - mean_npv).abs() <= 1e-9 * mean_npv.abs().max(1e-3 * scale),
        "{what}: NPV of the mean flows {sheet_npv}, mean NPV {mean_npv}"
    );
}

/// The TEI sheet's figures, formulas over the Base case columns and the `[tei]` adjustments,
/// as LibreOffice computed them, against results.json's `tei` tables.
fn check_tei(what: &str, book: &Book, results: &serde_json::Value) {
    let tei = &results["tei"];
    for (name, table, key) in [
        ("tei_pv_costs", "risk_adjusted", "pv_costs"),
        ("tei_pv_benefits", "risk_adjusted", "pv_benefits"),
        ("tei_npv", "risk_adjusted", "npv"),
        ("tei_roi", "risk_adjusted", "roi"),
        ("tei_unadjusted_npv", "unadjusted", "npv"),
    ] {
        let want = tei[table][key].as_f64();
        match (book.named(name), want) {
            (Some(Value::Number(x)), Some(want)) => {
                let scale = tei[table]["pv_costs"].as_f64().unwrap_or(0.0)
                    + tei[table]["pv_benefits"].as_f64().unwrap_or(0.0);
                let tol = if key == "roi" {
                    1e-9
                } else {
                    1e-9 * scale.max(1.0)
                };
                assert!(
                    (x - want).abs() <= tol,
                    "{what}: {name} is {x} in LibreOffice, {want} in valuecase"
                );
            }
            (Some(Value::Text(t)), None) => assert_eq!(t, "n/a", "{what}: {name}"),
            (got, want) => {
                panic!("{what}: {name} is {got:?} in LibreOffice, {want:?} in valuecase")
            }
        }
    }
}

#[test]
fn every_workbook_recomputes_to_valuecases_own_base_case() {
    let Some(soffice) = calc::soffice_or_skip("workbook recalculation") else {
        return;
    };
    let dir = tempfile::tempdir().expect("temporary folder");
    let mut cases: Vec<(String, PathBuf)> = shipped()
        .into_iter()
        .map(|p| (p.display().to_string(), p))
        .collect();
    // A case with TEI risk adjustments: haircuts and uplifts, one line's its own.
    let adjusted = dir.path().join("tei-adjusted.toml");
    std::fs::write(
        &adjusted,
        std::fs::read_to_string(root().join("scenarios/midmarket-50m.toml")).expect("scenario")
            + "\n[tei]\nbenefit_haircut = 0.1\ncost_uplift = 0.05\n\n[[tei.costs]]\nname = \"CRM licences\"\nuplift = 0.2\n",
    )
    .expect("scenario written");
    cases.push(("midmarket-50m.toml with [tei] adjustments".into(), adjusted));
    let mut texts = String::new();
    for seed in 1..=12 {
        let path = dir.path().join(format!("generated-{seed}.toml"));
        let text = generated::scenario(seed);
        std::fs::write(&path, &text).expect("scenario written");
        texts += &text;
        cases.push((format!("generated scenario {seed}"), path));
    }
    // The generated scenarios reach every construct of the model.
    for construct in [
        "working_weeks",
        "from_month = ",
        "ramp_months = ",
        "contract_month",
        "starts = \"go_live\"",
        "risks = {",
        "driver = \"lead_volume\"",
        "driver = \"retention\"",
        "curve = \"table\"",
    ] {
        assert!(
            texts.contains(construct),
            "no generated scenario has {construct}"
        );
    }
    let mut books = Vec::new();
    let mut results = Vec::new();
    for (k, (what, path)) in cases.iter().enumerate() {
        let out = dir.path().join(format!("run-{k}"));
        results.push(run(path, &out, &[]));
        let xlsx = dir.path().join(format!("case-{k}.xlsx"));
        std::fs::rename(out.join("case.xlsx"), &xlsx)
            .unwrap_or_else(|e| panic!("{what}: no case.xlsx ({e})"));
        books.push(xlsx);
    }
    let recalculated = calc::recalculate(&soffice, dir.path(), &books, &dir.path().join("lo"));
    for ((what, _), (fods, results)) in cases.iter().zip(recalculated.iter().zip(&results)) {
        check_base_case(what, &Book::read(fods), results);
    }
    // As a user's LibreOffice opens it, without being told to recalculate: the formulas carry
    // no cached values, so it computes them all the same.
    let fods = calc::open_as_installed(&soffice, dir.path(), &books[0], &dir.path().join("lo0"));
    check_base_case(&cases[0].0, &Book::read(&fods), &results[0]);
}

/// NPV of the base case from `valuecase cashflow --csv` (Σ discounted net).
fn cashflow_npv(scenario: &Path, extra: &[&str]) -> f64 {
    let out = valuecase()
        .arg("cashflow")
        .arg(scenario)
        .arg("--csv")
        .args(extra)
        .output()
        .expect("cashflow runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut r = csv::Reader::from_reader(out.stdout.as_slice());
    let headers = r.headers().expect("header").clone();
    let col = headers
        .iter()
        .position(|h| h == "discounted_net")
        .expect("discounted_net column");
    r.records()
        .map(|row| row.expect("row")[col].parse::<f64>().expect("number"))
        .sum()
}

#[test]
fn editing_a_ceiling_in_the_workbook_moves_npv_as_cashflow_does() {
    let Some(soffice) = calc::soffice_or_skip("workbook edit") else {
        return;
    };
    let dir = tempfile::tempdir().expect("temporary folder");
    let original = root().join("scenarios/midmarket-50m.toml");
    let text = std::fs::read_to_string(&original).expect("scenario");
    // The Sales team's ceiling: PERT 0.50 / 0.80 / 0.95, base value the mode 0.80.
    let from = "name = \"Sales team\"";
    let at = text.find(from).expect("the Sales team group");
    let ceiling = at
        + text[at..]
            .find("ceiling = { pert = [0.50, 0.80, 0.95] }")
            .expect("its ceiling");
    let edited_text = format!(
        "{}ceiling = {{ pert = [0.50, 0.87, 0.95] }}{}",
        &text[..ceiling],
        &text[ceiling + "ceiling = { pert = [0.50, 0.80, 0.95] }".len()..]
    );
    let edited = dir.path().join("edited.toml");
    std::fs::write(&edited, edited_text).expect("edited scenario");

    run(&original, &dir.path().join("run"), &[]);
    let xlsx = dir.path().join("case.xlsx");
    std::fs::rename(dir.path().join("run/case.xlsx"), &xlsx).expect("case.xlsx");
    let first = &calc::recalculate(&soffice, dir.path(), &[xlsx], &dir.path().join("lo1"))[0];
    let before = Book::read(first);
    let name = "ceiling_Sales_team";
    assert_eq!(
        before.named(name),
        Some(&Value::Number(0.8)),
        "{name} is the base value"
    );
    // Type the new base value into the recalculated workbook and let LibreOffice recompute.
    let typed = dir.path().join("typed.fods");
    std::fs::write(&typed, before.with_number(name, 0.87)).expect("edited workbook");
    let second = calc::recalculate_edited(&soffice, dir.path(), &typed, &dir.path().join("lo2"));
    let after = Book::read(&second);
    assert_eq!(after.named(name), Some(&Value::Number(0.87)));

    let npv = |b: &Book| {
        b.named("base_npv")
            .and_then(Value::number)
            .expect("base_npv")
    };
    let (sheet_before, sheet_after) = (npv(&before), npv(&after));
    let (cash_before, cash_after) = (cashflow_npv(&original, &[]), cashflow_npv(&edited, &[]));
    let (sheet_change, cash_change) = (sheet_after - sheet_before, cash_after - cash_before);
    assert!(
        cash_change.abs() > 1000.0,
        "the edit moves NPV ({cash_change})"
    );
    assert!(
        (sheet_change - cash_change).abs() <= 1e-9 * cash_after.abs(),
        "the workbook moved NPV by {sheet_change}, cashflow by {cash_change}"
    );
    assert!(
        close(sheet_after, cash_after, 1e-9),
        "{sheet_after} against {cash_after}"
    );
}

/// Names full of formula and markup: they stay text in every cell, and the workbook still
/// recomputes to the base case.
#[test]
fn names_from_the_scenario_never_become_formulas() {
    let Some(soffice) = calc::soffice_or_skip("workbook names") else {
        return;
    };
    let dir = tempfile::tempdir().expect("temporary folder");
    let text =
        std::fs::read_to_string(root().join("scenarios/midmarket-50m.toml")).expect("scenario");
    let hostile = [
        (
            "Opportunity management",
            "=HYPERLINK(\\\"http://x.invalid\\\",\\\"click\\\")",
        ),
        ("Sales team", "+SUM(1,1) <b>&amp;</b>"),
        ("CRM licences", "@cmd|' /C calc'!A0"),
        ("Service cases", "-2+3 'quoted'"),
    ];
    let mut changed = text.clone();
    for (from, to) in hostile {
        changed = changed.replace(from, to);
    }
    let path = dir.path().join("hostile.toml");
    std::fs::write(&path, changed).expect("scenario written");
    let results = run(&path, &dir.path().join("run"), &[]);
    let xlsx = dir.path().join("case.xlsx");
    std::fs::rename(dir.path().join("run/case.xlsx"), &xlsx).expect("case.xlsx");
    let fods = &calc::recalculate(&soffice, dir.path(), &[xlsx], &dir.path().join("lo"))[0];
    let book = Book::read(fods);
    check_base_case("hostile names", &book, &results);
    let names = [
        "=HYPERLINK(\"http://x.invalid\",\"click\")",
        "+SUM(1,1) <b>&amp;</b>",
        "@cmd|' /C calc'!A0",
        "-2+3 'quoted'",
    ];
    for name in names {
        let cells: Vec<_> = book
            .cells
            .iter()
            .filter(|(_, v)| matches!(v, Value::Text(t) if t.contains(name)))
            .collect();
        assert!(!cells.is_empty(), "{name:?} appears in the workbook");
        for (at, _) in cells {
            assert!(
                !book.formulas.contains_key(at),
                "{name:?} became a formula at {at:?}"
            );
        }
    }
    for formula in book.formulas.values() {
        // Defined names may spell a name (letters, digits, underscores), never call anything.
        assert!(
            !formula.contains("HYPERLINK(") && !formula.contains("cmd|"),
            "{formula}"
        );
    }
}

#[test]
fn trials_csv_rows_are_the_trials_cashflow_prints() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let scenario = root().join("scenarios/hightech-change-programme.toml");
    run(&scenario, dir.path(), &["--export", "trials"]);
    assert!(
        !dir.path().join("monthly.csv").exists(),
        "--export lists the data files"
    );
    let mut r = csv::Reader::from_path(dir.path().join("trials.csv")).expect("trials.csv");
    let headers = r.headers().expect("header").clone();
    let npv_col = headers.iter().position(|h| h == "npv").expect("npv column");
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.expect("row")).collect();
    assert_eq!(rows.len(), 60);
    let inputs = headers.iter().take_while(|h| *h != "npv").count() - 1;
    assert!(inputs > 30, "every sampled input has a column ({inputs})");
    // Every risk occurrence reads 1 or 0, those that levers make less likely too (drawn as
    // the uniform that decides them).
    let occurs: Vec<usize> = (0..headers.len())
        .filter(|&c| headers[c].ends_with(".occurs"))
        .collect();
    assert!(!occurs.is_empty(), "risk occurrences");
    for &c in &occurs {
        assert!(
            rows.iter().all(|r| r[c] == *"0" || r[c] == *"1"),
            "{} is not 0 or 1",
            &headers[c]
        );
    }
    // The trial's fall-back month, and the same trial without the levers after the
    // contributions.
    let last: Vec<&str> = headers.iter().rev().take(2).collect();
    assert_eq!(last, ["pv_lever_costs", "npv_without_levers"]);
    assert!(headers.iter().any(|h| h == "falls_back_months"));
    for n in [0usize, 1, 17, 59] {
        let row = &rows[n];
        assert_eq!(&row[0], n.to_string().as_str());
        // The terminal heading prints the NPV as trials.csv writes it: the same text.
        let out = valuecase()
            .arg("cashflow")
            .arg(&scenario)
            .args(["--trial", &n.to_string(), "--seed", "7"])
            .output()
            .expect("cashflow runs");
        let heading = String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .unwrap_or("")
            .to_string();
        assert!(
            heading.contains(&format!("NPV {} ", &row[npv_col])),
            "trial {n}: {heading:?} against {}",
            &row[npv_col]
        );
        let sum = cashflow_npv(&scenario, &["--trial", &n.to_string(), "--seed", "7"]);
        let npv: f64 = row[npv_col].parse().expect("npv");
        assert!(
            close(sum, npv, 1e-9),
            "trial {n}: Σ discounted net {sum}, row {npv}"
        );
    }
}

#[test]
fn a_merged_run_exports_what_one_run_exports() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let scenario = root().join("scenarios/midmarket-50m.toml");
    let whole = dir.path().join("whole");
    valuecase()
        .arg("run")
        .arg(&scenario)
        .args(["--trials", "3000", "--seed", "3", "--no-charts", "--quiet"])
        .args(["--export", "monthly,trials", "--out"])
        .arg(&whole)
        .assert()
        .success();
    let parts = dir.path().join("parts");
    for range in ["1234..3000", "0..1234"] {
        valuecase()
            .arg("run")
            .arg(&scenario)
            .args(["--trials-range", range, "--seed", "3", "--quiet", "--out"])
            .arg(&parts)
            .assert()
            .success();
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&parts)
        .expect("parts")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    valuecase()
        .arg("merge")
        .args(&files)
        .args([
            "--no-charts",
            "--quiet",
            "--export",
            "monthly,trials",
            "--out",
        ])
        .arg(dir.path().join("merged"))
        .assert()
        .success();
    for file in ["monthly.csv", "trials.csv"] {
        let a = std::fs::read(whole.join(file)).expect("one run's file");
        let b = std::fs::read(dir.path().join("merged").join(file)).expect("merged file");
        assert!(
            a == b,
            "{file} differs between one run and the merged parts"
        );
    }
    assert!(dir.path().join("merged/case.xlsx").exists());
}

#[test]
fn a_run_owns_every_file_it_writes() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let scenario = root().join("scenarios/midmarket-50m.toml");
    std::fs::create_dir_all(dir.path()).expect("folder");
    std::fs::write(dir.path().join("notes.txt"), "mine").expect("a user's file");
    valuecase()
        .arg("run")
        .arg(&scenario)
        .args([
            "--trials",
            "200",
            "--quiet",
            "--export",
            "monthly,trials",
            "--out",
        ])
        .arg(dir.path())
        .assert()
        .success();
    let listing = |d: &Path| {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .expect("listing")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    let full = listing(dir.path());
    for f in [
        "case.xlsx",
        "monthly.csv",
        "trials.csv",
        "results.json",
        "report.html",
    ] {
        assert!(full.contains(&f.to_string()), "{f} in {full:?}");
    }
    // A run without charts, workbook or trials removes those files of the earlier run (they
    // are a run's own, so a folder never mixes two runs) and leaves the user's file alone.
    valuecase()
        .arg("run")
        .arg(&scenario)
        .args([
            "--trials",
            "200",
            "--quiet",
            "--no-charts",
            "--no-workbook",
            "--out",
        ])
        .arg(dir.path())
        .assert()
        .success();
    assert_eq!(
        listing(dir.path()),
        ["monthly.csv", "notes.txt", "results.json"]
    );
    valuecase()
        .arg("run")
        .arg(&scenario)
        .args([
            "--trials",
            "200",
            "--quiet",
            "--no-charts",
            "--export",
            "none",
            "--out",
        ])
        .arg(dir.path())
        .assert()
        .success();
    assert_eq!(
        listing(dir.path()),
        ["case.xlsx", "notes.txt", "results.json"]
    );
}
