//! The exports of a run: the workbook (case.xlsx) and monthly.csv of 100,000 trials of the
//! benchmark scenario, and trials.csv's rows — each trial drawn again from its keys and
//! formatted — on one thread, as bytes per second. The run itself is computed once, outside the
//! measurement. The whole-process figures (a 100,000-trial run with and without the exports, a
//! million trials streamed to disk) are a recipe in docs/PERFORMANCE.md.
//!
//! `cargo bench --bench export`.

use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use valuecase::engine::{self, RunSpec, ScenarioIdentity};
use valuecase::export::monthly_csv::MonthlyCsv;
use valuecase::export::{Exporter, trials_csv, xlsx};
use valuecase::model::Model;
use valuecase::scenario::parse_file;

fn exports(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/bench-peer.toml");
    let (scenario, bytes) = parse_file(&path).expect("bench-peer.toml parses");
    let text = String::from_utf8(bytes).expect("UTF-8");
    let model = Model::compile(&scenario);
    let id = ScenarioIdentity::new(&scenario.meta, None, String::new());
    let spec = RunSpec {
        seed: 42,
        first_trial: 0,
        trials: 100_000,
    };
    let out = engine::run(&model, spec, &|_| {});
    let results = engine::run_results(&scenario, &model, &out, &id, 0.0);

    let mut g = c.benchmark_group("exports of 100k trials (bench-peer)");
    g.sample_size(10);
    g.bench_function("case.xlsx", |b| {
        b.iter(|| {
            let input = xlsx::WorkbookInput {
                results: &results,
                scenario: &scenario,
                scenario_text: &text,
                findings: Vec::new(),
                provenance: String::new(),
            };
            xlsx::render(&input).expect("workbook")
        })
    });
    g.bench_function("monthly.csv", |b| {
        b.iter(|| MonthlyCsv.render(&results).expect("CSV"))
    });
    g.finish();

    // trials.csv's rows for 20,000 trials on one thread: redraw, gather, format.
    let trials = 20_000u64;
    let sampled: Vec<usize> = (0..model.inputs.len())
        .filter(|&k| !model.inputs[k].sampler.is_fixed())
        .collect();
    let width = out.table.width;
    let rows = |buf: &mut Vec<u8>| {
        let (mut inputs, mut values) = (vec![0.0; sampled.len()], vec![0.0; width]);
        engine::for_each_trial_draws(&model, 42, 0..trials, |trial, draws| {
            for (v, &k) in inputs.iter_mut().zip(&sampled) {
                *v = draws[k];
            }
            for (c, v) in values.iter_mut().enumerate() {
                *v = out.table.column(c)[trial as usize];
            }
            trials_csv::push_row(buf, trial, &inputs, &values);
        });
    };
    let mut probe = Vec::new();
    rows(&mut probe);
    let mut g = c.benchmark_group("trials.csv rows (bench-peer), one thread");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(probe.len() as u64));
    g.bench_function("20k trials", |b| {
        b.iter(|| {
            let mut buf = Vec::with_capacity(probe.len());
            rows(&mut buf);
            buf
        })
    });
    g.finish();
}

criterion_group!(benches, exports);
criterion_main!(benches);
