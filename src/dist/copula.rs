//! Correlated inputs: Spearman rank correlations applied through a Gaussian copula.
//!
//! A scenario may say that two uncertain inputs tend to move together (`[[correlations]]`,
//! with a rank correlation ρ_s). Every input still draws its own keyed uniform u
//! (`engine::random`). For the inputs of a correlated *block* the uniforms are turned into
//! standard normals z = Φ⁻¹(u), mixed with the Cholesky factor L of the block's normal-space
//! correlation matrix (Pearson ρ = 2 sin(π ρ_s / 6), the Pearson correlation a bivariate normal
//! needs for rank correlation ρ_s), and turned back into uniforms Φ((Lz)_i) that the samplers
//! map to values exactly as before. So every input keeps its own distribution, and two
//! continuous inputs get rank correlation ρ_s whatever their distributions.
//!
//! A block is a connected group of the correlation graph; its members are ordered by stable
//! name, so the draws do not depend on the order of the file. A member whose row of L is the
//! identity (the first member, and any member not correlated with the members before it)
//! keeps its uniform bit for bit, and inputs outside every block are never touched. Pairs
//! inside a block that the scenario does not list are uncorrelated in normal space.
//!
//! The same functions check a scenario's correlations when it is read (`scenario::parse`) and
//! build the blocks when it is compiled, so what validation accepts the engine can factor.

use std::collections::HashMap;
use std::f64::consts::{PI, SQRT_2};

use statrs::function::erf::{erfc, erfc_inv};

/// Most inputs one block of correlated inputs may hold (each trial costs O(members²) there).
pub const MAX_BLOCK: usize = 200;

/// Smallest uniform handed to a sampler: 2⁻⁵⁴, the smallest keyed uniform.
const U_MIN: f64 = 1.0 / (1u64 << 54) as f64;
/// Largest uniform handed to a sampler: 1 − 2⁻⁵³, the largest double below 1.
const U_MAX: f64 = 1.0 - f64::EPSILON / 2.0;

/// A pivot of the factorisation within this of zero counts as zero: the matrix is singular
/// there, as with a rank correlation of exactly ±1 (two inputs always in the same order).
const SINGULAR: f64 = 1e-9;
/// Under a zero pivot, the rest of its column must vanish to this tolerance (otherwise the
/// matrix is not positive semi-definite).
const RESIDUAL: f64 = 1e-6;

/// Largest set of inputs searched for the smallest conflicting subset (the search is O(n⁴)).
const MAX_SEARCH: usize = 60;

/// The Pearson correlation of two standard normals whose rank (Spearman) correlation is
/// `rank`: 2 sin(π ρ_s / 6). Exactly ±1 at ±1.
pub fn pearson_from_rank(rank: f64) -> f64 {
    if rank >= 1.0 {
        1.0
    } else if rank <= -1.0 {
        -1.0
    } else {
        2.0 * (PI * rank / 6.0).sin()
    }
}

/// Φ, the standard normal CDF (through erfc, accurate in the lower tail).
pub fn normal_cdf(z: f64) -> f64 {
    0.5 * erfc(-z / SQRT_2)
}

/// Φ⁻¹, the standard normal quantile, for u in (0, 1).
pub fn normal_quantile(u: f64) -> f64 {
    -SQRT_2 * erfc_inv(2.0 * u)
}

/// Lower-triangular Cholesky factor L (row-major, n × n, L Lᵀ = A) of a symmetric matrix `a`
/// with unit diagonal, when it is positive semi-definite.
///
/// A pivot within `SINGULAR` of zero is taken as zero (the rest of its column must then
/// vanish) and its row is rescaled to unit length, so every row of L keeps unit length and
/// (Lz)_i stays a standard normal. `Err(k)` when it is not positive semi-definite: the leading
/// block of rows and columns `0..=k` already is not.
pub fn cholesky(a: &[f64], n: usize) -> Result<Vec<f64>, usize> {
    debug_assert_eq!(a.len(), n * n);
    let mut l = vec![0.0; n * n];
    for k in 0..n {
        let d = a[k * n + k] - (0..k).map(|j| l[k * n + j] * l[k * n + j]).sum::<f64>();
        if d.is_nan() || d < -SINGULAR {
            return Err(k);
        }
        let pivot = if d > SINGULAR { d.sqrt() } else { 0.0 };
        l[k * n + k] = pivot;
        for i in k + 1..n {
            let s = a[i * n + k] - (0..k).map(|j| l[i * n + j] * l[k * n + j]).sum::<f64>();
            if pivot > 0.0 {
                l[i * n + k] = s / pivot;
            } else if s.is_nan() || s.abs() > RESIDUAL {
                return Err(i);
            }
        }
        if pivot == 0.0 {
            let norm = (0..k)
                .map(|j| l[k * n + j] * l[k * n + j])
                .sum::<f64>()
                .sqrt();
            if norm > 0.0 {
                for j in 0..k {
                    l[k * n + j] /= norm;
                }
            }
        }
    }
    Ok(l)
}

/// The sub-matrix of `a` (n × n) on the rows and columns `keep`.
fn submatrix(a: &[f64], n: usize, keep: &[usize]) -> Vec<f64> {
    keep.iter()
        .flat_map(|&i| keep.iter().map(move |&j| a[i * n + j]))
        .collect()
}

