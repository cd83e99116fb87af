//! OSCAL XML: reading and writing the whole POA&M model in the OSCAL namespace.
//!
//! The per-type code (`generated.rs`) comes from the metaschema, as the model does (`cargo
//! xtask codegen`); this module holds the hand-written runtime it calls:
//!
//! - `reader.rs`: quick-xml events over the borrowed input (no DOM). Flags are attributes,
//!   fields are elements with text, `GROUPED` groups sit in their wrapper element.
//! - `writer.rs`: indented structure, exact text, escaping.
//! - `markup.rs`: markup-line / markup-multiline content via `poam_markup`.
//! - `locate.rs`: JSON pointer <-> position in XML text, from the generated element table.
//!
//! Reading is strict about content and lenient about order:
//! - an unknown element or attribute, text where only elements belong, a second copy of a
//!   single-valued element, an element outside the OSCAL namespace: an error at its
//!   line:column, never dropped;
//! - a DOCTYPE (and so any entity declaration) is refused, and so is any entity reference
//!   but the five predefined ones: no XXE, no entity expansion;
//! - children may come in any order: the model has no order to keep, so the same content in
//!   another order is the same POA&M; the official XSD fixes the order and reports it, and
//!   the writer always writes metaschema order;
//! - a required element or attribute that is missing is an error; a required repeated element
//!   with no occurrence loads as an empty list (XML cannot tell "absent" from "empty"), for
//!   the validator to report;
//! - values are kept as written (no datatype check on load) except that whitespace is
//!   collapsed where the XSD type collapses it (date-times, URIs, Base64, integers) and
//!   integers must parse;
//! - empty markup (`<description/>`, which the XSD rejects) loads as empty markup.
//!
//! Not carried over: comments, processing instructions (`<?xml-model?>`), `xsi:*` attributes
//! on the root, and the JSON `$schema` member, which has no place in XML. None of them is
//! POA&M content.

#[rustfmt::skip]
mod generated;
mod locate;
mod markup;
mod reader;
mod table;
mod writer;

use quick_xml::events::{BytesDecl, BytesStart, Event};

use poam_model::Document;

use crate::SourceName;
use crate::error::{ErrorKind, Position, ReadError, WriteError};
use reader::{OSCAL_NS, Rd, Start, XmlError, doctype_refused, is_xml_space, late_declaration};

pub(crate) use locate::{locate, pointer_at};

/// The root element of a POA&M (the model's root member name).
use poam_model::ROOT_NAME;

/// Reads a POA&M from OSCAL XML text.
pub(crate) fn read(text: &str, name: &SourceName) -> Result<Document, ReadError> {
    read_document(text).map_err(|e| {
        let mut err = ReadError::new(name, e.kind, e.message).at(Position::of_offset(text, e.at));
        if let Some(p) = pointer_at(text, e.at) {
            err = err.with_pointer(p);
        }
        err
    })
}

/// Writes a POA&M as OSCAL XML.
pub(crate) fn write(doc: &Document) -> Result<Vec<u8>, WriteError> {
    let mut w = writer::Wr::new(1 << 16);
    generated::write_root(&mut w, &doc.plan_of_action_and_milestones);
    w.finish().map_err(WriteError::Xml)
}

fn read_document(text: &str) -> Result<Document, XmlError> {
    if let Some((at, c)) = first_illegal_char(text) {
        return Err(XmlError::new(
            at,
            ErrorKind::Syntax,
            format!(
                "malformed XML: the character U+{:04X} is not allowed in XML 1.0",
                u32::from(c)
            ),
        ));
    }
    let mut r = Rd::new(text);
    // Only the document's first event may be its XML declaration: a later one is refused
    // at once (checking each of thousands of them looked at the whole text every time).
    let mut first = true;
    let root = loop {
        let at = r.pos();
        let event = r.event()?;
        let is_first = std::mem::replace(&mut first, false);
        match event {
            Event::Decl(d) if is_first => check_declaration(&d, text, at)?,
            Event::Decl(_) => return Err(late_declaration(at)),
            Event::PI(_) | Event::Comment(_) => {}
            Event::Text(t) if t.trim_matches(is_xml_space).is_empty() => {}
            Event::DocType(_) => return Err(doctype_refused(at)),
            Event::Start(tag) => break root_start(&mut r, tag, at, false)?,
            Event::Empty(tag) => break root_start(&mut r, tag, at, true)?,
            Event::Eof => {
                return Err(XmlError::new(
                    at,
                    ErrorKind::Structure,
                    format!("no root element: expected `<{ROOT_NAME} xmlns=\"{OSCAL_NS}\">`"),
                ));
            }
            _ => {
                return Err(XmlError::new(
                    at,
                    ErrorKind::Syntax,
                    "malformed XML: text before the root element",
                ));
            }
        }
    };
    let poam = generated::read_root(&mut r, &root)?;
    loop {
        let at = r.pos();
        match r.event()? {
            Event::Eof => break,
            Event::PI(_) | Event::Comment(_) => {}
            Event::Text(t) if t.trim_matches(is_xml_space).is_empty() => {}
            Event::DocType(_) => return Err(doctype_refused(at)),
            _ => {
                return Err(XmlError::new(
                    at,
                    ErrorKind::Syntax,
                    format!(
                        "malformed XML: content after the end of the root element `</{ROOT_NAME}>`"
                    ),
                ));
            }
        }
    }
    Ok(Document {
        schema: None,
        plan_of_action_and_milestones: poam,
    })
}

