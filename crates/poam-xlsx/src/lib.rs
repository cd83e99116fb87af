//! The FedRAMP POA&M Excel workbook, both ways. Programs use it through the `poam` crate
//! (`poam::workbook`); `poam-import` builds its items through [`Item`] and [`build`].
//!
//! [`import`] reads a workbook of any FedRAMP template version (2021 to 2024, and the usual
//! hand edits) into an OSCAL POA&M shaped as the FedRAMP Guide says; [`export`] writes any
//! OSCAL POA&M as a workbook in the 2024 template's look. One column table drives both
//! directions ([`Field`] is a column); `docs/workbook-mapping.md` spells the mapping out
//! column by column. Cells and OSCAL meet only in the typed row, [`Item`] (with the header
//! block, [`Header`]): `cells -> Item -> OSCAL` ([`build`]) on import, `OSCAL -> Item ->
//! cells` on export ([`rows`] shows what an export's rows say).
//!
//! **Guarantees** (tested): workbook -> OSCAL -> workbook gives back every non-empty cell of
//! every item sheet (dates compared as dates, text in its normal form: line ends `\n`,
//! lines trimmed, a run of blank lines as one); OSCAL -> workbook -> OSCAL gives back
//! everything the workbook can show; importing the same workbook twice gives the same
//! document, byte for byte, and items keep their UUIDs from one month's workbook to the next.
//!
//! **Architecture invariant:** nothing is dropped. A cell poam does not understand (a date
//! of `TBD`, an unknown column) is a [`Warning`] naming the cell and its text is kept in the
//! OSCAL (a bookkeeping prop remembers it, and export writes it back).
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use poam_xlsx::{Field, Header, Item, ReadOptions};
//!
//! // A document from one typed row, as `poam import` builds a scanner's findings.
//! let item = Item {
//!     poam_id: Some("V-1".to_owned()),
//!     weakness_name: Some("Outdated OpenSSL".to_owned()),
//!     detection_date: chrono::NaiveDate::from_ymd_opt(2024, 6, 3),
//!     ..Item::default()
//! };
//! let keys = poam_xlsx::item_keys(std::slice::from_ref(&item), &["Open/1".to_owned()]);
//! let doc = poam_xlsx::build(&Header::default(), &[item], &keys);
//!
//! let exported = poam_xlsx::export(&doc)?;
//! assert!(poam_xlsx::looks_like_xlsx(&exported.bytes));
//! let imported = poam_xlsx::import(&exported.bytes, "poam.xlsx", &ReadOptions::default())?;
//! for w in &imported.warnings {
//!     // e.g. `'Open POA&M Items'!K17: "TBD" is not a date; kept as written [cell-not-understood]`
//!     eprintln!("poam.xlsx: {w}");
//! }
//! // The row each item came from, to place a finding on the cell a person edits.
//! let weakness = imported.sources[0].cell(Field::WeaknessName).map(|c| c.to_string());
//! assert_eq!(weakness.as_deref(), Some("'Open POA&M Items'!C8"));
//! # Ok(())
//! # }
//! ```

// What the `poam` crate and `poam-import` need is re-exported below; the rest is the crate's
// own (`unreachable_pub` keeps it so), except `internals`, for the tests and `cargo xtask`.
mod cell;
mod columns;
mod compare;
mod error;
mod extract;
mod guard;
pub mod markup;
mod oscal;
mod read;
mod record;
mod reference;
mod unmapped;
mod values;
mod verbatim;
mod write;

use std::fmt;

use poam_model::Document;

pub use cell::CellRef;
pub use columns::{Field, Part, column_letters, field_at};
pub use error::{ErrorPlace, ExportError, ImportError, ImportErrorKind};
pub use oscal::{ItemKey, build, item_keys, system_namespace};
pub use read::ReadOptions;
pub use record::{Header, Item, SheetKind};
pub use values::{Answer, Milestone, MilestoneChange, RiskRating, format_date};

/// The column table, the cell codec and the workbook comparison, public for this crate's
/// integration tests and the conformance step of `cargo xtask` only: no part of the API.
#[doc(hidden)]
pub mod internals {
    pub use crate::cell::CellValue;
    pub use crate::columns::{COLUMNS, CellKind, Column, Since};
    pub use crate::compare::{Difference, SheetComparison, compare};
    pub use crate::record::{read_cell, write_cell};
    pub use crate::verbatim::is_bookkeeping;
}

use crate::cell::CellValue;
use crate::columns::COLUMNS;
use crate::record::{HeaderField, read_cell, read_header_cell};

