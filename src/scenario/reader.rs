//! A small span-aware walker over a parsed TOML document.
//!
//! `toml::de::DeTable::parse` keeps the byte span of every key and value. This module wraps it
//! so the scenario parser can ask for fields by name (`table.required_integer(..)`,
//! `table.optional_uncertain(..)`) while every problem is *collected* as a [`Diagnostic`] with
//! its line, column and field path, instead of stopping at the first one. `Table::finish`
//! reports every key nobody asked for, with a did-you-mean suggestion.
//!
//! Conventions:
//! - byte offsets become 1-based line / column, the column counted in characters;
//! - a getter that finds a problem records it and returns `None` (or a placeholder), so the
//!   caller carries on and later problems are reported too;
//! - every key asked for (present or not) is "known": the list of known keys is what
//!   `finish` offers as the allowed keys.

use std::cell::RefCell;
use std::collections::HashSet;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::diagnostic::Diagnostic;
use super::types::{Dist, Location, Uncertain};

/// z such that Φ(z) = 0.95: a lognormal's 90% interval is mu ± z·sigma.
const Z95: f64 = 1.644_853_626_951_472_2;

/// Largest money amount accepted anywhere (in absolute value).
pub(crate) const MONEY_LIMIT: f64 = 1e15;

// ---------------------------------------------------------------------------------------------
// Reader: the text, its line index and the collected diagnostics.
// ---------------------------------------------------------------------------------------------

/// The source text plus the diagnostics collected while walking it.
pub(crate) struct Reader<'s> {
    text: &'s str,
    line_starts: Vec<usize>,
    diagnostics: RefCell<Vec<Diagnostic>>,
}

impl<'s> Reader<'s> {
    pub(crate) fn new(text: &'s str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Reader {
            text,
            line_starts,
            diagnostics: RefCell::new(Vec::new()),
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub(crate) fn location(&self, byte: usize) -> Location {
        location_in(self.text, &self.line_starts, byte)
    }

    /// Record a problem.
    pub(crate) fn report(&self, diagnostic: Diagnostic) {
        self.diagnostics.borrow_mut().push(diagnostic);
    }

    /// How many problems were found so far.
    pub(crate) fn count(&self) -> usize {
        self.diagnostics.borrow().len()
    }

    /// True when a problem with the field `field` was already reported.
    pub(crate) fn has_problem_at(&self, field: &str) -> bool {
        self.diagnostics.borrow().iter().any(|d| d.field == field)
    }

    /// The problems found so far, in the order found.
    pub(crate) fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics.into_inner()
    }

    /// The document's top level, whose keys are sections.
    pub(crate) fn root<'r>(&'r self, doc: &'r Spanned<DeTable<'r>>) -> Table<'r> {
        Table {
            reader: self,
            table: doc.get_ref(),
            path: String::new(),
            location: None,
            what: "section",
            known: Vec::new(),
            used: HashSet::new(),
            flat: false,
        }
    }
}

/// 1-based line and column (in characters) of `byte` in `text`.
pub(crate) fn location_in(text: &str, line_starts: &[usize], byte: usize) -> Location {
    let mut byte = byte.min(text.len());
    while !text.is_char_boundary(byte) {
        byte -= 1;
    }
    let line = match line_starts.binary_search(&byte) {
        Ok(i) => i,
        Err(i) => i.saturating_sub(1),
    };
    let start = line_starts.get(line).copied().unwrap_or(0).min(byte);
    let column = text[start..byte].chars().count() + 1;
    Location {
        line: u32::try_from(line + 1).unwrap_or(u32::MAX),
        column: u32::try_from(column).unwrap_or(u32::MAX),
    }
}

// ---------------------------------------------------------------------------------------------
// Names and suggestions.
// ---------------------------------------------------------------------------------------------

/// A name as it appears in a field path: `"Lead scoring"`, quotes and backslashes escaped.
pub(crate) fn quoted(name: &str) -> String {
    let mut s = String::with_capacity(name.len() + 2);
    s.push('"');
    for c in name.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            c => s.push(c),
        }
    }
    s.push('"');
    s
}

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub(crate) fn did_you_mean<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<String> {
    let w = word.to_lowercase();
    let len = w.chars().count();
    let max_distance = match len {
        0..=3 => 1,
        4..=7 => 2,
        _ => 3,
    };
    let mut best: Option<(f64, usize, &str)> = None;
    for c in candidates {
        if c == word {
            continue;
        }
        let cl = c.to_lowercase();
        if cl == w {
            return Some(c.to_string());
        }
        let d = strsim::levenshtein(&w, &cl);
        let jw = strsim::jaro_winkler(&w, &cl);
        let close = (d <= max_distance && d < len) || jw >= 0.9;
        if !close {
            continue;
        }
        let better = match best {
            None => true,
            Some((bjw, bd, _)) => jw > bjw || (jw == bjw && d < bd),
        };
        if better {
            best = Some((jw, d, c));
        }
    }
    best.map(|(_, _, c)| c.to_string())
}

/// `a, b and c`.
pub(crate) fn join_words(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {}", init.join(", "), last),
    }
}

