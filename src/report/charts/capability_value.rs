//! Where the value comes from: each capability's share of the benefits, largest first, with
//! its uncertainty — the "value analysis per capability" a sponsor takes to the board.

use std::collections::BTreeMap;

use plotters::style::text_anchor::{HPos, VPos};

use super::Chart;
use crate::report::format;
use crate::report::plot::{
    AXIS_LINE, Area, Axis, Cx, DrawResult, FrameOpts, INK, Key, LABEL, LEGEND_ROW, MARGIN,
    PLOT_BOTTOM, PLOT_TOP, Swatch, W, WHITE, category, fill_rect, frame, legend, legend_label,
    line,
};
use crate::report::sentences::{ranked, top_share};
use crate::results::Summary;

/// The present value each capability brings, largest first.
pub(crate) struct CapabilityValue;

impl Chart for CapabilityValue {
    fn name(&self) -> &'static str {
        "capability-value"
    }

    fn caption(&self) -> &'static str {
        "Value by capability"
    }

    /// How concentrated the value is.
    fn title(&self, cx: &Cx) -> String {
        let caps = &cx.summary.capabilities;
        let k = caps.len().min(3);
        match (k, top_share(caps, k)) {
            (0, _) | (_, None) => "Value by capability".to_string(),
            (1, Some(_)) => format!("All of the value comes from {}", caps[0].name),
            (_, Some(share)) if k == caps.len() => format!(
                "{} carries {} of the expected benefits",
                ranked(caps)[0].name,
                format::percent(top_share(caps, 1).unwrap_or(share))
            ),
            (_, Some(share)) => format!(
                "The top {k} of {} capabilities carry {} of the expected benefits",
                caps.len(),
                format::percent(share)
            ),
        }
    }

    fn subtitle(&self, _cx: &Cx) -> String {
        "Present value of benefits by capability: bar and figure = median, line = P10 to P90. \
         Costs are programme-wide, not split by capability."
            .to_string()
    }

    fn has_data(&self, s: &Summary) -> bool {
        !s.capabilities.is_empty()
    }

    fn draw(&self, cx: &Cx, root: &Area) -> DrawResult {
        let s = cx.summary;
        let caps = ranked(&s.capabilities);

        // Groups in the order the annual chart uses, so a group keeps its colour across
        // charts.
        let mut groups: Vec<&str> = s.charts.benefit_groups.iter().map(String::as_str).collect();
        for c in &caps {
            if !groups.contains(&c.group.as_str()) {
                groups.push(&c.group);
            }
        }
        let swatch: BTreeMap<&str, Swatch> = groups
            .iter()
            .enumerate()
            .map(|(i, g)| (*g, category(i)))
            .collect();

        let n = caps.len() as i32;
        let plot_h = PLOT_BOTTOM - PLOT_TOP;
        let row = plot_h / n;
        let name_size = LABEL.min(row as f64 * 0.62).max(18.0);
        let max_name = W * 2 / 5;
        let names: Vec<(String, f64)> = caps
            .iter()
            .map(|c| cx.fit(&c.name, max_name, name_size, false))
            .collect();
        let name_w = names
            .iter()
            .map(|(t, sz)| cx.width(t, *sz, false))
            .max()
            .unwrap_or(0);

        let lo = caps
            .iter()
            .map(|c| c.npv_contribution.p10)
            .fold(0.0, f64::min);
        let hi = caps
            .iter()
            .map(|c| c.npv_contribution.p90)
            .fold(0.0, f64::max);
        let x = Axis::money(
            lo,
            hi,
            cx.currency(),
            8,
            "Present value of benefits attributed to the capability",
        );
        let y = Axis {
            lo: 0.0,
            hi: n as f64,
            ticks: Vec::new(),
            title: String::new(),
        };
        let value_w = caps
            .iter()
            .map(|c| cx.width(&cx.money(c.npv_contribution.p50), name_size, true))
            .max()
            .unwrap_or(0);
        let plot = frame(
            cx,
            root,
            &x,
            &y,
            FrameOpts {
                vgrid: true,
                right_pad: value_w + 30,
                min_left: MARGIN + name_w + 20,
                ..FrameOpts::default()
            },
        )?;
        let row = (plot.bottom - plot.top) / n;
        let bar_h = (row as f64 * 0.56) as i32;
        for (i, c) in caps.iter().enumerate() {
            let mid = plot.top + row * i as i32 + row / 2;
            let st = &c.npv_contribution;
            let sw = swatch.get(c.group.as_str()).copied().unwrap_or(category(0));
            let (x0, x1) = (plot.px(0.0), plot.px(st.p50));
            fill_rect(root, (x0, mid - bar_h / 2), (x1, mid + bar_h / 2), sw)?;
            let (w0, w1) = (plot.px(st.p10), plot.px(st.p90));
            // A white halo keeps the whisker visible over dark bars.
            for (color, width) in [(WHITE, 7), (INK, 3)] {
                line(root, (w0, mid), (w1, mid), color, width)?;
                for wx in [w0, w1] {
                    let cap = bar_h / 3;
                    line(root, (wx, mid - cap), (wx, mid + cap), color, width)?;
                }
            }
            let (name, size) = &names[i];
            cx.text(
                root,
                name,
                (plot.left - 16, mid),
                *size,
                false,
                INK,
                (HPos::Right, VPos::Center),
            )?;
            // The median, past the end of the whisker (or of the bar, if that reaches
            // further).
            let end = w1.max(x1);
            cx.text(
                root,
                &cx.money(st.p50),
                (end + 14, mid),
                name_size,
                true,
                INK,
                (HPos::Left, VPos::Center),
            )?;
        }
        line(
            root,
            (plot.px(0.0), plot.top),
            (plot.px(0.0), plot.bottom),
            AXIS_LINE,
            2,
        )?;

        // Legend in the lower right, where the smallest capabilities leave room.
        let items: Vec<(String, Key)> = groups
            .iter()
            .filter(|g| caps.iter().any(|c| c.group == **g))
            .map(|g| (g.to_string(), Key::Fill(swatch[g])))
            .collect();
        let legend_w = items
            .iter()
            .map(|(t, _)| 52 + cx.width(&legend_label(cx, t), LABEL, false))
            .max()
            .unwrap_or(0);
        let legend_h = LEGEND_ROW * items.len() as i32;
        // One entry per row: `max_x` at the left edge forces a wrap after every entry.
        let left = plot.right - legend_w;
        legend(cx, root, &items, (left, plot.bottom - legend_h - 12), left)?;
        Ok(())
    }
}
