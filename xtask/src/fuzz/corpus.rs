//! The inputs mutations start from, read at run time (never copied into the repository):
//!
//! - OSCAL readers: every file of the format under `fixtures/` (the fuzz regressions
//!   included) and, with `--reference DIR`, under `DIR/examples/`;
//! - Markdown: every string of those JSON documents (prose and all), plus a few of every
//!   construct;
//! - XML markup: every `title`, `description`, `remarks` and `statement` element of those XML
//!   documents, plus the Markdown corpus written as XML;
//! - workbooks: every fixture POA&M exported by `poam_xlsx::export` and, with `--reference`,
//!   every workbook under `DIR/fedramp/xlsx/`.
//!
//! Every eighth input is a corpus entry as it is, until all have run; the others are mutants.

// Random numbers are drawn below small bounds (list lengths, days, byte offsets) and xtask
// runs on 64-bit hosts: the conversions between `u64`, `i64` and `usize` keep every value.
#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::Reader;
use super::mutate::{self, Dialect};
use super::xlsx::Workbook;
use crate::r#gen::rng::Rng;

/// Markdown strings taken from the documents, at most.
const MAX_STRINGS: usize = 4000;

/// Markdown seeds with every construct the reader knows.
const MARKDOWN_SEEDS: &[&str] = &[
    "# Heading\n\nA paragraph with *em*, **strong**, `code`, H~2~O, x^2^ and a [link](https://example.com \"title\").",
    "- one\n- two\n  - nested\n\n1. first\n2. second\n",
    "> quoted\n> > twice\n\n```\npre\n  formatted\n```\n",
    "| a | b |\n|:--|--:|\n| 1 | 2 |\n",
    "Insert {{ insert: param, ac-1_prm_1 }} here.\\\nHard break, ![alt](img.png) image, <b>raw</b> &amp; &#35;.",
    "Setext\n======\n\n    indented code\n\n***\n",
    "a*(b)*c &#97; \\* \\_ \\` \\\\ \"quoted\" ~~x~~",
];

/// The inputs one reader starts from.
pub struct Corpus {
    reader: Reader,
    entries: Vec<Vec<u8>>,
    /// The workbooks' zip entries (the xlsx reader only), in the order of `entries`.
    workbooks: Vec<Workbook>,
}

