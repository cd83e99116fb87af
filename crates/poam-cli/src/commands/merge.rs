//! `poam merge BASE UPDATE...`: carry a POA&M into the next cycle. Nothing is written unless
//! every input was read and the merge has no conflict left to decide.

use std::io::{IsTerminal, Write};
use std::path::Path;

use poam_cycle::merge::{MergeError, Prefer, Update};
use poam_io::Format;
use poam_model::Document;
use poam_model::datatypes::{Datatype, DateTimeWithTimezone};

use crate::args::{MergeArgs, MergeFormat, PreferArg};
use crate::exit;
use crate::input;

pub fn run(a: &MergeArgs) -> u8 {
    let stdin_uses = std::iter::once(&a.base)
        .chain(&a.updates)
        .filter(|p| p.as_os_str() == "-")
        .count();
    if stdin_uses > 1 {
        eprintln!("error: only one input can be standard input (`-`)");
        return exit::TROUBLE;
    }
    let as_of = match as_of(a.as_of.as_deref()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: --as-of: {e}");
            return exit::TROUBLE;
        }
    };
    // Read everything first, reporting every unreadable input.
    let mut errors = Vec::new();
    let base = input::load(&a.base, None).map_err(|e| errors.extend(e));
    let updates: Vec<_> = a
        .updates
        .iter()
        .map(|p| input::load(p, None).map_err(|e| errors.extend(e)))
        .collect();
    if !errors.is_empty() {
        input::report(&errors);
        eprintln!("error: nothing merged");
        return exit::TROUBLE;
    }
    let (Ok(base), Ok(updates)) = (base, updates.into_iter().collect::<Result<Vec<_>, _>>()) else {
        return exit::TROUBLE;
    };
    input::report_warnings(&base);
    updates.iter().for_each(input::report_warnings);
    let inputs: Vec<Update<'_>> = updates
        .iter()
        .map(|u| Update {
            name: &u.name.0,
            document: &u.doc,
        })
        .collect();
    let options = poam_cycle::Options {
        as_of,
        complete: a.complete,
        prefer: a.prefer.map(|p| match p {
            PreferArg::First => Prefer::First,
            PreferArg::Last => Prefer::Last,
        }),
        force: a.force,
    };
    let outcome = match poam_cycle::merge(&base.doc, &inputs, &options) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("error: nothing merged");
            return match e {
                MergeError::Conflicts(_) | MergeError::Ambiguous(_) => exit::FOUND,
                _ => exit::TROUBLE,
            };
        }
    };

    let to_stdout = a.output.as_deref().is_none_or(|p| p == Path::new("-"));
    let output_path = a.output.as_deref().filter(|_| !to_stdout);
    let format =
        a.to.or_else(|| output_path.and_then(format_of_path))
            .unwrap_or(if base.workbook {
                MergeFormat::Xlsx
            } else {
                match base.format {
                    Format::Yaml => MergeFormat::Yaml,
                    Format::Xml => MergeFormat::Xml,
                    Format::Json => MergeFormat::Json,
                }
            });
    if format == MergeFormat::Xlsx && to_stdout && std::io::stdout().is_terminal() {
        eprintln!("error: a workbook is binary; not writing it to a terminal (use -o FILE.xlsx)");
        eprintln!("error: nothing merged");
        return exit::TROUBLE;
    }
    let bytes = match encode(&outcome.document, format) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::TROUBLE;
        }
    };
    let written = match output_path {
        Some(p) => {
            poam_io::write_file_atomic(p, &bytes).map_err(|e| format!("{}: {e}", p.display()))
        }
        None => std::io::stdout()
            .lock()
            .write_all(&bytes)
            .map_err(|e| format!("<stdout>: {e}")),
    };
    if let Err(e) = written {
        eprintln!("error: cannot write output: {e}");
        return exit::TROUBLE;
    }
    summary(&outcome.report, inputs.len());
    exit::OK
}

/// The output format an output file's extension names.
fn format_of_path(p: &Path) -> Option<MergeFormat> {
    let ext = p.extension()?.to_str()?;
    if ext.eq_ignore_ascii_case("xlsx") {
        return Some(MergeFormat::Xlsx);
    }
    Format::from_path(p).map(|f| match f {
        Format::Yaml => MergeFormat::Yaml,
        Format::Xml => MergeFormat::Xml,
        Format::Json => MergeFormat::Json,
    })
}

/// The merged document's bytes. What a workbook cannot show is a warning, on stderr.
fn encode(doc: &Document, format: MergeFormat) -> Result<Vec<u8>, String> {
    let oscal = match format {
        MergeFormat::Json => Format::Json,
        MergeFormat::Yaml => Format::Yaml,
        MergeFormat::Xml => Format::Xml,
        MergeFormat::Xlsx => {
            let exported =
                poam_xlsx::export(doc).map_err(|e| format!("cannot write the workbook: {e}"))?;
            for w in &exported.warnings {
                eprintln!("warning: the merged POA&M as a workbook: {w}");
            }
            return Ok(exported.bytes);
        }
    };
    poam_io::write(doc, oscal).map_err(|e| format!("cannot write {oscal}: {e}"))
}

/// `--as-of`: a date (midnight UTC), a date-time with a time zone, or today.
fn as_of(arg: Option<&str>) -> Result<DateTimeWithTimezone, String> {
    let text = match arg {
        None => format!(
            "{}T00:00:00Z",
            chrono::Utc::now().date_naive().format("%Y-%m-%d")
        ),
        Some(s) if chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok() => {
            format!("{s}T00:00:00Z")
        }
        Some(s) => s.to_owned(),
    };
    let d = DateTimeWithTimezone::new(text);
    d.check()
        .map_err(|e| format!("{e}; give a date such as 2024-07-01"))?;
    Ok(d)
}

/// What was done, on stderr (stdout may carry the document).
fn summary(r: &poam_cycle::Report, updates: usize) {
    // The first few POAM IDs of each class: a cycle of a large POA&M changes thousands.
    const SHOWN: usize = 12;
    let ids = |v: &[poam_cycle::item::ItemRef]| {
        if v.is_empty() {
            return String::new();
        }
        let mut list = v
            .iter()
            .take(SHOWN)
            .map(|i| i.label())
            .collect::<Vec<_>>()
            .join(", ");
        if v.len() > SHOWN {
            list.push_str(&format!(", … {} more", v.len() - SHOWN));
        }
        format!(" ({list})")
    };
    eprintln!(
        "merged {updates} update(s): {} new{}, {} closed{}, {} reopened{}, {} changed{}, {} no longer detected{}, {} unchanged",
        r.new.len(),
        ids(&r.new),
        r.closed.len(),
        ids(&r.closed),
        r.reopened.len(),
        ids(&r.reopened),
        r.changed.len(),
        ids(&r.changed),
        r.not_detected.len(),
        ids(&r.not_detected),
        r.unchanged
    );
    for c in &r.resolved {
        eprintln!("note: conflict decided by --prefer: {c}");
    }
    for c in &r.carried {
        eprintln!("note: carried {c} from the updates");
    }
    for w in &r.warnings {
        eprintln!("warning: {w}");
    }
    if !r.new_cycle {
        eprintln!("note: the document already has this cycle's revision; version not bumped");
    }
}
