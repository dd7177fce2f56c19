//! Adoption curves: the share of a group's seats actively using the system, month by month.
//!
//! Curves are evaluated with one `exp` per group and trial where the shape allows (the
//! exponential term is a geometric sequence in τ, built by [`geometric_map`]), because this runs
//! millions of times.

/// The curve parameters of one group in one trial, after lever effects.
#[derive(Debug, Clone, Copy)]
pub enum Curve<'a> {
    /// ceiling / (1 + exp(−growth (τ − midpoint)))
    Logistic { growth: f64, midpoint: f64 },
    /// Bass diffusion with innovation p and imitation q.
    Bass { p: f64, q: f64 },
    /// exp(−exp(−rate (τ − midpoint)))
    Gompertz { rate: f64, midpoint: f64 },
    /// min(1, τ / ramp_months)
    Linear { ramp_months: f64 },
    /// values[min(τ, len − 1)]
    Table { values: &'a [f64] },
}

/// `out[τ] = f(first · ratio^τ)`, the geometric sequence built as four interleaved products
/// (ratio⁴ per step) rather than one chain of dependent multiplications, so the loop pipelines
/// and vectorises; `f` is applied as each term is made (no second pass over `out`).
#[inline(always)]
fn geometric_map(out: &mut [f64], first: f64, ratio: f64, f: impl Fn(f64) -> f64) {
    let r2 = ratio * ratio;
    let r4 = r2 * r2;
    let mut lanes = [first, first * ratio, first * r2, first * (r2 * ratio)];
    let mut chunks = out.chunks_exact_mut(4);
    for chunk in &mut chunks {
        let mut y = [0.0; 4];
        for (y, l) in y.iter_mut().zip(&mut lanes) {
            *y = f(*l);
            *l *= r4;
        }
        chunk.copy_from_slice(&y);
    }
    for (o, l) in chunks.into_remainder().iter_mut().zip(lanes) {
        *o = f(l);
    }
}

/// `out[τ] = ceiling / (1 + e(τ))` over the geometric sequence `e(τ) = first · ratio^τ`, 0
/// where `e` overflowed ("not yet"). Branch-free, so it vectorises; on x86-64 processors with
/// AVX it runs four months per instruction instead of two, with the same operations (IEEE
/// multiplication, addition, division and comparison; no fused multiply-add), so the same bits.
#[inline]
fn logistic_map(out: &mut [f64], first: f64, ratio: f64, ceiling: f64) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") {
        // SAFETY: the processor has AVX (checked just above).
        return unsafe { logistic_map_avx(out, first, ratio, ceiling) };
    }
    logistic_map_portable(out, first, ratio, ceiling);
}

/// [`logistic_map`] compiled for baseline processors (SSE2 on x86-64).
#[inline(always)]
fn logistic_map_portable(out: &mut [f64], first: f64, ratio: f64, ceiling: f64) {
    geometric_map(out, first, ratio, |e| {
        let v = ceiling / (1.0 + e);
        if e <= f64::MAX { v } else { 0.0 }
    });
}

crate::simd::avx_build_of! {
    /// [`logistic_map`] compiled with AVX.
    logistic_map_avx = logistic_map_portable(out: &mut [f64], first: f64, ratio: f64, ceiling: f64)
}

/// `exp` of the last argument seen, kept across trials: a curve's per-month ratio
/// exp(−rate) is the same in every trial when the rate is a fixed input, and this returns the
/// very same bits without calling `exp` again.
#[derive(Debug, Clone, Copy)]
pub struct ExpMemo {
    arg: u64,
    value: f64,
}

impl Default for ExpMemo {
    fn default() -> Self {
        ExpMemo {
            arg: f64::NAN.to_bits(),
            value: f64::NAN.exp(),
        }
    }
}

impl ExpMemo {
    /// `x.exp()`, from the memo when `x` has the same bits as last time.
    #[inline]
    pub fn exp(&mut self, x: f64) -> f64 {
        if x.to_bits() != self.arg {
            self.arg = x.to_bits();
            self.value = x.exp();
        }
        self.value
    }
}

/// The first τ at which exp(rate · (midpoint − τ)) is at most e^700, so that the geometric
/// sequence started there is finite (exp overflows above about e^709.78). Before it the
/// logistic and Gompertz curves are zero to double precision (below ceiling · e^−700). 0 when
/// the exponent is finite from the start, as in every realistic case.
fn first_finite(rate: f64, midpoint: f64, len: usize) -> usize {
    const LIMIT: f64 = 700.0;
    // Written so that NaN parameters take the usual path.
    let steep_and_late = rate > 0.0 && rate * midpoint > LIMIT;
    if !steep_and_late {
        return 0;
    }
    let first = (midpoint - LIMIT / rate).ceil();
    if first >= len as f64 {
        len
    } else {
        first.max(0.0) as usize
    }
}

