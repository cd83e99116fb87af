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
        .map_err(|e| ImportErrorKind::Unreadable(zip_words(&e)))?;
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
        let entry = archive
            .by_index_data(i)
            .map_err(|e| ImportErrorKind::Unreadable(zip_words(&e)))?;
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        let size = entry.size();
        let compressed = entry.compressed_size();
        if entry.encrypted() {
            return Err(ImportErrorKind::PasswordProtectedZip(format!(
                "part {name}"
            )));
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

/// Checks that each worksheet part is well-formed XML with nothing outside its cells:
/// calamine stops quietly at the end of the document element and skips text it does not
/// expect, so a `<row>` after `</worksheet>` or stray text between rows would lose rows
/// without a word. The error names the part and the line.
pub fn check_sheet_xml(bytes: &[u8]) -> Result<(), ImportErrorKind> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| ImportErrorKind::Unreadable(zip_words(&e)))?;
    for i in 0..archive.len() {
        let entry = archive
            .by_index(i)
            .map_err(|e| ImportErrorKind::Unreadable(zip_words(&e)))?;
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        if !(name.starts_with("xl/worksheets/") && name.ends_with(".xml")) {
            continue;
        }
        check_one_sheet(std::io::BufReader::new(entry), &name)?;
    }
    Ok(())
}

/// Elements of a worksheet whose own text is ignored by every reader: text there is stray.
const CONTAINERS: &[&str] = &["worksheet", "sheetData", "row", "c"];

fn check_one_sheet(part: impl std::io::BufRead, name: &str) -> Result<(), ImportErrorKind> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(part);
    let mut buf = Vec::new();
    // The local names of the open elements.
    let mut open: Vec<String> = Vec::new();
    let mut root_done = false;
    let malformed = |reader: &quick_xml::Reader<_>, what: String| ImportErrorKind::MalformedPart {
        part: name.to_owned(),
        at: reader.error_position(),
        what,
    };
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(e) => return Err(malformed(&reader, xml_words(&e))),
        };
        match event {
            Event::Start(e) | Event::Empty(e) if root_done => {
                let tag = e.local_name().as_ref().to_owned();
                return Err(malformed(
                    &reader,
                    format!("a <{tag}> element after the end of the worksheet"),
                ));
            }
            Event::Start(e) => open.push(e.local_name().as_ref().to_owned()),
            Event::Empty(_) => root_done |= open.is_empty(),
            Event::End(_) => {
                open.pop();
                root_done |= open.is_empty();
            }
            Event::Text(t) if !t.trim().is_empty() => {
                let inside = open.last().map(String::as_str);
                if inside.is_none_or(|tag| CONTAINERS.contains(&tag)) {
                    let shown: String = t.trim().chars().take(40).collect();
                    let place = match inside {
                        Some(tag) => format!("inside <{tag}>"),
                        None => "outside the worksheet".to_owned(),
                    };
                    return Err(malformed(
                        &reader,
                        format!("text {shown:?} {place}, where no cell holds it"),
                    ));
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !open.is_empty() {
        return Err(malformed(
            &reader,
            "the worksheet ends before it closes".to_owned(),
        ));
    }
    Ok(())
}

/// A quick-xml error in poam's words.
fn xml_words(e: &quick_xml::Error) -> String {
    use quick_xml::Error as E;
    match e {
        E::Syntax(_) => "not well-formed XML (a tag or comment is not closed)".to_owned(),
        E::IllFormed(_) => "not well-formed XML (an end tag does not match its start)".to_owned(),
        E::Io(_) => "the part could not be decompressed".to_owned(),
        E::Encoding(_) => "text that is not UTF-8".to_owned(),
        _ => "not well-formed XML".to_owned(),
    }
}

/// A zip error in poam's words (never the library's type names).
pub fn zip_words(e: &zip::result::ZipError) -> String {
    use zip::result::ZipError as Z;
    match e {
        Z::Io(_) | Z::InvalidArchive(_) => {
            "the zip archive is damaged or cut short (its directory or a part cannot be read)"
                .to_owned()
        }
        Z::UnsupportedArchive(_) | Z::CompressionMethodNotSupported(_) => {
            "the zip archive uses a feature poam does not read (save it again from Excel)"
                .to_owned()
        }
        Z::FileNotFound => "a part the workbook lists is missing from the zip archive".to_owned(),
        Z::InvalidPassword => "the zip archive is password-protected".to_owned(),
        _ => "the zip archive cannot be read".to_owned(),
    }
}
