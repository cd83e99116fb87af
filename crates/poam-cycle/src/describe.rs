//! Field differences ([`Edit`]s) of one item told as [`Change`]s, in the terms of a POA&M
//! review. Whatever has no domain name is still reported, by its OSCAL member name, so that
//! no difference goes unseen.

// Every comparison here reads the old and the new side as `o` and `n` (and their values as
// `ov` and `nv`), beside the edit `e` and its key `k`: names the whole module reads by.
#![allow(clippy::many_single_char_names)]

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;

use poam_markup::{MarkupLine, MarkupMultiline};
use poam_model::{Characterization, Entry, Observation, Risk, Task};
use serde_json::Value;

use crate::changes::{
    AssetNames, Change, ChangeKind as K, days_between, short, show, show_date, text,
};
use crate::edits::{self, Edit, Field, PartKey, Presence};
use crate::item::{Parts, uuid_key};
use poam_fedramp::item as fedramp;

/// The changes that `edits` (from [`edits::edits`]) make to an item, in review terms.
pub(crate) fn describe(
    old: &Parts<'_>,
    new: &Parts<'_>,
    edits: &[Edit],
    assets: &AssetNames,
) -> Vec<Change> {
    let mut d = Describer {
        old,
        new,
        assets,
        out: Vec::new(),
        linked: HashSet::new(),
    };
    let moves = OriginMoves::of(edits);
    for e in edits {
        let start = d.out.len();
        match &e.key.field {
            Field::Characterization(k) if moves.is_arrival(&e.key.part, k) => continue,
            Field::Characterization(k) => match moves.departure(&e.key.part, k) {
                Some(to) => d.origin_moved(&e.key.part, k, to),
                None => d.edit(e),
            },
            _ => d.edit(e),
        }
        if let Some(u) = e.key.part.uuid() {
            for c in &mut d.out[start..] {
                c.part = Some(u.to_owned());
            }
        }
    }
    d.new_parts_not_linked(edits);
    d.out
}

/// A characterization whose origin changed: the old origin's characterization is gone and a
/// new origin's has come, on one risk. Paired in order, so that the change is told as what
/// it is (the scanner or assessor changed), not as every rating removed and added again.
#[derive(Default)]
struct OriginMoves {
    /// (risk, old origin key) -> new origin key.
    departures: HashMap<(PartKey, String), String>,
    arrivals: HashSet<(PartKey, String)>,
}

impl OriginMoves {
    fn of(edits: &[Edit]) -> Self {
        let mut gone: BTreeMap<&PartKey, Vec<&String>> = BTreeMap::new();
        let mut came: BTreeMap<&PartKey, Vec<&String>> = BTreeMap::new();
        for e in edits {
            if let Field::Characterization(k) = &e.key.field {
                match e.presence {
                    Presence::Removed => gone.entry(&e.key.part).or_default().push(k),
                    Presence::Added => came.entry(&e.key.part).or_default().push(k),
                    Presence::Changed => {}
                }
            }
        }
        let mut moves = Self::default();
        for (part, olds) in gone {
            let news = came.get(part).map_or(&[][..], Vec::as_slice);
            for (o, n) in olds.iter().zip(news) {
                moves
                    .departures
                    .insert((part.clone(), (*o).clone()), (*n).clone());
                moves.arrivals.insert((part.clone(), (*n).clone()));
            }
        }
        moves
    }

    fn departure(&self, part: &PartKey, key: &str) -> Option<&str> {
        self.departures
            .get(&(part.clone(), key.to_owned()))
            .map(String::as_str)
    }

    fn is_arrival(&self, part: &PartKey, key: &str) -> bool {
        self.arrivals.contains(&(part.clone(), key.to_owned()))
    }
}

struct Describer<'d, 'p> {
    old: &'d Parts<'p>,
    new: &'d Parts<'p>,
    assets: &'d AssetNames,
    out: Vec<Change>,
    /// Parts a link change already named.
    linked: HashSet<String>,
}

