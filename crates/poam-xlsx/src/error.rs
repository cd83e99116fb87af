//! Errors of reading and writing workbooks. Each names the file and says what to do.

use std::fmt;

use crate::cell::CellRef;

/// Why a workbook could not be imported. Nothing is written when this happens.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ImportError {
    /// The file (or `<stdin>`) being read.
    pub source_name: String,
    /// Where in the workbook the problem is.
    pub place: ErrorPlace,
    /// What is wrong.
    pub kind: ImportErrorKind,
}

impl ImportError {
    pub(crate) fn new(source_name: &str, place: ErrorPlace, kind: ImportErrorKind) -> Self {
        Self {
            source_name: source_name.to_owned(),
            place,
            kind,
        }
    }

    /// The message without the file's name: the place, then what is wrong.
    pub fn message(&self) -> String {
        match &self.place {
            ErrorPlace::File => self.kind.to_string(),
            place => format!("{place}: {}", self.kind),
        }
    }
}

/// An import error before it is given the file's name: where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    pub place: ErrorPlace,
    pub kind: ImportErrorKind,
}

impl Problem {
    pub(crate) fn new(place: ErrorPlace, kind: ImportErrorKind) -> Self {
        Self { place, kind }
    }

    /// The error, naming the file `source_name`.
    pub(crate) fn in_file(self, source_name: &str) -> ImportError {
        ImportError::new(source_name, self.place, self.kind)
    }
}

/// Where an import error is: the file as a whole only when the file is not a workbook at
/// all (not a zip, encrypted, or without any item); else the zip archive's directory, a
/// part, a sheet, or a cell.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorPlace {
    /// The file as a whole.
    File,
    /// The zip archive's directory (its list of parts).
    ZipDirectory,
    /// A part (entry) of the zip archive and, when known, the byte of its text.
    Part {
        /// The part's name in the archive, e.g. `xl/worksheets/sheet1.xml`.
        part: String,
        /// The byte offset in the part's (uncompressed) text, when known.
        byte: Option<u64>,
    },
    /// A sheet as a whole.
    Sheet {
        /// The sheet's name as written in the workbook.
        sheet: String,
    },
    /// One cell.
    Cell(CellRef),
    /// In a sheet, after the last cell that could be read (the cell after it is bad).
    AfterCell(CellRef),
}

impl ErrorPlace {
    pub(crate) fn part(part: &str) -> Self {
        Self::Part {
            part: part.to_owned(),
            byte: None,
        }
    }

    pub(crate) fn sheet(sheet: &str) -> Self {
        Self::Sheet {
            sheet: sheet.to_owned(),
        }
    }
}

impl fmt::Display for ErrorPlace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::File => f.write_str("the file"),
            Self::ZipDirectory => f.write_str("the zip archive's directory"),
            Self::Part { part, byte: None } => write!(f, "part {part}"),
            Self::Part {
                part,
                byte: Some(b),
            } => write!(f, "part {part} (byte {b})"),
            Self::Sheet { sheet } => write!(f, "sheet {sheet:?}"),
            Self::Cell(c) => write!(f, "{c}"),
            Self::AfterCell(c) => write!(f, "the cell after {c}"),
        }
    }
}

