//! Turning a distribution into numbers: every input is sampled by its inverse CDF from one
//! uniform number per trial.
//!
//! Why inverse CDF: one uniform per input and trial makes the random stream of an input depend
//! only on (seed, input name, trial) — comparisons between scenario versions then share draws —
//! and truncation becomes exact (`u` is mapped into `[F(lo), F(hi)]`). PERT and Beta, whose
//! quantile function has no closed form, use a monotone table built once per input.

use statrs::function::beta::{beta_reg, ln_beta};
use statrs::function::erf::{erf, erfc_inv};

use crate::scenario::Dist;

/// A compiled distribution: `quantile(u)` maps a uniform `u ∈ (0, 1)` to a value.
#[derive(Debug, Clone)]
pub struct Sampler {
    kind: Kind,
    /// Probability range `[u_lo, u_hi]` kept after truncation (0, 1 without truncation).
    u_lo: f64,
    u_span: f64,
    /// Values kept by truncation (infinite without). Draws are clamped into them: `u_lo` and
    /// `u_hi` are floating-point numbers (2^-53 apart near 1), so the first and last draws of
    /// the range can otherwise fall a few ulps outside.
    lo: f64,
    hi: f64,
    /// The base-case value: mode of three-point distributions, median otherwise.
    base: f64,
}

#[derive(Debug, Clone)]
enum Kind {
    Fixed(f64),
    Uniform {
        min: f64,
        width: f64,
    },
    Triangular {
        min: f64,
        max: f64,
        mode: f64,
        split: f64,
    },
    Normal {
        mean: f64,
        sd: f64,
    },
    LogNormal {
        mu: f64,
        sigma: f64,
    },
    /// PERT and Beta: a tabulated quantile function.
    Table(Box<QuantileTable>),
    Discrete {
        values: Box<[f64]>,
        cumulative: Box<[f64]>,
    },
    Bernoulli {
        p: f64,
    },
}

fn std_normal_cdf(z: f64) -> f64 {
    0.5 * (1.0 + erf(z / std::f64::consts::SQRT_2))
}

fn std_normal_quantile(u: f64) -> f64 {
    -std::f64::consts::SQRT_2 * erfc_inv(2.0 * u)
}

/// Octaves of `v = min(u, 1 − u)` covered by a quantile table: `v ∈ [2^-(OCTAVES + 1), 1/2]`,
/// which holds every `u` the random streams produce (`2^-54 ≤ u ≤ 1 − 2^-53`).
const OCTAVES: usize = 55;
/// The smallest `v` inside a table, `2^-(OCTAVES + 1)`.
const V_MIN: f64 = 1.0 / (1u64 << (OCTAVES + 1)) as f64;
/// An octave is cut into `2^shift` equal steps in `v`, `shift` from `MIN_SHIFT` up, raised
/// while the octave's estimated interpolation error is above `TARGET_ERROR` (in units of
/// the support width) and raising it helps, at most to `MAX_SHIFT`.
const MIN_SHIFT: u32 = 2;
const MAX_SHIFT: u32 = 10;
const TARGET_ERROR: f64 = 2e-9;
/// Above this estimated error an octave is halved up to `MAX_SHIFT` even when that does not
/// seem to help.
const STALL_ERROR: f64 = 1e-6;
/// `ln x` below which a knot is 0 (x < 1e-300).
const LN_X_MIN: f64 = -690.0;
/// A logit beyond which x rounds to 1.
const Z_MAX: f64 = 40.0;
const MANTISSA: u64 = (1 << 52) - 1;
/// Bits of the position inside a piece: `t` is a multiple of `2^-T_BITS`, which moves a
/// quantile by at most `2^-40` of its piece's span and makes room for [`Piece::hermite`]'s
/// guarantee that rounding cannot make a piece decrease.
const T_BITS: u32 = 40;
const T_MASK: u64 = MANTISSA & !((1 << (52 - T_BITS)) - 1);
/// The bits of 1.0.
const ONE: u64 = 0x3FF0_0000_0000_0000;

/// One piece of a tabulated quantile function: a polynomial in the position `t ∈ [0, 1)`
/// inside the piece, kept between the values at the piece's ends. One cache line.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C, align(64))]
struct Piece {
    /// `c[0] + c[1] t + … + c[5] t⁵`.
    c: [f64; 6],
    lo: f64,
    hi: f64,
}

impl Piece {
    #[inline(always)]
    fn eval(&self, t: f64) -> f64 {
        let c = &self.c;
        let y = c[0] + t * (c[1] + t * (c[2] + t * (c[3] + t * (c[4] + t * c[5]))));
        // Written as comparisons, these are one instruction each (`f64::max` and `f64::min`
        // handle NaN, which cannot occur here, with several).
        let y = if y < self.lo { self.lo } else { y };
        if y > self.hi { self.hi } else { y }
    }

    /// The quintic through `k0` at t = 0 and `k1` at t = 1 matching their values, slopes and
    /// curvatures (`h` apart in `v`), if it is monotone (non-decreasing times `dir`); else a
    /// monotone cubic (Fritsch–Carlson), else a line. The flag tells a quintic.
    ///
    /// A piece is kept only if it rises (times `dir`) by more between any two positions
    /// `2^-T_BITS` apart than rounding can move its value, so [`Piece::eval`] is monotone in
    /// floating point too: `eval` is `c[0] + w(t)` with `w` by Horner's rule, whose error is
    /// at most `γ₉ Σ|c[k]|` (`γₙ = n 2^-53 / (1 − n 2^-53)`), and `c[0] + ·` and the clamp
    /// are monotone. A line's `t · c[1]` is monotone as it is.
    fn hermite(k0: &Knot, k1: &Knot, h: f64, dir: f64) -> (Piece, bool) {
        let (x0, x1) = (k0.x, k1.x);
        let (lo, hi) = (x0.min(x1), x0.max(x1));
        let delta = x1 - x0;
        let (s0, s1) = (h * k0.d1, h * k1.d1);
        let (c0, c1) = (h * h * k0.d2, h * h * k1.d2);
        if [x0, delta, s0, s1, c0, c1].iter().all(|z| z.is_finite()) {
            let c2 = 0.5 * c0;
            let r = delta - s0 - c2;
            let s = s1 - s0 - 2.0 * c2;
            let q = c1 - 2.0 * c2;
            let c = [
                x0,
                s0,
                c2,
                10.0 * r - 4.0 * s + 0.5 * q,
                -15.0 * r + 7.0 * s - q,
                6.0 * r - 3.0 * s + 0.5 * q,
            ];
            if rises_enough(&c, dir) {
                return (Piece { c, lo, hi }, true);
            }
        }
        if delta == 0.0 || !delta.is_finite() {
            let c = [x0, 0.0, 0.0, 0.0, 0.0, 0.0];
            return (Piece { c, lo, hi }, false);
        }
        // End slopes kept within [0, 3] times the secant.
        let limit = |s: f64| {
            let r = s / delta;
            delta * if r.is_nan() { 1.0 } else { r.clamp(0.0, 3.0) }
        };
        let (s0, s1) = (limit(s0), limit(s1));
        let cubic = [
            x0,
            s0,
            3.0 * delta - 2.0 * s0 - s1,
            s0 + s1 - 2.0 * delta,
            0.0,
            0.0,
        ];
        let c = if rises_enough(&cubic, dir) {
            cubic
        } else {
            [x0, delta, 0.0, 0.0, 0.0, 0.0]
        };
        (Piece { c, lo, hi }, false)
    }
}

/// True when the polynomial `c` (degree ≤ 5) has a derivative, times `dir`, of at least
/// `4 γ₉ Σ_{k≥1} |c[k]| 2^T_BITS` on [0, 1] (see [`Piece::hermite`]; twice what is needed,
/// for the rounding of this test).
fn rises_enough(c: &[f64; 6], dir: f64) -> bool {
    let gamma9 = 9.0 * f64::EPSILON / 2.0 / (1.0 - 9.0 * f64::EPSILON / 2.0);
    let scale: f64 = c[1..].iter().map(|z| z.abs()).sum();
    let needed = 4.0 * gamma9 * scale * (1u64 << T_BITS) as f64;
    // The derivative's Bernstein coefficients (degree 4).
    let d = [c[1], 2.0 * c[2], 3.0 * c[3], 4.0 * c[4], 5.0 * c[5]].map(|z| z * dir);
    let bernstein = [
        d[0],
        d[0] + d[1] / 4.0,
        d[0] + d[1] / 2.0 + d[2] / 6.0,
        d[0] + 0.75 * d[1] + d[2] / 2.0 + d[3] / 4.0,
        d[0] + d[1] + d[2] + d[3] + d[4],
    ];
    at_least(bernstein, needed, 4)
}

