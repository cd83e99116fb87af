//! Finding POA&M documents, reading them, converting them and comparing models.

use std::path::{Path, PathBuf};

use poam_io::{Document, ErrorKind, Format, SourceName, WriteError};
use serde_json::Value as Json;

/// A POA&M file found on disk.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    /// The path shown in tables (relative to the directory searched).
    pub name: String,
    pub format: Format,
}

/// Every POA&M (`.json`, `.yaml`, `.yml`, `.xml` mentioning `plan-of-action-and-milestones`)
/// under `dir`, sorted by name.
pub fn discover(dir: &Path) -> Result<Vec<Source>, String> {
    let mut out = Vec::new();
    for path in crate::files::files_under(dir, |p| Format::from_path(p).is_some())? {
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        if !contains(&bytes, b"plan-of-action-and-milestones") {
            continue;
        }
        let Some(format) = Format::from_path(&path) else {
            continue;
        };
        let name = path
            .strip_prefix(dir)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        out.push(Source { path, name, format });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A document read, or why not.
#[derive(Debug)]
pub enum Loaded {
    Doc(Box<Document>),
    /// `poam` does not support this format (yet); the text says which.
    NotSupported(String),
    Error(String),
}

impl Loaded {
    /// The same, with the document's `$schema` directive removed.
    pub fn without_schema(self) -> Self {
        match self {
            Loaded::Doc(mut doc) => {
                doc.schema = None;
                Loaded::Doc(doc)
            }
            other => other,
        }
    }
}

/// Reads a source file in its own format.
pub fn load(source: &Source) -> Loaded {
    let name = SourceName(source.name.clone());
    let bytes = match std::fs::read(&source.path) {
        Ok(b) => b,
        Err(e) => return Loaded::Error(format!("{}: {e}", source.path.display())),
    };
    match poam_io::read(&bytes, &name, Some(source.format)) {
        Ok(doc) => Loaded::Doc(Box::new(doc)),
        Err(e) if e.kind == ErrorKind::Unsupported => {
            Loaded::NotSupported(format!("{} not supported", upper(source.format)))
        }
        Err(e) => Loaded::Error(e.to_string()),
    }
}

/// Writes `doc` as `format` and reads the result back.
pub fn through(doc: &Document, format: Format) -> Loaded {
    let bytes = match write(doc, format) {
        Ok(Some(b)) => b,
        Ok(None) => return Loaded::NotSupported(format!("{} not supported", upper(format))),
        Err(e) => return Loaded::Error(e),
    };
    let name = SourceName(format!("<written {format}>"));
    match poam_io::read(&bytes, &name, Some(format)) {
        Ok(doc) => Loaded::Doc(Box::new(doc)),
        Err(e) if e.kind == ErrorKind::Unsupported => {
            Loaded::NotSupported(format!("{} not supported", upper(format)))
        }
        Err(e) => Loaded::Error(format!("reading back: {e}")),
    }
}

/// `doc` as `format`; `None` while `poam` cannot write that format.
pub fn write(doc: &Document, format: Format) -> Result<Option<Vec<u8>>, String> {
    match poam_io::write(doc, format) {
        Ok(b) => Ok(Some(b)),
        Err(WriteError::Unsupported(_)) => Ok(None),
        Err(e) => Err(format!("writing {format}: {e}")),
    }
}

pub fn upper(format: Format) -> String {
    format.name().to_ascii_uppercase()
}

/// `None` when the models are equal, else the JSON pointer of the first difference.
pub fn difference(expected: &Document, actual: &Document) -> Option<String> {
    if expected == actual {
        return None;
    }
    Some(match differences(expected, actual, 1).into_iter().next() {
        Some(d) if d.pointer.is_empty() => "/".to_owned(),
        Some(d) => d.pointer,
        None => tree_difference(expected, actual),
    })
}

/// Where two models whose JSON is the same differ: a markup value whose trees differ though
/// they write the same Markdown.
fn tree_difference(a: &Document, b: &Document) -> String {
    value_difference(a, b, &[])
        .unwrap_or_else(|| "(models differ, but their JSON and values are the same)".to_owned())
}

/// The first scalar value (in walk order) that differs between the models, compared as typed
/// values (so markup trees, not their Markdown), skipping the pointers in `skip`.
pub fn value_difference(a: &Document, b: &Document, skip: &[&str]) -> Option<String> {
    use poam_model::walk::{Path, Value, Visitor, Walk};
    #[derive(Default)]
    struct Values(Vec<(String, String)>);
    impl Visitor for Values {
        fn value(&mut self, path: &Path, value: Value<'_>) {
            self.0.push((path.to_string(), format!("{value:?}")));
        }
    }
    let collect = |doc: &Document| {
        let mut v = Values::default();
        doc.plan_of_action_and_milestones
            .walk(&mut Path::root(), &mut v);
        v.0
    };
    let (x, y) = (collect(a), collect(b));
    let shorten = |s: &str| -> String {
        if s.chars().count() > 120 {
            s.chars().take(117).collect::<String>() + "..."
        } else {
            s.to_owned()
        }
    };
    let found = x
        .iter()
        .zip(&y)
        .find(|(p, q)| p != q && !skip.contains(&p.0.as_str()));
    match found {
        Some(((pointer, before), (other, after))) if pointer == other => Some(format!(
            "{pointer} (different values: {} vs {})",
            shorten(before),
            shorten(after)
        )),
        Some(((pointer, _), _)) => Some(pointer.clone()),
        None if x.len() != y.len() => Some("(one model has more values)".to_owned()),
        None => None,
    }
}

/// One place where two models differ, with the values there (as JSON) when both have one.
pub struct Difference {
    pub pointer: String,
    pub values: Option<(Json, Json)>,
}

/// Up to `limit` places where the models differ, in document order.
pub fn differences(a: &Document, b: &Document, limit: usize) -> Vec<Difference> {
    let (Ok(a), Ok(b)) = (serde_json::to_value(a), serde_json::to_value(b)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    collect_differences(&a, &b, &mut String::new(), &mut out, limit);
    out
}

fn collect_differences(
    a: &Json,
    b: &Json,
    at: &mut String,
    out: &mut Vec<Difference>,
    limit: usize,
) {
    if out.len() >= limit || a == b {
        return;
    }
    let descend = |at: &mut String,
                   key: &str,
                   x: Option<&Json>,
                   y: Option<&Json>,
                   out: &mut Vec<Difference>| {
        let len = at.len();
        at.push('/');
        at.push_str(key);
        match (x, y) {
            (Some(x), Some(y)) => collect_differences(x, y, at, out, limit),
            _ => out.push(Difference {
                pointer: at.clone(),
                values: None,
            }),
        }
        at.truncate(len);
    };
    match (a, b) {
        (Json::Object(x), Json::Object(y)) => {
            for key in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                if out.len() >= limit {
                    return;
                }
                descend(at, key, x.get(key), y.get(key), out);
            }
        }
        (Json::Array(x), Json::Array(y)) => {
            for i in 0..x.len().max(y.len()) {
                if out.len() >= limit {
                    return;
                }
                descend(at, &i.to_string(), x.get(i), y.get(i), out);
            }
        }
        _ => out.push(Difference {
            pointer: at.clone(),
            values: Some((a.clone(), b.clone())),
        }),
    }
}

/// The declared `oscal-version` as (major, minor), when it is a version number.
pub fn declared_minor(doc: &Document) -> Option<(u64, u64)> {
    doc.declared_version().numbers.map(|(a, b, _)| (a, b))
}
