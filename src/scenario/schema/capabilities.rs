//! `[[capabilities]]`: what each capability moves (its driver), by how much at full adoption,
//! and who uses it (docs/SCENARIO.md, section 7). Each driver needs some baseline fields; a
//! missing one is reported at the driver.

use super::names::{refuse_invisible, within_length};
use super::{Ctx, Names, item_name, keyword, req};
use crate::scenario::diagnostic::Diagnostic;
use crate::scenario::read::{Bounds, Table, join_words, quoted};
use crate::scenario::types::{Capability, Driver, Location, Uncertain, ValueSchedule};

/// Every `[[capabilities]]` entry (at least one).
pub(in crate::scenario) fn parse_capabilities(
    root: &mut Table<'_>,
    ctx: &Ctx<'_>,
) -> Vec<Capability> {
    let r = ctx.r;
    let before = r.count();
    let tables = root.tables("capabilities");
    if tables.is_empty() && r.count() == before {
        r.report(
            Diagnostic::new(
                "capabilities",
                "no capabilities: a scenario needs at least one",
            )
            .allowed("one or more [[capabilities]] sections, each with a driver"),
        );
    }
    let mut names = Names::new("capability");
    let all = ctx.all_groups();
    let mut out = Vec::new();
    for (i, mut t) in tables.into_iter().enumerate() {
        let name = item_name(&mut t, "capabilities", "capability");
        if let Some((n, loc)) = name {
            let field = t.field_path("name");
            names.add(r, &field, n, loc, i);
        }
        let group = match t.take("group") {
            Some(v) => match v.string() {
                Some(g) if !g.trim().is_empty() => {
                    if within_length(&v, v.path(), g, "capability group") {
                        refuse_invisible(&v, v.path(), g, "capability group");
                    }
                    g.to_string()
                }
                _ => "Other".to_string(),
            },
            None => "Other".to_string(),
        };
        let used_by = ctx.group_list(&mut t, "used_by", &all);
        let options: Vec<(&'static str, Driver)> =
            Driver::ALL.iter().map(|d| (d.key(), *d)).collect();
        let driver_location = t.value_location("driver");
        let driver = keyword(&mut t, "driver", &options, None);
        let path = t.path().to_string();
        let (effect, value_share) = match driver {
            Some(d) => {
                let fields = driver_fields(d);
                for key in EFFECT_FIELDS {
                    if !fields.contains(&key) {
                        t.reject_with(
                            key,
                            |k| {
                                format!(
                                    "`{k}` is not used by the {} driver; it takes {}",
                                    d.key(),
                                    join_words(fields)
                                )
                            },
                            Some(format!(
                                "for the {} driver: {}",
                                d.key(),
                                join_words(fields)
                            )),
                        );
                    }
                }
                match d {
                    Driver::HoursSaved => (
                        req(
                            &mut t,
                            "hours_per_week",
                            &Bounds::closed(0.0, 40.0).with_note("hours per active user per week"),
                        ),
                        t.uncertain_or(
                            "value_share",
                            &Bounds::closed(0.0, 1.0)
                                .with_note("share of the saved time turned into value"),
                            1.0,
                        ),
                    ),
                    Driver::DirectValue => (
                        req(&mut t, "annual_value", &Bounds::money()),
                        Uncertain::fixed(format!("{path}.value_share"), 1.0),
                    ),
                    _ => (
                        req(&mut t, "uplift", &uplift_bounds(d)),
                        Uncertain::fixed(format!("{path}.value_share"), 1.0),
                    ),
                }
            }
            None => {
                for k in EFFECT_FIELDS {
                    t.skip(k);
                }
                (
                    Uncertain::fixed(format!("{path}.uplift"), 0.0),
                    Uncertain::fixed(format!("{path}.value_share"), 1.0),
                )
            }
        };
        let schedule = match driver {
            Some(Driver::DirectValue) => value_schedule(&mut t, ctx),
            _ => None,
        };
        if schedule.is_some() {
            t.reject_with(
                "lag_months",
                |f| format!("`{f}` does not apply to a direct value on a schedule: it starts at from_month"),
                Some("from_month alone, or lag_months without from_month (the value then follows adoption)".to_string()),
            );
        }
        let lag_months = match t.optional_integer("lag_months", 0, 600, None) {
            Ok(Some(m)) => u32::try_from(m).unwrap_or(0),
            _ => 0,
        };
        if let Some(d) = driver {
            check_prerequisites(ctx, &t, d, driver_location, &used_by);
        }
        t.finish();
        out.push(Capability {
            name: name.map(|(n, _)| n.to_string()).unwrap_or_default(),
            group,
            used_by,
            driver: driver.unwrap_or(Driver::DirectValue),
            effect,
            value_share,
            lag_months,
            schedule,
        });
    }
    out
}

/// A direct value's `from_month` and `ramp_months`: with `from_month` the value follows that
/// schedule; `ramp_months` only beside it.
fn value_schedule(t: &mut Table<'_>, ctx: &Ctx<'_>) -> Option<ValueSchedule> {
    if !t.has("from_month") {
        t.reject_with(
            "ramp_months",
            |f| format!("`{f}` ramps a direct value up from its from_month, and there is none"),
            Some(
                "add `from_month = ...` (the month the value starts), or remove `ramp_months`"
                    .to_string(),
            ),
        );
        return None;
    }
    let from_month = ctx.month(t, "from_month", 0);
    let ramp_months = match t.optional_integer(
        "ramp_months",
        0,
        600,
        Some("a whole number of months from 0 (the full value at once) to 600"),
    ) {
        Ok(Some(m)) => u32::try_from(m).unwrap_or(0),
        _ => 0,
    };
    Some(ValueSchedule {
        from_month,
        ramp_months,
    })
}

/// The effect field(s) a driver takes, with their bounds.
fn driver_fields(driver: Driver) -> &'static [&'static str] {
    match driver {
        Driver::HoursSaved => &["hours_per_week", "value_share"],
        Driver::DirectValue => &["annual_value", "from_month", "ramp_months"],
        _ => &["uplift"],
    }
}

