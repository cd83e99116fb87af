//! Typed workbook rows to an OSCAL POA&M, shaped as the FedRAMP Guide shapes a workbook row:
//! one `poam-item` linked to a finding `observation` and one `risk`, plus deviation and
//! vendor-dependency observations when the row asks for them. Every UUID is a version 5
//! UUID of a stable key (system, POAM ID, role), so the same workbook gives the same
//! document and next month's workbook keeps the UUIDs of the items it shares with this one.

use std::collections::HashMap;

use chrono::NaiveDate;
use poam_model::datatypes::{DateTimeWithTimezone, Token, Uri, UriReference, Uuid};
use poam_model::{
    AssociatedRisk, BackMatter, Characterization, Document, Entry, Facet, InventoryItem,
    LocalDefinitions, Metadata, MitigatingFactor, Observation, OnDate, Origin, OriginActor, Party,
    PlanOfActionAndMilestones, PoamItem, Property, RelatedObservation, RelatedResponse,
    RelatedTask, RelevantEvidence, RequiredAsset, Resource, Response, ResponsibleParty, Risk,
    RiskLog, Rlink, Role, SubjectReference, SystemComponent, SystemComponentStatus, SystemId, Task,
    Timing,
};

use crate::markup;
use crate::record::{Header, Item, SheetKind};
use crate::values::{self, Answer, is_cve};
use poam_fedramp::log_titles as titles;
use poam_fedramp::namespace::{FACET_SYSTEM, IDENTIFIER_TYPE};
use poam_fedramp::{
    entry_types, facets as facet_names, observation_types, part_titles, placeholders, props as fr,
    roles, values as fr_values,
};

/// The CVE naming system for `cve-id` facets.
pub(crate) const CVE_SYSTEM: &str = "http://cve.mitre.org";
/// The namespace of poam's own bookkeeping props (workbook cells kept verbatim).
pub(crate) const WORKBOOK_NS: &str = "urn:poam:workbook";
/// The OSCAL version poam declares on documents it creates.
pub(crate) const OSCAL_VERSION: &str = "1.1.3";
/// `metadata/title` is `[System Name]` followed by this, as in FedRAMP's templates.
pub(crate) const TITLE_SUFFIX: &str = "FedRAMP Plan of Action and Milestones (POA&M)";

/// The poam-item prop (FedRAMP namespace) naming a workbook column poam does not map; its
/// remarks hold the cell (poam's own name, not FedRAMP's).
pub(crate) const UNMAPPED_COLUMN: &str = "unmapped-column";

/// The root of every UUID poam-xlsx makes (a fixed, random version 4 UUID).
const ROOT_NAMESPACE: &str = "e438e16a-918e-430b-999e-9ee133b85646";

pub(crate) fn date_time(d: NaiveDate) -> DateTimeWithTimezone {
    DateTimeWithTimezone::new(format!("{}T00:00:00Z", values::format_date(d)))
}

pub(crate) fn prop(name: &str, ns: Option<&str>, value: &str) -> Property {
    Property::new(name, ns, value)
}

pub(crate) fn fr_prop(name: &str, value: &str) -> Property {
    prop(name, Some(poam_fedramp::namespace::NS), value)
}

fn facet(name: &str, system: &str, value: &str, state: Option<&str>) -> Facet {
    Facet {
        name: Token::new(name),
        system: Uri::new(system),
        value: value.to_owned(),
        props: state
            .map(|s| vec![prop(facet_names::STATE, None, s)])
            .unwrap_or_default(),
        links: Vec::new(),
        remarks: None,
    }
}

fn actor(kind: &str, uuid: Uuid, props: Vec<Property>) -> OriginActor {
    OriginActor {
        r#type: Token::new(kind),
        actor_uuid: uuid,
        role_id: None,
        props,
        links: Vec::new(),
    }
}

fn subject(kind: &str, uuid: Uuid) -> SubjectReference {
    SubjectReference {
        subject_uuid: uuid,
        r#type: Token::new(kind),
        title: None,
        props: Vec::new(),
        links: Vec::new(),
        remarks: None,
    }
}

fn or_placeholder(text: Option<&str>, placeholder: &str) -> String {
    match text {
        Some(t) if !t.trim().is_empty() => t.to_owned(),
        _ => placeholder.to_owned(),
    }
}

/// The FedRAMP deviation prop value for a workbook answer. A row's "No" is no prop at all
/// (`record::Item` keeps only Yes and Pending); were it asked for, `withdrawn` is the value
/// that reads back as No.
fn deviation_value(a: Answer) -> &'static str {
    match a {
        Answer::Yes => fr_values::APPROVED,
        Answer::Pending => fr_values::PENDING,
        Answer::No => fr_values::WITHDRAWN,
    }
}

/// The FedRAMP vendor-dependency prop value for a workbook answer (No as for deviations).
fn vendor_value(a: Answer) -> &'static str {
    match a {
        Answer::Yes => fr_values::TRACKING,
        Answer::Pending => fr_values::INVESTIGATING,
        Answer::No => fr_values::WITHDRAWN,
    }
}

/// Local definitions, parties and back-matter shared by many rows, each made once.
struct Shared {
    ns: Uuid,
    components: Vec<SystemComponent>,
    component_ids: HashMap<String, Uuid>,
    inventory: Vec<InventoryItem>,
    inventory_ids: HashMap<String, Uuid>,
    parties: Vec<Party>,
    party_ids: HashMap<String, Uuid>,
    resources: Vec<Resource>,
    resource_ids: HashMap<String, Uuid>,
}