/// The name of a part kind in sentences.
fn part_name(part: &PartKey) -> &'static str {
    match part {
        PartKey::Item => "item",
        PartKey::Risk(_) => "risk",
        PartKey::Observation(_) => "observation",
        PartKey::Finding(_) => "finding",
    }
}

/// A field change by presence and value: added, removed or changed.
fn generic(e: &Edit, field: String, ov: &Value, nv: &Value) -> Change {
    let kind = match e.presence {
        Presence::Added => K::FieldAdded,
        Presence::Removed => K::FieldRemoved,
        Presence::Changed => match (ov.is_null(), nv.is_null()) {
            (true, false) => K::FieldAdded,
            (false, true) => K::FieldRemoved,
            _ => K::FieldChanged,
        },
    };
    Change::of(kind, field).old(text(ov)).new_value(text(nv))
}

impl Describer<'_, '_> {
    fn edit(&mut self, e: &Edit) {
        let key = &e.key;
        match &key.field {
            Field::Member(m) => self.member(e, m),
            Field::Props(k) => {
                let (ov, nv) = self.values(e);
                let (o, n) = (text(&prop_values(&ov)), text(&prop_values(&nv)));
                let c = match &key.part {
                    PartKey::Item if k.is_poam_id() => Change::of(K::PoamIdChanged, "POAM ID"),
                    PartKey::Risk(_) if k.is_deviation() => {
                        Change::of(K::DeviationChanged, k.name.clone())
                    }
                    part => generic(e, format!("{} prop {}", part_name(part), k.name), &ov, &nv),
                };
                self.out.push(c.old(o).new_value(n));
            }
            Field::Characterization(k) => self.characterization(e, k),
            Field::MitigatingFactor(_) | Field::RequiredAsset(..) => {
                let (ov, nv) = self.values(e);
                let field = match key.field {
                    Field::MitigatingFactor(_) => "mitigating factor",
                    _ => "required resource",
                };
                let d = |v: &Value| v.get("description").and_then(show);
                let mut c = generic(e, field.into(), &ov, &nv);
                c.old = d(&ov);
                c.new = d(&nv);
                self.out.push(c);
            }
            Field::Remediation(r) => self.remediation(e, r),
            Field::RemediationMember(r, m) => self.remediation_member(e, r, m),
            Field::Task(r, t) => {
                let u = key.part.uuid().unwrap_or_default();
                let o = self.old.risk(u).and_then(|x| edits::task(x, r, t));
                let n = self.new.risk(u).and_then(|x| edits::task(x, r, t));
                tasks(o, n, &mut self.out);
            }
            Field::LogEntry(id) => {
                let u = key.part.uuid().unwrap_or_default();
                let o = self.old.risk(u).and_then(|x| edits::entry(x, id));
                let n = self.new.risk(u).and_then(|x| edits::entry(x, id));
                log_entry(o, n, self.new.risk(u), &mut self.out);
            }
            Field::Part => {}
        }
    }

    fn values(&self, e: &Edit) -> (Value, Value) {
        (
            edits::value(self.old, &e.key),
            edits::value(self.new, &e.key),
        )
    }

