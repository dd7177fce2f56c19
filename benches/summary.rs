//! The summary of a run: every column's moments and exact percentiles, NPV's chart
//! percentiles and histogram, from the per-trial table of 1,000,000 trials of the benchmark
//! scenario (computed once, outside the measurement), on one thread and on all threads; and
//! the statistics of single columns of a million values (plain, with undefined values, with
//! never-paying trials).
//!
//! `cargo bench --bench summary`. See docs/PERFORMANCE.md.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use valuecase::engine::run::col;
use valuecase::engine::stats::{defined_stats, payback_stats, stats_and_quantiles, stats_of};
use valuecase::engine::{self, RunSpec, ScenarioIdentity, summarise};
use valuecase::model::Model;
use valuecase::scenario::parse_file;

const TRIALS: u64 = 1_000_000;

fn summary(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/bench-peer.toml");
    let (scenario, _) = parse_file(&path).expect("bench-peer.toml parses");
    let model = Model::compile(&scenario);
    let id = ScenarioIdentity::new(&scenario.meta, None, String::new());
    let spec = RunSpec {
        seed: 42,
        first_trial: 0,
        trials: TRIALS,
    };
    let out = engine::run(&model, spec, &|_| {});
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("thread pool");

    let mut g = c.benchmark_group("summary of 1M trials (bench-peer)");
    g.sample_size(10);
    g.bench_function("summarise, 1 thread", |b| {
        b.iter(|| one.install(|| summarise(&model, &out, &id, 0.0)))
    });
    g.bench_function("summarise, all threads", |b| {
        b.iter(|| summarise(&model, &out, &id, 0.0))
    });
    g.finish();

    let npv = out.table.column(col::NPV);
    let qs: Vec<f64> = (0..=100).map(|p| p as f64 / 100.0).collect();
    // Every 50th trial undefined / never paying.
    let holes: Vec<f64> = out
        .table
        .column(col::PAYBACK)
        .iter()
        .enumerate()
        .map(|(i, &v)| if i % 50 == 7 { f64::NAN } else { v })
        .collect();
    let mut g = c.benchmark_group("one column of 1M values");
    g.sample_size(20);
    g.bench_function("stats_of", |b| b.iter(|| stats_of(black_box(npv))));
    g.bench_function("stats_and_quantiles (101)", |b| {
        b.iter(|| stats_and_quantiles(black_box(npv), &qs))
    });
    g.bench_function("defined_stats, 2% undefined", |b| {
        b.iter(|| defined_stats(black_box(&holes)))
    });
    g.bench_function("payback_stats, 2% never", |b| {
        b.iter(|| payback_stats(black_box(&holes)))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    // No plots: criterion's plotting backend needs system fonts this crate does not assume.
    config = Criterion::default().without_plots();
    targets = summary
}
criterion_main!(benches);
