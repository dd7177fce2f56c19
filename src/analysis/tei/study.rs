//! Reading a vendor's TEI study file (docs/SCENARIO.md, "A vendor's TEI study"): the table as
//! printed, with the same messages as a scenario's (file, line:column, field, what is allowed,
//! the key probably meant), all problems at once.
//!
//! Every number keeps the precision it is printed to, read from how it is written: `2.62` is
//! printed to hundredths, `1_090_699` to units. That is what the check allows for.

use std::path::Path;

use toml::de::{DeTable, DeValue};

use crate::scenario::{Bounds, Diagnostic, Location, Reader, ScenarioError, Table, Value};

/// Largest study file accepted, in bytes: a study is a table of a few dozen numbers.
pub const MAX_STUDY_BYTES: u64 = 1024 * 1024;

/// Most years a study's table may have.
pub const MAX_YEARS: usize = 50;

/// A number as a study prints it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Printed {
    pub value: f64,
    /// The place of its last printed digit: 1 for whole units, 0.01 for hundredths. The true
    /// figure lies within half of it.
    pub unit: f64,
}

/// The published figures, each optional.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Published {
    pub pv_costs: Option<Printed>,
    pub pv_benefits: Option<Printed>,
    pub npv: Option<Printed>,
    /// As a fraction: 2.62 = 262%.
    pub roi: Option<Printed>,
    pub payback_months: Option<Printed>,
}

/// A vendor's TEI study as printed.
#[derive(Debug, Clone, PartialEq)]
pub struct Study {
    pub name: String,
    pub discount_rate: f64,
    pub currency: Option<String>,
    /// Users (seats) of the study's composite organisation, for scaling its NPV by seats.
    pub seats: Option<f64>,
    /// The precision the money rows (and published money figures) are printed to, when the
    /// study says so (`rounding = 1000` for a table in thousands); else as written.
    pub rounding: Option<f64>,
    /// Initial, then each year: positive amounts.
    pub costs: Vec<Printed>,
    pub benefits: Vec<Printed>,
    pub published: Published,
}

/// Read a study file. Problems of any kind (missing, unreadable, too large, not UTF-8, not
/// TOML, wrong fields) come back as one error listing them all.
pub fn read_study(path: &Path) -> Result<Study, ScenarioError> {
    let fail = |message: String, allowed: &str| {
        ScenarioError::single(
            Some(path.to_path_buf()),
            Diagnostic::new("", message).allowed(allowed),
        )
    };
    let allowed = "a TEI study file in TOML (docs/SCENARIO.md, \"A vendor's TEI study\")";
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => fail("file not found".into(), allowed),
        _ => fail(format!("cannot read the file: {e}"), allowed),
    })?;
    if meta.is_dir() {
        return Err(fail(
            "this is a directory, not a study file".into(),
            allowed,
        ));
    }
    if meta.len() > MAX_STUDY_BYTES {
        return Err(fail(
            format!(
                "the file is {} bytes; study files are limited to 1 MiB",
                meta.len()
            ),
            allowed,
        ));
    }
    let bytes =
        std::fs::read(path).map_err(|e| fail(format!("cannot read the file: {e}"), allowed))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        fail(
            format!("the file is not UTF-8 text: invalid byte at byte {at} (line {line})"),
            "UTF-8 text: save the file as UTF-8",
        )
    })?;
    parse_study(&text, Some(path))
}

/// Read a study from its text; `file` only labels the errors.
pub fn parse_study(text: &str, file: Option<&Path>) -> Result<Study, ScenarioError> {
    let file = file.map(Path::to_path_buf);
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let doc = match DeTable::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            let reader = Reader::new(text);
            let d = Diagnostic::new("", format!("invalid TOML: {}", e.message().trim()))
                .at(e.span().map(|s| reader.location(s.start)))
                .allowed("valid TOML (docs/SCENARIO.md, \"A vendor's TEI study\")");
            return Err(ScenarioError::in_text(file, vec![d], text));
        }
    };
    let reader = Reader::new(text);
    let study = read_root(&reader, &doc);
    let (mut diagnostics, omitted) = reader.into_diagnostics();
    if diagnostics.is_empty() {
        // Every required field was read: the placeholders below are never returned.
        return Ok(study);
    }
    diagnostics.sort_by_key(|d| d.location.map(|l| (l.line, l.column)));
    diagnostics.dedup();
    Err(ScenarioError::in_text(file, diagnostics, text).with_omitted(omitted))
}

