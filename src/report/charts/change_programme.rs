//! What the change programme is worth: every trial's NPV with the levers and, from the same
//! random numbers, without them (two S-curves), and each lever's share of the mean gain. Only
//! runs of scenarios with levers have this chart.

use plotters::style::text_anchor::{HPos, VPos};

use super::Chart;
use crate::report::comparison::signed_money;
use crate::report::format::percent;
use crate::report::plot::{
    AXIS_LINE, Area, Axis, Cx, DrawResult, FrameOpts, INK, Key, LABEL, LOSS, LOSS_DARK, MARGIN,
    NAVY, PLOT_BOTTOM, PLOT_TOP, SKY, Swatch, W, WHITE, dashed, fill_rect, frame, legend, line,
    no_data, polyline,
};
use crate::results::Summary;

/// The programme's gain in NPV, and where it comes from.
pub(crate) struct ChangeProgramme;

/// Where the left panel ends and the right one begins.
const SPLIT: i32 = W * 53 / 100;

impl Chart for ChangeProgramme {
    fn name(&self) -> &'static str {
        "change-programme"
    }

    fn caption(&self) -> &'static str {
        "What the change programme is worth"
    }

    fn title(&self, cx: &Cx) -> String {
        match &cx.summary.change_programme {
            Some(cp) => format!(
                "Change programme: {} NPV in the median trial; pays for itself in {} of trials",
                signed_money(cp.npv_gain.p50, cx.currency()),
                percent(cp.prob_pays_for_itself)
            ),
            None => self.caption().to_string(),
        }
    }

    fn subtitle(&self, _cx: &Cx) -> String {
        "Left: NPV of every trial with and without the levers (all else drawn alike). Right: \
         each lever's share of the mean NPV gain, net of all lever costs."
            .to_string()
    }

    fn has_data(&self, s: &Summary) -> bool {
        s.change_programme
            .as_ref()
            .is_some_and(|cp| cp.npv_without_levers_percentiles.len() >= 3)
            && s.charts.npv_percentiles.len() >= 3
    }

    fn optional(&self) -> bool {
        true
    }

    fn draw(&self, cx: &Cx, root: &Area) -> DrawResult {
        let Some(cp) = &cx.summary.change_programme else {
            return no_data(cx, root);
        };
        curves(
            cx,
            root,
            &cx.summary.charts.npv_percentiles,
            &cp.npv_without_levers_percentiles,
        )?;
        shares(cx, root)
    }
}

/// The two S-curves in the left panel.
fn curves(cx: &Cx, root: &Area, with: &[f64], without: &[f64]) -> DrawResult {
    let lo = with[1].min(without[1]);
    let hi = with[with.len() - 2].max(without[without.len() - 2]);
    let pad = (hi - lo).max(1.0) * 0.04;
    let x = Axis::money(
        lo - pad,
        hi + pad,
        cx.currency(),
        6,
        "Net present value (NPV)",
    );
    let y = Axis::percent(1.0, 0.2, "Share of trials with NPV at or below the value");
    let plot = frame(
        cx,
        root,
        &x,
        &y,
        FrameOpts {
            vgrid: true,
            right_pad: W - SPLIT,
            ..FrameOpts::default()
        },
    )?;
    let pts = |q: &[f64]| -> Vec<(i32, i32)> {
        let n = (q.len() - 1) as f64;
        q.iter()
            .enumerate()
            .map(|(k, v)| plot.at(*v, k as f64 / n))
            .collect()
    };
    if x.lo < 0.0 && x.hi > 0.0 {
        let zx = plot.px(0.0);
        dashed(root, (zx, plot.top), (zx, plot.bottom), LOSS_DARK, 3, 14.0)?;
    }
    polyline(root, &pts(without), LOSS, 6, Some(18.0))?;
    polyline(root, &pts(with), NAVY, 7, None)?;
    // The key in the upper left, which S-curves leave empty.
    let items = vec![
        ("with the levers".to_string(), Key::Line(NAVY, 7, false)),
        ("without the levers".to_string(), Key::Line(LOSS, 6, true)),
    ];
    let room = plot.right - plot.left - 48;
    legend(
        cx,
        root,
        &items,
        (plot.left + 24, plot.top + 12),
        plot.left + 24 + room.min(1),
    )?;
    Ok(())
}

/// Each lever's share of the mean gain, bars from zero, and the lever costs beside them.
fn shares(cx: &Cx, root: &Area) -> DrawResult {
    let Some(cp) = &cx.summary.change_programme else {
        return Ok(());
    };
    let left = SPLIT + 40;
    let right = W - MARGIN;
    let top = PLOT_TOP;
    let heading = format!(
        "Mean gain {} = the levers' shares:",
        signed_money(cp.npv_gain.mean, cx.currency())
    );
    let (heading, size) = cx.fit(&heading, right - left, LABEL, true);
    cx.text(
        root,
        &heading,
        (left, top - 24),
        size,
        true,
        INK,
        (HPos::Left, VPos::Bottom),
    )?;
    let n = cp.levers.len().max(1) as i32;
    let bottom = PLOT_BOTTOM - 80;
    let row = ((bottom - top) / n).min(170);
    let hi = cp
        .levers
        .iter()
        .map(|l| l.npv_gain_mean.abs())
        .fold(0.0, f64::max)
        .max(1.0);
    let zero = left;
    let bar_room = right - zero - 190;
    let scale = |v: f64| (v / hi * bar_room as f64).round() as i32;
    for (k, lever) in cp.levers.iter().enumerate() {
        let y0 = top + row * k as i32;
        let (name, name_size) = cx.fit(&lever.name, right - zero - 14, LABEL * 0.9, false);
        cx.text(
            root,
            &name,
            (zero + 14, y0 + 4),
            name_size,
            false,
            INK,
            (HPos::Left, VPos::Top),
        )?;
        let bar_top = y0 + 50;
        let bar_h = (row - 74).clamp(26, 56);
        let v = lever.npv_gain_mean;
        let sw = if v >= 0.0 {
            Swatch {
                fill: SKY,
                hatch: None,
            }
        } else {
            Swatch {
                fill: LOSS,
                hatch: Some(WHITE),
            }
        };
        let x1 = zero + scale(v.max(0.0));
        let x0 = zero + scale(v.min(0.0)).max(-(zero - left));
        fill_rect(root, (x0, bar_top), (x1.max(x0 + 3), bar_top + bar_h), sw)?;
        cx.text(
            root,
            &signed_money(v, cx.currency()),
            (x1.max(x0 + 3) + 14, bar_top + bar_h / 2),
            LABEL,
            true,
            INK,
            (HPos::Left, VPos::Center),
        )?;
    }
    line(root, (zero, top + 40), (zero, top + row * n), AXIS_LINE, 2)?;
    let cost = format!(
        "Lever costs: {} in present value (median), included above",
        cx.money(cp.pv_lever_costs.p50)
    );
    let (cost, size) = cx.fit(&cost, right - left, LABEL * 0.85, false);
    cx.text(
        root,
        &cost,
        (left, PLOT_BOTTOM + 10),
        size,
        false,
        INK,
        (HPos::Left, VPos::Top),
    )?;
    let method = if cp.shares_method == "exact" {
        "Shapley values: each lever's average contribution over every order of adding them"
    } else {
        "Shapley values, from sampled orders of adding the levers"
    };
    let (method, size) = cx.fit(method, right - left, LABEL * 0.75, false);
    cx.text(
        root,
        &method,
        (left, PLOT_BOTTOM + 58),
        size,
        false,
        crate::report::plot::AXIS_LINE,
        (HPos::Left, VPos::Top),
    )
}
