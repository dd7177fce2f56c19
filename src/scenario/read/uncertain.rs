//! A possibly uncertain number: a plain number or an inline distribution table
//! (`{ pert = [..], min = .., max = .. }`), accepted only when every value it can draw lies in
//! the field's allowed range and its draws can be computed.

use toml::de::DeValue;

use super::bounds::Bounds;
use super::dist::{DIST_KEYS, describe_dist, parse_dist};
use super::value::{Value, kind_name, number_of};
use super::words::{fmt_num, join_words};
use crate::scenario::diagnostic::Diagnostic;
use crate::scenario::types::{Dist, Uncertain};

/// The set of values a distribution can take, as an interval with open or closed ends.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Support {
    lo: f64,
    lo_open: bool,
    hi: f64,
    hi_open: bool,
}

impl Support {
    fn closed(lo: f64, hi: f64) -> Self {
        Support {
            lo,
            lo_open: false,
            hi,
            hi_open: false,
        }
    }
}

/// Support of a distribution before truncation.
fn support_of(dist: &Dist) -> Support {
    match dist {
        Dist::Fixed(v) => Support::closed(*v, *v),
        Dist::Uniform { min, max }
        | Dist::Triangular { min, max, .. }
        | Dist::Pert { min, max, .. } => Support::closed(*min, *max),
        Dist::Normal { .. } => Support {
            lo: f64::NEG_INFINITY,
            lo_open: true,
            hi: f64::INFINITY,
            hi_open: true,
        },
        Dist::LogNormal { .. } => Support {
            lo: 0.0,
            lo_open: true,
            hi: f64::INFINITY,
            hi_open: true,
        },
        Dist::Beta { .. } => Support::closed(0.0, 1.0),
        Dist::Discrete { values, .. } => {
            let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            Support::closed(lo, hi)
        }
        Dist::Bernoulli { p } => {
            if *p <= 0.0 {
                Support::closed(0.0, 0.0)
            } else if *p >= 1.0 {
                Support::closed(1.0, 1.0)
            } else {
                Support::closed(0.0, 1.0)
            }
        }
    }
}

/// The atoms of a discrete distribution (values with positive probability), if it is one.
fn atoms(dist: &Dist) -> Option<Vec<f64>> {
    match dist {
        Dist::Fixed(v) => Some(vec![*v]),
        Dist::Discrete { values, .. } => Some(values.clone()),
        Dist::Bernoulli { p } => Some(match () {
            _ if *p <= 0.0 => vec![0.0],
            _ if *p >= 1.0 => vec![1.0],
            _ => vec![0.0, 1.0],
        }),
        _ => None,
    }
}

/// Support after truncating to `[lo, hi]` (inclusive), or `None` when the truncation leaves
/// no probability.
fn truncated_support(dist: &Dist, lo: f64, hi: f64) -> Option<Support> {
    if let Some(points) = atoms(dist) {
        let inside: Vec<f64> = points.into_iter().filter(|&x| x >= lo && x <= hi).collect();
        if inside.is_empty() {
            return None;
        }
        let a = inside.iter().copied().fold(f64::INFINITY, f64::min);
        let b = inside.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        return Some(Support::closed(a, b));
    }
    let s = support_of(dist);
    let (new_lo, lo_open) = if lo > s.lo {
        (lo, false)
    } else {
        (s.lo, s.lo_open)
    };
    let (new_hi, hi_open) = if hi < s.hi {
        (hi, false)
    } else {
        (s.hi, s.hi_open)
    };
    // A continuous distribution needs an interval of positive length inside its support.
    if new_lo < new_hi {
        Some(Support {
            lo: new_lo,
            lo_open,
            hi: new_hi,
            hi_open,
        })
    } else {
        None
    }
}

