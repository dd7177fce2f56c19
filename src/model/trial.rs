//! One trial: draws in, monthly cash flows and their summary numbers out.
//!
//! All month-by-month arrays live in a [`Scratch`] reused across trials (no allocation per
//! trial); after [`Model::evaluate`] the scratch holds the trial's full detail, which the base
//! case and `valuecase cashflow` read and the engine summarises into sketches.

use crate::finance;
use crate::scenario::{CostSchedule, Driver};

use super::adoption::{self, Curve, ExpMemo};
use super::compile::{CurveIds, Model, NewBusinessIds};

/// Hours in a month per hour a week (52 weeks / 12 months).
const WEEKS_PER_MONTH: f64 = 52.0 / 12.0;

/// The summary numbers of one trial. Undefined quantities are NaN here (IRR without a root,
/// ROI with zero costs, payback that never happens); results turn them into nulls.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrialOutcome {
    pub npv: f64,
    pub pv_benefits: f64,
    pub pv_costs: f64,
    pub roi: f64,
    pub irr_annual: f64,
    pub payback_months: f64,
    pub discounted_payback_months: f64,
}

/// The annual IRR of a monthly one, NaN when there is none (or it overflows).
#[inline]
pub fn annual_irr(monthly: Option<f64>) -> f64 {
    monthly
        .map(|m| (1.0 + m).powi(12) - 1.0)
        .filter(|r| r.is_finite())
        .unwrap_or(f64::NAN)
}

/// Reusable per-thread working memory for trials of one model.
#[derive(Debug, Clone)]
pub struct Scratch {
    horizon: usize,
    /// Fill every per-capability and per-cost-line row (base case, `cashflow`), or only what
    /// the trial's summary numbers need (the engine): see [`Scratch::for_trials`].
    detail: bool,
    /// Adoption share by group, `[group * horizon + t]`.
    pub adoption: Vec<f64>,
    /// Adoption × data quality by group, same layout; only the rows of groups whose data
    /// quality is below 1 are written (see [`QualityRows`]).
    quality_adoption: Vec<f64>,
    /// Per group: data quality is exactly 1 this trial, so adoption × quality is adoption.
    quality_one: Vec<bool>,
    /// Per group: the last exp(−rate) of its adoption curve (a fixed rate's is reused).
    exp_memo: Vec<ExpMemo>,
    /// This trial's cost amounts, one per span of [`CostSteps`], in span order.
    span_values: Vec<f64>,
    /// The month ranges of the cost spans and the stretches of months they cover.
    cost_steps: CostSteps,
    /// Realised uplift x_c(t) of each capability, `[cap * horizon + t]`.
    uplift: Vec<f64>,
    /// Baseline growth factor G(t) by month.
    growth: Vec<f64>,
    /// Benefit of each capability by month (after risk), `[cap * horizon + t]`.
    pub capability_benefit: Vec<f64>,
    /// Cost of each cost line by month (after overruns and risk), `[line * horizon + t]`.
    pub cost_line: Vec<f64>,
    pub benefits: Vec<f64>,
    pub costs: Vec<f64>,
    pub net: Vec<f64>,
    pub cumulative_net: Vec<f64>,
    pub discounted_net: Vec<f64>,
    /// Running sum of `discounted_net`.
    discounted_cumulative: Vec<f64>,
    /// PV of each capability's benefits.
    pub capability_pv: Vec<f64>,
    // Per-trial state of drivers whose value depends on the previous month.
    retention_stock: Vec<f64>,
    cycle_share_prev: Vec<f64>,
    /// Attribution weights of the capabilities sharing a compounding driver (first
    /// `list.len()` entries used).
    weights: Vec<f64>,
    // Per-group lever totals.
    ceiling_add: Vec<f64>,
    speed: Vec<f64>,
    midpoint_shift: Vec<f64>,
    bass_p: Vec<f64>,
    bass_q: Vec<f64>,
    quality_add: Vec<f64>,
}

impl Scratch {
    /// Working memory sized for `model`.
    pub fn new(model: &Model) -> Scratch {
        let h = model.horizon;
        let g = model.group_models.len();
        let c = model.capability_models.len();
        let l = model.cost_models.len();
        Scratch {
            horizon: h,
            detail: true,
            adoption: vec![0.0; g * h],
            quality_adoption: vec![0.0; g * h],
            quality_one: vec![false; g],
            exp_memo: vec![ExpMemo::default(); g],
            span_values: Vec::new(),
            cost_steps: CostSteps::default(),
            uplift: vec![0.0; c * h],
            growth: vec![0.0; h],
            capability_benefit: vec![0.0; c * h],
            cost_line: vec![0.0; l * h],
            benefits: vec![0.0; h],
            costs: vec![0.0; h],
            net: vec![0.0; h],
            cumulative_net: vec![0.0; h],
            discounted_net: vec![0.0; h],
            discounted_cumulative: vec![0.0; h],
            capability_pv: vec![0.0; c],
            retention_stock: vec![0.0; c],
            cycle_share_prev: vec![0.0; c],
            weights: vec![0.0; c],
            ceiling_add: vec![0.0; g],
            speed: vec![1.0; g],
            midpoint_shift: vec![0.0; g],
            bass_p: vec![1.0; g],
            bass_q: vec![1.0; g],
            quality_add: vec![0.0; g],
        }
    }

    /// Working memory for the engine's trials: everything [`Model::evaluate`] returns, plus
    /// `adoption`, `benefits`, `costs`, `net`, `cumulative_net`, `discounted_net` and
    /// `capability_pv`, is the same as with [`Scratch::new`] (to the bit), but the rows of
    /// `capability_benefit` (of direct-value capabilities used by one group) and of
    /// `cost_line` are not filled: nothing per trial reads them.
    pub fn for_trials(model: &Model) -> Scratch {
        Scratch {
            detail: false,
            ..Scratch::new(model)
        }
    }

    /// Adoption of group `g` by month.
    pub fn group_adoption(&self, g: usize) -> &[f64] {
        &self.adoption[g * self.horizon..(g + 1) * self.horizon]
    }

    /// Benefit of capability `c` by month.
    pub fn capability_benefits(&self, c: usize) -> &[f64] {
        &self.capability_benefit[c * self.horizon..(c + 1) * self.horizon]
    }

    /// Cost of line `l` by month.
    pub fn cost_line_costs(&self, l: usize) -> &[f64] {
        &self.cost_line[l * self.horizon..(l + 1) * self.horizon]
    }
}

/// [`finance::payback_from_balances`] (first crossing, convention `payback_first`) of a
/// trial's `flows` and their running `balances` as [`month_pass`] leaves them, NaN for
/// "never" and when a flow is not finite: the trial's payback is [`finance::payback`] of its
/// net flows (and its discounted payback [`finance::discounted_payback`] of them at the
/// monthly rate) to the bit.
#[inline]
fn payback_months(flows: &[f64], balances: &[f64], finite: bool) -> f64 {
    if !finite {
        return f64::NAN;
    }
    finance::payback_from_balances(flows, balances).unwrap_or(f64::NAN)
}

/// Adoption × data quality of each group, read without copying: a group whose data quality is
/// exactly 1 reads its adoption row (x · 1 = x), the others their scaled row.
#[derive(Clone, Copy)]
struct QualityRows<'a> {
    adoption: &'a [f64],
    scaled: &'a [f64],
    unit: &'a [bool],
    h: usize,
}

impl<'a> QualityRows<'a> {
    /// Adoption × data quality of group `g` by month.
    #[inline]
    fn row(&self, g: usize) -> &'a [f64] {
        let src = if self.unit[g] {
            self.adoption
        } else {
            self.scaled
        };
        &src[g * self.h..(g + 1) * self.h]
    }
}

/// The month structure of a trial's costs. Every cost line is one or more spans (an amount
/// over a range of months, within the horizon and not empty), in line order; the costs of a
/// month are the amounts of the spans covering it, added up in span order from 0.0. Between
/// two span boundaries the covering spans do not change, so each such stretch needs one sum,
/// not one addition per span and month. The ranges depend only on the trial's delay, so the
/// structure is built once per delay seen and reused.
#[derive(Debug, Clone, Default)]
struct CostSteps {
    /// Delay the structure was built for (None: not built yet).
    delay: Option<usize>,
    /// (cost line, from, to) of each span, in span order: months from..to.
    ranges: Vec<(usize, usize, usize)>,
    /// (from, to, start, end): months from..to are covered by the spans `cover[start..end]`.
    stretches: Vec<(usize, usize, usize, usize)>,
    /// Span indices, ascending within each stretch.
    cover: Vec<usize>,
    /// The span boundaries, sorted: working memory of [`CostSteps::build`], kept so that a
    /// rebuild (the delay varies from trial to trial when a risk delays go-live) allocates
    /// nothing.
    bounds: Vec<usize>,
}

