//! What a SIPmath library of a run is made from (`--export sipmath`): each variable's simulated
//! quantiles and statistics, and the rank dependence between them as a Gaussian copula's
//! normal-space correlation matrix. Plain data; the export fits the Metalogs and writes the
//! library (docs/MODEL.md, "SIPmath libraries").

/// Whether a SIP is a result of the model or one of its inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SipKind {
    Output,
    Input,
}

/// One variable of the library.
#[derive(Debug, Clone, PartialEq)]
pub struct SipVariable {
    /// The output's name ("NPV", "ROI", "Payback months") or the input's stable name.
    pub name: String,
    pub kind: SipKind,
    /// The unit in words ("USD", "fraction", "months", or the input's unit).
    pub unit: String,
    /// The HDR variable id of its generator: 1, 2, 3 for the outputs, 1000 + the input's
    /// position among the scenario's inputs (stable while the file's inputs are).
    pub var_id: u64,
    /// Bounds the Metalog keeps to (only where every fitted quantile lies strictly inside).
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    /// The simulated quantiles at [`SipSource::levels`].
    pub quantiles: Vec<f64>,
    /// Trials the values come from.
    pub count: u64,
    pub mean: f64,
    pub std: f64,
    pub min: f64,
    pub max: f64,
    pub p10: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p90: f64,
    /// What the values are of, when not every trial (payback: the trials that pay back).
    pub note: Option<String>,
}

/// The Gaussian copula of the library: members (indices into [`SipSource::variables`]) and
/// their normal-space correlation matrix, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct SipCopula {
    pub members: Vec<usize>,
    pub matrix: Vec<f64>,
}

/// Everything a SIPmath library of a run needs.
#[derive(Debug, Clone, PartialEq)]
pub struct SipSource {
    /// The cumulative probabilities the quantiles are at.
    pub levels: Vec<f64>,
    pub variables: Vec<SipVariable>,
    /// None when no variable depends on another.
    pub copula: Option<SipCopula>,
    /// Why the outputs are, or are not, in the copula, and what that gives a user.
    pub dependence_note: String,
    /// Inputs left out, each with the reason (a Metalog cannot hold a point mass).
    pub left_out: Vec<(String, String)>,
}
