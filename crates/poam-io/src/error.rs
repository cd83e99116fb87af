use std::fmt;

use crate::SourceName;

/// A 1-based line and column (columns count characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1, in characters.
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

/// The deepest nesting of objects and arrays any reader accepts. serde_json's limit is fixed
/// (128 nested values, so at most 127 levels); the YAML reader is set to the same, so that every
/// document one format reads the other reads too.
pub(crate) const MAX_DEPTH: usize = 127;

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
    /// Not well-formed JSON, YAML or XML, or a key given twice in one object or mapping (the
    /// text then says two things: YAML forbids it, and OSCAL JSON has no reading of it).
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
#[non_exhaustive]
pub struct ReadError {
    /// The source, as messages name it (a path, or `<stdin>`).
    pub source_name: String,
    /// What kind of failure.
    pub kind: ErrorKind,
    /// What is wrong, for people.
    pub message: String,
    /// Where in the text, when known.
    pub position: Option<Position>,
    /// JSON pointer of the member concerned, e.g. `/plan-of-action-and-milestones/metadata`.
    pub pointer: Option<String>,
}

impl ReadError {
    /// An error of `kind` in `name`, without a place yet.
    pub fn new(name: &SourceName, kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            source_name: name.0.clone(),
            kind,
            message: message.into(),
            position: None,
            pointer: None,
        }
    }
    /// The same error at position `p`.
    #[must_use]
    pub fn at(mut self, p: Position) -> Self {
        self.position = Some(p);
        self
    }
    /// The same error about the member at JSON pointer `p` (an empty pointer adds nothing).
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
    /// The JSON writer failed.
    #[error("JSON: {0}")]
    Json(String),
    /// The YAML writer failed.
    #[error("YAML: {0}")]
    Yaml(String),
    /// The XML writer failed (e.g. a character XML cannot hold).
    #[error("XML: {0}")]
    Xml(String),
    /// The document holds something the format cannot write.
    #[error("{0}")]
    Unsupported(String),
}

/// serde's messages in the words of the format the user wrote: `object`/`array` for JSON,
/// `mapping`/`sequence` for YAML, and no Rust type names (`i64`, `struct Metadata`).
pub(crate) fn plain_words(message: &str, json: bool) -> String {
    let (map, seq, a_map, a_seq) = if json {
        ("object", "array", "an object", "an array")
    } else {
        ("mapping", "sequence", "a mapping", "a sequence")
    };
    let mut out = message.to_owned();
    for (from, to) in [
        ("invalid type: map", format!("invalid type: {map}")),
        ("invalid type: sequence", format!("invalid type: {seq}")),
        ("expected a sequence", format!("expected {a_seq}")),
        ("expected a map", format!("expected {a_map}")),
        ("expected i64", "expected an integer".to_owned()),
        ("expected u64", "expected an integer".to_owned()),
        ("expected a borrowed string", "expected a string".to_owned()),
        ("duplicate field", "duplicate key".to_owned()),
    ] {
        out = replace_words(&out, from, &to);
    }
    out = out.replace("floating point `", "number `");
    // `expected struct Metadata` -> `expected an object`
    if let Some(i) = out.find("expected struct ") {
        let end = out[i + "expected struct ".len()..]
            .find(|c: char| !c.is_alphanumeric())
            .map_or(out.len(), |j| i + "expected struct ".len() + j);
        out.replace_range(i..end, &format!("expected {a_map}"));
    }
    out
}

/// Replaces `from` where it is a whole phrase (not followed by a letter or digit).
fn replace_words(text: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(from) {
        let after = &rest[i + from.len()..];
        out.push_str(&rest[..i]);
        if after.chars().next().is_some_and(char::is_alphanumeric) {
            out.push_str(from);
        } else {
            out.push_str(to);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::plain_words;

    #[test]
    fn only_whole_phrases_are_replaced() {
        assert_eq!(
            plain_words("expected a mapping, expected a map", true),
            "expected a mapping, expected an object"
        );
    }

    #[test]
    fn serde_words_become_format_words() {
        assert_eq!(
            plain_words("invalid type: map, expected a sequence", true),
            "invalid type: object, expected an array"
        );
        assert_eq!(
            plain_words("invalid type: integer `5`, expected struct Metadata", true),
            "invalid type: integer `5`, expected an object"
        );
        assert_eq!(
            plain_words("invalid type: integer `5`, expected struct Metadata", false),
            "invalid type: integer `5`, expected a mapping"
        );
        assert_eq!(
            plain_words("invalid type: string \"443\", expected i64", true),
            "invalid type: string \"443\", expected an integer"
        );
        assert_eq!(
            plain_words(
                "invalid type: floating point `1.5`, expected a string",
                false
            ),
            "invalid type: number `1.5`, expected a string"
        );
        assert_eq!(
            plain_words("invalid type: sequence, expected a map", false),
            "invalid type: sequence, expected a mapping"
        );
    }
}
