//! Diagnostics: what a rule found, and where (a JSON pointer; the caller maps it to a place
//! in the source through a [`Locator`]).

use serde::Serialize;

use crate::rules::{RuleInfo, Severity};

/// One problem found in a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The rule's stable kebab-case id (see [`crate::rules()`]).
    pub rule: &'static str,
    /// How serious it is (the rule's default unless a constraint says otherwise).
    pub severity: Severity,
    /// What is wrong, for people.
    pub message: String,
    /// JSON pointer (RFC 6901) of the value concerned, from the document root, e.g.
    /// `/plan-of-action-and-milestones/poam-items/0/related-risks/0/risk-uuid`. For a
    /// missing member, the object that lacks it.
    pub pointer: String,
    /// How to fix it (the rule's help).
    pub help: Option<&'static str>,
}

impl Diagnostic {
    /// A diagnostic of `rule` at its default severity.
    pub fn new(
        rule: &'static RuleInfo,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            rule: rule.id,
            severity: rule.severity,
            message: message.into(),
            pointer: pointer.into(),
            help: Some(rule.help),
        }
    }

    /// The same diagnostic at severity `s`.
    #[must_use]
    pub fn with_severity(mut self, s: Severity) -> Self {
        self.severity = s;
        self
    }
}

/// A place in a source, for people: a line and column in a text file, or a workbook cell.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(untagged)]
pub enum Place {
    /// 1-based line and column (columns count characters).
    Text {
        /// The line, from 1.
        line: usize,
        /// The column, from 1, in characters.
        column: usize,
    },
    /// A workbook cell, e.g. sheet `Open POA&M Items`, cell `K17`.
    Cell {
        /// The sheet's name.
        sheet: String,
        /// The cell in A1 notation.
        cell: String,
    },
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Place::Text { line, column } => write!(f, "{line}:{column}"),
            Place::Cell { sheet, cell } => write!(f, "'{}'!{cell}", sheet.replace('\'', "''")),
        }
    }
}

/// Maps a diagnostic's JSON pointer to a place in the source it came from. Each input kind
/// (JSON/YAML/XML text, a workbook) supplies its own.
pub trait Locator: Sync {
    /// The place of the value at `pointer`, or of its nearest existing ancestor.
    fn locate(&self, pointer: &str) -> Option<Place>;
}

/// A locator that knows no places (diagnostics then carry only their pointer).
pub struct NoLocator;

impl Locator for NoLocator {
    fn locate(&self, _pointer: &str) -> Option<Place> {
        None
    }
}
