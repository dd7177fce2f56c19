//! Issue 20's work: a run of a scenario with levers (each trial evaluated again without them),
//! against an NPV-only evaluation of the same trials (what that second evaluation costs); a
//! comparison of the shipped pair; a diff of the pair. See docs/PERFORMANCE.md, "Compare, diff
//! and the change programme".
//!
//! `cargo bench --bench analysis`.

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use valuecase::analysis::compare::{self, CompareInput};
use valuecase::analysis::diff::{self, Version};
use valuecase::engine::{self, RunSpec, ScenarioIdentity};
use valuecase::model::Model;
use valuecase::scenario::{Scenario, parse_file};

fn shipped(name: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name);
    parse_file(&path).expect("scenario parses").0
}

fn spec(trials: u64) -> RunSpec {
    RunSpec {
        seed: 42,
        first_trial: 0,
        trials,
    }
}

fn analyses(c: &mut Criterion) {
    let without = shipped("hightech-no-change-programme.toml");
    let with = shipped("hightech-change-programme.toml");
    let id = |s: &Scenario| ScenarioIdentity::new(&s.meta, None, String::new());
    let (a, b) = (id(&without), id(&with));
    let model = Model::compile(&with);
    let mut g = c.benchmark_group("change programme");
    g.sample_size(10);
    g.bench_function(
        "run with levers (counterfactual included), 100k trials",
        |bench| bench.iter(|| engine::run(&model, spec(100_000), &|_| {})),
    );
    g.bench_function("NPV-only evaluation of the same trials, 100k", |bench| {
        bench.iter(|| engine::npvs(&model, spec(100_000)))
    });
    g.bench_function("compare the pair, 10k trials", |bench| {
        let inputs = [
            CompareInput {
                scenario: &without,
                identity: &a,
            },
            CompareInput {
                scenario: &with,
                identity: &b,
            },
        ];
        bench.iter(|| compare::compare(&inputs, spec(10_000), &|_| {}))
    });
    g.bench_function("diff the pair, 2k trials per sub-run", |bench| {
        let (old, new) = (
            Version {
                scenario: &without,
                identity: &a,
            },
            Version {
                scenario: &with,
                identity: &b,
            },
        );
        bench.iter(|| diff::diff(old, new, spec(2_000), &|_| {}))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = analyses
}
criterion_main!(benches);
