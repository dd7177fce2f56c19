//! The schema: one file per TOML section, each reading top-down as that section's field list
//! with its bounds and defaults. A newcomer looking for what `[[capabilities]]` accepts opens
//! `capabilities.rs`.
//!
//! Sections are read in dependency order by [`parse`](super::parse): `[scenario]` (the horizon
//! bounds every month), `[baseline]` (what the drivers need), `[[roles]]`, `[[user_groups]]`
//! (named by capabilities, levers and costs), then the rest; `[[correlations]]` last, because it
//! names the inputs of every other section.

mod baseline;
mod capabilities;
mod correlations;
mod costs;
mod levers;
mod meta;
mod names;
mod risks;
mod roles;
mod tei;
mod user_groups;

pub(super) use baseline::{BASELINE_FIELDS, parse_baseline};
pub(super) use capabilities::parse_capabilities;
pub(super) use correlations::parse_correlations;
pub(super) use costs::{check_cost_columns, parse_costs};
pub(super) use levers::parse_levers;
pub(super) use meta::{SCENARIO_FIELDS, parse_meta};
use names::Names;
pub(super) use risks::parse_risks;
pub(super) use roles::parse_roles;
pub(super) use tei::parse_tei;
pub(super) use user_groups::parse_user_groups;

/// Most seats (or headcount) a group or role may have.
const MAX_SEATS: f64 = 10_000_000.0;

use super::read::{Bounds, Reader, Table, quoted};
use super::types::{Location, Uncertain};

/// Read an item's required `name` and rename the item's path to `section."name"`.
fn item_name<'r>(t: &mut Table<'r>, section: &str, what: &str) -> Option<(&'r str, Location)> {
    let v = t.required("name", format!("a unique name for the {what}, in quotes"))?;
    let name = v.string()?;
    if name.trim().is_empty() {
        v.report(
            v.diag("the name is empty")
                .allowed(format!("a unique name for the {what}")),
        );
        return None;
    }
    // A name too long to be a label is no name: the item keeps its place as its path.
    if !names::within_length(&v, &t.field_path("name"), name, what) {
        return None;
    }
    t.set_path(format!("{section}.{}", quoted(name)));
    // Refused, but still the item's name: references to it resolve, and no error follows
    // from this one.
    names::refuse_invisible(&v, &t.field_path("name"), name, what);
    Some((name, v.location()))
}

/// What the baseline provides, for the drivers' prerequisites. A field that is present but
/// invalid counts as provided (its own error is already reported).
#[derive(Debug, Default, Clone, Copy)]
struct Provided {
    new_business: bool,
    installed_base_revenue: bool,
    gross_margin: bool,
    churn: bool,
    cost_to_serve: bool,
    marketing_spend: bool,
    sales_cycle_months: bool,
}

/// Shared state while reading the sections.
pub(super) struct Ctx<'r> {
    r: &'r Reader<'r>,
    horizon: Option<u32>,
    roles: Names,
    groups: Names,
    /// Role of each user group (by index).
    group_roles: Vec<Option<usize>>,
    provided: Provided,
    /// Every cost line's column name in the cash flow table (a lever's as "lever: cost"),
    /// where its name is written, and the lever's name for a lever's cost: two lines must
    /// not share a column ([`costs::check_cost_columns`]).
    cost_columns: std::cell::RefCell<Vec<costs::CostColumn>>,
}

impl<'r> Ctx<'r> {
    /// Before any section naming roles or groups is read.
    pub(super) fn new(r: &'r Reader<'r>, horizon: Option<u32>) -> Self {
        Ctx {
            r,
            horizon,
            roles: Names::new("role"),
            groups: Names::new("user group"),
            group_roles: Vec::new(),
            provided: Provided::default(),
            cost_columns: Default::default(),
        }
    }

    /// Largest month allowed inside the horizon.
    fn last_month(&self) -> i64 {
        i64::from(self.horizon.unwrap_or(600))
            .saturating_sub(1)
            .max(0)
    }

    fn month_text(&self) -> String {
        match self.horizon {
            Some(h) => format!(
                "a whole month number from 0 to {} (months count from 0; the horizon is {h} months)",
                h.saturating_sub(1)
            ),
            None => "a whole month number from 0, inside the horizon".into(),
        }
    }

    /// An optional month inside the horizon, with a default.
    fn month(&self, t: &mut Table<'_>, key: &'static str, default: u32) -> u32 {
        let text = self.month_text();
        match t.optional_integer(key, 0, self.last_month(), Some(&text)) {
            Ok(Some(m)) => u32::try_from(m).unwrap_or(0),
            _ => default,
        }
    }

    /// Group names → indices; `None` (absent) means all groups.
    fn group_list(&self, t: &mut Table<'_>, key: &'static str, default: &[usize]) -> Vec<usize> {
        match t.optional_names(key) {
            Ok(Some(names)) => {
                let field = t.field_path(key);
                let mut out: Vec<usize> = Vec::new();
                for (name, loc) in names {
                    if let Some(i) = self.groups.resolve(self.r, &field, name, loc)
                        && !out.contains(&i)
                    {
                        out.push(i);
                    }
                }
                out
            }
            Ok(None) => default.to_vec(),
            Err(()) => Vec::new(),
        }
    }

    fn all_groups(&self) -> Vec<usize> {
        (0..self.group_roles.len()).collect()
    }
}

/// A required uncertain value, or a placeholder when it is missing or invalid (the error is
/// already recorded, so the placeholder never reaches a caller of `parse_str`).
fn req(t: &mut Table<'_>, key: &'static str, bounds: &Bounds) -> Uncertain {
    let path = t.field_path(key);
    t.required_uncertain(key, bounds)
        .unwrap_or_else(|| Uncertain::fixed(path, 0.0))
}

/// An optional uncertain value (an invalid one is reported and dropped).
fn opt(t: &mut Table<'_>, key: &'static str, bounds: &Bounds) -> Option<Uncertain> {
    t.optional_uncertain(key, bounds).ok().flatten()
}

/// Match a keyword against its allowed values, reporting a typo with a suggestion.
fn keyword<T: Copy>(
    t: &mut Table<'_>,
    key: &'static str,
    options: &[(&'static str, T)],
    default: Option<T>,
) -> Option<T> {
    let names: Vec<&str> = options.iter().map(|(k, _)| *k).collect();
    let allowed = format!("one of: {}", names.join(", "));
    let v = match default {
        Some(_) => t.take(key),
        None => t.required(key, allowed.clone()),
    };
    let Some(v) = v else {
        return default;
    };
    let s = v.string()?;
    if let Some((_, x)) = options.iter().find(|(k, _)| *k == s) {
        return Some(*x);
    }
    let mut d = v
        .diag(format!("unknown {key} {}", quoted(s)))
        .allowed(allowed);
    if let Some(sug) = t.did_you_mean(s, names.iter().copied()) {
        d = d.suggest(sug);
    }
    v.report(d);
    None
}
