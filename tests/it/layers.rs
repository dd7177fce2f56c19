//! The layers of `src/lib.rs`, enforced: every `crate::` path in the library's own code (test
//! modules and test support aside) must point at a module its layer may use. Reads the source
//! as text, so it needs no build of its own and names the file and line of each violation.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// What each top-level module may use, besides itself. Modules not listed (the app: `cli`,
/// `commands`, `error`; and `test_support`) may use anything.
fn allowed() -> BTreeMap<&'static str, &'static [&'static str]> {
    BTreeMap::from([
        // The floor: pure functions and plain data.
        ("finance", &["simd"][..]),
        ("dist", &[][..]),
        ("files", &[][..]),
        ("simd", &[][..]),
        // The pipeline, each stage on the ones before it.
        ("scenario", &["dist", "finance"][..]),
        ("results", &["scenario", "dist"][..]),
        ("model", &["scenario", "dist", "finance", "simd"][..]),
        (
            "engine",
            &[
                "model", "results", "scenario", "dist", "finance", "files", "simd",
            ][..],
        ),
        // Analyses that run the engine several times.
        (
            "analysis",
            &["engine", "model", "results", "scenario", "dist", "finance"][..],
        ),
        // Outputs read results (and scenario names, distributions), never the model.
        (
            "report",
            &["results", "scenario", "dist", "finance", "files"][..],
        ),
        (
            "export",
            &["results", "scenario", "dist", "finance", "files"][..],
        ),
    ])
}

/// Engine internals the layers above use only through `engine`'s own API.
const ENGINE_INTERNALS: [&str; 3] = ["engine::run::", "engine::sketch::", "engine::stats::"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("readable directory") {
        let path = entry.expect("readable entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The library code of a file: comments dropped, and nothing from `#[cfg(test)]` on (test
/// modules come last in this crate's files; `tests.rs` files are skipped whole).
fn code_lines(text: &str) -> Vec<(usize, String)> {
    let mut lines = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("#[cfg(test)]") {
            break;
        }
        if trimmed.starts_with("//") {
            continue;
        }
        let code = line.split("//").next().unwrap_or("");
        lines.push((i + 1, code.to_string()));
    }
    lines
}

/// The top-level modules a line's `crate::` paths name.
fn crate_paths(line: &str) -> Vec<&str> {
    line.match_indices("crate::")
        .filter(|(i, _)| {
            // `valuecase::crate::` cannot happen; `$crate::` (macros) names this crate too.
            *i == 0 || !line.as_bytes()[i - 1].is_ascii_alphanumeric()
        })
        .map(|(i, m)| {
            let rest = &line[i + m.len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            &rest[..end]
        })
        .collect()
}

fn violations(src: &Path) -> Vec<String> {
    let allowed = allowed();
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    let mut bad = Vec::new();
    for file in files {
        let rel = file.strip_prefix(src).expect("inside src");
        if rel.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        let first = rel
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .unwrap_or("");
        let module = first.strip_suffix(".rs").unwrap_or(first);
        let text = fs::read_to_string(&file).expect("UTF-8 source");
        for (n, line) in code_lines(&text) {
            if module != "engine" {
                for internal in ENGINE_INTERNALS {
                    if line.contains(internal) {
                        bad.push(format!(
                            "src/{}:{n}: reaches into `{internal}` instead of engine's API",
                            rel.display()
                        ));
                    }
                }
            }
            let Some(may) = allowed.get(module) else {
                continue;
            };
            for target in crate_paths(&line) {
                if target != module && !may.contains(&target) {
                    bad.push(format!(
                        "src/{}:{n}: `{module}` may not use `{target}` (allowed: {})",
                        rel.display(),
                        may.join(", ")
                    ));
                }
            }
        }
    }
    bad
}

#[test]
fn every_import_points_down() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let bad = violations(&src);
    assert!(
        bad.is_empty(),
        "imports against the layers:\n{}",
        bad.join("\n")
    );
}

/// The check catches each kind of import the layers forbid (a broken check passes anything).
#[test]
fn the_check_catches_upward_imports() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let src = dir.path();
    let write = |path: &str, text: &str| {
        let p = src.join(path);
        fs::create_dir_all(p.parent().expect("parent")).expect("directory");
        fs::write(p, text).expect("file");
    };
    write(
        "scenario/correlations.rs",
        "use crate::model::correlation;\n",
    );
    write("report/html.rs", "use crate::model::Sampler;\n");
    write(
        "export/cashflow_csv.rs",
        "fn f(m: &crate::model::Model) {}\n",
    );
    write("report/terminal.rs", "use crate::export::cashflow_csv;\n");
    write("export/json.rs", "use crate::error::AppError;\n");
    write("commands/run.rs", "let w = crate::engine::run::SCALARS;\n");
    write("results/mod.rs", "use crate::engine::RunOutput;\n");
    write(
        "model/trial.rs",
        "// crate::engine in a comment is fine\nuse crate::scenario::Driver;\n\
         #[cfg(test)]\nmod tests { use crate::engine::run; }\n",
    );
    write("engine/tests.rs", "use crate::commands::run;\n");
    let bad = violations(src);
    let expected = [
        "src/commands/run.rs:1: reaches into `engine::run::`",
        "src/export/cashflow_csv.rs:1: `export` may not use `model`",
        "src/export/json.rs:1: `export` may not use `error`",
        "src/report/html.rs:1: `report` may not use `model`",
        "src/report/terminal.rs:1: `report` may not use `export`",
        "src/results/mod.rs:1: `results` may not use `engine`",
        "src/scenario/correlations.rs:1: `scenario` may not use `model`",
    ];
    assert_eq!(bad.len(), expected.len(), "{bad:#?}");
    for (found, want) in bad.iter().zip(expected) {
        assert!(found.starts_with(want), "{found} should start with {want}");
    }
}
