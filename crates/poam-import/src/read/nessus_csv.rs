//! Nessus (and Tenable.sc) CSV exports: one row per plugin, host and port (often one per
//! CVE too; grouping collapses those). Columns are found by their header, whose wording
//! varies between exports (`Plugin ID` or `Plugin`, `Host` or `IP Address`, `Risk` or
//! `Severity`, `CVSS v3.0 Base Score` or `CVSS V3 Base Score`).

use std::collections::HashMap;

use chrono::NaiveDate;

use super::xml::utf8;
use crate::error::{ScanError, ScanErrorKind};
use crate::finding::{
    Asset, Cvss, Detector, Finding, FindingKind, Scan, ScanFormat, Severity, cves_in,
    cvss_version_of, meaningful,
};

const FORMAT: ScanFormat = ScanFormat::NessusCsv;

/// The columns poam reads, each with the headers exports give it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Col {
    PluginId,
    Name,
    Risk,
    Host,
    Ip,
    Dns,
    NetBios,
    Protocol,
    Port,
    Cve,
    Cvss3Score,
    Cvss3Vector,
    Cvss2Score,
    Cvss2Vector,
    Synopsis,
    Description,
    Solution,
    FirstDiscovered,
}

const HEADERS: &[(Col, &[&str])] = &[
    (Col::PluginId, &["plugin id", "plugin"]),
    (Col::Name, &["name", "plugin name"]),
    (Col::Risk, &["risk", "severity", "risk factor"]),
    (Col::Host, &["host"]),
    (Col::Ip, &["ip address", "ip"]),
    (Col::Dns, &["dns name", "fqdn"]),
    (Col::NetBios, &["netbios name"]),
    (Col::Protocol, &["protocol"]),
    (Col::Port, &["port"]),
    (Col::Cve, &["cve"]),
    (
        Col::Cvss3Score,
        &[
            "cvss v3.0 base score",
            "cvss v3 base score",
            "cvss3 base score",
        ],
    ),
    (Col::Cvss3Vector, &["cvss v3 vector", "cvss v3.0 vector"]),
    (
        Col::Cvss2Score,
        &["cvss v2.0 base score", "cvss v2 base score", "cvss"],
    ),
    (Col::Cvss2Vector, &["cvss v2 vector", "cvss v2.0 vector"]),
    (Col::Synopsis, &["synopsis"]),
    (Col::Description, &["description"]),
    (Col::Solution, &["solution"]),
    (Col::FirstDiscovered, &["first discovered", "first seen"]),
];

/// Where each known column is (the first header that names it wins).
fn columns(headers: &csv::StringRecord) -> HashMap<Col, usize> {
    let mut at = HashMap::new();
    for (col, names) in HEADERS {
        // Synonyms in order of preference: `Risk` before `Severity` before `Risk Factor`.
        let found = names.iter().find_map(|n| {
            headers.iter().position(|h| {
                h.trim()
                    .trim_start_matches('\u{feff}')
                    .eq_ignore_ascii_case(n)
            })
        });
        if let Some(i) = found {
            at.insert(*col, i);
        }
    }
    at
}

