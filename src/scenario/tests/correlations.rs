//! `[[correlations]]`: names, ranks, duplicates and sets that cannot hold together.

use super::*;

/// MIN with a second uncertain input, a cost with an overrun, and `extra` appended.
fn with_correlations(extra: &str) -> String {
    format!(
        "{}\n[[costs]]\nname = \"Integration\"\ncategory = \"implementation\"\nkind = \"one_off\"\namount = {{ pert = [1e5, 2e5, 4e5] }}\noverrun = {{ pert = [0, 0.1, 0.3] }}\n{extra}",
        MIN.replace("ceiling = 0.8", "ceiling = { pert = [0.5, 0.8, 0.95] }")
    )
}

const CEILING: &str = r#"user_groups."Sales".adoption.ceiling"#;
const UPLIFT: &str = r#"capabilities."Opportunities".uplift"#;
const AMOUNT: &str = r#"costs."Integration".amount"#;
const OVERRUN: &str = r#"costs."Integration".overrun"#;

fn pair(a: &str, b: &str, rank: &str) -> String {
    format!("\n[[correlations]]\ninputs = ['{a}', '{b}']\nrank = {rank}\n")
}

#[test]
fn correlations_are_read_with_their_names_and_ranks() {
    let text = with_correlations(&format!(
        "{}{}",
        pair(CEILING, UPLIFT, "0.5"),
        pair(AMOUNT, OVERRUN, "-0.25")
    ));
    let s = ok(&text);
    assert_eq!(s.correlations.len(), 2);
    assert_eq!(
        s.correlations[0].inputs,
        [CEILING.to_string(), UPLIFT.to_string()]
    );
    assert_eq!(s.correlations[0].rank, 0.5);
    assert_eq!(s.correlations[1].rank, -0.25);
    assert_eq!(
        s.correlations[1].location.map(|l| l.line),
        Some(
            text.rfind("[[correlations]]")
                .map(|i| text[..i].matches('\n').count() as u32 + 1)
                .unwrap()
        )
    );
    // Rank ±1 (always in the same order) is allowed, and consistent with a third input.
    ok(&with_correlations(&format!(
        "{}{}{}",
        pair(AMOUNT, OVERRUN, "1"),
        pair(AMOUNT, UPLIFT, "0.4"),
        pair(OVERRUN, UPLIFT, "0.4")
    )));
    // Without correlations the list is empty.
    assert!(ok(MIN).correlations.is_empty());
}

