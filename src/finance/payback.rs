//! Payback periods (conventions `payback_first`, `payback_last`, `discounted_payback_first`,
//! `discounted_payback_last` in `tests/data/finance_conventions.json`).
//!
//! The running balance is `B_k = Σ_{t<=k} CF_t` (starting from 0 before t = 0), with its sign
//! decided exactly ([`running_balances`]): flows that return the outlay to the cent break even
//! in that period, not "never" because of a rounding error of 1e−11. Flows accrue
//! evenly within their period, so a crossing inside period `t` is interpolated linearly.
//! Results are in periods, measured from t = 0. Any non-finite flow makes the result `None`.
//!
//! Discounted variants multiply `CF_t` by the [`discount_factor`] `1 / (1 + rate)^t`, as the
//! model does month by month; `rate` must be `> −1`, otherwise the result is `None`.

use super::{discount_factor, running_balances};

/// First-crossing payback (convention `payback_first`) of `flows` whose running balances are
/// `balances` (as [`running_balances`] makes them; every flow finite).
///
/// The one definition of the first crossing: [`payback`], [`discounted_payback`] and the
/// model, which has the balances already, all call it. Two short scans rather than one pass
/// with four branches a period: the balance first goes negative at some `neg`; the first
/// non-negative balance after it is the crossing (every balance in between is negative, so
/// `B_{t−1} < 0 <= B_t` there), interpolated linearly within its period. `Some(0.0)` when no
/// balance is negative, `None` when none after the first negative one is non-negative.
#[inline]
pub fn payback_from_balances(flows: &[f64], balances: &[f64]) -> Option<f64> {
    let Some(neg) = balances.iter().position(|&b| b < 0.0) else {
        return Some(0.0);
    };
    let k = balances[neg + 1..].iter().position(|&b| b >= 0.0)?;
    let t = neg + 1 + k;
    let prev = balances[t - 1];
    Some((t as f64 - 1.0) + ((-prev) / flows[t]).clamp(0.0, 1.0))
}

/// Last-crossing payback (convention `payback_last`) of `flows` whose running balances are
/// `balances` (as [`running_balances`] makes them; every flow finite): `j + (−B_j) / CF_{j+1}`
/// for the last `j` with `B_j < 0`; `None` when the last balance is negative, `Some(0.0)` when
/// none is.
pub fn payback_last_from_balances(flows: &[f64], balances: &[f64]) -> Option<f64> {
    if balances.last().is_some_and(|&b| b < 0.0) {
        return None;
    }
    match balances.iter().rposition(|&b| b < 0.0) {
        None => Some(0.0),
        Some(j) => Some(j as f64 + ((-balances[j]) / flows[j + 1]).clamp(0.0, 1.0)),
    }
}

/// `flows`, or `None` when one is not finite (every payback is "never" then).
fn finite(flows: &[f64]) -> Option<&[f64]> {
    flows.iter().all(|cf| cf.is_finite()).then_some(flows)
}

/// `CF_t · d(t)` with `d` the [`discount_factor`] at `rate` (the model's discounted flows), or
/// `None` for `rate <= −1` or NaN.
fn discounted(rate: f64, flows: &[f64]) -> Option<Vec<f64>> {
    if rate.is_nan() || rate <= -1.0 {
        return None;
    }
    Some(
        flows
            .iter()
            .enumerate()
            .map(|(t, &cf)| cf * discount_factor(rate, t))
            .collect(),
    )
}

/// Simple payback in periods, FIRST crossing (convention `payback_first`).
///
/// `(t − 1) + (−B_{t−1}) / CF_t` for the first `t` with `B_{t−1} < 0 <= B_t`; `Some(0.0)` if
/// the balance is never negative (including empty or all-zero flows); `None` ("never") if it
/// goes negative and never turns non-negative within the horizon, or if any flow is not
/// finite. This is the figure boards ask for ("when do we get our money back?"); a later dip
/// below zero does not undo it (use [`payback_last`] for that reading). The model's payback
/// of a trial is this of its net flows, to the bit ([`payback_from_balances`]).
pub fn payback(flows: &[f64]) -> Option<f64> {
    let flows = finite(flows)?;
    payback_from_balances(flows, &running_balances(flows))
}

/// Simple payback in periods, LAST crossing (convention `payback_last`).
///
/// `j + (−B_j) / CF_{j+1}` where `j` is the last `k` with `B_k < 0`; `None` ("never") if the
/// balance ends negative (`B_N < 0`) or any flow is not finite; `Some(0.0)` if it is never
/// negative. Exists for non-conventional flows (a re-investment after break-even), where the
/// last break-even is the only point after which the project stays recovered.
pub fn payback_last(flows: &[f64]) -> Option<f64> {
    let flows = finite(flows)?;
    payback_last_from_balances(flows, &running_balances(flows))
}

/// Discounted payback, first crossing (convention `discounted_payback_first`): [`payback`] on
/// `CF_t · d(t)`, `d` the [`discount_factor`] at `rate` per period (so the model's discounted
/// payback of a trial is this of its net flows at the monthly rate, to the bit). `None` for
/// `rate <= −1` or NaN.
pub fn discounted_payback(rate: f64, flows: &[f64]) -> Option<f64> {
    payback(&discounted(rate, flows)?)
}

