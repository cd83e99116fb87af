//! `merge`: carry a POA&M into the next cycle by applying updates to it, recording every
//! change in the risk logs. See `docs/review-cycles.md` for the rules in users' terms.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use poam_fedramp::namespace::is_fedramp_system;
use poam_fedramp::{entry_types, log_titles};
use poam_model::datatypes::{DateTimeWithTimezone, Uuid};
use poam_model::walk::{Path, Value, Visitor, Walk};
use poam_model::{
    Document, Entry, MarkupLine, MarkupMultiline, PlanOfActionAndMilestones, Property, RiskLog,
};
use serde::Serialize;

use crate::changes::{self, AssetNames, show};
use crate::checks;
use crate::cycle::{self, Series};
use crate::definitions;
use crate::diff::AmbiguousMatch;
use crate::edits::{self, Edit, Field, FieldKey, PartKey, PartMut, Presence};
use crate::fedramp;
use crate::item::{DocIndex, ItemKeys, ItemRef, PartKind, Parts, uuid_key, uuid_key_ref};
use crate::matching;

/// One update: an edited copy of BASE or a partial POA&M, and how to name it in reports.
#[derive(Debug, Clone, Copy)]
pub struct Update<'a> {
    pub name: &'a str,
    pub document: &'a Document,
}

/// Which update wins a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefer {
    /// The first update (in the order given) that changed the field.
    First,
    /// The last one.
    Last,
}

/// How to merge.
#[derive(Debug, Clone)]
pub struct Options {
    /// The date-time of the cycle: risk-log entries start then, metadata last-modified
    /// becomes it (with its offset).
    pub as_of: chrono::DateTime<chrono::FixedOffset>,
    /// The updates together are the whole list of open items: open items none of them
    /// mentions are closed as no longer detected.
    pub complete: bool,
    /// Resolve conflicts instead of refusing.
    pub prefer: Option<Prefer>,
    /// Merge updates about a different system.
    pub force: bool,
}

/// One update's value in a conflict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConflictValue {
    pub update: String,
    /// The value as people read it; `None` when the update removes it.
    pub value: Option<String>,
}

/// Two or more updates set one field of one item to different values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conflict {
    /// The item's POAM ID, else its uuid.
    pub item: String,
    pub title: String,
    pub field: String,
    pub values: Vec<ConflictValue>,
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}): {}:",
            self.item,
            changes::short(&self.title, 60),
            self.field
        )?;
        for v in &self.values {
            let shown = v.value.as_deref().map_or_else(
                || "(none)".to_owned(),
                |s| format!("{:?}", changes::short(s, 100)),
            );
            write!(f, "\n    {}: {shown}", v.update)?;
        }
        Ok(())
    }
}

/// An update whose system differs from BASE's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SystemMismatch {
    pub update: String,
    /// `system-id` or `import-ssp`.
    pub what: &'static str,
    pub base: String,
    pub value: String,
}

/// Items of an update that could not be matched one-to-one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AmbiguousUpdate {
    pub update: String,
    /// `old`: items of BASE (or new items of earlier updates); `new`: items of the update.
    pub ambiguity: AmbiguousMatch,
}

/// Why nothing was merged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MergeError {
    /// Updates about another system (without `force`).
    #[error("updates about a different system (use --force to merge anyway):{}", mismatch_lines(.0))]
    DifferentSystem(Vec<SystemMismatch>),
    /// Items that could not be matched without guessing.
    #[error("{} ambiguous match(es); give the items distinct POAM IDs or uuids:{}", .0.len(), ambiguity_lines(.0))]
    Ambiguous(Vec<AmbiguousUpdate>),
    /// Updates disagree (without `prefer`).
    #[error("{} conflict(s) between updates (use --prefer first|last to decide):{}", .0.len(), conflict_lines(.0))]
    Conflicts(Vec<Conflict>),
    /// The result would lack objects BASE identifies by uuid (an update rewrote a member
    /// holding them, e.g. a task's sub-tasks); a merge never deletes them.
    #[error("the merge would delete objects BASE identifies by uuid, which it never does: {}", .0.join(", "))]
    WouldDelete(Vec<String>),
    /// The merged document would not be valid OSCAL (see [`crate::checks`]); nothing is
    /// written.
    #[error("the merged POA&M would not be valid OSCAL:{}", invalid_lines(.0))]
    Invalid(Vec<String>),
}

fn mismatch_lines(v: &[SystemMismatch]) -> String {
    v.iter()
        .map(|m| {
            format!(
                "\n  {}: {} is {:?}, BASE has {:?}",
                m.update, m.what, m.value, m.base
            )
        })
        .collect()
}

