use super::*;

/// Draws the fixture's charts; set VALUECASE_CHART_DIR to keep them for looking at.
#[test]
fn draws_every_chart_of_the_fixture() {
    // VALUECASE_RESULTS=<results.json of a run of the built-in scenario> draws real data.
    let (summary, scenario) = match std::env::var_os("VALUECASE_RESULTS") {
        Some(p) => (
            serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap(),
            crate::scenario::parse_str(crate::scenario::BUILT_IN, None).unwrap(),
        ),
        None => (
            crate::test_support::fixture::summary(),
            crate::test_support::fixture::scenario(),
        ),
    };
    let dir = match std::env::var_os("VALUECASE_CHART_DIR") {
        Some(d) => PathBuf::from(d),
        None => std::env::temp_dir().join(format!("vc-charts-{}", std::process::id())),
    };
    std::fs::create_dir_all(&dir).unwrap();
    // VALUECASE_PNG_FONT=<a .ttf/.ttc with CJK glyphs> exercises the user-font path.
    let font = std::env::var_os("VALUECASE_PNG_FONT").map(|p| std::fs::read(p).unwrap());
    let ctx = ChartContext {
        summary: &summary,
        png_font: font.as_deref(),
        fonts: FontSearch::Nowhere,
    };
    let t = std::time::Instant::now();
    let out = write_all(&ctx, &dir).unwrap();
    eprintln!("drew {} files in {:?}", out.files.len(), t.elapsed());
    eprintln!("warnings: {:?}", out.warnings);
    // Every chart, the change programme's too: the fixture has levers.
    assert_eq!(out.files.len(), 2 * CHARTS.len());
    assert_eq!(out.svg.len(), CHARTS.len());
    // The fixture has Chinese names: DejaVu lacks them, so the PNGs warn.
    let results = crate::test_support::fixture::results_of(summary, &scenario);
    let html = crate::report::html::render(&results, &out.svg);
    std::fs::write(dir.join("report.html"), html).unwrap();
    if std::env::var_os("VALUECASE_RESULTS").is_none() && font.is_none() {
        assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
        assert!(out.warnings[0].contains('客'));
    }
    if std::env::var_os("VALUECASE_CHART_DIR").is_none() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(png: &[u8]) -> (u32, u32) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let be = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    (be(16), be(20))
}

/// What every entry of [`CHARTS`] promises: a unique file-safe name, a caption, a title
/// and subtitle, and a 1920×1080 slide in both PNG and SVG, with its title and the
/// provenance footer; with nothing to show, the plain "no data" slide instead.
#[test]
fn every_chart_keeps_the_contract() {
    let summary = crate::test_support::fixture::summary();
    let ctx = ChartContext {
        summary: &summary,
        png_font: None,
        fonts: FontSearch::Nowhere,
    };
    let provenance = crate::report::sentences::provenance(&summary);
    let mut seen = BTreeSet::new();
    for chart in CHARTS {
        let name = chart.name();
        assert!(seen.insert(name), "two charts are named {name}");
        assert!(
            !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{name} is not a safe file stem"
        );
        assert!(!chart.caption().is_empty(), "{name} has no caption");
        assert_eq!(caption(name), Some(chart.caption()));
        assert!(
            chart.has_data(&summary),
            "{name} finds no data in the fixture"
        );
        let cx = Cx::new(&summary, false, &[]);
        let title = chart.title(&cx);
        assert!(
            !title.is_empty() && !chart.subtitle(&cx).is_empty(),
            "{name}"
        );
        assert_eq!(self::title(name, &summary), Some(title.clone()));

        let (png, svg, _) = render(&ctx, chart, Extra::Run, &[]).unwrap();
        assert_eq!(png_size(&png), (1920, 1080), "{name}.png");
        assert!(svg.starts_with("<svg"), "{name}.svg");
        assert!(svg.contains("viewBox=\"0 0 1920 1080\""), "{name}.svg");
        assert!(svg.trim_end().ends_with("</svg>"), "{name}.svg");
        assert!(svg.contains(&title), "{name}.svg lacks its title {title:?}");
        assert!(svg.contains(&provenance), "{name}.svg lacks the footer");
        assert!(!svg.contains("No data for this chart"), "{name}");
    }
    let every_run: Vec<&str> = CHARTS
        .into_iter()
        .filter(|c| c.name() != "change-programme")
        .map(|c| c.name())
        .collect();
    assert_eq!(names().collect::<Vec<_>>(), every_run);
    let all: Vec<&str> = CHARTS
        .into_iter()
        .chain(COMPARISON_CHARTS)
        .chain(DIFF_CHARTS)
        .map(|c| c.name())
        .collect();
    assert_eq!(all_names().collect::<Vec<_>>(), all);

    let mut empty = summary.clone();
    empty.charts = Default::default();
    empty.capabilities.clear();
    empty.sensitivity = Default::default();
    let ctx = ChartContext {
        summary: &empty,
        png_font: None,
        fonts: FontSearch::Nowhere,
    };
    for chart in CHARTS {
        assert!(!chart.has_data(&empty), "{}", chart.name());
        let (png, svg, _) = render(&ctx, chart, Extra::Run, &[]).unwrap();
        assert_eq!(png_size(&png), (1920, 1080), "{}", chart.name());
        assert!(svg.contains("No data for this chart"), "{}", chart.name());
    }
}

