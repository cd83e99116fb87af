//! `docs/workbook-mapping.md` cannot drift from the column spec: its two column tables are
//! generated from `columns::COLUMNS`, and this test fails when the document's copy is stale.
//! To regenerate after changing `COLUMNS`:
//!
//! ```sh
//! UPDATE_DOCS=1 cargo test -p poam-xlsx --test docs
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;
use std::path::PathBuf;

use poam_xlsx::column_letters;
use poam_xlsx::internals::{COLUMNS, CellKind, Column, Since};

const BEGIN: &str =
    "<!-- begin: generated from columns::COLUMNS by crates/poam-xlsx/tests/it/docs.rs -->";
const END: &str = "<!-- end: generated -->";

fn doc_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/workbook-mapping.md")
}

/// Table cells cannot hold a pipe or a line break.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn templates(c: &Column) -> &'static str {
    match c.since {
        Since::V2021 => "2021, 2022, 2023, 2024",
        Since::V2022 => "2022, 2023, 2024",
        Since::V2024 => "2024",
    }
}

fn kind(c: &Column) -> String {
    match (c.kind, c.list) {
        (CellKind::Date, _) => "date".to_owned(),
        (CellKind::Choice, Some(list)) => format!("one of {}", list.join(", ")),
        (CellKind::Choice, None) => "choice".to_owned(),
        (CellKind::Text, _) => "text".to_owned(),
    }
}

/// The two generated tables: where each column goes, and how export writes it.
fn generated() -> String {
    let mut out = String::new();
    out.push_str(BEGIN);
    out.push_str("\n\n");
    out.push_str(
        "| col | header (every template) | in templates | also read as | cell | OSCAL location |\n",
    );
    out.push_str("| --- | --- | --- | --- | --- | --- |\n");
    for c in &COLUMNS {
        let synonyms = c
            .synonyms
            .iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", ");
        writeln!(
            out,
            "| {} | `{}` | {} | {} | {} | {} |",
            column_letters(c.field as u32),
            cell(c.header),
            templates(c),
            cell(&synonyms),
            cell(&kind(c)),
            cell(&format!("`{}`", c.oscal)),
        )
        .unwrap();
    }
    out.push_str(
        "\nAs export writes each column (row 5 header; rows 6 and 7 of the Open sheet):\n\n",
    );
    out.push_str("| col | width | format | dropdown | no value is written as | row 6: description | row 7: format hint |\n");
    out.push_str("| --- | --- | --- | --- | --- | --- | --- |\n");
    for c in &COLUMNS {
        let format = match c.kind {
            CellKind::Date => "a real Excel date, short date format",
            _ => "text, wrapped",
        };
        let list = c.list.map_or_else(|| "–".to_owned(), |l| l.join(", "));
        let blank = if c.default_text.is_empty() {
            "blank".to_owned()
        } else {
            format!("`{}`", c.default_text)
        };
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            column_letters(c.field as u32),
            c.width,
            format,
            cell(&list),
            blank,
            cell(c.description),
            cell(&format!("`{}`", c.hint)),
        )
        .unwrap();
    }
    out.push('\n');
    out.push_str(END);
    out
}

#[test]
fn the_mapping_document_lists_every_column_as_the_spec_says() {
    let path = doc_path();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .replace("\r\n", "\n");
    let start = text
        .find(BEGIN)
        .unwrap_or_else(|| panic!("{}: no `{BEGIN}` marker", path.display()));
    let end = text[start..].find(END).map_or_else(
        || panic!("{}: no `{END}` marker", path.display()),
        |i| start + i + END.len(),
    );
    let fresh = generated();
    if text[start..end] == fresh {
        return;
    }
    if std::env::var_os("UPDATE_DOCS").is_some() {
        let updated = format!("{}{fresh}{}", &text[..start], &text[end..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    panic!(
        "{} is stale: its column tables differ from columns::COLUMNS; run\n  \
         UPDATE_DOCS=1 cargo test -p poam-xlsx --test docs\nand read the diff",
        path.display()
    );
}

#[test]
fn every_header_and_synonym_is_in_the_document() {
    let text = std::fs::read_to_string(doc_path()).unwrap();
    for c in &COLUMNS {
        assert!(text.contains(&format!("`{}`", c.header)), "{}", c.header);
        for s in c.synonyms {
            assert!(text.contains(&format!("`{s}`")), "{s}");
        }
    }
}
