//! Modified internal rate of return (convention `mirr` in
//! `tests/data/finance_conventions.json`, Excel's `MIRR` and numpy-financial's `mirr`).

/// Modified IRR, Excel semantics (convention `mirr`).
///
/// `MIRR = (FV_reinvest(positive flows, at t = N) / −PV_finance(negative flows, at t = 0))^(1/(n−1)) − 1`
/// with `n = flows.len()` (trailing zeros count, as in Excel). Reported beside IRR because it is
/// always unique and does not assume benefits are reinvested at the IRR itself.
///
/// `None` (Excel's `#DIV/0!`) unless both a positive and a negative flow are present; also
/// `None` for any non-finite flow or rate, a rate `<= −1`, or a non-finite result.
pub fn mirr(flows: &[f64], finance_rate: f64, reinvest_rate: f64) -> Option<f64> {
    let n = flows.len();
    if n < 2
        || !finance_rate.is_finite()
        || !reinvest_rate.is_finite()
        || finance_rate <= -1.0
        || reinvest_rate <= -1.0
        || flows.iter().any(|c| !c.is_finite())
    {
        return None;
    }
    // FV at t = N of the positive flows, Horner forward in (1 + reinvest_rate).
    let grow = 1.0 + reinvest_rate;
    let fv_pos = flows
        .iter()
        .fold(0.0, |acc, &c| acc * grow + if c > 0.0 { c } else { 0.0 });
    // PV at t = 0 of the negative flows, Horner backward in 1 / (1 + finance_rate).
    let v = 1.0 / (1.0 + finance_rate);
    let pv_neg = flows
        .iter()
        .rev()
        .fold(0.0, |acc, &c| acc * v + if c < 0.0 { c } else { 0.0 });
    if fv_pos <= 0.0 || pv_neg >= 0.0 || !fv_pos.is_finite() || !pv_neg.is_finite() {
        return None;
    }
    let m = (fv_pos / -pv_neg).powf(1.0 / (n - 1) as f64) - 1.0;
    m.is_finite().then_some(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn degenerate_inputs_are_none() {
        assert_eq!(mirr(&[], 0.1, 0.1), None);
        assert_eq!(mirr(&[-100.0], 0.1, 0.1), None);
        assert_eq!(mirr(&[0.0, 0.0, 0.0], 0.1, 0.1), None);
        assert_eq!(mirr(&[1.0, 2.0, 3.0], 0.1, 0.1), None);
        assert_eq!(mirr(&[-1.0, -2.0, -3.0], 0.1, 0.1), None);
        assert_eq!(mirr(&[-1.0, f64::NAN, 3.0], 0.1, 0.1), None);
    }

    #[test]
    fn rate_minus_one_is_none() {
        assert_eq!(mirr(&[-100.0, 50.0, 70.0], -1.0, 0.1), None);
        assert_eq!(mirr(&[-100.0, 50.0, 70.0], 0.1, -1.0), None);
        assert_eq!(mirr(&[-100.0, 50.0, 70.0], f64::NAN, 0.1), None);
    }

    #[test]
    fn one_period_horizon_equals_simple_return() {
        let m = mirr(&[-100.0, 130.0], 0.05, 0.07).unwrap();
        assert!((m - 0.3).abs() < 1e-15, "{m}");
    }

    #[test]
    fn excel_example() {
        let flows = [-120000.0, 39000.0, 30000.0, 21000.0, 37000.0, 46000.0];
        let m = mirr(&flows, 0.10, 0.12).unwrap();
        assert!((m - 0.126_094_130_365_905_1).abs() < 1e-12, "{m}");
    }

    #[test]
    fn trailing_zeros_count_as_periods() {
        let a = mirr(&[-100.0, 121.0], 0.1, 0.1).unwrap();
        let b = mirr(&[-100.0, 121.0, 0.0], 0.1, 0.1).unwrap();
        assert!((a - 0.21).abs() < 1e-14);
        assert!((b - (1.331f64.sqrt() - 1.0)).abs() < 1e-14, "{b}");
    }

    proptest::proptest! {
        /// No input panics; a result exists exactly when both signs are present (for finite,
        /// moderate inputs).
        #[test]
        fn mirr_is_total(
            flows in proptest::collection::vec(-1e6f64..1e6, 0..50),
            fr in -0.9f64..1.0,
            rr in -0.9f64..1.0,
        ) {
            let both = flows.iter().any(|&c| c > 0.0) && flows.iter().any(|&c| c < 0.0);
            proptest::prop_assert_eq!(mirr(&flows, fr, rr).is_some(), both);
        }
    }
}