/// A number as a person would write it: `0.05`, `700000`, `1e15`.
pub(crate) fn fmt_num(x: f64) -> String {
    if x.is_nan() {
        "nan".into()
    } else if x.is_infinite() {
        if x > 0.0 { "inf".into() } else { "-inf".into() }
    } else if x == 0.0 {
        "0".into()
    } else if x.abs() >= 1e15 || x.abs() < 1e-6 {
        format!("{x:e}")
    } else if x.fract() == 0.0 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

// ---------------------------------------------------------------------------------------------
// Allowed ranges.
// ---------------------------------------------------------------------------------------------

/// The interval a field's value (every value its distribution can take) must lie in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Bounds {
    pub lo: f64,
    pub lo_open: bool,
    pub hi: f64,
    pub hi_open: bool,
    /// Extra words for the `allowed` text (e.g. why money is capped).
    pub note: Option<&'static str>,
    /// A soft limit is a sanity cap (like the 1e15 money limit), not a hard edge: an unbounded
    /// distribution (normal, lognormal) passes it when its practical range (mean ± 6 sd, or
    /// exp(mu ± 6 sigma)) stays inside. Plain numbers and bounded distributions must respect it.
    pub soft_lo: bool,
    pub soft_hi: bool,
}

impl Bounds {
    /// `[lo, hi]`.
    pub(crate) const fn closed(lo: f64, hi: f64) -> Self {
        Bounds {
            lo,
            lo_open: false,
            hi,
            hi_open: false,
            note: None,
            soft_lo: false,
            soft_hi: false,
        }
    }

    /// `(lo, hi]`.
    pub(crate) const fn open_closed(lo: f64, hi: f64) -> Self {
        Bounds {
            lo,
            lo_open: true,
            hi,
            hi_open: false,
            note: None,
            soft_lo: false,
            soft_hi: false,
        }
    }

    /// `> lo` (no upper limit).
    pub(crate) const fn above(lo: f64) -> Self {
        Bounds {
            lo,
            lo_open: true,
            hi: f64::INFINITY,
            hi_open: true,
            note: None,
            soft_lo: false,
            soft_hi: false,
        }
    }

    /// A money amount that may be negative: `|x| <= 1e15`.
    pub(crate) const fn money() -> Self {
        Bounds {
            lo: -MONEY_LIMIT,
            lo_open: false,
            hi: MONEY_LIMIT,
            hi_open: false,
            note: Some("money amounts must be finite and at most 1e15 in absolute value"),
            soft_lo: true,
            soft_hi: true,
        }
    }

    /// A money amount `>= 0` (and `<= 1e15`).
    pub(crate) const fn money_nonneg() -> Self {
        Bounds {
            lo: 0.0,
            lo_open: false,
            hi: MONEY_LIMIT,
            hi_open: false,
            note: Some("money amounts must be finite and at most 1e15"),
            soft_lo: false,
            soft_hi: true,
        }
    }

    /// The same bounds, with the upper limit a soft sanity cap (see `soft_hi`).
    pub(crate) const fn soft_cap(mut self) -> Self {
        self.soft_hi = true;
        self
    }

    /// The same bounds with a note.
    pub(crate) const fn with_note(mut self, note: &'static str) -> Self {
        self.note = Some(note);
        self
    }

    pub(crate) fn contains(&self, x: f64) -> bool {
        let lo_ok = if self.lo_open {
            x > self.lo
        } else {
            x >= self.lo
        };
        let hi_ok = if self.hi_open {
            x < self.hi
        } else {
            x <= self.hi
        };
        x.is_finite() && lo_ok && hi_ok
    }

    /// `[0, 1]`, `(0, 10]`, `> 0`, `>= 0`.
    pub(crate) fn describe(&self) -> String {
        let base = if self.hi.is_infinite() {
            format!(
                "{} {}",
                if self.lo_open { ">" } else { ">=" },
                fmt_num(self.lo)
            )
        } else {
            format!(
                "{}{}, {}{}",
                if self.lo_open { "(" } else { "[" },
                fmt_num(self.lo),
                fmt_num(self.hi),
                if self.hi_open { ")" } else { "]" }
            )
        };
        match self.note {
            Some(note) => format!("{base} ({note})"),
            None => base,
        }
    }
}

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

const DIST_EXAMPLE: &str = "a plain number, or a distribution such as { pert = [min, mode, max] }, \
     { triangular = [min, mode, max] }, { uniform = [min, max] }, { normal = { mean = .., sd = .. } }, \
     { lognormal = { p5 = .., p95 = .. } }, { beta = { alpha = .., beta = .. } }, \
     { discrete = { values = [..], weights = [..] } }, { bernoulli = p } or { fixed = x }, \
     optionally with min = .. and/or max = .. beside it to truncate";

// ---------------------------------------------------------------------------------------------
// Values.
// ---------------------------------------------------------------------------------------------

/// One value in the document, with the field path it belongs to.
pub(crate) struct Value<'r> {
    reader: &'r Reader<'r>,
    value: &'r Spanned<DeValue<'r>>,
    path: String,
}

/// What a TOML value is, in words.
pub(crate) fn kind_name(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "text",
        DeValue::Integer(_) => "a whole number",
        DeValue::Float(_) => "a number",
        DeValue::Boolean(_) => "true/false",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

/// A numeric literal as f64, or the reason it is not a usable number.
fn number_of(value: &DeValue<'_>) -> Result<f64, String> {
    match value {
        DeValue::Integer(i) => {
            let s = i.as_str();
            match i64::from_str_radix(s, i.radix()) {
                Ok(v) => Ok(v as f64),
                Err(_) => Err(format!("the whole number {i} is too large")),
            }
        }
        DeValue::Float(f) => {
            let s = f.as_str();
            if s.contains("nan") {
                return Err(
                    "`nan` is not a number a scenario can use; write a finite number".into(),
                );
            }
            if s.contains("inf") {
                return Err(format!(
                    "`{s}` is not allowed: every number in a scenario must be finite"
                ));
            }
            match s.parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(v),
                _ => Err(format!("the number {s} is too large")),
            }
        }
        other => Err(format!("expected a number, found {}", kind_name(other))),
    }
}

