//! The Base case sheet: the model of docs/MODEL.md rebuilt month by month with live formulas
//! on the Assumptions sheet. Above the monthly table: the results (NPV, PV of benefits and
//! costs, ROI, IRR, paybacks) as formulas beside valuecase's own figures, the run-wide values
//! (monthly rate, risk effects, delay, new-business revenue), each user group's curve after
//! levers and risks, each capability's seat weights and each cost line's amount. The formulas
//! come from [`equations`], one function per equation.

pub mod equations;
mod layout;
mod monthly;

use rust_xlsxwriter::{Format, Formula, Workbook, Worksheet};

use self::equations as eq;
use self::layout::{Columns, RESULTS, Rows, SCALARS, abs, column_range};
use super::assumptions::Refs;
use super::names::Names;
use super::style::Styles;
use super::{WorkbookInput, XlsxResult};
use crate::scenario::{Adoption, CostSchedule, Driver, NewBusiness, Scenario, SeatStart};

/// The sheet's name.
pub const SHEET: &str = "Base case";

/// The defined names of the Base case results, for the other sheets to link to.
#[derive(Debug, Clone)]
pub struct Results {
    pub npv: String,
    pub pv_benefits: String,
    pub pv_costs: String,
    pub roi: String,
    pub irr: String,
    pub payback: String,
    pub discounted_payback: String,
    pub monthly_rate: String,
    /// The monthly table's row of month 0 (month t is `first_month + t`), and the columns of
    /// each capability's benefit and each cost line's cost (model order), for the TEI sheet.
    pub first_month: u32,
    pub benefit_cols: Vec<u16>,
    pub cost_cols: Vec<u16>,
}

/// The names of the run-wide values (defined names pointing at this sheet).
pub(super) struct Scalars {
    pub monthly_rate: String,
    pub rho: String,
    pub kappa: String,
    pub delay: String,
    pub new_business: String,
    pub irr_guess: String,
    /// The baseline sales cycle S (not below 0), its whole months n and fraction f.
    pub cycle: String,
    pub cycle_whole: String,
    pub cycle_fraction: String,
    /// The installed base's monthly survival s and the baseline's monthly growth g.
    pub survival: String,
    pub growth_step: String,
}

/// Everything the monthly formulas read, resolved to formula text.
pub(super) struct Context<'a> {
    pub s: &'a Scenario,
    pub refs: &'a Refs,
    pub scalars: Scalars,
    pub rows: Rows,
    pub cols: Columns,
    pub months: usize,
}

impl Context<'_> {
    /// The defined name of an input by its stable name.
    pub fn input(&self, stable: &str) -> String {
        self.refs.input(stable)
    }

    /// §5/§7: whether risk `k` happens in the base case, as a condition: its occurrence row on
    /// Assumptions is 1. For a risk no lever names that is the event's base value (probability
    /// above one half); for one that levers make less likely the row is a formula, 1 when the
    /// probability times the levers' multipliers exceeds one half.
    pub fn risk_happens(&self, k: usize) -> String {
        format!("{}>=0.5", self.input(&self.s.risks[k].occurrence_name()))
    }

    /// A baseline amount's name, or `0` when the scenario has none.
    pub fn baseline(&self, u: Option<&crate::scenario::Uncertain>) -> String {
        u.map_or_else(|| "0".to_string(), |u| self.input(&u.name))
    }

    /// The user-group table's cell of group `g`, column `col`.
    pub fn group_cell(&self, g: usize, col: u16) -> String {
        abs(self.rows.groups + 1 + g as u32, col)
    }

    /// The capability table's cell of capability `c`, column `col`.
    pub fn capability_cell(&self, c: usize, col: u16) -> String {
        abs(self.rows.capabilities + 1 + c as u32, col)
    }

    /// The cost table's amount cell of cost line `l`.
    pub fn cost_amount(&self, l: usize) -> String {
        abs(self.rows.costs + 1 + l as u32, 2)
    }
}

/// Group table columns.
pub(super) const G_GO_LIVE: u16 = 1;
pub(super) const G_CEILING: u16 = 2;
pub(super) const G_PARAM1: u16 = 4;
pub(super) const G_PARAM2: u16 = 5;
pub(super) const G_QUALITY: u16 = 6;
pub(super) const G_SEATS: u16 = 7;
/// Capability table columns: the hours value, then one seat weight per group.
pub(super) const C_HOURS: u16 = 4;
pub(super) const C_WEIGHTS: u16 = 5;

