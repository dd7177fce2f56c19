//! Bounds on what a file can make the reader do: name lengths, the number of problems shown
//! and kept, and the names listed in a message.

use super::*;

/// MIN with `lines` appended to its [scenario] section.
fn with_scenario_lines(lines: &str) -> String {
    MIN.replacen(
        "discount_rate = 0.1\n",
        &format!("discount_rate = 0.1\n{lines}"),
        1,
    )
}

fn unknown_keys(n: usize) -> String {
    (0..n).map(|i| format!("unknown_{i:05} = 1\n")).collect()
}

#[test]
fn names_longer_than_200_characters_are_refused() {
    let ok_name = "n".repeat(200);
    let s = ok(&MIN.replace("name = \"Opportunities\"", &format!("name = \"{ok_name}\"")));
    assert_eq!(s.capabilities[0].name, ok_name);
    let long = "é".repeat(201);
    for (from, field, what) in [
        (
            "name = \"Opportunities\"",
            "capabilities[0].name",
            "capability",
        ),
        ("name = \"Test\"", "scenario.name", "scenario"),
        ("name = \"Rep\"", "roles[0].name", "role"),
    ] {
        let text = MIN.replace(from, &format!("name = \"{long}\""));
        let d = errors(&text);
        let e = d
            .iter()
            .find(|d| d.field == field)
            .unwrap_or_else(|| panic!("{field}: {d:#?}"));
        assert!(
            e.message.contains(&format!("the {what} name \"éééé")),
            "{e:?}"
        );
        assert!(
            e.message
                .ends_with("…\" is 201 characters long; names are limited to 200"),
            "{e:?}"
        );
    }
    let d = errors(&MIN.replace(
        "driver = \"win_rate\"",
        &format!("driver = \"win_rate\"\ngroup = \"{long}\""),
    ));
    assert!(
        find(&d, "capabilities.\"Opportunities\".group")
            .message
            .contains("capability group name")
    );
}

#[test]
fn at_most_50_problems_are_shown_then_the_count_of_the_rest() {
    for (problems, last_line) in [
        (50, None),
        (51, Some("… and 1 more error")),
        (120, Some("… and 70 more errors")),
    ] {
        let e = parse_str(&with_scenario_lines(&unknown_keys(problems)), None).unwrap_err();
        assert_eq!(e.count(), problems);
        let shown = e.to_string();
        let errors = shown.lines().filter(|l| l.starts_with("error: ")).count();
        assert_eq!(errors, 50, "{problems}");
        assert!(shown.contains("unknown_00049"), "{problems}");
        assert!(!shown.contains("unknown_00050 "), "{problems}");
        assert_eq!(
            shown.lines().last().filter(|l| l.starts_with('…')),
            last_line
        );
    }
}

#[test]
fn past_10000_problems_only_their_number_is_kept() {
    let e = parse_str(&with_scenario_lines(&unknown_keys(10_005)), None).unwrap_err();
    assert_eq!(e.diagnostics.len(), 10_000);
    assert_eq!(e.count(), 10_005);
    assert!(e.to_string().ends_with("… and 9,955 more errors"));
}

#[test]
fn unknown_names_list_ten_of_the_defined_ones() {
    let groups: String = (0..30)
        .map(|i| {
            format!(
                "\n[[user_groups]]\nname = \"Wave {i:02}\"\nseats = 1\ngo_live_month = 1\n[user_groups.adoption]\ncurve = \"linear\"\nceiling = 0.5\nramp_months = 3\n"
            )
        })
        .collect();
    let text = format!("{MIN}{groups}")
        .replace("uplift = { pert", "used_by = [\"Wave 7\"]\nuplift = { pert");
    let d = errors(&text);
    let e = find(&d, "capabilities.\"Opportunities\".used_by");
    assert_eq!(
        e.allowed.as_deref(),
        Some(
            "one of: \"Sales\", \"Wave 00\", \"Wave 01\", \"Wave 02\", \"Wave 03\", \"Wave 04\", \"Wave 05\", \"Wave 06\", \"Wave 07\", \"Wave 08\" and 21 more"
        )
    );
    assert_eq!(e.suggestion.as_deref(), Some("Wave 07"));
}

#[test]
fn long_texts_in_a_message_are_cut() {
    let key = "k".repeat(5_000);
    let e = parse_str(&with_scenario_lines(&format!("{key} = 1\n")), None).unwrap_err();
    let shown = e.to_string();
    let title = shown.lines().next().unwrap();
    assert!(title.chars().count() < 1_100, "{}", title.len());
    assert!(title.ends_with("more characters)"), "{title}");
}
