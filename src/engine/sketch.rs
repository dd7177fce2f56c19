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

    /// Extend the range to `index`, then count.
    #[cold]
    fn grow_and_add(&mut self, index: i32, n: u64) {
        self.cover(index, index);
        self.counts[(index - self.offset) as usize] += n;
    }

    /// Extend the range to cover the buckets `lo..=hi` (lo ≤ hi). A side that grows gets slack
    /// in proportion to the range, so that a range filling up one bucket at a time costs
    /// amortised O(1) per bucket and few copies. Empty buckets at the ends are harmless:
    /// quantiles skip them, merging adds zeros.
    #[cold]
    fn cover(&mut self, lo: i32, hi: i32) {
        const SLACK: i64 = 32;
        let (lo, hi) = (i64::from(lo), i64::from(hi));
        let len = self.counts.len() as i64;
        let slack = SLACK.max(len / 2);
        // Indices stay i32: slack stops at the ends of its range.
        let clamp = |i: i64| i.clamp(i64::from(i32::MIN), i64::from(i32::MAX));
        if len == 0 {
            let start = clamp(lo - SLACK);
            self.offset = start as i32;
            self.counts = vec![0; (clamp(hi + SLACK) - start + 1) as usize];
            return;
        }
        let (old_lo, old_hi) = (i64::from(self.offset), i64::from(self.offset) + len - 1);
        let new_lo = if lo < old_lo {
            clamp(lo - slack)
        } else {
            old_lo
        };
        let new_hi = if hi > old_hi {
            clamp(hi + slack)
        } else {
            old_hi
        };
        let new_len = (new_hi - new_lo + 1) as usize;
        if new_lo < old_lo {
            // Each bucket written once (zeroing all of it and then copying would write the old
            // range twice).
            let mut counts = Vec::with_capacity(new_len);
            counts.resize((old_lo - new_lo) as usize, 0);
            counts.extend_from_slice(&self.counts);
            counts.resize(new_len, 0);
            self.counts = counts;
            self.offset = new_lo as i32;
        } else if new_hi > old_hi {
            self.counts.resize(new_len, 0);
        }
    }

    /// Add another store's counts: its non-empty range, bucket by bucket (no branch per
    /// bucket; stores of a month that straddles zero span thousands of mostly empty buckets).
    fn merge(&mut self, other: &Store) {
        let Some(first) = other.counts.iter().position(|&c| c > 0) else {
            return;
        };
        let last = other.counts.iter().rposition(|&c| c > 0).unwrap_or(first);
        let index = |k: usize| i32::try_from(i64::from(other.offset) + k as i64);
        let (Ok(lo), Ok(hi)) = (index(first), index(last)) else {
            // A store reaching past the i32 keys (only a damaged part file has one): count
            // what is in range, bucket by bucket.
            for (k, &c) in other.counts.iter().enumerate() {
                if let (true, Ok(i)) = (c > 0, index(k)) {
                    self.add(i, c);
                }
            }
            return;
        };
        if self.counts.is_empty()
            || lo < self.offset
            || i64::from(hi) >= i64::from(self.offset) + self.counts.len() as i64
        {
            self.cover(lo, hi);
        }
        let start = (i64::from(lo) - i64::from(self.offset)) as usize;
        let theirs = &other.counts[first..=last];
        for (a, &b) in self.counts[start..start + theirs.len()]
            .iter_mut()
            .zip(theirs)
        {
            *a += b;
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
/// `SketchMapping::key`) that increases with the value, so counting a value is arithmetic and
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
    /// `out[i] = key(values[i])` for a whole row at once: on x86-64, four values per step with
    /// SSE2 (always present there), the same keys as `key` to the bit (the same
    /// rounded operations in the same order; SSE2 has no fused multiply-add to round
    /// differently).
    #[inline]
    pub fn keys_into(self, values: &[f64], out: &mut [i32]) {
        let n = values.len().min(out.len());
        let (values, out) = (&values[..n], &mut out[..n]);
        #[cfg(target_arch = "x86_64")]
        if n >= 4 {
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the processor has AVX2 (checked just above); n ≥ 4 values, as many
                // as keys.
                unsafe { self.keys_into_avx2(values, out) };
            } else {
                self.keys_into_sse2(values, out);
            }
            return;
        }
        self.keys_into_portable(values, out);
    }

    /// [`keys_into`](Self::keys_into) one value at a time (other architectures).
    #[inline(always)]
    fn keys_into_portable(self, values: &[f64], out: &mut [i32]) {
        for (o, &v) in out.iter_mut().zip(values) {
            *o = self.key(v);
        }
    }

    /// [`keys_into_sse2`](Self::keys_into_sse2) with four values per AVX2 register: the same
    /// operations in the same order, so the same keys (AVX2 alone brings no fused
    /// multiply-add).
    ///
    /// # Safety
    /// The processor must support AVX2, and `values` must hold at least four values, as many
    /// as `out`.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn keys_into_avx2(self, values: &[f64], out: &mut [i32]) {
        use std::arch::x86_64::*;
        let n = values.len();
        assert!(n >= 4 && out.len() == n);
        let sign = _mm256_set1_pd(-0.0);
        let one = _mm256_set1_pd(ZERO_THRESHOLD);
        let mantissa = _mm256_castsi256_pd(_mm256_set1_epi64x(MANTISSA_MASK as i64));
        let bias = _mm_set1_epi32(1023);
        let (a, b, c) = (
            _mm256_set1_pd(CUBIC_A),
            _mm256_set1_pd(CUBIC_B),
            _mm256_set1_pd(CUBIC_C),
        );
        let multiplier = _mm256_set1_pd(self.multiplier);
        // The low and the high 32-bit halves of four 64-bit lanes.
        let lows = _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6);
        let highs = _mm256_setr_epi32(1, 3, 5, 7, 1, 3, 5, 7);
        let halves = |x: __m256d, which: __m256i| {
            _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(_mm256_castpd_si256(x), which))
        };
        let four = |i: usize| {
            debug_assert!(i + 4 <= n);
            // SAFETY: i + 4 <= n = values.len(): reads values[i..i + 4].
            let x = unsafe { _mm256_loadu_pd(values.as_ptr().add(i)) };
            let m = _mm256_andnot_pd(sign, x);
            // As in `keys_into_sse2`: counted where m ≥ 1, negative where the sign bit is set.
            let counted = halves(_mm256_cmp_pd::<_CMP_GE_OQ>(m, one), lows);
            let negative = _mm_srai_epi32::<31>(halves(x, highs));
            let cm = _mm256_max_pd(m, one);
            let e =
                _mm256_cvtepi32_pd(_mm_sub_epi32(_mm_srli_epi32::<20>(halves(cm, highs)), bias));
            let frac = _mm256_or_pd(_mm256_and_pd(cm, mantissa), one);
            let s = _mm256_sub_pd(frac, one);
            let poly = _mm256_mul_pd(
                _mm256_add_pd(_mm256_mul_pd(_mm256_add_pd(_mm256_mul_pd(a, s), b), s), c),
                s,
            );
            let l = _mm256_mul_pd(_mm256_add_pd(poly, e), multiplier);
            let k = _mm256_cvttpd_epi32(l);
            let k = _mm_sub_epi32(_mm_and_si128(k, counted), counted);
            _mm_sub_epi32(_mm_xor_si128(k, negative), negative)
        };
        let mut i = 0;
        while i + 4 <= n {
            // SAFETY: writes out[i..i + 4] (out.len() = n).
            unsafe { _mm_storeu_si128(out.as_mut_ptr().add(i).cast(), four(i)) };
            i += 4;
        }
        if i < n {
            // The last four again, overlapping keys already written (with the same values).
            // SAFETY: as above, for out[n − 4..n].
            unsafe { _mm_storeu_si128(out.as_mut_ptr().add(n - 4).cast(), four(n - 4)) };
        }
    }

    /// [`keys_into`](Self::keys_into) for at least four values of equal length.
    #[cfg(target_arch = "x86_64")]
    #[inline]
    fn keys_into_sse2(self, values: &[f64], out: &mut [i32]) {
        use std::arch::x86_64::*;
        let n = values.len();
        assert!(n >= 4 && out.len() == n);
        // SAFETY: SSE2 is part of the x86-64 baseline; the loads and stores are commented below.
        unsafe {
            let sign = _mm_set1_pd(-0.0);
            // 1.0 is also the exponent bits of [1, 2). Opaque, so that s = frac − 1 below
            // subtracts this register rather than adding a constant −1 (the same value, one
            // constant fewer for the sixteen registers).
            let one = std::hint::black_box(_mm_set1_pd(ZERO_THRESHOLD));
            debug_assert_eq!(ZERO_THRESHOLD.to_bits(), EXPONENT_ONE);
            let mantissa = _mm_set1_epi64x(MANTISSA_MASK as i64);
            let bias = _mm_set1_epi32(1023);
            let (a, b, c) = (
                _mm_set1_pd(CUBIC_A),
                _mm_set1_pd(CUBIC_B),
                _mm_set1_pd(CUBIC_C),
            );
            let multiplier = _mm_set1_pd(self.multiplier);
            // P(s) for x = 2^e (1 + s) as `log2_like` computes it.
            let poly = |bits: __m128i| {
                let frac = _mm_or_pd(_mm_castsi128_pd(_mm_and_si128(bits, mantissa)), one);
                let s = _mm_sub_pd(frac, one);
                _mm_mul_pd(
                    _mm_add_pd(_mm_mul_pd(_mm_add_pd(_mm_mul_pd(a, s), b), s), c),
                    s,
                )
            };
            let mut four = |i: usize| {
                debug_assert!(i + 4 <= n);
                // SAFETY: i + 4 <= n = values.len() = out.len(): the loads read values[i..i + 4],
                // the store writes out[i..i + 4].
                let (x0, x1) = (
                    _mm_loadu_pd(values.as_ptr().add(i)),
                    _mm_loadu_pd(values.as_ptr().add(i + 2)),
                );
                let (m0, m1) = (_mm_andnot_pd(sign, x0), _mm_andnot_pd(sign, x1));
                // All ones where m ≥ 1 (not for NaN): the 32-bit halves that hold each
                // comparison's result.
                let counted = _mm_castps_si128(_mm_shuffle_ps::<0b10_00_10_00>(
                    _mm_castpd_ps(_mm_cmpge_pd(m0, one)),
                    _mm_castpd_ps(_mm_cmpge_pd(m1, one)),
                ));
                // All ones where the sign bit is set: that is x < 0 wherever the key is counted
                // (−0 and −NaN are not, and a zero key negates to zero).
                let negative =
                    _mm_srai_epi32::<31>(_mm_castps_si128(_mm_shuffle_ps::<0b11_01_11_01>(
                        _mm_castpd_ps(x0),
                        _mm_castpd_ps(x1),
                    )));
                // index(max(m, 1)) as `index` computes it. `index` also clamps to f64::MAX,
                // which leaves the index of +∞ unchanged: for f64::MAX, e = 1023 and
                // 1023 + P(1 − 2^−52) rounds to 1024, the e + P(0) of +∞ (checked by
                // `keys_into_equals_key`).
                let (c0, c1) = (_mm_max_pd(m0, one), _mm_max_pd(m1, one));
                // The four exponents e = E − 1023, from the high halves (E is below 2048,
                // the sign bits are clear), converted exactly.
                let e = _mm_sub_epi32(
                    _mm_srli_epi32::<20>(_mm_castps_si128(_mm_shuffle_ps::<0b11_01_11_01>(
                        _mm_castpd_ps(c0),
                        _mm_castpd_ps(c1),
                    ))),
                    bias,
                );
                let (e0, e1) = (
                    _mm_cvtepi32_pd(e),
                    _mm_cvtepi32_pd(_mm_unpackhi_epi64(e, e)),
                );
                let l0 = _mm_mul_pd(_mm_add_pd(poly(_mm_castpd_si128(c0)), e0), multiplier);
                let l1 = _mm_mul_pd(_mm_add_pd(poly(_mm_castpd_si128(c1)), e1), multiplier);
                let k = _mm_unpacklo_epi64(_mm_cvttpd_epi32(l0), _mm_cvttpd_epi32(l1));
                // index + 1 where counted (subtracting −1), else 0.
                let k = _mm_sub_epi32(_mm_and_si128(k, counted), counted);
                let k = _mm_sub_epi32(_mm_xor_si128(k, negative), negative);
                // SAFETY: as above.
                _mm_storeu_si128(out.as_mut_ptr().add(i).cast(), k);
            };
            let mut i = 0;
            while i + 4 <= n {
                four(i);
                i += 4;
            }
            if i < n {
                // The last four again, overlapping keys already written (with the same values).
                four(n - 4);
            }
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

    /// Count a matrix of keys (from [`SketchMapping::keys_into`]), one column per sketch:
    /// `sketches[t]` counts `keys[r * sketches.len() + t]` of every full row `r`.
    ///
    /// Four sketches at a time, row by row: their buckets stay in cache for the whole matrix,
    /// their ranges stay in registers, and the four streams of increments do not wait on each
    /// other (values of one month cluster in a few buckets, so one sketch alone is a chain of
    /// increments of the same counters). The same counts as [`add_key`](Self::add_key) key by
    /// key.
    pub fn add_key_rows(sketches: &mut [LogSketch], keys: &[i32]) {
        let h = sketches.len();
        if h == 0 {
            return;
        }
        let keys = &keys[..keys.len() / h * h];
        let mut fours = sketches.chunks_exact_mut(4);
        let mut t = 0;
        for four in &mut fours {
            if let Ok(four) = <&mut [LogSketch; 4]>::try_from(four) {
                #[cfg(target_arch = "x86_64")]
                Self::add_key_columns_sse2(four, keys, h, t);
                #[cfg(not(target_arch = "x86_64"))]
                Self::add_key_columns(four, keys, h, t);
            }
            t += 4;
        }
        for s in fours.into_remainder() {
            Self::add_key_columns(std::array::from_mut(s), keys, h, t);
            t += 1;
        }
    }

    /// Count column `t + j` of the rows of `keys` (`h` keys each) into `sketches[j]`.
    #[inline]
    fn add_key_columns<const N: usize>(
        sketches: &mut [LogSketch; N],
        keys: &[i32],
        h: usize,
        t: usize,
    ) {
        let mut rows = keys.chunks_exact(h);
        loop {
            // Inside the current ranges: a subtraction, a comparison and an increment per key.
            // A key outside ends the pass; it is counted with growth and the pass goes on.
            let mut outside = None;
            {
                let stores = sketches
                    .each_mut()
                    .map(|s| (i64::from(s.store.offset), s.store.counts.as_mut_slice()));
                'rows: for row in &mut rows {
                    let Some(k) = row.get(t..t + N) else {
                        return;
                    };
                    let mut pos = [0usize; N];
                    for j in 0..N {
                        let p = (i64::from(k[j]) - stores[j].0) as u64;
                        if p >= stores[j].1.len() as u64 {
                            outside = Some(k);
                            break 'rows;
                        }
                        pos[j] = p as usize;
                    }
                    for j in 0..N {
                        stores[j].1[pos[j]] += 1;
                    }
                }
            }
            let Some(k) = outside else {
                return;
            };
            for (s, &k) in sketches.iter_mut().zip(k) {
                s.add_key(k);
            }
        }
    }

    /// [`add_key_columns`](Self::add_key_columns) for four sketches with SSE2: one comparison
    /// checks a row's four keys against the four ranges, then each key is one increment.
    #[cfg(target_arch = "x86_64")]
    fn add_key_columns_sse2(sketches: &mut [LogSketch; 4], keys: &[i32], h: usize, t: usize) {
        use std::arch::x86_64::*;
        assert!(t + 4 <= h);
        let rows = keys.len() / h;
        let mut r = 0;
        while r < rows {
            // Key k is inside store j when (k − offset_j) as u32 < len_j: with both sides
            // shifted by 2^31 that is a signed comparison, and (k − offset) + 2^31 =
            // k − (offset ^ 2^31) in wrapping arithmetic. Lengths are cut to what ends at
            // i32::MAX, so that a key below the offset cannot wrap into the range.
            let mut offsets = [0i32; 4];
            let mut lens = [0i32; 4];
            let mut bases = [std::ptr::null_mut::<u64>(); 4];
            for (j, s) in sketches.iter_mut().enumerate() {
                let offset = s.store.offset;
                let fits = (i64::from(i32::MAX) - i64::from(offset) + 1).min(u32::MAX.into());
                let len = (s.store.counts.len() as i64).min(fits) as u32;
                offsets[j] = offset ^ i32::MIN;
                lens[j] = (len ^ (1 << 31)) as i32;
                // Bucket k is at base + k: a pointer that may lie outside the counts, only
                // read or written at keys inside the range.
                bases[j] = s
                    .store
                    .counts
                    .as_mut_ptr()
                    .wrapping_offset(-(offset as isize));
            }
            // SAFETY: SSE2 is part of the x86-64 baseline. Row r's keys are
            // keys[r * h + t..r * h + t + 4], in bounds as r < rows = keys.len() / h and
            // t + 4 <= h. An increment happens only for keys inside their store's range,
            // where base + k is counts[k − offset] (nothing reallocates the counts in the
            // loop).
            unsafe {
                let offsets = _mm_loadu_si128(offsets.as_ptr().cast());
                let lens = _mm_loadu_si128(lens.as_ptr().cast());
                let end = keys.as_ptr().add(rows * h);
                let mut row = keys.as_ptr().add(r * h);
                while row < end {
                    let k = _mm_loadu_si128(row.add(t).cast());
                    let inside = _mm_cmpgt_epi32(lens, _mm_sub_epi32(k, offsets));
                    if _mm_movemask_ps(_mm_castsi128_ps(inside)) != 0b1111 {
                        break;
                    }
                    for (j, base) in bases.iter().enumerate() {
                        // Read again from memory (one instruction): the compiler would
                        // otherwise move each key out of the vector register (three).
                        let key = std::ptr::read_volatile(row.add(t + j));
                        *base.wrapping_offset(key as isize) += 1;
                    }
                    row = row.add(h);
                }
                r = row.offset_from(keys.as_ptr()) as usize / h;
            }
            if r < rows {
                // A key outside its range: count the row with growth, and go on with the
                // new ranges.
                let row = &keys[r * h + t..r * h + t + 4];
                for (s, &k) in sketches.iter_mut().zip(row) {
                    s.add_key(k);
                }
                r += 1;
            }
        }
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

    /// `out[i] = bin(values[i])` for a whole row at once: on x86-64, sixteen values per step
    /// with SSE2 (always present there), the same bins as [`bin`](Self::bin) to the bit.
    #[inline]
    pub fn bins_into(values: &[f64], out: &mut [u8]) {
        let n = values.len().min(out.len());
        let (values, out) = (&values[..n], &mut out[..n]);
        #[cfg(target_arch = "x86_64")]
        if n >= 16 {
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the processor has AVX2 (checked just above); n ≥ 16 values, as
                // many as bins.
                unsafe { Self::bins_into_avx2(values, out) };
            } else {
                Self::bins_into_sse2(values, out);
            }
            return;
        }
        for (o, &v) in out.iter_mut().zip(values) {
            *o = Self::bin(v);
        }
    }

    /// [`bins_into`](Self::bins_into) for at least sixteen values of equal length.
    ///
    /// `bin` clamps x·200 to [0, 199] and truncates; here only the upper clamp is a float
    /// operation, `min(199, y)`, which returns y when y is NaN (SSE2's min returns its second
    /// operand then). Truncation gives a negative integer for a negative y and i32::MIN for NaN,
    /// −∞ and anything beyond i32, and packing to bytes with unsigned saturation turns every
    /// negative into 0: the bins `bin` gives, with its `max(0)` and NaN → 0.
    #[cfg(target_arch = "x86_64")]
    #[inline]
    fn bins_into_sse2(values: &[f64], out: &mut [u8]) {
        use std::arch::x86_64::*;
        let n = values.len();
        assert!(n >= 16 && out.len() == n);
        // SAFETY: SSE2 is part of the x86-64 baseline; the loads and stores are commented below.
        unsafe {
            let scale = _mm_set1_pd(SHARE_BINS as f64);
            let top = _mm_set1_pd((SHARE_BINS - 1) as f64);
            let mut sixteen = |i: usize| {
                debug_assert!(i + 16 <= n);
                let p = values[i..i + 16].as_ptr();
                // SAFETY: every load reads 2 of the 16 values of values[i..i + 16].
                let conv = |j: usize| {
                    let x = _mm_mul_pd(_mm_loadu_pd(p.add(j)), scale);
                    _mm_cvttpd_epi32(_mm_min_pd(top, x))
                };
                let q0 = _mm_unpacklo_epi64(conv(0), conv(2));
                let q1 = _mm_unpacklo_epi64(conv(4), conv(6));
                let q2 = _mm_unpacklo_epi64(conv(8), conv(10));
                let q3 = _mm_unpacklo_epi64(conv(12), conv(14));
                let bytes = _mm_packus_epi16(_mm_packs_epi32(q0, q1), _mm_packs_epi32(q2, q3));
                // SAFETY: writes the 16 bytes of out[i..i + 16].
                _mm_storeu_si128(out[i..i + 16].as_mut_ptr().cast(), bytes);
            };
            let mut i = 0;
            while i + 16 <= n {
                sixteen(i);
                i += 16;
            }
            if i < n {
                // The last sixteen again, overlapping bins already written (with the same values).
                sixteen(n - 16);
            }
        }
    }

    /// [`bins_into_sse2`](Self::bins_into_sse2) with four values per AVX2 register: the same
    /// operations (AVX's `min` also returns its second operand for NaN), so the same bins.
    ///
    /// # Safety
    /// The processor must support AVX2, and `values` must hold at least sixteen values, as
    /// many as `out`.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn bins_into_avx2(values: &[f64], out: &mut [u8]) {
        use std::arch::x86_64::*;
        let n = values.len();
        assert!(n >= 16 && out.len() == n);
        let scale = _mm256_set1_pd(SHARE_BINS as f64);
        let top = _mm256_set1_pd((SHARE_BINS - 1) as f64);
        let sixteen = |i: usize| {
            debug_assert!(i + 16 <= n);
            let p = values[i..i + 16].as_ptr();
            // SAFETY: every load reads 4 of the 16 values of values[i..i + 16].
            let conv = |j: usize| {
                let x = _mm256_mul_pd(unsafe { _mm256_loadu_pd(p.add(j)) }, scale);
                _mm256_cvttpd_epi32(_mm256_min_pd(top, x))
            };
            let words = (
                _mm_packs_epi32(conv(0), conv(4)),
                _mm_packs_epi32(conv(8), conv(12)),
            );
            _mm_packus_epi16(words.0, words.1)
        };
        let mut i = 0;
        while i + 16 <= n {
            // SAFETY: writes the 16 bytes of out[i..i + 16].
            unsafe { _mm_storeu_si128(out[i..i + 16].as_mut_ptr().cast(), sixteen(i)) };
            i += 16;
        }
        if i < n {
            // The last sixteen again, overlapping bins already written (with the same values).
            // SAFETY: as above, for out[n − 16..n].
            unsafe { _mm_storeu_si128(out[n - 16..n].as_mut_ptr().cast(), sixteen(n - 16)) };
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

/// The counts of many [`ShareHistogram`]s side by side while trials are counted, each padded to
/// 256 bins so that a bin (a `u8`) indexes its counts with no bounds check: counting a bin is
/// one increment. [`drain_into`](Self::drain_into) moves the counts into the histograms.
#[derive(Debug, Clone)]
pub struct ShareCounts {
    counts: Vec<[u32; 256]>,
}

impl ShareCounts {
    /// Zero counts for `histograms` histograms.
    pub fn new(histograms: usize) -> Self {
        ShareCounts {
            counts: vec![[0; 256]; histograms],
        }
    }

    /// Count a matrix of bins (from [`ShareHistogram::bins_into`]), one column per histogram:
    /// histogram `k` counts `bins[r * histograms + k]` of every full row `r`. Bins are below
    /// [`SHARE_BINS`] (others are dropped by [`drain_into`](Self::drain_into)).
    ///
    /// Eight histograms at a time, row by row: their counts (8 KiB) stay in cache for the whole
    /// matrix, and eight streams of increments do not wait on each other (early months of a
    /// group put every trial in one bin).
    pub fn add_rows(&mut self, bins: &[u8]) {
        let gh = self.counts.len();
        if gh == 0 {
            return;
        }
        let bins = &bins[..bins.len() / gh * gh];
        let mut eights = self.counts.chunks_exact_mut(8);
        let mut k = 0;
        for eight in &mut eights {
            for row in bins.chunks_exact(gh) {
                let Some(b) = row.get(k..k + 8) else {
                    return;
                };
                for (c, &b) in eight.iter_mut().zip(b) {
                    c[usize::from(b)] += 1;
                }
            }
            k += 8;
        }
        for (j, c) in eights.into_remainder().iter_mut().enumerate() {
            for row in bins.chunks_exact(gh) {
                c[usize::from(row[k + j])] += 1;
            }
        }
    }

    /// Add the counts to `histograms` (one per column) and zero them.
    pub fn drain_into(&mut self, histograms: &mut [ShareHistogram]) {
        for (c, h) in self.counts.iter_mut().zip(histograms) {
            for (a, b) in h.counts.iter_mut().zip(c.iter()) {
                *a += b;
            }
            *c = [0; 256];
        }
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
        // Every length up to three steps of sixteen (the overlapping last step included), a
        // row of 180 (3 groups × 60 months) and all, at every start.
        let lens = (0..=49).chain([180, values.len()]);
        for (len, start) in lens.flat_map(|len| (0..16).map(move |s| (len, s))) {
            let start = start.min(values.len() - len);
            let mut out = vec![0u8; len];
            ShareHistogram::bins_into(&values[start..start + len], &mut out);
            for (v, b) in values[start..start + len].iter().zip(&out) {
                assert_eq!(*b, ShareHistogram::bin(*v), "{v}");
            }
            // `bins_into` takes AVX2 where the processor has it: the SSE2 form too.
            #[cfg(target_arch = "x86_64")]
            if len >= 16 {
                out.fill(u8::MAX);
                ShareHistogram::bins_into_sse2(&values[start..start + len], &mut out);
                for (v, b) in values[start..start + len].iter().zip(&out) {
                    assert_eq!(*b, ShareHistogram::bin(*v), "SSE2: {v}");
                }
            }
        }
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
        let mut next = crate::test_support::uniforms(0x2545_f491);
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
        // The special values at the end fall in every position of a step of four.
        let specials = values.len() - 134;
        for len in (0..=13).chain([60]) {
            for start in specials - len..values.len() - len {
                let mut out = vec![0i32; len];
                map.keys_into(&values[start..start + len], &mut out);
                for (v, k) in values[start..start + len].iter().zip(&out) {
                    assert_eq!(*k, map.key(*v), "{v:e}");
                }
                // `keys_into` takes AVX2 where the processor has it: the SSE2 form too.
                #[cfg(target_arch = "x86_64")]
                if len >= 4 {
                    out.fill(0);
                    map.keys_into_sse2(&values[start..start + len], &mut out);
                    for (v, k) in values[start..start + len].iter().zip(&out) {
                        assert_eq!(*k, map.key(*v), "SSE2: {v:e}");
                    }
                }
            }
        }
        // Dropping the clamp to f64::MAX in the vector kernel relies on this.
        assert_eq!(map.key(f64::INFINITY), map.key(f64::MAX));
        assert_eq!(map.key(f64::NEG_INFINITY), map.key(f64::MIN));
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

    /// The non-empty buckets of a sketch, as (key, count): what any two layouts of the same
    /// counts share.
    fn buckets(s: &LogSketch) -> Vec<(i32, u64)> {
        (s.store.counts.iter().enumerate())
            .filter(|&(_, &c)| c > 0)
            .map(|(k, &c)| (s.store.offset + k as i32, c))
            .collect()
    }

    /// Keys in clusters that drift and jump (so stores grow at both ends, in the middle of a
    /// pass), with zeros and both signs.
    fn key_matrix(rows: usize, h: usize, seed: u64) -> Vec<i32> {
        let mut next = crate::test_support::xorshift(seed | 1);
        (0..rows * h)
            .map(|i| {
                let r = next();
                let centre = ((i / h) as i32 - 40) * 37 + (i % h) as i32 * 11;
                match r % 16 {
                    0 => 0,
                    1 => (r >> 8) as i32 % 70_000,
                    _ => centre + (r >> 8) as i32 % 9,
                }
            })
            .collect()
    }

    #[test]
    fn add_key_rows_counts_as_add_key() {
        for h in [1, 2, 3, 4, 5, 7, 8, 9, 60] {
            for rows in [0, 1, 2, 63, 64, 200] {
                let keys = key_matrix(rows, h, (h * 1000 + rows) as u64);
                let mut reference = vec![LogSketch::new(); h];
                for row in keys.chunks_exact(h) {
                    for (s, &k) in reference.iter_mut().zip(row) {
                        s.add_key(k);
                    }
                }
                // In two passes, the second on sketches that already hold counts; a partial
                // last row is ignored.
                let mut sketches = vec![LogSketch::new(); h];
                let cut = rows / 2 * h;
                LogSketch::add_key_rows(&mut sketches, &keys[..cut]);
                let mut rest = keys[cut..].to_vec();
                rest.extend(std::iter::repeat_n(5, h - 1));
                LogSketch::add_key_rows(&mut sketches, &rest);
                for (a, b) in sketches.iter().zip(&reference) {
                    assert_eq!(buckets(a), buckets(b), "h={h} rows={rows}");
                }
            }
        }
        LogSketch::add_key_rows(&mut [], &[1, 2, 3]);
    }

    #[test]
    fn merge_adds_counts_bucket_by_bucket() {
        let keys = key_matrix(300, 1, 7);
        for cut in [0, 1, 50, 150, 299, 300] {
            let mut whole = LogSketch::new();
            keys.iter().for_each(|&k| whole.add_key(k));
            let (mut a, mut b) = (LogSketch::new(), LogSketch::new());
            keys[..cut].iter().for_each(|&k| a.add_key(k));
            keys[cut..].iter().for_each(|&k| b.add_key(k));
            let mut ab = a.clone();
            ab.merge(&b);
            b.merge(&a);
            assert_eq!(buckets(&ab), buckets(&whole));
            assert_eq!(buckets(&b), buckets(&whole));
        }
        // Far apart on either side, and empty.
        let (mut lo, mut hi) = (LogSketch::new(), LogSketch::new());
        lo.add_key(-5000);
        hi.add_key(5000);
        hi.add_key(5000);
        let mut m = lo.clone();
        m.merge(&hi);
        m.merge(&LogSketch::new());
        assert_eq!(buckets(&m), vec![(-5000, 1), (5000, 2)]);
        let mut m = hi.clone();
        m.merge(&lo);
        assert_eq!(buckets(&m), vec![(-5000, 1), (5000, 2)]);
        let mut e = LogSketch::new();
        e.merge(&hi);
        assert_eq!(buckets(&e), vec![(5000, 2)]);
        // A damaged store reaching past the i32 keys counts what is in range.
        let mut wide = LogSketch::new();
        wide.store = Store {
            offset: i32::MAX - 1,
            counts: vec![1, 2, 3],
        };
        let mut m = LogSketch::new();
        m.merge(&wide);
        assert_eq!(buckets(&m), vec![(i32::MAX - 1, 1), (i32::MAX, 2)]);
    }

    #[test]
    fn share_counts_count_as_add_bin() {
        for gh in [1, 3, 7, 8, 9, 16, 17, 180] {
            for rows in [0, 1, 64] {
                let bins: Vec<u8> = (0..rows * gh)
                    .map(|i| ((i * 7919 + i / gh * 31) % SHARE_BINS) as u8)
                    .collect();
                let mut reference = vec![ShareHistogram::default(); gh];
                for row in bins.chunks_exact(gh) {
                    for (h, &b) in reference.iter_mut().zip(row) {
                        h.add_bin(b);
                    }
                }
                let mut counts = ShareCounts::new(gh);
                counts.add_rows(&bins);
                // Draining adds to what the histograms hold, and leaves zeros behind.
                let mut histograms = reference.clone();
                counts.drain_into(&mut histograms);
                counts.drain_into(&mut histograms);
                for (h, r) in histograms.iter().zip(&reference) {
                    let doubled: Vec<u32> = r.counts.iter().map(|c| 2 * c).collect();
                    assert_eq!(h.counts, doubled, "gh={gh} rows={rows}");
                }
            }
        }
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
