//! The charts of a run, as slides: each one a 1920×1080 PNG and an SVG of the same picture,
//! drawn from the binned data in [`Summary::charts`] (never from per-trial data, so drawing
//! all of them takes a fraction of a second whatever the trial count).
//!
//! Every chart states its finding in its title, uses the same money/percent wording as the
//! rest of the report, and carries a footer naming the scenario, trials, seed, scenario hash
//! and valuecase version. Fonts are embedded (DejaVu Sans); a user font can be supplied for
//! scripts DejaVu lacks, and any character no font can draw is reported as a warning.
//!
//! One file per chart, each a `Chart`; what they share is the toolkit in `report/plot/`.
//! Adding a chart is a new file implementing `Chart` and one line in `CHARTS`.

mod adoption;
mod annual_cash_flow;
mod capability_value;
mod cashflow_fan;
mod npv_cdf;
mod npv_distribution;
mod payback_probability;

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use plotters::prelude::{BitMapBackend, IntoDrawingArea, SVGBackend};
use rayon::prelude::*;

use crate::files::write_atomically;
use crate::report::plot::{self, Area, Canvas, Cx, DrawResult, fonts};
use crate::results::Summary;

/// One chart of the board pack.
///
/// A chart says what it shows ([`title`](Chart::title), [`subtitle`](Chart::subtitle), an
/// optional footer [`note`](Chart::note)) and draws its data; the caller draws what every
/// slide has around it: the white canvas, the title and subtitle, the provenance footer, and
/// a plain "no data" message in place of the data when [`has_data`](Chart::has_data) says the
/// results hold nothing to draw.
pub(crate) trait Chart: Sync {
    /// The file stem (`npv-distribution`): stable, unique, used for the file names and the
    /// board pack.
    fn name(&self) -> &'static str;

    /// What the chart shows, in a few words, for figure headings outside the picture.
    fn caption(&self) -> &'static str;

    /// The finding, in words: the slide's title, and the picture's accessible name.
    fn title(&self, cx: &Cx) -> String;

    /// What is plotted, under the title.
    fn subtitle(&self, cx: &Cx) -> String;

    /// A note at the right of the footer, when the chart needs one.
    fn note(&self, _cx: &Cx) -> Option<String> {
        None
    }

    /// Whether the results hold what [`draw`](Chart::draw) needs; [`draw`](Chart::draw) is
    /// only called when they do.
    fn has_data(&self, summary: &Summary) -> bool;

    /// Draws the data (axes, marks, labels, legend) between the header and the footer.
    fn draw(&self, cx: &Cx, root: &Area) -> DrawResult;
}

/// Every chart, in the order of the board pack.
pub(crate) const CHARTS: [&dyn Chart; 7] = [
    &npv_distribution::NpvDistribution,
    &npv_cdf::NpvCdf,
    &cashflow_fan::CashflowFan,
    &payback_probability::PaybackProbability,
    &capability_value::CapabilityValue,
    &adoption::Adoption,
    &annual_cash_flow::AnnualCashFlow,
];

/// Draws one slide: the parts every chart has, then the chart's own.
fn draw_slide(chart: &dyn Chart, cx: &Cx, root: &Area) -> DrawResult {
    plot::header(cx, root, &chart.title(cx), &chart.subtitle(cx))?;
    plot::footer(cx, root, chart.note(cx).as_deref())?;
    if !chart.has_data(cx.summary) {
        return plot::no_data(cx, root);
    }
    chart.draw(cx, root)
}

/// What the charts are drawn from.
#[derive(Debug, Clone, Copy)]
pub struct ChartContext<'a> {
    pub summary: &'a Summary,
    /// A TrueType/OpenType font for PNG text in scripts the embedded DejaVu Sans lacks
    /// (Chinese, Japanese, Korean names). SVG text is drawn by the viewer and needs no font.
    pub png_font: Option<&'a [u8]>,
}

/// What [`write_all`] produced.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChartOutput {
    /// Every file written, PNG and SVG, in chart order.
    pub files: Vec<PathBuf>,
    /// `(name, svg text)` per chart, so the HTML board pack can inline them without reading
    /// the files back.
    pub svg: Vec<(String, String)>,
    /// Things the reader of the charts should know, e.g. characters drawn as boxes.
    pub warnings: Vec<String>,
}

