//! `--oscal-version`: every reference POA&M (and `fixtures/poam/`, `fixtures/version/`)
//! written as every version poam writes, each output validated against NIST's JSON Schema of
//! exactly that version.
//!
//! A written document passes when that schema accepts it. A refusal passes only when it is
//! right: the same document, merely relabelled with the target's `oscal-version`, must be
//! rejected by the target's schema, and every place poam names must be where the schema
//! complains (the member itself, or the object the schema says has no room for it). A
//! version with no official JSON Schema in the reference set (1.0.4 and 1.2.2 there) is
//! "n/a", never a pass.
//!
//! The versions' metaschema constraints are checked too: a written document must raise no
//! `poam validate` error (OSCAL profile) that the source did not raise at the same place,
//! and a place refused because the target's rules refuse it (a closed allowed-values list)
//! must be an error of `poam validate` on the relabelled document at that place, not on the
//! source.

use std::path::Path;

use poam_io::{Document, Format};
use poam_model::version::{TargetVersion, Unrepresentable, WRITABLE_VERSIONS};
use poam_validate::version::convert_version;
use poam_validate::{Options, Severity};
use serde_json::Value as Json;

use super::documents::{self, Loaded, Source};
use super::schemas::{self, JsonSchema, Schemas};
use super::{Outcome, Section, Table};

pub fn run(reference: &Path) -> Result<Section, String> {
    let schemas = Schemas::load(reference)?;
    let mut sources = documents::discover(&reference.join("examples"))?;
    let root = super::workspace_root();
    for dir in ["fixtures/poam", "fixtures/version"] {
        let mut found = documents::discover(&root.join(dir))?;
        for s in &mut found {
            s.name = format!("{dir}/{}", s.name);
        }
        sources.extend(found);
    }
    let targets: Vec<TargetVersion> = WRITABLE_VERSIONS
        .iter()
        .filter_map(|(v, _)| TargetVersion::parse(v).ok())
        .collect();
    let mut header = vec!["document".to_owned(), "declares".to_owned()];
    header.extend(targets.iter().map(|t| format!("as {t}")));
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut table = Table::new(&header);
    let mut section = Section::new("versions");
    let mut details = Vec::new();
    for source in &sources {
        let doc = match documents::load(source) {
            Loaded::Doc(doc) => doc,
            Loaded::NotSupported(why) | Loaded::Error(why) => {
                let na = Outcome::NotApplicable(format!("not read: {why}"));
                section.count(&na);
                table.row(vec![source.name.clone(), "-".into(), na.cell()]);
                continue;
            }
        };
        let mut row = vec![source.name.clone(), doc.declared_version().text];
        let own = own_errors(&doc, &schemas);
        let own_rules = rule_errors(&doc);
        for target in &targets {
            let schema = schemas.json.iter().find(|s| s.version == target.as_str());
            let cell = Cell {
                source,
                doc: &doc,
                own: &own,
                own_rules: &own_rules,
            };
            let outcome = cell.written_as(*target, schema, &mut details);
            section.count(&outcome);
            row.push(outcome.cell());
        }
        table.row(row);
    }
    println!(
        "Each document written as each OSCAL version (`--oscal-version`), the output checked\n\
         against NIST's JSON Schema of that version and against that version's rules (no\n\
         `poam validate` error the source did not have); a refusal passes only when that\n\
         schema, or for a rule's refusal those rules, reject the same document at the places\n\
         poam names.\n"
    );
    print!("{}", table.render());
    if !details.is_empty() {
        println!("\nDetails:");
        for d in &details {
            println!("  {d}");
        }
    }
    Ok(section)
}

/// The JSON value of `doc` as poam writes it.
fn as_json(doc: &Document) -> Result<Json, String> {
    let bytes = documents::write(doc, Format::Json)?.ok_or("JSON not written")?;
    serde_json::from_slice(&bytes).map_err(|e| e.to_string())
}

/// The places where the document, as poam writes it, breaks the oldest official schema of
/// its own minor version (1.0 documents: the oldest schema there is, as FedRAMP's 1.0.4
/// templates are checked): what no version can be blamed for.
fn own_errors(doc: &Document, schemas: &Schemas) -> Vec<String> {
    let declared = documents::declared_minor(doc);
    let Some(schema) = schemas
        .json
        .iter()
        .find(|s| schemas::applies(declared, &s.version))
    else {
        return Vec::new();
    };
    as_json(doc).map_or_else(
        |_| Vec::new(),
        |json| {
            schemas::errors_at(schema, &json)
                .into_iter()
                .map(|(at, _)| at)
                .collect()
        },
    )
}

/// The OSCAL errors `poam validate` finds in `doc` under the rules of the version it
/// declares: `(pointer, rule)`.
fn rule_errors(doc: &Document) -> Vec<(String, &'static str)> {
    poam_validate::validate(doc, &Options::default())
        .diagnostics
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| (d.pointer, d.rule))
        .collect()
}

/// Whether a refused place is one the target's constraints refuse (not its shape).
fn by_rules(place: &Unrepresentable) -> bool {
    place.reason.contains("'s rules refuse it")
}

/// One row's document, for its cells.
struct Cell<'a> {
    source: &'a Source,
    doc: &'a Document,
    /// Where the document breaks its own version's schema ([`own_errors`]).
    own: &'a [String],
    /// The errors of its own version's rules ([`rule_errors`]).
    own_rules: &'a [(String, &'static str)],
}