impl Shared {
    fn new(ns: Uuid) -> Self {
        Self {
            ns,
            components: Vec::new(),
            component_ids: HashMap::new(),
            inventory: Vec::new(),
            inventory_ids: HashMap::new(),
            parties: Vec::new(),
            party_ids: HashMap::new(),
            resources: Vec::new(),
            resource_ids: HashMap::new(),
        }
    }

    fn id(&self, key: &str) -> Uuid {
        Uuid::from_name(&self.ns, key)
    }

    fn component(&mut self, kind: &str, name: &str, description: &str) -> Uuid {
        let key = format!("component:{kind}:{name}");
        if let Some(u) = self.component_ids.get(&key) {
            return u.clone();
        }
        let uuid = self.id(&key);
        self.components.push(SystemComponent {
            uuid: uuid.clone(),
            r#type: "software".to_owned(),
            title: markup::line(name),
            description: markup::multiline(description),
            purpose: None,
            props: Vec::new(),
            links: Vec::new(),
            status: SystemComponentStatus {
                state: Token::new("operational"),
                remarks: None,
            },
            responsible_roles: Vec::new(),
            protocols: Vec::new(),
            remarks: None,
        });
        self.component_ids.insert(key, uuid.clone());
        uuid
    }

    fn inventory_item(&mut self, asset: &str) -> Uuid {
        let key = format!("inventory-item:{asset}");
        if let Some(u) = self.inventory_ids.get(&key) {
            return u.clone();
        }
        let uuid = self.id(&key);
        let mut props = vec![prop("asset-id", None, asset)];
        props.extend(address_props(asset));
        self.inventory.push(InventoryItem {
            uuid: uuid.clone(),
            description: markup::multiline(asset),
            props,
            links: Vec::new(),
            responsible_parties: Vec::new(),
            implemented_components: Vec::new(),
            remarks: None,
        });
        self.inventory_ids.insert(key, uuid.clone());
        uuid
    }

    fn person(&mut self, name: &str) -> Uuid {
        let key = format!("party:person:{name}");
        if let Some(u) = self.party_ids.get(&key) {
            return u.clone();
        }
        let uuid = self.id(&key);
        self.parties.push(party(uuid.clone(), "person", name, None));
        self.party_ids.insert(key, uuid.clone());
        uuid
    }

    fn evidence(&mut self, line: &str) -> Uuid {
        let key = format!("resource:evidence:{line}");
        if let Some(u) = self.resource_ids.get(&key) {
            return u.clone();
        }
        let uuid = self.id(&key);
        self.resources.push(Resource {
            uuid: uuid.clone(),
            title: Some(markup::line(line)),
            description: None,
            props: vec![fr_prop(fr::TYPE, fr_values::RESOURCE_EVIDENCE)],
            document_ids: Vec::new(),
            citation: None,
            rlinks: link_in(line)
                .map(|href| {
                    vec![Rlink {
                        href: UriReference::new(href),
                        media_type: None,
                        hashes: Vec::new(),
                    }]
                })
                .unwrap_or_default(),
            base64: None,
            remarks: None,
        });
        self.resource_ids.insert(key, uuid.clone());
        uuid
    }
}

/// The first `http://` or `https://` address written in a supporting-document line; it
/// becomes the evidence resource's `rlink` (a resource should have one, OSCAL says).
fn link_in(line: &str) -> Option<&str> {
    line.split_whitespace()
        .map(|w| w.trim_matches(|c| matches!(c, '<' | '>' | '(' | ')' | '"' | '\'' | ',' | ';')))
        .find(|w| {
            (w.starts_with("https://") || w.starts_with("http://"))
                && w.len() > "https://".len()
                && w.bytes()
                    .all(|b| b.is_ascii_graphic() && !b"\"<>\\^`{|}".contains(&b))
        })
}

/// The address props an asset identifier carries plainly: an IPv4 or IPv6 address, or a
/// host name, in front of an optional `(port/protocol)`.
fn address_props(asset: &str) -> Vec<Property> {
    let head = asset
        .split([' ', '(', '\t'])
        .next()
        .unwrap_or_default()
        .trim_end_matches([',', ';']);
    if head.is_empty() {
        return Vec::new();
    }
    if head.parse::<std::net::Ipv4Addr>().is_ok() {
        return vec![prop("ipv4-address", None, head)];
    }
    if head.contains(':') && head.parse::<std::net::Ipv6Addr>().is_ok() {
        return vec![prop("ipv6-address", None, head)];
    }
    let labels: Vec<&str> = head.split('.').collect();
    let hostname = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
                && !l.starts_with('-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.bytes().all(|c| c.is_ascii_alphabetic()));
    if hostname {
        return vec![prop("fqdn", None, head)];
    }
    Vec::new()
}

fn party(uuid: Uuid, kind: &str, name: &str, short_name: Option<&str>) -> Party {
    Party::new(
        uuid,
        kind,
        Some(name.to_owned()),
        short_name.map(str::to_owned),
    )
}

fn role(id: &str, title: &str) -> Role {
    Role::new(id, markup::line(title))
}

fn responsible(role_id: &str, party: &Uuid) -> ResponsibleParty {
    ResponsibleParty::new(role_id, vec![party.clone()])
}

/// The UUID namespace of one system: every UUID of its POA&M derives from it.
pub fn system_namespace(header: &Header) -> Uuid {
    let root = Uuid::new(ROOT_NAMESPACE);
    let key = header
        .system_name
        .as_deref()
        .or(header.csp.as_deref())
        .unwrap_or_default()
        .trim()
        .to_lowercase();
    Uuid::from_name(&root, &format!("system:{key}"))
}

/// The UUID of the FedRAMP PMO party (the same in every document poam writes).
fn fedramp_pmo_uuid() -> Uuid {
    Uuid::from_name(&Uuid::new(ROOT_NAMESPACE), "party:fedramp-pmo")
}

/// What an item's UUIDs are made from: its POAM ID; without one, what it is about (weakness
/// source identifiers and assets, as the review cycle matches items; not the sheet, which
/// changes when the item closes), so that next month's workbook, where the row may stand
/// elsewhere, gives it the same UUIDs; with none of these, its order among its sheet's items
/// (not its row, which poam's own export changes).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum ItemKeyBasis {
    PoamId(String),
    Weakness {
        source_ids: Vec<String>,
        assets: Vec<String>,
    },
    Row(String),
}

