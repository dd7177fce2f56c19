//! Break-even: the value of one input at which a statistic of the run meets a target
//! (`valuecase breakeven SCENARIO --input NAME --target EXPR`).
//!
//! The input's whole distribution is moved so that its base value is v ([`shift::shifted`]).
//! Every simulation uses the same seed and trial count, so every other input draws the same
//! numbers in every run (common random numbers): the statistic changes with v, not with noise,
//! and is a smooth, usually monotone function of v. The search simulates a grid of
//! [`GRID`] values across the range and the input's current value, takes the crossing of the
//! target nearest the current value, and bisects it: at most [`MAX_SIMULATIONS`] simulations,
//! and the answer lies within the last bracket, whose width is stated.

pub mod shift;
pub mod target;

use crate::dist::Sampler;
use crate::engine::{self, RunSpec, ScenarioIdentity};
use crate::model::Model;
use crate::results::{Breakeven, CurvePoint, Summary};
use crate::scenario::Scenario;

pub use target::{Direction, Statistic, TARGET_HELP, Target};

/// Evenly spaced values simulated across the range, ends included.
pub const GRID: usize = 21;
/// Most simulations a search makes: the grid, the current value and the bisection steps.
pub const MAX_SIMULATIONS: usize = 30;

/// Why a search cannot start.
#[derive(Debug, thiserror::Error)]
pub enum BreakevenError {
    #[error("no input is named {name}{}", suggestion.as_ref().map(|s| format!(": did you mean {s}?")).unwrap_or_default())]
    UnknownInput {
        name: String,
        suggestion: Option<String>,
    },
    #[error(
        "the target `{text}` cannot be read: {problem}\n  help: {}",
        TARGET_HELP
    )]
    Target { text: String, problem: String },
    #[error("{name} cannot be moved: {problem}")]
    CannotMove { name: String, problem: String },
    #[error(
        "--range {lo}..{hi} is not inside the range {name} allows, [{allowed_lo}, {allowed_hi}]"
    )]
    Range {
        name: String,
        lo: f64,
        hi: f64,
        allowed_lo: f64,
        allowed_hi: f64,
    },
}

/// What to search.
#[derive(Debug, Clone)]
pub struct Request {
    /// Stable name of the input (`risks."…".probability` names a risk's probability).
    pub input: String,
    pub target: Target,
    /// The target as the user wrote it, for the results.
    pub target_text: String,
    pub seed: u64,
    pub trials: u64,
    /// The range to search instead of the one chosen from the allowed range.
    pub range: Option<(f64, f64)>,
}

/// The input a search moves: its index in the model and what it is now.
struct Moved {
    k: usize,
    name: String,
    dist: crate::dist::Dist,
    truncate: Option<(f64, f64)>,
    base: f64,
    allowed: (f64, f64),
    quantity: crate::scenario::Quantity,
}

/// Search `scenario` for the break-even value of `req.input`. Also returns the summary of the
/// run at the input's current value (what the chart's footer and a reader refer to).
pub fn breakeven(
    scenario: &Scenario,
    id: &ScenarioIdentity,
    req: &Request,
) -> Result<(Breakeven, Summary), BreakevenError> {
    let mut model = Model::compile(scenario);
    let moved = find_input(scenario, &model, &req.input)?;
    let original = model.inputs[moved.k].sampler.clone();
    let spec = RunSpec {
        seed: req.seed,
        first_trial: 0,
        trials: req.trials,
    };
    let (a, b) = search_range(&moved, &original, req)?;

    // The current value, with the scenario as it is.
    let now = engine::run(&model, spec, &|_| {});
    let statistic_at_current = req.target.statistic.of(&now);
    let summary = engine::summarise(&model, &now, id, 0.0);
    drop(now);

    let mut simulate = |v: f64| -> Result<f64, BreakevenError> {
        let (dist, truncate) =
            shift::shifted(&moved.dist, moved.truncate, moved.base, v, moved.allowed).map_err(
                |problem| BreakevenError::CannotMove {
                    name: moved.name.clone(),
                    problem,
                },
            )?;
        model.inputs[moved.k].sampler = Sampler::new(&dist, truncate);
        let out = engine::run(&model, spec, &|_| {});
        Ok(req.target.statistic.of(&out))
    };

    let mut curve: Vec<(f64, f64)> = vec![(moved.base, statistic_at_current)];
    for i in 0..GRID {
        let v = a + (b - a) * i as f64 / (GRID - 1) as f64;
        if v != moved.base {
            curve.push((v, simulate(v)?));
        }
    }
    curve.sort_by(|x, y| x.0.total_cmp(&y.0));

    let met = |s: f64| req.target.met(s);
    // Neighbouring simulations on either side of the target, nearest the current value first.
    let mut crossings: Vec<(usize, f64)> = curve
        .windows(2)
        .enumerate()
        .filter(|(_, w)| met(w[0].1) != met(w[1].1))
        .map(|(i, w)| {
            let distance = if w[0].0 <= moved.base && moved.base <= w[1].0 {
                0.0
            } else {
                (w[0].0 - moved.base).abs().min((w[1].0 - moved.base).abs())
            };
            (i, distance)
        })
        .collect();
    crossings.sort_by(|x, y| x.1.total_cmp(&y.1));

    let (value, statistic_at_value, reachable, tolerance) = match crossings.first() {
        Some(&(i, _)) => {
            let (mut lo, mut hi) = (curve[i], curve[i + 1]);
            let mut sims = curve.len();
            while sims < MAX_SIMULATIONS {
                let mid = 0.5 * (lo.0 + hi.0);
                if mid <= lo.0 || mid >= hi.0 {
                    break;
                }
                let s = simulate(mid)?;
                curve.push((mid, s));
                sims += 1;
                if met(s) == met(lo.1) {
                    lo = (mid, s);
                } else {
                    hi = (mid, s);
                }
            }
            let at = if met(lo.1) { lo } else { hi };
            (Some(at.0), Some(at.1), true, Some(hi.0 - lo.0))
        }
        None if curve.iter().any(|p| met(p.1)) => (None, None, true, None),
        None => {
            let best = curve
                .iter()
                .copied()
                .max_by(|x, y| req.target.margin(x.1).total_cmp(&req.target.margin(y.1)))
                .unwrap_or((moved.base, statistic_at_current));
            (Some(best.0), Some(best.1), false, None)
        }
    };
    curve.sort_by(|x, y| x.0.total_cmp(&y.0));
    let finite = |x: f64| x.is_finite().then_some(x);
    Ok((
        Breakeven {
            input: req.input.clone(),
            quantity: moved.quantity,
            target: req.target_text.clone(),
            value,
            statistic_at_value: statistic_at_value.and_then(finite),
            reachable,
            tolerance,
            current_value: moved.base,
            statistic_at_current,
            range: [a, b],
            curve: curve
                .into_iter()
                .map(|(value, s)| CurvePoint {
                    value,
                    statistic: finite(s),
                })
                .collect(),
            trials: req.trials,
            seed: req.seed,
        },
        summary,
    ))
}

