//! From a run's per-trial table and sketches to the [`Summary`] every output reads.

use rayon::prelude::*;

use crate::model::{Model, Scratch, TrialOutcome};
use crate::results::{
    AnnualCashFlow, BaseCase, CapabilityResult, ChartData, GroupAdoption, Histogram,
    MonthlyQuantiles, PaybackWithin, ScenarioInfo, Stats, Summary,
};
use crate::scenario::{CostCategory, TeiAdjustments};

use super::run::{RunOutput, SCALARS, col};
use super::sketch::{RELATIVE_ACCURACY, ShareHistogram};
use super::stats::{ColumnKind, ColumnStats, column_stats, stats_and_quantiles};

/// Bins of the NPV histogram.
const HISTOGRAM_BINS: usize = 60;

/// NPV's 101 chart percentiles, its histogram and the bounds of its median's 95% interval,
/// made in NPV's column task.
type NpvCharts = (Vec<f64>, Histogram, (f64, f64));

/// What identifies a scenario in the results, beyond the model itself.
#[derive(Debug, Clone)]
pub struct ScenarioIdentity {
    pub name: String,
    /// Path as given, or None for the built-in scenario.
    pub file: Option<String>,
    pub sha256: String,
    pub currency: String,
    /// "YYYY-MM" of month 0.
    pub start_month: Option<String>,
}

impl ScenarioIdentity {
    /// The identity of a scenario read from `file` (None for the built-in one) with the given
    /// SHA-256 of its bytes.
    pub fn new(meta: &crate::scenario::Meta, file: Option<String>, sha256: String) -> Self {
        ScenarioIdentity {
            name: meta.name.clone(),
            file,
            sha256,
            currency: meta.currency.clone(),
            start_month: meta.start.map(|s| format!("{:04}-{:02}", s.year, s.month)),
        }
    }
}

/// The base case: one trial with every input at its most likely value. The scratch holds its
/// month-by-month detail (what `valuecase cashflow` prints).
pub fn base_case(model: &Model) -> (TrialOutcome, Scratch) {
    let mut scratch = Scratch::new(model);
    let outcome = model.evaluate(&model.base_draws(), &mut scratch);
    (outcome, scratch)
}

