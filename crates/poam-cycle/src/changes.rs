//! Field differences ([`Edit`](crate::edits::Edit)s) told in the terms of a POA&M review: deadline slipped,
//! risk rating adjusted, milestone added or completed, deviation moved, vendor check-in,
//! assets added or removed, text edited. Whatever has no domain name is still reported, by
//! its OSCAL member name, so that no difference goes unseen.

use std::collections::HashMap;

use poam_model::{PlanOfActionAndMilestones, Property};
use serde::Serialize;

pub(crate) use crate::describe::describe;
use crate::item::{uuid_key, uuid_key_ref};

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
    /// A milestone was added.
    MilestoneAdded,
    /// A milestone both sides have changed (title, due date, …).
    MilestoneChanged,
    /// A milestone was recorded as complete.
    MilestoneCompleted,
    /// A milestone was removed.
    MilestoneRemoved,
    /// A remediation (risk response) was added.
    RemediationAdded,
    /// A member of a remediation both sides have (title, lifecycle, description, …).
    RemediationChanged,
    /// A remediation (risk response) was removed.
    RemediationRemoved,
    /// A risk-log entry titled or typed as a vendor check-in was added.
    VendorCheckIn,
    /// A risk-log entry was added.
    LogEntryAdded,
    /// A risk-log entry both sides have changed.
    LogEntryChanged,
    /// A risk-log entry was removed.
    LogEntryRemoved,
    /// An affected asset was added.
    AssetAdded,
    /// An affected asset was removed.
    AssetRemoved,
    /// The item's title was edited.
    TitleEdited,
    /// The item's description was edited.
    DescriptionEdited,
    /// The item's FedRAMP POAM ID changed.
    PoamIdChanged,
    /// A risk, observation or finding was linked to the item.
    Linked,
    /// A risk, observation or finding was unlinked from the item.
    Unlinked,
    /// Any other field, by name.
    FieldAdded,
    /// Any other field was removed, by name.
    FieldRemoved,
    /// Any other field changed, by name.
    FieldChanged,
}

