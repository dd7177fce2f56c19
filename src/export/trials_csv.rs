//! `trials.csv`: one row per trial — its index, every sampled input by its stable name (risk
//! occurrences among them, 1 if the event happens), the trial's NPV, PV of benefits and costs,
//! ROI, IRR, paybacks and each capability's NPV contribution. Written row by row as the caller
//! draws each trial again (a million trials never sit in memory at once), so this module only
//! formats: the header once, then rows into a buffer. Columns: docs/OUTPUTS.md.

use super::ExportError;
use super::cashflow_csv::text_cell;
use super::number::push_number;
use crate::results::{LEVER_COLUMNS, TRIAL_SCALARS};

/// The file name.
pub const FILE_NAME: &str = "trials.csv";

/// The header row (with its line break): `trial`, the inputs' stable names, the trial's key
/// values ([`TRIAL_SCALARS`]), then `contribution: <capability>` per capability, then for a
/// scenario with levers the [`LEVER_COLUMNS`]. Names are quoted as CSV needs and kept from
/// running as formulas ([`text_cell`]).
pub fn header(
    inputs: &[&str],
    capabilities: &[&str],
    levers: bool,
) -> Result<Vec<u8>, ExportError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let names = std::iter::once("trial".to_string())
        .chain(inputs.iter().map(|n| text_cell(n).into_owned()))
        .chain(TRIAL_SCALARS.iter().map(|s| s.to_string()))
        .chain(
            capabilities
                .iter()
                .map(|c| text_cell(&format!("contribution: {c}")).into_owned()),
        )
        .chain(
            LEVER_COLUMNS
                .iter()
                .filter(|_| levers)
                .map(|s| s.to_string()),
        );
    let encode = |e: &dyn std::fmt::Display| ExportError::Encode {
        format: "CSV",
        message: e.to_string(),
    };
    w.write_record(names).map_err(|e| encode(&e))?;
    w.into_inner().map_err(|e| encode(&e))
}

/// Append one trial's row: its index, its sampled inputs (in header order), then its key
/// values and contributions (the run's per-trial row, in the order of [`TRIAL_SCALARS`]).
/// Undefined values (NaN) are empty fields.
#[inline]
pub fn push_row(out: &mut Vec<u8>, trial: u64, inputs: &[f64], values: &[f64]) {
    out.extend_from_slice(itoa::Buffer::new().format(trial).as_bytes());
    for &v in inputs.iter().chain(values) {
        out.push(b',');
        push_number(out, v);
    }
    out.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_reads_back_under_its_header() {
        let mut bytes = header(
            &[
                r#"capabilities."Lead, scoring".uplift"#,
                "risks.\"=x\".occurs",
            ],
            &["=Opp"],
            false,
        )
        .unwrap();
        let values = [
            -1.5e6,
            2e6,
            3.5e6,
            0.25,
            f64::NAN,
            14.2,
            f64::NAN,
            f64::NAN,
            -1.4e6,
            f64::NAN,
            1.0 / 3.0,
        ];
        push_row(&mut bytes, 7, &[0.123, 1.0], &values);
        let mut r = csv::Reader::from_reader(bytes.as_slice());
        let h: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(h.len(), 1 + 2 + TRIAL_SCALARS.len() + 1);
        assert_eq!(h[1], r#"capabilities."Lead, scoring".uplift"#);
        assert_eq!(h[3], "npv");
        assert_eq!(h.last().unwrap(), "contribution: =Opp");
        let row = r.records().next().unwrap().unwrap();
        assert_eq!(row.len(), h.len());
        assert_eq!((&row[0], &row[1], &row[2]), ("7", "0.123", "1"));
        assert_eq!((&row[3], &row[7], &row[9]), ("-1500000", "", ""));
        assert_eq!((&row[11], &row[12]), ("-1400000", ""));
        assert_eq!(
            row[13].parse::<f64>().unwrap().to_bits(),
            (1.0f64 / 3.0).to_bits()
        );
    }
}
