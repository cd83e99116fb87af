//! OSCAL JSON through serde, with the JSON pointer of any error.

use poam_model::Document;

use crate::SourceName;
use crate::error::{ErrorKind, MAX_DEPTH, Position, ReadError, WriteError, plain_words};

pub(crate) fn read(text: &str, name: &SourceName) -> Result<Document, ReadError> {
    on_parse_stack(name, || read_here(text, name))
}

fn read_here(text: &str, name: &SourceName) -> Result<Document, ReadError> {
    // Tracking the path of every value (serde_path_to_error) is only needed to say where an
    // error is, and it costs on every key and value: a good document is read untracked, and
    // only a failed read is repeated with tracking (the same input fails the same way).
    let mut de = serde_json::Deserializer::from_str(text);
    if let Ok(doc) = serde::Deserialize::deserialize(&mut de).and_then(|doc: Document| {
        de.end()?;
        Ok(doc)
    }) {
        return Ok(doc);
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let doc: Document = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let pointer = pointer_of(e.path());
        let inner = e.into_inner();
        let err = from_json_error(&inner, name).with_pointer(pointer);
        match err.position.filter(|_| is_duplicate_key(&inner)) {
            Some(at) => match duplicate_key_start(text, at) {
                Some(start) => err.at(start),
                None => err,
            },
            None => err,
        }
    })?;
    de.end().map_err(|e| from_json_error(&e, name))?;
    Ok(doc)
}

pub(crate) fn from_json_error(e: &serde_json::Error, name: &SourceName) -> ReadError {
    use serde_json::error::Category;
    let kind = match e.classify() {
        Category::Io => ErrorKind::Io,
        // A key given twice says two things: the text has no one meaning (as in YAML, where
        // it is not well-formed), so it is unreadable rather than a POA&M of the wrong shape.
        Category::Syntax | Category::Eof => ErrorKind::Syntax,
        Category::Data if is_duplicate_key(e) => ErrorKind::Syntax,
        Category::Data => ErrorKind::Structure,
    };
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let mut message = plain_words(full.strip_suffix(&suffix).unwrap_or(&full), true);
    let kind = if message.contains("recursion limit exceeded") {
        message = format!("nested too deeply (more than {MAX_DEPTH} levels)");
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

/// Whether serde's derived reader refused a key given twice in one object (serde_json has
/// no error kind for it; the message is serde's `duplicate field`).
fn is_duplicate_key(e: &serde_json::Error) -> bool {
    e.classify() == serde_json::error::Category::Data
        && e.to_string().starts_with("duplicate field")
}

/// serde_json places a duplicate key after it (at its closing quote, the column counted in
/// bytes); the place people look for, and the YAML reader's, is where the key starts.
fn duplicate_key_start(text: &str, at: Position) -> Option<Position> {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(at.line.checked_sub(1)?)
        .map(str::len)
        .sum();
    let close = line_start + at.column.checked_sub(1)?;
    let bytes = text.as_bytes();
    if bytes.get(close) != Some(&b'"') {
        return None;
    }
    let escaped = |i: usize| bytes[..i].iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1;
    let open = (0..close)
        .rev()
        .find(|&i| bytes[i] == b'"' && !escaped(i))?;
    Some(Position::of_offset(text, open))
}

/// Runs a reader on a thread with a stack of known size.
///
/// Deserialising recurses once per nesting level, up to [`MAX_DEPTH`] levels. Unoptimised
/// builds need several MiB of stack for that, more than the 2 MiB a spawned thread (a test, a
/// server's worker) gets by default; on such a thread a hostile document would overflow the
/// stack, which aborts the process instead of giving an error. A scoped thread costs some
/// microseconds per document.
pub(crate) fn on_parse_stack(
    name: &SourceName,
    read: impl FnOnce() -> Result<Document, ReadError> + Send,
) -> Result<Document, ReadError> {
    const STACK: usize = 64 << 20;
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("poam-read".into())
            .stack_size(STACK)
            .spawn_scoped(scope, read);
        match spawned {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(e) => Err(ReadError::new(
                name,
                ErrorKind::Io,
                format!("cannot start a thread to read with: {e}"),
            )),
        }
    })
}

/// serde_path_to_error's path as an RFC 6901 JSON pointer.
pub(crate) fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path {
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
