//! What the change programme is worth, from a run of a scenario with levers: the run's table
//! holds each trial's NPV without any lever beside its NPV ([`super::run::lever_columns`]), so
//! the gain is paired trial by trial; each lever's share of the mean gain is its Shapley value
//! over the levers, from every subset of levers evaluated again on the run's first trials.
//!
//! Why the shares come from a sample: the mean gain is linear in the trials, so the Shapley
//! value of the mean is the mean of each trial's Shapley values, and a sample estimates it
//! without bias. Evaluating every subset of L levers takes 2^L − 2 more evaluations of a trial
//! (the full set and the empty set are in the table), too many for every trial of every run.
//! The sample's estimate is then corrected by regression on the gain, whose mean over the whole
//! run is known exactly (docs/MODEL.md, "What the change programme is worth"): the shares stay
//! unbiased, lose most of the sample's noise, and sum to the whole run's mean gain.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::model::{Model, Scratch};
use crate::results::{ChangeProgramme, LeverShare};

use super::run::{RunOutput, lever_columns};
use super::stats::{quantiles_of, stats_of};
use super::trials::for_each_trial_draws;

/// Most levers whose shares are exact Shapley values (every subset evaluated); above, the
/// shares average the marginal contributions along [`SAMPLED_ORDERS`] orders of the levers.
pub const MAX_EXACT_LEVERS: usize = 8;

/// Orders of the levers sampled above [`MAX_EXACT_LEVERS`].
pub const SAMPLED_ORDERS: usize = 24;

/// Extra trial evaluations the shares may take: the sample is this divided by the number of
/// lever subsets evaluated, within [`MIN_SHARE_SAMPLE`] and the run's trials.
pub const SHARE_EVALUATIONS: u64 = 20_000;

/// Fewest trials the shares are estimated on (unless the run has fewer).
pub const MIN_SHARE_SAMPLE: u64 = 1_000;

/// Trials evaluated together (their draws drawn once for every subset of levers).
const BLOCK: usize = 256;

/// The change programme of a run of `model`, or None when the model has no levers.
pub fn change_programme(model: &Model, out: &RunOutput) -> Option<ChangeProgramme> {
    let columns = lever_columns(model)?;
    let npv = out.npv();
    let without = out.npv_without_levers(columns);
    let gain: Vec<f64> = npv.iter().zip(without).map(|(w, wo)| w - wo).collect();
    let n = gain.len().max(1);
    let pays = gain.iter().filter(|&&g| g > 0.0).count();
    let npv_gain = stats_of(&gain);
    let shares = lever_shares(model, out, &gain, npv_gain.mean);
    let percentiles: Vec<f64> = (0..=100).map(|p| p as f64 / 100.0).collect();
    Some(ChangeProgramme {
        npv_gain,
        pv_lever_costs: stats_of(out.pv_lever_costs(columns)),
        prob_pays_for_itself: pays as f64 / n as f64,
        npv_without_levers: stats_of(without),
        npv_without_levers_percentiles: quantiles_of(without, &percentiles),
        levers: model
            .lever_names()
            .iter()
            .zip(shares.values.iter().zip(&shares.stderr))
            .map(|(name, (&v, &e))| LeverShare {
                name: name.clone(),
                npv_gain_mean: v,
                npv_gain_mean_stderr: if e.is_finite() { e } else { 0.0 },
            })
            .collect(),
        shares_method: shares.method.to_string(),
        shares_sample_trials: shares.sample,
    })
}

/// The levers' shares of the mean gain and how they were found.
struct Shares {
    values: Vec<f64>,
    /// The Monte Carlo standard error of each share (0 when it is exact: a single lever).
    stderr: Vec<f64>,
    method: &'static str,
    sample: u64,
}

/// A set of levers as one flag per lever.
type LeverSet = Vec<bool>;

/// How each trial's Shapley values are formed from the NPVs of lever subsets.
enum Plan {
    /// Every subset, indexed by its bits (lever l is bit l).
    Exact,
    /// Orders of the levers: each lever's value is its mean marginal contribution along them.
    Sampled(Vec<Vec<usize>>),
}