/// Something in the workbook (or document) poam read but could not fully use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// A stable kebab-case code, e.g. `cell-not-understood`.
    pub code: &'static str,
    /// The cell concerned, when there is one.
    pub place: Option<CellRef>,
    /// What was not understood, and what poam did with it.
    pub message: String,
}

impl Warning {
    pub(crate) fn new(code: &'static str, place: Option<CellRef>, message: String) -> Self {
        Self {
            code,
            place,
            message,
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.place {
            Some(p) => write!(f, "{p}: {} [{}]", self.message, self.code),
            None => write!(f, "{} [{}]", self.message, self.code),
        }
    }
}

/// An imported workbook.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The OSCAL POA&M, shaped as the FedRAMP Guide says.
    pub document: Document,
    /// Every cell or sheet poam read but could not fully use (each kept as written).
    pub warnings: Vec<Warning>,
    /// Where each `poam-item` came from, in the same order as the document's `poam-items`
    /// (so that a finding on the OSCAL can name the cell a person edits).
    pub sources: Vec<ItemSource>,
}

/// The workbook row a `poam-item` was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemSource {
    /// The row's first cell (column A).
    pub row: CellRef,
    /// The cell of each known column in that row, by `columns::Field as usize`; `None`
    /// where the sheet lacks the column.
    pub cells: Vec<Option<CellRef>>,
}

impl ItemSource {
    /// The cell of `field` in this row, when the sheet has that column.
    pub fn cell(&self, field: columns::Field) -> Option<&CellRef> {
        self.cells.get(field as usize)?.as_ref()
    }
}

/// An exported workbook.
#[derive(Debug, Clone)]
pub struct Exported {
    /// The .xlsx file's bytes.
    pub bytes: Vec<u8>,
    /// What the workbook cannot show (a second risk on an item, unresolved references).
    pub warnings: Vec<Warning>,
}

/// Whether `bytes` start like an .xlsx (a zip archive).
pub fn looks_like_xlsx(bytes: &[u8]) -> bool {
    guard::is_zip(bytes)
}

/// Whether `bytes` start like an OLE compound file (an encrypted .xlsx or a legacy .xls).
pub fn looks_like_encrypted_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(guard::OLE_MAGIC)
}

/// Header values the template ships as instructions, not data.
fn is_placeholder(field: HeaderField, v: &CellValue) -> bool {
    let t = v.as_text();
    match field {
        HeaderField::Csp | HeaderField::SystemName => t == "Text",
        HeaderField::PoamDate => t == "Date",
        HeaderField::ImpactLevel => t == "Low, Moderate, High",
    }
}

/// Reads a workbook into an OSCAL POA&M. `source_name` names the file in errors.
pub fn import(
    bytes: &[u8],
    source_name: &str,
    options: &ReadOptions,
) -> Result<Imported, ImportError> {
    let fail = |p: error::Problem| p.in_file(source_name);
    guard::check(bytes, &guard::Limits::default()).map_err(fail)?;
    guard::check_xml_parts(bytes).map_err(fail)?;
    let mut warnings = Vec::new();
    let mut sheets = read::read_sheets(bytes, options, &mut warnings).map_err(fail)?;
    sheets.sort_by_key(|s| s.kind);
    refuse_nul(&sheets).map_err(fail)?;

    let (header, header_cells) = read_header_block(&sheets, &mut warnings);
    let rows = read_rows(&sheets, &mut warnings);
    if rows.items.is_empty() {
        // An empty POA&M is a real state (nothing open), but OSCAL requires at least one
        // poam-item and every OSCAL reader (poam's own too) refuses a POA&M without one:
        // refuse here too, rather than write what no reader takes back.
        return Err(ImportError::new(
            source_name,
            ErrorPlace::File,
            ImportErrorKind::NoItems(sheets.iter().map(|s| s.name.clone()).collect()),
        ));
    }
    let keys = oscal::item_keys(&rows.items, &rows.orders);
    for (k, p) in keys.iter().zip(&rows.places) {
        if k.is_repeated_poam_id() {
            warnings.push(Warning::new(
                "duplicate-poam-id",
                None,
                format!("{p}: the POAM ID is used by an earlier item too; this item's UUIDs are made from the ID and its order"),
            ));
        }
    }

    let mut document = oscal::build(&header, &rows.items, &keys);
    remember_cells(&mut document, &rows.originals, &header_cells);
    Ok(Imported {
        document,
        warnings,
        sources: rows.sources,
    })
}

