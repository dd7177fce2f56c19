//! The general path of [`irr`](super::irr) for flows whose running balance does not cross
//! zero once: a downward scan of `z` for the largest root of each domain curve, with
//! Norstrøm's count to stop early or switch to the unique-root solve, and the choice of the
//! rate with the smallest `|r|` between the two domains.

use super::solver::solve;
use super::{Curve, Hint, Z_FLOOR};

/// Step of the uniform part of the scan grid (z from 1 down to 0.5).
const SCAN_STEP: f64 = 1.0 / 256.0;
/// Geometric grid ratios below z = 0.5: fine down to 2^-20, coarser below.
const SCAN_RATIO_FINE: f64 = 0.957_603_280_698_573_6; // 2^(-1/16)
const SCAN_RATIO_COARSE: f64 = 0.840_896_415_253_714_6; // 2^(-1/4)
/// Cap on scan steps (the grid reaches `Z_FLOOR` in under 4,500).
const MAX_SCAN_STEPS: usize = 10_000;

/// The derivative of a curve, as a curve (for locating the critical point between two grid
/// points when looking for tangent roots).
struct Derivative<'a, C>(&'a C);

impl<C: Curve> Curve for Derivative<'_, C> {
    fn eval(&self, z: f64) -> (f64, f64, f64) {
        let (_, d1, d2) = self.0.eval(z);
        (d1, d2, f64::NAN)
    }
    fn magnitude(&self, _z: f64) -> f64 {
        f64::NAN
    }
    fn sign_at_zero(&self) -> f64 {
        0.0
    }
    fn root_floor(&self) -> f64 {
        0.0
    }
    fn terms(&self) -> usize {
        self.0.terms()
    }
}

fn next_grid(z: f64) -> f64 {
    if z > 0.5 + 0.5 * SCAN_STEP {
        z - SCAN_STEP
    } else if z > 9.5e-7 {
        z * SCAN_RATIO_FINE
    } else {
        z * SCAN_RATIO_COARSE
    }
}

/// Largest root of `g` in `(floor, 1)` by scanning `z` downward; see the module docs.
fn scan<C: Curve>(g: &C, floor: f64) -> Option<f64> {
    let mut floor = floor;
    let mut tightened = false;
    let mut za = 1.0;
    let (mut fa, mut da, _) = g.eval_at_one();
    if fa == 0.0 {
        return Some(za);
    }
    let touch_tol = 8.0 * (g.terms() as f64 + 1.0) * f64::EPSILON;
    let sign_at_zero = g.sign_at_zero();
    for step in 1..=MAX_SCAN_STEPS {
        // Leaving the uniform part of the grid: a tighter (costlier) floor may end it early.
        if !tightened && za <= 0.5 {
            tightened = true;
            floor = floor.max(g.tight_floor());
            if floor >= za {
                return None;
            }
        }
        // Now and then (steps 4, 8, 16, 32, then every 32), ask whether any (or exactly one)
        // root is left below za.
        if step >= 4 && (step.is_power_of_two() || step % 32 == 0) {
            match g.roots_below(za) {
                Some(0) => return None,
                Some(1) if fa.signum() == -sign_at_zero => {
                    let ea = g.eval(za);
                    return solve_unique(g, za, ea, floor, g.root_floor());
                }
                _ => {}
            }
        }
        let mut zb = next_grid(za);
        let last = zb <= floor;
        if last {
            zb = floor;
        }
        let eb = g.eval(zb);
        let (fb, db, _) = eb;
        if fb.is_nan() || fa.is_nan() {
            return None;
        }
        if fb == 0.0 {
            return Some(zb);
        }
        let s = fa.signum();
        if fb.signum() != s {
            let ea = if za == 1.0 {
                g.eval_at_one()
            } else {
                g.eval(za)
            };
            return Some(solve(g, zb, za, s, za, ea));
        }
        // Same sign at both ends: does |f| dip in between (critical point), possibly to zero?
        if s * da > 0.0 && s * db <= 0.0 {
            let dg = Derivative(g);
            let c = if db == 0.0 {
                zb
            } else {
                solve(&dg, zb, za, da.signum(), za, dg.eval(za))
            };
            let ec = g.eval(c);
            if ec.0.signum() != s && ec.0 != 0.0 {
                return Some(solve(g, c, za, s, za, g.eval(za)));
            }
            if ec.0.abs() <= touch_tol * g.magnitude(c) {
                return Some(c);
            }
        }
        if last {
            return None;
        }
        za = zb;
        fa = fb;
        da = db;
    }
    None
}

