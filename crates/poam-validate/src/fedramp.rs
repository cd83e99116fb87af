//! FedRAMP's POA&M rules (`--profile fedramp`) on the typed model: the retired Schematron
//! (`rev5-poam.sch`), the remediation timeframes, vendor check-ins and closing entries, and
//! the values of FedRAMP's own properties. FedRAMP's metaschema-style external constraints
//! (metadata, parties, allowed values) are generated tables evaluated in [`crate::tree`].
//!
//! FedRAMP's names, values and timeframes come from `poam_fedramp`; every published form of
//! the FedRAMP namespace is accepted (its namespace policy).

use std::collections::HashMap;

use chrono::NaiveDate;
use poam_fedramp::namespace::{is_fedramp_prop_ns, is_fedramp_system};
use poam_fedramp::{RiskRating, facets, props, values};
use poam_model::datatypes::Datatype as _;
use poam_model::walk::{Node, Path, Value, Visitor, Walk};
use poam_model::{Document, PlanOfActionAndMilestones, Property, Response, Risk, Task};

use crate::ROOT_NAME;
use crate::datatypes::{check_date, parse_date};
use crate::diagnostic::Diagnostic;
use crate::rules::{self, RuleInfo};
use poam_fedramp::risk_status;

/// FedRAMP props of `props` named `name` (any of `names`), with their index.
fn fr_props<'p>(
    props: &'p [Property],
    names: &'p [&'p str],
) -> impl Iterator<Item = (usize, &'p Property)> {
    props.iter().enumerate().filter(move |(_, p)| {
        is_fedramp_prop_ns(p.ns.as_deref()) && names.contains(&p.name.as_str())
    })
}

fn fr_value<'p>(props: &'p [Property], name: &str) -> Option<&'p str> {
    poam_fedramp::prop_value(props, name)
}

/// Runs the FedRAMP rules. `as_of` is the day deadlines and check-ins are judged against.
pub(crate) fn check(doc: &Document, as_of: NaiveDate) -> Vec<Diagnostic> {
    let p = &doc.plan_of_action_and_milestones;
    let mut c = Check {
        p,
        as_of,
        out: Vec::new(),
    };
    c.import_ssp();
    c.items();
    c.risks();
    c.walk_rules();
    c.out
}

struct Check<'a> {
    p: &'a PlanOfActionAndMilestones,
    as_of: NaiveDate,
    out: Vec<Diagnostic>,
}

fn push_tasks<'t>(tasks: &'t [Task], path: &str, out: &mut Vec<(String, &'t Task)>) {
    for (i, t) in tasks.iter().enumerate() {
        let here = format!("{path}/tasks/{i}");
        push_tasks(&t.tasks, &here, out);
        out.push((here, t));
    }
}

