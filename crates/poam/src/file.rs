//! A document from a path, bytes or a reader, in any format (the OSCAL texts and the
//! workbook), and back.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::Document;
use crate::io::{ErrorKind, Format, ReadError, SourceName};
use crate::workbook::{self, ImportError, ImportErrorKind, Warning};

/// A file format poam reads and writes: OSCAL's three, and FedRAMP's POA&M workbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[non_exhaustive]
pub enum FileFormat {
    /// OSCAL JSON.
    Json,
    /// OSCAL YAML.
    Yaml,
    /// OSCAL XML.
    Xml,
    /// FedRAMP's POA&M Excel workbook (`.xlsx`; `.xlsm` is read too).
    Xlsx,
}

impl FileFormat {
    /// The format a file name's extension says, if any (`json`, `yaml`/`yml`, `xml`,
    /// `xlsx`/`xlsm`, in any case).
    pub fn from_path(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "xlsx" | "xlsm" => Some(Self::Xlsx),
            _ => Format::from_path(path).map(Self::from),
        }
    }

    /// The OSCAL text format, or `None` for the workbook.
    pub fn oscal(self) -> Option<Format> {
        match self {
            Self::Json => Some(Format::Json),
            Self::Yaml => Some(Format::Yaml),
            Self::Xml => Some(Format::Xml),
            Self::Xlsx => None,
        }
    }

    /// The usual file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self.oscal() {
            Some(f) => f.extension(),
            None => "xlsx",
        }
    }
}

impl From<Format> for FileFormat {
    fn from(f: Format) -> Self {
        match f {
            Format::Json => Self::Json,
            Format::Yaml => Self::Yaml,
            Format::Xml => Self::Xml,
        }
    }
}

impl fmt::Display for FileFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.extension())
    }
}

/// A document read, with the format it was read from.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Loaded {
    /// The POA&M.
    pub document: Document,
    /// The format it was read from (given, from the extension, or detected).
    pub format: FileFormat,
    /// What a workbook held that poam could not fully read (kept as written in the
    /// document); always empty for OSCAL text.
    pub warnings: Vec<Warning>,
}

/// A document written to bytes.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Written {
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// What the workbook cannot show (e.g. a second risk on an item); always empty for
    /// OSCAL text, which holds everything.
    pub warnings: Vec<Warning>,
}

