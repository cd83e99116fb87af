//! OSCAL XML round trips: XML -> model -> XML (text and model), XML -> JSON -> XML, the same
//! document in XML and JSON, and the reading rules (order, namespaces, whitespace).

use crate::support::fixture_text;

use poam_io::{Document, Format, Position, SourceName};
use poam_markup::MarkupMultiline;

fn read(text: &str, format: Format) -> Document {
    poam_io::read(
        text.as_bytes(),
        &SourceName(format!("<{format}>")),
        Some(format),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn write(doc: &Document, format: Format) -> String {
    let bytes = poam_io::write(doc, format).unwrap_or_else(|e| panic!("write {format}: {e}"));
    String::from_utf8(bytes).unwrap_or_else(|e| panic!("{e}"))
}

/// The model of a JSON document, without the JSON-only `$schema`.
fn json_model(rel: &str) -> Document {
    let mut doc = read(&fixture_text(rel), Format::Json);
    doc.schema = None;
    doc
}

const MINIMAL: &str = "xml/minimal.xml";
const FULL: &str = "xml/full.xml";
const MARKUP: &str = "xml/markup.xml";

#[test]
fn canonical_fixtures_are_written_back_byte_for_byte() {
    // minimal.xml and full.xml are in the writer's own form: reading and writing them gives
    // the same text.
    for rel in [MINIMAL, FULL] {
        let text = fixture_text(rel);
        let doc = read(&text, Format::Xml);
        let written = write(&doc, Format::Xml);
        if written != text {
            let line = written
                .lines()
                .zip(text.lines())
                .position(|(a, b)| a != b)
                .map_or(0, |i| i + 1);
            panic!("{rel}: written XML differs from the fixture at line {line}");
        }
        assert_eq!(read(&written, Format::Xml), doc, "{rel}");
    }
}

#[test]
fn xml_twins_of_the_json_fixtures_have_the_same_model() {
    assert_eq!(
        read(&fixture_text(FULL), Format::Xml),
        json_model("poam/full.json")
    );
    assert_eq!(
        read(&fixture_text(MINIMAL), Format::Xml),
        json_model("poam/minimal.json")
    );
}

#[test]
fn every_format_pair_keeps_the_model() {
    for rel in [MINIMAL, FULL] {
        let doc = read(&fixture_text(rel), Format::Xml);
        for a in Format::ALL {
            let via_a = read(&write(&doc, a), a);
            assert_eq!(via_a, doc, "{rel}: xml -> {a}");
            for b in Format::ALL {
                let via_b = read(&write(&via_a, b), b);
                assert_eq!(via_b, doc, "{rel}: xml -> {a} -> {b}");
            }
        }
    }
}

#[test]
fn markup_fixture_round_trips_through_xml() {
    let doc = read(&fixture_text(MARKUP), Format::Xml);
    let written = write(&doc, Format::Xml);
    assert_eq!(read(&written, Format::Xml), doc);
    insta::assert_snapshot!("markup_written", written);
}

#[test]
fn markup_through_markdown_keeps_what_markdown_can_hold() {
    // `<i>`, `<b>` and `<q>` have no Markdown of their own (they come back as em, strong and
    // quote characters): XML -> JSON -> XML gives each markup field's Markdown equivalent.
    let doc = read(&fixture_text(MARKUP), Format::Xml);
    let back = read(
        &write(&read(&write(&doc, Format::Json), Format::Json), Format::Xml),
        Format::Xml,
    );
    let (m, m_back) = (
        &doc.plan_of_action_and_milestones.metadata,
        &back.plan_of_action_and_milestones.metadata,
    );
    assert_eq!(m_back.title, m.title.markdown_equivalent());
    assert_ne!(m_back.title, m.title, "the fixture has <i>, <b> and <q>");
    assert_eq!(
        m_back.remarks,
        m.remarks.as_ref().map(MarkupMultiline::markdown_equivalent)
    );
    let (i, i_back) = (
        &doc.plan_of_action_and_milestones.poam_items[0],
        &back.plan_of_action_and_milestones.poam_items[0],
    );
    assert_eq!(i_back.title, i.title.markdown_equivalent());
    assert_eq!(i_back.description, i.description.markdown_equivalent());
}

#[test]
fn children_may_come_in_any_order() {
    let ordered = fixture_text(MINIMAL);
    let shuffled = r#"<?xml version="1.0" encoding="UTF-8"?>
<plan-of-action-and-milestones xmlns="http://csrc.nist.gov/ns/oscal/1.0" uuid="0b6e3c52-8f2d-4e7a-9c41-5d2a7f1e8b03">
  <poam-item>
    <description><p>The only required members of a POA&amp;M item are its title and description.</p></description>
    <title>Example item</title>
  </poam-item>
  <metadata>
    <oscal-version>1.1.3</oscal-version>
    <version>1.0</version>
    <last-modified>2025-01-06T08:00:00Z</last-modified>
    <title>Minimal POA&amp;M</title>
  </metadata>
</plan-of-action-and-milestones>
"#;
    let doc = read(shuffled, Format::Xml);
    assert_eq!(doc, read(&ordered, Format::Xml));
    // and it is written back in metaschema order
    assert_eq!(write(&doc, Format::Xml), ordered);
}

#[test]
fn prefixes_schema_location_comments_and_processing_instructions() {
    let text = r#"<?xml version="1.0" encoding="utf-8"?>
<?xml-model href="oscal_poam_schema.xsd" schematypens="http://www.w3.org/2001/XMLSchema"?>
<!-- a comment before the root -->
<o:plan-of-action-and-milestones xmlns:o="http://csrc.nist.gov/ns/oscal/1.0"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://csrc.nist.gov/ns/oscal/1.0 oscal_poam_schema.xsd"
    uuid="0b6e3c52-8f2d-4e7a-9c41-5d2a7f1e8b03">
  <o:metadata>
    <!-- comments are not content -->
    <o:title>Minimal POA&amp;M</o:title>
    <o:last-modified>2025-01-06T08:00:00Z</o:last-modified>
    <o:version><![CDATA[1.0]]></o:version>
    <o:oscal-version>1.1.3</o:oscal-version>
  </o:metadata>
  <poam-item xmlns="http://csrc.nist.gov/ns/oscal/1.0">
    <title>Example item</title>
    <description><p>The only required members of a POA&amp;M item are its title and description.</p></description>
  </poam-item>
</o:plan-of-action-and-milestones>
<!-- and after it -->
"#;
    assert_eq!(
        read(text, Format::Xml),
        read(&fixture_text(MINIMAL), Format::Xml)
    );
}

#[test]
fn xsi_attributes_are_allowed_on_the_root_only() {
    let text = r#"<plan-of-action-and-milestones xmlns="http://csrc.nist.gov/ns/oscal/1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" uuid="u">
  <metadata xsi:type="x"/>
</plan-of-action-and-milestones>"#;
    let e = poam_io::read(text.as_bytes(), &SourceName("t".into()), Some(Format::Xml))
        .expect_err("xsi:type on metadata");
    assert!(
        e.message
            .contains("unknown attribute `xsi:type` on `<metadata>`"),
        "{e}"
    );
}

#[test]
fn whitespace_is_kept_in_strings_and_collapsed_where_the_xsd_collapses_it() {
    let text = r#"<plan-of-action-and-milestones xmlns="http://csrc.nist.gov/ns/oscal/1.0" uuid=" 0b6e3c52-8f2d-4e7a-9c41-5d2a7f1e8b03">
  <metadata>
    <title>T</title>
    <last-modified>
      2025-01-06T08:00:00Z
    </last-modified>
    <version> 1.0 </version>
    <oscal-version>1.1.3</oscal-version>
    <link href="  https://example.org/a  "/>
  </metadata>
  <poam-item><title>I</title><description><p>D</p></description></poam-item>
</plan-of-action-and-milestones>"#;
    let doc = read(text, Format::Xml);
    let poam = &doc.plan_of_action_and_milestones;
    // uuid and string: XSD `whiteSpace="preserve"`; the validator reports the spaces
    assert_eq!(poam.uuid.as_str(), " 0b6e3c52-8f2d-4e7a-9c41-5d2a7f1e8b03");
    assert_eq!(poam.metadata.version, " 1.0 ");
    // date-time and URI: XSD `whiteSpace="collapse"`
    assert_eq!(poam.metadata.last_modified.as_str(), "2025-01-06T08:00:00Z");
    assert_eq!(
        poam.metadata.links[0].href.as_str(),
        "https://example.org/a"
    );
}

#[test]
fn line_ends_tabs_and_specials_survive_in_attributes_and_text() {
    let json = r#"{"plan-of-action-and-milestones": {
      "uuid": "0b6e3c52-8f2d-4e7a-9c41-5d2a7f1e8b03",
      "metadata": {
        "title": "T",
        "last-modified": "2025-01-06T08:00:00Z",
        "version": "1.0\r\n2.0",
        "oscal-version": "1.1.3",
        "props": [{"name": "n", "value": "tab\there\nnew line \"quoted\" <&> 'apos' \r end"}]
      },
      "poam-items": [{"title": "I", "description": "D"}]
    }}"#;
    let doc = read(json, Format::Json);
    let xml = write(&doc, Format::Xml);
    assert!(
        xml.contains(
            r#"value="tab&#9;here&#10;new line &quot;quoted&quot; &lt;&amp;&gt; 'apos' &#13; end""#
        ),
        "{xml}"
    );
    assert!(xml.contains("<version>1.0&#13;\n2.0</version>"), "{xml}");
    assert_eq!(read(&xml, Format::Xml), doc);
}

