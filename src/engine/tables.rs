//! The tables built beside a run's summary for reports and exports (see
//! [`crate::results::RunResults`]): the assumptions and the base case month by month.
//! They are built here, from the model, so that nothing above the engine needs the model.

use crate::dist::{Dist, Sampler};
use crate::model::{Model, Scratch};
use crate::results::{
    Assumption, Assumptions, CashflowTable, CorrelationPair, GroupAdoptionMonthly,
    MonthlyPercentiles, MonthlyTable, PERCENTILE_LEVELS, RunResults, TRIAL_SAMPLE_CAP,
    TRIAL_SCALARS, TrialSample,
};
use crate::scenario::{Scenario, TeiAdjustments};

use super::run::{RunOutput, SCALARS};
use super::sketch::{RELATIVE_ACCURACY, ShareHistogram};
use super::summary::{ScenarioIdentity, base_case, summarise};

/// Everything the outputs of a run read: its summary and the tables beside it.
/// `elapsed_seconds` is the caller's measurement of the whole run.
pub fn run_results(
    scenario: &Scenario,
    model: &Model,
    out: &RunOutput,
    id: &ScenarioIdentity,
    elapsed_seconds: f64,
) -> RunResults {
    let mut summary = summarise(model, out, id, elapsed_seconds);
    if scenario.tei != TeiAdjustments::default() {
        summary.tei = super::tei::tei_section(model, out, &scenario.tei);
    }
    summary.sensitivity = super::sensitivity::sensitivity(model, out);
    RunResults {
        summary,
        assumptions: assumptions(scenario, model),
        base_cashflow: base_cashflow(model),
        sips: None,
        monthly: monthly_table(model, out),
        trial_sample: trial_sample(model, out),
    }
}

/// The run month by month across trials: percentiles from the run's sketches, the mean flows
/// from its exact sums, and the base case beside them.
pub fn monthly_table(model: &Model, out: &RunOutput) -> MonthlyTable {
    let h = model.horizon;
    let sk = &out.sketches;
    let levels = |quantile: &dyn Fn(f64) -> Vec<f64>| MonthlyPercentiles {
        by_level: PERCENTILE_LEVELS
            .iter()
            .map(|&p| quantile(f64::from(p) / 100.0))
            .collect(),
    };
    let of_sketches = |sketches: &[super::sketch::LogSketch]| {
        levels(&|q| sketches.iter().map(|s| s.quantile(q)).collect())
    };
    let (mean_benefits, mean_costs, mean_net) = sk.sums.means(out.table.rows() as u64);
    let (_, base) = base_case(model);
    let adoption = model
        .groups
        .iter()
        .enumerate()
        .map(|(g, info)| {
            let row = &sk.adoption[g * h..(g + 1) * h];
            GroupAdoptionMonthly {
                name: info.name.clone(),
                percentiles: levels(&|q| row.iter().map(|s| s.quantile(q)).collect()),
                base_case: base.group_adoption(g).to_vec(),
            }
        })
        .collect();
    MonthlyTable {
        mean_benefits,
        mean_costs,
        mean_net,
        net: of_sketches(&sk.net),
        cumulative_net: of_sketches(&sk.cumulative_net),
        relative_error: RELATIVE_ACCURACY,
        adoption,
        adoption_absolute_error: ShareHistogram::absolute_error(),
        base_net: base.net.clone(),
        base_cumulative_net: base.cumulative_net.clone(),
    }
}

/// The key values of the run's first trials (at most [`TRIAL_SAMPLE_CAP`]).
pub fn trial_sample(model: &Model, out: &RunOutput) -> TrialSample {
    debug_assert_eq!(TRIAL_SCALARS.len(), SCALARS);
    let n = out.table.rows().min(TRIAL_SAMPLE_CAP);
    TrialSample {
        total_trials: out.table.rows() as u64,
        capabilities: model.capabilities.iter().map(|c| c.name.clone()).collect(),
        rows: (0..n).map(|i| out.table.row(i)).collect(),
    }
}

/// The assumptions of `scenario`, compiled into `model`: its inputs come from the same walk as
/// the model's, in the same order, so each row reads its sampler by position.
pub fn assumptions(scenario: &Scenario, model: &Model) -> Assumptions {
    let inputs = scenario
        .input_entries()
        .into_iter()
        .zip(&model.inputs)
        .map(|(entry, input)| {
            debug_assert_eq!(entry.input.name, input.name, "walk and model disagree");
            let u = entry.input;
            // A risk that levers make less likely is drawn as its deciding uniform (see
            // `Model::compile`); its row shows the event as written, before the levers.
            let event;
            let sampler = match u.dist {
                Dist::Bernoulli { .. } => {
                    event = Sampler::new(&u.dist, u.truncate);
                    &event
                }
                _ => &input.sampler,
            };
            Assumption {
                section: entry.section,
                name: u.name.clone(),
                distribution: u.dist.clone(),
                truncate: u.truncate,
                quantity: entry.quantity,
                unit: entry.unit,
                base_value: sampler.base_value(),
                p5: sampler.quantile(0.05),
                p95: sampler.quantile(0.95),
                written: u.location.is_some(),
            }
        })
        .collect();
    Assumptions {
        description: scenario.meta.description.trim().to_string(),
        inputs,
        correlations: scenario
            .correlations
            .iter()
            .map(|c| CorrelationPair {
                inputs: c.inputs.clone(),
                rank: c.rank,
            })
            .collect(),
    }
}

/// The base case month by month.
pub fn base_cashflow(model: &Model) -> CashflowTable {
    let (_, scratch) = base_case(model);
    cashflow_table(model, &scratch)
}

