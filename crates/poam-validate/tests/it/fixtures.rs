//! Every rule has a failing fixture (`fixtures/validate/fail/<rule>.json`: a patch of the
//! valid fixture, or `<rule>.raw.json`: a whole document) whose diagnostics are snapshotted,
//! and `fixtures/validate/valid.json` is the passing fixture of every rule: with its SSP it
//! has no diagnostic at all, in each format and profile.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use poam_io::{Format, SourceName};
use poam_validate::{Diagnostic, JsonSchema, Options, Profile, Severity, SspIndex};
use serde::Serialize;
use serde_json::Value;

use crate::support;
use support::patch;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/validate")
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn ssp() -> SspIndex {
    let text = std::fs::read_to_string(dir().join("ssp.json")).unwrap();
    SspIndex::parse(&text, Some(Format::Json)).unwrap()
}

fn options(profile: Profile, with_ssp: bool, as_of: &str) -> Options {
    Options {
        profile,
        as_of: day(as_of),
        ssp: with_ssp.then(ssp),
        schema: None,
    }
}

fn valid_text() -> String {
    std::fs::read_to_string(dir().join("valid.json")).unwrap()
}

fn check(text: &str, format: Format, opts: &Options) -> Vec<Diagnostic> {
    poam_validate::validate_text(text, format, &SourceName("fixture".into()), opts)
        .unwrap()
        .diagnostics
}

#[derive(Serialize)]
struct Shown<'a> {
    rule: &'a str,
    severity: Severity,
    pointer: &'a str,
    message: &'a str,
}

fn shown(diags: &[Diagnostic]) -> Vec<Shown<'_>> {
    diags
        .iter()
        .map(|d| Shown {
            rule: d.rule,
            severity: d.severity,
            pointer: &d.pointer,
            message: &d.message,
        })
        .collect()
}

