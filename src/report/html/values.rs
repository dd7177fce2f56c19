//! How the assumptions table writes an input: its values in the input's unit (money with the
//! currency symbol, shares in percent), as many significant figures as they deserve, and its
//! distribution in words.

use std::fmt::Write as _;

use crate::dist::Dist;
use crate::report::format::{self, percent};
use crate::results::Assumption;
use crate::scenario::Quantity;

/// A number as written in a scenario: up to six significant figures, thousands separators.
pub(super) fn num(v: f64) -> String {
    sig(v, 6)
}

/// `v` rounded to `digits` significant figures, with thousands separators and no trailing
/// zeros: computed values (ranges, medians) get three, so they never look more exact than
/// they are.
pub(super) fn sig(v: f64, digits: i32) -> String {
    if !v.is_finite() {
        return if v > 0.0 { "∞" } else { "−∞" }.to_string();
    }
    if v == 0.0 {
        return "0".into();
    }
    let sign = if v < 0.0 { "-" } else { "" };
    let a = v.abs();
    let magnitude = a.log10().floor() as i32;
    let decimals = (digits - 1 - magnitude).max(0) as usize;
    let scale = 10f64.powi(magnitude + 1 - digits);
    let rounded = (a / scale).round() * scale;
    if decimals == 0 {
        return format!("{sign}{}", format::thousands(rounded.round() as u64));
    }
    let text = format!("{rounded:.decimals$}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    // Thousands separators in the whole part too (12000.5 → 12,000.5; 12000 → 12,000).
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let whole = whole
        .parse::<u64>()
        .map_or_else(|_| whole.to_string(), format::thousands);
    if fraction.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
    }
}

/// A value in the input's unit; `digits` significant figures.
fn value_sig(v: f64, unit: Quantity, cur: &str, digits: i32) -> String {
    if !v.is_finite() {
        return sig(v, digits);
    }
    match unit {
        Quantity::Money => {
            let sym = format::currency_symbol(cur);
            let sign = if v < 0.0 { "-" } else { "" };
            format!("{sign}{sym}{}", sig(v.abs(), digits))
        }
        Quantity::Share => format!("{}%", sig(v * 100.0, digits)),
        Quantity::Number => sig(v, digits),
    }
}

/// A value as written in the scenario.
pub(super) fn value(v: f64, unit: Quantity, cur: &str) -> String {
    value_sig(v, unit, cur, 6)
}

/// A computed value (a percentile, a median): three significant figures.
pub(super) fn approx(v: f64, unit: Quantity, cur: &str) -> String {
    value_sig(v, unit, cur, 3)
}

/// The distribution in words, its parameters in the input's unit.
pub(super) fn describe(a: &Assumption, cur: &str) -> String {
    let unit = a.quantity;
    let v = |x: f64| value(x, unit, cur);
    let mut d = match &a.distribution {
        Dist::Fixed(x) => format!("Fixed at {}", v(*x)),
        Dist::Uniform { min, max } => format!("Uniform from {} to {}", v(*min), v(*max)),
        Dist::Triangular { min, mode, max } => format!(
            "Triangular: min {}, most likely {}, max {}",
            v(*min),
            v(*mode),
            v(*max)
        ),
        Dist::Pert {
            min,
            mode,
            max,
            shape,
        } => {
            let mut t = format!(
                "PERT: min {}, most likely {}, max {}",
                v(*min),
                v(*mode),
                v(*max)
            );
            if (*shape - 4.0).abs() > 1e-9 {
                let _ = write!(t, ", shape {}", num(*shape));
            }
            t
        }
        Dist::Normal { mean, sd } => format!("Normal: mean {}, sd {}", v(*mean), v(*sd)),
        Dist::LogNormal { mu, sigma } => format!(
            "Lognormal: μ {}, σ {} (median {})",
            num(*mu),
            num(*sigma),
            approx(mu.exp(), unit, cur)
        ),
        Dist::Beta { alpha, beta } => format!("Beta: α {}, β {}", num(*alpha), num(*beta)),
        Dist::Discrete { values, weights } => {
            let total: f64 = weights.iter().sum();
            let parts: Vec<String> = values
                .iter()
                .zip(weights)
                .map(|(x, w)| format!("{} ({})", v(*x), percent(w / total)))
                .collect();
            format!("One of {}", parts.join(", "))
        }
        Dist::Bernoulli { p } => format!("Happens (1) with probability {}", num(*p)),
    };
    if let Some((lo, hi)) = a.truncate {
        let _ = write!(d, "; truncated to [{}, {}]", v(lo), v(hi));
    }
    d
}
