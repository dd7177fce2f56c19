//! [`irr`](super::irr) of four flow series at once, with the same results to the bit.
//!
//! One IRR on the common single-crossing path is a chain of dependent steps: the running sums,
//! the starting guess (a logarithm, a square root and an exponential), two polynomial
//! evaluations of `f`, `f'` and `f''`, and the solver's divisions. A lone IRR keeps the
//! processor waiting on latencies far more than it keeps it working. Four at once fill those
//! waits: the four series' running sums are taken in one loop, their polynomial evaluations
//! share one pass over the coefficients (one register per series, as [`irr`](super::irr)
//! uses one), and the scalar steps of the four series are independent, so the processor
//! overlaps them.
//!
//! Every series gets exactly the operations `irr` would do on it, in the same order. A series
//! that leaves the common path is finished by `irr`'s own general code.

use super::crossing::{CrossingStart, Sums};
use super::poly::horner_split;
use super::solver::{Solver, Step};
use super::{horner_fits, irr_surveyed, support};

/// Series at once.
pub const WIDTH: usize = 4;

/// [`irr`](super::irr) of each of four flow series, bit for bit, in less time than four
/// calls (the engine computes its trials' IRRs four at a time).
pub fn irr4(flows: [&[f64]; WIDTH]) -> [Option<f64>; WIDTH] {
    let cores = flows.map(support);
    let sums = match same_length(cores) {
        Some(cores) => Sums::of_single_crossing4(cores),
        None => cores.map(|c| c.and_then(Sums::of_single_crossing)),
    };
    let mut lanes = [const { Lane::Done(None) }; WIDTH];
    for ((lane, core), sums) in lanes.iter_mut().zip(cores).zip(sums) {
        lane.start(core, sums);
    }
    loop {
        let mut waiting = [None; WIDTH];
        for (w, lane) in waiting.iter_mut().zip(&lanes) {
            if let Lane::Waiting { start, solver } = lane {
                // The solver's current z, or the first evaluation's before there is a solver.
                *w = Some((start.x.c, solver.as_ref().map_or(start.z0, |s| s.z)));
            }
        }
        if waiting.iter().all(Option::is_none) {
            break;
        }
        let evals = eval4(waiting);
        for (lane, e) in lanes.iter_mut().zip(evals) {
            if let Some(e) = e {
                lane.advance(e);
            }
        }
    }
    std::array::from_fn(|j| match lanes[j] {
        Lane::Done(r) => r,
        Lane::Waiting { .. } => unreachable!("the loop above runs until every series is done"),
    })
}

/// The four cores when all are non-empty and of one length (the running sums can then be
/// taken in one loop).
fn same_length(cores: [Option<&[f64]>; WIDTH]) -> Option<[&[f64]; WIDTH]> {
    let [Some(a), Some(b), Some(c), Some(d)] = cores else {
        return None;
    };
    let n = a.len();
    (b.len() == n && c.len() == n && d.len() == n).then_some([a, b, c, d])
}

/// One series of [`irr4`]: finished, or waiting for `(f, f', f'')` at its solver's `z`.
enum Lane<'a> {
    Done(Option<f64>),
    Waiting {
        start: CrossingStart<'a>,
        /// `None` until the first evaluation (at `start.z0`) has come back.
        solver: Option<Solver>,
    },
}

impl<'a> Lane<'a> {
    /// What [`irr`](super::irr) does before its first polynomial evaluation.
    #[inline(always)]
    fn start(&mut self, core: Option<&'a [f64]>, sums: Option<Sums>) {
        let Some(core) = core else {
            *self = Lane::Done(None);
            return;
        };
        let Some(sums) = sums.filter(|s| horner_fits(core, s.abs)) else {
            *self = Lane::Done(irr_surveyed(core));
            return;
        };
        match CrossingStart::new(core, &sums) {
            Err(Some(answer)) => *self = Lane::Done(answer),
            Err(None) => *self = Lane::Done(irr_surveyed(core)),
            Ok(start) => {
                let (needs_eval, at_one) = (start.needs_eval(), start.x.at_one);
                *self = Lane::Waiting {
                    start,
                    solver: None,
                };
                if !needs_eval {
                    self.advance(at_one);
                }
            }
        }
    }

