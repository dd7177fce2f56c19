//! The scenario front end as its callers see it: text in, a [`Scenario`] or every problem out.
//! By subject: the shipped scenarios and the reference's examples, the sections' rules, the
//! correlations, files and the error's rendering, and damaged text.

mod correlations;
mod files;
mod limits;
mod names;
mod robustness;
mod sections;
mod shipped;
mod tei;

use std::fs::{self, File};
use std::path::Path;

use super::diagnostic::Diagnostic;
use super::parse::{MAX_FILE_BYTES, parse_file, parse_str};
use super::types::*;

/// A small valid scenario; tests append to it or replace parts of it.
pub(super) const MIN: &str = r#"[scenario]
name = "Test"
currency = "USD"
horizon_months = 24
discount_rate = 0.1

[baseline]
new_business_revenue = 1_000_000
gross_margin = 0.5

[[roles]]
name = "Rep"
headcount = 10
hourly_cost = 50

[[user_groups]]
name = "Sales"
seats = 10
go_live_month = 1
role = "Rep"
[user_groups.adoption]
curve = "logistic"
ceiling = 0.8
growth = 0.5
midpoint = 3

[[capabilities]]
name = "Opportunities"
driver = "win_rate"
uplift = { pert = [0.01, 0.05, 0.1] }
"#;

pub(super) fn ok(text: &str) -> Scenario {
    match parse_str(text, None) {
        Ok(s) => s,
        Err(e) => panic!("expected a valid scenario, got:\n{e}"),
    }
}

pub(super) fn errors(text: &str) -> Vec<Diagnostic> {
    match parse_str(text, Some(Path::new("test.toml"))) {
        Ok(_) => panic!("expected errors"),
        Err(e) => {
            assert_eq!(e.file.as_deref(), Some(Path::new("test.toml")));
            e.diagnostics
        }
    }
}

/// The single diagnostic whose field is `field`.
pub(super) fn find<'a>(diags: &'a [Diagnostic], field: &str) -> &'a Diagnostic {
    let hits: Vec<_> = diags.iter().filter(|d| d.field == field).collect();
    assert_eq!(hits.len(), 1, "field {field} in {diags:#?}");
    hits[0]
}

pub(super) fn at(line: u32, column: u32) -> Option<Location> {
    Some(Location { line, column })
}

/// 1-based line of the first occurrence of `needle`.
pub(super) fn line_of(text: &str, needle: &str) -> u32 {
    let i = text.find(needle).expect(needle);
    text[..i].matches('\n').count() as u32 + 1
}
