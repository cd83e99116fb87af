//! Round trips through every pair of formats, and the official schemas on what `poam` writes.
//!
//! For each document: read it; for every format A, write it as A and read that back; for every
//! format B, write that model as B and read it back. All nine A -> B pairs must give the model
//! read from the source. Then the JSON (and XML) `poam` writes from the source model is
//! validated against each official schema that applies to the version the document declares.
//! XML cells say "n/a (XML not supported)" for as long as `poam_io` refuses XML; they turn into
//! real checks as soon as it reads and writes it.

use std::path::Path;

use poam_io::{Document, Format};

use super::documents::{self, Loaded, Source};
use super::schemas::{self, Schemas};
use super::{Outcome, Section, Table};

/// Output formats, in table order.
const FORMATS: [Format; 3] = [Format::Json, Format::Yaml, Format::Xml];

/// Every POA&M under `<reference>/examples`.
pub fn examples(reference: &Path) -> Result<Section, String> {
    let dir = reference.join("examples");
    let sources = documents::discover(&dir)?;
    if sources.is_empty() {
        return Err(format!("no POA&M documents under {}", dir.display()));
    }
    run("examples", &sources, reference)
}

/// `fixtures/poam/` in this repository.
pub fn fixtures(reference: &Path) -> Result<Section, String> {
    let dir = super::workspace_root().join("fixtures/poam");
    let sources = documents::discover(&dir)?;
    if sources.is_empty() {
        return Err(format!("no POA&M documents under {}", dir.display()));
    }
    run("fixtures", &sources, reference)
}

fn run(name: &str, sources: &[Source], reference: &Path) -> Result<Section, String> {
    let schemas = Schemas::load(reference)?;
    let scratch = tempfile::tempdir().map_err(|e| format!("temporary directory: {e}"))?;
    let mut section = Section::new(name);
    let mut details = Vec::new();

    let mut trips = Table::new(&["document", "as A", "then json", "then yaml", "then xml"]);
    let mut header: Vec<String> = vec!["document".into()];
    header.extend(schemas.json.iter().map(|s| format!("JSON {}", s.version)));
    header.extend(schemas.xsd.iter().map(|s| format!("XSD {}", s.version)));
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut valid = Table::new(&header);

    for source in sources {
        match documents::load(source) {
            Loaded::Doc(doc) => {
                round_trips(source, &doc, &mut trips, &mut section, &mut details);
                let row = validate(
                    source,
                    &doc,
                    &schemas,
                    scratch.path(),
                    &mut section,
                    &mut details,
                );
                valid.row(row);
            }
            Loaded::NotSupported(why) => {
                let na = Outcome::NotApplicable(why);
                section.count(&na);
                trips.row(vec![source.name.clone(), "-".into(), na.cell()]);
                valid.row(vec![source.name.clone(), na.cell()]);
            }
            Loaded::Error(e) => {
                let fail = Outcome::Fail("cannot read, see below".into());
                section.count(&fail);
                details.push(format!("{}: {e}", source.name));
                trips.row(vec![source.name.clone(), "-".into(), fail.cell()]);
            }
        }
    }

    println!(
        "Round trips: each document is written as A and read back, then written as B and read\n\
         back; the model must equal the one read from the source (but for `$schema`, which XML\n\
         has no place for).\n"
    );
    print!("{}", trips.render());
    println!("\nThe official schemas on the JSON and XML that poam writes from each document:\n");
    print!("{}", valid.render());
    if !details.is_empty() {
        println!("\nDetails:");
        for d in &details {
            println!("  {d}");
        }
    }
    Ok(section)
}

fn round_trips(
    source: &Source,
    doc: &Document,
    table: &mut Table,
    section: &mut Section,
    details: &mut Vec<String>,
) {
    // `$schema` is a JSON (and YAML) directive that OSCAL XML has no place for: it is not
    // expected to survive a trip through XML.
    let without_schema = Document {
        schema: None,
        ..doc.clone()
    };
    let expected = |formats: &[Format]| {
        if formats.contains(&Format::Xml) {
            &without_schema
        } else {
            doc
        }
    };
    for a in FORMATS {
        let mut row = vec![source.name.clone(), a.name().to_owned()];
        let first = documents::through(doc, a);
        for b in FORMATS {
            let outcome = match &first {
                Loaded::NotSupported(why) => Outcome::NotApplicable(why.clone()),
                Loaded::Error(e) => {
                    details.push(format!("{} as {a}: {e}", source.name));
                    Outcome::Fail("error, see below".into())
                }
                Loaded::Doc(via_a) => match documents::difference(expected(&[a]), via_a) {
                    Some(at) => Outcome::Fail(format!("{a} changed {at}")),
                    None => match documents::through(via_a, b) {
                        Loaded::Doc(via_b) => {
                            match documents::difference(expected(&[a, b]), &via_b) {
                                None => Outcome::Pass("equal".into()),
                                Some(at) => Outcome::Fail(format!("differs at {at}")),
                            }
                        }
                        Loaded::NotSupported(why) => Outcome::NotApplicable(why),
                        Loaded::Error(e) => {
                            details.push(format!("{} as {a} then {b}: {e}", source.name));
                            Outcome::Fail("error, see below".into())
                        }
                    },
                },
            };
            section.count(&outcome);
            row.push(outcome.cell());
        }
        table.row(row);
    }
}

