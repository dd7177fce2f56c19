use super::log_sketch::*;
use super::share::*;
use super::store::Store;
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
