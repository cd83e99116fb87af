//! Month after month: an import into an existing POA&M goes through the review-cycle merge
//! engine (`poam_cycle::merge`), as one update that says only what the scan knows.
//!
//! The update is prepared against BASE with the engine's own matching: an item the scan
//! finds again is BASE's item with the scanner's facts applied (its assets: those this scan
//! did not cover stay, the found ones are listed; when it was last seen; reopened if it was
//! closed), so the provider's plan, milestones, deviations, comments, deadline and original
//! detection date are untouched; an item the scan finds first is the new item as a new
//! POA&M would have it; with `complete`, an open item of the same scanner whose every asset
//! the scan covered and which the scan no longer shows is BASE's item closed as no longer
//! detected, dated the scan. The engine then matches, logs every change in the risk logs,
//! gives new items the next POAM IDs and stamps the cycle.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::NaiveDate;
use poam_cycle::{DocIndex, ItemKeys, ItemRef, MergeError, Parts, Update};
use poam_model::datatypes::{DateTimeWithTimezone, Token};
use poam_model::{Document, Entry, PlanOfActionAndMilestones, PoamItem, SubjectReference};
use poam_xlsx::markup;

use crate::build::{prop, set_last_seen};
use crate::finding::Scan;
use poam_fedramp as fedramp;

/// How to import into BASE.
#[derive(Debug, Clone)]
pub struct IntoOptions {
    /// The cycle's date (risk-log entries, metadata).
    pub as_of: DateTimeWithTimezone,
    /// Close open items of the scanners whose assets were scanned and no longer show the
    /// weakness.
    pub complete: bool,
    /// How reports name the update (the scan files).
    pub name: String,
    /// The merged POA&M is written as a FedRAMP workbook: an item the scan finds again is
    /// refreshed only in what a workbook row holds (its assets, its status, KEV), not in
    /// the scanner's recommendation or the date it was last seen, which no column holds.
    /// Re-importing a scan into a workbook then changes nothing, instead of logging each
    /// time, in the Milestone Changes cells, facts the workbook drops again.
    pub workbook: bool,
}

/// The merged POA&M and what the import did to it.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The merged POA&M.
    pub document: Document,
    /// Items added for weaknesses the POA&M did not have.
    pub new: Vec<ItemRef>,
    /// Found again, still open (assets and last seen recorded).
    pub updated: Vec<ItemRef>,
    /// Closed items found again, opened again.
    pub reopened: Vec<ItemRef>,
    /// Closed as no longer detected.
    pub closed: Vec<ItemRef>,
    /// How many items the import left as they were.
    pub unchanged: usize,
    /// What a person should check, one sentence each.
    pub warnings: Vec<String>,
}

/// Imports `update` (built from `scans` without POAM IDs) into `base`.
pub fn import_into(
    base: &Document,
    update: &Document,
    scans: &[Scan],
    opts: &IntoOptions,
) -> Result<Imported, MergeError> {
    let bp = &base.plan_of_action_and_milestones;
    let up = &update.plan_of_action_and_milestones;
    let bi = DocIndex::new(bp);
    let ui = DocIndex::new(up);
    let base_parts: Vec<Parts<'_>> = (0..bp.poam_items.len()).map(|i| bi.parts(i)).collect();
    let update_parts: Vec<Parts<'_>> = (0..up.poam_items.len()).map(|i| ui.parts(i)).collect();
    let bkeys: Vec<ItemKeys<'_>> = base_parts.iter().map(|p| ItemKeys::of(p, &bi)).collect();
    let ukeys: Vec<ItemKeys<'_>> = update_parts.iter().map(|p| ItemKeys::of(p, &ui)).collect();
    let matching = poam_cycle::match_items(&bkeys, &ukeys);

    let names = Names::of(bp, up);
    let scan_date = scans.iter().filter_map(|s| s.date).max();
    let mut prepared = Prepared::start(up);
    let mut taken: HashSet<usize> = HashSet::new();
    let mut paired: HashMap<usize, usize> = HashMap::new();
    for p in &matching.pairs {
        paired.insert(p.new, p.old);
        taken.insert(p.old);
    }
    for a in &matching.ambiguities {
        taken.extend(a.old.iter().copied());
    }
    let last_seen = scan_date.map_or_else(|| date_of(&opts.as_of), format_day);
    for (n, parts) in update_parts.iter().enumerate() {
        match paired.get(&n) {
            Some(&old) => {
                let detector = detector_of(parts, up);
                let refreshed = refresh(
                    &base_parts[old],
                    parts,
                    &names,
                    scans,
                    detector.as_deref(),
                    (!opts.workbook).then_some(last_seen.as_str()),
                );
                prepared.push(refreshed);
            }
            None => prepared.push(owned(parts)),
        }
    }
    let mut closing: BTreeSet<String> = BTreeSet::new();
    if opts.complete {
        for (i, parts) in base_parts.iter().enumerate() {
            if taken.contains(&i) || parts.risks.is_empty() || parts.is_closed() {
                continue;
            }
            if no_longer_detected(parts, bp, &names, scans) {
                let when = scan_date.map_or_else(|| opts.as_of.clone(), midnight);
                let closed = close(parts, &when, &opts.name, scans);
                closing.extend(closed.risks.iter().map(|r| r.uuid.to_string()));
                prepared.push(closed);
            }
        }
    }
    let update_doc = prepared.finish(bp, up);
    let outcome = poam_cycle::merge(
        base,
        &[Update {
            name: &opts.name,
            document: &update_doc,
        }],
        &poam_cycle::Options {
            // A checked date-time (the CLI's `--as-of`); the epoch only if it were not.
            as_of: opts.as_of.parse().unwrap_or_default(),
            complete: false,
            prefer: None,
            force: false,
        },
    )?;
    Ok(classify(outcome, &closing))
}

