//! The tables built beside a run's summary for reports and exports (see
//! [`crate::results::RunResults`]): the assumptions and the base case month by month.
//! They are built here, from the model, so that nothing above the engine needs the model.

use crate::dist::{Dist, Sampler};
use crate::model::{Model, Scratch};
use crate::results::{Assumption, Assumptions, CashflowTable, CorrelationPair, RunResults};
use crate::scenario::{Scenario, TeiAdjustments};

use super::run::RunOutput;
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
