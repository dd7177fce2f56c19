use super::*;
use proptest::prelude::*;

/// The straightforward kernels the ones above replace: each rewritten kernel must give
/// the same bits.
mod reference {
    pub fn dot(a: &[f64], b: &[f64]) -> f64 {
        let n = a.len().min(b.len());
        let mut acc = [0.0f64; 4];
        let whole = n / 4 * 4;
        for t in 0..whole {
            acc[t % 4] += a[t] * b[t];
        }
        let mut tail = 0.0;
        for t in whole..n {
            tail += a[t] * b[t];
        }
        ((acc[0] + acc[1]) + (acc[2] + acc[3])) + tail
    }

    pub fn add_scaled_and_dot(acc: &mut [f64], a: &[f64], k: f64, d: &[f64]) -> f64 {
        let n = acc.len().min(a.len()).min(d.len());
        let mut sums = [0.0f64; 4];
        for t in 0..n {
            acc[t] += k * a[t];
            sums[t % 4] += a[t] * d[t];
        }
        (sums[0] + sums[1]) + (sums[2] + sums[3])
    }

    pub fn step_sums(out: &mut [f64], ranges: &[(usize, usize, usize)], values: &[f64]) {
        out.fill(0.0);
        for (&(_, from, to), &v) in ranges.iter().zip(values) {
            for c in &mut out[from..to] {
                *c += v;
            }
        }
    }

    pub fn realised_share(
        row: &mut [f64],
        lag: usize,
        groups: &[(usize, f64)],
        adoption: &[f64],
        scale: f64,
    ) {
        let h = row.len();
        let lag = lag.min(h);
        row.fill(0.0);
        for &(g, w) in groups {
            for t in lag..h {
                row[t] += w * adoption[g * h + t - lag];
            }
        }
        for r in &mut row[lag..] {
            *r *= scale;
        }
    }

    pub fn split_exact(total: f64, weights: &[(usize, f64)], out: &mut [f64], t: usize, h: usize) {
        let n = weights.len();
        let sum: f64 = weights.iter().map(|(_, w)| w).sum();
        let mut assigned = 0.0;
        for (k, &(c, w)) in weights.iter().enumerate() {
            let part = if k + 1 == n {
                total - assigned
            } else if sum != 0.0 {
                total * (w / sum)
            } else {
                total / n as f64
            };
            assigned += part;
            out[c * h + t] += part;
        }
    }
}

fn same(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
}

fn values(n: std::ops::Range<usize>) -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(-1e6f64..1e6, n)
}