/// Why a document could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// The document could not be serialized as OSCAL text.
    #[error(transparent)]
    Oscal(#[from] crate::io::WriteError),
    /// The document could not be written as a workbook.
    #[error("cannot write the workbook: {0}")]
    Workbook(#[from] workbook::ExportError),
    /// The file could not be written (nothing was: no partial file is left).
    #[error("{}: {source}", path.display())]
    File {
        /// The output file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
}

/// Reads a POA&M file. The format comes from the extension, or failing that from the
/// content: a zip is a workbook, `{` JSON, `<` XML, otherwise YAML ([`recognize`]).
pub fn read_path(path: impl AsRef<Path>) -> Result<Loaded, ReadError> {
    let path = path.as_ref();
    let name = SourceName::path(path);
    let bytes =
        std::fs::read(path).map_err(|e| ReadError::new(&name, ErrorKind::Io, e.to_string()))?;
    read_named(&bytes, &name, Some(path), None)
}

/// Reads a POA&M from bytes. `name` names the source in errors; with `format` `None`, the
/// format is detected from the content.
pub fn read_bytes(
    bytes: &[u8],
    name: &str,
    format: Option<FileFormat>,
) -> Result<Loaded, ReadError> {
    read_named(bytes, &SourceName(name.to_owned()), None, format)
}

/// Reads a POA&M from a reader (standard input, a network stream, an archive member), as
/// [`read_bytes`] does.
pub fn read_reader(
    mut reader: impl std::io::Read,
    name: &str,
    format: Option<FileFormat>,
) -> Result<Loaded, ReadError> {
    let source = SourceName(name.to_owned());
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError::new(&source, ErrorKind::Io, e.to_string()))?;
    read_named(&bytes, &source, None, format)
}

/// What an input is, told the one way every reader of poam tells it (this crate's `read_*`
/// and every command of the CLI): `format` when given; else FedRAMP's workbook when the
/// name's extension says so (`.xlsx`, `.xlsm`), when the content is a zip archive, or when it
/// is an encrypted workbook under a name that names no OSCAL format; else the OSCAL format of
/// the name's extension. `None` means OSCAL text whose format is to be detected from the
/// text itself ([`crate::io::detect`]).
pub fn recognize(
    bytes: &[u8],
    path: Option<&Path>,
    format: Option<FileFormat>,
) -> Option<FileFormat> {
    if format.is_some() {
        return format;
    }
    let named = path.and_then(FileFormat::from_path);
    let workbook = named == Some(FileFormat::Xlsx)
        || workbook::looks_like_xlsx(bytes)
        || (named.is_none() && workbook::looks_like_encrypted_workbook(bytes));
    if workbook {
        Some(FileFormat::Xlsx)
    } else {
        named
    }
}

fn read_named(
    bytes: &[u8],
    name: &SourceName,
    path: Option<&Path>,
    format: Option<FileFormat>,
) -> Result<Loaded, ReadError> {
    let format = recognize(bytes, path, format);
    if format == Some(FileFormat::Xlsx) {
        let imported = workbook::import(bytes, &name.0, &workbook::ReadOptions::default())
            .map_err(|e| workbook::read_error(&e))?;
        return Ok(Loaded {
            document: imported.document,
            format: FileFormat::Xlsx,
            warnings: imported.warnings,
        });
    }
    let oscal = format.and_then(FileFormat::oscal);
    let document = crate::io::read(bytes, name, oscal)?;
    let format = oscal
        .or_else(|| std::str::from_utf8(bytes).ok().and_then(Format::sniff))
        .map_or(FileFormat::Json, FileFormat::from);
    Ok(Loaded {
        document,
        format,
        warnings: Vec::new(),
    })
}

/// Writes `doc` in `format`, in memory.
pub fn to_bytes(doc: &Document, format: FileFormat) -> Result<Written, WriteError> {
    if let Some(oscal) = format.oscal() {
        Ok(Written {
            bytes: crate::io::write(doc, oscal)?,
            warnings: Vec::new(),
        })
    } else {
        let exported = workbook::export(doc)?;
        Ok(Written {
            bytes: exported.bytes,
            warnings: exported.warnings,
        })
    }
}

/// Writes `doc` to a file, atomically (a temporary file, then a rename: a failed write
/// leaves no partial file and an existing file untouched). The format is `format`, else the
/// extension's, else JSON. Returns what the workbook could not show.
pub fn write_path(
    doc: &Document,
    path: impl AsRef<Path>,
    format: Option<FileFormat>,
) -> Result<Vec<Warning>, WriteError> {
    let path = path.as_ref();
    let format = format
        .or_else(|| FileFormat::from_path(path))
        .unwrap_or(FileFormat::Json);
    let written = to_bytes(doc, format)?;
    crate::io::write_file_atomic(path, &written.bytes).map_err(|source| WriteError::File {
        path: path.to_owned(),
        source,
    })?;
    Ok(written.warnings)
}

/// A workbook that could not be imported, as a read error of the matching kind.
pub(crate) fn workbook_read_error(e: &ImportError) -> ReadError {
    use ImportErrorKind as K;
    let kind = match e.kind {
        K::TooLarge(_) | K::TableTooLarge(_) => ErrorKind::Limit,
        K::Encrypted | K::PasswordProtectedZip(_) => ErrorKind::Unsupported,
        K::NotZip | K::Unreadable(_) | K::MalformedPart { .. } => ErrorKind::Syntax,
        _ => ErrorKind::Structure,
    };
    ReadError::new(&SourceName(e.source_name.clone()), kind, e.message())
}

#[cfg(test)]
mod tests {
    use super::{FileFormat, recognize};
    use std::path::Path;

    const ZIP: &[u8] = b"PK\x03\x04rest of a zip";
    const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0];

    #[test]
    fn a_given_format_wins_over_name_and_content() {
        let json = Some(Path::new("a.json"));
        assert_eq!(
            recognize(b"{}", json, Some(FileFormat::Xlsx)),
            Some(FileFormat::Xlsx)
        );
        assert_eq!(
            recognize(ZIP, None, Some(FileFormat::Yaml)),
            Some(FileFormat::Yaml)
        );
    }

    #[test]
    fn a_workbook_is_known_by_its_name_or_its_content() {
        for name in ["a.xlsx", "a.XLSM", "a.xlsm"] {
            assert_eq!(
                recognize(b"", Some(Path::new(name)), None),
                Some(FileFormat::Xlsx),
                "{name}"
            );
        }
        for name in [None, Some(Path::new("a.json")), Some(Path::new("book"))] {
            assert_eq!(
                recognize(ZIP, name, None),
                Some(FileFormat::Xlsx),
                "{name:?}"
            );
        }
        // An encrypted workbook is told by its content only under a name that says nothing.
        assert_eq!(recognize(OLE, None, None), Some(FileFormat::Xlsx));
        assert_eq!(
            recognize(OLE, Some(Path::new("x.xml")), None),
            Some(FileFormat::Xml)
        );
    }

    #[test]
    fn oscal_text_takes_its_extension_or_is_left_to_detection() {
        assert_eq!(
            recognize(b"{}", Some(Path::new("a.yml")), None),
            Some(FileFormat::Yaml)
        );
        assert_eq!(recognize(b"{}", Some(Path::new("a")), None), None);
        assert_eq!(recognize(b"<x/>", None, None), None);
    }
}
