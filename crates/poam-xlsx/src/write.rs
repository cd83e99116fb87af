//! Writing the workbook with rust_xlsxwriter, in the look of the 2024 FedRAMP template:
//! the three item sheets, each with the header block (rows 1–3), the column headers (row 5),
//! frozen panes below them, column widths, wrapped text, real dates, and the template's
//! dropdown lists. The Open sheet also has a description row and a format-hint row, in
//! poam's own words.
//!
//! Text is always written with `write_string`, which stores a shared string and never a
//! formula: a cell holding `=HYPERLINK(...)`, `+1`, `-x` or `@SUM` stays that text.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationRule, DocProperties, ExcelDateTime, Format, FormatAlign,
    FormatBorder, Workbook, Worksheet,
};

use crate::cell::{CellRef, CellValue};
use crate::columns::{COLUMNS, CellKind, Field};
use crate::error::ExportError;
use crate::record::{HeaderField, SheetKind};

/// The template's title, on A1 of the Open sheet (with the registered-trademark sign, as
/// the template has it there).
pub(crate) const TITLE: &str = "FedRAMP\u{ae} Plan of Action and Milestones (POA&M) Template";
/// The title of the Closed and Configuration Findings sheets, which the template writes
/// without the sign.
pub(crate) const TITLE_PLAIN: &str = "FedRAMP Plan of Action and Milestones (POA&M) Template";
/// Zero-based index of the header row (row 5).
pub(crate) const HEADER_ROW: u32 = 4;
/// Data validations cover at least this many rows below the header, so that rows people
/// add get the dropdowns too.
const VALIDATED_ROWS: u32 = 1000;
/// Excel's limit on the characters in one cell, counted in UTF-16 code units.
const MAX_CELL_CHARS: usize = 32_767;

const BLUE: u32 = 0x1A4480;
const LIGHT_BLUE: u32 = 0xCCECFC;
const LIGHT_GREY: u32 = 0xF2F2F2;
const BORDER_GREY: u32 = 0xD8D8D8;
const TEXT_GREY: u32 = 0x444444;
const FONT: &str = "Arial";

/// One row of an item sheet, ready to write: cells by field, then the extra columns.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Row {
    pub cells: Vec<Option<CellValue>>,
    pub extras: Vec<Option<CellValue>>,
}

/// What to write.
pub(crate) struct Book<'a> {
    /// The header block values, in [`HeaderField::ALL`] order.
    pub header: &'a [Option<CellValue>; 4],
    /// Rows of each sheet, in [`SheetKind::ALL`] order.
    pub sheets: &'a [Vec<Row>; 3],
    /// Headers of each sheet's extra (unknown) columns, written after the known ones, in
    /// [`SheetKind::ALL`] order: a sheet gets only the columns its items have.
    pub extra_headers: &'a [Vec<String>; 3],
    /// The workbook's creation date (document properties), so that output is reproducible.
    pub created: NaiveDate,
    /// The rows of the Record of Changes sheet: the document's revision history.
    pub changes: &'a [Change],
}

/// One row of the Record of Changes sheet.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Change {
    pub date: Option<NaiveDate>,
    pub description: String,
    pub version: String,
    pub author: String,
}

/// The name of the template's fourth sheet, the record of the workbook's changes.
pub(crate) const RECORD_OF_CHANGES: &str = "Record of Changes";

struct Formats {
    title: Format,
    label: Format,
    value: Format,
    value_date: Format,
    header: Format,
    description: Format,
    hint: Format,
    text: Format,
    date: Format,
}

