//! Internal rate of return, and the bounded root finder that `xirr` shares.
//!
//! Convention `irr_npf100` (see `tests/data/finance_conventions.json`): the IRR is a real
//! `r > −1` with `Σ CF_t / (1 + r)^t = 0`; when several exist, the one with the smallest `|r|`
//! (numpy-financial 1.0.0's choice); none when no real root exists.
//!
//! # Method
//! Each rate `r > −1` lies in one of two domains, each mapped onto a variable `z ∈ (0, 1]`
//! where the polynomial is evaluated without overflow:
//! - `r ≥ 0`: `z = 1/(1+r)`, `f(z) = Σ CF_t z^t`;
//! - `r < 0`: `z = 1+r`, `f(z) = Σ CF_t z^(N−t)` (the first one times `(1+r)^N`).
//!
//! The root with the smallest `|r|` is, in each domain, the root with the largest `z`.
//!
//! Before any iteration, the number of roots in each domain is bounded by Norstrøm's criterion
//! (Descartes' rule of signs applied to the cumulative sums of the coefficients): no sign change
//! in the running balance → no root in that domain; exactly one → exactly one root. A conventional
//! project (costs first, then benefits, including noisy monthly flows that pay back once and stay
//! paid back) therefore gets a unique, bracketed root solved by safeguarded Halley iteration,
//! value and both derivatives from one Horner pass. Other flows fall back to a scan of `z` from 1
//! downward (a uniform grid, then a geometric one), which stops at the first sign change, also
//! looks for tangent (double) roots at local minima of `|f|`, and refines with the same solver.
//! Every loop has a fixed iteration cap.

/// Smallest `z` the scans and brackets look at. Roots below it (`r > 1e300`, or `r` within
/// 1e−300 of −1) are not representable as useful rates anyway.
const Z_FLOOR: f64 = 1e-300;
/// Iteration cap of the bracketed solver (bisection alone needs < 1100 steps to shrink any
/// bracket in (0, 1] to one ulp, and Halley/Newton steps are taken only when they beat it).
const MAX_SOLVE_ITER: usize = 400;
/// Step of the uniform part of the scan grid (z from 1 down to 0.5).
const SCAN_STEP: f64 = 1.0 / 256.0;
/// Geometric grid ratios below z = 0.5: fine down to 2^-20, coarser below.
const SCAN_RATIO_FINE: f64 = 0.957_603_280_698_573_6; // 2^(-1/16)
const SCAN_RATIO_COARSE: f64 = 0.840_896_415_253_714_6; // 2^(-1/4)
/// Magnitudes outside this range are rescaled before solving (keeps Horner sums finite).
const SCALE_HI: f64 = 1e100;
const SCALE_LO: f64 = 1e-100;

/// A real function of `z ∈ (0, 1]` whose largest root in a range is wanted.
pub(super) trait Curve {
    /// `(f(z), f'(z), f''(z))`; `f''` may be NaN when unknown (the solver then uses Newton).
    fn eval(&self, z: f64) -> (f64, f64, f64);
    /// `Σ |c_k| z^(e_k)`: the scale of the rounding error of `f(z)`.
    fn magnitude(&self, z: f64) -> f64;
    /// Sign (±1) of `f(z)` as `z → 0+`.
    fn sign_at_zero(&self) -> f64;
    /// A `z` below which `f` has the sign `sign_at_zero()`: no root lies below it.
    fn root_floor(&self) -> f64;
    /// Number of terms (for rounding-error tolerances).
    fn terms(&self) -> usize;
}

/// What is known in advance about the number of roots of a curve in (0, 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Hint {
    /// No root in (0, 1).
    NoRoot,
    /// Exactly one (simple) root in (0, 1).
    Unique,
    /// Anything: scan.
    Unknown,
}

impl Hint {
    /// Hint from the number of sign changes of a (generalised) Descartes sequence.
    pub(super) fn from_sign_changes(v: usize) -> Self {
        match v {
            0 => Hint::NoRoot,
            1 => Hint::Unique,
            _ => Hint::Unknown,
        }
    }
}

/// `f(z) = Σ c[k] z^k` (coefficients in ascending powers): the `r ≥ 0` domain of IRR.
pub(super) struct PolyAsc<'a>(pub(super) &'a [f64]);
/// `f(z) = Σ c[k] z^(N−k)` (coefficients in descending powers): the `r < 0` domain of IRR.
pub(super) struct PolyDesc<'a>(pub(super) &'a [f64]);