/// Each lever's Shapley value of the mean NPV gain `mean_gain` (the run's `gain` column).
fn lever_shares(model: &Model, out: &RunOutput, gain: &[f64], mean_gain: f64) -> Shares {
    let levers = model.lever_names().len();
    if levers == 1 {
        return Shares {
            values: vec![mean_gain],
            stderr: vec![0.0],
            method: "exact",
            sample: 0,
        };
    }
    let plan = if levers <= MAX_EXACT_LEVERS {
        Plan::Exact
    } else {
        Plan::Sampled(orders(levers, out.spec.seed))
    };
    // The subsets to evaluate again: all but the empty and the full set (in the table).
    let subsets: Vec<LeverSet> = match &plan {
        Plan::Exact => (1..(1u32 << levers) - 1)
            .map(|bits| (0..levers).map(|l| bits & (1 << l) != 0).collect())
            .collect(),
        Plan::Sampled(orders) => {
            let mut seen: Vec<LeverSet> = Vec::new();
            for order in orders {
                let mut set = vec![false; levers];
                for &l in &order[..levers - 1] {
                    set[l] = true;
                    if !seen.contains(&set) {
                        seen.push(set.clone());
                    }
                }
            }
            seen
        }
    };
    let n = gain.len() as u64;
    let sample = n.min((SHARE_EVALUATIONS / subsets.len() as u64).max(MIN_SHARE_SAMPLE));
    let per_trial = trial_shapley(model, out, &plan, &subsets, sample as usize);
    let (values, stderr) =
        regression_adjusted(&per_trial, &gain[..sample as usize], levers, mean_gain);
    Shares {
        values,
        stderr,
        method: match plan {
            Plan::Exact => "exact",
            Plan::Sampled(_) => "sampled",
        },
        sample,
    }
}

/// Fixed pseudo-random orders of `levers` levers (Fisher–Yates on SplitMix64 from `seed`).
fn orders(levers: usize, seed: u64) -> Vec<Vec<usize>> {
    let mut state = seed ^ 0x6c65_7665_7273_2121;
    let mut next = move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    (0..SAMPLED_ORDERS)
        .map(|_| {
            let mut order: Vec<usize> = (0..levers).collect();
            for i in (1..levers).rev() {
                let j = (next() % (i as u64 + 1)) as usize;
                order.swap(i, j);
            }
            order
        })
        .collect()
}

/// Each of the first `sample` trials' Shapley values, `[trial * levers + lever]`: the NPV of
/// every subset evaluated from the trial's own draws, the empty and full sets read from the
/// run's table.
fn trial_shapley(
    model: &Model,
    out: &RunOutput,
    plan: &Plan,
    subsets: &[LeverSet],
    sample: usize,
) -> Vec<f64> {
    let levers = model.lever_names().len();
    let columns = lever_columns(model).expect("a model with levers");
    let (npv, without) = (out.npv(), out.npv_without_levers(columns));
    let index: HashMap<&LeverSet, usize> =
        subsets.iter().enumerate().map(|(i, s)| (s, i)).collect();
    let first = out.spec.first_trial;
    let blocks: Vec<Vec<f64>> = (0..sample.div_ceil(BLOCK))
        .into_par_iter()
        .map(|b| {
            let (lo, hi) = (b * BLOCK, ((b + 1) * BLOCK).min(sample));
            let width = model.inputs.len();
            let mut draws = Vec::with_capacity((hi - lo) * width);
            for_each_trial_draws(
                model,
                out.spec.seed,
                first + lo as u64..first + hi as u64,
                |_, d| draws.extend_from_slice(d),
            );
            // values[s * len + t]: the NPV of subset s in trial lo + t.
            let len = hi - lo;
            let mut values = vec![0.0; subsets.len() * len];
            let mut scratch = Scratch::for_trials(model).npv_only();
            for (s, set) in subsets.iter().enumerate() {
                scratch.set_levers(set);
                for t in 0..len {
                    let d = &draws[t * width..(t + 1) * width];
                    values[s * len + t] = model.evaluate_all_but_irr(d, &mut scratch).npv;
                }
            }
            let mut phi = vec![0.0; len * levers];
            for t in 0..len {
                let v = |set: &LeverSet| -> f64 {
                    if set.iter().all(|&x| !x) {
                        without[lo + t]
                    } else if set.iter().all(|&x| x) {
                        npv[lo + t]
                    } else {
                        values[index[set] * len + t]
                    }
                };
                trial_values(plan, levers, &v, &mut phi[t * levers..(t + 1) * levers]);
            }
            phi
        })
        .collect();
    blocks.concat()
}

