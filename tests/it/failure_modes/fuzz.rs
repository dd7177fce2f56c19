//! Structured fuzz: random well-formed scenarios with random (often extreme) numbers either
//! parse and run with only finite numbers, or are refused with a diagnostic. Never a panic.

use proptest::prelude::*;
use valuecase::engine::{self, RunSpec};
use valuecase::model::Model;
use valuecase::scenario;

/// A small deterministic generator driven by the proptest seed (splitmix64). A `tame`
/// generator keeps every number inside its field's range (so most scenarios are valid and
/// the "runs finite" half of the property is exercised); a wild one throws in extremes,
/// NaN, infinities, unordered parameters and empty truncations.
struct Gen {
    state: u64,
    tame: bool,
}

impl Gen {
    fn new(seed: u64) -> Self {
        let mut g = Gen {
            state: seed,
            tame: false,
        };
        g.tame = g.chance(60);
        g
    }
    fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
    /// A number in `[lo, hi]`, often at an edge.
    fn inside(&mut self, lo: f64, hi: f64) -> f64 {
        match self.below(8) {
            0 => lo,
            1 => hi,
            _ => (lo + (hi - lo) * self.unit()).clamp(lo, hi),
        }
    }

    /// A number: inside `[lo, hi]` when tame; sometimes an edge or an extreme when wild.
    fn num(&mut self, lo: f64, hi: f64) -> String {
        const EXTREMES: [&str; 22] = [
            "0",
            "-0.0",
            "1",
            "-1",
            "5e-324",
            "-5e-324",
            "1e-300",
            "1e-9",
            "1e15",
            "-1e15",
            "1.0000001e15",
            "1e16",
            "1e300",
            "-1e300",
            "1e308",
            "1.7976931348623157e308",
            "-1.7976931348623157e308",
            "709",
            "710",
            "-745",
            "nan",
            "inf",
        ];
        if self.tame {
            let x = self.inside(lo, hi);
            return fmt(x);
        }
        match self.below(12) {
            0 => self.pick(&EXTREMES).to_string(),
            1 => fmt(f64::from_bits(self.next())),
            _ => {
                let x = self.inside(lo, hi);
                fmt(x)
            }
        }
    }

    /// Three numbers, in order when tame, inside `[lo, hi]`.
    fn three(&mut self, lo: f64, hi: f64) -> [String; 3] {
        let mut v = [0.0; 3].map(|_: f64| self.inside(lo, hi));
        if self.tame || self.chance(70) {
            v.sort_by(f64::total_cmp);
        }
        if !self.tame && self.chance(20) {
            let i = self.below(3) as usize;
            let mut out = v.map(fmt);
            out[i] = self.num(lo, hi);
            return out;
        }
        v.map(fmt)
    }

    /// An uncertain value: a plain number or any distribution, maybe truncated.
    fn dist(&mut self, lo: f64, hi: f64) -> String {
        let unit_inside = lo <= 0.0 && hi >= 1.0;
        let mut unbounded = false;
        let body = match self.below(12) {
            0..=2 => return self.num(lo, hi),
            3 => format!("fixed = {}", self.num(lo, hi)),
            4 => {
                let [a, _, b] = self.three(lo, hi);
                if self.tame && a == b {
                    return a;
                }
                format!("uniform = [{a}, {b}]")
            }
            5 => {
                let [a, m, b] = self.three(lo, hi);
                format!("triangular = [{a}, {m}, {b}]")
            }
            6 => {
                let [a, m, b] = self.three(lo, hi);
                if self.chance(30) {
                    let shape = self.num(0.1, 50.0);
                    format!("pert = [{a}, {m}, {b}], shape = {shape}")
                } else {
                    format!("pert = [{a}, {m}, {b}]")
                }
            }
            7 => {
                unbounded = true;
                let sd = (hi - lo) / 4.0 * (0.01 + 0.99 * self.unit());
                let sd = if self.tame {
                    fmt(sd)
                } else {
                    self.num(0.0, sd)
                };
                format!("normal = {{ mean = {}, sd = {sd} }}", self.num(lo, hi))
            }
            8 => {
                unbounded = true;
                let top = hi.abs().max(1.0).ln();
                let sigma = 0.05 + 1.5 * self.unit();
                if self.chance(50) {
                    let sigma = if self.tame {
                        fmt(sigma)
                    } else {
                        self.num(0.0, 2.0)
                    };
                    format!(
                        "lognormal = {{ mu = {}, sigma = {sigma} }}",
                        self.num(-3.0, top)
                    )
                } else {
                    let [a, _, b] = self.three(lo.max(0.0).max(hi * 1e-3), hi);
                    format!("lognormal = {{ p5 = {a}, p95 = {b} }}")
                }
            }
            9 if unit_inside || !self.tame => format!(
                "beta = {{ alpha = {}, beta = {} }}",
                self.num(0.1, 10.0),
                self.num(0.1, 10.0)
            ),
            10 => {
                let n = 1 + self.below(4);
                let values: Vec<String> = (0..n).map(|_| self.num(lo, hi)).collect();
                let mut weights = Vec::new();
                for _ in 0..n {
                    weights.push(if self.tame {
                        fmt(0.1 + 5.0 * self.unit())
                    } else {
                        self.num(0.0, 5.0)
                    });
                }
                format!(
                    "discrete = {{ values = [{}], weights = [{}] }}",
                    values.join(", "),
                    weights.join(", ")
                )
            }
            _ if unit_inside || !self.tame => {
                format!("bernoulli = {}", self.num(0.0, 1.0))
            }
            _ => return self.num(lo, hi),
        };
        let mut trunc = String::new();
        if self.tame {
            // Truncate unbounded distributions to the field's range, as a user must.
            if unbounded {
                trunc = format!(", min = {}, max = {}", fmt(lo), fmt(hi));
            }
        } else {
            if self.chance(40) {
                trunc.push_str(&format!(", min = {}", self.num(lo, hi)));
            }
            if self.chance(40) {
                trunc.push_str(&format!(", max = {}", self.num(lo, hi)));
            }
        }
        format!("{{ {body}{trunc} }}")
    }

