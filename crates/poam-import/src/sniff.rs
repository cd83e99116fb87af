//! Which format a scan file is in, from its content (never from its name): the root element
//! of XML, the telling top-level member of JSON, the header row of CSV.

use std::cell::Cell;
use std::fmt;

use quick_xml::events::Event;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::error::{ScanError, ScanErrorKind};
use crate::finding::ScanFormat;

/// The bytes without a UTF-8 byte order mark and leading white space.
pub(crate) fn trimmed(bytes: &[u8]) -> &[u8] {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    &b[start..]
}

/// Recognizes the format of `bytes`.
pub fn sniff(bytes: &[u8]) -> Result<ScanFormat, ScanError> {
    let b = trimmed(bytes);
    match b.first() {
        None => Err(ScanError::unknown_format("the file is empty")),
        Some(b'<') => sniff_xml(b),
        Some(b'{' | b'[') => sniff_json(b),
        Some(_) => sniff_csv(b),
    }
}

/// XML: the root element's local name.
fn sniff_xml(b: &[u8]) -> Result<ScanFormat, ScanError> {
    // The root comes early; reading a prefix keeps sniffing cheap on a 500 MB file.
    let prefix = &b[..b.len().min(1 << 16)];
    let mut r = quick_xml::Reader::from_reader(prefix);
    let mut buf = Vec::new();
    loop {
        let at = r.buffer_position();
        match r.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                let local = e.local_name();
                return match local.as_ref() {
                    "NessusClientData_v2" => Ok(ScanFormat::NessusXml),
                    "Benchmark" | "TestResult" => Ok(ScanFormat::Xccdf),
                    other => Err(ScanError::unknown_format(&format!(
                        "an XML document whose root element is <{other}>"
                    ))),
                };
            }
            Ok(Event::DocType(_)) => {
                return Err(
                    crate::read::xml::doctype_refused(None).at(crate::error::line_column(
                        b,
                        usize::try_from(at).unwrap_or(0),
                    )),
                );
            }
            Ok(Event::Eof) | Err(_) => {
                return Err(ScanError::unknown_format(
                    "an XML document with no root element poam could read",
                ));
            }
            Ok(_) => {}
        }
        buf.clear();
    }
}

/// CSV: a Nessus export's header row names the plugin, the host and the risk.
fn sniff_csv(b: &[u8]) -> Result<ScanFormat, ScanError> {
    let first_line = b.split(|&c| c == b'\n').next().unwrap_or_default();
    let header = String::from_utf8_lossy(first_line).to_ascii_lowercase();
    let columns: Vec<&str> = header
        .split(',')
        .map(|c| c.trim().trim_matches('"').trim())
        .collect();
    let has = |names: &[&str]| columns.iter().any(|c| names.contains(c));
    if has(&["plugin id", "plugin"])
        && has(&["host", "ip address", "ip", "dns name"])
        && has(&["risk", "severity", "risk factor"])
    {
        Ok(ScanFormat::NessusCsv)
    } else {
        Err(ScanError::unknown_format(
            "the file is neither JSON nor XML, and its first line is not a Nessus CSV header (Plugin ID, Host, Risk)",
        ))
    }
}

/// JSON: decided by the first telling top-level member, without reading the rest.
fn sniff_json(b: &[u8]) -> Result<ScanFormat, ScanError> {
    let decided = Cell::new(None);
    let mut de = serde_json::Deserializer::from_slice(b);
    let outcome = (&mut de).deserialize_any(TopLevel { decided: &decided });
    if let Some(f) = decided.get() {
        return Ok(f);
    }
    match outcome {
        Err(e) if e.is_syntax() || e.is_eof() => Err(ScanError::new(
            ScanErrorKind::Syntax,
            None,
            format!("malformed JSON: {e}"),
        )),
        _ => Err(ScanError::unknown_format(
            "a JSON document with none of the members that name a scanner format (runs, SchemaVersion, Results, matches, findings)",
        )),
    }
}

struct TopLevel<'c> {
    decided: &'c Cell<Option<ScanFormat>>,
}

fn format_of_key(key: &str) -> Option<ScanFormat> {
    match key {
        "runs" => Some(ScanFormat::Sarif),
        "SchemaVersion" | "ArtifactName" | "Results" | "ClusterName" => Some(ScanFormat::Trivy),
        "matches" => Some(ScanFormat::Grype),
        "findings" => Some(ScanFormat::Inspector),
        _ => None,
    }
}

