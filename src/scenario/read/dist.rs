//! The distribution keys (`pert = [..]`, `normal = { .. }`, ...): their parameters, checked,
//! and how a distribution is described in messages.

use super::table::Table;
use super::value::{Value, number_of};
use super::words::fmt_num;
use crate::scenario::types::Dist;

/// z such that Φ(z) = 0.95: a lognormal's 90% interval is mu ± z·sigma.
pub(super) const Z95: f64 = 1.644_853_626_951_472_2;

/// Short description of a distribution for messages.
pub(crate) fn describe_dist(dist: &Dist) -> String {
    match dist {
        Dist::Fixed(v) => fmt_num(*v),
        Dist::Uniform { min, max } => format!("uniform [{}, {}]", fmt_num(*min), fmt_num(*max)),
        Dist::Triangular { min, mode, max } => format!(
            "triangular [{}, {}, {}]",
            fmt_num(*min),
            fmt_num(*mode),
            fmt_num(*max)
        ),
        Dist::Pert { min, mode, max, .. } => format!(
            "pert [{}, {}, {}]",
            fmt_num(*min),
            fmt_num(*mode),
            fmt_num(*max)
        ),
        Dist::Normal { mean, sd } => {
            format!("normal (mean {}, sd {})", fmt_num(*mean), fmt_num(*sd))
        }
        Dist::LogNormal { mu, sigma } => {
            format!("lognormal (mu {}, sigma {})", fmt_num(*mu), fmt_num(*sigma))
        }
        Dist::Beta { alpha, beta } => {
            format!("beta (alpha {}, beta {})", fmt_num(*alpha), fmt_num(*beta))
        }
        Dist::Discrete { .. } => "discrete distribution".into(),
        Dist::Bernoulli { p } => format!("bernoulli ({})", fmt_num(*p)),
    }
}

/// Names of the distributions, as written in scenario files.
pub(crate) const DIST_KEYS: [&str; 9] = [
    "fixed",
    "uniform",
    "triangular",
    "pert",
    "normal",
    "lognormal",
    "beta",
    "discrete",
    "bernoulli",
];

