//! Findings into weaknesses: one per scanner, weakness id and package (every affected asset
//! listed), or with [`Grouping::Asset`] one per weakness and asset. The same finding twice
//! in a scan (or in two scans of one import) collapses into one.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::finding::{Asset, Cvss, Detector, Finding, FindingKind, Severity, write_lowercase};

/// How findings become items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Grouping {
    /// One item per weakness, listing every asset.
    #[default]
    Weakness,
    /// One item per weakness and asset.
    Asset,
}

/// One weakness: what becomes one POA&M item.
#[derive(Debug, Clone, PartialEq)]
pub struct Weakness {
    /// The stable key its uuids derive from: scanner, weakness id, package (and asset).
    pub key: String,
    /// The scanner.
    pub detector: Detector,
    /// The scanner's identifier for the weakness.
    pub weakness_id: String,
    /// The package it is in, when the scanner names one.
    pub package: Option<String>,
    /// The weakness's name.
    pub name: String,
    /// The scanner's description.
    pub description: Option<String>,
    /// Distinct, in identifier order.
    pub assets: Vec<Asset>,
    /// CVE ids of its findings, upper case, each once.
    pub cves: Vec<String>,
    /// The highest-scored CVSS any finding gave.
    pub cvss: Cvss,
    /// The highest severity of its findings.
    pub severity: Severity,
    /// The severity as the scanner wrote it, of the finding rated highest.
    pub scanner_severity: String,
    /// The scanner's remediation advice.
    pub solution: Option<String>,
    /// The earliest detection date of its findings.
    pub detected: Option<NaiveDate>,
    /// Vulnerability or configuration finding.
    pub kind: FindingKind,
}

impl Weakness {
    fn of(key: String, f: &Finding) -> Self {
        Self {
            key,
            detector: f.detector.clone(),
            weakness_id: f.weakness_id.clone(),
            package: f.package.clone(),
            name: f.name.to_string(),
            description: f.description.as_deref().map(str::to_owned),
            assets: Vec::new(),
            cves: Vec::new(),
            cvss: f.cvss.clone(),
            severity: f.severity,
            scanner_severity: f.scanner_severity.clone(),
            solution: f.solution.as_deref().map(str::to_owned),
            detected: f.detected,
            kind: f.kind,
        }
    }

    /// Adds what `f` says, on `assets` (its own, or one of them when grouping by asset);
    /// `index` finds an asset already listed by its identifier (a weakness found on
    /// thousands of hosts must not compare every new asset with every listed one), written
    /// in `scratch`.
    fn absorb(
        &mut self,
        f: &Finding,
        assets: &[Asset],
        index: &mut HashMap<String, usize>,
        scratch: &mut String,
    ) {
        for a in assets {
            scratch.clear();
            a.write_identifier(scratch);
            if let Some(&i) = index.get(scratch.as_str()) {
                let listed = &mut self.assets[i].aliases;
                // The findings of one host share its aliases: most often nothing to add.
                if !Arc::ptr_eq(listed, &a.aliases) && !a.aliases.is_subset(listed) {
                    Arc::make_mut(listed).extend(a.aliases.iter().cloned());
                }
            } else {
                index.insert(scratch.clone(), self.assets.len());
                self.assets.push(a.clone());
            }
        }
        for c in &f.cves {
            if !self.cves.contains(c) {
                self.cves.push(c.clone());
            }
        }
        if f.severity > self.severity {
            self.severity = f.severity;
            self.scanner_severity.clone_from(&f.scanner_severity);
        }
        if f.cvss.score.unwrap_or(-1.0) > self.cvss.score.unwrap_or(-1.0) {
            self.cvss = f.cvss.clone();
        }
        self.detected = match (self.detected, f.detected) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        if self.solution.is_none() {
            self.solution = f.solution.as_deref().map(str::to_owned);
        }
        if self.description.is_none() {
            self.description = f.description.as_deref().map(str::to_owned);
        }
    }
}

