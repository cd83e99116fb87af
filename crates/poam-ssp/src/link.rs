//! A POA&M linked to its SSP (`--ssp FILE` on convert, import and merge).
//!
//! [`link`] gives the document what its SSP says and a workbook or a scan cannot:
//!
//! - `import-ssp` with the href given (the CLI makes it relative from the output file);
//! - the SSP's system id (FedRAMP's when it has several);
//! - the provider: the SSP's party in the `cloud-service-provider` role becomes the
//!   document's (copied into metadata, responsible as provider and prepared-for where the
//!   POA&M's own stand-in party was), and the origin of every planned response that names
//!   none; points of contact the workbook names stay;
//! - assets: every subject that points at one of the POA&M's own inventory items (the
//!   stand-ins a workbook row or a scan creates from an asset identifier) is pointed at the
//!   SSP inventory item or component that the stand-in's names resolve to ([`Resolver`]); a
//!   stand-in no longer referenced is dropped. An asset that resolves to nothing, or to
//!   several, keeps its stand-in and is one warning naming the item and the asset.
//!
//! Linking is idempotent: a linked document links to the same document again.

use std::collections::{BTreeMap, HashMap, HashSet};

use poam_markup::MarkupMultiline;
use poam_model::datatypes::{Token, Uri, UriReference, Uuid};
use poam_model::walk::{Path, Value, Visitor, Walk};
use poam_model::{
    Document, ImportSsp, InventoryItem, OriginActor, PlanOfActionAndMilestones, ResponsibleParty,
    SubjectReference, SystemId,
};

use poam_fedramp::roles;

use crate::read::{Party, Ssp};
use crate::resolve::{Resolution, Resolver};

/// Something the link could not do, for the user to fix in the SSP or the POA&M.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkWarning {
    /// An asset of an item names no asset of the SSP.
    #[error(
        "item {item}: asset {asset:?} is no inventory item or component of the SSP (by asset id, FQDN, IP address or host name); it stays a local inventory item"
    )]
    Unresolved {
        /// The item, as reports name it.
        item: String,
        /// The asset identifier as the POA&M writes it.
        asset: String,
    },
    /// An asset of an item names several assets of the SSP.
    #[error(
        "item {item}: asset {asset:?} names several assets of the SSP ({}); it stays a local inventory item",
        candidates.join(", ")
    )]
    Ambiguous {
        /// The item, as reports name it.
        item: String,
        /// The asset identifier as the POA&M writes it.
        asset: String,
        /// The uuids of the SSP assets it names.
        candidates: Vec<String>,
    },
    /// The SSP has no single party in the `cloud-service-provider` role.
    #[error(
        "the SSP names no single party in the `cloud-service-provider` role; the POA&M keeps its own provider party"
    )]
    NoProvider,
    /// The SSP has no system id.
    #[error(
        "the SSP has no system-id (system-characteristics/system-ids); the POA&M keeps its own"
    )]
    NoSystemId,
}

/// What [`link`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkReport {
    /// The POA&M's own inventory items now pointing at the SSP's assets.
    pub resolved: usize,
    /// What could not be linked, in document order.
    pub warnings: Vec<LinkWarning>,
}

/// Links `doc` to `ssp`, imported from `href` (see the module docs).
pub fn link(doc: &mut Document, ssp: &Ssp, href: &str) -> LinkReport {
    let p = &mut doc.plan_of_action_and_milestones;
    let mut report = LinkReport::default();
    p.import_ssp = Some(ImportSsp {
        href: UriReference::new(href),
        remarks: p.import_ssp.take().and_then(|i| i.remarks),
    });
    match ssp.system_id() {
        Some(id) => {
            p.system_id = Some(SystemId {
                identifier_type: id.identifier_type.as_deref().map(Uri::new),
                value: id.id.clone(),
            });
        }
        None => report.warnings.push(LinkWarning::NoSystemId),
    }
    match ssp.provider() {
        Some(provider) => link_provider(p, provider),
        None => report.warnings.push(LinkWarning::NoProvider),
    }
    link_assets(p, ssp, &mut report);
    report
}

fn same(a: &Uuid, b: &str) -> bool {
    a.as_str().eq_ignore_ascii_case(b)
}