fn classify(outcome: poam_cycle::Outcome, closing: &BTreeSet<String>) -> Imported {
    let r = outcome.report;
    let oi = DocIndex::new(&outcome.document.plan_of_action_and_milestones);
    let closed_here = |i: &ItemRef| {
        oi.parts(i.index)
            .risks
            .iter()
            .any(|x| closing.contains(x.uuid.as_str()))
    };
    let (closed, other_closed): (Vec<ItemRef>, Vec<ItemRef>) =
        r.closed.into_iter().partition(|i| closed_here(i));
    let mut updated = r.changed;
    updated.extend(other_closed);
    Imported {
        new: r.new,
        updated,
        reopened: r.reopened,
        closed,
        unchanged: r.unchanged,
        warnings: r.warnings,
        document: outcome.document,
    }
}

fn format_day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn midnight(d: NaiveDate) -> DateTimeWithTimezone {
    DateTimeWithTimezone::new(format!("{}T00:00:00Z", format_day(d)))
}

fn date_of(t: &DateTimeWithTimezone) -> String {
    t.as_str().get(..10).unwrap_or_default().to_owned()
}

/// An item's parts, owned (to edit and to put in the update).
#[derive(Clone)]
struct Owned {
    item: PoamItem,
    risks: Vec<poam_model::Risk>,
    observations: Vec<poam_model::Observation>,
    findings: Vec<poam_model::Finding>,
}

fn owned(p: &Parts<'_>) -> Owned {
    Owned {
        item: p.item.clone().into_owned(),
        risks: p.risks.iter().map(|r| r.clone().into_owned()).collect(),
        observations: p
            .observations
            .iter()
            .map(|o| o.clone().into_owned())
            .collect(),
        findings: p.findings.iter().map(|f| f.clone().into_owned()).collect(),
    }
}

/// The update document being put together.
struct Prepared {
    items: Vec<Owned>,
}

impl Prepared {
    fn start(_up: &PlanOfActionAndMilestones) -> Self {
        Self { items: Vec::new() }
    }

    fn push(&mut self, o: Owned) {
        self.items.push(o);
    }

    /// The update: the prepared items with the update's definitions (scanner components,
    /// the assets of new findings). The update's own placeholder provider party is BASE's
    /// provider, so that the merge does not carry a second one in.
    fn finish(self, bp: &PlanOfActionAndMilestones, up: &PlanOfActionAndMilestones) -> Document {
        let mut poam = up.clone();
        poam.poam_items = Vec::with_capacity(self.items.len());
        poam.risks.clear();
        poam.observations.clear();
        poam.findings.clear();
        let mut seen: HashSet<String> = HashSet::new();
        for o in self.items {
            for r in o.risks {
                if seen.insert(r.uuid.to_string()) {
                    poam.risks.push(r);
                }
            }
            for x in o.observations {
                if seen.insert(x.uuid.to_string()) {
                    poam.observations.push(x);
                }
            }
            for f in o.findings {
                if seen.insert(f.uuid.to_string()) {
                    poam.findings.push(f);
                }
            }
            poam.poam_items.push(o.item);
        }
        if let (Some(from), Some(to)) = (provider(up), provider(bp)) {
            for r in &mut poam.risks {
                for a in r
                    .characterizations
                    .iter_mut()
                    .flat_map(|c| c.origin.actors.iter_mut())
                {
                    if a.actor_uuid == from {
                        a.actor_uuid = to.clone();
                    }
                }
            }
        }
        Document::new(poam)
    }
}

