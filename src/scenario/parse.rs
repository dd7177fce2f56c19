//! The entry points: scenario text or a file → a validated [`Scenario`].
//!
//! The TOML is parsed once into a span-keeping tree (`toml::de::DeTable`); a syntax error stops
//! there. After that every section is read by its file in [`schema`](super::schema) with the
//! [`read`](super::read) walker, which *collects* problems (types, ranges, unknown keys,
//! references, duplicates, missing baseline prerequisites), so one run reports everything wrong
//! with a file, sorted by line.

use std::fs::{self, File};
use std::io::{ErrorKind, Read};
use std::path::Path;

use toml::de::DeTable;

use super::diagnostic::{Diagnostic, ScenarioError};
use super::read::Reader;
use super::schema::{self, BASELINE_FIELDS, Ctx, SCENARIO_FIELDS};
use super::types::{Location, Scenario};

/// Largest scenario file accepted, in bytes (10 MiB).
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// Parse scenario text. `file` is only used to label errors.
pub fn parse_str(text: &str, file: Option<&Path>) -> Result<Scenario, ScenarioError> {
    let file = file.map(Path::to_path_buf);
    // An editor's byte-order mark is invisible: drop it so columns match what the user sees.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(ScenarioError::single(
            file,
            Diagnostic::new("", "the scenario is empty").allowed(
                "a scenario with at least [scenario], [[user_groups]] and [[capabilities]]; \
                 `valuecase init FILE` writes a commented starter",
            ),
        ));
    }
    let doc = match DeTable::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            return Err(ScenarioError::in_text(
                file,
                vec![syntax_error(text, &e)],
                text,
            ));
        }
    };
    if doc.get_ref().is_empty() {
        return Err(ScenarioError::single(
            file,
            Diagnostic::new(
                "",
                "the scenario is empty: it has only comments and blank lines",
            )
            .allowed(
                "a scenario with at least [scenario], [[user_groups]] and [[capabilities]]; \
                     `valuecase init FILE` writes a commented starter",
            ),
        ));
    }
    let reader = Reader::new(text);
    let scenario = build(&reader, &doc);
    let (mut diagnostics, omitted) = reader.into_diagnostics();
    if diagnostics.is_empty() {
        return Ok(scenario);
    }
    diagnostics.sort_by_key(|d| d.location.map(|l| (l.line, l.column)));
    diagnostics.dedup();
    Err(ScenarioError::in_text(file, diagnostics, text).with_omitted(omitted))
}

/// A TOML syntax error, with its position and the offending text when it is short (the key of
/// a `duplicate key`); the rendering shows its line.
fn syntax_error(text: &str, e: &toml::de::Error) -> Diagnostic {
    let reader = Reader::new(text);
    let mut message = format!("invalid TOML: {}", e.message().trim());
    let Some(span) = e.span() else {
        return Diagnostic::new("", message);
    };
    let location = reader.location(span.start);
    let snippet = text
        .get(span.start.min(text.len())..span.end.min(text.len()))
        .unwrap_or("")
        .trim();
    if !snippet.is_empty() && snippet.chars().count() <= 60 && !snippet.contains('\n') {
        message.push_str(&format!(" (at `{snippet}`)"));
    }
    Diagnostic::new("", message)
        .at(Some(location))
        .allowed("valid TOML; see docs/SCENARIO.md, section 1, for the few rules a scenario uses")
}

