//! Scenario text → a validated [`Scenario`].
//!
//! The TOML is parsed once into a span-keeping tree (`toml::de::DeTable`); a syntax error stops
//! there. After that every section is read with the [`reader`](super::reader) walker, which
//! *collects* problems (types, ranges, unknown keys, references, duplicates, missing baseline
//! prerequisites), so one run reports everything wrong with a file, sorted by line.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{ErrorKind, Read};
use std::path::Path;

use toml::de::DeTable;

use super::correlations::parse_correlations;
use super::diagnostic::{Diagnostic, ScenarioError};
use super::reader::{Bounds, Reader, Table, did_you_mean, join_words, quoted};
use super::types::{
    Adoption, Baseline, Capability, CostCategory, CostLine, CostSchedule, Driver, Funnel, Lever,
    LeverEffects, LeverKind, Location, Meta, NewBusiness, Risk, Role, Scenario, Uncertain,
    UserGroup, YearMonth,
};

/// Largest scenario file accepted, in bytes (10 MiB).
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// Most seats (or headcount) a group or role may have.
const MAX_SEATS: f64 = 10_000_000.0;

/// Parse scenario text. `file` is only used to label errors.
pub fn parse_str(text: &str, file: Option<&Path>) -> Result<Scenario, ScenarioError> {
    let file = file.map(Path::to_path_buf);
    // An editor's byte-order mark is invisible: drop it so columns match what the user sees.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(ScenarioError::single(
            file,
            Diagnostic::new("", "the scenario is empty").allowed(
                "a scenario with at least [scenario], [[user_groups]] and [[capabilities]]; \
                 `valuecase init FILE` writes a commented starter",
            ),
        ));
    }
    let doc = match DeTable::parse(text) {
        Ok(doc) => doc,
        Err(e) => return Err(ScenarioError::single(file, syntax_error(text, &e))),
    };
    if doc.get_ref().is_empty() {
        return Err(ScenarioError::single(
            file,
            Diagnostic::new(
                "",
                "the scenario is empty: it has only comments and blank lines",
            )
            .allowed(
                "a scenario with at least [scenario], [[user_groups]] and [[capabilities]]; \
                     `valuecase init FILE` writes a commented starter",
            ),
        ));
    }
    let reader = Reader::new(text);
    let scenario = build(&reader, &doc);
    let mut diagnostics = reader.into_diagnostics();
    if diagnostics.is_empty() {
        return Ok(scenario);
    }
    diagnostics.sort_by_key(|d| d.location.map(|l| (l.line, l.column)));
    diagnostics.dedup();
    Err(ScenarioError { file, diagnostics })
}

/// A TOML syntax error, with its position, the offending text when it is short (the key of a
/// `duplicate key`), and the source line with a caret.
fn syntax_error(text: &str, e: &toml::de::Error) -> Diagnostic {
    let reader = Reader::new(text);
    let mut message = format!("invalid TOML: {}", e.message().trim());
    let Some(span) = e.span() else {
        return Diagnostic::new("", message);
    };
    let location = reader.location(span.start);
    let snippet = text
        .get(span.start.min(text.len())..span.end.min(text.len()))
        .unwrap_or("")
        .trim();
    if !snippet.is_empty() && snippet.chars().count() <= 60 && !snippet.contains('\n') {
        message.push_str(&format!(" (at `{snippet}`)"));
    }
    let line = text
        .lines()
        .nth(location.line.saturating_sub(1) as usize)
        .unwrap_or("")
        .trim_end_matches('\r');
    let mut d = Diagnostic::new("", message)
        .at(Some(location))
        .allowed("valid TOML; see docs/SCENARIO.md, section 1, for the few rules a scenario uses");
    // Very long lines (a minified file) are not worth echoing.
    if line.chars().count() <= 200 {
        d = d.with_source_line(line);
    }
    d
}

/// Read and parse a scenario file; also returns the file's bytes (for a checksum).
///
/// Never panics: a missing, unreadable, oversized, empty or non-UTF-8 file is a
/// [`ScenarioError`] with one diagnostic saying what is wrong.
pub fn parse_file(path: &Path) -> Result<(Scenario, Vec<u8>), ScenarioError> {
    let fail = |message: String, allowed: Option<&str>| {
        let mut d = Diagnostic::new("", message);
        if let Some(a) = allowed {
            d = d.allowed(a);
        }
        ScenarioError::single(Some(path.to_path_buf()), d)
    };
    let too_large = |len: u64| {
        fail(
            format!(
                "the file is {len} bytes; scenario files are limited to 10 MiB ({MAX_FILE_BYTES} bytes)"
            ),
            Some("a scenario file of at most 10 MiB"),
        )
    };
    let metadata = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            return Err(fail(
                "file not found".into(),
                Some("an existing scenario file; `valuecase init FILE` writes a starter"),
            ));
        }
        Err(e) => return Err(fail(format!("cannot read the file: {e}"), None)),
    };
    if metadata.is_dir() {
        return Err(fail(
            "this is a directory, not a scenario file".into(),
            Some("the path of a .toml scenario file"),
        ));
    }
    if metadata.len() > MAX_FILE_BYTES {
        return Err(too_large(metadata.len()));
    }
    let mut bytes = Vec::new();
    let read = File::open(path).and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes));
    if let Err(e) = read {
        let msg = if e.kind() == ErrorKind::PermissionDenied {
            format!("cannot read the file: permission denied ({e})")
        } else {
            format!("cannot read the file: {e}")
        };
        return Err(fail(msg, None));
    }
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    if bytes.is_empty() {
        return Err(fail(
            "the file is empty".into(),
            Some("`valuecase init FILE` writes a commented starter scenario"),
        ));
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(fail(
            "the file is UTF-16 text; scenario files must be UTF-8".into(),
            Some("save the file as UTF-8 (in most editors: Save As → Encoding → UTF-8)"),
        ));
    }
    let text = match std::str::from_utf8(&bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.valid_up_to();
            let prefix = &bytes[..at];
            let line = prefix.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = prefix
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            // The prefix is valid UTF-8 by construction.
            let column = std::str::from_utf8(&prefix[line_start..])
                .map_or(at - line_start, |s| s.chars().count())
                + 1;
            let location = Location {
                line: u32::try_from(line).unwrap_or(u32::MAX),
                column: u32::try_from(column).unwrap_or(u32::MAX),
            };
            let d = Diagnostic::new(
                "",
                format!(
                    "the file is not UTF-8 text: invalid byte 0x{:02X} at byte {at} (line {line}, column {column})",
                    bytes[at]
                ),
            )
            .at(Some(location))
            .allowed(
                "UTF-8 text; the file was probably saved in another encoding \
                 (e.g. Windows-1252 or Latin-1): save it as UTF-8",
            );
            return Err(ScenarioError::single(Some(path.to_path_buf()), d));
        }
    };
    let scenario = parse_str(text, Some(path))?;
    Ok((scenario, bytes))
}

// ---------------------------------------------------------------------------------------------
// Names and cross-references.
// ---------------------------------------------------------------------------------------------

/// The names of one kind of item (roles, user groups, ...), for duplicates and references.
struct Names {
    what: &'static str,
    list: Vec<String>,
    index: HashMap<String, (usize, Location)>,
}

impl Names {
    fn new(what: &'static str) -> Self {
        Names {
            what,
            list: Vec::new(),
            index: HashMap::new(),
        }
    }

    /// Register the name of item `index`; a second use of a name is an error naming both lines.
    fn add(&mut self, r: &Reader<'_>, field: &str, name: &str, loc: Location, index: usize) {
        if let Some((_, first)) = self.index.get(name) {
            r.report(
                Diagnostic::new(
                    field,
                    format!(
                        "the {} name {} is used twice: at line {} and again at line {}",
                        self.what,
                        quoted(name),
                        first.line,
                        loc.line
                    ),
                )
                .at(Some(loc))
                .allowed(format!("each {} needs its own name", self.what)),
            );
        } else {
            self.index.insert(name.to_string(), (index, loc));
            self.list.push(name.to_string());
        }
    }

    /// Index of a referenced name, or an error with the known names and a suggestion.
    fn resolve(&self, r: &Reader<'_>, field: &str, name: &str, loc: Location) -> Option<usize> {
        if let Some((i, _)) = self.index.get(name) {
            return Some(*i);
        }
        let mut d = Diagnostic::new(
            field,
            format!("there is no {} named {}", self.what, quoted(name)),
        )
        .at(Some(loc));
        if self.list.is_empty() {
            d = d.allowed(format!("no {} is defined in this scenario", self.what));
        } else {
            let names: Vec<String> = self.list.iter().map(|n| quoted(n)).collect();
            d = d.allowed(format!("one of: {}", names.join(", ")));
        }
        if let Some(s) = did_you_mean(name, self.list.iter().map(String::as_str)) {
            d = d.suggest(s);
        }
        r.report(d);
        None
    }
}

/// Read an item's required `name` and rename the item's path to `section."name"`.
fn item_name<'r>(t: &mut Table<'r>, section: &str, what: &str) -> Option<(&'r str, Location)> {
    let v = t.required("name", format!("a unique name for the {what}, in quotes"))?;
    let name = v.string()?;
    if name.trim().is_empty() {
        v.report(
            v.diag("the name is empty")
                .allowed(format!("a unique name for the {what}")),
        );
        return None;
    }
    t.set_path(format!("{section}.{}", quoted(name)));
    Some((name, v.location()))
}

/// What the baseline provides, for the drivers' prerequisites. A field that is present but
/// invalid counts as provided (its own error is already reported).
#[derive(Debug, Default, Clone, Copy)]
struct Provided {
    new_business: bool,
    installed_base_revenue: bool,
    gross_margin: bool,
    churn: bool,
    cost_to_serve: bool,
    marketing_spend: bool,
    sales_cycle_months: bool,
}

/// Shared state while reading the sections.
struct Ctx<'r> {
    r: &'r Reader<'r>,
    horizon: Option<u32>,
    roles: Names,
    groups: Names,
    /// Role of each user group (by index).
    group_roles: Vec<Option<usize>>,
    provided: Provided,
}