/// The party a document names as its cloud service provider.
fn provider(p: &PlanOfActionAndMilestones) -> Option<poam_model::datatypes::Uuid> {
    p.metadata
        .responsible_parties
        .iter()
        .find(|r| r.role_id == "cloud-service-provider")
        .and_then(|r| r.party_uuids.first().cloned())
}

/// The names of every inventory item of BASE and the update (`fqdn`, `hostname`, addresses,
/// `asset-id` and the host in front of its `(detail)`), lower case, by uuid; and the titles
/// of the components.
struct Names {
    assets: HashMap<String, Vec<String>>,
    /// The most specific name of each inventory item: its `asset-id` (host and detail),
    /// else its first name.
    identities: HashMap<String, String>,
    components: HashMap<String, String>,
}

const NAME_PROPS: [&str; 5] = [
    "fqdn",
    "hostname",
    "ipv4-address",
    "ipv6-address",
    "asset-id",
];

impl Names {
    fn of(bp: &PlanOfActionAndMilestones, up: &PlanOfActionAndMilestones) -> Self {
        let mut assets: HashMap<String, Vec<String>> = HashMap::new();
        let mut components = HashMap::new();
        let mut identities = HashMap::new();
        for ld in [bp, up]
            .into_iter()
            .filter_map(|p| p.local_definitions.as_ref())
        {
            for i in &ld.inventory_items {
                let mut names = Vec::new();
                for p in i
                    .props
                    .iter()
                    .filter(|p| NAME_PROPS.contains(&p.name.as_str()))
                {
                    let v = p.value.trim().to_lowercase();
                    if let Some((head, _)) = v.split_once(" (") {
                        names.push(head.trim().to_owned());
                    }
                    names.push(v);
                }
                let identity = i
                    .props
                    .iter()
                    .find(|p| p.name == "asset-id")
                    .map(|p| p.value.trim().to_lowercase())
                    .or_else(|| names.first().cloned());
                if let Some(id) = identity {
                    identities.entry(i.uuid.to_ascii_lowercase()).or_insert(id);
                }
                assets.entry(i.uuid.to_ascii_lowercase()).or_insert(names);
            }
            for c in &ld.components {
                components
                    .entry(c.uuid.to_ascii_lowercase())
                    .or_insert_with(|| markup::line_text(&c.title).to_lowercase());
            }
        }
        Self {
            assets,
            identities,
            components,
        }
    }

    /// The asset's identity: its inventory item's, else (a subject pointing at an SSP's
    /// asset, as `--ssp` links them) the identifier as written, kept as the subject's title.
    fn identity(&self, s: &SubjectReference) -> Option<String> {
        self.identities
            .get(&s.subject_uuid.to_ascii_lowercase())
            .cloned()
            .or_else(|| subject_title(s))
    }

    /// The asset's names (as `identity`): whole, and the host before a ` (detail)`.
    fn of_subject(&self, s: &SubjectReference) -> Vec<String> {
        if let Some(v) = self.assets.get(&s.subject_uuid.to_ascii_lowercase()) {
            return v.clone();
        }
        let Some(title) = subject_title(s) else {
            return Vec::new();
        };
        let mut names = Vec::new();
        if let Some((head, _)) = title.split_once(" (") {
            names.push(head.trim().to_owned());
        }
        names.push(title);
        names
    }
}

/// A subject's title in lower case, when it has one.
fn subject_title(s: &SubjectReference) -> Option<String> {
    s.title
        .as_ref()
        .map(|t| markup::line_text(t).trim().to_lowercase())
        .filter(|t| !t.is_empty())
}

