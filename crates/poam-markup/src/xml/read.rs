//! OSCAL XML markup → tree. See the module docs of [`crate::xml`] for the rules.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::QName;

use super::{MAX_XML_DEPTH, XmlError, is_xml_char};
use crate::{Align, Block, Inline, MarkupLine, MarkupMultiline, Table, TableCell, TableRow};

type Rd<'a> = Reader<&'a [u8]>;

/// Element names that start a block of unwrapped prose (`img` is in the OSCAL block
/// group too; it becomes a paragraph holding the image).
pub fn is_block_element(local_name: &str) -> bool {
    matches!(
        local_name,
        "p" | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "ul"
            | "ol"
            | "pre"
            | "blockquote"
            | "table"
            | "hr"
            | "img"
    )
}

fn is_inline_element(local_name: &str) -> bool {
    matches!(
        local_name,
        "em" | "strong" | "i" | "b" | "code" | "q" | "sub" | "sup" | "a" | "img" | "insert" | "br"
    )
}

fn is_known_element(local_name: &str) -> bool {
    is_block_element(local_name)
        || is_inline_element(local_name)
        || matches!(local_name, "li" | "tr" | "th" | "td")
}

fn local(start: &BytesStart<'_>) -> String {
    start.local_name().as_ref().to_owned()
}

fn element_error(name: &str, parent: &str, offset: u64) -> XmlError {
    if is_known_element(name) {
        XmlError::UnexpectedElement {
            name: name.to_owned(),
            parent: parent.to_owned(),
            offset,
        }
    } else {
        XmlError::UnknownElement {
            name: name.to_owned(),
            offset,
        }
    }
}

/// Reads the next event and the byte offset where it starts.
fn next<'a>(r: &mut Rd<'a>) -> Result<(Event<'a>, u64), XmlError> {
    let pos = r.buffer_position();
    match r.read_event() {
        Ok(ev) => Ok((ev, pos)),
        Err(source) => Err(XmlError::Syntax {
            offset: r.error_position(),
            source,
        }),
    }
}

fn check_end(found: QName<'_>, expected: &str, offset: u64) -> Result<(), XmlError> {
    if found.as_ref() == expected {
        Ok(())
    } else {
        Err(XmlError::MismatchedEnd {
            expected: expected.to_owned(),
            found: found.as_ref().to_owned(),
            offset,
        })
    }
}

/// Resolves the body of `&...;`: the five predefined entities and character references.
fn resolve_ref(name: &str, offset: u64) -> Result<char, XmlError> {
    let bad = || XmlError::InvalidCharRef {
        reference: name.to_owned(),
        offset,
    };
    if let Some(num) = name.strip_prefix('#') {
        let code = if let Some(hex) = num.strip_prefix('x') {
            if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(bad());
            }
            u32::from_str_radix(hex, 16).map_err(|_| bad())?
        } else {
            if num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            num.parse::<u32>().map_err(|_| bad())?
        };
        return match char::from_u32(code) {
            Some(c) if is_xml_char(c) => Ok(c),
            _ => Err(bad()),
        };
    }
    match name {
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "amp" => Ok('&'),
        "apos" => Ok('\''),
        "quot" => Ok('"'),
        _ => Err(XmlError::UnknownEntity {
            name: name.to_owned(),
            offset,
        }),
    }
}

fn check_chars(s: &str, offset: u64) -> Result<(), XmlError> {
    match s.chars().find(|&c| !is_xml_char(c)) {
        Some(c) => Err(XmlError::InvalidChar {
            code: u32::from(c),
            offset,
        }),
        None => Ok(()),
    }
}

