//! `case.xlsx`: the case as finance opens it. Sheets, in order:
//!
//! - *Summary*: the headline statistics with their precision, the plain-language findings, the
//!   run's stamp, and the base case linked live from the Base case sheet;
//! - *Assumptions*: every input by stable name, its distribution, base value, unit and the
//!   scenario file's comment, then the scenario's structure; the base values are the cells the
//!   Base case formulas read, under defined names;
//! - *Base case*: the model month by month as live formulas ([`base_case`]);
//! - *Mean cash flow*: the mean benefits, costs and net flow across trials, with the NPV of the
//!   mean flows as a formula beside the mean NPV;
//! - *TEI*: the base case as a TEI study prints it (docs/MODEL.md §16), its lines summed live
//!   from the Base case columns, the `[tei]` adjustments and PV, NPV, ROI as formulas;
//! - *Distribution*: percentiles of NPV, ROI, IRR and paybacks; native charts of the NPV
//!   histogram and of the probability of payback by month;
//! - *Trials*: the key values of the first trials (at most [`crate::results::TRIAL_SAMPLE_CAP`]).
//!
//! Names from the scenario are only ever written as text cells, never into formulas: defined
//! names are made of letters, digits and underscores ([`names`]). How the sheets link:
//! docs/OUTPUTS.md.

mod assumptions;
pub mod base_case;
mod comments;
mod distribution;
mod mean_flow;
mod names;
mod style;
mod summary;
mod tei;
mod trials;

use rust_xlsxwriter::{DocProperties, Workbook, XlsxError};

use super::ExportError;
use crate::results::RunResults;
use crate::scenario::Scenario;

/// The workbook's file name.
pub const FILE_NAME: &str = "case.xlsx";

type XlsxResult<T> = Result<T, XlsxError>;

/// Defined names of the workbook's own cells, reserved before the inputs' names are made (an
/// input whose name would clash gets a suffix instead).
pub const FIXED_NAMES: [&str; 19] = [
    "monthly_rate",
    "risk_benefit_share",
    "risk_cost_multiplier",
    "risk_go_live_delay",
    "new_business_revenue",
    "irr_search_start",
    "base_npv",
    "base_pv_benefits",
    "base_pv_costs",
    "base_roi",
    "base_irr_annual",
    "base_payback_months",
    "base_discounted_payback_months",
    "mean_flow_npv",
    "tei_pv_costs",
    "tei_pv_benefits",
    "tei_npv",
    "tei_roi",
    "tei_unadjusted_npv",
];

/// What the workbook is made from.
pub struct WorkbookInput<'a> {
    pub results: &'a RunResults,
    /// The scenario the run read (its structure: groups, capabilities, cost schedules).
    pub scenario: &'a Scenario,
    /// The scenario file's text, for each input's comment.
    pub scenario_text: &'a str,
    /// The findings in plain sentences (the board pack's), most important first.
    pub findings: Vec<String>,
    /// Where the figures came from: scenario, trials, seed, hash, version.
    pub provenance: String,
}

/// The workbook's bytes.
pub fn render(input: &WorkbookInput) -> Result<Vec<u8>, ExportError> {
    build(input).map_err(|e| ExportError::Encode {
        format: "XLSX",
        message: e.to_string(),
    })
}

fn build(input: &WorkbookInput) -> XlsxResult<Vec<u8>> {
    let mut book = Workbook::new();
    // Deflate's fastest level: the file is a little larger (the Trials sheet is most of it),
    // written in a fraction of the default level's time.
    book.set_zip_compression_level(1);
    let st = style::Styles::new();
    let mut names = names::Names::default();
    for name in FIXED_NAMES {
        names.unique(name);
    }
    let summary = &input.results.summary;
    book.set_properties(
        &DocProperties::new()
            .set_title(format!("{}: value case", summary.scenario.name))
            .set_comment(input.provenance.clone()),
    );
    // Sheets in reading order; the Summary links to the Base case, so the Base case (and
    // the Assumptions it reads) are written first and the sheets put in order after.
    summary::add(&mut book)?;
    let refs = assumptions::write(&mut book, input, &st, &mut names)?;
    let base = base_case::write(&mut book, input, &st, &mut names, &refs)?;
    mean_flow::write(&mut book, input, &st, &base)?;
    tei::write(&mut book, input, &st, &base, &refs)?;
    distribution::write(&mut book, input, &st)?;
    trials::write(&mut book, input, &st)?;
    summary::write(&mut book, input, &st, &base)?;
    book.save_to_buffer()
}
