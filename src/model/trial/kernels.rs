//! The month loop's kernels: the realised share of a capability, the scaled sums and dot
//! products that build and discount benefit rows, the net flows four months at a time and the
//! two running balances. Each is written once as plain four-lane Rust (`*_portable`) and, where
//! it pays, compiled again for SSE2/AVX with the same operations in the same order, so every
//! build gives the same bits.

use crate::finance;

use super::QualityRows;

/// `row[t] = scale · Σ_g w_g · adoption_g(t − lag)` (zero for t < lag): the realised share
/// A_c(t) of a capability used by `groups` (group index, seat weight), times `scale`. One pass
/// for the usual single-group capability; with several groups the weighted rows are added in
/// group order from 0.0 and the last pass scales.
#[inline]
pub(super) fn realised_share(
    row: &mut [f64],
    lag: usize,
    groups: &[(usize, f64)],
    rows: QualityRows,
    scale: f64,
) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") {
        // SAFETY: the processor has AVX (checked just above).
        return unsafe { realised_share_avx(row, lag, groups, rows, scale) };
    }
    realised_share_portable(row, lag, groups, rows, scale)
}

crate::simd::avx_build_of! {
    /// [`realised_share`] compiled with AVX: four months per instruction, the same operations.
    realised_share_avx = realised_share_portable(
        row: &mut [f64],
        lag: usize,
        groups: &[(usize, f64)],
        rows: QualityRows,
        scale: f64,
    )
}

/// [`realised_share`] for any processor.
#[inline(always)]
pub(super) fn realised_share_portable(
    row: &mut [f64],
    lag: usize,
    groups: &[(usize, f64)],
    rows: QualityRows,
    scale: f64,
) {
    let h = row.len();
    let lag = lag.min(h);
    let (before, after) = row.split_at_mut(lag);
    before.fill(0.0);
    match groups {
        [(g, w)] => {
            let k = w * scale;
            for (r, &a) in after.iter_mut().zip(rows.row(*g)) {
                *r = k * a;
            }
        }
        [(g0, w0), middle @ .., (gl, wl)] => {
            for (r, &a) in after.iter_mut().zip(rows.row(*g0)) {
                *r = 0.0 + w0 * a;
            }
            for &(g, w) in middle {
                for (r, &a) in after.iter_mut().zip(rows.row(g)) {
                    *r += w * a;
                }
            }
            for (r, &a) in after.iter_mut().zip(rows.row(*gl)) {
                *r = (*r + wl * a) * scale;
            }
        }
        [] => {
            for r in after.iter_mut() {
                *r = 0.0 * scale;
            }
        }
    }
}

/// Four consecutive values as an array (the chunk iterators below always yield four).
#[inline(always)]
pub(super) fn arr4(x: &[f64]) -> [f64; 4] {
    [x[0], x[1], x[2], x[3]]
}

/// `Σ a[t] · b[t]` in four interleaved partial sums (t mod 4) and the tail, added up in a fixed
/// order: a PV where no month total is wanted ([`super::Scratch::npv_only`]).
#[inline]
pub(super) fn dot(a: &[f64], b: &[f64]) -> f64 {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") {
        // SAFETY: the processor has AVX (checked just above).
        return unsafe { dot_avx(a, b) };
    }
    dot_portable(a, b)
}

crate::simd::avx_build_of! {
    /// [`dot`] compiled with AVX: the four lanes in one register, the same operations.
    dot_avx = dot_portable(a: &[f64], b: &[f64]) -> f64
}

/// [`dot`] for any processor.
#[inline(always)]
pub(super) fn dot_portable(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut sums = [0.0f64; 4];
    let (ac, bc) = (a.chunks_exact(4), b.chunks_exact(4));
    let mut tail = 0.0;
    for (x, y) in ac.remainder().iter().zip(bc.remainder()) {
        tail += x * y;
    }
    for (x, y) in ac.zip(bc) {
        for l in 0..4 {
            sums[l] += x[l] * y[l];
        }
    }
    ((sums[0] + sums[1]) + (sums[2] + sums[3])) + tail
}

