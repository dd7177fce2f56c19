//! The model's equations as spreadsheet formulas, one function per equation of docs/MODEL.md,
//! each written once: when the model changes, the formula changes here. Arguments and results
//! are formula text (cell references, names or expressions, without the leading `=`); only
//! functions Excel, LibreOffice and Google Sheets all evaluate are used (IF, AND, MIN, MAX,
//! EXP, LN, ROUND, INDEX, SUM, SUMPRODUCT, COUNT, COUNTIF, IRR, NPV, IFERROR).

/// Sum of terms, `0` for none: `a+b+c`.
pub fn sum(terms: &[String]) -> String {
    if terms.is_empty() {
        "0".into()
    } else {
        terms.join("+")
    }
}

/// Product of factors, `1` for none: `a*b*c`.
pub fn product(factors: &[String]) -> String {
    if factors.is_empty() {
        "1".into()
    } else {
        factors.join("*")
    }
}

/// `x` clamped to [0, 1]: §1 (ceiling and data quality after levers).
pub fn clamp01(x: &str) -> String {
    format!("MIN(1,MAX(0,{x}))")
}

/// §1: a midpoint after levers' shifts, held to the range a scenario may give it, [−24, 120].
pub fn midpoint(m: &str, shift: &str) -> String {
    format!("MIN(120,MAX(-24,{m}+{shift}))")
}

/// §4/§5: the monthly rate `(1 + r)^(1/12) − 1`.
pub fn monthly_rate(annual: &str) -> String {
    format!("(1+{annual})^(1/12)-1")
}

/// §6: the discount factor `1 / (1 + r_m)^t`.
pub fn discount_factor(monthly_rate: &str, t: &str) -> String {
    format!("1/(1+{monthly_rate})^{t}")
}

/// §3: the baseline growth factor `(1 + γ)^(t/12)`.
pub fn growth(gamma: &str, t: &str) -> String {
    format!("(1+{gamma})^({t}/12)")
}

/// §5: a risk's effect when it happens (`happens`, a condition), else `neutral`.
pub fn if_risk(happens: &str, effect: &str, neutral: &str) -> String {
    format!("IF({happens},{effect},{neutral})")
}

/// §5: the go-live delay, each occurring risk's draw rounded to whole months, never negative.
pub fn delay(rounded_terms: &[String]) -> String {
    format!("MAX(0,{})", sum(rounded_terms))
}

/// §5: one risk's delay term, `IF(happens, ROUND(delay, 0), 0)`: each risk's delay rounded
/// on its own, halves away from zero as the model rounds them.
pub fn delay_term(happens: &str, months: &str) -> String {
    if_risk(happens, &format!("ROUND({months},0)"), "0")
}

