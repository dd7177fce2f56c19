//! Only the NPV of each trial: for analyses that run many versions of a scenario and need one
//! number per trial (the hybrids of `valuecase diff`), without the IRR, the monthly sketches
//! or the per-trial table of a full run.

use rayon::prelude::*;

use crate::model::{Model, Scratch};

use super::run::{BLOCK, Drawer, LANE, RunSpec};

/// The NPV of each of `spec`'s trials, in trial order, evaluated NPV-only
/// ([`Scratch::npv_only`]): the NPV column of [`run()`](super::run::run) with the same spec
/// within rounding, and the same bits whatever the thread count, so the sub-runs of a diff pair
/// exactly with each other (and the trials without levers of a run with the no-programme
/// version's).
pub fn npvs(model: &Model, spec: RunSpec) -> Vec<f64> {
    let drawer = Drawer::new(model, spec.seed);
    let mut out = vec![0.0; spec.trials as usize];
    out.par_chunks_mut(BLOCK).enumerate().for_each_init(
        || {
            (
                vec![0.0; drawer.random_inputs().max(1) * LANE],
                drawer.base(),
                Scratch::for_trials(model).npv_only(),
            )
        },
        |(lanes, draws, scratch), (block, rows)| {
            let first = spec.first_trial + (block * BLOCK) as u64;
            for (lane, chunk) in rows.chunks_mut(LANE).enumerate() {
                let lane_first = first + (lane * LANE) as u64;
                drawer.draw_lane(model, lane_first, chunk.len(), lanes);
                for (i, npv) in chunk.iter_mut().enumerate() {
                    drawer.gather(lanes, i, draws);
                    *npv = model.evaluate_all_but_irr(draws, scratch).npv;
                }
            }
        },
    );
    out
}

/// Test support: `npv` is the NPV column of `run` within rounding of each trial's PVs
/// (1e-13 of PV benefits + PV costs), as an NPV-only evaluation gives it.
#[cfg(test)]
pub(crate) fn assert_within_rounding(npv: &[f64], run: &super::RunOutput) {
    use super::run::col;
    let (b, c) = (
        run.table.column(col::PV_BENEFITS),
        run.table.column(col::PV_COSTS),
    );
    assert_eq!(npv.len(), run.npv().len());
    for (i, (&x, &y)) in npv.iter().zip(run.npv()).enumerate() {
        let scale = b[i].abs() + c[i].abs();
        assert!((x - y).abs() <= 1e-13 * scale, "trial {i}: {x} against {y}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::run;

    /// Every shipped scenario with a risk haircut, dis-benefits and compounding drivers: the
    /// NPV-only NPVs are the run's within rounding of the PVs.
    #[test]
    fn npvs_are_the_runs_npv_column_within_rounding() {
        for text in [
            include_str!("../../scenarios/hightech-change-programme.toml"),
            include_str!("../../scenarios/midmarket-50m.toml"),
            include_str!("../../scenarios/bench-peer.toml"),
        ] {
            let scenario = crate::scenario::parse_str(text, None).expect("scenario parses");
            let model = Model::compile(&scenario);
            let spec = RunSpec {
                seed: 5,
                first_trial: 77,
                trials: 2 * BLOCK as u64 + 100,
            };
            let full = run::run(&model, spec, &|_| {});
            assert_within_rounding(&npvs(&model, spec), &full);
        }
    }

    /// Pairing rests on this: the same bits whatever the thread count.
    #[test]
    fn npvs_do_not_depend_on_the_thread_count() {
        let scenario = crate::scenario::parse_str(
            include_str!("../../scenarios/hightech-change-programme.toml"),
            None,
        )
        .expect("scenario parses");
        let model = Model::compile(&scenario);
        let spec = RunSpec {
            seed: 9,
            first_trial: 3,
            trials: 3 * BLOCK as u64 + 17,
        };
        let on = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("a thread pool");
            let v = pool.install(|| npvs(&model, spec));
            v.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
        };
        assert!(on(1) == on(3));
    }
}
