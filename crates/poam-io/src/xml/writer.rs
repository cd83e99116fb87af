//! The byte-level half of the XML writer: the generated `write_*` functions call these.
//!
//! Structure is indented by two spaces per level; text and markup content are written exactly,
//! with no whitespace added inside them. Output goes straight into one `Vec<u8>`; values are
//! escaped on the way, borrowing when they need no escaping.

use std::borrow::Cow;

use poam_model::datatypes as dt;

use super::reader::{OSCAL_NS, is_xml_char};

/// A model value written as XML text (attribute value or element content).
pub(crate) trait ToXmlText {
    fn xml_text(&self) -> Cow<'_, str>;
}

impl ToXmlText for String {
    fn xml_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

macro_rules! string_like {
    ($($t:ty),*) => {$(
        impl ToXmlText for $t {
            fn xml_text(&self) -> Cow<'_, str> {
                Cow::Borrowed(self.as_str())
            }
        }
    )*};
}
string_like!(
    dt::Token,
    dt::Uuid,
    dt::Uri,
    dt::UriReference,
    dt::DateTimeWithTimezone,
    dt::EmailAddress,
    dt::Base64
);

impl ToXmlText for dt::NonNegativeInteger {
    fn xml_text(&self) -> Cow<'_, str> {
        Cow::Owned(self.0.to_string())
    }
}

impl ToXmlText for dt::PositiveInteger {
    fn xml_text(&self) -> Cow<'_, str> {
        Cow::Owned(self.0.to_string())
    }
}

/// The writer state.
pub(crate) struct Wr {
    pub(super) out: Vec<u8>,
    /// Open elements, for indentation and for naming the place of a value XML cannot hold.
    stack: Vec<&'static str>,
    /// A start tag waits for its `>` (or `/>` if nothing follows).
    open: bool,
    /// The current element has text or markup content: its end tag follows it directly.
    inline: bool,
    /// The first value that XML 1.0 cannot represent, with its place.
    pub(crate) error: Option<String>,
}

