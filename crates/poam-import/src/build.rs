//! Weaknesses into a POA&M, shaped as the FedRAMP Guide maps a workbook row.
//!
//! Each weakness becomes the workbook's typed row (`poam_xlsx::Item`: weakness name,
//! description, detector source, source identifier, assets, dates, rating, CVEs, KEV), and
//! the workbook importer's `poam_xlsx::build` turns the rows into items exactly as it does for a
//! workbook: one `poam-item` with its finding observation and risk, the tool as a component
//! and actor, assets as inventory items. What a scanner says beyond a row is added on top:
//! the scanner's solution as the `recommendation` response (origin: the tool), its CVSS
//! vector as CVSS facets and its own severity and score as facets in the scanner's system,
//! the host's other names on its inventory item, and when the scanner last saw it.

use chrono::NaiveDate;
use poam_model::datatypes::{DateTimeWithTimezone, Token, Uri, Uuid};
use poam_model::{Document, Facet, Origin, OriginActor, Property, Response, Revision};
use poam_xlsx::markup;
use poam_xlsx::{Header, Item, Milestone, SheetKind, format_date};

use crate::finding::{Asset, Cvss, FindingKind, Severity};
use crate::group::Weakness;
use crate::kev::Catalog;
use poam_fedramp::{self as fedramp, RiskRating};

/// The namespace of poam's own props on imported items (`last-seen`).
pub(crate) const IMPORT_NS: &str = "urn:poam:import";
/// The facet system of a scanner's own rating (`severity`, `cvss-base-score`,
/// `cvss-vector`): the scanner's words, kept beside FedRAMP's rating.
pub(crate) const SCANNER_SYSTEM: &str = "http://csrc.nist.gov/ns/oscal/unknown";
/// The plan new items get when `--plan` gives none.
pub const DEFAULT_PLAN: &str = "Remediate the weakness as the scanner recommends, then rescan to confirm it is no longer detected.";
/// The title of the scanner's advice.
pub(crate) const RECOMMENDATION_TITLE: &str = "Scanner's Recommendation";
/// The impacted control of a vulnerability (RA-5, vulnerability monitoring and scanning) and
/// of a configuration finding (CM-6, configuration settings), as FedRAMP requires one.
pub(crate) const VULNERABILITY_CONTROL: &str = "ra-5";
pub(crate) const CONFIGURATION_CONTROL: &str = "cm-6";

/// How to build.
#[derive(Debug, Clone)]
pub struct BuildOptions<'a> {
    /// The day of the import: last seen and detection when the scans state no date.
    pub as_of: NaiveDate,
    /// The scans' date (the latest the files state): when the items were last seen, as an
    /// import into a POA&M records it, so that importing the same scan again changes nothing.
    pub scan_date: Option<NaiveDate>,
    /// The remediation plan of new items.
    pub plan: String,
    /// CISA's Known Exploited Vulnerabilities catalog: a KEV CVE gets the `kev-catalog` prop
    /// and its due date when that is earlier than the risk's deadline.
    pub kev: Option<&'a Catalog>,
    /// Give items POAM IDs (`V-0001`, ...): for a new POA&M. Into an existing one, the merge
    /// gives the next of its series.
    pub assign_poam_ids: bool,
}

impl BuildOptions<'_> {
    /// Options for an import on `as_of`: the default plan, no KEV catalog, no POAM IDs.
    pub fn new(as_of: NaiveDate) -> Self {
        Self {
            as_of,
            scan_date: None,
            plan: DEFAULT_PLAN.to_owned(),
            kev: None,
            assign_poam_ids: true,
        }
    }
}

/// FedRAMP's rating of a scanner severity: Critical is High; informational has none, and is
/// rated Low if imported at all; a finding the scanner did not rate ([`Severity::Unknown`]) is
/// rated Moderate until the provider assesses it (a middle deadline rather than the longest,
/// and the import's summary names each such item so that someone reviews it).
pub(crate) fn rating(s: Severity) -> RiskRating {
    match s {
        Severity::Unknown => RiskRating::Moderate,
        other => RiskRating::parse(other.as_str()).unwrap_or(RiskRating::Low),
    }
}

/// The detection date, deadline and KEV due date of a weakness.
pub(crate) fn dates(
    w: &Weakness,
    opts: &BuildOptions<'_>,
) -> (NaiveDate, NaiveDate, Option<NaiveDate>) {
    let detected = w.detected.unwrap_or(opts.as_of);
    let kev_due = opts.kev.and_then(|k| k.lookup(&w.cves).1);
    let deadline = fedramp::deadline(detected, rating(w.severity), kev_due);
    (detected, deadline, kev_due)
}

