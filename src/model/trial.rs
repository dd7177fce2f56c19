//! One trial: draws in, monthly cash flows and their summary numbers out.
//!
//! All month-by-month arrays live in a [`Scratch`] reused across trials (no allocation per
//! trial); after [`Model::evaluate`] the scratch holds the trial's full detail, which the base
//! case and `valuecase cashflow` read and the engine summarises into sketches.

use crate::finance;
use crate::scenario::{CostSchedule, Driver};

use super::adoption::{self, Curve, ExpMemo};
use super::compile::{CurveIds, Model, NewBusinessIds};
use npv_only::Retention;

/// The range of a logistic or Gompertz midpoint (months after go-live), also after levers.
const MIDPOINT_MIN: f64 = -24.0;
const MIDPOINT_MAX: f64 = 120.0;

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
    /// Months until the cumulative net falls below zero for good after paying back (NaN when
    /// it does not: it never pays back, or stays paid back to the end). See
    /// [`falls_back_months`].
    pub falls_back_months: f64,
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
    /// Only the trial's NPV, PV of benefits and PV of costs are wanted (see
    /// [`Scratch::npv_only`]).
    npv_only: bool,
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
    /// Which levers this scratch's trials apply (all, unless made by
    /// [`Scratch::with_levers`]): their effects, their cost lines and their multipliers on
    /// risk probabilities.
    levers_on: Vec<bool>,
    /// The present value of the applied levers' cost lines in the last trial (0 without
    /// levers): the trial's spending on the change programme.
    pub lever_costs_pv: f64,
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
            npv_only: false,
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
            levers_on: vec![true; model.lever_models.len()],
            lever_costs_pv: 0.0,
        }
    }

    /// Working memory for the engine's trials ([`Scratch::for_trials`]) that applies only the
    /// levers `on` says (one flag per lever, in scenario order; missing flags count as off):
    /// every other input is read from the same draws, so the difference to a trial with all
    /// levers is what the others are worth in that trial. With no lever on, this is the trial
    /// without a change programme.
    pub fn with_levers(model: &Model, on: &[bool]) -> Scratch {
        let mut s = Scratch::for_trials(model);
        s.set_levers(on);
        s
    }

    /// Apply only the levers `on` says from the next trial on (see [`Scratch::with_levers`]).
    pub fn set_levers(&mut self, on: &[bool]) {
        for (l, flag) in self.levers_on.iter_mut().enumerate() {
            *flag = on.get(l).copied().unwrap_or(false);
        }
        // Other levers, other cost lines: the month structure of the costs is built again.
        self.cost_steps.delay = None;
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

    /// This working memory for trials whose NPV is all that is read: the counterfactual
    /// without levers, the levers' subsets, the sub-runs of `valuecase diff`. A compounding
    /// driver's gain then goes whole to the first row of its capabilities (none of the
    /// logarithms and divisions that share it out) when every one of them takes the same
    /// risk haircut; the month totals (`benefits`, `costs`, `net`, …) are not written, and IRR
    /// and paybacks are NaN. NPV, PV of benefits and PV of costs are the same sums in another
    /// order: equal to a full evaluation's within rounding (about 1e-15 of the PVs), and to the
    /// bit between NPV-only evaluations of the same trial, so two such runs still pair exactly.
    pub fn npv_only(self) -> Scratch {
        Scratch {
            npv_only: true,
            ..self
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
    /// The same rows without the data quality: adoption alone, for the drivers that data
    /// quality does not reach (direct value, like hours saved).
    #[inline]
    fn adoption_only(self) -> QualityRows<'a> {
        QualityRows {
            scaled: self.adoption,
            ..self
        }
    }

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

mod cost_steps;
mod kernels;
mod npv_only;
mod paybacks;

use cost_steps::CostSteps;

use kernels::*;
use paybacks::{falls_back_months, payback_months};

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
        for (l, on) in self.lever_models.iter().zip(&s.levers_on) {
            if !on {
                continue;
            }
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

    /// The share of capability `c`'s benefit a trial keeps when the risks leave `benefit_share`
    /// of the benefits: all of a dis-benefit (a negative effect in this trial), which a
    /// programme that fails to deliver its gains still bears.
    #[inline]
    fn haircut(&self, draws: &[f64], c: usize, benefit_share: f64) -> f64 {
        if draws[self.capability_models[c].effect] < 0.0 {
            1.0
        } else {
            benefit_share
        }
    }

    /// Evaluate one trial. `draws[i]` is the value of `self.inputs[i]`.
    pub fn evaluate(&self, draws: &[f64], s: &mut Scratch) -> TrialOutcome {
        let outcome = self.evaluate_all_but_irr(draws, s);
        if s.npv_only {
            // No net flows were written to find an IRR in.
            return outcome;
        }
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
            let happens = match &r.event {
                None => d(r.occurs) >= 0.5,
                Some(e) => e.happens(d(r.occurs), draws, &s.levers_on),
            };
            if happens {
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
            // Lever-shifted parameters are held to the ranges a scenario may give them
            // (midpoint [−24, 120] months, Bass p (0, 1] and q [0, 2]), as the ceiling and
            // data quality are to [0, 1].
            let curve = match &gm.curve {
                CurveIds::Logistic { growth, midpoint } => Curve::Logistic {
                    growth: d(*growth) * speed,
                    midpoint: (d(*midpoint) + shift).clamp(MIDPOINT_MIN, MIDPOINT_MAX),
                },
                CurveIds::Bass { p, q } => Curve::Bass {
                    p: (d(*p) * s.bass_p[g]).clamp(1e-12, 1.0),
                    q: (d(*q) * s.bass_q[g]).min(2.0),
                },
                CurveIds::Gompertz { rate, midpoint } => Curve::Gompertz {
                    rate: d(*rate) * speed,
                    midpoint: (d(*midpoint) + shift).clamp(MIDPOINT_MIN, MIDPOINT_MAX),
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
        // Uplifts at the top of the funnel (more leads, better conversion) bring revenue when
        // the extra deals close, one baseline sales cycle S later: x̃_c(t) = (1 − f) x_c(t − n)
        // + f x_c(t − n − 1), n = ⌊S⌋, f = S − n (a delay of S months, a fractional one
        // shared between the two whole months around it).
        let cycle_months = self.baseline.sales_cycle.map_or(0.0, d).max(0.0);
        let (cycle_whole, cycle_frac) = (cycle_months.floor(), cycle_months - cycle_months.floor());
        for (c, cm) in self.capability_models.iter().enumerate() {
            if matches!(cm.driver, Driver::HoursSaved | Driver::DirectValue) {
                continue;
            }
            let row = &mut s.uplift[c * h..(c + 1) * h];
            if cm.through_pipeline {
                let lag = cm.lag.saturating_add(cycle_whole as usize);
                realised_share(row, lag, &cm.groups, rows, d(cm.effect));
                if cycle_frac > 0.0 {
                    blend_with_previous_month(row, cycle_frac);
                }
            } else {
                realised_share(row, cm.lag, &cm.groups, rows, d(cm.effect));
            }
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
        // G(t) = g^t with g = (1 + γ)^(1/12), by repeated multiplication.
        let growth_step = if self.uses_growth {
            (1.0 + d(b.growth)).powf(1.0 / 12.0)
        } else {
            1.0
        };
        if self.uses_growth {
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
        let haircut = |c: usize| self.haircut(draws, c, benefit_share);
        // NPV only: a list of capabilities whose rows all take the same haircut may put its
        // whole gain in its first row (see `Scratch::npv_only`).
        let one_row =
            |list: &[usize]| s.npv_only && list.iter().all(|&c| haircut(c) == haircut(list[0]));
        let lump = |list: &[usize]| list.len() > 1 && one_row(list);

        // Funnel drivers compound: revenue × Π(1 + realised uplift). The gain is split by
        // each factor's share of the log of the product, which sums exactly to the gain (a
        // lone capability takes all of it: no logarithm). Every month of each row is written.
        if !ix.funnel.is_empty() {
            let list = &ix.funnel;
            let weights = &mut s.weights[..list.len()];
            let lumped = lump(list);
            let split = list.len() > 1 && !lumped;
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
                if lumped {
                    all_to_first(gain, list, out, t, h);
                } else {
                    split_exact(gain, list, weights, out, t, h);
                }
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
            let lumped = lump(list);
            let split = list.len() > 1 && !lumped;
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
                if lumped {
                    all_to_first(base * (1.0 - kept), list, out, t, h);
                } else {
                    split_exact(base * (1.0 - kept), list, weights, out, t, h);
                }
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

        // Retention: the churn reduction X (points a year, capped at the churn itself) raises
        // the monthly survival of the installed base from s = (1 − ch)^(1/12) to
        // (1 − ch + X)^(1/12); the revenue kept each month is a stock that then survives at s
        // and grows with the baseline, like the rest of the installed base.
        let survival = || (1.0 - churn).powf(1.0 / 12.0);
        if !ix.retention.is_empty() && one_row(&ix.retention) {
            let retention = Retention {
                churn,
                survival: survival(),
                growth_step,
                installed_base,
                margin,
            };
            retention.benefit_in_first_row(&ix.retention, x, &s.growth, out, h);
        } else if !ix.retention.is_empty() {
            for &c in &ix.retention {
                s.retention_stock[c] = 0.0;
            }
            let survival = survival();
            let keep = survival * growth_step;
            for t in 0..h {
                let mut total = 0.0;
                for &c in &ix.retention {
                    total += x[c * h + t];
                }
                let gain = monthly_survival_gain(churn, survival, total.min(churn));
                let kept_revenue = installed_base * s.growth[t] * gain;
                for &c in &ix.retention {
                    let share = if total > 0.0 {
                        x[c * h + t] / total
                    } else {
                        0.0
                    };
                    let stock = s.retention_stock[c] * keep + kept_revenue * share;
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

        // Hours saved: time saved by active users, whatever the data quality (a rep saves the
        // same typing time with good data or bad), valued at the role's hourly cost.
        for &c in &ix.hours_saved {
            let cm = &self.capability_models[c];
            let hours = d(cm.effect) * d(cm.value_share);
            let row = &mut out[c * h..(c + 1) * h];
            let lag = cm.lag.min(h);
            // Month by month, Σ_g k_g · a_g(t − lag), k_g = seats_g · hours · W_g / 12 · cost_g,
            // added in group order from 0.0; here group by group over the whole row.
            row.fill(0.0);
            for &(g, _) in &cm.groups {
                let gm = &self.group_models[g];
                let cost = gm.hourly_cost.map_or(0.0, d);
                let k = gm.seats * hours * (gm.working_weeks / 12.0) * cost;
                for (o, &a) in row[lag..].iter_mut().zip(&s.adoption[g * h..(g + 1) * h]) {
                    *o += k * a;
                }
            }
        }

        // Direct value on a schedule: V_c / 12 · σ_c(t), σ_c the schedule's share, which a
        // go-live delay moves with the go-lives.
        for &c in &ix.direct_scheduled {
            let cm = &self.capability_models[c];
            let monthly = d(cm.effect) / 12.0;
            if let Some(schedule) = cm.schedule {
                let row = &mut out[c * h..(c + 1) * h];
                for (t, o) in row.iter_mut().enumerate() {
                    *o = monthly * schedule.share(t, delay);
                }
            }
        }

        // Direct value: V_c / 12 · (seat-weighted adoption, without data quality), straight into
        // the benefit row.
        for &c in &ix.direct_value {
            let cm = &self.capability_models[c];
            let row = &mut out[c * h..(c + 1) * h];
            let adoption = rows.adoption_only();
            realised_share(row, cm.lag, &cm.groups, adoption, d(cm.effect) / 12.0);
        }

        // --- Costs by month: each line's amount over its months, then the months' totals in
        // line order (see `step_sums`); each line's row too, in detail.
        let rebuild = s.cost_steps.delay != Some(delay);
        if rebuild {
            s.cost_steps.ranges.clear();
        }
        s.span_values.clear();
        for (l, cm) in self.cost_models.iter().enumerate() {
            if cm.lever.is_some_and(|k| !s.levers_on[k]) {
                continue;
            }
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
                // Per-seat costs from each group's start: its go-live (moved by the delay) or
                // the contract's month (not moved), see `SeatStart`.
                CostSchedule::PerSeatMonthly {
                    groups,
                    to_month,
                    starts,
                } => {
                    let end = to_month.map_or(h, |m| m as usize + 1);
                    for &g in groups {
                        let gm = &self.group_models[g];
                        let from = starts.month(gm.go_live, delay as u32) as usize;
                        add(from, end, amount * gm.seats);
                    }
                }
                CostSchedule::PerSeatOneOff { groups, starts } => {
                    for &g in groups {
                        let gm = &self.group_models[g];
                        let m = starts.month(gm.go_live, delay as u32) as usize;
                        add(m, m + 1, amount * gm.seats);
                    }
                }
            }
        }
        if rebuild {
            s.cost_steps.build(h);
            s.cost_steps.delay = Some(delay);
        }
        // Same delay, same spans (a scratch serves one model and one set of levers).
        debug_assert_eq!(s.span_values.len(), s.cost_steps.ranges.len());
        if !self.lever_models.is_empty() {
            let cum = &self.discount_cumulative;
            s.lever_costs_pv = 0.0;
            for (&(l, from, to), &v) in s.cost_steps.ranges.iter().zip(&s.span_values) {
                if self.cost_models[l].lever.is_some() {
                    s.lever_costs_pv += v * (cum[to] - cum[from]);
                }
            }
        }
        if s.npv_only {
            return self.npv_only_outcome(draws, s, benefit_share);
        }
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
        // The risks' benefit share ρ cuts every benefit line except dis-benefits: a capability
        // whose effect is negative in this trial keeps its full (negative) value, because a
        // programme that fails to deliver its gains still bears what it costs the business
        // (`haircut`, above).
        s.benefits.fill(0.0);
        for &c in &ix.row_caps {
            let row = &mut s.capability_benefit[c * h..(c + 1) * h];
            s.capability_pv[c] = scale_add_dot(row, haircut(c), &mut s.benefits, &self.discount);
        }
        // Single-group direct value: benefit_c(t) = k_c · a_g(t − lag) with k_c = V_c / 12 · ρ,
        // so PV_c = k_c · Σ_t a_g(t − lag) d(t), and the bucket adds (Σ k_c) · a_g(t − lag).
        for b in &ix.direct_buckets {
            let lag = b.lag.min(h);
            let src = &rows.adoption_only().row(b.group)[..h - lag];
            // k_c, kept in `capability_pv` until the row's discounted sum is known.
            let mut k_total = 0.0;
            for &(c, w) in &b.caps {
                let k = d(self.capability_models[c].effect) / 12.0 * w * haircut(c);
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
        let payback = payback_months(&s.net, &s.cumulative_net, finite);
        TrialOutcome {
            npv,
            pv_benefits: pv_b,
            pv_costs: pv_c,
            roi,
            irr_annual: f64::NAN,
            payback_months: payback,
            discounted_payback_months: payback_months(
                &s.discounted_net,
                &s.discounted_cumulative,
                finite,
            ),
            falls_back_months: falls_back_months(&s.net, &s.cumulative_net, payback),
        }
    }
}

#[cfg(test)]
mod tests;
