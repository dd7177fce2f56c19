//! The look every chart shares: canvas and type sizes chosen for a 16:9 slide read from the
//! back of a room, a palette that survives greyscale printing, hand-made axes (so ticks are
//! ours, never plotters' collapsing defaults), the finding-as-title header and the provenance
//! footer.

use std::cell::RefCell;
use std::collections::BTreeSet;

use plotters::coord::Shift;
use plotters::element::{PathElement, Polygon, Rectangle, Text};
use plotters::prelude::{DrawingArea, DrawingBackend};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, FontDesc, FontFamily, FontStyle, RGBColor, ShapeStyle, TextStyle};

use super::fonts::{self, Coverage, FAMILY};
use crate::report::format;
use crate::results::Summary;

/// Canvas size: 16:9 at full-HD, the size of a slide.
pub(crate) const W: i32 = 1920;
pub(crate) const H: i32 = 1080;
/// Outer margin.
pub(crate) const MARGIN: i32 = 56;

/// Type sizes in plotters units (the font's ascender-to-descender height in pixels; the em is
/// about 86% of it). Ticks and labels stay at or above 30 so they read on a projected slide.
pub(crate) const TITLE: f64 = 60.0;
pub(crate) const SUBTITLE: f64 = 36.0;
pub(crate) const AXIS: f64 = 34.0;
pub(crate) const TICK: f64 = 34.0;
pub(crate) const LABEL: f64 = 34.0;
pub(crate) const FOOTER: f64 = 27.0;

/// Text and structure.
pub(crate) const INK: RGBColor = RGBColor(0x1a, 0x1a, 0x1a);
pub(crate) const MUTED: RGBColor = RGBColor(0x50, 0x50, 0x50);
pub(crate) const GRID: RGBColor = RGBColor(0xdc, 0xdc, 0xdc);
pub(crate) const AXIS_LINE: RGBColor = RGBColor(0x40, 0x40, 0x40);
pub(crate) const WHITE: RGBColor = RGBColor(0xff, 0xff, 0xff);

/// Data colours, dark to light; their grey values differ by at least ~50 of 255.
pub(crate) const NAVY: RGBColor = RGBColor(0x0b, 0x33, 0x66);
pub(crate) const SKY: RGBColor = RGBColor(0x8d, 0xb8, 0xe0);
pub(crate) const PALE: RGBColor = RGBColor(0xd3, 0xe4, 0xf3);
/// Losses and costs: warm, mid-grey, and always drawn with a hatch as well.
pub(crate) const LOSS: RGBColor = RGBColor(0xd0, 0x55, 0x3c);
pub(crate) const LOSS_DARK: RGBColor = RGBColor(0x8a, 0x26, 0x12);
/// Highlight for markers and call-outs.
pub(crate) const ACCENT: RGBColor = RGBColor(0xc4, 0x5a, 0x00);

/// A fill: a colour, optionally with diagonal hatching so neighbours differ in greyscale too.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Swatch {
    pub fill: RGBColor,
    pub hatch: Option<RGBColor>,
}

/// Fills for benefits (capability groups): cool colours, distinct in lightness; past the
/// fourth the same lightness steps repeat with a hatch, so eight groups remain tellable apart
/// in greyscale. Costs use warm colours ([`cost_category`]) so a benefit segment never looks
/// like the cost segment below it.
pub(crate) fn category(i: usize) -> Swatch {
    const BASE: [RGBColor; 4] = [
        RGBColor(0x0b, 0x33, 0x66),
        RGBColor(0x2a, 0x8c, 0x82),
        RGBColor(0x74, 0xa9, 0xd8),
        RGBColor(0xcd, 0xe9, 0xdc),
    ];
    nth_swatch(&BASE, i)
}

/// The `i`-th fill from four lightness steps: plain for the first four, then hatched in a
/// contrasting colour (white on dark fills, ink on light ones).
fn nth_swatch(base: &[RGBColor; 4], i: usize) -> Swatch {
    let fill = base[i % 4];
    let hatch = match (i / 4) % 2 {
        0 => None,
        _ if luma(fill) < 128.0 => Some(WHITE),
        _ => Some(INK),
    };
    Swatch { fill, hatch }
}

