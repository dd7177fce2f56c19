//! The TEI sheet: the base case as a vendor's "Total Economic Impact" study prints it
//! (docs/MODEL.md §16), live. Each line's period amounts are sums of its column on the Base case
//! sheet, so an edited assumption moves them; the totals apply the `[tei]` haircuts and uplifts
//! as formulas; PV, NPV and ROI are formulas on the periods' yearly discount factors, which
//! read the Assumptions sheet's discount rate. Payback and where the figures sit in the
//! simulation are the run's figures, as values.

use rust_xlsxwriter::utility::{row_col_to_cell, row_col_to_cell_absolute};
use rust_xlsxwriter::{Formula, Workbook};

use super::assumptions::Refs;
use super::base_case;
use super::style::Styles;
use super::{WorkbookInput, XlsxResult};
use crate::results::{TeiLineKind, TeiTable};

/// The sheet's name.
pub const SHEET: &str = "TEI";

/// The header row of the lines' table; the lines follow it.
const HEADER: u32 = 6;
/// The first period's column (A: line, B: adjustment).
const FIRST: u16 = 2;

/// Write the sheet; `base` gives the Base case columns the lines sum, `refs` the discount rate.
pub fn write(
    book: &mut Workbook,
    input: &WorkbookInput,
    st: &Styles,
    base: &base_case::Results,
    refs: &Refs,
) -> XlsxResult<()> {
    let tei = &input.results.summary.tei;
    let periods = tei.periods.len() as u16;
    let (total_col, pv_col) = (FIRST + periods, FIRST + periods + 1);
    let sheet = book.add_worksheet().set_name(SHEET)?;
    Styles::page(sheet, true);
    sheet.set_formula_result_default("");
    let cell = |row: u32, col: u16| row_col_to_cell(row, col);
    let abs = |row: u32, col: u16| row_col_to_cell_absolute(row, col);
    let across = |row: u32| format!("{}:{}", abs(row, FIRST), abs(row, FIRST + periods - 1));

    sheet.write_string_with_format(0, 0, "The case as a TEI table", &st.title)?;
    sheet.merge_range(
        1,
        0,
        2,
        8,
        "As vendors' Total Economic Impact studies print a case: Initial is month 0, not \
         discounted; Year k is months 12(k-1)+1 to 12k, summed and discounted at the end of \
         year k; a partial last year is its own column. Each line sums its column of the Base \
         case sheet; the risk-adjusted totals take each benefit line's haircut and add each cost \
         line's uplift (the scenario's [tei] section). ROI = (PV benefits - PV costs) / PV costs.",
        &st.note,
    )?;
    sheet.set_row_height(1, 30)?;
    sheet.set_row_height(2, 30)?;
    sheet.write_string_with_format(4, 0, "Annual discount rate", &st.bold)?;
    sheet.write_formula_with_format(
        4,
        FIRST,
        Formula::new(format!("={}", refs.discount_rate)),
        &st.share,
    )?;
    let rate = abs(4, FIRST);

    // The lines, benefits first (as results.json lists them).
    let headers = ["Line", "Adjustment"]
        .into_iter()
        .map(String::from)
        .chain(tei.periods.iter().cloned())
        .chain(["Total".to_string(), "Present value".to_string()]);
    for (c, h) in headers.enumerate() {
        sheet.write_string_with_format(HEADER, c as u16, &h, &st.header)?;
    }
    sheet.set_row_height(HEADER, 30)?;
    sheet.set_column_width(0, 44.0)?;
    sheet.set_column_width(1, 11.0)?;
    for c in FIRST..=pv_col {
        sheet.set_column_width(c, 15.0)?;
    }
    let month = |t: u32| base.first_month + t;
    let (mut benefit, mut cost) = (0usize, 0usize);
    let (mut benefit_rows, mut cost_rows): (Vec<u32>, Vec<u32>) = (Vec::new(), Vec::new());
    let lines = tei.lines.len() as u32;
    let factors = HEADER + lines + 14;
    let total_and_pv = |sheet: &mut rust_xlsxwriter::Worksheet, row: u32| -> XlsxResult<()> {
        sheet.write_formula_with_format(
            row,
            total_col,
            Formula::new(format!("=SUM({})", across(row))),
            &st.money,
        )?;
        sheet.write_formula_with_format(
            row,
            pv_col,
            Formula::new(format!("=SUMPRODUCT({},{})", across(row), across(factors))),
            &st.money,
        )?;
        Ok(())
    };
    for (i, line) in tei.lines.iter().enumerate() {
        let row = HEADER + 1 + i as u32;
        let (prefix, column) = match line.kind {
            TeiLineKind::Benefit => {
                benefit_rows.push(row);
                benefit += 1;
                ("benefit", base.benefit_cols.get(benefit - 1))
            }
            TeiLineKind::Cost => {
                cost_rows.push(row);
                cost += 1;
                ("cost", base.cost_cols.get(cost - 1))
            }
        };
        sheet.write_string(row, 0, format!("{prefix}: {}", line.name))?;
        sheet.write_number_with_format(row, 1, line.adjustment, &st.share)?;
        for (k, &[a, b]) in tei.period_months.iter().enumerate() {
            let col = FIRST + k as u16;
            match column {
                Some(&c) => sheet.write_formula_with_format(
                    row,
                    col,
                    Formula::new(format!(
                        "=SUM('{}'!{}:{})",
                        base_case::SHEET,
                        abs(month(a), c),
                        abs(month(b), c)
                    )),
                    &st.money,
                )?,
                // A line the Base case sheet does not have: the run's own amount.
                None => sheet.write_number_with_format(row, col, line.unadjusted[k], &st.money)?,
            };
        }
        total_and_pv(sheet, row)?;
    }

    // The totals, unadjusted and risk-adjusted.
    let sum_of = |rows: &[u32], col: u16, weight: Option<&str>| -> String {
        match (rows.first(), rows.last()) {
            (Some(&first), Some(&last)) => {
                let amounts = format!("{}:{}", cell(first, col), cell(last, col));
                match weight {
                    None => format!("=SUM({amounts})"),
                    Some(sign) => format!(
                        "=SUMPRODUCT({amounts},1{sign}{}:{})",
                        abs(first, 1),
                        abs(last, 1)
                    ),
                }
            }
            _ => "=0".to_string(),
        }
    };
    let blocks = [
        ("Unadjusted", None, None, HEADER + lines + 2),
        ("Risk-adjusted", Some("+"), Some("-"), HEADER + lines + 8),
    ];
    let mut totals = Vec::new();
    for (title, cost_sign, benefit_sign, top) in blocks {
        sheet.write_string_with_format(top, 0, title, &st.group_header)?;
        let (costs, benefits, net, cumulative) = (top + 1, top + 2, top + 3, top + 4);
        sheet.write_string_with_format(costs, 0, "Total costs", &st.bold)?;
        sheet.write_string_with_format(benefits, 0, "Total benefits", &st.bold)?;
        sheet.write_string_with_format(net, 0, "Net benefits", &st.bold)?;
        sheet.write_string(cumulative, 0, "Cumulative net")?;
        for k in 0..periods {
            let col = FIRST + k;
            let f = |text: String| Formula::new(text);
            sheet.write_formula_with_format(
                costs,
                col,
                f(sum_of(&cost_rows, col, cost_sign)),
                &st.money,
            )?;
            sheet.write_formula_with_format(
                benefits,
                col,
                f(sum_of(&benefit_rows, col, benefit_sign)),
                &st.money,
            )?;
            sheet.write_formula_with_format(
                net,
                col,
                f(format!("={}-{}", cell(benefits, col), cell(costs, col))),
                &st.money,
            )?;
            let running = if k == 0 {
                format!("={}", cell(net, col))
            } else {
                format!("={}+{}", cell(cumulative, col - 1), cell(net, col))
            };
            sheet.write_formula_with_format(cumulative, col, f(running), &st.money)?;
        }
        for row in [costs, benefits, net] {
            total_and_pv(sheet, row)?;
        }
        totals.push((costs, benefits));
    }
    sheet.write_string_with_format(factors, 0, "Discount factor", &st.bold)?;
    for k in 0..periods {
        sheet.write_formula_with_format(
            factors,
            FIRST + k,
            Formula::new(format!("=1/(1+{rate})^{k}")),
            &st.factor,
        )?;
    }

    // The figures of both tables, side by side.
    let top = factors + 2;
    sheet.write_string_with_format(top, 0, "Figures", &st.group_header)?;
    sheet.write_string_with_format(top, FIRST, "Unadjusted", &st.header)?;
    sheet.write_string_with_format(top, FIRST + 1, "Risk-adjusted", &st.header)?;
    let labels = [
        "PV of costs",
        "PV of benefits",
        "NPV",
        "ROI",
        "Payback (months; valuecase's figure)",
    ];
    for (j, label) in labels.iter().enumerate() {
        sheet.write_string_with_format(top + 1 + j as u32, 0, *label, &st.bold)?;
    }
    let tables: [&TeiTable; 2] = [&tei.unadjusted, &tei.risk_adjusted];
    for (t, ((costs, benefits), table)) in totals.iter().zip(tables).enumerate() {
        let col = FIRST + t as u16;
        let (pvc, pvb, npv, roi, payback) = (top + 1, top + 2, top + 3, top + 4, top + 5);
        let f = |text: String| Formula::new(text);
        sheet.write_formula_with_format(
            pvc,
            col,
            f(format!("={}", cell(*costs, pv_col))),
            &st.money,
        )?;
        sheet.write_formula_with_format(
            pvb,
            col,
            f(format!("={}", cell(*benefits, pv_col))),
            &st.money,
        )?;
        sheet.write_formula_with_format(
            npv,
            col,
            f(format!("={}-{}", cell(pvb, col), cell(pvc, col))),
            &st.money_bold,
        )?;
        sheet.write_formula_with_format(
            roi,
            col,
            f(format!(
                "=IF({c}>0,{n}/{c},\"n/a\")",
                c = cell(pvc, col),
                n = cell(npv, col)
            )),
            &st.share,
        )?;
        match table.payback_months {
            Some(m) => sheet.write_number_with_format(payback, col, m, &st.months)?,
            None => sheet.write_string(payback, col, "never")?,
        };
    }
    let name = |row: u32, col: u16| format!("='{SHEET}'!{}", abs(row, col));
    let risk = FIRST + 1;
    for (defined, row, col) in [
        ("tei_pv_costs", top + 1, risk),
        ("tei_pv_benefits", top + 2, risk),
        ("tei_npv", top + 3, risk),
        ("tei_roi", top + 4, risk),
        ("tei_unadjusted_npv", top + 3, FIRST),
    ] {
        debug_assert!(
            super::FIXED_NAMES.contains(&defined),
            "{defined} is reserved"
        );
        book.define_name(defined, &name(row, col))?;
    }
    let sheet = book.worksheet_from_name(SHEET)?;
    sheet.merge_range(top + 7, 0, top + 8, 8, &placement(input), &st.note)?;
    sheet.set_row_height(top + 7, 30)?;
    sheet.set_freeze_panes(HEADER + 1, 1)?;
    Ok(())
}