    fn member(&mut self, e: &Edit, m: &'static str) {
        let (ov, nv) = self.values(e);
        let part = &e.key.part;
        let name = part_name(part);
        let c = match (part, m) {
            (_, "related-risks" | "related-observations" | "related-findings") => {
                return self.links(e, m, &ov, &nv);
            }
            (PartKey::Risk(_), "title") => Change::of(K::TitleEdited, "weakness name"),
            (_, "title") => Change::of(K::TitleEdited, format!("{name} title")),
            (PartKey::Risk(_), "description") => {
                Change::of(K::DescriptionEdited, "weakness description")
            }
            (PartKey::Risk(_), "statement") => Change::of(K::DescriptionEdited, "risk statement"),
            (_, "description" | "statement") => {
                Change::of(K::DescriptionEdited, format!("{name} {m}"))
            }
            (PartKey::Risk(_), "status") => Change::of(K::StatusChanged, "status"),
            (PartKey::Risk(_), "deadline") => return self.deadline(&ov, &nv),
            (PartKey::Observation(u), "subjects") => return self.subjects(e, u, &ov, &nv),
            (PartKey::Observation(u), "collected") => {
                let c = self.collected(e, u, &ov, &nv);
                return self.out.push(c);
            }
            (_, "origins") => {
                let mut c = generic(e, format!("{name} origins"), &ov, &nv);
                c.old = origins_text(&ov, self.assets);
                c.new = origins_text(&nv, self.assets);
                return self.out.push(c);
            }
            _ => return self.out.push(generic(e, format!("{name} {m}"), &ov, &nv)),
        };
        let (o, n) = member_texts(m, &ov, &nv);
        self.out.push(c.old(o).new_value(n));
    }

    fn links(&mut self, e: &Edit, m: &str, ov: &Value, nv: &Value) {
        let kind_name = m.trim_start_matches("related-").trim_end_matches('s');
        let uuids = |v: &Value| -> BTreeSet<String> {
            v.as_array()
                .into_iter()
                .flatten()
                .filter_map(|r| r.as_object())
                .filter_map(|r| r.values().find_map(|x| x.as_str()))
                .map(uuid_key)
                .collect()
        };
        let (o, n) = (uuids(ov), uuids(nv));
        let part_of = |u: &str| match kind_name {
            "risk" => PartKey::Risk(u.to_owned()),
            "observation" => PartKey::Observation(u.to_owned()),
            _ => PartKey::Finding(u.to_owned()),
        };
        for u in n.difference(&o) {
            self.linked.insert(u.clone());
            let title = part_title(self.new, &part_of(u));
            self.out
                .push(Change::of(K::Linked, kind_name).subject(title));
        }
        for u in o.difference(&n) {
            let title = part_title(self.old, &part_of(u));
            self.out
                .push(Change::of(K::Unlinked, kind_name).subject(title));
        }
        if o == n {
            let name = part_name(&e.key.part);
            self.out.push(generic(e, format!("{name} {m}"), ov, nv));
        }
    }