/// Fills for costs: warm, dark to light, hatched past the fourth.
pub(crate) fn cost_category(i: usize) -> Swatch {
    const BASE: [RGBColor; 4] = [
        RGBColor(0x7f, 0x27, 0x04),
        RGBColor(0xee, 0x8a, 0x4a),
        RGBColor(0xb5, 0x47, 0x1a),
        RGBColor(0xf9, 0xd4, 0xb0),
    ];
    nth_swatch(&BASE, i)
}

/// Perceived grey value (0–255) of a colour, as a greyscale printer renders it.
pub(crate) fn luma(c: RGBColor) -> f64 {
    0.299 * c.0 as f64 + 0.587 * c.1 as f64 + 0.114 * c.2 as f64
}

/// What the chart modules return: plotters' backend errors boxed with the backend's type.
pub(crate) type DrawResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

/// Everything a chart needs while drawing: the data, and a pen that picks a font per string
/// and remembers which characters no available font could draw.
pub(crate) struct Cx<'a> {
    pub summary: &'a Summary,
    /// True when drawing pixels (PNG): glyphs come from our fonts, not the viewer's.
    png: bool,
    /// A user font for strings DejaVu cannot draw (PNG only).
    fallback: Option<(&'static str, Coverage)>,
    missing: RefCell<BTreeSet<char>>,
}

impl<'a> Cx<'a> {
    pub(crate) fn new(
        summary: &'a Summary,
        png: bool,
        fallback: Option<(&'static str, Coverage)>,
    ) -> Self {
        fonts::register_embedded();
        Cx {
            summary,
            png,
            fallback,
            missing: RefCell::new(BTreeSet::new()),
        }
    }

    /// Characters drawn as boxes because no font had them.
    pub(crate) fn missing_glyphs(&self) -> BTreeSet<char> {
        self.missing.borrow().clone()
    }

    /// The currency code of the run.
    pub(crate) fn currency(&self) -> &str {
        &self.summary.currency
    }

    /// Money as a label on the chart.
    pub(crate) fn money(&self, v: f64) -> String {
        format::money(v, self.currency())
    }

    /// The family to draw `text` with. SVG always names the fallback list (the viewer finds
    /// the glyphs); PNG uses DejaVu unless it lacks a glyph and the user font has them.
    fn family(&self, text: &str) -> &'static str {
        if !self.png {
            return FAMILY;
        }
        let lacking = fonts::dejavu_coverage().missing(text);
        if lacking.is_empty() {
            return FAMILY;
        }
        if let Some((family, cov)) = &self.fallback {
            self.missing.borrow_mut().extend(cov.missing(text));
            return family;
        }
        self.missing.borrow_mut().extend(lacking);
        FAMILY
    }

    fn font(&self, text: &str, size: f64, bold: bool) -> FontDesc<'static> {
        let style = if bold {
            FontStyle::Bold
        } else {
            FontStyle::Normal
        };
        FontDesc::new(FontFamily::Name(self.family(text)), size, style)
    }

    /// Width of `text` in pixels as it will be drawn. For SVG, characters DejaVu lacks are
    /// counted a full em wide (CJK glyphs are), so layouts leave room for the viewer's font.
    pub(crate) fn width(&self, text: &str, size: f64, bold: bool) -> i32 {
        if !self.png {
            let cov = fonts::dejavu_coverage();
            let kept: String = text.chars().filter(|&c| cov.has(c)).collect();
            let wide = text.chars().count() - kept.chars().count();
            let base = self.measure(&kept, size, bold);
            return base + (wide as f64 * size / 1.16).round() as i32;
        }
        self.measure(text, size, bold)
    }

    fn measure(&self, text: &str, size: f64, bold: bool) -> i32 {
        if text.is_empty() {
            return 0;
        }
        let font = self.font(text, size, bold);
        font.box_size(text)
            .map(|(w, _)| w as i32)
            .unwrap_or_else(|_| {
                // A font that cannot lay out still has a width: estimate 0.6 em a character.
                (text.chars().count() as f64 * size * 0.52) as i32
            })
    }

    /// Draws `text` anchored at `at` (h: left/centre/right, v: top/centre/bottom).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn text<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        text: &str,
        at: (i32, i32),
        size: f64,
        bold: bool,
        color: RGBColor,
        anchor: (HPos, VPos),
    ) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        if text.is_empty() {
            return Ok(());
        }
        let style = TextStyle {
            font: self.font(text, size, bold),
            color: color.to_backend_color(),
            pos: Pos::new(anchor.0, anchor.1),
        };
        root.draw(&Text::new(text.to_string(), at, style))?;
        Ok(())
    }

    /// The largest size ≤ `size` (down to 70% of it) at which `text` fits `max_w`; beyond
    /// that the text is shortened with an ellipsis so it can never run off the canvas.
    pub(crate) fn fit(&self, text: &str, max_w: i32, size: f64, bold: bool) -> (String, f64) {
        let mut s = size;
        while s > size * 0.7 {
            if self.width(text, s, bold) <= max_w {
                return (text.to_string(), s);
            }
            s -= 2.0;
        }
        let chars: Vec<char> = text.chars().collect();
        let mut n = chars.len();
        while n > 1 {
            n -= 1;
            let t: String = chars[..n].iter().collect::<String>().trim_end().to_string() + "…";
            if self.width(&t, s, bold) <= max_w {
                return (t, s);
            }
        }
        (text.to_string(), s)
    }
}