/// Discounted payback, last crossing (convention `discounted_payback_last`): [`payback_last`]
/// on `CF_t · d(t)`, `d` the [`discount_factor`] at `rate` per period. `None` for `rate <= −1`
/// or NaN.
pub fn discounted_payback_last(rate: f64, flows: &[f64]) -> Option<f64> {
    payback_last(&discounted(rate, flows)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The conventions read literally, one pass a period (the definitions this module had
    /// before the balances were shared with the model): the two-scan forms above must give
    /// the same bits.
    mod single_pass {
        pub fn first_crossing(flows: impl Iterator<Item = f64>) -> Option<f64> {
            let mut balance = 0.0;
            let mut went_negative = false;
            let mut crossing = None;
            for (t, cf) in flows.enumerate() {
                if !cf.is_finite() {
                    return None;
                }
                if crossing.is_some() {
                    continue;
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

        pub fn last_crossing(flows: impl Iterator<Item = f64>) -> Option<f64> {
            let mut balance = 0.0;
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
    }

    /// [`single_pass::first_crossing`] of `flows`, discounted at `rate` when given.
    fn by_single_pass(flows: &[f64], rate: Option<f64>) -> Option<f64> {
        match rate {
            None => single_pass::first_crossing(flows.iter().copied()),
            Some(r) if r.is_nan() || r <= -1.0 => None,
            Some(r) => single_pass::first_crossing(
                flows
                    .iter()
                    .enumerate()
                    .map(|(t, &cf)| cf * discount_factor(r, t)),
            ),
        }
    }

    #[test]
    fn empty_and_all_zero_pay_back_immediately() {
        assert_eq!(payback(&[]), Some(0.0));
        assert_eq!(payback(&[0.0, 0.0]), Some(0.0));
        assert_eq!(payback_last(&[]), Some(0.0));
        assert_eq!(discounted_payback(0.1, &[]), Some(0.0));
        assert_eq!(by_single_pass(&[], None), Some(0.0));
    }

    #[test]
    fn single_flow() {
        assert_eq!(payback(&[-5.0]), None);
        assert_eq!(payback(&[5.0]), Some(0.0));
        assert_eq!(payback_last(&[-5.0]), None);
        assert_eq!(by_single_pass(&[-5.0], None), None);
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
        assert_eq!(by_single_pass(&[-1.0, 2.0], Some(-1.0)), None);
    }

    #[test]
    fn non_finite_flows_are_none() {
        for f in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(payback(&[-1.0, 2.0, f]), None);
            assert_eq!(payback_last(&[-1.0, f, 2.0]), None);
            assert_eq!(by_single_pass(&[-1.0, 2.0, f], None), None);
        }
    }

    #[test]
    fn zero_rate_discounted_equals_simple() {
        let f = [-10000.0, 4000.0, 4000.0, 3000.0];
        assert_eq!(discounted_payback(0.0, &f), payback(&f));
        assert_eq!(discounted_payback_last(0.0, &f), payback_last(&f));
    }

    /// −352,611.20 then 88,152.80 in each of four months: back to the cent at month 4,
    /// though the float running sum ends at −2.9e−11.
    #[test]
    fn the_reported_break_even_pays_back_in_month_four() {
        let f = [-352_611.2, 88_152.8, 88_152.8, 88_152.8, 88_152.8];
        assert_eq!(payback(&f), Some(4.0));
        assert_eq!(discounted_payback(0.0, &f), Some(4.0));
        assert_eq!(payback_last(&[&f[..], &[0.0, 0.0]].concat()), Some(4.0));
        // One cent short: never.
        let short = [-352_611.21, 88_152.8, 88_152.8, 88_152.8, 88_152.8];
        assert_eq!(payback(&short), None);
        assert_eq!(payback_last(&short), None);
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
        fn single_pass_equals_payback(flows in flows_strategy()) {
            prop_assert_eq!(by_single_pass(&flows, None), payback(&flows));
            prop_assert_eq!(
                single_pass::last_crossing(flows.iter().copied()),
                payback_last(&flows)
            );
        }

        #[test]
        fn single_pass_equals_discounted_payback(
            flows in flows_strategy(),
            rate in -0.5f64..2.0,
        ) {
            prop_assert_eq!(by_single_pass(&flows, Some(rate)), discounted_payback(rate, &flows));
        }

        /// Near break-even: "never", "at once" and the crossing month follow the exact
        /// balances (an independent fixed-point sum), not the float ones.
        #[test]
        fn paybacks_follow_the_exact_balances(
            flows in prop_oneof![
                crate::finance::balance::tests::near_break_even(),
                crate::finance::balance::tests::cancelling(),
            ]
        ) {
            let exact = crate::finance::balance::tests::fixed_point_sums(&flows).unwrap();
            let first_negative = exact.iter().position(|&b| b < 0);
            let recovered = first_negative
                .and_then(|n| exact[n + 1..].iter().position(|&b| b >= 0).map(|k| n + 1 + k));
            match (first_negative, recovered, payback(&flows)) {
                (None, _, p) => prop_assert_eq!(p, Some(0.0)),
                (Some(_), None, p) => prop_assert_eq!(p, None),
                (Some(_), Some(t), p) => {
                    let p = p.unwrap();
                    prop_assert!(p >= t as f64 - 1.0 && p <= t as f64, "{} at {}", p, t);
                }
            }
            let ends_negative = exact.last().is_some_and(|&b| b < 0);
            prop_assert_eq!(payback_last(&flows).is_none(), ends_negative);
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
