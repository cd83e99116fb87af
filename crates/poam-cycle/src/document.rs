//! What changed in a POA&M outside its items: metadata (revisions, parties, …), the SSP it
//! imports, its system id, local definitions, back-matter, and the risks, observations and
//! findings no item references. A reviewer needs to know that the SSP link or a revision
//! changed as much as that a deadline slipped.

use std::collections::{HashMap, HashSet};

use poam_model::{MarkupLine, MarkupMultiline, PlanOfActionAndMilestones, PoamItem};
use serde::Serialize;
use serde_json::Value;

use crate::changes::{self, AssetNames, Change, ChangeKind};
use crate::edits;
use crate::item::{PartKind, Parts, uuid_key};

/// Changes to the document itself, in document order: metadata, import-ssp, system-id,
/// local definitions, back-matter. Items and the parts they reference are compared apart.
pub(crate) fn document_changes(
    old: &PlanOfActionAndMilestones,
    new: &PlanOfActionAndMilestones,
) -> Vec<Change> {
    let mut out = Vec::new();
    compare_members(
        "",
        &to_json(&old.metadata),
        &to_json(&new.metadata),
        &mut out,
    );
    compare_members(
        "",
        &Value::Object(top_level(old)),
        &Value::Object(top_level(new)),
        &mut out,
    );
    out
}

/// The document's members other than metadata and what items are made of.
fn top_level(p: &PlanOfActionAndMilestones) -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::new();
    let mut put = |name: &str, v: Value| {
        if !v.is_null() {
            m.insert(name.to_owned(), v);
        }
    };
    put("import-ssp", to_json(&p.import_ssp));
    put("system-id", to_json(&p.system_id));
    put("local-definitions", to_json(&p.local_definitions));
    put("back-matter", to_json(&p.back_matter));
    m
}

fn to_json<T: Serialize>(x: &T) -> Value {
    serde_json::to_value(x).unwrap_or(Value::Null)
}

/// `prefix member`, or `member` at the top.
fn join(prefix: &str, member: &str) -> String {
    if prefix.is_empty() {
        member.to_owned()
    } else {
        format!("{prefix} {member}")
    }
}

/// What one element of a list is called: `parties` -> `party`, `resources` -> `back-matter
/// resource`.
fn singular(field: &str) -> String {
    let (prefix, last) = field.rsplit_once(' ').unwrap_or(("", field));
    let one = match last {
        "parties" => "party".to_owned(),
        "resources" => "back-matter resource".to_owned(),
        "inventory-items" => "inventory item".to_owned(),
        "responsible-parties" => "responsible party".to_owned(),
        s => s.strip_suffix('s').unwrap_or(s).to_owned(),
    };
    if last == "resources" {
        one
    } else {
        join(prefix.trim_start_matches("local-definitions").trim(), &one)
    }
}

/// How people name an element of a list: its title, name or version, else its uuid.
fn element_name(v: &Value) -> String {
    let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    let named = match (text("version"), text("title")) {
        (Some(version), Some(title)) => Some(format!("{version} {title}")),
        (version, title) => title.or(version),
    };
    named
        .or_else(|| text("name"))
        .or_else(|| text("role-id"))
        .or_else(|| text("description").map(|d| changes::short(&d, 60)))
        .or_else(|| text("uuid"))
        .unwrap_or_else(|| changes::short(&v.to_string(), 60))
}

/// A member that holds a list of objects (absent: an empty list), else `None`.
fn objects(v: Option<&Value>) -> Option<&[Value]> {
    match v {
        None => Some(&[]),
        Some(Value::Array(a)) if a.iter().all(Value::is_object) => Some(a.as_slice()),
        Some(_) => None,
    }
}

