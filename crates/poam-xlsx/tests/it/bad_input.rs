//! Every class of bad input is a clear error naming the file, never a panic.
#![allow(clippy::unwrap_used)]

use crate::support;

use poam_xlsx::{ImportErrorKind, ReadOptions, import};

#[test]
fn every_bad_input_class_is_a_clear_error() {
    for (name, bytes, words) in support::bad_inputs() {
        let err = import(&bytes, &format!("{name}.xlsx"), &ReadOptions::default())
            .err()
            .unwrap_or_else(|| panic!("{name}: imported"));
        let message = err.to_string();
        assert!(message.starts_with(&format!("{name}.xlsx: ")), "{message}");
        assert!(message.contains(words), "{name}: {message}");
    }
}

#[test]
fn the_error_kinds_are_told_apart() {
    let kinds: Vec<(&str, ImportErrorKind)> = support::bad_inputs()
        .into_iter()
        .map(|(name, bytes, _)| {
            let kind = import(&bytes, name, &ReadOptions::default())
                .err()
                .unwrap()
                .kind;
            (name, kind)
        })
        .collect();
    for (name, kind) in kinds {
        let ok = match name {
            "not-a-zip" => matches!(kind, ImportErrorKind::NotZip),
            "not-an-xlsx" => matches!(kind, ImportErrorKind::NotXlsx(_)),
            "encrypted" => matches!(kind, ImportErrorKind::Encrypted),
            "password-protected-zip" => matches!(kind, ImportErrorKind::PasswordProtectedZip(_)),
            "zip-bomb" | "zip-bomb-declared" => matches!(kind, ImportErrorKind::TooLarge(_)),
            "no-poam-sheet" => {
                matches!(kind, ImportErrorKind::NoPoamSheet(ref s) if s == &["Sheet1"])
            }
            "no-header-row" => {
                matches!(kind, ImportErrorKind::NoHeaderRow(ref s) if s == "Open POA&M Items")
            }
            _ => false,
        };
        assert!(ok, "{name}: {kind:?}");
    }
}

#[test]
fn truncated_and_garbled_workbooks_do_not_panic() {
    let good = support::template_workbook(
        support::Layout::V2024,
        &[support::tidy_item("V-1")],
        &[],
        &[],
    );
    for cut in [4, 30, 100, good.len() / 3, good.len() / 2, good.len() - 10] {
        let r = import(&good[..cut], "cut.xlsx", &ReadOptions::default());
        assert!(r.is_err(), "a workbook cut at {cut} bytes was imported");
    }
    let mut garbled = good.clone();
    for i in (200..garbled.len()).step_by(97) {
        garbled[i] ^= 0x5a;
    }
    let _ = import(&garbled, "garbled.xlsx", &ReadOptions::default());
}

#[test]
fn an_empty_item_sheet_is_a_warning_not_an_error() {
    let mut sheets = vec![support::Sheet {
        name: "Open POA&M Items".into(),
        rows: vec![
            vec![
                support::t("POAM ID"),
                support::t("Controls"),
                support::t("Weakness Name"),
            ],
            vec![
                support::t("V-1"),
                support::t("AC-2"),
                support::t("A weakness"),
            ],
        ],
    }];
    sheets.push(support::Sheet {
        name: "Closed POA&M Items".into(),
        rows: vec![],
    });
    let imported = import(
        &support::workbook(&sheets),
        "x.xlsx",
        &ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(
        imported
            .document
            .plan_of_action_and_milestones
            .poam_items
            .len(),
        1
    );
    assert!(
        imported.warnings.iter().any(|w| w.code == "empty-sheet"),
        "{:?}",
        imported.warnings
    );
}

/// A sheet with the POA&M table and one more value at `(row, col)`.
fn table_with_stray_value(row: u32, col: u16) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Open POA&M Items").unwrap();
    for (c, h) in ["POAM ID", "Controls", "Weakness Name"].iter().enumerate() {
        ws.write_string(4, u16::try_from(c).unwrap(), *h).unwrap();
    }
    for (c, v) in ["V-1", "AC-2", "A weakness"].iter().enumerate() {
        ws.write_string(5, u16::try_from(c).unwrap(), *v).unwrap();
    }
    ws.write_string(row, col, "stray").unwrap();
    wb.save_to_buffer().unwrap()
}

