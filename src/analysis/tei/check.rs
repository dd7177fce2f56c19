//! A vendor's TEI study checked against its own table and placed in this case's simulation.
//!
//! **Does a published figure follow from the table?** The table is printed rounded: each row
//! stands for any amount within half its printed unit (`rounding`, or as written), and each
//! published figure for any value within half of its own. A published figure follows when some
//! table whose rows round to the printed ones gives a value that rounds to it: when it lies in
//! `[lo − u/2, hi + u/2]`, where `lo` and `hi` are the least and greatest value of the figure
//! over those tables and `u` the published figure's printed unit. PVs and NPV are linear in the
//! rows and ROI monotone in each PV, so their bounds come from the extreme rows; payback is
//! bounded by the tables with every net at its least and at its greatest, and the printed one.
//! A tiny relative margin (1e−9) absorbs floating-point rounding.
//!
//! **Placing it.** The study's NPV (published, else recomputed), times the scale, and its ROI
//! (a ratio, not scaled) are placed among this case's trials by the same TEI conventions: the
//! percentage of trials below, ties counted half.

use crate::engine::RunOutput;
use crate::engine::tei::percentile_of;
use crate::finance::tei::{TeiPeriods, figures};
use crate::results::{TeiDiscrepancy, TeiFigures, TeiPublished, TeiVendor};

use super::study::{Printed, Study};

/// Relative margin for floating-point rounding in the bounds.
const MARGIN: f64 = 1e-9;

/// How the study's NPV is scaled to this case's size.
#[derive(Debug, Clone, PartialEq)]
pub enum Scale {
    /// Not scaled.
    None,
    /// A factor the user gives.
    Factor(f64),
    /// This case's seats ÷ the study's `seats`.
    Seats { case: f64 },
}

/// Why a study cannot be scaled as asked.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScaleError {
    #[error(
        "--vendor-scale seats needs the study's `seats` (users of its composite organisation) in [study]"
    )]
    NoStudySeats,
}

/// A count as written: whole numbers without decimals.
fn fmt(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        format!("{x}")
    }
}

/// The study recomputed and checked, placed in `out`'s trials with `scale`.
pub fn check_and_place(
    study: &Study,
    scale: &Scale,
    out: &RunOutput,
) -> Result<TeiVendor, ScaleError> {
    let (factor, basis) = match *scale {
        Scale::None => (1.0, "not scaled".to_string()),
        Scale::Factor(f) => (f, format!("× {f} as given")),
        Scale::Seats { case } => {
            let theirs = study.seats.ok_or(ScaleError::NoStudySeats)?;
            (
                case / theirs,
                format!("× {} seats here ÷ {} in the study", fmt(case), fmt(theirs)),
            )
        }
    };
    let mut vendor = check(study);
    let npv = study
        .published
        .npv
        .map_or(vendor.recomputed.npv, |p| p.value);
    let roi = study
        .published
        .roi
        .map(|p| p.value)
        .or(vendor.recomputed.roi);
    vendor.scale = factor;
    vendor.scale_basis = basis;
    vendor.placed_npv = npv * factor;
    vendor.placed_roi = roi;
    vendor.npv_percentile = percentile_of(out.tei_npv(), vendor.placed_npv);
    vendor.roi_percentile = roi.and_then(|r| percentile_of(out.tei_roi(), r));
    Ok(vendor)
}

