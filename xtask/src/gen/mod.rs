//! `cargo xtask gen`: realistic, valid FedRAMP POA&Ms of any size, deterministic by seed.
//!
//! ```text
//! cargo xtask gen --items N [--format json|yaml|xml|xlsx] [--seed S] [--cycle C] -o FILE
//! ```
//!
//! Every item has a `POAM-ID`, one or two observations (a scan result from a tool actor on
//! local inventory items, and the justification of a deviation when there is one), exactly
//! one risk (Markdown description, statement, FedRAMP likelihood/impact/risk facets with
//! `state` initial and sometimes adjusted, impacted controls, deviation and KEV props,
//! deadline within the FedRAMP limit, recommendation and planned remediations with milestone
//! tasks, a risk log with vendor check-ins and closures), and about one in five a finding.
//! The document has metadata with FedRAMP roles and parties, local definitions (scanner tools,
//! software components, inventory items) and back-matter evidence.
//!
//! `--cycle C` writes month C of the same POA&M: cycle 2 closes some items, moves deadlines
//! (within the limit), logs check-ins and status updates, drops about 1% and adds about 5%
//! new items. Diff and merge benchmarks compare cycle 1 with cycle 2.

mod item;
pub mod rng;
pub mod scan;
mod text;

use std::path::{Path, PathBuf};

use chrono::{Months, NaiveDate};
use poam_model::Document;
use serde_json::{Value, json};

use poam_fedramp::{namespace, props, roles, values};
use rng::uuid_of;

/// The stream kinds: each kind of shared object draws its UUIDs from its own stream.
#[derive(Debug, Clone, Copy)]
#[repr(u64)]
pub enum Kind {
    Item = 1,
    Tool = 2,
    Engineer = 3,
    Party = 4,
    Inventory = 5,
    Evidence = 6,
    Component = 7,
    Document = 8,
    Misc = 9,
    /// Cycle `k`'s mutations use kind `Mutation + k`.
    Mutation = 1000,
}

/// What every item may refer to: the seed and the sizes of the shared lists.
#[derive(Debug, Clone)]
pub struct Shared {
    pub seed: u64,
    pub inventory: u64,
    pub evidence: u64,
    pub engineers: u64,
    pub components: u64,
}

impl Shared {
    fn new(seed: u64, items: u64) -> Self {
        Self {
            seed,
            inventory: (items / 4).max(10),
            evidence: (items / 10).max(3),
            engineers: 12,
            components: (items / 50 + 8).min(400),
        }
    }
}

/// The as-of date of cycle `cycle` (1-based): the first of the month, one month per cycle.
pub fn as_of(cycle: u32) -> NaiveDate {
    let base = NaiveDate::from_ymd_opt(2025, 7, 1).unwrap_or_default();
    base.checked_add_months(Months::new(cycle.saturating_sub(1)))
        .unwrap_or(base)
}

/// An OSCAL `date-time-with-timezone`: UTC, or US Eastern daylight time for `offset`.
pub fn date_time(d: NaiveDate, secs: u32, offset: bool) -> String {
    let (h, m, s) = (secs / 3600 % 24, secs / 60 % 60, secs % 60);
    let zone = if offset { "-04:00" } else { "Z" };
    format!("{d}T{h:02}:{m:02}:{s:02}{zone}")
}

/// Output formats of `gen`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutFormat {
    Json,
    #[value(alias = "yml")]
    Yaml,
    Xml,
    Xlsx,
}

impl OutFormat {
    /// The format a name (`--format`'s value or a file extension) gives, in any case.
    pub fn parse(s: &str) -> Option<Self> {
        <Self as clap::ValueEnum>::from_str(s, true).ok()
    }
}

