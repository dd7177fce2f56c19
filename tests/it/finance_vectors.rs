//! Checks every case of `tests/data/finance_vectors.json` (published numpy-financial 1.0.0
//! tests, Microsoft Excel/DAX documentation examples, textbook payback cases; see
//! `tests/data/README.md`) against `valuecase::finance`, dispatching on each case's
//! `convention` (names from `tests/data/finance_conventions.json`). Every case must be checked:
//! the per-kind counts must add up to the number of cases in the file.

use std::collections::BTreeMap;

use serde_json::Value;
use valuecase::finance;

const VECTORS: &str = include_str!("../data/finance_vectors.json");
/// This project's own cases (see `tests/data/README.md`): break-even decided exactly.
const BREAK_EVEN: &str = include_str!("../data/finance_breakeven.json");
const CONVENTIONS: &str = include_str!("../data/finance_conventions.json");

/// What a finance function produced for a case.
#[derive(Debug)]
enum Outcome {
    Value(f64),
    /// NaN or `None` for measures whose "no answer" is `nan` (npv, irr, mirr, xnpv, xirr).
    Nan,
    /// `None` from a payback function.
    Never,
}

fn num(case: &Value, key: &str) -> f64 {
    case[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{}: field {key} is not a number", case["name"]))
}

fn flows(case: &Value) -> Vec<f64> {
    case["cashflows"]
        .as_array()
        .unwrap_or_else(|| panic!("{}: no cashflows", case["name"]))
        .iter()
        .map(|v| v.as_f64().expect("cash flow is a number"))
        .collect()
}

fn days(case: &Value) -> Vec<i64> {
    case["dates"]
        .as_array()
        .unwrap_or_else(|| panic!("{}: no dates", case["name"]))
        .iter()
        .map(|v| {
            let s = v.as_str().expect("date is a string");
            finance::iso_date_to_days(s).unwrap_or_else(|| panic!("bad ISO date {s}"))
        })
        .collect()
}

/// Per-period rate of a case: `rate`, or `annual_rate` converted for `periods_per_year`.
fn period_rate(case: &Value) -> f64 {
    if let Some(annual) = case.get("annual_rate").and_then(Value::as_f64) {
        let per_year = case
            .get("periods_per_year")
            .and_then(Value::as_f64)
            .unwrap_or(12.0);
        return if per_year == 12.0 {
            finance::monthly_rate(annual)
        } else {
            (1.0 + annual).powf(1.0 / per_year) - 1.0
        };
    }
    num(case, "rate")
}

fn from_f64(x: f64) -> Outcome {
    if x.is_nan() {
        Outcome::Nan
    } else {
        Outcome::Value(x)
    }
}

fn from_opt(x: Option<f64>) -> Outcome {
    x.map_or(Outcome::Nan, Outcome::Value)
}

fn from_payback(x: Option<f64>) -> Outcome {
    x.map_or(Outcome::Never, Outcome::Value)
}

/// Run the finance function the case's convention names.
fn compute(case: &Value) -> Outcome {
    let convention = case["convention"].as_str().expect("convention is a string");
    let key = convention.split(':').next().unwrap().trim();
    let cf = flows(case);
    match key {
        "npv_t0" | "excel_npv_plus_t0" | "monthly_npv_t0" => {
            from_f64(finance::npv(period_rate(case), &cf))
        }
        "excel_npv" => {
            // Excel discounts its first value one period: NPV(rate, v1..vn) = npv(rate, [0, v1..vn]).
            let mut t0 = vec![0.0];
            t0.extend(&cf);
            from_f64(finance::npv(period_rate(case), &t0))
        }
        "irr_npf100" | "irr_unique" | "excel_irr" => from_opt(finance::irr(&cf)),
        "mirr" => from_opt(finance::mirr(
            &cf,
            num(case, "finance_rate"),
            num(case, "reinvest_rate"),
        )),
        "xnpv_act365" => from_f64(finance::xnpv(num(case, "rate"), &cf, &days(case))),
        "xirr_act365" => from_opt(finance::xirr(&cf, &days(case))),
        "payback_first" => from_payback(finance::payback(&cf)),
        "payback_last" => from_payback(finance::payback_last(&cf)),
        "discounted_payback_first" => {
            from_payback(finance::discounted_payback(period_rate(case), &cf))
        }
        "discounted_payback_last" => {
            from_payback(finance::discounted_payback_last(period_rate(case), &cf))
        }
        other => panic!("{}: unknown convention {other:?}", case["name"]),
    }
}

/// Check one case; `Err` describes a mismatch.
fn check(case: &Value) -> Result<(), String> {
    let name = case["name"].as_str().unwrap_or("?");
    let status = case["expected_status"].as_str().expect("expected_status");
    let got = compute(case);
    match (status, &got) {
        ("nan", Outcome::Nan) | ("never", Outcome::Never) => Ok(()),
        ("value", Outcome::Value(v)) => {
            let expected = num(case, "expected");
            let tol = &case["tolerance"];
            let (allowed, what) = if let Some(a) = tol.get("abs").and_then(Value::as_f64) {
                (a, "abs")
            } else if let Some(r) = tol.get("rel").and_then(Value::as_f64) {
                (r * expected.abs(), "rel")
            } else {
                panic!("{name}: tolerance must be {{abs}} or {{rel}}: {tol}");
            };
            let err = (v - expected).abs();
            if err <= allowed {
                extra_checks(case, *v)
            } else {
                Err(format!(
                    "{name}: got {v:e}, expected {expected:e} (|err| {err:e} > {what} tolerance {allowed:e})"
                ))
            }
        }
        _ => Err(format!("{name}: expected status {status}, got {got:?}")),
    }
}

/// Assertions stated in a case's `extra.also_check`, e.g. `abs(npv(expected, cashflows)) < 1e-9`
/// for the IRR/NPV congruence test: applied to the rate we computed.
fn extra_checks(case: &Value, got: f64) -> Result<(), String> {
    let Some(check) = case["extra"].get("also_check").and_then(Value::as_str) else {
        return Ok(());
    };
    let name = case["name"].as_str().unwrap_or("?");
    let Some(bound) = check
        .strip_prefix("abs(npv(expected, cashflows)) <")
        .and_then(|b| b.trim().parse::<f64>().ok())
    else {
        return Err(format!("{name}: unsupported also_check {check:?}"));
    };
    let residual = finance::npv(got, &flows(case)).abs();
    if residual < bound {
        Ok(())
    } else {
        Err(format!("{name}: |npv(irr)| = {residual:e} not < {bound:e}"))
    }
}

#[test]
fn every_finance_vector_passes() {
    let cases: Vec<Value> = serde_json::from_str(VECTORS).expect("vectors parse");
    let conventions: Value = serde_json::from_str(CONVENTIONS).expect("conventions parse");
    let declared = conventions["n_cases"].as_u64().expect("n_cases") as usize;
    assert_eq!(
        cases.len(),
        declared,
        "vectors file and conventions disagree on the case count"
    );
    assert_eq!(
        cases.len(),
        69,
        "the shared vectors file changed: review the new cases"
    );

    let mut checked: BTreeMap<String, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for case in &cases {
        let kind = case["kind"].as_str().expect("kind").to_string();
        // every convention used must be one the conventions file defines
        let key = case["convention"]
            .as_str()
            .unwrap()
            .split(':')
            .next()
            .unwrap();
        assert!(
            conventions["conventions"].get(key).is_some(),
            "{}: convention {key} not in conventions.json",
            case["name"]
        );
        if let Err(e) = check(case) {
            failures.push(e);
        }
        *checked.entry(kind).or_default() += 1;
    }
    let total: usize = checked.values().sum();
    eprintln!("finance vectors checked per kind: {checked:?} (total {total})");
    assert!(
        failures.is_empty(),
        "{} failing case(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(total, cases.len(), "some cases were not checked");
}

/// Flows whose running balance or total is within rounding of zero: the exact answer, never
/// the one a floating-point running sum gives (which each case records and which differs in
/// most of them).
#[test]
fn every_break_even_case_passes() {
    let cases: Vec<Value> = serde_json::from_str(BREAK_EVEN).expect("break-even cases parse");
    let conventions: Value = serde_json::from_str(CONVENTIONS).expect("conventions parse");
    assert_eq!(
        cases.len(),
        8,
        "the break-even file changed: review the new cases"
    );
    let mut float_differs = 0;
    let mut failures = Vec::new();
    for case in &cases {
        let key = case["convention"]
            .as_str()
            .unwrap()
            .split(':')
            .next()
            .unwrap();
        assert!(
            conventions["conventions"].get(key).is_some(),
            "{}",
            case["name"]
        );
        assert!(case["source"].as_str().is_some_and(|s| !s.is_empty()));
        if let Err(e) = check(case) {
            failures.push(e);
        }
        let float = case["extra"]["float_running_sum_answer"].as_str();
        let exact = match case["expected"].as_f64() {
            Some(v) => format!("{v:?}"),
            None => "never".to_string(),
        };
        float_differs += usize::from(float.is_some_and(|f| f != exact));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(
        float_differs, 6,
        "cases where the float running sum is wrong"
    );
}

/// Multiple-IRR cases: the root returned is one of `extra.all_real_irrs`, the one closest to 0.
#[test]
fn ambiguous_irr_cases_return_the_smallest_listed_root() {
    let cases: Vec<Value> = serde_json::from_str(VECTORS).unwrap();
    let mut n = 0;
    for case in cases.iter().filter(|c| c["kind"] == "irr") {
        let Some(roots) = case["extra"].get("all_real_irrs").and_then(Value::as_array) else {
            continue;
        };
        let roots: Vec<f64> = roots.iter().filter_map(Value::as_f64).collect();
        let got = finance::irr(&flows(case));
        match roots
            .iter()
            .copied()
            .min_by(|a, b| a.abs().total_cmp(&b.abs()))
        {
            None => assert_eq!(got, None, "{}", case["name"]),
            Some(best) => {
                let got = got.unwrap_or_else(|| panic!("{}: no IRR", case["name"]));
                assert!(
                    (got - best).abs() < 1e-4,
                    "{}: {got} vs {best}",
                    case["name"]
                );
            }
        }
        n += 1;
    }
    assert!(
        n >= 15,
        "expected the irr cases to list their roots, saw {n}"
    );
}

/// The checker itself rejects a wrong value, a wrong status, and an unknown convention, so a
/// green run means the vectors really matched.
#[test]
fn checker_rejects_mismatches() {
    let case = |expected: Value, status: &str| {
        serde_json::json!({
            "name": "self_test",
            "kind": "npv",
            "rate": 0.1,
            "cashflows": [-100.0, 110.0],
            "dates": null,
            "expected": expected,
            "expected_status": status,
            "tolerance": {"abs": 1e-9},
            "convention": "npv_t0: self test",
        })
    };
    assert!(check(&case(serde_json::json!(0.0), "value")).is_ok());
    assert!(check(&case(serde_json::json!(1e-6), "value")).is_err());
    assert!(check(&case(Value::Null, "nan")).is_err());
    let mut never = case(Value::Null, "never");
    never["kind"] = "payback".into();
    never["convention"] = "payback_first: self test".into();
    never["cashflows"] = serde_json::json!([-100.0, 50.0]);
    assert!(check(&never).is_ok());
    never["cashflows"] = serde_json::json!([-100.0, 150.0]);
    assert!(check(&never).is_err());
    let mut unknown = case(serde_json::json!(0.0), "value");
    unknown["convention"] = "npv_t1: no such convention".into();
    assert!(std::panic::catch_unwind(|| check(&unknown)).is_err());
}
