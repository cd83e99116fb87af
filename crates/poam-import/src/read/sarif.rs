//! SARIF 2.1.0 from any tool (CodeQL, Semgrep, Trivy and Grype in SARIF mode, ...):
//! `runs[].results[]`, each rated by its rule's `security-severity` when there is one,
//! else by its level. Suppressed results and results that are not failures are skipped.

use std::collections::HashMap;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess};

use super::json::{
    Array, Document, Elements, Input, Members, Number, Object, Path, Record, date_of, nested,
    read_document, record, skip,
};
use crate::error::ScanError;
use crate::finding::{
    Asset, Detector, Finding, FindingKind, Scan, ScanFormat, Severity, Texts, cves_in, meaningful,
};

const FORMAT: ScanFormat = ScanFormat::Sarif;

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

/// The members of a result poam uses.
#[derive(Default)]
struct SarifResult {
    rule_id: Option<String>,
    rule_index: Option<usize>,
    rule: Option<RuleReference>,
    level: Option<String>,
    kind: Option<String>,
    message: Message,
    locations: Vec<Location>,
    suppressions: Option<Vec<Suppression>>,
    properties: Option<Properties>,
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum ResultKey {
    RuleId,
    RuleIndex,
    Rule,
    Level,
    Kind,
    Message,
    Locations,
    Suppressions,
    Properties,
    #[serde(other)]
    Other,
}

impl<'de> Record<'de> for SarifResult {
    type Key = ResultKey;
    const EXPECTING: &'static str = "a SARIF result";

    fn member<A: MapAccess<'de>>(
        &mut self,
        key: ResultKey,
        map: &mut A,
        path: &mut Path,
    ) -> Result<(), A::Error> {
        match key {
            ResultKey::RuleId => self.rule_id = map.next_value()?,
            ResultKey::RuleIndex => self.rule_index = map.next_value()?,
            ResultKey::Rule => self.rule = nested(map, path)?,
            ResultKey::Level => self.level = map.next_value()?,
            ResultKey::Kind => self.kind = map.next_value()?,
            ResultKey::Message => self.message = nested(map, path)?,
            ResultKey::Locations => self.locations = nested(map, path)?,
            ResultKey::Suppressions => self.suppressions = nested(map, path)?,
            ResultKey::Properties => self.properties = nested(map, path)?,
            ResultKey::Other => skip(map)?,
        }
        Ok(())
    }
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

pub(crate) fn read(input: Input<'_>) -> Result<Scan, ScanError> {
    let mut reader = Reader {
        path: Path::default(),
        texts: Texts::default(),
        version: None,
        scan: Scan {
            format: Some(FORMAT),
            ..Scan::default()
        },
    };
    read_document(input, &mut reader, FORMAT)?;
    if let Some(v) = reader.version.as_deref()
        && !v.starts_with("2.1")
    {
        return Err(ScanError::structure(
            FORMAT,
            format!("SARIF version {v:?}: poam reads SARIF 2.1.0"),
        ));
    }
    Ok(reader.scan)
}

/// The log as read so far. A run's results become findings as they are read once its tool
/// (with the rules they refer to) is known; SARIF writes the tool first, and results read
/// before it wait for it.
struct Reader {
    path: Path,
    texts: Texts,
    version: Option<String>,
    scan: Scan,
}

impl Document for Reader {
    fn path(&self) -> &Path {
        &self.path
    }

    fn read<'de, D: Deserializer<'de>>(&mut self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(Object(LogMembers(self)))
    }
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "lowercase")]
enum LogKey {
    Version,
    Runs,
    #[serde(other)]
    Other,
}

struct LogMembers<'r>(&'r mut Reader);

impl<'de> Members<'de> for LogMembers<'_> {
    type Key = LogKey;
    type Value = ();
    const EXPECTING: &'static str = "a SARIF log";

    fn path(&mut self) -> &mut Path {
        &mut self.0.path
    }

    fn member<A: MapAccess<'de>>(&mut self, key: LogKey, map: &mut A) -> Result<(), A::Error> {
        match key {
            LogKey::Version => self.0.version = map.next_value()?,
            LogKey::Runs => map.next_value_seed(Array(Runs(&mut *self.0)))?,
            LogKey::Other => skip(map)?,
        }
        Ok(())
    }

    fn end<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

/// The log's runs.
struct Runs<'r>(&'r mut Reader);

impl<'de> Elements<'de> for Runs<'_> {
    const EXPECTING: &'static str = "SARIF runs";

    fn path(&mut self) -> &mut Path {
        &mut self.0.path
    }

    fn element<D: Deserializer<'de>>(&mut self, d: D) -> Result<(), D::Error> {
        let start = self.0.scan.findings.len();
        d.deserialize_map(Object(RunMembers {
            reader: self.0,
            start,
            tool: None,
            waiting: Vec::new(),
            invocations: Vec::new(),
        }))
    }
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "lowercase")]
enum RunKey {
    Tool,
    Results,
    Invocations,
    #[serde(other)]
    Other,
}

/// One run being read.
struct RunMembers<'r> {
    reader: &'r mut Reader,
    /// Where its findings start in the scan's.
    start: usize,
    tool: Option<RunTool>,
    /// Results read before the tool, with their places.
    waiting: Vec<(SarifResult, String)>,
    invocations: Vec<Invocation>,
}

/// A run's tool: the detector and the rules its results refer to.
struct RunTool {
    detector: Detector,
    tool: Tool,
    /// Each rule id's component (0 the driver, 1.. the extensions) and index, the first
    /// of that id.
    by_id: HashMap<String, (usize, usize)>,
}