#[test]
fn correlation_names_must_be_uncertain_inputs() {
    let text = with_correlations(&format!(
        "{}{}{}",
        pair(r#"capabilities."Oportunities".uplift"#, AMOUNT, "0.5"),
        pair(r#"roles."Rep".hourly_cost"#, AMOUNT, "0.5"),
        pair(r#"user_groups."Sales".data_quality"#, OVERRUN, "0.5")
    ));
    let d = errors(&text);
    let unknown = find(&d, "correlations[0].inputs[0]");
    assert!(
        unknown.message.contains("no uncertain input named"),
        "{unknown:?}"
    );
    assert_eq!(unknown.suggestion.as_deref(), Some(UPLIFT));
    assert!(
        unknown
            .allowed
            .as_deref()
            .unwrap()
            .contains("section.\"item name\".field")
    );
    let plain = find(&d, "correlations[1].inputs[0]");
    assert!(
        plain
            .message
            .contains("plain number 50: it has no distribution to correlate"),
        "{plain:?}"
    );
    let default = find(&d, "correlations[2].inputs[0]");
    assert!(
        default.message.contains("keeps its default, 1"),
        "{default:?}"
    );
    assert_eq!(d.len(), 3, "{d:#?}");
    // Quotes left out: the name meant is suggested.
    let d = errors(&with_correlations(&pair(
        "costs.Integration.amount",
        OVERRUN,
        "0.5",
    )));
    assert_eq!(d[0].suggestion.as_deref(), Some(AMOUNT));
    // Case, an invisible character or a decomposed accent: the name meant is suggested too.
    for written in [
        "COSTS.\"Integration\".amount",
        "costs.\"Inte\u{200b}gration\".amount",
    ] {
        let d = errors(&with_correlations(&format!(
            "\n[[correlations]]\ninputs = [\"{}\", '{OVERRUN}']\nrank = 0.5\n",
            written.replace('"', "\\\"").replace("\u{200b}", "\\u200b")
        )));
        assert_eq!(
            d[0].suggestion.as_deref(),
            Some(AMOUNT),
            "{written}: {d:#?}"
        );
    }
    // The cost named "Café" (composed), referred to with a decomposed accent.
    let text = with_correlations("").replace("\"Integration\"", "\"Caf\u{e9}\"")
        + "\n[[correlations]]\ninputs = [\"costs.\\\"Cafe\\u0301\\\".amount\", 'costs.\"Caf\u{e9}\".overrun']\nrank = 0.5\n";
    let d = errors(&text);
    assert_eq!(
        d[0].suggestion.as_deref(),
        Some("costs.\"Caf\u{e9}\".amount"),
        "{d:#?}"
    );
    // An input with its own error is not reported again by the correlation.
    let d = errors(&with_correlations(&pair(AMOUNT, OVERRUN, "0.5")).replace(
        "overrun = { pert = [0, 0.1, 0.3] }",
        "overrun = { pert = [0.3, 0.1, 0] }",
    ));
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].field, OVERRUN);
}

#[test]
fn correlation_entries_are_checked() {
    let text = with_correlations(&format!(
        "{}{}{}{}{}",
        pair(AMOUNT, AMOUNT, "0.5"),
        pair(AMOUNT, OVERRUN, "1.5"),
        pair(AMOUNT, OVERRUN, "0.5"),
        pair(OVERRUN, AMOUNT, "0.3"),
        "\n[[correlations]]\ninputs = ['a']\nrho = 0.5\n",
    ));
    let d = errors(&text);
    assert!(
        find(&d, "correlations[0].inputs[1]")
            .message
            .contains("twice")
    );
    assert!(
        find(&d, "correlations[1].rank")
            .message
            .contains("1.5 is out of range")
    );
    let dup = find(&d, "correlations[3]");
    assert!(
        dup.message.contains("is correlated twice: at line"),
        "{dup:?}"
    );
    assert!(
        find(&d, "correlations[4].inputs")
            .message
            .contains("exactly two inputs, found 1 name")
    );
    let rho = find(&d, "correlations[4].rho");
    assert_eq!(rho.suggestion.as_deref(), Some("rank"));
    // `rank` is not reported missing beside `rho`.
    assert!(
        d.iter().all(|x| x.field != "correlations[4].rank"),
        "{d:#?}"
    );
    for bad in ["nan", "inf", "-inf", "\"0.5\"", "{ pert = [0, 0.5, 1] }"] {
        let d = errors(&with_correlations(&pair(AMOUNT, OVERRUN, bad)));
        assert_eq!(d.len(), 1, "{bad}: {d:#?}");
        assert_eq!(d[0].field, "correlations[0].rank", "{bad}");
    }
    let d = errors(&with_correlations(
        "\n[[correlations]]\ninputs = [1, true]\nrank = 0.1\nextra = 1\n",
    ));
    assert_eq!(d.len(), 3, "{d:#?}");
    assert_eq!(
        find(&d, "correlations[0].extra").allowed.as_deref(),
        Some("inputs, rank")
    );
    // A misspelt section gets a suggestion.
    let d = errors(&format!("{MIN}\n[[correlation]]\ninputs = []\n"));
    assert_eq!(
        find(&d, "correlation").suggestion.as_deref(),
        Some("correlations")
    );
}

#[test]
fn inconsistent_correlations_name_the_inputs_and_lines() {
    let text = with_correlations(&format!(
        "{}{}{}",
        pair(AMOUNT, OVERRUN, "0.9"),
        pair(OVERRUN, UPLIFT, "0.9"),
        pair(UPLIFT, AMOUNT, "-0.5"),
    ));
    let d = errors(&text);
    assert_eq!(d.len(), 1, "{d:#?}");
    let c = &d[0];
    assert_eq!(c.field, "correlations[2]");
    assert!(c.message.contains("cannot all hold at once"), "{c:?}");
    for name in [AMOUNT, OVERRUN, UPLIFT] {
        assert!(c.message.contains(name), "{name} in {c:?}");
    }
    assert!(c.message.contains("at rank -0.5 (line"), "{c:?}");
    assert!(c.allowed.as_deref().unwrap().contains("weaken"));
    // A chain of strong correlations with its ends left independent.
    let d = errors(&with_correlations(&format!(
        "{}{}",
        pair(AMOUNT, OVERRUN, "0.95"),
        pair(OVERRUN, UPLIFT, "0.95"),
    )));
    assert!(
        d[0].message
            .contains("pairs not listed are independent (rank 0)"),
        "{d:#?}"
    );
    // Rank 1 ties two inputs: they must relate alike to a third.
    let d = errors(&with_correlations(&format!(
        "{}{}{}",
        pair(AMOUNT, OVERRUN, "1"),
        pair(AMOUNT, UPLIFT, "0.5"),
        pair(OVERRUN, UPLIFT, "0.2"),
    )));
    assert_eq!(d.len(), 1, "{d:#?}");
}

#[test]
fn a_long_chain_of_moderate_correlations_is_refused_briefly() {
    // Each overrun at rank 0.5 with the next and independent of the others: impossible
    // beyond about a dozen links. The message names the inputs but stays short.
    let mut text = MIN.to_string();
    let n = 40;
    for i in 0..n {
        text += &format!(
            "\n[[costs]]\nname = \"C{i}\"\ncategory = \"other\"\nkind = \"one_off\"\namount = 1000\noverrun = {{ pert = [0, 0.1, 0.3] }}\n"
        );
    }
    for i in 1..n {
        text += &pair(
            &format!("costs.\"C{}\".overrun", i - 1),
            &format!("costs.\"C{i}\".overrun"),
            "0.5",
        );
    }
    let d = errors(&text);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert!(
        d[0].message
            .contains("pairs not listed are independent (rank 0)")
    );
    assert!(d[0].message.contains(" more"), "{}", d[0].message);
    assert!(d[0].message.len() < 3_000, "{}", d[0].message.len());
    // Fewer links fit.
    let short: String = text
        .split("\n[[correlations]]")
        .take(8)
        .collect::<Vec<_>>()
        .join("\n[[correlations]]");
    assert_eq!(ok(&short).correlations.len(), 7);
}