const MONEY: Bounds = Bounds::money_nonneg();

fn read_root<'r>(r: &'r Reader<'r>, doc: &'r toml::Spanned<DeTable<'r>>) -> Study {
    let mut root = r.root(doc);
    let mut study = Study {
        name: String::new(),
        discount_rate: 0.0,
        currency: None,
        seats: None,
        rounding: None,
        costs: Vec::new(),
        benefits: Vec::new(),
        published: Published::default(),
    };
    match root.take("study").and_then(|v| v.table()) {
        Some(mut t) => {
            study.name = t
                .required("name", "the study's title, in quotes")
                .and_then(|v| v.string())
                .unwrap_or_default()
                .to_string();
            study.discount_rate = t
                .required_number(
                    "discount_rate",
                    &Bounds::closed(0.0, 1.0).with_note("the study's annual rate: 0.10 = 10%"),
                )
                .unwrap_or(0.0);
            study.currency = t
                .optional_string("currency")
                .ok()
                .flatten()
                .map(String::from);
            study.seats = t
                .optional_number(
                    "seats",
                    &Bounds::above(0.0).with_note("users of the study's composite organisation"),
                )
                .ok()
                .flatten();
            study.rounding = t
                .optional_number(
                    "rounding",
                    &Bounds::above(0.0).with_note(
                        "what the money figures are rounded to: 1, or 1000 for thousands",
                    ),
                )
                .ok()
                .flatten();
            for key in ["source", "date"] {
                let _ = t.optional_string(key);
            }
            t.finish();
        }
        None => root.missing("study", "[study] with name and discount_rate"),
    }
    let costs = rows(&mut root, "costs");
    let benefits = rows(&mut root, "benefits");
    if let (Some((c, _)), Some((b, at))) = (&costs, &benefits)
        && c.len() != b.len()
    {
        r.report(
            Diagnostic::new(
                "benefits.years",
                format!(
                    "the benefits have {} years and the costs {}",
                    b.len() - 1,
                    c.len() - 1
                ),
            )
            .at(*at)
            .allowed("the same number of years in [costs] and [benefits] (write 0 for a year without any)"),
        );
    }
    study.costs = costs.map(|(c, _)| c).unwrap_or_default();
    study.benefits = benefits.map(|(b, _)| b).unwrap_or_default();
    if let Some(mut t) = root.take("published").and_then(|v| v.table()) {
        let mut figure =
            |key: &'static str, bounds: &Bounds| t.take(key).and_then(|v| printed(&v, bounds));
        study.published = Published {
            pv_costs: figure("pv_costs", &MONEY),
            pv_benefits: figure("pv_benefits", &MONEY),
            npv: figure("npv", &Bounds::money()),
            roi: figure(
                "roi",
                &Bounds::closed(-1.0, 1e6).with_note("a fraction: 2.62 = 262%"),
            ),
            payback_months: figure(
                "payback_months",
                &Bounds::closed(0.0, 12.0 * MAX_YEARS as f64).with_note("months"),
            ),
        };
        t.finish();
    }
    root.finish();
    study
}

/// `[costs]` or `[benefits]`: `initial` (default 0) then `years`, with where `years` is.
fn rows(root: &mut Table<'_>, key: &'static str) -> Option<(Vec<Printed>, Option<Location>)> {
    let Some(mut t) = root.take(key).and_then(|v| v.table()) else {
        root.missing(key, format!("[{key}] with initial and years = [..]"));
        return None;
    };
    let initial = match t.take("initial") {
        Some(v) => printed(&v, &MONEY),
        None => Some(Printed {
            value: 0.0,
            unit: 1.0,
        }),
    };
    let allowed = format!(
        "a list of 1 to {MAX_YEARS} amounts, one per year, as printed (positive), e.g. years = [400_000, 380_000]"
    );
    let years = t.required("years", allowed.clone()).and_then(|v| {
        let items = v.array()?;
        if items.is_empty() || items.len() > MAX_YEARS {
            v.report(
                v.diag(format!("{} years", items.len()))
                    .allowed(allowed.clone()),
            );
            return None;
        }
        let values: Vec<Option<Printed>> = items.iter().map(|i| printed(i, &MONEY)).collect();
        values
            .into_iter()
            .collect::<Option<Vec<_>>>()
            .map(|y| (y, v.location()))
    });
    t.finish();
    let (years, at) = years?;
    let mut out = vec![initial?];
    out.extend(years);
    Some((out, Some(at)))
}

