//! One reader per scan format, each producing a [`Scan`]; [`read`] picks the reader by the
//! content ([`crate::sniff()`]).

mod grype;
mod inspector;
pub(crate) mod json;
mod nessus;
mod nessus_csv;
mod sarif;
mod trivy;
mod xccdf;
pub(crate) mod xml;

use crate::error::ScanError;
use crate::finding::{Scan, ScanFormat};

/// Reads a scan file's bytes, in the format its content shows.
pub fn read(bytes: &[u8]) -> Result<Scan, ScanError> {
    let format = crate::sniff::sniff(bytes)?;
    read_as(bytes, format)
}

/// Reads a scan file's bytes as `format`.
pub fn read_as(bytes: &[u8], format: ScanFormat) -> Result<Scan, ScanError> {
    let mut scan = match format {
        ScanFormat::NessusXml => nessus::read(bytes),
        ScanFormat::Sarif => sarif::read(bytes),
        ScanFormat::NessusCsv => nessus_csv::read(bytes),
        ScanFormat::Trivy => trivy::read(bytes),
        ScanFormat::Grype => grype::read(bytes),
        ScanFormat::Xccdf => xccdf::read(bytes),
        ScanFormat::Inspector => inspector::read(bytes),
    }?;
    scan.format = Some(format);
    Ok(scan)
}
