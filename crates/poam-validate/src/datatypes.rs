//! Datatype syntax of a scalar given as text: the typed model's own checks
//! ([`poam_model::datatypes::Datatype::check`]) plus the few datatypes only constraints use.

use poam_model::datatypes::{
    Base64, Datatype as _, DateTimeWithTimezone, EmailAddress, Token, Uri, UriReference, Uuid,
    check_string,
};

use crate::schema::Datatype;

/// Why a value breaks its datatype.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DatatypeError {
    /// The short reason, e.g. `is not a version 4 or 5 UUID`.
    pub reason: String,
    /// The whole message for a diagnostic.
    pub message: String,
    /// Empty or blank markup (its own rule: OSCAL XML cannot hold it).
    pub empty_markup: bool,
}

/// `invalid uuid "x": is not a UUID (...)`, as the readers say it. Some reasons start by
/// quoting the value again; that repetition is dropped.
fn fail(dt: Datatype, value: &str, reason: String) -> DatatypeError {
    let quoted = format!("{value:?}");
    let short = reason
        .strip_prefix(&quoted)
        .map_or(reason.as_str(), str::trim_start);
    let message = format!("invalid {} {quoted}: {short}", dt.name());
    DatatypeError {
        reason,
        message,
        empty_markup: false,
    }
}

/// Checks `value` against `dt`.
pub(crate) fn check_value(dt: Datatype, value: &str) -> Result<(), DatatypeError> {
    let result = match dt {
        Datatype::String => check_string(value),
        Datatype::Token => Token::new(value).check(),
        Datatype::Uuid => Uuid::new(value).check(),
        Datatype::Uri => Uri::new(value).check(),
        Datatype::UriReference => UriReference::new(value).check(),
        Datatype::DateTimeWithTimezone => DateTimeWithTimezone::new(value).check(),
        Datatype::EmailAddress => EmailAddress::new(value).check(),
        Datatype::Base64 => Base64::new(value).check(),
        Datatype::DateWithTimezone => check_date(value, true),
        Datatype::Date => check_date(value, false),
        Datatype::DateTime => check_date_time(value),
        Datatype::IpV4Address => value
            .parse::<std::net::Ipv4Addr>()
            .map(|_| ())
            .map_err(|_| "is not an IPv4 address".to_owned()),
        Datatype::IpV6Address => value
            .parse::<std::net::Ipv6Addr>()
            .map(|_| ())
            .map_err(|_| "is not an IPv6 address".to_owned()),
        Datatype::Integer | Datatype::NonNegativeInteger | Datatype::PositiveInteger => match value
            .trim_start_matches('+')
            .parse::<i64>()
        {
            Err(_) => Err("is not an integer".to_owned()),
            Ok(n) if dt == Datatype::NonNegativeInteger && n < 0 => {
                Err(format!("{n} is less than 0"))
            }
            Ok(n) if dt == Datatype::PositiveInteger && n < 1 => Err(format!("{n} is less than 1")),
            Ok(_) => Ok(()),
        },
        Datatype::MarkupLine | Datatype::MarkupMultiline => {
            // Empty multiline markup is valid in every format (XML holds it as `<p/>`), only
            // pointless: its own rule, a warning. An empty line is not valid: the official
            // JSON Schema wants at least one character (`^[^\n]+$`).
            if value.trim().is_empty() && dt == Datatype::MarkupMultiline {
                return Err(DatatypeError {
                    reason: "is empty".into(),
                    message: "empty markup-multiline: it says nothing (in OSCAL XML, one empty paragraph `<p/>`)".into(),
                    empty_markup: true,
                });
            }
            if value.trim().is_empty() {
                Err("is empty; markup-line needs at least one character (the OSCAL JSON Schema's pattern `^[^\\n]+$`)".to_owned())
            } else if dt == Datatype::MarkupLine && value.contains('\n') {
                Err("contains a line break; markup-line is one line".to_owned())
            } else {
                Ok(())
            }
        }
    };
    result.map_err(|reason| fail(dt, value, reason))
}

/// `date` (`YYYY-MM-DD`, optional time zone) or `date-with-timezone` (time zone required).
pub(crate) fn check_date(value: &str, zone_required: bool) -> Result<(), String> {
    let (Some(date), Some(zone)) = (value.get(..10), value.get(10..)) else {
        return Err("is not a date (YYYY-MM-DD)".into());
    };
    if chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_err() {
        return Err("is not a date (YYYY-MM-DD)".into());
    }
    let zone_ok = zone == "Z"
        || (zone.len() == 6
            && (zone.starts_with('+') || zone.starts_with('-'))
            && chrono::NaiveTime::parse_from_str(&format!("{}:00", &zone[1..]), "%H:%M:%S")
                .is_ok());
    match (zone.is_empty(), zone_ok, zone_required) {
        (true, _, true) => Err("has no time zone (e.g. 2024-06-12Z or 2024-06-12-04:00)".into()),
        (true, _, false) | (false, true, _) => Ok(()),
        (false, false, _) => Err(format!("has a malformed time zone {zone:?}")),
    }
}

/// `date-time`: a date and time, the time zone optional.
pub(crate) fn check_date_time(value: &str) -> Result<(), String> {
    if poam_model::datatypes::DateTimeWithTimezone::new(value)
        .check()
        .is_ok()
    {
        return Ok(());
    }
    chrono::NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S%.f")
        .map(|_| ())
        .map_err(|_| "is not a date-time (e.g. 2024-06-12T09:00:00)".to_owned())
}

/// Parses a `date` (or the date part of a date-time) into a calendar date.
pub(crate) fn parse_date(value: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(value.get(..10)?, "%Y-%m-%d").ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert!(check_date("2024-06-12", false).is_ok());
        assert!(check_date("2024-06-12", true).is_err());
        assert!(check_date("2024-06-12Z", true).is_ok());
        assert!(check_date("2024-06-12-04:00", true).is_ok());
        assert!(check_date("2024-06-31", false).is_err());
        assert!(check_date("2024-6-1", false).is_err());
        assert!(check_date("2024-06-12+25:00", false).is_err());
    }

    #[test]
    fn markup() {
        assert!(check_value(Datatype::MarkupMultiline, " ").is_err_and(|e| e.empty_markup));
        assert!(check_value(Datatype::MarkupLine, "a\nb").is_err_and(|e| !e.empty_markup));
        assert!(check_value(Datatype::MarkupMultiline, "a\n\nb").is_ok());
        // An empty line breaks the official JSON Schema; an empty block is only pointless.
        assert!(check_value(Datatype::MarkupLine, "").is_err_and(|e| !e.empty_markup));
        assert!(check_value(Datatype::MarkupMultiline, "").is_err_and(|e| e.empty_markup));
    }

    #[test]
    fn messages_name_value_and_datatype() {
        let e = check_value(Datatype::Uuid, "nope").unwrap_err();
        assert!(
            e.message.contains("\"nope\"") && e.message.contains("uuid"),
            "{}",
            e.message
        );
    }
}
