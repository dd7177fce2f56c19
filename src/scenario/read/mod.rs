//! A small span-aware walker over a parsed TOML document.
//!
//! `toml::de::DeTable::parse` keeps the byte span of every key and value. This module wraps it
//! so the scenario parser can ask for fields by name (`table.required_integer(..)`,
//! `table.optional_uncertain(..)`) while every problem is *collected* as a [`Diagnostic`] with
//! its line, column and field path, instead of stopping at the first one. `Table::finish`
//! reports every key nobody asked for, with a did-you-mean suggestion.
//!
//! Conventions:
//! - byte offsets become 1-based line / column, the column counted in characters;
//! - a getter that finds a problem records it and returns `None` (or a placeholder), so the
//!   caller carries on and later problems are reported too;
//! - every key asked for (present or not) is "known": the list of known keys is what
//!   `finish` offers as the allowed keys.

//!
//! The rooms: [`value`] (one value: text, numbers, lists), [`table`] (a table's fields, the
//! unknown ones reported by `finish`), [`uncertain`] (a number or a distribution, checked over
//! everything it can draw), [`dist`] (the distribution keys), [`bounds`] (allowed ranges) and
//! [`words`] (names, numbers and suggestions as messages write them).

mod bounds;
mod dist;
mod table;
mod uncertain;
mod value;
mod words;

#[cfg(test)]
mod tests;

use std::cell::RefCell;
use std::collections::HashSet;

use toml::Spanned;
use toml::de::DeTable;

use super::diagnostic::Diagnostic;
use super::types::Location;

pub(crate) use bounds::Bounds;
pub(crate) use table::Table;
pub(crate) use value::{Value, kind_name};
pub(crate) use words::{
    describe_char, did_you_mean, escape_invisible, fmt_num, is_invisible, join_words, quoted,
    quoted_pair,
};

/// The source text plus the diagnostics collected while walking it.
pub(crate) struct Reader<'s> {
    text: &'s str,
    line_starts: Vec<usize>,
    diagnostics: RefCell<Vec<Diagnostic>>,
}

impl<'s> Reader<'s> {
    pub(crate) fn new(text: &'s str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Reader {
            text,
            line_starts,
            diagnostics: RefCell::new(Vec::new()),
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub(crate) fn location(&self, byte: usize) -> Location {
        location_in(self.text, &self.line_starts, byte)
    }

    /// Record a problem.
    pub(crate) fn report(&self, diagnostic: Diagnostic) {
        self.diagnostics.borrow_mut().push(diagnostic);
    }

    /// How many problems were found so far.
    pub(crate) fn count(&self) -> usize {
        self.diagnostics.borrow().len()
    }

    /// True when a problem with the field `field` was already reported.
    pub(crate) fn has_problem_at(&self, field: &str) -> bool {
        self.diagnostics.borrow().iter().any(|d| d.field == field)
    }

    /// The problems found so far, in the order found.
    pub(crate) fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics.into_inner()
    }

    /// The document's top level, whose keys are sections.
    pub(crate) fn root<'r>(&'r self, doc: &'r Spanned<DeTable<'r>>) -> Table<'r> {
        Table {
            reader: self,
            table: doc.get_ref(),
            path: String::new(),
            location: None,
            what: "section",
            known: Vec::new(),
            used: HashSet::new(),
            flat: false,
        }
    }
}

/// 1-based line and column (in characters) of `byte` in `text`.
pub(crate) fn location_in(text: &str, line_starts: &[usize], byte: usize) -> Location {
    let mut byte = byte.min(text.len());
    while !text.is_char_boundary(byte) {
        byte -= 1;
    }
    let line = match line_starts.binary_search(&byte) {
        Ok(i) => i,
        Err(i) => i.saturating_sub(1),
    };
    let start = line_starts.get(line).copied().unwrap_or(0).min(byte);
    let column = text[start..byte].chars().count() + 1;
    Location {
        line: u32::try_from(line + 1).unwrap_or(u32::MAX),
        column: u32::try_from(column).unwrap_or(u32::MAX),
    }
}
