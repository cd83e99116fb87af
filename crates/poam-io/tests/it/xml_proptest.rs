//! Property tests: markup trees and string values placed in a document survive model -> XML
//! -> model. (The markup tree itself, and tree <-> Markdown, are tested in `poam-markup`.)

use poam_io::{Document, Format, SourceName};
use poam_markup::{Align, Block, Inline, MarkupLine, MarkupMultiline, Table, TableCell, TableRow};
use proptest::prelude::*;

/// Text with the characters that need care: XML specials, Markdown specials, whitespace of
/// every kind, non-ASCII.
fn text() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[a-zA-Z0-9 <>&\"'*_`~^\\\\#|\\[\\]{}()!.:\n\r\tàé€漢😀-]{0,14}")
        .unwrap_or_else(|e| panic!("{e}"))
}

fn token() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[a-z][a-z0-9_.-]{0,8}").unwrap_or_else(|e| panic!("{e}"))
}

fn href() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("https://example.org/a?b=1&c=2".to_owned()),
        Just("#0b6e3c52-8f2d-4e7a-9c41-5d2a7f1e8b03".to_owned()),
        Just("diagram one.png".to_owned()),
        token(),
    ]
}

fn inline() -> impl Strategy<Value = Inline> {
    let leaf = prop_oneof![
        4 => text().prop_map(Inline::Text),
        1 => text().prop_map(Inline::Code),
        1 => Just(Inline::LineBreak),
        1 => (href(), text(), proptest::option::of(text()))
            .prop_map(|(src, alt, title)| Inline::Image { src, alt, title }),
        1 => (token(), token()).prop_map(|(kind, id_ref)| Inline::Insert { kind, id_ref }),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        let many = proptest::collection::vec(inner, 0..4);
        prop_oneof![
            many.clone().prop_map(Inline::Em),
            many.clone().prop_map(Inline::Strong),
            many.clone().prop_map(Inline::Italic),
            many.clone().prop_map(Inline::Bold),
            many.clone().prop_map(Inline::Quote),
            many.clone().prop_map(Inline::Sub),
            many.clone().prop_map(Inline::Sup),
            (href(), proptest::option::of(text()), many).prop_map(|(href, title, content)| {
                Inline::Link {
                    href,
                    title,
                    content,
                }
            }),
        ]
    })
}

fn inlines() -> impl Strategy<Value = Vec<Inline>> {
    proptest::collection::vec(inline(), 0..5)
}

fn table() -> impl Strategy<Value = Table> {
    (1usize..4, 1usize..4).prop_flat_map(|(rows, cols)| {
        let cell = (
            any::<bool>(),
            proptest::option::of(prop_oneof![
                Just(Align::Left),
                Just(Align::Center),
                Just(Align::Right)
            ]),
            inlines(),
        )
            .prop_map(|(header, align, content)| TableCell {
                header,
                align,
                content,
            });
        proptest::collection::vec(
            proptest::collection::vec(cell, cols).prop_map(|cells| TableRow { cells }),
            rows,
        )
        .prop_map(|rows| Table { rows })
    })
}

fn block() -> impl Strategy<Value = Block> {
    let leaf = prop_oneof![
        4 => inlines().prop_map(Block::Paragraph),
        1 => (1u8..=6, inlines()).prop_map(|(level, content)| Block::Heading { level, content }),
        1 => text().prop_map(Block::Pre),
        1 => table().prop_map(Block::Table),
        1 => Just(Block::HorizontalRule),
    ];
    leaf.prop_recursive(3, 16, 3, |inner| {
        let blocks = proptest::collection::vec(inner, 0..3);
        prop_oneof![
            blocks.clone().prop_map(Block::Blockquote),
            (
                any::<bool>(),
                proptest::option::of(0u64..20),
                proptest::collection::vec(blocks, 0..3)
            )
                .prop_map(|(ordered, start, items)| Block::List {
                    ordered,
                    start,
                    items
                }),
        ]
    })
}

fn base() -> Document {
    let json = r#"{"plan-of-action-and-milestones": {
      "uuid": "0b6e3c52-8f2d-4e7a-9c41-5d2a7f1e8b03",
      "metadata": {"title": "T", "last-modified": "2025-01-06T08:00:00Z",
                   "version": "1.0", "oscal-version": "1.1.3",
                   "props": [{"name": "n", "value": "v"}]},
      "poam-items": [{"title": "t", "description": "d"}]
    }}"#;
    poam_io::read(
        json.as_bytes(),
        &SourceName("base".into()),
        Some(Format::Json),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn through_xml(doc: &Document) -> Document {
    let xml = poam_io::write(doc, Format::Xml).unwrap_or_else(|e| panic!("write: {e}"));
    poam_io::read(&xml, &SourceName("written".into()), Some(Format::Xml))
        .unwrap_or_else(|e| panic!("{e}\n{}", String::from_utf8_lossy(&xml)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Normalized markup (the form every reader produces) in a title, a description and
    /// remarks comes back unchanged from XML.
    #[test]
    fn markup_in_a_document_survives_xml(
        title in inlines(),
        description in proptest::collection::vec(block(), 0..4),
        remarks in proptest::collection::vec(block(), 0..3),
    ) {
        let mut doc = base();
        let item = &mut doc.plan_of_action_and_milestones.poam_items[0];
        item.title = MarkupLine::new(title).normalized();
        item.description = MarkupMultiline::new(description).normalized();
        item.remarks = Some(MarkupMultiline::new(remarks).normalized());
        prop_assert_eq!(through_xml(&doc), doc);
    }

    /// Any string XML can hold survives as an attribute value and as element text.
    #[test]
    fn strings_survive_xml(value in text(), version in text(), party in text()) {
        let mut doc = base();
        let m = &mut doc.plan_of_action_and_milestones.metadata;
        m.props[0].value = value;
        m.version = version;
        m.parties.push(poam_model::Party {
            uuid: "1b6e3c52-8f2d-4e7a-9c41-5d2a7f1e8b03".into(),
            r#type: "organization".into(),
            name: Some(party.clone()),
            short_name: None,
            external_ids: vec![],
            props: vec![],
            links: vec![],
            email_addresses: vec![],
            telephone_numbers: vec![],
            addresses: vec![],
            location_uuids: vec![],
            member_of_organizations: vec![],
            remarks: None,
        });
        prop_assert_eq!(through_xml(&doc), doc);
    }
}
