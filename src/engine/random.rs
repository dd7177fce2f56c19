//! Random numbers keyed by (seed, input name, trial).
//!
//! Each input has its own SplitMix64 stream (Steele, Lea & Flood, 2014), seeded from the run's
//! seed and a hash of the input's stable name; the number for trial `i` is that stream's
//! `i`-th output, computed directly (SplitMix64 can jump to any position in O(1)). So:
//! - results do not depend on thread count or scheduling (no state is shared or carried);
//! - reordering a scenario file or adding an input leaves every other input's draws unchanged,
//!   which is what makes comparisons between scenario versions meaningful (common random
//!   numbers);
//! - the algorithm is fixed here, not borrowed from a crate whose default may change.

/// SplitMix64's increment (the golden-ratio constant).
const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64's output function (a strong 64-bit finaliser).
#[inline]
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a, 64-bit: a stable, portable hash of an input's name.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    h
}

/// The stream key of one input under one seed.
pub fn stream_key(seed: u64, input_name: &str) -> u64 {
    mix(mix(seed ^ 0x5641_4C55_4543_4153) ^ fnv1a(input_name.as_bytes()))
}

/// The largest double below 1.
const BELOW_ONE: f64 = 1.0 - f64::EPSILON / 2.0;

/// The uniform number in (0, 1) for `trial` on the stream `key`: 53 random bits, centred in
/// their interval so that 0 and 1 never occur (inverse CDFs stay finite). The top value,
/// (2^53 − 1 + 0.5) / 2^53, is not a double and would round to 1; it is kept just below.
#[inline]
pub fn uniform(key: u64, trial: u64) -> f64 {
    let z = mix(key.wrapping_add(trial.wrapping_add(1).wrapping_mul(GAMMA)));
    uniform_from_bits(z)
}

#[inline]
fn uniform_from_bits(z: u64) -> f64 {
    (((z >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)).min(BELOW_ONE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_stable_and_distinct() {
        // Pinned values: a change here changes every published result.
        let k = stream_key(42, "capabilities.\"Lead scoring\".uplift");
        assert_eq!(k, stream_key(42, "capabilities.\"Lead scoring\".uplift"));
        assert_ne!(k, stream_key(43, "capabilities.\"Lead scoring\".uplift"));
        assert_ne!(k, stream_key(42, "capabilities.\"Lead scoring\".effect"));
        let u = uniform(k, 0);
        assert!(u > 0.0 && u < 1.0);
        assert_eq!(mix(0), 0);
        assert_eq!(mix(1), 0x5692_161D_100B_05E5);
    }

    #[test]
    fn extreme_bits_stay_inside_the_open_interval() {
        assert_eq!(uniform_from_bits(u64::MAX), BELOW_ONE);
        assert!(uniform_from_bits(u64::MAX) < 1.0);
        assert!(uniform_from_bits(0) > 0.0);
        // Every other value is unchanged by the bound.
        let z = (u64::MAX >> 11) - 1;
        assert_eq!(
            uniform_from_bits(z << 11),
            (z as f64 + 0.5) / (1u64 << 53) as f64
        );
    }

    #[test]
    fn uniforms_look_uniform() {
        let k = stream_key(7, "x");
        let n = 200_000;
        let mut bins = [0u32; 10];
        let mut sum = 0.0;
        for i in 0..n {
            let u = uniform(k, i);
            assert!(u > 0.0 && u < 1.0);
            bins[(u * 10.0) as usize] += 1;
            sum += u;
        }
        let mean = sum / n as f64;
        assert!((mean - 0.5).abs() < 0.005, "{mean}");
        // Chi-square with 9 degrees of freedom: 99.9% quantile is 27.9.
        let expected = n as f64 / 10.0;
        let chi: f64 = bins
            .iter()
            .map(|&b| (b as f64 - expected).powi(2) / expected)
            .sum();
        assert!(chi < 27.9, "chi-square {chi}");
    }

    #[test]
    fn neighbouring_streams_are_uncorrelated() {
        let a = stream_key(1, "a");
        let b = stream_key(1, "b");
        let n = 100_000;
        let (mut sa, mut sb, mut sab) = (0.0, 0.0, 0.0);
        for i in 0..n {
            let (x, y) = (uniform(a, i) - 0.5, uniform(b, i) - 0.5);
            sa += x * x;
            sb += y * y;
            sab += x * y;
        }
        let r = sab / (sa * sb).sqrt();
        assert!(r.abs() < 0.02, "correlation {r}");
    }
}
