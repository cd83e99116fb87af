//! Reading inputs for any subcommand: files or stdin, in any format, with the datatype check
//! and located messages.

use std::io::Read;
use std::path::Path;

use poam::Document;
use poam::io::{Format, ReadError, SourceName};

use crate::args::FileFormat;

/// A document read from a file or stdin. Its text is not kept: it is dropped once the
/// datatype problems are located, so that a conversion never holds the input, the model and
/// the output at once.
pub struct Loaded {
    pub name: SourceName,
    /// The OSCAL format read; `Json` for a workbook (which has no OSCAL text).
    pub format: Format,
    pub doc: Document,
    /// Whether the input was a FedRAMP POA&M workbook (.xlsx).
    pub workbook: bool,
    /// What the reader could not fully use (a workbook's cells it did not understand, kept
    /// verbatim), each naming its place: `file: 'Open POA&M Items'!K17: ...`.
    pub warnings: Vec<String>,
}

/// Whether an input with no format given is a FedRAMP POA&M workbook: by its extension, or
/// by its content (a zip archive, or an encrypted workbook under a name that says nothing).
pub fn is_workbook(path: &Path, bytes: &[u8]) -> bool {
    FileFormat::from_path(path) == Some(FileFormat::Xlsx)
        || poam::workbook::looks_like_xlsx(bytes)
        || (Format::from_path(path).is_none()
            && poam::workbook::looks_like_encrypted_workbook(bytes))
}

/// A workbook that could not be imported, as a read error of the matching kind (a limit, an
/// unsupported encryption, a damaged archive, or a workbook without the POA&M's shape).
pub fn import_error(name: &SourceName, e: &poam::workbook::ImportError) -> ReadError {
    use poam::workbook::ImportErrorKind as K;
    let kind = match e.kind {
        K::TooLarge(_) | K::TableTooLarge(_) => poam::io::ErrorKind::Limit,
        K::Encrypted | K::PasswordProtectedZip(_) => poam::io::ErrorKind::Unsupported,
        K::NotZip | K::Unreadable(_) | K::MalformedPart { .. } => poam::io::ErrorKind::Syntax,
        _ => poam::io::ErrorKind::Structure,
    };
    ReadError::new(name, kind, e.message())
}

fn read_bytes(path: &Path) -> Result<(SourceName, Vec<u8>), Vec<ReadError>> {
    if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf).map_err(|e| {
            vec![ReadError::new(
                &SourceName::stdin(),
                poam::io::ErrorKind::Io,
                e.to_string(),
            )]
        })?;
        Ok((SourceName::stdin(), buf))
    } else {
        let name = SourceName::path(path);
        let bytes = std::fs::read(path).map_err(|e| {
            vec![ReadError::new(
                &name,
                poam::io::ErrorKind::Io,
                e.to_string(),
            )]
        })?;
        Ok((name, bytes))
    }
}

/// Reads `path` (`-` = stdin) as a FedRAMP POA&M workbook, whatever its name.
pub fn load_workbook(path: &Path) -> Result<Loaded, Vec<ReadError>> {
    let (name, bytes) = read_bytes(path)?;
    workbook(name, &bytes)
}

fn workbook(name: SourceName, bytes: &[u8]) -> Result<Loaded, Vec<ReadError>> {
    let imported = poam::workbook::import(bytes, &name.0, &poam::workbook::ReadOptions::default())
        .map_err(|e| vec![import_error(&name, &e)])?;
    let warnings = imported
        .warnings
        .iter()
        .map(|w| format!("{name}: {w}"))
        .collect();
    Ok(Loaded {
        name,
        format: Format::Json,
        doc: imported.document,
        workbook: true,
        warnings,
    })
}

/// Reads `path` (`-` = stdin). Structural and datatype errors are all reported, each with
/// `file:line:column` and its JSON pointer.
///
/// A FedRAMP POA&M workbook is read when no format is given and the name ends in `.xlsx`
/// (or `.xlsm`) or the content is a zip archive.
pub fn load(path: &Path, format: Option<Format>) -> Result<Loaded, Vec<ReadError>> {
    let (name, bytes) = read_bytes(path)?;
    if format.is_none() && is_workbook(path, &bytes) {
        return workbook(name, &bytes);
    }
    let format = format.or_else(|| Format::from_path(path));
    let doc = poam::io::read(&bytes, &name, format).map_err(|e| vec![e])?;
    // For locating the datatype problems. The reader has accepted the bytes as UTF-8, so they
    // become the text without a copy (a copy would add the file's size to peak memory).
    let text = String::from_utf8(bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    let format = format
        .or_else(|| Format::sniff(&text))
        .unwrap_or(Format::Json);
    let problems = poam::model::datatype_errors(&doc);
    let pointers: Vec<String> = problems.iter().map(|e| e.path.to_string()).collect();
    let places = poam::io::locate_all(&text, format, pointers.iter().map(String::as_str));
    let errors: Vec<ReadError> = problems
        .iter()
        .zip(pointers)
        .map(|(e, pointer)| {
            let at = places.get(&pointer).copied();
            let r = ReadError::new(&name, poam::io::ErrorKind::Datatype, datatype_message(e))
                .with_pointer(pointer);
            match at {
                Some(p) => r.at(p),
                None => r,
            }
        })
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Loaded {
        name,
        format,
        doc,
        workbook: false,
        warnings: Vec::new(),
    })
}

/// `invalid uuid "not-a-uuid": is not a UUID (8-4-4-4-12 hexadecimal digits)`. Some reasons
/// start by quoting the value again; that repetition is dropped.
fn datatype_message(e: &poam::model::DatatypeError) -> String {
    let quoted = format!("{:?}", e.value);
    let reason = e
        .reason
        .strip_prefix(&quoted)
        .map_or(e.reason.as_str(), str::trim_start);
    format!("invalid {} {quoted}: {reason}", e.datatype)
}

/// Prints read errors, one per line, to stderr.
pub fn report(errors: &[ReadError]) {
    for e in errors {
        eprintln!("error: {e}");
    }
}

/// Prints what the reader could not fully use, one warning per line, to stderr.
pub fn report_warnings(loaded: &Loaded) {
    for w in &loaded.warnings {
        eprintln!("warning: {w}");
    }
}
