//! Bad XML input: each class in `fixtures/xml/bad/` gives one error of the right kind, at the
//! right line:column, with the JSON pointer of the place when it has one. Nothing panics,
//! nothing is dropped.

use std::path::{Path, PathBuf};

use poam_io::{ErrorKind, Format, Position, ReadError, SourceName};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/xml")
        .join(rel)
}

fn read_fixture(rel: &str) -> Result<poam_io::Document, ReadError> {
    let path = fixture(rel);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    poam_io::read(&bytes, &SourceName(rel.to_owned()), Some(Format::Xml))
}

fn read_text(text: &str) -> Result<poam_io::Document, ReadError> {
    poam_io::read(
        text.as_bytes(),
        &SourceName("t.xml".into()),
        Some(Format::Xml),
    )
}

// Callers pass it where a position may be absent (`check`'s `position`).
#[allow(clippy::unnecessary_wraps)]
fn at(line: usize, column: usize) -> Option<Position> {
    Some(Position { line, column })
}

#[track_caller]
fn check(
    rel: &str,
    kind: ErrorKind,
    position: Option<Position>,
    pointer: Option<&str>,
    says: &str,
) {
    let Err(e) = read_fixture(rel) else {
        panic!("fixtures/xml/{rel} loaded, but it is bad input")
    };
    assert_eq!(e.kind, kind, "{e}");
    assert_eq!(e.position, position, "{e}");
    assert_eq!(e.pointer.as_deref(), pointer, "{e}");
    assert!(e.message.contains(says), "{e}\nshould say: {says}");
    assert_eq!(e.source_name, rel);
}

const ROOT: &str = "/plan-of-action-and-milestones";

fn ptr(rest: &str) -> String {
    format!("{ROOT}{rest}")
}

#[test]
fn malformed_xml() {
    check(
        "bad/malformed.xml",
        ErrorKind::Syntax,
        at(6, 17),
        Some(&ptr("/metadata")),
        "the end tag `</versoin>` does not close `<version>`",
    );
}

#[test]
fn another_oscal_model() {
    check(
        "bad/ssp.xml",
        ErrorKind::Structure,
        at(2, 1),
        None,
        "this is an OSCAL system-security-plan, not a plan-of-action-and-milestones (POA&M)",
    );
}

