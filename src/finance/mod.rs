//! Financial measures of a cash-flow series: NPV, IRR, MIRR, payback, XNPV/XIRR.
//!
//! Pure functions on slices of per-period net flows (`flows[0]` at t = 0); no knowledge of
//! scenarios, models or currencies. None of them panics: invalid input gives NaN (`npv`,
//! `xnpv`) or `None` (the rest), as each function documents.
//!
//! Every convention is named after an entry of `tests/data/finance_conventions.json` (a copy of
//! the shared conventions file) and checked against all cases of `tests/data/finance_vectors.json`
//! by `tests/it/finance_vectors.rs`:
//!
//! | function | convention |
//! | --- | --- |
//! | [`npv()`], [`monthly_rate`], [`discount_factor`] | `npv_t0`, `monthly_npv_t0` (Excel `NPV` = `excel_npv`: prepend a 0) |
//! | [`irr()`] | `irr_npf100` (of several roots, the one nearest 0), `irr_unique` |
//! | [`mirr()`] | `mirr` (Excel) |
//! | [`payback()`], [`discounted_payback`], [`payback_from_balances`] | `payback_first`, `discounted_payback_first` |
//! | [`payback_last`], [`discounted_payback_last`] | `payback_last`, `discounted_payback_last` |
//! | [`xnpv()`], [`xirr`] | `xnpv_act365`, `xirr_act365` |
//! | [`tei`] | the conventions of a TEI table (yearly periods, discounted at each year's end) |
//!
//! The model computes a trial's NPV, PV of benefits and costs, payback and discounted payback
//! with these definitions (the [`discount_factors`] table, [`payback_from_balances`] on its
//! running balances), so each equals the function here applied to the trial's monthly flows at
//! [`monthly_rate`] bit for bit; tests in the model hold them together.
//!
//! Break-even is decided exactly: every running balance a payback reads, and the balances and
//! sums whose signs the IRR's root count depends on, have their exact sign (see
//! [`running_balances`]), so flows that return the outlay to the cent pay back in that month
//! and have an IRR of exactly 0.

mod balance;
mod discount;
mod irr;
mod mirr;
mod npv;
mod payback;
pub mod tei;
mod xnpv;

pub use balance::{
    balances_are_certain, exact_running_sums, exact_sum, running_balances, settle_balances,
    signs_certain,
};
pub use discount::{discount_factor, discount_factors};
pub use irr::batch::WIDTH as IRR4_WIDTH;
pub use irr::{irr, irr4};
pub use mirr::mirr;
pub use npv::{monthly_rate, npv, relative_npv};
pub use payback::{
    discounted_payback, discounted_payback_last, payback, payback_from_balances, payback_last,
    payback_last_from_balances,
};
pub use xnpv::{iso_date_to_days, relative_xnpv, xirr, xnpv};
