//! The chart toolkit: everything the charts share, none of what any one chart says. The charts
//! themselves (one file per chart) are in [`crate::report::charts`]; this module knows nothing
//! of them.
//!
//! | file | its job |
//! | --- | --- |
//! | [`theme`] | canvas and type sizes for a slide, the palette, hatched fills |
//! | [`fonts`] | the embedded DejaVu Sans, a user font, which characters a font can draw |
//! | [`font_search`] | an installed font for the characters DejaVu lacks |
//! | [`context`] | [`Cx`]: the results being drawn and a pen that picks fonts, measures and fits text |
//! | [`canvas`] | [`Area`]: one drawing surface over the PNG and SVG backends |
//! | [`shapes`] | lines, dashes, hatched rectangles, polygons, labels on white boxes |
//! | [`axis`] | money, percent and month axes, the plotting rectangle and its frame |
//! | [`layout`] | header, footer, legend, labels spread apart, the "no data" message |
//!
//! What the charts use is re-exported here, so a chart file reads `plot::line(…)`,
//! `plot::NAVY`, `plot::Axis::money(…)`.

pub(crate) mod axis;
pub(crate) mod canvas;
pub(crate) mod context;
pub(crate) mod font_search;
pub(crate) mod fonts;
pub(crate) mod layout;
pub(crate) mod shapes;
pub(crate) mod theme;

pub(crate) use axis::{Axis, FrameOpts, PLOT_BOTTOM, PLOT_TOP, frame, nice_step};
pub(crate) use canvas::{Area, Canvas, DrawResult};
pub(crate) use context::{Cx, Extra};
pub(crate) use layout::{
    Key, LEGEND_ROW, footer, header, legend, legend_label, legend_layout, no_data, spread,
};
pub(crate) use shapes::{
    LABEL_BOX_PAD, callout, dashed, fill_rect, label_box, line, polygon, polyline,
};
pub(crate) use theme::{
    ACCENT, AXIS_LINE, H, INK, LABEL, LOSS, LOSS_DARK, MARGIN, NAVY, PALE, SKY, Swatch, W, WHITE,
    category, cost_category,
};
