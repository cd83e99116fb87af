//! The neutral, typed form every scanner's result takes: a [`Scan`] of [`Finding`]s. Readers
//! produce it; grouping and item building consume it, so neither knows any scanner format.

use std::collections::{BTreeSet, HashSet};
use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;

/// The formats poam recognizes, by their content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ScanFormat {
    /// Tenable Nessus `.nessus` (`NessusClientData_v2` XML).
    NessusXml,
    /// Nessus (or Tenable.sc) CSV export.
    NessusCsv,
    /// SARIF 2.1.0, any tool.
    Sarif,
    /// Trivy JSON: schema 2, the older list of results, or a Kubernetes cluster report.
    Trivy,
    /// Anchore Grype JSON.
    Grype,
    /// XCCDF results (OpenSCAP and others): `TestResult/rule-result`.
    Xccdf,
    /// Amazon Inspector v2 findings JSON (`{"findings": [...]}`).
    Inspector,
}

impl ScanFormat {
    /// Every format, in the order `poam import --help` lists them.
    pub const ALL: [ScanFormat; 7] = [
        Self::NessusXml,
        Self::NessusCsv,
        Self::Sarif,
        Self::Trivy,
        Self::Grype,
        Self::Xccdf,
        Self::Inspector,
    ];

    /// The format's name for people.
    pub fn name(self) -> &'static str {
        match self {
            Self::NessusXml => "Nessus .nessus XML (v2)",
            Self::NessusCsv => "Nessus CSV export",
            Self::Sarif => "SARIF 2.1.0",
            Self::Trivy => "Trivy JSON",
            Self::Grype => "Grype JSON",
            Self::Xccdf => "XCCDF results (OpenSCAP)",
            Self::Inspector => "Amazon Inspector v2 findings JSON",
        }
    }

    /// The formats as a list for messages.
    pub fn all_names() -> String {
        Self::ALL.map(Self::name).join(", ")
    }
}

impl fmt::Display for ScanFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The scanner that produced a finding (the workbook's "Weakness Detector Source").
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Detector {
    /// The tool's name as it calls itself: `Nessus`, `CodeQL`, `Trivy`.
    pub name: String,
    /// The tool's version, when the scan says.
    pub version: Option<String>,
}

impl Detector {
    /// A detector named `name`.
    pub fn new(name: impl Into<String>, version: Option<String>) -> Self {
        Self {
            name: name.into(),
            version: version.filter(|v| !v.trim().is_empty()),
        }
    }

    /// The name compared across months (case and spacing do not matter).
    pub fn key(&self) -> String {
        let mut out = String::new();
        self.write_key(&mut out);
        out
    }

    /// [`Self::key`] appended to `out`.
    pub(crate) fn write_key(&self, out: &mut String) {
        write_lowercase(out, self.name.trim());
    }
}

/// A scanner's severity, in its five usual steps (FedRAMP folds Critical into High and
/// Info is no finding for the POA&M), and `Unknown` for a finding the scanner did not rate.
///
/// An unrated finding (a failed XCCDF rule with no `@severity`, Trivy's `UNKNOWN` without a
/// CVSS score, Inspector's `UNTRIAGED`) is a weakness, not information: it ranks between Low
/// and Moderate, so the default `--min-severity low` imports it and `moderate` skips it, and
/// it is rated Moderate until the provider assesses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Severity {
    /// Informational: no finding for the POA&M.
    #[default]
    Info,
    /// Low.
    Low,
    /// Not rated by the scanner (`unknown`, `untriaged`, no severity at all).
    Unknown,
    /// Moderate (a scanner's Medium).
    Moderate,
    /// High.
    High,
    /// Critical (High for FedRAMP).
    Critical,
}

