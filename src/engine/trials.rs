//! Single trials again, after a run: the draws of any trial, and its cash flows month by month.
//!
//! Every random number is keyed by (seed, input name, trial), so a trial's inputs can be drawn
//! again at any time, exactly as the run drew them, without keeping them in memory: exports of
//! per-trial inputs, rank statistics over a sample of trials and `cashflow --trial N` all
//! recompute what they need instead of the run storing trials × inputs.

use std::ops::Range;

use crate::model::{Model, Scratch, TrialOutcome};
use crate::results::CashflowTable;

use super::run::{Drawer, LANE};
use super::tables::cashflow_table;

/// Call `each(trial, draws)` for every trial in `trials`, in order, with the draws the run
/// used (`draws[k]` belongs to `model.inputs[k]`, fixed inputs included).
pub fn for_each_trial_draws(
    model: &Model,
    seed: u64,
    trials: Range<u64>,
    mut each: impl FnMut(u64, &[f64]),
) {
    let drawer = Drawer::new(model, seed);
    let mut draws = drawer.base();
    let mut lanes = vec![0.0; drawer.random_inputs().max(1) * LANE];
    let mut first = trials.start;
    while first < trials.end {
        let n = ((trials.end - first) as usize).min(LANE);
        drawer.draw_lane(model, first, n, &mut lanes);
        for i in 0..n {
            drawer.gather(&lanes, i, &mut draws);
            each(first + i as u64, &draws);
        }
        first += n as u64;
    }
}

/// Whether `model` has risks whose probability levers multiply: their occurrence input is drawn
/// as the uniform that decides them, which [`events_as_occurrences`] turns into 0 or 1.
pub fn has_levered_risks(model: &Model) -> bool {
    model.risk_models.iter().any(|r| r.event.is_some())
}

/// Replace in a trial's `draws` the deciding uniform of every risk that levers make less likely
/// by whether the risk happens in the trial (1 or 0, every lever applied, as in the run), so
/// that every risk's occurrence reads as a Bernoulli one does.
pub fn events_as_occurrences(model: &Model, draws: &mut [f64]) {
    let on = vec![true; model.lever_models.len()];
    for r in &model.risk_models {
        if let Some(e) = &r.event {
            let happens = e.happens(draws[r.occurs], draws, &on);
            draws[r.occurs] = f64::from(u8::from(happens));
        }
    }
}

/// The draws of one trial.
pub fn trial_draws(model: &Model, seed: u64, trial: u64) -> Vec<f64> {
    let mut out = Vec::new();
    for_each_trial_draws(model, seed, trial..trial + 1, |_, d| out = d.to_vec());
    out
}

/// One trial evaluated again: its summary numbers and its cash flows month by month, the same
/// table `cashflow` prints for the base case.
pub fn trial_cashflow(model: &Model, seed: u64, trial: u64) -> (TrialOutcome, CashflowTable) {
    let mut scratch = Scratch::new(model);
    let outcome = model.evaluate(&trial_draws(model, seed, trial), &mut scratch);
    (outcome, cashflow_table(model, &scratch))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{RunSpec, run};

    /// A trial evaluated again from its redrawn inputs gives the run's own row, to the bit.
    #[test]
    fn a_trial_again_is_the_trial_the_run_computed() {
        let scenario =
            crate::scenario::parse_str(crate::scenario::BUILT_IN, None).expect("built-in parses");
        let model = Model::compile(&scenario);
        let spec = RunSpec {
            seed: 7,
            first_trial: 0,
            trials: 300,
        };
        let out = run(&model, spec, &|_| {});
        for trial in [0u64, 1, 63, 64, 65, 299] {
            let (outcome, table) = trial_cashflow(&model, 7, trial);
            let row = out.table.row(trial as usize);
            assert_eq!(outcome.npv.to_bits(), row[0].to_bits(), "trial {trial}");
            assert_eq!(table.rows.len(), model.horizon);
        }
        let mut seen = Vec::new();
        for_each_trial_draws(&model, 7, 60..70, |n, d| {
            seen.push(n);
            assert_eq!(d, trial_draws(&model, 7, n).as_slice());
        });
        assert_eq!(seen, (60..70).collect::<Vec<_>>());
    }
}
