//! Cell values as poam sees them, their normal form, and how two cells compare.

use std::fmt;

use chrono::NaiveDate;

use crate::columns::column_letters;
use crate::values::parse_date_exact;

/// The content of one non-empty cell.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CellValue {
    /// Text in normal form (line ends `\n`, lines trimmed, a run of blank lines as one);
    /// never empty.
    Text(String),
    /// A calendar date (Excel dates carry no time zone; times of day are not kept).
    Date(NaiveDate),
}

impl CellValue {
    /// A text cell, or `None` when the text is blank once normalised.
    pub fn text(s: &str) -> Option<Self> {
        let t = normalize_text(s);
        (!t.is_empty()).then_some(Self::Text(t))
    }

    /// The cell as text: dates as `YYYY-MM-DD`.
    pub fn as_text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Self::Text(t) => std::borrow::Cow::Borrowed(t),
            Self::Date(d) => std::borrow::Cow::Owned(d.format("%Y-%m-%d").to_string()),
        }
    }

    /// The date this cell holds: a date cell, or text that is exactly one date.
    pub fn as_date(&self) -> Option<NaiveDate> {
        match self {
            Self::Date(d) => Some(*d),
            Self::Text(t) => parse_date_exact(t),
        }
    }
}

impl fmt::Display for CellValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_text())
    }
}

/// Whether two cells say the same thing: dates compare as dates (a date cell equals the text
/// `2024-06-12` or `06/12/2024`), text compares in normal form.
pub(crate) fn cells_equal(a: Option<&CellValue>, b: Option<&CellValue>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(CellValue::Text(x)), Some(CellValue::Text(y))) => {
            x == y || (x.len() <= 40 && y.len() <= 40 && both_same_date(x, y))
        }
        (Some(x), Some(y)) => x.as_date().is_some() && x.as_date() == y.as_date(),
        _ => false,
    }
}

fn both_same_date(x: &str, y: &str) -> bool {
    matches!((parse_date_exact(x), parse_date_exact(y)), (Some(a), Some(b)) if a == b)
}

/// The normal form of cell text: line ends are `\n`, each line is trimmed, runs of blank
/// lines become one blank line, and there are no blank lines at either end. This is what
/// "whitespace trimmed" means in poam's round-trip guarantee: OSCAL markup (Markdown) does
/// not keep indentation, trailing spaces or several blank lines in a row either. Other
/// control characters (NUL, the rest of C0, U+0085) are kept as they are: a workbook holds
/// them (Excel writes them as `_xHHHH_`), and trimming takes only spaces and tabs around
/// them.
pub(crate) fn normalize_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_blank = false;
    // One pass over the lines, splitting on every kind of line end (`\r\n` counts once).
    let mut rest = s;
    loop {
        let end = rest
            .find(['\n', '\r', '\u{2028}', '\u{2029}'])
            .unwrap_or(rest.len());
        let line = rest[..end].trim_matches(is_blank);
        if line.is_empty() {
            pending_blank = !out.is_empty();
        } else {
            if !out.is_empty() {
                out.push_str(if pending_blank { "\n\n" } else { "\n" });
            }
            pending_blank = false;
            out.push_str(line);
        }
        if end == rest.len() {
            break;
        }
        let sep = rest[end..].chars().next().map_or(1, char::len_utf8);
        let skip = if rest[end..].starts_with("\r\n") {
            2
        } else {
            sep
        };
        rest = &rest[end + skip..];
    }
    out
}

/// Whitespace a line is trimmed of: spaces and tabs, and the other Unicode spaces, but no
/// control character other than tab (vertical tab, form feed and U+0085 are kept).
pub(crate) fn is_blank(c: char) -> bool {
    c.is_whitespace() && (c == '\t' || !c.is_control())
}

/// A place in the workbook: `'Open POA&M Items'!K17`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CellRef {
    /// The sheet's name as written in the workbook.
    pub sheet: String,
    /// Zero-based row index (Excel row number minus one).
    pub row: u32,
    /// Zero-based column index.
    pub col: u32,
}

impl CellRef {
    /// The cell at zero-based `row` and `col` of `sheet`.
    pub fn new(sheet: &str, row: u32, col: u32) -> Self {
        Self {
            sheet: sheet.to_owned(),
            row,
            col,
        }
    }
}

impl fmt::Display for CellRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "'{}'!{}{}",
            self.sheet.replace('\'', "''"),
            column_letters(self.col),
            self.row + 1
        )
    }
}

/// A short, stable fingerprint of a canonical cell (64-bit FNV-1a, 16 hex digits). It lets
/// export tell whether the OSCAL data behind a remembered cell text is still what it was at
/// import. FNV is used because it is tiny, dependency-free and stable across platforms and
/// releases; this is change detection, not security.
pub(crate) fn fingerprint(cell: Option<&CellValue>) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    match cell {
        None => feed(b"E:"),
        Some(CellValue::Text(t)) => {
            feed(b"T:");
            feed(t.as_bytes());
        }
        Some(CellValue::Date(d)) => {
            feed(b"D:");
            feed(d.format("%Y-%m-%d").to_string().as_bytes());
        }
    }
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn normal_form() {
        assert_eq!(normalize_text("  a  \r\n b \n\n\n\n c \n\n"), "a\nb\n\nc");
        assert_eq!(normalize_text("\n\n x"), "x");
        assert_eq!(normalize_text(" \t "), "");
        assert_eq!(normalize_text("a\u{0}b\tc"), "a\u{0}b\tc");
        assert_eq!(
            normalize_text(" \u{1}\u{b}x\u{85}\u{c}\t "),
            "\u{1}\u{b}x\u{85}\u{c}"
        );
        assert_eq!(normalize_text("one\rtwo"), "one\ntwo");
    }

    #[test]
    fn dates_compare_as_dates() {
        let date = CellValue::Date(d(2024, 6, 12));
        for same in ["2024-06-12", "06/12/2024", "2024/06/12", "6/12/2024"] {
            let text = CellValue::text(same);
            assert!(cells_equal(Some(&date), text.as_ref()), "{same}");
            assert!(cells_equal(text.as_ref(), Some(&date)), "{same}");
        }
        assert!(!cells_equal(
            Some(&date),
            CellValue::text("2024-06-13").as_ref()
        ));
        assert!(!cells_equal(Some(&date), CellValue::text("TBD").as_ref()));
        assert!(!cells_equal(Some(&date), None));
        assert!(cells_equal(
            CellValue::text("2024-06-12").as_ref(),
            CellValue::text("06/12/2024").as_ref()
        ));
        assert!(!cells_equal(
            CellValue::text("a").as_ref(),
            CellValue::text("b").as_ref()
        ));
    }

    #[test]
    fn cell_refs_name_the_sheet() {
        assert_eq!(
            CellRef::new("Open POA&M Items", 16, 10).to_string(),
            "'Open POA&M Items'!K17"
        );
        assert_eq!(CellRef::new("It's", 0, 0).to_string(), "'It''s'!A1");
    }

    #[test]
    fn fingerprints_tell_kinds_and_values_apart() {
        let t = CellValue::text("2024-06-12");
        let dt = CellValue::Date(d(2024, 6, 12));
        assert_ne!(fingerprint(t.as_ref()), fingerprint(Some(&dt)));
        assert_ne!(fingerprint(None), fingerprint(t.as_ref()));
        assert_eq!(fingerprint(Some(&dt)), fingerprint(Some(&dt)));
        assert_eq!(fingerprint(None).len(), 16);
    }
}
