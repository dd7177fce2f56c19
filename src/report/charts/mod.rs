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
//! Adding a chart is a new file implementing `Chart` and one line in `CHARTS` (a run's board
//! pack), `COMPARISON_CHARTS` (`valuecase compare`) or `DIFF_CHARTS` (`valuecase diff`).

mod adoption;
mod annual_cash_flow;
pub(crate) mod breakeven;
mod capability_value;
mod cashflow_fan;
mod change_programme;
mod compare_cashflow;
mod compare_cdf;
mod compare_diff;
mod compare_payback;
mod diff_waterfall;
mod drivers;
mod npv_cdf;
mod npv_distribution;
mod payback_probability;
mod series;
mod tornado;

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use plotters::prelude::{BitMapBackend, IntoDrawingArea, SVGBackend};
use rayon::prelude::*;

use crate::files::write_atomically;
use crate::report::escape;
use crate::report::plot::{self, Area, Canvas, Cx, DrawResult, Extra, font_search, fonts};

pub use crate::report::plot::font_search::FontSearch;
use crate::results::{Comparison, Diff, Summary};

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

    /// A chart only some runs have (the change programme, for runs with levers): left out,
    /// not drawn as "no data", when [`has_data`](Chart::has_data) says there is nothing.
    fn optional(&self) -> bool {
        false
    }

    /// Draws the data (axes, marks, labels, legend) between the header and the footer.
    fn draw(&self, cx: &Cx, root: &Area) -> DrawResult;
}

/// Every chart of a run, in the order of the board pack.
pub(crate) const CHARTS: [&dyn Chart; 10] = [
    &npv_distribution::NpvDistribution,
    &npv_cdf::NpvCdf,
    &cashflow_fan::CashflowFan,
    &payback_probability::PaybackProbability,
    &capability_value::CapabilityValue,
    &drivers::Drivers,
    &tornado::Tornado,
    &adoption::Adoption,
    &annual_cash_flow::AnnualCashFlow,
    &change_programme::ChangeProgramme,
];

/// The charts of `valuecase compare`, in the order of `comparison.html`.
pub(crate) const COMPARISON_CHARTS: [&dyn Chart; 4] = [
    &compare_cdf::CompareCdf,
    &compare_diff::CompareDiff,
    &compare_payback::ComparePayback,
    &compare_cashflow::CompareCashflow,
];

/// The charts of `valuecase diff`.
pub(crate) const DIFF_CHARTS: [&dyn Chart; 1] = [&diff_waterfall::DiffWaterfall];

/// Draws one slide: the parts every chart has, then the chart's own.
fn draw_slide(chart: &dyn Chart, cx: &Cx, root: &Area) -> DrawResult {
    plot::header(cx, root, &chart.title(cx), &chart.subtitle(cx))?;
    plot::footer(cx, root, chart.note(cx).as_deref())?;
    if !chart.has_data(cx.summary) {
        return plot::no_data(cx, root);
    }
    chart.draw(cx, root)
}

/// Every chart set, for the names a command's output folder holds.
fn all_charts() -> impl Iterator<Item = &'static dyn Chart> {
    CHARTS
        .into_iter()
        .chain(COMPARISON_CHARTS)
        .chain(DIFF_CHARTS)
}

/// What the charts are drawn from.
#[derive(Debug, Clone, Copy)]
pub struct ChartContext<'a> {
    pub summary: &'a Summary,
    /// A TrueType/OpenType font for PNG text in scripts the embedded DejaVu Sans lacks
    /// (Chinese, Japanese, Korean names). SVG text is drawn by the viewer and needs no font.
    /// When given, no installed font is looked for.
    pub png_font: Option<&'a [u8]>,
    /// Where to look for a font when a name needs glyphs DejaVu Sans lacks and no `png_font`
    /// is given: the installed fonts, some folders, or nowhere.
    pub fonts: FontSearch<'a>,
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
    /// What was done that the user did not ask for, e.g. the installed font names were drawn
    /// with, so a change of fonts never changes a picture silently.
    pub notes: Vec<String>,
}

/// Why charts could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The font given for PNG charts is not a usable font.
    #[error("{} cannot be used as the font for PNG charts: {problem}; \
             pass a TrueType or OpenType file (.ttf, .otf, .ttc) to --png-font", shown(path.as_deref()))]
    Font {
        /// The file it was read from, when there is one.
        path: Option<PathBuf>,
        problem: String,
    },
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

/// A font file as an error names it.
fn shown(path: Option<&Path>) -> String {
    path.map_or_else(
        || "the font given".to_string(),
        |p| escape::terminal(&p.display().to_string()).into_owned(),
    )
}

/// Checks that `bytes` are a font the PNG charts can draw with, by the same parser that will
/// draw them: so a wrong `--png-font` fails before any trial is run, not after.
pub fn check_png_font(bytes: &[u8], path: &Path) -> Result<(), ChartError> {
    fonts::register_user(bytes)
        .map(|_| ())
        .map_err(|problem| ChartError::Font {
            path: Some(path.to_path_buf()),
            problem,
        })
}

