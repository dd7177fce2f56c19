//! Payback periods (conventions `payback_first`, `payback_last`, `discounted_payback_first`,
//! `discounted_payback_last` in `tests/data/finance_conventions.json`).
//!
//! The running balance is `B_k = Σ_{t<=k} CF_t` (starting from 0 before t = 0); flows accrue
//! evenly within their period, so a crossing inside period `t` is interpolated linearly.
//! Results are in periods, measured from t = 0. Any non-finite flow makes the result `None`.
//!
//! Discounted variants discount `CF_t` by `v^t`, `v = 1/(1 + rate)`, with `v^t` built by
//! repeated multiplication (exactly what [`PaybackTracker::discounted`] does, so the two agree
//! bit for bit); `rate` must be `> −1`, otherwise the result is `None`.

/// First-crossing payback over an iterator of (possibly discounted) flows.
fn first_crossing(flows: impl Iterator<Item = f64>) -> Option<f64> {
    let mut balance = 0.0;
    let mut went_negative = false;
    let mut crossing = None;
    for (t, cf) in flows.enumerate() {
        if !cf.is_finite() {
            return None;
        }
        if crossing.is_some() {
            continue; // keep validating the remaining flows
        }
        let prev = balance;
        balance = prev + cf;
        if prev < 0.0 && balance >= 0.0 {
            crossing = Some((t as f64 - 1.0) + ((-prev) / cf).clamp(0.0, 1.0));
        } else if balance < 0.0 {
            went_negative = true;
        }
    }
    match crossing {
        Some(p) => Some(p),
        None if !went_negative => Some(0.0),
        None => None,
    }
}

/// Last-crossing payback over an iterator of (possibly discounted) flows.
fn last_crossing(flows: impl Iterator<Item = f64>) -> Option<f64> {
    let mut balance = 0.0;
    // (j, B_j) for the last k with B_k < 0, and CF_{j+1}
    let mut last_negative: Option<(usize, f64)> = None;
    let mut flow_after = f64::NAN;
    for (t, cf) in flows.enumerate() {
        if !cf.is_finite() {
            return None;
        }
        if balance < 0.0 {
            flow_after = cf;
        }
        balance += cf;
        if balance < 0.0 {
            last_negative = Some((t, balance));
        }
    }
    if balance < 0.0 {
        return None;
    }
    match last_negative {
        None => Some(0.0),
        Some((j, bj)) => Some(j as f64 + ((-bj) / flow_after).clamp(0.0, 1.0)),
    }
}

/// Discount factors `v^t` by repeated multiplication; `None` for `rate <= −1` or NaN.
fn discounted(rate: f64, flows: &[f64]) -> Option<impl Iterator<Item = f64> + '_> {
    if rate.is_nan() || rate <= -1.0 {
        return None;
    }
    let v = 1.0 / (1.0 + rate);
    Some(flows.iter().scan(1.0, move |df, &cf| {
        let d = cf * *df;
        *df *= v;
        Some(d)
    }))
}

/// Simple payback in periods, FIRST crossing (convention `payback_first`).
///
/// `(t − 1) + (−B_{t−1}) / CF_t` for the first `t` with `B_{t−1} < 0 <= B_t`; `Some(0.0)` if
/// the balance is never negative (including empty or all-zero flows); `None` ("never") if it
/// goes negative and never turns non-negative within the horizon, or if any flow is not
/// finite. This is the figure boards ask for ("when do we get our money back?"); a later dip
/// below zero does not undo it (use [`payback_last`] for that reading).
pub fn payback(flows: &[f64]) -> Option<f64> {
    first_crossing(flows.iter().copied())
}

/// Simple payback in periods, LAST crossing (convention `payback_last`).
///
/// `j + (−B_j) / CF_{j+1}` where `j` is the last `k` with `B_k < 0`; `None` ("never") if the
/// balance ends negative (`B_N < 0`) or any flow is not finite; `Some(0.0)` if it is never
/// negative. Exists for non-conventional flows (a re-investment after break-even), where the
/// last break-even is the only point after which the project stays recovered.
pub fn payback_last(flows: &[f64]) -> Option<f64> {
    last_crossing(flows.iter().copied())
}

/// Discounted payback, first crossing (convention `discounted_payback_first`): [`payback`] on
/// `CF_t / (1 + rate)^t`, `rate` per period. `None` for `rate <= −1` or NaN.
pub fn discounted_payback(rate: f64, flows: &[f64]) -> Option<f64> {
    first_crossing(discounted(rate, flows)?)
}

/// Discounted payback, last crossing (convention `discounted_payback_last`): [`payback_last`]
/// on `CF_t / (1 + rate)^t`, `rate` per period. `None` for `rate <= −1` or NaN.
pub fn discounted_payback_last(rate: f64, flows: &[f64]) -> Option<f64> {
    last_crossing(discounted(rate, flows)?)
}

