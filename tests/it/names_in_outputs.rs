//! Names in every output: whatever a name holds, each destination shows it safely. SVG charts
//! stay well-formed XML, the terminal shows control and bidirectional characters as `\u{..}`,
//! and the board pack never runs markup (docs/SCENARIO.md, "Names in outputs"). The board
//! pack's and the CSV's own rules are tested beside their code (`report/html/tests.rs`,
//! `export/cashflow_csv.rs`).
//!
//! Names with markup come through a real scenario file; names with control characters cannot
//! (the reader refuses them), so those come through a hand-built summary, as they would from a
//! `results.json` written by another version.

use std::path::Path;

use assert_cmd::Command;
use valuecase::report::charts::{self, ChartContext, FontSearch};
use valuecase::report::terminal;
use valuecase::results::{CashflowTable, Summary};

/// Markup a careless writer would pass through: tags, entities, quotes, a CDATA end.
const MARKUP: &str = "Q<b>&amp; \"x\" 'y' ]]> <!-- --> &";

/// Characters that act on a terminal or are not allowed in XML at all.
const HOSTILE: [&str; 8] = [
    "bell\u{7}",
    "nul\0",
    "esc\u{1b}[2J",
    "del\u{7f}",
    "c1\u{85}",
    "rtl\u{202e}olleh",
    "zw\u{200b}sp",
    "nonchar\u{fffe}\u{ffff}",
];

