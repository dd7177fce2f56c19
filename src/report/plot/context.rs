//! [`Cx`], what a chart draws with: the results it shows, and a pen that picks a font for each
//! string, measures text as it will be drawn, fits it to the room there is, and remembers the
//! characters no available font could draw (so they become a warning, not a silent box).

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;

use plotters::element::Text;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, FontDesc, FontFamily, FontStyle, RGBColor, TextStyle};

use super::canvas::{Area, DrawResult};
use super::fonts::{self, Coverage, FAMILY};
use crate::report::{escape, format};
use crate::results::{Comparison, Diff, Summary};

/// What a chart shows beyond one run: a comparison of scenarios, or the attribution of a
/// change between two versions of one. A chart of a run has neither.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) enum Extra<'a> {
    #[default]
    Run,
    Comparison(&'a Comparison),
    Diff(&'a Diff),
}

/// Everything a chart needs while drawing: the data, and a pen that picks a font per string
/// and remembers which characters no available font could draw.
pub(crate) struct Cx<'a> {
    /// The run shown; for a comparison the baseline's, for a diff the new version's.
    pub summary: &'a Summary,
    /// A comparison or a diff, for the charts that show one.
    pub extra: Extra<'a>,
    /// True when drawing pixels (PNG): glyphs come from our fonts, not the viewer's.
    png: bool,
    /// Fonts for strings DejaVu cannot draw (PNG only): the user's, or those found installed.
    fallbacks: &'a [(&'static str, Coverage)],
    missing: RefCell<BTreeSet<char>>,
    /// Text measurements made and the characters they covered: the work layout does, counted
    /// so tests can hold it linear in the length of the text.
    measured: Cell<(u64, u64)>,
}

impl<'a> Cx<'a> {
    pub(crate) fn new(
        summary: &'a Summary,
        png: bool,
        fallbacks: &'a [(&'static str, Coverage)],
    ) -> Self {
        fonts::register_embedded();
        Cx {
            summary,
            extra: Extra::Run,
            png,
            fallbacks,
            missing: RefCell::new(BTreeSet::new()),
            measured: Cell::new((0, 0)),
        }
    }

    /// The same pen for a chart of `extra`.
    pub(crate) fn with(self, extra: Extra<'a>) -> Self {
        Cx { extra, ..self }
    }

    /// The comparison being drawn, if any.
    pub(crate) fn comparison(&self) -> Option<&'a Comparison> {
        match self.extra {
            Extra::Comparison(c) => Some(c),
            _ => None,
        }
    }

    /// The diff being drawn, if any.
    pub(crate) fn diff(&self) -> Option<&'a Diff> {
        match self.extra {
            Extra::Diff(d) => Some(d),
            _ => None,
        }
    }

    /// Where the figure came from, for the footer.
    pub(crate) fn provenance(&self) -> String {
        match self.extra {
            Extra::Run => crate::report::sentences::provenance(self.summary),
            Extra::Comparison(c) => crate::report::comparison::provenance(c),
            Extra::Diff(d) => crate::report::diff::provenance(d),
        }
    }

    /// Characters drawn as boxes because no font had them.
    pub(crate) fn missing_glyphs(&self) -> BTreeSet<char> {
        self.missing.borrow().clone()
    }

    /// `(measurements, characters measured)` so far.
    #[cfg(test)]
    pub(crate) fn measurements(&self) -> (u64, u64) {
        self.measured.get()
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
    /// the glyphs); PNG uses DejaVu unless it lacks a glyph, and then the fallback font that
    /// can draw most of `text` (the first of equals).
    fn family(&self, text: &str) -> &'static str {
        if !self.png {
            return FAMILY;
        }
        let lacking = fonts::dejavu_coverage().missing(text);
        if lacking.is_empty() {
            return FAMILY;
        }
        let best = self
            .fallbacks
            .iter()
            .map(|(family, cov)| (cov.missing(text), *family))
            .min_by_key(|(missing, _)| missing.len());
        match best {
            Some((missing, family)) => {
                self.missing.borrow_mut().extend(missing);
                family
            }
            None => {
                self.missing.borrow_mut().extend(lacking);
                FAMILY
            }
        }
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
        let text = &*escape::chart(text);
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
        let (calls, chars) = self.measured.get();
        self.measured
            .set((calls + 1, chars + text.chars().count() as u64));
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
        let text = escape::chart(text);
        let style = TextStyle {
            font: self.font(&text, size, bold),
            color: color.to_backend_color(),
            pos: Pos::new(anchor.0, anchor.1),
        };
        root.draw(&Text::new(text.into_owned(), at, style))?;
        Ok(())
    }

    /// The largest size ≤ `size` (down to 70% of it) at which `text` fits `max_w`; beyond
    /// that the text is shortened with an ellipsis so it can never run off the canvas.
    pub(crate) fn fit(&self, text: &str, max_w: i32, size: f64, bold: bool) -> (String, f64) {
        let text = escape::chart(text);
        let mut s = size;
        while s > size * 0.7 {
            if self.width(&text, s, bold) <= max_w {
                return (text.into_owned(), s);
            }
            s -= 2.0;
        }
        (self.shorten(&text, max_w, s, bold).into_owned(), s)
    }

    /// `text` as it fits `max_w` at `size`: whole when it fits, else its longest start that
    /// fits with an ellipsis after it (the whole text when not even one character does).
    ///
    /// The start is found by doubling its length until it no longer fits, then halving the
    /// interval: a few dozen measurements, none longer than twice what fits, so the work is
    /// bounded by the room on the canvas, not by the length of the text.
    pub(crate) fn shorten<'t>(
        &self,
        text: &'t str,
        max_w: i32,
        size: f64,
        bold: bool,
    ) -> Cow<'t, str> {
        let fits = |t: &str| self.width(t, size, bold) <= max_w;
        if fits(text) {
            return Cow::Borrowed(text);
        }
        // Byte offsets after the first 1, 2, … characters, as far as they are needed.
        let mut ends = text.char_indices().map(|(i, c)| i + c.len_utf8());
        let mut known: Vec<usize> = Vec::new();
        let mut end_of = |n: usize| -> Option<usize> {
            while known.len() < n {
                known.push(ends.next()?);
            }
            Some(known[n - 1])
        };
        let shortened = |end: usize| format!("{}…", text[..end].trim_end());
        // Keep `n` characters, 1 ≤ n < all of them; `good` fits, `bad` does not (or is all).
        let Some(first) = end_of(1).filter(|&e| e < text.len()) else {
            return Cow::Borrowed(text);
        };
        if !fits(&shortened(first)) {
            return Cow::Borrowed(text);
        }
        let (mut good, mut bad) = (1usize, None);
        while bad.is_none() {
            let n = good * 2;
            match end_of(n).filter(|&e| e < text.len()) {
                Some(end) if fits(&shortened(end)) => good = n,
                // Too wide, or all of the text (which did not fit whole).
                _ => bad = Some(n),
            }
        }
        let mut bad = bad.unwrap_or(good + 1);
        while bad - good > 1 {
            let mid = good + (bad - good) / 2;
            match end_of(mid) {
                Some(end) if end < text.len() && fits(&shortened(end)) => good = mid,
                _ => bad = mid,
            }
        }
        let end = end_of(good).unwrap_or(text.len());
        Cow::Owned(shortened(end))
    }
}
