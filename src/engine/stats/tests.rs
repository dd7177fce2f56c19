use super::order::*;
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
