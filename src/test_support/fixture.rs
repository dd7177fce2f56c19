//! A real run for tests of the charts and the board pack: `fixture.toml` beside this file (a
//! $1B high-tech firm's CRM programme with a 22% chance of failing, so a two-humped NPV; a
//! capability and a user group named in Chinese; a start month, a lever, costs of every
//! schedule kind), read by the scenario reader and run by the engine: 4,000 trials, seed 42.
//!
//! The run is made once per test process (about a second in a debug build) and cloned for
//! each test. Its figures are what the engine computes, so the tests that quote them check
//! the outputs against a run, not against numbers made up to look like one; they change only
//! when the scenario, the model or the engine does.

use std::path::Path;
use std::sync::OnceLock;

use crate::engine::{self, RunSpec, ScenarioIdentity};
use crate::model::Model;
use crate::results::{RunResults, Summary};
use crate::scenario::{self, Scenario};

/// Where the scenario is, as footers and `results.json` name it.
const FILE: &str = "src/test_support/fixture.toml";
const TEXT: &str = include_str!("fixture.toml");

/// The scenario, as the reader makes it.
pub(crate) fn scenario() -> Scenario {
    scenario::parse_str(TEXT, Some(Path::new(FILE)))
        .unwrap_or_else(|e| panic!("{FILE} must be a valid scenario: {e}"))
}

/// The run of [`scenario`], made once.
fn run() -> &'static RunResults {
    static RUN: OnceLock<RunResults> = OnceLock::new();
    RUN.get_or_init(|| {
        let scenario = scenario();
        let model = Model::compile(&scenario);
        let spec = RunSpec {
            seed: scenario.meta.seed,
            first_trial: 0,
            trials: scenario.meta.trials,
        };
        let out = engine::run(&model, spec, &|_| {});
        let id = ScenarioIdentity::new(
            &scenario.meta,
            Some(FILE.to_string()),
            scenario::fingerprint(TEXT.as_bytes()),
        );
        // A fixed elapsed time: nothing about the fixture depends on the machine.
        engine::run_results(&scenario, &model, &out, &id, 0.5)
    })
}

/// The summary of the run (`results.json`).
pub(crate) fn summary() -> Summary {
    run().summary.clone()
}

/// Everything outputs read about the run.
pub(crate) fn results() -> RunResults {
    run().clone()
}

/// The outputs' view of a run with this `summary` of `scenario`: the tables are built the
/// way the engine builds them, so a test can change names in both. Tests may give `scenario`
/// correlations the reader would refuse (hostile names); the model is compiled without them,
/// the assumptions list them all.
pub(crate) fn results_of(summary: Summary, scenario: &Scenario) -> RunResults {
    let uncorrelated = Scenario {
        correlations: Vec::new(),
        ..scenario.clone()
    };
    let model = Model::compile(&uncorrelated);
    RunResults {
        summary,
        assumptions: engine::assumptions(scenario, &model),
        base_cashflow: engine::base_cashflow(&model),
        ..run().clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::CostSchedule;

    /// What the chart and board-pack tests rely on the fixture to have.
    #[test]
    fn the_fixture_has_what_the_output_tests_need() {
        let s = summary();
        assert_eq!((s.trials, s.seed), (4_000, 42));
        assert_eq!(s.start_month.as_deref(), Some("2028-01"));
        // Two humps: a failure hump below zero, the rest well above it.
        let h = &s.charts.npv_histogram;
        let below: u64 = h
            .counts
            .iter()
            .zip(h.edges.windows(2))
            .filter(|(_, e)| e[1] <= 0.0)
            .map(|(c, _)| c)
            .sum();
        assert!((0.15..0.3).contains(&(below as f64 / s.trials as f64)));
        assert!(s.npv.p10 < 0.0 && s.npv.p50 > 0.0);
        assert!(s.payback_months.never_fraction > 0.0);
        // Names DejaVu Sans cannot draw, in a capability and a user group.
        assert!(s.capabilities.iter().any(|c| c.name == "客户洞察仪表板"));
        assert!(s.charts.adoption.iter().any(|g| g.name == "市场营销团队"));
        assert_eq!(s.capabilities.len(), 10);
        let sc = scenario();
        assert_eq!(sc.levers.len(), 1);
        assert_eq!(sc.risks[0].probability, 0.22);
        // Costs of every schedule kind.
        let kinds: std::collections::BTreeSet<&str> = sc
            .costs
            .iter()
            .chain(sc.levers.iter().flat_map(|l| &l.costs))
            .map(|c| match c.schedule {
                CostSchedule::OneOff { .. } => "one_off",
                CostSchedule::Monthly { .. } => "monthly",
                CostSchedule::PerSeatMonthly { .. } => "per_seat_monthly",
                CostSchedule::PerSeatOneOff { .. } => "per_seat_one_off",
            })
            .collect();
        assert_eq!(kinds.len(), 4, "{kinds:?}");
    }

    #[test]
    fn the_run_is_made_once_and_handed_out_whole() {
        assert_eq!(results().summary, summary());
        assert!(std::ptr::eq(run(), run()));
        assert!(!results().assumptions.inputs.is_empty());
    }
}
