//! The results of a run as plain data: what `results.json` holds and what every chart,
//! report and export reads. Nothing here computes; the engine fills it in.
//!
//! The JSON shape is a stable contract other tools read (see `docs/MODEL.md`): add keys, never
//! rename or remove them. All money is in currency units, not millions.

use serde::{Deserialize, Serialize, Serializer};

pub mod assumptions;
pub mod breakeven;
pub mod cashflow;
pub mod change_programme;
pub mod comparison;
pub mod diff;
pub mod monthly;
pub mod precision;
pub mod sensitivity;
pub mod sips;
pub mod tei;

pub use assumptions::{Assumption, Assumptions, CorrelationPair};
pub use breakeven::{Breakeven, CurvePoint};
pub use cashflow::CashflowTable;
pub use change_programme::{ChangeProgramme, LeverShare};
pub use comparison::{Comparison, PairComparison};
pub use diff::{Diff, DiffFigures, DiffItem};
pub use monthly::{
    GroupAdoptionMonthly, LEVER_COLUMNS, MonthlyPercentiles, MonthlyTable, PERCENTILE_LEVELS,
    TRIAL_SAMPLE_CAP, TRIAL_SCALARS, TrialSample,
};
pub use precision::{Precision, StoppingRule};
pub use sensitivity::{InputSensitivity, Sensitivity, TornadoBar};
pub use tei::{
    Tei, TeiDiscrepancy, TeiFigures, TeiLine, TeiLineKind, TeiPublished, TeiTable, TeiVendor,
};

/// Where `results.json` may hold `null`: the statistics of quantities undefined in some
/// trials (IRR without a root, ROI with zero costs, payback that never happens; see
/// `docs/MODEL.md`) and the optional identity fields. Paths are dotted with list indices
/// dropped; a trailing dot stands for every field below. serde_json writes NaN and ±∞ as
/// `null`, so a `null` anywhere else is a number that went wrong: tools reading the file, the
/// tests and the fuzz target can check for that with [`may_be_null`].
pub const NULLABLE_PATHS: [&str; 21] = [
    "start_month",
    "scenario.file",
    "base_case.roi",
    "base_case.irr_annual",
    "base_case.payback_months",
    "base_case.discounted_payback_months",
    "base_case.falls_back_months",
    "roi.",
    "irr_annual.",
    "payback_months.",
    "discounted_payback_months.",
    "tei.unadjusted.roi",
    "tei.unadjusted.payback_months",
    "tei.risk_adjusted.roi",
    "tei.risk_adjusted.payback_months",
    "tei.roi_percentile",
    "tei.simulated_roi.",
    "precision.stopping_rule",
    "sensitivity.inputs.npv_mean_low_decile",
    "sensitivity.inputs.npv_mean_high_decile",
    "change_programme",
];

/// Whether the field at `path` (dotted, list indices dropped) may be `null`: see
/// [`NULLABLE_PATHS`].
pub fn may_be_null(path: &str) -> bool {
    NULLABLE_PATHS.iter().any(|p| match p.strip_suffix('.') {
        Some(section) => path == section || path.starts_with(p),
        None => path == *p,
    })
}

/// Summary statistics of one per-trial quantity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Stats {
    pub mean: f64,
    pub std: f64,
    /// Standard error of the mean: std / √n — the Monte Carlo precision of `mean`.
    pub stderr: f64,
    pub min: f64,
    pub p5: f64,
    pub p10: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p90: f64,
    pub p95: f64,
    pub max: f64,
}

/// Statistics of a quantity that is undefined in some trials (IRR without a root, ROI with
/// zero costs, payback that never happens). Fields are `null` where they cannot be stated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PartialStats {
    pub mean: Option<f64>,
    pub std: Option<f64>,
    pub stderr: Option<f64>,
    pub min: Option<f64>,
    pub p5: Option<f64>,
    pub p10: Option<f64>,
    pub p25: Option<f64>,
    pub p50: Option<f64>,
    pub p75: Option<f64>,
    pub p90: Option<f64>,
    pub p95: Option<f64>,
    pub max: Option<f64>,
}

