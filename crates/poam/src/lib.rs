//! OSCAL **Plan of Action and Milestones** (POA&M) for Rust programs: a complete typed model,
//! reading and writing every format (OSCAL JSON, YAML and XML, and FedRAMP's POA&M Excel
//! workbook), validation with FedRAMP's rules, the monthly cycle (diff and merge), scanner
//! import and the continuous-monitoring report.
//!
//! The `poam` command-line tool (package `poam-cli`) is built on this crate and nothing else.
//!
//! # Convert a POA&M between formats
//!
//! [`read_path`] takes the format from the file's extension (or its content); [`to_bytes`]
//! and [`write_path`] write any [`FileFormat`]. Output files are written atomically: a failed
//! write leaves no partial file.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
//! # let out = tempfile::tempdir()?;
//! let loaded = poam::read_path(fixtures.join("poam/full.json"))?;
//! let doc: &poam::Document = &loaded.document;
//! println!("{} items", doc.plan_of_action_and_milestones.poam_items.len());
//!
//! // In memory ...
//! let yaml = poam::to_bytes(doc, poam::FileFormat::Yaml)?;
//! assert!(String::from_utf8(yaml.bytes)?.contains("\nplan-of-action-and-milestones:\n"));
//! // ... or to a file, the format from its extension.
//! poam::write_path(doc, out.path().join("poam.xml"), None)?;
//! let back = poam::read_path(out.path().join("poam.xml"))?;
//! assert_eq!(back.format, poam::FileFormat::Xml);
//! assert!(back.document.plan_of_action_and_milestones == doc.plan_of_action_and_milestones);
//! # Ok(())
//! # }
//! ```
//!
//! # Validate, and act on the diagnostics
//!
//! Every problem is reported in one run, each with a stable rule id, a severity and the
//! JSON pointer of its place ([`validate::Diagnostic`]).
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
//! use poam::validate::{Options, Profile, Severity};
//!
//! let doc = poam::read_path(fixtures.join("poam/minimal.json"))?.document;
//! let options = Options {
//!     profile: Profile::Fedramp,
//!     as_of: poam::chrono::NaiveDate::from_ymd_opt(2025, 1, 15).unwrap(),
//!     ..Options::default()
//! };
//! let validation = poam::validate::validate(&doc, &options);
//! for d in &validation.diagnostics {
//!     if d.severity == Severity::Error {
//!         eprintln!("{}: {} [{}]", d.pointer, d.message, d.rule);
//!     }
//! }
//! // A minimal OSCAL POA&M lacks what FedRAMP requires.
//! assert!(validation.has_errors());
//! # Ok(())
//! # }
//! ```
//!
//! # Turn a FedRAMP workbook into OSCAL
//!
//! A `.xlsx` is read like any other file; cells poam could not fully read are kept as
//! written and listed in [`Loaded::warnings`].
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
//! # let dir = tempfile::tempdir()?;
//! # let workbook = dir.path().join("poam-2024-06.xlsx");
//! # let doc = poam::read_path(fixtures.join("validate/valid.json"))?.document;
//! # poam::write_path(&doc, &workbook, None)?;
//! let loaded = poam::read_path(&workbook)?;
//! assert_eq!(loaded.format, poam::FileFormat::Xlsx);
//! for w in &loaded.warnings {
//!     eprintln!("{}: {w}", workbook.display());
//! }
//! let json = poam::to_bytes(&loaded.document, poam::FileFormat::Json)?.bytes;
//! assert!(json.starts_with(b"{"));
//! # Ok(())
//! # }
//! ```
//!
//! # Merge next month's updates
//!
//! Updates (an edited copy, a team's items, a scanner's findings) are applied to the base;
//! every change is logged, nothing is deleted, and conflicting updates are refused.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
//! use poam::cycle::{MergeError, Options, Update};
//!
//! let base = poam::read_path(fixtures.join("cycles/month1.json"))?.document;
//! let team = poam::read_path(fixtures.join("cycles/month2-team.json"))?.document;
//! let options = Options {
//!     as_of: poam::chrono::DateTime::parse_from_rfc3339("2024-07-01T00:00:00Z")?,
//!     complete: false,
//!     prefer: None,
//!     force: false,
//! };
//! let updates = [Update { name: "month2-team.json", document: &team }];
//! match poam::cycle::merge(&base, &updates, &options) {
//!     Ok(outcome) => {
//!         println!("{} changed, {} new", outcome.report.changed.len(), outcome.report.new.len());
//!         let _next_month = outcome.document;
//!     }
//!     Err(MergeError::Conflicts(conflicts)) => eprintln!("{} conflicts", conflicts.len()),
//!     Err(e) => return Err(e.into()),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # What changed between two months
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
//! use poam::cycle::{Class, Reporter};
//!
//! let old = poam::read_path(fixtures.join("cycles/month1.json"))?.document;
//! let new = poam::read_path(fixtures.join("cycles/month2-team.json"))?.document;
//! let diff = poam::cycle::diff(&old, "month1.json", &new, "month2-team.json");
//! assert!(diff.has_differences());
//! for item in diff.of_class(Class::Closed) {
//!     println!("closed: {:?}", item.item().map(|i| i.label()));
//! }
//! print!("{}", poam::cycle::Markdown.render(&diff)); // or Human, or Json
//! # Ok(())
//! # }
//! ```
//!
//! # The modules
//!
//! - [`model`]: the typed model (re-exported as generated from the OSCAL metaschema).
//! - [`io`]: OSCAL text formats, read errors with places, atomic output.
//! - [`validate`]: rules, profiles, diagnostics.
//! - [`workbook`]: FedRAMP's Excel workbook, both ways.
//! - [`cycle`]: diff and merge.
//! - [`scan`]: scanner results as POA&M items.
//! - [`report`]: the continuous-monitoring report.

pub mod cycle;
pub mod fedramp;
mod file;
pub mod io;
pub mod model;
pub mod report;
pub mod scan;
pub mod ssp;
pub mod validate;
pub mod workbook;

/// Dates and date-times in options (`as_of`) are `chrono` values; re-exported so that a
/// program need not pick a matching version.
pub use chrono;

pub use file::{
    FileFormat, Loaded, WriteError, Written, read_bytes, read_path, read_reader, recognize,
    to_bytes, write_path,
};
pub use io::ReadError;
pub use model::Document;
