//! Trivy JSON: the report of schema 2 (`SchemaVersion`, `ArtifactName`, `Results`), the
//! older bare list of results, and the Kubernetes cluster reports (`ClusterName`, with
//! resources and their results under `Vulnerabilities` and `Misconfigurations`, or under
//! `Resources` in newer Trivy). Vulnerabilities, failed misconfiguration checks and secrets
//! are findings.
//!
//! Each vulnerability, misconfiguration and secret becomes a finding as it is read. What a
//! finding takes from the report around it (the artifact or cluster resource that names its
//! asset, the report's date) may come after it in the file, so each result records which
//! findings it made ([`ResultSeen`]), and [`Reader::finish`] completes them once the whole
//! report is read.

use std::ops::Range;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess};

use super::json::{
    Array, Document, Elements, Input, Members, Object, Path, Record, Text, date_of, meaningful,
    nested, read_document, record, skip,
};
use crate::error::ScanError;
use crate::finding::{
    Asset, Cvss, Detector, Finding, FindingKind, Scan, ScanFormat, Severity, Texts,
    cvss_version_of, push_cve,
};

const FORMAT: ScanFormat = ScanFormat::Trivy;

pub(crate) fn read(input: Input<'_>) -> Result<Scan, ScanError> {
    let mut reader = Reader::default();
    read_document(input, &mut reader, FORMAT)?;
    reader.finish()
}

/// The report as read so far.
#[derive(Default)]
struct Reader {
    path: Path,
    texts: Texts,
    findings: Vec<Finding>,
    skipped: Vec<String>,
    schema_version: Option<u32>,
    created_at: Option<String>,
    artifact_name: Option<String>,
    cluster_name: Option<String>,
    /// A cluster report's resources, in file order.
    resources: Vec<ResourceSeen>,
    /// Every result, in file order, with the findings it made.
    results: Vec<ResultSeen>,
}

/// A cluster resource: `namespace/kind/name` in the cluster names its asset.
#[derive(Default)]
struct ResourceSeen {
    namespace: Option<String>,
    kind: Option<String>,
    name: Option<String>,
}

/// A result (one target: an OS, a package file, a Dockerfile) and the findings it made.
struct ResultSeen {
    target: String,
    class: Option<String>,
    /// The cluster resource it belongs to.
    resource: Option<usize>,
    /// Its findings in `Reader::findings`: vulnerabilities first, then misconfigurations and
    /// secrets.
    findings: Range<usize>,
    /// Where its vulnerabilities end in `findings`: their asset detail names the package
    /// file too when the target is not the scanned artifact itself.
    vulnerabilities_end: usize,
}

impl Document for Reader {
    fn path(&self) -> &Path {
        &self.path
    }

    fn read<'de, D: Deserializer<'de>>(&mut self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(Top(self))
    }
}

/// The document: a report object, or the older bare list of results.
struct Top<'r>(&'r mut Reader);

impl<'de> de::Visitor<'de> for Top<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a Trivy report (an object) or a list of results")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        Object(ReportMembers(self.0)).visit_map(map)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        Array(Results {
            reader: self.0,
            resource: None,
        })
        .visit_seq(seq)
    }
}

#[derive(Deserialize)]
#[serde(field_identifier)]
enum ReportKey {
    SchemaVersion,
    CreatedAt,
    ArtifactName,
    Results,
    ClusterName,
    /// In a cluster report: the resources with vulnerabilities.
    Vulnerabilities,
    /// In a cluster report: the resources with misconfigurations.
    Misconfigurations,
    /// In a newer cluster report: every resource.
    Resources,
    #[serde(other)]
    Other,
}

struct ReportMembers<'r>(&'r mut Reader);