#[test]
fn a_stray_value_at_the_far_corner_is_read_without_a_sheet_sized_table() {
    // calamine's dense range would be 1,048,576 x 16,384 cells here; poam leaves out the
    // empty rows and columns, so this is a table of three rows and four columns.
    let book = table_with_stray_value(1_048_575, 16_383);
    let imported = import(&book, "stray.xlsx", &ReadOptions::default()).unwrap();
    let poam = &imported.document.plan_of_action_and_milestones;
    assert_eq!(poam.poam_items.len(), 2);
    assert!(
        imported
            .warnings
            .iter()
            .any(|w| w.to_string().starts_with("'Open POA&M Items'!XFD5: ")),
        "{:?}",
        imported.warnings
    );
}

#[test]
fn a_table_too_large_to_hold_is_a_clear_error() {
    // Values on a diagonal: few cells, but every row and column holds one, so the table
    // would be 6,000 x 6,000 cells.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Open POA&M Items").unwrap();
    for (c, h) in ["POAM ID", "Controls", "Weakness Name"].iter().enumerate() {
        ws.write_string(0, u16::try_from(c).unwrap(), *h).unwrap();
    }
    for i in 3..6_000u32 {
        ws.write_string(i, u16::try_from(i).unwrap(), "x").unwrap();
    }
    let err = import(
        &wb.save_to_buffer().unwrap(),
        "diagonal.xlsx",
        &ReadOptions::default(),
    )
    .err()
    .unwrap();
    assert!(
        matches!(err.kind, ImportErrorKind::TableTooLarge(_)),
        "{err}"
    );
    let message = err.to_string();
    assert!(message.contains("5998 rows and 6000 columns"), "{message}");
    assert!(message.contains("'Open POA&M Items'!HVT6000"), "{message}");
}

#[test]
fn empty_rows_and_columns_between_values_cost_nothing() {
    // Far away but few: the table skips the empty rows and columns, and the value is kept
    // (a column without a header) at its real place.
    let book = table_with_stray_value(900_000, 5_000);
    let imported = import(&book, "far.xlsx", &ReadOptions::default()).unwrap();
    let poam = &imported.document.plan_of_action_and_milestones;
    assert_eq!(poam.poam_items.len(), 2, "{:?}", imported.warnings);
    let place = poam_xlsx::CellRef::new("Open POA&M Items", 4, 5_000).to_string();
    assert!(
        imported
            .warnings
            .iter()
            .any(|w| w.code == "unknown-column" && w.to_string().starts_with(&place)),
        "{place}: {:?}",
        imported.warnings
    );
    assert!(
        imported
            .warnings
            .iter()
            .any(|w| w.code == "missing-poam-id"
                && w.to_string().contains("'Open POA&M Items'!A900001")),
        "{:?}",
        imported.warnings
    );
}

