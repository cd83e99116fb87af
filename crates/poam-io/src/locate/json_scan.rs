//! One pass over JSON text, recording the byte offset of the values at the wanted pointers.

use std::collections::{HashMap, HashSet};

use super::{nearest, with_ancestors};

/// The offset of each wanted pointer's value, or of its nearest ancestor's.
pub(super) fn offsets(text: &str, wanted: &HashSet<&str>) -> HashMap<String, usize> {
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
    nearest(wanted, &found)
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
    found: &'a mut HashMap<String, usize>,
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
        if self.wanted.contains(self.cur.as_str()) {
            self.found.entry(self.cur.clone()).or_insert(i);
        }
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
            b'"' => self.string_end(i),
            _ => {
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
                serde_json::from_str::<String>(self.text.get(j..key_end)?).ok()?
            } else {
                raw.to_owned()
            };
            let len = self.cur.len();
            self.cur.push('/');
            self.cur
                .push_str(&key.replace('~', "~0").replace('/', "~1"));
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
