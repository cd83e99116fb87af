//! From a JSON pointer back to a line and column in the source text.
//!
//! Checks that run on the typed model (datatypes, constraints, references) know where a
//! value sits as a JSON pointer; people want `file:line:column`. These functions scan the
//! original text once more to find the pointer's place. They are used only when a
//! diagnostic is reported, so they favour simplicity over speed.

use crate::Format;
use crate::error::Position;

/// The position of the value at `pointer` (RFC 6901) in `text`, or of the nearest existing
/// ancestor when the pointer goes past what is there (a missing member is reported at its
/// parent). XML is walked with the generated element table ([`crate::xml::locate`]).
pub fn locate(text: &str, format: Format, pointer: &str) -> Option<Position> {
    let segments: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    match format {
        Format::Json => json(text, &segments).map(|o| Position::of_offset(text, o)),
        Format::Yaml => yaml(text, &segments),
        Format::Xml => crate::xml::locate(text, pointer),
    }
}

fn json(text: &str, segments: &[String]) -> Option<usize> {
    let b = text.as_bytes();
    let mut i = skip_ws(b, 0);
    let mut best = i;
    for seg in segments {
        match b.get(i)? {
            b'{' => {
                i += 1;
                loop {
                    i = skip_ws(b, i);
                    match b.get(i)? {
                        b'}' => return Some(best),
                        b',' => i += 1,
                        b'"' => {
                            let (key, after) = string(b, i)?;
                            i = skip_ws(b, after);
                            if b.get(i) != Some(&b':') {
                                return Some(best);
                            }
                            i = skip_ws(b, i + 1);
                            if key == *seg {
                                break;
                            }
                            i = skip_value(b, i)?;
                        }
                        _ => return Some(best),
                    }
                }
            }
            b'[' => {
                let want: usize = seg.parse().ok()?;
                i += 1;
                let mut n = 0;
                loop {
                    i = skip_ws(b, i);
                    match b.get(i)? {
                        b']' => return Some(best),
                        b',' => i += 1,
                        _ if n == want => break,
                        _ => {
                            i = skip_value(b, i)?;
                            n += 1;
                        }
                    }
                }
            }
            _ => return Some(best),
        }
        best = i;
    }
    Some(best)
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    i
}

/// Reads a JSON string starting at the quote; returns its (unescaped enough) text and the
/// index after the closing quote.
fn string(b: &[u8], start: usize) -> Option<(String, usize)> {
    let mut i = start + 1;
    let mut out = Vec::new();
    while let Some(&c) = b.get(i) {
        match c {
            b'"' => return Some((String::from_utf8_lossy(&out).into_owned(), i + 1)),
            b'\\' => {
                out.push(*b.get(i + 1)?);
                i += 2;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    None
}

fn skip_value(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => string(b, i).map(|(_, j)| j),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            while let Some(&c) = b.get(j) {
                match c {
                    b'"' => {
                        j = string(b, j)?.1;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            None
        }
        _ => {
            let mut j = i;
            while b
                .get(j)
                .is_some_and(|c| !matches!(c, b',' | b'}' | b']') && !c.is_ascii_whitespace())
            {
                j += 1;
            }
            Some(j)
        }
    }
}

fn yaml(text: &str, segments: &[String]) -> Option<Position> {
    use serde_saphyr::granit_parser::{Event, Parser};
    // A flat list of (depth-path, position) for every node, built from parser events.
    enum Frame {
        Map {
            key: Option<String>,
            expecting_key: bool,
        },
        Seq {
            index: usize,
        },
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let mut best: Option<(usize, Position)> = None;
    let pos = |m: &serde_saphyr::granit_parser::Span| Position {
        line: m.start.line(),
        column: m.start.col() + 1,
    };
    // Called when a node starts: computes its path and records it when it lies on the pointer.
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
                expecting_key: true,
                key,
            }) = stack.last_mut()
            {
                if let Event::Scalar(v, ..) = &ev {
                    *key = Some(v.to_string());
                }
                if let Some(Frame::Map { expecting_key, .. }) = stack.last_mut() {
                    *expecting_key = false;
                }
                if let Event::MappingStart(..) | Event::SequenceStart(..) = ev {
                    // complex keys: not in OSCAL; treat as opaque
                    stack.push(Frame::Seq { index: 0 });
                }
                continue;
            }
            path.clear();
            for f in &stack {
                match f {
                    Frame::Map { key, .. } => path.push(key.clone().unwrap_or_default()),
                    Frame::Seq { index } => path.push(index.to_string()),
                }
            }
            let matched =
                path.len() <= segments.len() && path.iter().zip(segments).all(|(a, b)| a == b);
            if matched && best.is_none_or(|(d, _)| path.len() >= d) {
                best = Some((path.len(), pos(&span)));
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
    fn advance(stack: &mut [Frame]) {
        match stack.last_mut() {
            Some(Frame::Map { expecting_key, .. }) => *expecting_key = true,
            Some(Frame::Seq { index }) => *index += 1,
            None => {}
        }
    }
    best.map(|(_, p)| p)
}

#[cfg(test)]
mod tests {
    use super::*;

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
