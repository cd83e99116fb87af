//! Markup flattened to text: the one walker behind every "what does this markup say" in the
//! project, with the two purposes that really differ named by [`TextStyle`].

use crate::normalize::insert_literal;
use crate::{Block, Inline};
use std::fmt::Write as _;

/// What the text is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TextStyle {
    /// Words only, for sorting, search, diffs and reports: formatting, list bullets, link
    /// targets and rules dropped; table cells separated by tabs.
    Plain,
    /// Text a person reads in one spreadsheet cell and can type back: list items as `- ` or
    /// `N. ` lines, a link without words as its address, an image without alt text as its
    /// source, table cells separated by ` | `, a rule as `---`.
    Cell,
}

/// The text of inline markup; a line break becomes `line_break`.
pub(crate) fn inlines_text(
    inlines: &[Inline],
    style: TextStyle,
    line_break: &str,
    out: &mut String,
) {
    for i in inlines {
        match i {
            Inline::Text(t) | Inline::Code(t) => out.push_str(t),
            Inline::Em(c)
            | Inline::Strong(c)
            | Inline::Italic(c)
            | Inline::Bold(c)
            | Inline::Sub(c)
            | Inline::Sup(c) => inlines_text(c, style, line_break, out),
            Inline::Quote(c) => {
                out.push('"');
                inlines_text(c, style, line_break, out);
                out.push('"');
            }
            Inline::Link { href, content, .. } => {
                if content.is_empty() && style == TextStyle::Cell {
                    out.push_str(href);
                } else {
                    inlines_text(content, style, line_break, out);
                }
            }
            Inline::Image { alt, src, .. } => {
                let cell_src = style == TextStyle::Cell && alt.is_empty();
                out.push_str(if cell_src { src } else { alt });
            }
            Inline::Insert { kind, id_ref } => out.push_str(&insert_literal(kind, id_ref)),
            Inline::LineBreak => out.push_str(line_break),
        }
    }
}

/// The text of block markup: blocks separated by a blank line.
pub(crate) fn blocks_text(blocks: &[Block], style: TextStyle, out: &mut String) {
    for (n, b) in blocks.iter().enumerate() {
        if n > 0 {
            out.push_str("\n\n");
        }
        match b {
            Block::Paragraph(c) | Block::Heading { content: c, .. } => {
                inlines_text(c, style, "\n", out);
            }
            Block::List {
                ordered,
                start,
                items,
            } => list_text(*ordered, *start, items, style, out),
            Block::Pre(t) => out.push_str(t),
            Block::Blockquote(inner) => blocks_text(inner, style, out),
            Block::Table(t) => {
                let (separator, line_break) = match style {
                    TextStyle::Plain => ("\t", "\n"),
                    TextStyle::Cell => (" | ", " "),
                };
                for (k, row) in t.rows.iter().enumerate() {
                    if k > 0 {
                        out.push('\n');
                    }
                    for (c, cell) in row.cells.iter().enumerate() {
                        if c > 0 {
                            out.push_str(separator);
                        }
                        inlines_text(&cell.content, style, line_break, out);
                    }
                }
            }
            Block::HorizontalRule => {
                if style == TextStyle::Cell {
                    out.push_str("---");
                }
            }
        }
    }
}

fn list_text(
    ordered: bool,
    start: Option<u64>,
    items: &[Vec<Block>],
    style: TextStyle,
    out: &mut String,
) {
    let first = start.unwrap_or(1);
    for (k, item) in items.iter().enumerate() {
        if k > 0 {
            out.push('\n');
        }
        match style {
            TextStyle::Plain => blocks_text(item, style, out),
            TextStyle::Cell => {
                if ordered {
                    let _ = write!(out, "{}. ", first + k as u64);
                } else {
                    out.push_str("- ");
                }
                let mut inner = String::new();
                blocks_text(item, style, &mut inner);
                out.push_str(&inner.replace("\n\n", "\n"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{MarkupLine, MarkupMultiline, TextStyle};

    /// The two purposes side by side on the markup where they differ.
    #[test]
    fn plain_and_cell_text_differ_only_where_their_purposes_do() {
        let m = MarkupMultiline::from_markdown(
            "Apply **the** [patch](https://example.org/p).\n\n- one\n- two\n\n1. first\n2. second\n\n---\n\n| a | b |\n|---|---|\n| c | d |",
        );
        assert_eq!(
            m.text(TextStyle::Plain),
            "Apply the patch.\n\none\ntwo\n\nfirst\nsecond\n\n\n\na\tb\nc\td"
        );
        assert_eq!(
            m.text(TextStyle::Cell),
            "Apply the patch.\n\n- one\n- two\n\n1. first\n2. second\n\n---\n\na | b\nc | d"
        );
        let line = MarkupLine::from_markdown("see <https://example.org> and ![](logo.png)");
        assert_eq!(line.text(TextStyle::Plain), "see https://example.org and ");
        assert_eq!(
            line.text(TextStyle::Cell),
            "see https://example.org and logo.png"
        );
        assert_eq!(line.plain_text(), line.text(TextStyle::Plain));
    }
}
