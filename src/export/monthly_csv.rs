//! `monthly.csv`: the run month by month across trials — percentiles of the net and cumulative
//! net cash flow and of each group's adoption, the mean benefits, costs and net flow, and the
//! base case beside them. The mean net flow's NPV is the mean NPV (NPV is linear): finance's
//! reconciliation between the distribution and one cash-flow line. Columns: docs/OUTPUTS.md.

use super::cashflow_csv::text_cell;
use super::number::push_number;
use super::{ExportError, Exporter};
use crate::results::{MonthlyTable, PERCENTILE_LEVELS, RunResults};

/// The `monthly.csv` export.
pub struct MonthlyCsv;

impl Exporter for MonthlyCsv {
    fn file_name(&self) -> &'static str {
        "monthly.csv"
    }

    fn render(&self, results: &RunResults) -> Result<Vec<u8>, ExportError> {
        to_csv(&results.monthly, results.summary.start_month.as_deref())
    }
}

/// "2027-03" for month `t` after `start` ("2027-01"), or "" without a start.
pub fn calendar_month(start: Option<&str>, t: usize) -> String {
    let Some((y, m)) = start.and_then(|s| s.split_once('-')) else {
        return String::new();
    };
    let (Ok(y), Ok(m)) = (y.parse::<i64>(), m.parse::<i64>()) else {
        return String::new();
    };
    let k = y * 12 + (m - 1) + t as i64;
    format!("{:04}-{:02}", k.div_euclid(12), k.rem_euclid(12) + 1)
}

/// The header row's names, in column order.
pub fn headers(m: &MonthlyTable) -> Vec<String> {
    let mut h: Vec<String> = [
        "month",
        "calendar_month",
        "base_net",
        "base_cumulative_net",
        "mean_benefits",
        "mean_costs",
        "mean_net",
    ]
    .map(String::from)
    .to_vec();
    for series in ["net", "cumulative_net"] {
        h.extend(PERCENTILE_LEVELS.iter().map(|p| format!("{series}_p{p}")));
    }
    for g in &m.adoption {
        h.push(format!("adoption_base: {}", g.name));
        h.extend(
            PERCENTILE_LEVELS
                .iter()
                .map(|p| format!("adoption_p{p}: {}", g.name)),
        );
    }
    h
}

/// The table as CSV: one row per month, numbers in full precision.
pub fn to_csv(m: &MonthlyTable, start: Option<&str>) -> Result<Vec<u8>, ExportError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(headers(m).iter().map(|h| text_cell(h).into_owned()))
        .map_err(|e| ExportError::Encode {
            format: "CSV",
            message: e.to_string(),
        })?;
    let mut out = w.into_inner().map_err(|e| ExportError::Encode {
        format: "CSV",
        message: e.to_string(),
    })?;
    let at = |v: &[f64], t: usize| v.get(t).copied().unwrap_or(f64::NAN);
    for t in 0..m.mean_net.len() {
        out.extend_from_slice(t.to_string().as_bytes());
        out.push(b',');
        out.extend_from_slice(calendar_month(start, t).as_bytes());
        let mut cells = vec![
            at(&m.base_net, t),
            at(&m.base_cumulative_net, t),
            at(&m.mean_benefits, t),
            at(&m.mean_costs, t),
            at(&m.mean_net, t),
        ];
        for series in [&m.net, &m.cumulative_net] {
            cells.extend(series.by_level.iter().map(|row| at(row, t)));
        }
        for g in &m.adoption {
            cells.push(at(&g.base_case, t));
            cells.extend(g.percentiles.by_level.iter().map(|row| at(row, t)));
        }
        for v in cells {
            out.push(b',');
            push_number(&mut out, v);
        }
        out.push(b'\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::fixture;

    #[test]
    fn calendar_months_count_from_the_start() {
        assert_eq!(calendar_month(Some("2027-11"), 0), "2027-11");
        assert_eq!(calendar_month(Some("2027-11"), 2), "2028-01");
        assert_eq!(calendar_month(Some("2027-01"), 35), "2029-12");
        assert_eq!(calendar_month(None, 3), "");
    }

    /// One row per month, every row as wide as the header, and each column the table's
    /// numbers to the bit.
    #[test]
    fn rows_hold_the_table_in_full_precision() {
        let results = fixture::results();
        let bytes = MonthlyCsv.render(&results).unwrap();
        let mut r = csv::Reader::from_reader(bytes.as_slice());
        let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(header, headers(&results.monthly));
        let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
        let m = &results.monthly;
        assert_eq!(rows.len(), results.summary.horizon_months as usize);
        let col = |name: &str| header.iter().position(|h| h == name).unwrap();
        for (t, row) in rows.iter().enumerate() {
            assert_eq!(row.len(), header.len());
            let read = |name: &str| row[col(name)].parse::<f64>().unwrap();
            assert_eq!(read("mean_net").to_bits(), m.mean_net[t].to_bits());
            assert_eq!(read("net_p95").to_bits(), m.net.by_level[6][t].to_bits());
            assert_eq!(read("base_cumulative_net"), m.base_cumulative_net[t]);
            let g = &m.adoption[0];
            let p50 = format!("adoption_p50: {}", g.name);
            assert_eq!(read(&p50), g.percentiles.by_level[3][t]);
        }
        assert_eq!(&rows[0][1], "2028-01");
    }
}
