//! The FedRAMP POA&M workbook both ways (`poam-xlsx`), on the reference material:
//!
//! - every workbook under `<reference>/fedramp/xlsx/` (the templates' example rows and the
//!   filled sample) is imported; the OSCAL is checked against every official JSON Schema
//!   (and XSD, through `poam`'s XML) that applies and against `poam validate`'s OSCAL rules;
//!   the document is exported again and every non-empty cell of every item sheet is
//!   compared with the original (a per-sheet table); the export is imported again and must
//!   give the same document;
//! - every OSCAL POA&M under `<reference>/examples/` is exported as a workbook, imported
//!   again, and what the workbook shows must be equal in the model (OSCAL -> workbook ->
//!   OSCAL), the second workbook equal to the first cell for cell.

use std::path::{Path, PathBuf};

use poam_model::Document;
use poam_xlsx::internals::{SheetComparison, compare};
use poam_xlsx::{ReadOptions, export, import};

use super::documents::{self, Loaded};
use super::schemas::{self, Schemas};
use super::{Outcome, Section, Table};

/// How many differing cells are listed per sheet.
const DIFFERENCES_SHOWN: usize = 5;

fn workbooks(dir: &Path) -> Result<Vec<PathBuf>, String> {
    crate::files::files_under(dir, |p| crate::files::has_extension(p, &["xlsx"]))
}

