//! Writing a document out, for every command that writes one (`convert`, `merge`): the
//! format an output path names, the bytes of each format, and where they go (a file written
//! atomically, or standard output).

use std::io::{IsTerminal, Write};
use std::path::Path;

use poam::Document;

use crate::args::FileFormat;

/// The refusal to write a workbook under a macro-enabled name: poam writes workbooks
/// without macros, which Excel will not open as `.xlsm`.
pub fn macro_enabled_name(format: FileFormat, path: Option<&Path>) -> Option<String> {
    let path = path?;
    let xlsm = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsm"));
    (format == FileFormat::Xlsx && xlsm).then(|| {
        format!(
            "{}: poam writes workbooks without macros, which Excel opens only as .xlsx; name the output .xlsx",
            path.display()
        )
    })
}

/// `doc` in `format`: the bytes, and what a workbook could not show (each a bare warning
/// text, for the caller to name its source). An `Err` is the one-line reason.
pub fn encode(doc: &Document, format: FileFormat) -> Result<(Vec<u8>, Vec<String>), String> {
    match format.oscal() {
        Some(oscal) => poam::io::write(doc, oscal)
            .map(|bytes| (bytes, Vec::new()))
            .map_err(|e| format!("cannot write {oscal}: {e}")),
        None => poam::workbook::export(doc)
            .map(|exported| {
                let warnings = exported.warnings.iter().map(ToString::to_string).collect();
                (exported.bytes, warnings)
            })
            .map_err(|e| format!("cannot write the workbook: {e}")),
    }
}

/// Whether `-o` (absent or `-`) means standard output.
pub fn is_stdout(output: Option<&Path>) -> bool {
    output.is_none_or(|p| p == Path::new("-"))
}

/// The refusal to put a binary workbook on a terminal, when that is what was asked.
pub fn workbook_to_terminal(format: FileFormat, to_stdout: bool) -> Option<&'static str> {
    (format == FileFormat::Xlsx && to_stdout && std::io::stdout().is_terminal())
        .then_some("a workbook is binary; not writing it to a terminal (use -o FILE.xlsx)")
}

/// The refusal to write `output` over one of `inputs` (the same file through any path, link
/// or hard link): converting `a.json` onto itself would replace the only copy of the input.
/// `merge` leaves BASE out of `inputs`, its documented in-place update.
pub fn overwrites_input(output: Option<&Path>, inputs: &[&Path]) -> Option<String> {
    let output = output.filter(|p| !is_stdout(Some(p)))?;
    let victim = inputs
        .iter()
        .find(|i| !is_stdout(Some(i)) && poam::io::is_same_file(output, i))?;
    Some(format!(
        "-o {} is the input {}; write the output to another file",
        output.display(),
        victim.display()
    ))
}

/// Writes `bytes` to `path`, or to standard output when `path` is `None`: a regular or new
/// file atomically (through a symbolic link, to its target), a FIFO or device (`/dev/stdout`)
/// straight through ([`poam::io::write_file_atomic`]).
pub fn write(path: Option<&Path>, bytes: &[u8]) -> Result<(), String> {
    match path {
        Some(p) => {
            poam::io::write_file_atomic(p, bytes).map_err(|e| format!("{}: {e}", p.display()))
        }
        None => std::io::stdout()
            .lock()
            .write_all(bytes)
            .map_err(|e| format!("<stdout>: {e}")),
    }
}

/// Encodes `doc` as `format` and writes it to `path` (standard output when `None`), printing
/// the workbook writer's warnings (`what` names the document in them) and any error. The one
/// last step of every command that writes a POA&M; `false` when nothing was written.
pub fn encode_and_write(
    doc: &Document,
    format: FileFormat,
    path: Option<&Path>,
    what: &str,
) -> bool {
    let bytes = match encode(doc, format) {
        Ok((bytes, warnings)) => {
            for w in &warnings {
                eprintln!("warning: {what} as a workbook: {w}");
            }
            bytes
        }
        Err(e) => {
            eprintln!("error: {e}");
            return false;
        }
    };
    if let Err(e) = write(path, &bytes) {
        eprintln!("error: cannot write output: {e}");
        return false;
    }
    true
}
