//! Mergeable quantile summaries for month-by-month series, so memory does not grow with
//! trials × months.
//!
//! Both sketches hold integer counts only: merging is addition, which gives the same result in
//! any order — per-thread sketches combine bit-identically whatever the thread count, and
//! shards of a run merge into exactly the sketch of a single run.

use serde::{Deserialize, Serialize};

/// Relative accuracy of [`LogSketch`] quantiles.
pub const RELATIVE_ACCURACY: f64 = 0.005;
/// Magnitudes below this (in currency units) are counted as zero.
const ZERO_THRESHOLD: f64 = 1.0;

/// Counts over a contiguous range of bucket indices, growing as needed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Store {
    offset: i32,
    counts: Vec<u64>,
}

impl Store {
    /// Count `n` values in bucket `index`. The common case (a bucket inside the current range)
    /// is one bounds check and one increment.
    #[inline]
    fn add(&mut self, index: i32, n: u64) {
        let pos = index.wrapping_sub(self.offset) as u32 as usize;
        match self.counts.get_mut(pos) {
            Some(c) if index >= self.offset => *c += n,
            _ => self.grow_and_add(index, n),
        }
    }

    /// Extend the range to `index` (with some slack, so that a range filling up one bucket at
    /// a time costs amortised O(1) per bucket), then count. Empty buckets at the ends are
    /// harmless: quantiles skip them, merging adds zeros.
    #[cold]
    fn grow_and_add(&mut self, index: i32, n: u64) {
        const SLACK: i32 = 16;
        if self.counts.is_empty() {
            self.offset = index;
            self.counts.push(0);
        }
        if index < self.offset {
            let grow = (self.offset - index + SLACK.max(self.counts.len() as i32 / 4)) as usize;
            let mut counts = vec![0; grow];
            counts.extend_from_slice(&self.counts);
            self.counts = counts;
            self.offset -= grow as i32;
        }
        let pos = (index - self.offset) as usize;
        if pos >= self.counts.len() {
            let slack = (SLACK as usize).max(self.counts.len() / 4);
            self.counts.resize(pos + 1 + slack, 0);
        }
        self.counts[pos] += n;
    }

    fn merge(&mut self, other: &Store) {
        for (k, &c) in other.counts.iter().enumerate() {
            if c > 0 {
                self.add(other.offset + k as i32, c);
            }
        }
    }
}

// The index mapping: a cheap, monotone stand-in for log2 built from the float's bits (the
// "cubically interpolated" mapping of DDSketch): for x = 2^e (1 + s), s in [0, 1),
// L(x) = e + P(s) with P(s) = A s^3 + B s^2 + C s, P(0) = 0, P(1) = 1. Bucket i holds the
// values with L(x) * MULTIPLIER in [i, i + 1). In ln x a bucket is at most
// 1 / (MULTIPLIER * min_s (1 + s) P'(s)) wide; that minimum is C (at s = 0), so with
// MULTIPLIER = 1 / (C ln gamma) every bucket spans at most a factor gamma = (1 + a) / (1 - a),
// and its relative midpoint is within a (the relative accuracy) of every value in it. The
// cost is about 1% more buckets than exact logarithms, for no `ln` and no `ceil` per value.
const CUBIC_A: f64 = 6.0 / 35.0;
const CUBIC_B: f64 = -3.0 / 5.0;
const CUBIC_C: f64 = 10.0 / 7.0;
const MANTISSA_MASK: u64 = (1 << 52) - 1;
const EXPONENT_ONE: u64 = 1023 << 52;

#[inline]
fn cubic(s: f64) -> f64 {
    ((CUBIC_A * s + CUBIC_B) * s + CUBIC_C) * s
}

/// L(x) for a positive, finite, normal x (callers pass magnitudes of at least one).
#[inline]
fn log2_like(x: f64) -> f64 {
    let bits = x.to_bits();
    let e = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let s = f64::from_bits((bits & MANTISSA_MASK) | EXPONENT_ONE) - 1.0;
    cubic(s) + e as f64
}

