//! Running balances whose signs are decided exactly.
//!
//! A payback is the month a running balance `B_t = Σ_{k≤t} CF_k` stops being negative, and an
//! IRR of exactly 0 is a final balance of exactly 0: both turn on the *sign* of a sum. Added in
//! floating point, a balance that is exactly zero can come out at −2.9e−11 (−352,611.20 then
//! 88,152.80 in each of four months), and "breaks even in month 4" becomes "never". So every
//! balance here is the floating-point running sum *when its sign is certain*, and otherwise
//! the exact sum rounded once, whose sign is the exact sign:
//!
//! - the running sum `b_t = fl(b_{t−1} + CF_t)` (from `b_{−1} = 0`) differs from the exact
//!   `B_t` by at most `u Σ_{k≤t} |b_k|` (each addition rounds by at most `u = 2^−53` of its
//!   result), so when `|b_t| >= ε Σ_{k≤t} |b_k|` (ε = 2u, the sum itself taken in floating
//!   point) `b_t` has the sign of `B_t` and is kept;
//! - otherwise (a balance that close to zero: for sixty months of flows, within about 1e−14
//!   of the balances' typical size) `B_t` is taken exactly ([`ExactSum`]) and rounded once;
//!   an exact zero stays zero.
//!
//! No tolerance is involved: a balance of −0.001 after flows of 1e9 stays negative. Whether
//! any balance needs the exact sum is told by the smallest and largest balance
//! ([`signs_certain`]), which the model's per-month loop tracks beside its additions; the
//! exact sum runs only when a balance is that close to zero.

/// Whether every running sum in `balances` (of `flows`, added in order from 0.0) certainly has
/// the sign of the exact balance, so that none needs [`settle_balances`]: the check
/// [`running_balances`] makes after its loop (the model makes the same one, [`signs_certain`],
/// inside its own).
pub fn balances_are_certain(flows: &[f64], balances: &[f64]) -> bool {
    // Leading zero flows leave balances of exactly 0, certain with nothing to bound.
    let first = flows
        .iter()
        .position(|&cf| cf != 0.0)
        .unwrap_or(flows.len());
    let moved = &balances[first.min(balances.len())..];
    let (mut nearest, mut largest) = (f64::INFINITY, 0.0f64);
    for b in moved {
        let a = b.abs();
        nearest = if a < nearest { a } else { nearest };
        largest = if a > largest { a } else { largest };
    }
    signs_certain(nearest, largest, moved.len())
}

/// Whether `periods` running sums whose magnitudes lie between `nearest` and `largest` all
/// have certain signs: a cheaper test than the rule itself (which needs `Σ_{k≤t} |b_k|` at
/// every `t`), and never less strict, since `Σ_{k≤t} |b_k|` is at most `periods · largest`
/// (twice that covers the rounding of the sums). Balances before the first non-zero flow
/// (exactly 0, and certain) are left out of all three.
#[inline(always)]
pub fn signs_certain(nearest: f64, largest: f64, periods: usize) -> bool {
    nearest >= 2.0 * f64::EPSILON * periods as f64 * largest
}

/// Replaces every running sum in `balances` (of `flows`, added in order from 0.0) whose sign
/// is not certain by the exact balance rounded once; the others are left as they are. Every
/// flow must be finite.
///
/// A running sum `b_t` is certain when `|b_t| >= ε Σ_{k≤t} |b_k|` (see the module docs). Called
/// only when [`signs_certain`] cannot vouch for them all: it sums every flow exactly,
/// at a cost of some tens of nanoseconds a flow. Balances beyond f64's range (partial sums
/// above about 1.8e308, which no exact sum can round to) stay as summed.
pub fn settle_balances(flows: &[f64], balances: &mut [f64]) {
    let mut exact = ExactSum::default();
    let (mut float, mut swept) = (0.0f64, 0.0f64);
    for (&cf, b) in flows.iter().zip(balances.iter_mut()) {
        exact.add(cf);
        float += cf;
        swept += float.abs();
        if float.abs() < f64::EPSILON * swept {
            let rounded = exact.value();
            if rounded.is_finite() {
                *b = rounded;
            }
        }
    }
}

