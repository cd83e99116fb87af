//! Shared proptest strategies: random trees with a bias towards the characters and
//! shapes that are hard for Markdown (syntax characters, whitespace, nesting).

#![allow(dead_code)]

use poam_markup::{Align, Block, Inline, Table, TableCell, TableRow};
use proptest::prelude::*;

/// Characters that exercise escaping and whitespace handling, plus some non-ASCII.
const CHARS: &[char] = &[
    'a', 'b', 'Z', '0', '1', '9', ' ', ' ', '\n', '\t', '*', '_', '`', '~', '^', '[', ']', '(',
    ')', '<', '>', '!', '#', '&', ';', '{', '}', '|', '\\', '"', '\'', '-', '+', '.', '=', ':',
    '/', '$', '%', '@', 'é', '\u{a0}', '€', '—', '中', '😀', '\r', '¹', '\u{fffc}',
];

pub(crate) fn text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(CHARS), 0..max).prop_map(|v| v.into_iter().collect())
}

/// Text that is more likely to form syntax: words, entity-like and insert-like pieces.
pub(crate) fn rich_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => text(6),
        1 => Just("&amp;".to_owned()),
        1 => Just("{{ insert: param, x }}".to_owned()),
        1 => Just("1. ".to_owned()),
        1 => Just("- ".to_owned()),
        1 => Just("# ".to_owned()),
        1 => Just("---".to_owned()),
        1 => Just("```".to_owned()),
        1 => Just("<div>".to_owned()),
        1 => Just("<http://x.y>".to_owned()),
        1 => Just("[a]: /b".to_owned()),
        1 => Just("snake_case".to_owned()),
        1 => Just("<#@a>".to_owned()),
        1 => Just("H~2~O".to_owned()),
        1 => Just("x^2^".to_owned()),
        1 => Just("a@b.c".to_owned()),
        1 => Just("  ".to_owned()),
    ];
    prop::collection::vec(piece, 0..4).prop_map(|v| v.concat())
}

fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => Just("param".to_owned()),
        2 => Just("ac-1_prm_1".to_owned()),
        1 => Just("x.y-z".to_owned()),
        1 => Just("_bad".to_owned()),
        1 => Just("has space".to_owned()),
        1 => Just(String::new()),
    ]
}

fn url() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => Just("https://example.com/a?b=1&c=2".to_owned()),
        1 => Just("#frag".to_owned()),
        1 => Just(String::new()),
        1 => Just("a b(c)<d>\\e".to_owned()),
        2 => text(8),
    ]
}

fn title() -> impl Strategy<Value = Option<String>> {
    prop_oneof![2 => Just(None), 1 => text(8).prop_map(Some)]
}

pub(crate) fn inline() -> impl Strategy<Value = Inline> {
    let leaf = prop_oneof![
        6 => rich_text().prop_map(Inline::Text),
        1 => text(6).prop_map(Inline::Code),
        1 => (url(), text(6), title()).prop_map(|(src, alt, title)| Inline::Image { src, alt, title }),
        1 => (token(), token()).prop_map(|(kind, id_ref)| Inline::Insert { kind, id_ref }),
        1 => Just(Inline::LineBreak),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        let seq = prop::collection::vec(inner, 0..4);
        prop_oneof![
            seq.clone().prop_map(Inline::Em),
            seq.clone().prop_map(Inline::Strong),
            seq.clone().prop_map(Inline::Italic),
            seq.clone().prop_map(Inline::Bold),
            seq.clone().prop_map(Inline::Sub),
            seq.clone().prop_map(Inline::Sup),
            seq.clone().prop_map(Inline::Quote),
            (url(), title(), seq).prop_map(|(href, title, content)| Inline::Link {
                href,
                title,
                content
            }),
        ]
    })
}

pub(crate) fn inlines() -> impl Strategy<Value = Vec<Inline>> {
    prop::collection::vec(inline(), 0..5)
}

fn align() -> impl Strategy<Value = Option<Align>> {
    prop_oneof![
        Just(None),
        Just(Some(Align::Left)),
        Just(Some(Align::Center)),
        Just(Some(Align::Right)),
    ]
}

fn table() -> impl Strategy<Value = Table> {
    let cell = (any::<bool>(), align(), inlines()).prop_map(|(header, align, content)| TableCell {
        header,
        align,
        content,
    });
    let row = prop::collection::vec(cell, 0..4).prop_map(|cells| TableRow { cells });
    prop::collection::vec(row, 0..4).prop_map(|rows| Table { rows })
}

pub(crate) fn block() -> impl Strategy<Value = Block> {
    let leaf = prop_oneof![
        6 => inlines().prop_map(Block::Paragraph),
        1 => (0u8..8, inlines()).prop_map(|(level, content)| Block::Heading { level, content }),
        1 => prop_oneof![text(12), Just("a\n```\n  b\n\n".to_owned()), Just(" \t".to_owned())]
            .prop_map(Block::Pre),
        1 => table().prop_map(Block::Table),
        1 => Just(Block::HorizontalRule),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            (
                any::<bool>(),
                prop_oneof![
                    Just(None),
                    Just(Some(1u64)),
                    (0u64..20).prop_map(Some),
                    Just(Some(5_000_000_000))
                ],
                prop::collection::vec(prop::collection::vec(inner.clone(), 0..3), 0..4)
            )
                .prop_map(|(ordered, start, items)| Block::List {
                    ordered,
                    start,
                    items
                }),
            prop::collection::vec(inner, 0..3).prop_map(Block::Blockquote),
        ]
    })
}

pub(crate) fn blocks() -> impl Strategy<Value = Vec<Block>> {
    prop::collection::vec(block(), 0..5)
}
