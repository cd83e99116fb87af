//! Reading the item sheets of a workbook with calamine: find the header row by its text,
//! map columns by header, skip description, format-hint, example and blank rows, and read
//! the header block above.

use std::io::Cursor;

use calamine::{Cell, Data, DataRef, Range, Reader, Xlsx, XlsxError};

use crate::Warning;
use crate::cell::{CellRef, CellValue};
use crate::columns::{CellKind, Field, column, field_for_header, normalize_header};
use crate::error::{ErrorPlace, ImportErrorKind, Problem};
use crate::record::{HeaderField, SheetKind};
use crate::values::{date_from_serial, find_dates};

/// How far down a sheet the header row is looked for (rows that hold something).
const HEADER_SEARCH_ROWS: usize = 50;
/// The most cells a sheet's table may span once empty rows and columns are left out:
/// every row Excel allows (1,048,576) at the template's 31 columns and one more. calamine
/// keeps a sheet as one dense rectangle, so values on a diagonal would otherwise ask for
/// billions of cells. The writer refuses a sheet beyond the same limit, so that every
/// workbook poam writes, it reads.
pub(crate) const MAX_TABLE_CELLS: usize = 1_048_576 * 32;

/// Whether a table of `rows` by `columns` (the rows and columns that hold something) is
/// one poam reads, and so one it may write.
pub(crate) fn table_fits(rows: usize, columns: usize) -> bool {
    rows.saturating_mul(columns) <= MAX_TABLE_CELLS
}

/// One item sheet, read.
#[derive(Debug, Clone)]
pub(crate) struct RawSheet {
    pub kind: SheetKind,
    /// The sheet's name as written in the workbook.
    pub name: String,
    /// Where each known column is (zero-based column index), by field.
    pub columns: Vec<Option<u32>>,
    /// Unknown columns: (column index, header text).
    pub extras: Vec<(u32, String)>,
    /// The header-block value cells found above the header row.
    pub header_cells: Vec<(HeaderField, CellRef, Option<CellValue>)>,
    pub rows: Vec<RawRow>,
}

/// One data row: cells by field, and the unknown columns' cells in `extras` order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RawRow {
    /// Zero-based row index in the sheet.
    pub row: u32,
    pub cells: Vec<Option<CellValue>>,
    pub extras: Vec<Option<CellValue>>,
}

impl RawSheet {
    /// The place of a field's cell in row `row`.
    pub(crate) fn cell_ref(&self, row: u32, field: Field) -> Option<CellRef> {
        self.columns[field as usize].map(|c| CellRef::new(&self.name, row, c))
    }
}

/// Options for reading a workbook.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Import rows recognised as the template's example row (`V-1Example`) as items instead
    /// of skipping them; the conformance run uses this to test the templates' example rows.
    pub keep_example_rows: bool,
}

