//! Scanner results as POA&M items, month after month.
//!
//! A scan file's bytes are recognized by their content ([`sniff()`]) and read by one streaming
//! reader per format ([`read()`]) into the neutral [`Scan`] of [`Finding`]s: Nessus `.nessus`
//! and CSV, SARIF 2.1.0, Trivy, Grype, XCCDF results, Amazon Inspector v2. Findings are
//! grouped into weaknesses ([`group()`]), rated and given deadlines by FedRAMP's rules, and
//! built into POA&M items shaped as the FedRAMP Guide maps a workbook row
//! ([`build_document`]). Into an existing POA&M, they go through the review-cycle merge
//! engine of `poam-cycle` ([`import_into`]).
//!
//! **Architecture invariant:** no I/O beyond the bytes given, and no printing: the CLI reads
//! files and reports.

mod build;
mod error;
mod finding;
mod group;
mod into;
mod kev;
mod read;
mod sniff;

pub use build::{BuildOptions, DEFAULT_PLAN, document as build_document};
pub use error::{ScanError, ScanErrorKind};
pub use finding::{
    Asset, Cvss, Detector, Finding, FindingKind, Scan, ScanFormat, Severity, Undecided,
};
pub use group::{Grouping, Weakness, group};
pub use into::{Imported, IntoOptions, import_into};
pub use kev::{Catalog, KevEntry};
pub use read::{read, read_as, read_from};
pub use sniff::sniff;
