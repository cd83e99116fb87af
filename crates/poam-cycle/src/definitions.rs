//! Carrying what merged content refers to: parties, locations, components, inventory items,
//! back-matter resources and roles that an update defines and the merged document lacks.

use std::collections::{HashMap, HashSet};

use poam_model::walk::{Path, Value, Visitor, Walk};
use poam_model::{BackMatter, LocalDefinitions, PlanOfActionAndMilestones};

use crate::item::uuid_key;

/// The uuids (every uuid-valued member but `uuid` itself, and `#uuid` links) and role ids an
/// object refers to.
#[derive(Default)]
struct Refs {
    uuids: HashSet<String>,
    roles: HashSet<String>,
}

impl Visitor for Refs {
    fn value(&mut self, path: &Path, v: Value<'_>) {
        let key = path.last_key().unwrap_or_default();
        match v {
            Value::Uuid(u) if key != "uuid" => {
                self.uuids.insert(uuid_key(u));
            }
            Value::UriReference(r) => {
                if let Some(frag) = r.strip_prefix('#') {
                    self.uuids.insert(uuid_key(frag));
                }
            }
            Value::Token(t) if key == "role-id" => {
                self.roles.insert(t.to_string());
            }
            _ => {}
        }
    }
}

/// Objects of the merged document to look into for references.
#[derive(Debug, Default)]
pub(crate) struct Roots {
    pub items: Vec<usize>,
    pub risks: Vec<usize>,
    pub observations: Vec<usize>,
    pub findings: Vec<usize>,
}

/// The uuids `out` defines that a definition could be carried for.
fn defined(out: &PlanOfActionAndMilestones) -> (HashSet<String>, HashSet<String>) {
    let m = &out.metadata;
    let mut uuids: HashSet<String> = m
        .parties
        .iter()
        .map(|p| uuid_key(&p.uuid))
        .chain(m.locations.iter().map(|l| uuid_key(&l.uuid)))
        .collect();
    if let Some(ld) = &out.local_definitions {
        uuids.extend(ld.components.iter().map(|c| uuid_key(&c.uuid)));
        uuids.extend(ld.inventory_items.iter().map(|i| uuid_key(&i.uuid)));
        if let Some(aa) = &ld.assessment_assets {
            uuids.extend(aa.components.iter().map(|c| uuid_key(&c.uuid)));
            uuids.extend(aa.assessment_platforms.iter().map(|p| uuid_key(&p.uuid)));
        }
    }
    if let Some(bm) = &out.back_matter {
        uuids.extend(bm.resources.iter().map(|r| uuid_key(&r.uuid)));
    }
    let roles = m.roles.iter().map(|r| r.id.to_string()).collect();
    (uuids, roles)
}

/// Copies into `out` every party, location, component, inventory item, resource and role
/// that the objects `roots` of `out` refer to (directly or through what is carried) and `out`
/// does not define, from the first of `sources` that defines it. Returns a line per object
/// carried, for the report. References defined nowhere here (e.g. in the SSP) stay as they
/// are.
pub(crate) fn carry(
    out: &mut PlanOfActionAndMilestones,
    roots: &Roots,
    sources: &[&PlanOfActionAndMilestones],
) -> Vec<String> {
    let mut refs = Refs::default();
    let mut path = Path::root();
    for &i in &roots.items {
        if let Some(x) = out.poam_items.get(i) {
            x.walk(&mut path, &mut refs);
        }
    }
    for &i in &roots.risks {
        if let Some(x) = out.risks.get(i) {
            x.walk(&mut path, &mut refs);
        }
    }
    for &i in &roots.observations {
        if let Some(x) = out.observations.get(i) {
            x.walk(&mut path, &mut refs);
        }
    }
    for &i in &roots.findings {
        if let Some(x) = out.findings.get(i) {
            x.walk(&mut path, &mut refs);
        }
    }
    let (mut have, mut have_roles) = defined(out);
    let mut carried = Vec::new();
    if refs.uuids.iter().all(|u| have.contains(u))
        && refs.roles.iter().all(|r| have_roles.contains(r))
    {
        return carried;
    }
    let indexes: Vec<HashMap<String, Found<'_>>> = sources.iter().map(|s| index(s)).collect();
    loop {
        let missing: Vec<String> = refs
            .uuids
            .iter()
            .filter(|u| !have.contains(*u))
            .cloned()
            .collect();
        let missing_roles: Vec<String> = refs
            .roles
            .iter()
            .filter(|r| !have_roles.contains(*r))
            .cloned()
            .collect();
        let mut next = Refs::default();
        let before = carried.len();
        for u in &missing {
            let Some(found) = indexes.iter().find_map(|i| i.get(u)) else {
                continue;
            };
            have.insert(u.clone());
            carried.push(found.describe());
            found.walk(&mut path, &mut next);
            found.insert(out);
        }
        for r in &missing_roles {
            let Some(role) = sources
                .iter()
                .find_map(|s| s.metadata.roles.iter().find(|x| x.id.as_str() == r))
            else {
                continue;
            };
            have_roles.insert(r.clone());
            carried.push(format!("role {}", role.id));
            role.walk(&mut path, &mut next);
            out.metadata.roles.push(role.clone());
        }
        // Anything referred to and still missing is defined nowhere here: leave it.
        refs.uuids = next
            .uuids
            .into_iter()
            .filter(|u| !have.contains(u))
            .collect();
        refs.roles = next
            .roles
            .into_iter()
            .filter(|r| !have_roles.contains(r))
            .collect();
        if carried.len() == before || (refs.uuids.is_empty() && refs.roles.is_empty()) {
            break;
        }
    }
    carried
}

