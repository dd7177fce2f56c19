//! Charts drawn from a real run: the binary simulates the built-in reference scenario and the
//! charts are drawn from its `results.json`, then checked as files a sponsor would paste into
//! slides: 1920×1080 PNGs, well-formed SVGs, the figures the titles and labels promise.
//! Once `valuecase run` draws the charts itself, the ones it wrote pass the same checks.

use std::path::Path;
use std::sync::OnceLock;

use assert_cmd::Command;
use valuecase::report::charts::{self, ChartContext, ChartError, FontSearch};
use valuecase::report::format::{money, months, percent};
use valuecase::results::Summary;

/// One run of the reference scenario for all tests: (its output directory, its results).
fn reference_run() -> &'static (tempfile::TempDir, Summary) {
    static RUN: OnceLock<(tempfile::TempDir, Summary)> = OnceLock::new();
    RUN.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        Command::cargo_bin("valuecase")
            .unwrap()
            .args(["run", "--trials", "20000", "--quiet", "--out"])
            .arg(dir.path())
            .assert()
            .success();
        let json = std::fs::read(dir.path().join("results.json")).unwrap();
        let summary = serde_json::from_slice(&json).unwrap();
        (dir, summary)
    })
}

/// Width and height from a PNG's IHDR chunk, after checking the signature.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    assert_eq!(&bytes[12..16], b"IHDR", "first chunk is not IHDR");
    let be = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (be(16), be(20))
}

/// A plotters SVG: one root element with the slide's view box, every tag closed.
fn check_svg(name: &str, text: &str) {
    assert!(text.starts_with("<svg"), "{name}: does not start with <svg");
    assert!(text.trim_end().ends_with("</svg>"), "{name}: not closed");
    assert!(
        text.contains("viewBox=\"0 0 1920 1080\""),
        "{name}: view box"
    );
    assert_eq!(text.matches("<svg").count(), 1, "{name}: nested svg");
    assert_eq!(
        text.matches("<text").count(),
        text.matches("</text>").count(),
        "{name}: unbalanced text elements"
    );
    for bad in ["<script", "href=", "NaN", "inf\""] {
        assert!(!text.contains(bad), "{name}: contains {bad}");
    }
}

fn check_chart_files(dir: &Path) {
    for name in charts::names() {
        let png = std::fs::read(dir.join(format!("{name}.png"))).unwrap();
        assert_eq!(png_size(&png), (1920, 1080), "{name}.png");
        let svg = std::fs::read_to_string(dir.join(format!("{name}.svg"))).unwrap();
        check_svg(name, &svg);
    }
}

#[test]
fn every_chart_is_a_slide_with_the_figures_it_promises() {
    let (run_dir, s) = reference_run();
    let out_dir = tempfile::tempdir().unwrap();
    let ctx = ChartContext {
        summary: s,
        png_font: None,
        fonts: FontSearch::Nowhere,
    };
    let out = charts::write_all(&ctx, out_dir.path()).unwrap();

    check_chart_files(out_dir.path());
    // Only the charts: no temporary files left behind.
    let mut names: Vec<String> = std::fs::read_dir(out_dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 18, "{names:?}");
    assert!(
        names
            .iter()
            .all(|n| n.ends_with(".png") || n.ends_with(".svg"))
    );
    assert_eq!(out.files.len(), 18);
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);

    let svg = |name: &str| {
        out.svg
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.clone())
            .unwrap()
    };
    let cur = s.currency.as_str();
    let has = |name: &str, needle: &str| {
        let text = svg(name);
        assert!(text.contains(needle), "{name}.svg lacks {needle:?}");
    };
    has(
        "npv-distribution",
        &format!("P10 {}", money(s.npv.p10, cur)),
    );
    has(
        "npv-distribution",
        &format!("P50 {}", money(s.npv.p50, cur)),
    );
    has(
        "npv-distribution",
        &format!("P90 {}", money(s.npv.p90, cur)),
    );
    has(
        "npv-distribution",
        &format!("P(loss) = {}", percent(1.0 - s.prob_npv_positive)),
    );
    // The loss call-out is drawn over the percentile markers, so that its box hides the dashed
    // line that runs under it (here P10 falls in the loss region, under the label).
    let npv = svg("npv-distribution");
    let last_marker = npv
        .rfind("stroke=\"#C45A00\"") // the markers' colour, `style::ACCENT`
        .expect("percentile markers");
    let call_out = npv.find("P(loss) =").expect("loss call-out");
    assert!(
        last_marker < call_out,
        "the P(loss) label is drawn before a percentile marker, which then crosses it"
    );
    has(
        "npv-cdf",
        &format!(
            "{} chance of an NPV at or below",
            percent(1.0 - s.prob_npv_positive)
        ),
    );
    has(
        "cashflow-fan",
        &format!("Median payback: {}", months(s.payback_months.stats.p50)),
    );
    has(
        "payback-probability",
        &format!("24 months: {}", percent(s.charts.payback_probability[24])),
    );
    for c in &s.capabilities {
        has("capability-value", &c.name);
    }
    for g in &s.charts.adoption {
        has("adoption", &g.name);
    }
    has("annual-cash-flow", "Year 1");
    let sha8 = &s.scenario.sha256[..8];
    for name in charts::names() {
        has(name, sha8);
        has(name, &format!("valuecase {}", s.valuecase_version));
        has(name, "20,000 trials");
    }
    // When `run` draws charts itself, its files must pass the same checks.
    if run_dir.path().join("npv-distribution.png").exists() {
        check_chart_files(run_dir.path());
    }
}