    fn deadline(&mut self, ov: &Value, nv: &Value) {
        let c = match (ov.as_str(), nv.as_str()) {
            (None, Some(n)) => Change::of(K::DeadlineSet, "deadline").new_value(Some(show_date(n))),
            (Some(o), None) => Change::of(K::DeadlineRemoved, "deadline").old(Some(show_date(o))),
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
                Change::of(kind, "deadline")
                    .old(Some(os))
                    .new_value(Some(ns))
                    .days(days)
            }
            (None, None) => return,
        };
        self.out.push(c);
    }

    fn subjects(&mut self, e: &Edit, u: &str, ov: &Value, nv: &Value) {
        let (o, n) = (self.old.observation(u), self.new.observation(u));
        let is_assets = n.or(o).is_some_and(fedramp::is_asset_observation);
        let subjects = |x: Option<&Observation>| -> BTreeMap<String, String> {
            x.into_iter()
                .flat_map(|o| o.subjects.iter())
                .map(|s| {
                    let title = s.title.as_ref().map(poam_model::MarkupLine::plain_text);
                    (
                        uuid_key(&s.subject_uuid),
                        self.assets.name(&s.subject_uuid, title),
                    )
                })
                .collect()
        };
        let (os, ns) = (subjects(o), subjects(n));
        let before = self.out.len();
        if is_assets {
            for (k, name) in &ns {
                if !os.contains_key(k) {
                    self.out
                        .push(Change::of(K::AssetAdded, "asset").subject(name.clone()));
                }
            }
            for (k, name) in &os {
                if !ns.contains_key(k) {
                    self.out
                        .push(Change::of(K::AssetRemoved, "asset").subject(name.clone()));
                }
            }
        }
        if self.out.len() == before {
            self.out
                .push(generic(e, "observation subjects".into(), ov, nv));
        }
    }

    /// Only a finding's observation dates the detection; a vendor-dependency or deviation
    /// observation is dated by the check-in or request it records.
    fn collected(&self, e: &Edit, u: &str, ov: &Value, nv: &Value) -> Change {
        let field = match self.new.observation(u).or(self.old.observation(u)) {
            Some(o) if !fedramp::is_asset_observation(o) => {
                let kind = o
                    .types
                    .iter()
                    .map(poam_model::datatypes::Token::as_str)
                    .collect::<Vec<_>>()
                    .join("/");
                format!("{kind} observation date")
            }
            _ => "detection date".to_owned(),
        };
        let mut c = generic(e, field, ov, nv);
        c.old = ov.as_str().map(show_date);
        c.new = nv.as_str().map(show_date);
        if let (Some(o), Some(n)) = (ov.as_str(), nv.as_str()) {
            c.days = days_between(o, n);
        }
        c
    }

    fn characterization(&mut self, e: &Edit, k: &str) {
        let u = e.key.part.uuid().unwrap_or_default();
        let o = self.old.risk(u).and_then(|x| edits::characterization(x, k));
        let n = self.new.risk(u).and_then(|x| edits::characterization(x, k));
        let before = self.out.len();
        if let (Some(o), Some(n)) = (o, n)
            && o.origin != n.origin
        {
            self.out.push(self.origin_change(o, n));
        }
        characterizations(o, n, &mut self.out);
        if self.out.len() == before {
            let (ov, nv) = self.values(e);
            self.out
                .push(generic(e, "risk characterization".into(), &ov, &nv));
        }
    }

    /// The characterization by origin `from` became the one by origin `to`.
    fn origin_moved(&mut self, part: &PartKey, from: &str, to: &str) {
        let u = part.uuid().unwrap_or_default();
        let o = self
            .old
            .risk(u)
            .and_then(|x| edits::characterization(x, from));
        let n = self
            .new
            .risk(u)
            .and_then(|x| edits::characterization(x, to));
        if let (Some(o), Some(n)) = (o, n) {
            self.out.push(self.origin_change(o, n));
        }
        characterizations(o, n, &mut self.out);
    }

    fn origin_change(&self, o: &Characterization, n: &Characterization) -> Change {
        let actors = |c: &Characterization| {
            serde_json::to_value(&c.origin)
                .ok()
                .and_then(|v| actors_text(&v, self.assets))
        };
        Change::of(K::FieldChanged, "risk characterization origin")
            .old(actors(o))
            .new_value(actors(n))
    }

    fn remediation(&mut self, e: &Edit, r: &str) {
        let u = e.key.part.uuid().unwrap_or_default();
        let title = |x: Option<&Risk>| {
            x.and_then(|x| edits::response(x, r))
                .map(|resp| format!("{} ({})", resp.title.plain_text(), resp.lifecycle))
        };
        if e.presence == Presence::Removed {
            let c = Change::of(K::RemediationRemoved, "remediation")
                .subject(title(self.old.risk(u)).unwrap_or_default());
            return self.out.push(c);
        }
        let n = self.new.risk(u);
        self.out.push(
            Change::of(K::RemediationAdded, "remediation").subject(title(n).unwrap_or_default()),
        );
        let milestones = n
            .and_then(|x| edits::response(x, r))
            .into_iter()
            .flat_map(|resp| resp.tasks.iter())
            .filter(|t| fedramp::is_milestone(t));
        self.out.extend(milestones.map(milestone_added));
    }

    fn remediation_member(&mut self, e: &Edit, r: &str, m: &str) {
        let (ov, nv) = self.values(e);
        let (o, n) = member_texts(m, &ov, &nv);
        let u = e.key.part.uuid().unwrap_or_default();
        let title = self
            .old
            .risk(u)
            .and_then(|x| edits::response(x, r))
            .map(|resp| resp.title.plain_text())
            .unwrap_or_default();
        let c = Change::of(K::RemediationChanged, m)
            .subject(title)
            .old(o)
            .new_value(n);
        self.out.push(c);
    }

    /// New parts that no link change named (linked from another part, not the poam-item).
    fn new_parts_not_linked(&mut self, edits: &[Edit]) {
        for e in edits {
            if e.key.field == Field::Part
                && let (Some(kind), Some(u)) = (e.key.part.kind(), e.key.part.uuid())
                && !self.linked.contains(u)
            {
                let mut c =
                    Change::of(K::Linked, kind.name()).subject(part_title(self.new, &e.key.part));
                c.part = Some(u.to_owned());
                self.out.push(c);
            }
        }
    }
}

