//! Exact order statistics of a large column in a few passes: values are counted into the
//! buckets of a monotone linear map, and only the buckets holding a wanted rank are gathered
//! and sorted. The passes run four values per step on x86-64 with the same results as the
//! scalar loops to the bit.

/// A monotone linear map of a range of values onto bucket indices: v ≤ w ⇒ bucket(v) ≤
/// bucket(w) (rounding is monotone; ±∞ land at the ends).
#[derive(Debug, Clone, Copy)]
pub(super) struct BucketMap {
    lo: f64,
    scale: f64,
    top: f64,
}

impl BucketMap {
    /// The map of the finite range [lo, hi] for `n` values; `None` when it cannot be built
    /// (fewer than two distinct finite values, or a range too wide for a finite scale).
    pub(super) fn new(lo: f64, hi: f64, n: usize) -> Option<(BucketMap, usize)> {
        if hi <= lo {
            return None;
        }
        let buckets = (n / 16).clamp(1024, 1 << 16);
        let scale = buckets as f64 / (hi - lo);
        scale.is_finite().then_some((
            BucketMap {
                lo,
                scale,
                top: (buckets - 1) as f64,
            },
            buckets,
        ))
    }

    #[inline]
    fn bucket(self, v: f64) -> usize {
        // Clamped as a float first, as SSE2's `maxpd`/`minpd` with the value first do (a NaN
        // goes to 0), so the SIMD passes below compute the same index; buckets are at most
        // 2^16, so the conversion never saturates.
        let t = (v - self.lo) * self.scale;
        let t = if t > 0.0 { t } else { 0.0 };
        let t = if t < self.top { t } else { self.top };
        t as i32 as usize
    }
}

/// [`BucketMap::bucket`] for two values at a time in an SSE2 register (the passes of
/// [`scan`] and [`gather`]): the same operations, so the same indices.
#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy)]
struct BucketPairs {
    lo: std::arch::x86_64::__m128d,
    scale: std::arch::x86_64::__m128d,
    top: std::arch::x86_64::__m128d,
}

#[cfg(target_arch = "x86_64")]
impl BucketPairs {
    fn new(map: BucketMap) -> Self {
        use std::arch::x86_64::*;
        // SAFETY: SSE2 is part of the x86-64 baseline.
        unsafe {
            BucketPairs {
                lo: _mm_set1_pd(map.lo),
                scale: _mm_set1_pd(map.scale),
                top: _mm_set1_pd(map.top),
            }
        }
    }

    /// The two bucket indices as the low and high halves of a u64.
    #[inline(always)]
    fn of(self, x: std::arch::x86_64::__m128d) -> u64 {
        use std::arch::x86_64::*;
        // SAFETY: SSE2 is part of the x86-64 baseline.
        unsafe {
            let t = _mm_mul_pd(_mm_sub_pd(x, self.lo), self.scale);
            let t = _mm_min_pd(_mm_max_pd(t, _mm_setzero_pd()), self.top);
            _mm_cvtsi128_si64(_mm_cvttpd_epi32(t)) as u64
        }
    }
}

/// The order statistics at 0-based `ranks` (ascending, in range) of `values` (no NaN), given
/// their bucket `counts` under `map`: only the buckets holding a wanted rank are gathered (one
/// more pass), and those few values are sorted — exactly what sorting all would give.
fn select_from_buckets(
    values: &[f64],
    map: BucketMap,
    counts: &[u32],
    ranks: &[usize],
) -> Vec<f64> {
    // For each rank: its bucket and its rank inside the bucket.
    let mut wanted: Vec<(usize, usize)> = Vec::with_capacity(ranks.len());
    let (mut b, mut below) = (0usize, 0usize);
    for &r in ranks {
        while below + counts[b] as usize <= r {
            below += counts[b] as usize;
            b += 1;
        }
        wanted.push((b, r - below));
    }
    const NONE: u32 = u32::MAX;
    let mut slot = vec![NONE; counts.len()];
    let mut gathered: Vec<Vec<f64>> = Vec::new();
    for &(b, _) in &wanted {
        if slot[b] == NONE {
            slot[b] = gathered.len() as u32;
            gathered.push(Vec::with_capacity(counts[b] as usize));
        }
    }
    for &v in values {
        let s = slot[map.bucket(v)];
        if s != NONE {
            gathered[s as usize].push(v);
        }
    }
    for g in &mut gathered {
        g.sort_unstable_by(f64::total_cmp);
    }
    wanted
        .iter()
        .map(|&(b, k)| gathered[slot[b] as usize][k])
        .collect()
}

/// The order statistics at 0-based `ranks` (ascending, in range) of `values` (no NaN), in
/// `total_cmp` order — exactly what sorting would give — without sorting: values are
/// counted into buckets by a monotone linear map of their range, only the buckets holding a
/// wanted rank are gathered, and those few values are sorted. Three passes over the data.
/// `None` when the map cannot be built (fewer than two distinct finite values).
pub(super) fn order_statistics(values: &[f64], ranks: &[usize]) -> Option<Vec<f64>> {
    let (lo, hi) = values
        .iter()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    let (map, buckets) = BucketMap::new(lo, hi, values.len())?;
    let mut counts = vec![0u32; buckets];
    for &v in values {
        counts[map.bucket(v)] += 1;
    }
    Some(select_from_buckets(values, map, &counts, ranks))
}

