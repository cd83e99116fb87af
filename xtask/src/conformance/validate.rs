//! `poam validate` on the reference examples, and its agreement with the official JSON Schemas.
//!
//! 1. **Findings.** Every POA&M under `<reference>/examples` is validated at the OSCAL level and
//!    with the FedRAMP profile (`--as-of` [`AS_OF`], so the listing reproduces), and every
//!    finding is listed with its place. The reference directory holds none of the SSPs the
//!    examples import, so references into them are warnings (`oscal-reference-ssp`). Check:
//!    where the newest official JSON Schema that applies to the document accepts it, poam
//!    reports no schema-level error (structure, datatypes); where the schema rejects it, poam
//!    rejects it too.
//! 2. **Mutation agreement.** Each distinct example the official schema accepts is mutated
//!    systematically ([`poam_validate::mutation`]): each required member dropped, each datatype
//!    broken, each array emptied, an unknown member in each object, each member of the wrong
//!    JSON type, UUIDs duplicated, references dangled. Each mutant goes to the official schema
//!    and to poam. A mutant counts as rejected by poam when poam reports an error the
//!    unmutated document did not have (NIST's example already has a dangling reference).
//!    Check: every mutant the official schema rejects, poam rejects (100% required); the
//!    figures per kind of mutation are printed, including what poam rejects and the schema
//!    cannot see (duplicate UUIDs, dangling references).
//! 3. **Schema paths.** `--schema` with the newest official schema names the keyword where it
//!    is written: a POA&M item's broken uuid is reported by `#/definitions/UUIDDatatype/pattern`,
//!    reached through two shared `$ref`s.
//! 4. **One parse.** The single parse of `validate_text` gives exactly the findings of the two
//!    parses it replaced, on every example and every mutant of each distinct one
//!    ([`super::one_parse`]).

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

use chrono::NaiveDate;
use poam_io::{Format, SourceName};
use poam_validate::mutation::{self, Kind};
use poam_validate::{Diagnostic, JsonSchema, Options, Profile, Severity};
use serde_json::Value as Json;

use super::documents::{self, Source};
use super::one_parse;
use super::schemas::{self, JSON_SCHEMA_FILE};
use super::{Outcome, Section, Table};

/// The day FedRAMP's deadlines and check-ins are judged against, so that the listing does
/// not change with the calendar.
pub const AS_OF: &str = "2025-06-01";

/// Rules a JSON Schema can see too: the document's shape and its values' syntax.
const SCHEMA_LEVEL: &[&str] = &[
    "oscal-structure",
    "oscal-unknown-member",
    "oscal-missing-member",
    "oscal-wrong-type",
    "oscal-empty-array",
    "oscal-choice",
    "oscal-datatype",
];

/// Mutants the official schema rejects and poam accepts that are listed under the table.
const MISSES_SHOWN: usize = 20;

/// One official JSON Schema.
struct Official {
    version: String,
    schema: JsonSchema,
}

fn load_schemas(reference: &Path) -> Result<Vec<Official>, String> {
    let dir = reference.join("oscal-schemas");
    let mut versions: Vec<String> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|v| schemas::version_key(v).is_some())
        .collect();
    versions.sort_by_key(|v| schemas::version_key(v));
    let mut out = Vec::new();
    for version in versions {
        let path = dir.join(&version).join(JSON_SCHEMA_FILE);
        if !path.is_file() {
            continue;
        }
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let value: Json =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        // The same compilation `poam validate --schema FILE` uses.
        let schema = JsonSchema::compile(&value).map_err(|e| format!("{}: {e}", path.display()))?;
        out.push(Official { version, schema });
    }
    if out.is_empty() {
        return Err(format!("no {JSON_SCHEMA_FILE} under {}", dir.display()));
    }
    Ok(out)
}

