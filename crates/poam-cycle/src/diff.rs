//! `diff`: what changed from one cycle of a POA&M to the next, item by item.

use poam_model::{Document, PlanOfActionAndMilestones};
use serde::Serialize;

use crate::changes::{self, AssetNames, Change};
use crate::document::{self, PartDiff};
use crate::edits;
use crate::instants::Spellings;
use crate::item::{DocIndex, ItemKeys, ItemRef, Parts};
use crate::matching::{self, MatchRule, Matching, Pair};

/// The version of the JSON report's shape (`poam diff --format json`): bumped only when a
/// member is removed or changes meaning.
pub(crate) const JSON_SCHEMA: &str = "poam-diff/1";

/// How an item fared from the old cycle to the new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    /// Only the new cycle has it.
    New,
    /// Open before, closed now.
    Closed,
    /// Closed before, open now.
    Reopened,
    /// Same open/closed state, some field differs.
    Changed,
    /// Same open/closed state, no field differs.
    Unchanged,
    /// Only the old cycle has it: the item was dropped from the document (FedRAMP keeps
    /// closed items, so this is usually an item lost by hand editing).
    Removed,
}

impl Class {
    /// Every class, in report order.
    pub const ALL: [Class; 6] = [
        Class::New,
        Class::Closed,
        Class::Reopened,
        Class::Changed,
        Class::Removed,
        Class::Unchanged,
    ];

    /// The class in kebab-case, as the JSON report writes it.
    pub fn name(self) -> &'static str {
        match self {
            Class::New => "new",
            Class::Closed => "closed",
            Class::Reopened => "reopened",
            Class::Changed => "changed",
            Class::Unchanged => "unchanged",
            Class::Removed => "removed",
        }
    }
}

/// One item of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ItemDiff {
    /// How the item fared.
    pub class: Class,
    /// The rule that matched the two versions (absent for new and removed items).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched_by: Option<MatchRule>,
    /// The item in the old cycle (absent for new items).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<ItemRef>,
    /// The item in the new cycle (absent for removed items).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<ItemRef>,
    /// Field changes, old -> new (empty for new, removed and unchanged items).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Change>,
}

impl ItemDiff {
    /// The newest version's reference (every item has at least one side).
    pub fn item(&self) -> Option<&ItemRef> {
        self.new.as_ref().or(self.old.as_ref())
    }
}

/// Items that could not be told apart, so were not matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct AmbiguousMatch {
    /// The rule whose key names several items.
    pub rule: MatchRule,
    /// The key the items share (a uuid, POAM ID, or weakness and asset).
    pub key: String,
    /// The old cycle's items with that key.
    pub old: Vec<ItemRef>,
    /// The new cycle's items with that key.
    pub new: Vec<ItemRef>,
}

/// Item counts by class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Summary {
    /// Items only the new cycle has.
    pub new: usize,
    /// Items open before and closed now.
    pub closed: usize,
    /// Items closed before and open now.
    pub reopened: usize,
    /// Items with field changes.
    pub changed: usize,
    /// Items without any change.
    pub unchanged: usize,
    /// Items only the old cycle has.
    pub removed: usize,
    /// Keys that named several items, so were not matched.
    pub ambiguous: usize,
}

impl Summary {
    fn of(items: &[ItemDiff], ambiguous: usize) -> Self {
        let mut summary = Summary {
            ambiguous,
            ..Summary::default()
        };
        for i in items {
            match i.class {
                Class::New => summary.new += 1,
                Class::Closed => summary.closed += 1,
                Class::Reopened => summary.reopened += 1,
                Class::Changed => summary.changed += 1,
                Class::Unchanged => summary.unchanged += 1,
                Class::Removed => summary.removed += 1,
            }
        }
        summary
    }

    /// The count of class `c`.
    pub fn count(&self, c: Class) -> usize {
        match c {
            Class::New => self.new,
            Class::Closed => self.closed,
            Class::Reopened => self.reopened,
            Class::Changed => self.changed,
            Class::Unchanged => self.unchanged,
            Class::Removed => self.removed,
        }
    }
}

/// What a report says about each document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct DocInfo {
    /// The name the caller gave (a file name).
    pub source: String,
    /// The document's title, as plain text.
    pub title: String,
    /// The document's `metadata/version`.
    pub version: String,
    /// The document's `metadata/last-modified`, as written.
    pub last_modified: String,
    /// How many POA&M items it has.
    pub items: usize,
}

impl DocInfo {
    /// What a report says about `p`, read from `source`.
    pub fn of(source: &str, p: &PlanOfActionAndMilestones) -> Self {
        Self {
            source: source.to_owned(),
            title: p.metadata.title.plain_text(),
            version: p.metadata.version.clone(),
            last_modified: p.metadata.last_modified.to_string(),
            items: p.poam_items.len(),
        }
    }
}