/// Attribute value normalization (XML 1.0 §3.3.3): references resolved, literal tab /
/// CR / LF (and CRLF) become a space, character references are kept.
fn decode_attr(raw: &str, offset: u64) -> Result<String, XmlError> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(c) = rest.chars().next() {
        match c {
            '&' => {
                let end = rest.find(';').ok_or_else(|| XmlError::InvalidCharRef {
                    reference: rest.chars().take(16).collect(),
                    offset,
                })?;
                out.push(resolve_ref(&rest[1..end], offset)?);
                rest = &rest[end + 1..];
                continue;
            }
            '\r' => {
                out.push(' ');
                if rest[1..].starts_with('\n') {
                    rest = &rest[2..];
                    continue;
                }
            }
            '\t' | '\n' => out.push(' '),
            c if !is_xml_char(c) => {
                return Err(XmlError::InvalidChar {
                    code: u32::from(c),
                    offset,
                });
            }
            c => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    Ok(out)
}

/// The attributes of `start`, which may only be `allowed` ones (namespace declarations
/// are skipped).
fn attributes(
    start: &BytesStart<'_>,
    allowed: &[&str],
    offset: u64,
) -> Result<Vec<(String, String)>, XmlError> {
    let mut out = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| XmlError::Syntax {
            offset,
            source: quick_xml::Error::InvalidAttr(e),
        })?;
        let key = attr.key.as_ref();
        if key == "xmlns" || key.starts_with("xmlns:") {
            continue;
        }
        if !allowed.contains(&key) {
            return Err(XmlError::UnknownAttribute {
                element: local(start),
                attribute: key.to_owned(),
                offset,
            });
        }
        out.push((key.to_owned(), decode_attr(&attr.value, offset)?));
    }
    Ok(out)
}

fn take_attr(attrs: &mut Vec<(String, String)>, key: &str) -> Option<String> {
    let i = attrs.iter().position(|(k, _)| k == key)?;
    Some(attrs.swap_remove(i).1)
}

fn required(
    attrs: &mut Vec<(String, String)>,
    key: &str,
    element: &str,
    offset: u64,
) -> Result<String, XmlError> {
    take_attr(attrs, key).ok_or_else(|| XmlError::MissingAttribute {
        element: element.to_owned(),
        attribute: key.to_owned(),
        offset,
    })
}

/// Inline content being collected, with XML whitespace collapsing.
#[derive(Default)]
struct Run {
    nodes: Vec<Inline>,
    buf: String,
    /// The last character in `buf` is a space standing for literal whitespace.
    in_ws: bool,
    /// The run starts with such a space.
    lead_ws: bool,
}

impl Run {
    fn literal(&mut self, s: &str, offset: u64) -> Result<(), XmlError> {
        for c in s.chars() {
            if matches!(c, ' ' | '\t' | '\r' | '\n') {
                if !self.in_ws {
                    if self.nodes.is_empty() && self.buf.is_empty() {
                        self.lead_ws = true;
                    }
                    self.buf.push(' ');
                    self.in_ws = true;
                }
            } else if is_xml_char(c) {
                self.buf.push(c);
                self.in_ws = false;
            } else {
                return Err(XmlError::InvalidChar {
                    code: u32::from(c),
                    offset,
                });
            }
        }
        Ok(())
    }

    /// Text that is not collapsed: character references and CDATA.
    fn exact(&mut self, s: &str) {
        self.buf.push_str(s);
        if !s.is_empty() {
            self.in_ws = false;
        }
    }

    fn node(&mut self, n: Inline) {
        self.flush();
        self.nodes.push(n);
        self.in_ws = false;
    }

    fn flush(&mut self) {
        if !self.buf.is_empty() {
            self.nodes.push(Inline::Text(std::mem::take(&mut self.buf)));
        }
    }

    fn is_empty(&self) -> bool {
        self.nodes.is_empty() && self.buf.is_empty()
    }

    fn finish(mut self) -> Vec<Inline> {
        self.flush();
        self.nodes
    }

    /// Block-level content: literal whitespace at both edges is removed.
    fn finish_trimmed(mut self) -> Vec<Inline> {
        let trail = self.in_ws && !self.buf.is_empty();
        self.flush();
        let mut nodes = self.nodes;
        if trail && let Some(Inline::Text(t)) = nodes.last_mut() {
            t.pop();
            if t.is_empty() {
                nodes.pop();
            }
        }
        if self.lead_ws
            && let Some(Inline::Text(t)) = nodes.first_mut()
        {
            if t.starts_with(' ') {
                t.remove(0);
            }
            if t.is_empty() {
                nodes.remove(0);
            }
        }
        nodes
    }

    fn take_trimmed(&mut self) -> Vec<Inline> {
        std::mem::take(self).finish_trimmed()
    }
}

fn too_deep(depth: usize, offset: u64) -> Result<(), XmlError> {
    if depth > MAX_XML_DEPTH {
        Err(XmlError::TooDeep {
            limit: MAX_XML_DEPTH,
            offset,
        })
    } else {
        Ok(())
    }
}

