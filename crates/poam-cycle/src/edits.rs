//! Field-level differences between two versions of one item, as keys into the item
//! ([`FieldKey`]): the common ground of `diff` (which describes them) and `merge` (which
//! applies them and detects conflicts between updates).

use std::collections::{BTreeMap, HashMap};

use poam_model::{
    Characterization, Finding, MitigatingFactor, Observation, PoamItem, Property, RequiredAsset,
    Response, Risk, RiskLog, Task,
};

use crate::item::{PartKind, Parts, uuid_key, uuid_key_ref};
use crate::members::{
    FINDING_MEMBERS, ITEM_MEMBERS, Member, OBSERVATION_MEMBERS, RESPONSE_MEMBERS, RISK_MEMBERS,
};

/// Which object of an item a field belongs to. Parts are named by uuid (lower case) as BASE
/// (or the older side) knows them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum PartKey {
    Item,
    Risk(String),
    Observation(String),
    Finding(String),
}

impl PartKey {
    pub(crate) fn kind(&self) -> Option<PartKind> {
        match self {
            PartKey::Item => None,
            PartKey::Risk(_) => Some(PartKind::Risk),
            PartKey::Observation(_) => Some(PartKind::Observation),
            PartKey::Finding(_) => Some(PartKind::Finding),
        }
    }

    pub(crate) fn uuid(&self) -> Option<&str> {
        match self {
            PartKey::Item => None,
            PartKey::Risk(u) | PartKey::Observation(u) | PartKey::Finding(u) => Some(u),
        }
    }

    fn of(kind: PartKind, uuid: &str) -> Self {
        let u = uuid_key(uuid);
        match kind {
            PartKind::Risk => PartKey::Risk(u),
            PartKind::Observation => PartKey::Observation(u),
            PartKind::Finding => PartKey::Finding(u),
        }
    }
}

/// The namespace of a prop, as review cycles group props: every published spelling of
/// FedRAMP's namespace is one namespace.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum PropNs {
    /// No `ns`: OSCAL's own props (and older FedRAMP content that omits it).
    Oscal,
    FedRamp,
    /// Any other namespace, as written.
    Other(String),
}

/// The props of one name in one namespace.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct PropKey {
    pub ns: PropNs,
    pub name: String,
}

impl PropKey {
    pub(crate) fn of(p: &Property) -> Self {
        let ns = match p.ns.as_deref() {
            None => PropNs::Oscal,
            Some(n) if poam_fedramp::namespace::is_fedramp_ns(n) => PropNs::FedRamp,
            Some(n) => PropNs::Other(n.to_owned()),
        };
        Self {
            ns,
            name: p.name.to_string(),
        }
    }

    pub(crate) fn is_poam_id(&self) -> bool {
        matches!(self.ns, PropNs::Oscal | PropNs::FedRamp)
            && self.name.eq_ignore_ascii_case(poam_fedramp::props::POAM_ID)
    }

    pub(crate) fn is_deviation(&self) -> bool {
        self.ns == PropNs::FedRamp && poam_fedramp::props::DEVIATIONS.contains(&self.name.as_str())
    }
}

/// A field of one part of an item, at the grain at which cycles are compared and merged.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Field {
    /// A whole member, by its OSCAL JSON name.
    Member(&'static str),
    /// All props of one name.
    Props(PropKey),
    /// The characterization of a risk made by one origin (its actors, see [`origin_key`]):
    /// a scanner's and an assessor's characterizations are separate fields.
    Characterization(String),
    /// A mitigating factor of a risk, by uuid.
    MitigatingFactor(String),
    /// A whole remediation (response) of a risk, by uuid: present on one side only.
    Remediation(String),
    /// A member of a remediation both sides have.
    RemediationMember(String, &'static str),
    /// A task (milestone) of a remediation, by response and task uuid.
    Task(String, String),
    /// A required asset of a remediation, by response and asset uuid.
    RequiredAsset(String, String),
    /// A risk-log entry, by uuid.
    LogEntry(String),
    /// The part itself is new to the item.
    Part,
}

/// A field of an item.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct FieldKey {
    pub part: PartKey,
    pub field: Field,
}

/// How a field differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Presence {
    /// Only the newer side has it.
    Added,
    /// Only the older side has it.
    Removed,
    /// Both have it, differently.
    Changed,
}

