//! `poam import` end to end: three months of Nessus scans of one system
//! (`fixtures/scans/month{1,2,3}.nessus`), other scanners, KEV, and every bad input class.
//!
//! Month 1 (2024-06-03) finds SWEET32 on web01 and db01, MS17-010 on db01, CBC ciphers on
//! app01. Month 2 (2024-07-01) scans web01 and db01 only: SWEET32 is gone from web01, MS17-010
//! is gone, Log4Shell is new on web01; app01 was not scanned. Month 3 (2024-08-01) finds
//! MS17-010 on db01 again.

use std::path::Path;

use serde_json::Value;

use crate::support::{assert_exit, fixture_dir_copy, json, poam, poam_ok, stderr, stdout};

/// `scan` imported into `into` with `--complete` at `as_of`, written to `out`.
fn import_complete(
    dir: &Path,
    scan: &str,
    into: &str,
    as_of: &str,
    out: &str,
) -> std::process::Output {
    poam_ok(
        dir,
        &[
            "import",
            scan,
            "--into",
            into,
            "--complete",
            "--as-of",
            as_of,
            "-o",
            out,
        ],
    )
}

/// A scratch directory with the scan fixtures, so that names in reports are short.
fn workdir() -> tempfile::TempDir {
    fixture_dir_copy("scans")
}

/// Month 1's scan imported as a new POA&M, `m1.json`.
fn import_month1(dir: &Path) -> std::process::Output {
    poam_ok(
        dir,
        &[
            "import",
            "month1.nessus",
            "--as-of",
            "2024-06-03",
            "-o",
            "m1.json",
        ],
    )
}

/// The items of a POA&M as (POAM ID, risk status, deadline, detection date, assets).
fn items(doc: &Value) -> Vec<(String, String, String, String, Vec<String>)> {
    let p = &doc["plan-of-action-and-milestones"];
    let by_uuid = |list: &str, uuid: &Value| -> Value {
        p[list]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["uuid"] == *uuid)
            .cloned()
            .unwrap()
    };
    let asset = |uuid: &Value| -> String {
        p["local-definitions"]["inventory-items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["uuid"] == *uuid)
            .map(|i| i["description"].as_str().unwrap().to_owned())
            .unwrap()
    };
    p["poam-items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            let id = item["props"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["name"] == "POAM-ID")
                .map(|x| x["value"].as_str().unwrap().to_owned())
                .unwrap_or_default();
            let risk = by_uuid("risks", &item["related-risks"][0]["risk-uuid"]);
            let obs = by_uuid(
                "observations",
                &item["related-observations"][0]["observation-uuid"],
            );
            let mut assets: Vec<String> = obs["subjects"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| asset(&s["subject-uuid"]))
                .collect();
            assets.sort();
            (
                id,
                risk["status"].as_str().unwrap().to_owned(),
                risk["deadline"].as_str().unwrap_or_default()[..10].to_owned(),
                obs["collected"].as_str().unwrap()[..10].to_owned(),
                assets,
            )
        })
        .collect()
}

fn item<'a>(
    all: &'a [(String, String, String, String, Vec<String>)],
    id: &str,
) -> &'a (String, String, String, String, Vec<String>) {
    all.iter()
        .find(|i| i.0 == id)
        .unwrap_or_else(|| panic!("{id} in {all:?}"))
}

/// Month 1 as a new POA&M, month 2 and 3 into it with --complete.
fn three_months(dir: &Path) {
    import_month1(dir);
    let o = import_complete(dir, "month2.nessus", "m1.json", "2024-07-01", "m2.json");
    assert!(
        stderr(&o).contains(
            "items: 1 new, 1 updated, 1 closed as no longer detected, 0 reopened, 1 unchanged"
        ),
        "{}",
        stderr(&o)
    );
    let o = import_complete(dir, "month3.nessus", "m2.json", "2024-08-01", "m3.json");
    assert!(stderr(&o).contains("1 reopened"), "{}", stderr(&o));
}

