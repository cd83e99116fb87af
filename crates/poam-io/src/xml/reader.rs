//! The event-level half of the XML reader: the generated `read_*` functions call these.
//!
//! Everything borrows from the input text (quick-xml's slice reader): element names, attribute
//! values without escapes and text without escapes are never copied until they become model
//! strings. Every error carries the byte offset where it was found; `xml::read` turns that
//! into `line:column` and a JSON pointer.

use std::borrow::Cow;

use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::name::PrefixDeclaration;
use quick_xml::{Reader, XmlVersion};

use poam_model::datatypes as dt;

use crate::error::ErrorKind;

/// The OSCAL XML namespace.
pub(crate) const OSCAL_NS: &str = "http://csrc.nist.gov/ns/oscal/1.0";

/// XML Schema instance attributes (`xsi:schemaLocation`) are allowed on the root only.
pub(crate) const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// Elements nested deeper than this are refused (the JSON reader stops at 128 levels too);
/// it keeps the recursive reader's stack bounded whatever the input.
pub(crate) const MAX_DEPTH: u16 = 128;

/// A read error at a byte offset of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct XmlError {
    pub at: usize,
    pub kind: ErrorKind,
    pub message: String,
}

impl XmlError {
    pub(crate) fn new(at: usize, kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            at,
            kind,
            message: message.into(),
        }
    }

    fn structure(at: usize, message: impl Into<String>) -> Self {
        Self::new(at, ErrorKind::Structure, message)
    }

    /// A quick-xml error, reported at the place quick-xml names.
    pub(crate) fn syntax(at: usize, e: &quick_xml::Error) -> Self {
        use quick_xml::errors::{Error, IllFormedError};
        let message = match e {
            Error::IllFormed(IllFormedError::MismatchedEndTag { expected, found }) => {
                format!("malformed XML: the end tag `</{found}>` does not close `<{expected}>`")
            }
            Error::IllFormed(IllFormedError::UnmatchedEndTag(name)) => {
                format!("malformed XML: the end tag `</{name}>` closes nothing")
            }
            Error::IllFormed(IllFormedError::MissingEndTag(name)) => {
                format!("malformed XML: the document ends before `<{name}>` is closed")
            }
            Error::Escape(esc) => return Self::new(at, ErrorKind::Syntax, escape_message(esc)),
            other => format!("malformed XML: {other}"),
        };
        Self::new(at, ErrorKind::Syntax, message)
    }
}

fn escape_message(e: &quick_xml::escape::EscapeError) -> String {
    use quick_xml::escape::EscapeError;
    match e {
        EscapeError::UnrecognizedEntity(_, name) => unknown_entity_message(name),
        other => format!("malformed XML: {other}"),
    }
}

pub(super) fn unknown_entity_message(name: &str) -> String {
    format!(
        "unknown entity `&{name};`: only the five predefined XML entities (`&amp;` `&lt;` `&gt;` `&quot;` `&apos;`) and character references are allowed; entity declarations are refused"
    )
}

/// The character an entity or character reference stands for.
pub(crate) fn resolve_reference(
    r: &BytesRef<'_>,
    at: usize,
) -> Result<Cow<'static, str>, XmlError> {
    let name: &str = r;
    if let Some(s) = quick_xml::escape::resolve_predefined_entity(name) {
        return Ok(Cow::Borrowed(s));
    }
    match r.resolve_char_ref() {
        Ok(Some(c)) if is_xml_char(c) => Ok(Cow::Owned(c.to_string())),
        Ok(Some(c)) => Err(XmlError::new(
            at,
            ErrorKind::Syntax,
            format!(
                "malformed XML: the character reference `&{name};` is U+{:04X}, which XML 1.0 does not allow",
                u32::from(c)
            ),
        )),
        Ok(None) => Err(XmlError::new(
            at,
            ErrorKind::Syntax,
            unknown_entity_message(name),
        )),
        Err(e) => Err(XmlError::new(
            at,
            ErrorKind::Syntax,
            format!("malformed XML: bad character reference `&{name};`: {e}"),
        )),
    }
}

