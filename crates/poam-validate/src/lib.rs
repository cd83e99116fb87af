//! Validation of OSCAL Plans of Action and Milestones: structure and datatypes, the OSCAL
//! metaschema's constraints, reference integrity, and (with [`Profile::Fedramp`]) FedRAMP's
//! POA&M rules. Every problem of a document is reported in one run, each as a
//! [`Diagnostic`] with a stable rule id and the JSON pointer of the place.
//!
//! Two entry points:
//! - [`validate`] checks a typed [`Document`] (what a program built or read);
//! - [`validate_text`] checks a file's text: it also sees what the typed model cannot hold
//!   (empty arrays, unknown members, `""` markup) and reports every structural problem
//!   instead of the first one.
//!
//! How it works: JSON text is parsed once, by the typed reader; a generated table of the
//! model's shape and constraints (`generated.rs`, written by `cargo xtask codegen` from the
//! NIST metaschema and FedRAMP's constraint files) drives one pass over the model's JSON form
//! (`tree.rs`, through the model's borrowed view `view.rs`); reference integrity and the
//! FedRAMP rules run on the same model (`references.rs`, `fedramp.rs`), with hash indexes
//! built once, so the cost is linear in the document. Text the typed reader refuses (and
//! YAML, text with `null` or `[]`, or a `--schema` check) also gets the pass on its
//! `serde_json::Value` tree, which reports every structural problem.
//!
//! **Architecture invariant:** no I/O here; inputs are text or values, an imported SSP is
//! handed in as an [`SspIndex`].

mod datatypes;
mod diagnostic;
mod fedramp;
mod keys;
// The constraint tables, their types and the mutations are public only for this crate's
// integration tests and the conformance step of `cargo xtask`; they are no part of the API.
#[doc(hidden)]
#[rustfmt::skip]
pub mod generated;
mod json_schema;
#[doc(hidden)]
pub mod mutation;
mod node;
mod order;
mod references;
mod rule_set;
mod rules;
#[doc(hidden)]
pub mod schema;
mod ssp;
mod tree;
pub mod version;
mod view;
#[rustfmt::skip]
mod view_generated;

use chrono::NaiveDate;
use poam_io::{ErrorKind, Format, ReadError, SourceName};
use poam_model::Document;
use serde_json::Value;

pub use diagnostic::{Diagnostic, Locator, NoLocator, Place};
pub use json_schema::JsonSchema;
pub use rule_set::{AppliedRuleSet, mapping as rule_set_mapping};
pub use rules::{Profile, RuleInfo, Severity, find as find_rule};

/// The rule of a file that could not be read (its diagnostics come from the reader, not from
/// a check of content).
pub static UNREADABLE: RuleInfo = rules::UNREADABLE;
/// The rule of a workbook cell the import could not fully understand.
pub static WORKBOOK_CELL: RuleInfo = rules::WORKBOOK_CELL;
pub use ssp::{Kind as SspKind, SspError, SspIndex};

/// The member holding the POA&M in a document (the model's own constant).
pub use poam_model::ROOT_NAME;

/// The outcome of validating one document: the OSCAL rule set it was checked against (the
/// version it declares, see [`rule_set_mapping`]) and every problem found, in document order.
#[derive(Debug, Clone)]
pub struct Validation {
    /// The OSCAL rule set the document was checked against.
    pub rule_set: AppliedRuleSet,
    /// Every problem found, in document order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Validation {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        has_errors(&self.diagnostics)
    }
}

/// What to check, and against what.
#[derive(Debug)]
pub struct Options {
    /// [`Profile::Oscal`] checks OSCAL; [`Profile::Fedramp`] adds FedRAMP's rules.
    pub profile: Profile,
    /// The day deadlines and vendor check-ins are judged against (so results reproduce).
    pub as_of: NaiveDate,
    /// The imported SSP's identifiers, when given: references into the SSP then resolve
    /// or fail for real instead of being warnings.
    pub ssp: Option<SspIndex>,
    /// An extra JSON Schema the document's JSON form must pass (rule `json-schema`).
    pub schema: Option<JsonSchema>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            profile: Profile::Oscal,
            as_of: chrono::Local::now().date_naive(),
            ssp: None,
            schema: None,
        }
    }
}

/// Every rule `poam validate` reports, OSCAL's first.
pub fn rules() -> &'static [&'static RuleInfo] {
    rules::ALL
}

