//! The cumulative net cash flow of each scenario, month by month: the median as a line and
//! the P10–P90 band around it, so a board sees how deep each rollout goes before it turns.

use plotters::element::Polygon;
use plotters::style::Color;

use super::Chart;
use super::series::{self, badge, key, plot_bottom};
use crate::report::comparison::letter;
use crate::report::plot::{
    AXIS_LINE, Area, Axis, Cx, DrawResult, FrameOpts, frame, line, no_data, polyline, spread,
};
use crate::results::{Comparison, Summary};

/// Most scenarios whose P10–P90 bands are all drawn.
const MAX_BANDS: usize = 3;

/// Median cumulative net cash flow with P10–P90 bands, every compared scenario.
pub(crate) struct CompareCashflow;

/// The scenario whose median ends highest, with that value.
fn best_end(c: &Comparison) -> Option<(usize, f64)> {
    c.scenarios
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.charts.cumulative_net.p50.last().map(|v| (i, *v)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

impl Chart for CompareCashflow {
    fn name(&self) -> &'static str {
        "compare-cashflow"
    }

    fn caption(&self) -> &'static str {
        "Cumulative net cash flow of each scenario (median and P10–P90)"
    }

    fn title(&self, cx: &Cx) -> String {
        let Some(c) = cx.comparison() else {
            return self.caption().to_string();
        };
        match best_end(c) {
            Some((i, v)) => format!(
                "{} ends highest: a median cumulative net cash flow of {} after {} months",
                letter(i),
                cx.money(v),
                cx.summary.horizon_months
            ),
            None => self.caption().to_string(),
        }
    }

    fn subtitle(&self, cx: &Cx) -> String {
        let shaded = match cx.comparison() {
            Some(c) if c.scenarios.len() > MAX_BANDS => "shaded = P10 to P90 of A's trials",
            _ => "shaded = P10 to P90 of the trials",
        };
        format!(
            "Cumulative net cash flow (not discounted) month by month: line = median trial, {shaded}."
        )
    }

    fn has_data(&self, _s: &Summary) -> bool {
        true
    }

    fn draw(&self, cx: &Cx, root: &Area) -> DrawResult {
        let Some(c) = cx.comparison() else {
            return no_data(cx, root);
        };
        let fans: Vec<_> = c
            .scenarios
            .iter()
            .map(|s| &s.charts.cumulative_net)
            .collect();
        let months = fans
            .iter()
            .map(|f| f.p50.len().min(f.p10.len()).min(f.p90.len()))
            .min()
            .unwrap_or(0);
        if months < 2 {
            return no_data(cx, root);
        }
        let lo = fans
            .iter()
            .flat_map(|f| f.p10[..months].iter())
            .fold(0.0_f64, |a, b| a.min(*b));
        let hi = fans
            .iter()
            .flat_map(|f| f.p90[..months].iter())
            .fold(0.0_f64, |a, b| a.max(*b));
        let bottom = plot_bottom(c.scenarios.len());
        let x = Axis::months(
            (months - 1) as u32,
            cx.summary.start_month.as_deref(),
            "Months after the start (month 0)",
        );
        let y = Axis::money(lo, hi, cx.currency(), 8, "Cumulative net cash flow");
        let plot = frame(
            cx,
            root,
            &x,
            &y,
            FrameOpts {
                bottom,
                right_pad: 70,
                ..FrameOpts::default()
            },
        )?;
        // Bands first, then every median on top. Past three scenarios the bands would cover
        // each other: only the baseline's is drawn.
        let alpha = if fans.len() <= 2 { 0.16 } else { 0.12 };
        let banded = if fans.len() <= MAX_BANDS {
            fans.len()
        } else {
            1
        };
        for (i, f) in fans.iter().enumerate().take(banded) {
            let s = series::series(i);
            let mut pts: Vec<(i32, i32)> =
                (0..months).map(|m| plot.at(m as f64, f.p90[m])).collect();
            pts.extend((0..months).rev().map(|m| plot.at(m as f64, f.p10[m])));
            root.draw(&Polygon::new(pts, s.color.mix(alpha).filled()))?;
        }
        let zy = plot.py(0.0);
        line(root, (plot.left, zy), (plot.right, zy), AXIS_LINE, 3)?;
        for (i, f) in fans.iter().enumerate().rev() {
            let s = series::series(i);
            let pts: Vec<(i32, i32)> = (0..months).map(|m| plot.at(m as f64, f.p50[m])).collect();
            polyline(root, &pts, s.color, s.width, s.dash)?;
        }
        let want: Vec<i32> = fans.iter().map(|f| plot.py(f.p50[months - 1])).collect();
        let at = spread(&want, 44, plot.top + 20, plot.bottom - 20);
        for (i, py) in at.into_iter().enumerate() {
            badge(cx, root, series::series(i), (plot.right + 36, py))?;
        }
        let names: Vec<&str> = c
            .scenarios
            .iter()
            .map(|s| s.scenario.name.as_str())
            .collect();
        key(cx, root, &names, bottom)
    }
}
