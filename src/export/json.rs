//! `results.json`: the summary as the stable JSON contract (see docs/MODEL.md).

use super::Exporter;
use crate::error::AppError;
use crate::results::Summary;

/// The JSON summary.
pub struct Json;

impl Json {
    /// The summary as pretty JSON text.
    pub fn to_string(summary: &Summary) -> Result<String, AppError> {
        serde_json::to_string_pretty(summary).map_err(|e| AppError::Internal(format!("JSON: {e}")))
    }
}

impl Exporter for Json {
    fn file_name(&self) -> &'static str {
        "results.json"
    }

    fn render(&self, summary: &Summary) -> Result<Vec<u8>, AppError> {
        let mut text = Json::to_string(summary)?;
        text.push('\n');
        Ok(text.into_bytes())
    }
}
