//! The parts of a slide around the data: the header (the finding as the title, what is
//! plotted as the subtitle), the provenance footer, legends, labels spread so they never
//! overlap, and the plain "no data" message.

use plotters::element::Rectangle;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{RGBColor, ShapeStyle};

use super::canvas::{Area, DrawResult};
use super::context::Cx;
use super::shapes::{fill_rect, line, polyline};
use super::theme::{
    AXIS_LINE, FOOTER, GRID, H, INK, LABEL, MARGIN, MUTED, SUBTITLE, Swatch, TITLE, W, WHITE,
};

/// The white canvas, the title (the finding, in words) and a subtitle (what is plotted).
pub(crate) fn header(cx: &Cx, root: &Area, title: &str, subtitle: &str) -> DrawResult {
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
pub(crate) fn footer(cx: &Cx, root: &Area, note: Option<&str>) -> DrawResult {
    let y = H - 28;
    line(root, (MARGIN, y - 44), (W - MARGIN, y - 44), GRID, 2)?;
    let note_w = note.map(|n| cx.width(n, FOOTER, false) + 40).unwrap_or(0);
    let (text, size) = cx.fit(&cx.provenance(), W - 2 * MARGIN - note_w, FOOTER, false);
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

/// The widest a legend label is drawn; longer ones end in an ellipsis.
const LEGEND_LABEL_MAX: i32 = W * 2 / 5;

/// A legend label as drawn: shortened with an ellipsis past [`LEGEND_LABEL_MAX`].
pub(crate) fn legend_label<'t>(cx: &Cx, label: &'t str) -> std::borrow::Cow<'t, str> {
    cx.shorten(label, LEGEND_LABEL_MAX, LABEL, false)
}

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
        let w = 52 + cx.width(&legend_label(cx, label), LABEL, false) + 40;
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
pub(crate) fn legend(
    cx: &Cx,
    root: &Area,
    items: &[(String, Key)],
    origin: (i32, i32),
    max_x: i32,
) -> DrawResult<i32> {
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
            &legend_label(cx, label),
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
pub(crate) fn no_data(cx: &Cx, root: &Area) -> DrawResult {
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
    fn spread_separates_and_keeps_order() {
        let p = spread(&[100, 105, 300], 40, 0, 1000);
        assert_eq!(p, vec![100, 140, 300]);
        let p = spread(&[990, 995], 40, 0, 1000);
        assert_eq!(p, vec![960, 1000]);
    }
}
