use super::*;

/// A second Metalog quantile function, written from Keelin (2016), "The Metalog
/// Distributions", eq. (6) and the bounded forms of section 4, term by term as the paper
/// tabulates them, and not from the code above: the check the exported libraries rest on.
mod keelin {
    pub fn term(j: usize, y: f64) -> f64 {
        let logit = y.ln() - (1.0 - y).ln();
        let c = y - 0.5;
        match j {
            1 => 1.0,
            2 => logit,
            3 => c * logit,
            4 => c,
            j if j % 2 == 1 => c.powi(((j - 1) / 2) as i32),
            j => c.powi((j / 2 - 1) as i32) * logit,
        }
    }

    pub fn quantile(a: &[f64], lower: Option<f64>, upper: Option<f64>, y: f64) -> f64 {
        let m: f64 = (1..=a.len()).map(|j| a[j - 1] * term(j, y)).sum();
        match (lower, upper) {
            (None, None) => m,
            (Some(l), None) => l + m.exp(),
            (None, Some(u)) => u - (-m).exp(),
            (Some(l), Some(u)) => (l + u * m.exp()) / (1.0 + m.exp()),
        }
    }
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(1.0)
}

fn levels() -> Vec<f64> {
    (1..1000).map(|j| j as f64 / 1000.0).collect()
}

#[test]
fn the_quantile_function_agrees_with_the_papers_formulas() {
    let a: Vec<f64> = (0..MAX_TERMS)
        .map(|j| [3.0, 1.2, -0.4, 0.8, 0.3, -0.2, 0.15, 0.05][j % 8] / (1 + j / 8) as f64)
        .collect();
    for k in 2..=MAX_TERMS {
        for (lower, upper) in [
            (None, None),
            (Some(-1.0), None),
            (None, Some(7.0)),
            (Some(0.0), Some(5.0)),
        ] {
            let m = Metalog {
                a: a[..k].to_vec(),
                lower,
                upper,
            };
            for y in [1e-9, 0.001, 0.1, 0.25, 0.5, 0.62, 0.9, 0.999, 1.0 - 1e-9] {
                let (mine, theirs) = (m.quantile(y), keelin::quantile(&a[..k], lower, upper, y));
                assert!(
                    close(mine, theirs, 1e-9),
                    "k {k} {lower:?} {upper:?} y {y}: {mine} {theirs}"
                );
            }
        }
    }
}

#[test]
fn a_known_metalog_is_recovered_from_its_quantiles() {
    let truth = Metalog {
        a: vec![10.0, 2.0, 0.5, 1.0, 0.4],
        lower: None,
        upper: None,
    };
    assert!(truth.is_feasible());
    let y = levels();
    let q: Vec<f64> = y.iter().map(|&p| truth.quantile(p)).collect();
    let f = fit(&y, &q, None, None, MAX_TERMS, 1e-9).expect("fits");
    assert!(f.relative_error <= 1e-9, "{f:?}");
    // The fewest terms within the target: five.
    assert_eq!(f.metalog.a.len(), 5);
    for (got, want) in f.metalog.a.iter().zip(&truth.a) {
        assert!((got - want).abs() < 1e-8, "{:?}", f.metalog.a);
    }
}

#[test]
fn bounded_fits_stay_within_their_bounds() {
    // A Beta(2, 5)-like shape on [0, 1], from its quantiles by bisection of the CDF.
    let cdf = |x: f64| 1.0 - (1.0 - x).powi(5) * (1.0 + 5.0 * x);
    let y = levels();
    let q: Vec<f64> = y
        .iter()
        .map(|&p| {
            let (mut lo, mut hi) = (0.0, 1.0);
            for _ in 0..100 {
                let mid = 0.5 * (lo + hi);
                if cdf(mid) < p { lo = mid } else { hi = mid }
            }
            0.5 * (lo + hi)
        })
        .collect();
    let f = fit(&y, &q, Some(0.0), Some(1.0), MAX_TERMS, 1e-3).expect("fits");
    assert!(f.relative_error <= 1e-3, "{f:?}");
    for p in [1e-12, 1e-6, 0.5, 1.0 - 1e-6, 1.0 - 1e-12] {
        let x = f.metalog.quantile(p);
        assert!((0.0..=1.0).contains(&x), "{p} -> {x}");
    }
    // Quantiles on a bound cannot be fitted with it.
    let mut on = q.clone();
    on[0] = 0.0;
    assert_eq!(
        fit(&y, &on, Some(0.0), Some(1.0), MAX_TERMS, 1e-3),
        Err(FitError::OutsideBounds)
    );
    assert_eq!(
        fit(&y, &vec![2.0; y.len()], None, None, MAX_TERMS, 1e-3),
        Err(FitError::Constant)
    );
}

