//! `valuecase compare`: scenarios run with one seed and one trial count, and each scenario
//! after the baseline paired with the baseline trial by trial.
//!
//! Trial `i` of every run draws the same numbers for every input the scenarios share (random
//! numbers are keyed by seed, stable input name and trial), so NPV(B) − NPV(A) in trial `i` is
//! the difference the scenarios make under the same circumstances. The spread of these paired
//! differences is what is left of the Monte Carlo noise: far less than in two independent runs
//! (each pair states both intervals).

use std::time::Instant;

use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::engine::{self, RunSpec, ScenarioIdentity, histogram, quantiles_of, stats_of};
use crate::model::Model;
use crate::results::{Comparison, PairComparison, PaybackWithin, Stats, Summary};
use crate::scenario::Scenario;

use super::AnalysisError;

/// Most scenarios one comparison takes.
pub const MAX_SCENARIOS: usize = 8;

/// One scenario to compare, with what identifies it in the results.
#[derive(Debug, Clone, Copy)]
pub struct CompareInput<'a> {
    pub scenario: &'a Scenario,
    pub identity: &'a ScenarioIdentity,
}

/// What a scenario must share with the baseline to be compared with it, field by field: the
/// name a user knows the field by, and its value as the file writes it.
fn shared_fields(s: &Scenario) -> [(&'static str, String); 4] {
    let m = &s.meta;
    [
        ("horizon_months", m.horizon_months.to_string()),
        ("discount_rate", m.discount_rate.to_string()),
        ("currency", m.currency.clone()),
        (
            "start",
            m.start.map_or_else(
                || "none".to_string(),
                |s| format!("\"{:04}-{:02}\"", s.year, s.month),
            ),
        ),
    ]
}

/// Check that every scenario shares the baseline's (the first's) horizon, discount rate,
/// currency and start month: compared trial by trial, their cash flows must be in the same
/// months, units and money.
pub fn check_comparable(inputs: &[CompareInput]) -> Result<(), AnalysisError> {
    if !(2..=MAX_SCENARIOS).contains(&inputs.len()) {
        return Err(AnalysisError::ScenarioCount {
            found: inputs.len(),
        });
    }
    let base = &inputs[0];
    let want = shared_fields(base.scenario);
    for other in &inputs[1..] {
        for ((field, a), (_, b)) in want.iter().zip(shared_fields(other.scenario)) {
            if *a != b {
                return Err(AnalysisError::Mismatch {
                    field,
                    a_file: shown_file(base.identity),
                    a_value: a.clone(),
                    b_file: shown_file(other.identity),
                    b_value: b,
                });
            }
        }
    }
    Ok(())
}

fn shown_file(id: &ScenarioIdentity) -> String {
    id.file
        .clone()
        .unwrap_or_else(|| "the built-in scenario".to_string())
}

/// The per-trial columns a comparison pairs: nothing more is kept of a run.
struct Columns {
    npv: Vec<f64>,
    pv_costs: Vec<f64>,
}

/// Run every scenario (the baseline first) with `spec`, then pair each later one with the
/// baseline. `progress` is called with trials done, across all runs.
pub fn compare(
    inputs: &[CompareInput],
    spec: RunSpec,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Comparison, AnalysisError> {
    check_comparable(inputs)?;
    let started = Instant::now();
    let mut summaries = Vec::with_capacity(inputs.len());
    let mut columns = Vec::with_capacity(inputs.len());
    for input in inputs {
        let run_started = Instant::now();
        let model = Model::compile(input.scenario);
        let out = engine::run(&model, spec, progress);
        let mut summary = engine::summarise(&model, &out, input.identity, 0.0);
        columns.push(Columns {
            npv: out.npv().to_vec(),
            pv_costs: out.pv_costs().to_vec(),
        });
        drop(out);
        summary.elapsed_seconds = run_started.elapsed().as_secs_f64();
        summaries.push(summary);
    }
    let pairs = (1..inputs.len())
        .map(|b| pair(&summaries, &columns, 0, b))
        .collect();
    Ok(Comparison {
        scenarios: summaries,
        pairs,
        trials: spec.trials,
        seed: spec.seed,
        valuecase_version: env!("CARGO_PKG_VERSION").to_string(),
        elapsed_seconds: started.elapsed().as_secs_f64(),
    })
}

/// Scenario `b` against scenario `a`, trial by trial.
fn pair(summaries: &[Summary], columns: &[Columns], a: usize, b: usize) -> PairComparison {
    let (sa, sb) = (&summaries[a], &summaries[b]);
    let (ca, cb) = (&columns[a], &columns[b]);
    let npv_diff: Vec<f64> = cb.npv.iter().zip(&ca.npv).map(|(y, x)| y - x).collect();
    let cost_diff: Vec<f64> = cb
        .pv_costs
        .iter()
        .zip(&ca.pv_costs)
        .map(|(y, x)| y - x)
        .collect();
    let n = npv_diff.len();
    let share = |count: usize| count as f64 / n.max(1) as f64;
    let beats = cb.npv.iter().zip(&ca.npv).filter(|(y, x)| y > x).count();
    let equal = cb.npv.iter().zip(&ca.npv).filter(|(y, x)| y == x).count();
    let npv_stats = stats_of(&npv_diff);
    let cost_stats = stats_of(&cost_diff);
    let mut qs: Vec<f64> = (0..=100).map(|p| p as f64 / 100.0).collect();
    qs.extend([0.005, 0.995]);
    let mut percentiles = quantiles_of(&npv_diff, &qs);
    let range = percentiles.split_off(101);
    let unpaired_se = ((sa.npv.std.powi(2) + sb.npv.std.powi(2)) / n as f64).sqrt();
    let within = PaybackWithin(
        sb.prob_payback_within_months
            .0
            .iter()
            .filter_map(|&(m, pb)| {
                let pa = sa
                    .prob_payback_within_months
                    .0
                    .iter()
                    .find(|(k, _)| *k == m)?;
                Some((m, pb - pa.1))
            })
            .collect(),
    );
    PairComparison {
        a: sa.scenario.name.clone(),
        b: sb.scenario.name.clone(),
        a_index: a,
        b_index: b,
        prob_b_beats_a: share(beats),
        prob_equal: share(equal),
        npv_diff_mean_ci95: mean_interval(&npv_stats, n),
        npv_diff_mean_ci95_unpaired: interval(npv_stats.mean, unpaired_se, n),
        npv_diff: npv_stats,
        pv_costs_diff_mean_ci95: mean_interval(&cost_stats, n),
        pv_costs_diff: cost_stats,
        prob_npv_positive_diff: sb.prob_npv_positive - sa.prob_npv_positive,
        payback_p50_diff: sb
            .payback_months
            .stats
            .p50
            .zip(sa.payback_months.stats.p50)
            .map(|(y, x)| y - x),
        prob_payback_within_months_diff: within,
        npv_diff_histogram: histogram(&npv_diff, range[0], range[1]),
        npv_diff_percentiles: percentiles,
    }
}

/// The 95% interval of a mean from the statistics of `n` values: mean ± t(0.975, n − 1) · std
/// / √n (Student's t: exact for normal values, and at thousands of trials the normal 1.96).
pub fn mean_interval(stats: &Stats, n: usize) -> [f64; 2] {
    interval(stats.mean, stats.std / (n as f64).sqrt(), n)
}

/// mean ± t(0.975, n − 1) · `stderr`; NaN (null in JSON) below two values. A zero standard
/// error gives exactly [mean, mean].
fn interval(mean: f64, stderr: f64, n: usize) -> [f64; 2] {
    let Some(t) = t975(n) else {
        return [f64::NAN, f64::NAN];
    };
    if stderr == 0.0 {
        return [mean, mean];
    }
    [mean - t * stderr, mean + t * stderr]
}

/// The 97.5% quantile of Student's t with n − 1 degrees of freedom.
fn t975(n: usize) -> Option<f64> {
    let df = n.checked_sub(1).filter(|&d| d > 0)? as f64;
    let t = StudentsT::new(0.0, 1.0, df).ok()?.inverse_cdf(0.975);
    t.is_finite().then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_t_quantile_tends_to_the_normal_one() {
        assert!((t975(2).unwrap() - 12.7062).abs() < 1e-3);
        assert!((t975(11).unwrap() - 2.2281).abs() < 1e-3);
        assert!((t975(100_000).unwrap() - 1.95998).abs() < 1e-4);
        assert_eq!(t975(1), None);
        assert_eq!(interval(3.0, 0.0, 50), [3.0, 3.0]);
    }
}
