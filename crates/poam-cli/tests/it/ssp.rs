//! `--ssp FILE` on import, convert and merge: the output imports the SSP (a relative href),
//! carries its system id and provider, its subjects are the SSP's assets, and `poam validate
//! --ssp` finds every reference; an asset the SSP does not list is one warning.
//!
//! The SSP is `fixtures/ssp/ssp.json` (Contoso Orders: web01, db01, app01 and a container
//! image); the scans are the Nessus and Trivy fixtures of `poam import`'s tests.

use std::path::Path;

use serde_json::Value;

use crate::support::{assert_exit, json, poam, poam_ok, scratch_with, stderr};

const WEB: &str = "c0a7e5f0-0000-4000-8000-0000000000b1";
const DB: &str = "c0a7e5f0-0000-4000-8000-0000000000b2";
const APP: &str = "c0a7e5f0-0000-4000-8000-0000000000b3";
const IMAGE: &str = "c0a7e5f0-0000-4000-8000-0000000000c2";
const PROVIDER: &str = "c0a7e5f0-0000-4000-8000-0000000000a1";

/// A scratch directory: scans in `scans/`, the SSP in `ssp/`, outputs in `out/`.
fn workdir() -> tempfile::TempDir {
    let dir = scratch_with(&[
        ("scans/month1.nessus", "scans/month1.nessus"),
        ("scans/month2.nessus", "scans/month2.nessus"),
        ("scans/trivy-image.json", "scans/trivy-image.json"),
        ("ssp/ssp.json", "ssp/ssp.json"),
        ("ssp/ssp.xml", "ssp/ssp.xml"),
    ]);
    std::fs::create_dir(dir.path().join("out")).unwrap();
    dir
}

fn subjects(doc: &Value) -> Vec<(String, String, String)> {
    doc["plan-of-action-and-milestones"]["observations"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|o| o["subjects"].as_array().cloned().unwrap_or_default())
        .map(|s| {
            let text = |k: &str| s[k].as_str().unwrap_or_default().to_owned();
            (text("type"), text("subject-uuid"), text("title"))
        })
        .collect()
}

/// The rules `poam validate` reports on `file` (errors and warnings).
fn findings(dir: &Path, file: &str, extra: &[&str]) -> Vec<String> {
    let mut args = vec![
        "validate",
        file,
        "--format",
        "json",
        "--as-of",
        "2024-07-02",
    ];
    args.extend_from_slice(extra);
    let o = poam(dir, &args);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    v[0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {}",
                d["severity"].as_str().unwrap(),
                d["rule"].as_str().unwrap()
            )
        })
        .collect()
}

