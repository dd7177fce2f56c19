//! Reading a scenario from a file or the built-in reference, with its identity (hash, name).

use std::path::Path;

use crate::error::AppError;
use crate::scenario::{self, Scenario};

/// A scenario and what identifies it in results.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub scenario: Scenario,
    /// Path as given, None for the built-in scenario.
    pub file: Option<String>,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
    /// A safe folder name for the default output directory.
    pub stem: String,
    /// The scenario file's text (its comments go into the workbook's Assumptions sheet).
    pub text: String,
}

/// A file or folder name made only of `a-z0-9-_`: a scenario can never steer output outside
/// the output directory (`../../etc` becomes `etc`).
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out.trim_matches('-').to_string();
    if trimmed.is_empty() {
        "scenario".into()
    } else {
        trimmed.chars().take(80).collect()
    }
}

/// Load `path`, or the built-in reference scenario when `path` is None.
pub fn load(path: Option<&Path>) -> Result<Loaded, AppError> {
    match path {
        Some(p) => {
            let (scenario, bytes) = scenario::parse_file(p)?;
            let stem = p
                .file_stem()
                .map(|s| slug(&s.to_string_lossy()))
                .unwrap_or_else(|| "scenario".into());
            Ok(Loaded {
                scenario,
                file: Some(p.display().to_string()),
                sha256: scenario::fingerprint(&bytes),
                stem,
                text: String::from_utf8_lossy(&bytes).into_owned(),
            })
        }
        None => {
            let scenario = scenario::parse_str(scenario::BUILT_IN, None)?;
            Ok(Loaded {
                scenario,
                file: None,
                sha256: scenario::fingerprint(scenario::BUILT_IN.as_bytes()),
                stem: "reference".into(),
                text: scenario::BUILT_IN.to_string(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_safe() {
        assert_eq!(slug("../../etc"), "etc");
        assert_eq!(slug("High-tech $1B: phased"), "high-tech-1b-phased");
        assert_eq!(slug("///"), "scenario");
        assert_eq!(slug("中文"), "scenario");
    }
}