pub(crate) use poam_markup::xml::is_xml_char;

/// A start tag (or empty-element tag) of the OSCAL namespace, where it starts, and whether it
/// has content.
pub(crate) struct Start<'i> {
    pub(super) tag: BytesStart<'i>,
    /// Byte offset of the `<`.
    pub at: usize,
    /// `<x/>`: no content, no end tag.
    pub empty: bool,
    /// Address of the first byte of the input, to turn slices into offsets.
    base: usize,
    /// On the root: the prefix bound to the XML Schema instance namespace, whose attributes
    /// (`xsi:schemaLocation`) are processing hints, not POA&M content.
    xsi_prefix: Option<String>,
}

impl Start<'_> {
    /// Marks the element as the root: attributes in the XML Schema instance namespace are
    /// skipped.
    pub(crate) fn into_root(mut self) -> Self {
        self.xsi_prefix =
            self.tag
                .attributes()
                .flatten()
                .find_map(|a| match a.key.as_namespace_binding()? {
                    PrefixDeclaration::Named(p) if a.value.as_ref() == XSI_NS => Some(p.to_owned()),
                    _ => None,
                });
        self
    }

    /// The element's local name.
    pub(super) fn name(&self) -> &str {
        self.tag.local_name().into_inner()
    }

    /// The attributes, without namespace declarations, each with its normalized value.
    /// Prefixed attributes keep their prefix in `name` so that they never match a flag.
    pub(super) fn attributes(&self) -> impl Iterator<Item = Result<Attr<'_>, XmlError>> {
        self.tag.attributes().filter_map(move |a| match a {
            Err(e) => Some(Err(XmlError::new(
                self.at,
                ErrorKind::Syntax,
                format!("malformed XML: bad attribute in `<{}>`: {e}", self.name()),
            ))),
            Ok(a) => {
                if a.key.as_namespace_binding().is_some() {
                    return None;
                }
                if let (Some(p), Some(xsi)) = (a.key.prefix(), &self.xsi_prefix)
                    && p.into_inner() == xsi
                {
                    return None;
                }
                let name = a.key.into_inner();
                let at = offset_in(self.base, name).unwrap_or(self.at);
                Some(
                    a.normalized_value(XmlVersion::Implicit1_0)
                        .map(|value| Attr { name, value, at })
                        .map_err(|e| XmlError::syntax(at, &e)),
                )
            }
        })
    }

    /// Refuses any attribute, for an element that has none.
    pub(super) fn no_attributes(&self) -> Result<(), XmlError> {
        match self.attributes().next() {
            None => Ok(()),
            Some(a) => Err(a?.unknown(self)),
        }
    }

    /// An error: this (child) element is not known in `parent`.
    pub(super) fn unknown(&self, parent: &Start<'_>) -> XmlError {
        XmlError::structure(
            self.at,
            format!(
                "unknown element `<{}>` in `<{}>`",
                self.name(),
                parent.name()
            ),
        )
    }

    /// An error: this (child) element may appear once in `parent` and appears again.
    pub(super) fn duplicate(&self, parent: &Start<'_>) -> XmlError {
        XmlError::structure(
            self.at,
            format!(
                "`<{}>` appears more than once in `<{}>`, which allows one",
                self.name(),
                parent.name()
            ),
        )
    }
}

/// The byte offset of `slice` in the input whose first byte is at address `base`, when the
/// slice points into the input.
fn offset_in(base: usize, slice: &str) -> Option<usize> {
    (slice.as_ptr() as usize).checked_sub(base)
}

/// One attribute of a start tag.
pub(crate) struct Attr<'a> {
    /// Its qualified name as written.
    pub name: &'a str,
    /// Its value, with references resolved and whitespace normalized as XML says.
    pub value: Cow<'a, str>,
    /// Byte offset of its name.
    pub at: usize,
}

