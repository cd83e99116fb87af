//! OSCAL JSON through serde, with the JSON pointer of any error.

use poam_model::Document;

use crate::SourceName;
use crate::error::{ErrorKind, Position, ReadError, WriteError};

pub(crate) fn read(text: &str, name: &SourceName) -> Result<Document, ReadError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let doc: Document = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let pointer = pointer_of(e.path());
        let inner = e.into_inner();
        from_json_error(&inner, name).with_pointer(pointer)
    })?;
    de.end().map_err(|e| from_json_error(&e, name))?;
    Ok(doc)
}

pub(crate) fn from_json_error(e: &serde_json::Error, name: &SourceName) -> ReadError {
    use serde_json::error::Category;
    let kind = match e.classify() {
        Category::Io => ErrorKind::Io,
        Category::Syntax | Category::Eof => ErrorKind::Syntax,
        Category::Data => ErrorKind::Structure,
    };
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let mut message = full.strip_suffix(&suffix).unwrap_or(&full).to_owned();
    let kind = if message.contains("recursion limit exceeded") {
        message = "nested too deeply (more than 128 levels)".into();
        ErrorKind::Limit
    } else {
        kind
    };
    let err = ReadError::new(name, kind, message);
    if e.line() == 0 {
        err
    } else {
        err.at(Position {
            line: e.line(),
            column: e.column().max(1),
        })
    }
}

/// serde_path_to_error's path as an RFC 6901 JSON pointer.
pub(crate) fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => {
                out.push('/');
                out.push_str(&index.to_string());
            }
            Segment::Map { key } => {
                out.push('/');
                out.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    out
}

pub(crate) fn write(doc: &Document) -> Result<Vec<u8>, WriteError> {
    let mut out = Vec::with_capacity(1 << 16);
    serde_json::to_writer_pretty(&mut out, doc).map_err(|e| WriteError::Json(e.to_string()))?;
    out.push(b'\n');
    Ok(out)
}
