//! `[[correlations]]`: rank correlations between uncertain inputs, checked against the inputs
//! the rest of the file defines (docs/SCENARIO.md, "Correlated inputs").
//!
//! Each entry names two inputs by their stable names and gives a Spearman rank correlation.
//! Every problem is reported, located: an unknown name (with the closest uncertain input), a
//! fixed input (nothing to correlate), the same input twice, the same pair twice, a rank
//! outside [-1, 1], and a set of correlations that cannot hold together (naming the inputs
//! and lines involved).

use std::collections::{HashMap, HashSet};

use toml::de::DeValue;
use unicode_normalization::UnicodeNormalization;

use crate::dist::copula::{self as correlation, BlockError, MAX_BLOCK};

use crate::scenario::diagnostic::Diagnostic;
use crate::scenario::read::{Bounds, Reader, Table, Value, fmt_num, is_invisible, kind_name};
use crate::scenario::types::{Correlation, Dist, Location, Scenario, Uncertain};

const INPUTS_ALLOWED: &str = "inputs = ['first input', 'second input']: the stable names of two \
     different uncertain inputs, in single quotes (docs/SCENARIO.md, section 11)";

const RANK_NOTE: &str = "a Spearman rank correlation: 0 = independent, 1 = always in the same \
     order, -1 = always in opposite order";

/// Other words used for the coefficient, answered with "write `rank`".
const RANK_ALIASES: [&str; 8] = [
    "rho",
    "correlation",
    "coefficient",
    "spearman",
    "pearson",
    "value",
    "r",
    "corr",
];

/// Uncertain inputs listed by name in an "unknown input" message, at most.
const LISTED: usize = 8;

/// Correlations (and missing pairs) listed in an "cannot hold together" message, at most.
const SHOWN: usize = 12;

/// An entry that passed its own checks.
struct Entry<'s> {
    path: String,
    inputs: [&'s str; 2],
    rank: f64,
    location: Option<Location>,
}

/// The scenario's inputs, by stable name.
struct Inputs<'s> {
    by_name: HashMap<&'s str, &'s Uncertain>,
    /// Names of the inputs that have a distribution, in file order.
    uncertain: Vec<&'s str>,
    /// The uncertain inputs by [`loose`] name (`None` where two share one).
    by_loose_name: HashMap<String, Option<&'s str>>,
}

/// Read every `[[correlations]]` entry of `root`, checked against the inputs of `scenario`.
pub(in crate::scenario) fn parse_correlations(
    root: &mut Table<'_>,
    r: &Reader<'_>,
    scenario: &Scenario,
) -> Vec<Correlation> {
    let tables = root.tables("correlations");
    if tables.is_empty() {
        return Vec::new();
    }
    // A risk's occurrence is drawn like an input (`bernoulli = probability`, see
    // `Model::compile`), so it can be correlated under the same stable name.
    let occurrences: Vec<Uncertain> = scenario
        .risks
        .iter()
        .map(|risk| Uncertain {
            name: risk.occurrence_name(),
            dist: Dist::Bernoulli {
                p: risk.probability,
            },
            truncate: None,
            location: None,
        })
        .collect();
    let mut all = scenario.inputs();
    all.extend(&occurrences);
    let mut by_name: HashMap<&str, &Uncertain> = HashMap::new();
    for u in &all {
        by_name.entry(u.name.as_str()).or_insert(u);
    }
    let uncertain: Vec<&str> = all
        .iter()
        .filter(|u| !u.is_fixed())
        .map(|u| u.name.as_str())
        .collect();
    let mut by_loose_name: HashMap<String, Option<&str>> = HashMap::new();
    for &name in &uncertain {
        by_loose_name
            .entry(loose(name))
            .and_modify(|one| *one = None)
            .or_insert(Some(name));
    }
    let inputs = Inputs {
        by_name,
        uncertain,
        by_loose_name,
    };

    let mut entries: Vec<Entry> = Vec::new();
    let mut seen: HashMap<(&str, &str), u32> = HashMap::new();
    for mut t in tables {
        let location = t.location();
        let path = t.path().to_string();
        let names = read_inputs(&mut t, r, &inputs);
        let rank = read_rank(&mut t);
        t.finish();
        let (Some([a, b]), Some(rank)) = (names, rank) else {
            continue;
        };
        let line = location.map_or(0, |l| l.line);
        let key = if a <= b { (a, b) } else { (b, a) };
        if let Some(&first) = seen.get(&key) {
            r.report(
                Diagnostic::new(
                    path,
                    format!(
                        "the pair `{a}` and `{b}` is correlated twice: at line {first} and again at line {line}"
                    ),
                )
                .at(location)
                .allowed("one [[correlations]] entry for each pair of inputs"),
            );
            continue;
        }
        seen.insert(key, line);
        entries.push(Entry {
            path,
            inputs: [a, b],
            rank,
            location,
        });
    }
    check_consistency(r, &entries);
    entries
        .into_iter()
        .map(|e| Correlation {
            inputs: [e.inputs[0].to_string(), e.inputs[1].to_string()],
            rank: e.rank,
            location: e.location,
        })
        .collect()
}

