//! Turning a distribution into numbers: every input is sampled by its inverse CDF from one
//! uniform number per trial.
//!
//! Why inverse CDF: one uniform per input and trial makes the random stream of an input depend
//! only on (seed, input name, trial) — comparisons between scenario versions then share draws —
//! and truncation becomes exact (`u` is mapped into `[F(lo), F(hi)]`). PERT and Beta, whose
//! quantile function has no closed form, use a monotone table built once per input.

use statrs::function::erf::{erf, erfc_inv};

use super::Dist;

mod quantile_table;

use quantile_table::*;

/// A compiled distribution: `quantile(u)` maps a uniform `u ∈ (0, 1)` to a value.
#[derive(Debug, Clone)]
pub struct Sampler {
    kind: Kind,
    /// Probability range `[u_lo, u_hi]` kept after truncation (0, 1 without truncation).
    u_lo: f64,
    u_span: f64,
    /// Values kept by truncation (infinite without). Draws are clamped into them: `u_lo` and
    /// `u_hi` are floating-point numbers (2^-53 apart near 1), so the first and last draws of
    /// the range can otherwise fall a few ulps outside.
    lo: f64,
    hi: f64,
    /// The base-case value: mode of three-point distributions, median otherwise.
    base: f64,
}

#[derive(Debug, Clone)]
enum Kind {
    Fixed(f64),
    Uniform {
        min: f64,
        width: f64,
    },
    Triangular {
        min: f64,
        max: f64,
        mode: f64,
        split: f64,
    },
    Normal {
        mean: f64,
        sd: f64,
    },
    LogNormal {
        mu: f64,
        sigma: f64,
    },
    /// PERT and Beta: a tabulated quantile function.
    Table(Box<QuantileTable>),
    Discrete {
        values: Box<[f64]>,
        cumulative: Box<[f64]>,
    },
    Bernoulli {
        p: f64,
    },
}

fn std_normal_cdf(z: f64) -> f64 {
    0.5 * (1.0 + erf(z / std::f64::consts::SQRT_2))
}

fn std_normal_quantile(u: f64) -> f64 {
    -std::f64::consts::SQRT_2 * erfc_inv(2.0 * u)
}

impl Kind {
    fn quantile(&self, u: f64) -> f64 {
        match self {
            Kind::Fixed(v) => *v,
            Kind::Uniform { min, width } => min + width * u,
            Kind::Triangular {
                min,
                max,
                mode,
                split,
            } => {
                if u < *split {
                    min + (u * (max - min) * (mode - min)).sqrt()
                } else {
                    max - ((1.0 - u) * (max - min) * (max - mode)).sqrt()
                }
            }
            Kind::Normal { mean, sd } => mean + sd * std_normal_quantile(u),
            Kind::LogNormal { mu, sigma } => (mu + sigma * std_normal_quantile(u)).exp(),
            Kind::Table(table) => table.quantile(u),
            Kind::Discrete { values, cumulative } => {
                let i = cumulative.partition_point(|&c| c < u).min(values.len() - 1);
                values[i]
            }
            Kind::Bernoulli { p } => {
                if u < *p {
                    1.0
                } else {
                    0.0
                }
            }
        }
    }

    fn cdf(&self, x: f64) -> f64 {
        match self {
            Kind::Fixed(v) => {
                if x >= *v {
                    1.0
                } else {
                    0.0
                }
            }
            Kind::Uniform { min, width } => ((x - min) / width).clamp(0.0, 1.0),
            Kind::Triangular { min, max, mode, .. } => {
                if x <= *min {
                    0.0
                } else if x >= *max {
                    1.0
                } else if x <= *mode {
                    (x - min).powi(2) / ((max - min) * (mode - min))
                } else {
                    1.0 - (max - x).powi(2) / ((max - min) * (max - mode))
                }
            }
            Kind::Normal { mean, sd } => std_normal_cdf((x - mean) / sd),
            Kind::LogNormal { mu, sigma } => {
                if x <= 0.0 {
                    0.0
                } else {
                    std_normal_cdf((x.ln() - mu) / sigma)
                }
            }
            Kind::Table(table) => table.cdf(x),
            Kind::Discrete { values, cumulative } => values
                .iter()
                .zip(cumulative.iter())
                .filter(|(v, _)| **v <= x)
                .map(|(_, c)| *c)
                .fold(0.0, f64::max),
            Kind::Bernoulli { p } => {
                if x < 0.0 {
                    0.0
                } else if x < 1.0 {
                    1.0 - p
                } else {
                    1.0
                }
            }
        }
    }
}

