//! What an NPV-only evaluation ([`Scratch::npv_only`]) does its own way: retention's stock in
//! one row, and the present values straight from the capabilities' rows and the cost spans,
//! without the month totals, the running balances and the paybacks a full evaluation reads off
//! them.

use super::kernels::{dot, monthly_survival_gain};
use super::{Model, Scratch, TrialOutcome};

impl Model {
    /// NPV, PV of benefits and PV of costs (and the ROI) of the trial whose capability rows
    /// and cost spans `s` holds, with `benefit_share` the risks' haircut: each capability's
    /// PV is its row's discounted sum (a dis-benefit kept whole, as in full), each cost span's
    /// is its amount times the discount factors it covers. Paybacks and IRR are NaN.
    pub(super) fn npv_only_outcome(
        &self,
        draws: &[f64],
        s: &Scratch,
        benefit_share: f64,
    ) -> TrialOutcome {
        let h = self.horizon;
        let ix = &self.by_driver;
        let haircut = |c: usize| self.haircut(draws, c, benefit_share);
        let mut pv_b = 0.0;
        for &c in &ix.row_caps {
            let row = &s.capability_benefit[c * h..(c + 1) * h];
            pv_b += haircut(c) * dot(row, &self.discount);
        }
        for b in &ix.direct_buckets {
            let lag = b.lag.min(h);
            let adoption = &s.adoption[b.group * h..(b.group + 1) * h - lag];
            let k_total: f64 = b
                .caps
                .iter()
                .map(|&(c, w)| draws[self.capability_models[c].effect] / 12.0 * w * haircut(c))
                .sum();
            pv_b += k_total * dot(adoption, &self.discount[lag..]);
        }
        let cum = &self.discount_cumulative;
        let pv_c: f64 = s
            .cost_steps
            .ranges
            .iter()
            .zip(&s.span_values)
            .map(|(&(_, from, to), &v)| v * (cum[to] - cum[from]))
            .sum();
        TrialOutcome {
            npv: pv_b - pv_c,
            pv_benefits: pv_b,
            pv_costs: pv_c,
            roi: if pv_c > 0.0 {
                (pv_b - pv_c) / pv_c
            } else {
                f64::NAN
            },
            irr_annual: f64::NAN,
            payback_months: f64::NAN,
            discounted_payback_months: f64::NAN,
            falls_back_months: f64::NAN,
        }
    }
}

/// The retention driver's inputs in one trial (docs/MODEL.md, "Retention").
pub(super) struct Retention {
    /// Annual churn of the installed base, which caps the reduction.
    pub churn: f64,
    /// Monthly survival without the CRM, (1 − churn)^(1/12).
    pub survival: f64,
    /// Monthly baseline growth factor.
    pub growth_step: f64,
    /// Annual revenue of the installed base, before growth.
    pub installed_base: f64,
    /// Gross margin on the revenue kept.
    pub margin: f64,
}

impl Retention {
    /// The benefit of the retention capabilities `caps`, summed into the first one's row of
    /// `out` (the others' rows 0), with `x` the realised uplifts and `growth` the baseline's
    /// growth by month. The revenue kept each month is one stock for all of them (the sum of
    /// the stocks a full evaluation keeps per capability), carried two months at a time,
    /// S(t+1) = k²·S(t−1) + (k·a(t) + a(t+1)), so the chain of dependent operations through
    /// the months is half as long.
    pub fn benefit_in_first_row(
        &self,
        caps: &[usize],
        x: &[f64],
        growth: &[f64],
        out: &mut [f64],
        h: usize,
    ) {
        let Some((&first, others)) = caps.split_first() else {
            return;
        };
        for &c in others {
            out[c * h..(c + 1) * h].fill(0.0);
        }
        let row = &mut out[first * h..(first + 1) * h];
        for (t, r) in row.iter_mut().enumerate() {
            let mut total = 0.0;
            for &c in caps {
                total += x[c * h + t];
            }
            let gain = monthly_survival_gain(self.churn, self.survival, total.min(self.churn));
            *r = if total > 0.0 {
                self.installed_base * growth[t] * gain
            } else {
                0.0
            };
        }
        let keep = self.survival * self.growth_step;
        let (keep2, scale) = (keep * keep, self.margin / 12.0);
        let mut stock = 0.0;
        let mut pairs = row.chunks_exact_mut(2);
        for pair in &mut pairs {
            let (a0, a1) = (pair[0], pair[1]);
            let s0 = stock * keep + a0;
            stock = stock * keep2 + (a0 * keep + a1);
            pair[0] = s0 * scale;
            pair[1] = stock * scale;
        }
        if let [a] = pairs.into_remainder() {
            *a = (stock * keep + *a) * scale;
        }
    }
}