/// The failing fixtures: (rule, diagnostics).
fn failing() -> Vec<(String, Vec<Diagnostic>)> {
    let mut out = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir().join("fail"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for f in files {
        let name = f.file_name().unwrap().to_str().unwrap().to_owned();
        if let Some(rule) = name.strip_suffix(".raw.json") {
            let text = std::fs::read_to_string(&f).unwrap();
            if rule == "unreadable" {
                // The CLI's rule for a file the library cannot read at all (`Err`).
                let opts = options(Profile::Oscal, true, "2025-01-15");
                let read = poam_validate::validate_text(
                    &text,
                    Format::Json,
                    &SourceName("u".into()),
                    &opts,
                );
                assert!(read.is_err(), "the unreadable fixture was read");
                continue;
            }
            let profile = if rule.starts_with("fedramp-") {
                Profile::Fedramp
            } else {
                Profile::Oscal
            };
            let diags = check(&text, Format::Json, &options(profile, true, "2025-01-15"));
            out.push((rule.to_owned(), diags));
            continue;
        }
        let spec: Value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
        let rule = spec["rule"].as_str().unwrap().to_owned();
        assert_eq!(
            format!("{rule}.json"),
            name,
            "a fixture is named after its rule"
        );
        let mut doc: Value = serde_json::from_str(&valid_text()).unwrap();
        patch(&mut doc, spec["patch"].as_array().unwrap());
        let profile = if rule.starts_with("fedramp-") {
            Profile::Fedramp
        } else {
            Profile::Oscal
        };
        let mut opts = options(
            profile,
            spec["ssp"].as_bool().unwrap_or(true),
            spec["as-of"].as_str().unwrap_or("2025-01-15"),
        );
        if let Some(schema) = spec.get("schema") {
            opts.schema = Some(JsonSchema::compile(schema).unwrap());
        }
        let text = serde_json::to_string_pretty(&doc).unwrap();
        out.push((rule, check(&text, Format::Json, &opts)));
    }
    out
}

#[test]
fn every_failing_fixture_reports_its_rule() {
    for (rule, diags) in failing() {
        assert!(
            diags.iter().any(|d| d.rule == rule),
            "fixture {rule} does not report {rule}: {diags:#?}"
        );
        insta::assert_yaml_snapshot!(format!("fail-{rule}"), shown(&diags));
    }
}

#[test]
fn every_rule_has_a_failing_fixture() {
    let mut covered: BTreeSet<String> = failing().into_iter().map(|(r, _)| r).collect();
    // Reported by the CLI's workbook import, not by this crate; its failing fixture is a
    // generated workbook in crates/poam-cli/tests/validate.rs.
    covered.insert("workbook-cell".to_owned());
    // A file this crate cannot read at all (`Err`, the CLI's rule `unreadable`): `failing()`
    // checks that `fail/unreadable.raw.json` is one.
    assert!(dir().join("fail/unreadable.raw.json").is_file());
    covered.insert("unreadable".to_owned());
    let all: BTreeSet<String> = poam_validate::rules()
        .iter()
        .map(|r| r.id.to_owned())
        .collect();
    let missing: Vec<_> = all.difference(&covered).collect();
    let unknown: Vec<_> = covered.difference(&all).collect();
    assert!(
        missing.is_empty(),
        "rules without a failing fixture: {missing:?}"
    );
    assert!(
        unknown.is_empty(),
        "fixtures for unknown rules: {unknown:?}"
    );
}

#[test]
fn the_valid_fixture_passes_every_rule() {
    let text = valid_text();
    for profile in [Profile::Oscal, Profile::Fedramp] {
        let diags = check(&text, Format::Json, &options(profile, true, "2025-01-15"));
        assert!(diags.is_empty(), "{profile:?}: {diags:#?}");
    }
}

#[test]
fn the_valid_fixture_passes_in_yaml_and_xml_too() {
    let doc = poam_io::read(
        valid_text().as_bytes(),
        &SourceName("valid.json".into()),
        Some(Format::Json),
    )
    .unwrap();
    for format in [Format::Yaml, Format::Xml] {
        let bytes = poam_io::write(&doc, format).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let diags = check(
            &text,
            format,
            &options(Profile::Fedramp, true, "2025-01-15"),
        );
        assert!(diags.is_empty(), "{format}: {diags:#?}");
    }
    // And as a typed document.
    let diags =
        poam_validate::validate(&doc, &options(Profile::Fedramp, true, "2025-01-15")).diagnostics;
    assert!(diags.is_empty(), "{diags:#?}");
}

#[test]
fn without_the_ssp_its_references_are_warnings_not_errors() {
    let diags = check(
        &valid_text(),
        Format::Json,
        &options(Profile::Oscal, false, "2025-01-15"),
    );
    assert!(!diags.is_empty());
    assert!(
        diags
            .iter()
            .all(|d| d.rule == "oscal-reference-ssp" && d.severity == Severity::Warning),
        "{diags:#?}"
    );
}

#[test]
fn generated_constraints_report_under_registered_rules() {
    let tables = poam_validate::generated::RULE_SETS
        .iter()
        .map(|r| r.constraints)
        .chain([&poam_validate::generated::FEDRAMP]);
    for c in tables.flat_map(|t| t.constraints) {
        assert!(
            poam_validate::find_rule(c.rule).is_some(),
            "{} reports unregistered rule {}",
            c.id,
            c.rule
        );
        if matches!(c.test, poam_validate::schema::Test::AllowedValues { .. }) {
            let open = format!("{}-open", c.rule);
            assert!(
                poam_validate::find_rule(&open).is_some(),
                "{open} is not registered"
            );
        }
    }
}

#[test]
fn diagnostics_come_in_document_order() {
    // Two problems, the later one in the document found by an earlier pass.
    let mut doc: Value = serde_json::from_str(&valid_text()).unwrap();
    patch(
        &mut doc,
        &serde_json::from_str::<Vec<Value>>(
            r#"[{"op": "replace", "path": "/plan-of-action-and-milestones/poam-items/2/related-risks/0/risk-uuid", "value": "00000000-0000-4000-8000-00000000dead"},
                {"op": "replace", "path": "/plan-of-action-and-milestones/metadata/parties/0/type", "value": "company"},
                {"op": "replace", "path": "/plan-of-action-and-milestones/poam-items/0/related-risks/0/risk-uuid", "value": "00000000-0000-4000-8000-00000000beef"}]"#,
        )
        .unwrap(),
    );
    let diags = check(
        &serde_json::to_string(&doc).unwrap(),
        Format::Json,
        &options(Profile::Oscal, true, "2025-01-15"),
    );
    let pointers: Vec<&str> = diags.iter().map(|d| d.pointer.as_str()).collect();
    assert_eq!(
        pointers,
        [
            "/plan-of-action-and-milestones/metadata/parties/0/type",
            "/plan-of-action-and-milestones/poam-items/0/related-risks/0/risk-uuid",
            "/plan-of-action-and-milestones/poam-items/2/related-risks/0/risk-uuid",
        ]
    );
}

