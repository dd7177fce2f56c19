//! A hybrid of two versions of a scenario: the old version with some of the changes taken
//! from the new one. Every item keeps its stable input names, so a hybrid draws the same
//! numbers as both versions for every input it shares with them.
//!
//! Items refer to each other by index (a capability to its user groups, a group to its role,
//! a lever to its groups and risks); a hybrid's items come from either version, so every
//! reference is read as a name in its own version and found again by name in the hybrid. A
//! reference to an item the hybrid does not have is dropped (a capability of a group not yet
//! added acts on the groups it has); correlations keep the pairs whose two inputs the hybrid
//! has and draws at random (dropping an input drops all its pairs, so the rest stays a
//! consistent correlation matrix).

use std::collections::HashSet;

use crate::scenario::{CostSchedule, Scenario};

use super::changes::{Change, List, Target};

/// The old scenario with the changes `taken` applied from the new one.
pub(super) fn hybrid(old: &Scenario, new: &Scenario, taken: &[&Change]) -> Scenario {
    let takes = |t: &Target| taken.iter().any(|c| c.target == *t);
    let mut s = old.clone();
    if takes(&Target::Meta("horizon_months")) {
        s.meta.horizon_months = new.meta.horizon_months;
    }
    if takes(&Target::Meta("discount_rate")) {
        s.meta.discount_rate = new.meta.discount_rate;
    }
    let b = &new.baseline;
    for field in super::changes::BASELINE_FIELDS {
        if !takes(&Target::Baseline(field)) {
            continue;
        }
        let h = &mut s.baseline;
        match field {
            "new_business" => h.new_business = b.new_business.clone(),
            "installed_base_revenue" => h.installed_base_revenue = b.installed_base_revenue.clone(),
            "growth" => h.growth = b.growth.clone(),
            "gross_margin" => h.gross_margin = b.gross_margin.clone(),
            "churn" => h.churn = b.churn.clone(),
            "cost_to_serve" => h.cost_to_serve = b.cost_to_serve.clone(),
            "marketing_spend" => h.marketing_spend = b.marketing_spend.clone(),
            "sales_cycle_months" => h.sales_cycle_months = b.sales_cycle_months.clone(),
            _ => {}
        }
    }
    // Which version each item of each list comes from, in the new version's order, then the
    // old version's items the new one does not have.
    let pick = |list: List| -> Vec<(bool, usize)> {
        let (on, nn) = (list.names(old), list.names(new));
        let mut names: Vec<&str> = nn.clone();
        names.extend(on.iter().filter(|n| !nn.contains(n)));
        names
            .into_iter()
            .filter_map(|name| {
                let from_new = takes(&Target::Item(list, name.to_string()));
                let (names, is_new) = if from_new { (&nn, true) } else { (&on, false) };
                names.iter().position(|x| *x == name).map(|i| (is_new, i))
            })
            .collect()
    };
    let source = |is_new: bool| if is_new { new } else { old };
    let roles = pick(List::Roles);
    let groups = pick(List::UserGroups);
    let risks = pick(List::Risks);
    s.roles = roles
        .iter()
        .map(|&(v, i)| source(v).roles[i].clone())
        .collect();
    s.risks = risks
        .iter()
        .map(|&(v, i)| source(v).risks[i].clone())
        .collect();
    let role_names: Vec<String> = s.roles.iter().map(|r| r.name.clone()).collect();
    let group_names: Vec<String> = groups
        .iter()
        .map(|&(v, i)| source(v).user_groups[i].name.clone())
        .collect();
    let risk_names: Vec<String> = s.risks.iter().map(|r| r.name.clone()).collect();
    // An index into `from`'s list, as an index into the hybrid's (by name).
    let find = |names: &[String], name: &str| names.iter().position(|n| n == name);
    let group_of = |from: &Scenario, g: usize| {
        from.user_groups
            .get(g)
            .and_then(|x| find(&group_names, &x.name))
    };
    let regroup = |from: &Scenario, list: &[usize]| -> Vec<usize> {
        list.iter().filter_map(|&g| group_of(from, g)).collect()
    };
    let reschedule = |from: &Scenario, sched: &mut CostSchedule| match sched {
        CostSchedule::PerSeatMonthly { groups, .. }
        | CostSchedule::PerSeatOneOff { groups, .. } => {
            *groups = regroup(from, groups);
        }
        CostSchedule::OneOff { .. } | CostSchedule::Monthly { .. } => {}
    };
    s.user_groups = groups
        .iter()
        .map(|&(v, i)| {
            let from = source(v);
            let mut g = from.user_groups[i].clone();
            g.role = g
                .role
                .and_then(|r| from.roles.get(r))
                .and_then(|r| find(&role_names, &r.name));
            g
        })
        .collect();
    s.capabilities = pick(List::Capabilities)
        .into_iter()
        .map(|(v, i)| {
            let from = source(v);
            let mut c = from.capabilities[i].clone();
            c.used_by = regroup(from, &c.used_by);
            c
        })
        .collect();
    s.levers = pick(List::Levers)
        .into_iter()
        .map(|(v, i)| {
            let from = source(v);
            let mut l = from.levers[i].clone();
            l.applies_to = regroup(from, &l.applies_to);
            for c in &mut l.costs {
                reschedule(from, &mut c.schedule);
            }
            l.effects.risks.retain_mut(|e| {
                let found = from
                    .risks
                    .get(e.risk)
                    .and_then(|r| find(&risk_names, &r.name));
                if let Some(k) = found {
                    e.risk = k;
                }
                found.is_some()
            });
            l
        })
        .collect();
    s.costs = pick(List::Costs)
        .into_iter()
        .map(|(v, i)| {
            let from = source(v);
            let mut c = from.costs[i].clone();
            reschedule(from, &mut c.schedule);
            c
        })
        .collect();
    let correlations = if takes(&Target::Correlations) {
        &new.correlations
    } else {
        &old.correlations
    };
    // Inputs the hybrid draws at random, risk occurrences included.
    let random: HashSet<String> = s
        .input_entries()
        .into_iter()
        .filter(|e| !e.input.is_fixed())
        .map(|e| e.input.name.clone())
        .collect();
    s.correlations = correlations
        .iter()
        .filter(|c| c.inputs.iter().all(|n| random.contains(n)))
        .cloned()
        .collect();
    s
}