/// Reads inline content through the end tag `end`.
fn read_inline_run(r: &mut Rd<'_>, end: &str, parent: &str, depth: usize) -> Result<Run, XmlError> {
    let mut run = Run::default();
    loop {
        let (ev, pos) = next(r)?;
        match ev {
            Event::Start(e) | Event::Empty(e) if !is_inline_element(e.local_name().as_ref()) => {
                return Err(element_error(e.local_name().as_ref(), parent, pos));
            }
            Event::Start(e) => run.node(read_inline_element(r, &e, false, pos, depth + 1)?),
            Event::Empty(e) => run.node(read_inline_element(r, &e, true, pos, depth + 1)?),
            Event::End(e) => {
                check_end(e.name(), end, pos)?;
                return Ok(run);
            }
            Event::Text(t) => run.literal(&t.xml10_content(), pos)?,
            Event::GeneralRef(g) => {
                let c = resolve_ref(&g, pos)?;
                run.exact(c.encode_utf8(&mut [0; 4]));
            }
            Event::CData(c) => {
                check_chars(&c, pos)?;
                run.exact(&c.xml10_content());
            }
            Event::Eof => {
                return Err(XmlError::UnexpectedEof {
                    parent: parent.to_owned(),
                    offset: pos,
                });
            }
            Event::Comment(_) | Event::PI(_) | Event::Decl(_) | Event::DocType(_) => {}
        }
    }
}

/// Reads one inline element whose start tag was consumed.
fn read_inline_element(
    r: &mut Rd<'_>,
    start: &BytesStart<'_>,
    empty: bool,
    offset: u64,
    depth: usize,
) -> Result<Inline, XmlError> {
    too_deep(depth, offset)?;
    let name = local(start);
    let qname = start.name().as_ref().to_owned();
    let content = |r: &mut Rd<'_>| -> Result<Vec<Inline>, XmlError> {
        if empty {
            Ok(Vec::new())
        } else {
            Ok(read_inline_run(r, &qname, &name, depth)?.finish())
        }
    };
    let node = match name.as_str() {
        "em" | "strong" | "i" | "b" | "sub" | "sup" | "q" => {
            attributes(start, &[], offset)?;
            let c = content(r)?;
            match name.as_str() {
                "em" => Inline::Em(c),
                "strong" => Inline::Strong(c),
                "i" => Inline::Italic(c),
                "b" => Inline::Bold(c),
                "sub" => Inline::Sub(c),
                "sup" => Inline::Sup(c),
                _ => Inline::Quote(c),
            }
        }
        "code" => {
            // `class` is in the OSCAL grammar but has no Markdown form.
            attributes(start, &["class"], offset)?;
            let text = if empty {
                String::new()
            } else {
                read_flat(r, &qname, "code", depth)?
            };
            Inline::Code(text)
        }
        "a" => {
            let mut attrs = attributes(start, &["href", "title"], offset)?;
            let href = required(&mut attrs, "href", "a", offset)?;
            let title = take_attr(&mut attrs, "title");
            Inline::Link {
                href,
                title,
                content: content(r)?,
            }
        }
        "img" => {
            let mut attrs = attributes(start, &["src", "alt", "title"], offset)?;
            let src = required(&mut attrs, "src", "img", offset)?;
            let alt = take_attr(&mut attrs, "alt").unwrap_or_default();
            let title = take_attr(&mut attrs, "title");
            if !empty {
                read_nothing(r, &qname, "img")?;
            }
            Inline::Image { src, alt, title }
        }
        "insert" => {
            let mut attrs = attributes(start, &["type", "id-ref"], offset)?;
            let kind = required(&mut attrs, "type", "insert", offset)?;
            let id_ref = required(&mut attrs, "id-ref", "insert", offset)?;
            if !empty {
                read_nothing(r, &qname, "insert")?;
            }
            Inline::Insert { kind, id_ref }
        }
        "br" => {
            attributes(start, &[], offset)?;
            if !empty {
                read_nothing(r, &qname, "br")?;
            }
            Inline::LineBreak
        }
        other => return Err(element_error(other, "inline content", offset)),
    };
    Ok(node)
}

