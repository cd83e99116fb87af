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
    /// Turn scanner results (Nessus, SARIF, Trivy, Grype, XCCDF, Amazon Inspector) into POA&M
    /// items, in a new POA&M or merged into an existing one.
    Import(ImportArgs),
    /// The monthly continuous-monitoring report: open, overdue, aging, deviations, vendor
    /// check-ins, remediation times, trend.
    Report(ReportArgs),
}

// Each subcommand's arguments below are owned by that subcommand's module.

/// Arguments of `poam validate` (see `commands/validate.rs`).
///
/// Exit status: 0 no errors (warnings allowed), 1 errors found, 2 a file could not be read
/// (or bad arguments).
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// Files to validate: OSCAL JSON, YAML or XML, or FedRAMP workbooks (.xlsx), `-` for
    /// standard input. Checked in parallel, reported in the order given.
    #[arg(required_unless_present = "list_rules")]
    pub inputs: Vec<PathBuf>,
    /// Rule set: `oscal` (structure, datatypes, metaschema constraints, references), or
    /// `fedramp` (all of that and FedRAMP's POA&M rules).
    #[arg(long, value_enum, default_value_t = ValidateProfile::Oscal)]
    pub profile: ValidateProfile,
    /// The day deadlines and vendor check-ins are judged against (YYYY-MM-DD; default
    /// today), so that results reproduce.
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    pub as_of: Option<chrono::NaiveDate>,
    /// The system security plan the POA&Ms import (OSCAL JSON, YAML or XML): references to
    /// its parties, roles, locations, components, inventory items, users and resources then
    /// resolve, or fail, for real.
    #[arg(long, value_name = "FILE")]
    pub ssp: Option<PathBuf>,
    /// Also validate each document's JSON form against this JSON Schema (e.g. NIST's
    /// `oscal_poam_schema.json`); its findings are reported as rule `json-schema`.
    #[arg(long, value_name = "FILE")]
    pub schema: Option<PathBuf>,
    /// Output: `human` (source snippets), `json` or `sarif` (SARIF 2.1.0).
    #[arg(long, value_enum, default_value_t = ValidateFormat::Human)]
    pub format: ValidateFormat,
    /// Input format, when neither the extension nor the content says (`xlsx`: the FedRAMP
    /// POA&M workbook, whatever the file's name).
    #[arg(long, value_enum)]
    pub from: Option<FileFormat>,
    /// List every rule (id, severity, summary) and exit.
    #[arg(long)]
    pub list_rules: bool,
}

/// Rule sets of `poam validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ValidateProfile {
    Oscal,
    Fedramp,
}

/// Output formats of `poam validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ValidateFormat {
    Human,
    Json,
    Sarif,
}

fn parse_day(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| format!("{s:?} is not a date of the form YYYY-MM-DD: {e}"))
}

/// `merge --as-of`: a date (midnight UTC) or a date-time with a time zone, within the
/// range OSCAL's `date-time-with-timezone` allows.
fn parse_cycle_date(s: &str) -> Result<chrono::DateTime<chrono::FixedOffset>, String> {
    use poam::model::datatypes::{Datatype, DateTimeWithTimezone};
    let d = match chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        Ok(day) => day
            .and_time(chrono::NaiveTime::MIN)
            .and_utc()
            .fixed_offset(),
        Err(_) => chrono::DateTime::parse_from_rfc3339(s).map_err(|e| {
            format!("{s:?} is not a date (YYYY-MM-DD) or a date-time with a time zone: {e}")
        })?,
    };
    DateTimeWithTimezone::from(d)
        .check()
        .map_err(|e| format!("{s:?}: {e}; give a date such as 2024-07-01"))?;
    Ok(d)
}