/// The stable key of one item: its basis and, when an earlier item has the same basis, a
/// number after `#` that keeps the key unique. Its text (`item:V-1`, `item:V-1#2`, `weakness:…|…`,
/// `row:…`) is the name of the item's UUIDs, so it must not change.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ItemKey {
    basis: ItemKeyBasis,
    /// 1 for the first item of this basis, 2 for the second, …
    occurrence: usize,
    /// The number written after `#` (0: none). Usually the occurrence; higher when that
    /// text is already another item's key (a POAM ID that itself reads `V-1#2`).
    suffix: usize,
}

impl ItemKey {
    /// Whether this item repeats an earlier item's POAM ID.
    pub fn is_repeated_poam_id(&self) -> bool {
        matches!(self.basis, ItemKeyBasis::PoamId(_)) && self.occurrence > 1
    }
}

impl std::fmt::Display for ItemKeyBasis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::PoamId(id) => write!(f, "item:{id}"),
            Self::Weakness { source_ids, assets } => {
                write!(f, "weakness:{}|{}", source_ids.join(","), assets.join(","))
            }
            Self::Row(place) => write!(f, "row:{place}"),
        }
    }
}

impl std::fmt::Display for ItemKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.suffix {
            0 | 1 => write!(f, "{}", self.basis),
            n => write!(f, "{}#{n}", self.basis),
        }
    }
}

/// The stable key of each item (see [`ItemKey`]); `places` are the items' orders on their
/// sheets, for items with nothing else to go by. Every key's text is unique; the caller warns about repeats.
pub fn item_keys(items: &[Item], places: &[String]) -> Vec<ItemKey> {
    let mut seen: HashMap<ItemKeyBasis, usize> = HashMap::with_capacity(items.len());
    let mut taken: std::collections::HashSet<String> =
        std::collections::HashSet::with_capacity(items.len());
    items
        .iter()
        .zip(places)
        .map(|(item, place)| {
            let basis = match item.poam_id.as_deref() {
                Some(id) if !id.is_empty() => ItemKeyBasis::PoamId(id.to_owned()),
                _ if !item.source_ids.is_empty() => ItemKeyBasis::Weakness {
                    source_ids: item.source_ids.clone(),
                    assets: item.assets.clone(),
                },
                _ => ItemKeyBasis::Row(place.clone()),
            };
            let n = seen.entry(basis.clone()).or_insert(0);
            *n += 1;
            let mut key = ItemKey {
                basis,
                occurrence: *n,
                suffix: *n,
            };
            while !taken.insert(key.to_string()) {
                key.suffix += 1;
            }
            key
        })
        .collect()
}

/// The date a document falls back to where OSCAL needs one and the workbook gives none: the
/// POAM Date, else the latest date in the workbook, else 2000-01-01.
pub(crate) fn fallback_date(header: &Header, items: &[Item]) -> NaiveDate {
    header.poam_date.unwrap_or_else(|| {
        items
            .iter()
            .flat_map(|i| {
                [
                    i.detection_date,
                    i.completion_date,
                    i.status_date,
                    i.vendor_checkin,
                ]
            })
            .flatten()
            .max()
            .or_else(|| NaiveDate::from_ymd_opt(2000, 1, 1))
            .unwrap_or_default()
    })
}

