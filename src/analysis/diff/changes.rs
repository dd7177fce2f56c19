//! What changed between two versions of a scenario, item by item: a capability, user group,
//! role, lever, cost line or risk (by name), the correlations (as one item: any mix of two
//! sets of correlations could be inconsistent), a baseline field or a scenario field, each
//! added, removed or changed, with its differences in words by stable input name.
//!
//! Two items are the same when they are equal once where they were written (line and column)
//! is set aside and their references to other items (a capability's groups, a group's role, a
//! lever's risks) are read as names, so reordering a file changes nothing.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::scenario::{Scenario, Uncertain, describe_dist, fmt_num, quoted};

/// The lists of named items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum List {
    Roles,
    UserGroups,
    Capabilities,
    Levers,
    Costs,
    Risks,
}

impl List {
    pub(super) const ALL: [List; 6] = [
        List::Roles,
        List::UserGroups,
        List::Capabilities,
        List::Levers,
        List::Costs,
        List::Risks,
    ];

    /// The section name, as stable names start.
    pub(super) fn key(self) -> &'static str {
        match self {
            List::Roles => "roles",
            List::UserGroups => "user_groups",
            List::Capabilities => "capabilities",
            List::Levers => "levers",
            List::Costs => "costs",
            List::Risks => "risks",
        }
    }

    /// The names of this list's items in `s`, in file order.
    pub(super) fn names(self, s: &Scenario) -> Vec<&str> {
        match self {
            List::Roles => s.roles.iter().map(|x| x.name.as_str()).collect(),
            List::UserGroups => s.user_groups.iter().map(|x| x.name.as_str()).collect(),
            List::Capabilities => s.capabilities.iter().map(|x| x.name.as_str()).collect(),
            List::Levers => s.levers.iter().map(|x| x.name.as_str()).collect(),
            List::Costs => s.costs.iter().map(|x| x.name.as_str()).collect(),
            List::Risks => s.risks.iter().map(|x| x.name.as_str()).collect(),
        }
    }

    /// Item `i` of this list in `s` as comparable data (see [`view`]).
    fn view(self, s: &Scenario, i: usize) -> Value {
        let mut v = match self {
            List::Roles => json(&s.roles[i]),
            List::UserGroups => json(&s.user_groups[i]),
            List::Capabilities => json(&s.capabilities[i]),
            List::Levers => json(&s.levers[i]),
            List::Costs => json(&s.costs[i]),
            List::Risks => json(&s.risks[i]),
        };
        names_for_indices(self, s, i, &mut v);
        v
    }
}

/// The `[scenario]` fields that change results (the others are labels, or overridden by the
/// command: `trials`, `seed`).
pub(super) const META_ATTRIBUTED: [&str; 2] = ["horizon_months", "discount_rate"];

/// The `[baseline]` fields, each its own item.
pub(super) const BASELINE_FIELDS: [&str; 8] = [
    "new_business",
    "installed_base_revenue",
    "growth",
    "gross_margin",
    "churn",
    "cost_to_serve",
    "marketing_spend",
    "sales_cycle_months",
];

/// Which part of the scenario a change is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Target {
    Meta(&'static str),
    Baseline(&'static str),
    Item(List, String),
    Correlations,
}

/// One changed item.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// Its stable name: `levers."Communication programme"`, `baseline.gross_margin`.
    pub item: String,
    /// `added`, `removed` or `changed`.
    pub change: &'static str,
    /// The differences in words, one per line.
    pub details: Vec<String>,
    pub(super) target: Target,
}

