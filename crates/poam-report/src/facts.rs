//! What the report needs to know of one item, read once from the OSCAL: its ratings, dates,
//! deviations, vendor check-ins, milestones, controls and assets.
//!
//! An *item* is a poam-item with the risks and observations it references
//! ([`poam_cycle::Parts`]); where FedRAMP's data sits comes from
//! [`poam_fedramp::item`].

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::NaiveDate;
use poam_cycle::Parts;
use poam_fedramp::item as fedramp;
use poam_model::{PlanOfActionAndMilestones, Risk};

use crate::rules::{self, RiskRating, props};

/// The three FedRAMP deviation requests (a vendor dependency has its own section).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum DeviationKind {
    FalsePositive,
    OperationalRequirement,
    RiskAdjustment,
}

impl DeviationKind {
    pub(crate) const ALL: [DeviationKind; 3] = [
        DeviationKind::FalsePositive,
        DeviationKind::OperationalRequirement,
        DeviationKind::RiskAdjustment,
    ];

    /// The prop that holds it.
    pub(crate) fn prop(self) -> &'static str {
        match self {
            Self::FalsePositive => props::FALSE_POSITIVE,
            Self::OperationalRequirement => props::OPERATIONAL_REQUIREMENT,
            Self::RiskAdjustment => props::RISK_ADJUSTMENT,
        }
    }
}

/// A milestone of an item, not yet recorded as completed.
#[derive(Debug, Clone)]
pub(crate) struct Milestone {
    pub title: String,
    pub due: Option<NaiveDate>,
}

/// One item, as the report sees it.
#[derive(Debug, Clone)]
pub(crate) struct Facts {
    /// How people name it: POAM ID, else uuid, else its place.
    pub label: String,
    /// The weakness name (the risk's title), else the poam-item's title.
    pub weakness: String,
    pub open: bool,
    /// The first risk's status (`open`, `deviation-requested`, ...), empty with no risk.
    pub status: String,
    pub has_risk: bool,
    /// The original (initial) FedRAMP rating.
    pub original: Option<RiskRating>,
    /// The adjusted rating written on the item, approved or not.
    pub adjusted: Option<RiskRating>,
    /// The rating that counts: the adjusted one once the risk adjustment is approved.
    pub rating: Option<RiskRating>,
    pub deadline: Option<NaiveDate>,
    /// Earliest `collected` date of the observations describing the weakness.
    pub detected: Option<NaiveDate>,
    /// Date of the latest risk-log entry that closed it (closed items only).
    pub closed_on: Option<NaiveDate>,
    /// FedRAMP deviation values (`pending`, `approved`, ...), lower case, by kind.
    pub deviations: Vec<(DeviationKind, String)>,
    /// The vendor-dependency value, when there is one.
    pub vendor: Option<String>,
    pub last_check_in: Option<NaiveDate>,
    pub kev: bool,
    pub kev_due: Option<NaiveDate>,
    pub milestones: Vec<Milestone>,
    pub controls: BTreeSet<String>,
    pub assets: BTreeSet<String>,
}

/// Asset names by inventory item or component uuid (lower case), from the document's local
/// definitions.
pub(crate) struct AssetNames(HashMap<String, String>);

/// The props that name an inventory item, most specific first.
const ASSET_NAME_PROPS: [&str; 5] = [
    "fqdn",
    "hostname",
    "ipv4-address",
    "ipv6-address",
    "asset-id",
];

impl AssetNames {
    pub(crate) fn of(poam: &PlanOfActionAndMilestones) -> Self {
        let mut names = HashMap::new();
        if let Some(ld) = &poam.local_definitions {
            for c in &ld.components {
                names.insert(c.uuid.to_ascii_lowercase(), c.title.to_markdown());
            }
            for i in &ld.inventory_items {
                let name = ASSET_NAME_PROPS.iter().find_map(|n| {
                    i.props
                        .iter()
                        .find(|p| p.name == *n && !p.value.trim().is_empty())
                        .map(|p| p.value.trim().to_owned())
                });
                if let Some(name) = name {
                    names.insert(i.uuid.to_ascii_lowercase(), name);
                }
            }
        }
        Self(names)
    }

