//! SARIF 2.1.0 from any tool (CodeQL, Semgrep, Trivy and Grype in SARIF mode, ...):
//! `runs[].results[]`, each rated by its rule's `security-severity` when there is one,
//! else by its level. Suppressed results and results that are not failures are skipped.

use std::collections::HashMap;

use serde::Deserialize;

use super::json::{Number, date_of, parse};
use crate::error::ScanError;
use crate::finding::{
    Asset, Detector, Finding, FindingKind, Scan, ScanFormat, Severity, cves_in, meaningful,
};

const FORMAT: ScanFormat = ScanFormat::Sarif;

#[derive(Deserialize)]
struct Log {
    version: Option<String>,
    #[serde(default)]
    runs: Vec<Run>,
}

#[derive(Deserialize)]
struct Run {
    tool: Tool,
    #[serde(default)]
    results: Option<Vec<SarifResult>>,
    #[serde(default)]
    invocations: Vec<Invocation>,
}

#[derive(Deserialize)]
struct Tool {
    driver: ToolComponent,
    #[serde(default)]
    extensions: Vec<ToolComponent>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ToolComponent {
    name: String,
    version: Option<String>,
    semantic_version: Option<String>,
    #[serde(default)]
    rules: Vec<Rule>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: String,
    name: Option<String>,
    short_description: Option<Message>,
    full_description: Option<Message>,
    help: Option<Message>,
    default_configuration: Option<Configuration>,
    properties: Option<Properties>,
}

#[derive(Deserialize)]
struct Configuration {
    level: Option<String>,
}

#[derive(Deserialize)]
struct Properties {
    #[serde(rename = "security-severity")]
    security_severity: Option<Number>,
}

#[derive(Deserialize, Default)]
struct Message {
    text: Option<String>,
    markdown: Option<String>,
}

impl Message {
    fn text(&self) -> Option<String> {
        meaningful(self.text.as_deref().or(self.markdown.as_deref()))
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: Option<String>,
    rule_index: Option<usize>,
    rule: Option<RuleReference>,
    level: Option<String>,
    kind: Option<String>,
    #[serde(default)]
    message: Message,
    #[serde(default)]
    locations: Vec<Location>,
    suppressions: Option<Vec<Suppression>>,
    properties: Option<Properties>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RuleReference {
    id: Option<String>,
    index: Option<usize>,
    tool_component: Option<ComponentReference>,
}

#[derive(Deserialize)]
struct ComponentReference {
    index: Option<usize>,
    name: Option<String>,
}

#[derive(Deserialize)]
struct Suppression {
    state: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: Option<PhysicalLocation>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: Option<ArtifactLocation>,
    region: Option<Region>,
}

#[derive(Deserialize)]
struct ArtifactLocation {
    uri: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: Option<u64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    start_time_utc: Option<String>,
    end_time_utc: Option<String>,
}

pub(crate) fn read(bytes: &[u8]) -> Result<Scan, ScanError> {
    let log: Log = parse(bytes, FORMAT)?;
    if let Some(v) = log.version.as_deref()
        && !v.starts_with("2.1")
    {
        return Err(ScanError::structure(
            FORMAT,
            format!("SARIF version {v:?}: poam reads SARIF 2.1.0"),
        ));
    }
    let mut scan = Scan {
        format: Some(FORMAT),
        ..Scan::default()
    };
    for (r, run) in log.runs.into_iter().enumerate() {
        read_run(run, r, &mut scan);
    }
    Ok(scan)
}

/// The rules of a run, by tool component (0 the driver, 1.. the extensions) and id.
struct Rules<'r> {
    components: Vec<&'r ToolComponent>,
    by_id: HashMap<&'r str, &'r Rule>,
}

impl<'r> Rules<'r> {
    fn of(tool: &'r Tool) -> Self {
        let components: Vec<&ToolComponent> = std::iter::once(&tool.driver)
            .chain(&tool.extensions)
            .collect();
        let mut by_id = HashMap::new();
        for c in &components {
            for rule in &c.rules {
                by_id.entry(rule.id.as_str()).or_insert(rule);
            }
        }
        Self { components, by_id }
    }

