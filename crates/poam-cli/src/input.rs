//! Reading inputs for any subcommand: files or stdin, in any format, with the datatype check
//! and located messages.

use std::io::Read;
use std::path::Path;

use poam_io::{Format, ReadError, SourceName};
use poam_model::Document;

/// A document read from a file or stdin, with its text kept for locating later diagnostics.
#[allow(
    dead_code,
    reason = "`format` and `text` are for the subcommands that report on the input's text"
)]
pub struct Loaded {
    pub name: SourceName,
    pub format: Format,
    pub text: String,
    pub doc: Document,
}

/// Reads `path` (`-` = stdin). Structural and datatype errors are all reported, each with
/// `file:line:column` and its JSON pointer.
pub fn load(path: &Path, format: Option<Format>) -> Result<Loaded, Vec<ReadError>> {
    let (name, bytes) = if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf).map_err(|e| {
            vec![ReadError::new(
                &SourceName::stdin(),
                poam_io::ErrorKind::Io,
                e.to_string(),
            )]
        })?;
        (SourceName::stdin(), buf)
    } else {
        let name = SourceName::path(path);
        let bytes = std::fs::read(path)
            .map_err(|e| vec![ReadError::new(&name, poam_io::ErrorKind::Io, e.to_string())])?;
        (name, bytes)
    };
    let format = format.or_else(|| Format::from_path(path));
    let doc = poam_io::read(&bytes, &name, format).map_err(|e| vec![e])?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let format = format
        .or_else(|| Format::sniff(&text))
        .unwrap_or(Format::Json);
    let errors: Vec<ReadError> = poam_model::check::datatype_errors(&doc)
        .into_iter()
        .map(|e| {
            let pointer = e.path.to_string();
            let mut r = ReadError::new(&name, poam_io::ErrorKind::Datatype, datatype_message(&e))
                .with_pointer(pointer.clone());
            if let Some(p) = poam_io::locate::locate(&text, format, &pointer) {
                r = r.at(p);
            }
            r
        })
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Loaded {
        name,
        format,
        text,
        doc,
    })
}

/// `invalid uuid "not-a-uuid": is not a UUID (8-4-4-4-12 hexadecimal digits)`. Some reasons
/// start by quoting the value again; that repetition is dropped.
fn datatype_message(e: &poam_model::check::DatatypeError) -> String {
    let quoted = format!("{:?}", e.value);
    let reason = e
        .reason
        .strip_prefix(&quoted)
        .map_or(e.reason.as_str(), str::trim_start);
    format!("invalid {} {quoted}: {reason}", e.datatype)
}

/// Prints read errors, one per line, to stderr.
pub fn report(errors: &[ReadError]) {
    for e in errors {
        eprintln!("error: {e}");
    }
}
