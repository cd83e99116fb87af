//! XCCDF results (OpenSCAP and other SCAP scanners): a `Benchmark` with its rules and one or
//! more `TestResult`s, or a bare `TestResult`, read as a stream of XML events. A failed rule
//! is a configuration finding (the workbook's Configuration Findings sheet); passed,
//! not applicable, not checked and not selected rules are not findings. A rule whose check
//! ran and could not decide (`error`, `unknown`) is neither a finding nor a pass: it is
//! kept as [`Undecided`] (a warning, and it never closes an item).

use std::collections::HashMap;

use chrono::NaiveDate;

use super::json::date_of;
use std::io::BufRead;

use super::xml::{Node, Tag, XmlReader};
use crate::error::{ScanError, ScanErrorKind};
use crate::finding::{
    Asset, Detector, Finding, FindingKind, Scan, ScanFormat, Severity, Undecided, meaningful,
    push_cve,
};

const FORMAT: ScanFormat = ScanFormat::Xccdf;

/// What the benchmark says about a rule.
#[derive(Default, Clone)]
struct Rule {
    title: Option<String>,
    description: Option<String>,
    severity: Option<String>,
    cves: Vec<String>,
    fix: Option<String>,
    /// The rule it extends (`@extends`), whose properties it inherits.
    extends: Option<String>,
}

/// One `TestResult` being read.
#[derive(Default)]
struct TestResult {
    target: Option<String>,
    addresses: Vec<String>,
    scanner: Option<String>,
    version: Option<String>,
    test_system: Option<String>,
    date: Option<NaiveDate>,
    failed: Vec<RuleResult>,
    /// Rules whose check could not decide, with the result word.
    undecided: Vec<(RuleResult, String)>,
}

/// What one `rule-result` says.
enum Outcome {
    Failed(RuleResult),
    /// `error` or `unknown`, with the word.
    Undecided(RuleResult, String),
    /// Passed, not applicable, not checked, not selected, informational, fixed.
    NotAFinding,
}

struct RuleResult {
    idref: String,
    severity: Option<String>,
    cves: Vec<String>,
    fix: Option<String>,
    place: String,
}

pub(crate) fn read(input: Box<dyn BufRead + '_>) -> Result<Scan, ScanError> {
    let mut r = XmlReader::new(input, FORMAT);
    let mut rules: HashMap<String, Rule> = HashMap::new();
    let mut scan = Scan {
        format: Some(FORMAT),
        ..Scan::default()
    };
    let mut root = false;
    loop {
        match r.next()? {
            Node::Open(t) => {
                match t.local() {
                    "Benchmark" if !root => root = true,
                    "TestResult" => {
                        root = true;
                        let result = test_result(&mut r, &t)?;
                        finish(result, &rules, &mut scan);
                    }
                    _ if !root => {
                        return Err(r.error(
                        ScanErrorKind::Structure,
                        format!("the root element is <{}>, not an XCCDF <Benchmark> or <TestResult>", t.local()),
                    ));
                    }
                    "Rule" => {
                        let id = t.attr("id").unwrap_or_default();
                        let rule = rule(&mut r, &t)?;
                        rules.insert(id, rule);
                    }
                    _ => {}
                }
            }
            Node::Eof => break,
            Node::Close | Node::Text => {}
        }
    }
    Ok(scan)
}

fn rule(r: &mut XmlReader<'_>, open: &Tag) -> Result<Rule, ScanError> {
    let mut rule = Rule {
        severity: open.attr("severity"),
        extends: open.attr("extends").filter(|e| !e.trim().is_empty()),
        ..Rule::default()
    };
    if open.empty {
        return Ok(rule);
    }
    loop {
        match r.next()? {
            Node::Open(t) => {
                let is_cve = t
                    .attr("system")
                    .is_some_and(|s| s.contains("cve.mitre.org"));
                let text = r.text_of(&t)?;
                match t.local() {
                    "title" => rule.title = meaningful(Some(&text)),
                    "description" => rule.description = meaningful(Some(&text)),
                    "ident" if is_cve => push_cve(&mut rule.cves, &text),
                    "fix" | "fixtext" if rule.fix.is_none() => rule.fix = meaningful(Some(&text)),
                    _ => {}
                }
            }
            Node::Close => return Ok(rule),
            Node::Text => {}
            Node::Eof => return Err(r.error(ScanErrorKind::Syntax, "the file ends inside <Rule>")),
        }
    }
}

fn test_result(r: &mut XmlReader<'_>, open: &Tag) -> Result<TestResult, ScanError> {
    let mut tr = TestResult {
        test_system: open.attr("test-system"),
        date: open
            .attr("start-time")
            .or_else(|| open.attr("end-time"))
            .as_deref()
            .and_then(date_of),
        ..TestResult::default()
    };
    if open.empty {
        return Ok(tr);
    }
    // Elements it does not read (`target-facts`, `score`) are open around ones it does.
    let mut depth = 0usize;
    loop {
        match r.next()? {
            Node::Open(t) => match t.local() {
                "target" => tr.target = meaningful(Some(&r.text_of(&t)?)),
                "target-address" => {
                    if let Some(a) = meaningful(Some(&r.text_of(&t)?)) {
                        tr.addresses.push(a);
                    }
                }
                "fact" => {
                    let name = t.attr("name").unwrap_or_default();
                    let value = meaningful(Some(&r.text_of(&t)?));
                    match name.as_str() {
                        "urn:xccdf:fact:scanner:name" => tr.scanner = value,
                        "urn:xccdf:fact:scanner:version" => tr.version = value,
                        _ => {}
                    }
                }
                "rule-result" => {
                    let place = r.place();
                    match rule_result(r, &t, place)? {
                        Outcome::Failed(rr) => tr.failed.push(rr),
                        Outcome::Undecided(rr, word) => tr.undecided.push((rr, word)),
                        Outcome::NotAFinding => {}
                    }
                }
                _ if !t.empty => depth += 1,
                _ => {}
            },
            Node::Close if depth == 0 => return Ok(tr),
            Node::Close => depth -= 1,
            Node::Text => {}
            Node::Eof => {
                return Err(r.error(ScanErrorKind::Syntax, "the file ends inside <TestResult>"));
            }
        }
    }
}