/// An element that must have no content (whitespace and comments are tolerated).
fn read_nothing(r: &mut Rd<'_>, end: &str, parent: &str) -> Result<(), XmlError> {
    loop {
        let (ev, pos) = next(r)?;
        match ev {
            Event::End(e) => return check_end(e.name(), end, pos),
            Event::Text(t) if t.bytes().all(|b| b.is_ascii_whitespace()) => {}
            Event::Comment(_) | Event::PI(_) => {}
            Event::Start(e) | Event::Empty(e) => {
                return Err(element_error(e.local_name().as_ref(), parent, pos));
            }
            Event::Eof => {
                return Err(XmlError::UnexpectedEof {
                    parent: parent.to_owned(),
                    offset: pos,
                });
            }
            _ => {
                return Err(XmlError::UnexpectedText {
                    parent: parent.to_owned(),
                    offset: pos,
                });
            }
        }
    }
}

/// A child element of `<pre>` / `<code>`: phrase formatting is flattened to its text.
fn flat_child(
    r: &mut Rd<'_>,
    s: &BytesStart<'_>,
    empty: bool,
    pos: u64,
    parent: &str,
    depth: usize,
    out: &mut String,
) -> Result<(), XmlError> {
    too_deep(depth + 1, pos)?;
    let name = local(s);
    let qname = s.name().as_ref().to_owned();
    match name.as_str() {
        "em" | "strong" | "i" | "b" | "sub" | "sup" | "code" | "q" => {
            attributes(s, if name == "code" { &["class"] } else { &[] }, pos)?;
            let inner = if empty {
                String::new()
            } else {
                read_flat(r, &qname, &name, depth + 1)?
            };
            if name == "q" {
                out.push('"');
                out.push_str(&inner);
                out.push('"');
            } else {
                out.push_str(&inner);
            }
        }
        "br" => {
            attributes(s, &[], pos)?;
            if !empty {
                read_nothing(r, &qname, "br")?;
            }
            out.push('\n');
        }
        other => return Err(element_error(other, parent, pos)),
    }
    Ok(())
}

/// The exact text of `<pre>` / `<code>`; phrase formatting inside is flattened.
fn read_flat(r: &mut Rd<'_>, end: &str, parent: &str, depth: usize) -> Result<String, XmlError> {
    let mut out = String::new();
    loop {
        let (ev, pos) = next(r)?;
        match ev {
            Event::Text(t) => {
                let t = t.xml10_content();
                check_chars(&t, pos)?;
                out.push_str(&t);
            }
            Event::GeneralRef(g) => out.push(resolve_ref(&g, pos)?),
            Event::CData(c) => {
                check_chars(&c, pos)?;
                out.push_str(&c.xml10_content());
            }
            Event::Start(s) => flat_child(r, &s, false, pos, parent, depth, &mut out)?,
            Event::Empty(s) => flat_child(r, &s, true, pos, parent, depth, &mut out)?,
            Event::End(e) => {
                check_end(e.name(), end, pos)?;
                return Ok(out);
            }
            Event::Eof => {
                return Err(XmlError::UnexpectedEof {
                    parent: parent.to_owned(),
                    offset: pos,
                });
            }
            Event::Comment(_) | Event::PI(_) | Event::Decl(_) | Event::DocType(_) => {}
        }
    }
}