/// Reports every member in which `old` and `new` (JSON objects) differ, named `prefix
/// member`; lists of objects element by element.
fn compare_members(prefix: &str, old: &Value, new: &Value, out: &mut Vec<Change>) {
    let empty = serde_json::Map::new();
    let (a, b) = (
        old.as_object().unwrap_or(&empty),
        new.as_object().unwrap_or(&empty),
    );
    let keys = a.keys().chain(b.keys().filter(|k| !a.contains_key(*k)));
    for key in keys {
        let (x, y) = (a.get(key), b.get(key));
        if x == y {
            continue;
        }
        let field = join(prefix, key);

        match (x, y) {
            _ if x.or(y).is_some_and(Value::is_array)
                && objects(x).is_some()
                && objects(y).is_some() =>
            {
                let (x, y) = (
                    objects(x).unwrap_or_default(),
                    objects(y).unwrap_or_default(),
                );
                compare_lists(&singular(&field), x, y, out);
            }
            (Some(x @ Value::Object(_)), Some(y @ Value::Object(_))) => {
                compare_members(&field, x, y, out);
            }
            _ => out.push(value_change(field, x, y)),
        }
    }
}

fn value_change(field: String, old: Option<&Value>, new: Option<&Value>) -> Change {
    let show = |v: Option<&Value>| v.and_then(changes::show);
    let kind = match (old, new) {
        (None, _) => ChangeKind::FieldAdded,
        (_, None) => ChangeKind::FieldRemoved,
        _ => ChangeKind::FieldChanged,
    };
    Change::of(kind, field).old(show(old)).new_value(show(new))
}

/// Elements with uuids are compared by uuid (added, removed, changed member by member);
/// others by value (added, removed).
fn compare_lists(what: &str, old: &[Value], new: &[Value], out: &mut Vec<Change>) {
    let uuid = |v: &Value| v.get("uuid").and_then(Value::as_str).map(uuid_key);
    if old.iter().chain(new).all(|v| uuid(v).is_some()) {
        let find = |xs: &[Value], u: &Option<String>| xs.iter().find(|x| uuid(x) == *u).cloned();
        for o in old {
            match find(new, &uuid(o)) {
                None => {
                    out.push(Change::of(ChangeKind::FieldRemoved, what).subject(element_name(o)));
                }
                Some(n) if &n != o => {
                    let before = out.len();
                    compare_members(what, o, &n, out);
                    for c in &mut out[before..] {
                        c.subject.get_or_insert_with(|| element_name(o));
                    }
                }
                Some(_) => {}
            }
        }
        for n in new.iter().filter(|n| find(old, &uuid(n)).is_none()) {
            out.push(Change::of(ChangeKind::FieldAdded, what).subject(element_name(n)));
        }
    } else {
        for o in old.iter().filter(|o| !new.contains(o)) {
            out.push(Change::of(ChangeKind::FieldRemoved, what).subject(element_name(o)));
        }
        for n in new.iter().filter(|n| !old.contains(n)) {
            out.push(Change::of(ChangeKind::FieldAdded, what).subject(element_name(n)));
        }
    }
}

/// How a risk, observation or finding that no item references fared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct PartDiff {
    /// Risk, observation or finding.
    pub kind: PartKind,
    /// Its uuid.
    pub uuid: String,
    /// Its title, as plain text.
    pub title: String,
    /// `new`, `removed` or `changed`.
    pub class: crate::diff::Class,
    /// Field changes, old -> new (empty unless changed).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Change>,
}

/// The uuids of the parts some poam-item references.
fn referenced(p: &PlanOfActionAndMilestones) -> HashSet<String> {
    p.poam_items
        .iter()
        .flat_map(|i| {
            let risks = i.related_risks.iter().map(|r| r.risk_uuid.as_str());
            let observations = i
                .related_observations
                .iter()
                .map(|r| r.observation_uuid.as_str());
            let findings = i.related_findings.iter().map(|r| r.finding_uuid.as_str());
            risks.chain(observations).chain(findings)
        })
        .map(uuid_key)
        .collect()
}

/// An item with no content of its own, to hold one part that no item references, so that
/// the part is compared and described as the parts of items are.
fn holder() -> PoamItem {
    PoamItem {
        uuid: None,
        title: MarkupLine::from_markdown(""),
        description: MarkupMultiline::from_markdown(""),
        props: Vec::new(),
        links: Vec::new(),
        origins: Vec::new(),
        related_findings: Vec::new(),
        related_observations: Vec::new(),
        related_risks: Vec::new(),
        remarks: None,
    }
}

