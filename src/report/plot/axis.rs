//! Axes we draw ourselves, so ticks are ours and never plotters' collapsing defaults: money
//! ticks at "nice" steps ($250k, $1.5M), percent ticks with the decimals the step needs, month
//! ticks in calendar months when the scenario has a start month; the plotting rectangle that
//! maps data to pixels; and the frame (gridlines, axes, tick labels, axis titles).

use plotters::style::text_anchor::{HPos, VPos};

use super::canvas::{Area, DrawResult};
use super::context::Cx;
use super::shapes::line;
use super::theme::{AXIS, AXIS_LINE, GRID, H, INK, MARGIN, MUTED, TICK, W};
use crate::report::format;

/// One axis: its range, where its ticks go and what they say, and its title.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Axis {
    pub lo: f64,
    pub hi: f64,
    pub ticks: Vec<(f64, String)>,
    pub title: String,
}

/// A "nice" step (1, 2, 2.5 or 5 × 10^k) giving at most `max_ticks` intervals over `span`.
pub(crate) fn nice_step(span: f64, max_ticks: usize) -> f64 {
    let span = if span.is_finite() && span > 0.0 {
        span
    } else {
        1.0
    };
    let raw = span / max_ticks.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| span / s <= max_ticks as f64 + 1e-9)
        .unwrap_or(10.0 * mag)
}

impl Axis {
    /// A money axis covering `[lo, hi]`, widened to whole ticks, labelled `$250k`, `$1.5M`.
    pub(crate) fn money(lo: f64, hi: f64, currency: &str, max_ticks: usize, title: &str) -> Axis {
        let (lo, hi) = if hi > lo {
            (lo, hi)
        } else {
            (lo - 1.0, lo + 1.0)
        };
        let step = nice_step(hi - lo, max_ticks);
        let a = (lo / step + 1e-9).floor() * step;
        let b = (hi / step - 1e-9).ceil() * step;
        let n = ((b - a) / step).round() as i64;
        let ticks = (0..=n)
            .map(|i| {
                let v = a + i as f64 * step;
                let v = if v.abs() < step * 1e-9 { 0.0 } else { v };
                (v, format::money_tick(v, currency, step))
            })
            .collect();
        Axis {
            lo: a,
            hi: b,
            ticks,
            title: title.to_string(),
        }
    }

    /// A share axis from 0 to `hi` in steps of `step`, labelled in percent with as many
    /// decimals as the step needs (0.5% steps read "0.5%", never a repeated "1%").
    pub(crate) fn percent(hi: f64, step: f64, title: &str) -> Axis {
        let n = (hi / step).round() as i64;
        let decimals = (0..=3)
            .find(|&d| {
                let x = step * 100.0 * 10f64.powi(d);
                (x - x.round()).abs() < 1e-6
            })
            .unwrap_or(3) as usize;
        let ticks = (0..=n)
            .map(|i| {
                let v = i as f64 * step;
                (v, format!("{:.*}%", decimals, v * 100.0))
            })
            .collect();
        Axis {
            lo: 0.0,
            hi,
            ticks,
            title: title.to_string(),
        }
    }

    /// Months 0..=horizon; calendar labels ("Jan 2028") when the scenario has a start month.
    pub(crate) fn months(horizon: u32, start: Option<&str>, title_if_no_start: &str) -> Axis {
        let horizon = horizon.max(1);
        let calendar = start.and_then(|s| format::calendar_month(s, 0)).is_some();
        let max_ticks = if calendar { 8 } else { 10 };
        let step = [1, 2, 3, 6, 12, 24, 36, 60, 120, 240]
            .into_iter()
            .find(|s| horizon / s <= max_ticks)
            .unwrap_or(600);
        let ticks = (0..=horizon)
            .step_by(step as usize)
            .map(|m| {
                let label = start
                    .and_then(|s| format::calendar_month(s, m))
                    .unwrap_or_else(|| m.to_string());
                (m as f64, label)
            })
            .collect();
        let title = match start.and_then(|s| format::calendar_month(s, 0)) {
            Some(first) => format!("Month (month 0 = {first})"),
            None => title_if_no_start.to_string(),
        };
        Axis {
            lo: 0.0,
            hi: horizon as f64,
            ticks,
            title,
        }
    }
}

/// The plotting rectangle in pixels and the data ranges it shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Plot {
    pub left: i32,
    pub top: i32,
    pub right: i32,
    pub bottom: i32,
    pub x: (f64, f64),
    pub y: (f64, f64),
}

impl Plot {
    /// Pixel column of data value `x`, clamped to the plot.
    pub(crate) fn px(&self, x: f64) -> i32 {
        let t = ((x - self.x.0) / (self.x.1 - self.x.0)).clamp(0.0, 1.0);
        self.left + (t * (self.right - self.left) as f64).round() as i32
    }

    /// Pixel row of data value `y`, clamped to the plot.
    pub(crate) fn py(&self, y: f64) -> i32 {
        let t = ((y - self.y.0) / (self.y.1 - self.y.0)).clamp(0.0, 1.0);
        self.bottom - (t * (self.bottom - self.top) as f64).round() as i32
    }

    /// Pixel position of a data point.
    pub(crate) fn at(&self, x: f64, y: f64) -> (i32, i32) {
        (self.px(x), self.py(y))
    }
}

