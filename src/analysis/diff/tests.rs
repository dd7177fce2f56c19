use super::*;
use crate::scenario::parse_str;

const NO_PROGRAMME: &str = include_str!("../../../scenarios/hightech-no-change-programme.toml");
const PROGRAMME: &str = include_str!("../../../scenarios/hightech-change-programme.toml");

fn identity(s: &Scenario, file: &str) -> ScenarioIdentity {
    ScenarioIdentity::new(&s.meta, Some(file.to_string()), "0".repeat(64))
}

fn spec(trials: u64) -> RunSpec {
    RunSpec {
        seed: 42,
        first_trial: 0,
        trials,
    }
}

fn run_diff(old: &Scenario, new: &Scenario, trials: u64) -> Diff {
    let (a, b) = (identity(old, "old.toml"), identity(new, "new.toml"));
    diff(
        Version {
            scenario: old,
            identity: &a,
        },
        Version {
            scenario: new,
            identity: &b,
        },
        spec(trials),
        &|_| {},
    )
    .expect("diff runs")
}

fn sum(items: &[DiffItem]) -> DiffFigures {
    let mut s = DiffFigures::default();
    for i in items {
        s.mean_npv += i.mean_npv;
        s.p50_npv += i.p50_npv;
        s.prob_npv_positive += i.prob_npv_positive;
    }
    s
}

fn close(a: f64, b: f64, scale: f64) -> bool {
    (a - b).abs() <= 1e-9 * scale.abs().max(1.0)
}

/// The shipped pair: the three levers are what changed, their shares are positive and add up
/// to the total, which is the change the two versions' own runs show.
#[test]
fn the_pair_is_attributed_to_its_levers_and_the_parts_sum_to_the_total() {
    let old = parse_str(NO_PROGRAMME, None).expect("parses");
    let new = parse_str(PROGRAMME, None).expect("parses");
    let d = run_diff(&old, &new, 600);
    let items: Vec<&str> = d.items.iter().map(|i| i.item.as_str()).collect();
    assert_eq!(
        items,
        [
            r#"levers."Communication programme""#,
            r#"levers."Performance appraisal on CRM KPIs""#,
            r#"levers."Role-based training and floor support""#,
        ]
    );
    assert!(d.items.iter().all(|i| i.change == "added"));
    let labels: Vec<&str> = d.unattributed.iter().map(|i| i.item.as_str()).collect();
    assert_eq!(labels, ["scenario.description", "scenario.name"]);
    assert_eq!(
        (d.method.as_str(), d.sub_runs, d.orders),
        ("exact", 8, None)
    );
    let total = sum(&d.items);
    assert!(
        close(total.mean_npv, d.total.mean_npv, d.total.mean_npv),
        "{total:?} {:?}",
        d.total
    );
    assert!(close(total.p50_npv, d.total.p50_npv, d.total.p50_npv));
    assert!(close(
        total.prob_npv_positive,
        d.total.prob_npv_positive,
        1.0
    ));
    for i in &d.items {
        assert!(i.mean_npv > 0.0, "{}: {}", i.item, i.mean_npv);
    }
    // The total is the new version's mean NPV minus the old one's, same trials, same seed.
    let mean = |s: &Scenario| {
        let npv = engine::npvs(&Model::compile(s), spec(600));
        npv.iter().sum::<f64>() / 600.0
    };
    assert_eq!(d.old_figures.mean_npv, mean(&old));
    assert_eq!(d.new_figures.mean_npv, mean(&new));
    assert!(d.total.mean_npv > 0.0);
}

/// Swapping the versions swaps the sign of every attribution.
#[test]
fn the_reverse_diff_has_the_opposite_sign() {
    let old = parse_str(NO_PROGRAMME, None).expect("parses");
    let new = parse_str(PROGRAMME, None).expect("parses");
    let (forward, back) = (run_diff(&old, &new, 300), run_diff(&new, &old, 300));
    assert_eq!(forward.total.mean_npv, -back.total.mean_npv);
    assert!(back.items.iter().all(|i| i.change == "removed"));
    for (f, b) in forward.items.iter().zip(&back.items) {
        assert_eq!(f.item, b.item);
        assert!(
            close(f.mean_npv, -b.mean_npv, f.mean_npv),
            "{} {}",
            f.mean_npv,
            b.mean_npv
        );
    }
}

/// A file against itself: nothing changed, every figure exactly zero.
#[test]
fn a_scenario_against_itself_changes_nothing() {
    let s = parse_str(PROGRAMME, None).expect("parses");
    let d = run_diff(&s, &s, 200);
    assert!(d.items.is_empty() && d.unattributed.is_empty());
    assert_eq!(d.total, DiffFigures::default());
    assert_eq!(d.old_figures, d.new_figures);
}

/// A hybrid with every change is the new version, with none the old one: the same numbers,
/// trial by trial.
#[test]
fn hybrids_at_the_ends_are_the_versions() {
    let old = parse_str(NO_PROGRAMME, None).expect("parses");
    let new = parse_str(PROGRAMME, None).expect("parses");
    let (moving, _) = changes(&old, &new);
    let all: Vec<&Change> = moving.iter().collect();
    let bits = |s: &Scenario| -> Vec<u64> {
        engine::npvs(&Model::compile(s), spec(300))
            .iter()
            .map(|v| v.to_bits())
            .collect()
    };
    assert!(bits(&hybrid::hybrid(&old, &new, &all)) == bits(&new));
    assert!(bits(&hybrid::hybrid(&old, &new, &[])) == bits(&old));
}

