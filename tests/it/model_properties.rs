//! Invariants of the model that must hold for any inputs, and a statistical check of the
//! engine against an analytic answer.

use proptest::prelude::*;
use valuecase::engine::{self, RunSpec, base_case, run::col};
use valuecase::model::Model;
use valuecase::scenario::parse_str;

/// A scenario exercising every driver, with the given uplift scale and discount rate.
fn scenario(uplifts: &[f64; 8], rate: f64, cost_first: bool) -> String {
    let [win, deal, conv, cts1, cts2, ret, cycle, hours] = *uplifts;
    let licence_from = if cost_first {
        "kind = \"one_off\"\nmonth = 0"
    } else {
        "kind = \"per_seat_monthly\""
    };
    format!(
        r#"
[scenario]
name = "property"
currency = "USD"
horizon_months = 48
discount_rate = {rate}
trials = 100
seed = 1

[baseline]
new_business_revenue = 200_000_000
installed_base_revenue = 300_000_000
growth = 0.03
gross_margin = 0.5
churn = 0.1
cost_to_serve = 40_000_000
sales_cycle_months = 6

[[roles]]
name = "Rep"
headcount = 300
hourly_cost = 80

[[user_groups]]
name = "Wave 1"
seats = 200
go_live_month = 2
role = "Rep"
data_quality = {{ pert = [0.6, 0.8, 0.95] }}
[user_groups.adoption]
curve = "logistic"
ceiling = {{ pert = [0.5, 0.8, 0.95] }}
growth = {{ pert = [0.3, 0.6, 1.2] }}
midpoint = {{ pert = [2, 4, 9] }}

[[user_groups]]
name = "Wave 2"
seats = 100
go_live_month = 10
role = "Rep"
[user_groups.adoption]
curve = "bass"
ceiling = 0.9
p = {{ pert = [0.01, 0.05, 0.15] }}
q = {{ pert = [0.1, 0.3, 0.5] }}

[[capabilities]]
name = "Win"
driver = "win_rate"
uplift = {{ uniform = [0, {win}] }}

[[capabilities]]
name = "Deal"
driver = "deal_size"
used_by = ["Wave 2"]
uplift = {{ uniform = [0, {deal}] }}

[[capabilities]]
name = "Conversion"
driver = "conversion"
uplift = {{ uniform = [0, {conv}] }}
lag_months = 3

[[capabilities]]
name = "Service A"
driver = "cost_to_serve"
uplift = {{ uniform = [0, {cts1}] }}

[[capabilities]]
name = "Service B"
driver = "cost_to_serve"
uplift = {{ uniform = [0, {cts2}] }}

[[capabilities]]
name = "Retention"
driver = "retention"
uplift = {{ uniform = [0, {ret}] }}

[[capabilities]]
name = "Cycle"
driver = "sales_cycle"
uplift = {{ uniform = [0, {cycle}] }}

[[capabilities]]
name = "Hours"
driver = "hours_saved"
hours_per_week = {{ uniform = [0, {hours}] }}
value_share = 0.5

[[levers]]
name = "Comms"
kind = "communication"
[levers.effects]
ceiling = {{ pert = [0.0, 0.05, 0.1] }}
midpoint_shift = -1

[[costs]]
name = "Implementation"
category = "implementation"
kind = "one_off"
month = 0
amount = {{ pert = [2_000_000, 3_000_000, 5_000_000] }}

[[costs]]
name = "Licences"
category = "licence"
{licence_from}
amount = 100

[[risks]]
name = "Stall"
probability = 0.3
benefit_realised = {{ uniform = [0, 0.3] }}
"#
    )
}

