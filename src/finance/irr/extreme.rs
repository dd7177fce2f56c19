//! [`irr`](super::irr) for flows beyond the comfortable range of f64 Horner sums: exact
//! power-of-two rescaling, and when a first or last flow is too small for that, evaluation
//! through logarithms ([`LogPoly`]) with every answer checked against the flows ([`is_root`]).

use super::crossing::Survey;
use super::poly::fujiwara_floor;
use super::scan::smallest_abs_rate;
use super::{Curve, Hint, SCALE_HI, SCALE_LO, irr_horner, support};

/// `2^k` for `−1074 <= k <= 1023`.
fn pow2(k: i32) -> f64 {
    debug_assert!((-1074..=1023).contains(&k));
    if k >= -1022 {
        f64::from_bits(((k + 1023) as u64) << 52)
    } else {
        f64::from_bits(1u64 << (k + 1074))
    }
}

/// Finite `values` as they are when their total magnitude lies in `[SCALE_LO, SCALE_HI]`,
/// else multiplied by the power of two that brings the largest magnitude into `[0.5, 2)`: exact
/// for every value that stays a normal number (those that become subnormal or zero lose
/// accuracy, which callers must allow for), so that any sum of terms `c_k · g_k` keeps the
/// relative rounding it would have with an unbounded exponent.
pub(in crate::finance) fn pow2_scaled(values: &[f64]) -> Vec<f64> {
    let in_range = (SCALE_LO..=SCALE_HI).contains(&values.iter().map(|c| c.abs()).sum::<f64>());
    if in_range {
        return values.to_vec();
    }
    let max_abs = values.iter().fold(0.0f64, |a, c| a.max(c.abs()));
    if max_abs == 0.0 {
        return values.to_vec();
    }
    // max_abs · 2^−e ∈ [0.5, 2) (log2 may round up at the top of a binade).
    let e = max_abs.log2().floor() as i32;
    if e >= 0 {
        // One factor (2^−e >= 2^−1023, exact): each value is rounded once.
        let f = pow2(-e);
        values.iter().map(|&c| c * f).collect()
    } else {
        // Scaling up is exact; 2^−e may exceed f64, so in two factors.
        let (f1, f2) = (pow2(-e / 2), pow2(-e - (-e / 2)));
        values.iter().map(|&c| c * f1 * f2).collect()
    }
}

/// IRR of flows that [`irr`]'s Horner paths cannot take as they are (`core` trimmed, first
/// and last flows non-zero): non-finite flows (`None`), a total magnitude outside
/// `[SCALE_LO, SCALE_HI]`, or a first or last flow below `f64::MIN_POSITIVE`.
///
/// The flows are first scaled by a power of two to `max |CF| ∈ [1, 2)` if their magnitude is
/// out of range: exact for every flow that stays a normal number, so Horner's sums then give
/// the result the unscaled flows would give with an unbounded exponent. A flow that becomes
/// subnormal or zero loses accuracy, which is harmless (at most `2^−1075` of absolute error in
/// any term) unless it is the first or last flow: the constant term of a domain bounds the
/// size of the terms at a root from below (for `r >= 0` and `r < 0` respectively). When either
/// is subnormal (or zero) after scaling, the Horner answer is kept only if it checks out
/// against the flows ([`is_root`]); otherwise the search is redone in logarithms ([`irr_log`]).
pub(super) fn irr_extreme(core: &[f64]) -> Option<f64> {
    if core.iter().any(|c| !c.is_finite()) {
        return None;
    }
    let scaled = pow2_scaled(core);
    let horner = support(&scaled).and_then(|c| irr_horner(c, &Survey::of(c)));
    let n = scaled.len();
    if scaled[0].abs() >= f64::MIN_POSITIVE && scaled[n - 1].abs() >= f64::MIN_POSITIVE {
        return horner;
    }
    let x = LogPoly::new(core.to_vec());
    match horner {
        Some(r) if is_root(&x, r) => Some(r),
        _ => irr_log(core, &x),
    }
}

/// `f(z) = Σ_k c_k z^k` (`c` in ascending powers, `c_0 ≠ 0`) evaluated through the logarithms
/// of its terms, `ln|c_k| + k ln z`, so that no coefficient, power or term over- or
/// underflows whatever their magnitudes: for flows spanning more orders of magnitude than f64
/// holds. The evaluations are scaled by a positive factor that depends on `z` only (so signs,
/// the ratios the solver uses, and `magnitude` relative to `f` are those of the true values),
/// and carry a relative error of about `N · 1e−16 · |ln z|` (the exponents' rounding): coarser
/// than Horner's, which [`irr_log`]'s final check allows for. Slow (an `exp` per term and
/// evaluation); only for inputs no model produces.
pub(super) struct LogPoly {
    c: Vec<f64>,
    ln_abs: Vec<f64>,
    floor: f64,
}

impl LogPoly {
    pub(super) fn new(c: Vec<f64>) -> Self {
        let ln_abs: Vec<f64> = c.iter().map(|x| x.abs().ln()).collect(); // −∞ for zeros
        // Root floor |c_0| / Σ_{k>=1} |c_k| (see `floor_from`), in logarithms.
        let rest = log_sum_exp(&ln_abs[1..]);
        let floor = ((ln_abs[0] - rest).exp() * (1.0 - 1e-9)).min(1.0);
        LogPoly { c, ln_abs, floor }
    }