/// One difference between two versions of an item.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Edit {
    pub key: FieldKey,
    pub presence: Presence,
}

/// Renames the parts of `upd` to the uuids of the parts of `base` they stand for (same uuid;
/// otherwise, one by one in order among those left), and its references with them, so that
/// both versions of the item can be compared field by field; then its remediations and
/// milestones likewise (`align_remediations`). Borrowed parts stay borrowed
/// unless a uuid actually changes.
pub(crate) fn align<'u>(base: &Parts<'_>, mut upd: Parts<'u>) -> Parts<'u> {
    let renames = part_renames(base, &upd);
    if !renames.is_empty() {
        rename_parts(&mut upd, &renames);
    }
    align_remediations(base, &mut upd);
    upd
}

/// Uuid (lower case) -> new uuid: each part of `upd` to the part of `base` it stands for.
fn part_renames(base: &Parts<'_>, upd: &Parts<'_>) -> HashMap<String, String> {
    fn pairing(base: &[&str], upd: &[&str]) -> Vec<Option<String>> {
        let mut taken = vec![false; base.len()];
        let mut out: Vec<Option<String>> = upd
            .iter()
            .map(|u| {
                let i = base.iter().position(|b| b.eq_ignore_ascii_case(u))?;
                taken[i] = true;
                Some(base[i].to_owned())
            })
            .collect();
        let mut free = (0..base.len()).filter(|&i| !taken[i]);
        for o in out.iter_mut().filter(|o| o.is_none()) {
            match free.next() {
                Some(i) => *o = Some(base[i].to_owned()),
                None => break,
            }
        }
        out
    }
    fn uuids<'x, T: Clone>(
        xs: &'x [std::borrow::Cow<'_, T>],
        uuid: fn(&T) -> &str,
    ) -> Vec<&'x str> {
        xs.iter().map(|x| uuid(x)).collect()
    }
    let mut renames: HashMap<String, String> = HashMap::new();
    let mut note = |from: &[&str], to: Vec<Option<String>>| {
        for (from, to) in from.iter().zip(to) {
            if let Some(to) = to
                && to != *from
            {
                renames.insert(uuid_key(from), to);
            }
        }
    };
    let risk: fn(&Risk) -> &str = |r| r.uuid.as_str();
    let observation: fn(&Observation) -> &str = |o| o.uuid.as_str();
    let finding: fn(&Finding) -> &str = |f| f.uuid.as_str();
    let (br, ur) = (uuids(&base.risks, risk), uuids(&upd.risks, risk));
    note(&ur, pairing(&br, &ur));
    let (bo, uo) = (
        uuids(&base.observations, observation),
        uuids(&upd.observations, observation),
    );
    note(&uo, pairing(&bo, &uo));
    let (bf, uf) = (
        uuids(&base.findings, finding),
        uuids(&upd.findings, finding),
    );
    note(&uf, pairing(&bf, &uf));
    renames
}

/// Applies `renames` to the parts of `upd` and to every reference between them.
fn rename_parts(upd: &mut Parts<'_>, renames: &HashMap<String, String>) {
    let rename = |u: &mut poam_model::datatypes::Uuid| {
        if let Some(n) = renames.get(uuid_key_ref(u).as_ref()) {
            *u = n.as_str().into();
        }
    };
    let is_renamed = |u: &str| renames.contains_key(uuid_key_ref(u).as_ref());
    let item = upd.item.to_mut();
    item.related_risks
        .iter_mut()
        .for_each(|r| rename(&mut r.risk_uuid));
    item.related_observations
        .iter_mut()
        .for_each(|r| rename(&mut r.observation_uuid));
    item.related_findings
        .iter_mut()
        .for_each(|r| rename(&mut r.finding_uuid));
    for r in &mut upd.risks {
        if is_renamed(&r.uuid)
            || r.related_observations
                .iter()
                .any(|o| is_renamed(&o.observation_uuid))
        {
            let r = r.to_mut();
            rename(&mut r.uuid);
            r.related_observations
                .iter_mut()
                .for_each(|o| rename(&mut o.observation_uuid));
        }
    }
    for o in &mut upd.observations {
        if is_renamed(&o.uuid) {
            rename(&mut o.to_mut().uuid);
        }
    }
    for f in &mut upd.findings {
        let refs_renamed = f
            .related_observations
            .iter()
            .any(|o| is_renamed(&o.observation_uuid))
            || f.related_risks.iter().any(|r| is_renamed(&r.risk_uuid));
        if is_renamed(&f.uuid) || refs_renamed {
            let f = f.to_mut();
            rename(&mut f.uuid);
            f.related_observations
                .iter_mut()
                .for_each(|o| rename(&mut o.observation_uuid));
            f.related_risks
                .iter_mut()
                .for_each(|r| rename(&mut r.risk_uuid));
        }
    }
}

