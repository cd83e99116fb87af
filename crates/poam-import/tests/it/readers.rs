//! Every reader on its fixture (`fixtures/scans/`), and every class of bad input
//! (`fixtures/scans/bad/`) with its error kind and place.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use poam_import::{Asset, FindingKind, Scan, ScanErrorKind, ScanFormat, Severity};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/scans")
        .join(name)
}

fn read(name: &str) -> Scan {
    let bytes = std::fs::read(fixture(name)).unwrap();
    poam_import::read(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn ids(scan: &Scan) -> Vec<String> {
    scan.findings
        .iter()
        .map(|f| f.weakness_id.clone())
        .collect()
}

#[test]
fn nessus_xml() {
    let s = read("month1.nessus");
    assert_eq!(s.format, Some(ScanFormat::NessusXml));
    assert_eq!(s.detectors[0].name, "Nessus");
    assert_eq!(s.detectors[0].version.as_deref(), Some("10.7.1"));
    assert_eq!(
        ids(&s),
        ["19506", "42873", "42873", "42873", "97833", "70658"]
    );
    let ms17 = &s.findings[4];
    assert_eq!(ms17.severity, Severity::Critical);
    assert_eq!(ms17.scanner_severity, "Critical");
    assert_eq!(ms17.cves, ["CVE-2017-0144", "CVE-2017-0145"]);
    assert_eq!(ms17.cvss.version.as_deref(), Some("3.0"));
    assert_eq!(ms17.cvss.score, Some(8.1));
    assert_eq!(ms17.assets[0].identifier(), "db01.example.com (445/tcp)");
    assert!(ms17.assets[0].aliases.contains("10.0.0.6"));
    assert_eq!(ms17.detected, chrono::NaiveDate::from_ymd_opt(2024, 6, 3));
    assert_eq!(
        ms17.solution.as_deref(),
        Some("Apply the security update MS17-010.")
    );
    // Entities resolved in text.
    assert!(
        s.findings[1]
            .description
            .as_deref()
            .unwrap()
            .contains("encryption & 64-bit")
    );
    // CVSS v2 only: the `CVSS2#` prefix goes.
    assert_eq!(
        s.findings[5].cvss.vector.as_deref(),
        Some("AV:N/AC:H/Au:N/C:P/I:N/A:N")
    );
    assert_eq!(s.findings[0].severity, Severity::Info);
    assert!(s.covers("nessus", "app01.example.com"));
    assert!(s.covers("nessus", "10.0.0.5"));
    assert!(!s.covers("nessus", "mail.example.com"));
    assert!(!s.covers("trivy", "10.0.0.5"));
}

#[test]
fn nessus_csv() {
    let s = read("nessus.csv");
    assert_eq!(s.format, Some(ScanFormat::NessusCsv));
    assert_eq!(ids(&s), ["42873", "42873", "19506"]);
    let f = &s.findings[0];
    assert_eq!(f.severity, Severity::Moderate);
    assert_eq!(f.cvss.score, Some(7.5), "scores written times ten");
    assert_eq!(f.assets[0].identifier(), "10.0.0.5 (443/tcp)");
    assert_eq!(f.place, "line 2");
    assert_eq!(s.findings[1].cves, ["CVE-2016-6329"]);
    assert_eq!(s.findings[2].assets[0].identifier(), "10.0.0.5");
}

#[test]
fn sarif() {
    let s = read("semgrep.sarif");
    assert_eq!(s.format, Some(ScanFormat::Sarif));
    assert_eq!(s.detectors[0].name, "Semgrep OSS");
    assert_eq!(s.detectors[0].version.as_deref(), Some("1.75.0"));
    assert_eq!(
        s.findings.len(),
        3,
        "one suppressed and one passed result skipped"
    );
    assert_eq!(s.skipped.len(), 2);
    let sql = &s.findings[0];
    assert_eq!(sql.severity, Severity::High, "security-severity 8.8");
    assert_eq!(&*sql.name, "SQL query built by string formatting");
    assert_eq!(sql.assets[0].identifier(), "app/db.py (line 42)");
    assert_eq!(
        sql.solution.as_deref(),
        Some("Use parameterized queries (cursor.execute(sql, params)).")
    );
    assert_eq!(s.findings[2].severity, Severity::Moderate, "level warning");
    assert!(
        s.whole.contains("semgrep oss"),
        "a code scan covers the whole tree"
    );
    assert_eq!(s.date, chrono::NaiveDate::from_ymd_opt(2024, 6, 3));
}

#[test]
fn trivy_schema_2() {
    let s = read("trivy-image.json");
    assert_eq!(s.format, Some(ScanFormat::Trivy));
    assert_eq!(
        ids(&s),
        [
            "CVE-2024-2511",
            "CVE-2024-2511",
            "CVE-2021-44228",
            "DS002",
            "aws-access-key-id"
        ]
    );
    assert_eq!(s.skipped.len(), 2, "not_affected and PASS");
    let ssl = &s.findings[0];
    assert_eq!(ssl.package.as_deref(), Some("libssl3"));
    assert_eq!(
        ssl.assets[0].identifier(),
        "registry.example.com/shop/web:1.4.2 (libssl3@3.1.4-r5)"
    );
    assert_eq!(
        ssl.solution.as_deref(),
        Some("Upgrade libssl3 to 3.1.4-r6 or later.")
    );
    assert_eq!(ssl.severity, Severity::Moderate);
    let log4j = &s.findings[2];
    assert_eq!(
        log4j.assets[0].detail.as_deref(),
        Some("app/requirements.txt: log4j-core@2.14.1")
    );
    assert_eq!(log4j.severity, Severity::Critical);
    assert_eq!(s.findings[3].kind, FindingKind::Configuration);
    assert_eq!(
        s.findings[4].assets[0].detail.as_deref(),
        Some("Dockerfile line 12")
    );
    assert!(s.covers("trivy", "registry.example.com/shop/web:1.4.2"));
}

#[test]
fn trivy_legacy_list() {
    let s = read("trivy-legacy.json");
    assert_eq!(ids(&s), ["CVE-2023-4911"]);
    assert_eq!(s.findings[0].assets[0].host, "shop/api:2.0 (debian 12.5)");
    assert_eq!(s.findings[0].severity, Severity::High);
}

#[test]
fn grype() {
    let s = read("grype.json");
    assert_eq!(s.format, Some(ScanFormat::Grype));
    assert_eq!(s.detectors[0].name, "Grype");
    assert_eq!(s.detectors[0].version.as_deref(), Some("0.79.0"));
    let f = &s.findings[0];
    assert_eq!(f.cves, ["CVE-2021-44228"], "the CVE behind the GHSA");
    assert_eq!(f.severity, Severity::Critical);
    assert_eq!(
        f.assets[0].identifier(),
        "registry.example.com/shop/api:2.0 (/app/lib/log4j-core-2.14.1.jar: log4j-core@2.14.1)"
    );
    assert_eq!(
        f.solution.as_deref(),
        Some("Upgrade log4j-core to 2.15.0 or later.")
    );
    assert_eq!(s.findings[1].severity, Severity::Low, "Negligible");
    assert_eq!(s.findings[1].solution, None);
}

#[test]
fn xccdf() {
    let s = read("openscap.xml");
    assert_eq!(s.format, Some(ScanFormat::Xccdf));
    assert_eq!(s.detectors[0].name, "OpenSCAP");
    assert_eq!(s.detectors[0].version.as_deref(), Some("1.3.8"));
    assert_eq!(
        ids(&s),
        [
            "xccdf_org.example_rule_sshd_disable_root_login",
            "xccdf_org.example_rule_package_openssl_updated"
        ]
    );
    assert!(
        s.findings
            .iter()
            .all(|f| f.kind == FindingKind::Configuration)
    );
    let root = &s.findings[0];
    assert_eq!(&*root.name, "Disable SSH Root Login");
    assert_eq!(root.severity, Severity::Moderate);
    assert!(
        root.solution
            .as_deref()
            .unwrap()
            .contains("PermitRootLogin no")
    );
    assert_eq!(
        root.assets,
        vec![{
            let mut a = Asset::new("app01.example.com", None);
            std::sync::Arc::make_mut(&mut a.aliases).insert("10.0.0.7".into());
            a
        }]
    );
    assert_eq!(s.findings[1].cves, ["CVE-2024-0727"]);
    assert!(s.skipped.is_empty(), "pass is not noted: {:?}", s.skipped);
    // `error` is neither a finding nor a pass: an undecided check, named for a warning.
    assert_eq!(s.undecided.len(), 1);
    let u = &s.undecided[0];
    assert_eq!(
        (&*u.detector, &*u.weakness_id, &*u.host, &*u.result),
        (
            "openscap",
            "xccdf_org.example_rule_unknown",
            "app01.example.com",
            "error"
        )
    );
    assert!(u.to_string().contains("the check could not decide"), "{u}");
}

#[test]
fn inspector() {
    let s = read("inspector.json");
    assert_eq!(s.format, Some(ScanFormat::Inspector));
    assert_eq!(ids(&s), ["CVE-2024-1086"], "the closed finding is skipped");
    let f = &s.findings[0];
    assert_eq!(f.severity, Severity::High);
    assert_eq!(
        f.assets[0].identifier(),
        "i-0abc123def4567890 (kernel@5.10.205)"
    );
    assert_eq!(
        f.solution.as_deref(),
        Some("Upgrade kernel to 5.10.209 or later."),
        "\"None Provided\" is no advice"
    );
    assert_eq!(f.detected, chrono::NaiveDate::from_ymd_opt(2024, 5, 20));
    assert!(
        s.covers("amazon inspector", "i-0fff000eee1112223"),
        "closed findings' resources were scanned"
    );
}

#[test]
fn no_findings_is_fine() {
    let s = poam_import::read(br#"{"version":"2.1.0","runs":[]}"#).unwrap();
    assert!(s.findings.is_empty());
    let s = poam_import::read(b"<NessusClientData_v2><Report name=\"x\"/></NessusClientData_v2>")
        .unwrap();
    assert!(s.findings.is_empty());
}

fn error(name: &str) -> poam_import::ScanError {
    let bytes = std::fs::read(fixture(&format!("bad/{name}"))).unwrap();
    poam_import::read(&bytes).expect_err(name)
}

#[test]
fn bad_input_has_a_kind_and_a_place() {
    let e = error("truncated.nessus");
    assert_eq!(e.kind, ScanErrorKind::Syntax, "{e}");
    assert!(e.place.as_deref().unwrap().starts_with("line "), "{e}");
    let e = error("doctype.nessus");
    assert_eq!(e.kind, ScanErrorKind::Unsupported, "{e}");
    assert_eq!(e.place.as_deref(), Some("line 2, column 1"));
    let e = error("entity.nessus");
    assert_eq!(e.kind, ScanErrorKind::Syntax);
    assert!(e.message.contains("&xxe;"), "{e}");
    for name in ["not-a-scan.json", "not-a-scan.csv", "utf16.nessus"] {
        let e = error(name);
        assert_eq!(e.kind, ScanErrorKind::UnknownFormat, "{name}: {e}");
        assert!(e.message.contains("Amazon Inspector v2"), "{name}: {e}");
    }
    let e = error("truncated.sarif");
    assert_eq!(e.kind, ScanErrorKind::Syntax, "{e}");
    assert!(e.message.contains("truncated"), "{e}");
    let e = error("wrong-shape.trivy.json");
    assert_eq!(e.kind, ScanErrorKind::Structure, "{e}");
    assert_eq!(
        e.place.as_deref(),
        Some("line 4, column 76 (Results[0].Vulnerabilities[0].VulnerabilityID)")
    );
    let e = error("short-row.csv");
    assert_eq!(e.kind, ScanErrorKind::Syntax, "{e}");
    assert_eq!(e.place.as_deref(), Some("line 3"));
}

/// Trivy writes `"ArtifactName": ""` for some images: the results' targets name the
/// assets then, and no asset identifier starts with a blank host (` (pkg@1.0)`).
#[test]
fn trivy_with_an_empty_artifact_name() {
    let text = std::fs::read_to_string(fixture("trivy-image.json")).unwrap();
    let text = text.replace(
        "\"ArtifactName\": \"registry.example.com/shop/web:1.4.2\"",
        "\"ArtifactName\": \"\"",
    );
    let s = poam_import::read(text.as_bytes()).unwrap();
    assert!(!s.findings.is_empty());
    for f in &s.findings {
        for a in &f.assets {
            assert!(!a.host.trim().is_empty(), "{a:?}");
            let id = a.identifier();
            assert_eq!(id.trim(), id, "{id:?}");
        }
    }
    assert_eq!(
        s.findings[0].assets[0].host,
        "registry.example.com/shop/web:1.4.2 (alpine 3.19.1)"
    );
    assert_eq!(
        Asset::new("", Some("pkg@1.0".into())).identifier(),
        "pkg@1.0"
    );
}

/// XCCDF `Rule/@extends` (XCCDF 1.2 section 6.3): a rule inherits what it does not say
/// from the rule it extends, along the whole chain; a cycle or a missing rule stops it.
#[test]
fn xccdf_rules_inherit_from_the_rules_they_extend() {
    let s = read("openscap-extends.xml");
    let by_id = |id: &str| {
        s.findings
            .iter()
            .find(|f| f.weakness_id == format!("xccdf_org.example_rule_{id}"))
            .unwrap_or_else(|| panic!("{id} in {:?}", ids(&s)))
    };
    let v15 = by_id("no_http_v15");
    assert_eq!(&*v15.name, "Version 15: disable the HTTP management server");
    assert_eq!(
        v15.description.as_deref(),
        Some("The switch's web interface sends credentials in clear text."),
        "inherited"
    );
    assert_eq!(v15.severity, Severity::High, "inherited");
    assert_eq!(v15.cves, ["CVE-2023-20198"]);
    assert_eq!(
        v15.solution.as_deref(),
        Some("Turn the HTTP server off and manage the switch over SSH.")
    );
    let v17 = by_id("no_http_v17");
    assert_eq!(
        &*v17.name, "Version 15: disable the HTTP management server",
        "from the rule it extends, not the base"
    );
    assert_eq!(v17.severity, Severity::Moderate, "its own");
    assert_eq!(v17.scanner_severity, "medium");
    assert_eq!(
        v17.description.as_deref(),
        Some("The switch's web interface sends credentials in clear text."),
        "two steps up"
    );
    assert_eq!(v17.cves, ["CVE-2023-20273", "CVE-2023-20198"], "appended");
    assert_eq!(
        v17.solution.as_deref(),
        Some("Run \"no ip http server\" and \"no ip http secure-server\".")
    );
    let looped = by_id("loop_b");
    assert_eq!(&*looped.name, "Loop A", "inherited once; the cycle stops");
    assert_eq!(looped.severity, Severity::Low);
    let orphan = by_id("orphan");
    assert_eq!(&*orphan.name, "Orphan");
    assert_eq!(orphan.severity, Severity::Unknown, "nothing to inherit");
    assert_eq!(s.findings.len(), 4);
}

/// `read_from` (a stream, as the CLI reads a file) and `read` (bytes in memory) give the
/// same scan, places included, for every fixture, and the same errors for bad ones.
#[test]
fn streamed_and_in_memory_reads_agree() {
    for name in [
        "month1.nessus",
        "openscap.xml",
        "openscap-unrated.xml",
        "openscap-extends.xml",
        "trivy-image.json",
        "nessus.csv",
        "semgrep.sarif",
    ] {
        let bytes = std::fs::read(fixture(name)).unwrap();
        let whole = poam_import::read(&bytes).unwrap();
        let streamed =
            poam_import::read_from(std::io::BufReader::with_capacity(5, &bytes[..])).unwrap();
        assert_eq!(whole, streamed, "{name}");
        assert!(!whole.findings.is_empty(), "{name}");
    }
    for name in [
        "truncated.nessus",
        "doctype.nessus",
        "entity.nessus",
        "utf16.nessus",
        "truncated.sarif",
    ] {
        let bytes = std::fs::read(fixture(&format!("bad/{name}"))).unwrap();
        let whole = poam_import::read(&bytes).expect_err(name);
        let streamed = poam_import::read_from(&bytes[..]).expect_err(name);
        assert_eq!(whole, streamed, "{name}");
    }
}

/// A big `.nessus` file streams through chunk boundaries: a file larger than the 64 KiB
/// head read to recognize it, with one finding per report item and their places right.
#[test]
fn a_file_larger_than_the_head_streams() {
    let mut text =
        String::from("<?xml version=\"1.0\" ?>\n<NessusClientData_v2><Report name=\"r\">\n");
    for h in 0..400 {
        let _ = writeln!(
            text,
            "<ReportHost name=\"10.0.{}.{}\"><HostProperties><tag name=\"HOST_START_TIMESTAMP\">1717405200</tag></HostProperties>",
            h / 256,
            h % 256
        );
        for p in 0..5 {
            let _ = writeln!(
                text,
                "<ReportItem port=\"443\" protocol=\"tcp\" severity=\"2\" pluginID=\"{p}\" pluginName=\"Plugin {p}\">\n<description>{}</description>\n</ReportItem>",
                "A weakness &amp; its text. ".repeat(4)
            );
        }
        text.push_str("</ReportHost>\n");
    }
    text.push_str("</Report></NessusClientData_v2>\n");
    assert!(text.len() > 1 << 18);
    let scan = poam_import::read_from(std::io::BufReader::new(text.as_bytes())).unwrap();
    assert_eq!(scan.findings.len(), 2000);
    assert_eq!(scan, poam_import::read(text.as_bytes()).unwrap());
    let last = scan.findings.last().unwrap();
    let line = text.lines().count() - 4;
    assert_eq!(last.place, format!("line {line}, column 87"));
    assert_eq!(
        last.description.as_deref(),
        Some("A weakness & its text. ".repeat(4).trim_end())
    );
}
