//! A small pull reader over quick-xml events for the XML scan formats: local names,
//! attributes and text with entities resolved, the place of every error, a DOCTYPE refused
//! (as in the OSCAL XML reader), and a document that ends inside an element reported as
//! truncated. It keeps one element's worth of state: memory follows what the caller keeps,
//! not the file.

use std::borrow::Cow;

use quick_xml::events::{BytesStart, Event};

use crate::error::{ScanError, ScanErrorKind, line_column};
use crate::finding::ScanFormat;

/// The refusal of a DOCTYPE (DTDs can read local files or expand without bound).
pub(crate) fn doctype_refused(format: Option<ScanFormat>) -> ScanError {
    ScanError::new(
        ScanErrorKind::Unsupported,
        format,
        "a DOCTYPE is not allowed: scan results need none, and DTD entities can read local files (XXE) or expand without bound; remove the `<!DOCTYPE ...>`",
    )
}

/// What the caller sees.
pub(crate) enum Node<'i> {
    /// A start tag (or an empty element, then `empty`), by local name.
    Open(Tag<'i>),
    /// An end tag.
    Close,
    /// Text or CDATA, with entities resolved (possibly one piece of a longer text).
    Text(Cow<'i, str>),
    Eof,
}

pub(crate) struct Tag<'i> {
    pub local: Cow<'i, str>,
    pub empty: bool,
    start: BytesStart<'i>,
}

impl Tag<'_> {
    /// The value of the attribute with this local name, entities resolved.
    pub(crate) fn attr(&self, name: &str) -> Option<String> {
        self.start.attributes().flatten().find_map(|a| {
            (a.key.local_name().as_ref() == name).then(|| {
                let raw = a.value.clone().into_owned();
                if raw.contains('&') {
                    quick_xml::escape::unescape(&raw).map_or(raw.clone(), Cow::into_owned)
                } else {
                    raw
                }
            })
        })
    }
}

pub(crate) struct XmlReader<'i> {
    reader: quick_xml::Reader<&'i [u8]>,
    bytes: &'i [u8],
    format: ScanFormat,
    /// Open elements, for the truncation check.
    depth: usize,
}

impl<'i> XmlReader<'i> {
    /// A reader of `text` (already checked to be UTF-8).
    pub(crate) fn new(text: &'i str, format: ScanFormat) -> Self {
        let mut reader = quick_xml::Reader::from_str(text);
        let config = reader.config_mut();
        config.trim_text(false);
        config.expand_empty_elements = false;
        config.check_end_names = true;
        Self {
            reader,
            bytes: text.as_bytes(),
            format,
            depth: 0,
        }
    }

    /// Where the reader is: `line L, column C`.
    pub(crate) fn place(&self) -> String {
        line_column(
            self.bytes,
            usize::try_from(self.reader.buffer_position()).unwrap_or(0),
        )
    }

    pub(crate) fn error(&self, kind: ScanErrorKind, message: impl Into<String>) -> ScanError {
        ScanError::new(kind, Some(self.format), message).at(self.place())
    }

    /// The next node that matters (declarations, comments and processing instructions are
    /// skipped).
    pub(crate) fn next(&mut self) -> Result<Node<'i>, ScanError> {
        loop {
            let event = self.reader.read_event().map_err(|e| {
                let at = usize::try_from(self.reader.error_position()).unwrap_or(0);
                ScanError::syntax(self.format, format!("malformed XML: {e}"))
                    .at(line_column(self.bytes, at))
            })?;
            return Ok(match event {
                Event::Start(s) => {
                    self.depth += 1;
                    Node::Open(tag(s, false))
                }
                Event::Empty(s) => Node::Open(tag(s, true)),
                Event::End(_) => {
                    self.depth = self.depth.saturating_sub(1);
                    Node::Close
                }
                Event::Text(t) => Node::Text(t.xml10_content()),
                Event::CData(c) => Node::Text(c.xml10_content()),
                Event::GeneralRef(r) => Node::Text(self.reference(&r)?),
                Event::DocType(_) => {
                    return Err(doctype_refused(Some(self.format)).at(self.place()));
                }
                Event::Eof if self.depth > 0 => {
                    return Err(self.error(
                        ScanErrorKind::Syntax,
                        "the document ends before its elements are closed (a truncated file?)",
                    ));
                }
                Event::Eof => Node::Eof,
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => continue,
            });
        }
    }

    fn reference(&self, r: &quick_xml::events::BytesRef<'_>) -> Result<Cow<'i, str>, ScanError> {
        let name: &str = r;
        if let Some(s) = quick_xml::escape::resolve_predefined_entity(name) {
            return Ok(Cow::Borrowed(s));
        }
        match r.resolve_char_ref() {
            Ok(Some(c)) => Ok(Cow::Owned(c.to_string())),
            _ => Err(self.error(
                ScanErrorKind::Syntax,
                format!(
                    "unknown entity `&{name};`: only the five predefined XML entities and character references are allowed"
                ),
            )),
        }
    }

    /// The whole text content of the element just opened (`open` is its tag), child
    /// elements' text included, up to its end tag.
    pub(crate) fn text_of(&mut self, open: &Tag<'_>) -> Result<String, ScanError> {
        let mut out = String::new();
        if open.empty {
            return Ok(out);
        }
        let mut depth = 0usize;
        loop {
            match self.next()? {
                Node::Text(t) => out.push_str(&t),
                Node::Open(t) if !t.empty => depth += 1,
                Node::Open(_) => {}
                Node::Close if depth == 0 => return Ok(out),
                Node::Close => depth -= 1,
                Node::Eof => {
                    return Err(
                        self.error(ScanErrorKind::Syntax, "the document ends inside an element")
                    );
                }
            }
        }
    }

    /// Skips the rest of the element just opened.
    pub(crate) fn skip(&mut self, open: &Tag<'_>) -> Result<(), ScanError> {
        self.text_of(open).map(|_| ())
    }
}

fn tag(start: BytesStart<'_>, empty: bool) -> Tag<'_> {
    // The local name borrows the start tag; copy it (names are short).
    let local = Cow::Owned(start.local_name().into_inner().to_owned());
    Tag {
        local,
        empty,
        start,
    }
}

/// `bytes` as UTF-8 text (without a BOM), or the place of the first bad byte.
pub(crate) fn utf8(bytes: &[u8], format: ScanFormat) -> Result<&str, ScanError> {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(b).map_err(|e| {
        ScanError::new(
            ScanErrorKind::Unsupported,
            Some(format),
            "the file is not UTF-8 text; save it as UTF-8",
        )
        .at(line_column(b, e.valid_up_to()))
    })
}
