//! `[[risks]]`: programme-level events that may happen in a trial, each with at least one
//! effect (docs/SCENARIO.md, section 10).

use super::{Names, item_name, opt};
use crate::scenario::diagnostic::Diagnostic;
use crate::scenario::read::{Bounds, Reader, Table};
use crate::scenario::types::Risk;

/// Every `[[risks]]` entry.
pub(in crate::scenario) fn parse_risks(root: &mut Table<'_>, r: &Reader<'_>) -> Vec<Risk> {
    let mut names = Names::new("risk");
    let mut out = Vec::new();
    for (i, mut t) in root.tables("risks").into_iter().enumerate() {
        let name = item_name(&mut t, "risks", "risk");
        if let Some((n, loc)) = name {
            let field = t.field_path("name");
            names.add(r, &field, n, loc, i);
        }
        let probability = t
            .required_number(
                "probability",
                &Bounds::closed(0.0, 1.0).with_note("a plain number: the chance the event happens"),
            )
            .unwrap_or(0.0);
        let benefit_realised = opt(
            &mut t,
            "benefit_realised",
            &Bounds::closed(0.0, 1.0).with_note("share of benefits kept when it happens"),
        );
        let cost_multiplier = opt(
            &mut t,
            "cost_multiplier",
            &Bounds::closed(0.0, 10.0).with_note("1.2 = costs 20% higher"),
        );
        let delay_months = opt(
            &mut t,
            "delay_months",
            &Bounds::closed(0.0, 60.0).with_note("months of go-live delay"),
        );
        if !(t.has("benefit_realised") || t.has("cost_multiplier") || t.has("delay_months")) {
            r.report(
                Diagnostic::new(t.path(), "a risk needs at least one effect")
                    .at(t.location())
                    .allowed("benefit_realised, cost_multiplier and/or delay_months"),
            );
        }
        t.finish();
        out.push(Risk {
            name: name.map(|(n, _)| n.to_string()).unwrap_or_default(),
            probability,
            benefit_realised,
            cost_multiplier,
            delay_months,
        });
    }
    out
}