/// The item sheets of a workbook, in workbook order.
pub(crate) fn read_sheets(
    bytes: &[u8],
    options: &ReadOptions,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<RawSheet>, Problem> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| {
        Problem::new(
            ErrorPlace::part(workbook_part_of(&e)),
            ImportErrorKind::Unreadable(calamine_words(&e)),
        )
    })?;
    let names = book.sheet_names();
    let mut sheets = Vec::new();
    let mut seen = Vec::new();
    let mut others = Vec::new();
    for name in &names {
        let Some(kind) = SheetKind::from_name(name) else {
            others.push(name);
            continue;
        };
        if seen.contains(&kind) {
            warnings.push(Warning::new(
                "duplicate-sheet",
                None,
                format!(
                    "sheet {name:?} is a second {:?} sheet; it was not read",
                    kind.name()
                ),
            ));
            continue;
        }
        seen.push(kind);
        let table = table_of(&mut book, name)?;
        if let Some(sheet) = read_sheet(kind, name, &table, options, warnings)? {
            warnings.extend(table.notes);
            sheets.push(sheet);
        }
    }
    // A sheet of another name with the POA&M column headers (a renamed or copied item
    // sheet: "Open POA&M Items (2)", "Sheet1") is read in the role its name suggests, or
    // named in a warning; never skipped in silence.
    for name in others {
        let table = table_of(&mut book, name)?;
        if find_header(&table).is_none() {
            continue;
        }
        let kind = role_of(name);
        if seen.contains(&kind) {
            warnings.push(Warning::new(
                "duplicate-sheet",
                None,
                format!(
                    "sheet {name:?} has the POA&M column headers, but the workbook already has its {:?} sheet; it was not read",
                    kind.name()
                ),
            ));
            continue;
        }
        seen.push(kind);
        warnings.push(Warning::new(
            "sheet-role",
            None,
            format!(
                "sheet {name:?} has the POA&M column headers; it was read as the {:?} sheet",
                kind.name()
            ),
        ));
        if let Some(sheet) = read_sheet(kind, name, &table, options, warnings)? {
            warnings.extend(table.notes);
            sheets.push(sheet);
        }
    }
    if sheets.is_empty() && seen.is_empty() {
        return Err(Problem::new(
            ErrorPlace::part("xl/workbook.xml"),
            ImportErrorKind::NoPoamSheet(names),
        ));
    }
    Ok(sheets)
}

/// The role of an item sheet whose name is not one of the template's: closed or
/// configuration findings when its name says so, else open.
fn role_of(name: &str) -> SheetKind {
    let n = crate::columns::normalize_header(name);
    if n.contains("closed") {
        SheetKind::Closed
    } else if n.contains("config") {
        SheetKind::ConfigurationFindings
    } else {
        SheetKind::Open
    }
}

/// A non-empty cell as the sheet gives it: (row, column), zero-based, and its value.
type SheetCell = ((u32, u32), Data);

/// A sheet's non-empty cells as a dense table without the rows and columns that hold
/// nothing, and where each table row and column is in the sheet.
struct Table {
    range: Range<Data>,
    /// The sheet row (zero-based) of each table row, ascending.
    rows: Vec<u32>,
    /// The sheet column (zero-based) of each table column, ascending.
    cols: Vec<u32>,
    /// What reading the cells found to tell (formulas, cells given twice), for the warnings
    /// of a sheet that is read.
    notes: Vec<Warning>,
}

impl Table {
    /// The table row of sheet row `row`, when that row holds something.
    fn row_of(&self, row: u32) -> Option<usize> {
        self.rows.binary_search(&row).ok()
    }
}

/// Reads a sheet's cells one by one (never calamine's dense range of the whole used area)
/// and packs them into a [`Table`].
fn table_of(book: &mut Xlsx<Cursor<&[u8]>>, name: &str) -> Result<Table, Problem> {
    let mut notes = Vec::new();
    let mut cells = sheet_cells(book, name, &mut notes)?;
    keep_last_of_duplicates(&mut cells, name, &mut notes);
    let mut rows: Vec<u32> = cells.iter().map(|((r, _), _)| *r).collect();
    let mut cols: Vec<u32> = cells.iter().map(|((_, c), _)| *c).collect();
    rows.sort_unstable();
    rows.dedup();
    cols.sort_unstable();
    cols.dedup();
    if !table_fits(rows.len(), cols.len()) {
        let last = cells.iter().map(|(p, _)| *p).max().unwrap_or_default();
        return Err(Problem::new(
            ErrorPlace::sheet(name),
            ImportErrorKind::TableTooLarge(format!(
                "values in {} rows and {} columns, a table of more than {MAX_TABLE_CELLS} cells (its last value is at {})",
                rows.len(),
                cols.len(),
                CellRef::new(name, last.0, last.1)
            )),
        ));
    }
    let packed = cells
        .into_iter()
        .filter_map(|((r, c), v)| {
            let r = u32::try_from(rows.binary_search(&r).ok()?).ok()?;
            let c = u32::try_from(cols.binary_search(&c).ok()?).ok()?;
            Some(Cell::new((r, c), v))
        })
        .collect();
    Ok(Table {
        range: Range::from_sparse(packed),
        rows,
        cols,
        notes,
    })
}