/// A set of indices, as small as a greedy search finds, whose sub-matrix is not positive
/// semi-definite; `a` must not be. Starts from the leading block that fails and drops every
/// index the conflict does not need.
pub fn conflict(a: &[f64], n: usize) -> Vec<usize> {
    let Err(last) = cholesky(a, n) else {
        return Vec::new();
    };
    let mut keep: Vec<usize> = (0..=last).collect();
    if keep.len() > MAX_SEARCH {
        return keep;
    }
    let mut i = 0;
    while i < keep.len() {
        let mut fewer = keep.clone();
        fewer.remove(i);
        if cholesky(&submatrix(a, n, &fewer), fewer.len()).is_err() {
            keep = fewer;
        } else {
            i += 1;
        }
    }
    keep
}

/// Inputs linked by correlations, with the factor that mixes their normals.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// The members (ids chosen by the caller), ordered by stable name.
    pub members: Vec<usize>,
    /// Lower-triangular factor, row-major, `members.len()` squared.
    factor: Vec<f64>,
    /// Rows of the factor that are exactly the identity: those members keep their uniform.
    keep: Vec<bool>,
}

/// Why a group of correlated inputs cannot be used.
#[derive(Debug, Clone, PartialEq)]
pub enum BlockError {
    /// More than [`MAX_BLOCK`] inputs linked together (all of them, in name order).
    TooLarge(Vec<usize>),
    /// The correlations cannot hold together (the matrix is not positive semi-definite): the
    /// inputs of a small conflicting subset, in name order.
    Inconsistent(Vec<usize>),
}

/// Group the correlated pairs `(a, b, rank)` into blocks (connected groups) and factor each.
///
/// `name(id)` is an input's stable name: members are ordered by it, and blocks by their first
/// member, so the result does not depend on the order of `pairs`. Pairs must link distinct
/// ids, each pair once.
pub fn blocks<'n>(
    pairs: &[(usize, usize, f64)],
    name: impl Fn(usize) -> &'n str,
) -> Vec<Result<Block, BlockError>> {
    // Union-find over the ids that appear.
    let mut parent: HashMap<usize, usize> = HashMap::new();
    fn root(parent: &mut HashMap<usize, usize>, x: usize) -> usize {
        let mut r = x;
        while let Some(&p) = parent.get(&r) {
            if p == r {
                break;
            }
            r = p;
        }
        // Path compression.
        let mut y = x;
        while y != r {
            let next = parent[&y];
            parent.insert(y, r);
            y = next;
        }
        r
    }
    for &(a, b, _) in pairs {
        parent.entry(a).or_insert(a);
        parent.entry(b).or_insert(b);
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        if ra != rb {
            parent.insert(ra, rb);
        }
    }
    let ids: Vec<usize> = parent.keys().copied().collect();
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for id in ids {
        let r = root(&mut parent, id);
        groups.entry(r).or_default().push(id);
    }
    let by_name = |a: &usize, b: &usize| name(*a).cmp(name(*b)).then(a.cmp(b));
    let mut groups: Vec<Vec<usize>> = groups.into_values().collect();
    for g in &mut groups {
        g.sort_by(by_name);
    }
    groups.sort_by(|a, b| by_name(&a[0], &b[0]));

    groups
        .into_iter()
        .map(|members| {
            let m = members.len();
            if m > MAX_BLOCK {
                return Err(BlockError::TooLarge(members));
            }
            let pos: HashMap<usize, usize> =
                members.iter().enumerate().map(|(i, &id)| (id, i)).collect();
            let mut a = vec![0.0; m * m];
            for i in 0..m {
                a[i * m + i] = 1.0;
            }
            for &(x, y, rank) in pairs {
                if let (Some(&i), Some(&j)) = (pos.get(&x), pos.get(&y)) {
                    let rho = pearson_from_rank(rank);
                    a[i * m + j] = rho;
                    a[j * m + i] = rho;
                }
            }
            match cholesky(&a, m) {
                Ok(factor) => {
                    let keep = (0..m)
                        .map(|r| {
                            (0..=r).all(|c| factor[r * m + c] == if c == r { 1.0 } else { 0.0 })
                        })
                        .collect();
                    Ok(Block {
                        members,
                        factor,
                        keep,
                    })
                }
                Err(_) => Err(BlockError::Inconsistent(
                    conflict(&a, m).into_iter().map(|i| members[i]).collect(),
                )),
            }
        })
        .collect()
}

impl Block {
    /// Number of inputs in the block.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// True for a block without members (never built by [`blocks`]).
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// Turn independent uniforms of the block's members into correlated ones, in place:
    /// `values[r * stride + i]` is member `r` in trial `i`, for `i < n`. The results lie in
    /// [2⁻⁵⁴, 1 − 2⁻⁵³], inside the open interval every sampler accepts.
    pub fn correlate(&self, values: &mut [f64], stride: usize, n: usize) {
        let m = self.members.len();
        debug_assert!(n <= stride && values.len() >= m.saturating_sub(1) * stride + n);
        let mut z = [0.0f64; MAX_BLOCK];
        for i in 0..n {
            for (r, zr) in z[..m].iter_mut().enumerate() {
                *zr = normal_quantile(values[r * stride + i].clamp(U_MIN, U_MAX));
            }
            for r in 0..m {
                if self.keep[r] {
                    continue;
                }
                let row = &self.factor[r * m..r * m + r + 1];
                let s: f64 = row.iter().zip(&z[..=r]).map(|(l, z)| l * z).sum();
                values[r * stride + i] = normal_cdf(s).clamp(U_MIN, U_MAX);
            }
        }
    }
}

#[cfg(test)]
mod tests;
