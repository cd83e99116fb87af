//! An OSCAL POA&M read back into typed workbook rows: what each column shows for each
//! `poam-item`. Works on any POA&M, not only poam's own: it follows the FedRAMP Guide's
//! locations and reads every spelling of the FedRAMP namespace.

use std::collections::HashMap;

use chrono::NaiveDate;
use poam_model::datatypes::DateTimeWithTimezone;
use poam_model::{
    Document, Entry, Facet, InventoryItem, Observation, Party, PoamItem, Property, Resource, Risk,
    SystemComponent,
};

use crate::markup::{line_text, multiline_text};
use crate::oscal::{CVE_SYSTEM, TITLE_SUFFIX, UNMAPPED_COLUMN};
use crate::record::{Header, Item, SheetKind};
use crate::values::{self, Answer, Milestone, MilestoneChange, RiskRating, parse_date_exact};
use poam_fedramp::namespace::{is_fedramp_prop_ns, is_fedramp_system};
use poam_fedramp::{
    entry_types, facets as facet_names, log_titles, observation_types, part_titles, placeholders,
    props as fr, roles, values as fr_values,
};

/// Lookups by UUID over one document.
pub(crate) struct Index<'a> {
    parties: HashMap<&'a str, &'a Party>,
    components: HashMap<&'a str, &'a SystemComponent>,
    inventory: HashMap<&'a str, &'a InventoryItem>,
    observations: HashMap<&'a str, &'a Observation>,
    risks: HashMap<&'a str, &'a Risk>,
    resources: HashMap<&'a str, &'a Resource>,
}

impl<'a> Index<'a> {
    pub(crate) fn new(doc: &'a Document) -> Self {
        let p = &doc.plan_of_action_and_milestones;
        let ld = p.local_definitions.as_ref();
        Self {
            parties: p
                .metadata
                .parties
                .iter()
                .map(|x| (x.uuid.as_str(), x))
                .collect(),
            components: ld
                .map(|l| l.components.iter().map(|x| (x.uuid.as_str(), x)).collect())
                .unwrap_or_default(),
            inventory: ld
                .map(|l| {
                    l.inventory_items
                        .iter()
                        .map(|x| (x.uuid.as_str(), x))
                        .collect()
                })
                .unwrap_or_default(),
            observations: p
                .observations
                .iter()
                .map(|x| (x.uuid.as_str(), x))
                .collect(),
            risks: p.risks.iter().map(|x| (x.uuid.as_str(), x)).collect(),
            resources: p
                .back_matter
                .iter()
                .flat_map(|b| &b.resources)
                .map(|x| (x.uuid.as_str(), x))
                .collect(),
        }
    }
}

fn date_of(d: &DateTimeWithTimezone) -> Option<NaiveDate> {
    d.date().or_else(|| parse_date_exact(d.as_str()))
}

fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// The text, unless it is empty or one of the placeholders poam writes where OSCAL needs a
/// value the workbook left blank (those read back as blank).
fn given(s: String) -> Option<String> {
    use placeholders as p;
    match s.as_str() {
        "" | p::DESCRIPTION | p::REMEDIATION_PLAN | p::UNTITLED | p::CSP => None,
        _ => Some(s),
    }
}

/// Whether a prop is in the FedRAMP namespace.
fn in_fedramp_ns(p: &Property) -> bool {
    is_fedramp_prop_ns(p.ns.as_deref())
}

fn fr_props<'p>(props: &'p [Property], name: &'p str) -> impl Iterator<Item = &'p Property> {
    props
        .iter()
        .filter(move |p| p.name.eq_ignore_ascii_case(name) && in_fedramp_ns(p))
}

fn fr_value<'p>(props: &'p [Property], name: &str) -> Option<&'p str> {
    props
        .iter()
        .find(|p| p.name.eq_ignore_ascii_case(name) && in_fedramp_ns(p))
        .map(|p| p.value.as_str())
}

fn has_type(o: &Observation, t: &str) -> bool {
    o.types.iter().any(|x| x.as_str() == t)
}

