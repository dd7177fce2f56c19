//! The Metalog distribution (Keelin 2016): a quantile function linear in its coefficients, so
//! that a variable's simulated quantiles are fitted by least squares, and any tool evaluates
//! the fit with a few multiplications. SIPmath 3.0 libraries store variables this way.
//!
//! With y in (0, 1), L = ln(y / (1 − y)) and c = y − 1/2, the k-term Metalog is
//! M(y) = a1 + a2·L + a3·c·L + a4·c + a5·c² + a6·c²·L + a7·c³ + a8·c³·L + …: from the fifth
//! term on, an odd term j adds c^((j−1)/2) and an even one c^(j/2 − 1)·L. Bounds transform it:
//! a lower bound bl gives x = bl + e^M, an upper bound bu gives x = bu − e^(−M), both give
//! x = (bl + bu·e^M) / (1 + e^M). A fit is a distribution only when x rises with y everywhere,
//! that is when M'(y) > 0 on all of (0, 1) ([`Metalog::is_feasible`]).

/// Most terms a Metalog may have here (SIPmath tools go up to 16).
pub const MAX_TERMS: usize = 16;

/// A Metalog quantile function: its coefficients and bounds.
#[derive(Debug, Clone, PartialEq)]
pub struct Metalog {
    /// a1 … ak.
    pub a: Vec<f64>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
}

/// The basis of `k` terms at `y`, into `out` (`out.len() >= k`).
fn basis(y: f64, k: usize, out: &mut [f64]) {
    let l = (y / (1.0 - y)).ln();
    let c = y - 0.5;
    let mut power = 1.0; // c^p for the term being written
    for (j, slot) in out.iter_mut().enumerate().take(k) {
        let term = j + 1;
        *slot = match term {
            1 => 1.0,
            2 => l,
            3 => c * l,
            4 => c,
            t if t % 2 == 1 => {
                power *= c;
                power
            }
            _ => power * l,
        };
        if term == 4 {
            power = c;
        }
    }
}

/// The derivatives in y of the first `k` basis terms at `y`, into `out`.
fn slope_basis(y: f64, k: usize, out: &mut [f64]) {
    let l = (y / (1.0 - y)).ln();
    let dl = 1.0 / (y * (1.0 - y));
    let c = y - 0.5;
    for (j, slot) in out.iter_mut().enumerate().take(k) {
        *slot = match j + 1 {
            1 => 0.0,
            2 => dl,
            3 => l + c * dl,
            4 => 1.0,
            t if t % 2 == 1 => {
                let p = ((t - 1) / 2) as i32;
                p as f64 * c.powi(p - 1)
            }
            t => {
                let p = (t / 2 - 1) as i32;
                p as f64 * c.powi(p - 1) * l + c.powi(p) * dl
            }
        };
    }
}

/// dM/dy of `a` at `y`.
fn slope(a: &[f64], y: f64) -> f64 {
    let mut d = [0.0; MAX_TERMS];
    let k = a.len().min(MAX_TERMS);
    slope_basis(y, k, &mut d);
    a[..k].iter().zip(&d[..k]).map(|(a, d)| a * d).sum()
}

/// Where a constrained fit holds its slope positive: the tails down to 1e−9 and a grid of
/// 400 points between.
fn constraint_levels() -> Vec<f64> {
    let tails = [1e-9, 1e-7, 1e-5, 1e-4, 2e-4, 5e-4];
    let mut ys: Vec<f64> = tails.iter().flat_map(|&t| [t, 1.0 - t]).collect();
    ys.extend((1..400).map(|i| i as f64 / 400.0));
    ys
}

impl Metalog {
    /// The unbounded Metalog M(y) of the coefficients.
    pub fn m(&self, y: f64) -> f64 {
        let mut b = [0.0; MAX_TERMS];
        let k = self.a.len().min(MAX_TERMS);
        basis(y, k, &mut b);
        self.a[..k].iter().zip(&b[..k]).map(|(a, b)| a * b).sum()
    }

