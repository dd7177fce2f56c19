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
        // Clamped as a float first (a NaN would give 0), so the conversion to i32 (buckets
        // are at most 2^16) is one instruction and never saturates; f64 → usize is several.
        ((v - self.lo) * self.scale).max(0.0).min(self.top) as i32 as usize
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

/// [`stats_of`] for large inputs in three passes: (NaN, extremes, sum), (squared deviations,
/// bucket counts), (gather) — the same bits as [`moments`] and [`bucketed_quantiles`] (sums
/// run in trial order from −0.0, as `Iterator::sum` does). `None` where those would not
/// apply (small inputs, NaN, no usable range).
fn fused_stats(values: &[f64]) -> Option<Stats> {
    let n = values.len();
    if n < BUCKETED_FROM {
        return None;
    }
    let (mut nan, mut sum) = (false, -0.0);
    let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for &v in values {
        nan |= v.is_nan();
        sum += v;
        min = min.min(v);
        max = max.max(v);
        let finite = v.is_finite();
        lo = lo.min(if finite { v } else { f64::INFINITY });
        hi = hi.max(if finite { v } else { f64::NEG_INFINITY });
    }
    if nan {
        return None;
    }
    let (map, buckets) = BucketMap::new(lo, hi, n)?;
    let mean = sum / n as f64;
    let mut ss = -0.0;
    let mut counts = vec![0u32; buckets];
    for &v in values {
        ss += (v - mean) * (v - mean);
        counts[map.bucket(v)] += 1;
    }
    let std = (ss / (n - 1) as f64).sqrt();
    let ranks = needed_ranks(&PERCENTILES, n);
    let order = select_from_buckets(values, map, &counts, &ranks);
    let at = |r: usize| order[ranks.binary_search(&r).expect("rank was asked for")];
    let p: Vec<f64> = PERCENTILES.iter().map(|&q| interpolate(q, n, at)).collect();
    Some(stats_with((mean, std, min, max), n, &p))
}

/// [`quantiles`] without reordering `values` (copies them only for small or NaN inputs).
pub fn quantiles_of(values: &[f64], qs: &[f64]) -> Vec<f64> {
    match bucketed_quantiles(values, qs) {
        Some(q) => q,
        None => quantiles_by_selection(&mut values.to_vec(), qs),
    }
}

/// Values at the given quantiles (numpy "linear"), reordering `values` in place (or not).
/// Large inputs use [`order_statistics`] (three passes, whatever the number of quantiles);
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

/// STATS of a fully defined quantity, `values` left as they are.
pub fn stats_of(values: &[f64]) -> Stats {
    if let Some(s) = fused_stats(values) {
        return s;
    }
    match bucketed_quantiles(values, &PERCENTILES) {
        Some(p) => stats_with(moments(values), values.len(), &p),
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

/// (mean, std, min, max), summed in order.
fn moments(values: &[f64]) -> (f64, f64, f64, f64) {
    let (mean, std) = mean_std(values);
    let (min, max) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    (mean, std, min, max)
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
    let defined = values.iter().filter(|v| !v.is_nan()).count();
    let undefined_fraction = if values.is_empty() {
        0.0
    } else {
        1.0 - defined as f64 / values.len() as f64
    };
    let stats = if defined == values.len() {
        stats_of(values)
    } else {
        stats(
            &mut values
                .iter()
                .copied()
                .filter(|v| !v.is_nan())
                .collect::<Vec<_>>(),
        )
    };
    DefinedStats {
        stats: partial(&stats),
        undefined_fraction,
    }
}

/// Payback stats: NaN ("never") ranks as +∞, so a percentile landing among never-paying
/// trials is null; mean, std and min are over paying trials.
pub fn payback_stats(values: &[f64]) -> PaybackStats {
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
    let min = paying().fold(f64::INFINITY, f64::min);
    let mut ranked: Vec<f64> = values
        .iter()
        .map(|&v| if v.is_nan() { f64::INFINITY } else { v })
        .collect();
    let max = ranked.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let p = quantiles(&mut ranked, &PERCENTILES);
    PaybackStats {
        stats: PartialStats {
            mean: finite(mean),
            std: finite(std),
            stderr: finite(std / (m as f64).sqrt()),
            min: finite(min),
            p5: finite(p[0]),
            p10: finite(p[1]),
            p25: finite(p[2]),
            p50: finite(p[3]),
            p75: finite(p[4]),
            p90: finite(p[5]),
            p95: finite(p[6]),
            max: finite(max),
        },
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
        let mut s: u64 = 0xdead_beef;
        let mut next = || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
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
        let mut s: u64 = 0x1234_5678;
        let mut next = || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
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

    #[test]
    fn fused_stats_equal_moments_and_selection() {
        let mut s: u64 = 0x9e37_79b9;
        let mut next = || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut v: Vec<f64> = (0..30_000)
            .map(|i| match i % 5 {
                0 => -0.0,
                1 => (next() * 25.0).exp(),
                2 => -next() * 1e7,
                _ => next() - 0.5,
            })
            .collect();
        let bits = |s: &Stats| format!("{s:?}");
        let want = stats(&mut v.clone());
        assert_eq!(bits(&fused_stats(&v).expect("large, finite")), bits(&want));
        v.push(f64::INFINITY);
        let want = stats(&mut v.clone());
        assert_eq!(bits(&fused_stats(&v).expect("large, no NaN")), bits(&want));
        v.push(f64::NAN);
        assert!(fused_stats(&v).is_none());
        assert!(fused_stats(&v[..100]).is_none());
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