#[test]
fn warning_names_the_characters() {
    let names = ["销售客户".to_string(), "Sales".to_string()];
    let w = missing_glyph_warning(&"客户".chars().collect(), &names, false);
    assert!(w.contains("客户") && w.contains("DejaVu"), "{w}");
    assert!(w.contains("(in \"销售客户\")"), "{w}");
    assert!(w.contains("--png-font /path/to/font.ttf"), "{w}");
    let w = missing_glyph_warning(&['\u{7}'].into_iter().collect(), &[], true);
    assert!(w.contains("\\u{7}") && !w.contains('\u{7}'), "{w}");
}

/// Every name of the fixture made `len` characters long (a capability, its group, a user
/// group, a cost category and the scenario): the text work of drawing all charts, PNG and
/// SVG, as `(measurements, characters measured)`.
fn layout_work(len: usize) -> (u64, u64) {
    let mut s = crate::test_support::fixture::summary();
    let long = |seed: &str| -> String { seed.chars().cycle().take(len).collect() };
    s.scenario.name = long("Scenario name ");
    s.capabilities[0].name = long("Opportunity management ");
    s.capabilities[0].group = long("Customer interactions ");
    s.charts.benefit_groups[0] = s.capabilities[0].group.clone();
    s.charts.adoption[0].name = long("Sales team ");
    s.charts.cost_categories[0] = long("Implementation ");
    let (w, h) = (plot::W as u32, plot::H as u32);
    let mut work = (0, 0);
    for chart in CHARTS {
        let mut pixels = vec![0u8; (w * h * 3) as usize];
        let cx = Cx::new(&s, true, &[]);
        {
            let root = Canvas::Png(BitMapBackend::with_buffer(&mut pixels, (w, h)));
            draw_slide(chart, &cx, &root.into_drawing_area()).unwrap();
        }
        let mut svg = String::new();
        let vcx = Cx::new(&s, false, &[]);
        {
            let root = Canvas::Svg(SVGBackend::with_string(&mut svg, (w, h)));
            draw_slide(chart, &vcx, &root.into_drawing_area()).unwrap();
        }
        assert!(
            svg.contains('…'),
            "{}: a long name was not shortened",
            chart.name()
        );
        for (calls, chars) in [cx.measurements(), vcx.measurements()] {
            work = (work.0 + calls, work.1 + chars);
        }
    }
    work
}

/// Drawing time grew with the square of a name's length (a 20,000-character name took 28 s):
/// an over-long name was shortened by measuring every shorter start of it in turn. Now the
/// work is bounded by the room on the slide: a few dozen measurements per label, and text
/// measured in total a small multiple of the names' length.
#[test]
fn drawing_work_is_linear_in_name_length() {
    let (calls, chars) = layout_work(20_000);
    let (calls_2x, chars_2x) = layout_work(40_000);
    eprintln!("20k: {calls} measurements, {chars} characters; 40k: {calls_2x}, {chars_2x}");
    // Five names of 20,000 characters on seven slides, drawn twice (PNG and SVG).
    assert!(
        calls < 4_000,
        "{calls} measurements for 20,000-character names"
    );
    assert!(
        chars < 200 * 20_000,
        "{chars} characters measured for 20,000-character names"
    );
    // Twice the length: the same number of measurements, at most twice the characters.
    assert!(calls_2x <= calls + 20, "{calls} → {calls_2x} measurements");
    assert!(
        chars_2x as f64 <= 2.05 * chars as f64,
        "{chars} → {chars_2x} characters measured: not linear"
    );
}
