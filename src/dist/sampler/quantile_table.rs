//! The tabulated quantile function of PERT and Beta inputs, whose inverse CDF has no closed
//! form: a monotone piecewise polynomial in `v = min(u, 1 − u)`, octave by octave, built once
//! per input so that a draw costs a table look-up.

use statrs::function::beta::{beta_reg, ln_beta};

/// Octaves of `v = min(u, 1 − u)` covered by a quantile table: `v ∈ [2^-(OCTAVES + 1), 1/2]`,
/// which holds every `u` the random streams produce (`2^-54 ≤ u ≤ 1 − 2^-53`).
pub(super) const OCTAVES: usize = 55;
/// The smallest `v` inside a table, `2^-(OCTAVES + 1)`.
pub(super) const V_MIN: f64 = 1.0 / (1u64 << (OCTAVES + 1)) as f64;
/// An octave is cut into `2^shift` equal steps in `v`, `shift` from `MIN_SHIFT` up, raised
/// while the octave's estimated interpolation error is above `TARGET_ERROR` (in units of
/// the support width) and raising it helps, at most to `MAX_SHIFT`.
pub(super) const MIN_SHIFT: u32 = 2;
pub(super) const MAX_SHIFT: u32 = 10;
pub(super) const TARGET_ERROR: f64 = 2e-9;
/// Above this estimated error an octave is halved up to `MAX_SHIFT` even when that does not
/// seem to help.
pub(super) const STALL_ERROR: f64 = 1e-6;
/// `ln x` below which a knot is 0 (x < 1e-300).
pub(super) const LN_X_MIN: f64 = -690.0;
/// A logit beyond which x rounds to 1.
pub(super) const Z_MAX: f64 = 40.0;
pub(super) const MANTISSA: u64 = (1 << 52) - 1;
/// Bits of the position inside a piece: `t` is a multiple of `2^-T_BITS`, which moves a
/// quantile by at most `2^-40` of its piece's span and makes room for [`Piece::hermite`]'s
/// guarantee that rounding cannot make a piece decrease.
pub(super) const T_BITS: u32 = 40;
pub(super) const T_MASK: u64 = MANTISSA & !((1 << (52 - T_BITS)) - 1);
/// The bits of 1.0.
pub(super) const ONE: u64 = 0x3FF0_0000_0000_0000;

/// One piece of a tabulated quantile function: a polynomial in the position `t ∈ [0, 1)`
/// inside the piece, kept between the values at the piece's ends. One cache line.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C, align(64))]
pub(super) struct Piece {
    /// `c[0] + c[1] t + … + c[5] t⁵`.
    pub(super) c: [f64; 6],
    pub(super) lo: f64,
    pub(super) hi: f64,
}

