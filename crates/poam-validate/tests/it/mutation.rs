//! The mutation test: every systematic mutation of the valid fixture (each required member
//! dropped, each datatype broken, each array emptied, an unknown member in each object, each
//! member of the wrong JSON type, duplicated UUIDs, each reference dangled) is rejected with at
//! least one error. The conformance suite runs the same mutations on the reference examples
//! and compares with the official JSON Schemas.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::Path;

use poam_io::Format;
use poam_validate::mutation::{self, Kind};
use poam_validate::{Options, Profile, SspIndex};
use serde_json::Value;

fn load(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/validate")
            .join(name),
    )
    .unwrap()
}

fn options() -> Options {
    Options {
        profile: Profile::Oscal,
        as_of: chrono::NaiveDate::from_ymd_opt(2025, 1, 15).unwrap(),
        ssp: Some(SspIndex::parse(&load("ssp.json"), Some(Format::Json)).unwrap()),
        schema: None,
    }
}

#[test]
fn every_mutant_of_the_valid_fixture_is_rejected() {
    let tree: Value = serde_json::from_str(&load("valid.json")).unwrap();
    let opts = options();
    assert!(!poam_validate::has_errors(&poam_validate::validate_tree(
        &tree, &opts
    )));
    let mutants = mutation::mutations(&tree);
    let mut per_kind: BTreeMap<Kind, usize> = BTreeMap::new();
    let mut missed = Vec::new();
    for m in &mutants {
        *per_kind.entry(m.kind).or_default() += 1;
        let diags = poam_validate::validate_tree(&m.apply(&tree), &opts);
        if !poam_validate::has_errors(&diags) {
            missed.push(format!(
                "{} at {}: {}",
                m.kind.name(),
                m.pointer,
                m.description
            ));
        }
    }
    assert!(
        missed.is_empty(),
        "{} of {} mutants accepted:\n{}",
        missed.len(),
        mutants.len(),
        missed.join("\n")
    );
    for k in Kind::ALL {
        assert!(
            per_kind.get(&k).copied().unwrap_or(0) > 0,
            "no mutant of kind {k:?}"
        );
    }
    assert!(mutants.len() > 500, "only {} mutants", mutants.len());
}

#[test]
fn mutants_are_rejected_in_yaml_too() {
    // The YAML path reads scalars leniently; a sample of mutants must still fail there.
    let tree: Value = serde_json::from_str(&load("valid.json")).unwrap();
    let opts = options();
    for m in mutation::mutations(&tree).iter().step_by(7) {
        let mutant = m.apply(&tree);
        let yaml = serde_saphyr::to_string(&mutant).unwrap();
        let diags = poam_validate::validate_text(
            &yaml,
            Format::Yaml,
            &poam_io::SourceName("m.yaml".into()),
            &opts,
        )
        .unwrap();
        assert!(
            poam_validate::has_errors(&diags),
            "accepted in YAML: {} at {}",
            m.kind.name(),
            m.pointer
        );
    }
}
