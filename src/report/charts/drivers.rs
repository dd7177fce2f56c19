//! What drives the spread of NPV across the trials: each input's contribution to variance
//! (squared rank correlation with NPV, normalised to 100%, the correlation's sign kept), the
//! largest 15 and the rest summed in one bar.

use plotters::style::text_anchor::{HPos, VPos};

use super::Chart;
use super::tornado::capitalised;
use crate::report::format;
use crate::report::input_label::InputLabel;
use crate::report::plot::theme::{GRID, MUTED};
use crate::report::plot::{
    Area, Axis, Cx, DrawResult, FrameOpts, INK, Key, LABEL, LOSS, MARGIN, NAVY, PLOT_BOTTOM,
    PLOT_TOP, Swatch, W, fill_rect, frame, legend, nice_step,
};
use crate::report::sentences::top_drivers;
use crate::results::Summary;

/// Inputs shown by name; the rest share one bar.
const ROWS: usize = 15;

/// Contribution to variance by input.
pub(crate) struct Drivers;

impl Chart for Drivers {
    fn name(&self) -> &'static str {
        "drivers"
    }

    fn caption(&self) -> &'static str {
        "What drives the spread of NPV"
    }

    fn title(&self, cx: &Cx) -> String {
        let s = &cx.summary.sensitivity;
        match top_drivers(s) {
            Some((1, share)) => format!(
                "{} explains {} of the variance in NPV",
                capitalised(&InputLabel::of(&s.inputs[0].input).phrase()),
                format::percent(share)
            ),
            Some((k, share)) => format!(
                "{} inputs explain {} of the variance in NPV",
                ["", "One", "Two", "Three"][k],
                format::percent(share)
            ),
            None => "No input varies".to_string(),
        }
    }

    fn subtitle(&self, cx: &Cx) -> String {
        format!(
            "Contribution to variance: squared rank correlation with NPV, normalised to 100%, \
             from {} trials. Blue raises NPV as the input rises, red lowers it.",
            format::thousands(cx.summary.sensitivity.sample_trials)
        )
    }

    fn note(&self, cx: &Cx) -> Option<String> {
        let s = &cx.summary.sensitivity;
        s.inputs
            .iter()
            .any(|i| i.correlated)
            .then(|| "Correlated inputs each take the credit they share.".to_string())
    }

    fn has_data(&self, s: &Summary) -> bool {
        top_drivers(&s.sensitivity).is_some()
    }

    fn draw(&self, cx: &Cx, root: &Area) -> DrawResult {
        let s = &cx.summary.sensitivity;
        // (label, share, sign) per bar; the rest summed in a last, grey bar.
        let mut bars: Vec<(String, f64, f64)> = s
            .inputs
            .iter()
            .take(ROWS)
            .map(|i| {
                (
                    InputLabel::of(&i.input).short(),
                    i.contribution_to_variance.abs(),
                    i.rank_correlation.signum(),
                )
            })
            .collect();
        if s.inputs.len() > ROWS {
            let rest: f64 = s.inputs[ROWS..]
                .iter()
                .map(|i| i.contribution_to_variance.abs())
                .sum();
            bars.push((format!("{} other inputs", s.inputs.len() - ROWS), rest, 0.0));
        }
        let n = bars.len() as i32;
        let row_h = (PLOT_BOTTOM - PLOT_TOP - 60) / n.max(1);
        let size = LABEL.min(row_h as f64 * 0.62).max(18.0);
        let names: Vec<(String, f64)> = bars
            .iter()
            .map(|(t, _, _)| cx.fit(t, W * 2 / 5, size, false))
            .collect();
        let name_w = names
            .iter()
            .map(|(t, sz)| cx.width(t, *sz, false))
            .max()
            .unwrap_or(0);
        let top = bars.iter().map(|b| b.1).fold(0.0, f64::max).max(0.01);
        let step = nice_step(top, 6);
        let hi = (top / step).ceil() * step;
        let x = Axis::percent(hi, step, "Share of the variance in NPV");
        let y = Axis {
            lo: 0.0,
            hi: f64::from(n),
            ticks: Vec::new(),
            title: String::new(),
        };
        let value_w = cx.width("100%", size, true);
        let plot = frame(
            cx,
            root,
            &x,
            &y,
            FrameOpts {
                vgrid: true,
                min_left: MARGIN + name_w + 20,
                right_pad: value_w + 24,
                bottom: PLOT_BOTTOM - 60,
            },
        )?;
        let row = (plot.bottom - plot.top) / n.max(1);
        let bar_h = (row as f64 * 0.6) as i32;
        for (i, (_, share, sign)) in bars.iter().enumerate() {
            let mid = plot.top + row * i as i32 + row / 2;
            let fill = match *sign {
                x if x > 0.0 => NAVY,
                x if x < 0.0 => LOSS,
                _ => GRID,
            };
            let x1 = plot.px(*share);
            if x1 > plot.left {
                fill_rect(
                    root,
                    (plot.left, mid - bar_h / 2),
                    (x1, mid + bar_h / 2),
                    Swatch { fill, hatch: None },
                )?;
            }
            cx.text(
                root,
                &share_label(*share),
                (x1 + 12, mid),
                size * 0.9,
                true,
                if *sign == 0.0 { MUTED } else { INK },
                (HPos::Left, VPos::Center),
            )?;
            let (name, sz) = &names[i];
            cx.text(
                root,
                name,
                (plot.left - 16, mid),
                *sz,
                false,
                INK,
                (HPos::Right, VPos::Center),
            )?;
        }
        let key = |fill| Key::Fill(Swatch { fill, hatch: None });
        let items = [
            ("NPV rises with the input".to_string(), key(NAVY)),
            ("NPV falls as the input rises".to_string(), key(LOSS)),
        ];
        // Stacked under the names, left of the axis title.
        legend(cx, root, &items, (MARGIN, plot.bottom + 40), MARGIN)?;
        Ok(())
    }
}

/// A share as a bar's label: whole percent, or one decimal below 10%, "<0.1%" below that.
fn share_label(share: f64) -> String {
    let p = share * 100.0;
    if p >= 9.95 {
        format!("{p:.0}%")
    } else if p >= 0.05 {
        format!("{p:.1}%")
    } else {
        "<0.1%".to_string()
    }
}
