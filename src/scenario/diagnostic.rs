//! Errors in a scenario, reported the way a person fixing the file needs them: the field and
//! what was wrong, the file with line and column, the source line underlined (as rustc shows
//! code), what is allowed, and the likely intended name.
//!
//! ```text
//! error: user_groups."Sales".seat: unknown field `seat` in `user_groups."Sales"`
//!   --> case.toml:18:1
//!    |
//! 18 | seat = 10
//!    | ^^^^
//!    |
//!    = allowed: name, seats, go_live_month, role, data_quality, adoption
//!    = help: did you mean `seats`?
//! ```
//!
//! The rendering is annotate-snippets' (the crate rustc and cargo use), plain text: `Display`
//! goes to the terminal, to logs and to tests alike.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

use super::read::{escape_invisible, is_invisible, shortened, with_commas};
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

    /// Suggest a name.
    pub fn suggest(mut self, suggestion: impl Into<String>) -> Self {
        self.suggestion = Some(suggestion.into());
        self
    }
}

/// Every problem found in one scenario source, reported together.
///
/// `Display` renders the first 50, each with its source line, then the number of the rest;
/// nothing needs to be prefixed.
#[derive(Clone, PartialEq, thiserror::Error)]
pub struct ScenarioError {
    /// The file, or `None` for the built-in scenario or text given in memory.
    pub file: Option<PathBuf>,
    /// In line order.
    pub diagnostics: Vec<Diagnostic>,
    /// The scenario text the locations point into, so the message can show their lines
    /// (`None` when the file could not be read as text).
    pub(super) text: Option<Arc<str>>,
    /// Problems found beyond `diagnostics`, only counted (a file with thousands of mistakes).
    pub(super) omitted: usize,
}

impl ScenarioError {
    /// A single problem with no source text to show (unreadable file, empty file, ...).
    pub fn single(file: Option<PathBuf>, diagnostic: Diagnostic) -> Self {
        ScenarioError {
            file,
            diagnostics: vec![diagnostic],
            text: None,
            omitted: 0,
        }
    }

    /// Problems located in `text`.
    pub(crate) fn in_text(file: Option<PathBuf>, diagnostics: Vec<Diagnostic>, text: &str) -> Self {
        ScenarioError {
            file,
            diagnostics,
            text: Some(Arc::from(text)),
            omitted: 0,
        }
    }

    /// The same error, with `omitted` more problems found but not kept.
    pub(crate) fn with_omitted(mut self, omitted: usize) -> Self {
        self.omitted = omitted;
        self
    }

    /// How many problems were found: the diagnostics and those only counted.
    pub fn count(&self) -> usize {
        self.diagnostics.len() + self.omitted
    }
}

// The text can be megabytes: debug output shows its size, not its content.
impl fmt::Debug for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScenarioError")
            .field("file", &self.file)
            .field("diagnostics", &self.diagnostics)
            .field(
                "text",
                &self.text.as_ref().map(|t| format!("{} bytes", t.len())),
            )
            .field("omitted", &self.omitted)
            .finish()
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = self
            .file
            .as_ref()
            .map(|p| escape_invisible(&p.display().to_string()).into_owned())
            .unwrap_or_else(|| "<built-in scenario>".to_string());
        let lines = self.text.as_deref().map(Lines::new);
        let renderer = Renderer::plain();
        for (i, d) in self.diagnostics.iter().take(SHOWN).enumerate() {
            if i > 0 {
                f.write_str("\n\n")?;
            }
            f.write_str(&renderer.render(&[group(d, &file, lines.as_ref())]))?;
        }
        match self.count().saturating_sub(SHOWN) {
            0 => Ok(()),
            1 => f.write_str("\n\n… and 1 more error"),
            n => write!(f, "\n\n… and {} more errors", with_commas(n as u64)),
        }
    }
}

/// Problems shown, at most: past the first screens, more of them help nobody, and the count
/// of the rest says how far there is to go.
const SHOWN: usize = 50;

/// Characters of a message's title, `allowed` or `help` shown, at most (a name or key can be
/// as long as the file).
const LONGEST_TEXT: usize = 1_000;

