//! Defined names for the cells formulas read, made from stable names: letters, digits and
//! underscores only, so a scenario's names can never become formula text (and every
//! spreadsheet accepts them), unique regardless of case, never a function's or a cell's name.

use std::collections::HashSet;

/// The segments of a stable name: `capabilities."Lead scoring".uplift` is
/// `[Field("capabilities"), Quoted("Lead scoring"), Field("uplift")]`.
#[derive(Debug, PartialEq)]
enum Segment {
    Field(String),
    Quoted(String),
}

fn segments(stable: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut chars = stable.chars().peekable();
    let mut field = String::new();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                let mut quoted = String::new();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => quoted.extend(chars.next()),
                        '"' => break,
                        c => quoted.push(c),
                    }
                }
                out.push(Segment::Quoted(quoted));
            }
            '.' => {
                if !field.is_empty() {
                    out.push(Segment::Field(std::mem::take(&mut field)));
                }
            }
            c => field.push(c),
        }
    }
    if !field.is_empty() {
        out.push(Segment::Field(field));
    }
    out
}

/// A readable name for an input: `uplift_Lead_scoring`, `ceiling_Sales_team`,
/// `lever_speed_Training`, `baseline_gross_margin` (before [`Names::unique`]).
pub fn for_input(stable: &str) -> String {
    let parts = segments(stable);
    let fields: Vec<&str> = parts
        .iter()
        .filter_map(|s| match s {
            Segment::Field(f) => Some(f.as_str()),
            Segment::Quoted(_) => None,
        })
        .collect();
    let quoted: Vec<&str> = parts
        .iter()
        .filter_map(|s| match s {
            Segment::Quoted(q) => Some(q.as_str()),
            Segment::Field(_) => None,
        })
        .collect();
    let last = fields.last().copied().unwrap_or("input");
    match fields.first().copied() {
        Some("baseline") | None => fields.join("_"),
        Some("levers") if fields.contains(&"effects") => {
            format!("lever_{last}_{}", quoted.join("_"))
        }
        _ => format!("{last}_{}", quoted.join("_")),
    }
}

/// The names given so far, so that each is given once.
#[derive(Debug, Default)]
pub struct Names {
    used: HashSet<String>,
}

impl Names {
    /// `base` made valid (letters, digits and underscores; starting with a letter; at most
    /// 200 characters) and unique, case-insensitively: `_2`, `_3`, … added on a clash.
    pub fn unique(&mut self, base: &str) -> String {
        let mut clean = String::new();
        for c in base.chars() {
            let c = if c.is_ascii_alphanumeric() { c } else { '_' };
            if !(c == '_' && (clean.is_empty() || clean.ends_with('_'))) {
                clean.push(c);
            }
        }
        let mut clean = clean.trim_end_matches('_').to_string();
        // Never a cell reference (A1, R1C1), a number or a function's name: a letter, then an
        // underscore before anything else.
        if !clean.contains('_') || !clean.starts_with(|c: char| c.is_ascii_alphabetic()) {
            clean = format!("v_{clean}");
        }
        clean.truncate(200);
        let mut name = clean.clone();
        let mut k = 2;
        while !self.used.insert(name.to_ascii_lowercase()) {
            name = format!("{clean}_{k}");
            k += 1;
        }
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_like_the_inputs_they_name() {
        assert_eq!(
            for_input(r#"capabilities."Lead scoring".uplift"#),
            "uplift_Lead scoring"
        );
        assert_eq!(for_input("baseline.gross_margin"), "baseline_gross_margin");
        assert_eq!(
            for_input(r#"levers."Training".effects.speed"#),
            "lever_speed_Training"
        );
        assert_eq!(
            for_input(r#"levers."Training".costs."Floor \"walkers\"".amount"#),
            r#"amount_Training_Floor "walkers""#
        );
        assert_eq!(for_input(r#"risks."A.b".occurs"#), "occurs_A.b");
    }

    #[test]
    fn names_are_valid_and_unique_whatever_the_scenario_wrote() {
        let mut names = Names::default();
        assert_eq!(names.unique("uplift_Lead scoring"), "uplift_Lead_scoring");
        assert_eq!(names.unique("uplift_Lead-scoring"), "uplift_Lead_scoring_2");
        assert_eq!(names.unique("UPLIFT_lead_scoring"), "UPLIFT_lead_scoring_3");
        assert_eq!(names.unique("=HYPERLINK(\"x\")"), "HYPERLINK_x");
        assert_eq!(names.unique("A1"), "v_A1");
        assert_eq!(names.unique("1st_wave"), "v_1st_wave");
        assert_eq!(names.unique("中文_x"), "v_x");
        assert_eq!(names.unique(""), "v_");
        for name in ["uplift_Lead_scoring", "v_A1", "HYPERLINK_x"] {
            assert!(name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
        }
    }
}