    fn find(&self, result: &SarifResult) -> Option<&'r Rule> {
        let reference = result.rule.as_ref();
        let component = reference
            .and_then(|r| r.tool_component.as_ref())
            .and_then(|c| {
                c.index.map(|i| i + 1).or_else(|| {
                    let name = c.name.as_deref()?;
                    self.components.iter().position(|x| x.name == name)
                })
            })
            .unwrap_or(0);
        let index = reference.and_then(|r| r.index).or(result.rule_index);
        if let Some(rule) = index.and_then(|i| self.components.get(component)?.rules.get(i)) {
            return Some(rule);
        }
        let id = result
            .rule_id
            .as_deref()
            .or_else(|| reference.and_then(|r| r.id.as_deref()))?;
        self.by_id.get(id).copied()
    }
}

fn read_run(run: Run, r: usize, scan: &mut Scan) {
    let driver = &run.tool.driver;
    let detector = Detector::new(
        driver.name.trim(),
        driver.version.clone().or(driver.semantic_version.clone()),
    );
    // A code scanner reads the whole tree: any of its open items not found again is gone.
    scan.whole.insert(detector.key());
    if !scan.detectors.contains(&detector) {
        scan.detectors.push(detector.clone());
    }
    let date = run.invocations.iter().find_map(|i| {
        i.start_time_utc
            .as_deref()
            .or(i.end_time_utc.as_deref())
            .and_then(date_of)
    });
    scan.date = scan.date.max(date);
    let rules = Rules::of(&run.tool);
    for (i, result) in run.results.iter().flatten().enumerate() {
        let place = format!("runs[{r}].results[{i}]");
        if let Some(why) = skipped(result) {
            scan.skipped.push(format!("{place}: {why}"));
            continue;
        }
        let rule = rules.find(result);
        scan.findings
            .push(finding(result, rule, &detector, date, place));
    }
}

/// Why a result is not a finding, if it is not.
fn skipped(result: &SarifResult) -> Option<String> {
    let suppressed = result.suppressions.as_ref().is_some_and(|s| {
        s.iter().any(|x| {
            // A suppression under review or rejected does not hide the result.
            x.state
                .as_deref()
                .is_none_or(|st| st.eq_ignore_ascii_case("accepted"))
        })
    });
    if suppressed {
        return Some("suppressed".to_owned());
    }
    match result.kind.as_deref() {
        Some(k @ ("pass" | "notApplicable" | "informational")) => Some(format!("kind {k}")),
        _ => None,
    }
}

fn finding(
    result: &SarifResult,
    rule: Option<&Rule>,
    detector: &Detector,
    date: Option<chrono::NaiveDate>,
    place: String,
) -> Finding {
    let message = result.message.text();
    let id = result
        .rule_id
        .clone()
        .or_else(|| result.rule.as_ref().and_then(|r| r.id.clone()))
        .or_else(|| rule.map(|r| r.id.clone()))
        .or_else(|| message.clone())
        .unwrap_or_else(|| "unidentified".to_owned());
    let score = result
        .properties
        .as_ref()
        .and_then(|p| p.security_severity.as_ref())
        .or_else(|| rule?.properties.as_ref()?.security_severity.as_ref())
        .and_then(Number::value);
    let level = result
        .level
        .clone()
        .or_else(|| rule?.default_configuration.as_ref()?.level.clone())
        .unwrap_or_else(|| "warning".to_owned());
    let severity = match score {
        Some(s) => Severity::from_score(s),
        None => match level.as_str() {
            "error" => Severity::High,
            "warning" => Severity::Moderate,
            "note" => Severity::Low,
            _ => Severity::Info,
        },
    };
    let name = rule
        .and_then(|r| r.short_description.as_ref()?.text())
        .or_else(|| rule.and_then(|r| meaningful(r.name.as_deref())))
        .unwrap_or_else(|| id.clone());
    let description = rule
        .and_then(|r| r.full_description.as_ref()?.text())
        .or_else(|| message.clone());
    let assets = result
        .locations
        .iter()
        .filter_map(|l| {
            let p = l.physical_location.as_ref()?;
            let uri = meaningful(p.artifact_location.as_ref()?.uri.as_deref())?;
            let line = p.region.as_ref().and_then(|r| r.start_line);
            Some(Asset::new(uri, line.map(|l| format!("line {l}"))))
        })
        .take(1)
        .collect();
    let mut cves = cves_in(&id);
    for c in cves_in(&name) {
        if !cves.contains(&c) {
            cves.push(c);
        }
    }
    Finding {
        detector: detector.clone(),
        weakness_id: id,
        package: None,
        name: name.into(),
        description: description.map(Into::into),
        assets,
        cves,
        cvss: crate::finding::Cvss::default(),
        severity,
        scanner_severity: score.map_or(level, |s| format!("security-severity {s}")),
        solution: rule.and_then(|r| r.help.as_ref()?.text()).map(Into::into),
        detected: date,
        kind: FindingKind::Vulnerability,
        place,
    }
}
