//! Which OSCAL rule set a document is checked against: the metaschema constraints of the
//! version its `metadata/oscal-version` declares (1.0.x by 1.0.4's, 1.1.x by 1.1.3's, 1.2.x by
//! 1.2.2's), so that a document is not held to rules written after it. A version no set
//! covers is checked against the newest set, and the choice says so.

use serde::Serialize;

use crate::generated::RULE_SETS;
use crate::schema::{RuleSet, series};

/// The rule set a document was checked against, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppliedRuleSet {
    /// The metaschema version whose constraints were applied, e.g. `1.0.4`.
    pub version: &'static str,
    /// The `oscal-version` the document declares, as written (none when it has none).
    pub declared: Option<String>,
    /// Whether the declared version is in the series of the applied set; false when the set
    /// is the newest, used for a version no set covers.
    pub matched: bool,
}

impl AppliedRuleSet {
    /// The set for a declared `oscal-version`.
    pub fn for_declared(declared: Option<&str>) -> Self {
        let found = declared
            .and_then(series)
            .and_then(|s| RULE_SETS.iter().find(|r| r.series() == s));
        Self {
            version: found.unwrap_or(newest()).version,
            declared: declared.map(str::to_owned),
            matched: found.is_some(),
        }
    }

    /// Its constraint table.
    pub fn rule_set(&self) -> &'static RuleSet {
        RULE_SETS
            .iter()
            .find(|r| r.version == self.version)
            .unwrap_or(newest())
    }

    /// One line for people: `OSCAL 1.0.4 rules (oscal-version 1.0.4)`, or why the newest set
    /// was used.
    pub fn describe(&self) -> String {
        match (&self.declared, self.matched) {
            (Some(d), true) => format!("OSCAL {} rules (oscal-version {d})", self.version),
            (Some(d), false) => format!(
                "OSCAL {} rules, the newest: oscal-version {d:?} is not a version poam has rules for ({})",
                self.version,
                known_series()
            ),
            (None, _) => format!(
                "OSCAL {} rules, the newest: the document declares no oscal-version",
                self.version
            ),
        }
    }
}

fn newest() -> &'static RuleSet {
    // The generator always writes at least one set.
    &RULE_SETS[0]
}

/// `1.0.x, 1.1.x, 1.2.x`: the series some set covers, oldest first.
pub(crate) fn known_series() -> String {
    RULE_SETS
        .iter()
        .rev()
        .map(|r| format!("{}.x", r.series()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// How versions map to sets, for `--list-rules` and the README: `1.0.x -> 1.0.4, ...`.
pub fn mapping() -> String {
    RULE_SETS
        .iter()
        .rev()
        .map(|r| format!("{}.x -> {}", r.series(), r.version))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_series_gets_its_own_set() {
        assert_eq!(AppliedRuleSet::for_declared(Some("1.0.4")).version, "1.0.4");
        assert_eq!(AppliedRuleSet::for_declared(Some("1.0.0")).version, "1.0.4");
        assert_eq!(AppliedRuleSet::for_declared(Some("1.1.2")).version, "1.1.3");
        assert_eq!(AppliedRuleSet::for_declared(Some("1.2.1")).version, "1.2.2");
        assert!(AppliedRuleSet::for_declared(Some("1.1.2")).matched);
    }

    #[test]
    fn an_unknown_version_gets_the_newest_and_says_so() {
        for v in [
            Some("1.3.0"),
            Some("2.0"),
            Some("latest"),
            Some("10.0.4"),
            None,
        ] {
            let a = AppliedRuleSet::for_declared(v);
            assert_eq!(a.version, RULE_SETS[0].version, "{v:?}");
            assert!(!a.matched, "{v:?}");
            assert!(a.describe().contains("the newest"), "{}", a.describe());
        }
    }

    #[test]
    fn series_of_versions() {
        assert_eq!(series("1.0.4"), Some("1.0"));
        assert_eq!(series("1.0.0-rc2"), Some("1.0"));
        assert_eq!(series("1.1"), Some("1.1"));
        assert_eq!(series("1"), None);
        assert_eq!(series("v1.0.4"), None);
        assert_eq!(series("1..2"), None);
    }
}
