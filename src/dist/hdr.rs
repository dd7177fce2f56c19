//! The HDR 2.0 generator (Hubbard Decision Research), the portable counter-based uniform that
//! SIPmath 3.0 libraries are driven by: trial `PM_Index` of variable `var_id` of `entity`
//! (with two more seeds) is a fixed number any tool can compute, Excel formulas included, so
//! every user of a library regenerates the same trials.
//!
//! The published formula, in integers (every intermediate product is below 2^53):
//!
//! ```text
//! n1 = (i·2499997 + v·1800451 + e·2000371 + s3·1796777 + s4·2299603) mod 7450589
//! n2 = (i·2246527 + v·2399993 + e·2100869 + s3·1918303 + s4·1624729) mod 7450987
//! a  = ((999999999999989 mod (n1·4658 + 7450581)) · 383) mod 99991
//! b  = ((999999999999989 mod (n2·7580 + 7560584)) · 17669) mod 7440893
//! u  = (((a·7440893 + b) · 1343) mod 2^32 + 0.5) / 2^32
//! ```

/// Largest trial index, variable id, entity or seed accepted: the sums of the first two lines
/// then stay far below 2^64.
pub const HDR_MAX_ARGUMENT: u64 = 1 << 40;

/// The arguments of one HDR 2.0 stream (its trial index aside).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HdrStream {
    pub var_id: u64,
    pub entity: u64,
    pub seed3: u64,
    pub seed4: u64,
}

impl HdrStream {
    /// The uniform of trial `pm_index` (counted from 1), in (0, 1). Arguments above
    /// [`HDR_MAX_ARGUMENT`] are reduced modulo it.
    pub fn uniform(&self, pm_index: u64) -> f64 {
        let m = |x: u64| x % HDR_MAX_ARGUMENT;
        let (i, v, e, s3, s4) = (
            m(pm_index),
            m(self.var_id),
            m(self.entity),
            m(self.seed3),
            m(self.seed4),
        );
        // Each term is reduced first, so the sums stay below 5 · 7450987.
        let term = |x: u64, k: u64, p: u64| (x % p) * k % p;
        let p1 = 7_450_589;
        let n1 = (term(i, 2_499_997, p1)
            + term(v, 1_800_451, p1)
            + term(e, 2_000_371, p1)
            + term(s3, 1_796_777, p1)
            + term(s4, 2_299_603, p1))
            % p1;
        let p2 = 7_450_987;
        let n2 = (term(i, 2_246_527, p2)
            + term(v, 2_399_993, p2)
            + term(e, 2_100_869, p2)
            + term(s3, 1_918_303, p2)
            + term(s4, 1_624_729, p2))
            % p2;
        const BIG: u64 = 999_999_999_999_989;
        let a = (BIG % (n1 * 4658 + 7_450_581)) * 383 % 99_991;
        let b = (BIG % (n2 * 7580 + 7_560_584)) * 17_669 % 7_440_893;
        let bits = (a * 7_440_893 + b) * 1343 % (1u64 << 32);
        (bits as f64 + 0.5) / 4_294_967_296.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// PM_Index 1…5 against the published formula, evaluated independently with Python's
    /// arbitrary-precision integers (the script is in the comment of each table).
    #[test]
    fn the_published_formula_for_the_first_trials() {
        // def hdr(i, v, e, s3, s4):
        //     n1 = (i*2499997 + v*1800451 + e*2000371 + s3*1796777 + s4*2299603) % 7450589
        //     n2 = (i*2246527 + v*2399993 + e*2100869 + s3*1918303 + s4*1624729) % 7450987
        //     a = ((999999999999989 % (n1*4658 + 7450581)) * 383) % 99991
        //     b = ((999999999999989 % (n2*7580 + 7560584)) * 17669) % 7440893
        //     return ((((a*7440893 + b)*1343) % 4294967296) + 0.5) / 4294967296
        // [hdr(i, 1, 1, 0, 0) for i in range(1, 6)], [hdr(i, 7, 42, 3, 5) for i in ...]
        let first = [
            0.9097355402773246,
            0.7586898015579209,
            0.07985927711706609,
            0.5203718956327066,
            0.1174664186546579,
        ];
        let other = [
            0.5953476243885234,
            0.39044698036741465,
            0.08655161072965711,
            0.5218844957416877,
            0.1744799151783809,
        ];
        let s1 = HdrStream {
            var_id: 1,
            entity: 1,
            seed3: 0,
            seed4: 0,
        };
        let s2 = HdrStream {
            var_id: 7,
            entity: 42,
            seed3: 3,
            seed4: 5,
        };
        for i in 1..=5u64 {
            assert_eq!(s1.uniform(i), first[i as usize - 1], "PM_Index {i}");
            assert_eq!(s2.uniform(i), other[i as usize - 1], "PM_Index {i}");
        }
    }

    /// Reducing each term first gives the formula's value for large arguments too.
    #[test]
    fn large_arguments_follow_the_formula() {
        let s = HdrStream {
            var_id: 9_999_999,
            entity: 12_345_678,
            seed3: 0,
            seed4: 0,
        };
        let direct = |i: u128| {
            let (v, e) = (9_999_999u128, 12_345_678u128);
            let n1 = (i * 2_499_997 + v * 1_800_451 + e * 2_000_371) % 7_450_589;
            let n2 = (i * 2_246_527 + v * 2_399_993 + e * 2_100_869) % 7_450_987;
            let a = (999_999_999_999_989 % (n1 * 4658 + 7_450_581)) * 383 % 99_991;
            let b = (999_999_999_999_989 % (n2 * 7580 + 7_560_584)) * 17_669 % 7_440_893;
            (((a * 7_440_893 + b) * 1343 % (1 << 32)) as f64 + 0.5) / 4_294_967_296.0
        };
        for i in [1u64, 2, 10_000, 1_000_000, 123_456_789] {
            assert_eq!(s.uniform(i), direct(i as u128));
        }
        let u: Vec<f64> = (1..=10_000).map(|i| s.uniform(i)).collect();
        assert!(u.iter().all(|&x| x > 0.0 && x < 1.0));
        let mean = u.iter().sum::<f64>() / u.len() as f64;
        assert!((mean - 0.5).abs() < 0.01, "{mean}");
    }
}
