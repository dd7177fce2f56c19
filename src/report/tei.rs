//! The TEI view as people read it: the case's TEI tables (as a study prints them: whole currency
//! units, costs as positive amounts) with the sentence placing them in the simulation, and a
//! vendor's study checked and placed. The terminal prints these; the board pack shares the
//! sentences.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, Table};

use crate::results::{Tei, TeiLineKind, TeiTable, TeiVendor};

use super::escape;
use super::format::{money, ratio_percent};

/// An amount in whole currency units with thousands separators: `1,090,699`, `-3,985,000`.
pub fn whole(value: f64) -> String {
    if !value.is_finite() {
        return "n/a".into();
    }
    let rounded = value.round();
    let digits = format!("{:.0}", rounded.abs());
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if rounded < 0.0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "1st", "2nd", "23rd", "71st", "12th": a percentile as a place.
pub fn ordinal(p: f64) -> String {
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

/// Where a figure sits, to follow "sits": "at the 71st percentile", or "below every simulated
/// outcome" and "above the 99th percentile" at the ends.
pub fn percentile_words(p: Option<f64>) -> String {
    match p {
        None => "nowhere (it is undefined)".into(),
        Some(p) if p <= 0.0 => "below every simulated outcome".into(),
        Some(p) if p >= 100.0 => "above every simulated outcome".into(),
        Some(p) if p < 0.5 => "below the 1st percentile".into(),
        Some(p) if p > 99.5 => "above the 99th percentile".into(),
        Some(p) => format!("at the {} percentile", ordinal(p)),
    }
}

/// An amount with cents and thousands separators: `1,090,698.72`.
pub fn cents(value: f64) -> String {
    if !value.is_finite() {
        return "n/a".into();
    }
    let hundredths = (value.abs() * 100.0).round();
    let units = whole((hundredths / 100.0).trunc());
    let sign = if value < 0.0 && hundredths > 0.0 {
        "-"
    } else {
        ""
    };
    format!("{sign}{units}.{:02}", (hundredths % 100.0) as u64)
}

/// The figures under a table: "NPV 66,274,045 · ROI 514% · payback 10.5 months".
pub fn figures_line(t: &TeiTable) -> String {
    format!(
        "PV costs {} · PV benefits {} · NPV {} · ROI {} · payback {}",
        whole(t.pv_costs),
        whole(t.pv_benefits),
        whole(t.npv),
        ratio_percent(t.roi),
        t.payback_months
            .map_or("never".to_string(), |m| format!("{m:.1} months"))
    )
}

/// Where the risk-adjusted figures sit in the simulation, in one sentence.
pub fn placement_sentence(tei: &Tei, currency: &str, trials: u64) -> String {
    let roi = match tei.roi_percentile {
        Some(p) => format!(
            "; its ROI of {} {} (median {})",
            ratio_percent(tei.risk_adjusted.roi),
            percentile_words(Some(p)),
            ratio_percent(tei.simulated_roi.stats.p50)
        ),
        None => String::new(),
    };
    let which = if tei.lines.iter().any(|l| l.adjustment != 0.0) {
        "The risk-adjusted TEI NPV"
    } else {
        "The base case's TEI NPV"
    };
    format!(
        "{which} of {} sits {} of the {} simulated outcomes, valued by the same conventions \
         (median {}){roi}.",
        money(tei.risk_adjusted.npv, currency),
        percentile_words(Some(tei.npv_percentile)),
        super::format::thousands(trials),
        money(tei.simulated_npv.p50, currency),
    )
}

fn styled(header: Vec<String>) -> Table {
    let mut table = Table::new();
    table.load_style(UTF8_FULL_CONDENSED);
    table.set_header(header);
    table
}

fn align_numbers(table: &mut Table, from: usize) {
    for i in from..table.column_count() {
        if let Some(c) = table.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
}

/// The header of a table over `periods`: a label column, `extra` columns, the periods, the
/// total and the present value.
fn header(first: &str, extra: &[&str], periods: &[String]) -> Vec<String> {
    let mut h = vec![first.to_string()];
    h.extend(extra.iter().map(|s| s.to_string()));
    h.extend(periods.iter().cloned());
    h.push("Total".into());
    h.push("Present value".into());
    h
}

/// A row of period amounts with its total and present value (empty for `pv: None`).
fn amounts_row(label: String, extra: Vec<String>, amounts: &[f64], pv: Option<f64>) -> Vec<String> {
    let mut row = vec![label];
    row.extend(extra);
    row.extend(amounts.iter().map(|&v| whole(v)));
    row.push(whole(amounts.iter().sum()));
    row.push(pv.map(whole).unwrap_or_default());
    row
}

/// The totals of one table: costs, benefits, net, cumulative net.
fn total_rows(t: &TeiTable, factors: &[f64], extra: usize) -> Vec<Vec<String>> {
    let pv = |rows: &[f64]| rows.iter().zip(factors).map(|(a, f)| a * f).sum::<f64>();
    let blank = || vec![String::new(); extra];
    let mut cumulative = Vec::with_capacity(t.net.len());
    let mut sum = 0.0;
    for n in &t.net {
        sum += n;
        cumulative.push(sum);
    }
    let mut cum_row = amounts_row("Cumulative net".into(), blank(), &cumulative, None);
    let total = cum_row.len() - 2;
    cum_row[total] = String::new();
    vec![
        amounts_row("Total costs".into(), blank(), &t.costs, Some(t.pv_costs)),
        amounts_row(
            "Total benefits".into(),
            blank(),
            &t.benefits,
            Some(t.pv_benefits),
        ),
        amounts_row("Net benefits".into(), blank(), &t.net, Some(pv(&t.net))),
        cum_row,
    ]
}

/// The discount factor row.
fn factor_row(factors: &[f64], extra: usize) -> Vec<String> {
    let mut row = vec!["Discount factor".to_string()];
    row.extend(vec![String::new(); extra]);
    row.extend(factors.iter().map(|f| format!("{f:.6}")));
    row
}

/// The case's TEI tables: the risk-adjusted one line by line, the unadjusted totals, their
/// figures and where they sit in the simulation.
pub fn tables(tei: &Tei, currency: &str, rate: f64, trials: u64) -> String {
    let adjusted = tei.lines.iter().any(|l| l.adjustment != 0.0);
    let extra = usize::from(adjusted);
    let mut lines = styled(header(
        "Risk-adjusted",
        &["Adjustment"][..extra],
        &tei.periods,
    ));
    for kind in [TeiLineKind::Benefit, TeiLineKind::Cost] {
        for l in tei.lines.iter().filter(|l| l.kind == kind) {
            let (word, sign) = match kind {
                TeiLineKind::Benefit => ("benefit", "-"),
                TeiLineKind::Cost => ("cost", "+"),
            };
            let adj = if l.adjustment == 0.0 {
                String::new()
            } else {
                format!("{sign}{}", ratio_percent(Some(l.adjustment)))
            };
            let pv = l
                .risk_adjusted
                .iter()
                .zip(&tei.discount_factors)
                .map(|(a, f)| a * f)
                .sum::<f64>();
            lines.add_row(amounts_row(
                format!("{word}: {}", escape::terminal(&l.name)),
                vec![adj][..extra].to_vec(),
                &l.risk_adjusted,
                Some(pv),
            ));
        }
    }
    for row in total_rows(&tei.risk_adjusted, &tei.discount_factors, extra) {
        lines.add_row(row);
    }
    lines.add_row(factor_row(&tei.discount_factors, extra));
    align_numbers(&mut lines, 1);

    let mut plain = styled(header("Unadjusted", &[], &tei.periods));
    for row in total_rows(&tei.unadjusted, &tei.discount_factors, 0) {
        plain.add_row(row);
    }
    align_numbers(&mut plain, 1);
    let note = if adjusted {
        String::new()
    } else {
        "(no [tei] adjustments in the scenario: the risk-adjusted table is the unadjusted one)\n"
            .to_string()
    };
    format!(
        "TEI view of the base case ({currency}; Initial = month 0, not discounted; Year k = months \
         12(k-1)+1..12k, discounted at the end of year k at {})\n{lines}\nRisk-adjusted: {}\n{note}\n{plain}\nUnadjusted: {}\n\n{}\n",
        ratio_percent(Some(rate)),
        figures_line(&tei.risk_adjusted),
        figures_line(&tei.unadjusted),
        placement_sentence(tei, currency, trials),
    )
}

/// A vendor's study: its table, each published figure beside the recomputed one, the verdict
/// and where its figures sit in this case.
pub fn vendor(v: &TeiVendor, currency: &str) -> String {
    let factors: Vec<f64> = (0..v.periods.len())
        .map(|k| 1.0 / (1.0 + v.discount_rate).powi(k as i32))
        .collect();
    let mut rows = styled(header(&escape::terminal(&v.name), &[], &v.periods));
    let pv = |r: &[f64]| r.iter().zip(&factors).map(|(a, f)| a * f).sum::<f64>();
    rows.add_row(amounts_row(
        "Costs".into(),
        vec![],
        &v.costs,
        Some(pv(&v.costs)),
    ));
    rows.add_row(amounts_row(
        "Benefits".into(),
        vec![],
        &v.benefits,
        Some(pv(&v.benefits)),
    ));
    align_numbers(&mut rows, 1);

    let mut figures = styled(vec![
        "Figure".into(),
        "Published".into(),
        "Recomputed".into(),
        "Follows from the table".into(),
    ]);
    let r = &v.recomputed;
    let p = &v.published;
    let money_figure = |x: Option<f64>| x.map_or(String::new(), cents);
    let entries: [(&str, &str, Option<f64>, String, String); 5] = [
        (
            "pv_costs",
            "PV costs",
            p.pv_costs,
            money_figure(p.pv_costs),
            money_figure(Some(r.pv_costs)),
        ),
        (
            "pv_benefits",
            "PV benefits",
            p.pv_benefits,
            money_figure(p.pv_benefits),
            money_figure(Some(r.pv_benefits)),
        ),
        (
            "npv",
            "NPV",
            p.npv,
            money_figure(p.npv),
            money_figure(Some(r.npv)),
        ),
        (
            "roi",
            "ROI",
            p.roi,
            p.roi
                .map_or(String::new(), |x| format!("{:.2}%", 100.0 * x)),
            r.roi.map_or("n/a".into(), |x| format!("{:.4}%", 100.0 * x)),
        ),
        (
            "payback_months",
            "Payback (months)",
            p.payback_months,
            p.payback_months.map_or(String::new(), |x| format!("{x}")),
            r.payback_months
                .map_or("never".into(), |x| format!("{x:.4}")),
        ),
    ];
    for (key, label, published, shown, recomputed) in entries {
        let verdict = match published {
            None => "(not published)".to_string(),
            Some(_) => match v.discrepancies.iter().find(|d| d.figure == key) {
                None => "yes".to_string(),
                Some(d) => format!(
                    "NO: the table allows {} to {}",
                    trim(d.allowed_min, key),
                    trim(d.allowed_max, key)
                ),
            },
        };
        figures.add_row(vec![label.to_string(), shown, recomputed, verdict]);
    }
    align_numbers(&mut figures, 1);
    if let Some(c) = figures.column_mut(3) {
        c.set_cell_alignment(CellAlignment::Left);
    }
    let verdict = match (v.consistent, v.discrepancies.len()) {
        (true, _) if p == &Default::default() => {
            "The study publishes no figures to check.".to_string()
        }
        (true, _) => format!(
            "Every published figure follows from the study's own table (rows taken as printed to {}).",
            whole(v.rows_rounded_to)
        ),
        (false, 1) => "1 published figure does NOT follow from the study's own table.".to_string(),
        (false, n) => format!("{n} published figures do NOT follow from the study's own table."),
    };
    let source = |published: Option<f64>| {
        if published.is_some() {
            "published"
        } else {
            "recomputed"
        }
    };
    let scaled = if v.scale == 1.0 {
        format!(
            "its {} NPV of {} (not scaled)",
            source(p.npv),
            money(v.placed_npv, currency)
        )
    } else {
        format!(
            "its {} NPV scaled to {} ({})",
            source(p.npv),
            money(v.placed_npv, currency),
            escape::terminal(&v.scale_basis)
        )
    };
    let roi = match v.placed_roi {
        Some(x) => format!(
            "its {} ROI of {} sits {} of this case's simulated ROI",
            source(p.roi),
            ratio_percent(Some(x)),
            percentile_words(v.roi_percentile)
        ),
        None => "it has no ROI".to_string(),
    };
    format!(
        "Vendor study, discounted at {}:\n{rows}\n{figures}\n{verdict}\nIn this case's simulation (TEI conventions): {roi}; {scaled} sits {} of its NPV.\n",
        ratio_percent(Some(v.discount_rate)),
        percentile_words(v.npv_percentile),
    )
}

/// A bound in a verdict, in the figure's own terms: money with cents, ROI in percent, months.
fn trim(x: f64, figure: &str) -> String {
    match figure {
        "roi" => format!("{:.3}%", 100.0 * x),
        "payback_months" => format!("{x:.3}"),
        _ => cents(x),
    }
}

/// The TEI table of the board pack: the risk-adjusted totals by period (money with its
/// symbol, whole units), the figures, and the sentences around it.
#[derive(Debug, Clone, PartialEq)]
pub struct BoardTei {
    /// Column headings after the first: the periods, then "Present value".
    pub header: Vec<String>,
    /// Row label and cells.
    pub rows: Vec<(String, Vec<String>)>,
    /// "NPV … · ROI … · payback …" of the risk-adjusted table.
    pub figures: String,
    /// The unadjusted figures, when the scenario adjusts any line.
    pub unadjusted: Option<String>,
    /// Where the figures sit in the simulation.
    pub placement: String,
    /// The conventions, in one note.
    pub conventions: String,
}

/// The board pack's TEI table of a run.
pub fn board(s: &crate::results::Summary) -> BoardTei {
    let tei = &s.tei;
    let symbol = super::format::currency_symbol(&s.currency);
    let amount = |v: f64| {
        let w = whole(v);
        match w.strip_prefix('-') {
            Some(rest) => format!("−{symbol}{rest}"),
            None => format!("{symbol}{w}"),
        }
    };
    let t = &tei.risk_adjusted;
    let pv = |rows: &[f64]| {
        rows.iter()
            .zip(&tei.discount_factors)
            .map(|(a, f)| a * f)
            .sum::<f64>()
    };
    let mut cumulative = Vec::with_capacity(t.net.len());
    let mut sum = 0.0;
    for n in &t.net {
        sum += n;
        cumulative.push(sum);
    }
    let row = |name: &str, values: &[f64], present: Option<f64>| {
        let mut cells: Vec<String> = values.iter().map(|&v| amount(v)).collect();
        cells.push(present.map(amount).unwrap_or_default());
        (name.to_string(), cells)
    };
    let mut header = tei.periods.clone();
    header.push("Present value".into());
    let adjusted = tei.lines.iter().any(|l| l.adjustment != 0.0);
    BoardTei {
        header,
        rows: vec![
            row("Costs", &t.costs, Some(t.pv_costs)),
            row("Benefits", &t.benefits, Some(t.pv_benefits)),
            row("Net benefits", &t.net, Some(pv(&t.net))),
            row("Cumulative net", &cumulative, None),
        ],
        figures: format!(
            "{}: NPV {}, ROI {}, payback {}.",
            if adjusted { "Risk-adjusted" } else { "Base case" },
            amount(t.npv),
            ratio_percent(t.roi),
            t.payback_months
                .map_or("not within the horizon".to_string(), |m| format!("{m:.1} months"))
        ),
        unadjusted: adjusted.then(|| {
            let u = &tei.unadjusted;
            format!(
                "Before the scenario's risk adjustments (benefit haircuts, cost uplifts): NPV {}, ROI {}.",
                amount(u.npv),
                ratio_percent(u.roi)
            )
        }),
        placement: placement_sentence(tei, &s.currency, s.trials),
        conventions: format!(
            "As vendors' Total Economic Impact studies present a case: Initial is month 0, not \
             discounted; Year k is months 12(k−1)+1 to 12k, summed and discounted at the end of \
             year k at {}; ROI = (PV benefits − PV costs) / PV costs; payback interpolated \
             within the year in which the cumulative net turns positive. The simulated outcomes \
             are valued by the same conventions.",
            ratio_percent(Some(s.discount_rate_annual))
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::fixture;

    /// The board pack's table and the terminal's speak of the run's own figures: periods,
    /// whole amounts with the currency, and the percentile sentence.
    #[test]
    fn the_board_table_and_the_terminal_table_show_the_run() {
        let s = fixture::summary();
        let b = board(&s);
        assert_eq!(b.header.len(), s.tei.periods.len() + 1);
        assert_eq!(b.header.last().map(String::as_str), Some("Present value"));
        let costs = &b.rows[0];
        assert_eq!(costs.0, "Costs");
        assert_eq!(
            costs.1.last(),
            Some(&format!("${}", whole(s.tei.risk_adjusted.pv_costs)))
        );
        assert!(
            b.placement.contains(&ordinal(s.tei.npv_percentile)),
            "{}",
            b.placement
        );
        assert!(b.conventions.contains("end of year k"));
        assert!(
            b.unadjusted.is_none(),
            "the fixture has no [tei] adjustments"
        );
        let text = tables(&s.tei, &s.currency, s.discount_rate_annual, s.trials);
        for line in &s.tei.lines {
            assert!(text.contains(line.name.as_str()), "{} missing", line.name);
        }
        assert!(text.contains(&whole(s.tei.unadjusted.npv)), "{text}");
    }

    #[test]
    fn whole_amounts_and_places() {
        assert_eq!(whole(1_090_698.72), "1,090,699");
        assert_eq!(whole(-3_985_000.0), "-3,985,000");
        assert_eq!(whole(0.2), "0");
        assert_eq!(whole(999.5), "1,000");
        assert_eq!(ordinal(71.4), "71st");
        assert_eq!(ordinal(12.0), "12th");
        assert_eq!(ordinal(2.0), "2nd");
        assert_eq!(ordinal(93.0), "93rd");
        assert_eq!(percentile_words(Some(0.0)), "below every simulated outcome");
        assert_eq!(percentile_words(Some(99.7)), "above the 99th percentile");
        assert_eq!(percentile_words(Some(40.2)), "at the 40th percentile");
        assert_eq!(cents(1_090_698.724), "1,090,698.72");
        assert_eq!(cents(-0.004), "0.00");
        assert_eq!(cents(-12.5), "-12.50");
    }
}