fn model(text: &str) -> Model {
    Model::compile(&parse_str(text, None).unwrap_or_else(|e| panic!("{e}")))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn attribution_sums_to_total(
        u in proptest::array::uniform8(0.0001f64..0.9),
        rate in 0.0f64..0.3,
        seed in 0u64..1000,
    ) {
        let m = model(&scenario(&[u[0], u[1], u[2], u[3] * 0.9, u[4] * 0.9, u[5] * 0.1, u[6] * 0.9, u[7] * 10.0], rate, false));
        let out = engine::run(&m, RunSpec { seed, first_trial: 0, trials: 64 }, &|_| {});
        for row in (0..out.table.rows()).map(|i| out.table.row(i)) {
            // The capabilities' columns (a scenario with levers has two more after them).
            let caps = engine::run::SCALARS..engine::run::SCALARS + m.capabilities.len();
            let total: f64 = row[caps].iter().sum();
            let pv_b = row[col::PV_BENEFITS];
            prop_assert!((total - pv_b).abs() <= 1e-9 * pv_b.abs().max(1.0),
                "contributions {} vs PV benefits {}", total, pv_b);
        }
    }

    #[test]
    fn zero_uplifts_give_minus_pv_costs(rate in 0.0f64..0.3, seed in 0u64..1000) {
        let m = model(&scenario(&[0.0; 8], rate, false).replace("uniform = [0, 0]", "uniform = [0, 0.0000000001]"));
        // With every uplift effectively zero, only costs remain.
        let out = engine::run(&m, RunSpec { seed, first_trial: 0, trials: 32 }, &|_| {});
        for row in (0..out.table.rows()).map(|i| out.table.row(i)) {
            let (npv, pv_c) = (row[col::NPV], row[col::PV_COSTS]);
            prop_assert!((npv + pv_c).abs() <= 1e-3 * pv_c, "npv {} vs -pv costs {}", npv, -pv_c);
        }
    }

    #[test]
    fn npv_falls_as_the_discount_rate_rises_for_a_cost_first_project(
        u in proptest::array::uniform8(0.0001f64..0.5),
        r1 in 0.0f64..0.5,
        dr in 0.001f64..0.5,
    ) {
        let ups = [u[0], u[1], u[2], u[3], u[4], u[5] * 0.1, u[6], u[7] * 10.0];
        let low = model(&scenario(&ups, r1, true));
        let high = model(&scenario(&ups, r1 + dr, true));
        let (a, _) = base_case(&low);
        let (b, _) = base_case(&high);
        prop_assert!(b.npv <= a.npv + 1e-6 * a.npv.abs().max(1.0), "npv {} at {} vs {} at {}", a.npv, r1, b.npv, r1 + dr);
    }
}

#[test]
fn truly_zero_uplifts_give_exactly_minus_pv_costs() {
    let text = scenario(&[0.0; 8], 0.1, false)
        .replace("{ uniform = [0, 0] }", "0")
        .replace("{ uniform = [0, 0.0] }", "0");
    let m = model(&text);
    let (o, _) = base_case(&m);
    assert_eq!(o.pv_benefits, 0.0);
    assert!(
        (o.npv + o.pv_costs).abs() < 1e-6,
        "{} vs {}",
        o.npv,
        o.pv_costs
    );
}

/// NPV is linear in one normal input: the Monte Carlo mean must lie within 4 standard errors of
/// the analytic mean.
#[test]
fn monte_carlo_mean_matches_analytic_npv() {
    let text = r#"
[scenario]
name = "linear"
currency = "EUR"
horizon_months = 36
discount_rate = 0.08
trials = 20000
seed = 3

[[user_groups]]
name = "Everyone"
seats = 50
go_live_month = 0
[user_groups.adoption]
curve = "table"
values = [1.0]

[[capabilities]]
name = "Direct"
driver = "direct_value"
annual_value = { normal = { mean = 1_200_000, sd = 400_000 } }

[[costs]]
name = "Build"
category = "implementation"
kind = "one_off"
month = 0
amount = 1_000_000
"#;
    let m = model(text);
    let out = engine::run(
        &m,
        RunSpec {
            seed: 3,
            first_trial: 0,
            trials: 20_000,
        },
        &|_| {},
    );
    let npv = out.table.column(col::NPV);
    let n = npv.len() as f64;
    let mean = npv.iter().sum::<f64>() / n;
    let sd = (npv.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let annuity: f64 = m.discount.iter().sum();
    let analytic = 1_200_000.0 / 12.0 * annuity - 1_000_000.0;
    let se = sd / n.sqrt();
    assert!(
        (mean - analytic).abs() < 4.0 * se,
        "MC mean {mean} vs analytic {analytic} (se {se})"
    );
    // And the spread is the analytic one too (sd of NPV = sd of the input × annuity / 12).
    let analytic_sd = 400_000.0 / 12.0 * annuity;
    assert!(
        (sd / analytic_sd - 1.0).abs() < 0.03,
        "sd {sd} vs {analytic_sd}"
    );
}
