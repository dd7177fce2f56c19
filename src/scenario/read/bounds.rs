//! Allowed ranges: the interval every value a field can take must lie in.

use super::words::fmt_num;

/// Largest money amount accepted anywhere (in absolute value).
const MONEY_LIMIT: f64 = 1e15;

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
