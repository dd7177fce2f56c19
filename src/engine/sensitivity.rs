//! What drives NPV, from a finished run: rank statistics over its own trials, and a
//! one-at-a-time tornado on the base case.
//!
//! No trial is simulated again for the rank statistics. Every input's draw is keyed by (seed,
//! input name, trial), so the run's [`Drawer`] redraws the inputs of the run's first trials
//! exactly as the run drew them, and they pair with the run's own NPV column. Only the first
//! [`SAMPLE_LIMIT`] trials are read, so the memory this needs (inputs × sample) stays bounded
//! at any trial count; the sample size is stated in the results.
//!
//! Spearman correlations use average ranks for ties (a risk event is 0 or 1 in every trial).
//! The contribution to variance is each squared correlation over the sum of them all, with the
//! correlation's sign: Crystal Ball's convention. Inputs the scenario correlates are reported
//! as they are, each with its own rank correlation with NPV: what they share is counted in each
//! of them (see `docs/MODEL.md`, "What drives the result").

use rayon::prelude::*;

use crate::model::{Model, RiskEvent, Scratch};
use crate::results::sensitivity::SAMPLE_LIMIT;
use crate::results::{InputSensitivity, Sensitivity, TornadoBar};

use super::run::{Drawer, LANE, RunOutput};

/// The two-sided 95% point of the standard normal distribution.
const Z95: f64 = 1.959_963_984_540_054;

/// Trials redrawn per parallel work item.
const CHUNK: usize = 8192;

/// The inputs the rank statistics and the tornado look at: every input that varies between
/// trials (risk events included, but not those certain to happen or not), in model order, with
/// whether it is a risk event.
fn varying_inputs(model: &Model) -> Vec<(usize, bool)> {
    let events: Vec<usize> = model.risk_models.iter().map(|r| r.occurs).collect();
    let varies = |k: usize| {
        let s = &model.inputs[k].sampler;
        !s.is_fixed() && s.quantile(1e-12) != s.quantile(1.0 - 1e-12)
    };
    (0..model.inputs.len())
        .filter(|&k| varies(k))
        .map(|k| (k, events.contains(&k)))
        .collect()
}

/// The input's 10th and 90th percentiles. A sampler maps a uniform to a value monotonically,
/// except a Bernoulli one, which counts `u < p` as the event (so its values fall as `u` rises):
/// taking the smaller and the larger of the two values gives the true percentiles in both cases.
fn deciles(model: &Model, k: usize) -> (f64, f64) {
    let s = &model.inputs[k].sampler;
    let (a, b) = (s.quantile(0.1), s.quantile(0.9));
    (a.min(b), a.max(b))
}

/// Bytes the rank statistics hold at their peak: one key column per varying input over the
/// sample, and each worker's sort buffers (the run's memory estimate adds it).
pub fn memory_bytes(model: &Model) -> u64 {
    let inputs = model.inputs.len() as u64;
    let workers = rayon::current_num_threads() as u64;
    SAMPLE_LIMIT * (inputs * 8 + workers * 24 + 12)
}

