//! Plain cell text to OSCAL markup and back.
//!
//! Cell text is plain: an asterisk is an asterisk. It becomes a markup tree of literal text
//! (paragraphs at blank lines, line breaks at single line ends), never parsed as Markdown;
//! the markup crate escapes it when it writes Markdown or XML. Going back, markup from any
//! document is flattened to readable plain text (list items become `- ` lines), and text
//! that came from a cell comes back exactly in its normal form.

use poam_markup::{Block, Inline, MarkupLine, MarkupMultiline};

/// A single-line markup value holding `text` literally. Line ends become spaces (a
/// markup-line has no line breaks).
pub fn line(text: &str) -> MarkupLine {
    let flat: String = text
        .split('\n')
        .map(|l| l.trim_matches(crate::cell::is_blank))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if flat.is_empty() {
        MarkupLine(Vec::new())
    } else {
        MarkupLine(vec![Inline::Text(flat)])
    }
}

/// A multi-line markup value holding normalised cell `text` literally: one paragraph per
/// blank-line-separated block, line breaks inside.
pub fn multiline(text: &str) -> MarkupMultiline {
    let blocks = text
        .split("\n\n")
        .filter(|p| !p.trim_matches(crate::cell::is_blank).is_empty())
        .map(|p| {
            let mut inlines = Vec::new();
            for (i, l) in p.split('\n').enumerate() {
                if i > 0 {
                    inlines.push(Inline::LineBreak);
                }
                inlines.push(Inline::Text(l.to_owned()));
            }
            Block::Paragraph(inlines)
        })
        .collect();
    MarkupMultiline(blocks)
}

/// The plain text of a markup line.
pub fn line_text(m: &MarkupLine) -> String {
    let mut out = String::new();
    inlines_text(&m.0, &mut out, " ");
    out.trim_matches(crate::cell::is_blank).to_owned()
}

/// The plain text of multi-line markup: paragraphs separated by a blank line.
pub fn multiline_text(m: &MarkupMultiline) -> String {
    let mut out = String::new();
    blocks_text(&m.0, &mut out, "");
    crate::cell::normalize_text(&out)
}

fn inlines_text(inlines: &[Inline], out: &mut String, line_break: &str) {
    for i in inlines {
        match i {
            Inline::Text(t) | Inline::Code(t) => out.push_str(t),
            Inline::Em(c)
            | Inline::Strong(c)
            | Inline::Italic(c)
            | Inline::Bold(c)
            | Inline::Sub(c)
            | Inline::Sup(c) => inlines_text(c, out, line_break),
            Inline::Quote(c) => {
                out.push('"');
                inlines_text(c, out, line_break);
                out.push('"');
            }
            Inline::Link { href, content, .. } => {
                if content.is_empty() {
                    out.push_str(href);
                } else {
                    inlines_text(content, out, line_break);
                }
            }
            Inline::Image { alt, src, .. } => out.push_str(if alt.is_empty() { src } else { alt }),
            Inline::Insert { kind, id_ref } => {
                out.push_str(&format!("{{{{ insert: {kind}, {id_ref} }}}}"));
            }
            Inline::LineBreak => out.push_str(line_break),
        }
    }
}

fn blocks_text(blocks: &[Block], out: &mut String, indent: &str) {
    for (n, b) in blocks.iter().enumerate() {
        if n > 0 {
            out.push_str("\n\n");
        }
        match b {
            Block::Paragraph(c) | Block::Heading { content: c, .. } => {
                out.push_str(indent);
                inlines_text(c, out, "\n");
            }
            Block::List {
                ordered,
                start,
                items,
            } => {
                let first = start.unwrap_or(1);
                for (k, item) in items.iter().enumerate() {
                    if k > 0 {
                        out.push('\n');
                    }
                    let bullet = if *ordered {
                        format!("{}. ", first + k as u64)
                    } else {
                        "- ".to_owned()
                    };
                    let mut inner = String::new();
                    blocks_text(item, &mut inner, "");
                    out.push_str(indent);
                    out.push_str(&bullet);
                    out.push_str(&inner.replace("\n\n", "\n"));
                }
            }
            Block::Pre(t) => out.push_str(t),
            Block::Blockquote(inner) => blocks_text(inner, out, indent),
            Block::Table(t) => {
                for (k, row) in t.rows.iter().enumerate() {
                    if k > 0 {
                        out.push('\n');
                    }
                    let cells: Vec<String> = row
                        .cells
                        .iter()
                        .map(|c| {
                            let mut s = String::new();
                            inlines_text(&c.content, &mut s, " ");
                            s
                        })
                        .collect();
                    out.push_str(&cells.join(" | "));
                }
            }
            Block::HorizontalRule => out.push_str("---"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cell::normalize_text;

    #[test]
    fn cell_text_comes_back_exactly() {
        for t in [
            "one line",
            "two\nlines",
            "para one\nstill one\n\npara *two* with `marks` and <tags> & \\ backslash",
            "=SUM(A1:A2)",
            "- looks like a list\n1. and a numbered one",
        ] {
            let n = normalize_text(t);
            assert_eq!(multiline_text(&multiline(&n)), n, "{t:?}");
        }
        assert_eq!(multiline(""), MarkupMultiline(Vec::new()));
    }

    #[test]
    fn lines_have_no_line_breaks() {
        assert_eq!(line_text(&line("a\nb")), "a b");
        assert_eq!(line(" \n "), MarkupLine(Vec::new()));
        assert_eq!(line_text(&line("Weakness *name*")), "Weakness *name*");
    }

    #[test]
    fn rich_markup_flattens_readably() {
        let m = MarkupMultiline(vec![
            Block::Heading {
                level: 1,
                content: vec![Inline::Text("Plan".into())],
            },
            Block::List {
                ordered: false,
                start: None,
                items: vec![
                    vec![Block::Paragraph(vec![
                        Inline::Em(vec![Inline::Text("patch".into())]),
                        Inline::Text(" now".into()),
                    ])],
                    vec![Block::Paragraph(vec![Inline::Link {
                        href: "https://x.example".into(),
                        title: None,
                        content: vec![],
                    }])],
                ],
            },
        ]);
        assert_eq!(
            multiline_text(&m),
            "Plan\n\n- patch now\n- https://x.example"
        );
    }
}