/// The workbook row of a weakness.
fn row(w: &Weakness, n: usize, opts: &BuildOptions<'_>) -> Item {
    let (detected, deadline, kev_due) = dates(w, opts);
    let listed = opts.kev.is_some_and(|k| !k.lookup(&w.cves).0.is_empty());
    Item {
        sheet: match w.kind {
            FindingKind::Vulnerability => SheetKind::Open,
            FindingKind::Configuration => SheetKind::ConfigurationFindings,
        },
        poam_id: opts.assign_poam_ids.then(|| format!("V-{n:04}")),
        controls: vec![
            match w.kind {
                FindingKind::Vulnerability => VULNERABILITY_CONTROL,
                FindingKind::Configuration => CONFIGURATION_CONTROL,
            }
            .to_owned(),
        ],
        weakness_name: Some(clean(&w.name)),
        weakness_description: Some(w.description.as_deref().map_or_else(
            || format!("{} reported {}.", w.detector.name, w.weakness_id),
            clean,
        )),
        detector_sources: vec![w.detector.name.clone()],
        source_ids: vec![w.weakness_id.clone()],
        assets: w.assets.iter().map(Asset::identifier).collect(),
        remediation_plan: Some(opts.plan.clone()),
        detection_date: Some(detected),
        completion_date: Some(deadline),
        milestones: vec![Milestone {
            number: Some(1),
            date: Some(deadline),
            text: opts.plan.clone(),
        }],
        original_rating: Some(rating(w.severity)),
        kev: listed.then_some(true),
        kev_due_date: kev_due,
        cves: w.cves.clone(),
        ..Item::default()
    }
}

/// Scanner text as plain text: line ends normalized, trailing space and indentation of
/// XML-pretty-printed text removed, at most one blank line in a row.
pub(crate) fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.replace("\r\n", "\n").replace('\r', "\n").lines() {
        let l = line.trim();
        if l.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(l);
    }
    out
}

/// The stable key of a weakness's item: its uuids derive from it, so that next month's scan
/// gives the same item the same uuids.
pub(crate) fn item_key(w: &Weakness) -> String {
    format!("scan:{}", w.key)
}

/// The POA&M of `weaknesses` (a new one, or the update an import merges into one).
pub fn document(weaknesses: &[Weakness], opts: &BuildOptions<'_>) -> Document {
    let rows: Vec<Item> = weaknesses
        .iter()
        .enumerate()
        .map(|(i, w)| row(w, i + 1, opts))
        .collect();
    let names: Vec<String> = weaknesses.iter().map(item_key).collect();
    // The workbook keys an item by its POAM ID, else its identifiers and assets, else its
    // place; a scanned weakness is keyed by its scanner, id and package alone (assets change
    // month to month, POAM IDs come from BASE), given as the "place" of a bare row.
    let bare = vec![Item::default(); rows.len()];
    let keys = poam_xlsx::item_keys(&bare, &names);
    let header = Header {
        poam_date: Some(opts.as_of),
        ..Header::default()
    };
    let mut doc = poam_xlsx::build(&header, &rows, &keys);
    let poam = &mut doc.plan_of_action_and_milestones;
    // One document per import: its uuid from what it holds, not only the day.
    let ns = poam_xlsx::system_namespace(&header);
    poam.uuid = Uuid::from_name(
        &ns,
        &format!("document:{}:{}", format_date(opts.as_of), names.join(",")),
    );
    let last_seen = format_date(opts.scan_date.unwrap_or(opts.as_of));
    for (i, w) in weaknesses.iter().enumerate() {
        augment(poam, i, w, &last_seen);
    }
    describe_tools(poam, weaknesses);
    name_assets(poam, weaknesses);
    created_revision(&mut poam.metadata, opts.as_of);
    doc
}

