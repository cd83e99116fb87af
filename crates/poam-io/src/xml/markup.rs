//! Markup (`markup-line`, `markup-multiline`) in XML: the bridge between the structural
//! reader/writer and `poam_markup`.
//!
//! PLACEHOLDER until `poam_markup::xml` lands: reads and writes plain text lines and `<p>`
//! paragraphs of plain text only, and refuses any other markup element with a clear error.

use poam_markup::{Block, Inline, MarkupLine, MarkupMultiline};
use quick_xml::events::Event;

use super::reader::{Rd, Start, XmlError, resolve_reference};
use super::writer::Wr;
use crate::error::ErrorKind;

impl<'i> Rd<'i> {
    /// Reads the inline content of `s` up to its end tag.
    pub(crate) fn markup_line(&mut self, s: &Start<'i>) -> Result<MarkupLine, XmlError> {
        let (text, _) = self.plain_markup_text(s)?;
        Ok(MarkupLine(if text.is_empty() {
            vec![]
        } else {
            vec![Inline::Text(text)]
        }))
    }

    /// Reads the block content of `s` up to its end tag.
    pub(crate) fn markup_multiline(&mut self, s: &Start<'i>) -> Result<MarkupMultiline, XmlError> {
        let mut blocks = Vec::new();
        while let Some(c) = self.child(s)? {
            if c.name() != "p" {
                return Err(unsupported(&c));
            }
            let (text, _) = self.plain_markup_text(&c)?;
            blocks.push(Block::Paragraph(if text.is_empty() {
                vec![]
            } else {
                vec![Inline::Text(text)]
            }));
        }
        Ok(MarkupMultiline(blocks))
    }

    fn plain_markup_text(&mut self, s: &Start<'i>) -> Result<(String, usize), XmlError> {
        let start = self.pos();
        let mut out = String::new();
        if s.empty {
            return Ok((out, start));
        }
        loop {
            let at = self.pos();
            match self.event()? {
                Event::Text(t) => out.push_str(&t.xml10_content()),
                Event::CData(c) => out.push_str(&c.xml10_content()),
                Event::GeneralRef(r) => out.push_str(&resolve_reference(&r, at)?),
                Event::End(_) => return Ok((out, start)),
                Event::Start(tag) | Event::Empty(tag) => {
                    let c = self.start(tag, at, true)?;
                    return Err(unsupported(&c));
                }
                Event::Comment(_) | Event::PI(_) => {}
                _ => {
                    return Err(XmlError::new(at, ErrorKind::Syntax, "malformed XML in markup"));
                }
            }
        }
    }
}

fn unsupported(c: &Start<'_>) -> XmlError {
    XmlError::new(
        c.at,
        ErrorKind::Unsupported,
        format!("the markup element `<{}>` is not supported yet", c.name()),
    )
}

impl Wr {
    /// Writes `<name>` with inline markup content.
    pub(crate) fn markup_line(&mut self, name: &'static str, v: &MarkupLine) {
        self.start(name);
        self.markup_line_body(v);
        self.end(name);
    }

    /// Writes the inline content of the element just started, which it then closes inline.
    pub(crate) fn markup_line_body(&mut self, v: &MarkupLine) {
        self.begin_content();
        for i in &v.0 {
            if let Inline::Text(t) = i {
                self.escaped_text(t);
            }
        }
    }

    /// Writes `<name>` with block markup content.
    pub(crate) fn markup_multiline(&mut self, name: &'static str, v: &MarkupMultiline) {
        self.start(name);
        self.markup_multiline_body(v);
        self.end(name);
    }

    /// Writes the block content of the element just started.
    pub(crate) fn markup_multiline_body(&mut self, v: &MarkupMultiline) {
        if v.0.is_empty() {
            return;
        }
        self.begin_content();
        for b in &v.0 {
            if let Block::Paragraph(inl) = b {
                self.raw("<p>");
                for i in inl {
                    if let Inline::Text(t) = i {
                        self.escaped_text(t);
                    }
                }
                self.raw("</p>");
            }
        }
    }
}