/// What was wrong with the workbook (the place is [`ImportError::place`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ImportErrorKind {
    /// The file is not a zip archive, so not an `.xlsx`.
    #[error("not an Excel workbook (.xlsx): the file is not a zip archive")]
    NotZip,
    /// An OLE compound file: Excel's own encryption, or a legacy `.xls`.
    #[error(
        "an OLE compound file: an encrypted (password-protected) .xlsx or a legacy .xls workbook; save it from Excel as an unencrypted .xlsx"
    )]
    Encrypted,
    /// A zip archive whose parts are encrypted (a password-protected zip, not Excel's own
    /// encryption, which makes an OLE compound file). Holds the encrypted part's name.
    #[error(
        "a password-protected zip archive (this part is encrypted); remove the password and save it as an .xlsx"
    )]
    PasswordProtectedZip(String),
    /// A zip archive without a workbook's parts; holds what is missing or wrong.
    #[error("a zip archive but not an Excel workbook: {0}")]
    NotXlsx(String),
    /// A part or the whole expands beyond poam's limits (a possible zip bomb); holds which.
    #[error("the workbook expands beyond safe limits (possible zip bomb): {0}")]
    TooLarge(String),
    /// A sheet's values span more rows and columns than poam holds in memory at once.
    /// Holds the sheet's size.
    #[error("the sheet is too large to read safely: {0}")]
    TableTooLarge(String),
    /// No sheet is an item sheet by its name or its header row. Holds the workbook's sheets.
    #[error("no POA&M sheet: expected a sheet named \"Open POA&M Items\", \"Closed POA&M Items\" or \"Configuration Findings\" (or one with their column headers); the workbook has {}", quoted(.0))]
    NoPoamSheet(Vec<String>),
    /// An item sheet without its header row. Holds the sheet's name.
    #[error(
        "no header row (a row with \"POAM ID\" and the other FedRAMP column headers in the first 50 rows)"
    )]
    NoHeaderRow(String),
    /// A part that is not well-formed XML, or holds what no cell holds.
    #[error("malformed: {what}")]
    MalformedPart {
        /// The part's name in the archive.
        part: String,
        /// The byte offset in the part's text.
        at: u64,
        /// What is wrong there.
        what: String,
    },
    /// Item sheets without a single POA&M item (empty, or only the template's rows): OSCAL
    /// requires at least one `poam-item`, and poam writes no POA&M its readers refuse.
    /// Holds the item sheets read (none when every item sheet is empty).
    #[error("no POA&M items: {}; OSCAL requires at least one poam-item, so there is nothing to convert", no_items(.0))]
    NoItems(Vec<String>),
    /// A cell holding NUL: OSCAL markup (Markdown) reads it as U+FFFD and OSCAL XML cannot
    /// hold it, so no OSCAL poam writes would keep it.
    #[error(
        "the cell holds the character U+0000 (NUL), which OSCAL cannot keep (Markdown reads it as U+FFFD, XML cannot hold it); remove it"
    )]
    Nul,
    /// Any other failure to read the archive or a sheet, in the reader's words.
    #[error("cannot read the workbook: {0}")]
    Unreadable(String),
}

fn no_items(sheets: &[String]) -> String {
    match sheets {
        [] => "the item sheets are empty".to_owned(),
        [one] => format!(
            "sheet {one:?} has only headers and the template's description, hint and example rows"
        ),
        many => format!(
            "sheets {} have only headers and the template's description, hint and example rows",
            quoted(many)
        ),
    }
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
        write!(f, "{}: {}", self.source_name, self.message())
    }
}

impl std::error::Error for ImportError {}

/// Why a document could not be written as a workbook.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// Excel cells hold at most 32,767 characters, counted as UTF-16 code units: `len` is
    /// that count (a character beyond U+FFFF, such as an emoji, is two).
    #[error(
        "{place}: the text is {len} characters long as Excel counts them (an emoji or another character beyond U+FFFF counts as two); an Excel cell holds at most 32,767"
    )]
    CellTooLong {
        /// The cell, e.g. `'Open POA&M Items'!C8`.
        place: String,
        /// The text's length in UTF-16 code units.
        len: usize,
    },
    /// A value holding NUL: a cell could hold it (`_x0000_`), but poam's import refuses it
    /// (OSCAL markup cannot keep it), and what poam writes, it reads.
    #[error(
        "{place}: the text holds the character U+0000 (NUL), which a workbook poam reads cannot hold; remove it"
    )]
    Nul {
        /// The cell, e.g. `'Open POA&M Items'!C8`.
        place: String,
    },
    /// More items than a sheet has rows.
    #[error("the workbook would have more rows than Excel allows (1,048,576)")]
    TooManyRows,
    /// More cells than poam reads back (32 columns' worth of Excel's 1,048,576 rows).
    #[error(
        "sheet {sheet:?} would be {rows} rows of {columns} columns, more cells than poam reads back ({}); move the unmapped columns' props out of the items",
        crate::read::MAX_TABLE_CELLS
    )]
    TableTooLarge {
        /// The sheet's name.
        sheet: String,
        /// The rows it would have.
        rows: usize,
        /// The columns it would have.
        columns: usize,
    },
    /// The xlsx writer failed, in its words.
    #[error("cannot write the workbook: {0}")]
    Writer(String),
}

impl From<rust_xlsxwriter::XlsxError> for ExportError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        Self::Writer(e.to_string())
    }
}