/// The inverse of [`log2_like`].
fn log2_like_inverse(l: f64) -> f64 {
    let e = l.floor();
    let target = l - e;
    // P is increasing on [0, 1]: bisect (only at query time).
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    for _ in 0..64 {
        let mid = 0.5 * (lo + hi);
        if cubic(mid) < target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (1.0 + 0.5 * (lo + hi)) * 2f64.powi(e as i32)
}

fn multiplier() -> f64 {
    // A hair above the bound, so rounding can only make buckets narrower.
    (1.0 + 1e-9) / (CUBIC_C * gamma_ln())
}

/// A DDSketch-style quantile sketch (Masson, Rim & Lee, 2019): values fall into buckets whose
/// bounds grow geometrically, so any quantile is returned within ±0.5% of the true value
/// (magnitudes under one currency unit count as zero).
///
/// Negative values, zeros and positive values share one store under a signed key (see
/// [`SketchMapping::key`]) that increases with the value, so counting a value is arithmetic and
/// one increment, with no branch on its sign (near break-even the sign of a month's cumulative
/// cash flow changes from trial to trial, and a branch there mispredicts).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LogSketch {
    store: Store,
}

fn gamma_ln() -> f64 {
    ((1.0 + RELATIVE_ACCURACY) / (1.0 - RELATIVE_ACCURACY)).ln()
}

/// What [`LogSketch::add`] needs, computed once per run.
#[derive(Debug, Clone, Copy)]
pub struct SketchMapping {
    multiplier: f64,
}

impl Default for SketchMapping {
    fn default() -> Self {
        SketchMapping {
            multiplier: multiplier(),
        }
    }
}

impl SketchMapping {
    /// Bucket index of a magnitude of at least one (finite or not).
    #[inline]
    fn index(self, m: f64) -> i32 {
        // m >= 1, so the product is >= 0 and truncation is the floor.
        (log2_like(m.min(f64::MAX)) * self.multiplier) as i32
    }

    /// The signed key of `x`: `index(|x|) + 1` for x ≥ 1, its negative for x ≤ −1, and 0 for
    /// magnitudes under [`ZERO_THRESHOLD`] and NaN. Increasing in x; branch-free.
    #[inline]
    fn key(self, x: f64) -> i32 {
        let m = x.abs();
        let k = self.index(m.max(ZERO_THRESHOLD)) + 1;
        // `m >= 1` is false for NaN.
        let k = if m >= ZERO_THRESHOLD { k } else { 0 };
        if x < 0.0 { -k } else { k }
    }
}

impl SketchMapping {
    /// `out[i] = key(values[i])` for a whole row at once: on x86-64, two values per step with
    /// SSE2 (always present there), the same keys as [`key`](Self::key) to the bit (the same
    /// operations in the same order; SSE2 has no fused multiply-add to round differently).
    #[inline]
    pub fn keys_into(self, values: &[f64], out: &mut [i32]) {
        let n = values.len().min(out.len());
        let (values, out) = (&values[..n], &mut out[..n]);
        #[cfg(target_arch = "x86_64")]
        let done = {
            use std::arch::x86_64::*;
            let full = n / 2 * 2;
            // SAFETY: SSE2 is part of the x86-64 baseline; every load reads 2 of the `full`
            // values in bounds, every store writes 2 of the `full` keys in bounds.
            unsafe {
                let sign = _mm_set1_pd(-0.0);
                let one = _mm_set1_pd(ZERO_THRESHOLD);
                let largest = _mm_set1_pd(f64::MAX);
                let mantissa = _mm_set1_epi64x(MANTISSA_MASK as i64);
                let exponent_one = _mm_set1_epi64x(EXPONENT_ONE as i64);
                // 2^52 as a double: or-ing a small integer into its mantissa and subtracting
                // 2^52 converts the integer exactly (SSE2 has no i64 → f64 conversion).
                let magic = _mm_set1_pd(4_503_599_627_370_496.0);
                let bias = _mm_set1_pd(1023.0);
                let (a, b, c) = (
                    _mm_set1_pd(CUBIC_A),
                    _mm_set1_pd(CUBIC_B),
                    _mm_set1_pd(CUBIC_C),
                );
                let multiplier = _mm_set1_pd(self.multiplier);
                let zero = _mm_setzero_pd();
                for i in (0..full).step_by(2) {
                    let x = _mm_loadu_pd(values.as_ptr().add(i));
                    let m = _mm_andnot_pd(sign, x);
                    let clamped = _mm_min_pd(_mm_max_pd(m, one), largest);
                    let bits = _mm_castpd_si128(clamped);
                    let biased = _mm_or_si128(_mm_srli_epi64::<52>(bits), _mm_castpd_si128(magic));
                    let e = _mm_sub_pd(_mm_sub_pd(_mm_castsi128_pd(biased), magic), bias);
                    let frac =
                        _mm_castsi128_pd(_mm_or_si128(_mm_and_si128(bits, mantissa), exponent_one));
                    let s = _mm_sub_pd(frac, _mm_set1_pd(1.0));
                    let p = _mm_mul_pd(
                        _mm_add_pd(_mm_mul_pd(_mm_add_pd(_mm_mul_pd(a, s), b), s), c),
                        s,
                    );
                    let l = _mm_mul_pd(_mm_add_pd(p, e), multiplier);
                    // Two i32 keys in the low half; the masks' 64-bit lanes moved to match.
                    let k = _mm_add_epi32(_mm_cvttpd_epi32(l), _mm_set1_epi32(1));
                    let counted =
                        _mm_shuffle_epi32::<0b1000>(_mm_castpd_si128(_mm_cmpge_pd(m, one)));
                    let negative =
                        _mm_shuffle_epi32::<0b1000>(_mm_castpd_si128(_mm_cmplt_pd(x, zero)));
                    let k = _mm_and_si128(k, counted);
                    let k = _mm_sub_epi32(_mm_xor_si128(k, negative), negative);
                    _mm_storel_epi64(out.as_mut_ptr().add(i).cast(), k);
                }
            }
            full
        };
        #[cfg(not(target_arch = "x86_64"))]
        let done = 0;
        for (o, &v) in out[done..].iter_mut().zip(&values[done..]) {
            *o = self.key(v);
        }
    }
}

