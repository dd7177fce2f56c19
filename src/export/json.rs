//! `results.json`: the summary as the stable JSON contract (see docs/MODEL.md).

use super::{ExportError, Exporter};
use crate::results::{RunResults, Summary};

/// The JSON summary.
pub struct Json;

impl Json {
    /// The summary as pretty JSON text (also what `--json` prints).
    pub fn to_string(summary: &Summary) -> Result<String, ExportError> {
        serde_json::to_string_pretty(summary).map_err(|e| ExportError::Encode {
            format: "JSON",
            message: e.to_string(),
        })
    }
}

impl Exporter for Json {
    fn file_name(&self) -> &'static str {
        "results.json"
    }

    fn render(&self, results: &RunResults) -> Result<Vec<u8>, ExportError> {
        let mut text = Json::to_string(&results.summary)?;
        text.push('\n');
        Ok(text.into_bytes())
    }
}
