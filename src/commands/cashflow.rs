//! `valuecase cashflow`: the base case month by month, or any trial of a run
//! (`--trial N`), as a table or CSV.

use crate::cli::CashflowArgs;
use crate::engine::{base_cashflow, trial_cashflow};
use crate::error::{AppError, print};
use crate::export::{cashflow_csv, number::number};
use crate::model::Model;
use crate::report::terminal;

use super::load;

/// Print the base-case cash flow of a scenario, or that of trial `--trial` of its run.
pub fn cashflow(args: &CashflowArgs) -> Result<(), AppError> {
    let loaded = load(Some(&args.scenario))?;
    let model = Model::compile(&loaded.scenario);
    let (table, heading) = match args.trial {
        None => (base_cashflow(&model), None),
        Some(trial) => {
            let seed = args.seed.unwrap_or(loaded.scenario.meta.seed);
            let (outcome, table) = trial_cashflow(&model, seed, trial);
            let heading = format!(
                "trial {trial} of the run with seed {seed}: NPV {} (as in trials.csv)\n",
                number(outcome.npv)
            );
            (table, Some(heading))
        }
    };
    let text = if args.csv {
        cashflow_csv::to_csv(&table)?
    } else {
        let body = terminal::cashflow(&table, &loaded.scenario.meta.currency);
        format!("{}{body}", heading.unwrap_or_default())
    };
    print(&text)
}