/// Streaming first-crossing payback for the Monte Carlo hot path.
///
/// Fed one net flow per period in order ([`push`](Self::push)), it reports at the end the same
/// value as [`payback`] (or [`discounted_payback`] when built with
/// [`discounted`](Self::discounted)) without storing the flows, so the engine needs no
/// per-trial array (memory stays O(trials × scalars)). Same convention, `payback_first`, and
/// bit-identical arithmetic. Reusable across trials via [`reset`](Self::reset).
#[derive(Clone, Debug)]
pub struct PaybackTracker {
    periods: usize,
    balance: f64,
    /// `v^t` for the next flow (1.0 forever when undiscounted).
    factor: f64,
    /// `v = 1/(1 + rate)` (1.0 when undiscounted, NaN for an invalid rate).
    v: f64,
    /// First crossing, NaN while none.
    crossing: f64,
    went_negative: bool,
    invalid: bool,
}

impl Default for PaybackTracker {
    fn default() -> Self {
        Self::new()
    }
}

impl PaybackTracker {
    /// Tracker for simple (undiscounted) payback, convention `payback_first`.
    pub fn new() -> Self {
        Self {
            periods: 0,
            balance: 0.0,
            factor: 1.0,
            v: 1.0,
            crossing: f64::NAN,
            went_negative: false,
            invalid: false,
        }
    }

    /// Tracker for discounted payback at a per-period `rate`, convention
    /// `discounted_payback_first`. A `rate <= −1` or NaN makes [`payback`](Self::payback)
    /// return `None`.
    pub fn discounted(rate: f64) -> Self {
        let mut t = Self::new();
        if rate.is_nan() || rate <= -1.0 {
            t.invalid = true;
            t.v = f64::NAN;
        } else {
            t.v = 1.0 / (1.0 + rate);
        }
        t
    }

    /// Feed the net flow of the next period (t = 0 first).
    #[inline]
    pub fn push(&mut self, flow: f64) {
        let cf = flow * self.factor;
        self.factor *= self.v;
        if !cf.is_finite() {
            self.invalid = true;
        }
        let prev = self.balance;
        self.balance = prev + cf;
        if prev < 0.0 && self.balance >= 0.0 && self.crossing.is_nan() {
            self.crossing = (self.periods as f64 - 1.0) + ((-prev) / cf).clamp(0.0, 1.0);
        }
        if self.balance < 0.0 {
            self.went_negative = true;
        }
        self.periods += 1;
    }

    /// Payback so far: first crossing in periods, `Some(0.0)` if the balance was never
    /// negative, `None` if it is still unrecovered or a flow was not finite.
    pub fn payback(&self) -> Option<f64> {
        if self.invalid {
            None
        } else if !self.crossing.is_nan() {
            Some(self.crossing)
        } else if !self.went_negative {
            Some(0.0)
        } else {
            None
        }
    }

    /// Running (discounted) balance `B_t` after the flows pushed so far.
    pub fn balance(&self) -> f64 {
        self.balance
    }

    /// Number of flows pushed so far.
    pub fn periods(&self) -> usize {
        self.periods
    }