/// A reference example, read.
struct Example {
    source: Source,
    text: String,
    /// Its JSON form: the file itself for JSON, what poam reads for YAML and XML.
    tree: Json,
    /// The newest official schema for the version it declares.
    schema: Option<usize>,
    /// What poam reads (without `$schema`), to mutate each distinct document once: the
    /// examples include one document in several formats.
    model: Option<Json>,
}

/// The options of one profile's run: no SSP, no JSON Schema.
pub(super) fn options(profile: Profile, as_of: NaiveDate) -> Options {
    Options {
        profile,
        as_of,
        ssp: None,
        schema: None,
    }
}

pub fn run(reference: &Path) -> Result<Section, String> {
    let officials = load_schemas(reference)?;
    let as_of = NaiveDate::parse_from_str(AS_OF, "%Y-%m-%d").map_err(|e| e.to_string())?;
    let dir = reference.join("examples");
    let sources = documents::discover(&dir)?;
    if sources.is_empty() {
        return Err(format!("no POA&M documents under {}", dir.display()));
    }
    let mut section = Section::new("validate");
    let mut examples = Vec::new();
    for source in sources {
        let text = std::fs::read_to_string(&source.path)
            .map_err(|e| format!("{}: {e}", source.path.display()))?;
        let doc = match poam_io::read(
            text.as_bytes(),
            &SourceName(source.name.clone()),
            Some(source.format),
        ) {
            Ok(d) => Some(d),
            Err(e) => {
                println!("{}: not read: {e}", source.name);
                None
            }
        };
        let tree = match source.format {
            Format::Json => {
                serde_json::from_str(&text).map_err(|e| format!("{}: {e}", source.name))?
            }
            _ => match &doc {
                Some(d) => serde_json::to_value(d).map_err(|e| format!("{}: {e}", source.name))?,
                None => Json::Null,
            },
        };
        let declared = doc.as_ref().and_then(documents::declared_minor);
        let model = doc.as_ref().and_then(|d| {
            let mut d = d.clone();
            d.schema = None;
            serde_json::to_value(&d).ok()
        });
        let schema = officials
            .iter()
            .rposition(|o| schemas::applies(declared, &o.version));
        examples.push(Example {
            source,
            text,
            tree,
            schema,
            model,
        });
    }

    findings(&examples, &officials, as_of, &mut section);
    agreement(&examples, &officials, as_of, &mut section);
    schema_path(&examples, &officials, &mut section);
    let mut seen: Vec<&Json> = Vec::new();
    let compared: Vec<one_parse::Example<'_>> = examples
        .iter()
        .map(|ex| {
            let base = ex.model.as_ref().filter(|m| !seen.contains(m));
            seen.extend(base);
            one_parse::Example {
                name: &ex.source.name,
                text: &ex.text,
                format: ex.source.format,
                base,
            }
        })
        .collect();
    one_parse::run(&compared, as_of, &mut section);
    Ok(section)
}

/// Part 3: `--schema` names the place in the official schema where the failing keyword is
/// written. A POA&M item's uuid reaches the shared `UUIDDatatype` through two `$ref`s; broken
/// in the first example the newest schema accepts, it must be reported at the item's uuid,
/// by `UUIDDatatype`'s `pattern`.
fn schema_path(examples: &[Example], officials: &[Official], section: &mut Section) {
    const EXPECTED: &str = "(JSON Schema keyword `pattern` at #/definitions/UUIDDatatype/pattern)";
    let at = "/plan-of-action-and-milestones/poam-items/0/uuid";
    let Some(newest) = officials.last() else {
        return;
    };
    let found = examples.iter().find_map(|ex| {
        let mut tree = ex.tree.clone();
        let uuid = tree.pointer_mut(at)?;
        newest.schema.is_valid(&ex.tree).then_some(())?;
        *uuid = Json::String("not-a-uuid".into());
        Some((ex.source.name.clone(), newest.schema.check(&tree)))
    });
    let outcome = match &found {
        None => Outcome::NotApplicable(format!("no example valid under {}", newest.version)),
        Some((_, diags))
            if diags
                .iter()
                .any(|d| d.pointer == at && d.message.ends_with(EXPECTED)) =>
        {
            Outcome::Pass(format!("named {EXPECTED}"))
        }
        Some((_, diags)) => Outcome::Fail(format!(
            "expected one finding at {at} ending {EXPECTED}, got {:?}",
            diags
                .iter()
                .map(|d| format!("{}: {}", d.pointer, d.message))
                .collect::<Vec<_>>()
        )),
    };
    println!(
        "\n--schema {} on {}, poam-items/0/uuid broken: {}",
        newest.version,
        found.as_ref().map_or("no example", |(n, _)| n.as_str()),
        outcome.cell()
    );
    section.count(&outcome);
}