/// Where the run's risk-adjusted figures sit among its trials, valued by the same conventions.
fn placement(input: &WorkbookInput) -> String {
    let tei = &input.results.summary.tei;
    let roi = match (tei.roi_percentile, tei.simulated_roi.stats.p50) {
        (Some(p), Some(median)) => format!(
            "; its ROI at the {} percentile of theirs (median {:.1}%)",
            ordinal(p),
            100.0 * median
        ),
        _ => String::new(),
    };
    format!(
        "In the simulation ({} trials, each valued by these conventions): the risk-adjusted NPV \
         above sits at the {} percentile of the trials' NPVs (median {} {}){roi}. The table is \
         the base case (every input at its most likely value).",
        input.results.summary.trials,
        ordinal(tei.npv_percentile),
        thousands(tei.simulated_npv.p50),
        input.results.summary.currency,
    )
}

/// A whole amount with thousands separators: 1,234,567 (−1,234 below zero).
fn thousands(x: f64) -> String {
    let digits = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if x.round() < 0.0 {
        format!("-{out}")
    } else {
        out
    }
}

/// A percentile in words: 1st, 2nd, 3rd, 4th … 11th, 12th, 13th … 21st, rounded.
fn ordinal(p: f64) -> String {
    let n = p.round().clamp(0.0, 100.0) as u32;
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands() {
        assert_eq!(super::thousands(633_187.4), "633,187");
        assert_eq!(super::thousands(-1_234_567.0), "-1,234,567");
        assert_eq!(super::thousands(999.0), "999");
        assert_eq!(super::thousands(0.2), "0");
    }

    #[test]
    fn ordinals() {
        let words: Vec<String> = [1.0, 2.0, 3.0, 4.0, 11.0, 12.4, 13.0, 21.0, 22.0, 99.6]
            .into_iter()
            .map(super::ordinal)
            .collect();
        assert_eq!(
            words,
            [
                "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "100th"
            ]
        );
    }
}