/// Top of the plotting area: below the title, subtitle and the y-axis title.
pub(crate) const PLOT_TOP: i32 = 236;
/// Bottom of the plotting area when there is an x axis with a title under it.
pub(crate) const PLOT_BOTTOM: i32 = H - 190;

/// Options for [`frame`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct FrameOpts {
    /// Extra space right of the plot (for direct labels).
    pub right_pad: i32,
    /// Vertical gridlines at the x ticks.
    pub vgrid: bool,
    /// Space reserved under the plot for the x axis (ticks and title).
    pub bottom: i32,
    /// Smallest left edge of the plot (room for category labels).
    pub min_left: i32,
}

impl Default for FrameOpts {
    fn default() -> Self {
        FrameOpts {
            right_pad: 0,
            vgrid: false,
            bottom: PLOT_BOTTOM,
            min_left: 0,
        }
    }
}

/// Draws gridlines, axes, tick labels and axis titles; returns where the data goes.
/// The y-axis title sits horizontally above the axis, where it reads without tilting one's
/// head.
pub(crate) fn frame(cx: &Cx, root: &Area, x: &Axis, y: &Axis, opts: FrameOpts) -> DrawResult<Plot> {
    let tick_w = y
        .ticks
        .iter()
        .map(|(_, t)| cx.width(t, TICK, false))
        .max()
        .unwrap_or(0);
    let last_x_label = x
        .ticks
        .last()
        .map(|(_, t)| cx.width(t, TICK, false))
        .unwrap_or(0);
    let plot = Plot {
        left: (MARGIN + tick_w + 18).max(opts.min_left),
        top: PLOT_TOP,
        right: W - MARGIN - opts.right_pad.max(last_x_label / 2),
        bottom: opts.bottom,
        x: (x.lo, x.hi),
        y: (y.lo, y.hi),
    };
    for (v, label) in &y.ticks {
        let py = plot.py(*v);
        let color = if *v == 0.0 && y.lo < 0.0 {
            AXIS_LINE
        } else {
            GRID
        };
        line(root, (plot.left, py), (plot.right, py), color, 2)?;
        cx.text(
            root,
            label,
            (plot.left - 14, py),
            TICK,
            false,
            INK,
            (HPos::Right, VPos::Center),
        )?;
    }
    for (v, label) in &x.ticks {
        let px = plot.px(*v);
        if opts.vgrid {
            line(root, (px, plot.top), (px, plot.bottom), GRID, 2)?;
        }
        line(
            root,
            (px, plot.bottom),
            (px, plot.bottom + 10),
            AXIS_LINE,
            2,
        )?;
        cx.text(
            root,
            label,
            (px, plot.bottom + 16),
            TICK,
            false,
            INK,
            (HPos::Center, VPos::Top),
        )?;
    }
    line(
        root,
        (plot.left, plot.bottom),
        (plot.right, plot.bottom),
        AXIS_LINE,
        2,
    )?;
    cx.text(
        root,
        &y.title,
        (MARGIN, PLOT_TOP - 24),
        AXIS,
        false,
        MUTED,
        (HPos::Left, VPos::Bottom),
    )?;
    cx.text(
        root,
        &x.title,
        ((plot.left + plot.right) / 2, plot.bottom + 70),
        AXIS,
        false,
        MUTED,
        (HPos::Center, VPos::Top),
    )?;
    Ok(plot)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(100.0, 10), 10.0);
        assert_eq!(nice_step(90e6, 8), 20e6);
        assert_eq!(nice_step(1.0, 4), 0.25);
        assert_eq!(nice_step(0.0, 4), 0.25);
    }

    #[test]
    fn money_axis_ticks_are_distinct_over_many_ranges() {
        for (lo, hi) in [
            (-12e6, 87e6),
            (0.0, 1.3e6),
            (-2.5e5, 9.9e5),
            (1.0, 7.0),
            (-3e9, 2.2e10),
            (0.0, 0.0),
        ] {
            for n in [4, 6, 8, 10] {
                let a = Axis::money(lo, hi, "USD", n, "");
                let labels: Vec<&String> = a.ticks.iter().map(|(_, t)| t).collect();
                let mut d = labels.clone();
                d.sort();
                d.dedup();
                assert_eq!(d.len(), labels.len(), "{lo} {hi} {n}: {labels:?}");
                assert!(a.lo <= lo && a.hi >= hi);
                assert!(labels.iter().all(|l| *l != "-$0"));
            }
        }
        let a = Axis::money(-12e6, 87e6, "USD", 6, "");
        let labels: Vec<String> = a.ticks.into_iter().map(|(_, t)| t).collect();
        assert_eq!(
            labels,
            ["-$20M", "$0", "$20M", "$40M", "$60M", "$80M", "$100M"]
        );
    }

    #[test]
    fn month_axis_uses_calendar_when_known() {
        let a = Axis::months(60, Some("2028-01"), "Months");
        assert_eq!(a.ticks[0].1, "Jan 2028");
        assert_eq!(a.ticks[1], (12.0, "Jan 2029".to_string()));
        let b = Axis::months(36, None, "Months after start");
        assert_eq!(b.ticks[1], (6.0, "6".to_string()));
        assert_eq!(b.title, "Months after start");
    }
}
