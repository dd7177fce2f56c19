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
//! Layout (little-endian): the magic line `VALUECASE-PART 2\n`, the length of the header as a
//! u64, the header as JSON ([`PartHeader`]), then `width` columns of `rows` f64 values each,
//! column by column (the layout of [`TrialTable`]).

use std::io::{Read, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::run::{MonthlySketches, RunOutput, RunSpec, TrialTable};

/// First bytes of every part file (the digit is the format version).
pub const MAGIC: &[u8] = b"VALUECASE-PART 2\n";

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
    pub fn read_from(r: &mut impl Read) -> Result<Part, String> {
        let mut magic = vec![0u8; MAGIC.len()];
        r.read_exact(&mut magic)
            .map_err(|_| "not a valuecase part file (too short)".to_string())?;
        if magic != MAGIC {
            return Err(if magic.starts_with(b"VALUECASE-PART") {
                "a part file of another format version: merge parts with the valuecase that wrote them".to_string()
            } else {
                "not a valuecase part file (it does not start with VALUECASE-PART)".to_string()
            });
        }
        let mut len = [0u8; 8];
        r.read_exact(&mut len)
            .map_err(|e| format!("truncated header: {e}"))?;
        let len = u64::from_le_bytes(len);
        if len > 1 << 32 {
            return Err("corrupt header length".to_string());
        }
        let mut header = vec![0u8; len as usize];
        r.read_exact(&mut header)
            .map_err(|e| format!("truncated header: {e}"))?;
        let header: PartHeader =
            serde_json::from_slice(&header).map_err(|e| format!("corrupt header: {e}"))?;
        if header.end < header.start || header.width == 0 {
            return Err("corrupt header: empty width or reversed range".to_string());
        }
        let values = (header.end - header.start) as usize * header.width;
        let mut bytes = Vec::new();
        r.read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read rows: {e}"))?;
        if bytes.len() != values * 8 {
            return Err(format!(
                "truncated or padded rows: expected {} bytes for trials {}..{}, found {}",
                values * 8,
                header.start,
                header.end,
                bytes.len()
            ));
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
    pub fn read(path: &Path) -> Result<Part, String> {
        let f = std::fs::File::open(path).map_err(|e| format!("cannot open: {e}"))?;
        Part::read_from(&mut std::io::BufReader::new(f))
    }
}

/// The run that parts make up together: one run over trials 0..N when the parts (in any
/// order) cover 0..N exactly once, with the same scenario, seed and layout. Errors name the
/// offending parts (by their index in `names`).
pub fn merge(parts: Vec<Part>, names: &[String]) -> Result<(PartHeader, RunOutput), String> {
    if parts.is_empty() {
        return Err("no parts to merge".to_string());
    }
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by_key(|&i| (parts[i].header.start, parts[i].header.end));
    let name = |i: usize| names.get(i).map_or("?", String::as_str);
    let first = &parts[order[0]].header;
    for &i in &order[1..] {
        let h = &parts[i].header;
        if h.scenario.sha256 != first.scenario.sha256 {
            return Err(format!(
                "{} and {} come from different scenarios (SHA-256 {}… vs {}…): merge only parts of one run",
                name(order[0]),
                name(i),
                &first.scenario.sha256[..12.min(first.scenario.sha256.len())],
                &h.scenario.sha256[..12.min(h.scenario.sha256.len())]
            ));
        }
        if h.seed != first.seed {
            return Err(format!(
                "{} has seed {} but {} has seed {}: merge only parts run with the same seed",
                name(order[0]),
                first.seed,
                name(i),
                h.seed
            ));
        }
        if h.width != first.width || h.horizon_months != first.horizon_months {
            return Err(format!(
                "{} and {} have different layouts: were they written by different valuecase versions?",
                name(order[0]),
                name(i)
            ));
        }
    }
    if first.start != 0 {
        return Err(format!(
            "the parts start at trial {} ({}): a merged run covers trials 0..N, so a part starting at trial 0 is missing",
            first.start,
            name(order[0])
        ));
    }
    for w in order.windows(2) {
        let (a, b) = (&parts[w[0]].header, &parts[w[1]].header);
        if b.start > a.end {
            return Err(format!(
                "gap: no part covers trials {}..{} (between {} and {})",
                a.end,
                b.start,
                name(w[0]),
                name(w[1])
            ));
        }
        if b.start < a.end {
            return Err(format!(
                "overlap: trials {}..{} are in both {} and {}",
                b.start,
                a.end.min(b.end),
                name(w[0]),
                name(w[1])
            ));
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