fn ambiguity_lines(v: &[AmbiguousUpdate]) -> String {
    let list = |r: &[ItemRef]| {
        r.iter()
            .map(ItemRef::describe)
            .collect::<Vec<_>>()
            .join(", ")
    };
    v.iter()
        .map(|a| {
            format!(
                "\n  {}: {} names its item(s) {} and BASE's {}",
                a.update,
                a.ambiguity.key,
                list(&a.ambiguity.new),
                list(&a.ambiguity.old)
            )
        })
        .collect()
}

fn conflict_lines(v: &[Conflict]) -> String {
    v.iter().map(|c| format!("\n  {c}")).collect()
}

fn invalid_lines(v: &[String]) -> String {
    v.iter().map(|c| format!("\n  {c}")).collect()
}

/// What a merge did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Report {
    /// Items added, as they are in the output (with any POAM ID given).
    pub new: Vec<ItemRef>,
    pub closed: Vec<ItemRef>,
    pub reopened: Vec<ItemRef>,
    pub changed: Vec<ItemRef>,
    /// Open items closed because no update of a `complete` merge mentions them.
    pub not_detected: Vec<ItemRef>,
    pub unchanged: usize,
    /// Conflicts decided by `prefer`.
    pub resolved: Vec<Conflict>,
    /// Definitions (parties, components, …) copied from updates.
    pub carried: Vec<String>,
    pub warnings: Vec<String>,
    /// Whether the metadata got a new version and revision (false when merging again in the
    /// same cycle).
    pub new_cycle: bool,
}

/// The merged document and what was done.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub document: Document,
    pub report: Report,
}

/// An item a change lands on: one of BASE's, or one an update adds.
#[derive(Debug, Clone, Copy)]
enum Target {
    Base(usize),
    New(usize),
}

struct NewItem<'u> {
    update: usize,
    index: usize,
    parts: Parts<'u>,
}

struct Contribution {
    update: usize,
    item: usize,
    presence: Presence,
}

