//! Turning a distribution into numbers: every input is sampled by its inverse CDF from one
//! uniform number per trial.
//!
//! Why inverse CDF: one uniform per input and trial makes the random stream of an input depend
//! only on (seed, input name, trial) — comparisons between scenario versions then share draws —
//! and truncation becomes exact (`u` is mapped into `[F(lo), F(hi)]`). PERT and Beta, whose
//! quantile function has no closed form, use a monotone table built once per input.

use statrs::function::beta::beta_reg;
use statrs::function::erf::{erf, erfc_inv};

use crate::scenario::Dist;

/// Number of equal steps in `u` of a tabulated quantile function.
const TABLE_STEPS: usize = 4096;
/// Grid points (clustered at both ends) on which a Beta CDF is evaluated to build the table.
const CDF_GRID: usize = 1024;

/// A compiled distribution: `quantile(u)` maps a uniform `u ∈ (0, 1)` to a value.
#[derive(Debug, Clone)]
pub struct Sampler {
    kind: Kind,
    /// Probability range `[u_lo, u_hi]` kept after truncation (0, 1 without truncation).
    u_lo: f64,
    u_span: f64,
    /// The base-case value: mode of three-point distributions, median otherwise.
    base: f64,
}

#[derive(Debug, Clone)]
enum Kind {
    Fixed(f64),
    Uniform {
        min: f64,
        width: f64,
    },
    Triangular {
        min: f64,
        max: f64,
        mode: f64,
        split: f64,
    },
    Normal {
        mean: f64,
        sd: f64,
    },
    LogNormal {
        mu: f64,
        sigma: f64,
    },
    /// A quantile table on [0, 1] scaled to `[offset, offset + scale]`; the outermost
    /// table steps are resolved on the finer CDF grid they came from.
    Table {
        offset: f64,
        scale: f64,
        table: Box<[f64]>,
        grid: CdfGrid,
    },
    Discrete {
        values: Box<[f64]>,
        cumulative: Box<[f64]>,
    },
    Bernoulli {
        p: f64,
    },
}

fn std_normal_cdf(z: f64) -> f64 {
    0.5 * (1.0 + erf(z / std::f64::consts::SQRT_2))
}

fn std_normal_quantile(u: f64) -> f64 {
    -std::f64::consts::SQRT_2 * erfc_inv(2.0 * u)
}

/// Points (x, F(x)) of a CDF, increasing in both.
type CdfGrid = Box<[(f64, f64)]>;

/// Quantile table of Beta(a, b) on [0, 1], equally spaced in probability.
///
/// The CDF is evaluated on a grid clustered at both ends of the range that holds the
/// distribution's mass (mean ± 12 sd, clipped to [0, 1]), so peaked distributions such as
/// Beta(1000, 1000) are resolved as finely as flat ones; the table's ends are the last grid
/// points with F = 0 and the first with F = 1, so extreme draws never run on to 0 or 1.
fn beta_table(a: f64, b: f64) -> (Box<[f64]>, CdfGrid) {
    let mean = a / (a + b);
    let sd = (a * b / ((a + b) * (a + b) * (a + b + 1.0))).sqrt();
    let lo = (mean - 12.0 * sd).max(0.0);
    let hi = (mean + 12.0 * sd).min(1.0);
    let grid: Vec<(f64, f64)> = (0..=CDF_GRID)
        .map(|i| {
            let s = i as f64 / CDF_GRID as f64;
            let x = lo + (hi - lo) * 0.5 * (1.0 - (std::f64::consts::PI * s).cos());
            let x = x.clamp(lo, hi);
            let f = if i == 0 && lo == 0.0 {
                0.0
            } else if i == CDF_GRID && hi == 1.0 {
                1.0
            } else {
                beta_reg(a, b, x)
            };
            (x, f)
        })
        .collect();
    // The effective support: last point with F = 0, first point with F = 1.
    let first = grid.iter().rposition(|&(_, f)| f <= 0.0).unwrap_or(0);
    let last = grid
        .iter()
        .position(|&(_, f)| f >= 1.0)
        .unwrap_or(grid.len() - 1);
    let grid = &grid[first..=last.max(first + 1).min(grid.len() - 1)];
    let mut table = Vec::with_capacity(TABLE_STEPS + 1);
    let mut i = 0;
    for j in 0..=TABLE_STEPS {
        let u = j as f64 / TABLE_STEPS as f64;
        while i + 2 < grid.len() && grid[i + 1].1 < u {
            i += 1;
        }
        let (x0, f0) = grid[i];
        let (x1, f1) = grid[(i + 1).min(grid.len() - 1)];
        let x = if f1 > f0 {
            x0 + (x1 - x0) * ((u - f0) / (f1 - f0)).clamp(0.0, 1.0)
        } else {
            x0
        };
        table.push(x);
    }
    // Monotone by construction; pin the ends to the effective support.
    table[0] = grid[0].0;
    table[TABLE_STEPS] = grid[grid.len() - 1].0;
    (table.into_boxed_slice(), grid.to_vec().into_boxed_slice())
}