impl Check<'_> {
    fn push(&mut self, rule: &'static RuleInfo, pointer: String, message: String) {
        self.out.push(Diagnostic::new(rule, pointer, message));
    }

    fn import_ssp(&mut self) {
        let p = self.p;
        let Some(imp) = &p.import_ssp else {
            self.push(
                &rules::FR_IMPORT_SSP,
                format!("/{ROOT_NAME}"),
                "the POA&M has no `import-ssp`; FedRAMP requires it to import its SSP".into(),
            );
            return;
        };
        let resources = p.back_matter.as_ref().map_or(&[][..], |b| &b.resources[..]);
        let typed = |r: &poam_model::Resource, value: &str| {
            r.props
                .iter()
                .any(|x| x.name.as_str() == props::TYPE && x.value == value)
        };
        if imp.href.starts_with('#') && !resources.iter().any(|r| typed(r, values::RESOURCE_SSP)) {
            self.push(
                &rules::FR_SSP_RESOURCE,
                format!("/{ROOT_NAME}/import-ssp/href"),
                format!(
                    "import-ssp href {:?} points into back-matter, but no resource there has prop type `system-security-plan`",
                    imp.href.as_str()
                ),
            );
        }
        for (i, r) in resources.iter().enumerate() {
            let at = format!("/{ROOT_NAME}/back-matter/resources/{i}");
            // At the value itself: the same place FedRAMP's allowed-values list (which lacks
            // this sanctioned value) would name, so that the two are one finding.
            if let Some(j) = r.props.iter().position(|x| {
                x.name.as_str() == props::TYPE && x.value == values::RESOURCE_NO_OSCAL_SSP
            }) {
                self.push(
                    &rules::FR_NO_OSCAL_SSP,
                    format!("{at}/props/{j}/value"),
                    "the POA&M declares that the system has no OSCAL SSP (`no-oscal-ssp`)".into(),
                );
            }
            if !typed(r, values::RESOURCE_SSP) {
                continue;
            }
            if r.rlinks.len() != 1 {
                self.push(
                    &rules::FR_SSP_RLINK,
                    at.clone(),
                    format!("the system-security-plan resource has {} rlinks; FedRAMP requires exactly one", r.rlinks.len()),
                );
            }
            for (j, l) in r.rlinks.iter().enumerate() {
                let mt = l.media_type.as_deref().unwrap_or("");
                if !matches!(mt, "text/xml" | "application/json") {
                    self.push(
                        &rules::FR_SSP_RLINK,
                        format!("{at}/rlinks/{j}"),
                        format!("the SSP rlink has media-type {mt:?}; FedRAMP requires `text/xml` or `application/json`"),
                    );
                }
            }
            if r.base64.is_some() {
                self.push(
                    &rules::FR_SSP_RLINK,
                    format!("{at}/base64"),
                    "the system-security-plan resource embeds base64 content; FedRAMP requires a link".into(),
                );
            }
        }
    }

    fn items(&mut self) {
        let p = self.p;
        for (i, item) in p.poam_items.iter().enumerate() {
            let at = format!("/{ROOT_NAME}/poam-items/{i}");
            match item.related_risks.len() {
                0 => self.push(
                    &rules::FR_ITEM_RISK,
                    at.clone(),
                    "the POA&M item has no associated risk (`related-risks`)".into(),
                ),
                1 => {}
                n => self.push(
                    &rules::FR_ITEM_ONE_RISK,
                    format!("{at}/related-risks/1"),
                    format!("the POA&M item has {n} associated risks; FedRAMP expects one"),
                ),
            }
            if item.related_observations.is_empty() {
                self.push(
                    &rules::FR_ITEM_OBSERVATION,
                    at.clone(),
                    "the POA&M item has no related observation (`related-observations`)".into(),
                );
            }
            let ids: Vec<usize> = fr_props(&item.props, &[props::POAM_ID, props::POAM_ID_REGISTRY])
                .map(|(j, _)| j)
                .collect();
            match ids.as_slice() {
                [] => self.push(
                    &rules::FR_POAM_ID,
                    at.clone(),
                    "the POA&M item has no `POAM-ID` prop in the FedRAMP namespace".into(),
                ),
                [_] => {}
                [_, second, ..] => self.push(
                    &rules::FR_POAM_ID,
                    format!("{at}/props/{second}"),
                    format!(
                        "the POA&M item has {} `POAM-ID` props; FedRAMP allows one",
                        ids.len()
                    ),
                ),
            }
        }
    }

    fn risks(&mut self) {
        let p = self.p;
        // Which risks POA&M items associate, and the observations those items cite.
        let mut associated: HashMap<&str, Vec<&str>> = HashMap::new();
        for item in &p.poam_items {
            for r in &item.related_risks {
                associated.entry(r.risk_uuid.as_str()).or_default().extend(
                    item.related_observations
                        .iter()
                        .map(|o| o.observation_uuid.as_str()),
                );
            }
        }
        let collected: HashMap<&str, NaiveDate> = p
            .observations
            .iter()
            .filter_map(|o| Some((o.uuid.as_str(), o.collected.date()?)))
            .collect();
        for (i, risk) in p.risks.iter().enumerate() {
            let at = format!("/{ROOT_NAME}/risks/{i}");
            self.risk_values(risk, &at);
            self.risk_log(risk, &at);
            let Some(item_obs) = associated.get(risk.uuid.as_str()) else {
                continue;
            };
            self.associated_risk(risk, &at, item_obs, &collected);
        }
    }

    fn associated_risk(
        &mut self,
        risk: &Risk,
        at: &str,
        item_obs: &[&str],
        collected: &HashMap<&str, NaiveDate>,
    ) {
        if risk.deadline.is_none() {
            self.push(
                &rules::FR_RISK_DEADLINE,
                at.to_owned(),
                "the risk of a POA&M item has no `deadline`".into(),
            );
        }
        let has = |lc: &str| {
            risk.remediations
                .iter()
                .any(|r: &Response| r.lifecycle.as_str() == lc)
        };
        if !has("recommendation") {
            self.push(
                &rules::FR_RISK_RECOMMENDATION,
                at.to_owned(),
                "the risk has no remediation with lifecycle `recommendation`".into(),
            );
        }
        if !has("planned") {
            self.push(
                &rules::FR_RISK_PLANNED,
                at.to_owned(),
                "the risk has no remediation with lifecycle `planned`".into(),
            );
        }
        if !risk.remediations.iter().any(|r| {
            r.tasks
                .iter()
                .any(|t| t.r#type.as_str() == poam_fedramp::item::MILESTONE)
        }) {
            self.push(
                &rules::FR_RISK_MILESTONE,
                at.to_owned(),
                "the risk has no milestone (a remediation task of type `milestone`)".into(),
            );
        }
        let facets = || risk.characterizations.iter().flat_map(|c| c.facets.iter());
        if !facets().any(|f| f.name.as_str() == facets::IMPACT) {
            self.push(
                &rules::FR_RISK_IMPACT,
                at.to_owned(),
                "the risk has no characterization facet `impact`".into(),
            );
        }
        if fr_props(&risk.props, &[props::IMPACTED_CONTROL_ID])
            .next()
            .is_none()
        {
            self.push(
                &rules::FR_IMPACTED_CONTROL,
                at.to_owned(),
                "the risk names no impacted control (prop `impacted-control-id` in the FedRAMP namespace)".into(),
            );
        }
        self.timeliness(risk, at, item_obs, collected);
    }

    /// The rating that sets the remediation clock: the `risk` facet when there is one, else
    /// `impact`; adjusted values only once a risk adjustment is approved. With the rating
    /// comes its text as written (lower case), for messages.
    fn rating(risk: &Risk) -> Option<(String, RiskRating)> {
        let adjusted = fr_value(&risk.props, props::RISK_ADJUSTMENT) == Some(values::APPROVED);
        let mut best: Option<(u8, String, RiskRating)> = None;
        for f in risk.characterizations.iter().flat_map(|c| c.facets.iter()) {
            let name_rank = match f.name.as_str() {
                facets::RISK => 2,
                facets::IMPACT => 1,
                _ => continue,
            };
            let state = f
                .props
                .iter()
                .find(|p| p.name.as_str() == facets::STATE)
                .map(|p| p.value.as_str());
            let is_adjusted = state == Some(facets::ADJUSTED);
            if is_adjusted && !adjusted {
                continue;
            }
            let Some(rating) = RiskRating::parse(&f.value) else {
                continue;
            };
            let rank = name_rank * 2 + u8::from(is_adjusted);
            if best.as_ref().is_none_or(|(r, _, _)| rank >= *r) {
                best = Some((rank, f.value.to_ascii_lowercase(), rating));
            }
        }
        best.map(|(_, text, rating)| (text, rating))
    }

    fn timeliness(
        &mut self,
        risk: &Risk,
        at: &str,
        item_obs: &[&str],
        collected: &HashMap<&str, NaiveDate>,
    ) {
        let Some(deadline) = risk
            .deadline
            .as_ref()
            .and_then(poam_model::datatypes::DateTimeWithTimezone::date)
        else {
            return;
        };
        let own: Vec<&str> = risk
            .related_observations
            .iter()
            .map(|o| o.observation_uuid.as_str())
            .collect();
        let sources = if own.is_empty() { item_obs } else { &own[..] };
        let detected = sources
            .iter()
            .filter_map(|u| collected.get(u))
            .min()
            .copied();
        let status = risk.status.as_str();
        let vendor_active = fr_value(&risk.props, props::VENDOR_DEPENDENCY)
            .is_some_and(poam_fedramp::is_vendor_dependency_open);
        if poam_fedramp::is_overdue(deadline, self.as_of, status, vendor_active) {
            self.push(
                &rules::FR_RISK_OVERDUE,
                format!("{at}/deadline"),
                format!(
                    "the deadline {deadline} has passed ({} days before {}) and the risk is {status:?}",
                    (self.as_of - deadline).num_days(),
                    self.as_of
                ),
            );
        }
        // An open vendor dependency runs on the vendor's clock (checked by the check-in
        // rule), and an approved operational requirement or false positive is accepted.
        let accepted = [props::OPERATIONAL_REQUIREMENT, props::FALSE_POSITIVE]
            .iter()
            .any(|n| fr_value(&risk.props, n) == Some(values::APPROVED));
        if vendor_active || accepted {
            return;
        }
        let (Some(detected), Some((level, rating))) = (detected, Self::rating(risk)) else {
            return;
        };
        let kev = fr_value(&risk.props, props::KEV_CATALOG) == Some(values::YES);
        let kev_due = kev
            .then(|| fr_value(&risk.props, props::KEV_DUE_DATE).and_then(parse_date))
            .flatten();
        let limit = poam_fedramp::deadline(detected, rating, kev_due);
        let why = if limit < poam_fedramp::deadline(detected, rating, None) {
            format!("the KEV due date is {limit}")
        } else {
            let days = rating.remediation_days();
            format!("a {level} risk allows {days} days after detection on {detected}")
        };
        if deadline > limit {
            self.push(
                &rules::FR_RISK_TIMELY,
                format!("{at}/deadline"),
                format!("the deadline {deadline} is later than {limit}: {why}"),
            );
        }
    }

    fn risk_values(&mut self, risk: &Risk, at: &str) {
        const RATING: [&str; 3] = [
            RiskRating::Low.as_str(),
            RiskRating::Moderate.as_str(),
            RiskRating::High.as_str(),
        ];
        for (j, prop) in risk.props.iter().enumerate() {
            if !is_fedramp_prop_ns(prop.ns.as_deref()) {
                continue;
            }
            let allowed: Option<&[&str]> = match prop.name.as_str() {
                props::OPERATIONAL_REQUIREMENT | props::FALSE_POSITIVE | props::RISK_ADJUSTMENT => {
                    Some(&values::DEVIATION)
                }
                props::VENDOR_DEPENDENCY => Some(&values::VENDOR_DEPENDENCY),
                props::KEV_CATALOG => Some(&values::YES_NO),
                _ => None,
            };
            let value = prop.value.as_str();
            let problem = match (prop.name.as_str(), allowed) {
                (_, Some(list)) if !list.contains(&value) => Some(format!(
                    "{value:?} is not a value of FedRAMP's `{}`: {}",
                    prop.name.as_str(),
                    list.join(", ")
                )),
                (props::KEV_DUE_DATE, _) => check_date(value, false)
                    .err()
                    .map(|e| format!("kev-due-date {value:?} {e}")),
                (props::PRIORITY, _) => match value.parse::<i64>() {
                    Ok(n) if n >= 1 => None,
                    _ => Some(format!(
                        "priority {value:?} is not a whole number of 1 or more"
                    )),
                },
                (props::IMPACTED_CONTROL_ID, _) => poam_model::datatypes::Token::new(value)
                    .check()
                    .err()
                    .map(|e| format!("impacted-control-id {value:?} is not a control id: {e}")),
                _ => None,
            };
            if let Some(m) = problem {
                self.push(&rules::FR_PROP_VALUE, format!("{at}/props/{j}/value"), m);
            }
        }
        for (ci, c) in risk.characterizations.iter().enumerate() {
            for (fi, f) in c.facets.iter().enumerate() {
                if !is_fedramp_system(f.system.as_str()) {
                    continue;
                }
                if facets::RATINGS.contains(&f.name.as_str()) && !RATING.contains(&f.value.as_str())
                {
                    self.push(
                        &rules::FR_PROP_VALUE,
                        format!("{at}/characterizations/{ci}/facets/{fi}/value"),
                        format!(
                            "{:?} is not a FedRAMP {} rating: low, moderate, high",
                            f.value,
                            f.name.as_str()
                        ),
                    );
                }
            }
        }
    }

    fn risk_log(&mut self, risk: &Risk, at: &str) {
        let entries = risk.risk_log.as_ref().map_or(&[][..], |l| &l.entries[..]);
        for (j, e) in entries.iter().enumerate() {
            if e.title.is_none() {
                self.push(
                    &rules::FR_RISK_LOG_TITLE,
                    format!("{at}/risk-log/entries/{j}"),
                    "the risk-log entry has no title".into(),
                );
            }
        }
        if risk.status.as_str() == risk_status::CLOSED
            && !entries
                .iter()
                .any(|e| e.status_change.as_deref() == Some(risk_status::CLOSED))
        {
            self.push(
                &rules::FR_CLOSED_RISK_LOG,
                format!("{at}/status"),
                "the risk is closed, but no risk-log entry has status-change `closed`".into(),
            );
        }
        let vendor = fr_props(&risk.props, &[props::VENDOR_DEPENDENCY]).next();
        let active = vendor.is_some_and(|(_, p)| poam_fedramp::is_vendor_dependency_open(&p.value));
        if !active || risk.status.as_str() == risk_status::CLOSED {
            return;
        }
        let latest = entries
            .iter()
            .filter(|e| poam_fedramp::is_vendor_check_in(e))
            .filter_map(|e| e.start.date())
            .max();
        let at_prop = vendor.map_or_else(|| at.to_owned(), |(j, _)| format!("{at}/props/{j}"));
        match latest {
            None => self.push(
                &rules::FR_VENDOR_CHECKIN,
                at_prop,
                "the risk is an open vendor dependency with no vendor check-in in its risk log".into(),
            ),
            Some(d) if (self.as_of - d).num_days() > poam_fedramp::VENDOR_CHECK_IN_DAYS => self.push(
                &rules::FR_VENDOR_CHECKIN,
                at_prop,
                format!(
                    "the last vendor check-in was on {d}, {} days before {}; FedRAMP requires one every {} days",
                    (self.as_of - d).num_days(),
                    self.as_of,
                    poam_fedramp::VENDOR_CHECK_IN_DAYS
                ),
            ),
            Some(_) => {}
        }
    }

    /// Rules that look at every milestone, date range and namespace in the document.
    fn walk_rules(&mut self) {
        let p = self.p;
        let mut tasks = Vec::new();
        for (i, r) in p.risks.iter().enumerate() {
            for (j, resp) in r.remediations.iter().enumerate() {
                push_tasks(
                    &resp.tasks,
                    &format!("/{ROOT_NAME}/risks/{i}/remediations/{j}"),
                    &mut tasks,
                );
            }
        }
        tasks.sort_by(|a, b| a.0.cmp(&b.0));
        for (at, t) in tasks {
            if t.r#type.as_str() != poam_fedramp::item::MILESTONE {
                continue;
            }
            if t.description.is_none() {
                self.push(
                    &rules::FR_MILESTONE_DESCRIPTION,
                    at.clone(),
                    "the milestone has no description".into(),
                );
            }
            let timed = t
                .timing
                .as_ref()
                .is_some_and(|x| x.on_date.is_some() || x.within_date_range.is_some());
            if !timed {
                self.push(
                    &rules::FR_MILESTONE_TIMING,
                    at,
                    "the milestone has no timing with `on-date` or `within-date-range`".into(),
                );
            }
        }
        let mut w = Walker::default();
        p.walk(&mut Path::root(), &mut w);
        self.out.append(&mut w.out);
        if let (Some(http), Some(https)) = (w.first_http, w.first_https) {
            let (first, second, form) = if http < https {
                (http, https, "https://")
            } else {
                (https, http, "http://")
            };
            self.push(
                &rules::FR_NAMESPACE_MIXED,
                second.1,
                format!(
                    "this {form} form of the FedRAMP namespace mixes with the other form used at {}",
                    first.1
                ),
            );
        }
    }
}

