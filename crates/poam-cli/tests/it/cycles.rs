//! Review cycles end to end through the `poam` binary: three months of a POA&M
//! (`fixtures/cycles/`), merged and compared, plus every bad-input class of `poam merge`.
//!
//! Month 1 is the POA&M as submitted. Month 2 brings a team's edited copy (a fix, a milestone
//! change, a vendor check-in, a deviation request) and a scanner's new findings. Month 3
//! brings the scanner's complete list (one old weakness back, one gone) and a team's partial
//! update (another check-in, a new milestone).

use std::path::Path;

use serde_json::Value;

use crate::support::{assert_exit, fixture_dir_copy, poam, poam_ok, stderr, stdout};

/// A scratch directory holding a copy of the cycle fixtures.
fn workdir() -> tempfile::TempDir {
    fixture_dir_copy("cycles")
}

const MONTH2: &[&str] = &[
    "merge",
    "month1.json",
    "month2-team.json",
    "month2-scan.json",
    "--as-of",
    "2024-07-01",
    "-o",
    "month2.json",
];

const MONTH3: &[&str] = &[
    "merge",
    "month2.json",
    "month3-scan.json",
    "month3-team.json",
    "--complete",
    "--as-of",
    "2024-08-01",
    "-o",
    "month3.json",
];

fn summary(dir: &Path, old: &str, new: &str) -> Value {
    let o = poam(dir, &["diff", old, new, "--format", "json"]);
    assert_exit(&o, 1);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["schema"], "poam-diff/1");
    v["summary"].clone()
}

fn counts(s: &Value) -> [u64; 7] {
    [
        "new",
        "closed",
        "reopened",
        "changed",
        "unchanged",
        "removed",
        "ambiguous",
    ]
    .map(|k| s[k].as_u64().unwrap())
}

#[test]
fn three_months_of_review_cycles() {
    let dir = workdir();
    let d = dir.path();

    // Month 2: the team's edits and the scanner's new findings.
    let o = poam(d, MONTH2);
    assert_exit(&o, 0);
    assert!(o.stdout.is_empty(), "the document goes to the file");
    insta::assert_snapshot!("month2_merge_summary", stderr(&o));
    let month2 = std::fs::read_to_string(d.join("month2.json")).unwrap();
    insta::assert_snapshot!("month2_merged", month2);
    //                          new closed reopened changed unchanged removed ambiguous
    assert_eq!(
        counts(&summary(d, "month1.json", "month2.json")),
        [2, 1, 0, 3, 1, 0, 0]
    );

    for (format, name) in [
        ("human", "month2_diff_human"),
        ("markdown", "month2_diff_markdown"),
        ("json", "month2_diff_json"),
    ] {
        let o = poam(
            d,
            &["diff", "month1.json", "month2.json", "--format", format],
        );
        assert_exit(&o, 1);
        assert!(o.stderr.is_empty(), "{}", stderr(&o));
        insta::assert_snapshot!(name, stdout(&o));
    }

    // Month 3: the scanner's complete list and the identity team's items.
    let o = poam(d, MONTH3);
    assert_exit(&o, 0);
    insta::assert_snapshot!("month3_merge_summary", stderr(&o));
    let month3 = std::fs::read_to_string(d.join("month3.json")).unwrap();
    insta::assert_snapshot!("month3_merged", month3);
    assert_eq!(
        counts(&summary(d, "month2.json", "month3.json")),
        [0, 1, 1, 1, 4, 0, 0]
    );
    let o = poam(d, &["diff", "month2.json", "month3.json"]);
    assert_exit(&o, 1);
    insta::assert_snapshot!("month3_diff_human", stdout(&o));

    // The merged documents read back, and nothing of month 1 is lost by month 3.
    assert_eq!(counts(&summary(d, "month1.json", "month3.json"))[5], 0);
    // And they are valid OSCAL.
    for f in ["month2.json", "month3.json"] {
        let o = poam(d, &["validate", f]);
        assert_exit(&o, 0);
    }
}

