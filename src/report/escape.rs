//! User text (scenario, capability, group, category and cost names) made safe for where it is
//! shown. The reader refuses names with invisible characters, but names also reach outputs
//! from `results.json` and part files written by other versions and from summaries built in
//! code, so every output guards itself. The rules, one per destination (docs/SCENARIO.md,
//! "Names in outputs", says the same for users):
//!
//! | destination | rule |
//! | --- | --- |
//! | terminal | [`terminal`]: invisible characters (controls, bidirectional marks, zero-width) and the noncharacters U+FFFE and U+FFFF written `\u{1b}` |
//! | charts (PNG and SVG) | [`chart`]: as on the terminal (which also keeps the SVG well-formed XML); plotters escapes `<`, `>`, `&`, `"` and `'` in SVG |
//! | board pack (HTML) | `html::escape`: markup characters as entities, the rest as on the terminal except tab, new line and carriage return (white space in HTML, harmless) |
//! | CSV | `export::cashflow_csv`: a text cell starting with `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'`, so a spreadsheet shows it as text instead of running it as a formula; numbers are written as numbers |
//! | `results.json` | the names as they are: JSON escapes what it must, and tools reading it get the exact name |

use std::borrow::Cow;

use crate::scenario::{escape_invisible, is_invisible};

/// Text for a terminal: nothing in it can clear the screen, move the cursor, reverse the text
/// after it, forge a line or hide a difference; such characters are shown as `\u{1b}`.
pub fn terminal(text: &str) -> Cow<'_, str> {
    shown(text)
}

/// Text for a chart: shown as on a terminal, which also makes it valid XML whatever it holds,
/// so the SVG stays well-formed (XML 1.0 allows neither C0 controls other than white space
/// nor U+FFFE and U+FFFF, and a PNG would draw them as boxes anyway).
pub fn chart(text: &str) -> Cow<'_, str> {
    shown(text)
}

/// `text` with every character that is invisible, acts on a terminal or is not allowed in
/// XML written `\u{..}`; borrowed when there is none.
fn shown(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| is_invisible(c) || not_xml(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if not_xml(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(escape_invisible(&out).into_owned())
}

/// Characters XML 1.0 forbids that [`is_invisible`] does not already catch.
fn not_xml(c: char) -> bool {
    matches!(c, '\u{fffe}' | '\u{ffff}')
}

/// Whether an HTML page would not show `c` as itself: a character [`terminal`] escapes,
/// other than tab, new line and carriage return (white space in HTML).
pub(crate) fn hidden_in_html(c: char) -> bool {
    (is_invisible(c) || not_xml(c)) && !matches!(c, '\t' | '\n' | '\r')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_text_shows_what_would_act_on_the_terminal() {
        assert_eq!(terminal("Sales"), "Sales");
        assert!(matches!(terminal("Sales"), Cow::Borrowed(_)));
        assert_eq!(terminal("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(terminal("x\nerror: forged"), "x\\u{a}error: forged");
        assert_eq!(terminal("abc\u{202e}def"), "abc\\u{202e}def");
        assert_eq!(terminal("客户 & <b>"), "客户 & <b>");
        assert_eq!(terminal("x\u{ffff}"), "x\\u{ffff}");
    }

    #[test]
    fn chart_text_is_always_valid_xml_text() {
        assert_eq!(chart("Q&A <b>"), "Q&A <b>");
        assert_eq!(chart("bell\u{7}"), "bell\\u{7}");
        assert_eq!(chart("nul\0"), "nul\\u{0}");
        assert_eq!(chart("x\u{fffe}\u{ffff}"), "x\\u{fffe}\\u{ffff}");
        assert_eq!(chart("rtl\u{202e}"), "rtl\\u{202e}");
        for c in (0..0x110000).filter_map(char::from_u32) {
            let shown = chart(&c.to_string()).into_owned();
            assert!(
                shown.chars().all(|c| matches!(c, '\t' | '\n' | '\r')
                    || (c >= ' ' && !matches!(c, '\u{fffe}' | '\u{ffff}'))),
                "{:x} → {shown:?}",
                c as u32
            );
        }
    }

    #[test]
    fn html_keeps_white_space_and_shows_the_rest() {
        assert!(!hidden_in_html('\n') && !hidden_in_html('\t') && !hidden_in_html('a'));
        assert!(
            hidden_in_html('\u{7}') && hidden_in_html('\u{202e}') && hidden_in_html('\u{200b}')
        );
    }
}
