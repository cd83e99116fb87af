//! Bad input through the library: each class in `fixtures/bad/` gives one error of the right
//! kind, at the right place, with the JSON pointer when there is one. Nothing panics. (The
//! command-line behaviour, exit code 2 and no output file, is tested in
//! `crates/poam-cli/tests/bad_input.rs`.)

use std::fmt::Write as _;

use poam::io::{ErrorKind, Format, Position, ReadError, SourceName};
use poam_tests::try_load;

fn error_of(rel: &str) -> ReadError {
    match try_load(rel) {
        Ok(_) => panic!("fixtures/{rel} loaded, but it is bad input"),
        Err(e) => e,
    }
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
    let e = error_of(rel);
    assert_eq!(e.kind, kind, "{e}");
    assert_eq!(e.position, position, "{e}");
    assert_eq!(e.pointer.as_deref(), pointer, "{e}");
    assert!(e.message.contains(says), "{e}\nshould say: {says}");
    assert_eq!(e.source_name, format!("fixtures/{rel}"));
}

#[test]
fn malformed_json() {
    check(
        "bad/malformed.json",
        ErrorKind::Syntax,
        at(6, 7),
        Some("/plan-of-action-and-milestones/metadata"),
        "expected `,` or `}`",
    );
}

#[test]
fn malformed_yaml() {
    check(
        "bad/malformed.yaml",
        ErrorKind::Syntax,
        at(6, 15),
        Some("/plan-of-action-and-milestones/metadata"),
        "after double-quoted scalar",
    );
}

#[test]
fn empty_file() {
    check(
        "bad/empty.json",
        ErrorKind::Empty,
        None,
        None,
        "the file is empty",
    );
    // Whitespace only is empty too, in either format and with the format sniffed.
    for format in [Some(Format::Json), Some(Format::Yaml), None] {
        let e = poam::io::read(b" \n\t\n", &SourceName("blank".into()), format)
            .expect_err("blank input");
        assert_eq!(e.kind, ErrorKind::Empty, "{e}");
    }
}

#[test]
fn invalid_utf8() {
    check(
        "bad/invalid-utf8.json",
        ErrorKind::Encoding,
        at(5, 20),
        None,
        "invalid UTF-8",
    );
}

#[test]
fn another_oscal_model() {
    check(
        "bad/ssp.json",
        ErrorKind::Structure,
        at(2, 27),
        Some("/system-security-plan"),
        "this is an OSCAL system-security-plan",
    );
}

#[test]
fn missing_required_field() {
    check(
        "bad/missing-required.json",
        ErrorKind::Structure,
        at(4, 17),
        Some("/plan-of-action-and-milestones/metadata"),
        "missing field `last-modified`",
    );
}

#[test]
fn wrong_type() {
    check(
        "bad/wrong-type.json",
        ErrorKind::Structure,
        at(25, 28),
        Some(
            "/plan-of-action-and-milestones/local-definitions/components/0/protocols/0/port-ranges/0/start",
        ),
        "invalid type: string \"443\"",
    );
}

#[test]
fn unknown_property_deep_inside() {
    check(
        "bad/unknown-property.json",
        ErrorKind::Structure,
        at(31, 34),
        Some(
            "/plan-of-action-and-milestones/risks/0/remediations/0/tasks/0/timing/on-date/time-zone",
        ),
        "unknown field `time-zone`",
    );
}

/// An empty list where OSCAL requires at least one item (the XML form cannot hold one) is
/// refused at the list, in JSON and in YAML.
#[test]
fn empty_required_list() {
    check(
        "bad/empty-methods.json",
        ErrorKind::Structure,
        at(14, 20),
        Some("/plan-of-action-and-milestones/observations/0/methods"),
        "at least one item",
    );
    check(
        "bad/empty-party-uuids.yaml",
        ErrorKind::Structure,
        at(17, 22),
        Some("/plan-of-action-and-milestones/metadata/responsible-parties/0/party-uuids"),
        "at least one item",
    );
}

/// A key given twice is unreadable (the text says two things), not a shape problem, and is
/// placed where the second key starts, in JSON as in YAML.
#[test]
fn duplicate_keys() {
    check(
        "bad/duplicate-key.json",
        ErrorKind::Syntax,
        at(8, 7),
        Some("/plan-of-action-and-milestones/metadata"),
        "duplicate key `version`",
    );
    check(
        "bad/duplicate-key.yaml",
        ErrorKind::Syntax,
        at(8, 5),
        Some("/plan-of-action-and-milestones/metadata"),
        "duplicate key `version`",
    );
}

/// A second document in a YAML stream is named as such, in poam's words, not with the
/// library's advice to its programmer (`use from_str_multiple ...`).
#[test]
fn a_second_yaml_document() {
    check(
        "bad/two-documents.yaml",
        ErrorKind::Syntax,
        at(13, 1),
        None,
        "a second YAML document",
    );
    let e = error_of("bad/two-documents.yaml");
    for advice in ["from_str", "Option<", "Options", "Policy"] {
        assert!(!e.message.contains(advice), "{e}");
    }
}