/// The sensitivity section of a run of `model` whose trials are `out` (a run from trial 0, as
/// `run` and `merge` produce; a part of a run is not summarised).
pub fn sensitivity(model: &Model, out: &RunOutput) -> Sensitivity {
    let inputs = varying_inputs(model);
    let sample = (out.trials() as u64).min(SAMPLE_LIMIT) as usize;
    let npv = &out.npv()[..sample];

    // The sampled trials' draws, input by input, as order-preserving keys.
    let columns = redraw(model, out.spec.seed, out.spec.first_trial, sample, &inputs);
    // In f32 (exact: whole and half ranks below 2^24), so the column each input's pass reads
    // at random stays in cache.
    let npv_ranks: Vec<f32> = average_ranks(npv).iter().map(|&r| r as f32).collect();
    let correlated: Vec<bool> = {
        let mut c = vec![false; model.inputs.len()];
        for &k in model.correlated.iter().flat_map(|b| &b.members) {
            c[k] = true;
        }
        c
    };

    let mut rows: Vec<InputSensitivity> = inputs
        .par_iter()
        .zip(columns.par_iter())
        .map_init(SortBuffers::default, |buffers, (&(k, event), keys)| {
            let (lo, hi) = if event { (0.0, 1.0) } else { deciles(model, k) };
            let (low, high) = tail_means(keys, npv, lo, hi);
            InputSensitivity {
                input: model.inputs[k].name.clone(),
                rank_correlation: rank_correlation(keys, &npv_ranks, buffers),
                contribution_to_variance: 0.0,
                npv_mean_low_decile: low,
                npv_mean_high_decile: high,
                correlated: correlated[k],
            }
        })
        .collect();
    let total: f64 = rows.iter().map(|r| r.rank_correlation.powi(2)).sum();
    for r in &mut rows {
        r.contribution_to_variance = if total > 0.0 {
            r.rank_correlation.powi(2) / total * r.rank_correlation.signum()
        } else {
            0.0
        };
    }
    // Largest contribution first; ties (and inputs with none) in model order.
    rows.sort_by(|a, b| {
        b.contribution_to_variance
            .abs()
            .total_cmp(&a.contribution_to_variance.abs())
    });
    let noise = if sample > 1 {
        Z95 / ((sample - 1) as f64).sqrt()
    } else {
        1.0
    };
    Sensitivity {
        sample_trials: sample as u64,
        rank_correlation_noise: noise,
        contribution_noise: if total > 0.0 {
            (noise * noise / total).min(1.0)
        } else {
            1.0
        },
        inputs: rows,
        tornado: tornado(model),
    }
}

/// The draws of `inputs` in trials `first..first + sample`, one column of [`ordered_bits`]
/// keys per input, drawn lane by lane as the run drew them, in parallel chunks.
fn redraw(
    model: &Model,
    seed: u64,
    first: u64,
    sample: usize,
    inputs: &[(usize, bool)],
) -> Vec<Vec<u64>> {
    let drawer = Drawer::new(model, seed);
    let order: Vec<usize> = drawer.random_input_ids().collect();
    // Every varying input is one of the drawer's random inputs.
    let rows: Vec<usize> = inputs
        .iter()
        .map(|&(k, _)| order.iter().position(|&r| r == k).unwrap_or(0))
        .collect();
    // A risk that levers make less likely draws a plain uniform (`RiskEvent`): its column
    // holds whether it happens (0 or 1), decided by the model's own rule from the trial's
    // draws with every lever on, as in the run.
    let events: Vec<Option<&RiskEvent>> = inputs
        .iter()
        .map(|&(k, _)| {
            model
                .risk_models
                .iter()
                .find(|r| r.occurs == k)?
                .event
                .as_ref()
        })
        .collect();
    let all_on = vec![true; model.lever_models.len()];
    let mut columns = vec![vec![0u64; sample]; inputs.len()];
    let mut chunks: Vec<Vec<&mut [u64]>> = (0..sample.div_ceil(CHUNK))
        .map(|_| Vec::with_capacity(inputs.len()))
        .collect();
    for column in &mut columns {
        for (c, part) in column.chunks_mut(CHUNK).enumerate() {
            chunks[c].push(part);
        }
    }
    chunks.into_par_iter().enumerate().for_each_init(
        || {
            let lanes = vec![0.0; drawer.random_inputs().max(1) * LANE];
            (lanes, drawer.base())
        },
        |(lanes, draws), (c, mut parts)| {
            let len = parts.first().map_or(0, |p| p.len());
            let mut t = 0;
            while t < len {
                let n = LANE.min(len - t);
                drawer.draw_lane(model, first + (c * CHUNK + t) as u64, n, lanes);
                for ((part, &j), event) in parts.iter_mut().zip(&rows).zip(&events) {
                    for (i, key) in part[t..t + n].iter_mut().enumerate() {
                        let x = lanes[j * LANE + i];
                        let x = match event {
                            None => x,
                            Some(e) => {
                                drawer.gather(lanes, i, draws);
                                f64::from(u8::from(e.happens(x, draws, &all_on)))
                            }
                        };
                        *key = ordered_bits(x);
                    }
                }
                t += n;
            }
        },
    );
    columns
}