/// The first cell read that holds NUL, as an error at that cell (see
/// [`ImportErrorKind::Nul`]): a workbook holds NUL, OSCAL does not.
fn refuse_nul(sheets: &[read::RawSheet]) -> Result<(), error::Problem> {
    let nul = |v: &Option<CellValue>| matches!(v, Some(CellValue::Text(t)) if t.contains('\0'));
    let at = |place: CellRef| error::Problem::new(ErrorPlace::Cell(place), ImportErrorKind::Nul);
    for sheet in sheets {
        for (_, place, value) in &sheet.header_cells {
            if nul(value) {
                return Err(at(place.clone()));
            }
        }
        for row in &sheet.rows {
            for c in &COLUMNS {
                if nul(&row.cells[c.field as usize])
                    && let Some(place) = sheet.cell_ref(row.row, c.field)
                {
                    return Err(at(place));
                }
            }
            for ((col, _), value) in sheet.extras.iter().zip(&row.extras) {
                if nul(value) {
                    return Err(at(CellRef::new(&sheet.name, row.row, *col)));
                }
            }
        }
    }
    Ok(())
}

/// The header block's cells as read, by [`HeaderField`].
type HeaderCells = [Option<CellValue>; 4];

/// The header block: the first sheet that fills a cell wins; the others should agree.
fn read_header_block(
    sheets: &[read::RawSheet],
    warnings: &mut Vec<Warning>,
) -> (Header, HeaderCells) {
    let mut header = Header::default();
    let mut header_cells: HeaderCells = Default::default();
    let mut header_seen: [Option<CellRef>; 4] = Default::default();
    for sheet in sheets {
        for (field, place, value) in &sheet.header_cells {
            let i = *field as usize;
            let Some(value) = value else { continue };
            if let Some(first) = &header_seen[i] {
                if !cell::cells_equal(header_cells[i].as_ref(), Some(value)) {
                    warnings.push(Warning::new(
                        "header-conflict",
                        Some(place.clone()),
                        format!(
                            "{} {value:?} differs from {first}; {first} is used",
                            field.label()
                        ),
                    ));
                }
                continue;
            }
            header_seen[i] = Some(place.clone());
            header_cells[i] = Some(value.clone());
            if is_placeholder(*field, value) {
                warnings.push(Warning::new(
                    "template-placeholder",
                    Some(place.clone()),
                    format!(
                        "{} still holds the template's placeholder {value}; kept as written",
                        field.label()
                    ),
                ));
                continue;
            }
            for c in read_header_cell(&mut header, *field, value) {
                warnings.push(Warning::new("cell-not-understood", Some(place.clone()), c));
            }
        }
    }
    (header, header_cells)
}

/// The item rows of every sheet, in order: the typed rows, where each came from, and the
/// cells as written (to remember what the canonical form would change).
struct Rows<'a> {
    items: Vec<Item>,
    /// `Sheet!row` of each item, for messages and for items with nothing else to key on.
    places: Vec<String>,
    /// Each item's sheet role and its number among that sheet's items (`Open POA&M Items/3`):
    /// the key of an item with nothing else to key on. Not its row: poam's own export puts
    /// the items on other rows than the workbook it read (the template's header block and
    /// hint rows), and the UUIDs must survive workbook -> OSCAL -> workbook.
    orders: Vec<String>,
    originals: Vec<&'a [Option<CellValue>]>,
    sources: Vec<ItemSource>,
}

