//! Cumulative net cash flow month by month as a fan: how deep the investment goes, when the
//! programme is back above water, and how wide the uncertainty around that is.

use plotters::element::Circle;
use plotters::style::Color;
use plotters::style::text_anchor::{HPos, VPos};

use crate::report::format;
use crate::report::plot::{self, Area, Axis, Cx, DrawResult, FrameOpts, Key, Swatch};

/// The finding: the median payback, with its calendar month when the scenario has one.
pub(crate) fn title(cx: &Cx) -> String {
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

/// " (by Aug 2029)": the calendar month in which a payback of `m` months falls (a payback
/// of 18.4 months happens during month 19 counted from month 0).
pub(crate) fn by_calendar(cx: &Cx, m: f64) -> String {
    cx.summary
        .start_month
        .as_deref()
        .and_then(|s| format::calendar_month(s, m.max(0.0).ceil() as u32))
        .map(|c| format!(" (by {c})"))
        .unwrap_or_default()
}

pub(crate) fn draw(cx: &Cx, root: &Area) -> DrawResult {
    let s = cx.summary;
    let q = &s.charts.cumulative_net;
    plot::header(
        cx,
        root,
        &title(cx),
        "Cumulative net cash flow (benefits minus costs, not discounted) month by month across \
         the simulated outcomes.",
    )?;
    plot::footer(cx, root, None)?;
    let n = q.p50.len();
    let series = [&q.p10, &q.p25, &q.p50, &q.p75, &q.p90];
    if n < 2 || series.iter().any(|v| v.len() != n) {
        return plot::no_data(cx, root);
    }
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
    let plot = plot::frame(cx, root, &x, &y, FrameOpts::default())?;

    let band = |lower: &[f64], upper: &[f64]| -> Vec<(i32, i32)> {
        let up = upper.iter().enumerate().map(|(m, v)| plot.at(m as f64, *v));
        let down = lower
            .iter()
            .enumerate()
            .rev()
            .map(|(m, v)| plot.at(m as f64, *v));
        up.chain(down).collect()
    };
    plot::polygon(root, band(&q.p10, &q.p90), plot::PALE)?;
    plot::polygon(root, band(&q.p25, &q.p75), plot::SKY)?;
    let zero = plot.py(0.0);
    plot::line(root, (plot.left, zero), (plot.right, zero), plot::INK, 3)?;
    cx.text(
        root,
        "Break-even",
        (plot.right - 8, zero + 10),
        plot::LABEL,
        false,
        plot::INK,
        (HPos::Right, VPos::Top),
    )?;
    let path = |v: &[f64]| -> Vec<(i32, i32)> {
        v.iter()
            .enumerate()
            .map(|(m, v)| plot.at(m as f64, *v))
            .collect()
    };
    if let Some(b) = base {
        plot::polyline(root, &path(b), plot::INK, 3, Some(14.0))?;
    }
    plot::polyline(root, &path(&q.p50), plot::NAVY, 6, None)?;

    if let Some(m) = s.payback_months.stats.p50 {
        let (px, py) = plot.at(m, 0.0);
        plot::dashed(root, (px, py), (px, plot.bottom), plot::ACCENT, 4, 14.0)?;
        root.draw(&Circle::new((px, py), 13, plot::ACCENT.filled()))?;
        root.draw(&Circle::new((px, py), 6, plot::WHITE.filled()))?;
        let text = format!(
            "Median payback: {}{}",
            format::months(Some(m)),
            by_calendar(cx, m)
        );
        // Above the break-even line, left of the marker, where the fan is still below zero.
        plot::callout(cx, root, &plot, &text, (px, py), plot::ACCENT)?;
    }

    let mut items = vec![
        ("Median".to_string(), Key::Line(plot::NAVY, 6, false)),
        (
            "Middle 50% of outcomes (P25–P75)".to_string(),
            Key::Fill(Swatch {
                fill: plot::SKY,
                hatch: None,
            }),
        ),
        (
            "Middle 80% (P10–P90)".to_string(),
            Key::Fill(Swatch {
                fill: plot::PALE,
                hatch: None,
            }),
        ),
    ];
    if base.is_some() {
        items.push((
            "Base case (most likely inputs)".to_string(),
            Key::Line(plot::INK, 3, true),
        ));
    }
    // The upper left is empty: cash is still going out there.
    plot::legend(
        cx,
        root,
        &items,
        (plot.left + 24, plot.top + 8),
        plot.left + 24 + 620,
    )?;
    Ok(())
}