fn count(diags: &[Diagnostic], s: Severity) -> usize {
    diags.iter().filter(|d| d.severity == s).count()
}

/// Part 1: every finding on every example, and the schema-level check.
fn findings(examples: &[Example], officials: &[Official], as_of: NaiveDate, section: &mut Section) {
    let mut table = Table::new(&[
        "document",
        "OSCAL rule set",
        "official schema",
        "OSCAL level",
        "FedRAMP profile",
        "schema-level agreement",
    ]);
    let mut listing = String::new();
    for ex in examples {
        let name = SourceName(ex.source.name.clone());
        let mut cells = vec![ex.source.name.clone()];
        let verdict = ex.schema.map(|i| {
            let o = &officials[i];
            (o.version.clone(), o.schema.is_valid(&ex.tree))
        });
        cells.push(match &verdict {
            Some((v, true)) => format!("{v}: valid"),
            Some((v, false)) => format!("{v}: invalid"),
            None => "none applies".to_owned(),
        });
        let runs = run_profiles(ex, &name, as_of, &mut listing);
        cells.extend(runs.cells);
        let (rule_set, oscal_level) = (runs.rule_set, runs.oscal_level);
        cells.insert(1, rule_set);
        let outcome = schema_outcome(verdict.as_ref().map(|(_, ok)| *ok), &oscal_level);
        section.count(&outcome);
        cells.push(outcome.cell());
        table.row(cells);
    }
    print!("{}", table.render());
    println!(
        "\nEvery finding (as of {AS_OF}; no SSP given, so references into it are warnings):\n"
    );
    print!("{listing}");
}

/// Both profiles' findings on one example.
struct ProfileRuns {
    /// The OSCAL rule set applied.
    rule_set: String,
    /// One cell per profile: the counts, or why it could not be read.
    cells: Vec<String>,
    /// The OSCAL profile's findings.
    oscal_level: Vec<Diagnostic>,
}

/// Validates `ex` under both profiles, listing every finding in `listing`.
fn run_profiles(
    ex: &Example,
    name: &SourceName,
    as_of: NaiveDate,
    listing: &mut String,
) -> ProfileRuns {
    let mut runs = ProfileRuns {
        rule_set: "unreadable".to_owned(),
        cells: Vec::new(),
        oscal_level: Vec::new(),
    };
    for profile in [Profile::Oscal, Profile::Fedramp] {
        let v = match poam_validate::validate_text(
            &ex.text,
            ex.source.format,
            name,
            &options(profile, as_of),
        ) {
            Ok(v) => v,
            Err(e) => {
                runs.cells.push(format!("unreadable: {e}"));
                continue;
            }
        };
        runs.rule_set = if v.rule_set.matched {
            v.rule_set.version.to_owned()
        } else {
            format!(
                "{} (newest; declares {:?})",
                v.rule_set.version, v.rule_set.declared
            )
        };
        let diags = v.diagnostics;
        runs.cells.push(format!(
            "{} errors, {} warnings, {} notes",
            count(&diags, Severity::Error),
            count(&diags, Severity::Warning),
            count(&diags, Severity::Info)
        ));
        for d in &diags {
            let at = poam_io::locate::locate(&ex.text, ex.source.format, &d.pointer)
                .map(|p| format!(":{}:{}", p.line, p.column))
                .unwrap_or_default();
            let _ = writeln!(
                listing,
                "  {}{at} [{}] {}[{}] {}: {}",
                ex.source.name,
                match profile {
                    Profile::Oscal => "oscal",
                    Profile::Fedramp => "fedramp",
                },
                d.severity,
                d.rule,
                if d.pointer.is_empty() {
                    "/"
                } else {
                    &d.pointer
                },
                d.message
            );
        }
        if profile == Profile::Oscal {
            runs.oscal_level = diags;
        }
    }
    runs
}

