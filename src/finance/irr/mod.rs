//! Internal rate of return, and the bounded root finder that `xirr` shares.
//!
//! Convention `irr_npf100` (see `tests/data/finance_conventions.json`): the IRR is a real
//! `r > −1` with `Σ CF_t / (1 + r)^t = 0`; when several exist, the one with the smallest `|r|`
//! (numpy-financial 1.0.0's choice); none when no real root exists.
//!
//! # Method
//! Each rate `r > −1` lies in one of two domains, each mapped onto a variable `z ∈ (0, 1]`
//! where the polynomial is evaluated without overflow:
//! - `r ≥ 0`: `z = 1/(1+r)`, `f(z) = Σ CF_t z^t` ([`PolyAsc`]);
//! - `r < 0`: `z = 1+r`, `f(z) = Σ CF_t z^(N−t)`, the NPV times `(1+r)^N` ([`PolyDesc`]).
//!
//! The root with the smallest `|r|` is, in each domain, the root with the largest `z`.
//!
//! One pass over the flows gathers `Σ CF_t`, `Σ |CF_t|`, the sign changes of the running
//! balance `B_t`, which bound the number of roots per domain (Norstrøm's criterion: Descartes'
//! rule of signs on the cumulative sums of the coefficients: no change → no root in that
//! domain; exactly one → exactly one root), the extreme of the balance that settles the `r < 0`
//! domain in the common case, and `Σ B_t`, `Σ Σ B_t`, which give `Σ t CF_t` and `Σ t² CF_t`.
//!
//! A conventional project (costs first, then benefits, including noisy monthly flows that pay
//! back once and stay paid back) thus gets a unique, bracketed root with `r ≥ 0` and none below
//! 0 (the single-crossing path): safeguarded Halley iteration (`f`, `f'`, `f''` from one
//! interleaved Horner pass), started from a model of the flows as the first flow plus a
//! lump whose timing is described by its mean and variance (see [`cumulant_guess`](crossing::cumulant_guess)), which is
//! usually within 0.1% of the root: two polynomial evaluations for monthly project flows.
//! Such flows are first tried with a cheaper pass ([`Sums::of_single_crossing`]: the same sums,
//! and one comparison a flow instead of the sign-change count and the extreme) that proves the
//! same path applies; the full pass runs only when it cannot. The Horner chains run in SSE2 or
//! AVX registers on x86-64, with the same operations in the same order as the portable code.
//! [`irr4`] takes four series at once along this path, side by side, with the same results to
//! the bit (see [`batch`]): the engine's IRRs are computed that way.
//!
//! Other flows fall back to a scan of `z` from 1 downward (a uniform grid, then a geometric
//! one) that stops at the first sign change, also looks for tangent (double) roots and close
//! pairs at local minima of `|f|`, re-applies Norstrøm's count below the current point now and
//! then (to stop early, or to switch to the unique-root solver), and refines with the same
//! bracketed solver. Every loop has a fixed iteration cap.
//!
//! # Magnitudes
//! Horner's sums are accurate (to a few `N ε` of `Σ |CF_t| z^t`) at every `z` in the domain as
//! long as they cannot overflow and the constant term (`CF_0` for `r ≥ 0`, `CF_N` for `r < 0`),
//! which bounds the terms at a root from below, is a normal number: underflow elsewhere then
//! costs at most `N · 2^−1075` in absolute terms. (The split evaluation forms `z^4` on its own,
//! which underflows from `z ≈ 1e−77`; below `z = 1e−40` plain Horner is used.) Flows whose total
//! magnitude lies outside `[1e−100, 1e100]` are rescaled by a power of two: exact, so the result
//! is the one the unscaled flows would give with an unbounded exponent. When a first or last
//! flow is subnormal, or becomes so in the rescaling (more than about 300 orders of magnitude
//! below the largest flow), Horner's answer is kept only if it passes a residual check computed
//! in logarithms, and otherwise the search is redone on an evaluation in logarithms
//! ([`LogPoly`](extreme::LogPoly)) and checked the same way. So for any finite flows `irr` returns a rate at
//! which the NPV vanishes to rounding (relative to `Σ |CF_t (1+r)^−t|`: a few `N ε` on the
//! Horner paths, `1e−8` on the checked ones, plus what rounding `1 + r` itself explains near
//! `r = −1`), or `None`.
//!
//! # Where each part lives
//! - [`poly`]: the two domain curves and their split Horner evaluation (SSE2/AVX chains);
//! - [`crossing`]: the single-crossing pass, the starting guess and the solve from it;
//! - [`solver`]: the safeguarded Halley iteration every path ends in;
//! - [`scan`]: the general path (scan, unique-root solve, choice between the domains);
//! - [`extreme`]: power-of-two rescaling and evaluation in logarithms for extreme magnitudes;
//! - [`batch`]: four series at once ([`irr4`]).

pub mod batch;
mod crossing;
mod extreme;
mod poly;
mod scan;
mod solver;
#[cfg(test)]
pub(crate) mod tests;

pub use batch::irr4;
pub(super) use extreme::pow2_scaled;
pub(super) use scan::smallest_abs_rate;

