//! From JSON pointers back to lines and columns in the source text.
//!
//! Checks that run on the typed model (datatypes, constraints, references) know where a
//! value sits as a JSON pointer; people want `file:line:column`. [`locate_all`] scans the
//! original text once for all the pointers a run needs (a file with a million findings
//! costs one pass, not a million), and [`LineIndex`] turns byte offsets into positions and
//! back in time independent of the line's length, so that a one-line (minified) document
//! costs no more than a pretty-printed one.

use std::collections::{HashMap, HashSet};

use crate::Format;
use crate::error::Position;

mod json_scan;
mod lines;

pub use lines::LineIndex;

/// The position of the value at `pointer` (RFC 6901) in `text`, or of the nearest existing
/// ancestor when the pointer goes past what is there (a missing member is reported at its
/// parent). For many pointers, [`locate_all`] scans the text once.
pub fn locate(text: &str, format: Format, pointer: &str) -> Option<Position> {
    locate_all(text, format, [pointer]).remove(pointer)
}

/// The position of each of `pointers` in `text` (as [`locate`] gives it); a pointer with no
/// place (it leaves the document at its root) is absent. JSON and YAML are scanned once for
/// all the pointers; XML is walked with the generated element table (`xml/locate.rs`)
/// pointer by pointer.
pub fn locate_all<'p>(
    text: &str,
    format: Format,
    pointers: impl IntoIterator<Item = &'p str>,
) -> HashMap<String, Position> {
    let wanted: HashSet<&str> = pointers.into_iter().collect();
    match format {
        Format::Json => {
            let offsets = json_scan::offsets(text, &wanted);
            let lines = LineIndex::new(text);
            offsets
                .into_iter()
                .map(|(p, o)| (p, lines.position(o)))
                .collect()
        }
        Format::Yaml => yaml(text, &wanted),
        Format::Xml => wanted
            .into_iter()
            .filter_map(|p| Some((p.to_owned(), crate::xml::locate(text, p)?)))
            .collect(),
    }
}

/// Where each of `pointers` falls in JSON `text`, as a byte offset that sorts them in
/// document order (members as written, then array index), in one scan: the first byte of
/// the value at the pointer, or for a pointer past what is there (a missing member) the byte
/// just past its nearest existing ancestor, after everything in it and before what follows
/// it. A pointer the text has no ancestor of is absent.
pub fn json_document_order<'p>(
    text: &str,
    pointers: impl IntoIterator<Item = &'p str>,
) -> HashMap<String, usize> {
    let wanted: HashSet<&str> = pointers.into_iter().collect();
    let found = json_scan::spans(text, &wanted);
    wanted
        .into_iter()
        .filter_map(|p| {
            let at = match found.get(p) {
                Some(span) => span.start,
                None => with_ancestors(p).skip(1).find_map(|q| found.get(q))?.end,
            };
            Some((p.to_owned(), at))
        })
        .collect()
}

/// `pointer` and each of its ancestors, up to the root `""`: the places a pointer may
/// fall back to.
fn with_ancestors(pointer: &str) -> impl Iterator<Item = &str> {
    let mut next = Some(pointer);
    std::iter::from_fn(move || {
        let p = next?;
        next = p.rfind('/').map(|i| &p[..i]);
        Some(p)
    })
}

/// For each wanted pointer, the place of itself or of its nearest ancestor in `found`.
fn nearest<T: Copy>(wanted: &HashSet<&str>, found: &HashMap<String, T>) -> HashMap<String, T> {
    wanted
        .iter()
        .filter_map(|p| {
            let place = with_ancestors(p).find_map(|q| found.get(q))?;
            Some(((*p).to_owned(), *place))
        })
        .collect()
}