/// What a rule's result says: failed (a finding), undecided, or not a finding.
fn rule_result(r: &mut XmlReader<'_>, open: &Tag, place: String) -> Result<Outcome, ScanError> {
    let mut rr = RuleResult {
        idref: open.attr("idref").unwrap_or_default(),
        severity: open.attr("severity"),
        cves: Vec::new(),
        fix: None,
        place,
    };
    let mut result = String::new();
    if !open.empty {
        loop {
            match r.next()? {
                Node::Open(t) => {
                    let is_cve = t
                        .attr("system")
                        .is_some_and(|s| s.contains("cve.mitre.org"));
                    let text = r.text_of(&t)?;
                    match t.local() {
                        "result" => text.trim().clone_into(&mut result),
                        "ident" if is_cve => push_cve(&mut rr.cves, &text),
                        "fix" => rr.fix = meaningful(Some(&text)),
                        _ => {}
                    }
                }
                Node::Close => break,
                Node::Text => {}
                Node::Eof => {
                    return Err(
                        r.error(ScanErrorKind::Syntax, "the file ends inside <rule-result>")
                    );
                }
            }
        }
    }
    Ok(match result.as_str() {
        "fail" => Outcome::Failed(rr),
        "error" | "unknown" => Outcome::Undecided(rr, result),
        _ => Outcome::NotAFinding,
    })
}

/// The rule `id` with what it inherits (XCCDF 1.2 §6.3, item inheritance through
/// `@extends`): its own title, description, severity and fix text, else the nearest extended
/// rule's; its CVE identifiers and those of every rule it extends (`ident` is appended). A
/// chain is followed to its end; a cycle or an unknown id stops it.
fn inherited(rules: &HashMap<String, Rule>, id: &str) -> Rule {
    let mut out = Rule::default();
    let mut seen: Vec<&str> = Vec::new();
    let mut next = Some(id);
    while let Some(id) = next {
        if seen.contains(&id) {
            break;
        }
        seen.push(id);
        let Some(r) = rules.get(id) else { break };
        out.title = out.title.or_else(|| r.title.clone());
        out.description = out.description.or_else(|| r.description.clone());
        out.severity = out.severity.or_else(|| r.severity.clone());
        out.fix = out.fix.or_else(|| r.fix.clone());
        for c in &r.cves {
            push_cve(&mut out.cves, c);
        }
        next = r.extends.as_deref();
    }
    out
}

/// The findings of one test result.
fn finish(tr: TestResult, rules: &HashMap<String, Rule>, scan: &mut Scan) {
    let name = tr.scanner.clone().or_else(|| {
        // `cpe:/a:redhat:openscap:1.2.17` names the scanner and its version.
        let cpe = tr.test_system.as_deref()?;
        cpe.split(':').nth(3).map(|n| match n {
            "openscap" => "OpenSCAP".to_owned(),
            other => other.to_owned(),
        })
    });
    let version = tr.version.clone().or_else(|| {
        let cpe = tr.test_system.as_deref()?;
        cpe.split(':').nth(4).map(str::to_owned)
    });
    let detector = Detector::new(name.unwrap_or_else(|| "XCCDF".to_owned()), version);
    if !scan.detectors.contains(&detector) {
        scan.detectors.push(detector.clone());
    }
    let host = tr
        .target
        .clone()
        .or_else(|| tr.addresses.first().cloned())
        .unwrap_or_else(|| "unnamed target".to_owned());
    let mut asset = Asset::new(host, None);
    asset.aliases = std::sync::Arc::new(tr.addresses.iter().cloned().collect());
    scan.covered(&detector, &asset);
    scan.date = scan.date.max(tr.date);
    for (rr, result) in tr.undecided {
        scan.undecided.push(Undecided {
            detector: detector.key(),
            weakness_id: rr.idref,
            host: asset.host.clone(),
            result,
            place: rr.place,
        });
    }
    for rr in tr.failed {
        let rule = inherited(rules, &rr.idref);
        let severity_text = rr
            .severity
            .clone()
            .or(rule.severity.clone())
            .unwrap_or_else(|| "unknown".to_owned());
        let mut cves = rule.cves.clone();
        for c in &rr.cves {
            push_cve(&mut cves, c);
        }
        scan.findings.push(Finding {
            detector: detector.clone(),
            weakness_id: rr.idref.clone(),
            package: None,
            name: rule
                .title
                .clone()
                .unwrap_or_else(|| rr.idref.clone())
                .into(),
            description: rule.description.clone().map(Into::into),
            assets: vec![asset.clone()],
            cves,
            cvss: crate::finding::Cvss::default(),
            severity: Severity::parse(&severity_text).unwrap_or(Severity::Unknown),
            scanner_severity: severity_text,
            solution: rr.fix.or(rule.fix).map(Into::into),
            detected: tr.date,
            kind: FindingKind::Configuration,
            place: rr.place,
        });
    }
}
