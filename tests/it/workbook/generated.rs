//! Scenarios made from a seed, for checking the workbook's formulas against the model beyond
//! the shipped scenarios: every driver (several capabilities sharing the compounding ones),
//! every curve, levers with every effect, every cost kind, risks that happen in the base case
//! (with benefit, cost and delay effects), a funnel or a plain revenue, growth or none, lags;
//! roles' working weeks, direct value (and a dis-benefit) on a schedule, per-seat costs from
//! go-live, the planned go-live or a contract month, levers that make risks less likely.

/// A tiny deterministic generator (SplitMix64): the scenarios must be the same every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// A PERT on [lo, hi] with its mode drawn in between, as TOML.
    fn pert(&mut self, lo: f64, hi: f64) -> String {
        let mode = self.uniform(lo, hi);
        format!("{{ pert = [{lo:.6}, {mode:.6}, {hi:.6}] }}")
    }
    fn coin(&mut self) -> bool {
        self.below(2) == 0
    }
}

/// The scenario of `seed`, as TOML text.
pub fn scenario(seed: u64) -> String {
    let mut r = Rng(seed.wrapping_mul(7919).wrapping_add(17));
    let horizon = 24 + r.below(49);
    let mut t = format!(
        "[scenario]\nname = \"Generated {seed}\"\ncurrency = \"EUR\"\nhorizon_months = {horizon}\n\
         discount_rate = {:.4}\ntrials = 100\nseed = {seed}\nstart = \"2030-0{}\"\n\n[baseline]\n",
        r.uniform(0.03, 0.15),
        1 + r.below(9)
    );
    if r.coin() {
        t += &format!("new_business_revenue = {}\n", r.pert(2e7, 8e7));
    }
    t += &format!(
        "installed_base_revenue = {}\ngrowth = {}\ngross_margin = {}\nchurn = {}\n\
         cost_to_serve = {}\nmarketing_spend = {}\nsales_cycle_months = {}\n",
        r.pert(1e7, 5e7),
        if r.coin() {
            "0.0".to_string()
        } else {
            r.pert(0.01, 0.06)
        },
        r.pert(0.3, 0.6),
        r.pert(0.05, 0.2),
        r.pert(1e6, 5e6),
        r.pert(1e6, 3e6),
        r.pert(2.0, 9.0)
    );
    let funnel = !t.contains("new_business_revenue");
    if funnel {
        let stages: Vec<String> = (0..r.below(3)).map(|_| r.pert(0.2, 0.7)).collect();
        t += &format!(
            "\n[baseline.funnel]\nleads_per_year = {}\nstage_conversion = [{}]\nwin_rate = {}\n\
             deal_size = {}\n",
            r.pert(5_000.0, 20_000.0),
            stages.join(", "),
            r.pert(0.15, 0.35),
            r.pert(20_000.0, 60_000.0)
        );
    }
    for role in ["Seller", "Agent"] {
        t += &format!(
            "\n[[roles]]\nname = \"{role}\"\nheadcount = 100\nhourly_cost = {}\n",
            r.pert(30.0, 90.0)
        );
        if r.coin() {
            t += &format!("working_weeks = {}\n", 40 + r.below(13));
        }
    }
    let groups = 1 + r.below(4) as usize;
    let curves = ["logistic", "bass", "gompertz", "linear", "table"];
    for g in 0..groups {
        let curve = curves[(seed as usize + g) % curves.len()];
        t += &format!(
            "\n[[user_groups]]\nname = \"Group {g}\"\nseats = {}\ngo_live_month = {}\nrole = \"{}\"\n",
            20 + r.below(300),
            r.below(12),
            if g % 2 == 0 { "Seller" } else { "Agent" }
        );
        if r.coin() {
            t += &format!("data_quality = {}\n", r.pert(0.6, 0.95));
        }
        t += &format!("[user_groups.adoption]\ncurve = \"{curve}\"\n");
        t += &match curve {
            "logistic" => format!(
                "ceiling = {}\ngrowth = {}\nmidpoint = {}\n",
                r.pert(0.5, 0.9),
                r.pert(0.2, 1.2),
                r.pert(1.0, 9.0)
            ),
            "bass" => format!(
                "ceiling = {}\np = {}\nq = {}\n",
                r.pert(0.5, 0.9),
                r.pert(0.01, 0.15),
                r.pert(0.1, 0.5)
            ),
            "gompertz" => format!(
                "ceiling = {}\nrate = {}\nmidpoint = {}\n",
                r.pert(0.5, 0.9),
                r.pert(0.2, 0.9),
                r.pert(1.0, 6.0)
            ),
            "linear" => format!(
                "ceiling = {}\nramp_months = {}\n",
                r.pert(0.5, 0.9),
                r.pert(3.0, 12.0)
            ),
            _ => "values = [0.1, 0.3, 0.55, 0.7, 0.8]\nceiling = 0.9\n".to_string(),
        };
    }
    let used_by = |r: &mut Rng| -> String {
        let mut names: Vec<String> = (0..groups)
            .filter(|_| r.coin())
            .map(|g| format!("\"Group {g}\""))
            .collect();
        if names.is_empty() {
            names.push(format!("\"Group {}\"", r.below(groups as u64)));
        }
        names.join(", ")
    };
    let drivers = [
        ("lead_volume", "uplift", 0.0, 0.08),
        ("conversion", "uplift", 0.0, 0.06),
        ("win_rate", "uplift", 0.01, 0.1),
        ("deal_size", "uplift", 0.0, 0.05),
        ("sales_cycle", "uplift", 0.0, 0.15),
        ("sales_cycle", "uplift", 0.0, 0.1),
        ("retention", "uplift", 0.0, 0.03),
        ("retention", "uplift", 0.0, 0.1),
        ("cross_sell", "uplift", 0.0, 0.05),
        ("cost_to_serve", "uplift", 0.03, 0.25),
        ("cost_to_serve", "uplift", 0.0, 0.1),
        ("marketing_efficiency", "uplift", 0.0, 0.2),
        ("hours_saved", "hours_per_week", 1.0, 6.0),
        ("direct_value", "annual_value", 1e5, 6e5),
        ("direct_value", "annual_value", -2e5, -1e4),
    ];
    for (k, (driver, field, lo, hi)) in drivers.iter().enumerate() {
        if k > 3 && r.below(4) == 0 {
            continue;
        }
        t += &format!(
            "\n[[capabilities]]\nname = \"Capability {k}\"\nused_by = [{}]\ndriver = \"{driver}\"\n\
             {field} = {}\n",
            used_by(&mut r),
            r.pert(*lo, *hi),
        );
        if *driver == "direct_value" && r.coin() {
            // On a schedule instead of adoption (no lag then).
            t += &format!(
                "from_month = {}\nramp_months = {}\n",
                r.below(horizon / 2),
                r.below(6)
            );
        } else {
            t += &format!("lag_months = {}\n", if r.coin() { 0 } else { r.below(7) });
        }
        if *driver == "hours_saved" {
            t += &format!("value_share = {}\n", r.pert(0.3, 0.7));
        }
    }
    // When per-seat costs start: the default, at go-live, at the planned go-live, or from a
    // contract month.
    let seat_start = |r: &mut Rng| -> String {
        match r.below(4) {
            0 => String::new(),
            1 => "starts = \"go_live\"\n".to_string(),
            2 => "starts = \"contract\"\n".to_string(),
            _ => format!("starts = \"contract\"\ncontract_month = {}\n", r.below(8)),
        }
    };
    let kinds = ["one_off", "monthly", "per_seat_monthly", "per_seat_one_off"];
    for (k, kind) in kinds.iter().enumerate() {
        t +=
            &format!("\n[[costs]]\nname = \"Cost {k}\"\ncategory = \"other\"\nkind = \"{kind}\"\n");
        t += &match *kind {
            "one_off" => format!(
                "month = {}\namount = {}\noverrun = {}\n",
                r.below(6),
                r.pert(2e5, 2e6),
                r.pert(0.0, 0.3)
            ),
            "monthly" => format!(
                "from_month = {}\n{}amount = {}\n",
                r.below(4),
                if r.coin() {
                    format!("to_month = {}\n", 5 + r.below(30))
                } else {
                    String::new()
                },
                r.pert(1e4, 8e4)
            ),
            "per_seat_monthly" => format!(
                "{}{}amount = {}\n",
                seat_start(&mut r),
                if r.coin() {
                    format!("to_month = {}\n", 12 + r.below(40))
                } else {
                    String::new()
                },
                r.pert(50.0, 150.0)
            ),
            _ => format!("{}amount = {}\n", seat_start(&mut r), r.pert(200.0, 1500.0)),
        };
    }
    for l in 0..r.below(3) {
        t += &format!(
            "\n[[levers]]\nname = \"Lever {l}\"\nkind = \"generic\"\napplies_to = [{}]\n[levers.effects]\n\
             ceiling = {}\nspeed = {}\nmidpoint_shift = {}\nbass_p = {}\nbass_q = {}\ndata_quality = {}\n\
             risks = {{ \"{}\" = {} }}\n\
             [[levers.costs]]\nname = \"Lever cost\"\nkind = \"per_seat_one_off\"\namount = {}\n",
            used_by(&mut r),
            r.pert(0.0, 0.06),
            r.pert(1.0, 1.4),
            r.pert(-2.0, 0.0),
            r.pert(1.0, 1.3),
            r.pert(1.0, 1.2),
            r.pert(0.0, 0.06),
            if r.coin() { "Slips" } else { "Fails" },
            r.pert(0.4, 1.9),
            r.pert(50.0, 300.0)
        );
    }
    t += &format!(
        "\n[[risks]]\nname = \"Slips\"\nprobability = 0.7\nbenefit_realised = {}\ncost_multiplier = {}\n\
         delay_months = {}\n",
        r.pert(0.7, 0.95),
        r.pert(1.0, 1.3),
        r.pert(0.0, 4.0)
    );
    t += &format!(
        "\n[[risks]]\nname = \"Fails\"\nprobability = 0.3\nbenefit_realised = {}\n",
        r.pert(0.0, 0.3)
    );
    t
}
