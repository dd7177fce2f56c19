//! `[[levers]]`: change-management levers, with their `[levers.effects]` on adoption and data
//! quality and their own `[[levers.costs]]` (docs/SCENARIO.md, section 8).

use super::costs::parse_cost;
use super::{Ctx, Names, item_name, keyword, opt};
use crate::scenario::read::{Bounds, Table};
use crate::scenario::types::{CostCategory, Lever, LeverEffects, LeverKind};

/// Every `[[levers]]` entry.
pub(in crate::scenario) fn parse_levers(root: &mut Table<'_>, ctx: &Ctx<'_>) -> Vec<Lever> {
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