/// Document-order key of a walk position, so that "first" means first in the document.
type Seen = (usize, String);

#[derive(Default)]
struct Walker {
    n: usize,
    first_http: Option<Seen>,
    first_https: Option<Seen>,
    out: Vec<Diagnostic>,
}

impl Visitor for Walker {
    fn node(&mut self, path: &Path, node: Node<'_>) {
        self.n += 1;
        if let Node::WithinDateRange(r) = node
            && let (Some(s), Some(e)) = (r.start.parse(), r.end.parse())
            && s > e
        {
            self.out.push(Diagnostic::new(
                &rules::FR_DATE_RANGE,
                format!("{path}/start"),
                format!(
                    "the range starts at {} after it ends at {}",
                    r.start.as_str(),
                    r.end.as_str()
                ),
            ));
        }
    }

    fn value(&mut self, path: &Path, v: Value<'_>) {
        self.n += 1;
        let text = match v {
            Value::Uri(u)
                if matches!(path.last_key(), Some("ns" | "system" | "identifier-type")) =>
            {
                u.as_str()
            }
            _ => return,
        };
        if !is_fedramp_system(text) {
            return;
        }
        let slot = if text.trim_start().starts_with("https://") {
            &mut self.first_https
        } else {
            &mut self.first_http
        };
        if slot.is_none() {
            *slot = Some((self.n, path.to_string()));
        }
    }
}
