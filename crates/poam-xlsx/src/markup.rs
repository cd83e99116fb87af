//! Plain cell text to OSCAL markup and back.
//!
//! Cell text is plain: an asterisk is an asterisk. It becomes a markup tree of literal text
//! (paragraphs at blank lines, line breaks at single line ends), never parsed as Markdown;
//! the markup crate escapes it when it writes Markdown or XML. Going back, markup from any
//! document is flattened to readable plain text (list items become `- ` lines), and text
//! that came from a cell comes back exactly in its normal form.

use poam_markup::{Block, Inline, MarkupLine, MarkupMultiline, TextStyle};

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
        MarkupLine::default()
    } else {
        MarkupLine::new(vec![Inline::Text(flat)])
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
    MarkupMultiline::new(blocks)
}

/// The cell text of a markup line.
pub fn line_text(m: &MarkupLine) -> String {
    m.text(TextStyle::Cell)
        .trim_matches(crate::cell::is_blank)
        .to_owned()
}

/// The cell text of multi-line markup: paragraphs separated by a blank line.
pub fn multiline_text(m: &MarkupMultiline) -> String {
    crate::cell::normalize_text(&m.text(TextStyle::Cell))
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
        assert_eq!(multiline(""), MarkupMultiline::default());
    }

    #[test]
    fn lines_have_no_line_breaks() {
        assert_eq!(line_text(&line("a\nb")), "a b");
        assert_eq!(line(" \n "), MarkupLine::default());
        assert_eq!(line_text(&line("Weakness *name*")), "Weakness *name*");
    }

    #[test]
    fn rich_markup_flattens_readably() {
        let m = MarkupMultiline::new(vec![
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
