use super::*;
use crate::engine::npvs::assert_within_rounding;
use crate::engine::{RunSpec, npvs, run};
use crate::scenario::parse_str;

fn programme() -> crate::scenario::Scenario {
    parse_str(
        include_str!("../../../scenarios/hightech-change-programme.toml"),
        None,
    )
    .expect("scenario parses")
}

#[test]
fn shapley_weights_over_all_coalitions_sum_to_one() {
    for levers in 1..=8usize {
        let w = shapley_weights(levers);
        // Σ_s C(L − 1, s) w(s) = 1: a lever's weights over every coalition of the others.
        let mut total = 0.0;
        for (s, ws) in w.iter().enumerate() {
            let choose = (0..s).fold(1.0, |c, k| c * (levers - 1 - k) as f64 / (k + 1) as f64);
            total += choose * ws;
        }
        assert!((total - 1.0).abs() < 1e-12, "{levers} levers: {total}");
    }
}

/// An additive game gives each lever its own value; an interaction is split evenly; the
/// values sum to v(all) − v(none) whatever the game.
#[test]
fn trial_values_are_shapley_values() {
    let value = |set: &LeverSet| -> f64 {
        let own = [10.0, 20.0, 30.0];
        let base = 100.0;
        let additive: f64 = set
            .iter()
            .zip(own)
            .filter(|(on, _)| **on)
            .map(|(_, v)| v)
            .sum();
        let both = if set[0] && set[1] { 6.0 } else { 0.0 };
        base + additive + both
    };
    let mut phi = [0.0; 3];
    trial_values(&Plan::Exact, 3, &value, &mut phi);
    assert_eq!(phi, [13.0, 23.0, 30.0]);
    let sampled = Plan::Sampled(orders(3, 5));
    trial_values(&sampled, 3, &value, &mut phi);
    let sum: f64 = phi.iter().sum();
    assert!((sum - 66.0).abs() < 1e-12, "{phi:?}");
    assert_eq!(
        phi[2], 30.0,
        "a lever without interaction keeps its value in every order"
    );
}

#[test]
fn regression_adjusted_shares_sum_to_the_whole_runs_gain() {
    let phi = [1.0, 2.0, 3.0, 1.0, 0.5, 4.0];
    let gain = [3.0, 4.0, 4.5];
    let (shares, stderr) = regression_adjusted(&phi, &gain, 2, 5.0);
    assert!(stderr.iter().all(|e| e.is_finite() && *e >= 0.0));
    assert!(
        (shares.iter().sum::<f64>() - 5.0).abs() < 1e-12,
        "{shares:?}"
    );
    // Without variation in the gain, the difference is split evenly.
    let (flat, _) = regression_adjusted(&[1.0, 2.0, 2.0, 1.0], &[3.0, 3.0], 2, 4.0);
    assert_eq!(flat, vec![2.0, 2.0]);
}

/// The trial without levers in the programme file is, to the bit, the NPV-only trial of the
/// file without the programme (and its full trial within rounding): same draws for every
/// shared input, same risk decided by the same uniform, no lever cost, no lever effect.
#[test]
fn the_trial_without_levers_is_the_no_programme_trial() {
    let with = Model::compile(&programme());
    let without = Model::compile(
        &parse_str(
            include_str!("../../../scenarios/hightech-no-change-programme.toml"),
            None,
        )
        .expect("scenario parses"),
    );
    let spec = RunSpec {
        seed: 9,
        first_trial: 100,
        trials: 1500,
    };
    let (a, b) = (run(&with, spec, &|_| {}), run(&without, spec, &|_| {}));
    let columns = lever_columns(&with).expect("levers");
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    let same = bits(a.npv_without_levers(columns)) == bits(&npvs(&without, spec));
    assert!(
        same,
        "the trials without levers differ from the no-programme trials"
    );
    assert_within_rounding(a.npv_without_levers(columns), &b);
    assert!(lever_columns(&without).is_none());
    // And the levers do something in most trials.
    let moved = a.npv().iter().zip(b.npv()).filter(|(x, y)| x != y).count();
    assert!(moved > 1400, "{moved}");
}

