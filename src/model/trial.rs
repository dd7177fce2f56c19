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
    /// Adoption share by group, `[group * horizon + t]`.
    pub adoption: Vec<f64>,
    /// Adoption × data quality by group, same layout.
    quality_adoption: Vec<f64>,
    /// Realised share of each capability's full effect, `[cap * horizon + t]`.
    cap_factor: Vec<f64>,
    /// Benefit of each capability by month (after risk), `[cap * horizon + t]`.
    pub capability_benefit: Vec<f64>,
    /// Cost of each cost line by month (after overruns and risk), `[line * horizon + t]`.
    pub cost_line: Vec<f64>,
    pub benefits: Vec<f64>,
    pub costs: Vec<f64>,
    pub net: Vec<f64>,
    pub cumulative_net: Vec<f64>,
    pub discounted_net: Vec<f64>,
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
            adoption: vec![0.0; g * h],
            quality_adoption: vec![0.0; g * h],
            cap_factor: vec![0.0; c * h],
            capability_benefit: vec![0.0; c * h],
            cost_line: vec![0.0; l * h],
            benefits: vec![0.0; h],
            costs: vec![0.0; h],
            net: vec![0.0; h],
            cumulative_net: vec![0.0; h],
            discounted_net: vec![0.0; h],
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

        // --- Levers: totals per group.
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
            for (q, a) in qrow.iter_mut().zip(row.iter()) {
                *q = a * quality;
            }
        }

        // --- Realised share of each capability's effect: seat-weighted, lagged.
        for (c, cm) in self.capability_models.iter().enumerate() {
            let row = &mut s.cap_factor[c * h..(c + 1) * h];
            row.fill(0.0);
            for &(g, w) in &cm.groups {
                let src = &s.quality_adoption[g * h..(g + 1) * h];
                for t in cm.lag..h {
                    row[t] += w * src[t - cm.lag];
                }
            }
        }

        // --- Baseline amounts.
        let b = &self.baseline;
        let margin = d(b.margin);
        let growth_step = (1.0 + d(b.growth)).powf(1.0 / 12.0);
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

        // --- Benefits by capability and month.
        s.capability_benefit.fill(0.0);
        s.retention_stock.fill(0.0);
        s.cycle_share_prev.fill(0.0);
        let mut weights = std::mem::take(&mut s.weights);
        let mut growth = 1.0;
        for t in 0..h {
            let nb_month = new_business * growth / 12.0;
            let ib_annual = installed_base * growth;

            // Funnel drivers compound: revenue × Π(1 + realised uplift). The gain is split by
            // each factor's share of the log of the product, which sums exactly to the gain.
            let mut product = 1.0;
            weights.clear();
            for (c, cm) in self.capability_models.iter().enumerate() {
                if cm.driver.is_funnel() {
                    let f = 1.0 + d(cm.effect) * s.cap_factor[c * h + t];
                    product *= f;
                    weights.push((c, f.ln()));
                }
            }
            if !weights.is_empty() {
                let gain = nb_month * margin * (product - 1.0);
                split_exact(gain, &weights, &mut s.capability_benefit, t, h);
            }

            // Cost reductions compound too: saving = base × (1 − Π(1 − realised reduction)).
            for (driver, base) in [
                (Driver::CostToServe, cost_to_serve * growth / 12.0),
                (Driver::MarketingEfficiency, marketing * growth / 12.0),
            ] {
                let mut kept = 1.0;
                weights.clear();
                for (c, cm) in self.capability_models.iter().enumerate() {
                    if cm.driver == driver {
                        let r = (d(cm.effect) * s.cap_factor[c * h + t]).min(0.999_999);
                        kept *= 1.0 - r;
                        weights.push((c, -(1.0 - r).ln()));
                    }
                }
                if !weights.is_empty() {
                    split_exact(
                        base * (1.0 - kept),
                        &weights,
                        &mut s.capability_benefit,
                        t,
                        h,
                    );
                }
            }

            // Sales-cycle compression pulls revenue forward once: each month the cycle gets
            // shorter by δ months, δ months of revenue arrive early.
            let mut kept = 1.0;
            let mut raw_total = 0.0;
            for (c, cm) in self.capability_models.iter().enumerate() {
                if cm.driver == Driver::SalesCycle {
                    let r = (d(cm.effect) * s.cap_factor[c * h + t]).min(0.999_999);
                    kept *= 1.0 - r;
                    raw_total += r;
                }
            }
            let combined = 1.0 - kept;
            // Retention: churn reduction (points a year) is capped at the churn itself.
            let mut retention_total = 0.0;
            for (c, cm) in self.capability_models.iter().enumerate() {
                if cm.driver == Driver::Retention {
                    retention_total += d(cm.effect) * s.cap_factor[c * h + t];
                }
            }
            let retention_scale = if retention_total > churn && retention_total > 0.0 {
                churn / retention_total
            } else {
                1.0
            };

            for (c, cm) in self.capability_models.iter().enumerate() {
                let x = d(cm.effect) * s.cap_factor[c * h + t];
                let value = match cm.driver {
                    Driver::SalesCycle => {
                        let r = x.min(0.999_999);
                        let share = if raw_total > 0.0 {
                            r / raw_total * combined
                        } else {
                            0.0
                        };
                        let v = nb_month * margin * cycle_months * (share - s.cycle_share_prev[c]);
                        s.cycle_share_prev[c] = share;
                        v
                    }
                    Driver::Retention => {
                        let saved = ib_annual * x * retention_scale / 12.0;
                        s.retention_stock[c] = s.retention_stock[c] * (1.0 - churn / 12.0) + saved;
                        s.retention_stock[c] / 12.0 * margin
                    }
                    Driver::CrossSell => ib_annual / 12.0 * margin * x,
                    Driver::HoursSaved => {
                        let hours = d(cm.effect) * WEEKS_PER_MONTH * d(cm.value_share);
                        let mut v = 0.0;
                        for &(g, _) in &cm.groups {
                            let gm = &self.group_models[g];
                            if t >= cm.lag {
                                let active = gm.seats * s.quality_adoption[g * h + t - cm.lag];
                                v += active * hours * gm.hourly_cost.map_or(0.0, d);
                            }
                        }
                        v
                    }
                    Driver::DirectValue => x / 12.0,
                    _ => continue,
                };
                s.capability_benefit[c * h + t] += value;
            }
            growth *= growth_step;
        }
        s.weights = weights;

        // --- Costs by line and month.
        s.cost_line.fill(0.0);
        for (l, cm) in self.cost_models.iter().enumerate() {
            let amount = d(cm.amount) * (1.0 + cm.overrun.map_or(0.0, d)) * cost_multiplier;
            let row = &mut s.cost_line[l * h..(l + 1) * h];
            match &cm.schedule {
                CostSchedule::OneOff { month } => {
                    if let Some(x) = row.get_mut(*month as usize) {
                        *x += amount;
                    }
                }
                CostSchedule::Monthly {
                    from_month,
                    to_month,
                } => {
                    let end = to_month.map_or(h, |m| (m as usize + 1).min(h));
                    for x in row.iter_mut().take(end).skip(*from_month as usize) {
                        *x += amount;
                    }
                }
                CostSchedule::PerSeatMonthly { groups, to_month } => {
                    let end = to_month.map_or(h, |m| (m as usize + 1).min(h));
                    for &g in groups {
                        let gm = &self.group_models[g];
                        let start = gm.go_live as usize + delay;
                        for x in row.iter_mut().take(end).skip(start) {
                            *x += amount * gm.seats;
                        }
                    }
                }
                CostSchedule::PerSeatOneOff { groups } => {
                    for &g in groups {
                        let gm = &self.group_models[g];
                        if let Some(x) = row.get_mut(gm.go_live as usize + delay) {
                            *x += amount * gm.seats;
                        }
                    }
                }
            }
        }

        // --- Totals, discounting, summary numbers.
        s.benefits.fill(0.0);
        s.costs.fill(0.0);
        s.capability_pv.fill(0.0);
        for c in 0..self.capability_models.len() {
            let row = &mut s.capability_benefit[c * h..(c + 1) * h];
            let mut pv = 0.0;
            for t in 0..h {
                row[t] *= benefit_share;
                s.benefits[t] += row[t];
                pv += row[t] * self.discount[t];
            }
            s.capability_pv[c] = pv;
        }
        for l in 0..self.cost_models.len() {
            for t in 0..h {
                s.costs[t] += s.cost_line[l * h + t];
            }
        }
        let (mut npv, mut pv_b, mut pv_c, mut cum) = (0.0, 0.0, 0.0, 0.0);
        for t in 0..h {
            let net = s.benefits[t] - s.costs[t];
            s.net[t] = net;
            cum += net;
            s.cumulative_net[t] = cum;
            s.discounted_net[t] = net * self.discount[t];
            npv += s.discounted_net[t];
            pv_b += s.benefits[t] * self.discount[t];
            pv_c += s.costs[t] * self.discount[t];
        }
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
            payback_months: finance::payback(&s.net).unwrap_or(f64::NAN),
            discounted_payback_months: finance::payback(&s.discounted_net).unwrap_or(f64::NAN),
        }
    }
}