#[inline(always)]
fn horner3<'a>(coefs: impl Iterator<Item = &'a f64>, z: f64) -> (f64, f64, f64) {
    let (mut p, mut d1, mut d2) = (0.0, 0.0, 0.0);
    for &c in coefs {
        d2 = d2 * z + d1;
        d1 = d1 * z + p;
        p = p * z + c;
    }
    (p, d1, 2.0 * d2)
}

fn floor_from(c0: f64, rest_abs: f64) -> f64 {
    if rest_abs > 0.0 {
        (c0.abs() / rest_abs).min(1.0)
    } else {
        1.0
    }
}

impl Curve for PolyAsc<'_> {
    #[inline]
    fn eval(&self, z: f64) -> (f64, f64, f64) {
        horner3(self.0.iter().rev(), z)
    }
    fn magnitude(&self, z: f64) -> f64 {
        self.0.iter().rev().fold(0.0, |acc, c| acc * z + c.abs())
    }
    fn sign_at_zero(&self) -> f64 {
        self.0.first().map_or(0.0, |c| c.signum())
    }
    fn root_floor(&self) -> f64 {
        match self.0.split_first() {
            Some((c0, rest)) => floor_from(*c0, rest.iter().map(|c| c.abs()).sum()),
            None => 1.0,
        }
    }
    fn terms(&self) -> usize {
        self.0.len()
    }
}

impl Curve for PolyDesc<'_> {
    #[inline]
    fn eval(&self, z: f64) -> (f64, f64, f64) {
        horner3(self.0.iter(), z)
    }
    fn magnitude(&self, z: f64) -> f64 {
        self.0.iter().fold(0.0, |acc, c| acc * z + c.abs())
    }
    fn sign_at_zero(&self) -> f64 {
        self.0.last().map_or(0.0, |c| c.signum())
    }
    fn root_floor(&self) -> f64 {
        match self.0.split_last() {
            Some((cn, rest)) => floor_from(*cn, rest.iter().map(|c| c.abs()).sum()),
            None => 1.0,
        }
    }
    fn terms(&self) -> usize {
        self.0.len()
    }
}

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

#[inline]
fn tol(z: f64) -> f64 {
    4.0 * f64::EPSILON * z.abs() + 4.0 * Z_FLOOR
}

/// Root of `g` in `[lo, hi]`, where `f(lo)` and `f(hi)` are non-zero and of opposite signs.
/// Starts from `z0 ∈ [lo, hi]` whose evaluation `e0` the caller already has. Safeguarded
/// Halley (Newton when `f''` is unknown), bisection whenever a step leaves the bracket or fails
/// to halve the step before last (the Numerical Recipes `rtsafe` rule). Bounded.
fn solve<C: Curve>(
    g: &C,
    mut lo: f64,
    mut hi: f64,
    sign_hi: f64,
    z0: f64,
    e0: (f64, f64, f64),
) -> f64 {
    let mut z = z0;
    let (mut f, mut d1, mut d2) = e0;
    let mut dx_old = hi - lo;
    let mut dx = dx_old;
    for _ in 0..MAX_SOLVE_ITER {
        if f == 0.0 || f.is_nan() {
            return z;
        }
        if f.signum() == sign_hi {
            hi = z;
        } else {
            lo = z;
        }
        let newton = f / d1;
        let mut step = newton;
        if d2.is_finite() {
            let denom = 2.0 * d1 * d1 - f * d2;
            let halley = 2.0 * f * d1 / denom;
            if halley.is_finite() && (halley > 0.0) == (newton > 0.0) {
                step = halley;
            }
        }
        let cand = z - step;
        let in_bracket = step.is_finite() && cand > lo && cand < hi;
        if in_bracket && (2.0 * step).abs() <= dx_old.abs() {
            dx_old = dx;
            dx = step;
            z = cand;
        } else {
            dx_old = dx;
            dx = 0.5 * (hi - lo);
            z = lo + dx;
        }
        if dx.abs() <= tol(z) || hi - lo <= tol(z) {
            return z;
        }
        (f, d1, d2) = g.eval(z);
    }
    z
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
    let mut za = 1.0;
    let (mut fa, mut da, _) = g.eval(za);
    if fa == 0.0 {
        return Some(za);
    }
    let touch_tol = 8.0 * (g.terms() as f64 + 1.0) * f64::EPSILON;
    loop {
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
            return Some(solve(g, zb, za, s, za, g.eval(za)));
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
        let e1 = g.eval(1.0);
        let f1 = e1.0;
        if f1 == 0.0 {
            return Some(1.0);
        }
        let s1 = f1.signum();
        if g.sign_at_zero() == -s1 {
            if floor > root_floor.max(Z_FLOOR) {
                // Pruned range: the unique root may lie below it.
                let fl = g.eval(floor).0;
                if fl == 0.0 {
                    return Some(floor);
                }
                if fl.signum() == s1 {
                    return None;
                }
            }
            return Some(solve(g, floor, 1.0, s1, 1.0, e1));
        }
        // Inconsistent with the hint (rounding): fall through to the scan.
    }
    scan(g, floor)
}

