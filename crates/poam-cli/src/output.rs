//! Writing a document out, for every command that writes one (`convert`, `merge`, `import`):
//! the refusals checked before anything is written, the bytes of each format, and where they
//! go (a file written atomically, or standard output).

use std::io::{IsTerminal, Write};
use std::path::Path;

use poam::Document;

use crate::args::FileFormat;
use crate::error::Error;

/// The refusals of an output before anything is written: a binary workbook to a terminal,
/// and a workbook under a macro-enabled name (poam writes workbooks without macros, which
/// Excel will not open as `.xlsm`).
pub fn refused(format: FileFormat, to_stdout: bool, path: Option<&Path>) -> Result<(), Error> {
    if format != FileFormat::Xlsx {
        return Ok(());
    }
    if to_stdout && std::io::stdout().is_terminal() {
        return Err(Error::WorkbookToTerminal);
    }
    let xlsm = path
        .and_then(|p| p.extension())
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsm"));
    match path {
        Some(p) if xlsm => Err(Error::MacroEnabledName(p.to_owned())),
        _ => Ok(()),
    }
}

/// `doc` in `format`: the bytes, and what a workbook could not show (each a bare warning
/// text, for the caller to name its source).
pub fn encode(doc: &Document, format: FileFormat) -> Result<(Vec<u8>, Vec<String>), Error> {
    match format.oscal() {
        Some(oscal) => poam::io::write(doc, oscal)
            .map(|bytes| (bytes, Vec::new()))
            .map_err(|source| Error::Encode {
                format: oscal,
                source,
            }),
        None => poam::workbook::export(doc)
            .map(|exported| {
                let warnings = exported.warnings.iter().map(ToString::to_string).collect();
                (exported.bytes, warnings)
            })
            .map_err(Error::EncodeWorkbook),
    }
}

/// Whether `-o` (absent or `-`) means standard output.
pub fn is_stdout(output: Option<&Path>) -> bool {
    output.is_none_or(|p| p == Path::new("-"))
}

/// The refusal to write `output` over one of `inputs` (the same file through any path, link
/// or hard link): converting `a.json` onto itself would replace the only copy of the input.
/// `merge` leaves BASE out of `inputs`, its documented in-place update (`base_may`, which
/// the message says).
pub fn overwrites_input(
    output: Option<&Path>,
    inputs: &[&Path],
    base_may: bool,
) -> Result<(), Error> {
    let Some(output) = output.filter(|p| !is_stdout(Some(p))) else {
        return Ok(());
    };
    match inputs
        .iter()
        .find(|i| !is_stdout(Some(i)) && poam::io::is_same_file(output, i))
    {
        Some(victim) => Err(Error::OutputIsInput {
            output: output.to_owned(),
            input: victim.to_path_buf(),
            base_may,
        }),
        None => Ok(()),
    }
}

/// Writes `bytes` to `path`, or to standard output when `path` is `None`: a regular or new
/// file atomically (through a symbolic link, to its target), a FIFO or device (`/dev/stdout`)
/// straight through ([`poam::io::write_file_atomic`]).
pub fn write(path: Option<&Path>, bytes: &[u8]) -> Result<(), Error> {
    let written = match path {
        Some(p) => poam::io::write_file_atomic(p, bytes),
        None => std::io::stdout().lock().write_all(bytes),
    };
    written.map_err(|source| Error::Write {
        path: path.map(Path::to_path_buf),
        source,
    })
}

/// Encodes `doc` as `format` and writes it to `path` (standard output when `None`), printing
/// the workbook writer's warnings (`what` names the document in them). The one last step of
/// every command that writes a POA&M.
pub fn encode_and_write(
    doc: &Document,
    format: FileFormat,
    path: Option<&Path>,
    what: &str,
) -> Result<(), Error> {
    let (bytes, warnings) = encode(doc, format)?;
    for w in &warnings {
        eprintln!("warning: {what} as a workbook: {w}");
    }
    write(path, &bytes)
}
