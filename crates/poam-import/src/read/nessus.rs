//! Tenable Nessus `.nessus` files (`NessusClientData_v2`), read as a stream of XML events:
//! one host's properties and one report item at a time.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::NaiveDate;

use std::io::BufRead;

use super::xml::{Node, Tag, XmlReader};
use crate::error::{ScanError, ScanErrorKind};
use crate::finding::{
    Asset, Cvss, Detector, Finding, FindingKind, Scan, ScanFormat, Severity, SharedText, Texts,
    cvss_version_of, meaningful, push_cve,
};

const FORMAT: ScanFormat = ScanFormat::NessusXml;

/// What a `ReportHost` says about itself.
#[derive(Default)]
struct Host {
    name: String,
    /// Shared by the assets of all the host's findings.
    aliases: Arc<BTreeSet<String>>,
    date: Option<NaiveDate>,
}

impl Host {
    fn asset(&self, detail: Option<String>) -> Asset {
        let mut a = Asset::new(self.name.clone(), detail);
        a.aliases = Arc::clone(&self.aliases);
        a
    }
}

pub(crate) fn read(input: Box<dyn BufRead + '_>) -> Result<Scan, ScanError> {
    let mut r = XmlReader::new(input, FORMAT);
    let detector = Detector::new("Nessus", None);
    let mut scan = Scan {
        format: Some(FORMAT),
        ..Scan::default()
    };
    let mut root_seen = false;
    let mut version: Option<String> = None;
    let mut host = Host::default();
    let mut texts = Texts::default();
    let mut scratch = String::new();
    loop {
        match r.next()? {
            Node::Open(t) => match t.local() {
                "NessusClientData_v2" => root_seen = true,
                _ if !root_seen => {
                    return Err(r.error(
                        ScanErrorKind::Structure,
                        format!(
                            "the root element is <{}>, not <NessusClientData_v2>",
                            t.local()
                        ),
                    ));
                }
                "Policy" => r.skip(&t)?,
                "ReportHost" => {
                    host = Host {
                        name: t.attr("name").unwrap_or_default(),
                        ..Host::default()
                    };
                    if host.name.trim().is_empty() {
                        return Err(r.error(ScanErrorKind::Structure, "a <ReportHost> has no name"));
                    }
                    scan.covered(&detector, &host.asset(None));
                }
                "HostProperties" => {
                    host_properties(&mut r, &t, &mut host)?;
                    scan.covered(&detector, &host.asset(None));
                    scan.date = scan.date.max(host.date);
                }
                "ReportItem" => {
                    let place = r.place();
                    let item = report_item(&mut r, &t, &mut texts, &mut scratch)?;
                    if item.plugin_id == "19506" {
                        version = version.or_else(|| scanner_version(&item.output));
                    }
                    scan.findings.push(item.finding(&host, place, &mut texts));
                }
                _ => {}
            },
            Node::Eof => break,
            Node::Close | Node::Text => {}
        }
    }
    if !root_seen {
        return Err(ScanError::structure(
            FORMAT,
            "no <NessusClientData_v2> element",
        ));
    }
    let detector = Detector::new("Nessus", version);
    for f in &mut scan.findings {
        f.detector = detector.clone();
    }
    scan.detectors = vec![detector];
    Ok(scan)
}

fn host_properties(r: &mut XmlReader<'_>, open: &Tag, host: &mut Host) -> Result<(), ScanError> {
    if open.empty {
        return Ok(());
    }
    loop {
        match r.next()? {
            Node::Open(t) if t.local() == "tag" => {
                let name = t.attr("name").unwrap_or_default();
                let value = r.text_of(&t)?;
                let value = value.trim();
                match name.as_str() {
                    "host-ip" | "host-fqdn" | "netbios-name" | "hostname" if !value.is_empty() => {
                        Arc::make_mut(&mut host.aliases).insert(value.to_owned());
                    }
                    "HOST_START_TIMESTAMP" => {
                        host.date = value
                            .parse::<i64>()
                            .ok()
                            .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
                            .map(|d| d.date_naive())
                            .or(host.date);
                    }
                    "HOST_START" if host.date.is_none() => {
                        host.date = parse_host_start(value);
                    }
                    _ => {}
                }
            }
            Node::Open(t) => r.skip(&t)?,
            Node::Close => return Ok(()),
            Node::Text => {}
            Node::Eof => {
                return Err(r.error(
                    ScanErrorKind::Syntax,
                    "the file ends inside <HostProperties>",
                ));
            }
        }
    }
}