impl Ctx<'_> {
    /// Largest month allowed inside the horizon.
    fn last_month(&self) -> i64 {
        i64::from(self.horizon.unwrap_or(600))
            .saturating_sub(1)
            .max(0)
    }

    fn month_text(&self) -> String {
        match self.horizon {
            Some(h) => format!(
                "a whole month number from 0 to {} (months count from 0; the horizon is {h} months)",
                h.saturating_sub(1)
            ),
            None => "a whole month number from 0, inside the horizon".into(),
        }
    }

    /// An optional month inside the horizon, with a default.
    fn month(&self, t: &mut Table<'_>, key: &'static str, default: u32) -> u32 {
        let text = self.month_text();
        match t.optional_integer(key, 0, self.last_month(), Some(&text)) {
            Ok(Some(m)) => u32::try_from(m).unwrap_or(0),
            _ => default,
        }
    }

    /// Group names → indices; `None` (absent) means all groups.
    fn group_list(&self, t: &mut Table<'_>, key: &'static str, default: &[usize]) -> Vec<usize> {
        match t.optional_names(key) {
            Ok(Some(names)) => {
                let field = t.field_path(key);
                let mut out: Vec<usize> = Vec::new();
                for (name, loc) in names {
                    if let Some(i) = self.groups.resolve(self.r, &field, name, loc)
                        && !out.contains(&i)
                    {
                        out.push(i);
                    }
                }
                out
            }
            Ok(None) => default.to_vec(),
            Err(()) => Vec::new(),
        }
    }

    fn all_groups(&self) -> Vec<usize> {
        (0..self.group_roles.len()).collect()
    }
}

/// A required uncertain value, or a placeholder when it is missing or invalid (the error is
/// already recorded, so the placeholder never reaches a caller of `parse_str`).
fn req(t: &mut Table<'_>, key: &'static str, bounds: &Bounds) -> Uncertain {
    let path = t.field_path(key);
    t.required_uncertain(key, bounds)
        .unwrap_or_else(|| Uncertain::fixed(path, 0.0))
}

/// An optional uncertain value (an invalid one is reported and dropped).
fn opt(t: &mut Table<'_>, key: &'static str, bounds: &Bounds) -> Option<Uncertain> {
    t.optional_uncertain(key, bounds).ok().flatten()
}

/// Match a keyword against its allowed values, reporting a typo with a suggestion.
fn keyword<T: Copy>(
    t: &mut Table<'_>,
    key: &'static str,
    options: &[(&'static str, T)],
    default: Option<T>,
) -> Option<T> {
    let names: Vec<&str> = options.iter().map(|(k, _)| *k).collect();
    let allowed = format!("one of: {}", names.join(", "));
    let v = match default {
        Some(_) => t.take(key),
        None => t.required(key, allowed.clone()),
    };
    let Some(v) = v else {
        return default;
    };
    let s = v.string()?;
    if let Some((_, x)) = options.iter().find(|(k, _)| *k == s) {
        return Some(*x);
    }
    let mut d = v
        .diag(format!("unknown {key} {}", quoted(s)))
        .allowed(allowed);
    if let Some(sug) = did_you_mean(s, names.iter().copied()) {
        d = d.suggest(sug);
    }
    v.report(d);
    None
}

// ---------------------------------------------------------------------------------------------
// The sections.
// ---------------------------------------------------------------------------------------------

const SECTIONS: [&str; 9] = [
    "scenario",
    "baseline",
    "roles",
    "user_groups",
    "capabilities",
    "levers",
    "costs",
    "risks",
    "correlations",
];

fn build<'r>(r: &'r Reader<'r>, doc: &'r toml::Spanned<DeTable<'r>>) -> Scenario {
    let mut root = r.root(doc);
    for s in SECTIONS {
        root.know(s);
    }
    let (meta, horizon) = parse_meta(&mut root);
    let mut ctx = Ctx {
        r,
        horizon,
        roles: Names::new("role"),
        groups: Names::new("user group"),
        group_roles: Vec::new(),
        provided: Provided::default(),
    };
    let baseline = parse_baseline(&mut root, &mut ctx);
    let roles = parse_roles(&mut root, &mut ctx);
    let user_groups = parse_user_groups(&mut root, &mut ctx);
    let capabilities = parse_capabilities(&mut root, &ctx);
    let levers = parse_levers(&mut root, &ctx);
    let mut cost_names = Names::new("cost");
    let all = ctx.all_groups();
    let costs = root
        .tables("costs")
        .into_iter()
        .enumerate()
        .map(|(i, mut t)| {
            let line = parse_cost(&mut t, "costs", None, &all, &ctx, &mut cost_names, i);
            t.finish();
            line
        })
        .collect();
    let risks = parse_risks(&mut root, r);
    let mut scenario = Scenario {
        meta,
        baseline,
        roles,
        user_groups,
        capabilities,
        levers,
        costs,
        risks,
        correlations: Vec::new(),
    };
    // Correlations name inputs of every other section: read them last.
    scenario.correlations = parse_correlations(&mut root, r, &scenario);
    // Fields written above the first [section] header land at the top level: say where they
    // belong instead of calling them unknown sections.
    for (fields, section) in [
        (&SCENARIO_FIELDS[..], "scenario"),
        (&BASELINE_FIELDS[..], "baseline"),
    ] {
        for &key in fields {
            root.reject_with(
                key,
                |k| format!("`{k}` belongs in the [{section}] section: move it below the [{section}] line"),
                None,
            );
        }
    }
    root.finish();
    scenario
}

const SCENARIO_FIELDS: [&str; 8] = [
    "name",
    "description",
    "currency",
    "horizon_months",
    "discount_rate",
    "trials",
    "seed",
    "start",
];

const BASELINE_FIELDS: [&str; 9] = [
    "new_business_revenue",
    "installed_base_revenue",
    "growth",
    "gross_margin",
    "churn",
    "cost_to_serve",
    "marketing_spend",
    "sales_cycle_months",
    "funnel",
];

fn parse_meta(root: &mut Table<'_>) -> (Meta, Option<u32>) {
    let mut meta = Meta {
        name: String::new(),
        description: String::new(),
        currency: "USD".into(),
        horizon_months: 1,
        discount_rate: 0.0,
        trials: 10_000,
        seed: 42,
        start: None,
    };
    let Some(mut t) = root
        .required(
            "scenario",
            "a [scenario] section with name, currency, horizon_months and discount_rate",
        )
        .and_then(|v| v.table())
    else {
        return (meta, None);
    };
    if let Some(v) = t.required("name", "a name for the scenario, in quotes")
        && let Some(name) = v.string()
    {
        if name.trim().is_empty() {
            v.report(
                v.diag("the scenario name is empty")
                    .allowed("a non-empty name"),
            );
        }
        meta.name = name.to_string();
    }
    if let Ok(Some(d)) = t.optional_string("description") {
        meta.description = d.to_string();
    }
    let currency_text =
        "a three-letter ISO 4217 currency code in capitals, e.g. \"USD\", \"EUR\", \"CNY\"";
    if let Some(v) = t.required("currency", currency_text)
        && let Some(c) = v.string()
    {
        if c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()) {
            meta.currency = c.to_string();
        } else {
            let mut d = v
                .diag(format!("{} is not a currency code", quoted(c)))
                .allowed(currency_text);
            if c.len() == 3 && c.bytes().all(|b| b.is_ascii_alphabetic()) {
                d = d.suggest(c.to_ascii_uppercase());
            }
            v.report(d);
        }
    }
    let horizon = t
        .required_integer(
            "horizon_months",
            1,
            600,
            Some("a whole number of months from 1 to 600 (e.g. 60 for five years)"),
        )
        .and_then(|h| u32::try_from(h).ok());
    if let Some(h) = horizon {
        meta.horizon_months = h;
    }
    if let Some(d) = t.required_number(
        "discount_rate",
        &Bounds::closed(0.0, 1.0).with_note("an annual rate: 0.10 means 10% a year"),
    ) {
        meta.discount_rate = d;
    }
    if let Ok(Some(n)) = t.optional_integer("trials", 1, 100_000_000, None) {
        meta.trials = u64::try_from(n).unwrap_or(10_000);
    }
    if let Ok(Some(s)) = t.optional_integer("seed", 0, i64::MAX, Some("a whole number >= 0")) {
        meta.seed = u64::try_from(s).unwrap_or(42);
    }
    if let Some(v) = t.take("start")
        && let Some(s) = v.string()
    {
        match parse_year_month(s) {
            Some(ym) => meta.start = Some(ym),
            None => v.report(
                v.diag(format!("{} is not a month", quoted(s)))
                    .allowed("a month written \"YYYY-MM\", e.g. \"2027-01\""),
            ),
        }
    }
    t.finish();
    (meta, horizon)
}

/// `"2027-01"` → 2027, January.
fn parse_year_month(s: &str) -> Option<YearMonth> {
    let (y, m) = s.trim().split_once('-')?;
    if y.len() != 4 || m.len() != 2 || !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: i32 = y.parse().ok()?;
    let month: u32 = m.parse().ok()?;
    ((1..=12).contains(&month)).then_some(YearMonth { year, month })
}

fn parse_baseline(root: &mut Table<'_>, ctx: &mut Ctx<'_>) -> Baseline {
    let unit = Bounds::closed(0.0, 1.0);
    let Some(mut t) = root.optional_table("baseline") else {
        return Baseline {
            new_business: None,
            installed_base_revenue: None,
            growth: Uncertain::fixed("baseline.growth", 0.0),
            gross_margin: Uncertain::fixed("baseline.gross_margin", 1.0),
            churn: None,
            cost_to_serve: None,
            marketing_spend: None,
            sales_cycle_months: None,
        };
    };
    let money = Bounds::money_nonneg();
    let revenue = opt(&mut t, "new_business_revenue", &money);
    let installed_base_revenue = opt(&mut t, "installed_base_revenue", &money);
    let growth = t.uncertain_or(
        "growth",
        &Bounds::closed(-0.5, 1.0).with_note("annual: 0.05 means 5% a year"),
        0.0,
    );
    let gross_margin = t.uncertain_or("gross_margin", &unit, 1.0);
    let churn = opt(
        &mut t,
        "churn",
        &unit.with_note("annual share of the installed base lost"),
    );
    let cost_to_serve = opt(&mut t, "cost_to_serve", &money);
    let marketing_spend = opt(&mut t, "marketing_spend", &money);
    let sales_cycle_months = opt(
        &mut t,
        "sales_cycle_months",
        &Bounds::open_closed(0.0, 60.0).with_note("months"),
    );
    let funnel = t.optional_table("funnel").map(|mut f| {
        let funnel = parse_funnel(&mut f);
        f.finish();
        funnel
    });
    if t.has("new_business_revenue") && t.has("funnel") {
        ctx.r.report(
            Diagnostic::new(
                "baseline.funnel",
                "new-business revenue is given twice: as new_business_revenue and as [baseline.funnel]",
            )
            .at(t.key_location("funnel"))
            .allowed("either new_business_revenue or a [baseline.funnel] section, not both"),
        );
    }
    ctx.provided = Provided {
        new_business: t.has("new_business_revenue") || t.has("funnel"),
        installed_base_revenue: t.has("installed_base_revenue"),
        gross_margin: t.has("gross_margin"),
        churn: t.has("churn"),
        cost_to_serve: t.has("cost_to_serve"),
        marketing_spend: t.has("marketing_spend"),
        sales_cycle_months: t.has("sales_cycle_months"),
    };
    t.finish();
    let new_business = match (revenue, funnel) {
        (Some(r), _) => Some(NewBusiness::Revenue(r)),
        (None, Some(f)) => Some(NewBusiness::Funnel(f)),
        (None, None) => None,
    };
    Baseline {
        new_business,
        installed_base_revenue,
        growth,
        gross_margin,
        churn,
        cost_to_serve,
        marketing_spend,
        sales_cycle_months,
    }
}

