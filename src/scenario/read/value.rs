//! One value of the document with its field path: text, plain numbers, whole numbers, lists
//! and tables, each getter reporting a wrong type or range where the value is.

use std::collections::HashSet;

use toml::Spanned;
use toml::de::DeValue;

use super::Reader;
use super::bounds::Bounds;
use super::table::Table;
use super::words::fmt_num;
use crate::scenario::diagnostic::Diagnostic;
use crate::scenario::types::Location;

/// One value in the document, with the field path it belongs to.
pub(crate) struct Value<'r> {
    pub(super) reader: &'r Reader<'r>,
    pub(super) value: &'r Spanned<DeValue<'r>>,
    pub(super) path: String,
}

/// What a TOML value is, in words.
pub(crate) fn kind_name(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "text",
        DeValue::Integer(_) => "a whole number",
        DeValue::Float(_) => "a number",
        DeValue::Boolean(_) => "true/false",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

/// A numeric literal as f64, or the reason it is not a usable number.
pub(super) fn number_of(value: &DeValue<'_>) -> Result<f64, String> {
    match value {
        DeValue::Integer(i) => {
            let s = i.as_str();
            match i64::from_str_radix(s, i.radix()) {
                Ok(v) => Ok(v as f64),
                Err(_) => Err(format!("the whole number {i} is too large")),
            }
        }
        DeValue::Float(f) => {
            let s = f.as_str();
            if s.contains("nan") {
                return Err(
                    "`nan` is not a number a scenario can use; write a finite number".into(),
                );
            }
            if s.contains("inf") {
                return Err(format!(
                    "`{s}` is not allowed: every number in a scenario must be finite"
                ));
            }
            match s.parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(v),
                _ => Err(format!("the number {s} is too large")),
            }
        }
        other => Err(format!("expected a number, found {}", kind_name(other))),
    }
}

impl<'r> Value<'r> {
    pub(crate) fn new(
        reader: &'r Reader<'r>,
        value: &'r Spanned<DeValue<'r>>,
        path: String,
    ) -> Self {
        Value {
            reader,
            value,
            path,
        }
    }

    /// Where the value starts.
    pub(crate) fn location(&self) -> Location {
        self.reader.location(self.value.span().start)
    }

    /// The field path.
    pub(crate) fn path(&self) -> &str {
        &self.path
    }

    /// The raw TOML value.
    pub(crate) fn raw(&self) -> &'r DeValue<'r> {
        self.value.get_ref()
    }

    /// A diagnostic located at this value.
    pub(crate) fn diag(&self, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(self.path.clone(), message).at(Some(self.location()))
    }

    /// Record a problem with this value.
    pub(crate) fn report(&self, diagnostic: Diagnostic) {
        self.reader.report(diagnostic);
    }