proptest! {
    #[test]
    fn scale_add_dot_matches_scale_then_add_then_dot(
        row in values(0..70),
        acc in values(70..71),
        d in values(70..71),
        share in prop_oneof![Just(1.0), 0.0f64..1.0],
    ) {
        let n = row.len();
        let (mut r1, mut a1) = (row.clone(), acc[..n].to_vec());
        let pv = scale_add_dot(&mut r1, share, &mut a1, &d[..n]);
        let (mut r2, mut a2) = (row.clone(), acc[..n].to_vec());
        if share != 1.0 {
            for v in r2.iter_mut() {
                *v *= share;
            }
        }
        for (b, &v) in a2.iter_mut().zip(&r2) {
            *b += v;
        }
        let pv2 = reference::dot(&r2, &d[..n]);
        prop_assert!(same(&r1, &r2) && same(&a1, &a2));
        prop_assert_eq!(pv.to_bits(), pv2.to_bits());
        // The call above takes AVX where the processor has it: the portable form too.
        let (mut r3, mut a3) = (row.clone(), acc[..n].to_vec());
        let pv3 = scale_add_dot_portable(&mut r3, share, &mut a3, &d[..n]);
        prop_assert!(same(&r3, &r2) && same(&a3, &a2));
        prop_assert_eq!(pv3.to_bits(), pv2.to_bits());
    }

    #[test]
    fn dot_matches_the_plain_loop(a in values(0..70), d in values(70..71)) {
        let n = a.len();
        let want = reference::dot(&a, &d[..n]).to_bits();
        prop_assert_eq!(dot(&a, &d[..n]).to_bits(), want);
        prop_assert_eq!(dot_portable(&a, &d[..n]).to_bits(), want);
    }

    #[test]
    fn add_scaled_and_dot_matches_the_plain_loop(
        a in values(0..70),
        acc in values(70..71),
        d in values(70..71),
        k in -10.0f64..10.0,
    ) {
        let n = a.len();
        let mut a1 = acc[..n].to_vec();
        let mut a2 = a1.clone();
        let s1 = add_scaled_and_dot(&mut a1, &a, k, &d[..n]);
        let s2 = reference::add_scaled_and_dot(&mut a2, &a, k, &d[..n]);
        prop_assert!(same(&a1, &a2));
        prop_assert_eq!(s1.to_bits(), s2.to_bits());
    }

    #[test]
    fn cost_steps_match_adding_month_by_month(
        h in 1usize..70,
        raw in prop::collection::vec((0usize..80, 0usize..80, -1e5f64..1e5), 0..12),
    ) {
        let mut steps = CostSteps {
            ranges: raw.iter().map(|&(a, len, _)| (0, a % h, (a % h + 1 + len).min(h))).collect(),
            ..CostSteps::default()
        };
        let values: Vec<f64> = raw.iter().map(|r| r.2).collect();
        steps.build(h);
        let mut out = vec![f64::NAN; h];
        steps.sums(&values, &mut out);
        let mut expected = vec![f64::NAN; h];
        reference::step_sums(&mut expected, &steps.ranges, &values);
        prop_assert!(same(&out, &expected), "{:?} vs {:?}", out, expected);
    }

    #[test]
    fn realised_share_matches_the_plain_loops(
        h in 1usize..70,
        lag in 0usize..80,
        groups in prop::collection::vec((0usize..3, 0.0f64..1.0), 0..4),
        adoption in values(210..211),
        scale in -100.0f64..100.0,
    ) {
        let adoption = &adoption[..3 * h];
        let unit = [true; 3];
        let rows = QualityRows { adoption, scaled: adoption, unit: &unit, h };
        let mut row = vec![f64::NAN; h];
        realised_share(&mut row, lag, &groups, rows, scale);
        let mut expected = vec![f64::NAN; h];
        reference::realised_share(&mut expected, lag, &groups, adoption, scale);
        if let [(_, w)] = groups.as_slice() {
            // One group: one multiplication by w · scale (as before the rewrite too).
            let lag = lag.min(h);
            let g = groups[0].0;
            for t in lag..h {
                expected[t] = (w * scale) * adoption[g * h + t - lag];
            }
        }
        prop_assert!(same(&row, &expected), "{:?} vs {:?}", row, expected);
        // The call above takes AVX where the processor has it: the portable form too.
        row.fill(f64::NAN);
        realised_share_portable(&mut row, lag, &groups, rows, scale);
        prop_assert!(same(&row, &expected), "portable: {:?} vs {:?}", row, expected);
    }

    #[test]
    fn split_exact_matches_adding_into_zeroed_rows(
        total in -1e6f64..1e6,
        factors in prop::collection::vec(prop_oneof![Just(1.0), 1.0f64..1.5], 1..5),
        t in 0usize..6,
    ) {
        let (n, h) = (factors.len(), 6);
        let caps: Vec<usize> = (0..n).rev().collect();
        let weights: Vec<f64> = factors.iter().map(|&f| ln_or_zero(f)).collect();
        let mut out = vec![f64::NAN; n * h];
        split_exact(total, &caps, &weights, &mut out, t, h);
        let pairs: Vec<(usize, f64)> =
            caps.iter().zip(&factors).map(|(&c, f)| (c, f.ln())).collect();
        let mut expected = vec![0.0; n * h];
        reference::split_exact(total, &pairs, &mut expected, t, h);
        for &c in &caps {
            prop_assert_eq!(out[c * h + t].to_bits(), expected[c * h + t].to_bits());
        }
    }

    #[test]
    fn month_pass_matches_the_plain_loop(
        benefits in values(0..70),
        costs in values(70..71),
        discount in prop::collection::vec(0.0f64..1.0, 70..71),
    ) {
        let h = benefits.len();
        let (costs, discount) = (&costs[..h], &discount[..h]);
        let mut outs = vec![vec![f64::NAN; h]; 4];
        let [net, dnet, cum, dcum] = &mut outs[..] else { unreachable!() };
        let (npv, pvb, pvc, finite) = month_pass(&benefits, costs, discount, net, dnet, cum, dcum);
        let (mut c, mut dc) = (0.0, 0.0);
        for t in 0..h {
            let n = benefits[t] - costs[t];
            c += n;
            dc += n * discount[t];
            prop_assert_eq!(net[t].to_bits(), n.to_bits());
            prop_assert_eq!(dnet[t].to_bits(), (n * discount[t]).to_bits());
            prop_assert_eq!(cum[t].to_bits(), c.to_bits());
            prop_assert_eq!(dcum[t].to_bits(), dc.to_bits());
        }
        let dn: Vec<f64> = net.iter().zip(discount).map(|(n, d)| n * d).collect();
        let ones = vec![1.0; h];
        // Four lanes, the tail folded into the first ones: `add_scaled_and_dot`'s order.
        let lanes = |a: &[f64], b: &[f64]| reference::add_scaled_and_dot(&mut vec![0.0; h], a, 0.0, b);
        prop_assert_eq!(npv.to_bits(), lanes(&dn, &ones).to_bits());
        prop_assert_eq!(pvb.to_bits(), lanes(&benefits, discount).to_bits());
        prop_assert_eq!(pvc.to_bits(), lanes(costs, discount).to_bits());
        prop_assert!(finite);
    }
}