/// One diagnostic as an annotate-snippets group: title, where (with the source line when the
/// text is at hand), then `allowed` and `help`.
fn group<'a>(d: &'a Diagnostic, file: &'a str, lines: Option<&Lines<'a>>) -> Group<'a> {
    // Whatever a message quotes from the file, an invisible character is shown as `\u{..}`.
    let visible = |s: &str| shortened(&escape_invisible(s), LONGEST_TEXT).into_owned();
    let title = if d.field.is_empty() {
        visible(&d.message)
    } else {
        visible(&format!("{}: {}", d.field, d.message))
    };
    let mut group = Group::with_title(Level::ERROR.primary_title(title));
    group = match (
        d.location,
        lines.and_then(|l| d.location.and_then(|at| l.get(at))),
    ) {
        (Some(at), Some((line, span))) => group.element(
            Snippet::source(line)
                .line_start(at.line as usize)
                .path(file)
                .annotation(AnnotationKind::Primary.span(span)),
        ),
        (Some(at), None) => group.element(
            Origin::path(file)
                .line(at.line as usize)
                .char_column(at.column as usize),
        ),
        (None, _) => group.element(Origin::path(file)),
    };
    if let Some(allowed) = &d.allowed {
        group = group.element(Level::NOTE.with_name("allowed").message(visible(allowed)));
    }
    if let Some(s) = &d.suggestion {
        let s = visible(s);
        group = group.element(Level::HELP.message(format!("did you mean `{s}`?")));
    }
    group
}

/// The text's lines, found once per rendering.
struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> Lines<'t> {
    fn new(text: &'t str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Lines { text, starts }
    }

    /// The line `at` points into (without its line ending) and the byte range in it to
    /// underline, or `None` when the location is not in the text.
    fn get(&self, at: Location) -> Option<(Cow<'t, str>, Range<usize>)> {
        let index = (at.line as usize).checked_sub(1)?;
        let start = *self.starts.get(index)?;
        let end = self.starts.get(index + 1).map_or(self.text.len(), |&e| e);
        let line = self.text.get(start..end)?.trim_end_matches(['\n', '\r']);
        let column = (at.column as usize).checked_sub(1)?;
        let from = match line.char_indices().nth(column) {
            Some((byte, _)) => byte,
            None if line.chars().count() == column => line.len(),
            None => return None,
        };
        Some(visible_line(line, from..from + token_len(&line[from..])))
    }
}

/// The line as it can be shown, and the span in it: annotate-snippets draws C0 controls as
/// control pictures (`␛`) and tabs as spaces; every other invisible character (C1 controls,
/// zero-width and bidirectional characters, line separators) becomes `�`, one character for
/// one, so the columns stay those of the file.
fn visible_line(line: &str, span: Range<usize>) -> (Cow<'_, str>, Range<usize>) {
    let replaced = |c: char| is_invisible(c) && !(c < ' ' || c == '\u{7f}');
    if !line.chars().any(replaced) {
        return (Cow::Borrowed(line), span);
    }
    let mut shown = String::with_capacity(line.len());
    let (mut from, mut to) = (None, None);
    for (byte, c) in line.char_indices() {
        if byte == span.start {
            from = Some(shown.len());
        }
        if byte == span.end {
            to = Some(shown.len());
        }
        shown.push(if replaced(c) { '\u{fffd}' } else { c });
    }
    let from = from.unwrap_or(shown.len());
    let to = to.unwrap_or(shown.len()).max(from);
    (Cow::Owned(shown), from..to)
}

/// Length in bytes of the TOML token that starts `rest`: the underline under a location. A
/// location points at a key, a value or a section header, so the token is a quoted string, an
/// inline table or list (to its closing bracket on the same line), a `[header]`, or a bare
/// word (key, number, `true`); anything else is one character.
fn token_len(rest: &str) -> usize {
    let Some(first) = rest.chars().next() else {
        return 0;
    };
    let closing = |open: char, close: char| {
        let mut depth = 0usize;
        let mut quote: Option<char> = None;
        let mut escaped = false;
        for (i, c) in rest.char_indices() {
            match quote {
                Some(q) => {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' && q == '"' {
                        escaped = true;
                    } else if c == q {
                        quote = None;
                    }
                }
                None if c == '"' || c == '\'' => quote = Some(c),
                None if c == open => depth += 1,
                None if c == close => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return i + c.len_utf8();
                    }
                }
                None => {}
            }
        }
        rest.len()
    };
    match first {
        '"' | '\'' => {
            let mut escaped = false;
            for (i, c) in rest.char_indices().skip(1) {
                if escaped {
                    escaped = false;
                } else if c == '\\' && first == '"' {
                    escaped = true;
                } else if c == first {
                    return i + 1;
                }
            }
            rest.len()
        }
        '{' => closing('{', '}'),
        '[' => closing('[', ']'),
        c if is_word(c) => rest.find(|c: char| !is_word(c)).unwrap_or(rest.len()),
        c => c.len_utf8(),
    }
}

