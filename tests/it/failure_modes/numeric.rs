//! Numeric robustness: degenerate but valid scenarios give finite, sensible results.

use std::fs;

use serde_json::Value;

use super::{bin, stderr};

/// serde_json writes NaN and ±inf as null: a null anywhere else is a non-finite number.
fn nulls_outside_documented_places(v: &Value, path: &str, found: &mut Vec<String>) {
    match v {
        Value::Null if !valuecase::results::may_be_null(path) => found.push(path.to_string()),
        Value::Array(items) => items
            .iter()
            .for_each(|x| nulls_outside_documented_places(x, path, found)),
        Value::Object(map) => {
            for (k, x) in map {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                nulls_outside_documented_places(x, &p, found);
            }
        }
        _ => {}
    }
}

/// Run `text` with `trials` trials; the JSON on stdout, checked for stray nulls and against
/// results.json.
fn run_scenario(text: &str, trials: u32) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("case.toml");
    fs::write(&file, text).unwrap();
    let out = bin()
        .arg("run")
        .arg(&file)
        .args(["--json", "--trials", &trials.to_string(), "--out"])
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "run failed:\n{}\nscenario:\n{text}",
        stderr(&out)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    let mut found = Vec::new();
    nulls_outside_documented_places(&v, "", &mut found);
    assert!(
        found.is_empty(),
        "non-finite numbers (null) at {found:?}\nscenario:\n{text}"
    );
    let file: Value =
        serde_json::from_slice(&fs::read(dir.path().join("out/results.json")).unwrap()).unwrap();
    let mut found = Vec::new();
    nulls_outside_documented_places(&file, "", &mut found);
    assert!(found.is_empty(), "results.json: null at {found:?}");
    v
}

/// A scenario from its parts.
fn scenario(horizon: u32, rate: f64, groups: &str, capabilities: &str, costs: &str) -> String {
    format!(
        "[scenario]\nname = \"Edge\"\ncurrency = \"USD\"\nhorizon_months = {horizon}\n\
         discount_rate = {rate}\n\n[baseline]\nnew_business_revenue = 1_000_000\n\
         gross_margin = 0.5\n\n{groups}\n{capabilities}\n{costs}\n"
    )
}

const ONE_GROUP: &str = "[[user_groups]]\nname = \"All\"\nseats = 10\ngo_live_month = 0\n\
     [user_groups.adoption]\ncurve = \"table\"\nvalues = [1]\n";

fn direct_value(annual: &str) -> String {
    format!(
        "[[capabilities]]\nname = \"Value\"\ndriver = \"direct_value\"\nannual_value = {annual}\n"
    )
}

fn f(v: &Value, path: &str) -> Option<f64> {
    path.split('.')
        .try_fold(v, |v, k| v.get(k))
        .and_then(Value::as_f64)
}

#[test]
fn all_zero_cash_flows() {
    let v = run_scenario(&scenario(24, 0.1, ONE_GROUP, &direct_value("0"), ""), 64);
    assert_eq!(f(&v, "npv.mean"), Some(0.0));
    assert_eq!(f(&v, "npv.p5"), Some(0.0));
    assert_eq!(f(&v, "pv_costs.max"), Some(0.0));
    // ROI with zero costs is undefined (null), in every trial and in the base case.
    assert_eq!(f(&v, "roi.undefined_fraction"), Some(1.0));
    assert!(v["roi"]["mean"].is_null() && v["base_case"]["roi"].is_null());
    // No sign change: no IRR.
    assert_eq!(f(&v, "irr_annual.undefined_fraction"), Some(1.0));
    // Never below zero: paid back from the start.
    assert_eq!(f(&v, "payback_months.never_fraction"), Some(0.0));
    assert_eq!(f(&v, "prob_npv_positive"), Some(0.0));
    let cum = v["charts"]["cumulative_net"]["p50"].as_array().unwrap();
    assert_eq!(cum.len(), 24);
    assert!(cum.iter().all(|x| x.as_f64() == Some(0.0)), "{cum:?}");
}

#[test]
fn flat_cash_flows_that_net_to_zero() {
    // Benefits of 12,000 a year = 1,000 a month against a 1,000 monthly cost.
    let costs =
        "[[costs]]\nname = \"Run\"\ncategory = \"other\"\nkind = \"monthly\"\namount = 1000\n";
    let v = run_scenario(
        &scenario(12, 0.1, ONE_GROUP, &direct_value("12_000"), costs),
        32,
    );
    let npv = f(&v, "npv.mean").unwrap();
    assert!(npv.abs() < 1e-6, "{npv}");
    let roi = f(&v, "base_case.roi").unwrap();
    assert!(roi.abs() < 1e-12, "{roi}");
    assert_eq!(f(&v, "irr_annual.undefined_fraction"), Some(1.0));
}

#[test]
fn costs_only_never_pay_back() {
    let costs = "[[costs]]\nname = \"Licences\"\ncategory = \"licence\"\nkind = \"per_seat_monthly\"\namount = 100\n";
    let v = run_scenario(&scenario(36, 0.1, ONE_GROUP, &direct_value("0"), costs), 32);
    assert!(f(&v, "npv.max").unwrap() < 0.0);
    assert_eq!(f(&v, "base_case.roi"), Some(-1.0));
    assert_eq!(f(&v, "payback_months.never_fraction"), Some(1.0));
    assert!(v["base_case"]["payback_months"].is_null());
    assert!(v["payback_months"]["p50"].is_null());
    assert_eq!(f(&v, "irr_annual.undefined_fraction"), Some(1.0));
    assert_eq!(f(&v, "prob_npv_positive"), Some(0.0));
}