    /// The asset's name, else its uuid.
    fn name(&self, uuid: &str) -> String {
        let key = uuid.to_ascii_lowercase();
        self.0.get(&key).cloned().unwrap_or(key)
    }
}

fn date(s: &str) -> Option<NaiveDate> {
    poam_model::datatypes::DateTimeWithTimezone::new(s)
        .date()
        .or_else(|| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok())
}

/// The value of a FedRAMP prop on any of the risks, trimmed and in lower case.
fn risk_prop(risks: &[&Risk], name: &str) -> Option<String> {
    risks
        .iter()
        .find_map(|r| poam_fedramp::prop_value(&r.props, name))
        .map(|v| v.trim().to_ascii_lowercase())
        .filter(|v| !v.is_empty())
}

/// The original and adjusted ratings: the FedRAMP `risk` facet, else `impact` (the facet the
/// Schematron requires), each by its `state` prop (no state is the original).
fn ratings(risks: &[&Risk]) -> (Option<RiskRating>, Option<RiskRating>) {
    let facets = || {
        risks
            .iter()
            .flat_map(|r| r.characterizations.iter())
            .flat_map(|c| c.facets.iter())
            .filter(|f| fedramp::is_rating_facet(f))
    };
    let pick = |adjusted: bool| {
        ["risk", "impact"].iter().find_map(|name| {
            facets()
                .filter(|f| {
                    f.name == *name
                        && (fedramp::facet_state(f) == poam_fedramp::facets::ADJUSTED) == adjusted
                })
                .find_map(|f| RiskRating::parse(&f.value))
        })
    };
    (pick(false), pick(true))
}

/// The tasks that a `milestone-complete` risk-log entry records as done, by task uuid.
fn completed_tasks(risks: &[&Risk]) -> HashSet<String> {
    risks
        .iter()
        .flat_map(|r| r.risk_log.iter().flat_map(|l| l.entries.iter()))
        .filter(|e| fedramp::is_milestone_complete(e))
        .flat_map(|e| e.related_responses.iter())
        .flat_map(|r| r.related_tasks.iter())
        .map(|t| t.task_uuid.to_ascii_lowercase())
        .collect()
}

fn milestones(risks: &[&Risk]) -> Vec<Milestone> {
    let done = completed_tasks(risks);
    risks
        .iter()
        .flat_map(|r| r.remediations.iter())
        .filter(|r| r.lifecycle.as_str() != "completed")
        .flat_map(|r| r.tasks.iter())
        .filter(|t| fedramp::is_milestone(t) && !done.contains(&t.uuid.to_ascii_lowercase()))
        .map(|t| Milestone {
            title: t.title.to_markdown(),
            due: fedramp::task_due(t).and_then(date),
        })
        .collect()
}

