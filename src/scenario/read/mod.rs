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
//!   `finish` offers as the allowed keys;
//! - no file can make the walk slow or its report huge: the "did you mean" searches of one
//!   file share a budget of work, and past 10,000 problems only their number is kept.
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

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashSet};

use toml::Spanned;
use toml::de::DeTable;

use super::diagnostic::Diagnostic;
use super::types::Location;

pub(crate) use bounds::Bounds;
pub(crate) use dist::describe_dist;
pub(crate) use table::Table;
pub(crate) use value::{Value, kind_name};
use words::SUGGESTION_BUDGET;
#[cfg(test)]
pub(crate) use words::did_you_mean;
pub(crate) use words::{
    MAX_SUGGESTED_WORD, describe_char, first_few, fmt_num, join_words, quoted, quoted_pair,
    shortened, with_commas,
};
pub use words::{escape_invisible, is_invisible};

/// Problems kept in full, at most: a hostile file with millions of mistakes is reported by
/// its first ones (far more than are shown) and the number of the rest.
const MAX_KEPT: usize = 10_000;

/// The source text plus the diagnostics collected while walking it.
pub(crate) struct Reader<'s> {
    text: &'s str,
    line_starts: Vec<usize>,
    diagnostics: RefCell<Vec<Diagnostic>>,
    /// Problems found beyond the first [`MAX_KEPT`], counted only.
    omitted: Cell<usize>,
    /// The fields with a problem, for `has_problem_at` in constant time.
    fields_with_problems: RefCell<HashSet<String>>,
    /// What is left of the work the file's "did you mean" searches may take.
    suggestion_budget: Cell<u64>,
    /// The range each uncertain input read so far must lie in, by stable name.
    allowed: RefCell<BTreeMap<String, (f64, f64)>>,
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
            omitted: Cell::new(0),
            fields_with_problems: RefCell::new(HashSet::new()),
            suggestion_budget: Cell::new(SUGGESTION_BUDGET),
            allowed: RefCell::new(BTreeMap::new()),
        }
    }

    /// Remember that the input `name` must lie within `bounds` (open ends as the nearest
    /// number inside), for analyses that move an input within what the scenario allows.
    pub(crate) fn allow(&self, name: &str, bounds: &Bounds) {
        let lo = if bounds.lo_open {
            bounds.lo.next_up()
        } else {
            bounds.lo
        };
        let hi = if bounds.hi_open {
            bounds.hi.next_down()
        } else {
            bounds.hi
        };
        self.allowed.borrow_mut().insert(name.to_string(), (lo, hi));
    }

    /// The ranges remembered by [`allow`](Self::allow).
    pub(crate) fn take_allowed(&self) -> BTreeMap<String, (f64, f64)> {
        self.allowed.take()
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub(crate) fn location(&self, byte: usize) -> Location {
        location_in(self.text, &self.line_starts, byte)
    }

    /// Record a problem.
    pub(crate) fn report(&self, diagnostic: Diagnostic) {
        let mut fields = self.fields_with_problems.borrow_mut();
        if !fields.contains(&diagnostic.field) {
            fields.insert(diagnostic.field.clone());
        }
        let mut kept = self.diagnostics.borrow_mut();
        if kept.len() < MAX_KEPT {
            kept.push(diagnostic);
        } else {
            self.omitted.set(self.omitted.get() + 1);
        }
    }

    /// How many problems were found so far.
    pub(crate) fn count(&self) -> usize {
        self.diagnostics.borrow().len() + self.omitted.get()
    }

    /// True when a problem with the field `field` was already reported.
    pub(crate) fn has_problem_at(&self, field: &str) -> bool {
        self.fields_with_problems.borrow().contains(field)
    }

    /// The candidate `word` was probably meant to be, from the file's shared budget of
    /// suggestion work (see [`words::suggest`]): a hostile file cannot make the searches slow.
    pub(crate) fn did_you_mean<'c>(
        &self,
        word: &str,
        candidates: impl IntoIterator<Item = &'c str>,
    ) -> Option<String> {
        let mut budget = self.suggestion_budget.get();
        let found = words::suggest(word, candidates, &mut budget);
        self.suggestion_budget.set(budget);
        found
    }

    /// The problems found, in the order found, and how many more were only counted.
    pub(crate) fn into_diagnostics(self) -> (Vec<Diagnostic>, usize) {
        (self.diagnostics.into_inner(), self.omitted.get())
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
