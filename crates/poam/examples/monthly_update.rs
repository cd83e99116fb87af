//! Applies a month's updates (a team's edits, a scanner's findings, in any format) to last
//! month's POA&M and writes the next month's, as `poam merge` does.
//!
//! ```sh
//! cargo run -p poam --example monthly_update -- 2024-07-01 month2.json \
//!     fixtures/cycles/month1.json fixtures/cycles/month2-team.json fixtures/cycles/month2-scan.json
//! ```
//!
//! Exit code 0: merged; 1: refused (conflicting updates, an ambiguous match), nothing
//! written; 2: an input could not be read.

// An example program talks to its user.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use poam::cycle::{MergeError, Options, Update};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [as_of, output, base, updates @ ..] = args.as_slice() else {
        eprintln!("usage: monthly_update AS_OF(YYYY-MM-DD) OUTPUT BASE UPDATE...");
        return ExitCode::from(2);
    };
    let Ok(day) = poam::chrono::NaiveDate::parse_from_str(as_of, "%Y-%m-%d") else {
        eprintln!("{as_of:?} is not a date (YYYY-MM-DD)");
        return ExitCode::from(2);
    };
    let options = Options {
        as_of: day
            .and_time(poam::chrono::NaiveTime::MIN)
            .and_utc()
            .fixed_offset(),
        complete: false,
        prefer: None,
        force: false,
    };
    // Every input is read before anything is merged.
    let mut docs = Vec::new();
    for path in std::iter::once(base).chain(updates) {
        match poam::read_path(path) {
            Ok(loaded) => docs.push((path.as_str(), loaded.document)),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let Some((base, updates)) = docs.split_first() else {
        return ExitCode::from(2);
    };
    let updates: Vec<Update<'_>> = updates
        .iter()
        .map(|(name, document)| Update { name, document })
        .collect();
    match poam::cycle::merge(&base.1, &updates, &options) {
        Ok(outcome) => {
            let r = &outcome.report;
            println!(
                "{} new, {} changed, {} closed, {} reopened, {} unchanged",
                r.new.len(),
                r.changed.len(),
                r.closed.len(),
                r.reopened.len(),
                r.unchanged
            );
            match poam::write_path(&outcome.document, output, None) {
                Ok(_) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Err(e @ (MergeError::Conflicts(_) | MergeError::Ambiguous(_))) => {
            eprintln!("error: {e}\nnothing written");
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error: {e}\nnothing written");
            ExitCode::from(2)
        }
    }
}