impl<'de> Members<'de> for ReportMembers<'_> {
    type Key = ReportKey;
    type Value = ();
    const EXPECTING: &'static str = "a Trivy report";

    fn path(&mut self) -> &mut Path {
        &mut self.0.path
    }

    fn member<A: MapAccess<'de>>(&mut self, key: ReportKey, map: &mut A) -> Result<(), A::Error> {
        let r = &mut *self.0;
        match key {
            ReportKey::SchemaVersion => r.schema_version = map.next_value()?,
            ReportKey::CreatedAt => r.created_at = owned(map.next_value()?),
            ReportKey::ArtifactName => r.artifact_name = owned(map.next_value()?),
            ReportKey::ClusterName => r.cluster_name = owned(map.next_value()?),
            ReportKey::Results => map.next_value_seed(Array(Results {
                reader: r,
                resource: None,
            }))?,
            ReportKey::Vulnerabilities | ReportKey::Misconfigurations | ReportKey::Resources => {
                map.next_value_seed(Array(Resources(r)))?;
            }
            ReportKey::Other => skip(map)?,
        }
        Ok(())
    }

    fn end<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

fn owned(text: Option<Text<'_>>) -> Option<String> {
    text.map(Text::into_owned)
}

/// A cluster report's list of resources.
struct Resources<'r>(&'r mut Reader);

impl<'de> Elements<'de> for Resources<'_> {
    const EXPECTING: &'static str = "cluster resources";

    fn path(&mut self) -> &mut Path {
        &mut self.0.path
    }

    fn element<D: Deserializer<'de>>(&mut self, d: D) -> Result<(), D::Error> {
        let index = self.0.resources.len();
        self.0.resources.push(ResourceSeen::default());
        d.deserialize_map(Object(ResourceMembers {
            reader: self.0,
            index,
        }))
    }
}

#[derive(Deserialize)]
#[serde(field_identifier)]
enum ResourceKey {
    Namespace,
    Kind,
    Name,
    Results,
    #[serde(other)]
    Other,
}

struct ResourceMembers<'r> {
    reader: &'r mut Reader,
    index: usize,
}

impl<'de> Members<'de> for ResourceMembers<'_> {
    type Key = ResourceKey;
    type Value = ();
    const EXPECTING: &'static str = "a cluster resource";

    fn path(&mut self) -> &mut Path {
        &mut self.reader.path
    }

    fn member<A: MapAccess<'de>>(&mut self, key: ResourceKey, map: &mut A) -> Result<(), A::Error> {
        let index = self.index;
        let seen = &mut self.reader.resources[index];
        match key {
            ResourceKey::Namespace => seen.namespace = owned(map.next_value()?),
            ResourceKey::Kind => seen.kind = owned(map.next_value()?),
            ResourceKey::Name => seen.name = owned(map.next_value()?),
            ResourceKey::Results => map.next_value_seed(Array(Results {
                reader: self.reader,
                resource: Some(index),
            }))?,
            ResourceKey::Other => skip(map)?,
        }
        Ok(())
    }

    fn end<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

/// A list of results (of the report, or of one cluster resource).
struct Results<'r> {
    reader: &'r mut Reader,
    resource: Option<usize>,
}

impl<'de> Elements<'de> for Results<'_> {
    const EXPECTING: &'static str = "Trivy results";

    fn path(&mut self) -> &mut Path {
        &mut self.reader.path
    }

    fn element<D: Deserializer<'de>>(&mut self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(Object(ResultMembers {
            reader: self.reader,
            resource: self.resource,
            target: None,
            class: None,
            vulnerabilities: Vec::new(),
            others: Vec::new(),
            waiting: Vec::new(),
        }))
    }
}

#[derive(Deserialize)]
#[serde(field_identifier)]
enum ResultKey {
    Target,
    Class,
    Vulnerabilities,
    Misconfigurations,
    Secrets,
    #[serde(other)]
    Other,
}