/// Whether poam's schema-level verdict agrees with the official schema's (`schema_valid`;
/// `None` when no official schema applies).
fn schema_outcome(schema_valid: Option<bool>, oscal_level: &[Diagnostic]) -> Outcome {
    let schema_level: Vec<&Diagnostic> = oscal_level
        .iter()
        .filter(|d| d.severity == Severity::Error && SCHEMA_LEVEL.contains(&d.rule))
        .collect();
    match schema_valid {
        None => Outcome::NotApplicable("no official schema for its version".into()),
        Some(true) if schema_level.is_empty() => Outcome::Pass("both accept".into()),
        Some(true) => Outcome::Fail(format!(
            "the schema accepts it; poam reports {} schema-level error(s), first: {} at {}",
            schema_level.len(),
            schema_level[0].rule,
            schema_level[0].pointer
        )),
        Some(false) if !schema_level.is_empty() || !oscal_level.is_empty() => {
            Outcome::Pass("both reject".into())
        }
        Some(false) => Outcome::Fail("the schema rejects it; poam accepts it".into()),
    }
}

#[derive(Default)]
struct Figures {
    mutants: usize,
    schema_rejects: usize,
    poam_rejects: usize,
    both: usize,
    /// The schema rejects, poam accepts: must be zero.
    missed: usize,
    /// poam rejects, the schema accepts (what a JSON Schema cannot express).
    poam_only: usize,
}

impl Figures {
    fn add(&mut self, schema_rejects: bool, poam_rejects: bool) {
        self.mutants += 1;
        self.schema_rejects += usize::from(schema_rejects);
        self.poam_rejects += usize::from(poam_rejects);
        self.both += usize::from(schema_rejects && poam_rejects);
        self.missed += usize::from(schema_rejects && !poam_rejects);
        self.poam_only += usize::from(poam_rejects && !schema_rejects);
    }

    /// A row of the per-kind table.
    fn cells(&self, label: &str) -> Vec<String> {
        vec![
            label.to_owned(),
            self.mutants.to_string(),
            self.schema_rejects.to_string(),
            self.poam_rejects.to_string(),
            self.both.to_string(),
            self.missed.to_string(),
            self.poam_only.to_string(),
            self.agreement(),
        ]
    }

    fn agreement(&self) -> String {
        if self.schema_rejects == 0 {
            "-".to_owned()
        } else {
            percent(self.both, self.schema_rejects)
        }
    }
}

fn percent(part: usize, whole: usize) -> String {
    // Integer arithmetic, so that 99.99% never prints as 100%.
    let basis_points = part * 10_000 / whole.max(1);
    format!("{}.{:02}%", basis_points / 100, basis_points % 100)
}

/// The rule of the first error that was not in the unmutated document's diagnostics.
fn new_error(
    diags: &[Diagnostic],
    before: &HashSet<(String, String, String)>,
) -> Option<&'static str> {
    diags
        .iter()
        .find(|d| {
            d.severity == Severity::Error
                && !before.contains(&(d.rule.to_owned(), d.pointer.clone(), d.message.clone()))
        })
        .map(|d| d.rule)
}

/// What the mutation pass found, over every document.
#[derive(Default)]
struct Tally {
    per_kind: BTreeMap<Kind, Figures>,
    /// Mutants the schema rejects and poam accepts, one line each.
    misses: Vec<String>,
    /// What poam rejects and the schema accepts, by mutation kind and poam's rule.
    poam_only: BTreeMap<Kind, BTreeMap<&'static str, usize>>,
    /// Required members the schema lets go: poam follows the metaschema there.
    required_only: BTreeMap<String, usize>,
}

