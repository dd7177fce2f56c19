//! The S-curve: the chance that the NPV comes in at or below any value. It answers "how
//! likely are we to lose money?" and "what NPV can we count on nine times in ten?" directly.

use plotters::element::Circle;
use plotters::style::Color;
use plotters::style::text_anchor::{HPos, VPos};

use super::Chart;
use crate::report::format;
use crate::report::plot::{
    Area, Axis, Cx, DrawResult, FrameOpts, INK, LABEL, LOSS_DARK, NAVY, WHITE, dashed, frame,
    label_box, line, polyline,
};
use crate::results::Summary;

/// The cumulative distribution of NPVs.
pub(crate) struct NpvCdf;

impl Chart for NpvCdf {
    fn name(&self) -> &'static str {
        "npv-cdf"
    }

    fn caption(&self) -> &'static str {
        "Chance of an NPV at or below each value"
    }

    /// The outer deciles, in words.
    fn title(&self, cx: &Cx) -> String {
        let s = cx.summary;
        format!(
            "1 in 10 outcomes has an NPV below {}; 1 in 10 above {}",
            cx.money(s.npv.p10),
            cx.money(s.npv.p90)
        )
    }

    fn subtitle(&self, _cx: &Cx) -> String {
        "Cumulative probability: the share of simulated outcomes with an NPV at or below each \
         value."
            .to_string()
    }

    fn has_data(&self, s: &Summary) -> bool {
        let q = &s.charts.npv_percentiles;
        q.len() >= 3 && q.iter().all(|v| v.is_finite())
    }

    fn draw(&self, cx: &Cx, root: &Area) -> DrawResult {
        let s = cx.summary;
        let q = &s.charts.npv_percentiles;
        // The 1st to 99th percentile fill the axis; the extreme tails run to its edges.
        let (lo, hi) = (q[1], q[q.len() - 2]);
        let pad = (hi - lo).max(1.0) * 0.04;
        let x = Axis::money(
            lo - pad,
            hi + pad,
            cx.currency(),
            10,
            "Net present value (NPV)",
        );
        let y = Axis::percent(1.0, 0.1, "Share of outcomes with NPV at or below the value");
        let plot = frame(
            cx,
            root,
            &x,
            &y,
            FrameOpts {
                vgrid: true,
                ..FrameOpts::default()
            },
        )?;
        let n = (q.len() - 1) as f64;
        let pts: Vec<(i32, i32)> = q
            .iter()
            .enumerate()
            .map(|(i, v)| plot.at(*v, i as f64 / n))
            .collect();

        // Probability of a loss, read off the curve at NPV = 0.
        if x.lo < 0.0 && x.hi > 0.0 {
            let p = 1.0 - s.prob_npv_positive;
            let (zx, zy) = plot.at(0.0, p);
            dashed(root, (zx, plot.bottom), (zx, zy), LOSS_DARK, 4, 14.0)?;
            dashed(root, (plot.left, zy), (zx, zy), LOSS_DARK, 4, 14.0)?;
            polyline(root, &pts, NAVY, 6, None)?;
            root.draw(&Circle::new((zx, zy), 12, LOSS_DARK.filled()))?;
            let text = format!(
                "{} chance of an NPV at or below {}",
                format::percent(p),
                cx.money(0.0)
            );
            // The upper left of an S-curve is always empty: put the call-out there, with a
            // leader to the point.
            let (tx, ty) = (plot.left + 24, plot.top + 24);
            let w = cx.width(&text, LABEL, true);
            let anchor = ((tx + w / 2).min(zx.max(tx + 40)), ty + 52);
            line(root, anchor, (zx, zy - 14), LOSS_DARK, 2)?;
            label_box(
                cx,
                root,
                &text,
                (tx, ty),
                LABEL,
                true,
                LOSS_DARK,
                (HPos::Left, VPos::Top),
            )?;
        } else {
            polyline(root, &pts, NAVY, 6, None)?;
            let text = if x.lo >= 0.0 {
                "The NPV is positive in every simulated outcome"
            } else {
                "The NPV is negative in every simulated outcome"
            };
            label_box(
                cx,
                root,
                text,
                (plot.left + 24, plot.top + 24),
                LABEL,
                true,
                LOSS_DARK,
                (HPos::Left, VPos::Top),
            )?;
        }

        // The deciles and the median, labelled to the right of the curve.
        for (label, p, v) in [
            ("P10", 0.1, s.npv.p10),
            ("P50", 0.5, s.npv.p50),
            ("P90", 0.9, s.npv.p90),
        ] {
            let (px, py) = plot.at(v, p);
            root.draw(&Circle::new((px, py), 10, NAVY.filled()))?;
            root.draw(&Circle::new((px, py), 5, WHITE.filled()))?;
            // Below and to the right of a rising curve is empty space.
            let text = format!("{label} {}", cx.money(v));
            let w = cx.width(&text, LABEL, false);
            label_box(
                cx,
                root,
                &text,
                ((px + 22).min(plot.right - w - 8), py + 18),
                LABEL,
                false,
                INK,
                (HPos::Left, VPos::Top),
            )?;
        }
        Ok(())
    }
}