impl CostSteps {
    /// Build the stretches of `ranges` over a horizon of `h` months.
    fn build(&mut self, h: usize) {
        let bounds = &mut self.bounds;
        bounds.clear();
        bounds.extend([0, h]);
        for &(_, from, to) in &self.ranges {
            bounds.push(from);
            bounds.push(to);
        }
        bounds.sort_unstable();
        bounds.dedup();
        self.stretches.clear();
        self.cover.clear();
        for w in self.bounds.windows(2) {
            let (a, b) = (w[0], w[1]);
            let start = self.cover.len();
            for (k, &(_, from, to)) in self.ranges.iter().enumerate() {
                if from <= a && a < to {
                    self.cover.push(k);
                }
            }
            self.stretches.push((a, b, start, self.cover.len()));
        }
    }

    /// `out[t]` = Σ `values[k]` over the spans k covering month t, in span order from 0.0
    /// (0.0 where none does): the same bits as adding each span's value month by month into
    /// a zeroed row.
    #[inline]
    fn sums(&self, values: &[f64], out: &mut [f64]) {
        for &(from, to, start, end) in &self.stretches {
            let mut sum = 0.0;
            for &k in &self.cover[start..end] {
                sum += values[k];
            }
            out[from..to].fill(sum);
        }
    }
}

/// `row[t] = scale · Σ_g w_g · adoption_g(t − lag)` (zero for t < lag): the realised share
/// A_c(t) of a capability used by `groups` (group index, seat weight), times `scale`. One pass
/// for the usual single-group capability; with several groups the weighted rows are added in
/// group order from 0.0 and the last pass scales.
#[inline]
fn realised_share(
    row: &mut [f64],
    lag: usize,
    groups: &[(usize, f64)],
    rows: QualityRows,
    scale: f64,
) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") {
        // SAFETY: the processor has AVX (checked just above).
        return unsafe { realised_share_avx(row, lag, groups, rows, scale) };
    }
    realised_share_portable(row, lag, groups, rows, scale)
}

crate::simd::avx_build_of! {
    /// [`realised_share`] compiled with AVX: four months per instruction, the same operations.
    realised_share_avx = realised_share_portable(
        row: &mut [f64],
        lag: usize,
        groups: &[(usize, f64)],
        rows: QualityRows,
        scale: f64,
    )
}

/// [`realised_share`] for any processor.
#[inline(always)]
fn realised_share_portable(
    row: &mut [f64],
    lag: usize,
    groups: &[(usize, f64)],
    rows: QualityRows,
    scale: f64,
) {
    let h = row.len();
    let lag = lag.min(h);
    let (before, after) = row.split_at_mut(lag);
    before.fill(0.0);
    match groups {
        [(g, w)] => {
            let k = w * scale;
            for (r, &a) in after.iter_mut().zip(rows.row(*g)) {
                *r = k * a;
            }
        }
        [(g0, w0), middle @ .., (gl, wl)] => {
            for (r, &a) in after.iter_mut().zip(rows.row(*g0)) {
                *r = 0.0 + w0 * a;
            }
            for &(g, w) in middle {
                for (r, &a) in after.iter_mut().zip(rows.row(g)) {
                    *r += w * a;
                }
            }
            for (r, &a) in after.iter_mut().zip(rows.row(*gl)) {
                *r = (*r + wl * a) * scale;
            }
        }
        [] => {
            for r in after.iter_mut() {
                *r = 0.0 * scale;
            }
        }
    }
}

/// Four consecutive values as an array (the chunk iterators below always yield four).
#[inline(always)]
fn arr4(x: &[f64]) -> [f64; 4] {
    [x[0], x[1], x[2], x[3]]
}

/// Scale `row` by `share` (unless it is 1), add it into `acc`, and return `Σ row[t] · d[t]`
/// as `dot` in the tests sums it (four interleaved partial sums, t mod 4, then the tail): a
/// capability's benefit row after risk, into the month totals and its PV, in one pass.
#[inline]
fn scale_add_dot(row: &mut [f64], share: f64, acc: &mut [f64], d: &[f64]) -> f64 {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") {
        // SAFETY: the processor has AVX (checked just above).
        return unsafe { scale_add_dot_avx(row, share, acc, d) };
    }
    scale_add_dot_portable(row, share, acc, d)
}

crate::simd::avx_build_of! {
    /// [`scale_add_dot`] compiled with AVX: the four lanes in one register, the same operations.
    scale_add_dot_avx = scale_add_dot_portable(
        row: &mut [f64],
        share: f64,
        acc: &mut [f64],
        d: &[f64],
    ) -> f64
}

/// [`scale_add_dot`] for any processor.
#[inline(always)]
fn scale_add_dot_portable(row: &mut [f64], share: f64, acc: &mut [f64], d: &[f64]) -> f64 {
    let n = row.len().min(acc.len()).min(d.len());
    let (row, acc, d) = (&mut row[..n], &mut acc[..n], &d[..n]);
    let scale = share != 1.0;
    let mut sums = [0.0f64; 4];
    let mut rc = row.chunks_exact_mut(4);
    let mut ac = acc.chunks_exact_mut(4);
    let mut dc = d.chunks_exact(4);
    for ((r, o), dx) in (&mut rc).zip(&mut ac).zip(&mut dc) {
        let (mut x, mut y, dx) = (arr4(r), arr4(o), arr4(dx));
        for l in 0..4 {
            if scale {
                x[l] *= share;
            }
            y[l] += x[l];
            sums[l] += x[l] * dx[l];
        }
        r.copy_from_slice(&x);
        o.copy_from_slice(&y);
    }
    let mut tail = 0.0;
    let rem = rc.into_remainder().iter_mut().zip(ac.into_remainder());
    for ((r, o), &dx) in rem.zip(dc.remainder()) {
        if scale {
            *r *= share;
        }
        *o += *r;
        tail += *r * dx;
    }
    ((sums[0] + sums[1]) + (sums[2] + sums[3])) + tail
}

/// `acc[t] += k · a[t]`, returning `Σ a[t] · d[t]` as four interleaved partial sums (t mod 4,
/// the tail folded into the first lanes) added up in a fixed order: a bucket's benefit added
/// into the month totals and its discounted sum, in one pass.
#[inline]
fn add_scaled_and_dot(acc: &mut [f64], a: &[f64], k: f64, d: &[f64]) -> f64 {
    let n = acc.len().min(a.len()).min(d.len());
    let (acc, a, d) = (&mut acc[..n], &a[..n], &d[..n]);
    let mut sums = scaled4(acc, a, k, d);
    let whole = n / 4 * 4;
    for t in whole..n {
        acc[t] += k * a[t];
        sums[t - whole] += a[t] * d[t];
    }
    (sums[0] + sums[1]) + (sums[2] + sums[3])
}
/// `ln f`, with ln 1 = +0 taken without the call (months before a capability has any effect).
#[inline]
fn ln_or_zero(f: f64) -> f64 {
    if f == 1.0 { 0.0 } else { f.ln() }
}

/// Split `total` among the capabilities `caps` in proportion to `weights` so that the parts
/// add up to `total` (the last part takes the rounding remainder; equal split when the weights
/// sum to zero), writing `out[c · h + t] = 0.0 + part`: each capability's row is written once
/// a month, so this is the part added into a zeroed row. A single capability takes the whole
/// `total` and its weight is not read.
#[inline]
fn split_exact(total: f64, caps: &[usize], weights: &[f64], out: &mut [f64], t: usize, h: usize) {
    let n = caps.len();
    if let [c] = caps {
        out[c * h + t] = 0.0 + (total - 0.0);
        return;
    }
    let sum: f64 = weights[..n].iter().sum();
    let mut assigned = 0.0;
    for (k, (&c, &w)) in caps.iter().zip(weights).enumerate() {
        let part = if k + 1 == n {
            total - assigned
        } else if sum != 0.0 {
            total * (w / sum)
        } else {
            total / n as f64
        };
        assigned += part;
        out[c * h + t] = 0.0 + part;
    }
}

