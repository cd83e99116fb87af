//! `poam convert` with FedRAMP POA&M workbooks, as a user runs it: warnings that name the cell,
//! exit codes, byte-identical repeats, both directions end to end, OSCAL that passes
//! `poam validate`'s OSCAL rules, and every class of bad workbook refused with exit code 2 and
//! no output file.
//!
//! The workbooks are built here, byte by byte (a stored zip of minimal SpreadsheetML parts with
//! inline strings), so the test needs no spreadsheet library and no reference file.

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Output};

use poam::Document;

use crate::support;
use support::workspace_root;

// ---------------------------------------------------------------------------------------
// Building workbooks

/// CRC-32 (IEEE), as zip needs it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for b in bytes {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A zip archive of `files`, stored (not compressed). `declared` overrides the uncompressed
/// size the central directory states for a file (a zip bomb's lie).
fn zip(files: &[(&str, Vec<u8>)], declared: Option<(&str, u32)>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    let n = u16::try_from(files.len()).unwrap_or(u16::MAX);
    for (name, data) in files {
        let offset = u32::try_from(out.len()).unwrap_or(u32::MAX);
        let crc = crc32(data);
        let size = u32::try_from(data.len()).unwrap_or(u32::MAX);
        let name_len = u16::try_from(name.len()).unwrap_or(u16::MAX);
        let common = |v: &mut Vec<u8>, size_stated: u32| {
            v.extend_from_slice(&20u16.to_le_bytes()); // version needed
            v.extend_from_slice(&0u16.to_le_bytes()); // flags
            v.extend_from_slice(&0u16.to_le_bytes()); // stored
            v.extend_from_slice(&0u16.to_le_bytes()); // time
            v.extend_from_slice(&0x21u16.to_le_bytes()); // date: 1980-01-01
            v.extend_from_slice(&crc.to_le_bytes());
            v.extend_from_slice(&size.to_le_bytes());
            v.extend_from_slice(&size_stated.to_le_bytes());
            v.extend_from_slice(&name_len.to_le_bytes());
            v.extend_from_slice(&0u16.to_le_bytes()); // extra
        };
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        common(&mut out, size);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);

        let stated = match declared {
            Some((n, s)) if n == *name => s,
            _ => size,
        };
        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        central.extend_from_slice(&20u16.to_le_bytes()); // version made by
        common(&mut central, stated);
        central.extend_from_slice(&0u16.to_le_bytes()); // comment
        central.extend_from_slice(&0u16.to_le_bytes()); // disk
        central.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
        central.extend_from_slice(&0u32.to_le_bytes()); // external attributes
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let cd_offset = u32::try_from(out.len()).unwrap_or(u32::MAX);
    let cd_size = u32::try_from(central.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&cd_size.to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn letters(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + u8::try_from(i % 26).unwrap_or(0));
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8_lossy(&s).into_owned()
}

/// One sheet: its name and rows from row 1 down (an empty string is a blank cell).
type Sheet<'a> = (&'a str, Vec<Vec<&'a str>>);

fn worksheet(rows: &[Vec<&str>]) -> Vec<u8> {
    let mut x = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    for (r, row) in rows.iter().enumerate() {
        let _ = write!(x, r#"<row r="{}">"#, r + 1);
        for (c, text) in row.iter().enumerate() {
            if text.is_empty() {
                continue;
            }
            let _ = write!(
                x,
                r#"<c r="{}{}" t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>"#,
                letters(c),
                r + 1,
                escape(text)
            );
        }
        x.push_str("</row>");
    }
    x.push_str("</sheetData></worksheet>");
    x.into_bytes()
}

/// A minimal .xlsx of `sheets`.
fn xlsx(sheets: &[Sheet<'_>]) -> Vec<u8> {
    const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    const PKG: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
    let mut types = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#,
    );
    let mut book = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="{REL}"><sheets>"#
    );
    let mut rels = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{PKG}">"#
    );
    let mut files = Vec::new();
    for (i, (name, rows)) in sheets.iter().enumerate() {
        let n = i + 1;
        let _ = write!(
            types,
            r#"<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
        );
        let _ = write!(
            book,
            r#"<sheet name="{}" sheetId="{n}" r:id="rId{n}"/>"#,
            escape(name)
        );
        let _ = write!(
            rels,
            r#"<Relationship Id="rId{n}" Type="{REL}/worksheet" Target="worksheets/sheet{n}.xml"/>"#
        );
        files.push((format!("xl/worksheets/sheet{n}.xml"), worksheet(rows)));
    }
    types.push_str("</Types>");
    book.push_str("</sheets></workbook>");
    rels.push_str("</Relationships>");
    let root = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
    );
    let mut parts: Vec<(&str, Vec<u8>)> = vec![
        ("[Content_Types].xml", types.into_bytes()),
        ("_rels/.rels", root.into_bytes()),
        ("xl/workbook.xml", book.into_bytes()),
        ("xl/_rels/workbook.xml.rels", rels.into_bytes()),
    ];
    for (name, data) in &files {
        parts.push((name.as_str(), data.clone()));
    }
    zip(&parts, None)
}