/// Pairs the elements of `upd` with those of `base` they stand for: the same uuid, else,
/// among those left, the first with the same `like` key. Returns (upd index, base index).
fn pair_like<T, K: PartialEq>(
    base: &[T],
    upd: &[T],
    uuid: impl Fn(&T) -> &str,
    like: impl Fn(&T) -> K,
) -> Vec<(usize, usize)> {
    let mut taken = vec![false; base.len()];
    let mut pairs: Vec<Option<usize>> = upd
        .iter()
        .map(|u| {
            let i = base
                .iter()
                .position(|b| uuid(b).eq_ignore_ascii_case(uuid(u)))?;
            taken[i] = true;
            Some(i)
        })
        .collect();
    for (ui, u) in upd.iter().enumerate() {
        if pairs[ui].is_some() {
            continue;
        }
        let key = like(u);
        if let Some(i) = (0..base.len()).find(|&i| !taken[i] && like(&base[i]) == key) {
            taken[i] = true;
            pairs[ui] = Some(i);
        }
    }
    pairs
        .into_iter()
        .enumerate()
        .filter_map(|(u, b)| b.map(|b| (u, b)))
        .collect()
}

/// Renames the remediations of each risk of `upd` to those of the same risk in `base` they
/// stand for (same uuid; else the same lifecycle and title), and their milestones likewise
/// (same uuid; else the same title), with the risk log's references to them. A copy made
/// elsewhere (a workbook import, a scanner's export) gives the same plan new uuids; without
/// this it would read as a second plan.
fn align_remediations(base: &Parts<'_>, upd: &mut Parts<'_>) {
    for r in &mut upd.risks {
        let Some(b) = base.risk(&r.uuid) else {
            continue;
        };
        let mut renames: HashMap<String, String> = HashMap::new();
        let mut note = |from: &str, to: &str| {
            if !from.eq_ignore_ascii_case(to) {
                renames.insert(uuid_key(from), to.to_owned());
            }
        };
        let responses = pair_like(
            &b.remediations,
            &r.remediations,
            |x| x.uuid.as_str(),
            |x| (x.lifecycle.to_string(), x.title.clone()),
        );
        for (ui, bi) in responses {
            let (bu, uu) = (&b.remediations[bi], &r.remediations[ui]);
            note(&uu.uuid, &bu.uuid);
            for (ti, bti) in pair_like(
                &bu.tasks,
                &uu.tasks,
                |t| t.uuid.as_str(),
                |t| t.title.clone(),
            ) {
                note(&uu.tasks[ti].uuid, &bu.tasks[bti].uuid);
            }
        }
        if renames.is_empty() {
            continue;
        }
        let rename = |u: &mut poam_model::datatypes::Uuid| {
            if let Some(n) = renames.get(uuid_key_ref(u).as_ref()) {
                *u = n.as_str().into();
            }
        };
        let r = r.to_mut();
        for resp in &mut r.remediations {
            rename(&mut resp.uuid);
            for t in &mut resp.tasks {
                rename(&mut t.uuid);
                t.dependencies
                    .iter_mut()
                    .for_each(|d| rename(&mut d.task_uuid));
            }
        }
        for e in r.risk_log.iter_mut().flat_map(|l| l.entries.iter_mut()) {
            for rr in &mut e.related_responses {
                rename(&mut rr.response_uuid);
                rr.related_tasks
                    .iter_mut()
                    .for_each(|t| rename(&mut t.task_uuid));
            }
        }
    }
}