    fn month(&mut self, horizon: i64) -> String {
        if !self.tame && self.chance(10) {
            return self
                .pick(&["-1", "600", "601", "2.5", "1e3", "99999999999"])
                .into();
        }
        (self.below(horizon.max(1) as u64)).to_string()
    }
}

/// A TOML float or integer literal.
fn fmt(x: f64) -> String {
    if x.is_nan() {
        "nan".into()
    } else if x.is_infinite() {
        if x > 0.0 { "inf".into() } else { "-inf".into() }
    } else {
        format!("{x:e}")
    }
}

const DRIVERS: [(&str, &str, f64, f64); 11] = [
    ("lead_volume", "uplift", -0.5, 2.0),
    ("conversion", "uplift", -0.5, 2.0),
    ("win_rate", "uplift", -0.5, 2.0),
    ("deal_size", "uplift", -0.5, 2.0),
    ("sales_cycle", "uplift", 0.0, 0.9),
    ("retention", "uplift", 0.0, 1.0),
    ("cross_sell", "uplift", -0.5, 2.0),
    ("cost_to_serve", "uplift", 0.0, 0.95),
    ("marketing_efficiency", "uplift", 0.0, 0.95),
    ("hours_saved", "hours_per_week", 0.0, 40.0),
    ("direct_value", "annual_value", -1e7, 1e7),
];

