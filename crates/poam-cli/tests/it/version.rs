//! `--oscal-version` on the commands that write a POA&M (convert, merge, import) and the
//! `oscal-version` key of `poam.toml`: upgrade, downgrade, refusal with every place, nothing
//! written on refusal.

use serde_json::Value;

use crate::support::{assert_exit, fixture_dir_copy, json, poam, poam_ok, stderr, workspace_root};

fn metadata_version(doc: &Value) -> &str {
    doc["plan-of-action-and-milestones"]["metadata"]["oscal-version"]
        .as_str()
        .unwrap()
}

/// `o` exited 2 with `message` on stderr, and wrote nothing to `out`.
fn assert_refused_unwritten(o: &std::process::Output, message: &str, out: &std::path::Path) {
    assert_exit(o, 2);
    assert!(stderr(o).contains(message), "{}", stderr(o));
    assert!(!out.exists(), "{} was written", out.display());
}

/// Converts `file` to `version` over an `out.json` holding "old": exit 2, every place named,
/// their count, "nothing written", and `out.json` untouched.
fn assert_refused(dir: &std::path::Path, file: &str, version: &str, places: &[&str]) {
    std::fs::write(dir.join("out.json"), "old").unwrap();
    let o = poam(
        dir,
        &[
            "convert",
            file,
            "--oscal-version",
            version,
            "-o",
            "out.json",
        ],
    );
    assert_exit(&o, 2);
    let err = stderr(&o);
    for place in places {
        assert!(err.contains(place), "{place}\n{err}");
    }
    let count = format!(
        "cannot be written as OSCAL {version}: {} place(s)",
        places.len()
    );
    assert!(
        err.contains(&count) && err.contains("nothing written"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("out.json")).unwrap(),
        "old"
    );
}

#[test]
fn a_1_2_document_written_as_1_0_4_is_refused_with_every_place_and_nothing_written() {
    let dir = fixture_dir_copy("version");
    assert_refused(
        dir.path(),
        "new-in-1.2.json",
        "1.0.4",
        &[
            "new-in-1.2.json: /plan-of-action-and-milestones/metadata/props/0/group: OSCAL 1.0.4 has no `group`",
            "new-in-1.2.json: /plan-of-action-and-milestones/findings: OSCAL 1.0.4 has no `findings`",
            "new-in-1.2.json: /plan-of-action-and-milestones/poam-items/0/related-findings: OSCAL 1.0.4 has no `related-findings`",
            "new-in-1.2.json: /plan-of-action-and-milestones/poam-items/0/related-risks/0/remarks: OSCAL 1.0.4 has no `remarks`",
        ],
    );
    // 1.1 holds findings and prop groups, not the remark 1.2 added to related-risks.
    let o = poam(
        dir.path(),
        &[
            "convert",
            "new-in-1.2.json",
            "--oscal-version",
            "1.1.2",
            "-o",
            "out.yaml",
        ],
    );
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("1 place(s)"), "{}", stderr(&o));
    assert!(!dir.path().join("out.yaml").exists());
}

#[test]
fn a_1_0_4_document_upgrades_to_1_2_and_round_trips_back() {
    let dir = fixture_dir_copy("version");
    poam_ok(
        dir.path(),
        &[
            "convert",
            "oscal-1.0.4.json",
            "--oscal-version",
            "1.2.3",
            "-o",
            "up.yaml",
        ],
    );
    poam_ok(dir.path(), &["convert", "up.yaml", "-o", "up.json"]);
    let up = json(dir.path(), "up.json");
    assert_eq!(metadata_version(&up), "1.2.3");
    assert_eq!(
        up["$schema"],
        "http://csrc.nist.gov/ns/oscal/1.2.3/oscal-poam-schema.json"
    );
    // Back to 1.0.4 through YAML: the very document we started from.
    poam_ok(
        dir.path(),
        &[
            "convert",
            "up.yaml",
            "--oscal-version",
            "1.0.4",
            "-o",
            "back.json",
        ],
    );
    assert_eq!(
        json(dir.path(), "back.json"),
        json(dir.path(), "oscal-1.0.4.json")
    );
}