/// One change of an item, old -> new.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Change {
    /// What kind of change.
    pub kind: ChangeKind,
    /// The field in a reviewer's words, e.g. `deadline`, `adjusted risk rating`,
    /// `vendor-dependency`, `risk prop impacted-control-id`.
    pub field: String,
    /// What the change is about when the field has several: a milestone's or log entry's
    /// title, an asset's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The old value, shown as text (absent when it was added).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    /// The new value, shown as text (absent when it was removed).
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
    pub(crate) fn of(kind: ChangeKind, field: impl Into<String>) -> Self {
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
    pub(crate) fn subject(mut self, s: impl Into<String>) -> Self {
        self.subject = Some(s.into());
        self
    }
    pub(crate) fn old(mut self, s: Option<String>) -> Self {
        self.old = s;
        self
    }
    pub(crate) fn new_value(mut self, s: Option<String>) -> Self {
        self.new = s;
        self
    }
    pub(crate) fn days(mut self, d: Option<i64>) -> Self {
        self.days = d;
        self
    }

    /// The change as one line for people, e.g. `deadline slipped: 2024-07-01 -> 2024-08-15
    /// (+45 days)`. Every line names what changed and says old -> new; of a long text, the
    /// words that changed with a few words around them.
    pub fn sentence(&self) -> String {
        let words = Words::of(self);
        let line = match self.kind {
            ChangeKind::StatusChanged
            | ChangeKind::DeadlineSlipped
            | ChangeKind::DeadlineMovedEarlier
            | ChangeKind::DeadlineSet
            | ChangeKind::DeadlineRemoved
            | ChangeKind::RiskRatingChanged
            | ChangeKind::DeviationChanged
            | ChangeKind::PoamIdChanged => self.rating_or_date_sentence(&words),
            ChangeKind::MilestoneAdded
            | ChangeKind::MilestoneChanged
            | ChangeKind::MilestoneCompleted
            | ChangeKind::MilestoneRemoved
            | ChangeKind::RemediationAdded
            | ChangeKind::RemediationChanged
            | ChangeKind::RemediationRemoved => self.plan_sentence(&words),
            ChangeKind::VendorCheckIn
            | ChangeKind::LogEntryAdded
            | ChangeKind::LogEntryChanged
            | ChangeKind::LogEntryRemoved => self.log_sentence(&words),
            _ => self.field_sentence(&words),
        };
        line.trim_end().to_owned()
    }

    fn rating_or_date_sentence(&self, w: &Words) -> String {
        use ChangeKind as K;
        let (arrow, days) = (&w.arrow, &w.days);
        match self.kind {
            K::StatusChanged => format!("status changed: {arrow}"),
            K::DeadlineSlipped => format!("deadline slipped: {arrow}{days}"),
            K::DeadlineMovedEarlier => format!("deadline moved earlier: {arrow}{days}"),
            K::DeadlineSet => format!("deadline set: {}", w.new),
            K::DeadlineRemoved => format!("deadline removed (was {})", w.old),
            K::DeviationChanged => format!("{} deviation: {arrow}", self.field),
            K::PoamIdChanged => format!("POAM ID changed: {arrow}"),
            _ => format!("{}: {arrow}", self.field),
        }
    }

    fn plan_sentence(&self, w: &Words) -> String {
        use ChangeKind as K;
        let (subject, arrow, days) = (&w.subject, &w.arrow, &w.days);
        match self.kind {
            K::MilestoneAdded => format!("milestone added:{subject}{}", due(self.new.as_ref())),
            K::MilestoneChanged => format!("milestone{subject} {}: {arrow}{days}", self.field),
            K::MilestoneCompleted => {
                format!("milestone completed:{subject}{}", on(self.new.as_ref()))
            }
            K::MilestoneRemoved => format!("milestone removed:{subject}"),
            K::RemediationAdded => format!("remediation added:{subject}"),
            // The title is its own subject.
            K::RemediationChanged if self.field == "title" => {
                format!("remediation title: {}", w.quoted_arrow)
            }
            K::RemediationChanged => format!("remediation{subject} {}: {arrow}", self.field),
            _ => format!("remediation removed:{subject}"),
        }
    }

    fn log_sentence(&self, w: &Words) -> String {
        use ChangeKind as K;
        let (subject, days) = (&w.subject, &w.days);
        match self.kind {
            K::VendorCheckIn => {
                let note = self.old.as_deref().map(|n| format!(": {:?}", short(n, 80)));
                format!(
                    "vendor check-in{}{}",
                    on(self.new.as_ref()),
                    note.unwrap_or_default()
                )
            }
            K::LogEntryAdded => format!("log entry added:{subject}{}", on(self.new.as_ref())),
            K::LogEntryChanged => {
                format!(
                    "log entry{subject} {}: {}{days}",
                    self.field, w.quoted_arrow
                )
            }
            _ => format!("log entry removed:{subject}"),
        }
    }

    fn field_sentence(&self, w: &Words) -> String {
        use ChangeKind as K;
        let (subject, field) = (&w.subject, &self.field);
        let of = if subject.is_empty() {
            String::new()
        } else {
            format!(" of{subject}")
        };
        match self.kind {
            K::TitleEdited | K::DescriptionEdited => {
                format!("{field}{of} edited: {}", w.quoted_arrow)
            }
            K::AssetAdded => format!("asset added:{subject}"),
            K::AssetRemoved => format!("asset removed:{subject}"),
            K::Linked => format!("{field} linked:{subject}"),
            K::Unlinked => format!("{field} unlinked:{subject}"),
            K::FieldAdded => format!("{field} added:{subject} {}", w.new),
            K::FieldRemoved if self.old.is_some() => {
                format!("{field} removed:{subject} (was {})", w.old)
            }
            K::FieldRemoved => format!("{field} removed:{subject}"),
            _ => format!("{field}{of} changed: {}{}", w.arrow, w.days),
        }
    }
}

/// The pieces of a change's sentence, shortened for one line.
struct Words {
    /// ` "subject"`, or empty.
    subject: String,
    old: String,
    new: String,
    /// `old -> new`, `(none)` for a side without a value.
    arrow: String,
    /// The same with the values quoted (text).
    quoted_arrow: String,
    /// ` (+45 days)`, or empty.
    days: String,
}

impl Words {
    fn of(c: &Change) -> Self {
        let (old, new) = match (c.old.as_deref(), c.new.as_deref()) {
            (Some(o), Some(n)) => {
                let (o, n) = excerpts(o, n, 80);
                (Some(o), Some(n))
            }
            (o, n) => (o.map(|s| short(s, 80)), n.map(|s| short(s, 80))),
        };
        let arrow = |quote: bool| {
            let side = |s: &Option<String>| match s {
                Some(s) if quote => format!("{s:?}"),
                Some(s) => s.clone(),
                None => "(none)".to_owned(),
            };
            match (&old, &new) {
                (None, None) => String::new(),
                _ => format!("{} -> {}", side(&old), side(&new)),
            }
        };
        Self {
            subject: c
                .subject
                .as_deref()
                .map(|s| format!(" {:?}", short(s, 80)))
                .unwrap_or_default(),
            arrow: arrow(false),
            quoted_arrow: arrow(true),
            old: old.clone().unwrap_or_default(),
            new: new.clone().unwrap_or_default(),
            days: match c.days {
                Some(d) if d > 0 => format!(" (+{d} days)"),
                Some(d) if d < 0 => format!(" ({d} days)"),
                _ => String::new(),
            },
        }
    }
}

