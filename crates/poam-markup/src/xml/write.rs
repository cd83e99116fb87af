//! Tree → OSCAL XML markup. See the module docs of [`crate::xml`] for the rules.

use std::io::Write;

use quick_xml::Writer;
use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};

use super::{XmlError, is_xml_char};
use crate::{Align, Block, Inline, MarkupLine, MarkupMultiline};

fn char_ref(out: &mut String, c: char) {
    out.push_str("&#");
    out.push_str(&u32::from(c).to_string());
    out.push(';');
}

fn check(c: char) -> Result<(), XmlError> {
    if is_xml_char(c) {
        Ok(())
    } else {
        Err(XmlError::UnwritableChar { code: u32::from(c) })
    }
}

/// Escapes text of `<pre>`/`<code>`: kept exactly, so only markup characters and CR
/// (which XML end-of-line handling would turn into LF) need references.
fn exact_text(s: &str, out: &mut String) -> Result<(), XmlError> {
    for c in s.chars() {
        check(c)?;
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => char_ref(out, c),
            c => out.push(c),
        }
    }
    Ok(())
}

fn attr_value(s: &str, out: &mut String) -> Result<(), XmlError> {
    for c in s.chars() {
        check(c)?;
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Attribute-value normalization would turn these into spaces.
            '\t' | '\n' | '\r' => char_ref(out, c),
            c => out.push(c),
        }
    }
    Ok(())
}

/// Writes collapsible inline text so that the reader gets exactly `s` back: the reader
/// collapses runs of literal whitespace and trims it at block edges, but keeps
/// character references, so whitespace that would be lost is written as references.
struct TextState {
    /// The previous character written in this run was literal whitespace.
    prev_ws: bool,
}

