//! The Assumptions sheet: every input by its stable name with its distribution, base value,
//! unit, 90% range and the scenario file's comment; then the scenario's structure (discount
//! rate, seats, go-live months, cost schedules, adoption tables). The base values and the
//! structure are the cells every formula of the Base case sheet reads, each under a defined
//! name (`ceiling_Sales_team`), so changing one recomputes the whole base case.

use std::collections::HashMap;

use rust_xlsxwriter::{Formula, Workbook, Worksheet, utility::row_col_to_cell_absolute};

use super::comments::comment_for;
use super::names::{self, Names};
use super::style::Styles;
use super::{WorkbookInput, XlsxResult};
use crate::dist::Dist;
use crate::scenario::{Adoption, CostLine, CostSchedule, Quantity, SeatStart};

/// The sheet's name, as formulas on other sheets write it.
pub const SHEET: &str = "Assumptions";

/// Where the scenario's structure sits: the defined names the Base case formulas use.
#[derive(Debug, Default)]
pub struct Refs {
    /// Stable name of each input → its defined name.
    pub inputs: HashMap<String, String>,
    /// The annual discount rate.
    pub discount_rate: String,
    /// Per user group: its seats and go-live month (before any delay).
    pub seats: Vec<String>,
    pub go_live: Vec<String>,
    /// Per user group with a `table` curve: the name of its range of values.
    pub adoption_table: Vec<Option<(String, usize)>>,
    /// Per cost line, in the model's order (scenario costs, then each lever's): the names of
    /// its schedule's months (`month`, or `from_month` and `to_month`; per-seat lines follow
    /// their groups' go-live and have a `to_month` only).
    pub schedule: Vec<Schedule>,
    /// Per role: its working weeks a year.
    pub working_weeks: Vec<String>,
    /// Per capability with a direct value on a schedule: its `from_month` and `ramp_months`.
    pub value_schedule: Vec<Option<(String, String)>>,
    /// Per risk that levers make less likely: its probability (the base case compares it,
    /// times the levers' multipliers, with one half).
    pub risk_probability: Vec<Option<String>>,
}

/// The month cells of one cost line.
#[derive(Debug, Default, Clone)]
pub struct Schedule {
    pub month: Option<String>,
    pub from_month: Option<String>,
    pub to_month: Option<String>,
    /// A per-seat line's `contract_month`, where it has one.
    pub contract_month: Option<String>,
}

impl Refs {
    /// The defined name of the input with this stable name; `NA()` (an error a reader sees)
    /// for one the sheet does not list, which the walk over inputs rules out.
    pub fn input(&self, stable: &str) -> String {
        self.inputs
            .get(stable)
            .cloned()
            .unwrap_or_else(|| "NA()".to_string())
    }
}

fn num(x: f64) -> String {
    crate::export::number::number(x)
}

/// The distribution in words, with its parameters in full precision.
pub fn describe(d: &Dist, truncate: Option<(f64, f64)>) -> String {
    let mut text = match d {
        Dist::Fixed(x) => format!("fixed {}", num(*x)),
        Dist::Uniform { min, max } => format!("uniform(min {}, max {})", num(*min), num(*max)),
        Dist::Triangular { min, mode, max } => format!(
            "triangular(min {}, most likely {}, max {})",
            num(*min),
            num(*mode),
            num(*max)
        ),
        Dist::Pert {
            min,
            mode,
            max,
            shape,
        } => format!(
            "PERT(min {}, most likely {}, max {}, shape {})",
            num(*min),
            num(*mode),
            num(*max),
            num(*shape)
        ),
        Dist::Normal { mean, sd } => format!("normal(mean {}, sd {})", num(*mean), num(*sd)),
        Dist::LogNormal { mu, sigma } => {
            format!("lognormal(mu {}, sigma {})", num(*mu), num(*sigma))
        }
        Dist::Beta { alpha, beta } => format!("beta(alpha {}, beta {})", num(*alpha), num(*beta)),
        Dist::Discrete { values, weights } => {
            let parts: Vec<String> = values
                .iter()
                .zip(weights)
                .map(|(v, w)| format!("{} (weight {})", num(*v), num(*w)))
                .collect();
            format!("discrete({})", parts.join(", "))
        }
        Dist::Bernoulli { p } => format!("event with probability {}", num(*p)),
    };
    if let Some((lo, hi)) = truncate {
        text.push_str(&format!(", truncated to [{}, {}]", num(lo), num(hi)));
    }
    text
}

const HEADER_ROW: u32 = 3;

