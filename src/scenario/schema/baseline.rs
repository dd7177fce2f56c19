//! `[baseline]` and `[baseline.funnel]`: the business before the programme (docs/SCENARIO.md,
//! section 4). Also records which fields are present, for the drivers' prerequisites.

use super::{Ctx, Provided, opt, req};
use crate::scenario::diagnostic::Diagnostic;
use crate::scenario::read::{Bounds, Table};
use crate::scenario::types::{Baseline, Funnel, NewBusiness, Uncertain};

/// The fields of `[baseline]` (also recognised when written above the `[baseline]` line).
pub(in crate::scenario) const BASELINE_FIELDS: [&str; 9] = [
    "new_business_revenue",
    "installed_base_revenue",
    "growth",
    "gross_margin",
    "churn",
    "cost_to_serve",
    "marketing_spend",
    "sales_cycle_months",
    "funnel",
];

/// `[baseline]`, optional as a whole: without it growth is 0 and gross margin 1.
pub(in crate::scenario) fn parse_baseline(root: &mut Table<'_>, ctx: &mut Ctx<'_>) -> Baseline {
    let unit = Bounds::closed(0.0, 1.0);
    let Some(mut t) = root.optional_table("baseline") else {
        return Baseline {
            new_business: None,
            installed_base_revenue: None,
            growth: Uncertain::fixed("baseline.growth", 0.0),
            gross_margin: Uncertain::fixed("baseline.gross_margin", 1.0),
            churn: None,
            cost_to_serve: None,
            marketing_spend: None,
            sales_cycle_months: None,
        };
    };
    let money = Bounds::money_nonneg();
    let revenue = opt(&mut t, "new_business_revenue", &money);
    let installed_base_revenue = opt(&mut t, "installed_base_revenue", &money);
    let growth = t.uncertain_or(
        "growth",
        &Bounds::closed(-0.5, 1.0).with_note("annual: 0.05 means 5% a year"),
        0.0,
    );
    let gross_margin = t.uncertain_or("gross_margin", &unit, 1.0);
    let churn = opt(
        &mut t,
        "churn",
        &unit.with_note("annual share of the installed base lost"),
    );
    let cost_to_serve = opt(&mut t, "cost_to_serve", &money);
    let marketing_spend = opt(&mut t, "marketing_spend", &money);
    let sales_cycle_months = opt(
        &mut t,
        "sales_cycle_months",
        &Bounds::open_closed(0.0, 60.0).with_note("months"),
    );
    let funnel = t.optional_table("funnel").map(|mut f| {
        let funnel = parse_funnel(&mut f);
        f.finish();
        funnel
    });
    if t.has("new_business_revenue") && t.has("funnel") {
        ctx.r.report(
            Diagnostic::new(
                "baseline.funnel",
                "new-business revenue is given twice: as new_business_revenue and as [baseline.funnel]",
            )
            .at(t.key_location("funnel"))
            .allowed("either new_business_revenue or a [baseline.funnel] section, not both"),
        );
    }
    ctx.provided = Provided {
        new_business: t.has("new_business_revenue") || t.has("funnel"),
        installed_base_revenue: t.has("installed_base_revenue"),
        gross_margin: t.has("gross_margin"),
        churn: t.has("churn"),
        cost_to_serve: t.has("cost_to_serve"),
        marketing_spend: t.has("marketing_spend"),
        sales_cycle_months: t.has("sales_cycle_months"),
    };
    t.finish();
    let new_business = match (revenue, funnel) {
        (Some(r), _) => Some(NewBusiness::Revenue(r)),
        (None, Some(f)) => Some(NewBusiness::Funnel(f)),
        (None, None) => None,
    };
    Baseline {
        new_business,
        installed_base_revenue,
        growth,
        gross_margin,
        churn,
        cost_to_serve,
        marketing_spend,
        sales_cycle_months,
    }
}

/// `[baseline.funnel]`: new business as leads × stage conversions × win rate × deal size.
fn parse_funnel(t: &mut Table<'_>) -> Funnel {
    let unit = Bounds::closed(0.0, 1.0);
    let leads_per_year = req(
        t,
        "leads_per_year",
        &Bounds::closed(0.0, 1e12)
            .soft_cap()
            .with_note("leads a year"),
    );
    let mut stage_conversion = Vec::new();
    if let Some(v) = t.take("stage_conversion")
        && let Some(items) = v.array()
    {
        for item in items {
            let path = item.path().to_string();
            stage_conversion.push(
                item.uncertain(&unit)
                    .unwrap_or_else(|| Uncertain::fixed(path, 0.0)),
            );
        }
    }
    let win_rate = req(t, "win_rate", &unit);
    let deal_size = req(t, "deal_size", &Bounds::money_nonneg());
    Funnel {
        leads_per_year,
        stage_conversion,
        win_rate,
        deal_size,
    }
}
