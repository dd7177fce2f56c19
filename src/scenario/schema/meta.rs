//! `[scenario]`: the name, currency, horizon, discount rate, and default trials, seed and start
//! month (docs/SCENARIO.md, section 3).

use super::quoted;
use crate::scenario::read::{Bounds, Table};
use crate::scenario::types::{Meta, YearMonth};

/// The fields of `[scenario]` (also recognised when written above the `[scenario]` line).
pub(in crate::scenario) const SCENARIO_FIELDS: [&str; 8] = [
    "name",
    "description",
    "currency",
    "horizon_months",
    "discount_rate",
    "trials",
    "seed",
    "start",
];

/// `[scenario]`, and the horizon when it is valid (every month elsewhere must lie inside it).
pub(in crate::scenario) fn parse_meta(root: &mut Table<'_>) -> (Meta, Option<u32>) {
    let mut meta = Meta {
        name: String::new(),
        description: String::new(),
        currency: "USD".into(),
        horizon_months: 1,
        discount_rate: 0.0,
        trials: 10_000,
        seed: 42,
        start: None,
    };
    let Some(mut t) = root
        .required(
            "scenario",
            "a [scenario] section with name, currency, horizon_months and discount_rate",
        )
        .and_then(|v| v.table())
    else {
        return (meta, None);
    };
    if let Some(v) = t.required("name", "a name for the scenario, in quotes")
        && let Some(name) = v.string()
    {
        if name.trim().is_empty() {
            v.report(
                v.diag("the scenario name is empty")
                    .allowed("a non-empty name"),
            );
        }
        if super::names::within_length(&v, v.path(), name, "scenario") {
            super::names::refuse_invisible(&v, v.path(), name, "scenario");
        }
        meta.name = name.to_string();
    }
    if let Ok(Some(d)) = t.optional_string("description") {
        meta.description = d.to_string();
    }
    let currency_text =
        "a three-letter ISO 4217 currency code in capitals, e.g. \"USD\", \"EUR\", \"CNY\"";
    if let Some(v) = t.required("currency", currency_text)
        && let Some(c) = v.string()
    {
        if c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()) {
            meta.currency = c.to_string();
        } else {
            let mut d = v
                .diag(format!("{} is not a currency code", quoted(c)))
                .allowed(currency_text);
            if c.len() == 3 && c.bytes().all(|b| b.is_ascii_alphabetic()) {
                d = d.suggest(c.to_ascii_uppercase());
            }
            v.report(d);
        }
    }
    let horizon = t
        .required_integer(
            "horizon_months",
            1,
            i64::from(crate::scenario::MAX_HORIZON_MONTHS),
            Some("a whole number of months from 1 to 600 (e.g. 60 for five years)"),
        )
        .and_then(|h| u32::try_from(h).ok());
    if let Some(h) = horizon {
        meta.horizon_months = h;
    }
    if let Some(d) = t.required_number(
        "discount_rate",
        &Bounds::closed(0.0, 1.0).with_note("an annual rate: 0.10 means 10% a year"),
    ) {
        meta.discount_rate = d;
    }
    if let Ok(Some(n)) = t.optional_integer("trials", 1, 100_000_000, None) {
        meta.trials = u64::try_from(n).unwrap_or(10_000);
    }
    if let Ok(Some(s)) = t.optional_integer("seed", 0, i64::MAX, Some("a whole number >= 0")) {
        meta.seed = u64::try_from(s).unwrap_or(42);
    }
    if let Some(v) = t.take("start")
        && let Some(s) = v.string()
    {
        match parse_year_month(s) {
            Some(ym) => meta.start = Some(ym),
            None => v.report(
                v.diag(format!("{} is not a month", quoted(s)))
                    .allowed("a month written \"YYYY-MM\", e.g. \"2027-01\""),
            ),
        }
    }
    t.finish();
    (meta, horizon)
}

/// `"2027-01"` → 2027, January.
fn parse_year_month(s: &str) -> Option<YearMonth> {
    let (y, m) = s.trim().split_once('-')?;
    if y.len() != 4 || m.len() != 2 || !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: i32 = y.parse().ok()?;
    let month: u32 = m.parse().ok()?;
    ((1..=12).contains(&month)).then_some(YearMonth { year, month })
}
