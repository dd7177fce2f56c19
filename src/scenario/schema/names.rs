//! The names of one kind of item: each used once, and references to them resolved to indices.

use std::collections::HashMap;

use crate::scenario::diagnostic::Diagnostic;
use crate::scenario::read::{Reader, did_you_mean, quoted};
use crate::scenario::types::Location;

/// The names of one kind of item (roles, user groups, ...), for duplicates and references.
pub(super) struct Names {
    what: &'static str,
    /// The names in file order (an item's index is its position).
    pub(super) list: Vec<String>,
    index: HashMap<String, (usize, Location)>,
}

impl Names {
    pub(super) fn new(what: &'static str) -> Self {
        Names {
            what,
            list: Vec::new(),
            index: HashMap::new(),
        }
    }

    /// Register the name of item `index`; a second use of a name is an error naming both lines.
    pub(super) fn add(
        &mut self,
        r: &Reader<'_>,
        field: &str,
        name: &str,
        loc: Location,
        index: usize,
    ) {
        if let Some((_, first)) = self.index.get(name) {
            r.report(
                Diagnostic::new(
                    field,
                    format!(
                        "the {} name {} is used twice: at line {} and again at line {}",
                        self.what,
                        quoted(name),
                        first.line,
                        loc.line
                    ),
                )
                .at(Some(loc))
                .allowed(format!("each {} needs its own name", self.what)),
            );
        } else {
            self.index.insert(name.to_string(), (index, loc));
            self.list.push(name.to_string());
        }
    }

    /// Index of a referenced name, or an error with the known names and a suggestion.
    pub(super) fn resolve(
        &self,
        r: &Reader<'_>,
        field: &str,
        name: &str,
        loc: Location,
    ) -> Option<usize> {
        if let Some((i, _)) = self.index.get(name) {
            return Some(*i);
        }
        let mut d = Diagnostic::new(
            field,
            format!("there is no {} named {}", self.what, quoted(name)),
        )
        .at(Some(loc));
        if self.list.is_empty() {
            d = d.allowed(format!("no {} is defined in this scenario", self.what));
        } else {
            let names: Vec<String> = self.list.iter().map(|n| quoted(n)).collect();
            d = d.allowed(format!("one of: {}", names.join(", ")));
        }
        if let Some(s) = did_you_mean(name, self.list.iter().map(String::as_str)) {
            d = d.suggest(s);
        }
        r.report(d);
        None
    }
}
