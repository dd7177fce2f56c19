//! `[[costs]]` (and `[[levers.costs]]`, read the same way): when each cost falls due, how much,
//! and how much it may overrun (docs/SCENARIO.md, section 9).

use super::names::comparison_key;
use super::{Ctx, Names, item_name, keyword, opt, req};
use crate::scenario::diagnostic::Diagnostic;
use crate::scenario::read::{Bounds, Table, join_words, quoted};
use crate::scenario::types::{CostCategory, CostLine, CostSchedule, Location, SeatStart};

/// Every top-level `[[costs]]` entry; per-seat costs apply to every group unless they name some.
pub(in crate::scenario) fn parse_costs(root: &mut Table<'_>, ctx: &Ctx<'_>) -> Vec<CostLine> {
    let mut names = Names::new("cost");
    let all = ctx.all_groups();
    root.tables("costs")
        .into_iter()
        .enumerate()
        .map(|(i, mut t)| {
            let line = parse_cost(&mut t, "costs", None, None, &all, ctx, &mut names, i);
            t.finish();
            line
        })
        .collect()
}

/// Every schedule's fields: a field of another cost kind is refused by name.
const SCHEDULE_FIELDS: [&str; 6] = [
    "month",
    "from_month",
    "to_month",
    "groups",
    "starts",
    "contract_month",
];

/// One cost line (`[[costs]]`, or `[[levers.costs]]` of the lever named `lever`).
#[allow(clippy::too_many_arguments)]
pub(super) fn parse_cost(
    t: &mut Table<'_>,
    section: &str,
    lever: Option<&str>,
    default_category: Option<CostCategory>,
    default_groups: &[usize],
    ctx: &Ctx<'_>,
    names: &mut Names,
    index: usize,
) -> CostLine {
    let name = item_name(t, section, "cost");
    if let Some((n, loc)) = name {
        let field = t.field_path("name");
        names.add(ctx.r, &field, n, loc, index);
        ctx.cost_columns.borrow_mut().push(CostColumn {
            column: match lever {
                Some(l) => format!("{l}: {n}"),
                None => n.to_string(),
            },
            field,
            name: n.to_string(),
            lever: lever.map(str::to_string),
            at: loc,
        });
    }
    let categories: Vec<(&'static str, CostCategory)> =
        CostCategory::ALL.iter().map(|c| (c.key(), *c)).collect();
    let category =
        keyword(t, "category", &categories, default_category).unwrap_or(CostCategory::Other);
    let kinds: [(&'static str, usize); 4] = [
        ("one_off", 0),
        ("monthly", 1),
        ("per_seat_monthly", 2),
        ("per_seat_one_off", 3),
    ];
    let kind = keyword(t, "kind", &kinds, None);
    let fields: &[&str] = match kind {
        Some(0) => &["month"],
        Some(1) => &["from_month", "to_month"],
        Some(2) => &["groups", "to_month", "starts", "contract_month"],
        Some(3) => &["groups", "starts", "contract_month"],
        _ => &[],
    };
    if let Some(k) = kind {
        let kind_name = kinds[k].0;
        for key in SCHEDULE_FIELDS {
            if !fields.contains(&key) {
                t.reject_with(
                    key,
                    |f| {
                        format!(
                            "`{f}` is not used by a {kind_name} cost; {kind_name} takes {}",
                            join_words(fields)
                        )
                    },
                    Some(format!("for a {kind_name} cost: {}", join_words(fields))),
                );
            }
        }
    } else {
        for key in SCHEDULE_FIELDS {
            t.skip(key);
        }
    }
    let to_month = |t: &mut Table<'_>, from: u32| -> Option<u32> {
        let text = format!("a whole month number >= {from} (inclusive; clipped to the horizon)");
        match t.optional_integer("to_month", i64::from(from), 100_000, Some(&text)) {
            Ok(Some(m)) => u32::try_from(m).ok(),
            _ => None,
        }
    };
    let schedule = match kind {
        Some(1) => {
            let from_month = ctx.month(t, "from_month", 0);
            let to_month = to_month(t, from_month);
            CostSchedule::Monthly {
                from_month,
                to_month,
            }
        }
        Some(2) => {
            let groups = ctx.group_list(t, "groups", default_groups);
            // Subscriptions are paid for the seats bought, from the contract's schedule.
            let starts = seat_start(t, ctx, "per_seat_monthly", SeatStartKind::Contract);
            let to_month = to_month(t, starts.month(0, 0));
            CostSchedule::PerSeatMonthly {
                groups,
                to_month,
                starts,
            }
        }
        Some(3) => {
            let groups = ctx.group_list(t, "groups", default_groups);
            // Training and other one-off costs per seat happen when the group goes live.
            let starts = seat_start(t, ctx, "per_seat_one_off", SeatStartKind::GoLive);
            CostSchedule::PerSeatOneOff { groups, starts }
        }
        _ => CostSchedule::OneOff {
            month: ctx.month(t, "month", 0),
        },
    };
    let amount = req(t, "amount", &Bounds::money_nonneg());
    let overrun = opt(
        t,
        "overrun",
        &Bounds::closed(-0.5, 5.0).with_note("relative: 0.10 = 10% over budget"),
    );
    CostLine {
        name: name.map(|(n, _)| n.to_string()).unwrap_or_default(),
        category,
        schedule,
        amount,
        overrun,
    }
}

/// The two values of `starts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SeatStartKind {
    GoLive,
    Contract,
}