/// One trial's Shapley values into `phi`, with `v` the trial's NPV of each set of levers.
fn trial_values(plan: &Plan, levers: usize, v: &dyn Fn(&LeverSet) -> f64, phi: &mut [f64]) {
    match plan {
        Plan::Exact => {
            let sets: Vec<LeverSet> = (0..1u32 << levers)
                .map(|bits| (0..levers).map(|l| bits & (1 << l) != 0).collect())
                .collect();
            let values: Vec<f64> = sets.iter().map(v).collect();
            let weight = shapley_weights(levers);
            for (l, out) in phi.iter_mut().enumerate() {
                let mut sum = 0.0;
                for bits in 0..1u32 << levers {
                    if bits & (1 << l) == 0 {
                        let size = bits.count_ones() as usize;
                        let with = values[(bits | (1 << l)) as usize];
                        sum += weight[size] * (with - values[bits as usize]);
                    }
                }
                *out = sum;
            }
        }
        Plan::Sampled(orders) => {
            phi.fill(0.0);
            for order in orders {
                let mut set = vec![false; levers];
                let mut before = v(&set);
                for &l in order {
                    set[l] = true;
                    let after = v(&set);
                    phi[l] += after - before;
                    before = after;
                }
            }
            for x in phi.iter_mut() {
                *x /= orders.len() as f64;
            }
        }
    }
}

/// The Shapley weight of a coalition of `s` others among `levers`: s! (L − s − 1)! / L!.
fn shapley_weights(levers: usize) -> Vec<f64> {
    let fact = |k: usize| (1..=k).map(|i| i as f64).product::<f64>();
    (0..levers)
        .map(|s| fact(s) * fact(levers - s - 1) / fact(levers))
        .collect()
}

/// Each lever's mean Shapley value over the sample, corrected by regression on the trials'
/// gain towards `mean_gain`, the whole run's: share_l = φ̄_l + β_l (G − ḡ), with
/// β_l = cov(φ_l, g) / var(g) over the sample. The β sum to 1 (the φ of a trial sum to its
/// gain), so the shares sum to G; without variation in the gain the difference is split
/// equally. Also each share's standard error: that of the residuals φ_l − β_l g, over √m.
fn regression_adjusted(
    phi: &[f64],
    gain: &[f64],
    levers: usize,
    mean_gain: f64,
) -> (Vec<f64>, Vec<f64>) {
    let m = gain.len();
    if m == 0 {
        return (vec![mean_gain / levers as f64; levers], vec![0.0; levers]);
    }
    let g_mean = gain.iter().sum::<f64>() / m as f64;
    let mut phi_mean = vec![0.0; levers];
    for t in 0..m {
        for l in 0..levers {
            phi_mean[l] += phi[t * levers + l];
        }
    }
    for x in &mut phi_mean {
        *x /= m as f64;
    }
    let mut var = 0.0;
    let mut cov = vec![0.0; levers];
    for (t, &g) in gain.iter().enumerate() {
        let dg = g - g_mean;
        var += dg * dg;
        for l in 0..levers {
            cov[l] += (phi[t * levers + l] - phi_mean[l]) * dg;
        }
    }
    let beta: Vec<f64> = (0..levers)
        .map(|l| {
            if var > 0.0 {
                cov[l] / var
            } else {
                1.0 / levers as f64
            }
        })
        .collect();
    let mut residual = vec![0.0; levers];
    for (t, &g) in gain.iter().enumerate() {
        for l in 0..levers {
            let e = (phi[t * levers + l] - phi_mean[l]) - beta[l] * (g - g_mean);
            residual[l] += e * e;
        }
    }
    let values = (0..levers)
        .map(|l| phi_mean[l] + beta[l] * (mean_gain - g_mean))
        .collect();
    let stderr = residual
        .iter()
        .map(|r| {
            if m > 2 {
                (r / (m - 2) as f64 / m as f64).sqrt()
            } else {
                f64::NAN
            }
        })
        .collect();
    (values, stderr)
}

#[cfg(test)]
mod tests;
