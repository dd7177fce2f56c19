//! The run month by month across trials, and a sample of its trials: what `monthly.csv` and
//! the workbook's Mean cash flow, Distribution and Trials sheets read. Kept beside
//! `results.json`, not in it (its keys are a contract, and these tables are long).

/// The percentiles every monthly series is given at (P5 … P95).
pub const PERCENTILE_LEVELS: [u32; 7] = [5, 10, 25, 50, 75, 90, 95];

/// A series' percentiles month by month: `by_level[k][t]` is percentile
/// [`PERCENTILE_LEVELS`]`[k]` in month t.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MonthlyPercentiles {
    pub by_level: Vec<Vec<f64>>,
}

/// One user group's adoption share across trials, and in the base case.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupAdoptionMonthly {
    pub name: String,
    /// Share of seats using the system, by month (histogram percentiles, within
    /// [`MonthlyTable::adoption_absolute_error`]).
    pub percentiles: MonthlyPercentiles,
    /// The base case's adoption share by month.
    pub base_case: Vec<f64>,
}

/// Month by month: the distribution of the net and cumulative net cash flow across trials,
/// the mean flows, adoption, and the base case. The mean flows come from exact sums, so they
/// are the same bits for any thread count and after a merge of parts.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MonthlyTable {
    /// Mean benefits across trials, by month.
    pub mean_benefits: Vec<f64>,
    /// Mean costs across trials, by month.
    pub mean_costs: Vec<f64>,
    /// Mean net cash flow: `mean_benefits − mean_costs` of each month (so the columns add up);
    /// its NPV is the mean NPV, NPV being linear.
    pub mean_net: Vec<f64>,
    /// Percentiles of the month's net cash flow (sketch, within `relative_error`).
    pub net: MonthlyPercentiles,
    /// Percentiles of the cumulative net cash flow (sketch, within `relative_error`).
    pub cumulative_net: MonthlyPercentiles,
    /// Relative accuracy of the cash-flow percentiles (magnitudes under one currency unit count
    /// as zero).
    pub relative_error: f64,
    /// Adoption by group.
    pub adoption: Vec<GroupAdoptionMonthly>,
    /// Absolute accuracy of the adoption percentiles (share of seats).
    pub adoption_absolute_error: f64,
    /// The base case's net cash flow, by month.
    pub base_net: Vec<f64>,
    /// The base case's cumulative net cash flow, by month.
    pub base_cumulative_net: Vec<f64>,
}

/// Most trials kept for the workbook's Trials sheet (the first ones; `trials.csv` has all).
pub const TRIAL_SAMPLE_CAP: usize = 10_000;

/// The first trials' key values, as the run computed them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TrialSample {
    /// Trials in the whole run (the sample holds the first `min(trials, cap)`).
    pub total_trials: u64,
    /// Capability names, in the order of the contribution columns.
    pub capabilities: Vec<String>,
    /// `rows[i]` is trial i: the [`TRIAL_SCALARS`], then each capability's NPV contribution,
    /// then (with levers) the [`LEVER_COLUMNS`].
    /// Undefined values (no IRR, no ROI, never pays back) are NaN.
    pub rows: Vec<Vec<f64>>,
}

/// The names of a trial's key values, in the run's per-trial order: the scalars every trial
/// has, then `contribution: <capability>` per capability.
pub const TRIAL_SCALARS: [&str; 10] = [
    "npv",
    "pv_benefits",
    "pv_costs",
    "roi",
    "irr_annual",
    "payback_months",
    "discounted_payback_months",
    "falls_back_months",
    "tei_npv",
    "tei_roi",
];

/// The names of the two columns after the contributions in a scenario with levers: the same
/// trial's NPV without any lever, and the PV of the levers' cost lines (docs/MODEL.md §13).
pub const LEVER_COLUMNS: [&str; 2] = ["npv_without_levers", "pv_lever_costs"];