/// The names (file stems) of the charts every run draws, in board-pack order (without the
/// optional ones, such as the change programme's, drawn only for runs with levers).
pub fn names() -> impl Iterator<Item = &'static str> {
    CHARTS.iter().filter(|c| !c.optional()).map(|c| c.name())
}

/// The chart names of every command: a run's (optional ones included) in board-pack order,
/// then those of `compare` and `diff`. An output folder holds one command's charts, and its
/// commit replaces or removes any of these.
pub fn all_names() -> impl Iterator<Item = &'static str> {
    all_charts().map(|c| c.name())
}

fn find(name: &str) -> Option<&'static dyn Chart> {
    all_charts().find(|c| c.name() == name)
}

/// What a chart shows, in a few words, for figure headings; `None` for an unknown name.
pub(crate) fn caption(name: &str) -> Option<&'static str> {
    find(name).map(|c| c.caption())
}

/// A chart's title (its finding in words), for captions outside the picture; `None` for an
/// unknown chart name.
pub(crate) fn title(name: &str, summary: &Summary) -> Option<String> {
    title_of(name, summary, Extra::Run)
}

/// A chart's title with the comparison or diff it shows.
pub(crate) fn title_of(name: &str, summary: &Summary, extra: Extra) -> Option<String> {
    let chart = find(name)?;
    Some(chart.title(&Cx::new(summary, false, &[]).with(extra)))
}

/// Writes every chart as `<dir>/<name>.png` (1920×1080) and `<dir>/<name>.svg`.
///
/// All charts are drawn (and the PNGs encoded) in memory first; each file is then written to
/// a temporary name in `dir` and renamed into place, so a failure never leaves a half-drawn
/// chart behind.
pub fn write_all(ctx: &ChartContext, dir: &Path) -> Result<ChartOutput, ChartError> {
    write_set(ctx, &CHARTS, Extra::Run, dir)
}

/// Writes the charts of a comparison (`ctx.summary` is the baseline's run), as [`write_all`].
pub fn write_comparison(
    ctx: &ChartContext,
    comparison: &Comparison,
    dir: &Path,
) -> Result<ChartOutput, ChartError> {
    write_set(ctx, &COMPARISON_CHARTS, Extra::Comparison(comparison), dir)
}

/// Writes the charts of a diff (`ctx.summary` is the new version's run), as [`write_all`].
pub fn write_diff(ctx: &ChartContext, diff: &Diff, dir: &Path) -> Result<ChartOutput, ChartError> {
    write_set(ctx, &DIFF_CHARTS, Extra::Diff(diff), dir)
}

fn write_set(
    ctx: &ChartContext,
    charts: &[&dyn Chart],
    extra: Extra,
    dir: &Path,
) -> Result<ChartOutput, ChartError> {
    let (fallbacks, notes) = png_fonts(ctx, extra)?;
    // Charts are independent: draw them, then encode and write them, on all cores.
    let rendered = charts
        .par_iter()
        .filter(|chart| !chart.optional() || chart.has_data(ctx.summary))
        .map(|&chart| render(ctx, chart, extra, &fallbacks).map(|r| (chart.name(), r)))
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
        notes,
        ..ChartOutput::default()
    };
    let mut missing = BTreeSet::new();
    for (name, (_, svg, lacking)) in rendered {
        missing.extend(lacking);
        out.svg.push((name.to_string(), svg));
    }
    if !missing.is_empty() {
        out.warnings.push(missing_glyph_warning(
            &missing,
            &user_strings(ctx.summary, extra),
            ctx.png_font.is_some(),
        ));
    }
    Ok(out)
}

/// The text of a run that comes from the user and can appear on a chart: the scenario, the
/// currency, capability, group, user group and cost names, and the inputs the drivers and
/// tornado charts name. Everything else on a chart is
/// valuecase's own words, which DejaVu Sans draws.
fn user_strings(s: &Summary, extra: Extra) -> Vec<String> {
    let mut all: Vec<&str> = vec![&s.scenario.name, &s.currency];
    match extra {
        Extra::Run => {}
        Extra::Comparison(c) => all.extend(c.scenarios.iter().map(|s| s.scenario.name.as_str())),
        Extra::Diff(d) => {
            all.extend([d.old.name.as_str(), d.new.name.as_str()]);
            all.extend(d.items.iter().map(|i| i.item.as_str()));
        }
    }
    if let Some(cp) = &s.change_programme {
        all.extend(cp.levers.iter().map(|l| l.name.as_str()));
    }
    for c in &s.capabilities {
        all.extend([c.name.as_str(), c.group.as_str()]);
    }
    all.extend(s.charts.adoption.iter().map(|g| g.name.as_str()));
    all.extend(s.charts.benefit_groups.iter().map(String::as_str));
    all.extend(s.charts.cost_categories.iter().map(String::as_str));
    // The inputs the drivers and tornado charts name, as they name them.
    let labels: Vec<String> = s
        .sensitivity
        .inputs
        .iter()
        .map(|i| crate::report::input_label::InputLabel::of(&i.input).short())
        .collect();
    all.extend(labels.iter().map(String::as_str));
    let mut seen = BTreeSet::new();
    all.into_iter()
        .map(|t| escape::chart(t).into_owned())
        .filter(|t| seen.insert(t.clone()))
        .collect()
}