/// The items, sheet by sheet.
fn read_rows<'a>(sheets: &'a [read::RawSheet], warnings: &mut Vec<Warning>) -> Rows<'a> {
    let n: usize = sheets.iter().map(|s| s.rows.len()).sum();
    let mut rows = Rows {
        items: Vec::with_capacity(n),
        places: Vec::with_capacity(n),
        orders: Vec::with_capacity(n),
        originals: Vec::with_capacity(n),
        sources: Vec::with_capacity(n),
    };
    for sheet in sheets {
        for (number, row) in sheet.rows.iter().enumerate() {
            let mut item = Item {
                sheet: sheet.kind,
                ..Item::default()
            };
            for c in &COLUMNS {
                let Some(v) = &row.cells[c.field as usize] else {
                    continue;
                };
                for complaint in read_cell(&mut item, c.field, v) {
                    warnings.push(Warning::new(
                        "cell-not-understood",
                        sheet.cell_ref(row.row, c.field),
                        complaint,
                    ));
                }
            }
            for ((_, header), v) in sheet.extras.iter().zip(&row.extras) {
                if let Some(v) = v {
                    item.extras.push((header.clone(), v.as_text().into_owned()));
                }
            }
            rows.places.push(format!("{}!{}", sheet.name, row.row + 1));
            rows.orders
                .push(format!("{}/{}", sheet.kind.name(), number + 1));
            rows.sources.push(ItemSource {
                row: CellRef::new(&sheet.name, row.row, 0),
                cells: COLUMNS
                    .iter()
                    .map(|c| sheet.cell_ref(row.row, c.field))
                    .collect(),
            });
            rows.originals.push(&row.cells);
            let place = sheet.cell_ref(row.row, columns::Field::PoamId);
            match item.poam_id.as_deref() {
                None | Some("") => warnings.push(Warning::new(
                    "missing-poam-id",
                    place.or_else(|| Some(CellRef::new(&sheet.name, row.row, 0))),
                    "the item has no POAM ID; its UUIDs are made from its order among the sheet's items and will change when items are added or removed above it".to_owned(),
                )),
                Some(_) => {}
            }
            if item.detection_date.is_none() {
                // OSCAL dates every finding: the document falls back on another date, which
                // would hide that the workbook gives none (aging, remediation times).
                warnings.push(Warning::new(
                    "no-detection-date",
                    sheet
                        .cell_ref(row.row, columns::Field::DetectionDate)
                        .or_else(|| Some(CellRef::new(&sheet.name, row.row, 0))),
                    "the item has no Original Detection Date; OSCAL needs one, so the finding is dated by the Status Date, else the POAM Date, else the workbook's latest date, and its age counts from that date".to_owned(),
                ));
            }
            rows.items.push(item);
        }
    }
    rows
}

/// Remembers every cell the OSCAL would not give back as it was written.
fn remember_cells(
    document: &mut Document,
    originals: &[&[Option<CellValue>]],
    header_cells: &HeaderCells,
) {
    let mut notes = Vec::new();
    let shown = extract::items(document, &mut notes);
    let poam = &mut document.plan_of_action_and_milestones;
    for ((pi, item), original) in poam.poam_items.iter_mut().zip(&shown).zip(originals) {
        for c in &COLUMNS {
            let canonical = record::write_cell(item, c.field);
            let orig = original[c.field as usize].as_ref();
            if !verbatim::same(canonical.as_ref(), orig, c.default_text) {
                verbatim::remember(&mut pi.props, c.key, canonical.as_ref(), orig);
            }
        }
    }
    let shown_header = extract::header(document);
    let metadata = &mut document.plan_of_action_and_milestones.metadata;
    for field in HeaderField::ALL {
        let canonical = record::write_header_cell(&shown_header, field);
        let orig = header_cells[field as usize].as_ref();
        if !verbatim::same(canonical.as_ref(), orig, "") {
            verbatim::remember(&mut metadata.props, field.key(), canonical.as_ref(), orig);
        }
    }
}

/// What a workbook of `doc` shows, as typed values: the header block and one row per
/// `poam-item`, in document order.
///
/// Where import remembered a cell (its text as written, in a bookkeeping prop) and the OSCAL still says what it said
/// then, the row holds what that cell says rather than what poam filled in for OSCAL: a
/// blank Original Detection Date stays blank although the observation needed a
/// `collected` date.
pub fn rows(doc: &Document) -> (Header, Vec<Item>) {
    let poam = &doc.plan_of_action_and_milestones;
    let header = shown_header(extract::header(doc), &poam.metadata.props);
    let items = extract::items(doc, &mut Vec::new())
        .into_iter()
        .zip(&poam.poam_items)
        .map(|(item, pi)| shown_item(item, &pi.props))
        .collect();
    (header, items)
}

/// `item` as its cells read once the cells remembered in `props` are applied.
fn shown_item(item: Item, props: &[poam_model::Property]) -> Item {
    if !props.iter().any(verbatim::is_bookkeeping) {
        return item;
    }
    let mut shown = Item {
        sheet: item.sheet,
        extras: item.extras.clone(),
        ..Item::default()
    };
    for c in &COLUMNS {
        if let Some(v) = verbatim::choose(props, c.key, record::write_cell(&item, c.field)) {
            read_cell(&mut shown, c.field, &v);
        }
    }
    shown
}