/// A character of a bare key or a number/boolean literal.
fn is_word(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '+' | '.' | ':')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_underline_what_the_location_points_at() {
        for (rest, token) in [
            ("seat = 10", "seat"),
            ("-40\n", "-40"),
            ("1_000.5e3, 2]", "1_000.5e3"),
            ("\"Sa\\\"le\" # x", "\"Sa\\\"le\""),
            ("'a\\' b", "'a\\'"),
            (
                "{ pert = [1, 2, 3], max = \"}\" } # c",
                "{ pert = [1, 2, 3], max = \"}\" }",
            ),
            ("[[user_groups]]", "[[user_groups]]"),
            ("[1, [2, 3]], x", "[1, [2, 3]]"),
            ("[1, 2", "[1, 2"),
            ("}", "}"),
            ("销售 = 1", "销售"),
            ("", ""),
        ] {
            assert_eq!(&rest[..token_len(rest)], token, "{rest:?}");
        }
    }

    #[test]
    fn every_diagnostic_shows_where_and_what() {
        let text = "[scenario]\r\nname = \"x\"\n\tseat = 10\n";
        let located = Diagnostic::new("user_groups.\"Sales\".seat", "unknown field `seat`")
            .at(Some(Location { line: 3, column: 2 }))
            .allowed("name, seats")
            .suggest("seats");
        let whole_file = Diagnostic::new("scenario", "missing the [scenario] section");
        let past_the_end =
            Diagnostic::new("x", "far away").at(Some(Location { line: 9, column: 4 }));
        let e = ScenarioError::in_text(
            Some(PathBuf::from("case.toml")),
            vec![located, whole_file, past_the_end],
            text,
        );
        let shown = e.to_string();
        let expected = [
            "error: user_groups.\"Sales\".seat: unknown field `seat`",
            " --> case.toml:3:2",
            "3 |     seat = 10",
            "  |     ^^^^",
            "  = allowed: name, seats",
            "  = help: did you mean `seats`?",
            "",
            "error: scenario: missing the [scenario] section",
            "--> case.toml",
            "",
            "error: x: far away",
            "--> case.toml:9:4",
        ];
        let lines: Vec<&str> = shown.lines().filter(|l| l.trim() != "|").collect();
        assert_eq!(lines, expected, "{shown}");
        // A line with invisible characters is shown with none, its columns unchanged.
        let text = "x = 1\nname = \"a\u{9b}b\u{200b}c\u{202e}d\u{1b}e\u{200d}\" # \u{2028}\n";
        let e = ScenarioError::in_text(
            None,
            vec![Diagnostic::new("name", "bad").at(Some(Location { line: 2, column: 8 }))],
            text,
        );
        let shown = e.to_string();
        assert!(
            !shown.chars().any(|c| c != '\n' && is_invisible(c)),
            "{shown:?}"
        );
        assert!(shown.contains(":2:8\n"), "{shown}");
        assert!(shown.contains("2 | name = \"a\u{fffd}b\u{fffd}c\u{fffd}d␛e\u{fffd}\" # \u{fffd}\n  |        ^^^^^^^^^^^^"), "{shown}");
        // Without a file: the built-in scenario; without text: the location alone.
        let e = ScenarioError::single(None, Diagnostic::new("", "the scenario is empty"));
        assert_eq!(
            e.to_string(),
            "error: the scenario is empty\n--> <built-in scenario>"
        );
        assert!(!format!("{e:?}").contains("scenario is empty\\n"));
    }
}
