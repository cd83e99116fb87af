//! The five main tasks done as a program outside the workspace's internals would do them:
//! through the `poam` crate's documented API only (its root functions and public modules).

use std::collections::BTreeSet;

use poam::FileFormat;
use poam::cycle::{Class, MergeError, Update};
use poam::io::ErrorKind;
use poam::validate::{Options, Profile, Severity, SspIndex};
use poam_tests::fixture;

fn item_uuids(doc: &poam::Document) -> BTreeSet<String> {
    doc.plan_of_action_and_milestones
        .poam_items
        .iter()
        .filter_map(|i| i.uuid.as_ref().map(|u| u.as_str().to_owned()))
        .collect()
}

fn fedramp_options() -> Options {
    let ssp = std::fs::read_to_string(fixture("validate/ssp.json")).unwrap();
    Options {
        profile: Profile::Fedramp,
        as_of: poam::chrono::NaiveDate::from_ymd_opt(2025, 1, 15).unwrap(),
        ssp: Some(SspIndex::parse(&ssp, Some(poam::io::Format::Json)).unwrap()),
        ..Options::default()
    }
}

#[test]
fn convert_to_every_format_and_back() {
    let dir = tempfile::tempdir().unwrap();
    let loaded = poam::read_path(fixture("poam/full.json")).unwrap();
    assert_eq!(loaded.format, FileFormat::Json);
    assert!(loaded.warnings.is_empty());
    for (name, format) in [
        ("out.yaml", FileFormat::Yaml),
        ("out.xml", FileFormat::Xml),
        ("out.json", FileFormat::Json),
    ] {
        let path = dir.path().join(name);
        let warnings = poam::write_path(&loaded.document, &path, None).unwrap();
        assert!(warnings.is_empty(), "{name}: {warnings:?}");
        let back = poam::read_path(&path).unwrap();
        assert_eq!(back.format, format, "{name}");
        assert!(
            back.document.plan_of_action_and_milestones
                == loaded.document.plan_of_action_and_milestones,
            "{name} does not give the document back"
        );
    }
    // The same through bytes and a reader, the format detected from the content.
    let yaml = poam::to_bytes(&loaded.document, FileFormat::Yaml).unwrap();
    let back = poam::read_reader(yaml.bytes.as_slice(), "<pipe>", None).unwrap();
    assert_eq!(back.format, FileFormat::Yaml);
    assert_eq!(back.document, loaded.document);
}

#[test]
fn validate_and_act_on_the_diagnostics() {
    let mut doc = poam::read_path(fixture("validate/valid.json"))
        .unwrap()
        .document;
    let options = fedramp_options();
    let clean = poam::validate::validate(&doc, &options);
    assert!(!clean.has_errors(), "{:#?}", clean.diagnostics);
    // A reference to a risk that does not exist is an error at its place.
    let item = &mut doc.plan_of_action_and_milestones.poam_items[0];
    let uuid = "00000000-0000-4000-8000-000000000000";
    item.related_risks[0].risk_uuid = poam::model::datatypes::Uuid::from(uuid.to_owned());
    let broken = poam::validate::validate(&doc, &options);
    let errors: Vec<_> = broken
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert!(!errors.is_empty());
    assert!(
        errors.iter().any(|d| d.pointer
            == "/plan-of-action-and-milestones/poam-items/0/related-risks/0/risk-uuid"
            && d.message.contains(uuid)),
        "{errors:#?}"
    );
    // Every diagnostic's rule is one of the listed rules.
    let listed: BTreeSet<&str> = poam::validate::rules().iter().map(|r| r.id).collect();
    assert!(broken.diagnostics.iter().all(|d| listed.contains(d.rule)));
}

#[test]
fn workbook_to_oscal() {
    let doc = poam::read_path(fixture("validate/valid.json"))
        .unwrap()
        .document;
    let workbook = poam::to_bytes(&doc, FileFormat::Xlsx).unwrap();
    // Read back from bytes, the workbook recognized by its content.
    let loaded = poam::read_bytes(&workbook.bytes, "poam.xlsx", None).unwrap();
    assert_eq!(loaded.format, FileFormat::Xlsx);
    let items = |d: &poam::Document| {
        d.plan_of_action_and_milestones
            .poam_items
            .iter()
            .map(|i| poam::model::markup::MarkupLine::clone(&i.title))
            .collect::<Vec<_>>()
    };
    assert_eq!(items(&loaded.document), items(&doc));
    let json = poam::to_bytes(&loaded.document, FileFormat::Json).unwrap();
    let again = poam::read_bytes(&json.bytes, "poam.json", Some(FileFormat::Json)).unwrap();
    assert_eq!(again.document, loaded.document);
    // A file that is not a workbook is a read error of its kind, naming the file.
    let e = poam::read_bytes(b"not a zip", "fake.xlsx", Some(FileFormat::Xlsx)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Syntax);
    assert!(e.to_string().starts_with("fake.xlsx: "), "{e}");
}

#[test]
fn merge_next_months_update() {
    let base = poam::read_path(fixture("cycles/month1.json"))
        .unwrap()
        .document;
    let team = poam::read_path(fixture("cycles/month2-team.json"))
        .unwrap()
        .document;
    let options = poam::cycle::Options {
        as_of: poam::chrono::DateTime::parse_from_rfc3339("2024-07-01T00:00:00Z").unwrap(),
        complete: false,
        prefer: None,
        force: false,
    };
    let updates = [Update {
        name: "month2-team.json",
        document: &team,
    }];
    let outcome = poam::cycle::merge(&base, &updates, &options).unwrap();
    let r = &outcome.report;
    assert!(r.new_cycle);
    assert!(!(r.changed.is_empty() && r.new.is_empty() && r.closed.is_empty()));
    // Nothing of BASE is lost.
    assert!(item_uuids(&base).is_subset(&item_uuids(&outcome.document)));
    assert_eq!(
        outcome
            .document
            .plan_of_action_and_milestones
            .metadata
            .last_modified
            .as_str(),
        "2024-07-01T00:00:00Z"
    );
    // Two updates that set one field differently are refused: nothing is merged.
    let retitled = |title: &str| {
        let mut d = team.clone();
        d.plan_of_action_and_milestones.poam_items[0].title =
            poam::model::MarkupLine::from_markdown(title);
        d
    };
    let (a, b) = (retitled("One title"), retitled("Another title"));
    let twice = [
        Update {
            name: "a.json",
            document: &a,
        },
        Update {
            name: "b.json",
            document: &b,
        },
    ];
    match poam::cycle::merge(&base, &twice, &options) {
        Err(MergeError::Conflicts(c)) => assert_eq!(c.len(), 1, "{c:?}"),
        other => panic!("expected one conflict, got {:?}", other.map(|o| o.report)),
    }
}

#[test]
fn diff_two_months() {
    let old = poam::read_path(fixture("cycles/month1.json"))
        .unwrap()
        .document;
    let new = poam::read_path(fixture("cycles/month2-team.json"))
        .unwrap()
        .document;
    let diff = poam::cycle::diff(&old, "month1.json", &new, "month2-team.json");
    assert!(diff.has_differences());
    let counted: usize = [Class::New, Class::Closed, Class::Changed, Class::Reopened]
        .into_iter()
        .map(|c| diff.summary.count(c))
        .sum();
    assert!(counted > 0);
    let same = poam::cycle::diff(&old, "a", &old, "b");
    assert!(!same.has_differences());
    let json: serde_json::Value =
        serde_json::from_str(&poam::cycle::Reporter::render(&poam::cycle::Json, &diff)).unwrap();
    assert_eq!(json["schema"], "poam-diff/1");
}
