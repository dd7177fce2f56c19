//! The validated scenario: plain data, every cross-reference resolved to an index.
//!
//! Nothing here can be invalid: the reader (`parse`, `schema/`, `read/`) refuses any file that would produce a
//! value the model could not use, so later stages never re-check user input.

use serde::Serialize;

/// Where a value came from in the scenario file, so later stages can point back at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Location {
    /// 1-based line.
    pub line: u32,
    /// 1-based column (in characters).
    pub column: u32,
}

/// A number that may be uncertain: every numeric input of the model is one of these.
///
/// The `name` is the input's stable identity (`capabilities."Lead scoring".uplift`): random
/// numbers are keyed by it, so reordering a file or adding an input leaves the draws of the
/// other inputs unchanged.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Uncertain {
    /// Stable name, also the field path shown in messages.
    pub name: String,
    /// The distribution before truncation.
    pub dist: Dist,
    /// Optional truncation to `[lower, upper]` (either side may be infinite).
    pub truncate: Option<(f64, f64)>,
    /// Where it was written, when it came from a file.
    pub location: Option<Location>,
}

impl Uncertain {
    /// A fixed value, for defaults the user did not write.
    pub fn fixed(name: impl Into<String>, value: f64) -> Self {
        Uncertain {
            name: name.into(),
            dist: Dist::Fixed(value),
            truncate: None,
            location: None,
        }
    }

    /// True when the value does not vary between trials.
    pub fn is_fixed(&self) -> bool {
        matches!(self.dist, Dist::Fixed(_))
    }
}

pub use crate::dist::Dist;

/// A calendar month, for axis labels only (the model counts months from 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct YearMonth {
    pub year: i32,
    /// 1..=12
    pub month: u32,
}

/// Scenario-wide settings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Meta {
    pub name: String,
    pub description: String,
    /// ISO 4217 code, e.g. "USD".
    pub currency: String,
    /// 1..=600.
    pub horizon_months: u32,
    /// Annual rate, e.g. 0.10.
    pub discount_rate: f64,
    /// Default number of trials (overridden by `--trials`).
    pub trials: u64,
    /// Default seed (overridden by `--seed`).
    pub seed: u64,
    /// Month 0 as a calendar month, for labels.
    pub start: Option<YearMonth>,
}

/// The business before the programme. Annual figures; all may be uncertain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Baseline {
    /// Annual revenue from new business: given directly or derived from the funnel.
    pub new_business: Option<NewBusiness>,
    /// Annual revenue from the installed base (renewals, upsell).
    pub installed_base_revenue: Option<Uncertain>,
    /// Annual growth of all baseline amounts (0.05 = 5% a year). Default 0.
    pub growth: Uncertain,
    /// Share of revenue that is gross margin; revenue effects count at this share.
    pub gross_margin: Uncertain,
    /// Annual churn of the installed base (0.12 = 12% a year).
    pub churn: Option<Uncertain>,
    /// Annual cost to serve customers.
    pub cost_to_serve: Option<Uncertain>,
    /// Annual marketing spend.
    pub marketing_spend: Option<Uncertain>,
    /// Average sales cycle in months (needed by the `sales_cycle` driver).
    pub sales_cycle_months: Option<Uncertain>,
}

/// How the annual new-business revenue is specified.
// One value per scenario: the size difference between variants costs nothing worth boxing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NewBusiness {
    /// A single annual amount.
    Revenue(Uncertain),
    /// leads × Π stage conversion × win rate × deal size.
    Funnel(Funnel),
}

/// The sales funnel; its product is the annual new-business revenue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Funnel {
    pub leads_per_year: Uncertain,
    /// Conversion at each stage before the win/loss decision, each in [0, 1].
    pub stage_conversion: Vec<Uncertain>,
    pub win_rate: Uncertain,
    pub deal_size: Uncertain,
}