/// One result being read. Its findings are kept apart until its end, vulnerabilities
/// first (whatever the order of its members), and misconfigurations and secrets, which name
/// the target, wait for it when it comes after them.
struct ResultMembers<'r, 'de> {
    reader: &'r mut Reader,
    resource: Option<usize>,
    target: Option<String>,
    class: Option<String>,
    vulnerabilities: Vec<Finding>,
    /// Misconfigurations, then secrets.
    others: Vec<Finding>,
    /// Read before the target, with their places.
    waiting: Vec<(Check<'de>, String)>,
}

/// A misconfiguration or secret: it names its result's target.
enum Check<'de> {
    Misconfiguration(Misconfiguration<'de>),
    Secret(Secret<'de>),
}

impl<'de> Members<'de> for ResultMembers<'_, 'de> {
    type Key = ResultKey;
    type Value = ();
    const EXPECTING: &'static str = "a Trivy result";

    fn path(&mut self) -> &mut Path {
        &mut self.reader.path
    }

    fn member<A: MapAccess<'de>>(&mut self, key: ResultKey, map: &mut A) -> Result<(), A::Error> {
        match key {
            ResultKey::Target => {
                let target: Text<'de> = map.next_value()?;
                self.target = Some(target.into_owned());
            }
            ResultKey::Class => self.class = owned(map.next_value()?),
            ResultKey::Vulnerabilities => map.next_value_seed(Array(Vulnerabilities(self)))?,
            ResultKey::Misconfigurations => {
                map.next_value_seed(Array(Misconfigurations(self)))?;
            }
            ResultKey::Secrets => map.next_value_seed(Array(Secrets(self)))?,
            ResultKey::Other => skip(map)?,
        }
        Ok(())
    }

    fn end<E: de::Error>(mut self) -> Result<(), E> {
        let target = self
            .target
            .take()
            .ok_or_else(|| E::missing_field("Target"))?;
        let waiting = std::mem::take(&mut self.waiting);
        for (check, place) in waiting {
            let finding = check.finding(&mut self.reader.texts, &target, place);
            self.others.push(finding);
        }
        let r = self.reader;
        let start = r.findings.len();
        r.findings.append(&mut self.vulnerabilities);
        let vulnerabilities_end = r.findings.len();
        r.findings.append(&mut self.others);
        r.results.push(ResultSeen {
            target,
            class: self.class,
            resource: self.resource,
            findings: start..r.findings.len(),
            vulnerabilities_end,
        });
        Ok(())
    }
}

/// A result's vulnerabilities.
struct Vulnerabilities<'m, 'r, 'de>(&'m mut ResultMembers<'r, 'de>);

impl<'de> Elements<'de> for Vulnerabilities<'_, '_, 'de> {
    const EXPECTING: &'static str = "vulnerabilities";

    fn path(&mut self) -> &mut Path {
        &mut self.0.reader.path
    }

    fn element<D: Deserializer<'de>>(&mut self, d: D) -> Result<(), D::Error> {
        let v: Vulnerability<'de> = record(d, self.path())?;
        let r = &mut *self.0.reader;
        let place = r.path.as_str().to_owned();
        if v.status.as_deref() == Some("not_affected") {
            r.skipped.push(format!("{place}: status not_affected"));
            return Ok(());
        }
        let finding = v.finding(&mut r.texts, place);
        self.0.vulnerabilities.push(finding);
        Ok(())
    }
}

/// A result's misconfigurations.
struct Misconfigurations<'m, 'r, 'de>(&'m mut ResultMembers<'r, 'de>);

impl<'de> Elements<'de> for Misconfigurations<'_, '_, 'de> {
    const EXPECTING: &'static str = "misconfigurations";

    fn path(&mut self) -> &mut Path {
        &mut self.0.reader.path
    }

    fn element<D: Deserializer<'de>>(&mut self, d: D) -> Result<(), D::Error> {
        let m: Misconfiguration<'de> = record(d, self.path())?;
        self.0.check(Check::Misconfiguration(m));
        Ok(())
    }
}

/// A result's secrets.
struct Secrets<'m, 'r, 'de>(&'m mut ResultMembers<'r, 'de>);

