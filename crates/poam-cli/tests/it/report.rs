//! `poam report` end to end through the binary: the bundled fixtures (`fixtures/report/`) in
//! every format, OSCAL and workbook inputs, and bad input (exit 2, nothing written).

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{assert_exit, poam, stderr, stdout, workspace_root};

fn fixtures() -> PathBuf {
    workspace_root().join("fixtures/report")
}

const CYCLES: [&str; 3] = ["2024-06.json", "2024-07.json", "2024-08.json"];

fn report_json(dir: &Path, inputs: &[&str]) -> Value {
    let mut args = vec!["report", "--format", "json"];
    args.extend(inputs);
    let o = poam(dir, &args);
    assert_exit(&o, 0);
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn three_cycles_in_every_format() {
    let dir = fixtures();
    let v = report_json(&dir, &CYCLES);
    assert_eq!(v["schema"], "poam-report/1");
    assert_eq!(v["as-of"], "2024-08-01");
    assert_eq!(v["headline"]["open"]["total"], 9);
    assert_eq!(v["cycles"][0]["source"], "2024-06.json");
    let o = poam(
        &dir,
        &[
            "report",
            "--format",
            "markdown",
            "2024-08.json",
            "2024-07.json",
        ],
    );
    assert_exit(&o, 0);
    let md = stdout(&o);
    assert!(md.contains("| Open items | 9 |"), "{md}");
    assert!(md.contains("## Changes since the previous cycle"), "{md}");
}

#[test]
fn output_file_and_as_of() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("report.json");
    let inputs: Vec<String> = CYCLES
        .iter()
        .map(|c| fixtures().join(c).display().to_string())
        .collect();
    let mut args = vec![
        "report",
        "--format",
        "json",
        "--as-of",
        "2024-09-15",
        "--title",
    ];
    args.push("September");
    args.extend(inputs.iter().map(String::as_str));
    args.extend(["-o", out.to_str().unwrap()]);
    let o = poam(tmp.path(), &args);
    assert_exit(&o, 0);
    assert!(o.stdout.is_empty());
    let v: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(v["as-of"], "2024-09-15");
    assert_eq!(v["title"], "September");
    // Cycles are named by their file names, not the paths of the machine that made it.
    assert_eq!(v["cycles"][2]["source"], "2024-08.json");
}

/// A workbook gives the same picture as the OSCAL it was written from.
#[test]
fn workbook_input() {
    let tmp = tempfile::tempdir().unwrap();
    let json = fixtures().join("2024-08.json");
    let xlsx = tmp.path().join("2024-08.xlsx");
    let o = poam(
        tmp.path(),
        &[
            "convert",
            json.to_str().unwrap(),
            "-o",
            xlsx.to_str().unwrap(),
        ],
    );
    assert_exit(&o, 0);
    let from_oscal = report_json(tmp.path(), &[json.to_str().unwrap()]);
    let from_workbook = report_json(tmp.path(), &["2024-08.xlsx"]);
    for key in ["open", "overdue", "due-30-days", "deviations-pending"] {
        assert_eq!(
            from_oscal["headline"][key]["total"], from_workbook["headline"][key]["total"],
            "{key}"
        );
    }
    assert_eq!(from_oscal["overdue"], from_workbook["overdue"]);
}

#[test]
fn bad_input_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("report.html");
    let bad = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/bad/malformed.json");
    let good = fixtures().join("2024-08.json");
    let o = poam(
        tmp.path(),
        &[
            "report",
            good.to_str().unwrap(),
            bad.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_exit(&o, 2);
    let err = stderr(&o);
    assert!(err.contains("malformed.json:6:7"), "{err}");
    assert!(err.contains("no report written"), "{err}");
    assert!(!out.exists());
    // A bad date and two standard inputs are usage errors.
    assert_exit(
        &poam(tmp.path(), &["report", "--as-of", "August", "x.json"]),
        2,
    );
    assert_exit(&poam(tmp.path(), &["report", "-", "-"]), 2);
}
