//! Money, percentages and months as people read them: "$12.3M", "−$250k", "87%", "19.4 months".
//!
//! Formatting lives here and only here, so every table, sentence and chart speaks the same way.

/// The symbol placed before amounts of a currency; codes without a common symbol are written
/// out ("CHF 1.2M").
pub fn currency_symbol(code: &str) -> String {
    match code {
        "USD" => "$".into(),
        "EUR" => "€".into(),
        "GBP" => "£".into(),
        "JPY" | "CNY" => "¥".into(),
        "INR" => "₹".into(),
        "KRW" => "₩".into(),
        "AUD" => "A$".into(),
        "CAD" => "C$".into(),
        "NZD" => "NZ$".into(),
        "HKD" => "HK$".into(),
        "SGD" => "S$".into(),
        "BRL" => "R$".into(),
        other => format!("{other} "),
    }
}

/// Scale an amount to a unit: (divisor, suffix).
fn unit_for(abs: f64) -> (f64, &'static str) {
    if abs >= 1e12 {
        (1e12, "T")
    } else if abs >= 1e9 {
        (1e9, "B")
    } else if abs >= 1e6 {
        (1e6, "M")
    } else if abs >= 1e3 {
        (1e3, "k")
    } else {
        (1.0, "")
    }
}

/// Money with a unit and three significant figures: `$12.3M`, `-$250k`, `$1.50B`, `$950`.
pub fn money(value: f64, currency: &str) -> String {
    if !value.is_finite() {
        return "n/a".into();
    }
    let sym = currency_symbol(currency);
    let abs = value.abs();
    let (div, suffix) = unit_for(abs);
    let scaled = abs / div;
    // Three significant figures, but never a trailing ".0" on whole thousands etc.
    let mut digits = if scaled >= 100.0 {
        format!("{scaled:.0}")
    } else if scaled >= 10.0 {
        format!("{scaled:.1}")
    } else if div == 1.0 {
        format!("{scaled:.0}")
    } else {
        format!("{scaled:.2}")
    };
    // Rounding can carry into the next unit (999.6k → "1000k"): re-scale.
    if digits == "1000" && suffix != "T" && div != 1.0 {
        return money(value.signum() * div * 1000.0, currency);
    }
    if digits.contains('.') && suffix == "k" {
        digits = format!("{scaled:.0}");
    }
    let sign = if value < 0.0 && digits.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "-"
    } else {
        ""
    };
    format!("{sign}{sym}{digits}{suffix}")
}

/// Money formatted for axis ticks, with a fixed number of decimals chosen for the whole axis
/// so ticks never collapse into duplicates ("$0, $0, $1M").
pub fn money_tick(value: f64, currency: &str, step: f64) -> String {
    let sym = currency_symbol(currency);
    let scale_ref = value.abs().max(step.abs());
    let (div, suffix) = unit_for(scale_ref);
    let step_scaled = (step / div).abs();
    // Enough decimals to write the step exactly (0.25M needs two), so neighbouring ticks can
    // never round to the same or a misleading label ("$1.2M" for 1.25M).
    let decimals = (0..=4)
        .find(|&d| {
            let x = step_scaled * 10f64.powi(d);
            (x - x.round()).abs() < 1e-6 * x.max(1.0)
        })
        .unwrap_or(4) as usize;
    let scaled = value / div;
    let body = format!("{:.*}", decimals, scaled.abs());
    let is_zero = body.chars().all(|c| c == '0' || c == '.');
    let sign = if value < 0.0 && !is_zero { "-" } else { "" };
    let suffix = if is_zero { "" } else { suffix };
    format!("{sign}{sym}{body}{suffix}")
}

/// A count with thousands separators: `100,000`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The calendar month `offset` months after `start` ("YYYY-MM"), as "Jan 2028"; `None` when
/// `start` is not a valid "YYYY-MM".
pub fn calendar_month(start: &str, offset: u32) -> Option<String> {
    const NAMES: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, m) = start.trim().split_once('-')?;
    let (y, m) = (y.parse::<i64>().ok()?, m.parse::<i64>().ok()?);
    if !(1..=12).contains(&m) {
        return None;
    }
    let index = y * 12 + (m - 1) + offset as i64;
    Some(format!(
        "{} {}",
        NAMES[index.rem_euclid(12) as usize],
        index.div_euclid(12)
    ))
}

/// A probability as a whole percentage, with "<1%" and ">99%" at the extremes.
pub fn percent(p: f64) -> String {
    if !p.is_finite() {
        return "n/a".into();
    }
    let pct = p * 100.0;
    if pct > 0.0 && pct < 0.5 {
        "<1%".into()
    } else if (99.5..100.0).contains(&pct) {
        ">99%".into()
    } else {
        format!("{pct:.0}%")
    }
}

/// "= 87%", or "> 99%" and "< 1%" at the extremes: the relation and the percentage, for
/// "P(NPV > 0) = 87%" without printing "= >99%".
pub fn probability_is(p: f64) -> String {
    let text = percent(p);
    match text.strip_prefix(['<', '>']) {
        Some(rest) => format!("{} {rest}", &text[..1]),
        None => format!("= {text}"),
    }
}

/// A ratio (ROI, IRR) as a percentage with no more precision than it deserves.
pub fn ratio_percent(r: Option<f64>) -> String {
    match r {
        Some(r) if r.is_finite() => {
            let pct = r * 100.0;
            if pct.abs() >= 100.0 {
                format!("{pct:.0}%")
            } else {
                format!("{pct:.1}%")
            }
        }
        _ => "n/a".into(),
    }
}