impl Corpus {
    pub fn load(reader: Reader, root: &Path, reference: Option<&Path>) -> Result<Self, String> {
        let mut dirs = vec![root.join("fixtures")];
        if let Some(r) = reference {
            dirs.push(r.join("examples"));
        }
        let entries = match reader {
            Reader::Json => read_all(&files(&dirs, &["json"])?)?,
            Reader::Yaml => read_all(&files(&dirs, &["yaml", "yml"])?)?,
            Reader::Xml => read_all(&files(&dirs, &["xml"])?)?,
            Reader::Markdown => markdown_strings(&dirs)?,
            Reader::MarkupXml => markup_elements(&dirs)?,
            Reader::Xlsx => workbooks(root, reference)?,
        };
        if entries.is_empty() {
            return Err(format!("fuzz: no corpus for the {} reader", reader.name()));
        }
        let workbooks = if reader == Reader::Xlsx {
            entries.iter().map(|b| Workbook::unzip(b)).collect()
        } else {
            Vec::new()
        };
        Ok(Self {
            reader,
            entries,
            workbooks,
        })
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Input `i` under `seed`: every eighth input is the next corpus entry as it is (until
    /// all have run), the others are mutants, so that a short run mutates from the start.
    pub fn input(&self, seed: u64, i: u64) -> Vec<u8> {
        if i.is_multiple_of(8)
            && let Some(e) = usize::try_from(i / 8)
                .ok()
                .and_then(|k| self.entries.get(k))
        {
            return e.clone();
        }
        let mut rng = Rng::stream(seed, self.reader.stream(), i);
        if self.reader == Reader::Xlsx {
            return super::xlsx::mutant(&mut rng, &self.workbooks, &self.entries);
        }
        let dialect = Dialect::of(self.reader);
        let first = rng.below(self.entries.len() as u64) as usize;
        let mut data = self.entries[first].clone();
        mutate::mutate(&mut rng, &mut data, dialect, &self.entries, mutate::MAX_LEN);
        data
    }
}

/// Every file under `dirs` with one of `extensions`, sorted.
fn files(dirs: &[PathBuf], extensions: &[&str]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for dir in dirs {
        if !dir.is_dir() {
            return Err(format!("fuzz: {} is not a directory", dir.display()));
        }
        out.extend(crate::files::files_under(dir, |p| {
            crate::files::has_extension(p, extensions)
        })?);
    }
    out.sort();
    Ok(out)
}

fn read_all(paths: &[PathBuf]) -> Result<Vec<Vec<u8>>, String> {
    paths
        .iter()
        .map(|p| std::fs::read(p).map_err(|e| format!("{}: {e}", p.display())))
        .collect()
}

/// The Markdown seeds, the saved Markdown regressions, and every string of the JSON documents.
fn markdown_strings(dirs: &[PathBuf]) -> Result<Vec<Vec<u8>>, String> {
    let mut strings: BTreeSet<String> = MARKDOWN_SEEDS.iter().map(|s| (*s).to_owned()).collect();
    let mut out: Vec<Vec<u8>> = read_all(&files(dirs, &["md"])?)?
        .into_iter()
        .filter(|b| !b.is_empty())
        .collect();
    for path in files(dirs, &["json"])? {
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        if let Ok(value) = serde_json::from_slice::<serde_json::Value>(&bytes) {
            collect_strings(&value, &mut strings);
        }
    }
    out.extend(
        strings
            .into_iter()
            .filter(|s| {
                s.chars()
                    .any(|c| c.is_whitespace() || "*_`[]#>|~^\\&<{".contains(c))
            })
            .take(MAX_STRINGS)
            .map(String::into_bytes),
    );
    Ok(out)
}

fn collect_strings(value: &serde_json::Value, out: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::String(s) if !s.is_empty() => {
            out.insert(s.clone());
        }
        serde_json::Value::Array(a) => a.iter().for_each(|v| collect_strings(v, out)),
        serde_json::Value::Object(o) => o.values().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}

/// Markup elements of the XML documents, the saved regressions, and the Markdown corpus as XML.
fn markup_elements(dirs: &[PathBuf]) -> Result<Vec<Vec<u8>>, String> {
    const MARKUP: &[&str] = &["title", "description", "remarks", "statement"];
    let mut fragments = BTreeSet::new();
    for path in files(dirs, &["xml"])? {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let Ok(doc) = roxmltree::Document::parse(&text) else {
            continue;
        };
        if doc.root_element().tag_name().name() != "plan-of-action-and-milestones" {
            // A markup regression: the whole file is one element.
            fragments.insert(text.clone());
            continue;
        }
        for node in doc.descendants().filter(roxmltree::Node::is_element) {
            if MARKUP.contains(&node.tag_name().name()) {
                fragments.insert(text[node.range()].to_owned());
            }
        }
    }
    for md in markdown_strings(dirs)? {
        let md = String::from_utf8_lossy(&md);
        let multi = poam_markup::MarkupMultiline::from_markdown(&md);
        if let Ok(x) = poam_markup::xml::multiline_to_string("description", &multi) {
            fragments.insert(x);
        }
        let line = poam_markup::MarkupLine::from_markdown(&md);
        if let Ok(x) = poam_markup::xml::line_to_string("title", &line) {
            fragments.insert(x);
        }
        if fragments.len() > MAX_STRINGS {
            break;
        }
    }
    Ok(fragments.into_iter().map(String::into_bytes).collect())
}

/// An OSCAL document from a file (format from the extension, else the content); `None`
/// when unreadable.
pub(super) fn read_document(path: &Path) -> Option<poam_model::Document> {
    let bytes = std::fs::read(path).ok()?;
    let name = poam_io::SourceName::path(path);
    poam_io::read(&bytes, &name, poam_io::Format::from_path(path)).ok()
}

/// The fixture POA&Ms as workbooks, the saved regressions, and the reference workbooks.
fn workbooks(root: &Path, reference: Option<&Path>) -> Result<Vec<Vec<u8>>, String> {
    let fixtures = root.join("fixtures");
    let mut out = Vec::new();
    for dir in ["poam", "validate", "cycles"] {
        for path in files(&[fixtures.join(dir)], &["json"])? {
            let Some(doc) = read_document(&path) else {
                continue;
            };
            if let Ok(exported) = poam_xlsx::export(&doc) {
                out.push(exported.bytes);
            }
        }
    }
    let mut dirs = vec![fixtures.join("fuzz")];
    if let Some(r) = reference {
        dirs.push(r.join("fedramp/xlsx"));
    }
    dirs.retain(|d| d.is_dir());
    out.extend(read_all(&files(&dirs, &["xlsx"])?)?);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reader_has_a_corpus_from_the_fixtures_alone() {
        let root = crate::workspace_root();
        for reader in Reader::ALL {
            let corpus = Corpus::load(reader, &root, None).expect("corpus");
            assert!(corpus.len() >= 3, "{}: {}", reader.name(), corpus.len());
        }
    }

    #[test]
    fn inputs_are_a_function_of_seed_and_number() {
        let root = crate::workspace_root();
        let corpus = Corpus::load(Reader::Json, &root, None).expect("corpus");
        let n = corpus.len() as u64;
        assert_eq!(
            corpus.input(1, 0),
            std::fs::read(first_json(&root)).expect("read")
        );
        assert_eq!(corpus.input(1, 8 * n + 5), corpus.input(1, 8 * n + 5));
        let differing = (8 * n..8 * n + 20)
            .filter(|&i| corpus.input(1, i) != corpus.input(2, i))
            .count();
        assert!(differing > 10, "seeds 1 and 2 give the same inputs");
    }

    fn first_json(root: &Path) -> PathBuf {
        files(&[root.join("fixtures")], &["json"])
            .expect("files")
            .remove(0)
    }
}