/// Where an unbounded distribution practically lives: mean ± 6 sd for a normal,
/// up to exp(mu + 6 sigma) for a lognormal.
fn practical_range(dist: &Dist) -> Option<(f64, f64)> {
    match dist {
        Dist::Normal { mean, sd } => Some((mean - 6.0 * sd, mean + 6.0 * sd)),
        Dist::LogNormal { mu, sigma } => Some(((mu - 6.0 * sigma).exp(), (mu + 6.0 * sigma).exp())),
        _ => None,
    }
}

/// Largest |z| a draw can reach: the uniforms fed to the samplers lie in
/// [2^-54, 1 - 2^-54], whose standard-normal quantiles are within ±8.3.
const Z_MAX: f64 = 9.0;

/// Smallest share of a normal or lognormal's probability a truncation may keep. Below it the
/// samplers cannot place draws inside `[min, max]` reliably (the kept range of probabilities
/// vanishes in floating point), and the input is almost certainly a mistake.
const MIN_TRUNCATED_MASS: f64 = 1e-9;

/// The standard normal CDF, computed exactly as the samplers compute it (so "no probability
/// left" here means the same as there).
fn std_normal_cdf(z: f64) -> f64 {
    if z.is_nan() {
        return f64::NAN;
    }
    0.5 * (1.0 + statrs::function::erf::erf(z / std::f64::consts::SQRT_2))
}

/// A problem with the draws of an unbounded distribution that its parameters alone do not show:
/// draws too large to compute with, or a truncation that keeps (almost) none of its
/// probability. Returns the message and the allowed text.
fn draw_problem(dist: &Dist, truncate: Option<(f64, f64)>) -> Option<(String, String)> {
    let (lo, hi) = truncate.unwrap_or((f64::NEG_INFINITY, f64::INFINITY));
    let cdf: Box<dyn Fn(f64) -> f64> = match *dist {
        Dist::Normal { mean, sd } => {
            if !(mean - Z_MAX * sd).is_finite() || !(mean + Z_MAX * sd).is_finite() {
                return Some((
                    format!(
                        "{} is too wide to compute with: mean ± 9 sd overflows",
                        describe_dist(dist)
                    ),
                    "a normal whose mean ± 9 × sd stays finite (below about 1e307)".into(),
                ));
            }
            Box::new(move |x: f64| std_normal_cdf((x - mean) / sd))
        }
        Dist::LogNormal { mu, sigma } => {
            if hi.is_infinite() && !(mu + Z_MAX * sigma).exp().is_finite() {
                return Some((
                    format!(
                        "{} can draw numbers too large to compute with: exp(mu + 9 sigma) overflows",
                        describe_dist(dist)
                    ),
                    "a lognormal with mu + 9 × sigma at most 709 (realistic values are far smaller), or a finite `max = ..` beside it".into(),
                ));
            }
            Box::new(move |x: f64| {
                if x <= 0.0 {
                    0.0
                } else {
                    std_normal_cdf((x.ln() - mu) / sigma)
                }
            })
        }
        _ => return None,
    };
    truncate?;
    let below = if lo.is_finite() { cdf(lo) } else { 0.0 };
    let upto = if hi.is_finite() { cdf(hi) } else { 1.0 };
    let mass = upto - below;
    if mass >= MIN_TRUNCATED_MASS {
        return None;
    }
    let share = if mass > 0.0 {
        format!("only a share of about {mass:.1e} of")
    } else {
        "no computable part of".to_string()
    };
    Some((
        format!(
            "the truncation [{}, {}] keeps {share} {}: its draws practically never fall inside it",
            fmt_num(lo),
            fmt_num(hi),
            describe_dist(dist),
        ),
        "min and max beside a distribution must cover a part of it with real probability: move its centre inside [min, max] or widen them".into(),
    ))
}

