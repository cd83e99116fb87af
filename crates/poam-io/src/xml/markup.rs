//! Markup (`markup-line`, `markup-multiline`) content in XML: the bridge between the
//! structural reader/writer and `poam_markup::xml`, which reads from and writes to the same
//! quick-xml reader and output, so markup costs no second pass.
//!
//! `poam_markup::xml` matches markup elements on their local names and leaves namespaces to
//! the caller: the markup field's own element is checked here, what is inside it is not.
//!
//! Markup read from XML is normalized (`poam_markup`'s canonical form: whitespace runs,
//! empty paragraphs, ...), as markup read from Markdown always is, so that the same
//! document in XML and in JSON gives the same model.

use poam_markup::xml as mx;
use poam_markup::{Block, MarkupLine, MarkupMultiline};

use super::reader::{Rd, Start, XmlError};
use super::writer::Wr;
use crate::error::ErrorKind;

impl<'i> Rd<'i> {
    /// Reads the inline content of `s` through its end tag.
    /// Markup elements have no attributes (an unknown one is an error, as on `<p>`).
    pub(crate) fn markup_line(&mut self, s: &Start<'i>) -> Result<MarkupLine, XmlError> {
        s.no_attributes()?;
        if s.empty {
            return Ok(MarkupLine::default());
        }
        let inlines = mx::read_inlines(&mut self.reader, s.tag.name()).map_err(from_markup)?;
        self.close();
        Ok(MarkupLine::new(inlines).normalized())
    }

    /// Reads the block content of `s` through its end tag. An empty element (`<description/>`,
    /// which the official XSD rejects) is empty markup, as is `<description><p/></description>`:
    /// loading is not the place to judge.
    pub(crate) fn markup_multiline(&mut self, s: &Start<'i>) -> Result<MarkupMultiline, XmlError> {
        s.no_attributes()?;
        if s.empty {
            return Ok(MarkupMultiline::default());
        }
        let blocks = mx::read_blocks(&mut self.reader, s.tag.name()).map_err(from_markup)?;
        self.close();
        Ok(MarkupMultiline::new(blocks).normalized())
    }
}

/// A markup error as a located read error, worded like the structural ones.
fn from_markup(e: mx::XmlError) -> XmlError {
    let at = e
        .offset()
        .and_then(|o| usize::try_from(o).ok())
        .unwrap_or(0);
    let structure = |m: String| XmlError::new(at, ErrorKind::Structure, m);
    let syntax = |m: String| XmlError::new(at, ErrorKind::Syntax, m);
    match e {
        mx::XmlError::Syntax { source, .. } => XmlError::syntax(at, &source),
        mx::XmlError::UnknownElement { name, .. } => {
            structure(format!("unknown element `<{name}>` in OSCAL markup"))
        }
        mx::XmlError::UnexpectedElement { name, parent, .. } => {
            structure(format!("`<{name}>` is not allowed inside `<{parent}>`"))
        }
        mx::XmlError::UnknownAttribute {
            element, attribute, ..
        } => structure(format!("unknown attribute `{attribute}` on `<{element}>`")),
        mx::XmlError::MissingAttribute {
            element, attribute, ..
        } => structure(format!(
            "`<{element}>` lacks its required attribute `{attribute}`"
        )),
        mx::XmlError::InvalidAttribute {
            element,
            attribute,
            value,
            reason,
            ..
        } => XmlError::new(
            at,
            ErrorKind::Datatype,
            format!("{value:?} is not a valid `{attribute}` of `<{element}>`: {reason}"),
        ),
        mx::XmlError::UnknownEntity { name, .. } => {
            syntax(super::reader::unknown_entity_message(&name))
        }
        mx::XmlError::InvalidCharRef { reference, .. } => syntax(format!(
            "malformed XML: bad character reference `&{reference};`"
        )),
        mx::XmlError::InvalidChar { code, .. } => syntax(format!(
            "malformed XML: the character U+{code:04X} is not allowed in XML 1.0"
        )),
        mx::XmlError::UnexpectedText { parent, .. } => {
            structure(format!("text is not allowed directly inside `<{parent}>`"))
        }
        mx::XmlError::MismatchedEnd {
            expected, found, ..
        } => syntax(format!(
            "malformed XML: the end tag `</{found}>` does not close `<{expected}>`"
        )),
        mx::XmlError::UnexpectedEof { parent, .. } => syntax(format!(
            "malformed XML: the document ends before `<{parent}>` is closed"
        )),
        mx::XmlError::TooDeep { limit, .. } => XmlError::new(
            at,
            ErrorKind::Limit,
            format!("markup nested too deeply (more than {limit} levels)"),
        ),
        other => syntax(other.to_string()),
    }
}

impl Wr {
    /// Writes `<name>` with inline markup content.
    pub(crate) fn markup_line(&mut self, name: &'static str, v: &MarkupLine) {
        self.start(name);
        self.markup_line_body(v);
        self.end(name);
    }

    /// Writes the inline content of the element just started; its end tag follows directly.
    pub(crate) fn markup_line_body(&mut self, v: &MarkupLine) {
        // Markup read from Markdown is parsed here and the tree dropped after writing.
        let inlines = v.parsed_inlines();
        if inlines.is_empty() {
            return;
        }
        self.begin_content();
        let mut w = quick_xml::Writer::new(&mut self.out);
        if let Err(e) = mx::write_inlines(&mut w, &inlines) {
            self.markup_error(&e);
        }
    }

    /// Writes `<name>` with block markup content.
    pub(crate) fn markup_multiline(&mut self, name: &'static str, v: &MarkupMultiline) {
        self.start(name);
        self.markup_multiline_body(v);
        self.end(name);
    }

    /// Writes the block content of the element just started, one top-level block per line.
    /// Whitespace between blocks is not content (the markup reader ignores it); inside a
    /// block nothing is added.
    ///
    /// Empty markup (JSON `"description": ""`) is written as one empty paragraph: the XSD
    /// wants at least one block, and `<p/>` reads back as empty markup, so the model is
    /// unchanged and the XML valid (FedRAMP's templates write it the same way).
    pub(crate) fn markup_multiline_body(&mut self, v: &MarkupMultiline) {
        self.begin_block_content();
        let blocks = v.parsed_blocks();
        if blocks.is_empty() {
            self.block_line();
            self.raw("<p/>");
            return;
        }
        for b in blocks.iter() {
            self.block_line();
            let mut w = quick_xml::Writer::new(&mut self.out);
            if let Err(e) = mx::write_blocks(&mut w, std::slice::from_ref::<Block>(b)) {
                self.markup_error(&e);
            }
        }
    }
}