/// The four-month steps of [`month_pass`] over the first `h / 4 · 4` months (h: the length
/// of `benefits`; every slice at least that long): `net = b − c` and `discounted = net · d`
/// stored, and the four-lane sums (lane t mod 4) of `net · 0` (the NaN check), `net · d`,
/// `b · d` and `c · d`, in that order. On x86-64 two lanes per SSE2 register (always present
/// there): the same operations lane by lane, so the same bits as [`flows4_portable`].
#[cfg(target_arch = "x86_64")]
#[inline]
fn flows4(
    benefits: &[f64],
    costs: &[f64],
    discount: &[f64],
    net: &mut [f64],
    discounted: &mut [f64],
) -> [[f64; 4]; 4] {
    if std::arch::is_x86_feature_detected!("avx") {
        // SAFETY: the processor has AVX (checked just above).
        return unsafe { flows4_avx(benefits, costs, discount, net, discounted) };
    }
    flows4_sse2(benefits, costs, discount, net, discounted)
}

crate::simd::avx_build_of! {
    /// [`flows4`] with AVX: [`flows4_portable`] compiled for it, whose four lanes are one AVX
    /// register (the same operations lane by lane, so the same bits).
    flows4_avx = flows4_portable(
        benefits: &[f64],
        costs: &[f64],
        discount: &[f64],
        net: &mut [f64],
        discounted: &mut [f64],
    ) -> [[f64; 4]; 4]
}

/// [`flows4`] with SSE2 (always present on x86-64), two lanes per register.
#[cfg(target_arch = "x86_64")]
#[inline]
fn flows4_sse2(
    benefits: &[f64],
    costs: &[f64],
    discount: &[f64],
    net: &mut [f64],
    discounted: &mut [f64],
) -> [[f64; 4]; 4] {
    {
        use std::arch::x86_64::*;
        let h = benefits.len();
        assert!(costs.len() >= h && discount.len() >= h);
        assert!(net.len() >= h && discounted.len() >= h);
        let mut out = [[0.0f64; 4]; 4];
        // SAFETY: SSE2 is part of the x86-64 baseline; every load and store touches two of
        // the first h / 4 · 4 elements of slices at least h long (checked above).
        unsafe {
            let zero = _mm_setzero_pd();
            // acc[half][k]: lanes (2 · half, 2 · half + 1) of sum k.
            let mut acc = [[zero; 4]; 2];
            let (bp, cp, dp) = (benefits.as_ptr(), costs.as_ptr(), discount.as_ptr());
            let (np, dnp) = (net.as_mut_ptr(), discounted.as_mut_ptr());
            let mut t = 0;
            while t + 4 <= h {
                for (half, acc) in acc.iter_mut().enumerate() {
                    let i = t + 2 * half;
                    let (b, c, d) = (
                        _mm_loadu_pd(bp.add(i)),
                        _mm_loadu_pd(cp.add(i)),
                        _mm_loadu_pd(dp.add(i)),
                    );
                    let n = _mm_sub_pd(b, c);
                    let dn = _mm_mul_pd(n, d);
                    acc[0] = _mm_add_pd(acc[0], _mm_mul_pd(n, zero));
                    acc[1] = _mm_add_pd(acc[1], dn);
                    acc[2] = _mm_add_pd(acc[2], _mm_mul_pd(b, d));
                    acc[3] = _mm_add_pd(acc[3], _mm_mul_pd(c, d));
                    _mm_storeu_pd(np.add(i), n);
                    _mm_storeu_pd(dnp.add(i), dn);
                }
                t += 4;
            }
            for (k, lanes) in out.iter_mut().enumerate() {
                _mm_storeu_pd(lanes.as_mut_ptr(), acc[0][k]);
                _mm_storeu_pd(lanes.as_mut_ptr().add(2), acc[1][k]);
            }
        }
        out
    }
}

/// [`flows4`] elsewhere.
#[cfg(not(target_arch = "x86_64"))]
#[inline]
fn flows4(
    benefits: &[f64],
    costs: &[f64],
    discount: &[f64],
    net: &mut [f64],
    discounted: &mut [f64],
) -> [[f64; 4]; 4] {
    flows4_portable(benefits, costs, discount, net, discounted)
}

/// [`flows4`] in plain Rust (other architectures, the AVX build, and the reference for the
/// SSE2 one).
#[inline(always)]
fn flows4_portable(
    benefits: &[f64],
    costs: &[f64],
    discount: &[f64],
    net: &mut [f64],
    discounted: &mut [f64],
) -> [[f64; 4]; 4] {
    let [mut nan, mut npv, mut pvb, mut pvc] = [[0.0f64; 4]; 4];
    let inputs = benefits
        .chunks_exact(4)
        .zip(costs.chunks_exact(4))
        .zip(discount.chunks_exact(4));
    let outputs = net.chunks_exact_mut(4).zip(discounted.chunks_exact_mut(4));
    for (((b, c), d), (n_out, dn_out)) in inputs.zip(outputs) {
        let (b, c, d) = (arr4(b), arr4(c), arr4(d));
        let (mut n, mut dn) = ([0.0f64; 4], [0.0f64; 4]);
        for l in 0..4 {
            n[l] = b[l] - c[l];
            dn[l] = n[l] * d[l];
            nan[l] += n[l] * 0.0;
            npv[l] += dn[l];
            pvb[l] += b[l] * d[l];
            pvc[l] += c[l] * d[l];
        }
        n_out.copy_from_slice(&n);
        dn_out.copy_from_slice(&dn);
    }
    [nan, npv, pvb, pvc]
}

/// `acc[t] += k · a[t]` over the first `a.len() / 4 · 4` elements (every slice at least
/// that long), returning the four-lane sums (lane t mod 4) of `a[t] · d[t]`. On x86-64 two
/// lanes per SSE2 register: the same bits as [`scaled4_portable`].
#[cfg(target_arch = "x86_64")]
#[inline]
fn scaled4(acc: &mut [f64], a: &[f64], k: f64, d: &[f64]) -> [f64; 4] {
    if std::arch::is_x86_feature_detected!("avx") {
        // SAFETY: the processor has AVX (checked just above).
        return unsafe { scaled4_avx(acc, a, k, d) };
    }
    scaled4_sse2(acc, a, k, d)
}

crate::simd::avx_build_of! {
    /// [`scaled4`] with AVX: [`scaled4_portable`] compiled for it (four lanes, one register).
    scaled4_avx = scaled4_portable(acc: &mut [f64], a: &[f64], k: f64, d: &[f64]) -> [f64; 4]
}

/// [`scaled4`] with SSE2, two lanes per register.
#[cfg(target_arch = "x86_64")]
#[inline]
fn scaled4_sse2(acc: &mut [f64], a: &[f64], k: f64, d: &[f64]) -> [f64; 4] {
    {
        use std::arch::x86_64::*;
        let n = a.len();
        assert!(acc.len() >= n && d.len() >= n);
        let mut sums = [0.0f64; 4];
        // SAFETY: SSE2 is part of the x86-64 baseline; every load and store touches two of
        // the first n / 4 · 4 elements of slices at least n long (checked above).
        unsafe {
            let kk = _mm_set1_pd(k);
            let mut lanes = [_mm_setzero_pd(); 2];
            let (op, xp, dp) = (acc.as_mut_ptr(), a.as_ptr(), d.as_ptr());
            let mut t = 0;
            while t + 4 <= n {
                for (half, lane) in lanes.iter_mut().enumerate() {
                    let i = t + 2 * half;
                    let x = _mm_loadu_pd(xp.add(i));
                    let y = _mm_add_pd(_mm_loadu_pd(op.add(i)), _mm_mul_pd(kk, x));
                    _mm_storeu_pd(op.add(i), y);
                    *lane = _mm_add_pd(*lane, _mm_mul_pd(x, _mm_loadu_pd(dp.add(i))));
                }
                t += 4;
            }
            _mm_storeu_pd(sums.as_mut_ptr(), lanes[0]);
            _mm_storeu_pd(sums.as_mut_ptr().add(2), lanes[1]);
        }
        sums
    }
}

/// [`scaled4`] elsewhere.
#[cfg(not(target_arch = "x86_64"))]
#[inline]
fn scaled4(acc: &mut [f64], a: &[f64], k: f64, d: &[f64]) -> [f64; 4] {
    scaled4_portable(acc, a, k, d)
}

