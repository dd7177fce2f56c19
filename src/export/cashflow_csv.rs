//! The base case month by month: one column per benefit line and cost line, then the totals,
//! discount factor and cumulative figures — everything finance needs to recompute NPV and
//! payback by hand.

use crate::error::AppError;
use crate::model::{Model, Scratch};

/// A month-by-month table: headers and rows of numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct CashflowTable {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<f64>>,
}

/// Build the table from a trial's detail (normally the base case).
pub fn table(model: &Model, s: &Scratch) -> CashflowTable {
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

/// The table as CSV. Numbers are written in full precision (shortest round-trip form), so
/// sums recomputed from the file match the tool's to the last digit.
pub fn to_csv(t: &CashflowTable) -> Result<String, AppError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let internal = |e: csv::Error| AppError::Internal(format!("CSV: {e}"));
    w.write_record(&t.headers).map_err(internal)?;
    for row in &t.rows {
        w.write_record(row.iter().enumerate().map(|(i, v)| {
            if i == 0 {
                format!("{v:.0}")
            } else {
                format!("{v}")
            }
        }))
        .map_err(internal)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| AppError::Internal(format!("CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| AppError::Internal(format!("CSV: {e}")))
}
