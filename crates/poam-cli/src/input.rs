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

/// An input's bytes, recognized: FedRAMP's POA&M workbook, or OSCAL text in a known format.
/// Every command reads its inputs through [`open`], so that one file gets one reading (the
/// same format, the same errors at the same places) whichever command is given it.
pub enum Source {
    Workbook {
        name: SourceName,
        bytes: Vec<u8>,
    },
    /// Decoded text (UTF-8, a byte order mark dropped) and its format: `--from`, else the
    /// extension, else the content.
    Text {
        name: SourceName,
        text: String,
        format: Format,
    },
}

/// Reads `path` (`-` = stdin) and tells what it is as the library does
/// ([`poam::recognize`]): `from` is `--from`; with none, a workbook is recognized by its
/// extension (`.xlsx`, `.xlsm`) or its content (a zip archive, an encrypted workbook).
pub fn open(path: &Path, from: Option<FileFormat>) -> Result<Source, ReadError> {
    let (name, bytes) = read_bytes(path)?;
    let named = (path.as_os_str() != "-").then_some(path);
    let recognized = poam::recognize(&bytes, named, from);
    if recognized == Some(FileFormat::Xlsx) {
        return Ok(Source::Workbook { name, bytes });
    }
    poam::io::decode(&bytes, &name)?;
    // Decoded above: the bytes become the text without a copy (a copy would add the file's
    // size to peak memory).
    let mut text = String::from_utf8(bytes)
        .map_err(|e| ReadError::new(&name, poam::io::ErrorKind::Encoding, e.to_string()))?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    let format = match recognized.and_then(FileFormat::oscal) {
        Some(f) => f,
        None => poam::io::detect(&text, &name)?,
    };
    Ok(Source::Text { name, text, format })
}

fn read_bytes(path: &Path) -> Result<(SourceName, Vec<u8>), ReadError> {
    let (name, bytes) = if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        let read = std::io::stdin().read_to_end(&mut buf);
        (SourceName::stdin(), read.map(|_| buf))
    } else {
        (SourceName::path(path), std::fs::read(path))
    };
    match bytes {
        Ok(b) => Ok((name, b)),
        Err(e) => Err(ReadError::new(
            &name,
            poam::io::ErrorKind::Io,
            e.to_string(),
        )),
    }
}

/// How a workbook is read: [`poam::workbook::import`], or [`poam::workbook::import_base`]
/// for a base that items are added to.
type WorkbookReader = fn(
    &[u8],
    &str,
    &poam::workbook::ReadOptions,
) -> Result<poam::workbook::Imported, poam::workbook::ImportError>;

fn workbook(
    name: SourceName,
    bytes: &[u8],
    read: WorkbookReader,
) -> Result<Loaded, Vec<ReadError>> {
    let imported = read(bytes, &name.0, &poam::workbook::ReadOptions::default())
        .map_err(|e| vec![poam::workbook::read_error(&e)])?;
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

/// Reads `path` (`-` = stdin) as [`open`] tells it. Structural and datatype errors are all
/// reported, each with `file:line:column` and its JSON pointer.
pub fn load(path: &Path, from: Option<FileFormat>) -> Result<Loaded, Vec<ReadError>> {
    load_with(path, from, poam::workbook::import)
}

/// Reads `path` as [`load`] does, as the base that items are about to be added to (`poam
/// import --into`): a workbook without items (the blank template) is read too, as a document
/// with no items, which the caller must not write before adding some.
pub fn load_base(path: &Path) -> Result<Loaded, Vec<ReadError>> {
    load_with(path, None, poam::workbook::import_base)
}

fn load_with(
    path: &Path,
    from: Option<FileFormat>,
    read_workbook: WorkbookReader,
) -> Result<Loaded, Vec<ReadError>> {
    let (name, text, format) = match open(path, from).map_err(|e| vec![e])? {
        Source::Workbook { name, bytes } => return workbook(name, &bytes, read_workbook),
        Source::Text { name, text, format } => (name, text, format),
    };
    let doc = poam::io::read_text(&text, &name, format).map_err(|e| vec![e])?;
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

/// Prints what the reader could not fully use, one warning per line, to stderr.
pub fn report_warnings(loaded: &Loaded) {
    for w in &loaded.warnings {
        eprintln!("warning: {w}");
    }
}
