//! `[[levers]]`: change-management levers, with their `[levers.effects]` on adoption, data
//! quality and the probability of risks, and their own `[[levers.costs]]` (docs/SCENARIO.md,
//! section 8).

use toml::de::DeValue;

use super::costs::parse_cost;
use super::{Ctx, Names, item_name, keyword, opt};
use crate::scenario::diagnostic::Diagnostic;
use crate::scenario::read::{Bounds, Table, Value, quoted};
use crate::scenario::types::{CostCategory, Lever, LeverEffects, LeverKind, Risk, RiskEffect};

/// Every `[[levers]]` entry. `risks` are the scenario's risks, which `effects.risks` names.
pub(in crate::scenario) fn parse_levers(
    root: &mut Table<'_>,
    ctx: &Ctx<'_>,
    risks: &[Risk],
) -> Vec<Lever> {
    let r = ctx.r;
    let mut names = Names::new("lever");
    let all = ctx.all_groups();
    let kinds = [
        ("communication", LeverKind::Communication),
        ("training", LeverKind::Training),
        ("appraisal", LeverKind::Appraisal),
        ("generic", LeverKind::Generic),
    ];
    let mut out = Vec::new();
    for (i, mut t) in root.tables("levers").into_iter().enumerate() {
        let name = item_name(&mut t, "levers", "lever");
        if let Some((n, loc)) = name {
            let field = t.field_path("name");
            names.add(r, &field, n, loc, i);
        }
        let kind = keyword(&mut t, "kind", &kinds, None);
        let applies_to = ctx.group_list(&mut t, "applies_to", &all);
        let effects = match t.optional_table("effects") {
            Some(mut e) => {
                let share = Bounds::closed(-1.0, 1.0).with_note("fraction points added");
                let mult = Bounds::open_closed(0.0, 10.0).with_note("a multiplier: 1.2 = 20% more");
                let effects = LeverEffects {
                    ceiling: opt(&mut e, "ceiling", &share),
                    speed: opt(&mut e, "speed", &mult),
                    midpoint_shift: opt(
                        &mut e,
                        "midpoint_shift",
                        &Bounds::closed(-24.0, 24.0).with_note("months; negative = earlier"),
                    ),
                    bass_p: opt(&mut e, "bass_p", &mult),
                    bass_q: opt(&mut e, "bass_q", &mult),
                    data_quality: opt(&mut e, "data_quality", &share),
                    risks: risk_effects(&mut e, ctx, risks),
                };
                e.finish();
                effects
            }
            None => LeverEffects::default(),
        };
        let default_category = match kind {
            Some(LeverKind::Training) => CostCategory::Training,
            _ => CostCategory::ChangeManagement,
        };
        let section = format!("{}.costs", t.path());
        let mut cost_names = Names::new("cost of this lever");
        let costs = t
            .tables("costs")
            .into_iter()
            .enumerate()
            .map(|(j, mut c)| {
                let line = parse_cost(
                    &mut c,
                    &section,
                    name.map(|(n, _)| n),
                    Some(default_category),
                    &applies_to,
                    ctx,
                    &mut cost_names,
                    j,
                );
                c.finish();
                line
            })
            .collect();
        t.finish();
        out.push(Lever {
            name: name.map(|(n, _)| n.to_string()).unwrap_or_default(),
            kind: kind.unwrap_or(LeverKind::Generic),
            applies_to,
            effects,
            costs,
        });
    }
    out
}

/// `effects.risks = { "Risk name" = multiplier, … }`: each named risk's probability is
/// multiplied by the (uncertain) multiplier. The input is named
/// `levers."Lever".effects.risks."Risk name"`.
fn risk_effects(e: &mut Table<'_>, ctx: &Ctx<'_>, risks: &[Risk]) -> Vec<RiskEffect> {
    let r = ctx.r;
    let Some(v) = e.take("risks") else {
        return Vec::new();
    };
    let allowed = "a table of risk names and probability multipliers, e.g. \
                   risks = { \"Programme fails to take hold\" = { pert = [0.4, 0.6, 0.8] } }";
    let DeValue::Table(table) = v.raw() else {
        v.report(v.diag("expected a table of risk names").allowed(allowed));
        return Vec::new();
    };
    if table.is_empty() {
        v.report(v.diag("the table of risks is empty").allowed(allowed));
        return Vec::new();
    }
    let multiplier = Bounds::closed(0.0, 10.0).with_note(
        "multiplies the risk's probability: 0.6 = 40% less likely; the result is capped at 1",
    );
    let names: Vec<&str> = risks.iter().map(|k| k.name.as_str()).collect();
    let mut out = Vec::new();
    for (key, item) in table.iter() {
        let name: &str = key.get_ref();
        let value = Value::new(r, item, format!("{}.{}", v.path(), quoted(name)));
        let Some(risk) = names.iter().position(|n| *n == name) else {
            let mut d = Diagnostic::new(value.path(), format!("unknown risk {}", quoted(name)))
                .at(Some(r.location(key.span().start)))
                .allowed(if names.is_empty() {
                    "the name of a [[risks]] entry; this scenario has no risks".to_string()
                } else {
                    format!(
                        "the name of a [[risks]] entry: {}",
                        names
                            .iter()
                            .map(|n| quoted(n))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                });
            if let Some(s) = r.did_you_mean(name, names.iter().copied()) {
                d = d.suggest(s);
            }
            r.report(d);
            continue;
        };
        if let Some(u) = value.uncertain(&multiplier) {
            out.push(RiskEffect {
                risk,
                probability_multiplier: u,
            });
        }
    }
    out
}