impl<'r> Value<'r> {
    pub(crate) fn new(
        reader: &'r Reader<'r>,
        value: &'r Spanned<DeValue<'r>>,
        path: String,
    ) -> Self {
        Value {
            reader,
            value,
            path,
        }
    }

    /// Where the value starts.
    pub(crate) fn location(&self) -> Location {
        self.reader.location(self.value.span().start)
    }

    /// The field path.
    pub(crate) fn path(&self) -> &str {
        &self.path
    }

    /// The raw TOML value.
    pub(crate) fn raw(&self) -> &'r DeValue<'r> {
        self.value.get_ref()
    }

    /// A diagnostic located at this value.
    pub(crate) fn diag(&self, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(self.path.clone(), message).at(Some(self.location()))
    }

    /// Record a problem with this value.
    pub(crate) fn report(&self, diagnostic: Diagnostic) {
        self.reader.report(diagnostic);
    }

    /// A string value.
    pub(crate) fn string(&self) -> Option<&'r str> {
        match self.value.get_ref() {
            DeValue::String(s) => Some(s.as_ref()),
            other => {
                let hint = match other {
                    DeValue::Datetime(_) => {
                        "text in double quotes, e.g. \"2027-01\" (a bare date is not accepted)"
                    }
                    _ => "text in double quotes",
                };
                self.report(
                    self.diag(format!("expected text, found {}", kind_name(other)))
                        .allowed(hint),
                );
                None
            }
        }
    }

    /// A plain number within `bounds`.
    pub(crate) fn number(&self, bounds: &Bounds) -> Option<f64> {
        let v = match self.value.get_ref() {
            DeValue::Table(_) => {
                self.report(
                    self.diag("expected a plain number here, not a distribution")
                        .allowed(bounds.describe()),
                );
                return None;
            }
            other => match number_of(other) {
                Ok(v) => v,
                Err(msg) => {
                    self.report(self.diag(msg).allowed(bounds.describe()));
                    return None;
                }
            },
        };
        if !bounds.contains(v) {
            self.report(
                self.diag(format!("{} is out of range", fmt_num(v)))
                    .allowed(bounds.describe()),
            );
            return None;
        }
        Some(v)
    }

    /// A whole number in `lo..=hi` (`3.0` is accepted as 3). `allowed` overrides the allowed
    /// text shown on a range error.
    pub(crate) fn integer(&self, lo: i64, hi: i64, allowed: Option<&str>) -> Option<i64> {
        let allowed_text = || {
            allowed
                .map(str::to_string)
                .unwrap_or_else(|| format!("a whole number from {lo} to {hi}"))
        };
        let v = match self.value.get_ref() {
            DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
                Ok(v) => v,
                Err(_) => {
                    self.report(
                        self.diag(format!("the whole number {i} is too large"))
                            .allowed(allowed_text()),
                    );
                    return None;
                }
            },
            DeValue::Float(_) => match number_of(self.value.get_ref()) {
                Ok(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => f as i64,
                Ok(f) => {
                    self.report(
                        self.diag(format!("expected a whole number, found {}", fmt_num(f)))
                            .allowed(allowed_text()),
                    );
                    return None;
                }
                Err(msg) => {
                    self.report(self.diag(msg).allowed(allowed_text()));
                    return None;
                }
            },
            other => {
                self.report(
                    self.diag(format!(
                        "expected a whole number, found {}",
                        kind_name(other)
                    ))
                    .allowed(allowed_text()),
                );
                return None;
            }
        };
        if v < lo || v > hi {
            self.report(
                self.diag(format!("{v} is out of range"))
                    .allowed(allowed_text()),
            );
            return None;
        }
        Some(v)
    }

    /// A table value (a `[section]` or an inline `{ .. }`).
    pub(crate) fn table(&self) -> Option<Table<'r>> {
        match self.value.get_ref() {
            DeValue::Table(t) => Some(Table {
                reader: self.reader,
                table: t,
                path: self.path.clone(),
                location: Some(self.location()),
                what: "field",
                known: Vec::new(),
                used: HashSet::new(),
                flat: false,
            }),
            other => {
                self.report(self.diag(format!("expected a table, found {}", kind_name(other))));
                None
            }
        }
    }

    /// The elements of a list, each with its path `path[i]`.
    pub(crate) fn array(&self) -> Option<Vec<Value<'r>>> {
        match self.value.get_ref() {
            DeValue::Array(a) => Some(
                a.iter()
                    .enumerate()
                    .map(|(i, v)| Value::new(self.reader, v, format!("{}[{i}]", self.path)))
                    .collect(),
            ),
            other => {
                self.report(self.diag(format!("expected a list [..], found {}", kind_name(other))));
                None
            }
        }
    }

    /// A list of plain numbers; `expected` is the form shown in messages (`[min, mode, max]`).
    fn numbers(&self, count: Option<usize>, expected: &str) -> Option<Vec<f64>> {
        let DeValue::Array(items) = self.value.get_ref() else {
            self.report(self.diag(format!(
                "expected a list {expected}, found {}",
                kind_name(self.value.get_ref())
            )));
            return None;
        };
        if let Some(n) = count
            && items.len() != n
        {
            self.report(self.diag(format!(
                "expected {n} numbers {expected}, found {}",
                items.len()
            )));
            return None;
        }
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for item in items.iter() {
            match number_of(item.get_ref()) {
                Ok(v) => out.push(v),
                Err(msg) => {
                    ok = false;
                    self.reader.report(
                        Diagnostic::new(self.path.clone(), msg)
                            .at(Some(self.reader.location(item.span().start))),
                    );
                }
            }
        }
        ok.then_some(out)
    }

    /// A plain number, with the error reported at this value.
    fn plain(&self) -> Option<f64> {
        match number_of(self.value.get_ref()) {
            Ok(v) => Some(v),
            Err(msg) => {
                self.report(self.diag(msg));
                None
            }
        }
    }

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
                    .any(|(k, _)| did_you_mean(k.get_ref(), DIST_KEYS).is_some());
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
        Some((dist, truncate))
    }
}

