//! How likely each NPV is: the histogram of simulated NPVs, the loss region marked, and the
//! P10/P50/P90 a board asks for ("what is the bad case, the middle, the good case?").

use plotters::style::text_anchor::{HPos, VPos};

use super::Chart;
use crate::report::format;
use crate::report::plot::{
    ACCENT, Area, Axis, Cx, DrawResult, FrameOpts, INK, LABEL, LABEL_BOX_PAD, LOSS, LOSS_DARK,
    NAVY, Swatch, WHITE, dashed, fill_rect, frame, label_box, line, nice_step, spread,
};
use crate::results::Summary;

/// The histogram of NPVs.
pub(crate) struct NpvDistribution;

impl Chart for NpvDistribution {
    fn name(&self) -> &'static str {
        "npv-distribution"
    }

    fn caption(&self) -> &'static str {
        "Distribution of NPV"
    }

    /// How often the NPV is positive, and the middle outcome.
    fn title(&self, cx: &Cx) -> String {
        let s = cx.summary;
        format!(
            "NPV is positive in {} of simulated outcomes; median NPV {}",
            format::percent(s.prob_npv_positive),
            cx.money(s.npv.p50)
        )
    }

    fn subtitle(&self, cx: &Cx) -> String {
        let s = cx.summary;
        let h = &s.charts.npv_histogram;
        let bin = h.edges.get(1).zip(h.edges.first()).map(|(b, a)| b - a);
        format!(
            "Net present value at {} a year across {} simulated outcomes; mean {}. Each bar: \
             share of outcomes in a {} band.",
            format::ratio_percent(Some(s.discount_rate_annual)),
            format::thousands(s.trials),
            cx.money(s.npv.mean),
            bin.map(|b| cx.money(b)).unwrap_or_default(),
        )
    }

    fn note(&self, cx: &Cx) -> Option<String> {
        cx.summary
            .charts
            .npv_histogram
            .tails_clipped
            .then(|| "Outer bars include the outcomes beyond them".to_string())
    }

    fn has_data(&self, s: &Summary) -> bool {
        let h = &s.charts.npv_histogram;
        h.counts.iter().sum::<u64>() > 0 && h.edges.len() == h.counts.len() + 1
    }

    fn draw(&self, cx: &Cx, root: &Area) -> DrawResult {
        let s = cx.summary;
        let h = &s.charts.npv_histogram;
        let total: u64 = h.counts.iter().sum();
        let shares: Vec<f64> = h.counts.iter().map(|&c| c as f64 / total as f64).collect();
        let top = shares.iter().cloned().fold(0.0, f64::max);
        let step = nice_step(top * 1.3, 5);
        let y = Axis::percent(
            (top * 1.3 / step).ceil() * step,
            step,
            "Share of simulated outcomes",
        );
        let (lo, hi) = (h.edges[0], h.edges[h.edges.len() - 1]);
        let x = Axis::money(lo, hi, cx.currency(), 10, "Net present value (NPV)");
        let plot = frame(cx, root, &x, &y, FrameOpts::default())?;
        // The top of the P10/P50/P90 labels.
        let percentile_row = plot.top + 20;

        let gain = Swatch {
            fill: NAVY,
            hatch: None,
        };
        let loss = Swatch {
            fill: LOSS,
            hatch: Some(WHITE),
        };
        for (i, share) in shares.iter().enumerate() {
            let (a, b) = (h.edges[i], h.edges[i + 1]);
            let top_px = plot.py(*share);
            let parts = [(a, b.min(0.0), loss), (a.max(0.0), b, gain)];
            for (from, to, sw) in parts {
                if to > from {
                    let (x0, x1) = (plot.px(from), plot.px(to));
                    let x0 = if from == a { x0 + 1 } else { x0 };
                    let x1 = if to == b { x1 - 1 } else { x1 };
                    fill_rect(root, (x0, top_px), (x1, plot.bottom), sw)?;
                }
            }
        }

        // Where NPV = 0 falls, when the axis spans it: the break-even line and the loss
        // call-out.
        let zero_x = (lo < 0.0 && hi > 0.0).then(|| plot.px(0.0));

        // The break-even line.
        if let Some(zx) = zero_x {
            // From below the row of percentile labels (as their dashed lines), so that no
            // label's box cuts it.
            line(root, (zx, percentile_row + 52), (zx, plot.bottom), INK, 3)?;
        }

        // P10, P50, P90: dashed lines, labels spread along the top so they never overlap.
        let marks = [("P10", s.npv.p10), ("P50", s.npv.p50), ("P90", s.npv.p90)];
        let labels: Vec<String> = marks
            .iter()
            .map(|(p, v)| format!("{p} {}", cx.money(*v)))
            .collect();
        let widest = labels
            .iter()
            .map(|l| cx.width(l, LABEL, true))
            .max()
            .unwrap_or(0);
        let want: Vec<i32> = marks.iter().map(|(_, v)| plot.px(*v)).collect();
        let at = spread(
            &want,
            widest + 24,
            plot.left + widest / 2,
            plot.right - widest / 2,
        );
        let label_y = percentile_row;
        for ((px, label_x), label) in want.iter().zip(&at).zip(&labels) {
            dashed(
                root,
                (*px, label_y + 52),
                (*px, plot.bottom),
                ACCENT,
                4,
                16.0,
            )?;
            line(
                root,
                (*label_x, label_y + 44),
                (*px, label_y + 56),
                ACCENT,
                2,
            )?;
            label_box(
                cx,
                root,
                label,
                (*label_x, label_y),
                LABEL,
                true,
                INK,
                (HPos::Center, VPos::Top),
            )?;
        }

        // The loss call-out, after the percentile markers: its box lies over any marker line
        // that runs under it (P10 often falls in the loss region).
        if let Some(zx) = zero_x {
            let p_loss = 1.0 - s.prob_npv_positive;
            let text = format!("P(loss) = {}", format::percent(p_loss));
            // Inside the loss region, clear of the line: a smaller size if that makes it fit
            // (down to 70%), else full size and centred as near the region as it can be.
            let room = zx - plot.left - 2 * (LABEL_BOX_PAD + 12);
            let size = match cx.fit(&text, room, LABEL, true) {
                (fitted, size) if fitted == text => size,
                _ => LABEL,
            };
            let w = cx.width(&text, size, true);
            let mid = ((plot.left + zx) / 2).max(plot.left + w / 2 + 12);
            // Just above the tallest bar under it, below the row of percentile labels.
            let (l, r) = (mid - w / 2 - 10, mid + w / 2 + 10);
            let tallest = shares
                .iter()
                .zip(h.edges.windows(2))
                .filter(|(_, e)| plot.px(e[0]) < r && plot.px(e[1]) > l)
                .map(|(sh, _)| *sh)
                .fold(0.0, f64::max);
            let y = (plot.py(tallest) - 20).max(plot.top + 130);
            label_box(
                cx,
                root,
                &text,
                (mid, y),
                size,
                true,
                LOSS_DARK,
                (HPos::Center, VPos::Bottom),
            )?;
        }
        Ok(())
    }
}