/// Arguments of `poam diff` (see `commands/diff.rs` and `docs/review-cycles.md`).
///
/// Exit status as diff(1): 0 no differences, 1 differences, 2 trouble.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// Last cycle's POA&M: OSCAL JSON, YAML or XML, or a FedRAMP workbook (.xlsx); `-` for
    /// standard input.
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
    /// Last cycle's POA&M: OSCAL JSON, YAML or XML, or a FedRAMP workbook (.xlsx); `-` for
    /// standard input.
    pub base: PathBuf,
    /// Updates to apply, in order: edited copies of BASE or partial POA&Ms, in any of those
    /// formats.
    #[arg(required = true)]
    pub updates: Vec<PathBuf>,
    /// Output file (`-` or absent for standard output). Written atomically.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Date of the cycle: `YYYY-MM-DD` (midnight UTC) or a date-time with a time zone.
    /// Risk-log entries and metadata last-modified get it. Default: today, midnight UTC.
    #[arg(long, value_name = "DATE", value_parser = parse_cycle_date)]
    pub as_of: Option<chrono::DateTime<chrono::FixedOffset>>,
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
    /// The system security plan the merged POA&M imports (OSCAL JSON, YAML or XML): the POA&M gets
    /// `import-ssp` (a path relative from the output), the SSP's system id and provider
    /// party, and BASE's and the updates' assets resolve to the SSP's inventory items and components (by asset
    /// id, FQDN, IP address or host name); each asset that resolves to nothing is a warning.
    #[arg(long, value_name = "FILE")]
    pub ssp: Option<PathBuf>,
    #[command(flatten)]
    pub document: DocumentArgs,
    /// Output format. Default: the output file's extension, else BASE's format (a workbook
    /// BASE gives a workbook).
    #[arg(long, value_enum)]
    pub to: Option<FileFormat>,
}

/// Arguments of `poam report` (see `commands/report.rs`).
///
/// Exit status: 0 report written; 2 trouble: unreadable input, not a POA&M, bad arguments
/// (nothing written).
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// The POA&M of the cycle to report on, in any format (OSCAL JSON, YAML or XML, or a
    /// FedRAMP workbook); `-` for standard input. Several (the monthly files, in any order:
    /// they are sorted by their last-modified date) also give the trend and the last cycle's
    /// changes.
    #[arg(required = true, value_name = "POAM")]
    pub inputs: Vec<PathBuf>,
    /// The day the numbers are judged at (YYYY-MM-DD). Default: the last document's
    /// last-modified date, so that a report reproduces.
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    pub as_of: Option<chrono::NaiveDate>,
    /// `html`: one self-contained page (inline CSS and SVG charts, no script, nothing
    /// fetched); `markdown` for the agency email or a wiki; `json` for pipelines (schema
    /// `poam-report/1`).
    #[arg(long, value_enum, default_value_t = ReportFormat::Html)]
    pub format: ReportFormat,
    /// Output file (`-` or absent for standard output). Written atomically.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// The report's title. Default: "Continuous monitoring report".
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
}

/// Output formats of `poam report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Html,
    Markdown,
    Json,
}

/// Which update wins a conflict (`poam merge --prefer`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PreferArg {
    First,
    Last,
}

/// Arguments of `poam convert` (see `commands/convert.rs`).
///
/// One input: `poam convert IN [-o OUT]`. Several: `poam convert IN... --out-dir DIR`,
/// converted in parallel, each to `DIR/<input name>.<format>`.
#[derive(Debug, clap::Args)]
pub struct ConvertArgs {
    /// Input files (`-` for standard input). Each one's format comes from its extension, or
    /// failing that, from its content. Several inputs need `--out-dir`.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Output file (`-` or absent for standard output). Written atomically: a failed
    /// conversion leaves no file and never overwrites an existing one.
    #[arg(short, long, conflicts_with = "out_dir")]
    pub output: Option<PathBuf>,
    /// Write each input's conversion into this directory (created if missing), named after
    /// the input with the output format's extension. The inputs are converted in parallel;
    /// each is written atomically, and one that fails does not stop the others (exit 2).
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Output format. Default: the output file's extension, else json.
    #[arg(long, value_enum)]
    pub to: Option<FileFormat>,
    /// Input format, when neither the extension nor the content says.
    #[arg(long, value_enum)]
    pub from: Option<FileFormat>,
    /// The system security plan the output imports (OSCAL JSON, YAML or XML): the POA&M gets
    /// `import-ssp` (a path relative from the output), the SSP's system id and provider
    /// party, and its assets resolve to the SSP's inventory items and components (by asset
    /// id, FQDN, IP address or host name); each asset that resolves to nothing is a warning.
    #[arg(long, value_name = "FILE")]
    pub ssp: Option<PathBuf>,
    #[command(flatten)]
    pub document: DocumentArgs,
}

/// What `poam convert` and `poam merge` read and write: OSCAL JSON, YAML and XML, and the
/// FedRAMP POA&M Excel workbook (see `docs/workbook-mapping.md`); the library's enum, parsed
/// by clap through its `clap` feature.
pub use poam::FileFormat;

