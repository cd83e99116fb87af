//! Workbook mutants. Flipping bytes of a zip mostly breaks its checksums and tests only the
//! zip reader, so most mutants are made inside: one or two of the zip's XML parts (sheets,
//! shared strings, the workbook, relationships, content types) are mutated as XML with the
//! spreadsheet's own tokens, a part is sometimes spliced from another workbook, dropped or
//! renamed, and the zip is written again. A few mutants flip or cut the zip's bytes.

// Random numbers are drawn below small bounds (list lengths, days, byte offsets) and xtask
// runs on 64-bit hosts: the conversions between `u64`, `i64` and `usize` keep every value.
#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

use std::io::{Cursor, Read, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::mutate::{self, Dialect};
use crate::r#gen::rng::Rng;

/// A workbook's parts, in archive order.
#[derive(Debug, Clone, Default)]
pub struct Workbook {
    parts: Vec<(String, Vec<u8>)>,
}

/// Largest mutated part.
const MAX_PART: usize = 4 << 20;

/// SpreadsheetML's tokens, added to XML's.
const SHEET_TOKENS: &[&str] = &[
    "<row r=\"1\">",
    "<row r=\"1048577\">",
    "<row>",
    "</row>",
    "<c r=\"A1\" t=\"s\"><v>0</v></c>",
    "<c r=\"XFD1048576\"><v>1</v></c>",
    "<c r=\"B2\" t=\"s\"><v>999999</v></c>",
    "<c r=\"C3\" t=\"inlineStr\"><is><t>x</t></is></c>",
    "<c r=\"D4\" t=\"str\"><f>1+1</f><v>2</v></c>",
    "<c r=\"E5\" t=\"e\"><v>#N/A</v></c>",
    "<c r=\"F6\" t=\"b\"><v>1</v></c>",
    "<c r=\"G7\" s=\"99999\"><v>45000.5</v></c>",
    "<c r=\"A1\"><v>-1e308</v></c>",
    "<c r=\"A1\"><v>NaN</v></c>",
    "<c r=\"A\">",
    "<c r=\"1\">",
    "<c>",
    "</c>",
    "<v>",
    "</v>",
    "<si><t>POAM ID</t></si>",
    "<si><t xml:space=\"preserve\"> x </t></si>",
    "<si><r><t>a</t></r><r><t>b</t></r></si>",
    "<mergeCell ref=\"A1:XFD1048576\"/>",
    "<dimension ref=\"A1:XFD1048576\"/>",
    "<sheet name=\"Open POA&amp;M Items\" sheetId=\"1\" r:id=\"rId1\"/>",
    "<sheet name=\"Sheet1\" sheetId=\"9\" r:id=\"rId9\"/>",
    "<definedName name=\"_xlnm.Print_Area\">x</definedName>",
    "<Relationship Id=\"rId1\" Type=\"x\" Target=\"../../../etc/passwd\"/>",
    " t=\"s\"",
    " t=\"inlineStr\"",
    " t=\"d\"",
    " r=\"ZZZZ0\"",
    "POAM ID",
    "Weakness Name",
    "Open POA&amp;M Items",
    "Closed POA&amp;M Items",
    "=HYPERLINK(\"x\")",
];

impl Workbook {
    /// The parts of `bytes`; none when it is not a readable zip.
    pub fn unzip(bytes: &[u8]) -> Self {
        let mut parts = Vec::new();
        if let Ok(mut archive) = ZipArchive::new(Cursor::new(bytes)) {
            for i in 0..archive.len() {
                let Ok(mut file) = archive.by_index(i) else {
                    continue;
                };
                let Ok(name) = file.name().map(|n| n.to_string()) else {
                    continue;
                };
                let mut data = Vec::new();
                if file.read_to_end(&mut data).is_ok() {
                    parts.push((name, data));
                }
            }
        }
        Self { parts }
    }

    /// The parts as a zip, stored or deflated; `None` if the zip writer refuses them.
    fn zip(&self, deflate: bool) -> Option<Vec<u8>> {
        let method = if deflate {
            CompressionMethod::Deflated
        } else {
            CompressionMethod::Stored
        };
        let options = SimpleFileOptions::default().compression_method(method);
        let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in &self.parts {
            writer.start_file(name.as_str(), options).ok()?;
            writer.write_all(data).ok()?;
        }
        writer.finish().ok().map(Cursor::into_inner)
    }

    // Part names as the package spells them (the readers open parts by exact name).
    #[allow(clippy::case_sensitive_file_extension_comparisons)]
    fn is_xml(name: &str) -> bool {
        name.ends_with(".xml") || name.ends_with(".rels")
    }
}

/// A mutant of one of the corpus workbooks (`raw` holds their bytes, `books` their parts).
pub fn mutant(rng: &mut Rng, books: &[Workbook], raw: &[Vec<u8>]) -> Vec<u8> {
    let pick = rng.below(raw.len() as u64) as usize;
    let book = &books[pick];
    if book.parts.is_empty() || rng.percent(8) {
        let mut bytes = raw[pick].clone();
        mutate::mutate(
            rng,
            &mut bytes,
            Dialect::of(super::Reader::Xlsx),
            raw,
            usize::MAX,
        );
        return bytes;
    }
    let mut book = book.clone();
    let parts = 1 + rng.below(2);
    for _ in 0..parts {
        mutate_part(rng, &mut book, books);
    }
    match rng.below(40) {
        0 if book.parts.len() > 1 => {
            let i = rng.below(book.parts.len() as u64) as usize;
            book.parts.remove(i);
        }
        1 => {
            let i = rng.below(book.parts.len() as u64) as usize;
            book.parts[i].0.push('x');
        }
        _ => {}
    }
    book.zip(rng.percent(25))
        .unwrap_or_else(|| raw[pick].clone())
}

/// One XML part (worksheets and shared strings most often) mutated as XML.
fn mutate_part(rng: &mut Rng, book: &mut Workbook, books: &[Workbook]) {
    let xml: Vec<usize> = (0..book.parts.len())
        .filter(|&i| Workbook::is_xml(&book.parts[i].0))
        .collect();
    if xml.is_empty() {
        return;
    }
    let preferred: Vec<usize> = xml
        .iter()
        .copied()
        .filter(|&i| {
            let n = &book.parts[i].0;
            n.contains("worksheets/sheet") || n.contains("sharedStrings")
        })
        .collect();
    let i = if !preferred.is_empty() && rng.percent(70) {
        *rng.pick(&preferred)
    } else {
        *rng.pick(&xml)
    };
    // The same part of the other workbooks, for splices.
    let name = book.parts[i].0.clone();
    let others: Vec<Vec<u8>> = books
        .iter()
        .filter_map(|b| b.parts.iter().find(|(n, _)| *n == name))
        .map(|(_, d)| d.clone())
        .collect();
    let data = &mut book.parts[i].1;
    if rng.percent(40) {
        let token = rng.pick(SHEET_TOKENS).as_bytes();
        let at = data
            .iter()
            .enumerate()
            .skip(rng.below(data.len() as u64 + 1) as usize)
            .find(|(_, b)| **b == b'<')
            .map_or(data.len(), |(j, _)| j);
        data.splice(at..at, token.iter().copied());
    }
    mutate::mutate(
        rng,
        data,
        Dialect::of(super::Reader::Xlsx),
        &others,
        MAX_PART,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workbook_unzips_and_zips_again_unchanged() {
        let root = crate::workspace_root();
        let doc = super::super::corpus::read_document(&root.join("fixtures/poam/full.json"))
            .expect("read");
        let bytes = poam_xlsx::export(&doc).expect("export").bytes;
        let book = Workbook::unzip(&bytes);
        assert!(
            book.parts
                .iter()
                .any(|(n, _)| n.contains("worksheets/sheet"))
        );
        for deflate in [false, true] {
            let again = Workbook::unzip(&book.zip(deflate).expect("zip"));
            assert_eq!(again.parts, book.parts);
        }
    }

    #[test]
    fn mutants_change_the_parts_not_only_the_bytes() {
        let root = crate::workspace_root();
        let doc = super::super::corpus::read_document(&root.join("fixtures/poam/full.json"))
            .expect("read");
        let bytes = poam_xlsx::export(&doc).expect("export").bytes;
        let books = vec![Workbook::unzip(&bytes)];
        let raw = vec![bytes];
        let readable = (0..50)
            .map(|i| mutant(&mut Rng::stream(1, 6, i), &books, &raw))
            .filter(|m| !Workbook::unzip(m).parts.is_empty())
            .count();
        assert!(readable > 35, "only {readable} of 50 mutants are zips");
    }
}