/// Every field in which `upd` differs from `base` (both versions of one item; `upd` aligned
/// with [`align`]), in a stable order.
pub(crate) fn edits(base: &Parts<'_>, upd: &Parts<'_>) -> Vec<Edit> {
    let mut out = Vec::new();
    let item = PartKey::Item;
    members(&item, ITEM_MEMBERS, &base.item, &upd.item, &mut out);
    props(&item, &base.item.props, &upd.item.props, &mut out);
    for r in &upd.risks {
        match base.risk(&r.uuid) {
            Some(b) => risk_edits(b, r, &mut out),
            None => out.push(added_part(PartKind::Risk, &r.uuid)),
        }
    }
    for o in &upd.observations {
        match base.observation(&o.uuid) {
            Some(b) => {
                let part = PartKey::of(PartKind::Observation, &o.uuid);
                members(&part, OBSERVATION_MEMBERS, b, o, &mut out);
                props(&part, &b.props, &o.props, &mut out);
            }
            None => out.push(added_part(PartKind::Observation, &o.uuid)),
        }
    }
    for f in &upd.findings {
        match base.finding(&f.uuid) {
            Some(b) => {
                let part = PartKey::of(PartKind::Finding, &f.uuid);
                members(&part, FINDING_MEMBERS, b, f, &mut out);
                props(&part, &b.props, &f.props, &mut out);
            }
            None => out.push(added_part(PartKind::Finding, &f.uuid)),
        }
    }
    out
}

fn added_part(kind: PartKind, uuid: &str) -> Edit {
    Edit {
        key: FieldKey {
            part: PartKey::of(kind, uuid),
            field: Field::Part,
        },
        presence: Presence::Added,
    }
}

fn members<T>(part: &PartKey, table: &'static [Member<T>], base: &T, upd: &T, out: &mut Vec<Edit>) {
    for m in table {
        if !(m.eq)(base, upd) {
            out.push(Edit {
                key: FieldKey {
                    part: part.clone(),
                    field: Field::Member(m.name),
                },
                presence: Presence::Changed,
            });
        }
    }
}

/// Props grouped by [`PropKey`], in key order.
fn group(props: &[Property]) -> BTreeMap<PropKey, Vec<&Property>> {
    let mut m: BTreeMap<PropKey, Vec<&Property>> = BTreeMap::new();
    for p in props {
        m.entry(PropKey::of(p)).or_default().push(p);
    }
    m
}

/// Props equal but for the spelling of the FedRAMP namespace.
fn props_eq(a: &[&Property], b: &[&Property]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x.name == y.name
                && x.value == y.value
                && x.uuid == y.uuid
                && x.class == y.class
                && x.group == y.group
                && x.remarks == y.remarks
                && PropKey::of(x).ns == PropKey::of(y).ns
        })
}

fn props(part: &PartKey, base: &[Property], upd: &[Property], out: &mut Vec<Edit>) {
    if base == upd {
        return;
    }
    let (b, u) = (group(base), group(upd));
    let mut keys: Vec<&PropKey> = b.keys().chain(u.keys()).collect();
    keys.sort();
    keys.dedup();
    for k in keys {
        let presence = match (b.get(k), u.get(k)) {
            (Some(x), Some(y)) if props_eq(x, y) => continue,
            (Some(_), Some(_)) => Presence::Changed,
            (None, Some(_)) => Presence::Added,
            (Some(_), None) => Presence::Removed,
            (None, None) => continue,
        };
        out.push(Edit {
            key: FieldKey {
                part: part.clone(),
                field: Field::Props(k.clone()),
            },
            presence,
        });
    }
}

/// Calls `f` for every uuid either list has that differs: base's order, then `upd`'s new ones.
fn keyed<'x, T: PartialEq>(
    base: &'x [T],
    upd: &'x [T],
    uuid: fn(&T) -> &str,
    mut f: impl FnMut(&'x str, Option<&'x T>, Option<&'x T>),
) {
    if base == upd {
        return;
    }
    let find = |xs: &'x [T], u: &str| xs.iter().find(|x| uuid(x).eq_ignore_ascii_case(u));
    for b in base {
        let u = find(upd, uuid(b));
        if u != Some(b) {
            f(uuid(b), Some(b), u);
        }
    }
    for u in upd {
        if find(base, uuid(u)).is_none() {
            f(uuid(u), None, Some(u));
        }
    }
}

fn presence<T>(b: Option<&T>, u: Option<&T>) -> Presence {
    match (b, u) {
        (None, _) => Presence::Added,
        (Some(_), None) => Presence::Removed,
        (Some(_), Some(_)) => Presence::Changed,
    }
}