    /// Forget all flows, keeping the discount rate.
    pub fn reset(&mut self) {
        let v = self.v;
        *self = Self::new();
        self.v = v;
        self.invalid = v.is_nan();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn tracked(flows: &[f64], rate: Option<f64>) -> Option<f64> {
        let mut t = match rate {
            Some(r) => PaybackTracker::discounted(r),
            None => PaybackTracker::new(),
        };
        for &f in flows {
            t.push(f);
        }
        t.payback()
    }

    #[test]
    fn empty_and_all_zero_pay_back_immediately() {
        assert_eq!(payback(&[]), Some(0.0));
        assert_eq!(payback(&[0.0, 0.0]), Some(0.0));
        assert_eq!(payback_last(&[]), Some(0.0));
        assert_eq!(discounted_payback(0.1, &[]), Some(0.0));
        assert_eq!(tracked(&[], None), Some(0.0));
    }

    #[test]
    fn single_flow() {
        assert_eq!(payback(&[-5.0]), None);
        assert_eq!(payback(&[5.0]), Some(0.0));
        assert_eq!(payback_last(&[-5.0]), None);
        assert_eq!(tracked(&[-5.0], None), None);
    }

    #[test]
    fn one_period_horizon() {
        assert_eq!(payback(&[-100.0, 200.0]), Some(0.5));
        assert_eq!(payback_last(&[-100.0, 200.0]), Some(0.5));
        assert_eq!(payback(&[-100.0, 50.0]), None);
        assert_eq!(discounted_payback(1.0, &[-100.0, 200.0]), Some(1.0));
    }

    #[test]
    fn one_sign_flows() {
        assert_eq!(payback(&[-1.0, -2.0]), None);
        assert_eq!(payback(&[1.0, 2.0]), Some(0.0));
        assert_eq!(payback_last(&[-1.0, -2.0]), None);
        assert_eq!(payback_last(&[1.0, 2.0]), Some(0.0));
    }

    #[test]
    fn first_versus_last_crossing() {
        let f = [-100.0, 60.0, 60.0, -80.0, 30.0, 30.0, 30.0];
        assert!((payback(&f).unwrap() - (1.0 + 40.0 / 60.0)).abs() < 1e-15);
        assert_eq!(payback_last(&f), Some(5.0));
        let f = [-100.0, 150.0, -100.0];
        assert!((payback(&f).unwrap() - 2.0 / 3.0).abs() < 1e-15);
        assert_eq!(payback_last(&f), None);
    }

    #[test]
    fn rate_minus_one_is_none() {
        assert_eq!(discounted_payback(-1.0, &[-1.0, 2.0]), None);
        assert_eq!(discounted_payback_last(-1.5, &[-1.0, 2.0]), None);
        assert_eq!(discounted_payback(f64::NAN, &[-1.0, 2.0]), None);
        assert_eq!(tracked(&[-1.0, 2.0], Some(-1.0)), None);
    }

    #[test]
    fn non_finite_flows_are_none() {
        for f in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(payback(&[-1.0, 2.0, f]), None);
            assert_eq!(payback_last(&[-1.0, f, 2.0]), None);
            assert_eq!(tracked(&[-1.0, 2.0, f], None), None);
        }
    }

    #[test]
    fn zero_rate_discounted_equals_simple() {
        let f = [-10000.0, 4000.0, 4000.0, 3000.0];
        assert_eq!(discounted_payback(0.0, &f), payback(&f));
        assert_eq!(discounted_payback_last(0.0, &f), payback_last(&f));
    }

    #[test]
    fn reset_keeps_rate() {
        let mut t = PaybackTracker::discounted(0.1);
        for f in [-100.0, 30.0, 30.0] {
            t.push(f);
        }
        t.reset();
        assert_eq!(t.periods(), 0);
        assert_eq!(t.balance(), 0.0);
        for f in [-100.0, 60.0, 60.0, 60.0] {
            t.push(f);
        }
        assert_eq!(
            t.payback(),
            discounted_payback(0.1, &[-100.0, 60.0, 60.0, 60.0])
        );
        let mut bad = PaybackTracker::discounted(-2.0);
        bad.reset();
        bad.push(1.0);
        assert_eq!(bad.payback(), None);
    }

    fn flows_strategy() -> impl Strategy<Value = Vec<f64>> {
        prop_oneof![
            // arbitrary signs and magnitudes
            prop::collection::vec(-1e6f64..1e6, 0..80),
            // small integers: exact ties, touching zero, re-crossings
            prop::collection::vec((-5i32..6).prop_map(f64::from), 0..40),
            // conventional monthly shape: big cost, then noisy ramping benefits
            (1e5f64..1e7, prop::collection::vec(-2e4f64..6e4, 1..600)).prop_map(|(c0, rest)| {
                let mut v = vec![-c0];
                v.extend(rest);
                v
            }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        #[test]
        fn tracker_equals_payback(flows in flows_strategy()) {
            prop_assert_eq!(tracked(&flows, None), payback(&flows));
        }

        #[test]
        fn discounted_tracker_equals_discounted_payback(
            flows in flows_strategy(),
            rate in -0.5f64..2.0,
        ) {
            prop_assert_eq!(tracked(&flows, Some(rate)), discounted_payback(rate, &flows));
        }

        #[test]
        fn payback_is_consistent_with_balances(flows in flows_strategy()) {
            let bal: Vec<f64> = flows.iter().scan(0.0, |b, &c| { *b += c; Some(*b) }).collect();
            let first = payback(&flows);
            let last = payback_last(&flows);
            if bal.iter().all(|&b| b >= 0.0) {
                prop_assert_eq!(first, Some(0.0));
                prop_assert_eq!(last, Some(0.0));
            }
            if let Some(&end) = bal.last() {
                if end < 0.0 {
                    prop_assert_eq!(last, None);
                } else {
                    prop_assert!(first.is_some() && last.is_some());
                    prop_assert!(first.unwrap() <= last.unwrap());
                }
            }
            if let Some(p) = first {
                prop_assert!(p >= 0.0 && p <= flows.len() as f64);
            }
        }
    }
}
