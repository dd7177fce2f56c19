//! Running trials in parallel.
//!
//! Trials are cut into fixed blocks of [`BLOCK`] trials; each block writes its rows of the
//! per-trial table in place and counts its monthly values into per-thread sketches. Rows are
//! positional and sketches hold integer counts, so the output is bit-identical for any thread
//! count. Memory is O(trials × scalars + months × sketch size), never O(trials × months).

use std::sync::Mutex;

use rayon::prelude::*;

use crate::finance;
use crate::finance::tei::{TeiPeriods, monthly_present_values};
use crate::model::{Model, Scratch, TrialOutcome, annual_irr};

use super::exact::{MonthlyAccumulator, MonthlySums};
use super::random::{stream_key, uniforms_into};
use super::sketch::{LogSketch, ShareCounts, ShareHistogram, SketchMapping};

/// Most trials one run may have: far more than any case needs (100,000 already give a Monte
/// Carlo error far below the input uncertainty), low enough to catch a typo.
pub const MAX_TRIALS: u64 = 100_000_000;

/// Trials per parallel work item.
pub const BLOCK: usize = 1024;

/// Columns of the per-trial table before the per-capability contributions.
pub const SCALARS: usize = 10;
/// Column indices of the per-trial table.
pub mod col {
    pub const NPV: usize = 0;
    pub const PV_BENEFITS: usize = 1;
    pub const PV_COSTS: usize = 2;
    pub const ROI: usize = 3;
    pub const IRR_ANNUAL: usize = 4;
    pub const PAYBACK: usize = 5;
    pub const DISCOUNTED_PAYBACK: usize = 6;
    /// Months until a trial that paid back falls below zero for good (NaN when it does not).
    pub const FALLS_BACK: usize = 7;
    /// NPV by TEI conventions (`finance::tei`: yearly periods, each discounted at its year's
    /// end), where a TEI study's NPV is placed.
    pub const TEI_NPV: usize = 8;
    /// ROI by TEI conventions.
    pub const TEI_ROI: usize = 9;
}

/// Bytes a run of `trials` trials is expected to need: the per-trial table plus two working
/// columns, and each worker's sketches and scratch. The app compares it with its memory limit
/// before starting, so an oversized run fails at once instead of after minutes.
pub fn estimated_memory_bytes(model: &Model, trials: u64) -> u64 {
    let width = (table_width(model) + 3) as u64;
    let h = model.horizon as u64;
    let groups = model.groups.len() as u64;
    let per_worker = h * 8 * 1024
        // The net cash flow's sketches and keys, and the exact monthly sums.
        + h * (8 * 1024 + 4 * LANE as u64 + 2 * std::mem::size_of::<super::exact::ExactSum>() as u64)
        // Adoption histograms, and the 256-bin counters they are counted in while running.
        + groups * h * (super::sketch::SHARE_BINS as u64 + 256) * 4
        + (groups * 2 + model.capabilities.len() as u64 * 2 + model.cost_lines.len() as u64 + 8)
            * h
            * 8;
    let workers = 4 * rayon::current_num_threads() as u64;
    trials * width * 8
        + workers * per_worker
        + super::sensitivity::memory_bytes(model)
        + 32 * 1024 * 1024
}

/// Columns of the per-trial table of `model`: the scalars, one per capability, and for a
/// scenario with levers the two columns of the trial without them ([`lever_columns`]).
pub fn table_width(model: &Model) -> usize {
    let levers = if model.has_levers() { 2 } else { 0 };
    SCALARS + model.capabilities.len() + levers
}

/// For a model with levers, the columns of (NPV of the same trial without any lever, PV of
/// the levers' cost lines in the trial), after the capabilities' columns.
pub fn lever_columns(model: &Model) -> Option<(usize, usize)> {
    let first = SCALARS + model.capabilities.len();
    model.has_levers().then_some((first, first + 1))
}