/// Whether a title reads `want` (any case); without building the title's text when it is
/// one plain text node, as poam writes titles.
fn title_is(title: Option<&poam_model::MarkupLine>, want: &str) -> bool {
    title.is_some_and(|t| match &*t.parsed_inlines() {
        [poam_markup::Inline::Text(x)] => x.eq_ignore_ascii_case(want),
        _ => line_text(t).eq_ignore_ascii_case(want),
    })
}

const DEVIATION_TYPES: [(&str, &str); 3] = [
    (observation_types::RISK_ADJUSTMENT, "Risk Adjustment"),
    (observation_types::FALSE_POSITIVE, "False Positive"),
    (
        observation_types::OPERATIONAL_REQUIREMENT,
        "Operational Requirement",
    ),
];

/// The header block a document shows.
pub(crate) fn header(doc: &Document) -> Header {
    let m = &doc.plan_of_action_and_milestones.metadata;
    let title = line_text(&m.title);
    let system_name = if title.eq_ignore_ascii_case(TITLE_SUFFIX) || title.is_empty() {
        None
    } else {
        Some(
            title
                .strip_suffix(TITLE_SUFFIX)
                .map_or(title.as_str(), str::trim_end)
                .to_owned(),
        )
    };
    let csp = m
        .responsible_parties
        .iter()
        .find(|r| r.role_id.as_str() == roles::CLOUD_SERVICE_PROVIDER)
        .and_then(|r| r.party_uuids.first())
        .and_then(|u| m.parties.iter().find(|p| p.uuid == *u))
        .and_then(|p| p.name.clone())
        .and_then(given);
    Header {
        csp,
        system_name,
        impact_level: fr_value(&m.props, fr::IMPACT_LEVEL).and_then(RiskRating::parse),
        poam_date: date_of(&m.last_modified),
    }
}

/// The rows of a document, one per `poam-item`, in document order. `notes` gets what the
/// workbook cannot show (a second risk on an item, references that resolve nowhere).
pub(crate) fn items(doc: &Document, notes: &mut Vec<String>) -> Vec<Item> {
    let index = Index::new(doc);
    doc.plan_of_action_and_milestones
        .poam_items
        .iter()
        .enumerate()
        .map(|(i, pi)| item(pi, i, &index, notes))
        .collect()
}

fn party_name(index: &Index<'_>, uuid: &str) -> String {
    index
        .parties
        .get(uuid)
        .and_then(|p| p.name.clone().or_else(|| p.short_name.clone()))
        .unwrap_or_else(|| uuid.to_owned())
}

fn component_name(index: &Index<'_>, uuid: &str) -> Option<String> {
    index
        .components
        .get(uuid)
        .map(|c| line_text(&c.title))
        .filter(|t| !t.is_empty())
}

fn asset_name(index: &Index<'_>, kind: &str, uuid: &str) -> Option<String> {
    if let Some(inv) = index.inventory.get(uuid) {
        for name in [
            "asset-id",
            "fqdn",
            "ipv4-address",
            "ipv6-address",
            "uri",
            "mac-address",
        ] {
            if let Some(p) = inv.props.iter().find(|p| p.name.as_str() == name) {
                return Some(p.value.clone());
            }
        }
        let d = multiline_text(&inv.description);
        return non_empty(d.lines().next().unwrap_or_default().to_owned());
    }
    if kind == "component" || index.components.contains_key(uuid) {
        return component_name(index, uuid);
    }
    index.parties.get(uuid).and_then(|p| p.name.clone())
}

fn state_of(f: &Facet) -> &str {
    f.props
        .iter()
        .find(|p| p.name.as_str() == facet_names::STATE)
        .map_or(facet_names::INITIAL, |p| p.value.as_str())
}

/// The level of a risk's FedRAMP facets in `state`: the `risk` facet, or else likelihood
/// and impact (their common level, or the impact when they differ).
fn rating(risk: &Risk, state: &str) -> Option<RiskRating> {
    let facets: Vec<&Facet> = risk
        .characterizations
        .iter()
        .flat_map(|c| &c.facets)
        .filter(|f| is_fedramp_system(f.system.as_str()) && state_of(f) == state)
        .collect();
    let level = |name: &str| {
        facets
            .iter()
            .find(|f| f.name.as_str() == name)
            .and_then(|f| RiskRating::parse(&f.value))
    };
    let (risk, likelihood, impact) = (
        facet_names::RISK,
        facet_names::LIKELIHOOD,
        facet_names::IMPACT,
    );
    level(risk).or_else(|| match (level(likelihood), level(impact)) {
        (Some(l), Some(i)) if l == i => Some(l),
        (_, Some(i)) => Some(i),
        (l, None) => l,
    })
}

