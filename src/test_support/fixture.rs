//! A realistic run for tests of the charts and the board pack: the $1B high-tech reference
//! case of docs/DOMAIN.md with a 22% chance of programme failure (a two-humped NPV), a
//! Chinese capability and user-group name, and a start month.
//!
//! Everything is derived from one NPV mixture and a few smooth curves, so the numbers agree
//! with each other the way a real run's do (percentiles, histogram and P(NPV > 0) match).
//! The integration tests use a real run of the binary instead.

use crate::results::*;
use crate::scenario::*;

const TRIALS: u64 = 100_000;
const FAIL_W: f64 = 0.22;
const FAIL: (f64, f64) = (-6e6, 4e6);
const OK: (f64, f64) = (42e6, 17e6);

fn phi(z: f64) -> f64 {
    0.5 * (1.0 + statrs::function::erf::erf(z / std::f64::consts::SQRT_2))
}

fn npv_cdf(x: f64) -> f64 {
    FAIL_W * phi((x - FAIL.0) / FAIL.1) + (1.0 - FAIL_W) * phi((x - OK.0) / OK.1)
}

fn invert(f: impl Fn(f64) -> f64, p: f64, mut lo: f64, mut hi: f64) -> f64 {
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if f(mid) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

fn npv_q(p: f64) -> f64 {
    invert(npv_cdf, p, -60e6, 160e6)
}

fn stats_from(q: impl Fn(f64) -> f64, mean: f64, std: f64) -> Stats {
    Stats {
        mean,
        std,
        stderr: std / (TRIALS as f64).sqrt(),
        min: q(0.00001),
        p5: q(0.05),
        p10: q(0.10),
        p25: q(0.25),
        p50: q(0.50),
        p75: q(0.75),
        p90: q(0.90),
        p95: q(0.95),
        max: q(0.99999),
    }
}

/// Share of trials paid back within `m` months: centred so that its median is where the
/// median cumulative cash flow crosses zero.
fn payback_cdf(m: f64) -> f64 {
    let median = cumulative(1.0, 1.0)
        .windows(2)
        .position(|w| w[0] < 0.0 && w[1] >= 0.0)
        .map(|i| i as f64 + 0.5)
        .unwrap_or(20.0);
    // 0.76 Φ(z) = 0.5 at z = 0.407.
    0.76 * phi((m - median + 5.0 * 0.407) / 5.0)
}

fn payback_q(p: f64) -> Option<f64> {
    (p < 0.76).then(|| invert(payback_cdf, p, 0.0, 60.0))
}

fn cumulative(benefit_factor: f64, cost_factor: f64) -> Vec<f64> {
    let mut total = 0.0;
    (0..60)
        .map(|m| {
            let m = m as f64;
            let cost = if m <= 8.0 { 1.1e6 } else { 0.0 } + 0.2e6;
            let benefit = 2.9e6 / (1.0 + (-(m - 14.0) / 3.0).exp());
            total += benefit_factor * benefit - cost_factor * cost;
            total
        })
        .collect()
}

fn adoption(name: &str, seats: f64, go_live: u32, ceiling: f64) -> GroupAdoption {
    let curve = |ceiling: f64, growth: f64, mid: f64| -> Vec<f64> {
        (0..60u32)
            .map(|m| {
                if m < go_live {
                    0.0
                } else {
                    let tau = (m - go_live) as f64;
                    ceiling / (1.0 + (-growth * (tau - mid)).exp())
                }
            })
            .collect()
    };
    GroupAdoption {
        name: name.to_string(),
        seats,
        go_live_month: go_live,
        p10: curve(ceiling * 0.67, 0.35, 7.0),
        p50: curve(ceiling, 0.6, 4.0),
        p90: curve((ceiling * 1.2).min(0.97), 0.95, 2.5),
        absolute_error: 0.005,
    }
}

/// The capabilities: name, group, driver, median PV contribution.
const CAPS: [(&str, &str, &str, f64); 10] = [
    (
        "Opportunity management",
        "Customer interactions",
        "win_rate",
        14.0e6,
    ),
    ("Lead scoring", "Customer insight", "conversion", 9.0e6),
    (
        "Service case management",
        "Customer interactions",
        "cost_to_serve",
        7.0e6,
    ),
    ("Sales forecasting", "Customer insight", "deal_size", 6.5e6),
    (
        "Churn early warning",
        "Customer insight",
        "retention",
        5.5e6,
    ),
    ("Account planning", "Customer offers", "cross_sell", 5.0e6),
    ("Mobile CRM for field sales", "People", "hours_saved", 4.5e6),
    (
        "Customer self-service portal",
        "eCRM",
        "cost_to_serve",
        4.0e6,
    ),
    (
        "Campaign management",
        "Customer offers",
        "marketing_efficiency",
        3.0e6,
    ),
    ("客户洞察仪表板", "eCRM", "direct_value", 1.5e6),
];

/// The summary of a 100,000-trial run of the reference case.
pub(crate) fn summary() -> Summary {
    let npv_mean = FAIL_W * FAIL.0 + (1.0 - FAIL_W) * OK.0;
    let second =
        FAIL_W * (FAIL.0 * FAIL.0 + FAIL.1 * FAIL.1) + (1.0 - FAIL_W) * (OK.0 * OK.0 + OK.1 * OK.1);
    let npv_std = (second - npv_mean * npv_mean).sqrt();
    let npv = stats_from(npv_q, npv_mean, npv_std);

    let edges: Vec<f64> = (0..=48).map(|i| -20e6 + 2.5e6 * i as f64).collect();
    let mut counts: Vec<u64> = edges
        .windows(2)
        .map(|w| ((npv_cdf(w[1]) - npv_cdf(w[0])) * TRIALS as f64).round() as u64)
        .collect();
    counts[0] += (npv_cdf(edges[0]) * TRIALS as f64).round() as u64;
    let last = counts.len() - 1;
    counts[last] += ((1.0 - npv_cdf(edges[48])) * TRIALS as f64).round() as u64;

    let capabilities: Vec<CapabilityResult> = CAPS
        .iter()
        .map(|&(name, group, driver, med)| CapabilityResult {
            name: name.to_string(),
            group: group.to_string(),
            driver: driver.to_string(),
            npv_contribution: stats_from(
                |p| med * (0.25 + 1.6 * p.powf(1.3)) / (0.25 + 1.6 * 0.5f64.powf(1.3)),
                med * 1.02,
                med * 0.45,
            ),
            base_case: med * 1.1,
        })
        .collect();
    let pv_benefits_mean: f64 = capabilities.iter().map(|c| c.npv_contribution.mean).sum();
    let pv_costs_mean = pv_benefits_mean - npv_mean;

    let payback_probability: Vec<f64> = (0..=60).map(|m| payback_cdf(m as f64)).collect();
    let within = [12u32, 24, 36, 48, 60]
        .iter()
        .map(|&m| (m, payback_cdf(m as f64)))
        .collect();
    let payback = PaybackStats {
        stats: PartialStats {
            mean: Some(22.4),
            std: Some(5.1),
            stderr: Some(5.1 / (TRIALS as f64 * 0.76).sqrt()),
            min: Some(9.8),
            p5: payback_q(0.05),
            p10: payback_q(0.10),
            p25: payback_q(0.25),
            p50: payback_q(0.50),
            p75: payback_q(0.75),
            p90: None,
            p95: None,
            max: Some(59.2),
        },
        never_fraction: 0.24,
    };

    let groups = [
        "Customer interactions",
        "Customer insight",
        "Customer offers",
        "eCRM",
        "People",
    ];
    let categories = [
        "Licences",
        "Implementation",
        "Internal labour",
        "Training",
        "Change management",
        "Administration",
    ];
    let years: [([f64; 5], [f64; 6]); 5] = [
        ([1.2, 0.8, 0.3, 0.2, 0.3], [1.7, 5.5, 1.2, 0.6, 0.9, 0.3]),
        ([6.5, 4.5, 2.0, 1.5, 1.6], [1.7, 0.8, 0.6, 0.2, 0.4, 0.3]),
        ([9.0, 6.2, 3.2, 2.2, 2.3], [1.75, 0.0, 0.5, 0.1, 0.1, 0.3]),
        ([9.6, 6.6, 3.5, 2.4, 2.5], [1.8, 0.0, 0.5, 0.1, 0.0, 0.3]),
        ([9.8, 6.8, 3.6, 2.5, 2.6], [1.85, 0.0, 0.5, 0.1, 0.0, 0.3]),
    ];
    let annual = years
        .iter()
        .enumerate()
        .map(|(i, (b, c))| {
            let b: Vec<f64> = b.iter().map(|v| v * 1e6).collect();
            let c: Vec<f64> = c.iter().map(|v| v * 1e6).collect();
            let (benefits, costs) = (b.iter().sum::<f64>(), c.iter().sum::<f64>());
            AnnualCashFlow {
                year: i as u32 + 1,
                benefits_by_group: b,
                costs_by_category: c,
                benefits,
                costs,
                net: benefits - costs,
            }
        })
        .collect();

    let fan = MonthlyQuantiles {
        p5: cumulative(0.05, 1.2),
        p10: cumulative(0.15, 1.15),
        p25: cumulative(0.75, 1.05),
        p50: cumulative(1.0, 1.0),
        p75: cumulative(1.2, 0.97),
        p90: cumulative(1.42, 0.93),
        p95: cumulative(1.55, 0.9),
        relative_error: 0.01,
    };

    Summary {
        valuecase_version: "0.1.0".to_string(),
        scenario: ScenarioInfo {
            name: "High-tech $1B CRM programme".to_string(),
            file: Some("scenarios/hightech-1b.toml".to_string()),
            sha256: "3f2a9c1b7d4e5f60718293a4b5c6d7e8f90123456789abcdef0123456789abcd".to_string(),
        },
        trials: TRIALS,
        seed: 42,
        horizon_months: 60,
        currency: "USD".to_string(),
        discount_rate_annual: 0.10,
        start_month: Some("2028-01".to_string()),
        base_case: BaseCase {
            npv: 46.8e6,
            roi: Some(1.62),
            irr_annual: Some(0.94),
            payback_months: Some(19.6),
            discounted_payback_months: Some(21.3),
            pv_benefits: 75.7e6,
            pv_costs: 28.9e6,
        },
        npv,
        roi: DefinedStats {
            stats: PartialStats {
                mean: Some(0.99),
                std: Some(0.8),
                stderr: Some(0.0025),
                min: Some(-0.9),
                p5: Some(-0.35),
                p10: Some(-0.2),
                p25: Some(0.45),
                p50: Some(1.21),
                p75: Some(1.65),
                p90: Some(2.1),
                p95: Some(2.4),
                max: Some(4.2),
            },
            undefined_fraction: 0.0,
        },
        pv_benefits: stats_from(
            |p| pv_benefits_mean * (0.2 + 1.6 * p),
            pv_benefits_mean,
            24e6,
        ),
        pv_costs: stats_from(|p| pv_costs_mean * (0.85 + 0.3 * p), pv_costs_mean, 3e6),
        irr_annual: DefinedStats {
            stats: PartialStats {
                p50: Some(0.81),
                ..PartialStats::default()
            },
            undefined_fraction: 0.18,
        },
        payback_months: payback.clone(),
        discounted_payback_months: PaybackStats {
            never_fraction: 0.27,
            ..payback
        },
        prob_npv_positive: 1.0 - npv_cdf(0.0),
        prob_payback_within_months: PaybackWithin(within),
        capabilities,
        charts: ChartData {
            npv_histogram: Histogram {
                edges,
                counts,
                tails_clipped: true,
            },
            npv_percentiles: (0..=100)
                .map(|i| npv_q((i as f64 / 100.0).clamp(0.00001, 0.99999)))
                .collect(),
            cumulative_net: fan,
            base_case_cumulative_net: cumulative(1.1, 1.0),
            payback_probability,
            adoption: vec![
                adoption("Sales", 480.0, 3, 0.82),
                adoption("Customer service", 260.0, 9, 0.7),
                adoption("市场营销团队", 110.0, 15, 0.6),
            ],
            benefit_groups: groups.iter().map(|s| s.to_string()).collect(),
            cost_categories: categories.iter().map(|s| s.to_string()).collect(),
            annual,
        },
        elapsed_seconds: 0.41,
    }
}

fn u(name: &str, dist: Dist) -> Uncertain {
    Uncertain {
        name: name.to_string(),
        dist,
        truncate: None,
        location: Some(Location { line: 1, column: 1 }),
    }
}

fn pert(name: &str, min: f64, mode: f64, max: f64) -> Uncertain {
    u(
        name,
        Dist::Pert {
            min,
            mode,
            max,
            shape: 4.0,
        },
    )
}

fn logistic(group: &str) -> Adoption {
    let n = |f: &str| format!("user_groups.\"{group}\".adoption.{f}");
    Adoption::Logistic {
        ceiling: pert(&n("ceiling"), 0.5, 0.8, 0.95),
        growth: u(
            &n("growth"),
            Dist::Triangular {
                min: 0.3,
                mode: 0.6,
                max: 1.2,
            },
        ),
        midpoint: pert(&n("midpoint"), 2.0, 4.0, 9.0),
    }
}

fn group(name: &str, seats: f64, go_live: u32) -> UserGroup {
    UserGroup {
        name: name.to_string(),
        seats,
        go_live_month: go_live,
        role: Some(0),
        adoption: logistic(name),
        data_quality: Uncertain::fixed(format!("user_groups.\"{name}\".data_quality"), 1.0),
    }
}

fn driver(key: &str) -> Driver {
    Driver::ALL
        .into_iter()
        .find(|d| d.key() == key)
        .unwrap_or(Driver::DirectValue)
}

fn cost(
    name: &str,
    category: CostCategory,
    schedule: CostSchedule,
    amount: Uncertain,
    overrun: bool,
) -> CostLine {
    CostLine {
        name: name.to_string(),
        category,
        schedule,
        overrun: overrun.then(|| pert(&format!("costs.\"{name}\".overrun"), 0.0, 0.1, 0.25)),
        amount,
    }
}

/// The scenario behind [`summary`].
pub(crate) fn scenario() -> Scenario {
    let capabilities = CAPS
        .iter()
        .map(|&(name, group, key, _)| {
            let d = driver(key);
            let n = |f: &str| format!("capabilities.\"{name}\".{f}");
            let effect = match d {
                Driver::HoursSaved => pert(&n("effect"), 1.0, 3.0, 6.0),
                Driver::DirectValue => u(
                    &n("effect"),
                    Dist::LogNormal {
                        mu: 14.5,
                        sigma: 0.4,
                    },
                ),
                Driver::Retention => pert(&n("effect"), 0.0, 0.01, 0.03),
                _ => pert(&n("effect"), 0.01, 0.05, 0.12),
            };
            let value_share = if d == Driver::HoursSaved {
                pert(&n("value_share"), 0.3, 0.5, 0.7)
            } else {
                Uncertain::fixed(n("value_share"), 1.0)
            };
            Capability {
                name: name.to_string(),
                group: group.to_string(),
                used_by: vec![0, 1, 2],
                driver: d,
                effect,
                value_share,
                lag_months: 2,
            }
        })
        .collect();
    let mut growth = u(
        "baseline.growth",
        Dist::Normal {
            mean: 0.05,
            sd: 0.02,
        },
    );
    growth.truncate = Some((0.0, f64::INFINITY));
    Scenario {
        meta: Meta {
            name: "High-tech $1B CRM programme".to_string(),
            description: "Reference case: $1B high-tech firm, 850 seats.".to_string(),
            currency: "USD".to_string(),
            horizon_months: 60,
            discount_rate: 0.10,
            trials: TRIALS,
            seed: 42,
            start: Some(YearMonth {
                year: 2028,
                month: 1,
            }),
        },
        baseline: Baseline {
            new_business: Some(NewBusiness::Funnel(Funnel {
                leads_per_year: pert(
                    "baseline.funnel.leads_per_year",
                    36_000.0,
                    40_000.0,
                    46_000.0,
                ),
                stage_conversion: vec![
                    pert("baseline.funnel.stage_conversion[0]", 0.25, 0.3, 0.35),
                    pert("baseline.funnel.stage_conversion[1]", 0.45, 0.5, 0.55),
                ],
                win_rate: pert("baseline.funnel.win_rate", 0.22, 0.25, 0.3),
                deal_size: pert("baseline.funnel.deal_size", 95_000.0, 110_000.0, 130_000.0),
            })),
            installed_base_revenue: Some(pert(
                "baseline.installed_base_revenue",
                520e6,
                560e6,
                600e6,
            )),
            growth,
            gross_margin: Uncertain::fixed("baseline.gross_margin", 0.5),
            churn: Some(pert("baseline.churn", 0.08, 0.12, 0.16)),
            cost_to_serve: Some(pert("baseline.cost_to_serve", 60e6, 70e6, 80e6)),
            marketing_spend: Some(Uncertain::fixed("baseline.marketing_spend", 30e6)),
            sales_cycle_months: None,
        },
        roles: vec![Role {
            name: "Account executive".to_string(),
            headcount: 400.0,
            hourly_cost: pert("roles.\"Account executive\".hourly_cost", 70.0, 85.0, 110.0),
        }],
        user_groups: vec![
            group("Sales", 480.0, 3),
            group("Customer service", 260.0, 9),
            group("市场营销团队", 110.0, 15),
        ],
        capabilities,
        levers: vec![Lever {
            name: "KPI-based appraisal".to_string(),
            kind: LeverKind::Appraisal,
            applies_to: vec![0, 1, 2],
            effects: LeverEffects {
                ceiling: Some(pert(
                    "levers.\"KPI-based appraisal\".ceiling",
                    0.0,
                    0.05,
                    0.1,
                )),
                data_quality: Some(pert(
                    "levers.\"KPI-based appraisal\".data_quality",
                    0.0,
                    0.05,
                    0.15,
                )),
                ..LeverEffects::default()
            },
            costs: vec![cost(
                "Appraisal redesign",
                CostCategory::ChangeManagement,
                CostSchedule::OneOff { month: 2 },
                pert(
                    "levers.\"KPI-based appraisal\".costs.\"Appraisal redesign\".amount",
                    150e3,
                    250e3,
                    400e3,
                ),
                false,
            )],
        }],
        costs: vec![
            cost(
                "CRM licences",
                CostCategory::Licence,
                CostSchedule::PerSeatMonthly {
                    groups: vec![0, 1, 2],
                    to_month: None,
                },
                u(
                    "costs.\"CRM licences\".amount",
                    Dist::Uniform {
                        min: 140.0,
                        max: 165.0,
                    },
                ),
                false,
            ),
            cost(
                "Systems integrator",
                CostCategory::Implementation,
                CostSchedule::Monthly {
                    from_month: 0,
                    to_month: Some(8),
                },
                pert("costs.\"Systems integrator\".amount", 500e3, 650e3, 900e3),
                true,
            ),
            cost(
                "Training",
                CostCategory::Training,
                CostSchedule::PerSeatOneOff {
                    groups: vec![0, 1, 2],
                },
                u(
                    "costs.\"Training\".amount",
                    Dist::Discrete {
                        values: vec![600.0, 900.0, 1500.0],
                        weights: vec![0.3, 0.5, 0.2],
                    },
                ),
                false,
            ),
        ],
        risks: vec![Risk {
            name: "Programme failure".to_string(),
            probability: 0.22,
            benefit_realised: Some(u(
                "risks.\"Programme failure\".benefit_realised",
                Dist::Uniform { min: 0.0, max: 0.3 },
            )),
            cost_multiplier: Some(pert(
                "risks.\"Programme failure\".cost_multiplier",
                1.0,
                1.2,
                1.5,
            )),
            delay_months: Some(u(
                "risks.\"Programme failure\".delay_months",
                Dist::Bernoulli { p: 0.5 },
            )),
        }],
        correlations: Vec::new(),
    }
}

/// The outputs' view of a run with this `summary` of `scenario`: the tables are built the
/// way the engine builds them. Tests may give `scenario` correlations the reader would refuse
/// (hostile names); the model is compiled without them, the assumptions list them all.
pub(crate) fn results_of(summary: Summary, scenario: &Scenario) -> RunResults {
    let uncorrelated = Scenario {
        correlations: Vec::new(),
        ..scenario.clone()
    };
    let model = crate::model::Model::compile(&uncorrelated);
    RunResults {
        summary,
        assumptions: crate::engine::assumptions(scenario, &model),
        base_cashflow: crate::engine::base_cashflow(&model),
    }
}

/// [`summary`] with the tables of [`scenario`].
pub(crate) fn results() -> RunResults {
    results_of(summary(), &scenario())
}