/// What a scanner says beyond the workbook row, added to item `i`.
fn augment(poam: &mut poam_model::PlanOfActionAndMilestones, i: usize, w: &Weakness, date: &str) {
    let Some(item) = poam.poam_items.get(i) else {
        return;
    };
    let risk_uuid = item.related_risks.first().map(|r| r.risk_uuid.clone());
    let finding_uuid = item
        .related_observations
        .first()
        .map(|o| o.observation_uuid.clone());
    let mut tool: Option<Uuid> = None;
    if let Some(o) = poam
        .observations
        .iter_mut()
        .find(|o| Some(&o.uuid) == finding_uuid.as_ref())
    {
        tool = o
            .origins
            .first()
            .and_then(|g| g.actors.first())
            .map(|a| a.actor_uuid.clone());
        set_last_seen(&mut o.props, date);
    }
    let Some(risk) = poam
        .risks
        .iter_mut()
        .find(|r| Some(&r.uuid) == risk_uuid.as_ref())
    else {
        return;
    };
    if let Some(c) = risk.characterizations.first_mut() {
        c.facets.extend(scanner_facets(w));
        c.facets.extend(cvss_facets(&w.cvss));
    }
    let ns = Uuid::from_name(&risk.uuid, "recommendation");
    risk.remediations.push(Response {
        uuid: ns,
        lifecycle: Token::new("recommendation"),
        title: markup::line(RECOMMENDATION_TITLE),
        description: markup::multiline(&w.solution.as_deref().map_or_else(
            || {
                format!(
                    "{} gives no solution for {}.",
                    w.detector.name, w.weakness_id
                )
            },
            clean,
        )),
        props: Vec::new(),
        links: Vec::new(),
        origins: tool
            .map(|t| {
                vec![Origin {
                    actors: vec![OriginActor {
                        r#type: Token::new("tool"),
                        actor_uuid: t,
                        role_id: None,
                        props: Vec::new(),
                        links: Vec::new(),
                    }],
                    related_tasks: Vec::new(),
                }]
            })
            .unwrap_or_default(),
        required_assets: Vec::new(),
        tasks: Vec::new(),
        remarks: None,
    });
}

/// Sets the `last-seen` prop (poam's namespace) to `date`.
pub(crate) fn set_last_seen(props: &mut Vec<Property>, date: &str) {
    match props
        .iter_mut()
        .find(|p| p.name == "last-seen" && p.ns.as_ref().is_some_and(|n| n.as_str() == IMPORT_NS))
    {
        Some(p) => date.clone_into(&mut p.value),
        None => props.push(prop("last-seen", Some(IMPORT_NS), date)),
    }
}

pub(crate) fn prop(name: &str, ns: Option<&str>, value: &str) -> Property {
    Property::new(name, ns, value)
}

fn facet(name: &str, system: &str, value: &str) -> Facet {
    Facet {
        name: Token::new(name),
        system: Uri::new(system),
        value: value.to_owned(),
        props: Vec::new(),
        links: Vec::new(),
        remarks: None,
    }
}

/// The scanner's own rating, kept as it gave it.
fn scanner_facets(w: &Weakness) -> Vec<Facet> {
    let mut out = Vec::new();
    if !w.scanner_severity.trim().is_empty() {
        out.push(facet("severity", SCANNER_SYSTEM, w.scanner_severity.trim()));
    }
    if let Some(s) = w.cvss.score {
        out.push(facet("cvss-base-score", SCANNER_SYSTEM, &format!("{s:.1}")));
    }
    if let Some(v) = w.cvss.vector.as_deref() {
        out.push(facet("cvss-vector", SCANNER_SYSTEM, v.trim()));
    }
    out
}

/// A CVSS v3 vector's base metrics as facets in FIRST's system (OSCAL's names and values).
pub(crate) fn cvss_facets(cvss: &Cvss) -> Vec<Facet> {
    let (Some(version), Some(vector)) = (cvss.version.as_deref(), cvss.vector.as_deref()) else {
        return Vec::new();
    };
    let system = match version {
        "3.0" => "http://www.first.org/cvss/v3.0",
        "3.1" => "http://www.first.org/cvss/v3.1",
        _ => return Vec::new(),
    };
    vector
        .split('/')
        .filter_map(|part| {
            let (metric, value) = part.split_once(':')?;
            let (name, value) = cvss3_metric(metric, value)?;
            Some(facet(name, system, value))
        })
        .collect()
}

fn cvss3_metric(metric: &str, value: &str) -> Option<(&'static str, &'static str)> {
    let impact = |v: &str| match v {
        "H" => Some("high"),
        "L" => Some("low"),
        "N" => Some("none"),
        _ => None,
    };
    Some(match metric {
        "AV" => (
            "attack-vector",
            match value {
                "N" => "network",
                "A" => "adjacent",
                "L" => "local",
                "P" => "physical",
                _ => return None,
            },
        ),
        "AC" => ("access-complexity", impact(value).filter(|v| *v != "none")?),
        "PR" => ("privileges-required", impact(value)?),
        "UI" => (
            "user-interaction",
            match value {
                "N" => "none",
                "R" => "required",
                _ => return None,
            },
        ),
        "S" => (
            "scope",
            match value {
                "U" => "unchanged",
                "C" => "changed",
                _ => return None,
            },
        ),
        "C" => ("confidentiality-impact", impact(value)?),
        "I" => ("integrity-impact", impact(value)?),
        "A" => ("availability-impact", impact(value)?),
        _ => return None,
    })
}