#[test]
fn a_normal_is_fitted_closely() {
    let y = levels();
    let q: Vec<f64> = y
        .iter()
        .map(|&p| 100.0 + 15.0 * crate::dist::copula::normal_quantile(p))
        .collect();
    let f = fit(&y, &q, None, None, MAX_TERMS, 0.002).expect("fits");
    assert!(f.relative_error <= 0.002, "{f:?}");
    assert!(f.metalog.is_feasible());
    assert!((f.metalog.quantile(0.5) - 100.0).abs() < 0.05);
}

#[test]
fn infeasible_coefficients_are_seen() {
    // a2 < 0: the quantile function falls.
    assert!(
        !Metalog {
            a: vec![0.0, -1.0],
            lower: None,
            upper: None
        }
        .is_feasible()
    );
    // A large c³ term turns the tails back.
    assert!(
        !Metalog {
            a: vec![0.0, 0.1, 0.0, 0.0, 0.0, 0.0, -20.0],
            lower: None,
            upper: None
        }
        .is_feasible()
    );
}

#[test]
#[ignore]
fn scratch_debug_fit() {
    let text = std::fs::read_to_string("/tmp/npvq.txt").unwrap();
    let q: Vec<f64> = text
        .split_whitespace()
        .map(|x| x.parse().unwrap())
        .collect();
    let y = levels();
    let n = y.len();
    let mut rows = vec![0.0; n * MAX_TERMS];
    for (i, &p) in y.iter().enumerate() {
        basis(p, MAX_TERMS, &mut rows[i * MAX_TERMS..(i + 1) * MAX_TERMS]);
    }
    let spread = q[989] - q[9];
    for k in 2..=16 {
        let design: Vec<f64> = (0..n)
            .flat_map(|i| rows[i * MAX_TERMS..i * MAX_TERMS + k].iter().copied())
            .collect();
        let plain = least_squares(&design, n, k, &q).map(|a| Metalog {
            a,
            lower: None,
            upper: None,
        });
        let pf = plain.as_ref().map(|m| m.is_feasible());
        let ys = constraint_levels();
        let mut g = vec![0.0; ys.len() * k];
        for (i, &yy) in ys.iter().enumerate() {
            slope_basis(yy, k, &mut g[i * k..(i + 1) * k]);
            let w = yy * (1.0 - yy);
            g[i * k..(i + 1) * k].iter_mut().for_each(|v| *v *= w);
        }
        let h = vec![1e-6; ys.len()];
        let (c0, sc) = (0.5 * (q[0] + q[n - 1]), q[n - 1] - q[0]);
        let qn: Vec<f64> = q.iter().map(|v| (v - c0) / sc).collect();
        let c = least_squares_with_bounds(&design, n, k, &qn, &g, &h).map(|a| {
            let mut a: Vec<f64> = a.iter().map(|v| v * sc).collect();
            a[0] += c0;
            Metalog {
                a,
                lower: None,
                upper: None,
            }
        });
        let err = |m: &Metalog| {
            (9..990)
                .map(|i| (m.quantile(y[i]) - q[i]).abs())
                .fold(0.0, f64::max)
                / spread
        };
        eprintln!(
            "k {k}: plain feasible {pf:?} err {:?}; constrained {:?} feasible {:?}",
            plain.as_ref().map(err),
            c.as_ref().map(err),
            c.as_ref().map(|m| m.is_feasible())
        );
    }
}