/// The mid-market scenario with its names replaced by ones full of markup.
fn scenario_with_markup(dir: &Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string("scenarios/midmarket-50m.toml").unwrap();
    let toml_markup = MARKUP.replace('"', "\\\"");
    let text = text
        .replace("Mid-market $50M", &format!("Scenario {toml_markup}"))
        .replace("Opportunity management", &format!("Opp {toml_markup}"))
        .replace("Customer interactions", &format!("Group {toml_markup}"))
        .replace("Sales team", &format!("Team {toml_markup}"));
    let path = dir.join("markup.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// Parses an SVG as XML (failing on anything ill-formed) and returns all its text.
fn svg_text(name: &str, svg: &str) -> String {
    let doc = roxmltree::Document::parse(svg)
        .unwrap_or_else(|e| panic!("{name}.svg is not well-formed XML: {e}"));
    assert_eq!(doc.root_element().tag_name().name(), "svg", "{name}");
    doc.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join("\n")
}

fn summary_of(dir: &Path) -> Summary {
    serde_json::from_slice(&std::fs::read(dir.join("results.json")).unwrap()).unwrap()
}

#[test]
fn names_with_markup_stay_text_in_every_svg_and_the_board_pack() {
    let work = tempfile::tempdir().unwrap();
    let scenario = scenario_with_markup(work.path());
    let out = work.path().join("out");
    Command::cargo_bin("valuecase")
        .unwrap()
        .arg("run")
        .arg(&scenario)
        .args(["--trials", "2000", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    for name in charts::names() {
        let svg = std::fs::read_to_string(out.join(format!("{name}.svg"))).unwrap();
        let text = svg_text(name, &svg);
        // The footer names the scenario: the markup comes back as the very characters.
        assert!(
            text.contains(&format!("Scenario {MARKUP}")),
            "{name}: {text}"
        );
    }
    let cap = std::fs::read_to_string(out.join("capability-value.svg")).unwrap();
    assert!(svg_text("capability-value", &cap).contains(&format!("Opp {MARKUP}")));
    let adoption = std::fs::read_to_string(out.join("adoption.svg")).unwrap();
    assert!(svg_text("adoption", &adoption).contains(&format!("Team {MARKUP}")));

    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        !report.contains("<b>&amp;"),
        "markup passed into report.html"
    );
    assert!(report.contains("Q&lt;b&gt;&amp;amp; &quot;x&quot; &#39;y&#39; ]]&gt;"));
}

/// A summary whose every name carries characters that act on a terminal or break XML.
fn hostile_summary() -> Summary {
    let work = tempfile::tempdir().unwrap();
    Command::cargo_bin("valuecase")
        .unwrap()
        .args(["run", "scenarios/midmarket-50m.toml", "--trials", "2000"])
        .args(["--quiet", "--no-charts", "--out"])
        .arg(work.path())
        .assert()
        .success();
    let mut s = summary_of(work.path());
    s.scenario.name = format!("Scenario {}", HOSTILE.join(" "));
    for (i, c) in s.capabilities.iter_mut().enumerate() {
        c.name = format!("{} {}", HOSTILE[i % HOSTILE.len()], c.name);
        c.group = format!("{} {}", HOSTILE[(i + 3) % HOSTILE.len()], c.group);
    }
    for (i, g) in s.charts.adoption.iter_mut().enumerate() {
        g.name = format!("{} {}", HOSTILE[(i + 5) % HOSTILE.len()], g.name);
    }
    for (i, g) in s.charts.benefit_groups.iter_mut().enumerate() {
        *g = format!("{} {g}", HOSTILE[(i + 3) % HOSTILE.len()]);
    }
    for (i, c) in s.charts.cost_categories.iter_mut().enumerate() {
        *c = format!("{} {c}", HOSTILE[(i + 1) % HOSTILE.len()]);
    }
    s
}

/// Characters that must never reach a terminal, a chart or a page as themselves.
fn acts(c: char) -> bool {
    (c.is_control() && c != '\n') || matches!(c, '\u{202e}' | '\u{200b}' | '\u{fffe}' | '\u{ffff}')
}

#[test]
fn control_characters_are_shown_not_written_raw_in_svg() {
    let s = hostile_summary();
    let dir = tempfile::tempdir().unwrap();
    let out = charts::write_all(
        &ChartContext {
            summary: &s,
            png_font: None,
            fonts: FontSearch::Nowhere,
        },
        dir.path(),
    )
    .unwrap();
    assert_eq!(out.svg.len(), charts::names().count());
    for (name, svg) in &out.svg {
        let text = svg_text(name, svg);
        assert!(
            !svg.chars().any(|c| acts(c) && c != '\n'),
            "{name}.svg holds a raw control character"
        );
        assert!(
            text.contains("\\u{7}") && text.contains("\\u{1b}"),
            "{name}: {text}"
        );
        let on_disk = std::fs::read_to_string(dir.path().join(format!("{name}.svg"))).unwrap();
        assert_eq!(&on_disk, svg);
    }
    let cap = &out
        .svg
        .iter()
        .find(|(n, _)| n == "capability-value")
        .unwrap()
        .1;
    let text = svg_text("capability-value", cap);
    for shown in [
        "\\u{0}",
        "\\u{202e}",
        "\\u{200b}",
        "\\u{fffe}\\u{ffff}",
        "\\u{85}",
    ] {
        assert!(
            text.contains(shown),
            "capability-value lacks {shown}: {text}"
        );
    }
}

#[test]
fn the_terminal_shows_control_and_bidi_characters_visibly() {
    let s = hostile_summary();
    let table = terminal::summary(&s);
    let raw: Vec<char> = table.chars().filter(|&c| acts(c)).collect();
    assert!(raw.is_empty(), "raw characters {raw:?} in\n{table}");
    for shown in [
        "\\u{7}",
        "\\u{0}",
        "\\u{1b}[2J",
        "\\u{202e}olleh",
        "\\u{200b}",
        "\\u{85}",
    ] {
        assert!(table.contains(shown), "summary lacks {shown}:\n{table}");
    }
    // A name cannot start a line of its own: every line is a table row or a sentence.
    assert!(!table.lines().any(|l| l.starts_with("error")), "{table}");

    let cashflow = CashflowTable {
        headers: vec![
            "month".into(),
            "net\u{1b}[31m".into(),
            "cumulative\nerror: forged".into(),
        ],
        rows: vec![vec![0.0, -1.0, 2.0]],
    };
    let text = terminal::cashflow(&cashflow, "USD");
    assert!(!text.chars().any(acts), "{text:?}");
    assert!(text.contains("net\\u{1b}[31m") && text.contains("cumulative\\u{a}error"));
}