/// Parse the value of one distribution key.
pub(super) fn parse_dist(key: &str, v: &Value<'_>, outer: &mut Table<'_>) -> Option<Dist> {
    // Every parameter problem says what the distribution accepts.
    let rule = match key {
        "uniform" => "uniform = [min, max] with min < max",
        "triangular" => "triangular = [min, mode, max] with min <= mode <= max and min < max",
        "pert" => "pert = [min, mode, max] with min <= mode <= max and min < max",
        "normal" => "normal = { mean = .., sd = .. } with sd > 0",
        "lognormal" => {
            "lognormal = { mu = .., sigma = .. } with sigma > 0, or { p5 = .., p95 = .. } with 0 < p5 < p95"
        }
        "beta" => "beta = { alpha = .., beta = .. } with alpha and beta in (0, 1e6]",
        "discrete" => {
            "discrete = { values = [..], weights = [..] }: at least one value, one weight per value, weights >= 0 and not all 0"
        }
        "bernoulli" => "bernoulli = p with p in [0, 1]",
        _ => "a finite number",
    };
    let bad = |msg: String| {
        v.report(v.diag(msg).allowed(rule));
        None
    };
    match key {
        "fixed" => v.plain().map(Dist::Fixed),
        "uniform" => {
            let p = v.numbers(Some(2), "[min, max]")?;
            let (min, max) = (p[0], p[1]);
            if min < max {
                Some(Dist::Uniform { min, max })
            } else {
                bad(format!(
                    "uniform needs min < max, found [{}, {}]",
                    fmt_num(min),
                    fmt_num(max)
                ))
            }
        }
        "triangular" | "pert" => {
            // Read `shape` first so it is consumed even when the numbers are wrong.
            let shape =
                if key == "pert" {
                    match outer.take("shape") {
                        Some(s) => Some(match number_of(s.raw()) {
                            Ok(x) if x > 0.0 && x <= 1e6 => Some(x),
                            Ok(x) => {
                                s.report(
                                    s.diag(format!("PERT shape {} is out of range", fmt_num(x)))
                                        .allowed(
                                            "a shape in (0, 1e6], usually 4 (higher = more peaked)",
                                        ),
                                );
                                None
                            }
                            Err(msg) => {
                                s.report(s.diag(format!("PERT shape: {msg}")).allowed(
                                    "a shape in (0, 1e6], usually 4 (higher = more peaked)",
                                ));
                                None
                            }
                        }),
                        None => Some(Some(4.0)),
                    }
                } else {
                    None
                };
            let p = v.numbers(Some(3), "[min, mode, max]")?;
            let (min, mode, max) = (p[0], p[1], p[2]);
            let shape = match shape {
                Some(s) => Some(s?),
                None => None,
            };
            if min == max && mode == min {
                return Some(Dist::Fixed(min));
            }
            if !(min <= mode && mode <= max && min < max) {
                return bad(format!(
                    "{key} needs min <= mode <= max with min < max, found [{}, {}, {}]",
                    fmt_num(min),
                    fmt_num(mode),
                    fmt_num(max)
                ));
            }
            match shape {
                Some(shape) => Some(Dist::Pert {
                    min,
                    mode,
                    max,
                    shape,
                }),
                None => Some(Dist::Triangular { min, mode, max }),
            }
        }
        "normal" => {
            let mut t = v.table()?;
            t.flat = true;
            let mean = t.required_plain("mean");
            let sd = t.required_plain("sd");
            t.finish();
            let (mean, sd) = (mean?, sd?);
            if sd > 0.0 {
                Some(Dist::Normal { mean, sd })
            } else {
                bad(format!("normal needs sd > 0, found {}", fmt_num(sd)))
            }
        }
        "lognormal" => {
            let mut t = v.table()?;
            t.flat = true;
            let by_interval = t.has("p5") || t.has("p95");
            let by_params = t.has("mu") || t.has("sigma");
            if by_interval && by_params {
                t.take("p5");
                t.take("p95");
                t.take("mu");
                t.take("sigma");
                t.finish();
                return bad(
                    "lognormal takes either { mu, sigma } or { p5, p95 }, not both".to_string(),
                );
            }
            if by_interval {
                let p5 = t.required_plain("p5");
                let p95 = t.required_plain("p95");
                t.know("mu");
                t.know("sigma");
                t.finish();
                let (p5, p95) = (p5?, p95?);
                if !(p5 > 0.0 && p5 < p95) {
                    return bad(format!(
                        "lognormal needs 0 < p5 < p95, found p5 = {}, p95 = {}",
                        fmt_num(p5),
                        fmt_num(p95)
                    ));
                }
                let mu = (p5.ln() + p95.ln()) / 2.0;
                let sigma = (p95.ln() - p5.ln()) / (2.0 * Z95);
                Some(Dist::LogNormal { mu, sigma })
            } else {
                let mu = t.required_plain("mu");
                let sigma = t.required_plain("sigma");
                t.know("p5");
                t.know("p95");
                t.finish();
                let (mu, sigma) = (mu?, sigma?);
                if sigma > 0.0 {
                    Some(Dist::LogNormal { mu, sigma })
                } else {
                    bad(format!(
                        "lognormal needs sigma > 0, found {}",
                        fmt_num(sigma)
                    ))
                }
            }
        }
        "beta" => {
            let mut t = v.table()?;
            t.flat = true;
            let alpha = t.required_plain("alpha");
            let beta = t.required_plain("beta");
            t.finish();
            let (alpha, beta) = (alpha?, beta?);
            // Above 1e6 the distribution is a spike the quantile table cannot represent.
            if alpha > 0.0 && beta > 0.0 && alpha <= 1e6 && beta <= 1e6 {
                Some(Dist::Beta { alpha, beta })
            } else {
                bad(format!(
                    "beta needs alpha and beta in (0, 1e6], found alpha = {}, beta = {}",
                    fmt_num(alpha),
                    fmt_num(beta)
                ))
            }
        }
        "discrete" => {
            let mut t = v.table()?;
            t.flat = true;
            let values = match t.take("values") {
                Some(x) => x.numbers(None, "[v1, v2, ..]"),
                None => {
                    t.missing("values", "a list of numbers, e.g. values = [0, 1, 2]");
                    None
                }
            };
            let weights = t.take("weights").map(|x| x.numbers(None, "[w1, w2, ..]"));
            t.finish();
            let values = values?;
            let weights = match weights {
                Some(w) => w?,
                None => vec![1.0; values.len()],
            };
            if values.is_empty() {
                return bad("discrete needs at least one value".into());
            }
            if weights.len() != values.len() {
                return bad(format!(
                    "discrete needs one weight per value: {} values, {} weights",
                    values.len(),
                    weights.len()
                ));
            }
            if let Some(w) = weights.iter().find(|&&w| w < 0.0) {
                return bad(format!(
                    "discrete weights must be >= 0, found {}",
                    fmt_num(*w)
                ));
            }
            let total: f64 = weights.iter().sum();
            if !total.is_finite() {
                return bad(
                    "discrete weights are too large: their sum overflows; use relative weights such as [1, 2, 1]".into(),
                );
            }
            if total <= 0.0 {
                return bad(format!(
                    "discrete weights must add up to more than 0, found {}",
                    weights
                        .iter()
                        .map(|w| fmt_num(*w))
                        .collect::<Vec<_>>()
                        .join(" + ")
                ));
            }
            let (values, weights): (Vec<f64>, Vec<f64>) = values
                .into_iter()
                .zip(weights)
                .filter(|&(_, w)| w > 0.0)
                .unzip();
            if values.len() == 1 {
                return Some(Dist::Fixed(values[0]));
            }
            Some(Dist::Discrete { values, weights })
        }
        "bernoulli" => {
            let p = v.plain()?;
            if (0.0..=1.0).contains(&p) {
                Some(Dist::Bernoulli { p })
            } else {
                bad(format!(
                    "bernoulli needs a probability in [0, 1], found {}",
                    fmt_num(p)
                ))
            }
        }
        _ => None,
    }
}
