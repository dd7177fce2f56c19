use super::*;

fn matmul_t(l: &[f64], n: usize) -> Vec<f64> {
    let mut a = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..n {
            a[i * n + j] = (0..n).map(|k| l[i * n + k] * l[j * n + k]).sum();
        }
    }
    a
}

#[test]
fn rank_to_pearson() {
    assert_eq!(pearson_from_rank(0.0), 0.0);
    assert_eq!(pearson_from_rank(1.0), 1.0);
    assert_eq!(pearson_from_rank(-1.0), -1.0);
    // 2 sin(π/12) = 0.5176...
    assert!((pearson_from_rank(0.5) - 0.517_638_090_205_041_5).abs() < 1e-15);
    assert!((pearson_from_rank(-0.5) + 0.517_638_090_205_041_5).abs() < 1e-15);
    // Pearson is a little larger than the rank correlation in between.
    for r in [0.1, 0.3, 0.7, 0.9] {
        assert!(pearson_from_rank(r) > r && pearson_from_rank(r) < r + 0.02);
    }
}

#[test]
fn normal_functions_invert_each_other() {
    for u in [1e-12, 0.001, 0.1, 0.5, 0.9, 0.999] {
        let back = normal_cdf(normal_quantile(u));
        // statrs' erfc_inv is good to about 1e-10 relative: far below sampling noise.
        assert!((back - u).abs() <= 1e-9 * u, "{u} -> {back}");
    }
    assert!((normal_quantile(0.975) - 1.959_963_984_540_054).abs() < 1e-12);
    assert_eq!(normal_cdf(0.0), 0.5);
}

#[test]
fn cholesky_reproduces_the_matrix() {
    let a = [
        1.0, 0.5, 0.2, //
        0.5, 1.0, -0.3, //
        0.2, -0.3, 1.0,
    ];
    let l = cholesky(&a, 3).expect("positive definite");
    for i in 0..3 {
        for j in i + 1..3 {
            assert_eq!(l[i * 3 + j], 0.0, "upper triangle is zero");
        }
    }
    for (x, y) in matmul_t(&l, 3).iter().zip(&a) {
        assert!((x - y).abs() < 1e-15, "{x} vs {y}");
    }
    // The identity factors to itself, so the first row keeps its uniform.
    assert_eq!(
        cholesky(&[1.0, 0.0, 0.0, 1.0], 2),
        Ok(vec![1.0, 0.0, 0.0, 1.0])
    );
}

#[test]
fn singular_but_consistent_matrices_factor() {
    // Rank 1: two inputs always in the same order; a third correlated with both alike.
    let r = pearson_from_rank(0.5);
    let a = [1.0, 1.0, r, 1.0, 1.0, r, r, r, 1.0];
    let l = cholesky(&a, 3).expect("positive semi-definite");
    for (x, y) in matmul_t(&l, 3).iter().zip(&a) {
        assert!((x - y).abs() < 1e-12, "{x} vs {y}");
    }
    for row in l.chunks(3) {
        let norm: f64 = row.iter().map(|x| x * x).sum();
        assert!((norm - 1.0).abs() < 1e-15, "unit rows: {norm}");
    }
}

#[test]
fn inconsistent_matrices_are_refused_with_the_conflict() {
    // A with B and B with C strongly, A against C: impossible.
    let (p, q) = (pearson_from_rank(0.9), pearson_from_rank(-0.9));
    let a = [1.0, p, q, p, 1.0, p, q, p, 1.0];
    assert_eq!(cholesky(&a, 3), Err(2));
    assert_eq!(conflict(&a, 3), vec![0, 1, 2]);
    // Rank 1 between A and B, but A and B related differently to C.
    let (r, s) = (pearson_from_rank(0.5), pearson_from_rank(0.4));
    let b = [1.0, 1.0, r, 1.0, 1.0, s, r, s, 1.0];
    assert!(cholesky(&b, 3).is_err());
    // An unrelated, consistent input is not part of the conflict.
    let mut c = vec![0.0; 16];
    for i in 0..4 {
        c[i * 4 + i] = 1.0;
    }
    let idx = [0, 2, 3];
    for (x, &i) in idx.iter().enumerate() {
        for (y, &j) in idx.iter().enumerate() {
            c[i * 4 + j] = a[x * 3 + y];
        }
    }
    c[4 + 2] = 0.1;
    c[2 * 4 + 1] = 0.1;
    assert_eq!(conflict(&c, 4), vec![0, 2, 3]);
    // NaN never passes.
    assert!(cholesky(&[1.0, f64::NAN, f64::NAN, 1.0], 2).is_err());
}

