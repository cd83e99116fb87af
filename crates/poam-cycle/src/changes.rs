//! Field differences ([`Edit`]s) told in the terms of a POA&M review: deadline slipped,
//! risk rating adjusted, milestone added or completed, deviation moved, vendor check-in,
//! assets added or removed, text edited. Whatever has no domain name is still reported, by
//! its OSCAL member name, so that no difference goes unseen.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use poam_model::{Characterization, Entry, PlanOfActionAndMilestones, Property, Risk, Task};
use serde::Serialize;

use crate::edits::{self, Edit, Field, PartKey, Presence};
use crate::fedramp;
use crate::item::{Parts, uuid_key, uuid_key_ref};

/// What kind of change, in a review's terms. Serialized in kebab-case; the set is stable (new
/// kinds may be added, none renamed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    /// The risk status changed (e.g. open -> closed, open -> deviation-requested).
    StatusChanged,
    /// The deadline moved later.
    DeadlineSlipped,
    /// The deadline moved earlier.
    DeadlineMovedEarlier,
    /// A deadline was set where there was none.
    DeadlineSet,
    /// The deadline was removed.
    DeadlineRemoved,
    /// A FedRAMP risk rating facet (original/adjusted risk, likelihood, impact) changed.
    RiskRatingChanged,
    /// A FedRAMP deviation prop (vendor-dependency, risk-adjustment, false-positive,
    /// operational-requirement) changed.
    DeviationChanged,
    MilestoneAdded,
    MilestoneChanged,
    MilestoneCompleted,
    MilestoneRemoved,
    RemediationAdded,
    RemediationRemoved,
    /// A risk-log entry titled or typed as a vendor check-in was added.
    VendorCheckIn,
    LogEntryAdded,
    LogEntryChanged,
    LogEntryRemoved,
    AssetAdded,
    AssetRemoved,
    TitleEdited,
    DescriptionEdited,
    PoamIdChanged,
    /// A risk, observation or finding was linked to the item.
    Linked,
    /// A risk, observation or finding was unlinked from the item.
    Unlinked,
    /// Any other field, by name.
    FieldAdded,
    FieldRemoved,
    FieldChanged,
}

/// One change of an item, old -> new.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Change {
    pub kind: ChangeKind,
    /// The field in a reviewer's words, e.g. `deadline`, `adjusted risk rating`,
    /// `vendor-dependency`, `risk prop impacted-control-id`.
    pub field: String,
    /// What the change is about when the field has several: a milestone's or log entry's
    /// title, an asset's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
    /// For dates that moved: new minus old, in days.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days: Option<i64>,
    /// The uuid of the risk, observation or finding the field belongs to (absent for the
    /// poam-item itself).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
}

impl Change {
    fn new(kind: ChangeKind, field: impl Into<String>) -> Self {
        Self {
            kind,
            field: field.into(),
            subject: None,
            old: None,
            new: None,
            days: None,
            part: None,
        }
    }
    fn subject(mut self, s: impl Into<String>) -> Self {
        self.subject = Some(s.into());
        self
    }
    fn old(mut self, s: Option<String>) -> Self {
        self.old = s;
        self
    }
    fn new_value(mut self, s: Option<String>) -> Self {
        self.new = s;
        self
    }
    fn days(mut self, d: Option<i64>) -> Self {
        self.days = d;
        self
    }

