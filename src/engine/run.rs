//! Running trials in parallel.
//!
//! Trials are cut into fixed blocks of [`BLOCK`] trials; each block writes its rows of the
//! per-trial table in place and counts its monthly values into per-thread sketches. Rows are
//! positional and sketches hold integer counts, so the output is bit-identical for any thread
//! count. Memory is O(trials × scalars + months × sketch size), never O(trials × months).

use rayon::prelude::*;

use crate::model::{Model, Scratch, TrialOutcome};

use super::random::{stream_key, uniform};
use super::sketch::{LogSketch, ShareHistogram, SketchMapping};

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

    /// One column, in trial order, into `buf` (cleared first).
    pub fn column_into(&self, c: usize, buf: &mut Vec<f64>) {
        buf.clear();
        buf.extend(self.data.chunks_exact(self.width.max(1)).map(|row| row[c]));
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
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
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

/// Trials whose inputs are drawn together, input by input: one sampler (and its quantile
/// table) stays in cache for the whole lane, and its branch is predicted.
pub const LANE: usize = 64;

/// Draws every random input of a model for given trials.
///
/// The uniform of input `k` in trial `n` depends only on (seed, input name, n), so drawing
/// trials in lanes, in any order or on any thread, gives the same numbers. Correlated inputs
/// (`model.correlated`) mix the uniforms of their block within the same trial only.
#[derive(Debug, Clone)]
pub struct Drawer {
    /// (input index, stream key) of the inputs that vary: first those drawn independently, in
    /// model order, then the members of each correlated block, block by block.
    random: Vec<(usize, u64)>,
    /// How many of `random` are drawn independently.
    independent: usize,
    base: Vec<f64>,
}

impl Drawer {
    /// The drawer for `model` under `seed`.
    pub fn new(model: &Model, seed: u64) -> Self {
        let mut correlated = vec![false; model.inputs.len()];
        for &k in model.correlated.iter().flat_map(|b| &b.members) {
            correlated[k] = true;
        }
        let key = |k: usize| (k, stream_key(seed, &model.inputs[k].name));
        let mut random: Vec<(usize, u64)> = (0..model.inputs.len())
            .filter(|&k| !model.inputs[k].sampler.is_fixed() && !correlated[k])
            .map(key)
            .collect();
        let independent = random.len();
        random.extend(
            model
                .correlated
                .iter()
                .flat_map(|b| &b.members)
                .map(|&k| key(k)),
        );
        Drawer {
            random,
            independent,
            base: model.base_draws(),
        }
    }

    /// Number of inputs that vary between trials.
    pub fn random_inputs(&self) -> usize {
        self.random.len()
    }

    /// A `draws` vector with every fixed input set (the random ones are overwritten per trial).
    pub fn base(&self) -> Vec<f64> {
        self.base.clone()
    }

    /// Draw the random inputs of trials `first..first + n` (n ≤ [`LANE`]) into `lanes`,
    /// input-major: `lanes[j * LANE + i]` is random input `j` in trial `first + i`.
    #[inline]
    pub fn draw_lane(&self, model: &Model, first: u64, n: usize, lanes: &mut [f64]) {
        for (j, &(k, key)) in self.random[..self.independent].iter().enumerate() {
            let sampler = &model.inputs[k].sampler;
            let out = &mut lanes[j * LANE..j * LANE + n];
            for (i, o) in out.iter_mut().enumerate() {
                *o = sampler.quantile(uniform(key, first + i as u64));
            }
        }
        if self.independent < self.random.len() {
            self.draw_correlated(model, first, n, lanes);
        }
    }

    /// The correlated blocks of a lane: each member's own uniforms, mixed within each trial
    /// by the block's copula, then its sampler.
    fn draw_correlated(&self, model: &Model, first: u64, n: usize, lanes: &mut [f64]) {
        let mut j = self.independent;
        for block in &model.correlated {
            let members = &self.random[j..j + block.len()];
            let values = &mut lanes[j * LANE..(j + block.len()) * LANE];
            for (lane, &(_, key)) in values.chunks_exact_mut(LANE).zip(members) {
                for (i, u) in lane[..n].iter_mut().enumerate() {
                    *u = uniform(key, first + i as u64);
                }
            }
            block.correlate(values, LANE, n);
            for (lane, &(k, _)) in values.chunks_exact_mut(LANE).zip(members) {
                let sampler = &model.inputs[k].sampler;
                for u in &mut lane[..n] {
                    *u = sampler.quantile(*u);
                }
            }
            j += block.len();
        }
    }

    /// Copy trial `i` of a lane into `draws`.
    #[inline]
    pub fn gather(&self, lanes: &[f64], i: usize, draws: &mut [f64]) {
        for (j, &(k, _)) in self.random.iter().enumerate() {
            draws[k] = lanes[j * LANE + i];
        }
    }
}

struct Worker {
    scratch: Scratch,
    draws: Vec<f64>,
    lanes: Vec<f64>,
    /// A lane's cumulative net cash flows, trial by trial: `[i * horizon + t]`.
    lane_cumulative: Vec<f64>,
    /// A lane's adoption bins, trial by trial: `[i * groups * horizon + g * horizon + t]`.
    lane_bins: Vec<u8>,
    sketches: MonthlySketches,
}

impl Worker {
    /// Count a lane's `n` trials into the sketches, four sketches at a time: their buckets
    /// stay in cache for the whole lane (trial by trial, every insert would touch another
    /// sketch), and the four interleaved streams of increments do not wait on each other
    /// (values of one month cluster in a few buckets, so one sketch alone is a chain of
    /// increments of the same counters).
    fn flush_lane(&mut self, n: usize) {
        let mapping = SketchMapping::default();
        let h = self.sketches.cumulative_net.len();
        let values = &self.lane_cumulative[..n * h];
        let mut s4 = self.sketches.cumulative_net.chunks_exact_mut(4);
        let mut t = 0;
        for s in &mut s4 {
            for v in values.chunks_exact(h) {
                s[0].add(v[t], mapping);
                s[1].add(v[t + 1], mapping);
                s[2].add(v[t + 2], mapping);
                s[3].add(v[t + 3], mapping);
            }
            t += 4;
        }
        for (k, s) in s4.into_remainder().iter_mut().enumerate() {
            for v in values.chunks_exact(h) {
                s.add(v[t + k], mapping);
            }
        }
        let gh = self.sketches.adoption.len();
        if gh == 0 {
            return;
        }
        let bins = &self.lane_bins[..n * gh];
        let mut h4 = self.sketches.adoption.chunks_exact_mut(4);
        let mut k = 0;
        for hist in &mut h4 {
            for b in bins.chunks_exact(gh) {
                hist[0].add_bin(b[k]);
                hist[1].add_bin(b[k + 1]);
                hist[2].add_bin(b[k + 2]);
                hist[3].add_bin(b[k + 3]);
            }
            k += 4;
        }
        for (j, hist) in h4.into_remainder().iter_mut().enumerate() {
            for b in bins.chunks_exact(gh) {
                hist.add_bin(b[k + j]);
            }
        }
    }
}

#[inline]
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
    let h = model.horizon;
    let groups = model.groups.len();

    let sketches = data
        .par_chunks_mut(BLOCK * width)
        .enumerate()
        .fold(
            || Worker {
                scratch: Scratch::for_trials(model),
                draws: drawer.base(),
                lanes: vec![0.0; drawer.random_inputs() * LANE],
                lane_cumulative: vec![0.0; h * LANE],
                lane_bins: vec![0; groups * h * LANE],
                sketches: MonthlySketches::new(model),
            },
            |mut w, (block, rows)| {
                let first = spec.first_trial + (block * BLOCK) as u64;
                for (l, lane_rows) in rows.chunks_mut(LANE * width).enumerate() {
                    let lane_first = first + (l * LANE) as u64;
                    let n = lane_rows.len() / width;
                    drawer.draw_lane(model, lane_first, n, &mut w.lanes);
                    for (i, row) in lane_rows.chunks_mut(width).enumerate() {
                        drawer.gather(&w.lanes, i, &mut w.draws);
                        let outcome = model.evaluate(&w.draws, &mut w.scratch);
                        write_row(row, &outcome, &w.scratch.capability_pv);
                        w.lane_cumulative[i * h..(i + 1) * h]
                            .copy_from_slice(&w.scratch.cumulative_net);
                        let gh = groups * h;
                        let bins = &mut w.lane_bins[i * gh..(i + 1) * gh];
                        for (b, &a) in bins.iter_mut().zip(&w.scratch.adoption) {
                            *b = ShareHistogram::bin(a);
                        }
                    }
                    w.flush_lane(n);
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

/// Only draw the inputs of `spec`'s trials, exactly as [`run`] does (same lanes, same blocks,
/// same threads), and return a checksum: the floor under the engine's time.
pub fn draw_only(model: &Model, spec: RunSpec) -> f64 {
    let drawer = Drawer::new(model, spec.seed);
    let blocks = (spec.trials as usize).div_ceil(BLOCK);
    (0..blocks)
        .into_par_iter()
        .fold(
            || (vec![0.0; drawer.random_inputs() * LANE], 0.0),
            |(mut lanes, mut acc), block| {
                let first = block * BLOCK;
                let end = (first + BLOCK).min(spec.trials as usize);
                for lane_first in (first..end).step_by(LANE) {
                    let n = (end - lane_first).min(LANE);
                    drawer.draw_lane(model, spec.first_trial + lane_first as u64, n, &mut lanes);
                    acc += std::hint::black_box(&lanes)[0];
                }
                (lanes, acc)
            },
        )
        .map(|(_, acc)| acc)
        .sum()
}
