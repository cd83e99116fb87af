//! The metaschema's scalar datatypes.
//!
//! Each keeps the text exactly as the document wrote it (so a round trip never changes a
//! value's form: `2024-06-12T09:00:00-04:00` stays in its offset, an upper-case UUID stays
//! upper-case) and knows how to check its own syntax ([`Datatype::check`]). Checking is not
//! done on load: the validator wants every bad value of a document, not the first.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A scalar datatype with a syntax of its own.
pub trait Datatype {
    /// The metaschema name of the datatype, e.g. `date-time-with-timezone`.
    const NAME: &'static str;
    /// `Err` with a short reason when the value breaks the datatype's syntax.
    fn check(&self) -> Result<(), String>;
}

macro_rules! string_datatype {
    ($(#[$doc:meta])* $name:ident, $meta:literal, $check:path) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
        #[serde(transparent)]
        // `Box<str>`, not `String`: a value never grows, and a document holds hundreds of
        // thousands of them (8 bytes each, more where they are optional and absent).
        pub struct $name(Box<str>);

        impl $name {
            /// Wraps `s` without checking it (see [`Datatype::check`]).
            pub fn new(s: impl Into<String>) -> Self {
                Self(s.into().into_boxed_str())
            }
            /// The value as written.
            pub fn as_str(&self) -> &str {
                &self.0
            }
            /// The value as written, owned.
            pub fn into_string(self) -> String {
                self.0.into_string()
            }
        }

        impl Datatype for $name {
            const NAME: &'static str = $meta;
            fn check(&self) -> Result<(), String> {
                $check(&self.0)
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self(s.into_boxed_str())
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.into())
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                *self.0 == *other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                *self.0 == **other
            }
        }
    };
}

string_datatype!(
    /// A non-colonized name (`token`): a letter or `_`, then letters, digits, `.`, `-`, `_`.
    Token, "token", check_token
);
string_datatype!(
    /// A version 4 or 5 UUID (`uuid`), in the case the document wrote it.
    Uuid, "uuid", check_uuid
);
string_datatype!(
    /// An absolute URI (`uri`).
    Uri, "uri", check_uri
);
string_datatype!(
    /// A URI or relative reference (`uri-reference`), e.g. `#uuid` into back-matter.
    UriReference, "uri-reference", check_uri_reference
);
string_datatype!(
    /// A point in time with a required offset (`date-time-with-timezone`), kept as written.
    DateTimeWithTimezone, "date-time-with-timezone", check_date_time_with_timezone
);
string_datatype!(
    /// An e-mail address (`email-address`).
    EmailAddress, "email-address", check_email
);
string_datatype!(
    /// Base64-encoded binary content (`base64`).
    Base64, "base64", check_base64
);

impl Uuid {
    /// A fresh random (version 4) UUID, lower case.
    pub fn random() -> Self {
        Self::new(uuid::Uuid::new_v4().to_string())
    }

    /// A version 5 (name-based, SHA-1) UUID: the same `namespace` and `name` always give the
    /// same UUID, so re-importing the same input gives the same identifiers.
    pub fn from_name(namespace: &Uuid, name: &str) -> Self {
        let ns = uuid::Uuid::parse_str(&namespace.0).unwrap_or(uuid::Uuid::NAMESPACE_URL);
        Self::new(uuid::Uuid::new_v5(&ns, name.as_bytes()).to_string())
    }
}

impl DateTimeWithTimezone {
    /// The instant with the document's own offset (never coerced to UTC).
    pub fn parse(&self) -> Option<chrono::DateTime<chrono::FixedOffset>> {
        chrono::DateTime::parse_from_rfc3339(&self.0).ok()
    }

    /// The calendar date as written (before any offset is applied).
    pub fn date(&self) -> Option<chrono::NaiveDate> {
        self.parse().map(|d| d.date_naive())
    }
}