impl Piece {
    #[inline(always)]
    pub(super) fn eval(&self, t: f64) -> f64 {
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
    pub(super) fn hermite(k0: &Knot, k1: &Knot, h: f64, dir: f64) -> (Piece, bool) {
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
pub(super) fn rises_enough(c: &[f64; 6], dir: f64) -> bool {
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
pub(super) fn at_least(b: [f64; 5], min: f64, depth: u32) -> bool {
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
pub(super) struct Tail {
    pub(super) end: f64,
    pub(super) edge: f64,
    pub(super) power: f64,
}

/// Where an octave's pieces start and how many (`2^shift`). Laid out as one 64-bit word
/// (`first` low, `shift` high on x86-64), which the AVX2 lookup reads four at a time.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C, align(8))]
pub(super) struct Octave {
    pub(super) first: u32,
    pub(super) shift: u32,
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
pub(super) struct QuantileTable {
    pub(super) octaves: [Octave; OCTAVES],
    /// Step `j` of octave `o` covers `v ∈ 2^-(o+2) [1 + j / 2^shift, 1 + (j + 1) / 2^shift]`;
    /// its piece below the median is `pieces[2 (first + j)]`, above it the next one.
    pub(super) pieces: Box<[Piece]>,
    pub(super) median: f64,
    /// Below the table: lower half, upper half.
    pub(super) tails: [Tail; 2],
    /// The distribution tabulated: `offset + scale · X`, `X ~ Beta(a, b)`, as `[a, b, offset,
    /// scale]`, for the few values that must be exact rather than tabulated (a base value).
    pub(super) shape: [f64; 4],
}

impl QuantileTable {
    #[inline]
    pub(super) fn quantile(&self, u: f64) -> f64 {
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
    pub(super) fn outside(&self, upper: bool, v: f64) -> f64 {
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
    pub(super) fn cdf(&self, x: f64) -> f64 {
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
    pub(super) fn beta(a: f64, b: f64, offset: f64, scale: f64) -> QuantileTable {
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
            shape: [a, b, offset, scale],
        }
    }

    /// The exact CDF at `x` (the regularised incomplete beta function), not the table's.
    pub(super) fn exact_cdf(&self, x: f64) -> f64 {
        let [a, b, offset, scale] = self.shape;
        BetaFn::new(a, b).cdf((x - offset) / scale)
    }

    /// The exact quantile at `u`, solved on the incomplete beta function (below the median on
    /// Beta(a, b), above it on the mirrored Beta(b, a)) rather than read from the table: for
    /// a truncated input's median, the base value, which must not carry the table's 1e-8.
    pub(super) fn exact_quantile(&self, u: f64) -> f64 {
        let [a, b, offset, scale] = self.shape;
        if u == 0.5 {
            return self.median;
        }
        let x = if u < 0.5 {
            let f = BetaFn::new(a, b);
            f.solve(u, f.median_guess().ln())
        } else {
            let f = BetaFn::new(b, a);
            1.0 - f.solve(1.0 - u, f.median_guess().ln())
        };
        offset + scale * x
    }
}

/// The width in `v` of the steps of octave `o` cut into `2^shift`.
pub(super) fn step_width(o: usize, shift: u32) -> f64 {
    0.25 / (1u64 << (o as u32 + shift)) as f64
}

/// The `v` of knot `i` of octave `o` cut into `2^shift` steps, counting down from its top
/// (`i = 0`, `v = 2^-(o+1)`) to its bottom (`i = 2^shift`, `v = 2^-(o+2)`).
pub(super) fn knot_v(o: usize, shift: u32, i: usize) -> f64 {
    step_width(o, shift) * ((2usize << shift) - i) as f64
}

/// The interpolation error of an octave's knots (both halves, in units of the support
/// width), estimated from how far the pieces through every other knot miss the knots in
/// between: the error of a quintic piece shrinks as the sixth power of its width, 64 times
/// when it halves (counted as 32; measured, 45 to 64), that of a cubic one 16 times (counted
/// as 8).
pub(super) fn octave_error(knots: &[Vec<Knot>; 2], o: usize, shift: u32) -> f64 {
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
pub(super) struct Knot {
    pub(super) x: f64,
    pub(super) d1: f64,
    pub(super) d2: f64,
}

#[cfg(test)]
thread_local!(pub(super) static EVALS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) });

/// Beta(a, b) on [0, 1] for building quantile tables: its CDF, density, and quantiles solved
/// from the CDF.
pub(super) struct BetaFn {
    pub(super) a: f64,
    pub(super) b: f64,
    pub(super) ln_beta: f64,
}

/// `1 / (1 + e^-z)`.
pub(super) fn logistic(z: f64) -> f64 {
    if z < 0.0 {
        let e = z.exp();
        e / (1.0 + e)
    } else {
        1.0 / (1.0 + (-z).exp())
    }
}

/// `c · ln(y)`, zero when `c` is (also at y = 0).
pub(super) fn c_ln(c: f64, y: f64) -> f64 {
    if c == 0.0 { 0.0 } else { c * y.ln() }
}

/// `c / y`, zero when `c` is (also at y = 0).
pub(super) fn c_over(c: f64, y: f64) -> f64 {
    if c == 0.0 { 0.0 } else { c / y }
}

impl BetaFn {
    pub(super) fn new(a: f64, b: f64) -> Self {
        BetaFn {
            a,
            b,
            ln_beta: ln_beta(a, b),
        }
    }

    pub(super) fn cdf(&self, x: f64) -> f64 {
        #[cfg(test)]
        EVALS.with(|c| c.set(c.get() + 1));
        if x > 0.0 {
            beta_reg(self.a, self.b, x.min(1.0))
        } else {
            0.0
        }
    }

    pub(super) fn ln_pdf(&self, x: f64) -> f64 {
        let q = self.b - 1.0;
        c_ln(self.a - 1.0, x) + if q == 0.0 { 0.0 } else { q * (-x).ln_1p() } - self.ln_beta
    }

    /// `f'/f` and its derivative.
    pub(super) fn dln_pdf(&self, x: f64) -> (f64, f64) {
        let (p, q) = (self.a - 1.0, self.b - 1.0);
        (
            c_over(p, x) - c_over(q, 1.0 - x),
            -c_over(p, x * x) - c_over(q, (1.0 - x) * (1.0 - x)),
        )
    }

    pub(super) fn median_guess(&self) -> f64 {
        let (a, b) = (self.a, self.b);
        if a >= 1.0 && b >= 1.0 {
            (a - 1.0 / 3.0) / (a + b - 2.0 / 3.0)
        } else {
            a / (a + b)
        }
    }

    /// The knot at quantile `x`: `Q' = 1/f`, `Q'' = −(f'/f) Q'²`.
    pub(super) fn knot(&self, x: f64) -> Knot {
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
    pub(super) fn next(&self, x: f64, v: f64, v_next: f64) -> f64 {
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
    pub(super) fn solve(&self, v: f64, guess: f64) -> f64 {
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
    pub(super) fn octave_knots(&self, top: &Knot, o: usize, shift: u32) -> Vec<Knot> {
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
    pub(super) fn refine(&self, knots: &[Knot], o: usize, shift: u32) -> Vec<Knot> {
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