/// `Wed Mar 23 15:07:52 2022`.
fn parse_host_start(text: &str) -> Option<NaiveDate> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let joined = words.join(" ");
    chrono::NaiveDateTime::parse_from_str(&joined, "%a %b %d %H:%M:%S %Y")
        .ok()
        .map(|d| d.date())
}

/// `Nessus version : 10.1.1` in the output of plugin 19506 (Nessus Scan Information).
fn scanner_version(output: &str) -> Option<String> {
    output.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        (k.trim() == "Nessus version").then(|| v.trim().to_owned())
    })
}

#[derive(Default)]
struct Item {
    plugin_id: String,
    plugin_name: String,
    port: String,
    protocol: String,
    severity: String,
    risk_factor: Option<String>,
    synopsis: Option<SharedText>,
    description: Option<SharedText>,
    solution: Option<SharedText>,
    output: String,
    cves: Vec<String>,
    cvss3_vector: Option<String>,
    cvss3_score: Option<f64>,
    cvss2_vector: Option<String>,
    cvss2_score: Option<f64>,
}

/// One `ReportItem`; its texts shared through `texts`, decoded in `scratch`.
fn report_item(
    r: &mut XmlReader<'_>,
    open: &Tag,
    texts: &mut Texts,
    scratch: &mut String,
) -> Result<Item, ScanError> {
    let mut item = Item::default();
    for (name, value) in open.attributes() {
        let field = match name {
            "pluginID" => &mut item.plugin_id,
            "pluginName" => &mut item.plugin_name,
            "port" => &mut item.port,
            "protocol" => &mut item.protocol,
            "severity" => &mut item.severity,
            _ => continue,
        };
        *field = value.into_owned();
    }
    if item.plugin_id.trim().is_empty() {
        return Err(r.error(ScanErrorKind::Structure, "a <ReportItem> has no pluginID"));
    }
    if open.empty {
        return Ok(item);
    }
    loop {
        match r.next_uncopied()? {
            Node::Open(t) => {
                // Only the elements used are decoded: a report item's other texts
                // (`plugin_output`, `see_also`, ...) are most of the file.
                let Some(child) = Child::of(r.name(), &item.plugin_id) else {
                    r.skip(&t)?;
                    continue;
                };
                r.text_into(&t, scratch)?;
                let text = scratch.as_str();
                let score = || text.trim().parse::<f64>().ok();
                match child {
                    Child::Cve => push_cve(&mut item.cves, text),
                    // Kept as written: `None` is informational, not unknown.
                    Child::RiskFactor => {
                        item.risk_factor = Some(text.trim().to_owned()).filter(|t| !t.is_empty());
                    }
                    Child::Synopsis => item.synopsis = texts.meaningful(Some(text)),
                    Child::Description => item.description = texts.meaningful(Some(text)),
                    Child::Solution => item.solution = texts.meaningful(Some(text)),
                    Child::PluginOutput => text.clone_into(&mut item.output),
                    Child::PluginName => {
                        if item.plugin_name.is_empty() {
                            text.clone_into(&mut item.plugin_name);
                        }
                    }
                    Child::Cvss3Vector => item.cvss3_vector = meaningful(Some(text)),
                    Child::Cvss3Score => item.cvss3_score = score(),
                    Child::Cvss2Vector => item.cvss2_vector = meaningful(Some(text)),
                    Child::Cvss2Score => item.cvss2_score = score(),
                }
            }
            Node::Close => return Ok(item),
            Node::Text => {}
            Node::Eof => {
                return Err(r.error(ScanErrorKind::Syntax, "the file ends inside <ReportItem>"));
            }
        }
    }
}