/// A workbook without a single item (the blank template) is refused, naming the workbook
/// and its item sheets: OSCAL requires a poam-item, every OSCAL reader (poam's too) refuses
/// a POA&M without one, so importing it would write what no reader takes back.
#[test]
fn a_workbook_without_items_is_refused() {
    // The blank template: headers, the example row (skipped), nothing else.
    let book = support::template_workbook(support::Layout::V2024, &[], &[], &[]);
    let err = import(&book, "blank.xlsx", &ReadOptions::default())
        .expect_err("a workbook without items is refused");
    assert!(
        matches!(err.kind, ImportErrorKind::NoItems(ref s) if s.iter().any(|n| n == "Open POA&M Items")),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(
        message.starts_with("blank.xlsx: no POA&M items: sheets \"Open POA&M Items\""),
        "{message}"
    );
    assert!(
        message.contains("requires at least one poam-item"),
        "{message}"
    );
}

/// One sheet with the POA&M headers and the given item rows (from row 2).
fn sheet_with_rows(rows: Vec<Vec<support::Cell>>) -> Vec<u8> {
    let mut all = vec![vec![
        support::t("POAM ID"),
        support::t("Controls"),
        support::t("Weakness Name"),
    ]];
    all.extend(rows);
    support::workbook(&[support::Sheet {
        name: "Open POA&M Items".into(),
        rows: all,
    }])
}

/// A formula cell is imported as its last computed value (poam computes no formula), and a
/// warning at the cell says so; one without a computed value is told too. Never silent: a
/// DDE formula once became the title "0" without a word.
#[test]
fn a_formula_cell_is_a_warning_at_the_cell() {
    let formula = |f: &str, v: &str| support::Cell::Formula(f.to_owned(), v.to_owned());
    let written = sheet_with_rows(vec![
        vec![
            support::t("V-1"),
            support::t("AC-2"),
            formula("=cmd|' /C calc'!A0", "0"),
        ],
        vec![support::t("V-2"), formula("=A2", "7"), support::t("Weak")],
    ]);
    // B3's formula without its computed value, as a workbook saved unrecalculated has it.
    let book = with_part(&written, "xl/worksheets/sheet1.xml", |x| {
        assert!(x.contains("<f>A2</f><v>7</v>"), "{x}");
        x.replacen("<f>A2</f><v>7</v>", "<f>A2</f>", 1)
    });
    let imported = import(&book, "f.xlsx", &ReadOptions::default()).unwrap();
    let shown: Vec<String> = imported
        .warnings
        .iter()
        .filter(|w| w.code == "formula-cell")
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        shown,
        [
            "'Open POA&M Items'!C2: the cell holds a formula; its last computed value \"0\" was imported, not the formula [formula-cell]",
            "'Open POA&M Items'!B3: the cell holds a formula without a computed value; poam does not compute formulas, so nothing was imported from it [formula-cell]",
        ]
    );
    let items = &imported.document.plan_of_action_and_milestones.poam_items;
    assert_eq!(items.len(), 2);
}

/// A cell the sheet XML gives twice keeps the later value, and a warning at the cell names
/// the value not kept.
#[test]
fn a_cell_given_twice_is_a_warning_at_the_cell() {
    let good = sheet_with_rows(vec![vec![
        support::t("V-1"),
        support::t("AC-2"),
        support::t("first"),
    ]]);
    // Row 2's cells again, C2 now an inline string: C2 is given twice.
    let book = with_part(&good, "xl/worksheets/sheet1.xml", |x| {
        x.replacen(
            "</row></sheetData>",
            r#"<c r="C2" t="inlineStr"><is><t>second</t></is></c></row></sheetData>"#,
            1,
        )
    });
    let imported = import(&book, "d.xlsx", &ReadOptions::default()).unwrap();
    let dup: Vec<String> = imported
        .warnings
        .iter()
        .filter(|w| w.code == "duplicate-cell")
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        dup,
        [
            "'Open POA&M Items'!C2: the sheet gives this cell twice; the later value \"second\" was kept, the earlier \"first\" was not [duplicate-cell]"
        ]
    );
    let title = &imported.document.plan_of_action_and_milestones.poam_items[0].title;
    assert_eq!(poam_xlsx::markup::line_text(title), "second");
}

/// A renamed or copied item sheet ("Open POA&M Items (2)", "Sheet1") with the POA&M column
/// headers is read in the role its name suggests, and the warning says so; one whose role is
/// already taken is named in a warning. No sheet with the headers is skipped in silence.
#[test]
fn a_renamed_item_sheet_is_read_and_its_role_told() {
    let headers = || {
        vec![
            support::t("POAM ID"),
            support::t("Controls"),
            support::t("Weakness Name"),
        ]
    };
    let row = |id: &str| vec![support::t(id), support::t("AC-2"), support::t("A weakness")];
    let sheet = |name: &str, ids: &[&str]| support::Sheet {
        name: name.into(),
        rows: std::iter::once(headers())
            .chain(ids.iter().map(|id| row(id)))
            .collect(),
    };
    let book = support::workbook(&[
        sheet("Open POA&M Items (2)", &["V-1", "V-2"]),
        sheet("Closed copy", &["V-3"]),
        sheet("Sheet1", &["V-4"]),
        support::Sheet {
            name: "Notes".into(),
            rows: vec![vec![support::t("nothing to see")]],
        },
    ]);
    let imported = import(&book, "renamed.xlsx", &ReadOptions::default()).unwrap();
    let items = &imported.document.plan_of_action_and_milestones.poam_items;
    assert_eq!(items.len(), 3, "{:?}", imported.warnings);
    let said = |code: &str, words: &str| {
        imported
            .warnings
            .iter()
            .any(|w| w.code == code && w.message.contains(words))
    };
    assert!(
        said(
            "sheet-role",
            "sheet \"Open POA&M Items (2)\" has the POA&M column headers; it was read as the \"Open POA&M Items\" sheet"
        ),
        "{:?}",
        imported.warnings
    );
    assert!(
        said("sheet-role", "\"Closed copy\""),
        "{:?}",
        imported.warnings
    );
    assert!(
        said(
            "duplicate-sheet",
            "sheet \"Sheet1\" has the POA&M column headers"
        ),
        "{:?}",
        imported.warnings
    );
    assert!(!said("duplicate-sheet", "Notes") && !said("sheet-role", "Notes"));
}

