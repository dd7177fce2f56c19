//! Every numeric input of a scenario, walked once, in the order the scenario file groups them.
//!
//! The model registers its inputs from this walk, the assumptions table that the board pack and
//! the exports show is built from it, and correlation checks list candidates from it: one
//! definition of "the inputs", so a new field cannot be drawn but missing from the assumptions
//! (or the reverse).

use std::borrow::Cow;

use super::types::{
    Adoption, CostLine, CostSchedule, Driver, NewBusiness, Scenario, SeatStart, Uncertain,
};
use crate::dist::Dist;

/// How an input's values read: decides the formatting (money, percent, plain number).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Quantity {
    /// An amount in the scenario's currency.
    Money,
    /// A fraction shown as a percentage (0.25 → 25%).
    Share,
    /// Anything else: months, hours, multipliers, rates per month.
    Number,
}

/// The part of the scenario an input belongs to, in file order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum InputSection {
    Baseline,
    Roles,
    UserGroups,
    Capabilities,
    Levers,
    Costs,
    Risks,
    /// Whether each risk happens in a trial: drawn like an input, with the risk's probability.
    RiskEvents,
}

impl InputSection {
    /// The heading readers see.
    pub fn title(self) -> &'static str {
        match self {
            InputSection::Baseline => "Baseline business",
            InputSection::Roles => "Roles",
            InputSection::UserGroups => "User groups and adoption",
            InputSection::Capabilities => "Capabilities",
            InputSection::Levers => "Change levers",
            InputSection::Costs => "Costs",
            InputSection::Risks => "Risks",
            InputSection::RiskEvents => "Risk events",
        }
    }
}

/// One input with what a reader needs to make sense of it.
#[derive(Debug, Clone, PartialEq)]
pub struct InputEntry<'a> {
    pub section: InputSection,
    /// Borrowed from the scenario, except risk occurrences, which the walk makes.
    pub input: Cow<'a, Uncertain>,
    pub quantity: Quantity,
    /// The unit in words, e.g. "USD per year", "of seats at full adoption".
    pub unit: String,
}

impl Scenario {
    /// Every input (written or left at its default) and every risk occurrence, grouped and
    /// ordered as the scenario file is: baseline, roles, user groups, capabilities, levers
    /// (effects, then costs), costs, risks, then the risk occurrences.
    pub fn input_entries(&self) -> Vec<InputEntry<'_>> {
        Walk::new(self).run()
    }

    /// Every numeric input the scenario has (written or left at its default), in file order
    /// of the sections. Risk occurrences are not inputs here: a risk's probability is a plain
    /// number.
    pub fn inputs(&self) -> Vec<&Uncertain> {
        self.input_entries()
            .into_iter()
            .filter_map(|e| match e.input {
                Cow::Borrowed(u) => Some(u),
                Cow::Owned(_) => None,
            })
            .collect()
    }
}

struct Walk<'a> {
    sc: &'a Scenario,
    section: InputSection,
    out: Vec<InputEntry<'a>>,
}

impl<'a> Walk<'a> {
    fn new(sc: &'a Scenario) -> Self {
        Walk {
            sc,
            section: InputSection::Baseline,
            out: Vec::new(),
        }
    }

    fn push(&mut self, input: &'a Uncertain, quantity: Quantity, unit: impl Into<String>) {
        self.out.push(InputEntry {
            section: self.section,
            input: Cow::Borrowed(input),
            quantity,
            unit: unit.into(),
        });
    }

    fn money(&mut self, input: &'a Uncertain, per: &str) {
        let unit = format!("{} {per}", self.sc.meta.currency);
        self.push(input, Quantity::Money, unit.trim_end());
    }

    fn share(&mut self, input: &'a Uncertain, what: &str) {
        self.push(input, Quantity::Share, what);
    }

    fn number(&mut self, input: &'a Uncertain, what: &str) {
        self.push(input, Quantity::Number, what);
    }

    fn run(mut self) -> Vec<InputEntry<'a>> {
        let sc = self.sc;
        self.baseline();

        self.section = InputSection::Roles;
        for r in &sc.roles {
            self.money(&r.hourly_cost, "per hour");
        }

        self.section = InputSection::UserGroups;
        for g in &sc.user_groups {
            self.adoption(&g.adoption);
            self.share(&g.data_quality, "of the uplift realised");
        }