/// The child elements of a report item that are read: the texts a finding takes, and the
/// output of plugin 19506 (Nessus Scan Information), which names the scanner's version.
#[derive(Clone, Copy)]
enum Child {
    Cve,
    RiskFactor,
    Synopsis,
    Description,
    Solution,
    PluginOutput,
    PluginName,
    Cvss3Vector,
    Cvss3Score,
    Cvss2Vector,
    Cvss2Score,
}

impl Child {
    /// The child element of this local name, if it is read.
    fn of(local: &str, plugin_id: &str) -> Option<Self> {
        Some(match local {
            "cve" => Self::Cve,
            "risk_factor" => Self::RiskFactor,
            "synopsis" => Self::Synopsis,
            "description" => Self::Description,
            "solution" => Self::Solution,
            "plugin_output" if plugin_id.trim() == "19506" => Self::PluginOutput,
            "plugin_name" => Self::PluginName,
            "cvss3_vector" => Self::Cvss3Vector,
            "cvss3_base_score" => Self::Cvss3Score,
            "cvss_vector" => Self::Cvss2Vector,
            "cvss_base_score" => Self::Cvss2Score,
            _ => return None,
        })
    }
}

impl Item {
    fn severity(&self) -> Severity {
        match self.severity.trim() {
            "4" => Severity::Critical,
            "3" => Severity::High,
            "2" => Severity::Moderate,
            "1" => Severity::Low,
            "0" => Severity::Info,
            // An empty or unknown `@severity` leaves the rating to `risk_factor`.
            other => Severity::parse(other)
                .filter(|s| *s != Severity::Unknown)
                .or_else(|| self.risk_factor.as_deref().and_then(Severity::parse))
                .unwrap_or(Severity::Unknown),
        }
    }

    fn cvss(&self) -> Cvss {
        if self.cvss3_vector.is_some() || self.cvss3_score.is_some() {
            let vector = self.cvss3_vector.clone();
            Cvss {
                version: vector
                    .as_deref()
                    .and_then(cvss_version_of)
                    .or_else(|| Some("3.0".to_owned())),
                vector,
                score: self.cvss3_score,
            }
        } else if self.cvss2_vector.is_some() || self.cvss2_score.is_some() {
            Cvss {
                version: Some("2.0".to_owned()),
                vector: self
                    .cvss2_vector
                    .as_deref()
                    .map(|v| v.trim_start_matches("CVSS2#").to_owned()),
                score: self.cvss2_score,
            }
        } else {
            Cvss::default()
        }
    }

    fn finding(self, host: &Host, place: String, texts: &mut Texts) -> Finding {
        let port = self.port.trim();
        let detail =
            (!port.is_empty() && port != "0").then(|| format!("{port}/{}", self.protocol.trim()));
        let severity = self.severity();
        let cvss = self.cvss();
        let scanner_severity =
            meaningful(self.risk_factor.as_deref()).unwrap_or_else(|| self.severity.clone());
        Finding {
            // Named when the scan is read (its version may come last).
            detector: Detector::default(),
            weakness_id: self.plugin_id.trim().to_owned(),
            package: None,
            name: texts
                .meaningful(Some(&self.plugin_name))
                .unwrap_or_else(|| {
                    texts.share(&format!("Nessus plugin {}", self.plugin_id.trim()))
                }),
            description: self.description.or(self.synopsis),
            assets: vec![host.asset(detail)],
            cves: self.cves,
            cvss,
            severity,
            scanner_severity,
            solution: self.solution,
            detected: host.date,
            kind: FindingKind::Vulnerability,
            place,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_versions() {
        assert_eq!(
            parse_host_start("Wed Mar 23 15:07:52 2022"),
            NaiveDate::from_ymd_opt(2022, 3, 23)
        );
        assert_eq!(
            parse_host_start("Thu Mar  3 01:02:03 2022"),
            NaiveDate::from_ymd_opt(2022, 3, 3)
        );
        assert_eq!(
            scanner_version("Information :\n  Nessus version : 10.1.1\n").as_deref(),
            Some("10.1.1")
        );
    }
}
