//! Every inverse-CDF sampler against an independent implementation: `rand_distr`'s samplers
//! (their own algorithms: ziggurat normals, Cheng's and Jöhnk's beta, Marsaglia–Tsang gamma
//! under PERT, alias-free weighted index), driven by another input's keyed stream through its
//! `rand_core` interface ([`KeyedRng`]). Ours are drawn as the engine draws them: one lane of
//! uniforms per input ([`uniforms_into`]) through [`Sampler::quantiles_in_place`].
//!
//! The check is a two-sample Kolmogorov–Smirnov test, n = m = 20,000 at a fixed seed. At
//! significance α = 0.001 the samples differ when D > c(α) √((n + m) / (n m)) with
//! c(α) = √(−ln(α / 2) / 2) = 1.9495, so D > 0.0195. For discrete distributions (ties) the test
//! is conservative. Truncated variants are checked against `rand_distr`'s sampler with the
//! draws outside the bounds rejected, which is what truncation means.

use rand_distr::Distribution;
use valuecase::dist::{Dist, Sampler};
use valuecase::engine::random::{KeyedRng, stream_key, uniforms_into};

const N: usize = 20_000;
const SEED: u64 = 2026;

/// c(α) for α = 0.001.
const C_ALPHA: f64 = 1.9495;

/// The critical value of D for two samples of `n` and `m` at α = 0.001.
fn critical(n: usize, m: usize) -> f64 {
    C_ALPHA * ((n + m) as f64 / (n as f64 * m as f64)).sqrt()
}

/// The two-sample Kolmogorov–Smirnov statistic: the largest gap between the empirical CDFs,
/// evaluated after every run of tied values.
fn ks_statistic(mut a: Vec<f64>, mut b: Vec<f64>) -> f64 {
    a.sort_by(f64::total_cmp);
    b.sort_by(f64::total_cmp);
    let (n, m) = (a.len() as f64, b.len() as f64);
    let (mut i, mut j, mut d) = (0, 0, 0.0f64);
    while i < a.len() && j < b.len() {
        let x = a[i].min(b[j]);
        while i < a.len() && a[i] <= x {
            i += 1;
        }
        while j < b.len() && b[j] <= x {
            j += 1;
        }
        d = d.max((i as f64 / n - j as f64 / m).abs());
    }
    d
}

/// `N` draws of `dist` (truncated to `truncate`), as the engine draws one input.
fn ours(name: &str, dist: &Dist, truncate: Option<(f64, f64)>) -> Vec<f64> {
    let sampler = Sampler::new(dist, truncate);
    let mut values = vec![0.0; N];
    uniforms_into(stream_key(SEED, name), 0, &mut values);
    sampler.quantiles_in_place(&mut values);
    values
}

/// `N` draws from `rand_distr`'s `oracle`, keeping those inside `truncate`.
fn theirs(name: &str, oracle: &Oracle, truncate: Option<(f64, f64)>) -> Vec<f64> {
    let mut rng = KeyedRng::new(SEED, &format!("oracle {name}"));
    let (lo, hi) = truncate.unwrap_or((f64::NEG_INFINITY, f64::INFINITY));
    let mut values = Vec::with_capacity(N);
    while values.len() < N {
        let x = oracle(&mut rng);
        if (lo..=hi).contains(&x) {
            values.push(x);
        }
    }
    values
}

/// A `rand_distr` sampler on the keyed stream (`Distribution` itself is generic over the
/// generator, so not a trait object).
type Oracle = dyn Fn(&mut KeyedRng) -> f64;

/// A sampler, its `rand_distr` counterpart and the truncation both get.
struct Case {
    name: &'static str,
    dist: Dist,
    oracle: Box<Oracle>,
    truncate: Option<(f64, f64)>,
}

fn case(
    name: &'static str,
    dist: Dist,
    oracle: impl Distribution<f64> + 'static,
    truncate: Option<(f64, f64)>,
) -> Case {
    Case {
        name,
        dist,
        oracle: Box::new(move |rng: &mut KeyedRng| oracle.sample(rng)),
        truncate,
    }
}

/// `rand_distr`'s weighted index over `values`, as a distribution of the values.
fn weighted(values: Vec<f64>, weights: &[f64]) -> impl Distribution<f64> {
    let index = rand_distr::weighted::WeightedIndex::new(weights).expect("valid weights");
    index.map(move |i| values[i])
}

fn bernoulli(p: f64) -> impl Distribution<f64> {
    rand_distr::Bernoulli::new(p)
        .expect("valid p")
        .map(|b| if b { 1.0 } else { 0.0 })
}

fn pert(min: f64, mode: f64, max: f64, shape: f64) -> (Dist, rand_distr::Pert<f64>) {
    (
        Dist::Pert {
            min,
            mode,
            max,
            shape,
        },
        rand_distr::Pert::new(min, max)
            .with_shape(shape)
            .with_mode(mode)
            .expect("valid PERT"),
    )
}

