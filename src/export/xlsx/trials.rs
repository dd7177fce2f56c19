//! The Trials sheet: the key values of the run's first trials as it computed them (at most
//! [`TRIAL_SAMPLE_CAP`], the cap stated on the sheet), for a reader's own checks; every trial,
//! with its inputs, is in trials.csv (`--export trials`).

use rust_xlsxwriter::Workbook;

use super::style::Styles;
use super::{WorkbookInput, XlsxResult};
use crate::results::{TRIAL_SAMPLE_CAP, TRIAL_SCALARS};

/// The sheet's name.
pub const SHEET: &str = "Trials";

const HEADER: u32 = 3;

pub fn write(book: &mut Workbook, input: &WorkbookInput, st: &Styles) -> XlsxResult<()> {
    let sample = &input.results.trial_sample;
    let sheet = book.add_worksheet().set_name(SHEET)?;
    Styles::page(sheet, true);
    sheet.write_string_with_format(0, 0, "Trials", &st.title)?;
    sheet.merge_range(
        1,
        0,
        1,
        8,
        &format!(
            "The first {} of the run's {} trials (this sheet holds at most {}); all of them, \
             with every sampled input and each capability's contribution, are in trials.csv \
             (valuecase run --export trials). \
             `valuecase cashflow SCENARIO --trial N` prints trial N month by month. An empty \
             cell is a value that does not exist: no IRR, no ROI (no costs), never pays back, \
             does not fall back below zero after paying back.",
            sample.rows.len(),
            sample.total_trials,
            TRIAL_SAMPLE_CAP
        ),
        &st.note,
    )?;
    sheet.set_row_height(1, 45)?;
    let titles = [
        "NPV",
        "PV of benefits",
        "PV of costs",
        "ROI",
        "IRR (annual)",
        "Payback (months)",
        "Discounted payback (months)",
        "Falls back below zero (months)",
        "NPV by TEI conventions",
        "ROI by TEI conventions",
    ];
    debug_assert_eq!(titles.len(), TRIAL_SCALARS.len());
    let mut titles = titles.to_vec();
    let mut formats = vec![
        &st.money, &st.money, &st.money, &st.share, &st.share, &st.months, &st.months, &st.months,
        &st.money, &st.share,
    ];
    // The trial's own columns, then (with levers) the same trial without them.
    let mut columns: Vec<usize> = (0..titles.len()).collect();
    let levers = TRIAL_SCALARS.len() + sample.capabilities.len();
    if sample.rows.first().is_some_and(|r| r.len() == levers + 2) {
        titles.extend(["NPV without the levers", "PV of the levers' costs"]);
        formats.extend([&st.money, &st.money]);
        columns.extend([levers, levers + 1]);
    }
    sheet.write_string_with_format(HEADER, 0, "Trial", &st.header)?;
    for (c, t) in titles.iter().enumerate() {
        sheet.write_string_with_format(HEADER, 1 + c as u16, *t, &st.header)?;
    }
    sheet.set_row_height(HEADER, 45)?;
    // Formats by column, not by cell: ten thousand rows write fast that way.
    for (c, format) in formats.iter().enumerate() {
        sheet.set_column_format(1 + c as u16, format)?;
    }
    for (i, values) in sample.rows.iter().enumerate() {
        let row = HEADER + 1 + i as u32;
        sheet.write_number(row, 0, i as f64)?;
        // The key values only: each capability's contribution is in trials.csv.
        for (c, &k) in columns.iter().enumerate() {
            let v = values[k];
            if v.is_finite() {
                sheet.write_number(row, 1 + c as u16, v)?;
            }
        }
    }
    sheet.set_column_width(0, 8)?;
    for c in 1..=titles.len() as u16 {
        sheet.set_column_width(c, 15)?;
    }
    sheet.set_freeze_panes(HEADER + 1, 1)?;
    Ok(())
}