proptest! {
    #[test]
    fn four_lane_kernels_match_their_portable_versions(
        b in values(0..70),
        c in values(70..71),
        d in prop::collection::vec(0.0f64..1.0, 70..71),
        k in -10.0f64..10.0,
    ) {
        let h = b.len();
        let (c, d) = (&c[..h], &d[..h]);
        let mut outs = vec![vec![f64::NAN; h]; 4];
        let [n1, dn1, n2, dn2] = &mut outs[..] else { unreachable!() };
        let l1 = flows4(&b, c, d, n1, dn1);
        let l2 = flows4_portable(&b, c, d, n2, dn2);
        prop_assert!(same(n1, n2) && same(dn1, dn2));
        prop_assert!(l1.iter().flatten().zip(l2.iter().flatten()).all(|(x, y)| x.to_bits() == y.to_bits()));
        let (mut a1, mut a2) = (c.to_vec(), c.to_vec());
        let s1 = scaled4(&mut a1, &b, k, d);
        let s2 = scaled4_portable(&mut a2, &b, k, d);
        prop_assert!(same(&a1, &a2) && same(&s1, &s2));
        // On x86-64 the dispatch above takes AVX where the processor has it: check the
        // SSE2 forms too.
        #[cfg(target_arch = "x86_64")]
        {
            let l3 = flows4_sse2(&b, c, d, n1, dn1);
            prop_assert!(same(n1, n2) && same(dn1, dn2));
            prop_assert!(l3.iter().flatten().zip(l2.iter().flatten()).all(|(x, y)| x.to_bits() == y.to_bits()));
            let mut a3 = c.to_vec();
            let s3 = scaled4_sse2(&mut a3, &b, k, d);
            prop_assert!(same(&a3, &a2) && same(&s3, &s2));
        }
    }
}

fn bits_of(a: &[f64]) -> Vec<u64> {
    a.iter().map(|x| x.to_bits()).collect()
}