#[test]
fn blocks_are_connected_groups_in_name_order() {
    let names = ["d", "b", "a", "c", "e"];
    let pairs = [(0, 3, 0.5), (1, 2, -0.3), (3, 4, 0.2)];
    let got = blocks(&pairs, |i| names[i]);
    let members: Vec<Vec<usize>> = got
        .iter()
        .map(|b| b.as_ref().expect("consistent").members.clone())
        .collect();
    // {a, b} first (a < c), then {c, d, e}.
    assert_eq!(members, vec![vec![2, 1], vec![3, 0, 4]]);
    // The order of the pairs does not matter.
    let mut reversed = pairs;
    reversed.reverse();
    assert_eq!(blocks(&reversed, |i| names[i]), got);
    // Too many inputs in one chain.
    let chain: Vec<(usize, usize, f64)> = (0..MAX_BLOCK).map(|i| (i, i + 1, 0.1)).collect();
    let long: Vec<String> = (0..=MAX_BLOCK).map(|i| format!("x{i:04}")).collect();
    assert!(matches!(
        blocks(&chain, |i| long[i].as_str())[0],
        Err(BlockError::TooLarge(ref m)) if m.len() == MAX_BLOCK + 1
    ));
}

/// Sample Spearman correlation of two equally long series (no ties).
fn spearman(x: &[f64], y: &[f64]) -> f64 {
    let ranks = |v: &[f64]| {
        let mut idx: Vec<usize> = (0..v.len()).collect();
        idx.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
        let mut r = vec![0.0; v.len()];
        for (rank, &i) in idx.iter().enumerate() {
            r[i] = rank as f64;
        }
        r
    };
    let (rx, ry) = (ranks(x), ranks(y));
    let n = x.len() as f64;
    let mean = (n - 1.0) / 2.0;
    let cov: f64 = rx
        .iter()
        .zip(&ry)
        .map(|(a, b)| (a - mean) * (b - mean))
        .sum();
    let var: f64 = rx.iter().map(|a| (a - mean).powi(2)).sum();
    cov / var
}

#[test]
fn the_copula_gives_the_rank_correlations_and_keeps_the_margins() {
    // Three inputs: a-b 0.7, b-c -0.4, a-c unlisted (0 in normal space).
    let names = ["a", "b", "c"];
    let block = blocks(&[(0, 1, 0.7), (1, 2, -0.4)], |i| names[i])
        .remove(0)
        .expect("consistent");
    let n = 20_000;
    // Stratified, shuffled uniforms stand in for the keyed streams.
    let mut values = vec![0.0; 3 * n];
    for r in 0..3 {
        for i in 0..n {
            let k = (i * [7919, 104_729, 1_299_709][r]) % n;
            values[r * n + i] = (k as f64 + 0.5) / n as f64;
        }
    }
    let first: Vec<f64> = values[..n].to_vec();
    block.correlate(&mut values, n, n);
    let (a, b, c) = (&values[..n], &values[n..2 * n], &values[2 * n..]);
    assert_eq!(
        a,
        &first[..],
        "the first member keeps its uniforms bit for bit"
    );
    assert!((spearman(a, b) - 0.7).abs() < 0.02, "{}", spearman(a, b));
    assert!((spearman(b, c) + 0.4).abs() < 0.02, "{}", spearman(b, c));
    // a-c is not listed: independent in normal space, so about 0 in rank too.
    assert!(spearman(a, c).abs() < 0.02, "{}", spearman(a, c));
    // Margins stay uniform: every decile holds a tenth of the draws.
    for col in [b, c] {
        assert!(col.iter().all(|&u| u > 0.0 && u < 1.0));
        let mut bins = [0usize; 10];
        for &u in col {
            bins[(u * 10.0) as usize] += 1;
        }
        for count in bins {
            assert!((count as f64 / n as f64 - 0.1).abs() < 0.01, "{bins:?}");
        }
    }
}

#[test]
fn extreme_uniforms_stay_inside_the_open_interval() {
    let names = ["a", "b"];
    for rank in [1.0, -1.0, 0.999] {
        let block = blocks(&[(0, 1, rank)], |i| names[i])
            .remove(0)
            .expect("consistent");
        for (u, v) in [(1.0, 1.0), (0.0, 0.0), (U_MAX, U_MIN), (U_MIN, U_MAX)] {
            let mut x = [u, v];
            block.correlate(&mut x, 1, 1);
            assert_eq!(x[0], u, "the first member is left as drawn");
            assert!(x[1] > 0.0 && x[1] < 1.0, "{rank}: {x:?}");
        }
    }
    // Rank 1 puts the second input at the first one's quantile.
    let block = blocks(&[(0, 1, 1.0)], |i| names[i]).remove(0).unwrap();
    let mut x = [0.3, 0.9];
    block.correlate(&mut x, 1, 1);
    assert!((x[1] - 0.3).abs() < 1e-14, "{x:?}");
}
