//! Round trips through the library: JSON and YAML text, the typed model, and back.
//!
//! The fixtures are canonical: they are exactly what `poam` writes, so reading and writing one
//! must give the same bytes. When a deliberate change to the writer (or to markup
//! normalisation) changes the canonical form, regenerate them with
//! `cargo run -p poam-cli -- convert fixtures/poam/full.json -o fixtures/poam/full.yaml` (and
//! likewise for the others), and read the diff before committing.

use poam::io::Format;
use poam_tests::{GOOD_FIXTURES, fixture_text, load, read_text, write_text};
use proptest::prelude::*;
use serde_json::Value as Json;

#[test]
fn every_good_fixture_loads_with_no_datatype_error() {
    for rel in GOOD_FIXTURES {
        let doc = load(rel);
        let errors = poam::model::datatype_errors(&doc);
        assert!(errors.is_empty(), "fixtures/{rel}: {errors:#?}");
    }
}

#[test]
fn json_fixtures_are_canonical_json() {
    for rel in ["poam/full.json", "poam/minimal.json"] {
        let text = fixture_text(rel);
        let written = write_text(&load(rel), Format::Json);
        assert!(
            written == text,
            "fixtures/{rel} is not what poam writes; first difference at line {}",
            first_difference(&text, &written)
        );
    }
}

#[test]
fn yaml_twins_are_what_poam_writes_from_the_json() {
    for (json, yaml) in [
        ("poam/full.json", "poam/full.yaml"),
        ("poam/minimal.json", "poam/minimal.yaml"),
    ] {
        let expected = fixture_text(yaml);
        let written = write_text(&load(json), Format::Yaml);
        assert!(
            written == expected,
            "fixtures/{yaml} is not what poam writes from fixtures/{json}; first difference at line {}",
            first_difference(&expected, &written)
        );
        assert_eq!(
            load(yaml),
            load(json),
            "fixtures/{yaml} and fixtures/{json} differ"
        );
    }
}

#[test]
fn json_to_yaml_to_model_is_identity() {
    for rel in GOOD_FIXTURES {
        let doc = load(rel);
        let yaml = write_text(&doc, Format::Yaml);
        assert_eq!(
            read_text(&yaml, Format::Yaml),
            doc,
            "fixtures/{rel} via YAML"
        );
        let json = write_text(&doc, Format::Json);
        assert_eq!(
            read_text(&json, Format::Json),
            doc,
            "fixtures/{rel} via JSON"
        );
    }
}

#[test]
fn full_fixture_as_yaml() {
    let yaml = write_text(&load("poam/full.json"), Format::Yaml);
    insta::assert_snapshot!("full_fixture_as_yaml", yaml);
}

#[test]
fn yaml_1_1_look_alikes_load_as_text_and_are_written_quoted() {
    let doc = load("poam/yaml-1.1-scalars.yaml");
    let props = &doc
        .plan_of_action_and_milestones
        .local_definitions
        .as_ref()
        .expect("local-definitions")
        .components[0]
        .props;
    let values: Vec<(&str, &str)> = props
        .iter()
        .map(|p| (p.name.as_str(), p.value.as_str()))
        .collect();
    assert_eq!(
        values,
        [
            ("virtual", "yes"),
            ("public", "No"),
            ("allows-authenticated-scan", "on"),
            ("version", "1.0"),
            ("build", "0x1F"),
            ("release-date", "2024-01-01"),
            ("octal-looking", "0o17"),
            ("sexagesimal", "1:20"),
            ("float-special", ".inf"),
            ("y", "y"),
        ]
    );
    let metadata = &doc.plan_of_action_and_milestones.metadata;
    assert_eq!(
        metadata.version, "1.10",
        "a version must not become the number 1.1"
    );
    let address = metadata.locations[0].address.as_ref().expect("address");
    assert_eq!(address.state.as_deref(), Some("NO"));
    assert_eq!(address.postal_code.as_deref(), Some("01234"));
    assert_eq!(address.country.as_deref(), Some("ON"));

    let yaml = write_text(&doc, Format::Yaml);
    insta::assert_snapshot!("yaml_1_1_look_alikes_written", yaml);
    for quoted in [
        "value: \"yes\"",
        "value: \"No\"",
        "value: \"on\"",
        "value: \"1.0\"",
        "value: \"0x1F\"",
        "value: \"2024-01-01\"",
        "version: \"1.10\"",
        "postal-code: \"01234\"",
    ] {
        assert!(
            yaml.contains(quoted),
            "written YAML lacks `{quoted}`:\n{yaml}"
        );
    }
}

