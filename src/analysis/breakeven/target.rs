//! The target of a break-even search, as written on the command line (`npv.p10 >= 0`), and the
//! statistic it names, computed from a run's trials.

use std::fmt;

use crate::engine::{RunOutput, defined_stats, payback_stats, stats_of};
use crate::results::{PartialStats, Stats};

use super::BreakevenError;

/// The statistic keys of `npv.KEY`, `roi.KEY` and `payback.KEY` (the STATS of results.json).
const KEYS: [&str; 12] = [
    "mean", "std", "stderr", "min", "p5", "p10", "p25", "p50", "p75", "p90", "p95", "max",
];

/// What the target is about.
#[derive(Debug, Clone, PartialEq)]
pub enum Statistic {
    /// P(NPV > 0).
    ProbNpvPositive,
    /// P(payback within m months).
    ProbPaybackWithin(u32),
    /// A STATS key of NPV.
    Npv(&'static str),
    /// A STATS key of ROI, over the trials where it is defined.
    Roi(&'static str),
    /// A STATS key of payback in months; a percentile among the trials that never pay back
    /// is +∞.
    Payback(&'static str),
}

/// `>=` or `<=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    AtLeast,
    AtMost,
}

/// A parsed target: statistic, direction, threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub statistic: Statistic,
    pub direction: Direction,
    pub threshold: f64,
}

/// What a target may look like, for messages.
pub const TARGET_HELP: &str = "write STATISTIC >= NUMBER or STATISTIC <= NUMBER, where \
     STATISTIC is prob_npv_positive, prob_payback_within(MONTHS), or npv.KEY, roi.KEY or \
     payback.KEY with KEY one of mean, std, stderr, min, p5, p10, p25, p50, p75, p90, p95, max; \
     e.g. 'prob_npv_positive >= 0.8', 'npv.p10 >= 0', 'prob_payback_within(24) >= 0.5'";

impl Target {
    /// Parse `text` (see [`TARGET_HELP`]).
    pub fn parse(text: &str) -> Result<Target, BreakevenError> {
        let bad = |problem: String| BreakevenError::Target {
            text: text.to_string(),
            problem,
        };
        let t = text.replace('≥', ">=").replace('≤', "<=");
        let (lhs, direction, rhs) = if let Some((l, r)) = t.split_once(">=") {
            (l, Direction::AtLeast, r)
        } else if let Some((l, r)) = t.split_once("<=") {
            (l, Direction::AtMost, r)
        } else {
            return Err(bad("it has no >= or <=".into()));
        };
        let number = rhs.trim().replace('_', "");
        let threshold = match number.parse::<f64>() {
            Ok(x) if x.is_finite() => x,
            _ => return Err(bad(format!("`{}` is not a number", rhs.trim()))),
        };
        let statistic = Statistic::parse(lhs.trim()).map_err(bad)?;
        Ok(Target {
            statistic,
            direction,
            threshold,
        })
    }

    /// Whether a statistic's value meets the target (an undefined value meets none).
    pub fn met(&self, value: f64) -> bool {
        match self.direction {
            Direction::AtLeast => value >= self.threshold,
            Direction::AtMost => value <= self.threshold,
        }
    }

    /// How far past the threshold `value` is, in the target's favour (negative when missed).
    pub fn margin(&self, value: f64) -> f64 {
        let m = match self.direction {
            Direction::AtLeast => value - self.threshold,
            Direction::AtMost => self.threshold - value,
        };
        if m.is_nan() { f64::NEG_INFINITY } else { m }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = match self.direction {
            Direction::AtLeast => ">=",
            Direction::AtMost => "<=",
        };
        write!(f, "{} {op} {}", self.statistic, self.threshold)
    }
}

impl fmt::Display for Statistic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Statistic::ProbNpvPositive => write!(f, "prob_npv_positive"),
            Statistic::ProbPaybackWithin(m) => write!(f, "prob_payback_within({m})"),
            Statistic::Npv(k) => write!(f, "npv.{k}"),
            Statistic::Roi(k) => write!(f, "roi.{k}"),
            Statistic::Payback(k) => write!(f, "payback.{k}"),
        }
    }
}

