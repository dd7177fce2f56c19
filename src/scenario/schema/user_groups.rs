//! `[[user_groups]]` and their `[user_groups.adoption]` curves: who goes live when, and how
//! fast they take the system up (docs/SCENARIO.md, section 6).

use super::{Ctx, MAX_SEATS, item_name, quoted, req};
use crate::scenario::diagnostic::Diagnostic;
use crate::scenario::read::{Bounds, Table, join_words};
use crate::scenario::types::{Adoption, Uncertain, UserGroup};

/// Every `[[user_groups]]` entry (at least one); their names are registered for the sections
/// that name groups.
pub(in crate::scenario) fn parse_user_groups(
    root: &mut Table<'_>,
    ctx: &mut Ctx<'_>,
) -> Vec<UserGroup> {
    let before = ctx.r.count();
    let tables = root.tables("user_groups");
    if tables.is_empty() && ctx.r.count() == before {
        ctx.r.report(
            Diagnostic::new(
                "user_groups",
                "no user groups: a scenario needs at least one",
            )
            .allowed("one or more [[user_groups]] sections (a rollout wave each)"),
        );
    }
    let mut groups = Vec::new();
    for (i, mut t) in tables.into_iter().enumerate() {
        let name = item_name(&mut t, "user_groups", "user group");
        if let Some((n, loc)) = name {
            let field = t.field_path("name");
            ctx.groups.add(ctx.r, &field, n, loc, i);
        }
        let seats = t
            .required_number(
                "seats",
                &Bounds::closed(0.0, MAX_SEATS).with_note("at most 10,000,000 seats"),
            )
            .unwrap_or(0.0);
        let text = ctx.month_text();
        let go_live_month = t
            .required_integer("go_live_month", 0, ctx.last_month(), Some(&text))
            .and_then(|m| u32::try_from(m).ok())
            .unwrap_or(0);
        let role = match t.optional_names("role") {
            Ok(Some(names)) if names.len() == 1 => {
                let field = t.field_path("role");
                ctx.roles.resolve(ctx.r, &field, names[0].0, names[0].1)
            }
            Ok(Some(names)) => {
                ctx.r.report(
                    Diagnostic::new(t.field_path("role"), "a user group has one role")
                        .at(Some(names[0].1))
                        .allowed("one role name in quotes"),
                );
                None
            }
            _ => None,
        };
        let data_quality = t.uncertain_or("data_quality", &Bounds::closed(0.0, 1.0), 1.0);
        let adoption = match t
            .required(
                "adoption",
                "an [user_groups.adoption] section with a curve, e.g. curve = \"logistic\"",
            )
            .and_then(|v| v.table())
        {
            Some(mut a) => {
                let adoption = parse_adoption(&mut a);
                a.finish();
                adoption
            }
            None => placeholder_adoption(&t.field_path("adoption")),
        };
        t.finish();
        ctx.group_roles.push(role);
        groups.push(UserGroup {
            name: name.map(|(n, _)| n.to_string()).unwrap_or_default(),
            seats,
            go_live_month,
            role,
            adoption,
            data_quality,
        });
    }
    groups
}

/// Stands in for an adoption that is missing or invalid (its error is already reported).
fn placeholder_adoption(path: &str) -> Adoption {
    Adoption::Table {
        ceiling: Uncertain::fixed(format!("{path}.ceiling"), 1.0),
        values: vec![1.0],
    }
}

/// Every curve's parameters: a parameter of another curve is refused by name.
const CURVE_PARAMS: [&str; 8] = [
    "ceiling",
    "growth",
    "midpoint",
    "p",
    "q",
    "rate",
    "ramp_months",
    "values",
];

/// `[user_groups.adoption]`: the curve and its parameters.
fn parse_adoption(t: &mut Table<'_>) -> Adoption {
    let unit = Bounds::closed(0.0, 1.0);
    let midpoint_bounds = Bounds::closed(-24.0, 120.0).with_note("months after go-live");
    let curves: [(&str, &[&'static str]); 5] = [
        ("logistic", &["ceiling", "growth", "midpoint"]),
        ("bass", &["ceiling", "p", "q"]),
        ("gompertz", &["ceiling", "rate", "midpoint"]),
        ("linear", &["ceiling", "ramp_months"]),
        ("table", &["values", "ceiling"]),
    ];
    let names: Vec<&str> = curves.iter().map(|(c, _)| *c).collect();
    let curve = match t.required("curve", format!("one of: {}", names.join(", "))) {
        Some(v) => match v.string() {
            Some(s) => match curves.iter().find(|(c, _)| *c == s) {
                Some(&(c, params)) => Some((c, params)),
                None => {
                    let mut d = v
                        .diag(format!("unknown adoption curve {}", quoted(s)))
                        .allowed(format!("one of: {}", names.join(", ")));
                    if let Some(sug) = t.did_you_mean(s, names.iter().copied()) {
                        d = d.suggest(sug);
                    }
                    v.report(d);
                    None
                }
            },
            None => None,
        },
        None => None,
    };
    let Some((curve, params)) = curve else {
        for k in CURVE_PARAMS {
            t.skip(k);
        }
        return placeholder_adoption(t.path());
    };
    for key in CURVE_PARAMS {
        if !params.contains(&key) {
            t.reject_with(
                key,
                |k| {
                    format!(
                        "`{k}` is not used by a {curve} curve; {curve} takes {}",
                        join_words(params)
                    )
                },
                Some(format!("for a {curve} curve: {}", join_words(params))),
            );
        }
    }
    match curve {
        "logistic" => Adoption::Logistic {
            ceiling: req(t, "ceiling", &unit),
            growth: req(t, "growth", &Bounds::above(0.0).with_note("per month")),
            midpoint: req(t, "midpoint", &midpoint_bounds),
        },
        "bass" => Adoption::Bass {
            ceiling: req(t, "ceiling", &unit),
            p: req(
                t,
                "p",
                &Bounds::open_closed(0.0, 1.0).with_note("innovation, per month"),
            ),
            q: req(
                t,
                "q",
                &Bounds::closed(0.0, 2.0).with_note("imitation, per month"),
            ),
        },
        "gompertz" => Adoption::Gompertz {
            ceiling: req(t, "ceiling", &unit),
            rate: req(t, "rate", &Bounds::above(0.0).with_note("per month")),
            midpoint: req(t, "midpoint", &midpoint_bounds),
        },
        "linear" => Adoption::Linear {
            ceiling: req(t, "ceiling", &unit),
            ramp_months: req(t, "ramp_months", &Bounds::above(0.0).with_note("months")),
        },
        _ => {
            let mut values = Vec::new();
            if let Some(v) = t.required(
                "values",
                "a list of adoption shares by month since go-live, e.g. values = [0.1, 0.4, 0.8]",
            ) && let Some(items) = v.array()
            {
                if items.is_empty() {
                    v.report(
                        v.diag("the adoption table is empty")
                            .allowed("at least one share in [0, 1]"),
                    );
                }
                for item in items {
                    values.push(item.number(&unit).unwrap_or(0.0));
                }
            }
            let ceiling = t.uncertain_or("ceiling", &unit, 1.0);
            Adoption::Table { ceiling, values }
        }
    }
}