/// Words of context shown around a change in a long text.
const CONTEXT_WORDS: usize = 4;

/// Two versions of a text on one line each: whole when both are short, else the words from
/// the first that differs to the last that differs, with `CONTEXT_WORDS` words around
/// them and `…` where words are left out. Nothing that changed is ever left out.
pub(crate) fn excerpts(old: &str, new: &str, max: usize) -> (String, String) {
    let (a, b): (Vec<&str>, Vec<&str>) = (
        old.split_whitespace().collect(),
        new.split_whitespace().collect(),
    );
    let (oa, nb) = (a.join(" "), b.join(" "));
    if oa.chars().count() <= max && nb.chars().count() <= max {
        return (oa, nb);
    }
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let room = a.len().min(b.len()) - prefix;
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(room)
        .take_while(|(x, y)| x == y)
        .count();
    let from = prefix.saturating_sub(CONTEXT_WORDS);
    let cut = |words: &[&str]| {
        let to = (words.len() - suffix + CONTEXT_WORDS).min(words.len());
        let mut s = words[from..to].join(" ");
        if from > 0 {
            s.insert_str(0, "… ");
        }
        if to < words.len() {
            s.push_str(" …");
        }
        s
    };
    (cut(&a), cut(&b))
}

fn due(d: Option<&String>) -> String {
    d.map(|d| format!(" (due {d})")).unwrap_or_default()
}
fn on(d: Option<&String>) -> String {
    d.map(|d| format!(" on {d}")).unwrap_or_default()
}

/// `s` on one line, at most `max` characters, with `…` when cut.
pub(crate) fn short(s: &str, max: usize) -> String {
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
pub(crate) fn show(v: &serde_json::Value) -> Option<String> {
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

/// Names of assets (inventory items and components) and actors (parties, tools) of the
/// documents compared, by uuid, so that a change says `web-01.example.com` rather than a uuid.
#[derive(Debug, Default)]
pub(crate) struct AssetNames {
    names: HashMap<String, String>,
}

impl AssetNames {
    /// Collects the names the documents' parties and local definitions give; later
    /// documents win.
    pub(crate) fn of(docs: &[&PlanOfActionAndMilestones]) -> Self {
        let mut names = HashMap::new();
        let prop = |props: &[Property], names: &[&str]| -> Option<String> {
            names
                .iter()
                .find_map(|n| props.iter().find(|p| p.name == *n).map(|p| p.value.clone()))
        };
        for d in docs {
            for p in &d.metadata.parties {
                if let Some(name) = &p.name {
                    names.insert(uuid_key(&p.uuid), name.clone());
                }
            }
            let Some(ld) = &d.local_definitions else {
                continue;
            };
            for i in &ld.inventory_items {
                let name = prop(&i.props, &crate::item::ASSET_NAME_PROPS)
                    .unwrap_or_else(|| short(&i.description.plain_text(), 60));
                names.insert(uuid_key(&i.uuid), name);
            }
            for c in &ld.components {
                names.insert(uuid_key(&c.uuid), c.title.plain_text());
            }
        }
        Self { names }
    }

    pub(crate) fn name(&self, uuid: &str, title: Option<String>) -> String {
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
pub(crate) fn days_between(old: &str, new: &str) -> Option<i64> {
    Some((date_of(new)? - date_of(old)?).num_days())
}

/// A date-time shown as its date when it is midnight, else as written.
pub(crate) fn show_date(s: &str) -> String {
    match s.split_once('T') {
        Some((d, t)) if t.starts_with("00:00:00") => d.to_owned(),
        _ => s.to_owned(),
    }
}

pub(crate) fn text(v: &serde_json::Value) -> Option<String> {
    show(v).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edits::PropKey;

    #[test]
    fn sentences() {
        let c = Change::of(ChangeKind::DeadlineSlipped, "deadline")
            .old(Some("2024-07-01".into()))
            .new_value(Some("2024-08-15".into()))
            .days(Some(45));
        assert_eq!(
            c.sentence(),
            "deadline slipped: 2024-07-01 -> 2024-08-15 (+45 days)"
        );
        let c = Change::of(ChangeKind::MilestoneAdded, "milestone")
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
        let p = |ns: &str| Property::new("vendor-dependency", Some(ns), "tracking");
        assert_eq!(
            PropKey::of(&p("http://fedramp.gov/ns/oscal")),
            PropKey::of(&p("https://fedramp.gov/ns/oscal"))
        );
        assert!(PropKey::of(&p("https://fedramp.gov/ns/oscal")).is_deviation());
    }
}
