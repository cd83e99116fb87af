//! Rendering validation results: for people (`human`, with source snippets), and for
//! machines (`json`, `sarif`). Each format is one [`Reporter`].

mod human;
mod json;
pub mod locate;
mod sarif;
pub mod workbook;

use std::io::Write;

use poam::io::ReadError;
use poam::validate::{AppliedRuleSet, Diagnostic, Locator, Place, RuleInfo, Severity, Validation};

pub use human::Human;
pub use json::Json;
pub use sarif::Sarif;

/// A diagnostic with its place in the source, when the source can say.
#[derive(Debug, Clone)]
pub struct Located {
    pub diag: Diagnostic,
    pub place: Option<Place>,
}

/// The outcome for one input file.
#[derive(Debug)]
pub struct FileReport {
    /// The path as given (`<stdin>` for standard input).
    pub path: String,
    /// The source text (for snippets), when it was read.
    pub text: Option<String>,
    /// The OSCAL rule set it was checked against (none when it could not be read).
    pub rule_set: Option<AppliedRuleSet>,
    pub outcome: Outcome,
}

/// What happened to one file.
#[derive(Debug)]
pub enum Outcome {
    /// It was read and checked.
    Checked(Vec<Located>),
    /// It could not be read (exit 2).
    Unreadable(ReadError),
}

impl FileReport {
    /// Checked, with each diagnostic located through `locator`.
    pub fn checked(
        path: String,
        text: Option<String>,
        validation: Validation,
        locator: &dyn Locator,
    ) -> Self {
        let located = validation
            .diagnostics
            .into_iter()
            .map(|d| Located {
                place: locator.locate(&d.pointer),
                diag: d,
            })
            .collect();
        Self {
            path,
            text,
            rule_set: Some(validation.rule_set),
            outcome: Outcome::Checked(located),
        }
    }

    /// Not read: `e` says why.
    pub fn unreadable(path: String, text: Option<String>, e: ReadError) -> Self {
        Self {
            path,
            text,
            rule_set: None,
            outcome: Outcome::Unreadable(e),
        }
    }

    pub fn count(&self, s: Severity) -> usize {
        match &self.outcome {
            Outcome::Checked(d) => d.iter().filter(|l| l.diag.severity == s).count(),
            Outcome::Unreadable(_) => usize::from(s == Severity::Error),
        }
    }

    /// Read, and without errors (warnings allowed).
    pub fn valid(&self) -> bool {
        matches!(&self.outcome, Outcome::Checked(d) if d.iter().all(|l| l.diag.severity != Severity::Error))
    }
}

/// An output format.
pub trait Reporter {
    /// Writes the results of a run.
    fn report(&self, files: &[FileReport], out: &mut dyn Write) -> std::io::Result<()>;
    /// Writes the rule list (`--list-rules`).
    fn rules(&self, rules: &[&RuleInfo], out: &mut dyn Write) -> std::io::Result<()>;
}

/// The place of a read error, as a [`Place`].
pub fn read_error_place(e: &ReadError) -> Option<Place> {
    e.position.map(|p| Place::Text {
        line: p.line,
        column: p.column,
    })
}