/// Read and parse a scenario file; also returns the file's bytes (for a checksum).
///
/// Never panics: a missing, unreadable, oversized, empty or non-UTF-8 file is a
/// [`ScenarioError`] with one diagnostic saying what is wrong.
pub fn parse_file(path: &Path) -> Result<(Scenario, Vec<u8>), ScenarioError> {
    let fail = |message: String, allowed: Option<&str>| {
        let mut d = Diagnostic::new("", message);
        if let Some(a) = allowed {
            d = d.allowed(a);
        }
        ScenarioError::single(Some(path.to_path_buf()), d)
    };
    let too_large = |len: u64| {
        fail(
            format!(
                "the file is {len} bytes; scenario files are limited to 10 MiB ({MAX_FILE_BYTES} bytes)"
            ),
            Some("a scenario file of at most 10 MiB"),
        )
    };
    let metadata = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            return Err(fail(
                "file not found".into(),
                Some("an existing scenario file; `valuecase init FILE` writes a starter"),
            ));
        }
        Err(e) => return Err(fail(format!("cannot read the file: {e}"), None)),
    };
    if metadata.is_dir() {
        return Err(fail(
            "this is a directory, not a scenario file".into(),
            Some("the path of a .toml scenario file"),
        ));
    }
    if metadata.len() > MAX_FILE_BYTES {
        return Err(too_large(metadata.len()));
    }
    let mut bytes = Vec::new();
    let read = File::open(path).and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes));
    if let Err(e) = read {
        let msg = if e.kind() == ErrorKind::PermissionDenied {
            format!("cannot read the file: permission denied ({e})")
        } else {
            format!("cannot read the file: {e}")
        };
        return Err(fail(msg, None));
    }
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    if bytes.is_empty() {
        return Err(fail(
            "the file is empty".into(),
            Some("`valuecase init FILE` writes a commented starter scenario"),
        ));
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(fail(
            "the file is UTF-16 text; scenario files must be UTF-8".into(),
            Some("save the file as UTF-8 (in most editors: Save As → Encoding → UTF-8)"),
        ));
    }
    let text = match std::str::from_utf8(&bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.valid_up_to();
            let prefix = &bytes[..at];
            let line = prefix.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = prefix
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            // The prefix is valid UTF-8 by construction.
            let column = std::str::from_utf8(&prefix[line_start..])
                .map_or(at - line_start, |s| s.chars().count())
                + 1;
            let location = Location {
                line: u32::try_from(line).unwrap_or(u32::MAX),
                column: u32::try_from(column).unwrap_or(u32::MAX),
            };
            let d = Diagnostic::new(
                "",
                format!(
                    "the file is not UTF-8 text: invalid byte 0x{:02X} at byte {at} (line {line}, column {column})",
                    bytes[at]
                ),
            )
            .at(Some(location))
            .allowed(
                "UTF-8 text; the file was probably saved in another encoding \
                 (e.g. Windows-1252 or Latin-1): save it as UTF-8",
            );
            return Err(ScenarioError::single(Some(path.to_path_buf()), d));
        }
    };
    let scenario = parse_str(text, Some(path))?;
    Ok((scenario, bytes))
}

/// The top-level sections, in the order they are read.
const SECTIONS: [&str; 10] = [
    "scenario",
    "baseline",
    "roles",
    "user_groups",
    "capabilities",
    "levers",
    "costs",
    "risks",
    "correlations",
    "tei",
];

/// Read every section of a syntactically valid document; problems go to `r`.
fn build<'r>(r: &'r Reader<'r>, doc: &'r toml::Spanned<DeTable<'r>>) -> Scenario {
    let mut root = r.root(doc);
    for s in SECTIONS {
        root.know(s);
    }
    let (meta, horizon) = schema::parse_meta(&mut root);
    let mut ctx = Ctx::new(r, horizon);
    let baseline = schema::parse_baseline(&mut root, &mut ctx);
    let roles = schema::parse_roles(&mut root, &mut ctx);
    let user_groups = schema::parse_user_groups(&mut root, &mut ctx);
    let capabilities = schema::parse_capabilities(&mut root, &ctx);
    // Risks before levers: a lever's effects may name risks.
    let risks = schema::parse_risks(&mut root, r);
    let levers = schema::parse_levers(&mut root, &ctx, &risks);
    let costs = schema::parse_costs(&mut root, &ctx);
    schema::check_cost_columns(&ctx);
    let mut scenario = Scenario {
        meta,
        baseline,
        roles,
        user_groups,
        capabilities,
        levers,
        costs,
        risks,
        correlations: Vec::new(),
        tei: Default::default(),
        allowed_ranges: Default::default(),
    };
    // Correlations name inputs of every other section: read them last.
    scenario.correlations = schema::parse_correlations(&mut root, r, &scenario);
    scenario.tei = schema::parse_tei(&mut root, r, &scenario);
    // Fields written above the first [section] header land at the top level: say where they
    // belong instead of calling them unknown sections.
    for (fields, section) in [
        (&SCENARIO_FIELDS[..], "scenario"),
        (&BASELINE_FIELDS[..], "baseline"),
    ] {
        for &key in fields {
            root.reject_with(
                key,
                |k| format!("`{k}` belongs in the [{section}] section: move it below the [{section}] line"),
                None,
            );
        }
    }
    root.finish();
    scenario.allowed_ranges = r.take_allowed();
    scenario
}