/// Output order is the metaschema's, whatever order the input had.
#[test]
fn member_order_of_the_input_does_not_matter() {
    let canonical = fixture_text("poam/full.json");
    let mut value: Json = serde_json::from_str(&canonical).expect("fixture is JSON");
    reverse_members(&mut value);
    let reversed = serde_json::to_string(&value).expect("serialize");
    assert_ne!(reversed, canonical);
    let doc = read_text(&reversed, Format::Json);
    assert_eq!(write_text(&doc, Format::Json), canonical);
}

fn reverse_members(v: &mut Json) {
    match v {
        Json::Object(map) => {
            let entries: Vec<(String, Json)> = std::mem::take(map).into_iter().rev().collect();
            for (k, mut child) in entries {
                reverse_members(&mut child);
                map.insert(k, child);
            }
        }
        Json::Array(items) => items.iter_mut().for_each(reverse_members),
        _ => {}
    }
}

/// Values keep their form: offsets are not coerced to UTC, upper-case UUIDs stay upper case,
/// fractional seconds stay.
#[test]
fn values_keep_their_written_form() {
    let doc = load("poam/full.json");
    let poam = &doc.plan_of_action_and_milestones;
    let modified = &poam.metadata.last_modified;
    assert_eq!(modified.as_str(), "2025-04-01T17:42:10.125-04:00");
    let parsed = modified.parse().expect("a valid date-time");
    assert_eq!(parsed.offset().local_minus_utc(), -4 * 3600);
    let upper = poam.poam_items[0].uuid.as_ref().expect("uuid").as_str();
    assert_eq!(upper, upper.to_ascii_uppercase());
    assert!(upper.chars().any(|c| c.is_ascii_alphabetic()));
    for format in [Format::Json, Format::Yaml] {
        let text = write_text(&doc, format);
        assert!(
            text.contains(upper),
            "{format} output lost the upper-case UUID"
        );
        assert!(
            text.contains("2025-03-10T14:00:00+05:30"),
            "{format} output changed an offset"
        );
    }
}

/// The 1-based line where two texts first differ.
fn first_difference(a: &str, b: &str) -> usize {
    a.lines()
        .zip(b.lines())
        .position(|(x, y)| x != y)
        .unwrap_or_else(|| a.lines().count().min(b.lines().count()))
        + 1
}

// ----- property tests -------------------------------------------------------------------

/// Strings that YAML 1.1 readers, Markdown or JSON escaping could misread.
const TRICKY: &[&str] = &[
    "yes",
    "No",
    "on",
    "OFF",
    "y",
    "~",
    "null",
    "Null",
    "true",
    "False",
    "1.0",
    "1.10",
    "0x1F",
    "0o17",
    "017",
    "1e3",
    ".inf",
    "-.NaN",
    "1:20",
    "2024-01-01",
    "2024-01-01T00:00:00Z",
    "- a",
    "a: b",
    "#x",
    "a #b",
    "? q",
    "! tag",
    "& anchor",
    "* alias",
    "|",
    ">",
    "@at",
    "`tick`",
    "%pct",
    "'single'",
    "\"double\"",
    " leading",
    "trailing ",
    " both ",
    "",
    " ",
    "\t",
    "line\nbreak",
    "two\n\nparagraphs",
    "trailing newline\n",
    "\r\n",
    "crlf\r\nline",
    "tab\tinside",
    "back\\slash",
    "*em*",
    "**strong**",
    "_under_",
    "~sub~",
    "^sup^",
    "[x](y)",
    "{{ insert: param, ac-2_prm_1 }}",
    "# heading",
    "1. item",
    "| a | b |",
    "<p>html</p>",
    "&amp;",
    "€ ünïcødé 漢字 🚀",
    "\u{feff}bom",
    "nul\u{0}byte",
    "bell\u{7}",
    "\u{85}nel",
    "\u{2028}ls",
];