impl Attr<'_> {
    /// An error: the element `s` has no such attribute.
    pub(super) fn unknown(&self, s: &Start<'_>) -> XmlError {
        XmlError::structure(
            self.at,
            format!("unknown attribute `{}` on `<{}>`", self.name, s.name()),
        )
    }
}

/// A required flag, or an error naming it.
pub(crate) fn required_attribute<T>(
    v: Option<T>,
    s: &Start<'_>,
    name: &str,
) -> Result<T, XmlError> {
    v.ok_or_else(|| {
        XmlError::structure(
            s.at,
            format!("`<{}>` lacks its required attribute `{name}`", s.name()),
        )
    })
}

/// A required child, or an error naming it.
pub(crate) fn required_child<T>(v: Option<T>, s: &Start<'_>, name: &str) -> Result<T, XmlError> {
    v.ok_or_else(|| {
        XmlError::structure(
            s.at,
            format!("`<{}>` lacks its required element `<{name}>`", s.name()),
        )
    })
}

/// A repeated element the model requires at least once: none is as missing as a required
/// single element (the JSON form's member is required and its array may not be empty).
pub(crate) fn required_children<T>(
    v: Vec<T>,
    s: &Start<'_>,
    name: &str,
) -> Result<Vec<T>, XmlError> {
    if v.is_empty() {
        return Err(XmlError::structure(
            s.at,
            format!(
                "`<{}>` lacks its required element `<{name}>` (at least one)",
                s.name()
            ),
        ));
    }
    Ok(fitted(v))
}

/// `v` without the room it was not filled to: lists grow by doubling from 4 items and most
/// hold one or two (see `poam_model`'s `lists::fitted`, which the JSON and YAML reads use).
pub(crate) fn fitted<T>(mut v: Vec<T>) -> Vec<T> {
    v.shrink_to_fit();
    v
}

/// A model value made from XML text (an attribute value or an element's content).
pub(crate) trait FromXmlText: Sized {
    /// `at` is where the text starts, for errors.
    fn from_xml(text: Cow<'_, str>, at: usize) -> Result<Self, XmlError>;
}

impl FromXmlText for String {
    fn from_xml(text: Cow<'_, str>, _at: usize) -> Result<Self, XmlError> {
        Ok(text.into_owned())
    }
}

/// Datatypes whose XSD type keeps whitespace (`xs:string` with `whiteSpace="preserve"`): the
/// text is the value; a stray space is the validator's finding, not the reader's to hide.
macro_rules! preserved {
    ($($t:ty),*) => {$(
        impl FromXmlText for $t {
            fn from_xml(text: Cow<'_, str>, _at: usize) -> Result<Self, XmlError> {
                Ok(<$t>::new(text.into_owned()))
            }
        }
    )*};
}
preserved!(dt::Token, dt::Uuid, dt::EmailAddress);

/// Datatypes whose XSD base type collapses whitespace (`xs:dateTime`, `xs:anyURI`,
/// `xs:base64Binary`): the value is the collapsed text, as a schema-aware XML reader sees it.
macro_rules! collapsed {
    ($($t:ty),*) => {$(
        impl FromXmlText for $t {
            fn from_xml(text: Cow<'_, str>, _at: usize) -> Result<Self, XmlError> {
                Ok(<$t>::new(collapse(text).into_owned()))
            }
        }
    )*};
}
collapsed!(
    dt::DateTimeWithTimezone,
    dt::Uri,
    dt::UriReference,
    dt::Base64
);

macro_rules! integer {
    ($($t:ident),*) => {$(
        impl FromXmlText for dt::$t {
            fn from_xml(text: Cow<'_, str>, at: usize) -> Result<Self, XmlError> {
                let t = collapse(text);
                t.parse::<i64>().map(dt::$t).map_err(|e| {
                    let why = match e.kind() {
                        std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow => {
                            "is out of range"
                        }
                        _ => "is not an integer",
                    };
                    XmlError::new(at, ErrorKind::Datatype, format!("{t:?} {why}"))
                })
            }
        }
    )*};
}
integer!(NonNegativeInteger, PositiveInteger);

/// XSD `whiteSpace="collapse"`: runs of space, tab, CR and LF become one space; leading and
/// trailing ones go. Borrows when nothing changes.
pub(crate) fn collapse(text: Cow<'_, str>) -> Cow<'_, str> {
    let ws = |c: char| matches!(c, ' ' | '\t' | '\r' | '\n');
    let already = !text.starts_with(ws)
        && !text.ends_with(ws)
        && !text.contains(['\t', '\r', '\n'])
        && !text.contains("  ");
    if already {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    for word in text.split(ws).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    Cow::Owned(out)
}

/// A namespace declaration in scope.
struct Binding<'i> {
    /// `""` for the default namespace.
    prefix: &'i str,
    namespace: Cow<'i, str>,
    /// The depth of the element that declared it.
    depth: u16,
}

/// The reader state: quick-xml's slice reader over the whole input, and the namespace
/// declarations in scope.
///
/// Namespaces are resolved here rather than by quick-xml's `NsReader` because markup content
/// is read by `poam_markup::xml` from a plain `Reader`; declarations are rare (OSCAL
/// documents declare the default namespace on the root), so the check is a substring test
/// on each start tag.
pub(crate) struct Rd<'i> {
    pub(crate) text: &'i str,
    pub(crate) reader: Reader<&'i [u8]>,
    /// Open elements read through [`Rd::start`] and not yet closed.
    depth: u16,
    scopes: Vec<Binding<'i>>,
}

impl<'i> Rd<'i> {
    pub(crate) fn new(text: &'i str) -> Self {
        let mut reader = Reader::from_str(text);
        let config = reader.config_mut();
        config.trim_text(false);
        config.expand_empty_elements = false;
        config.check_end_names = true;
        config.check_comments = true;
        Self {
            text,
            reader,
            depth: 0,
            scopes: Vec::new(),
        }
    }

