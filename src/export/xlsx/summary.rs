//! The Summary sheet: what a reader needs first — the headline statistics with their
//! precision, the base case linked live from the Base case sheet, the findings in plain
//! sentences, the run's stamp, and a guide to the other sheets.

use rust_xlsxwriter::{Formula, Workbook};

use super::base_case;
use super::style::Styles;
use super::{WorkbookInput, XlsxResult};
use crate::results::{DefinedStats, PaybackStats, Stats};

/// The sheet's name.
pub const SHEET: &str = "Summary";

/// Add the (empty) sheet, first in the workbook.
pub fn add(book: &mut Workbook) -> XlsxResult<()> {
    book.add_worksheet().set_name(SHEET)?;
    Ok(())
}

/// One headline row: mean, its standard error, P5, P50, P95, the share without a value.
struct Row {
    label: &'static str,
    mean: Option<f64>,
    stderr: Option<f64>,
    p5: Option<f64>,
    p50: Option<f64>,
    p95: Option<f64>,
    missing: Option<f64>,
}

fn plain(label: &'static str, s: &Stats) -> Row {
    Row {
        label,
        mean: Some(s.mean),
        stderr: Some(s.stderr),
        p5: Some(s.p5),
        p50: Some(s.p50),
        p95: Some(s.p95),
        missing: None,
    }
}

fn defined(label: &'static str, s: &DefinedStats) -> Row {
    Row {
        label,
        mean: s.stats.mean,
        stderr: s.stats.stderr,
        p5: s.stats.p5,
        p50: s.stats.p50,
        p95: s.stats.p95,
        missing: Some(s.undefined_fraction),
    }
}

fn payback(label: &'static str, s: &PaybackStats) -> Row {
    Row {
        label,
        mean: s.stats.mean,
        stderr: s.stats.stderr,
        p5: s.stats.p5,
        p50: s.stats.p50,
        p95: s.stats.p95,
        missing: Some(s.never_fraction),
    }
}

