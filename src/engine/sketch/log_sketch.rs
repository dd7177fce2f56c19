//! The month-by-month sketch of money: relative accuracy over any magnitude and either sign.

use serde::{Deserialize, Serialize};

use super::store::Store;

/// Relative accuracy of [`LogSketch`] quantiles.
pub const RELATIVE_ACCURACY: f64 = 0.005;
/// Magnitudes below this (in currency units) are counted as zero.
pub(super) const ZERO_THRESHOLD: f64 = 1.0;

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
    pub(super) store: Store,
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
    pub(super) fn index(self, m: f64) -> i32 {
        // m >= 1, so the product is >= 0 and truncation is the floor.
        (log2_like(m.min(f64::MAX)) * self.multiplier) as i32
    }

    /// The signed key of `x`: `index(|x|) + 1` for x ≥ 1, its negative for x ≤ −1, and 0 for
    /// magnitudes under [`ZERO_THRESHOLD`] and NaN. Increasing in x; branch-free.
    #[inline]
    pub(super) fn key(self, x: f64) -> i32 {
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
    pub(super) fn keys_into_sse2(self, values: &[f64], out: &mut [i32]) {
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

    pub(super) fn value_of(index: i32) -> f64 {
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

    /// The number of values counted, when the sketch is well formed: its bucket range fits
    /// the key space and its counts add up without overflow. For sketches read from files.
    pub fn checked_count(&self) -> Option<u64> {
        let last = i64::from(self.store.offset) + self.store.counts.len() as i64 - 1;
        if last > i64::from(i32::MAX) {
            return None;
        }
        self.store
            .counts
            .iter()
            .try_fold(0u64, |acc, &c| acc.checked_add(c))
    }
}
