//! Net present value and the annual → monthly rate conversion.
//!
//! Conventions (names from `tests/data/finance_conventions.json`):
//! - `npv_t0`: `NPV = Σ_{t=0}^{N} CF_t / (1 + rate)^t`, the first flow is at t = 0 and is not
//!   discounted (numpy-financial's `npv`). Excel's `NPV(rate, v1..vn)` discounts its first value
//!   one period (`excel_npv`); it equals `npv(rate, &[0.0, v1, .., vn])`.
//! - `monthly_npv_t0`: monthly periods at `monthly_rate(annual)`.

use super::discount_factor;

/// Monthly rate equivalent to an annual rate: `(1 + annual)^(1/12) − 1`.
///
/// Exists because the model works in monthly periods while scenarios state an annual discount
/// rate (convention `monthly_npv_t0`): twelve monthly compoundings reproduce the annual rate
/// exactly, unlike `annual / 12`. Computed as `expm1(ln1p(annual) / 12)` for accuracy at small
/// rates. Returns −1 for `annual == −1` and NaN for `annual < −1` or NaN.
pub fn monthly_rate(annual: f64) -> f64 {
    (annual.ln_1p() / 12.0).exp_m1()
}

/// NPV with the first flow at t = 0 undiscounted (convention `npv_t0`, numpy-financial's `npv`).
///
/// `npv(rate, flows) = Σ flows[t] · d(t)` with `d(t)` the [`discount_factor`] of period `t`,
/// the products added in four interleaved partial sums (`t mod 4`) and those as
/// `(s0 + s1) + (s2 + s3)`. That is the model's arithmetic: a trial's NPV, PV of benefits and
/// PV of costs are `npv(monthly_rate, …)` of its net flows, benefits and costs to the bit
/// (the engine computes them in vector registers, four months at a time; a test in the model
/// holds the two together), so "NPV" means the same thing in every report and can be
/// recomputed from `valuecase cashflow` exactly.
///
/// Returns NaN when `rate <= −1` or `rate` is NaN (the discount factor is undefined;
/// numpy-financial 1.0.0 returns inf there, its main branch NaN). An empty slice gives 0.
/// Non-finite flows propagate, and so does a factor that overflows (a rate near −1 over many
/// periods: `(1 + rate)^t` underflows to 0).
pub fn npv(rate: f64, flows: &[f64]) -> f64 {
    if rate.is_nan() || rate <= -1.0 {
        return f64::NAN;
    }
    let mut lanes = [0.0f64; 4];
    for (t, &cf) in flows.iter().enumerate() {
        lanes[t % 4] += cf * discount_factor(rate, t);
    }
    (lanes[0] + lanes[1]) + (lanes[2] + lanes[3])
}

/// |NPV(rate)| as a share of the discounted size of the flows, Σ |CF_t| / (1 + rate)^t: how
/// nearly `rate` is a root, whatever the magnitudes.
///
/// Exists so an IRR can be checked (by tests, the fuzzers, or a reader of exported flows)
/// without trusting the solver's own arithmetic: every term is taken through logarithms,
/// relative to the largest, so neither flows spanning 1e−300 to 1e300 nor rates up to 1e300
/// over- or underflow. Evaluated independently of [`irr`](fn@crate::finance::irr)'s code. NaN when
/// every flow is zero or `rate <= −1`.
pub fn relative_npv(rate: f64, flows: &[f64]) -> f64 {
    let log_discount = -rate.ln_1p();
    let exponents: Vec<f64> = flows
        .iter()
        .enumerate()
        .map(|(t, cf)| cf.abs().ln() + t as f64 * log_discount)
        .collect();
    let top = exponents.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (mut sum, mut scale) = (0.0f64, 0.0f64);
    for (cf, e) in flows.iter().zip(&exponents) {
        // The largest term is ±1.
        let term = cf.signum() * (e - top).exp();
        sum += term;
        scale += term.abs();
    }
    sum.abs() / scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_npv_measures_roots_at_any_magnitude() {
        // 10% is the root of [-100, 110]; 5% is not.
        assert!(relative_npv(0.1, &[-100.0, 110.0]) < 1e-12);
        assert!(relative_npv(0.05, &[-100.0, 110.0]) > 0.02);
        // The same flows scaled by 1e-300 and 1e300, where plain evaluation under/overflows
        // (logarithms of large magnitudes keep about 13 digits).
        for k in [1e-300, 1e300] {
            assert!(relative_npv(0.1, &[-100.0 * k, 110.0 * k]) < 1e-12);
        }
        // A root near r = 1e100: -1, then 1e100 one period later.
        assert!(relative_npv(1e100, &[-1.0, 1e100]) < 1e-12);
        assert!(relative_npv(0.1, &[0.0, 0.0]).is_nan());
    }

    #[test]
    fn npv_empty_is_zero() {
        assert_eq!(npv(0.1, &[]), 0.0);
    }

    #[test]
    fn npv_single_flow_is_undiscounted() {
        assert_eq!(npv(0.1, &[-123.5]), -123.5);
        assert_eq!(npv(5.0, &[42.0]), 42.0);
    }

    #[test]
    fn npv_all_zero() {
        assert_eq!(npv(0.07, &[0.0; 10]), 0.0);
    }

    #[test]
    fn npv_one_period_horizon() {
        let v = npv(0.1, &[-100.0, 110.0]);
        assert!(v.abs() < 1e-12, "{v}");
    }

    #[test]
    fn npv_rate_minus_one_or_below_is_nan() {
        assert!(npv(-1.0, &[0.0, 1.0, 2.0]).is_nan());
        assert!(npv(-1.5, &[1.0]).is_nan());
        assert!(npv(f64::NAN, &[1.0]).is_nan());
        assert!(npv(f64::NEG_INFINITY, &[1.0]).is_nan());
    }

    #[test]
    fn npv_zero_rate_is_sum() {
        assert_eq!(npv(0.0, &[-10.0, 4.0, 4.0, 3.0]), 1.0);
    }

    #[test]
    fn npv_infinite_rate_keeps_only_t0() {
        assert_eq!(npv(f64::INFINITY, &[-5.0, 100.0, 100.0]), -5.0);
    }

    #[test]
    fn npv_matches_direct_sum() {
        let flows = [-15000.0, 1500.0, 2500.0, 3500.0, 4500.0, 6000.0];
        let direct: f64 = flows
            .iter()
            .enumerate()
            .map(|(t, cf)| cf / 1.05f64.powi(t as i32))
            .sum();
        assert!((npv(0.05, &flows) - direct).abs() < 1e-9);
        assert!((npv(0.05, &flows) - 122.894_854_950_942_69).abs() < 1e-9);
    }

    #[test]
    fn npv_non_finite_flows_propagate() {
        assert!(npv(0.1, &[1.0, f64::NAN]).is_nan());
        assert!(npv(0.1, &[f64::INFINITY]).is_infinite());
    }

    #[test]
    fn monthly_rate_compounds_to_annual() {
        let m = monthly_rate(0.10);
        assert!(((1.0 + m).powi(12) - 1.10).abs() < 1e-15);
        assert!((m - (1.10f64.powf(1.0 / 12.0) - 1.0)).abs() < 1e-16);
        assert_eq!(monthly_rate(0.0), 0.0);
        assert_eq!(monthly_rate(-1.0), -1.0);
        assert!(monthly_rate(-2.0).is_nan());
        assert!(monthly_rate(f64::NAN).is_nan());
    }
}
