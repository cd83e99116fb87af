//! Writing a document as another OSCAL version, constraints included.
//!
//! `poam_model::version` knows each version's *shapes* (members, required members,
//! datatypes) and refuses what the target's shape cannot hold. The versions' *constraints*
//! differ too: 1.2 closed the list of prop names in the OSCAL namespace (a 1.0.4 actor's
//! `vulnerability-id` prop, a warning there, is an error in 1.2), and renamed or extended
//! lists elsewhere. [`convert_version`] therefore also runs the constraint pass twice on the
//! document, with the rule set of the version it declares and with the target's, and judges
//! what the target adds by the constraint's own level:
//!
//! - an error the source's rules did not report at that place (a closed list,
//!   `allow-other="no"`, or an `error`-level constraint) is a place the target cannot hold:
//!   the conversion is refused, naming it and what the target allows;
//! - a warning (an open list, `allow-other="yes"`, or a `warning`-level constraint) or an
//!   informational finding is returned with the converted document, for the caller to show.
//!
//! Nothing is renamed: the only renames NIST's metaschema sources record between 1.0.4, 1.1.3
//! and 1.2.2 are deprecations (`deprecated="1.1.4"` on `finding`, "use `discovery`"; on
//! `http://ietf.org/rfc/rfc4122`), and every deprecated value stays in the newer versions'
//! lists, all of them open ones: no value has to change to fit, so values are written as
//! they are. What a document's own version already reported is its own problem, not the
//! conversion's.

use std::collections::HashSet;

use poam_model::Document;
use poam_model::version::{TargetVersion, Unrepresentable, VersionError, unrepresentable};
use serde_json::Value;

use crate::diagnostic::Diagnostic;
use crate::rule_set::AppliedRuleSet;
use crate::rules::Severity;
use crate::schema::Datatype;
use crate::tree::{self, TreeOptions};

/// What the target version's constraints add to the document's own version's: the errors
/// (places the target cannot hold) and the rest (warnings and notes), each in document order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConstraintChanges {
    /// Errors under the target's rules that the document's own rules did not report there.
    pub errors: Vec<Diagnostic>,
    /// Warnings and notes under the target's rules that the document's own rules did not
    /// report there.
    pub warnings: Vec<Diagnostic>,
}

/// Makes `doc` a document of OSCAL `target`, as [`poam_model::version::convert_version`]
/// does, and also refuses every place where the target's metaschema constraints report an
/// error the document's own version did not. `Ok` holds the warnings the target's
/// constraints add (written anyway); on `Err` (every place, in document order) `doc` is
/// unchanged.
pub fn convert_version(
    doc: &mut Document,
    target: TargetVersion,
) -> Result<Vec<Diagnostic>, VersionError> {
    let mut places = unrepresentable(doc, target);
    if places.is_empty() && same_rule_set(doc, target) {
        // Nothing to compare or to order: the whole document is not serialized for it.
        poam_model::version::convert_version(doc, target)?;
        return Ok(Vec::new());
    }
    let tree = to_tree(doc);
    let changes = changes_in(&tree, target);
    let refused: Vec<String> = places.iter().map(|p| p.pointer.clone()).collect();
    let covered = |pointer: &str| {
        refused.iter().any(|r| {
            pointer == r
                || pointer
                    .strip_prefix(r.as_str())
                    .is_some_and(|s| s.starts_with('/'))
        })
    };
    places.extend(
        changes
            .errors
            .iter()
            .filter(|d| !covered(&d.pointer))
            .map(|d| Unrepresentable {
                pointer: d.pointer.clone(),
                reason: format!(
                    "OSCAL {target}'s rules refuse it, where the document's own version did not (rule {}): {}",
                    d.rule, d.message
                ),
            }),
    );
    if !places.is_empty() {
        places.sort_by_cached_key(|p| crate::order::key(&tree, &p.pointer));
        return Err(VersionError::new(target, places));
    }
    poam_model::version::convert_version(doc, target)?;
    Ok(changes
        .warnings
        .into_iter()
        .filter(|d| !covered(&d.pointer))
        .collect())
}

/// What OSCAL `target`'s constraints report on `doc` that the rules of the version `doc`
/// declares do not (nothing when both versions have the same rule set).
pub fn constraint_changes(doc: &Document, target: TargetVersion) -> ConstraintChanges {
    if same_rule_set(doc, target) {
        return ConstraintChanges::default();
    }
    changes_in(&to_tree(doc), target)
}

/// Whether the version `doc` declares and `target` are judged by the same rule set (then the
/// target's constraints add nothing).
fn same_rule_set(doc: &Document, target: TargetVersion) -> bool {
    let declared = &doc.plan_of_action_and_milestones.metadata.oscal_version;
    AppliedRuleSet::for_declared(Some(declared)).version
        == AppliedRuleSet::for_declared(Some(target.as_str())).version
}