/// Among the largest roots of the two domain curves, the rate with the smallest `|r|`
/// (`x`: `r = 1/z − 1 ≥ 0`; `y`: `r = z − 1 < 0`). The domain with the cheaper hint is solved
/// first and bounds the search in the other. Ties go to the positive rate.
pub(super) fn smallest_abs_rate<X: Curve, Y: Curve>(
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

/// Per-period internal rate of return (convention `irr_npf100`; equals `irr_unique` whenever the
/// root is unique).
///
/// Returns the real `r > −1` with `npv(r, flows) = 0`; where several exist, the one with the
/// smallest `|r|` (numpy-financial 1.0.0's choice, so results match it on the published cases).
/// `None` when no real root exists: one-signed or all-zero flows, fewer than two non-zero
/// flows, no real root despite sign changes, or any non-finite flow. A root at exactly `r = 0`
/// (`Σ CF = 0`) is returned as 0. Leading and trailing zero flows do not change the result.
///
/// Built for the Monte Carlo hot path: one IRR per trial on 60–600 monthly flows. With costs
/// first and benefits after (one crossing of the running balance) the root is unique and found
/// by bracketed Halley iteration from r = 0 without allocating. Multiple-root flows use a
/// bounded scan (see the module docs). Flows whose magnitudes exceed 1e100 or are all below
/// 1e−100 are rescaled into a temporary vector first.
pub fn irr(flows: &[f64]) -> Option<f64> {
    // One forward pass: validity, magnitude, support, Norstrøm count for the r ≥ 0 domain.
    let mut first = usize::MAX;
    let mut last = 0;
    let mut max_abs: f64 = 0.0;
    let mut balance = 0.0;
    let mut prev_sign = 0.0;
    let mut changes_x = 0usize;
    for (t, &cf) in flows.iter().enumerate() {
        if !cf.is_finite() {
            return None;
        }
        if cf != 0.0 {
            if first == usize::MAX {
                first = t;
            }
            last = t;
            max_abs = max_abs.max(cf.abs());
        }
        balance += cf;
        if balance != 0.0 {
            let s = balance.signum();
            if prev_sign != 0.0 && s != prev_sign {
                changes_x += 1;
            }
            prev_sign = s;
        }
    }
    if first == usize::MAX || first == last {
        return None;
    }
    if !(SCALE_LO..=SCALE_HI).contains(&max_abs) {
        let scaled: Vec<f64> = flows[first..=last].iter().map(|c| c / max_abs).collect();
        if scaled.iter().any(|c| !c.is_finite()) {
            return None;
        }
        return irr(&scaled);
    }
    let core = &flows[first..=last];
    let total = balance;
    if total == 0.0 {
        return Some(0.0);
    }
    // Backward pass: Norstrøm count for the r < 0 domain (running balance from the end).
    let mut tail = 0.0;
    let mut prev_sign = 0.0;
    let mut changes_y = 0usize;
    for &cf in core.iter().rev() {
        tail += cf;
        if tail != 0.0 {
            let s = tail.signum();
            if prev_sign != 0.0 && s != prev_sign {
                changes_y += 1;
            }
            prev_sign = s;
        }
    }
    smallest_abs_rate(
        &PolyAsc(core),
        Hint::from_sign_changes(changes_x),
        &PolyDesc(core),
        Hint::from_sign_changes(changes_y),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finance::npv;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn empty_and_degenerate() {
        assert_eq!(irr(&[]), None);
        assert_eq!(irr(&[0.0, 0.0, 0.0]), None);
        assert_eq!(irr(&[-100.0]), None);
        assert_eq!(irr(&[0.0, 5.0, 0.0]), None);
    }

    #[test]
    fn one_sign_flows_have_no_irr() {
        assert_eq!(irr(&[-1.0, -2.0, -3.0]), None);
        assert_eq!(irr(&[1.0, 2.0, 3.0]), None);
        assert_eq!(irr(&[0.0, 1.0, 0.0, 3.0]), None);
    }

    #[test]
    fn non_finite_flows_give_none() {
        assert_eq!(irr(&[-100.0, f64::NAN, 120.0]), None);
        assert_eq!(irr(&[-100.0, f64::INFINITY]), None);
        assert_eq!(irr(&[f64::NEG_INFINITY, 100.0]), None);
    }

    #[test]
    fn one_period_horizon() {
        let r = irr(&[-100.0, 110.0]).unwrap();
        assert!(close(r, 0.1, 1e-15), "{r}");
        let r = irr(&[-100.0, 50.0]).unwrap();
        assert!(close(r, -0.5, 1e-15), "{r}");
        // Benefit first, cost after: a loan at 25%.
        let r = irr(&[100.0, -125.0]).unwrap();
        assert!(close(r, 0.25, 1e-15), "{r}");
    }

    #[test]
    fn zero_sum_is_zero_rate() {
        assert_eq!(irr(&[-100.0, 40.0, 60.0]), Some(0.0));
        assert_eq!(irr(&[-1.0, 2.0, -1.0]), Some(0.0));
    }

    #[test]
    fn leading_and_trailing_zeros_do_not_matter() {
        let a = irr(&[-100.0, 39.0, 59.0, 55.0, 20.0]).unwrap();
        let b = irr(&[0.0, 0.0, -100.0, 39.0, 59.0, 55.0, 20.0, 0.0, 0.0]).unwrap();
        assert!(close(a, 0.280_948_421_159_960_66, 1e-12));
        assert!(close(a, b, 1e-14));
    }

    #[test]
    fn huge_and_tiny_magnitudes() {
        let base = [-100.0, 39.0, 59.0, 55.0, 20.0];
        let expected = 0.280_948_421_159_960_66;
        for scale in [1e-300, 1e-120, 1e120, 1e300] {
            let f: Vec<f64> = base.iter().map(|c| c * scale).collect();
            let r = irr(&f).unwrap();
            assert!(close(r, expected, 1e-12), "scale {scale}: {r}");
        }
        assert_eq!(
            irr(&[-f64::MAX, f64::MAX, f64::MAX]).map(|r| r.is_finite()),
            Some(true)
        );
    }

    #[test]
    fn rate_near_minus_one_and_very_large() {
        let r = irr(&[-1.0, 1e-12]).unwrap();
        assert!(close(r, -1.0 + 1e-12, 1e-20), "{r}");
        let r = irr(&[-1.0, 1e12]).unwrap();
        assert!(close(r, 1e12 - 1.0, 1e-3), "{r}");
    }

    #[test]
    fn multiple_roots_smallest_abs() {
        // roots 0.25 and 4.0
        let r = irr(&[-1600.0, 10000.0, -10000.0]).unwrap();
        assert!(close(r, 0.25, 1e-12), "{r}");
        // roots -0.6789 and -0.0833
        let r = irr(&[-100.0, 100.0, 0.0, -7.0]).unwrap();
        assert!(close(r, -0.083_299_666_184_932_56, 1e-12), "{r}");
        // sign changes but no real root
        assert_eq!(irr(&[-100.0, 300.0, -250.0]), None);
    }

    #[test]
    fn tangent_root_away_from_zero() {
        // (1 - 1.1 x)^2 in x = 1/(1+r): double root at r = 0.1
        let flows = [1.0, -2.2, 1.21];
        let r = irr(&flows).unwrap();
        assert!(close(r, 0.1, 1e-6), "{r}");
        // two close roots at r = 0.1 and 0.1001 (x = 1/1.1, 1/1.1001)
        let (a, b) = (1.1f64, 1.1001f64);
        let flows = [1.0, -(a + b), a * b];
        let r = irr(&flows).unwrap();
        assert!(close(r, 0.1, 1e-9), "{r}");
    }

    #[test]
    fn irr_zeroes_npv_on_random_conventional_flows() {
        // deterministic pseudo-random conventional monthly flows
        let mut s: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut rnd = || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        for _ in 0..200 {
            let n = 12 + (rnd() * 600.0) as usize;
            let mut flows = vec![-1e6 * (1.0 + rnd())];
            for t in 1..n {
                let ramp = (t as f64 / 12.0).min(1.0);
                flows.push(-3e4 + 6e4 * ramp * (0.5 + rnd()));
            }
            let npv0: f64 = flows.iter().sum();
            let r = irr(&flows);
            if let Some(r) = r {
                let scale: f64 = flows
                    .iter()
                    .enumerate()
                    .map(|(t, c)| c.abs() / (1.0 + r).powi(t as i32))
                    .sum();
                assert!(npv(r, &flows).abs() <= 1e-10 * scale, "{r}");
            } else {
                assert!(npv0 < 0.0 || flows.iter().all(|&c| c <= 0.0));
            }
        }
    }
}
