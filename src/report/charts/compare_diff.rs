//! The paired NPV difference: in each trial, what the other scenario earns over the baseline.
//! One pair: its distribution, the side where B beats A shaded, the mean and its interval. Up
//! to seven pairs: one row each, the middle half of the differences as a bar, 90% as a line.

use plotters::element::Circle;
use plotters::style::Color;
use plotters::style::text_anchor::{HPos, VPos};

use super::Chart;
use super::series::{self, badge, key, plot_bottom};
use crate::report::comparison::{letter, signed_money};
use crate::report::format::percent;
use crate::report::plot::{
    AXIS_LINE, Area, Axis, Cx, DrawResult, FrameOpts, INK, LABEL, LOSS, Swatch, WHITE, fill_rect,
    frame, label_box, line, nice_step, no_data,
};
use crate::results::{Comparison, PairComparison, Summary};

/// The distribution of NPV(B) − NPV(A), trial by trial.
pub(crate) struct CompareDiff;

impl Chart for CompareDiff {
    fn name(&self) -> &'static str {
        "compare-diff"
    }

    fn caption(&self) -> &'static str {
        "NPV difference to the baseline, trial by trial"
    }

    fn title(&self, cx: &Cx) -> String {
        let Some(c) = cx.comparison() else {
            return self.caption().to_string();
        };
        match c.pairs.as_slice() {
            [p] if p.prob_equal >= 1.0 => format!(
                "{} and {} have the same NPV in every trial",
                letter(p.b_index),
                letter(p.a_index)
            ),
            [p] => format!(
                "{} beats {} in {} of trials; mean NPV {}",
                letter(p.b_index),
                letter(p.a_index),
                percent(p.prob_b_beats_a),
                signed_money(p.npv_diff.mean, cx.currency())
            ),
            pairs => match pairs
                .iter()
                .max_by(|a, b| a.prob_b_beats_a.total_cmp(&b.prob_b_beats_a))
            {
                Some(best) => format!(
                    "{} beats {} most often: in {} of trials",
                    letter(best.b_index),
                    letter(best.a_index),
                    percent(best.prob_b_beats_a)
                ),
                None => self.caption().to_string(),
            },
        }
    }

    fn subtitle(&self, cx: &Cx) -> String {
        match cx.comparison().map(|c| c.pairs.len()) {
            Some(1) => "NPV of the scenario minus NPV of the baseline in each simulated trial \
                        (same random numbers); line = mean, with its 95% interval."
                .to_string(),
            _ => "NPV minus the baseline's in each trial: bar = middle half (P25–P75), line = \
                  P5–P95, dot = mean; right: the share of trials it beats the baseline."
                .to_string(),
        }
    }

    fn has_data(&self, _s: &Summary) -> bool {
        true
    }

    fn draw(&self, cx: &Cx, root: &Area) -> DrawResult {
        let Some(c) = cx.comparison() else {
            return no_data(cx, root);
        };
        match c.pairs.as_slice() {
            [] => no_data(cx, root),
            [p] => one_pair(cx, root, c, p),
            _ => many_pairs(cx, root, c),
        }
    }
}

