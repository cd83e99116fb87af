//! NUL, the other C0 controls and U+0085 in every writer: kept exactly where the format can
//! hold them (JSON and YAML escape them; XML 1.0 holds U+0085), refused with the place where
//! it cannot (XML 1.0 holds no C0 control but tab, line feed and carriage return; markup,
//! being Markdown, holds no NUL). Never changed or dropped without a word.

use poam_io::{Document, Format, SourceName};

const MINIMAL: &str = include_str!("../../../../fixtures/poam/minimal.json");

/// The minimal fixture with `title` as the first item's title and `value` as a prop of it.
fn with_text(title: &str, value: &str) -> String {
    let mut v: serde_json::Value = serde_json::from_str(MINIMAL).unwrap();
    let item = &mut v["plan-of-action-and-milestones"]["poam-items"][0];
    item["title"] = title.into();
    item["props"] = serde_json::json!([{"name": "marking", "value": value}]);
    serde_json::to_string_pretty(&v).unwrap()
}

fn read(text: &[u8], format: Format) -> Result<Document, poam_io::ReadError> {
    poam_io::read(text, &SourceName(format!("in.{format}")), Some(format))
}

fn item_texts(doc: &Document) -> (String, String) {
    let v = serde_json::to_value(doc).unwrap();
    let item = &v["plan-of-action-and-milestones"]["poam-items"][0];
    (
        item["title"].as_str().unwrap().to_owned(),
        item["props"][0]["value"].as_str().unwrap().to_owned(),
    )
}

const CONTROLS: &str = "a\u{1}b\u{b}c\u{c}d\u{1f}e\u{7f}f\u{85}g";

#[test]
fn json_and_yaml_keep_every_control_character() {
    let doc = read(
        with_text(CONTROLS, &format!("\0{CONTROLS}")).as_bytes(),
        Format::Json,
    )
    .unwrap();
    assert_eq!(
        item_texts(&doc),
        (CONTROLS.to_owned(), format!("\0{CONTROLS}"))
    );
    for format in [Format::Json, Format::Yaml] {
        let bytes = poam_io::write(&doc, format).unwrap();
        let again = read(&bytes, format).unwrap_or_else(|e| panic!("{format}: {e}"));
        assert_eq!(again, doc, "{format}");
    }
}

#[test]
fn xml_keeps_what_xml_holds_and_refuses_the_rest_with_the_place() {
    // U+0085 and U+007F are XML 1.0 characters: kept.
    let held = "a\u{7f}b\u{85}c";
    let doc = read(with_text(held, held).as_bytes(), Format::Json).unwrap();
    let xml = poam_io::write(&doc, Format::Xml).unwrap();
    let mut again = read(&xml, Format::Xml).unwrap();
    again.schema.clone_from(&doc.schema);
    assert_eq!(item_texts(&again), (held.to_owned(), held.to_owned()));

    // A C0 control is not: refused, naming the element.
    for (title, value) in [(CONTROLS, "plain"), ("plain", "x\u{0}y")] {
        let doc = read(with_text(title, value).as_bytes(), Format::Json).unwrap();
        let e = poam_io::write(&doc, Format::Xml).expect_err("XML cannot hold it");
        let message = e.to_string();
        let (place, code) = if title == CONTROLS {
            ("poam-item/title", "U+0001")
        } else {
            ("poam-item/prop", "U+0000")
        };
        assert!(message.contains(place), "{message}");
        assert!(message.contains(code), "{message}");
    }
}

/// Markup is Markdown, which holds no NUL (CommonMark reads it as U+FFFD): a NUL in markup
/// is refused at its place, in JSON and in YAML, rather than turned into U+FFFD.
#[test]
fn nul_in_markup_is_refused_at_its_place() {
    let json = with_text("be\u{0}fore", "plain");
    let e = read(json.as_bytes(), Format::Json).expect_err("NUL in markup");
    assert_eq!(
        e.pointer.as_deref(),
        Some("/plan-of-action-and-milestones/poam-items/0/title"),
        "{e}"
    );
    assert!(e.position.is_some(), "{e}");
    assert!(e.to_string().contains("U+0000 (NUL) at character 3"), "{e}");

    let doc = read(with_text("t", "plain").as_bytes(), Format::Json).unwrap();
    let yaml = String::from_utf8(poam_io::write(&doc, Format::Yaml).unwrap()).unwrap();
    let yaml = yaml.replacen("title: t\n", "title: \"be\\0fore\"\n", 1);
    assert!(yaml.contains("be\\0fore"), "{yaml}");
    let e = read(yaml.as_bytes(), Format::Yaml).expect_err("NUL in markup");
    assert_eq!(
        e.pointer.as_deref(),
        Some("/plan-of-action-and-milestones/poam-items/0/title"),
        "{e}"
    );
    assert!(e.to_string().contains("U+0000 (NUL)"), "{e}");
}
