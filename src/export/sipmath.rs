//! `sips.json`: the run as a SIPmath 3.0 library (Probability Management's open standard), so
//! that spreadsheet models elsewhere regenerate its uncertainty: NPV, ROI, payback and every
//! continuous uncertain input as a Metalog (`Metalog_1_0`) driven by an HDR 2.0 generator,
//! correlated through a Gaussian copula whose matrix is in `globalVariables`.
//!
//! Each variable's Metalog is fitted to its simulated quantiles at 0.001, 0.002, …, 0.999 by
//! least squares, with the fewest terms (2 to 16) whose largest error is within
//! [`FIT_TARGET`] of its P1–P99 spread among the fits whose density is positive everywhere;
//! when none is that close, the closest of them. The terms, the error and the trial count are
//! in each SIP's `metadata`; the seed, the valuecase version and the scenario's SHA-256 in the
//! library's. What regenerating gives and loses: docs/MODEL.md, "SIPmath libraries".

use serde_json::{Value, json};

use super::{ExportError, Exporter};
use crate::dist::metalog::{self, MAX_TERMS, MetalogFit};
use crate::results::RunResults;
use crate::results::sips::{SipKind, SipSource, SipVariable};

/// The largest fit error aimed for, as a share of a variable's P1–P99 spread.
pub const FIT_TARGET: f64 = 0.002;

/// A SIP whose Metalog misses the simulated P10, P50 or P90 by more than this share of the
/// P10–P90 spread carries a `fitWarning`.
pub const WARN_BEYOND: f64 = 0.01;

/// The HDR entity of a scenario: 1 + the first eight hex digits of its SHA-256 modulo
/// 9,999,999, so that libraries of different scenarios do not share streams.
pub fn entity_of(sha256: &str) -> u64 {
    let head = sha256.get(..8).unwrap_or("0");
    1 + u64::from_str_radix(head, 16).unwrap_or(0) % 9_999_999
}

/// The SIPmath library.
pub struct Sipmath;

impl Exporter for Sipmath {
    fn file_name(&self) -> &'static str {
        "sips.json"
    }

    fn render(&self, results: &RunResults) -> Result<Vec<u8>, ExportError> {
        let encode = |message: String| ExportError::Encode {
            format: "SIPmath",
            message,
        };
        let source = results
            .sips
            .as_ref()
            .ok_or_else(|| encode("the run gathered no SIP data".into()))?;
        let library = library(results, source, &today());
        let mut text = serde_json::to_string_pretty(&library).map_err(|e| encode(e.to_string()))?;
        text.push('\n');
        Ok(text.into_bytes())
    }
}

/// A variable's fit, with its bounds if they can be kept, else without.
fn fit_variable(v: &SipVariable, levels: &[f64]) -> Result<MetalogFit, metalog::FitError> {
    let bounded = metalog::fit(
        levels,
        &v.quantiles,
        v.lower,
        v.upper,
        MAX_TERMS,
        FIT_TARGET,
    );
    match bounded {
        Err(metalog::FitError::NoFeasibleFit | metalog::FitError::OutsideBounds)
            if v.lower.is_some() || v.upper.is_some() =>
        {
            metalog::fit(levels, &v.quantiles, None, None, MAX_TERMS, FIT_TARGET)
        }
        other => other,
    }
}

