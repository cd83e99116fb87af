//! `poam report POAM...`: the monthly continuous-monitoring report, in HTML, Markdown or
//! JSON. Nothing is written unless every input was read.

use std::path::Path;

use rayon::prelude::*;

use crate::args::{ReportArgs, ReportFormat};
use crate::error::Error;
use crate::exit;
use crate::input;
use crate::output;

pub fn run(a: &ReportArgs) -> Result<u8, Error> {
    if a.inputs.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
        return Err(Error::StdinTwice);
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
        return Err(Error::Unreadable(errors).closing("no report written"));
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
    let report = poam::report::compute(&inputs, &options)?;
    let text = match a.format {
        ReportFormat::Json => poam::report::json(&report),
        ReportFormat::Markdown => poam::report::markdown(&report),
        ReportFormat::Html => poam::report::html(&report),
    };
    let path = a.output.as_deref().filter(|p| !output::is_stdout(Some(p)));
    output::write(path, text.as_bytes())?;
    Ok(exit::OK)
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
