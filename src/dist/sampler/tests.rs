use statrs::function::beta::beta_reg;

use super::*;

/// Largest error of a PERT or Beta quantile table, in units of the support width, for
/// PERT of any mode and shape up to 1e4 and Beta with α, β in [0.01, 1e4] (measured at
/// most 1.8e-9; the previous 4,097-point table was off by 5e-7 to 2e-3).
const TABLE_ERROR_BOUND: f64 = 1e-8;

/// Beta(a, b)'s quantile by bisection on the bits of x against statrs' regularised
/// incomplete beta; above the median on Beta(b, a), so that 1 − F keeps its precision.
fn reference(a: f64, b: f64, u: f64) -> f64 {
    let (a, b, v) = if u <= 0.5 { (a, b, u) } else { (b, a, 1.0 - u) };
    let (mut lo, mut hi) = (0u64, 1f64.to_bits());
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if beta_reg(a, b, f64::from_bits(mid)) < v {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let x = f64::from_bits(hi);
    if u <= 0.5 { x } else { 1.0 - x }
}

/// Where a table is least accurate (the middle of every piece, both halves), a uniform
/// grid, both tails down to 1e-16, and the extremes the random streams produce.
fn test_points(table: &QuantileTable) -> Vec<f64> {
    let mut us = vec![2f64.powi(-54), 1e-12, 1.0 - 1e-12, 1.0 - 2f64.powi(-53)];
    // Where the previous table switched to its CDF grid.
    us.extend(
        [0.5, 1.0, 1.5]
            .map(|k| k / 4096.0)
            .map(|v| [v, 1.0 - v])
            .concat(),
    );
    for (o, octave) in table.octaves.iter().enumerate() {
        let steps = 1usize << octave.shift;
        for j in 0..steps {
            let v = step_width(o, octave.shift) * ((steps + j) as f64 + 0.5);
            us.extend([v, 1.0 - v]);
        }
    }
    us.extend((1..400).map(|i| i as f64 / 400.0));
    for k in 1..=64 {
        let v = 10f64.powf(-(k as f64) / 4.0);
        us.extend([v, 1.0 - v]);
    }
    us
}

/// (a, b, min, max) of PERT inputs (a = 1 + shape (mode − min) / (max − min)) and Betas.
const SHAPES: &[(f64, f64, f64, f64)] = &[
    (3.0, 3.0, 0.0, 1.0), // PERT, mode in the middle, shape 4
    (1.0 + 4.0 * 0.1, 1.0 + 4.0 * 0.9, -2.0, 8.0), // mode at 10%
    (1.004, 4.996, 0.0, 1.0), // mode at 0.1%: very skewed
    (1.0, 5.0, 0.0, 1.0), // mode at the minimum
    (5.0, 1.0, 0.0, 1.0), // mode at the maximum
    (1.5, 1.5, 0.0, 1.0), // shape 1
    (6.0, 96.0, 0.0, 1.0), // shape 100, mode at 5%
    (51.0, 51.0, 0.0, 1.0), // shape 100, symmetric
    (2.176, 3.824, 420_000.0, 2_800_000.0), // a bench-peer.toml input
    (0.5, 0.5, 0.0, 1.0), // U-shaped
    (1000.0, 1000.0, 0.0, 1.0), // peaked
    (1.0, 1.0, 0.0, 1.0), // uniform
    (2.0, 5.0, 0.0, 1.0),
    (0.2, 3.0, 0.0, 1.0),   // density infinite at 0
    (5.0, 0.3, 0.0, 1.0),   // ... at 1
    (0.05, 0.05, 0.0, 1.0), // nearly two-point
    (1e4, 20.0, 0.0, 1.0),
];

#[test]
fn beta_quantile_matches_reference() {
    for &(a, b, min, max) in SHAPES {
        let table = QuantileTable::beta(a, b, min, max - min);
        let mut worst = (0.0f64, 0.0);
        for u in test_points(&table) {
            let exact = min + (max - min) * reference(a, b, u);
            let error = (table.quantile(u) - exact).abs() / (max - min);
            if error > worst.0 {
                worst = (error, u);
            }
        }
        assert!(
            worst.0 <= TABLE_ERROR_BOUND,
            "Beta({a}, {b}): error {:e} at u = {:e}",
            worst.0,
            worst.1
        );
    }
}

/// The bound over the whole range it is stated for (a few seconds in a release build:
/// `cargo test --release --lib -- --ignored sweep`).
#[test]
#[ignore]
fn beta_quantile_matches_reference_sweep() {
    let mut shapes = vec![];
    for shape in [0.1, 1.0, 4.0, 10.0, 100.0, 1000.0, 1e4] {
        for m in [0.0, 0.001, 0.1, 0.3, 0.5, 0.9, 1.0] {
            shapes.push((1.0 + shape * m, 1.0 + shape * (1.0 - m)));
        }
    }
    let parameters = [0.01, 0.05, 0.3, 0.5, 1.0, 2.0, 10.0, 100.0, 1000.0, 1e4];
    for a in parameters {
        shapes.extend(parameters.map(|b| (a, b)));
    }
    let mut worst = (0.0f64, 0.0, 0.0, 0.0);
    for (a, b) in shapes {
        let table = QuantileTable::beta(a, b, 0.0, 1.0);
        for u in test_points(&table) {
            let error = (table.quantile(u) - reference(a, b, u)).abs();
            if error > worst.0 {
                worst = (error, a, b, u);
            }
        }
    }
    println!(
        "largest error {:e}: Beta({}, {}) at u = {:e}",
        worst.0, worst.1, worst.2, worst.3
    );
    assert!(worst.0 <= TABLE_ERROR_BOUND);
}

#[test]
fn reference_and_table_match_closed_forms() {
    // Quantiles with a closed form check the reference itself.
    type Closed = fn(f64) -> f64;
    let cases: [(f64, f64, Closed); 5] = [
        (1.0, 1.0, |u| u),
        (1.0, 5.0, |u| -((-u).ln_1p() / 5.0).exp_m1()),
        (5.0, 1.0, |u| u.powf(0.2)),
        (0.5, 0.5, |u| {
            (std::f64::consts::FRAC_PI_2 * u).sin().powi(2)
        }),
        (2.0, 1.0, f64::sqrt),
    ];
    for (a, b, exact) in cases {
        let table = QuantileTable::beta(a, b, 0.0, 1.0);
        for u in test_points(&table) {
            let q = exact(u);
            assert!(
                (reference(a, b, u) - q).abs() < 1e-13,
                "Beta({a}, {b}) at {u}"
            );
            assert!(
                (table.quantile(u) - q).abs() < TABLE_ERROR_BOUND,
                "Beta({a}, {b}) at {u}: {} vs {q}",
                table.quantile(u)
            );
        }
    }
}

#[test]
fn beta_1_1_is_uniform() {
    let s = Sampler::new(
        &Dist::Beta {
            alpha: 1.0,
            beta: 1.0,
        },
        None,
    );
    for u in [2f64.powi(-54), 1e-12, 0.3, 0.5, 1.0 - 2f64.powi(-53)] {
        assert_eq!(s.quantile(u), u);
    }
}

#[test]
fn beta_quantile_is_monotone_and_inside_support() {
    let extremes = [
        (1e-6, 1e-6, 0.0, 1.0),
        (1e-3, 1e-3, 0.0, 1.0),
        (1e-6, 5.0, 0.0, 1.0),
        (1e-3, 1e3, 0.0, 1.0),
        (1e6, 1e6, 0.0, 1.0),
        (1.0, 1e6 + 1.0, -5.0, 5.0),
        (5e5 + 1.0, 5e5 + 1.0, 1e6, 3e6),
    ];
    let mut state = 7u64;
    for &(a, b, min, max) in SHAPES.iter().chain(&extremes) {
        let table = QuantileTable::beta(a, b, min, max - min);
        let mut us = test_points(&table);
        us.extend((0..20_000).map(|i| (i as f64 + 0.5) / 20_000.0));
        // Piece boundaries and random points, with their neighbouring floats.
        for (o, octave) in table.octaves.iter().enumerate() {
            for j in 0..=1usize << octave.shift {
                let v = step_width(o, octave.shift) * (((1 << octave.shift) + j) as f64);
                us.extend([v, 1.0 - v]);
            }
        }
        for _ in 0..2000 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            us.push(((state >> 11) as f64 + 0.5) / (1u64 << 53) as f64);
        }
        let mut around = Vec::new();
        for &u in &us {
            let (mut below, mut above) = (u, u);
            for _ in 0..3 {
                (below, above) = (below.next_down(), above.next_up());
                around.extend([below, above]);
            }
        }
        us.extend(around);
        us.extend([0.0, 1.0]);
        us.retain(|u| (0.0..=1.0).contains(u));
        us.sort_by(f64::total_cmp);
        let mut previous = f64::NEG_INFINITY;
        for u in us {
            let q = table.quantile(u);
            assert!(
                q >= previous && (min..=max).contains(&q),
                "Beta({a}, {b}) at u = {u:e}: {q} after {previous}"
            );
            previous = q;
        }
        assert_eq!(table.quantile(0.0), min);
        assert_eq!(table.quantile(1.0), max);
    }
}