/// White space around the text of a [`label_box`], in pixels.
pub(crate) const LABEL_BOX_PAD: i32 = 8;

/// Text on a white box, for call-outs that sit over data.
#[allow(clippy::too_many_arguments)]
pub(crate) fn label_box<DB: DrawingBackend>(
    cx: &Cx,
    root: &DrawingArea<DB, Shift>,
    text: &str,
    at: (i32, i32),
    size: f64,
    bold: bool,
    color: RGBColor,
    anchor: (HPos, VPos),
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let w = cx.width(text, size, bold);
    let h = (size * 0.95) as i32;
    let x0 = match anchor.0 {
        HPos::Left => at.0,
        HPos::Center => at.0 - w / 2,
        HPos::Right => at.0 - w,
    };
    let y0 = match anchor.1 {
        VPos::Top => at.1,
        VPos::Center => at.1 - h / 2,
        VPos::Bottom => at.1 - h,
    };
    let pad = LABEL_BOX_PAD;
    root.draw(&Rectangle::new(
        [(x0 - pad, y0 - pad), (x0 + w + pad, y0 + h + pad)],
        WHITE.mix(0.9).filled(),
    ))?;
    cx.text(root, text, at, size, bold, color, anchor)
}

/// A label beside a marked point: up and to the left when it fits inside `plot`, else up
/// and to the right.
pub(crate) fn callout<DB: DrawingBackend>(
    cx: &Cx,
    root: &DrawingArea<DB, Shift>,
    plot: &Plot,
    text: &str,
    (px, py): (i32, i32),
    color: RGBColor,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let w = cx.width(text, LABEL, true);
    let (x, h) = if px - 22 - w > plot.left + 8 {
        (px - 22, HPos::Right)
    } else {
        (px + 22, HPos::Left)
    };
    label_box(
        cx,
        root,
        text,
        (x, py - 22),
        LABEL,
        true,
        color,
        (h, VPos::Bottom),
    )
}

/// Fills a rectangle (pixel coordinates, any corner order) with a swatch.
pub(crate) fn fill_rect<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    a: (i32, i32),
    b: (i32, i32),
    sw: Swatch,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
    let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
    if x1 <= x0 || y1 <= y0 {
        return Ok(());
    }
    root.draw(&Rectangle::new([(x0, y0), (x1, y1)], sw.fill.filled()))?;
    if let Some(h) = sw.hatch {
        hatch(root, (x0, y0), (x1, y1), h, 14)?;
    }
    Ok(())
}