/// The median of a discrete distribution given as (value, weight) pairs in ascending value
/// order, over the values kept by `truncate`: the first value whose running weight S (added in
/// that order, from 0) reaches half the total weight W of the kept values, S >= W / 2. A tie
/// (S exactly W / 2) takes the lower value. Stated in the pairs' own floating-point sums, so
/// that the rule can be followed to the bit (docs/MODEL.md, section 7).
fn weighted_median(pairs: &[(f64, f64)], truncate: Option<(f64, f64)>) -> f64 {
    let (lo, hi) = truncate.unwrap_or((f64::NEG_INFINITY, f64::INFINITY));
    let kept = || pairs.iter().filter(move |(v, _)| lo <= *v && *v <= hi);
    let total: f64 = kept().map(|p| p.1).sum();
    let mut running = 0.0;
    for &(v, w) in kept() {
        running += w;
        if running >= total / 2.0 {
            return v;
        }
    }
    // Nothing kept (the reader refuses such a cut) or a NaN weight: the middle of the values.
    pairs.get(pairs.len() / 2).map_or(0.0, |p| p.0)
}

impl Sampler {
    /// Compile a validated distribution (with optional truncation) into a sampler.
    pub fn new(dist: &Dist, truncate: Option<(f64, f64)>) -> Sampler {
        let mut mode = None;
        let mut discrete_median = None;
        let kind = match dist {
            Dist::Fixed(v) => Kind::Fixed(*v),
            Dist::Uniform { min, max } => Kind::Uniform {
                min: *min,
                width: max - min,
            },
            Dist::Triangular { min, mode: m, max } => {
                mode = Some(*m);
                if max > min {
                    Kind::Triangular {
                        min: *min,
                        max: *max,
                        mode: *m,
                        split: (m - min) / (max - min),
                    }
                } else {
                    Kind::Fixed(*m)
                }
            }
            Dist::Pert {
                min,
                mode: m,
                max,
                shape,
            } => {
                mode = Some(*m);
                if max > min {
                    let a = 1.0 + shape * (m - min) / (max - min);
                    let b = 1.0 + shape * (max - m) / (max - min);
                    Kind::Table(Box::new(QuantileTable::beta(a, b, *min, max - min)))
                } else {
                    Kind::Fixed(*m)
                }
            }
            Dist::Normal { mean, sd } => Kind::Normal {
                mean: *mean,
                sd: *sd,
            },
            Dist::LogNormal { mu, sigma } => Kind::LogNormal {
                mu: *mu,
                sigma: *sigma,
            },
            // Beta(1, 1) is the uniform distribution: exact, and no table.
            Dist::Beta { alpha, beta } if *alpha == 1.0 && *beta == 1.0 => Kind::Uniform {
                min: 0.0,
                width: 1.0,
            },
            Dist::Beta { alpha, beta } => {
                Kind::Table(Box::new(QuantileTable::beta(*alpha, *beta, 0.0, 1.0)))
            }
            Dist::Discrete { values, weights } => {
                // Ascending value order (ties keep file order): the inverse CDF of a rank, so
                // a higher uniform never gives a lower value (rank correlations need that).
                let mut pairs: Vec<(f64, f64)> = values
                    .iter()
                    .copied()
                    .zip(weights.iter().copied())
                    .collect();
                pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
                let total: f64 = pairs.iter().map(|p| p.1).sum();
                let mut acc = 0.0;
                let cumulative: Vec<f64> = pairs
                    .iter()
                    .map(|(_, w)| {
                        acc += w / total;
                        acc
                    })
                    .collect();
                discrete_median = Some(weighted_median(&pairs, truncate));
                Kind::Discrete {
                    values: pairs.iter().map(|p| p.0).collect(),
                    cumulative: cumulative.into_boxed_slice(),
                }
            }
            Dist::Bernoulli { p } => Kind::Bernoulli { p: *p },
        };
        let ((u_lo, u_hi), (lo, hi)) = match truncate {
            Some((lo, hi)) => {
                // Probability just below `lo` so that an atom at `lo` is kept.
                let below = if lo.is_finite() {
                    kind.cdf(lo - f64::EPSILON * lo.abs().max(1.0))
                } else {
                    0.0
                };
                let upto = if hi.is_finite() { kind.cdf(hi) } else { 1.0 };
                if upto > below {
                    ((below, upto), (lo, hi))
                } else {
                    ((0.0, 1.0), (f64::NEG_INFINITY, f64::INFINITY))
                }
            }
            None => ((0.0, 1.0), (f64::NEG_INFINITY, f64::INFINITY)),
        };
        let mut sampler = Sampler {
            kind,
            u_lo,
            u_span: u_hi - u_lo,
            lo,
            hi,
            base: 0.0,
        };
        sampler.base = match (mode, truncate, discrete_median) {
            (Some(m), Some((lo, hi)), _) => m.clamp(lo, hi),
            (Some(m), None, _) => m,
            (None, _, Some(median)) => median,
            // A truncated Beta's median, F⁻¹((F(lo) + F(hi)) / 2), solved exactly rather than
            // read from the table (within 1e-8 of its width): the base case is reproducible
            // from the documented rule to the last digits.
            (None, Some((lo, hi)), None) if matches!(sampler.kind, Kind::Table(_)) => {
                let Kind::Table(table) = &sampler.kind else {
                    unreachable!("matched just above")
                };
                let f = |x: f64| {
                    if x.is_finite() {
                        table.exact_cdf(x).clamp(0.0, 1.0)
                    } else if x > 0.0 {
                        1.0
                    } else {
                        0.0
                    }
                };
                table.exact_quantile((f(lo) + f(hi)) / 2.0)
            }
            _ => sampler.quantile(0.5),
        };
        if let Some((lo, hi)) = truncate {
            sampler.base = sampler.base.clamp(lo, hi);
        }
        sampler
    }

