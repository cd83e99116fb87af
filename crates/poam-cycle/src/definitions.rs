//! Carrying what merged content refers to: parties, locations, components, inventory items,
//! back-matter resources and roles that an update defines and the merged document lacks.

use std::collections::HashSet;

use poam_model::walk::{Path, Value, Visitor, Walk};
use poam_model::{BackMatter, LocalDefinitions, PlanOfActionAndMilestones};

use crate::item::uuid_key;

/// The uuids a document defines (every `uuid` member) and the ones it refers to (every other
/// uuid-valued member, and `#uuid` links), plus role ids defined and referred to.
#[derive(Default)]
struct Scan {
    defined: HashSet<String>,
    referenced: Vec<String>,
    roles_defined: HashSet<String>,
    roles_referenced: Vec<String>,
}

impl Visitor for Scan {
    fn value(&mut self, path: &Path, v: Value<'_>) {
        let key = path.last_key().unwrap_or_default();
        match v {
            Value::Uuid(u) if key == "uuid" => {
                self.defined.insert(uuid_key(u));
            }
            Value::Uuid(u) => self.referenced.push(uuid_key(u)),
            Value::UriReference(r) => {
                if let Some(frag) = r.strip_prefix('#') {
                    self.referenced.push(uuid_key(frag));
                }
            }
            Value::Token(t) if key == "role-id" => self.roles_referenced.push(t.to_string()),
            Value::Token(t) if key == "id" && path.to_string().contains("/metadata/roles/") => {
                self.roles_defined.insert(t.to_string());
            }
            _ => {}
        }
    }
}

fn scan(p: &PlanOfActionAndMilestones) -> Scan {
    let mut s = Scan::default();
    p.walk(&mut Path::root(), &mut s);
    s
}

/// Copies into `out` every party, location, component, inventory item, resource and role
/// that `out` refers to but does not define, from the first of `sources` that defines it,
/// until nothing more is missing. Returns a line per object carried, for the report.
pub fn carry(
    out: &mut PlanOfActionAndMilestones,
    sources: &[&PlanOfActionAndMilestones],
) -> Vec<String> {
    let mut carried = Vec::new();
    loop {
        let s = scan(out);
        let missing: HashSet<&String> = s
            .referenced
            .iter()
            .filter(|u| !s.defined.contains(*u))
            .collect();
        let missing_roles: HashSet<&String> = s
            .roles_referenced
            .iter()
            .filter(|r| !s.roles_defined.contains(*r))
            .collect();
        if missing.is_empty() && missing_roles.is_empty() {
            break;
        }
        let before = carried.len();
        for src in sources {
            let m = &src.metadata;
            for p in &m.parties {
                if missing.contains(&uuid_key(&p.uuid))
                    && !has(
                        out.metadata.parties.iter().map(|x| x.uuid.as_str()),
                        &p.uuid,
                    )
                {
                    out.metadata.parties.push(p.clone());
                    carried.push(format!("party {}", p.uuid));
                }
            }
            for l in &m.locations {
                if missing.contains(&uuid_key(&l.uuid))
                    && !has(
                        out.metadata.locations.iter().map(|x| x.uuid.as_str()),
                        &l.uuid,
                    )
                {
                    out.metadata.locations.push(l.clone());
                    carried.push(format!("location {}", l.uuid));
                }
            }
            for r in &m.roles {
                if missing_roles.contains(&r.id.to_string())
                    && !out.metadata.roles.iter().any(|x| x.id == r.id)
                {
                    out.metadata.roles.push(r.clone());
                    carried.push(format!("role {}", r.id));
                }
            }
            if let Some(ld) = &src.local_definitions {
                for c in &ld.components {
                    if missing.contains(&uuid_key(&c.uuid)) {
                        let dst = local(out);
                        if !has(dst.components.iter().map(|x| x.uuid.as_str()), &c.uuid) {
                            dst.components.push(c.clone());
                            carried.push(format!("component {}", c.uuid));
                        }
                    }
                }
                for i in &ld.inventory_items {
                    if missing.contains(&uuid_key(&i.uuid)) {
                        let dst = local(out);
                        if !has(dst.inventory_items.iter().map(|x| x.uuid.as_str()), &i.uuid) {
                            dst.inventory_items.push(i.clone());
                            carried.push(format!("inventory item {}", i.uuid));
                        }
                    }
                }
            }
            if let Some(bm) = &src.back_matter {
                for r in &bm.resources {
                    if missing.contains(&uuid_key(&r.uuid)) {
                        let dst = out.back_matter.get_or_insert_with(|| BackMatter {
                            resources: Vec::new(),
                        });
                        if !has(dst.resources.iter().map(|x| x.uuid.as_str()), &r.uuid) {
                            dst.resources.push(r.clone());
                            carried.push(format!("resource {}", r.uuid));
                        }
                    }
                }
            }
        }
        if carried.len() == before {
            // What is still missing is defined nowhere here (e.g. in the SSP): fine.
            break;
        }
    }
    carried
}

fn has<'a>(mut uuids: impl Iterator<Item = &'a str>, u: &str) -> bool {
    uuids.any(|x| x.eq_ignore_ascii_case(u))
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