/// The clamps in `Piece::eval` and in the AVX2 kernel are what keep neighbouring pieces in
/// order when rounding (or a curve that bulges) would carry a value past its piece's ends;
/// real tables seldom reach them, so they are checked here on pieces that do.
#[test]
fn a_piece_stays_between_its_end_values() {
    // y(t) = 2t − t², from 0 to 1, kept to [0.25, 0.75].
    let piece = Piece {
        c: [0.0, 2.0, -1.0, 0.0, 0.0, 0.0],
        lo: 0.25,
        hi: 0.75,
    };
    assert_eq!(piece.eval(0.0), 0.25);
    assert_eq!(piece.eval(0.1), 0.25);
    assert_eq!(piece.eval(0.5), 0.75);
    assert_eq!(piece.eval(1.0), 0.75);
    // Inside, the polynomial itself: y(0.25) = 0.4375, exactly.
    assert_eq!(piece.eval(0.25), 0.4375);

    // The AVX2 kernel clamps the same way: a PERT table whose pieces are narrowed to the
    // middle half of their ranges gives `quantile`'s bits, clamped values included.
    let mut sampler = Sampler::new(
        &Dist::Pert {
            min: 0.55,
            mode: 0.8,
            max: 0.95,
            shape: 4.0,
        },
        None,
    );
    let Kind::Table(table) = &mut sampler.kind else {
        panic!("a PERT is drawn from a table");
    };
    for p in table.pieces.iter_mut() {
        let quarter = (p.hi - p.lo) / 4.0;
        (p.lo, p.hi) = (p.lo + quarter, p.hi - quarter);
    }
    let ends: Vec<f64> = table.pieces.iter().flat_map(|p| [p.lo, p.hi]).collect();
    let mut next = crate::test_support::uniforms(0x9E37_79B9_7F4A_7C15);
    let us: Vec<f64> = (0..4_000).map(|_| next().max(2f64.powi(-54))).collect();
    let expected: Vec<f64> = us.iter().map(|&u| sampler.quantile(u)).collect();
    assert!(expected.iter().filter(|x| ends.contains(x)).count() > 1_000);
    let mut got = us.clone();
    sampler.quantiles_in_place(&mut got);
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&got), bits(&expected));
}