/// A sheet's non-empty cells in the order the sheet gives them. A formula cell is read as
/// its last computed value (poam does not compute formulas), and told in `notes`.
fn sheet_cells(
    book: &mut Xlsx<Cursor<&[u8]>>,
    name: &str,
    notes: &mut Vec<Warning>,
) -> Result<Vec<SheetCell>, Problem> {
    let mut cells: Vec<SheetCell> = Vec::new();
    // Where the error is: after the last cell read, or the sheet.
    let unreadable = |e: &XlsxError, cells: &[SheetCell]| {
        let place = match cells.last() {
            Some(((r, c), _)) => ErrorPlace::AfterCell(CellRef::new(name, *r, *c)),
            None => ErrorPlace::sheet(name),
        };
        Problem::new(place, ImportErrorKind::Unreadable(calamine_words(e)))
    };
    let mut reader = match book.worksheet_cells_reader(name) {
        // A chart sheet under an item sheet's name holds no items.
        Err(XlsxError::NotAWorksheet(_)) => return Ok(cells),
        Err(e) => return Err(unreadable(&e, &cells)),
        Ok(reader) => reader,
    };
    loop {
        let record = match reader.next_cell_with_formula_metadata() {
            Ok(Some(record)) => record,
            Ok(None) => break,
            Err(e) => return Err(unreadable(&e, &cells)),
        };
        let empty = matches!(record.value, DataRef::Empty);
        if record.formula.is_some() {
            let place = CellRef::new(name, record.pos.0, record.pos.1);
            let message = if empty {
                "the cell holds a formula without a computed value; poam does not compute formulas, so nothing was imported from it".to_owned()
            } else {
                let value = cell_value(&Data::from(record.value.clone()), CellKind::Text)
                    .map(|v| v.as_text().into_owned())
                    .unwrap_or_default();
                format!(
                    "the cell holds a formula; its last computed value {value:?} was imported, not the formula"
                )
            };
            notes.push(Warning::new("formula-cell", Some(place), message));
        }
        if empty {
            continue;
        }
        cells.push((record.pos, Data::from(record.value)));
    }
    Ok(cells)
}

/// A cell the sheet gives twice (hand-made or damaged XML): the last one given is kept, as
/// Excel's readers do, and the warning names the cell and the value not kept.
fn keep_last_of_duplicates(cells: &mut Vec<SheetCell>, name: &str, notes: &mut Vec<Warning>) {
    // Sheets list their cells in order; only a sheet that does not needs the full check.
    if cells.windows(2).all(|w| w[0].0 < w[1].0) {
        return;
    }
    // Stable: the cells of one place stay in the order given.
    cells.sort_by_key(|(pos, _)| *pos);
    let mut kept: Vec<SheetCell> = Vec::with_capacity(cells.len());
    for (pos, value) in cells.drain(..) {
        if let Some((last_pos, last_value)) = kept.last_mut()
            && *last_pos == pos
        {
            let shown = |d: &Data| {
                cell_value(d, CellKind::Text)
                    .map(|v| v.as_text().into_owned())
                    .unwrap_or_default()
            };
            notes.push(Warning::new(
                "duplicate-cell",
                Some(CellRef::new(name, pos.0, pos.1)),
                format!(
                    "the sheet gives this cell twice; the later value {:?} was kept, the earlier {:?} was not",
                    shown(&value),
                    shown(last_value)
                ),
            ));
            *last_value = value;
            continue;
        }
        kept.push((pos, value));
    }
    *cells = kept;
}

