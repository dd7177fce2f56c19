//! How valuecase fails, and how it does not: the command line and the file system around a
//! scenario (missing, unreadable, oversized files; output that cannot be written; a full disk;
//! bad flag values; a run too large for memory), the guarantee that a failed run leaves no
//! partial output, numeric robustness on degenerate but valid scenarios, and a structured fuzz
//! of random well-formed scenarios.
//!
//! Every failure must exit with 2 (bad input: the scenario, a flag, a path, the disk) or 1
//! (internal), never 101 (a panic), and say what went wrong.

mod finance_regressions;
mod flags;
mod fuzz;
mod numeric;
mod output;
mod paths;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

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