/// `header` as its cells read once the cells remembered in `props` are applied; the
/// template's placeholders read as blank, as on import.
fn shown_header(header: Header, props: &[poam_model::Property]) -> Header {
    if !props.iter().any(verbatim::is_bookkeeping) {
        return header;
    }
    let mut shown = Header::default();
    for field in HeaderField::ALL {
        let cell = verbatim::choose(
            props,
            field.key(),
            record::write_header_cell(&header, field),
        );
        if let Some(v) = cell.filter(|v| !is_placeholder(field, v)) {
            read_header_cell(&mut shown, field, &v);
        }
    }
    shown
}

/// The Record of Changes: the document's revision history, latest first as OSCAL keeps it
/// (date, title or remarks, version), or, without one, the document's own version.
fn record_of_changes(doc: &Document) -> Vec<write::Change> {
    let metadata = &doc.plan_of_action_and_milestones.metadata;
    let mut changes: Vec<write::Change> = metadata
        .revisions
        .iter()
        .map(|r| write::Change {
            date: r
                .published
                .as_ref()
                .or(r.last_modified.as_ref())
                .and_then(poam_model::datatypes::DateTimeWithTimezone::date),
            description: r
                .title
                .as_ref()
                .map(markup::line_text)
                .or_else(|| r.remarks.as_ref().map(markup::multiline_text))
                .unwrap_or_default(),
            version: r.version.clone(),
            author: String::new(),
        })
        .collect();
    if changes.is_empty() {
        changes.push(write::Change {
            date: metadata.last_modified.date(),
            description: markup::line_text(&metadata.title),
            version: metadata.version.clone(),
            author: String::new(),
        });
    }
    changes
}

/// Writes a document as a workbook in the 2024 template's look.
pub fn export(doc: &Document) -> Result<Exported, ExportError> {
    let mut notes = Vec::new();
    let items = extract::items(doc, &mut notes);
    let header = extract::header(doc);
    let poam = &doc.plan_of_action_and_milestones;
    let header_cells: [Option<CellValue>; 4] = HeaderField::ALL.map(|f| {
        verbatim::choose(
            &poam.metadata.props,
            f.key(),
            record::write_header_cell(&header, f),
        )
    });
    let sheet_of = |item: &Item| {
        SheetKind::ALL
            .iter()
            .position(|k| *k == item.sheet)
            .unwrap_or(0)
    };
    // Each sheet's unknown columns, in an order that holds every item's (see `unmapped`).
    let item_keys: Vec<Vec<unmapped::ColumnKey>> =
        items.iter().map(|i| unmapped::keys(&i.extras)).collect();
    let extra_columns: [Vec<unmapped::ColumnKey>; 3] = std::array::from_fn(|s| {
        let on_sheet: Vec<_> = items
            .iter()
            .zip(&item_keys)
            .filter(|(item, _)| sheet_of(item) == s)
            .map(|(_, keys)| keys.clone())
            .collect();
        unmapped::column_order(&on_sheet)
    });
    let extra_index: [std::collections::HashMap<&unmapped::ColumnKey, usize>; 3] =
        std::array::from_fn(|s| {
            extra_columns[s]
                .iter()
                .enumerate()
                .map(|(i, k)| (k, i))
                .collect()
        });
    let extra_headers: [Vec<String>; 3] =
        std::array::from_fn(|s| extra_columns[s].iter().map(|(h, _)| h.clone()).collect());
    let mut sheets: [Vec<write::Row>; 3] = Default::default();
    for ((item, pi), keys) in items.iter().zip(&poam.poam_items).zip(&item_keys) {
        let s = sheet_of(item);
        let cells = COLUMNS
            .iter()
            .map(|c| verbatim::choose(&pi.props, c.key, record::write_cell(item, c.field)))
            .collect();
        let mut extras = vec![None; extra_headers[s].len()];
        for ((_, text), key) in item.extras.iter().zip(keys) {
            if let Some(&i) = extra_index[s].get(key) {
                extras[i] = CellValue::text(text);
            }
        }
        sheets[s].push(write::Row { cells, extras });
    }
    let created = header
        .poam_date
        .or_else(|| chrono::NaiveDate::from_ymd_opt(2000, 1, 1))
        .unwrap_or_default();
    let changes = record_of_changes(doc);
    let bytes = write::write_book(&write::Book {
        header: &header_cells,
        sheets: &sheets,
        extra_headers: &extra_headers,
        created,
        changes: &changes,
    })?;
    Ok(Exported {
        bytes,
        warnings: notes
            .into_iter()
            .map(|n| Warning::new("not-shown", None, n))
            .collect(),
    })
}