/// A risk's log entries (none without a log).
fn entries(r: &Risk) -> &[poam_model::Entry] {
    r.risk_log
        .as_ref()
        .map_or(&[][..], |l| l.entries.as_slice())
}

fn risk_edits(base: &Risk, upd: &Risk, out: &mut Vec<Edit>) {
    let part = PartKey::of(PartKind::Risk, &base.uuid);
    members(&part, RISK_MEMBERS, base, upd, out);
    props(&part, &base.props, &upd.props, out);
    let mut push = |field: Field, presence: Presence| {
        out.push(Edit {
            key: FieldKey {
                part: part.clone(),
                field,
            },
            presence,
        });
    };
    if base.characterizations != upd.characterizations {
        let mut keys: Vec<String> = base
            .characterizations
            .iter()
            .chain(&upd.characterizations)
            .map(origin_key)
            .collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            let (b, u) = (characterization(base, &k), characterization(upd, &k));
            if b != u {
                push(Field::Characterization(k), presence(b, u));
            }
        }
    }
    keyed(
        &base.mitigating_factors,
        &upd.mitigating_factors,
        |m| m.uuid.as_str(),
        |id, b, u| push(Field::MitigatingFactor(uuid_key(id)), presence(b, u)),
    );
    keyed(
        &base.remediations,
        &upd.remediations,
        |r| r.uuid.as_str(),
        |id, b, u| {
            let rid = uuid_key(id);
            let (Some(b), Some(u)) = (b, u) else {
                push(Field::Remediation(rid), presence(b, u));
                return;
            };
            for m in RESPONSE_MEMBERS {
                if !(m.eq)(b, u) {
                    push(
                        Field::RemediationMember(rid.clone(), m.name),
                        Presence::Changed,
                    );
                }
            }
            keyed(
                &b.tasks,
                &u.tasks,
                |t| t.uuid.as_str(),
                |tid, tb, tu| {
                    push(Field::Task(rid.clone(), uuid_key(tid)), presence(tb, tu));
                },
            );
            keyed(
                &b.required_assets,
                &u.required_assets,
                |a| a.uuid.as_str(),
                |aid, ab, au| {
                    push(
                        Field::RequiredAsset(rid.clone(), uuid_key(aid)),
                        presence(ab, au),
                    );
                },
            );
        },
    );
    keyed(
        entries(base),
        entries(upd),
        |e| e.uuid.as_str(),
        |id, b, u| {
            push(Field::LogEntry(uuid_key(id)), presence(b, u));
        },
    );
}

/// What identifies a characterization: its origin's actors, as sorted `type:uuid` pairs.
pub(crate) fn origin_key(c: &Characterization) -> String {
    let mut actors: Vec<String> = c
        .origin
        .actors
        .iter()
        .map(|a| format!("{}:{}", a.r#type, uuid_key(&a.actor_uuid)))
        .collect();
    actors.sort();
    actors.join(",")
}

/// The characterization of `risk` whose origin is `key`.
pub(crate) fn characterization<'r>(risk: &'r Risk, key: &str) -> Option<&'r Characterization> {
    risk.characterizations.iter().find(|c| origin_key(c) == key)
}

/// The response of `risk` with uuid `id`.
pub(crate) fn response<'r>(risk: &'r Risk, id: &str) -> Option<&'r Response> {
    risk.remediations
        .iter()
        .find(|r| r.uuid.eq_ignore_ascii_case(id))
}

/// The task `task` of response `resp` of `risk`.
pub(crate) fn task<'r>(risk: &'r Risk, resp: &str, task: &str) -> Option<&'r Task> {
    response(risk, resp)?
        .tasks
        .iter()
        .find(|t| t.uuid.eq_ignore_ascii_case(task))
}

/// The risk-log entry `id` of `risk`.
pub(crate) fn entry<'r>(risk: &'r Risk, id: &str) -> Option<&'r poam_model::Entry> {
    risk.risk_log
        .as_ref()?
        .entries
        .iter()
        .find(|e| e.uuid.eq_ignore_ascii_case(id))
}

fn to_json<T: serde::Serialize>(x: Option<&T>) -> serde_json::Value {
    x.and_then(|x| serde_json::to_value(x).ok())
        .unwrap_or(serde_json::Value::Null)
}