/// The library as JSON, created on `date` ("YYYY-MM-DD").
pub fn library(results: &RunResults, source: &SipSource, date: &str) -> Value {
    let s = &results.summary;
    let entity = entity_of(&s.scenario.sha256);
    let mut rng = Vec::new();
    let mut sips = Vec::new();
    let mut left_out: Vec<Value> = source
        .left_out
        .iter()
        .map(|(name, why)| json!({"name": name, "reason": why}))
        .collect();
    // Copula layer of each variable, by index.
    let layer_of = |i: usize| {
        source
            .copula
            .as_ref()
            .and_then(|c| c.members.iter().position(|&m| m == i))
    };
    // One generator per variable, fitted or not: the copula's members keep theirs.
    let hdr_name = |i: usize| format!("hdr{}", i + 1);
    for (i, v) in source.variables.iter().enumerate() {
        rng.push(json!({
            "name": hdr_name(i),
            "function": "HDR_2_0",
            "arguments": {"counter": "PM_Index", "entity": entity, "varId": v.var_id, "seed3": 0, "seed4": 0}
        }));
    }
    for (i, v) in source.variables.iter().enumerate() {
        let fit = match fit_variable(v, &source.levels) {
            Ok(f) => f,
            Err(e) => {
                left_out
                    .push(json!({"name": v.name, "reason": format!("no Metalog fits it: {e}")}));
                continue;
            }
        };
        let name = hdr_name(i);
        let reference = match layer_of(i) {
            Some(p) => {
                json!({"source": "copula", "name": "Gaussian", "copulaLayer": format!("c{}", p + 1)})
            }
            None => json!({"source": "rng", "name": name}),
        };
        let mut arguments = serde_json::Map::new();
        arguments.insert("aCoefficients".into(), json!(fit.metalog.a));
        if let Some(l) = fit.metalog.lower {
            arguments.insert("lowerBound".into(), json!(l));
        }
        if let Some(u) = fit.metalog.upper {
            arguments.insert("upperBound".into(), json!(u));
        }
        let mut metadata: Value = json!({
            "kind": match v.kind { SipKind::Output => "output", SipKind::Input => "input" },
            "unit": v.unit,
            "count": v.count,
            "mean": v.mean, "std": v.std, "min": v.min, "max": v.max,
            "P10": v.p10, "P25": v.p25, "P50": v.p50, "P75": v.p75, "P90": v.p90,
            "terms": fit.metalog.a.len(),
            "fitError": fit.relative_error,
            "fitErrorMax": fit.max_error,
        });
        if let Some(note) = &v.note {
            metadata["values"] = json!(note);
        }
        // How far the Metalog's own P10, P50 and P90 are from the simulated ones, as shares of
        // the P10–P90 spread, and a warning where one is beyond the 1% a user may rely on.
        let spread = v.p90 - v.p10;
        let misses: Vec<(&str, f64)> = [
            ("P10", 0.1, v.p10),
            ("P50", 0.5, v.p50),
            ("P90", 0.9, v.p90),
        ]
        .iter()
        .map(|&(label, p, sim)| {
            let miss = if spread > 0.0 {
                (fit.metalog.quantile(p) - sim) / spread
            } else {
                0.0
            };
            (label, miss)
        })
        .collect();
        for &(label, miss) in &misses {
            metadata[format!("fitError{label}")] = json!(miss);
        }
        if let Some(&(label, miss)) = misses
            .iter()
            .filter(|(_, m)| m.abs() > WARN_BEYOND)
            .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
        {
            metadata["fitWarning"] = json!(format!(
                "the Metalog misses the simulated {label} by {:.1}% of the P10-P90 spread: the \
                 simulated distribution has a shape no Metalog of up to {MAX_TERMS} terms follows \
                 (typically a gap, where a programme-wide risk splits the outcomes in two); use \
                 the figures in results.json for it",
                100.0 * miss.abs()
            ));
        }
        sips.push(json!({
            "name": v.name,
            "ref": reference,
            "function": "Metalog_1_0",
            "arguments": arguments,
            "metadata": metadata,
        }));
    }
    let mut u01 = json!({"rng": rng});
    let mut global = Vec::new();
    if let Some(c) = &source.copula {
        let k = c.members.len();
        let rngs: Vec<String> = c.members.iter().map(|&i| hdr_name(i)).collect();
        let layers: Vec<String> = (1..=k).map(|p| format!("c{p}")).collect();
        u01["copula"] = json!([{
            "name": "Gaussian",
            "function": "GaussianCopula",
            "arguments": {
                "correlationMatrix": {"type": "globalVariables", "value": "correlationMatrix"},
                "rng": rngs,
            },
            "copulaLayer": layers,
        }]);
        let mut entries = Vec::with_capacity(k * (k + 1) / 2);
        for r in 0..k {
            for col in 0..=r {
                entries.push(
                    json!({"row": layers[r], "col": layers[col], "value": c.matrix[r * k + col]}),
                );
            }
        }
        global.push(json!({
            "name": "correlationMatrix",
            "value": {"columns": layers, "rows": layers, "matrix": entries},
        }));
    }
    let mut library = json!({
        "name": format!("{} (valuecase)", s.scenario.name),
        "objectType": "sipModel",
        "libraryType": "SIPmath_3_0",
        "version": "1",
        "dateCreated": date,
        "provenance": format!(
            "valuecase {}: scenario \"{}\" (SHA-256 {}), seed {}, {} trials",
            s.valuecase_version, s.scenario.name, s.scenario.sha256, s.seed, s.trials
        ),
        "U01": u01,
        "sips": sips,
        "metadata": {
            "valuecaseVersion": s.valuecase_version,
            "scenario": s.scenario.name,
            "scenarioSha256": s.scenario.sha256,
            "seed": s.seed,
            "trials": s.trials,
            "currency": s.currency,
            "entity": entity,
            "entityFrom": "1 + (the first 8 hex digits of the scenario's SHA-256) mod 9,999,999",
            "varIds": "NPV 1, ROI 2, payback 3; an input 1000 + its position among the scenario's inputs",
            "fit": format!(
                "least squares on the simulated quantiles at 0.001, 0.002, ..., 0.999; the fewest \
                 terms (2 to {MAX_TERMS}) whose largest error is within {}% of the P1-P99 spread \
                 among fits with a positive density, else the closest such fit; fitError is that \
                 largest error as a share of the spread",
                FIT_TARGET * 100.0
            ),
            "dependence": source.dependence_note,
            "leftOut": left_out,
        },
    });
    if !global.is_empty() {
        library["globalVariables"] = json!(global);
    }
    library
}

/// Today's date in UTC, "YYYY-MM-DD" (the library's `dateCreated`).
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_date((secs / 86_400) as i64)
}

/// The calendar date `days` after 1970-01-01 (H. Hinnant's days-to-civil algorithm).
fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_entities() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(20_794), "2026-12-07");
        assert_eq!(civil_date(11_016), "2000-02-29");
        assert_eq!(entity_of("00000000ffff"), 1);
        assert_eq!(entity_of("ffffffff"), 1 + 0xffff_ffffu64 % 9_999_999);
        assert!((1..=9_999_999).contains(&entity_of("")));
    }
}
