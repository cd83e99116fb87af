//! Why a scan file could not be read, and where.

use std::fmt;

use crate::finding::ScanFormat;

/// What went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScanErrorKind {
    /// The content is in none of the formats poam recognizes.
    UnknownFormat,
    /// Malformed or truncated: the file is not well-formed in its format.
    Syntax,
    /// Well-formed but not shaped as the format says (a required member missing, a wrong
    /// type).
    Structure,
    /// Refused on purpose (a DTD, an encoding poam does not read).
    Unsupported,
}

/// A scan file poam could not read. Nothing is imported from a file with an error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub struct ScanError {
    /// What kind of failure.
    pub kind: ScanErrorKind,
    /// The format it was read as, once recognized.
    pub format: Option<ScanFormat>,
    /// Where: `line 12, column 4`, `row 7`, `line 3 (Results[0].Vulnerabilities[2])`.
    pub place: Option<String>,
    /// What is wrong, for people.
    pub message: String,
}

impl ScanError {
    /// An error of `kind`, without a place yet.
    pub fn new(
        kind: ScanErrorKind,
        format: Option<ScanFormat>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            kind,
            format,
            place: None,
            message: message.into(),
        }
    }

    /// The same error at `place`.
    #[must_use]
    pub fn at(mut self, place: impl Into<String>) -> Self {
        self.place = Some(place.into());
        self
    }

    pub(crate) fn syntax(format: ScanFormat, message: impl Into<String>) -> Self {
        Self::new(ScanErrorKind::Syntax, Some(format), message)
    }

    pub(crate) fn structure(format: ScanFormat, message: impl Into<String>) -> Self {
        Self::new(ScanErrorKind::Structure, Some(format), message)
    }

    /// The error for content in no known format.
    pub fn unknown_format(what: &str) -> Self {
        Self::new(
            ScanErrorKind::UnknownFormat,
            None,
            format!(
                "{what}; poam imports these formats, recognized by their content: {}",
                ScanFormat::all_names()
            ),
        )
    }
}

impl fmt::Display for ScanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(p) = &self.place {
            write!(f, "{p}: ")?;
        }
        match self.format {
            Some(format) if self.kind != ScanErrorKind::UnknownFormat => {
                write!(f, "{} ({format})", self.message)
            }
            _ => f.write_str(&self.message),
        }
    }
}

/// `line L, column C` of byte offset `at` in `bytes` (1-based).
pub(crate) fn line_column(bytes: &[u8], at: usize) -> String {
    let at = at.min(bytes.len());
    let before = &bytes[..at];
    // One error's place: counting its lines needs no crate of its own.
    #[allow(clippy::naive_bytecount)]
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
    format!("line {line}, column {column}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places() {
        assert_eq!(line_column(b"ab\ncd", 4), "line 2, column 2");
        assert_eq!(line_column(b"", 10), "line 1, column 1");
        let e = ScanError::syntax(ScanFormat::Sarif, "unexpected end").at("line 3, column 1");
        assert_eq!(
            e.to_string(),
            "line 3, column 1: unexpected end (SARIF 2.1.0)"
        );
        let u = ScanError::unknown_format("not a scan");
        assert!(u.to_string().contains("Nessus .nessus XML"), "{u}");
        assert!(u.to_string().contains("Amazon Inspector"), "{u}");
    }
}