/// Builds the OSCAL document of a workbook. `keys` are the items' stable keys
/// ([`item_keys`]); poam-items come out in the order of `items`.
pub fn build(header: &Header, items: &[Item], keys: &[ItemKey]) -> Document {
    let ns = system_namespace(header);
    let fallback = fallback_date(header, items);
    let mut shared = Shared::new(ns.clone());

    let csp_uuid = shared.id("party:cloud-service-provider");
    let pmo_uuid = fedramp_pmo_uuid();
    shared.parties.push(party(
        csp_uuid.clone(),
        "organization",
        &or_placeholder(header.csp.as_deref(), placeholders::CSP),
        None,
    ));
    shared.parties.push(party(
        pmo_uuid.clone(),
        "organization",
        "Federal Risk and Authorization Management Program: Program Management Office",
        Some("FedRAMP PMO"),
    ));

    let mut observations = Vec::with_capacity(items.len());
    let mut risks = Vec::with_capacity(items.len());
    let mut poam_items = Vec::with_capacity(items.len());
    for (item, key) in items.iter().zip(keys) {
        let built = build_item(item, &key.to_string(), &mut shared, &csp_uuid, fallback);
        observations.extend(built.observations);
        risks.push(built.risk);
        poam_items.push(built.poam_item);
    }

    let system_name = header.system_name.as_deref().filter(|s| !s.is_empty());
    let metadata = metadata(header, fallback, shared.parties, &csp_uuid, &pmo_uuid);

    let local_definitions = (!shared.components.is_empty() || !shared.inventory.is_empty())
        .then_some(LocalDefinitions {
            components: shared.components,
            inventory_items: shared.inventory,
            assessment_assets: None,
            remarks: None,
        });
    let back_matter = (!shared.resources.is_empty()).then_some(BackMatter {
        resources: shared.resources,
    });
    let document_uuid = Uuid::from_name(
        &ns,
        &format!(
            "document:{}",
            header
                .poam_date
                .map(values::format_date)
                .unwrap_or_default()
        ),
    );
    Document::new(PlanOfActionAndMilestones {
        uuid: document_uuid,
        metadata,
        import_ssp: None,
        system_id: system_name.and_then(fedramp_id).map(|id| SystemId {
            identifier_type: Some(Uri::new(IDENTIFIER_TYPE)),
            value: id,
        }),
        local_definitions,
        observations,
        risks,
        findings: Vec::new(),
        poam_items,
        back_matter,
    })
}

/// The document's metadata: title from the system name, dates, impact level, the CSP and
/// FedRAMP PMO parties and roles.
fn metadata(
    header: &Header,
    fallback: NaiveDate,
    parties: Vec<Party>,
    csp_uuid: &Uuid,
    pmo_uuid: &Uuid,
) -> Metadata {
    let mut props = Vec::new();
    if let Some(level) = header.impact_level {
        props.push(fr_prop(fr::IMPACT_LEVEL, level.as_str()));
    }
    let system_name = header.system_name.as_deref().filter(|s| !s.is_empty());
    let title = match system_name {
        Some(name) => format!("{name} {TITLE_SUFFIX}"),
        None => TITLE_SUFFIX.to_owned(),
    };
    let date = date_time(fallback);
    Metadata {
        title: markup::line(&title),
        published: Some(date.clone()),
        last_modified: date,
        version: values::format_date(fallback),
        oscal_version: OSCAL_VERSION.to_owned(),
        revisions: Vec::new(),
        document_ids: Vec::new(),
        props,
        links: Vec::new(),
        roles: vec![
            role(roles::CLOUD_SERVICE_PROVIDER, "Cloud Service Provider"),
            role(roles::PREPARED_FOR, "Prepared For"),
            role(roles::FEDRAMP_PMO, "FedRAMP Program Management Office"),
        ],
        locations: Vec::new(),
        parties,
        responsible_parties: vec![
            responsible(roles::CLOUD_SERVICE_PROVIDER, csp_uuid),
            responsible(roles::PREPARED_FOR, csp_uuid),
            responsible(roles::FEDRAMP_PMO, pmo_uuid),
        ],
        actions: Vec::new(),
        remarks: None,
    }
}

/// A FedRAMP package ID written in the system name, e.g. `Acme Cloud (F1234567890)`.
fn fedramp_id(system_name: &str) -> Option<String> {
    system_name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .find(|w| {
            let digits = w.strip_prefix("FR").or_else(|| w.strip_prefix('F'));
            digits.is_some_and(|d| d.len() >= 8 && d.bytes().all(|c| c.is_ascii_digit()))
        })
        .map(str::to_owned)
}

struct BuiltItem {
    observations: Vec<Observation>,
    risk: Risk,
    poam_item: PoamItem,
}

fn observation(uuid: Uuid, title: Option<&str>, description: &str, method: &str) -> Observation {
    Observation {
        uuid,
        title: title.map(markup::line),
        description: markup::multiline(description),
        props: Vec::new(),
        links: Vec::new(),
        methods: vec![method.to_owned()],
        types: Vec::new(),
        origins: Vec::new(),
        subjects: Vec::new(),
        relevant_evidence: Vec::new(),
        collected: DateTimeWithTimezone::new(String::new()),
        expires: None,
        remarks: None,
    }
}

fn entry(uuid: Uuid, title: &str, description: Option<&str>, start: NaiveDate) -> Entry {
    Entry {
        uuid,
        title: Some(markup::line(title)),
        description: description.filter(|d| !d.is_empty()).map(markup::multiline),
        start: date_time(start),
        end: None,
        props: Vec::new(),
        links: Vec::new(),
        logged_by: Vec::new(),
        status_change: None,
        related_responses: Vec::new(),
        remarks: None,
    }
}

/// The title of a milestone-change entry: `Milestone 2: Update`, `Milestone 2`,
/// `Milestone change: Update` or `Milestone change`.
pub(crate) fn change_title(number: Option<u32>, kind: Option<&str>) -> String {
    let head = number.map_or_else(
        || titles::MILESTONE_CHANGE.to_owned(),
        |n| format!("Milestone {n}"),
    );
    match kind {
        Some(k) => format!("{head}: {k}"),
        None => head,
    }
}

/// One workbook row being built into OSCAL: the row, its UUID names and the dates it falls
/// back to.
struct RowBuild<'a> {
    item: &'a Item,
    /// The item's key text: every UUID of the row is named `{key}/{part}`.
    key: &'a str,
    ns: Uuid,
    fallback: NaiveDate,
}

