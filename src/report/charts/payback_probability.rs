//! The chance of having paid back by each month: the answer to "how sure are we to be back
//! in the black within two years?", with the share that never pays back made visible.

use plotters::element::Circle;
use plotters::style::Color;
use plotters::style::text_anchor::{HPos, VPos};

use crate::report::format;
use crate::report::plot::{self, Area, Axis, Cx, DrawResult, FrameOpts};

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

pub(crate) fn draw(cx: &Cx, root: &Area) -> DrawResult {
    let s = cx.summary;
    let curve = &s.charts.payback_probability;
    let never = s.payback_months.never_fraction;
    let subtitle = format!(
        "Share of simulated outcomes whose cumulative net cash flow is back to zero by each \
         month; {} never pay back within {} months.",
        format::percent(never),
        s.horizon_months
    );
    plot::header(cx, root, &title(cx), &subtitle)?;
    plot::footer(cx, root, None)?;
    if curve.len() < 2 {
        return plot::no_data(cx, root);
    }
    let x = Axis::months(
        (curve.len() - 1) as u32,
        None,
        "Months after the start (month 0)",
    );
    let y = Axis::percent(1.0, 0.1, "Chance of having paid back");
    let plot = plot::frame(cx, root, &x, &y, FrameOpts::default())?;

    let pts: Vec<(i32, i32)> = curve
        .iter()
        .enumerate()
        .map(|(m, p)| plot.at(m as f64, *p))
        .collect();
    let mut area = pts.clone();
    area.push((plot.right, plot.bottom));
    area.push((plot.left, plot.bottom));
    plot::polygon(root, area, plot::PALE)?;
    plot::polyline(root, &pts, plot::NAVY, 6, None)?;

    // Where the curve levels off: the outcomes that never pay back within the horizon. The
    // label sits above the line, where the curve never goes.
    let last = *curve.last().unwrap_or(&0.0);
    if never > 0.005 {
        let py = plot.py(last);
        plot::dashed(
            root,
            (plot.left, py),
            (plot.right, py),
            plot::LOSS_DARK,
            3,
            14.0,
        )?;
        plot::label_box(
            cx,
            root,
            &format!(
                "{} never pay back within {} months",
                format::percent(never),
                s.horizon_months
            ),
            (plot.right - 12, py - 16),
            plot::LABEL,
            true,
            plot::LOSS_DARK,
            (HPos::Right, VPos::Bottom),
        )?;
    }

    for m in marker_months((curve.len() - 1) as u32) {
        let Some(p) = within(cx, m) else { continue };
        let (px, py) = plot.at(m as f64, p);
        plot::dashed(root, (px, py), (px, plot.bottom), plot::ACCENT, 3, 12.0)?;
        root.draw(&Circle::new((px, py), 13, plot::ACCENT.filled()))?;
        root.draw(&Circle::new((px, py), 6, plot::WHITE.filled()))?;
        let text = format!("{m} months: {}", format::percent(p));
        plot::callout(cx, root, &plot, &text, (px, py), plot::INK)?;
    }
    Ok(())
}
