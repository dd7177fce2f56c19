//! What a SIPmath library of a run is made from ([`SipSource`]): the simulated quantiles of
//! NPV, ROI, payback and every continuous uncertain input, and the dependence between them.
//!
//! The inputs' values are not stored by a run: they are drawn again, trial by trial, exactly as
//! the run drew them (`engine::for_each_trial_draws`), a batch of inputs at a time so that at
//! most [`VALUES_IN_MEMORY`] values are held (the inputs of a million trials take a few
//! passes).
//!
//! Dependence. The inputs' declared rank correlations enter the copula as the engine applies
//! them: the normal-space correlation 2 sin(π ρ_s / 6), zero between inputs no correlation
//! links. The outputs depend on every input; their normal-score correlations with the inputs
//! and with each other are measured on the run's trials and carried in the same copula when
//! the whole matrix is a correlation matrix (positive semi-definite) and every output is
//! defined in every trial. Otherwise they get generators of their own, and the note says why.

use std::collections::HashMap;

use crate::dist::Dist;
use crate::dist::copula::{cholesky, normal_quantile, pearson_from_rank};
use crate::engine::{RunOutput, for_each_trial_draws, quantiles_of, stats_of};
use crate::model::Model;
use crate::results::sips::{SipCopula, SipKind, SipSource, SipVariable};
use crate::scenario::Scenario;

/// Most input values held at once while the inputs are drawn again (128 MB).
pub const VALUES_IN_MEMORY: usize = 16 * 1024 * 1024;

/// The cumulative probabilities the Metalogs are fitted at: 0.001, 0.002, …, 0.999.
pub fn levels() -> Vec<f64> {
    (1..1000).map(|j| j as f64 / 1000.0).collect()
}

/// A variable's values reduced to what the library needs, and what the copula's measured
/// correlations need of it: an output's normal scores (one per trial), an input's correlations
/// with those outputs (so no input keeps a value per trial once its batch is done).
struct Measured {
    variable: SipVariable,
    /// An output's centred normal scores divided by their norm (so a dot product is a
    /// correlation); `None` for inputs and for outputs undefined in some trials.
    scores: Option<Vec<f64>>,
    /// An input's normal-score correlation with each output, by output position (`None` where
    /// that output has no scores); empty for outputs.
    with_outputs: Vec<Option<f64>>,
}

