//! Running trials in parallel.
//!
//! Trials are cut into fixed blocks of [`BLOCK`] trials; each block writes its rows of the
//! per-trial table in place and counts its monthly values into per-thread sketches. Rows are
//! positional and sketches hold integer counts, so the output is bit-identical for any thread
//! count. Memory is O(trials × scalars + months × sketch size), never O(trials × months).

use rayon::prelude::*;

use crate::model::{Model, Scratch, TrialOutcome};

use super::random::{stream_key, uniform};
use super::sketch::{LogSketch, ShareHistogram};

/// Trials per parallel work item.
pub const BLOCK: usize = 1024;

/// Columns of the per-trial table before the per-capability contributions.
pub const SCALARS: usize = 7;
/// Column indices of the per-trial table.
pub mod col {
    pub const NPV: usize = 0;
    pub const PV_BENEFITS: usize = 1;
    pub const PV_COSTS: usize = 2;
    pub const ROI: usize = 3;
    pub const IRR_ANNUAL: usize = 4;
    pub const PAYBACK: usize = 5;
    pub const DISCOUNTED_PAYBACK: usize = 6;
}

/// Which trials to run, with which seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunSpec {
    pub seed: u64,
    /// Index of the first trial (non-zero for a shard of a larger run).
    pub first_trial: u64,
    pub trials: u64,
}

/// Per-trial scalars, trial-major: row `i` holds trial `first_trial + i`.
#[derive(Debug, Clone, PartialEq)]
pub struct TrialTable {
    /// Values per row: [`SCALARS`] + one per capability.
    pub width: usize,
    pub data: Vec<f64>,
}

impl TrialTable {
    /// Number of trials.
    pub fn rows(&self) -> usize {
        self.data.len() / self.width.max(1)
    }

    /// One column, in trial order.
    pub fn column(&self, c: usize) -> Vec<f64> {
        self.data
            .iter()
            .skip(c)
            .step_by(self.width)
            .copied()
            .collect()
    }
}

/// Month-by-month distributions, as mergeable sketches.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthlySketches {
    /// Cumulative net cash flow, one sketch per month.
    pub cumulative_net: Vec<LogSketch>,
    /// Adoption share, `[group * horizon + month]`.
    pub adoption: Vec<ShareHistogram>,
}

impl MonthlySketches {
    fn new(model: &Model) -> Self {
        MonthlySketches {
            cumulative_net: vec![LogSketch::new(); model.horizon],
            adoption: vec![ShareHistogram::default(); model.horizon * model.groups.len()],
        }
    }

    /// Add another set of counts (order does not matter).
    pub fn merge(&mut self, other: &MonthlySketches) {
        for (a, b) in self.cumulative_net.iter_mut().zip(&other.cumulative_net) {
            a.merge(b);
        }
        for (a, b) in self.adoption.iter_mut().zip(&other.adoption) {
            a.merge(b);
        }
    }
}

/// What a run produces before it is summarised.
#[derive(Debug, Clone)]
pub struct RunOutput {
    pub spec: RunSpec,
    pub table: TrialTable,
    pub sketches: MonthlySketches,
}

/// Draw every input for `trial` into `draws`.
struct Drawer {
    /// (input index, stream key) of the inputs that vary.
    random: Vec<(usize, u64)>,
    base: Vec<f64>,
}

impl Drawer {
    fn new(model: &Model, seed: u64) -> Self {
        Drawer {
            random: model
                .inputs
                .iter()
                .enumerate()
                .filter(|(_, i)| !i.sampler.is_fixed())
                .map(|(k, i)| (k, stream_key(seed, &i.name)))
                .collect(),
            base: model.base_draws(),
        }
    }

    #[inline]
    fn draw(&self, model: &Model, trial: u64, draws: &mut [f64]) {
        for &(k, key) in &self.random {
            draws[k] = model.inputs[k].sampler.quantile(uniform(key, trial));
        }
    }
}

struct Worker {
    scratch: Scratch,
    draws: Vec<f64>,
    sketches: MonthlySketches,
}

fn write_row(row: &mut [f64], o: &TrialOutcome, capability_pv: &[f64]) {
    row[col::NPV] = o.npv;
    row[col::PV_BENEFITS] = o.pv_benefits;
    row[col::PV_COSTS] = o.pv_costs;
    row[col::ROI] = o.roi;
    row[col::IRR_ANNUAL] = o.irr_annual;
    row[col::PAYBACK] = o.payback_months;
    row[col::DISCOUNTED_PAYBACK] = o.discounted_payback_months;
    row[SCALARS..].copy_from_slice(capability_pv);
}

/// Run `spec.trials` trials of `model`. `progress` is called with the number of trials done
/// (from any thread) so a caller can draw a progress bar.
pub fn run(model: &Model, spec: RunSpec, progress: &(dyn Fn(u64) + Sync)) -> RunOutput {
    let width = SCALARS + model.capabilities.len();
    let mut data = vec![0.0; spec.trials as usize * width];
    let drawer = Drawer::new(model, spec.seed);
    let inv_gamma_ln = LogSketch::inv_gamma_ln();
    let h = model.horizon;
    let groups = model.groups.len();

    let sketches = data
        .par_chunks_mut(BLOCK * width)
        .enumerate()
        .fold(
            || Worker {
                scratch: Scratch::new(model),
                draws: drawer.base.clone(),
                sketches: MonthlySketches::new(model),
            },
            |mut w, (block, rows)| {
                let first = spec.first_trial + (block * BLOCK) as u64;
                for (i, row) in rows.chunks_mut(width).enumerate() {
                    drawer.draw(model, first + i as u64, &mut w.draws);
                    let outcome = model.evaluate(&w.draws, &mut w.scratch);
                    write_row(row, &outcome, &w.scratch.capability_pv);
                    for t in 0..h {
                        w.sketches.cumulative_net[t].add(w.scratch.cumulative_net[t], inv_gamma_ln);
                    }
                    for g in 0..groups {
                        let a = w.scratch.group_adoption(g);
                        for t in 0..h {
                            w.sketches.adoption[g * h + t].add(a[t]);
                        }
                    }
                }
                progress((rows.len() / width) as u64);
                w
            },
        )
        .map(|w| w.sketches)
        .reduce(
            || MonthlySketches::new(model),
            |mut a, b| {
                a.merge(&b);
                a
            },
        );
    RunOutput {
        spec,
        table: TrialTable { width, data },
        sketches,
    }
}