    /// The value for a uniform `u ∈ (0, 1)`.
    #[inline]
    pub fn quantile(&self, u: f64) -> f64 {
        let u = self.u_lo + self.u_span * u;
        // Tables (PERT, Beta) inline, the rest behind a call: in a loop over one input's
        // draws the table lookups then overlap with each other.
        let x = match &self.kind {
            Kind::Table(table) => table.quantile(u),
            kind => kind.quantile(u),
        };
        // Comparisons rather than `f64::clamp`: one instruction each.
        let x = if x < self.lo { self.lo } else { x };
        if x > self.hi { self.hi } else { x }
    }

    /// Replace each uniform of `values` by its value, `quantile(u)` to the bit: the engine
    /// draws an input for a lane of trials at a time. PERT and Beta tables go four values per
    /// step on x86-64 with AVX2 (checked at run time), with the same operations in the same
    /// order (AVX2 brings no fused multiply-add).
    #[inline]
    pub fn quantiles_in_place(&self, values: &mut [f64]) {
        #[cfg(target_arch = "x86_64")]
        if let Kind::Table(table) = &self.kind
            && std::arch::is_x86_feature_detected!("avx2")
        {
            // SAFETY: the processor has AVX2 (checked just above).
            unsafe { self.table_quantiles_avx2(table, values) };
            return;
        }
        self.quantiles_in_place_portable(values);
    }