    /// The value at cumulative probability `y` in (0, 1).
    pub fn quantile(&self, y: f64) -> f64 {
        let m = self.m(y);
        match (self.lower, self.upper) {
            (None, None) => m,
            (Some(bl), None) => bl + m.exp(),
            (None, Some(bu)) => bu - (-m).exp(),
            (Some(bl), Some(bu)) => {
                // (bl + bu·e^M) / (1 + e^M), written so that e^M never overflows.
                if m > 0.0 {
                    let e = (-m).exp();
                    (bl * e + bu) / (e + 1.0)
                } else {
                    let e = m.exp();
                    (bl + bu * e) / (1.0 + e)
                }
            }
        }
    }

    /// Whether M'(y) > 0 across (0, 1): on a grid of 4,000 points, denser towards the tails
    /// (down to 1e−12 from either end), where a fit that turns back does so first.
    pub fn is_feasible(&self) -> bool {
        self.falls_at().next().is_none()
    }

    /// The points of the feasibility grid where M'(y) <= 0.
    fn falls_at(&self) -> impl Iterator<Item = f64> + '_ {
        let tails = (1..=60).map(|i| 10f64.powf(-12.0 + 9.0 * i as f64 / 60.0));
        let inner = (1..4000).map(|i| i as f64 / 4000.0);
        tails
            .clone()
            .chain(tails.map(|t| 1.0 - t))
            .chain(inner)
            .filter(|&y| slope(&self.a, y) <= 0.0)
    }
}

/// A Metalog fitted to quantiles, and how close it came.
#[derive(Debug, Clone, PartialEq)]
pub struct MetalogFit {
    pub metalog: Metalog,
    /// The largest |fitted − given| quantile over the levels from 0.01 to 0.99, in the
    /// variable's unit.
    pub max_error: f64,
    /// `max_error` as a share of the spread the fit is judged on (P99 − P1 of the given
    /// quantiles, or their whole range when those are not among the levels).
    pub relative_error: f64,
}

/// Why quantiles could not be fitted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FitError {
    #[error("the quantiles do not spread: the variable is constant")]
    Constant,
    #[error("a quantile lies on or beyond a bound")]
    OutsideBounds,
    #[error("no Metalog of 2 to {MAX_TERMS} terms rises everywhere")]
    NoFeasibleFit,
    #[error("the levels and quantiles are not a usable set (length, range or order)")]
    BadInput,
}

