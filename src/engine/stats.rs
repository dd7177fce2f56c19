//! Statistics of per-trial values, computed in trial order so they are bit-identical for any
//! thread count. Percentiles follow numpy's default ("linear") definition, so finance can
//! reproduce them from exported trials.

use crate::results::{DefinedStats, PartialStats, PaybackStats, Stats};

/// The percentiles every STATS block reports.
pub const PERCENTILES: [f64; 7] = [0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95];

/// Values at the given quantiles (numpy "linear"), reordering `values` in place.
/// Uses repeated selection rather than a full sort: O(n) per quantile.
pub fn quantiles(values: &mut [f64], qs: &[f64]) -> Vec<f64> {
    let n = values.len();
    if n == 0 {
        return vec![f64::NAN; qs.len()];
    }
    let mut ranks: Vec<usize> = qs
        .iter()
        .flat_map(|q| {
            let pos = q.clamp(0.0, 1.0) * (n - 1) as f64;
            let lo = pos.floor() as usize;
            [lo, (lo + 1).min(n - 1)]
        })
        .collect();
    ranks.sort_unstable();
    ranks.dedup();
    let mut start = 0;
    for &r in &ranks {
        if r >= start {
            values[start..].select_nth_unstable_by(r - start, f64::total_cmp);
            start = r + 1;
        }
    }
    qs.iter()
        .map(|q| {
            let pos = q.clamp(0.0, 1.0) * (n - 1) as f64;
            let lo = pos.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            let frac = pos - lo as f64;
            let (a, b) = (values[lo], values[hi]);
            if frac == 0.0 || a == b {
                a
            } else {
                a + (b - a) * frac
            }
        })
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

/// STATS of a fully defined quantity. `values` is reordered.
pub fn stats(values: &mut [f64]) -> Stats {
    let (mean, std) = mean_std(values);
    let n = values.len();
    let (min, max) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    let p = quantiles(values, &PERCENTILES);
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
    let mut defined: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    let undefined_fraction = if values.is_empty() {
        0.0
    } else {
        1.0 - defined.len() as f64 / values.len() as f64
    };
    DefinedStats {
        stats: partial(&stats(&mut defined)),
        undefined_fraction,
    }
}

/// Payback stats: NaN ("never") ranks as +∞, so a percentile landing among never-paying
/// trials is null; mean, std and min are over paying trials.
pub fn payback_stats(values: &[f64]) -> PaybackStats {
    let mut paying: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    let never_fraction = if values.is_empty() {
        0.0
    } else {
        1.0 - paying.len() as f64 / values.len() as f64
    };
    let (mean, std) = mean_std(&paying);
    let m = paying.len();
    let min = paying.iter().copied().fold(f64::INFINITY, f64::min);
    let mut ranked: Vec<f64> = values
        .iter()
        .map(|&v| if v.is_nan() { f64::INFINITY } else { v })
        .collect();
    let max = ranked.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let p = quantiles(&mut ranked, &PERCENTILES);
    paying.clear();
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
