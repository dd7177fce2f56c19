//! `[tei]`: haircuts and uplifts by line, their defaults and every mistake located.

use super::*;

fn with_costs() -> String {
    format!(
        "{MIN}\n[[capabilities]]\nname = \"Forecasting\"\ndriver = \"win_rate\"\nuplift = 0.01\n\n[[costs]]\nname = \"Licences\"\ncategory = \"licence\"\nkind = \"per_seat_monthly\"\namount = 100\n\n[[costs]]\nname = \"Integration\"\ncategory = \"implementation\"\nkind = \"one_off\"\namount = 50_000\n"
    )
}

#[test]
fn no_section_no_adjustments() {
    let s = ok(&with_costs());
    assert_eq!(s.tei, TeiAdjustments::default());
    assert_eq!((s.tei.haircut(1), s.tei.uplift(0)), (0.0, 0.0));
}

#[test]
fn defaults_and_named_lines() {
    let text = format!(
        "{}\n[tei]\nbenefit_haircut = 0.1\ncost_uplift = 0.05\n\n[[tei.benefits]]\nname = \"Forecasting\"\nhaircut = 0.25\n\n[[tei.costs]]\nname = \"Integration\"\nuplift = 0.2\n",
        with_costs()
    );
    let s = ok(&text);
    assert_eq!(s.tei.benefit_haircuts, [0.1, 0.25]);
    assert_eq!(s.tei.cost_uplifts, [0.05, 0.2]);
}

#[test]
fn mistakes_are_located_with_what_is_allowed() {
    let text = format!(
        "{}\n[tei]\nbenefit_haircut = 1.5\ncost_uplit = 0.1\n\n[[tei.benefits]]\nname = \"Forecastin\"\nhaircut = 0.2\n\n[[tei.costs]]\nname = \"Licences\"\nuplift = 0.1\n\n[[tei.costs]]\nname = \"Licences\"\nuplift = 0.3\n\n[[tei.costs]]\nname = \"Integration\"\n",
        with_costs()
    );
    let d = errors(&text);
    let haircut = find(&d, "tei.benefit_haircut");
    assert_eq!(
        haircut.location,
        at(line_of(&text, "benefit_haircut = 1.5"), 19)
    );
    assert!(
        haircut.allowed.as_deref().unwrap().contains("10% less"),
        "{haircut:?}"
    );
    let typo = find(&d, "tei.cost_uplit");
    assert_eq!(typo.suggestion.as_deref(), Some("cost_uplift"));
    let unknown = find(&d, "tei.benefits.\"Forecastin\".name");
    assert!(
        unknown
            .message
            .contains("no capability named \"Forecastin\""),
        "{unknown:?}"
    );
    assert_eq!(unknown.suggestion.as_deref(), Some("Forecasting"));
    assert!(
        unknown
            .allowed
            .as_deref()
            .unwrap()
            .contains("\"Opportunities\"")
    );
    let twice = find(&d, "tei.costs.\"Licences\".name");
    assert!(twice.message.contains("adjusted twice"), "{twice:?}");
    let missing = find(&d, "tei.costs.\"Integration\".uplift");
    assert!(
        missing.message.contains("missing required field `uplift`"),
        "{missing:?}"
    );
}
