//! Numbers as the data exports write them: the shortest decimal that reads back to the same
//! f64 (so a sum recomputed from a file matches the tool's to the last digit), whole numbers
//! without a decimal point, and an empty field for a value that is undefined.

/// Append `x` to `out`: empty for NaN (an undefined value: no IRR, no ROI, never pays back),
/// `inf` / `-inf` for infinities, a whole number as an integer (`12`, `-3`), anything else as
/// the shortest round-trip decimal (`0.1`, `1234.5678`, `1.5e-7`).
#[inline]
pub fn push_number(out: &mut Vec<u8>, x: f64) {
    if x.is_nan() {
        return;
    }
    if x.is_infinite() {
        out.extend_from_slice(if x > 0.0 { b"inf" } else { b"-inf" });
        return;
    }
    // Whole numbers below 2^53 are exactly an i64 (−0.0 is written as 0).
    if x == x.trunc() && x.abs() < 9_007_199_254_740_992.0 {
        out.extend_from_slice(itoa::Buffer::new().format(x as i64).as_bytes());
        return;
    }
    out.extend_from_slice(ryu::Buffer::new().format_finite(x).as_bytes());
}

/// `x` as [`push_number`] writes it.
pub fn number(x: f64) -> String {
    let mut out = Vec::new();
    push_number(&mut out, x);
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_back_to_the_same_bits() {
        let cases = [
            (0.0, "0"),
            (-0.0, "0"),
            (12.0, "12"),
            (-3.0, "-3"),
            (0.1, "0.1"),
            (-1234.5678, "-1234.5678"),
            (1.5e-7, "1.5e-7"),
            (9_007_199_254_740_992.0, "9007199254740992.0"),
            (1e300, "1e300"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, ""),
        ];
        for (x, want) in cases {
            assert_eq!(number(x), want, "{x:e}");
        }
        for x in [
            0.1 + 0.2,
            1.0 / 3.0,
            -2.5e-310,
            f64::MAX,
            123_456_789.123_456_78,
        ] {
            assert_eq!(number(x).parse::<f64>().unwrap().to_bits(), x.to_bits());
        }
    }
}
