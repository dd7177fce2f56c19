//! Statistics of per-trial values, computed in trial order so they are bit-identical for any
//! thread count. Percentiles follow numpy's default ("linear") definition, so finance can
//! reproduce them from exported trials.

use crate::results::{DefinedStats, PartialStats, PaybackStats, Stats};

/// The percentiles every STATS block reports.
pub const PERCENTILES: [f64; 7] = [0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95];

/// Below this many values, [`quantiles`] selects directly.
const BUCKETED_FROM: usize = 4096;

/// A monotone linear map of a range of values onto bucket indices: v ≤ w ⇒ bucket(v) ≤
/// bucket(w) (rounding is monotone; ±∞ land at the ends).
#[derive(Debug, Clone, Copy)]
struct BucketMap {
    lo: f64,
    scale: f64,
    top: f64,
}

impl BucketMap {
    /// The map of the finite range [lo, hi] for `n` values; `None` when it cannot be built
    /// (fewer than two distinct finite values, or a range too wide for a finite scale).
    fn new(lo: f64, hi: f64, n: usize) -> Option<(BucketMap, usize)> {
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
fn order_statistics(values: &[f64], ranks: &[usize]) -> Option<Vec<f64>> {
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
const NONE: u8 = u8::MAX;

/// Above this many values a gathered group is selected into rather than sorted.
const SORT_UP_TO: usize = 256;

/// The finite extremes of a sample of `values` (all of them when the sample has fewer than two
/// distinct finite values): the range a [`BucketMap`] spreads over. `None` when there are not
/// two distinct finite values.
fn bucket_range(values: &[f64]) -> Option<(f64, f64)> {
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
struct Scan {
    /// The non-NaN values (all, without `SKIP_NAN`).
    defined: usize,
    /// Their sum in trial order from −0.0, as `Iterator::sum` adds.
    sum: f64,
}

impl Scan {
    /// Nothing seen yet.
    const EMPTY: Scan = Scan {
        defined: 0,
        sum: -0.0,
    };
}

/// The first pass over a column: the [`Scan`] and, added into `counts`, the number of values
/// in each bucket of `map`. With `SKIP_NAN` NaN are left out of the [`Scan`] (but counted in
/// bucket 0: the caller takes them out); without, a NaN makes the sum NaN and the rest
/// meaningless (the caller checks). On x86-64 four values per step with SSE2; the same
/// results as the scalar loop to the bit (the sum still one value at a time, in order).
fn scan<const SKIP_NAN: bool>(values: &[f64], map: BucketMap, counts: &mut [u32]) -> Scan {
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
fn scan_scalar<const SKIP_NAN: bool>(
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
struct Groups {
    /// Group `g` is `values[start[g]..start[g + 1]]` once gathered.
    values: Vec<f64>,
    start: Vec<usize>,
    /// Where group `g`'s next value goes.
    next: Vec<usize>,
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
fn gather<const SKIP_NAN: bool>(
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
fn gather_scalar<const SKIP_NAN: bool>(
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

/// A column's moments and order statistics over its non-NaN values, from [`fused`].
#[derive(Debug, Clone, PartialEq)]
struct Fused {
    defined: usize,
    mean: f64,
    /// Sample standard deviation (defined − 1), 0 for one value.
    std: f64,
    min: f64,
    max: f64,
    /// Ascending ranks among the defined values, and the value at each.
    ranks: Vec<usize>,
    order: Vec<f64>,
}

impl Fused {
    /// The order statistic at `r`, one of the ranks asked for.
    fn at(&self, r: usize) -> f64 {
        self.order[self.ranks.binary_search(&r).expect("rank was asked for")]
    }
}

/// Moments ([`mean_std`], [`first_extremes`]) and exact order statistics (`total_cmp` order,
/// what sorting would give) of the non-NaN values of a column in two passes, whatever the
/// number of ranks: values are counted into buckets of a monotone linear map (placed from a
/// sample) while summed; then squared deviations are summed while the values of the buckets
/// holding a wanted rank (the extremes among them) are gathered, and those few values are
/// sorted. `ranks(defined)` gives the ascending
/// ranks wanted among the `defined` non-NaN values.
///
/// `None` where this does not apply — small inputs, no two distinct finite values, and
/// without `SKIP_NAN` any NaN — and the callers copy and select instead.
fn fused<const SKIP_NAN: bool>(
    values: &[f64],
    ranks: impl FnOnce(usize) -> Vec<usize>,
) -> Option<Fused> {
    let n = values.len();
    if n < BUCKETED_FROM {
        return None;
    }
    let (lo, hi) = bucket_range(values)?;
    let (map, buckets) = BucketMap::new(lo, hi, n)?;
    let mut counts = vec![0u32; buckets];
    let s = scan::<SKIP_NAN>(values, map, &mut counts);
    counts[0] -= (n - s.defined) as u32;
    // A NaN makes the sum NaN (so do +∞ and −∞ together: then look).
    if !SKIP_NAN && s.sum.is_nan() && values.iter().any(|v| v.is_nan()) {
        return None;
    }
    let m = s.defined;
    if m == 0 {
        return None;
    }
    // The extremes are order statistics too: ranks 0 and m − 1 are gathered as well.
    let mut ranks = ranks(m);
    debug_assert!(ranks.iter().all(|&r| r < m));
    ranks.extend([0, m - 1]);
    ranks.sort_unstable();
    ranks.dedup();

    // Each rank's bucket and its rank inside the bucket; a group for each such bucket.
    let mut slot = vec![NONE; buckets];
    let mut wanted: Vec<(u8, usize)> = Vec::with_capacity(ranks.len());
    let mut start = vec![0usize];
    let (mut b, mut below) = (0usize, 0usize);
    for &r in &ranks {
        while below + counts[b] as usize <= r {
            below += counts[b] as usize;
            b += 1;
        }
        if slot[b] == NONE {
            if start.len() > NONE as usize {
                return None;
            }
            slot[b] = (start.len() - 1) as u8;
            start.push(start[start.len() - 1] + counts[b] as usize);
        }
        wanted.push((slot[b], r - below));
    }
    let mut groups = Groups {
        values: vec![0.0; start[start.len() - 1]],
        next: start[..start.len() - 1].to_vec(),
        start,
    };

    let mean = s.sum / m as f64;
    let ss = gather::<SKIP_NAN>(values, map, mean, &slot, &mut groups);
    let std = if m == 1 {
        0.0
    } else {
        (ss / (m - 1) as f64).sqrt()
    };

    // Order the groups: sorted when small, else selected at each wanted rank in turn.
    let order = {
        let mut order = Vec::with_capacity(ranks.len());
        let mut w = 0;
        while w < wanted.len() {
            let g = wanted[w].0;
            let group = &mut groups.values[groups.start[g as usize]..groups.start[g as usize + 1]];
            let inner: Vec<usize> = wanted[w..]
                .iter()
                .take_while(|&&(h, _)| h == g)
                .map(|&(_, k)| k)
                .collect();
            if group.len() <= SORT_UP_TO {
                group.sort_unstable_by(f64::total_cmp);
            } else {
                let mut from = 0;
                for &k in &inner {
                    group[from..].select_nth_unstable_by(k - from, f64::total_cmp);
                    from = k + 1;
                }
            }
            order.extend(inner.iter().map(|&k| group[k]));
            w += inner.len();
        }
        order
    };
    // The first of equal extremes in trial order, as `first_extremes`: only ±0 compare equal
    // with different bits, so a zero extreme is whichever zero comes first.
    let first = |x: f64| {
        if x == 0.0 {
            values.iter().copied().find(|&v| v == 0.0).unwrap_or(x)
        } else {
            x
        }
    };
    let (min, max) = (first(order[0]), first(order[order.len() - 1]));
    Some(Fused {
        defined: m,
        mean,
        std,
        min,
        max,
        ranks,
        order,
    })
}

/// The union of [`needed_ranks`] for two lists of quantiles.
fn ranks_for(a: &[f64], b: &[f64], n: usize) -> Vec<usize> {
    let mut r = needed_ranks(a, n);
    r.extend(needed_ranks(b, n));
    r.sort_unstable();
    r.dedup();
    r
}

/// [`stats_of`] and [`quantiles_of`] of one column at once: the order statistics both need
/// come from one pass (for NPV's chart percentiles).
pub fn stats_and_quantiles(values: &[f64], qs: &[f64]) -> (Stats, Vec<f64>) {
    let n = values.len();
    match fused::<false>(values, |_| ranks_for(&PERCENTILES, qs, n)) {
        Some(f) => {
            let p: Vec<f64> = PERCENTILES
                .iter()
                .map(|&q| interpolate(q, n, |r| f.at(r)))
                .collect();
            let q = qs.iter().map(|&q| interpolate(q, n, |r| f.at(r))).collect();
            (stats_with((f.mean, f.std, f.min, f.max), n, &p), q)
        }
        None => (stats(&mut values.to_vec()), quantiles_of(values, qs)),
    }
}

/// [`quantiles`] without reordering `values` (copies them only for small or NaN inputs).
pub fn quantiles_of(values: &[f64], qs: &[f64]) -> Vec<f64> {
    match bucketed_quantiles(values, qs) {
        Some(q) => q,
        None => quantiles_by_selection(&mut values.to_vec(), qs),
    }
}

/// Values at the given quantiles (numpy "linear"), reordering `values` in place (or not).
/// Large inputs use `order_statistics` (three passes, whatever the number of quantiles);
/// the result is the same either way.
pub fn quantiles(values: &mut [f64], qs: &[f64]) -> Vec<f64> {
    match bucketed_quantiles(values, qs) {
        Some(q) => q,
        None => quantiles_by_selection(values, qs),
    }
}

/// The 0-based order statistics numpy's "linear" quantiles of `n` values need for `qs`:
/// the rank at or below each position and the one after it, ascending and unique.
fn needed_ranks(qs: &[f64], n: usize) -> Vec<usize> {
    let mut ranks: Vec<usize> = qs
        .iter()
        .flat_map(|&q| {
            let lo = (q.clamp(0.0, 1.0) * (n - 1) as f64).floor() as usize;
            [lo, (lo + 1).min(n - 1)]
        })
        .collect();
    ranks.sort_unstable();
    ranks.dedup();
    ranks
}

/// numpy's "linear" `q`-quantile of `n` values, given the order statistic at each rank.
fn interpolate(q: f64, n: usize, at: impl Fn(usize) -> f64) -> f64 {
    let pos = q.clamp(0.0, 1.0) * (n - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    let frac = pos - lo as f64;
    let (a, b) = (at(lo), at(hi));
    if frac == 0.0 || a == b {
        a
    } else {
        a + (b - a) * frac
    }
}

/// Quantiles from [`order_statistics`]; `None` for small inputs, NaN, or no usable range.
fn bucketed_quantiles(values: &[f64], qs: &[f64]) -> Option<Vec<f64>> {
    let n = values.len();
    if n < BUCKETED_FROM || values.iter().any(|v| v.is_nan()) {
        return None;
    }
    let ranks = needed_ranks(qs, n);
    let order = order_statistics(values, &ranks)?;
    let at = |r: usize| order[ranks.binary_search(&r).expect("rank was asked for")];
    Some(qs.iter().map(|&q| interpolate(q, n, at)).collect())
}

/// [`quantiles`] by repeated selection: O(n) per quantile. For small inputs and inputs with NaN.
fn quantiles_by_selection(values: &mut [f64], qs: &[f64]) -> Vec<f64> {
    let n = values.len();
    if n == 0 {
        return vec![f64::NAN; qs.len()];
    }
    let ranks = needed_ranks(qs, n);
    let mut start = 0;
    for &r in &ranks {
        if r >= start {
            values[start..].select_nth_unstable_by(r - start, f64::total_cmp);
            start = r + 1;
        }
    }
    qs.iter()
        .map(|&q| interpolate(q, n, |r| values[r]))
        .collect()
}

/// Mean and sample standard deviation (n − 1), summed in order.
fn mean_std(values: &[f64]) -> (f64, f64) {
    let n = values.len();
    if n == 0 {
        return (f64::NAN, f64::NAN);
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    if n == 1 {
        return (mean, 0.0);
    }
    let ss: f64 = values.iter().map(|v| (v - mean) * (v - mean)).sum();
    (mean, (ss / (n - 1) as f64).sqrt())
}

/// STATS of a fully defined quantity, `values` left as they are (copied only when small or
/// with NaN).
pub fn stats_of(values: &[f64]) -> Stats {
    let n = values.len();
    match fused::<false>(values, |_| needed_ranks(&PERCENTILES, n)) {
        Some(f) => {
            let p: Vec<f64> = PERCENTILES
                .iter()
                .map(|&q| interpolate(q, n, |r| f.at(r)))
                .collect();
            stats_with((f.mean, f.std, f.min, f.max), n, &p)
        }
        None => stats(&mut values.to_vec()),
    }
}

/// STATS of a fully defined quantity. `values` is reordered.
pub fn stats(values: &mut [f64]) -> Stats {
    // Moments first, in trial order (selection reorders the values).
    let m = moments(values);
    let p = quantiles(values, &PERCENTILES);
    stats_with(m, values.len(), &p)
}

/// (mean, std, min, max), summed in order; the extremes as [`first_extremes`].
fn moments(values: &[f64]) -> (f64, f64, f64, f64) {
    let (mean, std) = mean_std(values);
    let (min, max) = first_extremes(values.iter().copied());
    (mean, std, min, max)
}

/// The first minimum and first maximum in order, NaN ignored (±∞ when there is nothing else):
/// of equal values (only ±0 can differ) the first stays. `f64::min`/`f64::max` leave that
/// choice open, and compilers make it differently in different loops; this fixes it, the
/// same for every path and platform.
fn first_extremes(values: impl Iterator<Item = f64>) -> (f64, f64) {
    values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (if v < lo { v } else { lo }, if v > hi { v } else { hi })
    })
}

/// STATS from the [`moments`] of `n` values and their [`PERCENTILES`].
fn stats_with((mean, std, min, max): (f64, f64, f64, f64), n: usize, p: &[f64]) -> Stats {
    Stats {
        mean,
        std,
        stderr: if n > 0 {
            std / (n as f64).sqrt()
        } else {
            f64::NAN
        },
        min,
        p5: p[0],
        p10: p[1],
        p25: p[2],
        p50: p[3],
        p75: p[4],
        p90: p[5],
        p95: p[6],
        max,
    }
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

fn partial(s: &Stats) -> PartialStats {
    PartialStats {
        mean: finite(s.mean),
        std: finite(s.std),
        stderr: finite(s.stderr),
        min: finite(s.min),
        p5: finite(s.p5),
        p10: finite(s.p10),
        p25: finite(s.p25),
        p50: finite(s.p50),
        p75: finite(s.p75),
        p90: finite(s.p90),
        p95: finite(s.p95),
        max: finite(s.max),
    }
}

/// Stats over the trials where the value is defined (not NaN); the rest are reported as a
/// fraction. Used for IRR and ROI.
pub fn defined_stats(values: &[f64]) -> DefinedStats {
    let Some(f) = fused::<true>(values, |m| needed_ranks(&PERCENTILES, m)) else {
        return defined_stats_by_copy(values);
    };
    let m = f.defined;
    let p: Vec<f64> = PERCENTILES
        .iter()
        .map(|&q| interpolate(q, m, |r| f.at(r)))
        .collect();
    DefinedStats {
        stats: partial(&stats_with((f.mean, f.std, f.min, f.max), m, &p)),
        undefined_fraction: 1.0 - m as f64 / values.len() as f64,
    }
}

/// [`defined_stats`] from a copy of the defined values: for small inputs, and the reference
/// the fused passes are tested against.
fn defined_stats_by_copy(values: &[f64]) -> DefinedStats {
    let defined = values.iter().filter(|v| !v.is_nan()).count();
    let undefined_fraction = if values.is_empty() {
        0.0
    } else {
        1.0 - defined as f64 / values.len() as f64
    };
    let stats = stats(
        &mut values
            .iter()
            .copied()
            .filter(|v| !v.is_nan())
            .collect::<Vec<_>>(),
    );
    DefinedStats {
        stats: partial(&stats),
        undefined_fraction,
    }
}

/// Payback stats: NaN ("never") ranks as +∞, so a percentile landing among never-paying
/// trials is null; mean, std and min are over paying trials.
pub fn payback_stats(values: &[f64]) -> PaybackStats {
    let n = values.len();
    // Ranks at or past the paying trials' count hold never-paying ones (+∞).
    let all = needed_ranks(&PERCENTILES, n.max(1));
    let Some(f) = fused::<true>(values, |m| all.iter().copied().filter(|&r| r < m).collect())
    else {
        return payback_stats_by_copy(values);
    };
    let m = f.defined;
    let at = |r: usize| if r < m { f.at(r) } else { f64::INFINITY };
    let p: Vec<f64> = PERCENTILES.iter().map(|&q| interpolate(q, n, at)).collect();
    let max = if m < n { f64::INFINITY } else { f.max };
    PaybackStats {
        stats: partial(&stats_with((f.mean, f.std, f.min, max), m, &p)),
        never_fraction: 1.0 - m as f64 / n as f64,
    }
}

/// [`payback_stats`] from a copy with NaN as +∞: for small inputs, and the reference the
/// fused passes are tested against.
fn payback_stats_by_copy(values: &[f64]) -> PaybackStats {
    let paying = || values.iter().copied().filter(|v| !v.is_nan());
    let m = paying().count();
    let never_fraction = if values.is_empty() {
        0.0
    } else {
        1.0 - m as f64 / values.len() as f64
    };
    // Mean and std as `mean_std` computes them, over the paying trials in trial order.
    let (mean, std) = if m == 0 {
        (f64::NAN, f64::NAN)
    } else {
        let mean = paying().sum::<f64>() / m as f64;
        if m == 1 {
            (mean, 0.0)
        } else {
            let ss: f64 = paying().map(|v| (v - mean) * (v - mean)).sum();
            (mean, (ss / (m - 1) as f64).sqrt())
        }
    };
    let (min, _) = first_extremes(paying());
    let mut ranked: Vec<f64> = values
        .iter()
        .map(|&v| if v.is_nan() { f64::INFINITY } else { v })
        .collect();
    let (_, max) = first_extremes(ranked.iter().copied());
    let p = quantiles(&mut ranked, &PERCENTILES);
    PaybackStats {
        stats: partial(&stats_with((mean, std, min, max), m, &p)),
        never_fraction,
    }
}

/// Which statistics a column of the per-trial table gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// [`stats`]: every trial has a value.
    Plain,
    /// [`defined_stats`]: NaN means undefined (IRR, ROI).
    Defined,
    /// [`payback_stats`]: NaN means never.
    Payback,
}

/// The statistics of one column, as [`ColumnKind`] says.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnStats {
    Plain(Stats),
    Defined(DefinedStats),
    Payback(PaybackStats),
}

/// The statistics `kind` asks for, of one column.
pub fn column_stats(values: &[f64], kind: ColumnKind) -> ColumnStats {
    match kind {
        ColumnKind::Plain => ColumnStats::Plain(stats_of(values)),
        ColumnKind::Defined => ColumnStats::Defined(defined_stats(values)),
        ColumnKind::Payback => ColumnStats::Payback(payback_stats(values)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn quantiles_match_numpy_linear() {
        // numpy.percentile([1, 2, 3, 4, 10], [10, 50, 95]) = [1.4, 3.0, 8.8]
        let mut v = vec![10.0, 1.0, 4.0, 3.0, 2.0];
        let q = quantiles(&mut v, &[0.10, 0.50, 0.95]);
        assert!((q[0] - 1.4).abs() < 1e-12 && q[1] == 3.0 && (q[2] - 8.8).abs() < 1e-12);
    }

    #[test]
    fn stats_of_known_sample() {
        let mut v = vec![2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        let s = stats(&mut v);
        assert_eq!(s.mean, 5.0);
        assert!((s.std - (32.0f64 / 7.0).sqrt()).abs() < 1e-12);
        assert_eq!((s.min, s.max), (2.0, 9.0));
        assert_eq!(s.p50, 4.5);
    }

    #[test]
    fn payback_never_ranks_last() {
        let v = [10.0, 12.0, f64::NAN, f64::NAN, 11.0];
        let s = payback_stats(&v);
        assert!((s.never_fraction - 0.4).abs() < 1e-12);
        assert_eq!(s.stats.mean, Some(11.0));
        assert_eq!(s.stats.p50, Some(12.0));
        assert_eq!(s.stats.p95, None);
        assert_eq!(s.stats.max, None);
        assert_eq!(s.stats.min, Some(10.0));
    }

    #[test]
    fn all_undefined_gives_nulls() {
        let d = defined_stats(&[f64::NAN, f64::NAN]);
        assert_eq!(d.undefined_fraction, 1.0);
        assert_eq!(d.stats.p50, None);
    }

    #[test]
    fn column_stats_equal_stats_of_a_reordered_copy() {
        let mut next = crate::test_support::uniforms(0xdead_beef);
        for n in [0usize, 1, 2, 7, 300, 20_000] {
            let width = 5;
            let mut data = Vec::with_capacity(n * width);
            for i in 0..n {
                let u = next();
                data.push((u * 40.0).exp() - 3.0); // plain, skewed
                data.push(if u < 0.2 { f64::NAN } else { u - 0.5 }); // defined
                data.push(if u > 0.9 { f64::NAN } else { 10.0 + u * 30.0 }); // payback
                data.push(if i % 3 == 0 { 0.0 } else { -0.0 }); // constant
                data.push(next() * 1e6); // plain
            }
            let cols = [
                (0, ColumnKind::Plain),
                (1, ColumnKind::Defined),
                (2, ColumnKind::Payback),
                (3, ColumnKind::Plain),
                (4, ColumnKind::Plain),
            ];
            let column = |c: usize| data.chunks_exact(width).map(|r| r[c]).collect::<Vec<_>>();
            let want = [
                ColumnStats::Plain(stats(&mut column(0))),
                ColumnStats::Defined(defined_stats(&column(1))),
                ColumnStats::Payback(payback_stats(&column(2))),
                ColumnStats::Plain(stats(&mut column(3))),
                ColumnStats::Plain(stats(&mut column(4))),
            ];
            let got: Vec<ColumnStats> = cols
                .iter()
                .map(|&(c, kind)| column_stats(&column(c), kind))
                .collect();
            // Compare through their bits (NaN == NaN).
            let bits = |c: &ColumnStats| format!("{c:?}");
            for (g, w) in got.iter().zip(&want) {
                assert_eq!(bits(g), bits(w), "n = {n}");
            }
        }
    }

    #[test]
    fn bucketed_quantiles_equal_selection() {
        // Skewed, tied, signed-zero and infinite values, above the bucketing threshold.
        let mut next = crate::test_support::uniforms(0x1234_5678);
        let mut v: Vec<f64> = (0..50_000)
            .map(|i| match i % 7 {
                0 => 0.0,
                1 => -0.0,
                2 => (next() * 30.0).exp(),
                3 => -next() * 1e6,
                4 => 42.0,
                _ => next(),
            })
            .collect();
        v.push(f64::INFINITY);
        v.push(f64::NEG_INFINITY);
        let qs: Vec<f64> = (0..=100)
            .map(|p| p as f64 / 100.0)
            .chain([0.005, 0.995])
            .collect();
        let fast = quantiles(&mut v.clone(), &qs);
        let slow = quantiles_by_selection(&mut v.clone(), &qs);
        for (a, b) in fast.iter().zip(&slow) {
            assert_eq!(a.to_bits(), b.to_bits());
        }
    }

    /// A plain reference: moments summed in trial order, first extremes, percentiles from a
    /// full sort.
    fn sorted_stats(values: &[f64]) -> Stats {
        let n = values.len();
        let mut sum = -0.0;
        let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
        for &v in values {
            sum += v;
            if v < min {
                min = v;
            }
            if v > max {
                max = v;
            }
        }
        let mean = sum / n as f64;
        let mut ss = -0.0;
        for &v in values {
            ss += (v - mean) * (v - mean);
        }
        let std = (ss / (n - 1) as f64).sqrt();
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let p: Vec<f64> = PERCENTILES
            .iter()
            .map(|&q| interpolate(q, n, |r| sorted[r]))
            .collect();
        stats_with((mean, std, min, max), n, &p)
    }

    /// Test columns above the bucketing threshold: skewed, signed zeros (as extremes too, the
    /// two signs in different SIMD lanes), ties filling whole buckets, infinities, NaN.
    fn columns() -> Vec<(&'static str, Vec<f64>)> {
        let mut next = crate::test_support::uniforms(0x9e37_79b9);
        let mut out = Vec::new();
        for n in [4096usize, 4099, 10_007, 30_000] {
            let mixed: Vec<f64> = (0..n)
                .map(|i| match i % 5 {
                    0 => -0.0,
                    1 => (next() * 25.0).exp(),
                    2 => -next() * 1e7,
                    _ => next() - 0.5,
                })
                .collect();
            let normalish: Vec<f64> = (0..n)
                .map(|_| (0..4).map(|_| next()).sum::<f64>() * 1e6 - 2e6)
                .collect();
            // Non-negative with both zeros: the minimum is whichever zero comes first.
            let mut zeros: Vec<f64> = (0..n).map(|_| 1.0 + next()).collect();
            zeros[n - 1] = -0.0;
            zeros[n / 2 + 1] = 0.0;
            zeros[n / 2 + 2] = -0.0;
            let mut neg_zero_first = zeros.clone();
            neg_zero_first[n / 2] = -0.0;
            neg_zero_first[n / 2 + 3] = 0.0;
            // Non-positive, both zeros as maximum.
            let nonpositive: Vec<f64> = zeros.iter().map(|v| -v).collect();
            // Few distinct values: whole buckets of ties (gathered groups are selected into).
            let atoms: Vec<f64> = (0..n).map(|_| (next() * 4.0).floor() * 0.25).collect();
            let mut infinite = normalish.clone();
            infinite[3] = f64::INFINITY;
            infinite[n / 3] = f64::NEG_INFINITY;
            let mut nan = normalish.clone();
            for i in (0..n).step_by(7) {
                nan[i] = f64::NAN;
            }
            let mostly_nan: Vec<f64> = (0..n)
                .map(|i| if i % 100 == 1 { next() } else { f64::NAN })
                .collect();
            let constant = vec![3.0; n];
            out.extend([
                ("mixed", mixed),
                ("normal-ish", normalish),
                ("zeros", zeros),
                ("negative zero first", neg_zero_first),
                ("non-positive", nonpositive),
                ("atoms", atoms),
                ("infinite", infinite),
                ("nan", nan),
                ("mostly nan", mostly_nan),
                ("constant", constant),
            ]);
        }
        out
    }

    #[test]
    fn fused_stats_equal_sorting() {
        let bits = |s: &Stats| format!("{s:?}");
        for (name, v) in columns() {
            if v.iter().any(|v| v.is_nan()) {
                continue;
            }
            let applies = name != "constant";
            let n = v.len();
            assert_eq!(
                fused::<false>(&v, |_| needed_ranks(&PERCENTILES, n)).is_some(),
                applies,
                "{name}"
            );
            let want = sorted_stats(&v);
            assert_eq!(bits(&stats_of(&v)), bits(&want), "{name}, n = {n}");
            assert_eq!(bits(&stats(&mut v.clone())), bits(&want), "{name}, n = {n}");
        }
    }

    #[test]
    fn fused_defined_and_payback_equal_copies() {
        let bits = |s: &dyn std::fmt::Debug| format!("{s:?}");
        for (name, v) in columns() {
            let n = v.len();
            assert_eq!(
                bits(&defined_stats(&v)),
                bits(&defined_stats_by_copy(&v)),
                "{name}, n = {n}"
            );
            assert_eq!(
                bits(&payback_stats(&v)),
                bits(&payback_stats_by_copy(&v)),
                "{name}, n = {n}"
            );
            // Against a sort of the defined values.
            let defined: Vec<f64> = v.iter().copied().filter(|v| !v.is_nan()).collect();
            if defined.len() > 1 {
                assert_eq!(
                    bits(&defined_stats(&v).stats),
                    bits(&partial(&sorted_stats(&defined))),
                    "{name}, n = {n}"
                );
            }
        }
    }

    #[test]
    fn stats_and_quantiles_equal_sorting() {
        let qs: Vec<f64> = (0..=100)
            .map(|p| p as f64 / 100.0)
            .chain([0.005, 0.995])
            .collect();
        for (name, v) in columns() {
            let (s, q) = stats_and_quantiles(&v, &qs);
            assert_eq!(format!("{s:?}"), format!("{:?}", stats_of(&v)), "{name}");
            let want = quantiles_by_selection(&mut v.clone(), &qs);
            let mut sorted = v.clone();
            sorted.sort_by(f64::total_cmp);
            for (i, (a, b)) in q.iter().zip(&want).enumerate() {
                assert_eq!(a.to_bits(), b.to_bits(), "{name}, q = {}", qs[i]);
                if !v.iter().any(|v| v.is_nan()) {
                    let c = interpolate(qs[i], v.len(), |r| sorted[r]);
                    assert_eq!(a.to_bits(), c.to_bits(), "{name}, q = {}", qs[i]);
                }
            }
        }
    }

    /// The SIMD passes against their scalar loops, to the bit, on every alignment of the tail.
    #[test]
    fn passes_equal_scalar_loops() {
        fn check<const SKIP_NAN: bool>(name: &str, v: &[f64]) {
            let Some((lo, hi)) = bucket_range(v) else {
                return;
            };
            let (map, buckets) = BucketMap::new(lo, hi, v.len()).expect("a range");
            let (mut c1, mut c2) = (vec![0u32; buckets], vec![0u32; buckets]);
            let s1 = scan::<SKIP_NAN>(v, map, &mut c1);
            let s2 = scan_scalar::<SKIP_NAN>(v, map, &mut c2, Scan::EMPTY);
            assert_eq!(format!("{s1:?}"), format!("{s2:?}"), "{name}");
            assert_eq!(c1, c2, "{name}");
            // Every third bucket wanted.
            let mut slot = vec![NONE; buckets];
            let mut start = vec![0];
            for b in (0..buckets).step_by(3).take(200) {
                slot[b] = (start.len() - 1) as u8;
                let nan = if SKIP_NAN && b == 0 {
                    v.len() - s1.defined
                } else {
                    0
                };
                start.push(start[start.len() - 1] + c1[b] as usize - nan);
            }
            let groups = || Groups {
                values: vec![0.0; start[start.len() - 1]],
                next: start[..start.len() - 1].to_vec(),
                start: start.clone(),
            };
            let (mut g1, mut g2) = (groups(), groups());
            let mean = s1.sum / s1.defined as f64;
            let q1 = gather::<SKIP_NAN>(v, map, mean, &slot, &mut g1);
            let q2 = gather_scalar::<SKIP_NAN>(v, map, mean, &slot, &mut g2, -0.0);
            assert_eq!(q1.to_bits(), q2.to_bits(), "{name}");
            assert_eq!(g1.next, start[1..].to_vec(), "{name}: every group filled");
            let b1: Vec<u64> = g1.values.iter().map(|v| v.to_bits()).collect();
            let b2: Vec<u64> = g2.values.iter().map(|v| v.to_bits()).collect();
            assert_eq!(b1, b2, "{name}");
        }
        for (name, v) in columns() {
            for cut in 0..4 {
                let v = &v[cut..];
                if !v.iter().any(|v| v.is_nan()) {
                    check::<false>(name, v);
                }
                check::<true>(name, v);
            }
        }
    }

    proptest! {
        #[test]
        fn selection_equals_sorting(mut v in proptest::collection::vec(-1e6f64..1e6, 1..200), q in 0.0f64..=1.0) {
            let mut sorted = v.clone();
            sorted.sort_by(f64::total_cmp);
            let pos = q * (sorted.len() - 1) as f64;
            let lo = pos.floor() as usize;
            let hi = (lo + 1).min(sorted.len() - 1);
            let expected = sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64);
            let got = quantiles(&mut v, &[q])[0];
            prop_assert!((got - expected).abs() <= 1e-9 * expected.abs().max(1.0));
        }
    }
}
