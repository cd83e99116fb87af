//! The round-trip guarantees on generated workbooks of every template layout and on messy,
//! hand-filled cells:
//!
//! - workbook -> OSCAL -> workbook gives back every non-empty cell (dates as dates);
//! - OSCAL -> workbook -> OSCAL gives back the same document;
//! - the OSCAL passes the datatype check, every reference resolves, UUIDs are unique;
//! - the same workbook imports to the same bytes, and shared items keep their UUIDs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use std::collections::{HashMap, HashSet};

use poam_model::Document;
use poam_xlsx::internals::{COLUMNS, CellValue, Since, compare, is_bookkeeping};
use poam_xlsx::{ReadOptions, SheetKind, Warning, export, import};
use support::{Cell, Item, Layout, messy_workbook, t, template_workbook, tidy_item};

fn import_ok(bytes: &[u8]) -> (Document, Vec<Warning>) {
    let imported = import(bytes, "test.xlsx", &ReadOptions::default())
        .unwrap_or_else(|e| panic!("import failed: {e}"));
    (imported.document, imported.warnings)
}

/// Every non-empty cell of `original` must come back in `again`.
fn assert_cells_come_back(original: &[u8], again: &[u8]) -> usize {
    let sheets = compare(original, again, &ReadOptions::default()).unwrap();
    let mut cells = 0;
    for s in &sheets {
        let shown: Vec<String> = s.differences.iter().map(ToString::to_string).collect();
        assert!(shown.is_empty(), "{s}\n{}", shown.join("\n"));
        assert_eq!(s.rows.0, s.rows.1, "{s}");
        cells += s.cells;
    }
    cells
}

/// Every UUID reference in the document points at something in it, and no UUID is defined
/// twice.
fn assert_references_resolve(doc: &Document) {
    fn walk(
        v: &serde_json::Value,
        path: &str,
        defined: &mut HashMap<String, String>,
        referenced: &mut Vec<(String, String)>,
    ) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    let p = format!("{path}/{k}");
                    if let Some(s) = x.as_str() {
                        if k == "uuid" {
                            if let Some(prev) = defined.insert(s.to_owned(), p.clone()) {
                                panic!("uuid {s} defined at {prev} and {p}");
                            }
                        } else if k.ends_with("-uuid") {
                            referenced.push((s.to_owned(), p.clone()));
                        } else if k == "href"
                            && let Some(frag) = s.strip_prefix('#')
                        {
                            referenced.push((frag.to_owned(), p.clone()));
                        }
                    }
                    walk(x, &p, defined, referenced);
                }
            }
            serde_json::Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    if let Some(s) = x.as_str()
                        && path.ends_with("-uuids")
                    {
                        referenced.push((s.to_owned(), format!("{path}/{i}")));
                    }
                    walk(x, &format!("{path}/{i}"), defined, referenced);
                }
            }
            _ => {}
        }
    }
    let json = serde_json::to_value(doc).unwrap();
    let mut defined: HashMap<String, String> = HashMap::new();
    let mut referenced: Vec<(String, String)> = Vec::new();
    walk(&json, "", &mut defined, &mut referenced);
    for (uuid, at) in referenced {
        assert!(
            defined.contains_key(&uuid),
            "{at}: {uuid} resolves to nothing"
        );
    }
}

fn assert_valid(doc: &Document) {
    let errors = poam_model::datatype_errors(doc);
    assert!(errors.is_empty(), "datatype errors: {errors:#?}");
    assert_references_resolve(doc);
    // The markup poam builds from cells is in the markup crate's canonical form, so the
    // document survives OSCAL JSON unchanged.
    let json = serde_json::to_string(doc).unwrap();
    let back: Document = serde_json::from_str(&json).unwrap();
    assert!(back == *doc, "the document changes through JSON");
}

fn items(n: usize, prefix: &str) -> Vec<Item> {
    (1..=n)
        .map(|i| tidy_item(&format!("{prefix}-{i}")))
        .collect()
}

