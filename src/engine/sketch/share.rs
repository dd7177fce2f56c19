//! The month-by-month sketch of adoption shares: fixed bins over [0, 1].

use serde::{Deserialize, Serialize};

/// A histogram of shares in [0, 1] with fixed bins, for adoption fans.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShareHistogram {
    pub(super) counts: Vec<u32>,
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
    pub(super) fn bins_into_sse2(values: &[f64], out: &mut [u8]) {
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

    /// The number of shares counted, when the histogram is well formed (one count per bin).
    /// For histograms read from files.
    pub fn checked_count(&self) -> Option<u64> {
        (self.counts.len() == SHARE_BINS).then(|| self.counts.iter().map(|&c| u64::from(c)).sum())
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
