//! `merge`: carry a POA&M into the next cycle by applying updates to it, recording every
//! change in the risk logs. See `docs/review-cycles.md` for the rules in users' terms.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use poam_fedramp::namespace::is_fedramp_system;
use poam_fedramp::{entry_types, log_titles, risk_status};
use poam_model::datatypes::{DateTimeWithTimezone, Uuid};
use poam_model::walk::{Path, Value, Visitor, Walk};
use poam_model::{
    Document, Entry, MarkupLine, MarkupMultiline, PlanOfActionAndMilestones, PoamItem, Property,
    RiskLog,
};
use serde::Serialize;

use crate::changes::{self, AssetNames, show};
use crate::checks;
use crate::cycle::{self, Series};
use crate::definitions;
use crate::diff::AmbiguousMatch;
use crate::edits::{self, Edit, Field, FieldKey, PartKey, PartMut, Presence};
use crate::item::{DocIndex, ItemKeys, ItemRef, PartKind, Parts, uuid_key, uuid_key_ref};
use crate::matching::{self, Pair};
use poam_fedramp::item as fedramp;

/// One update: an edited copy of BASE or a partial POA&M, and how to name it in reports.
#[derive(Debug, Clone, Copy)]
pub struct Update<'a> {
    /// How reports name the update (a file name).
    pub name: &'a str,
    /// The update.
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
    /// The update's name.
    pub update: String,
    /// The value as people read it; `None` when the update removes it.
    pub value: Option<String>,
}

/// Two or more updates set one field of one item to different values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error(
    "{item} ({}): {field}:{}",
    changes::short(title, 60),
    conflict_value_lines(values)
)]
pub struct Conflict {
    /// The item's POAM ID, else its uuid.
    pub item: String,
    /// The item's title.
    pub title: String,
    /// The field in a reviewer's words.
    pub field: String,
    /// Each conflicting update's value, in update order.
    pub values: Vec<ConflictValue>,
}

/// Each update's value on a line of its own, as people read it.
fn conflict_value_lines(values: &[ConflictValue]) -> String {
    indented(
        "    ",
        values.iter().map(|v| {
            let shown = v.value.as_deref().map_or_else(
                || "(none)".to_owned(),
                |s| format!("{:?}", changes::short(s, 100)),
            );
            format!("{}: {shown}", v.update)
        }),
    )
}

/// Each line after a line break and `indent` (the lists in the errors' messages).
fn indented(indent: &str, lines: impl Iterator<Item = impl std::fmt::Display>) -> String {
    let mut out = String::new();
    for line in lines {
        let _ = write!(out, "\n{indent}{line}");
    }
    out
}

/// An update whose system differs from BASE's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SystemMismatch {
    /// The update's name.
    pub update: String,
    /// `system-id` or `import-ssp`.
    pub what: &'static str,
    /// BASE's value.
    pub base: String,
    /// The update's value.
    pub value: String,
}

/// Items of an update that could not be matched one-to-one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AmbiguousUpdate {
    /// The update's name.
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
    /// The merged document would not be valid OSCAL (see `checks.rs`); nothing is
    /// written.
    #[error("the merged POA&M would not be valid OSCAL:{}", invalid_lines(.0))]
    Invalid(Vec<String>),
}

fn mismatch_lines(v: &[SystemMismatch]) -> String {
    indented(
        "  ",
        v.iter().map(|m| {
            format!(
                "{}: {} is {:?}, BASE has {:?}",
                m.update, m.what, m.value, m.base
            )
        }),
    )
}

fn ambiguity_lines(v: &[AmbiguousUpdate]) -> String {
    let list = |r: &[ItemRef]| {
        r.iter()
            .map(ItemRef::describe)
            .collect::<Vec<_>>()
            .join(", ")
    };
    indented(
        "  ",
        v.iter().map(|a| {
            format!(
                "{}: {} names its item(s) {} and BASE's {}",
                a.update,
                a.ambiguity.key,
                list(&a.ambiguity.new),
                list(&a.ambiguity.old)
            )
        }),
    )
}

