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
//!
//! [`KeyedRng`] is the same stream as a `rand_core` generator, for code that wants the
//! ecosystem's samplers (the distribution tests use `rand_distr`'s as an independent oracle);
//! the engine itself calls [`uniforms_into`], which gives the same numbers four at a time.

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
    uniform_from_bits(bits(key, trial))
}

/// The 64 random bits at position `trial` of the stream `key`: SplitMix64's output number
/// `trial + 1`, computed directly.
#[inline(always)]
fn bits(key: u64, trial: u64) -> u64 {
    mix(key.wrapping_add(trial.wrapping_add(1).wrapping_mul(GAMMA)))
}

/// One input's keyed stream as a [`rand_core`] generator (rand_core 0.10 calls the trait
/// `Rng`; it was `RngCore` before): position `i` of the stream is trial `i`'s draw, so
/// `KeyedRng::new(seed, name).at(trial)` yields the bits the engine turns into that input's
/// uniform for that trial ([`next_uniform`](Self::next_uniform) gives the number itself).
/// Each `next_u64` or `next_u32` call takes one position; `next_u32` keeps the high half.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyedRng {
    key: u64,
    position: u64,
}

impl KeyedRng {
    /// The stream of `input_name` under `seed`, at trial 0.
    pub fn new(seed: u64, input_name: &str) -> Self {
        KeyedRng::from_key(stream_key(seed, input_name))
    }

    /// The stream with this [`stream_key`], at trial 0.
    pub fn from_key(key: u64) -> Self {
        KeyedRng { key, position: 0 }
    }

    /// The same stream moved to `trial`: streams jump anywhere in O(1), which is what lets
    /// threads and shards start where their trials start.
    pub fn at(self, trial: u64) -> Self {
        KeyedRng {
            position: trial,
            ..self
        }
    }

    /// The trial the next number belongs to.
    pub fn position(&self) -> u64 {
        self.position
    }

    /// The uniform in (0, 1) the engine draws for the next trial ([`uniform`]), and a step on.
    pub fn next_uniform(&mut self) -> f64 {
        uniform_from_bits(self.next_bits())
    }

    fn next_bits(&mut self) -> u64 {
        let z = bits(self.key, self.position);
        self.position = self.position.wrapping_add(1);
        z
    }
}

impl rand_core::TryRng for KeyedRng {
    type Error = rand_core::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok((self.next_bits() >> 32) as u32)
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        Ok(self.next_bits())
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        rand_core::utils::fill_bytes_via_next_word(dst, || self.try_next_u64())
    }
}

#[inline]
fn uniform_from_bits(z: u64) -> f64 {
    (((z >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)).min(BELOW_ONE)
}

/// `out[i] = uniform(key, first + i)`: the uniforms of a lane of consecutive trials on one
/// stream. On x86-64 with AVX2 (checked at run time) four trials go through each step. The
/// hash is integer arithmetic and the conversion of its 53 bits exact, so the numbers are
/// [`uniform`]'s to the bit.
#[inline]
pub fn uniforms_into(key: u64, first: u64, out: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the processor has AVX2 (checked just above).
        unsafe { uniforms_into_avx2(key, first, out) };
        return;
    }
    uniforms_into_portable(key, first, out);
}

#[inline(always)]
fn uniforms_into_portable(key: u64, first: u64, out: &mut [f64]) {
    for (i, o) in out.iter_mut().enumerate() {
        *o = uniform(key, first.wrapping_add(i as u64));
    }
}

