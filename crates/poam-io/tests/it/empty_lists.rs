//! Lists OSCAL requires to hold at least one item (an observation's `methods`, a responsible
//! party's `party-uuids`, `poam-items`, ...): JSON and YAML can write one empty (`[]`), XML
//! cannot (none is the member missing). `[]` is refused at its place in JSON and YAML, as the
//! XML reader refuses the missing element; a list that may be absent reads as absent, and
//! what is read is written as XML that reads back the same.

use crate::support::fixture_text;
use std::collections::BTreeSet;

use poam_io::{Document, ErrorKind, Format, Position, ReadError, SourceName};
use poam_model::EMPTY_REQUIRED_LIST;
use serde_json::Value;

fn read(text: &str, format: Format) -> Result<Document, ReadError> {
    poam_io::read(text.as_bytes(), &SourceName("emptied".into()), Some(format))
}

/// The pointer of the first array in `v` at each place of the model (`/risks/0/props` for
/// `/risks/*/props`), outermost first.
fn arrays(v: &Value, at: &str, out: &mut Vec<String>) {
    let place = |p: &str| -> Vec<String> {
        p.split('/')
            .map(|s| {
                if s.bytes().all(|b| b.is_ascii_digit()) {
                    "*".to_owned()
                } else {
                    s.to_owned()
                }
            })
            .collect()
    };
    match v {
        Value::Array(items) => {
            if !out.iter().any(|seen| place(seen) == place(at)) {
                out.push(at.to_owned());
            }
            for (i, x) in items.iter().enumerate() {
                arrays(x, &format!("{at}/{i}"), out);
            }
        }
        Value::Object(members) => {
            for (k, x) in members {
                arrays(x, &format!("{at}/{k}"), out);
            }
        }
        _ => {}
    }
}

/// The text of `tree` in `format` (JSON or YAML).
fn text_of(tree: &Value, format: Format) -> String {
    match format {
        Format::Json => serde_json::to_string_pretty(tree).unwrap_or_else(|e| panic!("{e}")),
        _ => serde_saphyr::to_string(tree).unwrap_or_else(|e| panic!("{e}")),
    }
}

/// Empties each array of the full fixture (which uses every member of the model) in turn, in
/// JSON and in YAML. Each is either refused at its place, or read, with no empty required
/// list, into a document whose XML reads back the same. The lists refused are exactly the
/// required ones.
#[test]
fn every_required_list_refuses_empty_and_every_other_list_may_be_empty() {
    let tree: Value = serde_json::from_str(&fixture_text("poam/full.json")).unwrap();
    let mut pointers = Vec::new();
    arrays(&tree, "", &mut pointers);
    let mut refused = BTreeSet::new();
    for pointer in &pointers {
        let mut emptied = tree.clone();
        *emptied.pointer_mut(pointer).unwrap() = Value::Array(Vec::new());
        for format in [Format::Json, Format::Yaml] {
            let text = text_of(&emptied, format);
            match read(&text, format) {
                Ok(mut doc) => {
                    assert_eq!(poam_model::empty_required_lists(&doc), [], "{pointer}");
                    doc.schema = None;
                    let xml = poam_io::write(&doc, Format::Xml)
                        .unwrap_or_else(|e| panic!("{pointer}: {e}"));
                    let xml = String::from_utf8(xml).unwrap();
                    let back = read(&xml, Format::Xml).unwrap_or_else(|e| panic!("{pointer}: {e}"));
                    assert!(
                        back == doc,
                        "{format} {pointer}: the XML reads back otherwise"
                    );
                }
                Err(e) => {
                    assert_eq!(e.kind, ErrorKind::Structure, "{format} {pointer}: {e}");
                    assert_eq!(e.message, EMPTY_REQUIRED_LIST, "{format} {pointer}: {e}");
                    assert_eq!(e.pointer.as_deref(), Some(&**pointer), "{format}: {e}");
                    let at = poam_io::locate::locate(&text, format, pointer);
                    assert!(at.is_some(), "{format} {pointer}: not located");
                    assert_eq!(e.position, at, "{format} {pointer}: {e}");
                    refused.insert(pointer.rsplit('/').next().unwrap().to_owned());
                }
            }
        }
    }
    assert_eq!(
        refused,
        BTreeSet::from(
            [
                "actors",
                "assessment-platforms",
                "entries",
                "facets",
                "methods",
                "party-uuids",
                "poam-items",
                "subjects",
            ]
            .map(str::to_owned)
        )
    );
}

/// The hand-written fixtures of the class: the place is the `[` of the empty list.
#[test]
fn the_bad_fixtures_are_refused_at_the_empty_list() {
    for (rel, format, line, column, pointer) in [
        (
            "bad/empty-methods.json",
            Format::Json,
            14,
            20,
            "/plan-of-action-and-milestones/observations/0/methods",
        ),
        (
            "bad/empty-party-uuids.yaml",
            Format::Yaml,
            17,
            22,
            "/plan-of-action-and-milestones/metadata/responsible-parties/0/party-uuids",
        ),
        (
            "bad/no-items.json",
            Format::Json,
            10,
            19,
            "/plan-of-action-and-milestones/poam-items",
        ),
        (
            "bad/no-items.yaml",
            Format::Yaml,
            8,
            15,
            "/plan-of-action-and-milestones/poam-items",
        ),
    ] {
        // The format told, and found from the text.
        for told in [Some(format), None] {
            let e = poam_io::read(fixture_text(rel).as_bytes(), &SourceName(rel.into()), told)
                .expect_err(rel);
            assert_eq!(e.kind, ErrorKind::Structure, "{e}");
            assert_eq!(e.position, Some(Position { line, column }), "{e}");
            assert_eq!(e.pointer.as_deref(), Some(pointer), "{e}");
            assert_eq!(
                e.to_string(),
                format!("{rel}:{line}:{column}: {EMPTY_REQUIRED_LIST} (at {pointer})")
            );
        }
    }
}

/// A document built or edited in code with an empty required list is refused by every
/// writer, naming each such place, and nothing is written.
#[test]
fn an_empty_required_list_built_in_code_is_not_written() {
    let mut doc = read(&fixture_text("poam/full.json"), Format::Json).unwrap();
    let observation = &mut doc.plan_of_action_and_milestones.observations[0];
    observation.methods.clear();
    doc.plan_of_action_and_milestones
        .metadata
        .responsible_parties[0]
        .party_uuids
        .clear();
    let places = poam_model::empty_required_lists(&doc);
    let places: Vec<String> = places.iter().map(ToString::to_string).collect();
    assert_eq!(
        places,
        [
            "/plan-of-action-and-milestones/metadata/responsible-parties/0/party-uuids",
            "/plan-of-action-and-milestones/observations/0/methods",
        ]
    );
    for format in [Format::Json, Format::Yaml, Format::Xml] {
        let e = poam_io::write(&doc, format).expect_err("an empty required list");
        assert_eq!(
            e.to_string(),
            format!("{EMPTY_REQUIRED_LIST} (at {})", places.join(", ")),
            "{format}"
        );
    }
}
