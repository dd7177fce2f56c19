//! The model's rules pinned to hand-computed months and values (docs/MODEL.md): when a funnel
//! uplift's revenue arrives, what a go-live slip moves, how hours saved, retention, dis-benefits
//! and scheduled direct value are counted. Each scenario is small enough to work out on paper;
//! the base case is read month by month, as `valuecase cashflow` prints it.

use valuecase::engine::base_case;
use valuecase::model::{Model, Scratch, TrialOutcome};
use valuecase::scenario::parse_str;

/// A scenario of `horizon` months at a 0% discount rate, with `body` appended.
fn scenario(horizon: u32, body: &str) -> String {
    format!(
        r#"
[scenario]
name = "rules"
currency = "USD"
horizon_months = {horizon}
discount_rate = 0.0
{body}
"#
    )
}

/// The base case of a scenario text: the model and its month-by-month detail.
fn base(text: &str) -> (Model, TrialOutcome, Scratch) {
    let model = Model::compile(&parse_str(text, None).unwrap_or_else(|e| panic!("{e}")));
    let (outcome, scratch) = base_case(&model);
    (model, outcome, scratch)
}

/// The base-case benefit of capability `name` by month.
fn benefit(model: &Model, s: &Scratch, name: &str) -> Vec<f64> {
    let c = model
        .capabilities
        .iter()
        .position(|c| c.name == name)
        .unwrap_or_else(|| panic!("no capability {name}"));
    s.capability_benefits(c).to_vec()
}

/// The base-case cost of line `name` by month.
fn cost(model: &Model, s: &Scratch, name: &str) -> Vec<f64> {
    let l = model
        .cost_lines
        .iter()
        .position(|c| c.name == name)
        .unwrap_or_else(|| panic!("no cost line {name}"));
    s.cost_line_costs(l).to_vec()
}

/// `a` and `b` agree to 1e-9 relative (or 1e-9 absolute near zero), month by month.
fn assert_close(got: &[f64], want: &[f64], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: lengths");
    for (t, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= 1e-9 * w.abs().max(1.0),
            "{what}, month {t}: got {g}, want {w}\n got  {got:?}\n want {want:?}"
        );
    }
}

/// One group of 10 seats, fully adopted from its go-live month (a table curve of one value
/// 1.0), with the given role and data quality lines.
fn full_group(go_live: u32, extra: &str) -> String {
    format!(
        r#"
[[user_groups]]
name = "Team"
seats = 10
go_live_month = {go_live}
{extra}
[user_groups.adoption]
curve = "table"
values = [1.0]
"#
    )
}

/// Hours saved: h hours a week × the role's working weeks / 12 a month, for every active user,
/// whatever the group's data quality.
#[test]
fn hours_saved_use_the_roles_working_weeks_and_ignore_data_quality() {
    let roles = r#"
[[roles]]
name = "Rep"
headcount = 10
hourly_cost = 50
working_weeks = 48

[[roles]]
name = "Default rep"
headcount = 10
hourly_cost = 50
"#;
    let body = format!(
        "{roles}{}{}{}",
        full_group(0, "role = \"Rep\"\ndata_quality = 0.5"),
        full_group(0, "role = \"Default rep\"").replace("\"Team\"", "\"Team B\""),
        r#"
[[capabilities]]
name = "Capture"
used_by = ["Team"]
driver = "hours_saved"
hours_per_week = 2
value_share = 0.5

[[capabilities]]
name = "Capture B"
used_by = ["Team B"]
driver = "hours_saved"
hours_per_week = 2
value_share = 0.5
"#
    );
    let (m, _, s) = base(&scenario(3, &body));
    // 10 seats × 2 h × 0.5 × 48 / 12 weeks a month × $50 = $2,000 a month; data quality 0.5
    // does not halve it.
    assert_close(&benefit(&m, &s, "Capture"), &[2000.0; 3], "48 weeks");
    // The default is 46 working weeks: 10 × 2 × 0.5 × 46 / 12 × 50.
    let want = 10.0 * 2.0 * 0.5 * 46.0 / 12.0 * 50.0;
    assert_close(&benefit(&m, &s, "Capture B"), &[want; 3], "46 weeks");
}