impl Formats {
    fn new() -> Self {
        let base = Format::new().set_font_name(FONT).set_font_size(10);
        let boxed = |f: Format| {
            f.set_border(FormatBorder::Thin)
                .set_border_color(Color::RGB(BORDER_GREY))
        };
        let value = boxed(
            base.clone()
                .set_font_color(Color::RGB(TEXT_GREY))
                .set_background_color(Color::RGB(LIGHT_GREY))
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::Top),
        );
        let text = base.clone().set_text_wrap().set_align(FormatAlign::Top);
        Self {
            title: base
                .clone()
                .set_bold()
                .set_font_size(18)
                .set_font_color(Color::RGB(BLUE)),
            label: boxed(
                base.clone()
                    .set_bold()
                    .set_font_color(Color::RGB(BLUE))
                    .set_background_color(Color::RGB(LIGHT_BLUE))
                    .set_align(FormatAlign::Center)
                    .set_align(FormatAlign::Top),
            ),
            value_date: value.clone().set_num_format_index(14),
            value,
            header: base
                .clone()
                .set_bold()
                .set_font_color(Color::RGB(BLUE))
                .set_background_color(Color::RGB(LIGHT_BLUE))
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            description: text.clone().set_font_color(Color::RGB(TEXT_GREY)),
            hint: text
                .clone()
                .set_italic()
                .set_font_color(Color::RGB(TEXT_GREY)),
            date: text.clone().set_num_format_index(14),
            text,
        }
    }
}

fn excel_date(d: NaiveDate) -> Option<ExcelDateTime> {
    let year = u16::try_from(d.year()).ok()?;
    let (month, day) = (u8::try_from(d.month()).ok()?, u8::try_from(d.day()).ok()?);
    ExcelDateTime::from_ymd(year, month, day).ok()
}

/// Sheet column `i`. The column table and the columns a document keeps are far fewer than
/// Excel's 16,384; past `u16` the index saturates, so the writer refuses it rather than wrap.
fn column(i: usize) -> u16 {
    u16::try_from(i).unwrap_or(u16::MAX)
}

/// Sheet row `first + i` (the row count is checked against Excel's limit before any is
/// written; past `u32` it saturates, never wraps).
fn row_after(first: u32, i: usize) -> u32 {
    u32::try_from(i).map_or(u32::MAX, |i| first.saturating_add(i))
}

/// An integer as people type it in a General cell (no sign, no leading zero, at most 15
/// digits, so that Excel keeps it exactly).
fn plain_integer(t: &str) -> Option<f64> {
    let ok = !t.is_empty()
        && t.len() <= 15
        && t.bytes().all(|c| c.is_ascii_digit())
        && (t == "0" || !t.starts_with('0'));
    ok.then(|| t.parse().ok()).flatten()
}

/// Where a cell goes and how it looks.
struct Target<'a> {
    sheet: &'a str,
    row: u32,
    col: u16,
    text: &'a Format,
    date: &'a Format,
    /// Whether plain integers are written as numbers (the scanner identifier column).
    numeric: bool,
}

fn write_cell(ws: &mut Worksheet, at: &Target<'_>, value: &CellValue) -> Result<(), ExportError> {
    let (row, col, text_format, date_format) = (at.row, at.col, at.text, at.date);
    match value {
        CellValue::Date(d) => match excel_date(*d) {
            Some(dt) => {
                ws.write_datetime_with_format(row, col, &dt, date_format)?;
            }
            None => {
                ws.write_string_with_format(row, col, value.as_text(), text_format)?;
            }
        },
        CellValue::Text(t) => {
            if t.contains('\0') {
                return Err(ExportError::Nul {
                    place: CellRef::new(at.sheet, row, u32::from(col)).to_string(),
                });
            }
            // Excel (and rust_xlsxwriter's check) counts UTF-16 code units: a character
            // beyond U+FFFF, such as an emoji, is two.
            let len = t.encode_utf16().count();
            if len > MAX_CELL_CHARS {
                return Err(ExportError::CellTooLong {
                    place: CellRef::new(at.sheet, row, u32::from(col)).to_string(),
                    len,
                });
            }
            match plain_integer(t).filter(|_| at.numeric) {
                Some(n) => {
                    ws.write_number_with_format(row, col, n, text_format)?;
                }
                None => {
                    ws.write_string_with_format(row, col, t, text_format)?;
                }
            }
        }
    }
    Ok(())
}