#[test]
fn every_template_layout_round_trips() {
    for layout in Layout::ALL {
        let config = if layout.since() >= Since::V2024 {
            items(1, "C")
        } else {
            Vec::new()
        };
        let book = template_workbook(layout, &items(3, "V"), &items(2, "X"), &config);
        let (doc, warnings) = import_ok(&book);
        // Only the example row (and, on the playbook layout, its extra column) is reported.
        for w in &warnings {
            assert!(
                matches!(w.code, "example-row-skipped" | "unknown-column"),
                "{layout:?}: {w}"
            );
        }
        assert!(warnings.iter().any(|w| w.code == "example-row-skipped"));
        assert_eq!(
            warnings.iter().any(|w| w.code == "unknown-column"),
            layout == Layout::Playbook,
            "{layout:?}"
        );
        let poam = &doc.plan_of_action_and_milestones;
        assert_eq!(poam.poam_items.len(), 5 + config.len(), "{layout:?}");
        assert_valid(&doc);
        let (_, rows) = poam_xlsx::rows(&doc);
        assert_eq!(
            rows.iter().filter(|r| r.sheet == SheetKind::Closed).count(),
            2
        );
        assert_eq!(
            rows.iter()
                .filter(|r| r.sheet == SheetKind::ConfigurationFindings)
                .count(),
            config.len()
        );
        // Tidy cells are in canonical form: nothing needs to be remembered verbatim, except
        // the blank CSP label of 2023 (not a cell) and "N/A" adjusted ratings.
        let remembered: HashSet<String> = poam
            .poam_items
            .iter()
            .flat_map(|p| &p.props)
            .filter(|p| is_bookkeeping(p))
            .filter_map(|p| p.class.as_ref().map(ToString::to_string))
            .collect();
        assert_eq!(
            remembered,
            HashSet::from(["adjusted-risk-rating".to_owned()]),
            "{layout:?}"
        );

        let exported = export(&doc).unwrap();
        assert!(exported.warnings.is_empty(), "{:?}", exported.warnings);
        let cells = assert_cells_come_back(&book, &exported.bytes);
        assert!(cells > 100, "{layout:?}: only {cells} cells compared");
        let (again, _) = import_ok(&exported.bytes);
        assert_eq!(
            again, doc,
            "{layout:?}: OSCAL -> workbook -> OSCAL changed the document"
        );
    }
}

#[test]
fn messy_cells_round_trip_and_are_reported_where_they_are() {
    let book = messy_workbook();
    let (doc, warnings) = import_ok(&book);
    assert_valid(&doc);
    let shown: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    let has = |needle: &str| shown.iter().any(|w| w.contains(needle));
    // Row 9 is the first item (header at row 8). Columns are reversed: AE..A, then extras.
    let col = |header: &str| {
        let headers: Vec<&str> = COLUMNS
            .iter()
            .rev()
            .filter(|c| c.header != "Resources Required")
            .map(|c| c.header)
            .collect();
        let i = u32::try_from(headers.iter().position(|h| *h == header).unwrap()).unwrap();
        poam_xlsx::column_letters(i)
    };
    let at = |header: &str, row: u32| format!("'open poam items'!{}{row}", col(header));
    assert!(
        has(&format!("{}: \"TBD\" is not a date", at("Status Date", 9))),
        "{shown:#?}"
    );
    assert!(
        has(&format!("{}: \"CM-6 CIS benchmark\"", at("Controls", 11))),
        "{shown:#?}"
    );
    assert!(has(&format!(
        "{}: \"Severe\" is not a risk rating",
        at("Original Risk Rating", 11)
    )));
    assert!(has(&format!(
        "{}: \"maybe\" is not a False Positive answer",
        at("False Positive", 11)
    )));
    assert!(has(&format!(
        "{}: 2 dates in",
        at("Original Detection Date", 11)
    )));
    assert!(has(
        "header \"Internal Ticket\" is not a FedRAMP POA&M column"
    ));
    assert!(has("a column without a header holds data"));
    assert!(!has("example"), "{shown:#?}");

    let exported = export(&doc).unwrap();
    assert_cells_come_back(&book, &exported.bytes);
    let (again, _) = import_ok(&exported.bytes);
    // The exported workbook is tidier (2024 layout, no blank rows), so its items sit in other
    // rows and its cells are not remembered the same way; what it shows must be the same.
    assert_eq!(poam_xlsx::rows(&again), poam_xlsx::rows(&doc));
    let twice = export(&again).unwrap();
    assert_cells_come_back(&exported.bytes, &twice.bytes);
}