#[test]
fn lever_shares_sum_to_the_mean_gain_and_are_positive_here() {
    let model = Model::compile(&programme());
    let spec = RunSpec {
        seed: 3,
        first_trial: 0,
        trials: 4000,
    };
    let out = run(&model, spec, &|_| {});
    let cp = change_programme(&model, &out).expect("levers");
    let sum: f64 = cp.levers.iter().map(|l| l.npv_gain_mean).sum();
    let mean = cp.npv_gain.mean;
    assert!(
        (sum - mean).abs() <= 1e-9 * mean.abs(),
        "{sum} against {mean}"
    );
    assert_eq!(cp.levers.len(), 3);
    assert_eq!(cp.shares_method, "exact");
    assert_eq!(cp.shares_sample_trials, 20_000 / 6);
    for l in &cp.levers {
        assert!(l.npv_gain_mean_stderr > 0.0 && l.npv_gain_mean_stderr < 0.05 * l.npv_gain_mean);
    }
    for l in &cp.levers {
        assert!(l.npv_gain_mean > 0.0, "{}: {}", l.name, l.npv_gain_mean);
    }
    assert!(cp.prob_pays_for_itself > 0.5 && cp.prob_pays_for_itself < 1.0);
    assert!(cp.pv_lever_costs.min > 0.0);
    assert_eq!(cp.npv_without_levers_percentiles.len(), 101);
}

/// The PV of the levers' cost lines is their share of the PV of costs: the trial with levers
/// costs exactly that much more when no risk changes the costs.
#[test]
fn lever_costs_pv_is_the_difference_in_pv_costs() {
    let model = Model::compile(&programme());
    let mut with = Scratch::for_trials(&model);
    let mut without = Scratch::with_levers(&model, &[]);
    for trial in 0..50 {
        let draws = crate::engine::trial_draws(&model, 1, trial);
        let a = model.evaluate_all_but_irr(&draws, &mut with);
        let b = model.evaluate_all_but_irr(&draws, &mut without);
        let diff = a.pv_costs - b.pv_costs;
        assert!(
            (with.lever_costs_pv - diff).abs() <= 1e-6 * diff,
            "trial {trial}: {} against {diff}",
            with.lever_costs_pv
        );
        assert_eq!(without.lever_costs_pv, 0.0);
    }
}

/// A correlated risk occurrence is decided by the rank form of its uniform: without levers,
/// still exactly the no-programme file's Bernoulli draw.
#[test]
fn a_correlated_risk_without_levers_is_the_no_programme_risk() {
    let link = "\n[[correlations]]\ninputs = ['risks.\"Programme fails to take hold\".occurs', \
                'user_groups.\"Wave 1 - North America sales\".adoption.ceiling']\nrank = -0.6\n";
    let parse = |text: &str| {
        Model::compile(&parse_str(&format!("{text}{link}"), None).expect("scenario parses"))
    };
    let with = parse(include_str!(
        "../../../scenarios/hightech-change-programme.toml"
    ));
    let without = parse(include_str!(
        "../../../scenarios/hightech-no-change-programme.toml"
    ));
    let spec = RunSpec {
        seed: 4,
        first_trial: 0,
        trials: 800,
    };
    let (a, b) = (run(&with, spec, &|_| {}), run(&without, spec, &|_| {}));
    let columns = lever_columns(&with).expect("levers");
    let same = a
        .npv_without_levers(columns)
        .iter()
        .zip(&npvs(&without, spec))
        .all(|(x, y)| x.to_bits() == y.to_bits());
    assert!(
        same,
        "the correlated risk is decided differently without levers"
    );
    assert_within_rounding(a.npv_without_levers(columns), &b);
}

/// Above eight levers the shares come from sampled orders, and still sum to the mean gain.
#[test]
fn many_levers_are_shared_by_sampled_orders() {
    let mut text = include_str!("../../../scenarios/hightech-no-change-programme.toml").to_string();
    for k in 0..9 {
        text.push_str(&format!(
            "\n[[levers]]\nname = \"Lever {k}\"\nkind = \"generic\"\n[levers.effects]\n\
             ceiling = {{ pert = [0.0, 0.01, 0.02] }}\n\
             risks = {{ \"Programme fails to take hold\" = {{ pert = [0.8, 0.9, 1.0] }} }}\n\
             [[levers.costs]]\nname = \"Cost\"\nkind = \"one_off\"\nmonth = 0\namount = 10000\n"
        ));
    }
    let model = Model::compile(&parse_str(&text, None).expect("scenario parses"));
    let spec = RunSpec {
        seed: 2,
        first_trial: 0,
        trials: 1200,
    };
    let out = run(&model, spec, &|_| {});
    let cp = change_programme(&model, &out).expect("levers");
    assert_eq!(cp.shares_method, "sampled");
    assert_eq!(cp.levers.len(), 9);
    let sum: f64 = cp.levers.iter().map(|l| l.npv_gain_mean).sum();
    let mean = cp.npv_gain.mean;
    assert!(
        (sum - mean).abs() <= 1e-9 * mean.abs(),
        "{sum} against {mean}"
    );
    assert_eq!(cp.shares_sample_trials, 1000);
}