use super::balance::exact_running_sums;
use crossing::{Sums, Survey, rounding_bound, single_crossing, tails_one_sign};
use extreme::irr_extreme;
use poly::{PolyAsc, PolyDesc, moments};

/// Smallest `z` the scans and brackets look at. Roots below it (`r > 1e300`, or `r` within
/// 1e−300 of −1) are not representable as useful rates anyway.
const Z_FLOOR: f64 = 1e-300;
/// Magnitudes outside this range are rescaled before solving (keeps Horner sums finite).
const SCALE_HI: f64 = 1e100;
const SCALE_LO: f64 = 1e-100;

/// A real function of `z ∈ (0, 1]` whose largest root in a range is wanted.
pub(super) trait Curve {
    /// `(f(z), f'(z), f''(z))`; `f''` may be NaN when unknown (the solver then uses Newton).
    fn eval(&self, z: f64) -> (f64, f64, f64);
    /// An upper bound on the number of roots in `(0, z)` with the right parity (Norstrøm's
    /// count for `f(z·w)`, `w ∈ (0, 1)`), when the curve can tell cheaply.
    fn roots_below(&self, _z: f64) -> Option<usize> {
        None
    }
    /// A root floor at least as high as `root_floor()`, possibly costlier to compute.
    fn tight_floor(&self) -> f64 {
        self.root_floor()
    }
    /// `eval(1.0)`, which a curve may have precomputed.
    fn eval_at_one(&self) -> (f64, f64, f64) {
        self.eval(1.0)
    }
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

/// Per-period internal rate of return (convention `irr_npf100`; equals `irr_unique` whenever the
/// root is unique).
///
/// Returns the real `r > −1` with `npv(r, flows) = 0`; where several exist, the one with the
/// smallest `|r|` (numpy-financial 1.0.0's choice, so results match it on the published cases).
/// `None` when no real root exists: one-signed or all-zero flows, fewer than two non-zero
/// flows, no real root despite sign changes, or any non-finite flow. A root at exactly `r = 0`
/// (`Σ CF = 0`) is returned as 0. Leading and trailing zero flows do not change the result.
///
/// Built for the Monte Carlo hot path: one IRR per trial on 60–600 monthly flows, without
/// allocating. When the running balance crosses zero once (costs first, benefits after, even
/// with noisy months) the root is unique and found by bracketed Halley iteration from a close
/// starting point, usually in two polynomial evaluations. Other flows use a bounded scan (see
/// the module docs). Flows whose total magnitude exceeds 1e100 or is below 1e−100 are rescaled
/// by a power of two into a temporary vector first.
///
/// Whatever the (finite) flows, the answer is a root or `None`, never a rate that only
/// approximates one: see "Magnitudes" in the module docs for flows beyond f64's comfortable
/// range. Limits of `f64`: a root closer to −1 than f64 can resolve comes back as the next
/// float above −1; a root beyond `r ≈ 1e300` is not reported.
pub fn irr(flows: &[f64]) -> Option<f64> {
    let core = support(flows)?;
    // The common case in a cheaper pass: exactly what `irr_horner` would do with the full
    // survey (same sums, same single-crossing path), without the survey.
    if let Some(sums) = Sums::of_single_crossing(core)
        && horner_fits(core, sums.abs)
        && let Some(r) = single_crossing(core, &sums)
    {
        return r;
    }
    irr_surveyed(core)
}

/// [`irr`] of trimmed flows after the full survey: every shape, every magnitude. Out of line,
/// so that the common case does not pay for its registers and stack.
#[inline(never)]
fn irr_surveyed(core: &[f64]) -> Option<f64> {
    let s = Survey::of(core);
    if horner_fits(core, s.sums.abs) {
        irr_horner(core, &s)
    } else {
        // Non-finite flows, magnitudes that could overflow (or lose everything to underflow)
        // in the Horner sums, or a first or last flow too small for them to be accurate.
        irr_extreme(core)
    }
}

/// Whether Horner's sums are accurate on `core` as it is (see "Magnitudes" in the module
/// docs): a total magnitude `abs` in `[SCALE_LO, SCALE_HI]` and normal first and last flows.
#[inline(always)]
fn horner_fits(core: &[f64], abs: f64) -> bool {
    (SCALE_LO..=SCALE_HI).contains(&abs)
        && core[0].abs() >= f64::MIN_POSITIVE
        && core[core.len() - 1].abs() >= f64::MIN_POSITIVE
}

/// The flows without their leading and trailing zeros, which change no root (NaN != 0, so it
/// stays in); `None` when all are zero.
fn support(flows: &[f64]) -> Option<&[f64]> {
    let first = flows.iter().position(|&c| c != 0.0)?;
    let last = flows.iter().rposition(|&c| c != 0.0)?;
    Some(&flows[first..=last])
}

/// [`irr`] by Horner's sums on `core` (trimmed, surveyed in `s`), which must be finite.
fn irr_horner(core: &[f64], s: &Survey) -> Option<f64> {
    // A sign change of the balance needs flows of both signs; without one, check directly.
    if s.changes == 0 && !(core.iter().any(|&c| c > 0.0) && core.iter().any(|&c| c < 0.0)) {
        return None; // one sign (or a single non-zero flow)
    }
    let signs = Signs::of(core, s);
    let total = signs.total;
    if total == 0.0 {
        return Some(0.0);
    }
    // With one change the total has the sign opposite to the first flow.
    if signs.changes == 1 && signs.tails_one_sign {
        let sums = Sums { total, ..s.sums };
        if let Some(r) = single_crossing(core, &sums) {
            return r;
        }
    }
    let mut m = moments(core);
    m.m0 = total; // f(1), with its exact sign
    let x = PolyAsc::new(core, m);
    let y = PolyDesc::new(core, m);
    let hx = Hint::from_sign_changes(signs.changes as usize);
    let hy = if signs.tails_one_sign {
        Hint::NoRoot
    } else {
        Hint::from_sign_changes(signs.tail_changes(core) as usize)
    };
    smallest_abs_rate(&x, hx, &y, hy)
}

/// The signs Norstrøm's counts are taken from, each exact: of the running balances `B_t`
/// (roots with `r ≥ 0`) and of the tail sums `T_j = Σ_{t≥j} CF_t` (roots with `r < 0`), and
/// the total `Σ CF_t` (a root at exactly `r = 0`). The floating-point sums of the survey are
/// used where their signs are certain (at least [`rounding_bound`] from zero); otherwise the
/// sums are taken exactly and rounded once, as the paybacks' balances are
/// ([`crate::finance::running_balances`]): flows that return the outlay to the cent have an
/// IRR of exactly 0, and the counts agree with the balances a payback reads.
struct Signs {
    /// `Σ CF_t`, its sign exact.
    total: f64,
    /// Sign changes of the `B_t` (a zero balance counting as non-negative).
    changes: u32,
    /// Every `T_j` has the sign of the total or is zero: no root with `r < 0`.
    tails_one_sign: bool,
    /// The exact tail sums, when they had to be taken (`None`: the floating-point ones have
    /// certain signs, or are not needed).
    exact_tails: Option<Vec<f64>>,
    /// [`rounding_bound`] of the flows.
    bound: f64,
}

impl Signs {
    /// From the survey where its sums' signs are certain, exactly otherwise.
    fn of(core: &[f64], s: &Survey) -> Self {
        let total = s.sums.total;
        let bound = rounding_bound(core.len(), s.sums.abs);
        if s.near < bound {
            return Self::exact(core, bound);
        }
        // The extreme balance `B_{j−1}` on the total's side decides whether every tail sum
        // `total − B_{j−1}` has the total's sign; with one change the survey has it already.
        let far = if s.changes == 1 {
            s.far
        } else {
            let (mut bal, mut far) = (0.0f64, 0.0f64);
            for &cf in core {
                far = if (total > 0.0) == (bal > far) {
                    bal
                } else {
                    far
                };
                bal += cf;
            }
            far
        };
        // Both sums are within `bound` of the exact ones.
        if (total - far).abs() < 4.0 * bound {
            return Self::exact(core, bound);
        }
        Signs {
            total,
            changes: s.changes,
            tails_one_sign: tails_one_sign(total, far),
            exact_tails: None,
            bound,
        }
    }