    /// Take the evaluation the lane was waiting for: one step of `single_crossing`.
    fn advance(&mut self, e: (f64, f64, f64)) {
        let Lane::Waiting { start, solver } = self else {
            return;
        };
        let step = match solver {
            None if e.0 == 0.0 => Step::Done(start.z0),
            None => {
                let mut s = start.solver(e);
                let step = s.step(e);
                *solver = Some(s);
                step
            }
            Some(s) => s.step(e),
        };
        if let Step::Done(z) = step {
            *self = Lane::Done(Some(start.rate(z)));
        }
    }
}

/// `(f, f', f'')` of each waiting series `(coefficients, z)`, as `PolyAsc::eval` computes
/// it: side by side in AVX registers when all four wait with coefficients of one length and
/// `z` in the split evaluation's range, one by one otherwise.
fn eval4(waiting: [Option<(&[f64], f64)>; WIDTH]) -> [Option<(f64, f64, f64)>; WIDTH] {
    #[cfg(target_arch = "x86_64")]
    if let [Some(a), Some(b), Some(c), Some(d)] = waiting {
        let n = a.0.len();
        let all = [a, b, c, d];
        if all
            .iter()
            .all(|&(cs, z)| cs.len() == n && z >= super::poly::SPLIT_MIN_Z)
            && std::arch::is_x86_feature_detected!("avx")
        {
            // SAFETY: the processor has AVX (checked just above); the slices are of one length.
            return unsafe { eval4_avx(all) }.map(Some);
        }
    }
    waiting.map(|w| w.map(|(c, z)| horner_split::<false>(c, z)))
}

/// [`eval4`] in AVX: [`super::poly::horner_split_asc_avx`] for four series, their chains in four
/// registers each side by side. The same operations as the one-series code, lane by lane and
/// in the same order (AVX has no fused multiply-add), so the same bits.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
fn eval4_avx(series: [(&[f64], f64); WIDTH]) -> [(f64, f64, f64); WIDTH] {
    use std::arch::x86_64::*;
    const K: usize = super::poly::LANES;
    let n = series[0].0.len();
    assert!(series.iter().all(|(c, _)| c.len() == n));
    let rem = n % K;
    let body = n - rem;
    let mut p = [_mm256_setzero_pd(); WIDTH];
    let mut d1 = [_mm256_setzero_pd(); WIDTH];
    let mut d2 = [_mm256_setzero_pd(); WIDTH];
    let mut w = [_mm256_setzero_pd(); WIDTH];
    for j in 0..WIDTH {
        let (c, z) = series[j];
        let mut top = [0.0; K];
        for (t, &v) in top.iter_mut().zip(&c[body..]) {
            *t = v;
        }
        // SAFETY: reads the four values of `top`.
        p[j] = unsafe { _mm256_loadu_pd(top.as_ptr()) };
        w[j] = _mm256_set1_pd(z * z * z * z);
    }
    let mut k = body;
    while k >= K {
        k -= K;
        for j in 0..WIDTH {
            // SAFETY: k + K <= body <= n = the slice's length: reads c[k..k + K].
            let cv = unsafe { _mm256_loadu_pd(series[j].0.as_ptr().add(k)) };
            d2[j] = _mm256_add_pd(_mm256_mul_pd(d2[j], w[j]), d1[j]);
            d1[j] = _mm256_add_pd(_mm256_mul_pd(d1[j], w[j]), p[j]);
            p[j] = _mm256_add_pd(_mm256_mul_pd(p[j], w[j]), cv);
        }
    }
    std::array::from_fn(|j| {
        let mut chains = ([0.0; K], [0.0; K], [0.0; K]);
        // SAFETY: each store writes an output array's four values.
        unsafe {
            _mm256_storeu_pd(chains.0.as_mut_ptr(), p[j]);
            _mm256_storeu_pd(chains.1.as_mut_ptr(), d1[j]);
            _mm256_storeu_pd(chains.2.as_mut_ptr(), d2[j]);
        }
        super::poly::recombine(series[j].1, chains)
    })
}

