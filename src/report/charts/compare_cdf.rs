//! The scenarios' S-curves overlaid: for any NPV, the chance each scenario ends at or below
//! it. A curve to the right is better everywhere it stays to the right.

use plotters::style::text_anchor::{HPos, VPos};

use super::Chart;
use super::series::{self, badge, key, plot_bottom};
use crate::report::plot::{
    Area, Axis, Cx, DrawResult, FrameOpts, LABEL, LOSS_DARK, dashed, frame, polyline, spread,
};
use crate::results::{Comparison, Summary};

/// The NPV S-curves of every compared scenario.
pub(crate) struct CompareCdf;

/// The lowest and highest median NPV, with their scenarios' indices.
fn median_range(c: &Comparison) -> Option<((usize, f64), (usize, f64))> {
    let medians = c.scenarios.iter().map(|s| s.npv.p50).enumerate();
    let lo = medians.clone().min_by(|a, b| a.1.total_cmp(&b.1))?;
    let hi = medians.max_by(|a, b| a.1.total_cmp(&b.1))?;
    Some((lo, hi))
}

impl Chart for CompareCdf {
    fn name(&self) -> &'static str {
        "compare-cdf"
    }

    fn caption(&self) -> &'static str {
        "NPV of each scenario: chance of an NPV at or below each value"
    }

    fn title(&self, cx: &Cx) -> String {
        let Some(((lo_i, lo), (hi_i, hi))) = cx.comparison().and_then(median_range) else {
            return "NPV of each scenario".to_string();
        };
        let l = crate::report::comparison::letter;
        if lo_i == hi_i || lo == hi {
            format!("Every scenario has a median NPV of {}", cx.money(hi))
        } else {
            format!(
                "Median NPV from {} ({}) to {} ({})",
                cx.money(lo),
                l(lo_i),
                cx.money(hi),
                l(hi_i)
            )
        }
    }

    fn subtitle(&self, _cx: &Cx) -> String {
        "Share of simulated trials with an NPV at or below each value; the letters mark each \
         median. Every scenario ran the same trials."
            .to_string()
    }

    fn has_data(&self, _s: &Summary) -> bool {
        true
    }

    fn draw(&self, cx: &Cx, root: &Area) -> DrawResult {
        let Some(c) = cx.comparison() else {
            return crate::report::plot::no_data(cx, root);
        };
        let curves: Vec<&[f64]> = c
            .scenarios
            .iter()
            .map(|s| s.charts.npv_percentiles.as_slice())
            .filter(|q| q.len() >= 3)
            .collect();
        if curves.len() != c.scenarios.len() {
            return crate::report::plot::no_data(cx, root);
        }
        let lo = curves.iter().map(|q| q[1]).fold(f64::INFINITY, f64::min);
        let hi = curves
            .iter()
            .map(|q| q[q.len() - 2])
            .fold(f64::NEG_INFINITY, f64::max);
        let pad = (hi - lo).max(1.0) * 0.04;
        let x = Axis::money(
            lo - pad,
            hi + pad,
            cx.currency(),
            10,
            "Net present value (NPV)",
        );
        let y = Axis::percent(1.0, 0.1, "Share of trials with NPV at or below the value");
        let bottom = plot_bottom(c.scenarios.len());
        let plot = frame(
            cx,
            root,
            &x,
            &y,
            FrameOpts {
                vgrid: true,
                bottom,
                ..FrameOpts::default()
            },
        )?;
        if x.lo < 0.0 && x.hi > 0.0 {
            let zx = plot.px(0.0);
            dashed(root, (zx, plot.top), (zx, plot.bottom), LOSS_DARK, 3, 14.0)?;
            cx.text(
                root,
                "NPV = 0",
                (zx + 10, plot.top + 8),
                LABEL,
                false,
                LOSS_DARK,
                (HPos::Left, VPos::Top),
            )?;
        }
        // The baseline last, on top.
        for (i, q) in curves.iter().enumerate().rev() {
            let s = series::series(i);
            let n = (q.len() - 1) as f64;
            let pts: Vec<(i32, i32)> = q
                .iter()
                .enumerate()
                .map(|(k, v)| plot.at(*v, k as f64 / n))
                .collect();
            polyline(root, &pts, s.color, s.width, s.dash)?;
        }
        // Each median's letter on the 50% line, spread so none covers another.
        let want: Vec<i32> = curves.iter().map(|q| plot.px(q[q.len() / 2])).collect();
        let at = spread(&want, 46, plot.left + 20, plot.right - 20);
        let y50 = plot.py(0.5);
        for (i, px) in at.into_iter().enumerate() {
            badge(cx, root, series::series(i), (px, y50))?;
        }
        let names: Vec<&str> = c
            .scenarios
            .iter()
            .map(|s| s.scenario.name.as_str())
            .collect();
        key(cx, root, &names, bottom)
    }
}
