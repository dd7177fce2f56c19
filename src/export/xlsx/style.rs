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
/// A share as a percentage with up to three decimals.
pub const SHARE: &str = "0.0##%";
/// Months with two decimals (paybacks).
pub const MONTHS: &str = "0.00";
/// Discount factors and other ratios near one.
pub const FACTOR: &str = "0.000000";

/// Every format the sheets use.
pub struct Styles {
    pub title: Format,
    pub subtitle: Format,
    pub note: Format,
    pub header: Format,
    pub group_header: Format,
    pub equation: Format,
    pub text: Format,
    pub bold: Format,
    pub money: Format,
    pub money_bold: Format,
    pub share: Format,
    pub months: Format,
    pub factor: Format,
    pub number: Format,
    pub integer: Format,
    pub input_money: Format,
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
            group_header: header.clone().set_background_color(Color::RGB(GROUP_FILL)),
            header,
            equation: Format::new()
                .set_italic()
                .set_font_size(8)
                .set_font_color(Color::RGB(NOTE_GREY))
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            text: Format::new().set_align(FormatAlign::Top),
            bold: Format::new().set_bold(),
            money: Format::new().set_num_format(MONEY),
            money_bold: Format::new().set_num_format(MONEY).set_bold(),
            share: Format::new().set_num_format(SHARE),
            months: Format::new().set_num_format(MONTHS),
            factor: Format::new().set_num_format(FACTOR),
            number: Format::new().set_num_format("General"),
            integer: Format::new().set_num_format("0"),
            input_money: input.clone().set_num_format("#,##0.00"),
            input_share: input.clone().set_num_format(SHARE),
            input_number: input.set_num_format("General"),
        }
    }

    /// The format of an input's base value.
    pub fn input(&self, q: Quantity) -> &Format {
        match q {
            Quantity::Money => &self.input_money,
            Quantity::Share => &self.input_share,
            Quantity::Number => &self.input_number,
        }
    }

    /// The format of a computed value of quantity `q`.
    pub fn value(&self, q: Quantity) -> &Format {
        match q {
            Quantity::Money => &self.money,
            Quantity::Share => &self.share,
            Quantity::Number => &self.number,
        }
    }
}