/// A row's milestones and which task each milestone number names (a change entry points at
/// its milestone's task).
struct Milestones {
    tasks: Vec<Task>,
    by_number: HashMap<u32, Uuid>,
}

impl RowBuild<'_> {
    fn id(&self, part: &str) -> Uuid {
        Uuid::from_name(&self.ns, &format!("{}/{part}", self.key))
    }

    fn title(&self) -> String {
        let item = self.item;
        or_placeholder(
            item.weakness_name.as_deref().or(item.poam_id.as_deref()),
            placeholders::UNTITLED,
        )
    }

    fn description(&self) -> String {
        or_placeholder(
            self.item.weakness_description.as_deref(),
            placeholders::DESCRIPTION,
        )
    }

    /// The detector sources as tool components.
    fn tools(&self, shared: &mut Shared) -> Vec<Uuid> {
        self.item
            .detector_sources
            .iter()
            .map(|t| {
                shared.component(
                    "tool",
                    t,
                    "A weakness detector source named in the POA&M workbook.",
                )
            })
            .collect()
    }

    /// The finding observation: who found it (tools), where (assets), evidence.
    fn finding(&self, shared: &mut Shared, tools: &[Uuid], description: &str) -> Observation {
        let item = self.item;
        let mut finding = observation(
            self.id("observation/finding"),
            None,
            description,
            if tools.is_empty() { "UNKNOWN" } else { "TEST" },
        );
        finding.types = vec![Token::new("finding")];
        if !tools.is_empty() {
            finding.origins = vec![Origin {
                actors: tools
                    .iter()
                    .map(|t| actor("tool", t.clone(), Vec::new()))
                    .collect(),
                related_tasks: Vec::new(),
            }];
        }
        finding.subjects = item
            .assets
            .iter()
            .map(|a| subject("inventory-item", shared.inventory_item(a)))
            .collect();
        finding.relevant_evidence = item
            .supporting_documents
            .iter()
            .map(|line| RelevantEvidence {
                href: Some(UriReference::new(format!("#{}", shared.evidence(line)))),
                description: markup::multiline(line),
                props: Vec::new(),
                links: Vec::new(),
                remarks: None,
            })
            .collect();
        let detected = item.detection_date.or(item.status_date);
        finding.collected = date_time(detected.unwrap_or(self.fallback));
        finding
    }

    /// Deviations: one observation holding the rationale, typed by the deviations asked for.
    fn deviation(&self) -> Option<Observation> {
        let item = self.item;
        let rationale = item.deviation_rationale.as_deref()?;
        let types: Vec<Token> = [
            (item.risk_adjustment, observation_types::RISK_ADJUSTMENT),
            (item.false_positive, observation_types::FALSE_POSITIVE),
            (
                item.operational_requirement,
                observation_types::OPERATIONAL_REQUIREMENT,
            ),
        ]
        .into_iter()
        .filter_map(|(a, t)| a.map(|_| Token::new(t)))
        .collect();
        let mut o = observation(
            self.id("observation/deviation"),
            Some(part_titles::DEVIATION),
            rationale,
            "EXAMINE",
        );
        o.types = types;
        o.collected = date_time(
            item.status_date
                .or(item.detection_date)
                .unwrap_or(self.fallback),
        );
        Some(o)
    }

    /// The vendor dependency: an observation whose subjects are the vendor's products.
    fn vendor_dependency(&self, shared: &mut Shared) -> Option<Observation> {
        let item = self.item;
        if item.vendor_dependency.is_none() && item.vendor_products.is_empty() {
            return None;
        }
        let description = if item.vendor_products.is_empty() {
            "The fix depends on a vendor.".to_owned()
        } else {
            format!(
                "The fix depends on the vendor of {}.",
                item.vendor_products.join(", ")
            )
        };
        let mut o = observation(
            self.id("observation/vendor-dependency"),
            Some(part_titles::VENDOR_DEPENDENCY),
            &description,
            "EXAMINE",
        );
        o.types = vec![Token::new(observation_types::VENDOR_DEPENDENCY)];
        o.subjects = item
            .vendor_products
            .iter()
            .map(|p| {
                let description = "A vendor's product a POA&M item's fix depends on.";
                subject("component", shared.component("product", p, description))
            })
            .collect();
        o.collected = date_time(
            item.vendor_checkin
                .or(item.status_date)
                .or(item.detection_date)
                .unwrap_or(self.fallback),
        );
        Some(o)
    }

    /// The risk's FedRAMP props: controls, deviations, KEV.
    fn risk_props(&self) -> Vec<Property> {
        let item = self.item;
        let mut props: Vec<Property> = item
            .controls
            .iter()
            .map(|c| fr_prop(fr::IMPACTED_CONTROL_ID, c))
            .collect();
        if let Some(a) = item.vendor_dependency {
            props.push(fr_prop(fr::VENDOR_DEPENDENCY, vendor_value(a)));
        }
        for (a, name) in [
            (item.risk_adjustment, fr::RISK_ADJUSTMENT),
            (item.false_positive, fr::FALSE_POSITIVE),
            (item.operational_requirement, fr::OPERATIONAL_REQUIREMENT),
        ] {
            if let Some(a) = a {
                props.push(fr_prop(name, deviation_value(a)));
            }
        }
        if let Some(k) = item.kev {
            let value = if k { fr_values::YES } else { fr_values::NO };
            props.push(fr_prop(fr::KEV_CATALOG, value));
        }
        if let Some(d) = item.kev_due_date {
            props.push(fr_prop(fr::KEV_DUE_DATE, &values::format_date(d)));
        }
        props
    }

    /// The rating facets (initial and adjusted) and the CVE facets.
    fn facets(&self) -> Vec<Facet> {
        let item = self.item;
        let mut facets = Vec::new();
        for (level, state) in [
            (item.original_rating, facet_names::INITIAL),
            (item.adjusted_rating, facet_names::ADJUSTED),
        ] {
            if let Some(l) = level {
                // The workbook states one level. FedRAMP derives risk from likelihood x
                // impact; the same level for both gives that level back on any symmetric
                // matrix.
                for name in facet_names::RATINGS {
                    facets.push(facet(name, FACET_SYSTEM, l.as_str(), Some(state)));
                }
            }
        }
        for cve in &item.cves {
            facets.push(facet("cve-id", CVE_SYSTEM, cve, None));
        }
        facets
    }

    /// The scanner's identifiers, as tool-actor props.
    fn source_props(&self) -> Vec<Property> {
        self.item
            .source_ids
            .iter()
            .map(|s| {
                let name = if is_cve(s) {
                    fr::VULNERABILITY_ID
                } else {
                    fr::PLUGIN_ID
                };
                fr_prop(name, &s.split_whitespace().collect::<Vec<_>>().join(" "))
            })
            .collect()
    }

    fn mitigating_factors(&self) -> Vec<MitigatingFactor> {
        let item = self.item;
        match (item.risk_adjustment, item.deviation_rationale.as_deref()) {
            (Some(_), Some(rationale)) => vec![MitigatingFactor {
                uuid: self.id("mitigating-factor"),
                implementation_uuid: None,
                description: markup::multiline(rationale),
                props: Vec::new(),
                links: Vec::new(),
                subjects: Vec::new(),
            }],
            _ => Vec::new(),
        }
    }

    fn milestones(&self) -> Milestones {
        let mut by_number: HashMap<u32, Uuid> = HashMap::new();
        let tasks = self
            .item
            .milestones
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let n = m.number.unwrap_or_else(|| values::milestone_number(i));
                let task_key = if by_number.contains_key(&n) {
                    format!("milestone/{n}#{i}")
                } else {
                    format!("milestone/{n}")
                };
                let uuid = self.id(&task_key);
                by_number.entry(n).or_insert_with(|| uuid.clone());
                milestone_task(uuid, n, m)
            })
            .collect();
        Milestones { tasks, by_number }
    }

    /// The CSP's plan: point of contact, resources, milestones.
    fn planned_response(&self, shared: &mut Shared, tasks: Vec<Task>) -> Response {
        let item = self.item;
        let contacts: Vec<OriginActor> = item
            .points_of_contact
            .iter()
            .map(|p| actor("party", shared.person(p), Vec::new()))
            .collect();
        Response {
            uuid: self.id("response/planned"),
            lifecycle: Token::new("planned"),
            title: markup::line(part_titles::PLANNED_RESPONSE),
            description: markup::multiline(&or_placeholder(
                item.remediation_plan.as_deref(),
                placeholders::REMEDIATION_PLAN,
            )),
            props: Vec::new(),
            links: Vec::new(),
            origins: if contacts.is_empty() {
                Vec::new()
            } else {
                vec![Origin {
                    actors: contacts,
                    related_tasks: Vec::new(),
                }]
            },
            required_assets: item
                .resources_required
                .iter()
                .map(|r| RequiredAsset {
                    uuid: self.id("required-asset"),
                    subjects: Vec::new(),
                    title: Some(markup::line(part_titles::REQUIRED_ASSET)),
                    description: markup::multiline(r),
                    props: Vec::new(),
                    links: Vec::new(),
                    remarks: None,
                })
                .collect(),
            tasks,
            remarks: None,
        }
    }

    /// The risk log: milestone changes, the vendor check-in, the status date or closure.
    fn risk_log(&self, planned: &Uuid, milestones: &HashMap<u32, Uuid>) -> Vec<Entry> {
        let item = self.item;
        let status_or_fallback = item.status_date.unwrap_or(self.fallback);
        let mut entries = self.change_entries(planned, milestones, status_or_fallback);
        if let Some(d) = item.vendor_checkin {
            let id = self.id("log/vendor-check-in");
            let mut e = entry(id, titles::VENDOR_CHECK_IN, None, d);
            e.props = vec![
                prop("type", None, entry_types::VENDOR_CHECK_IN),
                fr_prop(fr::VENDOR_DEPENDENCY, fr_values::VENDOR_CHECK_IN),
            ];
            entries.push(e);
        }
        if item.sheet == SheetKind::Closed {
            let id = self.id("log/closed");
            let mut e = entry(id, titles::RISK_CLOSED, None, status_or_fallback);
            e.props = vec![prop(poam_fedramp::props::TYPE, None, entry_types::CLOSED)];
            e.status_change = Some(Token::new(poam_fedramp::risk_status::CLOSED));
            entries.push(e);
        } else if let Some(d) = item.status_date {
            let mut e = entry(self.id("log/status"), titles::STATUS_UPDATE, None, d);
            e.props = vec![prop("type", None, entry_types::STATUS_UPDATE)];
            entries.push(e);
        }
        entries
    }

    /// One entry per milestone change, linked to its milestone's task when it names one.
    fn change_entries(
        &self,
        planned: &Uuid,
        milestones: &HashMap<u32, Uuid>,
        undated: NaiveDate,
    ) -> Vec<Entry> {
        let mut seen: HashMap<String, usize> = HashMap::new();
        self.item
            .changes
            .iter()
            .map(|c| {
                let base = format!(
                    "log/change/{}/{}/{}",
                    c.number.map(|n| n.to_string()).unwrap_or_default(),
                    c.kind.as_deref().unwrap_or_default(),
                    c.date.map(values::format_date).unwrap_or_default()
                );
                let n = seen.entry(base.clone()).or_insert(0);
                *n += 1;
                let key = if *n == 1 { base } else { format!("{base}#{n}") };
                let mut e = entry(
                    self.id(&key),
                    &change_title(c.number, c.kind.as_deref()),
                    Some(&c.text),
                    c.date.unwrap_or(undated),
                );
                if let Some(task) = c.number.and_then(|n| milestones.get(&n)) {
                    e.related_responses = vec![related_task(planned, task)];
                }
                e
            })
            .collect()
    }

    /// The poam-item's props, with the columns the Guide does not map.
    fn item_props(&self) -> Vec<Property> {
        let item = self.item;
        let mut props = Vec::new();
        if let Some(id) = item.poam_id.as_deref().filter(|s| !s.is_empty()) {
            props.push(fr_prop(fr::POAM_ID, id));
        }
        if item.sheet == SheetKind::ConfigurationFindings {
            props.push(fr_prop(fr::CONFIGURATION_FINDING, fr_values::YES));
        }
        if let Some(a) = item.auto_approve.as_deref().filter(|s| !s.is_empty()) {
            props.push(fr_prop(fr::AUTO_APPROVE, a));
        }
        for s in &item.services {
            props.push(fr_prop(fr::SERVICE_NAME, s));
        }
        for (header, text) in &item.extras {
            let mut p = fr_prop(UNMAPPED_COLUMN, header);
            p.remarks = Some(markup::multiline(text));
            props.push(p);
        }
        props
    }
}

