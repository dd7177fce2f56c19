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
//! lump whose timing is described by its mean and variance (see [`cumulant_guess`]), which is
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
//! ([`LogPoly`]) and checked the same way. So for any finite flows `irr` returns a rate at
//! which the NPV vanishes to rounding (relative to `Σ |CF_t (1+r)^−t|`: a few `N ε` on the
//! Horner paths, `1e−8` on the checked ones, plus what rounding `1 + r` itself explains near
//! `r = −1`), or `None`.

pub mod batch;

pub use batch::irr4;

/// Smallest `z` the scans and brackets look at. Roots below it (`r > 1e300`, or `r` within
/// 1e−300 of −1) are not representable as useful rates anyway.
const Z_FLOOR: f64 = 1e-300;
/// Iteration cap of the bracketed solver. Bisection alone (geometric while the bracket spans
/// orders of magnitude) shrinks any bracket in `[Z_FLOOR, 1]` to a few ulps in about 70 steps,
/// and Halley/Newton steps are taken only when they beat it.
const MAX_SOLVE_ITER: usize = 400;
/// Step of the uniform part of the scan grid (z from 1 down to 0.5).
const SCAN_STEP: f64 = 1.0 / 256.0;
/// Geometric grid ratios below z = 0.5: fine down to 2^-20, coarser below.
const SCAN_RATIO_FINE: f64 = 0.957_603_280_698_573_6; // 2^(-1/16)
const SCAN_RATIO_COARSE: f64 = 0.840_896_415_253_714_6; // 2^(-1/4)
/// Cap on scan steps (the grid reaches `Z_FLOOR` in under 4,500).
const MAX_SCAN_STEPS: usize = 10_000;
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

/// Number of interleaved Horner chains in [`horner_split`].
const LANES: usize = 4;

/// `P_j(w)`, `P_j'(w)` and `P_j''(w) / 2` for the `LANES` chains of [`horner_split`].
type Chains = ([f64; LANES], [f64; LANES], [f64; LANES]);

/// Below this `z`, [`horner_split`] uses plain Horner: `w = z^LANES` (and the powers of `z` up
/// to `z^(2 LANES − 2)` in the recombination) would underflow (from about `z < 1e−77`) and
/// drop terms `c_k z^k` that still matter, which plain Horner never forms on their own
/// (every product it forms is at least the size of the terms that count at a root).
const SPLIT_MIN_Z: f64 = 1e-40;

/// `(f, f', f'')` as [`horner_split`], by plain Horner (one chain each).
#[inline(never)]
fn horner_plain<const REV: bool>(c: &[f64], z: f64) -> (f64, f64, f64) {
    let (mut p, mut d1, mut d2) = (0.0, 0.0, 0.0);
    let mut step = |ck: f64| {
        d2 = d2 * z + d1;
        d1 = d1 * z + p;
        p = p * z + ck;
    };
    if REV {
        c.iter().for_each(|&ck| step(ck));
    } else {
        c.iter().rev().for_each(|&ck| step(ck));
    }
    (p, d1, 2.0 * d2)
}

/// The `LANES` Horner chains of [`horner_split`] at `w = z^LANES`: `P_j(w)`, `P_j'(w)` and
/// `P_j''(w) / 2` for the polynomials `P_j` of the powers `k ≡ j (mod LANES)`.
///
/// Kept out of line so that the loop is compiled on its own, whoever calls it.
#[inline(never)]
fn split_chains<const REV: bool>(c: &[f64], w: f64) -> Chains {
    #[cfg(target_arch = "x86_64")]
    if !REV {
        return chains_x86(c, w);
    }
    split_chains_scalar::<REV>(c, w)
}

/// The `LANES` Horner chains of [`horner_split`] at `w = z^LANES`: `P_j(w)`, `P_j'(w)` and
/// `P_j''(w) / 2` for the polynomials `P_j` of the powers `k ≡ j (mod LANES)`.
///
/// Whole chunks of `LANES` coefficients are read without index arithmetic, so there are no
/// bounds checks. The ascending form (every IRR's single-crossing path) runs on x86-64 as
/// [`chains_x86`]; this is the portable form, and the reference the vector code is tested
/// against.
#[inline(always)]
fn split_chains_scalar<const REV: bool>(c: &[f64], w: f64) -> Chains {
    const K: usize = LANES;
    let rem = c.len() % K;
    let (mut p, mut d1, mut d2) = ([0.0; K], [0.0; K], [0.0; K]);
    if REV {
        // The coefficient of z^k is c[n − 1 − k]: the `rem` highest powers come first and
        // start the chains; a chunk holds the lanes in reverse order.
        let (top, body) = c.split_at(rem);
        for (pj, &cj) in p.iter_mut().zip(top.iter().rev()) {
            *pj = cj;
        }
        for chunk in body.chunks_exact(K) {
            for j in 0..K {
                d2[j] = d2[j] * w + d1[j];
                d1[j] = d1[j] * w + p[j];
                p[j] = p[j] * w + chunk[K - 1 - j];
            }
        }
    } else {
        let (body, top) = c.split_at(c.len() - rem);
        for (pj, &cj) in p.iter_mut().zip(top) {
            *pj = cj;
        }
        for chunk in body.chunks_exact(K).rev() {
            for j in 0..K {
                d2[j] = d2[j] * w + d1[j];
                d1[j] = d1[j] * w + p[j];
                p[j] = p[j] * w + chunk[j];
            }
        }
    }
    (p, d1, d2)
}

/// [`split_chains_scalar`] for ascending coefficients in vector registers: SSE2 (the x86-64
/// baseline, two lanes a register) or AVX (all four in one) when the processor has it. The
/// same multiplications and additions in the same order, lane by lane (neither instruction
/// set fuses a multiply-add, which would round differently), so the same bits, in about half
/// (SSE2) or a quarter (AVX) of the instructions of the compiled scalar loop.
#[cfg(target_arch = "x86_64")]
fn chains_x86(c: &[f64], w: f64) -> Chains {
    chains_x86_on(c, w, std::arch::is_x86_feature_detected!("avx"))
}

/// [`chains_x86`] with AVX if `avx` (which the processor must have) and SSE2 otherwise.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn chains_x86_on(c: &[f64], w: f64, avx: bool) -> Chains {
    const { assert!(LANES == 4) };
    let rem = c.len() % LANES;
    let (body, top) = c.split_at(c.len() - rem);
    let mut p = [0.0; LANES];
    for (pj, &cj) in p.iter_mut().zip(top) {
        *pj = cj;
    }
    if avx {
        // SAFETY: the processor has AVX (the caller's check).
        unsafe { chains_avx(body, w, p) }
    } else {
        chains_sse2(body, w, p)
    }
}