/// One pass of the YAML parser's events, recording the position of every node whose
/// pointer is wanted (or is an ancestor of one that is).
fn yaml(text: &str, wanted: &HashSet<&str>) -> HashMap<String, Position> {
    use serde_saphyr::granit_parser::{Event, Parser};
    enum Frame {
        Map {
            key: Option<String>,
            expecting_key: bool,
        },
        Seq {
            index: usize,
        },
    }
    fn advance(stack: &mut [Frame]) {
        match stack.last_mut() {
            Some(Frame::Map { expecting_key, .. }) => *expecting_key = true,
            Some(Frame::Seq { index }) => *index += 1,
            None => {}
        }
    }
    let all: HashSet<&str> = wanted.iter().flat_map(|p| with_ancestors(p)).collect();
    let mut found: HashMap<String, Position> = HashMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut pointer = String::new();
    for ev in Parser::new_from_str(text) {
        let Ok((ev, span)) = ev else { break };
        let is_node = matches!(
            ev,
            Event::Scalar(..)
                | Event::SequenceStart(..)
                | Event::MappingStart(..)
                | Event::Alias(..)
        );
        if is_node {
            // Is this node a key in a mapping?
            if let Some(Frame::Map {
                expecting_key: expecting @ true,
                key,
            }) = stack.last_mut()
            {
                *expecting = false;
                if let Event::Scalar(v, ..) = &ev {
                    *key = Some(v.to_string());
                }
                if let Event::MappingStart(..) | Event::SequenceStart(..) = ev {
                    // complex keys: not in OSCAL; treat as opaque
                    stack.push(Frame::Seq { index: 0 });
                }
                continue;
            }
            pointer.clear();
            for f in &stack {
                pointer.push('/');
                match f {
                    Frame::Map { key, .. } => {
                        let key = key.as_deref().unwrap_or_default();
                        pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                    }
                    Frame::Seq { index } => pointer.push_str(&index.to_string()),
                }
            }
            if all.contains(pointer.as_str()) {
                let at = Position {
                    line: span.start.line(),
                    column: span.start.col() + 1,
                };
                found.insert(pointer.clone(), at);
            }
            match ev {
                Event::MappingStart(..) => stack.push(Frame::Map {
                    key: None,
                    expecting_key: true,
                }),
                Event::SequenceStart(..) => stack.push(Frame::Seq { index: 0 }),
                _ => advance(&mut stack),
            }
        } else if matches!(ev, Event::MappingEnd | Event::SequenceEnd) {
            stack.pop();
            advance(&mut stack);
        }
    }
    nearest(wanted, &found)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn many_pointers_in_one_pass_agree_with_one_at_a_time() {
        let json = r#"{"plan-of-action-and-milestones": {"uuid": "x", "poam-items": [{"title": "t"}, {"title": "u", "related-risks": [{"risk-uuid": "r"}]}]}, "d~/e": true}"#;
        let yaml = "a:\n  b:\n    - 1\n    - c: x\n      e: y\nd~/e: true\n";
        let cases: [(&str, Format, &[&str]); 2] = [
            (
                json,
                Format::Json,
                &[
                    "/plan-of-action-and-milestones/poam-items/1/related-risks/0/risk-uuid",
                    "/plan-of-action-and-milestones/uuid",
                    "/plan-of-action-and-milestones/poam-items/0",
                    "/plan-of-action-and-milestones/poam-items/0/missing",
                    "/d~0~1e",
                    "",
                ],
            ),
            (
                yaml,
                Format::Yaml,
                &["/a/b/1/c", "/a/b/1/e", "/a/b/0", "/a/zz", "/d~0~1e", ""],
            ),
        ];
        for (text, format, pointers) in cases {
            let all = locate_all(text, format, pointers.iter().copied());
            assert_eq!(all.len(), pointers.len(), "{format:?}: {all:?}");
            for p in pointers {
                assert_eq!(all.get(*p).copied(), locate(text, format, p), "{p}");
            }
        }
        assert_eq!(
            locate(json, Format::Json, "/d~0~1e"),
            Some(Position {
                line: 1,
                column: 145
            })
        );
        assert_eq!(
            locate(yaml, Format::Yaml, "/d~0~1e"),
            Some(Position { line: 6, column: 7 })
        );
    }

    #[test]
    fn document_order_puts_a_missing_member_after_its_parents_content() {
        let text = r#"{"a": {"z": 1, "b": [10, {"c": "x"}]}, "d": true}"#;
        let order = json_document_order(
            text,
            [
                "",
                "/a",
                "/a/z",
                "/a/b/1/c",
                "/a/missing",
                "/a/b/7",
                "/d",
                "/d/x",
            ],
        );
        let mut pointers: Vec<&str> = order.keys().map(String::as_str).collect();
        pointers.sort_by_key(|p| (order[*p], *p));
        assert_eq!(
            pointers,
            [
                "",
                "/a",
                "/a/z",
                "/a/b/1/c",
                "/a/b/7",
                "/a/missing",
                "/d",
                "/d/x"
            ]
        );
        assert_eq!(order["/a/missing"], order["/d"] - 7);
    }

    #[test]
    fn json_pointer_to_position() {
        let text = "{\n  \"a\": {\n    \"b\": [1, {\"c\": \"x\"}]\n  },\n  \"d\": true\n}\n";
        assert_eq!(
            locate(text, Format::Json, "/a/b/1/c"),
            Some(Position {
                line: 3,
                column: 20
            })
        );
        assert_eq!(
            locate(text, Format::Json, "/d"),
            Some(Position { line: 5, column: 8 })
        );
        // a missing member is reported at its parent
        assert_eq!(
            locate(text, Format::Json, "/a/zz"),
            Some(Position { line: 2, column: 8 })
        );
    }

    #[test]
    fn yaml_pointer_to_position() {
        let text = "a:\n  b:\n    - 1\n    - c: x\n      e: y\nd: true\n";
        assert_eq!(
            locate(text, Format::Yaml, "/a/b/1/c"),
            Some(Position {
                line: 4,
                column: 10
            })
        );
        assert_eq!(
            locate(text, Format::Yaml, "/a/b/1/e"),
            Some(Position {
                line: 5,
                column: 10
            })
        );
        assert_eq!(
            locate(text, Format::Yaml, "/d"),
            Some(Position { line: 6, column: 4 })
        );
    }
}