fn inline_text(
    s: &str,
    out: &mut String,
    state: &mut TextState,
    at_start: bool,
    at_end: bool,
) -> Result<(), XmlError> {
    let n = s.chars().count();
    for (i, c) in s.chars().enumerate() {
        check(c)?;
        let edge = (at_start && i == 0) || (at_end && i + 1 == n);
        match c {
            ' ' if !state.prev_ws && !edge => {
                out.push(' ');
                state.prev_ws = true;
                continue;
            }
            ' ' | '\t' | '\n' | '\r' => char_ref(out, c),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
        state.prev_ws = false;
    }
    Ok(())
}

fn open(
    out: &mut String,
    name: &str,
    attrs: &[(&str, Option<&str>)],
    empty: bool,
) -> Result<(), XmlError> {
    out.push('<');
    out.push_str(name);
    for (k, v) in attrs {
        if let Some(v) = v {
            out.push(' ');
            out.push_str(k);
            out.push_str("=\"");
            attr_value(v, out)?;
            out.push('"');
        }
    }
    out.push_str(if empty { "/>" } else { ">" });
    Ok(())
}

fn close(out: &mut String, name: &str) {
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// `edges`: this is the whole content of a block (or of a `markup-line`), whose literal
/// edge whitespace the reader trims.
fn inlines_xml(v: &[Inline], out: &mut String, edges: bool) -> Result<(), XmlError> {
    // Edge detection needs the texts as the reader will see them: merged.
    let needs_merge = v
        .iter()
        .any(|n| matches!(n, Inline::Text(t) if t.is_empty()))
        || v.windows(2)
            .any(|w| matches!(w, [Inline::Text(_), Inline::Text(_)]));
    let merged;
    let v = if needs_merge {
        let mut m: Vec<Inline> = Vec::with_capacity(v.len());
        for node in v {
            match (m.last_mut(), node) {
                (_, Inline::Text(t)) if t.is_empty() => {}
                (Some(Inline::Text(prev)), Inline::Text(t)) => prev.push_str(t),
                (_, node) => m.push(node.clone()),
            }
        }
        merged = m;
        merged.as_slice()
    } else {
        v
    };
    let mut state = TextState { prev_ws: false };
    let n = v.len();
    for (i, node) in v.iter().enumerate() {
        if let Inline::Text(t) = node {
            inline_text(t, out, &mut state, edges && i == 0, edges && i + 1 == n)?;
            continue;
        }
        // The reader restarts whitespace collapsing at every element boundary.
        state.prev_ws = false;
        let wrap = |name: &str, c: &[Inline], out: &mut String| -> Result<(), XmlError> {
            if c.is_empty() {
                open(out, name, &[], true)
            } else {
                open(out, name, &[], false)?;
                inlines_xml(c, out, false)?;
                close(out, name);
                Ok(())
            }
        };
        match node {
            Inline::Text(_) => {}
            Inline::Em(c) => wrap("em", c, out)?,
            Inline::Strong(c) => wrap("strong", c, out)?,
            Inline::Italic(c) => wrap("i", c, out)?,
            Inline::Bold(c) => wrap("b", c, out)?,
            Inline::Quote(c) => wrap("q", c, out)?,
            Inline::Sub(c) => wrap("sub", c, out)?,
            Inline::Sup(c) => wrap("sup", c, out)?,
            Inline::Code(code) => {
                if code.is_empty() {
                    open(out, "code", &[], true)?;
                } else {
                    open(out, "code", &[], false)?;
                    exact_text(code, out)?;
                    close(out, "code");
                }
            }
            Inline::Link {
                href,
                title,
                content,
            } => {
                let attrs = [("href", Some(href.as_str())), ("title", title.as_deref())];
                if content.is_empty() {
                    open(out, "a", &attrs, true)?;
                } else {
                    open(out, "a", &attrs, false)?;
                    inlines_xml(content, out, false)?;
                    close(out, "a");
                }
            }
            Inline::Image { src, alt, title } => {
                let alt = (!alt.is_empty()).then_some(alt.as_str());
                open(
                    out,
                    "img",
                    &[
                        ("src", Some(src)),
                        ("alt", alt),
                        ("title", title.as_deref()),
                    ],
                    true,
                )?;
            }
            Inline::Insert { kind, id_ref } => {
                open(
                    out,
                    "insert",
                    &[("type", Some(kind)), ("id-ref", Some(id_ref))],
                    true,
                )?;
            }
            Inline::LineBreak => out.push_str("<br/>"),
        }
    }
    Ok(())
}

/// Emits pre-escaped markup as one text event, so an indenting `Writer` cannot insert
/// whitespace into it.
fn raw<W: Write>(w: &mut Writer<W>, s: &str) -> Result<(), XmlError> {
    if !s.is_empty() {
        w.write_event(Event::Text(BytesText::from_escaped(s)))?;
    }
    Ok(())
}

/// Writes `markup-line` content (the caller writes the container's start and end tags).
pub fn write_inlines<W: Write>(w: &mut Writer<W>, inlines: &[Inline]) -> Result<(), XmlError> {
    let mut s = String::new();
    inlines_xml(inlines, &mut s, true)?;
    raw(w, &s)
}

/// Writes `markup-multiline` content (the caller writes the container's start and end
/// tags).
pub fn write_blocks<W: Write>(w: &mut Writer<W>, blocks: &[Block]) -> Result<(), XmlError> {
    for b in blocks {
        write_block(w, b)?;
    }
    Ok(())
}

fn inline_block<W: Write>(
    w: &mut Writer<W>,
    name: &str,
    content: &[Inline],
) -> Result<(), XmlError> {
    if content.is_empty() {
        w.write_event(Event::Empty(BytesStart::new(name)))?;
        return Ok(());
    }
    let mut s = String::new();
    inlines_xml(content, &mut s, true)?;
    w.write_event(Event::Start(BytesStart::new(name)))?;
    raw(w, &s)?;
    w.write_event(Event::End(BytesEnd::new(name)))?;
    Ok(())
}

fn write_block<W: Write>(w: &mut Writer<W>, b: &Block) -> Result<(), XmlError> {
    match b {
        Block::Paragraph(c) => inline_block(w, "p", c)?,
        Block::Heading { level, content } => {
            let name = format!("h{}", (*level).clamp(1, 6));
            inline_block(w, &name, content)?;
        }
        Block::List {
            ordered,
            start,
            items,
        } => {
            let name = if *ordered { "ol" } else { "ul" };
            let mut el = BytesStart::new(name);
            let start_attr = match start {
                Some(n) if *ordered && *n != 1 => Some(n.to_string()),
                _ => None,
            };
            if let Some(n) = &start_attr {
                el.push_attribute(("start", n.as_str()));
            }
            if items.is_empty() {
                w.write_event(Event::Empty(el))?;
                return Ok(());
            }
            w.write_event(Event::Start(el))?;
            for item in items {
                write_item(w, item)?;
            }
            w.write_event(Event::End(BytesEnd::new(name)))?;
        }
        Block::Pre(text) => {
            if text.is_empty() {
                w.write_event(Event::Empty(BytesStart::new("pre")))?;
            } else {
                let mut s = String::new();
                exact_text(text, &mut s)?;
                w.write_event(Event::Start(BytesStart::new("pre")))?;
                raw(w, &s)?;
                w.write_event(Event::End(BytesEnd::new("pre")))?;
            }
        }
        Block::Blockquote(children) => {
            if children.is_empty() {
                w.write_event(Event::Empty(BytesStart::new("blockquote")))?;
            } else {
                w.write_event(Event::Start(BytesStart::new("blockquote")))?;
                write_blocks(w, children)?;
                w.write_event(Event::End(BytesEnd::new("blockquote")))?;
            }
        }
        Block::Table(t) => {
            if t.rows.is_empty() {
                w.write_event(Event::Empty(BytesStart::new("table")))?;
                return Ok(());
            }
            w.write_event(Event::Start(BytesStart::new("table")))?;
            for row in &t.rows {
                if row.cells.is_empty() {
                    w.write_event(Event::Empty(BytesStart::new("tr")))?;
                    continue;
                }
                w.write_event(Event::Start(BytesStart::new("tr")))?;
                for cell in &row.cells {
                    let name = if cell.header { "th" } else { "td" };
                    let mut s = String::new();
                    let align = cell.align.map(|a| match a {
                        Align::Left => "left",
                        Align::Center => "center",
                        Align::Right => "right",
                    });
                    let empty = cell.content.is_empty();
                    open(&mut s, name, &[("align", align)], empty)?;
                    if !empty {
                        inlines_xml(&cell.content, &mut s, true)?;
                        close(&mut s, name);
                    }
                    // One text event per cell keeps the cell on one line when indenting.
                    w.write_event(Event::Text(BytesText::from_escaped(s)))?;
                }
                w.write_event(Event::End(BytesEnd::new("tr")))?;
            }
            w.write_event(Event::End(BytesEnd::new("table")))?;
        }
        Block::HorizontalRule => w.write_event(Event::Empty(BytesStart::new("hr")))?,
    }
    Ok(())
}

/// `<li>`: a leading paragraph is written as loose inline content (`<li>text</li>`, the
/// common OSCAL form); the reader turns it back into a paragraph.
fn write_item<W: Write>(w: &mut Writer<W>, item: &[Block]) -> Result<(), XmlError> {
    if item.is_empty() {
        w.write_event(Event::Empty(BytesStart::new("li")))?;
        return Ok(());
    }
    w.write_event(Event::Start(BytesStart::new("li")))?;
    let rest = match item {
        [Block::Paragraph(c), rest @ ..] if !c.is_empty() => {
            let mut s = String::new();
            inlines_xml(c, &mut s, true)?;
            raw(w, &s)?;
            rest
        }
        _ => item,
    };
    write_blocks(w, rest)?;
    w.write_event(Event::End(BytesEnd::new("li")))?;
    Ok(())
}

/// `<element>content</element>` for a `markup-line` (no namespace declaration).
pub fn line_to_string(element: &str, line: &MarkupLine) -> Result<String, XmlError> {
    let mut w = Writer::new(Vec::new());
    w.write_event(Event::Start(BytesStart::new(element)))?;
    write_inlines(&mut w, &line.parsed_inlines())?;
    w.write_event(Event::End(BytesEnd::new(element)))?;
    String::from_utf8(w.into_inner()).map_err(|e| XmlError::Io(std::io::Error::other(e)))
}

/// `<element>blocks</element>` for a `markup-multiline` (no namespace declaration).
pub fn multiline_to_string(element: &str, m: &MarkupMultiline) -> Result<String, XmlError> {
    let mut w = Writer::new(Vec::new());
    w.write_event(Event::Start(BytesStart::new(element)))?;
    write_blocks(&mut w, &m.parsed_blocks())?;
    w.write_event(Event::End(BytesEnd::new(element)))?;
    String::from_utf8(w.into_inner()).map_err(|e| XmlError::Io(std::io::Error::other(e)))
}