/// A change deep in an item is found and said by stable input name; references are compared
/// by name, so reordering the user groups changes nothing.
#[test]
fn changes_are_listed_by_stable_name() {
    let old = parse_str(crate::scenario::BUILT_IN, None).expect("parses");
    let text = crate::scenario::BUILT_IN.replace(
        "uplift = { pert = [0.01, 0.05, 0.12] }",
        "uplift = { pert = [0.02, 0.06, 0.12] }",
    );
    assert_ne!(text, crate::scenario::BUILT_IN);
    let new = parse_str(
        &text.replace("discount_rate = 0.10", "discount_rate = 0.08"),
        None,
    )
    .expect("parses");
    let (moving, labels) = changes(&old, &new);
    assert!(labels.is_empty(), "{labels:?}");
    let items: Vec<&str> = moving.iter().map(|c| c.item.as_str()).collect();
    assert_eq!(
        items,
        [
            "scenario.discount_rate",
            r#"capabilities."Opportunity management""#
        ]
    );
    assert_eq!(
        moving[1].details,
        [
            r#"capabilities."Opportunity management".uplift: pert [0.01, 0.05, 0.12] → pert [0.02, 0.06, 0.12]"#
        ]
    );
    assert_eq!(moving[0].details, ["scenario.discount_rate: 0.1 → 0.08"]);
}

/// A hybrid with an item whose references point at items it does not have drops those
/// references and still compiles and runs: a capability of a group that is not there acts
/// on nothing.
#[test]
fn hybrids_drop_references_to_missing_items() {
    let old = parse_str(crate::scenario::BUILT_IN, None).expect("parses");
    let mut text = crate::scenario::BUILT_IN.to_string();
    text.push_str(
        "\n[[user_groups]]\nname = \"Partners\"\nseats = 40\ngo_live_month = 20\n\
         [user_groups.adoption]\ncurve = \"linear\"\nceiling = 0.5\nramp_months = 6\n\
         \n[[capabilities]]\nname = \"Partner portal\"\nused_by = [\"Partners\"]\n\
         driver = \"direct_value\"\nannual_value = { pert = [100_000, 300_000, 600_000] }\n",
    );
    let new = parse_str(&text, None).expect("parses");
    let (moving, _) = changes(&old, &new);
    // The group, the capability, and the two per-seat costs of every group, which now
    // include the new one.
    let items: Vec<&str> = moving.iter().map(|c| c.item.as_str()).collect();
    assert_eq!(
        items,
        [
            r#"user_groups."Partners""#,
            r#"capabilities."Partner portal""#,
            r#"costs."CRM licences""#,
            r#"costs."End-user training""#,
        ]
    );
    let capability_only: Vec<&Change> = moving
        .iter()
        .filter(|c| c.item.starts_with("capabilities."))
        .collect();
    let h = hybrid::hybrid(&old, &new, &capability_only);
    let portal = h
        .capabilities
        .iter()
        .find(|c| c.name == "Partner portal")
        .expect("the capability is taken");
    assert!(portal.used_by.is_empty());
    let (with, without) = (
        engine::npvs(&Model::compile(&h), spec(64)),
        engine::npvs(&Model::compile(&old), spec(64)),
    );
    assert_eq!(with, without, "a capability used by no group adds nothing");
}

/// Sampled orders: each order's contributions telescope to the total, so their means do too.
#[test]
fn sampled_shares_sum_to_the_total() {
    let k = 12;
    let orders = random_orders(k, 3);
    assert_eq!(orders.len(), (SAMPLED_SUB_RUNS - 2) / (k - 1));
    // An interacting game: v(S) = Σ w_i + (|S| choose 2).
    let mut value = |set: &[bool]| {
        let n = set.iter().filter(|&&x| x).count() as f64;
        let own: f64 = set
            .iter()
            .enumerate()
            .filter(|(_, x)| **x)
            .map(|(i, _)| i as f64)
            .sum();
        DiffFigures {
            mean_npv: own + n * (n - 1.0) / 2.0,
            p50_npv: own,
            prob_npv_positive: n / k as f64,
        }
    };
    let (shares, errors) = sampled(&orders, &mut value);
    let total: f64 = shares.iter().map(|s| s.mean_npv).sum();
    let all = value(&[true; 12]).mean_npv;
    assert!((total - all).abs() < 1e-9, "{total} vs {all}");
    // Interactions split evenly in expectation: each item gets its own value plus
    // (k − 1) / 2, within a few of the stated standard errors.
    for (i, (s, e)) in shares.iter().zip(&errors).enumerate() {
        assert!((s.p50_npv - i as f64).abs() < 1e-12);
        assert!(e.mean_npv > 0.0);
        let off = (s.mean_npv - (i as f64 + 5.5)).abs();
        assert!(
            off < 4.0 * e.mean_npv,
            "{i}: {} ± {}",
            s.mean_npv,
            e.mean_npv
        );
    }
    assert!(errors.iter().all(|e| e.p50_npv == 0.0));
}

/// Exact values of a game with one interaction: it is split evenly between its two items.
#[test]
fn exact_shares_split_interactions_evenly() {
    let mut value = |set: &[bool]| DiffFigures {
        mean_npv: f64::from(u8::from(set[0])) * 10.0
            + f64::from(u8::from(set[2])) * 5.0
            + f64::from(u8::from(set[0] && set[1])) * 4.0,
        ..DiffFigures::default()
    };
    let shares = exact(3, &mut value);
    for (s, want) in shares.iter().zip([12.0, 2.0, 5.0]) {
        assert!(
            (s.mean_npv - want).abs() < 1e-12,
            "{} against {want}",
            s.mean_npv
        );
    }
}
