//! `poam validate FILE...`: every OSCAL and (with `--profile fedramp`) FedRAMP problem of each
//! file, located at `file:line:column`, in the chosen output format.
//!
//! Files are checked in parallel and reported in the order given. Exit status: 0 no errors,
//! 1 errors found, 2 a file (or the `--ssp` / `--schema` file) could not be read.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use poam::io::{ErrorKind, Format, ReadError, SourceName};
use poam::validate::{Diagnostic, JsonSchema, Options, Profile, SspIndex};

use crate::args::{FileFormat, ValidateArgs, ValidateFormat, ValidateProfile};
use crate::exit;
use crate::input;
use crate::progress::Progress;
use crate::report::locate::TextLocator;
use crate::report::workbook::{WorkbookLocator, cell_place};
use crate::report::{FileReport, Human, Json, Located, Outcome, Reporter, Sarif};

pub fn run(a: &ValidateArgs) -> u8 {
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
    let opts = match options(a) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::TROUBLE;
        }
    };
    let stdin = if a.inputs.iter().any(|p| p.as_os_str() == "-") {
        let mut buf = Vec::new();
        if let Err(e) = std::io::stdin().read_to_end(&mut buf) {
            eprintln!("error: <stdin>: {e}");
            return exit::TROUBLE;
        }
        Some(buf)
    } else {
        None
    };
    let from = a.from;
    let reports = check_all(&a.inputs, stdin.as_deref(), from, &opts);
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

fn finish(written: std::io::Result<()>, code: u8) -> u8 {
    match written.and_then(|()| std::io::stdout().flush()) {
        Ok(()) => code,
        // A closed pipe (`| head`) is not the tool's trouble; anything else is.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => code,
        Err(e) => {
            eprintln!("error: cannot write the report: {e}");
            exit::TROUBLE
        }
    }
}

fn options(a: &ValidateArgs) -> Result<Options, String> {
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
        let text = std::fs::read_to_string(p).map_err(|e| format!("--ssp {}: {e}", p.display()))?;
        o.ssp = Some(
            SspIndex::parse(&text, Format::from_path(p))
                .map_err(|e| format!("--ssp {}: {e}", p.display()))?,
        );
    }
    if let Some(p) = &a.schema {
        let text =
            std::fs::read_to_string(p).map_err(|e| format!("--schema {}: {e}", p.display()))?;
        let value: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| format!("--schema {}: not JSON: {e}", p.display()))?;
        o.schema = Some(
            JsonSchema::compile(&value)
                .map_err(|e| format!("--schema {}: not a usable JSON Schema: {e}", p.display()))?,
        );
    }
    Ok(o)
}

/// Checks every input on a few threads; the reports come back in input order.
fn check_all(
    inputs: &[std::path::PathBuf],
    stdin: Option<&[u8]>,
    from: Option<FileFormat>,
    opts: &Options,
) -> Vec<FileReport> {
    let slots: Vec<Mutex<Option<FileReport>>> = inputs.iter().map(|_| Mutex::new(None)).collect();
    // Cleared when this function returns, before anything is reported.
    let progress = match inputs {
        [one] => Progress::spinner(format!("validating {}", one.display())),
        _ => Progress::files(inputs.len() as u64, "validating"),
    };
    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(inputs.len())
        .max(1);
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = inputs.get(i) else {
                        break;
                    };
                    let report = check_one(path, stdin, from, opts);
                    progress.inc(1);
                    if let Ok(mut slot) = slots[i].lock() {
                        *slot = Some(report);
                    }
                }
            });
        }
    });
    slots
        .into_iter()
        .zip(inputs)
        .map(|(slot, path)| {
            slot.into_inner().ok().flatten().unwrap_or_else(|| {
                FileReport::unreadable(
                    path.display().to_string(),
                    None,
                    ReadError::new(
                        &SourceName::path(path),
                        ErrorKind::Io,
                        "the check of this file did not complete",
                    ),
                )
            })
        })
        .collect()
}

fn check_one(
    path: &Path,
    stdin: Option<&[u8]>,
    from: Option<FileFormat>,
    opts: &Options,
) -> FileReport {
    let (name, bytes) = if path.as_os_str() == "-" {
        (
            SourceName::stdin(),
            stdin.map(<[u8]>::to_vec).unwrap_or_default(),
        )
    } else {
        let name = SourceName::path(path);
        match std::fs::read(path) {
            Ok(b) => (name, b),
            Err(e) => {
                let e = ReadError::new(&name, ErrorKind::Io, e.to_string());
                return FileReport::unreadable(name.0.clone(), None, e);
            }
        }
    };
    let workbook = match from {
        Some(f) => f == FileFormat::Xlsx,
        None => input::is_workbook(path, &bytes),
    };
    if workbook {
        return check_workbook(name, &bytes, opts);
    }
    let from = from.and_then(FileFormat::oscal);
    let unreadable =
        |e: ReadError, text: Option<String>| FileReport::unreadable(name.0.clone(), text, e);
    let text = match std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes)) {
        Ok(t) => t.to_owned(),
        // The reader says where the bad byte is.
        Err(_) => {
            let e = poam::io::read(&bytes, &name, from)
                .err()
                .unwrap_or_else(|| {
                    ReadError::new(&name, ErrorKind::Encoding, "the file is not UTF-8")
                });
            return unreadable(e, None);
        }
    };
    let format = from
        .or_else(|| Format::from_path(path))
        .or_else(|| Format::sniff(&text));
    let Some(format) = format else {
        let e = match poam::io::read(&bytes, &name, None) {
            Err(e) => e,
            Ok(_) => ReadError::new(
                &name,
                ErrorKind::Syntax,
                "cannot tell the format: not JSON, YAML or XML",
            ),
        };
        return unreadable(e, Some(text));
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
        Err(e) => unreadable(e, Some(text)),
    }
}

/// Imports the workbook and validates the OSCAL it becomes. The import's own warnings (cells
/// it could not fully read) are reported at their cells as `workbook-cell`; the document's
/// diagnostics at the cell their pointer maps back to ([`WorkbookLocator`]).
fn check_workbook(name: SourceName, bytes: &[u8], opts: &Options) -> FileReport {
    let imported =
        match poam::workbook::import(bytes, &name.0, &poam::workbook::ReadOptions::default()) {
            Ok(i) => i,
            Err(e) => {
                return FileReport::unreadable(
                    name.0.clone(),
                    None,
                    input::import_error(&name, &e),
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