/// A risk's benefit share cuts gains, not dis-benefits: a capability whose effect is negative
/// keeps its full value whatever the risks (direct value alone or shared by groups, and a
/// negative funnel uplift alike).
#[test]
fn a_failed_programme_keeps_its_dis_benefits_in_full() {
    let body = format!(
        "{}{}{}",
        r#"
[baseline]
new_business_revenue = 1_200_000
gross_margin = 0.5
"#,
        full_group(0, "") + &full_group(0, "").replace("\"Team\"", "\"Team B\""),
        r#"
[[capabilities]]
name = "Gain"
used_by = ["Team"]
driver = "direct_value"
annual_value = 1_200

[[capabilities]]
name = "Loss alone"
used_by = ["Team"]
driver = "direct_value"
annual_value = -240

[[capabilities]]
name = "Loss shared"
driver = "direct_value"
annual_value = -600

[[capabilities]]
name = "Worse win rate"
driver = "win_rate"
uplift = -0.1

[[risks]]
name = "Half the gains"
probability = 1.0
benefit_realised = 0.5
"#
    );
    let (m, o, s) = base(&scenario(2, &body));
    // $100 a month, halved.
    assert_close(&benefit(&m, &s, "Gain"), &[50.0; 2], "gain");
    // −$20 and −$50 a month, in full.
    assert_close(&benefit(&m, &s, "Loss alone"), &[-20.0; 2], "loss alone");
    assert_close(&benefit(&m, &s, "Loss shared"), &[-50.0; 2], "loss shared");
    // $100,000 of new business a month × 50% margin × −10%, in full.
    assert_close(
        &benefit(&m, &s, "Worse win rate"),
        &[-5000.0; 2],
        "win rate",
    );
    assert!((o.pv_benefits - 2.0 * (50.0 - 20.0 - 50.0 - 5000.0)).abs() < 1e-6);
}

/// Retention: a churn reduction X raises the monthly survival from s = (1 − ch)^(1/12) to
/// (1 − ch + X)^(1/12); the revenue kept is a stock that survives at s a month and grows with
/// the baseline: K(t) = K(t−1) · s · g + IB · G(t) · Δ, Δ = (1 − ch + X)^(1/12) − s, so
/// K(t) = IB · Δ · g^t · (1 − s^(t+1)) / (1 − s); the benefit is K(t) / 12 at gross margin.
#[test]
fn retention_uses_the_monthly_survival_and_grows_with_the_baseline() {
    let baseline = r#"
[baseline]
installed_base_revenue = 1_200_000
churn = 0.12
growth = 0.1
gross_margin = 0.5
"#;
    let body = format!(
        "{baseline}{}{}",
        full_group(0, ""),
        r#"
[[capabilities]]
name = "Churn warning"
driver = "retention"
uplift = 0.01
"#
    );
    let (m, _, s) = base(&scenario(36, &body));
    let (ib, ch, x, margin) = (1_200_000.0f64, 0.12f64, 0.01f64, 0.5);
    let survival = (1.0 - ch).powf(1.0 / 12.0);
    let g = 1.1f64.powf(1.0 / 12.0);
    let delta = (1.0 - ch + x).powf(1.0 / 12.0) - survival;
    let want: Vec<f64> = (0..36)
        .map(|t| {
            let stock = ib * delta * g.powi(t) * (1.0 - survival.powi(t + 1)) / (1.0 - survival);
            stock / 12.0 * margin
        })
        .collect();
    let got = benefit(&m, &s, "Churn warning");
    assert_close(&got, &want, "retention");
    // Not churn / 12: the stock decays by the survival, 0.98940 a month, not 0.99.
    let churn_over_12 = ib * x / 12.0 / 12.0 * margin;
    assert!(
        (got[0] - churn_over_12).abs() > 1e-3 * churn_over_12,
        "{}",
        got[0]
    );

    // Reductions above the churn are capped at it, and the capped gain is shared in
    // proportion to the uplifts: X = 0.12 of 0.16, so Δ = 1 − s, split 10 : 6.
    let body = format!(
        "{baseline}{}{}",
        full_group(0, ""),
        r#"
[[capabilities]]
name = "A"
driver = "retention"
uplift = 0.10

[[capabilities]]
name = "B"
driver = "retention"
uplift = 0.06
"#
    );
    let (m, _, s) = base(&scenario(2, &body));
    let month0 = ib * (1.0 - survival) / 12.0 * margin;
    assert_close(&benefit(&m, &s, "A")[..1], &[month0 * 10.0 / 16.0], "A");
    assert_close(&benefit(&m, &s, "B")[..1], &[month0 * 6.0 / 16.0], "B");
}