impl<'de> Members<'de> for RunMembers<'_> {
    type Key = RunKey;
    type Value = ();
    const EXPECTING: &'static str = "a SARIF run";

    fn path(&mut self) -> &mut Path {
        &mut self.reader.path
    }

    fn member<A: MapAccess<'de>>(&mut self, key: RunKey, map: &mut A) -> Result<(), A::Error> {
        match key {
            RunKey::Tool => {
                let tool: Tool = nested(map, &mut self.reader.path)?;
                let run = RunTool::of(tool, &mut self.reader.scan);
                for (result, place) in std::mem::take(&mut self.waiting) {
                    self.reader.result(&result, &run, place);
                }
                self.tool = Some(run);
            }
            RunKey::Results => map.next_value_seed(Array(Results(self)))?,
            RunKey::Invocations => {
                let invocations: Option<Vec<Invocation>> = nested(map, &mut self.reader.path)?;
                self.invocations = invocations.unwrap_or_default();
            }
            RunKey::Other => skip(map)?,
        }
        Ok(())
    }

    fn end<E: de::Error>(self) -> Result<(), E> {
        if self.tool.is_none() {
            return Err(E::missing_field("tool"));
        }
        let date = self.invocations.iter().find_map(|i| {
            i.start_time_utc
                .as_deref()
                .or(i.end_time_utc.as_deref())
                .and_then(date_of)
        });
        let scan = &mut self.reader.scan;
        scan.date = scan.date.max(date);
        for f in &mut scan.findings[self.start..] {
            f.detected = date;
        }
        Ok(())
    }
}

/// A run's results.
struct Results<'m, 'r>(&'m mut RunMembers<'r>);

impl<'de> Elements<'de> for Results<'_, '_> {
    const EXPECTING: &'static str = "SARIF results";

    fn path(&mut self) -> &mut Path {
        &mut self.0.reader.path
    }

    fn element<D: Deserializer<'de>>(&mut self, d: D) -> Result<(), D::Error> {
        let result: SarifResult = record(d, self.path())?;
        let run = &mut *self.0;
        let place = run.reader.path.as_str().to_owned();
        match &run.tool {
            Some(tool) => run.reader.result(&result, tool, place),
            None => run.waiting.push((result, place)),
        }
        Ok(())
    }
}

impl RunTool {
    /// The run's tool, its scanner recorded in `scan`.
    fn of(tool: Tool, scan: &mut Scan) -> Self {
        let driver = &tool.driver;
        let detector = Detector::new(
            driver.name.trim(),
            driver.version.clone().or(driver.semantic_version.clone()),
        );
        // A code scanner reads the whole tree: any of its open items not found again is gone.
        scan.whole.insert(detector.key());
        if !scan.detectors.contains(&detector) {
            scan.detectors.push(detector.clone());
        }
        let mut by_id = HashMap::new();
        for (c, component) in std::iter::once(&tool.driver)
            .chain(&tool.extensions)
            .enumerate()
        {
            for (i, rule) in component.rules.iter().enumerate() {
                by_id.entry(rule.id.clone()).or_insert((c, i));
            }
        }
        Self {
            detector,
            tool,
            by_id,
        }
    }

    /// Tool component `index` (0 the driver, 1.. the extensions).
    fn component(&self, index: usize) -> Option<&ToolComponent> {
        match index {
            0 => Some(&self.tool.driver),
            i => self.tool.extensions.get(i - 1),
        }
    }

    /// The rule a result refers to: by index in its tool component, else by id.
    fn rule(&self, result: &SarifResult) -> Option<&Rule> {
        let reference = result.rule.as_ref();
        let component = reference
            .and_then(|r| r.tool_component.as_ref())
            .and_then(|c| {
                c.index.map(|i| i + 1).or_else(|| {
                    let name = c.name.as_deref()?;
                    std::iter::once(&self.tool.driver)
                        .chain(&self.tool.extensions)
                        .position(|x| x.name == name)
                })
            })
            .unwrap_or(0);
        let index = reference.and_then(|r| r.index).or(result.rule_index);
        if let Some(rule) = index.and_then(|i| self.component(component)?.rules.get(i)) {
            return Some(rule);
        }
        let id = result
            .rule_id
            .as_deref()
            .or_else(|| reference.and_then(|r| r.id.as_deref()))?;
        let &(c, i) = self.by_id.get(id)?;
        self.component(c)?.rules.get(i)
    }
}

impl Reader {
    /// A result of the run of `tool`: a finding, or skipped.
    fn result(&mut self, result: &SarifResult, tool: &RunTool, place: String) {
        if let Some(why) = skipped(result) {
            self.scan.skipped.push(format!("{place}: {why}"));
            return;
        }
        let rule = tool.rule(result);
        let f = finding(result, rule, &tool.detector, place, &mut self.texts);
        self.scan.findings.push(f);
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

/// The finding of `result`, without its date (the run's, added at the run's end).
fn finding(
    result: &SarifResult,
    rule: Option<&Rule>,
    detector: &Detector,
    place: String,
    texts: &mut Texts,
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
        name: texts.share(&name),
        description: description.map(|d| texts.share(&d)),
        assets,
        cves,
        cvss: crate::finding::Cvss::default(),
        severity,
        scanner_severity: score.map_or(level, |s| format!("security-severity {s}")),
        solution: rule
            .and_then(|r| r.help.as_ref()?.text())
            .map(|s| texts.share(&s)),
        detected: None,
        kind: FindingKind::Vulnerability,
        place,
    }
}
