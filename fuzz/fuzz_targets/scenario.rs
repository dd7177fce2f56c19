//! Coverage-guided fuzzing of the whole front half of valuecase: scenario text → parse and
//! validate → compile → a short simulation (16 trials) → summary → JSON.
//!
//! Properties checked (a failure aborts, and libFuzzer saves the input):
//! - nothing panics, whatever the bytes;
//! - a rejected scenario has at least one diagnostic and its message formats: every problem
//!   with its `-->` line, at most 50 problems, and not one invisible character (control,
//!   bidirectional, zero-width) on any line, whatever the input holds;
//! - an accepted scenario compiles and runs, every per-trial NPV / PV / capability value is
//!   finite, ROI / IRR / payback are finite or "undefined" (NaN inside the engine, null in JSON)
//!   and never infinite;
//! - the summary serialises to JSON with `null` only where the format documents it.
//!
//! Run: see docs/FUZZING.md.

#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use valuecase::engine::{self, RunSpec, ScenarioIdentity};
use valuecase::model::Model;
use valuecase::scenario;

/// Trials per accepted scenario: enough to exercise every code path, cheap enough to keep
/// thousands of executions a second on small inputs.
const TRIALS: u64 = 16;

fn check_json(v: &Value, path: &str) {
    match v {
        Value::Null => {
            assert!(
                valuecase::results::may_be_null(path),
                "null (a NaN or infinity) at `{path}`"
            )
        }
        Value::Array(items) => items.iter().for_each(|x| check_json(x, path)),
        Value::Object(map) => {
            for (k, x) in map {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                check_json(x, &p);
            }
        }
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    // Non-UTF-8 bytes are parse_file's business (covered by the catalogue); here only text.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let scenario = match scenario::parse_str(text, None) {
        Ok(s) => s,
        Err(e) => {
            assert!(!e.diagnostics.is_empty(), "an error without diagnostics");
            let shown = e.to_string();
            assert!(shown.starts_with("error: "), "{shown}");
            let errors = shown.lines().filter(|l| l.starts_with("error: ")).count();
            let wheres = shown
                .lines()
                .filter(|l| l.trim_start().starts_with("--> "))
                .count();
            assert!(errors <= 50, "{errors} problems printed");
            assert_eq!(errors, wheres, "a problem without its --> line:\n{shown}");
            assert_eq!(errors, e.count().min(50), "{shown}");
            for line in shown.lines() {
                assert!(
                    !line.chars().any(scenario::is_invisible),
                    "an invisible character reaches the terminal: {line:?}"
                );
            }
            return;
        }
    };
    let model = Model::compile(&scenario);
    let (base, scratch) = engine::base_case(&model);
    assert!(base.npv.is_finite(), "base-case NPV {}", base.npv);
    assert!(
        scratch.cumulative_net.iter().all(|x| x.is_finite()),
        "base-case cumulative net cash flow is not finite"
    );
    let output = engine::run(
        &model,
        RunSpec {
            seed: 7,
            first_trial: 0,
            trials: TRIALS,
        },
        &|_| {},
    );
    let table = &output.table;
    // The table is column-major: gather each trial's row.
    for row in (0..table.rows()).map(|i| table.row(i)) {
        let [npv, pv_b, pv_c, roi, irr, payback, dpayback] = row[..7] else {
            unreachable!()
        };
        assert!(
            npv.is_finite() && pv_b.is_finite() && pv_c.is_finite(),
            "NPV {npv}, PV benefits {pv_b}, PV costs {pv_c}"
        );
        for (what, x) in [
            ("ROI", roi),
            ("IRR", irr),
            ("payback", payback),
            ("discounted payback", dpayback),
        ] {
            assert!(!x.is_infinite(), "{what} is {x}");
        }
        assert!(
            row[7..].iter().all(|x| x.is_finite()),
            "capability PV not finite: {row:?}"
        );
    }
    let identity = ScenarioIdentity {
        name: scenario.meta.name.clone(),
        file: None,
        sha256: String::new(),
        currency: scenario.meta.currency.clone(),
        start_month: None,
    };
    let summary = engine::summarise(&model, &output, &identity, 0.0);
    let json = serde_json::to_value(&summary).expect("the summary serialises");
    check_json(&json, "");
});
