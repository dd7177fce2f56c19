//! The shipped scenarios, the starter and every example in docs/SCENARIO.md parse, and the
//! reference scenario says what the brief says.

use toml::de::DeTable;

use super::*;

const SHIPPED: [(&str, &str); 5] = [
    (
        "hightech-1b.toml",
        include_str!("../../../scenarios/hightech-1b.toml"),
    ),
    (
        "midmarket-50m.toml",
        include_str!("../../../scenarios/midmarket-50m.toml"),
    ),
    (
        "hightech-no-change-programme.toml",
        include_str!("../../../scenarios/hightech-no-change-programme.toml"),
    ),
    (
        "hightech-change-programme.toml",
        include_str!("../../../scenarios/hightech-change-programme.toml"),
    ),
    ("starter.toml", include_str!("../starter.toml")),
];

#[test]
fn every_shipped_scenario_parses() {
    for (name, text) in SHIPPED {
        let s = match parse_str(text, Some(Path::new(name))) {
            Ok(s) => s,
            Err(e) => panic!("{name} does not parse:\n{e}"),
        };
        assert!(!s.user_groups.is_empty(), "{name}");
        assert!(!s.capabilities.is_empty(), "{name}");
    }
    ok(crate::scenario::BUILT_IN);
    ok(crate::scenario::STARTER);
}

#[test]
fn the_starters_commented_correlation_works_when_uncommented() {
    let text = crate::scenario::STARTER
        .replace("\n# [[correlations]]\n", "\n[[correlations]]\n")
        .replace("\n# inputs = ", "\ninputs = ")
        .replace("\n# rank = ", "\nrank = ");
    assert_eq!(ok(&text).correlations.len(), 1);
    assert!(ok(crate::scenario::STARTER).correlations.is_empty());
}

#[test]
fn reference_scenario_matches_the_brief() {
    let s = ok(SHIPPED[0].1);
    assert_eq!(s.meta.horizon_months, 60);
    assert_eq!(s.meta.discount_rate, 0.10);
    assert_eq!(s.meta.trials, 100_000);
    assert_eq!(
        s.meta.start,
        Some(YearMonth {
            year: 2027,
            month: 1
        })
    );
    let seats: f64 = s.user_groups.iter().map(|g| g.seats).sum();
    assert_eq!(seats, 850.0);
    assert!((8..=12).contains(&s.capabilities.len()));
    assert_eq!(s.baseline.gross_margin.dist, Dist::Fixed(0.5));
    let fail = s
        .risks
        .iter()
        .find(|r| r.name == "Programme fails to take hold")
        .unwrap();
    assert_eq!(fail.probability, 0.45);
    let haircut = s.risks.iter().find(|r| r.probability == 1.0).unwrap();
    assert!(matches!(
        haircut.benefit_realised.as_ref().unwrap().dist,
        Dist::Pert {
            min: 0.70,
            mode: 0.85,
            max: 0.95,
            ..
        }
    ));
    let mid = ok(SHIPPED[1].1);
    assert_eq!(mid.user_groups.iter().map(|g| g.seats).sum::<f64>(), 125.0);
    assert_eq!(
        mid.roles
            .iter()
            .find(|r| r.name == "Sales rep")
            .unwrap()
            .headcount,
        100.0
    );
}

