//! The base case month by month: one column per benefit line and cost line, then the totals,
//! discount factor and cumulative figures — everything finance needs to recompute NPV and
//! payback by hand.

use std::borrow::Cow;

use super::ExportError;
use crate::results::CashflowTable;

/// The table as CSV. Numbers are written in full precision (shortest round-trip form), so
/// sums recomputed from the file match the tool's to the last digit. Text cells (the
/// headers, which carry capability and cost names) go through [`text_cell`].
pub fn to_csv(t: &CashflowTable) -> Result<String, ExportError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let internal = |e: &dyn std::fmt::Display| ExportError::Encode {
        format: "CSV",
        message: e.to_string(),
    };
    w.write_record(t.headers.iter().map(|h| text_cell(h).into_owned()))
        .map_err(|e| internal(&e))?;
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

/// A text cell that a spreadsheet shows as text: one starting with `=`, `+`, `-`, `@`, tab or
/// carriage return would be read by Excel or LibreOffice as a formula (which can run
/// commands or send data away), so it gets a leading `'`, as OWASP recommends for CSV
/// injection. Quotes, commas and line breaks are the CSV writer's to quote. Only text goes
/// through here: numbers (negative ones start with `-`) stay numbers.
pub fn text_cell(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_a_spreadsheet_would_run_is_kept_as_text_and_numbers_stay_numbers() {
        let t = CashflowTable {
            headers: [
                "month",
                "=HYPERLINK(\"http://x.invalid\",\"click\")",
                "+1+1",
                "-2+3",
                "@SUM(A1:A2)",
                "\t=1",
                "\r=1",
                "benefit: =1+1",
                "Q&A, \"pilot\"",
            ]
            .map(String::from)
            .to_vec(),
            rows: vec![vec![0.0, -1234.5, -0.25, 1e-7, -3.0, 4.0, 5.0, -6.0, 7.0]],
        };
        let csv = to_csv(&t).unwrap();
        let mut r = csv::Reader::from_reader(csv.as_bytes());
        let headers: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
        for (read, written) in headers.iter().zip(&t.headers) {
            let dangerous = written.starts_with(['=', '+', '-', '@', '\t', '\r']);
            if dangerous {
                assert_eq!(read, &format!("'{written}"), "{csv}");
            } else {
                assert_eq!(read, written, "{csv}");
            }
            assert!(
                !read.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{read:?}"
            );
        }
        let row = r.records().next().unwrap().unwrap();
        let numbers: Vec<f64> = row.iter().map(|c| c.parse().unwrap()).collect();
        assert_eq!(numbers, t.rows[0]);
        assert_eq!(&row[1], "-1234.5");
    }
}