/// A part's title for people: its title, else its uuid.
fn part_title(parts: &Parts<'_>, part: &PartKey) -> String {
    let title = match part {
        PartKey::Item => None,
        PartKey::Risk(u) => parts.risk(u).map(|r| r.title.plain_text()),
        PartKey::Observation(u) => parts.observation(u).map(|o| {
            o.title.as_ref().map_or_else(
                || short(&o.description.plain_text(), 60),
                poam_model::MarkupLine::plain_text,
            )
        }),
        PartKey::Finding(u) => parts.finding(u).map(|f| f.title.plain_text()),
    };
    title
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| part.uuid().unwrap_or_default().to_owned())
}

/// The actors of an origin (OSCAL JSON), for people: `tool "Nessus" (plugin-id 19506)`.
fn actors_text(origin: &Value, assets: &AssetNames) -> Option<String> {
    let actors = origin.get("actors")?.as_array()?;
    let shown: Vec<String> = actors
        .iter()
        .map(|a| {
            let kind = a.get("type").and_then(Value::as_str).unwrap_or("actor");
            let uuid = a.get("actor-uuid").and_then(Value::as_str).unwrap_or("");
            let mut s = format!("{kind} {:?}", assets.name(uuid, None));
            if let Some(role) = a.get("role-id").and_then(Value::as_str) {
                let _ = write!(s, " as {role}");
            }
            let props: Vec<String> = a
                .get("props")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|p| {
                    Some(format!(
                        "{} {}",
                        p.get("name")?.as_str()?,
                        p.get("value")?.as_str()?
                    ))
                })
                .collect();
            if !props.is_empty() {
                let _ = write!(s, " ({})", props.join(", "));
            }
            s
        })
        .collect();
    (!shown.is_empty()).then(|| shown.join(" and "))
}

/// Each origin of a list of origins (OSCAL JSON), for people, `; ` between them.
fn origins_text(origins: &Value, assets: &AssetNames) -> Option<String> {
    let shown: Vec<String> = origins
        .as_array()?
        .iter()
        .filter_map(|o| actors_text(o, assets))
        .collect();
    (!shown.is_empty()).then(|| shown.join("; "))
}

/// The `value`s of a JSON list of props.
fn prop_values(v: &Value) -> Value {
    Value::Array(
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p.get("value").cloned())
            .collect(),
    )
}

fn milestone_added(t: &Task) -> Change {
    Change::of(K::MilestoneAdded, "milestone")
        .subject(t.title.plain_text())
        .new_value(fedramp::task_due(t).map(show_date))
}

fn tasks(o: Option<&Task>, n: Option<&Task>, out: &mut Vec<Change>) {
    let is_milestone = n.or(o).is_some_and(fedramp::is_milestone);
    let what = if is_milestone {
        "milestone"
    } else {
        "remediation task"
    };
    match (o, n) {
        (None, Some(n)) if is_milestone => out.push(milestone_added(n)),
        (None, Some(n)) => out.push(Change::of(K::FieldAdded, what).subject(n.title.plain_text())),
        (Some(o), None) if is_milestone => {
            out.push(Change::of(K::MilestoneRemoved, what).subject(o.title.plain_text()));
        }
        (Some(o), None) => {
            out.push(Change::of(K::FieldRemoved, what).subject(o.title.plain_text()));
        }
        (Some(o), Some(n)) => {
            let kind = if is_milestone {
                K::MilestoneChanged
            } else {
                K::FieldChanged
            };
            task_changed(kind, o, n, out);
        }
        (None, None) => {}
    }
}

