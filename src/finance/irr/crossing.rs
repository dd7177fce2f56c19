//! The single-crossing path of [`irr`](super::irr): one pass over the flows that proves the
//! running balance crosses zero once (so the root is unique and bracketed), the starting point
//! from the flows' cumulants, and the bracketed Halley solve from there.

use super::poly::{PolyAsc, floor_from};
use super::solver::Solver;
use super::{Curve, Z_FLOOR};

/// The running sums of one pass over the (trimmed) flows, added flow by flow in this order:
/// the single-crossing path's starting point and bracket come from them, so every way of
/// gathering them ([`Survey::of`], [`Sums::of_single_crossing`]) adds in the same order and
/// gives the same bits.
#[derive(Clone, Copy, Debug)]
pub(super) struct Sums {
    /// `Σ |CF_t|` (NaN or infinite when a flow is not finite).
    pub(super) abs: f64,
    /// `Σ CF_t`, the NPV at `r = 0`; while the pass runs, the balance `B_t` so far.
    pub(super) total: f64,
    /// `Σ_{j<N} B_j` and `Σ_{j<N} (N − j) B_j`, `N` the last period: with `total` they give
    /// `Σ t CF_t` and `Σ t² CF_t` ([`Sums::moments`]) for two additions a flow.
    pub(super) s1: f64,
    pub(super) s2: f64,
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
    pub(super) fn of_single_crossing(core: &[f64]) -> Option<Self> {
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
        // The balance nearest zero before the crossing, whose sign must be certain.
        let mut near = f64::INFINITY;
        let mut watch = |b: f64| {
            let a = b.abs();
            near = if a < near { a } else { near };
        };
        for (k, pair) in pairs.enumerate() {
            s.add(pair[0]);
            if !before(s.total) {
                (i, crossed) = (2 * k + 1, true);
                break;
            }
            watch(s.total);
            s.add(pair[1]);
            if !before(s.total) {
                (i, crossed) = (2 * k + 2, true);
                break;
            }
            watch(s.total);
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
        (crossed_once && s.signs_are_certain(core.len(), near)).then_some(s)
    }

    /// Whether the balances before the crossing (the nearest to zero of them is `near`) and
    /// the total have their exact signs, so that the shape the pass saw is the shape of the
    /// exact balances. After the crossing the flows all have the total's sign, so the exact
    /// balances move monotonically towards the total there whatever their rounding: one sign
    /// change, and every tail sum of the total's sign. Otherwise the full survey decides,
    /// exactly where it must (see [`Signs`](super::Signs)).
    #[inline(always)]
    pub(super) fn signs_are_certain(&self, n: usize, near: f64) -> bool {
        let bound = rounding_bound(n, self.abs);
        near >= bound && self.total.abs() >= bound
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
pub(super) struct Survey {
    pub(super) sums: Sums,
    /// The extreme of `B_{t−1}`, `t = 0..=N` (with `B_{−1} = 0`) on the far side from the
    /// first flow: the maximum when `CF_0 < 0`, the minimum when `CF_0 > 0`.
    pub(super) far: f64,
    /// Sign changes of `B_t` (Norstrøm's count for `r ≥ 0`; a zero balance counts as
    /// non-negative, which can only over-count).
    pub(super) changes: u32,
    /// The smallest `|B_t|`: every sign is exact when it is at least [`rounding_bound`].
    pub(super) near: f64,
}

impl Survey {
    pub(super) fn of(core: &[f64]) -> Self {
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
        let mut near = f64::INFINITY;
        let mut add = |cf: f64| {
            // Plain comparisons rather than f64::min/max, which also handle NaN.
            let bal = s.total;
            far = if NEG == (bal > far) { bal } else { far };
            s.add(cf);
            let bits = s.total.to_bits();
            changes += (bits ^ prev) >> 63;
            prev = bits;
            let a = s.total.abs();
            near = if a < near { a } else { near };
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
            near,
        }
    }
}

/// A bound on the rounding error of every running sum of `n` flows whose magnitudes add up
/// to `abs` (`γ_n Σ |CF_t|`, Higham's bound for recursive summation, with room to spare): a
/// balance or tail sum at least this far from zero has the sign of the exact one.
#[inline(always)]
pub(super) fn rounding_bound(n: usize, abs: f64) -> f64 {
    n as f64 * f64::EPSILON * abs
}

/// No root with `r < 0` when every tail sum `T_j = Σ_{t≥j} CF_t = total − B_{j−1}` has the
/// sign of the total (Norstrøm's count for that domain is then 0): the usual case of a project
/// that ends at its best (or worst) cumulative position. `far` is the maximum of the `B_{j−1}`
/// (including `B_{−1} = 0`) when the total is positive, their minimum when it is negative.
pub(super) fn tails_one_sign(total: f64, far: f64) -> bool {
    if total > 0.0 {
        far <= total
    } else {
        far >= total
    }
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
pub(super) fn single_crossing(core: &[f64], s: &Sums) -> Option<Option<f64>> {
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
pub(super) struct CrossingStart<'a> {
    pub(super) x: PolyAsc<'a>,
    /// Sign of `f(1)`, the side of the bracket's upper end.
    s_top: f64,
    /// Where the first evaluation is: the guess, or 1 (known in advance) without one.
    pub(super) z0: f64,
}

impl<'a> CrossingStart<'a> {
    /// `Err` holds [`single_crossing`]'s answer when it needs no evaluation (`Err(None)`: this
    /// path does not apply after all).
    #[inline(always)]
    pub(super) fn new(core: &'a [f64], s: &Sums) -> Result<Self, Option<Option<f64>>> {
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
    pub(super) fn needs_eval(&self) -> bool {
        self.z0 < 1.0
    }

    /// `(f, f', f'')` at `z0`.
    #[inline(always)]
    pub(super) fn first_eval(&self) -> (f64, f64, f64) {
        if self.needs_eval() {
            self.x.eval(self.z0)
        } else {
            self.x.at_one
        }
    }

    /// The solver from `z0`, its bracket narrowed by the first evaluation `e0`.
    #[inline(always)]
    pub(super) fn solver(&self, e0: (f64, f64, f64)) -> Solver {
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
    pub(super) fn rate(&self, z: f64) -> f64 {
        (1.0 - z) / z
    }
}