fn deviation(props: &[Property], name: &str) -> Option<Answer> {
    match fr_value(props, name)?.to_ascii_lowercase().as_str() {
        fr_values::APPROVED | fr_values::YES => Some(Answer::Yes),
        fr_values::PENDING | fr_values::INVESTIGATING => Some(Answer::Pending),
        _ => None,
    }
}

/// A scanner's identifier prop on a tool actor (`plugin-id` or `vulnerability-id`).
fn is_source_id(p: &Property) -> bool {
    in_fedramp_ns(p) && [fr::PLUGIN_ID, fr::VULNERABILITY_ID].contains(&p.name.as_str())
}

fn is_closure(e: &Entry) -> bool {
    e.status_change
        .as_ref()
        .is_some_and(|s| s.as_str() == poam_fedramp::risk_status::CLOSED)
}

fn is_status_update(e: &Entry) -> bool {
    title_is(e.title.as_ref(), log_titles::STATUS_UPDATE)
        && e.props
            .iter()
            .any(|p| p.name.as_str() == "type" && p.value == entry_types::STATUS_UPDATE)
}

/// A change entry's number and kind when its title is in poam's form (`Milestone 2:
/// Update`, `Milestone change`), `None` for any other title.
fn change_title(title: &str) -> Option<(Option<u32>, Option<String>)> {
    let (head, kind) = match title.split_once(": ") {
        Some((h, k)) if !k.is_empty() && !k.contains(char::is_whitespace) => {
            (h, Some(k.to_owned()))
        }
        _ => (title, None),
    };
    if head == log_titles::MILESTONE_CHANGE {
        return Some((None, kind));
    }
    let n = head.strip_prefix("Milestone ")?;
    (n.bytes().all(|c| c.is_ascii_digit()) && !n.is_empty())
        .then(|| n.parse().ok().map(|n| (Some(n), kind)))
        .flatten()
}

/// The observations an item cites, by the role each plays in the row.
struct ItemObservations<'a> {
    all: Vec<&'a Observation>,
    /// The weakness itself: typed `finding`, else the first that is no deviation record.
    finding: Option<&'a Observation>,
    /// The vendor dependency record.
    vendor: Option<&'a Observation>,
}

impl<'a> ItemObservations<'a> {
    fn of(pi: &PoamItem, index: &Index<'a>) -> Self {
        let all: Vec<&Observation> = pi
            .related_observations
            .iter()
            .filter_map(|o| index.observations.get(o.observation_uuid.as_str()).copied())
            .collect();
        let is_ours_special = |o: &Observation| {
            title_is(o.title.as_ref(), part_titles::DEVIATION)
                || title_is(o.title.as_ref(), part_titles::VENDOR_DEPENDENCY)
        };
        let finding = all
            .iter()
            .copied()
            .find(|o| has_type(o, "finding") && !is_ours_special(o))
            .or_else(|| {
                all.iter().copied().find(|o| {
                    !is_ours_special(o)
                        && !has_type(o, observation_types::VENDOR_DEPENDENCY)
                        && !DEVIATION_TYPES.iter().any(|(t, _)| has_type(o, t))
                })
            });
        let vendor = all.iter().copied().find(|o| {
            title_is(o.title.as_ref(), part_titles::VENDOR_DEPENDENCY)
                || has_type(o, observation_types::VENDOR_DEPENDENCY)
        });
        Self {
            all,
            finding,
            vendor,
        }
    }