/// Write the sheet; returns the names the other sheets' formulas use.
pub fn write(
    book: &mut Workbook,
    input: &WorkbookInput,
    st: &Styles,
    names: &mut Names,
) -> XlsxResult<Refs> {
    let sheet = book.add_worksheet().set_name(SHEET)?;
    // No cached results for its few formulas (see the Base case sheet).
    sheet.set_formula_result_default("");
    Styles::page(sheet, true);
    let results = input.results;
    let scenario = input.scenario;
    let mut refs = Refs::default();
    let mut defined: Vec<(String, String)> = Vec::new();
    let mut define = |name: String, row: u32, col: u16| {
        defined.push((
            name,
            format!("={SHEET}!{}", row_col_to_cell_absolute(row, col)),
        ));
    };

    sheet.write_string_with_format(0, 0, "Assumptions", &st.title)?;
    sheet.set_row_height(1, 45)?;
    sheet.merge_range(
        1,
        0,
        1,
        9,
        "Every input of the scenario. The base values (blue) are the cells the Base case sheet \
         reads through the names in column H: change one and the whole base case recomputes. \
         The simulation draws each input from its distribution; the base case takes its most \
         likely value (the mode of PERT and triangular inputs, the median of the others).",
        &st.note,
    )?;
    let headers = [
        ("Section", 24.0),
        ("Input (stable name)", 56.0),
        ("Distribution", 48.0),
        ("Base value", 14.0),
        ("Unit", 44.0),
        ("P5", 12.0),
        ("P95", 12.0),
        ("Name in formulas", 44.0),
        ("Written in the scenario", 10.0),
        ("Comment in the scenario file", 60.0),
    ];
    for (c, (h, width)) in headers.iter().enumerate() {
        sheet.write_string_with_format(HEADER_ROW, c as u16, *h, &st.header)?;
        sheet.set_column_width(c as u16, *width)?;
    }
    sheet.set_freeze_panes(HEADER_ROW + 1, 2)?;

    // A risk that levers make less likely happens in the base case when its probability times
    // the levers' multipliers exceeds one half (docs/MODEL.md §5, §7): its occurrence row is
    // that formula, on its probability (in the structure below, under a name reserved now).
    let mut reserved: HashMap<String, String> = HashMap::new();
    let mut levered: HashMap<String, (String, Vec<String>)> = HashMap::new();
    for (k, r) in scenario.risks.iter().enumerate() {
        let multipliers: Vec<String> = scenario
            .levers
            .iter()
            .flat_map(|l| &l.effects.risks)
            .filter(|e| e.risk == k)
            .map(|e| e.probability_multiplier.name.clone())
            .collect();
        if multipliers.is_empty() {
            continue;
        }
        let base = format!("probability_{}", r.name);
        let name = names.unique(&base);
        reserved.insert(base, name.clone());
        levered.insert(r.occurrence_name(), (name, multipliers));
    }
    let entries = scenario.input_entries();
    let mut row = HEADER_ROW + 1;
    for (k, a) in results.assumptions.inputs.iter().enumerate() {
        let name = names.unique(&names::for_input(&a.name));
        refs.inputs.insert(a.name.clone(), name.clone());
        sheet.write_string(row, 0, a.section.title())?;
        sheet.write_string(row, 1, &a.name)?;
        sheet.write_string(row, 2, describe(&a.distribution, a.truncate))?;
        match levered.get(&a.name) {
            Some((probability, multipliers)) => {
                let product: Vec<String> = multipliers.iter().map(|m| refs.input(m)).collect();
                let formula = format!("=IF(0.5<{probability}*{},1,0)", product.join("*"));
                sheet.write_formula_with_format(row, 3, Formula::new(formula), &st.integer)?;
            }
            None => {
                let format = st.input(a.quantity, a.base_value);
                sheet.write_number_with_format(row, 3, a.base_value, format)?;
            }
        }
        sheet.write_string(row, 4, &a.unit)?;
        sheet.write_number_with_format(row, 5, a.p5, st.value(a.quantity))?;
        sheet.write_number_with_format(row, 6, a.p95, st.value(a.quantity))?;
        sheet.write_string(row, 7, &name)?;
        sheet.write_string(row, 8, if a.written { "yes" } else { "default" })?;
        let location = entries
            .get(k)
            .filter(|e| e.input.name == a.name)
            .and_then(|e| e.input.location);
        if let Some(comment) = comment_for(input.scenario_text, location) {
            // About 65 characters a line in the column's width: rows grow to show it all.
            let lines = comment.chars().count().div_ceil(65).max(1);
            if lines > 1 {
                sheet.set_row_height(row, 15.0 * lines.min(8) as f64)?;
            }
            sheet.write_string_with_format(row, 9, comment, &st.wrap)?;
        }
        define(name, row, 3);
        row += 1;
    }

    // The structure: plain numbers of the scenario that formulas read too.
    row += 2;
    sheet.write_string_with_format(row, 0, "Structure of the scenario", &st.subtitle)?;
    row += 1;
    sheet.write_string_with_format(
        row,
        0,
        "Not drawn by the simulation, but read by the Base case formulas like the inputs above \
         (a capability's lag and the number of months are built into the formulas' layout: \
         change those in the scenario file).",
        &st.note,
    )?;
    row += 1;
    for (c, h) in [
        "Item",
        "Scenario field",
        "",
        "Value",
        "Unit",
        "",
        "",
        "Name in formulas",
    ]
    .iter()
    .enumerate()
    {
        if !h.is_empty() {
            sheet.write_string_with_format(row, c as u16, *h, &st.header)?;
        }
    }
    row += 1;
    let mut item = |sheet: &mut Worksheet,
                    label: &str,
                    field: &str,
                    value: f64,
                    unit: &str,
                    q: Quantity,
                    base: &str|
     -> XlsxResult<String> {
        let name = reserved
            .get(base)
            .cloned()
            .unwrap_or_else(|| names.unique(base));
        sheet.write_string(row, 0, label)?;
        sheet.write_string(row, 1, field)?;
        sheet.write_number_with_format(row, 3, value, st.input(q, value))?;
        sheet.write_string(row, 4, unit)?;
        sheet.write_string(row, 7, &name)?;
        define(name.clone(), row, 3);
        row += 1;
        Ok(name)
    };
    let q = crate::scenario::quoted;
    refs.discount_rate = item(
        sheet,
        "Discount rate",
        "scenario.discount_rate",
        scenario.meta.discount_rate,
        "per year",
        Quantity::Share,
        "scenario_discount_rate",
    )?;
    for g in &scenario.user_groups {
        let field = format!("user_groups.{}", q(&g.name));
        let seats = item(
            sheet,
            "Seats",
            &format!("{field}.seats"),
            g.seats,
            "seats",
            Quantity::Number,
            &format!("seats_{}", g.name),
        )?;
        let go_live = item(
            sheet,
            "Go-live month",
            &format!("{field}.go_live_month"),
            f64::from(g.go_live_month),
            "month (0 = first month), before any risk's delay",
            Quantity::Number,
            &format!("go_live_{}", g.name),
        )?;
        refs.seats.push(seats);
        refs.go_live.push(go_live);
    }
    for r in &scenario.roles {
        let weeks = item(
            sheet,
            "Working weeks a year",
            &format!("roles.{}.working_weeks", q(&r.name)),
            r.working_weeks,
            "weeks a year worked: an hour saved a week counts W / 12 a month",
            Quantity::Number,
            &format!("working_weeks_{}", r.name),
        )?;
        refs.working_weeks.push(weeks);
    }
    for c in &scenario.capabilities {
        let Some(sch) = c.schedule else {
            refs.value_schedule.push(None);
            continue;
        };
        let field = format!("capabilities.{}", q(&c.name));
        let from = item(
            sheet,
            "Value from month",
            &format!("{field}.from_month"),
            f64::from(sch.from_month),
            "month, before any risk's delay",
            Quantity::Number,
            &format!("from_month_{}", c.name),
        )?;
        let ramp = item(
            sheet,
            "Value ramp",
            &format!("{field}.ramp_months"),
            f64::from(sch.ramp_months),
            "months to the full value (0 = at once)",
            Quantity::Number,
            &format!("ramp_months_{}", c.name),
        )?;
        refs.value_schedule.push(Some((from, ramp)));
    }
    for (k, r) in scenario.risks.iter().enumerate() {
        let levered = scenario
            .levers
            .iter()
            .any(|l| l.effects.risks.iter().any(|e| e.risk == k));
        if !levered {
            refs.risk_probability.push(None);
            continue;
        }
        let p = item(
            sheet,
            "Risk probability",
            &format!("risks.{}.probability", q(&r.name)),
            r.probability,
            "per trial, before the levers' multipliers",
            Quantity::Share,
            &format!("probability_{}", r.name),
        )?;
        refs.risk_probability.push(Some(p));
    }
    let horizon = scenario.meta.horizon_months;
    let lines: Vec<(String, &CostLine)> = scenario
        .costs
        .iter()
        .map(|c| (format!("costs.{}", q(&c.name)), c))
        .chain(scenario.levers.iter().flat_map(|l| {
            l.costs
                .iter()
                .map(move |c| (format!("levers.{}.costs.{}", q(&l.name), q(&c.name)), c))
        }))
        .collect();
    for (field, line) in &lines {
        let base = names::for_input(&format!("{field}.x"));
        let base = base.trim_start_matches("x_").to_string();
        let mut s = Schedule::default();
        let last = f64::from(horizon.saturating_sub(1));
        // The schedule's months, each its own input row: a one-off's month, a monthly line's
        // first month, a contract's first month for seats, and the last month (or the horizon's).
        let contract = |starts: &SeatStart| match starts {
            SeatStart::Contract { month: Some(m) } => Some(*m),
            _ => None,
        };
        let (month, from_month, contract_month, to_month) = match &line.schedule {
            CostSchedule::OneOff { month } => (Some(*month), None, None, None),
            CostSchedule::Monthly {
                from_month,
                to_month,
            } => (None, Some(*from_month), None, Some(*to_month)),
            CostSchedule::PerSeatMonthly {
                to_month, starts, ..
            } => (None, None, contract(starts), Some(*to_month)),
            CostSchedule::PerSeatOneOff { starts, .. } => (None, None, contract(starts), None),
        };
        if let Some(m) = month {
            s.month = Some(item(
                sheet,
                "Cost month",
                &format!("{field}.month"),
                f64::from(m),
                "month",
                Quantity::Number,
                &format!("month_{base}"),
            )?);
        }
        if let Some(m) = from_month {
            s.from_month = Some(item(
                sheet,
                "Cost from month",
                &format!("{field}.from_month"),
                f64::from(m),
                "month",
                Quantity::Number,
                &format!("from_month_{base}"),
            )?);
        }
        if let Some(m) = contract_month {
            s.contract_month = Some(item(
                sheet,
                "Seats cost from month",
                &format!("{field}.contract_month"),
                f64::from(m),
                "month (the contract's: a go-live delay does not move it)",
                Quantity::Number,
                &format!("contract_month_{base}"),
            )?);
        }
        if let Some(to_month) = to_month {
            s.to_month = Some(item(
                sheet,
                "Cost to month",
                &format!("{field}.to_month"),
                to_month.map_or(last, f64::from),
                if to_month.is_some() {
                    "month (inclusive)"
                } else {
                    "month (the last: none given)"
                },
                Quantity::Number,
                &format!("to_month_{base}"),
            )?);
        }
        refs.schedule.push(s);
    }
    for g in &scenario.user_groups {
        let Adoption::Table { values, .. } = &g.adoption else {
            refs.adoption_table.push(None);
            continue;
        };
        let name = names.unique(&format!("adoption_table_{}", g.name));
        let first = row;
        for (k, v) in values.iter().enumerate() {
            sheet.write_string(row, 0, "Adoption table value")?;
            sheet.write_string(
                row,
                1,
                format!("user_groups.{}.adoption.values[{k}]", q(&g.name)),
            )?;
            sheet.write_number_with_format(row, 3, *v, &st.input_share)?;
            sheet.write_string(row, 4, "of the ceiling, months after go-live")?;
            row += 1;
        }
        sheet.write_string(first, 7, &name)?;
        defined.push((
            name.clone(),
            format!(
                "={SHEET}!{}:{}",
                row_col_to_cell_absolute(first, 3),
                row_col_to_cell_absolute(row.max(first + 1) - 1, 3)
            ),
        ));
        refs.adoption_table.push(Some((name, values.len())));
    }

    if !results.assumptions.correlations.is_empty() {
        row += 2;
        sheet.write_string_with_format(row, 0, "Rank correlations", &st.subtitle)?;
        row += 1;
        for (c, h) in ["Input", "Input", "", "Spearman rank"].iter().enumerate() {
            if !h.is_empty() {
                sheet.write_string_with_format(row, c as u16, *h, &st.header)?;
            }
        }
        row += 1;
        for pair in &results.assumptions.correlations {
            sheet.write_string(row, 0, &pair.inputs[0])?;
            sheet.write_string(row, 1, &pair.inputs[1])?;
            sheet.write_number(row, 3, pair.rank)?;
            row += 1;
        }
    }

    for (name, formula) in defined {
        book.define_name(name, &formula)?;
    }
    Ok(refs)
}