/// True when the quartic with Bernstein coefficients `b` on [0, 1] is at least `min` there,
/// as far as `depth` halvings can tell (false when undecided).
fn at_least(b: [f64; 5], min: f64, depth: u32) -> bool {
    if b.iter().all(|&z| z >= min) {
        return true;
    }
    if depth == 0 || b[0] < min || b[4] < min {
        return false;
    }
    // de Casteljau at t = 1/2.
    let mut left = [0.0; 5];
    let mut right = [0.0; 5];
    let mut w = b;
    for i in 0..5 {
        left[i] = w[0];
        right[4 - i] = w[4 - i];
        for k in 0..4 - i {
            w[k] = 0.5 * (w[k] + w[k + 1]);
        }
    }
    at_least(left, min, depth - 1) && at_least(right, min, depth - 1)
}

/// The quantile function below a table (`v < V_MIN`): `end + (edge − end) (v / V_MIN)^power`,
/// continuous with the table at `V_MIN` and reaching the end of the support at `v = 0`.
#[derive(Debug, Clone, Copy)]
struct Tail {
    end: f64,
    edge: f64,
    power: f64,
}

/// Where an octave's pieces start and how many (`2^shift`). Laid out as one 64-bit word
/// (`first` low, `shift` high on x86-64), which the AVX2 lookup reads four at a time.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C, align(8))]
struct Octave {
    first: u32,
    shift: u32,
}

/// Quantile function of a (scaled) Beta distribution, tabulated as piecewise quintic Hermite
/// interpolation in `u`, on knots placed by octaves of `v = min(u, 1 − u)`.
///
/// Each octave `[2^-(k+1), 2^-k)` of `v`, on either side of the median, is cut into equal
/// steps, so the knots are dense where the quantile function bends (the tails) and a lookup
/// needs no search: the piece is read off the exponent and the top mantissa bits of `v`. At
/// every knot the table holds the exact quantile `Q` (solved on statrs' regularised
/// incomplete beta; the upper half on the mirrored distribution, so that `1 − F` keeps its
/// precision) and interpolates with the exact slopes `Q' = 1/f(Q)` and
/// `Q'' = −f'(Q)/f(Q)³`, which the density gives in closed form. An octave starts with 4
/// steps, halved while its estimated error is above `TARGET_ERROR`: usual PERT shapes end
/// with 8 steps in the first octaves and 4–8 further out, strongly U-shaped Betas with
/// hundreds in the central octave. Building a PERT table evaluates the incomplete beta
/// about 500–900 times (the previous 4,097-point table: 1,025).
///
/// Accuracy: the error is at most 1e-8 of the support width (measured: at most 1.8e-9) for
/// PERT of any mode and shape up to 1e4 and for Beta with α and β in [0.01, 1e4], at every
/// `u` the random streams produce (`2^-54` to `1 − 2^-53`), against bisection on the same
/// incomplete beta (unit tests `beta_quantile_matches_reference` and, over the whole range,
/// `beta_quantile_matches_reference_sweep`). The previous table was off by 5e-7 to 2e-3 of
/// the width on the same shapes. Outside that range (near two-point Betas with α, β below
/// 0.01; parameters above 1e4, where statrs' incomplete beta itself loses digits) no bound is
/// claimed. Below `v = 2^-56` (reachable only through truncation) a power law continues the
/// table to the end of the support.
///
/// Monotone, in floating point too: knots are non-decreasing; a piece is a quintic only if
/// it rises by more between two positions it can be evaluated at than rounding can move it
/// (see [`Piece::hermite`]), else a monotone cubic or a line; and each result is clamped
/// between the values at its piece's ends. Every value is inside the support.
///
/// Size: 500–900 pieces of 64 bytes (30–56 KB) for usual shapes, but draws concentrate where
/// `v` is large: the top six octaves, 98% of draws, are 6 KB.
#[derive(Debug, Clone)]
struct QuantileTable {
    octaves: [Octave; OCTAVES],
    /// Step `j` of octave `o` covers `v ∈ 2^-(o+2) [1 + j / 2^shift, 1 + (j + 1) / 2^shift]`;
    /// its piece below the median is `pieces[2 (first + j)]`, above it the next one.
    pieces: Box<[Piece]>,
    median: f64,
    /// Below the table: lower half, upper half.
    tails: [Tail; 2],
}

impl QuantileTable {
    #[inline]
    fn quantile(&self, u: f64) -> f64 {
        let upper = u > 0.5;
        // min(u, 1 − u), exactly: for u > 1/2, 1 − u has no rounding error.
        let v = if 1.0 - u < u { 1.0 - u } else { u };
        let bits = v.to_bits();
        // Octave 0 is [1/4, 1/2) (biased exponent 1021); v = 1/2, v < V_MIN, v ≤ 0 fall outside.
        let octave = 1021u64.wrapping_sub(bits >> 52) as usize;
        if octave >= OCTAVES {
            return self.outside(upper, v);
        }
        let Octave { first, shift } = self.octaves[octave];
        let mantissa = bits & MANTISSA;
        let step = (mantissa >> (52 - shift)) as usize;
        // The position in the step, t ∈ [0, 1): the top `T_BITS` mantissa bits below the
        // step as a fraction, exactly.
        let t = f64::from_bits(ONE | ((mantissa << shift) & T_MASK)) - 1.0;
        self.pieces[((first as usize + step) << 1) | usize::from(upper)].eval(t)
    }

    #[cold]
    #[inline(never)]
    fn outside(&self, upper: bool, v: f64) -> f64 {
        if v >= 0.5 || v.is_nan() {
            return self.median;
        }
        let tail = &self.tails[usize::from(upper)];
        if v <= 0.0 {
            return tail.end;
        }
        tail.end + (tail.edge - tail.end) * (v / V_MIN).powf(tail.power)
    }