/// Scale `row` by `share` (unless it is 1), add it into `acc`, and return `Σ row[t] · d[t]`
/// as `dot` in the tests sums it (four interleaved partial sums, t mod 4, then the tail): a
/// capability's benefit row after risk, into the month totals and its PV, in one pass.
#[inline]
pub(super) fn scale_add_dot(row: &mut [f64], share: f64, acc: &mut [f64], d: &[f64]) -> f64 {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") {
        // SAFETY: the processor has AVX (checked just above).
        return unsafe { scale_add_dot_avx(row, share, acc, d) };
    }
    scale_add_dot_portable(row, share, acc, d)
}

crate::simd::avx_build_of! {
    /// [`scale_add_dot`] compiled with AVX: the four lanes in one register, the same operations.
    scale_add_dot_avx = scale_add_dot_portable(
        row: &mut [f64],
        share: f64,
        acc: &mut [f64],
        d: &[f64],
    ) -> f64
}

/// [`scale_add_dot`] for any processor.
#[inline(always)]
pub(super) fn scale_add_dot_portable(
    row: &mut [f64],
    share: f64,
    acc: &mut [f64],
    d: &[f64],
) -> f64 {
    let n = row.len().min(acc.len()).min(d.len());
    let (row, acc, d) = (&mut row[..n], &mut acc[..n], &d[..n]);
    let scale = share != 1.0;
    let mut sums = [0.0f64; 4];
    let mut rc = row.chunks_exact_mut(4);
    let mut ac = acc.chunks_exact_mut(4);
    let mut dc = d.chunks_exact(4);
    for ((r, o), dx) in (&mut rc).zip(&mut ac).zip(&mut dc) {
        let (mut x, mut y, dx) = (arr4(r), arr4(o), arr4(dx));
        for l in 0..4 {
            if scale {
                x[l] *= share;
            }
            y[l] += x[l];
            sums[l] += x[l] * dx[l];
        }
        r.copy_from_slice(&x);
        o.copy_from_slice(&y);
    }
    let mut tail = 0.0;
    let rem = rc.into_remainder().iter_mut().zip(ac.into_remainder());
    for ((r, o), &dx) in rem.zip(dc.remainder()) {
        if scale {
            *r *= share;
        }
        *o += *r;
        tail += *r * dx;
    }
    ((sums[0] + sums[1]) + (sums[2] + sums[3])) + tail
}

/// `acc[t] += k · a[t]`, returning `Σ a[t] · d[t]` as four interleaved partial sums (t mod 4,
/// the tail folded into the first lanes) added up in a fixed order: a bucket's benefit added
/// into the month totals and its discounted sum, in one pass.
#[inline]
pub(super) fn add_scaled_and_dot(acc: &mut [f64], a: &[f64], k: f64, d: &[f64]) -> f64 {
    let n = acc.len().min(a.len()).min(d.len());
    let (acc, a, d) = (&mut acc[..n], &a[..n], &d[..n]);
    let mut sums = scaled4(acc, a, k, d);
    let whole = n / 4 * 4;
    for t in whole..n {
        acc[t] += k * a[t];
        sums[t - whole] += a[t] * d[t];
    }
    (sums[0] + sums[1]) + (sums[2] + sums[3])
}
/// `ln f`, with ln 1 = +0 taken without the call (months before a capability has any effect).
#[inline]
pub(super) fn ln_or_zero(f: f64) -> f64 {
    if f == 1.0 { 0.0 } else { f.ln() }
}

/// Split `total` among the capabilities `caps` in proportion to `weights` so that the parts
/// add up to `total` (the last part takes the rounding remainder; equal split when the weights
/// sum to zero), writing `out[c · h + t] = 0.0 + part`: each capability's row is written once
/// a month, so this is the part added into a zeroed row. A single capability takes the whole
/// `total` and its weight is not read.
#[inline]
pub(super) fn split_exact(
    total: f64,
    caps: &[usize],
    weights: &[f64],
    out: &mut [f64],
    t: usize,
    h: usize,
) {
    let n = caps.len();
    if let [c] = caps {
        out[c * h + t] = 0.0 + (total - 0.0);
        return;
    }
    let sum: f64 = weights[..n].iter().sum();
    let mut assigned = 0.0;
    for (k, (&c, &w)) in caps.iter().zip(weights).enumerate() {
        let part = if k + 1 == n {
            total - assigned
        } else if sum != 0.0 {
            total * (w / sum)
        } else {
            total / n as f64
        };
        assigned += part;
        out[c * h + t] = 0.0 + part;
    }
}