/// The SSP's provider party becomes the document's.
fn link_provider(p: &mut PlanOfActionAndMilestones, provider: &Party) {
    let md = &mut p.metadata;
    let new = Uuid::new(provider.uuid.clone());
    let old: Vec<Uuid> = md
        .responsible_parties
        .iter()
        .filter(|r| r.role_id.as_str() == roles::CLOUD_SERVICE_PROVIDER)
        .flat_map(|r| r.party_uuids.iter().cloned())
        .filter(|u| !same(u, &provider.uuid))
        .collect();
    if !md.parties.iter().any(|x| same(&x.uuid, &provider.uuid)) {
        md.parties.push(poam_model::Party::new(
            new.clone(),
            provider.kind.clone(),
            provider.name.clone(),
            provider.short_name.clone(),
        ));
    }
    // A role the document names must be defined by it (or by the SSP, which validation
    // without `--ssp` cannot see).
    if !md
        .roles
        .iter()
        .any(|r| r.id.as_str() == roles::CLOUD_SERVICE_PROVIDER)
    {
        md.roles.push(poam_model::Role::new(
            roles::CLOUD_SERVICE_PROVIDER,
            poam_model::MarkupLine::from_markdown(roles::CLOUD_SERVICE_PROVIDER_TITLE),
        ));
    }
    let mut has_provider = false;
    for r in &mut md.responsible_parties {
        let is_provider = r.role_id.as_str() == roles::CLOUD_SERVICE_PROVIDER;
        has_provider |= is_provider;
        for u in &mut r.party_uuids {
            if is_provider || old.iter().any(|o| o == u) {
                *u = new.clone();
            }
        }
        dedup_uuids(&mut r.party_uuids);
    }
    if !has_provider {
        md.responsible_parties.push(ResponsibleParty::new(
            roles::CLOUD_SERVICE_PROVIDER,
            vec![new.clone()],
        ));
    }
    credit_provider(p, &old, &new);
    let unused: HashSet<String> = old
        .iter()
        .map(|u| u.as_str().to_owned())
        .filter(|u| uuid_uses(p, u) <= 1)
        .collect();
    p.metadata
        .parties
        .retain(|x| !unused.contains(x.uuid.as_str()));
}

/// Party actors that named the POA&M's own provider name the SSP's; planned responses that
/// name no origin get the provider.
fn credit_provider(p: &mut PlanOfActionAndMilestones, old: &[Uuid], new: &Uuid) {
    let rename = |actors: &mut Vec<OriginActor>| {
        for a in actors.iter_mut() {
            if a.r#type.as_str() == "party" && old.iter().any(|o| o == &a.actor_uuid) {
                a.actor_uuid = new.clone();
            }
        }
    };
    for o in &mut p.observations {
        o.origins.iter_mut().for_each(|x| rename(&mut x.actors));
    }
    for risk in &mut p.risks {
        risk.origins.iter_mut().for_each(|x| rename(&mut x.actors));
        for c in &mut risk.characterizations {
            rename(&mut c.origin.actors);
        }
        for r in &mut risk.remediations {
            r.origins.iter_mut().for_each(|x| rename(&mut x.actors));
            if r.lifecycle.as_str() == "planned" && r.origins.iter().all(|o| o.actors.is_empty()) {
                r.origins = vec![poam_model::Origin {
                    actors: vec![OriginActor {
                        r#type: Token::new("party"),
                        actor_uuid: new.clone(),
                        role_id: None,
                        props: Vec::new(),
                        links: Vec::new(),
                    }],
                    related_tasks: Vec::new(),
                }];
            }
        }
    }
}

fn dedup_uuids(v: &mut Vec<Uuid>) {
    let mut seen = HashSet::new();
    v.retain(|u| seen.insert(u.as_str().to_ascii_lowercase()));
}

/// How many times `uuid` is written anywhere in the document (its definition included).
fn uuid_uses(p: &PlanOfActionAndMilestones, uuid: &str) -> usize {
    struct Count<'a>(&'a str, usize);
    impl Visitor for Count<'_> {
        fn value(&mut self, _: &Path, v: Value<'_>) {
            if let Value::Uuid(u) = v
                && u.as_str().eq_ignore_ascii_case(self.0)
            {
                self.1 += 1;
            }
        }
    }
    let mut c = Count(uuid, 0);
    p.walk(&mut Path::root(), &mut c);
    c.1
}

/// The names a local inventory item is known by: its asset identifier and addresses.
fn names(item: &InventoryItem) -> Vec<&str> {
    let names: Vec<&str> = item
        .props
        .iter()
        .filter(|p| p.ns.is_none())
        .filter(|p| {
            matches!(
                p.name.as_str(),
                "asset-id" | "fqdn" | "ipv4-address" | "ipv6-address" | "netbios-name" | "hostname"
            )
        })
        .map(|p| p.value.as_str())
        .collect();
    names
}

/// How an item is named in warnings: its POAM ID, else its title.
fn item_label(i: &poam_model::PoamItem) -> String {
    poam_fedramp::prop_value(&i.props, poam_fedramp::props::POAM_ID)
        .map_or_else(|| i.title.plain_text(), str::to_owned)
}

