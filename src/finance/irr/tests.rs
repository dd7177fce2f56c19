//! Tests of [`irr`](super::irr) and of each of its paths.

use super::crossing::*;
use super::extreme::*;
use super::poly::*;
use super::scan::*;
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
        let got = irr(&c).unwrap_or_else(|| panic!("case {case}: none, want {expected} ({c:?})"));
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

/// −352,611.20 then 88,152.80 in each of four months: the flows sum to exactly 0 (as binary
/// values), so r = 0 is a root, though the float sum is −2.9e−11.
#[test]
fn break_even_to_the_cent_has_an_irr_of_zero() {
    let f = [-352_611.2, 88_152.8, 88_152.8, 88_152.8, 88_152.8];
    assert_eq!(irr(&f).map(f64::to_bits), Some(0.0f64.to_bits()));
    let later = [
        0.0, 0.0, -352_611.2, 88_152.8, 88_152.8, 88_152.8, 88_152.8, 0.0,
    ];
    assert_eq!(irr(&later), Some(0.0));
    let four = irr4([&f, &later, &f[..3], &[-1.0, 0.5, 0.5]]);
    assert_eq!(four, [Some(0.0), Some(0.0), irr(&f[..3]), Some(0.0)]);
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

    /// Norstrøm's counts and the total are taken from exact signs: on flows whose balances
    /// and tail sums come within rounding of zero, the same as from an independent exact sum;
    /// the cheap pass claims the single-crossing shape only where the exact balances have it;
    /// an exact zero total is an IRR of exactly 0.
    #[test]
    fn root_counts_use_exact_signs(
        flows in prop_oneof![
            crate::finance::balance::tests::near_break_even(),
            crate::finance::balance::tests::cancelling(),
        ]
    ) {
        use crate::finance::balance::tests::fixed_point_sums;
        let Some(core) = support(&flows) else { return Ok(()); };
        let balances = fixed_point_sums(core).unwrap();
        let reversed: Vec<f64> = core.iter().rev().copied().collect();
        let tails = fixed_point_sums(&reversed).unwrap();
        let total = balances[balances.len() - 1];
        let changes = balances.windows(2).filter(|w| (w[0] < 0) != (w[1] < 0)).count();
        let tails_one_sign = tails.iter().all(|&t| if total > 0 { t >= 0 } else { t <= 0 });
        let two_signs = core.iter().any(|&c| c > 0.0) && core.iter().any(|&c| c < 0.0);
        let survey = Survey::of(core);
        let signs = Signs::of(core, &survey);
        prop_assert_eq!(signs.total.partial_cmp(&0.0), Some(total.cmp(&0)));
        prop_assert_eq!(signs.changes as usize, changes);
        if total != 0 {
            prop_assert_eq!(signs.tails_one_sign, tails_one_sign);
            let mut neg = core[core.len() - 1] < 0.0;
            let mut tail_changes = 0;
            for &t in &tails {
                tail_changes += usize::from((t < 0) != neg);
                neg = t < 0;
            }
            prop_assert_eq!(signs.tail_changes(core) as usize, tail_changes);
        }
        if Sums::of_single_crossing(core).is_some() {
            prop_assert!(changes == 1 && tails_one_sign && total != 0, "{:?}", core);
        }
        if total == 0 && two_signs {
            prop_assert_eq!(irr(&flows), Some(0.0));
        }
    }

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
