use std::fmt;

use crate::SourceName;

/// A 1-based line and column (columns count characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    /// The position of byte `offset` in `text`.
    pub fn of_offset(text: &str, offset: usize) -> Self {
        let offset = offset.min(text.len());
        let before = text.get(..offset).unwrap_or(text);
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Self { line, column }
    }
}

/// What kind of problem stopped a read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The file could not be read at all.
    Io,
    /// Nothing in the file.
    Empty,
    /// Not UTF-8.
    Encoding,
    /// Not well-formed JSON, YAML or XML.
    Syntax,
    /// Well-formed, but not a POA&M of the expected shape: unknown or missing members, wrong
    /// types, another OSCAL model.
    Structure,
    /// A value breaks its datatype (a UUID that is not one, a date without a time zone).
    Datatype,
    /// Too deeply nested or too large to read safely.
    Limit,
    /// Something `poam` does not read (yet).
    Unsupported,
}

/// Why a document could not be read, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ReadError {
    pub source_name: String,
    pub kind: ErrorKind,
    pub message: String,
    pub position: Option<Position>,
    /// JSON pointer of the member concerned, e.g. `/plan-of-action-and-milestones/metadata`.
    pub pointer: Option<String>,
}

impl ReadError {
    pub fn new(name: &SourceName, kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            source_name: name.0.clone(),
            kind,
            message: message.into(),
            position: None,
            pointer: None,
        }
    }
    #[must_use]
    pub fn at(mut self, p: Position) -> Self {
        self.position = Some(p);
        self
    }
    #[must_use]
    pub fn with_pointer(mut self, p: impl Into<String>) -> Self {
        let p = p.into();
        if !p.is_empty() {
            self.pointer = Some(p);
        }
        self
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source_name)?;
        if let Some(p) = self.position {
            write!(f, ":{}:{}", p.line, p.column)?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(p) = &self.pointer {
            write!(f, " (at {p})")?;
        }
        Ok(())
    }
}

/// Why a document could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    #[error("JSON: {0}")]
    Json(String),
    #[error("YAML: {0}")]
    Yaml(String),
    #[error("XML: {0}")]
    Xml(String),
    #[error("{0}")]
    Unsupported(String),
}
