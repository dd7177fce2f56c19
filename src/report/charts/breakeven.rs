//! The break-even curve (`valuecase breakeven`): the target's statistic against the input's
//! value across the range searched, the target as a line, the break-even value and the
//! input's current value marked. Not one of a run's charts: it draws a search's results.

use std::path::Path;

use plotters::style::text_anchor::{HPos, VPos};

use super::{Chart, ChartContext, ChartError, ChartOutput};
use crate::files::write_atomically;
use crate::report::format;
use crate::report::input_label::InputLabel;
use crate::report::plot::theme::MUTED;
use crate::report::plot::{
    ACCENT, Area, Axis, Cx, DrawResult, Extra, FrameOpts, INK, Key, LABEL, MARGIN, NAVY, dashed,
    frame, label_box, legend, line, nice_step, polyline,
};
use crate::results::{Breakeven, Summary};
use crate::scenario::Quantity;

/// The curve of one break-even search.
pub(crate) struct BreakevenChart<'a>(pub &'a Breakeven);

/// How the statistic of a target reads: (words, is a probability or ratio, is money).
fn statistic_words(target: &str) -> (String, Kind) {
    let stat = target
        .split(['>', '<', '≥', '≤'])
        .next()
        .unwrap_or("")
        .trim();
    if stat == "prob_npv_positive" {
        return ("P(NPV > 0)".into(), Kind::Share);
    }
    if let Some(m) = stat
        .strip_prefix("prob_payback_within(")
        .and_then(|r| r.strip_suffix(')'))
    {
        return (format!("P(payback within {m} months)"), Kind::Share);
    }
    let (quantity, key) = stat.split_once('.').unwrap_or((stat, ""));
    let key = match key {
        "mean" => "mean".to_string(),
        "p50" => "median".to_string(),
        k => k.to_uppercase(),
    };
    match quantity {
        "npv" => (format!("{key} NPV"), Kind::Money),
        "roi" => (format!("{key} ROI"), Kind::Share),
        _ => (format!("{key} payback (months)"), Kind::Number),
    }
}

/// How a value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Money,
    Share,
    Number,
}

fn kind_of(q: Quantity) -> Kind {
    match q {
        Quantity::Money => Kind::Money,
        Quantity::Share => Kind::Share,
        Quantity::Number => Kind::Number,
    }
}

/// A value as the chart writes it.
fn written(kind: Kind, v: f64, currency: &str) -> String {
    match kind {
        Kind::Money => format::money(v, currency),
        Kind::Share => {
            let p = v * 100.0;
            if (p - p.round()).abs() < 0.05 {
                format!("{p:.0}%")
            } else {
                format!("{p:.1}%")
            }
        }
        Kind::Number => {
            if v.abs() >= 100.0 {
                format!("{v:.0}")
            } else {
                format!("{v:.2}")
            }
        }
    }
}

/// An axis over `[lo, hi]` in whole steps, labelled as `kind` reads.
fn axis(kind: Kind, lo: f64, hi: f64, currency: &str, title: &str) -> Axis {
    if kind == Kind::Money {
        return Axis::money(lo, hi, currency, 8, title);
    }
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else {
        (lo - 0.5, lo + 0.5)
    };
    let step = nice_step(hi - lo, 8);
    let a = (lo / step + 1e-9).floor() * step;
    let b = (hi / step - 1e-9).ceil() * step;
    let n = ((b - a) / step).round() as i64;
    let ticks = (0..=n)
        .map(|i| {
            let v = a + i as f64 * step;
            let label = match kind {
                Kind::Share => {
                    let decimals = if (step * 100.0).fract().abs() < 1e-9 {
                        0
                    } else {
                        1
                    };
                    format!("{:.*}%", decimals, v * 100.0)
                }
                _ => {
                    let decimals = if step.fract().abs() < 1e-9 { 0 } else { 2 };
                    format!("{v:.decimals$}")
                }
            };
            (v, label)
        })
        .collect();
    Axis {
        lo: a,
        hi: b,
        ticks,
        title: title.to_string(),
    }
}

