//! Property tests: Markdown and XML round trips of random trees, normalization laws, and
//! robustness against arbitrary input.

use crate::common;

use std::hash::{Hash, Hasher};

use poam_markup::{Inline, MarkupLine, MarkupMultiline, TextStyle, xml};
use proptest::prelude::*;

fn hash_of(v: &impl Hash) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    v.hash(&mut h);
    h.finish()
}

/// `cases` keeps `cargo test` fast; set `POAM_MARKUP_CASES` for a longer soak run.
fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("POAM_MARKUP_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(400))]

    /// normalized tree → Markdown → tree is the identity (after the documented lossy
    /// Italic/Bold/Quote mapping, which `markdown_equivalent` applies).
    #[test]
    fn multiline_markdown_round_trip(blocks in common::blocks()) {
        let t = MarkupMultiline::new(blocks).markdown_equivalent();
        prop_assert!(t.is_normalized());
        let md = t.to_markdown();
        let back = MarkupMultiline::from_markdown(&md);
        prop_assert_eq!(&back, &t, "markdown was {:?}", md);
    }

    #[test]
    fn line_markdown_round_trip(inlines in common::inlines()) {
        let t = MarkupLine::new(inlines).markdown_equivalent();
        prop_assert!(t.is_normalized());
        let md = t.to_markdown();
        let back = MarkupLine::from_markdown(&md);
        prop_assert_eq!(&back, &t, "markdown was {:?}", md);
    }

    /// Any tree: `to_markdown` writes its Markdown-equivalent form.
    #[test]
    fn any_tree_writes_its_markdown_equivalent(blocks in common::blocks()) {
        let t = MarkupMultiline::new(blocks);
        let back = MarkupMultiline::from_markdown(&t.to_markdown());
        prop_assert_eq!(back, t.markdown_equivalent());
    }

    /// normalized tree → XML → tree is the identity (Italic/Bold/Quote included).
    #[test]
    fn multiline_xml_round_trip(blocks in common::blocks()) {
        let t = MarkupMultiline::new(blocks).normalized();
        let x = xml::multiline_to_string("description", &t).expect("write");
        let back = xml::multiline_from_str(&x).expect("read");
        prop_assert_eq!(&back, &t, "xml was {}", x);
    }

    #[test]
    fn line_xml_round_trip(inlines in common::inlines()) {
        let t = MarkupLine::new(inlines).normalized();
        let x = xml::line_to_string("title", &t).expect("write");
        let back = xml::line_from_str(&x).expect("read");
        prop_assert_eq!(&back, &t, "xml was {}", x);
    }

    /// XML → tree → Markdown → tree gives the tree modulo the lossy mapping.
    #[test]
    fn xml_to_markdown_and_back(blocks in common::blocks()) {
        let x = xml::multiline_to_string("remarks", &MarkupMultiline::new(blocks).normalized())
            .expect("write");
        let from_xml = xml::multiline_from_str(&x).expect("read");
        let md = from_xml.to_markdown();
        prop_assert_eq!(MarkupMultiline::from_markdown(&md), from_xml.markdown_equivalent());
    }

    #[test]
    fn normalize_laws(blocks in common::blocks(), inlines in common::inlines()) {
        let raw = MarkupMultiline::new(blocks);
        let n = raw.clone().normalized();
        prop_assert!(n.is_normalized());
        prop_assert_eq!(n.clone().normalized(), n.clone());
        prop_assert_eq!(raw.is_normalized(), raw == n);

        let raw = MarkupLine::new(inlines);
        let n = raw.clone().normalized();
        prop_assert!(n.is_normalized());
        prop_assert_eq!(n.clone().normalized(), n.clone());
        prop_assert_eq!(raw.is_normalized(), raw == n);
    }
}

