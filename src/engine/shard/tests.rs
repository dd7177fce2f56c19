use super::*;
use crate::engine::run;
use crate::model::Model;

/// A real part: trials 100..400 of the built-in scenario.
fn part() -> Part {
    part_of(crate::scenario::BUILT_IN)
}

/// Trials 100..400 of the scenario `text`.
fn part_of(text: &str) -> Part {
    let scenario = crate::scenario::parse_str(text, None).expect("built-in parses");
    let model = Model::compile(&scenario);
    let spec = RunSpec {
        seed: 9,
        first_trial: 100,
        trials: 300,
    };
    let out = run(&model, spec, &|_| {});
    let identity = PartScenario {
        name: scenario.meta.name.clone(),
        file: None,
        sha256: crate::scenario::fingerprint(text.as_bytes()),
        text: text.to_string(),
    };
    Part::from_run(out, identity, &model, 0.5)
}

fn bytes(p: &Part) -> Vec<u8> {
    let mut b = Vec::new();
    p.write_to(&mut b).expect("writes to memory");
    b
}

fn read(b: &[u8]) -> Result<Part, PartProblem> {
    Part::read_from(&mut &b[..])
}

#[test]
fn a_part_reads_back_as_written() {
    let p = part();
    let back = read(&bytes(&p)).expect("reads");
    assert_eq!(back.header, p.header);
    let bits = |d: &[f64]| d.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&back.table.data), bits(&p.table.data));
}

#[test]
fn a_flipped_bit_anywhere_is_caught_by_the_checksum() {
    let b = bytes(&part());
    // One bit in the last row of the NPV column, one in the header's JSON, one in the CRC.
    let header_end = MAGIC.len() + 8 + 200;
    for at in [b.len() - 4 - 8 * 2401, header_end, b.len() - 1] {
        let mut bad = b.clone();
        bad[at] ^= 0x10;
        match read(&bad) {
            Err(PartProblem::Checksum { .. } | PartProblem::CorruptHeader(_)) => {}
            other => panic!("byte {at}: {:?}", other.map(|_| "accepted")),
        }
    }
}

#[test]
fn sizes_that_would_overflow_are_refused_before_anything_is_allocated() {
    let mut p = part();
    p.header.start = 0;
    p.header.end = u64::MAX / 2;
    p.header.width = usize::MAX / 4;
    assert!(matches!(read(&bytes(&p)), Err(PartProblem::Layout(_))));
    let mut p = part();
    p.header.end = p.header.start; // empty
    assert!(matches!(read(&bytes(&p)), Err(PartProblem::Layout(_))));
}

#[test]
fn values_a_run_never_writes_are_refused_even_with_a_good_checksum() {
    for (column, value) in [
        (run_col::NPV, f64::NAN),
        (run_col::PV_COSTS, -1.0),
        (run_col::PAYBACK, f64::INFINITY),
        (run_col::IRR_ANNUAL, -2.0),
    ] {
        let mut p = part();
        let rows = p.table.rows;
        p.table.data[column * rows + 7] = value;
        match read(&bytes(&p)) {
            Err(PartProblem::Value { trial, .. }) => assert_eq!(trial, 107),
            other => panic!("{column}: {:?}", other.map(|_| "accepted")),
        }
    }
    // Every column kind of a scenario with levers: the month it falls back, a capability's
    // contribution, the no-lever NPV and the levers' costs.
    let levers = include_str!("../../../scenarios/hightech-change-programme.toml");
    let p = part_of(levers);
    let first_lever = run::SCALARS + p.header.capabilities;
    assert_eq!(p.header.width, first_lever + 2, "the scenario has levers");
    for (column, value) in [
        (run_col::FALLS_BACK, -1.0),
        (run::SCALARS, f64::INFINITY),
        (first_lever, f64::NAN),
        (first_lever + 1, -1.0),
    ] {
        let mut p = p.clone();
        let rows = p.table.rows;
        p.table.data[column * rows + 7] = value;
        match read(&bytes(&p)) {
            Err(PartProblem::Value { trial, .. }) => assert_eq!(trial, 107),
            other => panic!("{column}: {:?}", other.map(|_| "accepted")),
        }
    }
    assert!(read(&bytes(&p)).is_ok());
    // A width that does not fit the capabilities.
    let mut bad = p.clone();
    bad.header.capabilities += 1;
    assert!(matches!(read(&bytes(&bad)), Err(PartProblem::Layout(_))));
    // Undefined IRR and never-paying trials are NaN by design.
    let mut p = part();
    let rows = p.table.rows;
    p.table.data[run_col::IRR_ANNUAL * rows] = f64::NAN;
    p.table.data[run_col::PAYBACK * rows] = f64::NAN;
    // An annual IRR of exactly −100%: a monthly root whose twelfth power rounds to 0.
    p.table.data[run_col::IRR_ANNUAL * rows + 1] = -1.0;
    assert!(read(&bytes(&p)).is_ok());
}

#[test]
fn an_edited_scenario_text_with_the_old_hash_is_refused() {
    let mut p = part();
    p.header
        .scenario
        .text
        .push_str("\n# edited after the run\n");
    assert!(matches!(read(&bytes(&p)), Err(PartProblem::ScenarioText)));
}

#[test]
fn sketches_must_count_the_parts_trials() {
    let mut p = part();
    p.header.sketches.cumulative_net.pop();
    assert!(matches!(read(&bytes(&p)), Err(PartProblem::Sketches(_))));
    let mut p = part();
    let other = p.header.sketches.cumulative_net[0].clone();
    p.header.sketches.cumulative_net[1].merge(&other);
    assert!(matches!(read(&bytes(&p)), Err(PartProblem::Sketches(_))));
}

#[test]
fn truncated_and_padded_files_are_refused() {
    let b = bytes(&part());
    for bad in [&b[..b.len() - 1], &b[..b.len() - 4], &b[..b.len() / 2]] {
        assert!(
            matches!(
                read(bad),
                Err(PartProblem::RowLength { .. } | PartProblem::TruncatedHeader(_))
            ),
            "{} bytes",
            bad.len()
        );
    }
    let mut padded = b.clone();
    padded.push(0);
    assert!(matches!(read(&padded), Err(PartProblem::RowLength { .. })));
}

use crate::engine::run::col as run_col;