fn write_formula(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    body: &str,
    format: &Format,
) -> XlsxResult<()> {
    sheet.write_formula_with_format(row, col, Formula::new(format!("={body}")), format)?;
    Ok(())
}

/// Write the sheet; returns the names of its results.
pub fn write(
    book: &mut Workbook,
    input: &WorkbookInput,
    st: &Styles,
    names: &mut Names,
    refs: &Refs,
) -> XlsxResult<Results> {
    let s = input.scenario;
    let rows = Rows::of(s);
    let cols = Columns::of(s);
    let months = s.meta.horizon_months as usize;
    let quoted = format!("'{SHEET}'");
    let mut defined: Vec<(String, String)> = Vec::new();
    // These names are reserved before any input's ([`super::FIXED_NAMES`]): they are theirs.
    let mut define = |_: &mut Names, name: &str, row: u32, col: u16| {
        debug_assert!(super::FIXED_NAMES.contains(&name), "{name} is reserved");
        defined.push((name.to_string(), format!("={quoted}!{}", abs(row, col))));
        name.to_string()
    };
    let scalar = |k: usize| rows.scalars + k as u32;
    let scalars = Scalars {
        monthly_rate: define(names, "monthly_rate", scalar(0), 1),
        rho: define(names, "risk_benefit_share", scalar(1), 1),
        kappa: define(names, "risk_cost_multiplier", scalar(2), 1),
        delay: define(names, "risk_go_live_delay", scalar(3), 1),
        new_business: define(names, "new_business_revenue", scalar(4), 1),
        irr_guess: define(names, "irr_search_start", scalar(5), 1),
        cycle: abs(scalar(6), 1),
        cycle_whole: abs(scalar(7), 1),
        cycle_fraction: abs(scalar(8), 1),
        survival: abs(scalar(9), 1),
        growth_step: abs(scalar(10), 1),
    };
    let result = |k: usize| rows.results + k as u32;
    let results = Results {
        npv: define(names, "base_npv", result(0), 1),
        pv_benefits: define(names, "base_pv_benefits", result(1), 1),
        pv_costs: define(names, "base_pv_costs", result(2), 1),
        roi: define(names, "base_roi", result(3), 1),
        irr: define(names, "base_irr_annual", result(4), 1),
        payback: define(names, "base_payback_months", result(5), 1),
        discounted_payback: define(names, "base_discounted_payback_months", result(6), 1),
        monthly_rate: scalars.monthly_rate.clone(),
        first_month: rows.first_month,
        benefit_cols: cols.benefit.clone(),
        cost_cols: cols.cost.clone(),
    };
    let ctx = Context {
        s,
        refs,
        scalars,
        rows,
        cols,
        months,
    };

    let sheet = book.add_worksheet().set_name(SHEET)?;
    // No cached results: every spreadsheet computes the formulas when it opens the file
    // (LibreOffice keeps a cached value unless it is empty).
    sheet.set_formula_result_default("");
    Styles::page(sheet, false);
    sheet.set_repeat_rows(ctx.rows.table_header, ctx.rows.first_month - 1)?;
    sheet.set_repeat_columns(0, 1)?;
    write_heading(sheet, st, &ctx)?;
    write_results(sheet, st, &ctx, input)?;
    write_scalars(sheet, st, &ctx)?;
    write_groups(sheet, st, &ctx)?;
    write_capabilities(sheet, st, &ctx)?;
    write_costs(sheet, st, &ctx)?;
    monthly::write(sheet, st, &ctx, input)?;

    for (name, formula) in defined {
        book.define_name(name, &formula)?;
    }
    Ok(results)
}