    /// The largest `u` whose quantile is at most `x`: the table's own CDF, so truncation to
    /// `[cdf(lo), cdf(hi)]` keeps draws inside `[lo, hi]`. Bisection on the bits of `u`.
    fn cdf(&self, x: f64) -> f64 {
        if self.quantile(0.0) > x {
            return 0.0;
        }
        if self.quantile(1.0) <= x {
            return 1.0;
        }
        // quantile(lo) ≤ x < quantile(hi); non-negative floats are ordered like their bits.
        let (mut lo, mut hi) = (0u64, 1f64.to_bits());
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if self.quantile(f64::from_bits(mid)) <= x {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        f64::from_bits(lo)
    }

    /// The table of `offset + scale · X` for `X ~ Beta(a, b)`.
    fn beta(a: f64, b: f64, offset: f64, scale: f64) -> QuantileTable {
        // Below the median on Beta(a, b); above it on Beta(b, a), whose variable is the
        // distance from the top end.
        let dists = [BetaFn::new(a, b), BetaFn::new(b, a)];
        let x_med = dists[0].solve(0.5, dists[0].median_guess().ln());
        let mut tops = [dists[0].knot(x_med), dists[1].knot(1.0 - x_med)];
        let median = offset + scale * x_med;
        // Value = end + dir · scale · (unit value).
        let ends = [(offset, 1.0), (offset + scale, -1.0)];
        let mut last = [median; 2];
        let mut octaves = [Octave::default(); OCTAVES];
        let mut pieces = Vec::with_capacity(16 * OCTAVES);
        for (o, octave) in octaves.iter_mut().enumerate() {
            let mut shift = MIN_SHIFT;
            let mut knots = [0, 1].map(|s| dists[s].octave_knots(&tops[s], o, shift));
            let mut error = octave_error(&knots, o, shift);
            let mut best = (knots.clone(), error, shift);
            let mut stalls = 0;
            while error > TARGET_ERROR && shift < MAX_SHIFT {
                knots = [0, 1].map(|s| dists[s].refine(&knots[s], o, shift));
                shift += 1;
                let finer = octave_error(&knots, o, shift);
                // The error of a quintic shrinks 64 times when its steps are halved. A
                // large error that does not shrink is a feature narrower than the steps (the
                // near-jump of a Beta with both parameters near 0): keep halving. A small
                // one that does not shrink twice in a row is noise of the incomplete beta
                // (parameters in the hundreds of thousands): stop.
                stalls = if finer > error / 2.0 { stalls + 1 } else { 0 };
                error = finer;
                if error < best.1 {
                    best = (knots.clone(), error, shift);
                }
                if stalls == 2 && error < STALL_ERROR {
                    break;
                }
            }
            let (knots, _, shift) = best;
            let steps = 1usize << shift;
            *octave = Octave {
                first: (pieces.len() / 2) as u32,
                shift,
            };
            let values = [0, 1].map(|s| {
                let (end, dir) = ends[s];
                let mut values: Vec<Knot> = knots[s]
                    .iter()
                    .map(|k| Knot {
                        x: (end + dir * scale * k.x).clamp(offset, offset + scale),
                        d1: dir * scale * k.d1,
                        d2: dir * scale * k.d2,
                    })
                    .collect();
                // The octave's top knot is the previous octave's bottom one; monotone
                // going down in v (values falling below the median, rising above it).
                values[0].x = last[s];
                for i in 1..values.len() {
                    let above = values[i - 1].x;
                    let x = &mut values[i].x;
                    *x = if s == 0 { x.min(above) } else { x.max(above) };
                }
                last[s] = values[steps].x;
                values
            });
            let h = step_width(o, shift);
            for j in 0..steps {
                // Step j runs from knot steps − j (its lower v) to the one above.
                for (s, values) in values.iter().enumerate() {
                    let k = steps - j;
                    pieces.push(Piece::hermite(&values[k], &values[k - 1], h, ends[s].1).0);
                }
            }
            tops = [knots[0][steps], knots[1][steps]];
        }
        let tails = [0, 1].map(|s| {
            // Continue the power law the last knot is on: d ln y / d ln v = v y' / y.
            let power = V_MIN * tops[s].d1 / tops[s].x;
            Tail {
                end: ends[s].0,
                edge: last[s],
                power: if power.is_finite() && power > 0.0 {
                    power
                } else {
                    1.0
                },
            }
        });
        QuantileTable {
            octaves,
            pieces: pieces.into_boxed_slice(),
            median,
            tails,
        }
    }
}

/// The width in `v` of the steps of octave `o` cut into `2^shift`.
fn step_width(o: usize, shift: u32) -> f64 {
    0.25 / (1u64 << (o as u32 + shift)) as f64
}

/// The `v` of knot `i` of octave `o` cut into `2^shift` steps, counting down from its top
/// (`i = 0`, `v = 2^-(o+1)`) to its bottom (`i = 2^shift`, `v = 2^-(o+2)`).
fn knot_v(o: usize, shift: u32, i: usize) -> f64 {
    step_width(o, shift) * ((2usize << shift) - i) as f64
}

/// The interpolation error of an octave's knots (both halves, in units of the support
/// width), estimated from how far the pieces through every other knot miss the knots in
/// between: the error of a quintic piece shrinks as the sixth power of its width, 64 times
/// when it halves (counted as 32; measured, 45 to 64), that of a cubic one 16 times (counted
/// as 8).
fn octave_error(knots: &[Vec<Knot>; 2], o: usize, shift: u32) -> f64 {
    let h = 2.0 * step_width(o, shift);
    let mut worst = 0.0f64;
    for knots in knots {
        for mid in (1..knots.len()).step_by(2) {
            let (piece, quintic) = Piece::hermite(&knots[mid + 1], &knots[mid - 1], h, 1.0);
            let miss = (piece.eval(0.5) - knots[mid].x).abs();
            worst = worst.max(miss / if quintic { 32.0 } else { 8.0 });
        }
    }
    worst
}

/// A knot of a tabulated quantile function: the value and its first two derivatives in `v`.
#[derive(Debug, Clone, Copy)]
struct Knot {
    x: f64,
    d1: f64,
    d2: f64,
}

#[cfg(test)]
thread_local!(static EVALS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) });

/// Beta(a, b) on [0, 1] for building quantile tables: its CDF, density, and quantiles solved
/// from the CDF.
struct BetaFn {
    a: f64,
    b: f64,
    ln_beta: f64,
}

/// `1 / (1 + e^-z)`.
fn logistic(z: f64) -> f64 {
    if z < 0.0 {
        let e = z.exp();
        e / (1.0 + e)
    } else {
        1.0 / (1.0 + (-z).exp())
    }
}

/// `c · ln(y)`, zero when `c` is (also at y = 0).
fn c_ln(c: f64, y: f64) -> f64 {
    if c == 0.0 { 0.0 } else { c * y.ln() }
}

/// `c / y`, zero when `c` is (also at y = 0).
fn c_over(c: f64, y: f64) -> f64 {
    if c == 0.0 { 0.0 } else { c / y }
}

impl BetaFn {
    fn new(a: f64, b: f64) -> Self {
        BetaFn {
            a,
            b,
            ln_beta: ln_beta(a, b),
        }
    }

    fn cdf(&self, x: f64) -> f64 {
        #[cfg(test)]
        EVALS.with(|c| c.set(c.get() + 1));
        if x > 0.0 {
            beta_reg(self.a, self.b, x.min(1.0))
        } else {
            0.0
        }
    }

    fn ln_pdf(&self, x: f64) -> f64 {
        let q = self.b - 1.0;
        c_ln(self.a - 1.0, x) + if q == 0.0 { 0.0 } else { q * (-x).ln_1p() } - self.ln_beta
    }

    /// `f'/f` and its derivative.
    fn dln_pdf(&self, x: f64) -> (f64, f64) {
        let (p, q) = (self.a - 1.0, self.b - 1.0);
        (
            c_over(p, x) - c_over(q, 1.0 - x),
            -c_over(p, x * x) - c_over(q, (1.0 - x) * (1.0 - x)),
        )
    }

    fn median_guess(&self) -> f64 {
        let (a, b) = (self.a, self.b);
        if a >= 1.0 && b >= 1.0 {
            (a - 1.0 / 3.0) / (a + b - 2.0 / 3.0)
        } else {
            a / (a + b)
        }
    }

    /// The knot at quantile `x`: `Q' = 1/f`, `Q'' = −(f'/f) Q'²`.
    fn knot(&self, x: f64) -> Knot {
        let d1 = (-self.ln_pdf(x)).exp();
        Knot {
            x,
            d1,
            d2: if d1 == 0.0 {
                0.0
            } else {
                -self.dln_pdf(x).0 * d1 * d1
            },
        }
    }

    /// The quantile at `v_next`, from the one at `v` (`x`, not above it when `v_next < v`):
    /// a third-order Taylor step of `ln x` against `ln v`, then [`BetaFn::solve`].
    fn next(&self, x: f64, v: f64, v_next: f64) -> f64 {
        if x <= 0.0 {
            return 0.0;
        }
        // Derivatives of G(s) = ln F(e^s) at s = ln x, where F = v, and of its inverse.
        let (l1, l2) = self.dln_pdf(x);
        let g1 = (x.ln() + self.ln_pdf(x) - v.ln()).exp();
        let xl = x * l1;
        let g2 = g1 * (1.0 + xl - g1);
        let g3 = g2 * (1.0 + xl - g1) + g1 * (xl + x * x * l2 - g2);
        let q = 1.0 / g1;
        let s2 = -g2 * q * q * q;
        let s3 = -g3 * q.powi(4) + 3.0 * g2 * g2 * q.powi(5);
        let d = (v_next / v).ln();
        let guess = x.ln() + d * (q + d / 2.0 * (s2 + d / 3.0 * s3));
        let guess = if guess.is_nan() { x.ln() } else { guess };
        if guess <= LN_X_MIN {
            return 0.0;
        }
        self.solve(v_next, guess)
    }

    /// The `x` with `F(x) = v` (`v ≤ 1/2`), from a guess of `ln x`: Halley's method on
    /// `ln F` against `z = ln(x / (1 − x))`, which is close to linear in both tails, kept
    /// inside a bracket. Below `x = e^LN_X_MIN` the answer is 0.
    fn solve(&self, v: f64, guess: f64) -> f64 {
        let ln_v = v.ln();
        // F(x(lo)) < v ≤ F(x(hi)); x(Z_MAX) rounds to 1.
        let (mut lo, mut hi) = (LN_X_MIN, Z_MAX);
        let mut z = if guess < 0.0 {
            (guess - (-guess.exp()).ln_1p()).clamp(lo, hi)
        } else if guess >= 0.0 {
            hi
        } else {
            0.0
        };
        for _ in 0..100 {
            let x = logistic(z);
            let f = self.cdf(x);
            let g = f.ln() - ln_v;
            if g < 0.0 {
                lo = z;
            } else if g > 0.0 {
                hi = z;
            } else {
                return x;
            }
            if hi <= LN_X_MIN {
                return 0.0;
            }
            // With w = x (1 − x) = dx/dz: G' = f w / F, G'' = G' (w f'/f + 1 − 2x − G').
            let w = x * (1.0 - x);
            let g1 = (self.ln_pdf(x) + w.ln() - f.ln()).exp();
            let g2 = g1 * (w * self.dln_pdf(x).0 + 1.0 - 2.0 * x - g1);
            let newton = g / g1;
            let step = -newton / (1.0 - 0.5 * newton * g2 / g1);
            if newton.abs() <= 1e-6 && step.abs() <= 2e-6 {
                // Halley's method converges cubically: what is left is far below 1e-16.
                return logistic(z + step);
            }
            let next = z + step;
            z = if next > lo && next < hi {
                next
            } else {
                0.5 * (lo + hi)
            };
            if hi - lo <= 1e-15 {
                break;
            }
        }
        logistic(z)
    }