#[test]
fn table_cdf_inverts_table_quantile() {
    for &(a, b, min, max) in SHAPES {
        let table = QuantileTable::beta(a, b, min, max - min);
        for u in test_points(&table) {
            let x = table.quantile(u);
            let p = table.cdf(x);
            // The largest u with quantile(u) ≤ x.
            assert!(p >= u && table.quantile(p) <= x, "Beta({a}, {b}) at {u}");
            assert!(p == 1.0 || table.quantile(p.next_up()) > x);
        }
    }
}

#[test]
fn truncated_pert_stays_inside_its_bounds() {
    let dist = Dist::Pert {
        min: 100.0,
        mode: 250.0,
        max: 1000.0,
        shape: 4.0,
    };
    for (lo, hi) in [
        (200.0, 300.0),
        (99.0, 150.0),
        (900.0, 2000.0),
        (250.0, 250.5),
    ] {
        let s = Sampler::new(&dist, Some((lo, hi)));
        let (lo, hi) = (lo.max(100.0), hi.min(1000.0));
        let mut previous = f64::NEG_INFINITY;
        for i in 0..=10_000 {
            let u = (i as f64 / 10_000.0).clamp(2f64.powi(-54), 1.0 - 2f64.powi(-53));
            let x = s.quantile(u);
            assert!(x >= previous && (lo..=hi).contains(&x), "[{lo}, {hi}]: {x}");
            previous = x;
        }
        // The whole range is used, up to the table's error.
        let width = 900.0 * TABLE_ERROR_BOUND;
        assert!(s.quantile(2f64.powi(-54)) - lo < width.max(1e-9 * hi));
        assert!(hi - s.quantile(1.0 - 2f64.powi(-53)) < width.max(1e-9 * hi));
    }
}

