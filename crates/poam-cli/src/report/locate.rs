//! Places for diagnostics in a text source: `line:column` from a JSON pointer.
//!
//! JSON is scanned once for all the pointers a run needs (a file with thousands of
//! diagnostics costs one pass, not thousands); YAML and XML go through
//! [`poam_io::locate::locate`] pointer by pointer.

use std::collections::{HashMap, HashSet};

use poam_io::Format;
use poam_validate::{Locator, Place};

/// Line starts of a text, to turn byte offsets into `line:column` (columns count chars).
pub struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> Lines<'t> {
    pub fn new(text: &'t str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self { text, starts }
    }

    pub fn place(&self, offset: usize) -> Place {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let column = self
            .text
            .get(start..offset.min(self.text.len()))
            .map_or(1, |s| s.chars().count() + 1);
        Place::Text { line, column }
    }

    /// The text of 1-based line `line`, without its line end.
    pub fn line(&self, line: usize) -> Option<&'t str> {
        let start = *self.starts.get(line.checked_sub(1)?)?;
        let end = self.starts.get(line).map_or(self.text.len(), |e| e - 1);
        self.text.get(start..end).map(|l| l.trim_end_matches('\r'))
    }
}

/// A [`Locator`] over one text, prepared for a known set of pointers.
pub struct TextLocator {
    places: HashMap<String, Place>,
}

impl TextLocator {
    pub fn new<'p>(
        text: &str,
        format: Format,
        pointers: impl IntoIterator<Item = &'p str>,
    ) -> Self {
        let wanted: HashSet<&str> = pointers.into_iter().collect();
        let mut places = HashMap::new();
        match format {
            Format::Json => {
                let lines = Lines::new(text);
                let mut all: HashSet<String> = HashSet::new();
                for p in &wanted {
                    let mut p = *p;
                    loop {
                        all.insert(p.to_owned());
                        match p.rfind('/') {
                            Some(i) => p = &p[..i],
                            None => break,
                        }
                    }
                }
                let mut found = HashMap::new();
                let mut scan = JsonScan {
                    b: text.as_bytes(),
                    text,
                    cur: String::new(),
                    wanted: &all,
                    found: &mut found,
                };
                let start = scan.ws(0);
                let _ = scan.value(start);
                for p in wanted {
                    let mut q = p;
                    let offset = loop {
                        if let Some(o) = found.get(q) {
                            break Some(*o);
                        }
                        match q.rfind('/') {
                            Some(i) => q = &q[..i],
                            None => break None,
                        }
                    };
                    if let Some(o) = offset {
                        places.insert(p.to_owned(), lines.place(o));
                    }
                }
            }
            Format::Yaml | Format::Xml => {
                for p in wanted {
                    if let Some(pos) = poam_io::locate::locate(text, format, p) {
                        places.insert(
                            p.to_owned(),
                            Place::Text {
                                line: pos.line,
                                column: pos.column,
                            },
                        );
                    }
                }
            }
        }
        Self { places }
    }
}

impl Locator for TextLocator {
    fn locate(&self, pointer: &str) -> Option<Place> {
        self.places.get(pointer).cloned()
    }
}

/// One pass over well-formed JSON, recording the offset of each wanted pointer's value.
struct JsonScan<'a> {
    b: &'a [u8],
    text: &'a str,
    cur: String,
    wanted: &'a HashSet<String>,
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
            b'{' => {
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
            b'[' => {
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
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn json_pointers_and_missing_members() {
        let text = "{\n  \"a\": {\"b\": [1, {\"c\": \"x\"}]},\n  \"d~/e\": true\n}\n";
        let l = TextLocator::new(text, Format::Json, ["/a/b/1/c", "/a/b/1/zz", "/d~0~1e", ""]);
        assert_eq!(
            l.locate("/a/b/1/c"),
            Some(Place::Text {
                line: 2,
                column: 24
            })
        );
        // A missing member is placed at its parent object.
        assert_eq!(
            l.locate("/a/b/1/zz"),
            Some(Place::Text {
                line: 2,
                column: 18
            })
        );
        // `  "d~/e": true`: the value `true` starts at column 11 (values, not keys, are
        // located, as poam_io::locate does).
        assert_eq!(
            l.locate("/d~0~1e"),
            Some(Place::Text {
                line: 3,
                column: 11
            })
        );
        let io = poam_io::locate::locate(text, Format::Json, "/d~0~1e").unwrap();
        assert_eq!((io.line, io.column), (3, 11));
        assert_eq!(l.locate(""), Some(Place::Text { line: 1, column: 1 }));
    }

    #[test]
    fn agrees_with_poam_io_locate() {
        let text = r#"{"plan-of-action-and-milestones": {"uuid": "x", "poam-items": [{"title": "t"}, {"title": "u", "related-risks": [{"risk-uuid": "r"}]}]}}"#;
        let ps = [
            "/plan-of-action-and-milestones/poam-items/1/related-risks/0/risk-uuid",
            "/plan-of-action-and-milestones/uuid",
            "/plan-of-action-and-milestones/poam-items/0",
        ];
        let l = TextLocator::new(text, Format::Json, ps);
        for p in ps {
            let pos = poam_io::locate::locate(text, Format::Json, p).unwrap();
            assert_eq!(
                l.locate(p),
                Some(Place::Text {
                    line: pos.line,
                    column: pos.column
                }),
                "{p}"
            );
        }
    }

    #[test]
    fn lines() {
        let l = Lines::new("ab\r\ncd\n\nef");
        assert_eq!(l.line(1), Some("ab"));
        assert_eq!(l.line(3), Some(""));
        assert_eq!(l.line(4), Some("ef"));
        assert_eq!(l.line(5), None);
        assert_eq!(l.place(5), Place::Text { line: 2, column: 2 });
    }
}