/// Copies `update` (a JSON fixture) into `target` as the workbook a scanner or a team would
/// send: the system's name in the header (BASE's title) and every host and tool it names
/// defined (from `defs`), since a workbook names assets rather than referring to BASE's.
fn workbook_source(dir: &Path, update: &str, defs: &str, target: &str) {
    let read = |f: &str| -> Value {
        serde_json::from_slice(&std::fs::read(dir.join(f)).unwrap()).unwrap()
    };
    let (mut doc, defs) = (read(update), read(defs));
    let (p, d) = (
        &mut doc["plan-of-action-and-milestones"],
        &defs["plan-of-action-and-milestones"],
    );
    p["metadata"]["title"] = d["metadata"]["title"].clone();
    for kind in ["components", "inventory-items"] {
        let mut list = p["local-definitions"][kind]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for x in d["local-definitions"][kind].as_array().unwrap() {
            if !list.iter().any(|y| y["uuid"] == x["uuid"]) {
                list.push(x.clone());
            }
        }
        p["local-definitions"][kind] = Value::Array(list);
    }
    std::fs::write(dir.join(target), serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
}

fn to_workbook(dir: &Path, json: &str, xlsx: &str) {
    let o = poam(dir, &["convert", json, "-o", xlsx]);
    assert_exit(&o, 0);
    assert!(
        std::fs::read(dir.join(xlsx)).unwrap().starts_with(b"PK"),
        "{xlsx} is a workbook"
    );
}

/// The common case: a workbook in, a workbook out. Month 1 is converted to a workbook here
/// (no reference workbook is copied); the updates are the same fixtures as workbooks.
#[test]
fn three_months_through_workbooks() {
    let dir = workdir();
    let d = dir.path();
    to_workbook(d, "month1.json", "month1.xlsx");
    to_workbook(d, "month2-team.json", "month2-team.xlsx");
    workbook_source(d, "month2-scan.json", "month1.json", "month2-scan-wb.json");
    to_workbook(d, "month2-scan-wb.json", "month2-scan.xlsx");

    month2_through_workbooks(d);
    month3_through_workbooks(d);
}

/// Month 2: workbook BASE, workbook updates, workbook out.
fn month2_through_workbooks(d: &Path) {
    let o = poam(
        d,
        &[
            "merge",
            "month1.xlsx",
            "month2-team.xlsx",
            "month2-scan.xlsx",
            "--as-of",
            "2024-07-01",
            "-o",
            "month2.xlsx",
        ],
    );
    assert_exit(&o, 0);
    assert!(
        stderr(&o).contains("2 new (V-0006, V-0007), 1 closed (V-0001), 0 reopened, 3 changed (V-0002, V-0004, V-0005), 0 no longer detected, 1 unchanged"),
        "{}",
        stderr(&o)
    );
    // The scanner's rows have no POAM ID: the workbook reader says so, naming the cells.
    assert!(
        stderr(&o).contains("warning: month2-scan.xlsx: 'Open POA&M Items'!A"),
        "{}",
        stderr(&o)
    );
    assert!(
        std::fs::read(d.join("month2.xlsx"))
            .unwrap()
            .starts_with(b"PK")
    );
    //                          new closed reopened changed unchanged removed ambiguous
    assert_eq!(
        counts(&summary(d, "month1.xlsx", "month2.xlsx")),
        [2, 1, 0, 3, 1, 0, 0]
    );
    let o = poam(
        d,
        &["diff", "month1.xlsx", "month2.xlsx", "--format", "markdown"],
    );
    assert_exit(&o, 1);
    insta::assert_snapshot!("workbook_month2_diff_markdown", stdout(&o));

    // The closed item moved to the workbook's closed sheet, the new ones have POAM IDs.
    let o = poam(d, &["convert", "month2.xlsx", "-o", "month2-back.json"]);
    assert_exit(&o, 0);
    let back: Value =
        serde_json::from_slice(&std::fs::read(d.join("month2-back.json")).unwrap()).unwrap();
    let risks = back["plan-of-action-and-milestones"]["risks"]
        .as_array()
        .unwrap();
    let status =
        |title: &str| risks.iter().find(|r| r["title"] == title).unwrap()["status"].clone();
    assert_eq!(status("Outdated OpenSSL"), "closed");
    assert_eq!(status("Apache HTTP Server outdated"), "open");
}

/// Month 3: the scanner's complete list and the identity team's item, as workbooks
/// naming the hosts month 2 knows.
fn month3_through_workbooks(d: &Path) {
    poam_ok(d, MONTH2);
    workbook_source(d, "month3-scan.json", "month2.json", "month3-scan-wb.json");
    to_workbook(d, "month3-scan-wb.json", "month3-scan.xlsx");
    workbook_source(d, "month3-team.json", "month2.json", "month3-team-wb.json");
    to_workbook(d, "month3-team-wb.json", "month3-team.xlsx");
    let o = poam(
        d,
        &[
            "merge",
            "month2.xlsx",
            "month3-scan.xlsx",
            "month3-team.xlsx",
            "--complete",
            "--as-of",
            "2024-08-01",
            "-o",
            "month3.xlsx",
        ],
    );
    assert_exit(&o, 0);
    assert!(
        stderr(&o).contains("0 new, 0 closed, 1 reopened (V-0003), 4 changed (V-0002, V-0004, V-0005, V-0006), 1 no longer detected (V-0007), 1 unchanged"),
        "{}",
        stderr(&o)
    );
    // Through workbooks the scanner's rows (no POAM ID, uuids of their own) still find their
    // items, by weakness identifier and host name. V-0002, V-0005 and V-0006 count as changed
    // here, unlike in OSCAL: the scanner's workbook rows carry no risk rating, so their
    // weakness identifier comes in on the observation's origin, which BASE's rows lack.
    assert_eq!(
        counts(&summary(d, "month2.xlsx", "month3.xlsx")),
        [0, 1, 1, 4, 1, 0, 0]
    );
    let o = poam(d, &["diff", "month2.xlsx", "month3.xlsx"]);
    assert_exit(&o, 1);
    insta::assert_snapshot!("workbook_month3_diff_human", stdout(&o));
    assert_eq!(
        counts(&summary(d, "month1.xlsx", "month3.xlsx"))[5],
        0,
        "nothing of month 1 is lost"
    );
    poam_ok(d, &["validate", "month3.xlsx"]);
}

/// Without -o, a merge's output has BASE's format: a workbook BASE gives a workbook; --to and
/// -o's extension still choose.
#[test]
fn a_merge_writes_in_base_format_unless_told() {
    let dir = workdir();
    let d = dir.path();
    to_workbook(d, "month1.json", "month1.xlsx");
    to_workbook(d, "month2-team.json", "month2-team.xlsx");
    let o = poam(
        d,
        &[
            "merge",
            "month1.xlsx",
            "month2-team.xlsx",
            "--as-of",
            "2024-07-01",
        ],
    );
    assert_exit(&o, 0);
    assert!(o.stdout.starts_with(b"PK"));
    // --to and the extension still choose.
    let o = poam(
        d,
        &[
            "merge",
            "month1.xlsx",
            "month2-team.xlsx",
            "--as-of",
            "2024-07-01",
            "--to",
            "json",
        ],
    );
    assert_exit(&o, 0);
    assert!(o.stdout.starts_with(b"{"));
    let o = poam(
        d,
        &[
            "merge",
            "month1.json",
            "month2-team.json",
            "--as-of",
            "2024-07-01",
            "-o",
            "from-json.xlsx",
        ],
    );
    assert_exit(&o, 0);
    assert!(
        std::fs::read(d.join("from-json.xlsx"))
            .unwrap()
            .starts_with(b"PK")
    );
}

/// A workbook that is not one stops the merge like any unreadable update.
#[test]
fn a_broken_workbook_update_stops_the_merge() {
    let dir = workdir();
    let d = dir.path();
    std::fs::write(d.join("broken.xlsx"), b"PK\x03\x04 not really a zip").unwrap();
    let err = refused(
        d,
        &[
            "merge",
            "month1.json",
            "month2-team.json",
            "broken.xlsx",
            "--as-of",
            "2024-07-01",
        ],
        2,
    );
    assert!(err.contains("broken.xlsx"), "{err}");
    assert!(err.contains("nothing merged"), "{err}");
}

#[test]
fn merging_again_in_the_same_cycle_changes_nothing() {
    let dir = workdir();
    let d = dir.path();
    poam_ok(d, MONTH2);
    let first = std::fs::read(d.join("month2.json")).unwrap();
    let o = poam(
        d,
        &[
            "merge",
            "month2.json",
            "month2-team.json",
            "month2-scan.json",
            "--as-of",
            "2024-07-01",
            "-o",
            "again.json",
        ],
    );
    assert_exit(&o, 0);
    assert!(
        stderr(&o).contains("0 new, 0 closed, 0 reopened, 0 changed"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(d.join("again.json")).unwrap(), first);
    // And the same inputs give the same bytes.
    // MONTH2 ends with `-o month2.json`: the same arguments, another output file.
    let o = poam(
        d,
        &[&MONTH2[..MONTH2.len() - 1], &["month2-bis.json"]].concat(),
    );
    assert_exit(&o, 0);
    assert_eq!(std::fs::read(d.join("month2-bis.json")).unwrap(), first);
}

#[test]
fn diff_of_a_document_with_itself_is_empty() {
    let dir = workdir();
    let o = poam(dir.path(), &["diff", "month1.json", "month1.json"]);
    assert_exit(&o, 0);
    assert!(
        stdout(&o).contains(
            "0 new, 0 closed, 0 reopened, 0 changed, 0 removed, 5 unchanged, 0 ambiguous"
        )
    );
}

#[test]
fn merge_to_yaml_on_stdout_and_diff_across_formats() {
    let dir = workdir();
    let d = dir.path();
    let o = poam(
        d,
        &[
            "merge",
            "month1.json",
            "month2-team.json",
            "--as-of",
            "2024-07-01",
            "--to",
            "yaml",
        ],
    );
    assert_exit(&o, 0);
    std::fs::write(d.join("month2.yaml"), &o.stdout).unwrap();
    assert_eq!(
        counts(&summary(d, "month1.json", "month2.yaml")),
        [0, 1, 0, 3, 1, 0, 0]
    );
}

#[test]
fn as_of_defaults_to_today() {
    let dir = workdir();
    let today = || {
        chrono::Utc::now()
            .date_naive()
            .format("%Y-%m-%d")
            .to_string()
    };
    let before = today();
    let o = poam(dir.path(), &["merge", "month1.json", "month2-team.json"]);
    let after = today();
    assert_exit(&o, 0);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let m = &v["plan-of-action-and-milestones"]["metadata"];
    let day = m["last-modified"].as_str().unwrap()[..10].to_owned();
    assert!(day == before || day == after, "{day}");
    assert_eq!(m["revisions"][0]["title"], format!("Review cycle {day}"));
}

/// A failed merge leaves no output file behind.
#[track_caller]
fn refused(d: &Path, args: &[&str], code: i32) -> String {
    let out = d.join("out.json");
    let _ = std::fs::remove_file(&out);
    let o = poam(d, &[args, &["-o", "out.json"]].concat());
    assert_exit(&o, code);
    assert!(
        !out.exists(),
        "nothing is written when the merge is refused"
    );
    assert!(o.stdout.is_empty());
    stderr(&o)
}

#[test]
fn conflicting_updates_write_nothing_unless_a_preference_is_given() {
    let dir = workdir();
    let d = dir.path();
    let args = [
        "merge",
        "month1.json",
        "bad/conflict-a.json",
        "bad/conflict-b.json",
        "--as-of",
        "2024-07-01",
    ];
    insta::assert_snapshot!("conflict", refused(d, &args, 1));
    for (prefer, deadline) in [
        ("first", "2024-09-30T00:00:00Z"),
        ("last", "2024-10-31T00:00:00Z"),
    ] {
        let o = poam(
            d,
            &[&args[..], &["--prefer", prefer, "-o", "out.json"]].concat(),
        );
        assert_exit(&o, 0);
        assert!(
            stderr(&o).contains("note: conflict decided by --prefer"),
            "{}",
            stderr(&o)
        );
        let v: Value = serde_json::from_slice(&std::fs::read(d.join("out.json")).unwrap()).unwrap();
        let risks = v["plan-of-action-and-milestones"]["risks"]
            .as_array()
            .unwrap();
        let tls = risks
            .iter()
            .find(|r| r["title"] == "TLS 1.0 enabled")
            .unwrap();
        assert_eq!(tls["deadline"], deadline, "--prefer {prefer}");
    }
}

#[test]
fn updates_about_another_system_are_refused_unless_forced() {
    let dir = workdir();
    let d = dir.path();
    let args = [
        "merge",
        "month1.json",
        "bad/other-system.json",
        "--as-of",
        "2024-07-01",
    ];
    insta::assert_snapshot!("other_system", refused(d, &args, 2));
    let o = poam(d, &[&args[..], &["--force", "-o", "out.json"]].concat());
    assert_exit(&o, 0);
}

#[test]
fn bad_updates_stop_the_merge() {
    let dir = workdir();
    let d = dir.path();
    let err = refused(
        d,
        &[
            "merge",
            "month1.json",
            "month2-team.json",
            "bad/not-a-poam.json",
        ],
        2,
    );
    insta::assert_snapshot!("not_a_poam", err);
    let err = refused(d, &["merge", "month1.json", "bad/truncated.json"], 2);
    insta::assert_snapshot!("truncated", err);
    let err = refused(d, &["merge", "month1.json", "missing.json"], 2);
    assert!(err.contains("missing.json"), "{err}");
    let err = refused(
        d,
        &[
            "merge",
            "month1.json",
            "month2-team.json",
            "--as-of",
            "2024-13-01",
        ],
        2,
    );
    assert!(err.contains("--as-of"), "{err}");
    let err = refused(d, &["merge", "month1.json", "bad/ambiguous.json"], 1);
    insta::assert_snapshot!("ambiguous", err);
    let err = refused(d, &["merge", "-", "-"], 2);
    assert!(err.contains("standard input"), "{err}");
}

#[test]
fn diff_of_unreadable_input_is_trouble() {
    let dir = workdir();
    let o = poam(dir.path(), &["diff", "month1.json", "bad/truncated.json"]);
    assert_exit(&o, 2);
    assert!(o.stdout.is_empty());
    assert!(stderr(&o).contains("bad/truncated.json:"), "{}", stderr(&o));
}

/// `month1.json` with `edit` applied to its `plan-of-action-and-milestones`, written as `name`.
fn month1_edited(dir: &Path, name: &str, edit: impl FnOnce(&mut Value)) {
    let mut v: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("month1.json")).unwrap()).unwrap();
    edit(&mut v["plan-of-action-and-milestones"]);
    std::fs::write(dir.join(name), serde_json::to_string_pretty(&v).unwrap()).unwrap();
}

