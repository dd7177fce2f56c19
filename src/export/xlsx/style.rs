//! The workbook's cell formats, made once: finance's conventions (inputs in blue on a pale
//! fill, formulas in black, negative money in red, percentages with their precision).

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder};

use crate::scenario::Quantity;

/// Blue for values a reader may change (the inputs), as finance models colour them.
const INPUT_BLUE: u32 = 0x1F4E9A;
const INPUT_FILL: u32 = 0xFFF8DC;
const HEADER_FILL: u32 = 0xDCE6F1;
const GROUP_FILL: u32 = 0xB8CCE4;
const NOTE_GREY: u32 = 0x595959;

/// Money with thousands separators and no decimals, negatives in red.
pub const MONEY: &str = "#,##0;[Red]-#,##0";
/// A share as a percentage with up to three decimals (inputs: 1.25% stays 1.25%).
pub const SHARE_INPUT: &str = "0.0##%";
/// A computed share as a percentage with one decimal.
pub const SHARE: &str = "0.0%";
/// Months with two decimals (paybacks).
pub const MONTHS: &str = "0.00";
/// Discount factors and other ratios near one.
pub const FACTOR: &str = "0.000000";

/// Every format the sheets use.
pub struct Styles {
    pub title: Format,
    pub subtitle: Format,
    pub note: Format,
    /// A note on one line, running on into the empty cells to its right.
    pub note_inline: Format,
    pub header: Format,
    pub group_header: Format,
    pub equation: Format,
    pub text: Format,
    pub wrap: Format,
    /// Text that wraps in a row of figures: on the figures' baseline (the cell's foot).
    pub wrap_row: Format,
    /// Text aligned like numbers ("never" in a column of months).
    pub right: Format,
    /// Computed plain numbers, two decimals.
    pub decimal: Format,
    pub bold: Format,
    pub money: Format,
    pub money_bold: Format,
    pub share: Format,
    pub months: Format,
    pub factor: Format,
    pub number: Format,
    pub integer: Format,
    pub input_money: Format,
    pub input_money_whole: Format,
    pub input_share: Format,
    pub input_number: Format,
}

impl Styles {
    pub fn new() -> Self {
        let header = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Top)
            .set_background_color(Color::RGB(HEADER_FILL))
            .set_border_bottom(FormatBorder::Thin);
        let input = Format::new()
            .set_font_color(Color::RGB(INPUT_BLUE))
            .set_background_color(Color::RGB(INPUT_FILL))
            .set_border(FormatBorder::Hair);
        Styles {
            title: Format::new().set_bold().set_font_size(14),
            subtitle: Format::new().set_bold().set_font_size(11),
            note: Format::new()
                .set_italic()
                .set_font_color(Color::RGB(NOTE_GREY))
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            note_inline: Format::new()
                .set_italic()
                .set_font_color(Color::RGB(NOTE_GREY)),
            group_header: header.clone().set_background_color(Color::RGB(GROUP_FILL)),
            header,
            equation: Format::new()
                .set_italic()
                .set_font_size(8)
                .set_font_color(Color::RGB(NOTE_GREY))
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            text: Format::new().set_align(FormatAlign::Top),
            wrap: Format::new().set_align(FormatAlign::Top).set_text_wrap(),
            wrap_row: Format::new().set_text_wrap(),
            right: Format::new().set_align(FormatAlign::Right),
            decimal: Format::new().set_num_format("#,##0.00"),
            bold: Format::new().set_bold(),
            money: Format::new().set_num_format(MONEY),
            money_bold: Format::new().set_num_format(MONEY).set_bold(),
            share: Format::new().set_num_format(SHARE),
            months: Format::new().set_num_format(MONTHS),
            factor: Format::new().set_num_format(FACTOR),
            number: Format::new().set_num_format("General"),
            integer: Format::new().set_num_format("0"),
            input_money: input.clone().set_num_format("#,##0.00"),
            input_money_whole: input.clone().set_num_format("#,##0"),
            input_share: input.clone().set_num_format(SHARE_INPUT),
            input_number: input.set_num_format("General"),
        }
    }

    /// The format of an input's base value `v`: money without cents when it has none.
    pub fn input(&self, q: Quantity, v: f64) -> &Format {
        match q {
            Quantity::Money if v == v.trunc() => &self.input_money_whole,
            Quantity::Money => &self.input_money,
            Quantity::Share => &self.input_share,
            Quantity::Number => &self.input_number,
        }
    }

    /// Page setup for printing: landscape, and (for the narrower sheets) one page wide.
    pub fn page(sheet: &mut rust_xlsxwriter::Worksheet, one_page_wide: bool) {
        sheet.set_landscape();
        sheet.set_paper_size(9); // A4
        if one_page_wide {
            sheet.set_print_fit_to_pages(1, 0);
        }
    }

    /// The format of a computed value of quantity `q`.
    pub fn value(&self, q: Quantity) -> &Format {
        match q {
            Quantity::Money => &self.money,
            Quantity::Share => &self.share,
            Quantity::Number => &self.decimal,
        }
    }
}