/// Which trials to run, with which seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunSpec {
    pub seed: u64,
    /// Index of the first trial (non-zero for a shard of a larger run).
    pub first_trial: u64,
    pub trials: u64,
}

/// Per-trial scalars, column by column: column `c` holds the value of column `c` for trials
/// `first_trial..first_trial + rows`, in trial order. Columns are contiguous so that the
/// summary reads each one as a single sequential pass (and columns in parallel).
#[derive(Debug, Clone, PartialEq)]
pub struct TrialTable {
    /// Columns: [`SCALARS`] + one per capability.
    pub width: usize,
    /// Trials (values per column).
    pub rows: usize,
    /// `data[c * rows + i]`: column `c`, trial `first_trial + i`.
    pub data: Vec<f64>,
}

impl TrialTable {
    /// A table of zeros, on the allocator's ordinary pages. Not transparent huge pages: on
    /// virtual machines that hand freed memory back to the host, a run started a second or more
    /// after the last one pays for every fresh 2 MB page with the host's faults, and filling a
    /// million-trial table (150 MB) cost 0.4–0.7 s of system time that way, against 0.2–0.3 s
    /// on 4 KB pages (docs/PERFORMANCE.md, sixth round).
    pub fn zeros(width: usize, rows: usize) -> Self {
        TrialTable {
            width,
            rows,
            data: vec![0.0; width * rows],
        }
    }

    /// Number of trials.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// One column, in trial order.
    pub fn column(&self, c: usize) -> &[f64] {
        &self.data[c * self.rows..(c + 1) * self.rows]
    }

    /// Every column's value for trial `first_trial + i` (a gather across the columns: for
    /// checks and small exports, not for passes over the whole table).
    pub fn row(&self, i: usize) -> Vec<f64> {
        (0..self.width).map(|c| self.column(c)[i]).collect()
    }

    /// The table's columns cut into blocks of `block` trials: `[block][column]`, each a
    /// mutable slice, so blocks of trials can be filled in parallel.
    fn blocks_mut(&mut self, block: usize) -> Vec<Vec<&mut [f64]>> {
        let mut blocks: Vec<Vec<&mut [f64]>> = (0..self.rows.div_ceil(block))
            .map(|_| Vec::with_capacity(self.width))
            .collect();
        if self.rows > 0 {
            for column in self.data.chunks_mut(self.rows) {
                for (b, chunk) in column.chunks_mut(block).enumerate() {
                    blocks[b].push(chunk);
                }
            }
        }
        blocks
    }
}

/// Month-by-month distributions, as mergeable sketches, and the exact monthly sums behind the
/// mean cash flow: all of them merge exactly, in any order.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MonthlySketches {
    /// Cumulative net cash flow, one sketch per month.
    pub cumulative_net: Vec<LogSketch>,
    /// Net cash flow of the month, one sketch per month.
    pub net: Vec<LogSketch>,
    /// Adoption share, `[group * horizon + month]`.
    pub adoption: Vec<ShareHistogram>,
    /// Benefits and costs of each month summed exactly over the trials.
    pub sums: MonthlySums,
}

impl MonthlySketches {
    fn new(model: &Model) -> Self {
        MonthlySketches {
            cumulative_net: vec![LogSketch::new(); model.horizon],
            net: vec![LogSketch::new(); model.horizon],
            adoption: vec![ShareHistogram::default(); model.horizon * model.groups.len()],
            sums: MonthlySums::new(model.horizon),
        }
    }

    /// Add another set of counts and sums (order does not matter).
    pub fn merge(&mut self, other: &MonthlySketches) {
        for (a, b) in self.cumulative_net.iter_mut().zip(&other.cumulative_net) {
            a.merge(b);
        }
        for (a, b) in self.net.iter_mut().zip(&other.net) {
            a.merge(b);
        }
        for (a, b) in self.adoption.iter_mut().zip(&other.adoption) {
            a.merge(b);
        }
        self.sums.merge(&other.sums);
    }
}

