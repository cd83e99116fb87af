//! OSCAL XML markup ⇄ tree.
//!
//! Element names are matched on their local name (`<p>` and `<o:p>` are the same), so the
//! caller decides about namespaces; namespace declarations (`xmlns`, `xmlns:*`) are
//! ignored. Writing emits unprefixed names: the caller declares the OSCAL namespace
//! (`http://csrc.nist.gov/ns/oscal/1.0`) as the default namespace on the root.
//!
//! # Reading
//!
//! Given a `quick_xml::Reader<&[u8]>` (configured by the caller, `trim_text(false)`):
//!
//! * [`read_inlines`] — positioned just after the start tag of a `markup-line` element
//!   (`<title>`): reads through the matching end tag;
//! * [`read_blocks`] — likewise for a `markup-multiline` element (`<description>`);
//! * [`read_block_from_start`] / [`block_from_empty`] — for *unwrapped* prose (blocks
//!   directly inside a model element), after the caller consumed a block's start tag /
//!   read a self-closing block; [`is_block_element`] tells the caller which names start
//!   prose.
//!
//! Errors carry the byte offset of the offending construct (the caller converts it to
//! line:column). Nothing is silently dropped: an unknown element or attribute, an entity
//! other than the five predefined ones and character references, a character not
//! allowed in XML, or text/elements where the grammar has no place for them are errors.
//! Comments and processing instructions are skipped.
//!
//! ## Whitespace
//!
//! NIST's XML→JSON converter turns pretty-printed prose (`<p>line one\n    line two</p>`)
//! into `"line one line two"`, i.e. XML whitespace is not significant inside prose, as in
//! HTML. This reader does the same, precisely:
//!
//! * in inline content (`p`, `h1`–`h6`, `li`, `th`/`td`, inline elements, and
//!   `markup-line`), every run of literal XML whitespace (space, tab, CR, LF) becomes one
//!   space, and literal whitespace directly at the start/end of a block's content is
//!   removed;
//! * **character references are never collapsed or trimmed** (the same rule XML applies
//!   to attribute values). The writer relies on this to keep whitespace that matters
//!   exactly: a Markdown soft line break is written as `&#10;`, a second consecutive space
//!   as `&#32;`, a tab as `&#9;`, so JSON → XML → JSON does not change the text;
//! * `<pre>` and `<code>` keep their text exactly (after XML end-of-line normalization);
//! * whitespace-only text between block elements is ignored; CDATA is kept as is.
//!
//! ## Structure
//!
//! * Inline content directly inside a `markup-multiline` element, `<blockquote>` or
//!   `<li>` (mixed content outside `<p>`) becomes a `Paragraph` (one per run between block
//!   elements). The writer uses this for list items: `<li>text<ul>..</ul></li>`.
//! * `<img>` at block level (allowed by the OSCAL grammar) becomes a paragraph holding
//!   the image; it is written back inside `<p>`.
//! * Formatting inside `<pre>` and `<code>` (allowed by the grammar, impossible in
//!   Markdown) is flattened to its text (`<q>` keeps its quotes, `<br/>` is a line feed);
//!   `<a>`, `<img>` and `<insert>` there are errors (their content is not just text).
//! * `<code class="..">` is accepted; the class is dropped (Markdown cannot hold it).
//! * `<ol>` without `start` is `start: Some(1)`, `<ul>` has `start: None`.
//! * `<th>`/`<td>` `align` is kept per cell; normalization makes it per column.
//!
//! # Writing
//!
//! [`write_inlines`] / [`write_blocks`] write the content of the container element (the
//! caller writes `<title>`/`</title>`). Inline content is emitted as one text event, so a
//! `Writer` with indentation never inserts whitespace inside prose. For every tree `t`,
//! reading what was written gives `t` back with adjacent texts merged and empty texts
//! removed (plus `<li>`'s first paragraph / `<ol start>` defaults described above).

mod read;
mod write;

pub use read::{
    block_from_empty, is_block_element, line_from_str, multiline_from_str, read_block_from_start,
    read_blocks, read_inlines,
};
pub use write::{line_to_string, multiline_to_string, write_blocks, write_inlines};

/// Maximum element nesting the reader accepts (a guard against stack exhaustion).
pub const MAX_XML_DEPTH: usize = 128;