fn conflict_lines(v: &[Conflict]) -> String {
    indented("  ", v.iter())
}

fn invalid_lines(v: &[String]) -> String {
    indented("  ", v.iter())
}

/// What a merge did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Report {
    /// Items added, as they are in the output (with any POAM ID given).
    pub new: Vec<ItemRef>,
    /// Items closed by an update.
    pub closed: Vec<ItemRef>,
    /// Closed items an update opened again.
    pub reopened: Vec<ItemRef>,
    /// Items with field changes that stayed open or closed.
    pub changed: Vec<ItemRef>,
    /// Open items closed because no update of a `complete` merge mentions them.
    pub not_detected: Vec<ItemRef>,
    /// How many items no update changed.
    pub unchanged: usize,
    /// Conflicts decided by `prefer`.
    pub resolved: Vec<Conflict>,
    /// Definitions (parties, components, …) copied from updates.
    pub carried: Vec<String>,
    /// What the merge did that a person should check, one sentence each.
    pub warnings: Vec<String>,
    /// Whether the metadata got a new version and revision (false when merging again in the
    /// same cycle).
    pub new_cycle: bool,
}

/// The merged document and what was done.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The merged POA&M.
    pub document: Document,
    /// What the merge did.
    pub report: Report,
}

/// Where a change lands: one of BASE's items, or one an update adds (by its place in
/// [`Matched::new_items`]).
#[derive(Debug, Clone, Copy)]
enum Origin {
    Base(usize),
    New(usize),
}

/// An item changes land on, and what the updates change in it.
struct Target {
    origin: Origin,
    /// By field; each field's contributions in the order of the updates.
    changes: BTreeMap<FieldKey, Vec<Contribution>>,
}

/// An item of an update: which update, and the item's index in it.
#[derive(Debug, Clone, Copy)]
struct UpdateItem {
    update: usize,
    item: usize,
}

/// An item an update adds.
struct NewItem<'u> {
    from: UpdateItem,
    parts: Parts<'u>,
}

/// One update's change to one field of a target.
struct Contribution {
    from: UpdateItem,
    presence: Presence,
}

/// A field a target takes from an update's item.
struct Pick {
    key: FieldKey,
    from: UpdateItem,
    presence: Presence,
}

/// The updates' matched items, aligned with (part uuids renamed to) the targets they match:
/// by update, then by the item's index in the update.
struct Aligned<'u>(Vec<HashMap<usize, Parts<'u>>>);

impl<'u> Aligned<'u> {
    fn get(&self, at: UpdateItem) -> Option<&Parts<'u>> {
        self.0.get(at.update)?.get(&at.item)
    }
}

/// Every update matched against BASE and the items earlier updates add.
struct Matched<'a> {
    /// BASE's items in order, then the items the updates add.
    targets: Vec<Target>,
    /// For each of BASE's items: whether an update mentions it.
    mentioned: Vec<bool>,
    new_items: Vec<NewItem<'a>>,
    aligned: Aligned<'a>,
}

impl<'a> Matched<'a> {
    fn new(base_items: usize, updates: usize) -> Self {
        Self {
            targets: (0..base_items)
                .map(|i| Target {
                    origin: Origin::Base(i),
                    changes: BTreeMap::new(),
                })
                .collect(),
            mentioned: vec![false; base_items],
            new_items: Vec::new(),
            aligned: Aligned((0..updates).map(|_| HashMap::new()).collect()),
        }
    }

