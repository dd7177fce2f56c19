//! `valuecase breakeven`: search one input's value at which a statistic meets a target, print
//! it (or its JSON) and draw the curve.

use std::fs;
use std::path::PathBuf;

use crate::analysis::breakeven::{self, Request, Target};
use crate::cli::BreakevenArgs;
use crate::engine::ScenarioIdentity;
use crate::error::{AppError, print};
use crate::report::charts::{ChartContext, FontSearch, breakeven as chart};
use crate::report::escape;
use crate::report::input_label::InputLabel;
use crate::results::Breakeven;

use super::load;

/// Run a break-even search.
pub fn breakeven(args: &BreakevenArgs) -> Result<(), AppError> {
    let target = Target::parse(&args.target)?;
    let loaded = load(args.scenario.as_deref())?;
    let meta = &loaded.scenario.meta;
    let req = Request {
        input: args.input.clone(),
        target,
        target_text: args.target.trim().to_string(),
        seed: args.seed.unwrap_or(meta.seed),
        trials: args.trials.unwrap_or(meta.trials),
        range: args.range,
    };
    let identity = ScenarioIdentity::new(meta, loaded.file.clone(), loaded.sha256.clone());
    let (result, summary) = breakeven::breakeven(&loaded.scenario, &identity, &req)?;

    let mut written = Vec::new();
    if !args.no_charts {
        let dir = args
            .out
            .clone()
            .unwrap_or_else(|| PathBuf::from("output").join(&loaded.stem));
        fs::create_dir_all(&dir).map_err(|e| AppError::io("create output directory", &dir, e))?;
        let ctx = ChartContext {
            summary: &summary,
            png_font: None,
            fonts: FontSearch::System,
        };
        let out = chart::write(&ctx, &result, &dir)?;
        for note in &out.notes {
            eprintln!("note: {note}");
        }
        written = out.files;
    }

    let text = if args.json {
        let json = serde_json::to_string_pretty(&result).map_err(|e| {
            AppError::Export(crate::export::ExportError::Encode {
                format: "JSON",
                message: e.to_string(),
            })
        })?;
        format!("{json}\n")
    } else {
        let mut text = describe(&result);
        for f in &written {
            text.push_str(&format!(
                "wrote {}\n",
                escape::terminal(&f.display().to_string())
            ));
        }
        text
    };
    print(&text)?;
    if !result.reachable {
        let (v, s) = (result.value.unwrap_or(f64::NAN), result.statistic_at_value);
        return Err(AppError::Unreachable(format!(
            "the target {} is not met anywhere in [{}, {}]: the best is {} at {} = {}",
            result.target,
            result.range[0],
            result.range[1],
            s.map_or_else(|| "undefined".to_string(), |s| format!("{s}")),
            escape::terminal(&result.input),
            v
        )));
    }
    Ok(())
}

/// The result in a few lines for the terminal.
fn describe(b: &Breakeven) -> String {
    let name = escape::terminal(&b.input);
    let label = escape::terminal(&InputLabel::of(&b.input).short()).into_owned();
    let number = |v: f64| {
        format!("{v:.6}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    };
    let mut out = format!("Break-even of {name} for {}\n", b.target);
    match (b.value, b.reachable) {
        (Some(v), true) => out.push_str(&format!(
            "  {label} = {} (to within {}), where the statistic is {}\n",
            number(v),
            number(b.tolerance.unwrap_or(0.0)),
            b.statistic_at_value
                .map_or_else(|| "undefined".into(), number)
        )),
        (Some(v), false) => out.push_str(&format!(
            "  not reached: the best is {} at {label} = {}\n",
            b.statistic_at_value
                .map_or_else(|| "undefined".into(), number),
            number(v)
        )),
        (None, _) => out.push_str(&format!(
            "  the target holds across the whole range searched, {} to {}\n",
            number(b.range[0]),
            number(b.range[1])
        )),
    }
    out.push_str(&format!(
        "  now: {label} = {}, where the statistic is {}\n  {} simulations of {} trials, seed {}; \
         searched {} to {}\n",
        number(b.current_value),
        number(b.statistic_at_current),
        b.curve.len(),
        crate::report::format::thousands(b.trials),
        b.seed,
        number(b.range[0]),
        number(b.range[1]),
    ));
    out
}