fn flush(run: &mut Run, blocks: &mut Vec<Block>) {
    if !run.is_empty() {
        let inl = run.take_trimmed();
        if !inl.is_empty() {
            blocks.push(Block::Paragraph(inl));
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn mixed_child(
    r: &mut Rd<'_>,
    start: &BytesStart<'_>,
    empty: bool,
    pos: u64,
    parent: &str,
    depth: usize,
    run: &mut Run,
    blocks: &mut Vec<Block>,
) -> Result<(), XmlError> {
    let name = local(start);
    if is_inline_element(&name) {
        run.node(read_inline_element(r, start, empty, pos, depth + 1)?);
    } else if is_block_element(&name) {
        flush(run, blocks);
        blocks.push(read_block(r, start, empty, pos, depth + 1)?);
    } else {
        return Err(element_error(&name, parent, pos));
    }
    Ok(())
}

/// Block content that may also hold loose inline content (a `markup-multiline` element,
/// `<blockquote>`, `<li>`): each inline run between blocks becomes a paragraph.
fn read_mixed(
    r: &mut Rd<'_>,
    end: &str,
    parent: &str,
    depth: usize,
) -> Result<Vec<Block>, XmlError> {
    let mut blocks = Vec::new();
    let mut run = Run::default();
    loop {
        let (ev, pos) = next(r)?;
        match ev {
            Event::Start(start) => {
                mixed_child(r, &start, false, pos, parent, depth, &mut run, &mut blocks)?;
            }
            Event::Empty(start) => {
                mixed_child(r, &start, true, pos, parent, depth, &mut run, &mut blocks)?;
            }
            Event::End(e) => {
                check_end(e.name(), end, pos)?;
                flush(&mut run, &mut blocks);
                return Ok(blocks);
            }
            Event::Text(t) => run.literal(&t.xml10_content(), pos)?,
            Event::GeneralRef(g) => {
                let c = resolve_ref(&g, pos)?;
                run.exact(c.encode_utf8(&mut [0; 4]));
            }
            Event::CData(c) => {
                check_chars(&c, pos)?;
                run.exact(&c.xml10_content());
            }
            Event::Eof => {
                return Err(XmlError::UnexpectedEof {
                    parent: parent.to_owned(),
                    offset: pos,
                });
            }
            Event::Comment(_) | Event::PI(_) | Event::Decl(_) | Event::DocType(_) => {}
        }
    }
}

/// Children of `<ul>`, `<ol>`, `<table>`, `<tr>`: only elements (of `allowed` names) and
/// whitespace. Calls `child` for each element.
fn read_children<'a>(
    r: &mut Rd<'a>,
    end: &str,
    parent: &str,
    allowed: &[&str],
    mut child: impl FnMut(&mut Rd<'a>, &BytesStart<'a>, bool, u64) -> Result<(), XmlError>,
) -> Result<(), XmlError> {
    loop {
        let (ev, pos) = next(r)?;
        match ev {
            Event::Start(e) => {
                let name = local(&e);
                if !allowed.contains(&name.as_str()) {
                    return Err(element_error(&name, parent, pos));
                }
                child(r, &e, false, pos)?;
            }
            Event::Empty(e) => {
                let name = local(&e);
                if !allowed.contains(&name.as_str()) {
                    return Err(element_error(&name, parent, pos));
                }
                child(r, &e, true, pos)?;
            }
            Event::End(e) => return check_end(e.name(), end, pos),
            Event::Text(t) if t.bytes().all(|b| b.is_ascii_whitespace()) => {}
            Event::Comment(_) | Event::PI(_) => {}
            Event::Eof => {
                return Err(XmlError::UnexpectedEof {
                    parent: parent.to_owned(),
                    offset: pos,
                });
            }
            _ => {
                return Err(XmlError::UnexpectedText {
                    parent: parent.to_owned(),
                    offset: pos,
                });
            }
        }
    }
}

fn parse_align(v: &str, offset: u64) -> Result<Align, XmlError> {
    match v.trim() {
        "left" => Ok(Align::Left),
        "center" => Ok(Align::Center),
        "right" => Ok(Align::Right),
        _ => Err(XmlError::InvalidAttribute {
            element: "td".to_owned(),
            attribute: "align".to_owned(),
            value: v.to_owned(),
            reason: "expected left, center or right",
            offset,
        }),
    }
}

/// A block element's start tag, and where it stands.
struct BlockTag<'s, 'b> {
    start: &'s BytesStart<'b>,
    /// Written `<x/>`: no content and no end tag to read.
    empty: bool,
    offset: u64,
    depth: usize,
    /// Its local name.
    name: String,
    /// Its qualified name, as the end tag has it.
    qname: String,
}

fn read_block(
    r: &mut Rd<'_>,
    start: &BytesStart<'_>,
    empty: bool,
    offset: u64,
    depth: usize,
) -> Result<Block, XmlError> {
    too_deep(depth, offset)?;
    let tag = BlockTag {
        start,
        empty,
        offset,
        depth,
        name: local(start),
        qname: start.name().as_ref().to_owned(),
    };
    let (qname, name) = (&tag.qname, tag.name.as_str());
    let inline_content = |r: &mut Rd<'_>| -> Result<Vec<Inline>, XmlError> {
        if empty {
            Ok(Vec::new())
        } else {
            Ok(read_inline_run(r, qname, name, depth)?.finish_trimmed())
        }
    };
    let block = match name {
        "p" => {
            attributes(start, &[], offset)?;
            Block::Paragraph(inline_content(r)?)
        }
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
            attributes(start, &[], offset)?;
            let level = name.as_bytes()[1] - b'0';
            Block::Heading {
                level,
                content: inline_content(r)?,
            }
        }
        "ul" | "ol" => read_list(r, &tag)?,
        "pre" => {
            attributes(start, &[], offset)?;
            Block::Pre(if empty {
                String::new()
            } else {
                read_flat(r, qname, "pre", depth)?
            })
        }
        "blockquote" => {
            attributes(start, &[], offset)?;
            Block::Blockquote(if empty {
                Vec::new()
            } else {
                read_mixed(r, qname, "blockquote", depth)?
            })
        }
        "table" => read_table(r, &tag)?,
        "hr" => {
            attributes(start, &[], offset)?;
            if !empty {
                read_nothing(r, qname, "hr")?;
            }
            Block::HorizontalRule
        }
        "img" => Block::Paragraph(vec![read_inline_element(r, start, empty, offset, depth)?]),
        other => return Err(element_error(other, "block content", offset)),
    };
    Ok(block)
}