    /// A string value.
    pub(crate) fn string(&self) -> Option<&'r str> {
        match self.value.get_ref() {
            DeValue::String(s) => Some(s.as_ref()),
            other => {
                let hint = match other {
                    DeValue::Datetime(_) => {
                        "text in double quotes, e.g. \"2027-01\" (a bare date is not accepted)"
                    }
                    _ => "text in double quotes",
                };
                self.report(
                    self.diag(format!("expected text, found {}", kind_name(other)))
                        .allowed(hint),
                );
                None
            }
        }
    }

    /// A plain number within `bounds`.
    pub(crate) fn number(&self, bounds: &Bounds) -> Option<f64> {
        let v = match self.value.get_ref() {
            DeValue::Table(_) => {
                self.report(
                    self.diag("expected a plain number here, not a distribution")
                        .allowed(bounds.describe()),
                );
                return None;
            }
            other => match number_of(other) {
                Ok(v) => v,
                Err(msg) => {
                    self.report(self.diag(msg).allowed(bounds.describe()));
                    return None;
                }
            },
        };
        if !bounds.contains(v) {
            self.report(
                self.diag(format!("{} is out of range", fmt_num(v)))
                    .allowed(bounds.describe()),
            );
            return None;
        }
        Some(v)
    }

    /// A whole number in `lo..=hi` (`3.0` is accepted as 3). `allowed` overrides the allowed
    /// text shown on a range error.
    pub(crate) fn integer(&self, lo: i64, hi: i64, allowed: Option<&str>) -> Option<i64> {
        let allowed_text = || {
            allowed
                .map(str::to_string)
                .unwrap_or_else(|| format!("a whole number from {lo} to {hi}"))
        };
        let v = match self.value.get_ref() {
            DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
                Ok(v) => v,
                Err(_) => {
                    self.report(
                        self.diag(format!("the whole number {i} is too large"))
                            .allowed(allowed_text()),
                    );
                    return None;
                }
            },
            DeValue::Float(_) => match number_of(self.value.get_ref()) {
                Ok(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => f as i64,
                Ok(f) => {
                    self.report(
                        self.diag(format!("expected a whole number, found {}", fmt_num(f)))
                            .allowed(allowed_text()),
                    );
                    return None;
                }
                Err(msg) => {
                    self.report(self.diag(msg).allowed(allowed_text()));
                    return None;
                }
            },
            other => {
                self.report(
                    self.diag(format!(
                        "expected a whole number, found {}",
                        kind_name(other)
                    ))
                    .allowed(allowed_text()),
                );
                return None;
            }
        };
        if v < lo || v > hi {
            self.report(
                self.diag(format!("{v} is out of range"))
                    .allowed(allowed_text()),
            );
            return None;
        }
        Some(v)
    }

    /// A table value (a `[section]` or an inline `{ .. }`).
    pub(crate) fn table(&self) -> Option<Table<'r>> {
        match self.value.get_ref() {
            DeValue::Table(t) => Some(Table {
                reader: self.reader,
                table: t,
                path: self.path.clone(),
                location: Some(self.location()),
                what: "field",
                known: Vec::new(),
                used: HashSet::new(),
                flat: false,
            }),
            other => {
                self.report(self.diag(format!("expected a table, found {}", kind_name(other))));
                None
            }
        }
    }

    /// The elements of a list, each with its path `path[i]`.
    pub(crate) fn array(&self) -> Option<Vec<Value<'r>>> {
        match self.value.get_ref() {
            DeValue::Array(a) => Some(
                a.iter()
                    .enumerate()
                    .map(|(i, v)| Value::new(self.reader, v, format!("{}[{i}]", self.path)))
                    .collect(),
            ),
            other => {
                self.report(self.diag(format!("expected a list [..], found {}", kind_name(other))));
                None
            }
        }
    }

    /// A list of plain numbers; `expected` is the form shown in messages (`[min, mode, max]`).
    pub(super) fn numbers(&self, count: Option<usize>, expected: &str) -> Option<Vec<f64>> {
        let DeValue::Array(items) = self.value.get_ref() else {
            self.report(self.diag(format!(
                "expected a list {expected}, found {}",
                kind_name(self.value.get_ref())
            )));
            return None;
        };
        if let Some(n) = count
            && items.len() != n
        {
            self.report(self.diag(format!(
                "expected {n} numbers {expected}, found {}",
                items.len()
            )));
            return None;
        }
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for item in items.iter() {
            match number_of(item.get_ref()) {
                Ok(v) => out.push(v),
                Err(msg) => {
                    ok = false;
                    self.reader.report(
                        Diagnostic::new(self.path.clone(), msg)
                            .at(Some(self.reader.location(item.span().start))),
                    );
                }
            }
        }
        ok.then_some(out)
    }

    /// A plain number, with the error reported at this value.
    pub(super) fn plain(&self) -> Option<f64> {
        match number_of(self.value.get_ref()) {
            Ok(v) => Some(v),
            Err(msg) => {
                self.report(self.diag(msg));
                None
            }
        }
    }
}
