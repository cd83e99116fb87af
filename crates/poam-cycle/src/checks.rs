//! What a merge checks before it hands its result back: the merged POA&M must be valid
//! OSCAL where the merge could have made it invalid. Two ways it could:
//!
//! - **a uuid defined twice**: an update's new item (or part) whose uuid is already the uuid
//!   of something else in BASE (an observation, a risk, another item's part);
//! - **a dangling reference**: an update's item that references a risk, observation or
//!   finding that neither the update nor BASE has (a partial update that left it out).
//!
//! Either is refused, naming the place; nothing is repaired by guessing. Problems BASE
//! already had are not the merge's doing and are left to `poam validate`.

use std::collections::{HashMap, HashSet};

use poam_model::PlanOfActionAndMilestones;
use poam_model::walk::{Path, Value, Visitor, Walk};

use crate::item::uuid_key;

/// Every uuid the document defines (a member named `uuid`), with where, in document order.
fn defined_uuids(p: &PlanOfActionAndMilestones) -> Vec<(String, String)> {
    struct Defined(Vec<(String, String)>);
    impl Visitor for Defined {
        fn value(&mut self, path: &Path, v: Value<'_>) {
            if let Value::Uuid(u) = v
                && path.last_key() == Some("uuid")
            {
                self.0.push((uuid_key(u), path.to_string()));
            }
        }
    }
    let mut d = Defined(Vec::new());
    p.walk(&mut Path::root(), &mut d);
    d.0
}

/// The uuids defined more than once, each with the places that define it.
fn duplicates(p: &PlanOfActionAndMilestones) -> Vec<(String, Vec<String>)> {
    let mut places: HashMap<String, Vec<String>> = HashMap::new();
    let mut order = Vec::new();
    for (u, at) in defined_uuids(p) {
        let e = places.entry(u.clone()).or_default();
        if e.is_empty() {
            order.push(u);
        }
        e.push(at);
    }
    order
        .into_iter()
        .filter_map(|u| {
            let at = places.remove(&u)?;
            (at.len() > 1).then_some((u, at))
        })
        .collect()
}

/// A reference from an item or part to a risk, observation or finding, by what it names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Reference {
    /// `risk`, `observation` or `finding`.
    kind: &'static str,
    target: String,
}

/// The references of `p` that do not resolve, with where each is.
fn dangling(p: &PlanOfActionAndMilestones) -> Vec<(Reference, String)> {
    let set = |uuids: Vec<&str>| -> HashSet<String> { uuids.into_iter().map(uuid_key).collect() };
    let risks = set(p.risks.iter().map(|r| r.uuid.as_str()).collect());
    let observations = set(p.observations.iter().map(|o| o.uuid.as_str()).collect());
    let findings = set(p.findings.iter().map(|f| f.uuid.as_str()).collect());
    let mut out = Vec::new();
    let mut check = |kind: &'static str, target: &str, at: String| {
        let known = match kind {
            "risk" => &risks,
            "observation" => &observations,
            _ => &findings,
        };
        if !known.contains(&uuid_key(target)) {
            let target = target.to_owned();
            out.push((Reference { kind, target }, at));
        }
    };
    for (i, item) in p.poam_items.iter().enumerate() {
        let at = format!("poam-items[{i}]");
        item.related_risks
            .iter()
            .for_each(|r| check("risk", &r.risk_uuid, at.clone()));
        item.related_observations
            .iter()
            .for_each(|r| check("observation", &r.observation_uuid, at.clone()));
        item.related_findings
            .iter()
            .for_each(|r| check("finding", &r.finding_uuid, at.clone()));
    }
    for (i, r) in p.risks.iter().enumerate() {
        r.related_observations
            .iter()
            .for_each(|o| check("observation", &o.observation_uuid, format!("risks[{i}]")));
    }
    for (i, f) in p.findings.iter().enumerate() {
        let at = format!("findings[{i}]");
        f.related_observations
            .iter()
            .for_each(|o| check("observation", &o.observation_uuid, at.clone()));
        f.related_risks
            .iter()
            .for_each(|r| check("risk", &r.risk_uuid, at.clone()));
    }
    out
}

/// What makes `merged` invalid OSCAL that `base` did not have, one line each.
pub(crate) fn introduced_problems(
    base: &PlanOfActionAndMilestones,
    merged: &PlanOfActionAndMilestones,
) -> Vec<String> {
    let mut out = Vec::new();
    let base_duplicates: HashSet<String> = duplicates(base).into_iter().map(|(u, _)| u).collect();
    for (u, at) in duplicates(merged) {
        if !base_duplicates.contains(&u) {
            out.push(format!(
                "uuid {u} would be defined {} times: {}",
                at.len(),
                at.join(", ")
            ));
        }
    }
    let base_dangling: HashSet<Reference> = dangling(base).into_iter().map(|(r, _)| r).collect();
    for (r, at) in dangling(merged) {
        if !base_dangling.contains(&r) {
            out.push(format!(
                "{at} would refer to {} {}, which neither BASE nor the update that brings the item has",
                r.kind, r.target
            ));
        }
    }
    out
}