    /// The knots of octave `o` cut into `2^shift` steps, from its top knot `top` down.
    fn octave_knots(&self, top: &Knot, o: usize, shift: u32) -> Vec<Knot> {
        let mut knots = Vec::with_capacity((1 << shift) + 1);
        knots.push(*top);
        for i in 1..=1 << shift {
            let x = knots[i - 1].x;
            let x = self
                .next(x, knot_v(o, shift, i - 1), knot_v(o, shift, i))
                .min(x);
            knots.push(self.knot(x));
        }
        knots
    }

    /// An octave's knots with its steps halved: the old knots and one between each two.
    fn refine(&self, knots: &[Knot], o: usize, shift: u32) -> Vec<Knot> {
        let mut finer = Vec::with_capacity(2 * knots.len() - 1);
        for (i, pair) in knots.windows(2).enumerate() {
            let (above, below) = (pair[0].x, pair[1].x);
            let x = self.next(above, knot_v(o, shift, i), knot_v(o, shift + 1, 2 * i + 1));
            finer.push(pair[0]);
            finer.push(self.knot(x.max(below).min(above)));
        }
        finer.push(knots[knots.len() - 1]);
        finer
    }
}

impl Kind {
    fn quantile(&self, u: f64) -> f64 {
        match self {
            Kind::Fixed(v) => *v,
            Kind::Uniform { min, width } => min + width * u,
            Kind::Triangular {
                min,
                max,
                mode,
                split,
            } => {
                if u < *split {
                    min + (u * (max - min) * (mode - min)).sqrt()
                } else {
                    max - ((1.0 - u) * (max - min) * (max - mode)).sqrt()
                }
            }
            Kind::Normal { mean, sd } => mean + sd * std_normal_quantile(u),
            Kind::LogNormal { mu, sigma } => (mu + sigma * std_normal_quantile(u)).exp(),
            Kind::Table(table) => table.quantile(u),
            Kind::Discrete { values, cumulative } => {
                let i = cumulative.partition_point(|&c| c < u).min(values.len() - 1);
                values[i]
            }
            Kind::Bernoulli { p } => {
                if u < *p {
                    1.0
                } else {
                    0.0
                }
            }
        }
    }

    fn cdf(&self, x: f64) -> f64 {
        match self {
            Kind::Fixed(v) => {
                if x >= *v {
                    1.0
                } else {
                    0.0
                }
            }
            Kind::Uniform { min, width } => ((x - min) / width).clamp(0.0, 1.0),
            Kind::Triangular { min, max, mode, .. } => {
                if x <= *min {
                    0.0
                } else if x >= *max {
                    1.0
                } else if x <= *mode {
                    (x - min).powi(2) / ((max - min) * (mode - min))
                } else {
                    1.0 - (max - x).powi(2) / ((max - min) * (max - mode))
                }
            }
            Kind::Normal { mean, sd } => std_normal_cdf((x - mean) / sd),
            Kind::LogNormal { mu, sigma } => {
                if x <= 0.0 {
                    0.0
                } else {
                    std_normal_cdf((x.ln() - mu) / sigma)
                }
            }
            Kind::Table(table) => table.cdf(x),
            Kind::Discrete { values, cumulative } => values
                .iter()
                .zip(cumulative.iter())
                .filter(|(v, _)| **v <= x)
                .map(|(_, c)| *c)
                .fold(0.0, f64::max),
            Kind::Bernoulli { p } => {
                if x < 0.0 {
                    0.0
                } else if x < 1.0 {
                    1.0 - p
                } else {
                    1.0
                }
            }
        }
    }
}

impl Sampler {
    /// Compile a validated distribution (with optional truncation) into a sampler.
    pub fn new(dist: &Dist, truncate: Option<(f64, f64)>) -> Sampler {
        let mut mode = None;
        let kind = match dist {
            Dist::Fixed(v) => Kind::Fixed(*v),
            Dist::Uniform { min, max } => Kind::Uniform {
                min: *min,
                width: max - min,
            },
            Dist::Triangular { min, mode: m, max } => {
                mode = Some(*m);
                if max > min {
                    Kind::Triangular {
                        min: *min,
                        max: *max,
                        mode: *m,
                        split: (m - min) / (max - min),
                    }
                } else {
                    Kind::Fixed(*m)
                }
            }
            Dist::Pert {
                min,
                mode: m,
                max,
                shape,
            } => {
                mode = Some(*m);
                if max > min {
                    let a = 1.0 + shape * (m - min) / (max - min);
                    let b = 1.0 + shape * (max - m) / (max - min);
                    Kind::Table(Box::new(QuantileTable::beta(a, b, *min, max - min)))
                } else {
                    Kind::Fixed(*m)
                }
            }
            Dist::Normal { mean, sd } => Kind::Normal {
                mean: *mean,
                sd: *sd,
            },
            Dist::LogNormal { mu, sigma } => Kind::LogNormal {
                mu: *mu,
                sigma: *sigma,
            },
            // Beta(1, 1) is the uniform distribution: exact, and no table.
            Dist::Beta { alpha, beta } if *alpha == 1.0 && *beta == 1.0 => Kind::Uniform {
                min: 0.0,
                width: 1.0,
            },
            Dist::Beta { alpha, beta } => {
                Kind::Table(Box::new(QuantileTable::beta(*alpha, *beta, 0.0, 1.0)))
            }
            Dist::Discrete { values, weights } => {
                let total: f64 = weights.iter().sum();
                let mut acc = 0.0;
                let cumulative: Vec<f64> = weights
                    .iter()
                    .map(|w| {
                        acc += w / total;
                        acc
                    })
                    .collect();
                Kind::Discrete {
                    values: values.clone().into_boxed_slice(),
                    cumulative: cumulative.into_boxed_slice(),
                }
            }
            Dist::Bernoulli { p } => Kind::Bernoulli { p: *p },
        };
        let ((u_lo, u_hi), (lo, hi)) = match truncate {
            Some((lo, hi)) => {
                // Probability just below `lo` so that an atom at `lo` is kept.
                let below = if lo.is_finite() {
                    kind.cdf(lo - f64::EPSILON * lo.abs().max(1.0))
                } else {
                    0.0
                };
                let upto = if hi.is_finite() { kind.cdf(hi) } else { 1.0 };
                if upto > below {
                    ((below, upto), (lo, hi))
                } else {
                    ((0.0, 1.0), (f64::NEG_INFINITY, f64::INFINITY))
                }
            }
            None => ((0.0, 1.0), (f64::NEG_INFINITY, f64::INFINITY)),
        };
        let mut sampler = Sampler {
            kind,
            u_lo,
            u_span: u_hi - u_lo,
            lo,
            hi,
            base: 0.0,
        };
        sampler.base = match (mode, truncate) {
            (Some(m), Some((lo, hi))) => m.clamp(lo, hi),
            (Some(m), None) => m,
            _ => sampler.quantile(0.5),
        };
        if let Some((lo, hi)) = truncate {
            sampler.base = sampler.base.clamp(lo, hi);
        }
        sampler
    }

    /// The value for a uniform `u ∈ (0, 1)`.
    #[inline]
    pub fn quantile(&self, u: f64) -> f64 {
        let u = self.u_lo + self.u_span * u;
        // Tables (PERT, Beta) inline, the rest behind a call: in a loop over one input's
        // draws the table lookups then overlap with each other.
        let x = match &self.kind {
            Kind::Table(table) => table.quantile(u),
            kind => kind.quantile(u),
        };
        // Comparisons rather than `f64::clamp`: one instruction each.
        let x = if x < self.lo { self.lo } else { x };
        if x > self.hi { self.hi } else { x }
    }

