//! The look every chart shares: a 16:9 canvas and type sizes chosen for a slide read from the
//! back of a room, and a palette that survives greyscale printing (fills that would print
//! alike are told apart by a hatch).

use plotters::style::RGBColor;

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

#[cfg(test)]
mod tests {
    use super::*;

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