/// What a run produces before it is summarised.
#[derive(Debug, Clone)]
pub struct RunOutput {
    pub spec: RunSpec,
    pub table: TrialTable,
    pub sketches: MonthlySketches,
}

/// Per-trial values of a run, in trial order, for analyses and exports that read trials
/// (comparisons pair them trial by trial). Undefined values are NaN (see [`TrialOutcome`]).
impl RunOutput {
    pub fn npv(&self) -> &[f64] {
        self.table.column(col::NPV)
    }
    pub fn pv_benefits(&self) -> &[f64] {
        self.table.column(col::PV_BENEFITS)
    }
    pub fn pv_costs(&self) -> &[f64] {
        self.table.column(col::PV_COSTS)
    }
    pub fn roi(&self) -> &[f64] {
        self.table.column(col::ROI)
    }
    pub fn irr_annual(&self) -> &[f64] {
        self.table.column(col::IRR_ANNUAL)
    }
    pub fn payback_months(&self) -> &[f64] {
        self.table.column(col::PAYBACK)
    }
    pub fn discounted_payback_months(&self) -> &[f64] {
        self.table.column(col::DISCOUNTED_PAYBACK)
    }
    /// When each trial that paid back falls below zero for good (NaN for the others).
    pub fn falls_back_months(&self) -> &[f64] {
        self.table.column(col::FALLS_BACK)
    }
    /// NPV by TEI conventions (see [`col::TEI_NPV`]).
    pub fn tei_npv(&self) -> &[f64] {
        self.table.column(col::TEI_NPV)
    }
    /// ROI by TEI conventions; NaN where its PV of costs is 0.
    pub fn tei_roi(&self) -> &[f64] {
        self.table.column(col::TEI_ROI)
    }
    /// The PV of the benefits attributed to capability `c`, trial by trial.
    pub fn capability_contribution(&self, c: usize) -> &[f64] {
        self.table.column(SCALARS + c)
    }
    /// For a model with levers: each trial's NPV without any lever (its effects, its costs,
    /// its multipliers on risk probabilities), every other input drawn as in the trial; the
    /// run's `columns` are [`lever_columns`].
    pub fn npv_without_levers(&self, columns: (usize, usize)) -> &[f64] {
        self.table.column(columns.0)
    }
    /// For a model with levers: the PV of the levers' cost lines in each trial.
    pub fn pv_lever_costs(&self, columns: (usize, usize)) -> &[f64] {
        self.table.column(columns.1)
    }
    /// Number of trials.
    pub fn trials(&self) -> usize {
        self.table.rows()
    }
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