/// [`scaled4`] in plain Rust (other architectures, the AVX build, and the reference for the
/// SSE2 one).
#[inline(always)]
fn scaled4_portable(acc: &mut [f64], a: &[f64], k: f64, d: &[f64]) -> [f64; 4] {
    let mut sums = [0.0f64; 4];
    let chunks = acc.chunks_exact_mut(4).zip(a.chunks_exact(4));
    for ((o, x), dx) in chunks.zip(d.chunks_exact(4)) {
        let (mut y, x, dx) = (arr4(o), arr4(x), arr4(dx));
        for l in 0..4 {
            y[l] += k * x[l];
            sums[l] += x[l] * dx[l];
        }
        o.copy_from_slice(&y);
    }
    sums
}

/// The running balances of `net` and `discounted` (added in order from 0.0) into `cumulative`
/// and `discounted_cumulative` (all four of one length), and the smallest and largest
/// magnitude of each: `([near, discounted near], [far, discounted far])`. Two chains of
/// dependent additions side by side; on x86-64 the two in one SSE2 register (the same
/// additions lane by lane, so the same bits as [`balance_chains_portable`]).
#[inline]
fn balance_chains(
    net: &[f64],
    discounted: &[f64],
    cumulative: &mut [f64],
    discounted_cumulative: &mut [f64],
) -> ([f64; 2], [f64; 2]) {
    #[cfg(target_arch = "x86_64")]
    return balance_chains_sse2(net, discounted, cumulative, discounted_cumulative);
    #[cfg(not(target_arch = "x86_64"))]
    balance_chains_portable(net, discounted, cumulative, discounted_cumulative)
}

/// [`balance_chains`] with SSE2 (always present on x86-64): lane 0 the net chain, lane 1 the
/// discounted one.
#[cfg(target_arch = "x86_64")]
#[inline]
fn balance_chains_sse2(
    net: &[f64],
    discounted: &[f64],
    cumulative: &mut [f64],
    discounted_cumulative: &mut [f64],
) -> ([f64; 2], [f64; 2]) {
    use std::arch::x86_64::*;
    let n = net.len();
    assert!(discounted.len() == n && cumulative.len() == n && discounted_cumulative.len() == n);
    let (mut near, mut far) = ([0.0f64; 2], [0.0f64; 2]);
    // SAFETY: SSE2 is part of the x86-64 baseline; every load and store touches element t < n
    // of a slice n long (checked above).
    unsafe {
        let sign = _mm_set1_pd(-0.0);
        let (mut b, mut lo, mut hi) = (
            _mm_setzero_pd(),
            _mm_set1_pd(f64::INFINITY),
            _mm_setzero_pd(),
        );
        let (np, dp) = (net.as_ptr(), discounted.as_ptr());
        let (cp, dcp) = (cumulative.as_mut_ptr(), discounted_cumulative.as_mut_ptr());
        for t in 0..n {
            let x = _mm_loadh_pd(_mm_load_sd(np.add(t)), dp.add(t));
            b = _mm_add_pd(b, x);
            _mm_storel_pd(cp.add(t), b);
            _mm_storeh_pd(dcp.add(t), b);
            // `a < lo ? a : lo` and `a > hi ? a : hi`, as the portable form takes them.
            let a = _mm_andnot_pd(sign, b);
            lo = _mm_min_pd(a, lo);
            hi = _mm_max_pd(a, hi);
        }
        _mm_storeu_pd(near.as_mut_ptr(), lo);
        _mm_storeu_pd(far.as_mut_ptr(), hi);
    }
    (near, far)
}

/// [`balance_chains`] in plain Rust (other architectures, and the reference for the SSE2 one).
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
#[inline]
fn balance_chains_portable(
    net: &[f64],
    discounted: &[f64],
    cumulative: &mut [f64],
    discounted_cumulative: &mut [f64],
) -> ([f64; 2], [f64; 2]) {
    let (mut b, mut near, mut far) = ([0.0f64; 2], [f64::INFINITY; 2], [0.0f64; 2]);
    let outs = cumulative.iter_mut().zip(discounted_cumulative.iter_mut());
    for ((c, dc), (&x, &dx)) in outs.zip(net.iter().zip(discounted)) {
        b[0] += x;
        b[1] += dx;
        *c = b[0];
        *dc = b[1];
        for l in 0..2 {
            let a = b[l].abs();
            near[l] = if a < near[l] { a } else { near[l] };
            far[l] = if a > far[l] { a } else { far[l] };
        }
    }
    (near, far)
}

/// Two passes over the months: net and discounted flows with the three present values (each
/// as four interleaved partial sums, t mod 4, the tail folded into the first lanes, added up
/// in a fixed order), then their running balances. Returns (NPV, PV benefits, PV costs, every
/// flow finite). `nan_check` stays 0 unless a flow is infinite or NaN (x · 0 is NaN then).
///
/// The finance definitions, computed four months at a time: with `discount` the
/// [`finance::discount_factors`] at the monthly rate, the NPV, PV benefits and PV costs are
/// [`finance::npv`] of the net flows, benefits and costs, and the balances
/// [`finance::running_balances`] of the net and discounted net flows, to the bit (tested
/// below).
#[inline]
fn month_pass(
    benefits: &[f64],
    costs: &[f64],
    discount: &[f64],
    net: &mut [f64],
    discounted_net: &mut [f64],
    cumulative: &mut [f64],
    discounted_cumulative: &mut [f64],
) -> (f64, f64, f64, bool) {
    let (mut nan_check, mut npv4, mut pvb4, mut pvc4);
    let h = benefits
        .len()
        .min(costs.len())
        .min(discount.len())
        .min(net.len())
        .min(discounted_net.len())
        .min(cumulative.len())
        .min(discounted_cumulative.len());
    let (net, discounted_net) = (&mut net[..h], &mut discounted_net[..h]);
    let (benefits, costs, discount) = (&benefits[..h], &costs[..h], &discount[..h]);
    [nan_check, npv4, pvb4, pvc4] = flows4(benefits, costs, discount, net, discounted_net);
    let whole = h / 4 * 4;
    for t in whole..h {
        let (b, c, disc) = (benefits[t], costs[t], discount[t]);
        let l = t - whole;
        let n = b - c;
        let dn = n * disc;
        nan_check[l] += n * 0.0;
        npv4[l] += dn;
        pvb4[l] += b * disc;
        pvc4[l] += c * disc;
        net[t] = n;
        discounted_net[t] = dn;
    }
    // The running balances, with the smallest and largest magnitude of each
    // (`finance::signs_certain`). Before the first non-zero flow they are exactly 0
    // (0.0 + ±0.0 = 0.0), and left out of those.
    let (cumulative, discounted_cumulative) =
        (&mut cumulative[..h], &mut discounted_cumulative[..h]);
    let first = net.iter().position(|&n| n != 0.0).unwrap_or(h);
    cumulative[..first].fill(0.0);
    discounted_cumulative[..first].fill(0.0);
    let ([near, dnear], [far, dfar]) = balance_chains(
        &net[first..],
        &discounted_net[first..],
        &mut cumulative[first..],
        &mut discounted_cumulative[first..],
    );
    let total = |a: [f64; 4]| (a[0] + a[1]) + (a[2] + a[3]);
    let finite = total(nan_check) == 0.0;
    // A balance within its rounding error of zero (an exact break-even; about never
    // otherwise) is decided exactly, as `finance::running_balances` does.
    if finite && !finance::signs_certain(near, far, h - first) {
        finance::settle_balances(net, cumulative);
    }
    if finite && !finance::signs_certain(dnear, dfar, h - first) {
        finance::settle_balances(discounted_net, discounted_cumulative);
    }
    (total(npv4), total(pvb4), total(pvc4), finite)
}

impl Model {
    /// Lever effects summed (or multiplied) per group.
    fn lever_totals(&self, draws: &[f64], s: &mut Scratch) {
        let d = |id: usize| draws[id];
        s.ceiling_add.fill(0.0);
        s.speed.fill(1.0);
        s.midpoint_shift.fill(0.0);
        s.bass_p.fill(1.0);
        s.bass_q.fill(1.0);
        s.quality_add.fill(0.0);
        for l in &self.lever_models {
            for &g in &l.groups {
                if let Some(id) = l.ceiling {
                    s.ceiling_add[g] += d(id);
                }
                if let Some(id) = l.speed {
                    s.speed[g] *= d(id);
                }
                if let Some(id) = l.midpoint_shift {
                    s.midpoint_shift[g] += d(id);
                }
                if let Some(id) = l.bass_p {
                    s.bass_p[g] *= d(id);
                }
                if let Some(id) = l.bass_q {
                    s.bass_q[g] *= d(id);
                }
                if let Some(id) = l.data_quality {
                    s.quality_add[g] += d(id);
                }
            }
        }
    }