pub(crate) fn read(bytes: &[u8]) -> Result<Scan, ScanError> {
    let text = utf8(bytes, FORMAT)?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| csv_error(&e))?.clone();
    let cols = columns(&headers);
    for required in [Col::PluginId, Col::Risk] {
        if !cols.contains_key(&required) {
            return Err(ScanError::structure(
                FORMAT,
                format!("no {required:?} column in the header row"),
            )
            .at("line 1"));
        }
    }
    if !cols.contains_key(&Col::Host)
        && !cols.contains_key(&Col::Ip)
        && !cols.contains_key(&Col::Dns)
    {
        return Err(ScanError::structure(
            FORMAT,
            "no Host, IP Address or DNS Name column in the header row",
        )
        .at("line 1"));
    }
    let detector = Detector::new("Nessus", None);
    let mut scan = Scan {
        format: Some(FORMAT),
        detectors: vec![detector.clone()],
        ..Scan::default()
    };
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(&e))?;
        let line = record.position().map_or(0, csv::Position::line);
        // Exports end with rows of empty fields.
        if record.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        let get = |c: Col| {
            cols.get(&c)
                .and_then(|&i| record.get(i))
                .and_then(|v| meaningful(Some(v)))
        };
        let Some(plugin) = get(Col::PluginId) else {
            return Err(
                ScanError::structure(FORMAT, "a row has no plugin id").at(format!("line {line}"))
            );
        };
        let host_name = get(Col::Host)
            .or_else(|| get(Col::Dns))
            .or_else(|| get(Col::Ip));
        let Some(host_name) = host_name else {
            return Err(
                ScanError::structure(FORMAT, "a row names no host").at(format!("line {line}"))
            );
        };
        let port = get(Col::Port).filter(|p| p != "0");
        let detail = port.map(|p| {
            format!(
                "{p}/{}",
                get(Col::Protocol).unwrap_or_default().to_ascii_lowercase()
            )
        });
        let mut asset = Asset::new(host_name, detail);
        for c in [Col::Ip, Col::Dns, Col::NetBios] {
            if let Some(v) = get(c) {
                std::sync::Arc::make_mut(&mut asset.aliases).insert(v);
            }
        }
        scan.covered(&detector, &asset);
        let risk = get(Col::Risk).unwrap_or_else(|| "None".to_owned());
        let cvss = cvss(&get);
        let detected = get(Col::FirstDiscovered).as_deref().and_then(csv_date);
        scan.date = scan.date.max(detected);
        scan.findings.push(Finding {
            detector: detector.clone(),
            weakness_id: plugin.clone(),
            package: None,
            name: get(Col::Name)
                .unwrap_or_else(|| format!("Nessus plugin {plugin}"))
                .into(),
            description: get(Col::Description)
                .or_else(|| get(Col::Synopsis))
                .map(Into::into),
            assets: vec![asset],
            cves: get(Col::Cve).map(|c| cves_in(&c)).unwrap_or_default(),
            cvss,
            severity: Severity::parse(&risk).unwrap_or(Severity::Unknown),
            scanner_severity: risk,
            solution: get(Col::Solution).map(Into::into),
            detected,
            kind: FindingKind::Vulnerability,
            place: format!("line {line}"),
        });
    }
    Ok(scan)
}

/// Some exports write scores times ten (`75` for 7.5).
fn score(text: Option<String>) -> Option<f64> {
    let s: f64 = text?.trim().parse().ok()?;
    Some(if s > 10.0 { s / 10.0 } else { s })
}

fn cvss(get: &dyn Fn(Col) -> Option<String>) -> Cvss {
    let v3 = (get(Col::Cvss3Vector), score(get(Col::Cvss3Score)));
    if v3.0.is_some() || v3.1.is_some() {
        let vector = v3.0.map(|v| {
            if v.starts_with("CVSS:") {
                v
            } else {
                format!("CVSS:3.0/{v}")
            }
        });
        return Cvss {
            version: vector.as_deref().and_then(cvss_version_of),
            vector,
            score: v3.1,
        };
    }
    let v2 = (get(Col::Cvss2Vector), score(get(Col::Cvss2Score)));
    if v2.0.is_some() || v2.1.is_some() {
        return Cvss {
            version: Some("2.0".to_owned()),
            vector: v2.0,
            score: v2.1,
        };
    }
    Cvss::default()
}

/// `Jan 5, 2021 10:24:08 MST`, `2024-06-03`, `03/06/2024` (day first) as a date.
fn csv_date(text: &str) -> Option<NaiveDate> {
    let words: Vec<&str> = text.split_whitespace().take(3).collect();
    NaiveDate::parse_from_str(&words.join(" "), "%b %d, %Y")
        .ok()
        .or_else(|| NaiveDate::parse_from_str(words.first()?, "%Y-%m-%d").ok())
        .or_else(|| NaiveDate::parse_from_str(words.first()?, "%d/%m/%Y").ok())
}

fn csv_error(e: &csv::Error) -> ScanError {
    let place = e.position().map(|p| format!("line {}", p.line()));
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!(
            "malformed CSV: a row has {len} fields where the header has {expected_len} (a truncated or damaged file?)"
        ),
        _ => format!("malformed CSV: {e}"),
    };
    let err = ScanError::new(ScanErrorKind::Syntax, Some(FORMAT), message);
    match place {
        Some(p) => err.at(p),
        None => err,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_scores() {
        assert_eq!(
            csv_date("Jan 5, 2021 10:24:08 MST"),
            NaiveDate::from_ymd_opt(2021, 1, 5)
        );
        assert_eq!(csv_date("2024-06-03"), NaiveDate::from_ymd_opt(2024, 6, 3));
        assert_eq!(
            csv_date("23/11/2009"),
            NaiveDate::from_ymd_opt(2009, 11, 23)
        );
        assert_eq!(csv_date("soon"), None);
        assert_eq!(score(Some("75".into())), Some(7.5));
        assert_eq!(score(Some("9.8".into())), Some(9.8));
    }
}