fn parse_funnel(t: &mut Table<'_>) -> Funnel {
    let unit = Bounds::closed(0.0, 1.0);
    let leads_per_year = req(
        t,
        "leads_per_year",
        &Bounds::closed(0.0, 1e12)
            .soft_cap()
            .with_note("leads a year"),
    );
    let mut stage_conversion = Vec::new();
    if let Some(v) = t.take("stage_conversion")
        && let Some(items) = v.array()
    {
        for item in items {
            let path = item.path().to_string();
            stage_conversion.push(
                item.uncertain(&unit)
                    .unwrap_or_else(|| Uncertain::fixed(path, 0.0)),
            );
        }
    }
    let win_rate = req(t, "win_rate", &unit);
    let deal_size = req(t, "deal_size", &Bounds::money_nonneg());
    Funnel {
        leads_per_year,
        stage_conversion,
        win_rate,
        deal_size,
    }
}

fn parse_roles(root: &mut Table<'_>, ctx: &mut Ctx<'_>) -> Vec<Role> {
    let mut roles = Vec::new();
    for (i, mut t) in root.tables("roles").into_iter().enumerate() {
        let name = item_name(&mut t, "roles", "role");
        if let Some((n, loc)) = name {
            let field = t.field_path("name");
            ctx.roles.add(ctx.r, &field, n, loc, i);
        }
        let headcount = t
            .required_number(
                "headcount",
                &Bounds::closed(0.0, MAX_SEATS).with_note("people, at most 10,000,000"),
            )
            .unwrap_or(0.0);
        let hourly_cost = req(&mut t, "hourly_cost", &Bounds::money_nonneg());
        t.finish();
        roles.push(Role {
            name: name.map(|(n, _)| n.to_string()).unwrap_or_default(),
            headcount,
            hourly_cost,
        });
    }
    roles
}

fn parse_user_groups(root: &mut Table<'_>, ctx: &mut Ctx<'_>) -> Vec<UserGroup> {
    let before = ctx.r.count();
    let tables = root.tables("user_groups");
    if tables.is_empty() && ctx.r.count() == before {
        ctx.r.report(
            Diagnostic::new(
                "user_groups",
                "no user groups: a scenario needs at least one",
            )
            .allowed("one or more [[user_groups]] sections (a rollout wave each)"),
        );
    }
    let mut groups = Vec::new();
    for (i, mut t) in tables.into_iter().enumerate() {
        let name = item_name(&mut t, "user_groups", "user group");
        if let Some((n, loc)) = name {
            let field = t.field_path("name");
            ctx.groups.add(ctx.r, &field, n, loc, i);
        }
        let seats = t
            .required_number(
                "seats",
                &Bounds::closed(0.0, MAX_SEATS).with_note("at most 10,000,000 seats"),
            )
            .unwrap_or(0.0);
        let text = ctx.month_text();
        let go_live_month = t
            .required_integer("go_live_month", 0, ctx.last_month(), Some(&text))
            .and_then(|m| u32::try_from(m).ok())
            .unwrap_or(0);
        let role = match t.optional_names("role") {
            Ok(Some(names)) if names.len() == 1 => {
                let field = t.field_path("role");
                ctx.roles.resolve(ctx.r, &field, names[0].0, names[0].1)
            }
            Ok(Some(names)) => {
                ctx.r.report(
                    Diagnostic::new(t.field_path("role"), "a user group has one role")
                        .at(Some(names[0].1))
                        .allowed("one role name in quotes"),
                );
                None
            }
            _ => None,
        };
        let data_quality = t.uncertain_or("data_quality", &Bounds::closed(0.0, 1.0), 1.0);
        let adoption = match t
            .required(
                "adoption",
                "an [user_groups.adoption] section with a curve, e.g. curve = \"logistic\"",
            )
            .and_then(|v| v.table())
        {
            Some(mut a) => {
                let adoption = parse_adoption(&mut a);
                a.finish();
                adoption
            }
            None => placeholder_adoption(&t.field_path("adoption")),
        };
        t.finish();
        ctx.group_roles.push(role);
        groups.push(UserGroup {
            name: name.map(|(n, _)| n.to_string()).unwrap_or_default(),
            seats,
            go_live_month,
            role,
            adoption,
            data_quality,
        });
    }
    groups
}

fn placeholder_adoption(path: &str) -> Adoption {
    Adoption::Table {
        ceiling: Uncertain::fixed(format!("{path}.ceiling"), 1.0),
        values: vec![1.0],
    }
}

const CURVE_PARAMS: [&str; 8] = [
    "ceiling",
    "growth",
    "midpoint",
    "p",
    "q",
    "rate",
    "ramp_months",
    "values",
];