    /// Target `t` as the merge finds it: BASE's item, or the item as its update adds it.
    fn parts<'m>(&'m self, base: &'m [Parts<'a>], t: usize) -> &'m Parts<'a> {
        match self.targets[t].origin {
            Origin::Base(i) => &base[i],
            Origin::New(j) => &self.new_items[j].parts,
        }
    }

    fn item_ref(&self, base: &[Parts<'a>], t: usize) -> ItemRef {
        match self.targets[t].origin {
            Origin::Base(i) => ItemRef::of(i, &base[i]),
            Origin::New(j) => {
                let n = &self.new_items[j];
                ItemRef::of(n.from.item, &n.parts)
            }
        }
    }

    /// Records what item `pair.new` of update `update` changes in the target it matches.
    fn record_pair(&mut self, base: &[Parts<'a>], update: usize, pair: &Pair, item: &Parts<'a>) {
        if let Origin::Base(i) = self.targets[pair.old].origin {
            self.mentioned[i] = true;
        }
        let target = self.parts(base, pair.old);
        let aligned = edits::align(target, item.clone());
        let merged: Vec<Edit> = edits::edits(target, &aligned)
            .into_iter()
            .filter(|e| merges(e, target, &aligned))
            .collect();
        let from = UpdateItem {
            update,
            item: pair.new,
        };
        let changes = &mut self.targets[pair.old].changes;
        for e in merged {
            changes.entry(e.key).or_default().push(Contribution {
                from,
                presence: e.presence,
            });
        }
        self.aligned.0[update].insert(pair.new, aligned);
    }

    fn add_new_item(&mut self, from: UpdateItem, parts: Parts<'a>) {
        self.targets.push(Target {
            origin: Origin::New(self.new_items.len()),
            changes: BTreeMap::new(),
        });
        self.new_items.push(NewItem { from, parts });
    }
}

/// When the cycle is: the date-time its log entries start, and the date its texts name.
struct CycleDate {
    as_of: DateTimeWithTimezone,
    /// `YYYY-MM-DD`.
    date: String,
}

impl CycleDate {
    fn of(as_of: chrono::DateTime<chrono::FixedOffset>) -> Self {
        Self {
            as_of: DateTimeWithTimezone::from(as_of),
            date: as_of.date_naive().format("%Y-%m-%d").to_string(),
        }
    }
}

/// Merges `updates` into `base` (see the crate documentation for the rules).
pub fn merge(
    base: &Document,
    updates: &[Update<'_>],
    opts: &Options,
) -> Result<Outcome, MergeError> {
    let when = CycleDate::of(opts.as_of);
    let bp = &base.plan_of_action_and_milestones;
    if !opts.force {
        refuse_other_systems(bp, updates)?;
    }
    // A workbook's own copies of BASE's parties and components become BASE's.
    let aligned: Vec<Option<Document>> = updates
        .iter()
        .map(|u| crate::align::to_base(bp, u.document))
        .collect();
    let aligned_updates: Vec<Update<'_>> = updates
        .iter()
        .zip(&aligned)
        .map(|(u, a)| Update {
            name: u.name,
            document: a.as_ref().unwrap_or(u.document),
        })
        .collect();
    let updates = aligned_updates.as_slice();
    let bi = DocIndex::new(bp);
    let base_parts: Vec<Parts<'_>> = (0..bp.poam_items.len()).map(|i| bi.parts(i)).collect();
    let indexes: Vec<DocIndex<'_>> = updates
        .iter()
        .map(|u| DocIndex::new(&u.document.plan_of_action_and_milestones))
        .collect();
    let matched = match_updates(&bi, &base_parts, &indexes, updates)?;
    let Decided { picks, resolved } = decide(&matched, &base_parts, updates, opts.prefer)?;

    let mut document = base.clone();
    let mut out = Output::new(&mut document.plan_of_action_and_milestones, &when);
    let mut docs: Vec<&PlanOfActionAndMilestones> = vec![bp];
    docs.extend(indexes.iter().map(|i| i.poam));
    let assets = AssetNames::of(&docs);
    let base_changes = update_base_items(
        &mut out,
        &base_parts,
        &matched,
        &picks,
        opts.complete,
        &assets,
    );
    let new_positions = add_new_items(&mut out, &base_parts, &matched, &picks);

    // What the merged items refer to and BASE lacks comes from the updates.
    let roots = out.roots(base_changes.touched.iter().chain(&new_positions).copied());
    let sources: Vec<&PlanOfActionAndMilestones> = indexes.iter().map(|i| i.poam).collect();
    let carried = definitions::carry(out.op, &roots, &sources);
    let new_cycle = cycle::stamp(&mut out.op.metadata, &when.as_of, &when.date);

    let shared = shared_parts(&bi, out.op, &new_positions);
    let lost = lost_uuids(
        &base_parts,
        &base_changes.touched,
        &shared,
        out.op,
        &out.idx,
    );
    if !lost.is_empty() {
        return Err(MergeError::WouldDelete(lost));
    }
    let warnings = out.warnings;

    let problems = checks::introduced_problems(bp, &document.plan_of_action_and_milestones);
    if !problems.is_empty() {
        return Err(MergeError::Invalid(problems));
    }
    let mut report = Report {
        unchanged: base_changes.unchanged,
        resolved,
        carried,
        warnings,
        new_cycle,
        ..Report::default()
    };
    report_items(
        &mut report,
        &document,
        &base_parts,
        &base_changes,
        &new_positions,
    );
    Ok(Outcome { document, report })
}

/// Refuses updates about another system than BASE's.
fn refuse_other_systems(
    base: &PlanOfActionAndMilestones,
    updates: &[Update<'_>],
) -> Result<(), MergeError> {
    let mismatches: Vec<SystemMismatch> = updates
        .iter()
        .flat_map(|u| system_mismatches(base, u))
        .collect();
    if mismatches.is_empty() {
        Ok(())
    } else {
        Err(MergeError::DifferentSystem(mismatches))
    }
}

/// Matches every update against BASE and the items earlier updates add, recording what each
/// update changes; refuses when items cannot be matched without guessing.
fn match_updates<'a>(
    bi: &'a DocIndex<'a>,
    base: &'a [Parts<'a>],
    indexes: &'a [DocIndex<'a>],
    updates: &[Update<'_>],
) -> Result<Matched<'a>, MergeError> {
    let mut keys: Vec<ItemKeys> = base.iter().map(|p| ItemKeys::of(p, bi)).collect();
    let mut matched = Matched::new(base.len(), updates.len());
    let mut ambiguous = Vec::new();
    for (k, ui) in indexes.iter().enumerate() {
        let parts: Vec<Parts<'a>> = (0..ui.poam.poam_items.len()).map(|i| ui.parts(i)).collect();
        let ukeys: Vec<ItemKeys> = parts.iter().map(|p| ItemKeys::of(p, ui)).collect();
        let m = matching::match_items(&keys, &ukeys);
        for a in &m.ambiguities {
            ambiguous.push(AmbiguousUpdate {
                update: updates[k].name.to_owned(),
                ambiguity: AmbiguousMatch {
                    rule: a.rule,
                    key: a.key.clone(),
                    old: a.old.iter().map(|&t| matched.item_ref(base, t)).collect(),
                    new: a.new.iter().map(|&n| ItemRef::of(n, &parts[n])).collect(),
                },
            });
        }
        for p in &m.pairs {
            matched.record_pair(base, k, p, &parts[p.new]);
        }
        for &n in &m.new_only {
            keys.push(ukeys[n].detached());
            matched.add_new_item(UpdateItem { update: k, item: n }, parts[n].clone());
        }
    }
    if ambiguous.is_empty() {
        Ok(matched)
    } else {
        Err(MergeError::Ambiguous(ambiguous))
    }
}