/// Every change from `old` to `new`: first those that can move the figures (in file order:
/// scenario fields, baseline, roles, user groups, capabilities, levers, costs, risks,
/// correlations), then those that cannot (names, descriptions, default trials and seed, the
/// start month).
pub fn changes(old: &Scenario, new: &Scenario) -> (Vec<Change>, Vec<Change>) {
    let mut moving = Vec::new();
    let mut labels = Vec::new();
    let (om, nm) = (json(&old.meta), json(&new.meta));
    for (key, ov) in object(&om) {
        let nv = nm.get(key).cloned().unwrap_or(Value::Null);
        if *ov == nv {
            continue;
        }
        let attributed = META_ATTRIBUTED.iter().find(|k| **k == key.as_str());
        let change = Change {
            item: format!("scenario.{key}"),
            change: "changed",
            details: vec![format!("scenario.{key}: {} → {}", leaf(ov), leaf(&nv))],
            target: Target::Meta(attributed.copied().unwrap_or("")),
        };
        match attributed {
            Some(_) => moving.push(change),
            None => labels.push(change),
        }
    }
    let (ob, nb) = (json(&old.baseline), json(&new.baseline));
    for field in BASELINE_FIELDS {
        let (o, n) = (
            ob.get(field).cloned().unwrap_or(Value::Null),
            nb.get(field).cloned().unwrap_or(Value::Null),
        );
        if o == n {
            continue;
        }
        let change = match (o.is_null(), n.is_null()) {
            (true, _) => "added",
            (_, true) => "removed",
            _ => "changed",
        };
        moving.push(Change {
            item: format!("baseline.{field}"),
            change,
            details: details(old, new, &format!("baseline.{field}"), &o, &n, change),
            target: Target::Baseline(field),
        });
    }
    for list in List::ALL {
        let (on, nn) = (list.names(old), list.names(new));
        let mut names: Vec<&str> = on.clone();
        names.extend(nn.iter().filter(|n| !on.contains(n)));
        for name in names {
            let o = on
                .iter()
                .position(|x| *x == name)
                .map(|i| list.view(old, i));
            let n = nn
                .iter()
                .position(|x| *x == name)
                .map(|i| list.view(new, i));
            if o == n {
                continue;
            }
            let item = format!("{}.{}", list.key(), quoted(name));
            let change = match (&o, &n) {
                (None, _) => "added",
                (_, None) => "removed",
                _ => "changed",
            };
            let (o, n) = (o.unwrap_or(Value::Null), n.unwrap_or(Value::Null));
            moving.push(Change {
                details: details(old, new, &item, &o, &n, change),
                item,
                change,
                target: Target::Item(list, name.to_string()),
            });
        }
    }
    let view_correlations = |s: &Scenario| -> BTreeMap<[String; 2], String> {
        s.correlations
            .iter()
            .map(|c| {
                let mut pair = c.inputs.clone();
                pair.sort();
                (pair, fmt_num(c.rank))
            })
            .collect()
    };
    let (oc, nc) = (view_correlations(old), view_correlations(new));
    if oc != nc {
        let mut lines = Vec::new();
        for (pair, rank) in &oc {
            match nc.get(pair) {
                None => lines.push(format!("{} ~ {}: rank {rank} → none", pair[0], pair[1])),
                Some(r) if r != rank => {
                    lines.push(format!("{} ~ {}: rank {rank} → {r}", pair[0], pair[1]))
                }
                _ => {}
            }
        }
        for (pair, rank) in &nc {
            if !oc.contains_key(pair) {
                lines.push(format!("{} ~ {}: none → rank {rank}", pair[0], pair[1]));
            }
        }
        moving.push(Change {
            item: "correlations".to_string(),
            change: match (oc.is_empty(), nc.is_empty()) {
                (true, _) => "added",
                (_, true) => "removed",
                _ => "changed",
            },
            details: lines,
            target: Target::Correlations,
        });
    }
    (moving, labels)
}

/// Plain data of anything serialisable, with every `location` dropped.
fn json<T: Serialize>(x: &T) -> Value {
    let mut v = serde_json::to_value(x).unwrap_or(Value::Null);
    strip_locations(&mut v);
    v
}

fn strip_locations(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.remove("location");
            map.values_mut().for_each(strip_locations);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_locations),
        _ => {}
    }
}

fn object(v: &Value) -> Vec<(&String, &Value)> {
    v.as_object()
        .map(|m| m.iter().collect())
        .unwrap_or_default()
}

/// Replace the indices in item `i` of `list` (into `s`'s lists) by the names they point at.
fn names_for_indices(list: List, s: &Scenario, i: usize, v: &mut Value) {
    let group = |g: &Value| -> Value {
        g.as_u64()
            .and_then(|k| s.user_groups.get(k as usize))
            .map_or(Value::Null, |x| Value::String(x.name.clone()))
    };
    let groups = |v: &mut Value, key: &str| {
        if let Some(Value::Array(items)) = v.get_mut(key) {
            for g in items.iter_mut() {
                *g = group(g);
            }
        }
    };
    let schedule = |v: &mut Value| {
        if let Some(sched) = v.get_mut("schedule") {
            groups(sched, "groups");
        }
    };
    match list {
        List::UserGroups => {
            if let Some(role) = v.get_mut("role") {
                *role = role
                    .as_u64()
                    .and_then(|k| s.roles.get(k as usize))
                    .map_or(Value::Null, |r| Value::String(r.name.clone()));
            }
        }
        List::Capabilities => groups(v, "used_by"),
        List::Costs => schedule(v),
        List::Levers => {
            groups(v, "applies_to");
            if let Some(Value::Array(costs)) = v.get_mut("costs") {
                costs.iter_mut().for_each(schedule);
            }
            if let Some(Value::Array(effects)) = v.pointer_mut("/effects/risks") {
                for e in effects.iter_mut() {
                    if let Some(r) = e.get_mut("risk") {
                        *r = r
                            .as_u64()
                            .and_then(|k| s.risks.get(k as usize))
                            .map_or(Value::Null, |x| Value::String(x.name.clone()));
                    }
                }
            }
            let _ = i;
        }
        List::Roles | List::Risks => {}
    }
}