/// [`uniforms_into`] four trials per AVX2 register. AVX2 has no 64-bit multiplication, so
/// each of [`mix`]'s products is put together from three 32 × 32-bit ones (the low 64 bits,
/// the same as `wrapping_mul`), and no conversion of 64-bit integers to doubles, so the 53
/// bits are converted as two exact halves.
///
/// # Safety
/// The processor must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn uniforms_into_avx2(key: u64, first: u64, out: &mut [f64]) {
    use std::arch::x86_64::*;
    const M1: u64 = 0xBF58_476D_1CE4_E5B9;
    const M2: u64 = 0x94D0_49BB_1331_11EB;
    // x · m mod 2^64 = lo(x) lo(m) + ((hi(x) lo(m) + lo(x) hi(m)) << 32).
    let times = |x: __m256i, m: u64| {
        let (m_lo, m_hi) = (
            _mm256_set1_epi64x((m & 0xFFFF_FFFF) as i64),
            _mm256_set1_epi64x((m >> 32) as i64),
        );
        let cross = _mm256_add_epi64(
            _mm256_mul_epu32(_mm256_srli_epi64::<32>(x), m_lo),
            _mm256_mul_epu32(x, m_hi),
        );
        _mm256_add_epi64(_mm256_mul_epu32(x, m_lo), _mm256_slli_epi64::<32>(cross))
    };
    let z0 = key.wrapping_add(first.wrapping_add(1).wrapping_mul(GAMMA));
    let mut z = _mm256_setr_epi64x(
        z0 as i64,
        z0.wrapping_add(GAMMA) as i64,
        z0.wrapping_add(GAMMA.wrapping_mul(2)) as i64,
        z0.wrapping_add(GAMMA.wrapping_mul(3)) as i64,
    );
    let step = _mm256_set1_epi64x(GAMMA.wrapping_mul(4) as i64);
    let n = out.len();
    let mut i = 0;
    while i + 4 <= n {
        let mut x = _mm256_xor_si256(z, _mm256_srli_epi64::<30>(z));
        x = times(x, M1);
        x = _mm256_xor_si256(x, _mm256_srli_epi64::<27>(x));
        x = times(x, M2);
        x = _mm256_xor_si256(x, _mm256_srli_epi64::<31>(x));
        // SAFETY: i + 4 <= n: writes out[i..i + 4].
        unsafe { _mm256_storeu_pd(out.as_mut_ptr().add(i), uniform_from_bits_avx2(x)) };
        z = _mm256_add_epi64(z, step);
        i += 4;
    }
    uniforms_into_portable(key, first.wrapping_add(i as u64), &mut out[i..]);
}