/// A job family whose time has a price (used by the `hours_saved` driver).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Role {
    pub name: String,
    pub headcount: f64,
    /// Loaded cost of one hour, in the scenario currency.
    pub hourly_cost: Uncertain,
    /// Weeks a year a person in the role works (after leave and public holidays): hours saved
    /// a week become hours a month at this / 12. Default [`DEFAULT_WORKING_WEEKS`].
    pub working_weeks: f64,
}

/// Working weeks a year when a role does not say: 52 weeks less about four weeks of paid
/// leave and about two of public holidays (docs/MODEL.md, "Hours saved"; docs/DOMAIN.md).
pub const DEFAULT_WORKING_WEEKS: f64 = 46.0;

/// A set of users going live together: a rollout wave.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UserGroup {
    pub name: String,
    pub seats: f64,
    /// Month (0-based) at which the group goes live.
    pub go_live_month: u32,
    /// Index into `Scenario::roles`, for valuing hours saved.
    pub role: Option<usize>,
    pub adoption: Adoption,
    /// Share of an uplift actually realised, given data quality, before levers (default 1).
    pub data_quality: Uncertain,
}

/// The adoption curve: share of the group's seats actively using the system, by months since
/// go-live (τ = t − go_live); zero before go-live.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "curve", rename_all = "snake_case")]
pub enum Adoption {
    /// ceiling / (1 + exp(−growth (τ − midpoint)))
    Logistic {
        ceiling: Uncertain,
        growth: Uncertain,
        midpoint: Uncertain,
    },
    /// Bass diffusion: ceiling × (1 − e^{−(p+q)τ}) / (1 + (q/p) e^{−(p+q)τ})
    Bass {
        ceiling: Uncertain,
        p: Uncertain,
        q: Uncertain,
    },
    /// ceiling × exp(−exp(−rate (τ − midpoint))): quick start, long tail.
    Gompertz {
        ceiling: Uncertain,
        rate: Uncertain,
        midpoint: Uncertain,
    },
    /// ceiling × min(1, τ / ramp_months)
    Linear {
        ceiling: Uncertain,
        ramp_months: Uncertain,
    },
    /// ceiling × values[min(τ, len − 1)]; values in [0, 1].
    Table {
        ceiling: Uncertain,
        values: Vec<f64>,
    },
}

impl Adoption {
    /// The ceiling, whatever the curve.
    pub fn ceiling(&self) -> &Uncertain {
        match self {
            Adoption::Logistic { ceiling, .. }
            | Adoption::Bass { ceiling, .. }
            | Adoption::Gompertz { ceiling, .. }
            | Adoption::Linear { ceiling, .. }
            | Adoption::Table { ceiling, .. } => ceiling,
        }
    }
}

/// The value driver a capability moves. Units of the capability's `effect` differ by driver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Driver {
    /// Relative uplift of leads per year (funnel, compounds).
    LeadVolume,
    /// Relative uplift of every stage conversion combined (funnel, compounds).
    Conversion,
    /// Relative uplift of the win rate (funnel, compounds).
    WinRate,
    /// Relative uplift of the average deal size (funnel, compounds).
    DealSize,
    /// Relative reduction of the sales cycle: revenue is pulled forward once.
    SalesCycle,
    /// Churn reduction in fraction points a year (0.01 = one percentage point).
    Retention,
    /// Relative uplift of installed-base revenue.
    CrossSell,
    /// Relative reduction of the cost to serve (reductions compound).
    CostToServe,
    /// Relative reduction of marketing spend for the same result (reductions compound).
    MarketingEfficiency,
    /// Hours saved per user per week; valued at the role's hourly cost × value share.
    HoursSaved,
    /// A direct annual amount at full adoption.
    DirectValue,
}

impl Driver {
    /// All drivers, in documentation order.
    pub const ALL: [Driver; 11] = [
        Driver::LeadVolume,
        Driver::Conversion,
        Driver::WinRate,
        Driver::DealSize,
        Driver::SalesCycle,
        Driver::Retention,
        Driver::CrossSell,
        Driver::CostToServe,
        Driver::MarketingEfficiency,
        Driver::HoursSaved,
        Driver::DirectValue,
    ];