/// The workbook's bytes.
pub(crate) fn write_book(book: &Book<'_>) -> Result<Vec<u8>, ExportError> {
    let mut wb = Workbook::new();
    let created = excel_date(book.created)
        .or_else(|| ExcelDateTime::from_ymd(2000, 1, 1).ok())
        .ok_or_else(|| ExportError::Writer("no creation date".to_owned()))?;
    wb.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&created)
            .set_title("FedRAMP Plan of Action and Milestones (POA&M)")
            .set_comment("Written by poam from an OSCAL POA&M"),
    );
    let formats = Formats::new();
    for ((kind, rows), extra_headers) in SheetKind::ALL
        .iter()
        .zip(book.sheets)
        .zip(book.extra_headers)
    {
        let ws = wb.add_worksheet();
        ws.set_name(kind.name())?;
        write_sheet(ws, *kind, rows, extra_headers, book, &formats)?;
    }
    write_changes(wb.add_worksheet(), book.changes, &formats)?;
    Ok(wb.save_to_buffer()?)
}

/// The Record of Changes sheet, laid out as the template's: a title over B2:E2, the column
/// headers in B3:E3, one change per row below.
fn write_changes(ws: &mut Worksheet, changes: &[Change], f: &Formats) -> Result<(), ExportError> {
    ws.set_name(RECORD_OF_CHANGES)?;
    ws.merge_range(1, 1, 1, 4, RECORD_OF_CHANGES, &f.title)?;
    ws.set_row_height(1, 24)?;
    for (col, (header, width)) in [
        ("Date", 14),
        ("Description", 70),
        ("Version", 12),
        ("Author", 24),
    ]
    .into_iter()
    .enumerate()
    {
        let col = column(col + 1);
        ws.set_column_width(col, width)?;
        ws.write_string_with_format(2, col, header, &f.header)?;
    }
    for (i, change) in changes.iter().enumerate() {
        let row = 3 + u32::try_from(i).map_err(|_| ExportError::TooManyRows)?;
        if row >= 1_048_576 {
            return Err(ExportError::TooManyRows);
        }
        match change.date.and_then(excel_date) {
            Some(d) => ws.write_datetime_with_format(row, 1, &d, &f.date)?,
            None => ws.write_blank(row, 1, &f.date)?,
        };
        for (col, text) in [
            (2, &change.description),
            (3, &change.version),
            (4, &change.author),
        ] {
            if text.is_empty() {
                continue;
            }
            let at = Target {
                sheet: RECORD_OF_CHANGES,
                row,
                col,
                text: &f.text,
                date: &f.date,
                numeric: false,
            };
            write_cell(ws, &at, &CellValue::Text(text.clone()))?;
        }
    }
    Ok(())
}

fn write_sheet(
    ws: &mut Worksheet,
    kind: SheetKind,
    rows: &[Row],
    extra_headers: &[String],
    book: &Book<'_>,
    f: &Formats,
) -> Result<(), ExportError> {
    write_header_block(ws, kind, book, f)?;
    write_column_headers(ws, kind.name(), extra_headers, f)?;

    // The Open sheet explains its columns, as the template does.
    let mut first = HEADER_ROW + 1;
    if kind == SheetKind::Open {
        for c in &COLUMNS {
            let col = c.field as u16;
            ws.write_string_with_format(first, col, c.description, &f.description)?;
            ws.write_string_with_format(first + 1, col, c.hint, &f.hint)?;
        }
        first += 2;
    }

    let last_data = row_after(first, rows.len());
    if last_data >= 1_048_576 {
        return Err(ExportError::TooManyRows);
    }
    let columns = COLUMNS.len() + extra_headers.len();
    if !crate::read::table_fits(last_data as usize, columns) {
        return Err(ExportError::TableTooLarge {
            sheet: kind.name().to_owned(),
            rows: last_data as usize,
            columns,
        });
    }
    write_rows(ws, kind.name(), rows, first, f)?;
    add_validations(ws, first, last_data)
}

