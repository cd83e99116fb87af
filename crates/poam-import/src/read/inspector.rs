//! Amazon Inspector v2 findings (`{"findings": [...]}`, as `aws inspector2 list-findings`
//! and the console export write them). Active findings are findings; suppressed and closed
//! ones are skipped, but their resources count as scanned.

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess};

use super::json::{
    Array, Document, Elements, Input, Members, Object, Path, Record, Text, date_of, meaningful,
    nested, read_document, record, skip,
};
use crate::error::ScanError;
use crate::finding::{
    Asset, Cvss, Detector, Finding, FindingKind, Scan, ScanFormat, Severity, Texts, cves_in,
    cvss_version_of, push_cve,
};

const FORMAT: ScanFormat = ScanFormat::Inspector;

pub(crate) fn read(input: Input<'_>) -> Result<Scan, ScanError> {
    let detector = Detector::new("Amazon Inspector", None);
    let mut reader = Reader {
        path: Path::default(),
        texts: Texts::default(),
        scan: Scan {
            format: Some(FORMAT),
            detectors: vec![detector.clone()],
            ..Scan::default()
        },
        detector,
    };
    read_document(input, &mut reader, FORMAT)?;
    Ok(reader.scan)
}

/// The findings as read so far: each is whole in itself, so it becomes a finding as it is
/// read.
struct Reader {
    path: Path,
    texts: Texts,
    scan: Scan,
    detector: Detector,
}

impl Document for Reader {
    fn path(&self) -> &Path {
        &self.path
    }

    fn read<'de, D: Deserializer<'de>>(&mut self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(Object(ReportMembers {
            reader: self,
            findings: false,
        }))
    }
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "lowercase")]
enum ReportKey {
    Findings,
    #[serde(other)]
    Other,
}

struct ReportMembers<'r> {
    reader: &'r mut Reader,
    /// Whether the report has its `findings` (required).
    findings: bool,
}

impl<'de> Members<'de> for ReportMembers<'_> {
    type Key = ReportKey;
    type Value = ();
    const EXPECTING: &'static str = "Amazon Inspector findings";

    fn path(&mut self) -> &mut Path {
        &mut self.reader.path
    }

    fn member<A: MapAccess<'de>>(&mut self, key: ReportKey, map: &mut A) -> Result<(), A::Error> {
        match key {
            ReportKey::Findings => {
                self.findings = true;
                map.next_value_seed(Array(Findings(&mut *self.reader)))
            }
            ReportKey::Other => skip(map),
        }
    }

    fn end<E: de::Error>(self) -> Result<(), E> {
        if self.findings {
            Ok(())
        } else {
            Err(E::missing_field("findings"))
        }
    }
}

/// The report's findings.
struct Findings<'r>(&'r mut Reader);

impl<'de> Elements<'de> for Findings<'_> {
    const EXPECTING: &'static str = "Amazon Inspector findings";

    fn path(&mut self) -> &mut Path {
        &mut self.0.path
    }

    fn element<D: Deserializer<'de>>(&mut self, d: D) -> Result<(), D::Error> {
        let f: InspectorFinding<'de> = record(d, self.path())?;
        let r = &mut *self.0;
        let place = r.path.as_str().to_owned();
        for resource in &f.resources {
            r.scan
                .covered(&r.detector, &Asset::new(resource.id.to_string(), None));
        }
        match f.status.as_deref() {
            None | Some("ACTIVE") => {}
            Some(other) => {
                r.scan.skipped.push(format!("{place}: status {other}"));
                return Ok(());
            }
        }
        let finding = f.finding(&r.detector, &mut r.texts, place);
        r.scan.date = r.scan.date.max(finding.detected);
        r.scan.findings.push(finding);
        Ok(())
    }
}

/// The members of a finding poam uses.
#[derive(Default)]
struct InspectorFinding<'de> {
    title: Option<Text<'de>>,
    description: Option<Text<'de>>,
    severity: Option<Text<'de>>,
    inspector_score: Option<f64>,
    inspector_score_details: Option<ScoreDetails>,
    package_vulnerability_details: Option<PackageDetails<'de>>,
    remediation: Option<Remediation<'de>>,
    resources: Vec<Resource<'de>>,
    first_observed_at: Option<Text<'de>>,
    status: Option<Text<'de>>,
    kind: Option<Text<'de>>,
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum FindingKey {
    Title,
    Description,
    Severity,
    InspectorScore,
    InspectorScoreDetails,
    PackageVulnerabilityDetails,
    Remediation,
    Resources,
    FirstObservedAt,
    Status,
    #[serde(rename = "type")]
    Kind,
    #[serde(other)]
    Other,
}

