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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogSketch {
    /// Buckets of negative values (`[0]`) and of positive values (`[1]`), by magnitude: an
    /// array, so that choosing one is arithmetic, not a branch (near break-even the sign of a
    /// month's cumulative cash flow changes from trial to trial and a branch mispredicts).
    stores: [Store; 2],
    zeros: u64,
    count: u64,
}

impl Default for LogSketch {
    fn default() -> Self {
        Self::new()
    }
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
}

impl LogSketch {
    /// An empty sketch.
    pub fn new() -> Self {
        LogSketch {
            stores: [Store::default(), Store::default()],
            zeros: 0,
            count: 0,
        }
    }

    /// Count one value.
    #[inline]
    pub fn add(&mut self, x: f64, mapping: SketchMapping) {
        self.count += 1;
        let m = x.abs();
        // NaN counts as zero.
        if m.is_nan() || m < ZERO_THRESHOLD {
            self.zeros += 1;
            return;
        }
        let index = mapping.index(m);
        self.stores[usize::from(x > 0.0)].add(index, 1);
    }

    /// Add another sketch's counts.
    pub fn merge(&mut self, other: &LogSketch) {
        for (a, b) in self.stores.iter_mut().zip(&other.stores) {
            a.merge(b);
        }
        self.zeros += other.zeros;
        self.count += other.count;
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
        if self.count == 0 {
            return f64::NAN;
        }
        let rank = (q.clamp(0.0, 1.0) * (self.count - 1) as f64).floor() as u64;
        let mut seen = 0u64;
        let [negative, positive] = &self.stores;
        for (k, &c) in negative.counts.iter().enumerate().rev() {
            seen += c;
            if seen > rank {
                return -Self::value_of(negative.offset + k as i32);
            }
        }
        seen += self.zeros;
        if seen > rank {
            return 0.0;
        }
        for (k, &c) in positive.counts.iter().enumerate() {
            seen += c;
            if seen > rank {
                return Self::value_of(positive.offset + k as i32);
            }
        }
        f64::NAN
    }

    /// Number of values counted.
    pub fn count(&self) -> u64 {
        self.count
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