/// Parse the value of one distribution key.
fn parse_dist(key: &str, v: &Value<'_>, outer: &mut Table<'_>) -> Option<Dist> {
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
                .map(|(x, w)| (x, w / total))
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

// ---------------------------------------------------------------------------------------------
// Tables.
// ---------------------------------------------------------------------------------------------

/// A table being read: remembers which keys were asked for and which were consumed.
pub(crate) struct Table<'r> {
    reader: &'r Reader<'r>,
    table: &'r DeTable<'r>,
    path: String,
    location: Option<Location>,
    /// "section", "field", ...: the word used for unknown keys.
    what: &'static str,
    known: Vec<&'static str>,
    used: HashSet<String>,
    /// Fields of a flat table report under the table's own path: the inside of a distribution
    /// (`{ pert = [..], max = 1 }`) belongs to the one input it defines.
    flat: bool,
}

impl<'r> Table<'r> {
    /// The table's field path.
    pub(crate) fn path(&self) -> &str {
        &self.path
    }

    /// Rename the table (e.g. `roles[2]` becomes `roles."Account executive"` once its name is
    /// known); later field paths use the new name.
    pub(crate) fn set_path(&mut self, path: String) {
        self.path = path;
    }

    /// Where the table starts (its `[header]` or `{`), `None` for the document itself.
    pub(crate) fn location(&self) -> Option<Location> {
        self.location
    }

