//! One trial: `Model::evaluate` on one set of draws, for the benchmark scenario (12
//! direct-value capabilities, 3 logistic waves, 60 months) and for the built-in reference
//! scenario (every driver). Also the IRR of one trial's cash flows, its most expensive step,
//! and of four trials' (one by one, and four at once as the engine does), and what a run pays
//! once: compiling the scenario, most of it the PERT inputs' quantile
//! tables.
//!
//! `cargo bench --bench trial`. See docs/PERFORMANCE.md.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use valuecase::dist::Sampler;
use valuecase::engine::run::{Drawer, LANE};
use valuecase::model::{Model, Scratch};
use valuecase::scenario::{BUILT_IN, Dist, Scenario, parse_file, parse_str};

fn bench_peer_scenario() -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/bench-peer.toml");
    let (scenario, _) = parse_file(&path).expect("bench-peer.toml parses");
    scenario
}

fn bench_peer() -> Model {
    Model::compile(&bench_peer_scenario())
}

fn reference() -> Model {
    Model::compile(&parse_str(BUILT_IN, None).expect("built-in scenario parses"))
}

/// The draws of trial `t` under seed 42, as the engine makes them.
fn draws_of_trial(model: &Model, t: u64) -> Vec<f64> {
    let drawer = Drawer::new(model, 42);
    let mut lanes = vec![0.0; drawer.random_inputs() * LANE];
    drawer.draw_lane(model, t, 1, &mut lanes);
    let mut draws = drawer.base();
    drawer.gather(&lanes, 0, &mut draws);
    draws
}

fn one_trial(c: &mut Criterion) {
    for (name, model) in [("bench-peer", bench_peer()), ("reference", reference())] {
        let draws = draws_of_trial(&model, 0);
        // As the engine evaluates a trial (no per-capability or per-cost-line rows)...
        let mut scratch = Scratch::for_trials(&model);
        c.bench_function(&format!("evaluate one trial ({name})"), |b| {
            b.iter(|| model.evaluate(black_box(&draws), &mut scratch))
        });
        // ...and as the base case and `cashflow` do (every row filled).
        let mut scratch = Scratch::new(&model);
        c.bench_function(
            &format!("evaluate one trial with detail rows ({name})"),
            |b| b.iter(|| model.evaluate(black_box(&draws), &mut scratch)),
        );
        model.evaluate(&draws, &mut scratch);
        let net = scratch.net.clone();
        c.bench_function(&format!("irr of one trial ({name})"), |b| {
            b.iter(|| valuecase::finance::irr(black_box(&net)))
        });
        // Four trials' IRRs, one by one and as the engine computes them (`irr4`).
        let nets: Vec<Vec<f64>> = (0..4)
            .map(|t| {
                model.evaluate(&draws_of_trial(&model, t), &mut scratch);
                scratch.net.clone()
            })
            .collect();
        let four: [&[f64]; 4] = std::array::from_fn(|j| nets[j].as_slice());
        c.bench_function(&format!("irr of four trials, one by one ({name})"), |b| {
            b.iter(|| black_box(four).map(valuecase::finance::irr))
        });
        c.bench_function(&format!("irr of four trials, irr4 ({name})"), |b| {
            b.iter(|| valuecase::finance::irr4(black_box(four)))
        });
    }
}

fn compile(c: &mut Criterion) {
    let scenario = bench_peer_scenario();
    c.bench_function("compile the scenario (bench-peer, 20 PERT inputs)", |b| {
        b.iter(|| Model::compile(black_box(&scenario)))
    });
    // One of bench-peer.toml's capability values.
    let pert = Dist::Pert {
        min: 420_000.0,
        mode: 1_120_000.0,
        max: 2_800_000.0,
        shape: 4.0,
    };
    c.bench_function("compile one PERT input", |b| {
        b.iter(|| Sampler::new(black_box(&pert), None))
    });
}

criterion_group! {
    name = benches;
    // No plots: criterion's plotting backend needs system fonts this crate does not assume.
    config = Criterion::default().without_plots();
    targets = one_trial, compile
}
criterion_main!(benches);
