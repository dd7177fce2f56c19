//! Part files: one shard of a run (a range of trials) as `valuecase run --trials-range` writes
//! it and `valuecase merge` reads it.
//!
//! A part holds everything the summary of the whole run needs from those trials — their
//! per-trial table, in trial order, and the monthly sketches — plus what identifies the run:
//! the scenario (its text and SHA-256, so that merge can rebuild the model and needs no access
//! to the original file), the seed and the trial range. Trials are keyed by (seed, input name,
//! trial number), so a trial computes to the same bits in any shard, and sketches hold integer
//! counts, so merging parts gives exactly what one run over all their trials gives.
//!
//! Layout (little-endian): the magic line `VALUECASE-PART 3\n`, the length of the header as a
//! u64, the header as JSON ([`PartHeader`]), then `width` columns of `rows` f64 values each,
//! column by column (the layout of [`TrialTable`]).

use std::io::{Read, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::run::{MonthlySketches, RunOutput, RunSpec, TrialTable};

/// First bytes of every part file (the digit is the format version).
pub const MAGIC: &[u8] = b"VALUECASE-PART 3\n";

/// File name suffix of part files.
pub const EXTENSION: &str = "vcpart";

/// The scenario a part was computed from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartScenario {
    pub name: String,
    /// Path as given on the command line; None for the built-in scenario.
    pub file: Option<String>,
    /// SHA-256 of `text`, hex.
    pub sha256: String,
    /// The scenario file's text.
    pub text: String,
}

/// Everything in a part file but the per-trial rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartHeader {
    pub valuecase_version: String,
    pub scenario: PartScenario,
    pub seed: u64,
    /// First trial (inclusive).
    pub start: u64,
    /// Last trial (exclusive).
    pub end: u64,
    /// Columns of the table (values per trial).
    pub width: usize,
    pub horizon_months: usize,
    /// Seconds the part took to compute.
    pub elapsed_seconds: f64,
    pub sketches: MonthlySketches,
}

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
    #[error("corrupt header length")]
    HeaderLength,
    #[error("corrupt header: {0}")]
    CorruptHeader(serde_json::Error),
    #[error("corrupt header: empty width or reversed range")]
    EmptyLayout,
    #[error("cannot read rows: {0}")]
    Rows(std::io::Error),
    #[error(
        "truncated or padded rows: expected {expected} bytes for trials {start}..{end}, found {found}"
    )]
    RowLength {
        expected: usize,
        start: u64,
        end: u64,
        found: usize,
    },
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
}

/// A part: its header and its rows.
#[derive(Debug, Clone)]
pub struct Part {
    pub header: PartHeader,
    pub table: TrialTable,
}

impl Part {
    /// The part of a finished run.
    pub fn from_run(
        out: RunOutput,
        scenario: PartScenario,
        horizon_months: usize,
        elapsed_seconds: f64,
    ) -> Part {
        Part {
            header: PartHeader {
                valuecase_version: env!("CARGO_PKG_VERSION").to_string(),
                scenario,
                seed: out.spec.seed,
                start: out.spec.first_trial,
                end: out.spec.first_trial + out.spec.trials,
                width: out.table.width,
                horizon_months,
                elapsed_seconds,
                sketches: out.sketches,
            },
            table: out.table,
        }
    }

    /// Write the part.
    pub fn write_to(&self, w: &mut impl Write) -> std::io::Result<()> {
        let header = serde_json::to_vec(&self.header).map_err(std::io::Error::other)?;
        w.write_all(MAGIC)?;
        w.write_all(&(header.len() as u64).to_le_bytes())?;
        w.write_all(&header)?;
        let mut buf = Vec::with_capacity(8 * 8192);
        for chunk in self.table.data.chunks(8192) {
            buf.clear();
            for v in chunk {
                buf.extend_from_slice(&v.to_le_bytes());
            }
            w.write_all(&buf)?;
        }
        Ok(())
    }