    /// The byte offset the reader has reached.
    pub(crate) fn pos(&self) -> usize {
        usize::try_from(self.reader.buffer_position()).unwrap_or(usize::MAX)
    }

    /// The next event, with a located error when the XML is malformed.
    pub(crate) fn event(&mut self) -> Result<Event<'i>, XmlError> {
        self.reader.read_event().map_err(|e| {
            let at = usize::try_from(self.reader.error_position()).unwrap_or(0);
            XmlError::syntax(at, &e)
        })
    }

    /// Opens a start tag read at `at`: takes in its namespace declarations and refuses
    /// elements outside the OSCAL namespace and nesting beyond [`MAX_DEPTH`].
    pub(crate) fn start(
        &mut self,
        tag: BytesStart<'i>,
        at: usize,
        empty: bool,
    ) -> Result<Start<'i>, XmlError> {
        let s = Start {
            tag,
            at,
            empty,
            base: self.text.as_ptr() as usize,
            xsi_prefix: None,
        };
        let depth = self.depth + 1;
        if depth > MAX_DEPTH {
            return Err(XmlError::new(
                at,
                ErrorKind::Limit,
                format!("nested too deeply (more than {MAX_DEPTH} levels)"),
            ));
        }
        if s.tag.attributes_raw().contains("xmlns") {
            self.declare(&s, depth)?;
        }
        let resolved = self.check_namespace(&s);
        if empty || resolved.is_err() {
            self.scopes.retain(|b| b.depth < depth);
        } else {
            self.depth = depth;
        }
        resolved.map(|()| s)
    }

    fn declare(&mut self, s: &Start<'i>, depth: u16) -> Result<(), XmlError> {
        for a in s.tag.attributes() {
            let a = a.map_err(|e| {
                XmlError::new(
                    s.at,
                    ErrorKind::Syntax,
                    format!("malformed XML: bad attribute in `<{}>`: {e}", s.name()),
                )
            })?;
            let prefix = match a.key.as_namespace_binding() {
                Some(PrefixDeclaration::Default) => "",
                Some(PrefixDeclaration::Named(p)) => self.input_slice(p).unwrap_or_default(),
                None => continue,
            };
            let raw: Cow<'i, str> = match a.value {
                Cow::Borrowed(v) => self
                    .input_slice(v)
                    .map_or_else(|| Cow::Owned(v.to_owned()), Cow::Borrowed),
                Cow::Owned(v) => Cow::Owned(v),
            };
            let namespace = if raw.contains('&') {
                let unescaped = quick_xml::escape::unescape(&raw)
                    .map_err(|e| XmlError::new(s.at, ErrorKind::Syntax, escape_message(&e)))?;
                Cow::Owned(unescaped.into_owned())
            } else {
                raw
            };
            self.scopes.push(Binding {
                prefix,
                namespace,
                depth,
            });
        }
        Ok(())
    }

    /// `slice` with the input's lifetime, when it points into the input.
    fn input_slice(&self, slice: &str) -> Option<&'i str> {
        let start = offset_in(self.text.as_ptr() as usize, slice)?;
        self.text.get(start..start + slice.len())
    }

    fn check_namespace(&self, s: &Start<'i>) -> Result<(), XmlError> {
        let qname = s.tag.name().into_inner();
        let prefix = qname.split_once(':').map_or("", |(p, _)| p);
        let bound = self
            .scopes
            .iter()
            .rev()
            .find(|b| b.prefix == prefix)
            .map(|b| b.namespace.as_ref());
        match bound {
            Some(OSCAL_NS) => Ok(()),
            Some("") | None if prefix.is_empty() => Err(XmlError::structure(
                s.at,
                format!(
                    "the element `<{qname}>` is in no namespace; OSCAL elements are in `{OSCAL_NS}` (add `xmlns=\"{OSCAL_NS}\"` to the root)"
                ),
            )),
            None => Err(XmlError::structure(
                s.at,
                format!("the namespace prefix `{prefix}` of `<{qname}>` is not declared"),
            )),
            Some(n) => Err(XmlError::structure(
                s.at,
                format!(
                    "the element `<{qname}>` is in the namespace `{n}`, not OSCAL's `{OSCAL_NS}`"
                ),
            )),
        }
    }

    /// Closes the innermost open element (its end tag was read).
    pub(crate) fn close(&mut self) {
        self.depth = self.depth.saturating_sub(1);
        let depth = self.depth;
        while self.scopes.last().is_some_and(|b| b.depth > depth) {
            self.scopes.pop();
        }
    }

    /// The next child element of `parent`, or `None` at its end tag. Comments and processing
    /// instructions are skipped, whitespace too; any other text is an error, since `parent`
    /// holds elements only.
    pub(crate) fn child(&mut self, parent: &Start<'i>) -> Result<Option<Start<'i>>, XmlError> {
        if parent.empty {
            return Ok(None);
        }
        loop {
            let at = self.pos();
            match self.event()? {
                Event::Start(tag) => return self.start(tag, at, false).map(Some),
                Event::Empty(tag) => return self.start(tag, at, true).map(Some),
                Event::End(_) => {
                    self.close();
                    return Ok(None);
                }
                Event::Text(t) => {
                    let lead = t.len() - t.trim_start_matches(is_xml_space).len();
                    if lead < t.len() {
                        return Err(stray_text(at + lead, parent, &t));
                    }
                }
                Event::CData(c) => {
                    if !c.trim_matches(is_xml_space).is_empty() {
                        return Err(stray_text(at, parent, &c));
                    }
                }
                Event::GeneralRef(r) => {
                    let s = resolve_reference(&r, at)?;
                    if !s.trim_matches(is_xml_space).is_empty() {
                        return Err(stray_text(at, parent, &format!("&{};", &*r)));
                    }
                }
                Event::Comment(_) | Event::PI(_) => {}
                Event::DocType(_) => return Err(doctype_refused(at)),
                Event::Decl(_) => return Err(late_declaration(at)),
                Event::Eof => return Err(eof_inside(at, parent)),
            }
        }
    }

    /// Refuses any content in an element that holds neither text nor elements.
    pub(crate) fn no_children(&mut self, s: &Start<'i>) -> Result<(), XmlError> {
        match self.child(s)? {
            None => Ok(()),
            Some(c) => Err(c.unknown(s)),
        }
    }

    /// The text content of `s` (an element holding only text), and where it starts.
    pub(crate) fn text(&mut self, s: &Start<'i>) -> Result<(Cow<'i, str>, usize), XmlError> {
        let start = self.pos();
        if s.empty {
            return Ok((Cow::Borrowed(""), start));
        }
        let mut acc: Option<Cow<'i, str>> = None;
        let mut push = |piece: Cow<'i, str>| match &mut acc {
            None => acc = Some(piece),
            Some(a) => a.to_mut().push_str(&piece),
        };
        loop {
            let at = self.pos();
            match self.event()? {
                Event::Text(t) => push(t.xml10_content()),
                Event::CData(c) => push(c.xml10_content()),
                Event::GeneralRef(r) => push(resolve_reference(&r, at)?),
                Event::Comment(_) | Event::PI(_) => {}
                Event::End(_) => {
                    self.close();
                    break;
                }
                Event::Start(tag) | Event::Empty(tag) => {
                    return Err(XmlError::structure(
                        at,
                        format!(
                            "`<{}>` holds text only, but contains the element `<{}>`",
                            s.name(),
                            tag.name().into_inner()
                        ),
                    ));
                }
                Event::DocType(_) => return Err(doctype_refused(at)),
                Event::Decl(_) => return Err(late_declaration(at)),
                Event::Eof => return Err(eof_inside(at, s)),
            }
        }
        Ok((acc.unwrap_or(Cow::Borrowed("")), start))
    }
}