/// The fonts PNG text falls back to where DejaVu Sans lacks a glyph: the user's font, or the
/// installed fonts found for the characters the run's names need; and a note for each font
/// found, saying which names it draws.
#[allow(clippy::type_complexity)]
fn png_fonts(
    ctx: &ChartContext,
    extra: Extra,
) -> Result<(Vec<(&'static str, fonts::Coverage)>, Vec<String>), ChartError> {
    if let Some(bytes) = ctx.png_font {
        let user = fonts::register_user(bytes).map_err(|problem| ChartError::Font {
            path: None,
            problem,
        })?;
        return Ok((vec![user], Vec::new()));
    }
    let strings = user_strings(ctx.summary, extra);
    let dejavu = fonts::dejavu_coverage();
    let needed: BTreeSet<char> = strings.iter().flat_map(|t| dejavu.missing(t)).collect();
    let mut fallbacks = Vec::new();
    let mut notes = Vec::new();
    for found in font_search::discover(ctx.fonts, &needed) {
        // A font that went away or cannot be loaded after all is passed over: its characters
        // are then reported as missing.
        let Ok(bytes) = std::fs::read(&found.path) else {
            continue;
        };
        let Ok(registered) = fonts::register_user(&bytes) else {
            continue;
        };
        fallbacks.push(registered);
        let drawn: Vec<&str> = strings
            .iter()
            .filter(|t| t.chars().any(|c| found.covers.contains(&c)))
            .map(String::as_str)
            .collect();
        notes.push(format!(
            "PNG charts: drawing {} with {} ({}), an installed font with the characters the \
             embedded DejaVu Sans lacks; to choose the font, pass --png-font /path/to/font.ttf",
            listed(&drawn),
            font_search::shown_path(&found.path),
            escape::terminal(&found.family)
        ));
    }
    Ok((fallbacks, notes))
}

/// A few names, quoted and escaped for the terminal: `"客户", "销售" and 3 more`.
fn listed(names: &[&str]) -> String {
    const SHOWN: usize = 3;
    let mut quoted: Vec<String> = names
        .iter()
        .take(SHOWN)
        .map(|n| {
            let short: String = n.chars().take(60).collect();
            let more = if short.len() < n.len() { "…" } else { "" };
            format!("\"{}{more}\"", escape::terminal(&short))
        })
        .collect();
    if names.len() > SHOWN {
        quoted.push(format!("{} more", names.len() - SHOWN));
    }
    match quoted.as_slice() {
        [] => "names".to_string(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
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
    extra: Extra,
    fallbacks: &[(&'static str, fonts::Coverage)],
) -> Result<(Vec<u8>, String, BTreeSet<char>), ChartError> {
    let fail = |e: Box<dyn std::error::Error>| ChartError::Draw {
        chart: chart.name(),
        message: e.to_string(),
    };
    let (w, h) = (plot::W as u32, plot::H as u32);
    let cx = Cx::new(ctx.summary, true, fallbacks).with(extra);
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
        let vcx = Cx::new(ctx.summary, false, &[]).with(extra);
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

fn missing_glyph_warning(missing: &BTreeSet<char>, strings: &[String], user_font: bool) -> String {
    let shown: String = missing
        .iter()
        .take(24)
        .map(|&c| escape::terminal(&c.to_string()).into_owned())
        .collect();
    let more = if missing.len() > 24 {
        format!(" and {} more", missing.len() - 24)
    } else {
        String::new()
    };
    let names: Vec<&str> = strings
        .iter()
        .filter(|t| t.chars().any(|c| missing.contains(&c)))
        .map(String::as_str)
        .collect();
    let (font, remedy) = if user_font {
        (
            "the font given with --png-font has",
            "Pass a font that covers them: --png-font /path/to/font.ttf",
        )
    } else {
        (
            "neither the embedded DejaVu Sans nor any installed font has",
            "Install a font that has them (Debian: fonts-noto-cjk for Chinese, Japanese and \
             Korean, fonts-noto-core for most other scripts) or pass one: \
             --png-font /path/to/font.ttf",
        )
    };
    format!(
        "PNG charts: {font} a glyph for {shown}{more} (in {}); these characters appear as boxes \
         in the PNG files (SVG charts and report.html are not affected). {remedy}",
        listed(&names)
    )
}

#[cfg(test)]
mod tests;
