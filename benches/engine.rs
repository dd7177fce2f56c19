//! Many trials: the whole engine (draw, evaluate, per-trial table, monthly sketches) on
//! 100,000 trials of the benchmark scenario, against the floor under it — drawing the same
//! random inputs and nothing else — and against the model's own work — drawing, evaluating
//! and IRR of the same trials, keeping nothing — each on one thread and on all threads.
//!
//! `cargo bench --bench engine`. See docs/PERFORMANCE.md.

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use valuecase::engine::run::{draw_only, model_only};
use valuecase::engine::{self, RunSpec};
use valuecase::model::Model;
use valuecase::scenario::parse_file;

const TRIALS: u64 = 100_000;

fn bench_peer() -> Model {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/bench-peer.toml");
    let (scenario, _) = parse_file(&path).expect("bench-peer.toml parses");
    Model::compile(&scenario)
}

fn many_trials(c: &mut Criterion) {
    let model = bench_peer();
    let spec = RunSpec {
        seed: 42,
        first_trial: 0,
        trials: TRIALS,
    };
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("thread pool");
    let mut g = c.benchmark_group("100k trials (bench-peer)");
    g.sample_size(10);
    g.bench_function("engine, 1 thread", |b| {
        b.iter(|| one.install(|| engine::run(&model, spec, &|_| {})))
    });
    g.bench_function("draw inputs only (floor), 1 thread", |b| {
        b.iter(|| one.install(|| draw_only(&model, spec)))
    });
    g.bench_function("model only (draw, evaluate, IRR), 1 thread", |b| {
        b.iter(|| one.install(|| model_only(&model, spec)))
    });
    g.bench_function("engine, all threads", |b| {
        b.iter(|| engine::run(&model, spec, &|_| {}))
    });
    g.bench_function("draw inputs only (floor), all threads", |b| {
        b.iter(|| draw_only(&model, spec))
    });
    g.bench_function("model only (draw, evaluate, IRR), all threads", |b| {
        b.iter(|| model_only(&model, spec))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    // No plots: criterion's plotting backend needs system fonts this crate does not assume.
    config = Criterion::default().without_plots();
    targets = many_trials
}
criterion_main!(benches);
