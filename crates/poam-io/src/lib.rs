//! Reading and writing OSCAL POA&M documents.
//!
//! Formats in, typed model out (and back): [`read`] turns bytes into a [`Document`],
//! [`write()`] turns a document into bytes. Every read error names the file, the line and
//! column, and the JSON pointer of the place when there is one. [`write_file_atomic`] never
//! leaves a partial output file behind.
//!
//! **Architecture invariant:** the bytes are the only input; nothing here reads the network or
//! any file but the one it is given.

mod error;
mod format;
mod json;
pub mod locate;
mod output;
pub mod xml;
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
    pub fn stdin() -> Self {
        Self("<stdin>".into())
    }
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
        None => Format::sniff(text).ok_or_else(|| {
            ReadError::new(
                name,
                ErrorKind::Syntax,
                "cannot tell the format: not JSON, YAML or XML",
            )
        })?,
    };
    match format {
        Format::Json => json::read(text, name),
        Format::Yaml => yaml::read(text, name),
        Format::Xml => xml::read(text, name),
    }
}

/// Writes `doc` in `format`.
pub fn write(doc: &Document, format: Format) -> Result<Vec<u8>, WriteError> {
    match format {
        Format::Json => json::write(doc),
        Format::Yaml => yaml::write(doc),
        Format::Xml => xml::write(doc),
    }
}

fn decode<'a>(bytes: &'a [u8], name: &SourceName) -> Result<&'a str, ReadError> {
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
