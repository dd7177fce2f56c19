//! A table being read: fields asked for by name, and every key nobody asked for reported by
//! `finish` with the allowed keys and a suggestion.

use std::collections::HashSet;

use toml::de::{DeTable, DeValue};

use super::Reader;
use super::bounds::Bounds;
use super::value::{Value, kind_name};
use crate::scenario::diagnostic::Diagnostic;
use crate::scenario::types::{Location, Uncertain};

/// A table being read: remembers which keys were asked for and which were consumed.
pub(crate) struct Table<'r> {
    pub(super) reader: &'r Reader<'r>,
    pub(super) table: &'r DeTable<'r>,
    pub(super) path: String,
    pub(super) location: Option<Location>,
    /// "section", "field", ...: the word used for unknown keys.
    pub(super) what: &'static str,
    pub(super) known: Vec<&'static str>,
    pub(super) used: HashSet<String>,
    /// Fields of a flat table report under the table's own path: the inside of a distribution
    /// (`{ pert = [..], max = 1 }`) belongs to the one input it defines.
    pub(super) flat: bool,
}

impl<'r> Table<'r> {
    /// The table's field path.
    pub(crate) fn path(&self) -> &str {
        &self.path
    }

    /// Rename the table (e.g. `roles[2]` becomes `roles."Account executive"` once its name is
    /// known); later field paths use the new name.
    pub(crate) fn set_path(&mut self, path: String) {
        self.path = path;
    }

    /// Where the table starts (its `[header]` or `{`), `None` for the document itself.
    pub(crate) fn location(&self) -> Option<Location> {
        self.location
    }

