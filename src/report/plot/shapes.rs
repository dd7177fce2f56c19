//! The marks charts are made of, in pixel coordinates: lines (solid or dashed, the dash
//! pattern running on across vertices), filled and hatched rectangles, polygons, and labels
//! on white boxes that stay readable over data.

use plotters::element::{PathElement, Polygon, Rectangle};
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{Color, RGBColor, ShapeStyle};

use super::axis::Plot;
use super::canvas::{Area, DrawResult};
use super::context::Cx;
use super::theme::{LABEL, Swatch, WHITE};

/// White space around the text of a [`label_box`], in pixels.
pub(crate) const LABEL_BOX_PAD: i32 = 8;

/// Text on a white box, for call-outs that sit over data.
#[allow(clippy::too_many_arguments)]
pub(crate) fn label_box(
    cx: &Cx,
    root: &Area,
    text: &str,
    at: (i32, i32),
    size: f64,
    bold: bool,
    color: RGBColor,
    anchor: (HPos, VPos),
) -> DrawResult {
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
pub(crate) fn callout(
    cx: &Cx,
    root: &Area,
    plot: &Plot,
    text: &str,
    (px, py): (i32, i32),
    color: RGBColor,
) -> DrawResult {
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
pub(crate) fn fill_rect(root: &Area, a: (i32, i32), b: (i32, i32), sw: Swatch) -> DrawResult {
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
pub(crate) fn hatch(
    root: &Area,
    (x0, y0): (i32, i32),
    (x1, y1): (i32, i32),
    color: RGBColor,
    gap: i32,
) -> DrawResult {
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
pub(crate) fn line(
    root: &Area,
    a: (i32, i32),
    b: (i32, i32),
    color: RGBColor,
    width: u32,
) -> DrawResult {
    root.draw(&PathElement::new(
        vec![a, b],
        ShapeStyle::from(color).stroke_width(width),
    ))?;
    Ok(())
}

/// A dashed line in pixel coordinates (dash length in pixels; gaps are 0.8 of it).
pub(crate) fn dashed(
    root: &Area,
    a: (i32, i32),
    b: (i32, i32),
    color: RGBColor,
    width: u32,
    dash: f64,
) -> DrawResult {
    polyline(root, &[a, b], color, width, Some(dash))
}

/// A polyline in pixel coordinates; `dash = Some(length)` draws it dashed, the pattern
/// running on across vertices so short segments (a month each) still show their dashes.
pub(crate) fn polyline(
    root: &Area,
    pts: &[(i32, i32)],
    color: RGBColor,
    width: u32,
    dash: Option<f64>,
) -> DrawResult {
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
pub(crate) fn polygon(root: &Area, pts: Vec<(i32, i32)>, color: RGBColor) -> DrawResult {
    root.draw(&Polygon::new(pts, color.filled()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