fn cases() -> Vec<Case> {
    use rand_distr::{Beta, LogNormal, Normal, Triangular, Uniform};
    let (pert4, pert4_oracle) = pert(100_000.0, 150_000.0, 250_000.0, 4.0);
    let (pert_skewed, pert_skewed_oracle) = pert(0.0, 0.05, 1.0, 1.5);
    let (pert_cut, pert_cut_oracle) = pert(100_000.0, 150_000.0, 250_000.0, 4.0);
    vec![
        case(
            "uniform",
            Dist::Uniform {
                min: -3.0,
                max: 5.0,
            },
            Uniform::new(-3.0, 5.0).expect("valid"),
            None,
        ),
        case(
            "triangular",
            Dist::Triangular {
                min: 0.0,
                mode: 2.0,
                max: 10.0,
            },
            Triangular::new(0.0, 10.0, 2.0).expect("valid"),
            None,
        ),
        case(
            "triangular, mode at the minimum",
            Dist::Triangular {
                min: 1.0,
                mode: 1.0,
                max: 4.0,
            },
            Triangular::new(1.0, 4.0, 1.0).expect("valid"),
            None,
        ),
        case("PERT", pert4, pert4_oracle, None),
        case(
            "PERT, skewed, shape 1.5",
            pert_skewed,
            pert_skewed_oracle,
            None,
        ),
        case(
            "normal",
            Dist::Normal {
                mean: 10.0,
                sd: 3.0,
            },
            Normal::new(10.0, 3.0).expect("valid"),
            None,
        ),
        case(
            "lognormal",
            Dist::LogNormal {
                mu: 0.5,
                sigma: 0.8,
            },
            LogNormal::new(0.5, 0.8).expect("valid"),
            None,
        ),
        case(
            "beta",
            Dist::Beta {
                alpha: 2.0,
                beta: 5.0,
            },
            Beta::new(2.0, 5.0).expect("valid"),
            None,
        ),
        case(
            "beta, U-shaped",
            Dist::Beta {
                alpha: 0.5,
                beta: 0.5,
            },
            Beta::new(0.5, 0.5).expect("valid"),
            None,
        ),
        case(
            "discrete",
            Dist::Discrete {
                values: vec![1.0, 2.0, 5.0],
                weights: vec![0.2, 0.5, 0.3],
            },
            weighted(vec![1.0, 2.0, 5.0], &[0.2, 0.5, 0.3]),
            None,
        ),
        case(
            "bernoulli",
            Dist::Bernoulli { p: 0.3 },
            bernoulli(0.3),
            None,
        ),
        case(
            "normal, truncated",
            Dist::Normal { mean: 0.0, sd: 1.0 },
            Normal::new(0.0, 1.0).expect("valid"),
            Some((-0.5, 2.0)),
        ),
        case(
            "lognormal, truncated",
            Dist::LogNormal {
                mu: 0.5,
                sigma: 0.8,
            },
            LogNormal::new(0.5, 0.8).expect("valid"),
            Some((1.0, 3.0)),
        ),
        case(
            "PERT, truncated",
            pert_cut,
            pert_cut_oracle,
            Some((120_000.0, 200_000.0)),
        ),
        case(
            "triangular, truncated",
            Dist::Triangular {
                min: 0.0,
                mode: 2.0,
                max: 10.0,
            },
            Triangular::new(0.0, 10.0, 2.0).expect("valid"),
            Some((1.0, 5.0)),
        ),
        case(
            "beta, truncated",
            Dist::Beta {
                alpha: 2.0,
                beta: 5.0,
            },
            Beta::new(2.0, 5.0).expect("valid"),
            Some((0.1, 0.6)),
        ),
    ]
}

#[test]
fn every_sampler_agrees_with_rand_distr() {
    let crit = critical(N, N);
    assert!((crit - 0.0195).abs() < 1e-4, "{crit}");
    let mut failed = Vec::new();
    for c in cases() {
        let d = ks_statistic(
            ours(c.name, &c.dist, c.truncate),
            theirs(c.name, &c.oracle, c.truncate),
        );
        if d > crit {
            failed.push(format!("{}: D = {d:.4} > {crit:.4}", c.name));
        }
    }
    assert!(
        failed.is_empty(),
        "samplers unlike rand_distr's: {failed:?}"
    );
}

/// The test can fail: one parameter off in ours, and the samples are told apart.
#[test]
fn a_wrong_parameter_is_rejected() {
    use rand_distr::{Normal, Triangular};
    let crit = critical(N, N);
    let (pert_wrong, _) = pert(100_000.0, 165_000.0, 250_000.0, 4.0);
    let (_, pert_oracle) = pert(100_000.0, 150_000.0, 250_000.0, 4.0);
    let wrong = [
        case(
            "normal, mean off by a tenth of a standard deviation",
            Dist::Normal {
                mean: 10.3,
                sd: 3.0,
            },
            Normal::new(10.0, 3.0).expect("valid"),
            None,
        ),
        case(
            "PERT, mode off by a tenth of the range",
            pert_wrong,
            pert_oracle,
            None,
        ),
        case(
            "triangular, mode swapped for the minimum",
            Dist::Triangular {
                min: 0.0,
                mode: 0.0,
                max: 10.0,
            },
            Triangular::new(0.0, 10.0, 2.0).expect("valid"),
            None,
        ),
        case(
            "bernoulli, p 0.33 for 0.3",
            Dist::Bernoulli { p: 0.33 },
            bernoulli(0.3),
            None,
        ),
    ];
    for c in wrong {
        let d = ks_statistic(
            ours(c.name, &c.dist, c.truncate),
            theirs(c.name, &c.oracle, c.truncate),
        );
        assert!(d > crit, "{}: D = {d:.4} not above {crit:.4}", c.name);
    }
}

#[test]
fn the_statistic_measures_the_largest_gap() {
    // Identical samples: 0. Disjoint: 1. Half the mass moved: 0.5. Ties counted together.
    assert_eq!(ks_statistic(vec![1.0, 2.0, 3.0], vec![3.0, 2.0, 1.0]), 0.0);
    assert_eq!(ks_statistic(vec![1.0, 2.0], vec![3.0, 4.0]), 1.0);
    assert_eq!(ks_statistic(vec![1.0, 2.0], vec![2.0, 3.0]), 0.5);
    assert_eq!(ks_statistic(vec![0.0; 4], vec![0.0, 0.0, 1.0, 1.0]), 0.5);
}
