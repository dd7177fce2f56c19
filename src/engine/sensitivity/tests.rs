use super::*;

#[test]
fn ties_share_their_average_rank() {
    assert_eq!(
        average_ranks(&[3.0, 1.0, 2.0, 1.0, -0.0, 0.0]),
        vec![6.0, 3.5, 5.0, 3.5, 1.5, 1.5]
    );
    assert_eq!(
        average_ranks(&[1.0, 0.0, 1.0, 0.0]),
        vec![3.5, 1.5, 3.5, 1.5]
    );
    assert_eq!(average_ranks(&[-2.0, -3.0, f64::MAX]), vec![2.0, 1.0, 3.0]);
}

#[test]
fn pearson_of_ranks_is_spearman() {
    let x = [1.0, 2.0, 3.0, 4.0, 5.0];
    let y = [2.0, 4.0, 8.0, 16.0, 32.0];
    assert_eq!(pearson(&average_ranks(&x), &average_ranks(&y)), 1.0);
    let z = [5.0, 4.0, 3.0, 2.0, 1.0];
    assert_eq!(pearson(&x, &z), -1.0);
    // A constant column has no correlation.
    assert_eq!(pearson(&x, &[1.0; 5]), 0.0);
    // Textbook: ranks (1,2,3,4,5) and (2,1,4,3,5): rho = 1 - 6*4/(5*24) = 0.8.
    assert!((pearson(&x, &[2.0, 1.0, 4.0, 3.0, 5.0]) - 0.8).abs() < 1e-12);
}

#[test]
fn tail_means_take_the_atoms_whole() {
    let x = [0.0, 0.0, 1.0, 1.0, 1.0];
    let npv = [10.0, 20.0, 1.0, 2.0, 3.0];
    let keys: Vec<u64> = x.iter().map(|&v| ordered_bits(v)).collect();
    assert_eq!(tail_means(&keys, &npv, 0.0, 1.0), (Some(15.0), Some(2.0)));
    assert_eq!(tail_means(&keys, &npv, -1.0, 2.0), (None, None));
}

#[test]
fn radix_order_is_the_total_order() {
    let mut next = crate::test_support::uniforms(99);
    let values: Vec<f64> = (0..5000)
        .map(|i| match i % 5 {
            0 => next() * 1e6 - 5e5,
            1 => (next() * 10.0).round(),
            2 => -next() * 1e-300,
            3 => 0.0,
            _ => next(),
        })
        .collect();
    let keys: Vec<u64> = values.iter().map(|&v| ordered_bits(v)).collect();
    let mut buffers = SortBuffers::default();
    sorted_positions(&keys, &mut buffers);
    let sorted: Vec<f64> = buffers.order.iter().map(|&i| values[i as usize]).collect();
    let mut want = values.clone();
    want.sort_by(f64::total_cmp);
    assert_eq!(sorted, want);
    // The streaming correlation equals Pearson on the rank columns.
    let other: Vec<f64> = values.iter().map(|v| v * v - v).collect();
    let other_ranks: Vec<f32> = average_ranks(&other).iter().map(|&r| r as f32).collect();
    let r = rank_correlation(&keys, &other_ranks, &mut buffers);
    let want = pearson(&average_ranks(&values), &average_ranks(&other));
    assert!((r - want).abs() < 1e-12, "{r} vs {want}");
}