/// The chains of [`chains_x86`] with SSE2: lanes 0–1 and 2–3 in two registers each. `body`
/// holds whole chunks of `LANES` coefficients (ascending powers); `p` starts the chains.
#[cfg(target_arch = "x86_64")]
fn chains_sse2(body: &[f64], w: f64, p: [f64; LANES]) -> Chains {
    use std::arch::x86_64::*;
    let mut out = ([0.0; LANES], [0.0; LANES], [0.0; LANES]);
    // SAFETY: SSE2 is part of the x86-64 baseline; every load reads 2 of a chunk's 4 values
    // or of `p`'s, every store writes 2 of an output array's 4, in bounds.
    unsafe {
        let wv = _mm_set1_pd(w);
        let (mut p01, mut p23) = (_mm_loadu_pd(p.as_ptr()), _mm_loadu_pd(p.as_ptr().add(2)));
        let (mut a01, mut a23) = (_mm_setzero_pd(), _mm_setzero_pd());
        let (mut b01, mut b23) = (_mm_setzero_pd(), _mm_setzero_pd());
        for chunk in body.chunks_exact(LANES).rev() {
            let (c01, c23) = (
                _mm_loadu_pd(chunk.as_ptr()),
                _mm_loadu_pd(chunk.as_ptr().add(2)),
            );
            b01 = _mm_add_pd(_mm_mul_pd(b01, wv), a01);
            a01 = _mm_add_pd(_mm_mul_pd(a01, wv), p01);
            p01 = _mm_add_pd(_mm_mul_pd(p01, wv), c01);
            b23 = _mm_add_pd(_mm_mul_pd(b23, wv), a23);
            a23 = _mm_add_pd(_mm_mul_pd(a23, wv), p23);
            p23 = _mm_add_pd(_mm_mul_pd(p23, wv), c23);
        }
        _mm_storeu_pd(out.0.as_mut_ptr(), p01);
        _mm_storeu_pd(out.0.as_mut_ptr().add(2), p23);
        _mm_storeu_pd(out.1.as_mut_ptr(), a01);
        _mm_storeu_pd(out.1.as_mut_ptr().add(2), a23);
        _mm_storeu_pd(out.2.as_mut_ptr(), b01);
        _mm_storeu_pd(out.2.as_mut_ptr().add(2), b23);
    }
    out
}

/// The chains of [`chains_x86`] with AVX: the four lanes in one register. Arguments as for
/// [`chains_sse2`].
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
#[inline]
fn chains_avx(body: &[f64], w: f64, p: [f64; LANES]) -> Chains {
    use std::arch::x86_64::*;
    let mut out = ([0.0; LANES], [0.0; LANES], [0.0; LANES]);
    let wv = _mm256_set1_pd(w);
    let (mut d1, mut d2) = (_mm256_setzero_pd(), _mm256_setzero_pd());
    // SAFETY (all unsafe blocks): each load reads a chunk's or `p`'s 4 values, each store
    // writes an output array's 4, in bounds.
    let mut p = unsafe { _mm256_loadu_pd(p.as_ptr()) };
    for chunk in body.chunks_exact(LANES).rev() {
        let cv = unsafe { _mm256_loadu_pd(chunk.as_ptr()) };
        d2 = _mm256_add_pd(_mm256_mul_pd(d2, wv), d1);
        d1 = _mm256_add_pd(_mm256_mul_pd(d1, wv), p);
        p = _mm256_add_pd(_mm256_mul_pd(p, wv), cv);
    }
    unsafe {
        _mm256_storeu_pd(out.0.as_mut_ptr(), p);
        _mm256_storeu_pd(out.1.as_mut_ptr(), d1);
        _mm256_storeu_pd(out.2.as_mut_ptr(), d2);
    }
    out
}

/// `(f, f', f'')` at `z` of the polynomial whose coefficient of `z^k` is `c[k]` (or
/// `c[n − 1 − k]` when `REV`), in one pass.
///
/// Plain Horner is latency-bound (one dependent multiply-add per coefficient and chain). Here
/// the polynomial is split by `k mod LANES` into `LANES` polynomials in `w = z^LANES`,
/// `f(z) = Σ_j z^j P_j(w)`, evaluated (with their first two derivatives) by independent Horner
/// chains, then recombined: about 2.5× faster for 600 coefficients, same accuracy class.
#[inline(always)]
fn horner_split<const REV: bool>(c: &[f64], z: f64) -> (f64, f64, f64) {
    if z < SPLIT_MIN_Z {
        return horner_plain::<REV>(c, z);
    }
    #[cfg(target_arch = "x86_64")]
    if !REV && std::arch::is_x86_feature_detected!("avx") {
        // SAFETY: the processor has AVX (checked just above).
        return unsafe { horner_split_asc_avx(c, z) };
    }
    recombine(z, split_chains::<REV>(c, z * z * z * z))
}

/// [`horner_split`]'s last step: `(f, f', f'')` at `z` from the chains at `w = z^LANES`.
#[inline(always)]
fn recombine(z: f64, (p, d1, d2): Chains) -> (f64, f64, f64) {
    const K: usize = LANES;
    const { assert!(K == 4) }; // z³ and z⁶ below are z^(K−1) and z^(2K−2)
    // With Q_j(z) = P_j(z^K), f = Σ_j z^j Q_j by Horner in z over j, carrying the first two
    // derivatives, where Q_j' = K z^(K−1) P_j' and Q_j'' = K(K−1) z^(K−2) P_j' +
    // K² z^(2K−2) P_j'' (d2 holds P_j''/2).
    let kf = K as f64;
    let z2 = z * z;
    let z3 = z2 * z;
    let (a1, a2, a3) = (kf * z3, kf * (kf - 1.0) * z2, 2.0 * kf * kf * (z3 * z3));
    let (mut f, mut f1, mut f2) = (p[K - 1], a1 * d1[K - 1], a2 * d1[K - 1] + a3 * d2[K - 1]);
    for j in (0..K - 1).rev() {
        f2 = (f1 + f1) + z * f2 + (a2 * d1[j] + a3 * d2[j]);
        f1 = f + z * f1 + a1 * d1[j];
        f = z * f + p[j];
    }
    (f, f1, f2)
}