fn milestone_task(uuid: Uuid, number: u32, m: &values::Milestone) -> Task {
    Task {
        uuid,
        r#type: Token::new(poam_fedramp::item::MILESTONE),
        title: markup::line(&format!("Milestone {number}")),
        description: (!m.text.is_empty()).then(|| markup::multiline(&m.text)),
        props: Vec::new(),
        links: Vec::new(),
        timing: m.date.map(|d| Timing {
            on_date: Some(OnDate {
                date: date_time(d),
                remarks: None,
            }),
            within_date_range: None,
            at_frequency: None,
        }),
        dependencies: Vec::new(),
        tasks: Vec::new(),
        associated_activities: Vec::new(),
        subjects: Vec::new(),
        responsible_roles: Vec::new(),
        remarks: None,
    }
}

fn related_task(response: &Uuid, task: &Uuid) -> RelatedResponse {
    RelatedResponse {
        response_uuid: response.clone(),
        props: Vec::new(),
        links: Vec::new(),
        related_tasks: vec![RelatedTask {
            task_uuid: task.clone(),
            props: Vec::new(),
            links: Vec::new(),
            responsible_parties: Vec::new(),
            subjects: Vec::new(),
            identified_subject: None,
            remarks: None,
        }],
        remarks: None,
    }
}

