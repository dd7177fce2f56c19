//! The reader on small documents: locations, numbers, every distribution, truncation, ranges,
//! unknown keys and suggestions.

use toml::de::DeTable;

use super::dist::Z95;
use super::*;
use crate::scenario::types::{Dist, Location, Uncertain};

fn with_value<T>(text: &str, f: impl FnOnce(&mut Table<'_>) -> T) -> (T, Vec<Diagnostic>) {
    let doc = DeTable::parse(text).expect("valid TOML");
    let reader = Reader::new(text);
    let out = {
        let mut root = reader.root(&doc);
        let out = f(&mut root);
        root.finish();
        out
    };
    (out, reader.into_diagnostics().0)
}

fn unc(text: &str, bounds: Bounds) -> (Option<Uncertain>, Vec<Diagnostic>) {
    with_value(text, |t| t.optional_uncertain("x", &bounds).ok().flatten())
}

#[test]
fn locations_count_characters() {
    let text = "a = 1\n# é — ü\nbé = \"x\"\n";
    let r = Reader::new(text);
    assert_eq!(r.location(0), Location { line: 1, column: 1 });
    let b = text.find("bé").unwrap();
    assert_eq!(r.location(b), Location { line: 3, column: 1 });
    let q = text.find("\"x").unwrap();
    assert_eq!(r.location(q), Location { line: 3, column: 6 });
    let dash = text.find('—').unwrap();
    assert_eq!(r.location(dash), Location { line: 2, column: 5 });
    // Past the end and inside a multi-byte character do not panic.
    let _ = r.location(text.len() + 10);
    let _ = r.location(dash + 1);
}

#[test]
fn plain_numbers_and_underscores() {
    let (u, d) = unc("x = 700_000", Bounds::money_nonneg());
    assert!(d.is_empty(), "{d:?}");
    let u = u.unwrap();
    assert_eq!(u.dist, Dist::Fixed(700_000.0));
    assert_eq!(u.name, "x");
    assert_eq!(u.location, Some(Location { line: 1, column: 5 }));
}

#[test]
fn nan_and_inf_are_rejected() {
    for lit in ["nan", "inf", "-inf", "+nan"] {
        let (u, d) = unc(&format!("x = {lit}"), Bounds::money());
        assert!(u.is_none());
        assert_eq!(d.len(), 1, "{lit}: {d:?}");
        assert!(
            d[0].message.contains(lit.trim_start_matches(['+', '-'])),
            "{d:?}"
        );
    }
    let (_, d) = unc("x = { pert = [0, nan, 1] }", Bounds::closed(0.0, 1.0));
    assert_eq!(d.len(), 1);
    assert_eq!(
        d[0].location,
        Some(Location {
            line: 1,
            column: 18
        })
    );
    let (_, d) = unc("x = 1e400", Bounds::money());
    assert!(d[0].message.contains("too large"));
}

#[test]
fn every_distribution_parses() {
    let b = Bounds::money();
    let cases: Vec<(&str, Dist)> = vec![
        ("{ fixed = 5 }", Dist::Fixed(5.0)),
        ("{ uniform = [1, 2] }", Dist::Uniform { min: 1.0, max: 2.0 }),
        (
            "{ triangular = [1, 2, 4] }",
            Dist::Triangular {
                min: 1.0,
                mode: 2.0,
                max: 4.0,
            },
        ),
        (
            "{ pert = [1, 2, 4] }",
            Dist::Pert {
                min: 1.0,
                mode: 2.0,
                max: 4.0,
                shape: 4.0,
            },
        ),
        (
            "{ pert = [1, 2, 4], shape = 6 }",
            Dist::Pert {
                min: 1.0,
                mode: 2.0,
                max: 4.0,
                shape: 6.0,
            },
        ),
        ("{ pert = [3, 3, 3] }", Dist::Fixed(3.0)),
        ("{ triangular = [3, 3, 3] }", Dist::Fixed(3.0)),
        (
            "{ normal = { mean = 10, sd = 2 } }",
            Dist::Normal {
                mean: 10.0,
                sd: 2.0,
            },
        ),
        (
            "{ lognormal = { mu = 2.3, sigma = 0.4 } }",
            Dist::LogNormal {
                mu: 2.3,
                sigma: 0.4,
            },
        ),
        (
            "{ beta = { alpha = 2, beta = 5 } }",
            Dist::Beta {
                alpha: 2.0,
                beta: 5.0,
            },
        ),
        (
            "{ discrete = { values = [1, 2, 3], weights = [1, 0, 3] } }",
            Dist::Discrete {
                values: vec![1.0, 3.0],
                weights: vec![1.0, 3.0],
            },
        ),
        (
            "{ discrete = { values = [1, 2] } }",
            Dist::Discrete {
                values: vec![1.0, 2.0],
                weights: vec![1.0, 1.0],
            },
        ),
        ("{ bernoulli = 0.3 }", Dist::Bernoulli { p: 0.3 }),
    ];
    for (src, want) in cases {
        let (u, d) = unc(&format!("x = {src}"), b);
        assert!(d.is_empty(), "{src}: {d:?}");
        let u = u.unwrap();
        assert_eq!(u.dist, want, "{src}");
        assert_eq!(u.truncate, None);
    }
}

#[test]
fn lognormal_from_interval() {
    let (u, d) = unc("x = { lognormal = { p5 = 8, p95 = 40 } }", Bounds::money());
    assert!(d.is_empty(), "{d:?}");
    let Dist::LogNormal { mu, sigma } = u.unwrap().dist else {
        panic!()
    };
    assert!((mu - (8f64.ln() + 40f64.ln()) / 2.0).abs() < 1e-12);
    assert!((mu + Z95 * sigma - 40f64.ln()).abs() < 1e-12);
    assert!((mu - Z95 * sigma - 8f64.ln()).abs() < 1e-12);
}

#[test]
fn truncation_and_ranges() {
    let unit = Bounds::closed(0.0, 1.0);
    let (u, d) = unc(
        "x = { normal = { mean = 0.8, sd = 0.1 }, min = 0, max = 1 }",
        unit,
    );
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(u.unwrap().truncate, Some((0.0, 1.0)));
    let (u, d) = unc(
        "x = { normal = { mean = 0.05, sd = 0.02 }, min = 0 }",
        Bounds::closed(0.0, f64::INFINITY),
    );
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(u.unwrap().truncate, Some((0.0, f64::INFINITY)));

    // Untruncated normal ceiling: suggests truncation.
    let (u, d) = unc("x = { normal = { mean = 0.8, sd = 0.1 } }", unit);
    assert!(u.is_none());
    let allowed = d[0].allowed.as_deref().unwrap();
    assert!(allowed.contains("min = 0, max = 1"), "{allowed}");

    // Bounded distribution reaching past the range.
    let (_, d) = unc("x = { pert = [0.5, 0.8, 1.2] }", unit);
    assert_eq!(d.len(), 1);
    assert!(d[0].message.contains("pert [0.5, 0.8, 1.2]"), "{d:?}");
    assert!(d[0].allowed.as_deref().unwrap().contains("max = 1"));

    // Open lower bound: lognormal is fine, a pert touching 0 is not.
    let pos = Bounds::above(0.0);
    assert!(
        unc("x = { lognormal = { mu = 0, sigma = 1 } }", pos)
            .1
            .is_empty()
    );
    assert_eq!(unc("x = { pert = [0, 1, 2] }", pos).1.len(), 1);
    assert_eq!(unc("x = 0", pos).1.len(), 1);

    // Truncation outside the support.
    let (_, d) = unc("x = { uniform = [0, 1] , min = 2 }", Bounds::money());
    assert!(d[0].message.contains("leaves no probability"), "{d:?}");
    let (_, d) = unc(
        "x = { bernoulli = 0.5, min = 0.2, max = 0.8 }",
        Bounds::money(),
    );
    assert_eq!(d.len(), 1);
    let (_, d) = unc(
        "x = { normal = { mean = 0, sd = 1 }, min = 1, max = 1 }",
        Bounds::money(),
    );
    assert!(d[0].message.contains("below max"), "{d:?}");
    // A discrete truncated to part of its atoms is fine and its support shrinks.
    let (u, d) = unc(
        "x = { discrete = { values = [-1, 0.5, 3] }, min = 0, max = 1 }",
        unit,
    );
    assert!(d.is_empty(), "{d:?}");
    assert!(u.is_some());
}

#[test]
fn invalid_parameters() {
    let b = Bounds::money();
    for src in [
        "{ uniform = [2, 1] }",
        "{ uniform = [1, 1] }",
        "{ pert = [1, 5, 4] }",
        "{ pert = [1, 2] }",
        "{ triangular = [2, 2, 1] }",
        "{ pert = [1, 2, 3], shape = 0 }",
        "{ normal = { mean = 1, sd = 0 } }",
        "{ lognormal = { mu = 1, sigma = -1 } }",
        "{ lognormal = { p5 = 0, p95 = 3 } }",
        "{ lognormal = { p5 = 5, p95 = 3 } }",
        "{ lognormal = { p5 = 1, p95 = 3, mu = 1 } }",
        "{ beta = { alpha = 0, beta = 1 } }",
        "{ discrete = { values = [1, 2], weights = [1] } }",
        "{ discrete = { values = [1, 2], weights = [-1, 2] } }",
        "{ discrete = { values = [1, 2], weights = [0, 0] } }",
        "{ discrete = { values = [] } }",
        "{ bernoulli = 1.5 }",
        "{ pert = [1, 2, 3], normal = { mean = 1, sd = 1 } }",
        "{ min = 1 }",
        "{ triangular = [1, 2, 3], shape = 4 }",
        "\"ten\"",
    ] {
        let (u, d) = unc(&format!("x = {src}"), b);
        assert!(u.is_none(), "{src}");
        assert!(!d.is_empty(), "{src}");
    }
}

#[test]
fn misspelt_distribution_gets_a_suggestion() {
    let (_, d) = unc("x = { trianglar = [1, 2, 3] }", Bounds::money());
    let s: Vec<_> = d.iter().filter_map(|d| d.suggestion.as_deref()).collect();
    assert_eq!(s, ["triangular"], "{d:?}");
}

#[test]
fn a_misspelt_distribution_is_one_error() {
    let (_, d) = unc("x = { trianglar = [1, 2, 3] }", Bounds::money());
    assert_eq!(d.len(), 1, "{d:?}");
    let (_, d) = unc("x = { shape = 3 }", Bounds::money());
    assert!(
        d.iter().any(|d| d.message.contains("no distribution")),
        "{d:?}"
    );
}

#[test]
fn draws_that_overflow_or_miss_the_truncation_are_refused() {
    let any = Bounds::above(0.0);
    // exp(1000) is infinite.
    let (u, d) = unc("x = { lognormal = { mu = 1000, sigma = 1 } }", any);
    assert!(u.is_none() && d[0].message.contains("overflows"), "{d:?}");
    // ... unless an upper truncation that keeps some probability caps it.
    let (u, d) = unc(
        "x = { lognormal = { mu = 700, sigma = 10 }, max = 1e300 }",
        any,
    );
    assert!(u.is_some(), "{d:?}");
    let (_, d) = unc(
        "x = { normal = { mean = 0, sd = 1e308 } }",
        Bounds::closed(f64::NEG_INFINITY, f64::INFINITY),
    );
    assert!(d[0].message.contains("too wide"), "{d:?}");
    // A truncation the sampler cannot hit.
    let (_, d) = unc(
        "x = { normal = { mean = -1000, sd = 1 }, min = 0, max = 100 }",
        Bounds::money_nonneg(),
    );
    assert!(d[0].message.contains("keeps no computable part"), "{d:?}");
    let (_, d) = unc(
        "x = { normal = { mean = 0, sd = 1 }, min = 6.5, max = 7 }",
        Bounds::money(),
    );
    assert!(d[0].message.contains("only a share of about"), "{d:?}");
    // A far but reachable tail is fine.
    let (u, d) = unc(
        "x = { normal = { mean = 0, sd = 1 }, min = 4, max = 5 }",
        Bounds::money(),
    );
    assert!(u.is_some(), "{d:?}");
    let (_, d) = unc(
        "x = { lognormal = { mu = 0, sigma = 0.1 }, min = 1e6 }",
        Bounds::money(),
    );
    assert_eq!(d.len(), 1, "{d:?}");
}

#[test]
fn shapes_and_beta_parameters_are_capped() {
    let b = Bounds::money();
    assert!(unc("x = { pert = [0, 1, 2], shape = 1e6 }", b).1.is_empty());
    let (_, d) = unc("x = { pert = [0, 1, 2], shape = 1e7 }", b);
    assert!(
        d[0].message.contains("PERT shape 10000000 is out of range"),
        "{d:?}"
    );
    assert!(
        unc("x = { beta = { alpha = 1e6, beta = 2 } }", b)
            .1
            .is_empty()
    );
    let (_, d) = unc("x = { beta = { alpha = 1e300, beta = 1e300 } }", b);
    assert!(
        d[0].allowed.as_deref().unwrap().contains("(0, 1e6]"),
        "{d:?}"
    );
    let (_, d) = unc(
        "x = { discrete = { values = [1, 2], weights = [1e308, 1e308] } }",
        b,
    );
    assert!(d[0].message.contains("overflows"), "{d:?}");
}

#[test]
fn unknown_keys_are_reported_with_suggestions() {
    let (_, d) = with_value("alpha = 1\nbeta = 2\ngama = 3\n", |t| {
        let _ = t.optional_number("alpha", &Bounds::money());
        let _ = t.optional_number("beta", &Bounds::money());
        let _ = t.optional_number("gamma", &Bounds::money());
    });
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].suggestion.as_deref(), Some("gamma"));
    assert_eq!(d[0].location, Some(Location { line: 3, column: 1 }));
    assert_eq!(d[0].allowed.as_deref(), Some("alpha, beta, gamma"));
}