    /// The name used in scenario files.
    pub fn key(self) -> &'static str {
        match self {
            Driver::LeadVolume => "lead_volume",
            Driver::Conversion => "conversion",
            Driver::WinRate => "win_rate",
            Driver::DealSize => "deal_size",
            Driver::SalesCycle => "sales_cycle",
            Driver::Retention => "retention",
            Driver::CrossSell => "cross_sell",
            Driver::CostToServe => "cost_to_serve",
            Driver::MarketingEfficiency => "marketing_efficiency",
            Driver::HoursSaved => "hours_saved",
            Driver::DirectValue => "direct_value",
        }
    }

    /// True for the drivers that act at the top of the funnel (more leads, better
    /// conversion): the extra opportunities close, and bring revenue, one sales cycle later.
    /// Win rate and deal size act on the deals being closed, so they count at once.
    pub fn acts_through_pipeline(self) -> bool {
        matches!(self, Driver::LeadVolume | Driver::Conversion)
    }

    /// True for the drivers that multiply new-business revenue.
    pub fn is_funnel(self) -> bool {
        matches!(
            self,
            Driver::LeadVolume | Driver::Conversion | Driver::WinRate | Driver::DealSize
        )
    }
}

/// A CRM capability: what it moves, how much at full adoption, and who uses it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Capability {
    pub name: String,
    /// Capability group for reporting (e.g. "Customer insight").
    pub group: String,
    /// Indices into `Scenario::user_groups`; never empty (defaults to all groups).
    pub used_by: Vec<usize>,
    pub driver: Driver,
    /// The effect at full adoption, in the driver's unit (see [`Driver`]).
    pub effect: Uncertain,
    /// Share of saved time turned into value (`hours_saved` only; 1 otherwise).
    pub value_share: Uncertain,
    /// Months after each group's go-live before the capability starts to act.
    pub lag_months: u32,
    /// `direct_value` only: the value follows this schedule instead of adoption.
    pub schedule: Option<ValueSchedule>,
}

/// A direct value that arrives on a date rather than with adoption (a legacy system retired in
/// a given month): zero before `from_month`, then rising in `ramp_months` equal steps to the
/// full annual value (at once when `ramp_months` is 0). A go-live delay moves it with the
/// go-lives, since the old system can go only once the new one runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ValueSchedule {
    /// First month with value (before any go-live delay).
    pub from_month: u32,
    /// Months to reach the full value, the first being `from_month`; 0 = at once.
    pub ramp_months: u32,
}

impl ValueSchedule {
    /// Share of the full value in month `t` when go-lives slip by `delay` months.
    pub fn share(self, t: usize, delay: usize) -> f64 {
        let start = self.from_month as usize + delay;
        if t < start {
            0.0
        } else if self.ramp_months == 0 {
            1.0
        } else {
            ((t - start + 1) as f64 / f64::from(self.ramp_months)).min(1.0)
        }
    }
}

/// The four lever kinds of a change programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LeverKind {
    Communication,
    Training,
    Appraisal,
    Generic,
}

/// What a lever does to the adoption and data quality of the groups it applies to.
/// Every effect is drawn once per trial and applied to all of the lever's groups.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct LeverEffects {
    /// Added to the adoption ceiling (fraction points; result capped at 1).
    pub ceiling: Option<Uncertain>,
    /// Multiplies the curve's speed (logistic growth, Gompertz rate, 1 / linear ramp months).
    pub speed: Option<Uncertain>,
    /// Added to the midpoint in months (negative = earlier); logistic and Gompertz.
    pub midpoint_shift: Option<Uncertain>,
    /// Multiplies Bass p (innovation).
    pub bass_p: Option<Uncertain>,
    /// Multiplies Bass q (imitation).
    pub bass_q: Option<Uncertain>,
    /// Added to the data-quality share (fraction points; result capped at 1).
    pub data_quality: Option<Uncertain>,
    /// Multipliers on the probability of named risks: the link between change management and
    /// a programme that fails to take hold. Empty when the lever changes no risk.
    pub risks: Vec<RiskEffect>,
}