/// `out` from τ = [`first_finite`] on: `map(rest, first, ratio)`, which maps the geometric
/// sequence e(τ) = exp(rate · (midpoint − τ)) = first · ratio^(τ − skip) (as
/// [`geometric_map`] builds it); 0 before, where the curves that use this are 0 to double
/// precision.
#[inline(always)]
fn exponential_terms(
    out: &mut [f64],
    rate: f64,
    midpoint: f64,
    memo: &mut ExpMemo,
    map: impl FnOnce(&mut [f64], f64, f64),
) {
    let skip = first_finite(rate, midpoint, out.len());
    let (before, rest) = out.split_at_mut(skip);
    before.fill(0.0);
    // For skip = 0 this is exp(rate · midpoint), as it always was.
    let first = (rate * (midpoint - skip as f64)).exp();
    map(rest, first, memo.exp(-rate));
}

/// [`fill_with`] with a fresh memo: the tests' shorthand.
#[cfg(test)]
pub fn fill(out: &mut [f64], go_live: usize, ceiling: f64, curve: Curve) {
    fill_with(out, go_live, ceiling, curve, &mut ExpMemo::default());
}

/// Fill `out[t]` for t = 0..out.len() with adoption for a group going live in `go_live`:
/// zero before go-live, `ceiling × shape(τ)` from τ = t − go_live = 0 on. Results lie in
/// [0, ceiling] for ceiling in [0, 1]. `memo` is the group's [`ExpMemo`] for the per-month
/// ratio (the same bits with or without it).
pub fn fill_with(out: &mut [f64], go_live: usize, ceiling: f64, curve: Curve, memo: &mut ExpMemo) {
    let h = out.len();
    let start = go_live.min(h);
    out[..start].fill(0.0);
    let active = &mut out[start..];
    if active.is_empty() {
        return;
    }
    match curve {
        Curve::Logistic { growth, midpoint } => {
            // e(τ) = exp(−growth (τ − midpoint)) = exp(growth · midpoint) · exp(−growth)^τ
            // (infinite before the first finite term: "not yet").
            exponential_terms(active, growth, midpoint, memo, |rest, first, ratio| {
                logistic_map(rest, first, ratio, ceiling)
            });
        }
        Curve::Bass { p, q } => {
            let ratio = q / p;
            geometric_map(active, 1.0, memo.exp(-(p + q)), |e| {
                ceiling * (1.0 - e) / (1.0 + ratio * e)
            });
        }
        Curve::Gompertz { rate, midpoint } => {
            exponential_terms(active, rate, midpoint, memo, |rest, first, ratio| {
                geometric_map(rest, first, ratio, |e| {
                    if e.is_finite() {
                        ceiling * (-e).exp()
                    } else {
                        0.0
                    }
                })
            });
        }
        Curve::Linear { ramp_months } => {
            for (tau, a) in active.iter_mut().enumerate() {
                *a = ceiling * (tau as f64 / ramp_months).min(1.0);
            }
        }
        Curve::Table { values } => {
            let last = values.len().saturating_sub(1);
            for (tau, a) in active.iter_mut().enumerate() {
                *a = ceiling * values.get(tau.min(last)).copied().unwrap_or(0.0);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn logistic_matches_closed_form() {
        let mut out = vec![0.0; 60];
        fill(
            &mut out,
            6,
            0.8,
            Curve::Logistic {
                growth: 0.6,
                midpoint: 4.0,
            },
        );
        assert_eq!(out[5], 0.0);
        for (t, &a) in out.iter().enumerate().skip(6) {
            let tau = (t - 6) as f64;
            let exact = 0.8 / (1.0 + (-0.6 * (tau - 4.0)).exp());
            assert!((a - exact).abs() < 1e-12, "t={t}: {a} vs {exact}");
        }
    }

    #[test]
    fn steep_late_curves_still_reach_their_ceiling() {
        // growth × midpoint = 1000: exp(1000) overflows, which once made the whole curve 0.
        for curve in [
            Curve::Logistic {
                growth: 50.0,
                midpoint: 20.0,
            },
            Curve::Gompertz {
                rate: 50.0,
                midpoint: 20.0,
            },
        ] {
            let mut out = vec![f64::NAN; 60];
            fill(&mut out, 5, 0.7, curve);
            // Go-live in month 5, midpoint at τ = 20 (month 25).
            assert!(out[..5].iter().all(|&a| a == 0.0), "{curve:?}: {out:?}");
            assert!(
                out[5..25].iter().all(|&a| (0.0..1e-20).contains(&a)),
                "{curve:?}: {out:?}"
            );
            assert!((0.2..=0.35).contains(&out[25]), "{curve:?}: {out:?}");
            assert!(
                out[26..].iter().all(|&a| (a - 0.7).abs() < 1e-12),
                "{curve:?}: {out:?}"
            );
        }
        // Entirely beyond the horizon: zero throughout, never NaN.
        let mut out = vec![f64::NAN; 12];
        fill(
            &mut out,
            0,
            0.7,
            Curve::Logistic {
                growth: 300.0,
                midpoint: 1e6,
            },
        );
        assert!(out.iter().all(|&a| a == 0.0));
    }

    #[test]
    fn bass_and_gompertz_closed_forms() {
        let mut out = vec![0.0; 40];
        fill(&mut out, 0, 0.9, Curve::Bass { p: 0.05, q: 0.3 });
        for (t, &a) in out.iter().enumerate() {
            let e = (-(0.35) * t as f64).exp();
            let exact = 0.9 * (1.0 - e) / (1.0 + 6.0 * e);
            assert!((a - exact).abs() < 1e-12);
        }
        fill(
            &mut out,
            2,
            1.0,
            Curve::Gompertz {
                rate: 0.4,
                midpoint: 5.0,
            },
        );
        // At the midpoint a Gompertz curve is at 1/e of its ceiling.
        assert!((out[7] - (-1f64).exp()).abs() < 1e-12);
    }

    #[test]
    fn linear_and_table() {
        let mut out = vec![0.0; 10];
        fill(&mut out, 1, 0.5, Curve::Linear { ramp_months: 4.0 });
        assert_eq!(out[..7], [0.0, 0.0, 0.125, 0.25, 0.375, 0.5, 0.5]);
        fill(
            &mut out,
            8,
            1.0,
            Curve::Table {
                values: &[0.2, 0.6],
            },
        );
        assert_eq!(out[7..], [0.0, 0.2, 0.6]);
    }

    /// The sequence as it was built before terms were mapped on the fly.
    fn geometric_reference(out: &mut [f64], first: f64, ratio: f64) {
        let r2 = ratio * ratio;
        let r4 = r2 * r2;
        let mut lanes = [first, first * ratio, first * r2, first * (r2 * ratio)];
        for (t, o) in out.iter_mut().enumerate() {
            *o = lanes[t % 4];
            if t % 4 == 3 {
                for l in &mut lanes {
                    *l *= r4;
                }
            }
        }
    }

    proptest! {
        #[test]
        fn logistic_map_is_the_logistic_of_the_sequence_in_every_build(
            len in 0usize..70,
            first in prop_oneof![1e-6f64..1e6, Just(f64::MAX), Just(f64::INFINITY)],
            ratio in 0.1f64..1.5,
            ceiling in 0.0f64..1.0,
        ) {
            let mut e = vec![f64::NAN; len];
            geometric_reference(&mut e, first, ratio);
            let want: Vec<u64> = e
                .iter()
                .map(|&e| if e <= f64::MAX { ceiling / (1.0 + e) } else { 0.0 }.to_bits())
                .collect();
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            let mut out = vec![f64::NAN; len];
            logistic_map(&mut out, first, ratio, ceiling);
            prop_assert_eq!(bits(&out), want.clone());
            logistic_map_portable(&mut out, first, ratio, ceiling);
            prop_assert_eq!(bits(&out), want);
        }

        #[test]
        fn geometric_map_maps_the_four_lane_sequence(
            len in 0usize..70,
            first in 1e-6f64..1e6,
            ratio in 0.1f64..1.5,
        ) {
            let mut out = vec![f64::NAN; len];
            geometric_map(&mut out, first, ratio, |e| 0.8 / (1.0 + e));
            let mut expected = vec![f64::NAN; len];
            geometric_reference(&mut expected, first, ratio);
            for (o, e) in out.iter().zip(&expected) {
                prop_assert_eq!(o.to_bits(), (0.8 / (1.0 + e)).to_bits());
            }
        }

        #[test]
        fn a_remembered_exp_gives_the_same_curve(
            growth in 0.01f64..3.0,
            midpoint in -10.0f64..60.0,
            go_live in 0usize..20,
        ) {
            let curve = Curve::Logistic { growth, midpoint };
            let mut memo = ExpMemo::default();
            let mut a = vec![0.0; 60];
            fill_with(&mut a, go_live, 0.9, Curve::Logistic { growth, midpoint: 3.0 }, &mut memo);
            fill_with(&mut a, go_live, 0.9, curve, &mut memo);
            let mut b = vec![0.0; 60];
            fill(&mut b, go_live, 0.9, curve);
            prop_assert!(a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits()));
            prop_assert_eq!(memo.exp(-growth).to_bits(), (-growth).exp().to_bits());
        }

        #[test]
        fn adoption_stays_within_zero_and_ceiling(
            ceiling in 0.0f64..=1.0,
            go_live in 0usize..80,
            kind in 0u8..5,
            a in 0.001f64..5.0,
            b in -30.0f64..60.0,
        ) {
            let table = [0.0, 0.3, 0.9, 1.0];
            let curve = match kind {
                0 => Curve::Logistic { growth: a, midpoint: b },
                1 => Curve::Bass { p: a.min(1.0), q: a * 0.5 },
                2 => Curve::Gompertz { rate: a, midpoint: b },
                3 => Curve::Linear { ramp_months: a * 10.0 },
                _ => Curve::Table { values: &table },
            };
            let mut out = vec![f64::NAN; 120];
            fill(&mut out, go_live, ceiling, curve);
            for &x in &out {
                prop_assert!(x.is_finite());
                prop_assert!((0.0..=ceiling + 1e-12).contains(&x), "{} outside [0, {}]", x, ceiling);
            }
        }
    }
}