#[test]
fn scenario_text_is_escaped_in_svg_and_other_scripts_are_reported_for_png() {
    let (_, s) = reference_run();
    let mut s = s.clone();
    s.capabilities[0].name = "<script>alert(1)</script> 客户洞察".to_string();
    s.scenario.name = "Q&A \"pilot\"".to_string();
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
    let cap = &out
        .svg
        .iter()
        .find(|(n, _)| n == "capability-value")
        .unwrap()
        .1;
    assert!(!cap.contains("<script"));
    assert!(cap.contains("&lt;script&gt;alert(1)&lt;/script&gt; 客户洞察"));
    assert!(cap.contains("Q&amp;A &quot;pilot&quot;"));
    // SVG names fonts that carry CJK glyphs for the viewer to use.
    assert!(cap.contains("Noto Sans CJK SC"));
    // The PNG cannot draw them with the embedded font: the warning names the characters.
    assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
    for c in "客户洞察".chars() {
        assert!(out.warnings[0].contains(c), "{}", out.warnings[0]);
    }
}

#[test]
fn a_user_font_draws_what_dejavu_lacks() {
    let candidates = [
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    ];
    let Some(font) = candidates.iter().find_map(|p| std::fs::read(p).ok()) else {
        eprintln!("skipped: no CJK font installed (apt-get install fonts-wqy-microhei)");
        return;
    };
    let (_, s) = reference_run();
    let mut s = s.clone();
    s.capabilities[0].name = "客户洞察".to_string();
    let dir = tempfile::tempdir().unwrap();
    let out = charts::write_all(
        &ChartContext {
            summary: &s,
            png_font: Some(&font),
            fonts: FontSearch::Nowhere,
        },
        dir.path(),
    )
    .unwrap();
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
}

#[test]
fn failures_are_errors_and_leave_nothing_behind() {
    let (_, s) = reference_run();
    let dir = tempfile::tempdir().unwrap();
    let bad_font = charts::write_all(
        &ChartContext {
            summary: s,
            png_font: Some(b"definitely not a font"),
            fonts: FontSearch::Nowhere,
        },
        dir.path(),
    );
    assert!(
        matches!(bad_font, Err(ChartError::Font { .. })),
        "{bad_font:?}"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);

    let missing = dir.path().join("no/such/dir");
    let err = charts::write_all(
        &ChartContext {
            summary: s,
            png_font: None,
            fonts: FontSearch::Nowhere,
        },
        &missing,
    )
    .unwrap_err();
    assert!(matches!(err, ChartError::Io { .. }), "{err:?}");
    assert!(err.to_string().contains("no/such/dir"), "{err}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn empty_results_draw_a_plain_no_data_slide() {
    let (_, s) = reference_run();
    let mut s = s.clone();
    s.charts = Default::default();
    s.capabilities.clear();
    s.sensitivity = Default::default();
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
    check_chart_files(dir.path());
    for (name, svg) in &out.svg {
        assert!(svg.contains("No data for this chart"), "{name}");
    }
}

/// Where an installed font has the glyphs DejaVu lacks, it draws them: no warning, a note
/// naming the file, and PNGs that differ from the boxes drawn without it. Run against the
/// folder of whichever CJK font this machine has (skipped, saying so, when it has none).
#[test]
fn an_installed_font_draws_what_dejavu_lacks_and_is_named() {
    let candidates = [
        "/usr/share/fonts/truetype/wqy",
        "/usr/share/fonts/opentype/noto",
        "/usr/share/fonts/truetype/droid",
    ];
    let Some(dir) = candidates
        .iter()
        .map(std::path::PathBuf::from)
        .find(|d| std::fs::read_dir(d).is_ok_and(|mut entries| entries.next().is_some()))
    else {
        eprintln!("skipped: no CJK font installed (apt-get install fonts-noto-cjk)");
        return;
    };
    let (_, s) = reference_run();
    let mut s = s.clone();
    s.capabilities[0].name = "客户洞察".to_string();
    let dirs = [dir.clone()];
    let draw = |fonts: FontSearch| {
        let out_dir = tempfile::tempdir().unwrap();
        let out = charts::write_all(
            &ChartContext {
                summary: &s,
                png_font: None,
                fonts,
            },
            out_dir.path(),
        )
        .unwrap();
        let png = std::fs::read(out_dir.path().join("capability-value.png")).unwrap();
        (out, png)
    };
    let (found, drawn) = draw(FontSearch::Dirs(&dirs));
    assert!(found.warnings.is_empty(), "{:?}", found.warnings);
    assert_eq!(found.notes.len(), 1, "{:?}", found.notes);
    let note = &found.notes[0];
    assert!(note.contains("\"客户洞察\""), "{note}");
    assert!(note.contains(&dir.display().to_string()), "{note}");
    let (boxes, boxed) = draw(FontSearch::Nowhere);
    assert!(boxes.notes.is_empty());
    assert_eq!(boxes.warnings.len(), 1, "{:?}", boxes.warnings);
    assert!(
        drawn != boxed,
        "the installed font changed nothing in the PNG"
    );
    // The SVG is the viewer's to draw: the same either way.
    assert_eq!(found.svg, boxes.svg);
}