#[test]
fn tables_are_deterministic_small_and_cheap() {
    for &(a, b, min, max) in &SHAPES[..9] {
        EVALS.with(|c| c.set(0));
        let table = QuantileTable::beta(a, b, min, max - min);
        // The previous table evaluated the incomplete beta 1,025 times.
        let evals = EVALS.with(|c| c.get());
        assert!(evals <= 1000, "Beta({a}, {b}): {evals} evaluations");
        // The top six octaves hold 98% of draws.
        let hot: usize = table.octaves[..6].iter().map(|o| 2 << o.shift).sum();
        assert!(hot * size_of::<Piece>() <= 8192, "Beta({a}, {b})");
        assert!(table.pieces.len() * size_of::<Piece>() <= 64 * 1024);
        let again = QuantileTable::beta(a, b, min, max - min);
        for (p, q) in table.pieces.iter().zip(again.pieces.iter()) {
            let bits = |p: &Piece| p.c.map(f64::to_bits);
            assert_eq!(bits(p), bits(q));
        }
    }
}

fn mean_of(s: &Sampler, n: usize) -> f64 {
    // Midpoint rule over u: the exact mean of the sampled distribution.
    (0..n)
        .map(|i| s.quantile((i as f64 + 0.5) / n as f64))
        .sum::<f64>()
        / n as f64
}

#[test]
fn pert_mean_matches_formula() {
    let s = Sampler::new(
        &Dist::Pert {
            min: 0.01,
            mode: 0.05,
            max: 0.12,
            shape: 4.0,
        },
        None,
    );
    let expected = (0.01 + 4.0 * 0.05 + 0.12) / 6.0;
    let got = mean_of(&s, 200_000);
    assert!(
        (got - expected).abs() / expected < 2e-4,
        "{got} vs {expected}"
    );
    assert_eq!(s.base_value(), 0.05);
}

#[test]
fn beta_median_and_mean() {
    let s = Sampler::new(
        &Dist::Beta {
            alpha: 2.0,
            beta: 5.0,
        },
        None,
    );
    let got = mean_of(&s, 200_000);
    assert!((got - 2.0 / 7.0).abs() < 1e-4, "{got}");
    // Median of Beta(2,5) ≈ 0.26445
    assert!(
        (s.base_value() - 0.26445).abs() < 1e-3,
        "{}",
        s.base_value()
    );
}

#[test]
fn beta_with_u_shape_is_monotone_and_bounded() {
    let s = Sampler::new(
        &Dist::Beta {
            alpha: 0.5,
            beta: 0.5,
        },
        None,
    );
    let mut prev = f64::NEG_INFINITY;
    for i in 1..1000 {
        let v = s.quantile(i as f64 / 1000.0);
        assert!((0.0..=1.0).contains(&v) && v >= prev);
        prev = v;
    }
    assert!((mean_of(&s, 100_000) - 0.5).abs() < 1e-3);
}