/// The part of the workbook (read when it is opened) that a calamine error comes from, as
/// near as the error tells: a missing part names itself, a missing relationship is in the
/// workbook's relationships, a number that is not one is in the styles (where number
/// formats are), and the rest is in the workbook part. (Malformed XML in any part is caught
/// before, with its part and byte, by [`crate::guard::check_xml_parts`].)
fn workbook_part_of(e: &XlsxError) -> &str {
    match e {
        XlsxError::FileNotFound(part) => part,
        XlsxError::RelationshipNotFound => "xl/_rels/workbook.xml.rels",
        XlsxError::Unexpected(what) if what.contains("shared string") => "xl/sharedStrings.xml",
        XlsxError::Parse(_) | XlsxError::ParseFloat(_) | XlsxError::ParseInt(_) => "xl/styles.xml",
        _ => "xl/workbook.xml",
    }
}

/// A calamine error in poam's words: what is wrong, never the library's text or type names.
fn calamine_words(e: &XlsxError) -> String {
    use XlsxError as X;
    match e {
        X::Zip(z) => crate::guard::zip_words(z),
        X::Io(_) => "a part cannot be decompressed (the zip archive is damaged)".to_owned(),
        X::Xml(_) | X::XmlAttr(_) | X::XmlEof(_) | X::UnexpectedNode(_) | X::Encoding(_) => {
            "the XML is malformed".to_owned()
        }
        X::Parse(_) | X::ParseFloat(_) | X::ParseInt(_) => {
            "a cell holds a number that is not one".to_owned()
        }
        X::FileNotFound(part) => format!("the part {part} is missing"),
        X::RelationshipNotFound => "a relationship the workbook names is missing".to_owned(),
        X::Alphanumeric(_)
        | X::NumericColumn(_)
        | X::RangeWithoutColumnComponent
        | X::RangeWithoutRowComponent
        | X::DimensionCount(_) => "a cell reference is not of the form A1".to_owned(),
        X::ColumnNumberOverflow | X::RowNumberOverflow => {
            "a cell reference lies beyond Excel's last row or column".to_owned()
        }
        X::CellTAttribute(t) => format!("a cell has the unknown type {t:?}"),
        X::CellError(v) => format!("a cell holds the unknown error {v:?}"),
        X::Password => "the workbook is password-protected".to_owned(),
        X::Unexpected(what) if what.contains("shared string") => {
            "a cell refers to a shared string the workbook does not have".to_owned()
        }
        X::Unrecognized { typ, val } => format!("an unknown {typ} {val:?}"),
        _ => "the workbook's structure is not one poam reads".to_owned(),
    }
}

/// A cell's value in the normal form poam compares and stores. `kind` is the column's kind:
/// numbers in date columns are Excel serial dates.
pub(crate) fn cell_value(data: &Data, kind: CellKind) -> Option<CellValue> {
    match data {
        Data::Empty => None,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
            let v = CellValue::text(s)?;
            Some(v)
        }
        Data::Int(i) => {
            if kind == CellKind::Date
                && let Some(d) = i32::try_from(*i)
                    .ok()
                    .and_then(|i| date_from_serial(f64::from(i)))
            {
                return Some(CellValue::Date(d));
            }
            CellValue::text(&i.to_string())
        }
        Data::Float(f) => {
            if kind == CellKind::Date
                && let Some(d) = date_from_serial(*f)
            {
                return Some(CellValue::Date(d));
            }
            CellValue::text(&format_number(*f))
        }
        Data::DateTime(dt) => {
            if dt.is_datetime()
                && date_from_serial(dt.as_f64()).is_some()
                && let Some(d) = excel_date(dt)
            {
                return Some(CellValue::Date(d));
            }
            CellValue::text(&format_number(dt.as_f64()))
        }
        Data::Bool(b) => CellValue::text(if *b { "TRUE" } else { "FALSE" }),
        Data::Error(e) => CellValue::text(&e.to_string()),
    }
}

/// The calendar date of a date cell, in the workbook's date system (1900, or the 1904 system
/// of old Mac workbooks, which calamine tells with the value).
fn excel_date(dt: &calamine::ExcelDateTime) -> Option<chrono::NaiveDate> {
    let (y, m, d, ..) = dt.to_ymd_hms_milli();
    chrono::NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d))
}

