//! Validation: structure and datatypes, OSCAL's metaschema constraints, reference integrity,
//! and (with [`Profile::Fedramp`]) FedRAMP's POA&M rules.
//!
//! Every problem of a document is reported in one run, each a [`Diagnostic`] with a stable
//! rule id ([`rules()`]), a [`Severity`] and the JSON pointer of its place. [`validate`]
//! checks a typed [`Document`](crate::Document); [`validate_text`] checks a file's text and
//! also sees what the typed model cannot hold (empty arrays, unknown members).

pub use poam_validate::{
    AppliedRuleSet, Diagnostic, JsonSchema, Locator, NoLocator, Options, Place, Profile, RuleInfo,
    Severity, SspError, SspIndex, SspKind, Validation, has_errors, severities, validate,
    validate_text,
};

/// The rules that are not checks of a document's content: a file that could not be read,
/// and a workbook cell the import could not understand.
pub use poam_validate::{UNREADABLE, WORKBOOK_CELL};

/// Which OSCAL rule set each declared OSCAL version is checked against, one line per series
/// (as `poam validate --list-rules` prints it).
pub fn rule_set_mapping() -> String {
    poam_validate::rule_set_mapping()
}

/// Every rule `validate` reports, OSCAL's first, each with its stable id, default severity,
/// summary and help.
pub fn rules() -> &'static [&'static RuleInfo] {
    poam_validate::rules()
}