/// Monthly flows with paybacks to find: an outlay, then noisy benefits and costs; or an
/// outlay in cents won back to the cent by equal monthly benefits (a balance within
/// rounding of zero, decided exactly).
fn project_months() -> impl Strategy<Value = (Vec<f64>, Vec<f64>)> {
    let noisy = (1usize..130).prop_flat_map(|h| {
        (
            prop::collection::vec(0.0f64..6e4, h),
            prop::collection::vec(0.0f64..3e4, h),
            1e4f64..2e6,
        )
            .prop_map(|(b, mut c, outlay)| {
                c[0] += outlay;
                (b, c)
            })
    });
    let to_the_cent =
        (1u64..2_000_000_000, 1usize..60, 0usize..12).prop_map(|(cents, k, after)| {
            let h = 1 + k + after;
            let mut b = vec![cents as f64 / 100.0; h];
            b[0] = 0.0;
            let mut c = vec![0.0; h];
            c[0] = (cents * k as u64) as f64 / 100.0;
            (b, c)
        });
    prop_oneof![noisy, to_the_cent]
}

proptest! {
    /// The month pass and the paybacks read from it are the finance definitions, to the
    /// bit: NPV and PVs are `finance::npv`, the balances `finance::running_balances`, the
    /// paybacks `finance::payback` and `finance::discounted_payback` of the net flows.
    #[test]
    fn month_pass_is_the_finance_definitions(
        (benefits, costs) in project_months(),
        rate in prop_oneof![Just(0.0), -0.02f64..0.05],
    ) {
        let h = benefits.len();
        let discount = finance::discount_factors(rate, h);
        let mut outs = vec![vec![f64::NAN; h]; 4];
        let [net, dnet, cum, dcum] = &mut outs[..] else { unreachable!() };
        let (npv, pvb, pvc, finite) =
            month_pass(&benefits, &costs, &discount, net, dnet, cum, dcum);
        prop_assert!(finite);
        prop_assert_eq!(npv.to_bits(), finance::npv(rate, net).to_bits());
        prop_assert_eq!(pvb.to_bits(), finance::npv(rate, &benefits).to_bits());
        prop_assert_eq!(pvc.to_bits(), finance::npv(rate, &costs).to_bits());
        prop_assert_eq!(bits_of(cum), bits_of(&finance::running_balances(net)));
        prop_assert_eq!(bits_of(dcum), bits_of(&finance::running_balances(dnet)));
        let months = |p: Option<f64>| p.unwrap_or(f64::NAN).to_bits();
        prop_assert_eq!(
            payback_months(net, cum, finite).to_bits(),
            months(finance::payback(net))
        );
        prop_assert_eq!(
            payback_months(dnet, dcum, finite).to_bits(),
            months(finance::discounted_payback(rate, net))
        );
    }
}

/// The reported break-even through the model's month loop: −352,611.20, then 88,152.80
/// a month for four months, pays back in month 4 (the float balance is −2.9e−11) and the
/// balance the charts and `cashflow` show is 0.
#[test]
fn a_break_even_to_the_cent_pays_back_in_its_month() {
    let b = [0.0, 88_152.8, 88_152.8, 88_152.8, 88_152.8, 1.0];
    let c = [352_611.2, 0.0, 0.0, 0.0, 0.0, 0.0];
    let d = [1.0; 6];
    let mut outs = vec![vec![0.0; 6]; 4];
    let [net, dnet, cum, dcum] = &mut outs[..] else {
        unreachable!()
    };
    let (_, _, _, finite) = month_pass(&b, &c, &d, net, dnet, cum, dcum);
    assert_eq!(cum[4].to_bits(), 0.0f64.to_bits());
    assert_eq!(dcum[4].to_bits(), 0.0f64.to_bits());
    assert_eq!(payback_months(net, cum, finite), 4.0);
    assert_eq!(payback_months(dnet, dcum, finite), 4.0);
}