/// Merges `updates` into `base` (see the crate documentation for the rules).
pub fn merge(
    base: &Document,
    updates: &[Update<'_>],
    opts: &Options,
) -> Result<Outcome, MergeError> {
    let as_of = &DateTimeWithTimezone::from(opts.as_of);
    let date = opts.as_of.date_naive().format("%Y-%m-%d").to_string();
    let bp = &base.plan_of_action_and_milestones;
    if !opts.force {
        let mismatches: Vec<SystemMismatch> = updates
            .iter()
            .flat_map(|u| system_mismatches(bp, u))
            .collect();
        if !mismatches.is_empty() {
            return Err(MergeError::DifferentSystem(mismatches));
        }
    }

    // Match every update against BASE and the items earlier updates add.
    let bi = DocIndex::new(bp);
    let base_parts: Vec<Parts<'_>> = (0..bp.poam_items.len()).map(|i| bi.parts(i)).collect();
    let mut keys: Vec<ItemKeys> = base_parts.iter().map(|p| ItemKeys::of(p, &bi)).collect();
    let mut targets: Vec<Target> = (0..base_parts.len()).map(Target::Base).collect();
    let mut contributions: Vec<BTreeMap<FieldKey, Vec<Contribution>>> =
        (0..base_parts.len()).map(|_| BTreeMap::new()).collect();
    let mut mentioned = vec![false; base_parts.len()];
    let mut new_items: Vec<NewItem<'_>> = Vec::new();
    let mut aligned: Vec<HashMap<usize, Parts<'_>>> =
        (0..updates.len()).map(|_| HashMap::new()).collect();
    let mut ambiguous = Vec::new();
    let indexes: Vec<DocIndex<'_>> = updates
        .iter()
        .map(|u| DocIndex::new(&u.document.plan_of_action_and_milestones))
        .collect();
    for (k, ui) in indexes.iter().enumerate() {
        let parts: Vec<Parts<'_>> = (0..ui.poam.poam_items.len()).map(|i| ui.parts(i)).collect();
        let ukeys: Vec<ItemKeys> = parts.iter().map(|p| ItemKeys::of(p, ui)).collect();
        let m = matching::match_items(&keys, &ukeys);
        for a in &m.ambiguities {
            let target_ref = |t: usize| match targets[t] {
                Target::Base(i) => ItemRef::of(i, &base_parts[i]),
                Target::New(j) => ItemRef::of(new_items[j].index, &new_items[j].parts),
            };
            ambiguous.push(AmbiguousUpdate {
                update: updates[k].name.to_owned(),
                ambiguity: AmbiguousMatch {
                    rule: a.rule,
                    key: a.key.clone(),
                    old: a.old.iter().map(|&t| target_ref(t)).collect(),
                    new: a.new.iter().map(|&n| ItemRef::of(n, &parts[n])).collect(),
                },
            });
        }
        for p in &m.pairs {
            let target = match targets[p.old] {
                Target::Base(i) => {
                    mentioned[i] = true;
                    &base_parts[i]
                }
                Target::New(j) => &new_items[j].parts,
            };
            let al = edits::align(target, parts[p.new].clone());
            for e in edits::edits(target, &al) {
                if merges(&e, target, &al) {
                    contributions[p.old]
                        .entry(e.key)
                        .or_default()
                        .push(Contribution {
                            update: k,
                            item: p.new,
                            presence: e.presence,
                        });
                }
            }
            aligned[k].insert(p.new, al);
        }
        for &n in &m.new_only {
            targets.push(Target::New(new_items.len()));
            keys.push(ukeys[n].detached());
            contributions.push(BTreeMap::new());
            new_items.push(NewItem {
                update: k,
                index: n,
                parts: parts[n].clone(),
            });
        }
    }
    if !ambiguous.is_empty() {
        return Err(MergeError::Ambiguous(ambiguous));
    }

    // Decide each field: one value, or a conflict.
    let mut conflicts = Vec::new();
    let mut resolved = Vec::new();
    let mut chosen: Vec<Vec<(FieldKey, usize, usize, Presence)>> =
        Vec::with_capacity(targets.len());
    for (t, fields) in contributions.iter().enumerate() {
        let mut picks = Vec::new();
        let (label_parts, creator) = match targets[t] {
            Target::Base(i) => (&base_parts[i], None),
            Target::New(j) => (&new_items[j].parts, Some(new_items[j].update)),
        };
        for (key, contribs) in fields {
            // (update, item in that update or None for the creating update, value)
            let mut values: Vec<(usize, Option<&Contribution>, serde_json::Value)> = Vec::new();
            if let Some(c) = creator {
                values.push((c, None, edits::value(label_parts, key)));
            }
            for c in contribs {
                let v = aligned[c.update]
                    .get(&c.item)
                    .map_or(serde_json::Value::Null, |p| edits::value(p, key));
                values.push((c.update, Some(c), v));
            }
            let distinct = values
                .iter()
                .enumerate()
                .filter(|(i, (_, _, v))| values[..*i].iter().all(|(_, _, w)| w != v))
                .count();
            let winner = if distinct > 1 {
                let r = ItemRef::of(0, label_parts);
                let conflict = Conflict {
                    item: r.label(),
                    title: r.title,
                    field: field_label(key, label_parts),
                    values: values
                        .iter()
                        .map(|(u, _, v)| ConflictValue {
                            update: updates[*u].name.to_owned(),
                            value: show(v),
                        })
                        .collect(),
                };
                match opts.prefer {
                    None => {
                        conflicts.push(conflict);
                        continue;
                    }
                    Some(Prefer::First) => {
                        resolved.push(conflict);
                        values.first().and_then(|(_, c, _)| *c)
                    }
                    Some(Prefer::Last) => {
                        resolved.push(conflict);
                        values.last().and_then(|(_, c, _)| *c)
                    }
                }
            } else if creator.is_some() {
                // Later updates agree with the update that added the item.
                None
            } else {
                contribs.first()
            };
            if let Some(c) = winner {
                picks.push((key.clone(), c.update, c.item, c.presence));
            }
        }
        chosen.push(picks);
    }
    if !conflicts.is_empty() {
        return Err(MergeError::Conflicts(conflicts));
    }

    // Write the result.
    let mut document = base.clone();
    let op = &mut document.plan_of_action_and_milestones;
    let mut idx = OutIndex::of(op);
    let mut docs: Vec<&PlanOfActionAndMilestones> = vec![bp];
    docs.extend(indexes.iter().map(|i| i.poam));
    let assets = AssetNames::of(&docs);
    let mut report = Report {
        resolved,
        ..Report::default()
    };
    let mut touched: Vec<usize> = Vec::new();
    let mut not_detected: Vec<usize> = Vec::new();
    for (i, bparts) in base_parts.iter().enumerate() {
        let picks = &chosen[i];
        let gone =
            opts.complete && !mentioned[i] && !bparts.risks.is_empty() && !bparts.is_closed();
        if picks.is_empty() && !gone {
            report.unchanged += 1;
            continue;
        }
        if gone {
            not_detected.push(i);
            close_not_detected(op, &idx, bparts, as_of, &date);
            continue;
        }
        touched.push(i);
        let mut lines: Vec<String> = Vec::new();
        // risk uuid -> (old status, new status, update)
        let mut statuses: Vec<(String, String, String, usize)> = Vec::new();
        let mut logged_status: HashSet<(String, String)> = HashSet::new();
        for (key, k, item, presence) in picks {
            let Some(src) = aligned[*k].get(item) else {
                continue;
            };
            apply_one(op, &mut idx, i, key, src, &mut report.warnings);
            match (&key.part, &key.field) {
                (PartKey::Risk(r), Field::Member("status")) => {
                    let old = bparts
                        .risk(r)
                        .map(|x| x.status.to_string())
                        .unwrap_or_default();
                    let new = src
                        .risk(r)
                        .map(|x| x.status.to_string())
                        .unwrap_or_default();
                    statuses.push((r.clone(), old, new, *k));
                }
                (PartKey::Risk(r), Field::LogEntry(e)) => {
                    // An update that records its own status change needs no second entry.
                    if let Some(sc) = src
                        .risk(r)
                        .and_then(|x| edits::entry(x, e))
                        .and_then(|x| x.status_change.as_ref())
                    {
                        logged_status.insert((r.clone(), sc.to_ascii_lowercase()));
                    }
                }
                _ => {
                    let edit = Edit {
                        key: key.clone(),
                        presence: *presence,
                    };
                    for c in changes::describe(bparts, src, std::slice::from_ref(&edit), &assets) {
                        lines.push(changes::escape_markdown(&c.sentence()));
                    }
                }
            }
        }
        for (risk, old, new, _) in &statuses {
            if logged_status.contains(&(risk.clone(), new.to_ascii_lowercase())) {
                continue;
            }
            let (title, kind) = if fedramp::is_closed_status(new) {
                (log_titles::RISK_CLOSED, entry_types::CLOSED)
            } else if fedramp::is_closed_status(old) {
                (log_titles::RISK_REOPENED, entry_types::STATUS_UPDATE)
            } else {
                (log_titles::STATUS_CHANGED, entry_types::STATUS_UPDATE)
            };
            let description =
                format!("Status changed from {old} to {new} in the review cycle of {date}.");
            add_entry(op, &idx, risk, as_of, title, &description, kind, Some(new));
        }
        if !lines.is_empty() {
            let risk = op.poam_items[i]
                .related_risks
                .iter()
                .map(|r| uuid_key(&r.risk_uuid))
                .find(|r| idx.risks.contains_key(r));
            match risk {
                Some(risk) => {
                    // One paragraph: a workbook's Milestone Changes cell splits entries at
                    // blank lines, so a list would come back as several entries.
                    let mut description = format!(
                        "Changed in the review cycle of {date}: {}",
                        lines.join("; ")
                    );
                    if !description.ends_with('.') {
                        description.push('.');
                    }
                    add_entry(
                        op,
                        &idx,
                        &risk,
                        as_of,
                        &cycle::cycle_title(&date),
                        &description,
                        "status-update",
                        None,
                    );
                }
                None => report.warnings.push(format!(
                    "{}: the item has no risk, so its changes are not logged",
                    ItemRef::of(i, bparts).label()
                )),
            }
        }
    }

    // Items the updates add.
    let base_ids: Vec<&str> = base_parts
        .iter()
        .filter_map(|p| fedramp::poam_id(&p.item))
        .collect();
    let mut series = Series::of(base_ids.iter().copied());
    let id_ns = base_parts
        .iter()
        .flat_map(|p| p.item.props.iter())
        .find(|p| fedramp::is_poam_id_prop(p))
        .and_then(|p| p.ns.clone())
        .unwrap_or_else(|| poam_fedramp::namespace::NS.into());
    let mut new_positions = Vec::with_capacity(new_items.len());
    for (j, ni) in new_items.iter().enumerate() {
        let mut item = ni.parts.item.clone().into_owned();
        for r in &ni.parts.risks {
            add_part(
                op,
                &mut idx,
                PartKind::Risk,
                &r.uuid,
                &ni.parts,
                &mut report.warnings,
            );
        }
        for o in &ni.parts.observations {
            add_part(
                op,
                &mut idx,
                PartKind::Observation,
                &o.uuid,
                &ni.parts,
                &mut report.warnings,
            );
        }
        for f in &ni.parts.findings {
            add_part(
                op,
                &mut idx,
                PartKind::Finding,
                &f.uuid,
                &ni.parts,
                &mut report.warnings,
            );
        }
        if fedramp::poam_id(&item).is_none()
            && let Some(s) = series.as_mut()
        {
            item.props.retain(|p| !fedramp::is_poam_id_prop(p));
            item.props.insert(
                0,
                Property {
                    name: poam_fedramp::props::POAM_ID.into(),
                    uuid: None,
                    ns: Some(id_ns.clone()),
                    value: s.take(),
                    class: None,
                    group: None,
                    remarks: None,
                },
            );
        }
        if item.uuid.is_none() {
            let id = fedramp::poam_id(&item).unwrap_or_default().to_owned();
            item.uuid = Some(cycle::uuid_for(&format!(
                "poam-item|{}|{}|{id}",
                ni.update, ni.index
            )));
        }
        let pos = op.poam_items.len();
        op.poam_items.push(item);
        new_positions.push(pos);
        for (key, k, it, _) in &chosen[base_parts.len() + j] {
            if let Some(src) = aligned[*k].get(it) {
                apply_one(op, &mut idx, pos, key, src, &mut report.warnings);
            }
        }
    }

    // What the merged items refer to and BASE lacks comes from the updates.
    let mut roots = definitions::Roots::default();
    for &pos in touched.iter().chain(&new_positions) {
        roots.items.push(pos);
        let item = &op.poam_items[pos];
        roots.risks.extend(
            item.related_risks
                .iter()
                .filter_map(|r| idx.risks.get(uuid_key_ref(&r.risk_uuid).as_ref())),
        );
        roots
            .observations
            .extend(item.related_observations.iter().filter_map(|r| {
                idx.observations
                    .get(uuid_key_ref(&r.observation_uuid).as_ref())
            }));
        roots.findings.extend(
            item.related_findings
                .iter()
                .filter_map(|r| idx.findings.get(uuid_key_ref(&r.finding_uuid).as_ref())),
        );
    }
    let sources: Vec<&PlanOfActionAndMilestones> = indexes.iter().map(|i| i.poam).collect();
    report.carried = definitions::carry(op, &roots, &sources);
    report.new_cycle = cycle::stamp(&mut op.metadata, as_of, &date);

    // BASE's risks, observations and findings that added items refer to: later updates'
    // edits of those items reach them too.
    let mut shared = Shared::default();
    for &pos in &new_positions {
        let item = &op.poam_items[pos];
        shared.risks.extend(
            item.related_risks
                .iter()
                .filter_map(|r| bi.risk(&r.risk_uuid)),
        );
        shared.observations.extend(
            item.related_observations
                .iter()
                .filter_map(|r| bi.observation(&r.observation_uuid)),
        );
        shared.findings.extend(
            item.related_findings
                .iter()
                .filter_map(|r| bi.finding(&r.finding_uuid)),
        );
    }
    let lost = lost_uuids(&base_parts, &touched, &shared, op, &idx);
    if !lost.is_empty() {
        return Err(MergeError::WouldDelete(lost));
    }

    let problems = checks::introduced_problems(bp, &document.plan_of_action_and_milestones);
    if !problems.is_empty() {
        return Err(MergeError::Invalid(problems));
    }

    // Report the items as they are now.
    let oi = DocIndex::new(&document.plan_of_action_and_milestones);
    for &i in &touched {
        let now = oi.parts(i);
        let r = ItemRef::of(i, &now);
        match (base_parts[i].is_closed(), now.is_closed()) {
            (false, true) => report.closed.push(r),
            (true, false) => report.reopened.push(r),
            _ => report.changed.push(r),
        }
    }
    report.not_detected = not_detected
        .iter()
        .map(|&i| ItemRef::of(i, &oi.parts(i)))
        .collect();
    report.new = new_positions
        .iter()
        .map(|&p| ItemRef::of(p, &oi.parts(p)))
        .collect();
    Ok(Outcome { document, report })
}

/// Whether a merge applies this difference. A merge never deletes: what an update leaves
/// out or empty (a member, a prop, a milestone, a log entry, a part, a link; a placeholder
/// such as a workbook import's "No remediation plan was given") stays as the target has it. A POAM ID the target has is kept, and `open` (detected) reopens a closed
/// risk but does not undo a more specific open status such as `deviation-requested`.
fn merges(e: &Edit, target: &Parts<'_>, update: &Parts<'_>) -> bool {
    if e.presence == Presence::Removed {
        return false;
    }
    let new = edits::value(update, &e.key);
    let empty = match &new {
        serde_json::Value::Null => true,
        // A workbook's blank cell comes in as a placeholder: not a value to apply.
        serde_json::Value::String(s) => {
            s.trim().is_empty() || poam_fedramp::placeholders::is_placeholder(s)
        }
        serde_json::Value::Array(a) => a.is_empty(),
        serde_json::Value::Object(o) => o.is_empty(),
        _ => false,
    };
    if empty {
        return false;
    }
    match (&e.key.part, &e.key.field) {
        (PartKey::Item, Field::Props(k)) if k.is_poam_id() => {
            fedramp::poam_id(&target.item).is_none()
        }
        (PartKey::Risk(r), Field::Member("status")) => {
            let was_closed = target
                .risk(r)
                .is_some_and(|x| fedramp::is_closed_status(&x.status));
            new.as_str() != Some("open") || was_closed
        }
        (_, Field::Member(m)) if m.starts_with("related-") => {
            // Only links the target lacks count: a merge never unlinks.
            let uuids = |v: &serde_json::Value| -> HashSet<String> {
                v.as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|r| {
                        r.as_object()?
                            .values()
                            .find_map(|x| x.as_str())
                            .map(uuid_key)
                    })
                    .collect()
            };
            !uuids(&new).is_subset(&uuids(&edits::value(target, &e.key)))
        }
        _ => true,
    }
}