/// The human report's lines that mention `text`.
fn lines_with(report: &str, text: &str) -> Vec<String> {
    report
        .lines()
        .filter(|l| l.contains(text))
        .map(|l| l.trim().to_owned())
        .collect()
}

#[test]
fn diff_compares_date_times_as_instants() {
    let dir = workdir();
    let d = dir.path();
    // The XML copy of month 1, and a JSON copy whose tool wrote the same instants otherwise.
    poam_ok(d, &["convert", "month1.json", "-o", "month1.xml"]);
    let json = std::fs::read_to_string(d.join("month1.json")).unwrap();
    let mut n = 0;
    let respelled: String = json
        .split("T00:00:00Z\"")
        .map(std::borrow::ToOwned::to_owned)
        .reduce(|acc, piece| {
            n += 1;
            let spelling = ["T00:00:00+00:00\"", "T00:00:00.000Z\"", "T00:00:00-00:00\""][n % 3];
            acc + spelling + &piece
        })
        .unwrap();
    assert!(n > 10, "the fixture has date-times to respell");
    // And one at another offset: 2024-06-01T00:00:00Z, the detection date of V-0001.
    let at = respelled
        .find("\"collected\": \"2024-06-01T00:00:00")
        .unwrap()
        + 14;
    let end = at + respelled[at..].find('"').unwrap();
    let respelled = format!(
        "{}2024-05-31T20:00:00-04:00{}",
        &respelled[..at],
        &respelled[end..]
    );
    std::fs::write(d.join("month1-respelled.json"), respelled).unwrap();
    for (old, new) in [
        ("month1.json", "month1-respelled.json"),
        ("month1-respelled.json", "month1.xml"),
        ("month1.xml", "month1-respelled.json"),
    ] {
        let o = poam(d, &["diff", old, new]);
        assert_exit(&o, 0);
    }
    // A real change of instant is still one.
    month1_edited(d, "month1-later.json", |p| {
        p["risks"][1]["deadline"] = "2024-08-30T00:00:01Z".into();
    });
    let o = poam(d, &["diff", "month1-respelled.json", "month1-later.json"]);
    assert_exit(&o, 1);
    assert!(
        stdout(&o).contains("deadline changed: 2024-08-30"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn diff_shows_the_changed_words_of_a_long_text() {
    let dir = workdir();
    let d = dir.path();
    let text = "Budget and technical staff are needed to replace the load balancer, which is a part of the shared network that three systems use; the work is planned with the network team.";
    month1_edited(d, "old.json", |p| {
        p["risks"][1]["description"] = text.into();
    });
    month1_edited(d, "new.json", |p| {
        p["risks"][1]["description"] = text.replace("three systems", "four systems").into();
    });
    let o = poam(d, &["diff", "old.json", "new.json"]);
    assert_exit(&o, 1);
    let report = stdout(&o);
    let lines = lines_with(&report, "weakness description edited");
    assert_eq!(lines.len(), 1, "{report}");
    assert!(
        lines[0].contains("three systems") && lines[0].contains("four systems"),
        "{}",
        lines[0]
    );
    let o = poam(d, &["diff", "old.json", "new.json", "--format", "markdown"]);
    assert!(stdout(&o).contains("four systems"), "{}", stdout(&o));
}

/// Titles are shown as their text: `a < b`, never the Markdown source `a \< b` (which the
/// Markdown report would escape a second time).
#[test]
fn diff_shows_titles_as_text_not_markdown_source() {
    let dir = workdir();
    let d = dir.path();
    // In OSCAL JSON the title is Markdown: `\<` there is a literal `<`.
    let weakness = "Apache HTTP Server \\< 2.4.50 *Multiple* Vulnerabilities";
    month1_edited(d, "old.json", |p| {
        p["risks"][0]["title"] = weakness.into();
        p["risks"][0]["remediations"][1]["title"] = "Patch versions \\<= 2.4.49".into();
    });
    month1_edited(d, "new.json", |p| {
        p["risks"][0]["title"] = weakness.into();
        p["risks"][0]["remediations"][1]["title"] = "Patch to 2.4.50 (was \\< 2.4.50)".into();
    });
    let o = poam(d, &["diff", "old.json", "new.json"]);
    assert_exit(&o, 1);
    let report = stdout(&o);
    assert!(
        !report.contains('\\'),
        "no Markdown escape shown:\n{report}"
    );
    assert!(
        report.contains("Apache HTTP Server < 2.4.50 Multiple Vulnerabilities"),
        "{report}"
    );
    assert!(
        report.contains(
            "remediation title: \"Patch versions <= 2.4.49\" -> \"Patch to 2.4.50 (was < 2.4.50)\""
        ),
        "{report}"
    );
    let o = poam(d, &["diff", "old.json", "new.json", "--format", "markdown"]);
    let report = stdout(&o);
    assert!(
        report.contains("Apache HTTP Server \\< 2.4.50 Multiple Vulnerabilities"),
        "escaped once for Markdown:\n{report}"
    );
    assert!(!report.contains("\\\\"), "never twice:\n{report}");
}

#[test]
fn every_line_says_what_changed_old_to_new() {
    let dir = workdir();
    let d = dir.path();
    month1_edited(d, "new.json", |p| {
        p["risks"][0]["remediations"][1]["title"] = "Patch and rescan".into();
        p["risks"][0]["remediations"][1]["lifecycle"] = "completed".into();
    });
    let o = poam(d, &["diff", "month1.json", "new.json"]);
    assert_exit(&o, 1);
    let report = stdout(&o);
    assert!(
        report.contains("remediation title: \"CSP's Remediation Plan\" -> \"Patch and rescan\""),
        "{report}"
    );
    assert!(
        report.contains("remediation \"CSP's Remediation Plan\" lifecycle: planned -> completed"),
        "{report}"
    );
}

#[test]
fn an_origin_actor_change_is_reported_as_such() {
    let dir = workdir();
    let d = dir.path();
    month1_edited(d, "new.json", |p| {
        let qualys = serde_json::json!({
            "uuid": "0d2f3a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b",
            "type": "software",
            "title": "Qualys",
            "description": "Vulnerability scanner.",
            "status": {"state": "operational"}
        });
        p["local-definitions"]["components"]
            .as_array_mut()
            .unwrap()
            .push(qualys);
        p["risks"][0]["characterizations"][0]["origin"]["actors"][0]["actor-uuid"] =
            "0d2f3a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b".into();
    });
    let o = poam(d, &["diff", "month1.json", "new.json"]);
    assert_exit(&o, 1);
    let report = stdout(&o);
    let item: Vec<&str> = report
        .lines()
        .skip_while(|l| !l.contains("V-0001"))
        .skip(1)
        .take_while(|l| l.starts_with("      "))
        .collect();
    assert_eq!(
        item,
        [
            "      risk characterization origin changed: tool \"Nessus\" (plugin-id 12345) -> tool \"Qualys\" (plugin-id 12345)"
        ],
        "{report}"
    );
}

#[test]
fn diff_reports_what_is_outside_the_items() {
    let dir = workdir();
    let d = dir.path();
    month1_edited(d, "new.json", |p| {
        p["import-ssp"]["href"] = "https://acme.example/ssp-v2.json".into();
        p["metadata"]["remarks"] = "Reviewed by the ISSO.".into();
        p["metadata"]["revisions"] = serde_json::json!([
            {"title": "Initial submission", "last-modified": "2024-06-01T00:00:00Z", "version": "1.0"}
        ]);
        p["metadata"]["parties"][0]["name"] = "Acme Cloud, LLC".into();
        p["back-matter"]["resources"][0]["title"] = "Renamed resource".into();
        let lone = serde_json::json!({
            "uuid": "7e6d5c4b-3a29-4f18-8e07-f6e5d4c3b2a1",
            "title": "Shared hosting risk",
            "description": "Tracked outside any POA&M item.",
            "statement": "No Risk Statement",
            "status": "open"
        });
        p["risks"].as_array_mut().unwrap().push(lone);
        p["observations"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({
                "uuid": "0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f",
                "title": "Lone observation",
                "description": "Seen outside any POA&M item.",
                "methods": ["TEST"],
                "collected": "2024-06-02T00:00:00Z"
            }));
        p["findings"] = serde_json::json!([{
            "uuid": "1c2d3e4f-5061-4728-9930-4b5c6d7e8f90",
            "title": "Lone finding",
            "description": "Found outside any POA&M item.",
            "target": {
                "type": "statement-id",
                "target-id": "ac-2_smt",
                "status": {"state": "not-satisfied"}
            }
        }]);
    });
    let o = poam(d, &["diff", "month1.json", "new.json"]);
    assert_exit(&o, 1);
    let report = stdout(&o);
    for expected in [
        "import-ssp href changed: #54a6bc82-6bfb-56be-99a2-99e6bbf85ded -> https://acme.example/ssp-v2.json",
        "remarks added: Reviewed by the ISSO.",
        "revision added: \"1.0 Initial submission\"",
        "party name of \"Acme Cloud, Inc.\" changed: Acme Cloud, Inc. -> Acme Cloud, LLC",
        "new risk \"Shared hosting risk\" (uuid 7e6d5c4b-3a29-4f18-8e07-f6e5d4c3b2a1)",
        "new observation \"Lone observation\" (uuid 0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f)",
        "new finding \"Lone finding\" (uuid 1c2d3e4f-5061-4728-9930-4b5c6d7e8f90)",
    ] {
        assert!(report.contains(expected), "{expected}\n{report}");
    }
    assert!(report.contains("back-matter resource title of"), "{report}");
    let o = poam(d, &["diff", "month1.json", "new.json", "--format", "json"]);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["unlinked-parts"][0]["class"], "new", "{v:#}");
    assert_eq!(v["unlinked-parts"][0]["kind"], "risk");
}

#[test]
fn items_without_uuid_are_matched_by_content() {
    let root = crate::support::workspace_root().join("fixtures/cycles/diff");
    let o = poam(
        &root,
        &[
            "diff",
            "no-uuid.xml",
            "no-uuid-commented.xml",
            "--format",
            "json",
        ],
    );
    assert_exit(&o, 0);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(counts(&v["summary"]), [0, 0, 0, 0, 2, 0, 0], "{v:#}");
    assert_eq!(v["items"][0]["matched-by"], "content");
}

/// `month2-scan.json` with `edit` applied to its `plan-of-action-and-milestones`.
fn scan_edited(dir: &Path, name: &str, edit: impl FnOnce(&mut Value)) {
    let text = std::fs::read_to_string(dir.join("month2-scan.json")).unwrap();
    let mut v: Value = serde_json::from_str(&text).unwrap();
    edit(&mut v["plan-of-action-and-milestones"]);
    std::fs::write(dir.join(name), serde_json::to_string_pretty(&v).unwrap()).unwrap();
}

#[test]
fn a_merge_that_would_define_a_uuid_twice_is_refused() {
    let dir = workdir();
    let d = dir.path();
    let base: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("month1.json")).unwrap()).unwrap();
    let observation = base["plan-of-action-and-milestones"]["observations"][0]["uuid"].clone();
    scan_edited(d, "update.json", |p| {
        p["poam-items"][0]["uuid"] = observation.clone();
    });
    let o = poam(
        d,
        &[
            "merge",
            "month1.json",
            "update.json",
            "--as-of",
            "2024-07-01",
            "-o",
            "out.json",
        ],
    );
    assert_exit(&o, 1);
    let err = stderr(&o);
    let uuid = observation.as_str().unwrap();
    assert!(
        err.contains(&format!("uuid {uuid} would be defined 2 times")),
        "{err}"
    );
    assert!(
        err.contains("/observations/0/uuid") && err.contains("/poam-items/5/uuid"),
        "{err}"
    );
    assert!(err.contains("nothing merged"), "{err}");
    assert!(!d.join("out.json").exists(), "nothing is written");
}

