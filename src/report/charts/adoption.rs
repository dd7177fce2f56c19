//! Adoption by user group: the share of seats actually using the system, month by month.
//! Benefits only arrive through people using the system, so this is where the value case
//! meets the change programme.

use plotters::element::Polygon;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{Color, RGBColor};

use super::Chart;
use crate::report::format;
use crate::report::plot::{
    Area, Axis, Cx, DrawResult, FrameOpts, LABEL, NAVY, frame, line, polyline, spread,
};
use crate::results::Summary;

/// Line colours for groups, with dash lengths so they stay apart in greyscale.
const LINES: [(RGBColor, Option<f64>); 6] = [
    (NAVY, None),
    (RGBColor(0xd9, 0x73, 0x0d), Some(26.0)),
    (RGBColor(0x2a, 0x8c, 0x82), Some(8.0)),
    (RGBColor(0x6a, 0x3d, 0x9a), Some(56.0)),
    (RGBColor(0x7f, 0x27, 0x04), Some(16.0)),
    (RGBColor(0x55, 0x55, 0x55), None),
];

fn line_style(i: usize) -> (RGBColor, Option<f64>) {
    LINES[i % LINES.len()]
}

/// "by Dec 2032" or "by month 59": the last month of the horizon.
fn by_end(cx: &Cx, last: usize) -> String {
    cx.summary
        .start_month
        .as_deref()
        .and_then(|s| format::calendar_month(s, last as u32))
        .map(|c| format!("by {c}"))
        .unwrap_or_else(|| format!("by month {last}"))
}

/// Median adoption of each user group, with its P10–P90 band.
pub(crate) struct Adoption;

impl Chart for Adoption {
    fn name(&self) -> &'static str {
        "adoption"
    }

    fn caption(&self) -> &'static str {
        "Adoption by user group"
    }

    /// Where median adoption ends up.
    fn title(&self, cx: &Cx) -> String {
        let groups = &cx.summary.charts.adoption;
        let finals: Vec<f64> = groups
            .iter()
            .filter_map(|g| g.p50.last().copied())
            .collect();
        let last = groups.iter().map(|g| g.p50.len()).max().unwrap_or(1).max(1) - 1;
        match finals.as_slice() {
            [] => "Adoption by user group".to_string(),
            [one] => format!(
                "Median adoption reaches {} of seats {}",
                format::percent(*one),
                by_end(cx, last)
            ),
            many => {
                let lo = many.iter().cloned().fold(f64::INFINITY, f64::min);
                let hi = many.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                if format::percent(lo) == format::percent(hi) {
                    format!(
                        "Median adoption reaches {} of seats in every group {}",
                        format::percent(hi),
                        by_end(cx, last)
                    )
                } else {
                    format!(
                        "Median adoption reaches {}–{} of seats {}, depending on the group",
                        format::percent(lo).trim_end_matches('%'),
                        format::percent(hi),
                        by_end(cx, last)
                    )
                }
            }
        }
    }

    fn subtitle(&self, _cx: &Cx) -> String {
        "Share of each user group's seats actively using the system: line = median, band = P10 \
         to P90 of the simulated outcomes."
            .to_string()
    }

    fn has_data(&self, s: &Summary) -> bool {
        s.charts.adoption.iter().any(|g| g.p50.len() >= 2)
    }

    fn draw(&self, cx: &Cx, root: &Area) -> DrawResult {
        let s = cx.summary;
        let groups = &s.charts.adoption;
        let n = groups.iter().map(|g| g.p50.len()).max().unwrap_or(0);
        // Direct labels, "Name 78%" on one line; when a name is too long for that, the name on
        // one line and the share under it. All share one size: the largest at which every
        // name fits (shortened with an ellipsis only if 70% of the label size is not enough).
        const MAX_W: i32 = 480;
        let ends_at: Vec<String> = groups
            .iter()
            .map(|g| format::percent(g.p50.last().copied().unwrap_or(0.0)))
            .collect();
        let one_line: Vec<String> = groups
            .iter()
            .zip(&ends_at)
            .map(|(g, p)| format!("{} {p}", g.name))
            .collect();
        let two_lines = one_line.iter().any(|t| cx.width(t, LABEL, true) > MAX_W);
        let names: Vec<&str> = if two_lines {
            groups.iter().map(|g| g.name.as_str()).collect()
        } else {
            one_line.iter().map(String::as_str).collect()
        };
        let size = names
            .iter()
            .map(|t| cx.fit(t, MAX_W, LABEL, true).1)
            .fold(LABEL, f64::min);
        let labels: Vec<String> = names
            .iter()
            .map(|t| cx.fit(t, MAX_W, size, true).0)
            .collect();
        let label_w = labels
            .iter()
            .map(|t| cx.width(t, size, true))
            .max()
            .unwrap_or(0);
        let x = Axis::months(
            (n - 1) as u32,
            s.start_month.as_deref(),
            "Months after the start",
        );
        let y = Axis::percent(1.0, 0.2, "Share of the group's seats using the system");
        let plot = frame(
            cx,
            root,
            &x,
            &y,
            FrameOpts {
                right_pad: label_w + 40,
                ..FrameOpts::default()
            },
        )?;

        let path = |v: &[f64]| -> Vec<(i32, i32)> {
            v.iter()
                .enumerate()
                .map(|(m, v)| plot.at(m as f64, *v))
                .collect()
        };
        for (i, g) in groups.iter().enumerate() {
            if g.p10.len() == g.p90.len() && !g.p10.is_empty() {
                let mut band = path(&g.p90);
                band.extend(path(&g.p10).into_iter().rev());
                let (color, _) = line_style(i);
                root.draw(&Polygon::new(band, color.mix(0.12).filled()))?;
            }
        }
        let mut ends = Vec::new();
        for (i, g) in groups.iter().enumerate() {
            let (color, dash) = line_style(i);
            let pts = path(&g.p50);
            polyline(root, &pts, color, 6, dash)?;
            ends.push(pts.last().map(|p| p.1).unwrap_or(plot.bottom));
        }
        // Direct labels at the line ends, pushed apart so they never overlap.
        let line_h = (size * 1.25) as i32;
        let block = if two_lines { 2 * line_h } else { line_h };
        let at = spread(
            &ends,
            block + 6,
            plot.top + block / 2,
            plot.bottom - block / 2,
        );
        for (i, (y_end, y_label)) in ends.iter().zip(&at).enumerate() {
            let (color, _) = line_style(i);
            line(
                root,
                (plot.right, *y_end),
                (plot.right + 20, *y_label),
                color,
                3,
            )?;
            let first = if two_lines {
                y_label - line_h / 2
            } else {
                *y_label
            };
            let anchor = (HPos::Left, VPos::Center);
            cx.text(
                root,
                &labels[i],
                (plot.right + 26, first),
                size,
                true,
                color,
                anchor,
            )?;
            if two_lines {
                let second = (plot.right + 26, first + line_h);
                cx.text(root, &ends_at[i], second, size, false, color, anchor)?;
            }
        }
        Ok(())
    }
}