/// Part 2: mutants of the examples, official schema vs poam.
fn agreement(
    examples: &[Example],
    officials: &[Official],
    as_of: NaiveDate,
    section: &mut Section,
) {
    let opts = options(Profile::Oscal, as_of);
    let mut tally = Tally::default();
    let mut per_doc = Table::new(&[
        "document",
        "schema",
        "mutants",
        "schema rejects",
        "poam rejects",
        "agreement on schema rejections",
        "poam only",
    ]);
    let mut seen: Vec<Json> = Vec::new();
    for ex in examples {
        let Some(i) = ex.schema else {
            per_doc.row(vec![ex.source.name.clone(), "none applies".into()]);
            continue;
        };
        let official = &officials[i];
        let mut base = ex.tree.clone();
        if let Some(o) = base.as_object_mut() {
            o.shift_remove("$schema");
        }
        // poam holds a document to the datatypes of the version it declares; a 1.0 document
        // judged by a 1.2 schema is labelled 1.2 for poam too, so that both judge by one
        // version (as `--oscal-version` would write it).
        if let Some(v) = base.pointer_mut("/plan-of-action-and-milestones/metadata/oscal-version") {
            *v = Json::String(official.version.clone());
        }
        let key = ex.model.clone().unwrap_or_else(|| base.clone());
        if seen.contains(&key) {
            per_doc.row(vec![
                ex.source.name.clone(),
                official.version.clone(),
                "same document as above".into(),
            ]);
            continue;
        }
        seen.push(key);
        if !official.schema.is_valid(&base) {
            per_doc.row(vec![
                ex.source.name.clone(),
                official.version.clone(),
                "not mutated: the schema rejects the document itself".into(),
            ]);
            continue;
        }
        let doc_figures = tally.document(&ex.source.name, &base, official, &opts);
        let outcome = if doc_figures.missed == 0 {
            Outcome::Pass(doc_figures.agreement())
        } else {
            Outcome::Fail(format!(
                "{} ({} missed)",
                doc_figures.agreement(),
                doc_figures.missed
            ))
        };
        section.count(&outcome);
        per_doc.row(vec![
            ex.source.name.clone(),
            official.version.clone(),
            doc_figures.mutants.to_string(),
            doc_figures.schema_rejects.to_string(),
            doc_figures.poam_rejects.to_string(),
            outcome.cell(),
            doc_figures.poam_only.to_string(),
        ]);
    }
    println!("\nMutation agreement with the official JSON Schema, per document:\n");
    print!("{}", per_doc.render());
    let total = tally.print_kinds();
    tally.print_poam_only();
    tally.print_misses(&total);
}

