//! The chance of having paid back by each month: the answer to "how sure are we to be back
//! in the black within two years?", with the share that never pays back made visible.

use plotters::element::Circle;
use plotters::style::Color;
use plotters::style::text_anchor::{HPos, VPos};

use super::Chart;
use crate::report::format;
use crate::report::plot::{
    ACCENT, Area, Axis, Cx, DrawResult, FrameOpts, INK, LABEL, LOSS_DARK, NAVY, PALE, WHITE,
    callout, dashed, frame, label_box, polygon, polyline,
};
use crate::results::Summary;

/// The months a board asks about, those within the horizon.
fn marker_months(horizon: u32) -> Vec<u32> {
    [12, 24, 36].into_iter().filter(|m| *m <= horizon).collect()
}

/// P(paid back within `m` months), from the curve.
fn within(s: &Summary, m: u32) -> Option<f64> {
    s.charts.payback_probability.get(m as usize).copied()
}

/// The share of outcomes paid back by each month.
pub(crate) struct PaybackProbability;

impl Chart for PaybackProbability {
    fn name(&self) -> &'static str {
        "payback-probability"
    }

    fn caption(&self) -> &'static str {
        "Chance of having paid back by each month"
    }

    /// The chance of paying back within 24 months (or the longest marker month).
    fn title(&self, cx: &Cx) -> String {
        let s = cx.summary;
        let m = marker_months(s.horizon_months)
            .into_iter()
            .rfind(|m| *m <= 24)
            .unwrap_or(s.horizon_months);
        match within(s, m) {
            Some(p) => format!(
                "{} chance the programme pays back within {m} months",
                format::percent(p)
            ),
            None => "Chance of paying back, month by month".to_string(),
        }
    }

    fn subtitle(&self, cx: &Cx) -> String {
        let s = cx.summary;
        format!(
            "Share of simulated outcomes whose cumulative net cash flow is back to zero by each \
             month; {} never pay back within {} months.",
            format::percent(s.payback_months.never_fraction),
            s.horizon_months
        )
    }

    fn has_data(&self, s: &Summary) -> bool {
        s.charts.payback_probability.len() >= 2
    }

    fn draw(&self, cx: &Cx, root: &Area) -> DrawResult {
        let s = cx.summary;
        let curve = &s.charts.payback_probability;
        let never = s.payback_months.never_fraction;
        let x = Axis::months(
            (curve.len() - 1) as u32,
            None,
            "Months after the start (month 0)",
        );
        let y = Axis::percent(1.0, 0.1, "Chance of having paid back");
        let plot = frame(cx, root, &x, &y, FrameOpts::default())?;

        let pts: Vec<(i32, i32)> = curve
            .iter()
            .enumerate()
            .map(|(m, p)| plot.at(m as f64, *p))
            .collect();
        let mut area = pts.clone();
        area.push((plot.right, plot.bottom));
        area.push((plot.left, plot.bottom));
        polygon(root, area, PALE)?;
        polyline(root, &pts, NAVY, 6, None)?;

        // Where the curve levels off: the outcomes that never pay back within the horizon.
        // The label sits above the line, where the curve never goes.
        let last = *curve.last().unwrap_or(&0.0);
        if never > 0.005 {
            let py = plot.py(last);
            dashed(root, (plot.left, py), (plot.right, py), LOSS_DARK, 3, 14.0)?;
            label_box(
                cx,
                root,
                &format!(
                    "{} never pay back within {} months",
                    format::percent(never),
                    s.horizon_months
                ),
                (plot.right - 12, py - 16),
                LABEL,
                true,
                LOSS_DARK,
                (HPos::Right, VPos::Bottom),
            )?;
        }

        for m in marker_months((curve.len() - 1) as u32) {
            let Some(p) = within(s, m) else { continue };
            let (px, py) = plot.at(m as f64, p);
            dashed(root, (px, py), (px, plot.bottom), ACCENT, 3, 12.0)?;
            root.draw(&Circle::new((px, py), 13, ACCENT.filled()))?;
            root.draw(&Circle::new((px, py), 6, WHITE.filled()))?;
            let text = format!("{m} months: {}", format::percent(p));
            callout(cx, root, &plot, &text, (px, py), INK)?;
        }
        Ok(())
    }
}
