//! One POA&M item with everything it owns: its observations, its risk, and sometimes a finding.
//!
//! An item is first *planned* (the facts: ratings, dates, status, log entries), then the plan
//! is *built* into OSCAL JSON values. Monthly cycles replay seeded mutations on the plan
//! (close some, move deadlines within the FedRAMP limit, log vendor check-ins and status
//! updates), so cycle 2 of a seed is a believable next month of cycle 1: every UUID drawn in
//! the base plan stays the same, and only the mutated parts change.

// Random numbers are drawn below small bounds (list lengths, days, byte offsets) and xtask
// runs on 64-bit hosts: the conversions between `u64`, `i64` and `usize` keep every value.
#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

use std::fmt::Write as _;

use chrono::{Duration, NaiveDate};
use serde_json::{Value, json};

use poam_fedramp::{
    RiskRating as Rating, entry_types, facets, log_titles, namespace, part_titles, props,
    risk_status, values,
};

use super::rng::{Rng, uuid_of};
use super::text::{self, Product};
use super::{Kind, Shared, as_of, date_time};

/// A rating drawn as scanners report them: 30% low, 50% moderate, 20% high.
fn draw_rating(r: &mut Rng) -> Rating {
    match r.below(100) {
        0..=29 => Rating::Low,
        30..=79 => Rating::Moderate,
        _ => Rating::High,
    }
}

/// The rating one step lower (an approved risk adjustment).
fn lower(rating: Rating) -> Rating {
    match rating {
        Rating::High => Rating::Moderate,
        _ => Rating::Low,
    }
}

/// The deviation props FedRAMP tracks on a risk (workbook columns P, U, V, W).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Deviation {
    VendorDependency,
    RiskAdjustment,
    FalsePositive,
    OperationalRequirement,
}

impl Deviation {
    fn prop(self) -> &'static str {
        match self {
            Deviation::VendorDependency => props::VENDOR_DEPENDENCY,
            Deviation::RiskAdjustment => props::RISK_ADJUSTMENT,
            Deviation::FalsePositive => props::FALSE_POSITIVE,
            Deviation::OperationalRequirement => props::OPERATIONAL_REQUIREMENT,
        }
    }

    fn title(self) -> &'static str {
        match self {
            Deviation::VendorDependency => part_titles::VENDOR_DEPENDENCY,
            Deviation::RiskAdjustment => "Risk Adjustment",
            Deviation::FalsePositive => "False Positive",
            Deviation::OperationalRequirement => "Operational Requirement",
        }
    }
}

/// A risk-log entry in the plan.
#[derive(Debug, Clone)]
struct LogEntry {
    uuid: String,
    title: &'static str,
    description: String,
    start: NaiveDate,
    end: Option<NaiveDate>,
    entry_type: &'static str,
    status_change: Option<&'static str>,
    party: u64,
}

/// A milestone task in the plan.
#[derive(Debug, Clone)]
struct Milestone {
    uuid: String,
    title: String,
    description: String,
    start: NaiveDate,
    end: NaiveDate,
}

/// The facts of one item, from which its OSCAL objects are built.
#[derive(Debug, Clone)]
pub struct Plan {
    index: u64,
    poam_id: String,
    item_uuid: String,
    risk_uuid: String,
    obs_uuid: String,
    /// The second observation: a deviation's justification.
    deviation_obs_uuid: Option<String>,
    finding_uuid: Option<String>,
    rec_uuid: String,
    planned_uuid: String,
    char_uuid_seed: u64,
    product: Option<&'static Product>,
    config_finding: Option<(&'static str, &'static str)>,
    version_found: String,
    version_fixed: String,
    cve: Option<String>,
    plugin_id: u64,
    tool: u64,
    controls: Vec<&'static str>,
    subjects: Vec<u64>,
    evidence: Option<u64>,
    likelihood: Rating,
    impact: Rating,
    adjusted: Option<Rating>,
    deviation: Option<(Deviation, &'static str)>,
    kev_due: Option<NaiveDate>,
    detected: NaiveDate,
    detected_secs: u32,
    offset: bool,
    deadline: NaiveDate,
    /// The latest deadline FedRAMP allows (detection + 30/90/180 days, or the KEV due date).
    limit: NaiveDate,
    milestones: Vec<Milestone>,
    log: Vec<LogEntry>,
    closed: Option<NaiveDate>,
    status: &'static str,
    statement_edits: u32,
    remarks: Option<String>,
    owner: u64,
    required_asset: Option<String>,
    mitigating_factor: Option<(String, String)>,
}

impl Plan {
    /// The worst rating the item carries; its deadline is set from this, so it is timely
    /// whichever rating a checker goes by.
    fn worst(&self) -> Rating {
        self.likelihood.max(self.impact)
    }