/// The risk's characterizations: one holding the facets, its origin the tools and the CSP,
/// the scanner's identifiers on the first tool. With no facet there is no characterization;
/// the identifiers then stay on the finding's tool actor (or a CSP actor).
fn characterizations(
    facets: Vec<Facet>,
    source_props: Vec<Property>,
    tools: &[Uuid],
    csp: &Uuid,
    finding: &mut Observation,
) -> Vec<Characterization> {
    if facets.is_empty() {
        if !source_props.is_empty() {
            match finding
                .origins
                .first_mut()
                .and_then(|o| o.actors.first_mut())
            {
                Some(a) => a.props = source_props,
                None => {
                    finding.origins = vec![Origin {
                        actors: vec![actor("party", csp.clone(), source_props)],
                        related_tasks: Vec::new(),
                    }];
                }
            }
        }
        return Vec::new();
    }
    let mut actors: Vec<OriginActor> = tools
        .iter()
        .map(|t| actor("tool", t.clone(), Vec::new()))
        .collect();
    actors.push(actor("party", csp.clone(), Vec::new()));
    actors[0].props = source_props;
    vec![Characterization {
        props: Vec::new(),
        links: Vec::new(),
        origin: Origin {
            actors,
            related_tasks: Vec::new(),
        },
        facets,
    }]
}