/// The input named `name`, with its distribution and allowed range. A risk's probability is
/// named `risks."…".probability`; it is the probability of the risk's occurrence input.
fn find_input(scenario: &Scenario, model: &Model, name: &str) -> Result<Moved, BreakevenError> {
    let wanted = match name.strip_suffix(".probability") {
        Some(risk) if risk.starts_with("risks.") => format!("{risk}.occurs"),
        _ => name.to_string(),
    };
    let entries = scenario.input_entries();
    let Some((k, entry)) = entries
        .iter()
        .enumerate()
        .find(|(_, e)| e.input.name == wanted)
    else {
        let suggestion = entries
            .iter()
            .map(|e| {
                let n = e.input.name.as_str();
                let shown = n
                    .strip_suffix(".occurs")
                    .map_or_else(|| n.to_string(), |r| format!("{r}.probability"));
                (strsim::levenshtein(&shown, name), shown)
            })
            .min_by_key(|(d, _)| *d)
            .filter(|(d, _)| *d <= name.chars().count() / 3 + 2)
            .map(|(_, n)| n);
        return Err(BreakevenError::UnknownInput {
            name: name.to_string(),
            suggestion,
        });
    };
    let occurs = wanted != name || wanted.ends_with(".occurs");
    // A risk's probability reads as a share, though its occurrence is a 0/1 number.
    let quantity = if occurs {
        crate::scenario::Quantity::Share
    } else {
        entry.quantity
    };
    let allowed = if occurs {
        (0.0, 1.0)
    } else {
        scenario
            .allowed_ranges
            .get(&wanted)
            .copied()
            .unwrap_or((f64::MIN, f64::MAX))
    };
    let base = match &entry.input.dist {
        crate::dist::Dist::Bernoulli { p } => *p,
        _ => model.inputs[k].sampler.base_value(),
    };
    Ok(Moved {
        k,
        name: name.to_string(),
        dist: entry.input.dist.clone(),
        truncate: entry.input.truncate,
        base,
        allowed,
        quantity,
    })
}

/// The range to search: `--range` when given (inside the allowed range); else the allowed
/// range when it is of the input's own scale (at most ten times its base value or its 90%
/// spread, as a probability or an adoption ceiling is), else the part of it within twice that
/// scale of the base value (a cost may be any amount up to 10^15; a search there would be
/// meaningless).
fn search_range(m: &Moved, sampler: &Sampler, req: &Request) -> Result<(f64, f64), BreakevenError> {
    let (lo, hi) = m.allowed;
    if let Some((a, b)) = req.range {
        if !(a >= lo && b <= hi && a < b) {
            return Err(BreakevenError::Range {
                name: m.name.clone(),
                lo: a,
                hi: b,
                allowed_lo: lo,
                allowed_hi: hi,
            });
        }
        return Ok((a, b));
    }
    let spread = (sampler.quantile(0.95) - sampler.quantile(0.05)).abs();
    let scale = m.base.abs().max(2.0 * spread).max(f64::MIN_POSITIVE);
    if hi - lo <= 10.0 * scale {
        return Ok((lo, hi));
    }
    Ok((
        (m.base - 2.0 * scale).max(lo),
        (m.base + 2.0 * scale).min(hi),
    ))
}