proptest! {
    #![proptest_config(config(600))]

    /// Arbitrary Markdown: no panic, normalized result, and writing it back reproduces the
    /// same tree (parse ∘ write ∘ parse = parse).
    #[test]
    fn arbitrary_markdown(s in common::rich_text(), t in "\\PC{0,40}") {
        for input in [s.as_str(), t.as_str()] {
            let m = MarkupMultiline::from_markdown(input);
            prop_assert!(m.is_normalized());
            prop_assert_eq!(MarkupMultiline::from_markdown(&m.to_markdown()), m.clone());
            let l = MarkupLine::from_markdown(input);
            prop_assert!(l.is_normalized());
            prop_assert_eq!(MarkupLine::from_markdown(&l.to_markdown()), l.clone());
        }
    }

    /// Markup kept as its Markdown source until asked for behaves exactly as the tree
    /// parsed from it: the shortcuts taken on the source (plain text written, flattened
    /// and compared from the string) give what the tree gives.
    #[test]
    fn unparsed_markdown_is_its_tree(
        s in common::rich_text(),
        t in "\\PC{0,40}",
        plain in "[a-zA-Z0-9 ,.()]{1,30}",
    ) {
        for input in [s.as_str(), t.as_str(), plain.as_str()] {
            let lazy = MarkupMultiline::from_markdown(input);
            let tree = MarkupMultiline::new(lazy.parsed_blocks().into_owned());
            prop_assert_eq!(lazy.to_markdown(), tree.to_markdown());
            prop_assert_eq!(lazy.to_string(), tree.to_string());
            prop_assert_eq!(lazy.plain_text(), tree.plain_text());
            prop_assert_eq!(lazy.text(TextStyle::Cell), tree.text(TextStyle::Cell));
            prop_assert_eq!(lazy.is_empty(), tree.is_empty());
            prop_assert_eq!(format!("{lazy:?}"), format!("{tree:?}"));
            prop_assert_eq!(hash_of(&lazy), hash_of(&tree));
            prop_assert_eq!(&lazy, &tree);
            prop_assert_eq!(lazy.blocks(), tree.blocks());
            prop_assert_eq!(lazy.clone().into_blocks(), tree.blocks());
            let other = MarkupMultiline::from_markdown(&format!("{input} x"));
            prop_assert_eq!(lazy == other, tree.blocks() == other.blocks());

            let lazy = MarkupLine::from_markdown(input);
            let tree = MarkupLine::new(lazy.parsed_inlines().into_owned());
            prop_assert_eq!(lazy.to_markdown(), tree.to_markdown());
            prop_assert_eq!(lazy.plain_text(), tree.plain_text());
            prop_assert_eq!(lazy.text(TextStyle::Cell), tree.text(TextStyle::Cell));
            prop_assert_eq!(lazy.is_empty(), tree.is_empty());
            prop_assert_eq!(format!("{lazy:?}"), format!("{tree:?}"));
            prop_assert_eq!(hash_of(&lazy), hash_of(&tree));
            prop_assert_eq!(&lazy, &tree);
            let mut changed = lazy.clone();
            changed.inlines_mut().push(Inline::LineBreak);
            prop_assert_eq!(changed.inlines().len(), tree.inlines().len() + 1);
            let other = MarkupLine::from_markdown(&format!("{input} x"));
            prop_assert_eq!(lazy == other, tree.inlines() == other.inlines());
        }
    }

    /// Arbitrary bytes never panic the XML reader.
    #[test]
    fn arbitrary_xml_bytes(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let mut doc = b"<description>".to_vec();
        doc.extend_from_slice(&bytes);
        let mut r = quick_xml::Reader::from_reader(doc.as_slice());
        if let Ok(quick_xml::events::Event::Start(e)) = r.read_event() {
            let name = e.name().as_ref().to_owned();
            let _ = xml::read_blocks(&mut r, quick_xml::name::QName(&name));
        }
        let mut r = quick_xml::Reader::from_reader(doc.as_slice());
        if let Ok(quick_xml::events::Event::Start(e)) = r.read_event() {
            let name = e.name().as_ref().to_owned();
            let _ = xml::read_inlines(&mut r, quick_xml::name::QName(&name));
        }
    }

    /// Arbitrary markup-ish XML never panics either (more likely to reach deep paths).
    #[test]
    fn arbitrary_xml_markup(parts in prop::collection::vec(prop::sample::select(&[
        "<p>", "</p>", "<em>", "</em>", "<ul>", "</ul>", "<li>", "</li>", "<pre>", "</pre>",
        "<code>", "</code>", "<table>", "<tr>", "<td>", "</td>", "</tr>", "</table>", "<br/>",
        "<a href=\"x\">", "</a>", "<insert type=\"p\" id-ref=\"x\"/>", "<img src=\"y\"/>",
        " ", "\n", "text", "&amp;", "&#10;", "&bogus;", "<![CDATA[x]]>", "<!-- c -->", "<q>", "</q>",
    ][..]), 0..30)) {
        let doc = format!("<d>{}</d>", parts.concat());
        let _ = xml::multiline_from_str(&doc);
        let _ = xml::line_from_str(&doc);
    }
}