/// The two input names of an entry, each an uncertain input of the scenario.
fn read_inputs<'s>(t: &mut Table<'_>, r: &Reader<'_>, inputs: &Inputs<'s>) -> Option<[&'s str; 2]> {
    let v = t.required("inputs", INPUTS_ALLOWED)?;
    if !matches!(v.raw(), DeValue::Array(_)) {
        v.report(
            v.diag(format!(
                "expected a list of two input names, found {}",
                kind_name(v.raw())
            ))
            .allowed(INPUTS_ALLOWED),
        );
        return None;
    }
    let items = v.array()?;
    let mut ok = true;
    if items.len() != 2 {
        ok = false;
        v.report(
            v.diag(format!(
                "a correlation links exactly two inputs, found {} name{}",
                items.len(),
                if items.len() == 1 { "" } else { "s" }
            ))
            .allowed(format!(
                "{INPUTS_ALLOWED}; write one [[correlations]] entry for each pair of inputs"
            )),
        );
    }
    let mut texts: Vec<Option<&str>> = Vec::new();
    for item in &items {
        match item.raw() {
            DeValue::String(s) => texts.push(Some(s.as_ref())),
            other => {
                ok = false;
                texts.push(None);
                item.report(
                    item.diag(format!(
                        "expected an input name in quotes, found {}",
                        kind_name(other)
                    ))
                    .allowed(INPUTS_ALLOWED),
                );
            }
        }
    }
    if let [Some(a), Some(b)] = texts.as_slice()
        && a == b
    {
        items[1].report(
            items[1]
                .diag(format!(
                    "the correlation names `{a}` twice: an input is always perfectly correlated with itself"
                ))
                .allowed("two different inputs; write one [[correlations]] entry for each pair"),
        );
        resolve(&items[0], r, a, inputs);
        return None;
    }
    let mut names = Vec::new();
    for (item, text) in items.iter().zip(&texts) {
        if let Some(text) = text {
            match resolve(item, r, text, inputs) {
                Some(name) => names.push(name),
                None => ok = false,
            }
        }
    }
    match (ok, names.as_slice()) {
        (true, &[a, b]) => Some([a, b]),
        _ => None,
    }
}

/// The stable name of the uncertain input `name`, or a reported problem.
fn resolve<'s>(
    item: &Value<'_>,
    r: &Reader<'_>,
    name: &str,
    inputs: &Inputs<'s>,
) -> Option<&'s str> {
    if let Some((&key, u)) = inputs.by_name.get_key_value(name)
        && !u.is_fixed()
    {
        return Some(key);
    }
    // An input whose own value is wrong is reported there; it is not unknown or fixed here.
    if r.has_problem_at(name) {
        return None;
    }
    let nothing_to_correlate = "an input with a distribution; give this one a distribution where \
         it is written (e.g. { pert = [min, most likely, max] }) or leave it out of the correlation";
    match inputs.by_name.get(name) {
        Some(u) => {
            let value = match u.dist {
                Dist::Fixed(v) => fmt_num(v),
                _ => "a fixed value".to_string(),
            };
            let message = if u.location.is_some() {
                format!("`{name}` is the plain number {value}: it has no distribution to correlate")
            } else {
                format!(
                    "`{name}` is not written in the scenario and keeps its default, {value}: it has no distribution to correlate"
                )
            };
            item.report(item.diag(message).allowed(nothing_to_correlate));
        }
        None => {
            let mut d = item
                .diag(format!("there is no uncertain input named `{name}`"))
                .allowed(naming_rules(&inputs.uncertain));
            if let Some(s) = suggestion(r, name, inputs) {
                d = d.suggest(s);
            }
            item.report(d);
        }
    }
    None
}

