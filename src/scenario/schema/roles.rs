//! `[[roles]]`: job families whose time has a price (docs/SCENARIO.md, section 5).

use super::{Ctx, MAX_SEATS, item_name, req};
use crate::scenario::read::{Bounds, Table};
use crate::scenario::types::{DEFAULT_WORKING_WEEKS, Role};

/// Every `[[roles]]` entry; their names are registered for the user groups' `role`.
pub(in crate::scenario) fn parse_roles(root: &mut Table<'_>, ctx: &mut Ctx<'_>) -> Vec<Role> {
    let mut roles = Vec::new();
    for (i, mut t) in root.tables("roles").into_iter().enumerate() {
        let name = item_name(&mut t, "roles", "role");
        if let Some((n, loc)) = name {
            let field = t.field_path("name");
            ctx.roles.add(ctx.r, &field, n, loc, i);
        }
        let headcount = t
            .required_number(
                "headcount",
                &Bounds::closed(0.0, MAX_SEATS).with_note("people, at most 10,000,000"),
            )
            .unwrap_or(0.0);
        let hourly_cost = req(&mut t, "hourly_cost", &Bounds::money_nonneg());
        let working_weeks = t
            .optional_number(
                "working_weeks",
                &Bounds::closed(1.0, 52.0)
                    .with_note("weeks a year actually worked, after leave and public holidays"),
            )
            .ok()
            .flatten()
            .unwrap_or(DEFAULT_WORKING_WEEKS);
        t.finish();
        roles.push(Role {
            name: name.map(|(n, _)| n.to_string()).unwrap_or_default(),
            headcount,
            hourly_cost,
            working_weeks,
        });
    }
    roles
}