    pub fn is_open(&self) -> bool {
        self.closed.is_none()
    }

    /// The start of the latest risk-log entry (closure comes after everything logged).
    fn last_logged(&self) -> NaiveDate {
        self.log
            .iter()
            .map(|e| e.start)
            .max()
            .unwrap_or(self.detected)
    }
}

/// Plans item `index` as first detected before `as_of` (`born` is the cycle the item first
/// appears in), then replays the monthly mutations up to `cycle`. `None` when the item was
/// removed from the POA&M in an earlier cycle.
pub fn plan(sh: &Shared, index: u64, born: u32, cycle: u32) -> Option<Plan> {
    let mut r = Rng::stream(sh.seed, Kind::Item as u64, index);
    let first_seen = as_of(born);
    // Items of the first cycle were found over the past ~15 months; later ones in the past month.
    let age = if born == 1 { (3, 450) } else { (1, 28) };
    let detected = first_seen - Duration::days(r.range(age.0, age.1) as i64);
    let detected_secs = r.below(86_400) as u32;
    let is_config = r.percent(25);
    let (product, config_finding) = if is_config {
        (None, Some(*r.pick(text::CONFIG_FINDINGS)))
    } else {
        (Some(r.pick(text::PRODUCTS)), None)
    };
    let (version_found, version_fixed) = draw_versions(&mut r);
    let cve = (!is_config).then(|| text::cve(&mut r));
    let controls = draw_controls(&mut r, config_finding.map(|(_, c)| c));
    let n_subjects = r.range(1, 4);
    let subjects = (0..n_subjects).map(|_| r.below(sh.inventory)).collect();
    let evidence = r.percent(40).then(|| r.below(sh.evidence));
    let likelihood = draw_rating(&mut r);
    let impact = draw_rating(&mut r);
    let deviation = draw_deviation(&mut r, is_config);
    let adjusted = match deviation {
        Some((Deviation::RiskAdjustment, values::APPROVED)) => Some(lower(likelihood.max(impact))),
        _ => None,
    };
    let kev_due =
        (!is_config && r.percent(6)).then(|| detected + Duration::days(r.range(14, 21) as i64));
    let (deadline, limit) = draw_deadline(&mut r, detected, likelihood.max(impact), kev_due);
    let milestones = draw_milestones(&mut r, detected, deadline, product, &version_fixed);

    let owner = r.below(sh.engineers);
    let tool = if is_config { 4 } else { r.below(4) };
    let log = vec![LogEntry {
        uuid: r.uuid(),
        title: "POA&M Item Opened",
        description: format!(
            "Weakness imported from the {} scan and added to the POA&M.",
            text::TOOLS[tool as usize].1
        ),
        start: detected + Duration::days(r.range(0, 3) as i64),
        end: None,
        entry_type: entry_types::STATUS_UPDATE,
        status_change: Some(risk_status::OPEN),
        party: owner,
    }];
    let mut plan = Plan {
        index,
        poam_id: format!("V-{:06}", index + 1),
        item_uuid: r.uuid(),
        risk_uuid: r.uuid(),
        obs_uuid: r.uuid(),
        deviation_obs_uuid: deviation.map(|_| r.uuid()),
        finding_uuid: r.percent(20).then(|| r.uuid()),
        rec_uuid: r.uuid(),
        planned_uuid: r.uuid(),
        char_uuid_seed: r.next_u64(),
        product,
        config_finding,
        version_found,
        version_fixed,
        cve,
        plugin_id: r.range(10_000, 250_000),
        tool,
        controls,
        subjects,
        evidence,
        likelihood,
        impact,
        adjusted,
        deviation,
        kev_due,
        detected,
        detected_secs,
        offset: r.percent(20),
        deadline,
        limit,
        milestones,
        log: Vec::new(),
        closed: None,
        status: risk_status::OPEN,
        statement_edits: 0,
        remarks: r.percent(30).then(|| {
            format!(
                "Tracked in the CSP ticketing system as `SEC-{}`; owner: {}.",
                r.range(1000, 99_999),
                text::person(&mut r)
            )
        }),
        owner,
        required_asset: r.percent(30).then(|| r.uuid()),
        mitigating_factor: matches!(deviation, Some((Deviation::RiskAdjustment, _)))
            .then(|| (r.uuid(), text::mitigation(&mut r))),
    };
    early_history(&mut plan, &mut r, log, born);
    replay(plan, sh, index, born, cycle)
}

/// The version found and the version that fixes the weakness.
fn draw_versions(r: &mut Rng) -> (String, String) {
    let (major, minor, patch) = (r.range(1, 17), r.below(12), r.range(1, 40));
    let version_fixed = format!("{major}.{minor}.{patch}");
    let version_found = format!("{major}.{minor}.{}", r.below(patch));
    (version_found, version_fixed)
}

/// The impacted controls: the configuration finding's (else flaw remediation, SI-2), and up
/// to two more.
fn draw_controls(r: &mut Rng, first: Option<&'static str>) -> Vec<&'static str> {
    let mut controls = vec![first.unwrap_or("si-2")];
    for _ in 0..r.below(3) {
        let c = *r.pick(text::CONTROLS);
        if !controls.contains(&c) {
            controls.push(c);
        }
    }
    controls
}

/// The states of a deviation request other than a vendor dependency's, drawn evenly.
const PENDING_OR_APPROVED: &[&str] = &[values::PENDING, values::APPROVED];

/// A deviation request and its status, if the item has one.
fn draw_deviation(r: &mut Rng, is_config: bool) -> Option<(Deviation, &'static str)> {
    match r.below(100) {
        // Only a product has a vendor to depend on.
        0..=13 if !is_config => Some((
            Deviation::VendorDependency,
            *r.pick(&[values::INVESTIGATING, values::TRACKING]),
        )),
        12..=19 => Some((Deviation::RiskAdjustment, *r.pick(PENDING_OR_APPROVED))),
        20..=23 => Some((Deviation::FalsePositive, *r.pick(PENDING_OR_APPROVED))),
        24..=26 => Some((
            Deviation::OperationalRequirement,
            *r.pick(PENDING_OR_APPROVED),
        )),
        _ => None,
    }
}

/// The plan's deadline, and the limit FedRAMP's deadline rules (and a KEV due date) set.
fn draw_deadline(
    r: &mut Rng,
    detected: NaiveDate,
    rating: Rating,
    kev_due: Option<NaiveDate>,
) -> (NaiveDate, NaiveDate) {
    let limit = poam_fedramp::deadline(detected, rating, kev_due);
    // Plans commit to a date somewhat before the limit, which leaves room for extensions.
    let window = (limit - detected).num_days();
    let deadline = detected + Duration::days(window - r.below((window / 3 + 1) as u64) as i64);
    (deadline, limit)
}

/// One to three milestones from detection to the deadline.
fn draw_milestones(
    r: &mut Rng,
    detected: NaiveDate,
    deadline: NaiveDate,
    product: Option<&Product>,
    version_fixed: &str,
) -> Vec<Milestone> {
    let n_milestones = r.range(1, 4);
    let step = ((deadline - detected).num_days() / n_milestones as i64).max(1);
    let mut milestones = Vec::with_capacity(n_milestones as usize);
    for k in 0..n_milestones as i64 {
        let start = detected + Duration::days(k * step);
        let end = if k + 1 == n_milestones as i64 {
            deadline
        } else {
            start + Duration::days(r.range(1, step.max(1) as u64) as i64)
        };
        let (title, description) = milestone_text(k, product, version_fixed);
        milestones.push(Milestone {
            uuid: r.uuid(),
            title,
            description,
            start,
            end: end.max(start),
        });
    }
    milestones
}

/// History up to the first cycle the item is in (`born`): some progress, some closures.
fn early_history(plan: &mut Plan, r: &mut Rng, mut log: Vec<LogEntry>, born: u32) {
    let (detected, owner) = (plan.detected, plan.owner);
    let born_at = as_of(born);
    if plan.deviation.map(|d| d.0) == Some(Deviation::VendorDependency) {
        let mut at = detected + Duration::days(25);
        while at < born_at - Duration::days(25) {
            log.push(vendor_check_in(r, at, owner));
            at += Duration::days(r.range(20, 30) as i64);
        }
        let at = born_at - Duration::days(r.range(1, 20) as i64);
        log.push(vendor_check_in(r, at, owner));
    }
    if (born_at - detected).num_days() > 20 && r.percent(50) {
        let at = detected + Duration::days(r.range(5, 20) as i64);
        log.push(status_update(r, at, owner));
    }
    plan.log = log;
    if born == 1 && r.percent(15) {
        let earliest = (detected + Duration::days(2))
            .max(plan.last_logged())
            .min(born_at);
        let span = (born_at - earliest).num_days().max(0) as u64;
        let closed_at = earliest + Duration::days(r.below(span + 1) as i64);
        close(plan, r, closed_at);
    }
}

/// Replays the monthly mutations after `born` up to `cycle`; `None` when the item was removed.
fn replay(mut plan: Plan, sh: &Shared, index: u64, born: u32, cycle: u32) -> Option<Plan> {
    for k in (born + 1)..=cycle {
        let mut m = Rng::stream(sh.seed, Kind::Mutation as u64 + u64::from(k), index);
        if m.percent(1) {
            return None;
        }
        mutate(&mut plan, &mut m, k);
    }
    Some(plan)
}

/// One month's changes to an item, as the CSP records them in the monthly update.
fn mutate(p: &mut Plan, m: &mut Rng, cycle: u32) {
    if !p.is_open() {
        return;
    }
    let now = as_of(cycle);
    let owner = p.owner;
    if p.deviation.map(|d| d.0) == Some(Deviation::VendorDependency) {
        let at = now - Duration::days(m.range(1, 20) as i64);
        p.log.push(vendor_check_in(m, at, owner));
    }
    if m.percent(10) {
        let at = now - Duration::days(m.range(1, 25) as i64);
        close(p, m, at.max(p.last_logged()));
        return;
    }
    if m.percent(15) && p.deadline < p.limit {
        let room = (p.limit - p.deadline).num_days() as u64;
        let new = p.deadline + Duration::days(m.range(1, room) as i64);
        let n = p.milestones.len();
        p.log.push(LogEntry {
            uuid: m.uuid(),
            title: "Milestone Changes",
            description: format!(
                "({n}) Update {}: the completion date moves from {} to {} because the vendor \
                 patch failed regression testing in staging.",
                now - Duration::days(3),
                p.deadline,
                new
            ),
            start: now - Duration::days(3),
            end: None,
            entry_type: entry_types::STATUS_UPDATE,
            status_change: None,
            party: owner,
        });
        p.deadline = new;
        if let Some(last) = p.milestones.last_mut() {
            last.end = new.max(last.start);
        }
    }
    if m.percent(20) {
        let at = now - Duration::days(m.range(1, 25) as i64);
        p.log.push(status_update(m, at.max(p.detected), owner));
    }
    if m.percent(5) {
        p.statement_edits += 1;
    }
}

fn close(p: &mut Plan, r: &mut Rng, at: NaiveDate) {
    p.log.push(LogEntry {
        uuid: r.uuid(),
        title: "Remediated",
        description: match p.product {
            Some(prod) => format!(
                "{} upgraded to `{}` on all affected hosts; the follow-up scan no longer reports \
                 the weakness.",
                prod.name, p.version_fixed
            ),
            None => {
                "The hardened setting was applied; the follow-up benchmark run passes.".to_owned()
            }
        },
        start: at,
        end: Some(at),
        entry_type: "remediated",
        status_change: None,
        party: p.owner,
    });
    p.log.push(LogEntry {
        uuid: r.uuid(),
        title: "POA&M Item Closed",
        description: "Closure validated with scan evidence; item moved to the closed list."
            .to_owned(),
        start: at,
        end: None,
        entry_type: entry_types::CLOSED,
        status_change: Some(risk_status::CLOSED),
        party: p.owner,
    });
    p.closed = Some(at);
    p.status = risk_status::CLOSED;
}

fn vendor_check_in(r: &mut Rng, at: NaiveDate, party: u64) -> LogEntry {
    LogEntry {
        uuid: r.uuid(),
        title: log_titles::VENDOR_CHECK_IN,
        description: format!(
            "Contacted the vendor about the pending fix (case `{}`); {}",
            r.range(100_000, 999_999),
            r.pick(&[
                "a patch is expected in the next maintenance release.",
                "the vendor confirmed the issue and has not yet scheduled a fix.",
                "the fix is in vendor QA; no release date yet.",
            ])
        ),
        start: at,
        end: None,
        entry_type: entry_types::VENDOR_CHECK_IN,
        status_change: None,
        party,
    }
}

fn status_update(r: &mut Rng, at: NaiveDate, party: u64) -> LogEntry {
    LogEntry {
        uuid: r.uuid(),
        title: log_titles::STATUS_UPDATE,
        description: (*r.pick(&[
            "Patch deployed to the development environment; staging rollout scheduled.",
            "Change request approved by the Change Control Board.",
            "Remediation is in progress on *half* of the affected hosts.",
            "Waiting for the next maintenance window to restart the service.",
        ]))
        .to_owned(),
        start: at,
        end: None,
        entry_type: entry_types::STATUS_UPDATE,
        status_change: None,
        party,
    }
}

fn milestone_text(k: i64, product: Option<&Product>, fixed: &str) -> (String, String) {
    let what = product.map_or("the hardened configuration", |p| p.name);
    match k {
        0 => (
            "Analyze and plan remediation".to_owned(),
            match product {
                Some(p) => format!(
                    "Confirm the affected hosts and test {} `{fixed}` in development.",
                    p.name
                ),
                None => {
                    "Confirm the affected hosts and test the setting in development.".to_owned()
                }
            },
        ),
        1 => (
            "Deploy to staging".to_owned(),
            format!("Roll out {what} to staging and run the regression suite."),
        ),
        2 => (
            "Change Control Board approval".to_owned(),
            "Obtain CCB approval for the production change.".to_owned(),
        ),
        _ => (
            "Deploy to production and verify".to_owned(),
            format!("Deploy {what} to production and confirm closure with a re-scan."),
        ),
    }
}

/// The OSCAL objects of one item, appended to the document's lists.
pub struct Built {
    pub item: Value,
    pub observations: Vec<Value>,
    pub risk: Value,
    pub finding: Option<Value>,
}

fn fr_prop(name: &str, value: impl Into<String>) -> Value {
    json!({"name": name, "ns": namespace::NS, "value": value.into()})
}

fn facet(name: &str, rating: Rating, state: &str) -> Value {
    json!({
        "name": name,
        "system": namespace::FACET_SYSTEM,
        "value": rating.as_str(),
        "props": [{"name": facets::STATE, "value": state}],
    })
}

/// Builds the OSCAL JSON values of a planned item.
pub fn build(sh: &Shared, p: &Plan) -> Built {
    let detected = date_time(p.detected, p.detected_secs, p.offset);
    let (title, what, description) = describe(p);
    let mut r = Rng::new(p.char_uuid_seed ^ 0x5EED);
    let actors = Actors {
        tool: uuid_of(sh.seed, Kind::Tool as u64, p.tool),
        owner: uuid_of(sh.seed, Kind::Engineer as u64, p.owner),
    };
    let observations = observations(sh, p, &title, &what, &detected, &actors);
    let weakness = Weakness {
        title: &title,
        what: &what,
        description,
    };
    let risk = risk(sh, p, &mut r, weakness, &actors);
    let finding = finding(p, &title);
    let item = item(p, &title);
    Built {
        item,
        observations,
        risk,
        finding,
    }
}

/// The uuids of the item's scanner and owner.
struct Actors {
    tool: String,
    owner: String,
}

/// What the item's risk is about.
struct Weakness<'a> {
    title: &'a str,
    /// What is fixed: the product, or the host configuration.
    what: &'a str,
    description: String,
}

/// The item's title, what is fixed, and the weakness's description.
fn describe(p: &Plan) -> (String, String, String) {
    match (p.product, p.config_finding) {
        (Some(prod), _) => {
            let weakness = text::WEAKNESSES[(p.plugin_id % text::WEAKNESSES.len() as u64) as usize];
            let title = format!("{} < {} {}", prod.name, p.version_fixed, weakness);
            let mut r = Rng::new(p.char_uuid_seed);
            let cve = p.cve.as_deref().unwrap_or_default();
            let description =
                text::scan_description(&mut r, prod, &p.version_found, &p.version_fixed, cve);
            (title, prod.name.to_owned(), description)
        }
        (None, Some((finding, control))) => {
            let mut r = Rng::new(p.char_uuid_seed);
            (
                finding.to_owned(),
                "the host configuration".to_owned(),
                text::config_description(&mut r, finding, control),
            )
        }
        (None, None) => unreachable!("an item is either a scan or a configuration finding"),
    }
}

/// The scan's observation, and the deviation's.
fn observations(
    sh: &Shared,
    p: &Plan,
    title: &str,
    what: &str,
    detected: &str,
    actors: &Actors,
) -> Vec<Value> {
    let tool_uuid = &actors.tool;
    let subjects: Vec<Value> = p
        .subjects
        .iter()
        .map(|&s| json!({"subject-uuid": uuid_of(sh.seed, Kind::Inventory as u64, s), "type": "inventory-item"}))
        .collect();
    let mut obs = json!({
        "uuid": p.obs_uuid,
        "title": format!("{} scan result", text::TOOLS[p.tool as usize].1),
        "description": format!("Plugin `{}` reported *{}* on {} host(s).", p.plugin_id, title, p.subjects.len()),
        "methods": ["TEST"],
        "types": ["finding"],
        "origins": [{"actors": [
            {"type": "tool", "actor-uuid": tool_uuid},
            {"type": "party", "actor-uuid": uuid_of(sh.seed, Kind::Party as u64, 4)},
        ]}],
        "subjects": subjects,
        "collected": detected,
    });
    if let Some(e) = p.evidence {
        obs["relevant-evidence"] = json!([{
            "href": format!("#{}", uuid_of(sh.seed, Kind::Evidence as u64, e)),
            "description": "Raw scanner output for this weakness.",
        }]);
    }
    let mut observations = vec![obs];
    if let (Some((dev, _)), Some(uuid)) = (p.deviation, &p.deviation_obs_uuid) {
        let mut o = json!({
            "uuid": uuid,
            "title": dev.title(),
            "description": match dev {
                Deviation::VendorDependency => format!("The fix depends on the vendor of **{what}**; no patched release is available yet."),
                Deviation::RiskAdjustment => "The risk is lower than the scanner rating because of the *mitigating factors* below.".to_owned(),
                Deviation::FalsePositive => format!("The installed package has the vendor's backported fix; `rpm -q --changelog` lists the {} fix.", p.cve.as_deref().unwrap_or("relevant")),
                Deviation::OperationalRequirement => "The setting is required for interoperability with the agency's legacy identity provider.".to_owned(),
            },
            "methods": [match dev { Deviation::VendorDependency => "INTERVIEW", _ => "EXAMINE" }],
            "types": [dev.prop()],
            "collected": date_time(p.detected + Duration::days(7), 0, false),
        });
        if dev == Deviation::VendorDependency {
            o["subjects"] = json!([{"subject-uuid": uuid_of(sh.seed, Kind::Component as u64, p.index % sh.components), "type": "component"}]);
        }
        observations.push(o);
    }
    observations
}

fn risk(sh: &Shared, p: &Plan, r: &mut Rng, weakness: Weakness<'_>, actors: &Actors) -> Value {
    let Weakness {
        title,
        what,
        description,
    } = weakness;
    let stamp = |d: NaiveDate| date_time(d, 0, false);
    let mut risk_props: Vec<Value> = p
        .controls
        .iter()
        .map(|c| fr_prop(props::IMPACTED_CONTROL_ID, *c))
        .collect();
    if let Some((dev, value)) = p.deviation {
        risk_props.push(fr_prop(dev.prop(), value));
    }
    if let Some(due) = p.kev_due {
        risk_props.push(fr_prop(props::KEV_CATALOG, values::YES));
        risk_props.push(fr_prop(props::KEV_DUE_DATE, due.to_string()));
    }
    let characterizations = characterizations(p, r, actors);
    let remediations = remediations(p, r, what, actors);
    let entries = log_entries(sh, p);
    let mut statement = text::statement(r, what);
    for k in 0..p.statement_edits {
        let _ = write!(
            statement,
            "\n\nRe-assessed in cycle {}: exposure unchanged.",
            k + 2
        );
    }
    let mut risk = json!({
        "uuid": p.risk_uuid,
        "title": title,
        "description": description,
        "statement": statement,
        "props": risk_props,
        "status": p.status,
        "characterizations": characterizations,
    });
    if let Some((uuid, text)) = &p.mitigating_factor {
        risk["mitigating-factors"] = json!([{"uuid": uuid, "description": text}]);
    }
    risk["deadline"] = json!(stamp(p.deadline));
    risk["remediations"] = remediations;
    risk["risk-log"] = json!({"entries": entries});
    risk["related-observations"] = json!(related_observations(p));
    risk
}

fn related_observations(p: &Plan) -> Vec<Value> {
    let mut related_obs = vec![json!({"observation-uuid": p.obs_uuid})];
    if let Some(u) = &p.deviation_obs_uuid {
        related_obs.push(json!({"observation-uuid": u}));
    }
    related_obs
}

/// The owner's rating (initial, and adjusted), and the scanner's CVE.
fn characterizations(p: &Plan, r: &mut Rng, actors: &Actors) -> Vec<Value> {
    let (owner_uuid, tool_uuid) = (&actors.owner, &actors.tool);
    let risk_level = p.worst();
    let mut rated = vec![
        facet(facets::LIKELIHOOD, p.likelihood, facets::INITIAL),
        facet(facets::IMPACT, p.impact, facets::INITIAL),
        facet(facets::RISK, risk_level, facets::INITIAL),
    ];
    if let Some(adj) = p.adjusted {
        let adjusted = facets::ADJUSTED;
        rated.push(facet(facets::LIKELIHOOD, p.likelihood.min(adj), adjusted));
        rated.push(facet(facets::IMPACT, p.impact.min(adj), adjusted));
        rated.push(facet(facets::RISK, adj, adjusted));
    }
    let mut characterizations = vec![json!({
        "origin": {"actors": [{"type": "party", "actor-uuid": owner_uuid}]},
        "facets": rated,
    })];
    if let Some(cve) = &p.cve {
        characterizations.push(json!({
            "origin": {"actors": [{
                "type": "tool",
                "actor-uuid": tool_uuid,
                "props": [
                    fr_prop(props::VULNERABILITY_ID, cve.clone()),
                    fr_prop(props::PLUGIN_ID, p.plugin_id.to_string()),
                ],
            }]},
            "facets": [
                {"name": "cve-id", "system": "http://cve.mitre.org", "value": cve},
                {"name": "attack-vector", "system": "http://www.first.org/cvss/v3.1", "value": *r.pick(&["network", "adjacent", "local"])},
            ],
        }));
    }
    characterizations
}

/// The scanner's recommendation and the owner's plan.
fn remediations(p: &Plan, r: &mut Rng, what: &str, actors: &Actors) -> Value {
    let (owner_uuid, tool_uuid) = (&actors.owner, &actors.tool);
    let stamp = |d: NaiveDate| date_time(d, 0, false);
    let mut planned = json!({
        "uuid": p.planned_uuid,
        "lifecycle": "planned",
        "title": part_titles::PLANNED_RESPONSE,
        "description": text::plan(r, what),
        "origins": [{"actors": [{"type": "party", "actor-uuid": owner_uuid}]}],
        "tasks": p.milestones.iter().map(|m| json!({
            "uuid": m.uuid,
            "type": poam_fedramp::item::MILESTONE,
            "title": m.title,
            "description": m.description,
            "timing": {"within-date-range": {"start": stamp(m.start), "end": stamp(m.end)}},
        })).collect::<Vec<_>>(),
    });
    if let Some(uuid) = &p.required_asset {
        planned["required-assets"] = json!([{
            "uuid": uuid,
            "subjects": [{"subject-uuid": owner_uuid, "type": "party"}],
            "description": format!("{} engineer hours and a maintenance window.", r.range(4, 80)),
        }]);
    }
    json!([
        {
            "uuid": p.rec_uuid,
            "lifecycle": "recommendation",
            "title": "Tool's Recommendation",
            "description": text::recommendation(p.product, &p.version_fixed),
            "origins": [{"actors": [{"type": "tool", "actor-uuid": tool_uuid}]}],
        },
        planned,
    ])
}

fn log_entries(sh: &Shared, p: &Plan) -> Vec<Value> {
    let stamp = |d: NaiveDate| date_time(d, 0, false);
    p.log
        .iter()
        .map(|e| {
            let mut v = json!({
                "uuid": e.uuid,
                "title": e.title,
                "description": e.description,
                "start": stamp(e.start),
            });
            if let Some(end) = e.end {
                v["end"] = json!(stamp(end));
            }
            v["props"] = json!([{"name": "type", "value": e.entry_type}]);
            v["logged-by"] =
                json!([{"party-uuid": uuid_of(sh.seed, Kind::Engineer as u64, e.party)}]);
            if let Some(s) = e.status_change {
                v["status-change"] = json!(s);
            }
            v["related-responses"] = json!([{"response-uuid": p.planned_uuid}]);
            v
        })
        .collect()
}

fn finding(p: &Plan, title: &str) -> Option<Value> {
    p.finding_uuid.as_ref().map(|uuid| {
        let control = p.controls[0];
        json!({
            "uuid": uuid,
            "title": format!("{} ({})", title, control.to_uppercase()),
            "description": format!("The assessor found that control `{}` is not fully implemented: {}.", control.to_uppercase(), title),
            "target": {
                "type": "objective-id",
                "target-id": format!("{control}_obj"),
                "status": {"state": "not-satisfied"},
            },
            "related-observations": [{"observation-uuid": p.obs_uuid}],
            "related-risks": [{"risk-uuid": p.risk_uuid}],
        })
    })
}

fn item(p: &Plan, title: &str) -> Value {
    let mut item = json!({
        "uuid": p.item_uuid,
        "title": title,
        "description": format!("{} detected by {} on {}.", title, text::TOOLS[p.tool as usize].1, p.detected),
        "props": [fr_prop(props::POAM_ID, p.poam_id.clone())],
    });
    if let Some(f) = &p.finding_uuid {
        item["related-findings"] = json!([{"finding-uuid": f}]);
    }
    item["related-observations"] = json!(related_observations(p));
    item["related-risks"] = json!([{"risk-uuid": p.risk_uuid}]);
    if let Some(rem) = &p.remarks {
        item["remarks"] = json!(rem);
    }
    item
}