/// The scanner (lower case) of an update item: its finding's tool.
fn detector_of(parts: &Parts<'_>, up: &PlanOfActionAndMilestones) -> Option<String> {
    let tool = parts
        .observations
        .iter()
        .flat_map(|o| o.origins.iter().flat_map(|g| g.actors.iter()))
        .find(|a| a.r#type == "tool")?;
    up.local_definitions
        .as_ref()?
        .components
        .iter()
        .find(|c| c.uuid == tool.actor_uuid)
        .map(|c| markup::line_text(&c.title).to_lowercase())
}

/// The tools (component titles, lower case) a BASE item names as its detectors.
fn detectors_of(parts: &Parts<'_>, names: &Names) -> Vec<String> {
    let actors = parts
        .observations
        .iter()
        .flat_map(|o| o.origins.iter().flat_map(|g| g.actors.iter()))
        .chain(parts.risks.iter().flat_map(|r| {
            r.characterizations
                .iter()
                .flat_map(|c| c.origin.actors.iter())
        }));
    let mut out: Vec<String> = actors
        .filter(|a| a.r#type == "tool")
        .filter_map(|a| {
            names
                .components
                .get(&a.actor_uuid.to_ascii_lowercase())
                .cloned()
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Whether a tool named `title` (a workbook's "Weakness Detector Source") is the scanner
/// `detector`: the same name, or one naming the other (`Tenable Nessus`, `Nessus`).
fn same_tool(title: &str, detector: &str) -> bool {
    let t = title.trim();
    !t.is_empty() && (t == detector || t.contains(detector) || detector.contains(t))
}

/// Whether some scan of `detector` covered a host of `names`.
fn covered(scans: &[Scan], detector: &str, names: &[String]) -> bool {
    scans
        .iter()
        .any(|s| s.whole.contains(detector) || names.iter().any(|n| s.covers(detector, n)))
}

/// BASE's item with what the scan says applied; `last_seen` is `None` when the output
/// cannot hold the scanner's own facts (a workbook: no last seen, no recommendation).
fn refresh(
    base: &Parts<'_>,
    found: &Parts<'_>,
    names: &Names,
    scans: &[Scan],
    detector: Option<&str>,
    last_seen: Option<&str>,
) -> Owned {
    let mut o = owned(base);
    let found_subjects: Vec<SubjectReference> = found
        .observations
        .iter()
        .filter(|x| fedramp::item::is_asset_observation(x))
        .flat_map(|x| x.subjects.iter().cloned())
        .collect();
    if let Some(obs) = o
        .observations
        .iter_mut()
        .find(|x| fedramp::item::is_asset_observation(x))
    {
        obs.subjects = refreshed_subjects(&obs.subjects, found_subjects, names, scans, detector);
        if let Some(day) = last_seen {
            set_last_seen(&mut obs.props, day);
        }
    }
    let found_risk = found.risks.first();
    for r in &mut o.risks {
        if fedramp::item::is_closed_status(&r.status) {
            r.status = Token::new("open");
        }
        let Some(f) = found_risk else { continue };
        // An item that came from a workbook has no scanner's recommendation (no column holds
        // one), which FedRAMP requires: the scan that found it again supplies it, unless
        // the output is a workbook again.
        if last_seen.is_some() && !r.remediations.iter().any(is_recommendation) {
            r.remediations.extend(
                f.remediations
                    .iter()
                    .filter(|x| is_recommendation(x))
                    .cloned(),
            );
        }
        // A CVE that joined the KEV catalog since: FedRAMP's KEV props (the deadline stays).
        for name in [fedramp::props::KEV_CATALOG, fedramp::props::KEV_DUE_DATE] {
            let has = |rs: &[poam_model::Property]| rs.iter().any(|p| p.name == name);
            if !has(&r.props)
                && let Some(p) = f.props.iter().find(|p| p.name == name)
            {
                r.props.push(p.clone());
            }
        }
    }
    o
}

/// BASE's subjects after a scan: kept when this scan did not cover them (coverage is not
/// remediation) or found the weakness there again (under BASE's uuid); found assets BASE
/// lacks are added.
fn refreshed_subjects(
    base: &[SubjectReference],
    found: Vec<SubjectReference>,
    names: &Names,
    scans: &[Scan],
    detector: Option<&str>,
) -> Vec<SubjectReference> {
    let found_ids: HashSet<String> = found.iter().filter_map(|s| names.identity(s)).collect();
    let mut subjects: Vec<SubjectReference> = base
        .iter()
        .filter(|s| {
            names.identity(s).is_some_and(|i| found_ids.contains(&i))
                || detector.is_none_or(|d| !covered(scans, d, &names.of_subject(s)))
        })
        .cloned()
        .collect();
    for s in found {
        let known = subjects.iter().any(|x| {
            x.subject_uuid.eq_ignore_ascii_case(&s.subject_uuid)
                || (names.identity(x).is_some() && names.identity(x) == names.identity(&s))
        });
        if !known {
            subjects.push(s);
        }
    }
    subjects
}

fn is_recommendation(r: &poam_model::Response) -> bool {
    r.lifecycle.as_str() == "recommendation"
}

/// Whether `--complete` closes BASE's open item: one of the scans' scanners is its detector,
/// and that scanner covered every one of its assets (an item with no assets only when the
/// scanner covers everything it looks at).
fn no_longer_detected(
    parts: &Parts<'_>,
    _bp: &PlanOfActionAndMilestones,
    names: &Names,
    scans: &[Scan],
) -> bool {
    let tools = detectors_of(parts, names);
    let subjects: Vec<&SubjectReference> = parts
        .observations
        .iter()
        .filter(|o| fedramp::item::is_asset_observation(o))
        .flat_map(|o| o.subjects.iter())
        .collect();
    let scanners: BTreeSet<String> = scans
        .iter()
        .flat_map(|s| s.detectors.iter().map(crate::finding::Detector::key))
        .collect();
    let checks = source_ids(parts);
    scanners.iter().any(|d| {
        tools.iter().any(|t| same_tool(t, d))
            && !undecided(scans, d, &checks, &subjects, names)
            && if subjects.is_empty() {
                scans.iter().any(|s| s.whole.contains(d))
            } else {
                subjects
                    .iter()
                    .all(|s| covered(scans, d, &names.of_subject(s)))
            }
    })
}

/// The scanner's identifiers of an item's weakness (FedRAMP's `plugin-id` and
/// `vulnerability-id` on its tool actors).
fn source_ids<'p>(parts: &'p Parts<'_>) -> BTreeSet<&'p str> {
    let observed = parts
        .observations
        .iter()
        .flat_map(|o| o.origins.iter().flat_map(|g| g.actors.iter()));
    let rated = parts.risks.iter().flat_map(|r| {
        r.characterizations
            .iter()
            .flat_map(|c| c.origin.actors.iter())
    });
    observed
        .chain(rated)
        .flat_map(|a| a.props.iter())
        .filter(|p| {
            [fedramp::props::PLUGIN_ID, fedramp::props::VULNERABILITY_ID].contains(&p.name.as_str())
        })
        .map(|p| p.value.as_str())
        .collect()
}

/// Whether a check of `detector` for one of `checks` ran on one of the item's assets (or
/// anywhere, for an item without assets) and could not decide: that is not a pass.
fn undecided(
    scans: &[Scan],
    detector: &str,
    checks: &BTreeSet<&str>,
    subjects: &[&SubjectReference],
    names: &Names,
) -> bool {
    let on_item = |host: &str| {
        subjects.is_empty()
            || subjects.iter().any(|s| {
                names
                    .of_subject(s)
                    .iter()
                    .any(|n| n.trim().eq_ignore_ascii_case(host.trim()))
            })
    };
    scans.iter().flat_map(|s| s.undecided.iter()).any(|u| {
        u.detector == detector && checks.contains(u.weakness_id.as_str()) && on_item(&u.host)
    })
}

/// BASE's item closed as no longer detected on `when`.
fn close(parts: &Parts<'_>, when: &DateTimeWithTimezone, update: &str, scans: &[Scan]) -> Owned {
    let mut o = owned(parts);
    let scanners: Vec<String> = scans
        .iter()
        .flat_map(|s| s.detectors.iter().map(|d| d.name.clone()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    for r in &mut o.risks {
        if fedramp::item::is_closed_status(&r.status) {
            continue;
        }
        let old = r.status.to_string();
        r.status = Token::new(fedramp::risk_status::CLOSED);
        let description = format!(
            "No longer detected: {} scanned this item's assets ({update}) on {} and did not find the weakness (status was {old}).",
            scanners.join(", "),
            date_of(when)
        );
        let uuid = poam_cycle::uuid_for(&format!(
            "import-closed|{}|{}",
            r.uuid.to_ascii_lowercase(),
            when
        ));
        let entry = Entry {
            uuid,
            title: Some(markup::line(fedramp::log_titles::RISK_CLOSED)),
            description: Some(markup::multiline(&description)),
            start: when.clone(),
            end: None,
            props: vec![prop(
                fedramp::props::TYPE,
                None,
                fedramp::entry_types::CLOSED,
            )],
            links: Vec::new(),
            logged_by: Vec::new(),
            status_change: Some(Token::new(fedramp::risk_status::CLOSED)),
            related_responses: Vec::new(),
            remarks: None,
        };
        r.risk_log
            .get_or_insert_with(|| poam_model::RiskLog {
                entries: Vec::new(),
            })
            .entries
            .push(entry);
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tools_by_name() {
        assert!(same_tool("nessus", "nessus"));
        assert!(same_tool("tenable nessus", "nessus"));
        assert!(!same_tool("trivy", "nessus"));
        assert!(!same_tool(" ", "nessus"));
    }
}
