//! The case in the form of a Forrester "Total Economic Impact" (TEI) study: its base case by
//! TEI conventions (`finance::tei`: Initial, then years discounted at each year's end), before
//! and after the TEI-style risk adjustments of `[tei]`, and where the risk-adjusted figures sit
//! in the simulated distribution of the same figures. `results.json` holds it as `tei`.

use serde::{Deserialize, Serialize};

use super::{DefinedStats, Stats};

/// One TEI table: period amounts (costs as positive amounts) and the figures read from them.
/// Every figure follows from the rows: PV = Σ factor × amount, NPV = PV benefits − PV costs,
/// ROI = NPV / PV costs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TeiTable {
    /// Costs by period, as positive amounts.
    pub costs: Vec<f64>,
    pub benefits: Vec<f64>,
    /// Benefits − costs by period.
    pub net: Vec<f64>,
    pub pv_costs: f64,
    pub pv_benefits: f64,
    pub npv: f64,
    /// Null when PV of costs is 0.
    pub roi: Option<f64>,
    /// Null when the cumulative net never recovers within the horizon.
    pub payback_months: Option<f64>,
}

/// Whether a TEI line is a benefit or a cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TeiLineKind {
    Benefit,
    Cost,
}

/// One benefit line (a capability) or cost line of the TEI tables, period by period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeiLine {
    pub name: String,
    pub kind: TeiLineKind,
    /// The haircut (benefits) or uplift (costs) of the risk-adjusted table: 0.1 = 10%.
    pub adjustment: f64,
    /// The base case's amounts by period (positive).
    pub unadjusted: Vec<f64>,
    /// The same after the adjustment.
    pub risk_adjusted: Vec<f64>,
}

/// The `tei` section of `results.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Tei {
    /// "Initial", "Year 1", …; a partial last year reads "Year k (n months)".
    pub periods: Vec<String>,
    /// First and last month of each period (both included).
    pub period_months: Vec<[u32; 2]>,
    /// The factor each period is discounted by: 1 for Initial, 1 / (1 + r)^k for Year k.
    pub discount_factors: Vec<f64>,
    /// The base case by TEI conventions.
    pub unadjusted: TeiTable,
    /// The same with each line's haircut or uplift (equal to `unadjusted` without `[tei]`).
    pub risk_adjusted: TeiTable,
    /// The lines the tables add up, benefits (capabilities) first, then costs.
    pub lines: Vec<TeiLine>,
    /// Where the risk-adjusted NPV sits among the trials' TEI-convention NPVs, in percent
    /// (0–100): the share of trials below it, ties counted half.
    pub npv_percentile: f64,
    /// The same for the risk-adjusted ROI among the trials where ROI is defined; null when
    /// the risk-adjusted ROI or every trial's is undefined.
    pub roi_percentile: Option<f64>,
    /// The trials' NPV by TEI conventions (yearly discounting), the distribution the
    /// percentiles are read in.
    pub simulated_npv: Stats,
    /// The trials' ROI by TEI conventions.
    pub simulated_roi: DefinedStats,
}

/// The figures of a TEI table (`finance::tei` conventions).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct TeiFigures {
    pub pv_costs: f64,
    pub pv_benefits: f64,
    pub npv: f64,
    /// Null when PV of costs is 0.
    pub roi: Option<f64>,
    /// Null when the cumulative net never recovers.
    pub payback_months: Option<f64>,
}

/// The figures a study publishes, as printed; each may be left out.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct TeiPublished {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pv_costs: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pv_benefits: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub npv: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub roi: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payback_months: Option<f64>,
}

/// A published figure that does not follow from the study's own table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeiDiscrepancy {
    /// `pv_costs`, `pv_benefits`, `npv`, `roi` or `payback_months`.
    pub figure: String,
    pub published: f64,
    /// Null when the table gives no value (ROI without costs, payback that never happens).
    pub recomputed: Option<f64>,
    /// The range the published figure may take and still follow from the table: every table
    /// whose rows round to the printed ones, and the published figure's own rounding.
    pub allowed_min: f64,
    pub allowed_max: f64,
}

/// A vendor's TEI study, recomputed from its own table and placed in this case's simulation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeiVendor {
    pub name: String,
    pub discount_rate: f64,
    /// "Initial", "Year 1", ….
    pub periods: Vec<String>,
    /// The study's rows, as printed.
    pub costs: Vec<f64>,
    pub benefits: Vec<f64>,
    /// The precision the rows are taken to be printed to (1 = whole currency units).
    pub rows_rounded_to: f64,
    pub recomputed: TeiFigures,
    pub published: TeiPublished,
    /// Whether every published figure follows from the table.
    pub consistent: bool,
    pub discrepancies: Vec<TeiDiscrepancy>,
    /// What the study's NPV is multiplied by before it is placed (ROI is a ratio: unscaled).
    pub scale: f64,
    /// Where the scale comes from, in words.
    pub scale_basis: String,
    /// The NPV placed: published (or recomputed, when not published) × scale.
    pub placed_npv: f64,
    /// The ROI placed: published, or recomputed when not published.
    pub placed_roi: Option<f64>,
    /// Where `placed_npv` sits among this case's trials (TEI-convention NPV), in percent.
    pub npv_percentile: Option<f64>,
    /// Where `placed_roi` sits among this case's trials (TEI-convention ROI), in percent.
    pub roi_percentile: Option<f64>,
}
