//! Small dense least squares for Metalog fits: plain (Householder QR) and with linear
//! inequality constraints (Lawson and Hanson, "Solving Least Squares Problems", 1974, ch. 23:
//! the problem reduced to a least-distance problem solved by non-negative least squares). A
//! Metalog has at most 16 coefficients, so nothing here needs a linear-algebra crate.

/// The upper triangle R (k × k, row-major) of the QR factorisation of a row-major `m × k`
/// matrix `a`, and the first k entries of Qᵀ b. `None` when `a` is rank deficient.
fn qr(a: &[f64], m: usize, k: usize, b: &[f64]) -> Option<(Vec<f64>, Vec<f64>)> {
    if m < k || k == 0 || a.len() != m * k || b.len() != m {
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
        // v = x − alpha e1: the reflection that maps the column onto alpha e1.
        let mut v: Vec<f64> = r[col + j..col + m].to_vec();
        v[0] -= alpha;
        let vv: f64 = v.iter().map(|x| x * x).sum();
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
    let upper: Vec<f64> = (0..k)
        .flat_map(|i| {
            let r = &r;
            (0..k).map(move |j| if j >= i { r[j * m + i] } else { 0.0 })
        })
        .collect();
    rhs.truncate(k);
    Some((upper, rhs))
}

/// x with R x = y, R upper triangular (k × k, row-major).
fn back_substitute(r: &[f64], k: usize, y: &[f64]) -> Vec<f64> {
    let mut x = vec![0.0; k];
    for j in (0..k).rev() {
        let s: f64 = (j + 1..k).map(|jj| r[j * k + jj] * x[jj]).sum();
        x[j] = (y[j] - s) / r[j * k + j];
    }
    x
}

/// The least-squares solution of `a x ≈ b` for a row-major `m × k` matrix `a` (m ≥ k), by
/// Householder QR: accurate where the normal equations of 16 Metalog terms would not be.
/// `None` when `a` is rank deficient.
pub fn least_squares(a: &[f64], m: usize, k: usize, b: &[f64]) -> Option<Vec<f64>> {
    let (r, qtb) = qr(a, m, k, b)?;
    let x = back_substitute(&r, k, &qtb);
    x.iter().all(|v| v.is_finite()).then_some(x)
}

/// Non-negative least squares (Lawson and Hanson's active-set method): the `u >= 0`
/// minimising |E u − f| for a row-major `rows × cols` matrix `e`. `None` if an inner solve
/// fails or the iterations run out.
fn nnls(e: &[f64], rows: usize, cols: usize, f: &[f64]) -> Option<Vec<f64>> {
    let mut u = vec![0.0; cols];
    let mut passive = vec![false; cols];
    let residual = |u: &[f64]| -> Vec<f64> {
        (0..rows)
            .map(|i| f[i] - (0..cols).map(|j| e[i * cols + j] * u[j]).sum::<f64>())
            .collect()
    };
    let gradient = |r: &[f64]| -> Vec<f64> {
        (0..cols)
            .map(|j| (0..rows).map(|i| e[i * cols + j] * r[i]).sum::<f64>())
            .collect()
    };
    let scale = e.iter().fold(0.0f64, |s, v| s.max(v.abs())).max(1.0);
    let tol = 1e-12 * scale * scale * cols as f64;
    for _ in 0..3 * cols + 30 {
        let w = gradient(&residual(&u));
        let Some((t, &wt)) = w
            .iter()
            .enumerate()
            .filter(|&(j, _)| !passive[j])
            .max_by(|a, b| a.1.total_cmp(b.1))
        else {
            return Some(u);
        };
        if wt <= tol {
            return Some(u);
        }
        passive[t] = true;
        loop {
            let set: Vec<usize> = (0..cols).filter(|&j| passive[j]).collect();
            let sub: Vec<f64> = (0..rows)
                .flat_map(|i| set.iter().map(move |&j| e[i * cols + j]))
                .collect();
            let s = if set.len() <= rows {
                least_squares(&sub, rows, set.len(), f)?
            } else {
                return None;
            };
            if s.iter().all(|&v| v > 0.0) {
                for (&j, &v) in set.iter().zip(&s) {
                    u[j] = v;
                }
                break;
            }
            // Step from u towards s as far as every passive value stays non-negative.
            let mut alpha = 1.0f64;
            for (&j, &v) in set.iter().zip(&s) {
                if v <= 0.0 {
                    alpha = alpha.min(u[j] / (u[j] - v));
                }
            }
            for (&j, &v) in set.iter().zip(&s) {
                u[j] += alpha * (v - u[j]);
                if u[j] <= 1e-15 * scale {
                    u[j] = 0.0;
                    passive[j] = false;
                }
            }
            if !passive.iter().any(|&p| p) {
                break;
            }
        }
    }
    None
}

/// The least-squares solution of `a x ≈ b` (row-major `m × k`) subject to `g x >= h`
/// (row-major `p × k`), by Lawson and Hanson's reduction: with a = Q [R; 0] and z = R x − Qᵀb,
/// minimise |z| subject to (g R⁻¹) z >= h − g R⁻¹ Qᵀb, a least-distance problem whose
/// solution is read from the residual of a non-negative least squares. `None` when the
/// constraints cannot all hold or a step fails.
pub fn least_squares_with_bounds(
    a: &[f64],
    m: usize,
    k: usize,
    b: &[f64],
    g: &[f64],
    h: &[f64],
) -> Option<Vec<f64>> {
    let p = h.len();
    if g.len() != p * k {
        return None;
    }
    let (r, f1) = qr(a, m, k, b)?;
    // G R⁻¹, row by row: gt R = g (forward substitution on Rᵀ).
    let mut gt = vec![0.0; p * k];
    for i in 0..p {
        for j in 0..k {
            let s: f64 = (0..j).map(|l| gt[i * k + l] * r[l * k + j]).sum();
            gt[i * k + j] = (g[i * k + j] - s) / r[j * k + j];
        }
    }
    let ht: Vec<f64> = (0..p)
        .map(|i| h[i] - (0..k).map(|j| gt[i * k + j] * f1[j]).sum::<f64>())
        .collect();
    // LDP: E = [G̃ᵀ; h̃ᵀ] ((k + 1) × p), f = (0, …, 0, 1).
    let rows = k + 1;
    let mut e = vec![0.0; rows * p];
    for i in 0..p {
        for j in 0..k {
            e[j * p + i] = gt[i * k + j];
        }
        e[k * p + i] = ht[i];
    }
    let mut f = vec![0.0; rows];
    f[k] = 1.0;
    let u = nnls(&e, rows, p, &f)?;
    let res: Vec<f64> = (0..rows)
        .map(|i| (0..p).map(|j| e[i * p + j] * u[j]).sum::<f64>() - f[i])
        .collect();
    let norm = res.iter().map(|v| v * v).sum::<f64>().sqrt();
    if norm < 1e-12 || res[k].abs() < 1e-14 {
        return None;
    }
    let z: Vec<f64> = (0..k).map(|j| -res[j] / res[k]).collect();
    let y: Vec<f64> = z.iter().zip(&f1).map(|(z, f)| z + f).collect();
    let x = back_substitute(&r, k, &y);
    x.iter().all(|v| v.is_finite()).then_some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_bounded_least_squares() {
        // Fit y = x0 + x1 t to (0, 0), (1, 1), (2, 4): unconstrained x = (−1/3, 2).
        let a = [1.0, 0.0, 1.0, 1.0, 1.0, 2.0];
        let b = [0.0, 1.0, 4.0];
        let x = least_squares(&a, 3, 2, &b).unwrap();
        assert!(
            (x[0] + 1.0 / 3.0).abs() < 1e-12 && (x[1] - 2.0).abs() < 1e-12,
            "{x:?}"
        );
        // With x0 >= 0: the best line through t >= 0 with intercept 0 is slope 9/5.
        let x = least_squares_with_bounds(&a, 3, 2, &b, &[1.0, 0.0], &[0.0]).unwrap();
        assert!(x[0].abs() < 1e-10 && (x[1] - 1.8).abs() < 1e-10, "{x:?}");
        // A constraint that already holds changes nothing.
        let x = least_squares_with_bounds(&a, 3, 2, &b, &[0.0, 1.0], &[1.0]).unwrap();
        assert!(
            (x[0] + 1.0 / 3.0).abs() < 1e-10 && (x[1] - 2.0).abs() < 1e-10,
            "{x:?}"
        );
        // x1 >= 1 and −x1 >= −0.5 cannot both hold.
        assert_eq!(
            least_squares_with_bounds(&a, 3, 2, &b, &[0.0, 1.0, 0.0, -1.0], &[1.0, -0.5]),
            None
        );
        assert_eq!(
            least_squares(&[1.0, 2.0, 2.0, 4.0], 2, 2, &[1.0, 2.0]),
            None
        );
    }

    #[test]
    fn nnls_keeps_to_the_orthant() {
        // min |(u0 − 1, u1 + 1)|, u >= 0: u = (1, 0).
        let u = nnls(&[1.0, 0.0, 0.0, 1.0], 2, 2, &[1.0, -1.0]).unwrap();
        assert_eq!(u, [1.0, 0.0]);
    }
}
