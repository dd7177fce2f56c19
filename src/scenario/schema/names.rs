//! The names of one kind of item: each distinguishable from the others, and references to them
//! resolved to indices.
//!
//! Two names are the same name when they are equal once invisible characters are dropped,
//! spaces at either end trimmed, the text put in Unicode NFC form (an accent composed or
//! decomposed alike) and letter case ignored: "Sales", "sales", "Sales " and "Sales" + U+200B
//! would look alike in every chart and table. References must match a name as written; a
//! reference that matches only that loosely gets the name as a suggestion.

use std::collections::HashMap;

use unicode_normalization::UnicodeNormalization;

use crate::scenario::diagnostic::Diagnostic;
use crate::scenario::read::{
    MAX_SUGGESTED_WORD, Reader, Value, describe_char, first_few, is_invisible, join_words, quoted,
    quoted_pair, shortened, with_commas,
};
use crate::scenario::types::Location;

/// Longest name accepted, in characters: a name is a label in charts and tables.
pub(super) const MAX_NAME_CHARS: usize = 200;

const _: () = assert!(MAX_NAME_CHARS <= MAX_SUGGESTED_WORD);

/// Names listed in an "unknown name" message, at most.
const LISTED: usize = 10;

/// The names of one kind of item, in file order.
pub(super) struct Names {
    what: &'static str,
    /// How many items have a name (an item whose name is invalid has none).
    named: usize,
    /// The names as written (an item's index is its position).
    pub(super) list: Vec<String>,
    /// Name as written → item index.
    exact: HashMap<String, usize>,
    /// Comparison key → index of the first item with it and where its name is.
    keys: HashMap<String, (usize, Location)>,
}

impl Names {
    pub(super) fn new(what: &'static str) -> Self {
        Names {
            what,
            named: 0,
            list: Vec::new(),
            exact: HashMap::new(),
            keys: HashMap::new(),
        }
    }

    /// Register the name of item `index`; a name used twice, or one that differs from an
    /// earlier one only invisibly, is an error naming both lines.
    pub(super) fn add(
        &mut self,
        r: &Reader<'_>,
        field: &str,
        name: &str,
        loc: Location,
        index: usize,
    ) {
        let key = comparison_key(name);
        if let Some(&(first, first_loc)) = self.keys.get(&key) {
            let earlier = &self.list[first];
            let message = if earlier == name {
                format!(
                    "the {} name {} is used twice: at line {} and again at line {}",
                    self.what,
                    quoted(name),
                    first_loc.line,
                    loc.line
                )
            } else {
                let (a, b) = quoted_pair(earlier, name);
                format!(
                    "the {} names {a} (line {}) and {b} (line {}) differ only in {}: they count as the same name",
                    self.what,
                    first_loc.line,
                    loc.line,
                    differences(earlier, name)
                )
            };
            r.report(
                Diagnostic::new(field, message)
                    .at(Some(loc))
                    .allowed(format!(
                        "each {} needs its own name; names that differ only in letter case, spaces at the ends, invisible characters or Unicode form count as the same (they would be mistaken for each other in charts and tables)",
                        self.what
                    )),
            );
        } else {
            self.keys.insert(key, (index, loc));
        }
        // Every name is registered as written, so references to it resolve.
        self.exact.entry(name.to_string()).or_insert(index);
        if self.list.len() <= index {
            self.list.resize(index + 1, String::new());
        }
        if self.list[index].is_empty() {
            self.named += 1;
        }
        self.list[index] = name.to_string();
    }

