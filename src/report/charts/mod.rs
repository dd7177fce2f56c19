//! The charts of a run, as slides: each one a 1920×1080 PNG and an SVG of the same picture,
//! drawn from the binned data in [`Summary::charts`] (never from per-trial data, so drawing
//! all of them takes a fraction of a second whatever the trial count).
//!
//! Every chart states its finding in its title, uses the same money/percent wording as the
//! rest of the report, and carries a footer naming the scenario, trials, seed, scenario hash
//! and valuecase version. Fonts are embedded (DejaVu Sans); a user font can be supplied for
//! scripts DejaVu lacks, and any character no font can draw is reported as a warning.

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

/// Every chart, in the order of the board pack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    NpvDistribution,
    NpvCdf,
    CashflowFan,
    PaybackProbability,
    CapabilityValue,
    Adoption,
    AnnualCashFlow,
}

impl Kind {
    const ALL: [Kind; 7] = [
        Kind::NpvDistribution,
        Kind::NpvCdf,
        Kind::CashflowFan,
        Kind::PaybackProbability,
        Kind::CapabilityValue,
        Kind::Adoption,
        Kind::AnnualCashFlow,
    ];

    fn name(self) -> &'static str {
        match self {
            Kind::NpvDistribution => "npv-distribution",
            Kind::NpvCdf => "npv-cdf",
            Kind::CashflowFan => "cashflow-fan",
            Kind::PaybackProbability => "payback-probability",
            Kind::CapabilityValue => "capability-value",
            Kind::Adoption => "adoption",
            Kind::AnnualCashFlow => "annual-cash-flow",
        }
    }

    fn draw(self, cx: &Cx, root: &Area) -> DrawResult {
        match self {
            Kind::NpvDistribution => npv_distribution::draw(cx, root),
            Kind::NpvCdf => npv_cdf::draw(cx, root),
            Kind::CashflowFan => cashflow_fan::draw(cx, root),
            Kind::PaybackProbability => payback_probability::draw(cx, root),
            Kind::CapabilityValue => capability_value::draw(cx, root),
            Kind::Adoption => adoption::draw(cx, root),
            Kind::AnnualCashFlow => annual_cash_flow::draw(cx, root),
        }
    }
}

/// The chart names (file stems), in board-pack order.
pub fn names() -> impl Iterator<Item = &'static str> {
    Kind::ALL.iter().map(|k| k.name())
}

/// What a chart shows, in a few words, for figure headings; `None` for an unknown name.
pub(crate) fn caption(name: &str) -> Option<&'static str> {
    let kind = Kind::ALL.into_iter().find(|k| k.name() == name)?;
    Some(match kind {
        Kind::NpvDistribution => "Distribution of NPV",
        Kind::NpvCdf => "Chance of an NPV at or below each value",
        Kind::CashflowFan => "Cumulative net cash flow by month",
        Kind::PaybackProbability => "Chance of having paid back by each month",
        Kind::CapabilityValue => "Value by capability",
        Kind::Adoption => "Adoption by user group",
        Kind::AnnualCashFlow => "Base case by year",
    })
}

/// A chart's title (its finding in words), for captions outside the picture; `None` for an
/// unknown chart name.
pub(crate) fn title(name: &str, summary: &Summary) -> Option<String> {
    let kind = Kind::ALL.into_iter().find(|k| k.name() == name)?;
    let cx = Cx::new(summary, false, None);
    Some(match kind {
        Kind::NpvDistribution => npv_distribution::title(&cx),
        Kind::NpvCdf => npv_cdf::title(&cx),
        Kind::CashflowFan => cashflow_fan::title(&cx),
        Kind::PaybackProbability => payback_probability::title(&cx),
        Kind::CapabilityValue => capability_value::title(&cx),
        Kind::Adoption => adoption::title(&cx),
        Kind::AnnualCashFlow => annual_cash_flow::title(&cx),
    })
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
    let rendered = Kind::ALL
        .par_iter()
        .map(|&kind| render(ctx, kind, fallback.clone()).map(|r| (kind, r)))
        .collect::<Result<Vec<_>, _>>()?;
    let written = rendered
        .par_iter()
        .map(|(kind, (png, svg, _))| {
            let write = |path: PathBuf, bytes: &[u8]| {
                write_atomically(&path, bytes)
                    .map(|()| path.clone())
                    .map_err(|source| ChartError::Io { path, source })
            };
            let png_path = write(dir.join(format!("{}.png", kind.name())), png)?;
            let svg_path = write(dir.join(format!("{}.svg", kind.name())), svg.as_bytes())?;
            Ok([png_path, svg_path])
        })
        .collect::<Result<Vec<_>, ChartError>>()?;
    let mut out = ChartOutput {
        files: written.into_iter().flatten().collect(),
        ..ChartOutput::default()
    };
    let mut missing = BTreeSet::new();
    for (kind, (_, svg, lacking)) in rendered {
        missing.extend(lacking);
        out.svg.push((kind.name().to_string(), svg));
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
    kind: Kind,
    fallback: Option<(&'static str, fonts::Coverage)>,
) -> Result<(Vec<u8>, String, BTreeSet<char>), ChartError> {
    let fail = |e: Box<dyn std::error::Error>| ChartError::Draw {
        chart: kind.name(),
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
            kind.draw(&cx, &root).map_err(fail)?;
            root.present().map_err(|e| fail(Box::new(e)))?;
        }
        encode_png(pixels).map_err(|e| fail(Box::new(e)))
    })?;
    let mut svg = String::new();
    {
        let vcx = Cx::new(ctx.summary, false, None);
        let root = Canvas::Svg(SVGBackend::with_string(&mut svg, (w, h))).into_drawing_area();
        kind.draw(&vcx, &root).map_err(fail)?;
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

    #[test]
    fn warning_names_the_characters() {
        let w = missing_glyph_warning(&"客户".chars().collect(), false);
        assert!(w.contains("客户") && w.contains("DejaVu"), "{w}");
    }
}
