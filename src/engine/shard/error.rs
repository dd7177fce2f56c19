//! What can be wrong with part files, said so that a user can act on it: which file, and what
//! in it.

/// Why a part file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum PartError {
    /// One file is not a readable part.
    #[error("{file}: {problem}")]
    Unreadable { file: String, problem: PartProblem },
    /// The parts are readable but do not make up one run.
    #[error("cannot merge: {0}")]
    Merge(#[from] MergeProblem),
}

/// What is wrong inside one part file.
#[derive(Debug, thiserror::Error)]
pub enum PartProblem {
    #[error("cannot open: {0}")]
    Open(std::io::Error),
    #[error("not a valuecase part file (too short)")]
    TooShort,
    #[error(
        "a part file of another format version: merge parts with the valuecase that wrote them"
    )]
    OtherVersion,
    #[error("not a valuecase part file (it does not start with VALUECASE-PART)")]
    NotAPart,
    #[error("truncated header: {0}")]
    TruncatedHeader(std::io::Error),
    #[error("corrupt header length ({0} bytes; at most {max} allowed)", max = super::MAX_HEADER)]
    HeaderLength(u64),
    #[error("corrupt header: {0}")]
    CorruptHeader(serde_json::Error),
    #[error("corrupt header: {0}")]
    Layout(&'static str),
    #[error("cannot read rows: {0}")]
    Rows(std::io::Error),
    #[error(
        "truncated or padded rows: expected {expected} bytes for trials {start}..{end}, found {found}"
    )]
    RowLength {
        expected: u64,
        start: u64,
        end: u64,
        found: u64,
    },
    #[error(
        "checksum mismatch (stored {stored:08x}, computed {computed:08x}): the file was damaged or edited after it was written; compute the part again"
    )]
    Checksum { stored: u32, computed: u32 },
    #[error(
        "the scenario text in the part does not match its SHA-256 (the text was edited after the part was written); compute the part again"
    )]
    ScenarioText,
    #[error("trial {trial}: {column} is {value}, which a run never writes ({allowed})")]
    Value {
        trial: u64,
        column: &'static str,
        value: f64,
        allowed: &'static str,
    },
    #[error("corrupt monthly sketches: {0}")]
    Sketches(&'static str),
}

/// Why readable parts do not make up one run.
#[derive(Debug, thiserror::Error)]
pub enum MergeProblem {
    #[error("no parts to merge")]
    NoParts,
    #[error(
        "{a} and {b} come from different scenarios (SHA-256 {sha_a}… vs {sha_b}…): merge only parts of one run"
    )]
    DifferentScenarios {
        a: String,
        b: String,
        sha_a: String,
        sha_b: String,
    },
    #[error(
        "{a} has seed {seed_a} but {b} has seed {seed_b}: merge only parts run with the same seed"
    )]
    DifferentSeeds {
        a: String,
        seed_a: u64,
        b: String,
        seed_b: u64,
    },
    #[error(
        "{a} and {b} have different layouts: were they written by different valuecase versions?"
    )]
    DifferentLayouts { a: String, b: String },
    #[error(
        "the parts start at trial {start} ({first}): a merged run covers trials 0..N, so a part starting at trial 0 is missing"
    )]
    MissingStart { start: u64, first: String },
    #[error("gap: no part covers trials {from}..{to} (between {before} and {after})")]
    Gap {
        from: u64,
        to: u64,
        before: String,
        after: String,
    },
    #[error("overlap: trials {from}..{to} are in both {a} and {b}")]
    Overlap {
        from: u64,
        to: u64,
        a: String,
        b: String,
    },
    #[error(
        "the parts' layout does not match their scenario; were they written by another valuecase version?"
    )]
    LayoutMismatch,
    #[error("the parts hold {trials} trials together, more than one merged run may ({max})")]
    TooManyTrials { trials: u64, max: u64 },
}