/// Groups `findings` into weaknesses, most severe first, then by key (a stable order).
pub fn group<'f>(
    findings: impl IntoIterator<Item = &'f Finding>,
    grouping: Grouping,
) -> Vec<Weakness> {
    let mut groups = Groups::default();
    for f in findings {
        groups.key.clear();
        write_weakness_key(&mut groups.key, f);
        match grouping {
            Grouping::Asset if !f.assets.is_empty() => {
                let base = groups.key.len();
                for a in &f.assets {
                    groups.key.truncate(base);
                    groups.key.push('|');
                    groups.scratch.clear();
                    a.write_identifier(&mut groups.scratch);
                    write_lowercase(&mut groups.key, &groups.scratch);
                    groups.absorb(f, std::slice::from_ref(a));
                }
            }
            Grouping::Weakness | Grouping::Asset => groups.absorb(f, &f.assets),
        }
    }
    let mut out: Vec<Weakness> = groups.by_key.into_values().map(|(w, _)| w).collect();
    for w in &mut out {
        w.assets.sort_by_cached_key(Asset::identifier);
    }
    // Keys are unique: the order does not depend on the map's.
    out.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.key.cmp(&b.key)));
    out
}

/// The weaknesses so far, by key, with the index of each one's assets; keys are written in
/// reused buffers, so a finding of a known weakness allocates nothing to find it.
#[derive(Default)]
struct Groups {
    by_key: HashMap<String, (Weakness, HashMap<String, usize>)>,
    /// The key of the weakness being added to.
    key: String,
    scratch: String,
}

impl Groups {
    /// Adds `f` on `assets` to the weakness of the current key.
    fn absorb(&mut self, f: &Finding, assets: &[Asset]) {
        if !self.by_key.contains_key(self.key.as_str()) {
            let w = Weakness::of(self.key.clone(), f);
            self.by_key.insert(self.key.clone(), (w, HashMap::new()));
        }
        if let Some((w, index)) = self.by_key.get_mut(self.key.as_str()) {
            w.absorb(f, assets, index, &mut self.scratch);
        }
    }
}

/// `scanner|weakness id|package`, lower case, appended to `out`.
fn write_weakness_key(out: &mut String, f: &Finding) {
    f.detector.write_key(out);
    out.push('|');
    write_lowercase(out, f.weakness_id.trim());
    out.push('|');
    write_lowercase(out, f.package.as_deref().unwrap_or_default().trim());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(id: &str, host: &str, port: &str, severity: Severity) -> Finding {
        Finding {
            detector: Detector::new("Nessus", None),
            weakness_id: id.into(),
            name: format!("plugin {id}").into(),
            assets: vec![Asset::new(host, Some(port.into()))],
            severity,
            cves: vec!["CVE-2024-0001".into()],
            ..Finding::default()
        }
    }

    #[test]
    fn one_item_per_weakness_duplicates_collapse() {
        let fs = [
            finding("1", "b", "443/tcp", Severity::Moderate),
            finding("1", "a", "443/tcp", Severity::High),
            finding("1", "b", "443/tcp", Severity::Moderate),
            finding("2", "a", "22/tcp", Severity::Low),
        ];
        let ws = group(&fs, Grouping::Weakness);
        assert_eq!(ws.len(), 2);
        assert_eq!(ws[0].weakness_id, "1");
        assert_eq!(ws[0].severity, Severity::High);
        let ids: Vec<String> = ws[0].assets.iter().map(Asset::identifier).collect();
        assert_eq!(ids, ["a (443/tcp)", "b (443/tcp)"]);
        assert_eq!(ws[0].cves, ["CVE-2024-0001"]);
        assert_eq!(ws[1].key, "nessus|2|");
    }

    #[test]
    fn one_item_per_weakness_and_asset() {
        let fs = [
            finding("1", "b", "443/tcp", Severity::Moderate),
            finding("1", "a", "443/tcp", Severity::Moderate),
            finding("1", "a", "443/tcp", Severity::Moderate),
        ];
        let ws = group(&fs, Grouping::Asset);
        let keys: Vec<&str> = ws.iter().map(|w| w.key.as_str()).collect();
        assert_eq!(keys, ["nessus|1||a (443/tcp)", "nessus|1||b (443/tcp)"]);
        assert!(ws.iter().all(|w| w.assets.len() == 1));
    }

    #[test]
    fn packages_split_weaknesses() {
        let mut a = finding("CVE-2024-1", "img", "x", Severity::High);
        a.package = Some("openssl".into());
        let mut b = a.clone();
        b.package = Some("curl".into());
        assert_eq!(group(&[a, b], Grouping::Weakness).len(), 2);
    }
}