#[test]
fn characters_xml_cannot_hold_are_a_write_error_naming_the_place() {
    let json = r#"{"plan-of-action-and-milestones": {
      "uuid": "0b6e3c52-8f2d-4e7a-9c41-5d2a7f1e8b03",
      "metadata": {"title": "T", "last-modified": "2025-01-06T08:00:00Z",
                   "version": "bell\u0007", "oscal-version": "1.1.3"},
      "poam-items": [{"title": "Item", "description": "Fine."}]
    }}"#;
    let doc = read(json, Format::Json);
    let e = poam_io::write(&doc, Format::Xml).expect_err("U+0007");
    assert_eq!(
        e.to_string(),
        "XML: plan-of-action-and-milestones/metadata/version: the character U+0007 cannot be written in XML 1.0"
    );
}

/// A POA&M with no item: the XML form cannot hold one, so no format reads or writes it.
#[test]
fn a_poam_without_items_is_refused_in_every_format() {
    let json = r#"{"plan-of-action-and-milestones": {
      "uuid": "0b6e3c52-8f2d-4e7a-9c41-5d2a7f1e8b03",
      "metadata": {"title": "T", "last-modified": "2025-01-06T08:00:00Z",
                   "version": "1.0", "oscal-version": "1.1.3"},
      "poam-items": []
    }}"#;
    let e = poam_io::read(
        json.as_bytes(),
        &SourceName("<json>".into()),
        Some(Format::Json),
    )
    .expect_err("no item");
    assert_eq!(
        e.pointer.as_deref(),
        Some("/plan-of-action-and-milestones/poam-items")
    );
    assert_eq!(
        e.position,
        Some(Position {
            line: 5,
            column: 21
        }),
        "{e}"
    );
    let mut doc = read(&fixture_text(MINIMAL), Format::Xml);
    doc.plan_of_action_and_milestones.poam_items.clear();
    for format in [Format::Json, Format::Yaml, Format::Xml] {
        let e = poam_io::write(&doc, format).expect_err("no item");
        assert_eq!(
            e.to_string(),
            format!(
                "{} (at /plan-of-action-and-milestones/poam-items)",
                poam_model::EMPTY_REQUIRED_LIST
            ),
            "{format}"
        );
    }
}

