//! The Mean cash flow sheet: the mean benefits, costs and net flow of each month across the
//! run's trials (exact sums, so the same for any thread count and after a merge), discounted by
//! formulas. NPV is linear, so the NPV of the mean flows is the mean NPV of the trials: the
//! sheet shows both, finance's reconciliation between the distribution and one cash-flow line.

use rust_xlsxwriter::{Formula, Workbook};

use super::base_case::{self, equations as eq};
use super::style::Styles;
use super::{WorkbookInput, XlsxResult};
use crate::export::monthly_csv::calendar_month;
use crate::results::PERCENTILE_LEVELS;

/// The sheet's name.
pub const SHEET: &str = "Mean cash flow";

const HEADER: u32 = 9;
/// The column of the reconciliation's figures (their labels run on from column A).
const VALUE: u16 = 4;

pub fn write(
    book: &mut Workbook,
    input: &WorkbookInput,
    st: &Styles,
    base: &base_case::Results,
) -> XlsxResult<()> {
    let sheet = book.add_worksheet().set_name(SHEET)?;
    Styles::page(sheet, true);
    sheet.set_formula_result_default("");
    let m = &input.results.monthly;
    let summary = &input.results.summary;
    let n = m.mean_net.len() as u32;
    let first = HEADER + 1;
    let cell = |row: u32, col: u16| rust_xlsxwriter::utility::row_col_to_cell(row, col);
    let range = |col: u16| {
        format!(
            "{}:{}",
            rust_xlsxwriter::utility::row_col_to_cell_absolute(first, col),
            rust_xlsxwriter::utility::row_col_to_cell_absolute(first + n.max(1) - 1, col)
        )
    };

    sheet.write_string_with_format(
        0,
        0,
        "Mean cash flow across the simulated trials",
        &st.title,
    )?;
    sheet.merge_range(
        1,
        0,
        2,
        8,
        &format!(
            "The mean of each month's benefits, costs and net flow over all {} trials (each an \
             exact sum, rounded once). NPV is linear, so the NPV of these mean flows equals the \
             mean of the trials' NPVs: the line below reconciles the distribution with one \
             cash-flow line. The discount factors are formulas on the Assumptions sheet's \
             discount rate.",
            summary.trials
        ),
        &st.note,
    )?;
    sheet.set_row_height(1, 30)?;
    sheet.set_row_height(2, 30)?;
    let rows = [
        (
            "NPV of the mean net flow (formula)",
            Formula::new(format!("=SUM({})", range(6))),
        ),
        ("Difference", Formula::new("=E5-E6")),
        (
            "Relative difference",
            Formula::new("=IF(E6<>0,(E5-E6)/ABS(E6),0)"),
        ),
    ];
    sheet.write_string_with_format(5, 0, "Mean NPV of the trials (valuecase)", &st.bold)?;
    sheet.write_number_with_format(5, VALUE, summary.npv.mean, &st.money_bold)?;
    for (k, (label, formula)) in rows.into_iter().enumerate() {
        let row = [4, 6, 7][k];
        sheet.write_string_with_format(row, 0, label, &st.bold)?;
        let format = if k == 2 { &st.number } else { &st.money_bold };
        sheet.write_formula_with_format(row, VALUE, formula, format)?;
    }

    let mut headers: Vec<String> = [
        "Month t",
        "Calendar month",
        "Mean benefits",
        "Mean costs",
        "Mean net flow",
        "Discount factor d(t)",
        "Discounted mean net",
        "Cumulative mean net",
    ]
    .map(String::from)
    .to_vec();
    let fan = [0usize, 3, 6];
    headers.extend(
        fan.iter()
            .map(|&k| format!("Cumulative net P{}", PERCENTILE_LEVELS[k])),
    );
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(HEADER, c as u16, h, &st.header)?;
        sheet.set_column_width(c as u16, if c < 2 { 9.0 } else { 16.0 })?;
    }
    sheet.set_row_height(HEADER, 30)?;
    for t in 0..n as usize {
        let row = first + t as u32;
        sheet.write_number_with_format(row, 0, t as f64, &st.integer)?;
        sheet.write_string(row, 1, calendar_month(summary.start_month.as_deref(), t))?;
        sheet.write_number_with_format(row, 2, m.mean_benefits[t], &st.money)?;
        sheet.write_number_with_format(row, 3, m.mean_costs[t], &st.money)?;
        sheet.write_number_with_format(row, 4, m.mean_net[t], &st.money)?;
        let month = format!("$A{}", row + 1);
        sheet.write_formula_with_format(
            row,
            5,
            Formula::new(format!(
                "={}",
                eq::discount_factor(&base.monthly_rate, &month)
            )),
            &st.factor,
        )?;
        sheet.write_formula_with_format(
            row,
            6,
            Formula::new(format!("={}*{}", cell(row, 4), cell(row, 5))),
            &st.money,
        )?;
        let cumulative = if t == 0 {
            format!("={}", cell(row, 4))
        } else {
            format!("={}+{}", cell(row - 1, 7), cell(row, 4))
        };
        sheet.write_formula_with_format(row, 7, Formula::new(cumulative), &st.money)?;
        for (j, &k) in fan.iter().enumerate() {
            let v = m.cumulative_net.by_level[k]
                .get(t)
                .copied()
                .unwrap_or(f64::NAN);
            if v.is_finite() {
                sheet.write_number_with_format(row, 8 + j as u16, v, &st.money)?;
            }
        }
    }
    sheet.set_freeze_panes(first, 2)?;
    book.define_name("mean_flow_npv", &format!("='{SHEET}'!$E$5"))?;
    Ok(())
}