    /// The change as one line for people, e.g. `deadline slipped: 2024-07-01 -> 2024-08-15
    /// (+45 days)`.
    pub fn sentence(&self) -> String {
        use ChangeKind as K;
        let subject = self
            .subject
            .as_deref()
            .map(|s| format!(" {:?}", short(s, 80)))
            .unwrap_or_default();
        let old = self.old.as_deref().map(|s| short(s, 80));
        let new = self.new.as_deref().map(|s| short(s, 80));
        let days = match self.days {
            Some(d) if d > 0 => format!(" (+{d} days)"),
            Some(d) if d < 0 => format!(" ({d} days)"),
            _ => String::new(),
        };
        let arrow = |o: Option<String>, n: Option<String>| match (o, n) {
            (Some(o), Some(n)) => format!("{o} -> {n}"),
            (None, Some(n)) => format!("(none) -> {n}"),
            (Some(o), None) => format!("{o} -> (none)"),
            (None, None) => String::new(),
        };
        let quoted = |o: Option<String>, n: Option<String>| {
            arrow(o.map(|s| format!("{s:?}")), n.map(|s| format!("{s:?}")))
        };
        match self.kind {
            K::StatusChanged => format!("status changed: {}", arrow(old, new)),
            K::DeadlineSlipped => format!("deadline slipped: {}{days}", arrow(old, new)),
            K::DeadlineMovedEarlier => format!("deadline moved earlier: {}{days}", arrow(old, new)),
            K::DeadlineSet => format!("deadline set: {}", new.unwrap_or_default()),
            K::DeadlineRemoved => format!("deadline removed (was {})", old.unwrap_or_default()),
            K::RiskRatingChanged => format!("{}: {}", self.field, arrow(old, new)),
            K::DeviationChanged => format!("{} deviation: {}", self.field, arrow(old, new)),
            K::MilestoneAdded => format!("milestone added:{subject}{}", due(new)),
            K::MilestoneChanged => format!(
                "milestone{subject} {}: {}{days}",
                self.field,
                arrow(old, new)
            ),
            K::MilestoneCompleted => format!("milestone completed:{subject}{}", on(new)),
            K::MilestoneRemoved => format!("milestone removed:{subject}"),
            K::RemediationAdded => format!("remediation added:{subject}"),
            K::RemediationRemoved => format!("remediation removed:{subject}"),
            K::VendorCheckIn => format!("vendor check-in{}{}", on(new), old_note(old)),
            K::LogEntryAdded => format!("log entry added:{subject}{}", on(new)),
            K::LogEntryChanged if old.is_some() || new.is_some() => {
                format!("log entry changed:{subject} {}", arrow(old, new))
            }
            K::LogEntryChanged => format!("log entry changed:{subject}"),
            K::LogEntryRemoved => format!("log entry removed:{subject}"),
            K::AssetAdded => format!("asset added:{subject}"),
            K::AssetRemoved => format!("asset removed:{subject}"),
            K::TitleEdited | K::DescriptionEdited => {
                format!("{} edited: {}", self.field, quoted(old, new))
            }
            K::PoamIdChanged => format!("POAM ID changed: {}", arrow(old, new)),
            K::Linked => format!("{} linked:{subject}", self.field),
            K::Unlinked => format!("{} unlinked:{subject}", self.field),
            K::FieldAdded => format!("{} added:{subject} {}", self.field, new.unwrap_or_default())
                .trim_end()
                .to_owned(),
            K::FieldRemoved => format!(
                "{} removed:{subject} (was {})",
                self.field,
                old.unwrap_or_default()
            ),
            K::FieldChanged => format!("{} changed:{subject} {}", self.field, arrow(old, new))
                .trim_end()
                .to_owned(),
        }
    }
}

fn due(d: Option<String>) -> String {
    d.map(|d| format!(" (due {d})")).unwrap_or_default()
}
fn on(d: Option<String>) -> String {
    d.map(|d| format!(" on {d}")).unwrap_or_default()
}
fn old_note(n: Option<String>) -> String {
    n.map(|n| format!(": {n:?}")).unwrap_or_default()
}

