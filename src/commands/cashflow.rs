//! `valuecase cashflow`: the base case month by month, as a table or CSV.

use crate::cli::CashflowArgs;
use crate::engine::base_cashflow;
use crate::error::{AppError, print};
use crate::export::cashflow_csv;
use crate::model::Model;
use crate::report::terminal;

use super::load;

/// Print the base-case cash flow of a scenario.
pub fn cashflow(args: &CashflowArgs) -> Result<(), AppError> {
    let loaded = load(Some(&args.scenario))?;
    let table = base_cashflow(&Model::compile(&loaded.scenario));
    let text = if args.csv {
        cashflow_csv::to_csv(&table)?
    } else {
        terminal::cashflow(&table, &loaded.scenario.meta.currency)
    };
    print(&text)
}