/// A go-live slip moves what starts at go-live, not what the contract fixes: per-seat monthly
/// costs start on the contract's schedule by default (each group's planned go-live, or a
/// contract month), per-seat one-off costs at the actual go-live.
#[test]
fn a_go_live_slip_leaves_licences_at_the_contract_start() {
    let body = format!(
        "{}{}",
        full_group(2, ""),
        r#"
[[capabilities]]
name = "Value"
driver = "direct_value"
annual_value = 12_000

[[costs]]
name = "Licences"
category = "licence"
kind = "per_seat_monthly"
amount = 100

[[costs]]
name = "Licences at go-live"
category = "licence"
kind = "per_seat_monthly"
starts = "go_live"
amount = 100

[[costs]]
name = "Enterprise agreement"
category = "licence"
kind = "per_seat_monthly"
starts = "contract"
contract_month = 0
to_month = 6
amount = 10

[[costs]]
name = "Training"
category = "training"
kind = "per_seat_one_off"
amount = 50

[[costs]]
name = "Training on contract"
category = "training"
kind = "per_seat_one_off"
starts = "contract"
contract_month = 1
amount = 50

[[risks]]
name = "Slip"
probability = 0.9
delay_months = 3
"#
    );
    let (m, _, s) = base(&scenario(9, &body));
    // Planned go-live month 2, actual month 5 (the slip happens in the base case: p > 0.5).
    let value = benefit(&m, &s, "Value");
    assert_eq!(value.iter().position(|&v| v > 0.0), Some(5), "{value:?}");
    let from = |first: usize, to: usize, v: f64| -> Vec<f64> {
        (0..9)
            .map(|t| if t >= first && t <= to { v } else { 0.0 })
            .collect()
    };
    // 10 seats × $100 from the planned go-live, month 2, whatever the slip.
    assert_close(&cost(&m, &s, "Licences"), &from(2, 8, 1000.0), "licences");
    assert_close(
        &cost(&m, &s, "Licences at go-live"),
        &from(5, 8, 1000.0),
        "at go-live",
    );
    assert_close(
        &cost(&m, &s, "Enterprise agreement"),
        &from(0, 6, 100.0),
        "agreement",
    );
    // 10 seats × $50 once: at the actual go-live, or in the contract month.
    assert_close(&cost(&m, &s, "Training"), &from(5, 5, 500.0), "training");
    assert_close(
        &cost(&m, &s, "Training on contract"),
        &from(1, 1, 500.0),
        "on contract",
    );
}

/// Direct value on a schedule: nothing before `from_month` (moved by a go-live slip), then
/// `ramp_months` equal steps to the full value, the first in `from_month` itself. Direct value
/// that follows adoption is not scaled by data quality.
#[test]
fn direct_value_follows_its_schedule_or_adoption_without_data_quality() {
    let body = format!(
        "{}{}",
        full_group(0, "data_quality = 0.5"),
        r#"
[[capabilities]]
name = "Retire legacy"
driver = "direct_value"
annual_value = 1_200
from_month = 3
ramp_months = 4

[[capabilities]]
name = "Switch off at once"
driver = "direct_value"
annual_value = 1_200
from_month = 6

[[capabilities]]
name = "Per active user"
driver = "direct_value"
annual_value = 1_200
"#
    );
    let (m, _, s) = base(&scenario(10, &body));
    let ramp = [0.0, 0.0, 0.0, 25.0, 50.0, 75.0, 100.0, 100.0, 100.0, 100.0];
    assert_close(&benefit(&m, &s, "Retire legacy"), &ramp, "ramp");
    let at_once = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 100.0, 100.0, 100.0, 100.0];
    assert_close(&benefit(&m, &s, "Switch off at once"), &at_once, "at once");
    // Full adoption from month 0; data quality 0.5 does not halve a direct value.
    assert_close(
        &benefit(&m, &s, "Per active user"),
        &[100.0; 10],
        "adoption",
    );

    // A go-live slip of 2 months moves the schedule by 2 months.
    let slipped = body.clone()
        + r#"
