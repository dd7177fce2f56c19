//! Coverage-guided fuzzing of the pure finance functions: `npv`, `irr`, `mirr`, `payback`,
//! `discounted_payback` on arbitrary cash-flow series, including NaN, infinities, huge and tiny
//! magnitudes and long series.
//!
//! Properties checked:
//! - nothing panics or hangs;
//! - `irr` returns a finite rate > −1 at which the NPV is zero to 1e−6 of the discounted
//!   flows' size (whatever their magnitudes; not checked within 1e−6 of r = −1);
//! - `xirr`, on the same amounts at irregular dates (0–399 days apart, taken from the
//!   amounts' bits), does the same for the XNPV;
//! - `mirr` is finite when defined;
//! - payback is within [0, number of periods] when defined, and "never" exactly when the
//!   balance goes negative and stays negative, the balances' signs being exact (the last one
//!   has the sign of the exact total);
//! - a finite rate > −1 and finite flows give a finite or overflowed (±inf) NPV, never NaN
//!   unless the sum itself overflows both ways.
//!
//! Run: see docs/FUZZING.md.

#![no_main]

use libfuzzer_sys::fuzz_target;
use valuecase::finance::{
    discounted_payback, exact_sum, irr, mirr, npv, payback, relative_npv, relative_xnpv,
    running_balances, xirr,
};

/// Decode the input: byte 0 picks how the rest becomes numbers, so the fuzzer reaches both
/// "realistic" series (small integers × a power of ten) and raw IEEE-754 bit patterns.
fn decode(data: &[u8]) -> Option<(f64, f64, Vec<f64>)> {
    let (&mode, rest) = data.split_first()?;
    let mut values: Vec<f64> = if mode & 1 == 0 {
        // Raw f64 bit patterns (NaN, inf, subnormals, 1e308 ...).
        rest.chunks_exact(8)
            .map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes")))
            .collect()
    } else {
        // i16 mantissas scaled by 10^(mode / 2 % 24 − 6): cash flows as a model makes them.
        let scale = 10f64.powi(i32::from(mode / 2 % 24) - 6);
        rest.chunks_exact(2)
            .map(|c| f64::from(i16::from_le_bytes([c[0], c[1]])) * scale)
            .collect()
    };
    if values.len() < 2 {
        return None;
    }
    let rate = values.remove(0);
    let reinvest = values.remove(0);
    let rate = if mode & 1 == 1 { rate / 1e4 } else { rate };
    let reinvest = if mode & 1 == 1 {
        reinvest / 1e4
    } else {
        reinvest
    };
    Some((rate, reinvest, values))
}

fuzz_target!(|data: &[u8]| {
    let Some((rate, reinvest, flows)) = decode(data) else {
        return;
    };
    let finite = flows.iter().all(|x| x.is_finite());

    let v = npv(rate, &flows);
    if finite
        && rate.is_finite()
        && rate > -1.0
        && flows.iter().all(|x| x.abs() < 1e100)
        && rate >= 0.0
    {
        // Discount factors are <= 1, so moderate flows give a finite NPV.
        assert!(v.is_finite(), "npv({rate}, {flows:?}) = {v}");
    }

    if let Some(r) = irr(&flows) {
        assert!(finite, "irr of non-finite flows: {r}");
        assert!(r.is_finite() && r > -1.0, "irr = {r} for {flows:?}");
        // Relative residual: |NPV(r)| against the discounted size of the flows, every term
        // taken through logarithms so that neither the flows nor (1 + r)^−t over- or
        // underflows, whatever their magnitudes (flows spanning 1e−300 to 1e300, rates up to
        // 1e300).
        //
        // Not checked for r within 1e−6 of −1: there a rate has few digits left. Rates near −1
        // are 1.1e−16 apart, so even the float nearest to a root at −1 + δ changes 1 + r by up
        // to 1.1e−16 / δ relatively, and term t by t times that: a residual of up to
        // N · 1.1e−16 / δ of the scale for N flows, which stays below the 1e−6 asked here for
        // δ >= 1e−6 and N up to about 9,000 (inputs here have at most 4,096 flows), and says
        // nothing about `irr` for smaller δ.
        if r > -0.999_999 {
            let residual = relative_npv(r, &flows);
            assert!(
                residual <= 1e-6,
                "npv at irr {r} is {residual:e} of the scale for {flows:?}"
            );
        }
    }

    // The same amounts at irregular dates: day gaps of 0 to 399 from each amount's bits.
    let days: Vec<i64> = flows
        .iter()
        .scan(0i64, |day, cf| {
            let today = *day;
            *day += (cf.to_bits() % 400) as i64;
            Some(today)
        })
        .collect();
    if let Some(r) = xirr(&flows, &days) {
        assert!(finite, "xirr of non-finite flows: {r}");
        assert!(
            r.is_finite() && r > -1.0,
            "xirr = {r} for {flows:?} at {days:?}"
        );
        // Not checked within 1e−6 of −1, for the reason given for `irr` above.
        if r > -0.999_999 {
            let residual = relative_xnpv(r, &flows, &days);
            assert!(
                residual <= 1e-6,
                "xnpv at xirr {r} is {residual:e} of the scale for {flows:?} at {days:?}"
            );
        }
    }

    if let Some(m) = mirr(&flows, rate, reinvest) {
        assert!(m.is_finite(), "mirr = {m}");
    }

    let n = flows.len() as f64;
    for (what, p) in [
        ("payback", payback(&flows)),
        ("discounted payback", discounted_payback(rate, &flows)),
    ] {
        if let Some(p) = p {
            assert!(
                p.is_finite() && (0.0..=n).contains(&p),
                "{what} = {p} for {} flows",
                flows.len()
            );
        }
    }
    if finite {
        // "Never" exactly when the running balance ends below zero after going negative
        // (first-crossing convention: once recovered, it stays recovered), the balances being
        // `running_balances`' (signs decided exactly).
        let balances = running_balances(&flows);
        let mut went_negative = false;
        let mut recovered = false;
        for &b in &balances {
            if b < 0.0 {
                went_negative = true;
            } else if went_negative {
                recovered = true;
                break;
            }
        }
        let never = went_negative && !recovered;
        let in_range = flows.iter().map(|x| x.abs()).sum::<f64>() < 1e300;
        if in_range {
            assert_eq!(payback(&flows).is_none(), never, "payback of {flows:?}");
            // The last balance has the sign of the exact total: the cheap check that keeps a
            // float sum never keeps one whose sign is wrong.
            if let Some(&last) = balances.last() {
                let exact = exact_sum(flows.iter().copied());
                assert_eq!(
                    last.partial_cmp(&0.0),
                    exact.partial_cmp(&0.0),
                    "last balance {last} vs exact total {exact} for {flows:?}"
                );
            }
        }
    }
});