/// Whole trials of the built-in scenario (every driver): NPV, PVs, paybacks and IRR are
/// the finance functions of the trial's monthly flows at the monthly rate, to the bit.
#[test]
fn trials_report_the_finance_functions_of_their_flows() {
    let scenario = crate::scenario::parse_str(crate::scenario::BUILT_IN, None)
        .expect("built-in scenario parses");
    let model = Model::compile(&scenario);
    let mut scratch = Scratch::for_trials(&model);
    let mut rnd = crate::test_support::uniforms(0x0DDB_A11C_0FFE_E5ED);
    let rate = model.monthly_rate;
    let months = |p: Option<f64>| p.unwrap_or(f64::NAN).to_bits();
    let mut paid_back = 0;
    for trial in 0..400 {
        let draws: Vec<f64> = model
            .inputs
            .iter()
            .map(|i| i.sampler.quantile(0.005 + 0.99 * rnd()))
            .collect();
        let o = model.evaluate(&draws, &mut scratch);
        let net = &scratch.net;
        assert_eq!(
            o.npv.to_bits(),
            finance::npv(rate, net).to_bits(),
            "{trial}"
        );
        assert_eq!(
            o.pv_benefits.to_bits(),
            finance::npv(rate, &scratch.benefits).to_bits()
        );
        assert_eq!(
            o.pv_costs.to_bits(),
            finance::npv(rate, &scratch.costs).to_bits()
        );
        assert_eq!(o.payback_months.to_bits(), months(finance::payback(net)));
        assert_eq!(
            o.discounted_payback_months.to_bits(),
            months(finance::discounted_payback(rate, net)),
            "{trial}"
        );
        assert_eq!(
            o.irr_annual.to_bits(),
            annual_irr(finance::irr(net)).to_bits()
        );
        paid_back += usize::from(o.discounted_payback_months.is_finite());
    }
    // Enough trials with a crossing to interpolate, and the rest "never".
    assert!(paid_back > 50, "{paid_back} of 400 trials paid back");
}

proptest! {
    /// The SSE2 balance chains give the portable ones' bits (balances, smallest and
    /// largest magnitudes), NaN and infinities included.
    #[test]
    fn balance_chains_match_their_portable_version(
        net in prop::collection::vec(prop_oneof![8 => -1e6f64..1e6, 1 => Just(0.0), 1 => Just(f64::NAN), 1 => Just(f64::INFINITY)], 0..70),
        scale in 0.0f64..1.0,
    ) {
        let n = net.len();
        let discounted: Vec<f64> = net.iter().map(|x| x * scale).collect();
        let mut outs = vec![vec![f64::NAN; n]; 4];
        let [c1, d1, c2, d2] = &mut outs[..] else { unreachable!() };
        let (near1, far1) = balance_chains(&net, &discounted, c1, d1);
        let (near2, far2) = balance_chains_portable(&net, &discounted, c2, d2);
        prop_assert!(same(c1, c2) && same(d1, d2));
        prop_assert!(same(&near1, &near2) && same(&far1, &far2));
    }
}

#[test]
fn ln_or_zero_is_ln() {
    for f in [1.0, 1.0 + f64::EPSILON, 0.5, 1.25, 1e-300] {
        assert_eq!(ln_or_zero(f).to_bits(), f.ln().to_bits());
        assert_eq!((-ln_or_zero(f)).to_bits(), (-f.ln()).to_bits());
    }
}

#[test]
fn month_pass_flags_infinite_flows() {
    let b = [1.0, f64::INFINITY, 0.0, 0.0, 2.0];
    let c = [0.5; 5];
    let d = [1.0; 5];
    let mut outs = vec![vec![0.0; 5]; 4];
    let [net, dnet, cum, dcum] = &mut outs[..] else {
        unreachable!()
    };
    assert!(!month_pass(&b, &c, &d, net, dnet, cum, dcum).3);
}

/// The survival gain in its precise form is the difference of the two powers, to within that
/// difference's own rounding error.
#[test]
fn monthly_survival_gain_is_the_difference_of_the_survivals() {
    for churn in [0.0, 0.01, 0.12, 0.5, 0.99, 1.0] {
        let survival = (1.0f64 - churn).powf(1.0 / 12.0);
        for reduction in [0.0, 1e-6, 0.001, 0.01, 0.05, 0.12, 0.5, 1.0] {
            if reduction > churn {
                continue;
            }
            let naive = (1.0f64 - churn + reduction).powf(1.0 / 12.0) - survival;
            let got = monthly_survival_gain(churn, survival, reduction);
            assert!(
                (got - naive).abs() <= 1e-14,
                "churn {churn}, reduction {reduction}: {got} vs {naive}"
            );
        }
    }
    assert_eq!(
        monthly_survival_gain(0.12, 0.88f64.powf(1.0 / 12.0), 0.0),
        0.0
    );
}