#[test]
fn integers() {
    let (v, d) = with_value("m = 3.0\nn = 2.5\no = 7\n", |t| {
        (
            t.optional_integer("m", 0, 10, None),
            t.optional_integer("n", 0, 10, None),
            t.optional_integer("o", 0, 5, None),
        )
    });
    assert_eq!(v.0, Ok(Some(3)));
    assert_eq!(v.1, Err(()));
    assert_eq!(v.2, Err(()));
    assert_eq!(d.len(), 2);
}

#[test]
fn suggestions() {
    assert_eq!(
        did_you_mean("capability", ["scenario", "capabilities", "costs"]),
        Some("capabilities".into())
    );
    assert_eq!(did_you_mean("xyz", ["scenario", "costs"]), None);
    assert_eq!(
        did_you_mean("account executive", ["Account executive", "Manager"]),
        Some("Account executive".into())
    );
    assert_eq!(did_you_mean("p", ["q", "ceiling"]), None);
}

#[test]
fn suggestions_are_bounded_in_work() {
    use super::words::{SUGGESTION_BUDGET, suggest};
    // A 100,000-character word gets no suggestion, and no work is done for it.
    let long = "x".repeat(100_000);
    let longer = format!("{long}y");
    let mut budget = SUGGESTION_BUDGET;
    assert_eq!(suggest(&longer, [long.as_str()], &mut budget), None);
    assert_eq!(budget, SUGGESTION_BUDGET);
    // A candidate far longer than the word costs only the counting of a few characters.
    let mut budget = SUGGESTION_BUDGET;
    assert_eq!(
        suggest("seat", [long.as_str(), "seats"], &mut budget).as_deref(),
        Some("seats")
    );
    assert!(
        SUGGESTION_BUDGET - budget < 100,
        "{}",
        SUGGESTION_BUDGET - budget
    );
    // The length window never skips what either measure finds close (here Jaro-Winkler, at
    // exactly half the length).
    assert_eq!(
        did_you_mean("horizon", ["horizon_months"]).as_deref(),
        Some("horizon_months")
    );
    assert_eq!(
        did_you_mean("ceil", ["ceiling"]).as_deref(),
        Some("ceiling")
    );
    assert_eq!(did_you_mean("grwth", ["growth"]).as_deref(), Some("growth"));
    // A spent budget stops the search; the reader shares one budget among all its searches.
    let mut budget = 5;
    assert_eq!(suggest("seat", ["seats"], &mut budget), None);
    assert_eq!(budget, 0);
    let reader = Reader::new("");
    let names: Vec<String> = (0..20_000).map(|i| format!("name {i:05}")).collect();
    let mut found = 0;
    for _ in 0..1_000 {
        if reader
            .did_you_mean("name 1234", names.iter().map(String::as_str))
            .is_some()
        {
            found += 1;
        }
    }
    assert!(found > 0 && found < 1_000, "{found}");
}
