//! The surface a chart draws on: one type for both outputs, so chart code is written once and
//! not generic. Every call is handed unchanged to the PNG (pixel buffer) or SVG (text)
//! backend of plotters, so a picture drawn through a [`Canvas`] is the very picture the
//! backend would have drawn on its own.

use plotters::backend::{BitMapBackend, DrawingBackend, SVGBackend};
use plotters::coord::Shift;
use plotters::prelude::DrawingArea;
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind,
};

/// Where a chart is drawn: its whole slide, in pixel coordinates from the top left.
pub(crate) type Area<'a> = DrawingArea<Canvas<'a>, Shift>;

/// What drawing returns: any backend error, boxed (a chart never recovers from one).
pub(crate) type DrawResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

/// A PNG or an SVG backend behind one type.
pub(crate) enum Canvas<'a> {
    /// Pixels in an RGB buffer, later encoded as PNG.
    Png(BitMapBackend<'a>),
    /// SVG text appended to a string.
    Svg(SVGBackend<'a>),
}

/// The error of either backend, as it reported it.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub(crate) struct CanvasError(Box<dyn std::error::Error + Send + Sync>);

type Drawn<T = ()> = Result<T, DrawingErrorKind<CanvasError>>;

/// The backend's error as the canvas's.
fn lift<E>(e: DrawingErrorKind<E>) -> DrawingErrorKind<CanvasError>
where
    E: std::error::Error + Send + Sync + 'static,
{
    match e {
        DrawingErrorKind::DrawingError(e) => {
            DrawingErrorKind::DrawingError(CanvasError(Box::new(e)))
        }
        DrawingErrorKind::FontError(e) => DrawingErrorKind::FontError(e),
    }
}

/// Calls the same method on whichever backend this is, lifting its error.
macro_rules! each {
    ($self:ident, $b:ident => $call:expr) => {
        match $self {
            Canvas::Png($b) => $call.map_err(lift),
            Canvas::Svg($b) => $call.map_err(lift),
        }
    };
}

// Every method is forwarded, the provided ones too: the SVG backend overrides most of them
// (it writes elements, not pixels), the bitmap backend some, and each must keep its own.
impl DrawingBackend for Canvas<'_> {
    type ErrorType = CanvasError;

    fn get_size(&self) -> (u32, u32) {
        match self {
            Canvas::Png(b) => b.get_size(),
            Canvas::Svg(b) => b.get_size(),
        }
    }

    fn ensure_prepared(&mut self) -> Drawn {
        each!(self, b => b.ensure_prepared())
    }

    fn present(&mut self) -> Drawn {
        each!(self, b => b.present())
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Drawn {
        each!(self, b => b.draw_pixel(point, color))
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Drawn {
        each!(self, b => b.draw_line(from, to, style))
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Drawn {
        each!(self, b => b.draw_rect(upper_left, bottom_right, style, fill))
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Drawn {
        each!(self, b => b.draw_path(path, style))
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Drawn {
        each!(self, b => b.draw_circle(center, radius, style, fill))
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Drawn {
        each!(self, b => b.fill_polygon(vert, style))
    }

    fn draw_text<T: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &T,
        pos: BackendCoord,
    ) -> Drawn {
        each!(self, b => b.draw_text(text, style, pos))
    }

    fn estimate_text_size<T: BackendTextStyle>(&self, text: &str, style: &T) -> Drawn<(u32, u32)> {
        each!(self, b => b.estimate_text_size(text, style))
    }

    fn blit_bitmap(&mut self, pos: BackendCoord, size: (u32, u32), src: &[u8]) -> Drawn {
        each!(self, b => b.blit_bitmap(pos, size, src))
    }
}

#[cfg(test)]
mod tests {
    use plotters::element::{Circle, PathElement, Polygon, Rectangle, Text};
    use plotters::prelude::IntoDrawingArea;
    use plotters::style::{Color, IntoFont, RGBColor, ShapeStyle};

    use super::super::fonts::{FAMILY, register_embedded};
    use super::*;

    /// Every kind of element the charts draw, on any backend.
    fn draw_sample<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>)
    where
        DB::ErrorType: 'static,
    {
        register_embedded();
        let ink = RGBColor(0x1a, 0x1a, 0x1a);
        let font = (FAMILY, 30.0).into_font().color(&ink);
        area.fill(&RGBColor(255, 255, 255)).unwrap();
        area.draw(&Rectangle::new([(10, 10), (90, 60)], ink.mix(0.5).filled()))
            .unwrap();
        area.draw(&PathElement::new(
            vec![(5, 80), (150, 20), (190, 90)],
            ShapeStyle::from(ink).stroke_width(4),
        ))
        .unwrap();
        area.draw(&PathElement::new(vec![(0, 0), (199, 99)], ink))
            .unwrap();
        area.draw(&Polygon::new(
            vec![(120, 10), (180, 40), (130, 70)],
            ink.filled(),
        ))
        .unwrap();
        area.draw(&Circle::new((60, 70), 12, ink.filled())).unwrap();
        area.draw(&Circle::new(
            (60, 70),
            20,
            ShapeStyle::from(ink).stroke_width(3),
        ))
        .unwrap();
        area.draw(&Text::new("Ag €5 客", (20, 40), font)).unwrap();
        area.present().unwrap();
    }

    /// Drawing through a [`Canvas`] gives exactly what drawing on the backend itself gives,
    /// pixel for pixel and byte for byte: the charts depend on it.
    #[test]
    fn a_canvas_draws_what_its_backend_draws() {
        let size = (200, 100);
        let mut direct = vec![0u8; 200 * 100 * 3];
        let mut through = direct.clone();
        draw_sample(&BitMapBackend::with_buffer(&mut direct, size).into_drawing_area());
        draw_sample(
            &Canvas::Png(BitMapBackend::with_buffer(&mut through, size)).into_drawing_area(),
        );
        assert!(direct.iter().any(|&b| b != 255), "nothing was drawn");
        assert!(direct == through, "the PNG canvas drew different pixels");

        let (mut direct, mut through) = (String::new(), String::new());
        draw_sample(&SVGBackend::with_string(&mut direct, size).into_drawing_area());
        draw_sample(&Canvas::Svg(SVGBackend::with_string(&mut through, size)).into_drawing_area());
        assert!(
            direct.contains("<circle") && direct.contains("<text"),
            "{direct}"
        );
        assert_eq!(direct, through);
    }
}