/// How a conflict names a field: by member name, with the part's uuid only when the item
/// has several parts of that kind.
fn field_label(key: &FieldKey, parts: &Parts<'_>) -> String {
    let named = |kind: &str, n: usize, u: &str| {
        if n > 1 {
            format!("{kind} {u}")
        } else {
            kind.to_owned()
        }
    };
    let part = match &key.part {
        PartKey::Item => "item".to_owned(),
        PartKey::Risk(u) => named("risk", parts.risks.len(), u),
        PartKey::Observation(u) => named("observation", parts.observations.len(), u),
        PartKey::Finding(u) => named("finding", parts.findings.len(), u),
    };
    match &key.field {
        Field::Member(m) => format!("{part} {m}"),
        Field::Props(k) => format!("{part} prop {}", k.name),
        Field::Characterization(k) => format!("{part} characterization by {k}"),
        Field::MitigatingFactor(u) => format!("{part} mitigating factor {u}"),
        Field::Remediation(u) => format!("{part} remediation {u}"),
        Field::RemediationMember(u, m) => format!("{part} remediation {u} {m}"),
        Field::Task(_, t) => format!("{part} task {t}"),
        Field::RequiredAsset(_, a) => format!("{part} required asset {a}"),
        Field::LogEntry(e) => format!("{part} risk-log entry {e}"),
        Field::Part => format!("{part} (added)"),
    }
}

