//! The JSON readers read element by element, from bytes or from a stream: the same scan
//! either way, whatever the order of the members (what a finding takes from the report
//! around it may come after it), and errors with their places from a stream too.

use std::io::BufReader;
use std::path::{Path, PathBuf};

use poam_import::{Scan, ScanErrorKind, ScanFormat};
use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/scans")
        .join(name)
}

const JSON_FIXTURES: [&str; 5] = [
    "trivy-image.json",
    "trivy-legacy.json",
    "grype.json",
    "semgrep.sarif",
    "inspector.json",
];

/// `bytes` read as a stream through a buffer of `capacity` bytes.
fn streamed(bytes: &[u8], capacity: usize) -> Result<Scan, poam_import::ScanError> {
    poam_import::read_from(BufReader::with_capacity(capacity, bytes))
}

#[test]
fn a_stream_reads_as_the_bytes_do() {
    for name in JSON_FIXTURES {
        let bytes = std::fs::read(fixture(name)).unwrap();
        let whole = poam_import::read(&bytes).unwrap();
        assert!(!whole.findings.is_empty(), "{name}");
        for capacity in [1, 7, 1 << 16] {
            assert_eq!(
                streamed(&bytes, capacity).unwrap(),
                whole,
                "{name}, {capacity}"
            );
        }
    }
}

/// `v` as JSON text with the members named in `last` written after the others in every
/// object.
fn with_last(v: &Value, last: &[&str]) -> String {
    match v {
        Value::Object(o) => {
            let (late, early): (Vec<_>, Vec<_>) =
                o.iter().partition(|(k, _)| last.contains(&k.as_str()));
            let members: Vec<String> = early
                .into_iter()
                .chain(late)
                .map(|(k, v)| format!("{}: {}", Value::String(k.clone()), with_last(v, last)))
                .collect();
            format!("{{{}}}", members.join(", "))
        }
        Value::Array(a) => {
            let items: Vec<String> = a.iter().map(|v| with_last(v, last)).collect();
            format!("[{}]", items.join(", "))
        }
        other => other.to_string(),
    }
}

/// Each reader completes its findings with what the report says after them: Trivy's
/// artifact, date and targets, Grype's source and scanner, a SARIF run's tool and date.
#[test]
fn members_in_any_order_read_the_same() {
    let cases: [(&str, &[&str]); 3] = [
        (
            "trivy-image.json",
            &[
                "Target",
                "Class",
                "ArtifactName",
                "CreatedAt",
                "SchemaVersion",
            ],
        ),
        ("grype.json", &["matches"]),
        ("semgrep.sarif", &["tool", "invocations", "version"]),
    ];
    for (name, last) in cases {
        let bytes = std::fs::read(fixture(name)).unwrap();
        let mut expected = poam_import::read(&bytes).unwrap();
        let value: Value = serde_json::from_slice(&bytes).unwrap();
        let reordered = with_last(&value, last);
        assert_ne!(reordered, with_last(&value, &[]), "{name}: nothing moved");
        for mut scan in [
            poam_import::read(reordered.as_bytes()).unwrap(),
            streamed(reordered.as_bytes(), 5).unwrap(),
        ] {
            // Skipped results are listed as they are read.
            scan.skipped.sort();
            expected.skipped.sort();
            assert_eq!(scan, expected, "{name}");
        }
    }
    // Grype's own order, matches first: the reordering above moved them last.
    let grype = std::fs::read_to_string(fixture("grype.json")).unwrap();
    assert!(grype.find("\"matches\"") < grype.find("\"descriptor\""));
}

/// Trivy's newer Kubernetes report lists every resource under `Resources`.
#[test]
fn trivy_cluster_resources() {
    let report = r#"{
      "ClusterName": "prod",
      "Resources": [
        {"Namespace": "shop", "Kind": "Deployment", "Name": "web",
         "Results": [{"Target": "nginx:1.25 (debian 12.4)", "Class": "os-pkgs",
           "Vulnerabilities": [{"VulnerabilityID": "CVE-2023-44487", "PkgName": "libnghttp2-14",
             "InstalledVersion": "1.52.0-1", "Severity": "HIGH"}]}]},
        {"Namespace": "kube-system", "Kind": "Pod", "Name": "dns",
         "Results": [{"Target": "Pod/dns", "Class": "config",
           "Misconfigurations": [{"ID": "KSV001", "Title": "Process can elevate its own privileges",
             "Severity": "MEDIUM", "Status": "FAIL"}]}]}
      ]
    }"#;
    let scan = poam_import::read(report.as_bytes()).unwrap();
    assert_eq!(scan.format, Some(ScanFormat::Trivy));
    let assets: Vec<String> = scan
        .findings
        .iter()
        .map(|f| f.assets[0].identifier())
        .collect();
    assert_eq!(
        assets,
        [
            "prod/shop/Deployment/web (libnghttp2-14@1.52.0-1)",
            "prod/kube-system/Pod/dns (Pod/dns)"
        ]
    );
    assert_eq!(
        scan.findings[0].place,
        "Resources[0].Results[0].Vulnerabilities[0]"
    );
    assert!(scan.covers("trivy", "prod/kube-system/Pod/dns"));
}

/// The format of a JSON scan is told by a member that may come after the first 64 KiB.
#[test]
fn a_late_telling_member_is_found() {
    let padding = "x".repeat(100_000);
    let text = std::fs::read_to_string(fixture("inspector.json")).unwrap();
    let late = text.replacen('{', &format!("{{\"note\": \"{padding}\", "), 1);
    let scan = streamed(late.as_bytes(), 1 << 16).unwrap();
    assert_eq!(scan.format, Some(ScanFormat::Inspector));
    assert_eq!(scan, poam_import::read(text.as_bytes()).unwrap());
}

#[test]
fn a_broken_stream_has_a_place() {
    let bytes = std::fs::read(fixture("bad/truncated.sarif")).unwrap();
    let e = streamed(&bytes, 3).unwrap_err();
    assert_eq!(e.kind, ScanErrorKind::Syntax);
    assert_eq!(
        e.place.as_deref(),
        Some("line 21, column 34 (runs[0].tool.driver.rules[1].shortDescription)")
    );
    let bytes = std::fs::read(fixture("bad/wrong-shape.trivy.json")).unwrap();
    let e = streamed(&bytes, 3).unwrap_err();
    assert_eq!(e.kind, ScanErrorKind::Structure);
    // A stream's column is one further after a number (serde_json has read past it).
    assert_eq!(
        e.place.as_deref(),
        Some("line 4, column 77 (Results[0].Vulnerabilities[0].VulnerabilityID)")
    );
    let text = std::fs::read_to_string(fixture("grype.json")).unwrap();
    let cut = &text[..text.len() / 2];
    let e = streamed(cut.as_bytes(), 16).unwrap_err();
    assert_eq!(e.kind, ScanErrorKind::Syntax, "{e}");
    assert!(e.message.contains("truncated"), "{e}");
    assert!(
        e.place.as_deref().is_some_and(|p| p.contains("matches[")),
        "{e}"
    );
}
