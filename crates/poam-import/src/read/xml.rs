//! A small pull reader over quick-xml events for the XML scan formats: local names,
//! attributes and text with entities resolved, the place of every error, a DOCTYPE refused
//! (as in the OSCAL XML reader), and a document that ends inside an element reported as
//! truncated. It streams from a `BufRead` and keeps one event's worth of state: memory
//! follows what the caller keeps, not the file, and a place (`line L, column C`) is counted
//! on the way rather than searched for.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::io::{BufRead, Read};

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
pub(crate) enum Node {
    /// A start tag (or an empty element, then `empty`), by local name.
    Open(Tag),
    /// An end tag.
    Close,
    /// Text or CDATA (possibly one piece of a longer text); [`XmlReader::text_of`] collects
    /// it.
    Text,
    Eof,
}

/// A start tag, owned: the reader's buffer is reused for the next event.
pub(crate) struct Tag {
    pub(crate) empty: bool,
    start: BytesStart<'static>,
}

impl Tag {
    /// The element's local name (`ReportItem`, `rule-result`).
    pub(crate) fn local(&self) -> &str {
        self.start.local_name().into_inner()
    }

    /// The value of the attribute with this local name, entities resolved.
    pub(crate) fn attr(&self, name: &str) -> Option<String> {
        self.attributes()
            .find(|(local, _)| *local == name)
            .map(|(_, value)| value.into_owned())
    }

    /// Every attribute by local name, its value with entities resolved (borrowed from the
    /// tag when it has none): one pass for a caller that wants several.
    pub(crate) fn attributes(&self) -> impl Iterator<Item = (&str, Cow<'_, str>)> {
        self.start.attributes().flatten().map(|a| {
            let local = a.key.local_name().into_inner();
            let value = if a.value.contains('&') {
                quick_xml::escape::unescape(&a.value)
                    .map_or_else(|_| a.value.clone(), |v| Cow::Owned(v.into_owned()))
            } else {
                a.value
            };
            (local, value)
        })
    }
}

/// The input as the XML parser consumes it, counting lines and the characters of the
/// current line on the way, so that a place costs nothing to compute and the file never
/// needs to be in memory.
struct Counted<'a> {
    inner: Box<dyn BufRead + 'a>,
    /// Bytes consumed.
    offset: u64,
    /// The current line (1-based) and the offset where it starts.
    line: u64,
    line_start: u64,
    /// Characters (UTF-8 lead bytes) consumed on the current line.
    line_chars: u64,
    /// The starts of the last lines, for the place of an error a little behind the parser.
    recent: VecDeque<u64>,
}

/// How many line starts [`Counted`] remembers.
const RECENT_LINES: usize = 256;

impl<'a> Counted<'a> {
    fn new(inner: Box<dyn BufRead + 'a>) -> Self {
        Self {
            inner,
            offset: 0,
            line: 1,
            line_start: 0,
            line_chars: 0,
            recent: VecDeque::with_capacity(RECENT_LINES),
        }
    }

    /// `line L, column C` of the parser's position.
    fn here(&self) -> String {
        format!("line {}, column {}", self.line, self.line_chars + 1)
    }

    /// `line L, column C` of an offset at or before the parser's position (the column in
    /// bytes when it is on an earlier line).
    fn place_of(&self, at: u64) -> String {
        if at >= self.line_start {
            return format!("line {}, column {}", self.line, at - self.line_start + 1);
        }
        let later = self.recent.iter().rev().take_while(|&&s| s > at).count() as u64;
        let start = self.recent.iter().rev().find(|&&s| s <= at);
        match start {
            Some(s) => format!("line {}, column {}", self.line - later, at - s + 1),
            None => self.here(),
        }
    }
}

impl Read for Counted<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = {
            let buf = self.fill_buf()?;
            let n = buf.len().min(out.len());
            out[..n].copy_from_slice(&buf[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Counted<'_> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        // The bytes handed out by the last `fill_buf` are still buffered: count them, with
        // vectorized searches (memchr, ASCII checks) rather than a branch per byte.
        if let Ok(buf) = self.inner.fill_buf() {
            let seen = &buf[..amt.min(buf.len())];
            match memchr::memrchr(b'\n', seen) {
                None => self.line_chars += chars(seen),
                Some(last) => {
                    // Only the last `RECENT_LINES` line starts are kept: the older ones
                    // drop out as the new ones come, with no allocation per event.
                    for i in memchr::memchr_iter(b'\n', seen) {
                        if self.recent.len() == RECENT_LINES {
                            self.recent.pop_front();
                        }
                        self.recent.push_back(self.offset + i as u64 + 1);
                        self.line += 1;
                    }
                    self.line_start = self.offset + last as u64 + 1;
                    self.line_chars = chars(&seen[last + 1..]);
                }
            }
        }
        self.offset += amt as u64;
        self.inner.consume(amt);
    }
}

/// The characters in `bytes` of UTF-8: the bytes that are not continuation bytes (all of
/// them in ASCII, the common case, checked a word at a time).
fn chars(bytes: &[u8]) -> u64 {
    if bytes.is_ascii() {
        return bytes.len() as u64;
    }
    bytes.iter().filter(|&&b| b.cast_signed() >= -0x40).count() as u64
}

pub(crate) struct XmlReader<'a> {
    reader: quick_xml::Reader<Counted<'a>>,
    buf: Vec<u8>,
    /// The local name of the last start tag, kept in one buffer ([`Self::next_uncopied`]).
    name: String,
    format: ScanFormat,
    /// Open elements, for the truncation check.
    depth: usize,
}