impl From<chrono::DateTime<chrono::FixedOffset>> for DateTimeWithTimezone {
    fn from(d: chrono::DateTime<chrono::FixedOffset>) -> Self {
        Self::new(d.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
    }
}

macro_rules! integer_datatype {
    ($(#[$doc:meta])* $name:ident, $meta:literal, $min:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl Datatype for $name {
            const NAME: &'static str = $meta;
            fn check(&self) -> Result<(), String> {
                if self.0 >= $min {
                    Ok(())
                } else {
                    Err(format!("{} is less than {}", self.0, $min))
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

integer_datatype!(
    /// An integer of 0 or more (`non-negative-integer`).
    NonNegativeInteger, "non-negative-integer", 0
);
integer_datatype!(
    /// An integer of 1 or more (`positive-integer`).
    PositiveInteger, "positive-integer", 1
);

/// `string`: non-empty, no leading or trailing whitespace, and (as the official JSON schema's
/// `^\S(.*\S)?$` reads, `.` not matching line ends) no line break.
pub fn check_string(s: &str) -> Result<(), String> {
    let (Some(first), Some(last)) = (s.chars().next(), s.chars().last()) else {
        return Err("is empty".into());
    };
    if first.is_whitespace() || last.is_whitespace() {
        return Err("has leading or trailing whitespace".into());
    }
    if s.contains(['\n', '\r', '\u{2028}', '\u{2029}']) {
        return Err("contains a line break".into());
    }
    Ok(())
}

fn check_token(s: &str) -> Result<(), String> {
    let mut chars = s.chars();
    match chars.next() {
        None => return Err("is empty".into()),
        Some(c) if c.is_alphabetic() || c == '_' => {}
        Some(c) => {
            return Err(format!(
                "starts with {c:?}; a token starts with a letter or `_`"
            ));
        }
    }
    if let Some(c) = chars.find(|&c| !(c.is_alphanumeric() || matches!(c, '.' | '-' | '_'))) {
        return Err(format!(
            "contains {c:?}; a token has only letters, digits, `.`, `-` and `_`"
        ));
    }
    Ok(())
}

fn check_uuid(s: &str) -> Result<(), String> {
    let b = s.as_bytes();
    let shape_ok = b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                c == b'-'
            } else {
                c.is_ascii_hexdigit()
            }
        });
    if !shape_ok {
        return Err("is not a UUID (8-4-4-4-12 hexadecimal digits)".into());
    }
    if !matches!(b[14], b'4' | b'5') {
        return Err("is not a version 4 or 5 UUID".into());
    }
    if !matches!(b[19], b'8' | b'9' | b'a' | b'b' | b'A' | b'B') {
        return Err("has a UUID variant other than RFC 4122".into());
    }
    Ok(())
}

fn check_uri(s: &str) -> Result<(), String> {
    let Some((scheme, rest)) = s.split_once(':') else {
        return Err("is not an absolute URI (no scheme)".into());
    };
    let mut sc = scheme.chars();
    let scheme_ok = sc.next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme.len() >= 2
        && sc.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok || rest.is_empty() {
        return Err("is not an absolute URI".into());
    }
    check_uri_reference(s)
}

fn check_uri_reference(s: &str) -> Result<(), String> {
    if let Some(c) = s.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("contains {c:?}, which a URI cannot"));
    }
    Ok(())
}

fn check_email(s: &str) -> Result<(), String> {
    check_string(s)?;
    match s.split_once('@') {
        Some((a, b)) if !a.is_empty() && !b.is_empty() => Ok(()),
        _ => Err("is not an e-mail address".into()),
    }
}

fn check_base64(s: &str) -> Result<(), String> {
    let body = s.trim_end_matches('=');
    if s.len() - body.len() > 2 || body.is_empty() {
        return Err("is not Base64".into());
    }
    if let Some(c) = body
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '/')))
    {
        return Err(format!("contains {c:?}, which Base64 does not use"));
    }
    Ok(())
}

