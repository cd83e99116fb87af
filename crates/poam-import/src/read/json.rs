//! Typed JSON reading for the JSON scan formats: serde into structs that name only the
//! members poam uses (the rest is skipped, not kept), with the line, column and member path
//! of any error.

use serde::de::DeserializeOwned;

use crate::error::{ScanError, ScanErrorKind};
use crate::finding::ScanFormat;

/// `bytes` (a UTF-8 BOM allowed) as `T`.
pub(crate) fn parse<T: DeserializeOwned>(bytes: &[u8], format: ScanFormat) -> Result<T, ScanError> {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut de = serde_json::Deserializer::from_slice(b);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| error(&e, format))?;
    de.end().map_err(|e| located(&e, format, None))?;
    Ok(value)
}

fn error(e: &serde_path_to_error::Error<serde_json::Error>, format: ScanFormat) -> ScanError {
    let path = e.path().to_string();
    let path = (path != "." && !path.is_empty()).then_some(path);
    located(e.inner(), format, path)
}

fn located(e: &serde_json::Error, format: ScanFormat, path: Option<String>) -> ScanError {
    let kind = if e.is_data() {
        ScanErrorKind::Structure
    } else {
        ScanErrorKind::Syntax
    };
    // serde_json's message ends with " at line L column C"; the place says that already.
    let text = e.to_string();
    let message = text
        .rfind(" at line ")
        .map_or(text.as_str(), |i| &text[..i])
        .to_owned();
    let message = match kind {
        ScanErrorKind::Syntax if e.is_eof() => {
            format!("malformed JSON: {message} (a truncated file?)")
        }
        ScanErrorKind::Syntax => format!("malformed JSON: {message}"),
        _ => message,
    };
    let mut place = format!("line {}, column {}", e.line(), e.column());
    if let Some(p) = path {
        place.push_str(&format!(" ({p})"));
    }
    ScanError::new(kind, Some(format), message).at(place)
}

/// A JSON value that scanners write as a string or a number (SARIF's
/// `security-severity` is text; some tools write a number).
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(untagged)]
pub(crate) enum Number {
    Num(f64),
    Text(String),
}

impl Number {
    pub(crate) fn value(&self) -> Option<f64> {
        match self {
            Number::Num(n) => Some(*n),
            Number::Text(t) => t.trim().parse().ok(),
        }
    }
}

/// A date-time or date at the start of `text` (`2024-06-14T04:03:53+02:00`, `2021-06-29`),
/// as the date written.
pub(crate) fn date_of(text: &str) -> Option<chrono::NaiveDate> {
    let head = text.trim().get(..10)?;
    chrono::NaiveDate::parse_from_str(head, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct T {
        a: Vec<u32>,
    }

    #[test]
    fn errors_have_places() {
        let e = parse::<T>(b"{\"a\": [1, \"x\"]}", ScanFormat::Grype).expect_err("bad");
        assert_eq!(e.kind, ScanErrorKind::Structure);
        assert_eq!(e.place.as_deref(), Some("line 1, column 13 (a[1])"));
        let e = parse::<T>(b"{\"a\": [1,\n", ScanFormat::Grype).expect_err("truncated");
        assert_eq!(e.kind, ScanErrorKind::Syntax);
        assert!(e.message.contains("truncated"), "{e}");
        let e = parse::<T>(b"{\"a\": []} x", ScanFormat::Grype).expect_err("trailing");
        assert_eq!(e.kind, ScanErrorKind::Syntax);
        assert_eq!(
            date_of("2024-06-14T04:03:53.051+02:00"),
            chrono::NaiveDate::from_ymd_opt(2024, 6, 14)
        );
        assert_eq!(date_of("soon"), None);
        assert_eq!(Number::Text(" 9.8".into()).value(), Some(9.8));
    }
}