/// [`horner_split`] for ascending coefficients, all of it compiled for AVX: the chains of
/// [`chains_avx`] and the recombination in one call, the chains' results left in registers.
/// The same operations in the same order as the portable path (AVX has no fused
/// multiply-add), so the same bits.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
fn horner_split_asc_avx(c: &[f64], z: f64) -> (f64, f64, f64) {
    let rem = c.len() % LANES;
    let (body, top) = c.split_at(c.len() - rem);
    let mut p = [0.0; LANES];
    for (pj, &cj) in p.iter_mut().zip(top) {
        *pj = cj;
    }
    recombine(z, chains_avx(body, z * z * z * z, p))
}

/// `|c0| / Σ_{k≥1} |c_k|`, shrunk a little to stay a safe bound despite rounding (and capped
/// at 1): below it the constant term dominates, so there is no root.
fn floor_from(c0: f64, total_abs: f64) -> f64 {
    let rest = total_abs - c0.abs();
    if rest > 0.0 {
        (c0.abs() / rest * (1.0 - 1e-9)).min(1.0)
    } else {
        1.0
    }
}

/// Sums over a coefficient slice that both IRR domains need, gathered in one pass:
/// `Σ |c_k|`, and the moments `Σ c_k`, `Σ k c_k`, `Σ k² c_k` (which give `f`, `f'`, `f''` at
/// `z = 1` in either domain without another pass).
#[derive(Clone, Copy, Debug)]
pub(super) struct Moments {
    pub(super) abs: f64,
    pub(super) m0: f64,
    pub(super) m1: f64,
    pub(super) m2: f64,
}

/// `f(z) = Σ c[k] z^k` (coefficients in ascending powers): the `r ≥ 0` domain of IRR.
/// `c` must be non-empty with non-zero first and last entries.
pub(super) struct PolyAsc<'a> {
    c: &'a [f64],
    floor: f64,
    at_one: (f64, f64, f64),
}
/// `f(z) = Σ c[k] z^(D−k)`, `D = c.len() − 1` (coefficients in descending powers): the `r < 0`
/// domain of IRR. `c` must be non-empty with non-zero first and last entries.
pub(super) struct PolyDesc<'a> {
    c: &'a [f64],
    floor: f64,
    at_one: (f64, f64, f64),
}

impl<'a> PolyAsc<'a> {
    /// `m` are the [`Moments`] of `c`.
    pub(super) fn new(c: &'a [f64], m: Moments) -> Self {
        Self {
            c,
            floor: floor_from(c[0], m.abs),
            at_one: (m.m0, m.m1, m.m2 - m.m1),
        }
    }
}

impl<'a> PolyDesc<'a> {
    /// `m` are the [`Moments`] of `c` (indexed as stored, not as powers).
    pub(super) fn new(c: &'a [f64], m: Moments) -> Self {
        let d = (c.len() - 1) as f64;
        // Σ (D−k) c_k and Σ (D−k)(D−k−1) c_k from the moments.
        let d1 = d * m.m0 - m.m1;
        let d2 = (d * d - d) * m.m0 - (2.0 * d - 1.0) * m.m1 + m.m2;
        Self {
            c,
            floor: floor_from(c[c.len() - 1], m.abs),
            at_one: (m.m0, d1, d2),
        }
    }
}

/// Sign changes of the running sums of `c_k z^k` (`coefs` in ascending powers). Terms whose
/// `z^k` underflows no longer move the sums, as in any floating-point evaluation.
fn norstrom_count<'a>(coefs: impl Iterator<Item = &'a f64>, z: f64) -> usize {
    let (mut pw, mut sum) = (1.0, 0.0);
    let mut neg: Option<bool> = None;
    let mut changes = 0;
    for &c in coefs {
        sum += c * pw;
        pw *= z;
        if sum != 0.0 {
            let now = sum < 0.0;
            changes += usize::from(neg.is_some_and(|n| n != now));
            neg = Some(now);
        }
    }
    changes
}

/// Fujiwara's bound turned into a lower bound on the positive roots of `Σ c_k z^k` (`coefs`
/// in ascending powers, `c_0 ≠ 0`): with `u = 1/z` the polynomial is `c_0` times a monic one
/// in `u`, whose roots satisfy `|u| <= 2 max_k |c_k / c_0|^(1/k)` (the last term halved).
/// Much tighter than `root_floor` when the large coefficients sit at high powers; costs a
/// logarithm per coefficient, so only the scan uses it.
fn fujiwara_floor<'a>(coefs: impl ExactSizeIterator<Item = &'a f64>) -> f64 {
    let d = coefs.len().saturating_sub(1);
    let mut it = coefs.enumerate();
    let Some((_, &c0)) = it.next() else {
        return 0.0;
    };
    let l0 = c0.abs().ln();
    let mut max_log = f64::NEG_INFINITY;
    for (k, &c) in it {
        if c != 0.0 {
            let half = if k == d { std::f64::consts::LN_2 } else { 0.0 };
            max_log = max_log.max((c.abs().ln() - l0 - half) / k as f64);
        }
    }
    if max_log == f64::NEG_INFINITY {
        return 1.0;
    }
    (0.5 * (-max_log).exp()).min(1.0)
}

impl Curve for PolyAsc<'_> {
    #[inline]
    fn eval(&self, z: f64) -> (f64, f64, f64) {
        horner_split::<false>(self.c, z)
    }
    fn magnitude(&self, z: f64) -> f64 {
        self.c.iter().rev().fold(0.0, |acc, c| acc * z + c.abs())
    }
    fn sign_at_zero(&self) -> f64 {
        self.c[0].signum()
    }
    fn root_floor(&self) -> f64 {
        self.floor
    }
    fn eval_at_one(&self) -> (f64, f64, f64) {
        self.at_one
    }
    fn roots_below(&self, z: f64) -> Option<usize> {
        Some(norstrom_count(self.c.iter(), z))
    }
    fn tight_floor(&self) -> f64 {
        fujiwara_floor(self.c.iter()).max(self.floor)
    }
    fn terms(&self) -> usize {
        self.c.len()
    }
}

