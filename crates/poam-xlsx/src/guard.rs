//! Checks on the bytes before calamine sees them: is this a zip, an xlsx, an encrypted
//! workbook, a zip bomb? Uses the `zip` crate (already in the build through calamine and
//! rust_xlsxwriter) to read the central directory only; no part is decompressed here.
//!
//! Declared sizes are enough to stop a bomb: the `zip` crate bounds every entry's output by
//! its declared uncompressed size, so a part cannot expand beyond what is checked here.

use std::io::Cursor;

use crate::error::{ErrorPlace, ImportErrorKind, Problem};

/// The zip local-file-header magic that starts every .xlsx.
pub(crate) const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
/// The OLE compound file magic: encrypted .xlsx files and legacy .xls files start with it.
pub(crate) const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Limits on what a workbook may expand to.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
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
pub(crate) fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(ZIP_MAGIC)
}

/// Checks `bytes` against `limits` and for the parts every workbook has.
// Part names as in `check_xml_parts`.
#[allow(clippy::case_sensitive_file_extension_comparisons)]
pub(crate) fn check(bytes: &[u8], limits: &Limits) -> Result<(), Problem> {
    let whole = |kind| Problem::new(ErrorPlace::File, kind);
    let directory = |kind| Problem::new(ErrorPlace::ZipDirectory, kind);
    if bytes.starts_with(OLE_MAGIC) {
        return Err(whole(ImportErrorKind::Encrypted));
    }
    if !is_zip(bytes) {
        return Err(whole(ImportErrorKind::NotZip));
    }
    let archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| directory(ImportErrorKind::Unreadable(zip_words(&e))))?;
    if archive.len() > limits.max_entries {
        return Err(directory(ImportErrorKind::TooLarge(format!(
            "{} parts (at most {})",
            archive.len(),
            limits.max_entries
        ))));
    }
    let mut total: u64 = 0;
    let mut has_workbook = false;
    for i in 0..archive.len() {
        let entry = archive.by_index_data(i).map_err(|e| {
            let place = archive
                .name_for_index(i)
                .and_then(Result::ok)
                .map_or(ErrorPlace::ZipDirectory, |n| ErrorPlace::part(&n));
            Problem::new(place, ImportErrorKind::Unreadable(zip_words(&e)))
        })?;
        let name = entry
            .name()
            .map(std::borrow::Cow::into_owned)
            .unwrap_or_default();
        let size = entry.size();
        let compressed = entry.compressed_size();
        let part = |kind| Problem::new(ErrorPlace::part(&name), kind);
        if entry.encrypted() {
            return Err(part(ImportErrorKind::PasswordProtectedZip(name.clone())));
        }
        if name == "xl/workbook.bin" {
            return Err(part(ImportErrorKind::NotXlsx(
                "a binary workbook (.xlsb); save it from Excel as .xlsx".to_owned(),
            )));
        }
        has_workbook |= name.starts_with("xl/workbook") && name.ends_with(".xml");
        if size > limits.max_part {
            return Err(part(ImportErrorKind::TooLarge(format!(
                "it declares {} MiB uncompressed (at most {} MiB)",
                size >> 20,
                limits.max_part >> 20
            ))));
        }
        if size > limits.ratio_floor && size / compressed.max(1) > limits.max_ratio {
            return Err(part(ImportErrorKind::TooLarge(format!(
                "it expands {}:1 (at most {}:1)",
                size / compressed.max(1),
                limits.max_ratio
            ))));
        }
        total = total.saturating_add(size);
        if total > limits.max_total {
            return Err(directory(ImportErrorKind::TooLarge(format!(
                "the parts declare more than {} MiB uncompressed in all",
                limits.max_total >> 20
            ))));
        }
    }
    if !has_workbook {
        return Err(directory(ImportErrorKind::NotXlsx(
            "it has no xl/workbook.xml part".to_owned(),
        )));
    }
    Ok(())
}

/// Checks that each XML part is well-formed, and that each worksheet part holds nothing
/// outside its cells: calamine stops quietly at the end of the document element and skips
/// text it does not expect, so a `<row>` after `</worksheet>` or stray text between rows
/// would lose rows without a word, and its errors in the workbook's own parts do not say
/// which part. The error names the part and the byte.
// Part names are compared as the package spells them, case and all: calamine opens parts by
// their exact names, so a part that matched only in another case is not one it would read.
#[allow(clippy::case_sensitive_file_extension_comparisons)]
pub(crate) fn check_xml_parts(bytes: &[u8]) -> Result<(), Problem> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        Problem::new(
            ErrorPlace::ZipDirectory,
            ImportErrorKind::Unreadable(zip_words(&e)),
        )
    })?;
    for i in 0..archive.len() {
        let name = archive
            .name_for_index(i)
            .and_then(Result::ok)
            .map(std::borrow::Cow::into_owned)
            .unwrap_or_default();
        let sheet = name.starts_with("xl/worksheets/") && name.ends_with(".xml");
        if !(sheet || name.ends_with(".xml") || name.ends_with(".rels")) {
            continue;
        }
        let entry = archive.by_index(i).map_err(|e| {
            Problem::new(
                ErrorPlace::part(&name),
                ImportErrorKind::Unreadable(zip_words(&e)),
            )
        })?;
        if let Err(mut problem) = check_one_part(std::io::BufReader::new(entry), &name, sheet) {
            if let (true, ImportErrorKind::MalformedPart { what, .. }) = (sheet, &mut problem.kind)
                && let Some(sheet_name) = sheet_of_part(&mut archive, &name)
            {
                *what = format!("in sheet {sheet_name:?}, {what}");
            }
            return Err(problem);
        }
    }
    Ok(())
}

