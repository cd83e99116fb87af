//! `cargo xtask conformance <REFERENCE-DIR>`: runs `poam` against the reference documents and
//! the official schemas, prints a table per section and a summary, and fails on any failure.
//!
//! The suite is a list of sections ([`SECTIONS`]). Each is a `fn(&Path) -> Result<Section,
//! String>` that gets the reference directory, prints its own table and returns its counts;
//! `Err` means the section could not run at all (a missing schema, say). Adding a section is
//! one module and one line in the list.

pub(crate) mod documents;
mod import;
mod manifest;
mod one_parse;
mod roundtrip;
mod schemas;
mod table;
mod twins;
mod validate;
mod verdicts;
mod versions;
mod xlsx;

use std::path::{Path, PathBuf};

pub use table::Table;

/// What a section found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Section {
    /// Short name for the summary.
    pub name: String,
    /// Checks that passed.
    pub passed: usize,
    /// Checks that failed; any makes the run fail.
    pub failed: usize,
    /// Checks that could not apply (XML while `poam` has no XML support, a schema older than
    /// the document's version); listed, never counted as passes.
    pub not_applicable: usize,
}

impl Section {
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            ..Self::default()
        }
    }

    /// Counts one cell of a table.
    pub fn count(&mut self, outcome: &Outcome) {
        match outcome {
            Outcome::Pass(_) => self.passed += 1,
            Outcome::Fail(_) => self.failed += 1,
            Outcome::NotApplicable(_) => self.not_applicable += 1,
        }
    }
}

/// A section of the suite.
pub type SectionFn = fn(&Path) -> Result<Section, String>;

/// The suite, in the order it runs.
pub const SECTIONS: &[(&str, SectionFn)] = &[
    ("examples: round trips and schemas", roundtrip::examples),
    ("examples: one document in several formats", twins::run),
    ("fixtures: round trips and schemas", roundtrip::fixtures),
    ("xlsx: FedRAMP POA&M workbooks both ways", xlsx::run),
    ("validate: findings and mutation agreement", validate::run),
    (
        "validate: each example's verdict against the record",
        verdicts::run,
    ),
    ("import: every reference scan to a valid POA&M", import::run),
    (
        "versions: every POA&M written as every OSCAL version",
        versions::run,
    ),
    ("oscal-schemas/releases.json hashes", manifest::run),
];

/// The result of one check, as shown in a table cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Pass(String),
    Fail(String),
    NotApplicable(String),
}

impl Outcome {
    pub fn cell(&self) -> String {
        match self {
            Outcome::Pass(s) => s.clone(),
            Outcome::Fail(s) => format!("FAIL: {s}"),
            Outcome::NotApplicable(s) => format!("n/a ({s})"),
        }
    }

    pub fn is_fail(&self) -> bool {
        matches!(self, Outcome::Fail(_))
    }
}

/// The workspace root (the parent of `xtask/`).
pub fn workspace_root() -> PathBuf {
    crate::workspace_root()
}

/// Runs every section (those whose title holds `only`, when given); `Err` when any check
/// failed or a section could not run. With `update_verdicts`, only rewrites the record of the
/// examples' verdicts (see [`verdicts`]).
pub fn run(reference: &Path, only: Option<&str>, update_verdicts: bool) -> Result<(), String> {
    if !reference.join("examples").is_dir() || !reference.join("oscal-schemas").is_dir() {
        return Err(format!(
            "{}: not a reference directory (expected examples/ and oscal-schemas/ in it)",
            reference.display()
        ));
    }
    if update_verdicts {
        return verdicts::update(reference);
    }
    let started = std::time::Instant::now();
    let mut summary = Table::new(&["section", "passed", "failed", "n/a"]);
    let mut failures = 0;
    for (title, section) in SECTIONS
        .iter()
        .filter(|(title, _)| only.is_none_or(|w| title.contains(w)))
    {
        println!("\n== {title}\n");
        match section(reference) {
            Ok(s) => {
                failures += s.failed;
                summary.row(vec![
                    s.name,
                    s.passed.to_string(),
                    s.failed.to_string(),
                    s.not_applicable.to_string(),
                ]);
            }
            Err(e) => {
                failures += 1;
                println!("could not run: {e}");
                summary.row(vec![
                    (*title).to_owned(),
                    "-".into(),
                    "could not run".into(),
                    "-".into(),
                ]);
            }
        }
    }
    println!("\n== summary\n");
    print!("{}", summary.render());
    println!(
        "\nconformance: {} in {:.1}s",
        if failures == 0 { "passed" } else { "FAILED" },
        started.elapsed().as_secs_f64()
    );
    if failures == 0 {
        Ok(())
    } else {
        Err(format!("conformance failed: {failures} failing check(s)"))
    }
}