/// A correlation of two variables' normal scores ([`Measured::scores`]).
fn correlation(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// An output of the run: its name, unit, HDR variable id, bounds and per-trial values.
type Output<'a> = (&'a str, String, u64, (Option<f64>, Option<f64>), &'a [f64]);

/// The statistics and quantiles of `values` (every one defined).
fn describe(
    name: String,
    kind: SipKind,
    unit: String,
    var_id: u64,
    bounds: (Option<f64>, Option<f64>),
    values: &[f64],
    levels: &[f64],
) -> SipVariable {
    let s = stats_of(values);
    let quantiles = quantiles_of(values, levels);
    let inside = |b: Option<f64>, below: bool| {
        b.filter(|&b| b.is_finite() && quantiles.iter().all(|&q| if below { q > b } else { q < b }))
    };
    SipVariable {
        name,
        kind,
        unit,
        var_id,
        lower: inside(bounds.0, true),
        upper: inside(bounds.1, false),
        quantiles,
        count: values.len() as u64,
        mean: s.mean,
        std: s.std,
        min: s.min,
        max: s.max,
        p10: s.p10,
        p25: s.p25,
        p50: s.p50,
        p75: s.p75,
        p90: s.p90,
        note: None,
    }
}

/// Normal scores of `values` through their own quantile table (the empirical CDF, read by
/// linear interpolation between the levels), centred and scaled to unit length.
fn scores(values: &[f64], quantiles: &[f64], levels: &[f64]) -> Vec<f64> {
    let (lo, hi) = (levels[0], levels[levels.len() - 1]);
    let mut z: Vec<f64> = values
        .iter()
        .map(|&x| {
            let i = quantiles.partition_point(|&q| q < x);
            let p = if i == 0 {
                lo
            } else if i >= quantiles.len() {
                hi
            } else {
                let (q0, q1) = (quantiles[i - 1], quantiles[i]);
                let t = if q1 > q0 { (x - q0) / (q1 - q0) } else { 0.5 };
                levels[i - 1] + t * (levels[i] - levels[i - 1])
            };
            normal_quantile(p)
        })
        .collect();
    let mean = z.iter().sum::<f64>() / z.len().max(1) as f64;
    z.iter_mut().for_each(|v| *v -= mean);
    let norm = z.iter().map(|v| v * v).sum::<f64>().sqrt();
    if norm > 0.0 {
        z.iter_mut().for_each(|v| *v /= norm);
    }
    z
}

/// The bounds an input's distribution (and truncation) keeps to.
fn input_bounds(dist: &Dist, truncate: Option<(f64, f64)>) -> (Option<f64>, Option<f64>) {
    let (mut lo, mut hi) = match *dist {
        Dist::Uniform { min, max }
        | Dist::Triangular { min, max, .. }
        | Dist::Pert { min, max, .. } => (Some(min), Some(max)),
        Dist::Beta { .. } => (Some(0.0), Some(1.0)),
        Dist::LogNormal { .. } => (Some(0.0), None),
        _ => (None, None),
    };
    if let Some((a, b)) = truncate {
        if a.is_finite() {
            lo = Some(lo.map_or(a, |l| l.max(a)));
        }
        if b.is_finite() {
            hi = Some(hi.map_or(b, |h| h.min(b)));
        }
    }
    (lo, hi)
}

/// The library's source for a run of `model` (compiled from `scenario`) whose trials are `out`.
pub fn sip_source(scenario: &Scenario, model: &Model, out: &RunOutput) -> SipSource {
    let levels = levels();
    let n = out.trials();
    let currency = scenario.meta.currency.clone();
    let defined = |v: &[f64]| {
        v.iter()
            .copied()
            .filter(|x| !x.is_nan())
            .collect::<Vec<_>>()
    };

    // The outputs.
    let mut measured: Vec<Measured> = Vec::new();
    let outputs: [Output<'_>; 3] = [
        ("NPV", currency.clone(), 1, (None, None), out.npv()),
        (
            "ROI",
            "fraction (1 = 100%)".into(),
            2,
            (Some(-1.0), None),
            out.roi(),
        ),
        (
            "Payback months",
            "months".into(),
            3,
            (Some(0.0), Some(model.horizon as f64)),
            out.payback_months(),
        ),
    ];
    for (name, unit, id, bounds, column) in outputs {
        let values = defined(column);
        if values.is_empty() {
            continue;
        }
        let mut v = describe(
            name.into(),
            SipKind::Output,
            unit,
            id,
            bounds,
            &values,
            &levels,
        );
        let everywhere = values.len() == n;
        if !everywhere {
            v.note = Some(format!(
                "of the {} of {} trials where it is defined ({}); the others are not in this SIP",
                values.len(),
                n,
                if name == "ROI" {
                    "the rest have no costs"
                } else {
                    "the rest do not pay back within the horizon"
                }
            ));
        }
        let z = everywhere.then(|| scores(&values, &v.quantiles, &levels));
        measured.push(Measured {
            variable: v,
            scores: z,
            with_outputs: Vec::new(),
        });
    }
    let outputs_measured = measured.len();

    // The inputs, drawn again a batch at a time.
    let entries = scenario.input_entries();
    let mut left_out = Vec::new();
    let mut wanted: Vec<usize> = Vec::new();
    for (k, (entry, input)) in entries.iter().zip(&model.inputs).enumerate() {
        if input.sampler.is_fixed() {
            continue;
        }
        match entry.input.dist {
            Dist::Bernoulli { .. } | Dist::Discrete { .. } => left_out.push((
                input.name.clone(),
                "a discrete input (its values are a few points, which a Metalog, a continuous \
                 quantile function, cannot hold); its distribution is in the scenario file"
                    .to_string(),
            )),
            _ => wanted.push(k),
        }
    }
    let with_scores = measured.iter().any(|m| m.scores.is_some());
    let first = out.spec.first_trial;
    let batch = (VALUES_IN_MEMORY / n.max(1)).max(1);
    for chunk in wanted.chunks(batch) {
        let mut columns = vec![vec![0.0; n]; chunk.len()];
        for_each_trial_draws(model, out.spec.seed, first..first + n as u64, |t, d| {
            let i = (t - first) as usize;
            for (col, &k) in columns.iter_mut().zip(chunk) {
                col[i] = d[k];
            }
        });
        for (values, &k) in columns.iter().zip(chunk) {
            let entry = &entries[k];
            let v = describe(
                model.inputs[k].name.clone(),
                SipKind::Input,
                entry.unit.clone(),
                1000 + k as u64,
                input_bounds(&entry.input.dist, entry.input.truncate),
                values,
                &levels,
            );
            let with_outputs = if with_scores {
                let z = scores(values, &v.quantiles, &levels);
                measured[..outputs_measured]
                    .iter()
                    .map(|o| o.scores.as_deref().map(|zo| correlation(zo, &z)))
                    .collect()
            } else {
                Vec::new()
            };
            measured.push(Measured {
                variable: v,
                scores: None,
                with_outputs,
            });
        }
    }

    let (copula, dependence_note) = copula(scenario, &measured, outputs_measured);
    SipSource {
        levels,
        variables: measured.into_iter().map(|m| m.variable).collect(),
        copula,
        dependence_note,
        left_out,
    }
}

/// The copula: the declared correlations of the inputs, with the outputs' measured ones when
/// they make a correlation matrix with them.
fn copula(
    scenario: &Scenario,
    measured: &[Measured],
    outputs: usize,
) -> (Option<SipCopula>, String) {
    let index: HashMap<&str, usize> = measured
        .iter()
        .enumerate()
        .skip(outputs)
        .map(|(i, m)| (m.variable.name.as_str(), i))
        .collect();
    let declared: Vec<(usize, usize, f64)> = scenario
        .correlations
        .iter()
        .filter_map(|c| {
            let (a, b) = (
                index.get(c.inputs[0].as_str())?,
                index.get(c.inputs[1].as_str())?,
            );
            Some((*a, *b, pearson_from_rank(c.rank)))
        })
        .collect();
    let in_outputs: Vec<usize> = (0..outputs)
        .filter(|&i| measured[i].scores.is_some())
        .collect();
    let not_everywhere: Vec<&str> = (0..outputs)
        .filter(|&i| measured[i].scores.is_none())
        .map(|i| measured[i].variable.name.as_str())
        .collect();
    let matrix_of = |members: &[usize]| {
        let pos: HashMap<usize, usize> = members.iter().enumerate().map(|(p, &i)| (i, p)).collect();
        let k = members.len();
        let mut m = vec![0.0; k * k];
        for p in 0..k {
            m[p * k + p] = 1.0;
        }
        for &(a, b, r) in &declared {
            if let (Some(&pa), Some(&pb)) = (pos.get(&a), pos.get(&b)) {
                m[pa * k + pb] = r;
                m[pb * k + pa] = r;
            }
        }
        for (pa, &a) in members.iter().enumerate() {
            for (pb, &b) in members.iter().enumerate() {
                let r = match (a < outputs, b < outputs) {
                    _ if pa == pb => None,
                    (true, true) => match (&measured[a].scores, &measured[b].scores) {
                        (Some(za), Some(zb)) => Some(correlation(za, zb)),
                        _ => None,
                    },
                    (true, false) => measured[b].with_outputs.get(a).copied().flatten(),
                    (false, true) => measured[a].with_outputs.get(b).copied().flatten(),
                    (false, false) => None,
                };
                if let Some(r) = r {
                    m[pa * k + pb] = r.clamp(-1.0, 1.0);
                }
            }
        }
        m
    };
    let inputs_declared: Vec<usize> = {
        let mut v: Vec<usize> = declared.iter().flat_map(|&(a, b, _)| [a, b]).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    // Inputs first, outputs last: an output's last pivot then tells how much of it the inputs
    // (and the outputs before it) account for.
    let with_outputs: Vec<usize> = (outputs..measured.len())
        .chain(in_outputs.iter().copied())
        .collect();
    let mut skipped = if not_everywhere.is_empty() {
        String::new()
    } else {
        format!(
            " {} is left out of the copula: it is undefined in some trials, so its SIP describes \
             only the trials where it is defined and has no rank in the others.",
            not_everywhere.join(" and ")
        )
    };
    if declared.len() < scenario.correlations.len() {
        skipped.push_str(
            " Correlations with inputs left out of the library (discrete ones) are left out too.",
        );
    }
    if !in_outputs.is_empty() {
        let m = matrix_of(&with_outputs);
        if cholesky(&m, with_outputs.len()).is_ok() {
            let inputs_only: Vec<usize> = (outputs..measured.len()).collect();
            let explained: Vec<String> = in_outputs
                .iter()
                .map(|&o| {
                    let members: Vec<usize> = inputs_only.iter().copied().chain([o]).collect();
                    let k = members.len();
                    let share = cholesky(&matrix_of(&members), k)
                        .map(|l| 1.0 - l[k * k - 1] * l[k * k - 1])
                        .unwrap_or(f64::NAN);
                    format!("{} {:.0}%", measured[o].variable.name, 100.0 * share)
                })
                .collect();
            return (
                Some(SipCopula {
                    members: with_outputs,
                    matrix: m,
                }),
                format!(
                    "The outputs are in the copula with their normal-score correlations to the \
                     inputs and to each other, measured on the run's trials: regenerated, each \
                     keeps its own distribution and its rank correlation with every input, but not \
                     its exact dependence on them (the model is not linear in normal scores). The \
                     share of each output's normal-score variance the inputs account for in the \
                     copula: {}; the rest is drawn independently of the inputs.{skipped}",
                    explained.join(", ")
                ),
            );
        }
    }
    let reason = if in_outputs.is_empty() {
        "no output is defined in every trial".to_string()
    } else {
        "their measured correlations with the inputs do not form a correlation matrix with the \
         declared ones (not positive semi-definite)"
            .to_string()
    };
    let note = format!(
        "The outputs have generators of their own ({reason}): regenerated, each keeps its own \
         distribution but is independent of the inputs and of the other outputs.{skipped}"
    );
    if inputs_declared.is_empty() {
        return (None, note);
    }
    (
        Some(SipCopula {
            matrix: matrix_of(&inputs_declared),
            members: inputs_declared,
        }),
        note,
    )
}