/// Invert a CDF grid by linear interpolation (for the extreme tails).
fn grid_quantile(grid: &[(f64, f64)], u: f64) -> f64 {
    let i = grid
        .partition_point(|&(_, f)| f < u)
        .clamp(1, grid.len() - 1);
    let (x0, f0) = grid[i - 1];
    let (x1, f1) = grid[i];
    if f1 > f0 {
        x0 + (x1 - x0) * ((u - f0) / (f1 - f0)).clamp(0.0, 1.0)
    } else {
        x0
    }
}

fn table_lookup(table: &[f64], grid: &[(f64, f64)], u: f64) -> f64 {
    let pos = u * TABLE_STEPS as f64;
    let j = (pos as usize).min(TABLE_STEPS - 1);
    if j == 0 || j == TABLE_STEPS - 1 {
        return grid_quantile(grid, u);
    }
    let frac = pos - j as f64;
    table[j] + (table[j + 1] - table[j]) * frac
}

/// Inverse of the table: the probability of `x` (for truncation bounds).
fn table_cdf(table: &[f64], x: f64) -> f64 {
    if x <= table[0] {
        return 0.0;
    }
    if x >= table[TABLE_STEPS] {
        return 1.0;
    }
    let j = table.partition_point(|&q| q <= x).clamp(1, TABLE_STEPS) - 1;
    let (q0, q1) = (table[j], table[j + 1]);
    let frac = if q1 > q0 { (x - q0) / (q1 - q0) } else { 0.0 };
    (j as f64 + frac) / TABLE_STEPS as f64
}

impl Kind {
    fn quantile(&self, u: f64) -> f64 {
        match self {
            Kind::Fixed(v) => *v,
            Kind::Uniform { min, width } => min + width * u,
            Kind::Triangular {
                min,
                max,
                mode,
                split,
            } => {
                if u < *split {
                    min + (u * (max - min) * (mode - min)).sqrt()
                } else {
                    max - ((1.0 - u) * (max - min) * (max - mode)).sqrt()
                }
            }
            Kind::Normal { mean, sd } => mean + sd * std_normal_quantile(u),
            Kind::LogNormal { mu, sigma } => (mu + sigma * std_normal_quantile(u)).exp(),
            Kind::Table {
                offset,
                scale,
                table,
                grid,
            } => offset + scale * table_lookup(table, grid, u),
            Kind::Discrete { values, cumulative } => {
                let i = cumulative.partition_point(|&c| c < u).min(values.len() - 1);
                values[i]
            }
            Kind::Bernoulli { p } => {
                if u < *p {
                    1.0
                } else {
                    0.0
                }
            }
        }
    }

    fn cdf(&self, x: f64) -> f64 {
        match self {
            Kind::Fixed(v) => {
                if x >= *v {
                    1.0
                } else {
                    0.0
                }
            }
            Kind::Uniform { min, width } => ((x - min) / width).clamp(0.0, 1.0),
            Kind::Triangular { min, max, mode, .. } => {
                if x <= *min {
                    0.0
                } else if x >= *max {
                    1.0
                } else if x <= *mode {
                    (x - min).powi(2) / ((max - min) * (mode - min))
                } else {
                    1.0 - (max - x).powi(2) / ((max - min) * (max - mode))
                }
            }
            Kind::Normal { mean, sd } => std_normal_cdf((x - mean) / sd),
            Kind::LogNormal { mu, sigma } => {
                if x <= 0.0 {
                    0.0
                } else {
                    std_normal_cdf((x.ln() - mu) / sigma)
                }
            }
            Kind::Table {
                offset,
                scale,
                table,
                ..
            } => table_cdf(table, (x - offset) / scale),
            Kind::Discrete { values, cumulative } => values
                .iter()
                .zip(cumulative.iter())
                .filter(|(v, _)| **v <= x)
                .map(|(_, c)| *c)
                .fold(0.0, f64::max),
            Kind::Bernoulli { p } => {
                if x < 0.0 {
                    0.0
                } else if x < 1.0 {
                    1.0 - p
                } else {
                    1.0
                }
            }
        }
    }
}

