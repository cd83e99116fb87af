//! Where FedRAMP keeps an item's facts in OSCAL, read as published content writes them: the
//! POAM ID, the weakness source identifier (the workbook's column F), which observations
//! describe the weakness, the risk-rating facets, milestones and the risk-log entries FedRAMP
//! names. See the FedRAMP *Guide to OSCAL-based FedRAMP POA&M*.

use poam_model::{Entry, Facet, Observation, PoamItem, Property, Risk, Task};

use crate::namespace::{is_fedramp_prop_ns, is_fedramp_system};
use crate::{entry_types, facets, observation_types, props, risk_status};

/// A FedRAMP prop of `name` (any case) as older content also writes it: in FedRAMP's
/// namespace or in none. (For props FedRAMP defines alone; [`crate::is_prop`] is strict.)
pub fn is_prop_leniently(p: &Property, name: &str) -> bool {
    p.name.eq_ignore_ascii_case(name) && (p.ns.is_none() || is_fedramp_prop_ns(p.ns.as_deref()))
}

/// Whether `p` is the POAM-ID prop (`POAM-ID`, or `poam-id` as the extensions registry spells
/// it; FedRAMP namespace or none).
pub fn is_poam_id_prop(p: &Property) -> bool {
    is_prop_leniently(p, props::POAM_ID)
}

/// The item's POAM ID, trimmed, when it has a non-empty one.
pub fn poam_id(item: &PoamItem) -> Option<&str> {
    item.props
        .iter()
        .find(|p| is_poam_id_prop(p))
        .map(|p| p.value.trim())
        .filter(|v| !v.is_empty())
}

