//! Exact sums of a month's flows across trials, for the mean cash flow (`monthly.csv`, the
//! workbook's mean sheet).
//!
//! A mean must come out the same for any thread count and for any way a run is cut into parts
//! (`--trials-range`, `merge`). Floating-point addition is not associative, so a plain running
//! sum would depend on which trials each thread or part added first. Here every value is added
//! exactly, into a fixed-point integer wide enough for any finite f64 (a Kulisch accumulator of
//! 32-bit digits held in i64s), and read out rounded once: the result is a function of the set
//! of values alone. No digit can overflow before 2^31 values have been added, more than the
//! 10^8 trials a run may have.
//!
//! The run adds two rows of months per trial, so the adding is cheap: [`MonthlyAccumulator`]
//! keeps, for each month, a window of 24 binary orders of magnitude placed around the first
//! value it saw, and adds the values that fall in it as shifted integers, a whole row at a
//! time (branch-free, so it vectorises); every 64 trials the windows go into the exact sums.
//! Values outside a month's window (and zeros, which add nothing) take the general path. Every
//! path is exact, so which one a value takes changes nothing in the result.

use serde::{Deserialize, Serialize};

/// Bits per digit.
const DIGIT_BITS: u32 = 32;
/// Digits: every finite f64 is `m · 2^(s − 1074)` with `m < 2^53` and `s ≤ 2045`, so it spans
/// digits `s / 32 ..= s / 32 + 2 ≤ 65`; one more holds the carries.
const DIGITS: usize = 67;
const LOW_MASK: i64 = (1 << DIGIT_BITS) - 1;

/// An exact sum of f64 values (see the module documentation). Infinities and NaN are counted
/// apart, so the sum of finite values stays exact and a non-finite value still shows in the
/// result as IEEE addition would show it.
#[derive(Debug, Clone)]
pub struct ExactSum {
    /// Digit `i` weighs `2^(32 i − 1074)`; not carried between digits until [`normalised`].
    digits: [i64; DIGITS],
    positive_infinities: u64,
    negative_infinities: u64,
    nans: u64,
}

impl Default for ExactSum {
    fn default() -> Self {
        ExactSum {
            digits: [0; DIGITS],
            positive_infinities: 0,
            negative_infinities: 0,
            nans: 0,
        }
    }
}

/// Equal sums: the same values added, whichever way they were grouped.
impl PartialEq for ExactSum {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.normalised(), other.normalised());
        a.digits == b.digits
            && a.positive_infinities == b.positive_infinities
            && a.negative_infinities == b.negative_infinities
            && a.nans == b.nans
    }
}

/// `2^k` for `−1074 ≤ k ≤ 1023`.
fn pow2(k: i32) -> f64 {
    if k >= -1022 {
        f64::from_bits(((k + 1023) as u64) << 52)
    } else {
        f64::from_bits(1u64 << (k + 1074))
    }
}

impl ExactSum {
    /// Add `x` exactly.
    #[inline]
    pub fn add(&mut self, x: f64) {
        let bits = x.to_bits();
        let exponent = ((bits >> 52) & 0x7ff) as u32;
        if exponent == 0x7ff {
            self.add_special(x);
            return;
        }
        let fraction = bits & ((1 << 52) - 1);
        // x = mantissa · 2^(shift − 1074); subnormals have no implicit bit.
        let (mantissa, shift) = if exponent == 0 {
            (fraction, 0)
        } else {
            (fraction | (1 << 52), exponent - 1)
        };
        let wide = u128::from(mantissa) << (shift % DIGIT_BITS);
        let i = (shift / DIGIT_BITS) as usize;
        // −1 for negative x, else 0: v ^ sign − sign is v or −v.
        let sign = -((bits >> 63) as i64);
        let signed = |v: i64| (v ^ sign) - sign;
        self.digits[i] += signed((wide as i64) & LOW_MASK);
        self.digits[i + 1] += signed(((wide >> 32) as i64) & LOW_MASK);
        self.digits[i + 2] += signed((wide >> 64) as i64);
    }

