//! A trial's paybacks read off the running balances [`super::kernels::month_pass`] leaves:
//! the first crossing, and when a case that paid back falls below zero again for good.

use crate::finance;

/// [`finance::payback_from_balances`] (first crossing, convention `payback_first`) of a
/// trial's `flows` and their running `balances` as [`month_pass`](super::kernels::month_pass) leaves them, NaN for
/// "never" and when a flow is not finite: the trial's payback is [`finance::payback`] of its
/// net flows (and its discounted payback [`finance::discounted_payback`] of them at the
/// monthly rate) to the bit.
#[inline]
pub(super) fn payback_months(flows: &[f64], balances: &[f64], finite: bool) -> f64 {
    if !finite {
        return f64::NAN;
    }
    finance::payback_from_balances(flows, balances).unwrap_or(f64::NAN)
}

/// When a case that paid back falls below zero again for good: with `balances` the running
/// balances of `flows` (as [`month_pass`](super::kernels::month_pass) leaves them, signs exact) and `paid_back` its first-
/// crossing payback, `j + B_j / (−CF_{j+1})` for the last month j with B_j ≥ 0, when the last
/// balance is negative; NaN when it never paid back or ends non-negative (docs/MODEL.md,
/// section 6, "Falling back"). Reads the last balance only, unless the case does fall back.
#[inline]
pub(super) fn falls_back_months(flows: &[f64], balances: &[f64], paid_back: f64) -> f64 {
    if paid_back.is_nan() || balances.last().is_none_or(|&b| b >= 0.0) {
        return f64::NAN;
    }
    match balances.iter().rposition(|&b| b >= 0.0) {
        Some(j) => j as f64 + (balances[j] / -flows[j + 1]).clamp(0.0, 1.0),
        None => f64::NAN,
    }
}
