//! Places for diagnostics in a text source: `line:column` from a JSON pointer, all the
//! pointers of a run found in one scan ([`poam::io::locate_all`]).

use std::collections::HashMap;

use poam::io::Format;
use poam::validate::{Locator, Place};

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
        let places = poam::io::locate_all(text, format, pointers)
            .into_iter()
            .map(|(p, pos)| {
                let place = Place::Text {
                    line: pos.line,
                    column: pos.column,
                };
                (p, place)
            })
            .collect();
        Self { places }
    }
}

impl Locator for TextLocator {
    fn locate(&self, pointer: &str) -> Option<Place> {
        self.places.get(pointer).cloned()
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
        // located).
        assert_eq!(
            l.locate("/d~0~1e"),
            Some(Place::Text {
                line: 3,
                column: 11
            })
        );
        assert_eq!(l.locate(""), Some(Place::Text { line: 1, column: 1 }));
    }
}