/// One update's value of a field, as a conflict compares them.
struct Candidate<'c> {
    update: usize,
    /// `None` for the update that added the item (its value is the item's own).
    contribution: Option<&'c Contribution>,
    value: serde_json::Value,
}

impl Prefer {
    fn choose<'c>(self, candidates: &[Candidate<'c>]) -> Option<&'c Contribution> {
        match self {
            Prefer::First => candidates.first(),
            Prefer::Last => candidates.last(),
        }
        .and_then(|c| c.contribution)
    }
}

/// The fields each target takes (by target, as [`Matched::targets`]), and the conflicts
/// `prefer` decided.
struct Decided {
    picks: Vec<Vec<Pick>>,
    resolved: Vec<Conflict>,
}

/// Decides each field of each target: one value, or a conflict (refused unless `prefer`).
fn decide<'a>(
    matched: &Matched<'a>,
    base: &[Parts<'a>],
    updates: &[Update<'_>],
    prefer: Option<Prefer>,
) -> Result<Decided, MergeError> {
    let mut conflicts = Vec::new();
    let mut resolved = Vec::new();
    let mut picks = Vec::with_capacity(matched.targets.len());
    for (t, target) in matched.targets.iter().enumerate() {
        let parts = matched.parts(base, t);
        let creator = match target.origin {
            Origin::Base(_) => None,
            Origin::New(j) => Some(matched.new_items[j].from.update),
        };
        let mut taken = Vec::new();
        for (key, contributions) in &target.changes {
            let candidates = candidates(key, contributions, parts, creator, &matched.aligned);
            let winner = if disagree(&candidates) {
                let conflict = conflict(key, parts, &candidates, updates);
                let Some(prefer) = prefer else {
                    conflicts.push(conflict);
                    continue;
                };
                resolved.push(conflict);
                prefer.choose(&candidates)
            } else if creator.is_some() {
                // Later updates agree with the update that added the item.
                None
            } else {
                contributions.first()
            };
            if let Some(c) = winner {
                taken.push(Pick {
                    key: key.clone(),
                    from: c.from,
                    presence: c.presence,
                });
            }
        }
        picks.push(taken);
    }
    if conflicts.is_empty() {
        Ok(Decided { picks, resolved })
    } else {
        Err(MergeError::Conflicts(conflicts))
    }
}

/// The values the updates give a field of a target: first the adding update's (`creator`),
/// then each contribution's.
fn candidates<'c>(
    key: &FieldKey,
    contributions: &'c [Contribution],
    parts: &Parts<'_>,
    creator: Option<usize>,
    aligned: &Aligned<'_>,
) -> Vec<Candidate<'c>> {
    let mut out = Vec::with_capacity(contributions.len() + 1);
    if let Some(update) = creator {
        out.push(Candidate {
            update,
            contribution: None,
            value: edits::value(parts, key),
        });
    }
    out.extend(contributions.iter().map(|c| {
        Candidate {
            update: c.from.update,
            contribution: Some(c),
            value: aligned
                .get(c.from)
                .map_or(serde_json::Value::Null, |p| edits::value(p, key)),
        }
    }));
    out
}