impl<'de> Elements<'de> for Secrets<'_, '_, 'de> {
    const EXPECTING: &'static str = "secrets";

    fn path(&mut self) -> &mut Path {
        &mut self.0.reader.path
    }

    fn element<D: Deserializer<'de>>(&mut self, d: D) -> Result<(), D::Error> {
        let s: Secret<'de> = record(d, self.path())?;
        self.0.check(Check::Secret(s));
        Ok(())
    }
}

impl<'de> ResultMembers<'_, 'de> {
    /// A misconfiguration or secret just read: skipped (a passed check), a finding, or
    /// waiting for the target.
    fn check(&mut self, check: Check<'de>) {
        let r = &mut *self.reader;
        let place = r.path.as_str().to_owned();
        if let Some(why) = check.skipped() {
            r.skipped.push(format!("{place}: {why}"));
            return;
        }
        match self.target.as_deref() {
            Some(target) => {
                let f = check.finding(&mut r.texts, target, place);
                self.others.push(f);
            }
            None => self.waiting.push((check, place)),
        }
    }
}

impl Reader {
    /// The findings completed with what the whole report says: each asset's host (the
    /// artifact, else the result's target; in a cluster, the resource), the package file
    /// in a vulnerability's detail when the target is not the artifact itself, the date.
    fn finish(mut self) -> Result<Scan, ScanError> {
        if let Some(v) = self.schema_version
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
            date: self.created_at.as_deref().and_then(date_of),
            skipped: self.skipped,
            ..Scan::default()
        };
        // An empty artifact name (Trivy writes `""` for some images) names nothing.
        let artifact = self.artifact_name.filter(|a| !a.trim().is_empty());
        let resource_hosts: Vec<String> = match self.cluster_name.as_deref() {
            Some(cluster) => self
                .resources
                .iter()
                .map(|r| {
                    format!(
                        "{cluster}/{}/{}/{}",
                        r.namespace.as_deref().unwrap_or_default(),
                        r.kind.as_deref().unwrap_or_default(),
                        r.name.as_deref().unwrap_or_default()
                    )
                })
                .collect(),
            // Resources without a cluster name are named by themselves.
            None => self
                .resources
                .iter()
                .map(|r| {
                    [&r.namespace, &r.kind, &r.name]
                        .iter()
                        .filter_map(|p| p.as_deref())
                        .collect::<Vec<_>>()
                        .join("/")
                })
                .collect(),
        };
        for host in &resource_hosts {
            scan.covered(&detector, &Asset::new(host.clone(), None));
        }
        for result in &self.results {
            // The older list has no artifact name: its results' targets are the assets.
            let host = match result.resource {
                Some(r) => resource_hosts[r].clone(),
                None => artifact.clone().unwrap_or_else(|| result.target.clone()),
            };
            // A language package file (requirements.txt, package-lock.json) is named with
            // the package; an OS package needs only the image.
            let in_file = result.class.as_deref() != Some("os-pkgs") && result.target != host;
            for (i, f) in self.findings[result.findings.clone()]
                .iter_mut()
                .enumerate()
            {
                // A Trivy finding has its one asset (`base`).
                let Some(asset) = f.assets.first_mut() else {
                    continue;
                };
                asset.host.clone_from(&host);
                if in_file && result.findings.start + i < result.vulnerabilities_end {
                    asset.detail = Some(match asset.detail.take() {
                        Some(package) => format!("{}: {package}", result.target),
                        None => result.target.clone(),
                    });
                }
            }
            if result.resource.is_none() {
                scan.covered(&detector, &Asset::new(host, None));
            }
        }
        if let Some(a) = artifact {
            scan.covered(&detector, &Asset::new(a, None));
        }
        for f in &mut self.findings {
            f.detector = detector.clone();
            f.detected = scan.date;
        }
        scan.findings = self.findings;
        Ok(scan)
    }
}

