//! What a part must hold to be used: a layout whose sizes are sound, and values a run can
//! write. Undefined quantities are NaN in the per-trial table (IRR without a root, ROI without
//! costs, payback that never happens); every other value is finite.

use super::super::run::{MAX_TRIALS, SCALARS, TrialTable, col};
use super::{PartHeader, PartProblem};
use crate::scenario::MAX_HORIZON_MONTHS;

/// The part's trial count and the byte length of its rows, checked so that no multiplication
/// can overflow and nothing oversized is allocated.
pub(super) fn layout(h: &PartHeader) -> Result<(usize, u64), PartProblem> {
    let rows = h
        .end
        .checked_sub(h.start)
        .filter(|&r| r > 0)
        .ok_or(PartProblem::Layout("the trial range is empty or reversed"))?;
    if rows > MAX_TRIALS || h.end > u32::MAX as u64 {
        return Err(PartProblem::Layout(
            "the trial range is larger than any run",
        ));
    }
    if h.width < SCALARS || h.width > SCALARS + 100_000 {
        return Err(PartProblem::Layout("the table width is impossible"));
    }
    // After the scalars: one column per capability, then none or the two no-lever columns.
    if !matches!(h.width.checked_sub(SCALARS + h.capabilities), Some(0 | 2)) {
        return Err(PartProblem::Layout(
            "the table width does not match the capabilities",
        ));
    }
    if h.horizon_months == 0 || h.horizon_months > MAX_HORIZON_MONTHS as usize {
        return Err(PartProblem::Layout("the horizon is out of range"));
    }
    let bytes = rows
        .checked_mul(h.width as u64)
        .and_then(|v| v.checked_mul(8))
        .filter(|&b| b <= isize::MAX as u64)
        .ok_or(PartProblem::Layout("the table is larger than any run"))?;
    Ok((rows as usize, bytes))
}

/// The part's scenario text, values and sketches.
pub(super) fn content(h: &PartHeader, table: &TrialTable) -> Result<(), PartProblem> {
    if crate::scenario::fingerprint(h.scenario.text.as_bytes()) != h.scenario.sha256 {
        return Err(PartProblem::ScenarioText);
    }
    let horizon = h.horizon_months as f64;
    for c in 0..table.width {
        let (column, defined): (&'static str, fn(f64, f64) -> bool) = match c {
            col::NPV => ("NPV", |v, _| v.is_finite()),
            col::PV_BENEFITS => ("PV of benefits", |v, _| v.is_finite()),
            col::PV_COSTS => ("PV of costs", |v, _| v.is_finite() && v >= 0.0),
            col::ROI => ("ROI", |v, _| v.is_finite()),
            // −100% itself: a monthly root so near −1 that its twelfth power rounds to 0.
            col::IRR_ANNUAL => ("IRR", |v, _| v.is_finite() && v >= -1.0),
            col::PAYBACK => ("payback", |v, h| (0.0..=h).contains(&v)),
            col::DISCOUNTED_PAYBACK => ("discounted payback", |v, h| (0.0..=h).contains(&v)),
            col::FALLS_BACK => ("the month it falls back", |v, h| (0.0..=h).contains(&v)),
            col::TEI_NPV => ("NPV by TEI conventions", |v, _| v.is_finite()),
            col::TEI_ROI => ("ROI by TEI conventions", |v, _| v.is_finite()),
            c if c < SCALARS + h.capabilities => {
                ("a capability's contribution", |v, _| v.is_finite())
            }
            c if c == SCALARS + h.capabilities => ("NPV without the levers", |v, _| v.is_finite()),
            _ => ("PV of the levers' costs", |v, _| v.is_finite() && v >= 0.0),
        };
        let lever_costs = c == SCALARS + h.capabilities + 1;
        let may_be_nan = matches!(
            c,
            col::ROI
                | col::IRR_ANNUAL
                | col::PAYBACK
                | col::DISCOUNTED_PAYBACK
                | col::FALLS_BACK
                | col::TEI_ROI
        );
        let allowed = match (may_be_nan, c) {
            (false, col::PV_COSTS) => "finite and not negative",
            (false, _) if lever_costs => "finite and not negative",
            (false, _) => "finite",
            (true, col::IRR_ANNUAL) => "finite and at least -100%, or undefined (NaN)",
            (true, col::PAYBACK | col::DISCOUNTED_PAYBACK | col::FALLS_BACK) => {
                "between 0 and the horizon, or never (NaN)"
            }
            (true, _) => "finite, or undefined (NaN)",
        };
        for (i, &v) in table.column(c).iter().enumerate() {
            if !(defined(v, horizon) || (may_be_nan && v.is_nan())) {
                return Err(PartProblem::Value {
                    trial: h.start + i as u64,
                    column,
                    value: v,
                    allowed,
                });
            }
        }
    }
    let sk = &h.sketches;
    if sk.cumulative_net.len() != h.horizon_months
        || sk.net.len() != h.horizon_months
        || sk.sums.benefits.len() != h.horizon_months
        || sk.sums.costs.len() != h.horizon_months
        || !sk.adoption.len().is_multiple_of(h.horizon_months)
    {
        return Err(PartProblem::Sketches("one sketch per month was expected"));
    }
    let rows = table.rows as u64;
    if sk
        .cumulative_net
        .iter()
        .chain(&sk.net)
        .any(|s| s.checked_count() != Some(rows))
    {
        return Err(PartProblem::Sketches(
            "a month's cash-flow sketch does not count the part's trials",
        ));
    }
    if sk.adoption.iter().any(|s| s.checked_count() != Some(rows)) {
        return Err(PartProblem::Sketches(
            "a month's adoption histogram does not count the part's trials",
        ));
    }
    Ok(())
}