/// Whether the candidates hold two or more different values.
fn disagree(candidates: &[Candidate<'_>]) -> bool {
    candidates
        .split_first()
        .is_some_and(|(first, rest)| rest.iter().any(|c| c.value != first.value))
}

fn conflict(
    key: &FieldKey,
    parts: &Parts<'_>,
    candidates: &[Candidate<'_>],
    updates: &[Update<'_>],
) -> Conflict {
    let r = ItemRef::of(0, parts);
    Conflict {
        item: r.label(),
        title: r.title,
        field: field_label(key, parts),
        values: candidates
            .iter()
            .map(|c| ConflictValue {
                update: updates[c.update].name.to_owned(),
                value: show(&c.value),
            })
            .collect(),
    }
}

/// What the merge did to BASE's items (by index).
#[derive(Default)]
struct BaseChanges {
    unchanged: usize,
    /// Changed by the updates.
    touched: Vec<usize>,
    /// Closed as no longer detected.
    not_detected: Vec<usize>,
}

/// Applies the picked fields to BASE's items, logging them, and closes the open items a
/// `complete` merge's updates do not mention.
fn update_base_items(
    out: &mut Output<'_>,
    base: &[Parts<'_>],
    matched: &Matched<'_>,
    picks: &[Vec<Pick>],
    complete: bool,
    assets: &AssetNames,
) -> BaseChanges {
    let mut changes = BaseChanges::default();
    for (i, bparts) in base.iter().enumerate() {
        let gone =
            complete && !matched.mentioned[i] && !bparts.risks.is_empty() && !bparts.is_closed();
        if gone {
            changes.not_detected.push(i);
            out.close_not_detected(bparts);
        } else if picks[i].is_empty() {
            changes.unchanged += 1;
        } else {
            changes.touched.push(i);
            out.update_item(i, bparts, &picks[i], &matched.aligned, assets);
        }
    }
    changes
}

/// Adds the items the updates add (with their risks, observations and findings, and the
/// fields later updates give them); returns their positions in the output.
fn add_new_items(
    out: &mut Output<'_>,
    base: &[Parts<'_>],
    matched: &Matched<'_>,
    picks: &[Vec<Pick>],
) -> Vec<usize> {
    let mut numbering = Numbering::of(base);
    let mut positions = Vec::with_capacity(matched.new_items.len());
    for (ni, picks) in matched.new_items.iter().zip(&picks[base.len()..]) {
        for r in &ni.parts.risks {
            out.add_part(PartKind::Risk, &r.uuid, &ni.parts);
        }
        for o in &ni.parts.observations {
            out.add_part(PartKind::Observation, &o.uuid, &ni.parts);
        }
        for f in &ni.parts.findings {
            out.add_part(PartKind::Finding, &f.uuid, &ni.parts);
        }
        let pos = out.op.poam_items.len();
        out.op.poam_items.push(numbering.identify(ni));
        positions.push(pos);
        for pick in picks {
            if let Some(src) = matched.aligned.get(pick.from) {
                out.apply_one(pos, &pick.key, src);
            }
        }
    }
    positions
}

/// How an added item gets the POAM ID and uuid it lacks: the next ID of BASE's series, in the
/// namespace BASE writes its POAM IDs in.
struct Numbering {
    series: Option<Series>,
    ns: poam_model::datatypes::Uri,
}

impl Numbering {
    fn of(base: &[Parts<'_>]) -> Self {
        let ids: Vec<&str> = base
            .iter()
            .filter_map(|p| fedramp::poam_id(&p.item))
            .collect();
        let ns = base
            .iter()
            .flat_map(|p| p.item.props.iter())
            .find(|p| fedramp::is_poam_id_prop(p))
            .and_then(|p| p.ns.clone())
            .unwrap_or_else(|| poam_fedramp::namespace::NS.into());
        Self {
            series: Series::of(ids.iter().copied()),
            ns,
        }
    }

    /// The added item, with a POAM ID (when BASE numbers its items) and a uuid.
    fn identify(&mut self, ni: &NewItem<'_>) -> PoamItem {
        let mut item = ni.parts.item.clone().into_owned();
        if fedramp::poam_id(&item).is_none()
            && let Some(s) = self.series.as_mut()
        {
            item.props.retain(|p| !fedramp::is_poam_id_prop(p));
            item.props.insert(
                0,
                Property {
                    ns: Some(self.ns.clone()),
                    ..Property::new(poam_fedramp::props::POAM_ID, None, s.take())
                },
            );
        }
        if item.uuid.is_none() {
            let id = fedramp::poam_id(&item).unwrap_or_default().to_owned();
            item.uuid = Some(cycle::uuid_for(&format!(
                "poam-item|{}|{}|{id}",
                ni.from.update, ni.from.item
            )));
        }
        item
    }
}

/// BASE's risks, observations and findings that added items (`positions` in the output)
/// refer to: later updates' edits of those items reach them too.
fn shared_parts<'b>(
    bi: &DocIndex<'b>,
    op: &PlanOfActionAndMilestones,
    positions: &[usize],
) -> Shared<'b> {
    let mut shared = Shared::default();
    for &pos in positions {
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
    shared
}

/// Fills the report's item lists with the items as they are in the merged `document`.
fn report_items(
    report: &mut Report,
    document: &Document,
    base: &[Parts<'_>],
    changes: &BaseChanges,
    new_positions: &[usize],
) {
    let oi = DocIndex::new(&document.plan_of_action_and_milestones);
    for &i in &changes.touched {
        let now = oi.parts(i);
        let r = ItemRef::of(i, &now);
        match (base[i].is_closed(), now.is_closed()) {
            (false, true) => report.closed.push(r),
            (true, false) => report.reopened.push(r),
            _ => report.changed.push(r),
        }
    }
    report.not_detected = changes
        .not_detected
        .iter()
        .map(|&i| ItemRef::of(i, &oi.parts(i)))
        .collect();
    report.new = new_positions
        .iter()
        .map(|&p| ItemRef::of(p, &oi.parts(p)))
        .collect();
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

/// A risk's status as text (empty when the item lacks the risk).
fn status_of(parts: &Parts<'_>, risk: &str) -> String {
    parts
        .risk(risk)
        .map(|x| x.status.to_string())
        .unwrap_or_default()
}

/// A risk's status an update changes.
struct StatusChange {
    risk: String,
    old: String,
    new: String,
}

/// The document being written: where its parts sit, the cycle's date, and the warnings so
/// far.
struct Output<'o> {
    op: &'o mut PlanOfActionAndMilestones,
    idx: OutIndex,
    when: &'o CycleDate,
    warnings: Vec<String>,
}

impl<'o> Output<'o> {
    fn new(op: &'o mut PlanOfActionAndMilestones, when: &'o CycleDate) -> Self {
        Self {
            idx: OutIndex::of(op),
            op,
            when,
            warnings: Vec::new(),
        }
    }

    /// Applies the picked fields to BASE's item `i` and logs them in its risks.
    fn update_item(
        &mut self,
        i: usize,
        bparts: &Parts<'_>,
        picks: &[Pick],
        aligned: &Aligned<'_>,
        assets: &AssetNames,
    ) {
        let mut lines: Vec<String> = Vec::new();
        let mut statuses: Vec<StatusChange> = Vec::new();
        // (risk uuid, status in lower case) an update's own log entry records.
        let mut logged_status: HashSet<(String, String)> = HashSet::new();
        for pick in picks {
            let Some(src) = aligned.get(pick.from) else {
                continue;
            };
            self.apply_one(i, &pick.key, src);
            match (&pick.key.part, &pick.key.field) {
                (PartKey::Risk(r), Field::Member("status")) => statuses.push(StatusChange {
                    risk: r.clone(),
                    old: status_of(bparts, r),
                    new: status_of(src, r),
                }),
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
                        key: pick.key.clone(),
                        presence: pick.presence,
                    };
                    for c in changes::describe(bparts, src, std::slice::from_ref(&edit), assets) {
                        lines.push(changes::escape_markdown(&c.sentence()));
                    }
                }
            }
        }
        for s in &statuses {
            if !logged_status.contains(&(s.risk.clone(), s.new.to_ascii_lowercase())) {
                self.log_status_change(s);
            }
        }
        self.log_field_changes(i, bparts, &lines);
    }

    fn log_status_change(&mut self, s: &StatusChange) {
        let (title, kind) = if fedramp::is_closed_status(&s.new) {
            (log_titles::RISK_CLOSED, entry_types::CLOSED)
        } else if fedramp::is_closed_status(&s.old) {
            (log_titles::RISK_REOPENED, entry_types::STATUS_UPDATE)
        } else {
            (log_titles::STATUS_CHANGED, entry_types::STATUS_UPDATE)
        };
        let description = format!(
            "Status changed from {} to {} in the review cycle of {}.",
            s.old, s.new, self.when.date
        );
        self.add_entry(&s.risk, title, &description, kind, Some(&s.new));
    }

    /// Logs the changes to item `i` (`lines`, one sentence each) in its first risk.
    fn log_field_changes(&mut self, i: usize, bparts: &Parts<'_>, lines: &[String]) {
        if lines.is_empty() {
            return;
        }
        let risk = self.op.poam_items[i]
            .related_risks
            .iter()
            .map(|r| uuid_key(&r.risk_uuid))
            .find(|r| self.idx.risks.contains_key(r));
        let Some(risk) = risk else {
            self.warnings.push(format!(
                "{}: the item has no risk, so its changes are not logged",
                ItemRef::of(i, bparts).label()
            ));
            return;
        };
        let date = &self.when.date;
        // One paragraph: a workbook's Milestone Changes cell splits entries at blank lines,
        // so a list would come back as several entries.
        let mut description = format!(
            "Changed in the review cycle of {date}: {}",
            lines.join("; ")
        );
        if !description.ends_with('.') {
            description.push('.');
        }
        let title = cycle::cycle_title(date);
        self.add_entry(
            &risk,
            &title,
            &description,
            entry_types::STATUS_UPDATE,
            None,
        );
    }

    /// Applies one field of `src` to item `pos` of the output.
    fn apply_one(&mut self, pos: usize, key: &FieldKey, src: &Parts<'_>) {
        if key.field == Field::Part {
            if let (Some(kind), Some(u)) = (key.part.kind(), key.part.uuid()) {
                self.add_part(kind, u, src);
            }
            return;
        }
        let (op, idx) = (&mut *self.op, &self.idx);
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

    /// Adds a part of `src` to the output unless the output has it already (an equal one:
    /// fine; a different one under the same uuid: BASE's is kept, with a warning).
    fn add_part(&mut self, kind: PartKind, uuid: &str, src: &Parts<'_>) {
        /// Whether `list` holds a part other than `x` under its uuid; adds `x` if it lacks one.
        fn add<T: Clone + PartialEq>(
            list: &mut Vec<T>,
            index: &mut HashMap<String, usize>,
            key: String,
            x: &T,
        ) -> bool {
            if let Some(&i) = index.get(&key) {
                list.get(i) != Some(x)
            } else {
                index.insert(key, list.len());
                list.push(x.clone());
                false
            }
        }
        let (op, idx) = (&mut *self.op, &mut self.idx);
        let k = uuid_key(uuid);
        let differs = match kind {
            PartKind::Risk => {
                let Some(x) = src.risk(uuid) else { return };
                add(&mut op.risks, &mut idx.risks, k, x)
            }
            PartKind::Observation => {
                let Some(x) = src.observation(uuid) else {
                    return;
                };
                add(&mut op.observations, &mut idx.observations, k, x)
            }
            PartKind::Finding => {
                let Some(x) = src.finding(uuid) else { return };
                add(&mut op.findings, &mut idx.findings, k, x)
            }
        };
        if differs {
            self.warnings.push(format!(
                "{} {uuid} is already in BASE with different content; BASE's is kept",
                kind.name()
            ));
        }
    }

    /// Appends a risk-log entry of this cycle to a risk of the output, unless the same entry
    /// (same uuid) is there already.
    fn add_entry(
        &mut self,
        risk: &str,
        title: &str,
        description: &str,
        kind: &str,
        status_change: Option<&str>,
    ) {
        let as_of = &self.when.as_of;
        let Some(r) = self
            .idx
            .risks
            .get(uuid_key_ref(risk).as_ref())
            .and_then(|&i| self.op.risks.get_mut(i))
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
            props: vec![Property::new(poam_fedramp::props::TYPE, None, kind)],
            links: Vec::new(),
            logged_by: Vec::new(),
            status_change: status_change.map(Into::into),
            related_responses: Vec::new(),
            remarks: None,
        });
    }

    /// Closes an open item no update of a complete merge mentions.
    fn close_not_detected(&mut self, item: &Parts<'_>) {
        for r in &item.risks {
            if fedramp::is_closed_status(&r.status) {
                continue;
            }
            let old = r.status.to_string();
            if let Some(out) = self
                .idx
                .risks
                .get(uuid_key_ref(&r.uuid).as_ref())
                .and_then(|&i| self.op.risks.get_mut(i))
            {
                out.status = risk_status::CLOSED.into();
            }
            let description = format!(
                "No longer detected: none of the updates of the review cycle of {}, which together list every open item, mentions it (status was {old}).",
                self.when.date
            );
            self.add_entry(
                &r.uuid,
                log_titles::RISK_CLOSED,
                &description,
                entry_types::CLOSED,
                Some(risk_status::CLOSED),
            );
        }
    }

    /// The merged items at `positions` and what they refer to: where definitions are carried
    /// from.
    fn roots(&self, positions: impl Iterator<Item = usize>) -> definitions::Roots {
        let idx = &self.idx;
        let mut roots = definitions::Roots::default();
        for pos in positions {
            roots.items.push(pos);
            let item = &self.op.poam_items[pos];
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
        roots
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