/// The members of a vulnerability poam uses.
// The field is named as Trivy's member (`VulnerabilityID`).
#[allow(clippy::struct_field_names)]
#[derive(Default)]
struct Vulnerability<'de> {
    vulnerability_id: Option<Text<'de>>,
    pkg_name: Option<Text<'de>>,
    installed_version: Option<Text<'de>>,
    fixed_version: Option<Text<'de>>,
    status: Option<Text<'de>>,
    title: Option<Text<'de>>,
    description: Option<Text<'de>>,
    severity: Option<Text<'de>>,
    severity_source: Option<Text<'de>>,
    cvss: Vec<(Text<'de>, TrivyCvss)>,
    vendor_ids: Vec<Text<'de>>,
}

#[derive(Deserialize)]
#[serde(field_identifier)]
enum VulnerabilityKey {
    #[serde(rename = "VulnerabilityID")]
    VulnerabilityId,
    PkgName,
    InstalledVersion,
    FixedVersion,
    Status,
    Title,
    Description,
    Severity,
    SeveritySource,
    #[serde(rename = "CVSS")]
    Cvss,
    #[serde(rename = "VendorIDs")]
    VendorIds,
    #[serde(other)]
    Other,
}

impl<'de> Record<'de> for Vulnerability<'de> {
    type Key = VulnerabilityKey;
    const EXPECTING: &'static str = "a Trivy vulnerability";

    fn member<A: MapAccess<'de>>(
        &mut self,
        key: VulnerabilityKey,
        map: &mut A,
        path: &mut Path,
    ) -> Result<(), A::Error> {
        type K = VulnerabilityKey;
        match key {
            K::VulnerabilityId => self.vulnerability_id = Some(map.next_value()?),
            K::PkgName => self.pkg_name = map.next_value()?,
            K::InstalledVersion => self.installed_version = map.next_value()?,
            K::FixedVersion => self.fixed_version = map.next_value()?,
            K::Status => self.status = map.next_value()?,
            K::Title => self.title = map.next_value()?,
            K::Description => self.description = map.next_value()?,
            K::Severity => self.severity = map.next_value()?,
            K::SeveritySource => self.severity_source = map.next_value()?,
            K::Cvss => {
                let sources: Option<CvssSources<'de>> = nested(map, path)?;
                self.cvss = sources.map(|s| s.0).unwrap_or_default();
            }
            K::VendorIds => {
                let ids: Option<Vec<Text<'de>>> = nested(map, path)?;
                self.vendor_ids = ids.unwrap_or_default();
            }
            K::Other => skip(map)?,
        }
        Ok(())
    }

    fn complete<E: de::Error>(self) -> Result<Self, E> {
        match self.vulnerability_id {
            Some(_) => Ok(self),
            None => Err(E::missing_field("VulnerabilityID")),
        }
    }
}

/// A vulnerability's `CVSS`: each source's scores, in file order.
struct CvssSources<'de>(Vec<(Text<'de>, TrivyCvss)>);

impl<'de> Deserialize<'de> for CvssSources<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct SourcesVisitor;
        impl<'de> de::Visitor<'de> for SourcesVisitor {
            type Value = CvssSources<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("CVSS scores by source")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut sources = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    sources.push(entry);
                }
                Ok(CvssSources(sources))
            }
        }
        d.deserialize_map(SourcesVisitor)
    }
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

/// The members of a misconfiguration poam uses.
#[derive(Default)]
struct Misconfiguration<'de> {
    id: Option<Text<'de>>,
    avd_id: Option<Text<'de>>,
    title: Option<Text<'de>>,
    description: Option<Text<'de>>,
    message: Option<Text<'de>>,
    resolution: Option<Text<'de>>,
    severity: Option<Text<'de>>,
    status: Option<Text<'de>>,
}

#[derive(Deserialize)]
#[serde(field_identifier)]
enum MisconfigurationKey {
    #[serde(rename = "ID")]
    Id,
    #[serde(rename = "AVDID")]
    AvdId,
    Title,
    Description,
    Message,
    Resolution,
    Severity,
    Status,
    #[serde(other)]
    Other,
}