#[test]
fn a_value_of_the_wrong_type_is_that_error_alone() {
    // `3` is not a string, and as text it is not an allowed status either: one finding.
    let mut doc: Value = serde_json::from_str(&valid_text()).unwrap();
    doc["plan-of-action-and-milestones"]["risks"][0]["status"] = Value::from(3);
    for profile in [Profile::Oscal, Profile::Fedramp] {
        let diags = check(
            &serde_json::to_string(&doc).unwrap(),
            Format::Json,
            &options(profile, true, "2025-01-15"),
        );
        let at_status: Vec<&str> = diags
            .iter()
            .filter(|d| d.pointer == "/plan-of-action-and-milestones/risks/0/status")
            .map(|d| d.rule)
            .collect();
        assert_eq!(at_status, ["oscal-wrong-type"], "{profile:?}: {diags:#?}");
    }
}

#[test]
fn xml_that_does_not_fit_the_model_is_invalid_not_unreadable() {
    let doc = poam_io::read(
        valid_text().as_bytes(),
        &SourceName("valid.json".into()),
        Some(Format::Json),
    )
    .unwrap();
    let xml = String::from_utf8(poam_io::write(&doc, Format::Xml).unwrap()).unwrap();
    let item = xml.find("<poam-item ").unwrap();
    let start = item + xml[item..].find("<title>").unwrap();
    let end = start + xml[start..].find("</title>").unwrap() + "</title>".len();
    let broken = format!("{}{}", &xml[..start], &xml[end..]);
    let diags = check(
        &broken,
        Format::Xml,
        &options(Profile::Oscal, true, "2025-01-15"),
    );
    let rules: Vec<&str> = diags.iter().map(|d| d.rule).collect();
    assert_eq!(
        rules,
        ["oscal-structure", "oscal-checks-skipped"],
        "{diags:#?}"
    );
    assert_eq!(
        diags[0].pointer,
        "/plan-of-action-and-milestones/poam-items/0"
    );
    assert!(
        diags[0].message.contains("`<title>`"),
        "{}",
        diags[0].message
    );
    // Not well-formed XML is still unreadable.
    assert!(
        poam_validate::validate_text(
            "<plan-of-action-and-milestones",
            Format::Xml,
            &SourceName("x.xml".into()),
            &options(Profile::Oscal, true, "2025-01-15"),
        )
        .is_err()
    );
}

#[test]
fn a_kev_due_date_earlier_than_the_rating_allows_is_the_limit() {
    let mut doc: Value = serde_json::from_str(&valid_text()).unwrap();
    let kev = |name: &str, value: &str| {
        serde_json::json!({"op": "add", "path": "/plan-of-action-and-milestones/risks/0/props/-",
            "value": {"name": name, "ns": "http://fedramp.gov/ns/oscal", "value": value}})
    };
    // Deadline 2025-03-15, within the 90 days of a moderate risk detected 2024-12-20.
    patch(
        &mut doc,
        &[kev("kev-catalog", "yes"), kev("kev-due-date", "2025-01-10")],
    );
    let diags = check(
        &serde_json::to_string(&doc).unwrap(),
        Format::Json,
        &options(Profile::Fedramp, true, "2025-01-05"),
    );
    let timely: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| d.rule == "fedramp-risk-deadline-timely")
        .collect();
    assert_eq!(timely.len(), 1, "{diags:#?}");
    assert_eq!(
        timely[0].message,
        "the deadline 2025-03-15 is later than 2025-01-10: the KEV due date is 2025-01-10"
    );
    // Not in the KEV catalog: the due date does not apply.
    let mut doc: Value = serde_json::from_str(&valid_text()).unwrap();
    patch(
        &mut doc,
        &[kev("kev-catalog", "no"), kev("kev-due-date", "2025-01-10")],
    );
    let diags = check(
        &serde_json::to_string(&doc).unwrap(),
        Format::Json,
        &options(Profile::Fedramp, true, "2025-01-05"),
    );
    assert!(diags.is_empty(), "{diags:#?}");
}