#[test]
fn messy_cells_become_the_right_oscal() {
    let (doc, _) = import_ok(&messy_workbook());
    let (header, rows) = poam_xlsx::rows(&doc);
    assert_eq!(header.csp.as_deref(), Some("Acme Cloud Inc."));
    assert_eq!(
        header.system_name.as_deref(),
        Some("Acme Cloud Platform (F1234567890)")
    );
    let poam = &doc.plan_of_action_and_milestones;
    assert_eq!(
        poam.system_id.as_ref().map(|s| s.value.as_str()),
        Some("F1234567890")
    );
    let m1 = &rows[0];
    assert_eq!(m1.poam_id.as_deref(), Some("M-1"));
    assert_eq!(m1.controls, ["ac-2", "ac-2.1", "si-2.2"]);
    assert_eq!(m1.assets.len(), 3);
    assert_eq!(m1.detector_sources, ["Nessus", "Qualys"]);
    assert_eq!(m1.source_ids, ["CVE-2021-44228", "19506"]);
    assert_eq!(
        m1.detection_date,
        chrono::NaiveDate::from_ymd_opt(2024, 6, 12)
    );
    assert_eq!(
        m1.completion_date,
        chrono::NaiveDate::from_ymd_opt(2024, 7, 27)
    );
    assert_eq!(m1.status_date, None);
    assert_eq!(m1.milestones.len(), 2);
    assert_eq!(m1.changes.len(), 2);
    assert_eq!(
        m1.cves,
        ["CVE-2024-1234", "CVE-2023-45678", "CVE-2021-44228"]
    );
    assert_eq!(m1.kev, Some(true));
    assert_eq!(m1.services, ["Flux Capacitor", "Fire Bolt"]);
    assert_eq!(
        m1.extras,
        [
            ("Internal Ticket".to_owned(), "TKT-0".to_owned()),
            ("Column AF".to_owned(), "no header above me".to_owned())
        ]
    );
    let risk = &poam.risks[0];
    let prop = |name: &str| {
        risk.props
            .iter()
            .filter(|p| p.name.as_str() == name)
            .map(|p| p.value.as_str())
            .collect::<Vec<_>>()
    };
    assert_eq!(prop("vendor-dependency"), ["tracking"]);
    assert_eq!(prop("risk-adjustment"), ["approved"]);
    assert_eq!(prop("false-positive"), ["pending"]);
    assert_eq!(prop("operational-requirement"), ["pending"]);
    assert_eq!(prop("kev-catalog"), ["yes"]);
    assert_eq!(prop("kev-due-date"), ["2024-07-01"]);
    assert_eq!(risk.mitigating_factors.len(), 1);
    // "TBD" kept verbatim, with the cell's column as class.
    let item = &poam.poam_items[0];
    let tbd = item
        .props
        .iter()
        .find(|p| {
            p.class
                .as_ref()
                .is_some_and(|c| c.as_str() == "status-date")
        })
        .expect("the TBD status date is kept");
    assert_eq!(
        tbd.remarks.as_ref().map(|r| r.blocks().len()),
        Some(1),
        "kept as one paragraph"
    );
    // The formula-looking weakness name is plain text in OSCAL.
    assert_eq!(
        risk.title,
        poam_model::MarkupLine::new(vec![poam_markup::Inline::Text(
            "=HYPERLINK(\"http://evil.example\")".into()
        )])
    );
    let m2 = &rows[1];
    assert_eq!(m2.original_rating, None);
    assert_eq!(m2.false_positive, None);
    assert_eq!(m2.vendor_dependency, Some(poam_xlsx::Answer::Yes));
    assert_eq!(m2.auto_approve.as_deref(), Some("Manually approved"));
    let m3 = &rows[2];
    for d in [m3.detection_date, m3.completion_date, m3.status_date] {
        assert_eq!(d, chrono::NaiveDate::from_ymd_opt(2024, 6, 12));
    }
}