[[risks]]
name = "Slip"
probability = 0.9
delay_months = 2
"#;
    let (m, _, s) = base(&scenario(10, &slipped));
    let mut moved = vec![0.0, 0.0];
    moved.extend_from_slice(&ramp[..8]);
    assert_close(
        &benefit(&m, &s, "Retire legacy"),
        &moved,
        "ramp after a slip",
    );
}

/// A lead-volume (or conversion) uplift brings revenue one sales cycle after it acts: its first
/// revenue month is go-live + lag + sales cycle; a win-rate uplift counts at once. A fractional
/// cycle shares the delay between the two whole months around it.
#[test]
fn a_lead_uplift_pays_one_sales_cycle_after_it_acts() {
    let body = |cycle: &str| {
        format!(
            "[baseline]\nnew_business_revenue = 1_200_000\ngross_margin = 0.5\nsales_cycle_months = {cycle}\n{}{}",
            full_group(2, ""),
            r#"
[[capabilities]]
name = "More leads"
driver = "lead_volume"
uplift = 0.1
lag_months = 1

[[capabilities]]
name = "Better conversion"
driver = "conversion"
uplift = 0.1

[[capabilities]]
name = "Better win rate"
driver = "win_rate"
uplift = 0.1
"#
        )
    };
    let first = |row: &[f64]| row.iter().position(|&v| v != 0.0);
    let (m, _, s) = base(&scenario(24, &body("6")));
    // Go-live 2 + lag 1 + cycle 6 = month 9; go-live 2 + cycle 6 = month 8; go-live 2.
    assert_eq!(first(&benefit(&m, &s, "More leads")), Some(9));
    assert_eq!(first(&benefit(&m, &s, "Better conversion")), Some(8));
    assert_eq!(first(&benefit(&m, &s, "Better win rate")), Some(2));
    // In month 9 and after all three compound: $100,000 a month × 50% × (1.1³ − 1), the
    // parts split by ln(1.1) each, so a third each.
    let total = 100_000.0 * 0.5 * (1.1f64.powi(3) - 1.0);
    assert_close(
        &benefit(&m, &s, "More leads")[9..],
        &[total / 3.0; 15],
        "leads",
    );
    // Month 8: conversion and win rate only: 50,000 × (1.1² − 1) / 2 each.
    let two = 100_000.0 * 0.5 * (1.1f64.powi(2) - 1.0) / 2.0;
    assert_close(
        &benefit(&m, &s, "Better conversion")[8..9],
        &[two],
        "month 8",
    );
    // Months 2-7: win rate alone, 50,000 × 0.1.
    assert_close(
        &benefit(&m, &s, "Better win rate")[2..8],
        &[5_000.0; 6],
        "win rate",
    );

    // A cycle of 5.25 months: a quarter of the uplift a month later than 5 months.
    let (m, _, s) = base(&scenario(24, &body("5.25")));
    let conversion = benefit(&m, &s, "Better conversion");
    assert_eq!(first(&conversion), Some(7));
    // Month 7: conversion at 0.75 × 10% (with the win rate's 10%), then fully from month 8.
    let x: f64 = 0.75 * 0.1;
    let gain = 100_000.0 * 0.5 * ((1.0 + x) * 1.1 - 1.0);
    let part = gain * (1.0 + x).ln() / ((1.0 + x).ln() + 1.1f64.ln());
    assert_close(&conversion[7..8], &[part], "month 7");
}