/// A linked document's references all resolve through the SSP, and it has what the SSP gave.
#[track_caller]
fn assert_linked(dir: &Path, file: &str, href: &str) {
    let doc = json(dir, file);
    let p = &doc["plan-of-action-and-milestones"];
    assert_eq!(p["import-ssp"]["href"], href);
    assert_eq!(p["system-id"]["id"], "F1234567890");
    let csp = p["metadata"]["responsible-parties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["role-id"] == "cloud-service-provider")
        .cloned()
        .unwrap();
    assert_eq!(csp["party-uuids"], serde_json::json!([PROVIDER]));
    let with_ssp = findings(
        dir,
        file,
        &["--ssp", "ssp/ssp.json", "--profile", "fedramp"],
    );
    assert!(
        !with_ssp.iter().any(|f| f.contains("reference")),
        "{with_ssp:?}"
    );
}

#[test]
fn import_points_subjects_at_the_ssps_assets() {
    let dir = workdir();
    let d = dir.path();
    let o = poam(
        d,
        &[
            "import",
            "scans/month1.nessus",
            "scans/trivy-image.json",
            "--ssp",
            "ssp/ssp.json",
            "--as-of",
            "2024-06-03",
            "-o",
            "out/poam.json",
        ],
    );
    assert_exit(&o, 0);
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
    assert_linked(d, "out/poam.json", "../ssp/ssp.json");
    let subjects = subjects(&json(d, "out/poam.json"));
    let uuids: std::collections::BTreeSet<&str> =
        subjects.iter().map(|(_, u, _)| u.as_str()).collect();
    assert_eq!(uuids, [WEB, DB, APP, IMAGE].into_iter().collect());
    assert!(
        subjects
            .iter()
            .any(|(t, u, _)| t == "component" && u == IMAGE)
    );
    // The identifier as the scanner wrote it (host and port) is the subject's title.
    assert!(
        subjects
            .iter()
            .any(|(_, u, title)| u == WEB && title.starts_with("web01.example.com (")),
        "{subjects:?}"
    );
    // No stand-in inventory item is left: every asset is the SSP's.
    let p = &json(d, "out/poam.json")["plan-of-action-and-milestones"];
    assert!(
        p["local-definitions"]["inventory-items"].is_null(),
        "{}",
        p["local-definitions"]
    );
}

#[test]
fn an_asset_the_ssp_does_not_list_is_one_warning_naming_it_and_its_items() {
    let dir = workdir();
    let d = dir.path();
    // The SSP without db01.
    let mut ssp = json(d, "ssp/ssp.json");
    ssp["system-security-plan"]["system-implementation"]["inventory-items"]
        .as_array_mut()
        .unwrap()
        .retain(|i| i["uuid"] != DB);
    std::fs::write(d.join("ssp/partial.json"), ssp.to_string()).unwrap();
    let o = poam(
        d,
        &[
            "import",
            "scans/month1.nessus",
            "--ssp",
            "ssp/partial.json",
            "--as-of",
            "2024-06-03",
            "-o",
            "out/poam.json",
        ],
    );
    assert_exit(&o, 0);
    let err = stderr(&o);
    let warnings: Vec<&str> = err.lines().filter(|l| l.starts_with("warning:")).collect();
    // Month 1 has db01 in two items (SWEET32 on 443/tcp, MS17-010 on 445/tcp): one asset,
    // one warning, naming it and how many items list it.
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let w = warnings[0];
    assert!(
        w.contains("asset \"db01.example.com\" (listed by 2 items: V-"),
        "{w}"
    );
    assert!(
        w.contains("no inventory item or component of the SSP"),
        "{w}"
    );
    // db01 keeps its stand-in, so the document is still whole.
    let findings = findings(d, "out/poam.json", &["--ssp", "ssp/partial.json"]);
    assert!(
        !findings.iter().any(|f| f.starts_with("error")),
        "{findings:?}"
    );
}

#[test]
fn import_into_a_linked_poam_updates_the_same_items() {
    let dir = workdir();
    let d = dir.path();
    let first = [
        "import",
        "scans/month1.nessus",
        "--ssp",
        "ssp/ssp.json",
        "--as-of",
        "2024-06-03",
        "-o",
        "out/june.json",
    ];
    poam_ok(d, &first);
    let o = poam(
        d,
        &[
            "import",
            "scans/month2.nessus",
            "--into",
            "out/june.json",
            "--ssp",
            "ssp/ssp.json",
            "--as-of",
            "2024-07-01",
            "-o",
            "out/july.json",
        ],
    );
    assert_exit(&o, 0);
    // SWEET32 on db01 found again (updated), Log4Shell new: the July POA&M has one item
    // more than June's, not a second SWEET32.
    assert!(stderr(&o).contains("1 new"), "{}", stderr(&o));
    let count = |f: &str| {
        json(d, f)["plan-of-action-and-milestones"]["poam-items"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(count("out/july.json"), count("out/june.json") + 1);
    assert_linked(d, "out/july.json", "../ssp/ssp.json");
    // Importing the same scan again changes nothing.
    let again = poam(
        d,
        &[
            "import",
            "scans/month2.nessus",
            "--into",
            "out/july.json",
            "--ssp",
            "ssp/ssp.json",
            "--as-of",
            "2024-07-01",
            "-o",
            "out/july-again.json",
        ],
    );
    assert_exit(&again, 0);
    poam_ok(d, &["diff", "out/july.json", "out/july-again.json"]);
}

#[test]
fn convert_links_a_workbook_and_its_export_keeps_the_identifiers() {
    let dir = workdir();
    let d = dir.path();
    // A workbook whose Asset Identifier column names the hosts and ports.
    let steps: [&[&str]; 3] = [
        &[
            "import",
            "scans/month1.nessus",
            "--as-of",
            "2024-06-03",
            "-o",
            "out/plain.json",
        ],
        &["convert", "out/plain.json", "-o", "out/poam.xlsx"],
        &[
            "convert",
            "out/poam.xlsx",
            "--ssp",
            "ssp/ssp.xml",
            "-o",
            "out/linked.json",
        ],
    ];
    for args in steps {
        let o = poam(d, args);
        assert_exit(&o, 0);
        assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
    }
    assert_linked(d, "out/linked.json", "../ssp/ssp.xml");
    let linked = subjects(&json(d, "out/linked.json"));
    assert!(
        linked
            .iter()
            .all(|(_, u, _)| [WEB, DB, APP].contains(&u.as_str()))
    );
    // Back to a workbook and again to OSCAL: the identifiers as written come back.
    poam_ok(d, &["convert", "out/linked.json", "-o", "out/back.xlsx"]);
    poam_ok(d, &["convert", "out/back.xlsx", "-o", "out/back.json"]);
    assert_eq!(
        asset_names(&json(d, "out/back.json")),
        asset_names(&json(d, "out/plain.json"))
    );
}

/// The asset identifiers of a document's subjects (through its own inventory items), sorted.
fn asset_names(doc: &Value) -> Vec<String> {
    let p = &doc["plan-of-action-and-milestones"];
    let inventory = p["local-definitions"]["inventory-items"]
        .as_array()
        .unwrap();
    let mut names: Vec<String> = subjects(doc)
        .into_iter()
        .map(|(_, u, _)| {
            let item = inventory.iter().find(|i| i["uuid"] == u.as_str()).unwrap();
            item["description"].as_str().unwrap().to_owned()
        })
        .collect();
    names.sort();
    assert!(!names.is_empty());
    names
}

#[test]
fn merge_links_base_and_updates_alike() {
    let dir = workdir();
    let d = dir.path();
    for (scan, out, day) in [
        ("scans/month1.nessus", "out/june.json", "2024-06-03"),
        ("scans/month2.nessus", "out/july-scan.json", "2024-07-01"),
    ] {
        poam_ok(d, &["import", scan, "--as-of", day, "-o", out]);
    }
    let o = poam(
        d,
        &[
            "merge",
            "out/june.json",
            "out/july-scan.json",
            "--ssp",
            "ssp/ssp.json",
            "--as-of",
            "2024-07-01",
            "-o",
            "out/july.json",
        ],
    );
    assert_exit(&o, 0);
    assert_linked(d, "out/july.json", "../ssp/ssp.json");
    let uuids: std::collections::BTreeSet<String> = subjects(&json(d, "out/july.json"))
        .into_iter()
        .map(|(_, u, _)| u)
        .collect();
    assert!(
        uuids.iter().all(|u| [WEB, DB, APP].contains(&u.as_str())),
        "{uuids:?}"
    );
}

#[test]
fn an_unreadable_ssp_is_trouble_and_nothing_is_written() {
    let dir = workdir();
    let d = dir.path();
    std::fs::write(d.join("out/poam.json"), "{}").unwrap();
    for (ssp, message) in [
        ("ssp/missing.json", "--ssp ssp/missing.json: "),
        (
            "scans/trivy-image.json",
            "not an OSCAL system security plan",
        ),
    ] {
        for args in [
            &[
                "import",
                "scans/month1.nessus",
                "--ssp",
                ssp,
                "-o",
                "out/poam.json",
            ][..],
            &[
                "convert",
                "scans/trivy-image.json",
                "--ssp",
                ssp,
                "-o",
                "out/poam.json",
            ][..],
        ] {
            let o = poam(d, args);
            assert_exit(&o, 2);
            assert!(stderr(&o).contains(message), "{}", stderr(&o));
            assert_eq!(
                std::fs::read_to_string(d.join("out/poam.json")).unwrap(),
                "{}"
            );
        }
    }
}

#[test]
fn convert_many_links_each_output_from_its_directory() {
    let dir = workdir();
    let d = dir.path();
    for (scan, out) in [
        ("scans/month1.nessus", "out/june.json"),
        ("scans/month2.nessus", "out/july.json"),
    ] {
        poam_ok(d, &["import", scan, "--as-of", "2024-07-01", "-o", out]);
    }
    let o = poam(
        d,
        &[
            "convert",
            "out/june.json",
            "out/july.json",
            "--out-dir",
            "out/linked/yaml",
            "--ssp",
            "ssp/ssp.json",
            "--to",
            "json",
        ],
    );
    assert_exit(&o, 0);
    for f in ["out/linked/yaml/june.json", "out/linked/yaml/july.json"] {
        assert_linked(d, f, "../../../ssp/ssp.json");
    }
}

/// `poam.toml` in the current directory: the SSP, marking, FedRAMP version and title, so
/// that an import passes `poam validate --profile fedramp --ssp` with no error.
const PROJECT_FILE: &str = "ssp = \"ssp/ssp.json\"
marking = \"cui\"
fedramp-version = \"fedramp-3.0.0rc1-oscal-1.1.2\"
title = \"Contoso Orders FedRAMP Plan of Action and Milestones (POA&M)\"
plan = \"Patch in the next maintenance window, then rescan.\"
";

#[test]
fn poam_toml_supplies_what_a_scan_cannot_say() {
    let dir = workdir();
    let d = dir.path();
    std::fs::write(d.join("poam.toml"), PROJECT_FILE).unwrap();
    let o = poam(
        d,
        &[
            "import",
            "scans/month1.nessus",
            "scans/trivy-image.json",
            "--as-of",
            "2024-06-03",
            "-o",
            "out/poam.json",
        ],
    );
    assert_exit(&o, 0);
    assert_linked(d, "out/poam.json", "../ssp/ssp.json");
    let doc = json(d, "out/poam.json");
    let md = &doc["plan-of-action-and-milestones"]["metadata"];
    assert_eq!(
        md["title"],
        "Contoso Orders FedRAMP Plan of Action and Milestones (POA&M)"
    );
    let prop = |name: &str| {
        md["props"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .cloned()
            .unwrap()
    };
    assert_eq!(prop("marking")["value"], "cui");
    assert!(prop("marking")["ns"].is_null());
    assert_eq!(
        prop("fedramp-version")["value"],
        "fedramp-3.0.0rc1-oscal-1.1.2"
    );
    assert_eq!(prop("fedramp-version")["ns"], "http://fedramp.gov/ns/oscal");
    assert!(
        doc.to_string()
            .contains("Patch in the next maintenance window, then rescan.")
    );
    let errors: Vec<String> = findings(
        d,
        "out/poam.json",
        &["--ssp", "ssp/ssp.json", "--profile", "fedramp"],
    )
    .into_iter()
    .filter(|f| f.starts_with("error"))
    .collect();
    assert_eq!(errors, Vec::<String>::new());
    // A flag wins over the file.
    let o = poam(
        d,
        &[
            "import",
            "scans/month1.nessus",
            "--marking",
            "internal",
            "-o",
            "out/flag.json",
        ],
    );
    assert_exit(&o, 0);
    let doc = json(d, "out/flag.json");
    assert!(
        doc["plan-of-action-and-milestones"]["metadata"]["props"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "marking" && p["value"] == "internal")
    );
}

#[test]
fn config_names_another_file_and_unknown_keys_are_errors() {
    let dir = workdir();
    let d = dir.path();
    std::fs::create_dir(d.join("conf")).unwrap();
    // `ssp` is relative to the project file's directory.
    std::fs::write(
        d.join("conf/project.toml"),
        PROJECT_FILE.replace("ssp/ssp.json", "../ssp/ssp.xml"),
    )
    .unwrap();
    let o = poam(
        d,
        &[
            "convert",
            "scans/../ssp/ssp.json",
            "--config",
            "conf/project.toml",
            "-o",
            "out/x.json",
        ],
    );
    // Converting an SSP is refused as ever; the project file was read without complaint.
    assert_exit(&o, 2);
    assert!(!stderr(&o).contains("project.toml"), "{}", stderr(&o));
    let o = poam(
        d,
        &[
            "import",
            "scans/month1.nessus",
            "--config",
            "conf/project.toml",
            "-o",
            "out/poam.json",
        ],
    );
    assert_exit(&o, 0);
    assert_linked(d, "out/poam.json", "../ssp/ssp.xml");

    std::fs::write(
        d.join("poam.toml"),
        "marking = \"cui\"\nfedramp_version = \"x\"\n",
    )
    .unwrap();
    for args in [
        &["import", "scans/month1.nessus", "-o", "out/bad.json"][..],
        &["convert", "out/poam.json", "-o", "out/bad.json"][..],
        &[
            "merge",
            "out/poam.json",
            "out/poam.json",
            "-o",
            "out/bad.json",
        ][..],
    ] {
        let o = poam(d, args);
        assert_exit(&o, 2);
        let err = stderr(&o);
        assert!(err.contains("poam.toml"), "{err}");
        assert!(err.contains("line 2"), "{err}");
        assert!(err.contains("unknown field `fedramp_version`"), "{err}");
        assert!(!d.join("out/bad.json").exists());
    }
    let o = poam(
        d,
        &[
            "import",
            "scans/month1.nessus",
            "--config",
            "conf/missing.toml",
        ],
    );
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains("--config conf/missing.toml"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_workbook_says_once_per_rule_what_it_lacks_and_the_scan_supplies_the_recommendation() {
    let dir = workdir();
    let d = dir.path();
    // A workbook of month 1's findings, as a provider keeps it (no scanner's advice in it).
    poam_ok(
        d,
        &[
            "import",
            "scans/month1.nessus",
            "--as-of",
            "2024-06-03",
            "-o",
            "out/a.json",
        ],
    );
    poam_ok(d, &["convert", "out/a.json", "-o", "out/june.xlsx"]);
    let o = poam(d, &["convert", "out/june.xlsx", "-o", "out/june.json"]);
    assert_exit(&o, 0);
    assert_one_line_per_failing_rule(&stderr(&o));

    // With the project file, the workbook links; the scan it came from adds the
    // recommendation to the same three items, and the result is clean.
    std::fs::write(d.join("poam.toml"), PROJECT_FILE).unwrap();
    let o = poam(d, &["convert", "out/june.xlsx", "-o", "out/june.json"]);
    assert_exit(&o, 0);
    assert!(
        stderr(&o).contains("fails 1 FedRAMP rule(s)"),
        "{}",
        stderr(&o)
    );
    let o = poam(
        d,
        &[
            "import",
            "scans/month1.nessus",
            "--into",
            "out/june.json",
            "--as-of",
            "2024-06-03",
            "-o",
            "out/june-scanned.json",
        ],
    );
    assert_exit(&o, 0);
    assert!(stderr(&o).contains("0 new, 3 updated"), "{}", stderr(&o));
    assert!(stderr(&o).contains("fedramp: the output passes FedRAMP's POA&M rules"));
    let doc = json(d, "out/june-scanned.json");
    let p = &doc["plan-of-action-and-milestones"];
    assert_eq!(p["poam-items"].as_array().unwrap().len(), 3);
    assert_one_recommendation_per_risk(p);
    let errors: Vec<String> = findings(
        d,
        "out/june-scanned.json",
        &["--ssp", "ssp/ssp.json", "--profile", "fedramp"],
    )
    .into_iter()
    .filter(|f| f.starts_with("error"))
    .collect();
    assert_eq!(errors, Vec::<String>::new());
}

/// The conversion's summary: one line per FedRAMP rule the workbook's output fails, each
/// naming the column or option that supplies it.
fn assert_one_line_per_failing_rule(err: &str) {
    let rule_lines: Vec<&str> = err
        .lines()
        .filter(|l| l.contains(": fedramp: fedramp-"))
        .collect();
    let recommendation: Vec<&&str> = rule_lines
        .iter()
        .filter(|l| l.contains("fedramp-risk-recommendation"))
        .collect();
    assert_eq!(recommendation.len(), 1, "{err}");
    assert!(recommendation[0].contains("fails on 3 item(s)"), "{err}");
    assert!(
        recommendation[0].contains("poam import SCAN --into"),
        "{err}"
    );
    for (rule, hint) in [
        ("fedramp-import-ssp", "--ssp FILE"),
        ("fedramp-marking", "--marking cui"),
        ("fedramp-version", "--fedramp-version"),
    ] {
        let line = rule_lines
            .iter()
            .find(|l| l.contains(&format!("fedramp: {rule} fails")));
        assert!(
            line.is_some_and(|l| l.contains("the document") && l.contains(hint)),
            "{err}"
        );
    }
    assert!(
        err.contains("fedramp: the output fails 4 FedRAMP rule(s)"),
        "{err}"
    );
}

/// Every risk has exactly one `recommendation` remediation (the scanner's advice).
fn assert_one_recommendation_per_risk(p: &Value) {
    for r in p["risks"].as_array().unwrap() {
        let lifecycles: Vec<&str> = r["remediations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["lifecycle"].as_str().unwrap())
            .collect();
        assert_eq!(
            lifecycles
                .iter()
                .filter(|l| **l == "recommendation")
                .count(),
            1,
            "{lifecycles:?}"
        );
    }
}