/// Checks the root element's name and namespace.
fn root_start<'i>(
    r: &mut Rd<'i>,
    tag: BytesStart<'i>,
    at: usize,
    empty: bool,
) -> Result<Start<'i>, XmlError> {
    let local = tag.local_name().into_inner().to_owned();
    let qname = tag.name().into_inner().to_owned();
    let started = r.start(tag, at, empty);
    if local != ROOT_NAME {
        let message = if started.is_ok() && poam_model::OTHER_MODELS.contains(&local.as_str()) {
            format!("this is an OSCAL {local}, not a {ROOT_NAME} (POA&M)")
        } else {
            format!(
                "the root element is `<{qname}>`; an OSCAL POA&M starts with `<{ROOT_NAME} xmlns=\"{OSCAL_NS}\">`"
            )
        };
        return Err(XmlError::new(at, ErrorKind::Structure, message));
    }
    Ok(started?.into_root())
}

/// The declaration must be one an XML 1.x processor accepts: version `1.` and digits, an
/// encoding that exists (WHATWG labels, `encoding_rs`). The input was decoded as UTF-8; a
/// declaration naming another encoding is believed only when it makes no difference (ASCII
/// text).
fn check_declaration(d: &BytesDecl<'_>, text: &str, at: usize) -> Result<(), XmlError> {
    let version = d
        .version()
        .map(std::borrow::Cow::into_owned)
        .unwrap_or_default();
    let digits = version.strip_prefix("1.").unwrap_or("");
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(XmlError::new(
            at,
            ErrorKind::Syntax,
            format!(
                "the XML declaration says version=\"{version}\"; XML documents are version 1.0 (or 1.x)"
            ),
        ));
    }
    if let Some(enc) = d.encoding() {
        let enc = enc.map_err(|_| {
            XmlError::new(
                at,
                ErrorKind::Syntax,
                "the XML declaration's encoding is not readable text",
            )
        })?;
        if encoding_rs::Encoding::for_label(enc.as_bytes()).is_none() {
            return Err(XmlError::new(
                at,
                ErrorKind::Encoding,
                format!(
                    "the XML declaration says encoding=\"{enc}\", which is not an encoding; write encoding=\"UTF-8\""
                ),
            ));
        }
        let e = enc.to_ascii_lowercase();
        if !matches!(e.as_str(), "utf-8" | "utf8" | "us-ascii" | "ascii") && !text.is_ascii() {
            return Err(XmlError::new(
                at,
                ErrorKind::Encoding,
                format!(
                    "the XML declaration says encoding=\"{enc}\"; poam reads UTF-8 only: convert the file to UTF-8 and say so in the declaration"
                ),
            ));
        }
    }
    Ok(())
}

/// The first character XML 1.0 does not allow (C0 controls but tab, LF and CR; U+FFFE and
/// U+FFFF). Chunks are tested with branch-free comparisons that the compiler vectorizes; only
/// a chunk holding a suspect byte (a control or the lead byte 0xEF) is looked at closely.
fn first_illegal_char(text: &str) -> Option<(usize, char)> {
    const CHUNK: usize = 64;
    let b = text.as_bytes();
    // Bitwise, not lazy: no branch per byte, so the scan of a chunk vectorises.
    #[allow(clippy::needless_bitwise_bool)]
    let suspect = |c: u8| ((c < 0x20) & (c != b'\t') & (c != b'\n') & (c != b'\r')) | (c == 0xEF);
    for (n, chunk) in b.chunks(CHUNK).enumerate() {
        if !chunk.iter().fold(false, |acc, &c| acc | suspect(c)) {
            continue;
        }
        for (j, &c) in chunk.iter().enumerate() {
            let i = n * CHUNK + j;
            let illegal = (c < 0x20 && !matches!(c, b'\t' | b'\n' | b'\r'))
                || (c == 0xEF
                    && b.get(i + 1) == Some(&0xBF)
                    && matches!(b.get(i + 2), Some(0xBE | 0xBF)));
            if illegal {
                return text.get(i..).and_then(|s| s.chars().next()).map(|c| (i, c));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn illegal_characters() {
        assert_eq!(first_illegal_char("ok\t\r\n"), None);
        assert_eq!(first_illegal_char("a\u{1}"), Some((1, '\u{1}')));
        assert_eq!(first_illegal_char("é\u{FFFF}"), Some((2, '\u{FFFF}')));
        assert_eq!(first_illegal_char("\u{FFFD}"), None);
        // past the first chunk, and across a chunk boundary
        let long = format!("{}\u{2}", "a".repeat(100));
        assert_eq!(first_illegal_char(&long), Some((100, '\u{2}')));
        let across = format!("{}\u{FFFE}", "a".repeat(63));
        assert_eq!(first_illegal_char(&across), Some((63, '\u{FFFE}')));
        assert_eq!(
            first_illegal_char(&format!("{}\u{F000}", "a".repeat(63))),
            None
        );
    }
}