/// The allowed range of `uplift`, which means something different for each driver.
fn uplift_bounds(driver: Driver) -> Bounds {
    match driver {
        Driver::SalesCycle => Bounds::closed(0.0, 0.9)
            .with_note("relative reduction of the sales cycle: 0.05 = 5% shorter"),
        Driver::Retention => {
            Bounds::closed(0.0, 1.0).with_note("churn reduction in fraction points: 0.01 = 1 point")
        }
        Driver::CostToServe | Driver::MarketingEfficiency => {
            Bounds::closed(0.0, 0.95).with_note("relative reduction: 0.10 = 10% less")
        }
        _ => Bounds::closed(-0.5, 2.0).with_note("relative uplift: 0.05 = +5%"),
    }
}

/// Every driver's effect fields: a field of another driver is refused by name.
const EFFECT_FIELDS: [&str; 6] = [
    "uplift",
    "hours_per_week",
    "value_share",
    "annual_value",
    "from_month",
    "ramp_months",
];

/// Report every baseline field (or role) a capability's driver needs but the scenario lacks.
fn check_prerequisites(
    ctx: &Ctx<'_>,
    t: &Table<'_>,
    driver: Driver,
    at: Option<Location>,
    used_by: &[usize],
) {
    let p = ctx.provided;
    let field = t.field_path("driver");
    let key = driver.key();
    let need = |ok: bool, what: &str, allowed: &str| {
        if !ok {
            ctx.r.report(
                Diagnostic::new(field.clone(), format!("the {key} driver needs {what}"))
                    .at(at)
                    .allowed(allowed.to_string()),
            );
        }
    };
    let revenue = driver.is_funnel()
        || matches!(
            driver,
            Driver::SalesCycle | Driver::Retention | Driver::CrossSell
        );
    if driver.is_funnel() || driver == Driver::SalesCycle {
        need(
            p.new_business,
            "new-business revenue (baseline.new_business_revenue or [baseline.funnel])",
            "add `new_business_revenue = ...` or a [baseline.funnel] section to [baseline]",
        );
    }
    if driver == Driver::SalesCycle {
        need(
            p.sales_cycle_months,
            "baseline.sales_cycle_months",
            "add `sales_cycle_months = ...` to [baseline]",
        );
    }
    if driver.acts_through_pipeline() {
        need(
            p.sales_cycle_months,
            "baseline.sales_cycle_months (the extra opportunities close, and bring revenue, one sales cycle later)",
            "add `sales_cycle_months = ...` (the average months from first contact to signature) to [baseline]",
        );
    }
    if driver == Driver::Retention {
        need(
            p.churn,
            "baseline.churn",
            "add `churn = ...` (annual, e.g. 0.12) to [baseline]",
        );
    }
    if matches!(driver, Driver::Retention | Driver::CrossSell) {
        need(
            p.installed_base_revenue,
            "baseline.installed_base_revenue",
            "add `installed_base_revenue = ...` to [baseline]",
        );
    }
    if revenue {
        need(
            p.gross_margin,
            "baseline.gross_margin (revenue effects count at gross margin)",
            "add `gross_margin = ...` (e.g. 0.5) to [baseline]",
        );
    }
    if driver == Driver::CostToServe {
        need(
            p.cost_to_serve,
            "baseline.cost_to_serve",
            "add `cost_to_serve = ...` (annual) to [baseline]",
        );
    }
    if driver == Driver::MarketingEfficiency {
        need(
            p.marketing_spend,
            "baseline.marketing_spend",
            "add `marketing_spend = ...` (annual) to [baseline]",
        );
    }
    if driver == Driver::HoursSaved {
        for &g in used_by {
            if ctx.group_roles.get(g).copied().flatten().is_none() {
                let name = ctx.groups.list.get(g).map(String::as_str).unwrap_or("?");
                ctx.r.report(
                    Diagnostic::new(
                        field.clone(),
                        format!(
                            "the hours_saved driver values time at a role's hourly cost, but user group {} has no role",
                            quoted(name)
                        ),
                    )
                    .at(at)
                    .allowed("add `role = \"...\"` to that user group (and a matching [[roles]] section), or leave the group out of used_by"),
                );
            }
        }
    }
}
