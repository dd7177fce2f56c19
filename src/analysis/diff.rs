//! `valuecase diff`: what moved between two versions of a scenario. The changes are listed
//! item by item ([`changes`]), and the change in mean NPV, median NPV and P(NPV > 0) is
//! attributed to them with Shapley values: an item's share is its average effect over every
//! order in which the changes could be made, so the shares sum exactly to the total change
//! (efficiency) and interactions are split evenly between the items that interact.
//!
//! Each subset of changes is a sub-run: the old version with those changes made
//! (`hybrid`), run with one seed and trial count, so every sub-run draws the same numbers for
//! every input it shares with another (common random numbers) and the differences between
//! sub-runs are the changes' effects, not noise. With at most [`MAX_EXACT_ITEMS`] changes
//! every subset is run (2^k sub-runs); above that the shares average random orders of the
//! changes, with their standard errors.

mod changes;
mod hybrid;

use std::collections::HashMap;
use std::time::Instant;

use crate::engine::{self, RunSpec, ScenarioIdentity, quantiles_of};
use crate::model::{Model, SamplerCache};
use crate::results::{Diff, DiffFigures, DiffItem, ScenarioInfo};
use crate::scenario::Scenario;

pub use changes::{Change, changes};

use super::AnalysisError;

/// Most changes attributed exactly (2^10 = 1,024 sub-runs).
pub const MAX_EXACT_ITEMS: usize = 10;

/// Trials of each sub-run unless asked otherwise.
pub const DEFAULT_TRIALS: u64 = 20_000;

/// Sub-runs the sampled method may make (about what the exact one makes at its limit).
pub const SAMPLED_SUB_RUNS: usize = 1_024;

/// One version of the scenario, with what identifies it.
#[derive(Debug, Clone, Copy)]
pub struct Version<'a> {
    pub scenario: &'a Scenario,
    pub identity: &'a ScenarioIdentity,
}