    /// [`quantiles_in_place`](Self::quantiles_in_place) for uniforms that stand for ranks, as
    /// the correlated draws' do: the value never falls as `u` rises, whatever the distribution.
    /// That is `quantile(u)` for every distribution but Bernoulli, whose independent draws
    /// count `u < p` as the event (kept, so a seed keeps drawing what it always drew), which
    /// would turn a positive rank correlation into a negative one. Here the event is the top
    /// `p` of the ranks: `quantile(1 − u)`.
    pub fn rank_quantiles_in_place(&self, values: &mut [f64]) {
        if matches!(self.kind, Kind::Bernoulli { .. }) {
            for v in values.iter_mut() {
                *v = self.quantile(1.0 - *v);
            }
            return;
        }
        self.quantiles_in_place(values);
    }

    #[inline(always)]
    fn quantiles_in_place_portable(&self, values: &mut [f64]) {
        for v in values {
            *v = self.quantile(*v);
        }
    }

    /// [`quantiles_in_place`](Self::quantiles_in_place) for a table, four values per AVX2
    /// register: [`QuantileTable::quantile`]'s steps on four lanes, the octaves gathered and
    /// the four pieces loaded and transposed, then the same Horner steps and clamps. A group
    /// of four with a value outside the table (only `u = 1/2` exactly, or the far tails that
    /// truncation can reach) goes through the scalar path.
    ///
    /// # Safety
    /// The processor must support AVX2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn table_quantiles_avx2(&self, table: &QuantileTable, values: &mut [f64]) {
        use std::arch::x86_64::*;
        let (u_lo, u_span) = (_mm256_set1_pd(self.u_lo), _mm256_set1_pd(self.u_span));
        let (lo, hi) = (_mm256_set1_pd(self.lo), _mm256_set1_pd(self.hi));
        let one = _mm256_set1_pd(1.0);
        let half = _mm256_set1_pd(0.5);
        let top_octave = _mm256_set1_epi64x(1021);
        let octaves = _mm256_set1_epi64x(OCTAVES as i64);
        let minus_one = _mm256_set1_epi64x(-1);
        let mantissa_mask = _mm256_set1_epi64x(MANTISSA as i64);
        let t_mask = _mm256_set1_epi64x(T_MASK as i64);
        let one_bits = _mm256_set1_epi64x(ONE as i64);
        let low32 = _mm256_set1_epi64x(0xFFFF_FFFF);
        let fifty_two = _mm256_set1_epi64x(52);
        let upper_bit = _mm256_set1_epi64x(1);
        let pieces = &table.pieces;
        let n = values.len();
        let mut i = 0;
        while i + 4 <= n {
            // SAFETY: i + 4 <= n: reads values[i..i + 4].
            let u = unsafe { _mm256_loadu_pd(values.as_ptr().add(i)) };
            let u = _mm256_add_pd(u_lo, _mm256_mul_pd(u_span, u));
            let upper = _mm256_castpd_si256(_mm256_cmp_pd::<_CMP_GT_OQ>(u, half));
            let w = _mm256_sub_pd(one, u);
            let v = _mm256_blendv_pd(u, w, _mm256_cmp_pd::<_CMP_LT_OQ>(w, u));
            let bits = _mm256_castpd_si256(v);
            let octave = _mm256_sub_epi64(top_octave, _mm256_srli_epi64::<52>(bits));
            let inside = _mm256_and_si256(
                _mm256_cmpgt_epi64(octaves, octave),
                _mm256_cmpgt_epi64(octave, minus_one),
            );
            if _mm256_movemask_pd(_mm256_castsi256_pd(inside)) != 0b1111 {
                self.quantiles_in_place_portable(&mut values[i..i + 4]);
                i += 4;
                continue;
            }
            // SAFETY: every lane of `octave` is in 0..OCTAVES (checked just above), and an
            // `Octave` is one aligned 64-bit word.
            let octave = unsafe {
                _mm256_i64gather_epi64::<8>(table.octaves.as_ptr().cast::<i64>(), octave)
            };
            let first = _mm256_and_si256(octave, low32);
            let shift = _mm256_srli_epi64::<32>(octave);
            let mantissa = _mm256_and_si256(bits, mantissa_mask);
            let step = _mm256_srlv_epi64(mantissa, _mm256_sub_epi64(fifty_two, shift));
            let t = _mm256_and_si256(_mm256_sllv_epi64(mantissa, shift), t_mask);
            let t = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(t, one_bits)), one);
            let index = _mm256_or_si256(
                _mm256_slli_epi64::<1>(_mm256_add_epi64(first, step)),
                _mm256_and_si256(upper, upper_bit),
            );
            let mut at = [0u64; 4];
            // SAFETY: writes four 64-bit lanes into `at`.
            unsafe { _mm256_storeu_si256(at.as_mut_ptr().cast(), index) };
            // Rows: a piece's c[0..4], then c[4], c[5], lo, hi.
            let piece = |k: usize| -> (__m256d, __m256d) {
                let p = &pieces[at[k] as usize];
                // SAFETY: a `Piece` is eight contiguous f64 (`repr(C)`): c[0..6], lo, hi.
                unsafe {
                    let base = (p as *const Piece).cast::<f64>();
                    (_mm256_loadu_pd(base), _mm256_loadu_pd(base.add(4)))
                }
            };
            let (a0, b0) = piece(0);
            let (a1, b1) = piece(1);
            let (a2, b2) = piece(2);
            let (a3, b3) = piece(3);
            let [c0, c1, c2, c3] = transpose(a0, a1, a2, a3);
            let [c4, c5, p_lo, p_hi] = transpose(b0, b1, b2, b3);
            let y = _mm256_add_pd(c4, _mm256_mul_pd(t, c5));
            let y = _mm256_add_pd(c3, _mm256_mul_pd(t, y));
            let y = _mm256_add_pd(c2, _mm256_mul_pd(t, y));
            let y = _mm256_add_pd(c1, _mm256_mul_pd(t, y));
            let y = _mm256_add_pd(c0, _mm256_mul_pd(t, y));
            // `max(a, b)` is `a > b ? a : b` and `min(a, b)` is `a < b ? a : b`: the scalar
            // comparisons, NaN included.
            let y = _mm256_min_pd(p_hi, _mm256_max_pd(p_lo, y));
            let x = _mm256_min_pd(hi, _mm256_max_pd(lo, y));
            // SAFETY: i + 4 <= n: writes values[i..i + 4].
            unsafe { _mm256_storeu_pd(values.as_mut_ptr().add(i), x) };
            i += 4;
        }
        self.quantiles_in_place_portable(&mut values[i..]);
    }

    /// The base-case value: the mode of triangular and PERT inputs (clamped into a truncation,
    /// which makes it the truncated distribution's mode), the median otherwise (so a Bernoulli
    /// event happens in the base case only if p > 0.5; a discrete input's is the weighted
    /// median in ascending value order, see `weighted_median`).
    pub fn base_value(&self) -> f64 {
        self.base
    }

    /// True when every draw is the same number (no random stream needed).
    pub fn is_fixed(&self) -> bool {
        matches!(self.kind, Kind::Fixed(_))
    }
}

/// Rows to columns: `[r0[k], r1[k], r2[k], r3[k]]` for k = 0..4.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn transpose(
    r0: std::arch::x86_64::__m256d,
    r1: std::arch::x86_64::__m256d,
    r2: std::arch::x86_64::__m256d,
    r3: std::arch::x86_64::__m256d,
) -> [std::arch::x86_64::__m256d; 4] {
    use std::arch::x86_64::*;
    let (t0, t1) = (_mm256_unpacklo_pd(r0, r1), _mm256_unpackhi_pd(r0, r1));
    let (t2, t3) = (_mm256_unpacklo_pd(r2, r3), _mm256_unpackhi_pd(r2, r3));
    [
        _mm256_permute2f128_pd::<0x20>(t0, t2),
        _mm256_permute2f128_pd::<0x20>(t1, t3),
        _mm256_permute2f128_pd::<0x31>(t0, t2),
        _mm256_permute2f128_pd::<0x31>(t1, t3),
    ]
}

#[cfg(test)]
mod tests;