#[test]
fn a_merge_that_would_leave_a_dangling_reference_is_refused() {
    let dir = workdir();
    let d = dir.path();
    scan_edited(d, "update.json", |p| {
        p["poam-items"][0]["related-risks"][0]["risk-uuid"] =
            "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d".into();
    });
    let o = poam(
        d,
        &[
            "merge",
            "month1.json",
            "update.json",
            "--as-of",
            "2024-07-01",
            "-o",
            "out.json",
        ],
    );
    assert_exit(&o, 1);
    let err = stderr(&o);
    assert!(
        err.contains("poam-items[5] would refer to risk 0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"),
        "{err}"
    );
    assert!(!d.join("out.json").exists(), "nothing is written");
}

/// `-o BASE` updates BASE in place (read first, then replaced atomically, so a refused merge
/// leaves it as it was); `-o UPDATE` would destroy an input and is refused.
#[test]
fn merge_updates_base_in_place_but_never_an_update() {
    let dir = workdir();
    let team_before = std::fs::read(dir.path().join("month2-team.json")).unwrap();
    let refused = poam(
        dir.path(),
        &[
            "merge",
            "month1.json",
            "month2-team.json",
            "--as-of",
            "2024-07-01",
            "-o",
            "./month2-team.json",
        ],
    );
    assert_exit(&refused, 2);
    assert!(
        stderr(&refused).contains("is the input"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(
        std::fs::read(dir.path().join("month2-team.json")).unwrap(),
        team_before
    );

    let expected = poam(
        dir.path(),
        &[
            "merge",
            "month1.json",
            "month2-team.json",
            "--as-of",
            "2024-07-01",
        ],
    );
    assert_exit(&expected, 0);
    let in_place = poam(
        dir.path(),
        &[
            "merge",
            "month1.json",
            "month2-team.json",
            "--as-of",
            "2024-07-01",
            "-o",
            "month1.json",
        ],
    );
    assert_exit(&in_place, 0);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("month1.json")).unwrap(),
        stdout(&expected)
    );
}