/// The value of a field in one version of an item, as OSCAL JSON (`null` when absent): how
/// conflicts between updates are compared and shown.
pub(crate) fn value(parts: &Parts<'_>, key: &FieldKey) -> serde_json::Value {
    use serde_json::Value;
    let props = |ps: &[Property], k: &PropKey| -> Value {
        let v: Vec<&Property> = ps.iter().filter(|p| &PropKey::of(p) == k).collect();
        if v.is_empty() {
            Value::Null
        } else {
            to_json(Some(&v))
        }
    };
    match &key.part {
        PartKey::Item => {
            let item = &*parts.item;
            match &key.field {
                Field::Member(name) => {
                    Member::find(ITEM_MEMBERS, name).map_or(Value::Null, |m| (m.json)(item))
                }
                Field::Props(k) => props(&item.props, k),
                _ => Value::Null,
            }
        }
        PartKey::Risk(id) => {
            let Some(risk) = parts.risk(id) else {
                return Value::Null;
            };
            match &key.field {
                Field::Member(name) => {
                    Member::find(RISK_MEMBERS, name).map_or(Value::Null, |m| (m.json)(risk))
                }
                Field::Props(k) => props(&risk.props, k),
                Field::Characterization(k) => to_json(characterization(risk, k)),
                Field::MitigatingFactor(m) => to_json(
                    risk.mitigating_factors
                        .iter()
                        .find(|f| f.uuid.eq_ignore_ascii_case(m)),
                ),
                Field::Remediation(r) => to_json(response(risk, r)),
                Field::RemediationMember(r, name) => {
                    match (response(risk, r), Member::find(RESPONSE_MEMBERS, name)) {
                        (Some(resp), Some(m)) => (m.json)(resp),
                        _ => Value::Null,
                    }
                }
                Field::Task(r, t) => to_json(task(risk, r, t)),
                Field::RequiredAsset(r, a) => to_json(response(risk, r).and_then(|resp| {
                    resp.required_assets
                        .iter()
                        .find(|x| x.uuid.eq_ignore_ascii_case(a))
                })),
                Field::LogEntry(e) => to_json(entry(risk, e)),
                Field::Part => to_json(Some(risk)),
            }
        }
        PartKey::Observation(id) => {
            let Some(o) = parts.observation(id) else {
                return Value::Null;
            };
            match &key.field {
                Field::Member(name) => {
                    Member::find(OBSERVATION_MEMBERS, name).map_or(Value::Null, |m| (m.json)(o))
                }
                Field::Props(k) => props(&o.props, k),
                Field::Part => to_json(Some(o)),
                _ => Value::Null,
            }
        }
        PartKey::Finding(id) => {
            let Some(f) = parts.finding(id) else {
                return Value::Null;
            };
            match &key.field {
                Field::Member(name) => {
                    Member::find(FINDING_MEMBERS, name).map_or(Value::Null, |m| (m.json)(f))
                }
                Field::Props(k) => props(&f.props, k),
                Field::Part => to_json(Some(f)),
                _ => Value::Null,
            }
        }
    }
}