/// `total` to the first of the capabilities `caps` in month `t`, 0 to the others: the
/// rows' sum is `total` itself, for an evaluation that reads no row on its own
/// ([`super::Scratch::npv_only`]).
#[inline]
pub(super) fn all_to_first(total: f64, caps: &[usize], out: &mut [f64], t: usize, h: usize) {
    for (k, &c) in caps.iter().enumerate() {
        out[c * h + t] = if k == 0 { 0.0 + total } else { 0.0 };
    }
}

/// The four-month steps of [`month_pass`] over the first `h / 4 · 4` months (h: the length
/// of `benefits`; every slice at least that long): `net = b − c` and `discounted = net · d`
/// stored, and the four-lane sums (lane t mod 4) of `net · 0` (the NaN check), `net · d`,
/// `b · d` and `c · d`, in that order. On x86-64 two lanes per SSE2 register (always present
/// there): the same operations lane by lane, so the same bits as [`flows4_portable`].
#[cfg(target_arch = "x86_64")]
#[inline]
pub(super) fn flows4(
    benefits: &[f64],
    costs: &[f64],
    discount: &[f64],
    net: &mut [f64],
    discounted: &mut [f64],
) -> [[f64; 4]; 4] {
    if std::arch::is_x86_feature_detected!("avx") {
        // SAFETY: the processor has AVX (checked just above).
        return unsafe { flows4_avx(benefits, costs, discount, net, discounted) };
    }
    flows4_sse2(benefits, costs, discount, net, discounted)
}

crate::simd::avx_build_of! {
    /// [`flows4`] with AVX: [`flows4_portable`] compiled for it, whose four lanes are one AVX
    /// register (the same operations lane by lane, so the same bits).
    flows4_avx = flows4_portable(
        benefits: &[f64],
        costs: &[f64],
        discount: &[f64],
        net: &mut [f64],
        discounted: &mut [f64],
    ) -> [[f64; 4]; 4]
}

/// [`flows4`] with SSE2 (always present on x86-64), two lanes per register.
#[cfg(target_arch = "x86_64")]
#[inline]
pub(super) fn flows4_sse2(
    benefits: &[f64],
    costs: &[f64],
    discount: &[f64],
    net: &mut [f64],
    discounted: &mut [f64],
) -> [[f64; 4]; 4] {
    {
        use std::arch::x86_64::*;
        let h = benefits.len();
        assert!(costs.len() >= h && discount.len() >= h);
        assert!(net.len() >= h && discounted.len() >= h);
        let mut out = [[0.0f64; 4]; 4];
        // SAFETY: SSE2 is part of the x86-64 baseline; every load and store touches two of
        // the first h / 4 · 4 elements of slices at least h long (checked above).
        unsafe {
            let zero = _mm_setzero_pd();
            // acc[half][k]: lanes (2 · half, 2 · half + 1) of sum k.
            let mut acc = [[zero; 4]; 2];
            let (bp, cp, dp) = (benefits.as_ptr(), costs.as_ptr(), discount.as_ptr());
            let (np, dnp) = (net.as_mut_ptr(), discounted.as_mut_ptr());
            let mut t = 0;
            while t + 4 <= h {
                for (half, acc) in acc.iter_mut().enumerate() {
                    let i = t + 2 * half;
                    let (b, c, d) = (
                        _mm_loadu_pd(bp.add(i)),
                        _mm_loadu_pd(cp.add(i)),
                        _mm_loadu_pd(dp.add(i)),
                    );
                    let n = _mm_sub_pd(b, c);
                    let dn = _mm_mul_pd(n, d);
                    acc[0] = _mm_add_pd(acc[0], _mm_mul_pd(n, zero));
                    acc[1] = _mm_add_pd(acc[1], dn);
                    acc[2] = _mm_add_pd(acc[2], _mm_mul_pd(b, d));
                    acc[3] = _mm_add_pd(acc[3], _mm_mul_pd(c, d));
                    _mm_storeu_pd(np.add(i), n);
                    _mm_storeu_pd(dnp.add(i), dn);
                }
                t += 4;
            }
            for (k, lanes) in out.iter_mut().enumerate() {
                _mm_storeu_pd(lanes.as_mut_ptr(), acc[0][k]);
                _mm_storeu_pd(lanes.as_mut_ptr().add(2), acc[1][k]);
            }
        }
        out
    }
}

