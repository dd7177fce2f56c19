//! Kernels built twice: for baseline x86-64 and, behind a run-time check, for AVX.
//!
//! A kernel written in plain Rust as four-lane loops (`*_portable`) compiles to SSE2, two lanes
//! per register, on baseline x86-64. Compiled again with AVX enabled, the same loops fill one
//! register per step. Both builds do the same IEEE operations in the same order, and AVX
//! brings no fused multiply-add, so their results are the same bits: which build runs depends
//! only on the processor, never the results.

/// `avx_build_of! { /// doc \n name_avx = name_portable(arg: Type, ...) -> Ret }` defines
/// `unsafe fn name_avx(arg: Type, ...) -> Ret`: `name_portable` compiled with AVX enabled
/// (`name_portable` should be `#[inline(always)]`, so that it is compiled into it). The
/// caller checks `is_x86_feature_detected!("avx")` before calling it.
macro_rules! avx_build_of {
    (
        $(#[$doc:meta])*
        $avx:ident = $portable:ident($($arg:ident: $ty:ty),* $(,)?) $(-> $ret:ty)?
    ) => {
        $(#[$doc])*
        ///
        /// # Safety
        /// The processor must support AVX.
        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx")]
        unsafe fn $avx($($arg: $ty),*) $(-> $ret)? {
            $portable($($arg),*)
        }
    };
}

pub(crate) use avx_build_of;