impl<'a> XmlReader<'a> {
    /// A reader of `input`, streamed: memory follows one event, not the file.
    pub(crate) fn new(input: Box<dyn BufRead + 'a>, format: ScanFormat) -> Self {
        let mut reader = quick_xml::Reader::from_reader(Counted::new(input));
        let config = reader.config_mut();
        config.trim_text(false);
        config.expand_empty_elements = false;
        config.check_end_names = true;
        Self {
            reader,
            buf: Vec::with_capacity(4096),
            name: String::new(),
            format,
            depth: 0,
        }
    }

    /// Where the reader is: `line L, column C`.
    pub(crate) fn place(&self) -> String {
        self.reader.get_ref().here()
    }

    pub(crate) fn error(&self, kind: ScanErrorKind, message: impl Into<String>) -> ScanError {
        ScanError::new(kind, Some(self.format), message).at(self.place())
    }

    /// The next node that matters (declarations, comments and processing instructions are
    /// skipped).
    pub(crate) fn next(&mut self) -> Result<Node, ScanError> {
        self.step(None, true)
    }

    /// [`Self::next`] without copying a start tag: its [`Tag`] has no attributes, and its
    /// local name is [`Self::name`] until the next start tag. For the many child elements
    /// a reader only tells apart by name.
    pub(crate) fn next_uncopied(&mut self) -> Result<Node, ScanError> {
        self.step(None, false)
    }

