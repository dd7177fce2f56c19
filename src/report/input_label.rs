//! Inputs in words: a stable name (`capabilities."Opportunity management".uplift`) as a
//! sentence says it ("the uplift of Opportunity management") and as a chart row shows it
//! ("Opportunity management: uplift").

/// A stable name taken apart: its section, the item's name (when the section lists items) and
/// the field path within the item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputLabel {
    pub section: String,
    pub item: Option<String>,
    pub field: String,
}

impl InputLabel {
    /// Take `name` apart. Names the walk does not make (a bug elsewhere) come back whole, as
    /// the field.
    pub fn of(name: &str) -> InputLabel {
        let whole = || InputLabel {
            section: String::new(),
            item: None,
            field: name.to_string(),
        };
        let Some((section, rest)) = name.split_once('.') else {
            return whole();
        };
        let Some(quoted) = rest.strip_prefix('"') else {
            return InputLabel {
                section: section.to_string(),
                item: None,
                field: rest.to_string(),
            };
        };
        // The item's name runs to the first quote not escaped by a backslash.
        let mut item = String::new();
        let mut chars = quoted.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    if let Some((_, next)) = chars.next() {
                        item.push(next);
                    }
                }
                '"' => {
                    let field = quoted[i + 1..].trim_start_matches('.');
                    return InputLabel {
                        section: section.to_string(),
                        item: Some(item),
                        field: field.to_string(),
                    };
                }
                c => item.push(c),
            }
        }
        whole()
    }

    /// Whether this is a risk's occurrence (the event itself).
    pub fn is_event(&self) -> bool {
        self.section == "risks" && self.field == "occurs"
    }

    /// The field in words: `adoption.ceiling` → "adoption ceiling"; a risk event is
    /// "probability".
    pub fn field_words(&self) -> String {
        if self.is_event() {
            return "probability".to_string();
        }
        let words = match self.field.as_str() {
            "uplift" => "uplift",
            "hours_per_week" => "hours saved a week",
            "value_share" => "value share",
            "annual_value" => "annual value",
            "adoption.ceiling" => "adoption ceiling",
            "adoption.growth" | "adoption.rate" => "adoption speed",
            "adoption.midpoint" => "adoption midpoint",
            "adoption.ramp_months" => "adoption ramp",
            "adoption.p" => "Bass innovation p",
            "adoption.q" => "Bass imitation q",
            "data_quality" => "data quality",
            "amount" => "cost",
            "overrun" => "overrun",
            "hourly_cost" => "hourly cost",
            "benefit_realised" => "benefits kept if it happens",
            "cost_multiplier" => "cost multiplier if it happens",
            "delay_months" => "delay if it happens",
            other => return other.replace(['_', '.'], " "),
        };
        words.to_string()
    }

    /// As a chart row or table cell: "Opportunity management: uplift", "Programme fails
    /// (happens)", "baseline: growth".
    pub fn short(&self) -> String {
        match (&self.item, self.is_event()) {
            (Some(item), true) => format!("{item} (happens)"),
            (Some(item), false) => format!("{item}: {}", self.field_words()),
            (None, _) if self.section.is_empty() => self.field.clone(),
            (None, _) => format!("{}: {}", self.section, self.field_words()),
        }
    }

    /// As a sentence says it: "whether “Programme fails” happens", "the uplift of Opportunity
    /// management", "the baseline growth".
    pub fn phrase(&self) -> String {
        let Some(item) = &self.item else {
            return match self.section.as_str() {
                "" => self.field.clone(),
                section => format!("the {section} {}", self.field_words()),
            };
        };
        if self.is_event() {
            return format!("whether “{item}” happens");
        }
        if self.section == "risks" && self.field == "probability" {
            return format!("the probability that “{item}” happens");
        }
        match (
            self.section.as_str(),
            self.field_words().strip_suffix(" if it happens"),
        ) {
            ("risks", Some(what)) => format!("the {what} if “{item}” happens"),
            _ => format!("the {} of {item}", self.field_words()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_as_words() {
        let l = InputLabel::of(r#"capabilities."Opportunity management".uplift"#);
        assert_eq!(l.item.as_deref(), Some("Opportunity management"));
        assert_eq!(l.short(), "Opportunity management: uplift");
        assert_eq!(l.phrase(), "the uplift of Opportunity management");

        let l = InputLabel::of(r#"risks."Programme fails to take hold".occurs"#);
        assert!(l.is_event());
        assert_eq!(l.short(), "Programme fails to take hold (happens)");
        assert_eq!(l.phrase(), "whether “Programme fails to take hold” happens");

        let l = InputLabel::of(r#"user_groups."Wave 1 - North America sales".adoption.ceiling"#);
        assert_eq!(
            l.phrase(),
            "the adoption ceiling of Wave 1 - North America sales"
        );
        assert_eq!(
            InputLabel::of("baseline.growth").phrase(),
            "the baseline growth"
        );
        assert_eq!(
            InputLabel::of(r#"risks."Fails".benefit_realised"#).phrase(),
            "the benefits kept if “Fails” happens"
        );
        // A quote inside a name is escaped in the stable name.
        let l = InputLabel::of(r#"costs."The \"big\" one".amount"#);
        assert_eq!(l.item.as_deref(), Some(r#"The "big" one"#));
        assert_eq!(l.short(), r#"The "big" one: cost"#);
        // Anything else comes back whole.
        assert_eq!(InputLabel::of("odd").short(), "odd");
    }
}