/// A lever's effect on one risk: the risk's probability is multiplied by a draw of
/// `probability_multiplier` (0.6 = 40% less likely) in every trial the lever is applied.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RiskEffect {
    /// Index into `Scenario::risks`.
    pub risk: usize,
    /// Multiplies the risk's probability (≥ 0; the product is capped at 1).
    pub probability_multiplier: Uncertain,
}

/// A change-management lever: costs money, shifts adoption and data quality.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lever {
    pub name: String,
    pub kind: LeverKind,
    /// Indices into `Scenario::user_groups`; never empty (defaults to all groups).
    pub applies_to: Vec<usize>,
    pub effects: LeverEffects,
    pub costs: Vec<CostLine>,
}

/// Cost categories, for stacking in charts and tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CostCategory {
    Licence,
    Implementation,
    InternalLabour,
    Training,
    ChangeManagement,
    Administration,
    Other,
}

impl CostCategory {
    /// All categories, in reporting order.
    pub const ALL: [CostCategory; 7] = [
        CostCategory::Licence,
        CostCategory::Implementation,
        CostCategory::InternalLabour,
        CostCategory::Training,
        CostCategory::ChangeManagement,
        CostCategory::Administration,
        CostCategory::Other,
    ];

    /// The name used in scenario files.
    pub fn key(self) -> &'static str {
        match self {
            CostCategory::Licence => "licence",
            CostCategory::Implementation => "implementation",
            CostCategory::InternalLabour => "internal_labour",
            CostCategory::Training => "training",
            CostCategory::ChangeManagement => "change_management",
            CostCategory::Administration => "administration",
            CostCategory::Other => "other",
        }
    }

    /// A label for charts and tables.
    pub fn label(self) -> &'static str {
        match self {
            CostCategory::Licence => "Licences",
            CostCategory::Implementation => "Implementation",
            CostCategory::InternalLabour => "Internal labour",
            CostCategory::Training => "Training",
            CostCategory::ChangeManagement => "Change management",
            CostCategory::Administration => "Administration",
            CostCategory::Other => "Other",
        }
    }
}

/// When a cost falls due.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CostSchedule {
    /// `amount` once, in `month`.
    OneOff { month: u32 },
    /// `amount` every month from `from_month` to `to_month` inclusive (clipped to the horizon).
    Monthly {
        from_month: u32,
        to_month: Option<u32>,
    },
    /// `amount` per seat per month for each group, from its start (`starts`) to `to_month` (or
    /// the end).
    PerSeatMonthly {
        groups: Vec<usize>,
        to_month: Option<u32>,
        starts: SeatStart,
    },
    /// `amount` per seat once, in each group's start month (`starts`).
    PerSeatOneOff {
        groups: Vec<usize>,
        starts: SeatStart,
    },
}

/// When a per-seat cost starts for a group's seats, and so whether a go-live delay moves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "starts", rename_all = "snake_case")]
pub enum SeatStart {
    /// At the group's actual go-live: a go-live delay moves it (training, floor support).
    GoLive,
    /// On the contract's schedule, which a go-live delay does not move (subscriptions are paid
    /// for the seats bought, used or not): from `month` for every group, or, without one, from
    /// each group's planned go-live month (a seat ramp contracted to the rollout plan).
    Contract { month: Option<u32> },
}

impl SeatStart {
    /// The first month of a group planned to go live in `planned`, when go-lives slip by
    /// `delay` months.
    pub fn month(self, planned: u32, delay: u32) -> u32 {
        match self {
            SeatStart::GoLive => planned.saturating_add(delay),
            SeatStart::Contract { month: Some(m) } => m,
            SeatStart::Contract { month: None } => planned,
        }
    }
}

