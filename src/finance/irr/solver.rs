//! The bracketed root finder shared by every path of [`irr`](super::irr) (and by `xirr`):
//! safeguarded Halley iteration, Newton when `f''` is unknown, bisection whenever a step leaves
//! the bracket or fails to shrink it fast enough.

use super::{Curve, Z_FLOOR};

/// Iteration cap of the bracketed solver. Bisection alone (geometric while the bracket spans
/// orders of magnitude) shrinks any bracket in `[Z_FLOOR, 1]` to a few ulps in about 70 steps,
/// and Halley/Newton steps are taken only when they beat it.
const MAX_SOLVE_ITER: usize = 400;

/// Resolution the solver aims for at `z`: a few ulps, relative all the way down to `Z_FLOOR`
/// (an absolute term of the size of `Z_FLOOR` would leave roots near it with 3 digits).
#[inline]
fn tol(z: f64) -> f64 {
    4.0 * f64::EPSILON * (z.abs() + Z_FLOOR)
}

/// Root of `g` in `[lo, hi]`, where `f(lo)` and `f(hi)` are non-zero and of opposite signs.
/// Starts from `z0 ∈ [lo, hi]` whose evaluation `e0` the caller already has. Safeguarded
/// Halley (Newton when `f''` is unknown), bisection whenever a step leaves the bracket or fails
/// to halve the step before last (the Numerical Recipes `rtsafe` rule). Bounded.
pub(super) fn solve<C: Curve>(
    g: &C,
    lo: f64,
    hi: f64,
    sign_hi: f64,
    z0: f64,
    e0: (f64, f64, f64),
) -> f64 {
    Solver::new(lo, hi, sign_hi, z0).finish(g, e0)
}

/// What [`Solver::step`] asks for next.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Step {
    /// The root (or the last iterate when the iteration cap is reached).
    Done(f64),
    /// Evaluate the curve at this `z` and pass the result to the next step.
    Eval(f64),
}

/// [`solve`]'s iteration between two evaluations, so that the solves of several curves can
/// have their evaluations done side by side ([`batch`]): the loop of `solve` is exactly
/// `step` after `step`, each given the evaluation the one before asked for.
#[derive(Clone, Copy, Debug)]
pub(super) struct Solver {
    lo: f64,
    hi: f64,
    sign_hi: f64,
    pub(super) z: f64,
    dx_old: f64,
    dx: f64,
    /// The same in ratios, max(z_new / z, z / z_new), for brackets spanning orders of
    /// magnitude: there bisection is geometric, and a step must beat it in ratio terms. (In
    /// absolute terms, Newton and Halley steps that shrink z by a constant factor — far above
    /// a root at a tiny z, where f ≈ c z^k — pass for fast while crawling towards the root:
    /// 400 such steps reach only about z = 1e−89.)
    ratio_old: f64,
    ratio: f64,
    /// Size of the previous step if it was a Halley step, else NaN.
    last_halley: f64,
    /// Steps taken.
    steps: usize,
}

impl Solver {
    /// A solve over `[lo, hi]` from `z0`, whose evaluation goes to the first [`Solver::step`].
    #[inline(always)]
    pub(super) fn new(lo: f64, hi: f64, sign_hi: f64, z0: f64) -> Self {
        Solver {
            lo,
            hi,
            sign_hi,
            z: z0,
            dx_old: hi - lo,
            dx: hi - lo,
            ratio_old: hi / lo,
            ratio: hi / lo,
            last_halley: f64::NAN,
            steps: 0,
        }
    }

    /// Steps until done, evaluating `g` where asked; `e` is `g` at the current `z`.
    #[inline(always)]
    pub(super) fn finish<C: Curve>(mut self, g: &C, mut e: (f64, f64, f64)) -> f64 {
        loop {
            match self.step(e) {
                Step::Done(z) => return z,
                Step::Eval(z) => e = g.eval(z),
            }
        }
    }

    /// One iteration, given `(f, f', f'')` at the current `z`.
    #[inline(always)]
    pub(super) fn step(&mut self, (f, d1, d2): (f64, f64, f64)) -> Step {
        let z = self.z;
        if f == 0.0 || f.is_nan() {
            return Step::Done(z);
        }
        if f.signum() == self.sign_hi {
            self.hi = z;
        } else {
            self.lo = z;
        }
        let (lo, hi) = (self.lo, self.hi);
        let newton = f / d1; // non-finite when f' = 0: then we bisect
        let mut step = newton;
        let mut is_halley = false;
        // Halley's step is newton / (1 − L), L = f f'' / (2 f'²) (→ 0 near a simple root).
        // For L < −1 it shrinks below half the Newton step, towards 0 near a critical point
        // (f' → 0), where it would fake convergence: use Newton there; for L >= 1 it points
        // the wrong way. Overshooting steps are caught by the bracket.
        let l = 0.5 * newton * d2 / d1;
        if newton.is_finite() && (-1.0..1.0).contains(&l) {
            step = newton / (1.0 - l);
            is_halley = true;
        }
        if step.abs() <= tol(z) {
            // Converged: the step is below the resolution of z (it may not even move z,
            // which the bracket test below would mistake for leaving the bracket).
            return Step::Done(z);
        }
        let cand = z - step;
        let in_bracket = step.is_finite() && cand > lo && cand < hi;
        let geometric = hi > 4.0 * lo && lo > 0.0;
        let step_ratio = (cand / z).max(z / cand);
        let shrinks = if geometric {
            step_ratio * step_ratio <= self.ratio_old
        } else {
            (2.0 * step).abs() <= self.dx_old.abs()
        };
        if in_bracket && shrinks {
            self.dx_old = self.dx;
            self.dx = step;
            self.ratio_old = self.ratio;
            self.ratio = step_ratio;
            self.z = cand;
            if is_halley {
                // Cubic convergence, e_next ≈ K e³ with K ≈ |dx| / |dx_prev|³ estimated from
                // the last two Halley steps: stop when the predicted next correction is below
                // the resolution of z (saves the confirming evaluation).
                let a = self.dx.abs();
                let b = self.last_halley;
                if a <= 0.5 * b && a <= 1e-6 * cand && a * (a / b) * (a / b) * (a / b) <= tol(cand)
                {
                    return Step::Done(cand);
                }
                self.last_halley = a;
            } else {
                self.last_halley = f64::NAN;
            }
        } else {
            // Bisect; geometrically while the bracket spans orders of magnitude (a root near
            // r = −1 or at a huge r sits at a tiny z).
            let mid = if geometric {
                lo.sqrt() * hi.sqrt()
            } else {
                0.5 * (lo + hi)
            };
            self.dx_old = self.dx;
            self.dx = mid - lo;
            self.ratio_old = self.ratio;
            self.ratio = (mid / z).max(z / mid);
            self.z = mid;
            self.last_halley = f64::NAN;
        }
        let z = self.z;
        self.steps += 1;
        if self.dx.abs() <= tol(z) || hi - lo <= tol(z) || self.steps == MAX_SOLVE_ITER {
            return Step::Done(z);
        }
        Step::Eval(z)
    }
}