#[test]
fn peaked_beta_stays_in_its_bulk() {
    let s = Sampler::new(
        &Dist::Beta {
            alpha: 1000.0,
            beta: 1000.0,
        },
        None,
    );
    // sd ≈ 0.0112: even the most extreme draws stay within a few dozen sd of 0.5.
    for u in [1e-12, 1e-6, 0.5, 1.0 - 1e-6, 1.0 - 1e-12] {
        let v = s.quantile(u);
        assert!((v - 0.5).abs() < 0.1, "u={u}: {v}");
    }
    assert!((mean_of(&s, 100_000) - 0.5).abs() < 1e-5);
    assert!((s.base_value() - 0.5).abs() < 1e-4);
}

#[test]
fn triangular_normal_lognormal() {
    let t = Sampler::new(
        &Dist::Triangular {
            min: 3.0,
            mode: 6.0,
            max: 12.0,
        },
        None,
    );
    assert!((mean_of(&t, 100_000) - 7.0).abs() < 1e-4);
    assert_eq!(t.base_value(), 6.0);
    let n = Sampler::new(
        &Dist::Normal {
            mean: 10.0,
            sd: 2.0,
        },
        None,
    );
    assert!((n.quantile(0.975) - (10.0 + 2.0 * 1.959964)).abs() < 1e-5);
    assert_eq!(n.base_value(), 10.0);
    let l = Sampler::new(
        &Dist::LogNormal {
            mu: 1.0,
            sigma: 0.5,
        },
        None,
    );
    assert!((l.base_value() - 1f64.exp()).abs() < 1e-12);
}

#[test]
fn lanes_of_quantiles_equal_quantile_to_the_bit() {
    let pert = |min, mode, max, shape| Dist::Pert {
        min,
        mode,
        max,
        shape,
    };
    let samplers = [
        Sampler::new(&pert(0.55, 0.8, 0.95, 4.0), None),
        Sampler::new(&pert(1.05e6, 3.15e6, 6.3e6, 4.0), None),
        Sampler::new(&pert(-3.0, -2.9, 7.0, 40.0), None),
        Sampler::new(&pert(100.0, 250.0, 1000.0, 4.0), Some((99.0, 150.0))),
        Sampler::new(&pert(100.0, 250.0, 1000.0, 4.0), Some((900.0, 2000.0))),
        Sampler::new(
            &Dist::Beta {
                alpha: 0.3,
                beta: 0.2,
            },
            None,
        ),
        Sampler::new(
            &Dist::Beta {
                alpha: 900.0,
                beta: 3.0,
            },
            None,
        ),
        Sampler::new(&Dist::Normal { mean: 0.0, sd: 1.0 }, Some((0.0, 0.5))),
        Sampler::new(
            &Dist::Triangular {
                min: 3.0,
                mode: 6.0,
                max: 12.0,
            },
            None,
        ),
    ];
    let mut next = crate::test_support::uniforms(0x2545_F491_4F6C_DD1D);
    // Random uniforms with, among them, the values the AVX2 kernel hands to the scalar
    // path (1/2 exactly, v below the table) and the extremes of the random streams.
    let mut us: Vec<f64> = (0..4_000).map(|_| next().max(2f64.powi(-54))).collect();
    for (k, u) in [
        0.5,
        2f64.powi(-60),
        1.0 - 2f64.powi(-53),
        2f64.powi(-54),
        0.25,
    ]
    .into_iter()
    .enumerate()
    {
        us[37 * k + 3] = u;
    }
    for (s, sampler) in samplers.iter().enumerate() {
        let expected: Vec<u64> = us.iter().map(|&u| sampler.quantile(u).to_bits()).collect();
        for n in [0, 3, 4, 7, 64, us.len()] {
            let mut got = us[..n].to_vec();
            sampler.quantiles_in_place(&mut got);
            let got: Vec<u64> = got.iter().map(|x| x.to_bits()).collect();
            assert_eq!(got, expected[..n], "sampler {s}, n {n}");
        }
        #[cfg(target_arch = "x86_64")]
        if let Kind::Table(table) = &sampler.kind
            && std::arch::is_x86_feature_detected!("avx2")
        {
            let mut got = us.clone();
            // SAFETY: the processor has AVX2 (checked just above).
            unsafe { sampler.table_quantiles_avx2(table, &mut got) };
            let got: Vec<u64> = got.iter().map(|x| x.to_bits()).collect();
            assert_eq!(got, expected, "sampler {s}");
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config::with_cases(48))]
    /// Any PERT, truncated or not, and any uniforms: a lane gives `quantile`'s bits.
    #[test]
    fn lanes_of_quantiles_equal_quantile_for_any_pert(
        min in -1e6f64..1e6,
        width in 1e-6f64..1e7,
        mode_at in 0.0f64..=1.0,
        shape in 0.5f64..200.0,
        cut in proptest::option::of((0.0f64..1.0, 0.0f64..1.0)),
        us in proptest::collection::vec(
            proptest::prop_oneof![
                8 => 0.0f64..1.0,
                1 => proptest::sample::select(vec![0.5, 2f64.powi(-54), 1.0 - 2f64.powi(-53)]),
            ],
            0..80,
        ),
    ) {
        let max = min + width;
        let dist = Dist::Pert { min, mode: min + mode_at * width, max, shape };
        let truncate = cut.map(|(a, b)| {
            let (a, b) = (a.min(b), a.max(b));
            (min + a * width, min + b * width)
        });
        let sampler = Sampler::new(&dist, truncate);
        let us: Vec<f64> = us.into_iter().map(|u| u.max(2f64.powi(-54))).collect();
        let mut got = us.clone();
        sampler.quantiles_in_place(&mut got);
        for (&u, g) in us.iter().zip(&got) {
            proptest::prop_assert_eq!(g.to_bits(), sampler.quantile(u).to_bits(), "u = {}", u);
        }
    }
}

