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

use std::io::{BufRead, Read};

use crate::error::{ScanError, ScanErrorKind};
use crate::finding::{Scan, ScanFormat};

/// Reads a scan file's bytes, in the format its content shows.
pub fn read(bytes: &[u8]) -> Result<Scan, ScanError> {
    let format = crate::sniff::sniff(bytes)?;
    read_as(bytes, format)
}

/// Reads a scan file's bytes as `format`.
pub fn read_as(bytes: &[u8], format: ScanFormat) -> Result<Scan, ScanError> {
    let mut scan = match format {
        ScanFormat::NessusXml => nessus::read(Box::new(bytes)),
        ScanFormat::Sarif => sarif::read(bytes),
        ScanFormat::NessusCsv => nessus_csv::read(bytes),
        ScanFormat::Trivy => trivy::read(bytes),
        ScanFormat::Grype => grype::read(bytes),
        ScanFormat::Xccdf => xccdf::read(Box::new(bytes)),
        ScanFormat::Inspector => inspector::read(bytes),
    }?;
    scan.format = Some(format);
    Ok(scan)
}

/// How much of a stream is read to recognize its format (an XML root comes early).
const HEAD: usize = 1 << 16;

/// Reads a scan from a stream (a file), in the format its content shows. The XML formats
/// (Nessus, XCCDF) are parsed as the bytes arrive, so a 500 MB `.nessus` file is never in
/// memory; the JSON and CSV formats are read whole first.
pub fn read_from(mut input: impl BufRead) -> Result<Scan, ScanError> {
    let mut head = Vec::with_capacity(HEAD);
    (&mut input)
        .take(HEAD as u64)
        .read_to_end(&mut head)
        .map_err(|e| unreadable(&e))?;
    if crate::sniff::trimmed(&head).first() == Some(&b'<') {
        let format = crate::sniff::sniff(&head)?;
        let stream = Box::new(std::io::Cursor::new(head).chain(input));
        let mut scan = match format {
            ScanFormat::Xccdf => xccdf::read(stream),
            _ => nessus::read(stream),
        }?;
        scan.format = Some(format);
        return Ok(scan);
    }
    input.read_to_end(&mut head).map_err(|e| unreadable(&e))?;
    read(&head)
}

fn unreadable(e: &std::io::Error) -> ScanError {
    ScanError::new(
        ScanErrorKind::Unsupported,
        None,
        format!("cannot read the file: {e}"),
    )
}
