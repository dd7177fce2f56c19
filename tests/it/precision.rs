//! The stated precision covers the truth at its nominal rate: 200 runs with different seeds,
//! each of 400 trials, against the figures of one large run (the truth, to within a twentieth
//! of a small run's interval). At 95%, about 190 of 200 intervals should cover it; a binomial
//! count below 180 or of all 200 would say the intervals are too narrow or far too wide.

use std::path::Path;

use valuecase::engine::{self, RunSpec, ScenarioIdentity};
use valuecase::model::Model;
use valuecase::scenario::parse_file;

#[test]
fn stated_precision_covers_the_truth_at_its_nominal_rate() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/planted_drivers.toml");
    let (scenario, _) = parse_file(&path).expect("planted scenario parses");
    let model = Model::compile(&scenario);
    let id = ScenarioIdentity::new(&scenario.meta, None, String::new());
    let summary = |seed: u64, trials: u64| {
        let spec = RunSpec {
            seed,
            first_trial: 0,
            trials,
        };
        engine::summarise(&model, &engine::run(&model, spec, &|_| {}), &id, 0.0)
    };
    let truth = summary(1_000_003, 200_000);
    let (mut mean, mut prob, mut median) = (0, 0, 0);
    for seed in 1..=200 {
        let s = summary(seed, 400);
        let p = &s.precision;
        mean += usize::from((s.npv.mean - truth.npv.mean).abs() <= p.npv_mean);
        prob += usize::from(
            (s.prob_npv_positive - truth.prob_npv_positive).abs() <= p.prob_npv_positive,
        );
        median += usize::from((s.npv.p50 - truth.npv.p50).abs() <= p.npv_p50);
    }
    for (what, covered) in [
        ("mean NPV", mean),
        ("P(NPV > 0)", prob),
        ("median NPV", median),
    ] {
        assert!(
            (180..200).contains(&covered),
            "{what}: the 95% interval covered the truth in {covered} of 200 runs"
        );
    }
}
