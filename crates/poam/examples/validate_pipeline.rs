//! Validates POA&Ms in a CI pipeline: SARIF 2.1.0 on standard output (for code-scanning
//! dashboards), a one-line verdict per file on standard error, and the exit code a pipeline
//! acts on.
//!
//! ```sh
//! cargo run -p poam --example validate_pipeline -- fedramp 2025-01-15 \
//!     fixtures/validate/valid.json > poam.sarif
//! ```
//!
//! Exit code 0: every file valid (warnings allowed); 1: a file has errors; 2: a file could
//! not be read.

// An example program talks to its user.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::Path;
use std::process::ExitCode;

use poam::FileFormat;
use poam::io::SourceName;
use poam::validate::{Diagnostic, Options, Profile, Validation};
use serde_json::{Value, json};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [profile, as_of, files @ ..] = args.as_slice() else {
        eprintln!("usage: validate_pipeline oscal|fedramp AS_OF(YYYY-MM-DD) FILE...");
        return ExitCode::from(2);
    };
    let profile = match profile.as_str() {
        "oscal" => Profile::Oscal,
        "fedramp" => Profile::Fedramp,
        other => {
            eprintln!("unknown profile {other:?}: expected oscal or fedramp");
            return ExitCode::from(2);
        }
    };
    let Ok(as_of) = poam::chrono::NaiveDate::parse_from_str(as_of, "%Y-%m-%d") else {
        eprintln!("{as_of:?} is not a date (YYYY-MM-DD)");
        return ExitCode::from(2);
    };
    let options = Options {
        profile,
        as_of,
        ..Options::default()
    };
    let mut results = Vec::new();
    let mut code = 0;
    for file in files {
        match check(Path::new(file), &options) {
            Ok((validation, places)) => {
                let errors = validation.has_errors();
                eprintln!(
                    "{file}: {} ({} diagnostics)",
                    if errors { "invalid" } else { "valid" },
                    validation.diagnostics.len()
                );
                if errors {
                    code = code.max(1);
                }
                for d in &validation.diagnostics {
                    results.push(result(file, d, places(d)));
                }
            }
            Err(e) => {
                eprintln!("{file}: unreadable: {e}");
                code = 2;
            }
        }
    }
    println!("{:#}", sarif(&results));
    ExitCode::from(code)
}

/// A diagnostic's line and column, when the source is text.
type Places = Box<dyn Fn(&Diagnostic) -> Option<(usize, usize)>>;

/// Validates one file: OSCAL text through `validate_text` (which also reports what the
/// typed model cannot hold) with every diagnostic placed at its line; a workbook through
/// the typed model.
fn check(path: &Path, options: &Options) -> Result<(Validation, Places), poam::ReadError> {
    let oscal = FileFormat::from_path(path).and_then(FileFormat::oscal);
    let Some(format) = oscal else {
        let doc = poam::read_path(path)?.document;
        return Ok((poam::validate::validate(&doc, options), Box::new(|_| None)));
    };
    let name = SourceName::path(path);
    let text = std::fs::read_to_string(path)
        .map_err(|e| poam::ReadError::new(&name, poam::io::ErrorKind::Io, e.to_string()))?;
    let validation = poam::validate::validate_text(&text, format, &name, options)?;
    let pointers = validation.diagnostics.iter().map(|d| d.pointer.as_str());
    let located = poam::io::locate_all(&text, format, pointers);
    let places: Places = Box::new(move |d| located.get(&d.pointer).map(|p| (p.line, p.column)));
    Ok((validation, places))
}

fn result(file: &str, d: &Diagnostic, place: Option<(usize, usize)>) -> Value {
    let mut location = json!({ "artifactLocation": { "uri": file } });
    if let Some((line, column)) = place {
        location["region"] = json!({ "startLine": line, "startColumn": column });
    }
    json!({
        "ruleId": d.rule,
        "level": match d.severity {
            poam::validate::Severity::Error => "error",
            poam::validate::Severity::Warning => "warning",
            poam::validate::Severity::Info => "note",
        },
        "message": { "text": d.message },
        "locations": [{
            "physicalLocation": location,
            "logicalLocations": [{ "fullyQualifiedName": d.pointer }],
        }],
    })
}

fn sarif(results: &[Value]) -> Value {
    let rules: Vec<Value> = poam::validate::rules()
        .iter()
        .map(|r| json!({ "id": r.id, "shortDescription": { "text": r.summary } }))
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": { "name": "poam-example", "rules": rules } },
            "results": results,
        }],
    })
}