/// Arguments of `poam import` (see `commands/import.rs` and the README).
///
/// Exit status: 0 imported and written; 1 ambiguous matches with the items of `--into`
/// (nothing written); 2 trouble: an unreadable scan, a file in no known format, bad
/// arguments (nothing written).
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Scanner result files, each recognized by its content: Nessus .nessus (v2 XML) or CSV
    /// export, SARIF 2.1.0, Trivy JSON, Grype JSON, XCCDF results (OpenSCAP), Amazon
    /// Inspector v2 findings JSON.
    #[arg(required = true, value_name = "SCAN")]
    pub scans: Vec<PathBuf>,
    /// Merge the findings into this POA&M (OSCAL JSON, YAML or XML, or a FedRAMP workbook),
    /// as `poam merge` does: matched items keep their uuids and POAM IDs, new items get the
    /// next POAM IDs, every change is in the risk log.
    #[arg(long, value_name = "POAM")]
    pub into: Option<PathBuf>,
    /// Output file (`-` or absent for standard output). Written atomically.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Output format. Default: the output file's extension, else the `--into` POA&M's format,
    /// else json.
    #[arg(long, value_enum)]
    pub to: Option<FileFormat>,
    /// Date of the import: `YYYY-MM-DD` (midnight UTC) or a date-time with a time zone. Last
    /// seen, risk-log entries, metadata, and detection when a scan states no date. Default:
    /// today.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// CISA's KEV catalog (known_exploited_vulnerabilities.json), read from this file only:
    /// items with a listed CVE get FedRAMP's KEV properties and the due date when earlier.
    #[arg(long, value_name = "FILE")]
    pub kev: Option<PathBuf>,
    /// The system security plan the output imports (OSCAL JSON, YAML or XML): the POA&M gets
    /// `import-ssp` (a path relative from the output), the SSP's system id and provider
    /// party, and its assets resolve to the SSP's inventory items and components (by asset
    /// id, FQDN, IP address or host name); each asset that resolves to nothing is a warning.
    #[arg(long, value_name = "FILE")]
    pub ssp: Option<PathBuf>,
    #[command(flatten)]
    pub document: DocumentArgs,
    /// With `--into`: close open items of the same scanners whose assets were all scanned and
    /// no longer show the weakness. Items on assets the scan did not cover, and items of
    /// other scanners, stay open.
    #[arg(long, requires = "into")]
    pub complete: bool,
    /// Skip weaknesses below this severity (default low: informational findings are skipped).
    /// A finding the scanner did not rate counts as between low and moderate; it is imported
    /// rated moderate, with a warning naming it.
    #[arg(long, value_enum, default_value_t = SeverityArg::Low)]
    pub min_severity: SeverityArg,
    /// One item per weakness listing every asset, or one per weakness and asset.
    #[arg(long, value_enum, default_value_t = GroupArg::Weakness)]
    pub group: GroupArg,
    /// The remediation plan (and milestone) text of new items (also `plan` in poam.toml).
    /// Default: "Remediate the weakness as the scanner recommends, then rescan to confirm it
    /// is no longer detected."
    #[arg(long, value_name = "TEXT")]
    pub plan: Option<String>,
    /// Summary format: `human` on standard error, or `json` (on standard output when the
    /// POA&M goes to a file, else on standard error).
    #[arg(long, value_enum, default_value_t = ImportFormat::Human)]
    pub format: ImportFormat,
}

/// `poam import --min-severity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    Info,
    Low,
    Moderate,
    High,
    Critical,
}

/// `poam import --group`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GroupArg {
    Weakness,
    Asset,
}

/// `poam import --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportFormat {
    Human,
    Json,
}

/// The document-level facts of the commands that write a POA&M (convert, import, merge):
/// each also a key of `poam.toml` (see `config.rs`), the flag winning.
#[derive(Debug, Default, clap::Args)]
pub struct DocumentArgs {
    /// The project file (default: `poam.toml` in the current directory, when there is one):
    /// `ssp`, `marking`, `fedramp-version`, `title`, `plan`, `oscal-version`.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The document's marking (metadata prop `marking`; FedRAMP: `cui`).
    #[arg(long, value_name = "TEXT")]
    pub marking: Option<String>,
    /// The FedRAMP version the document follows (metadata prop `fedramp-version`, e.g.
    /// `fedramp-3.0.0rc1-oscal-1.1.2`).
    #[arg(long, value_name = "TEXT")]
    pub fedramp_version: Option<String>,
    /// The document's title (metadata `title`).
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
    /// Write the output as this OSCAL version: 1.0.4, 1.1.2, 1.1.3, 1.2.1, 1.2.2 or 1.2.3
    /// (default: the document's own). `oscal-version` and `$schema` are set to it; a member
    /// or value the version cannot hold is an error naming its place, and nothing is written.
    #[arg(long, value_name = "VERSION", value_parser = poam::model::version::TargetVersion::parse)]
    pub oscal_version: Option<poam::model::version::TargetVersion>,
}
