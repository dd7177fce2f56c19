//! [`Cx`], what a chart draws with: the results it shows, and a pen that picks a font for each
//! string, measures text as it will be drawn, fits it to the room there is, and remembers the
//! characters no available font could draw (so they become a warning, not a silent box).

use std::cell::RefCell;
use std::collections::BTreeSet;

use plotters::element::Text;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, FontDesc, FontFamily, FontStyle, RGBColor, TextStyle};

use super::canvas::{Area, DrawResult};
use super::fonts::{self, Coverage, FAMILY};
use crate::report::format;
use crate::results::Summary;

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
    pub(crate) fn text(
        &self,
        root: &Area,
        text: &str,
        at: (i32, i32),
        size: f64,
        bold: bool,
        color: RGBColor,
        anchor: (HPos, VPos),
    ) -> DrawResult {
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