/// `starts` and `contract_month` of a per-seat cost of kind `kind`, whose default start is
/// `default`: `contract_month` only with `starts = "contract"`.
fn seat_start(t: &mut Table<'_>, ctx: &Ctx<'_>, kind: &str, default: SeatStartKind) -> SeatStart {
    let options = [
        ("go_live", SeatStartKind::GoLive),
        ("contract", SeatStartKind::Contract),
    ];
    let starts = keyword(t, "starts", &options, Some(default)).unwrap_or(default);
    match starts {
        SeatStartKind::Contract => SeatStart::Contract {
            month: t
                .has("contract_month")
                .then(|| ctx.month(t, "contract_month", 0)),
        },
        SeatStartKind::GoLive => {
            let default_word = if default == SeatStartKind::GoLive {
                format!(" (the default for a {kind} cost)")
            } else {
                String::new()
            };
            t.reject_with(
                "contract_month",
                |f| {
                    format!(
                        "`{f}` is the month a contract starts, but this cost starts at each group's go-live{default_word}"
                    )
                },
                Some("add `starts = \"contract\"` to pay from the contract month, or remove `contract_month`".to_string()),
            );
            SeatStart::GoLive
        }
    }
}

/// A cost line's name as the cash flow table and the cost charts show it.
#[derive(Debug, Clone)]
pub(super) struct CostColumn {
    /// The column's name: the line's name, or "lever: cost" for a lever's cost.
    column: String,
    /// The line's `name` field, for messages.
    field: String,
    /// The name as written.
    name: String,
    /// The lever a lever's cost belongs to.
    lever: Option<String>,
    at: Location,
}

impl CostColumn {
    fn describe(&self) -> String {
        match &self.lever {
            Some(l) => format!("the cost {} of lever {}", quoted(&self.name), quoted(l)),
            None => format!("the cost line {}", quoted(&self.name)),
        }
    }
}

/// Two cost lines that the cash flow table (`valuecase cashflow`) and the charts would show
/// under one name: a `[[costs]]` line named "A: B" and lever A's cost "B", or lever "A: B"'s
/// cost "C" and lever A's cost "B: C". Compared as names are (case, spaces at the ends,
/// invisible characters and Unicode form do not tell them apart). Duplicates within one list
/// are reported where the names are read; this finds the ones across lists.
pub(in crate::scenario) fn check_cost_columns(ctx: &Ctx<'_>) {
    let columns = ctx.cost_columns.borrow();
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, c) in columns.iter().enumerate() {
        let key = comparison_key(&c.column);
        match seen.get(&key) {
            Some(&first) => {
                let earlier = &columns[first];
                // Within one list the names were already compared.
                if earlier.lever == c.lever {
                    continue;
                }
                ctx.r.report(
                    Diagnostic::new(
                        c.field.clone(),
                        format!(
                            "{} and {} (line {}) would both be shown as {} in the cash flow table and the cost charts",
                            c.describe(),
                            earlier.describe(),
                            earlier.at.line,
                            quoted(&format!("cost: {}", c.column))
                        ),
                    )
                    .at(Some(c.at))
                    .allowed(
                        "a lever's cost is shown as \"lever: cost\"; rename one of the two so that every cost line has a name of its own",
                    ),
                );
            }
            None => {
                seen.insert(key, i);
            }
        }
    }
}