impl Severity {
    /// Severity words as scanners write them (any case): `critical`, `high`, `medium`,
    /// `moderate`, `low`, `negligible`, `info`, `informational`, `none`; `unknown`,
    /// `untriaged`, `unspecified` and an empty word are [`Severity::Unknown`].
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "critical" | "very high" => Some(Self::Critical),
            "high" | "important" | "error" => Some(Self::High),
            "medium" | "moderate" | "med" | "warning" => Some(Self::Moderate),
            "low" | "negligible" | "note" => Some(Self::Low),
            "info" | "informational" | "information" | "none" => Some(Self::Info),
            "unknown" | "untriaged" | "unspecified" | "unrated" | "" => Some(Self::Unknown),
            _ => None,
        }
    }

    /// The band of a CVSS (or CVSS-like) score: 9.0+ critical, 7.0 high, 4.0 moderate, above
    /// 0 low, 0 informational.
    pub fn from_score(score: f64) -> Self {
        if score >= 9.0 {
            Self::Critical
        } else if score >= 7.0 {
            Self::High
        } else if score >= 4.0 {
            Self::Moderate
        } else if score > 0.0 {
            Self::Low
        } else {
            Self::Info
        }
    }

    /// `--min-severity` and summary names.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Low => "low",
            Self::Unknown => "unknown",
            Self::Moderate => "moderate",
            Self::High => "high",
            Self::Critical => "critical",
        }
    }

    /// Every severity, highest first (unrated between moderate and low).
    pub const ALL: [Severity; 6] = [
        Self::Critical,
        Self::High,
        Self::Moderate,
        Self::Unknown,
        Self::Low,
        Self::Info,
    ];
}

/// FedRAMP's workbook has two item sheets for findings: vulnerabilities, and configuration
/// findings (failed benchmark rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum FindingKind {
    /// A vulnerability (the workbook's Open POA&M Items).
    #[default]
    Vulnerability,
    /// A failed configuration check (the workbook's Configuration Findings).
    Configuration,
}

/// A CVSS vector and base score as the scanner gave them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Cvss {
    /// `2.0`, `3.0`, `3.1`, `4.0` (from the vector's prefix or the field it came from).
    pub version: Option<String>,
    /// The vector as written.
    pub vector: Option<String>,
    /// The base score.
    pub score: Option<f64>,
}

impl Cvss {
    /// Whether the scanner gave neither vector nor score.
    pub fn is_empty(&self) -> bool {
        self.vector.is_none() && self.score.is_none()
    }
}

/// Where a weakness was found: a host and port, an image and package, a file and line, a
/// benchmark target, a cloud resource.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Asset {
    /// What was scanned: host name or address, image, repository file, resource id. This is
    /// the unit of scan coverage (`--complete` closes only items whose hosts were scanned).
    pub host: String,
    /// The place within it, when there is one: `443/tcp`, `openssl@1.1.1k`, `line 12`.
    pub detail: Option<String>,
    /// Other names of the host (IP address, FQDN, NetBIOS name) for `--ssp` resolution and
    /// coverage; shared by every finding on the host (`Arc::make_mut` to change one
    /// asset's).
    pub aliases: Arc<BTreeSet<String>>,
}

impl Asset {
    /// An asset `host`, with an optional place within it (blank counts as none).
    pub fn new(host: impl Into<String>, detail: Option<String>) -> Self {
        Self {
            host: host.into(),
            detail: detail.filter(|d| !d.trim().is_empty()),
            aliases: Arc::default(),
        }
    }

    /// The workbook's asset identifier: `host (detail)`, or the host.
    pub fn identifier(&self) -> String {
        let mut out = String::new();
        self.write_identifier(&mut out);
        out
    }

    /// [`Self::identifier`] appended to `out` (a buffer reused from one asset to the next).
    pub(crate) fn write_identifier(&self, out: &mut String) {
        match &self.detail {
            Some(d) if self.host.trim().is_empty() => out.push_str(d),
            Some(d) => {
                out.push_str(&self.host);
                out.push_str(" (");
                out.push_str(d);
                out.push(')');
            }
            None => out.push_str(&self.host),
        }
    }
}

/// A text that the findings of one weakness share (its name, description, solution): a big
/// scan repeats a plugin's texts on every host, and holds them once.
pub type SharedText = Arc<str>;

/// Hands out one [`SharedText`] per distinct text, so that a scan holds each plugin's or
/// rule's texts once however many findings repeat them.
#[derive(Debug, Default)]
pub(crate) struct Texts {
    known: HashSet<SharedText>,
}

impl Texts {
    /// `text`, shared with every earlier finding that had the same.
    pub(crate) fn share(&mut self, text: &str) -> SharedText {
        if let Some(t) = self.known.get(text) {
            return Arc::clone(t);
        }
        let t: SharedText = Arc::from(text);
        self.known.insert(Arc::clone(&t));
        t
    }

    /// [`meaningful`] text, shared.
    pub(crate) fn meaningful(&mut self, text: Option<&str>) -> Option<SharedText> {
        meaningful_str(text?).map(|t| self.share(t))
    }
}