/// [`flows4`] elsewhere.
#[cfg(not(target_arch = "x86_64"))]
#[inline]
pub(super) fn flows4(
    benefits: &[f64],
    costs: &[f64],
    discount: &[f64],
    net: &mut [f64],
    discounted: &mut [f64],
) -> [[f64; 4]; 4] {
    flows4_portable(benefits, costs, discount, net, discounted)
}

/// [`flows4`] in plain Rust (other architectures, the AVX build, and the reference for the
/// SSE2 one).
#[inline(always)]
pub(super) fn flows4_portable(
    benefits: &[f64],
    costs: &[f64],
    discount: &[f64],
    net: &mut [f64],
    discounted: &mut [f64],
) -> [[f64; 4]; 4] {
    let [mut nan, mut npv, mut pvb, mut pvc] = [[0.0f64; 4]; 4];
    let inputs = benefits
        .chunks_exact(4)
        .zip(costs.chunks_exact(4))
        .zip(discount.chunks_exact(4));
    let outputs = net.chunks_exact_mut(4).zip(discounted.chunks_exact_mut(4));
    for (((b, c), d), (n_out, dn_out)) in inputs.zip(outputs) {
        let (b, c, d) = (arr4(b), arr4(c), arr4(d));
        let (mut n, mut dn) = ([0.0f64; 4], [0.0f64; 4]);
        for l in 0..4 {
            n[l] = b[l] - c[l];
            dn[l] = n[l] * d[l];
            nan[l] += n[l] * 0.0;
            npv[l] += dn[l];
            pvb[l] += b[l] * d[l];
            pvc[l] += c[l] * d[l];
        }
        n_out.copy_from_slice(&n);
        dn_out.copy_from_slice(&dn);
    }
    [nan, npv, pvb, pvc]
}

/// `acc[t] += k · a[t]` over the first `a.len() / 4 · 4` elements (every slice at least
/// that long), returning the four-lane sums (lane t mod 4) of `a[t] · d[t]`. On x86-64 two
/// lanes per SSE2 register: the same bits as [`scaled4_portable`].
#[cfg(target_arch = "x86_64")]
#[inline]
pub(super) fn scaled4(acc: &mut [f64], a: &[f64], k: f64, d: &[f64]) -> [f64; 4] {
    if std::arch::is_x86_feature_detected!("avx") {
        // SAFETY: the processor has AVX (checked just above).
        return unsafe { scaled4_avx(acc, a, k, d) };
    }
    scaled4_sse2(acc, a, k, d)
}

crate::simd::avx_build_of! {
    /// [`scaled4`] with AVX: [`scaled4_portable`] compiled for it (four lanes, one register).
    scaled4_avx = scaled4_portable(acc: &mut [f64], a: &[f64], k: f64, d: &[f64]) -> [f64; 4]
}