/// A number as Excel shows it in a General cell: integers without a decimal point.
// The cast is of an integral value below 1e15, which `i64` holds exactly.
#[allow(clippy::cast_possible_truncation)]
pub(crate) fn format_number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

fn text_at(range: &Range<Data>, row: usize, col: usize) -> Option<String> {
    match range.get((row, col))? {
        Data::String(s) if s.trim().is_empty() => None,
        Data::String(s) => Some(s.clone()),
        Data::Empty => None,
        other => cell_value(other, CellKind::Text).map(|c| c.as_text().into_owned()),
    }
}

/// The header row: the first row (of the first [`HEADER_SEARCH_ROWS`] that hold something)
/// with a POAM ID header and at least two more known ones.
fn find_header(table: &Table) -> Option<usize> {
    let range = &table.range;
    let (height, width) = range.get_size();
    (0..height.min(HEADER_SEARCH_ROWS)).find(|&r| {
        let fields: Vec<Field> = (0..width)
            .filter_map(|c| text_at(range, r, c).and_then(|t| field_for_header(&t)))
            .collect();
        fields.contains(&Field::PoamId) && fields.len() >= 3
    })
}

fn read_sheet(
    kind: SheetKind,
    name: &str,
    table: &Table,
    options: &ReadOptions,
    warnings: &mut Vec<Warning>,
) -> Result<Option<RawSheet>, Problem> {
    let range = &table.range;
    let height = range.height();
    if range.used_cells().next().is_none() {
        warnings.push(Warning::new(
            "empty-sheet",
            None,
            format!("sheet {name:?} is empty"),
        ));
        return Ok(None);
    }
    let Some(header) = find_header(table) else {
        return Err(Problem::new(
            ErrorPlace::sheet(name),
            ImportErrorKind::NoHeaderRow(name.to_owned()),
        ));
    };

    let ColumnMap {
        columns,
        extras,
        by_position,
    } = map_columns(table, header, name, warnings);
    let header_cells = read_header_block(table, header, name);

    let mut rows = Vec::new();
    let mut preamble = true;
    for r in header + 1..height {
        let Some(row) = read_row(table, r, &by_position, extras.len(), name, warnings) else {
            continue;
        };
        if preamble {
            match preamble_kind(&row) {
                Some(Preamble::Description | Preamble::Hint) => continue,
                Some(Preamble::Example) if !options.keep_example_rows => {
                    warnings.push(Warning::new(
                        "example-row-skipped",
                        columns[Field::PoamId as usize].map(|c| CellRef::new(name, row.row, c)),
                        "this is the template's example row; it was not imported".to_owned(),
                    ));
                    continue;
                }
                _ => preamble = false,
            }
        }
        rows.push(row);
    }
    Ok(Some(RawSheet {
        kind,
        name: name.to_owned(),
        columns,
        extras,
        header_cells,
        rows,
    }))
}

/// Where a sheet's columns are: each known field's column, the unknown columns kept (column
/// index, header text), and for each used position of the table, its field (`None` for an
/// unknown column, read into `extras`).
struct ColumnMap {
    columns: Vec<Option<u32>>,
    extras: Vec<(u32, String)>,
    by_position: Vec<(usize, Option<Field>)>,
}

