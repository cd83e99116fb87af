//! An update's own copies of BASE's parties and components, made BASE's.
//!
//! A workbook cannot hold uuids for the people and tools it names: reading one gives its
//! Point of Contact and its Weakness Detector Source parties and components of their own
//! (name-based uuids), even when BASE has the same party (the SSP's provider) or the same
//! tool (the scanner `poam import` recorded). Merged as they are, next month's workbook edits
//! would replace every remediation's origin, add a second characterization to every risk
//! (its origin's tool differs) and carry duplicate definitions, so that `poam diff` shows
//! noise instead of the edits. Before matching, each update party or component that BASE
//! lacks by uuid but has exactly once by name (a party's `name`; a component's title and
//! type) is replaced by BASE's: every reference to it is rewritten and its definition
//! dropped. Several candidates are never guessed between.

use std::collections::HashMap;

use poam_model::{Document, PlanOfActionAndMilestones};
use serde_json::Value;

/// The update with BASE's parties and components in place of its own copies, or `None` when
/// it has no such copy (the update is used as it is).
pub(crate) fn to_base(base: &PlanOfActionAndMilestones, update: &Document) -> Option<Document> {
    let map = copies(base, &update.plan_of_action_and_milestones);
    if map.is_empty() {
        return None;
    }
    let mut json = serde_json::to_value(update).ok()?;
    drop_definitions(&mut json, &map);
    rewrite(&mut json, &map);
    serde_json::from_value(json).ok()
}

/// Update uuid -> BASE uuid, for each party and component BASE has under another uuid.
fn copies(
    base: &PlanOfActionAndMilestones,
    update: &PlanOfActionAndMilestones,
) -> HashMap<String, String> {
    let mut map = HashMap::new();
    let base_parties = &base.metadata.parties;
    for p in &update.metadata.parties {
        if base_parties.iter().any(|b| b.uuid == p.uuid) {
            continue;
        }
        let Some(name) = p.name.as_deref().map(str::trim) else {
            continue;
        };
        let same: Vec<_> = base_parties
            .iter()
            .filter(|b| b.name.as_deref().map(str::trim) == Some(name))
            .collect();
        if let [one] = same.as_slice() {
            map.insert(p.uuid.to_string(), one.uuid.to_string());
        }
    }
    let components = |d: &PlanOfActionAndMilestones| {
        d.local_definitions
            .as_ref()
            .map(|l| l.components.clone())
            .unwrap_or_default()
    };
    let base_components = components(base);
    for c in components(update) {
        if base_components.iter().any(|b| b.uuid == c.uuid) {
            continue;
        }
        let same: Vec<_> = base_components
            .iter()
            .filter(|b| b.title == c.title && b.r#type == c.r#type)
            .collect();
        if let [one] = same.as_slice() {
            map.insert(c.uuid.to_string(), one.uuid.to_string());
        }
    }
    map
}

/// Removes the update's definitions of the parties and components `map` replaces.
fn drop_definitions(json: &mut Value, map: &HashMap<String, String>) {
    for pointer in [
        "/plan-of-action-and-milestones/metadata/parties",
        "/plan-of-action-and-milestones/local-definitions/components",
    ] {
        if let Some(Value::Array(items)) = json.pointer_mut(pointer) {
            items.retain(|d| d["uuid"].as_str().is_none_or(|u| !map.contains_key(u)));
        }
    }
}

/// Rewrites every reference (a `*-uuid` or `*-uuids` member) to a replaced definition.
fn rewrite(v: &mut Value, map: &HashMap<String, String>) {
    match v {
        Value::Object(members) => {
            for (key, value) in members.iter_mut() {
                if key.ends_with("-uuid") || key.ends_with("-uuids") {
                    replace(value, map);
                } else {
                    rewrite(value, map);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| rewrite(i, map)),
        _ => {}
    }
}

fn replace(v: &mut Value, map: &HashMap<String, String>) {
    match v {
        Value::String(s) => {
            if let Some(to) = map.get(s.as_str()) {
                to.clone_into(s);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| replace(i, map)),
        _ => {}
    }
}
