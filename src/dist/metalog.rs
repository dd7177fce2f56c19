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

/// dM/dy of `a` at `y`.
fn slope(a: &[f64], y: f64) -> f64 {
    let l = (y / (1.0 - y)).ln();
    let dl = 1.0 / (y * (1.0 - y));
    let c = y - 0.5;
    let mut s = 0.0;
    for (j, &aj) in a.iter().enumerate() {
        let term = j + 1;
        let d = match term {
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
        s += aj * d;
    }
    s
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
        let tails = (1..=60).map(|i| 10f64.powf(-12.0 + 9.0 * i as f64 / 60.0));
        let inner = (1..4000).map(|i| i as f64 / 4000.0);
        tails
            .clone()
            .chain(tails.map(|t| 1.0 - t))
            .chain(inner)
            .all(|y| slope(&self.a, y) > 0.0)
    }
}

/// A Metalog fitted to quantiles, and how close it came.
#[derive(Debug, Clone, PartialEq)]
pub struct MetalogFit {
    pub metalog: Metalog,
    /// The largest |fitted − given| quantile over the levels, in the variable's unit.
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
/// `max_terms` terms: the fewest whose largest error is within `target` of the spread, among
/// the feasible fits; when none is that close, the feasible fit with the smallest error.
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
    let mut best: Option<MetalogFit> = None;
    for k in 2..=max_terms.clamp(2, MAX_TERMS).min(n) {
        let design: Vec<f64> = (0..n)
            .flat_map(|i| rows[i * MAX_TERMS..i * MAX_TERMS + k].iter().copied())
            .collect();
        let Some(a) = least_squares(&design, n, k, &z) else {
            continue;
        };
        let metalog = Metalog { a, lower, upper };
        if !metalog.is_feasible() {
            continue;
        }
        let max_error = levels
            .iter()
            .zip(q)
            .map(|(&y, &x)| (metalog.quantile(y) - x).abs())
            .fold(0.0, f64::max);
        let candidate = MetalogFit {
            metalog,
            max_error,
            relative_error: max_error / spread,
        };
        if candidate.relative_error <= target {
            return Ok(candidate);
        }
        if best
            .as_ref()
            .is_none_or(|b| candidate.relative_error < b.relative_error)
        {
            best = Some(candidate);
        }
    }
    best.ok_or(FitError::NoFeasibleFit)
}

/// The least-squares solution of `a x ≈ b` for a row-major `m × k` matrix `a` (m ≥ k), by
/// Householder QR: accurate where the normal equations of 16 Metalog terms would not be.
/// `None` when `a` is rank deficient.
pub fn least_squares(a: &[f64], m: usize, k: usize, b: &[f64]) -> Option<Vec<f64>> {
    if m < k || a.len() != m * k || b.len() != m {
        return None;
    }
    // Column-major copy: each reflection works down columns.
    let mut r: Vec<f64> = (0..k)
        .flat_map(|j| (0..m).map(move |i| a[i * k + j]))
        .collect();
    let mut rhs = b.to_vec();
    let scale = r.iter().fold(0.0f64, |s, v| s.max(v.abs()));
    for j in 0..k {
        let col = j * m;
        let norm = r[col + j..col + m]
            .iter()
            .map(|v| v * v)
            .sum::<f64>()
            .sqrt();
        if norm <= 1e-13 * scale.max(f64::MIN_POSITIVE) {
            return None;
        }
        let alpha = if r[col + j] > 0.0 { -norm } else { norm };
        // v = x − alpha e1, stored in place of the column below the diagonal.
        let mut v: Vec<f64> = r[col + j..col + m].to_vec();
        v[0] -= alpha;
        let vv: f64 = v.iter().map(|x| x * x).sum();
        if vv == 0.0 {
            continue;
        }
        for jj in j..k {
            let c = jj * m;
            let dot: f64 = v.iter().zip(&r[c + j..c + m]).map(|(a, b)| a * b).sum();
            let f = 2.0 * dot / vv;
            for (x, vi) in r[c + j..c + m].iter_mut().zip(&v) {
                *x -= f * vi;
            }
        }
        let dot: f64 = v.iter().zip(&rhs[j..]).map(|(a, b)| a * b).sum();
        let f = 2.0 * dot / vv;
        for (x, vi) in rhs[j..].iter_mut().zip(&v) {
            *x -= f * vi;
        }
    }
    // Back substitution on the upper triangle.
    let mut x = vec![0.0; k];
    for j in (0..k).rev() {
        let s: f64 = (j + 1..k).map(|jj| r[jj * m + j] * x[jj]).sum();
        x[j] = (rhs[j] - s) / r[j * m + j];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

#[cfg(test)]
mod tests;
