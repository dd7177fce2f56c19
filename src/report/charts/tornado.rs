//! The tornado: the base-case NPV with one input at a time moved to its P10 and its P90 (a
//! risk event off and on), every other input at its most likely value; the inputs that swing
//! NPV most on top.

use plotters::style::RGBColor;
use plotters::style::text_anchor::{HPos, VPos};

use super::Chart;
use crate::report::input_label::InputLabel;
use crate::report::plot::theme::MUTED;
use crate::report::plot::{
    AXIS_LINE, Area, Axis, Cx, DrawResult, FrameOpts, INK, Key, LABEL, MARGIN, NAVY, PLOT_BOTTOM,
    PLOT_TOP, SKY, Swatch, W, fill_rect, frame, legend, line,
};
use crate::results::{Summary, TornadoBar};

/// Rows shown; the rest are named in the subtitle's count.
pub(super) const ROWS: usize = 15;

/// One-at-a-time swings of the base-case NPV.
pub(crate) struct Tornado;

/// The bars with any swing, largest first, at most [`ROWS`].
fn bars(s: &Summary) -> Vec<&TornadoBar> {
    s.sensitivity
        .tornado
        .iter()
        .filter(|b| b.swing > 0.0)
        .take(ROWS)
        .collect()
}

/// The input at the low end and at the high end.
const LOW: RGBColor = SKY;
const HIGH: RGBColor = NAVY;

impl Chart for Tornado {
    fn name(&self) -> &'static str {
        "tornado"
    }

    fn caption(&self) -> &'static str {
        "One input at a time: the tornado"
    }

    fn title(&self, cx: &Cx) -> String {
        match bars(cx.summary).first() {
            Some(b) => format!(
                "{} swings the base-case NPV by {}",
                capitalised(&InputLabel::of(&b.input).phrase()),
                cx.money(b.swing)
            ),
            None => "No input moves the base-case NPV on its own".to_string(),
        }
    }

    fn subtitle(&self, cx: &Cx) -> String {
        let n = cx
            .summary
            .sensitivity
            .tornado
            .iter()
            .filter(|b| b.swing > 0.0)
            .count();
        let shown = if n > ROWS {
            format!("the {ROWS} largest of {n} swings")
        } else {
            "every input that moves it".to_string()
        };
        format!(
            "NPV with one input at its P10 and at its P90 (a risk: off and on), every other \
             input at its most likely value; {shown}."
        )
    }

    fn note(&self, _cx: &Cx) -> Option<String> {
        Some("Correlations are not applied one input at a time.".into())
    }

    fn has_data(&self, s: &Summary) -> bool {
        !bars(s).is_empty()
    }

    fn draw(&self, cx: &Cx, root: &Area) -> DrawResult {
        let s = cx.summary;
        let rows = bars(s);
        let base = s.base_case.npv;
        let n = rows.len() as i32;
        let row_h = (PLOT_BOTTOM - PLOT_TOP - 60) / n.max(1);
        let size = LABEL.min(row_h as f64 * 0.62).max(18.0);
        let names: Vec<(String, f64)> = rows
            .iter()
            .map(|b| cx.fit(&InputLabel::of(&b.input).short(), W * 2 / 5, size, false))
            .collect();
        let name_w = names
            .iter()
            .map(|(t, sz)| cx.width(t, *sz, false))
            .max()
            .unwrap_or(0);
        let lo = rows
            .iter()
            .map(|b| b.npv_at_low.min(b.npv_at_high))
            .fold(base, f64::min);
        let hi = rows
            .iter()
            .map(|b| b.npv_at_low.max(b.npv_at_high))
            .fold(base, f64::max);
        let pad = (hi - lo) * 0.12;
        let x = Axis::money(lo - pad, hi + pad, cx.currency(), 8, "Base-case NPV");
        let y = Axis {
            lo: 0.0,
            hi: f64::from(n),
            ticks: Vec::new(),
            title: String::new(),
        };
        let plot = frame(
            cx,
            root,
            &x,
            &y,
            FrameOpts {
                vgrid: true,
                min_left: MARGIN + name_w + 20,
                bottom: PLOT_BOTTOM - 60,
                ..FrameOpts::default()
            },
        )?;
        let row = (plot.bottom - plot.top) / n.max(1);
        let bar_h = (row as f64 * 0.6) as i32;
        let x0 = plot.px(base);
        for (i, b) in rows.iter().enumerate() {
            let mid = plot.top + row * i as i32 + row / 2;
            for (npv, color) in [(b.npv_at_low, LOW), (b.npv_at_high, HIGH)] {
                let x1 = plot.px(npv);
                if x1 != x0 {
                    let sw = Swatch {
                        fill: color,
                        hatch: None,
                    };
                    fill_rect(
                        root,
                        (x0.min(x1), mid - bar_h / 2),
                        (x0.max(x1), mid + bar_h / 2),
                        sw,
                    )?;
                }
            }
            // Each end's NPV just past it.
            let (left, right) = if b.npv_at_low <= b.npv_at_high {
                (b.npv_at_low, b.npv_at_high)
            } else {
                (b.npv_at_high, b.npv_at_low)
            };
            let value = size * 0.85;
            cx.text(
                root,
                &cx.money(left),
                (plot.px(left).min(x0) - 10, mid),
                value,
                false,
                MUTED,
                (HPos::Right, VPos::Center),
            )?;
            cx.text(
                root,
                &cx.money(right),
                (plot.px(right).max(x0) + 10, mid),
                value,
                false,
                MUTED,
                (HPos::Left, VPos::Center),
            )?;
            let (name, sz) = &names[i];
            cx.text(
                root,
                name,
                (plot.left - 16, mid),
                *sz,
                false,
                INK,
                (HPos::Right, VPos::Center),
            )?;
        }
        line(root, (x0, plot.top - 8), (x0, plot.bottom), AXIS_LINE, 3)?;
        cx.text(
            root,
            &format!("Base case {}", cx.money(base)),
            (x0, plot.top - 14),
            size * 0.85,
            true,
            INK,
            (HPos::Center, VPos::Bottom),
        )?;
        let items = [
            (
                "Input at its P10 (risk off)".to_string(),
                Key::Fill(Swatch {
                    fill: LOW,
                    hatch: None,
                }),
            ),
            (
                "Input at its P90 (risk on)".to_string(),
                Key::Fill(Swatch {
                    fill: HIGH,
                    hatch: None,
                }),
            ),
        ];
        // Stacked under the names, left of the axis title.
        legend(cx, root, &items, (MARGIN, plot.bottom + 40), MARGIN)?;
        Ok(())
    }
}

/// `text` with its first letter in capitals ("whether …" → "Whether …").
pub(super) fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