/// `book` with the part `name` rewritten by `edit`.
fn with_part(book: &[u8], name: &str, edit: impl Fn(&str) -> String) -> Vec<u8> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(book)).unwrap();
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        let part = entry.name().unwrap().into_owned();
        if part == name {
            data = edit(&String::from_utf8(data).unwrap()).into_bytes();
        }
        parts.push((part, data));
    }
    let files: Vec<(&str, &[u8])> = parts
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    support::zip_of(&files)
}

/// Sheet XML that calamine reads only in part (a row after the end of the worksheet, text
/// between rows) is an error naming the part, not a workbook with rows missing.
#[test]
fn malformed_sheet_xml_is_an_error_naming_the_part() {
    let good = support::template_workbook(
        support::Layout::V2024,
        &[support::tidy_item("V-1")],
        &[],
        &[],
    );
    let late_row = r#"<row r="99"><c r="A99" t="inlineStr"><is><t>V-9</t></is></c></row>"#;
    let cases = [
        (
            "row-after-worksheet",
            with_part(&good, "xl/worksheets/sheet1.xml", |x| {
                format!("{x}{late_row}")
            }),
            "a <row> element after the end of the worksheet",
        ),
        (
            "stray-text",
            with_part(&good, "xl/worksheets/sheet1.xml", |x| {
                x.replacen("<row ", "stray words<row ", 1)
            }),
            "text \"stray words\" inside <sheetData>",
        ),
        (
            "unclosed",
            with_part(&good, "xl/worksheets/sheet1.xml", |x| {
                x.replace("</worksheet>", "")
            }),
            "part xl/worksheets/sheet1.xml",
        ),
    ];
    for (name, bytes, words) in cases {
        let err = import(&bytes, name, &ReadOptions::default())
            .err()
            .unwrap_or_else(|| panic!("{name}: imported"));
        let message = err.to_string();
        assert!(
            matches!(err.kind, ImportErrorKind::MalformedPart { .. }),
            "{name}: {message}"
        );
        assert!(message.contains("xl/worksheets/sheet1.xml"), "{message}");
        assert!(message.contains(words), "{name}: {message}");
    }
}