impl LogSketch {
    /// An empty sketch.
    pub fn new() -> Self {
        LogSketch::default()
    }

    /// Count one value.
    #[inline]
    pub fn add(&mut self, x: f64, mapping: SketchMapping) {
        self.store.add(mapping.key(x), 1);
    }

    /// Count one value by its key (from [`SketchMapping::keys_into`]).
    #[inline]
    pub fn add_key(&mut self, key: i32) {
        self.store.add(key, 1);
    }

    /// Add another sketch's counts.
    pub fn merge(&mut self, other: &LogSketch) {
        self.store.merge(&other.store);
    }

    /// The representative value of the bucket with signed key `key`.
    fn value_of_key(key: i32) -> f64 {
        match key {
            0 => 0.0,
            k if k > 0 => Self::value_of(k - 1),
            k => -Self::value_of(-k - 1),
        }
    }

    fn value_of(index: i32) -> f64 {
        let m = multiplier();
        let lo = log2_like_inverse(index as f64 / m);
        let hi = log2_like_inverse((index as f64 + 1.0) / m);
        // The relative midpoint of the bucket [lo, hi).
        2.0 * lo * hi / (lo + hi)
    }

    /// The `q`-quantile (0 ≤ q ≤ 1): the value of rank ⌊q (n − 1)⌋, within the relative
    /// accuracy. NaN for an empty sketch.
    pub fn quantile(&self, q: f64) -> f64 {
        let count = self.count();
        if count == 0 {
            return f64::NAN;
        }
        let rank = (q.clamp(0.0, 1.0) * (count - 1) as f64).floor() as u64;
        let mut seen = 0u64;
        for (k, &c) in self.store.counts.iter().enumerate() {
            seen += c;
            if seen > rank {
                return Self::value_of_key(self.store.offset + k as i32);
            }
        }
        f64::NAN
    }

    /// Number of values counted.
    pub fn count(&self) -> u64 {
        self.store.counts.iter().sum()
    }
}

/// A histogram of shares in [0, 1] with fixed bins, for adoption fans.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShareHistogram {
    counts: Vec<u32>,
}

/// Bins of a [`ShareHistogram`]: quantiles are exact to half a bin (0.25 percentage points).
/// At most 256 (bins are `u8`).
pub const SHARE_BINS: usize = 200;

impl Default for ShareHistogram {
    fn default() -> Self {
        ShareHistogram {
            counts: vec![0; SHARE_BINS],
        }
    }
}

impl ShareHistogram {
    /// Count one share (values outside [0, 1] go to the end bins).
    #[inline]
    pub fn add(&mut self, x: f64) {
        self.add_bin(Self::bin(x));
    }

    /// The bin [`add`](Self::add) counts `x` in.
    #[inline]
    pub fn bin(x: f64) -> u8 {
        // Clamped as a float first (NaN gives 0), so the conversion cannot saturate and
        // compiles to one instruction; a loop of these vectorises.
        (x * SHARE_BINS as f64)
            .max(0.0)
            .min((SHARE_BINS - 1) as f64) as i32 as u8
    }