/// IRR or ROI: stats over the trials where it is defined.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct DefinedStats {
    #[serde(flatten)]
    pub stats: PartialStats,
    /// Share of trials where the quantity has no value.
    pub undefined_fraction: f64,
}

/// Payback: "never" ranks as +∞, so a percentile landing among never-paying trials is null;
/// mean and std are over the trials that pay back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PaybackStats {
    #[serde(flatten)]
    pub stats: PartialStats,
    /// Share of trials that do not pay back within the horizon.
    pub never_fraction: f64,
}

/// Identity of the scenario that produced the results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioInfo {
    pub name: String,
    /// Path as given on the command line; null for the built-in reference scenario.
    pub file: Option<String>,
    /// SHA-256 of the scenario file's bytes, hex.
    pub sha256: String,
}

/// The base case: every uncertain input at its most likely value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct BaseCase {
    pub npv: f64,
    /// Null when PV of costs is zero.
    pub roi: Option<f64>,
    pub irr_annual: Option<f64>,
    /// Null when it never pays back within the horizon.
    pub payback_months: Option<f64>,
    pub discounted_payback_months: Option<f64>,
    pub pv_benefits: f64,
    pub pv_costs: f64,
    /// When the cumulative net falls below zero for good after paying back (docs/MODEL.md,
    /// "Falling back"); null when it does not. Absent from results written before it existed.
    #[serde(default)]
    pub falls_back_months: Option<f64>,
}

/// One capability's share of the value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapabilityResult {
    pub name: String,
    /// Capability group (customer insight, ...).
    pub group: String,
    /// Value driver key (win_rate, ...).
    pub driver: String,
    /// PV of the benefits attributed to this capability; contributions sum to PV benefits in
    /// every trial. Costs are programme-wide and not attributed.
    pub npv_contribution: Stats,
    /// The same in the base case.
    pub base_case: f64,
}

/// Probability of having paid back within N months, serialised as `{"12": p, "24": p}` in
/// month order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PaybackWithin(pub Vec<(u32, f64)>);

impl<'de> Deserialize<'de> for PaybackWithin {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = std::collections::BTreeMap::<String, f64>::deserialize(d)?;
        let mut pairs = map
            .into_iter()
            .map(|(k, v)| {
                k.parse::<u32>().map(|m| (m, v)).map_err(|_| {
                    serde::de::Error::custom(format!("month key `{k}` is not a whole number"))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        pairs.sort_by_key(|(m, _)| *m);
        Ok(PaybackWithin(pairs))
    }
}

impl Serialize for PaybackWithin {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (months, p) in &self.0 {
            map.serialize_entry(&months.to_string(), p)?;
        }
        map.end()
    }
}

/// Quantiles of a monthly series across trials (fan charts). Index = month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct MonthlyQuantiles {
    pub p5: Vec<f64>,
    pub p10: Vec<f64>,
    pub p25: Vec<f64>,
    pub p50: Vec<f64>,
    pub p75: Vec<f64>,
    pub p90: Vec<f64>,
    pub p95: Vec<f64>,
    /// Largest relative error of these quantiles (they come from a mergeable sketch).
    pub relative_error: f64,
}

/// Adoption of one user group by month (share of its seats actively using the system).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupAdoption {
    pub name: String,
    pub seats: f64,
    pub go_live_month: u32,
    pub p10: Vec<f64>,
    pub p50: Vec<f64>,
    pub p90: Vec<f64>,
    /// Absolute error bound of these shares (bin width of the histogram they come from).
    pub absolute_error: f64,
}

/// A histogram of per-trial values: `counts[i]` trials fell in `[edges[i], edges[i+1])`.
/// The first and last bins also hold the tails beyond them (see `tails_clipped`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Histogram {
    pub edges: Vec<f64>,
    pub counts: Vec<u64>,
    /// True when values beyond the outer edges were folded into the outer bins.
    pub tails_clipped: bool,
}

/// Base-case totals for one year of the horizon (year 1 = months 0–11).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnnualCashFlow {
    pub year: u32,
    /// Benefits by capability group, in the order of `ChartData::benefit_groups`.
    pub benefits_by_group: Vec<f64>,
    /// Costs by category, in the order of `ChartData::cost_categories`.
    pub costs_by_category: Vec<f64>,
    pub benefits: f64,
    pub costs: f64,
    pub net: f64,
}