/// [`uniform_from_bits`] of four hashes.
///
/// # Safety
/// The processor must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn uniform_from_bits_avx2(z: std::arch::x86_64::__m256i) -> std::arch::x86_64::__m256d {
    use std::arch::x86_64::*;
    let bits = _mm256_srli_epi64::<11>(z);
    // 2^52 and 2^84 as exponent bits: or-ing an integer below 2^32 into their mantissas
    // gives 2^52 + lo and 2^84 + hi · 2^32 exactly.
    let lo = _mm256_and_si256(bits, _mm256_set1_epi64x(0xFFFF_FFFF));
    let lo = _mm256_castsi256_pd(_mm256_or_si256(
        lo,
        _mm256_set1_epi64x(0x4330_0000_0000_0000),
    ));
    let hi = _mm256_srli_epi64::<32>(bits);
    let hi = _mm256_castsi256_pd(_mm256_or_si256(
        hi,
        _mm256_set1_epi64x(0x4530_0000_0000_0000),
    ));
    // (2^84 + hi · 2^32) − (2^84 + 2^52) and its sum with 2^52 + lo are integers below 2^53,
    // so both are exact and `d` is `bits as f64`.
    let two84_52 = _mm256_set1_pd(f64::from_bits(0x4530_0000_0010_0000));
    let d = _mm256_add_pd(_mm256_sub_pd(hi, two84_52), lo);
    let u = _mm256_mul_pd(
        _mm256_add_pd(d, _mm256_set1_pd(0.5)),
        _mm256_set1_pd(1.0 / (1u64 << 53) as f64),
    );
    _mm256_min_pd(u, _mm256_set1_pd(BELOW_ONE))
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
    fn the_rand_core_generator_is_the_engines_stream() {
        use rand_core::Rng;
        for (seed, name, first) in [
            (42, "capabilities.\"Lead scoring\".uplift", 0),
            (7, "x", 1_000_003),
            (u64::MAX, "", u64::MAX - 5),
        ] {
            let key = stream_key(seed, name);
            let mut expected = vec![0.0; 70];
            uniforms_into(key, first, &mut expected);
            let mut rng = KeyedRng::new(seed, name).at(first);
            let mut by_uniform = rng.clone();
            for (i, e) in expected.iter().enumerate() {
                let trial = first.wrapping_add(i as u64);
                assert_eq!(rng.position(), trial);
                let z = rng.next_u64();
                assert_eq!(
                    uniform_from_bits(z).to_bits(),
                    e.to_bits(),
                    "{name} {trial}"
                );
                assert_eq!(uniform(key, trial).to_bits(), e.to_bits());
                assert_eq!(by_uniform.next_uniform().to_bits(), e.to_bits());
            }
            // next_u32 is the high half of the same position; bytes are the words in order.
            let mut a = KeyedRng::from_key(key).at(first);
            let mut b = a.clone();
            assert_eq!(a.next_u32(), (b.next_u64() >> 32) as u32);
            let mut bytes = [0u8; 20];
            a.fill_bytes(&mut bytes);
            let words: Vec<u8> = (0..3).flat_map(|_| b.next_u64().to_le_bytes()).collect();
            assert_eq!(bytes[..], words[..20]);
            assert_eq!(a.position(), b.position());
        }
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
    fn lanes_of_uniforms_equal_uniform_to_the_bit() {
        // Every kernel this machine can run, against the one-at-a-time definition, on lane
        // lengths with and without a tail and from trial numbers that wrap around.
        for (key, first) in [
            (stream_key(42, "x"), 0),
            (
                stream_key(7, "capabilities.\"Lead scoring\".uplift"),
                1_000_003,
            ),
            (u64::MAX, u64::MAX - 5),
            (0, 0),
        ] {
            for n in [0, 1, 3, 4, 5, 63, 64] {
                let expected: Vec<u64> = (0..n)
                    .map(|i| uniform(key, first.wrapping_add(i)).to_bits())
                    .collect();
                let mut out = vec![0.0; n as usize];
                uniforms_into(key, first, &mut out);
                let got: Vec<u64> = out.iter().map(|u| u.to_bits()).collect();
                assert_eq!(got, expected, "key {key:#x}, first {first}, n {n}");
                let mut out = vec![0.0; n as usize];
                uniforms_into_portable(key, first, &mut out);
                let got: Vec<u64> = out.iter().map(|u| u.to_bits()).collect();
                assert_eq!(
                    got, expected,
                    "portable: key {key:#x}, first {first}, n {n}"
                );
            }
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn four_hashes_convert_like_one() {
        use std::arch::x86_64::*;
        if !std::arch::is_x86_feature_detected!("avx2") {
            return;
        }
        let mut next = crate::test_support::xorshift(0x5DEE_CE66);
        let edges = [
            0,
            1,
            1 << 11,
            (1 << 11) - 1,
            1 << 43,
            1 << 63,
            u64::MAX,
            u64::MAX - (1 << 11),
        ];
        let mut zs: Vec<u64> = edges.to_vec();
        zs.extend((0..4_000).map(|_| next()));
        for z in zs.chunks_exact(4) {
            // SAFETY: AVX2 is present (checked above); reads and writes four lanes.
            let got = unsafe {
                let v = _mm256_loadu_si256(z.as_ptr().cast());
                let mut out = [0.0f64; 4];
                _mm256_storeu_pd(out.as_mut_ptr(), uniform_from_bits_avx2(v));
                out
            };
            for (g, &z) in got.iter().zip(z) {
                assert_eq!(g.to_bits(), uniform_from_bits(z).to_bits(), "{z:#x}");
            }
        }
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