/// The draw of risk event input `k` that makes the risk happen (`true`) or not: 1 or 0 for a
/// Bernoulli occurrence; for one that levers make less likely (a uniform, `RiskEvent`), the end
/// of the uniform that decides it whatever the multipliers.
fn event_draw(model: &Model, k: usize, happens: bool) -> f64 {
    let event = model
        .risk_models
        .iter()
        .find(|r| r.occurs == k)
        .and_then(|r| r.event.as_ref());
    match event {
        None => f64::from(u8::from(happens)),
        Some(e) => f64::from(u8::from(happens == e.flipped)),
    }
}

/// Ranks 1..=n of `values`, tied values sharing the average of the ranks they span.
pub fn average_ranks(values: &[f64]) -> Vec<f64> {
    let keys: Vec<u64> = values.iter().map(|&v| ordered_bits(v)).collect();
    let mut ranks = vec![0.0; values.len()];
    for_each_tie(&keys, &mut SortBuffers::default(), |rank, members| {
        for &t in members {
            ranks[t as usize] = rank;
        }
    });
    ranks
}

/// Spearman's rank correlation of the values behind `keys` with the values whose average
/// ranks are `other_ranks`: the Pearson correlation of the two rank columns, walked in the
/// keys' order so that the ranks of `keys` are never stored.
fn rank_correlation(keys: &[u64], other_ranks: &[f32], buffers: &mut SortBuffers) -> f64 {
    let n = keys.len();
    if n < 2 {
        return 0.0;
    }
    let mid = (n as f64 + 1.0) / 2.0;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for_each_tie(keys, buffers, |rank, members| {
        let d = rank - mid;
        let s: f64 = members
            .iter()
            .map(|&t| f64::from(other_ranks[t as usize]) - mid)
            .sum();
        sxy += d * s;
        sxx += d * d * members.len() as f64;
    });
    let syy: f64 = other_ranks
        .iter()
        .map(|&r| (f64::from(r) - mid) * (f64::from(r) - mid))
        .sum();
    if sxx > 0.0 && syy > 0.0 {
        (sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0)
    } else {
        0.0
    }
}

/// Sort `keys` and call `each(average rank, members)` for every run of equal keys, in
/// ascending order; members are positions in `keys`.
fn for_each_tie(keys: &[u64], buffers: &mut SortBuffers, mut each: impl FnMut(f64, &[u32])) {
    sorted_positions(keys, buffers);
    let (order, tops) = (&buffers.order, &buffers.tops);
    let mut i = 0;
    while i < order.len() {
        // Equal keys have equal top bits: compare those (in order, in cache) first.
        let mut j = i + 1;
        while j < order.len()
            && tops[j] == tops[i]
            && keys[order[j] as usize] == keys[order[i] as usize]
        {
            j += 1;
        }
        // Ranks i+1..=j share their average.
        each((i + j + 1) as f64 / 2.0, &order[i..j]);
        i = j;
    }
}

/// The positions of `keys` in ascending order of key. A least-significant-digit radix sort on
/// the keys' top 32 bits (packed with the position into one word, 11 bits a pass, skipping the
/// digits every key shares), then a comparison sort of each run of equal top bits by the full
/// key: such runs are short and rare (the top bits hold the sign, the exponent and 20 bits of
/// mantissa), so this is a few times faster than sorting the full keys. The positions go to
/// `buffers.order`, each sorted key's top 32 bits to `buffers.tops`.
fn sorted_positions(keys: &[u64], buffers: &mut SortBuffers) {
    const BITS: u32 = 11;
    const BUCKETS: usize = 1 << BITS;
    // Bits 32..64 of a packed word: the key's top 32 bits.
    const SHIFTS: [u32; 3] = [32, 43, 54];
    let n = keys.len();
    let SortBuffers { a, b, order, tops } = buffers;
    a.clear();
    a.extend(
        keys.iter()
            .enumerate()
            .map(|(i, &k)| (k >> 32) << 32 | i as u64),
    );
    b.resize(n, 0);
    let digit = |w: u64, shift: u32| ((w >> shift) as usize) & (BUCKETS - 1);
    let mut counts = [[0u32; BUCKETS]; 3];
    for &w in a.iter() {
        for (c, &shift) in counts.iter_mut().zip(&SHIFTS) {
            c[digit(w, shift)] += 1;
        }
    }
    for (c, &shift) in counts.iter().zip(&SHIFTS) {
        if c.iter().any(|&x| x as usize == n) {
            continue;
        }
        let mut offset = [0usize; BUCKETS];
        let mut acc = 0;
        for (o, &x) in offset.iter_mut().zip(c.iter()) {
            *o = acc;
            acc += x as usize;
        }
        for &w in a.iter() {
            let slot = &mut offset[digit(w, shift)];
            b[*slot] = w;
            *slot += 1;
        }
        std::mem::swap(a, b);
    }
    order.clear();
    order.extend(a.iter().map(|&w| w as u32));
    let mut i = 0;
    while i < n {
        let top = a[i] >> 32;
        let mut j = i + 1;
        while j < n && a[j] >> 32 == top {
            j += 1;
        }
        if j - i > 1 {
            order[i..j].sort_unstable_by_key(|&p| keys[p as usize]);
        }
        i = j;
    }
    tops.clear();
    tops.extend(a.iter().map(|&w| (w >> 32) as u32));
}

