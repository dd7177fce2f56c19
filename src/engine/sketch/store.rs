//! The counts behind a [`LogSketch`](super::LogSketch): a contiguous range of bucket indices
//! that grows as values arrive, and merges by addition.

use serde::{Deserialize, Serialize};

/// Counts over a contiguous range of bucket indices, growing as needed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct Store {
    pub(super) offset: i32,
    pub(super) counts: Vec<u64>,
}

impl Store {
    /// Count `n` values in bucket `index`. The common case (a bucket inside the current range)
    /// is one bounds check and one increment.
    #[inline]
    pub(super) fn add(&mut self, index: i32, n: u64) {
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
    pub(super) fn merge(&mut self, other: &Store) {
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