/// The name of the sheet whose worksheet part is `part` (from the workbook's list of sheets
/// and its relationships), so that an error in the part names the sheet a person sees;
/// `None` when the workbook does not say.
fn sheet_of_part(archive: &mut zip::ZipArchive<Cursor<&[u8]>>, part: &str) -> Option<String> {
    let rels = elements(archive, "xl/_rels/workbook.xml.rels", "Relationship")?;
    let id = rels.iter().find_map(|attrs| {
        let target = value_of(attrs, "Target")?;
        let path = match target.strip_prefix('/') {
            Some(absolute) => absolute.to_owned(),
            None => format!("xl/{target}"),
        };
        (path == part).then(|| value_of(attrs, "Id")).flatten()
    })?;
    let sheets = elements(archive, "xl/workbook.xml", "sheet")?;
    sheets
        .iter()
        .find(|attrs| value_of(attrs, "id") == Some(id))
        .and_then(|attrs| value_of(attrs, "name"))
        .map(str::to_owned)
}

/// The attributes (local name, unescaped value) of every `element` of the XML part `name`.
fn elements(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    element: &str,
) -> Option<Vec<Vec<(String, String)>>> {
    use quick_xml::events::Event;
    let entry = archive.by_name(name).ok()?;
    let mut reader = quick_xml::Reader::from_reader(std::io::BufReader::new(entry));
    let mut buf = Vec::new();
    let mut found = Vec::new();
    loop {
        match reader.read_event_into(&mut buf).ok()? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == element => {
                let attrs = e
                    .attributes()
                    .filter_map(Result::ok)
                    .filter_map(|a| {
                        let value = a.normalized_value(quick_xml::XmlVersion::Implicit1_0);
                        let value = value.ok()?.into_owned();
                        Some((a.key.local_name().as_ref().to_owned(), value))
                    })
                    .collect();
                found.push(attrs);
            }
            Event::Eof => return Some(found),
            _ => {}
        }
        buf.clear();
    }
}

fn value_of<'a>(attrs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// Elements of a worksheet whose own text is ignored by every reader: text there is stray.
const CONTAINERS: &[&str] = &["worksheet", "sheetData", "row", "c"];

/// One XML part: well-formed, one root element; for a worksheet (`sheet`), no element after
/// the root and no text where no cell holds it.
fn check_one_part(part: impl std::io::BufRead, name: &str, sheet: bool) -> Result<(), Problem> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(part);
    let mut buf = Vec::new();
    // The local names of the open elements.
    let mut open: Vec<String> = Vec::new();
    let mut root_done = false;
    let malformed = |at: u64, what: String| {
        Problem::new(
            ErrorPlace::Part {
                part: name.to_owned(),
                byte: Some(at),
            },
            ImportErrorKind::MalformedPart {
                part: name.to_owned(),
                at,
                what,
            },
        )
    };
    let root_name = if sheet {
        "worksheet"
    } else {
        "document element"
    };
    loop {
        let at = reader.buffer_position();
        let event = match reader.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(e) => return Err(malformed(reader.error_position(), xml_words(&e))),
        };
        match event {
            Event::Start(e) | Event::Empty(e) if root_done => {
                let tag = e.local_name().as_ref().to_owned();
                return Err(malformed(
                    at,
                    format!("a <{tag}> element after the end of the {root_name}"),
                ));
            }
            Event::Start(e) => {
                if sheet && let Some(what) = bad_reference(&e) {
                    return Err(malformed(at, what));
                }
                open.push(e.local_name().as_ref().to_owned());
            }
            Event::Empty(e) => {
                if sheet && let Some(what) = bad_reference(&e) {
                    return Err(malformed(at, what));
                }
                root_done |= open.is_empty();
            }
            Event::End(_) => {
                open.pop();
                root_done |= open.is_empty();
            }
            Event::Text(t) if sheet && !t.trim().is_empty() => {
                let inside = open.last().map(String::as_str);
                if inside.is_none_or(|tag| CONTAINERS.contains(&tag)) {
                    let shown: String = t.trim().chars().take(40).collect();
                    let place = match inside {
                        Some(tag) => format!("inside <{tag}>"),
                        None => "outside the worksheet".to_owned(),
                    };
                    return Err(malformed(
                        at,
                        format!("text {shown:?} {place}, where no cell holds it"),
                    ));
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    let end = reader.buffer_position();
    if !open.is_empty() {
        return Err(malformed(
            end,
            format!("the part ends before its {root_name} closes"),
        ));
    }
    if !root_done {
        return Err(malformed(
            end,
            "the part has no document element".to_owned(),
        ));
    }
    Ok(())
}

/// The reference of a worksheet element calamine parses (a cell's or row's `r`, the `ref`
/// of `<dimension>` and `<mergeCell>`), when it is not one inside Excel's grid. Raw
/// attribute bytes, as calamine reads them; attributes quick-xml cannot parse are left to
/// calamine's own error.
fn bad_reference(e: &quick_xml::events::BytesStart<'_>) -> Option<String> {
    use crate::reference::{ReferenceKind, reference_problem};
    let (key, kind) = match e.local_name().as_ref() {
        "c" => ("r", ReferenceKind::Cell),
        "row" => ("r", ReferenceKind::Row),
        "dimension" | "mergeCell" => ("ref", ReferenceKind::Range),
        _ => return None,
    };
    let attr = e
        .attributes()
        .with_checks(false)
        .filter_map(Result::ok)
        .find(|a| a.key.as_ref() == key)?;
    reference_problem(attr.value.as_bytes(), kind)
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
pub(crate) fn zip_words(e: &zip::result::ZipError) -> String {
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
