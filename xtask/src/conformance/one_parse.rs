//! Part 4 of the `validate` section: the single parse gives the findings of the two parses.
//!
//! `poam_validate::validate_text` reads JSON once (the typed model, the constraint pass on its
//! borrowed view); `validate_text_two_parses` is the pass on the text's `serde_json::Value`
//! tree beside the typed model, as before. On every reference example (both profiles) and
//! every mutant of each distinct example (written as JSON text; the FedRAMP profile, which
//! runs every OSCAL check too) both must give the same rule set and the same diagnostics:
//! rules, places, messages, severities and order.

use chrono::NaiveDate;
use poam_io::{Format, SourceName};
use poam_validate::mutation;
use poam_validate::{Options, Profile, Validation};
use serde_json::Value as Json;

use super::validate::options;
use super::{Outcome, Section, Table};

/// One reference example, as the section read it.
pub(super) struct Example<'a> {
    pub(super) name: &'a str,
    pub(super) text: &'a str,
    pub(super) format: Format,
    /// Its JSON form to mutate, for the first example of each distinct document.
    pub(super) base: Option<&'a Json>,
}

/// A run as it is compared: everything a report shows.
fn outcome(v: Result<Validation, poam_io::ReadError>) -> String {
    match v {
        Ok(v) => format!("{:?}\n{:#?}", v.rule_set, v.diagnostics),
        Err(e) => format!("unreadable: {e:?}"),
    }
}

/// `None` when both paths agree on `text`, else both outcomes.
fn difference(text: &str, format: Format, name: &str, opts: &Options) -> Option<String> {
    let name = SourceName(name.to_owned());
    let one = outcome(poam_validate::validate_text(text, format, &name, opts));
    let two = outcome(poam_validate::validate_text_two_parses(
        text, format, &name, opts,
    ));
    (one != two).then(|| format!("--- one parse\n{one}\n--- two parses\n{two}"))
}

/// The differences on every mutant of `base` (in parallel, as the agreement part judges).
fn mutant_differences(name: &str, base: &Json, opts: &Options) -> (usize, Vec<String>) {
    let mutants = mutation::mutations(base);
    let workers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .clamp(1, 4);
    let chunk = mutants.len().div_ceil(workers).max(1);
    let diffs = std::thread::scope(|s| {
        let handles: Vec<_> = mutants
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || {
                    part.iter()
                        .filter_map(|m| {
                            let text = serde_json::to_string_pretty(&m.apply(base)).ok()?;
                            let d = difference(&text, Format::Json, name, opts)?;
                            Some(format!("{} at {}:\n{d}", m.kind.name(), m.pointer))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|_| vec!["a worker panicked".to_owned()])
            })
            .collect()
    });
    (mutants.len(), diffs)
}

/// Part 4: one outcome per example.
pub(super) fn run(examples: &[Example<'_>], as_of: NaiveDate, section: &mut Section) {
    let mut table = Table::new(&["document", "both profiles", "mutants", "one parse"]);
    let mut first_difference = None;
    let fedramp = options(Profile::Fedramp, as_of);
    for ex in examples {
        let mut diffs: Vec<String> = [
            options(Profile::Oscal, as_of),
            options(Profile::Fedramp, as_of),
        ]
        .iter()
        .filter_map(|opts| difference(ex.text, ex.format, ex.name, opts))
        .collect();
        let whole = if diffs.is_empty() {
            "same"
        } else {
            "DIFFERENT"
        };
        let mutants = match ex.base {
            Some(base) => {
                let (n, d) = mutant_differences(ex.name, base, &fedramp);
                diffs.extend(d);
                n.to_string()
            }
            None => "-".to_owned(),
        };
        let outcome = if diffs.is_empty() {
            Outcome::Pass("same findings".into())
        } else {
            Outcome::Fail(format!("{} difference(s)", diffs.len()))
        };
        if first_difference.is_none() {
            first_difference = diffs
                .into_iter()
                .next()
                .map(|d| format!("{}: {d}", ex.name));
        }
        section.count(&outcome);
        table.row(vec![
            ex.name.to_owned(),
            whole.to_owned(),
            mutants,
            outcome.cell(),
        ]);
    }
    println!(
        "\nOne parse (the typed model and its view) against two (the JSON tree beside the model), same findings:\n"
    );
    print!("{}", table.render());
    if let Some(d) = first_difference {
        println!("\nThe first difference, {d}");
    }
}