impl<'de> Record<'de> for Misconfiguration<'de> {
    type Key = MisconfigurationKey;
    const EXPECTING: &'static str = "a Trivy misconfiguration";

    fn member<A: MapAccess<'de>>(
        &mut self,
        key: MisconfigurationKey,
        map: &mut A,
        _path: &mut Path,
    ) -> Result<(), A::Error> {
        type K = MisconfigurationKey;
        match key {
            K::Id => self.id = map.next_value()?,
            K::AvdId => self.avd_id = map.next_value()?,
            K::Title => self.title = map.next_value()?,
            K::Description => self.description = map.next_value()?,
            K::Message => self.message = map.next_value()?,
            K::Resolution => self.resolution = map.next_value()?,
            K::Severity => self.severity = map.next_value()?,
            K::Status => self.status = map.next_value()?,
            K::Other => skip(map)?,
        }
        Ok(())
    }
}

/// The members of a secret poam uses.
#[derive(Default)]
struct Secret<'de> {
    rule_id: Option<Text<'de>>,
    title: Option<Text<'de>>,
    severity: Option<Text<'de>>,
    start_line: Option<u64>,
}

#[derive(Deserialize)]
#[serde(field_identifier)]
enum SecretKey {
    #[serde(rename = "RuleID")]
    RuleId,
    Title,
    Severity,
    StartLine,
    #[serde(other)]
    Other,
}

impl<'de> Record<'de> for Secret<'de> {
    type Key = SecretKey;
    const EXPECTING: &'static str = "a Trivy secret";

    fn member<A: MapAccess<'de>>(
        &mut self,
        key: SecretKey,
        map: &mut A,
        _path: &mut Path,
    ) -> Result<(), A::Error> {
        match key {
            SecretKey::RuleId => self.rule_id = Some(map.next_value()?),
            SecretKey::Title => self.title = map.next_value()?,
            SecretKey::Severity => self.severity = map.next_value()?,
            SecretKey::StartLine => self.start_line = map.next_value()?,
            SecretKey::Other => skip(map)?,
        }
        Ok(())
    }

    fn complete<E: de::Error>(self) -> Result<Self, E> {
        match self.rule_id {
            Some(_) => Ok(self),
            None => Err(E::missing_field("RuleID")),
        }
    }
}

/// A finding of `id` with no asset host, detector or date yet ([`Reader::finish`] adds
/// them).
fn base(id: &str, detail: Option<String>, place: String, texts: &mut Texts) -> Finding {
    let id = id.trim();
    Finding {
        weakness_id: id.to_owned(),
        name: texts.share(id),
        assets: vec![Asset::new(String::new(), detail)],
        place,
        ..Finding::default()
    }
}

/// The scanner's severity word (`UNKNOWN` when it wrote none).
fn severity_text(severity: Option<&Text<'_>>) -> String {
    severity.map_or_else(|| "UNKNOWN".to_owned(), |s| s.to_string())
}

