//! One column's moments and order statistics from the same two passes over it.

use super::BUCKETED_FROM;
use super::order::{BucketMap, Groups, NONE, SORT_UP_TO, bucket_range, gather, scan};

/// A column's moments and order statistics over its non-NaN values, from [`fused`].
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Fused {
    pub(super) defined: usize,
    pub(super) mean: f64,
    /// Sample standard deviation (defined − 1), 0 for one value.
    pub(super) std: f64,
    pub(super) min: f64,
    pub(super) max: f64,
    /// Ascending ranks among the defined values, and the value at each.
    pub(super) ranks: Vec<usize>,
    pub(super) order: Vec<f64>,
}

impl Fused {
    /// The order statistic at `r`, one of the ranks asked for.
    pub(super) fn at(&self, r: usize) -> f64 {
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
pub(super) fn fused<const SKIP_NAN: bool>(
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
