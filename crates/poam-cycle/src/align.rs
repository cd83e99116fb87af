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
//!
//! The same holds for the risk log: a workbook shows BASE's entries as the Status Date and
//! Milestone Changes cells, and reading it back gives a `Status Update` entry (a date and
//! nothing else) and `Milestone change` entries (the entry's title and description as one
//! text). Such an entry of a risk BASE has, on the instant of one of BASE's entries and
//! holding nothing that entry does not, is BASE's entry again and is left out; an entry with
//! anything new (another date, other text) stays and is merged.

use std::collections::{HashMap, HashSet};

use poam_fedramp::log_titles;
use poam_model::{Document, Entry, MarkupLine, MarkupMultiline, PlanOfActionAndMilestones, Risk};
use serde_json::Value;

/// The update with BASE's parties and components in place of its own copies, or `None` when
/// it has no such copy (the update is used as it is).
pub(crate) fn to_base(base: &PlanOfActionAndMilestones, update: &Document) -> Option<Document> {
    let map = copies(base, &update.plan_of_action_and_milestones);
    let echoes = log_echoes(base, &update.plan_of_action_and_milestones);
    if map.is_empty() && echoes.is_empty() {
        return None;
    }
    let mut update = update.clone();
    for r in &mut update.plan_of_action_and_milestones.risks {
        if let Some(log) = &mut r.risk_log {
            log.entries.retain(|e| !echoes.contains(e.uuid.as_str()));
            if log.entries.is_empty() {
                // A risk log holds at least one entry: with only echoes, there is none.
                r.risk_log = None;
            }
        }
    }
    if map.is_empty() {
        return Some(update);
    }
    let mut json = serde_json::to_value(&update).ok()?;
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

/// The uuids of the update's log entries that only repeat one of BASE's (see the module).
fn log_echoes(
    base: &PlanOfActionAndMilestones,
    update: &PlanOfActionAndMilestones,
) -> HashSet<String> {
    let mut out = HashSet::new();
    for (b, r) in risk_pairs(base, update) {
        let Some(log) = &r.risk_log else {
            continue;
        };
        let base_entries = b.risk_log.as_ref().map_or(&[][..], |l| &l.entries[..]);
        for e in &log.entries {
            if base_entries.iter().any(|be| be.uuid == e.uuid) {
                continue;
            }
            if base_entries
                .iter()
                .any(|be| same_instant(be, e) && repeats(be, e))
            {
                out.insert(e.uuid.to_string());
            }
        }
    }
    out
}

/// BASE's risk and the update's risk of one item: by risk uuid, else (a workbook names its
/// own uuids) the one risk of the items with the same POAM ID.
fn risk_pairs<'a>(
    base: &'a PlanOfActionAndMilestones,
    update: &'a PlanOfActionAndMilestones,
) -> Vec<(&'a Risk, &'a Risk)> {
    let by_uuid = |d: &'a PlanOfActionAndMilestones| -> HashMap<&'a str, &'a Risk> {
        d.risks.iter().map(|r| (r.uuid.as_str(), r)).collect()
    };
    let (base_risks, update_risks) = (by_uuid(base), by_uuid(update));
    // POAM ID -> the item's one risk.
    let by_poam_id = |d: &'a PlanOfActionAndMilestones, risks: &HashMap<&'a str, &'a Risk>| {
        let mut m: HashMap<&'a str, &'a Risk> = HashMap::new();
        for item in &d.poam_items {
            if let (Some(id), [one]) = (
                poam_fedramp::item::poam_id(item),
                item.related_risks.as_slice(),
            ) && let Some(r) = risks.get(one.risk_uuid.as_str())
            {
                m.insert(id, r);
            }
        }
        m
    };
    let base_by_id = by_poam_id(base, &base_risks);
    let mut pairs = Vec::new();
    for (id, r) in by_poam_id(update, &update_risks) {
        if base_risks.contains_key(r.uuid.as_str()) {
            continue;
        }
        if let Some(b) = base_by_id.get(id) {
            pairs.push((*b, r));
        }
    }
    for r in &update.risks {
        if let Some(b) = base_risks.get(r.uuid.as_str()) {
            pairs.push((*b, r));
        }
    }
    pairs
}

fn same_instant(a: &Entry, b: &Entry) -> bool {
    a.start == b.start || matches!((a.start.parse(), b.start.parse()), (Some(x), Some(y)) if x == y)
}

/// Whether the workbook's entry `e` holds nothing but what BASE's entry `b` does: a bare
/// `Status Update` (its date), or a milestone change whose text is `b`'s title and
/// description.
fn repeats(b: &Entry, e: &Entry) -> bool {
    let title = e
        .title
        .as_ref()
        .map(MarkupLine::to_markdown)
        .unwrap_or_default();
    if title == log_titles::STATUS_UPDATE {
        return e.description.is_none();
    }
    if !(title.starts_with(log_titles::MILESTONE_CHANGE) || title.starts_with("Milestone ")) {
        return false;
    }
    let text = |parts: &[String]| {
        parts
            .join(" ")
            .replace('\\', "")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let written = text(&[
        b.title
            .as_ref()
            .map(MarkupLine::to_markdown)
            .unwrap_or_default(),
        b.description
            .as_ref()
            .map(MarkupMultiline::to_markdown)
            .unwrap_or_default(),
    ]);
    let read = text(&[e
        .description
        .as_ref()
        .map(MarkupMultiline::to_markdown)
        .unwrap_or_default()]);
    !written.is_empty() && written == read
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn entry(title: &str, description: Option<&str>, start: &str) -> Entry {
        let mut v = serde_json::json!({
            "uuid": "6a1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d", "title": title, "start": start
        });
        if let Some(d) = description {
            v["description"] = d.into();
        }
        serde_json::from_value(v).unwrap()
    }

    /// What a workbook gives back of BASE's entry is BASE's; anything more is kept.
    #[test]
    fn only_an_exact_echo_of_a_base_entry_is_left_out() {
        let base = entry(
            "Review cycle 2024-06-03",
            Some("Plan changed."),
            "2024-06-03T00:00:00Z",
        );
        let echo = entry(
            log_titles::MILESTONE_CHANGE,
            Some("Review cycle 2024-06-03\\\nPlan changed."),
            "2024-06-03T00:00:00Z",
        );
        assert!(repeats(&base, &echo) && same_instant(&base, &echo));
        let edited = entry(
            log_titles::MILESTONE_CHANGE,
            Some("Review cycle 2024-06-03\\\nPlan changed; vendor patch due."),
            "2024-06-03T00:00:00Z",
        );
        assert!(!repeats(&base, &edited));
        let status = entry(log_titles::STATUS_UPDATE, None, "2024-06-03T02:00:00+02:00");
        assert!(repeats(&base, &status) && same_instant(&base, &status));
        let with_text = entry(
            log_titles::STATUS_UPDATE,
            Some("Vendor replied."),
            "2024-06-03T00:00:00Z",
        );
        assert!(!repeats(&base, &with_text));
    }
}