#[test]
fn a_new_poam_from_a_scan() {
    let dir = workdir();
    let o = import_month1(dir.path());
    assert_eq!(
        stderr(&o),
        "month1.nessus: Nessus .nessus XML (v2), Nessus 10.7.1: 6 finding(s) (1 critical, 3 moderate, 1 low, 1 info) on 3 asset(s)\n\
         items: 3 new, 0 updated, 0 closed as no longer detected, 0 reopened, 0 unchanged; 1 weakness(es) below --min-severity low skipped\n"
    );
    let all = items(&json(dir.path(), "m1.json"));
    assert_eq!(
        all,
        [
            (
                "V-0001".into(),
                "open".into(),
                "2024-07-03".into(),
                "2024-06-03".into(),
                vec!["db01.example.com (445/tcp)".to_owned()]
            ),
            (
                "V-0002".into(),
                "open".into(),
                "2024-09-01".into(),
                "2024-06-03".into(),
                vec![
                    "db01.example.com (443/tcp)".to_owned(),
                    "web01.example.com (443/tcp)".to_owned()
                ]
            ),
            (
                "V-0003".into(),
                "open".into(),
                "2024-11-30".into(),
                "2024-06-03".into(),
                vec!["app01.example.com (22/tcp)".to_owned()]
            ),
        ],
        "critical 30 days, moderate 90, low 180; the duplicate finding collapses"
    );
    // The items the import creates pass FedRAMP's item rules.
    let o = poam(
        dir.path(),
        &[
            "validate",
            "m1.json",
            "--profile",
            "fedramp",
            "--as-of",
            "2024-06-03",
            "--format",
            "json",
        ],
    );
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    let item_errors: Vec<&Value> = report[0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .filter(|d| {
            let p = d["location"]["pointer"].as_str().unwrap_or_default();
            p.contains("/poam-items/") || p.contains("/risks/") || p.contains("/observations/")
        })
        .collect();
    assert!(item_errors.is_empty(), "{item_errors:#?}");
}

#[test]
fn reimporting_the_same_scan_changes_nothing() {
    let dir = workdir();
    let d = dir.path();
    import_month1(d);
    let o = import_complete(d, "month1.nessus", "m1.json", "2024-06-03", "again.json");
    assert!(
        stderr(&o).contains(
            "items: 0 new, 0 updated, 0 closed as no longer detected, 0 reopened, 3 unchanged"
        ),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read(d.join("m1.json")).unwrap(),
        std::fs::read(d.join("again.json")).unwrap()
    );
    poam_ok(d, &["diff", "m1.json", "again.json"]);
    // Imported a week after the scan ran (2024-06-03): a new item is last seen on the scan's
    // date, as an import into a POA&M records it, so the second import changes nothing
    // either (it used to record the import day first, the scan's date the second time).
    let args = |out: &str| -> Vec<String> {
        ["import", "openscap.xml", "--as-of", "2024-06-10", "-o", out]
            .map(str::to_owned)
            .to_vec()
    };
    let first: Vec<String> = args("x1.json");
    poam_ok(d, &first.iter().map(String::as_str).collect::<Vec<_>>());
    let mut second = args("x2.json");
    second.extend(["--into".to_owned(), "x1.json".to_owned()]);
    let o = poam_ok(d, &second.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(
        stderr(&o)
            .contains("0 new, 0 updated, 0 closed as no longer detected, 0 reopened, 2 unchanged"),
        "{}",
        stderr(&o)
    );
    poam_ok(d, &["diff", "x1.json", "x2.json"]);
    let seen: Vec<String> = json(d, "x1.json")["plan-of-action-and-milestones"]["observations"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|o| o["props"].as_array().cloned().unwrap_or_default())
        .filter(|p| p["name"] == "last-seen")
        .map(|p| p["value"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(seen, ["2024-06-03", "2024-06-03"], "the scan's date");
}

/// Issue 14: re-importing a scan changes nothing whatever the `--into` format, a workbook
/// included. A workbook has no column for the scanner's recommendation or the date a weakness
/// was last seen: an import into a workbook written as a workbook must not add them again
/// each time (they used to be logged, and written as Milestone Changes and Status Date).
#[test]
fn reimporting_into_every_format_changes_nothing() {
    let dir = workdir();
    let d = dir.path();
    for ext in ["xlsx", "json", "xml", "yaml"] {
        let first = format!("first.{ext}");
        let again = format!("again.{ext}");
        let args = |extra: &[&str]| -> Vec<String> {
            let mut v: Vec<String> = [
                "import",
                "month1.nessus",
                "--group",
                "asset",
                "--kev",
                "kev.json",
                "--as-of",
                "2024-06-10",
            ]
            .map(str::to_owned)
            .to_vec();
            v.extend(extra.iter().map(|x| (*x).to_owned()));
            v
        };
        let run = |v: Vec<String>| poam_ok(d, &v.iter().map(String::as_str).collect::<Vec<_>>());
        run(args(&["-o", &first]));
        let o = run(args(&["--into", &first, "--complete", "-o", &again]));
        assert!(
            stderr(&o).contains(
                "items: 0 new, 0 updated, 0 closed as no longer detected, 0 reopened, 4 unchanged"
            ),
            "{ext}: {}",
            stderr(&o)
        );
        let diff = poam(d, &["diff", &first, &again]);
        assert_exit(&diff, 0);
        assert!(
            stdout(&diff).contains("0 changed, 0 removed, 4 unchanged"),
            "{ext}: {}",
            stdout(&diff)
        );
    }
    // Into a workbook, written as OSCAL: the scan supplies what the workbook could not hold.
    let o = poam_ok(
        d,
        &[
            "import",
            "month1.nessus",
            "--group",
            "asset",
            "--as-of",
            "2024-06-10",
            "--into",
            "first.xlsx",
            "-o",
            "from-workbook.json",
        ],
    );
    assert!(stderr(&o).contains("0 new, 4 updated"), "{}", stderr(&o));
    let doc = json(d, "from-workbook.json");
    let recommendations = doc["plan-of-action-and-milestones"]["risks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            r["remediations"]
                .as_array()
                .is_some_and(|v| v.iter().any(|x| x["lifecycle"] == "recommendation"))
        })
        .count();
    assert_eq!(recommendations, 4);
}

#[test]
fn month_after_month() {
    let dir = workdir();
    let d = dir.path();
    three_months(d);
    let m2 = items(&json(d, "m2.json"));
    // MS17-010: db01 was scanned and no longer shows it: closed, dated the scan.
    assert_eq!(item(&m2, "V-0001").1, "closed");
    // SWEET32: gone from web01 (scanned), still on db01; detection date and deadline stay.
    assert_eq!(
        item(&m2, "V-0002"),
        &(
            "V-0002".into(),
            "open".into(),
            "2024-09-01".into(),
            "2024-06-03".into(),
            vec!["db01.example.com (443/tcp)".to_owned()]
        )
    );
    // app01 was not in the scan: coverage is not remediation.
    assert_eq!(item(&m2, "V-0003").1, "open");
    // Log4Shell: new, the next POAM ID, 30 days from the scan.
    assert_eq!(
        item(&m2, "V-0004"),
        &(
            "V-0004".into(),
            "open".into(),
            "2024-07-31".into(),
            "2024-07-01".into(),
            vec!["web01.example.com (8080/tcp)".to_owned()]
        )
    );
    let doc = json(d, "m2.json");
    let closed = doc["plan-of-action-and-milestones"]["risks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["status"] == "closed")
        .unwrap();
    let entry = closed["risk-log"]["entries"]
        .as_array()
        .unwrap()
        .last()
        .unwrap();
    assert_eq!(entry["title"], "Risk Closed");
    assert_eq!(entry["status-change"], "closed");
    assert_eq!(entry["start"], "2024-07-01T00:00:00Z", "dated the scan");
    assert!(
        entry["description"]
            .as_str()
            .unwrap()
            .starts_with("No longer detected")
    );

    let m3 = items(&json(d, "m3.json"));
    // MS17-010 is back: reopened, original detection date and POAM ID kept.
    assert_eq!(item(&m3, "V-0001").1, "open");
    assert_eq!(item(&m3, "V-0001").3, "2024-06-03");
    assert_eq!(m3.len(), 4);
    let o = poam(d, &["diff", "m2.json", "m3.json"]);
    assert_exit(&o, 1);
    assert!(String::from_utf8_lossy(&o.stdout).contains("reopened (1)"));
}

#[test]
fn another_scanner_never_closes_an_item() {
    let dir = workdir();
    let d = dir.path();
    import_month1(d);
    let o = import_complete(d, "trivy-image.json", "m1.json", "2024-07-01", "m2.json");
    let m2 = items(&json(d, "m2.json"));
    for id in ["V-0001", "V-0002", "V-0003"] {
        assert_eq!(item(&m2, id).1, "open", "{id}");
    }
    assert!(m2.len() > 3, "Trivy's findings are new items");
    assert!(
        stderr(&o).contains("0 closed as no longer detected"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn without_complete_nothing_is_closed() {
    let dir = workdir();
    let d = dir.path();
    import_month1(d);
    poam_ok(
        d,
        &[
            "import",
            "month2.nessus",
            "--into",
            "m1.json",
            "--as-of",
            "2024-07-01",
            "-o",
            "m2.json",
        ],
    );
    let m2 = items(&json(d, "m2.json"));
    assert_eq!(item(&m2, "V-0001").1, "open");
}

/// A scan with no finding is fine: nothing to import, and no POA&M written (OSCAL requires an
/// item), said so, exit 0.
#[test]
fn a_scan_without_findings_writes_nothing_and_says_so() {
    let dir = workdir();
    let d = dir.path();
    std::fs::write(
        d.join("clean.sarif"),
        r#"{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "Semgrep"}}, "results": []}]}"#,
    )
    .unwrap();
    let o = poam(
        d,
        &[
            "import",
            "clean.sarif",
            "--as-of",
            "2024-06-03",
            "-o",
            "out.json",
        ],
    );
    assert_exit(&o, 0);
    assert!(
        stderr(&o).contains("note: no POA&M written: no finding at or above --min-severity low"),
        "{}",
        stderr(&o)
    );
    assert!(!d.join("out.json").exists());
}

/// An XCCDF check that ends in `error` is not a pass: a warning names it, and `--complete`
/// leaves its item open, while the check that now passes closes its item.
#[test]
fn an_undecided_check_is_a_warning_and_closes_nothing() {
    let dir = workdir();
    let d = dir.path();
    let o = poam(
        d,
        &[
            "import",
            "openscap.xml",
            "--as-of",
            "2024-06-03",
            "-o",
            "c1.json",
        ],
    );
    assert_exit(&o, 0);
    assert!(
        stderr(&o).contains(
            "warning: openscap.xml: line 39, column 57: rule xccdf_org.example_rule_unknown on app01.example.com: result \"error\": the check could not decide"
        ),
        "{}",
        stderr(&o)
    );
    let o = import_complete(d, "openscap-month2.xml", "c1.json", "2024-07-01", "c2.json");
    assert!(
        stderr(&o).contains("rule xccdf_org.example_rule_sshd_disable_root_login on app01.example.com: result \"error\""),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("0 new, 0 updated, 1 closed as no longer detected"),
        "{}",
        stderr(&o)
    );
    let doc = json(d, "c2.json");
    let p = &doc["plan-of-action-and-milestones"];
    let status = |title: &str| -> String {
        let risk = p["risks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["title"] == title)
            .unwrap_or_else(|| panic!("{title}"));
        risk["status"].as_str().unwrap().to_owned()
    };
    assert_eq!(
        status("Disable SSH Root Login"),
        "open",
        "undecided: stays open"
    );
    assert_eq!(
        status("RHSA-2024:0001: openssl security update (Important)"),
        "closed",
        "passed: no longer detected"
    );
}

#[test]
fn kev_due_date_is_the_deadline_when_earlier() {
    let dir = workdir();
    let d = dir.path();
    let o = poam(
        d,
        &[
            "import",
            "month1.nessus",
            "--kev",
            "kev.json",
            "--as-of",
            "2024-06-03",
            "-o",
            "m1.json",
        ],
    );
    assert_exit(&o, 0);
    let doc = json(d, "m1.json");
    let all = items(&doc);
    assert_eq!(
        item(&all, "V-0001").2,
        "2024-06-10",
        "KEV due date before detection + 30 days"
    );
    assert_eq!(item(&all, "V-0002").2, "2024-09-01", "not in the catalog");
    let risk = &doc["plan-of-action-and-milestones"]["risks"][0];
    let props: Vec<(&str, &str)> = risk["props"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap(), p["value"].as_str().unwrap()))
        .collect();
    assert!(props.contains(&("kev-catalog", "yes")), "{props:?}");
    assert!(props.contains(&("kev-due-date", "2024-06-10")), "{props:?}");
}

#[test]
fn min_severity_and_grouping_by_asset() {
    let dir = workdir();
    let d = dir.path();
    poam_ok(
        d,
        &[
            "import",
            "month1.nessus",
            "--min-severity",
            "moderate",
            "--group",
            "asset",
            "--as-of",
            "2024-06-03",
            "-o",
            "m1.json",
        ],
    );
    let all = items(&json(d, "m1.json"));
    let assets: Vec<Vec<String>> = all.iter().map(|i| i.4.clone()).collect();
    assert_eq!(
        assets,
        [
            vec!["db01.example.com (445/tcp)".to_owned()],
            vec!["db01.example.com (443/tcp)".to_owned()],
            vec!["web01.example.com (443/tcp)".to_owned()],
        ]
    );
}

#[test]
fn every_format_imports() {
    let dir = workdir();
    let d = dir.path();
    let o = poam(
        d,
        &[
            "import",
            "month1.nessus",
            "nessus.csv",
            "semgrep.sarif",
            "trivy-image.json",
            "trivy-legacy.json",
            "grype.json",
            "openscap.xml",
            "inspector.json",
            "--as-of",
            "2024-06-03",
            "-o",
            "all.json",
            "--format",
            "json",
        ],
    );
    assert_exit(&o, 0);
    let summary: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(summary["schema"], "poam-import/1");
    assert_eq!(summary["scans"].as_array().unwrap().len(), 8);
    assert_eq!(summary["scans"][6]["format"], "XCCDF results (OpenSCAP)");
    assert_eq!(summary["scans"][6]["findings"], 2);
    let doc = json(d, "all.json");
    let configuration = doc["plan-of-action-and-milestones"]["poam-items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| {
            i["props"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["name"] == "configuration-finding")
        })
        .count();
    assert_eq!(
        configuration, 3,
        "two failed XCCDF rules and Trivy's Dockerfile check"
    );
    // Every output format.
    for (out, to) in [
        ("all.xml", "xml"),
        ("all.yaml", "yaml"),
        ("all.xlsx", "xlsx"),
    ] {
        poam_ok(
            d,
            &[
                "import",
                "openscap.xml",
                "--as-of",
                "2024-06-03",
                "-o",
                out,
                "--to",
                to,
            ],
        );
    }
}

#[test]
fn bad_scans_write_nothing() {
    let dir = workdir();
    let d = dir.path();
    for (file, expected) in [
        (
            "bad/not-a-scan.json",
            "poam imports these formats, recognized by their content: Nessus .nessus XML (v2), Nessus CSV export, SARIF 2.1.0, Trivy JSON, Grype JSON, XCCDF results (OpenSCAP), Amazon Inspector v2 findings JSON",
        ),
        ("bad/truncated.nessus", "bad/truncated.nessus: line "),
        (
            "bad/doctype.nessus",
            "bad/doctype.nessus: line 2, column 1: a DOCTYPE is not allowed",
        ),
        ("bad/truncated.sarif", "(a truncated file?)"),
        (
            "bad/short-row.csv",
            "bad/short-row.csv: line 3: malformed CSV",
        ),
        ("missing.nessus", "missing.nessus: "),
    ] {
        let o = poam(
            d,
            &[
                "import",
                "month1.nessus",
                file,
                "--as-of",
                "2024-06-03",
                "-o",
                "out.json",
            ],
        );
        assert_exit(&o, 2);
        assert!(stderr(&o).contains(expected), "{file}: {}", stderr(&o));
        assert!(
            stderr(&o).ends_with("error: nothing imported\n"),
            "{}",
            stderr(&o)
        );
        assert!(!d.join("out.json").exists(), "{file}: nothing written");
    }
    // A workbook under a macro-enabled name is refused as `convert` refuses it.
    let o = poam(
        d,
        &[
            "import",
            "month1.nessus",
            "--as-of",
            "2024-06-03",
            "-o",
            "out.xlsm",
        ],
    );
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains("name the output .xlsx"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).ends_with("error: nothing imported\n"));
    assert!(!d.join("out.xlsm").exists(), "nothing written");
    // --complete needs --into; a bad KEV catalog is trouble too.
    assert_exit(&poam(d, &["import", "month1.nessus", "--complete"]), 2);
    let o = poam(
        d,
        &[
            "import",
            "month1.nessus",
            "--kev",
            "month1.nessus",
            "-o",
            "out.json",
        ],
    );
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains("not a CISA KEV catalog"),
        "{}",
        stderr(&o)
    );
    assert!(!d.join("out.json").exists());
}

/// A failed check the scanner gave no severity (XCCDF's default `unknown`) is a weakness,
/// not information: imported at the default `--min-severity`, rated Moderate (90 days), and
/// named in a warning; `--min-severity moderate` skips it and counts it.
#[test]
fn a_failed_check_without_severity_is_imported_and_named() {
    let dir = workdir();
    let d = dir.path();
    let args = [
        "import",
        "openscap-unrated.xml",
        "--as-of",
        "2024-06-10",
        "-o",
        "u.json",
    ];
    let o = poam(d, &args);
    assert_exit(&o, 0);
    assert_eq!(
        stderr(&o),
        "openscap-unrated.xml: XCCDF results (OpenSCAP), XCCDF: 1 finding(s) (1 unknown) on 1 asset(s)\n\
         items: 1 new, 0 updated, 0 closed as no longer detected, 0 reopened, 0 unchanged; 0 weakness(es) below --min-severity low skipped\n\
         warning: XCCDF no-telnet (Disable telnet on the vty lines): the scanner gave no severity; rated moderate until someone assesses it\n"
    );
    let all = items(&json(d, "u.json"));
    assert_eq!(
        all,
        [(
            "V-0001".into(),
            "open".into(),
            "2024-09-01".into(),
            "2024-06-03".into(),
            vec!["edge-router-1".to_owned()]
        )],
        "detected 2024-06-03, moderate: 90 days"
    );
    let o = poam(
        d,
        &[
            &args[..],
            &["--min-severity", "moderate", "--format", "json"],
        ]
        .concat(),
    );
    assert_exit(&o, 0);
    let summary: Value =
        serde_json::from_slice(&o.stderr[..=o.stderr.iter().rposition(|&b| b == b'}').unwrap()])
            .unwrap();
    assert_eq!(summary["scans"][0]["by-severity"]["unknown"], 1);
    assert_eq!(summary["items"]["skipped-below-min-severity"], 1);
    assert_eq!(summary["items"]["unrated"], serde_json::json!([]));
}

/// A Nessus scan of informational results only (discovery plugins, `severity="0"` or an
/// empty severity with `risk_factor` None) loses nothing: every finding is counted by
/// severity, and every weakness is counted as skipped below `--min-severity low`; `info`
/// imports them all.
#[test]
fn informational_findings_are_counted_and_skipped_not_lost() {
    let dir = workdir();
    let d = dir.path();
    let o = poam(
        d,
        &[
            "import",
            "nessus-info-only.nessus",
            "--as-of",
            "2024-06-03",
            "-o",
            "i.json",
        ],
    );
    assert_exit(&o, 0);
    assert_eq!(
        stderr(&o),
        "nessus-info-only.nessus: Nessus .nessus XML (v2), Nessus 10.7.1: 4 finding(s) (4 info) on 2 asset(s)\n\
         items: 0 new, 0 updated, 0 closed as no longer detected, 0 reopened, 0 unchanged; 2 weakness(es) below --min-severity low skipped\n\
         note: no POA&M written: no finding at or above --min-severity low, and OSCAL requires at least one POA&M item\n"
    );
    assert!(!d.join("i.json").exists());
    let o = poam(
        d,
        &[
            "import",
            "nessus-info-only.nessus",
            "--as-of",
            "2024-06-03",
            "--min-severity",
            "info",
            "-o",
            "i.json",
        ],
    );
    assert_exit(&o, 0);
    let all = items(&json(d, "i.json"));
    let assets: Vec<&[String]> = all.iter().map(|i| i.4.as_slice()).collect();
    assert_eq!(
        assets,
        [
            &[
                "10.0.0.20 (22/tcp)".to_owned(),
                "10.0.0.20 (443/tcp)".to_owned(),
                "10.0.0.21 (443/tcp)".to_owned()
            ][..],
            &["10.0.0.20".to_owned()][..],
        ],
        "plugin 11219 on three ports of two hosts, then 19506"
    );
}
