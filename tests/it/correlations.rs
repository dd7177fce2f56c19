//! Correlated inputs end to end: the drawn inputs have the rank correlations the scenario
//! asks for, every input outside a correlation is drawn bit for bit as without correlations,
//! and runs stay reproducible for any thread count and across shards.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;
use valuecase::engine::run::{Drawer, LANE, col};
use valuecase::engine::{self, RunSpec};
use valuecase::model::Model;
use valuecase::scenario::{self, Scenario};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/correlated.toml")
}

fn text() -> String {
    std::fs::read_to_string(data()).expect("tests/data/correlated.toml")
}

/// The same scenario without its `[[correlations]]` entries (they close the file).
fn without_correlations(text: &str) -> String {
    let at = text
        .find("[[correlations]]")
        .expect("the file has correlations");
    text[..at].to_string()
}

fn parse(text: &str) -> Scenario {
    scenario::parse_str(text, None).unwrap_or_else(|e| panic!("{e}"))
}

const CEILING: &str = r#"user_groups."Sales".adoption.ceiling"#;
const UPLIFT: &str = r#"capabilities."Opportunity management".uplift"#;
const LICENCE_OVERRUN: &str = r#"costs."CRM licences".overrun"#;
const PARTNER_OVERRUN: &str = r#"costs."Implementation partner".overrun"#;
const PARTNER_AMOUNT: &str = r#"costs."Implementation partner".amount"#;

/// Every input's draws in trials `0..trials`, exactly as the engine draws them: `[input][trial]`.
fn draws(model: &Model, seed: u64, trials: usize) -> Vec<Vec<f64>> {
    let drawer = Drawer::new(model, seed);
    let mut lanes = vec![0.0; drawer.random_inputs() * LANE];
    let mut one = drawer.base();
    let mut out = vec![Vec::with_capacity(trials); model.inputs.len()];
    for first in (0..trials).step_by(LANE) {
        let n = LANE.min(trials - first);
        drawer.draw_lane(model, first as u64, n, &mut lanes);
        for i in 0..n {
            drawer.gather(&lanes, i, &mut one);
            for (column, &x) in out.iter_mut().zip(&one) {
                column.push(x);
            }
        }
    }
    out
}

fn index(model: &Model, name: &str) -> usize {
    model
        .inputs
        .iter()
        .position(|i| i.name == name)
        .unwrap_or_else(|| panic!("no input {name}"))
}

/// Ranks 0..n, ties sharing their average rank.
fn ranks(v: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..v.len()).collect();
    idx.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let mut r = vec![0.0; v.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && v[idx[j + 1]] == v[idx[i]] {
            j += 1;
        }
        for &k in &idx[i..=j] {
            r[k] = (i + j) as f64 / 2.0;
        }
        i = j + 1;
    }
    r
}

fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let cov: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let vx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    let vy: f64 = y.iter().map(|b| (b - my).powi(2)).sum();
    cov / (vx * vy).sqrt()
}

fn spearman(x: &[f64], y: &[f64]) -> f64 {
    pearson(&ranks(x), &ranks(y))
}