fn write_heading(sheet: &mut Worksheet, st: &Styles, ctx: &Context) -> XlsxResult<()> {
    sheet.write_string_with_format(
        0,
        0,
        "Base case: every input at its most likely value, month by month, as live formulas",
        &st.title,
    )?;
    let levered = ctx.refs.risk_probability.iter().any(Option::is_some);
    let notes = [
        "Every number here is a formula on the Assumptions sheet (its blue cells), following \
         docs/MODEL.md section by section (§): change a base value there and the whole sheet \
         recomputes, NPV, IRR and paybacks included.",
        "\"This sheet\" is the formula; \"valuecase\" is what the run computed for the base \
         case. Built into the layout rather than read from cells: the number of months (a row \
         each) and each capability's lag (its formulas read adoption that many rows up).",
        "valuecase decides a balance within rounding of exactly zero with an exact sum; a \
         spreadsheet's running sum can land a hair either side, which in such a tie can move a \
         payback by that month (not seen outside constructed cases).",
        if levered {
            "A risk that levers make less likely happens in the base case when its probability \
             (Assumptions, structure) times the levers' multipliers exceeds one half: its \
             'occurs' row on Assumptions is that formula, not a number to type over."
        } else {
            ""
        },
    ];
    for (k, note) in notes.iter().enumerate().filter(|(_, n)| !n.is_empty()) {
        sheet.write_string_with_format(1 + k as u32, 0, *note, &st.note_inline)?;
    }
    let _ = ctx;
    Ok(())
}

fn write_results(
    sheet: &mut Worksheet,
    st: &Styles,
    ctx: &Context,
    input: &WorkbookInput,
) -> XlsxResult<()> {
    let r0 = ctx.rows.results;
    for (c, h) in ["Result", "This sheet", "valuecase", "Difference", "How"]
        .iter()
        .enumerate()
    {
        sheet.write_string_with_format(r0 - 1, c as u16, *h, &st.header)?;
    }
    let cols = &ctx.cols;
    let (first, n) = (ctx.rows.first_month, ctx.months);
    let range = |col: u16| column_range(first, n, col);
    let (b, c, d) = (
        range(cols.benefits),
        range(cols.costs),
        range(cols.discount),
    );
    let pv_b = abs(r0 + 1, 1);
    let pv_c = abs(r0 + 2, 1);
    let net = range(cols.net);
    let excel_npv = if n >= 2 {
        format!(
            "{}+NPV({},{}:{})",
            abs(first, cols.net),
            ctx.scalars.monthly_rate,
            abs(first + 1, cols.net),
            abs(first + n as u32 - 1, cols.net)
        )
    } else {
        abs(first, cols.net)
    };
    let base = &input.results.summary.base_case;
    let formulas = [
        (
            format!("SUM({})", range(cols.discounted)),
            Some(base.npv),
            "Σ discounted net flow",
        ),
        (
            format!("SUMPRODUCT({b},{d})"),
            Some(base.pv_benefits),
            "Σ benefits × discount factor",
        ),
        (
            format!("SUMPRODUCT({c},{d})"),
            Some(base.pv_costs),
            "Σ costs × discount factor",
        ),
        (
            eq::roi(&pv_b, &pv_c),
            base.roi,
            "(PV benefits − PV costs) / PV costs",
        ),
        (
            eq::irr_annual(&net, &ctx.scalars.irr_guess),
            base.irr_annual,
            "(1 + IRR of the monthly net flows)^12 − 1",
        ),
        (
            eq::payback(&range(cols.cumulative), &range(cols.crossing)),
            base.payback_months,
            "first month the cumulative net flow turns non-negative, interpolated",
        ),
        (
            eq::payback(
                &range(cols.cumulative_discounted),
                &range(cols.discounted_crossing),
            ),
            base.discounted_payback_months,
            "the same on the discounted net flow",
        ),
        (
            excel_npv,
            Some(base.npv),
            "month 0 + NPV(r_m, months 1 …): Excel discounts its first value one period",
        ),
    ];
    for (k, (formula, valuecase, how)) in formulas.iter().enumerate() {
        let row = r0 + k as u32;
        let format = match k {
            3 | 4 => &st.share,
            5 | 6 => &st.months,
            _ => &st.money_bold,
        };
        sheet.write_string_with_format(row, 0, RESULTS[k], &st.bold)?;
        write_formula(sheet, row, 1, formula, format)?;
        match valuecase {
            Some(v) => sheet.write_number_with_format(row, 2, *v, format)?,
            None => {
                sheet.write_string(row, 2, ["n/a", "none", "never", "never"][k.clamp(3, 6) - 3])?
            }
        };
        let (this, theirs) = (abs(row, 1), abs(row, 2));
        write_formula(
            sheet,
            row,
            3,
            &format!(
                "IF(AND(ISNUMBER({this}),ISNUMBER({theirs})),{this}-{theirs},IF({this}={theirs},0,\"differs\"))"
            ),
            format,
        )?;
        sheet.write_string_with_format(row, 4, *how, &st.note_inline)?;
    }
    Ok(())
}

