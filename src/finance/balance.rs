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
//! No tolerance is involved: a balance of −0.001 after flows of 1e9 stays negative. The check
//! costs two additions, a multiplication and a comparison a period, which the per-month loop
//! of the model does beside its own additions ([`RunningBalance`]); the exact sum runs only
//! when a balance is that close to zero.

/// A running balance with the check that tells whether every balance so far has a certain
/// sign: the one loop step that [`running_balances`] and the model's per-month loop share.
#[derive(Clone, Copy, Debug, Default)]
pub struct RunningBalance {
    balance: f64,
    /// `Σ |b_k|` so far: `ε` times it bounds twice the rounding error of `balance`.
    swept: f64,
    /// Some balance so far was within its rounding bound of zero.
    unsure: bool,
}

impl RunningBalance {
    /// Adds the next flow and returns the running sum `b_t`.
    #[inline(always)]
    pub fn add(&mut self, cf: f64) -> f64 {
        let b = self.balance + cf;
        self.balance = b;
        self.swept += b.abs();
        self.unsure |= b.abs() < f64::EPSILON * self.swept;
        b
    }

    /// Whether every running sum so far has the sign of the exact balance (else
    /// [`settle_balances`] must decide the ones that may not).
    #[inline(always)]
    pub fn is_sure(&self) -> bool {
        !self.unsure
    }
}

/// Replaces every running sum in `balances` (of `flows`, as [`RunningBalance`] adds them)
/// whose sign is not certain by the exact balance rounded once; the others are left as they
/// are. Every flow must be finite.
///
/// Called only when [`RunningBalance::is_sure`] says so: it sums every flow exactly, at a cost
/// of some tens of nanoseconds a flow. Balances beyond f64's range (partial sums above about
/// 1.8e308, which no exact sum can round to) stay as summed.
pub fn settle_balances(flows: &[f64], balances: &mut [f64]) {
    let mut exact = ExactSum::default();
    let mut run = RunningBalance::default();
    for (&cf, b) in flows.iter().zip(balances.iter_mut()) {
        exact.add(cf);
        run.unsure = false;
        run.add(cf);
        if run.unsure {
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
    let mut run = RunningBalance::default();
    let mut balances: Vec<f64> = flows.iter().map(|&cf| run.add(cf)).collect();
    if !run.is_sure() {
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
            let mut run = RunningBalance::default();
            for ((&cf, &bt), &exact) in flows.iter().zip(&b).zip(&reference) {
                prop_assert_eq!(bt.partial_cmp(&0.0), Some(exact.cmp(&0)), "{:?}", flows);
                run.unsure = false;
                let float = run.add(cf);
                let want = if run.unsure { rounded(exact) } else { float };
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
        fn far_from_zero_balances_are_the_float_sums(flows in prop::collection::vec(-1e6f64..1e6, 0..80)) {
            let mut run = RunningBalance::default();
            let float: Vec<f64> = flows.iter().map(|&cf| run.add(cf)).collect();
            if run.is_sure() {
                let b = running_balances(&flows);
                prop_assert_eq!(b.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                    float.iter().map(|x| x.to_bits()).collect::<Vec<_>>());
            }
        }
    }
}