/// A random scenario of the right shape.
fn generate(seed: u64) -> String {
    let mut g = Gen::new(seed);
    let horizon: i64 = match g.below(10) {
        0 => 1,
        1 => 600,
        2 if !g.tame => g.pick(&["0", "601", "-5", "12.5"]).parse::<f64>().unwrap() as i64,
        _ => 1 + g.below(120) as i64,
    };
    let mut s = format!(
        "[scenario]\nname = \"Fuzz {seed}\"\ncurrency = \"USD\"\nhorizon_months = {horizon}\ndiscount_rate = {}\n\n[baseline]\n",
        g.num(0.0, 0.3)
    );
    if g.chance(70) {
        s += &format!("new_business_revenue = {}\n", g.dist(0.0, 1e9));
    } else {
        s += &format!(
            "[baseline.funnel]\nleads_per_year = {}\nstage_conversion = [{}, {}]\nwin_rate = {}\ndeal_size = {}\n",
            g.dist(0.0, 1e6),
            g.dist(0.0, 1.0),
            g.dist(0.0, 1.0),
            g.dist(0.0, 1.0),
            g.dist(0.0, 1e6)
        );
    }
    let mut base = String::new();
    for (key, lo, hi) in [
        ("installed_base_revenue", 0.0, 1e9),
        ("growth", -0.5, 1.0),
        ("gross_margin", 0.0, 1.0),
        ("churn", 0.0, 1.0),
        ("cost_to_serve", 0.0, 1e8),
        ("marketing_spend", 0.0, 1e8),
        ("sales_cycle_months", 0.1, 60.0),
    ] {
        if g.chance(85) {
            base += &format!("{key} = {}\n", g.dist(lo, hi));
        }
    }
    // Baseline fields must come before [baseline.funnel]: insert them after [baseline].
    s = s.replacen("[baseline]\n", &format!("[baseline]\n{base}"), 1);

    s += "\n[[roles]]\nname = \"Rep\"\nheadcount = 10\n";
    s += &format!("hourly_cost = {}\n", g.dist(0.0, 500.0));
    let groups = 1 + g.below(3);
    for i in 0..groups {
        s += &format!(
            "\n[[user_groups]]\nname = \"G{i}\"\nseats = {}\ngo_live_month = {}\nrole = \"Rep\"\n",
            g.num(0.0, 5000.0),
            g.month(horizon)
        );
        if g.chance(50) {
            s += &format!("data_quality = {}\n", g.dist(0.0, 1.0));
        }
        s += "[user_groups.adoption]\n";
        let ceiling = g.dist(0.0, 1.0);
        s += &match g.below(5) {
            0 => format!(
                "curve = \"logistic\"\nceiling = {ceiling}\ngrowth = {}\nmidpoint = {}\n",
                g.dist(0.01, 5.0),
                g.dist(-24.0, 120.0)
            ),
            1 => format!(
                "curve = \"bass\"\nceiling = {ceiling}\np = {}\nq = {}\n",
                g.dist(0.001, 1.0),
                g.dist(0.0, 2.0)
            ),
            2 => format!(
                "curve = \"gompertz\"\nceiling = {ceiling}\nrate = {}\nmidpoint = {}\n",
                g.dist(0.01, 5.0),
                g.dist(-24.0, 120.0)
            ),
            3 => format!(
                "curve = \"linear\"\nceiling = {ceiling}\nramp_months = {}\n",
                g.dist(0.01, 60.0)
            ),
            _ => format!(
                "curve = \"table\"\nvalues = [{}, {}, {}]\n",
                g.num(0.0, 1.0),
                g.num(0.0, 1.0),
                g.num(0.0, 1.0)
            ),
        };
    }
    let caps = 1 + g.below(4);
    for i in 0..caps {
        let (driver, field, lo, hi) = DRIVERS[g.below(DRIVERS.len() as u64) as usize];
        s += &format!(
            "\n[[capabilities]]\nname = \"C{i}\"\ndriver = \"{driver}\"\n{field} = {}\n",
            g.dist(lo, hi)
        );
        if driver == "hours_saved" && g.chance(50) {
            s += &format!("value_share = {}\n", g.dist(0.0, 1.0));
        }
        if g.chance(30) {
            s += &format!("lag_months = {}\n", g.month(horizon));
        }
    }
    for i in 0..g.below(3) {
        s += &format!(
            "\n[[levers]]\nname = \"L{i}\"\nkind = \"{}\"\n[levers.effects]\n",
            g.pick(&["communication", "training", "appraisal", "generic"])
        );
        for (key, lo, hi) in [
            ("ceiling", -1.0, 1.0),
            ("speed", 0.01, 10.0),
            ("midpoint_shift", -24.0, 24.0),
            ("bass_p", 0.01, 10.0),
            ("bass_q", 0.01, 10.0),
            ("data_quality", -1.0, 1.0),
        ] {
            if g.chance(40) {
                s += &format!("{key} = {}\n", g.dist(lo, hi));
            }
        }
        if g.chance(50) {
            s += &format!(
                "[[levers.costs]]\nname = \"LC\"\nkind = \"one_off\"\namount = {}\n",
                g.dist(0.0, 1e6)
            );
        }
    }
    for i in 0..g.below(4) {
        s += &format!(
            "\n[[costs]]\nname = \"K{i}\"\ncategory = \"other\"\namount = {}\n",
            g.dist(0.0, 1e6)
        );
        s += &match g.below(4) {
            0 => format!("kind = \"one_off\"\nmonth = {}\n", g.month(horizon)),
            1 => {
                let from = g.below(horizon.max(1) as u64);
                let to = if g.tame {
                    (from + g.below(horizon.max(1) as u64 * 2)).to_string()
                } else {
                    g.month(horizon * 2)
                };
                format!("kind = \"monthly\"\nfrom_month = {from}\nto_month = {to}\n")
            }
            2 => "kind = \"per_seat_monthly\"\n".to_string(),
            _ => "kind = \"per_seat_one_off\"\n".to_string(),
        };
        if g.chance(30) {
            s += &format!("overrun = {}\n", g.dist(-0.5, 5.0));
        }
    }
    for i in 0..g.below(3) {
        s += &format!(
            "\n[[risks]]\nname = \"R{i}\"\nprobability = {}\nbenefit_realised = {}\ncost_multiplier = {}\ndelay_months = {}\n",
            g.num(0.0, 1.0),
            g.dist(0.0, 1.0),
            g.dist(0.0, 10.0),
            g.dist(0.0, 60.0)
        );
    }
    if g.chance(40) {
        // Correlations between inputs the scenario has (when it is valid), and, for wild
        // seeds, names that may be fixed, missing or misspelt.
        let mut pool: Vec<String> = scenario::parse_str(&s, None)
            .map(|sc| {
                sc.inputs()
                    .iter()
                    .filter(|u| !u.is_fixed())
                    .map(|u| u.name.clone())
                    .collect()
            })
            .unwrap_or_default();
        if !g.tame || pool.len() < 2 {
            pool.extend(
                [
                    "baseline.growth",
                    "baseline.gross_margin",
                    r#"roles."Rep".hourly_cost"#,
                    r#"user_groups."G0".adoption.ceiling"#,
                    r#"user_groups."G0".data_quality"#,
                    r#"capabilities."C0".uplift"#,
                    r#"costs."K0".overrun"#,
                    r#"risks."R0".occurs"#,
                    "costs.K0.amount",
                ]
                .map(String::from),
            );
        }
        for _ in 0..1 + g.below(3) {
            let a = pool[g.below(pool.len() as u64) as usize].clone();
            let b = pool[g.below(pool.len() as u64) as usize].clone();
            let rank = if g.tame {
                fmt(g.inside(-0.6, 0.6))
            } else {
                g.num(-1.0, 1.0)
            };
            s += &format!("\n[[correlations]]\ninputs = ['{a}', '{b}']\nrank = {rank}\n");
        }
    }
    s
}