/// `s` on one line, at most `max` characters, with `…` when cut.
pub fn short(s: &str, max: usize) -> String {
    let one_line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        one_line
    } else {
        let mut t: String = one_line.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// `s` with the characters CommonMark (and OSCAL's `~sub~`, `^sup^`, `{{ insert }}`) would
/// read as markup escaped, so that text put into a markup field reads back as written.
pub fn escape_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for ch in s.chars() {
        if matches!(
            ch,
            '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '~' | '^' | '{' | '}'
        ) {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

/// A JSON value for people: text as is, lists of scalars joined, anything else as compact
/// JSON.
pub fn show(v: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Array(a) if a.is_empty() => None,
        Value::Array(a) if a.iter().all(|x| !x.is_object() && !x.is_array()) => {
            Some(a.iter().filter_map(show).collect::<Vec<_>>().join(", "))
        }
        other => Some(other.to_string()),
    }
}

/// Names of assets (inventory items and components) of the documents compared, by uuid, so
/// that a change says `web-01.example.com` rather than a uuid.
#[derive(Debug, Default)]
pub struct AssetNames {
    names: HashMap<String, String>,
}

impl AssetNames {
    /// Collects the names the documents' local definitions give; later documents win.
    pub fn of(docs: &[&PlanOfActionAndMilestones]) -> Self {
        let mut names = HashMap::new();
        let prop = |props: &[Property], names: &[&str]| -> Option<String> {
            names
                .iter()
                .find_map(|n| props.iter().find(|p| p.name == *n).map(|p| p.value.clone()))
        };
        for d in docs {
            let Some(ld) = &d.local_definitions else {
                continue;
            };
            for i in &ld.inventory_items {
                let name = prop(&i.props, &crate::item::ASSET_NAME_PROPS)
                    .unwrap_or_else(|| short(&i.description.to_markdown(), 60));
                names.insert(uuid_key(&i.uuid), name);
            }
            for c in &ld.components {
                names.insert(uuid_key(&c.uuid), c.title.to_markdown());
            }
        }
        Self { names }
    }

    fn name(&self, uuid: &str, title: Option<String>) -> String {
        title
            .filter(|t| !t.trim().is_empty())
            .or_else(|| self.names.get(uuid_key_ref(uuid).as_ref()).cloned())
            .unwrap_or_else(|| uuid.to_owned())
    }
}

fn date_of(s: &str) -> Option<chrono::NaiveDate> {
    poam_model::datatypes::DateTimeWithTimezone::new(s).date()
}

/// Days from `old` to `new`, by calendar date as written.
fn days_between(old: &str, new: &str) -> Option<i64> {
    Some((date_of(new)? - date_of(old)?).num_days())
}

/// A date-time shown as its date when it is midnight, else as written.
pub fn show_date(s: &str) -> String {
    match s.split_once('T') {
        Some((d, t)) if t.starts_with("00:00:00") => d.to_owned(),
        _ => s.to_owned(),
    }
}

fn text(v: &serde_json::Value) -> Option<String> {
    show(v).filter(|s| !s.is_empty())
}

/// The changes that `edits` (from [`edits::edits`]) make to an item, in review terms.
pub fn describe(
    old: &Parts<'_>,
    new: &Parts<'_>,
    edits: &[Edit],
    assets: &AssetNames,
) -> Vec<Change> {
    let mut out = Vec::new();
    let mut linked: HashSet<String> = HashSet::new();
    for e in edits {
        let start = out.len();
        describe_one(old, new, e, assets, &mut out, &mut linked);
        if let Some(u) = e.key.part.uuid() {
            for c in &mut out[start..] {
                c.part = Some(u.to_owned());
            }
        }
    }
    // New parts that no link change named (linked from another part, not the poam-item).
    for e in edits {
        if e.key.field == Field::Part
            && let (Some(kind), Some(u)) = (e.key.part.kind(), e.key.part.uuid())
            && !linked.contains(u)
        {
            let mut c =
                Change::new(ChangeKind::Linked, kind.name()).subject(part_title(new, &e.key.part));
            c.part = Some(u.to_owned());
            out.push(c);
        }
    }
    out
}

/// A part's title for people: its title, else its uuid.
fn part_title(parts: &Parts<'_>, part: &PartKey) -> String {
    let title = match part {
        PartKey::Item => None,
        PartKey::Risk(u) => parts.risk(u).map(|r| r.title.to_markdown()),
        PartKey::Observation(u) => parts.observation(u).map(|o| {
            o.title
                .as_ref()
                .map(|t| t.to_markdown())
                .unwrap_or_else(|| short(&o.description.to_markdown(), 60))
        }),
        PartKey::Finding(u) => parts.finding(u).map(|f| f.title.to_markdown()),
    };
    title
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| part.uuid().unwrap_or_default().to_owned())
}

fn describe_one(
    old: &Parts<'_>,
    new: &Parts<'_>,
    e: &Edit,
    assets: &AssetNames,
    out: &mut Vec<Change>,
    linked: &mut HashSet<String>,
) {
    use ChangeKind as K;
    let key = &e.key;
    let (ov, nv) = (edits::value(old, key), edits::value(new, key));
    let part_name = match key.part {
        PartKey::Item => "item",
        PartKey::Risk(_) => "risk",
        PartKey::Observation(_) => "observation",
        PartKey::Finding(_) => "finding",
    };
    let generic = |field: String| {
        let kind = match e.presence {
            Presence::Added => K::FieldAdded,
            Presence::Removed => K::FieldRemoved,
            Presence::Changed => match (ov.is_null(), nv.is_null()) {
                (true, false) => K::FieldAdded,
                (false, true) => K::FieldRemoved,
                _ => K::FieldChanged,
            },
        };
        Change::new(kind, field).old(text(&ov)).new_value(text(&nv))
    };
    match (&key.part, &key.field) {
        (_, Field::Member(m @ ("related-risks" | "related-observations" | "related-findings"))) => {
            let kind_name = m.trim_start_matches("related-").trim_end_matches('s');
            let uuids = |v: &serde_json::Value| -> BTreeSet<String> {
                v.as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|r| r.as_object())
                    .filter_map(|r| r.values().find_map(|x| x.as_str()))
                    .map(uuid_key)
                    .collect()
            };
            let (o, n) = (uuids(&ov), uuids(&nv));
            let part_of = |u: &str| match kind_name {
                "risk" => PartKey::Risk(u.to_owned()),
                "observation" => PartKey::Observation(u.to_owned()),
                _ => PartKey::Finding(u.to_owned()),
            };
            for u in n.difference(&o) {
                linked.insert(u.clone());
                out.push(Change::new(K::Linked, kind_name).subject(part_title(new, &part_of(u))));
            }
            for u in o.difference(&n) {
                out.push(Change::new(K::Unlinked, kind_name).subject(part_title(old, &part_of(u))));
            }
            if o == n {
                out.push(generic(format!("{part_name} {m}")));
            }
        }
        (
            PartKey::Item | PartKey::Risk(_) | PartKey::Observation(_) | PartKey::Finding(_),
            Field::Member("title"),
        ) => {
            let field = match key.part {
                PartKey::Risk(_) => "weakness name".to_owned(),
                _ => format!("{part_name} title"),
            };
            out.push(
                Change::new(K::TitleEdited, field)
                    .old(text(&ov))
                    .new_value(text(&nv)),
            );
        }
        (_, Field::Member(m @ ("description" | "statement"))) => {
            let field = match (&key.part, *m) {
                (PartKey::Risk(_), "description") => "weakness description".to_owned(),
                (PartKey::Risk(_), _) => "risk statement".to_owned(),
                _ => format!("{part_name} {m}"),
            };
            out.push(
                Change::new(K::DescriptionEdited, field)
                    .old(text(&ov))
                    .new_value(text(&nv)),
            );
        }
        (PartKey::Risk(_), Field::Member("status")) => {
            out.push(
                Change::new(K::StatusChanged, "status")
                    .old(text(&ov))
                    .new_value(text(&nv)),
            );
        }
        (PartKey::Risk(_), Field::Member("deadline")) => {
            let (o, n) = (ov.as_str(), nv.as_str());
            let c = match (o, n) {
                (None, Some(n)) => {
                    Change::new(K::DeadlineSet, "deadline").new_value(Some(show_date(n)))
                }
                (Some(o), None) => {
                    Change::new(K::DeadlineRemoved, "deadline").old(Some(show_date(o)))
                }
                (Some(o), Some(n)) => {
                    let days = days_between(o, n);
                    let kind = match days {
                        Some(d) if d > 0 => K::DeadlineSlipped,
                        Some(d) if d < 0 => K::DeadlineMovedEarlier,
                        _ => K::FieldChanged,
                    };
                    let (os, ns) = if kind == K::FieldChanged {
                        (o.to_owned(), n.to_owned())
                    } else {
                        (show_date(o), show_date(n))
                    };
                    Change::new(kind, "deadline")
                        .old(Some(os))
                        .new_value(Some(ns))
                        .days(days)
                }
                (None, None) => return,
            };
            out.push(c);
        }
        (PartKey::Risk(u), Field::Characterization(k)) => {
            let (o, n) = (
                old.risk(u).and_then(|x| edits::characterization(x, k)),
                new.risk(u).and_then(|x| edits::characterization(x, k)),
            );
            let before = out.len();
            characterizations(o, n, out);
            if out.len() == before {
                out.push(generic("risk characterization".into()));
            }
        }
        (PartKey::Observation(u), Field::Member("subjects")) => {
            let (o, n) = (old.observation(u), new.observation(u));
            let is_assets = n.or(o).is_some_and(fedramp::is_asset_observation);
            let subjects = |x: Option<&poam_model::Observation>| -> BTreeMap<String, String> {
                x.into_iter()
                    .flat_map(|o| o.subjects.iter())
                    .map(|s| {
                        (
                            uuid_key(&s.subject_uuid),
                            assets.name(&s.subject_uuid, s.title.as_ref().map(|t| t.to_markdown())),
                        )
                    })
                    .collect()
            };
            let (os, ns) = (subjects(o), subjects(n));
            let mut any = false;
            if is_assets {
                for (k, name) in &ns {
                    if !os.contains_key(k) {
                        any = true;
                        out.push(Change::new(K::AssetAdded, "asset").subject(name.clone()));
                    }
                }
                for (k, name) in &os {
                    if !ns.contains_key(k) {
                        any = true;
                        out.push(Change::new(K::AssetRemoved, "asset").subject(name.clone()));
                    }
                }
            }
            if !any {
                out.push(generic("observation subjects".into()));
            }
        }
        (PartKey::Observation(u), Field::Member("collected")) => {
            // Only a finding's observation dates the detection; a vendor-dependency or
            // deviation observation is dated by the check-in or request it records.
            let field = match new.observation(u).or(old.observation(u)) {
                Some(o) if !fedramp::is_asset_observation(o) => {
                    let kind = o
                        .types
                        .iter()
                        .map(|t| t.as_str())
                        .collect::<Vec<_>>()
                        .join("/");
                    format!("{kind} observation date")
                }
                _ => "detection date".to_owned(),
            };
            let mut c = generic(field);
            c.old = ov.as_str().map(show_date);
            c.new = nv.as_str().map(show_date);
            if let (Some(o), Some(n)) = (ov.as_str(), nv.as_str()) {
                c.days = days_between(o, n);
            }
            out.push(c);
        }
        (_, Field::Member(m)) => out.push(generic(format!("{part_name} {m}"))),
        (PartKey::Item, Field::Props(k)) if k.is_poam_id() => {
            out.push(
                Change::new(K::PoamIdChanged, "POAM ID")
                    .old(text(&prop_values(&ov)))
                    .new_value(text(&prop_values(&nv))),
            );
        }
        (PartKey::Risk(_), Field::Props(k)) if k.is_deviation() => {
            out.push(
                Change::new(K::DeviationChanged, k.name.clone())
                    .old(text(&prop_values(&ov)))
                    .new_value(text(&prop_values(&nv))),
            );
        }
        (_, Field::Props(k)) => {
            let mut c = generic(format!("{part_name} prop {}", k.name));
            c.old = text(&prop_values(&ov));
            c.new = text(&prop_values(&nv));
            out.push(c);
        }
        (PartKey::Risk(_), Field::MitigatingFactor(_)) => {
            let d = |v: &serde_json::Value| v.get("description").and_then(show);
            let mut c = generic("mitigating factor".into());
            c.old = d(&ov);
            c.new = d(&nv);
            out.push(c);
        }
        (PartKey::Risk(u), Field::Remediation(r)) => {
            let title = |x: Option<&Risk>| {
                x.and_then(|x| edits::response(x, r))
                    .map(|resp| format!("{} ({})", resp.title.to_markdown(), resp.lifecycle))
            };
            match e.presence {
                Presence::Removed => {
                    out.push(
                        Change::new(K::RemediationRemoved, "remediation")
                            .subject(title(old.risk(u)).unwrap_or_default()),
                    );
                }
                _ => {
                    let n = new.risk(u);
                    out.push(
                        Change::new(K::RemediationAdded, "remediation")
                            .subject(title(n).unwrap_or_default()),
                    );
                    for t in n
                        .and_then(|x| edits::response(x, r))
                        .into_iter()
                        .flat_map(|resp| resp.tasks.iter())
                        .filter(|t| fedramp::is_milestone(t))
                    {
                        out.push(milestone_added(t));
                    }
                }
            }
        }
        (PartKey::Risk(u), Field::RemediationMember(r, m)) => {
            let title = new
                .risk(u)
                .and_then(|x| edits::response(x, r))
                .map(|resp| resp.title.to_markdown())
                .unwrap_or_default();
            out.push(generic(format!("remediation {m}")).subject(title));
        }
        (PartKey::Risk(u), Field::Task(r, t)) => {
            let (o, n) = (
                old.risk(u).and_then(|x| edits::task(x, r, t)),
                new.risk(u).and_then(|x| edits::task(x, r, t)),
            );
            tasks(o, n, out);
        }
        (PartKey::Risk(_), Field::RequiredAsset(..)) => {
            let d = |v: &serde_json::Value| v.get("description").and_then(show);
            let mut c = generic("required resource".into());
            c.old = d(&ov);
            c.new = d(&nv);
            out.push(c);
        }
        (PartKey::Risk(u), Field::LogEntry(id)) => {
            let (o, n) = (
                old.risk(u).and_then(|x| edits::entry(x, id)),
                new.risk(u).and_then(|x| edits::entry(x, id)),
            );
            log_entry(o, n, new.risk(u), out);
        }
        (_, Field::Part) => {}
        _ => out.push(generic(format!("{part_name} {key:?}"))),
    }
}

