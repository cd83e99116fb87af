//! Why a command stopped: one error type for every command, each variant carrying what its
//! message names (paths, places, the library's own error), and the one mapping from an error
//! to the exit code ([`Error::exit_code`]) and to the lines printed ([`Error::print`]).
//!
//! A command returns `Ok(code)` when it ran to its answer (0, or 1 for "found") and `Err`
//! when it stopped; `main` prints the error and exits with its code. Nothing is written when
//! a command stops.

use std::path::PathBuf;

use poam::io::ReadError;

use crate::exit;

/// Why a command stopped.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Inputs that could not be read, each at its place (`file:line:column: ...`).
    #[error("{} input(s) could not be read", .0.len())]
    Unreadable(Vec<ReadError>),
    /// Several errors found before stopping, each printed on its own line.
    #[error("{} errors", .0.len())]
    All(Vec<Error>),
    /// An error, then what it cost: `error: nothing merged`.
    #[error("{cause}")]
    Closing {
        /// What stopped the command.
        cause: Box<Error>,
        /// The closing line, after `error: ` (`nothing merged`, `no report written`).
        line: &'static str,
    },
    /// Standard input given as more than one input.
    #[error("only one input can be standard input (`-`)")]
    StdinTwice,
    /// `poam diff - -`.
    #[error("only one of OLD and NEW can be standard input (`-`)")]
    StdinOldAndNew,
    /// Several inputs to convert without `--out-dir`.
    #[error("{count} inputs need --out-dir DIR (one input converts to -o FILE or standard output)")]
    ManyInputsNeedOutDir {
        /// How many inputs were given.
        count: usize,
    },
    /// Standard input among the inputs of `convert --out-dir`.
    #[error(
        "standard input (`-`) has no name to write under --out-dir; convert it alone with -o FILE"
    )]
    StdinUnderOutDir,
    /// An input path with no file name to write its conversion under.
    #[error("{}: not a file name", .0.display())]
    NotAFileName(PathBuf),
    /// Two inputs of `convert --out-dir` that would be written to one file.
    #[error(
        "{} and {} would both be written to {}; convert them into different directories",
        first.display(),
        second.display(),
        output.display()
    )]
    SameOutput {
        /// The first input.
        first: PathBuf,
        /// The second input.
        second: PathBuf,
        /// The file both would be written to.
        output: PathBuf,
    },
    /// `--out-dir` could not be created.
    #[error("cannot create {}: {source}", dir.display())]
    CreateDir {
        /// The directory.
        dir: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// A conversion under `--out-dir` would replace an input.
    #[error(
        "{} would overwrite the input {}; choose another --out-dir",
        output.display(),
        input.display()
    )]
    OutDirOverwritesInput {
        /// The output file.
        output: PathBuf,
        /// The input it is.
        input: PathBuf,
    },
    /// `-o` names an input (through any path or link).
    #[error(
        "-o {} is the input {}; write the output to another file{}",
        output.display(),
        input.display(),
        if *base_may { " (only BASE may be updated in place)" } else { "" }
    )]
    OutputIsInput {
        /// The output file.
        output: PathBuf,
        /// The input it is.
        input: PathBuf,
        /// Whether the command updates a BASE in place (`merge`), which the message says.
        base_may: bool,
    },
    /// A workbook to be written under a macro-enabled name.
    #[error(
        "{}: poam writes workbooks without macros, which Excel opens only as .xlsx; name the output .xlsx",
        .0.display()
    )]
    MacroEnabledName(PathBuf),
    /// A workbook to be written to a terminal.
    #[error("a workbook is binary; not writing it to a terminal (use -o FILE.xlsx)")]
    WorkbookToTerminal,
    /// `--config FILE` (or `poam.toml`) could not be read.
    #[error("--config {}: {source}", path.display())]
    ConfigUnreadable {
        /// The project file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The project file is not valid `poam.toml` (the message names the line).
    #[error("{}: {message}", path.display())]
    Config {
        /// The project file.
        path: PathBuf,
        /// The TOML reader's message, with its line and column.
        message: String,
    },
    /// `oscal-version` in `poam.toml` names no version poam writes.
    #[error("poam.toml: oscal-version: {0}")]
    ConfigVersion(String),
    /// `--ssp FILE` could not be read.
    #[error("--ssp {}: {source}", path.display())]
    SspUnreadable {
        /// The SSP file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// `--ssp FILE` is not a usable SSP.
    #[error("--ssp {}: {message}", path.display())]
    Ssp {
        /// The SSP file.
        path: PathBuf,
        /// What is wrong with it, at its place.
        message: String,
    },
    /// `--schema FILE` could not be read or used.
    #[error("--schema {}: {reason}", path.display())]
    Schema {
        /// The schema file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// `--kev FILE` could not be read.
    #[error("--kev {}: {reason}", path.display())]
    Kev {
        /// The catalog file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A scan could not be opened or read.
    #[error("{}: {reason}", path.display())]
    Scan {
        /// The scan file.
        path: PathBuf,
        /// What is wrong, at its place.
        reason: String,
    },
    /// `--as-of` is not a date or a date-time with a time zone.
    #[error("--as-of: {0}; give a date such as 2024-07-01")]
    AsOf(String),
    /// The document could not be written as OSCAL text.
    #[error("cannot write {format}: {source}")]
    Encode {
        /// The format asked for.
        format: poam::io::Format,
        /// The writer's error.
        source: poam::io::WriteError,
    },
    /// The document could not be written as a workbook.
    #[error("cannot write the workbook: {0}")]
    EncodeWorkbook(#[source] poam::workbook::ExportError),
    /// The output could not be written (nothing was: outputs are written atomically).
    #[error(
        "cannot write output: {}: {source}",
        path.as_ref().map_or_else(|| "<stdout>".into(), |p| p.display().to_string())
    )]
    Write {
        /// The output file; `None` for standard output.
        path: Option<PathBuf>,
        /// What the system said.
        source: std::io::Error,
    },
    /// A file of `convert --out-dir` could not be written (the others were).
    #[error("cannot write {}: {source}", path.display())]
    WriteFile {
        /// The output file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// Some files of `convert --out-dir` could not be converted (each said why).
    #[error(
        "{failed} of {total} files could not be converted; the other {} were written to {}",
        total - failed,
        dir.display()
    )]
    SomeNotConverted {
        /// How many failed.
        failed: usize,
        /// How many were given.
        total: usize,
        /// `--out-dir`.
        dir: PathBuf,
    },
    /// The report could not be written to standard output.
    #[error("cannot write the report: {0}")]
    Report(#[source] std::io::Error),
    /// The document cannot be written as `--oscal-version` asks: one line per place.
    #[error("{name}: {message}; nothing written")]
    Version {
        /// What the document is called in messages.
        name: String,
        /// Each place the version cannot hold.
        places: Vec<String>,
        /// Why.
        message: String,
    },
    /// The merge refused (conflicts, ambiguities, an invalid result) or failed.
    #[error(transparent)]
    Merge(#[from] poam::cycle::MergeError),
    /// The report could not be computed.
    #[error(transparent)]
    ReportInputs(#[from] poam::report::ReportError),
}

impl Error {
    /// The exit code: 1 when the answer is "no" (a merge that found conflicts or
    /// ambiguities, or whose result would not be valid), 2 for every other trouble.
    pub fn exit_code(&self) -> u8 {
        use poam::cycle::MergeError as M;
        match self {
            Self::Merge(M::Conflicts(_) | M::Ambiguous(_) | M::Invalid(_)) => exit::FOUND,
            Self::Closing { cause, .. } => cause.exit_code(),
            Self::All(errors) => errors
                .iter()
                .map(Self::exit_code)
                .max()
                .unwrap_or(exit::TROUBLE),
            _ => exit::TROUBLE,
        }
    }

    /// This error, then `error: {line}` (what it cost: `nothing merged`).
    pub fn closing(self, line: &'static str) -> Self {
        Self::Closing {
            cause: Box::new(self),
            line,
        }
    }

    /// The lines to print, each `error: ...`.
    pub fn lines(&self) -> Vec<String> {
        match self {
            Self::Unreadable(errors) => errors.iter().map(|e| format!("error: {e}")).collect(),
            Self::All(errors) => errors.iter().flat_map(Self::lines).collect(),
            Self::Closing { cause, line } => {
                let mut lines = cause.lines();
                lines.push(format!("error: {line}"));
                lines
            }
            Self::Version { name, places, .. } => places
                .iter()
                .map(|p| format!("error: {name}: {p}"))
                .chain(std::iter::once(format!("error: {self}")))
                .collect(),
            _ => vec![format!("error: {self}")],
        }
    }

    /// Prints the error to standard error.
    pub fn print(&self) {
        for line in self.lines() {
            eprintln!("{line}");
        }
    }
}

/// Each error found, or the one; `Ok` when there is none.
pub fn all(mut errors: Vec<Error>) -> Result<(), Error> {
    match errors.len() {
        0 => Ok(()),
        1 => Err(errors.remove(0)),
        _ => Err(Error::All(errors)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_and_troubles_exit_2_and_name_their_place() {
        let e = Error::OutputIsInput {
            output: "a.json".into(),
            input: "./a.json".into(),
            base_may: true,
        }
        .closing("nothing merged");
        assert_eq!(e.exit_code(), exit::TROUBLE);
        assert_eq!(
            e.lines(),
            [
                "error: -o a.json is the input ./a.json; write the output to another file (only BASE may be updated in place)",
                "error: nothing merged",
            ]
        );
        let w = Error::Write {
            path: None,
            source: std::io::Error::other("closed"),
        };
        assert_eq!(w.to_string(), "cannot write output: <stdout>: closed");
    }

    #[test]
    fn a_merge_that_found_conflicts_answers_no() {
        let e =
            Error::Merge(poam::cycle::MergeError::Conflicts(Vec::new())).closing("nothing merged");
        assert_eq!(e.exit_code(), exit::FOUND);
        // Trouble outweighs a "no".
        let both = Error::All(vec![Error::StdinTwice, e]);
        assert_eq!(both.exit_code(), exit::TROUBLE);
        assert_eq!(all(Vec::new()).map_err(|e| e.exit_code()), Ok(()));
    }

    #[test]
    fn a_version_refusal_names_every_place_then_the_reason() {
        let e = Error::Version {
            name: "the POA&M".into(),
            places: vec!["/a: x".into(), "/b: y".into()],
            message: "cannot be written as OSCAL 1.0.4".into(),
        };
        assert_eq!(
            e.lines(),
            [
                "error: the POA&M: /a: x",
                "error: the POA&M: /b: y",
                "error: the POA&M: cannot be written as OSCAL 1.0.4; nothing written",
            ]
        );
    }
}