/// Values sampled, evenly spaced in trial order, to place a column's [`BucketMap`] before the
/// first pass over it (values outside the sample's range land in the end buckets: still exact).
const SAMPLE: usize = 4096;

/// No group of gathered values: a bucket holding no wanted rank.
pub(super) const NONE: u8 = u8::MAX;

/// Above this many values a gathered group is selected into rather than sorted.
pub(super) const SORT_UP_TO: usize = 256;

/// The finite extremes of a sample of `values` (all of them when the sample has fewer than two
/// distinct finite values): the range a [`BucketMap`] spreads over. `None` when there are not
/// two distinct finite values.
pub(super) fn bucket_range(values: &[f64]) -> Option<(f64, f64)> {
    let extremes = |it: &mut dyn Iterator<Item = &f64>| {
        it.filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            })
    };
    let stride = (values.len() / SAMPLE).max(1);
    let (lo, hi) = extremes(&mut values.iter().step_by(stride));
    if hi > lo {
        return Some((lo, hi));
    }
    let (lo, hi) = extremes(&mut values.iter());
    (hi > lo).then_some((lo, hi))
}

/// What the first pass over a column finds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Scan {
    /// The non-NaN values (all, without `SKIP_NAN`).
    pub(super) defined: usize,
    /// Their sum in trial order from −0.0, as `Iterator::sum` adds.
    pub(super) sum: f64,
}

impl Scan {
    /// Nothing seen yet.
    pub(super) const EMPTY: Scan = Scan {
        defined: 0,
        sum: -0.0,
    };
}

/// The first pass over a column: the [`Scan`] and, added into `counts`, the number of values
/// in each bucket of `map`. With `SKIP_NAN` NaN are left out of the [`Scan`] (but counted in
/// bucket 0: the caller takes them out); without, a NaN makes the sum NaN and the rest
/// meaningless (the caller checks). On x86-64 four values per step with SSE2; the same
/// results as the scalar loop to the bit (the sum still one value at a time, in order).
pub(super) fn scan<const SKIP_NAN: bool>(
    values: &[f64],
    map: BucketMap,
    counts: &mut [u32],
) -> Scan {
    assert!(
        map.top < counts.len() as f64,
        "every bucket index has a count"
    );
    #[cfg(target_arch = "x86_64")]
    let (s, done) = {
        use std::arch::x86_64::*;
        let mut s = Scan::EMPTY;
        let full = values.len() / 4 * 4;
        // SAFETY: SSE2 is part of the x86-64 baseline; every load reads 4 of the first `full`
        // values; every bucket index is in 0..=top (clamped as floats, NaN to 0, then
        // truncated), and `counts` is longer than `top` (asserted above).
        unsafe {
            let p = values.as_ptr();
            let c = counts.as_mut_ptr();
            let buckets = BucketPairs::new(map);
            let negzero = _mm_set1_pd(-0.0);
            let mut sum = -0.0;
            let mut defined = _mm_setzero_si128();
            let mut i = 0;
            while i < full {
                let a = _mm_loadu_pd(p.add(i));
                let b = _mm_loadu_pd(p.add(i + 2));
                if SKIP_NAN {
                    // A NaN adds −0.0 (x + −0.0 = x for every x) and is not counted.
                    let (oa, ob) = (_mm_cmpord_pd(a, a), _mm_cmpord_pd(b, b));
                    defined = _mm_sub_epi64(defined, _mm_castpd_si128(oa));
                    defined = _mm_sub_epi64(defined, _mm_castpd_si128(ob));
                    let sa = _mm_or_pd(_mm_and_pd(oa, a), _mm_andnot_pd(oa, negzero));
                    let sb = _mm_or_pd(_mm_and_pd(ob, b), _mm_andnot_pd(ob, negzero));
                    sum += _mm_cvtsd_f64(sa);
                    sum += _mm_cvtsd_f64(_mm_unpackhi_pd(sa, sa));
                    sum += _mm_cvtsd_f64(sb);
                    sum += _mm_cvtsd_f64(_mm_unpackhi_pd(sb, sb));
                } else {
                    // Scalar adds straight from memory: no shuffles.
                    sum += *p.add(i);
                    sum += *p.add(i + 1);
                    sum += *p.add(i + 2);
                    sum += *p.add(i + 3);
                }
                let (ka, kb) = (buckets.of(a), buckets.of(b));
                *c.add(ka as u32 as usize) += 1;
                *c.add((ka >> 32) as usize) += 1;
                *c.add(kb as u32 as usize) += 1;
                *c.add((kb >> 32) as usize) += 1;
                i += 4;
            }
            s.sum = sum;
            s.defined = if SKIP_NAN {
                let mut d = [0u64; 2];
                _mm_storeu_si128(d.as_mut_ptr().cast(), defined);
                (d[0] + d[1]) as usize
            } else {
                full
            };
        }
        (s, full)
    };
    #[cfg(not(target_arch = "x86_64"))]
    let (s, done) = (Scan::EMPTY, 0);
    scan_scalar::<SKIP_NAN>(&values[done..], map, counts, s)
}

