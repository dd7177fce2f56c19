//! Where everything sits on the Base case sheet: the blocks above the monthly table (results,
//! run-wide values, user groups, capabilities, cost lines) and the monthly table's columns,
//! allocated left to right in the order a reader follows the model (adoption → uplift →
//! driver workings → benefits → costs → cash flow).

use rust_xlsxwriter::utility::{row_col_to_cell, row_col_to_cell_absolute};

use crate::scenario::{Driver, Scenario};

/// A cell as formulas on the same sheet refer to it, relative (`C12`).
pub fn rel(row: u32, col: u16) -> String {
    row_col_to_cell(row, col)
}

/// A cell as formulas refer to it wherever they are copied (`$C$12`).
pub fn abs(row: u32, col: u16) -> String {
    row_col_to_cell_absolute(row, col)
}

/// A column of the monthly table over all months, absolute (`$C$30:$C$65`).
pub fn column_range(first_row: u32, months: usize, col: u16) -> String {
    format!(
        "{}:{}",
        abs(first_row, col),
        abs(first_row + months.saturating_sub(1) as u32, col)
    )
}

/// A list of capabilities whose effects compound (funnel, cost to serve, marketing), with the
/// columns of its gain (or saving) and, when shared by several, the sum of their weights.
#[derive(Debug, Clone, Default)]
pub struct Compounding {
    pub caps: Vec<usize>,
    pub gain: u16,
    pub weight_sum: Option<u16>,
}

/// The monthly table's columns.
#[derive(Debug, Clone, Default)]
pub struct Columns {
    pub month: u16,
    pub calendar: u16,
    pub growth: u16,
    pub discount: u16,
    /// Per group: adoption a_g and quality-weighted adoption â_g.
    pub adoption: Vec<u16>,
    pub quality: Vec<u16>,
    /// Per capability: its realised uplift x_c (not for hours saved and direct value).
    pub uplift: Vec<Option<u16>>,
    /// Per lead-volume or conversion capability: its uplift one sales cycle later, x̃_c(t).
    pub pipeline: Vec<Option<u16>>,
    pub funnel: Option<Compounding>,
    pub cost_to_serve: Option<Compounding>,
    pub marketing: Option<Compounding>,
    /// Sales cycle: Σ x_k and 1 − Π (1 − x_k), then each capability's share s_c.
    pub cycle_total: Option<u16>,
    pub cycle_combined: Option<u16>,
    pub cycle_share: Vec<Option<u16>>,
    /// Retention: Σ x_k and the revenue share kept a month Δ(t), then each capability's
    /// stock K_c.
    pub retention_total: Option<u16>,
    pub retention_kept: Option<u16>,
    pub retention_stock: Vec<Option<u16>>,
    pub benefit: Vec<u16>,
    pub cost: Vec<u16>,
    pub benefits: u16,
    pub costs: u16,
    pub net: u16,
    pub cumulative: u16,
    pub discounted: u16,
    pub cumulative_discounted: u16,
    pub crossing: u16,
    pub discounted_crossing: u16,
    /// Columns in all.
    pub count: u16,
}

