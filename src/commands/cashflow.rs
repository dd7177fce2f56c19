//! `valuecase cashflow`: the base case month by month, as a table or CSV.

use std::io::Write;

use crate::cli::CashflowArgs;
use crate::engine::base_case;
use crate::error::AppError;
use crate::export::cashflow_csv;
use crate::model::Model;
use crate::report::terminal;

use super::load;

/// Print the base-case cash flow of a scenario.
pub fn cashflow(args: &CashflowArgs) -> Result<(), AppError> {
    let loaded = load(Some(&args.scenario))?;
    let model = Model::compile(&loaded.scenario);
    let (_, scratch) = base_case(&model);
    let table = cashflow_csv::table(&model, &scratch);
    let text = if args.csv {
        cashflow_csv::to_csv(&table)?
    } else {
        terminal::cashflow(&table, &loaded.scenario.meta.currency)
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .map_err(|e| AppError::Input(format!("error: cannot write to standard output: {e}")))
}