    /// The deviation rationale: poam's own rationale observations, else the description of
    /// each deviation-typed observation under its label.
    fn deviation_rationale(&self) -> Option<String> {
        let rationale_obs: Vec<&Observation> = self
            .all
            .iter()
            .copied()
            .filter(|o| title_is(o.title.as_ref(), part_titles::DEVIATION))
            .collect();
        if rationale_obs.is_empty() {
            let parts: Vec<String> = self
                .all
                .iter()
                .filter_map(|o| {
                    let (_, label) = DEVIATION_TYPES.iter().find(|(t, _)| has_type(o, t))?;
                    Some(format!("{label} : {}", multiline_text(&o.description)))
                })
                .collect();
            return non_empty(parts.join("\n\n"));
        }
        non_empty(
            rationale_obs
                .iter()
                .map(|o| multiline_text(&o.description))
                .collect::<Vec<_>>()
                .join("\n\n"),
        )
    }
}

/// The item's risks that are in the document; `notes` gets the ones that are not, and a
/// second risk the workbook cannot show.
fn item_risks<'a>(
    pi: &PoamItem,
    position: usize,
    index: &Index<'a>,
    notes: &mut Vec<String>,
) -> Vec<&'a Risk> {
    let label = || {
        fr_value(&pi.props, fr::POAM_ID).map_or_else(
            || format!("poam-item #{}", position + 1),
            |id| format!("poam-item {id:?}"),
        )
    };
    let risks: Vec<&Risk> = pi
        .related_risks
        .iter()
        .filter_map(|r| {
            let found = index.risks.get(r.risk_uuid.as_str()).copied();
            if found.is_none() {
                notes.push(format!(
                    "{}: related risk {} is not in the document",
                    label(),
                    r.risk_uuid
                ));
            }
            found
        })
        .collect();
    if risks.len() > 1 {
        notes.push(format!(
            "{} has {} risks; the workbook shows the first",
            label(),
            risks.len()
        ));
    }
    risks
}

/// What the poam-item itself says: POAM ID, comments, the columns kept as props, the sheet.
fn item_columns(pi: &PoamItem, risk: Option<&Risk>) -> Item {
    let mut it = Item {
        poam_id: pi
            .props
            .iter()
            .find(|p| {
                p.name.eq_ignore_ascii_case(fr::POAM_ID) && (p.ns.is_none() || in_fedramp_ns(p))
            })
            .map(|p| p.value.clone()),
        comments: pi.remarks.as_ref().map(multiline_text).and_then(non_empty),
        auto_approve: fr_value(&pi.props, fr::AUTO_APPROVE).map(str::to_owned),
        services: fr_props(&pi.props, fr::SERVICE_NAME)
            .map(|p| p.value.clone())
            .collect(),
        extras: fr_props(&pi.props, UNMAPPED_COLUMN)
            .map(|p| {
                (
                    p.value.clone(),
                    p.remarks.as_ref().map(multiline_text).unwrap_or_default(),
                )
            })
            .collect(),
        ..Item::default()
    };
    it.sheet = if risk.is_some_and(|r| r.status.as_str() == poam_fedramp::risk_status::CLOSED) {
        SheetKind::Closed
    } else if fr_value(&pi.props, fr::CONFIGURATION_FINDING).is_some_and(|v| v == fr_values::YES) {
        SheetKind::ConfigurationFindings
    } else {
        SheetKind::Open
    };
    it
}

/// The finding's columns: detector sources, assets, supporting documents, detection date.
fn read_finding(it: &mut Item, o: &Observation, index: &Index<'_>) {
    for origin in &o.origins {
        for a in &origin.actors {
            if a.r#type.as_str() == "tool" {
                it.detector_sources.push(
                    component_name(index, a.actor_uuid.as_str())
                        .unwrap_or_else(|| a.actor_uuid.to_string()),
                );
            }
        }
    }
    it.assets = o
        .subjects
        .iter()
        .map(|s| {
            asset_name(index, s.r#type.as_str(), s.subject_uuid.as_str())
                .or_else(|| s.title.as_ref().map(line_text).and_then(non_empty))
                .unwrap_or_else(|| s.subject_uuid.to_string())
        })
        .collect();
    it.supporting_documents = o
        .relevant_evidence
        .iter()
        .filter_map(|e| {
            let resource = e
                .href
                .as_ref()
                .and_then(|h| h.strip_prefix('#'))
                .and_then(|u| index.resources.get(u));
            resource
                .and_then(|r| r.title.as_ref().map(line_text).and_then(non_empty))
                .or_else(|| non_empty(multiline_text(&e.description)))
                .or_else(|| e.href.as_ref().map(std::string::ToString::to_string))
        })
        .flat_map(|s| s.lines().map(str::to_owned).collect::<Vec<_>>())
        .collect();
    it.detection_date = date_of(&o.collected);
}

