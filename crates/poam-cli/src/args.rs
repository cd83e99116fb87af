//! Command-line arguments (clap derive), all in one place.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// poam: the OSCAL Plan of Action and Milestones toolkit.
///
/// Exit codes: 0 success; 1 the command's answer is "no" (validation errors found,
/// differences found); 2 trouble (unreadable input, bad arguments, nothing written).
#[derive(Debug, Parser)]
#[command(name = "poam", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Convert a POA&M between OSCAL JSON, YAML and XML.
    Convert(ConvertArgs),
    /// Validate POA&Ms: structure, OSCAL constraints, references, FedRAMP rules.
    Validate(ValidateArgs),
    /// Compare two cycles of a POA&M, item by item.
    Diff(DiffArgs),
    /// Carry a POA&M into the next cycle by applying updates to it.
    Merge(MergeArgs),
}

// Each subcommand's arguments below are owned by that subcommand's module.

/// Arguments of `poam validate` (see `commands/validate.rs`).
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// Files to validate.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
}

/// Arguments of `poam diff` (see `commands/diff.rs` and `docs/review-cycles.md`).
///
/// Exit status as diff(1): 0 no differences, 1 differences, 2 trouble.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// Last cycle's POA&M (any format `poam` reads; `-` for standard input).
    pub old: PathBuf,
    /// This cycle's POA&M.
    pub new: PathBuf,
    /// Report format: `human` for a terminal, `markdown` for the monthly report to the
    /// agency, `json` for pipelines (schema `poam-diff/1`).
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
}

/// Output formats of `poam diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Human,
    Markdown,
    Json,
}

/// Arguments of `poam merge` (see `commands/merge.rs` and `docs/review-cycles.md`).
///
/// Exit status: 0 merged and written; 1 conflicts or ambiguous matches (nothing written);
/// 2 trouble: unreadable input, not a POA&M, another system, bad arguments (nothing written).
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// Last cycle's POA&M.
    pub base: PathBuf,
    /// Updates to apply, in order: edited copies of BASE or partial POA&Ms, any format.
    #[arg(required = true)]
    pub updates: Vec<PathBuf>,
    /// Output file (`-` or absent for standard output). Written atomically.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Date of the cycle: `YYYY-MM-DD` (midnight UTC) or a date-time with a time zone.
    /// Risk-log entries and metadata last-modified get it. Default: today, midnight UTC.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// The updates together list every open item: open items none of them mentions are
    /// closed as no longer detected.
    #[arg(long)]
    pub complete: bool,
    /// Decide conflicts between updates by taking the first or the last update's value.
    #[arg(long, value_enum)]
    pub prefer: Option<PreferArg>,
    /// Merge updates whose system-id or import-ssp differ from BASE's.
    #[arg(long)]
    pub force: bool,
    /// Output format. Default: the output file's extension, else BASE's format.
    #[arg(long, value_enum)]
    pub to: Option<FormatArg>,
}

/// Which update wins a conflict (`poam merge --prefer`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PreferArg {
    First,
    Last,
}

#[derive(Debug, clap::Args)]
pub struct ConvertArgs {
    /// Input file (`-` for standard input). Its format comes from the extension, or failing
    /// that, from the content.
    pub input: PathBuf,
    /// Output file (`-` or absent for standard output). Written atomically: a failed
    /// conversion leaves no file and never overwrites an existing one.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Output format. Default: the output file's extension, else json.
    #[arg(long, value_enum)]
    pub to: Option<ConvertFormat>,
    /// Input format, when neither the extension nor the content says.
    #[arg(long, value_enum)]
    pub from: Option<ConvertFormat>,
}

/// What `poam convert` reads and writes: OSCAL JSON, YAML and XML, and the FedRAMP POA&M
/// Excel workbook (see `docs/workbook-mapping.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConvertFormat {
    Json,
    Yaml,
    Xml,
    /// The FedRAMP POA&M workbook (.xlsx), 2024 template layout.
    Xlsx,
}

impl ConvertFormat {
    /// The OSCAL format, or `None` for the workbook.
    pub fn oscal(self) -> Option<poam_io::Format> {
        match self {
            Self::Json => Some(poam_io::Format::Json),
            Self::Yaml => Some(poam_io::Format::Yaml),
            Self::Xml => Some(poam_io::Format::Xml),
            Self::Xlsx => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Json,
    Yaml,
    Xml,
}

impl From<FormatArg> for poam_io::Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Json => poam_io::Format::Json,
            FormatArg::Yaml => poam_io::Format::Yaml,
            FormatArg::Xml => poam_io::Format::Xml,
        }
    }
}