    /// Every sign from the exact sums.
    #[cold]
    fn exact(core: &[f64], bound: f64) -> Self {
        let balances = exact_running_sums(core.iter().copied());
        let total = balances[balances.len() - 1];
        let changes = balances
            .windows(2)
            .filter(|w| (w[0] < 0.0) != (w[1] < 0.0))
            .count();
        // T_N, T_{N−1}, …, T_0.
        let tails = exact_running_sums(core.iter().rev().copied());
        let tails_one_sign = if total > 0.0 {
            tails.iter().all(|&t| t >= 0.0)
        } else {
            tails.iter().all(|&t| t <= 0.0)
        };
        Signs {
            total,
            changes: u32::try_from(changes).unwrap_or(u32::MAX),
            tails_one_sign,
            exact_tails: Some(tails),
            bound,
        }
    }

    /// Sign changes of the tail sums `T_N, …, T_0` (Norstrøm's count for `r < 0`).
    fn tail_changes(&self, core: &[f64]) -> u32 {
        let count = |tails: &mut dyn Iterator<Item = f64>| {
            let mut neg = core[core.len() - 1] < 0.0;
            let mut changes = 0u32;
            let mut near = f64::INFINITY;
            for tail in tails {
                let now_neg = tail < 0.0;
                changes += u32::from(now_neg != neg);
                neg = now_neg;
                near = near.min(tail.abs());
            }
            (changes, near)
        };
        if let Some(tails) = &self.exact_tails {
            return count(&mut tails.iter().copied()).0;
        }
        // Backward pass in floating point, kept when every tail sum's sign is certain.
        let mut tail = 0.0;
        let (changes, near) = count(&mut core.iter().rev().map(|&cf| {
            tail += cf;
            tail
        }));
        if near >= self.bound {
            return changes;
        }
        count(&mut exact_running_sums(core.iter().rev().copied()).into_iter()).0
    }
}
