//! The conventions of a Forrester "Total Economic Impact" (TEI) table, the form in which vendors
//! publish the return of their products and boards compare a case with it.
//!
//! - **Periods.** "Initial" is month 0 alone; Year k is months 12(k − 1) + 1 … 12k. A horizon
//!   that does not end on a year boundary leaves a partial last year, its own column (months
//!   12(k − 1) + 1 … H − 1 of a horizon of H months).
//! - **Discounting.** Each period's flows are summed and discounted once, at the end of the
//!   period's year: Initial by 1 (not discounted), Year k by 1 / (1 + r)^k at the annual rate r,
//!   a partial last year like a whole one (the end of its year is at most a month after its last
//!   month).
//! - **ROI** = (PV benefits − PV costs) / PV costs, undefined when PV costs is 0.
//! - **Payback**, in months, from the cumulative undiscounted net of the periods: the first
//!   period whose cumulative net is not negative after one that was, interpolated linearly
//!   inside that period as if its net accrued evenly over its months: `E + L · (−B) / N`, where
//!   E is the month the previous period ended (0 for Initial, 12(k − 1) for Year k), L the
//!   period's months (12, fewer for a partial year), B the cumulative net before it and N its
//!   net. 0 when the cumulative net is never negative; undefined ("never") when it does not
//!   recover. Balances carry exact signs ([`running_balances`]), as every payback of the crate.
//!
//! Costs and benefits are positive amounts, as TEI tables print them.

use super::{discount_factor, running_balances};

/// The periods of a TEI table over a horizon, with the factor each is discounted by.
#[derive(Debug, Clone, PartialEq)]
pub struct TeiPeriods {
    /// "Initial", "Year 1", …; a partial last year reads "Year k (n months)".
    pub labels: Vec<String>,
    /// First and last month of each period (both included).
    pub months: Vec<(usize, usize)>,
    /// The discount factor of each period: 1 for Initial, 1 / (1 + r)^k for Year k.
    pub factors: Vec<f64>,
}

impl TeiPeriods {
    /// The periods of a horizon of `horizon` months (months 0 … horizon − 1) at an annual
    /// discount rate `annual_rate`. A horizon of one month has only the Initial period.
    pub fn of_horizon(horizon: usize, annual_rate: f64) -> TeiPeriods {
        let mut periods = TeiPeriods {
            labels: vec!["Initial".to_string()],
            months: vec![(0, 0)],
            factors: vec![1.0],
        };
        let last = horizon.saturating_sub(1);
        let mut year = 1;
        while 12 * (year - 1) < last {
            let (first, end) = (12 * (year - 1) + 1, (12 * year).min(last));
            let months = end + 1 - first;
            periods.labels.push(match months {
                12 => format!("Year {year}"),
                1 => format!("Year {year} (1 month)"),
                _ => format!("Year {year} ({months} months)"),
            });
            periods.months.push((first, end));
            periods.factors.push(discount_factor(annual_rate, year));
            year += 1;
        }
        periods
    }

    /// The periods of a table published by years: Initial and `years` whole years.
    pub fn of_years(years: usize, annual_rate: f64) -> TeiPeriods {
        TeiPeriods::of_horizon(12 * years + 1, annual_rate)
    }

    /// Number of periods (Initial included).
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are no periods (never: Initial is always there).
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Months each period covers: 0 for Initial (an instant), 12 for a whole year.
    pub fn lengths(&self) -> Vec<usize> {
        self.months
            .iter()
            .enumerate()
            .map(|(p, &(a, b))| if p == 0 { 0 } else { b + 1 - a })
            .collect()
    }

    /// Each month's period factor (`monthly[t]` = the factor of the period month t is in),
    /// for months 0 … horizon − 1: the per-trial present values multiply by these.
    pub fn monthly_factors(&self) -> Vec<f64> {
        let mut out = Vec::new();
        for (&(a, b), &f) in self.months.iter().zip(&self.factors) {
            out.extend(std::iter::repeat_n(f, b + 1 - a));
        }
        out
    }