/// The diff of `old` → `new`, every sub-run with `spec` (its seed and trial count).
/// `progress` is called with the number of sub-runs done.
pub fn diff(
    old: Version,
    new: Version,
    spec: RunSpec,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Diff, AnalysisError> {
    let started = Instant::now();
    let (oc, nc) = (&old.scenario.meta.currency, &new.scenario.meta.currency);
    if oc != nc {
        return Err(AnalysisError::DiffCurrency {
            old: oc.clone(),
            new: nc.clone(),
        });
    }
    let (moving, labels) = changes(old.scenario, new.scenario);
    let k = moving.len();
    let cache = SamplerCache::default();
    let mut values: HashMap<Vec<bool>, DiffFigures> = HashMap::new();
    let mut runs = 0u64;
    let mut value = |set: &[bool]| -> DiffFigures {
        if let Some(v) = values.get(set) {
            return *v;
        }
        let scenario = if set.iter().all(|&x| !x) {
            old.scenario.clone()
        } else if set.iter().all(|&x| x) {
            new.scenario.clone()
        } else {
            let taken: Vec<&Change> = moving
                .iter()
                .zip(set)
                .filter(|(_, on)| **on)
                .map(|(c, _)| c)
                .collect();
            hybrid::hybrid(old.scenario, new.scenario, &taken)
        };
        let figures = figures(&Model::compile_reusing(&scenario, &cache), spec);
        values.insert(set.to_vec(), figures);
        runs += 1;
        progress(runs);
        figures
    };
    let none = vec![false; k];
    let all = vec![true; k];
    let (before, after) = (value(&none), value(&all));
    let (shares, errors, orders) = if k <= MAX_EXACT_ITEMS {
        (exact(k, &mut value), None, None)
    } else {
        let orders = random_orders(k, spec.seed);
        let (mean, se) = sampled(&orders, &mut value);
        (mean, Some(se), Some(orders.len() as u64))
    };
    let items = moving
        .iter()
        .zip(&shares)
        .enumerate()
        .map(|(i, (c, s))| DiffItem {
            item: c.item.clone(),
            change: c.change.to_string(),
            details: c.details.clone(),
            mean_npv: s.mean_npv,
            p50_npv: s.p50_npv,
            prob_npv_positive: s.prob_npv_positive,
            sampling_error: errors.as_ref().map(|e: &Vec<DiffFigures>| e[i]),
        })
        .collect();
    let unattributed = labels
        .into_iter()
        .map(|c| DiffItem {
            item: c.item,
            change: c.change.to_string(),
            details: c.details,
            mean_npv: 0.0,
            p50_npv: 0.0,
            prob_npv_positive: 0.0,
            sampling_error: None,
        })
        .collect();
    let new_model = Model::compile_reusing(new.scenario, &cache);
    let new_run = engine::run(&new_model, spec, &|_| {});
    let new_summary = engine::summarise(&new_model, &new_run, new.identity, 0.0);
    let info = |v: Version| ScenarioInfo {
        name: v.scenario.meta.name.clone(),
        file: v.identity.file.clone(),
        sha256: v.identity.sha256.clone(),
    };
    Ok(Diff {
        items,
        unattributed,
        total: minus(after, before),
        old_figures: before,
        new_figures: after,
        method: if orders.is_some() { "sampled" } else { "exact" }.to_string(),
        trials: spec.trials,
        seed: spec.seed,
        sub_runs: runs,
        orders,
        old: info(old),
        new: info(new),
        valuecase_version: env!("CARGO_PKG_VERSION").to_string(),
        elapsed_seconds: started.elapsed().as_secs_f64(),
        new_summary: Box::new(new_summary),
    })
}

/// Mean NPV, median NPV and P(NPV > 0) of a sub-run.
fn figures(model: &Model, spec: RunSpec) -> DiffFigures {
    let npv = engine::npvs(model, spec);
    let n = npv.len().max(1) as f64;
    DiffFigures {
        mean_npv: npv.iter().sum::<f64>() / n,
        p50_npv: quantiles_of(&npv, &[0.5])[0],
        prob_npv_positive: npv.iter().filter(|&&v| v > 0.0).count() as f64 / n,
    }
}

fn minus(a: DiffFigures, b: DiffFigures) -> DiffFigures {
    DiffFigures {
        mean_npv: a.mean_npv - b.mean_npv,
        p50_npv: a.p50_npv - b.p50_npv,
        prob_npv_positive: a.prob_npv_positive - b.prob_npv_positive,
    }
}

fn add_scaled(acc: &mut DiffFigures, d: DiffFigures, w: f64) {
    acc.mean_npv += w * d.mean_npv;
    acc.p50_npv += w * d.p50_npv;
    acc.prob_npv_positive += w * d.prob_npv_positive;
}

/// Exact Shapley values over `k` items: φ_i = Σ over sets S without i of
/// |S|! (k − |S| − 1)! / k! · (v(S ∪ {i}) − v(S)).
fn exact(k: usize, value: &mut dyn FnMut(&[bool]) -> DiffFigures) -> Vec<DiffFigures> {
    let fact = |n: usize| (1..=n).map(|i| i as f64).product::<f64>();
    let weight: Vec<f64> = (0..k)
        .map(|s| fact(s) * fact(k - s - 1) / fact(k))
        .collect();
    let sets: Vec<Vec<bool>> = (0..1u32 << k)
        .map(|bits| (0..k).map(|i| bits & (1 << i) != 0).collect())
        .collect();
    let v: Vec<DiffFigures> = sets.iter().map(|s| value(s)).collect();
    (0..k)
        .map(|i| {
            let mut phi = DiffFigures::default();
            for bits in 0..1u32 << k {
                if bits & (1 << i) == 0 {
                    let with = v[(bits | (1 << i)) as usize];
                    let w = weight[bits.count_ones() as usize];
                    add_scaled(&mut phi, minus(with, v[bits as usize]), w);
                }
            }
            phi
        })
        .collect()
}

/// Fixed pseudo-random orders of `k` items (Fisher–Yates on SplitMix64 from `seed`), as many
/// as [`SAMPLED_SUB_RUNS`] allows: each order needs k − 1 sub-runs besides the two ends.
fn random_orders(k: usize, seed: u64) -> Vec<Vec<usize>> {
    let count = ((SAMPLED_SUB_RUNS - 2) / (k - 1)).max(2);
    let mut state = seed ^ 0x6469_6666_2121_2121;
    let mut next = move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    (0..count)
        .map(|_| {
            let mut order: Vec<usize> = (0..k).collect();
            for i in (1..k).rev() {
                order.swap(i, (next() % (i as u64 + 1)) as usize);
            }
            order
        })
        .collect()
}

/// Shapley values as the mean marginal contribution along `orders`, with the standard error
/// of each mean. Along one order the contributions telescope to v(all) − v(none), so the
/// means sum to the total change as the exact values do.
fn sampled(
    orders: &[Vec<usize>],
    value: &mut dyn FnMut(&[bool]) -> DiffFigures,
) -> (Vec<DiffFigures>, Vec<DiffFigures>) {
    let k = orders.first().map_or(0, Vec::len);
    let mut samples: Vec<Vec<DiffFigures>> = vec![Vec::with_capacity(orders.len()); k];
    for order in orders {
        let mut set = vec![false; k];
        let mut before = value(&set);
        for &i in order {
            set[i] = true;
            let after = value(&set);
            samples[i].push(minus(after, before));
            before = after;
        }
    }
    let m = orders.len() as f64;
    let stat = |xs: &[DiffFigures], f: fn(&DiffFigures) -> f64| -> (f64, f64) {
        let mean = xs.iter().map(f).sum::<f64>() / m;
        let var = xs.iter().map(|x| (f(x) - mean).powi(2)).sum::<f64>() / (m - 1.0).max(1.0);
        (mean, (var / m).sqrt())
    };
    samples
        .iter()
        .map(|xs| {
            let (a, ea) = stat(xs, |x| x.mean_npv);
            let (b, eb) = stat(xs, |x| x.p50_npv);
            let (c, ec) = stat(xs, |x| x.prob_npv_positive);
            (
                DiffFigures {
                    mean_npv: a,
                    p50_npv: b,
                    prob_npv_positive: c,
                },
                DiffFigures {
                    mean_npv: ea,
                    p50_npv: eb,
                    prob_npv_positive: ec,
                },
            )
        })
        .unzip()
}

#[cfg(test)]
mod tests;
