//! How names, numbers and lists are written in messages, and the "did you mean" search.
//!
//! A message never carries a character that is invisible or acts on the terminal (control,
//! bidirectional and zero-width characters): those are written `\u{1b}`, so a name can neither
//! clear the screen, reverse the text after it, forge a line nor hide a difference.

use std::borrow::Cow;
use std::fmt::Write;

use unicode_normalization::UnicodeNormalization;

/// A name as it appears in a field path: `"Lead scoring"`, quotes and backslashes escaped, and
/// invisible characters written `\u{200b}` (names with them are refused, so the stable names
/// of valid scenarios never contain an escape).
pub(crate) fn quoted(name: &str) -> String {
    let mut s = String::with_capacity(name.len() + 2);
    s.push('"');
    for c in name.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            c if is_invisible(c) => push_escaped(&mut s, c),
            c => s.push(c),
        }
    }
    s.push('"');
    s
}

/// A name quoted with every character outside printable ASCII written `\u{e9}`: two names
/// that look the same on screen (composed and decomposed accents) are told apart this way.
pub(crate) fn quoted_ascii(name: &str) -> String {
    let mut s = String::with_capacity(name.len() + 2);
    for c in quoted(name).chars() {
        if c.is_ascii() {
            s.push(c);
        } else {
            push_escaped(&mut s, c);
        }
    }
    s
}

/// Two different names as a message shows them side by side: quoted, and spelled out in
/// `\u{..}` escapes when they would otherwise look the same.
pub(crate) fn quoted_pair(a: &str, b: &str) -> (String, String) {
    let (qa, qb) = (quoted(a), quoted(b));
    if qa.nfc().eq(qb.nfc()) {
        (quoted_ascii(a), quoted_ascii(b))
    } else {
        (qa, qb)
    }
}

/// A character that shows nothing (or acts on the terminal) where text is displayed: control
/// characters (C0, DEL, C1), bidirectional marks, embeddings, overrides and isolates,
/// zero-width and other invisible format characters, and the line and paragraph separators.
/// Variation selectors are not here: emoji need them.
///
/// The one definition for every layer that shows user text: the reader refuses names with
/// such characters, and text from elsewhere (keys, references, file paths) is escaped with
/// [`escape_invisible`] before it reaches a terminal.
pub fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{ad}'
                | '\u{34f}'
                | '\u{61c}'
                | '\u{115f}'
                | '\u{1160}'
                | '\u{17b4}'
                | '\u{17b5}'
                | '\u{180e}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{206f}'
                | '\u{3164}'
                | '\u{feff}'
                | '\u{ffa0}'
                | '\u{fff9}'..='\u{fffb}'
                | '\u{e0000}'..='\u{e007f}'
        )
}

/// `s` with every invisible character written `\u{..}` (borrowed when there is none), so it
/// can neither act on a terminal (ESC sequences, a forged line) nor hide a difference.
pub fn escape_invisible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_invisible) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_invisible(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `\u{1b}`, with the character's name where it has a well-known one: `\u{1b} (escape)`.
pub(crate) fn describe_char(c: char) -> String {
    let mut s = String::new();
    push_escaped(&mut s, c);
    let name = match c {
        '\0' => "null",
        '\u{7}' => "bell",
        '\u{8}' => "backspace",
        '\t' => "tab",
        '\n' => "line feed: a new line",
        '\r' => "carriage return",
        '\u{1b}' => "escape: starts terminal control sequences",
        '\u{7f}' => "delete",
        '\u{ad}' => "soft hyphen",
        '\u{200b}' => "zero width space",
        '\u{200c}' => "zero width non-joiner",
        '\u{200d}' => "zero width joiner",
        '\u{200e}' => "left-to-right mark",
        '\u{200f}' => "right-to-left mark",
        '\u{2028}' => "line separator",
        '\u{2029}' => "paragraph separator",
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
            "a bidirectional control: it reorders the text displayed after it"
        }
        '\u{2060}' => "word joiner",
        '\u{feff}' => "zero width no-break space",
        c if c.is_control() => "a control character",
        _ => "an invisible character",
    };
    let _ = write!(s, " ({name})");
    s
}

fn push_escaped(s: &mut String, c: char) {
    let _ = write!(s, "\\u{{{:x}}}", u32::from(c));
}

/// Longest word a suggestion is looked for, in characters: no name may be longer.
pub(crate) const MAX_SUGGESTED_WORD: usize = 200;

