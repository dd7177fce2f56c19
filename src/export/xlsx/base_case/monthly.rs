//! The Base case sheet's monthly table: one row per month, one column per quantity of
//! docs/MODEL.md, every cell a formula (see [`super::equations`]).

use rust_xlsxwriter::{Format, Worksheet};

use super::equations::{self as eq, Curve};
use super::layout::{Compounding, abs, column_range, rel};
use super::{
    C_HOURS, C_WEIGHTS, Context, G_CEILING, G_GO_LIVE, G_PARAM1, G_PARAM2, G_QUALITY, write_formula,
};
use crate::export::monthly_csv::calendar_month;
use crate::export::xlsx::style::Styles;
use crate::export::xlsx::{WorkbookInput, XlsxResult};
use crate::scenario::{Adoption, CostSchedule, Driver, SeatStart};

/// What a cell of the table holds.
enum Cell {
    Formula(String),
    Number(f64),
    Text(String),
}

/// One column: the group it belongs to, its name, its equation in words, its format, and how
/// to fill the row of month t.
struct Column<'a> {
    col: u16,
    group: &'static str,
    name: String,
    equation: String,
    format: &'a Format,
    cell: Box<dyn Fn(usize) -> Cell + 'a>,
}

/// Write the header rows and every month's row.
pub(super) fn write(
    sheet: &mut Worksheet,
    st: &Styles,
    ctx: &Context,
    input: &WorkbookInput,
) -> XlsxResult<()> {
    let columns = columns(st, ctx, input);
    let h = ctx.rows.table_header;
    // Each column carries its group's label, so that a printed page or a scrolled window
    // always says what its columns are.
    for c in &columns {
        sheet.write_string_with_format(h, c.col, c.group, &st.group_header)?;
    }
    for c in &columns {
        sheet.write_string_with_format(h + 1, c.col, &c.name, &st.header)?;
        sheet.write_string_with_format(h + 2, c.col, &c.equation, &st.equation)?;
        if c.col > 1 {
            sheet.set_column_width(c.col, 15.0)?;
        }
    }
    sheet.set_row_height(h + 1, 45)?;
    sheet.set_row_height(h + 2, 36)?;
    for t in 0..ctx.months {
        let row = ctx.rows.first_month + t as u32;
        for c in &columns {
            match (c.cell)(t) {
                Cell::Formula(f) => write_formula(sheet, row, c.col, &f, c.format)?,
                Cell::Number(x) => {
                    sheet.write_number_with_format(row, c.col, x, c.format)?;
                }
                Cell::Text(s) => {
                    sheet.write_string(row, c.col, s)?;
                }
            }
        }
    }
    sheet.set_freeze_panes(ctx.rows.first_month, 2)?;
    Ok(())
}