impl Tally {
    /// Mutates one document the schema accepts and judges every mutant; returns the
    /// document's figures.
    fn document(
        &mut self,
        name: &str,
        base: &Json,
        official: &Official,
        opts: &Options,
    ) -> Figures {
        let before: HashSet<(String, String, String)> = poam_validate::validate_tree(base, opts)
            .diagnostics
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| (d.rule.to_owned(), d.pointer, d.message))
            .collect();
        let mutants = mutation::mutations(base);
        let verdicts = judge(base, &mutants, &official.schema, opts, &before);
        let mut doc_figures = Figures::default();
        for (m, (schema_rejects, poam_rule)) in mutants.iter().zip(verdicts) {
            let poam_rejects = poam_rule.is_some();
            if let (false, Some(_), Kind::DropRequired) = (schema_rejects, poam_rule, m.kind) {
                *self.required_only.entry(m.description.clone()).or_default() += 1;
            }
            if let (false, Some(rule)) = (schema_rejects, poam_rule) {
                *self
                    .poam_only
                    .entry(m.kind)
                    .or_default()
                    .entry(rule)
                    .or_default() += 1;
            }
            doc_figures.add(schema_rejects, poam_rejects);
            self.per_kind
                .entry(m.kind)
                .or_default()
                .add(schema_rejects, poam_rejects);
            if schema_rejects && !poam_rejects {
                self.misses.push(format!(
                    "  {name}: {} at {}: {}",
                    m.kind.name(),
                    m.pointer,
                    m.description
                ));
            }
        }
        doc_figures
    }

    /// Prints the figures per kind of mutation; returns their total.
    fn print_kinds(&self) -> Figures {
        let mut kinds = Table::new(&[
            "mutation",
            "mutants",
            "schema rejects",
            "poam rejects",
            "both",
            "schema only (missed)",
            "poam only",
            "agreement",
        ]);
        let mut total = Figures::default();
        for (kind, f) in &self.per_kind {
            kinds.row(f.cells(kind.name()));
            total.mutants += f.mutants;
            total.schema_rejects += f.schema_rejects;
            total.poam_rejects += f.poam_rejects;
            total.both += f.both;
            total.missed += f.missed;
            total.poam_only += f.poam_only;
        }
        kinds.row(total.cells("all"));
        println!(
            "\nPer kind of mutation (agreement: of the mutants the schema rejects, the share poam rejects):\n"
        );
        print!("{}", kinds.render());
        total
    }

    fn print_poam_only(&self) {
        println!(
            "\nRejected by poam only (what the JSON Schema cannot express), by poam's rule:\n"
        );
        for (kind, rules) in &self.poam_only {
            let list: Vec<String> = rules.iter().map(|(r, n)| format!("{r} {n}")).collect();
            println!("  {}: {}", kind.name(), list.join(", "));
        }
        println!(
            "  (a dangling reference that the imported SSP or an assessment could resolve is a warning, not an error)"
        );
        if !self.required_only.is_empty() {
            let list: Vec<String> = self
                .required_only
                .iter()
                .map(|(d, n)| format!("{d} ({n})"))
                .collect();
            println!(
                "  required by the metaschema, not by the JSON Schema: {}\n  (where a definition has a choice, the official JSON Schema's `anyOf` alternatives carry no `required` list; e.g. a party's addresses | location-uuids)",
                list.join(", ")
            );
        }
    }

    fn print_misses(&self, total: &Figures) {
        let misses = &self.misses;
        if misses.is_empty() {
            println!(
                "\nEvery mutant the official schema rejects, poam rejects ({} of {}).",
                total.both, total.schema_rejects
            );
        } else {
            println!(
                "\nFAIL: {} mutant(s) the official schema rejects are accepted by poam:",
                misses.len()
            );
            for m in misses.iter().take(MISSES_SHOWN) {
                println!("{m}");
            }
            if misses.len() > MISSES_SHOWN {
                println!("  ... and {} more", misses.len() - MISSES_SHOWN);
            }
        }
    }
}

/// For each mutant: whether the schema rejects it, and the rule of poam's first new error.
fn judge(
    base: &Json,
    mutants: &[mutation::Mutation],
    schema: &JsonSchema,
    opts: &Options,
    before: &HashSet<(String, String, String)>,
) -> Vec<(bool, Option<&'static str>)> {
    let workers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .clamp(1, 4);
    let chunk = mutants.len().div_ceil(workers).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = mutants
            .chunks(chunk)
            .map(|part| {
                let handle = s.spawn(move || {
                    part.iter()
                        .map(|m| {
                            let tree = m.apply(base);
                            let schema_rejects = !schema.is_valid(&tree);
                            let poam_rule = new_error(
                                &poam_validate::validate_tree(&tree, opts).diagnostics,
                                before,
                            );
                            (schema_rejects, poam_rule)
                        })
                        .collect::<Vec<_>>()
                });
                (part.len(), handle)
            })
            .collect();
        // A worker that panicked counts its mutants as missed, so the section fails.
        handles
            .into_iter()
            .flat_map(|(n, h)| h.join().unwrap_or_else(|_| vec![(true, None); n]))
            .collect()
    })
}