    /// The candidate `word` was probably meant to be (see [`Reader::did_you_mean`]).
    pub(crate) fn did_you_mean<'c>(
        &self,
        word: &str,
        candidates: impl IntoIterator<Item = &'c str>,
    ) -> Option<String> {
        self.reader.did_you_mean(word, candidates)
    }

    /// Path of a field of this table.
    pub(crate) fn field_path(&self, key: &str) -> String {
        if self.flat {
            self.path.clone()
        } else if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// A diagnostic about a field of this table, located at the table.
    pub(crate) fn diag(&self, key: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(self.field_path(key), message).at(self.location)
    }

    /// Mark a key as allowed here without reading it.
    pub(crate) fn know(&mut self, key: &'static str) {
        if !self.known.contains(&key) {
            self.known.push(key);
        }
    }

    /// True when the key is present (does not consume it).
    pub(crate) fn has(&self, key: &str) -> bool {
        self.table.contains_key(key)
    }

    /// Location of a key's value, if present.
    pub(crate) fn value_location(&self, key: &str) -> Option<Location> {
        self.table
            .get(key)
            .map(|v| self.reader.location(v.span().start))
    }

    /// Location of a key, if present.
    pub(crate) fn key_location(&self, key: &str) -> Option<Location> {
        self.table
            .get_key_value(key)
            .map(|(k, _)| self.reader.location(k.span().start))
    }

    /// Consume a key.
    pub(crate) fn take(&mut self, key: &'static str) -> Option<Value<'r>> {
        self.know(key);
        let value = self.table.get(key)?;
        self.used.insert(key.to_string());
        Some(Value::new(self.reader, value, self.field_path(key)))
    }

    /// Report a missing required key.
    pub(crate) fn missing(&self, key: &str, allowed: impl Into<String>) {
        let what = if self.path.is_empty() {
            format!("missing the [{key}] section")
        } else {
            format!("missing required field `{key}`")
        };
        self.reader.report(self.diag(key, what).allowed(allowed));
    }

    /// A required key: reports it when missing.
    pub(crate) fn required(
        &mut self,
        key: &'static str,
        allowed: impl Into<String>,
    ) -> Option<Value<'r>> {
        let v = self.take(key);
        if v.is_none() {
            self.missing(key, allowed);
        }
        v
    }

    /// Consume a key that must not be here, reporting `message(key)` at the key.
    pub(crate) fn reject_with(
        &mut self,
        key: &str,
        message: impl FnOnce(&str) -> String,
        allowed: Option<String>,
    ) {
        if let Some((k, _)) = self.table.get_key_value(key) {
            self.used.insert(key.to_string());
            let mut d = Diagnostic::new(self.field_path(key), message(key))
                .at(Some(self.reader.location(k.span().start)));
            if let Some(a) = allowed {
                d = d.allowed(a);
            }
            self.reader.report(d);
        }
    }

    /// Consume a key that must not be here, reporting `message` at the key with the key
    /// probably meant.
    pub(crate) fn reject_suggesting(
        &mut self,
        key: &str,
        message: String,
        allowed: String,
        suggestion: &str,
    ) {
        if let Some((k, _)) = self.table.get_key_value(key) {
            self.used.insert(key.to_string());
            self.reader.report(
                Diagnostic::new(self.field_path(key), message)
                    .at(Some(self.reader.location(k.span().start)))
                    .allowed(allowed)
                    .suggest(suggestion),
            );
        }
    }

    /// Consume a key silently (its table has another error that makes it meaningless).
    pub(crate) fn skip(&mut self, key: &'static str) {
        self.know(key);
        self.used.insert(key.to_string());
    }

    /// A required plain number, any finite value.
    pub(crate) fn required_plain(&mut self, key: &'static str) -> Option<f64> {
        self.required(key, "a number")?.plain()
    }

    /// An optional text value (`Err(())` when present but not text).
    pub(crate) fn optional_string(&mut self, key: &'static str) -> Result<Option<&'r str>, ()> {
        match self.take(key) {
            None => Ok(None),
            Some(v) => v.string().map(Some).ok_or(()),
        }
    }

    /// A required plain number within bounds.
    pub(crate) fn required_number(&mut self, key: &'static str, bounds: &Bounds) -> Option<f64> {
        self.required(key, bounds.describe())?.number(bounds)
    }

    /// An optional plain number (`Err(())` when present but invalid).
    pub(crate) fn optional_number(
        &mut self,
        key: &'static str,
        bounds: &Bounds,
    ) -> Result<Option<f64>, ()> {
        match self.take(key) {
            None => Ok(None),
            Some(v) => v.number(bounds).map(Some).ok_or(()),
        }
    }

    /// A required whole number in `lo..=hi`.
    pub(crate) fn required_integer(
        &mut self,
        key: &'static str,
        lo: i64,
        hi: i64,
        allowed: Option<&str>,
    ) -> Option<i64> {
        let text = allowed
            .map(str::to_string)
            .unwrap_or_else(|| format!("a whole number from {lo} to {hi}"));
        self.required(key, text)?.integer(lo, hi, allowed)
    }

    /// An optional whole number in `lo..=hi` (`Err(())` when present but invalid).
    pub(crate) fn optional_integer(
        &mut self,
        key: &'static str,
        lo: i64,
        hi: i64,
        allowed: Option<&str>,
    ) -> Result<Option<i64>, ()> {
        match self.take(key) {
            None => Ok(None),
            Some(v) => v.integer(lo, hi, allowed).map(Some).ok_or(()),
        }
    }

    /// A required uncertain number; its name is the field path.
    pub(crate) fn required_uncertain(
        &mut self,
        key: &'static str,
        bounds: &Bounds,
    ) -> Option<Uncertain> {
        self.required(key, bounds.describe())?.uncertain(bounds)
    }

    /// An optional uncertain number (`Err(())` when present but invalid).
    pub(crate) fn optional_uncertain(
        &mut self,
        key: &'static str,
        bounds: &Bounds,
    ) -> Result<Option<Uncertain>, ()> {
        match self.take(key) {
            None => Ok(None),
            Some(v) => v.uncertain(bounds).map(Some).ok_or(()),
        }
    }

    /// An optional uncertain number, or a fixed default named by the field path.
    pub(crate) fn uncertain_or(
        &mut self,
        key: &'static str,
        bounds: &Bounds,
        default: f64,
    ) -> Uncertain {
        let path = self.field_path(key);
        match self.optional_uncertain(key, bounds) {
            Ok(Some(u)) => u,
            _ => {
                self.reader.allow(&path, bounds);
                Uncertain::fixed(path, default)
            }
        }
    }

    /// An optional sub-table.
    pub(crate) fn optional_table(&mut self, key: &'static str) -> Option<Table<'r>> {
        self.take(key)?.table()
    }

    /// A list of tables (`[[key]]` sections or an inline list of `{ .. }`); empty when absent.
    /// Items are named `key[i]` until `set_path` renames them.
    pub(crate) fn tables(&mut self, key: &'static str) -> Vec<Table<'r>> {
        let Some(v) = self.take(key) else {
            return Vec::new();
        };
        match v.raw() {
            DeValue::Array(items) => {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    let iv = Value::new(self.reader, item, format!("{}[{i}]", v.path()));
                    if let DeValue::Table(_) = item.get_ref() {
                        if let Some(t) = iv.table() {
                            out.push(t);
                        }
                    } else {
                        iv.report(iv.diag(format!(
                            "expected a table for each entry of `{key}`, found {}",
                            kind_name(item.get_ref())
                        )));
                    }
                }
                out
            }
            DeValue::Table(_) => {
                v.report(
                    v.diag(format!(
                        "`{key}` is a list: write [[{key}]] (double brackets) for each entry"
                    ))
                    .allowed(format!("[[{key}]] sections")),
                );
                Vec::new()
            }
            other => {
                v.report(v.diag(format!(
                    "`{key}` must be a list of [[{key}]] sections, found {}",
                    kind_name(other)
                )));
                Vec::new()
            }
        }
    }

    /// An optional list of names: `["a", "b"]` (a single `"a"` is accepted too), each with its
    /// location. `Err(())` when present but malformed.
    pub(crate) fn optional_names(
        &mut self,
        key: &'static str,
    ) -> Result<Option<Vec<(&'r str, Location)>>, ()> {
        let Some(v) = self.take(key) else {
            return Ok(None);
        };
        if let DeValue::String(s) = v.raw() {
            return Ok(Some(vec![(s.as_ref(), v.location())]));
        }
        if !matches!(v.raw(), DeValue::Array(_)) {
            v.report(
                v.diag(format!(
                    "expected a list of names, found {}",
                    kind_name(v.raw())
                ))
                .allowed("a list of names in quotes, e.g. [\"Sales\", \"Service\"]"),
            );
            return Err(());
        }
        let items = v.array().ok_or(())?;
        let mut out = Vec::new();
        let mut ok = true;
        for item in items {
            match item.raw() {
                DeValue::String(s) => out.push((s.as_ref(), item.location())),
                other => {
                    ok = false;
                    item.report(item.diag(format!(
                        "expected a name in quotes, found {}",
                        kind_name(other)
                    )));
                }
            }
        }
        if !ok {
            return Err(());
        }
        if out.is_empty() {
            v.report(
                v.diag("the list is empty")
                    .allowed("at least one name, or leave the field out to mean all"),
            );
            return Err(());
        }
        Ok(Some(out))
    }

    /// Report every key that was not consumed, with the allowed keys and a suggestion.
    pub(crate) fn finish(self) {
        for (k, _) in self.table.iter() {
            let key: &str = k.get_ref();
            if self.used.contains(key) {
                continue;
            }
            let loc = self.reader.location(k.span().start);
            let mut d = Diagnostic::new(
                self.field_path(key),
                if self.path.is_empty() {
                    format!("unknown {} `{key}`", self.what)
                } else {
                    format!("unknown {} `{key}` in `{}`", self.what, self.path)
                },
            )
            .at(Some(loc));
            if !self.known.is_empty() {
                d = d.allowed(self.known.join(", "));
            }
            if let Some(s) = self.reader.did_you_mean(key, self.known.iter().copied()) {
                d = d.suggest(s);
            }
            self.reader.report(d);
        }
    }
}
