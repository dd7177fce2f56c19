//! The chance of having paid back by each month: the answer to "how sure are we to be back
//! in the black within two years?", with the share that never pays back made visible.

use plotters::coord::Shift;
use plotters::element::Circle;
use plotters::prelude::{DrawingArea, DrawingBackend};
use plotters::style::Color;
use plotters::style::text_anchor::{HPos, VPos};

use super::style::{self, Axis, Cx, DrawResult, FrameOpts};
use crate::report::format;

/// The months a board asks about, those within the horizon.
fn marker_months(horizon: u32) -> Vec<u32> {
    [12, 24, 36].into_iter().filter(|m| *m <= horizon).collect()
}

/// P(paid back within `m` months), from the curve.
fn within(cx: &Cx, m: u32) -> Option<f64> {
    cx.summary
        .charts
        .payback_probability
        .get(m as usize)
        .copied()
}

/// The finding: the chance of paying back within 24 months (or the longest marker month).
pub(crate) fn title(cx: &Cx) -> String {
    let s = cx.summary;
    let m = marker_months(s.horizon_months)
        .into_iter()
        .rfind(|m| *m <= 24)
        .unwrap_or(s.horizon_months);
    match within(cx, m) {
        Some(p) => format!(
            "{} chance the programme pays back within {m} months",
            format::percent(p)
        ),
        None => "Chance of paying back, month by month".to_string(),
    }
}

pub(crate) fn draw<DB: DrawingBackend>(cx: &Cx, root: &DrawingArea<DB, Shift>) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let s = cx.summary;
    let curve = &s.charts.payback_probability;
    let never = s.payback_months.never_fraction;
    let subtitle = format!(
        "Share of simulated outcomes whose cumulative net cash flow is back to zero by each \
         month; {} never pay back within {} months.",
        format::percent(never),
        s.horizon_months
    );
    style::header(cx, root, &title(cx), &subtitle)?;
    style::footer(cx, root, None)?;
    if curve.len() < 2 {
        return style::no_data(cx, root);
    }
    let x = Axis::months(
        (curve.len() - 1) as u32,
        None,
        "Months after the start (month 0)",
    );
    let y = Axis::percent(1.0, 0.1, "Chance of having paid back");
    let plot = style::frame(cx, root, &x, &y, FrameOpts::default())?;

    let pts: Vec<(i32, i32)> = curve
        .iter()
        .enumerate()
        .map(|(m, p)| plot.at(m as f64, *p))
        .collect();
    let mut area = pts.clone();
    area.push((plot.right, plot.bottom));
    area.push((plot.left, plot.bottom));
    style::polygon(root, area, style::PALE)?;
    style::polyline(root, &pts, style::NAVY, 6, None)?;

    // Where the curve levels off: the outcomes that never pay back within the horizon. The
    // label sits above the line, where the curve never goes.
    let last = *curve.last().unwrap_or(&0.0);
    if never > 0.005 {
        let py = plot.py(last);
        style::dashed(
            root,
            (plot.left, py),
            (plot.right, py),
            style::LOSS_DARK,
            3,
            14.0,
        )?;
        style::label_box(
            cx,
            root,
            &format!(
                "{} never pay back within {} months",
                format::percent(never),
                s.horizon_months
            ),
            (plot.right - 12, py - 16),
            style::LABEL,
            true,
            style::LOSS_DARK,
            (HPos::Right, VPos::Bottom),
        )?;
    }

    for m in marker_months((curve.len() - 1) as u32) {
        let Some(p) = within(cx, m) else { continue };
        let (px, py) = plot.at(m as f64, p);
        style::dashed(root, (px, py), (px, plot.bottom), style::ACCENT, 3, 12.0)?;
        root.draw(&Circle::new((px, py), 13, style::ACCENT.filled()))?;
        root.draw(&Circle::new((px, py), 6, style::WHITE.filled()))?;
        let text = format!("{m} months: {}", format::percent(p));
        style::callout(cx, root, &plot, &text, (px, py), style::INK)?;
    }
    Ok(())
}