/// Lever-shifted adoption parameters are held to the ranges a scenario may give them: a
/// midpoint shifted to −40 months counts as −24, a Bass p multiplied past 1 as 1, q past 2 as 2.
#[test]
fn lever_shifted_parameters_stay_in_their_allowed_ranges() {
    let body = r#"
[[user_groups]]
name = "Logistic"
seats = 10
go_live_month = 0
[user_groups.adoption]
curve = "logistic"
ceiling = 1
growth = 0.1
midpoint = 0

[[user_groups]]
name = "Bass"
seats = 10
go_live_month = 0
[user_groups.adoption]
curve = "bass"
ceiling = 1
p = 0.5
q = 1.5

[[capabilities]]
name = "Value"
driver = "direct_value"
annual_value = 1

[[levers]]
name = "Push"
kind = "generic"
[levers.effects]
midpoint_shift = -20
bass_p = 4
bass_q = 2

[[levers]]
name = "Push again"
kind = "generic"
applies_to = ["Logistic"]
[levers.effects]
midpoint_shift = -20
"#;
    let (m, _, s) = base(&scenario(4, body));
    let logistic = s.group_adoption(m.groups.iter().position(|g| g.name == "Logistic").unwrap());
    // Midpoint 0 − 40 → −24: a(τ) = 1 / (1 + e^(−0.1 (τ + 24))).
    let want: Vec<f64> = (0..4)
        .map(|t| 1.0 / (1.0 + (-0.1 * (t as f64 + 24.0)).exp()))
        .collect();
    assert_close(logistic, &want, "logistic");
    // p = min(0.5 × 4, 1) = 1, q = min(1.5 × 2, 2) = 2.
    let bass = s.group_adoption(m.groups.iter().position(|g| g.name == "Bass").unwrap());
    let (p, q) = (1.0f64, 2.0f64);
    let want: Vec<f64> = (0..4)
        .map(|t| {
            let e = (-(p + q) * t as f64).exp();
            (1.0 - e) / (1.0 + q / p * e)
        })
        .collect();
    assert_close(bass, &want, "bass");
}

/// A case that pays back and later falls below zero for good reports both months: the payback
/// (first crossing) and where it falls back (the last month with a non-negative balance, plus
/// the share of the next month's loss that balance covers).
#[test]
fn a_case_that_falls_back_below_zero_says_when() {
    let body = format!(
        "{}{}",
        full_group(0, ""),
        r#"
[[capabilities]]
name = "Value"
driver = "direct_value"
annual_value = 12_000

[[costs]]
name = "Build"
category = "implementation"
kind = "one_off"
amount = 2_000

[[costs]]
name = "Run"
category = "other"
kind = "monthly"
from_month = 5
amount = 3_000
"#
    );
    // Net: −1,000, then +1,000 a month to month 4, then −2,000 a month. Balances: −1,000, 0,
    // 1,000, 2,000, 3,000, 1,000, −1,000, −3,000, −5,000.
    let (_, o, s) = base(&scenario(9, &body));
    assert_close(
        &s.cumulative_net,
        &[-1e3, 0.0, 1e3, 2e3, 3e3, 1e3, -1e3, -3e3, -5e3],
        "balances",
    );
    assert_eq!(o.payback_months, 1.0);
    // Last non-negative balance in month 5 (1,000), month 6 loses 2,000: 5 + 1,000 / 2,000.
    assert_eq!(o.falls_back_months, 5.5);

    // Without the running cost it stays paid back: no fall-back.
    let kept = body.replace("amount = 3_000", "amount = 0");
    let (_, o, _) = base(&scenario(9, &kept));
    assert_eq!(o.payback_months, 1.0);
    assert!(o.falls_back_months.is_nan());
    // Never paid back: no fall-back either.
    let never = body.replace("amount = 2_000", "amount = 200_000");
    let (_, o, _) = base(&scenario(9, &never));
    assert!(o.payback_months.is_nan() && o.falls_back_months.is_nan());

    // The run counts it: every trial of this fixed case falls back.
    let model = Model::compile(&parse_str(&scenario(9, &body), None).unwrap());
    let out = valuecase::engine::run(
        &model,
        valuecase::engine::RunSpec {
            seed: 1,
            first_trial: 0,
            trials: 10,
        },
        &|_| {},
    );
    assert!(out.falls_back_months().iter().all(|&m| m == 5.5));
}