pub(super) const DIST_EXAMPLE: &str = "a plain number, or a distribution such as { pert = [min, mode, max] }, \
     { triangular = [min, mode, max] }, { uniform = [min, max] }, { normal = { mean = .., sd = .. } }, \
     { lognormal = { p5 = .., p95 = .. } }, { beta = { alpha = .., beta = .. } }, \
     { discrete = { values = [..], weights = [..] } }, { bernoulli = p } or { fixed = x }, \
     optionally with min = .. and/or max = .. beside it to truncate";

impl Value<'_> {
    /// A possibly uncertain number whose every possible value lies within `bounds`.
    pub(crate) fn uncertain(&self, bounds: &Bounds) -> Option<Uncertain> {
        let location = Some(self.location());
        let (dist, truncate) = match self.value.get_ref() {
            DeValue::Table(_) => {
                let before = self.reader.count();
                let parsed = self.distribution();
                if self.reader.count() > before {
                    return None;
                }
                parsed?
            }
            DeValue::Integer(_) | DeValue::Float(_) => match number_of(self.value.get_ref()) {
                Ok(v) => (Dist::Fixed(v), None),
                Err(msg) => {
                    self.report(self.diag(msg).allowed(bounds.describe()));
                    return None;
                }
            },
            other => {
                self.report(
                    self.diag(format!(
                        "expected a number or a distribution, found {}",
                        kind_name(other)
                    ))
                    .allowed(DIST_EXAMPLE),
                );
                return None;
            }
        };
        let (tlo, thi) = truncate.unwrap_or((f64::NEG_INFINITY, f64::INFINITY));
        let Some(mut support) = truncated_support(&dist, tlo, thi) else {
            self.report(
                self.diag(format!(
                    "the truncation [{}, {}] leaves no probability: {} never falls inside it",
                    fmt_num(tlo),
                    fmt_num(thi),
                    describe_dist(&dist)
                ))
                .allowed("min and max beside a distribution must overlap the values it can take"),
            );
            return None;
        };
        if let Some((message, allowed)) = draw_problem(&dist, truncate) {
            self.report(self.diag(message).allowed(allowed));
            return None;
        }
        if let Some((plo, phi)) = practical_range(&dist) {
            if bounds.soft_lo && support.lo.is_infinite() {
                support.lo = plo.max(tlo);
                support.lo_open = false;
            }
            if bounds.soft_hi && support.hi.is_infinite() {
                support.hi = phi.min(thi);
                support.hi_open = false;
            }
        }
        let lo_ok = support.lo > bounds.lo
            || (support.lo == bounds.lo && (!bounds.lo_open || support.lo_open));
        let hi_ok = support.hi < bounds.hi
            || (support.hi == bounds.hi && (!bounds.hi_open || support.hi_open));
        if !(lo_ok && hi_ok) {
            self.report(self.range_error(&dist, truncate, support, bounds, lo_ok, hi_ok));
            return None;
        }
        self.reader.allow(&self.path, bounds);
        Some(Uncertain {
            name: self.path.clone(),
            dist,
            truncate,
            location,
        })
    }

    fn range_error(
        &self,
        dist: &Dist,
        truncate: Option<(f64, f64)>,
        support: Support,
        bounds: &Bounds,
        lo_ok: bool,
        hi_ok: bool,
    ) -> Diagnostic {
        if let Dist::Fixed(v) = dist
            && truncate.is_none()
        {
            return self
                .diag(format!("{} is out of range", fmt_num(*v)))
                .allowed(bounds.describe());
        }
        let range = format!(
            "{}{}, {}{}",
            if support.lo_open { "(" } else { "[" },
            fmt_num(support.lo),
            fmt_num(support.hi),
            if support.hi_open { ")" } else { "]" }
        );
        let message = format!(
            "{}{} can take values in {range}, outside the allowed range",
            describe_dist(dist),
            if truncate.is_some() {
                " (truncated)"
            } else {
                ""
            },
        );
        let mut sides = Vec::new();
        if !lo_ok {
            sides.push(if bounds.lo_open {
                format!("min = (a value above {})", fmt_num(bounds.lo))
            } else {
                format!("min = {}", fmt_num(bounds.lo))
            });
        }
        if !hi_ok {
            sides.push(if bounds.hi_open {
                format!("max = (a value below {})", fmt_num(bounds.hi))
            } else {
                format!("max = {}", fmt_num(bounds.hi))
            });
        }
        let unbounded = (!lo_ok && support.lo.is_infinite())
            || (!hi_ok && support.hi.is_infinite())
            || matches!(dist, Dist::Normal { .. } | Dist::LogNormal { .. });
        let hint = if unbounded {
            format!(
                "this distribution is unbounded: add `{}` beside it to truncate it",
                sides.join(", ")
            )
        } else {
            format!(
                "change the distribution's parameters to stay inside, or truncate it with `{}` beside it",
                sides.join(", ")
            )
        };
        self.diag(message)
            .allowed(format!("{}; {hint}", bounds.describe()))
    }

    /// Parse an inline distribution table: exactly one distribution key, optional
    /// `min`/`max` truncation and (PERT only) `shape`.
    fn distribution(&self) -> Option<(Dist, Option<(f64, f64)>)> {
        let mut t = self.table()?;
        t.what = "distribution key";
        t.flat = true;
        let present: Vec<&'static str> = DIST_KEYS.iter().copied().filter(|k| t.has(k)).collect();
        let mut result = None;
        match present.as_slice() {
            [] => {
                // A misspelt distribution name is reported once, by `finish`, with a suggestion.
                let misspelt = t
                    .table
                    .iter()
                    .any(|(k, _)| self.reader.did_you_mean(k.get_ref(), DIST_KEYS).is_some());
                if !misspelt {
                    self.report(
                        self.diag("no distribution given in this table")
                            .allowed(DIST_EXAMPLE),
                    );
                }
                // Let `finish` suggest a distribution name for a misspelt key.
                for k in DIST_KEYS {
                    t.know(k);
                }
            }
            [key] => {
                for k in DIST_KEYS {
                    t.know(k);
                }
                if let Some(v) = t.take(key) {
                    result = parse_dist(key, &v, &mut t);
                }
            }
            many => {
                self.report(
                    self.diag(format!(
                        "only one distribution per value, found {}",
                        join_words(many)
                    ))
                    .allowed(DIST_EXAMPLE),
                );
                for k in many {
                    t.take(k);
                }
            }
        }
        if present.len() != 1 || present[0] != "pert" {
            t.reject_with(
                "shape",
                |_| "`shape` only applies to a pert distribution".to_string(),
                None,
            );
        }
        let lo = t.take("min").and_then(|v| v.plain());
        let hi = t.take("max").and_then(|v| v.plain());
        let had_lo = t.has("min");
        let had_hi = t.has("max");
        t.finish();
        let dist = result?;
        if (had_lo && lo.is_none()) || (had_hi && hi.is_none()) {
            return None;
        }
        let truncate = if had_lo || had_hi {
            let lo = lo.unwrap_or(f64::NEG_INFINITY);
            let hi = hi.unwrap_or(f64::INFINITY);
            if lo >= hi {
                self.report(
                    self.diag(format!(
                        "truncation min ({}) must be below max ({})",
                        fmt_num(lo),
                        fmt_num(hi)
                    ))
                    .allowed("min < max beside a distribution (either may be left out)"),
                );
                return None;
            }
            Some((lo, hi))
        } else {
            None
        };
        // An event is 0 or 1: a cut can only make it certain, which `bernoulli = 0` or `1`
        // says plainly (and its draws, u < p, are not ranks a cut could map).
        if matches!(dist, Dist::Bernoulli { .. }) && truncate.is_some() {
            self.report(
                self.diag("a bernoulli input takes no min or max: its values are 0 and 1")
                    .allowed("remove min and max; an event that always or never happens is `bernoulli = 1` or `bernoulli = 0`"),
            );
            return None;
        }
        Some((dist, truncate))
    }
}