/// The table of one evaluated trial's detail (normally the base case's).
pub(super) fn cashflow_table(model: &Model, s: &Scratch) -> CashflowTable {
    let mut headers = vec!["month".to_string()];
    headers.extend(
        model
            .capabilities
            .iter()
            .map(|c| format!("benefit: {}", c.name)),
    );
    headers.extend(model.cost_lines.iter().map(|c| format!("cost: {}", c.name)));
    headers.extend(
        [
            "benefits",
            "costs",
            "net",
            "cumulative_net",
            "discount_factor",
            "discounted_net",
            "cumulative_discounted_net",
        ]
        .map(String::from),
    );
    let mut cum_disc = 0.0;
    let rows = (0..model.horizon)
        .map(|t| {
            let mut row = vec![t as f64];
            row.extend((0..model.capabilities.len()).map(|c| s.capability_benefits(c)[t]));
            row.extend((0..model.cost_lines.len()).map(|l| s.cost_line_costs(l)[t]));
            cum_disc += s.discounted_net[t];
            row.extend([
                s.benefits[t],
                s.costs[t],
                s.net[t],
                s.cumulative_net[t],
                model.discount[t],
                s.discounted_net[t],
                cum_disc,
            ]);
            row
        })
        .collect();
    CashflowTable { headers, rows }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{RunSpec, run, shard};

    fn model_of(text: &str) -> Model {
        Model::compile(&crate::scenario::parse_str(text, None).expect("scenario parses"))
    }

    fn run_on(threads: usize, model: &Model, spec: RunSpec) -> RunOutput {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool")
            .install(|| run(model, spec, &|_| {}))
    }

    /// The mean flows and every monthly sketch are the same bits on one thread or three, and
    /// for two parts of the run merged: the sums are exact, the sketches integer counts.
    #[test]
    fn monthly_tables_do_not_depend_on_threads_or_parts() {
        let text = include_str!("../../scenarios/midmarket-50m.toml");
        let model = model_of(text);
        let spec = |first_trial, trials| RunSpec {
            seed: 5,
            first_trial,
            trials,
        };
        let whole = run_on(1, &model, spec(0, 3000));
        let threaded = run_on(3, &model, spec(0, 3000));
        let bits = |m: &MonthlyTable| {
            let mut v: Vec<u64> = [&m.mean_benefits, &m.mean_costs, &m.mean_net]
                .into_iter()
                .chain(&m.net.by_level)
                .chain(&m.cumulative_net.by_level)
                .chain(m.adoption.iter().flat_map(|a| &a.percentiles.by_level))
                .flat_map(|row| row.iter().map(|x| x.to_bits()))
                .collect();
            v.push(m.mean_net.len() as u64);
            v
        };
        let want = bits(&monthly_table(&model, &whole));
        assert!(
            want == bits(&monthly_table(&model, &threaded)),
            "threads changed the table"
        );
        assert!(whole.sketches.sums == threaded.sketches.sums);
        let part = |first, trials| {
            let scenario = shard::PartScenario {
                name: "m".into(),
                file: None,
                sha256: crate::scenario::fingerprint(text.as_bytes()),
                text: text.to_string(),
            };
            let out = run_on(2, &model, spec(first, trials));
            let mut bytes = Vec::new();
            shard::Part::from_run(out, scenario, &model, 0.0)
                .write_to(&mut bytes)
                .expect("part written");
            shard::Part::read_from(&mut bytes.as_slice()).expect("part read")
        };
        // Cut where no block or lane boundary of the whole run falls.
        let parts = vec![part(1777, 1223), part(0, 1777)];
        let names = ["b".to_string(), "a".to_string()];
        let (_, merged) = shard::merge(parts, &names).expect("parts merge");
        assert!(
            want == bits(&monthly_table(&model, &merged)),
            "a merge changed the table"
        );
        assert!(merged.sketches.sums == whole.sketches.sums);
        assert!(
            monthly_table(&model, &whole)
                .mean_benefits
                .iter()
                .any(|&x| x > 0.0)
        );
    }

    /// NPV is linear: the NPV of the mean flows is the mean of the trials' NPVs (to rounding),
    /// and the mean net flow is the mean benefits less the mean costs, month by month.
    #[test]
    fn the_npv_of_the_mean_flows_is_the_mean_npv() {
        for text in [
            include_str!("../../scenarios/midmarket-50m.toml"),
            crate::scenario::BUILT_IN,
        ] {
            let model = model_of(text);
            let out = run(
                &model,
                RunSpec {
                    seed: 9,
                    first_trial: 0,
                    trials: 5000,
                },
                &|_| {},
            );
            let m = monthly_table(&model, &out);
            let npv_of_mean = crate::finance::npv(model.monthly_rate, &m.mean_net);
            let mean_npv = crate::finance::exact_sum(out.npv().iter().copied()) / 5000.0;
            let scale = crate::finance::exact_sum(out.npv().iter().map(|v| v.abs())) / 5000.0;
            assert!(
                (npv_of_mean - mean_npv).abs() <= 1e-9 * mean_npv.abs().max(1e-3 * scale),
                "{npv_of_mean} against {mean_npv}"
            );
            for t in 0..model.horizon {
                assert_eq!(m.mean_net[t], m.mean_benefits[t] - m.mean_costs[t]);
            }
            let sample = trial_sample(&model, &out);
            assert_eq!(sample.rows.len(), 5000);
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&sample.rows[17]), bits(&out.table.row(17)));
            assert_eq!(m.adoption.len(), model.groups.len());
            assert_eq!(m.net.by_level.len(), PERCENTILE_LEVELS.len());
        }
    }
}
