//! `poam report POAM...`: the monthly continuous-monitoring report, in HTML, Markdown or
//! JSON. Nothing is written unless every input was read.

use std::path::Path;

use rayon::prelude::*;

use crate::args::{ReportArgs, ReportFormat};
use crate::exit;
use crate::input;
use crate::output;

pub fn run(a: &ReportArgs) -> u8 {
    if a.inputs.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
        eprintln!("error: only one input can be standard input (`-`)");
        return exit::TROUBLE;
    }
    // Read every input (in parallel), reporting every unreadable one.
    let loaded: Vec<_> = a.inputs.par_iter().map(|p| input::load(p, None)).collect();
    let mut docs = Vec::with_capacity(loaded.len());
    let mut errors = Vec::new();
    for l in loaded {
        match l {
            Ok(d) => docs.push(d),
            Err(e) => errors.extend(e),
        }
    }
    if !errors.is_empty() {
        input::report(&errors);
        eprintln!("error: no report written");
        return exit::TROUBLE;
    }
    docs.iter().for_each(input::report_warnings);
    // The report names each cycle by its file name: a report is mailed, and the paths of the
    // machine that made it are nobody's business.
    let names: Vec<String> = a.inputs.iter().map(|p| source_name(p)).collect();
    let inputs: Vec<poam::report::Input<'_>> = docs
        .iter()
        .zip(&names)
        .map(|(d, name)| poam::report::Input {
            source: name,
            doc: &d.doc,
        })
        .collect();
    let options = poam::report::Options {
        as_of: a.as_of,
        title: a.title.clone(),
    };
    let report = match poam::report::compute(&inputs, &options) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::TROUBLE;
        }
    };
    let text = match a.format {
        ReportFormat::Json => poam::report::json(&report),
        ReportFormat::Markdown => poam::report::markdown(&report),
        ReportFormat::Html => poam::report::html(&report),
    };
    let path = a.output.as_deref().filter(|p| !output::is_stdout(Some(p)));
    if let Err(e) = output::write(path, text.as_bytes()) {
        eprintln!("error: {e}");
        return exit::TROUBLE;
    }
    exit::OK
}

/// The file name of an input, `<stdin>` for `-`.
fn source_name(p: &Path) -> String {
    if p.as_os_str() == "-" {
        return "<stdin>".to_owned();
    }
    p.file_name().map_or_else(
        || p.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}