impl Wr {
    pub(crate) fn new(capacity: usize) -> Self {
        let mut out = Vec::with_capacity(capacity);
        out.extend_from_slice(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        Self {
            out,
            stack: Vec::with_capacity(32),
            open: false,
            inline: false,
            error: None,
        }
    }

    pub(crate) fn finish(mut self) -> Result<Vec<u8>, String> {
        self.out.push(b'\n');
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.out),
        }
    }

    fn newline_indent(&mut self) {
        self.out.push(b'\n');
        for _ in 0..self.stack.len() {
            self.out.extend_from_slice(b"  ");
        }
    }

    fn close_start_tag(&mut self) {
        if self.open {
            self.out.push(b'>');
            self.open = false;
        }
    }

    /// Starts the element `name` on a new line; the root gets the OSCAL namespace.
    pub(crate) fn start(&mut self, name: &'static str) {
        self.close_start_tag();
        self.newline_indent();
        self.out.push(b'<');
        self.out.extend_from_slice(name.as_bytes());
        let root = self.stack.is_empty();
        self.stack.push(name);
        self.open = true;
        self.inline = false;
        if root {
            self.raw_attr("xmlns", OSCAL_NS);
        }
    }

    /// Writes an attribute of the element just started.
    pub(crate) fn attr(&mut self, name: &'static str, v: &impl ToXmlText) {
        let text = v.xml_text();
        self.raw_attr(name, &text);
    }

    fn raw_attr(&mut self, name: &str, value: &str) {
        self.out.push(b' ');
        self.out.extend_from_slice(name.as_bytes());
        self.out.extend_from_slice(b"=\"");
        self.escape(value, true, Some(name));
        self.out.push(b'"');
    }

    /// Ends the current element: `/>` when it got no content, else its end tag (on a new line
    /// after child elements, directly after text).
    pub(crate) fn end(&mut self, name: &'static str) {
        self.stack.pop();
        if self.open {
            self.out.extend_from_slice(b"/>");
            self.open = false;
        } else {
            if !self.inline {
                self.newline_indent();
            }
            self.out.extend_from_slice(b"</");
            self.out.extend_from_slice(name.as_bytes());
            self.out.push(b'>');
        }
        self.inline = false;
    }

    /// Ends the start tag so that text or markup content follows directly.
    pub(crate) fn begin_content(&mut self) {
        self.close_start_tag();
        self.inline = true;
    }

    /// Writes the text content of the element just started.
    pub(crate) fn text_body(&mut self, v: &impl ToXmlText) {
        self.begin_content();
        let text = v.xml_text();
        self.escape(&text, false, None);
    }

    /// Writes `<name>text</name>`.
    pub(crate) fn text_element(&mut self, name: &'static str, v: &impl ToXmlText) {
        self.start(name);
        self.text_body(v);
        self.end(name);
    }

    /// Ends the start tag for block content: each block goes on a line of its own (see
    /// [`Wr::block_line`]) and the end tag on a new line.
    pub(crate) fn begin_block_content(&mut self) {
        self.close_start_tag();
        self.inline = false;
    }

    /// Writes text that is already XML.
    pub(crate) fn raw(&mut self, s: &str) {
        self.out.extend_from_slice(s.as_bytes());
    }

    /// Starts a new line for a block of markup content.
    pub(crate) fn block_line(&mut self) {
        self.newline_indent();
    }

    /// Records a markup writing error (a character XML cannot hold) with its place.
    pub(crate) fn markup_error(&mut self, e: &poam_markup::xml::XmlError) {
        if self.error.is_none() {
            let message = match e {
                poam_markup::xml::XmlError::UnwritableChar { code } => {
                    format!("the character U+{code:04X} cannot be written in XML 1.0")
                }
                other => other.to_string(),
            };
            self.error = Some(format!("{}: {message}", self.stack.join("/")));
        }
    }

    /// Escapes `s` into the output: `&`, `<`, `>` always; `"`, tab, LF in attribute values;
    /// CR always (as `&#13;`, so that it survives line-end normalization). Characters XML 1.0
    /// cannot hold are left out and reported once.
    fn escape(&mut self, s: &str, attribute: bool, attr_name: Option<&str>) {
        let needs = |b: u8| match b {
            b'&' | b'<' | b'>' | b'\r' => true,
            b'"' | b'\t' | b'\n' => attribute,
            b if b < 0x20 => true,
            0xEF => true, // may start U+FFFE / U+FFFF
            _ => false,
        };
        if !s.bytes().any(needs) {
            self.out.extend_from_slice(s.as_bytes());
            return;
        }
        let mut last = 0;
        for (i, c) in s.char_indices() {
            let rep: &str = match c {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '\r' => "&#13;",
                '"' if attribute => "&quot;",
                '\t' if attribute => "&#9;",
                '\n' if attribute => "&#10;",
                c if !is_xml_char(c) => {
                    self.report(c, attr_name);
                    ""
                }
                _ => continue,
            };
            self.out.extend_from_slice(&s.as_bytes()[last..i]);
            self.out.extend_from_slice(rep.as_bytes());
            last = i + c.len_utf8();
        }
        self.out.extend_from_slice(&s.as_bytes()[last..]);
    }

    fn report(&mut self, c: char, attr_name: Option<&str>) {
        if self.error.is_some() {
            return;
        }
        let mut place = self.stack.join("/");
        if let Some(a) = attr_name {
            place.push_str("/@");
            place.push_str(a);
        }
        self.error = Some(format!(
            "{place}: the character U+{:04X} cannot be written in XML 1.0",
            u32::from(c)
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        let mut w = Wr::new(64);
        w.start("a");
        w.attr("v", &String::from("x\"<&>\t\n\r"));
        w.text_body(&String::from("1 < 2 & \"q\"\r\n"));
        w.end("a");
        let out = String::from_utf8(w.finish().unwrap_or_default()).unwrap_or_default();
        assert!(out.ends_with(
            "<a xmlns=\"http://csrc.nist.gov/ns/oscal/1.0\" v=\"x&quot;&lt;&amp;&gt;&#9;&#10;&#13;\">1 &lt; 2 &amp; \"q\"&#13;\n</a>\n"
        ), "{out}");
    }

    #[test]
    fn characters_xml_cannot_hold_are_reported() {
        let mut w = Wr::new(64);
        w.start("a");
        w.text_element("b", &String::from("bell\u{7}"));
        w.end("a");
        assert_eq!(
            w.finish().err().as_deref(),
            Some("a/b: the character U+0007 cannot be written in XML 1.0")
        );
    }

    #[test]
    fn empty_elements_and_indentation() {
        let mut w = Wr::new(64);
        w.start("a");
        w.start("b");
        w.end("b");
        w.text_element("c", &String::from("t"));
        w.end("a");
        let out = String::from_utf8(w.finish().unwrap_or_default()).unwrap_or_default();
        assert_eq!(
            out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a xmlns=\"http://csrc.nist.gov/ns/oscal/1.0\">\n  <b/>\n  <c>t</c>\n</a>\n"
        );
    }
}
