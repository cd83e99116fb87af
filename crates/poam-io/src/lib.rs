//! Reading and writing OSCAL POA&M documents.
//!
//! Formats in, typed model out (and back): [`read`] turns bytes into a [`Document`],
//! [`write()`] turns a document into bytes. Every read error names the file, the line and
//! column, and the JSON pointer of the place when there is one. [`write_file_atomic`] never
//! leaves a partial output file behind.
//!
//! **Architecture invariant:** the bytes are the only input; nothing here reads the network or
//! any file but the one it is given.

// What the `poam` crate needs is public; the rest is the crate's own.
mod error;
mod format;
mod json;
pub mod locate;
mod output;
mod xml;
mod yaml;

/// The limits OSCAL YAML is read with: counts bounded by the input are not capped; alias
/// expansion and nesting are.
pub use yaml::budget as yaml_budget;

use std::path::Path;

pub use error::{ErrorKind, Position, ReadError, WriteError};
pub use format::Format;
pub use output::{is_same_file, write_file_atomic};
pub use poam_model::Document;

/// Where a document came from, for messages: a path, or `<stdin>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceName(pub String);

impl SourceName {
    /// The standard input, named `<stdin>`.
    pub fn stdin() -> Self {
        Self("<stdin>".into())
    }
    /// A file, named by its path.
    pub fn path(p: &Path) -> Self {
        Self(p.display().to_string())
    }
}

impl std::fmt::Display for SourceName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Reads a POA&M from `bytes`. With `format` `None`, the format is detected from the content.
pub fn read(
    bytes: &[u8],
    name: &SourceName,
    format: Option<Format>,
) -> Result<Document, ReadError> {
    let text = decode(bytes, name)?;
    let format = match format {
        Some(f) => f,
        None => detect(text, name)?,
    };
    read_text(text, name, format)
}

/// The format of `text` told from its content ([`Format::sniff`]), or the error saying it
/// cannot be told.
pub fn detect(text: &str, name: &SourceName) -> Result<Format, ReadError> {
    Format::sniff(text).ok_or_else(|| {
        ReadError::new(
            name,
            ErrorKind::Syntax,
            "cannot tell the format: not JSON, YAML or XML",
        )
    })
}

/// Reads a POA&M from `text` (already decoded, see [`decode`]) in `format`.
pub fn read_text(text: &str, name: &SourceName, format: Format) -> Result<Document, ReadError> {
    let doc = match format {
        Format::Json => json::read(text, name),
        Format::Yaml => yaml::read(text, name),
        Format::Xml => xml::read(text, name),
    }
    .map_err(|e| placed_as_validate_places(e, text, format))?;
    Ok(doc)
}

/// A structural problem at the place `poam validate` names for it: the value its pointer
/// names (a missing member: the object that lacks it), found by the same locator, so that
/// `convert` and `validate` give one line:column for one problem. Other kinds of error (a
/// duplicate key is a syntax error) keep the reader's place.
fn placed_as_validate_places(mut e: ReadError, text: &str, format: Format) -> ReadError {
    if format == Format::Xml || !matches!(e.kind, ErrorKind::Structure) {
        return e;
    }
    if e.pointer.is_none() {
        e.pointer = stray_root_member(text, format)
            .map(|m| format!("/{}", m.replace('~', "~0").replace('/', "~1")));
    }
    if let Some(p) = e
        .pointer
        .as_deref()
        .and_then(|p| locate::locate(text, format, p))
    {
        e.position = Some(p);
    }
    e
}

/// A member at the document root that is not the POA&M's (an unknown member, another OSCAL
/// model): the root's reader names it in words only.
fn stray_root_member(text: &str, format: Format) -> Option<String> {
    // Only the member names are wanted: the values are read and dropped.
    #[allow(clippy::zero_sized_map_values)]
    let root: std::collections::BTreeMap<String, serde::de::IgnoredAny> = match format {
        Format::Json => serde_json::from_str(text).ok()?,
        Format::Yaml => serde_saphyr::from_str(text).ok()?,
        Format::Xml => return None,
    };
    root.into_keys()
        .find(|k| k != poam_model::ROOT_NAME && k != "$schema")
}

/// Writes `doc` in `format`.
///
/// A list OSCAL requires to hold at least one item that is empty (which only a document
/// built or edited in code can have: the readers refuse it) is refused in every format, as
/// [`WriteError::Unsupported`] naming each such place: XML cannot hold it, and the schemas
/// refuse it in JSON and YAML.
pub fn write(doc: &Document, format: Format) -> Result<Vec<u8>, WriteError> {
    let empty = poam_model::empty_required_lists(doc);
    if !empty.is_empty() {
        let places: Vec<String> = empty.iter().map(ToString::to_string).collect();
        return Err(WriteError::Unsupported(format!(
            "{} (at {})",
            poam_model::EMPTY_REQUIRED_LIST,
            places.join(", ")
        )));
    }
    match format {
        Format::Json => json::write(doc),
        Format::Yaml => yaml::write(doc),
        Format::Xml => xml::write(doc),
    }
}

/// The text of `bytes`: UTF-8, a byte order mark skipped. An empty (or all-blank) input and
/// invalid UTF-8 are errors, the latter at the place of the bad byte.
pub fn decode<'a>(bytes: &'a [u8], name: &SourceName) -> Result<&'a str, ReadError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ReadError::new(name, ErrorKind::Empty, "the file is empty"));
    }
    // A UTF-8 byte order mark is allowed and skipped.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        let prefix = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
        let pos = Position::of_offset(prefix, at);
        ReadError::new(
            name,
            ErrorKind::Encoding,
            format!("invalid UTF-8 (byte offset {at})"),
        )
        .at(pos)
    })
}