/// [`scaled4`] with SSE2, two lanes per register.
#[cfg(target_arch = "x86_64")]
#[inline]
pub(super) fn scaled4_sse2(acc: &mut [f64], a: &[f64], k: f64, d: &[f64]) -> [f64; 4] {
    {
        use std::arch::x86_64::*;
        let n = a.len();
        assert!(acc.len() >= n && d.len() >= n);
        let mut sums = [0.0f64; 4];
        // SAFETY: SSE2 is part of the x86-64 baseline; every load and store touches two of
        // the first n / 4 · 4 elements of slices at least n long (checked above).
        unsafe {
            let kk = _mm_set1_pd(k);
            let mut lanes = [_mm_setzero_pd(); 2];
            let (op, xp, dp) = (acc.as_mut_ptr(), a.as_ptr(), d.as_ptr());
            let mut t = 0;
            while t + 4 <= n {
                for (half, lane) in lanes.iter_mut().enumerate() {
                    let i = t + 2 * half;
                    let x = _mm_loadu_pd(xp.add(i));
                    let y = _mm_add_pd(_mm_loadu_pd(op.add(i)), _mm_mul_pd(kk, x));
                    _mm_storeu_pd(op.add(i), y);
                    *lane = _mm_add_pd(*lane, _mm_mul_pd(x, _mm_loadu_pd(dp.add(i))));
                }
                t += 4;
            }
            _mm_storeu_pd(sums.as_mut_ptr(), lanes[0]);
            _mm_storeu_pd(sums.as_mut_ptr().add(2), lanes[1]);
        }
        sums
    }
}

/// [`scaled4`] elsewhere.
#[cfg(not(target_arch = "x86_64"))]
#[inline]
pub(super) fn scaled4(acc: &mut [f64], a: &[f64], k: f64, d: &[f64]) -> [f64; 4] {
    scaled4_portable(acc, a, k, d)
}

/// [`scaled4`] in plain Rust (other architectures, the AVX build, and the reference for the
/// SSE2 one).
#[inline(always)]
pub(super) fn scaled4_portable(acc: &mut [f64], a: &[f64], k: f64, d: &[f64]) -> [f64; 4] {
    let mut sums = [0.0f64; 4];
    let chunks = acc.chunks_exact_mut(4).zip(a.chunks_exact(4));
    for ((o, x), dx) in chunks.zip(d.chunks_exact(4)) {
        let (mut y, x, dx) = (arr4(o), arr4(x), arr4(dx));
        for l in 0..4 {
            y[l] += k * x[l];
            sums[l] += x[l] * dx[l];
        }
        o.copy_from_slice(&y);
    }
    sums
}

/// The running balances of `net` and `discounted` (added in order from 0.0) into `cumulative`
/// and `discounted_cumulative` (all four of one length), and the smallest and largest
/// magnitude of each: `([near, discounted near], [far, discounted far])`. Two chains of
/// dependent additions side by side; on x86-64 the two in one SSE2 register (the same
/// additions lane by lane, so the same bits as [`balance_chains_portable`]).
#[inline]
pub(super) fn balance_chains(
    net: &[f64],
    discounted: &[f64],
    cumulative: &mut [f64],
    discounted_cumulative: &mut [f64],
) -> ([f64; 2], [f64; 2]) {
    #[cfg(target_arch = "x86_64")]
    return balance_chains_sse2(net, discounted, cumulative, discounted_cumulative);
    #[cfg(not(target_arch = "x86_64"))]
    balance_chains_portable(net, discounted, cumulative, discounted_cumulative)
}

/// [`balance_chains`] with SSE2 (always present on x86-64): lane 0 the net chain, lane 1 the
/// discounted one.
#[cfg(target_arch = "x86_64")]
#[inline]
pub(super) fn balance_chains_sse2(
    net: &[f64],
    discounted: &[f64],
    cumulative: &mut [f64],
    discounted_cumulative: &mut [f64],
) -> ([f64; 2], [f64; 2]) {
    use std::arch::x86_64::*;
    let n = net.len();
    assert!(discounted.len() == n && cumulative.len() == n && discounted_cumulative.len() == n);
    let (mut near, mut far) = ([0.0f64; 2], [0.0f64; 2]);
    // SAFETY: SSE2 is part of the x86-64 baseline; every load and store touches element t < n
    // of a slice n long (checked above).
    unsafe {
        let sign = _mm_set1_pd(-0.0);
        let (mut b, mut lo, mut hi) = (
            _mm_setzero_pd(),
            _mm_set1_pd(f64::INFINITY),
            _mm_setzero_pd(),
        );
        let (np, dp) = (net.as_ptr(), discounted.as_ptr());
        let (cp, dcp) = (cumulative.as_mut_ptr(), discounted_cumulative.as_mut_ptr());
        for t in 0..n {
            let x = _mm_loadh_pd(_mm_load_sd(np.add(t)), dp.add(t));
            b = _mm_add_pd(b, x);
            _mm_storel_pd(cp.add(t), b);
            _mm_storeh_pd(dcp.add(t), b);
            // `a < lo ? a : lo` and `a > hi ? a : hi`, as the portable form takes them.
            let a = _mm_andnot_pd(sign, b);
            lo = _mm_min_pd(a, lo);
            hi = _mm_max_pd(a, hi);
        }
        _mm_storeu_pd(near.as_mut_ptr(), lo);
        _mm_storeu_pd(far.as_mut_ptr(), hi);
    }
    (near, far)
}