/// Maps the header row's texts to fields; a header not known, repeated or missing over data
/// is an unknown column whose values are kept.
fn map_columns(table: &Table, header: usize, name: &str, warnings: &mut Vec<Warning>) -> ColumnMap {
    let range = &table.range;
    let (height, width) = range.get_size();
    let abs_row = |r: usize| table.rows[r];
    let abs_col = |c: usize| table.cols[c];
    let mut columns: Vec<Option<u32>> = vec![None; crate::columns::COLUMNS.len()];
    let mut extras = Vec::new();
    let mut by_position: Vec<(usize, Option<Field>)> = Vec::new();
    for c in 0..width {
        let Some(text) = text_at(range, header, c) else {
            // A column without a header that holds data is still kept.
            let used = (header + 1..height).any(|r| {
                range
                    .get((r, c))
                    .is_some_and(|d| cell_value(d, CellKind::Text).is_some())
            });
            if used {
                let label = format!("Column {}", crate::columns::column_letters(abs_col(c)));
                warnings.push(Warning::new(
                    "unknown-column",
                    Some(CellRef::new(name, abs_row(header), abs_col(c))),
                    format!(
                        "a column without a header holds data; its values are kept as {label:?}"
                    ),
                ));
                extras.push((abs_col(c), label));
                by_position.push((c, None));
            }
            continue;
        };
        match field_for_header(&text) {
            Some(f) if columns[f as usize].is_none() => {
                columns[f as usize] = Some(abs_col(c));
                by_position.push((c, Some(f)));
            }
            known => {
                let header_text = crate::cell::normalize_text(&text).replace('\n', " ");
                let why = if known.is_some() {
                    "repeats a column already read"
                } else {
                    "is not a FedRAMP POA&M column"
                };
                warnings.push(Warning::new(
                    "unknown-column",
                    Some(CellRef::new(name, abs_row(header), abs_col(c))),
                    format!("header {header_text:?} {why}; its values are kept on each item (prop unmapped-column)"),
                ));
                extras.push((abs_col(c), header_text));
                by_position.push((c, None));
            }
        }
    }
    ColumnMap {
        columns,
        extras,
        by_position,
    }
}

/// One data row of the table, or `None` when it is empty.
fn read_row(
    table: &Table,
    r: usize,
    by_position: &[(usize, Option<Field>)],
    extras: usize,
    name: &str,
    warnings: &mut Vec<Warning>,
) -> Option<RawRow> {
    let range = &table.range;
    let abs_row = |r: usize| table.rows[r];
    let abs_col = |c: usize| table.cols[c];
    let mut cells: Vec<Option<CellValue>> = vec![None; crate::columns::COLUMNS.len()];
    let mut extra_cells: Vec<Option<CellValue>> = Vec::with_capacity(extras);
    let mut any = false;
    for &(c, field) in by_position {
        let data = range.get((r, c)).unwrap_or(&Data::Empty);
        let kind = field.map_or(CellKind::Text, |f| column(f).kind);
        let v = cell_value(data, kind);
        any |= v.is_some();
        if let Data::Error(e) = data {
            warnings.push(Warning::new(
                "cell-error",
                Some(CellRef::new(name, abs_row(r), abs_col(c))),
                format!("the cell holds the error {e}; kept as text"),
            ));
        }
        match field {
            Some(f) => cells[f as usize] = v,
            None => extra_cells.push(v),
        }
    }
    any.then(|| RawRow {
        row: abs_row(r),
        cells,
        extras: extra_cells,
    })
}

enum Preamble {
    Description,
    Hint,
    Example,
}

/// Format hints the template (and poam's export) writes under the headers.
const HINT_WORDS: &[&str] = &[
    "text",
    "date",
    "identifier",
    "uniqueidentifier",
    "controlnumber",
    "productname",
    "yesno",
    "yesnopending",
    "lowmoderatehigh",
    "lowmoderatehighna",
];