impl Curve for PolyDesc<'_> {
    #[inline]
    fn eval(&self, z: f64) -> (f64, f64, f64) {
        horner_split::<true>(self.c, z)
    }
    fn magnitude(&self, z: f64) -> f64 {
        self.c.iter().fold(0.0, |acc, c| acc * z + c.abs())
    }
    fn sign_at_zero(&self) -> f64 {
        self.c[self.c.len() - 1].signum()
    }
    fn root_floor(&self) -> f64 {
        self.floor
    }
    fn eval_at_one(&self) -> (f64, f64, f64) {
        self.at_one
    }
    fn roots_below(&self, z: f64) -> Option<usize> {
        Some(norstrom_count(self.c.iter().rev(), z))
    }
    fn tight_floor(&self) -> f64 {
        fujiwara_floor(self.c.iter().rev()).max(self.floor)
    }
    fn terms(&self) -> usize {
        self.c.len()
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
fn solve<C: Curve>(g: &C, lo: f64, hi: f64, sign_hi: f64, z0: f64, e0: (f64, f64, f64)) -> f64 {
    Solver::new(lo, hi, sign_hi, z0).finish(g, e0)
}

/// What [`Solver::step`] asks for next.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Step {
    /// The root (or the last iterate when the iteration cap is reached).
    Done(f64),
    /// Evaluate the curve at this `z` and pass the result to the next step.
    Eval(f64),
}