/// The curve of §1 with its parameters after levers, evaluated at τ (months since go-live,
/// τ ≥ 0; the caller puts the `τ < 0 → 0` rule around it). Exponents beyond 700 are taken as
/// "not yet" (0), as the model does, since EXP overflows above about 709.
pub enum Curve<'a> {
    /// C / (1 + exp(−k (τ − m)))
    Logistic { k: &'a str, m: &'a str },
    /// C (1 − e^{−(p+q)τ}) / (1 + (q/p) e^{−(p+q)τ})
    Bass { p: &'a str, q: &'a str },
    /// C exp(−exp(−r (τ − m)))
    Gompertz { r: &'a str, m: &'a str },
    /// C min(1, τ / R)
    Linear { ramp: &'a str },
    /// C · values[min(τ, len − 1)]
    Table { values: &'a str, len: usize },
}

/// §1: adoption a_g(t) = 0 for τ < 0, else C · curve(τ), with τ = t − go-live (delay included).
pub fn adoption(t: &str, go_live: &str, ceiling: &str, curve: &Curve) -> String {
    let tau = format!("({t}-{go_live})");
    let value = match curve {
        Curve::Logistic { k, m } => {
            format!("IF({k}*({m}-{tau})>700,0,{ceiling}/(1+EXP(-{k}*({tau}-{m}))))")
        }
        Curve::Bass { p, q } => {
            let e = format!("EXP(-({p}+{q})*{tau})");
            format!("{ceiling}*(1-{e})/(1+{q}/{p}*{e})")
        }
        Curve::Gompertz { r, m } => {
            format!("IF({r}*({m}-{tau})>700,0,{ceiling}*EXP(-EXP({r}*({m}-{tau}))))")
        }
        Curve::Linear { ramp } => format!("{ceiling}*MIN(1,{tau}/{ramp})"),
        Curve::Table { values, len } => {
            format!(
                "{ceiling}*INDEX({values},MIN({tau},{})+1)",
                len.saturating_sub(1)
            )
        }
    };
    format!("IF({t}<{go_live},0,{value})")
}

/// §2: the realised share A_c(t) = Σ_g w_g · â_g(t − lag), from (weight, lagged quality-weighted
/// adoption) pairs.
pub fn realised_share(weighted: &[(String, String)]) -> String {
    sum(&weighted
        .iter()
        .map(|(w, a)| format!("{w}*{a}"))
        .collect::<Vec<_>>())
}

/// The monthly amount of an annual baseline figure after growth: `annual · G(t) / 12`.
pub fn monthly(annual: &str, growth: &str) -> String {
    format!("{annual}*{growth}/12")
}

/// §3 funnel: F(t) = NB(t) · M · (Π (1 + x_k) − 1).
pub fn funnel_gain(nb_month: &str, margin: &str, uplifts: &[String]) -> String {
    let factors: Vec<String> = uplifts.iter().map(|x| format!("(1+{x})")).collect();
    format!("{nb_month}*{margin}*({}-1)", product(&factors))
}

/// The reduction `min(x, 0.999999)` the model applies before compounding reductions.
pub fn capped(x: &str) -> String {
    format!("MIN({x},0.999999)")
}

/// §3 cost reductions: saving = base(t) · (1 − Π (1 − x_k)).
pub fn reduction_saving(base_month: &str, reductions: &[String]) -> String {
    let kept: Vec<String> = reductions
        .iter()
        .map(|x| format!("(1-{})", capped(x)))
        .collect();
    format!("{base_month}*(1-{})", product(&kept))
}

/// The attribution weight of one factor (§3, "Attribution"): ln(1 + x) for the funnel,
/// −ln(1 − x) for reductions.
pub fn log_weight(x: &str, funnel: bool) -> String {
    if funnel {
        format!("LN(1+{x})")
    } else {
        format!("-LN(1-{})", capped(x))
    }
}

/// §3 attribution: part_c = gain · w_c / Σ w, split equally when Σ w = 0; a capability alone
/// takes the whole gain.
pub fn attributed(gain: &str, weight: &str, weight_sum: &str, count: usize) -> String {
    if count <= 1 {
        return gain.to_string();
    }
    format!("IF({weight_sum}=0,{gain}/{count},{gain}*({weight}/{weight_sum}))")
}

/// §3 sales cycle: s_c(t) = s(t) · x_c / Σ x_k (0 when Σ x_k = 0), s(t) = 1 − Π (1 − x_k),
/// with every x capped at 0.999999.
pub fn cycle_share(x: &str, raw_total: &str, combined: &str) -> String {
    format!("IF({raw_total}>0,{}/{raw_total}*{combined},0)", capped(x))
}

/// §3 sales cycle: benefit = NB(t) · M · S · (s_c(t) − s_c(t−1)), s_c(−1) = 0.
pub fn cycle_benefit(
    nb_month: &str,
    margin: &str,
    cycle: &str,
    share: &str,
    before: &str,
) -> String {
    format!("{nb_month}*{margin}*{cycle}*({share}-{before})")
}

/// §3 retention: the share of the installed base kept a month that would have left,
/// Δ(t) = (1 − ch + X)^(1/12) − s with X = min(Σ x, ch).
pub fn retention_kept(total: &str, churn: &str, survival: &str) -> String {
    format!("(1-{churn}+MIN({total},{churn}))^(1/12)-{survival}")
}

/// §3 retention: K_c(t) = K_c(t−1) · s · g + IB(t) · Δ(t) · x_c(t) / Σ x (0 when Σ x = 0).
pub fn retention_stock(
    before: Option<&str>,
    keep: &str,
    ib_year: &str,
    kept: &str,
    x: &str,
    total: &str,
) -> String {
    let saved = format!("IF({total}>0,{ib_year}*{kept}*({x}/{total}),0)");
    match before {
        Some(k) => format!("{k}*{keep}+{saved}"),
        None => saved,
    }
}

/// §3 retention: benefit = K_c(t) / 12 · M.
pub fn retention_benefit(stock: &str, margin: &str) -> String {
    format!("{stock}/12*{margin}")
}

/// §3 cross-sell: IB(t) / 12 · M · x_c(t).
pub fn cross_sell(ib_month: &str, margin: &str, x: &str) -> String {
    format!("{ib_month}*{margin}*{x}")
}

/// §3 hours saved: Σ_g seats_g · a_g(t − lag) · hours · W_g/12 · w_g, from (seats, lagged
/// adoption, working weeks, hourly cost) terms; `hours` is h · v.
pub fn hours_saved(terms: &[(String, String, String, String)], hours: &str) -> String {
    sum(&terms
        .iter()
        .map(|(seats, a, weeks, cost)| format!("{seats}*{a}*{hours}*({weeks}/12)*{cost}"))
        .collect::<Vec<_>>())
}

/// §3 hours saved: hours saved per user per week that turn into value, h · v.
pub fn hours_value(hours_per_week: &str, value_share: &str) -> String {
    format!("{hours_per_week}*{value_share}")
}

/// §3 direct value: V / 12 · Ā_c(t) (or · σ_c(t) on a schedule).
pub fn direct_value(annual: &str, share: &str) -> String {
    format!("{annual}/12*({share})")
}

/// §3 direct value on a schedule: σ(t) = 0 before F + D, then min(1, (t − F − D + 1) / R), or 1
/// at once when R = 0.
pub fn value_schedule(t: &str, from: &str, delay: &str, ramp: &str) -> String {
    format!("IF({t}<{from}+{delay},0,IF({ramp}=0,1,MIN(1,({t}-{from}-{delay}+1)/{ramp})))")
}

/// §3 pipeline timing: x̃(t) = (1 − f) · x(t − n) + f · x(t − n − 1), x = 0 before month 0,
/// reading the column `x` (all months, month 0 first) at month t − n and t − n − 1.
pub fn pipeline(x: &str, t: &str, whole: &str, fraction: &str) -> String {
    format!(
        "(1-{fraction})*IF({t}-{whole}>=0,INDEX({x},{t}-{whole}+1),0)\
         +{fraction}*IF({t}-{whole}>=1,INDEX({x},{t}-{whole}),0)"
    )
}

/// §3: a benefit after risk, ρ · benefit, except a dis-benefit (a negative effect), which
/// keeps its full value.
pub fn after_risk(rho: &str, effect: &str, benefit: &str) -> String {
    format!("IF({effect}<0,1,{rho})*({benefit})")
}

/// §4: a cost line's amount after overrun and risk, A (1 + o) κ_r.
pub fn cost_amount(amount: &str, overrun: Option<&str>, kappa: &str) -> String {
    match overrun {
        Some(o) => format!("{amount}*(1+{o})*{kappa}"),
        None => format!("{amount}*{kappa}"),
    }
}

/// §4: `value` in the months `from ≤ t ≤ to`, else 0.
pub fn in_months(t: &str, from: &str, to: &str, value: &str) -> String {
    format!("IF(AND({t}>={from},{t}<={to}),{value},0)")
}

/// §4: `value` in month `month`, else 0.
pub fn in_month(t: &str, month: &str, value: &str) -> String {
    format!("IF({t}={month},{value},0)")
}

/// §6 payback: the crossing within month t, `(t − 1) + (−B_{t−1}) / N(t)` when
/// `B_{t−1} < 0 ≤ B_t`, else empty text; the first crossing is the smallest of these.
pub fn crossing(t: &str, balance_before: &str, balance: &str, flow: &str) -> String {
    format!(
        "IF(AND({balance_before}<0,{balance}>=0),({t}-1)+MIN(1,MAX(0,-{balance_before}/{flow})),\"\")"
    )
}

/// §6 payback from the balances and crossings: 0 if no balance is negative, "never" if none
/// crosses, else the first crossing.
pub fn payback(balances: &str, crossings: &str) -> String {
    format!(
        "IF(COUNTIF({balances},\"<0\")=0,0,IF(COUNT({crossings})=0,\"never\",MIN({crossings})))"
    )
}

/// §6: ROI = (PV benefits − PV costs) / PV costs, "n/a" when PV costs is 0.
pub fn roi(pv_benefits: &str, pv_costs: &str) -> String {
    format!("IF({pv_costs}>0,({pv_benefits}-{pv_costs})/{pv_costs},\"n/a\")")
}

/// §6: the annual IRR from Excel's IRR of the monthly flows, (1 + m)^12 − 1; "none" where IRR
/// finds no root.
pub fn irr_annual(flows: &str, guess: &str) -> String {
    format!("IFERROR((1+IRR({flows},{guess}))^12-1,\"none\")")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_read_like_the_equations() {
        assert_eq!(
            adoption(
                "$A9",
                "$B$3",
                "$C$3",
                &Curve::Logistic {
                    k: "$E$3",
                    m: "$F$3"
                }
            ),
            "IF($A9<$B$3,0,IF($E$3*($F$3-($A9-$B$3))>700,0,$C$3/(1+EXP(-$E$3*(($A9-$B$3)-$F$3)))))"
        );
        assert_eq!(
            funnel_gain("NB", "M", &["X1".into(), "X2".into()]),
            "NB*M*((1+X1)*(1+X2)-1)"
        );
        assert_eq!(attributed("F", "W", "S", 1), "F");
        assert_eq!(attributed("F", "W", "S", 3), "IF(S=0,F/3,F*(W/S))");
        assert_eq!(delay(&[]), "MAX(0,0)");
        assert_eq!(product(&[]), "1");
        assert_eq!(
            payback("C1:C9", "D1:D9"),
            "IF(COUNTIF(C1:C9,\"<0\")=0,0,IF(COUNT(D1:D9)=0,\"never\",MIN(D1:D9)))"
        );
    }
}