impl Vulnerability<'_> {
    fn finding(&self, texts: &mut Texts, place: String) -> Finding {
        let id = self.vulnerability_id.as_deref().unwrap_or_default();
        let package = self
            .pkg_name
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty());
        // The package file is added by `finish` when the target is not the artifact.
        let installed = package.map(|p| match self.installed_version.as_deref() {
            Some(ver) if !ver.is_empty() => format!("{p}@{ver}"),
            _ => p.to_owned(),
        });
        let mut f = base(id, installed, place, texts);
        f.package = package.map(str::to_owned);
        f.name = match meaningful(self.title.as_ref()) {
            Some(title) => texts.share(title),
            None => match package {
                Some(p) => texts.share(&format!("{id} in {p}")),
                None => texts.share(id),
            },
        };
        f.description = texts.meaningful(self.description.as_deref());
        push_cve(&mut f.cves, id);
        for v in &self.vendor_ids {
            push_cve(&mut f.cves, v);
        }
        f.cvss = self.cvss();
        let text = severity_text(self.severity.as_ref());
        f.severity = match (Severity::parse(&text), f.cvss.score) {
            (Some(Severity::Info | Severity::Unknown) | None, Some(score)) => {
                Severity::from_score(score)
            }
            (s, _) => s.unwrap_or(Severity::Unknown),
        };
        f.scanner_severity = text;
        let fixed = meaningful(self.fixed_version.as_ref());
        f.solution = match (package, fixed) {
            (Some(p), Some(fixed)) => {
                Some(texts.share(&format!("Upgrade {p} to {fixed} or later.")))
            }
            (None, Some(fixed)) => Some(texts.share(&format!("Upgrade to {fixed} or later."))),
            _ => None,
        };
        f
    }

    /// The CVSS: the source Trivy rated it by, else NVD, else the first source by name;
    /// v3 first.
    fn cvss(&self) -> Cvss {
        let by = |name: &str| self.cvss.iter().rev().find(|(s, _)| &**s == name);
        let pick = self
            .severity_source
            .as_deref()
            .and_then(by)
            .or_else(|| by("nvd"))
            .or_else(|| self.cvss.iter().rev().min_by(|a, b| a.0.cmp(&b.0)));
        let Some((_, c)) = pick else {
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
}

impl Check<'_> {
    /// Why a check is not a finding: it passed (or any status but `FAIL`).
    fn skipped(&self) -> Option<String> {
        match self {
            Check::Misconfiguration(m) => match m.status.as_deref() {
                Some("FAIL") | None => None,
                Some(other) => Some(format!("status {other}")),
            },
            Check::Secret(_) => None,
        }
    }

    fn finding(&self, texts: &mut Texts, target: &str, place: String) -> Finding {
        match self {
            Check::Misconfiguration(m) => misconfiguration(m, texts, target, place),
            Check::Secret(s) => secret(s, texts, target, place),
        }
    }
}

fn misconfiguration(
    m: &Misconfiguration<'_>,
    texts: &mut Texts,
    target: &str,
    place: String,
) -> Finding {
    let id =
        m.id.as_deref()
            .or(m.avd_id.as_deref())
            .unwrap_or("misconfiguration");
    let mut f = base(id, Some(target.to_owned()), place, texts);
    f.name = texts.share(meaningful(m.title.as_ref()).unwrap_or(id));
    f.description = match (
        meaningful(m.description.as_ref()),
        meaningful(m.message.as_ref()),
    ) {
        (Some(d), Some(msg)) => Some(texts.share(&format!("{d}\n\n{msg}"))),
        (d, msg) => d.or(msg).map(|t| texts.share(t)),
    };
    let text = severity_text(m.severity.as_ref());
    f.severity = Severity::parse(&text).unwrap_or(Severity::Unknown);
    f.scanner_severity = text;
    f.solution = texts.meaningful(m.resolution.as_deref());
    f.kind = FindingKind::Configuration;
    f
}

fn secret(s: &Secret<'_>, texts: &mut Texts, target: &str, place: String) -> Finding {
    let rule = s.rule_id.as_deref().unwrap_or_default();
    let detail = match s.start_line {
        Some(l) => format!("{target} line {l}"),
        None => target.to_owned(),
    };
    let mut f = base(rule, Some(detail), place, texts);
    let title = meaningful(s.title.as_ref()).unwrap_or(rule);
    f.name = texts.share(&format!("Secret: {title}"));
    f.description = Some(texts.share(&format!("A {title} is written in {target}.")));
    let text = severity_text(s.severity.as_ref());
    f.severity = Severity::parse(&text).unwrap_or(Severity::Unknown);
    f.scanner_severity = text;
    f.solution = Some(texts.share(&format!(
        "Remove the secret from {target} and revoke or rotate it."
    )));
    f
}