fn write_scalars(sheet: &mut Worksheet, st: &Styles, ctx: &Context) -> XlsxResult<()> {
    let s = ctx.s;
    let r0 = ctx.rows.scalars;
    sheet.write_string_with_format(r0 - 1, 0, "Run-wide values", &st.header)?;
    sheet.write_string_with_format(r0 - 1, 1, "Value", &st.header)?;
    sheet.write_string_with_format(r0 - 1, 2, "docs/MODEL.md", &st.header)?;
    let occurring = |f: &dyn Fn(&crate::scenario::Risk) -> Option<String>| -> Vec<String> {
        s.risks
            .iter()
            .enumerate()
            .filter_map(|(k, r)| f(r).map(|effect| (ctx.risk_happens(k), effect)))
            .map(|(happens, effect)| eq::if_risk(&happens, &effect, "1"))
            .collect()
    };
    let rho = occurring(&|r| r.benefit_realised.as_ref().map(|u| ctx.input(&u.name)));
    let kappa = occurring(&|r| r.cost_multiplier.as_ref().map(|u| ctx.input(&u.name)));
    let delays: Vec<String> = s
        .risks
        .iter()
        .enumerate()
        .filter_map(|(k, r)| {
            r.delay_months
                .as_ref()
                .map(|u| eq::delay_term(&ctx.risk_happens(k), &ctx.input(&u.name)))
        })
        .collect();
    let new_business = match &s.baseline.new_business {
        None => "0".to_string(),
        Some(NewBusiness::Revenue(u)) => ctx.input(&u.name),
        Some(NewBusiness::Funnel(f)) => {
            let stages: Vec<String> = f
                .stage_conversion
                .iter()
                .map(|u| ctx.input(&u.name))
                .collect();
            format!(
                "{}*({})*{}*{}",
                ctx.input(&f.leads_per_year.name),
                eq::product(&stages),
                ctx.input(&f.win_rate.name),
                ctx.input(&f.deal_size.name)
            )
        }
    };
    let values = [
        (
            eq::monthly_rate(&ctx.refs.discount_rate),
            &st.factor,
            "§6 (1 + r)^(1/12) − 1",
        ),
        (
            eq::product(&rho),
            &st.factor,
            "§5 Π benefit_realised of the risks that happen (a negative effect is not cut)",
        ),
        (
            eq::product(&kappa),
            &st.factor,
            "§5 Π cost_multiplier of the risks that happen",
        ),
        (
            eq::delay(&delays),
            &st.integer,
            "§5 Σ delays of the risks that happen, each rounded to whole months",
        ),
        (
            new_business,
            &st.money,
            "§3 revenue, or leads × Π conversions × win rate × deal size",
        ),
    ];
    for (k, (formula, format, note)) in values.iter().enumerate() {
        let row = r0 + k as u32;
        sheet.write_string(row, 0, SCALARS[k])?;
        write_formula(sheet, row, 1, formula, format)?;
        sheet.write_string_with_format(row, 2, *note, &st.note_inline)?;
    }
    let row = r0 + values.len() as u32;
    sheet.write_string(row, 0, SCALARS[5])?;
    sheet.write_number_with_format(row, 1, 0.01, &st.input_number)?;
    sheet.write_string_with_format(
        row,
        2,
        "where Excel's IRR starts its search; change it if IRR shows \"none\" for flows that do turn",
        &st.note_inline,
    )?;
    let cycle = ctx.baseline(s.baseline.sales_cycle_months.as_ref());
    let churn = ctx.baseline(s.baseline.churn.as_ref());
    let gamma = ctx.input(&s.baseline.growth.name);
    let sc = &ctx.scalars;
    let more = [
        (
            format!("MAX(0,{cycle})"),
            &st.number,
            "§3 the baseline's sales_cycle_months, not below 0",
        ),
        (
            format!("INT({})", sc.cycle),
            &st.integer,
            "§3 lead and conversion uplifts bring revenue S months later",
        ),
        (
            format!("{}-{}", sc.cycle, sc.cycle_whole),
            &st.factor,
            "§3 a fractional S is shared between the months n and n + 1 later",
        ),
        (
            format!("(1-{churn})^(1/12)"),
            &st.factor,
            "§3 (1 − ch)^(1/12): the share of the installed base kept each month",
        ),
        (
            format!("(1+{gamma})^(1/12)"),
            &st.factor,
            "§3 (1 + γ)^(1/12)",
        ),
    ];
    for (k, (formula, format, note)) in more.iter().enumerate() {
        let row = r0 + 6 + k as u32;
        sheet.write_string(row, 0, SCALARS[6 + k])?;
        write_formula(sheet, row, 1, formula, format)?;
        sheet.write_string_with_format(row, 2, *note, &st.note_inline)?;
    }
    Ok(())
}

