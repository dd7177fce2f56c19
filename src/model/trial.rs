//! One trial: draws in, monthly cash flows and their summary numbers out.
//!
//! All month-by-month arrays live in a [`Scratch`] reused across trials (no allocation per
//! trial); after [`Model::evaluate`] the scratch holds the trial's full detail, which the base
//! case and `valuecase cashflow` read and the engine summarises into sketches.

use crate::finance;
use crate::scenario::{CostSchedule, Driver};

use super::adoption::{self, Curve};
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

/// Reusable per-thread working memory for trials of one model.
#[derive(Debug, Clone)]
pub struct Scratch {
    horizon: usize,
    /// Fill every per-capability and per-cost-line row (base case, `cashflow`), or only what
    /// the trial's summary numbers need (the engine): see [`Scratch::for_trials`].
    detail: bool,
    /// Adoption share by group, `[group * horizon + t]`.
    pub adoption: Vec<f64>,
    /// Adoption × data quality by group, same layout.
    quality_adoption: Vec<f64>,
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
    /// Attribution weights of the capabilities sharing a compounding driver.
    weights: Vec<(usize, f64)>,
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
            weights: Vec::with_capacity(c),
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

/// [`finance::payback`] (first crossing, convention `payback_first`) of `flows`, given their
/// running balance (`balance[t] = balance[t − 1] + flows[t]` from 0, summed in order, as
/// `finance::payback` sums them) and whether every flow is finite: the same value, bit for bit,
/// from two short scans instead of a pass with four branches per month. NaN for "never".
#[inline]
fn first_crossing(flows: &[f64], balance: &[f64], finite: bool) -> f64 {
    if !finite {
        return f64::NAN;
    }
    // The balance first goes negative at `neg`; the first non-negative balance after it is the
    // first crossing (every balance in between is negative, so B_{t−1} < 0 ≤ B_t there).
    let Some(neg) = balance.iter().position(|&b| b < 0.0) else {
        return 0.0;
    };
    match balance[neg + 1..].iter().position(|&b| b >= 0.0) {
        None => f64::NAN,
        Some(k) => {
            let t = neg + 1 + k;
            let prev = balance[t - 1];
            (t as f64 - 1.0) + ((-prev) / flows[t]).clamp(0.0, 1.0)
        }
    }
}

/// `row[t] = scale · Σ_g w_g · adoption_g(t − lag)` (zero for t < lag): the realised share
/// A_c(t) of a capability used by `groups` (group index, seat weight), times `scale`. One pass
/// for the usual single-group capability.
#[inline]
fn realised_share(
    row: &mut [f64],
    lag: usize,
    groups: &[(usize, f64)],
    adoption: &[f64],
    scale: f64,
) {
    let h = row.len();
    let lag = lag.min(h);
    let (before, after) = row.split_at_mut(lag);
    before.fill(0.0);
    match groups {
        [(g, w)] => {
            let k = w * scale;
            for (r, &a) in after.iter_mut().zip(&adoption[g * h..(g + 1) * h]) {
                *r = k * a;
            }
        }
        _ => {
            after.fill(0.0);
            for &(g, w) in groups {
                for (r, &a) in after.iter_mut().zip(&adoption[g * h..(g + 1) * h]) {
                    *r += w * a;
                }
            }
            for r in after.iter_mut() {
                *r *= scale;
            }
        }
    }
}

/// Σ a[t] · b[t] as four interleaved partial sums (t mod 4), added up in a fixed order: the
/// same bits on every machine and thread count, and four times shorter dependency chains than
/// a running sum.
#[inline]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0.0f64; 4];
    let (mut ca, mut cb) = (a.chunks_exact(4), b.chunks_exact(4));
    for (x, y) in (&mut ca).zip(&mut cb) {
        for k in 0..4 {
            acc[k] += x[k] * y[k];
        }
    }
    let mut tail = 0.0;
    for (x, y) in ca.remainder().iter().zip(cb.remainder()) {
        tail += x * y;
    }
    ((acc[0] + acc[1]) + (acc[2] + acc[3])) + tail
}

/// `a[t..t + 4]` as an array (one bounds check for the four).
#[inline(always)]
fn four(a: &[f64], t: usize) -> [f64; 4] {
    let mut x = [0.0; 4];
    x.copy_from_slice(&a[t..t + 4]);
    x
}