/// Root of `A + B z^p` fitted to `(f, f', f'')` at `z = 1`: `p = 1 + f''/f'`, `B = f'/p`,
/// `A = f − B`, root `(−A/B)^(1/p)`. `None` when the model has no positive root.
fn exp_model_root((f, d1, d2): (f64, f64, f64)) -> Option<f64> {
    let p = 1.0 + d2 / d1;
    let b = d1 / p;
    let ratio = (b - f) / b;
    let z = ratio.powf(1.0 / p);
    (ratio > 0.0 && z.is_finite() && z > 0.0).then_some(z)
}

/// The only root of `g` in `(floor, top)`, known to be unique below `top` and to exist above
/// `root_floor` (`f(top) = e_top.0` is non-zero with the sign opposite to `f(0+)`); `None` when
/// a `floor` above `root_floor` (pruning, or `Z_FLOOR`) cuts it off.
fn solve_unique<C: Curve>(
    g: &C,
    top: f64,
    e_top: (f64, f64, f64),
    floor: f64,
    root_floor: f64,
) -> Option<f64> {
    let s_top = e_top.0.signum();
    let (mut lo, mut hi) = (floor, top);
    if floor > root_floor {
        // Pruned (or floored at Z_FLOOR): the root may lie below the floor.
        let fl = g.eval(floor).0;
        if fl == 0.0 {
            return Some(floor);
        }
        if fl.signum() == s_top {
            return None;
        }
    }
    // Start from the root of the two-term model A + B (z/top)^p that matches f, f', f'' at
    // top (NPV curves are close to that shape) when it lands inside the bracket: this saves an
    // iteration or two over starting at top.
    let (f, d1, d2) = e_top;
    let guess = exp_model_root((f, d1 * top, d2 * top * top)).map(|u| u * top);
    let (z0, e0) = match guess {
        Some(z0) if z0 > lo && z0 < hi => (z0, g.eval(z0)),
        _ => (top, e_top),
    };
    if e0.0 == 0.0 {
        return Some(z0);
    }
    if e0.0.signum() == s_top {
        hi = z0;
    } else {
        lo = z0;
    }
    Some(solve(g, lo, hi, s_top, z0, e0))
}

/// Largest root of `g` in `(z_min, 1)` (a root at exactly 1 is reported too), or `None`.
pub(super) fn largest_root<C: Curve>(g: &C, hint: Hint, z_min: f64) -> Option<f64> {
    if hint == Hint::NoRoot {
        return None;
    }
    let root_floor = g.root_floor();
    let floor = root_floor.max(z_min).max(Z_FLOOR);
    if floor >= 1.0 {
        return None;
    }
    if hint == Hint::Unique {
        let e1 = g.eval_at_one();
        let f1 = e1.0;
        if f1 == 0.0 {
            return Some(1.0);
        }
        if g.sign_at_zero() == -f1.signum() {
            return solve_unique(g, 1.0, e1, floor, root_floor);
        }
        // Inconsistent with the hint (rounding): fall through to the scan.
    }
    scan(g, floor)
}

/// Among the largest roots of the two domain curves, the rate with the smallest `|r|`
/// (`x`: `r = 1/z − 1 ≥ 0`; `y`: `r = z − 1 < 0`). The domain with the cheaper hint is solved
/// first and bounds the search in the other. Ties go to the positive rate.
pub(in crate::finance) fn smallest_abs_rate<X: Curve, Y: Curve>(
    x: &X,
    hx: Hint,
    y: &Y,
    hy: Hint,
) -> Option<f64> {
    let r_of_x = |z: f64| (1.0 - z) / z;
    let r_of_y = |z: f64| {
        let r = z - 1.0;
        if r <= -1.0 {
            -1.0 + f64::EPSILON / 2.0
        } else {
            r
        }
    };
    let (rx, ry) = if hx <= hy {
        let rx = largest_root(x, hx, 0.0).map(r_of_x);
        // |y − 1| < rx  ⇔  y > 1 − rx
        let y_min = rx.map_or(0.0, |r| (1.0 - r).max(0.0));
        let ry = largest_root(y, hy, y_min).map(r_of_y);
        (rx, ry)
    } else {
        let ry = largest_root(y, hy, 0.0).map(r_of_y);
        // 1/x − 1 < |ry|  ⇔  x > 1/(1 + |ry|)
        let x_min = ry.map_or(0.0, |r| 1.0 / (1.0 - r));
        let rx = largest_root(x, hx, x_min).map(r_of_x);
        (rx, ry)
    };
    match (rx, ry) {
        (Some(a), Some(b)) => Some(if a <= -b { a } else { b }),
        (a, b) => a.or(b),
    }
}
