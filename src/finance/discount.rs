//! Discount factors: the one definition of `(1 + rate)^−t` behind [`npv`](super::npv()),
//! [`discounted_payback`](super::discounted_payback) and the model's month-by-month table, so
//! that an NPV or a discounted payback recomputed here from a trial's net flows equals the
//! engine's to the bit.

/// `x^n` by repeated squaring: the bits Rust's `f64::powi` gives at run time on the targets
/// this crate is built for (compiler-rt's and libgcc's `__powidf2`: square, then multiply
/// where the exponent has a 1 bit, low bits first). Written out because `powi` is documented
/// as imprecise and not deterministic: a call the compiler evaluates at build time, or another
/// platform's runtime library, may round differently, and then a factor computed in one place
/// would no longer match the same factor computed in another.
#[inline]
fn power(mut x: f64, mut n: usize) -> f64 {
    let mut product = 1.0;
    loop {
        if n & 1 == 1 {
            product *= x;
        }
        n >>= 1;
        if n == 0 {
            return product;
        }
        x *= x;
    }
}

/// Discount factor of period `t` at a per-period `rate`: `1 / (1 + rate)^t` (month 0 is
/// undiscounted, convention `npv_t0`).
///
/// The one discount factor of the crate: the model's table ([`discount_factors`]), [`npv`]
/// and the discounted paybacks all multiply each flow by exactly this value. Not checked:
/// `rate <= −1` or NaN gives meaningless factors, which callers refuse first.
///
/// [`npv`]: super::npv()
#[inline]
pub fn discount_factor(rate: f64, t: usize) -> f64 {
    1.0 / power(1.0 + rate, t)
}

/// The discount factors of periods `0..periods` at a per-period `rate`
/// ([`discount_factor`] each): the table the model multiplies each month's flows by.
pub fn discount_factors(rate: f64, periods: usize) -> Vec<f64> {
    (0..periods).map(|t| discount_factor(rate, t)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hint::black_box;

    /// The written-out power gives `powi`'s run-time bits (the ones the model's table had
    /// before it moved here), so no figure changed with the move.
    #[test]
    fn power_is_powi_at_run_time() {
        let mut rnd = crate::test_support::uniforms(0x51ED_2701_A3C4_9B87);
        for _ in 0..20_000 {
            let x = black_box(0.5 + 1.5 * rnd());
            let n = black_box((rnd() * 1300.0) as usize);
            let expected = black_box(x).powi(black_box(n as i32));
            assert_eq!(power(x, n).to_bits(), expected.to_bits(), "{x}^{n}");
        }
    }

    #[test]
    fn factors_are_one_then_falling() {
        let d = discount_factors(0.01, 5);
        assert_eq!(d[0], 1.0);
        assert!(d.windows(2).all(|w| w[1] < w[0]));
        assert!((d[4] - 1.01f64.powi(-4)).abs() < 1e-15);
        assert_eq!(discount_factor(0.0, 600), 1.0);
        assert_eq!(discount_factor(f64::INFINITY, 3), 0.0);
        assert_eq!(discount_factor(f64::INFINITY, 0), 1.0);
    }
}