    /// Replace each uniform of `values` by its value, `quantile(u)` to the bit: the engine
    /// draws an input for a lane of trials at a time. PERT and Beta tables go four values per
    /// step on x86-64 with AVX2 (checked at run time), with the same operations in the same
    /// order (AVX2 brings no fused multiply-add).
    #[inline]
    pub fn quantiles_in_place(&self, values: &mut [f64]) {
        #[cfg(target_arch = "x86_64")]
        if let Kind::Table(table) = &self.kind
            && std::arch::is_x86_feature_detected!("avx2")
        {
            // SAFETY: the processor has AVX2 (checked just above).
            unsafe { self.table_quantiles_avx2(table, values) };
            return;
        }
        self.quantiles_in_place_portable(values);
    }

    /// [`quantiles_in_place`](Self::quantiles_in_place) for uniforms that stand for ranks, as
    /// the correlated draws' do: the value never falls as `u` rises, whatever the distribution.
    /// That is `quantile(u)` for every distribution but Bernoulli, whose independent draws
    /// count `u < p` as the event (kept, so a seed keeps drawing what it always drew), which
    /// would turn a positive rank correlation into a negative one. Here the event is the top
    /// `p` of the ranks: `quantile(1 − u)`.
    pub fn rank_quantiles_in_place(&self, values: &mut [f64]) {
        if matches!(self.kind, Kind::Bernoulli { .. }) {
            for v in values.iter_mut() {
                *v = self.quantile(1.0 - *v);
            }
            return;
        }
        self.quantiles_in_place(values);
    }

    #[inline(always)]
    fn quantiles_in_place_portable(&self, values: &mut [f64]) {
        for v in values {
            *v = self.quantile(*v);
        }
    }

    /// [`quantiles_in_place`](Self::quantiles_in_place) for a table, four values per AVX2
    /// register: [`QuantileTable::quantile`]'s steps on four lanes, the octaves gathered and
    /// the four pieces loaded and transposed, then the same Horner steps and clamps. A group
    /// of four with a value outside the table (only `u = 1/2` exactly, or the far tails that
    /// truncation can reach) goes through the scalar path.
    ///
    /// # Safety
    /// The processor must support AVX2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn table_quantiles_avx2(&self, table: &QuantileTable, values: &mut [f64]) {
        use std::arch::x86_64::*;
        let (u_lo, u_span) = (_mm256_set1_pd(self.u_lo), _mm256_set1_pd(self.u_span));
        let (lo, hi) = (_mm256_set1_pd(self.lo), _mm256_set1_pd(self.hi));
        let one = _mm256_set1_pd(1.0);
        let half = _mm256_set1_pd(0.5);
        let top_octave = _mm256_set1_epi64x(1021);
        let octaves = _mm256_set1_epi64x(OCTAVES as i64);
        let minus_one = _mm256_set1_epi64x(-1);
        let mantissa_mask = _mm256_set1_epi64x(MANTISSA as i64);
        let t_mask = _mm256_set1_epi64x(T_MASK as i64);
        let one_bits = _mm256_set1_epi64x(ONE as i64);
        let low32 = _mm256_set1_epi64x(0xFFFF_FFFF);
        let fifty_two = _mm256_set1_epi64x(52);
        let upper_bit = _mm256_set1_epi64x(1);
        let pieces = &table.pieces;
        let n = values.len();
        let mut i = 0;
        while i + 4 <= n {
            // SAFETY: i + 4 <= n: reads values[i..i + 4].
            let u = unsafe { _mm256_loadu_pd(values.as_ptr().add(i)) };
            let u = _mm256_add_pd(u_lo, _mm256_mul_pd(u_span, u));
            let upper = _mm256_castpd_si256(_mm256_cmp_pd::<_CMP_GT_OQ>(u, half));
            let w = _mm256_sub_pd(one, u);
            let v = _mm256_blendv_pd(u, w, _mm256_cmp_pd::<_CMP_LT_OQ>(w, u));
            let bits = _mm256_castpd_si256(v);
            let octave = _mm256_sub_epi64(top_octave, _mm256_srli_epi64::<52>(bits));
            let inside = _mm256_and_si256(
                _mm256_cmpgt_epi64(octaves, octave),
                _mm256_cmpgt_epi64(octave, minus_one),
            );
            if _mm256_movemask_pd(_mm256_castsi256_pd(inside)) != 0b1111 {
                self.quantiles_in_place_portable(&mut values[i..i + 4]);
                i += 4;
                continue;
            }
            // SAFETY: every lane of `octave` is in 0..OCTAVES (checked just above), and an
            // `Octave` is one aligned 64-bit word.
            let octave = unsafe {
                _mm256_i64gather_epi64::<8>(table.octaves.as_ptr().cast::<i64>(), octave)
            };
            let first = _mm256_and_si256(octave, low32);
            let shift = _mm256_srli_epi64::<32>(octave);
            let mantissa = _mm256_and_si256(bits, mantissa_mask);
            let step = _mm256_srlv_epi64(mantissa, _mm256_sub_epi64(fifty_two, shift));
            let t = _mm256_and_si256(_mm256_sllv_epi64(mantissa, shift), t_mask);
            let t = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(t, one_bits)), one);
            let index = _mm256_or_si256(
                _mm256_slli_epi64::<1>(_mm256_add_epi64(first, step)),
                _mm256_and_si256(upper, upper_bit),
            );
            let mut at = [0u64; 4];
            // SAFETY: writes four 64-bit lanes into `at`.
            unsafe { _mm256_storeu_si256(at.as_mut_ptr().cast(), index) };
            // Rows: a piece's c[0..4], then c[4], c[5], lo, hi.
            let piece = |k: usize| -> (__m256d, __m256d) {
                let p = &pieces[at[k] as usize];
                // SAFETY: a `Piece` is eight contiguous f64 (`repr(C)`): c[0..6], lo, hi.
                unsafe {
                    let base = (p as *const Piece).cast::<f64>();
                    (_mm256_loadu_pd(base), _mm256_loadu_pd(base.add(4)))
                }
            };
            let (a0, b0) = piece(0);
            let (a1, b1) = piece(1);
            let (a2, b2) = piece(2);
            let (a3, b3) = piece(3);
            let [c0, c1, c2, c3] = transpose(a0, a1, a2, a3);
            let [c4, c5, p_lo, p_hi] = transpose(b0, b1, b2, b3);
            let y = _mm256_add_pd(c4, _mm256_mul_pd(t, c5));
            let y = _mm256_add_pd(c3, _mm256_mul_pd(t, y));
            let y = _mm256_add_pd(c2, _mm256_mul_pd(t, y));
            let y = _mm256_add_pd(c1, _mm256_mul_pd(t, y));
            let y = _mm256_add_pd(c0, _mm256_mul_pd(t, y));
            // `max(a, b)` is `a > b ? a : b` and `min(a, b)` is `a < b ? a : b`: the scalar
            // comparisons, NaN included.
            let y = _mm256_min_pd(p_hi, _mm256_max_pd(p_lo, y));
            let x = _mm256_min_pd(hi, _mm256_max_pd(lo, y));
            // SAFETY: i + 4 <= n: writes values[i..i + 4].
            unsafe { _mm256_storeu_pd(values.as_mut_ptr().add(i), x) };
            i += 4;
        }
        self.quantiles_in_place_portable(&mut values[i..]);
    }

    /// The base-case value: the mode of triangular and PERT inputs, the median otherwise
    /// (so a Bernoulli event happens in the base case only if p > 0.5).
    pub fn base_value(&self) -> f64 {
        self.base
    }

    /// True when every draw is the same number (no random stream needed).
    pub fn is_fixed(&self) -> bool {
        matches!(self.kind, Kind::Fixed(_))
    }
}

