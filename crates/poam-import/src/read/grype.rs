//! Anchore Grype JSON: `matches[]`, each a vulnerability in a package of the scanned source
//! (an image, a directory, an SBOM).

use serde::Deserialize;

use super::json::parse;
use crate::error::ScanError;
use crate::finding::{
    Asset, Cvss, Detector, Finding, FindingKind, Scan, ScanFormat, Severity, cvss_version_of,
    meaningful, push_cve,
};

const FORMAT: ScanFormat = ScanFormat::Grype;

#[derive(Deserialize)]
struct Report {
    matches: Vec<Match>,
    source: Option<Source>,
    descriptor: Option<Descriptor>,
}

#[derive(Deserialize)]
struct Source {
    target: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct Descriptor {
    name: Option<String>,
    version: Option<String>,
    timestamp: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Match {
    vulnerability: Vulnerability,
    #[serde(default)]
    related_vulnerabilities: Vec<Vulnerability>,
    artifact: Artifact,
}

#[derive(Deserialize)]
struct Vulnerability {
    id: String,
    severity: Option<String>,
    description: Option<String>,
    #[serde(default)]
    cvss: Vec<GrypeCvss>,
    fix: Option<Fix>,
}

#[derive(Deserialize)]
struct GrypeCvss {
    version: Option<String>,
    vector: Option<String>,
    metrics: Option<Metrics>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Metrics {
    base_score: Option<f64>,
}

#[derive(Deserialize)]
struct Fix {
    #[serde(default)]
    versions: Vec<String>,
    state: Option<String>,
}

#[derive(Deserialize)]
struct Artifact {
    name: String,
    version: Option<String>,
    #[serde(default)]
    locations: Vec<Location>,
}

#[derive(Deserialize)]
struct Location {
    path: Option<String>,
}

/// The scanned source's name: an image's `userInput`, a directory's path, or the text.
fn target_name(t: &serde_json::Value) -> Option<String> {
    match t {
        serde_json::Value::String(s) => meaningful(Some(s)),
        serde_json::Value::Object(o) => ["userInput", "path", "name"]
            .iter()
            .find_map(|k| o.get(*k)?.as_str().and_then(|s| meaningful(Some(s)))),
        _ => None,
    }
}

pub(crate) fn read(bytes: &[u8]) -> Result<Scan, ScanError> {
    let report: Report = parse(bytes, FORMAT)?;
    let descriptor = report.descriptor.as_ref();
    let detector = Detector::new(
        descriptor
            .and_then(|d| meaningful(d.name.as_deref()))
            .map_or_else(|| "Grype".to_owned(), |n| capitalized(&n)),
        descriptor.and_then(|d| d.version.clone()),
    );
    let date = descriptor
        .and_then(|d| d.timestamp.as_deref())
        .and_then(super::json::date_of);
    let host = report
        .source
        .as_ref()
        .and_then(|s| s.target.as_ref())
        .and_then(target_name)
        .unwrap_or_else(|| "scanned source".to_owned());
    let mut scan = Scan {
        format: Some(FORMAT),
        detectors: vec![detector.clone()],
        date,
        ..Scan::default()
    };
    scan.covered(&detector, &Asset::new(host.clone(), None));
    for (i, m) in report.matches.iter().enumerate() {
        scan.findings
            .push(finding(m, &detector, &host, date, format!("matches[{i}]")));
    }
    Ok(scan)
}

fn capitalized(name: &str) -> String {
    let mut c = name.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn finding(
    m: &Match,
    detector: &Detector,
    host: &str,
    date: Option<chrono::NaiveDate>,
    place: String,
) -> Finding {
    let v = &m.vulnerability;
    let a = &m.artifact;
    let installed = match a.version.as_deref() {
        Some(ver) if !ver.is_empty() => format!("{}@{ver}", a.name),
        _ => a.name.clone(),
    };
    let detail = match a.locations.first().and_then(|l| l.path.as_deref()) {
        Some(p) if !p.starts_with("/var/lib/dpkg") && !p.starts_with("/lib/apk") => {
            format!("{p}: {installed}")
        }
        _ => installed,
    };
    let mut cves = Vec::new();
    push_cve(&mut cves, &v.id);
    for r in &m.related_vulnerabilities {
        push_cve(&mut cves, &r.id);
    }
    // The CVSS of the match, else of the related (NVD) record behind it.
    let cvss = std::iter::once(v)
        .chain(&m.related_vulnerabilities)
        .flat_map(|x| x.cvss.iter())
        .max_by(|x, y| {
            let s = |c: &GrypeCvss| {
                c.metrics
                    .as_ref()
                    .and_then(|m| m.base_score)
                    .unwrap_or(-1.0)
            };
            s(x).total_cmp(&s(y))
        })
        .map(|c| Cvss {
            version: c
                .version
                .clone()
                .or_else(|| c.vector.as_deref().and_then(cvss_version_of)),
            vector: c.vector.clone(),
            score: c.metrics.as_ref().and_then(|m| m.base_score),
        })
        .unwrap_or_default();
    let text = v.severity.clone().unwrap_or_else(|| "Unknown".to_owned());
    let severity = match (Severity::parse(&text), cvss.score) {
        (Some(Severity::Info | Severity::Unknown) | None, Some(s)) => Severity::from_score(s),
        (s, _) => s.unwrap_or(Severity::Unknown),
    };
    let description = meaningful(v.description.as_deref()).or_else(|| {
        m.related_vulnerabilities
            .iter()
            .find_map(|r| meaningful(r.description.as_deref()))
    });
    let solution = v.fix.as_ref().and_then(|f| {
        (f.state.as_deref() == Some("fixed") || !f.versions.is_empty())
            .then(|| {
                format!(
                    "Upgrade {} to {} or later.",
                    a.name,
                    f.versions.join(" or ")
                )
            })
            .filter(|_| !f.versions.is_empty())
    });
    Finding {
        detector: detector.clone(),
        weakness_id: v.id.trim().to_owned(),
        package: Some(a.name.clone()),
        name: format!("{} in {}", v.id.trim(), a.name).into(),
        description: description.map(Into::into),
        assets: vec![Asset::new(host, Some(detail))],
        cves,
        cvss,
        severity,
        scanner_severity: text,
        solution: solution.map(Into::into),
        detected: date,
        kind: FindingKind::Vulnerability,
        place,
    }
}