/// The 2024 template's column headers (row 5).
const HEADERS: [&str; 31] = [
    "POAM ID",
    "Controls",
    "Weakness Name",
    "Weakness Description",
    "Weakness Detector Source",
    "Weakness Source Identifier",
    "Asset Identifier",
    "Point of Contact",
    "Resources Required",
    "Overall Remediation Plan",
    "Original Detection Date",
    "Scheduled Completion Date",
    "Planned Milestones",
    "Milestone Changes",
    "Status Date",
    "Vendor Dependency",
    "Last Vendor Check-in Date",
    "Vendor Dependent Product Name",
    "Original Risk Rating",
    "Adjusted Risk Rating",
    "Risk Adjustment",
    "False Positive",
    "Operational Requirement",
    "Deviation Rationale",
    "Supporting Documents",
    "Comments",
    "Auto-Approve",
    "Binding Operational Directive 22-01 tracking",
    "Binding Operational Directive 22-01 Due Date",
    "CVE",
    "Service Name",
];

/// A row of the item table from (header, text) pairs.
fn item<'a>(cells: &[(&str, &'a str)]) -> Vec<&'a str> {
    HEADERS
        .iter()
        .map(|h| cells.iter().find(|(k, _)| k == h).map_or("", |(_, v)| *v))
        .collect()
}

/// An item sheet: the header block, the column headers in row 5, and `items` from row 6 on
/// (`None` is a blank row).
fn item_sheet<'a>(name: &'a str, items: Vec<Option<Vec<&'a str>>>) -> Sheet<'a> {
    let mut rows = vec![
        vec!["FedRAMP Plan of Action and Milestones (POA&M) Template"],
        vec!["CSP", "System Name", "Impact Level", "POAM Date"],
        vec!["Example CSP", "Example Cloud", "Moderate", "2024-06-30"],
        vec![],
        HEADERS.to_vec(),
    ];
    rows.extend(items.into_iter().map(Option::unwrap_or_default));
    (name, rows)
}

fn tidy<'a>(id: &'a str, detected: &'a str) -> Vec<&'a str> {
    item(&[
        ("POAM ID", id),
        ("Controls", "AC-2, AC-2 (1), SI-2(2)"),
        ("Weakness Name", "Outdated OpenSSL"),
        (
            "Weakness Description",
            "The web tier runs an OpenSSL with known flaws.",
        ),
        ("Weakness Detector Source", "Nessus"),
        ("Weakness Source Identifier", "12345"),
        ("Asset Identifier", "10.0.0.5 (443/TCP)\nweb01.example.com"),
        ("Point of Contact", "Jane Doe"),
        ("Overall Remediation Plan", "Upgrade OpenSSL."),
        ("Original Detection Date", detected),
        ("Scheduled Completion Date", "2024-07-12"),
        (
            "Planned Milestones",
            "(1) 2024-06-20: Patch staging\n\n(2) 2024-07-10: Patch production",
        ),
        ("Original Risk Rating", "high"),
        ("CVE", "CVE-2024-1234, cve-2023-0001"),
        ("Service Name", "All"),
    ])
}

/// A workbook with the cells people really write: a `TBD` date at K17, a rating that is not
/// one, a formula-looking comment, an unknown column; items on Open and Closed.
fn messy_workbook() -> Vec<u8> {
    let mut open: Vec<Option<Vec<&str>>> = vec![Some(tidy("V-1", "06/12/2024"))];
    open.extend(std::iter::repeat_n(None, 10));
    let mut tbd = tidy("V-2", "TBD");
    tbd[18] = "Severe";
    tbd[25] = "=HYPERLINK(\"http://evil.example\")";
    open.push(Some(tbd)); // row 17
    let mut open = item_sheet("Open POA&M Items", open);
    open.1[4].push("Ticket");
    open.1[5].push("JIRA-1");
    let closed = item_sheet(
        "Closed POA&M Items",
        vec![Some(item(&[
            ("POAM ID", "V-0"),
            ("Weakness Name", "Default password"),
            ("Original Detection Date", "2024/01/05"),
            ("Status Date", "2024-02-01"),
            ("Original Risk Rating", "Low"),
        ]))],
    );
    xlsx(&[open, closed, ("Record of Changes", vec![vec!["Date"]])])
}

