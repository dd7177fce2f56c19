//! The Distribution sheet: percentiles of NPV, PV of benefits and costs, ROI, IRR and the
//! paybacks (as results.json has them), the probabilities boards ask for, and two native
//! charts drawn from tables on the sheet: the NPV histogram and the probability of having paid
//! back by each month.

use rust_xlsxwriter::{
    Chart, ChartFormat, ChartLegendPosition, ChartSolidFill, ChartType, Workbook, Worksheet,
};

use super::style::Styles;
use super::{WorkbookInput, XlsxResult};
use crate::results::{PartialStats, Stats};

/// The sheet's name.
pub const SHEET: &str = "Distribution";

fn plain(s: &Stats) -> [Option<f64>; 12] {
    [
        Some(s.mean),
        Some(s.std),
        Some(s.stderr),
        Some(s.min),
        Some(s.p5),
        Some(s.p10),
        Some(s.p25),
        Some(s.p50),
        Some(s.p75),
        Some(s.p90),
        Some(s.p95),
        Some(s.max),
    ]
}

fn partial(s: &PartialStats) -> [Option<f64>; 12] {
    [
        s.mean, s.std, s.stderr, s.min, s.p5, s.p10, s.p25, s.p50, s.p75, s.p90, s.p95, s.max,
    ]
}

/// A column of the percentile table: its title, its twelve statistics, their format, and the
/// share of trials without a value (with what that is called).
type Column<'a> = (
    &'a str,
    [Option<f64>; 12],
    &'a rust_xlsxwriter::Format,
    Option<(&'a str, f64)>,
);

/// The first column of the histogram chart's series (right of the charts).
const CHART_DATA: u16 = 20;

const STATS: [&str; 12] = [
    "Mean",
    "Standard deviation",
    "Standard error of the mean",
    "Min",
    "P5",
    "P10",
    "P25",
    "P50 (median)",
    "P75",
    "P90",
    "P95",
    "Max",
];

pub fn write(book: &mut Workbook, input: &WorkbookInput, st: &Styles) -> XlsxResult<()> {
    let s = &input.results.summary;
    let sheet = book.add_worksheet().set_name(SHEET)?;
    Styles::page(sheet, true);
    sheet.write_string_with_format(0, 0, "Distribution of the outcomes", &st.title)?;
    sheet.merge_range(
        1,
        0,
        2,
        7,
        &format!(
            "Over {} trials (seed {}). Percentiles interpolate between order statistics as \
             numpy does, so trials.csv reproduces them. Payback means and minima are over the \
             trials that pay back; an empty cell is a value that does not exist (a percentile \
             among trials that never pay back, an IRR or ROI undefined in too many trials).",
            s.trials, s.seed
        ),
        &st.note,
    )?;
    sheet.set_row_height(1, 30)?;
    sheet.set_row_height(2, 30)?;
    let columns: [Column; 7] = [
        ("NPV", plain(&s.npv), &st.money, None),
        ("PV of benefits", plain(&s.pv_benefits), &st.money, None),
        ("PV of costs", plain(&s.pv_costs), &st.money, None),
        (
            "ROI",
            partial(&s.roi.stats),
            &st.share,
            Some(("undefined", s.roi.undefined_fraction)),
        ),
        (
            "IRR (annual)",
            partial(&s.irr_annual.stats),
            &st.share,
            Some(("undefined", s.irr_annual.undefined_fraction)),
        ),
        (
            "Payback (months)",
            partial(&s.payback_months.stats),
            &st.months,
            Some(("never", s.payback_months.never_fraction)),
        ),
        (
            "Discounted payback (months)",
            partial(&s.discounted_payback_months.stats),
            &st.months,
            Some(("never", s.discounted_payback_months.never_fraction)),
        ),
    ];
    let top = 4u32;
    sheet.write_string_with_format(top, 0, "Statistic", &st.header)?;
    for (k, label) in STATS.iter().enumerate() {
        sheet.write_string(top + 1 + k as u32, 0, *label)?;
    }
    let share_row = top + 1 + STATS.len() as u32;
    sheet.write_string(share_row, 0, "Share of trials without a value")?;
    for (c, (name, values, format, share)) in columns.iter().enumerate() {
        let col = 1 + c as u16;
        sheet.write_string_with_format(top, col, *name, &st.header)?;
        for (k, v) in values.iter().enumerate() {
            let row = top + 1 + k as u32;
            match (v.filter(|v| v.is_finite()), share) {
                (Some(v), _) => {
                    sheet.write_number_with_format(row, col, v, format)?;
                }
                // A statistic that lands among the trials without a value.
                (None, Some((word, _))) => {
                    sheet.write_string_with_format(row, col, *word, &st.right)?;
                }
                (None, None) => {}
            }
        }
        if let Some((_, share)) = share {
            sheet.write_number_with_format(share_row, col, *share, &st.share)?;
        }
    }
    sheet.set_column_width(0, 30)?;
    for c in (1..=7u16).chain(CHART_DATA..CHART_DATA + 3) {
        sheet.set_column_width(c, 16)?;
    }
    sheet.set_row_height(top, 32)?;

    let mut row = share_row + 2;
    sheet.write_string_with_format(row, 0, "Probability", &st.header)?;
    sheet.write_string_with_format(row, 1, "Share of trials", &st.header)?;
    row += 1;
    sheet.write_string(row, 0, "NPV above zero")?;
    sheet.write_number_with_format(row, 1, s.prob_npv_positive, &st.share)?;
    row += 1;
    for (months, p) in &s.prob_payback_within_months.0 {
        sheet.write_string(row, 0, format!("Paid back within {months} months"))?;
        sheet.write_number_with_format(row, 1, *p, &st.share)?;
        row += 1;
    }

    row += 1;
    let histogram = write_histogram(sheet, input, st, row)?;
    let payback = write_payback(sheet, input, st, row)?;
    book_charts(book, input, histogram, payback, row)?;
    Ok(())
}

