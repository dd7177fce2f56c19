//! Polynomial evaluation for [`irr`](super::irr): the two domain curves ([`PolyAsc`] for
//! `r ≥ 0`, [`PolyDesc`] for `r < 0`), evaluated with their first two derivatives by Horner
//! chains split four ways (in SSE2 or AVX registers on x86-64, the same operations in the same
//! order as the portable code), and the cheap bounds on their roots.

use super::Curve;

/// Number of interleaved Horner chains in [`horner_split`].
pub(super) const LANES: usize = 4;

/// `P_j(w)`, `P_j'(w)` and `P_j''(w) / 2` for the `LANES` chains of [`horner_split`].
pub(super) type Chains = ([f64; LANES], [f64; LANES], [f64; LANES]);

/// Below this `z`, [`horner_split`] uses plain Horner: `w = z^LANES` (and the powers of `z` up
/// to `z^(2 LANES − 2)` in the recombination) would underflow (from about `z < 1e−77`) and
/// drop terms `c_k z^k` that still matter, which plain Horner never forms on their own
/// (every product it forms is at least the size of the terms that count at a root).
pub(super) const SPLIT_MIN_Z: f64 = 1e-40;

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
pub(super) fn split_chains<const REV: bool>(c: &[f64], w: f64) -> Chains {
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
pub(super) fn split_chains_scalar<const REV: bool>(c: &[f64], w: f64) -> Chains {
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
pub(super) fn chains_x86_on(c: &[f64], w: f64, avx: bool) -> Chains {
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
pub(super) fn horner_split<const REV: bool>(c: &[f64], z: f64) -> (f64, f64, f64) {
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
pub(super) fn recombine(z: f64, (p, d1, d2): Chains) -> (f64, f64, f64) {
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
pub(super) fn horner_split_asc_avx(c: &[f64], z: f64) -> (f64, f64, f64) {
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
pub(super) fn floor_from(c0: f64, total_abs: f64) -> f64 {
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
    pub(super) c: &'a [f64],
    pub(super) floor: f64,
    pub(super) at_one: (f64, f64, f64),
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
pub(super) fn fujiwara_floor<'a>(coefs: impl ExactSizeIterator<Item = &'a f64>) -> f64 {
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

/// The direct moments of the flows, as the general path has always used them.
pub(super) fn moments(core: &[f64]) -> Moments {
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