/// Every severity a diagnostic of rule `id` can have: the rule's own, and the level of each
/// metaschema or FedRAMP constraint reported under it (a metaschema `expect` may be a
/// WARNING).
pub fn severities(id: &str) -> std::collections::BTreeSet<Severity> {
    let constraints = generated::RULE_SETS
        .iter()
        .map(|r| r.constraints)
        .chain([&generated::FEDRAMP])
        .flat_map(|t| t.constraints)
        .filter(|c| c.rule == id)
        .map(|c| tree::level_severity(c.level));
    rules::find(id)
        .map(|r| r.severity)
        .into_iter()
        .chain(constraints)
        .collect()
}

/// Whether any diagnostic is an error.
pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(|d| d.severity == Severity::Error)
}

/// Validates a typed document. Diagnostics come in document order, then by rule id.
pub fn validate(doc: &Document, opts: &Options) -> Validation {
    let tree = match serde_json::to_value(doc) {
        Ok(t) => t,
        // Serializing the model cannot fail (string keys only); keep going without the tree.
        Err(_) => Value::Null,
    };
    let mut v = if tree.is_null() {
        Validation {
            rule_set: AppliedRuleSet::for_declared(Some(
                doc.plan_of_action_and_milestones
                    .metadata
                    .oscal_version
                    .as_str(),
            )),
            diagnostics: Vec::new(),
        }
    } else {
        tree::check_document(&tree, tree_options(opts, false))
    };
    v.diagnostics.extend(typed_checks(doc, opts));
    if let Some(s) = &opts.schema {
        v.diagnostics.extend(s.check(&tree));
    }
    one_answer_per_value(&mut v.diagnostics);
    order::sort(&mut v.diagnostics, &tree);
    v
}

/// Validates a document given as text (`format` from the file name or sniffed).
///
/// `Err` means it could not be read at all: not UTF-8, not well-formed JSON/YAML/XML, empty,
/// too deep (exit 2 territory). A document that was read but does not have the POA&M's
/// shape comes back as `Ok` with structural errors.
///
/// JSON is parsed once, by the typed reader, and every check runs on the model; the text's
/// `serde_json::Value` tree is parsed only when the model cannot show what the tree pass
/// would report (the reader refused the text, or it has a `null` or an `[]`) or a JSON
/// Schema needs it. The findings are those of [`validate_text_two_parses`].
pub fn validate_text(
    text: &str,
    format: Format,
    name: &SourceName,
    opts: &Options,
) -> Result<Validation, ReadError> {
    if format == Format::Xml {
        return validate_xml_text(text, name, opts);
    }
    if format != Format::Json || opts.schema.is_some() || view::json_shows_more_than_the_model(text)
    {
        return validate_text_two_parses(text, format, name, opts);
    }
    match poam_io::read(text.as_bytes(), name, Some(format)) {
        Ok(doc) => Ok(validate_read_json(text, &doc, opts)),
        // Text that does not fit the model: the tree pass reports every structural problem.
        Err(e) if matches!(e.kind, ErrorKind::Structure | ErrorKind::Datatype) => {
            with_tree(text, format, name, opts, Err(e))
        }
        // Unreadable: the tree pass would end in the same error (`read_failure`).
        Err(e) => Err(e),
    }
}

/// The checks of a document the typed reader read from JSON `text`: the constraint pass on
/// the model's view and the typed checks, on two threads; the findings ordered as written in
/// the text.
fn validate_read_json(text: &str, doc: &Document, opts: &Options) -> Validation {
    let rule_set = AppliedRuleSet::for_declared(Some(
        doc.plan_of_action_and_milestones
            .metadata
            .oscal_version
            .as_str(),
    ));
    let (mut v, typed) = rayon::join(
        || tree::check_model(doc, tree_options(opts, false), rule_set),
        || typed_checks(doc, opts),
    );
    let diags = &mut v.diagnostics;
    diags.extend(typed);
    one_answer_per_value(diags);
    let order = order::DocumentOrder::of_json_text(text, diags);
    order::sort_in(diags, &order);
    v
}

/// [`validate_text`] as it was before the single parse: the text parsed twice, into its
/// `serde_json::Value` tree for the structure and constraint pass and into the typed model
/// for the rest (on two threads). Kept for what the model cannot show (YAML's scalars, a
/// `null`, an `[]`), for `--schema`, and as the reference the single parse is tested against.
#[doc(hidden)]
pub fn validate_text_two_parses(
    text: &str,
    format: Format,
    name: &SourceName,
    opts: &Options,
) -> Result<Validation, ReadError> {
    if format == Format::Xml {
        return validate_xml_text(text, name, opts);
    }
    let (untyped, typed) = rayon::join(
        || untyped_pass(text, format, name, opts),
        || poam_io::read(text.as_bytes(), name, Some(format)).map(|doc| typed_checks(&doc, opts)),
    );
    merge_with_tree(untyped?, typed, opts)
}