    /// The terms `sign(c_k) e^(ln|c_k| + k lz − m)` at `z = e^lz`, `m` the largest exponent
    /// (so the largest term is ±1), with their powers `k`.
    fn scaled_terms(&self, lz: f64) -> impl Iterator<Item = (f64, f64)> + '_ {
        let exponent = move |(k, &l): (usize, &f64)| l + k as f64 * lz;
        let m = self
            .ln_abs
            .iter()
            .enumerate()
            .map(exponent)
            .fold(f64::NEG_INFINITY, f64::max);
        self.ln_abs
            .iter()
            .enumerate()
            .zip(&self.c)
            .map(move |((k, l), c)| (k as f64, c.signum() * (exponent((k, l)) - m).exp()))
    }
}

/// `ln Σ e^(x_i)` without overflow (−∞ for an empty or all −∞ input).
fn log_sum_exp(x: &[f64]) -> f64 {
    let m = x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if m == f64::NEG_INFINITY {
        return m;
    }
    m + x.iter().map(|&v| (v - m).exp()).sum::<f64>().ln()
}

impl Curve for LogPoly {
    fn eval(&self, z: f64) -> (f64, f64, f64) {
        let (mut f, mut d1, mut d2) = (0.0, 0.0, 0.0);
        for (k, t) in self.scaled_terms(z.ln()) {
            f += t;
            d1 += k * t;
            d2 += k * (k - 1.0) * t;
        }
        // (f, f', f'') · z e^(−m): f' and f'' need 1/z and 1/z²; multiplying all three by z
        // keeps f' finite (|d1| <= N²), and an infinite f'' only turns Halley into Newton.
        (f * z, d1, d2 / z)
    }
    fn magnitude(&self, z: f64) -> f64 {
        self.scaled_terms(z.ln()).map(|(_, t)| t.abs()).sum::<f64>() * z
    }
    fn sign_at_zero(&self) -> f64 {
        self.c[0].signum()
    }
    fn root_floor(&self) -> f64 {
        self.floor
    }
    fn roots_below(&self, z: f64) -> Option<usize> {
        // Norstrøm's count, with the partial sums kept as (sign, ln |sum|): however far apart
        // the terms' magnitudes, none is lost (a term below e^−745 of the sum so far would
        // vanish from scaled terms, yet decide the sign where the sum is still that small).
        let lz = z.ln();
        let mut sum: Option<(bool, f64)> = None; // (negative, ln |sum|); None while zero
        let (mut last, mut changes) = (None, 0);
        for (k, (&l, &c)) in self.ln_abs.iter().zip(&self.c).enumerate() {
            if c == 0.0 {
                continue;
            }
            let (neg, e) = (c < 0.0, l + k as f64 * lz);
            sum = match sum {
                None => Some((neg, e)),
                Some((s_neg, s)) if s_neg == neg => {
                    Some((neg, s.max(e) + (-(s - e).abs()).exp().ln_1p()))
                }
                Some((s_neg, s)) if s > e => Some((s_neg, s + (-(e - s).exp()).ln_1p())),
                Some((_, s)) if e > s => Some((neg, e + (-(s - e).exp()).ln_1p())),
                Some(_) => None, // exact cancellation
            };
            if let Some((now, _)) = sum {
                changes += usize::from(last.is_some_and(|was| was != now));
                last = Some(now);
            }
        }
        Some(changes)
    }
    fn tight_floor(&self) -> f64 {
        fujiwara_floor(self.c.iter()).max(self.floor)
    }
    fn terms(&self) -> usize {
        self.c.len()
    }
}

/// Relative NPV residual that [`is_root`] accepts, besides what the rounding of `r` explains:
/// well above the log-space evaluation's rounding (about `N · 1e−13` for `N` flows), well
/// below the `1e−6` that the fuzz target and the tests ask for.
const LOG_ROOT_TOL: f64 = 1e-8;

/// Whether `r` zeroes the NPV of the flows that `x` holds (in ascending powers):
/// `|Σ CF_t (1+r)^−t| <= tol · Σ |CF_t (1+r)^−t|`, every term taken through logarithms (no
/// overflow or underflow, whatever the magnitudes of the flows and of `r`). `tol` is
/// [`LOG_ROOT_TOL`] plus the residual that rounding `1 + r` to f64 can cause on its own
/// (`2 N ε (1 + |r|) / (1 + r)`: a relative change δ of `1 + r` moves term `t` by about `t δ`),
/// which grows without bound as `r → −1`, where a rate keeps few digits.
fn is_root(x: &LogPoly, r: f64) -> bool {
    let (mut sum, mut scale) = (0.0f64, 0.0f64);
    for (_, t) in x.scaled_terms(-r.ln_1p()) {
        sum += t;
        scale += t.abs();
    }
    let n = x.c.len() as f64;
    let tol = LOG_ROOT_TOL + 2.0 * n * f64::EPSILON * (1.0 + r.abs()) / (1.0 + r);
    sum.abs() <= tol * scale
}

/// [`irr`] for flows whose first or last flow is too small, relative to the largest, for
/// f64 Horner sums ([`irr_extreme`]): the same search on [`LogPoly`] curves (`x` holds `core`),
/// and the answer checked against the flows ([`is_root`]) before it is returned.
pub(super) fn irr_log(core: &[f64], x: &LogPoly) -> Option<f64> {
    let y = LogPoly::new(core.iter().rev().copied().collect());
    let hint = |g: &LogPoly| Hint::from_sign_changes(g.roots_below(1.0).unwrap_or(2));
    let r = smallest_abs_rate(x, hint(x), &y, hint(&y))?;
    is_root(x, r).then_some(r)
}