/// Rows to columns: `[r0[k], r1[k], r2[k], r3[k]]` for k = 0..4.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn transpose(
    r0: std::arch::x86_64::__m256d,
    r1: std::arch::x86_64::__m256d,
    r2: std::arch::x86_64::__m256d,
    r3: std::arch::x86_64::__m256d,
) -> [std::arch::x86_64::__m256d; 4] {
    use std::arch::x86_64::*;
    let (t0, t1) = (_mm256_unpacklo_pd(r0, r1), _mm256_unpackhi_pd(r0, r1));
    let (t2, t3) = (_mm256_unpacklo_pd(r2, r3), _mm256_unpackhi_pd(r2, r3));
    [
        _mm256_permute2f128_pd::<0x20>(t0, t2),
        _mm256_permute2f128_pd::<0x20>(t1, t3),
        _mm256_permute2f128_pd::<0x31>(t0, t2),
        _mm256_permute2f128_pd::<0x31>(t1, t3),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Largest error of a PERT or Beta quantile table, in units of the support width, for
    /// PERT of any mode and shape up to 1e4 and Beta with α, β in [0.01, 1e4] (measured at
    /// most 1.8e-9; the previous 4,097-point table was off by 5e-7 to 2e-3).
    const TABLE_ERROR_BOUND: f64 = 1e-8;

    /// Beta(a, b)'s quantile by bisection on the bits of x against statrs' regularised
    /// incomplete beta; above the median on Beta(b, a), so that 1 − F keeps its precision.
    fn reference(a: f64, b: f64, u: f64) -> f64 {
        let (a, b, v) = if u <= 0.5 { (a, b, u) } else { (b, a, 1.0 - u) };
        let (mut lo, mut hi) = (0u64, 1f64.to_bits());
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if beta_reg(a, b, f64::from_bits(mid)) < v {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        let x = f64::from_bits(hi);
        if u <= 0.5 { x } else { 1.0 - x }
    }

    /// Where a table is least accurate (the middle of every piece, both halves), a uniform
    /// grid, both tails down to 1e-16, and the extremes the random streams produce.
    fn test_points(table: &QuantileTable) -> Vec<f64> {
        let mut us = vec![2f64.powi(-54), 1e-12, 1.0 - 1e-12, 1.0 - 2f64.powi(-53)];
        // Where the previous table switched to its CDF grid.
        us.extend(
            [0.5, 1.0, 1.5]
                .map(|k| k / 4096.0)
                .map(|v| [v, 1.0 - v])
                .concat(),
        );
        for (o, octave) in table.octaves.iter().enumerate() {
            let steps = 1usize << octave.shift;
            for j in 0..steps {
                let v = step_width(o, octave.shift) * ((steps + j) as f64 + 0.5);
                us.extend([v, 1.0 - v]);
            }
        }
        us.extend((1..400).map(|i| i as f64 / 400.0));
        for k in 1..=64 {
            let v = 10f64.powf(-(k as f64) / 4.0);
            us.extend([v, 1.0 - v]);
        }
        us
    }

    /// (a, b, min, max) of PERT inputs (a = 1 + shape (mode − min) / (max − min)) and Betas.
    const SHAPES: &[(f64, f64, f64, f64)] = &[
        (3.0, 3.0, 0.0, 1.0), // PERT, mode in the middle, shape 4
        (1.0 + 4.0 * 0.1, 1.0 + 4.0 * 0.9, -2.0, 8.0), // mode at 10%
        (1.004, 4.996, 0.0, 1.0), // mode at 0.1%: very skewed
        (1.0, 5.0, 0.0, 1.0), // mode at the minimum
        (5.0, 1.0, 0.0, 1.0), // mode at the maximum
        (1.5, 1.5, 0.0, 1.0), // shape 1
        (6.0, 96.0, 0.0, 1.0), // shape 100, mode at 5%
        (51.0, 51.0, 0.0, 1.0), // shape 100, symmetric
        (2.176, 3.824, 420_000.0, 2_800_000.0), // a bench-peer.toml input
        (0.5, 0.5, 0.0, 1.0), // U-shaped
        (1000.0, 1000.0, 0.0, 1.0), // peaked
        (1.0, 1.0, 0.0, 1.0), // uniform
        (2.0, 5.0, 0.0, 1.0),
        (0.2, 3.0, 0.0, 1.0),   // density infinite at 0
        (5.0, 0.3, 0.0, 1.0),   // ... at 1
        (0.05, 0.05, 0.0, 1.0), // nearly two-point
        (1e4, 20.0, 0.0, 1.0),
    ];

    #[test]
    fn beta_quantile_matches_reference() {
        for &(a, b, min, max) in SHAPES {
            let table = QuantileTable::beta(a, b, min, max - min);
            let mut worst = (0.0f64, 0.0);
            for u in test_points(&table) {
                let exact = min + (max - min) * reference(a, b, u);
                let error = (table.quantile(u) - exact).abs() / (max - min);
                if error > worst.0 {
                    worst = (error, u);
                }
            }
            assert!(
                worst.0 <= TABLE_ERROR_BOUND,
                "Beta({a}, {b}): error {:e} at u = {:e}",
                worst.0,
                worst.1
            );
        }
    }

    /// The bound over the whole range it is stated for (a few seconds in a release build:
    /// `cargo test --release --lib -- --ignored sweep`).
    #[test]
    #[ignore]
    fn beta_quantile_matches_reference_sweep() {
        let mut shapes = vec![];
        for shape in [0.1, 1.0, 4.0, 10.0, 100.0, 1000.0, 1e4] {
            for m in [0.0, 0.001, 0.1, 0.3, 0.5, 0.9, 1.0] {
                shapes.push((1.0 + shape * m, 1.0 + shape * (1.0 - m)));
            }
        }
        let parameters = [0.01, 0.05, 0.3, 0.5, 1.0, 2.0, 10.0, 100.0, 1000.0, 1e4];
        for a in parameters {
            shapes.extend(parameters.map(|b| (a, b)));
        }
        let mut worst = (0.0f64, 0.0, 0.0, 0.0);
        for (a, b) in shapes {
            let table = QuantileTable::beta(a, b, 0.0, 1.0);
            for u in test_points(&table) {
                let error = (table.quantile(u) - reference(a, b, u)).abs();
                if error > worst.0 {
                    worst = (error, a, b, u);
                }
            }
        }
        println!(
            "largest error {:e}: Beta({}, {}) at u = {:e}",
            worst.0, worst.1, worst.2, worst.3
        );
        assert!(worst.0 <= TABLE_ERROR_BOUND);
    }

    #[test]
    fn reference_and_table_match_closed_forms() {
        // Quantiles with a closed form check the reference itself.
        type Closed = fn(f64) -> f64;
        let cases: [(f64, f64, Closed); 5] = [
            (1.0, 1.0, |u| u),
            (1.0, 5.0, |u| -((-u).ln_1p() / 5.0).exp_m1()),
            (5.0, 1.0, |u| u.powf(0.2)),
            (0.5, 0.5, |u| {
                (std::f64::consts::FRAC_PI_2 * u).sin().powi(2)
            }),
            (2.0, 1.0, f64::sqrt),
        ];
        for (a, b, exact) in cases {
            let table = QuantileTable::beta(a, b, 0.0, 1.0);
            for u in test_points(&table) {
                let q = exact(u);
                assert!(
                    (reference(a, b, u) - q).abs() < 1e-13,
                    "Beta({a}, {b}) at {u}"
                );
                assert!(
                    (table.quantile(u) - q).abs() < TABLE_ERROR_BOUND,
                    "Beta({a}, {b}) at {u}: {} vs {q}",
                    table.quantile(u)
                );
            }
        }
    }

    #[test]
    fn beta_1_1_is_uniform() {
        let s = Sampler::new(
            &Dist::Beta {
                alpha: 1.0,
                beta: 1.0,
            },
            None,
        );
        for u in [2f64.powi(-54), 1e-12, 0.3, 0.5, 1.0 - 2f64.powi(-53)] {
            assert_eq!(s.quantile(u), u);
        }
    }

    #[test]
    fn beta_quantile_is_monotone_and_inside_support() {
        let extremes = [
            (1e-6, 1e-6, 0.0, 1.0),
            (1e-3, 1e-3, 0.0, 1.0),
            (1e-6, 5.0, 0.0, 1.0),
            (1e-3, 1e3, 0.0, 1.0),
            (1e6, 1e6, 0.0, 1.0),
            (1.0, 1e6 + 1.0, -5.0, 5.0),
            (5e5 + 1.0, 5e5 + 1.0, 1e6, 3e6),
        ];
        let mut state = 7u64;
        for &(a, b, min, max) in SHAPES.iter().chain(&extremes) {
            let table = QuantileTable::beta(a, b, min, max - min);
            let mut us = test_points(&table);
            us.extend((0..20_000).map(|i| (i as f64 + 0.5) / 20_000.0));
            // Piece boundaries and random points, with their neighbouring floats.
            for (o, octave) in table.octaves.iter().enumerate() {
                for j in 0..=1usize << octave.shift {
                    let v = step_width(o, octave.shift) * (((1 << octave.shift) + j) as f64);
                    us.extend([v, 1.0 - v]);
                }
            }
            for _ in 0..2000 {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                us.push(((state >> 11) as f64 + 0.5) / (1u64 << 53) as f64);
            }
            let mut around = Vec::new();
            for &u in &us {
                let (mut below, mut above) = (u, u);
                for _ in 0..3 {
                    (below, above) = (below.next_down(), above.next_up());
                    around.extend([below, above]);
                }
            }
            us.extend(around);
            us.extend([0.0, 1.0]);
            us.retain(|u| (0.0..=1.0).contains(u));
            us.sort_by(f64::total_cmp);
            let mut previous = f64::NEG_INFINITY;
            for u in us {
                let q = table.quantile(u);
                assert!(
                    q >= previous && (min..=max).contains(&q),
                    "Beta({a}, {b}) at u = {u:e}: {q} after {previous}"
                );
                previous = q;
            }
            assert_eq!(table.quantile(0.0), min);
            assert_eq!(table.quantile(1.0), max);
        }
    }

    /// The clamps in `Piece::eval` and in the AVX2 kernel are what keep neighbouring pieces in
    /// order when rounding (or a curve that bulges) would carry a value past its piece's ends;
    /// real tables seldom reach them, so they are checked here on pieces that do.
    #[test]
    fn a_piece_stays_between_its_end_values() {
        // y(t) = 2t − t², from 0 to 1, kept to [0.25, 0.75].
        let piece = Piece {
            c: [0.0, 2.0, -1.0, 0.0, 0.0, 0.0],
            lo: 0.25,
            hi: 0.75,
        };
        assert_eq!(piece.eval(0.0), 0.25);
        assert_eq!(piece.eval(0.1), 0.25);
        assert_eq!(piece.eval(0.5), 0.75);
        assert_eq!(piece.eval(1.0), 0.75);
        // Inside, the polynomial itself: y(0.25) = 0.4375, exactly.
        assert_eq!(piece.eval(0.25), 0.4375);

        // The AVX2 kernel clamps the same way: a PERT table whose pieces are narrowed to the
        // middle half of their ranges gives `quantile`'s bits, clamped values included.
        let mut sampler = Sampler::new(
            &Dist::Pert {
                min: 0.55,
                mode: 0.8,
                max: 0.95,
                shape: 4.0,
            },
            None,
        );
        let Kind::Table(table) = &mut sampler.kind else {
            panic!("a PERT is drawn from a table");
        };
        for p in table.pieces.iter_mut() {
            let quarter = (p.hi - p.lo) / 4.0;
            (p.lo, p.hi) = (p.lo + quarter, p.hi - quarter);
        }
        let ends: Vec<f64> = table.pieces.iter().flat_map(|p| [p.lo, p.hi]).collect();
        let mut next = crate::test_support::uniforms(0x9E37_79B9_7F4A_7C15);
        let us: Vec<f64> = (0..4_000).map(|_| next().max(2f64.powi(-54))).collect();
        let expected: Vec<f64> = us.iter().map(|&u| sampler.quantile(u)).collect();
        assert!(expected.iter().filter(|x| ends.contains(x)).count() > 1_000);
        let mut got = us.clone();
        sampler.quantiles_in_place(&mut got);
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&got), bits(&expected));
    }

    #[test]
    fn table_cdf_inverts_table_quantile() {
        for &(a, b, min, max) in SHAPES {
            let table = QuantileTable::beta(a, b, min, max - min);
            for u in test_points(&table) {
                let x = table.quantile(u);
                let p = table.cdf(x);
                // The largest u with quantile(u) ≤ x.
                assert!(p >= u && table.quantile(p) <= x, "Beta({a}, {b}) at {u}");
                assert!(p == 1.0 || table.quantile(p.next_up()) > x);
            }
        }
    }

    #[test]
    fn truncated_pert_stays_inside_its_bounds() {
        let dist = Dist::Pert {
            min: 100.0,
            mode: 250.0,
            max: 1000.0,
            shape: 4.0,
        };
        for (lo, hi) in [
            (200.0, 300.0),
            (99.0, 150.0),
            (900.0, 2000.0),
            (250.0, 250.5),
        ] {
            let s = Sampler::new(&dist, Some((lo, hi)));
            let (lo, hi) = (lo.max(100.0), hi.min(1000.0));
            let mut previous = f64::NEG_INFINITY;
            for i in 0..=10_000 {
                let u = (i as f64 / 10_000.0).clamp(2f64.powi(-54), 1.0 - 2f64.powi(-53));
                let x = s.quantile(u);
                assert!(x >= previous && (lo..=hi).contains(&x), "[{lo}, {hi}]: {x}");
                previous = x;
            }
            // The whole range is used, up to the table's error.
            let width = 900.0 * TABLE_ERROR_BOUND;
            assert!(s.quantile(2f64.powi(-54)) - lo < width.max(1e-9 * hi));
            assert!(hi - s.quantile(1.0 - 2f64.powi(-53)) < width.max(1e-9 * hi));
        }
    }

    #[test]
    fn tables_are_deterministic_small_and_cheap() {
        for &(a, b, min, max) in &SHAPES[..9] {
            EVALS.with(|c| c.set(0));
            let table = QuantileTable::beta(a, b, min, max - min);
            // The previous table evaluated the incomplete beta 1,025 times.
            let evals = EVALS.with(|c| c.get());
            assert!(evals <= 1000, "Beta({a}, {b}): {evals} evaluations");
            // The top six octaves hold 98% of draws.
            let hot: usize = table.octaves[..6].iter().map(|o| 2 << o.shift).sum();
            assert!(hot * size_of::<Piece>() <= 8192, "Beta({a}, {b})");
            assert!(table.pieces.len() * size_of::<Piece>() <= 64 * 1024);
            let again = QuantileTable::beta(a, b, min, max - min);
            for (p, q) in table.pieces.iter().zip(again.pieces.iter()) {
                let bits = |p: &Piece| p.c.map(f64::to_bits);
                assert_eq!(bits(p), bits(q));
            }
        }
    }

    fn mean_of(s: &Sampler, n: usize) -> f64 {
        // Midpoint rule over u: the exact mean of the sampled distribution.
        (0..n)
            .map(|i| s.quantile((i as f64 + 0.5) / n as f64))
            .sum::<f64>()
            / n as f64
    }

    #[test]
    fn pert_mean_matches_formula() {
        let s = Sampler::new(
            &Dist::Pert {
                min: 0.01,
                mode: 0.05,
                max: 0.12,
                shape: 4.0,
            },
            None,
        );
        let expected = (0.01 + 4.0 * 0.05 + 0.12) / 6.0;
        let got = mean_of(&s, 200_000);
        assert!(
            (got - expected).abs() / expected < 2e-4,
            "{got} vs {expected}"
        );
        assert_eq!(s.base_value(), 0.05);
    }

    #[test]
    fn beta_median_and_mean() {
        let s = Sampler::new(
            &Dist::Beta {
                alpha: 2.0,
                beta: 5.0,
            },
            None,
        );
        let got = mean_of(&s, 200_000);
        assert!((got - 2.0 / 7.0).abs() < 1e-4, "{got}");
        // Median of Beta(2,5) ≈ 0.26445
        assert!(
            (s.base_value() - 0.26445).abs() < 1e-3,
            "{}",
            s.base_value()
        );
    }

    #[test]
    fn beta_with_u_shape_is_monotone_and_bounded() {
        let s = Sampler::new(
            &Dist::Beta {
                alpha: 0.5,
                beta: 0.5,
            },
            None,
        );
        let mut prev = f64::NEG_INFINITY;
        for i in 1..1000 {
            let v = s.quantile(i as f64 / 1000.0);
            assert!((0.0..=1.0).contains(&v) && v >= prev);
            prev = v;
        }
        assert!((mean_of(&s, 100_000) - 0.5).abs() < 1e-3);
    }

    #[test]
    fn peaked_beta_stays_in_its_bulk() {
        let s = Sampler::new(
            &Dist::Beta {
                alpha: 1000.0,
                beta: 1000.0,
            },
            None,
        );
        // sd ≈ 0.0112: even the most extreme draws stay within a few dozen sd of 0.5.
        for u in [1e-12, 1e-6, 0.5, 1.0 - 1e-6, 1.0 - 1e-12] {
            let v = s.quantile(u);
            assert!((v - 0.5).abs() < 0.1, "u={u}: {v}");
        }
        assert!((mean_of(&s, 100_000) - 0.5).abs() < 1e-5);
        assert!((s.base_value() - 0.5).abs() < 1e-4);
    }

    #[test]
    fn triangular_normal_lognormal() {
        let t = Sampler::new(
            &Dist::Triangular {
                min: 3.0,
                mode: 6.0,
                max: 12.0,
            },
            None,
        );
        assert!((mean_of(&t, 100_000) - 7.0).abs() < 1e-4);
        assert_eq!(t.base_value(), 6.0);
        let n = Sampler::new(
            &Dist::Normal {
                mean: 10.0,
                sd: 2.0,
            },
            None,
        );
        assert!((n.quantile(0.975) - (10.0 + 2.0 * 1.959964)).abs() < 1e-5);
        assert_eq!(n.base_value(), 10.0);
        let l = Sampler::new(
            &Dist::LogNormal {
                mu: 1.0,
                sigma: 0.5,
            },
            None,
        );
        assert!((l.base_value() - 1f64.exp()).abs() < 1e-12);
    }

    #[test]
    fn lanes_of_quantiles_equal_quantile_to_the_bit() {
        let pert = |min, mode, max, shape| Dist::Pert {
            min,
            mode,
            max,
            shape,
        };
        let samplers = [
            Sampler::new(&pert(0.55, 0.8, 0.95, 4.0), None),
            Sampler::new(&pert(1.05e6, 3.15e6, 6.3e6, 4.0), None),
            Sampler::new(&pert(-3.0, -2.9, 7.0, 40.0), None),
            Sampler::new(&pert(100.0, 250.0, 1000.0, 4.0), Some((99.0, 150.0))),
            Sampler::new(&pert(100.0, 250.0, 1000.0, 4.0), Some((900.0, 2000.0))),
            Sampler::new(
                &Dist::Beta {
                    alpha: 0.3,
                    beta: 0.2,
                },
                None,
            ),
            Sampler::new(
                &Dist::Beta {
                    alpha: 900.0,
                    beta: 3.0,
                },
                None,
            ),
            Sampler::new(&Dist::Normal { mean: 0.0, sd: 1.0 }, Some((0.0, 0.5))),
            Sampler::new(
                &Dist::Triangular {
                    min: 3.0,
                    mode: 6.0,
                    max: 12.0,
                },
                None,
            ),
        ];
        let mut next = crate::test_support::uniforms(0x2545_F491_4F6C_DD1D);
        // Random uniforms with, among them, the values the AVX2 kernel hands to the scalar
        // path (1/2 exactly, v below the table) and the extremes of the random streams.
        let mut us: Vec<f64> = (0..4_000).map(|_| next().max(2f64.powi(-54))).collect();
        for (k, u) in [
            0.5,
            2f64.powi(-60),
            1.0 - 2f64.powi(-53),
            2f64.powi(-54),
            0.25,
        ]
        .into_iter()
        .enumerate()
        {
            us[37 * k + 3] = u;
        }
        for (s, sampler) in samplers.iter().enumerate() {
            let expected: Vec<u64> = us.iter().map(|&u| sampler.quantile(u).to_bits()).collect();
            for n in [0, 3, 4, 7, 64, us.len()] {
                let mut got = us[..n].to_vec();
                sampler.quantiles_in_place(&mut got);
                let got: Vec<u64> = got.iter().map(|x| x.to_bits()).collect();
                assert_eq!(got, expected[..n], "sampler {s}, n {n}");
            }
            #[cfg(target_arch = "x86_64")]
            if let Kind::Table(table) = &sampler.kind
                && std::arch::is_x86_feature_detected!("avx2")
            {
                let mut got = us.clone();
                // SAFETY: the processor has AVX2 (checked just above).
                unsafe { sampler.table_quantiles_avx2(table, &mut got) };
                let got: Vec<u64> = got.iter().map(|x| x.to_bits()).collect();
                assert_eq!(got, expected, "sampler {s}");
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(48))]
        /// Any PERT, truncated or not, and any uniforms: a lane gives `quantile`'s bits.
        #[test]
        fn lanes_of_quantiles_equal_quantile_for_any_pert(
            min in -1e6f64..1e6,
            width in 1e-6f64..1e7,
            mode_at in 0.0f64..=1.0,
            shape in 0.5f64..200.0,
            cut in proptest::option::of((0.0f64..1.0, 0.0f64..1.0)),
            us in proptest::collection::vec(
                proptest::prop_oneof![
                    8 => 0.0f64..1.0,
                    1 => proptest::sample::select(vec![0.5, 2f64.powi(-54), 1.0 - 2f64.powi(-53)]),
                ],
                0..80,
            ),
        ) {
            let max = min + width;
            let dist = Dist::Pert { min, mode: min + mode_at * width, max, shape };
            let truncate = cut.map(|(a, b)| {
                let (a, b) = (a.min(b), a.max(b));
                (min + a * width, min + b * width)
            });
            let sampler = Sampler::new(&dist, truncate);
            let us: Vec<f64> = us.into_iter().map(|u| u.max(2f64.powi(-54))).collect();
            let mut got = us.clone();
            sampler.quantiles_in_place(&mut got);
            for (&u, g) in us.iter().zip(&got) {
                proptest::prop_assert_eq!(g.to_bits(), sampler.quantile(u).to_bits(), "u = {}", u);
            }
        }
    }

    #[test]
    fn truncation_keeps_draws_inside() {
        let s = Sampler::new(&Dist::Normal { mean: 0.0, sd: 1.0 }, Some((0.0, 0.5)));
        for i in 1..1000 {
            let v = s.quantile(i as f64 / 1000.0);
            assert!((0.0..=0.5).contains(&v), "{v}");
        }
        let p = Sampler::new(
            &Dist::Pert {
                min: 0.0,
                mode: 0.5,
                max: 1.0,
                shape: 4.0,
            },
            Some((0.6, f64::INFINITY)),
        );
        assert!(p.quantile(0.0001) >= 0.599 && p.quantile(0.9999) <= 1.0);
        assert_eq!(p.base_value(), 0.6);
    }

    #[test]
    fn discrete_and_bernoulli() {
        let d = Sampler::new(
            &Dist::Discrete {
                values: vec![1.0, 2.0, 3.0],
                weights: vec![0.2, 0.3, 0.5],
            },
            None,
        );
        assert_eq!(d.quantile(0.1), 1.0);
        assert_eq!(d.quantile(0.3), 2.0);
        assert_eq!(d.quantile(0.9), 3.0);
        assert_eq!(d.base_value(), 2.0);
        let b = Sampler::new(&Dist::Bernoulli { p: 0.2 }, None);
        assert_eq!(b.base_value(), 0.0);
        assert_eq!(b.quantile(0.1), 1.0);
        assert_eq!(
            Sampler::new(&Dist::Bernoulli { p: 0.7 }, None).base_value(),
            1.0
        );
        assert_eq!(
            Sampler::new(&Dist::Bernoulli { p: 0.5 }, None).base_value(),
            0.0
        );
    }

    /// Ranks in, values out: never falling as the rank rises, for every kind; Bernoulli's event
    /// on the top `p` of the ranks (its independent draws keep the event on the low `u`), the
    /// others exactly `quantile(u)`.
    #[test]
    fn rank_quantiles_rise_with_the_rank() {
        let ranks: Vec<f64> = (1..1000).map(|i| i as f64 / 1000.0).collect();
        let kinds = [
            Dist::Bernoulli { p: 0.3 },
            Dist::Discrete {
                values: vec![1.0, 2.0, 3.0],
                weights: vec![0.2, 0.3, 0.5],
            },
            Dist::Pert {
                min: 1.0,
                mode: 2.0,
                max: 5.0,
                shape: 4.0,
            },
            Dist::Uniform {
                min: -1.0,
                max: 1.0,
            },
        ];
        for dist in kinds {
            let s = Sampler::new(&dist, None);
            let mut values = ranks.clone();
            s.rank_quantiles_in_place(&mut values);
            assert!(
                values.windows(2).all(|w| w[0] <= w[1]),
                "{dist:?}: falls somewhere"
            );
            if matches!(dist, Dist::Bernoulli { .. }) {
                // The event on the top 30% of the ranks, as often as the independent draws.
                let events = values.iter().filter(|&&v| v == 1.0).count();
                assert_eq!(events, 299, "{dist:?}");
                assert_eq!(values[0], 0.0);
                assert_eq!(values[998], 1.0);
            } else {
                for (&u, &v) in ranks.iter().zip(&values) {
                    assert_eq!(v.to_bits(), s.quantile(u).to_bits(), "{dist:?} at {u}");
                }
            }
        }
    }
}