/// Options of `cargo xtask gen`.
#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// Number of POA&M items.
    #[arg(long, short = 'n', value_name = "N", value_parser = crate::args::count)]
    pub items: u64,
    /// Output format (default: from the output file's extension).
    #[arg(long, short = 'f', value_name = "F", ignore_case = true)]
    pub format: Option<OutFormat>,
    /// Seed of the generator: the same seed writes the same document.
    #[arg(long, value_name = "S", default_value_t = 1, value_parser = crate::args::count)]
    pub seed: u64,
    /// Month of the same POA&M to write (1: the first cycle).
    #[arg(long, value_name = "C", default_value_t = 1,
          value_parser = clap::value_parser!(u32).range(1..=120))]
    pub cycle: u32,
    /// The file to write.
    #[arg(long = "output", short = 'o', value_name = "FILE")]
    pub out: PathBuf,
}

impl Options {
    /// `--format`, else the one the output's extension names.
    pub fn format(&self) -> Result<OutFormat, String> {
        self.format
            .or_else(|| {
                self.out
                    .extension()
                    .and_then(|e| e.to_str())
                    .and_then(OutFormat::parse)
            })
            .ok_or_else(|| {
                format!(
                    "cannot tell the format from {}: give --format",
                    self.out.display()
                )
            })
    }
}

/// `cargo xtask gen ...`
pub fn run(opts: &Options) -> Result<(), String> {
    let format = opts.format()?;
    let doc = generate(opts.items, opts.seed, opts.cycle)?;
    let bytes = render(&doc, format)?;
    poam_io::write_file_atomic(&opts.out, &bytes)
        .map_err(|e| format!("{}: {e}", opts.out.display()))?;
    eprintln!(
        "wrote {} ({} items, {:.1} MB, seed {}, cycle {})",
        opts.out.display(),
        doc.plan_of_action_and_milestones.poam_items.len(),
        bytes.len() as f64 / 1e6,
        opts.seed,
        opts.cycle
    );
    Ok(())
}

/// Writes `doc` in `format`.
pub fn render(doc: &Document, format: OutFormat) -> Result<Vec<u8>, String> {
    let f = match format {
        OutFormat::Json => poam_io::Format::Json,
        OutFormat::Yaml => poam_io::Format::Yaml,
        OutFormat::Xml => poam_io::Format::Xml,
        OutFormat::Xlsx => {
            return poam_xlsx::export(doc)
                .map(|e| e.bytes)
                .map_err(|e| format!("cannot write the workbook: {e}"));
        }
    };
    poam_io::write(doc, f).map_err(|e| format!("cannot write {format:?}: {e}"))
}

/// Writes `doc` to `path` in `format`.
pub fn write_to(doc: &Document, format: OutFormat, path: &Path) -> Result<(), String> {
    let bytes = render(doc, format)?;
    poam_io::write_file_atomic(path, &bytes).map_err(|e| format!("{}: {e}", path.display()))
}

fn typed<T: serde::de::DeserializeOwned>(v: Value, what: &str) -> Result<T, String> {
    serde_json::from_value(v)
        .map_err(|e| format!("generator bug: the {what} does not fit the model: {e}"))
}

/// Items added in each cycle after the first.
fn added_per_cycle(items: u64) -> u64 {
    items / 20
}

/// Generates the POA&M of `items` items (cycle 1; later cycles have about 4% more per
/// cycle) for `seed`, as of month `cycle`. Fails only on a generator bug: the result is
/// checked to have no datatype errors.
pub fn generate(items: u64, seed: u64, cycle: u32) -> Result<Document, String> {
    let sh = Shared::new(seed, items);
    let added = added_per_cycle(items);
    let total = items + added * u64::from(cycle.saturating_sub(1));
    let cap = usize::try_from(total).unwrap_or(0);
    let mut poam_items = Vec::with_capacity(cap);
    let mut observations = Vec::with_capacity(cap + cap / 4);
    let mut risks = Vec::with_capacity(cap);
    let mut findings = Vec::new();
    for index in 0..total {
        let born = if index < items {
            1
        } else {
            2 + u32::try_from((index - items) / added.max(1)).unwrap_or(0)
        };
        let Some(plan) = item::plan(&sh, index, born, cycle) else {
            continue;
        };
        let b = item::build(&sh, &plan);
        poam_items.push(typed(b.item, "poam-item")?);
        for o in b.observations {
            observations.push(typed(o, "observation")?);
        }
        risks.push(typed(b.risk, "risk")?);
        if let Some(f) = b.finding {
            findings.push(typed(f, "finding")?);
        }
    }
    if poam_items.is_empty() {
        return Err("no item generated: OSCAL requires at least one".into());
    }
    let mut root: poam_model::PlanOfActionAndMilestones =
        typed(frame(&sh, cycle), "document frame")?;
    root.observations = observations;
    root.risks = risks;
    root.findings = findings;
    root.poam_items = poam_items;
    let doc = Document::new(root);
    let errors = poam_model::datatype_errors(&doc);
    if let Some(first) = errors.first() {
        return Err(format!(
            "generator bug: {} datatype error(s), first: {first}",
            errors.len()
        ));
    }
    Ok(doc)
}

