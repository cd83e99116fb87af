//! Cell-by-cell comparison of two workbooks' item sheets: the check behind poam's
//! workbook -> OSCAL -> workbook guarantee, used by the tests and the conformance run.

use std::fmt;

use crate::cell::{CellRef, CellValue, cells_equal};
use crate::columns::{COLUMNS, column};
use crate::read::{RawSheet, ReadOptions, read_sheets};
use crate::{ImportError, guard};

/// How one sheet compared.
#[derive(Debug, Clone, Default)]
pub struct SheetComparison {
    /// The sheet's name in the original workbook.
    pub sheet: String,
    /// Items (data rows) in the original sheet and in the other workbook's sheet.
    pub rows: (usize, usize),
    /// Non-empty cells of the original (header block and data rows).
    pub cells: usize,
    /// Of those, how many came back equal.
    pub equal: usize,
    /// Every cell that did not come back equal.
    pub differences: Vec<Difference>,
}

/// A cell that did not come back equal.
#[derive(Debug, Clone)]
pub struct Difference {
    /// Where the cell is in the original workbook.
    pub place: CellRef,
    /// The column's header text.
    pub column: String,
    /// The cell in the original workbook (`None`: blank).
    pub original: Option<CellValue>,
    /// The same cell in the other workbook (`None`: blank).
    pub other: Option<CellValue>,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |c: &Option<CellValue>| match c {
            Some(CellValue::Date(d)) => format!("date {d}"),
            Some(CellValue::Text(t)) => format!("{t:?}"),
            None => "blank".to_owned(),
        };
        write!(
            f,
            "{} ({}): {} came back as {}",
            self.place,
            self.column,
            show(&self.original),
            show(&self.other)
        )
    }
}

impl fmt::Display for SheetComparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} rows -> {} rows, {}/{} non-empty cells equal",
            self.sheet, self.rows.0, self.rows.1, self.equal, self.cells
        )
    }
}

fn read(bytes: &[u8], name: &str, options: &ReadOptions) -> Result<Vec<RawSheet>, ImportError> {
    let wrap = |p: crate::error::Problem| p.in_file(name);
    guard::check(bytes, &guard::Limits::default()).map_err(wrap)?;
    guard::check_xml_parts(bytes).map_err(wrap)?;
    read_sheets(bytes, options, &mut Vec::new()).map_err(wrap)
}

/// Compares every non-empty cell of `original`'s item sheets (header block included) with
/// the same cell of `other`: sheets by name, rows in order, columns by header.
pub fn compare(
    original: &[u8],
    other: &[u8],
    options: &ReadOptions,
) -> Result<Vec<SheetComparison>, ImportError> {
    let a = read(original, "original workbook", options)?;
    let b = read(other, "other workbook", options)?;
    Ok(a.iter()
        .map(|sa| compare_sheet(sa, b.iter().find(|sb| sb.kind == sa.kind)))
        .collect())
}

fn compare_sheet(a: &RawSheet, b: Option<&RawSheet>) -> SheetComparison {
    let mut out = SheetComparison {
        sheet: a.name.clone(),
        rows: (a.rows.len(), b.map_or(0, |b| b.rows.len())),
        ..SheetComparison::default()
    };
    let mut check = |place: CellRef, column: &str, x: &Option<CellValue>, y: Option<&CellValue>| {
        if x.is_none() {
            return;
        }
        out.cells += 1;
        if cells_equal(x.as_ref(), y) {
            out.equal += 1;
        } else {
            out.differences.push(Difference {
                place,
                column: column.to_owned(),
                original: x.clone(),
                other: y.cloned(),
            });
        }
    };
    for (field, place, value) in &a.header_cells {
        let other = b.and_then(|b| {
            b.header_cells
                .iter()
                .find(|(f, _, _)| f == field)
                .and_then(|(_, _, v)| v.as_ref())
        });
        check(place.clone(), field.label(), value, other);
    }
    for (i, row) in a.rows.iter().enumerate() {
        let other = b.and_then(|b| b.rows.get(i));
        for c in &COLUMNS {
            let f = c.field as usize;
            let Some(place) = a.cell_ref(row.row, c.field) else {
                continue;
            };
            check(
                place,
                column(c.field).header,
                &row.cells[f],
                other.and_then(|o| o.cells[f].as_ref()),
            );
        }
        for (k, (col, header)) in a.extras.iter().enumerate() {
            let theirs = b.and_then(|b| {
                let j = b.extras.iter().position(|(_, h)| h == header)?;
                other.and_then(|o| o.extras[j].as_ref())
            });
            check(
                CellRef::new(&a.name, row.row, *col),
                header,
                &row.extras[k],
                theirs,
            );
        }
    }
    out
}