/// One finding of one scanner on one asset, as the scanner states it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Finding {
    /// The scanner.
    pub detector: Detector,
    /// The scanner's identifier for the weakness: plugin id, rule id, vulnerability id.
    pub weakness_id: String,
    /// The package (or other component) the weakness is in, when the scanner names one:
    /// the same CVE in two packages is two weaknesses.
    pub package: Option<String>,
    /// The weakness's name (the plugin's or rule's title).
    pub name: SharedText,
    /// The scanner's description.
    pub description: Option<SharedText>,
    /// Where it was found.
    pub assets: Vec<Asset>,
    /// CVE ids, upper case, each once.
    pub cves: Vec<String>,
    /// The CVSS the scanner gave.
    pub cvss: Cvss,
    /// The severity poam rates the finding by.
    pub severity: Severity,
    /// The severity as the scanner wrote it (`4`, `CRITICAL`, `error`, `medium`).
    pub scanner_severity: String,
    /// The scanner's remediation advice.
    pub solution: Option<SharedText>,
    /// When the scanner saw it (the scan's date when the finding has none of its own).
    pub detected: Option<NaiveDate>,
    /// Vulnerability or configuration finding.
    pub kind: FindingKind,
    /// Where in the scan file it is (`line 120`, `Results[0].Vulnerabilities[3]`), for
    /// messages.
    pub place: String,
}

/// What one scan file says.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Scan {
    /// The format it was read as.
    pub format: Option<ScanFormat>,
    /// The scanners of the file (SARIF can hold several runs).
    pub detectors: Vec<Detector>,
    /// Every finding, in file order (informational ones included).
    pub findings: Vec<Finding>,
    /// Every host the scan covered, findings or not (a Nessus host with only informational
    /// results, a Trivy image with no vulnerability), by each detector's key.
    pub scanned: BTreeSet<(String, String)>,
    /// Detectors whose scan covers everything they look at (a code scanner reads the whole
    /// repository), so any of their open items not found again is no longer detected.
    pub whole: BTreeSet<String>,
    /// The scan's date, when the file states one.
    pub date: Option<NaiveDate>,
    /// Results the reader skipped on purpose (suppressed, passed), with why; for the
    /// summary.
    pub skipped: Vec<String>,
    /// Checks that ran and could not decide (XCCDF `error`, `unknown`): not findings, and
    /// not a pass either, so each is a warning and never closes an item.
    pub undecided: Vec<Undecided>,
}

/// A check that could not decide whether the weakness is there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undecided {
    /// The detector's key ([`Detector::key`]).
    pub detector: String,
    /// The scanner's identifier of the check (the XCCDF rule id).
    pub weakness_id: String,
    /// The asset the check ran on.
    pub host: String,
    /// The scanner's word for the result (`error`, `unknown`).
    pub result: String,
    /// Where in the scan file it is.
    pub place: String,
}

impl fmt::Display for Undecided {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: rule {} on {}: result {:?}: the check could not decide; not a finding, and an open item for it is not closed",
            self.place, self.weakness_id, self.host, self.result
        )
    }
}

impl Scan {
    /// Records that `detector` scanned `host` (and its aliases).
    pub fn covered(&mut self, detector: &Detector, asset: &Asset) {
        let d = detector.key();
        self.scanned
            .insert((d.clone(), asset.host.trim().to_lowercase()));
        for a in asset.aliases.iter() {
            self.scanned.insert((d.clone(), a.trim().to_lowercase()));
        }
    }

    /// Whether `detector` covered the host named `name`.
    pub fn covers(&self, detector: &str, name: &str) -> bool {
        self.whole.contains(detector)
            || self
                .scanned
                .contains(&(detector.to_owned(), name.trim().to_lowercase()))
    }

    /// The scan without its findings: what merging into a POA&M needs besides the items
    /// (coverage, undecided checks), without a second copy of every finding.
    #[must_use]
    pub fn without_findings(&self) -> Scan {
        Scan {
            format: self.format,
            detectors: self.detectors.clone(),
            findings: Vec::new(),
            scanned: self.scanned.clone(),
            whole: self.whole.clone(),
            date: self.date,
            skipped: self.skipped.clone(),
            undecided: self.undecided.clone(),
        }
    }

    /// The findings' distinct assets (by identifier).
    pub fn asset_count(&self) -> usize {
        self.findings
            .iter()
            .flat_map(|f| f.assets.iter().map(|a| a.host.to_lowercase()))
            .collect::<BTreeSet<_>>()
            .len()
    }
}