/// What changed in a task both sides have: due date, title, description, else each other
/// member by name.
fn task_changed(kind: K, o: &Task, n: &Task, out: &mut Vec<Change>) {
    let subject = o.title.plain_text();
    let change = |field: &str| Change::of(kind, field).subject(subject.clone());
    let before = out.len();
    let (od, nd) = (fedramp::task_due(o), fedramp::task_due(n));
    if od != nd {
        let days = od.zip(nd).and_then(|(a, b)| days_between(a, b));
        out.push(
            change("due date")
                .old(od.map(show_date))
                .new_value(nd.map(show_date))
                .days(days),
        );
    }
    if o.title != n.title {
        let (old, new) = shown(
            Some(&o.title),
            Some(&n.title),
            MarkupLine::plain_text,
            MarkupLine::to_markdown,
        );
        out.push(change("title").old(old).new_value(new));
    }
    if o.description != n.description {
        let (old, new) = shown(
            o.description.as_ref(),
            n.description.as_ref(),
            MarkupMultiline::plain_text,
            MarkupMultiline::to_markdown,
        );
        out.push(change("description").old(old).new_value(new));
    }
    if out.len() == before {
        let skip = ["uuid", "title", "description"];
        for (member, a, b) in member_differences(o, n, &skip) {
            out.push(change(&member).old(a).new_value(b));
        }
    }
}

/// Both sides of a changed member's value for people; a markup member (`title`: a line;
/// `description`, `statement`, `remarks`: multiline) as its text (see [`shown`]).
fn member_texts(member: &str, o: &Value, n: &Value) -> (Option<String>, Option<String>) {
    let (ot, nt) = (text(o), text(n));
    match member {
        "title" => {
            let (a, b) = (
                ot.as_deref().map(MarkupLine::from_markdown),
                nt.as_deref().map(MarkupLine::from_markdown),
            );
            shown(
                a.as_ref(),
                b.as_ref(),
                MarkupLine::plain_text,
                MarkupLine::to_markdown,
            )
        }
        "description" | "statement" | "remarks" => {
            let (a, b) = (
                ot.as_deref().map(MarkupMultiline::from_markdown),
                nt.as_deref().map(MarkupMultiline::from_markdown),
            );
            shown(
                a.as_ref(),
                b.as_ref(),
                MarkupMultiline::plain_text,
                MarkupMultiline::to_markdown,
            )
        }
        _ => (ot, nt),
    }
}

/// Both sides of a changed text as people read them: the text (`a < b`, not its Markdown
/// source `a \< b`), or the Markdown source when only the markup changed, so that the
/// change shows.
fn shown<T>(
    o: Option<&T>,
    n: Option<&T>,
    text: fn(&T) -> String,
    source: fn(&T) -> String,
) -> (Option<String>, Option<String>) {
    let (ot, nt) = (o.map(text), n.map(text));
    if ot == nt {
        (o.map(source), n.map(source))
    } else {
        (ot, nt)
    }
}

/// The members (OSCAL JSON names) in which two objects differ, with each side's value for
/// people; `skip` lists members told otherwise.
fn member_differences<T: serde::Serialize>(
    o: &T,
    n: &T,
    skip: &[&str],
) -> Vec<(String, Option<String>, Option<String>)> {
    let (a, b) = (
        serde_json::to_value(o).unwrap_or(Value::Null),
        serde_json::to_value(n).unwrap_or(Value::Null),
    );
    let empty = serde_json::Map::new();
    let (a, b) = (
        a.as_object().unwrap_or(&empty),
        b.as_object().unwrap_or(&empty),
    );
    let keys = a.keys().chain(b.keys().filter(|k| !a.contains_key(*k)));
    keys.filter(|k| !skip.contains(&k.as_str()))
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| {
            let side = |m: &serde_json::Map<String, Value>| m.get(k).and_then(show);
            (k.clone(), side(a), side(b))
        })
        .collect()
}

