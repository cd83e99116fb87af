//! OSCAL YAML. Reading follows YAML 1.2 scalar rules by deserializing into the typed model:
//! `value: yes` is the string "yes" wherever the model wants a string. Writing quotes every
//! string a YAML 1.1 reader would take for something else (`"yes"`, `"on"`, `"1.0"`, `"~"`).

use poam_model::Document;

use crate::SourceName;
use crate::error::{ErrorKind, Position, ReadError, WriteError};
use crate::json::pointer_of;

pub(crate) fn read(text: &str, name: &SourceName) -> Result<Document, ReadError> {
    let mut pointer = String::new();
    let mut options = serde_saphyr::Options::default();
    options.with_snippet = false;
    let result = serde_saphyr::with_deserializer_from_str_with_options(text, options, |de| {
        serde_path_to_error::deserialize(de).map_err(|e| {
            pointer = pointer_of(e.path());
            e.into_inner()
        })
    });
    result.map_err(|e| {
        let full = e.to_string();
        let message = clean_message(&full);
        let lower = message.to_ascii_lowercase();
        let kind = if lower.contains("budget") || lower.contains("depth") || lower.contains("limit")
        {
            ErrorKind::Limit
        } else if lower.contains("unknown field")
            || lower.contains("missing field")
            || lower.contains("invalid type")
            || lower.contains("invalid value")
            || lower.contains("duplicate field")
            || lower.contains("this is an oscal")
            || lower.contains("expected")
        {
            ErrorKind::Structure
        } else {
            ErrorKind::Syntax
        };
        let mut err = ReadError::new(name, kind, message).with_pointer(pointer.clone());
        if let Some(loc) = e.location() {
            if loc.line() > 0 {
                let line = usize::try_from(loc.line()).unwrap_or(usize::MAX);
                let column = usize::try_from(loc.column()).unwrap_or(usize::MAX).max(1);
                err = err.at(Position { line, column });
            }
        }
        err
    })
}

/// serde-saphyr's message without its `error: line L column C: ` prefix.
fn clean_message(full: &str) -> String {
    let first = full.lines().next().unwrap_or(full);
    let s = first.strip_prefix("error: ").unwrap_or(first);
    let s = match s.strip_prefix("line ") {
        Some(rest) => rest.split_once(": ").map_or(s, |(_, m)| m),
        None => s,
    };
    // Some messages repeat the position at their end.
    match s.rfind(" at line ") {
        Some(i) if s[i..].contains(", column ") => s[..i].to_owned(),
        _ => s.to_owned(),
    }
}

pub(crate) fn write(doc: &Document) -> Result<Vec<u8>, WriteError> {
    let text = serde_saphyr::to_string(doc).map_err(|e| WriteError::Yaml(e.to_string()))?;
    Ok(text.into_bytes())
}
