//! Statistics of per-trial values, computed in trial order so they are bit-identical for any
//! thread count. Percentiles follow numpy's default ("linear") definition, so finance can
//! reproduce them from exported trials.

mod fused;
mod order;

use crate::results::{DefinedStats, PartialStats, PaybackStats, Stats};
use fused::fused;
use order::order_statistics;

/// The percentiles every STATS block reports.
pub const PERCENTILES: [f64; 7] = [0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95];

/// Below this many values, [`quantiles`] selects directly.
const BUCKETED_FROM: usize = 4096;

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
mod tests;