/// `ul` or `ol`, with its `li` items.
fn read_list(r: &mut Rd<'_>, tag: &BlockTag<'_, '_>) -> Result<Block, XmlError> {
    let ordered = tag.name == "ol";
    let offset = tag.offset;
    let mut attrs = attributes(tag.start, if ordered { &["start"] } else { &[] }, offset)?;
    let start = match take_attr(&mut attrs, "start") {
        Some(v) => Some(
            v.trim()
                .parse::<u64>()
                .map_err(|_| XmlError::InvalidAttribute {
                    element: "ol".to_owned(),
                    attribute: "start".to_owned(),
                    value: v.clone(),
                    reason: "expected a non-negative integer",
                    offset,
                })?,
        ),
        None if ordered => Some(1),
        None => None,
    };
    let mut items = Vec::new();
    if !tag.empty {
        let depth = tag.depth;
        read_children(r, &tag.qname, &tag.name, &["li"], |r, li, li_empty, pos| {
            too_deep(depth + 1, pos)?;
            attributes(li, &[], pos)?;
            let item = if li_empty {
                Vec::new()
            } else {
                read_mixed(r, li.name().as_ref(), "li", depth + 1)?
            };
            items.push(item);
            Ok(())
        })?;
    }
    Ok(Block::List {
        ordered,
        start,
        items,
    })
}

/// `table`, with its `tr` rows.
fn read_table(r: &mut Rd<'_>, tag: &BlockTag<'_, '_>) -> Result<Block, XmlError> {
    attributes(tag.start, &[], tag.offset)?;
    let mut rows = Vec::new();
    if !tag.empty {
        let depth = tag.depth;
        read_children(r, &tag.qname, "table", &["tr"], |r, tr, tr_empty, pos| {
            too_deep(depth + 1, pos)?;
            attributes(tr, &[], pos)?;
            let cells = if tr_empty {
                Vec::new()
            } else {
                read_table_cells(r, tr, depth)?
            };
            rows.push(TableRow { cells });
            Ok(())
        })?;
    }
    Ok(Block::Table(Table { rows }))
}

/// The `th` and `td` cells of the row `tr` of a table at `depth`.
fn read_table_cells(
    r: &mut Rd<'_>,
    tr: &BytesStart<'_>,
    depth: usize,
) -> Result<Vec<TableCell>, XmlError> {
    let mut cells = Vec::new();
    let tr_name = tr.name().as_ref().to_owned();
    read_children(
        r,
        &tr_name,
        "tr",
        &["th", "td"],
        |r, cell, cell_empty, pos| {
            too_deep(depth + 2, pos)?;
            let cell_name = local(cell);
            let mut attrs = attributes(cell, &["align"], pos)?;
            let align = match take_attr(&mut attrs, "align") {
                Some(v) => Some(parse_align(&v, pos)?),
                None => None,
            };
            let content = if cell_empty {
                Vec::new()
            } else {
                read_inline_run(r, cell.name().as_ref(), &cell_name, depth + 2)?.finish_trimmed()
            };
            cells.push(TableCell {
                header: cell_name == "th",
                align,
                content,
            });
            Ok(())
        },
    )?;
    Ok(cells)
}