/// A definition found in an update.
enum Found<'a> {
    Party(&'a poam_model::Party),
    Location(&'a poam_model::Location),
    Component(&'a poam_model::SystemComponent),
    InventoryItem(&'a poam_model::InventoryItem),
    Resource(&'a poam_model::Resource),
}

/// Every definition of a document that can be carried, by uuid (the first of duplicates).
fn index<'a>(s: &'a PlanOfActionAndMilestones) -> HashMap<String, Found<'a>> {
    let mut m = HashMap::new();
    let mut add = |u: &str, f: Found<'a>| {
        m.entry(uuid_key(u)).or_insert(f);
    };
    for p in &s.metadata.parties {
        add(&p.uuid, Found::Party(p));
    }
    for l in &s.metadata.locations {
        add(&l.uuid, Found::Location(l));
    }
    if let Some(ld) = &s.local_definitions {
        for c in &ld.components {
            add(&c.uuid, Found::Component(c));
        }
        for i in &ld.inventory_items {
            add(&i.uuid, Found::InventoryItem(i));
        }
    }
    for r in s.back_matter.iter().flat_map(|b| b.resources.iter()) {
        add(&r.uuid, Found::Resource(r));
    }
    m
}

impl Found<'_> {
    fn describe(&self) -> String {
        match self {
            Found::Party(x) => format!("party {}", x.uuid),
            Found::Location(x) => format!("location {}", x.uuid),
            Found::Component(x) => format!("component {}", x.uuid),
            Found::InventoryItem(x) => format!("inventory item {}", x.uuid),
            Found::Resource(x) => format!("resource {}", x.uuid),
        }
    }

    fn walk(&self, path: &mut Path, v: &mut Refs) {
        match self {
            Found::Party(x) => x.walk(path, v),
            Found::Location(x) => x.walk(path, v),
            Found::Component(x) => x.walk(path, v),
            Found::InventoryItem(x) => x.walk(path, v),
            Found::Resource(x) => x.walk(path, v),
        }
    }

    fn insert(&self, out: &mut PlanOfActionAndMilestones) {
        match self {
            Found::Party(x) => out.metadata.parties.push((*x).clone()),
            Found::Location(x) => out.metadata.locations.push((*x).clone()),
            Found::Component(x) => local(out).components.push((*x).clone()),
            Found::InventoryItem(x) => local(out).inventory_items.push((*x).clone()),
            Found::Resource(x) => out
                .back_matter
                .get_or_insert_with(|| BackMatter {
                    resources: Vec::new(),
                })
                .resources
                .push((*x).clone()),
        }
    }
}

fn local(out: &mut PlanOfActionAndMilestones) -> &mut LocalDefinitions {
    out.local_definitions
        .get_or_insert_with(|| LocalDefinitions {
            components: Vec::new(),
            inventory_items: Vec::new(),
            assessment_assets: None,
            remarks: None,
        })
}