// ---------------------------------------------------------------------------------------
// Running poam

fn poam_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_poam"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run poam: {e}"))
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn load(path: &Path) -> Document {
    let name = poam::io::SourceName::path(path);
    poam::io::read(&read(path), &name, None).unwrap_or_else(|e| panic!("{e}"))
}

/// The OSCAL profile of `poam validate` finds no error.
fn assert_no_oscal_errors(doc: &Document, what: &str) {
    let options = poam::validate::Options {
        profile: poam::validate::Profile::Oscal,
        ..poam::validate::Options::default()
    };
    let diags = poam::validate::validate(doc, &options).diagnostics;
    let errors: Vec<String> = diags
        .iter()
        .filter(|d| d.severity == poam::validate::Severity::Error)
        .map(|d| format!("{} at {}: {}", d.rule, d.pointer, d.message))
        .collect();
    assert!(errors.is_empty(), "{what}:\n{}", errors.join("\n"));
}

// ---------------------------------------------------------------------------------------
// Tests

#[test]
fn a_workbook_converts_with_warnings_that_name_the_cell() {
    let dir = tempdir();
    write(&dir.path().join("june.xlsx"), &messy_workbook());
    let o = poam_in(dir.path(), &["convert", "june.xlsx", "-o", "june.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let err = stderr(&o);
    assert!(
        err.contains(
            "warning: june.xlsx: 'Open POA&M Items'!K17: \"TBD\" is not a date; kept as written [cell-not-understood]"
        ),
        "{err}"
    );
    insta::assert_snapshot!("xlsx_import_warnings", err);

    let doc = load(&dir.path().join("june.json"));
    let poam = &doc.plan_of_action_and_milestones;
    assert_eq!(poam.poam_items.len(), 3);
    let closed = poam
        .risks
        .iter()
        .filter(|r| r.status.as_str() == "closed")
        .count();
    assert_eq!(closed, 1);
    assert_no_oscal_errors(&doc, "june.json");
}

#[test]
fn converting_the_same_workbook_twice_gives_identical_bytes() {
    let dir = tempdir();
    write(&dir.path().join("book.xlsx"), &messy_workbook());
    for (out, extra) in [
        ("a.json", None),
        ("b.json", None),
        ("a.yaml", None),
        ("b.yaml", None),
        ("a.xml", Some("xml")),
        ("b.xml", Some("xml")),
    ] {
        let mut args = vec!["convert", "book.xlsx", "-o", out];
        if let Some(to) = extra {
            args.extend(["--to", to]);
        }
        let o = poam_in(dir.path(), &args);
        assert_eq!(o.status.code(), Some(0), "{out}: {}", stderr(&o));
    }
    for ext in ["json", "yaml", "xml"] {
        assert_eq!(
            read(&dir.path().join(format!("a.{ext}"))),
            read(&dir.path().join(format!("b.{ext}"))),
            "{ext}"
        );
    }
}

#[test]
fn workbook_to_oscal_to_workbook_to_oscal_is_stable() {
    let dir = tempdir();
    write(&dir.path().join("book.xlsx"), &messy_workbook());
    let steps: [&[&str]; 3] = [
        &["convert", "book.xlsx", "-o", "first.json"],
        &["convert", "first.json", "-o", "again.xlsx"],
        &["convert", "again.xlsx", "-o", "second.json"],
    ];
    for args in steps {
        let o = poam_in(dir.path(), args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
    }
    // The cells poam did not understand were written back as they were (so they are
    // reported again), the unknown column only on the sheet that had it ...
    let o = poam_in(dir.path(), &["convert", "again.xlsx", "-o", "third.json"]);
    let err = stderr(&o);
    assert_eq!(err.matches("[cell-not-understood]").count(), 2, "{err}");
    assert!(
        err.contains("'Open POA&M Items'!K9: \"TBD\" is not a date"),
        "{err}"
    );
    assert_eq!(err.matches("[unknown-column]").count(), 1, "{err}");
    // ... and the workbook reads back as the same document, byte for byte.
    assert_eq!(
        read(&dir.path().join("first.json")),
        read(&dir.path().join("second.json"))
    );
    assert!(read(&dir.path().join("again.xlsx")).starts_with(b"PK\x03\x04"));
}

#[test]
fn oscal_documents_export_as_workbooks() {
    let dir = tempdir();
    let full = workspace_root().join("fixtures/poam/full.json");
    let full = full.to_str().unwrap_or_else(|| panic!("non-UTF-8 path"));
    let o = poam_in(dir.path(), &["convert", full, "-o", "full.xlsx"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = poam_in(
        dir.path(),
        &["convert", "full.xlsx", "-o", "full-back.json"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let back = load(&dir.path().join("full-back.json"));
    assert!(!back.plan_of_action_and_milestones.poam_items.is_empty());
    assert_no_oscal_errors(&back, "full.json through a workbook");

    // `--to xlsx` to a pipe writes the workbook to standard output.
    let o = poam_in(dir.path(), &["convert", full, "--to", "xlsx"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(o.stdout.starts_with(b"PK\x03\x04"));
    assert_eq!(o.stdout, read(&dir.path().join("full.xlsx")));
}

#[test]
fn a_cell_too_long_for_excel_is_an_error_and_nothing_is_written() {
    let dir = tempdir();
    let long = "x".repeat(40_000);
    let json = format!(
        r#"{{"plan-of-action-and-milestones": {{
  "uuid": "5a9c2c1e-0b0e-4d5e-9c3a-2f0f7c1b1a01",
  "metadata": {{"title": "T", "last-modified": "2024-06-30T00:00:00Z", "version": "1", "oscal-version": "1.1.3"}},
  "poam-items": [{{"uuid": "5a9c2c1e-0b0e-4d5e-9c3a-2f0f7c1b1a02", "title": "An item", "description": "Something.", "remarks": "{long}"}}]
}}}}"#
    );
    write(&dir.path().join("long.json"), json.as_bytes());
    let o = poam_in(dir.path(), &["convert", "long.json", "-o", "long.xlsx"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("an Excel cell holds at most 32,767"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.path().join("long.xlsx").exists());
}

/// Every class of bad workbook: (file name, bytes).
fn bad_workbooks() -> Vec<(&'static str, Vec<u8>)> {
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.resize(4096, 0);
    let good = messy_workbook();
    let mut bomb_parts: Vec<(&str, Vec<u8>)> = vec![
        ("[Content_Types].xml", b"<Types/>".to_vec()),
        ("xl/workbook.xml", b"<workbook/>".to_vec()),
    ];
    bomb_parts.push(("xl/worksheets/sheet1.xml", b"<worksheet/>".to_vec()));
    vec![
        ("not-a-zip.xlsx", b"POAM ID,Controls\nV-1,AC-2\n".to_vec()),
        (
            "not-an-xlsx.xlsx",
            zip(&[("readme.txt", b"hello".to_vec())], None),
        ),
        ("encrypted.xlsx", ole),
        (
            "no-poam-sheet.xlsx",
            xlsx(&[(
                "Sheet1",
                vec![vec!["Inventory"], vec!["host-1", "10.0.0.1"]],
            )]),
        ),
        (
            "no-header-row.xlsx",
            xlsx(&[(
                "Open POA&M Items",
                vec![vec!["just some notes"], vec!["V-1", "AC-2"]],
            )]),
        ),
        (
            "zip-bomb.xlsx",
            zip(&bomb_parts, Some(("xl/worksheets/sheet1.xml", u32::MAX))),
        ),
        ("truncated.xlsx", good[..good.len() / 2].to_vec()),
    ]
}

#[test]
fn every_bad_workbook_is_refused_with_exit_code_2_and_nothing_written() {
    let mut messages = String::new();
    for (name, bytes) in bad_workbooks() {
        let dir = tempdir();
        write(&dir.path().join(name), &bytes);
        for out in ["out.json", "out.xlsx"] {
            let o = poam_in(dir.path(), &["convert", name, "-o", out]);
            assert_eq!(o.status.code(), Some(2), "{name}: {}", stderr(&o));
            assert!(o.stdout.is_empty(), "{name}: wrote to stdout");
            assert!(!dir.path().join(out).exists(), "{name}: {out} was created");
            let entries = std::fs::read_dir(dir.path()).map(Iterator::count).ok();
            assert_eq!(entries, Some(1), "{name}: left a file behind");
        }
        // An existing output file is left as it was.
        let previous = b"previous content, must survive\n";
        write(&dir.path().join("out.json"), previous);
        let o = poam_in(dir.path(), &["convert", name, "-o", "out.json"]);
        assert_eq!(o.status.code(), Some(2));
        assert_eq!(read(&dir.path().join("out.json")), previous);

        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{name}: one message\n{err}");
        assert!(err.starts_with(&format!("error: {name}: ")), "{err}");
        messages.push_str(&err);
    }
    insta::assert_snapshot!("xlsx_bad_workbooks", messages);
}