/// Diagonal lines every `gap` pixels inside a rectangle: a fill that stays distinct in
/// greyscale and for colour-blind readers.
pub(crate) fn hatch<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    (x0, y0): (i32, i32),
    (x1, y1): (i32, i32),
    color: RGBColor,
    gap: i32,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    // Lines x + y = c (rising to the right on screen), clipped to the rectangle.
    let style = ShapeStyle::from(color).stroke_width(2);
    let first = (x0 + y0).div_euclid(gap) * gap + gap;
    let mut c = first;
    while c < x1 + y1 {
        let xa = x0.max(c - y1);
        let xb = x1.min(c - y0);
        if xa < xb {
            root.draw(&PathElement::new(vec![(xa, c - xa), (xb, c - xb)], style))?;
        }
        c += gap;
    }
    Ok(())
}

/// A straight line in pixel coordinates.
pub(crate) fn line<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    a: (i32, i32),
    b: (i32, i32),
    color: RGBColor,
    width: u32,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    root.draw(&PathElement::new(
        vec![a, b],
        ShapeStyle::from(color).stroke_width(width),
    ))?;
    Ok(())
}

/// A dashed line in pixel coordinates (dash length in pixels; gaps are 0.8 of it).
pub(crate) fn dashed<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    a: (i32, i32),
    b: (i32, i32),
    color: RGBColor,
    width: u32,
    dash: f64,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    polyline(root, &[a, b], color, width, Some(dash))
}

/// A polyline in pixel coordinates; `dash = Some(length)` draws it dashed, the pattern
/// running on across vertices so short segments (a month each) still show their dashes.
pub(crate) fn polyline<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    pts: &[(i32, i32)],
    color: RGBColor,
    width: u32,
    dash: Option<f64>,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let style = ShapeStyle::from(color).stroke_width(width);
    let Some(dash) = dash.filter(|d| *d > 0.0) else {
        root.draw(&PathElement::new(pts.to_vec(), style))?;
        return Ok(());
    };
    for run in dash_runs(pts, dash, dash * 0.8) {
        root.draw(&PathElement::new(run, style))?;
    }
    Ok(())
}

/// Splits a polyline into the pieces a dash pattern (`on` pixels drawn, `off` skipped)
/// leaves visible, continuing the pattern from one segment to the next.
fn dash_runs(pts: &[(i32, i32)], on: f64, off: f64) -> Vec<Vec<(i32, i32)>> {
    let mut runs = Vec::new();
    let mut run: Vec<(i32, i32)> = Vec::new();
    // Position within the current dash or gap, and which of the two we are in.
    let (mut used, mut drawing) = (0.0, true);
    for w in pts.windows(2) {
        let (p, q) = (w[0], w[1]);
        let (dx, dy) = ((q.0 - p.0) as f64, (q.1 - p.1) as f64);
        let len = (dx * dx + dy * dy).sqrt();
        if len == 0.0 {
            continue;
        }
        let at = |t: f64| {
            (
                p.0 + (dx * t / len).round() as i32,
                p.1 + (dy * t / len).round() as i32,
            )
        };
        let mut t = 0.0;
        while t < len {
            let limit = if drawing { on } else { off };
            let step = (limit - used).min(len - t);
            if drawing {
                if run.is_empty() {
                    run.push(at(t));
                }
                run.push(at(t + step));
            }
            t += step;
            used += step;
            if used >= limit - 1e-9 {
                if drawing {
                    runs.push(std::mem::take(&mut run));
                }
                drawing = !drawing;
                used = 0.0;
            }
        }
    }
    if run.len() > 1 {
        runs.push(run);
    }
    runs
}

/// A filled polygon in pixel coordinates.
pub(crate) fn polygon<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    pts: Vec<(i32, i32)>,
    color: RGBColor,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    root.draw(&Polygon::new(pts, color.filled()))?;
    Ok(())
}

/// One axis: its range, where its ticks go and what they say, and its title.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Axis {
    pub lo: f64,
    pub hi: f64,
    pub ticks: Vec<(f64, String)>,
    pub title: String,
}

/// A "nice" step (1, 2, 2.5 or 5 × 10^k) giving at most `max_ticks` intervals over `span`.
pub(crate) fn nice_step(span: f64, max_ticks: usize) -> f64 {
    let span = if span.is_finite() && span > 0.0 {
        span
    } else {
        1.0
    };
    let raw = span / max_ticks.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| span / s <= max_ticks as f64 + 1e-9)
        .unwrap_or(10.0 * mag)
}

