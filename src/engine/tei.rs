//! The `tei` section of the results: the base case as TEI tables (unadjusted and risk-adjusted,
//! line by line) and where the risk-adjusted figures sit among the trials' own TEI-convention
//! NPV and ROI (the per-trial columns [`col::TEI_NPV`] and [`col::TEI_ROI`]).

use crate::finance::tei::{TeiPeriods, figures};
use crate::model::Model;
use crate::results::{Tei, TeiLine, TeiLineKind, TeiTable};
use crate::scenario::TeiAdjustments;

use super::run::{RunOutput, col};
use super::stats::{defined_stats, stats_of};
use super::summary::base_case;

/// The TEI section of a run of `model`, with the scenario's risk `adjust`ments.
pub fn tei_section(model: &Model, out: &RunOutput, adjust: &TeiAdjustments) -> Tei {
    let periods = TeiPeriods::of_horizon(model.horizon, model.discount_rate);
    let (_, s) = base_case(model);
    let mut lines: Vec<TeiLine> = Vec::new();
    for (c, info) in model.capabilities.iter().enumerate() {
        let unadjusted = periods.sums(s.capability_benefits(c));
        let keep = 1.0 - adjust.haircut(c);
        lines.push(TeiLine {
            name: info.name.clone(),
            kind: TeiLineKind::Benefit,
            adjustment: adjust.haircut(c),
            risk_adjusted: unadjusted.iter().map(|v| v * keep).collect(),
            unadjusted,
        });
    }
    for (l, info) in model.cost_lines.iter().enumerate() {
        let unadjusted = periods.sums(s.cost_line_costs(l));
        let more = 1.0 + adjust.uplift(l);
        lines.push(TeiLine {
            name: info.name.clone(),
            kind: TeiLineKind::Cost,
            adjustment: adjust.uplift(l),
            risk_adjusted: unadjusted.iter().map(|v| v * more).collect(),
            unadjusted,
        });
    }
    let unadjusted = table(&lines, &periods, |l| &l.unadjusted);
    let risk_adjusted = table(&lines, &periods, |l| &l.risk_adjusted);
    let (npv, roi) = (out.tei_npv(), out.tei_roi());
    Tei {
        periods: periods.labels.clone(),
        period_months: periods
            .months
            .iter()
            .map(|&(a, b)| [a as u32, b as u32])
            .collect(),
        discount_factors: periods.factors.clone(),
        npv_percentile: percentile_of(npv, risk_adjusted.npv).unwrap_or(f64::NAN),
        roi_percentile: risk_adjusted.roi.and_then(|r| percentile_of(roi, r)),
        unadjusted,
        risk_adjusted,
        lines,
        simulated_npv: stats_of(out.table.column(col::TEI_NPV)),
        simulated_roi: defined_stats(out.table.column(col::TEI_ROI)),
    }
}

/// The table the `lines` add up to, each line's amounts read by `amounts`.
fn table(
    lines: &[TeiLine],
    periods: &TeiPeriods,
    amounts: impl Fn(&TeiLine) -> &Vec<f64>,
) -> TeiTable {
    let total = |kind| {
        let mut sums = vec![0.0; periods.len()];
        for line in lines.iter().filter(|l| l.kind == kind) {
            for (s, v) in sums.iter_mut().zip(amounts(line)) {
                *s += v;
            }
        }
        sums
    };
    let (costs, benefits) = (total(TeiLineKind::Cost), total(TeiLineKind::Benefit));
    let f = figures(&costs, &benefits, periods);
    TeiTable {
        net: benefits.iter().zip(&costs).map(|(b, c)| b - c).collect(),
        costs,
        benefits,
        pv_costs: f.pv_costs,
        pv_benefits: f.pv_benefits,
        npv: f.npv,
        roi: f.roi,
        payback_months: f.payback_months,
    }
}