/// [`scan`] one value at a time, continuing from `s`: the portable loop, the tail of the
/// SIMD one, and the reference it is tested against.
pub(super) fn scan_scalar<const SKIP_NAN: bool>(
    values: &[f64],
    map: BucketMap,
    counts: &mut [u32],
    mut s: Scan,
) -> Scan {
    for &v in values {
        if !(SKIP_NAN && v.is_nan()) {
            s.defined += 1;
            s.sum += v;
        }
        counts[map.bucket(v)] += 1;
    }
    s
}

/// Values of the wanted buckets, gathered bucket by bucket into one buffer.
pub(super) struct Groups {
    /// Group `g` is `values[start[g]..start[g + 1]]` once gathered.
    pub(super) values: Vec<f64>,
    pub(super) start: Vec<usize>,
    /// Where group `g`'s next value goes.
    pub(super) next: Vec<usize>,
}

impl Groups {
    #[inline]
    fn push(&mut self, g: u8, v: f64) {
        let at = &mut self.next[g as usize];
        self.values[*at] = v;
        *at += 1;
    }
}

/// The second pass over a column: the sum of squared deviations from `mean` in trial order
/// from −0.0 (as `Iterator::sum` adds them), and every value whose bucket has a group in
/// `slot` pushed to that group. With `SKIP_NAN` NaN are left out (their squared deviation
/// adds +0.0, which leaves a sum of squares unchanged once it holds one real term). SSE2 on
/// x86-64, four values per step; the same sum to the bit as the scalar loop.
pub(super) fn gather<const SKIP_NAN: bool>(
    values: &[f64],
    map: BucketMap,
    mean: f64,
    slot: &[u8],
    groups: &mut Groups,
) -> f64 {
    assert!(map.top < slot.len() as f64, "every bucket index has a slot");
    #[cfg(target_arch = "x86_64")]
    let (ss, done) = {
        use std::arch::x86_64::*;
        let full = values.len() / 4 * 4;
        // SAFETY: SSE2 is part of the x86-64 baseline; every load reads 4 of the first `full`
        // values; every bucket index is in 0..=top (see `scan`), and `slot` is longer than
        // `top` (asserted above).
        unsafe {
            let p = values.as_ptr();
            let sl = slot.as_ptr();
            let buckets = BucketPairs::new(map);
            let m = _mm_set1_pd(mean);
            let mut sum = -0.0;
            let mut i = 0;
            while i < full {
                let a = _mm_loadu_pd(p.add(i));
                let b = _mm_loadu_pd(p.add(i + 2));
                let (da, db) = (_mm_sub_pd(a, m), _mm_sub_pd(b, m));
                let (mut qa, mut qb) = (_mm_mul_pd(da, da), _mm_mul_pd(db, db));
                if SKIP_NAN {
                    qa = _mm_and_pd(qa, _mm_cmpord_pd(a, a));
                    qb = _mm_and_pd(qb, _mm_cmpord_pd(b, b));
                }
                sum += _mm_cvtsd_f64(qa);
                sum += _mm_cvtsd_f64(_mm_unpackhi_pd(qa, qa));
                sum += _mm_cvtsd_f64(qb);
                sum += _mm_cvtsd_f64(_mm_unpackhi_pd(qb, qb));
                let (ka, kb) = (buckets.of(a), buckets.of(b));
                let k = [
                    ka as u32 as usize,
                    (ka >> 32) as usize,
                    kb as u32 as usize,
                    (kb >> 32) as usize,
                ];
                // NONE is all ones: the four slots and-ed stay NONE unless one is wanted.
                if *sl.add(k[0]) & *sl.add(k[1]) & *sl.add(k[2]) & *sl.add(k[3]) != NONE {
                    for (j, &k) in k.iter().enumerate() {
                        let (g, v) = (*sl.add(k), *p.add(i + j));
                        if g != NONE && !(SKIP_NAN && v.is_nan()) {
                            groups.push(g, v);
                        }
                    }
                }
                i += 4;
            }
            (sum, full)
        }
    };
    #[cfg(not(target_arch = "x86_64"))]
    let (ss, done) = (-0.0, 0);
    gather_scalar::<SKIP_NAN>(&values[done..], map, mean, slot, groups, ss)
}

/// [`gather`] one value at a time, continuing the sum `ss`: the portable loop, the tail of
/// the SIMD one, and the reference it is tested against.
pub(super) fn gather_scalar<const SKIP_NAN: bool>(
    values: &[f64],
    map: BucketMap,
    mean: f64,
    slot: &[u8],
    groups: &mut Groups,
    mut ss: f64,
) -> f64 {
    for &v in values {
        if SKIP_NAN && v.is_nan() {
            continue;
        }
        ss += (v - mean) * (v - mean);
        let g = slot[map.bucket(v)];
        if g != NONE {
            groups.push(g, v);
        }
    }
    ss
}