        self.section = InputSection::Capabilities;
        for c in &sc.capabilities {
            match c.schedule {
                Some(sch) => {
                    let ramp = match sch.ramp_months {
                        0 => String::new(),
                        1 => ", after 1 month of ramp".to_string(),
                        r => format!(", after {r} months of ramp"),
                    };
                    let per = format!("per year from month {}{ramp}", sch.from_month);
                    self.money(&c.effect, &per);
                }
                None => self.uplift(&c.effect, c.driver),
            }
            self.share(&c.value_share, "of saved time turned into value");
        }

        self.section = InputSection::Levers;
        for l in &sc.levers {
            let e = &l.effects;
            let share = |u| (u, Quantity::Share);
            let number = |u| (u, Quantity::Number);
            let effects = [
                (share(&e.ceiling), "added to the adoption ceiling"),
                (number(&e.speed), "× adoption speed"),
                (number(&e.midpoint_shift), "months added to the midpoint"),
                (number(&e.bass_p), "× Bass innovation p"),
                (number(&e.bass_q), "× Bass imitation q"),
                (share(&e.data_quality), "added to data quality"),
            ];
            for ((u, quantity), unit) in effects {
                if let Some(u) = u {
                    self.push(u, quantity, unit);
                }
            }
            for effect in &e.risks {
                let risk = sc.risks.get(effect.risk).map_or("", |r| r.name.as_str());
                let unit = format!("× the probability of {}", super::quoted(risk));
                self.push(&effect.probability_multiplier, Quantity::Number, unit);
            }
            for c in &l.costs {
                self.cost(c);
            }
        }

        self.section = InputSection::Costs;
        for c in &sc.costs {
            self.cost(c);
        }

        self.section = InputSection::Risks;
        for r in &sc.risks {
            if let Some(u) = &r.benefit_realised {
                self.share(u, "of benefits realised if it happens");
            }
            if let Some(u) = &r.cost_multiplier {
                self.number(u, "× all costs if it happens");
            }
            if let Some(u) = &r.delay_months {
                self.number(u, "months of go-live delay if it happens");
            }
        }