#[test]
fn a_root_that_is_not_oscal() {
    let e = read_text("<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"/>")
        .expect_err("not OSCAL");
    assert_eq!(e.kind, ErrorKind::Structure);
    assert_eq!(e.position, at(2, 1));
    assert!(e.message.contains("the root element is `<html>`"), "{e}");
}

#[test]
fn wrong_namespace() {
    check(
        "bad/wrong-namespace.xml",
        ErrorKind::Structure,
        at(2, 1),
        Some(ROOT),
        "is in the namespace `http://csrc.nist.gov/ns/oscal/2.0`, not OSCAL's `http://csrc.nist.gov/ns/oscal/1.0`",
    );
}

#[test]
fn no_namespace() {
    check(
        "bad/no-namespace.xml",
        ErrorKind::Structure,
        at(2, 1),
        Some(ROOT),
        "is in no namespace",
    );
}

#[test]
fn element_of_another_namespace_inside() {
    let text = r#"<plan-of-action-and-milestones xmlns="http://csrc.nist.gov/ns/oscal/1.0" uuid="u">
  <metadata xmlns:x="urn:example:extension">
    <x:owner>me</x:owner>
  </metadata>
</plan-of-action-and-milestones>"#;
    let e = read_text(text).expect_err("foreign element");
    assert_eq!(e.kind, ErrorKind::Structure);
    assert_eq!(e.position, at(3, 5));
    assert_eq!(e.pointer.as_deref(), Some(&*ptr("/metadata")));
    assert!(
        e.message
            .contains("`<x:owner>` is in the namespace `urn:example:extension`"),
        "{e}"
    );
}

#[test]
fn unknown_element() {
    check(
        "bad/unknown-element.xml",
        ErrorKind::Structure,
        at(12, 5),
        Some(&ptr("/poam-items/0")),
        "unknown element `<severity>` in `<poam-item>`",
    );
}

#[test]
fn unknown_attribute() {
    check(
        "bad/unknown-attribute.xml",
        ErrorKind::Structure,
        at(8, 38),
        Some(&ptr("/metadata/props/0")),
        "unknown attribute `priority` on `<prop>`",
    );
}

#[test]
fn unknown_element_in_markup() {
    let text = r#"<plan-of-action-and-milestones xmlns="http://csrc.nist.gov/ns/oscal/1.0" uuid="u">
  <metadata>
    <title>T</title>
    <remarks><p>See <span>this</span>.</p></remarks>
  </metadata>
</plan-of-action-and-milestones>"#;
    let e = read_text(text).expect_err("span is not OSCAL markup");
    assert_eq!(e.kind, ErrorKind::Structure);
    assert_eq!(e.position, at(4, 21));
    assert_eq!(e.pointer.as_deref(), Some(&*ptr("/metadata/remarks")));
    assert!(e.message.contains("unknown element `<span>`"), "{e}");
}

#[test]
fn text_where_an_element_belongs() {
    check(
        "bad/stray-text.xml",
        ErrorKind::Structure,
        at(11, 5),
        Some(&ptr("/poam-items/0")),
        "text \"Fix by Friday.\" where only elements belong, in `<poam-item>`",
    );
}

#[test]
fn element_where_text_belongs() {
    check(
        "bad/element-in-text.xml",
        ErrorKind::Structure,
        at(6, 16),
        Some(&ptr("/metadata/version")),
        "`<version>` holds text only, but contains the element `<b>`",
    );
}

#[test]
fn doctype_with_external_entity_is_refused() {
    check(
        "bad/xxe.xml",
        ErrorKind::Unsupported,
        at(2, 1),
        None,
        "a DOCTYPE is not allowed",
    );
}

#[test]
fn entity_expansion_bomb_is_refused() {
    check(
        "bad/entity-bomb.xml",
        ErrorKind::Unsupported,
        at(2, 1),
        None,
        "DTD entities can read local files (XXE) or expand without bound",
    );
}

#[test]
fn undefined_entity() {
    check(
        "bad/undefined-entity.xml",
        ErrorKind::Syntax,
        at(6, 17),
        Some(&ptr("/metadata/version")),
        "unknown entity `&nbsp;`",
    );
}

#[test]
fn undefined_entity_in_an_attribute() {
    let text = r#"<plan-of-action-and-milestones xmlns="http://csrc.nist.gov/ns/oscal/1.0" uuid="&bogus;"/>"#;
    let e = read_text(text).expect_err("entity");
    assert_eq!(e.kind, ErrorKind::Syntax);
    assert_eq!(e.position, at(1, 74));
    assert!(e.message.contains("unknown entity `&bogus;`"), "{e}");
}

#[test]
fn invalid_utf8() {
    check(
        "bad/invalid-utf8.xml",
        ErrorKind::Encoding,
        at(4, 15),
        None,
        "invalid UTF-8",
    );
}

#[test]
fn declared_encoding_other_than_utf8() {
    check(
        "bad/declared-latin1.xml",
        ErrorKind::Encoding,
        at(1, 1),
        None,
        "the XML declaration says encoding=\"ISO-8859-1\"; poam reads UTF-8 only",
    );
}

#[test]
fn character_xml_forbids() {
    check(
        "bad/control-character.xml",
        ErrorKind::Syntax,
        at(4, 17),
        Some(&ptr("/metadata/title")),
        "the character U+0007 is not allowed in XML 1.0",
    );
    let e = read_text(
        r#"<plan-of-action-and-milestones xmlns="http://csrc.nist.gov/ns/oscal/1.0" uuid="u"><metadata><version>&#1;</version></metadata></plan-of-action-and-milestones>"#,
    )
    .expect_err("char ref to U+0001");
    assert!(
        e.message
            .contains("is U+0001, which XML 1.0 does not allow"),
        "{e}"
    );
}

#[test]
fn missing_required_element() {
    check(
        "bad/missing-required.xml",
        ErrorKind::Structure,
        at(9, 3),
        Some(&ptr("/poam-items/0")),
        "`<poam-item>` lacks its required element `<description>`",
    );
}

#[test]
fn missing_required_attribute() {
    check(
        "bad/missing-attribute.xml",
        ErrorKind::Structure,
        at(8, 5),
        Some(&ptr("/metadata/props/0")),
        "`<prop>` lacks its required attribute `value`",
    );
}

#[test]
fn element_that_may_appear_once_appears_twice() {
    check(
        "bad/duplicate-element.xml",
        ErrorKind::Structure,
        at(7, 5),
        Some(&ptr("/metadata/version")),
        "`<version>` appears more than once in `<metadata>`",
    );
}

#[test]
fn integer_that_is_not_one() {
    check(
        "bad/bad-integer.xml",
        ErrorKind::Datatype,
        at(15, 21),
        Some(&ptr(
            "/local-definitions/components/0/protocols/0/port-ranges/0/start",
        )),
        "\"four-four-three\" is not an integer",
    );
}

#[test]
fn content_after_the_root() {
    check(
        "bad/after-root.xml",
        ErrorKind::Syntax,
        at(14, 1),
        None,
        "content after the end of the root element",
    );
}

#[test]
fn empty_and_truncated_input() {
    for (text, kind) in [
        ("", ErrorKind::Empty),
        ("  \n", ErrorKind::Empty),
        (
            "<?xml version=\"1.0\"?>\n<!-- nothing -->\n",
            ErrorKind::Structure,
        ),
        (
            "<plan-of-action-and-milestones xmlns=\"http://csrc.nist.gov/ns/oscal/1.0\" uuid=\"u\"><metadata>",
            ErrorKind::Syntax,
        ),
        ("<plan-of-action-and-milestones", ErrorKind::Syntax),
        ("text, not XML <", ErrorKind::Syntax),
    ] {
        let e = read_text(text).expect_err(text);
        assert_eq!(e.kind, kind, "{text:?}: {e}");
    }
}

#[test]
fn nesting_is_bounded() {
    // Tasks nest in tasks; 200 levels is past the limit and must not overflow the stack.
    let mut text = String::from(
        r#"<plan-of-action-and-milestones xmlns="http://csrc.nist.gov/ns/oscal/1.0" uuid="u"><risk uuid="r"><response uuid="s" lifecycle="planned">"#,
    );
    for _ in 0..200 {
        text.push_str(r#"<task uuid="t" type="milestone">"#);
    }
    let e = read_text(&text).expect_err("too deep");
    assert_eq!(e.kind, ErrorKind::Limit, "{e}");
    assert!(e.message.contains("nested too deeply"), "{e}");
}

#[test]
fn every_bad_fixture_is_tested() {
    let dir = fixture("bad");
    let source = include_str!("xml_bad_input.rs");
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let name = entry.map(|e| e.file_name()).unwrap_or_default();
        let name = name.to_string_lossy();
        assert!(
            source.contains(&format!("\"bad/{name}\"")),
            "fixtures/xml/bad/{name} has no test"
        );
    }
}

#[test]
fn no_poam_item_is_a_missing_member_as_in_json() {
    check(
        "bad/no-poam-item.xml",
        ErrorKind::Structure,
        at(2, 1),
        Some(ROOT),
        "`<plan-of-action-and-milestones>` lacks its required element `<poam-item>` (at least one)",
    );
}

#[test]
fn an_xml_declaration_of_another_version_is_refused() {
    check(
        "bad/declared-version-7.5.xml",
        ErrorKind::Syntax,
        at(1, 1),
        None,
        "version=\"7.5\"",
    );
}

/// A second XML declaration before the root is refused at its place, as one after it is (it
/// was read as a declaration each time: the fuzzer's thousands of them took time growing with
/// their square, each one's encoding check looking at the whole text).
#[test]
fn a_second_xml_declaration_is_refused() {
    check(
        "bad/second-declaration.xml",
        ErrorKind::Syntax,
        at(2, 1),
        None,
        "an XML declaration is allowed only at the very start",
    );
}

#[test]
fn an_xml_declaration_of_no_real_encoding_is_refused() {
    check(
        "bad/declared-encoding-bogus.xml",
        ErrorKind::Encoding,
        at(1, 1),
        None,
        "encoding=\"bogus\", which is not an encoding",
    );
}

#[test]
fn an_unknown_attribute_on_a_markup_line_is_an_error_as_on_p() {
    check(
        "bad/unknown-attribute-on-title.xml",
        ErrorKind::Structure,
        at(4, 12),
        Some(&ptr("/metadata/title")),
        "unknown attribute `lang` on `<title>`",
    );
}