impl Axis {
    /// A money axis covering `[lo, hi]`, widened to whole ticks, labelled `$250k`, `$1.5M`.
    pub(crate) fn money(lo: f64, hi: f64, currency: &str, max_ticks: usize, title: &str) -> Axis {
        let (lo, hi) = if hi > lo {
            (lo, hi)
        } else {
            (lo - 1.0, lo + 1.0)
        };
        let step = nice_step(hi - lo, max_ticks);
        let a = (lo / step + 1e-9).floor() * step;
        let b = (hi / step - 1e-9).ceil() * step;
        let n = ((b - a) / step).round() as i64;
        let ticks = (0..=n)
            .map(|i| {
                let v = a + i as f64 * step;
                let v = if v.abs() < step * 1e-9 { 0.0 } else { v };
                (v, format::money_tick(v, currency, step))
            })
            .collect();
        Axis {
            lo: a,
            hi: b,
            ticks,
            title: title.to_string(),
        }
    }

    /// A share axis from 0 to `hi` in steps of `step`, labelled in percent with as many
    /// decimals as the step needs (0.5% steps read "0.5%", never a repeated "1%").
    pub(crate) fn percent(hi: f64, step: f64, title: &str) -> Axis {
        let n = (hi / step).round() as i64;
        let decimals = (0..=3)
            .find(|&d| {
                let x = step * 100.0 * 10f64.powi(d);
                (x - x.round()).abs() < 1e-6
            })
            .unwrap_or(3) as usize;
        let ticks = (0..=n)
            .map(|i| {
                let v = i as f64 * step;
                (v, format!("{:.*}%", decimals, v * 100.0))
            })
            .collect();
        Axis {
            lo: 0.0,
            hi,
            ticks,
            title: title.to_string(),
        }
    }

    /// Months 0..=horizon; calendar labels ("Jan 2028") when the scenario has a start month.
    pub(crate) fn months(horizon: u32, start: Option<&str>, title_if_no_start: &str) -> Axis {
        let horizon = horizon.max(1);
        let calendar = start.and_then(|s| format::calendar_month(s, 0)).is_some();
        let max_ticks = if calendar { 8 } else { 10 };
        let step = [1, 2, 3, 6, 12, 24, 36, 60, 120, 240]
            .into_iter()
            .find(|s| horizon / s <= max_ticks)
            .unwrap_or(600);
        let ticks = (0..=horizon)
            .step_by(step as usize)
            .map(|m| {
                let label = start
                    .and_then(|s| format::calendar_month(s, m))
                    .unwrap_or_else(|| m.to_string());
                (m as f64, label)
            })
            .collect();
        let title = match start.and_then(|s| format::calendar_month(s, 0)) {
            Some(first) => format!("Month (month 0 = {first})"),
            None => title_if_no_start.to_string(),
        };
        Axis {
            lo: 0.0,
            hi: horizon as f64,
            ticks,
            title,
        }
    }
}

/// The plotting rectangle in pixels and the data ranges it shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Plot {
    pub left: i32,
    pub top: i32,
    pub right: i32,
    pub bottom: i32,
    pub x: (f64, f64),
    pub y: (f64, f64),
}

impl Plot {
    /// Pixel column of data value `x`, clamped to the plot.
    pub(crate) fn px(&self, x: f64) -> i32 {
        let t = ((x - self.x.0) / (self.x.1 - self.x.0)).clamp(0.0, 1.0);
        self.left + (t * (self.right - self.left) as f64).round() as i32
    }

    /// Pixel row of data value `y`, clamped to the plot.
    pub(crate) fn py(&self, y: f64) -> i32 {
        let t = ((y - self.y.0) / (self.y.1 - self.y.0)).clamp(0.0, 1.0);
        self.bottom - (t * (self.bottom - self.top) as f64).round() as i32
    }

    /// Pixel position of a data point.
    pub(crate) fn at(&self, x: f64, y: f64) -> (i32, i32) {
        (self.px(x), self.py(y))
    }
}