#[test]
fn change_programme_pair_differs_only_by_the_programme() {
    let without = ok(SHIPPED[2].1);
    let with = ok(SHIPPED[3].1);
    // Locations differ (the levers shift lines); compare everything else.
    fn strip(mut s: Scenario) -> Scenario {
        fn clear(u: &mut Uncertain) {
            u.location = None;
        }
        for g in &mut s.user_groups {
            clear(&mut g.data_quality);
            match &mut g.adoption {
                Adoption::Logistic {
                    ceiling,
                    growth,
                    midpoint,
                } => {
                    clear(ceiling);
                    clear(growth);
                    clear(midpoint);
                }
                Adoption::Bass { ceiling, p, q } => {
                    clear(ceiling);
                    clear(p);
                    clear(q);
                }
                Adoption::Gompertz {
                    ceiling,
                    rate,
                    midpoint,
                } => {
                    clear(ceiling);
                    clear(rate);
                    clear(midpoint);
                }
                Adoption::Linear {
                    ceiling,
                    ramp_months,
                } => {
                    clear(ceiling);
                    clear(ramp_months);
                }
                Adoption::Table { ceiling, .. } => clear(ceiling),
            }
        }
        for r in &mut s.roles {
            clear(&mut r.hourly_cost);
        }
        for c in &mut s.capabilities {
            clear(&mut c.effect);
            clear(&mut c.value_share);
        }
        for c in &mut s.costs {
            clear(&mut c.amount);
            if let Some(o) = &mut c.overrun {
                clear(o);
            }
        }
        for r in &mut s.risks {
            for u in [
                &mut r.benefit_realised,
                &mut r.cost_multiplier,
                &mut r.delay_months,
            ]
            .into_iter()
            .flatten()
            {
                clear(u);
            }
        }
        s.levers.clear();
        // The levers' inputs have allowed ranges too.
        s.allowed_ranges
            .retain(|name, _| !name.starts_with("levers."));
        s.meta.name.clear();
        s.meta.description.clear();
        s
    }
    assert!(without.levers.is_empty());
    assert_eq!(with.levers.len(), 3);
    let p = |s: &Scenario| s.risks[0].probability;
    assert!(p(&without) >= 0.6 && p(&without) <= 0.7);
    assert_eq!(
        p(&with),
        p(&without),
        "the levers carry the drop, not the risk"
    );
    // The levers, at their most likely values, bring the failure probability to about 0.20.
    let modes: f64 = with
        .levers
        .iter()
        .flat_map(|l| &l.effects.risks)
        .filter(|e| e.risk == 0)
        .map(|e| match e.probability_multiplier.dist {
            crate::scenario::Dist::Pert { mode, .. } => mode,
            _ => f64::NAN,
        })
        .product();
    let effective = p(&with) * modes;
    assert!((0.18..=0.22).contains(&effective), "{effective}");
    assert_eq!(strip(without), strip(with));
}

const DOC: &str = include_str!("../../../docs/SCENARIO.md");

fn blocks() -> Vec<&'static str> {
    DOC.split("```toml\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap_or(""))
        .collect()
}

fn group(name: &str, adoption: &str) -> String {
    format!("\n[[user_groups]]\nname = \"{name}\"\nseats = 100\ngo_live_month = 6\n{adoption}")
}

/// Every TOML example in docs/SCENARIO.md is valid TOML, and the examples put together
/// make valid scenarios.
#[test]
fn scenario_reference_examples_parse() {
    let blocks = blocks();
    assert!(blocks.len() >= 12);
    for b in &blocks {
        assert!(
            DeTable::parse(b).is_ok(),
            "invalid TOML in docs/SCENARIO.md:\n{b}"
        );
    }
    let first = |prefix: &str| -> &str {
        blocks
            .iter()
            .find(|b| b.starts_with(prefix))
            .unwrap_or_else(|| panic!("no example starting with {prefix}"))
    };
    let baselines: Vec<&str> = blocks
        .iter()
        .copied()
        .filter(|b| b.starts_with("[baseline]"))
        .collect();
    let mut all = String::new();
    all += first("[scenario]");
    all += baselines[0];
    all += first("[[roles]]");
    all += first("[[user_groups]]");
    for (i, b) in blocks
        .iter()
        .filter(|b| b.starts_with("[user_groups.adoption]"))
        .enumerate()
    {
        all += &group(&format!("Extra {i}"), b);
    }
    all += &group(
        "Wave 4 - Marketing",
        "[user_groups.adoption]\ncurve = \"linear\"\nceiling = 0.8\nramp_months = 6\n",
    );
    for prefix in [
        "[[capabilities]]",
        "[[levers]]",
        "[[costs]]",
        "[[risks]]",
        "[[correlations]]",
        "[tei]",
    ] {
        all += first(prefix);
    }
    let s = parse_str(&all, None).unwrap_or_else(|e| panic!("{e}\n{all}"));
    assert!(s.tei.benefit_haircuts.contains(&0.25) && s.tei.cost_uplifts.contains(&0.2));
    assert_eq!(s.capabilities.len(), Driver::ALL.len());
    assert_eq!(s.correlations.len(), 2);
    let curves = ["logistic", "bass", "gompertz", "linear", "table"];
    for c in curves {
        assert!(all.contains(&format!("curve = \"{c}\"")), "no {c} example");
    }

    let funnel = format!(
        "{}{}{}{}\n[[capabilities]]\nname = \"x\"\ndriver = \"win_rate\"\nuplift = 0.05\n",
        first("[scenario]"),
        baselines[1],
        first("[[roles]]"),
        first("[[user_groups]]"),
    );
    let s = parse_str(&funnel, None).unwrap_or_else(|e| panic!("{e}\n{funnel}"));
    assert!(matches!(
        s.baseline.new_business,
        Some(NewBusiness::Funnel(_))
    ));
}
