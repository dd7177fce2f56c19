//! The chance of having paid back by each month, one curve per scenario: which rollout gets
//! back into the black sooner, and how many of its trials never do.

use plotters::style::text_anchor::{HPos, VPos};

use super::Chart;
use super::series::{self, badge, key, plot_bottom};
use crate::report::comparison::letter;
use crate::report::format::percent;
use plotters::element::Circle;
use plotters::style::Color;

use crate::report::plot::{
    AXIS_LINE, Area, Axis, Cx, DrawResult, FrameOpts, LABEL, WHITE, dashed, frame, no_data,
    polyline, spread,
};
use crate::results::{Comparison, Summary};

/// The payback-probability curves of every compared scenario.
pub(crate) struct ComparePayback;

/// The month the title and the marker speak of: 24, or the horizon when shorter.
fn marker(c: &Comparison) -> u32 {
    c.scenarios.first().map_or(24, |s| s.horizon_months.min(24))
}

fn within(s: &Summary, m: u32) -> Option<f64> {
    s.charts.payback_probability.get(m as usize).copied()
}

impl Chart for ComparePayback {
    fn name(&self) -> &'static str {
        "compare-payback"
    }

    fn caption(&self) -> &'static str {
        "Chance of having paid back by each month, each scenario"
    }

    fn title(&self, cx: &Cx) -> String {
        let Some(c) = cx.comparison() else {
            return self.caption().to_string();
        };
        let m = marker(c);
        let shares: Vec<(usize, f64)> = c
            .scenarios
            .iter()
            .enumerate()
            .filter_map(|(i, s)| within(s, m).map(|p| (i, p)))
            .collect();
        if shares.len() <= 3 {
            let parts: Vec<String> = shares
                .iter()
                .map(|(i, p)| format!("{} {}", letter(*i), percent(*p)))
                .collect();
            return format!(
                "Chance of paying back within {m} months: {}",
                parts.join(", ")
            );
        }
        let lo = shares.iter().min_by(|a, b| a.1.total_cmp(&b.1));
        let hi = shares.iter().max_by(|a, b| a.1.total_cmp(&b.1));
        match (lo, hi) {
            (Some(lo), Some(hi)) => format!(
                "Chance of paying back within {m} months: from {} ({}) to {} ({})",
                percent(lo.1),
                letter(lo.0),
                percent(hi.1),
                letter(hi.0)
            ),
            _ => self.caption().to_string(),
        }
    }

    fn subtitle(&self, _cx: &Cx) -> String {
        "Share of simulated trials whose cumulative net cash flow is back to zero by each month; \
         where a curve levels off, the rest never pay back within the horizon."
            .to_string()
    }

    fn has_data(&self, _s: &Summary) -> bool {
        true
    }

    fn draw(&self, cx: &Cx, root: &Area) -> DrawResult {
        let Some(c) = cx.comparison() else {
            return no_data(cx, root);
        };
        let curves: Vec<&[f64]> = c
            .scenarios
            .iter()
            .map(|s| s.charts.payback_probability.as_slice())
            .collect();
        let months = curves.iter().map(|q| q.len()).min().unwrap_or(0);
        if months < 2 {
            return no_data(cx, root);
        }
        let bottom = plot_bottom(c.scenarios.len());
        let x = Axis::months(
            (months - 1) as u32,
            None,
            "Months after the start (month 0)",
        );
        let y = Axis::percent(1.0, 0.1, "Chance of having paid back");
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
        let m = marker(c);
        if (m as usize) < months {
            let px = plot.px(m as f64);
            dashed(root, (px, plot.top), (px, plot.bottom), AXIS_LINE, 3, 12.0)?;
            cx.text(
                root,
                &format!("{m} months"),
                (px + 10, plot.top + 6),
                LABEL,
                false,
                AXIS_LINE,
                (HPos::Left, VPos::Top),
            )?;
        }
        for (i, q) in curves.iter().enumerate().rev() {
            let s = series::series(i);
            let pts: Vec<(i32, i32)> = q[..months]
                .iter()
                .enumerate()
                .map(|(k, p)| plot.at(k as f64, *p))
                .collect();
            polyline(root, &pts, s.color, s.width, s.dash)?;
            if let Some(p) = q.get(m as usize) {
                let at = plot.at(m as f64, *p);
                root.draw(&Circle::new(at, 11, s.color.filled()))?;
                root.draw(&Circle::new(at, 5, WHITE.filled()))?;
            }
        }
        // Letters at the right end of each curve, spread so none covers another.
        let want: Vec<i32> = curves.iter().map(|q| plot.py(q[months - 1])).collect();
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