/// The `value`s of a JSON list of props.
fn prop_values(v: &serde_json::Value) -> serde_json::Value {
    serde_json::Value::Array(
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p.get("value").cloned())
            .collect(),
    )
}

fn milestone_added(t: &Task) -> Change {
    Change::new(ChangeKind::MilestoneAdded, "milestone")
        .subject(t.title.to_markdown())
        .new_value(fedramp::task_due(t).map(show_date))
}

fn tasks(o: Option<&Task>, n: Option<&Task>, out: &mut Vec<Change>) {
    use ChangeKind as K;
    let is_milestone = n.or(o).is_some_and(fedramp::is_milestone);
    let what = if is_milestone {
        "milestone"
    } else {
        "remediation task"
    };
    match (o, n) {
        (None, Some(n)) if is_milestone => out.push(milestone_added(n)),
        (None, Some(n)) => {
            out.push(Change::new(K::FieldAdded, what).subject(n.title.to_markdown()))
        }
        (Some(o), None) if is_milestone => {
            out.push(Change::new(K::MilestoneRemoved, what).subject(o.title.to_markdown()))
        }
        (Some(o), None) => {
            out.push(Change::new(K::FieldRemoved, what).subject(o.title.to_markdown()))
        }
        (Some(o), Some(n)) => {
            let kind = if is_milestone {
                K::MilestoneChanged
            } else {
                K::FieldChanged
            };
            let subject = o.title.to_markdown();
            let before = out.len();
            let (od, nd) = (fedramp::task_due(o), fedramp::task_due(n));
            if od != nd {
                let days = od.zip(nd).and_then(|(a, b)| days_between(a, b));
                out.push(
                    Change::new(kind, "due date")
                        .subject(subject.clone())
                        .old(od.map(show_date))
                        .new_value(nd.map(show_date))
                        .days(days),
                );
            }
            if o.title != n.title {
                out.push(
                    Change::new(kind, "title")
                        .subject(subject.clone())
                        .old(Some(o.title.to_markdown()))
                        .new_value(Some(n.title.to_markdown())),
                );
            }
            if o.description != n.description {
                out.push(
                    Change::new(kind, "description")
                        .subject(subject.clone())
                        .old(o.description.as_ref().map(|d| d.to_markdown()))
                        .new_value(n.description.as_ref().map(|d| d.to_markdown())),
                );
            }
            if out.len() == before {
                out.push(Change::new(kind, "details").subject(subject));
            }
        }
        (None, None) => {}
    }
}