    /// Path of a field of this table.
    pub(crate) fn field_path(&self, key: &str) -> String {
        if self.flat {
            self.path.clone()
        } else if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// A diagnostic about a field of this table, located at the table.
    pub(crate) fn diag(&self, key: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(self.field_path(key), message).at(self.location)
    }

    /// Mark a key as allowed here without reading it.
    pub(crate) fn know(&mut self, key: &'static str) {
        if !self.known.contains(&key) {
            self.known.push(key);
        }
    }

    /// True when the key is present (does not consume it).
    pub(crate) fn has(&self, key: &str) -> bool {
        self.table.contains_key(key)
    }

    /// Location of a key's value, if present.
    pub(crate) fn value_location(&self, key: &str) -> Option<Location> {
        self.table
            .get(key)
            .map(|v| self.reader.location(v.span().start))
    }

    /// Location of a key, if present.
    pub(crate) fn key_location(&self, key: &str) -> Option<Location> {
        self.table
            .get_key_value(key)
            .map(|(k, _)| self.reader.location(k.span().start))
    }

    /// Consume a key.
    pub(crate) fn take(&mut self, key: &'static str) -> Option<Value<'r>> {
        self.know(key);
        let value = self.table.get(key)?;
        self.used.insert(key.to_string());
        Some(Value::new(self.reader, value, self.field_path(key)))
    }

    /// Report a missing required key.
    pub(crate) fn missing(&self, key: &str, allowed: impl Into<String>) {
        let what = if self.path.is_empty() {
            format!("missing the [{key}] section")
        } else {
            format!("missing required field `{key}`")
        };
        self.reader.report(self.diag(key, what).allowed(allowed));
    }

    /// A required key: reports it when missing.
    pub(crate) fn required(
        &mut self,
        key: &'static str,
        allowed: impl Into<String>,
    ) -> Option<Value<'r>> {
        let v = self.take(key);
        if v.is_none() {
            self.missing(key, allowed);
        }
        v
    }

    /// Consume a key that must not be here, reporting `message(key)` at the key.
    pub(crate) fn reject_with(
        &mut self,
        key: &str,
        message: impl FnOnce(&str) -> String,
        allowed: Option<String>,
    ) {
        if let Some((k, _)) = self.table.get_key_value(key) {
            self.used.insert(key.to_string());
            let mut d = Diagnostic::new(self.field_path(key), message(key))
                .at(Some(self.reader.location(k.span().start)));
            if let Some(a) = allowed {
                d = d.allowed(a);
            }
            self.reader.report(d);
        }
    }

    /// Consume a key that must not be here, reporting `message` at the key with the key
    /// probably meant.
    pub(crate) fn reject_suggesting(
        &mut self,
        key: &str,
        message: String,
        allowed: String,
        suggestion: &str,
    ) {
        if let Some((k, _)) = self.table.get_key_value(key) {
            self.used.insert(key.to_string());
            self.reader.report(
                Diagnostic::new(self.field_path(key), message)
                    .at(Some(self.reader.location(k.span().start)))
                    .allowed(allowed)
                    .suggest(suggestion),
            );
        }
    }

    /// Consume a key silently (its table has another error that makes it meaningless).
    pub(crate) fn skip(&mut self, key: &'static str) {
        self.know(key);
        self.used.insert(key.to_string());
    }

    /// A required plain number, any finite value.
    pub(crate) fn required_plain(&mut self, key: &'static str) -> Option<f64> {
        self.required(key, "a number")?.plain()
    }

    /// An optional text value (`Err(())` when present but not text).
    pub(crate) fn optional_string(&mut self, key: &'static str) -> Result<Option<&'r str>, ()> {
        match self.take(key) {
            None => Ok(None),
            Some(v) => v.string().map(Some).ok_or(()),
        }
    }

    /// A required plain number within bounds.
    pub(crate) fn required_number(&mut self, key: &'static str, bounds: &Bounds) -> Option<f64> {
        self.required(key, bounds.describe())?.number(bounds)
    }

    /// An optional plain number (`Err(())` when present but invalid).
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn optional_number(
        &mut self,
        key: &'static str,
        bounds: &Bounds,
    ) -> Result<Option<f64>, ()> {
        match self.take(key) {
            None => Ok(None),
            Some(v) => v.number(bounds).map(Some).ok_or(()),
        }
    }

    /// A required whole number in `lo..=hi`.
    pub(crate) fn required_integer(
        &mut self,
        key: &'static str,
        lo: i64,
        hi: i64,
        allowed: Option<&str>,
    ) -> Option<i64> {
        let text = allowed
            .map(str::to_string)
            .unwrap_or_else(|| format!("a whole number from {lo} to {hi}"));
        self.required(key, text)?.integer(lo, hi, allowed)
    }

    /// An optional whole number in `lo..=hi` (`Err(())` when present but invalid).
    pub(crate) fn optional_integer(
        &mut self,
        key: &'static str,
        lo: i64,
        hi: i64,
        allowed: Option<&str>,
    ) -> Result<Option<i64>, ()> {
        match self.take(key) {
            None => Ok(None),
            Some(v) => v.integer(lo, hi, allowed).map(Some).ok_or(()),
        }
    }

    /// A required uncertain number; its name is the field path.
    pub(crate) fn required_uncertain(
        &mut self,
        key: &'static str,
        bounds: &Bounds,
    ) -> Option<Uncertain> {
        self.required(key, bounds.describe())?.uncertain(bounds)
    }

    /// An optional uncertain number (`Err(())` when present but invalid).
    pub(crate) fn optional_uncertain(
        &mut self,
        key: &'static str,
        bounds: &Bounds,
    ) -> Result<Option<Uncertain>, ()> {
        match self.take(key) {
            None => Ok(None),
            Some(v) => v.uncertain(bounds).map(Some).ok_or(()),
        }
    }

    /// An optional uncertain number, or a fixed default named by the field path.
    pub(crate) fn uncertain_or(
        &mut self,
        key: &'static str,
        bounds: &Bounds,
        default: f64,
    ) -> Uncertain {
        let path = self.field_path(key);
        match self.optional_uncertain(key, bounds) {
            Ok(Some(u)) => u,
            _ => Uncertain::fixed(path, default),
        }
    }

    /// An optional sub-table.
    pub(crate) fn optional_table(&mut self, key: &'static str) -> Option<Table<'r>> {
        self.take(key)?.table()
    }

    /// A list of tables (`[[key]]` sections or an inline list of `{ .. }`); empty when absent.
    /// Items are named `key[i]` until `set_path` renames them.
    pub(crate) fn tables(&mut self, key: &'static str) -> Vec<Table<'r>> {
        let Some(v) = self.take(key) else {
            return Vec::new();
        };
        match v.raw() {
            DeValue::Array(items) => {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    let iv = Value::new(self.reader, item, format!("{}[{i}]", v.path()));
                    if let DeValue::Table(_) = item.get_ref() {
                        if let Some(t) = iv.table() {
                            out.push(t);
                        }
                    } else {
                        iv.report(iv.diag(format!(
                            "expected a table for each entry of `{key}`, found {}",
                            kind_name(item.get_ref())
                        )));
                    }
                }
                out
            }
            DeValue::Table(_) => {
                v.report(
                    v.diag(format!(
                        "`{key}` is a list: write [[{key}]] (double brackets) for each entry"
                    ))
                    .allowed(format!("[[{key}]] sections")),
                );
                Vec::new()
            }
            other => {
                v.report(v.diag(format!(
                    "`{key}` must be a list of [[{key}]] sections, found {}",
                    kind_name(other)
                )));
                Vec::new()
            }
        }
    }

    /// An optional list of names: `["a", "b"]` (a single `"a"` is accepted too), each with its
    /// location. `Err(())` when present but malformed.
    pub(crate) fn optional_names(
        &mut self,
        key: &'static str,
    ) -> Result<Option<Vec<(&'r str, Location)>>, ()> {
        let Some(v) = self.take(key) else {
            return Ok(None);
        };
        if let DeValue::String(s) = v.raw() {
            return Ok(Some(vec![(s.as_ref(), v.location())]));
        }
        if !matches!(v.raw(), DeValue::Array(_)) {
            v.report(
                v.diag(format!(
                    "expected a list of names, found {}",
                    kind_name(v.raw())
                ))
                .allowed("a list of names in quotes, e.g. [\"Sales\", \"Service\"]"),
            );
            return Err(());
        }
        let items = v.array().ok_or(())?;
        let mut out = Vec::new();
        let mut ok = true;
        for item in items {
            match item.raw() {
                DeValue::String(s) => out.push((s.as_ref(), item.location())),
                other => {
                    ok = false;
                    item.report(item.diag(format!(
                        "expected a name in quotes, found {}",
                        kind_name(other)
                    )));
                }
            }
        }
        if !ok {
            return Err(());
        }
        if out.is_empty() {
            v.report(
                v.diag("the list is empty")
                    .allowed("at least one name, or leave the field out to mean all"),
            );
            return Err(());
        }
        Ok(Some(out))
    }

    /// Report every key that was not consumed, with the allowed keys and a suggestion.
    pub(crate) fn finish(self) {
        for (k, _) in self.table.iter() {
            let key: &str = k.get_ref();
            if self.used.contains(key) {
                continue;
            }
            let loc = self.reader.location(k.span().start);
            let mut d = Diagnostic::new(
                self.field_path(key),
                if self.path.is_empty() {
                    format!("unknown {} `{key}`", self.what)
                } else {
                    format!("unknown {} `{key}` in `{}`", self.what, self.path)
                },
            )
            .at(Some(loc));
            if !self.known.is_empty() {
                d = d.allowed(self.known.join(", "));
            }
            if let Some(s) = did_you_mean(key, self.known.iter().copied()) {
                d = d.suggest(s);
            }
            self.reader.report(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_value<T>(text: &str, f: impl FnOnce(&mut Table<'_>) -> T) -> (T, Vec<Diagnostic>) {
        let doc = DeTable::parse(text).expect("valid TOML");
        let reader = Reader::new(text);
        let out = {
            let mut root = reader.root(&doc);
            let out = f(&mut root);
            root.finish();
            out
        };
        (out, reader.into_diagnostics())
    }

    fn unc(text: &str, bounds: Bounds) -> (Option<Uncertain>, Vec<Diagnostic>) {
        with_value(text, |t| t.optional_uncertain("x", &bounds).ok().flatten())
    }

    #[test]
    fn locations_count_characters() {
        let text = "a = 1\n# é — ü\nbé = \"x\"\n";
        let r = Reader::new(text);
        assert_eq!(r.location(0), Location { line: 1, column: 1 });
        let b = text.find("bé").unwrap();
        assert_eq!(r.location(b), Location { line: 3, column: 1 });
        let q = text.find("\"x").unwrap();
        assert_eq!(r.location(q), Location { line: 3, column: 6 });
        let dash = text.find('—').unwrap();
        assert_eq!(r.location(dash), Location { line: 2, column: 5 });
        // Past the end and inside a multi-byte character do not panic.
        let _ = r.location(text.len() + 10);
        let _ = r.location(dash + 1);
    }

    #[test]
    fn plain_numbers_and_underscores() {
        let (u, d) = unc("x = 700_000", Bounds::money_nonneg());
        assert!(d.is_empty(), "{d:?}");
        let u = u.unwrap();
        assert_eq!(u.dist, Dist::Fixed(700_000.0));
        assert_eq!(u.name, "x");
        assert_eq!(u.location, Some(Location { line: 1, column: 5 }));
    }

    #[test]
    fn nan_and_inf_are_rejected() {
        for lit in ["nan", "inf", "-inf", "+nan"] {
            let (u, d) = unc(&format!("x = {lit}"), Bounds::money());
            assert!(u.is_none());
            assert_eq!(d.len(), 1, "{lit}: {d:?}");
            assert!(
                d[0].message.contains(lit.trim_start_matches(['+', '-'])),
                "{d:?}"
            );
        }
        let (_, d) = unc("x = { pert = [0, nan, 1] }", Bounds::closed(0.0, 1.0));
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].location,
            Some(Location {
                line: 1,
                column: 18
            })
        );
        let (_, d) = unc("x = 1e400", Bounds::money());
        assert!(d[0].message.contains("too large"));
    }

    #[test]
    fn every_distribution_parses() {
        let b = Bounds::money();
        let cases: Vec<(&str, Dist)> = vec![
            ("{ fixed = 5 }", Dist::Fixed(5.0)),
            ("{ uniform = [1, 2] }", Dist::Uniform { min: 1.0, max: 2.0 }),
            (
                "{ triangular = [1, 2, 4] }",
                Dist::Triangular {
                    min: 1.0,
                    mode: 2.0,
                    max: 4.0,
                },
            ),
            (
                "{ pert = [1, 2, 4] }",
                Dist::Pert {
                    min: 1.0,
                    mode: 2.0,
                    max: 4.0,
                    shape: 4.0,
                },
            ),
            (
                "{ pert = [1, 2, 4], shape = 6 }",
                Dist::Pert {
                    min: 1.0,
                    mode: 2.0,
                    max: 4.0,
                    shape: 6.0,
                },
            ),
            ("{ pert = [3, 3, 3] }", Dist::Fixed(3.0)),
            ("{ triangular = [3, 3, 3] }", Dist::Fixed(3.0)),
            (
                "{ normal = { mean = 10, sd = 2 } }",
                Dist::Normal {
                    mean: 10.0,
                    sd: 2.0,
                },
            ),
            (
                "{ lognormal = { mu = 2.3, sigma = 0.4 } }",
                Dist::LogNormal {
                    mu: 2.3,
                    sigma: 0.4,
                },
            ),
            (
                "{ beta = { alpha = 2, beta = 5 } }",
                Dist::Beta {
                    alpha: 2.0,
                    beta: 5.0,
                },
            ),
            (
                "{ discrete = { values = [1, 2, 3], weights = [1, 0, 3] } }",
                Dist::Discrete {
                    values: vec![1.0, 3.0],
                    weights: vec![0.25, 0.75],
                },
            ),
            (
                "{ discrete = { values = [1, 2] } }",
                Dist::Discrete {
                    values: vec![1.0, 2.0],
                    weights: vec![0.5, 0.5],
                },
            ),
            ("{ bernoulli = 0.3 }", Dist::Bernoulli { p: 0.3 }),
        ];
        for (src, want) in cases {
            let (u, d) = unc(&format!("x = {src}"), b);
            assert!(d.is_empty(), "{src}: {d:?}");
            let u = u.unwrap();
            assert_eq!(u.dist, want, "{src}");
            assert_eq!(u.truncate, None);
        }
    }

    #[test]
    fn lognormal_from_interval() {
        let (u, d) = unc("x = { lognormal = { p5 = 8, p95 = 40 } }", Bounds::money());
        assert!(d.is_empty(), "{d:?}");
        let Dist::LogNormal { mu, sigma } = u.unwrap().dist else {
            panic!()
        };
        assert!((mu - (8f64.ln() + 40f64.ln()) / 2.0).abs() < 1e-12);
        assert!((mu + Z95 * sigma - 40f64.ln()).abs() < 1e-12);
        assert!((mu - Z95 * sigma - 8f64.ln()).abs() < 1e-12);
    }

    #[test]
    fn truncation_and_ranges() {
        let unit = Bounds::closed(0.0, 1.0);
        let (u, d) = unc(
            "x = { normal = { mean = 0.8, sd = 0.1 }, min = 0, max = 1 }",
            unit,
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(u.unwrap().truncate, Some((0.0, 1.0)));
        let (u, d) = unc(
            "x = { normal = { mean = 0.05, sd = 0.02 }, min = 0 }",
            Bounds::closed(0.0, f64::INFINITY),
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(u.unwrap().truncate, Some((0.0, f64::INFINITY)));

        // Untruncated normal ceiling: suggests truncation.
        let (u, d) = unc("x = { normal = { mean = 0.8, sd = 0.1 } }", unit);
        assert!(u.is_none());
        let allowed = d[0].allowed.as_deref().unwrap();
        assert!(allowed.contains("min = 0, max = 1"), "{allowed}");

        // Bounded distribution reaching past the range.
        let (_, d) = unc("x = { pert = [0.5, 0.8, 1.2] }", unit);
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("pert [0.5, 0.8, 1.2]"), "{d:?}");
        assert!(d[0].allowed.as_deref().unwrap().contains("max = 1"));

        // Open lower bound: lognormal is fine, a pert touching 0 is not.
        let pos = Bounds::above(0.0);
        assert!(
            unc("x = { lognormal = { mu = 0, sigma = 1 } }", pos)
                .1
                .is_empty()
        );
        assert_eq!(unc("x = { pert = [0, 1, 2] }", pos).1.len(), 1);
        assert_eq!(unc("x = 0", pos).1.len(), 1);

        // Truncation outside the support.
        let (_, d) = unc("x = { uniform = [0, 1] , min = 2 }", Bounds::money());
        assert!(d[0].message.contains("leaves no probability"), "{d:?}");
        let (_, d) = unc(
            "x = { bernoulli = 0.5, min = 0.2, max = 0.8 }",
            Bounds::money(),
        );
        assert_eq!(d.len(), 1);
        let (_, d) = unc(
            "x = { normal = { mean = 0, sd = 1 }, min = 1, max = 1 }",
            Bounds::money(),
        );
        assert!(d[0].message.contains("below max"), "{d:?}");
        // A discrete truncated to part of its atoms is fine and its support shrinks.
        let (u, d) = unc(
            "x = { discrete = { values = [-1, 0.5, 3] }, min = 0, max = 1 }",
            unit,
        );
        assert!(d.is_empty(), "{d:?}");
        assert!(u.is_some());
    }

    #[test]
    fn invalid_parameters() {
        let b = Bounds::money();
        for src in [
            "{ uniform = [2, 1] }",
            "{ uniform = [1, 1] }",
            "{ pert = [1, 5, 4] }",
            "{ pert = [1, 2] }",
            "{ triangular = [2, 2, 1] }",
            "{ pert = [1, 2, 3], shape = 0 }",
            "{ normal = { mean = 1, sd = 0 } }",
            "{ lognormal = { mu = 1, sigma = -1 } }",
            "{ lognormal = { p5 = 0, p95 = 3 } }",
            "{ lognormal = { p5 = 5, p95 = 3 } }",
            "{ lognormal = { p5 = 1, p95 = 3, mu = 1 } }",
            "{ beta = { alpha = 0, beta = 1 } }",
            "{ discrete = { values = [1, 2], weights = [1] } }",
            "{ discrete = { values = [1, 2], weights = [-1, 2] } }",
            "{ discrete = { values = [1, 2], weights = [0, 0] } }",
            "{ discrete = { values = [] } }",
            "{ bernoulli = 1.5 }",
            "{ pert = [1, 2, 3], normal = { mean = 1, sd = 1 } }",
            "{ min = 1 }",
            "{ triangular = [1, 2, 3], shape = 4 }",
            "\"ten\"",
        ] {
            let (u, d) = unc(&format!("x = {src}"), b);
            assert!(u.is_none(), "{src}");
            assert!(!d.is_empty(), "{src}");
        }
    }

    #[test]
    fn misspelt_distribution_gets_a_suggestion() {
        let (_, d) = unc("x = { trianglar = [1, 2, 3] }", Bounds::money());
        let s: Vec<_> = d.iter().filter_map(|d| d.suggestion.as_deref()).collect();
        assert_eq!(s, ["triangular"], "{d:?}");
    }

    #[test]
    fn a_misspelt_distribution_is_one_error() {
        let (_, d) = unc("x = { trianglar = [1, 2, 3] }", Bounds::money());
        assert_eq!(d.len(), 1, "{d:?}");
        let (_, d) = unc("x = { shape = 3 }", Bounds::money());
        assert!(
            d.iter().any(|d| d.message.contains("no distribution")),
            "{d:?}"
        );
    }

    #[test]
    fn draws_that_overflow_or_miss_the_truncation_are_refused() {
        let any = Bounds::above(0.0);
        // exp(1000) is infinite.
        let (u, d) = unc("x = { lognormal = { mu = 1000, sigma = 1 } }", any);
        assert!(u.is_none() && d[0].message.contains("overflows"), "{d:?}");
        // ... unless an upper truncation that keeps some probability caps it.
        let (u, d) = unc(
            "x = { lognormal = { mu = 700, sigma = 10 }, max = 1e300 }",
            any,
        );
        assert!(u.is_some(), "{d:?}");
        let (_, d) = unc(
            "x = { normal = { mean = 0, sd = 1e308 } }",
            Bounds::closed(f64::NEG_INFINITY, f64::INFINITY),
        );
        assert!(d[0].message.contains("too wide"), "{d:?}");
        // A truncation the sampler cannot hit.
        let (_, d) = unc(
            "x = { normal = { mean = -1000, sd = 1 }, min = 0, max = 100 }",
            Bounds::money_nonneg(),
        );
        assert!(d[0].message.contains("keeps no computable part"), "{d:?}");
        let (_, d) = unc(
            "x = { normal = { mean = 0, sd = 1 }, min = 6.5, max = 7 }",
            Bounds::money(),
        );
        assert!(d[0].message.contains("only a share of about"), "{d:?}");
        // A far but reachable tail is fine.
        let (u, d) = unc(
            "x = { normal = { mean = 0, sd = 1 }, min = 4, max = 5 }",
            Bounds::money(),
        );
        assert!(u.is_some(), "{d:?}");
        let (_, d) = unc(
            "x = { lognormal = { mu = 0, sigma = 0.1 }, min = 1e6 }",
            Bounds::money(),
        );
        assert_eq!(d.len(), 1, "{d:?}");
    }

    #[test]
    fn shapes_and_beta_parameters_are_capped() {
        let b = Bounds::money();
        assert!(unc("x = { pert = [0, 1, 2], shape = 1e6 }", b).1.is_empty());
        let (_, d) = unc("x = { pert = [0, 1, 2], shape = 1e7 }", b);
        assert!(
            d[0].message.contains("PERT shape 10000000 is out of range"),
            "{d:?}"
        );
        assert!(
            unc("x = { beta = { alpha = 1e6, beta = 2 } }", b)
                .1
                .is_empty()
        );
        let (_, d) = unc("x = { beta = { alpha = 1e300, beta = 1e300 } }", b);
        assert!(
            d[0].allowed.as_deref().unwrap().contains("(0, 1e6]"),
            "{d:?}"
        );
        let (_, d) = unc(
            "x = { discrete = { values = [1, 2], weights = [1e308, 1e308] } }",
            b,
        );
        assert!(d[0].message.contains("overflows"), "{d:?}");
    }

    #[test]
    fn unknown_keys_are_reported_with_suggestions() {
        let (_, d) = with_value("alpha = 1\nbeta = 2\ngama = 3\n", |t| {
            let _ = t.optional_number("alpha", &Bounds::money());
            let _ = t.optional_number("beta", &Bounds::money());
            let _ = t.optional_number("gamma", &Bounds::money());
        });
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].suggestion.as_deref(), Some("gamma"));
        assert_eq!(d[0].location, Some(Location { line: 3, column: 1 }));
        assert_eq!(d[0].allowed.as_deref(), Some("alpha, beta, gamma"));
    }

    #[test]
    fn integers() {
        let (v, d) = with_value("m = 3.0\nn = 2.5\no = 7\n", |t| {
            (
                t.optional_integer("m", 0, 10, None),
                t.optional_integer("n", 0, 10, None),
                t.optional_integer("o", 0, 5, None),
            )
        });
        assert_eq!(v.0, Ok(Some(3)));
        assert_eq!(v.1, Err(()));
        assert_eq!(v.2, Err(()));
        assert_eq!(d.len(), 2);
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            did_you_mean("capability", ["scenario", "capabilities", "costs"]),
            Some("capabilities".into())
        );
        assert_eq!(did_you_mean("xyz", ["scenario", "costs"]), None);
        assert_eq!(
            did_you_mean("account executive", ["Account executive", "Manager"]),
            Some("Account executive".into())
        );
        assert_eq!(did_you_mean("p", ["q", "ceiling"]), None);
    }
}