fn system_mismatches(base: &PlanOfActionAndMilestones, u: &Update<'_>) -> Vec<SystemMismatch> {
    let up = &u.document.plan_of_action_and_milestones;
    let mut out = Vec::new();
    if let (Some(a), Some(b)) = (&base.system_id, &up.system_id) {
        let same_type = match (&a.identifier_type, &b.identifier_type) {
            (Some(x), Some(y)) => x == y || (is_fedramp_system(x) && is_fedramp_system(y)),
            _ => true,
        };
        if a.value.trim() != b.value.trim() || !same_type {
            out.push(SystemMismatch {
                update: u.name.to_owned(),
                what: "system-id",
                base: a.value.clone(),
                value: b.value.clone(),
            });
        }
    }
    if let (Some(a), Some(b)) = (&base.import_ssp, &up.import_ssp)
        && a.href != b.href
    {
        out.push(SystemMismatch {
            update: u.name.to_owned(),
            what: "import-ssp",
            base: a.href.to_string(),
            value: b.href.to_string(),
        });
    }
    out
}

/// Where the risks, observations and findings of the document being written sit.
struct OutIndex {
    risks: HashMap<String, usize>,
    observations: HashMap<String, usize>,
    findings: HashMap<String, usize>,
}

impl OutIndex {
    fn of(p: &PlanOfActionAndMilestones) -> Self {
        fn index<'a>(uuids: impl Iterator<Item = &'a str>) -> HashMap<String, usize> {
            let mut m = HashMap::new();
            for (i, u) in uuids.enumerate() {
                m.entry(uuid_key(u)).or_insert(i);
            }
            m
        }
        Self {
            risks: index(p.risks.iter().map(|r| r.uuid.as_str())),
            observations: index(p.observations.iter().map(|o| o.uuid.as_str())),
            findings: index(p.findings.iter().map(|f| f.uuid.as_str())),
        }
    }
}