/// The NPV histogram's table at `row` (columns A–D); returns its first and last data rows.
fn write_histogram(
    sheet: &mut Worksheet,
    input: &WorkbookInput,
    st: &Styles,
    row: u32,
) -> XlsxResult<(u32, u32)> {
    let h = &input.results.summary.charts.npv_histogram;
    let cur = &input.results.summary.currency;
    for (c, title) in [
        format!("NPV bin from ({cur})"),
        format!("NPV bin to ({cur})"),
        "Trials".into(),
        "Share of trials".into(),
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string_with_format(row, c as u16, title, &st.header)?;
    }
    // The chart's series, beside its picture: trials in bins below and above zero, by the
    // bin's middle.
    for (c, title) in [
        "Chart: trials, NPV below 0".to_string(),
        "Chart: trials, NPV 0 or more".into(),
        format!("Chart: bin middle ({cur})"),
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string_with_format(row, CHART_DATA + c as u16, title, &st.header)?;
    }
    let total: u64 = h.counts.iter().sum::<u64>().max(1);
    for (k, count) in h.counts.iter().enumerate() {
        let r = row + 1 + k as u32;
        let (from, to) = (h.edges[k], h.edges[k + 1]);
        sheet.write_number_with_format(r, 0, from, &st.money)?;
        sheet.write_number_with_format(r, 1, to, &st.money)?;
        sheet.write_number(r, 2, *count as f64)?;
        sheet.write_number_with_format(r, 3, *count as f64 / total as f64, &st.share)?;
        // The chart's two colours: a bin on the side of zero its middle is on.
        let below = (from + to) / 2.0 < 0.0;
        sheet.write_number(
            r,
            if below { CHART_DATA } else { CHART_DATA + 1 },
            *count as f64,
        )?;
        sheet.write_number(r, if below { CHART_DATA + 1 } else { CHART_DATA }, 0.0)?;
        sheet.write_number_with_format(r, CHART_DATA + 2, (from + to) / 2.0, &st.money)?;
    }
    if h.tails_clipped {
        let r = row + 1 + h.counts.len() as u32;
        sheet.write_string_with_format(
            r,
            0,
            "The outer bins also hold the trials beyond them (the extreme 0.5% each side).",
            &st.note,
        )?;
    }
    Ok((row + 1, row + h.counts.len().max(1) as u32))
}

/// P(payback ≤ m) by month at `row` (columns F–G); returns its first and last data rows.
fn write_payback(
    sheet: &mut Worksheet,
    input: &WorkbookInput,
    st: &Styles,
    row: u32,
) -> XlsxResult<(u32, u32)> {
    let p = &input.results.summary.charts.payback_probability;
    sheet.write_string_with_format(row, 5, "Month", &st.header)?;
    sheet.write_string_with_format(row, 6, "P(paid back by then)", &st.header)?;
    for (m, v) in p.iter().enumerate() {
        let r = row + 1 + m as u32;
        sheet.write_number_with_format(r, 5, m as f64, &st.integer)?;
        sheet.write_number_with_format(r, 6, *v, &st.share)?;
    }
    Ok((row + 1, row + p.len().max(1) as u32))
}

fn book_charts(
    book: &mut Workbook,
    input: &WorkbookInput,
    (h0, h1): (u32, u32),
    (p0, p1): (u32, u32),
    row: u32,
) -> XlsxResult<()> {
    let cur = &input.results.summary.currency;
    let mut histogram = Chart::new(ChartType::ColumnStacked);
    let edges = &input.results.summary.charts.npv_histogram.edges;
    let widest = edges.iter().fold(0.0f64, |m, e| m.max(e.abs()));
    let scale = if widest >= 1e7 {
        "#,##0,,\"M\""
    } else if widest >= 1e6 {
        "#,##0.0,,\"M\""
    } else if widest >= 1e4 {
        "#,##0,\"k\""
    } else {
        "#,##0"
    };
    for (col, name, colour) in [
        (CHART_DATA, "NPV below 0", 0xC0504D),
        (CHART_DATA + 1, "NPV 0 or more", 0x4F81BD),
    ] {
        histogram
            .add_series()
            .set_name(name)
            .set_categories((SHEET, h0, CHART_DATA + 2, h1, CHART_DATA + 2))
            .set_values((SHEET, h0, col, h1, col))
            .set_format(ChartFormat::new().set_solid_fill(ChartSolidFill::new().set_color(colour)))
            .set_gap(5);
    }
    histogram.title().set_name("NPV: trials per bin");
    histogram
        .x_axis()
        .set_name(&format!("NPV, middle of the bin ({cur})"))
        .set_num_format(scale);
    histogram.y_axis().set_name("Trials");
    histogram.legend().set_position(ChartLegendPosition::Top);
    histogram.set_width(720).set_height(340);

    let mut payback = Chart::new(ChartType::Line);
    payback
        .add_series()
        .set_name("P(paid back)")
        .set_categories((SHEET, p0, 5, p1, 5))
        .set_values((SHEET, p0, 6, p1, 6));
    payback
        .title()
        .set_name("Probability of having paid back, by month");
    payback.x_axis().set_name("Months from the start");
    payback
        .y_axis()
        .set_name("Share of trials")
        .set_num_format("0%")
        .set_min(0)
        .set_max(1);
    payback.legend().set_hidden();
    payback.set_width(720).set_height(340);

    let sheet = book.worksheet_from_name(SHEET)?;
    sheet.insert_chart(row, 8, &histogram)?;
    sheet.insert_chart(row + 19, 8, &payback)?;
    Ok(())
}