/// Working memory of [`sorted_positions`], kept from one input to the next.
#[derive(Default)]
struct SortBuffers {
    a: Vec<u64>,
    b: Vec<u64>,
    order: Vec<u32>,
    tops: Vec<u32>,
}

/// The bits of `v` as an integer that orders as [`f64::total_cmp`] does, with −0 equal to +0
/// (so that the two zeros tie).
fn ordered_bits(v: f64) -> u64 {
    let v = if v == 0.0 { 0.0 } else { v };
    let bits = v.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

/// Pearson correlation of two equally long columns; 0 when either does not vary.
pub fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    if x.len() < 2 {
        return 0.0;
    }
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (&a, &b) in x.iter().zip(y) {
        let (da, db) = (a - mx, b - my);
        sxy += da * db;
        sxx += da * da;
        syy += db * db;
    }
    if sxx > 0.0 && syy > 0.0 {
        (sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0)
    } else {
        0.0
    }
}

/// Mean NPV of the trials whose input value is at or below `lo`, and of those at or above `hi`
/// (`keys` are the input's [`ordered_bits`]).
fn tail_means(keys: &[u64], npv: &[f64], lo: f64, hi: f64) -> (Option<f64>, Option<f64>) {
    let (lo, hi) = (ordered_bits(lo), ordered_bits(hi));
    let (mut sum_lo, mut n_lo, mut sum_hi, mut n_hi) = (0.0, 0usize, 0.0, 0usize);
    for (&x, &v) in keys.iter().zip(npv) {
        if x <= lo {
            sum_lo += v;
            n_lo += 1;
        }
        if x >= hi {
            sum_hi += v;
            n_hi += 1;
        }
    }
    let mean = |s: f64, n: usize| (n > 0).then(|| s / n as f64);
    (mean(sum_lo, n_lo), mean(sum_hi, n_hi))
}

/// The base case with each varying input, one at a time, at its 10th and its 90th percentile
/// (a risk event: off and on), every other input at its base value; largest swing first.
/// Correlations are not applied: the other inputs stay at base whatever this one is.
pub fn tornado(model: &Model) -> Vec<TornadoBar> {
    let base = model.base_draws();
    let mut bars: Vec<TornadoBar> = varying_inputs(model)
        .par_iter()
        .map_init(
            || (Scratch::new(model), base.clone()),
            |(scratch, draws), &(k, event)| {
                let (low, high) = if event { (0.0, 1.0) } else { deciles(model, k) };
                // A risk event's draws: off, then on.
                let (draw_low, draw_high) = if event {
                    (event_draw(model, k, false), event_draw(model, k, true))
                } else {
                    (low, high)
                };
                let mut npv_at = |v: f64| {
                    draws[k] = v;
                    let npv = model.evaluate_all_but_irr(draws, scratch).npv;
                    draws[k] = base[k];
                    npv
                };
                let (npv_at_low, npv_at_high) = (npv_at(draw_low), npv_at(draw_high));
                TornadoBar {
                    input: model.inputs[k].name.clone(),
                    low_value: low,
                    high_value: high,
                    npv_at_low,
                    npv_at_high,
                    swing: (npv_at_high - npv_at_low).abs(),
                }
            },
        )
        .collect();
    bars.sort_by(|a, b| b.swing.total_cmp(&a.swing));
    bars
}

#[cfg(test)]
mod tests;
