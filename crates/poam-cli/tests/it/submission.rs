//! From workbook to FedRAMP submission, end to end (README, "From workbook to FedRAMP
//! submission"): the provider's 2024 workbook (`fixtures/submission/june.xlsx`), its SSP
//! (`fixtures/ssp/ssp.json`), a Nessus and a Trivy scan, and the project file
//! (`fixtures/submission/poam.toml`) -> `convert` -> `import --into` -> `validate --profile
//! fedramp --ssp` clean; next month's scan -> `import --into --complete` -> still clean, and
//! `poam diff` of the two months says what happened.

use std::path::Path;

use serde_json::Value;

use crate::support::{poam, poam_ok, scratch_with, stderr, stdout};

/// Runs a step of the walk-through; its messages (standard error) when it succeeded.
#[track_caller]
fn ok(dir: &Path, args: &[&str]) -> String {
    stderr(&poam_ok(dir, args))
}

/// The README's scratch directory: the bundled fixtures side by side.
fn workdir() -> tempfile::TempDir {
    scratch_with(&[
        ("submission/june.xlsx", "june.xlsx"),
        ("submission/poam.toml", "poam.toml"),
        ("ssp/ssp.json", "ssp.json"),
        ("scans/month1.nessus", "month1.nessus"),
        ("scans/month2.nessus", "month2.nessus"),
        ("scans/trivy-image.json", "trivy-image.json"),
    ])
}

#[track_caller]
fn assert_clean(dir: &Path, file: &str, as_of: &str) {
    let o = poam(
        dir,
        &[
            "validate",
            file,
            "--profile",
            "fedramp",
            "--ssp",
            "ssp.json",
            "--as-of",
            as_of,
            "--format",
            "json",
        ],
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let errors: Vec<&Value> = v[0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert!(errors.is_empty(), "{file}: {errors:#?}");
    assert_eq!(o.status.code(), Some(0));
}

fn items(dir: &Path, file: &str) -> usize {
    let v: Value = serde_json::from_slice(&std::fs::read(dir.join(file)).unwrap()).unwrap();
    v["plan-of-action-and-milestones"]["poam-items"]
        .as_array()
        .unwrap()
        .len()
}

#[test]
fn from_workbook_to_a_clean_fedramp_submission_month_after_month() {
    let dir = workdir();
    let d = dir.path();

    // June: the workbook converts and links; it lacks only the scanners' recommendations.
    let err = ok(d, &["convert", "june.xlsx", "-o", "june.json"]);
    assert!(
        err.contains("fedramp: fedramp-risk-recommendation fails on 8 item(s)"),
        "{err}"
    );
    assert!(
        err.contains("fedramp: the output fails 1 FedRAMP rule(s)"),
        "{err}"
    );
    assert_eq!(items(d, "june.json"), 8);

    // The scans it came from supply them: the same eight items, no second copy.
    let err = ok(d, crate::support::IMPORT_JUNE_SCANS);
    assert!(err.contains("items: 0 new, 8 updated"), "{err}");
    assert!(
        err.contains("fedramp: the output passes FedRAMP's POA&M rules"),
        "{err}"
    );
    assert_eq!(items(d, "june.json"), 8);
    assert_clean(d, "june.json", "2024-06-04");

    // July: the next scan, complete: MS17-010 is fixed, Log4Shell is new, SWEET32 is gone
    // from web01 but not db01.
    let err = ok(
        d,
        &[
            "import",
            "month2.nessus",
            "--into",
            "june.json",
            "--complete",
            "--as-of",
            "2024-07-01",
            "-o",
            "july.json",
        ],
    );
    assert!(
        err.contains(
            "items: 1 new, 1 updated, 1 closed as no longer detected, 0 reopened, 6 unchanged"
        ),
        "{err}"
    );
    assert_clean(d, "july.json", "2024-07-02");

    assert_june_to_july_diff(d);

    // The same scan again changes nothing.
    ok(
        d,
        &[
            "import",
            "month2.nessus",
            "--into",
            "july.json",
            "--complete",
            "--as-of",
            "2024-07-01",
            "-o",
            "july-again.json",
        ],
    );
    assert_eq!(
        poam(d, &["diff", "july.json", "july-again.json"])
            .status
            .code(),
        Some(0)
    );
}

/// `poam diff` of the two months: 1 new (Log4Shell), 1 closed (MS17-010), 1 changed
/// (SWEET32 gone from web01), 6 unchanged.
fn assert_june_to_july_diff(d: &Path) {
    let o = poam(d, &["diff", "june.json", "july.json", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let diff: Value = serde_json::from_slice(&o.stdout).unwrap();
    let ids = |class: &str| -> Vec<String> {
        diff["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["class"] == class)
            .map(|i| {
                let side = if class == "new" { &i["new"] } else { &i["old"] };
                side["poam-id"].as_str().unwrap_or_default().to_owned()
            })
            .collect()
    };
    assert_eq!(diff["summary"]["unchanged"], 6, "{diff:#}");
    assert_eq!(ids("new"), ["V-0009"], "{diff:#}");
    assert_eq!(ids("closed"), ["V-0001"], "{diff:#}");
    assert_eq!(ids("changed"), ["V-0005"], "{diff:#}");
    assert_eq!(ids("reopened"), Vec::<String>::new());
    let human = stdout(&poam(d, &["diff", "june.json", "july.json"]));
    assert!(
        human.contains("Apache Log4j 2.x < 2.16.0 RCE (Log4Shell)"),
        "{human}"
    );
    assert!(
        human.contains("asset removed: \"web01.example.com (443/tcp)\""),
        "{human}"
    );
}
