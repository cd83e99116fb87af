//! The same document published in several formats (`x.json`, `x.yaml`, `x.xml` and the
//! minified `x-min.json` in one folder) must give the same model whichever file is read.

use std::collections::BTreeMap;
use std::path::Path;

use poam_io::Document;
use serde_json::Value as Json;

use super::documents::{self, Loaded, Source};
use super::{Outcome, Section, Table};

pub fn run(reference: &Path) -> Result<Section, String> {
    let sources = documents::discover(&reference.join("examples"))?;
    let mut groups: BTreeMap<String, Vec<Source>> = BTreeMap::new();
    for source in sources {
        groups
            .entry(group_key(&source.name))
            .or_default()
            .push(source);
    }
    let mut section = Section::new("twins");
    let mut table = Table::new(&[
        "document",
        "file",
        "model compared with the first readable file",
    ]);
    for (group, members) in groups.iter().filter(|(_, m)| m.len() > 1) {
        let mut reference_doc: Option<(String, Box<poam_io::Document>, Vec<u8>)> = None;
        for source in members {
            let file = source
                .name
                .rsplit('/')
                .next()
                .unwrap_or(&source.name)
                .to_owned();
            // `$schema` is a directive of the JSON file, not content; XML has no place for it.
            let outcome = match documents::load(source).without_schema() {
                Loaded::NotSupported(why) => Outcome::NotApplicable(why),
                Loaded::Error(e) => Outcome::Fail(e),
                Loaded::Doc(doc) => match &reference_doc {
                    None => {
                        let first = Outcome::Pass("(the reference)".into());
                        let text = std::fs::read(&source.path).unwrap_or_default();
                        reference_doc = Some((file.clone(), doc, text));
                        table.row(vec![group.clone(), file, first.cell()]);
                        continue;
                    }
                    Some((name, first, first_text)) => {
                        let text = std::fs::read(&source.path).unwrap_or_default();
                        compare(name, first, first_text, &doc, &text)
                    }
                },
            };
            section.count(&outcome);
            table.row(vec![group.clone(), file, outcome.cell()]);
        }
    }
    if table.is_empty() {
        println!("(no document is published in more than one format)");
    } else {
        print!("{}", table.render());
    }
    Ok(section)
}

/// How many differences are examined before giving up on explaining them.
const DIFFERENCES_EXAMINED: usize = 50;

/// Equal models pass. Where the models differ, the check still passes when the files
/// themselves say different things there: each file contains its own value and not the
/// other's (FedRAMP's JSON template links to the JSON SSP, its YAML twin to the YAML one).
fn compare(
    name: &str,
    first: &Document,
    first_text: &[u8],
    doc: &Document,
    text: &[u8],
) -> Outcome {
    if first == doc {
        return Outcome::Pass(format!("equal to {name}"));
    }
    let found = documents::differences(first, doc, DIFFERENCES_EXAMINED);
    let Some(unexplained) = found.iter().find(|d| !in_sources(d, first_text, text)) else {
        if found.is_empty() || found.len() == DIFFERENCES_EXAMINED {
            let first_at = documents::difference(first, doc).unwrap_or_default();
            return Outcome::Fail(format!("differs from {name} at {first_at}"));
        }
        let places: Vec<&str> = found.iter().map(|d| d.pointer.as_str()).collect();
        // The JSON differs only where the files do; the typed values (markup trees) must not
        // differ anywhere else.
        if let Some(at) = documents::value_difference(first, doc, &places) {
            return Outcome::Fail(format!("differs from {name} at {at}"));
        }
        return Outcome::Pass(format!(
            "equal to {name} except where the files differ: {}",
            places.join(", ")
        ));
    };
    Outcome::Fail(format!("differs from {name} at {}", unexplained.pointer))
}

/// Whether a difference is one of the files themselves: both values are strings, each found
/// in its own file's text and not in the other's.
fn in_sources(d: &documents::Difference, first_text: &[u8], text: &[u8]) -> bool {
    let Some((Json::String(a), Json::String(b))) = &d.values else {
        return false;
    };
    let has = |hay: &[u8], needle: &str| {
        !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle.as_bytes())
    };
    has(first_text, a) && !has(first_text, b) && has(text, b) && !has(text, a)
}

/// `dir/name-min.json` -> `dir/name`.
fn group_key(name: &str) -> String {
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    stem.strip_suffix("-min").unwrap_or(stem).to_owned()
}

#[cfg(test)]
mod tests {
    use super::group_key;

    #[test]
    fn minified_and_other_formats_group_together() {
        assert_eq!(group_key("a/b/T-min.json"), "a/b/T");
        assert_eq!(group_key("a/b/T.json"), "a/b/T");
        assert_eq!(group_key("a/b/T.yaml"), "a/b/T");
        assert_eq!(group_key("a/c/T.xml"), "a/c/T");
    }
}