/// `text.to_lowercase()` appended to `out`, without an allocation when it is ASCII.
pub(crate) fn write_lowercase(out: &mut String, text: &str) {
    if text.is_ascii() {
        out.extend(text.chars().map(|c| c.to_ascii_lowercase()));
    } else {
        out.push_str(&text.to_lowercase());
    }
}

/// CVE ids in `text` (upper case, in order, each once).
pub(crate) fn cves_in(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')) {
        if is_cve(word) {
            let w = word.to_ascii_uppercase();
            if !out.contains(&w) {
                out.push(w);
            }
        }
    }
    out
}

/// Whether `s` is a CVE id (`CVE-2024-12345`).
pub(crate) fn is_cve(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 13
        && b[..4].eq_ignore_ascii_case(b"cve-")
        && b[4..8].iter().all(u8::is_ascii_digit)
        && b[8] == b'-'
        && b[9..].iter().all(u8::is_ascii_digit)
}

/// Adds `cve` (any case) to `list` once, upper case.
pub(crate) fn push_cve(list: &mut Vec<String>, cve: &str) {
    let c = cve.trim().to_ascii_uppercase();
    if is_cve(&c) && !list.contains(&c) {
        list.push(c);
    }
}

/// The CVSS version a vector names (`CVSS:3.1/...` is 3.1; a bare `AV:N/AC:L/Au:N` is 2.0).
pub(crate) fn cvss_version_of(vector: &str) -> Option<String> {
    let v = vector.trim();
    if let Some(rest) = v.strip_prefix("CVSS:") {
        return rest.split('/').next().map(str::to_owned);
    }
    v.contains("Au:").then(|| "2.0".to_owned())
}

/// Text that says nothing (`n/a`, `None`, empty) as `None`.
pub(crate) fn meaningful(text: Option<&str>) -> Option<String> {
    meaningful_str(text?).map(str::to_owned)
}

/// [`meaningful`] without a copy: the trimmed text, or `None`.
pub(crate) fn meaningful_str(text: &str) -> Option<&str> {
    let t = text.trim();
    let empty = t.is_empty()
        || t.eq_ignore_ascii_case("n/a")
        || t.eq_ignore_ascii_case("none")
        || t.eq_ignore_ascii_case("none provided");
    (!empty).then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_words_and_bands() {
        assert_eq!(Severity::parse("CRITICAL"), Some(Severity::Critical));
        assert_eq!(Severity::parse("Medium"), Some(Severity::Moderate));
        assert_eq!(Severity::parse("Negligible"), Some(Severity::Low));
        assert_eq!(Severity::parse("UNTRIAGED"), Some(Severity::Unknown));
        assert_eq!(Severity::parse("unknown"), Some(Severity::Unknown));
        assert_eq!(Severity::parse("None"), Some(Severity::Info));
        assert!(Severity::Low < Severity::Unknown && Severity::Unknown < Severity::Moderate);
        assert_eq!(Severity::parse("bogus"), None);
        assert_eq!(Severity::from_score(9.0), Severity::Critical);
        assert_eq!(Severity::from_score(8.9), Severity::High);
        assert_eq!(Severity::from_score(7.0), Severity::High);
        assert_eq!(Severity::from_score(4.0), Severity::Moderate);
        assert_eq!(Severity::from_score(0.1), Severity::Low);
        assert_eq!(Severity::from_score(0.0), Severity::Info);
    }

    #[test]
    fn cves_and_versions() {
        assert_eq!(
            cves_in("CVE-2021-44228, cve-2021-45046 and CVE-2021-44228; CVE-12"),
            ["CVE-2021-44228", "CVE-2021-45046"]
        );
        assert_eq!(
            cvss_version_of("CVSS:3.1/AV:N/AC:L").as_deref(),
            Some("3.1")
        );
        assert_eq!(
            cvss_version_of("AV:N/AC:L/Au:N/C:P").as_deref(),
            Some("2.0")
        );
        assert_eq!(cvss_version_of("garbage"), None);
        assert_eq!(meaningful(Some(" n/a ")), None);
        assert_eq!(meaningful(Some("Upgrade")).as_deref(), Some("Upgrade"));
    }

    #[test]
    fn asset_identifiers() {
        let a = Asset::new("10.0.0.5", Some("443/tcp".into()));
        assert_eq!(a.identifier(), "10.0.0.5 (443/tcp)");
        assert_eq!(Asset::new("web", Some(" ".into())).identifier(), "web");
    }
}