fn write_groups(sheet: &mut Worksheet, st: &Styles, ctx: &Context) -> XlsxResult<()> {
    let s = ctx.s;
    let h = ctx.rows.groups;
    let headers = [
        "User group",
        "Go-live month incl. delay",
        "Ceiling C after levers",
        "Curve",
        "k / p / r / R after levers",
        "m / q after levers",
        "Data quality Q after levers",
        "Seats",
    ];
    for (c, t) in headers.iter().enumerate() {
        sheet.write_string_with_format(h, c as u16, *t, &st.header)?;
    }
    sheet.set_row_height(h, 32)?;
    for (g, group) in s.user_groups.iter().enumerate() {
        let row = h + 1 + g as u32;
        let levers: Vec<&crate::scenario::Lever> = s
            .levers
            .iter()
            .filter(|l| l.applies_to.contains(&g))
            .collect();
        let effects = |pick: fn(
            &crate::scenario::LeverEffects,
        ) -> Option<&crate::scenario::Uncertain>|
         -> Vec<String> {
            levers
                .iter()
                .filter_map(|l| pick(&l.effects).map(|u| ctx.input(&u.name)))
                .collect()
        };
        let ceiling = eq::clamp01(&format!(
            "{}+({})",
            ctx.input(&group.adoption.ceiling().name),
            eq::sum(&effects(|e| e.ceiling.as_ref()))
        ));
        let speed = eq::product(&effects(|e| e.speed.as_ref()));
        let shift = eq::sum(&effects(|e| e.midpoint_shift.as_ref()));
        let (curve, p1, p2) = match &group.adoption {
            Adoption::Logistic {
                growth, midpoint, ..
            } => (
                "logistic",
                Some(format!("{}*{speed}", ctx.input(&growth.name))),
                Some(eq::midpoint(&ctx.input(&midpoint.name), &shift)),
            ),
            Adoption::Bass { p, q, .. } => (
                "Bass",
                Some(format!(
                    "MIN(1,MAX({}*{},1E-12))",
                    ctx.input(&p.name),
                    eq::product(&effects(|e| e.bass_p.as_ref()))
                )),
                Some(format!(
                    "MIN(2,{}*{})",
                    ctx.input(&q.name),
                    eq::product(&effects(|e| e.bass_q.as_ref()))
                )),
            ),
            Adoption::Gompertz { rate, midpoint, .. } => (
                "Gompertz",
                Some(format!("{}*{speed}", ctx.input(&rate.name))),
                Some(eq::midpoint(&ctx.input(&midpoint.name), &shift)),
            ),
            Adoption::Linear { ramp_months, .. } => (
                "linear",
                Some(format!(
                    "MAX({}/({speed}),1E-9)",
                    ctx.input(&ramp_months.name)
                )),
                None,
            ),
            Adoption::Table { .. } => ("table", None, None),
        };
        let quality = eq::clamp01(&format!(
            "{}+({})",
            ctx.input(&group.data_quality.name),
            eq::sum(&effects(|e| e.data_quality.as_ref()))
        ));
        sheet.write_string(row, 0, &group.name)?;
        write_formula(
            sheet,
            row,
            G_GO_LIVE,
            &format!("{}+{}", ctx.refs.go_live[g], ctx.scalars.delay),
            &st.integer,
        )?;
        write_formula(sheet, row, G_CEILING, &ceiling, &st.share)?;
        sheet.write_string(row, 3, curve)?;
        if let Some(p) = p1 {
            write_formula(sheet, row, G_PARAM1, &p, &st.number)?;
        }
        if let Some(p) = p2 {
            write_formula(sheet, row, G_PARAM2, &p, &st.number)?;
        }
        write_formula(sheet, row, G_QUALITY, &quality, &st.share)?;
        write_formula(sheet, row, G_SEATS, &ctx.refs.seats[g], &st.integer)?;
    }
    Ok(())
}

