//! Document order: diagnostics are sorted by where their pointer lands in the document
//! (member order as written, array index), then by rule id.

use std::collections::HashMap;

use serde_json::Value;

use crate::diagnostic::Diagnostic;

/// The position of `pointer` in `tree` as a list of ordinals. A segment that is not there
/// (a missing member) sorts after its existing siblings.
pub(crate) fn key(tree: &Value, pointer: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut cur = Some(tree);
    for seg in pointer.split('/').skip(1) {
        let Some(v) = cur else {
            out.push(usize::MAX);
            break;
        };
        let seg = if seg.contains('~') {
            std::borrow::Cow::Owned(seg.replace("~1", "/").replace("~0", "~"))
        } else {
            std::borrow::Cow::Borrowed(seg)
        };
        match v {
            Value::Object(o) => {
                if let Some(i) = o.iter().position(|(k, _)| *k == seg) {
                    out.push(i);
                    cur = o.get(seg.as_ref());
                } else {
                    out.push(usize::MAX);
                    cur = None;
                }
            }
            Value::Array(a) => {
                if let Ok(i) = seg.parse::<usize>() {
                    out.push(i);
                    cur = a.get(i);
                } else {
                    out.push(usize::MAX);
                    cur = None;
                }
            }
            _ => {
                out.push(usize::MAX);
                cur = None;
            }
        }
    }
    out
}

/// Where pointers fall in a document.
pub(crate) enum DocumentOrder<'t> {
    /// By [`key`] in the document's JSON tree.
    Tree(&'t Value),
    /// By the byte offsets of [`poam_io::locate::json_document_order`] in its JSON text,
    /// which sort as [`key`] in the tree of that text does (a pointer past what is there
    /// after everything in its nearest existing ancestor, before what follows it).
    Offsets(HashMap<String, usize>),
}

impl DocumentOrder<'_> {
    /// The order of `diags` in JSON `text`, found in one scan of the text (none when there
    /// is nothing to order).
    pub(crate) fn of_json_text(text: &str, diags: &[Diagnostic]) -> Self {
        if diags.len() < 2 {
            return DocumentOrder::Offsets(HashMap::new());
        }
        DocumentOrder::Offsets(poam_io::locate::json_document_order(
            text,
            diags.iter().map(|d| d.pointer.as_str()),
        ))
    }

    fn key(&self, pointer: &str) -> Vec<usize> {
        match self {
            DocumentOrder::Tree(tree) => key(tree, pointer),
            DocumentOrder::Offsets(at) => vec![at.get(pointer).copied().unwrap_or(usize::MAX)],
        }
    }
}

/// Sorts in document order, then by rule id and message, and drops exact repeats (the same
/// rule at the same place, e.g. a datatype seen by two passes). The note that later checks
/// were skipped sums up the run, so it comes last.
pub(crate) fn sort(diags: &mut Vec<Diagnostic>, tree: &Value) {
    sort_in(diags, &DocumentOrder::Tree(tree));
}

/// [`sort`], in the document order `order`.
pub(crate) fn sort_in(diags: &mut Vec<Diagnostic>, order: &DocumentOrder<'_>) {
    let mut keyed: Vec<(Vec<usize>, Diagnostic)> = diags
        .drain(..)
        .map(|d| {
            let k = if d.rule == crate::rules::CHECKS_SKIPPED.id {
                vec![usize::MAX; 2]
            } else {
                order.key(&d.pointer)
            };
            (k, d)
        })
        .collect();
    keyed.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| a.1.rule.cmp(b.1.rule))
            .then_with(|| a.1.message.cmp(&b.1.message))
    });
    keyed.dedup_by(|a, b| {
        a.1.rule == b.1.rule && a.1.pointer == b.1.pointer && a.1.message == b.1.message
    });
    // The metaschema states some constraints twice under two ids (e.g. the uniqueness of
    // document ids): one diagnostic, naming both.
    let mut out: Vec<Diagnostic> = Vec::with_capacity(keyed.len());
    for (_, d) in keyed {
        if let Some(prev) = out.last_mut()
            && prev.rule == d.rule
            && prev.pointer == d.pointer
            && let (Some((stem_a, ids_a)), Some((stem_b, ids_b))) =
                (split_ids(&prev.message), split_ids(&d.message))
            && stem_a == stem_b
        {
            prev.message = format!("{stem_a} [{ids_a}, {ids_b}]");
            continue;
        }
        out.push(d);
    }
    diags.extend(out);
}

/// A constraint diagnostic's message without its trailing `[constraint-id]`, and the id.
fn split_ids(message: &str) -> Option<(&str, &str)> {
    let inner = message.strip_suffix(']')?;
    let i = inner.rfind(" [")?;
    Some((&inner[..i], &inner[i + 2..]))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::rules;

    #[test]
    fn written_order_not_alphabetical() {
        let tree: Value =
            serde_json::from_str(r#"{"r": {"z": 1, "a": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}}"#)
                .unwrap();
        let mut d: Vec<Diagnostic> = ["/r/a/10", "/r/a/2", "/r/z", "/r", "/r/missing"]
            .iter()
            .map(|p| Diagnostic::new(&rules::DATATYPE, *p, "x"))
            .collect();
        let mut by_text = d.clone();
        sort(&mut d, &tree);
        let order: Vec<&str> = d.iter().map(|d| d.pointer.as_str()).collect();
        assert_eq!(order, ["/r", "/r/z", "/r/a/2", "/r/a/10", "/r/missing"]);
        let text = serde_json::to_string(&tree).unwrap();
        let order = DocumentOrder::of_json_text(&text, &by_text);
        sort_in(&mut by_text, &order);
        assert_eq!(by_text, d);
    }
}
