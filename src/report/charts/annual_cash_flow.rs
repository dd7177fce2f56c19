//! The base case year by year, in the shape of a classic business-case table: benefits by
//! capability group above the line, costs by category below, and the net — so the board can
//! check the simulation against the spreadsheet it already knows.

use plotters::element::Circle;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{Color, ShapeStyle};

use super::Chart;
use crate::report::format;
use crate::report::plot::{
    Area, Axis, Cx, DrawResult, FrameOpts, H, INK, Key, LABEL, LOSS_DARK, MARGIN, Swatch, W, WHITE,
    category, cost_category, fill_rect, frame, legend, legend_layout, line, polyline,
};
use crate::results::Summary;

/// The base case's benefits, costs and net per year.
pub(crate) struct AnnualCashFlow;

impl Chart for AnnualCashFlow {
    fn name(&self) -> &'static str {
        "annual-cash-flow"
    }

    fn caption(&self) -> &'static str {
        "Base case by year"
    }

    /// From which year the base case earns more than it costs.
    fn title(&self, cx: &Cx) -> String {
        let years = &cx.summary.charts.annual;
        let Some(last) = years.last() else {
            return "Base case by year".to_string();
        };
        match years.iter().find(|y| y.net > 0.0) {
            Some(first) if first.year == 1 => format!(
                "Base case: benefits exceed costs from year 1; net {} in year {}",
                cx.money(last.net),
                last.year
            ),
            Some(first) => format!(
                "Base case: benefits exceed costs from year {}; net {} in year {}",
                first.year,
                cx.money(last.net),
                last.year
            ),
            None => "Base case: costs exceed benefits in every year".to_string(),
        }
    }

    fn subtitle(&self, _cx: &Cx) -> String {
        "Base case (most likely inputs), not discounted: benefits above zero, costs below, net \
         as the line."
            .to_string()
    }

    /// When year 1 starts, if the scenario has a start month.
    fn note(&self, cx: &Cx) -> Option<String> {
        cx.summary
            .start_month
            .as_deref()
            .and_then(|m| format::calendar_month(m, 0))
            .map(|m| format!("Year 1 starts {m}"))
    }

    fn has_data(&self, s: &Summary) -> bool {
        !s.charts.annual.is_empty()
    }

    fn draw(&self, cx: &Cx, root: &Area) -> DrawResult {
        let s = cx.summary;
        let years = &s.charts.annual;
        let groups = &s.charts.benefit_groups;
        let cats = &s.charts.cost_categories;
        let mut items: Vec<(String, Key)> = groups
            .iter()
            .enumerate()
            .map(|(i, g)| (g.clone(), Key::Fill(category(i))))
            .collect();
        items.extend(
            cats.iter()
                .enumerate()
                .map(|(i, c)| (c.clone(), Key::Fill(cost_category(i)))),
        );
        items.push(("Net".to_string(), Key::Line(INK, 4, false)));
        let legend_top_guess = H - 100;
        let (_, legend_bottom) = legend_layout(cx, &items, (MARGIN, legend_top_guess), W - MARGIN);
        let legend_h = legend_bottom - legend_top_guess;
        // Under the plot: year labels, then the net of each year as a row of figures.
        let plot_bottom = H - 96 - legend_h - 120;

        let hi = years
            .iter()
            .map(|y| y.benefits_by_group.iter().sum::<f64>().max(y.net))
            .fold(0.0, f64::max);
        let lo = years
            .iter()
            .map(|y| (-y.costs_by_category.iter().sum::<f64>()).min(y.net))
            .fold(0.0, f64::min);
        let n = years.len();
        let every = n.div_ceil(12).max(1);
        let ticks = years
            .iter()
            .enumerate()
            .filter(|(i, _)| i % every == 0)
            .map(|(i, y)| (i as f64 + 0.5, format!("Year {}", y.year)))
            .collect();
        let x = Axis {
            lo: 0.0,
            hi: n as f64,
            ticks,
            title: String::new(),
        };
        let y = Axis::money(lo, hi, cx.currency(), 8, "Base-case cash flow per year");
        let plot = frame(
            cx,
            root,
            &x,
            &y,
            FrameOpts {
                bottom: plot_bottom,
                ..FrameOpts::default()
            },
        )?;

        let slot = (plot.right - plot.left) as f64 / n as f64;
        let half = (slot * 0.30).max(2.0) as i32;
        let mut net_pts = Vec::with_capacity(n);
        for (i, yr) in years.iter().enumerate() {
            let cxp = plot.px(i as f64 + 0.5);
            let stack = |values: &[f64], sign: f64, swatch: fn(usize) -> Swatch| {
                let mut base = 0.0;
                let mut rects = Vec::new();
                for (k, v) in values.iter().enumerate() {
                    if *v <= 0.0 {
                        continue;
                    }
                    let top = base + sign * v;
                    rects.push((
                        (cxp - half, plot.py(base)),
                        (cxp + half, plot.py(top)),
                        swatch(k),
                    ));
                    base = top;
                }
                rects
            };
            let mut rects = stack(&yr.benefits_by_group, 1.0, category);
            rects.extend(stack(&yr.costs_by_category, -1.0, cost_category));
            for (a, b, sw) in rects {
                fill_rect(root, a, b, sw)?;
                // A white seam at each segment's outer edge keeps stacked segments apart in
                // greyscale.
                line(root, (a.0, b.1), (b.0, b.1), WHITE, 2)?;
            }
            net_pts.push(plot.at(i as f64 + 0.5, yr.net));
        }
        let zero = plot.py(0.0);
        line(root, (plot.left, zero), (plot.right, zero), INK, 3)?;
        polyline(root, &net_pts, INK, 4, None)?;
        for pt in &net_pts {
            root.draw(&Circle::new(*pt, 11, WHITE.filled()))?;
            root.draw(&Circle::new(*pt, 11, ShapeStyle::from(INK).stroke_width(4)))?;
        }
        // The net figures as a row under the year labels, where they cannot cover the bars.
        let widest = years
            .iter()
            .map(|y| cx.width(&format!("Net {}", cx.money(y.net)), LABEL, true))
            .max()
            .unwrap_or(0);
        let net_size = if (widest as f64) < slot * every as f64 * 0.9 {
            LABEL
        } else {
            LABEL * 0.75
        };
        cx.text(
            root,
            "Net",
            (MARGIN, plot.bottom + 64),
            net_size,
            true,
            INK,
            (HPos::Left, VPos::Top),
        )?;
        for (i, yr) in years.iter().enumerate().filter(|(i, _)| i % every == 0) {
            let color = if yr.net < 0.0 { LOSS_DARK } else { INK };
            cx.text(
                root,
                &cx.money(yr.net),
                (plot.px(i as f64 + 0.5), plot.bottom + 64),
                net_size,
                true,
                color,
                (HPos::Center, VPos::Top),
            )?;
        }
        legend(cx, root, &items, (MARGIN, plot.bottom + 124), W - MARGIN)?;
        Ok(())
    }
}