fn log_entry(o: Option<&Entry>, n: Option<&Entry>, risk: Option<&Risk>, out: &mut Vec<Change>) {
    use ChangeKind as K;
    let title = |e: &Entry| {
        e.title
            .as_ref()
            .map(|t| t.to_markdown())
            .unwrap_or_default()
    };
    match (o, n) {
        (None, Some(n)) => {
            let start = Some(show_date(&n.start));
            if fedramp::is_vendor_check_in(n) {
                let note = n.description.as_ref().map(|d| short(&d.to_markdown(), 80));
                out.push(
                    Change::new(K::VendorCheckIn, "vendor check-in")
                        .new_value(start)
                        .old(note),
                );
            } else if fedramp::is_milestone_complete(n) {
                let milestone = n
                    .related_responses
                    .iter()
                    .flat_map(|r| r.related_tasks.iter().map(move |t| (r, t)))
                    .find_map(|(r, t)| {
                        risk.and_then(|x| edits::task(x, &r.response_uuid, &t.task_uuid))
                    })
                    .map(|t| t.title.to_markdown())
                    .unwrap_or_else(|| title(n));
                out.push(
                    Change::new(K::MilestoneCompleted, "milestone")
                        .subject(milestone)
                        .new_value(start),
                );
            } else {
                out.push(
                    Change::new(K::LogEntryAdded, "risk log")
                        .subject(title(n))
                        .new_value(start),
                );
            }
        }
        (Some(o), None) => out.push(Change::new(K::LogEntryRemoved, "risk log").subject(title(o))),
        // A workbook holds only the last vendor check-in: one entry whose date moves on.
        (Some(o), Some(n)) if fedramp::is_vendor_check_in(n) && o.start != n.start => {
            let note = n.description.as_ref().map(|d| short(&d.to_markdown(), 80));
            out.push(
                Change::new(K::VendorCheckIn, "vendor check-in")
                    .new_value(Some(show_date(&n.start)))
                    .old(note),
            );
        }
        (Some(o), Some(n)) => {
            let mut c = Change::new(K::LogEntryChanged, "risk log").subject(title(o));
            if o.start != n.start {
                c = c
                    .old(Some(show_date(&o.start)))
                    .new_value(Some(show_date(&n.start)))
                    .days(days_between(&o.start, &n.start));
            }
            out.push(c);
        }
        (None, None) => {}
    }
}