fn build_item(
    item: &Item,
    key: &str,
    shared: &mut Shared,
    csp: &Uuid,
    fallback: NaiveDate,
) -> BuiltItem {
    let row = RowBuild {
        item,
        key,
        ns: shared.ns.clone(),
        fallback,
    };
    let title = row.title();
    let description = row.description();
    let tools = row.tools(shared);
    let mut finding = row.finding(shared, &tools, &description);
    let characterizations =
        characterizations(row.facets(), row.source_props(), &tools, csp, &mut finding);
    let mut observations = vec![finding];
    observations.extend(row.deviation());
    observations.extend(row.vendor_dependency(shared));

    let milestones = row.milestones();
    let planned = row.planned_response(shared, milestones.tasks);
    let entries = row.risk_log(&planned.uuid, &milestones.by_number);
    let risk_uuid = row.id("risk");
    let closed = item.sheet == SheetKind::Closed;
    let risk = Risk {
        uuid: risk_uuid.clone(),
        title: markup::line(&title),
        description: markup::multiline(&description),
        statement: markup::multiline(placeholders::STATEMENT),
        props: row.risk_props(),
        links: Vec::new(),
        status: Token::new(if closed {
            poam_fedramp::risk_status::CLOSED
        } else {
            poam_fedramp::risk_status::OPEN
        }),
        origins: Vec::new(),
        threat_ids: Vec::new(),
        characterizations,
        mitigating_factors: row.mitigating_factors(),
        deadline: item.completion_date.map(date_time),
        remediations: vec![planned],
        risk_log: (!entries.is_empty()).then_some(RiskLog { entries }),
        related_observations: Vec::new(),
    };
    let poam_item = PoamItem {
        uuid: Some(shared.id(key)),
        title: markup::line(&title),
        description: markup::multiline(&description),
        props: row.item_props(),
        links: Vec::new(),
        origins: Vec::new(),
        related_findings: Vec::new(),
        related_observations: observations
            .iter()
            .map(|o| RelatedObservation {
                observation_uuid: o.uuid.clone(),
                remarks: None,
            })
            .collect(),
        related_risks: vec![AssociatedRisk {
            risk_uuid,
            remarks: None,
        }],
        remarks: item.comments.as_deref().map(markup::multiline),
    };
    BuiltItem {
        observations,
        risk,
        poam_item,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asset_addresses() {
        let names = |a: &str| -> Vec<(String, String)> {
            address_props(a)
                .into_iter()
                .map(|p| (p.name.to_string(), p.value))
                .collect()
        };
        assert_eq!(
            names("172.246.15.3 (80/TCP)"),
            [("ipv4-address".to_owned(), "172.246.15.3".to_owned())]
        );
        assert_eq!(
            names("web01.example.com"),
            [("fqdn".to_owned(), "web01.example.com".to_owned())]
        );
        assert_eq!(
            names("fe80::1"),
            [("ipv6-address".to_owned(), "fe80::1".to_owned())]
        );
        assert!(names("http://vuln.gov/queries").is_empty());
        assert!(names("server-01").is_empty());
    }

    #[test]
    fn evidence_links() {
        assert_eq!(
            link_in("Scan report : https://files.example.com/scan.pdf"),
            Some("https://files.example.com/scan.pdf")
        );
        assert_eq!(
            link_in("Ticket (http://jira.example.com/T-1)"),
            Some("http://jira.example.com/T-1")
        );
        assert_eq!(link_in("Evidence : scan.pdf"), None);
        assert_eq!(link_in("https://"), None);
        assert_eq!(link_in("https://a.example/{x}"), None);
    }

    #[test]
    fn fedramp_ids_in_system_names() {
        assert_eq!(
            fedramp_id("Acme Cloud (F1234567890)").as_deref(),
            Some("F1234567890")
        );
        assert_eq!(
            fedramp_id("Acme FR2105012345").as_deref(),
            Some("FR2105012345")
        );
        assert_eq!(fedramp_id("Acme Cloud"), None);
        assert_eq!(fedramp_id("Fifty 5"), None);
    }

    #[test]
    fn keys_are_stable_and_unique() {
        let items = vec![
            Item {
                poam_id: Some("V-1".into()),
                ..Item::default()
            },
            Item {
                poam_id: Some("V-1".into()),
                ..Item::default()
            },
            Item::default(),
            Item {
                source_ids: vec!["19506".into()],
                assets: vec!["web-01".into(), "web-02".into()],
                ..Item::default()
            },
        ];
        let places = ["a", "b", "c", "d"].map(str::to_owned);
        let text = |keys: Vec<ItemKey>| keys.iter().map(ToString::to_string).collect::<Vec<_>>();
        let keys = item_keys(&items, &places);
        assert!(keys[1].is_repeated_poam_id() && !keys[0].is_repeated_poam_id());
        assert_eq!(
            text(keys),
            [
                "item:V-1",
                "item:V-1#2",
                "row:c",
                "weakness:19506|web-01,web-02"
            ]
        );
        // Without a POAM ID, the same finding in another row keeps its key.
        let moved = [Item::default(), items[3].clone()];
        let keys = text(item_keys(&moved, &["x".to_owned(), "y".to_owned()]));
        assert_eq!(keys[1], "weakness:19506|web-01,web-02");
    }

    #[test]
    fn a_poam_id_that_reads_like_a_repeat_keeps_keys_unique() {
        let with_id = |id: &str| Item {
            poam_id: Some(id.into()),
            ..Item::default()
        };
        let items = [with_id("V-1"), with_id("V-1"), with_id("V-1#2")];
        let places = ["a", "b", "c"].map(str::to_owned);
        let keys = item_keys(&items, &places);
        let text: Vec<String> = keys.iter().map(ToString::to_string).collect();
        assert_eq!(text, ["item:V-1", "item:V-1#2", "item:V-1#2#2"]);
        let repeated: Vec<bool> = keys.iter().map(ItemKey::is_repeated_poam_id).collect();
        assert_eq!(repeated, [false, true, false]);
    }
}