pub fn write(
    book: &mut Workbook,
    input: &WorkbookInput,
    st: &Styles,
    base: &base_case::Results,
) -> XlsxResult<()> {
    let s = &input.results.summary;
    let sheet = book.worksheet_from_name(SHEET)?;
    sheet.set_formula_result_default("");
    sheet.write_string_with_format(0, 0, format!("{}: value case", s.scenario.name), &st.title)?;
    let description = &input.results.assumptions.description;
    if !description.is_empty() {
        sheet.merge_range(1, 0, 1, 7, description, &st.note)?;
        sheet.set_row_height(1, 30)?;
    }

    let mut row = 3u32;
    let measure = format!("Measure (money in {})", s.currency);
    let headers = [
        measure.as_str(),
        "Mean",
        "± standard error",
        "P5",
        "P50 (median)",
        "P95",
        "Base case (live, from the Base case sheet)",
        "Share of trials without a value",
    ];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(row, c as u16, *h, &st.header)?;
    }
    sheet.set_row_height(row, 45)?;
    let rows = [
        (plain("NPV", &s.npv), &st.money, &base.npv),
        (defined("ROI", &s.roi), &st.share, &base.roi),
        (defined("IRR (annual)", &s.irr_annual), &st.share, &base.irr),
        (
            payback("Payback (months)", &s.payback_months),
            &st.months,
            &base.payback,
        ),
        (
            payback("Discounted payback (months)", &s.discounted_payback_months),
            &st.months,
            &base.discounted_payback,
        ),
        (
            plain("PV of benefits", &s.pv_benefits),
            &st.money,
            &base.pv_benefits,
        ),
        (plain("PV of costs", &s.pv_costs), &st.money, &base.pv_costs),
    ];
    for (r, format, base_name) in rows {
        row += 1;
        sheet.write_string_with_format(row, 0, r.label, &st.bold)?;
        let values = [r.mean, r.stderr, r.p5, r.p50, r.p95];
        for (c, v) in values.iter().enumerate() {
            match v.filter(|v| v.is_finite()) {
                Some(v) => {
                    sheet.write_number_with_format(row, 1 + c as u16, v, format)?;
                }
                // A percentile among the trials without a value: say which.
                None if r.missing.is_some() => {
                    let word = if r.label.starts_with("IRR") || r.label == "ROI" {
                        "undefined"
                    } else {
                        "never"
                    };
                    sheet.write_string_with_format(row, 1 + c as u16, word, &st.right)?;
                }
                None => {}
            }
        }
        sheet.write_formula_with_format(row, 6, Formula::new(format!("={base_name}")), format)?;
        if let Some(m) = r.missing {
            sheet.write_number_with_format(row, 7, m, &st.share)?;
        }
    }
    row += 1;
    sheet.merge_range(
        row,
        0,
        row,
        7,
        "Payback means are over the trials that pay back within the horizon; the last column \
         says how many do not. ± is the Monte Carlo standard error of the mean.",
        &st.note,
    )?;

    row += 2;
    sheet.write_string_with_format(row, 0, "Probability", &st.header)?;
    sheet.write_string_with_format(row, 1, "Share of trials", &st.header)?;
    sheet.write_string_with_format(row, 2, "± (95%, sampling)", &st.header)?;
    row += 1;
    let precision = &s.precision;
    sheet.write_string(row, 0, "NPV above zero")?;
    sheet.write_number_with_format(row, 1, s.prob_npv_positive, &st.share)?;
    sheet.write_number_with_format(row, 2, precision.prob_npv_positive, &st.share)?;
    for (months, p) in &s.prob_payback_within_months.0 {
        row += 1;
        sheet.write_string(row, 0, format!("Paid back within {months} months"))?;
        sheet.write_number_with_format(row, 1, *p, &st.share)?;
        let half_width = precision
            .prob_payback_within_months
            .0
            .iter()
            .find(|(m, _)| m == months);
        if let Some((_, h)) = half_width {
            sheet.write_number_with_format(row, 2, *h, &st.share)?;
        }
    }
    row += 1;
    sheet.write_string(row, 0, "Pays back, then falls below zero again")?;
    sheet.write_number_with_format(row, 1, s.prob_falls_back, &st.share)?;
    if let Some(cp) = &s.change_programme {
        row += 1;
        sheet.write_string(row, 0, "Change programme pays for itself")?;
        sheet.write_number_with_format(row, 1, cp.prob_pays_for_itself, &st.share)?;
    }

    row += 2;
    sheet.write_string_with_format(row, 0, "Findings", &st.subtitle)?;
    for finding in &input.findings {
        row += 1;
        sheet.merge_range(row, 0, row, 7, finding, &st.wrap)?;
        // About 140 characters a line across the merged columns.
        let lines = finding.chars().count().div_ceil(140).max(1);
        sheet.set_row_height(row, 16.0 * lines as f64 + 4.0)?;
    }

    row += 2;
    sheet.write_string_with_format(row, 0, "The run", &st.subtitle)?;
    let stamp: [(&str, String); 10] = [
        ("Scenario", s.scenario.name.clone()),
        (
            "Scenario file",
            s.scenario
                .file
                .clone()
                .unwrap_or_else(|| "(built-in reference scenario)".into()),
        ),
        ("Scenario SHA-256", s.scenario.sha256.clone()),
        ("Trials", s.trials.to_string()),
        ("Seed", s.seed.to_string()),
        ("Horizon", format!("{} months", s.horizon_months)),
        (
            "Discount rate",
            format!(
                "{} a year",
                crate::export::number::number(s.discount_rate_annual)
            ),
        ),
        ("Currency", s.currency.clone()),
        (
            "Month 0",
            s.start_month
                .clone()
                .unwrap_or_else(|| "(not given)".into()),
        ),
        ("valuecase version", s.valuecase_version.clone()),
    ];
    for (label, value) in stamp {
        row += 1;
        sheet.write_string(row, 0, label)?;
        sheet.write_string(row, 1, value)?;
    }
    row += 1;
    sheet.write_string(row, 0, "Provenance")?;
    sheet.write_string(row, 1, &input.provenance)?;

    row += 2;
    sheet.write_string_with_format(row, 0, "The sheets", &st.subtitle)?;
    let guide = [
        (
            "Assumptions",
            "every input: distribution, base value (blue, editable), unit, the scenario's comment; the scenario's structure",
        ),
        (
            "Base case",
            "the model month by month as live formulas on the Assumptions; NPV, ROI, IRR, paybacks beside valuecase's own",
        ),
        (
            "Mean cash flow",
            "the mean flows across trials; the NPV of the mean flows against the mean NPV",
        ),
        (
            "Distribution",
            "percentiles of every outcome; NPV histogram and payback probability charts",
        ),
        (
            "Trials",
            "the first trials' key values (trials.csv has them all)",
        ),
    ];
    for (name, what) in guide {
        row += 1;
        sheet.write_string_with_format(row, 0, name, &st.bold)?;
        sheet.write_string(row, 1, what)?;
    }
    sheet.set_column_width(0, 30)?;
    for c in 1..=7u16 {
        sheet.set_column_width(c, 17)?;
    }
    sheet.set_column_width(6, 22)?;
    sheet.set_active(true);
    Styles::page(sheet, true);
    Ok(())
}