/// Top of the plotting area: below the title, subtitle and the y-axis title.
pub(crate) const PLOT_TOP: i32 = 236;
/// Bottom of the plotting area when there is an x axis with a title under it.
pub(crate) const PLOT_BOTTOM: i32 = H - 190;

/// Options for [`frame`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct FrameOpts {
    /// Extra space right of the plot (for direct labels).
    pub right_pad: i32,
    /// Vertical gridlines at the x ticks.
    pub vgrid: bool,
    /// Space reserved under the plot for the x axis (ticks and title).
    pub bottom: i32,
    /// Smallest left edge of the plot (room for category labels).
    pub min_left: i32,
}

impl Default for FrameOpts {
    fn default() -> Self {
        FrameOpts {
            right_pad: 0,
            vgrid: false,
            bottom: PLOT_BOTTOM,
            min_left: 0,
        }
    }
}

/// Draws gridlines, axes, tick labels and axis titles; returns where the data goes.
/// The y-axis title sits horizontally above the axis, where it reads without tilting one's
/// head.
pub(crate) fn frame<DB: DrawingBackend>(
    cx: &Cx,
    root: &DrawingArea<DB, Shift>,
    x: &Axis,
    y: &Axis,
    opts: FrameOpts,
) -> DrawResult<Plot>
where
    DB::ErrorType: 'static,
{
    let tick_w = y
        .ticks
        .iter()
        .map(|(_, t)| cx.width(t, TICK, false))
        .max()
        .unwrap_or(0);
    let last_x_label = x
        .ticks
        .last()
        .map(|(_, t)| cx.width(t, TICK, false))
        .unwrap_or(0);
    let plot = Plot {
        left: (MARGIN + tick_w + 18).max(opts.min_left),
        top: PLOT_TOP,
        right: W - MARGIN - opts.right_pad.max(last_x_label / 2),
        bottom: opts.bottom,
        x: (x.lo, x.hi),
        y: (y.lo, y.hi),
    };
    for (v, label) in &y.ticks {
        let py = plot.py(*v);
        let color = if *v == 0.0 && y.lo < 0.0 {
            AXIS_LINE
        } else {
            GRID
        };
        line(root, (plot.left, py), (plot.right, py), color, 2)?;
        cx.text(
            root,
            label,
            (plot.left - 14, py),
            TICK,
            false,
            INK,
            (HPos::Right, VPos::Center),
        )?;
    }
    for (v, label) in &x.ticks {
        let px = plot.px(*v);
        if opts.vgrid {
            line(root, (px, plot.top), (px, plot.bottom), GRID, 2)?;
        }
        line(
            root,
            (px, plot.bottom),
            (px, plot.bottom + 10),
            AXIS_LINE,
            2,
        )?;
        cx.text(
            root,
            label,
            (px, plot.bottom + 16),
            TICK,
            false,
            INK,
            (HPos::Center, VPos::Top),
        )?;
    }
    line(
        root,
        (plot.left, plot.bottom),
        (plot.right, plot.bottom),
        AXIS_LINE,
        2,
    )?;
    cx.text(
        root,
        &y.title,
        (MARGIN, PLOT_TOP - 24),
        AXIS,
        false,
        MUTED,
        (HPos::Left, VPos::Bottom),
    )?;
    cx.text(
        root,
        &x.title,
        ((plot.left + plot.right) / 2, plot.bottom + 70),
        AXIS,
        false,
        MUTED,
        (HPos::Center, VPos::Top),
    )?;
    Ok(plot)
}

/// The white canvas, the title (the finding, in words) and a subtitle (what is plotted).
pub(crate) fn header<DB: DrawingBackend>(
    cx: &Cx,
    root: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: &str,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let max_w = W - 2 * MARGIN;
    let (t, size) = cx.fit(title, max_w, TITLE, true);
    cx.text(
        root,
        &t,
        (MARGIN, 44),
        size,
        true,
        INK,
        (HPos::Left, VPos::Top),
    )?;
    let (s, size) = cx.fit(subtitle, max_w, SUBTITLE, false);
    cx.text(
        root,
        &s,
        (MARGIN, 122),
        size,
        false,
        MUTED,
        (HPos::Left, VPos::Top),
    )?;
    Ok(())
}

