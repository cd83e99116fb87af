//! One pass over JSON text, recording the byte offsets of the values at the wanted pointers.

use std::collections::{HashMap, HashSet};

use super::{nearest, with_ancestors};

/// Where a value is in the text: its first byte and the byte just past it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Span {
    pub(super) start: usize,
    pub(super) end: usize,
}

/// The offset of each wanted pointer's value, or of its nearest ancestor's.
pub(super) fn offsets(text: &str, wanted: &HashSet<&str>) -> HashMap<String, usize> {
    let found = spans(text, wanted);
    nearest(wanted, &found)
        .into_iter()
        .map(|(p, s)| (p, s.start))
        .collect()
}

/// The span of every wanted pointer's value and of each of its ancestors, where they are in
/// the text.
pub(super) fn spans(text: &str, wanted: &HashSet<&str>) -> HashMap<String, Span> {
    let all: HashSet<&str> = wanted.iter().flat_map(|p| with_ancestors(p)).collect();
    let mut found = HashMap::new();
    let mut scan = JsonScan {
        b: text.as_bytes(),
        text,
        cur: String::new(),
        depth: 0,
        wanted: &all,
        found: &mut found,
    };
    let start = scan.ws(0);
    // A text that is not well-formed JSON still gives the places found before the fault.
    let _ = scan.value(start);
    found
}

/// The scanner's state: where it is (`cur`, a JSON pointer) and what it found.
struct JsonScan<'a> {
    b: &'a [u8],
    text: &'a str,
    cur: String,
    /// Objects and arrays open around `cur`: the scan stops past the readers' nesting limit
    /// (it recurses, and any text may be given).
    depth: usize,
    wanted: &'a HashSet<&'a str>,
    found: &'a mut HashMap<String, Span>,
}

impl JsonScan<'_> {
    fn ws(&self, mut i: usize) -> usize {
        while self.b.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        i
    }

    /// The end of the string starting at `i` (just past its closing quote).
    fn string_end(&self, mut i: usize) -> Option<usize> {
        i += 1;
        loop {
            match self.b.get(i)? {
                b'\\' => i += 2,
                b'"' => return Some(i + 1),
                _ => i += 1,
            }
        }
    }

    /// Scans the value at `i`; returns the offset just past it.
    fn value(&mut self, i: usize) -> Option<usize> {
        // `wanted` holds every ancestor of what is wanted: nothing under a value that is not
        // in it is wanted either, and it is skipped without tracking where it is.
        if !self.wanted.contains(self.cur.as_str()) {
            return self.skip(i);
        }
        self.found
            .entry(self.cur.clone())
            .or_insert(Span { start: i, end: i });
        let end = self.value_end(i);
        if let (Some(end), Some(span)) = (end, self.found.get_mut(self.cur.as_str()))
            && span.start == i
        {
            span.end = end;
        }
        end
    }

    /// The offset just past the value at `i`, found by matching brackets (no recursion, so
    /// no nesting limit is needed).
    fn skip(&self, i: usize) -> Option<usize> {
        if !matches!(self.b.get(i)?, b'{' | b'[') {
            return self.value_end_flat(i);
        }
        let mut depth = 0usize;
        let mut j = i;
        loop {
            match self.b.get(j)? {
                b'"' => j = self.string_end(j)?,
                b'{' | b'[' => {
                    depth += 1;
                    j += 1;
                }
                b'}' | b']' => {
                    depth -= 1;
                    j += 1;
                    if depth == 0 {
                        return Some(j);
                    }
                }
                _ => j += 1,
            }
        }
    }

    /// The offset just past the string, number or literal at `i`.
    fn value_end_flat(&self, i: usize) -> Option<usize> {
        if self.b.get(i)? == &b'"' {
            return self.string_end(i);
        }
        let mut j = i;
        while self
            .b
            .get(j)
            .is_some_and(|c| !matches!(c, b',' | b'}' | b']') && !c.is_ascii_whitespace())
        {
            j += 1;
        }
        Some(j)
    }

    /// Scans the value at `i` (its place recorded by [`Self::value`]).
    fn value_end(&mut self, i: usize) -> Option<usize> {
        match self.b.get(i)? {
            b'{' | b'[' if self.depth > crate::error::MAX_DEPTH => None,
            b'{' => {
                self.depth += 1;
                let end = self.object(i);
                self.depth -= 1;
                end
            }
            b'[' => {
                self.depth += 1;
                let end = self.array(i);
                self.depth -= 1;
                end
            }
            _ => self.value_end_flat(i),
        }
    }

    fn object(&mut self, i: usize) -> Option<usize> {
        let mut j = self.ws(i + 1);
        if self.b.get(j) == Some(&b'}') {
            return Some(j + 1);
        }
        loop {
            let key_end = self.string_end(j)?;
            let raw = self.text.get(j + 1..key_end - 1)?;
            let key = if raw.contains('\\') {
                std::borrow::Cow::Owned(
                    serde_json::from_str::<String>(self.text.get(j..key_end)?).ok()?,
                )
            } else {
                std::borrow::Cow::Borrowed(raw)
            };
            let len = self.cur.len();
            self.cur.push('/');
            if key.contains(['~', '/']) {
                self.cur
                    .push_str(&key.replace('~', "~0").replace('/', "~1"));
            } else {
                self.cur.push_str(&key);
            }
            j = self.ws(key_end);
            if self.b.get(j) != Some(&b':') {
                return None;
            }
            j = self.ws(j + 1);
            j = self.value(j)?;
            self.cur.truncate(len);
            j = self.ws(j);
            match self.b.get(j)? {
                b',' => j = self.ws(j + 1),
                b'}' => return Some(j + 1),
                _ => return None,
            }
        }
    }

    fn array(&mut self, i: usize) -> Option<usize> {
        let mut j = self.ws(i + 1);
        if self.b.get(j) == Some(&b']') {
            return Some(j + 1);
        }
        let mut n = 0usize;
        loop {
            let len = self.cur.len();
            self.cur.push('/');
            self.cur.push_str(&n.to_string());
            j = self.value(j)?;
            self.cur.truncate(len);
            n += 1;
            j = self.ws(j);
            match self.b.get(j)? {
                b',' => j = self.ws(j + 1),
                b']' => return Some(j + 1),
                _ => return None,
            }
        }
    }
}