/// The error that stops reading once the format is known (the caller looks at `decided`).
fn stop<E: de::Error>() -> E {
    E::custom("format decided")
}

impl<'de> Visitor<'de> for TopLevel<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object or array")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if let Some(f) = format_of_key(&key) {
                self.decided.set(Some(f));
                return Err(stop());
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        // The older Trivy form is a bare list of results (`Target`, `Vulnerabilities`).
        match seq.next_element::<FirstElement>()? {
            None | Some(FirstElement(true)) => {
                self.decided.set(Some(ScanFormat::Trivy));
                Err(stop())
            }
            Some(FirstElement(false)) => Ok(()),
        }
    }
}

/// Whether a list's first element looks like a Trivy result.
struct FirstElement(bool);

impl<'de> de::Deserialize<'de> for FirstElement {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FirstElement;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FirstElement, A::Error> {
                let mut trivy = false;
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    trivy |= matches!(&*key, "Target" | "Vulnerabilities");
                    map.next_value::<IgnoredAny>()?;
                }
                Ok(FirstElement(trivy))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<FirstElement, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(FirstElement(false))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<FirstElement, E> {
                Ok(FirstElement(false))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<FirstElement, E> {
                Ok(FirstElement(false))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<FirstElement, E> {
                Ok(FirstElement(false))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<FirstElement, E> {
                Ok(FirstElement(false))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<FirstElement, E> {
                Ok(FirstElement(false))
            }
            fn visit_unit<E: de::Error>(self) -> Result<FirstElement, E> {
                Ok(FirstElement(false))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_content() {
        let f = |s: &str| sniff(s.as_bytes());
        assert_eq!(
            f("<?xml version=\"1.0\"?>\n<NessusClientData_v2><Report/></NessusClientData_v2>"),
            Ok(ScanFormat::NessusXml)
        );
        assert_eq!(
            f("<cdf:Benchmark xmlns:cdf=\"http://checklists.nist.gov/xccdf/1.1\"/>"),
            Ok(ScanFormat::Xccdf)
        );
        assert_eq!(
            f("{\"version\":\"2.1.0\",\"runs\":[]}"),
            Ok(ScanFormat::Sarif)
        );
        assert_eq!(f("\u{feff} {\"SchemaVersion\":2}"), Ok(ScanFormat::Trivy));
        assert_eq!(f("[{\"Target\":\"x\"}]"), Ok(ScanFormat::Trivy));
        assert_eq!(f("[]"), Ok(ScanFormat::Trivy));
        assert_eq!(f("{\"matches\":[]}"), Ok(ScanFormat::Grype));
        assert_eq!(
            f("{\"other\":{\"a\":[1,2]},\"findings\":[]}"),
            Ok(ScanFormat::Inspector)
        );
        assert_eq!(
            f("Plugin ID,CVE,Risk,Host,Protocol,Port,Name\n1,,None,h,tcp,0,x\n"),
            Ok(ScanFormat::NessusCsv)
        );
    }

    #[test]
    fn unknown_and_refused() {
        let e = sniff(b"{\"plan-of-action-and-milestones\":{}}").expect_err("not a scan");
        assert_eq!(e.kind, ScanErrorKind::UnknownFormat);
        assert!(e.message.contains("SARIF 2.1.0"), "{e}");
        let e = sniff(b"<html><body/></html>").expect_err("not a scan");
        assert!(e.message.contains("<html>"), "{e}");
        let e = sniff(b"hello, world\n").expect_err("not a scan");
        assert_eq!(e.kind, ScanErrorKind::UnknownFormat);
        let e = sniff(b"").expect_err("empty");
        assert_eq!(e.kind, ScanErrorKind::UnknownFormat);
        let e = sniff(b"{\"runs\": [").map(|_| ());
        assert_eq!(e, Ok(()), "decided before the end");
        let e = sniff(b"{\"a\": [").expect_err("truncated");
        assert_eq!(e.kind, ScanErrorKind::Syntax);
        let e = sniff(
            b"<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><NessusClientData_v2/>",
        )
        .expect_err("DTD");
        assert_eq!(e.kind, ScanErrorKind::Unsupported);
    }
}