/// Work a whole scenario's suggestions may take, in character pairs compared: enough for
/// thousands of typos among thousands of names, and a bound on a hostile file's (a few tenths
/// of a second).
pub(crate) const SUGGESTION_BUDGET: u64 = 50_000_000;

/// The candidate closest to `word`, if it is close enough to be a likely typo (one search
/// with a budget of its own; a scenario's reader shares one budget among all its searches).
#[cfg(test)]
pub(crate) fn did_you_mean<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<String> {
    suggest(word, candidates, &mut SUGGESTION_BUDGET.clone())
}

/// [`did_you_mean`], spending at most `budget` units of work (taken from it). The search is
/// bounded three ways: words longer than [`MAX_SUGGESTED_WORD`] get no suggestion; a
/// candidate whose length differs too much to be close by either measure is skipped after
/// counting; and the search stops, keeping the best so far, when the budget runs out.
pub(crate) fn suggest<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
    budget: &mut u64,
) -> Option<String> {
    if *budget == 0 || word.chars().nth(MAX_SUGGESTED_WORD).is_some() {
        return None;
    }
    let w = word.to_lowercase();
    let len = w.chars().count();
    let max_distance = match len {
        0..=3 => 1,
        4..=7 => 2,
        _ => 3,
    };
    let mut best: Option<(f64, usize, &str)> = None;
    for c in candidates {
        // Counting a candidate costs its length (at most a little past the longest that
        // can be close); comparing costs the product of the lengths, twice.
        let counted = c.chars().take(2 * len + max_distance + 1).count();
        let spend = |budget: &mut u64, cost: usize| -> bool {
            let cost = u64::try_from(cost).unwrap_or(u64::MAX);
            *budget = budget.saturating_sub(cost);
            *budget > 0
        };
        if !spend(budget, counted + 1) {
            break;
        }
        if c == word {
            continue;
        }
        // Levenshtein within `max_distance` needs lengths that close; Jaro-Winkler >= 0.9
        // needs the shorter at least half the longer.
        let longer = counted.max(len);
        if counted.abs_diff(len) > max_distance.max(longer / 2) {
            continue;
        }
        if !spend(budget, 2 * len * counted + counted) {
            break;
        }
        let cl = c.to_lowercase();
        if cl == w {
            return Some(c.to_string());
        }
        let d = strsim::levenshtein(&w, &cl);
        let jw = strsim::jaro_winkler(&w, &cl);
        let close = (d <= max_distance && d < len) || jw >= 0.9;
        if !close {
            continue;
        }
        let better = match best {
            None => true,
            Some((bjw, bd, _)) => jw > bjw || (jw == bjw && d < bd),
        };
        if better {
            best = Some((jw, d, c));
        }
    }
    best.map(|(_, _, c)| c.to_string())
}

/// At most `shown` items joined with ", ", then how many more there are.
pub(crate) fn first_few(
    items: impl IntoIterator<Item = String>,
    total: usize,
    shown: usize,
) -> String {
    let listed: Vec<String> = items.into_iter().take(shown).collect();
    let more = total.saturating_sub(listed.len());
    let mut text = listed.join(", ");
    if more > 0 {
        text.push_str(&format!(" and {} more", with_commas(more as u64)));
    }
    text
}

/// `49,950`.
pub(crate) fn with_commas(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `s` cut to `max` characters, saying how many were left out: a message quoting a
/// 100,000-character name stays readable.
pub(crate) fn shortened(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => Cow::Borrowed(s),
        Some((cut, _)) => {
            let rest = s[cut..].chars().count();
            Cow::Owned(format!(
                "{}… ({} more characters)",
                &s[..cut],
                with_commas(rest as u64)
            ))
        }
    }
}

/// `a, b and c`.
pub(crate) fn join_words(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {}", init.join(", "), last),
    }
}

/// A number as a person would write it: `0.05`, `700000`, `1e15`.
pub(crate) fn fmt_num(x: f64) -> String {
    if x.is_nan() {
        "nan".into()
    } else if x.is_infinite() {
        if x > 0.0 { "inf".into() } else { "-inf".into() }
    } else if x == 0.0 {
        "0".into()
    } else if x.abs() >= 1e15 || x.abs() < 1e-6 {
        format!("{x:e}")
    } else if x.fract() == 0.0 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}