    /// Add `v · 2^(shift − 1074)` exactly (`|v| < 2^63`, `shift ≤ 2054`).
    #[inline]
    fn add_scaled_integer(&mut self, v: i64, shift: u32) {
        let wide = u128::from(v.unsigned_abs()) << (shift % DIGIT_BITS);
        let i = (shift / DIGIT_BITS) as usize;
        let sign = v >> 63;
        let signed = |x: i64| (x ^ sign) - sign;
        self.digits[i] += signed((wide as i64) & LOW_MASK);
        self.digits[i + 1] += signed(((wide >> 32) as i64) & LOW_MASK);
        self.digits[i + 2] += signed(((wide >> 64) as i64) & LOW_MASK);
    }

    #[cold]
    fn add_special(&mut self, x: f64) {
        if x.is_nan() {
            self.nans += 1;
        } else if x > 0.0 {
            self.positive_infinities += 1;
        } else {
            self.negative_infinities += 1;
        }
    }

    /// Add every value of another sum (exactly: the order of merging does not matter).
    pub fn merge(&mut self, other: &ExactSum) {
        let other = other.normalised();
        let mut mine = self.normalised();
        for (a, b) in mine.digits.iter_mut().zip(&other.digits) {
            *a += b;
        }
        mine.positive_infinities += other.positive_infinities;
        mine.negative_infinities += other.negative_infinities;
        mine.nans += other.nans;
        *self = mine.normalised();
    }

    /// The same sum with every digit but the last in `0..2^32` (the last carries the sign): one
    /// representation per value, so it can be compared and stored.
    fn normalised(&self) -> ExactSum {
        let mut out = self.clone();
        for i in 0..DIGITS - 1 {
            let carry = out.digits[i] >> DIGIT_BITS;
            out.digits[i] &= LOW_MASK;
            out.digits[i + 1] += carry;
        }
        out
    }

    /// The sum, rounded once to the nearest f64 (ties to even). NaN if a NaN was added or
    /// infinities of both signs were; ±∞ if infinities of one sign were (as IEEE addition
    /// gives in any order).
    pub fn value(&self) -> f64 {
        if self.nans > 0 || (self.positive_infinities > 0 && self.negative_infinities > 0) {
            return f64::NAN;
        }
        if self.positive_infinities > 0 {
            return f64::INFINITY;
        }
        if self.negative_infinities > 0 {
            return f64::NEG_INFINITY;
        }
        let mut n = self.normalised();
        // A negative sum is read as its magnitude, negated at the end (rounding to nearest is
        // symmetric): its normalised digits alone would be a two's complement of far larger
        // numbers.
        let negative = n.digits[DIGITS - 1] < 0;
        if negative {
            for d in &mut n.digits {
                *d = -*d;
            }
            n = n.normalised();
        }
        // Each digit times its weight is exact (digits are below 2^32 in magnitude, except a
        // top one that only a sum beyond f64's range makes large); the exact sum of those,
        // rounded once, is the sum rounded once.
        let magnitude =
            crate::finance::exact_sum(n.digits.iter().enumerate().filter(|(_, d)| **d != 0).map(
                |(i, &d)| {
                    let k = i as i32 * DIGIT_BITS as i32 - 1074;
                    if k <= 1023 {
                        d as f64 * pow2(k)
                    } else {
                        d as f64 * pow2(1023) * pow2(k - 1023)
                    }
                },
            ));
        // Beyond f64's range (the terms, or their sum, overflowed): infinite, as IEEE gives.
        let magnitude = if magnitude.is_finite() {
            magnitude
        } else {
            f64::INFINITY
        };
        if negative { -magnitude } else { magnitude }
    }
}