#[test]
fn drawn_inputs_have_the_rank_correlations_asked_for() {
    let model = Model::compile(&parse(&text()));
    let d = draws(&model, 7, 20_000);
    let rho = |a: &str, b: &str| spearman(&d[index(&model, a)], &d[index(&model, b)]);
    let adoption = rho(CEILING, UPLIFT);
    let overruns = rho(LICENCE_OVERRUN, PARTNER_OVERRUN);
    let partner = rho(PARTNER_AMOUNT, PARTNER_OVERRUN);
    println!(
        "rank correlations at 20,000 trials: {adoption:.4} (0.7), {overruns:.4} (0.6), {partner:.4} (0.5)"
    );
    assert!((adoption - 0.7).abs() < 0.02, "ceiling / uplift {adoption}");
    assert!((overruns - 0.6).abs() < 0.02, "overruns {overruns}");
    // A lognormal and a PERT: the rank correlation does not depend on the distributions.
    assert!((partner - 0.5).abs() < 0.02, "amount / overrun {partner}");
    // A pair inside a block that the scenario does not list stays independent.
    let unlisted = rho(LICENCE_OVERRUN, PARTNER_AMOUNT);
    assert!(unlisted.abs() < 0.02, "unlisted pair {unlisted}");
    // Inputs outside every correlation stay independent of the correlated ones.
    let other = rho(CEILING, r#"user_groups."Service".adoption.ceiling"#);
    assert!(other.abs() < 0.02, "independent inputs {other}");
    // Other seeds too (and 20,000 trials is about 0.005 of noise at these values).
    for seed in [1, 2, 3] {
        let d = draws(&model, seed, 20_000);
        let r = spearman(&d[index(&model, CEILING)], &d[index(&model, UPLIFT)]);
        assert!((r - 0.7).abs() < 0.02, "seed {seed}: {r}");
    }
}

/// A discrete input written out of order still rises with its rank: its values are taken in
/// ascending order (docs/MODEL.md, section 7), so a positive rank correlation stays positive.
/// (In file order, 15,000 would be drawn for the lowest ranks and the correlation would turn.)
#[test]
fn a_discrete_input_in_any_order_keeps_its_rank_correlation() {
    let text = text()
        .replace(
            "amount = 12_000",
            "amount = { discrete = { values = [15_000, 9_000, 12_000] } }",
        )
        .replacen(
            "[[correlations]]",
            "[[correlations]]\ninputs = ['costs.\"CRM administration\".amount', 'user_groups.\"Service\".adoption.ceiling']\nrank = 0.8\n\n[[correlations]]",
            1,
        );
    let model = Model::compile(&parse(&text));
    let d = draws(&model, 7, 20_000);
    let amount = &d[index(&model, r#"costs."CRM administration".amount"#)];
    let ceiling = &d[index(&model, r#"user_groups."Service".adoption.ceiling"#)];
    let rho = spearman(amount, ceiling);
    // Three tied values make it weaker than 0.8, never negative.
    assert!(rho > 0.65 && rho < 0.8, "discrete / ceiling {rho}");
    // The base case is the median in ascending order: 12,000 (file order would give 9,000).
    let base = model.base_draws()[index(&model, r#"costs."CRM administration".amount"#)];
    assert_eq!(base, 12_000.0);
}

#[test]
fn correlations_keep_each_inputs_distribution() {
    // A correlated input is still drawn from its own distribution: same mean and spread.
    let with = Model::compile(&parse(&text()));
    let without = Model::compile(&parse(&without_correlations(&text())));
    let (a, b) = (draws(&with, 11, 20_000), draws(&without, 11, 20_000));
    for name in [UPLIFT, PARTNER_OVERRUN, PARTNER_AMOUNT] {
        let (x, y) = (&a[index(&with, name)], &b[index(&without, name)]);
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        let sd = |v: &[f64]| {
            let m = mean(v);
            (v.iter().map(|t| (t - m).powi(2)).sum::<f64>() / (v.len() - 1) as f64).sqrt()
        };
        let se = sd(y) / (y.len() as f64).sqrt();
        assert!(
            (mean(x) - mean(y)).abs() < 5.0 * se,
            "{name}: means {} vs {}",
            mean(x),
            mean(y)
        );
        assert!(
            (sd(x) / sd(y) - 1.0).abs() < 0.03,
            "{name}: sd {} vs {}",
            sd(x),
            sd(y)
        );
        let mut xs = x.clone();
        xs.sort_by(f64::total_cmp);
        let lo = with.inputs[index(&with, name)].sampler.quantile(1e-9);
        assert!(xs[0] >= lo, "{name}: inside the support");
    }
}

#[test]
fn inputs_outside_correlations_are_drawn_bit_for_bit_as_before() {
    let with = Model::compile(&parse(&text()));
    let without = Model::compile(&parse(&without_correlations(&text())));
    assert_eq!(with.correlated.len(), 2);
    assert!(without.correlated.is_empty());
    let names: Vec<&str> = with.inputs.iter().map(|i| i.name.as_str()).collect();
    let same: Vec<&str> = without.inputs.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, same, "correlations add no input and reorder none");
    let (a, b) = (draws(&with, 5, 3_000), draws(&without, 5, 3_000));
    let correlated = [
        CEILING,
        UPLIFT,
        LICENCE_OVERRUN,
        PARTNER_OVERRUN,
        PARTNER_AMOUNT,
    ];
    // The first member of each block in name order keeps its own draws too, and so does a
    // member not correlated with any member before it (the partner's amount comes before its
    // overrun and is not paired with the licence overrun).
    let keeps = [LICENCE_OVERRUN, PARTNER_AMOUNT, UPLIFT];
    for (k, name) in names.iter().enumerate() {
        let same = a[k]
            .iter()
            .zip(&b[k])
            .all(|(x, y)| x.to_bits() == y.to_bits());
        if !correlated.contains(name) || keeps.contains(name) {
            assert!(same, "{name} changed");
        } else {
            assert!(!same, "{name} is correlated");
        }
    }
}

#[test]
fn events_move_with_their_correlations() {
    // A risk's occurrence and a user's own `bernoulli` input, each correlated with a PERT: the
    // event comes with the other input's upper range for a positive rank and with its lower
    // range for a negative one, and happens as often as its probability says.
    const SLIPS: &str = r#"risks."Go-live slips".occurs"#;
    const SERVICE_CEILING: &str = r#"user_groups."Service".adoption.ceiling"#;
    // The administration costs double in 40% of trials.
    const EVENT: &str = r#"costs."CRM administration".overrun"#;
    const LICENCE: &str = r#"costs."CRM licences".amount"#;
    let text = text().replace(
        "amount = 12_000\n",
        "amount = 12_000\noverrun = { bernoulli = 0.4 }\n",
    ) + &format!(
        "\n[[correlations]]\ninputs = ['{SLIPS}', '{SERVICE_CEILING}']\nrank = -0.6\n\n\
         [[correlations]]\ninputs = ['{EVENT}', '{LICENCE}']\nrank = 0.7\n"
    );
    let model = Model::compile(&parse(&text));
    let d = draws(&model, 9, 20_000);
    let column = |name: &str| &d[index(&model, name)];
    let share = |name: &str| column(name).iter().filter(|&&v| v == 1.0).count() as f64 / 20_000.0;
    assert!(
        (share(SLIPS) - 0.3).abs() < 0.015,
        "P(slips) {}",
        share(SLIPS)
    );
    assert!(
        (share(EVENT) - 0.4).abs() < 0.015,
        "P(event) {}",
        share(EVENT)
    );
    // Mean of `other` in the trials with and without the event.
    let split = |event: &str, other: &str| {
        let (mut with, mut without) = (Vec::new(), Vec::new());
        for (&e, &v) in column(event).iter().zip(column(other)) {
            if e == 1.0 { &mut with } else { &mut without }.push(v);
        }
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        (mean(&with), mean(&without))
    };
    let (slipped, on_time) = split(SLIPS, SERVICE_CEILING);
    assert!(
        slipped < on_time - 0.02,
        "Service ceiling {slipped} when go-live slips, {on_time} when not"
    );
    let (event, no_event) = split(EVENT, LICENCE);
    assert!(
        event > no_event + 5.0,
        "licence price {event} with the event, {no_event} without"
    );
    let slips_ceiling = spearman(column(SLIPS), column(SERVICE_CEILING));
    let event_licence = spearman(column(EVENT), column(LICENCE));
    println!("events: rank correlations {slips_ceiling:.3} (-0.6 asked), {event_licence:.3} (0.7)");
    assert!((-0.6..-0.3).contains(&slips_ceiling), "{slips_ceiling}");
    assert!((0.4..0.7).contains(&event_licence), "{event_licence}");
}

#[test]
fn correlated_overruns_widen_the_spread_of_costs() {
    let spec = RunSpec {
        seed: 3,
        first_trial: 0,
        trials: 20_000,
    };
    let sd_of_costs = |text: &str| {
        let out = engine::run(&Model::compile(&parse(text)), spec, &|_| {});
        let c = out.table.column(col::PV_COSTS);
        let m = c.iter().sum::<f64>() / c.len() as f64;
        (c.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (c.len() - 1) as f64).sqrt()
    };
    let with = sd_of_costs(&text());
    let without = sd_of_costs(&without_correlations(&text()));
    assert!(with > 1.05 * without, "sd of PV costs {with} vs {without}");
}

#[test]
fn every_input_of_a_scenario_is_a_model_input() {
    // Scenario::inputs lists exactly the inputs the model draws, except the risks' occurrence
    // flags (a risk's probability is a plain number); correlations may name both.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("scenarios/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.push(data());
    for file in files {
        let (s, _) = scenario::parse_file(&file).unwrap_or_else(|e| panic!("{e}"));
        let mut listed: Vec<&str> = s.inputs().iter().map(|u| u.name.as_str()).collect();
        let model = Model::compile(&s);
        let mut drawn: Vec<&str> = model
            .inputs
            .iter()
            .map(|i| i.name.as_str())
            .filter(|n| !(n.starts_with("risks.") && n.ends_with(".occurs")))
            .collect();
        listed.sort_unstable();
        drawn.sort_unstable();
        assert_eq!(listed, drawn, "{}", file.display());
    }
}

fn results(dir: &Path) -> Value {
    let mut v: Value = serde_json::from_slice(
        &std::fs::read(dir.join("results.json")).expect("results.json written"),
    )
    .expect("results.json parses");
    v.as_object_mut().expect("object").remove("elapsed_seconds");
    v
}

fn run(args: &[&str], out: &Path, threads: Option<&str>) {
    let mut cmd = Command::cargo_bin("valuecase").expect("binary");
    cmd.arg("run")
        .arg(data())
        .args(args)
        .args(["--seed", "9", "--quiet", "--no-charts", "--out"])
        .arg(out);
    if let Some(t) = threads {
        cmd.env("RAYON_NUM_THREADS", t);
    }
    cmd.assert().success();
}

#[test]
fn correlated_runs_are_reproducible_across_threads_and_shards() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let one = tmp.path().join("one");
    let default = tmp.path().join("default");
    let four = tmp.path().join("four");
    run(&["--trials", "6000"], &one, Some("1"));
    run(&["--trials", "6000"], &default, None);
    run(&["--trials", "6000"], &four, Some("4"));
    let single = results(&one);
    assert_eq!(single["trials"], 6000);
    assert_eq!(single, results(&default), "one thread vs the default");
    assert_eq!(single, results(&four), "one thread vs four");

    let parts = tmp.path().join("parts");
    run(&["--trials-range", "0..2500"], &parts, Some("2"));
    run(&["--trials-range", "2500..6000"], &parts, Some("1"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(&parts)
        .expect("parts")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "vcpart"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 2, "{files:?}");
    let merged = tmp.path().join("merged");
    Command::cargo_bin("valuecase")
        .expect("binary")
        .arg("merge")
        .args(&files)
        .args(["--quiet", "--no-charts", "--out"])
        .arg(&merged)
        .assert()
        .success();
    assert_eq!(single, results(&merged), "merged shards vs the single run");
}