/// Draws the footer, with an optional chart note on the right.
pub(crate) fn footer<DB: DrawingBackend>(
    cx: &Cx,
    root: &DrawingArea<DB, Shift>,
    note: Option<&str>,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let y = H - 28;
    line(root, (MARGIN, y - 44), (W - MARGIN, y - 44), GRID, 2)?;
    let note_w = note.map(|n| cx.width(n, FOOTER, false) + 40).unwrap_or(0);
    let (text, size) = cx.fit(
        &crate::report::sentences::provenance(cx.summary),
        W - 2 * MARGIN - note_w,
        FOOTER,
        false,
    );
    cx.text(
        root,
        &text,
        (MARGIN, y),
        size,
        false,
        MUTED,
        (HPos::Left, VPos::Bottom),
    )?;
    if let Some(n) = note {
        cx.text(
            root,
            n,
            (W - MARGIN, y),
            FOOTER,
            false,
            MUTED,
            (HPos::Right, VPos::Bottom),
        )?;
    }
    Ok(())
}

/// A legend entry: label and how its key is drawn.
pub(crate) enum Key {
    /// A filled box.
    Fill(Swatch),
    /// A line sample (colour, width, dashed).
    Line(RGBColor, u32, bool),
}

/// Height of one legend row.
pub(crate) const LEGEND_ROW: i32 = 48;

/// Where legend entries go, left to right from `(x, y)`, wrapping at `max_x`: the top-left of
/// each entry, and the bottom of the legend.
pub(crate) fn legend_layout(
    cx: &Cx,
    items: &[(String, Key)],
    (x, y): (i32, i32),
    max_x: i32,
) -> (Vec<(i32, i32)>, i32) {
    let (mut ex, mut ey) = (x, y);
    let mut at = Vec::with_capacity(items.len());
    for (label, _) in items {
        let w = 52 + cx.width(label, LABEL, false) + 40;
        if ex + w - 40 > max_x && ex > x {
            ex = x;
            ey += LEGEND_ROW;
        }
        at.push((ex, ey));
        ex += w;
    }
    (at, ey + LEGEND_ROW)
}

/// Draws legend entries laid out by [`legend_layout`]; returns the bottom.
pub(crate) fn legend<DB: DrawingBackend>(
    cx: &Cx,
    root: &DrawingArea<DB, Shift>,
    items: &[(String, Key)],
    origin: (i32, i32),
    max_x: i32,
) -> DrawResult<i32>
where
    DB::ErrorType: 'static,
{
    let (at, bottom) = legend_layout(cx, items, origin, max_x);
    for ((label, key), (ex, ey)) in items.iter().zip(at) {
        let mid = ey + LEGEND_ROW / 2;
        match key {
            Key::Fill(sw) => {
                fill_rect(root, (ex, mid - 16), (ex + 40, mid + 16), *sw)?;
                root.draw(&Rectangle::new(
                    [(ex, mid - 16), (ex + 40, mid + 16)],
                    ShapeStyle::from(AXIS_LINE).stroke_width(1),
                ))?;
            }
            Key::Line(c, width, dash) => {
                let d = dash.then_some(10.0);
                polyline(root, &[(ex, mid), (ex + 40, mid)], *c, *width, d)?;
            }
        }
        cx.text(
            root,
            label,
            (ex + 52, mid),
            LABEL,
            false,
            INK,
            (HPos::Left, VPos::Center),
        )?;
    }
    Ok(bottom)
}

/// Places labels along one axis so they do not overlap: each wants to sit at `want`, is
/// `size` long, and must stay within `[lo, hi]`. Returns the positions in input order.
pub(crate) fn spread(want: &[i32], size: i32, lo: i32, hi: i32) -> Vec<i32> {
    let mut order: Vec<usize> = (0..want.len()).collect();
    order.sort_by_key(|&i| want[i]);
    let mut pos: Vec<i32> = order.iter().map(|&i| want[i].clamp(lo, hi)).collect();
    for k in 1..pos.len() {
        pos[k] = pos[k].max(pos[k - 1] + size);
    }
    // Push back from the far end if the last one overflowed.
    if let Some(last) = pos.last_mut() {
        *last = (*last).min(hi);
    }
    for k in (0..pos.len().saturating_sub(1)).rev() {
        pos[k] = pos[k].min(pos[k + 1] - size);
    }
    let mut out = vec![0; want.len()];
    for (k, &i) in order.iter().enumerate() {
        out[i] = pos[k];
    }
    out
}