#[test]
fn truncation_keeps_draws_inside() {
    let s = Sampler::new(&Dist::Normal { mean: 0.0, sd: 1.0 }, Some((0.0, 0.5)));
    for i in 1..1000 {
        let v = s.quantile(i as f64 / 1000.0);
        assert!((0.0..=0.5).contains(&v), "{v}");
    }
    let p = Sampler::new(
        &Dist::Pert {
            min: 0.0,
            mode: 0.5,
            max: 1.0,
            shape: 4.0,
        },
        Some((0.6, f64::INFINITY)),
    );
    assert!(p.quantile(0.0001) >= 0.599 && p.quantile(0.9999) <= 1.0);
    assert_eq!(p.base_value(), 0.6);
}

#[test]
fn discrete_and_bernoulli() {
    let d = Sampler::new(
        &Dist::Discrete {
            values: vec![1.0, 2.0, 3.0],
            weights: vec![0.2, 0.3, 0.5],
        },
        None,
    );
    assert_eq!(d.quantile(0.1), 1.0);
    assert_eq!(d.quantile(0.3), 2.0);
    assert_eq!(d.quantile(0.9), 3.0);
    assert_eq!(d.base_value(), 2.0);
    let b = Sampler::new(&Dist::Bernoulli { p: 0.2 }, None);
    assert_eq!(b.base_value(), 0.0);
    assert_eq!(b.quantile(0.1), 1.0);
    assert_eq!(
        Sampler::new(&Dist::Bernoulli { p: 0.7 }, None).base_value(),
        1.0
    );
    assert_eq!(
        Sampler::new(&Dist::Bernoulli { p: 0.5 }, None).base_value(),
        0.0
    );
}