/// The running balances `B_t = Σ_{k≤t} CF_k` of `flows` (every flow finite), each with its
/// exact sign (see the module docs): the balances every payback is read from, equal to the
/// model's to the bit.
pub fn running_balances(flows: &[f64]) -> Vec<f64> {
    let mut balances: Vec<f64> = flows
        .iter()
        .scan(0.0, |balance, &cf| {
            *balance += cf;
            Some(*balance)
        })
        .collect();
    if !balances_are_certain(flows, &balances) {
        settle_balances(flows, &mut balances);
    }
    balances
}

/// `Σ values`, exact and rounded once (so its sign, and whether it is zero, are exact), for
/// values whose partial sums stay within f64's range.
pub fn exact_sum(values: impl IntoIterator<Item = f64>) -> f64 {
    let mut exact = ExactSum::default();
    for v in values {
        exact.add(v);
    }
    exact.value()
}

/// The exact running sums of `values`, each rounded once (for the rare checks that need every
/// sign exact).
pub fn exact_running_sums(values: impl IntoIterator<Item = f64>) -> Vec<f64> {
    let mut exact = ExactSum::default();
    values
        .into_iter()
        .map(|v| {
            exact.add(v);
            exact.value()
        })
        .collect()
}

/// An exact sum of f64 values, readable at any point rounded once to the nearest f64 (ties to
/// even). Held as Shewchuk's non-overlapping expansion, the "partials" of Python's
/// `math.fsum` (the same additions and the same read-out, so the same correctly rounded
/// results): each value is added by error-free two-sums, every non-zero rounding error kept
/// as a smaller partial, so the partials, added exactly, are the sum; the largest carries its
/// sign. Usually a few partials, whatever the number of values. The values and their partial
/// sums must stay within f64's range (an overflow reads as ±inf or NaN).
///
/// Hand-written rather than taken from a crate: `xsum` 0.1.6 rounds negative sums wrongly
/// (the sum of −1.0 alone reads −1.0000000000000002), and `accurate`'s `OnlineExactSum`
/// holds 32 KiB and is consumed by reading it, where a payback reads a sum at every period.
#[derive(Clone, Debug, Default)]
pub(crate) struct ExactSum {
    /// Non-zero, non-overlapping, in increasing magnitude.
    partials: Vec<f64>,
}

impl ExactSum {
    /// Adds `x` exactly.
    pub fn add(&mut self, mut x: f64) {
        let mut kept = 0;
        for j in 0..self.partials.len() {
            let mut y = self.partials[j];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            let lo = y - (hi - x);
            if lo != 0.0 {
                self.partials[kept] = lo;
                kept += 1;
            }
            x = hi;
        }
        self.partials.truncate(kept);
        if x != 0.0 {
            self.partials.push(x);
        }
    }

