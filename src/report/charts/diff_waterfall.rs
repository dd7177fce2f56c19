//! What moved the mean NPV from the old version to the new one: a waterfall from the old
//! version's mean NPV, one step per change (its Shapley share), to the new version's. The
//! steps add up exactly to the difference, whatever the interactions between the changes.

use plotters::style::RGBColor;
use plotters::style::text_anchor::{HPos, VPos};

use super::Chart;
use crate::report::comparison::signed_money;
use crate::report::diff::{item_label, item_name};
use crate::report::plot::{
    AXIS_LINE, Area, Axis, Cx, DrawResult, FrameOpts, INK, LABEL, LOSS, MARGIN, NAVY, Swatch, W,
    WHITE, dashed, fill_rect, frame, no_data,
};
use crate::results::{Diff, Summary};

/// The change in mean NPV, change by change.
pub(crate) struct DiffWaterfall;

/// Steps shown one by one; smaller ones are summed into one step.
const SHOWN: usize = 12;

/// Rising steps: teal, apart from the navy totals in greyscale too.
const RISE: RGBColor = RGBColor(0x2a, 0x8c, 0x82);

/// The steps to draw: (label, value), the largest changes first, the rest summed.
fn steps(d: &Diff) -> Vec<(String, f64)> {
    let mut items: Vec<(String, f64)> = d
        .items
        .iter()
        .map(|i| (item_label(&i.item), i.mean_npv))
        .collect();
    items.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
    if items.len() > SHOWN {
        let rest: f64 = items[SHOWN - 1..].iter().map(|(_, v)| v).sum();
        let n = items.len() - (SHOWN - 1);
        items.truncate(SHOWN - 1);
        items.push((format!("{n} smaller changes together"), rest));
    }
    items
}

impl Chart for DiffWaterfall {
    fn name(&self) -> &'static str {
        "diff-waterfall"
    }

    fn caption(&self) -> &'static str {
        "What moved the mean NPV, change by change"
    }

    fn title(&self, cx: &Cx) -> String {
        let Some(d) = cx.diff() else {
            return self.caption().to_string();
        };
        let total = signed_money(d.total.mean_npv, cx.currency());
        let largest = d
            .items
            .iter()
            .max_by(|a, b| a.mean_npv.abs().total_cmp(&b.mean_npv.abs()));
        match largest {
            None => "Nothing that moves the NPV changed".to_string(),
            Some(i) if d.items.len() > 1 => format!(
                "Mean NPV {total}, of which {} from {}",
                signed_money(i.mean_npv, cx.currency()),
                item_name(&i.item).0
            ),
            Some(i) => format!("Mean NPV {total}, all of it from {}", item_name(&i.item).0),
        }
    }

    fn subtitle(&self, cx: &Cx) -> String {
        match cx.diff() {
            Some(d) => format!(
                "Each change's share of the change in mean NPV (Shapley values, {}); the shares \
                 add up to the total.",
                if d.method == "exact" {
                    "every subset of the changes run"
                } else {
                    "sampled orders of the changes"
                }
            ),
            None => String::new(),
        }
    }

    fn has_data(&self, _s: &Summary) -> bool {
        true
    }

    fn draw(&self, cx: &Cx, root: &Area) -> DrawResult {
        let Some(d) = cx.diff() else {
            return no_data(cx, root);
        };
        let steps = steps(d);
        let (start, end) = (d.old_figures.mean_npv, d.new_figures.mean_npv);
        let mut rows: Vec<(String, f64, f64, Swatch)> = Vec::new();
        let total = Swatch {
            fill: NAVY,
            hatch: None,
        };
        rows.push((format!("Old: {}", d.old.name), 0.0, start, total));
        let mut at = start;
        for (label, v) in &steps {
            let sw = if *v >= 0.0 {
                Swatch {
                    fill: RISE,
                    hatch: None,
                }
            } else {
                Swatch {
                    fill: LOSS,
                    hatch: Some(WHITE),
                }
            };
            rows.push((label.clone(), at, at + v, sw));
            at += v;
        }
        rows.push((format!("New: {}", d.new.name), 0.0, end, total));
        let lo = rows.iter().flat_map(|r| [r.1, r.2]).fold(0.0, f64::min);
        let hi = rows.iter().flat_map(|r| [r.1, r.2]).fold(0.0, f64::max);
        let x = Axis::money(lo, hi, cx.currency(), 8, "Mean NPV");
        let n = rows.len() as i32;
        let y = Axis {
            lo: 0.0,
            hi: n as f64,
            ticks: Vec::new(),
            title: String::new(),
        };
        let name_size = (LABEL * 0.9).min(720.0 / n as f64 * 0.5).max(20.0);
        let max_name = W * 2 / 5;
        // The two totals' names are bold.
        let bold = |k: usize| k == 0 || k + 1 == rows.len();
        let names: Vec<(String, f64)> = rows
            .iter()
            .enumerate()
            .map(|(k, r)| cx.fit(&r.0, max_name, name_size, bold(k)))
            .collect();
        let name_w = names
            .iter()
            .enumerate()
            .map(|(k, (t, s))| cx.width(t, *s, bold(k)))
            .max()
            .unwrap_or(0);
        let value_w = rows
            .iter()
            .map(|r| cx.width(&signed_money(r.2 - r.1, cx.currency()), name_size, true))
            .max()
            .unwrap_or(0);
        let plot = frame(
            cx,
            root,
            &x,
            &y,
            FrameOpts {
                vgrid: true,
                right_pad: value_w + 30,
                min_left: MARGIN + name_w + 20,
                ..FrameOpts::default()
            },
        )?;
        let row = (plot.bottom - plot.top) / n;
        let bar = (row as f64 * 0.62) as i32;
        let zx = plot.px(0.0);
        for (k, ((_, from, to, sw), (name, size))) in rows.iter().zip(&names).enumerate() {
            let mid = plot.top + row * k as i32 + row / 2;
            let (a, b) = (plot.px(from.min(*to)), plot.px(from.max(*to)));
            fill_rect(root, (a, mid - bar / 2), (b.max(a + 3), mid + bar / 2), *sw)?;
            if k + 1 < rows.len() {
                // The connector to the next step's start.
                let next_mid = mid + row;
                let px = plot.px(*to);
                dashed(
                    root,
                    (px, mid + bar / 2),
                    (px, next_mid - bar / 2),
                    AXIS_LINE,
                    2,
                    8.0,
                )?;
            }
            cx.text(
                root,
                name,
                (plot.left - 16, mid),
                *size,
                bold(k),
                INK,
                (HPos::Right, VPos::Center),
            )?;
            let value = if bold(k) {
                cx.money(*to)
            } else {
                signed_money(to - from, cx.currency())
            };
            cx.text(
                root,
                &value,
                (b.max(a + 3) + 12, mid),
                name_size,
                true,
                INK,
                (HPos::Left, VPos::Center),
            )?;
        }
        crate::report::plot::line(root, (zx, plot.top), (zx, plot.bottom), AXIS_LINE, 2)?;
        Ok(())
    }
}