/// Everything but the items (one stand-in): metadata, the SSP import, local definitions,
/// back matter.
fn frame(sh: &Shared, cycle: u32) -> Value {
    let seed = sh.seed;
    let ssp_resource = uuid_of(seed, Kind::Misc as u64, 1);
    let location = uuid_of(seed, Kind::Misc as u64, 2);
    let mut r = rng::Rng::stream(seed, Kind::Misc as u64, 3);
    let parties = parties(sh, &mut r, &location);
    let metadata = metadata(seed, cycle, &parties, &location);
    let components = components(sh, &mut r);
    let inventory = inventory(sh, &mut r);
    let resources = resources(sh, &ssp_resource);
    json!({
        "uuid": uuid_of(seed, Kind::Document as u64, u64::from(cycle)),
        "metadata": metadata,
        "import-ssp": {"href": format!("#{ssp_resource}")},
        "system-id": {"identifier-type": namespace::IDENTIFIER_TYPE, "id": format!("F{:010}", seed % 10_000_000_000)},
        "local-definitions": {
            "components": components,
            "inventory-items": inventory,
            "remarks": "Scanner tools, software components and inventory items referenced by the POA&M entries.",
        },
        // OSCAL requires an item: a stand-in, which `generate` replaces with the items.
        "poam-items": [{"title": "Stand-in", "description": "Replaced by the generated items."}],
        "back-matter": {"resources": resources},
    })
}

/// The system the generated POA&Ms are about.
const SYSTEM: &str = "Acme GovCloud Platform";

fn party(seed: u64, i: u64) -> String {
    uuid_of(seed, Kind::Party as u64, i)
}

/// The provider, FedRAMP's offices, the ISSO, a team, and the engineers.
fn parties(sh: &Shared, r: &mut rng::Rng, location: &str) -> Vec<Value> {
    let seed = sh.seed;
    let party = |i: u64| party(seed, i);
    let mut parties = vec![
        json!({"uuid": party(0), "type": "organization", "name": "Acme Cloud Services, Inc.", "short-name": "Acme", "location-uuids": [location]}),
        json!({"uuid": party(1), "type": "organization", "name": "Federal Risk and Authorization Management Program: Program Management Office", "short-name": "FedRAMP PMO",
               "links": [{"href": "https://fedramp.gov", "rel": "homepage"}], "email-addresses": ["info@fedramp.gov"]}),
        json!({"uuid": party(2), "type": "organization", "name": "Federal Risk and Authorization Management Program: Joint Authorization Board", "short-name": "FedRAMP JAB"}),
        json!({"uuid": party(3), "type": "person", "name": text::person(r), "props": [{"name": "job-title", "value": "Information System Security Officer"}],
               "email-addresses": ["isso@acme-cloud.example.com"], "member-of-organizations": [party(0)]}),
        json!({"uuid": party(4), "type": "organization", "name": "Acme Vulnerability Management Team", "member-of-organizations": [party(0)]}),
    ];
    for e in 0..sh.engineers {
        let name = text::person(r);
        let email = format!(
            "{}.{}@acme-cloud.example.com",
            name.split(' ').next().unwrap_or("eng").to_lowercase(),
            e + 1
        );
        parties.push(json!({
            "uuid": uuid_of(seed, Kind::Engineer as u64, e),
            "type": "person",
            "name": name,
            "props": [{"name": "job-title", "value": *r.pick(&["Site Reliability Engineer", "Security Engineer", "Platform Engineer", "Database Administrator"])}],
            "email-addresses": [email],
            "member-of-organizations": [party(0)],
        }));
    }
    parties
}