/// [`solve`]'s iteration between two evaluations, so that the solves of several curves can
/// have their evaluations done side by side ([`batch`]): the loop of `solve` is exactly
/// `step` after `step`, each given the evaluation the one before asked for.
#[derive(Clone, Copy, Debug)]
struct Solver {
    lo: f64,
    hi: f64,
    sign_hi: f64,
    z: f64,
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
    fn new(lo: f64, hi: f64, sign_hi: f64, z0: f64) -> Self {
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
    fn finish<C: Curve>(mut self, g: &C, mut e: (f64, f64, f64)) -> f64 {
        loop {
            match self.step(e) {
                Step::Done(z) => return z,
                Step::Eval(z) => e = g.eval(z),
            }
        }
    }

    /// One iteration, given `(f, f', f'')` at the current `z`.
    #[inline(always)]
    fn step(&mut self, (f, d1, d2): (f64, f64, f64)) -> Step {
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
pub(super) fn pow2_scaled(values: &[f64]) -> Vec<f64> {
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
fn irr_extreme(core: &[f64]) -> Option<f64> {
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
struct LogPoly {
    c: Vec<f64>,
    ln_abs: Vec<f64>,
    floor: f64,
}

impl LogPoly {
    fn new(c: Vec<f64>) -> Self {
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
fn irr_log(core: &[f64], x: &LogPoly) -> Option<f64> {
    let y = LogPoly::new(core.iter().rev().copied().collect());
    let hint = |g: &LogPoly| Hint::from_sign_changes(g.roots_below(1.0).unwrap_or(2));
    let r = smallest_abs_rate(x, hint(x), &y, hint(&y))?;
    is_root(x, r).then_some(r)
}

/// The running sums of one pass over the (trimmed) flows, added flow by flow in this order:
/// the single-crossing path's starting point and bracket come from them, so every way of
/// gathering them ([`Survey::of`], [`Sums::of_single_crossing`]) adds in the same order and
/// gives the same bits.
#[derive(Clone, Copy, Debug)]
struct Sums {
    /// `Σ |CF_t|` (NaN or infinite when a flow is not finite).
    abs: f64,
    /// `Σ CF_t`, the NPV at `r = 0`; while the pass runs, the balance `B_t` so far.
    total: f64,
    /// `Σ_{j<N} B_j` and `Σ_{j<N} (N − j) B_j`, `N` the last period: with `total` they give
    /// `Σ t CF_t` and `Σ t² CF_t` ([`Sums::moments`]) for two additions a flow.
    s1: f64,
    s2: f64,
}

impl Sums {
    const ZERO: Sums = Sums {
        abs: 0.0,
        total: 0.0,
        s1: 0.0,
        s2: 0.0,
    };

    /// Takes in the next flow.
    #[inline(always)]
    fn add(&mut self, cf: f64) {
        self.s1 += self.total;
        self.s2 += self.s1;
        self.total += cf;
        self.abs += cf.abs();
    }

    /// The sums, when one pass can tell that the flows take the single-crossing path: the
    /// running balance keeps the first flow's sign until it first crosses zero (a zero balance
    /// counting as non-negative, as in [`Survey`]), after which no flow has the first flow's
    /// sign, and the total is non-zero. The balance then moves away from zero after the
    /// crossing (adding flows of one sign is monotone in floating point too), so it changes
    /// sign exactly once and ends at its extreme: [`Survey::of`] would find `changes == 1`
    /// and [`tails_one_sign`], with the same sums. `None` when the shape is anything else
    /// (then the full survey decides), including non-finite flows.
    ///
    /// Cheaper than [`Survey::of`]: no sign-change count and no extreme of the balance, only a
    /// comparison a flow (the balance before the crossing, the flow's sign after it). Monthly
    /// project flows have this shape even when costs recur after the first benefits, as long
    /// as they come before the payback month.
    fn of_single_crossing(core: &[f64]) -> Option<Self> {
        if core[0] < 0.0 {
            Self::crossing_pass::<true>(core)
        } else {
            Self::crossing_pass::<false>(core)
        }
    }

    /// The pass of [`Sums::of_single_crossing`], for a first flow below zero (`NEG`) or above.
    #[inline(always)]
    fn crossing_pass<const NEG: bool>(core: &[f64]) -> Option<Self> {
        let mut s = Sums::ZERO;
        // Up to and including the first flow that takes the balance across zero (or NaN), two
        // flows a round; `i` is the index after it (`core.len()` if there is none).
        let before = |b: f64| if NEG { b < 0.0 } else { b >= 0.0 };
        let mut i = core.len();
        let pairs = core.chunks_exact(2);
        let odd = pairs.remainder();
        let mut crossed = false;
        for (k, pair) in pairs.enumerate() {
            s.add(pair[0]);
            if !before(s.total) {
                (i, crossed) = (2 * k + 1, true);
                break;
            }
            s.add(pair[1]);
            if !before(s.total) {
                (i, crossed) = (2 * k + 2, true);
                break;
            }
        }
        if !crossed {
            for &cf in odd {
                s.add(cf);
            }
        }
        // After the crossing: the most extreme flow towards the first flow's side (NaN if a
        // flow is NaN), which must not be on that side. Until that is checked, `|CF|` is
        // taken to be `CF` (or `−CF`): the same bits for every flow that passes.
        let mut extreme = 0.0f64;
        let mut after = |cf: f64| {
            s.s1 += s.total;
            s.s2 += s.s1;
            s.total += cf;
            if NEG {
                s.abs += cf;
                extreme = if extreme < cf { extreme } else { cf };
            } else {
                s.abs -= cf;
                extreme = if extreme > cf { extreme } else { cf };
            }
        };
        // Two flows a round: fewer loop overheads.
        let pairs = core[i..].chunks_exact(2);
        let odd = pairs.remainder();
        for pair in pairs {
            after(pair[0]);
            after(pair[1]);
        }
        for &cf in odd {
            after(cf);
        }
        let crossed_once = if NEG {
            s.total > 0.0 && extreme >= 0.0
        } else {
            s.total < 0.0 && extreme <= 0.0
        };
        crossed_once.then_some(s)
    }

    /// `(Σ t CF_t, Σ t² CF_t)` over `t = 0..=n_last`, by summation by parts
    /// (`Σ t CF_t = N B_N − Σ_{j<N} B_j`, `Σ t² CF_t = N² B_N − Σ_{j<N} (2j + 1) B_j`). Rounded
    /// differently from the direct sums: good for a starting point, not for the scan.
    fn moments(&self, n_last: usize) -> (f64, f64) {
        let n = n_last as f64;
        let m1 = n * self.total - self.s1;
        let j_b = n * self.s1 - self.s2; // Σ_{j<N} j B_j
        let m2 = n * n * self.total - 2.0 * j_b - self.s1;
        (m1, m2)
    }
}

/// What one pass over the (trimmed) flows learns: enough to settle the common case, a project
/// whose running balance `B_t = Σ_{s≤t} CF_s` crosses zero once, without a second pass.
struct Survey {
    sums: Sums,
    /// The extreme of `B_{t−1}`, `t = 0..=N` (with `B_{−1} = 0`) on the far side from the
    /// first flow: the maximum when `CF_0 < 0`, the minimum when `CF_0 > 0`.
    far: f64,
    /// Sign changes of `B_t` (Norstrøm's count for `r ≥ 0`; a zero balance counts as
    /// non-negative, which can only over-count).
    changes: u32,
}

impl Survey {
    fn of(core: &[f64]) -> Self {
        if core[0] < 0.0 {
            Self::pass::<true>(core)
        } else {
            Self::pass::<false>(core)
        }
    }

    /// The pass, for a first flow below zero (`NEG`) or above.
    #[inline(always)]
    fn pass<const NEG: bool>(core: &[f64]) -> Self {
        let mut s = Sums::ZERO;
        let mut far = 0.0f64;
        // Sign changes as changes of the sign bit: the balance is never −0.0 (it starts at
        // +0.0, and a sum that cancels exactly is +0.0), so the bit says `B_t < 0` (NaN is
        // caught by the caller through `abs`).
        let mut prev = core[0].to_bits();
        let mut changes = 0u64;
        let mut add = |cf: f64| {
            // Plain comparisons rather than f64::min/max, which also handle NaN.
            let bal = s.total;
            far = if NEG == (bal > far) { bal } else { far };
            s.add(cf);
            let bits = s.total.to_bits();
            changes += (bits ^ prev) >> 63;
            prev = bits;
        };
        // Two flows a round: fewer loop overheads and register moves in this hot loop.
        let pairs = core.chunks_exact(2);
        let odd = pairs.remainder();
        for pair in pairs {
            add(pair[0]);
            add(pair[1]);
        }
        for &cf in odd {
            add(cf);
        }
        Survey {
            sums: s,
            far,
            changes: u32::try_from(changes).unwrap_or(u32::MAX),
        }
    }
}

/// No root with `r < 0` when every tail sum `T_j = Σ_{t≥j} CF_t = total − B_{j−1}` has the
/// sign of the total (Norstrøm's count for that domain is then 0): the usual case of a project
/// that ends at its best (or worst) cumulative position. `far` is the maximum of the `B_{j−1}`
/// (including `B_{−1} = 0`) when the total is positive, their minimum when it is negative.
fn tails_one_sign(total: f64, far: f64) -> bool {
    if total > 0.0 {
        far <= total
    } else {
        far >= total
    }
}

/// The direct moments of the flows, as the general path has always used them.
fn moments(core: &[f64]) -> Moments {
    let mut m = Moments {
        abs: 0.0,
        m0: 0.0,
        m1: 0.0,
        m2: 0.0,
    };
    let mut k = 0.0;
    for &cf in core {
        m.m0 += cf;
        m.abs += cf.abs();
        let kc = k * cf;
        m.m1 += kc;
        m.m2 += k * kc;
        k += 1.0;
    }
    m
}

/// Starting point for the single-crossing root: the first flow `c0` plus the rest, whose
/// discounted sum `Σ_{t≥1} CF_t z^t = B E[e^(−t s)]` (`s = −ln z`, `B = Σ_{t≥1} CF_t`) is
/// modelled by the first two cumulants of `t` under the weights `CF_t / B`:
/// `ln(B E[e^(−t s)]) ≈ ln B − μ s + σ² s² / 2`. Equating that with `ln(−c0)` gives a
/// quadratic in `s`. Typical investment flows (an outlay, then costs and benefits) are close
/// to that model: the root is usually within 0.1% of the guess.
fn cumulant_guess(c0: f64, total: f64, m1: f64, m2: f64) -> Option<f64> {
    let b = total - c0; // sign of the total, |b| > |c0| on the single-crossing path
    let mu = m1 / b;
    let var = m2 / b - mu * mu;
    let l = (-b / c0).ln(); // > 0
    let disc = mu * mu - 2.0 * var * l;
    // The smaller root of σ²/2 s² − μ s + l = 0, in the form without cancellation; the
    // one-cumulant model l / μ when the quadratic has none.
    let s = if disc >= 0.0 {
        2.0 * l / (mu + disc.sqrt())
    } else {
        l / mu
    };
    let z = (-s).exp();
    (s > 0.0 && z > 0.0 && z < 1.0).then_some(z)
}

/// The rate of the only root of flows whose running balance crosses zero once and whose tail
/// sums have one sign (see [`irr`]): bracketed Halley iteration on `f(z) = Σ CF_t z^t` over
/// `(floor, 1)`, from [`cumulant_guess`]. `None` when this path does not apply after all
/// (then the general path decides).
fn single_crossing(core: &[f64], s: &Sums) -> Option<Option<f64>> {
    let start = match CrossingStart::new(core, s) {
        Ok(start) => start,
        Err(answer) => return answer,
    };
    let e0 = start.first_eval();
    if e0.0 == 0.0 {
        return Some(Some(start.rate(start.z0)));
    }
    let z = start.solver(e0).finish(&start.x, e0);
    Some(Some(start.rate(z)))
}

/// [`single_crossing`] up to its first evaluation, the point where [`batch`] takes over for
/// several flows at once.
struct CrossingStart<'a> {
    x: PolyAsc<'a>,
    /// Sign of `f(1)`, the side of the bracket's upper end.
    s_top: f64,
    /// Where the first evaluation is: the guess, or 1 (known in advance) without one.
    z0: f64,
}

impl<'a> CrossingStart<'a> {
    /// `Err` holds [`single_crossing`]'s answer when it needs no evaluation (`Err(None)`: this
    /// path does not apply after all).
    #[inline(always)]
    fn new(core: &'a [f64], s: &Sums) -> Result<Self, Option<Option<f64>>> {
        let (c0, total) = (core[0], s.total);
        let floor = floor_from(c0, s.abs);
        if floor < Z_FLOOR || c0.signum() != -total.signum() {
            return Err(None); // a root that may lie below Z_FLOOR, or rounding: the general path
        }
        if floor >= 1.0 {
            return Err(Some(None));
        }
        let (m1, m2) = s.moments(core.len() - 1);
        let x = PolyAsc {
            c: core,
            floor,
            at_one: (total, m1, m2 - m1),
        };
        let guess = cumulant_guess(c0, total, m1, m2).filter(|&z| z > floor && z < 1.0);
        Ok(CrossingStart {
            x,
            s_top: total.signum(),
            z0: guess.unwrap_or(1.0),
        })
    }

    /// Whether the first evaluation must be computed (it is known at `z = 1`).
    #[inline(always)]
    fn needs_eval(&self) -> bool {
        self.z0 < 1.0
    }

    /// `(f, f', f'')` at `z0`.
    #[inline(always)]
    fn first_eval(&self) -> (f64, f64, f64) {
        if self.needs_eval() {
            self.x.eval(self.z0)
        } else {
            self.x.at_one
        }
    }

    /// The solver from `z0`, its bracket narrowed by the first evaluation `e0`.
    #[inline(always)]
    fn solver(&self, e0: (f64, f64, f64)) -> Solver {
        let (mut lo, mut hi) = (self.x.floor, 1.0);
        if self.needs_eval() {
            if e0.0.signum() == self.s_top {
                hi = self.z0;
            } else {
                lo = self.z0;
            }
        }
        Solver::new(lo, hi, self.s_top, self.z0)
    }

    /// The rate at the root `z`.
    #[inline(always)]
    fn rate(&self, z: f64) -> f64 {
        (1.0 - z) / z
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
    let total = s.sums.total;
    if total == 0.0 {
        return Some(0.0);
    }
    // With one change the total has the sign opposite to the first flow, the side `far` is on.
    if s.changes == 1
        && tails_one_sign(total, s.far)
        && let Some(r) = single_crossing(core, &s.sums)
    {
        return r;
    }
    let tails_one_sign = {
        let (mut bal, mut far) = (0.0f64, 0.0f64);
        for &cf in core {
            far = if (total > 0.0) == (bal > far) {
                bal
            } else {
                far
            };
            bal += cf;
        }
        tails_one_sign(total, far)
    };
    let m = moments(core);
    let x = PolyAsc::new(core, m);
    let y = PolyDesc::new(core, m);
    let hx = Hint::from_sign_changes(s.changes as usize);
    let hy = if tails_one_sign {
        Hint::NoRoot
    } else {
        // Backward pass: count the tail sums' sign changes.
        let mut tail = 0.0;
        let mut neg = core[core.len() - 1] < 0.0;
        let mut changes_y = 0u32;
        for &cf in core.iter().rev() {
            tail += cf;
            let now_neg = tail < 0.0;
            changes_y += u32::from(now_neg != neg);
            neg = now_neg;
        }
        Hint::from_sign_changes(changes_y as usize)
    };
    smallest_abs_rate(&x, hx, &y, hy)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::finance::npv;
    use proptest::prelude::*;

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
    fn irr_zeroes_npv_on_random_monthly_flows() {
        let mut rnd = crate::test_support::uniforms(0x9E37_79B9_7F4A_7C15);
        for case in 0..300 {
            let n = 12 + (rnd() * 600.0) as usize;
            let mut flows = vec![-1e6 * (1.0 + rnd())];
            for t in 1..n {
                let ramp = (t as f64 / 12.0).min(1.0);
                flows.push(-3e4 + 6e4 * ramp * (0.5 + rnd()));
            }
            if case % 3 == 0 {
                flows[n / 2] -= 5e5; // a re-investment: several sign changes
            }
            let one_crossing = flows[1..].iter().all(|&c| c > 0.0);
            match irr(&flows) {
                Some(r) => {
                    let scale: f64 = flows
                        .iter()
                        .enumerate()
                        .map(|(t, c)| c.abs() / (1.0 + r).powi(t as i32))
                        .sum();
                    assert!(npv(r, &flows).abs() <= 1e-10 * scale, "case {case}: {r}");
                }
                None => assert!(
                    !one_crossing,
                    "case {case}: conventional flows must have an IRR"
                ),
            }
        }
    }

    /// Flows built as polynomials with known real roots (plus complex pairs): the root with the
    /// smallest |r| must be found, including close pairs and roots far from 0.
    #[test]
    fn constructed_roots_smallest_abs_is_found() {
        let mut rnd = crate::test_support::uniforms(0x0123_4567_89AB_CDEF);
        for case in 0..2000 {
            let n_real = 1 + (rnd() * 4.0) as usize;
            let n_cplx = (rnd() * 3.0) as usize;
            let mut xs: Vec<f64> = Vec::new();
            while xs.len() < n_real {
                // x = 1/(1+r): r from about −0.95 to 20, log-uniform-ish in x
                let x = (rnd() * 6.0 - 3.0).exp().clamp(0.05, 20.0);
                let gap = if case % 4 == 0 { 1e-4 } else { 1e-2 };
                if xs.iter().all(|&y| (y - x).abs() > gap * x.max(y)) {
                    xs.push(x);
                }
            }
            // coefficients in ascending powers of x
            let mut c = vec![if rnd() < 0.5 { -1.0 } else { 1.0 } * (1.0 + 99.0 * rnd())];
            for &x in &xs {
                // multiply by (x_root − x): −x·p + x_root·p
                let mut next = vec![0.0; c.len() + 1];
                for (k, &a) in c.iter().enumerate() {
                    next[k] += a * x;
                    next[k + 1] -= a;
                }
                c = next;
            }
            for _ in 0..n_cplx {
                // (x − a)² + b² = x² − 2a x + a² + b²
                let (a, b) = (rnd() * 3.0 - 0.5, 0.05 + rnd());
                let q = [a * a + b * b, -2.0 * a, 1.0];
                let mut next = vec![0.0; c.len() + 2];
                for (k, &v) in c.iter().enumerate() {
                    for (j, &w) in q.iter().enumerate() {
                        next[k + j] += v * w;
                    }
                }
                c = next;
            }
            let expected = xs
                .iter()
                .map(|x| 1.0 / x - 1.0)
                .min_by(|a, b| a.abs().total_cmp(&b.abs()))
                .unwrap();
            let got =
                irr(&c).unwrap_or_else(|| panic!("case {case}: none, want {expected} ({c:?})"));
            let tol = if case % 4 == 0 { 1e-6 } else { 1e-8 } * (1.0 + expected.abs());
            assert!(
                (got - expected).abs() <= tol,
                "case {case}: got {got}, want {expected}; roots x {xs:?}; flows {c:?}"
            );
        }
    }

    /// The vector chains give the scalar loop's bits, whatever the number of coefficients
    /// (whole chunks or a remainder), on every instruction set the machine has.
    #[test]
    fn vector_chains_match_the_scalar_loop_to_the_bit() {
        let bits = |(p, d1, d2): Chains| [p, d1, d2].map(|lanes| lanes.map(f64::to_bits));
        let mut rnd = crate::test_support::uniforms(0x2545_F491_4F6C_DD1D);
        for n in 1..80 {
            let c: Vec<f64> = (0..n)
                .map(|_| (rnd() - 0.3) * 10f64.powi((rnd() * 12.0) as i32 - 6))
                .collect();
            for w in [0.0, 1e-30, 0.3, 0.957, 1.0, 1.5] {
                let want = bits(split_chains_scalar::<false>(&c, w));
                // The whole evaluation too (w as a power of z where one exists).
                let z = w.sqrt().sqrt();
                if z >= SPLIT_MIN_Z {
                    let eval = |(f, d1, d2): (f64, f64, f64)| [f, d1, d2].map(f64::to_bits);
                    let reference = recombine(z, split_chains_scalar::<false>(&c, z * z * z * z));
                    assert_eq!(eval(horner_split::<false>(&c, z)), eval(reference), "n {n}");
                }
                assert_eq!(bits(split_chains::<false>(&c, w)), want, "n {n}, w {w}");
                let want_rev = bits(split_chains_scalar::<true>(&c, w));
                assert_eq!(bits(split_chains::<true>(&c, w)), want_rev, "n {n}, w {w}");
                #[cfg(target_arch = "x86_64")]
                {
                    assert_eq!(bits(chains_x86_on(&c, w, false)), want, "SSE2, n {n}");
                    if std::arch::is_x86_feature_detected!("avx") {
                        assert_eq!(bits(chains_x86_on(&c, w, true)), want, "AVX, n {n}");
                    }
                }
            }
        }
    }

    /// `|NPV(r)| <= tol · Σ |CF_t (1+r)^−t|`, through [`crate::finance::relative_npv`]
    /// (logarithms, independent of the code under test).
    fn npv_vanishes(flows: &[f64], r: f64, tol: f64) -> bool {
        crate::finance::relative_npv(r, flows) <= tol
    }

    #[test]
    fn power_of_two_scaling_changes_no_bit() {
        let base = [-100.0, 39.0, 59.0, 55.0, 20.0];
        let r = irr(&base).unwrap();
        for k in [-1000, -400, -340, 340, 600, 1000] {
            let scale = 2f64.powi(k);
            let f: Vec<f64> = base.iter().map(|c| c * scale).collect();
            assert_eq!(irr(&f).map(f64::to_bits), Some(r.to_bits()), "2^{k}");
        }
    }

    /// Roots at huge rates, where Horner's sums and the solver work at tiny `z`.
    #[test]
    fn huge_rates_are_found_to_full_precision() {
        // (root, flows), roots from 600-digit arithmetic.
        let cases: [(f64, &[f64]); 2] = [
            // Halley steps from z = 1 shrink z by a factor 0.6 a step (f ≈ c z^4 there), which
            // once passed for progress until the iteration cap, near z = 1e−89; and z^4 itself
            // underflows (from z ≈ 1e−77) long before the root at z ≈ 1e−94.
            (
                1.025_511_198_450_781_3e94,
                &[
                    -1.4260387707607006e-297,
                    0.0,
                    0.0,
                    0.0,
                    1.5772224924828587e79,
                ],
            ),
            // A root just above Z_FLOOR (once found to 3 digits: the tolerance had an absolute
            // part of 4e−300).
            (
                1.777_003_484_320_558e296,
                &[
                    5.7400000000000003e-11,
                    -1.0200000000000005e286,
                    5.880000000000002e130,
                    6.410000000000001e39,
                    -5.990000000000001e75,
                    -9.910000000000006e285,
                ],
            ),
        ];
        for (root, flows) in cases {
            let r = irr(flows).unwrap_or_else(|| panic!("no root for {flows:?}"));
            assert!((r - root).abs() <= 1e-12 * root, "{r} vs {root}");
        }
    }

    /// Flows from 1e−292 to 1e289 with no real root (fuzz crash 6e7c7de1): regression data
    /// for `irr` here and for `xirr` (dated yearly) in `xnpv`'s tests.
    pub(crate) const NO_REAL_ROOT: [f64; 5] = [
        -1.7754849786788255e-64,
        3.0718185947598465e-292,
        1.6097887034965243e-291,
        1.595260795442626e193,
        -1.9481110936832064e289,
    ];

    /// Flows spanning more of f64's range than a rescaling can bring into it.
    #[test]
    fn flows_spanning_hundreds_of_orders_of_magnitude() {
        // No real root at all (fuzz crash 6e7c7de1, which once gave 1.2e99: rescaling to the
        // largest flow turned the first one into zero).
        assert_eq!(irr(&NO_REAL_ROOT), None);
        // The first flow becomes zero in any rescaling: the log-space path. Root 10^82.5 − 1.
        let flows = [-1e-30, 0.0, 0.0, 0.0, 1e300];
        let (root, r) = (3.162_277_660_168_379_3e82, irr(&flows).unwrap());
        assert!((r - root).abs() <= 1e-12 * root, "{r} vs {root}");
        assert!(npv_vanishes(&flows, r, 1e-10), "{r}");
    }

    /// The log-space path on ordinary flows gives the ordinary answers (both domains, several
    /// roots).
    #[test]
    fn log_space_path_agrees_with_horner() {
        let cases: [&[f64]; 6] = [
            &[-100.0, 39.0, 59.0, 55.0, 20.0],
            &[-100.0, 50.0],
            &[100.0, -125.0],
            &[-1600.0, 10000.0, -10000.0],
            &[-100.0, 100.0, 0.0, -7.0],
            &[-100.0, 300.0, -250.0],
        ];
        for flows in cases {
            match (irr(flows), irr_log(flows, &LogPoly::new(flows.to_vec()))) {
                (Some(a), Some(b)) => assert!(close(a, b, 1e-10 * (1.0 + a.abs())), "{a} {b}"),
                (a, b) => assert_eq!(a, b, "{flows:?}"),
            }
        }
    }

    /// The single-crossing path finds the root the general machinery finds.
    #[test]
    fn single_crossing_path_agrees_with_the_general_path() {
        let mut rnd = crate::test_support::uniforms(0x5DEE_CE66_D1CE_4E5B);
        let mut taken = 0;
        for case in 0..500 {
            let n = 2 + (rnd() * 600.0) as usize;
            let mut flows = vec![-1e6 * (0.2 + rnd())];
            for t in 1..n {
                let ramp = (t as f64 / (1.0 + 30.0 * rnd())).min(1.0);
                flows.push(-2e4 * rnd() + 8e4 * ramp * rnd());
            }
            let s = Survey::of(&flows);
            if !(s.changes == 1 && tails_one_sign(s.sums.total, s.far)) {
                continue;
            }
            taken += 1;
            let m = moments(&flows);
            let (x, y) = (PolyAsc::new(&flows, m), PolyDesc::new(&flows, m));
            let general = smallest_abs_rate(&x, Hint::Unique, &y, Hint::NoRoot).unwrap();
            let fast = irr(&flows).unwrap();
            assert!(
                close(fast, general, 1e-13 * (1.0 + general.abs())),
                "case {case}: {fast} vs {general}"
            );
        }
        assert!(taken > 100, "only {taken} single-crossing cases");
    }

    /// Whenever the cheaper pass claims the single-crossing shape, the full survey agrees
    /// (one sign change, tails of one sign) and has the same sums to the bit; and `irr`
    /// returns exactly what the full survey's path returns, whichever pass it took.
    #[test]
    fn crossing_pass_agrees_with_the_full_survey() {
        let mut rnd = crate::test_support::uniforms(0x7F4A_7C15_9E37_79B9);
        let sums_bits = |s: &Sums| [s.abs, s.total, s.s1, s.s2].map(f64::to_bits);
        let (mut claimed, mut refused) = (0, 0);
        for case in 0..3000 {
            let n = 2 + (rnd() * 120.0) as usize;
            let sign = if case % 5 == 0 { -1.0 } else { 1.0 }; // some loans: benefit first
            let mut flows = vec![-sign * 1e6 * (0.2 + rnd())];
            for t in 1..n {
                let ramp = (t as f64 / (1.0 + 30.0 * rnd())).min(1.0);
                // Costs that fade as benefits ramp up, and now and then a gap or a cost.
                let mut cf = -2e4 * rnd() * (1.0 - ramp) + 8e4 * ramp * rnd();
                if rnd() < 0.03 {
                    cf = if rnd() < 0.5 { 0.0 } else { -3e5 * rnd() }; // gaps, re-investments
                }
                flows.push(sign * cf);
            }
            let Some(core) = support(&flows) else {
                continue;
            };
            let full = Survey::of(core);
            match Sums::of_single_crossing(core) {
                Some(quick) => {
                    claimed += 1;
                    assert_eq!(full.changes, 1, "case {case}: {flows:?}");
                    assert!(tails_one_sign(full.sums.total, full.far), "case {case}");
                    assert_eq!(sums_bits(&quick), sums_bits(&full.sums), "case {case}");
                }
                None => refused += 1,
            }
            let old = irr_horner(core, &full).map(f64::to_bits);
            assert_eq!(irr(&flows).map(f64::to_bits), old, "case {case}: {flows:?}");
        }
        assert!(
            claimed > 500 && refused > 200,
            "{claimed} claimed, {refused} refused"
        );
    }

    fn any_flow() -> impl Strategy<Value = f64> {
        prop_oneof![
            3 => -1e6f64..1e6,
            1 => Just(0.0),
            1 => (-5i32..6).prop_map(f64::from),
            1 => any::<f64>(),
        ]
    }

    /// Finite flows of any magnitude: bit patterns, and mantissas times powers of ten (also
    /// the `xirr` tests' flows).
    pub(crate) fn wild_flow() -> impl Strategy<Value = f64> {
        prop_oneof![
            2 => any::<f64>().prop_filter("finite", |x| x.is_finite()),
            2 => (-999i32..1000, -300i32..300).prop_map(|(m, e)| f64::from(m) * 10f64.powi(e)),
            1 => Just(0.0),
            1 => -1e3f64..1e3,
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        /// No input panics or loops forever, and anything returned is a rate above −1.
        #[test]
        fn irr_is_total(flows in prop::collection::vec(any_flow(), 0..70)) {
            if let Some(r) = irr(&flows) {
                prop_assert!(r > -1.0 && r.is_finite(), "{r}");
            }
        }

        /// Any finite flows, including ones spanning all of f64's range: a root or `None`.
        #[test]
        fn irr_is_a_root_or_none_whatever_the_magnitudes(
            flows in prop::collection::vec(wild_flow(), 0..40)
        ) {
            if let Some(r) = irr(&flows) {
                prop_assert!(r > -1.0 && r.is_finite(), "{r}");
                // Near −1 the rate itself has few digits left (see the fuzz target).
                if r > -0.999_999 {
                    prop_assert!(npv_vanishes(&flows, r, 1e-6), "r {r} for {flows:?}");
                }
            }
        }

        /// A returned rate zeroes the NPV (relative to the discounted magnitudes).
        #[test]
        fn irr_is_a_root(flows in prop::collection::vec(-1e3f64..1e3, 2..40)) {
            if let Some(r) = irr(&flows) {
                let v = 1.0 / (1.0 + r);
                let scale = flows.iter().rev().fold(0.0, |acc, c| acc * v + c.abs());
                prop_assert!(npv(r, &flows).abs() <= 1e-9 * scale, "r {r}");
            }
        }
    }
}