/// Says plainly that there is nothing to draw, instead of leaving an empty frame.
pub(crate) fn no_data<DB: DrawingBackend>(cx: &Cx, root: &DrawingArea<DB, Shift>) -> DrawResult
where
    DB::ErrorType: 'static,
{
    cx.text(
        root,
        "No data for this chart in these results",
        (W / 2, H / 2),
        SUBTITLE,
        false,
        MUTED,
        (HPos::Center, VPos::Center),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(100.0, 10), 10.0);
        assert_eq!(nice_step(90e6, 8), 20e6);
        assert_eq!(nice_step(1.0, 4), 0.25);
        assert_eq!(nice_step(0.0, 4), 0.25);
    }

    #[test]
    fn money_axis_ticks_are_distinct_over_many_ranges() {
        for (lo, hi) in [
            (-12e6, 87e6),
            (0.0, 1.3e6),
            (-2.5e5, 9.9e5),
            (1.0, 7.0),
            (-3e9, 2.2e10),
            (0.0, 0.0),
        ] {
            for n in [4, 6, 8, 10] {
                let a = Axis::money(lo, hi, "USD", n, "");
                let labels: Vec<&String> = a.ticks.iter().map(|(_, t)| t).collect();
                let mut d = labels.clone();
                d.sort();
                d.dedup();
                assert_eq!(d.len(), labels.len(), "{lo} {hi} {n}: {labels:?}");
                assert!(a.lo <= lo && a.hi >= hi);
                assert!(labels.iter().all(|l| *l != "-$0"));
            }
        }
        let a = Axis::money(-12e6, 87e6, "USD", 6, "");
        let labels: Vec<String> = a.ticks.into_iter().map(|(_, t)| t).collect();
        assert_eq!(
            labels,
            ["-$20M", "$0", "$20M", "$40M", "$60M", "$80M", "$100M"]
        );
    }

    #[test]
    fn month_axis_uses_calendar_when_known() {
        let a = Axis::months(60, Some("2028-01"), "Months");
        assert_eq!(a.ticks[0].1, "Jan 2028");
        assert_eq!(a.ticks[1], (12.0, "Jan 2029".to_string()));
        let b = Axis::months(36, None, "Months after start");
        assert_eq!(b.ticks[1], (6.0, "6".to_string()));
        assert_eq!(b.title, "Months after start");
    }

    #[test]
    fn dashes_continue_across_short_segments() {
        // Ten 5-pixel segments with 20-on/16-off dashes: the first dash spans four segments.
        let pts: Vec<(i32, i32)> = (0..=10).map(|i| (i * 5, 0)).collect();
        let runs = dash_runs(&pts, 20.0, 16.0);
        assert_eq!(runs[0].first(), Some(&(0, 0)));
        assert_eq!(runs[0].last(), Some(&(20, 0)));
        assert_eq!(runs[1].first(), Some(&(36, 0)));
        assert_eq!(runs[1].last(), Some(&(50, 0)));
        assert_eq!(runs.len(), 2);
    }

    #[test]
    fn spread_separates_and_keeps_order() {
        let p = spread(&[100, 105, 300], 40, 0, 1000);
        assert_eq!(p, vec![100, 140, 300]);
        let p = spread(&[990, 995], 40, 0, 1000);
        assert_eq!(p, vec![960, 1000]);
    }

    #[test]
    fn palettes_differ_in_greyscale() {
        for pal in [category as fn(usize) -> Swatch, cost_category] {
            let mut l: Vec<f64> = (0..4).map(|i| luma(pal(i).fill)).collect();
            l.sort_by(f64::total_cmp);
            for w in l.windows(2) {
                assert!(w[1] - w[0] > 35.0, "{l:?}");
            }
        }
        assert!(luma(NAVY) + 50.0 < luma(LOSS));
    }
}