/// Applies one field of `src` to item `pos` of the output.
fn apply_one(
    op: &mut PlanOfActionAndMilestones,
    idx: &mut OutIndex,
    pos: usize,
    key: &FieldKey,
    src: &Parts<'_>,
    warnings: &mut Vec<String>,
) {
    if key.field == Field::Part {
        if let (Some(kind), Some(u)) = (key.part.kind(), key.part.uuid()) {
            add_part(op, idx, kind, u, src, warnings);
        }
        return;
    }
    let target = match &key.part {
        PartKey::Item => op.poam_items.get_mut(pos).map(PartMut::Item),
        PartKey::Risk(u) => idx
            .risks
            .get(u)
            .and_then(|&i| op.risks.get_mut(i))
            .map(PartMut::Risk),
        PartKey::Observation(u) => idx
            .observations
            .get(u)
            .and_then(|&i| op.observations.get_mut(i))
            .map(PartMut::Observation),
        PartKey::Finding(u) => idx
            .findings
            .get(u)
            .and_then(|&i| op.findings.get_mut(i))
            .map(PartMut::Finding),
    };
    if let Some(t) = target {
        edits::apply(t, key, src);
    }
}

/// Adds a part of `src` to the output unless the output has it already (an equal one: fine;
/// a different one under the same uuid: BASE's is kept, with a warning).
fn add_part(
    op: &mut PlanOfActionAndMilestones,
    idx: &mut OutIndex,
    kind: PartKind,
    uuid: &str,
    src: &Parts<'_>,
    warnings: &mut Vec<String>,
) {
    let k = uuid_key(uuid);
    let differs = match kind {
        PartKind::Risk => {
            let Some(x) = src.risk(uuid) else { return };
            match idx.risks.get(&k) {
                Some(&i) => op.risks.get(i) != Some(x),
                None => {
                    idx.risks.insert(k, op.risks.len());
                    op.risks.push(x.clone());
                    false
                }
            }
        }
        PartKind::Observation => {
            let Some(x) = src.observation(uuid) else {
                return;
            };
            match idx.observations.get(&k) {
                Some(&i) => op.observations.get(i) != Some(x),
                None => {
                    idx.observations.insert(k, op.observations.len());
                    op.observations.push(x.clone());
                    false
                }
            }
        }
        PartKind::Finding => {
            let Some(x) = src.finding(uuid) else { return };
            match idx.findings.get(&k) {
                Some(&i) => op.findings.get(i) != Some(x),
                None => {
                    idx.findings.insert(k, op.findings.len());
                    op.findings.push(x.clone());
                    false
                }
            }
        }
    };
    if differs {
        warnings.push(format!(
            "{} {uuid} is already in BASE with different content; BASE's is kept",
            kind.name()
        ));
    }
}