/// How names are formed, and this scenario's uncertain inputs.
fn naming_rules(uncertain: &[&str]) -> String {
    let rules = "the stable name of an input that has a distribution: its field path, \
         section.\"item name\".field, e.g. 'user_groups.\"Sales\".adoption.ceiling', \
         'costs.\"Licences\".amount' or 'baseline.growth', or a risk's occurrence, \
         'risks.\"Go-live slips\".occurs', written in single quotes (docs/SCENARIO.md, section 11)";
    if uncertain.is_empty() {
        return format!("{rules}; this scenario has no uncertain inputs yet");
    }
    let shown: Vec<String> = uncertain
        .iter()
        .take(LISTED)
        .map(|n| format!("`{n}`"))
        .collect();
    let more = match uncertain.len().saturating_sub(LISTED) {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    format!(
        "{rules}; this scenario's uncertain inputs: {}{more}",
        shown.join(", ")
    )
}

/// The uncertain input probably meant: the same name but for quotes, spaces, case, invisible
/// characters and Unicode form, else the closest spelling.
fn suggestion(r: &Reader<'_>, name: &str, inputs: &Inputs<'_>) -> Option<String> {
    if let Some(Some(one)) = inputs.by_loose_name.get(&loose(name)) {
        return Some((*one).to_string());
    }
    r.did_you_mean(name, inputs.uncertain.iter().copied())
}

/// A stable name without quotes, spaces, backslashes and invisible characters, in NFC and
/// lower case: what a reference is compared by when it is not found as written.
fn loose(name: &str) -> String {
    let kept: String = name
        .chars()
        .filter(|&c| !matches!(c, '"' | '\'' | '`' | ' ' | '\\') && !is_invisible(c))
        .nfc()
        .collect();
    kept.to_lowercase()
}

/// The rank of an entry, in [-1, 1].
fn read_rank(t: &mut Table<'_>) -> Option<f64> {
    if !t.has("rank") {
        for alias in RANK_ALIASES {
            if t.has(alias) {
                let message = format!(
                    "unknown field `{alias}` in `{}`: a correlation's coefficient is written `rank`",
                    t.path()
                );
                t.know("rank");
                t.reject_suggesting(
                    alias,
                    message,
                    format!("inputs, rank; rank is {RANK_NOTE}"),
                    "rank",
                );
                return None;
            }
        }
    }
    t.required_number("rank", &Bounds::closed(-1.0, 1.0).with_note(RANK_NOTE))
}

/// The first `n` items joined with "; ", and how many more there are.
fn at_most(items: Vec<String>, n: usize) -> String {
    let more = items.len().saturating_sub(n);
    let mut text = items.into_iter().take(n).collect::<Vec<_>>().join("; ");
    if more > 0 {
        text.push_str(&format!("; and {more} more"));
    }
    text
}

/// Refuse sets of correlations that cannot hold together, or that link too many inputs.
fn check_consistency(r: &Reader<'_>, entries: &[Entry<'_>]) {
    if entries.is_empty() {
        return;
    }
    let mut names: Vec<&str> = entries.iter().flat_map(|e| e.inputs).collect();
    names.sort_unstable();
    names.dedup();
    let id: HashMap<&str, usize> = names.iter().enumerate().map(|(i, &n)| (n, i)).collect();
    let pairs: Vec<(usize, usize, f64)> = entries
        .iter()
        .filter_map(|e| Some((*id.get(e.inputs[0])?, *id.get(e.inputs[1])?, e.rank)))
        .collect();
    for block in correlation::blocks(&pairs, |i| names[i]) {
        let (members, too_large) = match block {
            Ok(_) => continue,
            Err(BlockError::TooLarge(m)) => (m, true),
            Err(BlockError::Inconsistent(m)) => (m, false),
        };
        let inside: Vec<&str> = members.iter().map(|&i| names[i]).collect();
        let members_set: HashSet<&str> = inside.iter().copied().collect();
        let mut involved: Vec<&Entry> = entries
            .iter()
            .filter(|e| members_set.contains(e.inputs[0]) && members_set.contains(e.inputs[1]))
            .collect();
        involved.sort_by_key(|e| e.location.map(|l| (l.line, l.column)));
        let (Some(first), Some(last)) = (involved.first(), involved.last()) else {
            continue;
        };
        if too_large {
            r.report(
                Diagnostic::new(
                    first.path.clone(),
                    format!(
                        "{} inputs are linked to each other by correlations (directly or through other inputs); at most {MAX_BLOCK} can be",
                        inside.len()
                    ),
                )
                .at(first.location)
                .allowed(format!(
                    "at most {MAX_BLOCK} inputs in one group of correlated inputs: correlate fewer inputs, or keep them in separate groups"
                )),
            );
            continue;
        }
        let line = |e: &Entry| {
            e.location
                .map_or(String::new(), |l| format!(" (line {})", l.line))
        };
        let listed: Vec<String> = involved
            .iter()
            .map(|e| {
                format!(
                    "`{}` and `{}` at rank {}{}",
                    e.inputs[0],
                    e.inputs[1],
                    fmt_num(e.rank),
                    line(e)
                )
            })
            .collect();
        let given: HashSet<(&str, &str)> = involved
            .iter()
            .flat_map(|e| [(e.inputs[0], e.inputs[1]), (e.inputs[1], e.inputs[0])])
            .collect();
        let mut missing = Vec::new();
        for (i, &a) in inside.iter().enumerate() {
            for &b in &inside[i + 1..] {
                if !given.contains(&(a, b)) {
                    missing.push(format!("`{a}` and `{b}`"));
                }
            }
        }
        let (listed, missing) = (at_most(listed, SHOWN), at_most(missing, SHOWN));
        let mut message = format!(
            "these correlations cannot all hold at once (their correlation matrix is not positive semi-definite): {}",
            listed
        );
        let mut allowed = "correlations that fit together: weaken these (move rank towards 0), or \
             change the one that contradicts the others; e.g. if A rises with B and B with C, A \
             cannot fall as C rises"
            .to_string();
        if !missing.is_empty() {
            message.push_str(&format!(
                "; pairs not listed are independent (rank 0): {missing}"
            ));
            allowed.push_str(
                "; strong correlations along a chain also tie its ends: list those pairs too, with a rank that fits",
            );
        }
        r.report(
            Diagnostic::new(last.path.clone(), message)
                .at(last.location)
                .allowed(allowed),
        );
    }
}
