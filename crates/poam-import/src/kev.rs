//! CISA's Known Exploited Vulnerabilities catalog (`known_exploited_vulnerabilities.json`),
//! read from the bytes of the file given: poam never fetches it.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Deserialize;

use crate::error::{ScanError, ScanErrorKind};

/// One catalog entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KevEntry {
    /// The CVE id, upper case.
    pub cve: String,
    /// The vulnerability's name in the catalog.
    pub name: Option<String>,
    /// When CISA added it.
    pub date_added: Option<NaiveDate>,
    /// The BOD 22-01 due date.
    pub due: Option<NaiveDate>,
    /// Whether it is known to be used in ransomware campaigns.
    pub ransomware: bool,
}

/// The catalog, by CVE id (upper case).
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// The catalog's version, when it says.
    pub version: Option<String>,
    entries: HashMap<String, KevEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Wire {
    catalog_version: Option<String>,
    vulnerabilities: Vec<WireEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireEntry {
    #[serde(rename = "cveID")]
    cve_id: String,
    vulnerability_name: Option<String>,
    date_added: Option<String>,
    due_date: Option<String>,
    known_ransomware_campaign_use: Option<String>,
}

fn date(text: Option<&str>) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text?.trim(), "%Y-%m-%d").ok()
}

impl Catalog {
    /// Reads the catalog's JSON.
    pub fn read(bytes: &[u8]) -> Result<Self, ScanError> {
        let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut de = serde_json::Deserializer::from_slice(b);
        let wire: Wire = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let inner = e.inner();
            ScanError::new(
                if inner.is_data() {
                    ScanErrorKind::Structure
                } else {
                    ScanErrorKind::Syntax
                },
                None,
                format!("not a CISA KEV catalog (known_exploited_vulnerabilities.json): {inner}"),
            )
            .at(format!(
                "line {}, column {} ({})",
                inner.line(),
                inner.column(),
                e.path()
            ))
        })?;
        let entries = wire
            .vulnerabilities
            .into_iter()
            .map(|v| {
                let cve = v.cve_id.trim().to_ascii_uppercase();
                let entry = KevEntry {
                    cve: cve.clone(),
                    name: v.vulnerability_name,
                    date_added: date(v.date_added.as_deref()),
                    due: date(v.due_date.as_deref()),
                    ransomware: v
                        .known_ransomware_campaign_use
                        .is_some_and(|k| k.eq_ignore_ascii_case("known")),
                };
                (cve, entry)
            })
            .collect();
        Ok(Self {
            version: wire.catalog_version,
            entries,
        })
    }

    /// How many entries the catalog has.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the catalog has no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry of `cve` (any case, surrounding blanks ignored).
    pub fn get(&self, cve: &str) -> Option<&KevEntry> {
        self.entries.get(&cve.trim().to_ascii_uppercase())
    }

    /// The catalog entries of `cves`, and the earliest due date among them.
    pub fn lookup<'c>(&'c self, cves: &[String]) -> (Vec<&'c KevEntry>, Option<NaiveDate>) {
        let listed: Vec<&KevEntry> = cves.iter().filter_map(|c| self.get(c)).collect();
        let due = listed.iter().filter_map(|e| e.due).min();
        (listed, due)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_looks_up() {
        let json = br#"{"catalogVersion":"2024.07.01","vulnerabilities":[
            {"cveID":"CVE-2021-44228","dueDate":"2021-12-24","dateAdded":"2021-12-10","knownRansomwareCampaignUse":"Known"},
            {"cveID":"cve-2024-0001","dueDate":"2024-08-01"}]}"#;
        let c = Catalog::read(json).expect("catalog");
        assert_eq!(c.len(), 2);
        assert!(c.get("cve-2021-44228").is_some_and(|e| e.ransomware));
        let (listed, due) = c.lookup(&[
            "CVE-2024-0001".into(),
            "CVE-2021-44228".into(),
            "CVE-1999-0001".into(),
        ]);
        assert_eq!(listed.len(), 2);
        assert_eq!(due, NaiveDate::from_ymd_opt(2021, 12, 24));
        let e = Catalog::read(b"{\"vulnerabilities\": 3}").expect_err("bad");
        assert_eq!(e.kind, ScanErrorKind::Structure);
        assert!(
            e.place
                .as_deref()
                .is_some_and(|p| p.contains("vulnerabilities")),
            "{e}"
        );
    }
}