/// A part of the merged document being written to.
pub(crate) enum PartMut<'a> {
    Item(&'a mut PoamItem),
    Risk(&'a mut Risk),
    Observation(&'a mut Observation),
    Finding(&'a mut Finding),
}

/// Replaces the props of key `k` in `dst` with those of `src`, where the first of them was.
fn replace_props(dst: &mut Vec<Property>, src: &[Property], k: &PropKey) {
    let at = dst.iter().position(|p| &PropKey::of(p) == k);
    dst.retain(|p| &PropKey::of(p) != k);
    let at = at.unwrap_or(dst.len()).min(dst.len());
    let new: Vec<Property> = src
        .iter()
        .filter(|p| &PropKey::of(p) == k)
        .cloned()
        .collect();
    dst.splice(at..at, new);
}

/// Puts `x` in place of the element with the same uuid, or appends it.
fn upsert<T: Clone>(dst: &mut Vec<T>, x: &T, uuid: fn(&T) -> &str) {
    match dst
        .iter_mut()
        .find(|d| uuid(d).eq_ignore_ascii_case(uuid(x)))
    {
        Some(d) => d.clone_from(x),
        None => dst.push(x.clone()),
    }
}

/// Applies the field `key` of `src` (an aligned update version of the item) to `dst`.
/// Fields only the older side has are left alone: whatever has a uuid is never deleted by a
/// merge (a milestone, a log entry, a mitigating factor, a remediation).
pub(crate) fn apply(dst: PartMut<'_>, key: &FieldKey, src: &Parts<'_>) {
    match dst {
        PartMut::Item(item) => match &key.field {
            Field::Member(name) => {
                if let Some(m) = Member::find(ITEM_MEMBERS, name) {
                    (m.copy)(item, &src.item);
                }
            }
            Field::Props(k) => replace_props(&mut item.props, &src.item.props, k),
            _ => {}
        },
        PartMut::Risk(risk) => {
            let Some(s) = key.part.uuid().and_then(|u| src.risk(u)) else {
                return;
            };
            apply_risk(risk, s, &key.field);
        }
        PartMut::Observation(o) => {
            let Some(s) = key.part.uuid().and_then(|u| src.observation(u)) else {
                return;
            };
            match &key.field {
                Field::Member(name) => {
                    if let Some(m) = Member::find(OBSERVATION_MEMBERS, name) {
                        (m.copy)(o, s);
                    }
                }
                Field::Props(k) => replace_props(&mut o.props, &s.props, k),
                _ => {}
            }
        }
        PartMut::Finding(f) => {
            let Some(s) = key.part.uuid().and_then(|u| src.finding(u)) else {
                return;
            };
            match &key.field {
                Field::Member(name) => {
                    if let Some(m) = Member::find(FINDING_MEMBERS, name) {
                        (m.copy)(f, s);
                    }
                }
                Field::Props(k) => replace_props(&mut f.props, &s.props, k),
                _ => {}
            }
        }
    }
}

fn apply_risk(risk: &mut Risk, s: &Risk, field: &Field) {
    match field {
        Field::Member(name) => {
            if let Some(m) = Member::find(RISK_MEMBERS, name) {
                (m.copy)(risk, s);
            }
        }
        Field::Props(k) => replace_props(&mut risk.props, &s.props, k),
        Field::Characterization(k) => {
            if let Some(x) = characterization(s, k) {
                match risk
                    .characterizations
                    .iter_mut()
                    .find(|c| origin_key(c) == *k)
                {
                    Some(d) => d.clone_from(x),
                    None => risk.characterizations.push(x.clone()),
                }
            }
        }
        Field::MitigatingFactor(id) => {
            if let Some(x) = s
                .mitigating_factors
                .iter()
                .find(|f| f.uuid.eq_ignore_ascii_case(id))
            {
                upsert::<MitigatingFactor>(&mut risk.mitigating_factors, x, |f| f.uuid.as_str());
            }
        }
        Field::Remediation(id) => {
            if let Some(x) = response(s, id) {
                upsert::<Response>(&mut risk.remediations, x, |r| r.uuid.as_str());
            }
        }
        Field::RemediationMember(id, name) => {
            let d = risk
                .remediations
                .iter_mut()
                .find(|r| r.uuid.eq_ignore_ascii_case(id));
            if let (Some(d), Some(x), Some(m)) =
                (d, response(s, id), Member::find(RESPONSE_MEMBERS, name))
            {
                (m.copy)(d, x);
            }
        }
        Field::Task(rid, tid) => {
            let d = risk
                .remediations
                .iter_mut()
                .find(|r| r.uuid.eq_ignore_ascii_case(rid));
            if let (Some(d), Some(x)) = (d, task(s, rid, tid)) {
                upsert::<Task>(&mut d.tasks, x, |t| t.uuid.as_str());
            }
        }
        Field::RequiredAsset(rid, aid) => {
            let d = risk
                .remediations
                .iter_mut()
                .find(|r| r.uuid.eq_ignore_ascii_case(rid));
            let x = response(s, rid).and_then(|r| {
                r.required_assets
                    .iter()
                    .find(|a| a.uuid.eq_ignore_ascii_case(aid))
            });
            if let (Some(d), Some(x)) = (d, x) {
                upsert::<RequiredAsset>(&mut d.required_assets, x, |a| a.uuid.as_str());
            }
        }
        Field::LogEntry(id) => {
            if let Some(x) = entry(s, id) {
                let log = risk.risk_log.get_or_insert_with(|| RiskLog {
                    entries: Vec::new(),
                });
                upsert(&mut log.entries, x, |e| e.uuid.as_str());
            }
        }
        Field::Part => {}
    }
}
