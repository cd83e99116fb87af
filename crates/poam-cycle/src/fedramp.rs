//! The FedRAMP conventions a review cycle reads: where the POAM ID, the weakness source
//! identifier, deviations, risk ratings, milestones and vendor check-ins live in OSCAL.
//! See `docs/review-cycles.md` and the FedRAMP *Guide to OSCAL-based FedRAMP POA&M*.

use poam_model::{Entry, Facet, Observation, PoamItem, Property, Risk, Task};

/// The FedRAMP namespace `poam merge` writes on the props it creates (the form the published
/// FedRAMP templates use).
pub const FEDRAMP_NS: &str = "https://fedramp.gov/ns/oscal";

/// Name of the poam-item prop holding the CSP-assigned POA&M identifier.
pub const POAM_ID: &str = "POAM-ID";

/// The four FedRAMP deviation props on a risk, in the workbook's column order.
pub const DEVIATION_PROPS: [&str; 4] = [
    "vendor-dependency",
    "risk-adjustment",
    "false-positive",
    "operational-requirement",
];

/// Observation types that describe a deviation or a closure rather than the weakness itself;
/// the subjects of such observations are not the item's assets (a vendor-dependency
/// observation's subject is the vendor's product).
const NON_ASSET_OBSERVATION_TYPES: [&str; 5] = [
    "vendor-dependency",
    "false-positive",
    "operational-requirement",
    "risk-adjustment",
    "closure",
];

/// Texts that stand for "not given": FedRAMP's `No Risk Statement`, and what `poam`'s
/// workbook import writes where OSCAL requires a value the workbook left blank (the same
/// strings as `poam_xlsx::oscal::placeholders`; a test in `crates/poam-cli/tests/cycles.rs`
/// keeps them in step).
pub const PLACEHOLDERS: [&str; 4] = [
    "No Risk Statement",
    "No description was given in the POA&M workbook.",
    "No remediation plan was given in the POA&M workbook.",
    "Untitled weakness",
];

/// Whether `text` only stands for a value not given (see [`PLACEHOLDERS`]).
pub fn is_placeholder(text: &str) -> bool {
    let t = text.trim();
    PLACEHOLDERS.iter().any(|p| t.eq_ignore_ascii_case(p))
}

/// Both spellings of the FedRAMP namespace found in published content (`http` in the Guide,
/// `https` in the templates).
pub fn is_fedramp_ns(ns: Option<&str>) -> bool {
    ns.is_some_and(|n| {
        let n = n.trim_end_matches('/');
        n == "https://fedramp.gov/ns/oscal" || n == "http://fedramp.gov/ns/oscal"
    })
}

/// A facet `system` that means FedRAMP: `http(s)://fedramp.gov` or `http(s)://fedramp.gov/ns/oscal`.
pub fn is_fedramp_system(system: &str) -> bool {
    let s = system.trim_end_matches('/');
    is_fedramp_ns(Some(s)) || s == "https://fedramp.gov" || s == "http://fedramp.gov"
}

/// A FedRAMP prop (FedRAMP namespace, or no namespace as older content writes it) of `name`.
fn is_fedramp_prop(p: &Property, name: &str) -> bool {
    p.name.eq_ignore_ascii_case(name) && (p.ns.is_none() || is_fedramp_ns(p.ns.as_deref()))
}

/// Whether `p` is the POAM-ID prop (`POAM-ID`, or `poam-id` as the extensions registry spells
/// it; FedRAMP namespace or none).
pub fn is_poam_id_prop(p: &Property) -> bool {
    is_fedramp_prop(p, POAM_ID)
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
        .find(|p| p.ns.as_deref().is_some_and(|n| is_fedramp_ns(Some(n))) && p.name == name)
        .map(|p| p.value.as_str())
}

/// Whether a prop is one of the FedRAMP deviation props (namespace required: OSCAL has
/// un-namespaced props of similar names with other meanings).
pub fn is_deviation_prop(p: &Property) -> bool {
    is_fedramp_ns(p.ns.as_deref()) && DEVIATION_PROPS.contains(&p.name.as_str())
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
    pub kind: WeaknessIdKind,
    pub value: String,
}

impl std::fmt::Display for WeaknessId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.kind {
            WeaknessIdKind::VulnerabilityId => "vulnerability-id",
            WeaknessIdKind::PluginId => "plugin-id",
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
        ("vulnerability-id", WeaknessIdKind::VulnerabilityId),
        ("plugin-id", WeaknessIdKind::PluginId),
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
        .any(|t| NON_ASSET_OBSERVATION_TYPES.contains(&t.as_str()))
}

/// Whether a risk status means closed.
pub fn is_closed_status(status: &str) -> bool {
    status.eq_ignore_ascii_case("closed")
}

/// The `state` of a risk-rating facet: `initial`, `adjusted`, or empty when not said.
pub fn facet_state(f: &Facet) -> &str {
    f.props
        .iter()
        .find(|p| p.name == "state")
        .map_or("", |p| p.value.as_str())
}

/// Whether a facet is a FedRAMP risk rating (`risk`, `likelihood` or `impact` in a FedRAMP
/// system).
pub fn is_rating_facet(f: &Facet) -> bool {
    matches!(f.name.as_str(), "risk" | "likelihood" | "impact") && is_fedramp_system(&f.system)
}

/// The entry's `type` prop (OSCAL's risk-log entry types: `vendor-check-in`,
/// `milestone-complete`, `closed`, …).
fn entry_type(e: &Entry) -> Option<&str> {
    e.props
        .iter()
        .find(|p| p.name == "type")
        .map(|p| p.value.as_str())
}

/// A vendor check-in: an entry titled "Vendor Check-in" (as the FedRAMP template writes it),
/// or typed `vendor-check-in`, or carrying the FedRAMP `vendor-dependency` prop with that value.
pub fn is_vendor_check_in(e: &Entry) -> bool {
    let titled = e.title.as_ref().is_some_and(|t| {
        let t = t.to_markdown().to_ascii_lowercase().replace(['-', ' '], "");
        t == "vendorcheckin"
    });
    titled
        || entry_type(e) == Some("vendor-check-in")
        || e.props.iter().any(|p| {
            p.name == "vendor-dependency"
                && is_fedramp_ns(p.ns.as_deref())
                && p.value == "vendor-check-in"
        })
}

/// An entry recording a completed milestone: typed `milestone-complete`.
pub fn is_milestone_complete(e: &Entry) -> bool {
    entry_type(e) == Some("milestone-complete")
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
