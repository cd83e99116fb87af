//! Cell, row and range references as a worksheet part gives them (`r="K17"`, `r="17"`,
//! `ref="A1:AH60"`), checked against Excel's grid before calamine reads the part: calamine
//! parses them with unchecked arithmetic, so `r="XFD99999999999"` or a long run of column
//! letters overflows (a panic in a debug build, a wrapped and wrong place in a release one).

/// Rows of an Excel sheet (the last is row 1,048,576).
pub(crate) const EXCEL_ROWS: u32 = 1_048_576;
/// Columns of an Excel sheet (the last is column XFD).
pub(crate) const EXCEL_COLUMNS: u32 = 16_384;

/// What a reference attribute of a worksheet part stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReferenceKind {
    /// A cell's `r`: column letters, then a row number.
    Cell,
    /// A row's `r`: a row number.
    Row,
    /// A `ref` of `<dimension>` or `<mergeCell>`: a cell, or two cells joined by `:`.
    Range,
}

impl ReferenceKind {
    fn name(self) -> &'static str {
        match self {
            Self::Cell => "cell reference",
            Self::Row => "row number",
            Self::Range => "range",
        }
    }
}

/// Why `text` is not a reference of `kind` inside Excel's grid, in words naming it; `None`
/// when it is one.
pub(crate) fn reference_problem(text: &[u8], kind: ReferenceKind) -> Option<String> {
    let shown: String = String::from_utf8_lossy(text).chars().take(40).collect();
    let why = match kind {
        ReferenceKind::Cell => cell(text).err(),
        ReferenceKind::Row => row(text).err(),
        ReferenceKind::Range => range(text).err(),
    }?;
    Some(format!("the {} {shown:?} {why}", kind.name()))
}

const NOT_A_CELL: &str = "is not a cell reference (column letters, then a row number, like B7)";

/// A cell reference's zero-based (row, column).
fn cell(text: &[u8]) -> Result<(u32, u32), String> {
    let letters = text.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let (col, digits) = text.split_at(letters);
    if col.is_empty() || digits.is_empty() {
        return Err(NOT_A_CELL.to_owned());
    }
    let column = column(col)?;
    let row = row(digits).map_err(|e| {
        if digits.iter().all(u8::is_ascii_digit) {
            e
        } else {
            NOT_A_CELL.to_owned()
        }
    })?;
    Ok((row, column))
}

/// Zero-based column of letters (`A` is 0, `XFD` the last).
fn column(letters: &[u8]) -> Result<u32, String> {
    let beyond = || {
        let shown: String = String::from_utf8_lossy(letters).chars().take(12).collect();
        format!("is beyond Excel's last column: column {shown} after XFD (column {EXCEL_COLUMNS})")
    };
    // Three letters reach past XFD already; more would overflow the arithmetic.
    if letters.len() > 3 {
        return Err(beyond());
    }
    let number = letters.iter().fold(0u32, |n, b| {
        n * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1
    });
    if number > EXCEL_COLUMNS {
        return Err(beyond());
    }
    Ok(number - 1)
}

/// Zero-based row of a row number (`1` is 0).
fn row(digits: &[u8]) -> Result<u32, String> {
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err("is not a row number".to_owned());
    }
    let significant = digits.iter().skip_while(|&&b| b == b'0').count();
    // Eight significant digits reach past the last row; more would overflow the arithmetic.
    let number = if significant > 7 {
        u32::MAX
    } else {
        digits
            .iter()
            .fold(0u32, |n, b| n * 10 + u32::from(b - b'0'))
    };
    match number {
        0 => Err("is row 0; rows are numbered from 1".to_owned()),
        n if n > EXCEL_ROWS => Err(format!(
            "is beyond Excel's last row (row {})",
            group_thousands(EXCEL_ROWS)
        )),
        n => Ok(n - 1),
    }
}

fn range(text: &[u8]) -> Result<(), String> {
    let mut ends = text.split(|&b| b == b':');
    let start = ends.next().map(cell).transpose()?;
    let end = ends.next().map(cell).transpose()?;
    if ends.next().is_some() {
        return Err("is not a range (two cells joined by \":\", like A1:C9)".to_owned());
    }
    match (start, end) {
        (Some((r1, c1)), Some((r2, c2))) if r2 < r1 || c2 < c1 => {
            Err("ends before it starts".to_owned())
        }
        _ => Ok(()),
    }
}

fn group_thousands(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str, kind: ReferenceKind) -> bool {
        reference_problem(text.as_bytes(), kind).is_none()
    }

    #[test]
    fn the_corners_of_the_grid_are_references() {
        assert_eq!(cell(b"A1"), Ok((0, 0)));
        assert_eq!(cell(b"xfd1048576"), Ok((1_048_575, 16_383)));
        assert_eq!(cell(b"AH60"), Ok((59, 33)));
        assert!(ok("1048576", ReferenceKind::Row));
        assert!(ok("A1:XFD1048576", ReferenceKind::Range));
        assert!(ok("B7", ReferenceKind::Range));
        assert!(ok("C3:C3", ReferenceKind::Range));
    }

    #[test]
    fn past_the_grid_or_not_a_reference_is_a_problem_in_words() {
        let said = |text: &str, kind| reference_problem(text.as_bytes(), kind).expect(text);
        assert_eq!(
            said("XFD99999999999", ReferenceKind::Cell),
            "the cell reference \"XFD99999999999\" is beyond Excel's last row (row 1,048,576)"
        );
        assert_eq!(
            said("AAAAAAAAAAAA1", ReferenceKind::Cell),
            "the cell reference \"AAAAAAAAAAAA1\" is beyond Excel's last column: column AAAAAAAAAAAA after XFD (column 16384)"
        );
        assert!(said("XFE1", ReferenceKind::Cell).contains("last column"));
        assert!(said("A1048577", ReferenceKind::Cell).contains("last row"));
        assert!(said("A0", ReferenceKind::Cell).contains("row 0"));
        assert!(ok("A00000000000000000001", ReferenceKind::Cell));
        for bad in ["", "A", "7", "1A", "A1B", "$A$1", "A-1", "É1"] {
            assert!(
                said(bad, ReferenceKind::Cell).contains("not a cell reference"),
                "{bad}"
            );
        }
        assert!(said("A5", ReferenceKind::Row).contains("not a row number"));
        assert!(said("B2:A1", ReferenceKind::Range).contains("ends before it starts"));
        assert!(said("A1:B2:C3", ReferenceKind::Range).contains("not a range"));
        assert!(said("A1:B99999999999", ReferenceKind::Range).contains("last row"));
    }
}