/// The tree pass, for text whose typed read came out as `typed`.
fn with_tree(
    text: &str,
    format: Format,
    name: &SourceName,
    opts: &Options,
    typed: Result<Vec<Diagnostic>, ReadError>,
) -> Result<Validation, ReadError> {
    merge_with_tree(untyped_pass(text, format, name, opts)?, typed, opts)
}

/// The text's JSON tree and the findings of the pass over it.
fn untyped_pass(
    text: &str,
    format: Format,
    name: &SourceName,
    opts: &Options,
) -> Result<(Value, Validation), ReadError> {
    let parse_tree = || -> Result<Value, ReadError> {
        if format == Format::Json {
            serde_json::from_str(text).map_err(|e| read_failure(text, format, name, &e.to_string()))
        } else {
            serde_saphyr::from_str_with_options(text, yaml_options())
                .map_err(|e| read_failure(text, format, name, &e.to_string()))
        }
    };
    parse_tree().map(|tree| {
        let diags = tree::check_document(&tree, tree_options(opts, format == Format::Yaml));
        (tree, diags)
    })
}

/// The findings of the tree pass merged with those of the typed checks (`typed`), or with
/// what the typed reader refused.
fn merge_with_tree(
    (tree, mut v): (Value, Validation),
    typed: Result<Vec<Diagnostic>, ReadError>,
    opts: &Options,
) -> Result<Validation, ReadError> {
    let diags = &mut v.diagnostics;
    match typed {
        Ok(typed_diags) => diags.extend(typed_diags),
        Err(e) if matches!(e.kind, ErrorKind::Structure | ErrorKind::Datatype) => {
            let structural = diags.iter().any(|d| {
                d.severity == Severity::Error
                    && (matches!(
                        d.rule,
                        "oscal-structure"
                            | "oscal-unknown-member"
                            | "oscal-missing-member"
                            | "oscal-wrong-type"
                            | "oscal-choice"
                    ) || (d.rule == rules::EMPTY_ARRAY.id
                        && e.pointer.as_deref() == Some(d.pointer.as_str())))
            });
            if !structural {
                // The generated pass missed what the reader found: report the reader's own
                // message so that nothing is lost.
                diags.push(Diagnostic::new(
                    &rules::STRUCTURE,
                    e.pointer.clone().unwrap_or_default(),
                    e.message.clone(),
                ));
            }
            let at = if tree.get(ROOT_NAME).is_some() {
                format!("/{ROOT_NAME}")
            } else {
                String::new()
            };
            diags.push(Diagnostic::new(
                &rules::CHECKS_SKIPPED,
                at,
                "reference checks and FedRAMP rules did not run: the document does not fit the POA&M model",
            ));
        }
        Err(e) => return Err(e),
    }
    if let Some(s) = &opts.schema {
        diags.extend(s.check(&tree));
    }
    one_answer_per_value(diags);
    order::sort(diags, &tree);
    Ok(v)
}

/// XML is read by the typed reader only (a JSON tree is made from the model): the untyped
/// pass has no XML form.
fn validate_xml_text(
    text: &str,
    name: &SourceName,
    opts: &Options,
) -> Result<Validation, ReadError> {
    match poam_io::read(text.as_bytes(), name, Some(Format::Xml)) {
        Ok(doc) => Ok(validate(&doc, opts)),
        // Well-formed XML that does not fit the model is invalid, not unreadable (as
        // in JSON and YAML). The XML reader stops at the first such problem.
        Err(e) if matches!(e.kind, ErrorKind::Structure | ErrorKind::Datatype) => Ok(Validation {
            rule_set: AppliedRuleSet::for_declared(xml_declared_version(text).as_deref()),
            diagnostics: vec![
                Diagnostic::new(
                    &rules::STRUCTURE,
                    e.pointer.clone().unwrap_or_default(),
                    e.message.clone(),
                ),
                Diagnostic::new(
                    &rules::CHECKS_SKIPPED,
                    "",
                    "the other checks did not run: the document does not fit the POA&M model (the XML reader reports the first such problem)",
                ),
            ],
        }),
        Err(e) => Err(e),
    }
}

/// The text of the first `<oscal-version>` element of an XML document the model could not
/// read (what version of the rules its structural errors were judged by).
fn xml_declared_version(text: &str) -> Option<String> {
    let doc = roxmltree::Document::parse(text).ok()?;
    doc.descendants()
        .find(|n| n.has_tag_name("oscal-version"))
        .and_then(|n| n.text())
        .map(|t| t.trim().to_owned())
}