fn write_capabilities(sheet: &mut Worksheet, st: &Styles, ctx: &Context) -> XlsxResult<()> {
    let s = ctx.s;
    let h = ctx.rows.capabilities;
    let headers = [
        "Capability",
        "Driver",
        "Lag (months)",
        "Effect U at full adoption",
        "Hours valued a week h·v",
    ];
    for (c, t) in headers.iter().enumerate() {
        sheet.write_string_with_format(h, c as u16, *t, &st.header)?;
    }
    for (g, group) in s.user_groups.iter().enumerate() {
        sheet.write_string_with_format(
            h,
            C_WEIGHTS + g as u16,
            format!("Seat weight: {}", group.name),
            &st.header,
        )?;
    }
    sheet.set_row_height(h, 45)?;
    for (k, cap) in s.capabilities.iter().enumerate() {
        let row = h + 1 + k as u32;
        sheet.write_string(row, 0, &cap.name)?;
        sheet.write_string(row, 1, cap.driver.key())?;
        sheet.write_number_with_format(row, 2, f64::from(cap.lag_months), &st.integer)?;
        let effect_format = match cap.driver {
            Driver::HoursSaved => &st.number,
            Driver::DirectValue => &st.money,
            _ => &st.share,
        };
        write_formula(sheet, row, 3, &ctx.input(&cap.effect.name), effect_format)?;
        if cap.driver == Driver::HoursSaved {
            let value = eq::hours_value(
                &ctx.input(&cap.effect.name),
                &ctx.input(&cap.value_share.name),
            );
            write_formula(sheet, row, C_HOURS, &value, &st.number)?;
        }
        let seats: Vec<String> = cap
            .used_by
            .iter()
            .map(|&g| ctx.refs.seats[g].clone())
            .collect();
        let total = format!("({})", eq::sum(&seats));
        for &g in &cap.used_by {
            let weight = format!("IF({total}>0,{}/{total},0)", ctx.refs.seats[g]);
            write_formula(sheet, row, C_WEIGHTS + g as u16, &weight, &st.factor)?;
        }
    }
    Ok(())
}

fn write_costs(sheet: &mut Worksheet, st: &Styles, ctx: &Context) -> XlsxResult<()> {
    let s = ctx.s;
    let h = ctx.rows.costs;
    for (c, t) in [
        "Cost line",
        "When",
        "Amount after overrun and risk A(1 + o)κ_r",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string_with_format(h, c as u16, *t, &st.header)?;
    }
    sheet.set_row_height(h, 32)?;
    let lines = s
        .costs
        .iter()
        .map(|c| (c.name.clone(), c))
        .chain(s.levers.iter().flat_map(|l| {
            l.costs
                .iter()
                .map(move |c| (format!("{}: {}", l.name, c.name), c))
        }));
    for (k, (name, line)) in lines.enumerate() {
        let row = h + 1 + k as u32;
        let when = match line.schedule {
            CostSchedule::OneOff { .. } => "once",
            CostSchedule::Monthly { .. } => "per month",
            CostSchedule::PerSeatMonthly { starts, .. } => match starts {
                SeatStart::GoLive => "per seat per month from go-live",
                SeatStart::Contract { month: None } => "per seat per month from planned go-live",
                SeatStart::Contract { month: Some(_) } => "per seat per month from contract month",
            },
            CostSchedule::PerSeatOneOff { starts, .. } => match starts {
                SeatStart::GoLive => "per seat once, at go-live",
                SeatStart::Contract { month: None } => "per seat once, at planned go-live",
                SeatStart::Contract { month: Some(_) } => "per seat once, at contract month",
            },
        };
        // Long names and schedules wrap within their columns (36 and 18 wide) rather than run
        // under the next cell; the row grows to show them.
        let lines = (name.chars().count().div_ceil(30))
            .max(when.chars().count().div_ceil(17))
            .clamp(1, 4);
        if lines > 1 {
            sheet.set_row_height(row, 15.0 * lines as f64)?;
        }
        sheet.write_string_with_format(row, 0, &name, &st.wrap_row)?;
        sheet.write_string_with_format(row, 1, when, &st.wrap_row)?;
        let amount = eq::cost_amount(
            &ctx.input(&line.amount.name),
            line.overrun.as_ref().map(|o| ctx.input(&o.name)).as_deref(),
            &ctx.scalars.kappa,
        );
        write_formula(sheet, row, 2, &amount, &st.money)?;
    }
    for c in 1..=9u16 {
        sheet.set_column_width(c, 15)?;
    }
    sheet.set_column_width(0, 36)?;
    sheet.set_column_width(1, 18)?;
    Ok(())
}