/// Where `x` sits among the defined (non-NaN) `values`, in percent: the share of them below
/// it, ties counted half. None when no value is defined or `x` is NaN.
pub fn percentile_of(values: &[f64], x: f64) -> Option<f64> {
    if x.is_nan() {
        return None;
    }
    let (mut below, mut equal, mut defined) = (0u64, 0u64, 0u64);
    for &v in values {
        defined += u64::from(!v.is_nan());
        below += u64::from(v < x);
        equal += u64::from(v == x);
    }
    (defined > 0).then(|| 100.0 * (below as f64 + 0.5 * equal as f64) / defined as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{RunSpec, run};

    #[test]
    fn percentiles_count_ties_half_and_skip_undefined() {
        let v = [1.0, 2.0, 2.0, 3.0, f64::NAN];
        assert_eq!(percentile_of(&v, 2.0), Some(50.0));
        assert_eq!(percentile_of(&v, 0.0), Some(0.0));
        assert_eq!(percentile_of(&v, 9.0), Some(100.0));
        assert_eq!(percentile_of(&v, f64::NAN), None);
        assert_eq!(percentile_of(&[f64::NAN], 1.0), None);
    }

    /// The base case's own trial, evaluated by the engine's per-trial TEI columns, gives the
    /// unadjusted table's NPV and ROI; haircuts and uplifts scale the lines and move the
    /// percentile the right way.
    #[test]
    fn base_case_and_adjustments() {
        let scenario =
            crate::scenario::parse_str(include_str!("../../scenarios/midmarket-50m.toml"), None)
                .expect("scenario parses");
        let model = Model::compile(&scenario);
        let spec = RunSpec {
            seed: 5,
            first_trial: 0,
            trials: 2000,
        };
        let out = run(&model, spec, &|_| {});
        let plain = tei_section(&model, &out, &TeiAdjustments::default());
        assert_eq!(plain.unadjusted, plain.risk_adjusted);
        let (_, s) = base_case(&model);
        let factors = TeiPeriods::of_horizon(model.horizon, model.discount_rate).monthly_factors();
        let (npv, roi) = super::super::run::tei_outcome(&s, &factors);
        let t = &plain.unadjusted;
        assert!((npv - t.npv).abs() <= 1e-9 * t.pv_costs, "{npv} {}", t.npv);
        assert!((roi - t.roi.unwrap()).abs() <= 1e-12);
        assert_eq!(plain.periods.len(), 4);
        let adjust = TeiAdjustments {
            benefit_haircuts: vec![0.2; model.capabilities.len()],
            cost_uplifts: vec![0.1; model.cost_lines.len()],
        };
        let risky = tei_section(&model, &out, &adjust);
        let r = &risky.risk_adjusted;
        assert!((r.pv_benefits - 0.8 * t.pv_benefits).abs() <= 1e-9 * t.pv_benefits);
        assert!((r.pv_costs - 1.1 * t.pv_costs).abs() <= 1e-9 * t.pv_costs);
        assert!(risky.npv_percentile < plain.npv_percentile);
        assert!(risky.roi_percentile.unwrap() < plain.roi_percentile.unwrap());
        assert_eq!(risky.unadjusted, plain.unadjusted);
    }

    /// With levers, a trial's TEI columns are the trial with every lever on (the trial the NPV
    /// column and the change programme's gain measure), beside the no-lever columns: redrawn
    /// and evaluated again, the trial gives them to the bit, and the same draws without the
    /// levers give another TEI NPV in nearly every trial.
    #[test]
    fn tei_columns_are_the_trial_with_its_levers() {
        use crate::engine::{for_each_trial_draws, lever_columns};
        use crate::model::Scratch;
        let scenario = crate::scenario::parse_str(
            include_str!("../../scenarios/hightech-change-programme.toml"),
            None,
        )
        .expect("scenario parses");
        let model = Model::compile(&scenario);
        let spec = RunSpec {
            seed: 11,
            first_trial: 40,
            trials: 600,
        };
        let out = run(&model, spec, &|_| {});
        let (npv_col, _) = lever_columns(&model).expect("levers");
        let factors = TeiPeriods::of_horizon(model.horizon, model.discount_rate).monthly_factors();
        let mut with = Scratch::new(&model);
        let mut without = Scratch::with_levers(&model, &[]).npv_only();
        let mut moved = 0;
        for_each_trial_draws(&model, 11, 40..640, |trial, draws| {
            let i = (trial - 40) as usize;
            let o = model.evaluate(draws, &mut with);
            let (npv, roi) = super::super::run::tei_outcome(&with, &factors);
            assert_eq!(o.npv.to_bits(), out.npv()[i].to_bits(), "trial {trial}");
            assert_eq!(npv.to_bits(), out.tei_npv()[i].to_bits(), "trial {trial}");
            assert_eq!(roi.to_bits(), out.tei_roi()[i].to_bits(), "trial {trial}");
            let o0 = model.evaluate(draws, &mut without);
            assert_eq!(o0.npv.to_bits(), out.table.column(npv_col)[i].to_bits());
            moved += usize::from(o0.npv != o.npv);
        });
        assert!(moved > 570, "{moved} of 600 trials moved by the levers");
        // And the section reads those columns.
        let tei = tei_section(&model, &out, &TeiAdjustments::default());
        assert_eq!(
            tei.simulated_npv.mean.to_bits(),
            stats_of(out.tei_npv()).mean.to_bits()
        );
    }
}