#[test]
fn importing_twice_gives_the_same_bytes_and_so_does_exporting() {
    let book = messy_workbook();
    let a = serde_json::to_vec(&import_ok(&book).0).unwrap();
    let b = serde_json::to_vec(&import_ok(&book).0).unwrap();
    assert_eq!(a, b);
    let doc = import_ok(&book).0;
    assert_eq!(export(&doc).unwrap().bytes, export(&doc).unwrap().bytes);
}

#[test]
fn next_months_workbook_keeps_the_uuids_of_shared_items() {
    let june = template_workbook(Layout::V2024, &items(3, "V"), &[], &[]);
    let mut july_open = items(3, "V");
    july_open.remove(0); // V-1 was closed ...
    july_open.push(tidy_item("V-4")); // ... and V-4 is new
    let set = |item: &mut Item, key: &'static str, value: Cell| {
        item.retain(|(k, _)| *k != key);
        item.push((key, value));
    };
    set(&mut july_open[0], "Status Date", Cell::Date(2024, 7, 20));
    let mut closed = tidy_item("V-1");
    set(&mut closed, "Status Date", Cell::Date(2024, 7, 2));
    let july =
        support::template_workbook_dated(Layout::V2024, (2024, 7, 31), &july_open, &[closed], &[]);
    let (june, _) = import_ok(&june);
    let (july, _) = import_ok(&july);
    let uuids = |d: &Document| -> HashMap<String, (String, String)> {
        let p = &d.plan_of_action_and_milestones;
        p.poam_items
            .iter()
            .map(|i| {
                let id = i
                    .props
                    .iter()
                    .find(|p| p.name.as_str() == "POAM-ID")
                    .unwrap();
                (
                    id.value.clone(),
                    (
                        i.uuid.as_ref().unwrap().to_string(),
                        i.related_risks[0].risk_uuid.to_string(),
                    ),
                )
            })
            .collect()
    };
    let (a, b) = (uuids(&june), uuids(&july));
    for id in ["V-1", "V-2", "V-3"] {
        assert_eq!(a[id], b[id], "{id}");
    }
    assert!(!a.contains_key("V-4"));
    let closed = july
        .plan_of_action_and_milestones
        .risks
        .iter()
        .find(|r| r.uuid.as_str() == b["V-1"].1)
        .unwrap();
    assert_eq!(closed.status.as_str(), "closed");
    let log = closed.risk_log.as_ref().unwrap();
    assert!(log.entries.iter().any(|e| {
        e.status_change
            .as_ref()
            .is_some_and(|s| s.as_str() == "closed")
            && e.start.as_str() == "2024-07-02T00:00:00Z"
    }));
    // The document itself is a new version.
    assert_ne!(
        june.plan_of_action_and_milestones.uuid,
        july.plan_of_action_and_milestones.uuid
    );
}