#[test]
fn without_the_flag_the_document_keeps_its_own_version() {
    let dir = fixture_dir_copy("version");
    poam_ok(
        dir.path(),
        &[
            "convert",
            "new-in-1.2.json",
            "--to",
            "xml",
            "-o",
            "same.xml",
        ],
    );
    poam_ok(dir.path(), &["convert", "same.xml", "-o", "same.json"]);
    assert_eq!(metadata_version(&json(dir.path(), "same.json")), "1.2.1");
}

#[test]
fn poam_toml_sets_the_version_and_the_flag_wins() {
    let dir = fixture_dir_copy("version");
    std::fs::write(dir.path().join("poam.toml"), "oscal-version = \"1.1.3\"\n").unwrap();
    poam_ok(dir.path(), &["convert", "oscal-1.0.4.json", "-o", "a.json"]);
    assert_eq!(metadata_version(&json(dir.path(), "a.json")), "1.1.3");
    poam_ok(
        dir.path(),
        &[
            "convert",
            "oscal-1.0.4.json",
            "--oscal-version",
            "1.2.2",
            "-o",
            "b.json",
        ],
    );
    assert_eq!(metadata_version(&json(dir.path(), "b.json")), "1.2.2");
    std::fs::write(dir.path().join("poam.toml"), "oscal-version = \"2.0\"\n").unwrap();
    let o = poam(dir.path(), &["convert", "oscal-1.0.4.json", "-o", "c.json"]);
    assert_refused_unwritten(
        &o,
        "oscal-version: \"2.0\" is not an OSCAL version poam writes",
        &dir.path().join("c.json"),
    );
}