/// The binomial series is (1 + y)^(1/12) − 1 to within 1e−15 of it wherever the survival gain
/// takes it (0 < y ≤ 1/16), down to the smallest reductions.
#[test]
fn root12_series_matches_the_logarithmic_form() {
    let mut worst: f64 = 0.0;
    let mut ys: Vec<f64> = (1..=20_000).map(|i| i as f64 / 20_000.0 / 16.0).collect();
    ys.extend((1..300).map(|e| 10f64.powi(-e)));
    for y in ys {
        let want = (y.ln_1p() / 12.0).exp_m1();
        let got = root12_minus_one(y);
        worst = worst.max(((got - want) / want).abs());
    }
    assert!(worst <= 1e-15, "worst relative difference {worst:e}");
}

/// An NPV-only evaluation gives the full evaluation's NPV and PVs within rounding, also when a
/// risk haircuts the benefits and a capability of a compounding driver or of retention is a
/// dis-benefit (its row keeps its whole value, so the driver's gain is shared out as in full),
/// and with two retention capabilities (one stock for both); its paybacks are not scanned.
#[test]
fn npv_only_evaluation_is_the_full_one_within_rounding() {
    let second_retention = "\n[[capabilities]]\nname = \"Service recovery\"\n\
        group = \"Customer insight\"\nused_by = [\"Wave 3 - Customer service\"]\n\
        driver = \"retention\"\nuplift = { pert = [0.0, 0.005, 0.02] }\nlag_months = 2\n";
    for text in [
        crate::scenario::BUILT_IN.to_string(),
        format!("{}{second_retention}", crate::scenario::BUILT_IN),
    ] {
        let scenario = crate::scenario::parse_str(&text, None).expect("scenario parses");
        let model = Model::compile(&scenario);
        let ix = &model.by_driver;
        assert!(ix.funnel.len() > 1, "the built-in case compounds a funnel");
        assert!(!ix.retention.is_empty());
        let (mut full, mut fast) = (
            Scratch::for_trials(&model),
            Scratch::for_trials(&model).npv_only(),
        );
        let mut rnd = crate::test_support::uniforms(0x5EED_F0A1);
        let mut haircut_and_dis_benefit = 0;
        for trial in 0..300 {
            let mut draws: Vec<f64> = model
                .inputs
                .iter()
                .map(|i| i.sampler.quantile(0.005 + 0.99 * rnd()))
                .collect();
            if trial % 2 == 0 {
                // Every benefit-cutting risk happens, and a capability takes value away.
                for r in model.risk_models.iter().filter(|r| r.event.is_none()) {
                    if let Some(share) = r.benefit_realised {
                        draws[r.occurs] = 1.0;
                        draws[share] = 0.6;
                    }
                }
                let c = if trial % 4 == 0 {
                    ix.funnel[0]
                } else {
                    ix.retention[0]
                };
                draws[model.capability_models[c].effect] = -0.004;
                haircut_and_dis_benefit += 1;
            }
            let a = model.evaluate_all_but_irr(&draws, &mut full);
            let b = model.evaluate_all_but_irr(&draws, &mut fast);
            let scale = a.pv_benefits.abs() + a.pv_costs.abs();
            for (x, y) in [
                (a.npv, b.npv),
                (a.pv_benefits, b.pv_benefits),
                (a.pv_costs, b.pv_costs),
            ] {
                assert!(
                    (x - y).abs() <= 1e-13 * scale,
                    "trial {trial}: {x} against {y}"
                );
            }
            assert!(b.payback_months.is_nan() && b.falls_back_months.is_nan());
            assert!(model.evaluate(&draws, &mut fast).irr_annual.is_nan());
            assert_eq!(a.roi.is_nan(), b.roi.is_nan());
        }
        assert!(haircut_and_dis_benefit > 100);
    }
}