fn to_tree(doc: &Document) -> Value {
    // Serializing the model cannot fail (string keys only).
    serde_json::to_value(doc).unwrap_or(Value::Null)
}

fn changes_in(tree: &Value, target: TargetVersion) -> ConstraintChanges {
    let source = AppliedRuleSet::for_declared(tree::declared_version(tree).as_deref());
    let wanted = AppliedRuleSet::for_declared(Some(target.as_str()));
    if source.version == wanted.version || tree.is_null() {
        return ConstraintChanges::default();
    }
    let opts = TreeOptions {
        yaml: false,
        fedramp: false,
    };
    let before = tree::check_with(tree, opts, source).diagnostics;
    let known: HashSet<(&str, &str, Severity)> = before
        .iter()
        .map(|d| (d.pointer.as_str(), d.rule, d.severity))
        .collect();
    let mut after = tree::check_with(tree, opts, wanted).diagnostics;
    after.retain(|d| !known.contains(&(d.pointer.as_str(), d.rule, d.severity)));
    crate::order::sort(&mut after, tree);
    let (errors, warnings) = after
        .into_iter()
        .partition(|d| d.severity == Severity::Error);
    ConstraintChanges { errors, warnings }
}

/// How the rule set of metaschema `version` types a value where that differs from the model
/// (the newest version): `(definition, flag or value member, datatype)`, from the versions'
/// generated shapes (1.0.4's base64 `filename`, a `uri-reference`).
pub(crate) fn datatype_differences(version: &str) -> Vec<(&'static str, &'static str, Datatype)> {
    poam_model::version::datatype_differences(version)
        .into_iter()
        .filter_map(|(def, member, name)| Datatype::from_name(name).map(|d| (def, member, d)))
        .collect()
}

