//! Trivy JSON: the report of schema 2 (`SchemaVersion`, `ArtifactName`, `Results`), the
//! older bare list of results, and the Kubernetes cluster report (`ClusterName`, resources
//! with their results). Vulnerabilities, failed misconfiguration checks and secrets are
//! findings.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::json::{date_of, parse};
use crate::error::ScanError;
use crate::finding::{
    Asset, Cvss, Detector, Finding, FindingKind, Scan, ScanFormat, Severity, cvss_version_of,
    meaningful, push_cve,
};

const FORMAT: ScanFormat = ScanFormat::Trivy;

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct Report {
    schema_version: Option<u32>,
    artifact_name: Option<String>,
    created_at: Option<String>,
    results: Option<Vec<TrivyResult>>,
    cluster_name: Option<String>,
    /// In a cluster report: the resources with vulnerabilities.
    vulnerabilities: Option<Vec<Resource>>,
    /// In a cluster report: the resources with misconfigurations.
    misconfigurations: Option<Vec<Resource>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Resource {
    namespace: Option<String>,
    kind: Option<String>,
    name: Option<String>,
    results: Option<Vec<TrivyResult>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TrivyResult {
    target: String,
    class: Option<String>,
    vulnerabilities: Option<Vec<Vulnerability>>,
    misconfigurations: Option<Vec<Misconfiguration>>,
    secrets: Option<Vec<Secret>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Vulnerability {
    #[serde(rename = "VulnerabilityID")]
    vulnerability_id: String,
    pkg_name: Option<String>,
    installed_version: Option<String>,
    fixed_version: Option<String>,
    status: Option<String>,
    title: Option<String>,
    description: Option<String>,
    severity: Option<String>,
    severity_source: Option<String>,
    #[serde(rename = "CVSS")]
    cvss: Option<BTreeMap<String, TrivyCvss>>,
    #[serde(rename = "VendorIDs")]
    vendor_ids: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct TrivyCvss {
    #[serde(rename = "V2Vector")]
    v2_vector: Option<String>,
    #[serde(rename = "V3Vector")]
    v3_vector: Option<String>,
    #[serde(rename = "V2Score")]
    v2_score: Option<f64>,
    #[serde(rename = "V3Score")]
    v3_score: Option<f64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Misconfiguration {
    #[serde(rename = "ID")]
    id: Option<String>,
    #[serde(rename = "AVDID")]
    avd_id: Option<String>,
    title: Option<String>,
    description: Option<String>,
    message: Option<String>,
    resolution: Option<String>,
    severity: Option<String>,
    status: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Secret {
    #[serde(rename = "RuleID")]
    rule_id: String,
    title: Option<String>,
    severity: Option<String>,
    start_line: Option<u64>,
}

pub(crate) fn read(bytes: &[u8]) -> Result<Scan, ScanError> {
    let legacy = crate::sniff::trimmed(bytes).first() == Some(&b'[');
    let report: Report = if legacy {
        Report {
            results: Some(parse::<Vec<TrivyResult>>(bytes, FORMAT)?),
            ..Report::default()
        }
    } else {
        parse(bytes, FORMAT)?
    };
    if let Some(v) = report.schema_version
        && v != 2
    {
        return Err(ScanError::structure(
            FORMAT,
            format!("Trivy SchemaVersion {v}: poam reads schema 2 and the older list form"),
        ));
    }
    let detector = Detector::new("Trivy", None);
    let mut scan = Scan {
        format: Some(FORMAT),
        detectors: vec![detector.clone()],
        date: report.created_at.as_deref().and_then(date_of),
        ..Scan::default()
    };
    let reader = Reader {
        detector: &detector,
        date: scan.date,
    };
    if let Some(cluster) = report.cluster_name.as_deref() {
        let resources = report
            .vulnerabilities
            .iter()
            .flatten()
            .map(|r| ("Vulnerabilities", r))
            .chain(
                report
                    .misconfigurations
                    .iter()
                    .flatten()
                    .map(|r| ("Misconfigurations", r)),
            );
        for (n, (list, resource)) in resources.enumerate() {
            let host = format!(
                "{cluster}/{}/{}/{}",
                resource.namespace.as_deref().unwrap_or_default(),
                resource.kind.as_deref().unwrap_or_default(),
                resource.name.as_deref().unwrap_or_default()
            );
            scan.covered(&detector, &Asset::new(host.clone(), None));
            for (i, result) in resource.results.iter().flatten().enumerate() {
                reader.result(
                    result,
                    &host,
                    &format!("{list}[{n}].Results[{i}]"),
                    &mut scan,
                );
            }
        }
    } else {
        for (i, result) in report.results.iter().flatten().enumerate() {
            // The older list has no artifact name: its results' targets are the assets.
            // An empty artifact name (Trivy writes `""` for some images) names nothing.
            let host = report
                .artifact_name
                .clone()
                .filter(|a| !a.trim().is_empty())
                .unwrap_or_else(|| result.target.clone());
            scan.covered(&detector, &Asset::new(host.clone(), None));
            reader.result(result, &host, &format!("Results[{i}]"), &mut scan);
        }
        if let Some(a) = report
            .artifact_name
            .as_deref()
            .filter(|a| !a.trim().is_empty())
        {
            scan.covered(&detector, &Asset::new(a, None));
        }
    }
    Ok(scan)
}

struct Reader<'d> {
    detector: &'d Detector,
    date: Option<chrono::NaiveDate>,
}

impl Reader<'_> {
    fn result(&self, result: &TrivyResult, host: &str, place: &str, scan: &mut Scan) {
        // A language package file (requirements.txt, package-lock.json) is named with the
        // package; an OS package needs only the image.
        let in_file = result.class.as_deref() != Some("os-pkgs") && result.target != host;
        for (i, v) in result.vulnerabilities.iter().flatten().enumerate() {
            let place = format!("{place}.Vulnerabilities[{i}]");
            if v.status.as_deref() == Some("not_affected") {
                scan.skipped.push(format!("{place}: status not_affected"));
                continue;
            }
            scan.findings
                .push(self.vulnerability(v, result, host, in_file, place));
        }
        for (i, m) in result.misconfigurations.iter().flatten().enumerate() {
            let place = format!("{place}.Misconfigurations[{i}]");
            match m.status.as_deref() {
                Some("FAIL") | None => {
                    scan.findings
                        .push(self.misconfiguration(m, result, host, place));
                }
                Some(other) => scan.skipped.push(format!("{place}: status {other}")),
            }
        }
        for (i, s) in result.secrets.iter().flatten().enumerate() {
            let place = format!("{place}.Secrets[{i}]");
            scan.findings.push(self.secret(s, result, host, place));
        }
    }

    fn base(&self, id: &str, host: &str, detail: Option<String>, place: String) -> Finding {
        Finding {
            detector: self.detector.clone(),
            weakness_id: id.trim().to_owned(),
            name: id.trim().into(),
            assets: vec![Asset::new(host, detail)],
            detected: self.date,
            place,
            ..Finding::default()
        }
    }

    fn vulnerability(
        &self,
        v: &Vulnerability,
        result: &TrivyResult,
        host: &str,
        in_file: bool,
        place: String,
    ) -> Finding {
        let package = v
            .pkg_name
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty());
        let installed = package.map(|p| match v.installed_version.as_deref() {
            Some(ver) if !ver.is_empty() => format!("{p}@{ver}"),
            _ => p.to_owned(),
        });
        let detail = match (in_file, installed) {
            (true, Some(pkg)) => Some(format!("{}: {pkg}", result.target)),
            (true, None) => Some(result.target.clone()),
            (false, pkg) => pkg,
        };
        let mut f = self.base(&v.vulnerability_id, host, detail, place);
        f.package = package.map(str::to_owned);
        f.name = meaningful(v.title.as_deref())
            .unwrap_or_else(|| match package {
                Some(p) => format!("{} in {p}", v.vulnerability_id),
                None => v.vulnerability_id.clone(),
            })
            .into();
        f.description = meaningful(v.description.as_deref()).map(Into::into);
        push_cve(&mut f.cves, &v.vulnerability_id);
        for id in v.vendor_ids.iter().flatten() {
            push_cve(&mut f.cves, id);
        }
        f.cvss = cvss(v);
        let text = v.severity.clone().unwrap_or_else(|| "UNKNOWN".to_owned());
        f.severity = match (Severity::parse(&text), f.cvss.score) {
            (Some(Severity::Info | Severity::Unknown) | None, Some(score)) => {
                Severity::from_score(score)
            }
            (s, _) => s.unwrap_or(Severity::Unknown),
        };
        f.scanner_severity = text;
        f.solution = match (package, meaningful(v.fixed_version.as_deref())) {
            (Some(p), Some(fixed)) => Some(format!("Upgrade {p} to {fixed} or later.").into()),
            (None, Some(fixed)) => Some(format!("Upgrade to {fixed} or later.").into()),
            _ => None,
        };
        f
    }

    fn misconfiguration(
        &self,
        m: &Misconfiguration,
        result: &TrivyResult,
        host: &str,
        place: String,
    ) -> Finding {
        let id =
            m.id.as_deref()
                .or(m.avd_id.as_deref())
                .unwrap_or("misconfiguration");
        let mut f = self.base(id, host, Some(result.target.clone()), place);
        f.name = meaningful(m.title.as_deref())
            .unwrap_or_else(|| id.to_owned())
            .into();
        f.description = match (
            meaningful(m.description.as_deref()),
            meaningful(m.message.as_deref()),
        ) {
            (Some(d), Some(msg)) => Some(format!("{d}\n\n{msg}")),
            (d, msg) => d.or(msg),
        }
        .map(Into::into);
        let text = m.severity.clone().unwrap_or_else(|| "UNKNOWN".to_owned());
        f.severity = Severity::parse(&text).unwrap_or(Severity::Unknown);
        f.scanner_severity = text;
        f.solution = meaningful(m.resolution.as_deref()).map(Into::into);
        f.kind = FindingKind::Configuration;
        f
    }

    fn secret(&self, s: &Secret, result: &TrivyResult, host: &str, place: String) -> Finding {
        let detail = match s.start_line {
            Some(l) => format!("{} line {l}", result.target),
            None => result.target.clone(),
        };
        let mut f = self.base(&s.rule_id, host, Some(detail), place);
        let title = meaningful(s.title.as_deref()).unwrap_or_else(|| s.rule_id.clone());
        f.name = format!("Secret: {title}").into();
        f.description = Some(format!("A {title} is written in {}.", result.target).into());
        let text = s.severity.clone().unwrap_or_else(|| "UNKNOWN".to_owned());
        f.severity = Severity::parse(&text).unwrap_or(Severity::Unknown);
        f.scanner_severity = text;
        f.solution = Some(
            format!(
                "Remove the secret from {} and revoke or rotate it.",
                result.target
            )
            .into(),
        );
        f
    }
}

/// The vulnerability's CVSS: the source Trivy rated it by, else NVD, else any; v3 first.
fn cvss(v: &Vulnerability) -> Cvss {
    let Some(map) = v.cvss.as_ref() else {
        return Cvss::default();
    };
    let pick = v
        .severity_source
        .as_deref()
        .and_then(|s| map.get(s))
        .or_else(|| map.get("nvd"))
        .or_else(|| map.values().next());
    let Some(c) = pick else {
        return Cvss::default();
    };
    if c.v3_vector.is_some() || c.v3_score.is_some() {
        Cvss {
            version: c
                .v3_vector
                .as_deref()
                .and_then(cvss_version_of)
                .or(Some("3.0".into())),
            vector: c.v3_vector.clone(),
            score: c.v3_score,
        }
    } else {
        Cvss {
            version: Some("2.0".into()),
            vector: c.v2_vector.clone(),
            score: c.v2_score,
        }
    }
}
