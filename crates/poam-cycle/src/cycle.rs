//! The conventions of a review cycle: the next POAM ID in a series, the version bump, the
//! revision entry, and the deterministic uuids of what a merge writes.

use std::collections::BTreeMap;

use poam_model::datatypes::{DateTimeWithTimezone, Uuid};
use poam_model::{Metadata, Revision};

/// The namespace of the name-based (v5) uuids `poam merge` makes: the uuid of the name
/// `urn:poam:review-cycle` in the URL namespace.
pub(crate) const UUID_NAMESPACE: &str = "f1f9a932-fef8-5140-8bec-5fa3833cff82";

/// A deterministic uuid for what a merge writes, from stable keys.
pub fn uuid_for(name: &str) -> Uuid {
    Uuid::from_name(&Uuid::new(UUID_NAMESPACE), name)
}

/// A POAM ID series: a prefix and a zero-padded number, e.g. `V-0042`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Series {
    pub prefix: String,
    pub width: usize,
    /// The number the next ID gets.
    pub next: u64,
}

impl Series {
    /// The series most of `ids` belong to (ties: the alphabetically first prefix), continuing
    /// after its highest number. IDs not ending in digits belong to no series.
    pub(crate) fn of<'a>(ids: impl IntoIterator<Item = &'a str>) -> Option<Self> {
        // prefix -> (count, highest number, width of the highest)
        let mut by_prefix: BTreeMap<&str, (usize, u64, usize)> = BTreeMap::new();
        for id in ids {
            let digits = id.len() - id.trim_end_matches(|c: char| c.is_ascii_digit()).len();
            if digits == 0 || digits > 18 {
                continue;
            }
            let (prefix, num) = id.split_at(id.len() - digits);
            let Ok(n) = num.parse::<u64>() else { continue };
            let e = by_prefix.entry(prefix).or_insert((0, 0, 0));
            e.0 += 1;
            if n > e.1 || (n == e.1 && digits > e.2) {
                e.1 = n;
                e.2 = digits;
            }
        }
        let (prefix, (_, max, width)) = by_prefix
            .into_iter()
            .max_by(|a, b| a.1.0.cmp(&b.1.0).then_with(|| b.0.cmp(a.0)))?;
        Some(Self {
            prefix: prefix.to_owned(),
            width,
            next: max + 1,
        })
    }

    /// Hands out the next ID.
    pub(crate) fn take(&mut self) -> String {
        let id = format!("{}{:0width$}", self.prefix, self.next, width = self.width);
        self.next += 1;
        id
    }
}

/// The title of the revision entry and of the risk-log entries of the cycle dated `date`.
pub fn cycle_title(date: &str) -> String {
    format!("Review cycle {date}")
}

/// The version after a review cycle: a plain number (`3`, `1.4`, `v2.0.07`) gets its last
/// component incremented (keeping its zero padding); anything else gets `-cycle-DATE`
/// appended, replacing an earlier cycle suffix.
pub(crate) fn bump_version(version: &str, date: &str) -> String {
    let core = version.strip_prefix(['v', 'V']).unwrap_or(version);
    let numeric = !core.is_empty()
        && core
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if numeric {
        let cut = version
            .rfind('.')
            .map_or(version.len() - core.len(), |i| i + 1);
        let (head, last) = version.split_at(cut);
        if let Ok(n) = last.parse::<u64>() {
            return format!("{head}{:0width$}", n + 1, width = last.len());
        }
    }
    let base = match version.rfind("-cycle-") {
        Some(i) if is_date(&version[i + 7..]) => &version[..i],
        _ => version,
    };
    if base.is_empty() {
        format!("cycle-{date}")
    } else {
        format!("{base}-cycle-{date}")
    }
}

fn is_date(s: &str) -> bool {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}

/// Updates the metadata for the cycle `as_of`: last-modified, and, unless the newest revision
/// already is this cycle's (so that merging again in the same cycle changes nothing), a
/// version bump and a revision entry. Returns whether this started a new cycle.
pub(crate) fn stamp(m: &mut Metadata, as_of: &DateTimeWithTimezone, date: &str) -> bool {
    m.last_modified = as_of.clone();
    let title = cycle_title(date);
    let same_cycle = m.revisions.last().is_some_and(|r| {
        r.version == m.version && r.title.as_ref().is_some_and(|t| t.to_markdown() == title)
    });
    if same_cycle {
        return false;
    }
    m.version = bump_version(&m.version, date);
    m.revisions.push(Revision {
        title: Some(poam_model::MarkupLine::from_markdown(&title)),
        published: None,
        last_modified: Some(as_of.clone()),
        version: m.version.clone(),
        oscal_version: Some(m.oscal_version.clone()),
        props: Vec::new(),
        links: Vec::new(),
        remarks: Some(poam_model::MarkupMultiline::from_markdown(
            "Carried into the review cycle by `poam merge`; the risk logs record each change.",
        )),
    });
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_continues_the_most_used_prefix() {
        let s = Series::of(["V-0041", "V-0042", "C-7", "V-0009", "X"]);
        let mut s = s.expect("a series");
        assert_eq!(s.take(), "V-0043");
        assert_eq!(s.take(), "V-0044");
        assert_eq!(
            Series::of(["V-9"]).map(|mut s| s.take()),
            Some("V-10".into())
        );
        assert_eq!(
            Series::of(["V-99", "V-100"]).map(|mut s| s.take()),
            Some("V-101".into())
        );
        assert_eq!(
            Series::of(["A-1", "B-1"]).map(|s| s.prefix),
            Some("A-".into())
        );
        assert_eq!(Series::of(["none"]), None);
    }

    #[test]
    fn versions() {
        assert_eq!(bump_version("1.0", "2024-07-01"), "1.1");
        assert_eq!(bump_version("3", "2024-07-01"), "4");
        assert_eq!(bump_version("v2.0.09", "2024-07-01"), "v2.0.10");
        assert_eq!(
            bump_version("fedramp2.1.0-oscal1.0.4", "2024-07-01"),
            "fedramp2.1.0-oscal1.0.4-cycle-2024-07-01"
        );
        assert_eq!(
            bump_version("fedramp2.1.0-oscal1.0.4-cycle-2024-07-01", "2024-08-01"),
            "fedramp2.1.0-oscal1.0.4-cycle-2024-08-01"
        );
        assert_eq!(bump_version("", "2024-07-01"), "cycle-2024-07-01");
    }

    #[test]
    fn uuids_are_deterministic_v5() {
        let a = uuid_for("x");
        assert_eq!(a, uuid_for("x"));
        assert_ne!(a, uuid_for("y"));
        assert_eq!(a.as_str().as_bytes()[14], b'5');
    }
}
