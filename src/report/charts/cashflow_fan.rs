//! Cumulative net cash flow month by month as a fan: how deep the investment goes, when the
//! programme is back above water, and how wide the uncertainty around that is.

use plotters::element::Circle;
use plotters::style::Color;
use plotters::style::text_anchor::{HPos, VPos};

use super::Chart;
use crate::report::format;
use crate::report::plot::{
    ACCENT, Area, Axis, Cx, DrawResult, FrameOpts, INK, Key, LABEL, NAVY, PALE, SKY, Swatch, WHITE,
    callout, dashed, frame, legend, legend_layout, line, polygon, polyline,
};
use crate::results::Summary;

/// " (by Aug 2029)": the calendar month in which a payback of `m` months falls (a payback
/// of 18.4 months happens during month 19 counted from month 0).
fn by_calendar(cx: &Cx, m: f64) -> String {
    cx.summary
        .start_month
        .as_deref()
        .and_then(|s| format::calendar_month(s, m.max(0.0).ceil() as u32))
        .map(|c| format!(" (by {c})"))
        .unwrap_or_default()
}

/// The fan of cumulative net cash flow.
pub(crate) struct CashflowFan;

impl Chart for CashflowFan {
    fn name(&self) -> &'static str {
        "cashflow-fan"
    }

    fn caption(&self) -> &'static str {
        "Cumulative net cash flow by month"
    }

    /// The median payback, with its calendar month when the scenario has one.
    fn title(&self, cx: &Cx) -> String {
        let s = cx.summary;
        match s.payback_months.stats.p50 {
            Some(m) => format!(
                "Half of the simulated outcomes pay back within {}{}",
                format::months(Some(m)),
                by_calendar(cx, m)
            ),
            None => format!(
                "Fewer than half of the simulated outcomes pay back within the {}-month horizon",
                s.horizon_months
            ),
        }
    }

    /// What the fan shows; where some outcomes pay back and then fall below zero again for
    /// good, how many (a payback there is not a recovery for good).
    fn subtitle(&self, cx: &Cx) -> String {
        let share = cx.summary.prob_falls_back;
        if share >= 0.005 {
            format!(
                "Cumulative net cash flow (not discounted) across the simulated outcomes; {} of \
                 them pay back, then fall below zero again for good.",
                format::percent(share)
            )
        } else {
            "Cumulative net cash flow (benefits minus costs, not discounted) month by month \
             across the simulated outcomes."
                .to_string()
        }
    }

    fn has_data(&self, s: &Summary) -> bool {
        let q = &s.charts.cumulative_net;
        let n = q.p50.len();
        n >= 2
            && [&q.p10, &q.p25, &q.p75, &q.p90]
                .iter()
                .all(|v| v.len() == n)
    }

    fn draw(&self, cx: &Cx, root: &Area) -> DrawResult {
        let s = cx.summary;
        let q = &s.charts.cumulative_net;
        let n = q.p50.len();
        let series = [&q.p10, &q.p25, &q.p50, &q.p75, &q.p90];
        let base = &s.charts.base_case_cumulative_net;
        let base = (base.len() == n).then_some(base);
        let all = series
            .iter()
            .flat_map(|v| v.iter())
            .chain(base.into_iter().flatten());
        let (lo, hi) = all.fold((0.0f64, 0.0f64), |(a, b), v| (a.min(*v), b.max(*v)));
        let x = Axis::months(
            (n - 1) as u32,
            s.start_month.as_deref(),
            "Months after the start",
        );
        let y = Axis::money(lo, hi, cx.currency(), 8, "Cumulative net cash flow");
        let plot = frame(cx, root, &x, &y, FrameOpts::default())?;

        let band = |lower: &[f64], upper: &[f64]| -> Vec<(i32, i32)> {
            let up = upper.iter().enumerate().map(|(m, v)| plot.at(m as f64, *v));
            let down = lower
                .iter()
                .enumerate()
                .rev()
                .map(|(m, v)| plot.at(m as f64, *v));
            up.chain(down).collect()
        };
        polygon(root, band(&q.p10, &q.p90), PALE)?;
        polygon(root, band(&q.p25, &q.p75), SKY)?;
        let zero = plot.py(0.0);
        line(root, (plot.left, zero), (plot.right, zero), INK, 3)?;
        cx.text(
            root,
            "Break-even",
            (plot.right - 8, zero + 10),
            LABEL,
            false,
            INK,
            (HPos::Right, VPos::Top),
        )?;
        let path = |v: &[f64]| -> Vec<(i32, i32)> {
            v.iter()
                .enumerate()
                .map(|(m, v)| plot.at(m as f64, *v))
                .collect()
        };
        if let Some(b) = base {
            polyline(root, &path(b), INK, 3, Some(14.0))?;
        }
        polyline(root, &path(&q.p50), NAVY, 6, None)?;

        if let Some(m) = s.payback_months.stats.p50 {
            let (px, py) = plot.at(m, 0.0);
            dashed(root, (px, py), (px, plot.bottom), ACCENT, 4, 14.0)?;
            root.draw(&Circle::new((px, py), 13, ACCENT.filled()))?;
            root.draw(&Circle::new((px, py), 6, WHITE.filled()))?;
            let text = format!(
                "Median payback: {}{}",
                format::months(Some(m)),
                by_calendar(cx, m)
            );
            // Above the break-even line, left of the marker, where the fan is still below
            // zero.
            callout(cx, root, &plot, &text, (px, py), ACCENT)?;
        }

        let mut items = vec![
            ("Median".to_string(), Key::Line(NAVY, 6, false)),
            (
                "Middle 50% of outcomes (P25–P75)".to_string(),
                Key::Fill(Swatch {
                    fill: SKY,
                    hatch: None,
                }),
            ),
            (
                "Middle 80% (P10–P90)".to_string(),
                Key::Fill(Swatch {
                    fill: PALE,
                    hatch: None,
                }),
            ),
        ];
        if base.is_some() {
            // A base case that falls back says so where its line is named.
            let label = match s.base_case.falls_back_months {
                Some(m) => {
                    let when = s
                        .start_month
                        .as_deref()
                        .and_then(|start| format::calendar_month(start, m.max(0.0).ceil() as u32))
                        .unwrap_or_else(|| format::months(Some(m)));
                    format!("Base case (below zero again from {when})")
                }
                None => "Base case (most likely inputs)".to_string(),
            };
            items.push((label, Key::Line(INK, 3, true)));
        }
        // The upper left is empty: cash is still going out there. Unless the balance rises high
        // enough there to bring break-even (and the payback's callout) into the upper half, as
        // where a case pays back and later falls back: then the lower left, where the fan has
        // not gone yet.
        let right = plot.left + 24 + 620;
        let (_, bottom) = legend_layout(cx, &items, (plot.left + 24, plot.top + 8), right);
        let top = if bottom + 40 > zero && zero < (plot.top + plot.bottom) / 2 {
            plot.bottom - 8 - (bottom - plot.top - 8)
        } else {
            plot.top + 8
        };
        legend(cx, root, &items, (plot.left + 24, top), right)?;
        Ok(())
    }
}