/// The whole comparison of two cycles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Diff {
    /// The version of the JSON report's shape (`poam-diff/1`).
    pub schema: &'static str,
    /// The old document.
    pub old: DocInfo,
    /// The new document.
    pub new: DocInfo,
    /// Item counts by class.
    pub summary: Summary,
    /// Changes to the document itself: metadata (revisions, parties, …), import-ssp,
    /// system-id, local definitions, back-matter.
    pub document: Vec<Change>,
    /// Risks, observations and findings that no item references (on either side), new,
    /// removed or changed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unlinked_parts: Vec<PartDiff>,
    /// Every item: those of the new cycle in its order, then removed ones in the old order.
    pub items: Vec<ItemDiff>,
    /// Keys that named several items on a side, so were not matched.
    pub ambiguous: Vec<AmbiguousMatch>,
}

impl Diff {
    /// Whether anything differs (the exit status of `poam diff`).
    pub fn has_differences(&self) -> bool {
        !self.document.is_empty()
            || !self.unlinked_parts.is_empty()
            || !self.ambiguous.is_empty()
            || self.items.iter().any(|i| i.class != Class::Unchanged)
    }

    /// The items of one class, in report order.
    pub fn of_class(&self, c: Class) -> impl Iterator<Item = &ItemDiff> {
        self.items.iter().filter(move |i| i.class == c)
    }
}

/// Compares two cycles of a POA&M. `old_name` and `new_name` are how the report names them.
pub fn diff(old: &Document, old_name: &str, new: &Document, new_name: &str) -> Diff {
    // One instant written two ways is one value (see `instants`).
    let mut spellings = Spellings::default();
    spellings.learn(old);
    spellings.learn(new);
    let (old_respelled, new_respelled) = (spellings.respell(old), spellings.respell(new));
    let old = old_respelled.as_ref().unwrap_or(old);
    let new = new_respelled.as_ref().unwrap_or(new);
    let (op, np) = (
        &old.plan_of_action_and_milestones,
        &new.plan_of_action_and_milestones,
    );
    let (oi, ni) = (DocIndex::new(op), DocIndex::new(np));
    let old_parts: Vec<Parts<'_>> = (0..op.poam_items.len()).map(|i| oi.parts(i)).collect();
    let new_parts: Vec<Parts<'_>> = (0..np.poam_items.len()).map(|i| ni.parts(i)).collect();
    let old_keys: Vec<ItemKeys> = old_parts.iter().map(|p| ItemKeys::of(p, &oi)).collect();
    let new_keys: Vec<ItemKeys> = new_parts.iter().map(|p| ItemKeys::of(p, &ni)).collect();
    let m = matching::match_items(&old_keys, &new_keys);
    let assets = AssetNames::of(&[op, np]);
    let items = item_diffs(&m, &old_parts, &new_parts, &assets);
    let ambiguous: Vec<AmbiguousMatch> = m
        .ambiguities
        .iter()
        .map(|a| AmbiguousMatch {
            rule: a.rule,
            key: a.key.clone(),
            old: a
                .old
                .iter()
                .map(|&i| ItemRef::of(i, &old_parts[i]))
                .collect(),
            new: a
                .new
                .iter()
                .map(|&i| ItemRef::of(i, &new_parts[i]))
                .collect(),
        })
        .collect();
    Diff {
        schema: JSON_SCHEMA,
        old: DocInfo::of(old_name, op),
        new: DocInfo::of(new_name, np),
        summary: Summary::of(&items, ambiguous.len()),
        document: document::document_changes(op, np),
        unlinked_parts: document::unlinked_parts(op, np, &assets),
        items,
        ambiguous,
    }
}

/// Every item: those of the new cycle in its order, then removed ones in the old order.
fn item_diffs(
    m: &Matching,
    old_parts: &[Parts<'_>],
    new_parts: &[Parts<'_>],
    assets: &AssetNames,
) -> Vec<ItemDiff> {
    let mut by_new: Vec<Option<ItemDiff>> = vec![None; new_parts.len()];
    for p in &m.pairs {
        by_new[p.new] = Some(matched_item(
            p,
            &old_parts[p.old],
            &new_parts[p.new],
            assets,
        ));
    }
    let lone = |class: Class, old: Option<ItemRef>, new: Option<ItemRef>| ItemDiff {
        class,
        matched_by: None,
        old,
        new,
        changes: Vec::new(),
    };
    for &n in &m.new_only {
        by_new[n] = Some(lone(Class::New, None, Some(ItemRef::of(n, &new_parts[n]))));
    }
    let mut items: Vec<ItemDiff> = by_new.into_iter().flatten().collect();
    items.extend(
        m.old_only
            .iter()
            .map(|&o| lone(Class::Removed, Some(ItemRef::of(o, &old_parts[o])), None)),
    );
    items
}

/// Two versions of one item compared.
fn matched_item(p: &Pair, o: &Parts<'_>, n: &Parts<'_>, assets: &AssetNames) -> ItemDiff {
    let aligned = edits::align(o, n.clone());
    let e = edits::edits(o, &aligned);
    let changes = changes::describe(o, &aligned, &e, assets);
    let class = match (o.is_closed(), n.is_closed()) {
        (false, true) => Class::Closed,
        (true, false) => Class::Reopened,
        _ if changes.is_empty() => Class::Unchanged,
        _ => Class::Changed,
    };
    ItemDiff {
        class,
        matched_by: Some(p.rule),
        old: Some(ItemRef::of(p.old, o)),
        new: Some(ItemRef::of(p.new, n)),
        changes,
    }
}