/// Ranks in, values out: never falling as the rank rises, for every kind; Bernoulli's event
/// on the top `p` of the ranks (its independent draws keep the event on the low `u`), the
/// others exactly `quantile(u)`.
#[test]
fn rank_quantiles_rise_with_the_rank() {
    let ranks: Vec<f64> = (1..1000).map(|i| i as f64 / 1000.0).collect();
    let kinds = [
        Dist::Bernoulli { p: 0.3 },
        Dist::Discrete {
            values: vec![1.0, 2.0, 3.0],
            weights: vec![0.2, 0.3, 0.5],
        },
        // Written out of order: the ranks still map to ascending values.
        Dist::Discrete {
            values: vec![3e6, 1e6, 2e6],
            weights: vec![1.0, 1.0, 1.0],
        },
        Dist::Pert {
            min: 1.0,
            mode: 2.0,
            max: 5.0,
            shape: 4.0,
        },
        Dist::Uniform {
            min: -1.0,
            max: 1.0,
        },
    ];
    for dist in kinds {
        let s = Sampler::new(&dist, None);
        let mut values = ranks.clone();
        s.rank_quantiles_in_place(&mut values);
        assert!(
            values.windows(2).all(|w| w[0] <= w[1]),
            "{dist:?}: falls somewhere"
        );
        if matches!(dist, Dist::Bernoulli { .. }) {
            // The event on the top 30% of the ranks, as often as the independent draws.
            let events = values.iter().filter(|&&v| v == 1.0).count();
            assert_eq!(events, 299, "{dist:?}");
            assert_eq!(values[0], 0.0);
            assert_eq!(values[998], 1.0);
        } else {
            for (&u, &v) in ranks.iter().zip(&values) {
                assert_eq!(v.to_bits(), s.quantile(u).to_bits(), "{dist:?} at {u}");
            }
        }
    }
}

/// A discrete input's values are ranked by value, not by their order in the file: the base
/// value is the weighted median in ascending order (the lower value on a tie), and the inverse
/// CDF runs through the sorted values (docs/MODEL.md, section 7).
#[test]
fn discrete_values_are_taken_in_ascending_order() {
    let discrete = |values: &[f64], weights: &[f64]| Dist::Discrete {
        values: values.to_vec(),
        weights: weights.to_vec(),
    };
    // [3e6, 1e6, 2e6], equally likely: the median is 2e6 (file order would give 1e6).
    let d = Sampler::new(&discrete(&[3e6, 1e6, 2e6], &[1.0, 1.0, 1.0]), None);
    assert_eq!(d.base_value(), 2e6);
    assert_eq!(d.quantile(0.1), 1e6);
    assert_eq!(d.quantile(0.5), 2e6);
    assert_eq!(d.quantile(0.9), 3e6);
    // Weights travel with their values: 10 (2), 20 (3), 30 (1) of 6; 2 < 3 <= 5.
    let d = Sampler::new(&discrete(&[30.0, 10.0, 20.0], &[1.0, 2.0, 3.0]), None);
    assert_eq!(d.base_value(), 20.0);
    assert_eq!(d.quantile(0.2), 10.0);
    assert_eq!(d.quantile(0.6), 20.0);
    assert_eq!(d.quantile(0.95), 30.0);
    // A tie (running weight exactly half the total) takes the lower value.
    let d = Sampler::new(&discrete(&[2.0, 1.0], &[1.0, 1.0]), None);
    assert_eq!(d.base_value(), 1.0);
    let d = Sampler::new(
        &discrete(&[40.0, 10.0, 30.0, 20.0], &[1.0, 2.0, 3.0, 4.0]),
        None,
    );
    // 10 (2), 20 (4), 30 (3), 40 (1): 2, 6 >= 5 -> 20.
    assert_eq!(d.base_value(), 20.0);
    // Truncation: the median of the values kept, [1, 2] here: a tie, so 1.
    let d = Sampler::new(
        &discrete(&[4.0, 3.0, 2.0, 1.0], &[1.0, 1.0, 1.0, 1.0]),
        Some((f64::NEG_INFINITY, 2.5)),
    );
    assert_eq!(d.base_value(), 1.0);
    for u in [0.01, 0.3, 0.49, 0.51, 0.99] {
        assert!(d.quantile(u) <= 2.0, "u = {u}: {}", d.quantile(u));
    }
}

