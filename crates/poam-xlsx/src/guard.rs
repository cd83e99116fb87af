//! Checks on the bytes before calamine sees them: is this a zip, an xlsx, an encrypted
//! workbook, a zip bomb? Uses the `zip` crate (already in the build through calamine and
//! rust_xlsxwriter) to read the central directory only; no part is decompressed here.
//!
//! Declared sizes are enough to stop a bomb: the `zip` crate bounds every entry's output by
//! its declared uncompressed size, so a part cannot expand beyond what is checked here.

use std::io::Cursor;

use crate::error::ImportErrorKind;

/// The zip local-file-header magic that starts every .xlsx.
pub const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
/// The OLE compound file magic: encrypted .xlsx files and legacy .xls files start with it.
pub const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Limits on what a workbook may expand to.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_entries: usize,
    /// Largest uncompressed size of one part.
    pub max_part: u64,
    /// Largest uncompressed size of all parts together.
    pub max_total: u64,
    /// Largest compression ratio of a part bigger than `ratio_floor`. Worksheet XML compresses
    /// about 10:1 (the 2024 template's sheets 8:1); bombs reach 1000:1.
    pub max_ratio: u64,
    pub ratio_floor: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_entries: 10_000,
            max_part: 512 << 20,
            max_total: 1 << 30,
            max_ratio: 250,
            ratio_floor: 16 << 20,
        }
    }
}

/// Whether `bytes` look like a zip (and so possibly an .xlsx).
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(ZIP_MAGIC)
}

/// Checks `bytes` against `limits` and for the parts every workbook has.
pub fn check(bytes: &[u8], limits: &Limits) -> Result<(), ImportErrorKind> {
    if bytes.starts_with(OLE_MAGIC) {
        return Err(ImportErrorKind::Encrypted);
    }
    if !is_zip(bytes) {
        return Err(ImportErrorKind::NotZip);
    }
    let archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| ImportErrorKind::Unreadable(format!("the zip archive is damaged ({e})")))?;
    if archive.len() > limits.max_entries {
        return Err(ImportErrorKind::TooLarge(format!(
            "{} parts (at most {})",
            archive.len(),
            limits.max_entries
        )));
    }
    let mut total: u64 = 0;
    let mut has_workbook = false;
    for i in 0..archive.len() {
        let entry = archive.by_index_data(i).map_err(|e| {
            ImportErrorKind::Unreadable(format!("the zip archive is damaged ({e})"))
        })?;
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        let size = entry.size();
        let compressed = entry.compressed_size();
        if entry.encrypted() {
            return Err(ImportErrorKind::Encrypted);
        }
        if name == "xl/workbook.bin" {
            return Err(ImportErrorKind::NotXlsx(
                "a binary workbook (.xlsb); save it from Excel as .xlsx".to_owned(),
            ));
        }
        has_workbook |= name.starts_with("xl/workbook") && name.ends_with(".xml");
        if size > limits.max_part {
            return Err(ImportErrorKind::TooLarge(format!(
                "part {name} declares {} MiB uncompressed (at most {} MiB)",
                size >> 20,
                limits.max_part >> 20
            )));
        }
        if size > limits.ratio_floor && size / compressed.max(1) > limits.max_ratio {
            return Err(ImportErrorKind::TooLarge(format!(
                "part {name} expands {}:1 (at most {}:1)",
                size / compressed.max(1),
                limits.max_ratio
            )));
        }
        total = total.saturating_add(size);
        if total > limits.max_total {
            return Err(ImportErrorKind::TooLarge(format!(
                "the parts declare more than {} MiB uncompressed in all",
                limits.max_total >> 20
            )));
        }
    }
    if !has_workbook {
        return Err(ImportErrorKind::NotXlsx(
            "it has no xl/workbook.xml part".to_owned(),
        ));
    }
    Ok(())
}