/// Every command reads a workbook by the same rule ([`poam::recognize`]): under `.xlsm`, under
/// a name that says nothing (by its content), or as `--from xlsx` says, `validate` included.
#[test]
fn workbooks_are_recognized_alike_by_every_command() {
    let dir = workdir();
    let d = dir.path();
    to_workbook(d, "month1.json", "month1.xlsx");
    for copy in ["month1.xlsm", "month1-book"] {
        std::fs::copy(d.join("month1.xlsx"), d.join(copy)).unwrap();
    }
    let expected = poam(d, &["validate", "month1.xlsx", "--format", "json"]);
    assert_ne!(expected.status.code(), Some(2), "{}", stdout(&expected));
    for args in [
        &["validate", "month1.xlsm", "--format", "json"][..],
        &["validate", "month1-book", "--format", "json"],
        &[
            "validate",
            "month1-book",
            "--from",
            "xlsx",
            "--format",
            "json",
        ],
    ] {
        let o = poam(d, args);
        assert_eq!(o.status.code(), expected.status.code(), "{args:?}");
        let report: Value = serde_json::from_str(&stdout(&o)).unwrap();
        let first: Value = serde_json::from_str(&stdout(&expected)).unwrap();
        assert!(first[0]["diagnostics"].is_array(), "{first}");
        assert_eq!(report[0]["readable"], true, "{args:?}");
        assert_eq!(
            report[0]["diagnostics"], first[0]["diagnostics"],
            "{args:?}"
        );
    }
    assert_exit(&poam(d, &["diff", "month1.xlsx", "month1.xlsm"]), 0);
    assert_exit(&poam(d, &["diff", "month1.xlsx", "month1-book"]), 0);
    poam_ok(d, &["convert", "month1.xlsm", "-o", "back.json"]);
    // `--from xlsx` is obeyed: OSCAL JSON is not a workbook.
    let o = poam(d, &["validate", "month1.json", "--from", "xlsx"]);
    assert_exit(&o, 2);
    assert!(
        stdout(&o).contains("month1.json: error[unreadable]: not an Excel workbook"),
        "{}",
        stdout(&o)
    );
}