impl<'de> Record<'de> for InspectorFinding<'de> {
    type Key = FindingKey;
    const EXPECTING: &'static str = "an Amazon Inspector finding";

    fn member<A: MapAccess<'de>>(
        &mut self,
        key: FindingKey,
        map: &mut A,
        path: &mut Path,
    ) -> Result<(), A::Error> {
        type K = FindingKey;
        match key {
            K::Title => self.title = map.next_value()?,
            K::Description => self.description = map.next_value()?,
            K::Severity => self.severity = map.next_value()?,
            K::InspectorScore => self.inspector_score = map.next_value()?,
            K::InspectorScoreDetails => self.inspector_score_details = nested(map, path)?,
            K::PackageVulnerabilityDetails => {
                self.package_vulnerability_details = nested(map, path)?;
            }
            K::Remediation => self.remediation = nested(map, path)?,
            K::Resources => {
                let resources: Option<Vec<Resource<'de>>> = nested(map, path)?;
                self.resources = resources.unwrap_or_default();
            }
            K::FirstObservedAt => self.first_observed_at = map.next_value()?,
            K::Status => self.status = map.next_value()?,
            K::Kind => self.kind = map.next_value()?,
            K::Other => skip(map)?,
        }
        Ok(())
    }
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
struct PackageDetails<'a> {
    #[serde(borrow)]
    vulnerability_id: Option<Text<'a>>,
    #[serde(default, borrow)]
    vulnerable_packages: Vec<Package<'a>>,
    #[serde(default, borrow)]
    related_vulnerabilities: Vec<Text<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Package<'a> {
    #[serde(borrow)]
    name: Option<Text<'a>>,
    #[serde(borrow)]
    version: Option<Text<'a>>,
    #[serde(borrow)]
    fixed_in_version: Option<Text<'a>>,
}

#[derive(Deserialize)]
struct Remediation<'a> {
    #[serde(borrow)]
    recommendation: Option<Recommendation<'a>>,
}

#[derive(Deserialize)]
struct Recommendation<'a> {
    #[serde(borrow)]
    text: Option<Text<'a>>,
}

#[derive(Deserialize)]
struct Resource<'a> {
    #[serde(borrow)]
    id: Text<'a>,
}

impl InspectorFinding<'_> {
    fn finding(&self, detector: &Detector, texts: &mut Texts, place: String) -> Finding {
        let details = self.package_vulnerability_details.as_ref();
        let package = details.and_then(|d| d.vulnerable_packages.first());
        let package_name = package.and_then(|p| meaningful(p.name.as_ref()));
        let title = meaningful(self.title.as_ref()).unwrap_or("Inspector finding");
        let id = details
            .and_then(|d| meaningful(d.vulnerability_id.as_ref()))
            .unwrap_or(title);
        let detail = package_name.map(|n| match package.and_then(|p| p.version.as_deref()) {
            Some(v) if !v.is_empty() => format!("{n}@{v}"),
            _ => n.to_owned(),
        });
        let mut cves = cves_in(id);
        for r in details
            .iter()
            .flat_map(|d| d.related_vulnerabilities.iter())
        {
            push_cve(&mut cves, r);
        }
        let adjusted = self
            .inspector_score_details
            .as_ref()
            .and_then(|d| d.adjusted_cvss.as_ref());
        let rated_cvss = adjusted.map_or_else(Cvss::default, |c| Cvss {
            version: c
                .version
                .clone()
                .or_else(|| c.scoring_vector.as_deref().and_then(cvss_version_of)),
            vector: c.scoring_vector.clone(),
            score: c.score,
        });
        let text = self
            .severity
            .as_deref()
            .map_or_else(|| "UNTRIAGED".to_owned(), str::to_owned);
        let score = self.inspector_score.or(rated_cvss.score);
        let severity = match (Severity::parse(&text), score) {
            (Some(Severity::Info | Severity::Unknown) | None, Some(s))
                if text.eq_ignore_ascii_case("untriaged") =>
            {
                Severity::from_score(s)
            }
            (s, _) => s.unwrap_or(Severity::Unknown),
        };
        let fixed = package
            .and_then(|p| meaningful(p.fixed_in_version.as_ref()))
            .zip(package_name)
            .map(|(v, n)| format!("Upgrade {n} to {v} or later."));
        let recommendation = self
            .remediation
            .as_ref()
            .and_then(|r| r.recommendation.as_ref())
            .and_then(|r| meaningful(r.text.as_ref()));
        let solution = match (recommendation, fixed) {
            (Some(r), _) => Some(texts.share(r)),
            (None, Some(f)) => Some(texts.share(&f)),
            (None, None) => None,
        };
        Finding {
            detector: detector.clone(),
            weakness_id: id.to_owned(),
            package: package_name.map(str::to_owned),
            name: texts.share(title),
            description: texts.meaningful(self.description.as_deref()),
            assets: self
                .resources
                .iter()
                .map(|r| Asset::new(r.id.to_string(), detail.clone()))
                .collect(),
            cves,
            cvss: rated_cvss,
            severity,
            scanner_severity: match self.inspector_score {
                Some(s) => format!("{text} (Inspector score {s})"),
                None => text,
            },
            solution,
            detected: self.first_observed_at.as_deref().and_then(date_of),
            kind: if self.kind.as_deref() == Some("NETWORK_REACHABILITY") {
                FindingKind::Configuration
            } else {
                FindingKind::Vulnerability
            },
            place,
        }
    }
}