    /// The model indices of the inputs that vary, in the order of [`Drawer::draw_lane`]'s rows.
    pub fn random_input_ids(&self) -> impl Iterator<Item = usize> + '_ {
        self.random.iter().map(|&(k, _)| k)
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
            let out = &mut lanes[j * LANE..j * LANE + n];
            uniforms_into(key, first, out);
            model.inputs[k].sampler.quantiles_in_place(out);
        }
        if self.independent < self.random.len() {
            self.draw_correlated(model, first, n, lanes);
        }
    }

    /// The correlated blocks of a lane: each member's own uniforms, mixed within each trial
    /// by the block's copula, then its sampler, read as a function of the rank (see
    /// [`Sampler::rank_quantiles_in_place`](crate::dist::Sampler::rank_quantiles_in_place)).
    fn draw_correlated(&self, model: &Model, first: u64, n: usize, lanes: &mut [f64]) {
        let mut j = self.independent;
        for block in &model.correlated {
            let members = &self.random[j..j + block.len()];
            let values = &mut lanes[j * LANE..(j + block.len()) * LANE];
            for (lane, &(_, key)) in values.chunks_exact_mut(LANE).zip(members) {
                uniforms_into(key, first, &mut lane[..n]);
            }
            block.correlate(values, LANE, n);
            for (lane, &(k, _)) in values.chunks_exact_mut(LANE).zip(members) {
                model.inputs[k]
                    .sampler
                    .rank_quantiles_in_place(&mut lane[..n]);
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
    /// For a model with levers: the scratch of the same trial without them (NPV only).
    without_levers: Option<Scratch>,
    draws: Vec<f64>,
    lanes: Vec<f64>,
    /// The sketch keys of a lane's cumulative net cash flows, trial by trial:
    /// `[i * horizon + t]`.
    lane_keys: Vec<i32>,
    /// The same for the lane's monthly net cash flows.
    lane_net_keys: Vec<i32>,
    /// A lane's adoption bins, trial by trial: `[i * groups * horizon + g * horizon + t]`.
    lane_bins: Vec<u8>,
    /// Cumulative net cash flow, one sketch per month.
    cumulative_net: Vec<LogSketch>,
    /// Monthly net cash flow, one sketch per month.
    net: Vec<LogSketch>,
    /// Benefits and costs by month, summed exactly.
    sums: MonthlyAccumulator,
    /// Adoption counts, `[group * horizon + month]`, moved into histograms at the end.
    adoption: ShareCounts,
    irr: IrrQueue,
}

/// The net cash flows of up to [`finance::IRR4_WIDTH`] trials whose IRR is still to come
/// (rows swapped with the scratch's, not copied): IRRs are computed four trials at a time
/// (see [`finance::irr4`] for why).
struct IrrQueue {
    nets: [Vec<f64>; finance::IRR4_WIDTH],
}

impl IrrQueue {
    fn new(horizon: usize) -> Self {
        IrrQueue {
            nets: std::array::from_fn(|_| vec![0.0; horizon]),
        }
    }

    /// Keep trial `i`'s net cash flows (`net`, the scratch's row) for its IRR; when it
    /// completes a group of [`finance::IRR4_WIDTH`], compute the group's IRRs into `irr`, the
    /// block's IRR column.
    #[inline]
    fn push(&mut self, i: usize, net: &mut Vec<f64>, irr: &mut [f64]) {
        let k = i % finance::IRR4_WIDTH;
        // The scratch gets the row back to overwrite: a trial writes every month of it.
        std::mem::swap(&mut self.nets[k], net);
        if k + 1 == finance::IRR4_WIDTH {
            let flows: [&[f64]; finance::IRR4_WIDTH] = std::array::from_fn(|j| &*self.nets[j]);
            for (out, r) in irr[i + 1 - finance::IRR4_WIDTH..=i]
                .iter_mut()
                .zip(finance::irr4(flows))
            {
                *out = annual_irr(r);
            }
        }
    }

    /// The IRRs of the last trials pushed, `end` being the index after the last, when they
    /// did not make a whole group.
    fn finish(&self, end: usize, irr: &mut [f64]) {
        let rest = end % finance::IRR4_WIDTH;
        for (net, out) in self.nets.iter().zip(&mut irr[end - rest..end]) {
            *out = annual_irr(finance::irr(net));
        }
    }
}

impl Worker {
    /// Count a lane's `n` trials into the sketches, column by column (see
    /// [`LogSketch::add_key_rows`] and [`ShareCounts::add_rows`]).
    fn flush_lane(&mut self, n: usize) {
        let h = self.cumulative_net.len();
        LogSketch::add_key_rows(&mut self.cumulative_net, &self.lane_keys[..n * h]);
        LogSketch::add_key_rows(&mut self.net, &self.lane_net_keys[..n * h]);
        let gh = self.lane_bins.len() / LANE;
        self.adoption.add_rows(&self.lane_bins[..n * gh]);
    }

    /// The sketches of every trial this worker ran.
    fn into_sketches(mut self, model: &Model) -> MonthlySketches {
        let mut sketches = MonthlySketches::new(model);
        sketches.cumulative_net = self.cumulative_net;
        sketches.net = self.net;
        sketches.sums = self.sums.into_sums();
        self.adoption.drain_into(&mut sketches.adoption);
        sketches
    }
}

/// A trial's (NPV, ROI) by TEI conventions, from its monthly benefits and costs and each
/// month's period factor ([`TeiPeriods::monthly_factors`]). Two dot products over the
/// horizon: a few percent of a trial (docs/PERFORMANCE.md).
#[inline]
pub fn tei_outcome(s: &Scratch, monthly_factors: &[f64]) -> (f64, f64) {
    let (pv_b, pv_c) = monthly_present_values(&s.benefits, &s.costs, monthly_factors);
    let npv = pv_b - pv_c;
    (npv, if pv_c > 0.0 { npv / pv_c } else { f64::NAN })
}

/// Write trial `i` of a block into its columns, all but the IRR column: the [`IrrQueue`]
/// fills that, four trials at a time. `tei` is the trial's [`tei_outcome`].
#[inline]
fn write_trial_but_irr(
    columns: &mut [&mut [f64]],
    i: usize,
    o: &TrialOutcome,
    tei: (f64, f64),
    capability_pv: &[f64],
) {
    let scalars = [
        (col::NPV, o.npv),
        (col::PV_BENEFITS, o.pv_benefits),
        (col::PV_COSTS, o.pv_costs),
        (col::ROI, o.roi),
        (col::PAYBACK, o.payback_months),
        (col::DISCOUNTED_PAYBACK, o.discounted_payback_months),
        (col::FALLS_BACK, o.falls_back_months),
        (col::TEI_NPV, tei.0),
        (col::TEI_ROI, tei.1),
    ];
    for (c, v) in scalars {
        columns[c][i] = v;
    }
    for (column, &v) in columns[SCALARS..].iter_mut().zip(capability_pv) {
        column[i] = v;
    }
}

/// Run `spec.trials` trials of `model`. `progress` is called with the number of trials done
/// (from any thread) so a caller can draw a progress bar.
pub fn run(model: &Model, spec: RunSpec, progress: &(dyn Fn(u64) + Sync)) -> RunOutput {
    let width = table_width(model);
    let levers = lever_columns(model);
    let mut table = TrialTable::zeros(width, spec.trials as usize);
    let drawer = Drawer::new(model, spec.seed);
    let h = model.horizon;
    let groups = model.groups.len();
    let mapping = SketchMapping::default();
    let tei_factors = TeiPeriods::of_horizon(h, model.discount_rate).monthly_factors();

    // One worker per thread, whichever blocks the thread takes: its sketches stay warm in the
    // thread's cache, and a run allocates (and merges) as many sets of monthly sketches as
    // there are threads, not one per piece rayon splits the work into. Sketches hold integer
    // counts, so how the blocks fall to the workers changes nothing in their sum.
    let workers: Vec<Mutex<Option<Worker>>> = (0..rayon::current_num_threads())
        .map(|_| Mutex::new(None))
        .collect();
    table
        .blocks_mut(BLOCK)
        .into_par_iter()
        .enumerate()
        .for_each(|(block, mut columns)| {
            let slot = rayon::current_thread_index().unwrap_or(0) % workers.len();
            // Only this thread takes this slot: the lock is never contended (nor poisoned:
            // a panic here ends the run).
            let mut guard = workers[slot].lock().unwrap_or_else(|e| e.into_inner());
            let w = guard.get_or_insert_with(|| Worker {
                scratch: Scratch::for_trials(model),
                without_levers: levers.map(|_| Scratch::with_levers(model, &[]).npv_only()),
                draws: drawer.base(),
                lanes: vec![0.0; drawer.random_inputs() * LANE],
                lane_keys: vec![0; h * LANE],
                lane_net_keys: vec![0; h * LANE],
                lane_bins: vec![0; groups * h * LANE],
                cumulative_net: vec![LogSketch::new(); h],
                net: vec![LogSketch::new(); h],
                sums: MonthlyAccumulator::new(h),
                adoption: ShareCounts::new(groups * h),
                irr: IrrQueue::new(h),
            });
            let first = spec.first_trial + (block * BLOCK) as u64;
            let rows = columns.first().map_or(0, |c| c.len());
            for lane_start in (0..rows).step_by(LANE) {
                let n = (rows - lane_start).min(LANE);
                drawer.draw_lane(model, first + lane_start as u64, n, &mut w.lanes);
                for i in 0..n {
                    drawer.gather(&w.lanes, i, &mut w.draws);
                    let outcome = model.evaluate_all_but_irr(&w.draws, &mut w.scratch);
                    write_trial_but_irr(
                        &mut columns,
                        lane_start + i,
                        &outcome,
                        tei_outcome(&w.scratch, &tei_factors),
                        &w.scratch.capability_pv,
                    );
                    // The net row goes to the IRR queue just below: its keys are taken first.
                    mapping.keys_into(&w.scratch.net, &mut w.lane_net_keys[i * h..(i + 1) * h]);
                    w.sums.add_trial(&w.scratch.benefits, &w.scratch.costs);
                    w.irr
                        .push(lane_start + i, &mut w.scratch.net, columns[col::IRR_ANNUAL]);
                    mapping.keys_into(
                        &w.scratch.cumulative_net,
                        &mut w.lane_keys[i * h..(i + 1) * h],
                    );
                    let gh = groups * h;
                    ShareHistogram::bins_into(
                        &w.scratch.adoption,
                        &mut w.lane_bins[i * gh..(i + 1) * gh],
                    );
                    if let (Some((npv_col, cost_col)), Some(cf)) =
                        (levers, w.without_levers.as_mut())
                    {
                        // The counterfactual needs its NPV only: no IRR, no sketches.
                        let o = model.evaluate_all_but_irr(&w.draws, cf);
                        columns[npv_col][lane_start + i] = o.npv;
                        columns[cost_col][lane_start + i] = w.scratch.lever_costs_pv;
                    }
                }
                w.flush_lane(n);
            }
            w.irr.finish(rows, columns[col::IRR_ANNUAL]);
            progress(rows as u64);
        });
    let mut sketches = MonthlySketches::new(model);
    for w in workers
        .into_iter()
        .filter_map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner()))
    {
        sketches.merge(&w.into_sketches(model));
    }
    RunOutput {
        spec,
        table,
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

/// Draw and evaluate `spec`'s trials, IRR included, exactly as [`run`] does (same lanes, same
/// blocks, same threads), and keep nothing but a checksum (the sum of NPVs and finite IRRs):
/// no per-trial table, no monthly sketches. Between [`draw_only`] and [`run`], it tells the
/// model's own work apart from what the engine adds around it.
pub fn model_only(model: &Model, spec: RunSpec) -> f64 {
    let drawer = Drawer::new(model, spec.seed);
    let blocks = (spec.trials as usize).div_ceil(BLOCK);
    let fresh = || {
        (
            vec![0.0; drawer.random_inputs() * LANE],
            drawer.base(),
            Scratch::for_trials(model),
            IrrQueue::new(model.horizon),
            vec![0.0; BLOCK],
        )
    };
    // One sum per block, added in block order: the same checksum for any thread count.
    let sums: Vec<f64> = (0..blocks)
        .into_par_iter()
        .map_init(fresh, |(lanes, draws, scratch, queue, irr), block| {
            let first = block * BLOCK;
            let rows = (spec.trials as usize - first).min(BLOCK);
            let mut sum = 0.0;
            for lane_start in (0..rows).step_by(LANE) {
                let n = (rows - lane_start).min(LANE);
                let lane_first = spec.first_trial + (first + lane_start) as u64;
                drawer.draw_lane(model, lane_first, n, lanes);
                for i in 0..n {
                    drawer.gather(lanes, i, draws);
                    sum += model.evaluate_all_but_irr(draws, scratch).npv;
                    queue.push(lane_start + i, &mut scratch.net, irr);
                }
            }
            queue.finish(rows, irr);
            sum + irr[..rows].iter().filter(|r| r.is_finite()).sum::<f64>()
        })
        .collect();
    sums.iter().sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every row of the engine's table is what evaluating that trial on its own gives, to the
    /// bit: the IRRs the engine computes four trials at a time included, and those of the
    /// trials after a block's last whole four.
    #[test]
    fn table_rows_equal_trials_evaluated_one_by_one() {
        let texts = [
            crate::scenario::BUILT_IN,
            include_str!("../../scenarios/bench-peer.toml"),
        ];
        for text in texts {
            let scenario = crate::scenario::parse_str(text, None).expect("scenario parses");
            let model = Model::compile(&scenario);
            // Two blocks, the second of 7 trials: one group of four and three left over.
            let spec = RunSpec {
                seed: 11,
                first_trial: 500,
                trials: BLOCK as u64 + 7,
            };
            let out = run(&model, spec, &|_| {});
            let drawer = Drawer::new(&model, spec.seed);
            let mut lanes = vec![0.0; drawer.random_inputs() * LANE];
            let mut draws = drawer.base();
            let mut scratch = Scratch::for_trials(&model);
            let mut with_irr = 0;
            let factors =
                TeiPeriods::of_horizon(model.horizon, model.discount_rate).monthly_factors();
            for i in 0..spec.trials as usize {
                drawer.draw_lane(&model, spec.first_trial + i as u64, 1, &mut lanes);
                drawer.gather(&lanes, 0, &mut draws);
                let o = model.evaluate(&draws, &mut scratch);
                let mut want = vec![0.0; out.table.width];
                write_trial_but_irr(
                    &mut want
                        .iter_mut()
                        .map(std::slice::from_mut)
                        .collect::<Vec<_>>(),
                    0,
                    &o,
                    tei_outcome(&scratch, &factors),
                    &scratch.capability_pv,
                );
                want[col::IRR_ANNUAL] = o.irr_annual;
                let bits = |r: &[f64]| r.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
                assert_eq!(
                    bits(&out.table.row(i)),
                    bits(&want),
                    "{}: trial {i}",
                    scenario.meta.name
                );
                with_irr += usize::from(o.irr_annual.is_finite());
            }
            assert!(
                with_irr > 500,
                "{}: only {with_irr} trials have an IRR",
                scenario.meta.name
            );
        }
    }

    /// `model_only` evaluates the same trials as `run`, IRRs included: its checksum is the
    /// sum of the NPV and finite IRR columns of `run`'s table, block by block, to the bit.
    #[test]
    fn model_only_evaluates_the_trials_run_does() {
        let scenario =
            crate::scenario::parse_str(include_str!("../../scenarios/bench-peer.toml"), None)
                .expect("scenario parses");
        let model = Model::compile(&scenario);
        let spec = RunSpec {
            seed: 3,
            first_trial: 40,
            trials: 2 * BLOCK as u64 + 5,
        };
        let (out, checksum) = (run(&model, spec, &|_| {}), model_only(&model, spec));
        let (npv, irr) = (
            out.table.column(col::NPV),
            out.table.column(col::IRR_ANNUAL),
        );
        let mut want = 0.0;
        for b in (0..out.table.rows()).step_by(BLOCK) {
            let end = (b + BLOCK).min(out.table.rows());
            let mut sum = 0.0;
            for v in &npv[b..end] {
                sum += v;
            }
            want += sum + irr[b..end].iter().filter(|r| r.is_finite()).sum::<f64>();
        }
        assert_eq!(
            checksum.to_bits(),
            want.to_bits(),
            "{checksum} against {want}"
        );
        assert!(irr.iter().filter(|r| r.is_finite()).count() > 1000);
    }
}