    /// Index of a referenced name, or an error with the known names and a suggestion.
    pub(super) fn resolve(
        &self,
        r: &Reader<'_>,
        field: &str,
        name: &str,
        loc: Location,
    ) -> Option<usize> {
        if let Some(&i) = self.exact.get(name) {
            return Some(i);
        }
        let alike = self
            .keys
            .get(&comparison_key(name))
            .map(|&(i, _)| self.list[i].as_str());
        let message = match alike {
            Some(defined) => {
                let (wrote, meant) = quoted_pair(name, defined);
                format!(
                    "there is no {} named {wrote}; {meant} differs from it only in {}",
                    self.what,
                    differences(name, defined)
                )
            }
            None => format!(
                "there is no {} named {}",
                self.what,
                shortened(&quoted(name), MAX_NAME_CHARS)
            ),
        };
        let mut d = Diagnostic::new(field, message).at(Some(loc));
        let defined = || {
            self.list
                .iter()
                .map(String::as_str)
                .filter(|n| !n.is_empty())
        };
        if self.named == 0 {
            d = d.allowed(format!("no {} is defined in this scenario", self.what));
        } else {
            let names = first_few(defined().map(quoted), self.named, LISTED);
            d = d.allowed(format!("one of: {names}"));
        }
        let suggestion = alike
            .map(str::to_string)
            .or_else(|| r.did_you_mean(name, defined()));
        if let Some(s) = suggestion {
            d = d.suggest(s);
        }
        r.report(d);
        None
    }
}

/// Refuse a name longer than [`MAX_NAME_CHARS`]; true when it is short enough.
pub(super) fn within_length(v: &Value<'_>, field: &str, name: &str, what: &str) -> bool {
    if name.chars().nth(MAX_NAME_CHARS).is_none() {
        return true;
    }
    let length = name.chars().count();
    v.report(
        Diagnostic::new(
            field,
            format!(
                "the {what} name {}…\" is {} characters long; names are limited to {MAX_NAME_CHARS}",
                quoted(name).chars().take(40).collect::<String>(),
                with_commas(length as u64),
            ),
        )
        .at(Some(v.location()))
        .allowed(format!(
            "a name of at most {MAX_NAME_CHARS} characters, to label charts and tables (docs/SCENARIO.md, section 1)"
        )),
    );
    false
}

/// Refuse a name with invisible characters (control, bidirectional, zero-width), naming the
/// first of them.
pub(super) fn refuse_invisible(v: &Value<'_>, field: &str, name: &str, what: &str) {
    let mut found = name.chars().filter(|&c| is_invisible(c));
    let Some(first) = found.next() else {
        return;
    };
    let more = match found.count() {
        0 => String::new(),
        1 => " and 1 more invisible character".to_string(),
        n => format!(" and {n} more invisible characters"),
    };
    v.report(
        Diagnostic::new(
            field,
            format!(
                "the {what} name {} contains {}{more}",
                quoted(name),
                describe_char(first)
            ),
        )
        .at(Some(v.location()))
        .allowed(
            "a name of visible characters; control characters, bidirectional controls and \
             zero-width characters are refused (docs/SCENARIO.md, section 1)",
        ),
    );
}

/// What two names are compared by: invisible characters dropped, trimmed, NFC, lower case.
pub(super) fn comparison_key(name: &str) -> String {
    let visible: String = name.chars().filter(|&c| !is_invisible(c)).collect();
    let composed: String = visible.trim().nfc().collect();
    composed.to_lowercase().nfc().collect()
}

/// How two names with the same comparison key differ, in words: each way of writing that
/// the comparison ignores, and that tells these two apart.
fn differences(a: &str, b: &str) -> String {
    let visible = |s: &str| -> String { s.chars().filter(|&c| !is_invisible(c)).collect() };
    let nfc = |s: &str| -> String { s.nfc().collect() };
    let all_but = |s: &str, skip: usize| -> String {
        let mut t = if skip == 0 { s.to_string() } else { visible(s) };
        if skip != 1 {
            t = t.trim().to_string();
        }
        if skip != 2 {
            t = nfc(&t);
        }
        if skip != 3 {
            t = t.to_lowercase();
        }
        t
    };
    let aspects = [
        "invisible characters",
        "spaces at the ends",
        "Unicode form (an accent written as one character or as two)",
        "letter case",
    ];
    let found: Vec<&str> = aspects
        .iter()
        .enumerate()
        .filter(|&(i, _)| all_but(a, i) != all_but(b, i))
        .map(|(_, &w)| w)
        .collect();
    join_words(&found)
}