/// The header block (rows 1-3): title, labels, values, with the template's checks.
fn write_header_block(
    ws: &mut Worksheet,
    kind: SheetKind,
    book: &Book<'_>,
    f: &Formats,
) -> Result<(), ExportError> {
    let name = kind.name();
    let title = if kind == SheetKind::Open {
        TITLE
    } else {
        TITLE_PLAIN
    };
    ws.merge_range(0, 0, 0, 4, title, &f.title)?;
    ws.set_row_height(0, 24)?;
    for (i, field) in HeaderField::ALL.iter().enumerate() {
        let col = column(i);
        ws.write_string_with_format(1, col, field.label(), &f.label)?;
        if let Some(v) = &book.header[i] {
            write_cell(
                ws,
                &Target {
                    sheet: name,
                    row: 2,
                    col,
                    text: &f.value,
                    date: &f.value_date,
                    numeric: false,
                },
                v,
            )?;
        } else {
            let blank = if *field == HeaderField::PoamDate {
                &f.value_date
            } else {
                &f.value
            };
            ws.write_blank(2, col, blank)?;
        }
    }
    ws.add_data_validation(
        2,
        2,
        2,
        2,
        &DataValidation::new()
            .allow_list_strings(crate::columns::IMPACT_LEVELS)?
            .show_error_message(false),
    )?;
    if let Ok(min) = ExcelDateTime::from_ymd(2000, 1, 1) {
        ws.add_data_validation(
            2,
            3,
            2,
            3,
            &DataValidation::new()
                .allow_date(DataValidationRule::GreaterThan(min))
                .show_error_message(false),
        )?;
    }
    Ok(())
}

/// The column headers and widths, poam's known columns then the unknown ones kept.
fn write_column_headers(
    ws: &mut Worksheet,
    sheet: &str,
    extra_headers: &[String],
    f: &Formats,
) -> Result<(), ExportError> {
    for c in &COLUMNS {
        let col = c.field as u16;
        ws.set_column_width(col, c.width)?;
        ws.write_string_with_format(HEADER_ROW, col, c.header, &f.header)?;
    }
    for (i, h) in extra_headers.iter().enumerate() {
        let col = column(COLUMNS.len() + i);
        ws.set_column_width(col, 20)?;
        // The header of a kept column is the document's text: checked like any cell.
        let at = Target {
            sheet,
            row: HEADER_ROW,
            col,
            text: &f.header,
            date: &f.header,
            numeric: false,
        };
        write_cell(ws, &at, &CellValue::Text(h.clone()))?;
    }
    ws.set_row_height(HEADER_ROW, 40)?;
    ws.set_freeze_panes(HEADER_ROW + 1, 0)?;
    Ok(())
}

/// The item rows, from sheet row `first`.
fn write_rows(
    ws: &mut Worksheet,
    name: &str,
    rows: &[Row],
    first: u32,
    f: &Formats,
) -> Result<(), ExportError> {
    for (i, row) in rows.iter().enumerate() {
        let r = row_after(first, i);
        for (field_index, value) in row.cells.iter().enumerate() {
            let Some(v) = value else { continue };
            let at = Target {
                sheet: name,
                row: r,
                col: column(field_index),
                text: &f.text,
                date: &f.date,
                numeric: field_index == Field::SourceIdentifier as usize,
            };
            write_cell(ws, &at, v)?;
        }
        for (i, value) in row.extras.iter().enumerate() {
            if let Some(v) = value {
                let at = Target {
                    sheet: name,
                    row: r,
                    col: column(COLUMNS.len() + i),
                    text: &f.text,
                    date: &f.date,
                    numeric: false,
                };
                write_cell(ws, &at, v)?;
            }
        }
    }
    Ok(())
}

/// Dropdowns and date checks on the data rows, warning only (as in the template).
fn add_validations(ws: &mut Worksheet, first: u32, last_data: u32) -> Result<(), ExportError> {
    let last = (last_data + VALIDATED_ROWS).min(1_048_575);
    for c in &COLUMNS {
        let col = c.field as u16;
        if let Some(list) = c.list {
            ws.add_data_validation(
                first,
                col,
                last,
                col,
                &DataValidation::new()
                    .allow_list_strings(list)?
                    .show_error_message(false),
            )?;
        } else if c.kind == CellKind::Date
            && let Ok(min) = ExcelDateTime::from_ymd(2000, 1, 1)
        {
            ws.add_data_validation(
                first,
                col,
                last,
                col,
                &DataValidation::new()
                    .allow_date(DataValidationRule::GreaterThan(min))
                    .show_error_message(false),
            )?;
        }
    }
    Ok(())
}
