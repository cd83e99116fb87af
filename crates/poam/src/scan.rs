//! Scanner results as POA&M items: Nessus (`.nessus` and CSV), SARIF 2.1.0, Trivy, Grype,
//! XCCDF results and Amazon Inspector v2.
//!
//! [`read`] recognizes a scan by its content and reads it into a [`Scan`] of [`Finding`]s;
//! [`group`] makes weaknesses of findings; [`build_document`] makes a new POA&M of them, and
//! [`import_into`] merges them into an existing one (through [`crate::cycle::merge`]).

pub use poam_import::{
    Asset, Cvss, Detector, Finding, FindingKind, Scan, ScanError, ScanErrorKind, ScanFormat,
    Severity,
};
pub use poam_import::{
    BuildOptions, Catalog, DEFAULT_PLAN, Grouping, Imported, IntoOptions, KevEntry, Weakness,
    build_document, group, import_into, read, read_as, read_from, sniff,
};
