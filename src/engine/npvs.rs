//! Only the NPV of each trial: for analyses that run many versions of a scenario and need one
//! number per trial (the hybrids of `valuecase diff`), without the IRR, the monthly sketches
//! or the per-trial table of a full run.

use rayon::prelude::*;

use crate::model::{Model, Scratch};

use super::run::{BLOCK, Drawer, LANE, RunSpec};

/// The NPV of each of `spec`'s trials, in trial order: the same numbers as the NPV column of
/// [`run()`](super::run::run) with the same spec, to the bit, whatever the thread count.
pub fn npvs(model: &Model, spec: RunSpec) -> Vec<f64> {
    let drawer = Drawer::new(model, spec.seed);
    let mut out = vec![0.0; spec.trials as usize];
    out.par_chunks_mut(BLOCK).enumerate().for_each_init(
        || {
            (
                vec![0.0; drawer.random_inputs().max(1) * LANE],
                drawer.base(),
                Scratch::for_trials(model),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::run;

    #[test]
    fn npvs_are_the_runs_npv_column() {
        let scenario = crate::scenario::parse_str(
            include_str!("../../scenarios/hightech-change-programme.toml"),
            None,
        )
        .expect("scenario parses");
        let model = Model::compile(&scenario);
        let spec = RunSpec {
            seed: 5,
            first_trial: 77,
            trials: 2 * BLOCK as u64 + 100,
        };
        let full = run(&model, spec, &|_| {});
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert!(bits(&npvs(&model, spec)) == bits(full.npv()));
    }
}
