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
//! Layout (little-endian): the magic line `VALUECASE-PART 5\n`, the length of the header as a
//! u64, the header as JSON ([`PartHeader`]), then `width` columns of `rows` f64 values each,
//! column by column (the layout of [`TrialTable`]), then the CRC-32 (IEEE) of everything
//! before it as a u32.
//!
//! Parts travel between machines, so nothing in them is trusted: every size is checked with
//! arithmetic that cannot overflow before anything is allocated, the checksum covers header and
//! rows, the scenario text must match its SHA-256, every value must be one a run can write
//! ([`check`]), and the sketches must count exactly the part's trials. A part that fails any
//! check is refused, naming the file and what is wrong.

mod check;
mod error;

use std::io::{Read, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::run::{MonthlySketches, RunOutput, RunSpec, TrialTable};
use crate::model::Model;

pub use error::{MergeProblem, PartError, PartProblem};

/// First bytes of every part file (the digit is the format version).
pub const MAGIC: &[u8] = b"VALUECASE-PART 5\n";

/// Largest header accepted, in bytes: the sketches of the longest horizon with many user
/// groups take a few megabytes.
pub const MAX_HEADER: u64 = 1 << 28;

/// Most trials one merged run may hold (adoption histograms count in 32 bits).
pub const MAX_MERGED_TRIALS: u64 = u32::MAX as u64;

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
    /// Capabilities of the scenario, whose contributions follow the scalar columns; any two
    /// columns after them are the trial without its levers ([`super::lever_columns`]).
    pub capabilities: usize,
    pub horizon_months: usize,
    /// Seconds the part took to compute.
    pub elapsed_seconds: f64,
    pub sketches: MonthlySketches,
}

/// Everything written through it is also fed to a CRC-32.
struct Crc32Writer<'w, W: Write> {
    inner: &'w mut W,
    crc: crc32fast::Hasher,
}

impl<W: Write> Write for Crc32Writer<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.crc.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Everything read through it is also fed to a CRC-32.
struct Crc32Reader<'r, R: Read> {
    inner: &'r mut R,
    crc: crc32fast::Hasher,
}

impl<R: Read> Read for Crc32Reader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.crc.update(&buf[..n]);
        Ok(n)
    }
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
        model: &Model,
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
                capabilities: model.capabilities.len(),
                horizon_months: model.horizon,
                elapsed_seconds,
                sketches: out.sketches,
            },
            table: out.table,
        }
    }

    /// Write the part.
    pub fn write_to(&self, w: &mut impl Write) -> std::io::Result<()> {
        let header = serde_json::to_vec(&self.header).map_err(std::io::Error::other)?;
        let mut w = Crc32Writer {
            inner: w,
            crc: crc32fast::Hasher::new(),
        };
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
        let crc = w.crc.finalize();
        w.inner.write_all(&crc.to_le_bytes())
    }

    /// Read a part and check everything in it (see the module doc); whether parts make up one
    /// run is [`merge`]'s to check.
    pub fn read_from(r: &mut impl Read) -> Result<Part, PartProblem> {
        let mut r = Crc32Reader {
            inner: r,
            crc: crc32fast::Hasher::new(),
        };
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
        if len > MAX_HEADER {
            return Err(PartProblem::HeaderLength(len));
        }
        let mut header = Vec::new();
        (&mut r)
            .take(len)
            .read_to_end(&mut header)
            .map_err(PartProblem::TruncatedHeader)?;
        if header.len() as u64 != len {
            return Err(PartProblem::TruncatedHeader(std::io::Error::from(
                std::io::ErrorKind::UnexpectedEof,
            )));
        }
        let header: PartHeader =
            serde_json::from_slice(&header).map_err(PartProblem::CorruptHeader)?;
        let (rows, bytes) = check::layout(&header)?;
        // Read at most the expected bytes (never more than the file holds), then the checksum.
        let mut raw = Vec::new();
        (&mut r)
            .take(bytes)
            .read_to_end(&mut raw)
            .map_err(PartProblem::Rows)?;
        let computed = r.crc.clone().finalize();
        // The checksum, and nothing after it.
        let mut tail = Vec::new();
        r.inner
            .take(5)
            .read_to_end(&mut tail)
            .map_err(PartProblem::Rows)?;
        let [a, b, c, d] = tail[..] else {
            let found = (raw.len() + tail.len()) as u64;
            return Err(PartProblem::RowLength {
                expected: bytes,
                start: header.start,
                end: header.end,
                found: found.saturating_sub(4),
            });
        };
        if raw.len() as u64 != bytes {
            return Err(PartProblem::RowLength {
                expected: bytes,
                start: header.start,
                end: header.end,
                found: raw.len() as u64,
            });
        }
        let stored = u32::from_le_bytes([a, b, c, d]);
        if stored != computed {
            return Err(PartProblem::Checksum { stored, computed });
        }
        let data: Vec<f64> = raw
            .chunks_exact(8)
            .map(|b| f64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]))
            .collect();
        let table = TrialTable {
            width: header.width,
            rows,
            data,
        };
        check::content(&header, &table)?;
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
        if h.width != first.width
            || h.capabilities != first.capabilities
            || h.horizon_months != first.horizon_months
        {
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
    if total > MAX_MERGED_TRIALS {
        return Err(MergeProblem::TooManyTrials {
            trials: total,
            max: MAX_MERGED_TRIALS,
        }
        .into());
    }
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

#[cfg(test)]
mod tests;