/// Whether a row between the header and the first item is a description row, a format
/// hint row or the template's example row; told by content, not by row number.
fn preamble_kind(row: &RawRow) -> Option<Preamble> {
    let texts: Vec<&str> = row
        .cells
        .iter()
        .chain(&row.extras)
        .filter_map(|c| match c {
            Some(CellValue::Text(t)) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    let hints = texts
        .iter()
        .filter(|t| HINT_WORDS.contains(&normalize_header(t).as_str()))
        .count();
    if hints >= 3 {
        return Some(Preamble::Hint);
    }
    let words = |t: &str| t.split_whitespace().count();
    let id_words = match &row.cells[Field::PoamId as usize] {
        Some(CellValue::Text(t)) => words(t),
        _ => 0,
    };
    let dated = crate::columns::COLUMNS
        .iter()
        .filter(|c| c.kind == CellKind::Date)
        .any(|c| match &row.cells[c.field as usize] {
            Some(CellValue::Date(_)) => true,
            Some(CellValue::Text(t)) => !find_dates(t).is_empty(),
            None => false,
        });
    let sentences = texts.iter().filter(|t| words(t) >= 4).count();
    if id_words >= 3 && sentences >= 3 && !dated {
        return Some(Preamble::Description);
    }
    if let Some(CellValue::Text(id)) = &row.cells[Field::PoamId as usize]
        && id.to_ascii_lowercase().contains("example")
    {
        return Some(Preamble::Example);
    }
    None
}

/// The header block: a row of labels (`CSP`, `System Name`, `Impact Level`, `POAM Date`)
/// above the header row, each value in the cell below its label. The 2023 template left
/// the CSP label blank; a blank first label next to `System Name` is taken as the CSP.
fn read_header_block(
    table: &Table,
    header: usize,
    name: &str,
) -> Vec<(HeaderField, CellRef, Option<CellValue>)> {
    let range = &table.range;
    let width = range.width();
    let header_row = table.rows[header];
    // Label rows whose value row (the sheet row below) is still above the header row.
    for r in (0..header).filter(|&r| table.rows[r] + 1 < header_row) {
        let labels: Vec<(usize, HeaderField)> = (0..width)
            .filter_map(|c| {
                text_at(range, r, c)
                    .and_then(|t| HeaderField::from_label(&t))
                    .map(|f| (c, f))
            })
            .collect();
        if labels.len() < 2 {
            continue;
        }
        let mut found = labels;
        let has_csp = found.iter().any(|(_, f)| *f == HeaderField::Csp);
        if !has_csp
            && let Some(&(c, _)) = found.iter().find(|(_, f)| *f == HeaderField::SystemName)
            && c > 0
            && table.cols[c - 1] + 1 == table.cols[c]
            && text_at(range, r, c - 1).is_none_or(|t| t.trim().is_empty())
        {
            found.push((c - 1, HeaderField::Csp));
        }
        let mut out = Vec::new();
        for (c, f) in found {
            if out.iter().any(|(g, _, _)| *g == f) {
                continue;
            }
            let kind = if f == HeaderField::PoamDate {
                CellKind::Date
            } else {
                CellKind::Text
            };
            let below = table.rows[r] + 1;
            let value = table
                .row_of(below)
                .and_then(|v| range.get((v, c)))
                .and_then(|d| cell_value(d, kind));
            out.push((f, CellRef::new(name, below, table.cols[c]), value));
        }
        return out;
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use calamine::{ExcelDateTime, ExcelDateTimeType};
    use chrono::NaiveDate;

    use super::*;

    fn date(serial: f64, is_1904: bool) -> Option<CellValue> {
        let dt = ExcelDateTime::new(serial, ExcelDateTimeType::DateTime, is_1904);
        cell_value(&Data::DateTime(dt), CellKind::Date)
    }

    #[test]
    fn what_the_writer_writes_fits_the_reader() {
        // A 197,000-item export: the Open sheet's header block, headers, description and
        // hint rows, then the items, over the template's 31 columns.
        assert!(table_fits(197_000 + 7, 31));
        // Every row Excel has, at the template's columns.
        assert!(table_fits(1_048_576, 31));
        // Values on a diagonal of 6,000 rows and columns: 36 million cells.
        assert!(!table_fits(6_000, 6_000));
    }

    #[test]
    fn date_cells_in_both_date_systems() {
        let june_12 = NaiveDate::from_ymd_opt(2024, 6, 12).map(CellValue::Date);
        assert_eq!(date(45455.0, false), june_12);
        assert_eq!(date(45455.75, false), june_12);
        // The 1904 system counts 1,462 days fewer.
        assert_eq!(date(45455.0 - 1462.0, true), june_12);
        // Excel's phantom 1900-02-29 is not a date; its number is kept.
        assert_eq!(date(60.0, false), CellValue::text("60"));
    }
}