/// Whether the rule set of metaschema `version` takes any string as a `markup-line`: 1.2's
/// JSON Schema wants one non-empty line (`^[^\n]+$`), 1.0's and 1.1's took any string.
pub(crate) fn markup_line_is_any_string(version: &str) -> bool {
    matches!(crate::schema::series(version), Some("1.0" | "1.1"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    /// The tree pass applies a version's datatypes to flags and value members: every
    /// difference the metaschema sources have must be one of those (and have a datatype the
    /// pass knows), or it would go unchecked.
    #[test]
    fn every_datatype_difference_is_a_flag_or_value_the_pass_checks() {
        for set in crate::generated::RULE_SETS {
            let found = poam_model::version::datatype_differences(set.version);
            assert_eq!(
                datatype_differences(set.version).len(),
                found.len(),
                "{found:?}"
            );
            for (def, member, _) in found {
                let d = crate::generated::DEFS.iter().find(|d| d.name == def);
                let checked = d.is_some_and(|d| {
                    d.flags.iter().any(|f| f.name == member) || d.value_key == Some(member)
                });
                assert!(checked, "{}: {def}/{member}", set.version);
            }
        }
        assert_eq!(
            datatype_differences("1.0.4"),
            [("base64", "filename", Datatype::UriReference)]
        );
    }

    fn fixture(name: &str) -> Document {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/version")
            .join(name);
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
    }

    fn v(text: &str) -> TargetVersion {
        TargetVersion::parse(text).unwrap()
    }

    const ACTOR_PROP: &str =
        "/plan-of-action-and-milestones/risks/0/characterizations/0/origin/actors/0/props/0/name";
    const RESOURCE_TYPE: &str =
        "/plan-of-action-and-milestones/back-matter/resources/0/props/0/value";

    /// The `oscal-datatype` findings of `poam validate` on a fixture's text, relabelled as
    /// `declared`.
    fn datatype_findings(name: &str, declared: &str) -> Vec<String> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/version")
            .join(name);
        let mut tree: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        tree["plan-of-action-and-milestones"]["metadata"]["oscal-version"] = declared.into();
        let text = tree.to_string();
        let v = crate::validate_text(
            &text,
            poam_io::Format::Json,
            &poam_io::SourceName(name.to_owned()),
            &crate::Options::default(),
        )
        .unwrap();
        v.diagnostics
            .iter()
            .filter(|d| d.rule == "oscal-datatype")
            .map(|d| d.pointer.clone())
            .collect()
    }

    /// Datatypes follow the version the document declares: 1.0.4's base64 `filename` is a
    /// uri-reference (a path fits), 1.1's a token; 1.0's and 1.1's markup-line is any string
    /// (an empty title fits), 1.2's one non-empty line.
    #[test]
    fn validation_holds_values_to_the_declared_versions_datatypes() {
        let filename = "/plan-of-action-and-milestones/back-matter/resources/0/base64/filename";
        assert_eq!(
            datatype_findings("filename-path-1.0.4.json", "1.0.4"),
            Vec::<String>::new()
        );
        for later in ["1.1.3", "1.2.3"] {
            assert_eq!(
                datatype_findings("filename-path-1.0.4.json", later),
                [filename]
            );
        }
        let title = "/plan-of-action-and-milestones/poam-items/0/title";
        for older in ["1.0.4", "1.1.2", "1.1.3"] {
            assert_eq!(
                datatype_findings("empty-title-1.1.3.json", older),
                Vec::<String>::new()
            );
        }
        assert_eq!(
            datatype_findings("empty-title-1.1.3.json", "1.2.1"),
            [title]
        );
    }

    /// 1.1 closed the list of OSCAL prop names and of resource types that 1.0.4 left open.
    #[test]
    fn values_a_closed_list_of_the_target_refuses_are_refused_in_document_order() {
        let mut doc = fixture("closed-list-1.0.4.json");
        let before = doc.clone();
        for target in ["1.1.2", "1.1.3", "1.2.1", "1.2.3"] {
            let e = convert_version(&mut doc, v(target)).unwrap_err();
            let places: Vec<&str> = e.places.iter().map(|p| p.pointer.as_str()).collect();
            assert_eq!(places, [ACTOR_PROP, RESOURCE_TYPE], "{target}");
            let reason = &e.places[0].reason;
            assert!(
                reason.contains(&format!("OSCAL {target}'s rules refuse it"))
                    && reason.contains("\"plugin-id\" is not an allowed value: `marking`"),
                "{reason}"
            );
            assert_eq!(doc, before, "{target}");
        }
        // Its own version's rules: nothing to refuse, nothing to warn about.
        assert_eq!(convert_version(&mut doc, v("1.0.4")), Ok(Vec::new()));
    }

    /// A warning-level constraint of the target (1.1's telephone-number pattern) is written
    /// and reported.
    #[test]
    fn what_the_target_only_warns_about_is_written_and_returned() {
        let mut doc = fixture("open-list-1.0.4.json");
        let warnings = convert_version(&mut doc, v("1.2.3")).unwrap();
        assert_eq!(
            doc.plan_of_action_and_milestones.metadata.oscal_version,
            "1.2.3"
        );
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(warnings[0].rule, "oscal-matches");
        assert_eq!(warnings[0].severity, Severity::Warning);
        assert_eq!(
            warnings[0].pointer,
            "/plan-of-action-and-milestones/metadata/parties/0/telephone-numbers/0"
        );
    }

    /// 1.2 added `discovery` to the open list of observation types: written as 1.1, it is a
    /// warning, not a refusal.
    #[test]
    fn a_value_an_open_list_of_the_target_lacks_is_a_warning() {
        let mut doc: Document = serde_json::from_str(
            r#"{"plan-of-action-and-milestones": {
                "uuid": "2b1e8c4a-3f5d-4a6b-9c7d-8e9f0a1b2c3d",
                "metadata": {"title": "T", "last-modified": "2024-06-01T09:00:00Z",
                             "version": "1", "oscal-version": "1.2.1"},
                "observations": [{"uuid": "5d2f9a6b-4c7e-4b8a-8d9e-0f1a2b3c4d5e",
                    "description": "Seen by a scan.", "methods": ["TEST"],
                    "types": ["discovery"], "collected": "2024-06-01T09:00:00Z"}],
                "poam-items": [{"uuid": "7f4b1c8d-6e9a-4d0b-8f1a-2b3c4d5e6f70",
                    "title": "An item", "description": "Fix it."}]}}"#,
        )
        .unwrap();
        let c = constraint_changes(&doc, v("1.1.3"));
        assert_eq!(c.errors, Vec::new());
        let found: Vec<(&str, &str)> = c
            .warnings
            .iter()
            .map(|d| (d.rule, d.pointer.as_str()))
            .collect();
        assert_eq!(
            found,
            [(
                "oscal-allowed-values-open",
                "/plan-of-action-and-milestones/observations/0/types/0"
            )]
        );
        assert_eq!(convert_version(&mut doc, v("1.1.3")).unwrap().len(), 1);
    }

    /// An error of the document's own rules is its own problem (validation's), not the
    /// version's: a 1.1 document with the values 1.1 refuses converts to 1.2.
    #[test]
    fn the_documents_own_errors_are_not_refused() {
        let mut doc = fixture("closed-list-1.0.4.json");
        doc.plan_of_action_and_milestones.metadata.oscal_version = "1.1.3".into();
        let c = constraint_changes(&doc, v("1.2.3"));
        assert!(c.errors.is_empty(), "{:?}", c.errors);
        assert!(convert_version(&mut doc, v("1.2.3")).is_ok());
    }
}