impl Statistic {
    fn parse(s: &str) -> Result<Statistic, String> {
        let s = s.trim();
        if s == "prob_npv_positive" {
            return Ok(Statistic::ProbNpvPositive);
        }
        if let Some(inner) = s
            .strip_prefix("prob_payback_within(")
            .and_then(|r| r.strip_suffix(')'))
        {
            return inner
                .trim()
                .parse::<u32>()
                .map(Statistic::ProbPaybackWithin)
                .map_err(|_| format!("`{}` is not a whole number of months", inner.trim()));
        }
        let Some((quantity, key)) = s.split_once('.') else {
            return Err(format!("unknown statistic `{s}`"));
        };
        let Some(key) = KEYS.iter().copied().find(|k| *k == key.trim()) else {
            return Err(format!("unknown statistic key `{}`", key.trim()));
        };
        match quantity.trim() {
            "npv" => Ok(Statistic::Npv(key)),
            "roi" => Ok(Statistic::Roi(key)),
            "payback" | "payback_months" => Ok(Statistic::Payback(key)),
            other => Err(format!("unknown quantity `{other}` (npv, roi or payback)")),
        }
    }

    /// The statistic of a run: NaN where it is undefined (no trial with a ROI), +∞ for a
    /// payback percentile among trials that never pay back.
    pub fn of(&self, out: &RunOutput) -> f64 {
        let n = out.trials().max(1) as f64;
        match self {
            Statistic::ProbNpvPositive => out.npv().iter().filter(|&&v| v > 0.0).count() as f64 / n,
            Statistic::ProbPaybackWithin(m) => {
                let m = f64::from(*m);
                out.payback_months().iter().filter(|&&p| p <= m).count() as f64 / n
            }
            Statistic::Npv(k) => stat_key(&stats_of(out.npv()), k),
            Statistic::Roi(k) => partial_key(&defined_stats(out.roi()).stats, k, f64::NAN),
            Statistic::Payback(k) => {
                partial_key(&payback_stats(out.payback_months()).stats, k, f64::INFINITY)
            }
        }
    }
}

fn stat_key(s: &Stats, key: &str) -> f64 {
    match key {
        "mean" => s.mean,
        "std" => s.std,
        "stderr" => s.stderr,
        "min" => s.min,
        "p5" => s.p5,
        "p10" => s.p10,
        "p25" => s.p25,
        "p50" => s.p50,
        "p75" => s.p75,
        "p90" => s.p90,
        "p95" => s.p95,
        _ => s.max,
    }
}

fn partial_key(s: &PartialStats, key: &str, missing: f64) -> f64 {
    let v = match key {
        "mean" => s.mean,
        "std" => s.std,
        "stderr" => s.stderr,
        "min" => s.min,
        "p5" => s.p5,
        "p10" => s.p10,
        "p25" => s.p25,
        "p50" => s.p50,
        "p75" => s.p75,
        "p90" => s.p90,
        "p95" => s.p95,
        _ => s.max,
    };
    v.unwrap_or(missing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_of_the_issue_parse() {
        let t = Target::parse("prob_npv_positive >= 0.8").expect("parses");
        assert_eq!(t.statistic, Statistic::ProbNpvPositive);
        assert_eq!((t.direction, t.threshold), (Direction::AtLeast, 0.8));
        let t = Target::parse("npv.p10>=0").expect("parses");
        assert_eq!(t.statistic, Statistic::Npv("p10"));
        let t = Target::parse("npv.mean >= 5e6").expect("parses");
        assert_eq!(t.threshold, 5e6);
        let t = Target::parse("prob_payback_within(24) >= 0.5").expect("parses");
        assert_eq!(t.statistic, Statistic::ProbPaybackWithin(24));
        let t = Target::parse("payback.p50 <= 30").expect("parses");
        assert_eq!(
            (t.statistic.clone(), t.direction),
            (Statistic::Payback("p50"), Direction::AtMost)
        );
        assert_eq!(t.to_string(), "payback.p50 <= 30");
        assert!(t.met(30.0) && !t.met(f64::INFINITY) && !t.met(f64::NAN));
    }

    #[test]
    fn bad_targets_say_what_is_wrong() {
        for (text, says) in [
            ("npv.p10 > 0", "no >= or <="),
            ("npv.p11 >= 0", "unknown statistic key `p11`"),
            ("irr.mean >= 0", "unknown quantity `irr`"),
            ("npv.mean >= lots", "`lots` is not a number"),
            ("prob_payback_within(two) >= 0.5", "whole number of months"),
        ] {
            let e = Target::parse(text).expect_err(text).to_string();
            assert!(e.contains(says), "{text}: {e}");
        }
    }
}
