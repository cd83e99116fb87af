//! The single parse gives exactly the findings of the two parses: `validate_text` (the typed
//! reader's model, the constraint pass on its view) against `validate_text_two_parses` (the
//! pass on the text's `serde_json::Value` tree beside the typed model) on every JSON fixture
//! of the repository, every mutant of the valid fixture (written as JSON text, the way the
//! conformance step writes them) and documents made to hit what the model cannot show. The
//! conformance step runs the same comparison on the reference documents and their mutants.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use poam_io::{Format, SourceName};
use poam_validate::mutation;
use poam_validate::{Options, Profile, SspIndex, Validation};
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

fn options(profile: Profile, ssp: bool) -> Options {
    let ssp = ssp.then(|| {
        let text = std::fs::read_to_string(root().join("validate/ssp.json")).unwrap();
        SspIndex::parse(&text, Some(Format::Json)).unwrap()
    });
    Options {
        profile,
        as_of: chrono::NaiveDate::from_ymd_opt(2025, 1, 15).unwrap(),
        ssp,
        schema: None,
    }
}

/// The outcome of a run, as it is compared: everything a report shows.
fn outcome(v: Result<Validation, poam_io::ReadError>) -> String {
    match v {
        Ok(v) => format!("{:?}\n{:#?}", v.rule_set, v.diagnostics),
        Err(e) => format!("unreadable: {e:?}"),
    }
}

/// The differences between the two paths on `text`, under each option set (empty when none).
fn differences(label: &str, text: &str, all_options: &[Options]) -> Vec<String> {
    let name = SourceName(label.into());
    all_options
        .iter()
        .filter_map(|opts| {
            let one = outcome(poam_validate::validate_text(
                text,
                Format::Json,
                &name,
                opts,
            ));
            let two = outcome(poam_validate::validate_text_two_parses(
                text,
                Format::Json,
                &name,
                opts,
            ));
            (one != two).then(|| {
                format!(
                    "{label} ({:?}, ssp: {}):\n--- one parse\n{one}\n--- two parses\n{two}",
                    opts.profile,
                    opts.ssp.is_some()
                )
            })
        })
        .collect()
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            json_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
}

/// The full fixture with `include-all` taken out of the first object that has it.
fn without_include_all() -> String {
    fn drop_first(v: &mut Value) -> bool {
        match v {
            Value::Object(o) => {
                o.shift_remove("include-all").is_some() || o.values_mut().any(drop_first)
            }
            Value::Array(a) => a.iter_mut().any(drop_first),
            _ => false,
        }
    }
    let text = std::fs::read_to_string(root().join("poam/full.json")).unwrap();
    let mut tree: Value = serde_json::from_str(&text).unwrap();
    assert!(drop_first(&mut tree), "the full fixture has no include-all");
    let text = serde_json::to_string(&tree).unwrap();
    let found = poam_validate::validate_text(
        &text,
        Format::Json,
        &SourceName("choice".into()),
        &options(Profile::Oscal, false),
    )
    .unwrap();
    assert!(
        found.diagnostics.iter().any(|d| d.rule == "oscal-choice"),
        "{:#?}",
        found.diagnostics
    );
    text
}

fn assert_no_differences(diffs: &[String]) {
    assert!(
        diffs.is_empty(),
        "{} differences, the first:\n{}",
        diffs.len(),
        diffs.first().map_or("", String::as_str)
    );
}

#[test]
fn every_json_fixture_gets_the_same_findings() {
    let mut files = Vec::new();
    json_files(&root(), &mut files);
    assert!(files.len() > 50, "only {} JSON fixtures", files.len());
    let all_options = [
        options(Profile::Oscal, false),
        options(Profile::Fedramp, true),
    ];
    let mut diffs = Vec::new();
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        let label = f.strip_prefix(root()).unwrap().display().to_string();
        diffs.extend(differences(&label, &text, &all_options));
    }
    assert_no_differences(&diffs);
}

#[test]
fn every_mutant_of_the_valid_fixture_gets_the_same_findings() {
    let text = std::fs::read_to_string(root().join("validate/valid.json")).unwrap();
    let tree: Value = serde_json::from_str(&text).unwrap();
    let all_options = [options(Profile::Fedramp, true)];
    let mutants = mutation::mutations(&tree);
    assert!(mutants.len() > 500, "only {} mutants", mutants.len());
    let mut diffs = Vec::new();
    for m in &mutants {
        let mutant = serde_json::to_string_pretty(&m.apply(&tree)).unwrap();
        let label = format!("{} at {}", m.kind.name(), m.pointer);
        diffs.extend(differences(&label, &mutant, &all_options));
    }
    assert_no_differences(&diffs);
}

/// Documents the model cannot show as the tree does, or shows in another order: each gets
/// the tree pass's findings.
#[test]
fn what_the_model_cannot_show_is_still_reported() {
    let text = std::fs::read_to_string(root().join("validate/valid.json")).unwrap();
    let tree: Value = serde_json::from_str(&text).unwrap();
    let poam = |f: &dyn Fn(&mut serde_json::Map<String, Value>)| {
        let mut t = tree.clone();
        f(t[poam_validate::ROOT_NAME].as_object_mut().unwrap());
        serde_json::to_string(&t).unwrap()
    };
    let cases = [
        // an optional member given as null, an optional list given empty
        poam(&|p| {
            p.insert("back-matter".into(), Value::Null);
        }),
        poam(&|p| {
            p["metadata"]["props"] = Value::Array(Vec::new());
        }),
        // members in an order of their own: findings still in the order written
        poam(&|p| {
            let items = p.shift_remove("poam-items").unwrap();
            let metadata = p.shift_remove("metadata").unwrap();
            p.insert("poam-items".into(), items);
            p.insert("metadata".into(), metadata);
            p["metadata"]["title"] = Value::String(String::new());
            p["uuid"] = Value::String("not a uuid".into());
        }),
        // a title given as a number
        poam(&|p| {
            p["poam-items"][0]["title"] = Value::from(3);
        }),
        // an assessment subject with neither `include-all` nor `include-subjects`: the model
        // reads it, its pass reports the choice
        without_include_all(),
    ];
    let all_options = [
        options(Profile::Oscal, false),
        options(Profile::Fedramp, true),
    ];
    let mut diffs = Vec::new();
    for (i, text) in cases.iter().enumerate() {
        diffs.extend(differences(&format!("case {i}"), text, &all_options));
    }
    assert_no_differences(&diffs);
}