/// The risk's FedRAMP props: controls, deviations, KEV.
fn read_risk_props(it: &mut Item, risk: &Risk) {
    it.controls = fr_props(&risk.props, fr::IMPACTED_CONTROL_ID)
        .map(|p| p.value.clone())
        .collect();
    it.vendor_dependency = match fr_value(&risk.props, fr::VENDOR_DEPENDENCY)
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some(fr_values::TRACKING | fr_values::RESOLVED | fr_values::YES) => Some(Answer::Yes),
        Some(fr_values::INVESTIGATING | fr_values::PENDING) => Some(Answer::Pending),
        _ => None,
    };
    it.risk_adjustment = deviation(&risk.props, fr::RISK_ADJUSTMENT);
    it.false_positive = deviation(&risk.props, fr::FALSE_POSITIVE);
    it.operational_requirement = deviation(&risk.props, fr::OPERATIONAL_REQUIREMENT);
    it.kev = fr_value(&risk.props, fr::KEV_CATALOG).and_then(|v| {
        match v.to_ascii_lowercase().as_str() {
            fr_values::YES => Some(true),
            fr_values::NO => Some(false),
            _ => None,
        }
    });
    it.kev_due_date = fr_value(&risk.props, fr::KEV_DUE_DATE).and_then(parse_date_exact);
}

/// The scanner's identifiers (on the risk's tool actors, else the finding's) and the CVEs.
fn read_sources(it: &mut Item, risk: &Risk, finding: Option<&Observation>) {
    for c in &risk.characterizations {
        for a in &c.origin.actors {
            it.source_ids.extend(
                a.props
                    .iter()
                    .filter(|p| is_source_id(p))
                    .map(|p| p.value.clone()),
            );
        }
        for f in &c.facets {
            let cve_system = f.system.trim_end_matches('/') == CVE_SYSTEM
                || f.system.trim_end_matches('/') == "https://cve.mitre.org";
            if cve_system && matches!(f.name.as_str(), "cve-id" | "vulnerability-id") {
                it.cves.push(f.value.clone());
            }
        }
    }
    if it.source_ids.is_empty()
        && let Some(o) = finding
    {
        let actors = o.origins.iter().flat_map(|origin| &origin.actors);
        let props = actors.flat_map(|a| &a.props);
        it.source_ids
            .extend(props.filter(|p| is_source_id(p)).map(|p| p.value.clone()));
    }
}

/// The planned response's columns: remediation plan, contacts, resources, milestones.
fn read_plan(it: &mut Item, planned: &poam_model::Response, index: &Index<'_>) {
    it.remediation_plan = given(multiline_text(&planned.description));
    it.points_of_contact = planned
        .origins
        .iter()
        .flat_map(|o| &o.actors)
        .filter(|a| a.r#type.as_str() == "party")
        .map(|a| party_name(index, a.actor_uuid.as_str()))
        .collect();
    it.resources_required = non_empty(
        planned
            .required_assets
            .iter()
            .map(|r| multiline_text(&r.description))
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join("\n\n"),
    );
    it.milestones = planned
        .tasks
        .iter()
        .enumerate()
        .map(|(i, t)| milestone_of(i, t))
        .collect();
}

/// A task as a milestone: poam's own `Milestone N` titles give the number, any other title
/// goes into the text.
fn milestone_of(position: usize, t: &poam_model::Task) -> Milestone {
    let title = line_text(&t.title);
    let description = t
        .description
        .as_ref()
        .map(multiline_text)
        .unwrap_or_default();
    let ours = title
        .strip_prefix("Milestone ")
        .filter(|n| !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()))
        .and_then(|n| n.parse().ok());
    let text = match ours {
        Some(_) => description,
        None if description.is_empty() => title,
        None => format!("{title}\n{description}"),
    };
    let date = t.timing.as_ref().and_then(|tm| {
        tm.on_date
            .as_ref()
            .and_then(|o| date_of(&o.date))
            .or_else(|| tm.within_date_range.as_ref().and_then(|w| date_of(&w.end)))
    });
    Milestone {
        number: Some(ours.unwrap_or_else(|| values::milestone_number(position))),
        date,
        text,
    }
}