/// The study recomputed from its rows and each published figure checked (not yet placed).
pub fn check(study: &Study) -> TeiVendor {
    let years = study.costs.len().saturating_sub(1);
    let periods = TeiPeriods::of_years(years, study.discount_rate);
    let values = |rows: &[Printed]| rows.iter().map(|p| p.value).collect::<Vec<_>>();
    let (costs, benefits) = (values(&study.costs), values(&study.benefits));
    let recomputed = figures(&costs, &benefits, &periods);
    let row_unit = study.rounding.unwrap_or_else(|| {
        study
            .costs
            .iter()
            .chain(&study.benefits)
            .map(|p| p.unit)
            .fold(0.0, f64::max)
    });
    let h = row_unit / 2.0;
    // Each row at its least and greatest (amounts are never negative).
    let shift = |rows: &[f64], by: f64| rows.iter().map(|v| (v + by).max(0.0)).collect::<Vec<_>>();
    let pv = |rows: &[f64]| crate::finance::tei::present_value(rows, &periods.factors);
    let (c_lo, c_hi) = (pv(&shift(&costs, -h)), pv(&shift(&costs, h)));
    let (b_lo, b_hi) = (pv(&shift(&benefits, -h)), pv(&shift(&benefits, h)));
    let paybacks: Vec<Option<f64>> = [(-h, h), (0.0, 0.0), (h, -h)]
        .iter()
        .map(|&(db, dc)| {
            figures(&shift(&costs, dc), &shift(&benefits, db), &periods).payback_months
        })
        .collect();
    let payback_range = paybacks
        .iter()
        .copied()
        .collect::<Option<Vec<f64>>>()
        .map(|p| {
            (
                p.iter().copied().fold(f64::INFINITY, f64::min),
                p.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            )
        });
    let money_unit = |p: Printed| study.rounding.unwrap_or(p.unit);
    let published = &study.published;
    let mut discrepancies = Vec::new();
    let mut test = |figure: &str,
                    p: Option<Printed>,
                    unit: f64,
                    range: Option<(f64, f64)>,
                    value: Option<f64>| {
        let Some(p) = p else { return };
        let (lo, hi) = match range {
            Some((lo, hi)) => {
                let m = MARGIN * lo.abs().max(hi.abs()).max(1.0);
                (lo - unit / 2.0 - m, hi + unit / 2.0 + m)
            }
            None => (f64::NAN, f64::NAN),
        };
        if !(lo <= p.value && p.value <= hi) {
            discrepancies.push(TeiDiscrepancy {
                figure: figure.to_string(),
                published: p.value,
                recomputed: value,
                allowed_min: lo,
                allowed_max: hi,
            });
        }
    };
    let unit_of = |p: Option<Printed>| p.map_or(1.0, money_unit);
    test(
        "pv_costs",
        published.pv_costs,
        unit_of(published.pv_costs),
        Some((c_lo, c_hi)),
        Some(recomputed.pv_costs),
    );
    test(
        "pv_benefits",
        published.pv_benefits,
        unit_of(published.pv_benefits),
        Some((b_lo, b_hi)),
        Some(recomputed.pv_benefits),
    );
    test(
        "npv",
        published.npv,
        unit_of(published.npv),
        Some((b_lo - c_hi, b_hi - c_lo)),
        Some(recomputed.npv),
    );
    let roi_range = (c_lo > 0.0).then(|| (b_lo / c_hi - 1.0, b_hi / c_lo - 1.0));
    test(
        "roi",
        published.roi,
        published.roi.map_or(0.0, |p| p.unit),
        roi_range,
        recomputed.roi,
    );
    test(
        "payback_months",
        published.payback_months,
        published.payback_months.map_or(0.0, |p| p.unit),
        payback_range,
        recomputed.payback_months,
    );
    TeiVendor {
        name: study.name.clone(),
        discount_rate: study.discount_rate,
        periods: periods.labels.clone(),
        costs,
        benefits,
        rows_rounded_to: row_unit,
        recomputed: TeiFigures {
            pv_costs: recomputed.pv_costs,
            pv_benefits: recomputed.pv_benefits,
            npv: recomputed.npv,
            roi: recomputed.roi,
            payback_months: recomputed.payback_months,
        },
        published: TeiPublished {
            pv_costs: published.pv_costs.map(|p| p.value),
            pv_benefits: published.pv_benefits.map(|p| p.value),
            npv: published.npv.map(|p| p.value),
            roi: published.roi.map(|p| p.value),
            payback_months: published.payback_months.map(|p| p.value),
        },
        consistent: discrepancies.is_empty(),
        discrepancies,
        scale: 1.0,
        scale_basis: "not scaled".to_string(),
        placed_npv: published.npv.map_or(recomputed.npv, |p| p.value),
        placed_roi: published.roi.map(|p| p.value).or(recomputed.roi),
        npv_percentile: None,
        roi_percentile: None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::study::parse_study;
    use super::*;

    fn example() -> String {
        super::super::EXAMPLE.to_string()
    }

    #[test]
    fn the_example_is_consistent() {
        let v = check(&parse_study(&example(), None).unwrap());
        assert!(v.consistent, "{:#?}", v.discrepancies);
        assert_eq!(v.periods, ["Initial", "Year 1", "Year 2", "Year 3"]);
        assert_eq!(v.rows_rounded_to, 1.0);
        assert!((v.recomputed.payback_months.unwrap() - 2.88).abs() < 1e-9);
    }

    #[test]
    fn slips_are_caught_and_rounding_is_not_a_slip() {
        // One dollar off the rounding of PV costs (1,090,698.72 prints as 1,090,699).
        let off_by_one = example().replace("pv_costs = 1_090_699", "pv_costs = 1_090_700");
        let v = check(&parse_study(&off_by_one, None).unwrap());
        // The rows' own rounding (±0.5 over 4 periods, about ±1.74 in PV) allows it.
        assert!(v.consistent, "{:#?}", v.discrepancies);
        let slip = example().replace("npv = 2_860_466", "npv = 2_806_466");
        let v = check(&parse_study(&slip, None).unwrap());
        assert!(!v.consistent);
        assert_eq!(v.discrepancies.len(), 1);
        let d = &v.discrepancies[0];
        assert_eq!(d.figure, "npv");
        assert!((d.recomputed.unwrap() - 2_860_465.82).abs() < 0.01, "{d:?}");
        assert!(
            d.allowed_min > 2_860_000.0 && d.allowed_max < 2_861_000.0,
            "{d:?}"
        );
        let roi = example().replace("roi = 2.62", "roi = 2.63");
        assert_eq!(
            check(&parse_study(&roi, None).unwrap()).discrepancies[0].figure,
            "roi"
        );
        let payback = example().replace("payback_months = 2.9", "payback_months = 3.1");
        assert_eq!(
            check(&parse_study(&payback, None).unwrap()).discrepancies[0].figure,
            "payback_months"
        );
    }

    #[test]
    fn a_table_in_thousands_allows_its_rounding() {
        let thousands = example()
            .replace(
                "discount_rate = 0.10",
                "discount_rate = 0.10\nrounding = 1000",
            )
            .replace("pv_costs = 1_090_699", "pv_costs = 1_091_000");
        let v = check(&parse_study(&thousands, None).unwrap());
        assert!(v.consistent, "{:#?}", v.discrepancies);
        assert_eq!(v.rows_rounded_to, 1000.0);
    }
}