impl Columns {
    /// Allocate the columns for `s`.
    pub fn of(s: &Scenario) -> Columns {
        let mut next = 0u16;
        let mut take = || {
            next += 1;
            next - 1
        };
        let mut c = Columns {
            calendar: take(),
            month: take(),
            growth: take(),
            discount: take(),
            ..Columns::default()
        };
        c.adoption = s.user_groups.iter().map(|_| take()).collect();
        c.quality = s.user_groups.iter().map(|_| take()).collect();
        let n = s.capabilities.len();
        c.uplift = s
            .capabilities
            .iter()
            .map(|cap| {
                (!matches!(cap.driver, Driver::HoursSaved | Driver::DirectValue)).then(&mut take)
            })
            .collect();
        c.pipeline = s
            .capabilities
            .iter()
            .map(|cap| cap.driver.acts_through_pipeline().then(&mut take))
            .collect();
        let with = |pred: fn(Driver) -> bool| -> Vec<usize> {
            (0..n).filter(|&k| pred(s.capabilities[k].driver)).collect()
        };
        let mut compounding = |caps: Vec<usize>| {
            (!caps.is_empty()).then(|| Compounding {
                gain: take(),
                weight_sum: (caps.len() > 1).then(&mut take),
                caps,
            })
        };
        c.funnel = compounding(with(Driver::is_funnel));
        c.cost_to_serve = compounding(with(|d| d == Driver::CostToServe));
        c.marketing = compounding(with(|d| d == Driver::MarketingEfficiency));
        let cycle = with(|d| d == Driver::SalesCycle);
        c.cycle_share = vec![None; n];
        if !cycle.is_empty() {
            c.cycle_total = Some(take());
            c.cycle_combined = Some(take());
            for &k in &cycle {
                c.cycle_share[k] = Some(take());
            }
        }
        let retention = with(|d| d == Driver::Retention);
        c.retention_stock = vec![None; n];
        if !retention.is_empty() {
            c.retention_total = Some(take());
            c.retention_kept = Some(take());
            for &k in &retention {
                c.retention_stock[k] = Some(take());
            }
        }
        c.benefit = (0..n).map(|_| take()).collect();
        let lines = s.costs.len() + s.levers.iter().map(|l| l.costs.len()).sum::<usize>();
        c.cost = (0..lines).map(|_| take()).collect();
        c.benefits = take();
        c.costs = take();
        c.net = take();
        c.cumulative = take();
        c.discounted = take();
        c.cumulative_discounted = take();
        c.crossing = take();
        c.discounted_crossing = take();
        c.count = take();
        c
    }
}

/// The rows of the blocks above the monthly table.
#[derive(Debug, Clone)]
pub struct Rows {
    /// First row of the results (NPV), one row per result.
    pub results: u32,
    /// First row of the run-wide values.
    pub scalars: u32,
    /// Header row of the user-group table; its rows follow.
    pub groups: u32,
    /// Header row of the capability table.
    pub capabilities: u32,
    /// Header row of the cost-line table.
    pub costs: u32,
    /// The monthly table's three header rows start here; month 0 is `first_month`.
    pub table_header: u32,
    pub first_month: u32,
}

/// Results shown at the top, in order.
pub const RESULTS: [&str; 8] = [
    "NPV",
    "PV of benefits",
    "PV of costs",
    "ROI",
    "IRR (annual)",
    "Payback (months)",
    "Discounted payback (months)",
    "Check: NPV with Excel's NPV()",
];

/// Run-wide values, in order.
pub const SCALARS: [&str; 11] = [
    "Monthly discount rate r_m",
    "Benefit share after risks ρ",
    "Cost multiplier after risks κ_r",
    "Go-live delay from risks D (months)",
    "New-business revenue per year NB",
    "IRR search start (Excel's guess, monthly)",
    "Sales cycle S (months)",
    "Pipeline delay: whole months n = ⌊S⌋",
    "Pipeline delay: fraction f = S − n",
    "Monthly survival of the installed base s",
    "Monthly growth factor g",
];

impl Rows {
    pub fn of(s: &Scenario) -> Rows {
        let results = 6;
        let scalars = results + RESULTS.len() as u32 + 3;
        let groups = scalars + SCALARS.len() as u32 + 2;
        let capabilities = groups + s.user_groups.len() as u32 + 3;
        let costs = capabilities + s.capabilities.len() as u32 + 3;
        let lines = s.costs.len() + s.levers.iter().map(|l| l.costs.len()).sum::<usize>();
        let table_header = costs + lines as u32 + 3;
        Rows {
            results,
            scalars,
            groups,
            capabilities,
            costs,
            table_header,
            first_month: table_header + 3,
        }
    }
}