/// Every document `poam convert` reads, `poam validate` reads too: the YAML 1.1 scalars
/// fixture (`.inf`, `0o17`, `1:20`, `yes` as strings) has findings, but it is not unreadable.
#[test]
fn yaml_the_typed_reader_accepts_is_readable() {
    let path = dir().join("../poam/yaml-1.1-scalars.yaml");
    let text = std::fs::read_to_string(path).unwrap();
    poam_io::read(
        text.as_bytes(),
        &SourceName("yaml".into()),
        Some(Format::Yaml),
    )
    .unwrap();
    let opts = options(Profile::Oscal, false, "2025-01-01");
    let result =
        poam_validate::validate_text(&text, Format::Yaml, &SourceName("yaml".into()), &opts);
    let diags = result
        .unwrap_or_else(|e| panic!("unreadable: {e}"))
        .diagnostics;
    assert!(
        diags
            .iter()
            .all(|d| d.rule != "oscal-structure" && d.rule != "oscal-wrong-type"),
        "{diags:?}"
    );
}

/// The README's bundled example (`fixtures/poam/full.json`) and the minimal fixture are valid
/// OSCAL: no errors at the OSCAL level (warnings for values outside OSCAL's open lists are
/// allowed: the example uses some on purpose).
#[test]
fn the_bundled_examples_have_no_oscal_errors() {
    for name in ["full.json", "full.yaml", "minimal.json", "minimal.yaml"] {
        let path = dir().join("../poam").join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        let format = Format::from_path(&path).unwrap();
        let opts = options(Profile::Oscal, false, "2025-01-01");
        let errors: Vec<_> = check(&text, format, &opts)
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
    }
}

/// `fixtures/validate/versions/rev4-shaped.json` (a patch of the valid fixture) with its
/// `oscal-version` set to `version`, validated with the OSCAL profile and the SSP.
fn rev4_shaped(version: &str) -> poam_validate::Validation {
    let mut doc: Value = serde_json::from_str(&valid_text()).unwrap();
    let spec: Value = serde_json::from_str(
        &std::fs::read_to_string(dir().join("versions/rev4-shaped.json")).unwrap(),
    )
    .unwrap();
    patch(&mut doc, spec["patch"].as_array().unwrap());
    doc["plan-of-action-and-milestones"]["metadata"]["oscal-version"] = Value::from(version);
    let text = serde_json::to_string_pretty(&doc).unwrap();
    poam_validate::validate_text(
        &text,
        Format::Json,
        &SourceName("rev4-shaped.json".into()),
        &options(Profile::Oscal, true, "2025-01-15"),
    )
    .unwrap()
}

/// The error diagnostics' `(rule, value quoted in the message)` of allowed-values rules.
fn allowed_value_errors(v: &poam_validate::Validation) -> BTreeSet<String> {
    v.diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| {
            let value = d.message.split('"').nth(1).unwrap_or_default();
            format!("{} {value}", d.rule)
        })
        .collect()
}

#[test]
fn a_1_0_document_gets_the_1_0_4_constraints() {
    let v = rev4_shaped("1.0.4");
    assert_eq!(v.rule_set.version, "1.0.4");
    assert!(v.rule_set.matched);
    // 1.0.4 does not restrict the actor's props or the resource types; it does restrict the
    // names of CVSS v3.1 facets.
    assert_eq!(
        allowed_value_errors(&v),
        BTreeSet::from(["oscal-allowed-values AV".to_owned()]),
        "{:#?}",
        v.diagnostics
    );
    // Any 1.0.x is judged by 1.0.4's rules.
    assert_eq!(rev4_shaped("1.0.0").rule_set.version, "1.0.4");
}