/// Binned and summarised data the charts are drawn from (never per-trial data).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ChartData {
    /// NPV histogram.
    pub npv_histogram: Histogram,
    /// NPV at each whole percentile 0..=100 (101 values): the S-curve.
    pub npv_percentiles: Vec<f64>,
    /// Cumulative net cash flow by month across trials.
    pub cumulative_net: MonthlyQuantiles,
    /// Base-case cumulative net cash flow by month.
    pub base_case_cumulative_net: Vec<f64>,
    /// P(payback ≤ m months) for m = 0..=horizon.
    pub payback_probability: Vec<f64>,
    /// Adoption by user group and month.
    pub adoption: Vec<GroupAdoption>,
    /// Capability groups, in order of first appearance (for `annual`).
    pub benefit_groups: Vec<String>,
    /// Cost category labels present in the scenario (for `annual`).
    pub cost_categories: Vec<String>,
    /// Base case, year by year.
    pub annual: Vec<AnnualCashFlow>,
}

/// Everything a run produces. `results.json` is this, serialised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub valuecase_version: String,
    pub scenario: ScenarioInfo,
    pub trials: u64,
    pub seed: u64,
    pub horizon_months: u32,
    pub currency: String,
    pub discount_rate_annual: f64,
    /// Month 0 as "YYYY-MM", when the scenario gives one.
    pub start_month: Option<String>,
    pub base_case: BaseCase,
    pub npv: Stats,
    pub roi: DefinedStats,
    pub pv_benefits: Stats,
    pub pv_costs: Stats,
    pub irr_annual: DefinedStats,
    pub payback_months: PaybackStats,
    pub discounted_payback_months: PaybackStats,
    pub prob_npv_positive: f64,
    /// Share of trials that pay back and then fall below zero again for good by the end of the
    /// horizon (their payback still counts as a payback in `payback_months`). 0 in results
    /// written before it existed.
    #[serde(default)]
    pub prob_falls_back: f64,
    pub prob_payback_within_months: PaybackWithin,
    pub capabilities: Vec<CapabilityResult>,
    pub charts: ChartData,
    pub elapsed_seconds: f64,
    /// The base case as a TEI table, and where it sits in the simulation (absent from files
    /// written before it existed).
    #[serde(default)]
    pub tei: Tei,
    /// 95% half-widths of the headline figures.
    #[serde(default)]
    pub precision: Precision,
    /// What drives NPV: rank statistics and the tornado.
    #[serde(default)]
    pub sensitivity: Sensitivity,
    /// What the change programme is worth, trial by trial; null when the scenario has no
    /// levers.
    #[serde(default)]
    pub change_programme: Option<ChangeProgramme>,
}

/// Everything the outputs of a run read: the summary (`results.json`) and the tables built
/// beside it. Reports and exports take this and nothing from the model or engine, so what
/// they show is what the run computed.
#[derive(Debug, Clone, PartialEq)]
pub struct RunResults {
    pub summary: Summary,
    pub assumptions: Assumptions,
    /// The base case month by month.
    pub base_cashflow: CashflowTable,
    /// What a SIPmath library of the run is made from, when one is asked for
    /// (`--export sipmath`; it redraws the inputs of every trial).
    pub sips: Option<sips::SipSource>,
    /// The run month by month across trials (percentiles, mean flows, adoption, base case).
    pub monthly: MonthlyTable,
    /// The first trials' key values.
    pub trial_sample: TrialSample,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nullable_paths_cover_sections_and_single_fields_only() {
        assert!(may_be_null("irr_annual.p50"));
        assert!(may_be_null("irr_annual"));
        assert!(may_be_null("base_case.roi"));
        assert!(may_be_null("start_month"));
        assert!(!may_be_null("base_case.npv"));
        assert!(!may_be_null("npv.p50"));
        assert!(!may_be_null("irr_annual_extra"));
        assert!(!may_be_null("start_month.x"));
        assert!(!may_be_null("roi_total"));
    }
}
