//! Each section's rules: stable names, references, fields of the wrong variant, baseline
//! prerequisites, ranges, duplicates, structure, syntax, and every problem reported at once.

use super::*;

#[test]
fn stable_names_and_locations() {
    let text = format!(
        "{MIN}\n[[costs]]\nname = \"Licences\"\ncategory = \"licence\"\nkind = \"per_seat_monthly\"\namount = 100\n\n[[risks]]\nname = \"Slip\"\nprobability = 0.3\ndelay_months = {{ triangular = [0, 2, 6] }}\n"
    );
    let s = ok(&text);
    let cap = &s.capabilities[0];
    assert_eq!(cap.effect.name, r#"capabilities."Opportunities".uplift"#);
    assert_eq!(cap.effect.location, at(line_of(&text, "uplift ="), 10));
    assert_eq!(
        cap.value_share.name,
        r#"capabilities."Opportunities".value_share"#
    );
    assert_eq!(cap.value_share.dist, Dist::Fixed(1.0));
    assert_eq!(cap.group, "Other");
    assert_eq!(cap.used_by, vec![0]);
    let g = &s.user_groups[0];
    assert_eq!(
        g.adoption.ceiling().name,
        r#"user_groups."Sales".adoption.ceiling"#
    );
    assert_eq!(
        g.data_quality,
        Uncertain::fixed(r#"user_groups."Sales".data_quality"#, 1.0)
    );
    assert_eq!(g.role, Some(0));
    assert_eq!(s.roles[0].hourly_cost.name, r#"roles."Rep".hourly_cost"#);
    assert_eq!(s.baseline.growth, Uncertain::fixed("baseline.growth", 0.0));
    assert_eq!(s.costs[0].amount.name, r#"costs."Licences".amount"#);
    assert_eq!(
        s.costs[0].schedule,
        CostSchedule::PerSeatMonthly {
            groups: vec![0],
            to_month: None,
            starts: SeatStart::Contract { month: None },
        }
    );
    assert_eq!(
        s.risks[0].delay_months.as_ref().unwrap().name,
        r#"risks."Slip".delay_months"#
    );
    assert_eq!(s.meta.trials, 10_000);
    assert_eq!(s.meta.seed, 42);
}

#[test]
fn funnel_levers_and_lever_costs() {
    let text = MIN.replace(
        "new_business_revenue = 1_000_000\ngross_margin = 0.5\n",
        "gross_margin = 0.5\n[baseline.funnel]\nleads_per_year = 20_000\nstage_conversion = [0.3, { pert = [0.4, 0.5, 0.6] }]\nwin_rate = 0.25\ndeal_size = { lognormal = { p5 = 8_000, p95 = 40_000 } }\n",
    );
    let text = format!(
        "{text}\n[[levers]]\nname = \"Training\"\nkind = \"training\"\n[levers.effects]\nspeed = {{ pert = [1.0, 1.2, 1.5] }}\n[[levers.costs]]\nname = \"Course\"\nkind = \"per_seat_one_off\"\namount = 500\n"
    );
    let s = ok(&text);
    let Some(NewBusiness::Funnel(f)) = &s.baseline.new_business else {
        panic!("funnel expected: {:?}", s.baseline.new_business)
    };
    assert_eq!(f.stage_conversion.len(), 2);
    assert_eq!(
        f.stage_conversion[1].name,
        "baseline.funnel.stage_conversion[1]"
    );
    assert_eq!(f.leads_per_year.name, "baseline.funnel.leads_per_year");
    assert!(matches!(f.deal_size.dist, Dist::LogNormal { .. }));
    let lever = &s.levers[0];
    assert_eq!(lever.kind, LeverKind::Training);
    assert_eq!(lever.applies_to, vec![0]);
    assert_eq!(
        lever.effects.speed.as_ref().unwrap().name,
        r#"levers."Training".effects.speed"#
    );
    let cost = &lever.costs[0];
    assert_eq!(cost.category, CostCategory::Training);
    assert_eq!(
        cost.amount.name,
        r#"levers."Training".costs."Course".amount"#
    );
    assert_eq!(
        cost.schedule,
        CostSchedule::PerSeatOneOff {
            groups: vec![0],
            starts: SeatStart::GoLive,
        }
    );
}

#[test]
fn unknown_keys_get_suggestions_and_positions() {
    let text = MIN.replace("horizon_months = 24", "horizon_monts = 24");
    let d = errors(&text);
    let e = find(&d, "scenario.horizon_monts");
    assert_eq!(e.location, at(4, 1));
    assert_eq!(e.suggestion.as_deref(), Some("horizon_months"));
    assert!(e.allowed.as_deref().unwrap().contains("discount_rate"));
    // The missing field is reported too, at the [scenario] header.
    let m = find(&d, "scenario.horizon_months");
    assert_eq!(m.location, at(1, 1));

    let text = format!("{MIN}\n[[capability]]\nname = \"x\"\n");
    let d = errors(&text);
    let e = find(&d, "capability");
    assert_eq!(e.suggestion.as_deref(), Some("capabilities"));
    assert_eq!(e.location, at(line_of(&text, "[[capability]]"), 3));
}

#[test]
fn references_are_checked_with_suggestions() {
    let text = MIN.replace("role = \"Rep\"", "role = \"rep\"");
    let d = errors(&text);
    let e = find(&d, r#"user_groups."Sales".role"#);
    assert_eq!(e.suggestion.as_deref(), Some("Rep"));
    assert_eq!(e.location, at(line_of(&text, "role = \"rep\""), 8));

    let text = MIN.replace(
        "driver = \"win_rate\"",
        "used_by = [\"Sales\", \"Sale\"]\ndriver = \"win_rate\"",
    );
    let d = errors(&text);
    let e = find(&d, r#"capabilities."Opportunities".used_by"#);
    assert_eq!(e.suggestion.as_deref(), Some("Sales"));
    assert_eq!(e.location, at(line_of(&text, "used_by"), 21));
}

#[test]
fn curve_and_driver_fields_must_belong() {
    let text = MIN
        .replace("curve = \"logistic\"", "curve = \"bass\"")
        .replace("midpoint = 3", "p = 0.05\nq = 0.3");
    let d = errors(&text);
    let e = find(&d, r#"user_groups."Sales".adoption.growth"#);
    assert!(
        e.message.contains("bass takes ceiling, p and q"),
        "{}",
        e.message
    );
    assert_eq!(e.location, at(line_of(&text, "growth = 0.5"), 1));
    assert_eq!(d.len(), 1, "{d:#?}");

    let text = MIN.replace("driver = \"win_rate\"", "driver = \"hours_saved\"");
    let d = errors(&text);
    let e = find(&d, r#"capabilities."Opportunities".uplift"#);
    assert!(e.message.contains("hours_per_week"), "{}", e.message);
    find(&d, r#"capabilities."Opportunities".hours_per_week"#);

    let text = MIN.replace("driver = \"win_rate\"", "driver = \"winrate\"");
    let d = errors(&text);
    let e = find(&d, r#"capabilities."Opportunities".driver"#);
    assert_eq!(e.suggestion.as_deref(), Some("win_rate"));
    assert_eq!(d.len(), 1, "{d:#?}");
}

#[test]
fn missing_baseline_prerequisites_name_the_field() {
    let text = MIN.replace("gross_margin = 0.5\n", "");
    let d = errors(&text);
    let e = find(&d, r#"capabilities."Opportunities".driver"#);
    assert!(e.message.contains("baseline.gross_margin"), "{}", e.message);
    assert_eq!(e.location, at(line_of(&text, "driver ="), 10));

    let text = format!(
        "{MIN}\n[[capabilities]]\nname = \"Churn\"\ndriver = \"retention\"\nuplift = 0.01\n\n[[capabilities]]\nname = \"Admin\"\ndriver = \"hours_saved\"\nhours_per_week = 2\n"
    )
    .replace("role = \"Rep\"\n", "");
    let d = errors(&text);
    let msgs: Vec<&str> = d
        .iter()
        .filter(|d| d.field == r#"capabilities."Churn".driver"#)
        .map(|d| d.message.as_str())
        .collect();
    assert!(
        msgs.iter().any(|m| m.contains("baseline.churn")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("baseline.installed_base_revenue")),
        "{msgs:?}"
    );
    let e = find(&d, r#"capabilities."Admin".driver"#);
    assert!(e.message.contains("has no role"), "{}", e.message);
}

#[test]
fn ranges_cover_the_whole_distribution() {
    let text = MIN.replace(
        "ceiling = 0.8",
        "ceiling = { normal = { mean = 0.8, sd = 0.1 } }",
    );
    let d = errors(&text);
    let e = find(&d, r#"user_groups."Sales".adoption.ceiling"#);
    assert!(
        e.allowed.as_deref().unwrap().contains("min = 0, max = 1"),
        "{e:?}"
    );
    assert_eq!(e.location, at(line_of(&text, "ceiling ="), 11));
    let fixed = text.replace("sd = 0.1 } }", "sd = 0.1 }, min = 0, max = 1 }");
    let s = ok(&fixed);
    assert_eq!(
        s.user_groups[0].adoption.ceiling().truncate,
        Some((0.0, 1.0))
    );

    let d = errors(&MIN.replace("go_live_month = 1", "go_live_month = 24"));
    let e = find(&d, r#"user_groups."Sales".go_live_month"#);
    assert!(e.allowed.as_deref().unwrap().contains("0 to 23"), "{e:?}");

    let d = errors(&MIN.replace(
        "new_business_revenue = 1_000_000",
        "new_business_revenue = 2e15",
    ));
    let e = find(&d, "baseline.new_business_revenue");
    assert!(e.allowed.as_deref().unwrap().contains("1e15"), "{e:?}");

    let d = errors(&MIN.replace("gross_margin = 0.5", "gross_margin = nan"));
    let e = find(&d, "baseline.gross_margin");
    assert!(e.message.contains("nan"), "{e:?}");
}

#[test]
fn duplicate_names_name_both_lines() {
    let text = format!(
        "{MIN}\n[[capabilities]]\nname = \"Opportunities\"\ndriver = \"deal_size\"\nuplift = 0.02\n"
    );
    let d = errors(&text);
    let first = line_of(&text, "name = \"Opportunities\"");
    let second = text.rfind("name = \"Opportunities\"").unwrap();
    let second = text[..second].matches('\n').count() as u32 + 1;
    let e = find(&d, r#"capabilities."Opportunities".name"#);
    assert!(
        e.message.contains(&format!("line {first}")),
        "{}",
        e.message
    );
    assert!(
        e.message.contains(&format!("line {second}")),
        "{}",
        e.message
    );
    assert_eq!(e.location, at(second, 8));
}

#[test]
fn many_errors_are_reported_together_in_line_order() {
    let text = r#"[scenario]
name = ""
currency = "dollars"
horizon_months = 0
discount_rate = 1.5
colour = "blue"

[baseline]
gross_margin = 1.2

[[user_groups]]
name = "A"
seats = -5
go_live_month = 2.5
[user_groups.adoption]
curve = "logistc"

[[capabilities]]
name = "C"
driver = "retention"
uplift = { pert = [0.05, 0.01, 0.03] }

[[costs]]
name = "X"
category = "licenses"
kind = "one_off"
amount = -3

[[risks]]
name = "R"
probability = { uniform = [0, 1] }
benefit_realised = 2
"#;
    let d = errors(text);
    assert!(d.len() >= 14, "{d:#?}");
    let lines: Vec<u32> = d
        .iter()
        .filter_map(|d| d.location.map(|l| l.line))
        .collect();
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(lines, sorted);
    for field in [
        "scenario.name",
        "scenario.currency",
        "scenario.horizon_months",
        "scenario.discount_rate",
        "scenario.colour",
        "baseline.gross_margin",
        r#"user_groups."A".seats"#,
        r#"user_groups."A".go_live_month"#,
        r#"user_groups."A".adoption.curve"#,
        r#"capabilities."C".uplift"#,
        r#"costs."X".category"#,
        r#"costs."X".amount"#,
        r#"risks."R".probability"#,
        r#"risks."R".benefit_realised"#,
    ] {
        assert!(
            d.iter().any(|d| d.field == field),
            "{field} missing from {d:#?}"
        );
    }
    let curve = find(&d, r#"user_groups."A".adoption.curve"#);
    assert_eq!(curve.suggestion.as_deref(), Some("logistic"));
    let cat = find(&d, r#"costs."X".category"#);
    assert_eq!(cat.suggestion.as_deref(), Some("licence"));
    assert_eq!(cat.location, at(25, 12));
}

#[test]
fn structural_problems() {
    // Both new_business_revenue and a funnel.
    let text = MIN.replace(
        "gross_margin = 0.5\n",
        "gross_margin = 0.5\n[baseline.funnel]\nleads_per_year = 10\nwin_rate = 0.2\ndeal_size = 100\n",
    );
    let d = errors(&text);
    find(&d, "baseline.funnel");
    // A list section written with single brackets.
    let text = format!("{MIN}\n[costs]\nname = \"x\"\n");
    let d = errors(&text);
    assert!(find(&d, "costs").message.contains("[[costs]]"));
    // No groups and no capabilities at all.
    let d = errors(
        "[scenario]\nname = \"x\"\ncurrency = \"EUR\"\nhorizon_months = 12\ndiscount_rate = 0.08\n",
    );
    find(&d, "user_groups");
    find(&d, "capabilities");
    // Fields above the first header.
    let text = format!("horizon_months = 12\n{MIN}").replace("horizon_months = 24\n", "");
    let d = errors(&text);
    let e = find(&d, "horizon_months");
    assert!(
        e.message.contains("belongs in the [scenario] section"),
        "{e:?}"
    );
    assert_eq!(e.location, at(1, 1));
    // Empty lists.
    let text = "user_groups = []\ncapabilities = []\n[scenario]\nname = \"x\"\ncurrency = \"EUR\"\nhorizon_months = 12\ndiscount_rate = 0.08\n";
    let d = errors(text);
    assert_eq!(d.len(), 2, "{d:#?}");
    find(&d, "user_groups");
    find(&d, "capabilities");
    // Missing [scenario].
    let d = errors(&MIN.replace("[scenario]", "[scenarios]"));
    assert_eq!(
        find(&d, "scenarios").suggestion.as_deref(),
        Some("scenario")
    );
    assert!(find(&d, "scenario").message.contains("[scenario]"));
    // A risk without effect, a cost field of another kind.
    let text = format!(
        "{MIN}\n[[risks]]\nname = \"R\"\nprobability = 0.5\n\n[[costs]]\nname = \"C\"\ncategory = \"other\"\nkind = \"one_off\"\ngroups = [\"Sales\"]\namount = 5\n"
    );
    let d = errors(&text);
    find(&d, r#"risks."R""#);
    assert!(
        find(&d, r#"costs."C".groups"#)
            .message
            .contains("one_off takes month")
    );
}

#[test]
fn syntax_errors_and_empty_text() {
    let d = errors("[scenario]\nname = \"x\nhorizon_months = 3\n");
    assert_eq!(d.len(), 1);
    assert!(d[0].message.starts_with("invalid TOML"), "{d:?}");
    assert_eq!(d[0].location.map(|l| l.line), Some(2));
    let d = errors("  \n# only a comment\n".split('#').next().unwrap());
    assert!(d[0].message.contains("empty"));
    let d = errors("# only a comment\n\n   # and another\n");
    assert_eq!(d.len(), 1);
    assert!(d[0].message.contains("only comments"), "{d:?}");
    // A duplicate key names the key and shows the line with the key underlined.
    let e = parse_str("[scenario]\nname = \"x\"\nname = \"y\"\n", None).unwrap_err();
    assert!(e.diagnostics[0].message.contains("(at `name`)"), "{e:?}");
    let shown = e.to_string();
    assert!(
        shown.contains(" --> <built-in scenario>:3:1\n  |\n3 | name = \"y\"\n  | ^^^^"),
        "{shown}"
    );
    // A byte-order mark is ignored.
    ok(&format!("\u{feff}{MIN}"));
}