/// A truncated Beta's base value is its median, F⁻¹((F(lo) + F(hi)) / 2), solved on the
/// incomplete beta function, not read from the table: the bisection reference agrees to the
/// last digits, where the table may be 1e-8 off.
#[test]
fn a_truncated_betas_base_value_is_its_exact_median() {
    for (a, b, lo, hi) in [
        (2.0, 5.0, 0.1, 0.5),
        (0.5, 0.5, 0.2, 0.95),
        (30.0, 2.0, 0.0, 0.9),
        (1.5, 40.0, 0.01, f64::INFINITY),
    ] {
        let s = Sampler::new(&Dist::Beta { alpha: a, beta: b }, Some((lo, hi)));
        let cdf = |x: f64| beta_reg(a, b, x.clamp(0.0, 1.0));
        let want = reference(a, b, (cdf(lo) + cdf(hi)) / 2.0);
        let got = s.base_value();
        assert!(
            (got - want).abs() <= 1e-14,
            "Beta({a}, {b}) on [{lo}, {hi}]: {got} vs {want}"
        );
    }
    // Untruncated: the median the table was built around, exact too.
    let s = Sampler::new(
        &Dist::Beta {
            alpha: 2.0,
            beta: 5.0,
        },
        None,
    );
    assert!((s.base_value() - reference(2.0, 5.0, 0.5)).abs() <= 1e-14);
}

/// The standard normal quantile (statrs' inverse erfc) against 60-digit values (mpmath): the
/// accuracy docs/MODEL.md states for normal and lognormal quantiles, from the far tails the
/// random streams reach to the centre.
#[test]
// The reference values as mpmath printed them, more digits than a double holds.
#[allow(clippy::excessive_precision)]
fn normal_quantiles_are_accurate_to_a_few_ulps() {
    // (u, Φ⁻¹(u)) for the f64 u as written, mpmath with 60 digits.
    let cases = [
        (1e-50, -14.93333753478848898),
        (1e-30, -11.46402468844361572),
        (1e-20, -9.26234008979840758),
        (5.551115123125783e-17, -8.292361075813595538),
        (1e-10, -6.361340902404056199),
        (1e-06, -4.753424308822898957),
        (0.001, -3.090232306167813535),
        (0.01, -2.326347874040841093),
        (0.025, -1.959963984540054212),
        (0.05, -1.644853626951472688),
        (0.1, -1.281551565544600435),
        (0.2, -0.8416212335729141655),
        (0.3, -0.524400512708040816),
        (0.4, -0.2533471031357997413),
        (0.45, -0.1256613468550740062),
        (0.49, -0.02506890825871105803),
        (0.499999, -2.506628274566559378e-6),
        (0.5000001, 2.506628273311648301e-7),
        (0.6, 0.2533471031357997413),
        (0.75, 0.6744897501960817432),
        (0.9, 1.281551565544600593),
        (0.95, 1.644853626951472284),
        (0.975, 1.959963984540053856),
        (0.99, 2.326347874040840768),
        (0.999, 3.090232306167813278),
        (0.999999, 4.753424308817087766),
        (0.9999999999, 6.361340889697421864),
        (0.9999999999999999, 8.209536151601386856),
    ];
    let normal = Sampler::new(&Dist::Normal { mean: 0.0, sd: 1.0 }, None);
    let mut worst: f64 = 0.0;
    for (u, want) in cases {
        let got = normal.quantile(u);
        let rel = ((got - want) / want).abs();
        worst = worst.max(rel);
        assert!(
            rel <= 5e-16,
            "Φ⁻¹({u:e}) = {got:e}, want {want:e} (relative {rel:e})"
        );
    }
    println!("worst relative error of Φ⁻¹: {worst:e}");
    // The constant of a lognormal given by its 90% interval is Φ⁻¹(0.95) to the last digit.
    assert_eq!(1.644_853_626_951_472_2_f64, 1.644853626951472284);
}