/// What kind of weakness source identifier an item has, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
        if let Some(p) = tool_props().find(|p| is_prop_leniently(p, name)) {
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
/// deviation or closure record ([`observation_types::NOT_ASSETS`]).
pub fn is_asset_observation(o: &Observation) -> bool {
    !o.types
        .iter()
        .any(|t| observation_types::NOT_ASSETS.contains(&t.as_str()))
}

/// Whether a risk status means closed (any case).
pub fn is_closed_status(status: &str) -> bool {
    status.eq_ignore_ascii_case(risk_status::CLOSED)
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

/// Whether a task is a milestone (the Guide's milestones are tasks of type `milestone`).
pub fn is_milestone(t: &Task) -> bool {
    t.r#type == MILESTONE
}

/// The `type` of a task that is a milestone.
pub const MILESTONE: &str = "milestone";

/// The due date of a task: the end of its date range, or its on-date.
pub fn task_due(t: &Task) -> Option<&str> {
    let timing = t.timing.as_ref()?;
    if let Some(r) = &timing.within_date_range {
        return Some(r.end.as_str());
    }
    timing.on_date.as_ref().map(|d| d.date.as_str())
}

/// An entry recording a completed milestone: its `type` prop (OSCAL's risk-log entry type)
/// is `milestone-complete`.
pub fn is_milestone_complete(e: &Entry) -> bool {
    e.props
        .iter()
        .find(|p| p.name == props::TYPE)
        .is_some_and(|p| p.value == entry_types::MILESTONE_COMPLETE)
}

#[cfg(test)]
mod tests {
    use super::*;

    macro_rules! from_json {
        ($($json:tt)+) => {
            serde_json::from_value(serde_json::json!($($json)+)).expect("a test value")
        };
    }

    const UUID: &str = "11111111-2222-4333-8444-555555555555";

    fn item(props: &serde_json::Value) -> PoamItem {
        from_json!({
            "uuid": UUID, "title": "T", "description": "D", "props": props
        })
    }

    #[test]
    fn the_poam_id_is_read_in_either_spelling_with_or_without_the_namespace() {
        for (name, ns) in [
            ("POAM-ID", Some("https://fedramp.gov/ns/oscal")),
            ("poam-id", Some("http://fedramp.gov/ns/oscal")),
            ("POAM-ID", None),
        ] {
            let i = item(&serde_json::json!([{"name": name, "ns": ns, "value": " V-1 "}]));
            assert_eq!(poam_id(&i), Some("V-1"), "{name} {ns:?}");
        }
        let other = item(&serde_json::json!([{"name": "POAM-ID", "ns": "urn:x", "value": "V-1"}]));
        assert_eq!(poam_id(&other), None);
        let blank = item(&serde_json::json!([{"name": "POAM-ID", "value": "  "}]));
        assert_eq!(poam_id(&blank), None);
    }

    fn observation(types: &[&str], title: Option<&str>, tool: Option<(&str, &str)>) -> Observation {
        let actors: Vec<serde_json::Value> = tool
            .map(|(name, value)| {
                serde_json::json!({"type": "tool", "actor-uuid": UUID,
                    "props": [{"name": name, "ns": crate::namespace::NS, "value": value}]})
            })
            .into_iter()
            .collect();
        // An origin needs an actor (OSCAL requires one): no tool, no origin.
        let origins: Vec<serde_json::Value> = if actors.is_empty() {
            Vec::new()
        } else {
            vec![serde_json::json!({"actors": actors})]
        };
        from_json!({
            "uuid": UUID, "description": "D", "methods": ["TEST"], "types": types,
            "title": title, "origins": origins,
            "collected": "2024-01-01T00:00:00Z"
        })
    }

    #[test]
    fn the_weakness_id_is_the_tool_id_then_the_observation_title() {
        let plugin = observation(&["finding"], Some("Old TLS"), Some(("plugin-id", "1234")));
        let vuln = observation(&[], None, Some(("vulnerability-id", "CVE-2024-1")));
        let titled = observation(&["finding"], Some(" Old TLS "), None);
        let id = weakness_id(&[], &[&plugin, &vuln]).expect("an id");
        assert_eq!(id.kind, WeaknessIdKind::VulnerabilityId);
        assert_eq!(id.to_string(), "vulnerability-id \"CVE-2024-1\"");
        let id = weakness_id(&[], &[&titled]).expect("an id");
        assert_eq!(
            (id.kind, id.value.as_str()),
            (WeaknessIdKind::ObservationTitle, "Old TLS")
        );
        assert_eq!(weakness_id(&[], &[]), None);
    }

    #[test]
    fn deviation_and_closure_records_are_not_the_weakness() {
        assert!(is_asset_observation(&observation(&["finding"], None, None)));
        for t in observation_types::NOT_ASSETS {
            assert!(!is_asset_observation(&observation(&[t], None, None)), "{t}");
        }
        assert!(is_closed_status("Closed") && !is_closed_status("open"));
    }

    #[test]
    fn rating_facets_are_fedramp_s_and_say_their_state() {
        let facet: Facet = from_json!({
            "name": "risk", "system": "https://fedramp.gov", "value": "high",
            "props": [{"name": "state", "value": "adjusted"}]
        });
        assert!(is_rating_facet(&facet));
        assert_eq!(facet_state(&facet), "adjusted");
        let other: Facet = from_json!({
            "name": "risk", "system": "http://csrc.nist.gov/ns/oscal", "value": "high"
        });
        assert!(!is_rating_facet(&other));
        assert_eq!(facet_state(&other), "");
    }

    #[test]
    fn a_completed_milestone_is_told_by_its_entry_type() {
        let entry = |kind: &str| -> Entry {
            from_json!({
                "uuid": UUID, "start": "2024-01-01T00:00:00Z",
                "props": [{"name": "type", "value": kind}]
            })
        };
        assert!(is_milestone_complete(&entry("milestone-complete")));
        assert!(!is_milestone_complete(&entry("status-update")));
    }

    #[test]
    fn a_milestone_is_due_at_the_end_of_its_range_or_on_its_date() {
        let task = |timing: serde_json::Value| -> Task {
            from_json!({
                "uuid": UUID, "type": "milestone", "title": "M", "timing": timing
            })
        };
        let ranged = task(serde_json::json!({"within-date-range": {
            "start": "2024-01-01T00:00:00Z", "end": "2024-03-31T00:00:00Z"}}));
        assert!(is_milestone(&ranged));
        assert_eq!(task_due(&ranged), Some("2024-03-31T00:00:00Z"));
        let on = task(serde_json::json!({"on-date": {"date": "2024-02-01T00:00:00Z"}}));
        assert_eq!(task_due(&on), Some("2024-02-01T00:00:00Z"));
    }
}
