use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, DrawingBackend};

use super::style::{self, Cx, DrawResult};

pub(crate) fn draw<DB: DrawingBackend>(cx: &Cx, root: &DrawingArea<DB, Shift>) -> DrawResult
where
    DB::ErrorType: 'static,
{
    style::header(cx, root, "todo", "todo")?;
    style::footer(cx, root, None)?;
    style::no_data(cx, root)
}
