//! What the charts of several scenarios share: each scenario's letter (A is the baseline),
//! colour and line, the key that names them under the plot, and letter labels that never
//! overlap. Names can be long and there can be eight: the plot carries only letters, the key
//! gives each name a full half-width row, shortened with an ellipsis only past that.

use plotters::element::Circle;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{Color, RGBColor};

use crate::report::comparison::letter;
use crate::report::plot::{Area, Cx, DrawResult, MARGIN, PLOT_BOTTOM, W, WHITE, polyline};

/// Key text size: smaller than labels, still read from the back of a room.
pub(super) const KEY_SIZE: f64 = 30.0;
/// Height of one key row.
const KEY_ROW: i32 = 44;

/// Line colours, baseline first: dark navy, then hues that stay apart for the common colour
/// vision deficiencies (after Okabe and Ito); every other one dashed, so neighbours differ in
/// greyscale too.
const COLORS: [RGBColor; 8] = [
    RGBColor(0x0b, 0x33, 0x66),
    RGBColor(0xd5, 0x5e, 0x00),
    RGBColor(0x00, 0x9e, 0x73),
    RGBColor(0xcc, 0x79, 0xa7),
    RGBColor(0x00, 0x72, 0xb2),
    RGBColor(0xe6, 0x9f, 0x00),
    RGBColor(0x56, 0x56, 0x56),
    RGBColor(0x56, 0xb4, 0xe9),
];

/// How scenario `i` is drawn.
#[derive(Debug, Clone, Copy)]
pub(super) struct Series {
    pub color: RGBColor,
    pub width: u32,
    pub dash: Option<f64>,
    pub letter: char,
}

/// Scenario `i` (0: the baseline).
pub(super) fn series(i: usize) -> Series {
    Series {
        color: COLORS[i % COLORS.len()],
        width: if i == 0 { 7 } else { 5 },
        dash: (i.is_multiple_of(2) && i > 0).then_some(18.0),
        letter: letter(i),
    }
}

/// Rows the key of `n` scenarios takes: one column up to three, two beyond.
fn key_rows(n: usize) -> i32 {
    if n <= 3 {
        n as i32
    } else {
        n.div_ceil(2) as i32
    }
}

/// The bottom of the plot when the key of `n` scenarios goes under the x axis.
pub(super) fn plot_bottom(n: usize) -> i32 {
    PLOT_BOTTOM - key_rows(n) * KEY_ROW - 16
}

/// The key under the x axis of a plot whose bottom is [`plot_bottom`]: each scenario's line
/// sample, letter and name (`(baseline)` after the first), in one column up to three
/// scenarios, two beyond.
pub(super) fn key(cx: &Cx, root: &Area, names: &[&str], plot_bottom: i32) -> DrawResult {
    let n = names.len();
    let columns = if n <= 3 { 1 } else { 2 };
    // Below the x axis's ticks and title (which end about 115 pixels under the plot).
    let top = plot_bottom + 122;
    let col_w = (W - 2 * MARGIN) / columns;
    for (i, name) in names.iter().enumerate() {
        let (c, r) = if columns == 1 {
            (0, i as i32)
        } else {
            ((i as i32) / key_rows(n), (i as i32) % key_rows(n))
        };
        let (x, mid) = (MARGIN + c * col_w, top + r * KEY_ROW + KEY_ROW / 2);
        let s = series(i);
        polyline(root, &[(x, mid), (x + 56, mid)], s.color, s.width, s.dash)?;
        badge(cx, root, s, (x + 88, mid))?;
        let label = if i == 0 {
            format!("{name} (baseline)")
        } else {
            name.to_string()
        };
        let room = col_w - 120 - 32;
        let shown = cx.shorten(&label, room, KEY_SIZE, false);
        cx.text(
            root,
            &shown,
            (x + 120, mid),
            KEY_SIZE,
            false,
            crate::report::plot::INK,
            (HPos::Left, VPos::Center),
        )?;
    }
    Ok(())
}

/// A scenario's letter in a disc of its colour, centred at `at`.
pub(super) fn badge(cx: &Cx, root: &Area, s: Series, at: (i32, i32)) -> DrawResult {
    root.draw(&Circle::new(at, 20, s.color.filled()))?;
    cx.text(
        root,
        &s.letter.to_string(),
        (at.0, at.1 + 3),
        28.0,
        true,
        WHITE,
        (HPos::Center, VPos::Center),
    )
}
