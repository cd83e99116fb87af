//! Scanner results as POA&M items, month after month.
//!
//! A scan file's bytes are recognized by their content ([`sniff()`]) and read by one streaming
//! reader per format ([`read()`]) into the neutral [`Scan`] of [`Finding`]s: Nessus `.nessus`
//! and CSV, SARIF 2.1.0, Trivy, Grype, XCCDF results, Amazon Inspector v2. Findings are
//! grouped into weaknesses ([`group`]), rated and given deadlines by FedRAMP's rules, and
//! built into POA&M items shaped as the FedRAMP Guide maps a workbook row ([`build`]). Into
//! an existing POA&M, they go through the review-cycle merge engine of `poam-cycle`
//! ([`into`]).
//!
//! **Architecture invariant:** no I/O beyond the bytes given, and no printing: the CLI reads
//! files and reports.

pub mod build;
pub mod error;
pub mod finding;
pub mod group;
pub mod into;
pub mod kev;
pub mod read;
pub mod sniff;

pub use error::{ScanError, ScanErrorKind};
pub use finding::{Asset, Detector, Finding, FindingKind, Scan, ScanFormat, Severity, Undecided};
pub use read::{read, read_as, read_from};
pub use sniff::sniff;