/// Validates a document given as its JSON tree (the conformance suite's mutants).
pub fn validate_tree(tree: &Value, opts: &Options) -> Validation {
    let mut v = tree::check_document(tree, tree_options(opts, false));
    let diags = &mut v.diagnostics;
    match serde_json::from_value::<Document>(tree.clone()) {
        Ok(doc) => diags.extend(typed_checks(&doc, opts)),
        Err(e) => {
            if !has_errors(diags) {
                diags.push(Diagnostic::new(&rules::STRUCTURE, "", e.to_string()));
            }
        }
    }
    if let Some(s) = &opts.schema {
        diags.extend(s.check(tree));
    }
    one_answer_per_value(diags);
    order::sort(diags, tree);
    v
}

/// YAML 1.2 scalars, as OSCAL YAML is read: `yes` is a string, not a boolean; numbers with
/// leading zeros or underscores stay text.
pub(crate) fn yaml_options() -> serde_saphyr::Options {
    let mut o = serde_saphyr::Options::default();
    o.strict_booleans = true;
    o.leading_zero_numbers_as_strings = true;
    o.underscored_numbers_as_strings = true;
    // `.inf` / `.nan` where the model wants a string are that text, as the typed reader
    // reads them; and the same size limits as the typed reader, so that any document
    // `poam convert` reads, `poam validate` reads too.
    o.non_finite_float_policy = serde_saphyr::NonFiniteFloatPolicy::AsString;
    o.budget = Some(poam_io::yaml_budget());
    o.with_snippet = false;
    o
}

fn tree_options(opts: &Options, yaml: bool) -> tree::TreeOptions {
    tree::TreeOptions {
        yaml,
        fedramp: opts.profile == Profile::Fedramp,
    }
}

/// One answer per value, whichever pass found it: see [`sanctioned_values_win`] and
/// [`wrong_type_wins`].
fn one_answer_per_value(diags: &mut Vec<Diagnostic>) {
    sanctioned_values_win(diags);
    wrong_type_wins(diags);
}

/// A value of the wrong JSON type (a status given as the number `3`) is that error alone:
/// what its text would be as a string is not judged against the value's lists or patterns.
fn wrong_type_wins(diags: &mut Vec<Diagnostic>) {
    let wrong: std::collections::HashSet<String> = diags
        .iter()
        .filter(|d| d.rule == rules::WRONG_TYPE.id)
        .map(|d| d.pointer.clone())
        .collect();
    if !wrong.is_empty() {
        let judged = [
            rules::ALLOWED_VALUES.id,
            rules::ALLOWED_VALUES_OPEN.id,
            rules::MATCHES.id,
            rules::FR_ALLOWED_VALUES.id,
            rules::FR_ALLOWED_VALUES_OPEN.id,
        ];
        diags.retain(|d| !(judged.contains(&d.rule) && wrong.contains(&d.pointer)));
    }
}

/// FedRAMP's POA&M guide sanctions the resource type `no-oscal-ssp` (rule
/// `fedramp-no-oscal-ssp`, a warning) although its allowed-values list lacks it; the
/// sanctioned declaration replaces the list's error at the same value.
fn sanctioned_values_win(diags: &mut Vec<Diagnostic>) {
    let sanctioned: std::collections::HashSet<String> = diags
        .iter()
        .filter(|d| d.rule == rules::FR_NO_OSCAL_SSP.id)
        .map(|d| d.pointer.clone())
        .collect();
    if !sanctioned.is_empty() {
        diags.retain(|d| {
            let list =
                d.rule == rules::FR_ALLOWED_VALUES.id || d.rule == rules::FR_ALLOWED_VALUES_OPEN.id;
            !(list && sanctioned.contains(&d.pointer))
        });
    }
}

/// The checks that need the typed model.
fn typed_checks(doc: &Document, opts: &Options) -> Vec<Diagnostic> {
    let declared = &doc.plan_of_action_and_milestones.metadata.oscal_version;
    let keys = AppliedRuleSet::for_declared(Some(declared.as_str()))
        .rule_set()
        .keys;
    let mut out = references::check(doc, opts.ssp.as_ref(), keys);
    if opts.profile == Profile::Fedramp {
        out.extend(fedramp::check(doc, opts.as_of));
    }
    out
}

/// The reader's own error for text that does not parse (it has the position), or a syntax
/// error with the parser's message should the reader, unexpectedly, accept the text.
fn read_failure(text: &str, format: Format, name: &SourceName, message: &str) -> ReadError {
    match poam_io::read(text.as_bytes(), name, Some(format)) {
        Err(e) => e,
        Ok(_) => ReadError::new(name, ErrorKind::Syntax, message.to_owned()),
    }
}
