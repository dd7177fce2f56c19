//! Damaged or arbitrary text gives errors (or a scenario), never a panic.

use super::*;
use proptest::prelude::*;

const REFERENCE: &str = include_str!("../../../scenarios/hightech-change-programme.toml");

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Damaging a valid scenario anywhere gives errors (or a scenario), never a panic, and
    /// every located error points inside the text.
    #[test]
    fn damaged_scenarios_never_panic(start in 0usize..REFERENCE.len(), len in 0usize..40, insert in "[ -~é—\n]{0,8}") {
        let mut start = start;
        while !REFERENCE.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (start + len).min(REFERENCE.len());
        while !REFERENCE.is_char_boundary(end) {
            end -= 1;
        }
        let text = format!("{}{}{}", &REFERENCE[..start], insert, &REFERENCE[end..]);
        if let Err(e) = parse_str(&text, None) {
            prop_assert!(!e.diagnostics.is_empty());
            let lines = text.lines().count() as u32 + 1;
            for d in &e.diagnostics {
                if let Some(l) = d.location {
                    prop_assert!(l.line >= 1 && l.line <= lines && l.column >= 1, "{d:?}");
                }
            }
        }
    }

    /// Arbitrary text never panics either.
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        let _ = parse_str(&text, None);
    }
}