/// A number within `bounds`, with the precision it is written to.
fn printed(v: &Value<'_>, bounds: &Bounds) -> Option<Printed> {
    let value = v.number(bounds)?;
    let unit = match v.raw() {
        DeValue::Float(f) => unit_of(f.as_str()),
        _ => 1.0,
    };
    Some(Printed { value, unit })
}

/// The place of the last digit of a decimal number as written: `2.62` → 0.01, `2.9e3` → 100.
fn unit_of(raw: &str) -> f64 {
    let lower = raw.to_ascii_lowercase().replace('_', "");
    let (mantissa, exponent) = match lower.split_once('e') {
        Some((m, e)) => (m.to_string(), e.parse::<i32>().unwrap_or(0)),
        None => (lower, 0),
    };
    let decimals = mantissa.split_once('.').map_or(0, |(_, frac)| {
        frac.chars().filter(char::is_ascii_digit).count() as i32
    });
    10f64.powi(exponent - decimals)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = super::super::EXAMPLE;

    #[test]
    fn the_example_reads_with_its_precisions() {
        let s = parse_study(EXAMPLE, None).expect("the example reads");
        assert!(s.name.contains("Example CRM"), "{}", s.name);
        assert_eq!(s.seats, Some(2000.0));
        assert_eq!(s.costs.len(), 4);
        assert_eq!(s.costs[1].value, 400_000.0);
        assert_eq!(s.benefits[3].unit, 1.0);
        let p = s.published;
        assert_eq!(
            p.roi.map(|r| (r.value, r.unit)),
            Some((2.62, 10f64.powi(-2)))
        );
        assert!((p.payback_months.unwrap().unit - 0.1).abs() < 1e-15);
        assert_eq!(p.npv.unwrap().unit, 1.0);
    }

    /// The example of docs/SCENARIO.md reads, and its published figures follow from its table.
    #[test]
    fn the_documented_example_reads() {
        let doc = include_str!("../../../docs/SCENARIO.md");
        let block = doc
            .split("```toml\n")
            .find(|b| b.starts_with("[study]"))
            .and_then(|b| b.split("```").next())
            .expect("a [study] example in docs/SCENARIO.md");
        let s = parse_study(block, None).unwrap_or_else(|e| panic!("{e}"));
        assert!(super::super::check(&s).consistent);
    }

    #[test]
    fn units_of_written_numbers() {
        assert_eq!(unit_of("2.62"), 10f64.powi(-2));
        assert_eq!(unit_of("2.620"), 10f64.powi(-3));
        assert_eq!(unit_of("1_090_699.5"), 10f64.powi(-1));
        assert_eq!(unit_of("2.9e3"), 100.0);
        assert_eq!(unit_of("3e6"), 1e6);
    }

    #[test]
    fn every_problem_is_located() {
        let text = EXAMPLE
            .replace("discount_rate = 0.10", "discount_rate = 10")
            .replace(
                "years = [900_000, 1_700_000, 2_300_000]",
                "years = [900_000, 1_700_000]",
            )
            .replace("pv_benefits = 3_951_165", "pv_benefit = 3_951_165");
        let e = parse_study(&text, Some(Path::new("study.toml"))).expect_err("three problems");
        let fields: Vec<&str> = e.diagnostics.iter().map(|d| d.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "study.discount_rate",
                "benefits.years",
                "published.pv_benefit"
            ]
        );
        let rate = &e.diagnostics[0];
        assert_eq!(rate.location.map(|l| l.line), Some(5));
        assert!(rate.allowed.as_deref().unwrap().contains("0.10 = 10%"));
        assert_eq!(e.diagnostics[2].suggestion.as_deref(), Some("pv_benefits"));
        let shown = e.to_string();
        assert!(shown.contains("study.toml:5:17"), "{shown}");
        assert!(
            shown.contains("the benefits have 2 years and the costs 3"),
            "{shown}"
        );
    }

    #[test]
    fn missing_sections_and_bad_toml() {
        let e = parse_study("[study]\nname = \"x\"\n", None).expect_err("incomplete");
        let fields: Vec<&str> = e.diagnostics.iter().map(|d| d.field.as_str()).collect();
        assert!(fields.contains(&"study.discount_rate"), "{fields:?}");
        assert!(
            fields.contains(&"costs") && fields.contains(&"benefits"),
            "{fields:?}"
        );
        let e = parse_study("[study\n", None).expect_err("not TOML");
        assert!(e.to_string().contains("invalid TOML"), "{e}");
    }
}