fn metadata(seed: u64, cycle: u32, parties: &[Value], location: &str) -> Value {
    let party = |i: u64| party(seed, i);
    let system = SYSTEM;
    let roles = json!([
        {"id": roles::CLOUD_SERVICE_PROVIDER, "title": roles::CLOUD_SERVICE_PROVIDER_TITLE, "short-name": "CSP"},
        {"id": roles::FEDRAMP_PMO, "title": "The FedRAMP Program Management Office (PMO)", "short-name": "PMO"},
        {"id": roles::FEDRAMP_JAB, "title": "The FedRAMP Joint Authorization Board (JAB)", "short-name": "JAB"},
        {"id": roles::PREPARED_BY, "title": "Prepared By"},
        {"id": roles::PREPARED_FOR, "title": "Prepared For"},
        {"id": roles::ISSO, "title": "System Information System Security Officer (or Equivalent)"},
    ]);
    let responsible = json!([
        {"role-id": roles::CLOUD_SERVICE_PROVIDER, "party-uuids": [party(0)]},
        {"role-id": roles::FEDRAMP_PMO, "party-uuids": [party(1)]},
        {"role-id": roles::FEDRAMP_JAB, "party-uuids": [party(2)]},
        {"role-id": roles::PREPARED_BY, "party-uuids": [party(3)]},
        {"role-id": roles::PREPARED_FOR, "party-uuids": [party(0)]},
        {"role-id": roles::ISSO, "party-uuids": [party(3)]},
    ]);
    let now = as_of(cycle);
    let metadata = json!({
        "title": format!("{system} FedRAMP Plan of Action and Milestones (POA&M)"),
        "published": date_time(as_of(1), 9 * 3600, false),
        "last-modified": date_time(now, 9 * 3600 + 1800, false),
        "version": format!("{}-{:02}", now.format("%Y"), now.format("%m")),
        "oscal-version": "1.1.3",
        "props": [
            {"name": props::MARKING, "value": "Controlled Unclassified Information"},
            {"name": props::FEDRAMP_VERSION, "ns": namespace::NS, "value": "fedramp-3.0.0rc1-oscal-1.1.2"},
        ],
        "roles": roles,
        "locations": [{"uuid": location, "address": {"addr-lines": ["1234 Main Street", "Suite 500"], "city": "Arlington", "state": "VA", "postal-code": "22201", "country": "US"}}],
        "parties": parties,
        "responsible-parties": responsible,
    });

    metadata
}

/// The scanners, then the software components.
fn components(sh: &Shared, r: &mut rng::Rng) -> Vec<Value> {
    let seed = sh.seed;
    let system = SYSTEM;
    let mut components = Vec::new();
    for (t, (vendor, name, version)) in text::TOOLS.iter().enumerate() {
        components.push(json!({
            "uuid": uuid_of(seed, Kind::Tool as u64, t as u64),
            "type": "software",
            "title": name,
            "description": format!("{name}, the scanner that reports weaknesses for this POA&M."),
            "props": [
                {"name": props::VENDOR_NAME, "ns": namespace::NS, "value": vendor},
                {"name": props::TOOL_NAME, "ns": namespace::NS, "value": name},
                {"name": "version", "value": version},
            ],
            "status": {"state": "operational"},
        }));
    }
    for c in 0..sh.components {
        let p = r.pick(text::PRODUCTS);
        components.push(json!({
            "uuid": uuid_of(seed, Kind::Component as u64, c),
            "type": "software",
            "title": format!("{} {}", p.name, text::version(r)),
            "description": format!("{} as deployed in the {system} boundary (package `{}`).", p.name, p.package),
            "props": [{"name": props::VENDOR_NAME, "ns": namespace::NS, "value": p.vendor}],
            "status": {"state": "operational"},
        }));
    }
    components
}