impl Cell<'_> {
    /// One cell: the document written as `target`, and what `target`'s schema and rules say.
    fn written_as(
        &self,
        target: TargetVersion,
        schema: Option<&JsonSchema>,
        details: &mut Vec<String>,
    ) -> Outcome {
        let mut converted = self.doc.clone();
        match convert_version(&mut converted, target) {
            Ok(warnings) => self.written(&converted, target, schema, warnings.len(), details),
            Err(refused) => self.refused(&refused.places, target, schema, details),
        }
    }

    /// A document written as `target`: its rules add no error, and its schema accepts it.
    fn written(
        &self,
        converted: &Document,
        target: TargetVersion,
        schema: Option<&JsonSchema>,
        warnings: usize,
        details: &mut Vec<String>,
    ) -> Outcome {
        let name = &self.source.name;
        let added: Vec<(String, &str)> = rule_errors(converted)
            .into_iter()
            .filter(|e| !self.own_rules.contains(e))
            .collect();
        if !added.is_empty() {
            for (at, rule) in added.iter().take(3) {
                details.push(format!("{name} as {target}: written, yet {rule} at {at}"));
            }
            return Outcome::Fail(format!("{} rule error(s) not refused", added.len()));
        }
        let warned = if warnings == 0 {
            String::new()
        } else {
            format!(", {warnings} rule warning(s)")
        };
        let Some(schema) = schema else {
            return Outcome::NotApplicable(format!("written{warned}; no {target} schema"));
        };
        let json = match as_json(converted) {
            Ok(j) => j,
            Err(e) => return Outcome::Fail(e),
        };
        let errors = schemas::errors_at(schema, &json);
        if errors.is_empty() {
            return Outcome::Pass(format!("valid{warned}"));
        }
        let new: Vec<&(String, String)> = errors
            .iter()
            .filter(|(at, _)| !self.own.contains(at))
            .collect();
        if new.is_empty() {
            return Outcome::NotApplicable(format!(
                "{} error(s), all the source's own",
                errors.len()
            ));
        }
        for (at, message) in new.iter().take(3) {
            details.push(format!("{name} as {target}: {at}: {message}"));
        }
        Outcome::Fail(format!("{} schema error(s)", new.len()))
    }

    /// A refusal: every place the shapes refuse is where `target`'s schema rejects the
    /// relabelled document, every place the rules refuse is an error of `target`'s rules
    /// there (and not of the source's own).
    fn refused(
        &self,
        places: &[Unrepresentable],
        target: TargetVersion,
        schema: Option<&JsonSchema>,
        details: &mut Vec<String>,
    ) -> Outcome {
        // The same document under the target's label.
        let mut relabelled = self.doc.clone();
        target.as_str().clone_into(
            &mut relabelled
                .plan_of_action_and_milestones
                .metadata
                .oscal_version,
        );
        let rules = rule_errors(&relabelled);
        let by_rule_ok = |p: &str| {
            rules
                .iter()
                .any(|(at, r)| at == p && !self.own_rules.contains(&(at.clone(), *r)))
        };
        let (by_rules_refused, shaped): (Vec<&Unrepresentable>, Vec<&Unrepresentable>) =
            places.iter().partition(|p| by_rules(p));
        let mut unconfirmed: Vec<String> = by_rules_refused
            .iter()
            .filter(|p| !by_rule_ok(&p.pointer))
            .map(|p| format!("refused at {}, which the {target} rules accept", p.pointer))
            .collect();
        let Some(schema) = schema else {
            if unconfirmed.is_empty() {
                return Outcome::NotApplicable(format!(
                    "refused at {} place(s); no {target} schema",
                    places.len()
                ));
            }
            return self.unconfirmed(&unconfirmed, target, details);
        };
        let json = match as_json(&relabelled) {
            Ok(j) => j,
            Err(e) => return Outcome::Fail(e),
        };
        let errors = schemas::errors_at(schema, &json);
        unconfirmed.extend(
            shaped
                .iter()
                .filter(|p| !errors.iter().any(|(at, _)| confirms(at, &p.pointer)))
                .map(|p| {
                    format!(
                        "refused at {}, which the {target} schema accepts",
                        p.pointer
                    )
                }),
        );
        if unconfirmed.is_empty() {
            return Outcome::Pass(format!("refused, {} place(s)", places.len()));
        }
        self.unconfirmed(&unconfirmed, target, details)
    }

    fn unconfirmed(
        &self,
        unconfirmed: &[String],
        target: TargetVersion,
        details: &mut Vec<String>,
    ) -> Outcome {
        for u in unconfirmed {
            details.push(format!("{} as {target}: {u}", self.source.name));
        }
        Outcome::Fail(format!(
            "{} refusal(s) neither schema nor rules share",
            unconfirmed.len()
        ))
    }
}

/// Whether a schema error at `error_at` is about the member at `pointer`: at it, inside it,
/// or on the object holding it (an unexpected or missing member is reported on its object).
fn confirms(error_at: &str, pointer: &str) -> bool {
    let parent = pointer.rsplit_once('/').map_or("", |(p, _)| p);
    error_at == parent || error_at == pointer || error_at.starts_with(&format!("{pointer}/"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_error_confirms_the_member_its_object_or_what_it_holds() {
        let p = "/plan-of-action-and-milestones/findings";
        assert!(super::confirms("/plan-of-action-and-milestones", p));
        assert!(super::confirms(p, p));
        assert!(super::confirms(
            "/plan-of-action-and-milestones/findings/0/title",
            p
        ));
        assert!(!super::confirms(
            "/plan-of-action-and-milestones/metadata",
            p
        ));
        assert!(!super::confirms(
            "/plan-of-action-and-milestones/findingsX",
            p
        ));
    }
}
