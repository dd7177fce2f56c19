//! The catalogue of bad scenario files in `tests/bad_inputs/`: each `NAME.toml` must be
//! refused by `valuecase validate` and `valuecase run` with exit code 2 (never a panic, never
//! exit 1), and stderr must contain every line of `NAME.expected`, in that order.
//!
//! `NAME.expected` holds one required substring per line (blank lines are ignored), each found
//! in a line of stderr after the line that held the previous one. A diagnostic is rendered as
//! rustc renders one, and its expected lines are the ones that carry meaning:
//!
//! ```text
//! error: FIELD: message
//! --> NAME.toml:LINE:COLUMN
//! = allowed: what would be accepted
//! = help: did you mean `name`?
//! ```
//!
//! (in stderr, `-->` and `=` are indented to the width of the line number, and the source line
//! with the offending token underlined sits between them; syntax errors list those two lines
//! too). The binary runs inside `tests/bad_inputs/` with the bare file name, so the paths in the
//! messages are just `NAME.toml`; every `error:` must name it on its `-->` line.
//!
//! To add a case: write `NAME.toml` with a header comment saying what is wrong, run
//! `cargo run -q -- validate NAME.toml` inside `tests/bad_inputs/`, check that the message is
//! one a finance user can act on, and copy the lines that matter into `NAME.expected` (without
//! the indentation).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

fn catalogue_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_inputs")
}

fn cases() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(catalogue_dir())
        .expect("tests/bad_inputs exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn valuecase(args: &[&str]) -> Output {
    Command::cargo_bin("valuecase")
        .expect("binary builds")
        .current_dir(catalogue_dir())
        .args(args)
        .output()
        .expect("the binary runs")
}

/// Everything wrong with one run of one case, as readable lines.
fn problems(name: &str, command: &str, out: &Output, expected: &[String]) -> Vec<String> {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut bad = Vec::new();
    if out.status.code() != Some(2) {
        bad.push(format!("exit code {:?}, expected 2", out.status.code()));
    }
    if stderr.contains("panicked") || stderr.contains("RUST_BACKTRACE") {
        bad.push("it panicked".into());
    }
    let lines: Vec<&str> = stderr.lines().collect();
    let mut next = 0;
    for want in expected {
        match lines[next..].iter().position(|l| l.contains(want.as_str())) {
            Some(i) => next += i + 1,
            None if stderr.contains(want.as_str()) => bad.push(format!(
                "out of order (found before the line above it): {want}"
            )),
            None => bad.push(format!("missing: {want}")),
        }
    }
    // Every reported problem names the file on its `-->` line, before the next problem.
    let file = format!("--> {name}.toml");
    for (i, line) in lines.iter().enumerate() {
        if !line.starts_with("error: ") {
            continue;
        }
        let block = lines[i + 1..]
            .iter()
            .take_while(|l| !l.starts_with("error: "));
        if !block.clone().any(|l| l.trim_start().starts_with(&file)) {
            bad.push(format!("an error that does not name the file: {line}"));
        }
    }
    if bad.is_empty() {
        return bad;
    }
    vec![format!(
        "{name}.toml ({command}):\n    {}\n  stderr was:\n{}",
        bad.join("\n    "),
        stderr
            .lines()
            .map(|l| format!("    | {l}"))
            .collect::<Vec<_>>()
            .join("\n")
    )]
}

#[test]
fn every_bad_input_is_refused_with_its_message() {
    let names = cases();
    assert!(
        names.len() >= 40,
        "the catalogue should hold at least 40 cases, found {}",
        names.len()
    );
    let out_root = tempfile::tempdir().expect("tempdir");
    let mut failures = Vec::new();
    for name in &names {
        let expected_path = catalogue_dir().join(format!("{name}.expected"));
        let Ok(expected) = fs::read_to_string(&expected_path) else {
            failures.push(format!("{name}.toml has no {name}.expected"));
            continue;
        };
        let expected: Vec<String> = expected
            .lines()
            .map(str::trim_end)
            .filter(|l| !l.trim().is_empty())
            .map(str::to_string)
            .collect();
        if expected.is_empty() {
            failures.push(format!("{name}.expected is empty"));
            continue;
        }
        let file = format!("{name}.toml");

        let out = valuecase(&["validate", &file]);
        failures.extend(problems(name, "validate", &out, &expected));

        // `run` refuses the same file the same way and writes nothing.
        let out_dir = out_root.path().join(name);
        let out = valuecase(&[
            "run",
            &file,
            "--trials",
            "10",
            "--quiet",
            "--out",
            out_dir.to_str().expect("utf-8 temp path"),
        ]);
        failures.extend(problems(name, "run", &out, &expected));
        if out_dir.exists() {
            failures.push(format!(
                "{name}.toml (run): created the output directory despite the error"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} catalogue cases failed:\n\n{}",
        failures.len(),
        names.len(),
        failures.join("\n\n")
    );
}

#[test]
fn every_expected_file_has_its_scenario() {
    let tomls: BTreeSet<String> = cases().into_iter().collect();
    let orphans: Vec<String> = fs::read_dir(catalogue_dir())
        .expect("tests/bad_inputs exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "expected"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .filter(|n| !tomls.contains(n))
        .collect();
    assert!(
        orphans.is_empty(),
        "expected files without a .toml: {orphans:?}"
    );
}

/// The same files through the library: never a panic, always at least one diagnostic, and
/// every diagnostic that points into the file points at a line that exists.
#[test]
fn every_bad_input_fails_in_process_with_valid_locations() {
    for name in cases() {
        let path = catalogue_dir().join(format!("{name}.toml"));
        let err = match valuecase::scenario::parse_file(&path) {
            Ok(_) => panic!("{name}.toml parses, but it is in the catalogue of bad inputs"),
            Err(e) => e,
        };
        assert!(!err.diagnostics.is_empty(), "{name}: no diagnostics");
        let bytes = fs::read(&path).expect("readable");
        let lines = bytes.split(|&b| b == b'\n').count() as u32;
        for d in &err.diagnostics {
            if let Some(loc) = d.location {
                assert!(
                    loc.line >= 1 && loc.line <= lines && loc.column >= 1,
                    "{name}: location {loc:?} outside the file ({lines} lines)"
                );
            }
            assert!(!d.message.is_empty(), "{name}: empty message");
        }
    }
}