/// Reads `markup-line` content: `reader` is positioned just after the start tag whose
/// name is `end`; reads through the matching end tag.
pub fn read_inlines(reader: &mut Reader<&[u8]>, end: QName<'_>) -> Result<Vec<Inline>, XmlError> {
    let end = end.as_ref().to_owned();
    let parent = end.rsplit(':').next().unwrap_or(&end).to_owned();
    Ok(read_inline_run(reader, &end, &parent, 0)?.finish_trimmed())
}

/// Reads `markup-multiline` content: `reader` is positioned just after the start tag
/// whose name is `end`; reads through the matching end tag.
pub fn read_blocks(reader: &mut Reader<&[u8]>, end: QName<'_>) -> Result<Vec<Block>, XmlError> {
    let end = end.as_ref().to_owned();
    let parent = end.rsplit(':').next().unwrap_or(&end).to_owned();
    read_mixed(reader, &end, &parent, 0)
}

/// Reads one block of unwrapped prose whose start tag (`Event::Start`) the caller has
/// consumed, through its end tag.
pub fn read_block_from_start(
    reader: &mut Reader<&[u8]>,
    start: &BytesStart<'_>,
) -> Result<Block, XmlError> {
    let offset = reader.buffer_position();
    let name = local(start);
    if !is_block_element(&name) {
        return Err(element_error(&name, "prose", offset));
    }
    read_block(reader, start, false, offset, 1)
}

/// The block for a self-closing block element (`Event::Empty`, e.g. `<hr/>`, `<p/>`) of
/// unwrapped prose. `reader` is only used for error offsets.
pub fn block_from_empty(
    reader: &mut Reader<&[u8]>,
    start: &BytesStart<'_>,
) -> Result<Block, XmlError> {
    let offset = reader.buffer_position();
    let name = local(start);
    if !is_block_element(&name) {
        return Err(element_error(&name, "prose", offset));
    }
    read_block(reader, start, true, offset, 1)
}

/// Skips the prolog up to the root start tag. Returns the root and whether it is empty.
fn root<'a>(r: &mut Rd<'a>) -> Result<(BytesStart<'a>, bool), XmlError> {
    loop {
        let (ev, pos) = next(r)?;
        match ev {
            Event::Start(e) => return Ok((e, false)),
            Event::Empty(e) => return Ok((e, true)),
            Event::Text(t) if t.bytes().all(|b| b.is_ascii_whitespace()) => {}
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) | Event::DocType(_) => {}
            Event::Eof => {
                return Err(XmlError::UnexpectedEof {
                    parent: "document".to_owned(),
                    offset: pos,
                });
            }
            _ => {
                return Err(XmlError::UnexpectedText {
                    parent: "document".to_owned(),
                    offset: pos,
                });
            }
        }
    }
}

fn epilog(r: &mut Rd<'_>) -> Result<(), XmlError> {
    loop {
        let (ev, pos) = next(r)?;
        match ev {
            Event::Eof => return Ok(()),
            Event::Text(t) if t.bytes().all(|b| b.is_ascii_whitespace()) => {}
            Event::Comment(_) | Event::PI(_) => {}
            _ => {
                return Err(XmlError::UnexpectedText {
                    parent: "document".to_owned(),
                    offset: pos,
                });
            }
        }
    }
}

/// Parses a standalone element holding `markup-line` content, e.g.
/// `<title>A <em>b</em></title>` (the root's name and attributes are not checked).
pub fn line_from_str(xml: &str) -> Result<MarkupLine, XmlError> {
    let mut r = Reader::from_str(xml);
    let (start, empty) = root(&mut r)?;
    let inlines = if empty {
        Vec::new()
    } else {
        read_inlines(&mut r, start.name())?
    };
    epilog(&mut r)?;
    Ok(MarkupLine::new(inlines))
}

/// Parses a standalone element holding `markup-multiline` content, e.g.
/// `<description><p>x</p></description>` (the root's name and attributes are not checked).
pub fn multiline_from_str(xml: &str) -> Result<MarkupMultiline, XmlError> {
    let mut r = Reader::from_str(xml);
    let (start, empty) = root(&mut r)?;
    let blocks = if empty {
        Vec::new()
    } else {
        read_blocks(&mut r, start.name())?
    };
    epilog(&mut r)?;
    Ok(MarkupMultiline::new(blocks))
}