/// Why charts could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The `png_font` bytes are not a usable font.
    #[error("the font given for PNG charts cannot be used: {0}")]
    Font(String),
    /// Plotters failed while drawing; nothing was written for this chart.
    #[error("could not draw the `{chart}` chart: {message}")]
    Draw {
        chart: &'static str,
        message: String,
    },
    /// The file could not be written; no partial file is left behind.
    #[error("could not write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The chart names (file stems), in board-pack order.
pub fn names() -> impl Iterator<Item = &'static str> {
    CHARTS.iter().map(|c| c.name())
}

fn find(name: &str) -> Option<&'static dyn Chart> {
    CHARTS.into_iter().find(|c| c.name() == name)
}

/// What a chart shows, in a few words, for figure headings; `None` for an unknown name.
pub(crate) fn caption(name: &str) -> Option<&'static str> {
    find(name).map(|c| c.caption())
}

/// A chart's title (its finding in words), for captions outside the picture; `None` for an
/// unknown chart name.
pub(crate) fn title(name: &str, summary: &Summary) -> Option<String> {
    let chart = find(name)?;
    Some(chart.title(&Cx::new(summary, false, None)))
}

/// Writes every chart as `<dir>/<name>.png` (1920×1080) and `<dir>/<name>.svg`.
///
/// All charts are drawn (and the PNGs encoded) in memory first; each file is then written to
/// a temporary name in `dir` and renamed into place, so a failure never leaves a half-drawn
/// chart behind.
pub fn write_all(ctx: &ChartContext, dir: &Path) -> Result<ChartOutput, ChartError> {
    let fallback = ctx
        .png_font
        .map(fonts::register_user)
        .transpose()
        .map_err(ChartError::Font)?;
    // Charts are independent: draw them, then encode and write them, on all cores.
    let rendered = CHARTS
        .par_iter()
        .map(|&chart| render(ctx, chart, fallback.clone()).map(|r| (chart.name(), r)))
        .collect::<Result<Vec<_>, _>>()?;
    let written = rendered
        .par_iter()
        .map(|(name, (png, svg, _))| {
            let write = |path: PathBuf, bytes: &[u8]| {
                write_atomically(&path, bytes)
                    .map(|()| path.clone())
                    .map_err(|source| ChartError::Io { path, source })
            };
            let png_path = write(dir.join(format!("{name}.png")), png)?;
            let svg_path = write(dir.join(format!("{name}.svg")), svg.as_bytes())?;
            Ok([png_path, svg_path])
        })
        .collect::<Result<Vec<_>, ChartError>>()?;
    let mut out = ChartOutput {
        files: written.into_iter().flatten().collect(),
        ..ChartOutput::default()
    };
    let mut missing = BTreeSet::new();
    for (name, (_, svg, lacking)) in rendered {
        missing.extend(lacking);
        out.svg.push((name.to_string(), svg));
    }
    if !missing.is_empty() {
        out.warnings
            .push(missing_glyph_warning(&missing, ctx.png_font.is_some()));
    }
    Ok(out)
}