/// [`balance_chains`] in plain Rust (other architectures, and the reference for the SSE2 one).
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
#[inline]
pub(super) fn balance_chains_portable(
    net: &[f64],
    discounted: &[f64],
    cumulative: &mut [f64],
    discounted_cumulative: &mut [f64],
) -> ([f64; 2], [f64; 2]) {
    let (mut b, mut near, mut far) = ([0.0f64; 2], [f64::INFINITY; 2], [0.0f64; 2]);
    let outs = cumulative.iter_mut().zip(discounted_cumulative.iter_mut());
    for ((c, dc), (&x, &dx)) in outs.zip(net.iter().zip(discounted)) {
        b[0] += x;
        b[1] += dx;
        *c = b[0];
        *dc = b[1];
        for l in 0..2 {
            let a = b[l].abs();
            near[l] = if a < near[l] { a } else { near[l] };
            far[l] = if a > far[l] { a } else { far[l] };
        }
    }
    (near, far)
}

/// Two passes over the months: net and discounted flows with the three present values (each
/// as four interleaved partial sums, t mod 4, the tail folded into the first lanes, added up
/// in a fixed order), then their running balances. Returns (NPV, PV benefits, PV costs, every
/// flow finite). `nan_check` stays 0 unless a flow is infinite or NaN (x · 0 is NaN then).
///
/// The finance definitions, computed four months at a time: with `discount` the
/// [`finance::discount_factors`] at the monthly rate, the NPV, PV benefits and PV costs are
/// [`finance::npv`] of the net flows, benefits and costs, and the balances
/// [`finance::running_balances`] of the net and discounted net flows, to the bit (tested
/// below).
#[inline]
pub(super) fn month_pass(
    benefits: &[f64],
    costs: &[f64],
    discount: &[f64],
    net: &mut [f64],
    discounted_net: &mut [f64],
    cumulative: &mut [f64],
    discounted_cumulative: &mut [f64],
) -> (f64, f64, f64, bool) {
    let (mut nan_check, mut npv4, mut pvb4, mut pvc4);
    let h = benefits
        .len()
        .min(costs.len())
        .min(discount.len())
        .min(net.len())
        .min(discounted_net.len())
        .min(cumulative.len())
        .min(discounted_cumulative.len());
    let (net, discounted_net) = (&mut net[..h], &mut discounted_net[..h]);
    let (benefits, costs, discount) = (&benefits[..h], &costs[..h], &discount[..h]);
    [nan_check, npv4, pvb4, pvc4] = flows4(benefits, costs, discount, net, discounted_net);
    let whole = h / 4 * 4;
    for t in whole..h {
        let (b, c, disc) = (benefits[t], costs[t], discount[t]);
        let l = t - whole;
        let n = b - c;
        let dn = n * disc;
        nan_check[l] += n * 0.0;
        npv4[l] += dn;
        pvb4[l] += b * disc;
        pvc4[l] += c * disc;
        net[t] = n;
        discounted_net[t] = dn;
    }
    // The running balances, with the smallest and largest magnitude of each
    // (`finance::signs_certain`). Before the first non-zero flow they are exactly 0
    // (0.0 + ±0.0 = 0.0), and left out of those.
    let (cumulative, discounted_cumulative) =
        (&mut cumulative[..h], &mut discounted_cumulative[..h]);
    let first = net.iter().position(|&n| n != 0.0).unwrap_or(h);
    cumulative[..first].fill(0.0);
    discounted_cumulative[..first].fill(0.0);
    let ([near, dnear], [far, dfar]) = balance_chains(
        &net[first..],
        &discounted_net[first..],
        &mut cumulative[first..],
        &mut discounted_cumulative[first..],
    );
    let total = |a: [f64; 4]| (a[0] + a[1]) + (a[2] + a[3]);
    let finite = total(nan_check) == 0.0;
    // A balance within its rounding error of zero (an exact break-even; about never
    // otherwise) is decided exactly, as `finance::running_balances` does.
    if finite && !finance::signs_certain(near, far, h - first) {
        finance::settle_balances(net, cumulative);
    }
    if finite && !finance::signs_certain(dnear, dfar, h - first) {
        finance::settle_balances(discounted_net, discounted_cumulative);
    }
    (total(npv4), total(pvb4), total(pvc4), finite)
}