#[test]
fn empty_markup_loads_and_is_written_valid() {
    let text = r#"<plan-of-action-and-milestones xmlns="http://csrc.nist.gov/ns/oscal/1.0" uuid="0b6e3c52-8f2d-4e7a-9c41-5d2a7f1e8b03">
  <metadata>
    <title/>
    <last-modified>2025-01-06T08:00:00Z</last-modified>
    <version>1.0</version>
    <oscal-version>1.1.3</oscal-version>
  </metadata>
  <poam-item>
    <title>Item</title>
    <description/>
    <remarks><p/></remarks>
  </poam-item>
</plan-of-action-and-milestones>"#;
    let doc = read(text, Format::Xml);
    let item = &doc.plan_of_action_and_milestones.poam_items[0];
    assert!(item.description.blocks().is_empty());
    assert_eq!(
        item.remarks.as_ref().map(|r| r.blocks().is_empty()),
        Some(true)
    );
    assert!(
        doc.plan_of_action_and_milestones
            .metadata
            .title
            .inlines()
            .is_empty()
    );
    let xml = write(&doc, Format::Xml);
    // The XSD wants a block in every markup-multiline: an empty one is one empty paragraph.
    assert!(
        xml.contains("<description>\n      <p/>\n    </description>"),
        "{xml}"
    );
    assert_eq!(read(&xml, Format::Xml), doc);
    // and JSON's empty string is the same model
    assert_eq!(read(&write(&doc, Format::Json), Format::Json), doc);
}

#[test]
fn positions_of_json_pointers_in_xml() {
    let text = fixture_text(FULL);
    let locate = |p: &str| poam_io::locate::locate(&text, Format::Xml, p);
    let line_of = |needle: &str| {
        text.lines()
            .position(|l| l.contains(needle))
            .map_or_else(|| panic!("{needle} not in full.xml"), |i| i + 1)
    };
    let root = "/plan-of-action-and-milestones";
    assert_eq!(locate(root), Some(Position { line: 2, column: 1 }));
    let uuid = locate(&format!("{root}/uuid")).expect("uuid");
    assert_eq!(uuid.line, 2);
    let title = locate(&format!("{root}/metadata/revisions/0/title")).expect("title");
    assert_eq!(title.line, line_of("<title>Monthly continuous monitoring"));
    let doc_id = locate(&format!("{root}/metadata/document-ids/1/identifier")).expect("id");
    assert_eq!(doc_id.line, line_of(">NSAP-POAM-2025-04<"));
    let prop = locate(&format!("{root}/metadata/props/2/class")).expect("class");
    assert_eq!(prop.line, line_of("value=\"monthly\" class=\"conmon\""));
}
