//! The FedRAMP conventions a review cycle reads: where the POAM ID, the weakness source
//! identifier, deviations, risk ratings, milestones and vendor check-ins live in OSCAL.
//! See `docs/review-cycles.md` and the FedRAMP *Guide to OSCAL-based FedRAMP POA&M*.

use poam_fedramp::namespace::{is_fedramp_prop_ns, is_fedramp_system};
use poam_fedramp::{entry_types, facets, observation_types, props};
use poam_model::{Entry, Facet, Observation, PoamItem, Property, Risk, Task};

/// A FedRAMP prop (FedRAMP namespace, or no namespace as older content writes it) of `name`.
fn is_fedramp_prop(p: &Property, name: &str) -> bool {
    p.name.eq_ignore_ascii_case(name) && (p.ns.is_none() || is_fedramp_prop_ns(p.ns.as_deref()))
}

/// Whether `p` is the POAM-ID prop (`POAM-ID`, or `poam-id` as the extensions registry spells
/// it; FedRAMP namespace or none).
pub fn is_poam_id_prop(p: &Property) -> bool {
    is_fedramp_prop(p, props::POAM_ID)
}

/// The item's POAM ID, trimmed, when it has a non-empty one.
pub fn poam_id(item: &PoamItem) -> Option<&str> {
    item.props
        .iter()
        .find(|p| is_poam_id_prop(p))
        .map(|p| p.value.trim())
        .filter(|v| !v.is_empty())
}

/// The value of the FedRAMP deviation prop `name` on a risk.
pub fn deviation<'r>(risk: &'r Risk, name: &str) -> Option<&'r str> {
    risk.props
        .iter()
        .find(|p| is_fedramp_prop_ns(p.ns.as_deref()) && p.name == name)
        .map(|p| p.value.as_str())
}

/// What kind of weakness source identifier an item is matched by, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum WeaknessIdKind {
    /// The tool's `vulnerability-id` prop.
    VulnerabilityId,
    /// The tool's `plugin-id` prop.
    PluginId,
    /// The title of the item's first observation.
    ObservationTitle,
}

/// A weakness source identifier (the workbook's column F).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WeaknessId {
    /// Where the identifier was found.
    pub kind: WeaknessIdKind,
    /// The identifier.
    pub value: String,
}

impl std::fmt::Display for WeaknessId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.kind {
            WeaknessIdKind::VulnerabilityId => props::VULNERABILITY_ID,
            WeaknessIdKind::PluginId => props::PLUGIN_ID,
            WeaknessIdKind::ObservationTitle => "observation title",
        };
        write!(f, "{kind} {:?}", self.value)
    }
}

/// The weakness source identifier of an item: the `vulnerability-id`, else the `plugin-id`
/// prop of a tool actor (risk characterizations first, then observation origins), else the
/// title of the first titled observation.
pub fn weakness_id(risks: &[&Risk], observations: &[&Observation]) -> Option<WeaknessId> {
    let tool_props = || {
        let from_risks = risks.iter().flat_map(|r| {
            r.characterizations
                .iter()
                .flat_map(|c| c.origin.actors.iter())
        });
        let from_observations = observations
            .iter()
            .flat_map(|o| o.origins.iter().flat_map(|g| g.actors.iter()));
        from_risks
            .chain(from_observations)
            .filter(|a| a.r#type == "tool")
            .flat_map(|a| a.props.iter())
    };
    for (name, kind) in [
        (props::VULNERABILITY_ID, WeaknessIdKind::VulnerabilityId),
        (props::PLUGIN_ID, WeaknessIdKind::PluginId),
    ] {
        if let Some(p) = tool_props().find(|p| is_fedramp_prop(p, name)) {
            let value = p.value.trim();
            if !value.is_empty() {
                return Some(WeaknessId {
                    kind,
                    value: value.to_owned(),
                });
            }
        }
    }
    observations
        .iter()
        .filter_map(|o| o.title.as_ref())
        .map(|t| t.to_markdown().trim().to_owned())
        .find(|t| !t.is_empty())
        .map(|value| WeaknessId {
            kind: WeaknessIdKind::ObservationTitle,
            value,
        })
}

/// Whether an observation describes the weakness (its subjects are assets), as opposed to a
/// deviation or closure record.
pub fn is_asset_observation(o: &Observation) -> bool {
    !o.types
        .iter()
        .any(|t| observation_types::NOT_ASSETS.contains(&t.as_str()))
}

/// Whether a risk status means closed.
pub fn is_closed_status(status: &str) -> bool {
    status.eq_ignore_ascii_case("closed")
}

/// The `state` of a risk-rating facet: `initial`, `adjusted`, or empty when not said.
pub fn facet_state(f: &Facet) -> &str {
    f.props
        .iter()
        .find(|p| p.name == facets::STATE)
        .map_or("", |p| p.value.as_str())
}

/// Whether a facet is a FedRAMP risk rating (`risk`, `likelihood` or `impact` in a FedRAMP
/// system).
pub fn is_rating_facet(f: &Facet) -> bool {
    facets::RATINGS.contains(&f.name.as_str()) && is_fedramp_system(&f.system)
}

/// The entry's `type` prop (OSCAL's risk-log entry types: `vendor-check-in`,
/// `milestone-complete`, `closed`, …).
fn entry_type(e: &Entry) -> Option<&str> {
    e.props
        .iter()
        .find(|p| p.name == "type")
        .map(|p| p.value.as_str())
}

/// A vendor check-in (FedRAMP's rule, shared with the validator).
pub use poam_fedramp::is_vendor_check_in;

/// An entry recording a completed milestone: typed `milestone-complete`.
pub fn is_milestone_complete(e: &Entry) -> bool {
    entry_type(e) == Some(entry_types::MILESTONE_COMPLETE)
}

/// Whether a task is a milestone.
pub fn is_milestone(t: &Task) -> bool {
    t.r#type == "milestone"
}

/// The due date of a task: the end of its date range, or its on-date.
pub fn task_due(t: &Task) -> Option<&str> {
    let timing = t.timing.as_ref()?;
    if let Some(r) = &timing.within_date_range {
        return Some(r.end.as_str());
    }
    timing.on_date.as_ref().map(|d| d.date.as_str())
}
