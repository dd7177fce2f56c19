//! `valuecase tei`: the case as TEI tables placed in its simulation, and a vendor's TEI study
//! checked against its own table and placed in this case.

use std::time::Instant;

use serde::Serialize;

use crate::analysis::tei::{Scale, check_and_place, read_study};
use crate::cli::{TeiArgs, VendorScale};
use crate::engine::{self, RunSpec};
use crate::error::{AppError, print};
use crate::model::Model;
use crate::report::tei as show;
use crate::results::{Tei, TeiVendor};

use super::load;

/// What `valuecase tei --json` prints: the `tei` section of results.json, the run it comes
/// from and, with `--vendor`, the vendor's study.
#[derive(Serialize)]
struct TeiJson<'a> {
    scenario: &'a str,
    currency: &'a str,
    trials: u64,
    seed: u64,
    discount_rate_annual: f64,
    #[serde(flatten)]
    tei: &'a Tei,
    #[serde(skip_serializing_if = "Option::is_none")]
    vendor: Option<&'a TeiVendor>,
}

/// Show the TEI view of a scenario.
pub fn tei(args: &TeiArgs) -> Result<(), AppError> {
    let loaded = load(Some(&args.scenario))?;
    let scenario = &loaded.scenario;
    // The study is read, and its scale checked, before any trial is run.
    let study = args.vendor.as_deref().map(read_study).transpose()?;
    let scale = match args.vendor_scale {
        None => Scale::None,
        Some(VendorScale::Factor(f)) => Scale::Factor(f),
        Some(VendorScale::Seats) => Scale::Seats {
            case: scenario.user_groups.iter().map(|g| g.seats).sum(),
        },
    };
    if let (Some(s), Scale::Seats { .. }) = (&study, &scale)
        && s.seats.is_none()
    {
        return Err(crate::analysis::tei::ScaleError::NoStudySeats.into());
    }
    let meta = &scenario.meta;
    let spec = RunSpec {
        seed: args.seed.unwrap_or(meta.seed),
        first_trial: 0,
        trials: args.trials.unwrap_or(meta.trials),
    };
    let model = Model::compile(scenario);
    let limit = 4096 * 1024 * 1024;
    let need = engine::estimated_memory_bytes(&model, spec.trials);
    if need > limit {
        return Err(AppError::MemoryLimit {
            trials: spec.trials,
            need_mib: need / (1024 * 1024),
            limit_mib: limit / (1024 * 1024),
        });
    }
    let started = Instant::now();
    let out = engine::run(&model, spec, &|_| {});
    let tei = engine::tei::tei_section(&model, &out, &scenario.tei);
    let vendor = study
        .map(|s| check_and_place(&s, &scale, &out))
        .transpose()?;
    if std::env::var_os("VALUECASE_TIMINGS").is_some() {
        eprintln!(
            "timings: run and TEI {:.3} s",
            started.elapsed().as_secs_f64()
        );
    }
    let text = if args.json {
        let json = TeiJson {
            scenario: &meta.name,
            currency: &meta.currency,
            trials: spec.trials,
            seed: spec.seed,
            discount_rate_annual: meta.discount_rate,
            tei: &tei,
            vendor: vendor.as_ref(),
        };
        let mut t = serde_json::to_string_pretty(&json).map_err(|e| {
            AppError::Export(crate::export::ExportError::Encode {
                format: "JSON",
                message: e.to_string(),
            })
        })?;
        t.push('\n');
        t
    } else {
        let mut t = show::tables(&tei, &meta.currency, meta.discount_rate, spec.trials);
        if let Some(v) = &vendor {
            t.push('\n');
            t.push_str(&show::vendor(v, &meta.currency));
        }
        t
    };
    print(&text)
}