#[test]
fn a_horizon_of_one_month() {
    let costs = "[[costs]]\nname = \"Set-up\"\ncategory = \"implementation\"\nkind = \"one_off\"\namount = 500\n";
    let v = run_scenario(
        &scenario(
            1,
            0.1,
            ONE_GROUP,
            &direct_value("{ pert = [6_000, 12_000, 24_000] }"),
            costs,
        ),
        64,
    );
    assert_eq!(v["horizon_months"], 1);
    assert_eq!(
        v["charts"]["cumulative_net"]["p50"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        v["charts"]["payback_probability"].as_array().unwrap().len(),
        2
    );
    // Month 0: 1,000 of benefit (12,000 / 12 at full adoption) against 500 of cost.
    let base = f(&v, "base_case.npv").unwrap();
    assert!((base - 500.0).abs() < 1e-9, "{base}");
    assert_eq!(v["charts"]["annual"].as_array().unwrap().len(), 1);
}

#[test]
fn zero_seats_and_zero_costs() {
    let groups = ONE_GROUP.replace("seats = 10", "seats = 0");
    let caps = "[[capabilities]]\nname = \"Deals\"\ndriver = \"win_rate\"\nuplift = 0.05\n";
    let costs = "[[costs]]\nname = \"Licences\"\ncategory = \"licence\"\nkind = \"per_seat_monthly\"\namount = 100\n\n\
                 [[costs]]\nname = \"Free\"\ncategory = \"other\"\nkind = \"one_off\"\namount = 0\n";
    let v = run_scenario(&scenario(24, 0.1, &groups, caps, costs), 32);
    assert_eq!(f(&v, "pv_costs.max"), Some(0.0));
    assert!(v["base_case"]["roi"].is_null());
    assert_eq!(f(&v, "roi.undefined_fraction"), Some(1.0));
    // No seats, no users, no benefit: exactly zero, not NaN from a 0 / 0 seat weighting.
    assert_eq!(f(&v, "npv.mean"), Some(0.0));
    assert_eq!(f(&v, "npv.max"), Some(0.0));
    assert_eq!(f(&v, "payback_months.p50"), Some(0.0));
}

#[test]
fn zero_and_maximal_discount_rates() {
    for rate in [0.0, 1.0] {
        let costs = "[[costs]]\nname = \"Partner\"\ncategory = \"implementation\"\nkind = \"one_off\"\namount = 10_000\n";
        let v = run_scenario(
            &scenario(
                60,
                rate,
                ONE_GROUP,
                &direct_value("{ uniform = [0, 10_000] }"),
                costs,
            ),
            64,
        );
        assert!(f(&v, "npv.mean").unwrap().is_finite());
    }
}

#[test]
fn the_largest_allowed_numbers_stay_finite() {
    // 10 million seats at 1e15 a seat and month for 600 months, with the largest overrun and
    // risk multiplier, against a funnel at its caps growing 100% a year.
    let text = r#"[scenario]
name = "Extremes"
currency = "USD"
horizon_months = 600
discount_rate = 0

[baseline]
growth = 1
gross_margin = 1
installed_base_revenue = 1e15
churn = 1
cost_to_serve = 1e15
marketing_spend = 1e15
sales_cycle_months = 60
[baseline.funnel]
leads_per_year = 1e12
stage_conversion = [1, 1, 1]
win_rate = 1
deal_size = 1e15

[[roles]]
name = "R"
headcount = 10_000_000
hourly_cost = 1e15

[[user_groups]]
name = "Everyone"
seats = 10_000_000
go_live_month = 0
role = "R"
[user_groups.adoption]
curve = "bass"
ceiling = 1
p = 1
q = 2

[[capabilities]]
name = "Funnel"
driver = "lead_volume"
uplift = 2

[[capabilities]]
name = "Cycle"
driver = "sales_cycle"
uplift = 0.9

[[capabilities]]
name = "Keep"
driver = "retention"
uplift = 1

[[capabilities]]
name = "Sell more"
driver = "cross_sell"
uplift = 2

[[capabilities]]
name = "Serve"
driver = "cost_to_serve"
uplift = 0.95

[[capabilities]]
name = "Market"
driver = "marketing_efficiency"
uplift = 0.95

[[capabilities]]
name = "Time"
driver = "hours_saved"
hours_per_week = 40

[[capabilities]]
name = "Direct"
driver = "direct_value"
annual_value = -1e15

[[levers]]
name = "Push"
kind = "generic"
[levers.effects]
ceiling = 1
speed = 10
bass_p = 10
bass_q = 10
data_quality = 1

[[costs]]
name = "Seats"
category = "licence"
kind = "per_seat_monthly"
amount = 1e15
overrun = 5

[[risks]]
name = "Everything"
probability = 1
cost_multiplier = 10
benefit_realised = 1
delay_months = 60
"#;
    let v = run_scenario(text, 16);
    assert!(f(&v, "pv_costs.mean").unwrap() > 1e25);
}

#[test]
fn tiny_and_subnormal_numbers_stay_finite() {
    let caps = "[[capabilities]]\nname = \"Tiny\"\ndriver = \"direct_value\"\n\
                annual_value = { uniform = [5e-324, 1e-300] }\n";
    let groups = "[[user_groups]]\nname = \"G\"\nseats = 5e-324\ngo_live_month = 0\n\
                  [user_groups.adoption]\ncurve = \"linear\"\nceiling = 1e-300\n\
                  ramp_months = { lognormal = { mu = -700, sigma = 0.5 } }\n";
    let costs = "[[costs]]\nname = \"C\"\ncategory = \"other\"\nkind = \"per_seat_one_off\"\namount = 1e-300\n";
    run_scenario(&scenario(12, 1e-300, groups, caps, costs), 16);
}