/// Datatypes are not checked on load (a validator wants them all), but the check finds every
/// bad value, each with its pointer.
#[test]
fn bad_datatypes_load_and_are_all_found() {
    let doc = poam_tests::load("bad/bad-datatypes.json");
    let errors = poam::model::datatype_errors(&doc);
    let found: Vec<(String, &str)> = errors
        .iter()
        .map(|e| (e.path.to_string(), e.datatype))
        .collect();
    assert_eq!(
        found,
        [
            ("/plan-of-action-and-milestones/uuid".to_owned(), "uuid"),
            (
                "/plan-of-action-and-milestones/metadata/published".to_owned(),
                "date-time-with-timezone"
            ),
            (
                "/plan-of-action-and-milestones/metadata/last-modified".to_owned(),
                "date-time-with-timezone"
            ),
            (
                "/plan-of-action-and-milestones/metadata/props/0/name".to_owned(),
                "token"
            ),
            (
                "/plan-of-action-and-milestones/poam-items/0/uuid".to_owned(),
                "uuid"
            ),
        ]
    );
}

// ----- absurd nesting, generated rather than committed ----------------------------------

/// A POA&M whose one risk has `depth` tasks nested inside each other (`tasks` is the one
/// member of the model that contains itself).
fn nested_tasks_json(depth: usize) -> String {
    let task = r#"{"uuid":"4c5d6e7f-8091-42a3-9c4d-5e6f7a8b9cad","type":"action","title":"t""#;
    let mut tasks = String::new();
    for _ in 0..depth {
        tasks.push_str(task);
        tasks.push_str(r#","tasks":["#);
    }
    tasks.push_str(task);
    tasks.push('}');
    for _ in 0..depth {
        tasks.push_str("]}");
    }
    format!(
        r#"{{"plan-of-action-and-milestones":{{"uuid":"0b6e3c52-8f2d-4e7a-9c41-5d2a7f1e8b03",
"metadata":{{"title":"x","last-modified":"2025-01-06T08:00:00Z","version":"1","oscal-version":"1.1.3"}},
"risks":[{{"uuid":"2a3b4c5d-6e7f-4081-9a2b-3c4d5e6f7a8b","title":"r","description":"d","statement":"s","status":"open",
"remediations":[{{"uuid":"3b4c5d6e-7f80-4192-8b3c-4d5e6f7a8b9c","lifecycle":"planned","title":"p","description":"d",
"tasks":[{tasks}]}}]}}],"poam-items":[{{"title":"x","description":"y"}}]}}}}"#
    )
}

fn read_as(text: &str, format: Format) -> Result<poam::Document, ReadError> {
    poam::io::read(text.as_bytes(), &SourceName("nested".into()), Some(format))
}

#[test]
fn absurd_nesting_is_a_clean_limit_error_in_json_and_yaml() {
    let text = nested_tasks_json(5_000);
    // JSON text is also YAML (flow style), so the same text exercises both readers.
    for format in [Format::Json, Format::Yaml] {
        let e = read_as(&text, format).expect_err("5,000 nested tasks must be refused");
        assert_eq!(e.kind, ErrorKind::Limit, "{format}: {e}");
        assert!(e.message.contains("nested too deeply"), "{format}: {e}");
        assert!(e.position.is_some(), "{format}: {e}");
        let pointer = e.pointer.as_deref().unwrap_or_default();
        assert!(
            pointer.starts_with(
                "/plan-of-action-and-milestones/risks/0/remediations/0/tasks/0/tasks/0/"
            ),
            "{format}: {e}"
        );
    }
}

/// The limit is the same in both formats, so what one reads the other reads too, and a
/// document just inside it round-trips.
#[test]
fn nesting_limit_is_the_same_in_json_and_yaml() {
    let deepest_ok = (1..200)
        .take_while(|&d| read_as(&nested_tasks_json(d), Format::Json).is_ok())
        .last()
        .expect("some nesting is fine");
    assert!(deepest_ok >= 50, "only {deepest_ok} nested tasks load");
    let doc = read_as(&nested_tasks_json(deepest_ok), Format::Json).expect("loads");
    let yaml = poam::io::write(&doc, Format::Yaml).expect("writes YAML");
    let back = poam::io::read(&yaml, &SourceName("yaml".into()), Some(Format::Yaml))
        .expect("the YAML of the deepest JSON document loads");
    assert_eq!(back, doc);
    assert!(read_as(&nested_tasks_json(deepest_ok + 1), Format::Yaml).is_err());
}

#[test]
fn deeply_nested_arrays_at_the_root_are_refused_cleanly() {
    let text = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    for format in [Format::Json, Format::Yaml] {
        let e = read_as(&text, format).expect_err("not a POA&M");
        assert!(
            matches!(e.kind, ErrorKind::Structure | ErrorKind::Limit),
            "{format}: {e}"
        );
        assert!(e.position.is_some(), "{format}: {e}");
    }
}

/// A large document in YAML must not hit the YAML reader's default safety budgets, which are
/// sized for configuration files.
#[test]
fn large_yaml_documents_are_not_refused() {
    let mut text = String::from(
        "plan-of-action-and-milestones:\n  uuid: 0b6e3c52-8f2d-4e7a-9c41-5d2a7f1e8b03\n  metadata:\n    title: big\n    last-modified: 2025-01-06T08:00:00Z\n    version: '1'\n    oscal-version: 1.1.3\n  poam-items:\n",
    );
    let items = 40_000; // about 360,000 YAML nodes
    for i in 0..items {
        let _ = write!(
            text,
            "  - title: Item {i}\n    description: d\n    props:\n    - name: POAM-ID\n      value: V-{i}\n"
        );
    }
    let doc = read_as(&text, Format::Yaml).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc.plan_of_action_and_milestones.poam_items.len(), items);
}
