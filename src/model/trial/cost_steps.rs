//! The month structure of a trial's costs: spans of months with one amount each, summed once
//! per stretch of months rather than once per span and month.

/// The month structure of a trial's costs. Every cost line is one or more spans (an amount
/// over a range of months, within the horizon and not empty), in line order; the costs of a
/// month are the amounts of the spans covering it, added up in span order from 0.0. Between
/// two span boundaries the covering spans do not change, so each such stretch needs one sum,
/// not one addition per span and month. The ranges depend only on the trial's delay, so the
/// structure is built once per delay seen and reused.
#[derive(Debug, Clone, Default)]
pub(super) struct CostSteps {
    /// Delay the structure was built for (None: not built yet).
    pub(super) delay: Option<usize>,
    /// (cost line, from, to) of each span, in span order: months from..to.
    pub(super) ranges: Vec<(usize, usize, usize)>,
    /// (from, to, start, end): months from..to are covered by the spans `cover[start..end]`.
    pub(super) stretches: Vec<(usize, usize, usize, usize)>,
    /// Span indices, ascending within each stretch.
    pub(super) cover: Vec<usize>,
    /// The span boundaries, sorted: working memory of [`CostSteps::build`], kept so that a
    /// rebuild (the delay varies from trial to trial when a risk delays go-live) allocates
    /// nothing.
    pub(super) bounds: Vec<usize>,
}

impl CostSteps {
    /// Build the stretches of `ranges` over a horizon of `h` months.
    pub(super) fn build(&mut self, h: usize) {
        let bounds = &mut self.bounds;
        bounds.clear();
        bounds.extend([0, h]);
        for &(_, from, to) in &self.ranges {
            bounds.push(from);
            bounds.push(to);
        }
        bounds.sort_unstable();
        bounds.dedup();
        self.stretches.clear();
        self.cover.clear();
        for w in self.bounds.windows(2) {
            let (a, b) = (w[0], w[1]);
            let start = self.cover.len();
            for (k, &(_, from, to)) in self.ranges.iter().enumerate() {
                if from <= a && a < to {
                    self.cover.push(k);
                }
            }
            self.stretches.push((a, b, start, self.cover.len()));
        }
    }

    /// `out[t]` = Σ `values[k]` over the spans k covering month t, in span order from 0.0
    /// (0.0 where none does): the same bits as adding each span's value month by month into
    /// a zeroed row.
    #[inline]
    pub(super) fn sums(&self, values: &[f64], out: &mut [f64]) {
        for &(from, to, start, end) in &self.stretches {
            let mut sum = 0.0;
            for &k in &self.cover[start..end] {
                sum += values[k];
            }
            out[from..to].fill(sum);
        }
    }
}
