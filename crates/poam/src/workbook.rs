//! FedRAMP's POA&M Excel workbook, both ways: [`import`] reads any template version (2021 to
//! 2024) into OSCAL shaped as the FedRAMP Guide says; [`export`] writes any OSCAL POA&M as the
//! 2024 template.
//!
//! A cell poam cannot fully read is kept as written in the OSCAL and reported as a
//! [`Warning`] naming the cell. The crate root's [`read_path`](crate::read_path) and
//! [`to_bytes`](crate::to_bytes) use this module for `.xlsx` files.

pub use poam_xlsx::{
    CellRef, ErrorPlace, ExportError, Exported, ImportError, ImportErrorKind, Imported, ItemSource,
    ReadOptions, Warning, export, import, import_base, looks_like_encrypted_workbook,
    looks_like_xlsx,
};

/// The template's columns, for placing a diagnostic on the cell a person edits: [`Field`] is
/// a column, [`Part`] the part of an item's OSCAL a pointer is in, [`field_at`] the column
/// showing a member, [`column_letters`] a zero-based column index in Excel's letters.
pub use poam_xlsx::{Field, Part, column_letters, field_at};

/// A workbook that could not be imported, as a [`ReadError`](crate::ReadError) of the
/// matching kind (a limit, an unsupported encryption, a damaged archive, or a workbook
/// without the POA&M's shape), so that every reader's errors are one type.
pub fn read_error(e: &ImportError) -> crate::ReadError {
    crate::file::workbook_read_error(e)
}
