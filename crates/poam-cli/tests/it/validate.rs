//! `poam validate` end to end, as a user runs it: every rule `--list-rules` names fails on its
//! fixture (`fixtures/validate/fail/`) and passes on `fixtures/validate/valid.json`, through
//! the real binary; every output format has its documented shape; JSON, YAML and XML inputs
//! are located at `line:column`; exit codes 0/1/2.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use crate::support;
use support::workspace_root;

#[path = "../../../poam-validate/tests/it/support/mod.rs"]
mod fixture_patch;
use fixture_patch::patch;

fn fixtures() -> PathBuf {
    workspace_root().join("fixtures/validate")
}

fn poam_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_poam"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn poam(args: &[&str]) -> Output {
    poam_in(&workspace_root(), args)
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn json_out(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

const SSP: &str = "fixtures/validate/ssp.json";
const VALID: &str = "fixtures/validate/valid.json";

/// The rest of the line of `file` from a reported 1-based `line` and `column` (JSON numbers).
fn text_at(file: &Path, line: &Value, column: &Value) -> String {
    let text = std::fs::read_to_string(file).unwrap();
    let line = usize::try_from(line.as_u64().unwrap()).unwrap();
    let column = usize::try_from(column.as_u64().unwrap()).unwrap();
    text.lines()
        .nth(line - 1)
        .unwrap()
        .chars()
        .skip(column - 1)
        .collect()
}

/// One failing fixture, written out as the document a user would validate, with the command
/// line options it needs.
struct Failing {
    rule: String,
    file: PathBuf,
    args: Vec<String>,
}

fn failing_fixtures(dir: &Path) -> Vec<Failing> {
    let valid: Value =
        serde_json::from_str(&std::fs::read_to_string(fixtures().join("valid.json")).unwrap())
            .unwrap();
    let mut names: Vec<PathBuf> = std::fs::read_dir(fixtures().join("fail"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    let ssp = workspace_root().join(SSP).display().to_string();
    names
        .into_iter()
        .map(|f| {
            let name = f.file_name().unwrap().to_str().unwrap().to_owned();
            let (rule, text, spec) = if let Some(rule) = name.strip_suffix(".raw.json") {
                (
                    rule.to_owned(),
                    std::fs::read_to_string(&f).unwrap(),
                    Value::Null,
                )
            } else {
                let spec: Value =
                    serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
                let mut doc = valid.clone();
                patch(&mut doc, spec["patch"].as_array().unwrap());
                (
                    spec["rule"].as_str().unwrap().to_owned(),
                    serde_json::to_string_pretty(&doc).unwrap(),
                    spec,
                )
            };
            let file = dir.join(format!("{rule}.json"));
            std::fs::write(&file, text).unwrap();
            let mut args = vec![
                "--format".to_owned(),
                "json".to_owned(),
                "--as-of".to_owned(),
                spec["as-of"].as_str().unwrap_or("2025-01-15").to_owned(),
            ];
            if rule.starts_with("fedramp-") {
                args.extend(["--profile".to_owned(), "fedramp".to_owned()]);
            }
            if spec["ssp"].as_bool().unwrap_or(true) {
                args.extend(["--ssp".to_owned(), ssp.clone()]);
            }
            if let Some(schema) = spec.get("schema") {
                let s = dir.join(format!("{rule}.schema.json"));
                std::fs::write(&s, schema.to_string()).unwrap();
                args.extend(["--schema".to_owned(), s.display().to_string()]);
            }
            Failing { rule, file, args }
        })
        .collect()
}

/// `--list-rules --format json`: rule id -> severity.
fn listed_rules() -> BTreeMap<String, String> {
    let o = poam(&["validate", "--list-rules", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    json_out(&o)
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_owned(),
                r["severity"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The severities diagnostics of `rule` may have: its listed one, or the level of a
/// generated constraint reported under it.
fn constraint_levels(rule: &str) -> BTreeSet<&'static str> {
    poam::validate::severities(rule)
        .into_iter()
        .map(poam::validate::Severity::as_str)
        .collect()
}

#[test]
fn every_listed_rule_fails_on_its_fixture_and_passes_on_the_valid_one() {
    let rules = listed_rules();
    let dir = tempfile::tempdir().unwrap();
    let fixtures = failing_fixtures(dir.path());
    let mut covered: BTreeSet<&str> = fixtures.iter().map(|f| f.rule.as_str()).collect();
    // Found by the workbook import, not in a document: its failing fixture is the workbook of
    // `workbooks_are_validated_at_their_cells`.
    assert_eq!(covered.len(), fixtures.len(), "two fixtures for one rule");
    covered.insert("workbook-cell");
    assert_eq!(
        covered,
        rules.keys().map(String::as_str).collect::<BTreeSet<_>>(),
        "the failing fixtures and the listed rules differ"
    );
    for f in &fixtures {
        let mut args = vec!["validate".to_owned(), f.file.display().to_string()];
        args.extend(f.args.iter().cloned());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = poam(&args);
        let report = json_out(&o);
        let diags = report[0]["diagnostics"].as_array().unwrap();
        let own: Vec<&Value> = diags.iter().filter(|d| d["rule"] == *f.rule).collect();
        assert!(!own.is_empty(), "{}: not reported: {report:#}", f.rule);
        // Exit 1 exactly when the fixture has an error (its own, or another rule's); exit 2
        // when it could not be read.
        let errors = diags.iter().any(|d| d["severity"] == "error");
        let unreadable = f.rule == "unreadable";
        assert_eq!(
            o.status.code(),
            Some(if unreadable { 2 } else { i32::from(errors) }),
            "{}: {o:?}",
            f.rule
        );
        assert_eq!(report[0]["valid"], !errors, "{}", f.rule);
        // The listed severity, or the level of the metaschema constraint that fired (a
        // metaschema `expect` may be a WARNING).
        let levels = constraint_levels(&f.rule);
        for d in &own {
            let s = d["severity"].as_str().unwrap();
            assert!(
                s == rules[&f.rule] || levels.contains(&s),
                "{}: severity {s}",
                f.rule
            );
        }
        // Every diagnostic is placed: line and column, and its pointer.
        for d in diags {
            let l = &d["location"];
            assert!(
                l["line"].as_u64().is_some_and(|n| n > 0)
                    && l["column"].as_u64().is_some_and(|n| n > 0)
                    && (l["pointer"].is_string() || unreadable),
                "{}: unplaced diagnostic {d:#}",
                f.rule
            );
        }
    }
    // The passing fixture of every rule, with every option the failing ones use.
    let o = poam(&[
        "validate",
        VALID,
        "--ssp",
        SSP,
        "--profile",
        "fedramp",
        "--as-of",
        "2025-01-15",
    ]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert_eq!(
        stdout(&o),
        "fixtures/validate/valid.json: checked against OSCAL 1.1.3 rules (oscal-version 1.1.3)\n\
         fixtures/validate/valid.json: valid (0 errors, 0 warnings)\n"
    );
}

#[test]
fn human_output_points_at_the_place() {
    let dir = tempfile::tempdir().unwrap();
    let f = failing_fixtures(dir.path())
        .into_iter()
        .find(|f| f.rule == "oscal-reference")
        .unwrap();
    let ssp = workspace_root().join(SSP);
    let o = poam_in(
        dir.path(),
        &[
            "validate",
            "oscal-reference.json",
            "--ssp",
            ssp.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(f.file.exists());
    insta::assert_snapshot!("human_reference", stdout(&o));
}

#[test]
fn sarif_is_sarif_2_1_0() {
    let dir = tempfile::tempdir().unwrap();
    let f = failing_fixtures(dir.path())
        .into_iter()
        .find(|f| f.rule == "oscal-reference")
        .unwrap();
    let file = f.file.display().to_string();
    let o = poam(&["validate", &file, VALID, "--ssp", SSP, "--format", "sarif"]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let log = json_out(&o);
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), listed_rules().len());
    assert!(rules.iter().all(|r| r["id"].is_string()
        && r["shortDescription"]["text"].is_string()
        && r["defaultConfiguration"]["level"].is_string()));
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{results:#?}");
    let r = &results[0];
    assert_eq!(r["ruleId"], "oscal-reference");
    assert_eq!(r["level"], "error");
    assert!(
        r["message"]["text"]
            .as_str()
            .unwrap()
            .contains("00000000dead")
    );
    let idx = usize::try_from(r["ruleIndex"].as_u64().unwrap()).unwrap();
    assert_eq!(rules[idx]["id"], "oscal-reference");
    let loc = &r["locations"][0];
    let phys = &loc["physicalLocation"];
    assert!(
        phys["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("oscal-reference.json")
    );
    let shown = text_at(
        &f.file,
        &phys["region"]["startLine"],
        &phys["region"]["startColumn"],
    );
    assert!(
        shown.starts_with("\"00000000-0000-4000-8000-00000000dead\""),
        "{shown}"
    );
    assert_eq!(
        loc["logicalLocations"][0]["fullyQualifiedName"],
        "/plan-of-action-and-milestones/poam-items/0/related-risks/0/risk-uuid"
    );
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
}

#[test]
fn yaml_xml_and_stdin_are_located_too() {
    let dir = tempfile::tempdir().unwrap();
    let f = failing_fixtures(dir.path())
        .into_iter()
        .find(|f| f.rule == "oscal-reference")
        .unwrap();
    let ssp = workspace_root().join(SSP).display().to_string();
    for ext in ["yaml", "xml"] {
        let out = dir.path().join(format!("reference.{ext}"));
        let o = poam(&[
            "convert",
            f.file.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{o:?}");
        let o = poam(&[
            "validate",
            out.to_str().unwrap(),
            "--ssp",
            &ssp,
            "--format",
            "json",
        ]);
        assert_eq!(o.status.code(), Some(1), "{ext}: {o:?}");
        let d = &json_out(&o)[0]["diagnostics"][0];
        assert_eq!(d["rule"], "oscal-reference");
        let shown = text_at(&out, &d["location"]["line"], &d["location"]["column"]);
        let want = if ext == "yaml" {
            "00000000-0000-4000-8000-00000000dead"
        } else {
            "risk-uuid=\"00000000-0000-4000-8000-00000000dead\""
        };
        assert!(shown.starts_with(want), "{ext}: {shown}");
    }
    // Standard input, named `<stdin>`.
    let mut child = Command::new(env!("CARGO_BIN_EXE_poam"))
        .args(["validate", "-", "--ssp", &ssp, "--format", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&std::fs::read(&f.file).unwrap())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let report = json_out(&o);
    assert_eq!(report[0]["path"], "<stdin>");
    assert_eq!(report[0]["diagnostics"][0]["rule"], "oscal-reference");
    assert!(
        report[0]["diagnostics"][0]["location"]["line"]
            .as_u64()
            .is_some()
    );
}

#[test]
fn several_files_in_order_and_an_unreadable_one_is_exit_2() {
    let o = poam(&[
        "validate",
        VALID,
        "fixtures/validate/no-such-file.json",
        "fixtures/bad/malformed.json",
        "fixtures/bad/ssp.json",
        "--ssp",
        SSP,
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    let report = json_out(&o);
    let summary: Vec<(String, bool, bool)> = report
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_owned(),
                f["readable"].as_bool().unwrap(),
                f["valid"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (VALID.to_owned(), true, true),
            (
                "fixtures/validate/no-such-file.json".to_owned(),
                false,
                false
            ),
            ("fixtures/bad/malformed.json".to_owned(), false, false),
            ("fixtures/bad/ssp.json".to_owned(), true, false),
        ]
    );
    let malformed = &report[2]["diagnostics"][0];
    assert_eq!(malformed["rule"], "unreadable");
    assert_eq!(malformed["location"]["line"], 6);
    assert_eq!(malformed["location"]["column"], 7);
    assert!(
        report[3]["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("this is an OSCAL system-security-plan")
    );
    // Without the unreadable files: 1, the "no" answer.
    let o = poam(&["validate", VALID, "fixtures/bad/ssp.json", "--ssp", SSP]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(stdout(&o).ends_with("2 files checked: 1 valid, 1 invalid, 0 unreadable\n"));
}

#[test]
fn bad_options_are_exit_2_with_a_message() {
    for args in [
        &[
            "validate",
            VALID,
            "--ssp",
            "fixtures/validate/missing-ssp.json",
        ][..],
        &[
            "validate",
            VALID,
            "--schema",
            "fixtures/validate/missing.json",
        ],
        // A POA&M is not a JSON Schema.
        &["validate", VALID, "--schema", VALID],
        &["validate", VALID, "--ssp", VALID],
        &["validate", VALID, "--as-of", "15/01/2025"],
        &["validate"],
    ] {
        let o = poam(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {o:?}");
        assert!(o.stdout.is_empty(), "{args:?}");
        assert!(!o.stderr.is_empty(), "{args:?}");
    }
}

#[test]
fn list_rules_in_every_format() {
    let human = stdout(&poam(&["validate", "--list-rules"]));
    for id in listed_rules().keys() {
        assert!(
            human.contains(id.as_str()),
            "{id} missing from --list-rules"
        );
    }
    // The version-aware rule sets are described first.
    assert!(
        human.contains("1.0.x -> 1.0.4, 1.1.x -> 1.1.3, 1.2.x -> 1.2.2"),
        "{human}"
    );
    assert!(human.contains("\nOSCAL (always checked)\n"));
    assert!(human.contains("\nFedRAMP (--profile fedramp)\n"));
    let sarif = json_out(&poam(&["validate", "--list-rules", "--format", "sarif"]));
    assert_eq!(
        sarif["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .len(),
        listed_rules().len()
    );
}

/// Writes `doc` as a workbook with `poam convert` and returns its path.
fn workbook_of(dir: &Path, json: &Path, name: &str) -> PathBuf {
    let out = dir.join(name);
    let o = poam(&[
        "convert",
        json.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    out
}

#[test]
fn workbooks_are_validated_at_their_cells() {
    let dir = tempfile::tempdir().unwrap();
    let late = failing_fixtures(dir.path())
        .into_iter()
        .find(|f| f.rule == "fedramp-risk-deadline-timely")
        .unwrap();
    let book = workbook_of(dir.path(), &late.file, "late.xlsx");
    let o = poam(&[
        "validate",
        book.to_str().unwrap(),
        "--profile",
        "fedramp",
        "--as-of",
        "2025-01-15",
        "--ssp",
        SSP,
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let report = json_out(&o);
    let diags = report[0]["diagnostics"].as_array().unwrap();
    let late_diag = diags
        .iter()
        .find(|d| d["rule"] == "fedramp-risk-deadline-timely")
        .unwrap_or_else(|| panic!("{report:#}"));
    let loc = &late_diag["location"];
    assert_eq!(
        loc["pointer"],
        "/plan-of-action-and-milestones/risks/0/deadline"
    );
    // The deadline is the Scheduled Completion Date, column L of the 2024 template, in the
    // row of the item whose risk it is.
    assert_eq!(loc["sheet"], "Open POA&M Items");
    let imported = poam::workbook::import(
        &std::fs::read(&book).unwrap(),
        "late.xlsx",
        &poam::workbook::ReadOptions::default(),
    )
    .unwrap();
    let p = &imported.document.plan_of_action_and_milestones;
    let item = p
        .poam_items
        .iter()
        .position(|i| {
            i.related_risks
                .iter()
                .any(|r| r.risk_uuid == p.risks[0].uuid)
        })
        .unwrap();
    let row = imported.sources[item].row.row + 1;
    assert_eq!(loc["cell"], format!("L{row}"), "{late_diag:#}");
    // Human output names the cell as a spreadsheet does.
    let o = poam_in(
        dir.path(),
        &[
            "validate",
            "late.xlsx",
            "--profile",
            "fedramp",
            "--as-of",
            "2025-01-15",
        ],
    );
    assert!(
        stdout(&o).contains(&format!(
            "late.xlsx:'Open POA&M Items'!L{row}: error[fedramp-risk-deadline-timely]"
        )),
        "{}",
        stdout(&o)
    );
    // SARIF names the cell as a logical location.
    let o = poam(&["validate", book.to_str().unwrap(), "--format", "sarif"]);
    let log = json_out(&o);
    assert!(
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(
                |r| r["locations"][0]["logicalLocations"][1]["fullyQualifiedName"]
                    .as_str()
                    .is_some_and(|c| c.starts_with("'Open POA&M Items'!"))
            ),
        "{log:#}"
    );
}

/// A cell the import could not fully read is named: the template's placeholder left in the
/// System Name cell (the document's title becomes that cell). A .xlsx that is not a
/// workbook after all: exit 2.
#[test]
fn workbook_cells_the_import_could_not_read_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc: Value =
        serde_json::from_str(&std::fs::read_to_string(fixtures().join("valid.json")).unwrap())
            .unwrap();
    doc["plan-of-action-and-milestones"]["metadata"]["title"] = Value::from("Text");
    let json = dir.path().join("placeholder.json");
    std::fs::write(&json, doc.to_string()).unwrap();
    let book = workbook_of(dir.path(), &json, "placeholder.xlsx");
    let o = poam(&["validate", book.to_str().unwrap(), "--format", "json"]);
    let report = json_out(&o);
    let cell = report[0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "workbook-cell")
        .unwrap_or_else(|| panic!("{report:#}"));
    assert_eq!(cell["severity"], "warning");
    assert!(cell["message"].as_str().unwrap().contains("placeholder"));
    assert_eq!(cell["location"]["sheet"], "Open POA&M Items");
    assert_eq!(cell["location"]["cell"], "B3");

    // Not a workbook after all: exit 2.
    let fake = dir.path().join("fake.xlsx");
    std::fs::write(&fake, b"not a zip").unwrap();
    let o = poam(&["validate", fake.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
}

#[test]
fn every_format_names_the_rule_set_it_applied() {
    let dir = tempfile::tempdir().unwrap();
    let valid: Value =
        serde_json::from_str(&std::fs::read_to_string(workspace_root().join(VALID)).unwrap())
            .unwrap();
    let mut files = Vec::new();
    for (name, version) in [("old.json", "1.0.4"), ("future.json", "7.5.0")] {
        let mut doc = valid.clone();
        doc["plan-of-action-and-milestones"]["metadata"]["oscal-version"] = Value::from(version);
        let f = dir.path().join(name);
        std::fs::write(&f, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
        files.push(f.display().to_string());
    }
    let args = |format: &str| {
        let mut a = vec![
            "validate",
            files[0].as_str(),
            files[1].as_str(),
            "--ssp",
            SSP,
        ];
        a.extend(["--format", format]);
        a.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let run = |format: &str| {
        let a = args(format);
        poam(&a.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let json = json_out(&run("json"));
    assert_eq!(json[0]["rule_set"]["oscal_version"], "1.0.4");
    assert_eq!(json[0]["rule_set"]["matched"], true);
    assert_eq!(json[1]["rule_set"]["oscal_version"], "1.2.2");
    assert_eq!(json[1]["rule_set"]["declared"], "7.5.0");
    assert_eq!(json[1]["rule_set"]["matched"], false);
    let sarif = json_out(&run("sarif"));
    let artifacts = sarif["runs"][0]["artifacts"].as_array().unwrap();
    assert_eq!(artifacts[0]["properties"]["oscalRuleSet"], "1.0.4");
    assert_eq!(artifacts[1]["properties"]["oscalRuleSet"], "1.2.2");
    assert_eq!(artifacts[1]["properties"]["ruleSetMatched"], false);
    let human = stdout(&run("human"));
    assert!(
        human.contains("old.json: checked against OSCAL 1.0.4 rules (oscal-version 1.0.4)\n"),
        "{human}"
    );
    assert!(
        human.contains("future.json: checked against OSCAL 1.2.2 rules, the newest: oscal-version \"7.5.0\" is not a version poam has rules for (1.0.x, 1.1.x, 1.2.x)\n"),
        "{human}"
    );
}
