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
        ScanFormat::Sarif => sarif::read(json::Input::Bytes(bytes)),
        ScanFormat::NessusCsv => nessus_csv::read(bytes),
        ScanFormat::Trivy => trivy::read(json::Input::Bytes(bytes)),
        ScanFormat::Grype => grype::read(json::Input::Bytes(bytes)),
        ScanFormat::Xccdf => xccdf::read(Box::new(bytes)),
        ScanFormat::Inspector => inspector::read(json::Input::Bytes(bytes)),
    }?;
    scan.format = Some(format);
    Ok(scan)
}

/// How much of a stream is read to recognize its format (an XML root comes early).
const HEAD: usize = 1 << 16;

/// Reads a scan from a stream (a file), in the format its content shows. The XML and JSON
/// formats are parsed as the bytes arrive, so a 500 MB scan is never in memory; a Nessus
/// CSV export is read whole first.
pub fn read_from<'a>(mut input: impl BufRead + 'a) -> Result<Scan, ScanError> {
    let mut head = Vec::with_capacity(HEAD);
    (&mut input)
        .take(HEAD as u64)
        .read_to_end(&mut head)
        .map_err(|e| unreadable(&e))?;
    let whole = head.len() < HEAD;
    let format = match crate::sniff::sniff(&head) {
        Ok(format) => format,
        // A JSON document's telling member can come after the first 64 KiB.
        Err(_) if !whole && crate::sniff::trimmed(&head).first() != Some(&b'<') => {
            input.read_to_end(&mut head).map_err(|e| unreadable(&e))?;
            return read(&head);
        }
        Err(e) => return Err(e),
    };
    let stream = std::io::Cursor::new(head).chain(input);
    let mut scan = match format {
        ScanFormat::NessusXml => nessus::read(Box::new(stream)),
        ScanFormat::Xccdf => xccdf::read(Box::new(stream)),
        ScanFormat::Sarif => sarif::read(json::Input::stream(stream)),
        ScanFormat::Trivy => trivy::read(json::Input::stream(stream)),
        ScanFormat::Grype => grype::read(json::Input::stream(stream)),
        ScanFormat::Inspector => inspector::read(json::Input::stream(stream)),
        ScanFormat::NessusCsv => {
            let mut bytes = Vec::new();
            { stream }
                .read_to_end(&mut bytes)
                .map_err(|e| unreadable(&e))?;
            read_as(&bytes, format)
        }
    }?;
    scan.format = Some(format);
    Ok(scan)
}

fn unreadable(e: &std::io::Error) -> ScanError {
    ScanError::new(
        ScanErrorKind::Unsupported,
        None,
        format!("cannot read the file: {e}"),
    )
}