fn parse_adoption(t: &mut Table<'_>) -> Adoption {
    let unit = Bounds::closed(0.0, 1.0);
    let midpoint_bounds = Bounds::closed(-24.0, 120.0).with_note("months after go-live");
    let curves: [(&str, &[&'static str]); 5] = [
        ("logistic", &["ceiling", "growth", "midpoint"]),
        ("bass", &["ceiling", "p", "q"]),
        ("gompertz", &["ceiling", "rate", "midpoint"]),
        ("linear", &["ceiling", "ramp_months"]),
        ("table", &["values", "ceiling"]),
    ];
    let names: Vec<&str> = curves.iter().map(|(c, _)| *c).collect();
    let curve = match t.required("curve", format!("one of: {}", names.join(", "))) {
        Some(v) => match v.string() {
            Some(s) => match curves.iter().find(|(c, _)| *c == s) {
                Some(&(c, params)) => Some((c, params)),
                None => {
                    let mut d = v
                        .diag(format!("unknown adoption curve {}", quoted(s)))
                        .allowed(format!("one of: {}", names.join(", ")));
                    if let Some(sug) = did_you_mean(s, names.iter().copied()) {
                        d = d.suggest(sug);
                    }
                    v.report(d);
                    None
                }
            },
            None => None,
        },
        None => None,
    };
    let Some((curve, params)) = curve else {
        for k in CURVE_PARAMS {
            t.skip(k);
        }
        return placeholder_adoption(t.path());
    };
    for key in CURVE_PARAMS {
        if !params.contains(&key) {
            t.reject_with(
                key,
                |k| {
                    format!(
                        "`{k}` is not used by a {curve} curve; {curve} takes {}",
                        join_words(params)
                    )
                },
                Some(format!("for a {curve} curve: {}", join_words(params))),
            );
        }
    }
    match curve {
        "logistic" => Adoption::Logistic {
            ceiling: req(t, "ceiling", &unit),
            growth: req(t, "growth", &Bounds::above(0.0).with_note("per month")),
            midpoint: req(t, "midpoint", &midpoint_bounds),
        },
        "bass" => Adoption::Bass {
            ceiling: req(t, "ceiling", &unit),
            p: req(
                t,
                "p",
                &Bounds::open_closed(0.0, 1.0).with_note("innovation, per month"),
            ),
            q: req(
                t,
                "q",
                &Bounds::closed(0.0, 2.0).with_note("imitation, per month"),
            ),
        },
        "gompertz" => Adoption::Gompertz {
            ceiling: req(t, "ceiling", &unit),
            rate: req(t, "rate", &Bounds::above(0.0).with_note("per month")),
            midpoint: req(t, "midpoint", &midpoint_bounds),
        },
        "linear" => Adoption::Linear {
            ceiling: req(t, "ceiling", &unit),
            ramp_months: req(t, "ramp_months", &Bounds::above(0.0).with_note("months")),
        },
        _ => {
            let mut values = Vec::new();
            if let Some(v) = t.required(
                "values",
                "a list of adoption shares by month since go-live, e.g. values = [0.1, 0.4, 0.8]",
            ) && let Some(items) = v.array()
            {
                if items.is_empty() {
                    v.report(
                        v.diag("the adoption table is empty")
                            .allowed("at least one share in [0, 1]"),
                    );
                }
                for item in items {
                    values.push(item.number(&unit).unwrap_or(0.0));
                }
            }
            let ceiling = t.uncertain_or("ceiling", &unit, 1.0);
            Adoption::Table { ceiling, values }
        }
    }
}

/// The effect field(s) a driver takes, with their bounds.
fn driver_fields(driver: Driver) -> &'static [&'static str] {
    match driver {
        Driver::HoursSaved => &["hours_per_week", "value_share"],
        Driver::DirectValue => &["annual_value"],
        _ => &["uplift"],
    }
}

fn uplift_bounds(driver: Driver) -> Bounds {
    match driver {
        Driver::SalesCycle => Bounds::closed(0.0, 0.9)
            .with_note("relative reduction of the sales cycle: 0.05 = 5% shorter"),
        Driver::Retention => {
            Bounds::closed(0.0, 1.0).with_note("churn reduction in fraction points: 0.01 = 1 point")
        }
        Driver::CostToServe | Driver::MarketingEfficiency => {
            Bounds::closed(0.0, 0.95).with_note("relative reduction: 0.10 = 10% less")
        }
        _ => Bounds::closed(-0.5, 2.0).with_note("relative uplift: 0.05 = +5%"),
    }
}

const EFFECT_FIELDS: [&str; 4] = ["uplift", "hours_per_week", "value_share", "annual_value"];

fn parse_capabilities(root: &mut Table<'_>, ctx: &Ctx<'_>) -> Vec<Capability> {
    let r = ctx.r;
    let before = r.count();
    let tables = root.tables("capabilities");
    if tables.is_empty() && r.count() == before {
        r.report(
            Diagnostic::new(
                "capabilities",
                "no capabilities: a scenario needs at least one",
            )
            .allowed("one or more [[capabilities]] sections, each with a driver"),
        );
    }
    let mut names = Names::new("capability");
    let all = ctx.all_groups();
    let mut out = Vec::new();
    for (i, mut t) in tables.into_iter().enumerate() {
        let name = item_name(&mut t, "capabilities", "capability");
        if let Some((n, loc)) = name {
            let field = t.field_path("name");
            names.add(r, &field, n, loc, i);
        }
        let group = match t.optional_string("group") {
            Ok(Some(g)) if !g.trim().is_empty() => g.to_string(),
            _ => "Other".to_string(),
        };
        let used_by = ctx.group_list(&mut t, "used_by", &all);
        let options: Vec<(&'static str, Driver)> =
            Driver::ALL.iter().map(|d| (d.key(), *d)).collect();
        let driver_location = t.value_location("driver");
        let driver = keyword(&mut t, "driver", &options, None);
        let path = t.path().to_string();
        let (effect, value_share) = match driver {
            Some(d) => {
                let fields = driver_fields(d);
                for key in EFFECT_FIELDS {
                    if !fields.contains(&key) {
                        t.reject_with(
                            key,
                            |k| {
                                format!(
                                    "`{k}` is not used by the {} driver; it takes {}",
                                    d.key(),
                                    join_words(fields)
                                )
                            },
                            Some(format!(
                                "for the {} driver: {}",
                                d.key(),
                                join_words(fields)
                            )),
                        );
                    }
                }
                match d {
                    Driver::HoursSaved => (
                        req(
                            &mut t,
                            "hours_per_week",
                            &Bounds::closed(0.0, 40.0).with_note("hours per active user per week"),
                        ),
                        t.uncertain_or(
                            "value_share",
                            &Bounds::closed(0.0, 1.0)
                                .with_note("share of the saved time turned into value"),
                            1.0,
                        ),
                    ),
                    Driver::DirectValue => (
                        req(&mut t, "annual_value", &Bounds::money()),
                        Uncertain::fixed(format!("{path}.value_share"), 1.0),
                    ),
                    _ => (
                        req(&mut t, "uplift", &uplift_bounds(d)),
                        Uncertain::fixed(format!("{path}.value_share"), 1.0),
                    ),
                }
            }
            None => {
                for k in EFFECT_FIELDS {
                    t.skip(k);
                }
                (
                    Uncertain::fixed(format!("{path}.uplift"), 0.0),
                    Uncertain::fixed(format!("{path}.value_share"), 1.0),
                )
            }
        };
        let lag_months = match t.optional_integer("lag_months", 0, 600, None) {
            Ok(Some(m)) => u32::try_from(m).unwrap_or(0),
            _ => 0,
        };
        if let Some(d) = driver {
            check_prerequisites(ctx, &t, d, driver_location, &used_by);
        }
        t.finish();
        out.push(Capability {
            name: name.map(|(n, _)| n.to_string()).unwrap_or_default(),
            group,
            used_by,
            driver: driver.unwrap_or(Driver::DirectValue),
            effect,
            value_share,
            lag_months,
        });
    }
    out
}

/// Report every baseline field (or role) a capability's driver needs but the scenario lacks.
fn check_prerequisites(
    ctx: &Ctx<'_>,
    t: &Table<'_>,
    driver: Driver,
    at: Option<Location>,
    used_by: &[usize],
) {
    let p = ctx.provided;
    let field = t.field_path("driver");
    let key = driver.key();
    let need = |ok: bool, what: &str, allowed: &str| {
        if !ok {
            ctx.r.report(
                Diagnostic::new(field.clone(), format!("the {key} driver needs {what}"))
                    .at(at)
                    .allowed(allowed.to_string()),
            );
        }
    };
    let revenue = driver.is_funnel()
        || matches!(
            driver,
            Driver::SalesCycle | Driver::Retention | Driver::CrossSell
        );
    if driver.is_funnel() || driver == Driver::SalesCycle {
        need(
            p.new_business,
            "new-business revenue (baseline.new_business_revenue or [baseline.funnel])",
            "add `new_business_revenue = ...` or a [baseline.funnel] section to [baseline]",
        );
    }
    if driver == Driver::SalesCycle {
        need(
            p.sales_cycle_months,
            "baseline.sales_cycle_months",
            "add `sales_cycle_months = ...` to [baseline]",
        );
    }
    if driver == Driver::Retention {
        need(
            p.churn,
            "baseline.churn",
            "add `churn = ...` (annual, e.g. 0.12) to [baseline]",
        );
    }
    if matches!(driver, Driver::Retention | Driver::CrossSell) {
        need(
            p.installed_base_revenue,
            "baseline.installed_base_revenue",
            "add `installed_base_revenue = ...` to [baseline]",
        );
    }
    if revenue {
        need(
            p.gross_margin,
            "baseline.gross_margin (revenue effects count at gross margin)",
            "add `gross_margin = ...` (e.g. 0.5) to [baseline]",
        );
    }
    if driver == Driver::CostToServe {
        need(
            p.cost_to_serve,
            "baseline.cost_to_serve",
            "add `cost_to_serve = ...` (annual) to [baseline]",
        );
    }
    if driver == Driver::MarketingEfficiency {
        need(
            p.marketing_spend,
            "baseline.marketing_spend",
            "add `marketing_spend = ...` (annual) to [baseline]",
        );
    }
    if driver == Driver::HoursSaved {
        for &g in used_by {
            if ctx.group_roles.get(g).copied().flatten().is_none() {
                let name = ctx.groups.list.get(g).map(String::as_str).unwrap_or("?");
                ctx.r.report(
                    Diagnostic::new(
                        field.clone(),
                        format!(
                            "the hours_saved driver values time at a role's hourly cost, but user group {} has no role",
                            quoted(name)
                        ),
                    )
                    .at(at)
                    .allowed("add `role = \"...\"` to that user group (and a matching [[roles]] section), or leave the group out of used_by"),
                );
            }
        }
    }
}

fn parse_levers(root: &mut Table<'_>, ctx: &Ctx<'_>) -> Vec<Lever> {
    let r = ctx.r;
    let mut names = Names::new("lever");
    let all = ctx.all_groups();
    let kinds = [
        ("communication", LeverKind::Communication),
        ("training", LeverKind::Training),
        ("appraisal", LeverKind::Appraisal),
        ("generic", LeverKind::Generic),
    ];
    let mut out = Vec::new();
    for (i, mut t) in root.tables("levers").into_iter().enumerate() {
        let name = item_name(&mut t, "levers", "lever");
        if let Some((n, loc)) = name {
            let field = t.field_path("name");
            names.add(r, &field, n, loc, i);
        }
        let kind = keyword(&mut t, "kind", &kinds, None);
        let applies_to = ctx.group_list(&mut t, "applies_to", &all);
        let effects = match t.optional_table("effects") {
            Some(mut e) => {
                let share = Bounds::closed(-1.0, 1.0).with_note("fraction points added");
                let mult = Bounds::open_closed(0.0, 10.0).with_note("a multiplier: 1.2 = 20% more");
                let effects = LeverEffects {
                    ceiling: opt(&mut e, "ceiling", &share),
                    speed: opt(&mut e, "speed", &mult),
                    midpoint_shift: opt(
                        &mut e,
                        "midpoint_shift",
                        &Bounds::closed(-24.0, 24.0).with_note("months; negative = earlier"),
                    ),
                    bass_p: opt(&mut e, "bass_p", &mult),
                    bass_q: opt(&mut e, "bass_q", &mult),
                    data_quality: opt(&mut e, "data_quality", &share),
                };
                e.finish();
                effects
            }
            None => LeverEffects::default(),
        };
        let default_category = match kind {
            Some(LeverKind::Training) => CostCategory::Training,
            _ => CostCategory::ChangeManagement,
        };
        let section = format!("{}.costs", t.path());
        let mut cost_names = Names::new("cost of this lever");
        let costs = t
            .tables("costs")
            .into_iter()
            .enumerate()
            .map(|(j, mut c)| {
                let line = parse_cost(
                    &mut c,
                    &section,
                    Some(default_category),
                    &applies_to,
                    ctx,
                    &mut cost_names,
                    j,
                );
                c.finish();
                line
            })
            .collect();
        t.finish();
        out.push(Lever {
            name: name.map(|(n, _)| n.to_string()).unwrap_or_default(),
            kind: kind.unwrap_or(LeverKind::Generic),
            applies_to,
            effects,
            costs,
        });
    }
    out
}

const SCHEDULE_FIELDS: [&str; 4] = ["month", "from_month", "to_month", "groups"];

/// One cost line (`[[costs]]` or `[[levers.costs]]`).
fn parse_cost(
    t: &mut Table<'_>,
    section: &str,
    default_category: Option<CostCategory>,
    default_groups: &[usize],
    ctx: &Ctx<'_>,
    names: &mut Names,
    index: usize,
) -> CostLine {
    let name = item_name(t, section, "cost");
    if let Some((n, loc)) = name {
        let field = t.field_path("name");
        names.add(ctx.r, &field, n, loc, index);
    }
    let categories: Vec<(&'static str, CostCategory)> =
        CostCategory::ALL.iter().map(|c| (c.key(), *c)).collect();
    let category =
        keyword(t, "category", &categories, default_category).unwrap_or(CostCategory::Other);
    let kinds: [(&'static str, usize); 4] = [
        ("one_off", 0),
        ("monthly", 1),
        ("per_seat_monthly", 2),
        ("per_seat_one_off", 3),
    ];
    let kind = keyword(t, "kind", &kinds, None);
    let fields: &[&str] = match kind {
        Some(0) => &["month"],
        Some(1) => &["from_month", "to_month"],
        Some(2) => &["groups", "to_month"],
        Some(3) => &["groups"],
        _ => &[],
    };
    if let Some(k) = kind {
        let kind_name = kinds[k].0;
        for key in SCHEDULE_FIELDS {
            if !fields.contains(&key) {
                t.reject_with(
                    key,
                    |f| {
                        format!(
                            "`{f}` is not used by a {kind_name} cost; {kind_name} takes {}",
                            join_words(fields)
                        )
                    },
                    Some(format!("for a {kind_name} cost: {}", join_words(fields))),
                );
            }
        }
    } else {
        for key in SCHEDULE_FIELDS {
            t.skip(key);
        }
    }
    let to_month = |t: &mut Table<'_>, from: u32| -> Option<u32> {
        let text = format!("a whole month number >= {from} (inclusive; clipped to the horizon)");
        match t.optional_integer("to_month", i64::from(from), 100_000, Some(&text)) {
            Ok(Some(m)) => u32::try_from(m).ok(),
            _ => None,
        }
    };
    let schedule = match kind {
        Some(1) => {
            let from_month = ctx.month(t, "from_month", 0);
            let to_month = to_month(t, from_month);
            CostSchedule::Monthly {
                from_month,
                to_month,
            }
        }
        Some(2) => {
            let groups = ctx.group_list(t, "groups", default_groups);
            let to_month = to_month(t, 0);
            CostSchedule::PerSeatMonthly { groups, to_month }
        }
        Some(3) => CostSchedule::PerSeatOneOff {
            groups: ctx.group_list(t, "groups", default_groups),
        },
        _ => CostSchedule::OneOff {
            month: ctx.month(t, "month", 0),
        },
    };
    let amount = req(t, "amount", &Bounds::money_nonneg());
    let overrun = opt(
        t,
        "overrun",
        &Bounds::closed(-0.5, 5.0).with_note("relative: 0.10 = 10% over budget"),
    );
    CostLine {
        name: name.map(|(n, _)| n.to_string()).unwrap_or_default(),
        category,
        schedule,
        amount,
        overrun,
    }
}

fn parse_risks(root: &mut Table<'_>, r: &Reader<'_>) -> Vec<Risk> {
    let mut names = Names::new("risk");
    let mut out = Vec::new();
    for (i, mut t) in root.tables("risks").into_iter().enumerate() {
        let name = item_name(&mut t, "risks", "risk");
        if let Some((n, loc)) = name {
            let field = t.field_path("name");
            names.add(r, &field, n, loc, i);
        }
        let probability = t
            .required_number(
                "probability",
                &Bounds::closed(0.0, 1.0).with_note("a plain number: the chance the event happens"),
            )
            .unwrap_or(0.0);
        let benefit_realised = opt(
            &mut t,
            "benefit_realised",
            &Bounds::closed(0.0, 1.0).with_note("share of benefits kept when it happens"),
        );
        let cost_multiplier = opt(
            &mut t,
            "cost_multiplier",
            &Bounds::closed(0.0, 10.0).with_note("1.2 = costs 20% higher"),
        );
        let delay_months = opt(
            &mut t,
            "delay_months",
            &Bounds::closed(0.0, 60.0).with_note("months of go-live delay"),
        );
        if !(t.has("benefit_realised") || t.has("cost_multiplier") || t.has("delay_months")) {
            r.report(
                Diagnostic::new(t.path(), "a risk needs at least one effect")
                    .at(t.location())
                    .allowed("benefit_realised, cost_multiplier and/or delay_months"),
            );
        }
        t.finish();
        out.push(Risk {
            name: name.map(|(n, _)| n.to_string()).unwrap_or_default(),
            probability,
            benefit_realised,
            cost_multiplier,
            delay_months,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::types::Dist;

    const SHIPPED: [(&str, &str); 5] = [
        (
            "hightech-1b.toml",
            include_str!("../../scenarios/hightech-1b.toml"),
        ),
        (
            "midmarket-50m.toml",
            include_str!("../../scenarios/midmarket-50m.toml"),
        ),
        (
            "hightech-no-change-programme.toml",
            include_str!("../../scenarios/hightech-no-change-programme.toml"),
        ),
        (
            "hightech-change-programme.toml",
            include_str!("../../scenarios/hightech-change-programme.toml"),
        ),
        ("starter.toml", include_str!("starter.toml")),
    ];

    /// A small valid scenario; tests append to it or replace parts of it.
    const MIN: &str = r#"[scenario]
name = "Test"
currency = "USD"
horizon_months = 24
discount_rate = 0.1

[baseline]
new_business_revenue = 1_000_000
gross_margin = 0.5

[[roles]]
name = "Rep"
headcount = 10
hourly_cost = 50

[[user_groups]]
name = "Sales"
seats = 10
go_live_month = 1
role = "Rep"
[user_groups.adoption]
curve = "logistic"
ceiling = 0.8
growth = 0.5
midpoint = 3

[[capabilities]]
name = "Opportunities"
driver = "win_rate"
uplift = { pert = [0.01, 0.05, 0.1] }
"#;

    fn ok(text: &str) -> Scenario {
        match parse_str(text, None) {
            Ok(s) => s,
            Err(e) => panic!("expected a valid scenario, got:\n{e}"),
        }
    }

    fn errors(text: &str) -> Vec<Diagnostic> {
        match parse_str(text, Some(Path::new("test.toml"))) {
            Ok(_) => panic!("expected errors"),
            Err(e) => {
                assert_eq!(e.file.as_deref(), Some(Path::new("test.toml")));
                e.diagnostics
            }
        }
    }

    /// The single diagnostic whose field is `field`.
    fn find<'a>(diags: &'a [Diagnostic], field: &str) -> &'a Diagnostic {
        let hits: Vec<_> = diags.iter().filter(|d| d.field == field).collect();
        assert_eq!(hits.len(), 1, "field {field} in {diags:#?}");
        hits[0]
    }

    fn at(line: u32, column: u32) -> Option<Location> {
        Some(Location { line, column })
    }

    /// 1-based line of the first occurrence of `needle`.
    fn line_of(text: &str, needle: &str) -> u32 {
        let i = text.find(needle).expect(needle);
        text[..i].matches('\n').count() as u32 + 1
    }

    #[test]
    fn every_shipped_scenario_parses() {
        for (name, text) in SHIPPED {
            let s = match parse_str(text, Some(Path::new(name))) {
                Ok(s) => s,
                Err(e) => panic!("{name} does not parse:\n{e}"),
            };
            assert!(!s.user_groups.is_empty(), "{name}");
            assert!(!s.capabilities.is_empty(), "{name}");
        }
        ok(crate::scenario::BUILT_IN);
        ok(crate::scenario::STARTER);
    }

    #[test]
    fn the_starters_commented_correlation_works_when_uncommented() {
        let text = crate::scenario::STARTER
            .replace("\n# [[correlations]]\n", "\n[[correlations]]\n")
            .replace("\n# inputs = ", "\ninputs = ")
            .replace("\n# rank = ", "\nrank = ");
        assert_eq!(ok(&text).correlations.len(), 1);
        assert!(ok(crate::scenario::STARTER).correlations.is_empty());
    }

    #[test]
    fn reference_scenario_matches_the_brief() {
        let s = ok(SHIPPED[0].1);
        assert_eq!(s.meta.horizon_months, 60);
        assert_eq!(s.meta.discount_rate, 0.10);
        assert_eq!(s.meta.trials, 100_000);
        assert_eq!(
            s.meta.start,
            Some(YearMonth {
                year: 2027,
                month: 1
            })
        );
        let seats: f64 = s.user_groups.iter().map(|g| g.seats).sum();
        assert_eq!(seats, 850.0);
        assert!((8..=12).contains(&s.capabilities.len()));
        assert_eq!(s.baseline.gross_margin.dist, Dist::Fixed(0.5));
        let fail = s
            .risks
            .iter()
            .find(|r| r.name == "Programme fails to take hold")
            .unwrap();
        assert_eq!(fail.probability, 0.45);
        let haircut = s.risks.iter().find(|r| r.probability == 1.0).unwrap();
        assert!(matches!(
            haircut.benefit_realised.as_ref().unwrap().dist,
            Dist::Pert {
                min: 0.70,
                mode: 0.85,
                max: 0.95,
                ..
            }
        ));
        let mid = ok(SHIPPED[1].1);
        assert_eq!(mid.user_groups.iter().map(|g| g.seats).sum::<f64>(), 125.0);
        assert_eq!(
            mid.roles
                .iter()
                .find(|r| r.name == "Sales rep")
                .unwrap()
                .headcount,
            100.0
        );
    }

    #[test]
    fn change_programme_pair_differs_only_by_the_programme() {
        let without = ok(SHIPPED[2].1);
        let with = ok(SHIPPED[3].1);
        // Locations differ (the levers shift lines); compare everything else.
        fn strip(mut s: Scenario) -> Scenario {
            fn clear(u: &mut Uncertain) {
                u.location = None;
            }
            for g in &mut s.user_groups {
                clear(&mut g.data_quality);
                match &mut g.adoption {
                    Adoption::Logistic {
                        ceiling,
                        growth,
                        midpoint,
                    } => {
                        clear(ceiling);
                        clear(growth);
                        clear(midpoint);
                    }
                    Adoption::Bass { ceiling, p, q } => {
                        clear(ceiling);
                        clear(p);
                        clear(q);
                    }
                    Adoption::Gompertz {
                        ceiling,
                        rate,
                        midpoint,
                    } => {
                        clear(ceiling);
                        clear(rate);
                        clear(midpoint);
                    }
                    Adoption::Linear {
                        ceiling,
                        ramp_months,
                    } => {
                        clear(ceiling);
                        clear(ramp_months);
                    }
                    Adoption::Table { ceiling, .. } => clear(ceiling),
                }
            }
            for r in &mut s.roles {
                clear(&mut r.hourly_cost);
            }
            for c in &mut s.capabilities {
                clear(&mut c.effect);
                clear(&mut c.value_share);
            }
            for c in &mut s.costs {
                clear(&mut c.amount);
                if let Some(o) = &mut c.overrun {
                    clear(o);
                }
            }
            for r in &mut s.risks {
                for u in [
                    &mut r.benefit_realised,
                    &mut r.cost_multiplier,
                    &mut r.delay_months,
                ]
                .into_iter()
                .flatten()
                {
                    clear(u);
                }
                r.probability = 0.0;
            }
            s.levers.clear();
            s.meta.name.clear();
            s.meta.description.clear();
            s
        }
        assert!(without.levers.is_empty());
        assert_eq!(with.levers.len(), 3);
        let p = |s: &Scenario| s.risks[0].probability;
        assert!(p(&without) >= 0.6 && p(&without) <= 0.7);
        assert!(p(&with) <= 0.25);
        assert_eq!(strip(without), strip(with));
    }

    #[test]
    fn stable_names_and_locations() {
        let text = format!(
            "{MIN}\n[[costs]]\nname = \"Licences\"\ncategory = \"licence\"\nkind = \"per_seat_monthly\"\namount = 100\n\n[[risks]]\nname = \"Slip\"\nprobability = 0.3\ndelay_months = {{ triangular = [0, 2, 6] }}\n"
        );
        let s = ok(&text);
        let cap = &s.capabilities[0];
        assert_eq!(cap.effect.name, r#"capabilities."Opportunities".uplift"#);
        assert_eq!(cap.effect.location, at(line_of(&text, "uplift ="), 10));
        assert_eq!(
            cap.value_share.name,
            r#"capabilities."Opportunities".value_share"#
        );
        assert_eq!(cap.value_share.dist, Dist::Fixed(1.0));
        assert_eq!(cap.group, "Other");
        assert_eq!(cap.used_by, vec![0]);
        let g = &s.user_groups[0];
        assert_eq!(
            g.adoption.ceiling().name,
            r#"user_groups."Sales".adoption.ceiling"#
        );
        assert_eq!(
            g.data_quality,
            Uncertain::fixed(r#"user_groups."Sales".data_quality"#, 1.0)
        );
        assert_eq!(g.role, Some(0));
        assert_eq!(s.roles[0].hourly_cost.name, r#"roles."Rep".hourly_cost"#);
        assert_eq!(s.baseline.growth, Uncertain::fixed("baseline.growth", 0.0));
        assert_eq!(s.costs[0].amount.name, r#"costs."Licences".amount"#);
        assert_eq!(
            s.costs[0].schedule,
            CostSchedule::PerSeatMonthly {
                groups: vec![0],
                to_month: None
            }
        );
        assert_eq!(
            s.risks[0].delay_months.as_ref().unwrap().name,
            r#"risks."Slip".delay_months"#
        );
        assert_eq!(s.meta.trials, 10_000);
        assert_eq!(s.meta.seed, 42);
    }

    #[test]
    fn funnel_levers_and_lever_costs() {
        let text = MIN.replace(
            "new_business_revenue = 1_000_000\ngross_margin = 0.5\n",
            "gross_margin = 0.5\n[baseline.funnel]\nleads_per_year = 20_000\nstage_conversion = [0.3, { pert = [0.4, 0.5, 0.6] }]\nwin_rate = 0.25\ndeal_size = { lognormal = { p5 = 8_000, p95 = 40_000 } }\n",
        );
        let text = format!(
            "{text}\n[[levers]]\nname = \"Training\"\nkind = \"training\"\n[levers.effects]\nspeed = {{ pert = [1.0, 1.2, 1.5] }}\n[[levers.costs]]\nname = \"Course\"\nkind = \"per_seat_one_off\"\namount = 500\n"
        );
        let s = ok(&text);
        let Some(NewBusiness::Funnel(f)) = &s.baseline.new_business else {
            panic!("funnel expected: {:?}", s.baseline.new_business)
        };
        assert_eq!(f.stage_conversion.len(), 2);
        assert_eq!(
            f.stage_conversion[1].name,
            "baseline.funnel.stage_conversion[1]"
        );
        assert_eq!(f.leads_per_year.name, "baseline.funnel.leads_per_year");
        assert!(matches!(f.deal_size.dist, Dist::LogNormal { .. }));
        let lever = &s.levers[0];
        assert_eq!(lever.kind, LeverKind::Training);
        assert_eq!(lever.applies_to, vec![0]);
        assert_eq!(
            lever.effects.speed.as_ref().unwrap().name,
            r#"levers."Training".effects.speed"#
        );
        let cost = &lever.costs[0];
        assert_eq!(cost.category, CostCategory::Training);
        assert_eq!(
            cost.amount.name,
            r#"levers."Training".costs."Course".amount"#
        );
        assert_eq!(
            cost.schedule,
            CostSchedule::PerSeatOneOff { groups: vec![0] }
        );
    }

    #[test]
    fn unknown_keys_get_suggestions_and_positions() {
        let text = MIN.replace("horizon_months = 24", "horizon_monts = 24");
        let d = errors(&text);
        let e = find(&d, "scenario.horizon_monts");
        assert_eq!(e.location, at(4, 1));
        assert_eq!(e.suggestion.as_deref(), Some("horizon_months"));
        assert!(e.allowed.as_deref().unwrap().contains("discount_rate"));
        // The missing field is reported too, at the [scenario] header.
        let m = find(&d, "scenario.horizon_months");
        assert_eq!(m.location, at(1, 1));

        let text = format!("{MIN}\n[[capability]]\nname = \"x\"\n");
        let d = errors(&text);
        let e = find(&d, "capability");
        assert_eq!(e.suggestion.as_deref(), Some("capabilities"));
        assert_eq!(e.location, at(line_of(&text, "[[capability]]"), 3));
    }

    #[test]
    fn references_are_checked_with_suggestions() {
        let text = MIN.replace("role = \"Rep\"", "role = \"rep\"");
        let d = errors(&text);
        let e = find(&d, r#"user_groups."Sales".role"#);
        assert_eq!(e.suggestion.as_deref(), Some("Rep"));
        assert_eq!(e.location, at(line_of(&text, "role = \"rep\""), 8));

        let text = MIN.replace(
            "driver = \"win_rate\"",
            "used_by = [\"Sales\", \"Sale\"]\ndriver = \"win_rate\"",
        );
        let d = errors(&text);
        let e = find(&d, r#"capabilities."Opportunities".used_by"#);
        assert_eq!(e.suggestion.as_deref(), Some("Sales"));
        assert_eq!(e.location, at(line_of(&text, "used_by"), 21));
    }

    #[test]
    fn curve_and_driver_fields_must_belong() {
        let text = MIN
            .replace("curve = \"logistic\"", "curve = \"bass\"")
            .replace("midpoint = 3", "p = 0.05\nq = 0.3");
        let d = errors(&text);
        let e = find(&d, r#"user_groups."Sales".adoption.growth"#);
        assert!(
            e.message.contains("bass takes ceiling, p and q"),
            "{}",
            e.message
        );
        assert_eq!(e.location, at(line_of(&text, "growth = 0.5"), 1));
        assert_eq!(d.len(), 1, "{d:#?}");

        let text = MIN.replace("driver = \"win_rate\"", "driver = \"hours_saved\"");
        let d = errors(&text);
        let e = find(&d, r#"capabilities."Opportunities".uplift"#);
        assert!(e.message.contains("hours_per_week"), "{}", e.message);
        find(&d, r#"capabilities."Opportunities".hours_per_week"#);

        let text = MIN.replace("driver = \"win_rate\"", "driver = \"winrate\"");
        let d = errors(&text);
        let e = find(&d, r#"capabilities."Opportunities".driver"#);
        assert_eq!(e.suggestion.as_deref(), Some("win_rate"));
        assert_eq!(d.len(), 1, "{d:#?}");
    }

    #[test]
    fn missing_baseline_prerequisites_name_the_field() {
        let text = MIN.replace("gross_margin = 0.5\n", "");
        let d = errors(&text);
        let e = find(&d, r#"capabilities."Opportunities".driver"#);
        assert!(e.message.contains("baseline.gross_margin"), "{}", e.message);
        assert_eq!(e.location, at(line_of(&text, "driver ="), 10));

        let text = format!(
            "{MIN}\n[[capabilities]]\nname = \"Churn\"\ndriver = \"retention\"\nuplift = 0.01\n\n[[capabilities]]\nname = \"Admin\"\ndriver = \"hours_saved\"\nhours_per_week = 2\n"
        )
        .replace("role = \"Rep\"\n", "");
        let d = errors(&text);
        let msgs: Vec<&str> = d
            .iter()
            .filter(|d| d.field == r#"capabilities."Churn".driver"#)
            .map(|d| d.message.as_str())
            .collect();
        assert!(
            msgs.iter().any(|m| m.contains("baseline.churn")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter()
                .any(|m| m.contains("baseline.installed_base_revenue")),
            "{msgs:?}"
        );
        let e = find(&d, r#"capabilities."Admin".driver"#);
        assert!(e.message.contains("has no role"), "{}", e.message);
    }

    #[test]
    fn ranges_cover_the_whole_distribution() {
        let text = MIN.replace(
            "ceiling = 0.8",
            "ceiling = { normal = { mean = 0.8, sd = 0.1 } }",
        );
        let d = errors(&text);
        let e = find(&d, r#"user_groups."Sales".adoption.ceiling"#);
        assert!(
            e.allowed.as_deref().unwrap().contains("min = 0, max = 1"),
            "{e:?}"
        );
        assert_eq!(e.location, at(line_of(&text, "ceiling ="), 11));
        let fixed = text.replace("sd = 0.1 } }", "sd = 0.1 }, min = 0, max = 1 }");
        let s = ok(&fixed);
        assert_eq!(
            s.user_groups[0].adoption.ceiling().truncate,
            Some((0.0, 1.0))
        );

        let d = errors(&MIN.replace("go_live_month = 1", "go_live_month = 24"));
        let e = find(&d, r#"user_groups."Sales".go_live_month"#);
        assert!(e.allowed.as_deref().unwrap().contains("0 to 23"), "{e:?}");

        let d = errors(&MIN.replace(
            "new_business_revenue = 1_000_000",
            "new_business_revenue = 2e15",
        ));
        let e = find(&d, "baseline.new_business_revenue");
        assert!(e.allowed.as_deref().unwrap().contains("1e15"), "{e:?}");

        let d = errors(&MIN.replace("gross_margin = 0.5", "gross_margin = nan"));
        let e = find(&d, "baseline.gross_margin");
        assert!(e.message.contains("nan"), "{e:?}");
    }

    #[test]
    fn duplicate_names_name_both_lines() {
        let text = format!(
            "{MIN}\n[[capabilities]]\nname = \"Opportunities\"\ndriver = \"deal_size\"\nuplift = 0.02\n"
        );
        let d = errors(&text);
        let first = line_of(&text, "name = \"Opportunities\"");
        let second = text.rfind("name = \"Opportunities\"").unwrap();
        let second = text[..second].matches('\n').count() as u32 + 1;
        let e = find(&d, r#"capabilities."Opportunities".name"#);
        assert!(
            e.message.contains(&format!("line {first}")),
            "{}",
            e.message
        );
        assert!(
            e.message.contains(&format!("line {second}")),
            "{}",
            e.message
        );
        assert_eq!(e.location, at(second, 8));
    }

    #[test]
    fn many_errors_are_reported_together_in_line_order() {
        let text = r#"[scenario]
name = ""
currency = "dollars"
horizon_months = 0
discount_rate = 1.5
colour = "blue"

[baseline]
gross_margin = 1.2

[[user_groups]]
name = "A"
seats = -5
go_live_month = 2.5
[user_groups.adoption]
curve = "logistc"

[[capabilities]]
name = "C"
driver = "retention"
uplift = { pert = [0.05, 0.01, 0.03] }

[[costs]]
name = "X"
category = "licenses"
kind = "one_off"
amount = -3

[[risks]]
name = "R"
probability = { uniform = [0, 1] }
benefit_realised = 2
"#;
        let d = errors(text);
        assert!(d.len() >= 14, "{d:#?}");
        let lines: Vec<u32> = d
            .iter()
            .filter_map(|d| d.location.map(|l| l.line))
            .collect();
        let mut sorted = lines.clone();
        sorted.sort();
        assert_eq!(lines, sorted);
        for field in [
            "scenario.name",
            "scenario.currency",
            "scenario.horizon_months",
            "scenario.discount_rate",
            "scenario.colour",
            "baseline.gross_margin",
            r#"user_groups."A".seats"#,
            r#"user_groups."A".go_live_month"#,
            r#"user_groups."A".adoption.curve"#,
            r#"capabilities."C".uplift"#,
            r#"costs."X".category"#,
            r#"costs."X".amount"#,
            r#"risks."R".probability"#,
            r#"risks."R".benefit_realised"#,
        ] {
            assert!(
                d.iter().any(|d| d.field == field),
                "{field} missing from {d:#?}"
            );
        }
        let curve = find(&d, r#"user_groups."A".adoption.curve"#);
        assert_eq!(curve.suggestion.as_deref(), Some("logistic"));
        let cat = find(&d, r#"costs."X".category"#);
        assert_eq!(cat.suggestion.as_deref(), Some("licence"));
        assert_eq!(cat.location, at(25, 12));
    }

    #[test]
    fn structural_problems() {
        // Both new_business_revenue and a funnel.
        let text = MIN.replace(
            "gross_margin = 0.5\n",
            "gross_margin = 0.5\n[baseline.funnel]\nleads_per_year = 10\nwin_rate = 0.2\ndeal_size = 100\n",
        );
        let d = errors(&text);
        find(&d, "baseline.funnel");
        // A list section written with single brackets.
        let text = format!("{MIN}\n[costs]\nname = \"x\"\n");
        let d = errors(&text);
        assert!(find(&d, "costs").message.contains("[[costs]]"));
        // No groups and no capabilities at all.
        let d = errors(
            "[scenario]\nname = \"x\"\ncurrency = \"EUR\"\nhorizon_months = 12\ndiscount_rate = 0.08\n",
        );
        find(&d, "user_groups");
        find(&d, "capabilities");
        // Fields above the first header.
        let text = format!("horizon_months = 12\n{MIN}").replace("horizon_months = 24\n", "");
        let d = errors(&text);
        let e = find(&d, "horizon_months");
        assert!(
            e.message.contains("belongs in the [scenario] section"),
            "{e:?}"
        );
        assert_eq!(e.location, at(1, 1));
        // Empty lists.
        let text = "user_groups = []\ncapabilities = []\n[scenario]\nname = \"x\"\ncurrency = \"EUR\"\nhorizon_months = 12\ndiscount_rate = 0.08\n";
        let d = errors(text);
        assert_eq!(d.len(), 2, "{d:#?}");
        find(&d, "user_groups");
        find(&d, "capabilities");
        // Missing [scenario].
        let d = errors(&MIN.replace("[scenario]", "[scenarios]"));
        assert_eq!(
            find(&d, "scenarios").suggestion.as_deref(),
            Some("scenario")
        );
        assert!(find(&d, "scenario").message.contains("[scenario]"));
        // A risk without effect, a cost field of another kind.
        let text = format!(
            "{MIN}\n[[risks]]\nname = \"R\"\nprobability = 0.5\n\n[[costs]]\nname = \"C\"\ncategory = \"other\"\nkind = \"one_off\"\ngroups = [\"Sales\"]\namount = 5\n"
        );
        let d = errors(&text);
        find(&d, r#"risks."R""#);
        assert!(
            find(&d, r#"costs."C".groups"#)
                .message
                .contains("one_off takes month")
        );
    }

    #[test]
    fn syntax_errors_and_empty_text() {
        let d = errors("[scenario]\nname = \"x\nhorizon_months = 3\n");
        assert_eq!(d.len(), 1);
        assert!(d[0].message.starts_with("invalid TOML"), "{d:?}");
        assert_eq!(d[0].location.map(|l| l.line), Some(2));
        let d = errors("  \n# only a comment\n".split('#').next().unwrap());
        assert!(d[0].message.contains("empty"));
        let d = errors("# only a comment\n\n   # and another\n");
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("only comments"), "{d:?}");
        // A duplicate key names the key and shows the line with a caret.
        let d = errors("[scenario]\nname = \"x\"\nname = \"y\"\n");
        assert!(d[0].message.contains("(at `name`)"), "{d:?}");
        assert_eq!(d[0].source_line.as_deref(), Some("name = \"y\""));
        let shown = ScenarioError {
            file: None,
            diagnostics: d,
        }
        .to_string();
        assert!(shown.contains("\n  3 | name = \"y\"\n    | ^"), "{shown}");
        // A byte-order mark is ignored.
        ok(&format!("\u{feff}{MIN}"));
    }

    /// MIN with a second uncertain input, a cost with an overrun, and `extra` appended.
    fn with_correlations(extra: &str) -> String {
        format!(
            "{}\n[[costs]]\nname = \"Integration\"\ncategory = \"implementation\"\nkind = \"one_off\"\namount = {{ pert = [1e5, 2e5, 4e5] }}\noverrun = {{ pert = [0, 0.1, 0.3] }}\n{extra}",
            MIN.replace("ceiling = 0.8", "ceiling = { pert = [0.5, 0.8, 0.95] }")
        )
    }

    const CEILING: &str = r#"user_groups."Sales".adoption.ceiling"#;
    const UPLIFT: &str = r#"capabilities."Opportunities".uplift"#;
    const AMOUNT: &str = r#"costs."Integration".amount"#;
    const OVERRUN: &str = r#"costs."Integration".overrun"#;

    fn pair(a: &str, b: &str, rank: &str) -> String {
        format!("\n[[correlations]]\ninputs = ['{a}', '{b}']\nrank = {rank}\n")
    }

    #[test]
    fn correlations_are_read_with_their_names_and_ranks() {
        let text = with_correlations(&format!(
            "{}{}",
            pair(CEILING, UPLIFT, "0.5"),
            pair(AMOUNT, OVERRUN, "-0.25")
        ));
        let s = ok(&text);
        assert_eq!(s.correlations.len(), 2);
        assert_eq!(
            s.correlations[0].inputs,
            [CEILING.to_string(), UPLIFT.to_string()]
        );
        assert_eq!(s.correlations[0].rank, 0.5);
        assert_eq!(s.correlations[1].rank, -0.25);
        assert_eq!(
            s.correlations[1].location.map(|l| l.line),
            Some(
                text.rfind("[[correlations]]")
                    .map(|i| text[..i].matches('\n').count() as u32 + 1)
                    .unwrap()
            )
        );
        // Rank ±1 (always in the same order) is allowed, and consistent with a third input.
        ok(&with_correlations(&format!(
            "{}{}{}",
            pair(AMOUNT, OVERRUN, "1"),
            pair(AMOUNT, UPLIFT, "0.4"),
            pair(OVERRUN, UPLIFT, "0.4")
        )));
        // Without correlations the list is empty.
        assert!(ok(MIN).correlations.is_empty());
    }

    #[test]
    fn correlation_names_must_be_uncertain_inputs() {
        let text = with_correlations(&format!(
            "{}{}{}",
            pair(r#"capabilities."Oportunities".uplift"#, AMOUNT, "0.5"),
            pair(r#"roles."Rep".hourly_cost"#, AMOUNT, "0.5"),
            pair(r#"user_groups."Sales".data_quality"#, OVERRUN, "0.5")
        ));
        let d = errors(&text);
        let unknown = find(&d, "correlations[0].inputs[0]");
        assert!(
            unknown.message.contains("no uncertain input named"),
            "{unknown:?}"
        );
        assert_eq!(unknown.suggestion.as_deref(), Some(UPLIFT));
        assert!(
            unknown
                .allowed
                .as_deref()
                .unwrap()
                .contains("section.\"item name\".field")
        );
        let plain = find(&d, "correlations[1].inputs[0]");
        assert!(
            plain
                .message
                .contains("plain number 50: it has no distribution to correlate"),
            "{plain:?}"
        );
        let default = find(&d, "correlations[2].inputs[0]");
        assert!(
            default.message.contains("keeps its default, 1"),
            "{default:?}"
        );
        assert_eq!(d.len(), 3, "{d:#?}");
        // Quotes left out: the name meant is suggested.
        let d = errors(&with_correlations(&pair(
            "costs.Integration.amount",
            OVERRUN,
            "0.5",
        )));
        assert_eq!(d[0].suggestion.as_deref(), Some(AMOUNT));
        // An input with its own error is not reported again by the correlation.
        let d = errors(&with_correlations(&pair(AMOUNT, OVERRUN, "0.5")).replace(
            "overrun = { pert = [0, 0.1, 0.3] }",
            "overrun = { pert = [0.3, 0.1, 0] }",
        ));
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].field, OVERRUN);
    }

    #[test]
    fn correlation_entries_are_checked() {
        let text = with_correlations(&format!(
            "{}{}{}{}{}",
            pair(AMOUNT, AMOUNT, "0.5"),
            pair(AMOUNT, OVERRUN, "1.5"),
            pair(AMOUNT, OVERRUN, "0.5"),
            pair(OVERRUN, AMOUNT, "0.3"),
            "\n[[correlations]]\ninputs = ['a']\nrho = 0.5\n",
        ));
        let d = errors(&text);
        assert!(
            find(&d, "correlations[0].inputs[1]")
                .message
                .contains("twice")
        );
        assert!(
            find(&d, "correlations[1].rank")
                .message
                .contains("1.5 is out of range")
        );
        let dup = find(&d, "correlations[3]");
        assert!(
            dup.message.contains("is correlated twice: at line"),
            "{dup:?}"
        );
        assert!(
            find(&d, "correlations[4].inputs")
                .message
                .contains("exactly two inputs, found 1 name")
        );
        let rho = find(&d, "correlations[4].rho");
        assert_eq!(rho.suggestion.as_deref(), Some("rank"));
        // `rank` is not reported missing beside `rho`.
        assert!(
            d.iter().all(|x| x.field != "correlations[4].rank"),
            "{d:#?}"
        );
        for bad in ["nan", "inf", "-inf", "\"0.5\"", "{ pert = [0, 0.5, 1] }"] {
            let d = errors(&with_correlations(&pair(AMOUNT, OVERRUN, bad)));
            assert_eq!(d.len(), 1, "{bad}: {d:#?}");
            assert_eq!(d[0].field, "correlations[0].rank", "{bad}");
        }
        let d = errors(&with_correlations(
            "\n[[correlations]]\ninputs = [1, true]\nrank = 0.1\nextra = 1\n",
        ));
        assert_eq!(d.len(), 3, "{d:#?}");
        assert_eq!(
            find(&d, "correlations[0].extra").allowed.as_deref(),
            Some("inputs, rank")
        );
        // A misspelt section gets a suggestion.
        let d = errors(&format!("{MIN}\n[[correlation]]\ninputs = []\n"));
        assert_eq!(
            find(&d, "correlation").suggestion.as_deref(),
            Some("correlations")
        );
    }

    #[test]
    fn inconsistent_correlations_name_the_inputs_and_lines() {
        let text = with_correlations(&format!(
            "{}{}{}",
            pair(AMOUNT, OVERRUN, "0.9"),
            pair(OVERRUN, UPLIFT, "0.9"),
            pair(UPLIFT, AMOUNT, "-0.5"),
        ));
        let d = errors(&text);
        assert_eq!(d.len(), 1, "{d:#?}");
        let c = &d[0];
        assert_eq!(c.field, "correlations[2]");
        assert!(c.message.contains("cannot all hold at once"), "{c:?}");
        for name in [AMOUNT, OVERRUN, UPLIFT] {
            assert!(c.message.contains(name), "{name} in {c:?}");
        }
        assert!(c.message.contains("at rank -0.5 (line"), "{c:?}");
        assert!(c.allowed.as_deref().unwrap().contains("weaken"));
        // A chain of strong correlations with its ends left independent.
        let d = errors(&with_correlations(&format!(
            "{}{}",
            pair(AMOUNT, OVERRUN, "0.95"),
            pair(OVERRUN, UPLIFT, "0.95"),
        )));
        assert!(
            d[0].message
                .contains("pairs not listed are independent (rank 0)"),
            "{d:#?}"
        );
        // Rank 1 ties two inputs: they must relate alike to a third.
        let d = errors(&with_correlations(&format!(
            "{}{}{}",
            pair(AMOUNT, OVERRUN, "1"),
            pair(AMOUNT, UPLIFT, "0.5"),
            pair(OVERRUN, UPLIFT, "0.2"),
        )));
        assert_eq!(d.len(), 1, "{d:#?}");
    }

    #[test]
    fn a_long_chain_of_moderate_correlations_is_refused_briefly() {
        // Each overrun at rank 0.5 with the next and independent of the others: impossible
        // beyond about a dozen links. The message names the inputs but stays short.
        let mut text = MIN.to_string();
        let n = 40;
        for i in 0..n {
            text += &format!(
                "\n[[costs]]\nname = \"C{i}\"\ncategory = \"other\"\nkind = \"one_off\"\namount = 1000\noverrun = {{ pert = [0, 0.1, 0.3] }}\n"
            );
        }
        for i in 1..n {
            text += &pair(
                &format!("costs.\"C{}\".overrun", i - 1),
                &format!("costs.\"C{i}\".overrun"),
                "0.5",
            );
        }
        let d = errors(&text);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert!(
            d[0].message
                .contains("pairs not listed are independent (rank 0)")
        );
        assert!(d[0].message.contains(" more"), "{}", d[0].message);
        assert!(d[0].message.len() < 3_000, "{}", d[0].message.len());
        // Fewer links fit.
        let short: String = text
            .split("\n[[correlations]]")
            .take(8)
            .collect::<Vec<_>>()
            .join("\n[[correlations]]");
        assert_eq!(ok(&short).correlations.len(), 7);
    }

    #[test]
    fn error_display_has_file_line_column() {
        let e = parse_str(
            &MIN.replace("seats = 10", "seat = 10"),
            Some(Path::new("case.toml")),
        )
        .unwrap_err();
        let shown = e.to_string();
        assert!(
            shown.contains(
                r#"error: case.toml:18:1: user_groups."Sales".seat: unknown field `seat`"#
            ),
            "{shown}"
        );
        assert!(shown.contains("help: did you mean `seats`?"), "{shown}");
    }

    #[test]
    fn parse_file_reports_file_problems_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        let one = |p: &Path| -> Diagnostic {
            let e = parse_file(p).unwrap_err();
            assert_eq!(e.file.as_deref(), Some(p));
            assert_eq!(e.diagnostics.len(), 1, "{e}");
            e.diagnostics[0].clone()
        };
        // Missing file.
        assert!(
            one(&dir.path().join("nope.toml"))
                .message
                .contains("not found")
        );
        // A directory.
        assert!(one(dir.path()).message.contains("directory"));
        // Empty file.
        let empty = dir.path().join("empty.toml");
        fs::write(&empty, b"").unwrap();
        assert!(one(&empty).message.contains("empty"));
        // Not UTF-8: Latin-1 é on line 2.
        let latin = dir.path().join("latin1.toml");
        fs::write(&latin, b"[scenario]\nname = \"Caf\xe9\"\n").unwrap();
        let d = one(&latin);
        assert!(d.message.contains("0xE9"), "{}", d.message);
        assert!(d.message.contains("byte 22"), "{}", d.message);
        assert_eq!(d.location, at(2, 12));
        // UTF-16.
        let utf16 = dir.path().join("utf16.toml");
        fs::write(&utf16, b"\xff\xfe[\x00s\x00").unwrap();
        assert!(one(&utf16).message.contains("UTF-16"));
        // Too large (a sparse file: nothing is read).
        let big = dir.path().join("big.toml");
        File::create(&big)
            .unwrap()
            .set_len(MAX_FILE_BYTES + 1)
            .unwrap();
        let d = one(&big);
        assert!(
            d.message.contains(&(MAX_FILE_BYTES + 1).to_string()),
            "{}",
            d.message
        );
        assert!(d.message.contains("10 MiB"), "{}", d.message);
        // A valid file returns its bytes; its errors carry the path.
        let good = dir.path().join("good.toml");
        fs::write(&good, MIN).unwrap();
        let (s, bytes) = parse_file(&good).unwrap();
        assert_eq!(bytes, MIN.as_bytes());
        assert_eq!(s.meta.name, "Test");
        let bad = dir.path().join("bad.toml");
        fs::write(&bad, MIN.replace("0.1\n", "2\n")).unwrap();
        let e = parse_file(&bad).unwrap_err();
        assert_eq!(e.file.as_deref(), Some(bad.as_path()));
    }

    #[cfg(unix)]
    #[test]
    fn unreadable_file_is_an_error_not_a_panic() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("locked.toml");
        fs::write(&p, MIN).unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o000)).unwrap();
        // Root can read anything; then the file simply parses.
        match parse_file(&p) {
            Ok(_) => {}
            Err(e) => assert!(e.diagnostics[0].message.contains("cannot read"), "{e}"),
        }
    }
}

#[cfg(test)]
mod doc_tests {
    use super::*;

    const DOC: &str = include_str!("../../docs/SCENARIO.md");

    fn blocks() -> Vec<&'static str> {
        DOC.split("```toml\n")
            .skip(1)
            .map(|b| b.split("```").next().unwrap_or(""))
            .collect()
    }

    fn group(name: &str, adoption: &str) -> String {
        format!("\n[[user_groups]]\nname = \"{name}\"\nseats = 100\ngo_live_month = 6\n{adoption}")
    }

    /// Every TOML example in docs/SCENARIO.md is valid TOML, and the examples put together
    /// make valid scenarios.
    #[test]
    fn scenario_reference_examples_parse() {
        let blocks = blocks();
        assert!(blocks.len() >= 12);
        for b in &blocks {
            assert!(
                DeTable::parse(b).is_ok(),
                "invalid TOML in docs/SCENARIO.md:\n{b}"
            );
        }
        let first = |prefix: &str| -> &str {
            blocks
                .iter()
                .find(|b| b.starts_with(prefix))
                .unwrap_or_else(|| panic!("no example starting with {prefix}"))
        };
        let baselines: Vec<&str> = blocks
            .iter()
            .copied()
            .filter(|b| b.starts_with("[baseline]"))
            .collect();
        let mut all = String::new();
        all += first("[scenario]");
        all += baselines[0];
        all += first("[[roles]]");
        all += first("[[user_groups]]");
        for (i, b) in blocks
            .iter()
            .filter(|b| b.starts_with("[user_groups.adoption]"))
            .enumerate()
        {
            all += &group(&format!("Extra {i}"), b);
        }
        all += &group(
            "Wave 4 - Marketing",
            "[user_groups.adoption]\ncurve = \"linear\"\nceiling = 0.8\nramp_months = 6\n",
        );
        for prefix in [
            "[[capabilities]]",
            "[[levers]]",
            "[[costs]]",
            "[[risks]]",
            "[[correlations]]",
        ] {
            all += first(prefix);
        }
        let s = parse_str(&all, None).unwrap_or_else(|e| panic!("{e}\n{all}"));
        assert_eq!(s.capabilities.len(), Driver::ALL.len());
        assert_eq!(s.correlations.len(), 2);
        let curves = ["logistic", "bass", "gompertz", "linear", "table"];
        for c in curves {
            assert!(all.contains(&format!("curve = \"{c}\"")), "no {c} example");
        }

        let funnel = format!(
            "{}{}{}{}\n[[capabilities]]\nname = \"x\"\ndriver = \"win_rate\"\nuplift = 0.05\n",
            first("[scenario]"),
            baselines[1],
            first("[[roles]]"),
            first("[[user_groups]]"),
        );
        let s = parse_str(&funnel, None).unwrap_or_else(|e| panic!("{e}\n{funnel}"));
        assert!(matches!(
            s.baseline.new_business,
            Some(NewBusiness::Funnel(_))
        ));
    }
}

#[cfg(test)]
mod robustness {
    use super::*;
    use proptest::prelude::*;

    const REFERENCE: &str = include_str!("../../scenarios/hightech-change-programme.toml");

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        /// Damaging a valid scenario anywhere gives errors (or a scenario), never a panic, and
        /// every located error points inside the text.
        #[test]
        fn damaged_scenarios_never_panic(start in 0usize..REFERENCE.len(), len in 0usize..40, insert in "[ -~é—\n]{0,8}") {
            let mut start = start;
            while !REFERENCE.is_char_boundary(start) {
                start -= 1;
            }
            let mut end = (start + len).min(REFERENCE.len());
            while !REFERENCE.is_char_boundary(end) {
                end -= 1;
            }
            let text = format!("{}{}{}", &REFERENCE[..start], insert, &REFERENCE[end..]);
            if let Err(e) = parse_str(&text, None) {
                prop_assert!(!e.diagnostics.is_empty());
                let lines = text.lines().count() as u32 + 1;
                for d in &e.diagnostics {
                    if let Some(l) = d.location {
                        prop_assert!(l.line >= 1 && l.line <= lines && l.column >= 1, "{d:?}");
                    }
                }
            }
        }

        /// Arbitrary text never panics either.
        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
            let _ = parse_str(&text, None);
        }
    }
}