/// One part that no item references, held alone.
fn lone(p: &PlanOfActionAndMilestones, kind: PartKind, index: usize) -> Parts<'_> {
    let mut parts = Parts {
        item: std::borrow::Cow::Owned(holder()),
        risks: Vec::new(),
        observations: Vec::new(),
        findings: Vec::new(),
    };
    match kind {
        PartKind::Risk => parts
            .risks
            .push(std::borrow::Cow::Borrowed(&p.risks[index])),
        PartKind::Observation => parts
            .observations
            .push(std::borrow::Cow::Borrowed(&p.observations[index])),
        PartKind::Finding => parts
            .findings
            .push(std::borrow::Cow::Borrowed(&p.findings[index])),
    }
    parts
}

/// The risks, observations and findings of a document that no item references: kind, uuid
/// key, index.
fn unreferenced(p: &PlanOfActionAndMilestones) -> Vec<(PartKind, String, usize)> {
    let refs = referenced(p);
    let mut out = Vec::new();
    let mut add = |kind: PartKind, uuids: Vec<&str>| {
        for (i, u) in uuids.into_iter().enumerate() {
            let k = uuid_key(u);
            if !refs.contains(&k) {
                out.push((kind, k, i));
            }
        }
    };
    add(
        PartKind::Risk,
        p.risks.iter().map(|r| r.uuid.as_str()).collect(),
    );
    add(
        PartKind::Observation,
        p.observations.iter().map(|o| o.uuid.as_str()).collect(),
    );
    add(
        PartKind::Finding,
        p.findings.iter().map(|f| f.uuid.as_str()).collect(),
    );
    out
}

fn part_title(parts: &Parts<'_>) -> String {
    let title = parts
        .risks
        .first()
        .map(|r| r.title.plain_text())
        .or_else(|| {
            parts.observations.first().map(|o| {
                o.title.as_ref().map_or_else(
                    || changes::short(&o.description.plain_text(), 60),
                    poam_model::MarkupLine::plain_text,
                )
            })
        })
        .or_else(|| parts.findings.first().map(|f| f.title.plain_text()));
    title.unwrap_or_default()
}

/// The risks, observations and findings that no item references on either side, by uuid:
/// new, removed, or changed (field by field, as parts of items are).
pub(crate) fn unlinked_parts(
    old: &PlanOfActionAndMilestones,
    new: &PlanOfActionAndMilestones,
    assets: &AssetNames,
) -> Vec<PartDiff> {
    use crate::diff::Class;
    let (o, n) = (unreferenced(old), unreferenced(new));
    let in_old: HashMap<(PartKind, &str), usize> =
        o.iter().map(|(k, u, i)| ((*k, u.as_str()), *i)).collect();
    let in_new: HashMap<(PartKind, &str), usize> =
        n.iter().map(|(k, u, i)| ((*k, u.as_str()), *i)).collect();
    let mut out = Vec::new();
    let diff_of = |kind: PartKind, uuid: &str, parts: &Parts<'_>, class: Class| PartDiff {
        kind,
        uuid: uuid.to_owned(),
        title: part_title(parts),
        class,
        changes: Vec::new(),
    };
    for (kind, uuid, oi) in &o {
        let before = lone(old, *kind, *oi);
        match in_new.get(&(*kind, uuid.as_str())) {
            None => out.push(diff_of(*kind, uuid, &before, Class::Removed)),
            Some(&ni) => {
                let after = lone(new, *kind, ni);
                let e = edits::edits(&before, &after);
                if e.is_empty() {
                    continue;
                }
                let mut d = diff_of(*kind, uuid, &after, Class::Changed);
                d.changes = changes::describe(&before, &after, &e, assets);
                out.push(d);
            }
        }
    }
    for (kind, uuid, ni) in &n {
        if !in_old.contains_key(&(*kind, uuid.as_str())) {
            out.push(diff_of(*kind, uuid, &lone(new, *kind, *ni), Class::New));
        }
    }
    out
}
