//! `poam validate FILE...`: every OSCAL and (with `--profile fedramp`) FedRAMP problem of each
//! file, located at `file:line:column`, in the chosen output format.
//!
//! Files are read as every command reads them ([`input::open`]), checked in parallel and
//! reported in the order given. Exit status: 0 no errors, 1 errors found, 2 a file (or the
//! `--ssp` / `--schema` file) could not be read.

use std::io::Write;
use std::path::{Path, PathBuf};

use poam::io::{Format, SourceName};
use poam::validate::{Diagnostic, JsonSchema, Options, Profile, SspIndex};
use rayon::prelude::*;

use crate::args::{FileFormat, ValidateArgs, ValidateFormat, ValidateProfile};
use crate::error::Error;
use crate::exit;
use crate::input::{self, Source};
use crate::progress::Progress;
use crate::report::locate::TextLocator;
use crate::report::workbook::{WorkbookLocator, cell_place};
use crate::report::{FileReport, Human, Json, Located, Outcome, Reporter, Sarif};

pub fn run(a: &ValidateArgs) -> Result<u8, Error> {
    let reporter: &dyn Reporter = match a.format {
        ValidateFormat::Human => &Human,
        ValidateFormat::Json => &Json,
        ValidateFormat::Sarif => &Sarif,
    };
    let mut stdout = std::io::stdout().lock();
    if a.list_rules {
        return finish(
            reporter.rules(poam::validate::rules(), &mut stdout),
            exit::OK,
        );
    }
    let opts = options(a)?;
    let reports = check_all(&a.inputs, a.from, &opts);
    let code = if reports
        .iter()
        .any(|r| matches!(r.outcome, Outcome::Unreadable(_)))
    {
        exit::TROUBLE
    } else if reports.iter().all(FileReport::valid) {
        exit::OK
    } else {
        exit::FOUND
    };
    finish(reporter.report(&reports, &mut stdout), code)
}

fn finish(written: std::io::Result<()>, code: u8) -> Result<u8, Error> {
    match written.and_then(|()| std::io::stdout().flush()) {
        Ok(()) => Ok(code),
        // A closed pipe (`| head`) is not the tool's trouble; anything else is.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(code),
        Err(e) => Err(Error::Report(e)),
    }
}

fn options(a: &ValidateArgs) -> Result<Options, Error> {
    let mut o = Options {
        profile: match a.profile {
            ValidateProfile::Oscal => Profile::Oscal,
            ValidateProfile::Fedramp => Profile::Fedramp,
        },
        ..Options::default()
    };
    if let Some(d) = a.as_of {
        o.as_of = d;
    }
    if let Some(p) = &a.ssp {
        o.ssp = Some(ssp_index(p)?);
    }
    if let Some(p) = &a.schema {
        o.schema = Some(schema(p)?);
    }
    Ok(o)
}

/// `--ssp FILE`, indexed for the reference checks.
fn ssp_index(path: &Path) -> Result<SspIndex, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::SspUnreadable {
        path: path.to_owned(),
        source,
    })?;
    SspIndex::parse(&text, Format::from_path(path)).map_err(|e| Error::Ssp {
        path: path.to_owned(),
        message: e.to_string(),
    })
}

/// `--schema FILE`, compiled.
fn schema(path: &Path) -> Result<JsonSchema, Error> {
    let refused = |reason: String| Error::Schema {
        path: path.to_owned(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|e| refused(e.to_string()))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| refused(format!("not JSON: {e}")))?;
    JsonSchema::compile(&value).map_err(|e| refused(format!("not a usable JSON Schema: {e}")))
}

/// Checks every input in parallel (rayon); the reports come back in input order.
fn check_all(inputs: &[PathBuf], from: Option<FileFormat>, opts: &Options) -> Vec<FileReport> {
    // Cleared when this function returns, before anything is reported.
    let progress = match inputs {
        [one] => Progress::spinner(format!("validating {}", one.display())),
        _ => Progress::files(inputs.len() as u64, "validating"),
    };
    inputs
        .par_iter()
        .map(|path| {
            let report = check_one(path, from, opts);
            progress.inc(1);
            report
        })
        .collect()
}

/// Reads `path` as every command does ([`input::open`]) and validates it: a file that cannot
/// be read as a POA&M is `unreadable` with the reader's error, at the reader's place.
fn check_one(path: &Path, from: Option<FileFormat>, opts: &Options) -> FileReport {
    let (name, text, format) = match input::open(path, from) {
        Ok(Source::Text { name, text, format }) => (name, text, format),
        Ok(Source::Workbook { name, bytes }) => return check_workbook(&name, &bytes, opts),
        Err(e) => return FileReport::unreadable(e.source_name.clone(), None, e),
    };
    match poam::validate::validate_text(&text, format, &name, opts) {
        Ok(v) => {
            let locator = TextLocator::new(
                &text,
                format,
                v.diagnostics.iter().map(|d| d.pointer.as_str()),
            );
            FileReport::checked(name.0.clone(), Some(text), v, &locator)
        }
        Err(e) => FileReport::unreadable(name.0.clone(), Some(text), e),
    }
}

/// Imports the workbook and validates the OSCAL it becomes. The import's own warnings (cells
/// it could not fully read) are reported at their cells as `workbook-cell`; the document's
/// diagnostics at the cell their pointer maps back to ([`WorkbookLocator`]).
fn check_workbook(name: &SourceName, bytes: &[u8], opts: &Options) -> FileReport {
    let imported =
        match poam::workbook::import(bytes, &name.0, &poam::workbook::ReadOptions::default()) {
            Ok(i) => i,
            Err(e) => {
                return FileReport::unreadable(
                    name.0.clone(),
                    None,
                    poam::workbook::read_error(&e),
                );
            }
        };
    let locator = WorkbookLocator::new(&imported.document, imported.sources);
    let mut report = FileReport::checked(
        name.0.clone(),
        None,
        poam::validate::validate(&imported.document, opts),
        &locator,
    );
    if let Outcome::Checked(located) = &mut report.outcome {
        let cells = imported.warnings.into_iter().map(|w| Located {
            place: w.place.as_ref().map(cell_place),
            diag: Diagnostic::new(
                &poam::validate::WORKBOOK_CELL,
                "",
                format!("{} [{}]", w.message, w.code),
            ),
        });
        // The reader's findings first: they explain values the later checks see.
        located.splice(0..0, cells);
    }
    report
}