/// Damaged workbooks are told in poam's words, with the place: never calamine's or the zip
/// library's own text.
#[test]
fn read_errors_are_in_poams_words_with_the_place() {
    let good = support::template_workbook(
        support::Layout::V2024,
        &[support::tidy_item("V-1")],
        &[],
        &[],
    );
    let library_words = [
        "Cell string index",
        "Range is missing",
        "zip::",
        "ZipCentral",
        "Xml error",
        "Zip error",
        "I/O error",
        "Parse ",
    ];
    let mut cases = vec![(
        "bad-shared-string",
        with_part(&good, "xl/worksheets/sheet1.xml", |x| {
            // A shared-string cell pointing past the table.
            x.replacen(r#"t="s"><v>"#, r#"t="s"><v>9999"#, 1)
        }),
    )];
    for cut in [good.len() / 2, good.len() - 30] {
        cases.push(("cut", good[..cut].to_vec()));
    }
    for (name, bytes) in cases {
        let err = match import(&bytes, name, &ReadOptions::default()) {
            Err(err) => err,
            Ok(_) if name == "cut" => continue,
            Ok(_) => panic!("{name}: imported"),
        };
        let message = err.to_string();
        for words in library_words {
            assert!(!message.contains(words), "{name}: {message}");
        }
        assert!(
            message.contains("zip archive")
                || message.contains("'Open POA&M Items'!")
                || message.contains("sheet \"")
                || message.contains("part "),
            "{name}: no place in {message}"
        );
    }
}

/// A row without an Original Detection Date: OSCAL needs a date, and the one the document
/// falls back on would hide that the workbook gives none, so the cell is named in a
/// warning. A dated row gets none.
#[test]
fn a_missing_detection_date_is_a_warning_at_its_cell() {
    let book = support::workbook(&[support::Sheet {
        name: "Open POA&M Items".into(),
        rows: vec![
            vec![
                support::t("POAM ID"),
                support::t("Weakness Name"),
                support::t("Original Detection Date"),
                support::t("Status Date"),
            ],
            vec![
                support::t("V-1"),
                support::t("Undated weakness"),
                support::Cell::Blank,
                support::Cell::Date(2024, 6, 20),
            ],
            vec![
                support::t("V-2"),
                support::t("Dated weakness"),
                support::Cell::Date(2024, 5, 1),
                support::Cell::Date(2024, 6, 20),
            ],
        ],
    }]);
    let imported = import(&book, "undated.xlsx", &ReadOptions::default()).unwrap();
    let undated: Vec<String> = imported
        .warnings
        .iter()
        .filter(|w| w.code == "no-detection-date")
        .map(ToString::to_string)
        .collect();
    assert_eq!(undated.len(), 1, "{:?}", imported.warnings);
    assert!(
        undated[0].starts_with("'Open POA&M Items'!C2"),
        "{}",
        undated[0]
    );
    assert!(
        undated[0].contains("Original Detection Date"),
        "{}",
        undated[0]
    );
}

/// A cell, row or range reference past Excel's grid (calamine's arithmetic on it overflows:
/// a panic in a debug build, a wrong place in a release one) is an error naming the part and
/// the reference, and nothing is imported.
#[test]
fn a_reference_past_the_grid_is_an_error_naming_the_part_and_the_reference() {
    let good = support::template_workbook(
        support::Layout::V2024,
        &[support::tidy_item("V-1")],
        &[],
        &[],
    );
    let sheet = "xl/worksheets/sheet1.xml";
    let cell = |r: &'static str| {
        with_part(&good, sheet, move |x| {
            x.replacen(
                "<row ",
                &format!(
                    r#"<row r="7000"><c r="{r}" t="inlineStr"><is><t>x</t></is></c></row><row "#
                ),
                1,
            )
        })
    };
    let cases = [
        (
            cell("XFD99999999999"),
            "\"XFD99999999999\" is beyond Excel's last row",
        ),
        (
            cell("AAAAAAAAAAAA1"),
            "\"AAAAAAAAAAAA1\" is beyond Excel's last column",
        ),
        (cell("XFE1"), "\"XFE1\" is beyond Excel's last column"),
        (cell("A1048577"), "\"A1048577\" is beyond Excel's last row"),
        (
            with_part(&good, sheet, |x| {
                x.replacen("<row r=\"", "<row r=\"99999999999", 1)
            }),
            "the row number \"99999999999",
        ),
        (
            with_part(&good, sheet, |x| {
                x.replacen(
                    "<dimension ref=\"",
                    "<dimension ref=\"AAAAAAAAAAAAAAAA1:",
                    1,
                )
            }),
            "the range \"AAAAAAAAAAAAAAAA1:",
        ),
        (
            with_part(&good, sheet, |x| {
                let merge =
                    r#"</sheetData><mergeCells count="1"><mergeCell ref="B2:A1"/></mergeCells>"#;
                x.replacen("</sheetData>", merge, 1)
            }),
            "the range \"B2:A1\" ends before it starts",
        ),
    ];
    for (bytes, words) in cases {
        let err = import(&bytes, "grid.xlsx", &ReadOptions::default())
            .err()
            .unwrap_or_else(|| panic!("{words}: imported"));
        let message = err.to_string();
        assert!(
            matches!(err.kind, ImportErrorKind::MalformedPart { ref part, .. } if part == sheet),
            "{message}"
        );
        assert!(
            message.starts_with("grid.xlsx: part xl/worksheets/sheet1.xml (byte "),
            "{message}"
        );
        assert!(
            message.contains("in sheet \"Open POA&M Items\", the "),
            "{message}"
        );
        assert!(message.contains(words), "{words}: {message}");
    }
    // The grid's last cell is a place like any other.
    assert!(import(&cell("XFD1048576"), "grid.xlsx", &ReadOptions::default()).is_ok());
}