fn nan_to_none(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

fn base_case_block(o: &TrialOutcome) -> BaseCase {
    BaseCase {
        npv: o.npv,
        roi: nan_to_none(o.roi),
        irr_annual: nan_to_none(o.irr_annual),
        payback_months: nan_to_none(o.payback_months),
        discounted_payback_months: nan_to_none(o.discounted_payback_months),
        pv_benefits: o.pv_benefits,
        pv_costs: o.pv_costs,
        falls_back_months: nan_to_none(o.falls_back_months),
    }
}

/// The bin of a value `k` bin widths above the first edge, clamped to the histogram, and
/// whether it was clamped: bin ⌊k⌋, without the floor (a libm call on baseline x86-64):
/// ⌊k⌋ < 0 exactly when k < 0, ⌊k⌋ ≥ BINS exactly when k ≥ BINS, and truncating a
/// non-negative k floors it. (NaN: bin 0, not clamped.)
#[inline]
fn histogram_bin(k: f64) -> (usize, bool) {
    let outside = k < 0.0 || k >= HISTOGRAM_BINS as f64;
    // Clamped as a float first, so the conversion is to a small int (one instruction).
    let bin = k.max(0.0).min((HISTOGRAM_BINS - 1) as f64) as i32 as usize;
    (bin, outside)
}

/// ⌈p⌉ clamped to 0..=last, without the libm call: that is ⌈p clamped⌉ (the bounds are
/// whole), and the ceiling of a non-negative value below 2^52 is its truncation, plus one if
/// that fell below it. `p` is not NaN.
#[inline]
fn ceil_clamped(p: f64, last: u32) -> usize {
    let p = p.clamp(0.0, last as f64);
    let t = p as u32;
    (if (t as f64) < p { t + 1 } else { t }) as usize
}

/// How many paying trials have paid back by month m, for m in 0..=h+1 (h+1: by the end,
/// whenever that was): payback ≤ m exactly when ⌈payback⌉ ≤ m, so one pass counting
/// ⌈payback⌉ answers every m.
fn paid_by(payback: &[f64], h: usize) -> Vec<u64> {
    let mut paid_by = vec![0u64; h + 2];
    for &p in payback.iter().filter(|p| !p.is_nan()) {
        paid_by[ceil_clamped(p, h as u32 + 1)] += 1;
    }
    let mut acc = 0;
    for c in &mut paid_by {
        acc += *c;
        *c = acc;
    }
    paid_by
}

/// A histogram of `values` in 60 equal bins from `lo` to `hi` (widened a little when
/// they are equal), the values beyond them folded into the outer bins.
pub fn histogram(values: &[f64], lo: f64, hi: f64) -> Histogram {
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else {
        let pad = lo.abs().max(1.0) * 0.01;
        (lo - pad, hi + pad)
    };
    let width = (hi - lo) / HISTOGRAM_BINS as f64;
    let mut counts = vec![0u64; HISTOGRAM_BINS];
    let mut clipped = false;
    for &v in values {
        let (bin, outside) = histogram_bin((v - lo) / width);
        clipped |= outside;
        counts[bin] += 1;
    }
    Histogram {
        edges: (0..=HISTOGRAM_BINS)
            .map(|i| lo + width * i as f64)
            .collect(),
        counts,
        tails_clipped: clipped,
    }
}

fn annual(
    model: &Model,
    scratch: &Scratch,
    groups: &[String],
    categories: &[CostCategory],
) -> Vec<AnnualCashFlow> {
    let h = model.horizon;
    (0..h.div_ceil(12))
        .map(|y| {
            let months = y * 12..((y + 1) * 12).min(h);
            let mut by_group = vec![0.0; groups.len()];
            for (c, info) in model.capabilities.iter().enumerate() {
                let k = groups.iter().position(|g| *g == info.group).unwrap_or(0);
                by_group[k] += scratch.capability_benefits(c)[months.clone()]
                    .iter()
                    .sum::<f64>();
            }
            let mut by_category = vec![0.0; categories.len()];
            for (l, info) in model.cost_lines.iter().enumerate() {
                let k = categories
                    .iter()
                    .position(|c| *c == info.category)
                    .unwrap_or(0);
                by_category[k] += scratch.cost_line_costs(l)[months.clone()]
                    .iter()
                    .sum::<f64>();
            }
            let benefits = scratch.benefits[months.clone()].iter().sum();
            let costs = scratch.costs[months].iter().sum();
            AnnualCashFlow {
                year: y as u32 + 1,
                benefits_by_group: by_group,
                costs_by_category: by_category,
                benefits,
                costs,
                net: benefits - costs,
            }
        })
        .collect()
}

/// Summarise a run. `elapsed_seconds` is the caller's measurement of the whole run.
pub fn summarise(
    model: &Model,
    out: &RunOutput,
    id: &ScenarioIdentity,
    elapsed_seconds: f64,
) -> Summary {
    let (base, base_scratch) = base_case(model);
    let table = &out.table;
    let n = table.rows();
    let h = model.horizon;

    let npv = table.column(col::NPV);
    let payback = table.column(col::PAYBACK);
    // The 101 percentiles for the charts, the histogram's range (P0.5 to P99.5) and the
    // order statistics bounding the median's interval, from the same passes as NPV's
    // statistics (below).
    let (median_lo, median_hi) = super::precision::median_interval_levels(n);
    let qs: Vec<f64> = (0..=100)
        .map(|p| p as f64 / 100.0)
        .chain([0.005, 0.995, median_lo, median_hi])
        .collect();

    // Every column's statistics, columns in parallel (each column is contiguous and summed in
    // trial order, so the result does not depend on the thread count); NPV's task also makes
    // the histogram, and the passes for P(NPV > 0) and P(payback ≤ m) run beside them all.
    let columns: Vec<(usize, ColumnKind)> = [
        (col::NPV, ColumnKind::Plain),
        (col::ROI, ColumnKind::Defined),
        (col::PV_BENEFITS, ColumnKind::Plain),
        (col::PV_COSTS, ColumnKind::Plain),
        (col::IRR_ANNUAL, ColumnKind::Defined),
        (col::PAYBACK, ColumnKind::Payback),
        (col::DISCOUNTED_PAYBACK, ColumnKind::Payback),
    ]
    .into_iter()
    .chain((SCALARS..SCALARS + model.capabilities.len()).map(|c| (c, ColumnKind::Plain)))
    .collect();
    let falls_back = table.column(col::FALLS_BACK);
    let ((done, mut npv_charts), (positive, paid_by, fell_back)) = rayon::join(
        || -> (Vec<ColumnStats>, Vec<Option<NpvCharts>>) {
            columns
                .par_iter()
                .map(|&(c, kind)| {
                    if c == col::NPV {
                        let (s, mut q) = stats_and_quantiles(npv, &qs);
                        let range = q.split_off(101);
                        let hist = histogram(npv, range[0], range[1]);
                        (ColumnStats::Plain(s), Some((q, hist, (range[2], range[3]))))
                    } else {
                        (column_stats(table.column(c), kind), None)
                    }
                })
                .unzip()
        },
        || {
            (
                npv.iter().filter(|&&v| v > 0.0).count(),
                paid_by(payback, h),
                falls_back.iter().filter(|v| !v.is_nan()).count(),
            )
        },
    );
    let (npv_percentiles, npv_histogram, median_bounds) =
        npv_charts[0].take().expect("NPV is column 0");
    let prob_npv_positive = positive as f64 / n.max(1) as f64;
    let within = |m: usize| paid_by[m.min(h + 1)] as f64 / n.max(1) as f64;
    let mut marks: Vec<u32> = (1..=h as u32 / 12).map(|y| y * 12).collect();
    if marks.is_empty() {
        marks.push(h as u32);
    }
    let prob_payback_within_months =
        PaybackWithin(marks.iter().map(|&m| (m, within(m as usize))).collect());

    let mut done = done.into_iter();
    let mut next = || done.next().expect("one result per column");
    let (
        ColumnStats::Plain(npv_stats),
        ColumnStats::Defined(roi),
        ColumnStats::Plain(pv_benefits),
        ColumnStats::Plain(pv_costs),
        ColumnStats::Defined(irr_annual),
        ColumnStats::Payback(payback_months),
        ColumnStats::Payback(discounted_payback_months),
    ) = (next(), next(), next(), next(), next(), next(), next())
    else {
        unreachable!("results come in the order of the columns")
    };
    let capability_stats: Vec<Stats> = done
        .map(|d| match d {
            ColumnStats::Plain(s) => s,
            _ => unreachable!("results come in the order of the columns"),
        })
        .collect();
    let capabilities = model
        .capabilities
        .iter()
        .zip(capability_stats)
        .enumerate()
        .map(|(c, (info, s))| CapabilityResult {
            name: info.name.clone(),
            group: info.group.clone(),
            driver: info.driver.key().to_string(),
            npv_contribution: s,
            base_case: base_scratch.capability_pv[c],
        })
        .collect();

    let sk = &out.sketches;
    let q = |p: f64| {
        sk.cumulative_net
            .iter()
            .map(|s| s.quantile(p))
            .collect::<Vec<_>>()
    };
    let cumulative_net = MonthlyQuantiles {
        p5: q(0.05),
        p10: q(0.10),
        p25: q(0.25),
        p50: q(0.50),
        p75: q(0.75),
        p90: q(0.90),
        p95: q(0.95),
        relative_error: RELATIVE_ACCURACY,
    };
    let adoption = model
        .groups
        .iter()
        .enumerate()
        .map(|(g, info)| {
            let row = &sk.adoption[g * h..(g + 1) * h];
            let q = |p: f64| row.iter().map(|s| s.quantile(p)).collect::<Vec<_>>();
            GroupAdoption {
                name: info.name.clone(),
                seats: info.seats,
                go_live_month: info.go_live_month,
                p10: q(0.10),
                p50: q(0.50),
                p90: q(0.90),
                absolute_error: ShareHistogram::absolute_error(),
            }
        })
        .collect();

    let mut benefit_groups: Vec<String> = Vec::new();
    for c in &model.capabilities {
        if !benefit_groups.contains(&c.group) {
            benefit_groups.push(c.group.clone());
        }
    }
    let categories: Vec<CostCategory> = CostCategory::ALL
        .into_iter()
        .filter(|k| model.cost_lines.iter().any(|l| l.category == *k))
        .collect();

    let charts = ChartData {
        npv_histogram,
        npv_percentiles,
        cumulative_net,
        base_case_cumulative_net: base_scratch.cumulative_net.clone(),
        payback_probability: (0..=h).map(within).collect(),
        adoption,
        annual: annual(model, &base_scratch, &benefit_groups, &categories),
        benefit_groups,
        cost_categories: categories.iter().map(|c| c.label().to_string()).collect(),
    };

    let precision = super::precision::precision(
        n,
        npv_stats.stderr,
        prob_npv_positive,
        median_bounds,
        &prob_payback_within_months,
    );
    Summary {
        valuecase_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario: ScenarioInfo {
            name: id.name.clone(),
            file: id.file.clone(),
            sha256: id.sha256.clone(),
        },
        trials: n as u64,
        seed: out.spec.seed,
        horizon_months: h as u32,
        currency: id.currency.clone(),
        discount_rate_annual: model.discount_rate,
        start_month: id.start_month.clone(),
        base_case: base_case_block(&base),
        npv: npv_stats,
        roi,
        pv_benefits,
        pv_costs,
        irr_annual,
        payback_months,
        discounted_payback_months,
        prob_npv_positive,
        prob_falls_back: fell_back as f64 / n.max(1) as f64,
        prob_payback_within_months,
        capabilities,
        charts,
        elapsed_seconds,
        precision,
        // Filled in beside the summary (`tables::run_results`): it redraws trials.
        sensitivity: Default::default(),
        change_programme: super::levers::change_programme(model, out),
        // Without the scenario's `[tei]` adjustments: `run_results` adds them when it has any.
        tei: super::tei::tei_section(model, out, &TeiAdjustments::default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn awkward() -> Vec<f64> {
        let mut v = vec![
            0.0,
            -0.0,
            f64::MIN_POSITIVE,
            -f64::MIN_POSITIVE,
            5e-324,
            -5e-324,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MAX,
            f64::MIN,
            1e300,
            4_503_599_627_370_496.0,
            9_007_199_254_740_993.0,
        ];
        for i in -70..130 {
            let x = i as f64 * 0.5;
            v.extend([x, x.next_up(), x.next_down(), x + 0.25, x * 1.000_000_1]);
        }
        v
    }

    #[test]
    fn histogram_bin_equals_floor() {
        for k in awkward().into_iter().chain([f64::NAN]) {
            let f = k.floor();
            let want = (
                (f.max(0.0) as usize).min(HISTOGRAM_BINS - 1),
                f < 0.0 || f >= HISTOGRAM_BINS as f64,
            );
            assert_eq!(histogram_bin(k), want, "k = {k:e}");
        }
    }

    #[test]
    fn ceil_clamped_equals_ceil() {
        for p in awkward() {
            for last in [0, 1, 12, 61] {
                let want = (p.ceil().max(0.0) as usize).min(last);
                let got = ceil_clamped(p, last as u32);
                assert_eq!(got, want, "p = {p:e}, last = {last}");
            }
        }
    }
}
