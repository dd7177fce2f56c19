//! What the sensitivity section costs: the rank statistics and the tornado of a
//! 100,000-trial run of the reference scenario, against the run itself (the budget:
//! at most 25% of it), on all threads.
//!
//! `cargo bench --bench drivers`. See docs/PERFORMANCE.md, "Sensitivity".

use criterion::{Criterion, criterion_group, criterion_main};
use valuecase::engine::sensitivity::{sensitivity, tornado};
use valuecase::engine::{self, RunSpec};
use valuecase::model::Model;
use valuecase::scenario::{BUILT_IN, parse_str};

fn drivers(c: &mut Criterion) {
    let scenario = parse_str(BUILT_IN, None).expect("the built-in scenario parses");
    let model = Model::compile(&scenario);
    let spec = RunSpec {
        seed: 42,
        first_trial: 0,
        trials: 100_000,
    };
    let out = engine::run(&model, spec, &|_| {});
    let mut g = c.benchmark_group("100k trials (reference)");
    g.sample_size(10);
    g.bench_function("engine", |b| b.iter(|| engine::run(&model, spec, &|_| {})));
    g.bench_function("sensitivity (rank statistics and tornado)", |b| {
        b.iter(|| sensitivity(&model, &out))
    });
    g.bench_function("tornado alone", |b| b.iter(|| tornado(&model)));
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = drivers
}
criterion_main!(benches);