/// Parse; on success compile, run 8 trials and check every number.
fn check(text: &str) -> Result<bool, TestCaseError> {
    let parsed = scenario::parse_str(text, None);
    let s = match parsed {
        Ok(s) => s,
        Err(e) => {
            prop_assert!(!e.diagnostics.is_empty());
            prop_assert!(e.to_string().starts_with("error: "));
            return Ok(false);
        }
    };
    let model = Model::compile(&s);
    let (base, scratch) = engine::base_case(&model);
    prop_assert!(base.npv.is_finite(), "base-case NPV {}", base.npv);
    prop_assert!(scratch.cumulative_net.iter().all(|x| x.is_finite()));
    let out = engine::run(
        &model,
        RunSpec {
            seed: 1,
            first_trial: 0,
            trials: 8,
        },
        &|_| {},
    );
    for row in (0..out.table.rows()).map(|i| out.table.row(i)) {
        prop_assert!(
            row[..3].iter().all(|x| x.is_finite()),
            "NPV / PV not finite: {:?}",
            &row[..3]
        );
        // ROI, IRR, the paybacks and the fall-back month may be undefined (NaN), never
        // infinite; the capabilities' contributions after them are always numbers.
        let scalars = valuecase::engine::run::SCALARS;
        prop_assert!(
            row[3..scalars].iter().all(|x| !x.is_infinite()),
            "ROI / IRR / payback / fall-back infinite: {:?}",
            &row[3..scalars]
        );
        prop_assert!(row[scalars..].iter().all(|x| x.is_finite()));
    }
    Ok(true)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn random_scenarios_run_finite_or_are_refused(seed in any::<u64>()) {
        let text = generate(seed);
        let result = std::panic::catch_unwind(|| check(&text));
        match result {
            Ok(r) => { r.map_err(|e| TestCaseError::fail(format!("{e}\nscenario:\n{text}")))?; }
            Err(_) => prop_assert!(false, "panicked on:\n{text}"),
        }
    }
}

/// The generator is not so wild that nothing passes: a fair share of scenarios are valid,
/// so the "runs with finite numbers" half of the property is exercised.
#[test]
fn the_generator_produces_valid_scenarios_too() {
    let valid: Vec<String> = (0..64u64)
        .map(generate)
        .filter(|text| check(text).unwrap_or(false))
        .collect();
    assert!(
        valid.len() >= 3,
        "only {} of 64 generated scenarios are valid",
        valid.len()
    );
    let correlated = valid
        .iter()
        .filter(|t| t.contains("[[correlations]]"))
        .count();
    assert!(correlated >= 1, "no valid scenario with correlations");
}