impl Sums {
    /// [`Sums::of_single_crossing`] of four cores of one length: in one AVX loop where the
    /// processor has AVX (see [`Sums::of_single_crossing4_avx`]), else core by core.
    #[inline]
    fn of_single_crossing4(cores: [&[f64]; WIDTH]) -> [Option<Sums>; WIDTH] {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx") {
            // SAFETY: the processor has AVX (checked just above).
            return unsafe { Self::of_single_crossing4_avx(cores) };
        }
        cores.map(Sums::of_single_crossing)
    }

    /// [`Sums::of_single_crossing`] of four cores of one length in one loop, lane `j` of every
    /// register being core `j`: each core's sums in the same order as the one-core pass, and
    /// the same verdict. The one-core pass stops watching the balance at the crossing and
    /// then takes `|CF|` as `±CF`; here every flow adds `|CF|` and a mask records a flow on
    /// the wrong side after the crossing, which gives the same bits whenever the verdict is
    /// `Some` (a flow on the right side is `±CF` exactly). For flows that are not all finite
    /// the verdicts may differ, but then `Σ |CF|` is not finite either, and `irr` takes the
    /// general path whichever it is.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx")]
    fn of_single_crossing4_avx(cores: [&[f64]; WIDTH]) -> [Option<Sums>; WIDTH] {
        use std::arch::x86_64::*;
        let n = cores[0].len();
        assert!(n > 0 && cores.iter().all(|c| c.len() == n));
        let zero = _mm256_setzero_pd();
        let sign = _mm256_set1_pd(-0.0);
        let ones = _mm256_castsi256_pd(_mm256_set1_epi64x(-1));
        let first = _mm256_setr_pd(cores[0][0], cores[1][0], cores[2][0], cores[3][0]);
        // All ones in the lanes whose first flow is negative (NaN counts as not negative).
        let neg = _mm256_cmp_pd::<_CMP_LT_OQ>(first, zero);
        let (mut abs, mut total, mut s1, mut s2) = (zero, zero, zero, zero);
        let (mut crossed, mut wrong) = (zero, zero);
        let mut near = _mm256_set1_pd(f64::INFINITY);
        let mut add = |cf: __m256d| {
            s1 = _mm256_add_pd(s1, total);
            s2 = _mm256_add_pd(s2, s1);
            total = _mm256_add_pd(total, cf);
            abs = _mm256_add_pd(abs, _mm256_andnot_pd(sign, cf));
            // Before the crossing the balance keeps the first flow's sign: below zero, or
            // at least zero (NaN keeps neither).
            let keeps = _mm256_blendv_pd(
                _mm256_cmp_pd::<_CMP_GE_OQ>(total, zero),
                _mm256_cmp_pd::<_CMP_LT_OQ>(total, zero),
                neg,
            );
            // After it, no flow may be on the first flow's side: !(CF >= 0) or !(CF <= 0).
            let wrong_side = _mm256_blendv_pd(
                _mm256_cmp_pd::<_CMP_NLE_UQ>(cf, zero),
                _mm256_cmp_pd::<_CMP_NGE_UQ>(cf, zero),
                neg,
            );
            wrong = _mm256_or_pd(wrong, _mm256_and_pd(crossed, wrong_side));
            // The balance nearest zero before the crossing (`a < near ? a : near`, as the
            // one-core pass takes it).
            let before = _mm256_andnot_pd(crossed, keeps);
            let nearer = _mm256_min_pd(_mm256_andnot_pd(sign, total), near);
            near = _mm256_blendv_pd(near, nearer, before);
            crossed = _mm256_or_pd(crossed, _mm256_xor_pd(keeps, ones));
        };
        let mut t = 0;
        while t + 4 <= n {
            // SAFETY: t + 4 <= n = every core's length: reads cores[j][t..t + 4].
            let [r0, r1, r2, r3] = cores.map(|c| unsafe { _mm256_loadu_pd(c.as_ptr().add(t)) });
            // Transpose: month t + m of the four cores in one register.
            let (a, b) = (_mm256_unpacklo_pd(r0, r1), _mm256_unpackhi_pd(r0, r1));
            let (c, d) = (_mm256_unpacklo_pd(r2, r3), _mm256_unpackhi_pd(r2, r3));
            add(_mm256_permute2f128_pd::<0x20>(a, c));
            add(_mm256_permute2f128_pd::<0x20>(b, d));
            add(_mm256_permute2f128_pd::<0x31>(a, c));
            add(_mm256_permute2f128_pd::<0x31>(b, d));
            t += 4;
        }
        let [a, b, c, d] = cores.map(|core| &core[t..]);
        for (((&a, &b), &c), &d) in a.iter().zip(b).zip(c).zip(d) {
            add(_mm256_setr_pd(a, b, c, d));
        }
        let lanes = |v: __m256d| {
            let mut out = [0.0; WIDTH];
            // SAFETY: writes the four values of `out`.
            unsafe { _mm256_storeu_pd(out.as_mut_ptr(), v) };
            out
        };
        let ends_across = _mm256_blendv_pd(
            _mm256_cmp_pd::<_CMP_LT_OQ>(total, zero),
            _mm256_cmp_pd::<_CMP_GT_OQ>(total, zero),
            neg,
        );
        let ok = _mm256_movemask_pd(_mm256_and_pd(_mm256_andnot_pd(wrong, crossed), ends_across));
        let (abs, total, s1, s2) = (lanes(abs), lanes(total), lanes(s1), lanes(s2));
        let near = lanes(near);
        std::array::from_fn(|j| {
            let sums = Sums {
                abs: abs[j],
                total: total[j],
                s1: s1[j],
                s2: s2[j],
            };
            (ok >> j & 1 == 1 && sums.signs_are_certain(n, near[j])).then_some(sums)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::irr;
    use super::super::tests::wild_flow;
    use super::*;
    use proptest::prelude::*;

    fn bits(r: [Option<f64>; WIDTH]) -> [Option<u64>; WIDTH] {
        r.map(|x| x.map(f64::to_bits))
    }

    /// Monthly project flows as the engine makes them: an investment, costs, benefits that
    /// ramp up, now and then a gap, a re-investment, or a loan's reversed signs.
    fn project_flows(rnd: &mut impl FnMut() -> f64, n: usize) -> Vec<f64> {
        let sign = if rnd() < 0.1 { -1.0 } else { 1.0 };
        let mut flows = vec![-sign * 1e6 * (0.2 + rnd())];
        let midpoint = 1.0 + 30.0 * rnd();
        for t in 1..n {
            let ramp = (t as f64 / midpoint).min(1.0);
            let mut cf = -2e4 * rnd() * (1.0 - ramp) + 8e4 * ramp * rnd();
            if rnd() < 0.02 {
                cf = if rnd() < 0.5 { 0.0 } else { -3e5 * rnd() };
            }
            flows.push(sign * cf);
        }
        flows
    }

    /// Project flows, mostly four of one length as in the engine: every rate to the bit.
    #[test]
    fn four_project_series_give_what_irr_gives_to_the_bit() {
        let mut rnd = crate::test_support::uniforms(0x1234_5678_9ABC_DEF0);
        let mut fast = 0;
        for case in 0..3000 {
            // Mostly one length, as in the engine; now and then four lengths.
            let n = 2 + (rnd() * 120.0) as usize;
            let series: Vec<Vec<f64>> = (0..WIDTH)
                .map(|_| {
                    let len = if case % 7 == 0 {
                        2 + (rnd() * 120.0) as usize
                    } else {
                        n
                    };
                    project_flows(&mut rnd, len)
                })
                .collect();
            let flows: [&[f64]; WIDTH] = std::array::from_fn(|j| series[j].as_slice());
            let one_by_one = flows.map(irr);
            fast += one_by_one.iter().filter(|r| r.is_some()).count();
            assert_eq!(
                bits(irr4(flows)),
                bits(one_by_one),
                "case {case}: {flows:?}"
            );
        }
        assert!(fast > 8000, "only {fast} of 12,000 series have an IRR");
    }

    /// The one-loop sums and verdicts are the one-core pass's, accepted or refused.
    #[test]
    fn the_four_sums_are_the_one_core_sums() {
        let mut rnd = crate::test_support::uniforms(0x0F1E_2D3C_4B5A_6978);
        let (mut claimed, mut refused) = (0, 0);
        for case in 0..2000 {
            let n = 2 + (rnd() * 80.0) as usize;
            let series: Vec<Vec<f64>> = (0..WIDTH)
                .map(|_| {
                    let mut f = project_flows(&mut rnd, n);
                    f[0] = if f[0] == 0.0 { -1.0 } else { f[0] };
                    f
                })
                .collect();
            let cores: [&[f64]; WIDTH] = std::array::from_fn(|j| series[j].as_slice());
            for (j, four) in Sums::of_single_crossing4(cores).into_iter().enumerate() {
                let one = Sums::of_single_crossing(cores[j]);
                let key =
                    |s: Option<Sums>| s.map(|s| [s.abs, s.total, s.s1, s.s2].map(f64::to_bits));
                assert_eq!(
                    key(four),
                    key(one),
                    "case {case}, series {j}: {:?}",
                    cores[j]
                );
                if one.is_some() {
                    claimed += 1;
                } else {
                    refused += 1;
                }
            }
        }
        assert!(
            claimed > 3000 && refused > 500,
            "{claimed} claimed, {refused} refused"
        );
    }

    fn wild_or_not_finite() -> impl Strategy<Value = f64> {
        prop_oneof![8 => wild_flow(), 1 => Just(f64::NAN), 1 => Just(f64::INFINITY)]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        /// Any flows, of any lengths and magnitudes, zeros and non-finite values included.
        #[test]
        fn irr4_is_irr_whatever_the_flows(
            a in prop::collection::vec(wild_flow(), 0..30),
            b in prop::collection::vec(wild_flow(), 0..30),
            c in prop::collection::vec(wild_or_not_finite(), 0..30),
            d in prop::collection::vec(wild_flow(), 0..30),
        ) {
            let flows = [a.as_slice(), b.as_slice(), c.as_slice(), d.as_slice()];
            prop_assert_eq!(bits(irr4(flows)), bits(flows.map(irr)));
        }

        /// Four series of one length whose balances come within rounding of zero (an outlay
        /// in cents won back in equal instalments, then a few amounts): the one-loop pass
        /// refuses or accepts exactly as the one-series pass does, and the rates are the same.
        #[test]
        fn irr4_is_irr_near_break_even(
            k in 1usize..30,
            series in prop::collection::vec(
                (1u64..2_000_000_000, prop::collection::vec(-1_000_000i64..1_000_000, 3)),
                4,
            ),
        ) {
            let series: Vec<Vec<f64>> = series
                .iter()
                .map(|(cents, tail)| {
                    let mut f = vec![-((cents * k as u64) as f64 / 100.0)];
                    f.extend(std::iter::repeat_n(*cents as f64 / 100.0, k));
                    f.extend(tail.iter().map(|&c| c as f64 / 100.0));
                    f
                })
                .collect();
            let flows: [&[f64]; WIDTH] = std::array::from_fn(|j| series[j].as_slice());
            prop_assert_eq!(bits(irr4(flows)), bits(flows.map(irr)));
        }

        /// Four series of one length, so the sums run in one loop and the evaluations side by
        /// side: the same bits as one by one.
        #[test]
        fn irr4_is_irr_on_series_of_one_length(
            rows in prop::collection::vec(prop::collection::vec(-1e6f64..1e6, 24), 4),
            first in prop::collection::vec(-5e7f64..-1e6, 4),
        ) {
            let series: Vec<Vec<f64>> = rows
                .iter()
                .zip(&first)
                .map(|(r, &f)| std::iter::once(f).chain(r.iter().map(|x| x.abs() * 0.5)).collect())
                .collect();
            let flows: [&[f64]; WIDTH] = std::array::from_fn(|j| series[j].as_slice());
            prop_assert_eq!(bits(irr4(flows)), bits(flows.map(irr)));
        }
    }
}
