//! Anchore Grype JSON: `matches[]`, each a vulnerability in a package of the scanned source
//! (an image, a directory, an SBOM).

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess};

use super::json::{
    Array, Document, Elements, Input, Members, Object, Path, Record, Text, meaningful, nested,
    read_document, record, skip,
};
use crate::error::ScanError;
use crate::finding::{
    Asset, Cvss, Detector, Finding, FindingKind, Scan, ScanFormat, Severity, Texts,
    cvss_version_of, push_cve,
};

const FORMAT: ScanFormat = ScanFormat::Grype;

pub(crate) fn read(input: Input<'_>) -> Result<Scan, ScanError> {
    let mut reader = Reader::default();
    read_document(input, &mut reader, FORMAT)?;
    Ok(reader.finish())
}

/// The report as read so far. Grype writes `matches` first and what names the scanner and
/// the scanned source (`source`, `descriptor`) after them, so each match becomes a finding
/// as it is read and [`Reader::finish`] adds the rest.
#[derive(Default)]
struct Reader {
    path: Path,
    texts: Texts,
    findings: Vec<Finding>,
    source: Option<Source>,
    descriptor: Option<Descriptor>,
}

impl Document for Reader {
    fn path(&self) -> &Path {
        &self.path
    }

    fn read<'de, D: Deserializer<'de>>(&mut self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(Object(ReportMembers {
            reader: self,
            matches: false,
        }))
    }
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "lowercase")]
enum ReportKey {
    Matches,
    Source,
    Descriptor,
    #[serde(other)]
    Other,
}

struct ReportMembers<'r> {
    reader: &'r mut Reader,
    /// Whether the report has its `matches` (required).
    matches: bool,
}

impl<'de> Members<'de> for ReportMembers<'_> {
    type Key = ReportKey;
    type Value = ();
    const EXPECTING: &'static str = "a Grype report";

    fn path(&mut self) -> &mut Path {
        &mut self.reader.path
    }

    fn member<A: MapAccess<'de>>(&mut self, key: ReportKey, map: &mut A) -> Result<(), A::Error> {
        match key {
            ReportKey::Matches => {
                self.matches = true;
                map.next_value_seed(Array(Matches(&mut *self.reader)))?;
            }
            ReportKey::Source => self.reader.source = nested(map, &mut self.reader.path)?,
            ReportKey::Descriptor => {
                self.reader.descriptor = nested(map, &mut self.reader.path)?;
            }
            ReportKey::Other => skip(map)?,
        }
        Ok(())
    }

    fn end<E: de::Error>(self) -> Result<(), E> {
        if self.matches {
            Ok(())
        } else {
            Err(E::missing_field("matches"))
        }
    }
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

/// The report's matches.
struct Matches<'r>(&'r mut Reader);

impl<'de> Elements<'de> for Matches<'_> {
    const EXPECTING: &'static str = "Grype matches";

    fn path(&mut self) -> &mut Path {
        &mut self.0.path
    }

    fn element<D: Deserializer<'de>>(&mut self, d: D) -> Result<(), D::Error> {
        let m: Match<'de> = record(d, self.path())?;
        let place = self.0.path.as_str().to_owned();
        // `Match::complete` refuses a match without its vulnerability or artifact.
        let finding = m
            .finding(&mut self.0.texts, place)
            .ok_or_else(|| de::Error::missing_field("vulnerability"))?;
        self.0.findings.push(finding);
        Ok(())
    }
}

/// The members of a match poam uses.
#[derive(Default)]
struct Match<'de> {
    vulnerability: Option<Vulnerability<'de>>,
    related_vulnerabilities: Vec<Vulnerability<'de>>,
    artifact: Option<Artifact<'de>>,
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum MatchKey {
    Vulnerability,
    RelatedVulnerabilities,
    Artifact,
    #[serde(other)]
    Other,
}

impl<'de> Record<'de> for Match<'de> {
    type Key = MatchKey;
    const EXPECTING: &'static str = "a Grype match";

    fn member<A: MapAccess<'de>>(
        &mut self,
        key: MatchKey,
        map: &mut A,
        path: &mut Path,
    ) -> Result<(), A::Error> {
        match key {
            MatchKey::Vulnerability => self.vulnerability = Some(nested(map, path)?),
            MatchKey::RelatedVulnerabilities => {
                let related: Option<Vec<Vulnerability<'de>>> = nested(map, path)?;
                self.related_vulnerabilities = related.unwrap_or_default();
            }
            MatchKey::Artifact => self.artifact = Some(nested(map, path)?),
            MatchKey::Other => skip(map)?,
        }
        Ok(())
    }

    fn complete<E: de::Error>(self) -> Result<Self, E> {
        if self.vulnerability.is_none() {
            return Err(E::missing_field("vulnerability"));
        }
        if self.artifact.is_none() {
            return Err(E::missing_field("artifact"));
        }
        Ok(self)
    }
}

#[derive(Deserialize)]
struct Vulnerability<'a> {
    #[serde(borrow)]
    id: Text<'a>,
    #[serde(borrow)]
    severity: Option<Text<'a>>,
    #[serde(borrow)]
    description: Option<Text<'a>>,
    #[serde(default, borrow)]
    cvss: Vec<GrypeCvss<'a>>,
    #[serde(borrow)]
    fix: Option<Fix<'a>>,
}