/// The rise of the monthly survival of the installed base when annual churn `churn` falls by
/// `reduction` (0 ≤ reduction ≤ churn ≤ 1): (1 − churn + reduction)^(1/12) − s, with
/// `survival` s = (1 − churn)^(1/12). For churn < 1 it is s · ((1 + y)^(1/12) − 1) with
/// y = reduction / (1 − churn), which keeps its precision when the reduction is small (the
/// difference of two powers near 1 would lose it); 0 without a reduction. Retention runs this
/// once a month per trial, so the usual case (y ≤ 1/16: a reduction up to about 5 points of a
/// 12% churn) takes [`root12_minus_one`]'s polynomial, within 1e−15 of
/// expm1(ln_1p(y) / 12) at a seventh of its cost, and the rest that.
#[inline]
pub(super) fn monthly_survival_gain(churn: f64, survival: f64, reduction: f64) -> f64 {
    if reduction <= 0.0 {
        0.0
    } else if churn < 1.0 {
        let y = reduction / (1.0 - churn);
        let root = if y <= 1.0 / 16.0 {
            root12_minus_one(y)
        } else {
            (y.ln_1p() / 12.0).exp_m1()
        };
        survival * root
    } else {
        reduction.powf(1.0 / 12.0)
    }
}

/// Terms of the binomial series (1 + y)^(1/12) − 1 = Σ_{k≥1} C(1/12, k) y^k: `ROOT12[k − 1]`
/// is C(1/12, k).
const ROOT12: [f64; 16] = {
    let mut c = [0.0; 16];
    let mut term = 1.0;
    let mut k = 0;
    while k < 16 {
        term = term * (1.0 / 12.0 - k as f64) / (k as f64 + 1.0);
        c[k] = term;
        k += 1;
    }
    c
};

/// (1 + y)^(1/12) − 1 for 0 ≤ y ≤ 1/16, from the first 16 terms of its binomial series (the
/// rest is below 1e−17 of it there), evaluated by Estrin's scheme: four short chains rather
/// than one long one, so months overlap in the processor.
#[inline]
pub(super) fn root12_minus_one(y: f64) -> f64 {
    let c = &ROOT12;
    let (y2, y4) = (y * y, (y * y) * (y * y));
    let y8 = y4 * y4;
    let pair = |i: usize| c[i] + y * c[i + 1];
    let quad = |i: usize| pair(i) + y2 * pair(i + 2);
    let low = quad(0) + y4 * quad(4);
    let high = quad(8) + y4 * quad(12);
    y * (low + y8 * high)
}

/// `row[t] ← (1 − f) · row[t] + f · row[t − 1]` for every month, `row[−1]` = 0: a row delayed
/// by a further fraction `f` of a month, shared linearly between the month and the one after.
#[inline]
pub(super) fn blend_with_previous_month(row: &mut [f64], f: f64) {
    let keep = 1.0 - f;
    let mut previous = 0.0;
    for x in row.iter_mut() {
        let here = *x;
        *x = keep * here + f * previous;
        previous = here;
    }
}
