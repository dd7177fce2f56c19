//! Helpers shared by the unit tests: deterministic numbers and a run's results to draw and
//! render. Test support may use every layer; the layer rules apply to the library's code.

pub(crate) mod fixture;

/// A deterministic xorshift64 stream (Marsaglia, 2003): reproducible test data, the same on
/// every machine, without a random-number dependency. `seed` must not be 0.
pub(crate) fn xorshift(seed: u64) -> impl FnMut() -> u64 {
    let mut s = seed;
    move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    }
}

/// Uniforms in [0, 1) from the top 53 bits of [`xorshift`].
pub(crate) fn uniforms(seed: u64) -> impl FnMut() -> f64 {
    let mut bits = xorshift(seed);
    move || (bits() >> 11) as f64 / (1u64 << 53) as f64
}