/// Where a local inventory item now points: the SSP asset's uuid and subject type, and the
/// asset identifier as the POA&M wrote it (with its port or package), kept as the subject's
/// title so that nothing written is lost and a workbook export writes it back.
type Target = (String, &'static str, String);

fn link_assets(p: &mut PlanOfActionAndMilestones, ssp: &Ssp, report: &mut LinkReport) {
    let Some(ld) = p.local_definitions.as_ref() else {
        return;
    };
    let resolver = Resolver::new(ssp);
    // Local inventory item uuid (lower case) -> its resolution, worked out once.
    let mut targets: HashMap<String, Target> = HashMap::new();
    let mut failures: HashMap<String, (String, Option<Vec<String>>)> = HashMap::new();
    for item in &ld.inventory_items {
        let key = item.uuid.as_str().to_ascii_lowercase();
        let names = names(item);
        let shown = names
            .first()
            .map_or_else(|| plain(&item.description), |n| (*n).to_owned());
        match resolver.resolve(names.iter().copied()) {
            Resolution::Found(a) => {
                targets.insert(key, (a.uuid.clone(), a.kind.subject_type(), shown));
            }
            Resolution::None => {
                failures.insert(key, (shown, None));
            }
            Resolution::Several(v) => {
                let c = v.iter().map(|a| a.uuid.clone()).collect();
                failures.insert(key, (shown, Some(c)));
            }
        }
    }
    warn_per_item(p, &failures, report);
    report.resolved = targets.len();
    if targets.is_empty() {
        return;
    }
    let retarget = |s: &mut SubjectReference| {
        if let Some((uuid, kind, name)) = targets.get(&s.subject_uuid.as_str().to_ascii_lowercase())
        {
            s.subject_uuid = Uuid::new(uuid.clone());
            s.r#type = Token::new(*kind);
            if s.title.is_none() && !name.is_empty() {
                // Plain text, never parsed as Markdown (an identifier may hold `*` or `_`).
                s.title = Some(poam_model::MarkupLine::new(vec![
                    poam_markup::Inline::Text(name.clone()),
                ]));
            }
        }
    };
    for o in &mut p.observations {
        o.subjects.iter_mut().for_each(retarget);
    }
    for r in &mut p.risks {
        for m in &mut r.mitigating_factors {
            m.subjects.iter_mut().for_each(retarget);
        }
        for a in r
            .remediations
            .iter_mut()
            .flat_map(|x| x.required_assets.iter_mut())
        {
            a.subjects.iter_mut().for_each(retarget);
        }
    }
    let unused: HashSet<String> = targets
        .keys()
        .filter(|u| uuid_uses(p, u) <= 1)
        .cloned()
        .collect();
    if let Some(ld) = p.local_definitions.as_mut() {
        ld.inventory_items
            .retain(|i| !unused.contains(&i.uuid.as_str().to_ascii_lowercase()));
        if ld.inventory_items.is_empty()
            && ld.components.is_empty()
            && ld.assessment_assets.is_none()
            && ld.remarks.is_none()
        {
            p.local_definitions = None;
        }
    }
}

fn plain(m: &MarkupMultiline) -> String {
    m.plain_text().trim().to_owned()
}

/// One warning per item and asset that did not resolve, in item order.
fn warn_per_item(
    p: &PlanOfActionAndMilestones,
    failures: &HashMap<String, (String, Option<Vec<String>>)>,
    report: &mut LinkReport,
) {
    if failures.is_empty() {
        return;
    }
    let observations: HashMap<String, &poam_model::Observation> = p
        .observations
        .iter()
        .map(|o| (o.uuid.as_str().to_ascii_lowercase(), o))
        .collect();
    for item in &p.poam_items {
        let label = item_label(item);
        // Assets in the order the item's observations name them, each once.
        let mut failed: BTreeMap<usize, &(String, Option<Vec<String>>)> = BTreeMap::new();
        let subjects = item
            .related_observations
            .iter()
            .filter_map(|r| observations.get(&r.observation_uuid.as_str().to_ascii_lowercase()))
            .flat_map(|o| o.subjects.iter());
        for (n, s) in subjects.enumerate() {
            if let Some(f) = failures.get(&s.subject_uuid.as_str().to_ascii_lowercase())
                && !failed.values().any(|x| x.0 == f.0)
            {
                failed.insert(n, f);
            }
        }
        for (asset, several) in failed.into_values() {
            report.warnings.push(match several {
                None => LinkWarning::Unresolved {
                    item: label.clone(),
                    asset: asset.clone(),
                },
                Some(c) => LinkWarning::Ambiguous {
                    item: label.clone(),
                    asset: asset.clone(),
                    candidates: c.clone(),
                },
            });
        }
    }
}