    /// `out[i] = bin(values[i])` for a whole row at once: on x86-64, eight values per step
    /// with SSE2 (always present there), the same bins as [`bin`](Self::bin) to the bit
    /// (SSE2's max returns its second operand for NaN, as `f64::max` returns the number).
    #[inline]
    pub fn bins_into(values: &[f64], out: &mut [u8]) {
        let n = values.len().min(out.len());
        let (values, out) = (&values[..n], &mut out[..n]);
        #[cfg(target_arch = "x86_64")]
        let done = {
            use std::arch::x86_64::*;
            let full = n / 8 * 8;
            // SAFETY: SSE2 is part of the x86-64 baseline; every load reads 2 of the `full`
            // values in bounds, every store writes 8 of the `full` bytes in bounds.
            unsafe {
                let scale = _mm_set1_pd(SHARE_BINS as f64);
                let zero = _mm_setzero_pd();
                let top = _mm_set1_pd((SHARE_BINS - 1) as f64);
                let conv = |p: *const f64| {
                    let x = _mm_mul_pd(_mm_loadu_pd(p), scale);
                    _mm_cvttpd_epi32(_mm_min_pd(_mm_max_pd(x, zero), top))
                };
                for i in (0..full).step_by(8) {
                    let p = values.as_ptr().add(i);
                    let a = _mm_unpacklo_epi64(conv(p), conv(p.add(2)));
                    let b = _mm_unpacklo_epi64(conv(p.add(4)), conv(p.add(6)));
                    let bytes = _mm_packus_epi16(_mm_packs_epi32(a, b), _mm_setzero_si128());
                    _mm_storel_epi64(out.as_mut_ptr().add(i).cast(), bytes);
                }
            }
            full
        };
        #[cfg(not(target_arch = "x86_64"))]
        let done = 0;
        for (o, &v) in out[done..].iter_mut().zip(&values[done..]) {
            *o = Self::bin(v);
        }
    }

    /// Count one value in bin `bin` (from [`bin`](Self::bin)).
    #[inline]
    pub fn add_bin(&mut self, bin: u8) {
        self.counts[bin as usize] += 1;
    }

    /// Add another histogram's counts.
    pub fn merge(&mut self, other: &ShareHistogram) {
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
    }

    /// The `q`-quantile as the centre of its bin. NaN when empty.
    pub fn quantile(&self, q: f64) -> f64 {
        let n: u64 = self.counts.iter().map(|&c| u64::from(c)).sum();
        if n == 0 {
            return f64::NAN;
        }
        let rank = (q.clamp(0.0, 1.0) * (n - 1) as f64).floor() as u64;
        let mut seen = 0u64;
        for (k, &c) in self.counts.iter().enumerate() {
            seen += u64::from(c);
            if seen > rank {
                return (k as f64 + 0.5) / SHARE_BINS as f64;
            }
        }
        f64::NAN
    }