/// An error reading or writing OSCAL XML markup. Reading errors carry the byte offset in
/// the input.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum XmlError {
    #[error("malformed XML at byte {offset}: {source}")]
    /// The XML itself is malformed.
    Syntax {
        /// Byte offset in the input.
        offset: u64,
        #[source]
        /// The XML parser's error.
        source: quick_xml::Error,
    },
    #[error("unknown element <{name}> in OSCAL markup at byte {offset}")]
    /// An element OSCAL markup does not have.
    UnknownElement {
        /// The name as written.
        name: String,
        /// Byte offset in the input.
        offset: u64,
    },
    #[error("element <{name}> is not allowed inside <{parent}> at byte {offset}")]
    /// An element where OSCAL markup does not allow it.
    UnexpectedElement {
        /// The name as written.
        name: String,
        /// The enclosing element.
        parent: String,
        /// Byte offset in the input.
        offset: u64,
    },
    #[error("unknown attribute `{attribute}` on <{element}> at byte {offset}")]
    /// An attribute the element does not have.
    UnknownAttribute {
        /// The element.
        element: String,
        /// The attribute.
        attribute: String,
        /// Byte offset in the input.
        offset: u64,
    },
    #[error("missing required attribute `{attribute}` on <{element}> at byte {offset}")]
    /// A required attribute is missing.
    MissingAttribute {
        /// The element.
        element: String,
        /// The attribute.
        attribute: String,
        /// Byte offset in the input.
        offset: u64,
    },
    #[error(
        "invalid value {value:?} of attribute `{attribute}` on <{element}> at byte {offset}: {reason}"
    )]
    /// An attribute value the element does not allow.
    InvalidAttribute {
        /// The element.
        element: String,
        /// The attribute.
        attribute: String,
        /// The value as written.
        value: String,
        /// Why it is refused.
        reason: &'static str,
        /// Byte offset in the input.
        offset: u64,
    },
    #[error(
        "unknown entity `&{name};` at byte {offset} (only &lt; &gt; &amp; &apos; &quot; and numeric character references are allowed)"
    )]
    /// An entity reference other than XML's five.
    UnknownEntity {
        /// The name as written.
        name: String,
        /// Byte offset in the input.
        offset: u64,
    },
    #[error("invalid character reference `&{reference};` at byte {offset}")]
    /// A numeric character reference to no allowed character.
    InvalidCharRef {
        /// The reference as written.
        reference: String,
        /// Byte offset in the input.
        offset: u64,
    },
    #[error("character U+{code:04X} is not allowed in XML (at byte {offset})")]
    /// A character XML 1.0 does not allow.
    InvalidChar {
        /// The character's code point.
        code: u32,
        /// Byte offset in the input.
        offset: u64,
    },
    #[error("text is not allowed directly inside <{parent}> (at byte {offset})")]
    /// Text where only elements are allowed.
    UnexpectedText {
        /// The enclosing element.
        parent: String,
        /// Byte offset in the input.
        offset: u64,
    },
    #[error("end tag </{found}> does not match <{expected}> at byte {offset}")]
    /// An end tag that closes another element.
    MismatchedEnd {
        /// The element that is open.
        expected: String,
        /// The end tag's name.
        found: String,
        /// Byte offset in the input.
        offset: u64,
    },
    #[error("unexpected end of input inside <{parent}> at byte {offset}")]
    /// The input ends inside an element.
    UnexpectedEof {
        /// The enclosing element.
        parent: String,
        /// Byte offset in the input.
        offset: u64,
    },
    #[error("markup nested deeper than {limit} elements at byte {offset}")]
    /// Markup nested deeper than the reader keeps.
    TooDeep {
        /// The deepest nesting kept.
        limit: usize,
        /// Byte offset in the input.
        offset: u64,
    },
    #[error("character U+{code:04X} cannot be written to XML 1.0")]
    /// Text holds a character XML 1.0 cannot hold.
    UnwritableChar {
        /// The character's code point.
        code: u32,
    },
    #[error("I/O error while writing XML: {0}")]
    /// Writing failed.
    Io(#[from] std::io::Error),
}

impl XmlError {
    /// Byte offset in the input, for reading errors.
    pub fn offset(&self) -> Option<u64> {
        match self {
            XmlError::Syntax { offset, .. }
            | XmlError::UnknownElement { offset, .. }
            | XmlError::UnexpectedElement { offset, .. }
            | XmlError::UnknownAttribute { offset, .. }
            | XmlError::MissingAttribute { offset, .. }
            | XmlError::InvalidAttribute { offset, .. }
            | XmlError::UnknownEntity { offset, .. }
            | XmlError::InvalidCharRef { offset, .. }
            | XmlError::InvalidChar { offset, .. }
            | XmlError::UnexpectedText { offset, .. }
            | XmlError::MismatchedEnd { offset, .. }
            | XmlError::UnexpectedEof { offset, .. }
            | XmlError::TooDeep { offset, .. } => Some(*offset),
            XmlError::UnwritableChar { .. } | XmlError::Io(_) => None,
        }
    }
}

/// Whether `c` may appear in an XML 1.0 document (the `Char` production). The one check:
/// `poam-io`'s XML reader and writer use it too.
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}
