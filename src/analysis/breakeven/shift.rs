//! Moving an input: its whole distribution shifted so that its most likely (base) value is
//! `v`, kept inside the range the scenario allows for it (`docs/MODEL.md`, "Break-even").

use crate::dist::Dist;

/// An input's distribution (and truncation) moved so that its base value is `v`.
///
/// `base` is the base value now (the sampler's: mode of triangular and PERT, median
/// otherwise); `allowed` is the range every value must lie in. By kind:
/// - fixed: the value becomes `v`;
/// - uniform, triangular, PERT, discrete, normal: every value moves by `v − base` (the shape
///   and spread are kept); ends that would pass a limit of the allowed range stop at it
///   (triangular and PERT ends, uniform ends and discrete values are clamped; a normal is
///   truncated there);
/// - lognormal: scaled by `v / base` (its relative spread is kept), truncated at the limits;
///   `v` must be above 0;
/// - Bernoulli (a risk's occurrence): the probability becomes `v`;
/// - beta: cannot be moved (its range is fixed at [0, 1]).
///
/// Returns a message (for the user) when `v` is outside `allowed` or the input cannot move.
pub fn shifted(
    dist: &Dist,
    truncate: Option<(f64, f64)>,
    base: f64,
    v: f64,
    allowed: (f64, f64),
) -> Result<(Dist, Option<(f64, f64)>), String> {
    let (lo, hi) = allowed;
    if !(v >= lo && v <= hi) {
        return Err(format!(
            "{v} is outside the range the input allows, [{lo}, {hi}]"
        ));
    }
    let d = v - base;
    let clamp = |x: f64| x.clamp(lo, hi);
    // A truncation moved with the distribution, and held inside the allowed range.
    let moved_truncation = |by: &dyn Fn(f64) -> f64| {
        let (tlo, thi) = truncate.unwrap_or((f64::NEG_INFINITY, f64::INFINITY));
        Some((by(tlo).max(lo), by(thi).min(hi)))
    };
    let three_point = |min: f64, max: f64| (clamp(min + d), clamp(max + d));
    let shifted = match dist {
        Dist::Fixed(_) => (Dist::Fixed(v), None),
        Dist::Bernoulli { .. } => (Dist::Bernoulli { p: v }, None),
        Dist::Uniform { min, max } => {
            let (min, max) = three_point(*min, *max);
            if max > min {
                (Dist::Uniform { min, max }, truncate.map(|_| (min, max)))
            } else {
                (Dist::Fixed(v), None)
            }
        }
        Dist::Triangular { min, max, .. } => {
            let (min, max) = three_point(*min, *max);
            let t = truncate.and_then(|_| moved_truncation(&|x| x + d));
            (Dist::Triangular { min, mode: v, max }, t)
        }
        Dist::Pert {
            min, max, shape, ..
        } => {
            let (min, max) = three_point(*min, *max);
            let t = truncate.and_then(|_| moved_truncation(&|x| x + d));
            (
                Dist::Pert {
                    min,
                    mode: v,
                    max,
                    shape: *shape,
                },
                t,
            )
        }
        Dist::Normal { mean, sd } => (
            Dist::Normal {
                mean: mean + d,
                sd: *sd,
            },
            moved_truncation(&|x| x + d),
        ),
        Dist::LogNormal { mu, sigma } => {
            if !(v > 0.0 && base > 0.0) {
                return Err(format!(
                    "a lognormal input moves by scaling, so its value must stay above 0 (asked {v})"
                ));
            }
            let ratio = v / base;
            (
                Dist::LogNormal {
                    mu: mu + ratio.ln(),
                    sigma: *sigma,
                },
                moved_truncation(&|x| x * ratio),
            )
        }
        Dist::Discrete { values, weights } => (
            Dist::Discrete {
                values: values.iter().map(|x| clamp(x + d)).collect(),
                weights: weights.clone(),
            },
            None,
        ),
        Dist::Beta { .. } => {
            return Err(
                "a beta input lives on [0, 1] and cannot be moved; write it as a PERT or \
                 triangular range to search over it"
                    .into(),
            );
        }
    };
    Ok(shifted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::Sampler;

    fn base_of(dist: &Dist, t: Option<(f64, f64)>) -> f64 {
        Sampler::new(dist, t).base_value()
    }

    #[test]
    fn three_point_ranges_move_whole_and_stop_at_the_limits() {
        let pert = Dist::Pert {
            min: 0.5,
            mode: 0.8,
            max: 0.95,
            shape: 4.0,
        };
        let (d, t) = shifted(&pert, None, 0.8, 0.6, (0.0, 1.0)).expect("inside");
        assert_eq!(t, None);
        let Dist::Pert { min, mode, max, .. } = d else {
            panic!("still a PERT")
        };
        assert!((min - 0.3).abs() < 1e-12 && mode == 0.6 && (max - 0.75).abs() < 1e-12);
        assert_eq!(base_of(&d, t), 0.6);
        // Moved up, the top end stops at 1.
        let (d, _) = shifted(&pert, None, 0.8, 0.95, (0.0, 1.0)).expect("inside");
        assert!(matches!(d, Dist::Pert { max, .. } if max == 1.0));
        // Outside the allowed range: refused.
        let e = shifted(&pert, None, 0.8, 1.2, (0.0, 1.0)).expect_err("outside");
        assert!(e.contains("outside the range"), "{e}");
    }

    #[test]
    fn every_kind_lands_its_base_value_on_v() {
        let cases = [
            (Dist::Fixed(3.0), None),
            (Dist::Uniform { min: 1.0, max: 3.0 }, None),
            (
                Dist::Triangular {
                    min: 1.0,
                    mode: 2.0,
                    max: 4.0,
                },
                None,
            ),
            (Dist::Normal { mean: 2.0, sd: 0.5 }, None),
            (Dist::Normal { mean: 2.0, sd: 0.5 }, Some((0.0, 5.0))),
            (
                Dist::LogNormal {
                    mu: 0.7,
                    sigma: 0.3,
                },
                None,
            ),
            (
                Dist::Discrete {
                    values: vec![1.0, 2.0, 3.0],
                    weights: vec![0.2, 0.5, 0.3],
                },
                None,
            ),
        ];
        for (dist, t) in cases {
            let base = base_of(&dist, t);
            let (moved, mt) = shifted(&dist, t, base, base + 1.5, (-100.0, 100.0))
                .unwrap_or_else(|e| panic!("{dist:?}: {e}"));
            let got = base_of(&moved, mt);
            assert!((got - (base + 1.5)).abs() < 1e-9, "{dist:?}: {got}");
        }
        let (p, _) = shifted(&Dist::Bernoulli { p: 0.45 }, None, 0.0, 0.2, (0.0, 1.0))
            .expect("a probability");
        assert_eq!(p, Dist::Bernoulli { p: 0.2 });
        assert!(
            shifted(
                &Dist::Beta {
                    alpha: 2.0,
                    beta: 3.0
                },
                None,
                0.4,
                0.5,
                (0.0, 1.0)
            )
            .is_err()
        );
    }
}