    /// Read a part, checking its structure (not its content: see [`merge`]).
    pub fn read_from(r: &mut impl Read) -> Result<Part, PartProblem> {
        let mut magic = vec![0u8; MAGIC.len()];
        r.read_exact(&mut magic)
            .map_err(|_| PartProblem::TooShort)?;
        if magic != MAGIC {
            return Err(if magic.starts_with(b"VALUECASE-PART") {
                PartProblem::OtherVersion
            } else {
                PartProblem::NotAPart
            });
        }
        let mut len = [0u8; 8];
        r.read_exact(&mut len)
            .map_err(PartProblem::TruncatedHeader)?;
        let len = u64::from_le_bytes(len);
        if len > 1 << 32 {
            return Err(PartProblem::HeaderLength);
        }
        let mut header = vec![0u8; len as usize];
        r.read_exact(&mut header)
            .map_err(PartProblem::TruncatedHeader)?;
        let header: PartHeader =
            serde_json::from_slice(&header).map_err(PartProblem::CorruptHeader)?;
        if header.end < header.start || header.width == 0 {
            return Err(PartProblem::EmptyLayout);
        }
        let values = (header.end - header.start) as usize * header.width;
        let mut bytes = Vec::new();
        r.read_to_end(&mut bytes).map_err(PartProblem::Rows)?;
        if bytes.len() != values * 8 {
            return Err(PartProblem::RowLength {
                expected: values * 8,
                start: header.start,
                end: header.end,
                found: bytes.len(),
            });
        }
        let data = bytes
            .chunks_exact(8)
            .map(|b| f64::from_le_bytes(b.try_into().expect("8 bytes")))
            .collect();
        let table = TrialTable {
            width: header.width,
            rows: (header.end - header.start) as usize,
            data,
        };
        Ok(Part { header, table })
    }

    /// Read a part file.
    pub fn read(path: &Path) -> Result<Part, PartError> {
        let unreadable = |problem| PartError::Unreadable {
            file: path.display().to_string(),
            problem,
        };
        let f = std::fs::File::open(path).map_err(|e| unreadable(PartProblem::Open(e)))?;
        Part::read_from(&mut std::io::BufReader::new(f)).map_err(unreadable)
    }
}

/// The run that parts make up together: one run over trials 0..N when the parts (in any
/// order) cover 0..N exactly once, with the same scenario, seed and layout. Errors name the
/// offending parts (by their index in `names`).
pub fn merge(parts: Vec<Part>, names: &[String]) -> Result<(PartHeader, RunOutput), PartError> {
    if parts.is_empty() {
        return Err(MergeProblem::NoParts.into());
    }
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by_key(|&i| (parts[i].header.start, parts[i].header.end));
    let name = |i: usize| names.get(i).map_or("?", String::as_str);
    let first = &parts[order[0]].header;
    for &i in &order[1..] {
        let h = &parts[i].header;
        if h.scenario.sha256 != first.scenario.sha256 {
            let short = |sha: &str| sha.chars().take(12).collect();
            return Err(MergeProblem::DifferentScenarios {
                a: name(order[0]).into(),
                b: name(i).into(),
                sha_a: short(&first.scenario.sha256),
                sha_b: short(&h.scenario.sha256),
            }
            .into());
        }
        if h.seed != first.seed {
            return Err(MergeProblem::DifferentSeeds {
                a: name(order[0]).into(),
                seed_a: first.seed,
                b: name(i).into(),
                seed_b: h.seed,
            }
            .into());
        }
        if h.width != first.width || h.horizon_months != first.horizon_months {
            return Err(MergeProblem::DifferentLayouts {
                a: name(order[0]).into(),
                b: name(i).into(),
            }
            .into());
        }
    }
    if first.start != 0 {
        return Err(MergeProblem::MissingStart {
            start: first.start,
            first: name(order[0]).into(),
        }
        .into());
    }
    for w in order.windows(2) {
        let (a, b) = (&parts[w[0]].header, &parts[w[1]].header);
        if b.start > a.end {
            return Err(MergeProblem::Gap {
                from: a.end,
                to: b.start,
                before: name(w[0]).into(),
                after: name(w[1]).into(),
            }
            .into());
        }
        if b.start < a.end {
            return Err(MergeProblem::Overlap {
                from: b.start,
                to: a.end.min(b.end),
                a: name(w[0]).into(),
                b: name(w[1]).into(),
            }
            .into());
        }
    }
    let header = parts[order[0]].header.clone();
    let total = parts[order[order.len() - 1]].header.end;
    let width = header.width;
    // Each part's piece of every column goes to its place in the merged columns; a part's
    // table is freed as soon as it is copied.
    let total_rows = total as usize;
    let mut data = vec![0.0; total_rows * width];
    let mut sketches = header.sketches.clone();
    let mut parts: Vec<Option<Part>> = parts.into_iter().map(Some).collect();
    for (k, &i) in order.iter().enumerate() {
        let Some(part) = parts[i].take() else {
            continue;
        };
        let start = part.header.start as usize;
        for c in 0..width {
            let piece = part.table.column(c);
            data[c * total_rows + start..][..piece.len()].copy_from_slice(piece);
        }
        if k > 0 {
            sketches.merge(&part.header.sketches);
        }
    }
    let out = RunOutput {
        spec: RunSpec {
            seed: header.seed,
            first_trial: 0,
            trials: total,
        },
        table: TrialTable {
            width,
            rows: total as usize,
            data,
        },
        sketches,
    };
    Ok((header, out))
}
