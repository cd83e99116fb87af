//! Scanner results as POA&M items: Nessus (`.nessus` and CSV), SARIF 2.1.0, Trivy, Grype,
//! XCCDF results and Amazon Inspector v2.
//!
//! [`read`] recognizes a scan by its content and reads it into a [`Scan`] of [`Finding`]s;
//! [`group`] makes weaknesses of findings; [`build_document`] makes a new POA&M of them, and
//! [`import_into`] merges them into an existing one (through [`crate::cycle::merge`]).

pub use poam_import::build::{BuildOptions, DEFAULT_PLAN, document as build_document};
pub use poam_import::group::{Grouping, Weakness, group};
pub use poam_import::into::{Imported, IntoOptions, import_into};
pub use poam_import::kev::{Catalog, KevEntry};
pub use poam_import::{
    Asset, Detector, Finding, FindingKind, Scan, ScanError, ScanErrorKind, ScanFormat, Severity,
};
// The functions only (`read` and `sniff` are modules of `poam_import` too).
pub use poam_import::read::{read, read_as, read_from};
pub use poam_import::sniff::sniff;
