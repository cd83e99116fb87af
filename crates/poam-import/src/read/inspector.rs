//! Amazon Inspector v2 findings (`{"findings": [...]}`, as `aws inspector2 list-findings`
//! and the console export write them). Active findings are findings; suppressed and closed
//! ones are skipped, but their resources count as scanned.

use serde::Deserialize;

use super::json::{date_of, parse};
use crate::error::ScanError;
use crate::finding::{
    Asset, Cvss, Detector, Finding, FindingKind, Scan, ScanFormat, Severity, cves_in,
    cvss_version_of, meaningful, push_cve,
};

const FORMAT: ScanFormat = ScanFormat::Inspector;

#[derive(Deserialize)]
struct Report {
    findings: Vec<InspectorFinding>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct InspectorFinding {
    title: Option<String>,
    description: Option<String>,
    severity: Option<String>,
    inspector_score: Option<f64>,
    inspector_score_details: Option<ScoreDetails>,
    package_vulnerability_details: Option<PackageDetails>,
    remediation: Option<Remediation>,
    #[serde(default)]
    resources: Vec<Resource>,
    first_observed_at: Option<String>,
    status: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ScoreDetails {
    adjusted_cvss: Option<AdjustedCvss>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AdjustedCvss {
    score: Option<f64>,
    scoring_vector: Option<String>,
    version: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PackageDetails {
    vulnerability_id: Option<String>,
    #[serde(default)]
    vulnerable_packages: Vec<Package>,
    #[serde(default)]
    related_vulnerabilities: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Package {
    name: Option<String>,
    version: Option<String>,
    fixed_in_version: Option<String>,
}

#[derive(Deserialize)]
struct Remediation {
    recommendation: Option<Recommendation>,
}

#[derive(Deserialize)]
struct Recommendation {
    text: Option<String>,
}

#[derive(Deserialize)]
struct Resource {
    id: String,
}

pub(crate) fn read(bytes: &[u8]) -> Result<Scan, ScanError> {
    let report: Report = parse(bytes, FORMAT)?;
    let detector = Detector::new("Amazon Inspector", None);
    let mut scan = Scan {
        format: Some(FORMAT),
        detectors: vec![detector.clone()],
        ..Scan::default()
    };
    for (i, f) in report.findings.iter().enumerate() {
        let place = format!("findings[{i}]");
        for r in &f.resources {
            scan.covered(&detector, &Asset::new(r.id.clone(), None));
        }
        match f.status.as_deref() {
            None | Some("ACTIVE") => {}
            Some(other) => {
                scan.skipped.push(format!("{place}: status {other}"));
                continue;
            }
        }
        let finding = finding(f, &detector, place);
        scan.date = scan.date.max(finding.detected);
        scan.findings.push(finding);
    }
    Ok(scan)
}

fn finding(f: &InspectorFinding, detector: &Detector, place: String) -> Finding {
    let details = f.package_vulnerability_details.as_ref();
    let package = details.and_then(|d| d.vulnerable_packages.first());
    let package_name = package.and_then(|p| meaningful(p.name.as_deref()));
    let title = meaningful(f.title.as_deref()).unwrap_or_else(|| "Inspector finding".to_owned());
    let id = details
        .and_then(|d| meaningful(d.vulnerability_id.as_deref()))
        .unwrap_or_else(|| title.clone());
    let detail = package_name
        .as_ref()
        .map(|n| match package.and_then(|p| p.version.as_deref()) {
            Some(v) if !v.is_empty() => format!("{n}@{v}"),
            _ => n.clone(),
        });
    let mut cves = cves_in(&id);
    for r in details
        .iter()
        .flat_map(|d| d.related_vulnerabilities.iter())
    {
        push_cve(&mut cves, r);
    }
    let adjusted = f
        .inspector_score_details
        .as_ref()
        .and_then(|d| d.adjusted_cvss.as_ref());
    let cvss = adjusted.map_or_else(Cvss::default, |c| Cvss {
        version: c
            .version
            .clone()
            .or_else(|| c.scoring_vector.as_deref().and_then(cvss_version_of)),
        vector: c.scoring_vector.clone(),
        score: c.score,
    });
    let text = f.severity.clone().unwrap_or_else(|| "UNTRIAGED".to_owned());
    let score = f.inspector_score.or(cvss.score);
    let severity = match (Severity::parse(&text), score) {
        (Some(Severity::Info | Severity::Unknown) | None, Some(s))
            if text.eq_ignore_ascii_case("untriaged") =>
        {
            Severity::from_score(s)
        }
        (s, _) => s.unwrap_or(Severity::Unknown),
    };
    let fixed = package
        .and_then(|p| meaningful(p.fixed_in_version.as_deref()))
        .zip(package_name.clone())
        .map(|(v, n)| format!("Upgrade {n} to {v} or later."));
    let recommendation = f
        .remediation
        .as_ref()
        .and_then(|r| r.recommendation.as_ref())
        .and_then(|r| meaningful(r.text.as_deref()));
    Finding {
        detector: detector.clone(),
        weakness_id: id,
        package: package_name,
        name: title.into(),
        description: meaningful(f.description.as_deref()).map(Into::into),
        assets: f
            .resources
            .iter()
            .map(|r| Asset::new(r.id.clone(), detail.clone()))
            .collect(),
        cves,
        cvss,
        severity,
        scanner_severity: match f.inspector_score {
            Some(s) => format!("{text} (Inspector score {s})"),
            None => text,
        },
        solution: recommendation.or(fixed).map(Into::into),
        detected: f.first_observed_at.as_deref().and_then(date_of),
        kind: if f.kind.as_deref() == Some("NETWORK_REACHABILITY") {
            FindingKind::Configuration
        } else {
            FindingKind::Vulnerability
        },
        place,
    }
}