    /// The sum so far, rounded once to the nearest f64 (ties to even); +0.0 when exactly 0.
    pub fn value(&self) -> f64 {
        let p = &self.partials;
        let Some((&top, rest)) = p.split_last() else {
            return 0.0;
        };
        // From the top down while the additions are exact.
        let (mut hi, mut lo) = (top, 0.0);
        let mut n = rest.len();
        while n > 0 {
            n -= 1;
            let (x, y) = (hi, p[n]);
            hi = x + y;
            lo = y - (hi - x);
            if lo != 0.0 {
                break;
            }
        }
        // A half-way case decided by the partials below: round the other way.
        if n > 0 && ((lo < 0.0 && p[n - 1] < 0.0) || (lo > 0.0 && p[n - 1] > 0.0)) {
            let y = lo * 2.0;
            let x = hi + y;
            if y == x - hi {
                hi = x;
            }
        }
        hi
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    /// 2^64: the reference below counts in units of 2^−64.
    const UNIT: f64 = 18_446_744_073_709_551_616.0;

    /// The exact running sums of `flows` in units of 2^−64, as integers: an independent
    /// reference for flows that are multiples of 2^−64 below 2^57 in size (what the strategies
    /// below make), `None` for others.
    pub(crate) fn fixed_point_sums(flows: &[f64]) -> Option<Vec<i128>> {
        let mut sum = 0i128;
        flows
            .iter()
            .map(|&x| {
                let scaled = x * UNIT; // exact: a power of two
                (scaled.fract() == 0.0 && scaled.abs() < 2f64.powi(121)).then(|| {
                    sum += scaled as i128;
                    sum
                })
            })
            .collect()
    }

    /// The reference sum rounded once (`as` rounds to nearest, ties to even; the division
    /// by 2^64 is exact).
    pub(crate) fn rounded(sum: i128) -> f64 {
        sum as f64 / UNIT
    }

    /// Amounts in cents or thousandths, up to about 1e15: multiples of 2^−64.
    pub(crate) fn decimal_amount() -> impl Strategy<Value = f64> {
        prop_oneof![
            (-100_000_000i64..100_000_000).prop_map(|c| c as f64 / 100.0),
            (-999i64..1000, -3i32..10).prop_map(|(m, e)| m as f64 * 10f64.powi(e)),
            (-99i64..100).prop_map(|m| m as f64 * 1e13),
        ]
    }

    /// Flows whose running balance comes within rounding of zero: an amount in cents paid
    /// back in `k` equal instalments (decimal amounts are not binary ones, so the exact sum
    /// of the binary values may be 0 or a few ulps either side), then a few more amounts.
    pub(crate) fn near_break_even() -> impl Strategy<Value = Vec<f64>> {
        (
            1u64..2_000_000_000,
            1usize..40,
            prop::collection::vec(decimal_amount(), 0..6),
        )
            .prop_map(|(cents, k, tail)| {
                let mut flows = vec![-((cents * k as u64) as f64 / 100.0)];
                flows.extend(std::iter::repeat_n(cents as f64 / 100.0, k));
                flows.extend(tail);
                flows
            })
    }

    /// Amounts of mixed magnitudes, then the negated floating-point sum of them: the exact
    /// total is that sum's rounding error (often non-zero where the float total is 0).
    pub(crate) fn cancelling() -> impl Strategy<Value = Vec<f64>> {
        prop::collection::vec(decimal_amount(), 1..30).prop_map(|mut flows| {
            let total: f64 = flows.iter().sum();
            flows.push(-total);
            flows
        })
    }

    #[test]
    fn the_reported_break_even_is_exactly_zero() {
        let flows = [-352_611.2, 88_152.8, 88_152.8, 88_152.8, 88_152.8];
        let float: Vec<f64> = flows
            .iter()
            .scan(0.0, |s, &x| {
                *s += x;
                Some(*s)
            })
            .collect();
        assert!(
            float[4] < 0.0,
            "the float sum is the slip being fixed: {}",
            float[4]
        );
        let b = running_balances(&flows);
        assert_eq!(b[4].to_bits(), 0.0f64.to_bits());
        // The balances before are far from zero: kept as summed.
        assert_eq!(b[..4], float[..4]);
        assert_eq!(exact_sum(flows), 0.0);
    }

    #[test]
    fn a_genuine_shortfall_after_large_flows_stays_negative() {
        // −0.001 short after 1e9: no tolerance turns it into a break-even.
        let b = running_balances(&[-1e9, 5e8, 5e8 - 1e-3]);
        assert!(b[2] < 0.0 && b[2] > -2e-3, "{}", b[2]);
        // 1e16 − 1 rounds to 1e16 in floating point; exactly, the balance ends at −1.
        assert_eq!(running_balances(&[-1.0, 1e16, -1e16])[2], -1.0);
        assert_eq!(
            running_balances(&[-1e9, 1e-3, 1e9 - 1e-3])[2],
            -4.6730041503885433e-8
        );
    }

    #[test]
    fn exact_sums_round_once() {
        assert_eq!(exact_sum([-1.0]), -1.0);
        assert_eq!(exact_sum([0.1, 0.2, -0.3]), 2.7755575615628914e-17);
        assert_eq!(exact_sum([1e16, 1.0, -1e16]), 1.0);
        assert_eq!(exact_sum([]).to_bits(), 0.0f64.to_bits());
        assert_eq!(exact_sum([-1.0, 1.0]).to_bits(), 0.0f64.to_bits());
        // Half-way between two floats, decided by a partial far below: 2^53 + 1 + 2^−60
        // rounds up, 2^53 + 1 − 2^−60 down.
        let big = 2f64.powi(53);
        assert_eq!(exact_sum([big, 1.0, 2f64.powi(-60)]), big + 2.0);
        assert_eq!(exact_sum([big, 1.0, -(2f64.powi(-60))]), big);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Every balance has the exact sign (zero included); a balance whose float sum's sign
        /// is certain keeps the float sum's bits (as the model's loop leaves it), the others
        /// are the exact sum rounded once.
        #[test]
        fn balances_have_exact_signs(
            flows in prop_oneof![near_break_even(), cancelling(), prop::collection::vec(decimal_amount(), 0..50)]
        ) {
            let reference = fixed_point_sums(&flows).expect("multiples of 2^-64");
            let b = running_balances(&flows);
            let (mut float, mut swept) = (0.0f64, 0.0f64);
            for ((&cf, &bt), &exact) in flows.iter().zip(&b).zip(&reference) {
                prop_assert_eq!(bt.partial_cmp(&0.0), Some(exact.cmp(&0)), "{:?}", flows);
                float += cf;
                swept += float.abs();
                let certain = float.abs() >= f64::EPSILON * swept;
                let want = if certain { float } else { rounded(exact) };
                prop_assert_eq!(bt.to_bits(), want.to_bits(), "{:?}", flows);
            }
            // And the exact sum read at every step is the reference rounded once.
            let sums = exact_running_sums(flows.iter().copied());
            for (&got, &exact) in sums.iter().zip(&reference) {
                prop_assert_eq!(got.to_bits(), rounded(exact).to_bits());
            }
        }

        /// Flows of any size in f64's comfortable range: the float sums' signs are certain
        /// nearly always, and then kept to the bit.
        #[test]
        fn far_from_zero_balances_are_the_float_sums(
            flows in prop::collection::vec(-1e6f64..1e6, 0..80),
            lead in 0usize..5,
        ) {
            let flows: Vec<f64> = std::iter::repeat_n(0.0, lead).chain(flows).collect();
            let float: Vec<f64> = flows
                .iter()
                .scan(0.0, |s, &x| {
                    *s += x;
                    Some(*s)
                })
                .collect();
            // The cheap check vouches for them (leading zeros included)...
            prop_assert!(balances_are_certain(&flows, &float), "{:?}", flows);
            // ...and settling would change nothing anyway.
            let mut settled = float.clone();
            settle_balances(&flows, &mut settled);
            prop_assert_eq!(&settled, &float);
        }

        /// Whenever a balance fails the exact rule, the cheap check does not vouch for them.
        #[test]
        fn the_cheap_check_is_never_less_strict(
            flows in prop_oneof![near_break_even(), cancelling(), prop::collection::vec(decimal_amount(), 0..50)]
        ) {
            let float: Vec<f64> = flows
                .iter()
                .scan(0.0, |s, &x| {
                    *s += x;
                    Some(*s)
                })
                .collect();
            let mut settled = float.clone();
            settle_balances(&flows, &mut settled);
            let (mut f, mut swept, mut all_certain) = (0.0f64, 0.0f64, true);
            for &cf in &flows {
                f += cf;
                swept += f.abs();
                all_certain &= f.abs() >= f64::EPSILON * swept;
            }
            if !all_certain {
                prop_assert!(!balances_are_certain(&flows, &float), "{:?}", flows);
            }
        }
    }
}