fn inventory(sh: &Shared, r: &mut rng::Rng) -> Vec<Value> {
    let seed = sh.seed;
    (0..sh.inventory)
        .map(|i| {
            let role = r.pick(text::HOST_ROLES);
            json!({
                "uuid": uuid_of(seed, Kind::Inventory as u64, i),
                "description": format!("Production {role} server {}.", i + 1),
                "props": [
                    {"name": "asset-id", "value": format!("AST-{:06}", i + 1)},
                    {"name": "ipv4-address", "value": format!("10.{}.{}.{}", 10 + i / 65_536 % 200, i / 256 % 256, i % 256)},
                    {"name": "fqdn", "value": format!("{role}-{:05}.prod.acme-cloud.example.com", i + 1)},
                    {"name": "virtual", "value": "yes"},
                    {"name": "public", "value": "no"},
                ],
                "implemented-components": [{"component-uuid": uuid_of(seed, Kind::Component as u64, r.below(sh.components))}],
            })
        })
        .collect()
}

/// The SSP, then the evidence files.
fn resources(sh: &Shared, ssp_resource: &str) -> Vec<Value> {
    let seed = sh.seed;
    let system = SYSTEM;
    let mut resources = vec![json!({
        "uuid": ssp_resource,
        "title": format!("{system} System Security Plan"),
        "props": [{"name": props::TYPE, "ns": namespace::NS, "value": values::RESOURCE_SSP}],
        "rlinks": [{"href": "./acme-govcloud-ssp.json", "media-type": "application/json"}],
    })];
    for e in 0..sh.evidence {
        resources.push(json!({
            "uuid": uuid_of(seed, Kind::Evidence as u64, e),
            "title": format!("Scan export EV-{:05}", e + 1),
            "description": "Raw scanner export attached as evidence for the POA&M.",
            "props": [{"name": props::TYPE, "ns": namespace::NS, "value": values::RESOURCE_EVIDENCE}],
            "rlinks": [{"href": format!("./evidence/EV-{:05}.csv", e + 1), "media-type": "text/csv"}],
        }));
    }

    resources
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_document() {
        let a = generate(30, 7, 1).map_err(|e| e.clone());
        let b = generate(30, 7, 1).map_err(|e| e.clone());
        assert_eq!(a, b);
        let c = generate(30, 8, 1).map_err(|e| e.clone());
        assert_ne!(a, c);
    }

    #[test]
    fn a_document_has_no_datatype_errors_and_every_item_its_parts() -> Result<(), String> {
        let doc = generate(200, 3, 1)?;
        let p = &doc.plan_of_action_and_milestones;
        assert_eq!(p.poam_items.len(), 200);
        assert_eq!(p.risks.len(), 200);
        assert!(p.observations.len() >= 200);
        assert!(!p.findings.is_empty());
        assert!(poam_model::datatype_errors(&doc).is_empty());
        let closed = p
            .risks
            .iter()
            .filter(|r| r.status.as_str() == poam_fedramp::risk_status::CLOSED)
            .count();
        assert!((10..=60).contains(&closed), "{closed} closed of 200");
        for item in &p.poam_items {
            assert_eq!(item.related_risks.len(), 1);
            assert!(!item.related_observations.is_empty());
            assert!(item.props.iter().any(|x| x.name.as_str() == "POAM-ID"));
        }
        Ok(())
    }

    #[test]
    fn the_next_cycle_keeps_most_items_and_changes_some() -> Result<(), String> {
        let one = generate(400, 5, 1)?;
        let two = generate(400, 5, 2)?;
        let (a, b) = (
            &one.plan_of_action_and_milestones,
            &two.plan_of_action_and_milestones,
        );
        let uuids =
            |p: &poam_model::PlanOfActionAndMilestones| -> std::collections::HashSet<String> {
                p.poam_items
                    .iter()
                    .filter_map(|i| i.uuid.as_ref().map(std::string::ToString::to_string))
                    .collect()
            };
        let (ua, ub) = (uuids(a), uuids(b));
        let kept = ua.intersection(&ub).count();
        assert!((380..400).contains(&kept), "kept {kept}");
        assert!(ub.len() > kept, "cycle 2 adds items");
        let closed = |p: &poam_model::PlanOfActionAndMilestones| {
            p.risks
                .iter()
                .filter(|r| r.status.as_str() == poam_fedramp::risk_status::CLOSED)
                .count()
        };
        assert!(closed(b) > closed(a));
        assert_ne!(a.metadata.last_modified, b.metadata.last_modified);
        Ok(())
    }

    #[test]
    fn options_parse_and_reject() -> Result<(), String> {
        let parse = |s: &str| {
            crate::args::parse::<Options>(&s.split(' ').collect::<Vec<_>>())
                .map_err(|e| e.to_string())
        };
        let o = parse("--items 1_000 --seed 9 -o x.yaml")?;
        assert_eq!((o.items, o.seed, o.cycle), (1000, 9, 1));
        assert_eq!(o.format(), Ok(OutFormat::Yaml));
        let o = parse("-n 5 --format YML --output x.txt")?;
        assert_eq!(
            o.format(),
            Ok(OutFormat::Yaml),
            "--format wins over the extension"
        );
        assert!(parse("--items ten -o x.json").is_err());
        assert!(parse("--items 10 -o x.txt")?.format().is_err());
        assert!(parse("--items 10").is_err());
        assert!(parse("--items 10 --cycle 0 -o x.json").is_err());
        assert!(parse("--items 10 --cycle 121 -o x.json").is_err());
        Ok(())
    }
}