/// How an [`ExactSum`] is stored in a part file: its digits normalised, without the zero ones
/// at either end (`first` is the index of the first kept digit), and the non-finite counts.
#[derive(Serialize, Deserialize)]
struct StoredSum {
    first: usize,
    digits: Vec<i64>,
    #[serde(default)]
    positive_infinities: u64,
    #[serde(default)]
    negative_infinities: u64,
    #[serde(default)]
    nans: u64,
}

impl Serialize for ExactSum {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let n = self.normalised();
        let first = n.digits.iter().position(|&d| d != 0).unwrap_or(0);
        let end = n.digits.iter().rposition(|&d| d != 0).map_or(0, |i| i + 1);
        StoredSum {
            first,
            digits: n.digits[first..end.max(first)].to_vec(),
            positive_infinities: n.positive_infinities,
            negative_infinities: n.negative_infinities,
            nans: n.nans,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for ExactSum {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let stored = StoredSum::deserialize(d)?;
        if stored.first + stored.digits.len() > DIGITS {
            return Err(serde::de::Error::custom(
                "an exact sum with too many digits",
            ));
        }
        // Stored sums are normalised: every digit in 0..2^32 but the top one, which carries
        // the sign and is small. Anything else was not written by a run (and could overflow
        // when carried).
        let top = DIGITS - 1;
        let sane = stored.digits.iter().enumerate().all(|(k, &d)| {
            if stored.first + k == top {
                d.unsigned_abs() <= 1 << DIGIT_BITS
            } else {
                (0..1 << DIGIT_BITS).contains(&d)
            }
        });
        if !sane {
            return Err(serde::de::Error::custom(
                "an exact sum with a digit out of range",
            ));
        }
        let mut sum = ExactSum {
            positive_infinities: stored.positive_infinities,
            negative_infinities: stored.negative_infinities,
            nans: stored.nans,
            ..ExactSum::default()
        };
        sum.digits[stored.first..stored.first + stored.digits.len()]
            .copy_from_slice(&stored.digits);
        Ok(sum)
    }
}

/// Exact sums of the benefits and costs of every month across a run's trials: their means are
/// the mean cash flow, whose NPV is the mean NPV (NPV is linear).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthlySums {
    /// Σ over trials of the month's benefits, one per month.
    pub benefits: Vec<ExactSum>,
    /// Σ over trials of the month's costs, one per month.
    pub costs: Vec<ExactSum>,
}

impl MonthlySums {
    /// Zero sums for `horizon` months.
    pub fn new(horizon: usize) -> Self {
        MonthlySums {
            benefits: vec![ExactSum::default(); horizon],
            costs: vec![ExactSum::default(); horizon],
        }
    }

    /// Add another set of sums (order does not matter).
    pub fn merge(&mut self, other: &MonthlySums) {
        for (a, b) in self.benefits.iter_mut().zip(&other.benefits) {
            a.merge(b);
        }
        for (a, b) in self.costs.iter_mut().zip(&other.costs) {
            a.merge(b);
        }
    }

    /// The mean benefits and costs by month over `trials` trials (each sum rounded once, then
    /// divided), and the mean net flow as their difference.
    pub fn means(&self, trials: u64) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        let n = trials.max(1) as f64;
        let mean = |v: &[ExactSum]| v.iter().map(|s| s.value() / n).collect::<Vec<_>>();
        let (b, c) = (mean(&self.benefits), mean(&self.costs));
        let net = b.iter().zip(&c).map(|(b, c)| b - c).collect();
        (b, c, net)
    }
}

/// Trials whose values a window holds before they go into the exact sums: 64 values below
/// 2^55 (a 32-bit half of a mantissa shifted by less than 24) stay far below 2^63.
const FLUSH_EVERY: u32 = 64;
/// Binary orders of magnitude a month's window spans.
const WINDOW: u64 = 24;
/// A window not placed yet: no exponent field is within [`WINDOW`] above it.
const UNSET: u64 = 1 << 40;
const FRACTION: u64 = (1 << 52) - 1;
const IMPLICIT: u64 = 1 << 52;