/// `acc[t] += k · a[t]`, returning Σ a[t] · d[t] (split like [`dot`]): a bucket's benefit
/// added into the month totals and its discounted sum, in one pass.
#[inline]
fn add_scaled_and_dot(acc: &mut [f64], a: &[f64], k: f64, d: &[f64]) -> f64 {
    let n = acc.len().min(a.len()).min(d.len());
    let (acc, a, d) = (&mut acc[..n], &a[..n], &d[..n]);
    let mut sums = [0.0f64; 4];
    let whole = n / 4 * 4;
    for t in (0..whole).step_by(4) {
        let (x, dx) = (four(a, t), four(d, t));
        let out = &mut acc[t..t + 4];
        for l in 0..4 {
            out[l] += k * x[l];
            sums[l] += x[l] * dx[l];
        }
    }
    for t in whole..n {
        acc[t] += k * a[t];
        sums[t - whole] += a[t] * d[t];
    }
    (sums[0] + sums[1]) + (sums[2] + sums[3])
}

/// Split `total` among parts in proportion to `weights` so that the parts add up to `total`
/// (the last part takes the rounding remainder). Equal split when the weights sum to zero.
fn split_exact(total: f64, weights: &[(usize, f64)], out: &mut [f64], t: usize, h: usize) {
    let n = weights.len();
    if n == 0 {
        return;
    }
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
            adoption::fill(row, gm.go_live as usize + delay, ceiling, curve);
            let quality = (d(gm.data_quality) + s.quality_add[g]).clamp(0.0, 1.0);
            let qrow = &mut s.quality_adoption[g * h..(g + 1) * h];
            if quality == 1.0 {
                qrow.copy_from_slice(row);
            } else {
                for (q, a) in qrow.iter_mut().zip(row.iter()) {
                    *q = a * quality;
                }
            }
        }

        // --- Realised uplift of each capability, x_c(t) = U_c · A_c(t), once per capability
        // as a whole row (A_c: seat-weighted, lagged quality-weighted adoption). Hours-saved
        // and direct-value capabilities are computed straight from adoption below.
        for (c, cm) in self.capability_models.iter().enumerate() {
            if matches!(cm.driver, Driver::HoursSaved | Driver::DirectValue) {
                continue;
            }
            let row = &mut s.uplift[c * h..(c + 1) * h];
            realised_share(row, cm.lag, &cm.groups, &s.quality_adoption, d(cm.effect));
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
        for &c in ix
            .funnel
            .iter()
            .chain(&ix.cost_to_serve)
            .chain(&ix.marketing)
        {
            s.capability_benefit[c * h..(c + 1) * h].fill(0.0);
        }
        let x = &s.uplift;
        let out = &mut s.capability_benefit;

        // Funnel drivers compound: revenue × Π(1 + realised uplift). The gain is split by
        // each factor's share of the log of the product, which sums exactly to the gain.
        if !ix.funnel.is_empty() {
            let weights = &mut s.weights;
            for t in 0..h {
                let mut product = 1.0;
                weights.clear();
                for &c in &ix.funnel {
                    let f = 1.0 + x[c * h + t];
                    product *= f;
                    weights.push((c, f.ln()));
                }
                let nb_month = new_business * s.growth[t] / 12.0;
                let gain = nb_month * margin * (product - 1.0);
                split_exact(gain, weights, out, t, h);
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
            let weights = &mut s.weights;
            for t in 0..h {
                let mut kept = 1.0;
                weights.clear();
                for &c in list {
                    let r = x[c * h + t].min(0.999_999);
                    kept *= 1.0 - r;
                    weights.push((c, -(1.0 - r).ln()));
                }
                let base = base * s.growth[t] / 12.0;
                split_exact(base * (1.0 - kept), weights, out, t, h);
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
            row[..lag].fill(0.0);
            for (t, o) in row.iter_mut().enumerate().skip(lag) {
                let mut v = 0.0;
                for &(g, _) in &cm.groups {
                    let gm = &self.group_models[g];
                    let active = gm.seats * s.quality_adoption[g * h + t - lag];
                    v += active * hours * gm.hourly_cost.map_or(0.0, d);
                }
                *o = v;
            }
        }

        // Direct value: V_c / 12 · A_c(t), straight into the benefit row.
        for &c in &ix.direct_value {
            let cm = &self.capability_models[c];
            let row = &mut out[c * h..(c + 1) * h];
            realised_share(
                row,
                cm.lag,
                &cm.groups,
                &s.quality_adoption,
                d(cm.effect) / 12.0,
            );
        }

        // --- Costs by month, line by line (each line's row too, in detail).
        s.costs.fill(0.0);
        if s.detail {
            s.cost_line.fill(0.0);
        }
        for (l, cm) in self.cost_models.iter().enumerate() {
            let amount = d(cm.amount) * (1.0 + cm.overrun.map_or(0.0, d)) * cost_multiplier;
            let detail = s.detail;
            let costs = &mut s.costs;
            let row = &mut s.cost_line[l * h..(l + 1) * h];
            let mut add = |from: usize, to: usize, v: f64| {
                let to = to.min(h);
                if from < to {
                    for c in &mut costs[from..to] {
                        *c += v;
                    }
                    if detail {
                        for x in &mut row[from..to] {
                            *x += v;
                        }
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

        // --- Totals, discounting, summary numbers. Sums over capabilities and cost lines run
        // in their order for each month; sums over months use `dot` (a fixed four-way split).
        s.benefits.fill(0.0);
        for &c in &ix.row_caps {
            let row = &mut s.capability_benefit[c * h..(c + 1) * h];
            if benefit_share != 1.0 {
                for v in row.iter_mut() {
                    *v *= benefit_share;
                }
            }
            for (b, &v) in s.benefits.iter_mut().zip(row.iter()) {
                *b += v;
            }
            s.capability_pv[c] = dot(row, &self.discount);
        }
        // Single-group direct value: benefit_c(t) = k_c · â_g(t − lag) with k_c = V_c / 12 · ρ,
        // so PV_c = k_c · Σ_t â_g(t − lag) d(t), and the bucket adds (Σ k_c) · â_g(t − lag).
        for b in &ix.direct_buckets {
            let lag = b.lag.min(h);
            let src = &s.quality_adoption[b.group * h..b.group * h + (h - lag)];
            let mut k_total = 0.0;
            for &(c, w) in &b.caps {
                k_total += d(self.capability_models[c].effect) / 12.0 * w * benefit_share;
            }
            // One pass: the bucket's benefit into the month totals, and Σ â_g(t − lag) d(t).
            let pv_row =
                add_scaled_and_dot(&mut s.benefits[lag..], src, k_total, &self.discount[lag..]);
            for &(c, w) in &b.caps {
                let k = d(self.capability_models[c].effect) / 12.0 * w * benefit_share;
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
        // One pass over the months: net and discounted flows, their running balances, and
        // the three present values (each as four interleaved partial sums, t mod 4, added up
        // in a fixed order, as `dot` does). `nan_check` stays 0 unless a flow is infinite or
        // NaN (x · 0 is NaN exactly then).
        let mut nan_check = [0.0f64; 4];
        let (mut cum, mut dcum) = (0.0, 0.0);
        let (mut npv4, mut pvb4, mut pvc4) = ([0.0f64; 4], [0.0f64; 4], [0.0f64; 4]);
        let whole = h / 4 * 4;
        for t in (0..whole).step_by(4) {
            let (b, c, disc) = (
                four(&s.benefits, t),
                four(&s.costs, t),
                four(&self.discount, t),
            );
            let (mut n, mut dn) = ([0.0f64; 4], [0.0f64; 4]);
            for l in 0..4 {
                n[l] = b[l] - c[l];
                dn[l] = n[l] * disc[l];
                nan_check[l] += n[l] * 0.0;
                npv4[l] += dn[l];
                pvb4[l] += b[l] * disc[l];
                pvc4[l] += c[l] * disc[l];
            }
            let (mut cn, mut cd) = ([0.0f64; 4], [0.0f64; 4]);
            for l in 0..4 {
                cum += n[l];
                cn[l] = cum;
                dcum += dn[l];
                cd[l] = dcum;
            }
            s.net[t..t + 4].copy_from_slice(&n);
            s.discounted_net[t..t + 4].copy_from_slice(&dn);
            s.cumulative_net[t..t + 4].copy_from_slice(&cn);
            s.discounted_cumulative[t..t + 4].copy_from_slice(&cd);
        }
        for t in whole..h {
            let (b, c, disc) = (s.benefits[t], s.costs[t], self.discount[t]);
            let l = t - whole;
            let n = b - c;
            let dn = n * disc;
            nan_check[l] += n * 0.0;
            npv4[l] += dn;
            pvb4[l] += b * disc;
            pvc4[l] += c * disc;
            cum += n;
            dcum += dn;
            s.net[t] = n;
            s.discounted_net[t] = dn;
            s.cumulative_net[t] = cum;
            s.discounted_cumulative[t] = dcum;
        }
        let total = |a: [f64; 4]| (a[0] + a[1]) + (a[2] + a[3]);
        let finite = total(nan_check) == 0.0;
        let npv = total(npv4);
        let pv_b = total(pvb4);
        let pv_c = total(pvc4);
        let roi = if pv_c > 0.0 {
            (pv_b - pv_c) / pv_c
        } else {
            f64::NAN
        };
        let irr_annual = finance::irr(&s.net)
            .map(|m| (1.0 + m).powi(12) - 1.0)
            .filter(|r| r.is_finite())
            .unwrap_or(f64::NAN);
        TrialOutcome {
            npv,
            pv_benefits: pv_b,
            pv_costs: pv_c,
            roi,
            irr_annual,
            payback_months: first_crossing(&s.net, &s.cumulative_net, finite),
            discounted_payback_months: first_crossing(
                &s.discounted_net,
                &s.discounted_cumulative,
                finite,
            ),
        }
    }
}