/// The histogram of one pair's differences.
fn one_pair(cx: &Cx, root: &Area, c: &Comparison, p: &PairComparison) -> DrawResult {
    let names: Vec<&str> = c
        .scenarios
        .iter()
        .map(|s| s.scenario.name.as_str())
        .collect();
    let bottom = plot_bottom(c.scenarios.len());
    if p.prob_equal >= 1.0 {
        // No distribution to draw: every difference is exactly zero.
        cx.text(
            root,
            &format!(
                "NPV of {} − NPV of {} = {} exactly, in every one of the {} trials",
                letter(p.b_index),
                letter(p.a_index),
                cx.money(0.0),
                crate::report::format::thousands(c.trials)
            ),
            (
                crate::report::plot::W / 2,
                (crate::report::plot::PLOT_TOP + bottom) / 2,
            ),
            LABEL,
            true,
            INK,
            (HPos::Center, VPos::Center),
        )?;
        return key(cx, root, &names, bottom);
    }
    let h = &p.npv_diff_histogram;
    let total: u64 = h.counts.iter().sum();
    if total == 0 || h.edges.len() != h.counts.len() + 1 {
        return no_data(cx, root);
    }
    let shares: Vec<f64> = h.counts.iter().map(|&k| k as f64 / total as f64).collect();
    let top = shares.iter().cloned().fold(0.0, f64::max);
    let step = nice_step(top * 1.35, 5);
    let y = Axis::percent((top * 1.35 / step).ceil() * step, step, "Share of trials");
    let (lo, hi) = (h.edges[0].min(0.0), h.edges[h.edges.len() - 1].max(0.0));
    let x = Axis::money(
        lo,
        hi,
        cx.currency(),
        10,
        &format!(
            "NPV of {} minus NPV of {} in the same trial",
            letter(p.b_index),
            letter(p.a_index)
        ),
    );
    let plot = frame(
        cx,
        root,
        &x,
        &y,
        FrameOpts {
            bottom,
            ..FrameOpts::default()
        },
    )?;
    let b = series::series(p.b_index);
    let beats = Swatch {
        fill: b.color,
        hatch: None,
    };
    let loses = Swatch {
        fill: LOSS,
        hatch: Some(WHITE),
    };
    for (i, share) in shares.iter().enumerate() {
        let (a, bb) = (h.edges[i], h.edges[i + 1]);
        let top_px = plot.py(*share);
        for (from, to, sw) in [(a, bb.min(0.0), loses), (a.max(0.0), bb, beats)] {
            if to > from {
                let (x0, x1) = (plot.px(from) + 1, (plot.px(to) - 1).max(plot.px(from) + 2));
                fill_rect(root, (x0, top_px), (x1, plot.bottom), sw)?;
            }
        }
    }
    let zx = plot.px(0.0);
    line(root, (zx, plot.top), (zx, plot.bottom), AXIS_LINE, 3)?;

    // The mean and its interval, as a bracket near the top.
    let yb = plot.top + 40;
    let ci = p.npv_diff_mean_ci95;
    let mx = plot.px(p.npv_diff.mean);
    line(root, (mx, yb), (mx, plot.bottom), INK, 3)?;
    if ci.iter().all(|v| v.is_finite()) {
        let (c0, c1) = (plot.px(ci[0]), plot.px(ci[1]));
        line(root, (c0, yb), (c1, yb), INK, 4)?;
        for cxp in [c0, c1] {
            line(root, (cxp, yb - 12), (cxp, yb + 12), INK, 4)?;
        }
    }
    root.draw(&Circle::new((mx, yb), 10, INK.filled()))?;
    let cur = cx.currency();
    let mean_text = if p.prob_equal >= 1.0 {
        format!("Difference {} in every trial", cx.money(0.0))
    } else {
        format!(
            "Mean {} (95% interval {} to {})",
            signed_money(p.npv_diff.mean, cur),
            signed_money(ci[0], cur),
            signed_money(ci[1], cur)
        )
    };
    let w = cx.width(&mean_text, LABEL, true);
    let left_room = mx - plot.left;
    let (tx, anchor) = if left_room > w + 40 {
        (mx - 24, HPos::Right)
    } else {
        (mx + 24, HPos::Left)
    };
    label_box(
        cx,
        root,
        &mean_text,
        (tx, yb + 26),
        LABEL,
        true,
        INK,
        (anchor, VPos::Top),
    )?;
    // Who wins how often, in one label in the upper right, clear of the bars near zero.
    let lose_share = 1.0 - p.prob_b_beats_a - p.prob_equal;
    let mut win = format!(
        "{} beats {} in {} of trials",
        letter(p.b_index),
        letter(p.a_index),
        percent(p.prob_b_beats_a)
    );
    if lose_share > 0.0 {
        win.push_str(&format!(
            "; {} is ahead in {}",
            letter(p.a_index),
            percent(lose_share)
        ));
    }
    label_box(
        cx,
        root,
        &win,
        (plot.right - 12, plot.top + 130),
        LABEL,
        true,
        b.color,
        (HPos::Right, VPos::Top),
    )?;
    key(cx, root, &names, bottom)
}

/// One row per pair: P25–P75 bar, P5–P95 line, the mean, and P(beats the baseline).
fn many_pairs(cx: &Cx, root: &Area, c: &Comparison) -> DrawResult {
    let lo = c.pairs.iter().map(|p| p.npv_diff.p5).fold(0.0, f64::min);
    let hi = c.pairs.iter().map(|p| p.npv_diff.p95).fold(0.0, f64::max);
    let x = Axis::money(
        lo,
        hi,
        cx.currency(),
        8,
        &format!("NPV minus NPV of {} in the same trial", letter(0)),
    );
    let n = c.pairs.len() as i32;
    let y = Axis {
        lo: 0.0,
        hi: n as f64,
        ticks: Vec::new(),
        title: String::new(),
    };
    let right_text = |p: &PairComparison| {
        format!(
            "beats {} in {}",
            letter(p.a_index),
            percent(p.prob_b_beats_a)
        )
    };
    let bottom = plot_bottom(c.scenarios.len());
    let right_w = c
        .pairs
        .iter()
        .map(|p| cx.width(&right_text(p), LABEL, true))
        .max()
        .unwrap_or(0);
    let plot = frame(
        cx,
        root,
        &x,
        &y,
        FrameOpts {
            vgrid: true,
            right_pad: right_w + 40,
            min_left: crate::report::plot::MARGIN + 150,
            bottom,
        },
    )?;
    let row = (plot.bottom - plot.top) / n;
    let bar = (row as f64 * 0.42).min(56.0) as i32;
    let zx = plot.px(0.0);
    line(root, (zx, plot.top), (zx, plot.bottom), AXIS_LINE, 3)?;
    for (k, p) in c.pairs.iter().enumerate() {
        let mid = plot.top + row * k as i32 + row / 2;
        let s = series::series(p.b_index);
        let d = &p.npv_diff;
        line(
            root,
            (plot.px(d.p5), mid),
            (plot.px(d.p95), mid),
            s.color,
            4,
        )?;
        fill_rect(
            root,
            (plot.px(d.p25), mid - bar / 2),
            (plot.px(d.p75).max(plot.px(d.p25) + 3), mid + bar / 2),
            Swatch {
                fill: s.color,
                hatch: None,
            },
        )?;
        root.draw(&Circle::new((plot.px(d.mean), mid), 11, WHITE.filled()))?;
        root.draw(&Circle::new((plot.px(d.mean), mid), 7, INK.filled()))?;
        badge(cx, root, s, (plot.left - 120, mid))?;
        cx.text(
            root,
            &format!("− {}", letter(p.a_index)),
            (plot.left - 90, mid),
            LABEL,
            true,
            INK,
            (HPos::Left, VPos::Center),
        )?;
        cx.text(
            root,
            &right_text(p),
            (plot.right + 24, mid),
            LABEL,
            true,
            INK,
            (HPos::Left, VPos::Center),
        )?;
    }
    let names: Vec<&str> = c
        .scenarios
        .iter()
        .map(|s| s.scenario.name.as_str())
        .collect();
    key(cx, root, &names, bottom)
}