/// One line of the cost plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostLine {
    pub name: String,
    pub category: CostCategory,
    pub schedule: CostSchedule,
    pub amount: Uncertain,
    /// Relative overrun (0.1 = 10% over), if the line may overrun.
    pub overrun: Option<Uncertain>,
}

/// A programme-level event that may or may not happen in a trial.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Risk {
    pub name: String,
    /// Per-trial probability, in [0, 1]. In the base case the event happens iff p > 0.5.
    pub probability: f64,
    /// Share of benefits realised when it happens (in [0, 1]).
    pub benefit_realised: Option<Uncertain>,
    /// Multiplier on all costs when it happens (≥ 0; 1.2 = 20% more).
    pub cost_multiplier: Option<Uncertain>,
    /// Go-live delay for every group, in months (≥ 0, rounded to whole months).
    pub delay_months: Option<Uncertain>,
}

impl Risk {
    /// The stable name of whether the risk happens in a trial: drawn like an input (with the
    /// risk's probability), and named so that `[[correlations]]` can link it.
    pub fn occurrence_name(&self) -> String {
        format!("risks.{}.occurs", super::quoted(&self.name))
    }
}

/// A rank correlation between two uncertain inputs (`[[correlations]]`).
///
/// Both inputs are distinct, exist and have a distribution, every pair appears once, and all
/// of a scenario's correlations together are consistent (their normal-space correlation
/// matrix is positive semi-definite): the reader refuses anything else.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Correlation {
    /// The stable names of the two inputs, as written.
    pub inputs: [String; 2],
    /// Spearman rank correlation, in [-1, 1].
    pub rank: f64,
    /// Where the `[[correlations]]` entry starts, when it came from a file.
    pub location: Option<Location>,
}

/// A complete, validated scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scenario {
    pub meta: Meta,
    pub baseline: Baseline,
    pub roles: Vec<Role>,
    pub user_groups: Vec<UserGroup>,
    pub capabilities: Vec<Capability>,
    pub levers: Vec<Lever>,
    pub costs: Vec<CostLine>,
    pub risks: Vec<Risk>,
    /// Rank correlations between uncertain inputs; empty when every input is independent.
    pub correlations: Vec<Correlation>,
    /// The risk adjustments of the TEI view (`[tei]`); none by default.
    pub tei: TeiAdjustments,
    /// The closed range every value of each input must lie in (the schema's bounds), by stable
    /// name: what an analysis that moves an input (`valuecase breakeven`) may move it within.
    /// Risk probabilities are not listed: they lie in [0, 1].
    #[serde(skip)]
    pub allowed_ranges: std::collections::BTreeMap<String, (f64, f64)>,
}

/// How the TEI view of the case adjusts its base case for risk, line by line, as TEI studies
/// do (`[tei]`, docs/SCENARIO.md): benefits cut by a haircut, costs raised by an uplift. The
/// simulation itself never reads them: it models risk by drawing the inputs.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct TeiAdjustments {
    /// Share taken off each capability's benefits (0.1 = 10% less), by capability index;
    /// empty when the scenario has no `[tei]` section (no haircuts).
    pub benefit_haircuts: Vec<f64>,
    /// Share added to each cost line (0.1 = 10% more), by cost line index; empty likewise.
    pub cost_uplifts: Vec<f64>,
}

impl TeiAdjustments {
    /// The haircut of capability `c` (0 when none is declared).
    pub fn haircut(&self, c: usize) -> f64 {
        self.benefit_haircuts.get(c).copied().unwrap_or(0.0)
    }

    /// The uplift of cost line `l` (0 when none is declared).
    pub fn uplift(&self, l: usize) -> f64 {
        self.cost_uplifts.get(l).copied().unwrap_or(0.0)
    }
}