/// One series of monthly values (benefits, or costs) being summed over trials.
#[derive(Debug, Clone)]
struct SeriesAccumulator {
    /// Per month: the exponent field of the window's unit, in `1..=2047 − WINDOW`, or
    /// [`UNSET`]. A normal value with exponent field e is `m · 2^(e − 1075)` (m its 53-bit
    /// mantissa), so it is `m << (e − base)` window units.
    base: Vec<u64>,
    /// Per month: the sum of ± (the low 32 bits of m) << (e − base), in window units.
    low: Vec<i64>,
    /// Per month: the sum of ± (the high 21 bits of m) << (e − base), in units of 2^32.
    high: Vec<i64>,
    sums: Vec<ExactSum>,
}

/// Adds `values` into the windows (`low`, `high`) where they fall inside; returns whether any
/// non-zero value fell outside. Branch-free over the row.
#[inline(always)]
fn add_row_in_windows_portable(
    values: &[f64],
    base: &[u64],
    low: &mut [i64],
    high: &mut [i64],
) -> bool {
    let n = values.len().min(base.len()).min(low.len()).min(high.len());
    let mut outside = 0u64;
    for t in 0..n {
        let bits = values[t].to_bits();
        let d = ((bits >> 52) & 0x7ff).wrapping_sub(base[t]);
        let inside = d < WINDOW;
        let zero = bits << 1 == 0;
        let m = (bits & FRACTION) | IMPLICIT;
        let shift = d & 31;
        let sign = (bits as i64) >> 63;
        let keep = -i64::from(inside);
        low[t] += ((((m & LOW_MASK as u64) << shift) as i64 ^ sign) - sign) & keep;
        high[t] += ((((m >> 32) << shift) as i64 ^ sign) - sign) & keep;
        outside |= u64::from(!inside & !zero);
    }
    outside != 0
}

/// [`add_row_in_windows_portable`] compiled for AVX2 (variable 64-bit shifts, four months per
/// instruction). Exact either way, so the same sums.
///
/// # Safety
/// The processor must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn add_row_in_windows_avx2(
    values: &[f64],
    base: &[u64],
    low: &mut [i64],
    high: &mut [i64],
) -> bool {
    add_row_in_windows_portable(values, base, low, high)
}

impl SeriesAccumulator {
    fn new(horizon: usize) -> Self {
        SeriesAccumulator {
            base: vec![UNSET; horizon],
            low: vec![0; horizon],
            high: vec![0; horizon],
            sums: vec![ExactSum::default(); horizon],
        }
    }

    #[inline]
    fn add_row(&mut self, values: &[f64]) {
        #[cfg(target_arch = "x86_64")]
        let outside = if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2 (checked just above).
            unsafe { add_row_in_windows_avx2(values, &self.base, &mut self.low, &mut self.high) }
        } else {
            add_row_in_windows_portable(values, &self.base, &mut self.low, &mut self.high)
        };
        #[cfg(not(target_arch = "x86_64"))]
        let outside =
            add_row_in_windows_portable(values, &self.base, &mut self.low, &mut self.high);
        if outside {
            self.add_outside(values);
        }
    }

    /// The values of a row that fell outside their windows: a month seeing its first normal
    /// value places its window around it (and adds it there), the others go to the exact sum.
    #[cold]
    fn add_outside(&mut self, values: &[f64]) {
        for (t, &x) in values.iter().enumerate().take(self.base.len()) {
            let bits = x.to_bits();
            let e = (bits >> 52) & 0x7ff;
            if x == 0.0 || e.wrapping_sub(self.base[t]) < WINDOW {
                continue;
            }
            if self.base[t] == UNSET && x.is_normal() {
                self.base[t] = e.saturating_sub(WINDOW / 2).clamp(1, 2047 - WINDOW);
                add_row_in_windows_portable(
                    &values[t..=t],
                    &self.base[t..=t],
                    &mut self.low[t..=t],
                    &mut self.high[t..=t],
                );
            } else {
                self.sums[t].add(x);
            }
        }
    }

    /// Move the windows into the exact sums.
    fn flush(&mut self) {
        for t in 0..self.base.len() {
            // A window's unit is 2^(base − 1075) = 2^((base − 1) − 1074).
            let shift = self.base[t].min(2047) as u32;
            if self.low[t] != 0 {
                self.sums[t].add_scaled_integer(self.low[t], shift - 1);
            }
            if self.high[t] != 0 {
                self.sums[t].add_scaled_integer(self.high[t], shift - 1 + 32);
            }
            self.low[t] = 0;
            self.high[t] = 0;
        }
    }
}