fn entry_title(e: &Entry) -> String {
    e.title
        .as_ref()
        .map(poam_model::MarkupLine::plain_text)
        .unwrap_or_default()
}

fn log_entry(o: Option<&Entry>, n: Option<&Entry>, risk: Option<&Risk>, out: &mut Vec<Change>) {
    match (o, n) {
        (None, Some(n)) => out.push(entry_added(n, risk)),
        (Some(o), None) => {
            out.push(Change::of(K::LogEntryRemoved, "risk log").subject(entry_title(o)));
        }
        // A workbook holds only the last vendor check-in: one entry whose date moves on.
        (Some(o), Some(n)) if poam_fedramp::is_vendor_check_in(n) && o.start != n.start => {
            let note = n.description.as_ref().map(|d| short(&d.plain_text(), 80));
            out.push(
                Change::of(K::VendorCheckIn, "vendor check-in")
                    .new_value(Some(show_date(&n.start)))
                    .old(note),
            );
        }
        (Some(o), Some(n)) => entry_changed(o, n, out),
        (None, None) => {}
    }
}

fn entry_added(n: &Entry, risk: Option<&Risk>) -> Change {
    let start = Some(show_date(&n.start));
    if poam_fedramp::is_vendor_check_in(n) {
        let note = n.description.as_ref().map(|d| short(&d.plain_text(), 80));
        return Change::of(K::VendorCheckIn, "vendor check-in")
            .new_value(start)
            .old(note);
    }
    if fedramp::is_milestone_complete(n) {
        let milestone = n
            .related_responses
            .iter()
            .flat_map(|r| r.related_tasks.iter().map(move |t| (r, t)))
            .find_map(|(r, t)| risk.and_then(|x| edits::task(x, &r.response_uuid, &t.task_uuid)))
            .map_or_else(|| entry_title(n), |t| t.title.plain_text());
        return Change::of(K::MilestoneCompleted, "milestone")
            .subject(milestone)
            .new_value(start);
    }
    Change::of(K::LogEntryAdded, "risk log")
        .subject(entry_title(n))
        .new_value(start)
}

/// What changed in a log entry both sides have: its date (with the days it moved), else
/// each member that differs.
fn entry_changed(o: &Entry, n: &Entry, out: &mut Vec<Change>) {
    let change = |field: &str| Change::of(K::LogEntryChanged, field).subject(entry_title(o));
    if o.start != n.start {
        out.push(
            change("date")
                .old(Some(show_date(&o.start)))
                .new_value(Some(show_date(&n.start)))
                .days(days_between(&o.start, &n.start)),
        );
    }
    for (member, a, b) in member_differences(o, n, &["uuid", "start"]) {
        out.push(change(&member).old(a).new_value(b));
    }
}

/// Rating facets by a reviewer's name for them (`adjusted risk rating`, `original
/// likelihood`, …), other facets by `facet <name>`.
fn facets(c: Option<&Characterization>) -> BTreeMap<String, Vec<String>> {
    let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in c.into_iter().flat_map(|c| c.facets.iter()) {
        let label = if fedramp::is_rating_facet(f) {
            let state = match fedramp::facet_state(f) {
                poam_fedramp::facets::INITIAL => "original ".to_owned(),
                "" => String::new(),
                other => format!("{other} "),
            };
            let name = if f.name == poam_fedramp::facets::RISK {
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
                (None, _) => K::FieldAdded,
                (_, None) => K::FieldRemoved,
                _ => K::FieldChanged,
            }
        } else {
            K::RiskRatingChanged
        };
        out.push(Change::of(kind, k.clone()).old(join(x)).new_value(join(y)));
    }
}