    /// A monthly series summed into the periods (months beyond the series count as 0).
    pub fn sums(&self, monthly: &[f64]) -> Vec<f64> {
        self.months
            .iter()
            .map(|&(a, b)| {
                monthly
                    .get(a..=b.min(monthly.len().saturating_sub(1)))
                    .unwrap_or(&[])
                    .iter()
                    .sum()
            })
            .collect()
    }
}

/// The summary figures of a TEI table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TeiFigures {
    pub pv_costs: f64,
    pub pv_benefits: f64,
    pub npv: f64,
    /// None when PV costs is 0 (or a flow is not finite).
    pub roi: Option<f64>,
    /// None when the cumulative net never recovers (or a flow is not finite).
    pub payback_months: Option<f64>,
}

/// Present value of period amounts: Σ factor · amount, in period order.
pub fn present_value(amounts: &[f64], factors: &[f64]) -> f64 {
    amounts.iter().zip(factors).map(|(a, f)| a * f).sum()
}

/// The figures of a table of period `costs` and `benefits` (positive amounts, one per period of
/// `periods`).
pub fn figures(costs: &[f64], benefits: &[f64], periods: &TeiPeriods) -> TeiFigures {
    let pv_costs = present_value(costs, &periods.factors);
    let pv_benefits = present_value(benefits, &periods.factors);
    let npv = pv_benefits - pv_costs;
    let roi = (pv_costs != 0.0 && npv.is_finite()).then(|| npv / pv_costs);
    let net: Vec<f64> = benefits.iter().zip(costs).map(|(b, c)| b - c).collect();
    TeiFigures {
        pv_costs,
        pv_benefits,
        npv,
        roi,
        payback_months: payback_months(&net, &periods.lengths()),
    }
}

/// TEI payback (see the module docs) of period nets `net` whose periods last `lengths` months
/// (0 for Initial).
pub fn payback_months(net: &[f64], lengths: &[usize]) -> Option<f64> {
    if net.iter().any(|n| !n.is_finite()) || net.len() != lengths.len() {
        return None;
    }
    let balances = running_balances(net);
    let Some(neg) = balances.iter().position(|&b| b < 0.0) else {
        return Some(0.0);
    };
    let t = neg + 1 + balances[neg + 1..].iter().position(|&b| b >= 0.0)?;
    let ended: usize = lengths[..t].iter().sum();
    let share = ((-balances[t - 1]) / net[t]).clamp(0.0, 1.0);
    Some(ended as f64 + lengths[t] as f64 * share)
}