/// Appends a risk-log entry to a risk of the output, unless the same entry (same uuid) is
/// there already.
#[allow(clippy::too_many_arguments)]
fn add_entry(
    op: &mut PlanOfActionAndMilestones,
    idx: &OutIndex,
    risk: &str,
    as_of: &DateTimeWithTimezone,
    title: &str,
    description: &str,
    kind: &str,
    status_change: Option<&str>,
) {
    let Some(r) = idx
        .risks
        .get(uuid_key_ref(risk).as_ref())
        .and_then(|&i| op.risks.get_mut(i))
    else {
        return;
    };
    let uuid: Uuid = cycle::uuid_for(&format!(
        "risk-log|{}|{as_of}|{title}|{description}",
        uuid_key(&r.uuid)
    ));
    let log = r.risk_log.get_or_insert_with(|| RiskLog {
        entries: Vec::new(),
    });
    if log.entries.iter().any(|e| e.uuid == uuid) {
        return;
    }
    log.entries.push(Entry {
        uuid,
        title: Some(MarkupLine::from_markdown(title)),
        description: Some(MarkupMultiline::from_markdown(description)),
        start: as_of.clone(),
        end: None,
        props: vec![Property {
            name: "type".into(),
            uuid: None,
            ns: None,
            value: kind.to_owned(),
            class: None,
            group: None,
            remarks: None,
        }],
        links: Vec::new(),
        logged_by: Vec::new(),
        status_change: status_change.map(Into::into),
        related_responses: Vec::new(),
        remarks: None,
    });
}