/// Fit quantiles `q` at `levels` (increasing, in (0, 1)) by least squares, trying 2 to
/// `max_terms` terms, each by plain least squares or, when that fit's density turns negative
/// somewhere, by least squares with its slope held positive ([`least_squares_with_bounds`]).
/// The error of a fit is its largest |fitted − given| quantile at the levels from 0.01 to 0.99,
/// as a share of the spread P99 − P1. Chosen: the fewest terms within `target`; when none is
/// that close, the fewest within 10% of the smallest error.
pub fn fit(
    levels: &[f64],
    q: &[f64],
    lower: Option<f64>,
    upper: Option<f64>,
    max_terms: usize,
    target: f64,
) -> Result<MetalogFit, FitError> {
    let n = levels.len();
    if n < 2
        || q.len() != n
        || levels.iter().any(|&y| !(y > 0.0 && y < 1.0))
        || q.iter().any(|v| !v.is_finite())
        || q.windows(2).any(|w| w[1] < w[0])
    {
        return Err(FitError::BadInput);
    }
    let at = |p: f64| {
        levels
            .iter()
            .position(|&y| (y - p).abs() < 1e-12)
            .map(|i| q[i])
    };
    let spread = match (at(0.01), at(0.99)) {
        (Some(a), Some(b)) if b > a => b - a,
        _ => q[n - 1] - q[0],
    };
    if spread.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
        return Err(FitError::Constant);
    }
    let z: Option<Vec<f64>> = q
        .iter()
        .map(|&x| {
            let v = match (lower, upper) {
                (None, None) => x,
                (Some(bl), None) => (x - bl).ln(),
                (None, Some(bu)) => -(bu - x).ln(),
                (Some(bl), Some(bu)) => ((x - bl) / (bu - x)).ln(),
            };
            v.is_finite().then_some(v)
        })
        .collect();
    let z = z.ok_or(FitError::OutsideBounds)?;
    let mut rows = vec![0.0; n * MAX_TERMS];
    for (i, &y) in levels.iter().enumerate() {
        basis(y, MAX_TERMS, &mut rows[i * MAX_TERMS..(i + 1) * MAX_TERMS]);
    }
    let judged: Vec<usize> = (0..n)
        .filter(|&i| (0.01 - 1e-12..=0.99 + 1e-12).contains(&levels[i]))
        .collect();
    let judged = if judged.is_empty() {
        (0..n).collect()
    } else {
        judged
    };
    // Fitted in standard units (the transformed quantiles centred and scaled to a unit range)
    // so that the constrained solve is well scaled; M is linear and its first term constant,
    // so the coefficients scale back exactly: a = scale · a', a1 += centre.
    let (centre, scale) = (0.5 * (z[0] + z[n - 1]), z[n - 1] - z[0]);
    if scale.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
        return Err(FitError::Constant);
    }
    let z: Vec<f64> = z.iter().map(|v| (v - centre) / scale).collect();
    let unscale = |mut a: Vec<f64>| {
        a.iter_mut().for_each(|v| *v *= scale);
        a[0] += centre;
        a
    };
    let ys = constraint_levels();
    let mut candidates: Vec<MetalogFit> = Vec::new();
    for k in 2..=max_terms.clamp(2, MAX_TERMS).min(n) {
        let design: Vec<f64> = (0..n)
            .flat_map(|i| rows[i * MAX_TERMS..i * MAX_TERMS + k].iter().copied())
            .collect();
        let plain = least_squares(&design, n, k, &z).map(|a| Metalog {
            a: unscale(a),
            lower,
            upper,
        });
        let metalog = match plain {
            Some(m) if m.is_feasible() => m,
            _ => {
                // Least squares with y(1 − y) M'(y) >= a sliver of the range at every
                // constraint level: the closest fit whose density stays positive. Where the
                // density still turns negative between those levels, the points where it does
                // are added and the fit made again.
                let mut ys = ys.clone();
                let mut found = None;
                for _ in 0..4 {
                    let mut g = vec![0.0; ys.len() * k];
                    for (i, &y) in ys.iter().enumerate() {
                        slope_basis(y, k, &mut g[i * k..(i + 1) * k]);
                        let w = y * (1.0 - y);
                        g[i * k..(i + 1) * k].iter_mut().for_each(|v| *v *= w);
                    }
                    let h = vec![1e-6; ys.len()];
                    let Some(a) = least_squares_with_bounds(&design, n, k, &z, &g, &h) else {
                        break;
                    };
                    let m = Metalog {
                        a: unscale(a),
                        lower,
                        upper,
                    };
                    let falls: Vec<f64> = m.falls_at().take(64).collect();
                    if falls.is_empty() {
                        found = Some(m);
                        break;
                    }
                    ys.extend(falls);
                }
                match found {
                    Some(m) => m,
                    None => continue,
                }
            }
        };
        let max_error = judged
            .iter()
            .map(|&i| (metalog.quantile(levels[i]) - q[i]).abs())
            .fold(0.0, f64::max);
        candidates.push(MetalogFit {
            metalog,
            max_error,
            relative_error: max_error / spread,
        });
    }
    // The fewest terms within the target; failing that, the fewest within a tenth of the best
    // error (more terms than that chase the noise of the simulated quantiles).
    let best = candidates
        .iter()
        .map(|c| c.relative_error)
        .fold(f64::INFINITY, f64::min);
    let good_enough = target.max(1.1 * best);
    candidates
        .into_iter()
        .find(|c| c.relative_error <= good_enough)
        .ok_or(FitError::NoFeasibleFit)
}

mod solve;

pub use solve::{least_squares, least_squares_with_bounds};

#[cfg(test)]
mod tests;