    /// The local name of the last start tag read.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// The next node; text (entities resolved) is appended to `text` when given. Without
    /// `tags`, a start tag is not copied (the caller only counts the nesting): its
    /// [`Tag`] has no name or attributes.
    fn step(&mut self, mut text: Option<&mut String>, tags: bool) -> Result<Node, ScanError> {
        loop {
            self.buf.clear();
            let event = match self.reader.read_event_into(&mut self.buf) {
                Ok(e) => e,
                Err(e) => {
                    let at = self.reader.get_ref().place_of(self.reader.error_position());
                    return Err(match e {
                        quick_xml::Error::Encoding(_) => not_utf8(self.format),
                        e => ScanError::syntax(self.format, format!("malformed XML: {e}")),
                    }
                    .at(at));
                }
            };
            return Ok(match event {
                Event::Start(s) => {
                    self.depth += 1;
                    self.name.clear();
                    self.name.push_str(s.local_name().into_inner());
                    Node::Open(tag(s, false, tags))
                }
                Event::Empty(s) => {
                    self.name.clear();
                    self.name.push_str(s.local_name().into_inner());
                    Node::Open(tag(s, true, tags))
                }
                Event::End(_) => {
                    self.depth = self.depth.saturating_sub(1);
                    Node::Close
                }
                Event::Text(t) => {
                    if let Some(out) = text.as_deref_mut() {
                        out.push_str(&t.xml10_content());
                    }
                    Node::Text
                }
                Event::CData(c) => {
                    if let Some(out) = text.as_deref_mut() {
                        out.push_str(&c.xml10_content());
                    }
                    Node::Text
                }
                Event::GeneralRef(r) => {
                    let resolved = reference(&r);
                    match (resolved, text.as_deref_mut()) {
                        (Some(c), Some(out)) => out.push_str(&c),
                        (Some(_), None) => {}
                        (None, _) => {
                            let name: &str = &r;
                            let message = format!(
                                "unknown entity `&{name};`: only the five predefined XML entities and character references are allowed"
                            );
                            return Err(self.error(ScanErrorKind::Syntax, message));
                        }
                    }
                    Node::Text
                }
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

    /// The whole text content of the element just opened (`open` is its tag), child
    /// elements' text included, up to its end tag.
    pub(crate) fn text_of(&mut self, open: &Tag) -> Result<String, ScanError> {
        let mut out = String::new();
        self.text_into(open, &mut out)?;
        Ok(out)
    }

    /// [`Self::text_of`] into `out` (cleared first): a buffer reused from one element to
    /// the next allocates nothing per element.
    pub(crate) fn text_into(&mut self, open: &Tag, out: &mut String) -> Result<(), ScanError> {
        out.clear();
        if open.empty {
            return Ok(());
        }
        let mut depth = 0usize;
        loop {
            match self.step(Some(out), false)? {
                Node::Open(t) if !t.empty => depth += 1,
                Node::Text | Node::Open(_) => {}
                Node::Close if depth == 0 => return Ok(()),
                Node::Close => depth -= 1,
                Node::Eof => {
                    return Err(
                        self.error(ScanErrorKind::Syntax, "the document ends inside an element")
                    );
                }
            }
        }
    }

    /// Skips the rest of the element just opened (its text is not decoded).
    pub(crate) fn skip(&mut self, open: &Tag) -> Result<(), ScanError> {
        if open.empty {
            return Ok(());
        }
        let mut depth = 0usize;
        loop {
            match self.step(None, false)? {
                Node::Open(t) if !t.empty => depth += 1,
                Node::Text | Node::Open(_) => {}
                Node::Close if depth == 0 => return Ok(()),
                Node::Close => depth -= 1,
                Node::Eof => {
                    return Err(
                        self.error(ScanErrorKind::Syntax, "the document ends inside an element")
                    );
                }
            }
        }
    }
}

/// A predefined entity or character reference, resolved.
fn reference(r: &quick_xml::events::BytesRef<'_>) -> Option<Cow<'static, str>> {
    let name: &str = r;
    if let Some(s) = quick_xml::escape::resolve_predefined_entity(name) {
        return Some(Cow::Borrowed(s));
    }
    match r.resolve_char_ref() {
        Ok(Some(c)) => Some(Cow::Owned(c.to_string())),
        _ => None,
    }
}

fn tag(start: BytesStart<'_>, empty: bool, copy: bool) -> Tag {
    Tag {
        empty,
        start: if copy {
            start.into_owned()
        } else {
            BytesStart::new("")
        },
    }
}

/// The refusal of bytes that are not UTF-8.
fn not_utf8(format: ScanFormat) -> ScanError {
    ScanError::new(
        ScanErrorKind::Unsupported,
        Some(format),
        "the file is not UTF-8 text; save it as UTF-8",
    )
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every start tag's place and text, read through a buffer of `capacity` bytes.
    fn walk(text: &[u8], capacity: usize) -> Result<Vec<(String, String, String)>, ScanError> {
        let input = Box::new(std::io::BufReader::with_capacity(capacity, text));
        let mut r = XmlReader::new(input, ScanFormat::NessusXml);
        let mut out = Vec::new();
        loop {
            match r.next()? {
                Node::Open(t) if t.local() != "a" => {
                    let place = r.place();
                    let text = r.text_of(&t)?;
                    out.push((t.local().to_owned(), place, text));
                }
                Node::Eof => return Ok(out),
                _ => {}
            }
        }
    }

    /// Places are counted as the bytes stream by, in characters, whatever the chunks: the
    /// same as searching the whole text (the in-memory reader's way before streaming).
    #[test]
    fn places_and_text_do_not_depend_on_the_chunks() -> Result<(), ScanError> {
        let text = "\u{feff}<?xml version=\"1.0\"?>\n<a>\n  <b x=\"1\">caf\u{e9} &amp; th\u{e9}</b>\n\u{e9}\u{e9}<c><![CDATA[<raw>]]>&#233;</c>\r\n    <d/></a>\n";
        let bytes = text.as_bytes();
        let whole = walk(bytes, 1 << 16)?;
        for capacity in [1, 2, 3, 5, 7, 64] {
            assert_eq!(walk(bytes, capacity)?, whole, "buffer of {capacity}");
        }
        let expect = |tag: &str| {
            let end = text.find(&format!("<{tag}")).unwrap_or(0);
            let close = end + text[end..].find('>').unwrap_or(0) + 1;
            line_column(bytes, close)
        };
        let places: Vec<&str> = whole.iter().map(|w| w.1.as_str()).collect();
        assert_eq!(places, [expect("b"), expect("c"), expect("d")]);
        assert_eq!(whole[0].2, "caf\u{e9} & th\u{e9}");
        assert_eq!(whole[1].2, "<raw>\u{e9}");
        Ok(())
    }

    #[test]
    fn bad_bytes_and_early_ends_have_places() {
        let e = walk(b"<a>\n<b>caf\xe9</b></a>", 3).expect_err("Latin-1");
        assert_eq!(e.kind, ScanErrorKind::Unsupported, "{e}");
        assert!(e.message.contains("not UTF-8"), "{e}");
        assert_eq!(e.place.as_deref().map(|p| &p[..6]), Some("line 2"), "{e}");
        let e = walk(b"<a>\n<b>text</b>\n<c>", 4).expect_err("truncated");
        assert_eq!(e.kind, ScanErrorKind::Syntax, "{e}");
        assert!(e.message.contains("truncated"), "{e}");
        let e = walk(b"<a>\n\n<b>&xxe;</b></a>", 2).expect_err("entity");
        assert_eq!(e.place.as_deref(), Some("line 3, column 9"), "{e}");
        let e = walk(b"<a>\n<b></c></a>", 2).expect_err("mismatched end tag");
        assert_eq!(e.kind, ScanErrorKind::Syntax, "{e}");
        assert_eq!(e.place.as_deref().map(|p| &p[..6]), Some("line 2"), "{e}");
    }
}
