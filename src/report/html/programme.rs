//! The board pack's section "What the change programme is worth", for runs with levers: the
//! sentence, the gain and the lever costs in figures, each lever's share, and the chart.

use crate::report::charts;
use crate::report::comparison::signed_money;
use crate::report::format::{money, percent, thousands};
use crate::report::sentences;
use crate::results::{Stats, Summary};

use super::inline_svg;

/// The change-programme chart's name: shown in this section, not among the figures.
pub(super) const CHART: &str = "change-programme";

/// What the section shows, formatted.
pub(super) struct Programme {
    pub sentence: String,
    /// (what, [mean, P10, P50, P90]).
    pub rows: Vec<(&'static str, [String; 4])>,
    /// (lever, its share of the mean gain).
    pub levers: Vec<(String, String)>,
    pub method: String,
    /// The chart, inlined, when it was drawn.
    pub figure: Option<String>,
}

/// The section of `s`, or None without levers.
pub(super) fn programme(s: &Summary, charts_svg: &[(String, String)]) -> Option<Programme> {
    let cp = s.change_programme.as_ref()?;
    let cur = s.currency.as_str();
    let row = |st: &Stats, signed: bool| {
        [st.mean, st.p10, st.p50, st.p90].map(|v| {
            if signed {
                signed_money(v, cur)
            } else {
                money(v, cur)
            }
        })
    };
    let method = format!(
        "Every trial is evaluated twice: with the levers and without them (their effects on \
         adoption, data quality and risks, and their costs), every other input drawn alike, so \
         the gain is measured trial by trial. The gain is net of the levers' costs; it pays for \
         itself in {} of trials. A lever's share is its Shapley value: its average contribution \
         to the mean gain over every order of adding the levers ({}, estimated on the run's \
         first {} trials and corrected by regression on the whole run's gain); the shares add \
         up to the mean gain.",
        percent(cp.prob_pays_for_itself),
        if cp.shares_method == "exact" {
            "every subset of levers evaluated"
        } else {
            "sampled orders"
        },
        thousands(cp.shares_sample_trials)
    );
    Some(Programme {
        sentence: sentences::change_programme(s)?,
        rows: vec![
            ("NPV gain from the programme", row(&cp.npv_gain, true)),
            ("NPV without the levers", row(&cp.npv_without_levers, false)),
            ("NPV with the levers", row(&s.npv, false)),
            ("PV of the levers' costs", row(&cp.pv_lever_costs, false)),
        ],
        levers: cp
            .levers
            .iter()
            .map(|l| (l.name.clone(), signed_money(l.npv_gain_mean, cur)))
            .collect(),
        method,
        figure: charts_svg
            .iter()
            .find(|(n, _)| n == CHART)
            .map(|(n, svg)| inline_svg(svg, &charts::title(n, s).unwrap_or_else(|| n.clone()))),
    })
}
