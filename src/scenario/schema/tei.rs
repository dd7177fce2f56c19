//! `[tei]`: the risk adjustments of the case's TEI view (docs/SCENARIO.md, "The TEI view").
//!
//! A TEI study adjusts its base case for risk line by line: each benefit line loses a haircut,
//! each cost line gains an uplift. `benefit_haircut` and `cost_uplift` set them for every line;
//! `[[tei.benefits]]` and `[[tei.costs]]` entries set them for one capability or cost line by
//! name. The simulation never reads them: they only shape the risk-adjusted TEI table.

use std::collections::HashMap;

use crate::scenario::diagnostic::Diagnostic;
use crate::scenario::read::{Bounds, Reader, Table, first_few, quoted};
use crate::scenario::types::{Location, Scenario, TeiAdjustments};

/// Names listed in an "unknown name" message, at most.
const LISTED: usize = 10;

/// A haircut: the share of a line's benefits a TEI study takes off.
const HAIRCUT: Bounds = Bounds::closed(0.0, 1.0)
    .with_note("the share of the line's benefits the TEI view takes off: 0.1 = 10% less");

/// An uplift: the share a TEI study adds to a line's costs.
const UPLIFT: Bounds = Bounds::closed(0.0, 10.0)
    .with_note("the share the TEI view adds to the line's costs: 0.1 = 10% more");

/// The `[tei]` section of `root`, its names checked against the capabilities and cost lines of
/// `scenario`. No section: no adjustments.
pub(in crate::scenario) fn parse_tei(
    root: &mut Table<'_>,
    r: &Reader<'_>,
    scenario: &Scenario,
) -> TeiAdjustments {
    let Some(mut t) = root.optional_table("tei") else {
        return TeiAdjustments::default();
    };
    let haircut = t
        .optional_number("benefit_haircut", &HAIRCUT)
        .ok()
        .flatten()
        .unwrap_or(0.0);
    let uplift = t
        .optional_number("cost_uplift", &UPLIFT)
        .ok()
        .flatten()
        .unwrap_or(0.0);
    let capabilities: Vec<&str> = scenario
        .capabilities
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    let cost_lines: Vec<&str> = scenario.costs.iter().map(|c| c.name.as_str()).collect();
    let benefit_haircuts = per_line(
        &mut t,
        r,
        Lines {
            key: "benefits",
            what: "capability",
            field: "haircut",
            bounds: &HAIRCUT,
            names: &capabilities,
        },
        haircut,
    );
    let cost_uplifts = per_line(
        &mut t,
        r,
        Lines {
            key: "costs",
            what: "cost line",
            field: "uplift",
            bounds: &UPLIFT,
            names: &cost_lines,
        },
        uplift,
    );
    t.finish();
    TeiAdjustments {
        benefit_haircuts,
        cost_uplifts,
    }
}

/// One kind of line the `[tei]` section adjusts.
struct Lines<'a> {
    /// The list's key in `[tei]`: `benefits` or `costs`.
    key: &'static str,
    /// What its names name, in messages.
    what: &'static str,
    /// The adjustment's field in each entry.
    field: &'static str,
    bounds: &'a Bounds,
    /// The names defined in the scenario, by index.
    names: &'a [&'a str],
}

/// The adjustment of every line of one kind: `default` unless an entry of `[[tei.<key>]]` names
/// the line.
fn per_line(t: &mut Table<'_>, r: &Reader<'_>, lines: Lines<'_>, default: f64) -> Vec<f64> {
    let mut out = vec![default; lines.names.len()];
    let index: HashMap<&str, usize> = lines
        .names
        .iter()
        .enumerate()
        .map(|(i, &n)| (n, i))
        .rev()
        .collect();
    let mut seen: HashMap<usize, Location> = HashMap::new();
    for mut entry in t.tables(lines.key) {
        let named = entry
            .required(
                "name",
                format!("the name of a {} of this scenario, in quotes", lines.what),
            )
            .and_then(|v| Some((v.string()?, v.location())));
        if let Some((name, _)) = named {
            entry.set_path(format!("tei.{}.{}", lines.key, quoted(name)));
        }
        let field = entry.field_path("name");
        let line = named
            .and_then(|(name, at)| resolve(r, &field, name, at, &lines, &index).map(|k| (k, at)));
        let value = entry.required_number(lines.field, lines.bounds);
        entry.finish();
        let (Some((k, at)), Some(value)) = (line, value) else {
            continue;
        };
        if let Some(first) = seen.insert(k, at) {
            r.report(
                Diagnostic::new(
                    field,
                    format!(
                        "the {} {} is adjusted twice: at line {} and again at line {}",
                        lines.what,
                        quoted(lines.names[k]),
                        first.line,
                        at.line
                    ),
                )
                .at(Some(at))
                .allowed(format!(
                    "one [[tei.{}]] entry per {}",
                    lines.key, lines.what
                )),
            );
            continue;
        }
        out[k] = value;
    }
    out
}

/// The index of the line named `name`, or an error listing the names and the one probably
/// meant.
fn resolve(
    r: &Reader<'_>,
    field: &str,
    name: &str,
    at: Location,
    lines: &Lines<'_>,
    index: &HashMap<&str, usize>,
) -> Option<usize> {
    if let Some(&k) = index.get(name) {
        return Some(k);
    }
    let mut d = Diagnostic::new(
        field,
        format!("there is no {} named {}", lines.what, quoted(name)),
    )
    .at(Some(at));
    d = if lines.names.is_empty() {
        d.allowed(format!("no {} is defined in this scenario", lines.what))
    } else {
        d.allowed(format!(
            "one of: {}",
            first_few(
                lines.names.iter().map(|n| quoted(n)),
                lines.names.len(),
                LISTED
            )
        ))
    };
    if let Some(s) = r.did_you_mean(name, lines.names.iter().copied()) {
        d = d.suggest(s);
    }
    r.report(d);
    None
}
