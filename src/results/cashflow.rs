//! The base case month by month: one column per benefit line and cost line, then the totals,
//! discount factor and cumulative figures — everything finance needs to recompute NPV and
//! payback by hand. Built once by the engine; the terminal, the CSV and other exports format
//! the same table.

/// A month-by-month table: headers and rows of numbers (the first column is the month).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CashflowTable {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<f64>>,
}
