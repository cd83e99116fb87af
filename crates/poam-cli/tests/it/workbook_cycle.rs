//! Next month's workbook edits merged into a POA&M linked to its SSP (issue 16's noisy
//! diff): the workbook cannot hold uuids for its Point of Contact and detector tools, so
//! reading it gives parties and components of its own; `poam merge` makes them BASE's, and
//! `poam diff` of the two months shows the edits, not the workbook's round trip.

use std::path::Path;

use serde_json::Value;

use crate::support::{poam_ok, scratch_with, stdout};

/// June as the README's walk-through makes it: the workbook converted with `poam.toml`
/// (linked to the SSP), then the scans' recommendations imported into it.
fn june(dir: &Path) {
    poam_ok(dir, &["convert", "june.xlsx", "-o", "june.json"]);
    poam_ok(dir, crate::support::IMPORT_JUNE_SCANS);
}

/// The provider's July workbook: June's, with one remediation plan rewritten.
fn july_workbook(dir: &Path) {
    let mut doc: Value =
        serde_json::from_slice(&std::fs::read(dir.join("june.json")).unwrap()).unwrap();
    let plan = doc["plan-of-action-and-milestones"]["risks"][0]["remediations"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| r["lifecycle"] == "planned")
        .unwrap();
    plan["description"] = Value::from("Apply MS17-010 to every Windows host, then rescan.");
    std::fs::write(dir.join("edited.json"), doc.to_string()).unwrap();
    poam_ok(dir, &["convert", "edited.json", "-o", "july-edits.xlsx"]);
}

#[test]
fn workbook_edits_merged_into_a_linked_poam_diff_as_the_edits_alone() {
    let dir = scratch_with(&[
        ("submission/june.xlsx", "june.xlsx"),
        ("submission/poam.toml", "poam.toml"),
        ("ssp/ssp.json", "ssp.json"),
        ("scans/month1.nessus", "month1.nessus"),
        ("scans/trivy-image.json", "trivy-image.json"),
    ]);
    let d = dir.path();
    june(d);
    july_workbook(d);
    poam_ok(
        d,
        &[
            "merge",
            "june.json",
            "july-edits.xlsx",
            "--as-of",
            "2024-07-01",
            "-o",
            "july.json",
        ],
    );
    let o = crate::support::poam(d, &["diff", "june.json", "july.json"]);
    let diff = stdout(&o);
    assert!(
        diff.contains("Apply MS17-010 to every Windows host, then rescan."),
        "{diff}"
    );
    assert!(diff.contains("1 changed, 0 removed, 7 unchanged"), "{diff}");
    for noise in [
        "\"Status Update\"",
        "\"Milestone change\"",
        "party added",
        "component added",
        "origins",
        "facet",
        "original impact",
        "original risk rating",
    ] {
        assert!(!diff.contains(noise), "{noise}:\n{diff}");
    }
}