#[test]
fn formula_looking_text_is_written_as_text() {
    use calamine::{Data, Reader, Xlsx};
    let mut item = tidy_item("F-1");
    let risky = [
        "=1+1",
        "+SUM(A1:A2)",
        "-2+3",
        "@cmd",
        "\t=tab",
        "=HYPERLINK(\"x\")",
    ];
    item.retain(|(k, _)| {
        !matches!(
            *k,
            "Weakness Name"
                | "Comments"
                | "Weakness Description"
                | "Resources Required"
                | "Overall Remediation Plan"
                | "Deviation Rationale"
        )
    });
    item.push(("Weakness Name", t(risky[0])));
    item.push(("Comments", t(risky[1])));
    item.push(("Weakness Description", t(risky[2])));
    item.push(("Resources Required", t(risky[3])));
    item.push(("Overall Remediation Plan", t(risky[4])));
    item.push(("Deviation Rationale", t(risky[5])));
    let book = template_workbook(Layout::V2024, &[item], &[], &[]);
    let (doc, _) = import_ok(&book);
    let exported = export(&doc).unwrap();
    assert_cells_come_back(&book, &exported.bytes);
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(exported.bytes)).unwrap();
    let formulas = wb.worksheet_formula("Open POA&M Items").unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "the export holds a formula"
    );
    let range = wb.worksheet_range("Open POA&M Items").unwrap();
    let strings: Vec<String> = range
        .used_cells()
        .filter_map(|(_, _, d)| match d {
            Data::String(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    for r in risky {
        let want = r.trim();
        assert!(
            strings.iter().any(|s| s == want),
            "{want:?} is not a text cell: {strings:?}"
        );
    }
}

/// A template workbook of two items, imported, and its export.
fn template_export() -> (Document, Vec<u8>) {
    let (doc, _) = import_ok(&template_workbook(Layout::V2021, &items(2, "V"), &[], &[]));
    let bytes = export(&doc).unwrap().bytes;
    (doc, bytes)
}

#[test]
fn export_has_the_template_look() {
    let (_, bytes) = template_export();
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    let mut read = |name: &str| {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut z.by_name(name).unwrap(), &mut s).unwrap();
        s
    };
    let workbook = read("xl/workbook.xml");
    for name in [
        "Open POA&amp;M Items",
        "Closed POA&amp;M Items",
        "Configuration Findings",
    ] {
        assert!(workbook.contains(name), "{name}");
    }
    let sheet = read("xl/worksheets/sheet1.xml");
    assert!(
        sheet.contains(
            r#"<pane ySplit="5" topLeftCell="A6" activePane="bottomLeft" state="frozen"/>"#
        ),
        "frozen panes"
    );
    assert!(sheet.contains(r#"<mergeCell ref="A1:E1"/>"#));
    for list in [
        "\"Yes,No\"",
        "\"Yes,No,Pending\"",
        "\"Low,Moderate,High\"",
        "\"Low,Moderate,High,N/A\"",
    ] {
        assert!(sheet.contains(list), "dropdown {list}");
    }
    assert!(sheet.contains("<cols>"), "column widths");
    let styles = read("xl/styles.xml");
    assert!(
        styles.contains(r#"numFmtId="14""#),
        "real dates with a date format"
    );
    assert!(styles.contains(r#"wrapText="1""#), "wrapped text");
    let strings = read("xl/sharedStrings.xml");
    for c in &COLUMNS {
        let escaped = c.header.replace('&', "&amp;");
        assert!(
            strings.contains(&format!(">{escaped}<")),
            "header {}",
            c.header
        );
    }
}

#[test]
fn export_has_the_template_sheets_and_dates() {
    use calamine::{Data, Reader, Xlsx};
    let (doc, bytes) = template_export();
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    // The template's four sheets, in its order; the registered-trademark sign only in the
    // Open sheet's title, as the template has it.
    assert_eq!(
        wb.sheet_names(),
        [
            "Open POA&M Items",
            "Closed POA&M Items",
            "Configuration Findings",
            "Record of Changes"
        ]
    );
    let title = |wb: &mut Xlsx<_>, sheet: &str| {
        wb.worksheet_range(sheet)
            .unwrap()
            .get_value((0, 0))
            .map(ToString::to_string)
            .unwrap_or_default()
    };
    assert_eq!(
        title(&mut wb, "Open POA&M Items"),
        "FedRAMP\u{ae} Plan of Action and Milestones (POA&M) Template"
    );
    for sheet in ["Closed POA&M Items", "Configuration Findings"] {
        assert_eq!(
            title(&mut wb, sheet),
            "FedRAMP Plan of Action and Milestones (POA&M) Template"
        );
    }
    // The Record of Changes: headers in B3:E3, the document's version below.
    let changes = wb.worksheet_range("Record of Changes").unwrap();
    let text = |r: u32, c: u32| {
        changes
            .get_value((r, c))
            .map(ToString::to_string)
            .unwrap_or_default()
    };
    let headers: Vec<String> = (1..5).map(|c| text(2, c)).collect();
    assert_eq!(headers, ["Date", "Description", "Version", "Author"]);
    assert!(matches!(changes.get_value((3, 1)), Some(Data::DateTime(_))));
    assert_eq!(
        text(3, 3),
        doc.plan_of_action_and_milestones.metadata.version
    );
    // Dates are real dates: the detection date cell holds a serial number.
    let range = wb.worksheet_range("Open POA&M Items").unwrap();
    let k = poam_xlsx::Field::DetectionDate as u32;
    assert!(
        matches!(range.get_value((7, k)), Some(Data::DateTime(_))),
        "{:?}",
        range.get_value((7, k))
    );
}

#[test]
fn a_workbook_without_oscal_origin_still_exports() {
    // A document that never was a workbook: no bookkeeping props, FedRAMP shapes only.
    let json = include_str!("data/guide-shaped.json");
    let doc: Document = serde_json::from_str(json).unwrap();
    let first = export(&doc).unwrap();
    let (again, warnings) = import_ok(&first.bytes);
    assert!(
        warnings.iter().all(|w| w.code != "cell-not-understood"),
        "{warnings:?}"
    );
    // What the workbook can show comes back equal in the model ...
    let (h1, r1) = poam_xlsx::rows(&doc);
    let (h2, r2) = poam_xlsx::rows(&again);
    assert_eq!(h1, h2);
    assert_eq!(r1, r2);
    // ... and the second workbook is the first, cell for cell.
    let second = export(&again).unwrap();
    assert_cells_come_back(&first.bytes, &second.bytes);
    assert_valid(&again);
    let _ = CellValue::text("");
}

#[test]
fn the_projects_own_poams_go_through_a_workbook_and_back() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    for name in [
        "fixtures/poam/full.json",
        "fixtures/poam/minimal.json",
        "fixtures/cycles/month1.json",
        "fixtures/cycles/month2-team.json",
        "fixtures/cycles/month3-team.json",
    ] {
        let text = std::fs::read_to_string(root.join(name)).unwrap();
        let doc: Document = serde_json::from_str(&text).unwrap();
        let first = export(&doc).unwrap_or_else(|e| panic!("{name}: {e}"));
        let (again, warnings) = import_ok(&first.bytes);
        assert!(
            warnings.iter().all(|w| w.code != "cell-not-understood"),
            "{name}: {warnings:?}"
        );
        // What the workbook shows comes back equal in the model (rows grouped by sheet, as
        // the workbook groups them) ...
        let (h1, mut r1) = poam_xlsx::rows(&doc);
        let (h2, mut r2) = poam_xlsx::rows(&again);
        r1.sort_by_key(|r| r.sheet);
        r2.sort_by_key(|r| r.sheet);
        assert_eq!(h1, h2, "{name}");
        for (i, (a, b)) in r1.iter().zip(&r2).enumerate() {
            assert_eq!(a, b, "{name}: row {}", i + 1);
        }
        assert_eq!(r1.len(), r2.len(), "{name}");
        // ... the second workbook is the first, cell for cell, and the OSCAL is sound.
        let second = export(&again).unwrap();
        assert_cells_come_back(&first.bytes, &second.bytes);
        assert_valid(&again);
    }
}

/// A POAM ID may contain `#`: only a repeated ID is a duplicate, and the repeat of an ID
/// never takes the UUIDs of an item whose own ID looks like a numbered repeat (`V-1#2`).
#[test]
fn a_poam_id_with_a_hash_is_not_a_duplicate() {
    let book = template_workbook(
        Layout::V2024,
        &[tidy_item("V-1#2"), tidy_item("V-3")],
        &[],
        &[],
    );
    let (_, warnings) = import_ok(&book);
    let duplicates: Vec<&Warning> = warnings
        .iter()
        .filter(|w| w.code == "duplicate-poam-id")
        .collect();
    assert!(duplicates.is_empty(), "{duplicates:?}");

    let book = template_workbook(
        Layout::V2024,
        &[tidy_item("V-1#2"), tidy_item("V-1"), tidy_item("V-1")],
        &[],
        &[],
    );
    let (doc, warnings) = import_ok(&book);
    let duplicates = warnings
        .iter()
        .filter(|w| w.code == "duplicate-poam-id")
        .count();
    assert_eq!(duplicates, 1, "{warnings:?}");
    assert_references_resolve(&doc);
}

/// Control characters in a workbook: C0 controls (but NUL), DEL and U+0085 are kept
/// through OSCAL -> workbook -> OSCAL (Excel writes them as `_xHHHH_`); NUL, which OSCAL
/// markup cannot keep, is refused with its cell both ways.
#[test]
fn control_characters_are_kept_or_refused_at_their_cell() {
    let controls = "a\u{1}b\u{b}c\u{c}d\u{1f}e\u{7f}f\u{85}g \u{b}";
    let doc = minimal_titled(controls);
    let (again, _) = import_ok(&export(&doc).unwrap().bytes);
    let title = |d: &Document| {
        poam_xlsx::markup::line_text(&d.plan_of_action_and_milestones.poam_items[0].title)
    };
    assert_eq!(title(&again), controls);

    let mut nul = minimal_titled("plain");
    nul.plan_of_action_and_milestones.poam_items[0].title =
        poam_markup::MarkupLine::new(vec![poam_markup::Inline::Text("be\0fore".to_owned())]);
    let e = export(&nul).expect_err("NUL refused");
    assert!(
        e.to_string()
            .starts_with("'Open POA&M Items'!C8: the text holds the character U+0000"),
        "{e}"
    );

    let book = support::workbook(&[support::Sheet {
        name: "Open POA&M Items".into(),
        rows: vec![
            vec![t("POAM ID"), t("Controls"), t("Weakness Name")],
            vec![t("V-1"), t("AC-2"), t("be\0fore")],
        ],
    }]);
    let e = import(&book, "nul.xlsx", &ReadOptions::default()).expect_err("NUL refused");
    assert_eq!(
        e.place,
        poam_xlsx::ErrorPlace::Cell(poam_xlsx::CellRef::new("Open POA&M Items", 1, 2))
    );
    assert!(
        e.to_string().starts_with(
            "nul.xlsx: 'Open POA&M Items'!C2: the cell holds the character U+0000 (NUL)"
        ),
        "{e}"
    );
}

/// Excel's 32,767-character limit counts UTF-16 code units, so an emoji counts as two: text
/// of 20,000 emoji (40,000 units) is refused at its cell in poam's words (it reached
/// rust_xlsxwriter and failed with the library's text), and 16,000 (32,000 units) go
/// through a workbook and back unchanged.
#[test]
fn the_cell_length_limit_counts_as_excel_does() {
    let e = export(&minimal_titled(&"\u{1F600}".repeat(20_000))).expect_err("too long");
    assert!(
        matches!(&e, poam_xlsx::ExportError::CellTooLong { place, len: 40_000 } if place == "'Open POA&M Items'!C8"),
        "{e:?}"
    );
    assert!(
        e.to_string().starts_with(
            "'Open POA&M Items'!C8: the text is 40000 characters long as Excel counts them"
        ),
        "{e}"
    );

    let fits = "\u{1F600}".repeat(16_000);
    let (again, _) = import_ok(&export(&minimal_titled(&fits)).unwrap().bytes);
    let title = &again.plan_of_action_and_milestones.poam_items[0].title;
    assert_eq!(poam_xlsx::markup::line_text(title), fits);
}

/// The props of unmapped columns keep their order through workbook -> OSCAL -> workbook ->
/// OSCAL, even when the first item leaves some of those columns empty (the export placed
/// the columns in the order their headers first appeared on an item, so a column empty on
/// the first item moved right, and the next import read the props in that new order).
#[test]
fn unmapped_columns_keep_their_order_through_a_round_trip() {
    let header = ["POAM ID", "Controls", "Weakness Name"];
    let extra = ["Zeta notes", "Alpha ref", "Mid tag"];
    let row = |id: &str, cells: [&str; 3]| -> Vec<Cell> {
        let mut r = vec![t(id), t("AC-2"), t(&format!("Weakness {id}"))];
        r.extend(
            cells
                .iter()
                .map(|c| if c.is_empty() { Cell::Blank } else { t(c) }),
        );
        r
    };
    let book = support::workbook(&[support::Sheet {
        name: "Open POA&M Items".into(),
        rows: vec![
            header.iter().chain(&extra).map(|h| t(h)).collect(),
            row("V-1", ["", "", "m1"]),
            row("V-2", ["", "a2", "m2"]),
            row("V-3", ["z3", "a3", "m3"]),
        ],
    }]);
    let unmapped = |doc: &Document| -> Vec<Vec<String>> {
        doc.plan_of_action_and_milestones
            .poam_items
            .iter()
            .map(|pi| {
                pi.props
                    .iter()
                    .filter(|p| p.name == "unmapped-column")
                    .map(|p| p.value.clone())
                    .collect()
            })
            .collect()
    };
    let (first, _) = import_ok(&book);
    assert_eq!(
        unmapped(&first),
        [
            vec!["Mid tag"],
            vec!["Alpha ref", "Mid tag"],
            vec!["Zeta notes", "Alpha ref", "Mid tag"],
        ]
    );
    let exported = export(&first).unwrap().bytes;
    let (second, _) = import_ok(&exported);
    assert_eq!(unmapped(&second), unmapped(&first));
    assert_eq!(
        serde_json::to_string(&second).unwrap(),
        serde_json::to_string(&first).unwrap()
    );
    assert_eq!(export(&second).unwrap().bytes, exported);
}

/// A header the workbook repeats: each column keeps its value through an export (the export
/// had one column per header text, so the second value overwrote the first).
#[test]
fn a_repeated_unmapped_header_keeps_every_value() {
    let book = support::workbook(&[support::Sheet {
        name: "Open POA&M Items".into(),
        rows: vec![
            [
                "POAM ID",
                "Controls",
                "Weakness Name",
                "Owner",
                "Ticket",
                "Owner",
            ]
            .iter()
            .map(|h| t(h))
            .collect(),
            ["V-1", "AC-2", "W", "first", "T-1", "second"]
                .iter()
                .map(|c| t(c))
                .collect(),
        ],
    }]);
    let values = |doc: &Document| -> Vec<(String, String)> {
        doc.plan_of_action_and_milestones.poam_items[0]
            .props
            .iter()
            .filter(|p| p.name == "unmapped-column")
            .map(|p| {
                let text = p.remarks.as_ref().map(poam_xlsx::markup::multiline_text);
                (p.value.clone(), text.unwrap_or_default())
            })
            .collect()
    };
    let (first, _) = import_ok(&book);
    let pair = |h: &str, v: &str| (h.to_owned(), v.to_owned());
    assert_eq!(
        values(&first),
        [
            pair("Owner", "first"),
            pair("Ticket", "T-1"),
            pair("Owner", "second")
        ]
    );
    let (second, _) = import_ok(&export(&first).unwrap().bytes);
    assert_eq!(values(&second), values(&first));
}

/// The minimal fixture POA&M with its first item titled `title`.
fn minimal_titled(title: &str) -> Document {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let text = std::fs::read_to_string(root.join("fixtures/poam/minimal.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["plan-of-action-and-milestones"]["poam-items"][0]["title"] = title.into();
    serde_json::from_value(v).unwrap()
}