/// The OSCAL `date-time-with-timezone` syntax: years 1900-2999, real calendar dates, a time,
/// an optional fraction and an offset that exists somewhere in the world.
fn check_date_time_with_timezone(s: &str) -> Result<(), String> {
    const WEST: &[&str] = &[
        "00:00", "01:00", "02:00", "03:00", "04:00", "05:00", "06:00", "07:00", "08:00", "09:00",
        "10:00", "11:00", "12:00", "03:30", "09:30",
    ];
    const EAST: &[&str] = &[
        "00:00", "01:00", "02:00", "03:00", "04:00", "05:00", "06:00", "07:00", "08:00", "09:00",
        "10:00", "11:00", "12:00", "13:00", "14:00", "03:30", "04:30", "05:30", "06:30", "09:30",
        "10:30", "05:45", "08:45", "12:45",
    ];
    let bad = || {
        Err(format!(
            "{s:?} is not a date-time with a time zone (e.g. 2024-06-12T09:00:00-04:00)"
        ))
    };
    let bytes = s.as_bytes();
    if bytes.len() < 20
        || bytes[4] != b'-'
        || bytes[7] != b'-'
        || bytes[10] != b'T'
        || bytes[13] != b':'
        || bytes[16] != b':'
    {
        return bad();
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let t = s.get(r)?;
        t.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| t.parse().ok())?
    };
    let (Some(year), Some(mo), Some(day), Some(hour), Some(mi), Some(se)) = (
        num(0..4),
        num(5..7),
        num(8..10),
        num(11..13),
        num(14..16),
        num(17..19),
    ) else {
        return bad();
    };
    if !(1900..=2999).contains(&year) || !(1..=12).contains(&mo) || hour > 23 || mi > 59 || se > 59
    {
        return bad();
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match mo {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if day == 0 || day > days {
        return bad();
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return bad();
        }
        rest = &frac[n..];
    }
    let ok = rest == "Z"
        || rest.strip_prefix('-').is_some_and(|o| WEST.contains(&o))
        || rest.strip_prefix('+').is_some_and(|o| EAST.contains(&o));
    if ok { Ok(()) } else { bad() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times_keep_their_offset() {
        let d = DateTimeWithTimezone::new("2024-06-12T09:00:00-04:00");
        assert!(d.check().is_ok());
        assert_eq!(
            d.parse().map(|x| x.offset().local_minus_utc()),
            Some(-4 * 3600)
        );
        assert_eq!(d.to_string(), "2024-06-12T09:00:00-04:00");
    }

    #[test]
    fn date_time_syntax() {
        for ok in [
            "2024-02-29T00:00:00Z",
            "2000-02-29T23:59:59.123+05:45",
            "1999-12-31T00:00:00-12:00",
        ] {
            assert_eq!(DateTimeWithTimezone::new(ok).check(), Ok(()), "{ok}");
        }
        for bad in [
            "2023-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2024-06-12",
            "2024-06-12T09:00:00",
            "2024-06-12T24:00:00Z",
            "2024-06-12T09:00:00+15:00",
            "2024-13-01T00:00:00Z",
            "3000-01-01T00:00:00Z",
            "2024-06-12T09:00:00.Z",
        ] {
            assert!(DateTimeWithTimezone::new(bad).check().is_err(), "{bad}");
        }
    }

    #[test]
    fn uuid_syntax_and_case() {
        assert!(
            Uuid::new("B5C2D3E4-1234-4ABC-8DEF-0123456789AB")
                .check()
                .is_ok()
        );
        assert!(
            Uuid::new("b5c2d3e4-1234-1abc-8def-0123456789ab")
                .check()
                .is_err()
        );
        assert!(
            Uuid::new("b5c2d3e4-1234-4abc-cdef-0123456789ab")
                .check()
                .is_err()
        );
        assert!(Uuid::new("not-a-uuid").check().is_err());
        assert!(Uuid::random().check().is_ok());
        let ns = Uuid::new("6ba7b811-9dad-51d1-80b4-00c04fd430c8");
        let a = Uuid::from_name(&ns, "V-1");
        assert_eq!(a, Uuid::from_name(&ns, "V-1"));
        assert_ne!(a, Uuid::from_name(&ns, "V-2"));
        assert!(a.check().is_ok());
    }

    #[test]
    fn tokens_uris_strings() {
        assert!(Token::new("ac-2.1").check().is_ok());
        assert!(Token::new("2fa").check().is_err());
        assert!(Token::new("a b").check().is_err());
        assert!(Uri::new("https://fedramp.gov/ns/oscal").check().is_ok());
        assert!(Uri::new("#abc").check().is_err());
        assert!(UriReference::new("#abc").check().is_ok());
        assert!(UriReference::new("a b").check().is_err());
        assert!(check_string("ok value").is_ok());
        assert!(check_string(" padded").is_err());
        assert!(check_string("two\nlines").is_err());
        assert!(check_string("").is_err());
        assert!(EmailAddress::new("a@b.c").check().is_ok());
        assert!(EmailAddress::new("nobody").check().is_err());
        assert!(Base64::new("aGVsbG8=").check().is_ok());
        assert!(Base64::new("a b").check().is_err());
        assert!(PositiveInteger(0).check().is_err());
        assert!(NonNegativeInteger(0).check().is_ok());
    }
}