impl Facts {
    /// The facts of item `index` (its parts resolved in its document).
    pub(crate) fn of(index: usize, parts: &Parts<'_>, names: &AssetNames) -> Self {
        let risks: Vec<&Risk> = parts.risks.iter().map(|r| &**r).collect();
        let poam_id = fedramp::poam_id(&parts.item).map(str::to_owned);
        let uuid = parts
            .item
            .uuid
            .as_ref()
            .map(std::string::ToString::to_string);
        let label = poam_id
            .clone()
            .or(uuid)
            .unwrap_or_else(|| format!("poam-items[{index}]"));
        let weakness = risks
            .first()
            .map(|r| r.title.to_markdown())
            .filter(|t| !t.trim().is_empty() && !poam_fedramp::placeholders::is_placeholder(t))
            .unwrap_or_else(|| parts.item.title.to_markdown());
        let (original, adjusted) = ratings(&risks);
        let deviations: Vec<(DeviationKind, String)> = DeviationKind::ALL
            .iter()
            .filter_map(|&k| risk_prop(&risks, k.prop()).map(|v| (k, v)))
            .collect();
        let adjustment_approved = deviations
            .iter()
            .any(|(k, v)| *k == DeviationKind::RiskAdjustment && v == "approved");
        let rating = match adjusted {
            Some(a) if adjustment_approved => Some(a),
            // An item rated only by an adjusted facet is rated by it rather than not at all.
            _ => original.or(adjusted),
        };
        let entries = || {
            risks
                .iter()
                .flat_map(|r| r.risk_log.iter().flat_map(|l| l.entries.iter()))
        };
        let open = !parts.is_closed();
        let closed_on = if open {
            None
        } else {
            entries()
                .filter(|e| {
                    e.status_change
                        .as_deref()
                        .is_some_and(fedramp::is_closed_status)
                })
                .filter_map(|e| e.start.date())
                .max()
        };
        Facts {
            label,
            weakness,
            open,
            status: parts.status().unwrap_or_default().to_owned(),
            has_risk: !risks.is_empty(),
            original,
            adjusted,
            rating,
            deadline: parts.deadline().and_then(date),
            detected: parts
                .observations
                .iter()
                .filter(|o| fedramp::is_asset_observation(o))
                .filter_map(|o| o.collected.date())
                .min(),
            closed_on,
            vendor: risk_prop(&risks, props::VENDOR_DEPENDENCY),
            last_check_in: entries()
                .filter(|e| poam_fedramp::is_vendor_check_in(e))
                .filter_map(|e| e.start.date())
                .max(),
            kev: risk_prop(&risks, props::KEV_CATALOG).as_deref() == Some("yes"),
            kev_due: risk_prop(&risks, props::KEV_DUE_DATE).and_then(|d| date(&d)),
            deviations,
            milestones: milestones(&risks),
            controls: risks
                .iter()
                .flat_map(|r| r.props.iter())
                .filter(|p| {
                    p.name == props::IMPACTED_CONTROL_ID
                        && (p.ns.is_none()
                            || poam_fedramp::namespace::is_fedramp_prop_ns(p.ns.as_deref()))
                })
                .map(|p| p.value.trim().to_ascii_lowercase())
                .filter(|v| !v.is_empty())
                .collect(),
            assets: parts.assets().iter().map(|u| names.name(u)).collect(),
        }
    }

    /// The deviation value of `kind`, when there is one.
    pub(crate) fn deviation(&self, kind: DeviationKind) -> Option<&str> {
        self.deviations
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, v)| v.as_str())
    }

    /// Whether a vendor dependency of this item is still open.
    pub(crate) fn vendor_active(&self) -> bool {
        self.vendor.as_deref().is_some_and(rules::is_vendor_active)
    }

    /// Whether the item is overdue at `as_of`; `None` when it has no deadline to judge by.
    pub(crate) fn overdue(&self, as_of: NaiveDate) -> Option<bool> {
        if !self.open {
            return Some(false);
        }
        let deadline = self.deadline?;
        Some(rules::is_overdue(
            deadline,
            as_of,
            &self.status,
            self.vendor_active(),
        ))
    }

    /// Whether a deviation request of the item waits for approval.
    pub(crate) fn deviation_pending(&self) -> bool {
        self.deviations.iter().any(|(_, v)| v == "pending")
    }

    /// The deadline FedRAMP sets from detection, rating and KEV due date, when all known.
    pub(crate) fn fedramp_deadline(&self) -> Option<NaiveDate> {
        Some(rules::deadline(self.detected?, self.rating?, self.kev_due))
    }
}

/// The facts of every item of a document, in document order.
pub(crate) fn of_document(poam: &PlanOfActionAndMilestones) -> Vec<Facts> {
    let index = poam_cycle::DocIndex::new(poam);
    let names = AssetNames::of(poam);
    (0..poam.poam_items.len())
        .map(|i| Facts::of(i, &index.parts(i), &names))
        .collect()
}