fn columns<'a>(st: &'a Styles, ctx: &'a Context<'a>, input: &'a WorkbookInput) -> Vec<Column<'a>> {
    let s = ctx.s;
    let k = &ctx.cols;
    let first = ctx.rows.first_month;
    // A cell of column `col` in month t (relative, so the formula reads like the equation).
    let at = move |col: u16, t: usize| rel(first + t as u32, col);
    let month = move |t: usize| format!("${}", at(k.month, t));
    let growth = move |t: usize| at(k.growth, t);
    let rho = ctx.scalars.rho.as_str();
    let margin = ctx.input(&s.baseline.gross_margin.name);
    let new_business = ctx.scalars.new_business.as_str();
    let installed_base = ctx.baseline(s.baseline.installed_base_revenue.as_ref());
    let mut out: Vec<Column<'a>> = Vec::new();
    let mut push = |col: u16,
                    group: &'static str,
                    name: String,
                    equation: &str,
                    format: &'a Format,
                    cell: Box<dyn Fn(usize) -> Cell + 'a>| {
        out.push(Column {
            col,
            group,
            name,
            equation: equation.to_string(),
            format,
            cell,
        })
    };

    push(
        k.month,
        "Month",
        "Month t".into(),
        "0 = the first month",
        &st.integer,
        Box::new(|t| Cell::Number(t as f64)),
    );
    let start = input.results.summary.start_month.clone();
    push(
        k.calendar,
        "Month",
        "Calendar month".into(),
        "from the scenario's start",
        &st.text,
        Box::new(move |t| Cell::Text(calendar_month(start.as_deref(), t))),
    );
    let gamma = ctx.input(&s.baseline.growth.name);
    push(
        k.growth,
        "Month",
        "Growth G(t)".into(),
        "§3 (1 + γ)^(t/12)",
        &st.factor,
        Box::new(move |t| Cell::Formula(eq::growth(&gamma, &month(t)))),
    );
    let rate = ctx.scalars.monthly_rate.clone();
    push(
        k.discount,
        "Month",
        "Discount factor d(t)".into(),
        "§6 1 / (1 + r_m)^t",
        &st.factor,
        Box::new(move |t| Cell::Formula(eq::discount_factor(&rate, &month(t)))),
    );

    // §1 adoption and quality-weighted adoption, per group.
    for (g, group) in s.user_groups.iter().enumerate() {
        let go_live = ctx.group_cell(g, G_GO_LIVE);
        let ceiling = ctx.group_cell(g, G_CEILING);
        let (p1, p2) = (ctx.group_cell(g, G_PARAM1), ctx.group_cell(g, G_PARAM2));
        let table = ctx.refs.adoption_table.get(g).cloned().flatten();
        let (equation, kind) = match &group.adoption {
            Adoption::Logistic { .. } => ("§1 C / (1 + exp(−k(τ − m))), τ = t − go-live", 0),
            Adoption::Bass { .. } => ("§1 C (1 − e^−(p+q)τ) / (1 + (q/p) e^−(p+q)τ)", 1),
            Adoption::Gompertz { .. } => ("§1 C exp(−exp(−r(τ − m)))", 2),
            Adoption::Linear { .. } => ("§1 C min(1, τ / R)", 3),
            Adoption::Table { .. } => ("§1 C · values[min(τ, len − 1)]", 4),
        };
        push(
            k.adoption[g],
            "Adoption a_g(t) (share of seats)",
            group.name.clone(),
            equation,
            &st.share,
            Box::new(move |t| {
                let curve = match (kind, &table) {
                    (0, _) => Curve::Logistic { k: &p1, m: &p2 },
                    (1, _) => Curve::Bass { p: &p1, q: &p2 },
                    (2, _) => Curve::Gompertz { r: &p1, m: &p2 },
                    (4, Some((values, len))) => Curve::Table { values, len: *len },
                    _ => Curve::Linear { ramp: &p1 },
                };
                Cell::Formula(eq::adoption(&month(t), &go_live, &ceiling, &curve))
            }),
        );
    }
    for (g, group) in s.user_groups.iter().enumerate() {
        let quality = ctx.group_cell(g, G_QUALITY);
        let a = k.adoption[g];
        push(
            k.quality[g],
            "Adoption × data quality â_g(t)",
            group.name.clone(),
            "§1 a_g(t) · Q_g",
            &st.share,
            Box::new(move |t| Cell::Formula(format!("{}*{quality}", at(a, t)))),
        );
    }

    // §2 realised uplift x_c(t) = U_c · Σ_g w_g â_g(t − lag): quality-weighted adoption, or
    // (hours saved, direct value) adoption alone.
    let lagged_from = move |c: usize, t: usize, quality: bool| -> Option<Vec<(u16, String)>> {
        let cap = &s.capabilities[c];
        let lag = cap.lag_months as usize;
        (t >= lag).then(|| {
            cap.used_by
                .iter()
                .map(|&g| {
                    let col = if quality { k.quality[g] } else { k.adoption[g] };
                    (g as u16, at(col, t - lag))
                })
                .collect()
        })
    };
    let lagged = move |c: usize, t: usize| lagged_from(c, t, true);
    let weighted = move |c: usize, terms: Vec<(u16, String)>| -> Vec<(String, String)> {
        terms
            .into_iter()
            .map(|(g, a)| (ctx.capability_cell(c, C_WEIGHTS + g), a))
            .collect()
    };
    for (c, cap) in s.capabilities.iter().enumerate() {
        let Some(col) = k.uplift[c] else { continue };
        let effect = ctx.input(&cap.effect.name);
        push(
            col,
            "Realised uplift x_c(t)",
            cap.name.clone(),
            "§2 U_c · Σ_g w_g â_g(t − lag)",
            &st.share,
            Box::new(move |t| match lagged(c, t) {
                None => Cell::Number(0.0),
                Some(terms) => Cell::Formula(format!(
                    "{effect}*({})",
                    eq::realised_share(&weighted(c, terms))
                )),
            }),
        );
    }
    // §3 pipeline timing: lead and conversion uplifts one sales cycle later.
    for (c, cap) in s.capabilities.iter().enumerate() {
        let (Some(col), Some(x)) = (k.pipeline[c], k.uplift[c]) else {
            continue;
        };
        let x = column_range(first, ctx.months, x);
        let (whole, fraction) = (&ctx.scalars.cycle_whole, &ctx.scalars.cycle_fraction);
        push(
            col,
            "Realised uplift x_c(t)",
            format!("{} one sales cycle later", cap.name),
            "§3 (1 − f) x_c(t − n) + f x_c(t − n − 1)",
            &st.share,
            Box::new(move |t| Cell::Formula(eq::pipeline(&x, &month(t), whole, fraction))),
        );
    }
    // The uplift each driver reads: a pipeline capability's one sales cycle later.
    let uplift = move |c: usize, t: usize| at(k.pipeline[c].or(k.uplift[c]).unwrap_or(0), t);

    // §3 the compounding drivers' gains and their attribution weights.
    let compounding: [(
        &Option<Compounding>,
        bool,
        &'static str,
        &'static str,
        String,
    ); 3] = [
        (
            &k.funnel,
            true,
            "Funnel gain F(t)",
            "§3 NB(t) · M · (Π(1 + x̃_k) − 1)",
            String::new(),
        ),
        (
            &k.cost_to_serve,
            false,
            "Cost-to-serve saving",
            "§3 CTS(t) · (1 − Π(1 − x_k))",
            ctx.baseline(s.baseline.cost_to_serve.as_ref()),
        ),
        (
            &k.marketing,
            false,
            "Marketing saving",
            "§3 MKT(t) · (1 − Π(1 − x_k))",
            ctx.baseline(s.baseline.marketing_spend.as_ref()),
        ),
    ];
    for (list, funnel, label, equation, base) in compounding {
        let Some(list) = list.clone() else { continue };
        let caps = list.caps.clone();
        let margin = margin.clone();
        push(
            list.gain,
            "Driver workings",
            label.into(),
            equation,
            &st.money,
            Box::new(move |t| {
                let xs: Vec<String> = caps.iter().map(|&c| uplift(c, t)).collect();
                Cell::Formula(if funnel {
                    eq::funnel_gain(&eq::monthly(new_business, &growth(t)), &margin, &xs)
                } else {
                    eq::reduction_saving(&eq::monthly(&base, &growth(t)), &xs)
                })
            }),
        );
        if let Some(col) = list.weight_sum {
            let caps = list.caps.clone();
            push(
                col,
                "Driver workings",
                format!("{label}: Σ attribution weights"),
                if funnel {
                    "§3 Σ ln(1 + x̃_k)"
                } else {
                    "§3 Σ −ln(1 − x_k)"
                },
                &st.factor,
                Box::new(move |t| {
                    let ws: Vec<String> = caps
                        .iter()
                        .map(|&c| eq::log_weight(&uplift(c, t), funnel))
                        .collect();
                    Cell::Formula(eq::sum(&ws))
                }),
            );
        }
    }

    // §3 sales cycle: Σ x_k, s(t) and each capability's share s_c(t).
    let cycle_caps: Vec<usize> = (0..s.capabilities.len())
        .filter(|&c| k.cycle_share[c].is_some())
        .collect();
    if let (Some(total), Some(combined)) = (k.cycle_total, k.cycle_combined) {
        let caps = cycle_caps.clone();
        push(
            total,
            "Driver workings",
            "Sales cycle: Σ x_k".into(),
            "§3 each x capped at 0.999999",
            &st.factor,
            Box::new(move |t| {
                Cell::Formula(eq::sum(
                    &caps
                        .iter()
                        .map(|&c| eq::capped(&uplift(c, t)))
                        .collect::<Vec<_>>(),
                ))
            }),
        );
        let caps = cycle_caps.clone();
        push(
            combined,
            "Driver workings",
            "Sales cycle: s(t)".into(),
            "§3 1 − Π(1 − x_k)",
            &st.factor,
            Box::new(move |t| {
                let kept: Vec<String> = caps
                    .iter()
                    .map(|&c| format!("(1-{})", eq::capped(&uplift(c, t))))
                    .collect();
                Cell::Formula(format!("1-{}", eq::product(&kept)))
            }),
        );
        for &c in &cycle_caps {
            let col = k.cycle_share[c].unwrap_or(0);
            push(
                col,
                "Driver workings",
                format!("Sales-cycle share: {}", s.capabilities[c].name),
                "§3 s(t) · x_c / Σ x_k",
                &st.factor,
                Box::new(move |t| {
                    Cell::Formula(eq::cycle_share(
                        &uplift(c, t),
                        &at(total, t),
                        &at(combined, t),
                    ))
                }),
            );
        }
    }

    // §3 retention: Σ x_k, the share kept a month Δ(t) and each capability's stock K_c(t).
    let churn = ctx.baseline(s.baseline.churn.as_ref());
    let retention_caps: Vec<usize> = (0..s.capabilities.len())
        .filter(|&c| k.retention_stock[c].is_some())
        .collect();
    if let (Some(total), Some(kept)) = (k.retention_total, k.retention_kept) {
        let caps = retention_caps.clone();
        push(
            total,
            "Driver workings",
            "Retention: Σ x_k".into(),
            "§3 points of churn saved a year",
            &st.share,
            Box::new(move |t| {
                Cell::Formula(eq::sum(
                    &caps.iter().map(|&c| uplift(c, t)).collect::<Vec<_>>(),
                ))
            }),
        );
        let ch = churn.clone();
        let survival = ctx.scalars.survival.as_str();
        push(
            kept,
            "Driver workings",
            "Retention: share kept a month Δ(t)".into(),
            "§3 (1 − ch + min(Σ x_k, ch))^(1/12) − s",
            &st.factor,
            Box::new(move |t| Cell::Formula(eq::retention_kept(&at(total, t), &ch, survival))),
        );
        let keep = format!("{}*{}", ctx.scalars.survival, ctx.scalars.growth_step);
        for &c in &retention_caps {
            let col = k.retention_stock[c].unwrap_or(0);
            let (ib, keep) = (installed_base.clone(), keep.clone());
            push(
                col,
                "Driver workings",
                format!("Retention stock: {}", s.capabilities[c].name),
                "§3 K(t−1) · s · g + IB(t) · Δ(t) · x_c / Σ x_k",
                &st.money,
                Box::new(move |t| {
                    let before = (t > 0).then(|| at(col, t - 1));
                    Cell::Formula(eq::retention_stock(
                        before.as_deref(),
                        &keep,
                        &format!("{ib}*{}", growth(t)),
                        &at(kept, t),
                        &uplift(c, t),
                        &at(total, t),
                    ))
                }),
            );
        }
    }

    // §3 each capability's benefit after risk.
    let cycle_months = ctx.scalars.cycle.clone();
    for (c, cap) in s.capabilities.iter().enumerate() {
        let (margin, ib, cycle_months) =
            (margin.clone(), installed_base.clone(), cycle_months.clone());
        let hours = ctx.capability_cell(c, C_HOURS);
        let effect = ctx.input(&cap.effect.name);
        let costs: Vec<String> = s
            .user_groups
            .iter()
            .map(|g| {
                g.role.map_or_else(
                    || "0".to_string(),
                    |r| ctx.input(&s.roles[r].hourly_cost.name),
                )
            })
            .collect();
        let weeks: Vec<String> = s
            .user_groups
            .iter()
            .map(|g| {
                g.role.map_or_else(
                    || "0".to_string(),
                    |r| ctx.refs.working_weeks.get(r).cloned().unwrap_or_default(),
                )
            })
            .collect();
        let value_schedule = ctx.refs.value_schedule.get(c).cloned().flatten();
        let delay = ctx.scalars.delay.clone();
        let seats = ctx.refs.seats.clone();
        let driver = cap.driver;
        let compounding_of = |d: Driver| -> Option<Compounding> {
            match d {
                d if d.is_funnel() => k.funnel.clone(),
                Driver::CostToServe => k.cost_to_serve.clone(),
                Driver::MarketingEfficiency => k.marketing.clone(),
                _ => None,
            }
        };
        let list = compounding_of(driver);
        let equation = match driver {
            d if d.is_funnel() => "§3 ρ · F(t) · ln(1 + x_c) / Σ ln(1 + x_k)",
            Driver::CostToServe | Driver::MarketingEfficiency => {
                "§3 ρ · saving · ln(1 − x_c) / Σ ln(1 − x_k)"
            }
            Driver::SalesCycle => "§3 ρ · NB(t) · M · S · (s_c(t) − s_c(t−1))",
            Driver::Retention => "§3 ρ · K_c(t) / 12 · M",
            Driver::CrossSell => "§3 ρ · IB(t)/12 · M · x_c(t)",
            Driver::HoursSaved => "§3 ρ · Σ_g seats_g a_g(t − lag) h·v · W_g/12 · w_g",
            Driver::DirectValue if value_schedule.is_some() => {
                "§3 ρ · V/12 · σ(t), σ = min(1, (t − F − D + 1)/R) from F + D"
            }
            Driver::DirectValue => "§3 ρ · V/12 · Σ_g w_g a_g(t − lag)",
            _ => "",
        };
        push(
            k.benefit[c],
            "Benefit after risk",
            cap.name.clone(),
            equation,
            &st.money,
            Box::new(move |t| {
                let raw = match driver {
                    Driver::HoursSaved => match lagged_from(c, t, false) {
                        None => return Cell::Number(0.0),
                        Some(terms) => eq::hours_saved(
                            &terms
                                .into_iter()
                                .map(|(g, a)| {
                                    let g = g as usize;
                                    (seats[g].clone(), a, weeks[g].clone(), costs[g].clone())
                                })
                                .collect::<Vec<_>>(),
                            &hours,
                        ),
                    },
                    Driver::DirectValue if value_schedule.is_some() => {
                        let (from, ramp) = value_schedule.clone().unwrap_or_default();
                        eq::direct_value(
                            &effect,
                            &eq::value_schedule(&month(t), &from, &delay, &ramp),
                        )
                    }
                    Driver::DirectValue => match lagged_from(c, t, false) {
                        None => return Cell::Number(0.0),
                        Some(terms) => {
                            eq::direct_value(&effect, &eq::realised_share(&weighted(c, terms)))
                        }
                    },
                    Driver::SalesCycle => {
                        let col = k.cycle_share[c].unwrap_or(0);
                        let before = if t > 0 {
                            at(col, t - 1)
                        } else {
                            "0".to_string()
                        };
                        eq::cycle_benefit(
                            &eq::monthly(new_business, &growth(t)),
                            &margin,
                            &cycle_months,
                            &at(col, t),
                            &before,
                        )
                    }
                    Driver::Retention => {
                        eq::retention_benefit(&at(k.retention_stock[c].unwrap_or(0), t), &margin)
                    }
                    Driver::CrossSell => {
                        eq::cross_sell(&eq::monthly(&ib, &growth(t)), &margin, &uplift(c, t))
                    }
                    _ => match &list {
                        Some(list) => eq::attributed(
                            &at(list.gain, t),
                            &eq::log_weight(&uplift(c, t), driver.is_funnel()),
                            &list.weight_sum.map_or_else(String::new, |w| at(w, t)),
                            list.caps.len(),
                        ),
                        None => "0".to_string(),
                    },
                };
                Cell::Formula(eq::after_risk(rho, &effect, &raw))
            }),
        );
    }

    // §4 each cost line.
    let lines: Vec<(String, &CostSchedule)> = s
        .costs
        .iter()
        .map(|c| (c.name.clone(), &c.schedule))
        .chain(s.levers.iter().flat_map(|l| {
            l.costs
                .iter()
                .map(move |c| (format!("{}: {}", l.name, c.name), &c.schedule))
        }))
        .collect();
    for (l, (name, schedule)) in lines.into_iter().enumerate() {
        let amount = ctx.cost_amount(l);
        let sched = ctx.refs.schedule.get(l).cloned().unwrap_or_default();
        let seats = ctx.refs.seats.clone();
        // §4 each group's first month: its go-live (delay included), its planned go-live, or the
        // contract's month.
        let start_of = |starts: &SeatStart| -> Vec<String> {
            (0..s.user_groups.len())
                .map(|g| match starts {
                    SeatStart::GoLive => ctx.group_cell(g, G_GO_LIVE),
                    SeatStart::Contract { month: None } => ctx.refs.go_live[g].clone(),
                    SeatStart::Contract { month: Some(_) } => sched
                        .contract_month
                        .clone()
                        .unwrap_or_else(|| "NA()".into()),
                })
                .collect()
        };
        let go_live = match schedule {
            CostSchedule::PerSeatMonthly { starts, .. }
            | CostSchedule::PerSeatOneOff { starts, .. } => start_of(starts),
            _ => Vec::new(),
        };
        let na = || "NA()".to_string();
        let equation = match schedule {
            CostSchedule::OneOff { .. } => "§4 A(1 + o)κ_r in its month",
            CostSchedule::Monthly { .. } => "§4 A(1 + o)κ_r from … to …",
            CostSchedule::PerSeatMonthly { .. } => "§4 Σ_g seats_g A(1 + o)κ_r from S_g to …",
            CostSchedule::PerSeatOneOff { .. } => "§4 Σ_g seats_g A(1 + o)κ_r in month S_g",
        };
        push(
            k.cost[l],
            "Cost",
            name,
            equation,
            &st.money,
            Box::new(move |t| {
                let m = month(t);
                Cell::Formula(match schedule {
                    CostSchedule::OneOff { .. } => {
                        eq::in_month(&m, &sched.month.clone().unwrap_or_else(na), &amount)
                    }
                    CostSchedule::Monthly { .. } => eq::in_months(
                        &m,
                        &sched.from_month.clone().unwrap_or_else(na),
                        &sched.to_month.clone().unwrap_or_else(na),
                        &amount,
                    ),
                    CostSchedule::PerSeatMonthly { groups, .. } => {
                        let to = sched.to_month.clone().unwrap_or_else(na);
                        let terms: Vec<String> = groups
                            .iter()
                            .map(|&g| eq::in_months(&m, &go_live[g], &to, &seats[g]))
                            .collect();
                        format!("{amount}*({})", eq::sum(&terms))
                    }
                    CostSchedule::PerSeatOneOff { groups, .. } => {
                        let terms: Vec<String> = groups
                            .iter()
                            .map(|&g| eq::in_month(&m, &go_live[g], &seats[g]))
                            .collect();
                        format!("{amount}*({})", eq::sum(&terms))
                    }
                })
            }),
        );
    }

    // §6 the cash flow.
    let span = move |cols: &[u16], t: usize| match (cols.first(), cols.last()) {
        (Some(&a), Some(&b)) => format!("SUM({}:{})", at(a, t), at(b, t)),
        _ => "0".to_string(),
    };
    let benefit_cols = k.benefit.clone();
    push(
        k.benefits,
        "Cash flow",
        "Benefits B(t)".into(),
        "§6 Σ_c benefit_c(t)",
        &st.money,
        Box::new(move |t| Cell::Formula(span(&benefit_cols, t))),
    );
    let cost_cols = k.cost.clone();
    push(
        k.costs,
        "Cash flow",
        "Costs C(t)".into(),
        "§6 Σ cost lines",
        &st.money,
        Box::new(move |t| Cell::Formula(span(&cost_cols, t))),
    );
    push(
        k.net,
        "Cash flow",
        "Net N(t)".into(),
        "§6 B(t) − C(t)",
        &st.money,
        Box::new(move |t| Cell::Formula(format!("{}-{}", at(k.benefits, t), at(k.costs, t)))),
    );
    let running = move |col: u16, flow: u16, t: usize| {
        if t == 0 {
            at(flow, t)
        } else {
            format!("{}+{}", at(col, t - 1), at(flow, t))
        }
    };
    push(
        k.cumulative,
        "Cash flow",
        "Cumulative net".into(),
        "§6 Σ_{k≤t} N(k)",
        &st.money,
        Box::new(move |t| Cell::Formula(running(k.cumulative, k.net, t))),
    );
    push(
        k.discounted,
        "Cash flow",
        "Discounted net N(t)·d(t)".into(),
        "§6",
        &st.money,
        Box::new(move |t| Cell::Formula(format!("{}*{}", at(k.net, t), at(k.discount, t)))),
    );
    push(
        k.cumulative_discounted,
        "Cash flow",
        "Cumulative discounted net".into(),
        "§6",
        &st.money,
        Box::new(move |t| Cell::Formula(running(k.cumulative_discounted, k.discounted, t))),
    );
    let crossing = move |balance: u16, flow: u16, t: usize| {
        if t == 0 {
            Cell::Text(String::new())
        } else {
            Cell::Formula(eq::crossing(
                &month(t),
                &at(balance, t - 1),
                &at(balance, t),
                &at(flow, t),
            ))
        }
    };
    push(
        k.crossing,
        "Payback workings",
        "Payback crossing".into(),
        "§6 (t − 1) + (−B(t−1)) / N(t) where the balance turns non-negative",
        &st.months,
        Box::new(move |t| crossing(k.cumulative, k.net, t)),
    );
    push(
        k.discounted_crossing,
        "Payback workings",
        "Discounted payback crossing".into(),
        "§6 the same on the discounted balance",
        &st.months,
        Box::new(move |t| crossing(k.cumulative_discounted, k.discounted, t)),
    );
    let _ = abs;
    out
}