    /// Absolute error bound of quantiles: half a bin.
    pub fn absolute_error() -> f64 {
        0.5 / SHARE_BINS as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn exact_rank(sorted: &[f64], q: f64) -> f64 {
        sorted[(q * (sorted.len() - 1) as f64).floor() as usize]
    }

    proptest! {
        #[test]
        fn log_sketch_quantiles_within_relative_accuracy(
            values in proptest::collection::vec(-1e9f64..1e9, 1..400),
            q in 0.0f64..=1.0,
        ) {
            let inv = SketchMapping::default();
            let mut s = LogSketch::new();
            for &v in &values { s.add(v, inv); }
            let mut sorted = values.clone();
            sorted.sort_by(f64::total_cmp);
            let exact = exact_rank(&sorted, q);
            let got = s.quantile(q);
            if exact.abs() < ZERO_THRESHOLD {
                prop_assert!(got.abs() < ZERO_THRESHOLD * (1.0 + RELATIVE_ACCURACY));
            } else {
                prop_assert!((got - exact).abs() <= RELATIVE_ACCURACY * exact.abs() * 1.000001,
                    "q={} exact={} got={}", q, exact, got);
            }
        }

        #[test]
        fn merging_equals_one_sketch(values in proptest::collection::vec(-1e6f64..1e6, 0..300), cut in 0usize..300) {
            let inv = SketchMapping::default();
            let cut = cut.min(values.len());
            let mut whole = LogSketch::new();
            let (mut a, mut b) = (LogSketch::new(), LogSketch::new());
            for &v in &values { whole.add(v, inv); }
            for &v in &values[..cut] { a.add(v, inv); }
            for &v in &values[cut..] { b.add(v, inv); }
            b.merge(&a);
            for q in [0.0, 0.1, 0.5, 0.9, 1.0] {
                prop_assert_eq!(whole.quantile(q).to_bits(), b.quantile(q).to_bits());
            }
        }
    }

    #[test]
    fn every_bucket_is_within_the_relative_accuracy() {
        // A fine geometric sweep over 15 decades, plus exact powers of two (bucket edges of
        // the bit-level mapping): each value's bucket midpoint is within the accuracy.
        let map = SketchMapping::default();
        let mut values: Vec<f64> = (0..200_000)
            .map(|i| 10f64.powf(i as f64 * 15.0 / 200_000.0))
            .collect();
        values.extend((0..50).map(|e| 2f64.powi(e)));
        values.extend((0..50).map(|e| 2f64.powi(e) * (1.0 - f64::EPSILON)));
        for x in values.into_iter().filter(|&x| x >= 1.0) {
            let mid = LogSketch::value_of(map.index(x));
            assert!(
                (mid - x).abs() <= RELATIVE_ACCURACY * x,
                "{x}: bucket midpoint {mid}"
            );
        }
        // Monotone: larger values never land in lower buckets.
        let mut prev = i32::MIN;
        for i in 0..100_000 {
            let k = map.index(1.0 + i as f64 * 0.37);
            assert!(k >= prev);
            prev = k;
        }
        assert!(map.index(f64::INFINITY) >= map.index(f64::MAX));
    }

    #[test]
    fn bins_into_equals_bin() {
        let mut values: Vec<f64> = (-50..1300).map(|i| i as f64 / 1000.0).collect();
        values.extend([
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -0.0,
            1e300,
            -1e300,
            0.995,
            0.994_999_999_999,
            1.0 - f64::EPSILON,
        ]);
        for len in [0, 1, 7, 8, 9, 17, values.len()] {
            let mut out = vec![0u8; len];
            ShareHistogram::bins_into(&values[..len], &mut out);
            for (v, b) in values[..len].iter().zip(&out) {
                assert_eq!(*b, ShareHistogram::bin(*v), "{v}");
            }
        }
    }

    #[test]
    fn keys_into_equals_key() {
        let map = SketchMapping::default();
        let mut s: u64 = 0x2545_f491;
        let mut next = || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut values: Vec<f64> = (0..100_000)
            .map(|i| {
                let m = 10f64.powf(next() * 40.0 - 3.0);
                if i % 2 == 0 { m } else { -m }
            })
            .collect();
        values.extend([
            0.0,
            -0.0,
            0.999_999,
            1.0,
            -1.0,
            1.0 + f64::EPSILON,
            f64::NAN,
            -f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            5e-324,
        ]);
        values.extend((0..60).map(|e| 2f64.powi(e)));
        values.extend((0..60).map(|e| -(2f64.powi(e) * (1.0 - f64::EPSILON))));
        for len in [0, 1, 2, 3, values.len()] {
            let mut out = vec![0i32; len];
            map.keys_into(&values[..len], &mut out);
            for (v, k) in values[..len].iter().zip(&out) {
                assert_eq!(*k, map.key(*v), "{v:e}");
            }
        }
    }

    #[test]
    fn keys_increase_with_the_value_across_signs() {
        let map = SketchMapping::default();
        let mut values: Vec<f64> = (-3000..3000)
            .map(|i: i32| (i as f64).signum() * 1.013f64.powi(i.abs()) - i.signum() as f64 * 0.9)
            .collect();
        values.sort_by(f64::total_cmp);
        let keys: Vec<i32> = values.iter().map(|&v| map.key(v)).collect();
        assert!(keys.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(map.key(0.5), 0);
        assert_eq!(map.key(-0.5), 0);
        assert_eq!(map.key(f64::NAN), 0);
        assert_eq!(map.key(1.0), 1);
        assert_eq!(map.key(-1.0), -1);
        assert!(map.key(f64::INFINITY) >= map.key(f64::MAX));
    }

    #[test]
    fn share_histogram_quantiles() {
        let mut h = ShareHistogram::default();
        for i in 0..1000 {
            h.add(i as f64 / 1000.0);
        }
        assert!((h.quantile(0.5) - 0.5).abs() <= ShareHistogram::absolute_error() + 1e-3);
        assert!((h.quantile(0.1) - 0.1).abs() <= ShareHistogram::absolute_error() + 1e-3);
        assert!(ShareHistogram::default().quantile(0.5).is_nan());
    }
}