/// One row of the schema table: the written JSON against each JSON Schema, the written XML
/// against each XSD.
fn validate(
    source: &Source,
    doc: &Document,
    schemas: &Schemas,
    scratch: &Path,
    section: &mut Section,
    details: &mut Vec<String>,
) -> Vec<String> {
    let mut row = vec![source.name.clone()];
    let declared = documents::declared_minor(doc);
    let declared_text = doc.declared_version().text;
    // Whether the source file itself breaks a schema of its own format, worked out only when
    // something written fails: then the failure is the input's, not poam's.
    let source_validity = std::cell::OnceCell::new();
    let source_invalid =
        || *source_validity.get_or_init(|| source_breaks_its_schema(source, declared, schemas));

    let json = documents::write(doc, Format::Json);
    for schema in &schemas.json {
        let outcome = if schemas::applies(declared, &schema.version) {
            match &json {
                Ok(Some(bytes)) => {
                    let checked = schemas::check_json(schema, bytes);
                    if checked.outcome.is_fail() {
                        explain(
                            source,
                            &format!("JSON {}", schema.version),
                            &checked,
                            source_invalid(),
                            details,
                        )
                    } else {
                        checked.outcome
                    }
                }
                Ok(None) => Outcome::Fail("JSON not written".into()),
                Err(e) => Outcome::Fail(e.clone()),
            }
        } else {
            Outcome::NotApplicable(format!("declares {declared_text}"))
        };
        section.count(&outcome);
        row.push(outcome.cell());
    }

    let xml = documents::write(doc, Format::Xml);
    let xml_file = scratch.join("written.xml");
    for xsd in &schemas.xsd {
        let outcome = if schemas::applies(declared, &xsd.version) {
            match &xml {
                Ok(None) => Outcome::NotApplicable("XML not supported".into()),
                Err(e) => Outcome::Fail(e.clone()),
                Ok(Some(bytes)) => {
                    if let Err(e) = std::fs::write(&xml_file, bytes) {
                        Outcome::Fail(format!("{}: {e}", xml_file.display()))
                    } else {
                        let checked = schemas::check_xml(xsd, &xml_file, schemas.xmllint);
                        if checked.outcome.is_fail() {
                            explain(
                                source,
                                &format!("XSD {}", xsd.version),
                                &checked,
                                source_invalid(),
                                details,
                            )
                        } else {
                            checked.outcome
                        }
                    }
                }
            }
        } else {
            Outcome::NotApplicable(format!("declares {declared_text}"))
        };
        section.count(&outcome);
        row.push(outcome.cell());
    }
    row
}

/// Whether the source file breaks an applicable schema of its own format (JSON Schema for a
/// JSON file, XSD for an XML file; YAML files have no schema of their own and count as valid).
fn source_breaks_its_schema(
    source: &Source,
    declared: Option<(u64, u64)>,
    schemas: &Schemas,
) -> bool {
    match source.format {
        Format::Json => {
            let Ok(bytes) = std::fs::read(&source.path) else {
                return false;
            };
            schemas
                .json
                .iter()
                .filter(|s| schemas::applies(declared, &s.version))
                .any(|s| schemas::check_json(s, &bytes).outcome.is_fail())
        }
        Format::Xml => schemas.xsd.iter().any(|x| {
            schemas::check_xml(x, &source.path, schemas.xmllint)
                .outcome
                .is_fail()
        }),
        Format::Yaml => false,
    }
}

/// A failed validation: a failure, unless the source file itself breaks a schema of its own
/// format (what poam writes from an invalid document cannot be expected to be valid).
fn explain(
    source: &Source,
    schema: &str,
    checked: &schemas::Checked,
    source_invalid: bool,
    details: &mut Vec<String>,
) -> Outcome {
    for d in &checked.details {
        details.push(format!("{} ({schema}): {d}", source.name));
    }
    if source_invalid {
        let why = match checked.outcome.cell().strip_prefix("FAIL: ") {
            Some(n) => format!("{n}; the source is invalid too"),
            None => "the source is invalid too".to_owned(),
        };
        Outcome::NotApplicable(why)
    } else {
        checked.outcome.clone()
    }
}