#[derive(Deserialize)]
struct GrypeCvss<'a> {
    #[serde(borrow)]
    version: Option<Text<'a>>,
    #[serde(borrow)]
    vector: Option<Text<'a>>,
    metrics: Option<Metrics>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Metrics {
    base_score: Option<f64>,
}

#[derive(Deserialize)]
struct Fix<'a> {
    #[serde(default, borrow)]
    versions: Vec<Text<'a>>,
    #[serde(borrow)]
    state: Option<Text<'a>>,
}

#[derive(Deserialize)]
struct Artifact<'a> {
    #[serde(borrow)]
    name: Text<'a>,
    #[serde(borrow)]
    version: Option<Text<'a>>,
    #[serde(default, borrow)]
    locations: Vec<Location<'a>>,
}

#[derive(Deserialize)]
struct Location<'a> {
    #[serde(borrow)]
    path: Option<Text<'a>>,
}

/// The scanned source's name: an image's `userInput`, a directory's path, or the text.
fn target_name(t: &serde_json::Value) -> Option<String> {
    let meaningful = |s: &str| crate::finding::meaningful(Some(s));
    match t {
        serde_json::Value::String(s) => meaningful(s),
        serde_json::Value::Object(o) => ["userInput", "path", "name"]
            .iter()
            .find_map(|k| o.get(*k)?.as_str().and_then(meaningful)),
        _ => None,
    }
}

impl Reader {
    /// The findings with the scanner, the scanned source and the date the report names.
    fn finish(self) -> Scan {
        let descriptor = self.descriptor.as_ref();
        let detector = Detector::new(
            descriptor
                .and_then(|d| crate::finding::meaningful(d.name.as_deref()))
                .map_or_else(|| "Grype".to_owned(), |n| capitalized(&n)),
            descriptor.and_then(|d| d.version.clone()),
        );
        let date = descriptor
            .and_then(|d| d.timestamp.as_deref())
            .and_then(super::json::date_of);
        let host = self
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
        let mut findings = self.findings;
        for f in &mut findings {
            f.detector = detector.clone();
            f.detected = date;
            for a in &mut f.assets {
                a.host.clone_from(&host);
            }
        }
        scan.findings = findings;
        scan
    }
}

fn capitalized(name: &str) -> String {
    let mut c = name.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

impl Match<'_> {
    /// The finding, without its scanner, asset host and date ([`Reader::finish`] adds them).
    fn finding(&self, texts: &mut Texts, place: String) -> Option<Finding> {
        let (Some(v), Some(a)) = (&self.vulnerability, &self.artifact) else {
            return None;
        };
        let installed = match a.version.as_deref() {
            Some(ver) if !ver.is_empty() => format!("{}@{ver}", &*a.name),
            _ => a.name.to_string(),
        };
        let detail = match a.locations.first().and_then(|l| l.path.as_deref()) {
            Some(p) if !p.starts_with("/var/lib/dpkg") && !p.starts_with("/lib/apk") => {
                format!("{p}: {installed}")
            }
            _ => installed,
        };
        let mut cve_ids = Vec::new();
        push_cve(&mut cve_ids, &v.id);
        for r in &self.related_vulnerabilities {
            push_cve(&mut cve_ids, &r.id);
        }
        // The CVSS of the match, else of the related (NVD) record behind it.
        let cvss = std::iter::once(v)
            .chain(&self.related_vulnerabilities)
            .flat_map(|x| x.cvss.iter())
            .max_by(|x, y| {
                let s = |c: &GrypeCvss<'_>| {
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
                    .as_deref()
                    .map(str::to_owned)
                    .or_else(|| c.vector.as_deref().and_then(cvss_version_of)),
                vector: c.vector.as_deref().map(str::to_owned),
                score: c.metrics.as_ref().and_then(|m| m.base_score),
            })
            .unwrap_or_default();
        let text = v
            .severity
            .as_deref()
            .map_or_else(|| "Unknown".to_owned(), str::to_owned);
        let severity = match (Severity::parse(&text), cvss.score) {
            (Some(Severity::Info | Severity::Unknown) | None, Some(s)) => Severity::from_score(s),
            (s, _) => s.unwrap_or(Severity::Unknown),
        };
        let description = meaningful(v.description.as_ref()).or_else(|| {
            self.related_vulnerabilities
                .iter()
                .find_map(|r| meaningful(r.description.as_ref()))
        });
        let solution = v.fix.as_ref().and_then(|f| {
            let fixed = f.state.as_deref() == Some("fixed") || !f.versions.is_empty();
            (fixed && !f.versions.is_empty()).then(|| {
                let versions: Vec<&str> = f.versions.iter().map(|v| &**v).collect();
                format!(
                    "Upgrade {} to {} or later.",
                    &*a.name,
                    versions.join(" or ")
                )
            })
        });
        let id = v.id.trim();
        Some(Finding {
            detector: Detector::default(),
            weakness_id: id.to_owned(),
            package: Some(a.name.to_string()),
            name: texts.share(&format!("{id} in {}", &*a.name)),
            description: description.map(|d| texts.share(d)),
            assets: vec![Asset::new(String::new(), Some(detail))],
            cves: cve_ids,
            cvss,
            severity,
            scanner_severity: text,
            solution: solution.map(|s| texts.share(&s)),
            detected: None,
            kind: FindingKind::Vulnerability,
            place,
        })
    }
}