fn tricky_string() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(TRICKY).prop_map(str::to_owned),
        2 => any::<String>(),
        2 => "[ -~]{0,12}",
        1 => (proptest::sample::select(TRICKY), proptest::sample::select(TRICKY))
            .prop_map(|(a, b)| format!("{a}{b}")),
    ]
}

/// JSON pointers of every string leaf (values only, never keys) of `v`.
fn string_leaves(v: &Json, at: &mut String, out: &mut Vec<String>) {
    match v {
        Json::String(_) => out.push(at.clone()),
        Json::Object(map) => {
            for (k, child) in map {
                let len = at.len();
                at.push('/');
                at.push_str(&k.replace('~', "~0").replace('/', "~1"));
                string_leaves(child, at, out);
                at.truncate(len);
            }
        }
        Json::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let len = at.len();
                at.push('/');
                at.push_str(&i.to_string());
                string_leaves(child, at, out);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

struct Base {
    value: Json,
    leaves: Vec<String>,
}

fn base() -> &'static Base {
    static BASE: std::sync::OnceLock<Base> = std::sync::OnceLock::new();
    BASE.get_or_init(|| {
        let value: Json =
            serde_json::from_str(&fixture_text("poam/full.json")).expect("fixture is JSON");
        let mut leaves = Vec::new();
        string_leaves(&value, &mut String::new(), &mut leaves);
        assert!(leaves.len() > 500, "only {} string leaves", leaves.len());
        Base { value, leaves }
    })
}

/// 48 cases keep `cargo test` fast; `PROPTEST_CASES=5000 cargo test --test roundtrip` digs
/// deeper.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(48)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    /// Any string in any string-valued member survives model -> JSON -> model and
    /// model -> YAML -> model unchanged (the model checks no datatype on load, so every string
    /// is accepted, but for a NUL in markup, which Markdown cannot hold: refused at its place).
    #[test]
    fn any_strings_round_trip_through_json_and_yaml(
        edits in proptest::collection::vec((any::<proptest::sample::Index>(), tricky_string()), 1..24)
    ) {
        let base = base();
        let mut value = base.value.clone();
        for (index, text) in &edits {
            let pointer = index.get(&base.leaves);
            if let Some(slot) = value.pointer_mut(pointer) {
                *slot = Json::String(text.clone());
            }
        }
        let input = serde_json::to_string(&value).expect("serialize");
        let name = poam::io::SourceName("<edited>".to_owned());
        let doc = match poam::io::read(input.as_bytes(), &name, Some(Format::Json)) {
            Ok(doc) => doc,
            Err(e) => {
                // Only a NUL in markup is refused (Markdown holds no NUL), at its place.
                let at = e.pointer.clone().unwrap_or_default();
                let nul_there = edits.iter().any(|(index, text)| {
                    index.get(&base.leaves).as_str() == at && text.contains('\0')
                });
                prop_assert!(nul_there && e.message.contains("U+0000"), "refused: {e}");
                return Ok(());
            }
        };

        let json = write_text(&doc, Format::Json);
        let from_json = read_text(&json, Format::Json);
        prop_assert_eq!(&from_json, &doc, "model -> JSON -> model changed the model");

        let yaml = write_text(&doc, Format::Yaml);
        let from_yaml = read_text(&yaml, Format::Yaml);
        prop_assert_eq!(&from_yaml, &doc, "model -> YAML -> model changed the model\n{}", yaml);

        // Writing is deterministic: the second generation is byte-identical to the first.
        prop_assert_eq!(write_text(&from_yaml, Format::Yaml), yaml);
        prop_assert_eq!(write_text(&from_json, Format::Json), json);
    }
}
