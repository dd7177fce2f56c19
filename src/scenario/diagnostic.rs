//! Errors in a scenario, reported the way a person fixing the file needs them:
//! file:line:column, the field, what was wrong, what is allowed, and the likely intended name.

use std::fmt;
use std::path::PathBuf;

use super::types::Location;

/// One problem in a scenario file.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// Where it is, when known.
    pub location: Option<Location>,
    /// Field path, e.g. `capabilities."Lead scoring".uplift` (empty for whole-file problems).
    pub field: String,
    /// What is wrong, including the offending value.
    pub message: String,
    /// What would be accepted.
    pub allowed: Option<String>,
    /// The closest valid name, for typos.
    pub suggestion: Option<String>,
    /// The offending source line, shown under the message with a caret at the column
    /// (syntax errors, where the position is all there is to go on).
    pub source_line: Option<String>,
}

impl Diagnostic {
    /// A problem with a field.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            location: None,
            field: field.into(),
            message: message.into(),
            allowed: None,
            suggestion: None,
            source_line: None,
        }
    }

    /// Attach a location.
    pub fn at(mut self, location: Option<Location>) -> Self {
        self.location = location;
        self
    }

    /// Say what is allowed.
    pub fn allowed(mut self, allowed: impl Into<String>) -> Self {
        self.allowed = Some(allowed.into());
        self
    }

    /// Show the source line the location points into.
    pub fn with_source_line(mut self, line: impl Into<String>) -> Self {
        self.source_line = Some(line.into());
        self
    }

    /// Suggest a name.
    pub fn suggest(mut self, suggestion: impl Into<String>) -> Self {
        self.suggestion = Some(suggestion.into());
        self
    }
}

/// Every problem found in one scenario source, reported together.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioError {
    /// The file, or `None` for the built-in scenario or text given in memory.
    pub file: Option<PathBuf>,
    pub diagnostics: Vec<Diagnostic>,
}

impl ScenarioError {
    /// A single problem with no location (unreadable file, empty file, ...).
    pub fn single(file: Option<PathBuf>, diagnostic: Diagnostic) -> Self {
        ScenarioError {
            file,
            diagnostics: vec![diagnostic],
        }
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = self
            .file
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "<built-in scenario>".to_string());
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "error: {file}")?;
            if let Some(loc) = d.location {
                write!(f, ":{}:{}", loc.line, loc.column)?;
            }
            write!(f, ": ")?;
            if !d.field.is_empty() {
                write!(f, "{}: ", d.field)?;
            }
            write!(f, "{}", d.message)?;
            if let (Some(line), Some(loc)) = (&d.source_line, d.location) {
                let number = loc.line.to_string();
                let pad = " ".repeat(number.len());
                // Tabs keep their width so the caret lines up under the column.
                let caret_pad: String = line
                    .chars()
                    .take(loc.column.saturating_sub(1) as usize)
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                write!(f, "\n  {number} | {line}\n  {pad} | {caret_pad}^")?;
            }
            if let Some(allowed) = &d.allowed {
                write!(f, "\n  allowed: {allowed}")?;
            }
            if let Some(s) = &d.suggestion {
                write!(f, "\n  help: did you mean `{s}`?")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioError {}
