//! Names: visible characters only, told apart by more than case, spaces, invisible characters
//! or Unicode form, and never able to act on the terminal through a message.

use super::*;
use crate::scenario::read::is_invisible;

/// MIN with a second user group named `name` (TOML escapes allowed).
fn with_second_group(name: &str) -> String {
    format!(
        "{MIN}\n[[user_groups]]\nname = \"{name}\"\nseats = 5\ngo_live_month = 2\n[user_groups.adoption]\ncurve = \"linear\"\nceiling = 0.9\nramp_months = 6\n"
    )
}

/// The rendered error, checked to carry no invisible character on any line.
fn shown(text: &str) -> String {
    let e = parse_str(text, Some(Path::new("case.toml"))).unwrap_err();
    let shown = e.to_string();
    for line in shown.lines() {
        assert!(!line.chars().any(is_invisible), "raw character in {line:?}");
    }
    shown
}

#[test]
fn invisible_characters_in_names_are_refused_and_shown_escaped() {
    for (written, escaped, named) in [
        ("\\u0000", "\\u{0}", "null"),
        ("\\u0007", "\\u{7}", "bell"),
        ("\\u001b", "\\u{1b}", "escape"),
        ("\\n", "\\u{a}", "line feed"),
        ("\\t", "\\u{9}", "tab"),
        ("\\u0085", "\\u{85}", "a control character"),
        ("\\u202e", "\\u{202e}", "bidirectional"),
        ("\\u2066", "\\u{2066}", "bidirectional"),
        ("\\u200b", "\\u{200b}", "zero width space"),
        ("\\u200d", "\\u{200d}", "zero width joiner"),
        ("\\ufeff", "\\u{feff}", "no-break space"),
        ("\\u2028", "\\u{2028}", "line separator"),
    ] {
        let text = with_second_group(&format!("Wave{written}2"));
        let d = errors(&text);
        let field = format!("user_groups.\"Wave{escaped}2\".name");
        let e = find(&d, &field);
        assert!(
            e.message.contains(&format!("contains {escaped} (")),
            "{e:?}"
        );
        assert!(e.message.contains(named), "{e:?}");
        assert_eq!(e.location, at(line_of(&text, "Wave"), 8));
        shown(&text);
    }
    // Every kind of name, the scenario's and a capability group's included.
    for (from, to, field) in [
        ("name = \"Test\"", "name = \"T\\u001best\"", "scenario.name"),
        (
            "name = \"Rep\"",
            "name = \"R\\u0000ep\"",
            "roles.\"R\\u{0}ep\".name",
        ),
        (
            "driver = \"win_rate\"",
            "driver = \"win_rate\"\ngroup = \"Sales\\u202e\"",
            "capabilities.\"Opportunities\".group",
        ),
    ] {
        let d = errors(&MIN.replace(from, to));
        assert!(find(&d, field).message.contains("contains \\u{"), "{d:#?}");
    }
    // A forged line never starts a line of the message.
    let out = shown(&with_second_group("X\\nerror: all is well"));
    assert!(!out.lines().any(|l| l.starts_with("error: all")), "{out}");
}

#[test]
fn visible_names_in_any_script_are_accepted_unchanged() {
    for name in [
        "销售部",
        "المبيعات",
        "Café ☕",
        "❤\u{fe0f} team",
        "Ops – EMEA",
    ] {
        let s = ok(&with_second_group(name));
        assert_eq!(s.user_groups[1].name, name);
    }
}

#[test]
fn look_alike_names_are_one_name() {
    for (second, differs) in [
        ("Sales", None),
        ("sales", Some("letter case")),
        ("Sales ", Some("spaces at the ends")),
        (" SALES", Some("spaces at the ends and letter case")),
        ("Sa\\u200bles", Some("invisible characters")),
    ] {
        let d = errors(&with_second_group(second));
        let dup = d
            .iter()
            .find(|d| d.message.contains("is used twice") || d.message.contains("group names"))
            .unwrap_or_else(|| panic!("{second}: {d:#?}"));
        match differs {
            None => assert!(dup.message.contains("is used twice"), "{dup:?}"),
            Some(how) => {
                assert!(
                    dup.message.contains(&format!("differ only in {how}:")),
                    "{second}: {dup:?}"
                );
                assert!(dup.message.contains("(line 17)"), "{dup:?}");
            }
        }
    }
    // Composed and decomposed accents look the same: the message spells both out.
    let text = MIN
        .replace("name = \"Rep\"", "name = \"Caf\\u00e9\"")
        .replace("role = \"Rep\"", "role = \"Caf\\u00e9\"")
        + "\n[[roles]]\nname = \"Cafe\\u0301\"\nheadcount = 1\nhourly_cost = 5\n";
    let d = errors(&text);
    assert_eq!(d.len(), 1, "{d:#?}");
    let expected = format!(
        "\"Caf\\u{{e9}}\" (line {}) and \"Cafe\\u{{301}}\" (line {}) differ only in Unicode form",
        line_of(&text, "Caf\\u00e9"),
        line_of(&text, "Cafe\\u0301")
    );
    assert!(d[0].message.contains(&expected), "{d:?}");
}

#[test]
fn a_reference_that_differs_only_invisibly_is_explained() {
    let text = MIN
        .replace("name = \"Rep\"", "name = \"Caf\\u00e9\"")
        .replace("role = \"Rep\"", "role = \"Cafe\\u0301\"");
    let d = errors(&text);
    let e = find(&d, "user_groups.\"Sales\".role");
    assert!(
        e.message.contains(
            "there is no role named \"Cafe\\u{301}\"; \"Caf\\u{e9}\" differs from it only in Unicode form"
        ),
        "{e:?}"
    );
    assert_eq!(e.suggestion.as_deref(), Some("Caf\u{e9}"));
    // A reference with a control character is shown escaped, with the name meant.
    let text = MIN.replace(
        "uplift = { pert",
        "used_by = [\"Sales\\u001b[31m\"]\nuplift = { pert",
    );
    let out = shown(&text);
    assert!(
        out.contains("there is no user group named \"Sales\\u{1b}[31m\""),
        "{out}"
    );
    assert!(out.contains("= help: did you mean `Sales`?"), "{out}");
}

#[test]
fn any_message_escapes_what_it_quotes() {
    // An unknown key is quoted as written: a quoted TOML key can hold anything.
    let text = format!("{MIN}\n[scenario.\"x\\u001b[2J\\u202e\"]\n");
    let out = shown(&text);
    assert!(out.contains("\\u{1b}[2J\\u{202e}"), "{out}");
}