#[cfg(test)]
mod validation_tests {
    use super::*;

    /// Every diagnostic of `profile` at error level, as text.
    fn errors(doc: &Document, profile: poam_validate::Profile, cycle: u32) -> Vec<String> {
        let opts = poam_validate::Options {
            profile,
            as_of: as_of(cycle),
            ssp: None,
            schema: None,
        };
        let bytes = render(doc, OutFormat::Json).unwrap_or_default();
        let text = String::from_utf8(bytes).unwrap_or_default();
        let name = poam_io::SourceName("generated.json".into());
        match poam_validate::validate_text(&text, poam_io::Format::Json, &name, &opts) {
            Ok(v) => v
                .diagnostics
                .iter()
                .filter(|d| d.severity == poam_validate::Severity::Error)
                .map(|d| format!("{} {} {}", d.rule, d.pointer, d.message))
                .collect(),
            Err(e) => vec![e.to_string()],
        }
    }

    #[test]
    fn generated_documents_pass_oscal_and_fedramp_validation() -> Result<(), String> {
        for cycle in [1, 2] {
            let doc = generate(300, 11, cycle)?;
            for profile in [
                poam_validate::Profile::Oscal,
                poam_validate::Profile::Fedramp,
            ] {
                let e = errors(&doc, profile, cycle);
                assert!(
                    e.is_empty(),
                    "cycle {cycle}, {profile:?}: {} errors:\n{}",
                    e.len(),
                    e[..e.len().min(15)].join("\n")
                );
            }
        }
        // The check sees errors when there are some: a risk without its deadline.
        let mut doc = generate(20, 11, 1)?;
        doc.plan_of_action_and_milestones.risks[3].deadline = None;
        let e = errors(&doc, poam_validate::Profile::Fedramp, 1);
        assert!(
            e.iter()
                .any(|x| x
                    .starts_with("fedramp-risk-deadline /plan-of-action-and-milestones/risks/3")),
            "{e:?}"
        );
        Ok(())
    }
}