thread_local! {
    /// The RGB buffer PNG charts are drawn into, one per thread and reused chart after chart:
    /// a fresh 6 MB buffer per chart cost more in page faults than drawing the chart.
    static PIXELS: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Draws one chart twice: into an RGB buffer, encoded as PNG in memory, and into an SVG
/// string. Returns the characters the PNG could not draw.
fn render(
    ctx: &ChartContext,
    chart: &dyn Chart,
    fallback: Option<(&'static str, fonts::Coverage)>,
) -> Result<(Vec<u8>, String, BTreeSet<char>), ChartError> {
    let fail = |e: Box<dyn std::error::Error>| ChartError::Draw {
        chart: chart.name(),
        message: e.to_string(),
    };
    let (w, h) = (plot::W as u32, plot::H as u32);
    let cx = Cx::new(ctx.summary, true, fallback);
    let png = PIXELS.with_borrow_mut(|pixels| {
        // Zeroed again: nothing of the last chart can show through.
        pixels.clear();
        pixels.resize((w * h * 3) as usize, 0);
        {
            let root = Canvas::Png(BitMapBackend::with_buffer(pixels, (w, h))).into_drawing_area();
            draw_slide(chart, &cx, &root).map_err(fail)?;
            root.present().map_err(|e| fail(Box::new(e)))?;
        }
        encode_png(pixels).map_err(|e| fail(Box::new(e)))
    })?;
    let mut svg = String::new();
    {
        let vcx = Cx::new(ctx.summary, false, None);
        let root = Canvas::Svg(SVGBackend::with_string(&mut svg, (w, h))).into_drawing_area();
        draw_slide(chart, &vcx, &root).map_err(fail)?;
        root.present().map_err(|e| fail(Box::new(e)))?;
    }
    Ok((png, svg, cx.missing_glyphs()))
}

/// Encodes an RGB buffer of the chart size as PNG.
fn encode_png(pixels: &[u8]) -> Result<Vec<u8>, png::EncodingError> {
    // Charts are large flat areas with anti-aliased edges: the Paeth filter on every row and
    // fast deflate give files about the size adaptive filtering at the default level gives
    // through plotters' encoder (1.8 MB against 1.7 MB for the seven charts), in about half
    // the time.
    let mut png = Vec::new();
    let mut encoder = png::Encoder::new(&mut png, plot::W as u32, plot::H as u32);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    encoder.set_filter(png::FilterType::Paeth);
    encoder.set_adaptive_filter(png::AdaptiveFilterType::NonAdaptive);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(pixels)?;
    writer.finish()?;
    Ok(png)
}

fn missing_glyph_warning(missing: &BTreeSet<char>, user_font: bool) -> String {
    let shown: String = missing.iter().take(24).collect();
    let more = if missing.len() > 24 {
        format!(" and {} more", missing.len() - 24)
    } else {
        String::new()
    };
    let font = if user_font {
        "the supplied PNG font"
    } else {
        "the embedded DejaVu Sans"
    };
    format!(
        "PNG charts: {font} has no glyph for {shown}{more}; these characters appear as boxes \
         in the PNG files (SVG charts and report.html are not affected). Supply a TrueType font \
         that covers them for the PNG charts."
    )
}

#[cfg(test)]
mod tests {
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
        };
        let t = std::time::Instant::now();
        let out = write_all(&ctx, &dir).unwrap();
        eprintln!("drew {} files in {:?}", out.files.len(), t.elapsed());
        eprintln!("warnings: {:?}", out.warnings);
        assert_eq!(out.files.len(), 14);
        assert_eq!(out.svg.len(), 7);
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
            let cx = Cx::new(&summary, false, None);
            let title = chart.title(&cx);
            assert!(
                !title.is_empty() && !chart.subtitle(&cx).is_empty(),
                "{name}"
            );
            assert_eq!(self::title(name, &summary), Some(title.clone()));

            let (png, svg, _) = render(&ctx, chart, None).unwrap();
            assert_eq!(png_size(&png), (1920, 1080), "{name}.png");
            assert!(svg.starts_with("<svg"), "{name}.svg");
            assert!(svg.contains("viewBox=\"0 0 1920 1080\""), "{name}.svg");
            assert!(svg.trim_end().ends_with("</svg>"), "{name}.svg");
            assert!(svg.contains(&title), "{name}.svg lacks its title {title:?}");
            assert!(svg.contains(&provenance), "{name}.svg lacks the footer");
            assert!(!svg.contains("No data for this chart"), "{name}");
        }
        assert_eq!(names().collect::<Vec<_>>(), CHARTS.map(|c| c.name()));

        let mut empty = summary.clone();
        empty.charts = Default::default();
        empty.capabilities.clear();
        let ctx = ChartContext {
            summary: &empty,
            png_font: None,
        };
        for chart in CHARTS {
            assert!(!chart.has_data(&empty), "{}", chart.name());
            let (png, svg, _) = render(&ctx, chart, None).unwrap();
            assert_eq!(png_size(&png), (1920, 1080), "{}", chart.name());
            assert!(svg.contains("No data for this chart"), "{}", chart.name());
        }
    }

    #[test]
    fn warning_names_the_characters() {
        let w = missing_glyph_warning(&"客户".chars().collect(), false);
        assert!(w.contains("客户") && w.contains("DejaVu"), "{w}");
    }
}