/// The scanners' components say what they are (and which version ran).
fn describe_tools(poam: &mut poam_model::PlanOfActionAndMilestones, weaknesses: &[Weakness]) {
    let Some(ld) = poam.local_definitions.as_mut() else {
        return;
    };
    for c in &mut ld.components {
        let title = markup::line_text(&c.title);
        let Some(d) = weaknesses
            .iter()
            .map(|w| &w.detector)
            .find(|d| d.name == title)
        else {
            continue;
        };
        let text = match &d.version {
            Some(v) => format!(
                "The scanner {} (version {v}), whose results poam imported.",
                d.name
            ),
            None => format!("The scanner {}, whose results poam imported.", d.name),
        };
        c.description = markup::multiline(&text);
    }
}

/// A host's other names (IP address, FQDN) on its inventory items, for matching next
/// month and for `--ssp`.
fn name_assets(poam: &mut poam_model::PlanOfActionAndMilestones, weaknesses: &[Weakness]) {
    let Some(ld) = poam.local_definitions.as_mut() else {
        return;
    };
    let mut aliases: std::collections::HashMap<String, Vec<&String>> =
        std::collections::HashMap::new();
    for a in weaknesses.iter().flat_map(|w| w.assets.iter()) {
        aliases
            .entry(a.identifier())
            .or_default()
            .extend(a.aliases.iter());
    }
    for item in &mut ld.inventory_items {
        let Some(id) = item
            .props
            .iter()
            .find(|p| p.name == "asset-id")
            .map(|p| p.value.clone())
        else {
            continue;
        };
        for alias in aliases.get(&id).into_iter().flatten() {
            let name = if alias.parse::<std::net::Ipv4Addr>().is_ok() {
                "ipv4-address"
            } else if alias.parse::<std::net::Ipv6Addr>().is_ok() {
                "ipv6-address"
            } else if alias.contains('.') {
                "fqdn"
            } else {
                continue;
            };
            if !item
                .props
                .iter()
                .any(|p| p.name == name && p.value == **alias)
            {
                item.props.push(prop(name, None, alias));
            }
        }
    }
}

/// The revision of the cycle the POA&M is created in, so that importing again in the same
/// cycle (through the merge) changes nothing.
fn created_revision(m: &mut poam_model::Metadata, as_of: NaiveDate) {
    let date = format_date(as_of);
    "1.0".clone_into(&mut m.version);
    m.revisions.push(Revision {
        title: Some(markup::line(&poam_cycle::cycle_title(&date))),
        published: None,
        last_modified: Some(DateTimeWithTimezone::new(format!("{date}T00:00:00Z"))),
        version: m.version.clone(),
        oscal_version: Some(m.oscal_version.clone()),
        props: Vec::new(),
        links: Vec::new(),
        remarks: Some(markup::multiline(
            "Created from scanner results by poam import.",
        )),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cvss3_vectors_become_facets() {
        let c = Cvss {
            version: Some("3.1".into()),
            vector: Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:L/A:N".into()),
            score: Some(8.1),
        };
        let f: Vec<(String, String)> = cvss_facets(&c)
            .into_iter()
            .map(|f| (f.name.to_string(), f.value))
            .collect();
        let expected = [
            ("attack-vector", "network"),
            ("access-complexity", "low"),
            ("privileges-required", "none"),
            ("user-interaction", "required"),
            ("scope", "unchanged"),
            ("confidentiality-impact", "high"),
            ("integrity-impact", "low"),
            ("availability-impact", "none"),
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()));
        assert_eq!(f, expected);
        let v2 = Cvss {
            version: Some("2.0".into()),
            vector: Some("AV:N/AC:L/Au:N/C:P/I:P/A:P".into()),
            score: Some(7.5),
        };
        assert!(cvss_facets(&v2).is_empty());
    }

    #[test]
    fn scanner_text_is_cleaned() {
        assert_eq!(
            clean("  first line  \r\n      second\n\n\n\n   third  "),
            "first line\nsecond\n\nthird"
        );
    }

    #[test]
    fn ratings() {
        assert_eq!(rating(Severity::Critical), RiskRating::High);
        assert_eq!(rating(Severity::Moderate), RiskRating::Moderate);
        assert_eq!(rating(Severity::Info), RiskRating::Low);
        assert_eq!(rating(Severity::Unknown), RiskRating::Moderate);
    }
}