/// Closes an open item no update of a complete merge mentions.
fn close_not_detected(
    op: &mut PlanOfActionAndMilestones,
    idx: &OutIndex,
    item: &Parts<'_>,
    as_of: &DateTimeWithTimezone,
    date: &str,
) {
    for r in &item.risks {
        if fedramp::is_closed_status(&r.status) {
            continue;
        }
        let old = r.status.to_string();
        if let Some(out) = idx
            .risks
            .get(uuid_key_ref(&r.uuid).as_ref())
            .and_then(|&i| op.risks.get_mut(i))
        {
            out.status = "closed".into();
        }
        let description = format!(
            "No longer detected: none of the updates of the review cycle of {date}, which together list every open item, mentions it (status was {old})."
        );
        add_entry(
            op,
            idx,
            &r.uuid,
            as_of,
            log_titles::RISK_CLOSED,
            &description,
            entry_types::CLOSED,
            Some("closed"),
        );
    }
}

/// BASE's parts that items added by the merge refer to.
#[derive(Default)]
struct Shared<'a> {
    risks: Vec<&'a poam_model::Risk>,
    observations: Vec<&'a poam_model::Observation>,
    findings: Vec<&'a poam_model::Finding>,
}

/// The uuids the `touched` items of BASE (and the `shared` parts) define that their merged
/// versions lack, and the POAM IDs of the touched items the merged versions lack. (Whatever
/// else BASE has is copied as it is.)
fn lost_uuids(
    base: &[Parts<'_>],
    touched: &[usize],
    shared: &Shared<'_>,
    out: &PlanOfActionAndMilestones,
    idx: &OutIndex,
) -> Vec<String> {
    #[derive(Default)]
    struct Defined(HashSet<String>);
    impl Visitor for Defined {
        fn value(&mut self, path: &Path, v: Value<'_>) {
            if let Value::Uuid(u) = v
                && path.last_key() == Some("uuid")
            {
                self.0.insert(uuid_key(u));
            }
        }
    }
    let mut lost = Vec::new();
    let mut path = Path::root();
    for &i in touched {
        let (b, Some(o)) = (&base[i], out.poam_items.get(i)) else {
            continue;
        };
        let mut before = Defined::default();
        b.item.walk(&mut path, &mut before);
        b.risks.iter().for_each(|r| r.walk(&mut path, &mut before));
        b.observations
            .iter()
            .for_each(|x| x.walk(&mut path, &mut before));
        b.findings
            .iter()
            .for_each(|x| x.walk(&mut path, &mut before));
        let mut after = Defined::default();
        o.walk(&mut path, &mut after);
        let find = |m: &HashMap<String, usize>, u: &str| m.get(uuid_key_ref(u).as_ref()).copied();
        for r in b.risks.iter().filter_map(|r| find(&idx.risks, &r.uuid)) {
            out.risks[r].walk(&mut path, &mut after);
        }
        for x in b
            .observations
            .iter()
            .filter_map(|x| find(&idx.observations, &x.uuid))
        {
            out.observations[x].walk(&mut path, &mut after);
        }
        for x in b
            .findings
            .iter()
            .filter_map(|x| find(&idx.findings, &x.uuid))
        {
            out.findings[x].walk(&mut path, &mut after);
        }
        lost.extend(before.0.into_iter().filter(|u| !after.0.contains(u)));
        if let Some(id) = fedramp::poam_id(&b.item)
            && fedramp::poam_id(o) != Some(id)
        {
            lost.push(format!("POAM ID {id}"));
        }
    }
    let find = |m: &HashMap<String, usize>, u: &str| m.get(uuid_key_ref(u).as_ref()).copied();
    let mut before = Defined::default();
    let mut after = Defined::default();
    for r in &shared.risks {
        r.walk(&mut path, &mut before);
        if let Some(i) = find(&idx.risks, &r.uuid) {
            out.risks[i].walk(&mut path, &mut after);
        }
    }
    for x in &shared.observations {
        x.walk(&mut path, &mut before);
        if let Some(i) = find(&idx.observations, &x.uuid) {
            out.observations[i].walk(&mut path, &mut after);
        }
    }
    for x in &shared.findings {
        x.walk(&mut path, &mut before);
        if let Some(i) = find(&idx.findings, &x.uuid) {
            out.findings[i].walk(&mut path, &mut after);
        }
    }
    lost.extend(before.0.into_iter().filter(|u| !after.0.contains(u)));
    lost.sort();
    lost.dedup();
    lost
}