/// Rating facets by a reviewer's name for them (`adjusted risk rating`, `original
/// likelihood`, …), other facets by `facet <name>`.
fn facets(c: Option<&Characterization>) -> BTreeMap<String, Vec<String>> {
    let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in c.into_iter().flat_map(|c| c.facets.iter()) {
        let label = if fedramp::is_rating_facet(f) {
            let state = match fedramp::facet_state(f) {
                "initial" => "original ".to_owned(),
                "" => String::new(),
                other => format!("{other} "),
            };
            let name = if f.name == "risk" {
                "risk rating"
            } else {
                f.name.as_str()
            };
            format!("{state}{name}")
        } else {
            format!("facet {}", f.name)
        };
        m.entry(label).or_default().push(f.value.clone());
    }
    m
}

fn characterizations(
    o: Option<&Characterization>,
    n: Option<&Characterization>,
    out: &mut Vec<Change>,
) {
    let (a, b) = (facets(o), facets(n));
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    for k in keys {
        let (x, y) = (a.get(k), b.get(k));
        if x == y {
            continue;
        }
        let join = |v: Option<&Vec<String>>| v.map(|v| v.join(", "));
        let kind = if k.starts_with("facet ") {
            match (x, y) {
                (None, _) => ChangeKind::FieldAdded,
                (_, None) => ChangeKind::FieldRemoved,
                _ => ChangeKind::FieldChanged,
            }
        } else {
            ChangeKind::RiskRatingChanged
        };
        out.push(Change::new(kind, k.clone()).old(join(x)).new_value(join(y)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edits::PropKey;

    #[test]
    fn sentences() {
        let c = Change::new(ChangeKind::DeadlineSlipped, "deadline")
            .old(Some("2024-07-01".into()))
            .new_value(Some("2024-08-15".into()))
            .days(Some(45));
        assert_eq!(
            c.sentence(),
            "deadline slipped: 2024-07-01 -> 2024-08-15 (+45 days)"
        );
        let c = Change::new(ChangeKind::MilestoneAdded, "milestone")
            .subject("Apply patch")
            .new_value(Some("2024-08-01".into()));
        assert_eq!(
            c.sentence(),
            "milestone added: \"Apply patch\" (due 2024-08-01)"
        );
    }

    #[test]
    fn dates_shown_as_dates_at_midnight() {
        assert_eq!(show_date("2024-07-01T00:00:00Z"), "2024-07-01");
        assert_eq!(show_date("2024-07-01T10:00:00Z"), "2024-07-01T10:00:00Z");
        assert_eq!(
            days_between("2024-07-01T00:00:00Z", "2024-08-15T00:00:00-04:00"),
            Some(45)
        );
    }

    #[test]
    fn short_cuts_long_text() {
        assert_eq!(short("a  b\nc", 10), "a b c");
        assert_eq!(short("abcdefghijk", 5), "abcd…");
    }

    #[test]
    fn prop_key_treats_fedramp_spellings_alike() {
        let p = |ns: &str| Property {
            name: "vendor-dependency".into(),
            uuid: None,
            ns: Some(ns.into()),
            value: "tracking".into(),
            class: None,
            group: None,
            remarks: None,
        };
        assert_eq!(
            PropKey::of(&p("http://fedramp.gov/ns/oscal")),
            PropKey::of(&p("https://fedramp.gov/ns/oscal"))
        );
        assert!(PropKey::of(&p("https://fedramp.gov/ns/oscal")).is_deviation());
    }
}
