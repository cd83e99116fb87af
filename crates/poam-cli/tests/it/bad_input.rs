//! `poam convert` on every class of bad input in `fixtures/bad/`: exit code 2, one clear message
//! naming `file:line:column` and the JSON pointer, no output file created, and an existing
//! output file left exactly as it was.
//!
//! The command runs in the workspace root with a relative input path, so messages (and their
//! snapshots) read `fixtures/bad/...` wherever the checkout is.

use std::process::{Command, Output};

use crate::support;
use support::workspace_root;

fn poam(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_poam"))
        .args(args)
        .current_dir(workspace_root())
        .output()
        .unwrap_or_else(|e| panic!("cannot run poam: {e}"))
}

/// Runs `poam convert <fixture> -o <out>` twice: once with no output file (none may appear) and
/// once with an existing one (it must be left untouched). Returns stderr.
fn convert_fails(fixture: &str) -> String {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let out = dir.path().join("out.json");
    let out_arg = out
        .to_str()
        .unwrap_or_else(|| panic!("non-UTF-8 temp path"));

    let first = poam(&["convert", fixture, "-o", out_arg]);
    assert_eq!(first.status.code(), Some(2), "{fixture}: {first:?}");
    assert!(!out.exists(), "{fixture}: an output file was created");
    assert!(first.stdout.is_empty(), "{fixture}: wrote to stdout");
    assert_eq!(
        std::fs::read_dir(dir.path()).map(Iterator::count).ok(),
        Some(0),
        "{fixture}: left a file behind in the output directory"
    );

    let previous = b"previous content, must survive\n";
    std::fs::write(&out, previous).unwrap_or_else(|e| panic!("{e}"));
    let second = poam(&["convert", fixture, "-o", out_arg, "--to", "yaml"]);
    assert_eq!(second.status.code(), Some(2), "{fixture}: {second:?}");
    assert_eq!(
        std::fs::read(&out).ok().as_deref(),
        Some(&previous[..]),
        "{fixture}: the existing output file was changed"
    );
    assert_eq!(
        first.stderr, second.stderr,
        "{fixture}: messages differ between runs"
    );

    String::from_utf8(first.stderr).unwrap_or_else(|e| panic!("stderr is not UTF-8: {e}"))
}

/// Asserts the message names the place, then snapshots it.
macro_rules! bad_input {
    ($name:ident, $fixture:literal, $place:literal) => {
        #[test]
        fn $name() {
            let stderr = convert_fails($fixture);
            assert!(
                stderr.starts_with(concat!("error: ", $fixture, $place)),
                "expected `{}{}` first, got:\n{stderr}",
                $fixture,
                $place
            );
            insta::assert_snapshot!(stringify!($name), stderr);
        }
    };
}

bad_input!(malformed_json, "fixtures/bad/malformed.json", ":6:7: ");
bad_input!(malformed_yaml, "fixtures/bad/malformed.yaml", ":6:15: ");
bad_input!(empty_file, "fixtures/bad/empty.json", ": the file is empty");
bad_input!(invalid_utf8, "fixtures/bad/invalid-utf8.json", ":5:20: ");
bad_input!(another_oscal_model, "fixtures/bad/ssp.json", ":2:27: ");
bad_input!(
    missing_required,
    "fixtures/bad/missing-required.json",
    ":4:17: "
);
bad_input!(wrong_type, "fixtures/bad/wrong-type.json", ":25:28: ");
bad_input!(
    unknown_property,
    "fixtures/bad/unknown-property.json",
    ":31:34: "
);
bad_input!(
    duplicate_key_json,
    "fixtures/bad/duplicate-key.json",
    ":8:7: "
);
bad_input!(
    duplicate_key_yaml,
    "fixtures/bad/duplicate-key.yaml",
    ":8:5: "
);
bad_input!(bad_datatypes, "fixtures/bad/bad-datatypes.json", ":3:13: ");
bad_input!(
    two_yaml_documents,
    "fixtures/bad/two-documents.yaml",
    ":13:1: "
);

bad_input!(
    empty_required_list_json,
    "fixtures/bad/empty-methods.json",
    ":14:20: "
);
bad_input!(
    empty_required_list_yaml,
    "fixtures/bad/empty-party-uuids.yaml",
    ":17:22: "
);