fn name_of(path: &Path, base: &Path) -> String {
    path.strip_prefix(base)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// The section.
pub fn run(reference: &Path) -> Result<Section, String> {
    let base = reference.join("fedramp/xlsx");
    let books = workbooks(&base)?;
    if books.is_empty() {
        return Err(format!("no .xlsx under {}", base.display()));
    }
    let schemas = Schemas::load(reference)?;
    let scratch = tempfile::tempdir().map_err(|e| format!("temporary directory: {e}"))?;
    let mut section = Section::new("xlsx");
    let mut details = Vec::new();
    let options = ReadOptions {
        keep_example_rows: true,
    };

    let mut header: Vec<String> = vec!["workbook".into(), "items".into(), "warnings".into()];
    header.extend(schemas.json.iter().map(|s| format!("JSON {}", s.version)));
    header.extend(schemas.xsd.iter().map(|s| format!("XSD {}", s.version)));
    header.push("poam validate (OSCAL)".into());
    header.push("OSCAL -> xlsx -> OSCAL".into());
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut imports = Table::new(&header);
    let mut cells = Table::new(&[
        "workbook",
        "sheet",
        "rows",
        "non-empty cells equal",
        "result",
    ]);

    for path in &books {
        let name = name_of(path, &base);
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let imported = match import(&bytes, &name, &options) {
            Ok(i) => i,
            Err(e) => {
                let fail = Outcome::Fail("cannot import, see below".into());
                section.count(&fail);
                details.push(e.to_string());
                imports.row(vec![name, "-".into(), "-".into(), fail.cell()]);
                continue;
            }
        };
        let doc = &imported.document;
        for w in &imported.warnings {
            details.push(format!("{name}: warning: {w}"));
        }
        let mut row = vec![
            name.clone(),
            doc.plan_of_action_and_milestones
                .poam_items
                .len()
                .to_string(),
            imported.warnings.len().to_string(),
        ];
        row.extend(validate(
            &name,
            doc,
            &schemas,
            scratch.path(),
            &mut section,
            &mut details,
        ));

        let trip = round_trip(
            &name,
            &bytes,
            doc,
            &options,
            &mut cells,
            &mut section,
            &mut details,
        );
        section.count(&trip);
        row.push(trip.cell());
        imports.row(row);
    }

    println!(
        "Every workbook under fedramp/xlsx/ imported (example rows included), its OSCAL checked\n\
         against the official schemas, exported again and imported again:\n"
    );
    print!("{}", imports.render());
    println!("\nworkbook -> OSCAL -> workbook, every non-empty cell of every item sheet:\n");
    print!("{}", cells.render());

    let examples = examples(reference, &mut section, &mut details)?;
    println!(
        "\nEvery OSCAL POA&M under examples/ as a workbook and back (OSCAL -> xlsx -> OSCAL):\n"
    );
    print!("{}", examples.render());
    if !details.is_empty() {
        println!("\nDetails:");
        for d in &details {
            println!("  {d}");
        }
    }
    Ok(section)
}

/// workbook -> OSCAL -> workbook (each sheet's cells into `cells`), and OSCAL -> workbook ->
/// OSCAL (the outcome).
fn round_trip(
    name: &str,
    bytes: &[u8],
    doc: &Document,
    options: &ReadOptions,
    cells: &mut Table,
    section: &mut Section,
    details: &mut Vec<String>,
) -> Outcome {
    match export(doc) {
        Err(e) => {
            details.push(format!("{name}: cannot export: {e}"));
            Outcome::Fail("cannot export".into())
        }
        Ok(exported) => {
            match compare(bytes, &exported.bytes, options) {
                Ok(sheets) => {
                    for s in &sheets {
                        cells.row(sheet_row(name, s, section, details));
                    }
                }
                Err(e) => {
                    let fail = Outcome::Fail(format!("cannot compare: {e}"));
                    section.count(&fail);
                    cells.row(vec![
                        name.to_owned(),
                        "-".into(),
                        "-".into(),
                        "-".into(),
                        fail.cell(),
                    ]);
                }
            }
            match import(&exported.bytes, name, options) {
                Ok(again) if again.document == *doc => Outcome::Pass("equal".into()),
                Ok(again) => match documents::difference(doc, &again.document) {
                    Some(at) => Outcome::Fail(format!("differs at {at}")),
                    None => Outcome::Fail("differs".into()),
                },
                Err(e) => {
                    details.push(format!("{name}: the export does not import: {e}"));
                    Outcome::Fail("export does not import".into())
                }
            }
        }
    }
}

fn sheet_row(
    name: &str,
    s: &SheetComparison,
    section: &mut Section,
    details: &mut Vec<String>,
) -> Vec<String> {
    let outcome = if s.differences.is_empty() && s.rows.0 == s.rows.1 {
        Outcome::Pass("equal".into())
    } else {
        for d in s.differences.iter().take(DIFFERENCES_SHOWN) {
            details.push(format!("{name}: {d}"));
        }
        Outcome::Fail(format!("{} differ", s.differences.len()))
    };
    section.count(&outcome);
    vec![
        name.to_owned(),
        s.sheet.clone(),
        format!("{} -> {}", s.rows.0, s.rows.1),
        format!("{}/{}", s.equal, s.cells),
        outcome.cell(),
    ]
}

/// The imported document against each applicable JSON Schema, and its XML against each XSD.
fn validate(
    name: &str,
    doc: &poam_model::Document,
    schemas: &Schemas,
    scratch: &Path,
    section: &mut Section,
    details: &mut Vec<String>,
) -> Vec<String> {
    let mut row = Vec::new();
    let declared = documents::declared_minor(doc);
    let json = serde_json::to_vec(doc).map_err(|e| e.to_string());
    for schema in &schemas.json {
        let outcome = if schemas::applies(declared, &schema.version) {
            match &json {
                Ok(bytes) => {
                    let checked = schemas::check_json(schema, bytes);
                    for d in &checked.details {
                        details.push(format!("{name} JSON {}: {d}", schema.version));
                    }
                    checked.outcome
                }
                Err(e) => Outcome::Fail(e.clone()),
            }
        } else {
            Outcome::NotApplicable("declared version".into())
        };
        section.count(&outcome);
        row.push(outcome.cell());
    }
    let xml = documents::write(doc, poam_io::Format::Xml);
    let file = scratch.join("imported.xml");
    for xsd in &schemas.xsd {
        let outcome = match &xml {
            Ok(None) => Outcome::NotApplicable("XML not supported".into()),
            Err(e) => Outcome::Fail(e.clone()),
            Ok(Some(bytes)) => {
                if let Err(e) = std::fs::write(&file, bytes) {
                    Outcome::Fail(format!("{}: {e}", file.display()))
                } else {
                    let checked = schemas::check_xml(xsd, &file, schemas.xmllint);
                    for d in &checked.details {
                        details.push(format!("{name} XSD {}: {d}", xsd.version));
                    }
                    checked.outcome
                }
            }
        };
        section.count(&outcome);
        row.push(outcome.cell());
    }
    let outcome = poam_rules(name, doc, details);
    section.count(&outcome);
    row.push(outcome.cell());
    row
}

/// `poam validate`'s OSCAL rules (structure, datatypes, metaschema constraints, references):
/// no error allowed; warnings are counted.
fn poam_rules(name: &str, doc: &poam_model::Document, details: &mut Vec<String>) -> Outcome {
    let options = poam_validate::Options {
        profile: poam_validate::Profile::Oscal,
        ..poam_validate::Options::default()
    };
    let diags = poam_validate::validate(doc, &options).diagnostics;
    let errors: Vec<_> = diags
        .iter()
        .filter(|d| d.severity == poam_validate::Severity::Error)
        .collect();
    for d in errors.iter().take(DIFFERENCES_SHOWN) {
        details.push(format!(
            "{name} poam validate: {} at {}: {}",
            d.rule, d.pointer, d.message
        ));
    }
    if errors.is_empty() {
        Outcome::Pass(format!("no errors, {} warnings", diags.len()))
    } else {
        Outcome::Fail(format!("{} errors", errors.len()))
    }
}

/// OSCAL -> workbook -> OSCAL on the reference POA&Ms.
fn examples(
    reference: &Path,
    section: &mut Section,
    details: &mut Vec<String>,
) -> Result<Table, String> {
    let dir = reference.join("examples");
    let mut table = Table::new(&[
        "document",
        "items",
        "rows equal in the model",
        "workbook again",
    ]);
    for source in documents::discover(&dir)? {
        let doc = match documents::load(&source) {
            Loaded::Doc(d) => *d,
            Loaded::NotSupported(why) => {
                let na = Outcome::NotApplicable(why);
                section.count(&na);
                table.row(vec![source.name.clone(), "-".into(), na.cell()]);
                continue;
            }
            Loaded::Error(e) => {
                // Reading is the round-trip section's business; a document poam cannot read
                // is reported there.
                let na = Outcome::NotApplicable(format!("not readable: {e}"));
                section.count(&na);
                table.row(vec![source.name.clone(), "-".into(), na.cell()]);
                continue;
            }
        };
        let items = doc
            .plan_of_action_and_milestones
            .poam_items
            .len()
            .to_string();
        let first = match export(&doc) {
            Ok(e) => e,
            Err(e) => {
                let fail = Outcome::Fail(format!("cannot export: {e}"));
                section.count(&fail);
                table.row(vec![source.name.clone(), items, fail.cell()]);
                continue;
            }
        };
        for w in &first.warnings {
            details.push(format!("{}: export: {w}", source.name));
        }
        let again = match import(&first.bytes, &source.name, &ReadOptions::default()) {
            Ok(i) => i.document,
            Err(e) => {
                let fail = Outcome::Fail(format!("export does not import: {e}"));
                section.count(&fail);
                table.row(vec![source.name.clone(), items, fail.cell()]);
                continue;
            }
        };
        // The workbook groups rows by sheet (Open, Closed, Configuration Findings).
        let (h1, mut r1) = poam_xlsx::rows(&doc);
        let (h2, mut r2) = poam_xlsx::rows(&again);
        r1.sort_by_key(|r| r.sheet);
        r2.sort_by_key(|r| r.sheet);
        let model = if h1 == h2 && r1 == r2 {
            Outcome::Pass("equal".into())
        } else {
            let at = r1.iter().zip(&r2).position(|(a, b)| a != b).map_or_else(
                || "the header block".to_owned(),
                |i| format!("row {}", i + 1),
            );
            details.push(format!("{}: rows differ at {at}", source.name));
            Outcome::Fail(format!("differ at {at}"))
        };
        section.count(&model);
        let cells = match export(&again)
            .map_err(|e| e.to_string())
            .and_then(|second| {
                compare(&first.bytes, &second.bytes, &ReadOptions::default())
                    .map_err(|e| e.to_string())
            }) {
            Ok(sheets) => {
                let differing: usize = sheets.iter().map(|s| s.differences.len()).sum();
                let total: usize = sheets.iter().map(|s| s.cells).sum();
                if differing == 0 {
                    Outcome::Pass(format!("{total} cells equal"))
                } else {
                    Outcome::Fail(format!("{differing} of {total} cells differ"))
                }
            }
            Err(e) => Outcome::Fail(e),
        };
        section.count(&cells);
        table.row(vec![source.name.clone(), items, model.cell(), cells.cell()]);
    }
    Ok(table)
}
