//! Scenario → Model: every uncertain input registered once under its stable name, every
//! reference resolved to an index, every per-month constant (discount factors) precomputed.

use std::collections::HashMap;

use crate::finance::{discount_factors, monthly_rate};
use crate::scenario::{
    Adoption, CostCategory, CostSchedule, Driver, Location, NewBusiness, Scenario, Uncertain,
    ValueSchedule,
};

use crate::dist::Sampler;

pub(crate) use super::events::RiskEvent;
pub use super::events::SamplerCache;
use crate::dist::copula::{self as correlation, Block};

/// Index of an input in the `draws` slice of a trial.
pub(crate) type InputId = usize;

/// One uncertain input: its stable name (keys its random stream) and its sampler.
#[derive(Debug, Clone)]
pub struct Input {
    pub name: String,
    pub sampler: Sampler,
    pub location: Option<Location>,
}

/// Where new-business revenue comes from.
#[derive(Debug, Clone)]
pub(crate) enum NewBusinessIds {
    Revenue(InputId),
    Funnel {
        leads: InputId,
        stages: Vec<InputId>,
        win_rate: InputId,
        deal_size: InputId,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct BaselineIds {
    pub new_business: Option<NewBusinessIds>,
    pub installed_base: Option<InputId>,
    pub growth: InputId,
    pub margin: InputId,
    pub churn: Option<InputId>,
    pub cost_to_serve: Option<InputId>,
    pub marketing: Option<InputId>,
    pub sales_cycle: Option<InputId>,
}

#[derive(Debug, Clone)]
pub(crate) enum CurveIds {
    Logistic { growth: InputId, midpoint: InputId },
    Bass { p: InputId, q: InputId },
    Gompertz { rate: InputId, midpoint: InputId },
    Linear { ramp_months: InputId },
    Table { values: Vec<f64> },
}

#[derive(Debug, Clone)]
pub(crate) struct GroupModel {
    pub seats: f64,
    pub go_live: u32,
    pub ceiling: InputId,
    pub curve: CurveIds,
    pub data_quality: InputId,
    pub hourly_cost: Option<InputId>,
    /// Working weeks a year of the group's role (0 without a role: only `hours_saved` reads
    /// it, and the reader requires a role there).
    pub working_weeks: f64,
}

#[derive(Debug, Clone)]
pub(crate) struct CapabilityModel {
    pub driver: Driver,
    pub effect: InputId,
    pub value_share: InputId,
    pub lag: usize,
    /// (group index, seats of that group / seats of all the capability's groups)
    pub groups: Vec<(usize, f64)>,
    /// A direct value on a schedule instead of adoption.
    pub schedule: Option<ValueSchedule>,
    /// The uplift acts at the top of the funnel (leads, conversion): its revenue comes one
    /// sales cycle later.
    pub through_pipeline: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct LeverModel {
    pub groups: Vec<usize>,
    pub ceiling: Option<InputId>,
    pub speed: Option<InputId>,
    pub midpoint_shift: Option<InputId>,
    pub bass_p: Option<InputId>,
    pub bass_q: Option<InputId>,
    pub data_quality: Option<InputId>,
}

#[derive(Debug, Clone)]
pub(crate) struct CostModel {
    pub schedule: CostSchedule,
    pub amount: InputId,
    pub overrun: Option<InputId>,
    /// The lever whose cost line this is (index into `lever_models`), None for `[[costs]]`.
    pub lever: Option<usize>,
}

#[derive(Debug, Clone)]
pub(crate) struct RiskModel {
    /// Whether it happens: a Bernoulli draw (1 or 0), or for a risk that levers make less
    /// likely the uniform that decides it (see [`RiskEvent`]).
    pub occurs: InputId,
    pub benefit_realised: Option<InputId>,
    pub cost_multiplier: Option<InputId>,
    pub delay_months: Option<InputId>,
    /// Set when levers multiply the risk's probability.
    pub event: Option<RiskEvent>,
}

/// Capability indices (into `capability_models`, ascending) by driver, precomputed so that a
/// trial visits only the capabilities a driver has and skips drivers nobody uses.
#[derive(Debug, Clone, Default)]
pub(crate) struct DriverIndex {
    /// lead_volume, conversion, win_rate, deal_size: they compound together.
    pub funnel: Vec<usize>,
    pub cost_to_serve: Vec<usize>,
    pub marketing: Vec<usize>,
    pub sales_cycle: Vec<usize>,
    pub retention: Vec<usize>,
    pub cross_sell: Vec<usize>,
    pub hours_saved: Vec<usize>,
    /// Direct-value capabilities used by several groups (each gets a benefit row).
    pub direct_value: Vec<usize>,
    /// Direct-value capabilities on a schedule (each gets a benefit row).
    pub direct_scheduled: Vec<usize>,
    /// Direct-value capabilities used by one group, bucketed by (group, lag): the benefit of
    /// each is its own constant times the bucket's lagged adoption row, so a trial sums the
    /// bucket's constants once and discounts the row once, whatever the number of capabilities.
    pub direct_buckets: Vec<DirectBucket>,
    /// Every capability not in a bucket: these get a benefit row in every trial.
    pub row_caps: Vec<usize>,
}

/// Single-group direct-value capabilities sharing a group and a lag.
#[derive(Debug, Clone)]
pub(crate) struct DirectBucket {
    pub group: usize,
    pub lag: usize,
    /// (capability, seat weight of the group: 1, or 0 for a group without seats).
    pub caps: Vec<(usize, f64)>,
}

impl DriverIndex {
    fn new(capabilities: &[CapabilityModel]) -> Self {
        let mut ix = DriverIndex::default();
        for (c, cm) in capabilities.iter().enumerate() {
            let list = match cm.driver {
                Driver::LeadVolume | Driver::Conversion | Driver::WinRate | Driver::DealSize => {
                    &mut ix.funnel
                }
                Driver::CostToServe => &mut ix.cost_to_serve,
                Driver::MarketingEfficiency => &mut ix.marketing,
                Driver::SalesCycle => &mut ix.sales_cycle,
                Driver::Retention => &mut ix.retention,
                Driver::CrossSell => &mut ix.cross_sell,
                Driver::HoursSaved => &mut ix.hours_saved,
                Driver::DirectValue if cm.schedule.is_some() => &mut ix.direct_scheduled,
                Driver::DirectValue => &mut ix.direct_value,
            };
            if let (Driver::DirectValue, None, [(g, w)]) =
                (cm.driver, cm.schedule, cm.groups.as_slice())
            {
                match ix
                    .direct_buckets
                    .iter_mut()
                    .find(|b| b.group == *g && b.lag == cm.lag)
                {
                    Some(b) => b.caps.push((c, *w)),
                    None => ix.direct_buckets.push(DirectBucket {
                        group: *g,
                        lag: cm.lag,
                        caps: vec![(c, *w)],
                    }),
                }
                continue;
            }
            list.push(c);
            ix.row_caps.push(c);
        }
        ix
    }
}

/// A capability as reports name it.
#[derive(Debug, Clone)]
pub struct CapabilityInfo {
    pub name: String,
    pub group: String,
    pub driver: Driver,
}

/// A cost line as reports name it (lever costs are prefixed with the lever's name).
#[derive(Debug, Clone)]
pub struct CostInfo {
    pub name: String,
    pub category: CostCategory,
}

/// A user group as reports name it.
#[derive(Debug, Clone)]
pub struct GroupInfo {
    pub name: String,
    pub seats: f64,
    pub go_live_month: u32,
}

/// A compiled scenario, ready to evaluate trials.
#[derive(Debug, Clone)]
pub struct Model {
    /// Every uncertain input, in registration order; `draws[i]` belongs to `inputs[i]`.
    pub inputs: Vec<Input>,
    /// Months in the horizon.
    pub horizon: usize,
    /// Annual discount rate.
    pub discount_rate: f64,
    /// (1 + annual)^(1/12) − 1.
    pub monthly_rate: f64,
    /// 1 / (1 + monthly_rate)^t for t = 0..horizon ([`crate::finance::discount_factors`]).
    pub discount: Vec<f64>,
    pub capabilities: Vec<CapabilityInfo>,
    pub cost_lines: Vec<CostInfo>,
    pub groups: Vec<GroupInfo>,
    pub(crate) baseline: BaselineIds,
    pub(crate) group_models: Vec<GroupModel>,
    pub(crate) capability_models: Vec<CapabilityModel>,
    pub(crate) by_driver: DriverIndex,
    /// Whether any driver reads the baseline growth G(t) (else a trial skips it).
    pub(crate) uses_growth: bool,
    pub(crate) lever_models: Vec<LeverModel>,
    /// The levers' names, as reports name them.
    lever_names: Vec<String>,
    pub(crate) cost_models: Vec<CostModel>,
    pub(crate) risk_models: Vec<RiskModel>,
    /// Σ_{k<t} discount[k] for t = 0..=horizon: the PV of a constant amount over months
    /// a..b is amount × (cumulative[b] − cumulative[a]) (the levers' cost lines, per trial).
    pub(crate) discount_cumulative: Vec<f64>,
    /// Groups of correlated inputs (members are indices into `inputs`); empty when every
    /// input is drawn independently. See [`correlation`].
    pub correlated: Vec<Block>,
}

/// The inputs, registered from [`Scenario::input_entries`] (the one walk over a scenario's
/// inputs) in its order; the model's fields look their input up by stable name. Samplers are
/// built together at the end ([`Registry::into_inputs`]), on all cores: a PERT input's quantile
/// table takes a fraction of a millisecond to build, and a scenario has dozens of inputs.
struct Registry {
    inputs: Vec<Uncertain>,
    by_name: HashMap<String, InputId>,
}

impl Registry {
    fn new() -> Self {
        Registry {
            inputs: Vec::new(),
            by_name: HashMap::new(),
        }
    }

    /// Every input of `s`, in the walk's order.
    fn of(s: &Scenario) -> Self {
        let mut reg = Registry::new();
        for entry in s.input_entries() {
            reg.push(entry.input.into_owned());
        }
        reg
    }

    fn push(&mut self, u: Uncertain) -> InputId {
        let id = self.inputs.len();
        self.by_name.insert(u.name.clone(), id);
        self.inputs.push(u);
        id
    }

    /// The id of `u`, registered by the walk. An input the walk missed would be a bug there;
    /// it is registered here rather than lost, and the tests catch it.
    fn add(&mut self, u: &Uncertain) -> InputId {
        match self.by_name.get(&u.name) {
            Some(&id) => id,
            None => {
                debug_assert!(false, "input {} is missing from the walk", u.name);
                self.push(u.clone())
            }
        }
    }

    fn add_opt(&mut self, u: Option<&Uncertain>) -> Option<InputId> {
        u.map(|u| self.add(u))
    }

    /// Draw input `name` (registered by the walk) from `dist` instead.
    fn redraw_as(&mut self, name: &str, dist: crate::scenario::Dist) {
        if let Some(&id) = self.by_name.get(name) {
            self.inputs[id].dist = dist;
        }
    }

    /// Every input with its sampler, in registration order; samplers already in `cache` (by
    /// distribution and truncation) are reused, the others built and added to it.
    fn into_inputs(self, cache: Option<&SamplerCache>) -> Vec<Input> {
        use rayon::prelude::*;
        let key = |u: &Uncertain| format!("{:?} {:?}", u.dist, u.truncate);
        let known = |u: &Uncertain| -> Option<Sampler> {
            let map = cache?.0.lock().unwrap_or_else(|e| e.into_inner());
            map.get(&key(u)).cloned()
        };
        let built: Vec<(Input, Option<String>)> = self
            .inputs
            .into_par_iter()
            .map(|u| {
                let (sampler, new) = match known(&u) {
                    Some(s) => (s, None),
                    None => (Sampler::new(&u.dist, u.truncate), Some(key(&u))),
                };
                let input = Input {
                    sampler,
                    name: u.name,
                    location: u.location,
                };
                (input, new)
            })
            .collect();
        if let Some(cache) = cache {
            let mut map = cache.0.lock().unwrap_or_else(|e| e.into_inner());
            for (input, new) in &built {
                if let Some(k) = new {
                    map.entry(k.clone())
                        .or_insert_with(|| input.sampler.clone());
                }
            }
        }
        built.into_iter().map(|(input, _)| input).collect()
    }
}

impl Model {
    /// Compile a validated scenario. Cannot fail: the scenario reader has checked everything.
    pub fn compile(s: &Scenario) -> Model {
        Model::compile_with(s, None)
    }

    /// [`Model::compile`], reusing the samplers of `cache` where the distributions match.
    pub fn compile_reusing(s: &Scenario, cache: &SamplerCache) -> Model {
        Model::compile_with(s, Some(cache))
    }

    /// The risk occurrences that levers make less likely, drawn as their deciding uniform
    /// (see [`RiskEvent`]).
    fn redraw_events(s: &Scenario, reg: &mut Registry) {
        for (k, r) in s.risks.iter().enumerate() {
            if s.levers
                .iter()
                .any(|l| l.effects.risks.iter().any(|e| e.risk == k))
            {
                reg.redraw_as(
                    &r.occurrence_name(),
                    crate::scenario::Dist::Uniform { min: 0.0, max: 1.0 },
                );
            }
        }
    }

    fn compile_with(s: &Scenario, cache: Option<&SamplerCache>) -> Model {
        let mut reg = Registry::of(s);
        Model::redraw_events(s, &mut reg);
        let b = &s.baseline;
        let baseline = BaselineIds {
            new_business: b.new_business.as_ref().map(|nb| match nb {
                NewBusiness::Revenue(u) => NewBusinessIds::Revenue(reg.add(u)),
                NewBusiness::Funnel(f) => NewBusinessIds::Funnel {
                    leads: reg.add(&f.leads_per_year),
                    stages: f.stage_conversion.iter().map(|u| reg.add(u)).collect(),
                    win_rate: reg.add(&f.win_rate),
                    deal_size: reg.add(&f.deal_size),
                },
            }),
            installed_base: reg.add_opt(b.installed_base_revenue.as_ref()),
            growth: reg.add(&b.growth),
            margin: reg.add(&b.gross_margin),
            churn: reg.add_opt(b.churn.as_ref()),
            cost_to_serve: reg.add_opt(b.cost_to_serve.as_ref()),
            marketing: reg.add_opt(b.marketing_spend.as_ref()),
            sales_cycle: reg.add_opt(b.sales_cycle_months.as_ref()),
        };
        let role_cost: Vec<InputId> = s.roles.iter().map(|r| reg.add(&r.hourly_cost)).collect();

        let group_models = s
            .user_groups
            .iter()
            .map(|g| {
                let ceiling = reg.add(g.adoption.ceiling());
                let curve = match &g.adoption {
                    Adoption::Logistic {
                        growth, midpoint, ..
                    } => CurveIds::Logistic {
                        growth: reg.add(growth),
                        midpoint: reg.add(midpoint),
                    },
                    Adoption::Bass { p, q, .. } => CurveIds::Bass {
                        p: reg.add(p),
                        q: reg.add(q),
                    },
                    Adoption::Gompertz { rate, midpoint, .. } => CurveIds::Gompertz {
                        rate: reg.add(rate),
                        midpoint: reg.add(midpoint),
                    },
                    Adoption::Linear { ramp_months, .. } => CurveIds::Linear {
                        ramp_months: reg.add(ramp_months),
                    },
                    Adoption::Table { values, .. } => CurveIds::Table {
                        values: values.clone(),
                    },
                };
                GroupModel {
                    seats: g.seats,
                    go_live: g.go_live_month,
                    ceiling,
                    curve,
                    data_quality: reg.add(&g.data_quality),
                    hourly_cost: g.role.map(|r| role_cost[r]),
                    working_weeks: g.role.map_or(0.0, |r| s.roles[r].working_weeks),
                }
            })
            .collect();

        let capability_models: Vec<CapabilityModel> = s
            .capabilities
            .iter()
            .map(|c| {
                let seats: f64 = c.used_by.iter().map(|&g| s.user_groups[g].seats).sum();
                let groups = c
                    .used_by
                    .iter()
                    .map(|&g| {
                        let w = if seats > 0.0 {
                            s.user_groups[g].seats / seats
                        } else {
                            0.0
                        };
                        (g, w)
                    })
                    .collect();
                CapabilityModel {
                    driver: c.driver,
                    effect: reg.add(&c.effect),
                    value_share: reg.add(&c.value_share),
                    lag: c.lag_months as usize,
                    groups,
                    schedule: c.schedule,
                    through_pipeline: c.driver.acts_through_pipeline(),
                }
            })
            .collect();

        let mut cost_models = Vec::new();
        let mut cost_lines = Vec::new();
        for c in &s.costs {
            cost_models.push(CostModel {
                schedule: c.schedule.clone(),
                amount: reg.add(&c.amount),
                overrun: reg.add_opt(c.overrun.as_ref()),
                lever: None,
            });
            cost_lines.push(CostInfo {
                name: c.name.clone(),
                category: c.category,
            });
        }
        let mut lever_models = Vec::new();
        for (lever, l) in s.levers.iter().enumerate() {
            let e = &l.effects;
            lever_models.push(LeverModel {
                groups: l.applies_to.clone(),
                ceiling: reg.add_opt(e.ceiling.as_ref()),
                speed: reg.add_opt(e.speed.as_ref()),
                midpoint_shift: reg.add_opt(e.midpoint_shift.as_ref()),
                bass_p: reg.add_opt(e.bass_p.as_ref()),
                bass_q: reg.add_opt(e.bass_q.as_ref()),
                data_quality: reg.add_opt(e.data_quality.as_ref()),
            });
            for c in &l.costs {
                cost_models.push(CostModel {
                    schedule: c.schedule.clone(),
                    amount: reg.add(&c.amount),
                    overrun: reg.add_opt(c.overrun.as_ref()),
                    lever: Some(lever),
                });
                cost_lines.push(CostInfo {
                    name: format!("{}: {}", l.name, c.name),
                    category: c.category,
                });
            }
        }

        let mut risk_models: Vec<RiskModel> = s
            .risks
            .iter()
            .enumerate()
            .map(|(k, r)| {
                let occurs = reg.add(&Uncertain {
                    name: r.occurrence_name(),
                    dist: crate::scenario::Dist::Bernoulli { p: r.probability },
                    truncate: None,
                    location: None,
                });
                let multipliers: Vec<(usize, InputId)> = s
                    .levers
                    .iter()
                    .enumerate()
                    .flat_map(|(l, lever)| lever.effects.risks.iter().map(move |e| (l, e)))
                    .filter(|(_, e)| e.risk == k)
                    .map(|(l, e)| (l, reg.add(&e.probability_multiplier)))
                    .collect();
                let event = (!multipliers.is_empty()).then_some(RiskEvent {
                    probability: r.probability,
                    multipliers,
                    flipped: false,
                });
                RiskModel {
                    occurs,
                    benefit_realised: reg.add_opt(r.benefit_realised.as_ref()),
                    cost_multiplier: reg.add_opt(r.cost_multiplier.as_ref()),
                    delay_months: reg.add_opt(r.delay_months.as_ref()),
                    event,
                }
            })
            .collect();

        let inputs = reg.into_inputs(cache);
        let correlated = correlated_blocks(s, &inputs);
        for r in &mut risk_models {
            if let Some(e) = &mut r.event {
                e.flipped = correlated.iter().any(|b| b.members.contains(&r.occurs));
            }
        }

        let horizon = s.meta.horizon_months as usize;
        let monthly = monthly_rate(s.meta.discount_rate);
        let discount = discount_factors(monthly, horizon);
        let mut discount_cumulative = Vec::with_capacity(horizon + 1);
        let mut acc = 0.0;
        discount_cumulative.push(acc);
        for d in &discount {
            acc += d;
            discount_cumulative.push(acc);
        }
        Model {
            inputs,
            horizon,
            discount_rate: s.meta.discount_rate,
            monthly_rate: monthly,
            discount,
            capabilities: s
                .capabilities
                .iter()
                .map(|c| CapabilityInfo {
                    name: c.name.clone(),
                    group: c.group.clone(),
                    driver: c.driver,
                })
                .collect(),
            cost_lines,
            groups: s
                .user_groups
                .iter()
                .map(|g| GroupInfo {
                    name: g.name.clone(),
                    seats: g.seats,
                    go_live_month: g.go_live_month,
                })
                .collect(),
            baseline,
            group_models,
            by_driver: DriverIndex::new(&capability_models),
            uses_growth: capability_models
                .iter()
                .any(|c| !matches!(c.driver, Driver::HoursSaved | Driver::DirectValue)),
            capability_models,
            lever_models,
            lever_names: s.levers.iter().map(|l| l.name.clone()).collect(),
            cost_models,
            risk_models,
            discount_cumulative,
            correlated,
        }
    }

    /// Whether the scenario has change levers (and so a trial without them to compare with).
    pub fn has_levers(&self) -> bool {
        !self.lever_models.is_empty()
    }

    /// The levers' names, in scenario order.
    pub fn lever_names(&self) -> &[String] {
        &self.lever_names
    }

    /// Draws for the base case: every input at its most likely value.
    pub fn base_draws(&self) -> Vec<f64> {
        self.inputs.iter().map(|i| i.sampler.base_value()).collect()
    }
}

/// The scenario's correlations as blocks of input indices. The reader has checked that every
/// named input exists and varies and that the correlations are consistent, with the same
/// [`correlation::blocks`] on the same matrix, so nothing is dropped here; were it otherwise
/// (a bug), the inputs concerned would be drawn independently rather than the run failing.
fn correlated_blocks(s: &Scenario, inputs: &[Input]) -> Vec<Block> {
    if s.correlations.is_empty() {
        return Vec::new();
    }
    let mut by_name: HashMap<&str, InputId> = HashMap::new();
    for (k, input) in inputs.iter().enumerate() {
        by_name.entry(input.name.as_str()).or_insert(k);
    }
    let pairs: Vec<(InputId, InputId, f64)> = s
        .correlations
        .iter()
        .filter_map(|c| {
            let a = *by_name.get(c.inputs[0].as_str())?;
            let b = *by_name.get(c.inputs[1].as_str())?;
            let varies = |k: InputId| !inputs[k].sampler.is_fixed();
            (a != b && varies(a) && varies(b)).then_some((a, b, c.rank))
        })
        .collect();
    debug_assert_eq!(pairs.len(), s.correlations.len(), "unresolved correlation");
    correlation::blocks(&pairs, |k| inputs[k].name.as_str())
        .into_iter()
        .filter_map(|b| {
            debug_assert!(
                b.is_ok(),
                "inconsistent correlations passed validation: {b:?}"
            );
            b.ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The samplers are built in parallel, but input `i` is still the `i`-th registered, with
    /// its own sampler: the engine keys draws and the model reads them by these indices.
    #[test]
    fn inputs_keep_their_registration_order() {
        let mut reg = Registry::new();
        let ids: Vec<InputId> = (0..40)
            .map(|k| reg.push(Uncertain::fixed(format!("input {k}"), k as f64)))
            .collect();
        let inputs = reg.into_inputs(None);
        assert_eq!(inputs.len(), 40);
        for (k, id) in ids.into_iter().enumerate() {
            assert_eq!(inputs[id].name, format!("input {k}"));
            assert_eq!(inputs[id].sampler.base_value(), k as f64);
        }
    }

    /// The model draws exactly the inputs the one walk lists, in its order: nothing the
    /// assumptions table shows is left undrawn, and nothing drawn is missing from it.
    #[test]
    fn the_model_registers_exactly_the_walk() {
        for text in [
            crate::scenario::BUILT_IN,
            include_str!("../../scenarios/midmarket-50m.toml"),
            include_str!("../../scenarios/hightech-change-programme.toml"),
        ] {
            let scenario = crate::scenario::parse_str(text, None).expect("scenario parses");
            let model = Model::compile(&scenario);
            let walk: Vec<String> = scenario
                .input_entries()
                .into_iter()
                .map(|e| e.input.name.clone())
                .collect();
            let drawn: Vec<&str> = model.inputs.iter().map(|i| i.name.as_str()).collect();
            assert_eq!(drawn, walk);
        }
    }

    /// A risk's occurrence is an input like any other, named by its field path with the
    /// name escaped as the reader escapes it (so its random stream is keyed consistently).
    #[test]
    fn risk_occurrence_names_escape_quotes() {
        let text = crate::scenario::BUILT_IN.replace(
            "name = \"Programme fails to take hold\"",
            "name = 'Programme \"fails\" to take hold'",
        );
        let scenario = crate::scenario::parse_str(&text, None).expect("scenario parses");
        let model = Model::compile(&scenario);
        let names: Vec<&str> = model.inputs.iter().map(|i| i.name.as_str()).collect();
        assert!(
            names.contains(&r#"risks."Programme \"fails\" to take hold".occurs"#),
            "{names:?}"
        );
        assert!(names.contains(&r#"risks."Benefit risk adjustment".occurs"#));
    }
}
