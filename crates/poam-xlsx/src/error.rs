//! Errors of reading and writing workbooks. Each names the file and says what to do.

use std::fmt;

/// Why a workbook could not be imported. Nothing is written when this happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// The file (or `<stdin>`) being read.
    pub source_name: String,
    pub kind: ImportErrorKind,
}

/// What was wrong with the workbook.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ImportErrorKind {
    #[error("not an Excel workbook (.xlsx): the file is not a zip archive")]
    NotZip,
    #[error(
        "an OLE compound file: an encrypted (password-protected) .xlsx or a legacy .xls workbook; save it from Excel as an unencrypted .xlsx"
    )]
    Encrypted,
    /// A zip archive whose parts are encrypted (a password-protected zip, not Excel's own
    /// encryption, which makes an OLE compound file).
    #[error(
        "a password-protected zip archive ({0} is encrypted); remove the password and save it as an .xlsx"
    )]
    PasswordProtectedZip(String),
    #[error("a zip archive but not an Excel workbook: {0}")]
    NotXlsx(String),
    #[error("the workbook expands beyond safe limits (possible zip bomb): {0}")]
    TooLarge(String),
    /// A sheet's values span more rows and columns than poam holds in memory at once.
    #[error("a sheet is too large to read safely: {0}")]
    TableTooLarge(String),
    #[error("no POA&M sheet: expected a sheet named \"Open POA&M Items\", \"Closed POA&M Items\" or \"Configuration Findings\"; the workbook has {}", quoted(.0))]
    NoPoamSheet(Vec<String>),
    #[error(
        "sheet {0:?} has no header row (a row with \"POAM ID\" and the other FedRAMP column headers in the first 50 rows)"
    )]
    NoHeaderRow(String),
    /// A worksheet part that is not well-formed, or holds what no cell holds.
    #[error("part {part} (byte {at}) is malformed: {what}")]
    MalformedPart { part: String, at: u64, what: String },
    #[error("cannot read the workbook: {0}")]
    Unreadable(String),
}

fn quoted(names: &[String]) -> String {
    if names.is_empty() {
        return "no sheets".to_owned();
    }
    names
        .iter()
        .map(|n| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.source_name, self.kind)
    }
}

impl std::error::Error for ImportError {}

/// Why a document could not be written as a workbook.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// Excel cells hold at most 32,767 characters.
    #[error("{place}: the text is {len} characters long; an Excel cell holds at most 32,767")]
    CellTooLong { place: String, len: usize },
    #[error("the workbook would have more rows than Excel allows (1,048,576)")]
    TooManyRows,
    /// More cells than poam reads back ([`crate::read::MAX_TABLE_CELLS`]).
    #[error(
        "sheet {sheet:?} would be {rows} rows of {columns} columns, more cells than poam reads back ({}); move the unmapped columns' props out of the items",
        crate::read::MAX_TABLE_CELLS
    )]
    TableTooLarge {
        sheet: String,
        rows: usize,
        columns: usize,
    },
    #[error("cannot write the workbook: {0}")]
    Writer(String),
}

impl From<rust_xlsxwriter::XlsxError> for ExportError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        Self::Writer(e.to_string())
    }
}
