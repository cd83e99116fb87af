//! Date-times compared as instants: `2024-07-01T00:00:00Z`, `2024-07-01T00:00:00+00:00`,
//! `2024-07-01T00:00:00.000-00:00` and `2024-06-30T20:00:00-04:00` are one instant written
//! four ways (a JSON tool and an XML tool, two exports of one document). Review cycles
//! compare items field by field with the model's equality, which compares text; so before
//! comparing, every date-time is respelled the way the instant was first written (the older
//! side first). Values shown in reports are then as that side wrote them.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use poam_model::Document;
use poam_model::walk::{Path, Value, Visitor, Walk};

/// An instant: seconds and nanoseconds since the epoch.
type Instant = (i64, u32);

fn instant(text: &str) -> Option<Instant> {
    let d = chrono::DateTime::parse_from_rfc3339(text).ok()?;
    Some((d.timestamp(), d.timestamp_subsec_nanos()))
}

/// The first spelling seen of each instant.
#[derive(Debug, Default)]
pub(crate) struct Spellings(HashMap<Instant, String>);

impl Spellings {
    /// Learns the spellings `doc` uses for instants not seen before.
    pub(crate) fn learn(&mut self, doc: &Document) {
        struct Learn<'s>(&'s mut HashMap<Instant, String>);
        impl Visitor for Learn<'_> {
            fn value(&mut self, _: &Path, v: Value<'_>) {
                if let Value::DateTimeWithTimezone(d) = v
                    && let Some(i) = instant(d.as_str())
                    && let Entry::Vacant(e) = self.0.entry(i)
                {
                    e.insert(d.to_string());
                }
            }
        }
        doc.plan_of_action_and_milestones
            .walk(&mut Path::root(), &mut Learn(&mut self.0));
    }

    /// `doc` with every date-time spelled as its instant was first seen, or `None` when it
    /// already is (the usual case: no copy is made).
    pub(crate) fn respell(&self, doc: &Document) -> Option<Document> {
        struct Find<'s> {
            spellings: &'s HashMap<Instant, String>,
            /// JSON pointer (from the document root) -> the spelling to write there.
            found: Vec<(String, String)>,
        }
        impl Visitor for Find<'_> {
            fn value(&mut self, path: &Path, v: Value<'_>) {
                if let Value::DateTimeWithTimezone(d) = v
                    && let Some(s) = instant(d.as_str()).and_then(|i| self.spellings.get(&i))
                    && s != d.as_str()
                {
                    self.found.push((path.to_string(), s.clone()));
                }
            }
        }
        let mut find = Find {
            spellings: &self.0,
            found: Vec::new(),
        };
        doc.plan_of_action_and_milestones
            .walk(&mut Path::root(), &mut find);
        if find.found.is_empty() {
            return None;
        }
        // The model has no mutable walk; its JSON form is the generic way to reach a value
        // by its path. Only documents that need it pay for the round trip.
        let mut json = serde_json::to_value(doc).ok()?;
        for (pointer, spelling) in find.found {
            if let Some(v) = json.pointer_mut(&pointer) {
                *v = serde_json::Value::String(spelling);
            }
        }
        serde_json::from_value(json).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_instant_written_differently_is_one_instant() {
        let a = instant("2024-07-01T00:00:00Z");
        assert!(a.is_some());
        for same in [
            "2024-07-01T00:00:00+00:00",
            "2024-07-01T00:00:00-00:00",
            "2024-07-01T00:00:00.000Z",
            "2024-06-30T20:00:00-04:00",
        ] {
            assert_eq!(instant(same), a, "{same}");
        }
        assert_ne!(instant("2024-07-01T00:00:00.001Z"), a);
        assert_ne!(instant("2024-07-01T00:00:00-04:00"), a);
    }
}