    /// Evaluate one trial. `draws[i]` is the value of `self.inputs[i]`.
    pub fn evaluate(&self, draws: &[f64], s: &mut Scratch) -> TrialOutcome {
        let outcome = self.evaluate_all_but_irr(draws, s);
        TrialOutcome {
            irr_annual: annual_irr(finance::irr(&s.net)),
            ..outcome
        }
    }

    /// [`Model::evaluate`] without the IRR (NaN here): the engine computes its trials' IRRs
    /// four at a time from `s.net` ([`finance::irr4`]), which is faster than one by one.
    pub fn evaluate_all_but_irr(&self, draws: &[f64], s: &mut Scratch) -> TrialOutcome {
        let h = self.horizon;
        let d = |id: usize| draws[id];

        // --- Risks: benefit share, cost multiplier, delay.
        let mut benefit_share = 1.0;
        let mut cost_multiplier = 1.0;
        let mut delay = 0.0;
        for r in &self.risk_models {
            if d(r.occurs) >= 0.5 {
                benefit_share *= r.benefit_realised.map_or(1.0, d);
                cost_multiplier *= r.cost_multiplier.map_or(1.0, d);
                delay += r.delay_months.map_or(0.0, d).round();
            }
        }
        let delay = delay.max(0.0) as usize;

        // --- Levers: totals per group (left at their neutral values when there are none).
        if !self.lever_models.is_empty() {
            self.lever_totals(draws, s);
        }

        // --- Adoption per group, and adoption × data quality.
        for (g, gm) in self.group_models.iter().enumerate() {
            let ceiling = (d(gm.ceiling) + s.ceiling_add[g]).clamp(0.0, 1.0);
            let speed = s.speed[g];
            let shift = s.midpoint_shift[g];
            let curve = match &gm.curve {
                CurveIds::Logistic { growth, midpoint } => Curve::Logistic {
                    growth: d(*growth) * speed,
                    midpoint: d(*midpoint) + shift,
                },
                CurveIds::Bass { p, q } => Curve::Bass {
                    p: (d(*p) * s.bass_p[g]).max(1e-12),
                    q: d(*q) * s.bass_q[g],
                },
                CurveIds::Gompertz { rate, midpoint } => Curve::Gompertz {
                    rate: d(*rate) * speed,
                    midpoint: d(*midpoint) + shift,
                },
                CurveIds::Linear { ramp_months } => Curve::Linear {
                    ramp_months: (d(*ramp_months) / speed).max(1e-9),
                },
                CurveIds::Table { values } => Curve::Table { values },
            };
            let row = &mut s.adoption[g * h..(g + 1) * h];
            let go_live = gm.go_live as usize + delay;
            adoption::fill_with(row, go_live, ceiling, curve, &mut s.exp_memo[g]);
            let quality = (d(gm.data_quality) + s.quality_add[g]).clamp(0.0, 1.0);
            // Quality 1 (the default): the adoption row is read as it is, not copied.
            s.quality_one[g] = quality == 1.0;
            if quality != 1.0 {
                let qrow = &mut s.quality_adoption[g * h..(g + 1) * h];
                for (q, a) in qrow.iter_mut().zip(row.iter()) {
                    *q = a * quality;
                }
            }
        }
        let rows = QualityRows {
            adoption: &s.adoption,
            scaled: &s.quality_adoption,
            unit: &s.quality_one,
            h,
        };

        // --- Realised uplift of each capability, x_c(t) = U_c · A_c(t), once per capability
        // as a whole row (A_c: seat-weighted, lagged quality-weighted adoption). Hours-saved
        // and direct-value capabilities are computed straight from adoption below.
        for (c, cm) in self.capability_models.iter().enumerate() {
            if matches!(cm.driver, Driver::HoursSaved | Driver::DirectValue) {
                continue;
            }
            let row = &mut s.uplift[c * h..(c + 1) * h];
            realised_share(row, cm.lag, &cm.groups, rows, d(cm.effect));
        }

        // --- Baseline amounts.
        let b = &self.baseline;
        let margin = d(b.margin);

        let new_business = match &b.new_business {
            Some(NewBusinessIds::Revenue(id)) => d(*id),
            Some(NewBusinessIds::Funnel {
                leads,
                stages,
                win_rate,
                deal_size,
            }) => {
                d(*leads)
                    * stages.iter().map(|&i| d(i)).product::<f64>()
                    * d(*win_rate)
                    * d(*deal_size)
            }
            None => 0.0,
        };
        let installed_base = b.installed_base.map_or(0.0, d);
        let churn = b.churn.map_or(0.0, d);
        let cost_to_serve = b.cost_to_serve.map_or(0.0, d);
        let marketing = b.marketing.map_or(0.0, d);
        let cycle_months = b.sales_cycle.map_or(0.0, d);
        if self.uses_growth {
            let growth_step = (1.0 + d(b.growth)).powf(1.0 / 12.0);
            let mut growth = 1.0;
            for g in s.growth.iter_mut() {
                *g = growth;
                growth *= growth_step;
            }
        }

        // --- Benefits by capability and month, driver by driver: each driver visits only its
        // own capabilities (lists precomputed by `compile`); drivers nobody uses cost nothing.
        let ix = &self.by_driver;
        let x = &s.uplift;
        let out = &mut s.capability_benefit;

        // Funnel drivers compound: revenue × Π(1 + realised uplift). The gain is split by
        // each factor's share of the log of the product, which sums exactly to the gain (a
        // lone capability takes all of it: no logarithm). Every month of each row is written.
        if !ix.funnel.is_empty() {
            let list = &ix.funnel;
            let weights = &mut s.weights[..list.len()];
            let split = list.len() > 1;
            for t in 0..h {
                let mut product = 1.0;
                for (w, &c) in weights.iter_mut().zip(list) {
                    let f = 1.0 + x[c * h + t];
                    product *= f;
                    if split {
                        *w = ln_or_zero(f);
                    }
                }
                let nb_month = new_business * s.growth[t] / 12.0;
                let gain = nb_month * margin * (product - 1.0);
                split_exact(gain, list, weights, out, t, h);
            }
        }

        // Cost reductions compound too: saving = base × (1 − Π(1 − realised reduction)).
        for (list, base) in [
            (&ix.cost_to_serve, cost_to_serve),
            (&ix.marketing, marketing),
        ] {
            if list.is_empty() {
                continue;
            }
            let weights = &mut s.weights[..list.len()];
            let split = list.len() > 1;
            for t in 0..h {
                let mut kept = 1.0;
                for (w, &c) in weights.iter_mut().zip(list) {
                    let r = x[c * h + t].min(0.999_999);
                    kept *= 1.0 - r;
                    if split {
                        *w = -ln_or_zero(1.0 - r);
                    }
                }
                let base = base * s.growth[t] / 12.0;
                split_exact(base * (1.0 - kept), list, weights, out, t, h);
            }
        }

        // Sales-cycle compression pulls revenue forward once: each month the cycle gets
        // shorter by δ months, δ months of revenue arrive early.
        if !ix.sales_cycle.is_empty() {
            for &c in &ix.sales_cycle {
                s.cycle_share_prev[c] = 0.0;
            }
            for t in 0..h {
                let mut kept = 1.0;
                let mut raw_total = 0.0;
                for &c in &ix.sales_cycle {
                    let r = x[c * h + t].min(0.999_999);
                    kept *= 1.0 - r;
                    raw_total += r;
                }
                let combined = 1.0 - kept;
                let nb_month = new_business * s.growth[t] / 12.0;
                for &c in &ix.sales_cycle {
                    let r = x[c * h + t].min(0.999_999);
                    let share = if raw_total > 0.0 {
                        r / raw_total * combined
                    } else {
                        0.0
                    };
                    let v = nb_month * margin * cycle_months * (share - s.cycle_share_prev[c]);
                    s.cycle_share_prev[c] = share;
                    out[c * h + t] = v;
                }
            }
        }

        // Retention: churn reduction (points a year) is capped at the churn itself; the saved
        // revenue is a stock that churns at the baseline rate.
        if !ix.retention.is_empty() {
            for &c in &ix.retention {
                s.retention_stock[c] = 0.0;
            }
            for t in 0..h {
                let mut retention_total = 0.0;
                for &c in &ix.retention {
                    retention_total += x[c * h + t];
                }
                let retention_scale = if retention_total > churn && retention_total > 0.0 {
                    churn / retention_total
                } else {
                    1.0
                };
                let ib_annual = installed_base * s.growth[t];
                for &c in &ix.retention {
                    let saved = ib_annual * x[c * h + t] * retention_scale / 12.0;
                    let stock = s.retention_stock[c] * (1.0 - churn / 12.0) + saved;
                    s.retention_stock[c] = stock;
                    out[c * h + t] = stock / 12.0 * margin;
                }
            }
        }

        for &c in &ix.cross_sell {
            let row = &mut out[c * h..(c + 1) * h];
            let xr = &x[c * h..(c + 1) * h];
            for ((o, &xv), &g) in row.iter_mut().zip(xr).zip(&s.growth) {
                *o = installed_base * g / 12.0 * margin * xv;
            }
        }

        for &c in &ix.hours_saved {
            let cm = &self.capability_models[c];
            let hours = d(cm.effect) * WEEKS_PER_MONTH * d(cm.value_share);
            let row = &mut out[c * h..(c + 1) * h];
            let lag = cm.lag.min(h);
            // Month by month, Σ_g seats_g · â_g(t − lag) · hours · cost_g added in group
            // order from 0.0; here group by group over the whole row.
            row.fill(0.0);
            for &(g, _) in &cm.groups {
                let gm = &self.group_models[g];
                let (seats, cost) = (gm.seats, gm.hourly_cost.map_or(0.0, d));
                for (o, &a) in row[lag..].iter_mut().zip(rows.row(g)) {
                    *o += seats * a * hours * cost;
                }
            }
        }

        // Direct value: V_c / 12 · A_c(t), straight into the benefit row.
        for &c in &ix.direct_value {
            let cm = &self.capability_models[c];
            let row = &mut out[c * h..(c + 1) * h];
            realised_share(row, cm.lag, &cm.groups, rows, d(cm.effect) / 12.0);
        }

        // --- Costs by month: each line's amount over its months, then the months' totals in
        // line order (see `step_sums`); each line's row too, in detail.
        let rebuild = s.cost_steps.delay != Some(delay);
        if rebuild {
            s.cost_steps.ranges.clear();
        }
        s.span_values.clear();
        for (l, cm) in self.cost_models.iter().enumerate() {
            let amount = d(cm.amount) * (1.0 + cm.overrun.map_or(0.0, d)) * cost_multiplier;
            let (values, ranges) = (&mut s.span_values, &mut s.cost_steps.ranges);
            let mut add = |from: usize, to: usize, v: f64| {
                let to = to.min(h);
                if from < to {
                    values.push(v);
                    if rebuild {
                        ranges.push((l, from, to));
                    }
                }
            };
            match &cm.schedule {
                CostSchedule::OneOff { month } => {
                    let m = *month as usize;
                    add(m, m + 1, amount);
                }
                CostSchedule::Monthly {
                    from_month,
                    to_month,
                } => {
                    let end = to_month.map_or(h, |m| m as usize + 1);
                    add(*from_month as usize, end, amount);
                }
                CostSchedule::PerSeatMonthly { groups, to_month } => {
                    let end = to_month.map_or(h, |m| m as usize + 1);
                    for &g in groups {
                        let gm = &self.group_models[g];
                        add(gm.go_live as usize + delay, end, amount * gm.seats);
                    }
                }
                CostSchedule::PerSeatOneOff { groups } => {
                    for &g in groups {
                        let gm = &self.group_models[g];
                        let m = gm.go_live as usize + delay;
                        add(m, m + 1, amount * gm.seats);
                    }
                }
            }
        }
        if rebuild {
            s.cost_steps.build(h);
            s.cost_steps.delay = Some(delay);
        }
        // Same delay, same spans (a scratch serves one model).
        debug_assert_eq!(s.span_values.len(), s.cost_steps.ranges.len());
        s.cost_steps.sums(&s.span_values, &mut s.costs);
        if s.detail {
            s.cost_line.fill(0.0);
            for (&(l, from, to), &v) in s.cost_steps.ranges.iter().zip(&s.span_values) {
                for x in &mut s.cost_line[l * h + from..l * h + to] {
                    *x += v;
                }
            }
        }

        // --- Totals, discounting, summary numbers. Sums over capabilities and cost lines run
        // in their order for each month; sums over months use a fixed four-way split.
        s.benefits.fill(0.0);
        for &c in &ix.row_caps {
            let row = &mut s.capability_benefit[c * h..(c + 1) * h];
            s.capability_pv[c] = scale_add_dot(row, benefit_share, &mut s.benefits, &self.discount);
        }
        // Single-group direct value: benefit_c(t) = k_c · â_g(t − lag) with k_c = V_c / 12 · ρ,
        // so PV_c = k_c · Σ_t â_g(t − lag) d(t), and the bucket adds (Σ k_c) · â_g(t − lag).
        for b in &ix.direct_buckets {
            let lag = b.lag.min(h);
            let src = &rows.row(b.group)[..h - lag];
            // k_c, kept in `capability_pv` until the row's discounted sum is known.
            let mut k_total = 0.0;
            for &(c, w) in &b.caps {
                let k = d(self.capability_models[c].effect) / 12.0 * w * benefit_share;
                s.capability_pv[c] = k;
                k_total += k;
            }
            // One pass: the bucket's benefit into the month totals, and Σ â_g(t − lag) d(t).
            let pv_row =
                add_scaled_and_dot(&mut s.benefits[lag..], src, k_total, &self.discount[lag..]);
            for &(c, _) in &b.caps {
                let k = s.capability_pv[c];
                s.capability_pv[c] = k * pv_row;
                if s.detail {
                    let row = &mut s.capability_benefit[c * h..(c + 1) * h];
                    row[..lag].fill(0.0);
                    for (r, &a) in row[lag..].iter_mut().zip(src) {
                        *r = k * a;
                    }
                }
            }
        }
        let (npv, pv_b, pv_c, finite) = month_pass(
            &s.benefits,
            &s.costs,
            &self.discount,
            &mut s.net,
            &mut s.discounted_net,
            &mut s.cumulative_net,
            &mut s.discounted_cumulative,
        );
        let roi = if pv_c > 0.0 {
            (pv_b - pv_c) / pv_c
        } else {
            f64::NAN
        };
        TrialOutcome {
            npv,
            pv_benefits: pv_b,
            pv_costs: pv_c,
            roi,
            irr_annual: f64::NAN,
            payback_months: payback_months(&s.net, &s.cumulative_net, finite),
            discounted_payback_months: payback_months(
                &s.discounted_net,
                &s.discounted_cumulative,
                finite,
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The straightforward kernels the ones above replace: each rewritten kernel must give
    /// the same bits.
    mod reference {
        pub fn dot(a: &[f64], b: &[f64]) -> f64 {
            let n = a.len().min(b.len());
            let mut acc = [0.0f64; 4];
            let whole = n / 4 * 4;
            for t in 0..whole {
                acc[t % 4] += a[t] * b[t];
            }
            let mut tail = 0.0;
            for t in whole..n {
                tail += a[t] * b[t];
            }
            ((acc[0] + acc[1]) + (acc[2] + acc[3])) + tail
        }

        pub fn add_scaled_and_dot(acc: &mut [f64], a: &[f64], k: f64, d: &[f64]) -> f64 {
            let n = acc.len().min(a.len()).min(d.len());
            let mut sums = [0.0f64; 4];
            for t in 0..n {
                acc[t] += k * a[t];
                sums[t % 4] += a[t] * d[t];
            }
            (sums[0] + sums[1]) + (sums[2] + sums[3])
        }

        pub fn step_sums(out: &mut [f64], ranges: &[(usize, usize, usize)], values: &[f64]) {
            out.fill(0.0);
            for (&(_, from, to), &v) in ranges.iter().zip(values) {
                for c in &mut out[from..to] {
                    *c += v;
                }
            }
        }

        pub fn realised_share(
            row: &mut [f64],
            lag: usize,
            groups: &[(usize, f64)],
            adoption: &[f64],
            scale: f64,
        ) {
            let h = row.len();
            let lag = lag.min(h);
            row.fill(0.0);
            for &(g, w) in groups {
                for t in lag..h {
                    row[t] += w * adoption[g * h + t - lag];
                }
            }
            for r in &mut row[lag..] {
                *r *= scale;
            }
        }

        pub fn split_exact(
            total: f64,
            weights: &[(usize, f64)],
            out: &mut [f64],
            t: usize,
            h: usize,
        ) {
            let n = weights.len();
            let sum: f64 = weights.iter().map(|(_, w)| w).sum();
            let mut assigned = 0.0;
            for (k, &(c, w)) in weights.iter().enumerate() {
                let part = if k + 1 == n {
                    total - assigned
                } else if sum != 0.0 {
                    total * (w / sum)
                } else {
                    total / n as f64
                };
                assigned += part;
                out[c * h + t] += part;
            }
        }
    }

    fn same(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
    }

    fn values(n: std::ops::Range<usize>) -> impl Strategy<Value = Vec<f64>> {
        prop::collection::vec(-1e6f64..1e6, n)
    }

    proptest! {
        #[test]
        fn scale_add_dot_matches_scale_then_add_then_dot(
            row in values(0..70),
            acc in values(70..71),
            d in values(70..71),
            share in prop_oneof![Just(1.0), 0.0f64..1.0],
        ) {
            let n = row.len();
            let (mut r1, mut a1) = (row.clone(), acc[..n].to_vec());
            let pv = scale_add_dot(&mut r1, share, &mut a1, &d[..n]);
            let (mut r2, mut a2) = (row.clone(), acc[..n].to_vec());
            if share != 1.0 {
                for v in r2.iter_mut() {
                    *v *= share;
                }
            }
            for (b, &v) in a2.iter_mut().zip(&r2) {
                *b += v;
            }
            let pv2 = reference::dot(&r2, &d[..n]);
            prop_assert!(same(&r1, &r2) && same(&a1, &a2));
            prop_assert_eq!(pv.to_bits(), pv2.to_bits());
            // The call above takes AVX where the processor has it: the portable form too.
            let (mut r3, mut a3) = (row.clone(), acc[..n].to_vec());
            let pv3 = scale_add_dot_portable(&mut r3, share, &mut a3, &d[..n]);
            prop_assert!(same(&r3, &r2) && same(&a3, &a2));
            prop_assert_eq!(pv3.to_bits(), pv2.to_bits());
        }

        #[test]
        fn add_scaled_and_dot_matches_the_plain_loop(
            a in values(0..70),
            acc in values(70..71),
            d in values(70..71),
            k in -10.0f64..10.0,
        ) {
            let n = a.len();
            let mut a1 = acc[..n].to_vec();
            let mut a2 = a1.clone();
            let s1 = add_scaled_and_dot(&mut a1, &a, k, &d[..n]);
            let s2 = reference::add_scaled_and_dot(&mut a2, &a, k, &d[..n]);
            prop_assert!(same(&a1, &a2));
            prop_assert_eq!(s1.to_bits(), s2.to_bits());
        }

        #[test]
        fn cost_steps_match_adding_month_by_month(
            h in 1usize..70,
            raw in prop::collection::vec((0usize..80, 0usize..80, -1e5f64..1e5), 0..12),
        ) {
            let mut steps = CostSteps {
                ranges: raw.iter().map(|&(a, len, _)| (0, a % h, (a % h + 1 + len).min(h))).collect(),
                ..CostSteps::default()
            };
            let values: Vec<f64> = raw.iter().map(|r| r.2).collect();
            steps.build(h);
            let mut out = vec![f64::NAN; h];
            steps.sums(&values, &mut out);
            let mut expected = vec![f64::NAN; h];
            reference::step_sums(&mut expected, &steps.ranges, &values);
            prop_assert!(same(&out, &expected), "{:?} vs {:?}", out, expected);
        }

        #[test]
        fn realised_share_matches_the_plain_loops(
            h in 1usize..70,
            lag in 0usize..80,
            groups in prop::collection::vec((0usize..3, 0.0f64..1.0), 0..4),
            adoption in values(210..211),
            scale in -100.0f64..100.0,
        ) {
            let adoption = &adoption[..3 * h];
            let unit = [true; 3];
            let rows = QualityRows { adoption, scaled: adoption, unit: &unit, h };
            let mut row = vec![f64::NAN; h];
            realised_share(&mut row, lag, &groups, rows, scale);
            let mut expected = vec![f64::NAN; h];
            reference::realised_share(&mut expected, lag, &groups, adoption, scale);
            if let [(_, w)] = groups.as_slice() {
                // One group: one multiplication by w · scale (as before the rewrite too).
                let lag = lag.min(h);
                let g = groups[0].0;
                for t in lag..h {
                    expected[t] = (w * scale) * adoption[g * h + t - lag];
                }
            }
            prop_assert!(same(&row, &expected), "{:?} vs {:?}", row, expected);
            // The call above takes AVX where the processor has it: the portable form too.
            row.fill(f64::NAN);
            realised_share_portable(&mut row, lag, &groups, rows, scale);
            prop_assert!(same(&row, &expected), "portable: {:?} vs {:?}", row, expected);
        }

        #[test]
        fn split_exact_matches_adding_into_zeroed_rows(
            total in -1e6f64..1e6,
            factors in prop::collection::vec(prop_oneof![Just(1.0), 1.0f64..1.5], 1..5),
            t in 0usize..6,
        ) {
            let (n, h) = (factors.len(), 6);
            let caps: Vec<usize> = (0..n).rev().collect();
            let weights: Vec<f64> = factors.iter().map(|&f| ln_or_zero(f)).collect();
            let mut out = vec![f64::NAN; n * h];
            split_exact(total, &caps, &weights, &mut out, t, h);
            let pairs: Vec<(usize, f64)> =
                caps.iter().zip(&factors).map(|(&c, f)| (c, f.ln())).collect();
            let mut expected = vec![0.0; n * h];
            reference::split_exact(total, &pairs, &mut expected, t, h);
            for &c in &caps {
                prop_assert_eq!(out[c * h + t].to_bits(), expected[c * h + t].to_bits());
            }
        }

        #[test]
        fn month_pass_matches_the_plain_loop(
            benefits in values(0..70),
            costs in values(70..71),
            discount in prop::collection::vec(0.0f64..1.0, 70..71),
        ) {
            let h = benefits.len();
            let (costs, discount) = (&costs[..h], &discount[..h]);
            let mut outs = vec![vec![f64::NAN; h]; 4];
            let [net, dnet, cum, dcum] = &mut outs[..] else { unreachable!() };
            let (npv, pvb, pvc, finite) = month_pass(&benefits, costs, discount, net, dnet, cum, dcum);
            let (mut c, mut dc) = (0.0, 0.0);
            for t in 0..h {
                let n = benefits[t] - costs[t];
                c += n;
                dc += n * discount[t];
                prop_assert_eq!(net[t].to_bits(), n.to_bits());
                prop_assert_eq!(dnet[t].to_bits(), (n * discount[t]).to_bits());
                prop_assert_eq!(cum[t].to_bits(), c.to_bits());
                prop_assert_eq!(dcum[t].to_bits(), dc.to_bits());
            }
            let dn: Vec<f64> = net.iter().zip(discount).map(|(n, d)| n * d).collect();
            let ones = vec![1.0; h];
            // Four lanes, the tail folded into the first ones: `add_scaled_and_dot`'s order.
            let lanes = |a: &[f64], b: &[f64]| reference::add_scaled_and_dot(&mut vec![0.0; h], a, 0.0, b);
            prop_assert_eq!(npv.to_bits(), lanes(&dn, &ones).to_bits());
            prop_assert_eq!(pvb.to_bits(), lanes(&benefits, discount).to_bits());
            prop_assert_eq!(pvc.to_bits(), lanes(costs, discount).to_bits());
            prop_assert!(finite);
        }
    }

    proptest! {
        #[test]
        fn four_lane_kernels_match_their_portable_versions(
            b in values(0..70),
            c in values(70..71),
            d in prop::collection::vec(0.0f64..1.0, 70..71),
            k in -10.0f64..10.0,
        ) {
            let h = b.len();
            let (c, d) = (&c[..h], &d[..h]);
            let mut outs = vec![vec![f64::NAN; h]; 4];
            let [n1, dn1, n2, dn2] = &mut outs[..] else { unreachable!() };
            let l1 = flows4(&b, c, d, n1, dn1);
            let l2 = flows4_portable(&b, c, d, n2, dn2);
            prop_assert!(same(n1, n2) && same(dn1, dn2));
            prop_assert!(l1.iter().flatten().zip(l2.iter().flatten()).all(|(x, y)| x.to_bits() == y.to_bits()));
            let (mut a1, mut a2) = (c.to_vec(), c.to_vec());
            let s1 = scaled4(&mut a1, &b, k, d);
            let s2 = scaled4_portable(&mut a2, &b, k, d);
            prop_assert!(same(&a1, &a2) && same(&s1, &s2));
            // On x86-64 the dispatch above takes AVX where the processor has it: check the
            // SSE2 forms too.
            #[cfg(target_arch = "x86_64")]
            {
                let l3 = flows4_sse2(&b, c, d, n1, dn1);
                prop_assert!(same(n1, n2) && same(dn1, dn2));
                prop_assert!(l3.iter().flatten().zip(l2.iter().flatten()).all(|(x, y)| x.to_bits() == y.to_bits()));
                let mut a3 = c.to_vec();
                let s3 = scaled4_sse2(&mut a3, &b, k, d);
                prop_assert!(same(&a3, &a2) && same(&s3, &s2));
            }
        }
    }

    fn bits_of(a: &[f64]) -> Vec<u64> {
        a.iter().map(|x| x.to_bits()).collect()
    }

    /// Monthly flows with paybacks to find: an outlay, then noisy benefits and costs; or an
    /// outlay in cents won back to the cent by equal monthly benefits (a balance within
    /// rounding of zero, decided exactly).
    fn project_months() -> impl Strategy<Value = (Vec<f64>, Vec<f64>)> {
        let noisy = (1usize..130).prop_flat_map(|h| {
            (
                prop::collection::vec(0.0f64..6e4, h),
                prop::collection::vec(0.0f64..3e4, h),
                1e4f64..2e6,
            )
                .prop_map(|(b, mut c, outlay)| {
                    c[0] += outlay;
                    (b, c)
                })
        });
        let to_the_cent =
            (1u64..2_000_000_000, 1usize..60, 0usize..12).prop_map(|(cents, k, after)| {
                let h = 1 + k + after;
                let mut b = vec![cents as f64 / 100.0; h];
                b[0] = 0.0;
                let mut c = vec![0.0; h];
                c[0] = (cents * k as u64) as f64 / 100.0;
                (b, c)
            });
        prop_oneof![noisy, to_the_cent]
    }

    proptest! {
        /// The month pass and the paybacks read from it are the finance definitions, to the
        /// bit: NPV and PVs are `finance::npv`, the balances `finance::running_balances`, the
        /// paybacks `finance::payback` and `finance::discounted_payback` of the net flows.
        #[test]
        fn month_pass_is_the_finance_definitions(
            (benefits, costs) in project_months(),
            rate in prop_oneof![Just(0.0), -0.02f64..0.05],
        ) {
            let h = benefits.len();
            let discount = finance::discount_factors(rate, h);
            let mut outs = vec![vec![f64::NAN; h]; 4];
            let [net, dnet, cum, dcum] = &mut outs[..] else { unreachable!() };
            let (npv, pvb, pvc, finite) =
                month_pass(&benefits, &costs, &discount, net, dnet, cum, dcum);
            prop_assert!(finite);
            prop_assert_eq!(npv.to_bits(), finance::npv(rate, net).to_bits());
            prop_assert_eq!(pvb.to_bits(), finance::npv(rate, &benefits).to_bits());
            prop_assert_eq!(pvc.to_bits(), finance::npv(rate, &costs).to_bits());
            prop_assert_eq!(bits_of(cum), bits_of(&finance::running_balances(net)));
            prop_assert_eq!(bits_of(dcum), bits_of(&finance::running_balances(dnet)));
            let months = |p: Option<f64>| p.unwrap_or(f64::NAN).to_bits();
            prop_assert_eq!(
                payback_months(net, cum, finite).to_bits(),
                months(finance::payback(net))
            );
            prop_assert_eq!(
                payback_months(dnet, dcum, finite).to_bits(),
                months(finance::discounted_payback(rate, net))
            );
        }
    }

    /// The reported break-even through the model's month loop: −352,611.20, then 88,152.80
    /// a month for four months, pays back in month 4 (the float balance is −2.9e−11) and the
    /// balance the charts and `cashflow` show is 0.
    #[test]
    fn a_break_even_to_the_cent_pays_back_in_its_month() {
        let b = [0.0, 88_152.8, 88_152.8, 88_152.8, 88_152.8, 1.0];
        let c = [352_611.2, 0.0, 0.0, 0.0, 0.0, 0.0];
        let d = [1.0; 6];
        let mut outs = vec![vec![0.0; 6]; 4];
        let [net, dnet, cum, dcum] = &mut outs[..] else {
            unreachable!()
        };
        let (_, _, _, finite) = month_pass(&b, &c, &d, net, dnet, cum, dcum);
        assert_eq!(cum[4].to_bits(), 0.0f64.to_bits());
        assert_eq!(dcum[4].to_bits(), 0.0f64.to_bits());
        assert_eq!(payback_months(net, cum, finite), 4.0);
        assert_eq!(payback_months(dnet, dcum, finite), 4.0);
    }

    /// Whole trials of the built-in scenario (every driver): NPV, PVs, paybacks and IRR are
    /// the finance functions of the trial's monthly flows at the monthly rate, to the bit.
    #[test]
    fn trials_report_the_finance_functions_of_their_flows() {
        let scenario = crate::scenario::parse_str(crate::scenario::BUILT_IN, None)
            .expect("built-in scenario parses");
        let model = Model::compile(&scenario);
        let mut scratch = Scratch::for_trials(&model);
        let mut rnd = crate::test_support::uniforms(0x0DDB_A11C_0FFE_E5ED);
        let rate = model.monthly_rate;
        let months = |p: Option<f64>| p.unwrap_or(f64::NAN).to_bits();
        let mut paid_back = 0;
        for trial in 0..400 {
            let draws: Vec<f64> = model
                .inputs
                .iter()
                .map(|i| i.sampler.quantile(0.005 + 0.99 * rnd()))
                .collect();
            let o = model.evaluate(&draws, &mut scratch);
            let net = &scratch.net;
            assert_eq!(
                o.npv.to_bits(),
                finance::npv(rate, net).to_bits(),
                "{trial}"
            );
            assert_eq!(
                o.pv_benefits.to_bits(),
                finance::npv(rate, &scratch.benefits).to_bits()
            );
            assert_eq!(
                o.pv_costs.to_bits(),
                finance::npv(rate, &scratch.costs).to_bits()
            );
            assert_eq!(o.payback_months.to_bits(), months(finance::payback(net)));
            assert_eq!(
                o.discounted_payback_months.to_bits(),
                months(finance::discounted_payback(rate, net)),
                "{trial}"
            );
            assert_eq!(
                o.irr_annual.to_bits(),
                annual_irr(finance::irr(net)).to_bits()
            );
            paid_back += usize::from(o.discounted_payback_months.is_finite());
        }
        // Enough trials with a crossing to interpolate, and the rest "never".
        assert!(paid_back > 50, "{paid_back} of 400 trials paid back");
    }

    proptest! {
        /// The SSE2 balance chains give the portable ones' bits (balances, smallest and
        /// largest magnitudes), NaN and infinities included.
        #[test]
        fn balance_chains_match_their_portable_version(
            net in prop::collection::vec(prop_oneof![8 => -1e6f64..1e6, 1 => Just(0.0), 1 => Just(f64::NAN), 1 => Just(f64::INFINITY)], 0..70),
            scale in 0.0f64..1.0,
        ) {
            let n = net.len();
            let discounted: Vec<f64> = net.iter().map(|x| x * scale).collect();
            let mut outs = vec![vec![f64::NAN; n]; 4];
            let [c1, d1, c2, d2] = &mut outs[..] else { unreachable!() };
            let (near1, far1) = balance_chains(&net, &discounted, c1, d1);
            let (near2, far2) = balance_chains_portable(&net, &discounted, c2, d2);
            prop_assert!(same(c1, c2) && same(d1, d2));
            prop_assert!(same(&near1, &near2) && same(&far1, &far2));
        }
    }

    #[test]
    fn ln_or_zero_is_ln() {
        for f in [1.0, 1.0 + f64::EPSILON, 0.5, 1.25, 1e-300] {
            assert_eq!(ln_or_zero(f).to_bits(), f.ln().to_bits());
            assert_eq!((-ln_or_zero(f)).to_bits(), (-f.ln()).to_bits());
        }
    }

    #[test]
    fn month_pass_flags_infinite_flows() {
        let b = [1.0, f64::INFINITY, 0.0, 0.0, 2.0];
        let c = [0.5; 5];
        let d = [1.0; 5];
        let mut outs = vec![vec![0.0; 5]; 4];
        let [net, dnet, cum, dcum] = &mut outs[..] else {
            unreachable!()
        };
        assert!(!month_pass(&b, &c, &d, net, dnet, cum, dcum).3);
    }
}
