//! The JSON contract, held whole: every key path of results.json for the reference scenario,
//! with the `change_programme` section of a run with levers (dotted, list indices dropped),
//! must equal `tests/data/results_keys.txt`. A key removed or
//! renamed fails here; a key added must be added to that file on purpose. The meaning of the
//! keys is documented in docs/MODEL.md; `cli::json_has_every_key_of_the_contract` checks their
//! shapes.

use std::collections::BTreeSet;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

/// Every key path under `v`, `prefix` first: objects add `.key`, arrays add nothing.
fn key_paths(v: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(map) => {
            for (k, x) in map {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                out.insert(path.clone());
                key_paths(x, &path, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|x| key_paths(x, prefix, out)),
        _ => {}
    }
}

/// The key paths of results.json of a run of `scenario` (None: the reference scenario).
fn run_keys(scenario: Option<&str>) -> (Value, BTreeSet<String>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cmd = Command::cargo_bin("valuecase").expect("binary builds");
    cmd.arg("run");
    if let Some(s) = scenario {
        cmd.arg(Path::new(env!("CARGO_MANIFEST_DIR")).join(s));
    }
    cmd.args(["--trials", "500", "--quiet", "--no-charts", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    let v: Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("results.json")).expect("results.json written"),
    )
    .expect("results.json parses");
    let mut got = BTreeSet::new();
    key_paths(&v, "", &mut got);
    (v, got)
}

/// The reference scenario's keys, and those of the `change_programme` section that a run
/// with levers fills (the reference scenario has no levers: there it is null).
#[test]
fn results_json_has_exactly_the_snapshot_keys() {
    let (reference, mut got) = run_keys(None);
    assert!(reference["change_programme"].is_null());
    let (with_levers, keys) = run_keys(Some("scenarios/hightech-change-programme.toml"));
    assert!(with_levers["change_programme"].is_object());
    got.extend(keys);

    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/results_keys.txt");
    let text = std::fs::read_to_string(&file).expect("tests/data/results_keys.txt");
    let expected: BTreeSet<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect();
    let removed: Vec<_> = expected.difference(&got).collect();
    let added: Vec<_> = got.difference(&expected).collect();
    assert!(
        removed.is_empty() && added.is_empty(),
        "results.json keys differ from {}:\nremoved or renamed (a break of the contract): \
         {removed:#?}\nadded (add them to the file if meant): {added:#?}",
        file.display()
    );
}

#[test]
fn key_paths_drop_list_indices() {
    let v: Value = serde_json::json!({"a": {"b": 1}, "c": [{"d": 1}, {"d": 2, "e": [1]}]});
    let mut got = BTreeSet::new();
    key_paths(&v, "", &mut got);
    let want: BTreeSet<String> = ["a", "a.b", "c", "c.d", "c.e"].map(String::from).into();
    assert_eq!(got, want);
}
