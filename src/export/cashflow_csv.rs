//! The base case month by month: one column per benefit line and cost line, then the totals,
//! discount factor and cumulative figures — everything finance needs to recompute NPV and
//! payback by hand.

use super::ExportError;
use crate::results::CashflowTable;

/// The table as CSV. Numbers are written in full precision (shortest round-trip form), so
/// sums recomputed from the file match the tool's to the last digit.
pub fn to_csv(t: &CashflowTable) -> Result<String, ExportError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let internal = |e: &dyn std::fmt::Display| ExportError::Encode {
        format: "CSV",
        message: e.to_string(),
    };
    w.write_record(&t.headers).map_err(|e| internal(&e))?;
    for row in &t.rows {
        w.write_record(row.iter().enumerate().map(|(i, v)| {
            if i == 0 {
                format!("{v:.0}")
            } else {
                format!("{v}")
            }
        }))
        .map_err(|e| internal(&e))?;
    }
    let bytes = w.into_inner().map_err(|e| internal(&e))?;
    String::from_utf8(bytes).map_err(|e| internal(&e))
}