/// The per-trial present values of monthly `benefits` and `costs` by TEI conventions, given
/// each month's period factor ([`TeiPeriods::monthly_factors`]): (PV benefits, PV costs). Four
/// running sums each, so that the engine's month loop pays for it with a few nanoseconds.
#[inline]
pub fn monthly_present_values(benefits: &[f64], costs: &[f64], factors: &[f64]) -> (f64, f64) {
    let h = benefits.len().min(costs.len()).min(factors.len());
    let (benefits, costs, factors) = (&benefits[..h], &costs[..h], &factors[..h]);
    let (mut b4, mut c4) = ([0.0f64; 4], [0.0f64; 4]);
    let whole = h / 4 * 4;
    for ((b, c), f) in benefits[..whole]
        .chunks_exact(4)
        .zip(costs[..whole].chunks_exact(4))
        .zip(factors[..whole].chunks_exact(4))
    {
        for l in 0..4 {
            b4[l] += b[l] * f[l];
            c4[l] += c[l] * f[l];
        }
    }
    for t in whole..h {
        b4[t - whole] += benefits[t] * factors[t];
        c4[t - whole] += costs[t] * factors[t];
    }
    let total = |a: [f64; 4]| (a[0] + a[1]) + (a[2] + a[3]);
    (total(b4), total(c4))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of a published study: PVs, NPV, ROI and payback as printed (to the dollar,
    /// to the percent, to a tenth of a month).
    #[test]
    fn a_published_example_recomputes() {
        let periods = TeiPeriods::of_years(3, 0.10);
        let costs = [120_000.0, 400_000.0, 380_000.0, 390_000.0];
        let benefits = [0.0, 900_000.0, 1_700_000.0, 2_300_000.0];
        let f = figures(&costs, &benefits, &periods);
        assert_eq!(f.pv_costs.round(), 1_090_699.0);
        assert_eq!(f.pv_benefits.round(), 3_951_165.0);
        assert_eq!(f.npv.round(), 2_860_466.0);
        assert_eq!((f.roi.unwrap() * 100.0).round(), 262.0);
        // −120,000 after Initial, +500,000 over Year 1: 12 × 120/500 = 2.88 months.
        assert!((f.payback_months.unwrap() - 2.88).abs() < 1e-12);
    }

    #[test]
    fn periods_of_a_horizon() {
        let p = TeiPeriods::of_horizon(36, 0.10);
        assert_eq!(
            p.labels,
            ["Initial", "Year 1", "Year 2", "Year 3 (11 months)"]
        );
        assert_eq!(p.months, [(0, 0), (1, 12), (13, 24), (25, 35)]);
        assert_eq!(p.lengths(), [0, 12, 12, 11]);
        assert_eq!(p.factors[3], 1.0 / 1.1f64.powi(3));
        let p = TeiPeriods::of_horizon(61, 0.10);
        assert_eq!(p.len(), 6);
        assert_eq!(p.labels[5], "Year 5");
        assert_eq!(TeiPeriods::of_horizon(1, 0.1).labels, ["Initial"]);
        assert_eq!(TeiPeriods::of_horizon(2, 0.1).labels[1], "Year 1 (1 month)");
        let m = TeiPeriods::of_horizon(30, 0.05).monthly_factors();
        assert_eq!(m.len(), 30);
        assert_eq!(
            (m[0], m[12], m[13], m[29]),
            (
                1.0,
                1.0 / 1.05,
                1.0 / 1.05f64.powi(2),
                1.0 / 1.05f64.powi(3)
            )
        );
    }

    #[test]
    fn monthly_present_values_are_the_period_sums_discounted() {
        let p = TeiPeriods::of_horizon(43, 0.08);
        let b: Vec<f64> = (0..43).map(|t| (t * t) as f64 * 13.7).collect();
        let c: Vec<f64> = (0..43).map(|t| 5_000.0 - t as f64 * 3.1).collect();
        let (pvb, pvc) = monthly_present_values(&b, &c, &p.monthly_factors());
        let want_b = present_value(&p.sums(&b), &p.factors);
        let want_c = present_value(&p.sums(&c), &p.factors);
        assert!((pvb - want_b).abs() <= 1e-12 * want_b.abs());
        assert!((pvc - want_c).abs() <= 1e-12 * want_c.abs());
    }

    #[test]
    fn payback_cases() {
        let l = [0, 12, 12, 12];
        assert_eq!(payback_months(&[0.0, 5.0, 1.0, 1.0], &l), Some(0.0));
        assert_eq!(
            payback_months(&[-10.0, -10.0, 15.0, 10.0], &l),
            Some(24.0 + 12.0 * 5.0 / 10.0)
        );
        assert_eq!(
            payback_months(&[-10.0, 4.0, 4.0, 4.0], &l),
            Some(24.0 + 12.0 * 2.0 / 4.0)
        );
        assert_eq!(payback_months(&[-10.0, 1.0, 1.0, 1.0], &l), None);
        // Exactly recovered at the end of Year 2 (0.1 + 0.2 = 0.3 only exactly).
        assert_eq!(payback_months(&[-0.3, 0.1, 0.2, 0.0], &l), Some(24.0));
        assert_eq!(payback_months(&[f64::NAN, 1.0, 1.0, 1.0], &l), None);
        // A partial last year interpolates over its own months.
        assert_eq!(payback_months(&[-6.0, 0.0, 6.0], &[0, 12, 6]), Some(18.0));
    }

    #[test]
    fn roi_is_undefined_without_costs() {
        let p = TeiPeriods::of_years(2, 0.1);
        let f = figures(&[0.0; 3], &[0.0, 1.0, 1.0], &p);
        assert_eq!(f.roi, None);
        assert_eq!(f.payback_months, Some(0.0));
    }
}