        self.section = InputSection::RiskEvents;
        for (k, r) in sc.risks.iter().enumerate() {
            let moved = sc
                .levers
                .iter()
                .any(|l| l.effects.risks.iter().any(|e| e.risk == k));
            let unit = if moved {
                "event (1 if it happens, else 0); levers multiply its probability"
            } else {
                "event (1 if it happens, else 0)"
            };
            self.out.push(InputEntry {
                section: InputSection::RiskEvents,
                input: Cow::Owned(Uncertain {
                    name: r.occurrence_name(),
                    dist: Dist::Bernoulli { p: r.probability },
                    truncate: None,
                    location: None,
                }),
                quantity: Quantity::Number,
                unit: unit.into(),
            });
        }
        self.out
    }

    fn baseline(&mut self) {
        let b = &self.sc.baseline;
        match &b.new_business {
            Some(NewBusiness::Revenue(u)) => self.money(u, "per year"),
            Some(NewBusiness::Funnel(f)) => {
                self.number(&f.leads_per_year, "leads per year");
                for st in &f.stage_conversion {
                    self.share(st, "of leads converted at this stage");
                }
                self.share(&f.win_rate, "of opportunities won");
                self.money(&f.deal_size, "per deal");
            }
            None => {}
        }
        if let Some(u) = &b.installed_base_revenue {
            self.money(u, "per year");
        }
        self.share(&b.growth, "growth per year");
        self.share(&b.gross_margin, "of revenue");
        if let Some(u) = &b.churn {
            self.share(u, "of the installed base per year");
        }
        for u in [&b.cost_to_serve, &b.marketing_spend].into_iter().flatten() {
            self.money(u, "per year");
        }
        if let Some(u) = &b.sales_cycle_months {
            self.number(u, "months");
        }
    }

    fn adoption(&mut self, adoption: &'a Adoption) {
        let ceiling = "of seats at full adoption";
        let midpoint = "months after go-live";
        match adoption {
            Adoption::Logistic {
                ceiling: c,
                growth,
                midpoint: m,
            } => {
                self.share(c, ceiling);
                self.number(growth, "per month");
                self.number(m, midpoint);
            }
            Adoption::Bass { ceiling: c, p, q } => {
                self.share(c, ceiling);
                self.number(p, "per month (innovation)");
                self.number(q, "per month (imitation)");
            }
            Adoption::Gompertz {
                ceiling: c,
                rate,
                midpoint: m,
            } => {
                self.share(c, ceiling);
                self.number(rate, "per month");
                self.number(m, midpoint);
            }
            Adoption::Linear {
                ceiling: c,
                ramp_months,
            } => {
                self.share(c, ceiling);
                self.number(ramp_months, "months to full adoption");
            }
            Adoption::Table { ceiling: c, .. } => self.share(c, ceiling),
        }
    }

    fn uplift(&mut self, effect: &'a Uncertain, driver: Driver) {
        match driver {
            Driver::LeadVolume
            | Driver::Conversion
            | Driver::WinRate
            | Driver::DealSize
            | Driver::CrossSell => self.share(effect, "relative uplift at full adoption"),
            Driver::SalesCycle => self.share(effect, "shorter sales cycle at full adoption"),
            Driver::Retention => self.share(effect, "points less churn a year at full adoption"),
            Driver::CostToServe | Driver::MarketingEfficiency => {
                self.share(effect, "relative reduction at full adoption")
            }
            Driver::HoursSaved => self.number(effect, "hours per user per week"),
            Driver::DirectValue => self.money(effect, "per year at full adoption"),
        }
    }

    /// The amount (and overrun) of a cost line, with the unit its schedule implies.
    fn cost(&mut self, c: &'a CostLine) {
        let when = match &c.schedule {
            CostSchedule::OneOff { month } => format!("once, in month {month}"),
            CostSchedule::Monthly {
                from_month,
                to_month,
            } => match to_month {
                Some(to) => format!("per month, months {from_month}–{to}"),
                None => format!("per month from month {from_month}"),
            },
            CostSchedule::PerSeatMonthly { groups, starts, .. } => format!(
                "per seat per month {} ({})",
                Self::seat_start(*starts),
                self.group_names(groups)
            ),
            CostSchedule::PerSeatOneOff { groups, starts } => format!(
                "per seat, once {} ({})",
                Self::seat_start(*starts).replacen("from", "at", 1),
                self.group_names(groups)
            ),
        };
        let unit = format!("{} {when}; {}", self.sc.meta.currency, c.category.label());
        self.push(&c.amount, Quantity::Money, unit);
        if let Some(o) = &c.overrun {
            self.share(o, "overrun");
        }
    }

    /// When a per-seat cost starts, in words.
    fn seat_start(starts: SeatStart) -> String {
        match starts {
            SeatStart::GoLive => "from go-live".into(),
            SeatStart::Contract { month: None } => "from the planned go-live".into(),
            SeatStart::Contract { month: Some(m) } => format!("from contract month {m}"),
        }
    }

    /// "A, B and C": the names of the user groups `ids`.
    fn group_names(&self, ids: &[usize]) -> String {
        let names: Vec<&str> = ids
            .iter()
            .filter_map(|i| self.sc.user_groups.get(*i).map(|g| g.name.as_str()))
            .collect();
        match names.as_slice() {
            [] => String::new(),
            [one] => (*one).to_string(),
            [init @ .., last] => format!("{} and {last}", init.join(", ")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference() -> Scenario {
        crate::scenario::parse_str(crate::scenario::BUILT_IN, None).expect("built-in parses")
    }

    #[test]
    fn every_input_appears_once_and_risk_events_come_last() {
        let sc = reference();
        let entries = sc.input_entries();
        let mut names: Vec<&str> = entries.iter().map(|e| e.input.name.as_str()).collect();
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n, "an input is listed twice");
        let events = entries
            .iter()
            .filter(|e| e.section == InputSection::RiskEvents)
            .count();
        assert_eq!(events, sc.risks.len());
        assert!(
            entries.windows(2).all(|w| w[0].section <= w[1].section),
            "sections come in file order"
        );
        assert_eq!(sc.inputs().len(), n - events);
    }

    #[test]
    fn cost_units_say_when_and_what() {
        let sc = reference();
        let entries = sc.input_entries();
        let licence = entries
            .iter()
            .find(|e| e.section == InputSection::Costs && e.quantity == Quantity::Money)
            .expect("the reference scenario has costs");
        assert!(
            licence.unit.starts_with(&sc.meta.currency),
            "{}",
            licence.unit
        );
        assert!(licence.unit.contains("; "), "{}", licence.unit);
    }
}
