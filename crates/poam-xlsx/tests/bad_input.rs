//! Every class of bad input is a clear error naming the file, never a panic.
#![allow(clippy::unwrap_used)]

mod support;

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