#[test]
fn an_unknown_version_is_bad_usage() {
    let dir = fixture_dir_copy("version");
    let o = poam(
        dir.path(),
        &[
            "convert",
            "oscal-1.0.4.json",
            "--oscal-version",
            "1.1",
            "-o",
            "x.json",
        ],
    );
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains("give one of 1.0.4, 1.1.2, 1.1.3, 1.2.1, 1.2.2, 1.2.3"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_many_file_form_writes_what_fits_and_names_what_does_not() {
    let dir = fixture_dir_copy("version");
    let o = poam(
        dir.path(),
        &[
            "convert",
            "oscal-1.0.4.json",
            "new-in-1.2.json",
            "--oscal-version",
            "1.1.3",
            "--out-dir",
            "out",
        ],
    );
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains(
            "new-in-1.2.json: /plan-of-action-and-milestones/poam-items/0/related-risks/0/remarks"
        ),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        metadata_version(&json(&dir.path().join("out"), "oscal-1.0.4.json")),
        "1.1.3"
    );
    assert!(!dir.path().join("out/new-in-1.2.json").exists());
}

#[test]
fn merge_and_import_write_the_version_asked_for() {
    let root = workspace_root();
    let dir = tempfile::tempdir().unwrap();
    let fixtures = root.join("fixtures");
    let (month1, team, scan) = (
        fixtures.join("cycles/month1.json"),
        fixtures.join("cycles/month2-team.json"),
        fixtures.join("scans/month1.nessus"),
    );
    let merge = |version: &str| {
        poam(
            dir.path(),
            &[
                "merge",
                month1.to_str().unwrap(),
                team.to_str().unwrap(),
                "--as-of",
                "2024-07-01",
                "--oscal-version",
                version,
                "-o",
                "merged.json",
            ],
        )
    };
    // The fixture's asset type `os` is not in 1.0.4's closed list (which renamed it
    // `operating-system`): refused at each place, nothing written.
    let o = merge("1.0.4");
    assert_exit(&o, 2);
    let err = stderr(&o);
    assert!(
        err.contains("the merged POA&M: /plan-of-action-and-milestones/local-definitions/inventory-items/0/props/1/value: OSCAL 1.0.4's rules refuse it")
            && err.contains("\"os\" is not an allowed value: `operating-system`"),
        "{err}"
    );
    assert!(!dir.path().join("merged.json").exists());
    assert_exit(&merge("1.2.3"), 0);
    assert_eq!(metadata_version(&json(dir.path(), "merged.json")), "1.2.3");
    poam_ok(
        dir.path(),
        &[
            "import",
            scan.to_str().unwrap(),
            "--as-of",
            "2024-07-01",
            "--oscal-version",
            "1.2.3",
            "-o",
            "imported.json",
        ],
    );
    assert_eq!(
        metadata_version(&json(dir.path(), "imported.json")),
        "1.2.3"
    );
}

/// 1.1 closed lists 1.0.4 left open: the values are refused at their places, with what the
/// target allows, and nothing is written.
#[test]
fn a_value_a_closed_list_of_the_target_refuses_is_refused_and_nothing_written() {
    let dir = fixture_dir_copy("version");
    assert_refused(
        dir.path(),
        "closed-list-1.0.4.json",
        "1.2.3",
        &[
            "closed-list-1.0.4.json: /plan-of-action-and-milestones/risks/0/characterizations/0/origin/actors/0/props/0/name: OSCAL 1.2.3's rules refuse it, where the document's own version did not (rule oscal-allowed-values): \"plugin-id\" is not an allowed value: `marking`",
            "closed-list-1.0.4.json: /plan-of-action-and-milestones/back-matter/resources/0/props/0/value: OSCAL 1.2.3's rules refuse it, where the document's own version did not (rule oscal-allowed-values): \"fedramp-citations\" is not an allowed value: `logo`",
        ],
    );
    // Its own version holds it.
    poam_ok(
        dir.path(),
        &[
            "convert",
            "closed-list-1.0.4.json",
            "--oscal-version",
            "1.0.4",
            "-o",
            "same.json",
        ],
    );
}

/// What the target's rules only warn about (a warning-level pattern, an open list) is
/// written, and the warning is printed with its place.
#[test]
fn a_value_the_target_only_warns_about_is_written_with_the_warning() {
    let dir = fixture_dir_copy("version");
    let o = poam(
        dir.path(),
        &[
            "convert",
            "open-list-1.0.4.json",
            "--oscal-version",
            "1.2.3",
            "-o",
            "up.json",
        ],
    );
    assert_exit(&o, 0);
    let err = stderr(&o);
    assert!(
        err.contains("warning: open-list-1.0.4.json: /plan-of-action-and-milestones/metadata/parties/0/telephone-numbers/0: under OSCAL 1.2.3's rules (oscal-matches): \"202-555-0100\" does not match"),
        "{err}"
    );
    assert_eq!(err.matches("warning:").count(), 1, "{err}");
    assert_eq!(metadata_version(&json(dir.path(), "up.json")), "1.2.3");
}

/// Datatypes follow the document's own version: 1.0.4's base64 `filename` is a
/// uri-reference, so a path reads, converts and validates; written as 1.2.3 (a token) it is
/// refused at its place.
#[test]
fn a_1_0_4_filename_path_reads_as_1_0_4_and_is_refused_as_1_2() {
    let dir = fixture_dir_copy("version");
    let o = poam(dir.path(), &["validate", "filename-path-1.0.4.json"]);
    assert_exit(&o, 0);
    poam_ok(
        dir.path(),
        &["convert", "filename-path-1.0.4.json", "-o", "same.xml"],
    );
    assert_exit(&poam(dir.path(), &["validate", "same.xml"]), 0);
    let o = poam(
        dir.path(),
        &[
            "convert",
            "same.xml",
            "--oscal-version",
            "1.2.3",
            "-o",
            "up.json",
        ],
    );
    assert_refused_unwritten(
        &o,
        "same.xml: /plan-of-action-and-milestones/back-matter/resources/0/base64/filename: \"scans/2024-06/lb.nessus\" is not a token as OSCAL 1.2.3 requires",
        &dir.path().join("up.json"),
    );
}

/// 1.1's markup-line is any string: an empty title validates and converts as 1.1, and is
/// refused as 1.2 (one non-empty line).
#[test]
fn an_empty_title_is_valid_in_1_1_and_refused_as_1_2() {
    let dir = fixture_dir_copy("version");
    assert_exit(
        &poam(dir.path(), &["validate", "empty-title-1.1.3.json"]),
        0,
    );
    let o = poam(
        dir.path(),
        &[
            "convert",
            "empty-title-1.1.3.json",
            "--oscal-version",
            "1.2.3",
            "-o",
            "up.json",
        ],
    );
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains(
            "/plan-of-action-and-milestones/poam-items/0/title: this markup-line is empty"
        ),
        "{}",
        stderr(&o)
    );
    poam_ok(
        dir.path(),
        &[
            "convert",
            "empty-title-1.1.3.json",
            "--oscal-version",
            "1.1.2",
            "-o",
            "same.yaml",
        ],
    );
}