/// An annual IRR at or below this (−99.9%) is "not meaningful": the programme gets back almost
/// nothing of what it spends, and no rate describes that.
pub const IRR_MEANINGFUL_FROM: f64 = -0.999;
/// An annual IRR above this (10,000%) is "not meaningful": the outlay is tiny beside the
/// benefits (or comes after them), and the rate says nothing about the return.
pub const IRR_MEANINGFUL_TO: f64 = 100.0;

/// Why an annual IRR of `r` is not meaningful, or `None` when it is (or there is none).
pub fn irr_not_meaningful(r: Option<f64>) -> Option<&'static str> {
    match r {
        Some(r) if r <= IRR_MEANINGFUL_FROM => Some(
            "an IRR of −100% a year means the programme gets back almost nothing of what it \
             spends, so no rate of return describes it",
        ),
        Some(r) if r > IRR_MEANINGFUL_TO => Some(
            "an IRR above 10,000% a year means the outlay is tiny beside the benefits (or comes \
             after them), so the rate says nothing about the return",
        ),
        _ => None,
    }
}

/// An annual IRR as [`ratio_percent`] shows it, or "not meaningful" where
/// [`irr_not_meaningful`] says so (results.json keeps the number).
pub fn irr_percent(r: Option<f64>) -> String {
    match irr_not_meaningful(r) {
        Some(_) => "not meaningful".into(),
        None => ratio_percent(r),
    }
}

/// A duration in months; `None` means it never happens within the horizon.
pub fn months(m: Option<f64>) -> String {
    match m {
        Some(m) if m.is_finite() => format!("{m:.1} months"),
        _ => "never".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn irr_beyond_its_meaningful_range_says_so() {
        assert_eq!(irr_percent(Some(0.25)), "25.0%");
        assert_eq!(irr_percent(Some(99.0)), "9900%");
        assert_eq!(irr_percent(Some(100.0)), "10000%");
        assert_eq!(irr_percent(Some(100.5)), "not meaningful");
        assert_eq!(irr_percent(Some(-0.998)), "-99.8%");
        assert_eq!(irr_percent(Some(-0.999)), "not meaningful");
        assert_eq!(irr_percent(Some(-1.0)), "not meaningful");
        assert_eq!(irr_percent(None), "n/a");
        assert!(irr_not_meaningful(Some(250.0)).unwrap().contains("10,000%"));
        assert!(irr_not_meaningful(Some(-1.0)).unwrap().contains("−100%"));
    }

    #[test]
    fn money_uses_units_and_three_figures() {
        assert_eq!(money(12_345_678.0, "USD"), "$12.3M");
        assert_eq!(money(-250_000.0, "USD"), "-$250k");
        assert_eq!(money(1_500_000_000.0, "USD"), "$1.50B");
        assert_eq!(money(950.0, "EUR"), "€950");
        assert_eq!(money(999_600.0, "USD"), "$1.00M");
        assert_eq!(money(31_000_000.0, "CHF"), "CHF 31.0M");
        assert_eq!(money(f64::NAN, "USD"), "n/a");
    }

    #[test]
    fn ticks_are_distinct_and_signed() {
        let ticks: Vec<String> = [-500_000.0, 0.0, 500_000.0, 1_000_000.0, 1_500_000.0]
            .iter()
            .map(|v| money_tick(*v, "USD", 500_000.0))
            .collect();
        assert_eq!(ticks, ["-$500k", "$0", "$500k", "$1.0M", "$1.5M"]);
        let mut dedup = ticks.clone();
        dedup.dedup();
        assert_eq!(dedup.len(), ticks.len());
        assert_eq!(money_tick(250_000.0, "USD", 250_000.0), "$250k");
        assert_eq!(money_tick(2e9, "USD", 1e9), "$2B");
        // Quarter steps keep two decimals instead of rounding 1.25M to "$1.2M".
        assert_eq!(money_tick(1_250_000.0, "USD", 250_000.0), "$1.25M");
        assert_eq!(money_tick(750_000.0, "USD", 250_000.0), "$750k");
    }

    #[test]
    fn counts_and_calendar_months() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(100_000), "100,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(calendar_month("2028-01", 0).as_deref(), Some("Jan 2028"));
        assert_eq!(calendar_month("2028-11", 14).as_deref(), Some("Jan 2030"));
        assert_eq!(calendar_month("2028-13", 0), None);
        assert_eq!(calendar_month("soon", 0), None);
    }

    #[test]
    fn percentages_and_months() {
        assert_eq!(percent(0.873), "87%");
        assert_eq!(percent(0.001), "<1%");
        assert_eq!(percent(0.999), ">99%");
        assert_eq!(probability_is(0.873), "= 87%");
        assert_eq!(probability_is(0.999), "> 99%");
        assert_eq!(probability_is(0.001), "< 1%");
        assert_eq!(probability_is(1.0), "= 100%");
        assert_eq!(ratio_percent(Some(1.81)), "181%");
        assert_eq!(ratio_percent(Some(0.123)), "12.3%");
        assert_eq!(ratio_percent(None), "n/a");
        assert_eq!(months(Some(19.43)), "19.4 months");
        assert_eq!(months(None), "never");
    }
}