/// XML's whitespace: space, tab, CR, LF.
pub(crate) fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

fn stray_text(at: usize, parent: &Start<'_>, text: &str) -> XmlError {
    let t = text.trim_matches(is_xml_space);
    let shown: String = t.chars().take(40).collect();
    let more = if shown.len() < t.len() { "…" } else { "" };
    XmlError::structure(
        at,
        format!(
            "text {:?} where only elements belong, in `<{}>`",
            format!("{shown}{more}"),
            parent.name()
        ),
    )
}

fn eof_inside(at: usize, s: &Start<'_>) -> XmlError {
    XmlError::new(
        at,
        ErrorKind::Syntax,
        format!(
            "malformed XML: the document ends before `<{}>` is closed",
            s.name()
        ),
    )
}

/// The refusal of any DTD.
/// An XML declaration after the start of the document.
pub(crate) fn late_declaration(at: usize) -> XmlError {
    XmlError::new(
        at,
        ErrorKind::Syntax,
        "malformed XML: an XML declaration is allowed only at the very start",
    )
}

pub(crate) fn doctype_refused(at: usize) -> XmlError {
    XmlError::new(
        at,
        ErrorKind::Unsupported,
        "a DOCTYPE is not allowed: OSCAL XML needs none, and DTD entities can read local files (XXE) or expand without bound; remove the `<!DOCTYPE ...>`",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapse_whitespace() {
        assert_eq!(collapse(Cow::Borrowed("a b")), "a b");
        assert!(matches!(collapse(Cow::Borrowed("a b")), Cow::Borrowed(_)));
        assert_eq!(collapse(Cow::Borrowed("\n  a \t b  \r\n")), "a b");
        assert_eq!(collapse(Cow::Borrowed("   ")), "");
    }

    #[test]
    fn xml_chars() {
        assert!(is_xml_char('\n'));
        assert!(!is_xml_char('\u{1}'));
        assert!(!is_xml_char('\u{FFFE}'));
        assert!(is_xml_char('\u{1F600}'));
    }
}