/// The differences of one item in words: its inputs by stable name (`name: old → new`), then
/// its other fields (`item.field: old → new`). An added or removed item lists its inputs.
fn details(
    old: &Scenario,
    new: &Scenario,
    item: &str,
    o: &Value,
    n: &Value,
    change: &str,
) -> Vec<String> {
    let inputs = |s: &Scenario| -> BTreeMap<String, Uncertain> {
        s.input_entries()
            .into_iter()
            .map(|e| e.input.into_owned())
            .filter(|u| belongs(&u.name, item))
            .map(|u| (u.name.clone(), u))
            .collect()
    };
    let (oi, ni) = (inputs(old), inputs(new));
    let mut out = Vec::new();
    let text = |u: &Uncertain| {
        let t = describe_dist(&u.dist);
        match u.truncate {
            Some((lo, hi)) => format!("{t} within [{}, {}]", fmt_num(lo), fmt_num(hi)),
            None => t,
        }
    };
    let mut names: Vec<&String> = oi.keys().collect();
    names.extend(ni.keys().filter(|k| !oi.contains_key(*k)));
    for name in names {
        match (oi.get(name), ni.get(name)) {
            (Some(a), Some(b)) if a.dist != b.dist || a.truncate != b.truncate => {
                out.push(format!("{name}: {} → {}", text(a), text(b)));
            }
            (Some(a), None) if change != "removed" => {
                out.push(format!("{name}: {} → none", text(a)))
            }
            (None, Some(b)) if change != "added" => out.push(format!("{name}: none → {}", text(b))),
            (Some(a), None) => out.push(format!("{name} = {}", text(a))),
            (None, Some(b)) => out.push(format!("{name} = {}", text(b))),
            _ => {}
        }
    }
    if change == "changed" {
        leaf_differences(item, &without_inputs(o), &without_inputs(n), &mut out);
    }
    out
}

/// Whether the stable input `name` belongs to `item` (`capabilities."X"` owns
/// `capabilities."X".uplift`; `baseline.new_business` owns the revenue and the funnel).
fn belongs(name: &str, item: &str) -> bool {
    if item == "baseline.new_business" {
        return name == "baseline.new_business_revenue" || name.starts_with("baseline.funnel.");
    }
    name == item || name.starts_with(&format!("{item}."))
}

/// `v` with every input (an object with a `name` and a `dist`) taken out: those are compared
/// by name.
fn without_inputs(v: &Value) -> Value {
    match v {
        Value::Object(map) if map.contains_key("name") && map.contains_key("dist") => Value::Null,
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, x)| (k.clone(), without_inputs(x)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_inputs).collect()),
        other => other.clone(),
    }
}

/// `path: old → new` for every leaf that differs (lists of different lengths as a whole).
fn leaf_differences(path: &str, o: &Value, n: &Value, out: &mut Vec<String>) {
    if o == n {
        return;
    }
    match (o, n) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a.keys().collect();
            keys.extend(b.keys().filter(|k| !a.contains_key(*k)));
            for k in keys {
                let null = Value::Null;
                let (x, y) = (a.get(k).unwrap_or(&null), b.get(k).unwrap_or(&null));
                leaf_differences(&format!("{path}.{k}"), x, y, out);
            }
        }
        (Value::Array(a), Value::Array(b))
            if a.len() == b.len() && a.iter().any(|x| x.is_object()) =>
        {
            for (k, (x, y)) in a.iter().zip(b).enumerate() {
                leaf_differences(&format!("{path}[{k}]"), x, y, out);
            }
        }
        _ => out.push(format!("{path}: {} → {}", leaf(o), leaf(n))),
    }
}

/// A JSON leaf as a reader would write it: numbers plainly, text without quotes, lists in
/// brackets.
fn leaf(v: &Value) -> String {
    match v {
        Value::Null => "none".to_string(),
        Value::Number(x) => x.as_f64().map_or_else(|| x.to_string(), fmt_num),
        Value::String(s) if s.chars().count() > 72 => {
            format!("{}…", s.chars().take(70).collect::<String>().trim_end())
        }
        Value::String(s) => s.clone(),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(leaf).collect::<Vec<_>>().join(", ")
        ),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field of the validated `[scenario]` and `[baseline]` is known here: a field added
    /// to either must be added to the diff (attributed or not) on purpose.
    #[test]
    fn every_scenario_and_baseline_field_is_known() {
        let s = crate::scenario::parse_str(crate::scenario::BUILT_IN, None).expect("parses");
        let meta: Vec<String> = object(&json(&s.meta))
            .into_iter()
            .map(|(k, _)| k.clone())
            .collect();
        let labels = ["name", "description", "currency", "trials", "seed", "start"];
        for k in &meta {
            assert!(
                META_ATTRIBUTED.contains(&k.as_str()) || labels.contains(&k.as_str()),
                "scenario field {k} is not handled by diff"
            );
        }
        let base: Vec<String> = object(&json(&s.baseline))
            .into_iter()
            .map(|(k, _)| k.clone())
            .collect();
        for k in &base {
            assert!(
                BASELINE_FIELDS.contains(&k.as_str()),
                "baseline field {k} is not handled by diff"
            );
        }
        assert_eq!(base.len(), BASELINE_FIELDS.len());
    }
}