/// A worker's sums of benefits and costs by month, as the run adds trials to them (see the
/// module documentation); [`MonthlyAccumulator::into_sums`] gives the [`MonthlySums`].
#[derive(Debug, Clone)]
pub struct MonthlyAccumulator {
    benefits: SeriesAccumulator,
    costs: SeriesAccumulator,
    /// Trials in the windows since the last flush.
    pending: u32,
}

impl MonthlyAccumulator {
    /// Nothing added yet, for `horizon` months.
    pub fn new(horizon: usize) -> Self {
        MonthlyAccumulator {
            benefits: SeriesAccumulator::new(horizon),
            costs: SeriesAccumulator::new(horizon),
            pending: 0,
        }
    }

    /// Add one trial's benefits and costs, month by month.
    #[inline]
    pub fn add_trial(&mut self, benefits: &[f64], costs: &[f64]) {
        self.benefits.add_row(benefits);
        self.costs.add_row(costs);
        self.pending += 1;
        if self.pending == FLUSH_EVERY {
            self.benefits.flush();
            self.costs.flush();
            self.pending = 0;
        }
    }

    /// The exact sums of everything added.
    pub fn into_sums(mut self) -> MonthlySums {
        self.benefits.flush();
        self.costs.flush();
        MonthlySums {
            benefits: self.benefits.sums,
            costs: self.costs.sums,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sum_of(values: &[f64]) -> f64 {
        let mut s = ExactSum::default();
        for &v in values {
            s.add(v);
        }
        s.value()
    }

    #[test]
    fn sums_are_exact_and_rounded_once() {
        assert_eq!(sum_of(&[]), 0.0);
        assert_eq!(sum_of(&[1.0, 1e100, 1.0, -1e100]), 2.0);
        assert_eq!(
            sum_of(&[0.1, 0.2, 0.3]),
            crate::finance::exact_sum([0.1, 0.2, 0.3])
        );
        assert_eq!(sum_of(&[5e-324, 5e-324]), 1e-323);
        assert_eq!(sum_of(&[-5e-324]), -5e-324);
        assert_eq!(sum_of(&[f64::MAX, -f64::MAX, 3.5]), 3.5);
        assert_eq!(sum_of(&[-1.0]), -1.0);
        assert_eq!(sum_of(&[f64::MIN_POSITIVE, -3.0]), -3.0);
        assert_eq!(sum_of(&[f64::MAX, f64::MAX]), f64::INFINITY);
        assert_eq!(sum_of(&[1.0, f64::INFINITY]), f64::INFINITY);
        assert_eq!(sum_of(&[f64::NEG_INFINITY, 2.0]), f64::NEG_INFINITY);
        assert!(sum_of(&[f64::NEG_INFINITY, f64::INFINITY]).is_nan());
        assert!(sum_of(&[f64::NAN, 1.0]).is_nan());
    }

    #[test]
    fn stored_sums_read_back_to_the_same_sum() {
        let mut s = ExactSum::default();
        for v in [1.5e9, -2.25e-7, 3e300, -3e300, 0.1] {
            s.add(v);
        }
        let text = serde_json::to_string(&s).unwrap();
        let back: ExactSum = serde_json::from_str(&text).unwrap();
        assert_eq!(back.normalised(), s.normalised());
        assert_eq!(back.value().to_bits(), s.value().to_bits());
        for bad in [
            r#"{"first":60,"digits":[1,2,3,4,5,6,7,8]}"#,
            r#"{"first":3,"digits":[-1]}"#,
            r#"{"first":3,"digits":[4294967296]}"#,
            r#"{"first":66,"digits":[9223372036854775807]}"#,
        ] {
            assert!(serde_json::from_str::<ExactSum>(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        /// Any order and any split into merged pieces give the same bits, and they are the
        /// correctly rounded sum (`finance::exact_sum`, an independent algorithm).
        #[test]
        fn order_and_splits_do_not_matter(
            values in prop::collection::vec(
                prop_oneof![-1e12..1e12f64, -1.0..1.0f64, any::<f64>().prop_filter("finite", |v| v.is_finite() && v.abs() < 1e300)],
                0..80,
            ),
            cut in 0usize..80,
        ) {
            let want = crate::finance::exact_sum(values.iter().copied());
            prop_assert_eq!(sum_of(&values).to_bits(), want.to_bits());
            let mut reversed = values.clone();
            reversed.reverse();
            prop_assert_eq!(sum_of(&reversed).to_bits(), want.to_bits());
            let cut = cut.min(values.len());
            let (mut a, mut b) = (ExactSum::default(), ExactSum::default());
            values[..cut].iter().for_each(|&v| a.add(v));
            values[cut..].iter().for_each(|&v| b.add(v));
            b.merge(&a);
            prop_assert_eq!(b.value().to_bits(), want.to_bits());
        }

        /// The windows of [`MonthlyAccumulator`] give the exact sums, whatever the values'
        /// magnitudes (inside, outside and across windows, zeros, subnormals, either sign), on
        /// either build of the row kernel.
        #[test]
        fn windows_give_the_exact_sums(
            rows in prop::collection::vec(
                prop::collection::vec(
                    prop_oneof![
                        -1e7..1e7f64,
                        -1e-3..1e-3f64,
                        Just(0.0),
                        Just(-0.0),
                        Just(5e-324),
                        -1e300..1e300f64,
                    ],
                    3,
                ),
                1..200,
            ),
        ) {
            let mut acc = MonthlyAccumulator::new(3);
            for row in &rows {
                let negated: Vec<f64> = row.iter().map(|v| -v * 0.5).collect();
                acc.add_trial(row, &negated);
            }
            let sums = acc.into_sums();
            for t in 0..3 {
                let want = crate::finance::exact_sum(rows.iter().map(|r| r[t]));
                prop_assert_eq!(sums.benefits[t].value().to_bits(), want.to_bits());
                let want = crate::finance::exact_sum(rows.iter().map(|r| -r[t] * 0.5));
                prop_assert_eq!(sums.costs[t].value().to_bits(), want.to_bits());
            }
        }
    }

    #[test]
    fn both_builds_of_the_row_kernel_add_the_same() {
        let values = [1.5e6, -2.5e6, 0.0, 7e-5, f64::NAN, 3e6, -0.0, 1.0e6];
        let base = [1043, 1043, 1043, 1043, 1043, UNSET, 1043, 1043];
        type Kernel<'a> = &'a dyn Fn(&[f64], &[u64], &mut [i64], &mut [i64]) -> bool;
        let run = |f: Kernel| {
            let (mut low, mut high) = ([0i64; 8], [0i64; 8]);
            let outside = f(&values, &base, &mut low, &mut high);
            (outside, low, high)
        };
        let portable = run(&add_row_in_windows_portable);
        assert!(portable.0, "7e-5, NaN and 3e6 fall outside");
        assert_eq!((portable.1[2], portable.1[3], portable.1[4]), (0, 0, 0));
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2 (checked just above).
            let avx2 = run(&|v, b, l, h| unsafe { add_row_in_windows_avx2(v, b, l, h) });
            assert_eq!(avx2, portable);
        }
    }
}
