//! The comment a scenario file gives an input, read from the file's text at the input's
//! location: the comment at the end of its line, or else the block of comment lines right
//! above it. The scenario reader keeps no comments (TOML parsers drop them), and this needs
//! nothing more than the line the reader already records for every written value.

use crate::scenario::Location;

/// Where a TOML comment starts on `line` (a `#` outside any string), if it has one.
fn comment_start(line: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match quote {
            Some('"') if escaped => escaped = false,
            Some('"') if c == '\\' => escaped = true,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' => return Some(i),
            None => {}
        }
    }
    None
}

/// The text of a whole-line comment, or None for any other line.
fn comment_line(line: &str) -> Option<&str> {
    line.trim_start().strip_prefix('#').map(|rest| rest.trim())
}

/// The comment for the value at `at` in `text`: the end-of-line comment, else the comment
/// lines directly above (joined with spaces); None when there is neither.
pub fn comment_for(text: &str, at: Option<Location>) -> Option<String> {
    let at = at?;
    let lines: Vec<&str> = text.lines().collect();
    let index = (at.line as usize).checked_sub(1)?;
    let line = lines.get(index)?;
    if let Some(start) = comment_start(line) {
        let comment = line[start + 1..].trim();
        if !comment.is_empty() {
            return Some(comment.to_string());
        }
    }
    let mut above: Vec<&str> = lines[..index]
        .iter()
        .rev()
        .map_while(|l| comment_line(l))
        .collect();
    above.reverse();
    let joined = above.join(" ");
    (!joined.trim().is_empty()).then(|| joined.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"[scenario]
name = "Team #1"   # the name
# Loaded cost of an hour,
# in USD.
hourly_cost = { pert = [45, 55, 70] }
amount = { pert = [1, 2, 3] }  # training $200-2,000 "per user" [E]
label = 'a # b' # after a literal string
plain = 3

escaped = "x \" # y" # real
"#;

    fn at(line: u32) -> Option<Location> {
        Some(Location { line, column: 1 })
    }

    #[test]
    fn comments_come_from_the_line_or_the_lines_above() {
        assert_eq!(comment_for(TEXT, at(2)).as_deref(), Some("the name"));
        assert_eq!(
            comment_for(TEXT, at(5)).as_deref(),
            Some("Loaded cost of an hour, in USD.")
        );
        assert_eq!(
            comment_for(TEXT, at(6)).as_deref(),
            Some(r#"training $200-2,000 "per user" [E]"#)
        );
        assert_eq!(
            comment_for(TEXT, at(7)).as_deref(),
            Some("after a literal string")
        );
        assert_eq!(comment_for(TEXT, at(8)), None);
        assert_eq!(comment_for(TEXT, at(10)).as_deref(), Some("real"));
        assert_eq!(comment_for(TEXT, None), None);
        assert_eq!(comment_for(TEXT, at(99)), None);
        assert_eq!(comment_for(TEXT, at(0)), None);
    }
}