impl Chart for BreakevenChart<'_> {
    fn name(&self) -> &'static str {
        "breakeven"
    }

    fn caption(&self) -> &'static str {
        "Break-even"
    }

    fn title(&self, cx: &Cx) -> String {
        let b = self.0;
        let (stat, stat_kind) = statistic_words(&b.target);
        let stat = capital(&stat);
        let goal = match target_of(&b.target) {
            Some((at_least, t)) => format!(
                "{stat} {} {}",
                if at_least { "≥" } else { "≤" },
                written(stat_kind, t, cx.currency())
            ),
            None => b.target.clone(),
        };
        let label = InputLabel::of(&b.input);
        let field = label.field_words();
        let kind = kind_of(b.quantity);
        match (b.value, b.reachable) {
            (Some(v), true) => format!(
                "{goal} needs the {field} at {} or {}",
                written(kind, v, cx.currency()),
                if self.met_above(v) { "more" } else { "less" }
            ),
            (Some(v), false) => format!(
                "{goal} is out of reach: at best {}, with the {field} at {}",
                b.statistic_at_value.map_or_else(
                    || "undefined".into(),
                    |s| written(stat_kind, s, cx.currency())
                ),
                written(kind, v, cx.currency())
            ),
            (None, _) => format!("{goal} holds across the whole range of the {field}"),
        }
    }

    fn subtitle(&self, _cx: &Cx) -> String {
        let b = self.0;
        format!(
            "{} with the input's distribution moved so its most likely value is on the axis; \
             {} simulations of {} trials, seed {}.",
            capital(&statistic_words(&b.target).0),
            b.curve.len(),
            format::thousands(b.trials),
            b.seed
        )
    }

    fn note(&self, cx: &Cx) -> Option<String> {
        let b = self.0;
        b.tolerance.map(|t| {
            let t = match kind_of(b.quantity) {
                Kind::Money => format::money(t, cx.currency()),
                Kind::Share => format!("{:.2} points", t * 100.0),
                Kind::Number => format!("{t:.3e}"),
            };
            format!("Break-even found to within {t}")
        })
    }

    fn has_data(&self, _s: &Summary) -> bool {
        self.0.curve.iter().any(|p| p.statistic.is_some())
    }

    fn draw(&self, cx: &Cx, root: &Area) -> DrawResult {
        let b = self.0;
        let cur = cx.currency().to_string();
        let (stat, stat_kind) = statistic_words(&b.target);
        let kind = kind_of(b.quantity);
        let threshold = target_of(&b.target).map(|(_, t)| t);
        let points: Vec<(f64, f64)> = b
            .curve
            .iter()
            .filter_map(|p| p.statistic.map(|s| (p.value, s)))
            .collect();
        let (mut lo, mut hi) = points
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, z), p| {
                (a.min(p.1), z.max(p.1))
            });
        if let Some(t) = threshold {
            lo = lo.min(t);
            hi = hi.max(t);
        }
        let x_title = capital(&InputLabel::of(&b.input).phrase());
        let x = axis(kind, b.range[0], b.range[1], &cur, &x_title);
        let y = axis(stat_kind, lo, hi, &cur, &capital(&stat));
        let plot = frame(
            cx,
            root,
            &x,
            &y,
            FrameOpts {
                bottom: crate::report::plot::PLOT_BOTTOM - 60,
                ..FrameOpts::default()
            },
        )?;
        let pts: Vec<(i32, i32)> = points.iter().map(|&(v, s)| plot.at(v, s)).collect();
        polyline(root, &pts, NAVY, 5, None)?;
        for &p in &pts {
            line(root, (p.0 - 6, p.1), (p.0 + 6, p.1), NAVY, 12)?;
        }
        if let Some(t) = threshold {
            let py = plot.py(t);
            dashed(root, (plot.left, py), (plot.right, py), ACCENT, 4, 18.0)?;
        }
        let now = plot.px(b.current_value);
        dashed(root, (now, plot.top), (now, plot.bottom), MUTED, 3, 10.0)?;
        // On a white box: the target line may run through here.
        label_box(
            cx,
            root,
            &format!("now {}", written(kind, b.current_value, &cur)),
            (now + 12, plot.top + 12),
            LABEL * 0.8,
            false,
            MUTED,
            (HPos::Left, VPos::Top),
        )?;
        if let (Some(v), Some(s)) = (b.value, b.statistic_at_value) {
            let (px, py) = plot.at(v, s);
            line(root, (px, py), (px, plot.bottom), ACCENT, 4)?;
            line(root, (px - 9, py), (px + 9, py), ACCENT, 18)?;
            let right = px < (plot.left + plot.right) / 2;
            cx.text(
                root,
                &format!(
                    "{} → {}",
                    written(kind, v, &cur),
                    written(stat_kind, s, &cur)
                ),
                (if right { px + 20 } else { px - 20 }, py - 20),
                LABEL,
                true,
                INK,
                (if right { HPos::Left } else { HPos::Right }, VPos::Bottom),
            )?;
        }
        let items = [
            ("Simulated".to_string(), Key::Line(NAVY, 5, false)),
            ("Target".to_string(), Key::Line(ACCENT, 4, true)),
        ];
        legend(cx, root, &items, (MARGIN, plot.bottom + 40), MARGIN)?;
        Ok(())
    }
}

impl BreakevenChart<'_> {
    /// Whether the target is met on the nearest simulated value above `v` (so the break-even
    /// reads "or more").
    fn met_above(&self, v: f64) -> bool {
        let b = self.0;
        let Some((at_least, t)) = target_of(&b.target) else {
            return true;
        };
        let met = |s: f64| if at_least { s >= t } else { s <= t };
        match b.curve.iter().find(|p| p.value > v) {
            Some(p) => p.statistic.is_some_and(met),
            None => true,
        }
    }
}

/// (`>=`, threshold) of a target as written.
fn target_of(target: &str) -> Option<(bool, f64)> {
    let at_least = !(target.contains("<=") || target.contains('≤'));
    let t = target
        .split(['=', '≥', '≤'])
        .next_back()?
        .trim()
        .replace('_', "")
        .parse::<f64>()
        .ok()?;
    Some((at_least, t))
}

fn capital(text: &str) -> String {
    super::tornado::capitalised(text)
}

/// Write the chart of `result` as `<dir>/breakeven.png` and `.svg`.
pub(crate) fn write(
    ctx: &ChartContext,
    result: &Breakeven,
    dir: &Path,
) -> Result<ChartOutput, ChartError> {
    let (fallbacks, notes) = super::png_fonts(ctx, Extra::Run)?;
    let chart = BreakevenChart(result);
    let (png, svg, _) = super::render(ctx, &chart, Extra::Run, &fallbacks)?;
    let mut files = Vec::new();
    for (ext, bytes) in [("png", png.as_slice()), ("svg", svg.as_bytes())] {
        let path = dir.join(format!("breakeven.{ext}"));
        write_atomically(&path, bytes).map_err(|source| ChartError::Io {
            path: path.clone(),
            source,
        })?;
        files.push(path);
    }
    Ok(ChartOutput {
        files,
        svg: vec![("breakeven".into(), svg)],
        warnings: Vec::new(),
        notes,
    })
}