#[test]
fn a_1_1_document_gets_the_1_1_3_constraints_which_restrict_more() {
    let v = rev4_shaped("1.1.3");
    assert_eq!(v.rule_set.version, "1.1.3");
    let errors = allowed_value_errors(&v);
    for e in [
        "oscal-allowed-values AV",
        "oscal-allowed-values plugin-id",
        "oscal-allowed-values vulnerability-id",
    ] {
        assert!(errors.contains(e), "{e} missing from {errors:#?}");
    }
    assert_eq!(rev4_shaped("1.2.0").rule_set.version, "1.2.2");
}

#[test]
fn an_unknown_version_is_checked_by_the_newest_set_and_says_so() {
    let v = rev4_shaped("7.5.0");
    assert_eq!(
        v.rule_set.version,
        poam_validate::generated::RULE_SETS[0].version
    );
    assert!(!v.rule_set.matched);
    assert!(
        v.rule_set.describe().contains("\"7.5.0\""),
        "{}",
        v.rule_set.describe()
    );
}

#[test]
fn every_rule_set_is_generated_for_each_supported_series() {
    let versions: Vec<&str> = poam_validate::generated::RULE_SETS
        .iter()
        .map(|r| r.version)
        .collect();
    assert_eq!(versions, ["1.2.2", "1.1.3", "1.0.4"]);
    // 1.0.4's shared lists (shared-constraints/*.ent) are read, not skipped.
    let v104 = &poam_validate::generated::RULE_SETS[2];
    assert!(
        v104.missing_entities.is_empty(),
        "{:?}",
        v104.missing_entities
    );
}

#[test]
fn no_oscal_ssp_gets_one_answer() {
    let mut doc: Value = serde_json::from_str(&valid_text()).unwrap();
    let spec: Value = serde_json::from_str(
        &std::fs::read_to_string(dir().join("fail/fedramp-no-oscal-ssp.json")).unwrap(),
    )
    .unwrap();
    patch(&mut doc, spec["patch"].as_array().unwrap());
    let text = serde_json::to_string_pretty(&doc).unwrap();
    let diags = check(
        &text,
        Format::Json,
        &options(Profile::Fedramp, true, "2025-01-15"),
    );
    let at_value: Vec<(&str, Severity)> = diags
        .iter()
        .filter(|d| {
            d.pointer
                .starts_with("/plan-of-action-and-milestones/back-matter/resources/1")
        })
        .map(|d| (d.rule, d.severity))
        .collect();
    assert_eq!(
        at_value,
        [("fedramp-no-oscal-ssp", Severity::Warning)],
        "{diags:#?}"
    );
}

#[test]
fn empty_description_is_one_warning_in_json_and_in_the_xml_poam_writes() {
    let mut doc: Value = serde_json::from_str(&valid_text()).unwrap();
    doc["plan-of-action-and-milestones"]["poam-items"][0]["description"] = Value::from("");
    let json = serde_json::to_string_pretty(&doc).unwrap();
    let opts = options(Profile::Oscal, true, "2025-01-15");
    let from_json = check(&json, Format::Json, &opts);
    let model = poam_io::read(
        json.as_bytes(),
        &SourceName("e.json".into()),
        Some(Format::Json),
    )
    .unwrap();
    let xml = String::from_utf8(poam_io::write(&model, Format::Xml).unwrap()).unwrap();
    let item = &xml[xml.find("<poam-item").unwrap()..];
    let description =
        &item[item.find("<description>").unwrap()..item.find("</description>").unwrap()];
    assert_eq!(
        description.split_whitespace().collect::<String>(),
        "<description><p/>",
        "{xml}"
    );
    let from_xml = check(&xml, Format::Xml, &opts);
    for diags in [&from_json, &from_xml] {
        let found: Vec<(&str, Severity, &str)> = diags
            .iter()
            .map(|d| (d.rule, d.severity, d.pointer.as_str()))
            .collect();
        assert_eq!(
            found,
            [(
                "oscal-empty-markup",
                Severity::Warning,
                "/plan-of-action-and-milestones/poam-items/0/description"
            )],
            "{diags:#?}"
        );
    }
}