/// An empty list where OSCAL requires an item (the XML form cannot hold one): `convert` to
/// XML fails at the list's place with exit code 2 and writes nothing, and `validate` finds
/// the document invalid (exit 1) at the same place, once.
#[test]
fn an_empty_required_list_is_not_converted_to_xml() {
    for (fixture, place, pointer) in [
        (
            "fixtures/bad/empty-methods.json",
            ":14:20: ",
            "(at /plan-of-action-and-milestones/observations/0/methods)",
        ),
        (
            "fixtures/bad/empty-party-uuids.yaml",
            ":17:22: ",
            "(at /plan-of-action-and-milestones/metadata/responsible-parties/0/party-uuids)",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("y.xml");
        let o = poam(&["convert", fixture, "-o", out.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{fixture}: {o:?}");
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(
            stderr.starts_with(&format!("error: {fixture}{place}")),
            "{fixture}: {stderr}"
        );
        assert!(stderr.trim_end().ends_with(pointer), "{fixture}: {stderr}");
        assert!(!out.exists(), "{fixture}: an output file was written");
        let o = poam(&["validate", fixture]);
        assert_eq!(o.status.code(), Some(1), "{fixture}: {o:?}");
        let stdout = String::from_utf8_lossy(&o.stdout);
        let at_place = format!("{fixture}{}", place.trim_end_matches(' '));
        let errors: Vec<&str> = stdout
            .lines()
            .filter(|l| l.starts_with(&at_place) && l.contains(": error["))
            .collect();
        assert_eq!(errors.len(), 1, "{fixture}: {stdout}");
        assert!(errors[0].contains("error[oscal-empty-array]"), "{stdout}");
    }
}

/// A POA&M with no item: the XML reader cannot read one, so JSON and YAML refuse it too (one
/// verdict in every format), and `validate` finds it invalid in each.
#[test]
fn a_poam_without_items_gets_one_verdict_in_every_format() {
    for (fixture, place) in [
        ("fixtures/bad/no-items.json", ":10:19: "),
        ("fixtures/bad/no-items.yaml", ":8:15: "),
        ("fixtures/bad/no-items.xml", ":2:1: "),
    ] {
        let stderr = convert_fails(fixture);
        assert!(
            stderr.starts_with(&format!("error: {fixture}{place}")),
            "{fixture}: {stderr}"
        );
        assert!(stderr.contains("poam-item"), "{fixture}: {stderr}");
        let o = poam(&["validate", fixture]);
        assert_eq!(o.status.code(), Some(1), "{fixture}: {o:?}");
    }
}

/// The same problem at the same line:column from `convert` and from `validate`: a missing
/// member (at the object), a wrong type, an unknown member (deep, and at the root of a JSON
/// and of a YAML document), another OSCAL model.
#[test]
fn convert_and_validate_name_the_same_place() {
    let dir = tempfile::tempdir().unwrap();
    let minimal = |ext: &str| {
        std::fs::read_to_string(workspace_root().join(format!("fixtures/poam/minimal.{ext}")))
            .unwrap()
    };
    let yaml = dir.path().join("root-unknown.yaml");
    std::fs::write(&yaml, minimal("yaml") + "extra-thing: 1\n").unwrap();
    let json = dir.path().join("root-unknown.json");
    let text = minimal("json");
    let at = text.rfind('}').unwrap();
    std::fs::write(
        &json,
        format!("{},\n  \"extra-thing\": 1\n}}\n", text[..at].trim_end()),
    )
    .unwrap();
    let place = |args: &[&str], prefix: &str| -> String {
        let o = poam(args);
        let text =
            String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
        let line = text
            .lines()
            .find(|l| l.contains(": error") || l.starts_with("error: "))
            .unwrap_or_else(|| panic!("{args:?}: no error in\n{text}"));
        let rest = &line[line.find(prefix).unwrap_or_else(|| panic!("{line}")) + prefix.len()..];
        rest.split(": ").next().unwrap_or_default().to_owned()
    };
    for file in [
        "fixtures/bad/missing-required.json",
        "fixtures/bad/wrong-type.json",
        "fixtures/bad/unknown-property.json",
        "fixtures/bad/ssp.json",
        "fixtures/bad/no-items.json",
        "fixtures/bad/no-items.yaml",
        "fixtures/bad/empty-methods.json",
        "fixtures/bad/empty-party-uuids.yaml",
        yaml.to_str().unwrap(),
        json.to_str().unwrap(),
    ] {
        let out = dir.path().join("out.xml");
        let converted = place(&["convert", file, "-o", out.to_str().unwrap()], file);
        let validated = place(&["validate", file], file);
        assert!(converted.starts_with(':'), "{file}: {converted}");
        assert_eq!(converted, validated, "{file}");
    }
}

/// A key given twice gets one verdict: unreadable (exit 2, rule `unreadable`), at the
/// second key's start, from `convert` and from `validate` (human and JSON output), in JSON
/// and in YAML. Both commands read through the same input path.
#[test]
fn a_duplicate_key_is_one_error_at_one_place_everywhere() {
    for (fixture, place) in [
        ("fixtures/bad/duplicate-key.json", ":8:7: "),
        ("fixtures/bad/duplicate-key.yaml", ":8:5: "),
    ] {
        let stderr = convert_fails(fixture);
        assert_eq!(
            stderr,
            format!(
                "error: {fixture}{place}duplicate key `version` (at /plan-of-action-and-milestones/metadata)\n"
            )
        );
        let human = poam(&["validate", fixture]);
        assert_eq!(human.status.code(), Some(2), "{fixture}: {human:?}");
        let out = String::from_utf8_lossy(&human.stdout);
        assert!(
            out.starts_with(&format!(
                "{fixture}{place}error[unreadable]: duplicate key `version`\n"
            )),
            "{fixture}: {out}"
        );
        assert_eq!(out.matches("error[").count(), 1, "{fixture}: {out}");
        let json = poam(&["validate", fixture, "--format", "json"]);
        assert_eq!(json.status.code(), Some(2), "{fixture}: {json:?}");
        let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
        let file = &report[0];
        assert_eq!(file["readable"], false, "{fixture}: {report}");
        let diags = file["diagnostics"].as_array().unwrap();
        assert_eq!(diags.len(), 1, "{fixture}: {report}");
        assert_eq!(diags[0]["rule"], "unreadable");
        let (line, column) = place.trim_matches([':', ' ']).split_once(':').unwrap();
        assert_eq!(diags[0]["location"]["line"], line.parse::<u64>().unwrap());
        assert_eq!(
            diags[0]["location"]["column"],
            column.parse::<u64>().unwrap()
        );
    }
}

#[test]
fn another_oscal_model_is_named() {
    let stderr = convert_fails("fixtures/bad/ssp.json");
    assert!(
        stderr.contains("this is an OSCAL system-security-plan"),
        "{stderr}"
    );
}

#[test]
fn every_bad_datatype_is_reported_with_its_place() {
    let stderr = convert_fails("fixtures/bad/bad-datatypes.json");
    let places: Vec<&str> = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("error: fixtures/bad/bad-datatypes.json:"))
        .filter_map(|l| l.split_once(": ").map(|(place, _)| place))
        .collect();
    assert_eq!(
        places,
        ["3:13", "6:20", "7:24", "12:19", "19:17"],
        "{stderr}"
    );
    for pointer in [
        "(at /plan-of-action-and-milestones/uuid)",
        "(at /plan-of-action-and-milestones/metadata/published)",
        "(at /plan-of-action-and-milestones/metadata/last-modified)",
        "(at /plan-of-action-and-milestones/metadata/props/0/name)",
        "(at /plan-of-action-and-milestones/poam-items/0/uuid)",
    ] {
        assert!(stderr.contains(pointer), "missing {pointer}:\n{stderr}");
    }
}

#[test]
fn every_bad_fixture_has_a_test() {
    let dir = workspace_root().join("fixtures/bad");
    let tested = [
        "malformed.json",
        "malformed.yaml",
        "empty.json",
        "invalid-utf8.json",
        "ssp.json",
        "missing-required.json",
        "wrong-type.json",
        "unknown-property.json",
        "duplicate-key.json",
        "duplicate-key.yaml",
        "bad-datatypes.json",
        "two-documents.yaml",
        "no-items.json",
        "no-items.yaml",
        "no-items.xml",
        "empty-methods.json",
        "empty-party-uuids.yaml",
    ];
    let mut present: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n != "README.md")
        .collect();
    present.sort();
    let mut tested: Vec<String> = tested.iter().map(|s| (*s).to_owned()).collect();
    tested.sort();
    assert_eq!(present, tested);
}

#[test]
fn missing_input_file_is_trouble() {
    let out = poam(&["convert", "fixtures/bad/does-not-exist.json"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("error: fixtures/bad/does-not-exist.json: "),
        "{stderr}"
    );
}

#[test]
fn absurdly_nested_stdin_is_refused_cleanly() {
    use std::io::Write;
    use std::process::Stdio;
    let nested = format!(
        "{{\"plan-of-action-and-milestones\": {}{}}}",
        "[".repeat(50_000),
        "]".repeat(50_000)
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_poam"))
        .args(["convert", "-", "--from", "yaml"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run poam: {e}"));
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(nested.as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let out = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("error: <stdin>:1:"), "{stderr}");
}