impl Sampler {
    /// Compile a validated distribution (with optional truncation) into a sampler.
    pub fn new(dist: &Dist, truncate: Option<(f64, f64)>) -> Sampler {
        let mut mode = None;
        let kind = match dist {
            Dist::Fixed(v) => Kind::Fixed(*v),
            Dist::Uniform { min, max } => Kind::Uniform {
                min: *min,
                width: max - min,
            },
            Dist::Triangular { min, mode: m, max } => {
                mode = Some(*m);
                if max > min {
                    Kind::Triangular {
                        min: *min,
                        max: *max,
                        mode: *m,
                        split: (m - min) / (max - min),
                    }
                } else {
                    Kind::Fixed(*m)
                }
            }
            Dist::Pert {
                min,
                mode: m,
                max,
                shape,
            } => {
                mode = Some(*m);
                if max > min {
                    let a = 1.0 + shape * (m - min) / (max - min);
                    let b = 1.0 + shape * (max - m) / (max - min);
                    let (table, grid) = beta_table(a, b);
                    Kind::Table {
                        offset: *min,
                        scale: max - min,
                        table,
                        grid,
                    }
                } else {
                    Kind::Fixed(*m)
                }
            }
            Dist::Normal { mean, sd } => Kind::Normal {
                mean: *mean,
                sd: *sd,
            },
            Dist::LogNormal { mu, sigma } => Kind::LogNormal {
                mu: *mu,
                sigma: *sigma,
            },
            Dist::Beta { alpha, beta } => {
                let (table, grid) = beta_table(*alpha, *beta);
                Kind::Table {
                    offset: 0.0,
                    scale: 1.0,
                    table,
                    grid,
                }
            }
            Dist::Discrete { values, weights } => {
                let total: f64 = weights.iter().sum();
                let mut acc = 0.0;
                let cumulative: Vec<f64> = weights
                    .iter()
                    .map(|w| {
                        acc += w / total;
                        acc
                    })
                    .collect();
                Kind::Discrete {
                    values: values.clone().into_boxed_slice(),
                    cumulative: cumulative.into_boxed_slice(),
                }
            }
            Dist::Bernoulli { p } => Kind::Bernoulli { p: *p },
        };
        let (u_lo, u_hi) = match truncate {
            Some((lo, hi)) => {
                // Probability just below `lo` so that an atom at `lo` is kept.
                let below = if lo.is_finite() {
                    kind.cdf(lo - f64::EPSILON * lo.abs().max(1.0))
                } else {
                    0.0
                };
                let upto = if hi.is_finite() { kind.cdf(hi) } else { 1.0 };
                if upto > below {
                    (below, upto)
                } else {
                    (0.0, 1.0)
                }
            }
            None => (0.0, 1.0),
        };
        let mut sampler = Sampler {
            kind,
            u_lo,
            u_span: u_hi - u_lo,
            base: 0.0,
        };
        sampler.base = match (mode, truncate) {
            (Some(m), Some((lo, hi))) => m.clamp(lo, hi),
            (Some(m), None) => m,
            _ => sampler.quantile(0.5),
        };
        if let Some((lo, hi)) = truncate {
            sampler.base = sampler.base.clamp(lo, hi);
        }
        sampler
    }

    /// The value for a uniform `u ∈ (0, 1)`.
    #[inline]
    pub fn quantile(&self, u: f64) -> f64 {
        self.kind.quantile(self.u_lo + self.u_span * u)
    }

    /// The base-case value: the mode of triangular and PERT inputs, the median otherwise
    /// (so a Bernoulli event happens in the base case only if p > 0.5).
    pub fn base_value(&self) -> f64 {
        self.base
    }

    /// True when every draw is the same number (no random stream needed).
    pub fn is_fixed(&self) -> bool {
        matches!(self.kind, Kind::Fixed(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