/// The risk log's columns: the last vendor check-in, the status date, the changes.
fn read_risk_log(it: &mut Item, entries: &[Entry]) {
    let is_vendor_check_in = poam_fedramp::is_vendor_check_in;
    let latest = |f: &dyn Fn(&Entry) -> bool| {
        entries
            .iter()
            .filter(|e| f(e))
            .filter_map(|e| date_of(&e.start))
            .max()
    };
    it.vendor_checkin = latest(&is_vendor_check_in);
    it.status_date = latest(&is_closure)
        .or_else(|| latest(&is_status_update))
        .or_else(|| {
            latest(&|e: &Entry| {
                !is_vendor_check_in(e)
                    && e.title
                        .as_ref()
                        .is_none_or(|t| change_title(&line_text(t)).is_none())
            })
        });
    it.changes = entries
        .iter()
        .filter(|e| !is_vendor_check_in(e) && !is_closure(e) && !is_status_update(e))
        .map(change_of)
        .collect();
}

/// A risk-log entry as a milestone change.
fn change_of(e: &Entry) -> MilestoneChange {
    let title = e.title.as_ref().map(line_text).unwrap_or_default();
    let description = e
        .description
        .as_ref()
        .map(multiline_text)
        .unwrap_or_default();
    let date = date_of(&e.start);
    match change_title(&title) {
        Some((number, kind)) => MilestoneChange {
            number,
            kind,
            date,
            text: description,
        },
        None => MilestoneChange {
            number: None,
            kind: None,
            date,
            text: match (title.is_empty(), description.is_empty()) {
                (false, false) => format!("{title}\n{description}"),
                (false, true) => title,
                _ => description,
            },
        },
    }
}

fn item(pi: &PoamItem, position: usize, index: &Index<'_>, notes: &mut Vec<String>) -> Item {
    let risks = item_risks(pi, position, index, notes);
    let risk = risks.first().copied();
    let observations = ItemObservations::of(pi, index);
    let mut it = item_columns(pi, risk);
    if let Some(o) = observations.finding {
        read_finding(&mut it, o, index);
    }
    if let Some(o) = observations.vendor {
        it.vendor_products = o
            .subjects
            .iter()
            .map(|s| {
                asset_name(index, s.r#type.as_str(), s.subject_uuid.as_str())
                    .unwrap_or_else(|| s.subject_uuid.to_string())
            })
            .collect();
    }
    it.deviation_rationale = observations.deviation_rationale();

    let Some(risk) = risk else {
        it.weakness_name = given(line_text(&pi.title));
        it.weakness_description = given(multiline_text(&pi.description));
        return it;
    };
    it.weakness_name = given(line_text(&risk.title)).or_else(|| given(line_text(&pi.title)));
    it.weakness_description =
        given(multiline_text(&risk.description)).or_else(|| given(multiline_text(&pi.description)));
    it.completion_date = risk.deadline.as_ref().and_then(date_of);
    read_risk_props(&mut it, risk);
    it.original_rating = rating(risk, facet_names::INITIAL);
    it.adjusted_rating = rating(risk, facet_names::ADJUSTED);
    read_sources(&mut it, risk, observations.finding);
    if let Some(planned) = risk
        .remediations
        .iter()
        .find(|r| r.lifecycle.as_str() == "planned")
    {
        read_plan(&mut it, planned, index);
    }
    read_risk_log(&mut it, risk.risk_log.as_ref().map_or(&[], |l| &l.entries));
    it
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn change_titles() {
        assert_eq!(
            change_title("Milestone 2: Update"),
            Some((Some(2), Some("Update".into())))
        );
        assert_eq!(change_title("Milestone 2"), Some((Some(2), None)));
        assert_eq!(change_title("Milestone change"), Some((None, None)));
        assert_eq!(
            change_title("Milestone change: New"),
            Some((None, Some("New".into())))
        );
        assert_eq!(change_title("Activity 1"), None);
        assert_eq!(change_title("Milestone review"), None);
        assert_eq!(change_title("Milestone 2: two words"), None);
    }
}
