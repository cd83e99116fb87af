//! OSCAL markup (`markup-line`, `markup-multiline`) as a parsed tree.
//!
//! OSCAL prose has two serialisations: a CommonMark subset in JSON/YAML strings and an
//! HTML-like element set in XML. This crate parses both into one tree ([`Inline`] /
//! [`Block`]) and writes the tree back out, so that a document converted JSON → XML → JSON
//! (or the reverse) keeps its prose exactly.
//!
//! * Markdown: [`MarkupLine::from_markdown`] / [`MarkupLine::to_markdown`] and the
//!   [`MarkupMultiline`] equivalents (also used by the serde impls, which (de)serialize the
//!   Markdown string). Parsing uses `pulldown-cmark` with tables, `~sub~` and `^sup^`
//!   enabled; strikethrough is *not* enabled, so `~~x~~` stays literal text instead of
//!   competing with `~sub~`.
//! * XML: the [`xml`] module reads from a `quick_xml::Reader` and writes to a
//!   `quick_xml::Writer`.
//!
//! # Canonical (normalized) form
//!
//! Markdown cannot express every tree (it has no empty emphasis, no leading space in a
//! paragraph, ...). [`normalize`](MarkupMultiline::normalize) maps a tree to the canonical
//! form that Markdown *can* express, and the crate guarantees:
//!
//! * `from_markdown` always returns a normalized tree;
//! * `from_markdown(&t.to_markdown()) == t` for every normalized tree `t` that contains
//!   no [`Inline::Italic`], [`Inline::Bold`] or [`Inline::Quote`] (see "lossy mappings");
//! * for any tree, `to_markdown` first maps `Italic`/`Bold` to `Em`/`Strong` and
//!   normalizes, so `from_markdown(&t.to_markdown()) == t.markdown_equivalent()`.
//!
//! A normalized tree satisfies (see `normalize.rs` for the rules and the reasons):
//!
//! * adjacent `Text` nodes are merged, empty `Text` is removed, NUL becomes U+FFFD (as
//!   CommonMark says; deserializing markup from a JSON or YAML string refuses a NUL instead,
//!   so that no reader changes a document's text without a word) and CR / CRLF become LF;
//! * inside paragraph-like content (paragraph, list-item paragraph, `markup-line`) a run
//!   of whitespace that contains a line feed is a single `"\n"` (a Markdown soft line
//!   break), there is no whitespace around a `LineBreak`, and the content neither starts
//!   nor ends with whitespace or a `LineBreak`; other whitespace (double spaces, tabs) is
//!   kept;
//! * headings and table cells contain no `"\n"` and no `LineBreak` (both become a space:
//!   Markdown headings and GFM table rows are single lines);
//! * `Em`/`Strong`/`Italic`/`Bold`/`Sub`/`Sup` do not start or end with whitespace or a
//!   `LineBreak` (it is moved outside: `*foo *` is not emphasis in CommonMark), are not
//!   empty, and do not contain a node of the same variant (`<em>a <em>b</em></em>`
//!   becomes `<em>a b</em>`); `Sub`/`Sup` do not nest in each other at all
//!   (pulldown-cmark cannot parse `~^x^~` reliably); adjacent `Sub`s (and `Sup`s, and
//!   `Code`s) are merged because `~a~~b~` and `` `a``b` `` read as one run;
//! * a `Link` contains no `Link` and does not start or end with a `LineBreak`; a `Code`
//!   inside link text containing `]:` becomes text (at a line start, ``[`a]:`` reads as
//!   a link reference definition); empty link/image titles are `None`; image alt text has
//!   no line breaks;
//! * `Code` is not empty and has no line breaks (CommonMark turns them into spaces);
//! * `Insert` ids are tokens that survive Markdown (letters, digits, `.`, `-`, and `_`
//!   between two letters/digits); any other insert becomes its literal text;
//! * inside a list item, a block quote ending with an empty list item absorbs a directly
//!   following block quote (works around a pulldown-cmark quirk, see `normalize.rs`);
//! * empty paragraphs and lists without items are removed; ordered lists have
//!   `start: Some(n)` with `n <= 999_999_999` (CommonMark's limit), bullet lists
//!   `start: None`; heading levels are 1..=6;
//! * tables have at least one row, all rows have the same number of cells, the first row
//!   is the only header row, and the alignment of a column is the alignment of its first
//!   cell (GFM has one header row and per-column alignment);
//! * nesting deeper than [`MAX_NESTING`] is flattened (the content is kept).
//!
//! # Lossy mappings
//!
//! * `Italic` is written to Markdown as `*...*` and comes back as `Em`; `Bold` as `**...**`
//!   and comes back as `Strong` (the OSCAL spec maps `<i>`/`<b>` this way).
//! * `Quote` has no Markdown syntax of its own: it is written as literal `"` characters and
//!   comes back as `Text`. Literal `"` in text is written as `\"` (as NIST's converter
//!   does), so tools that map `"..."` to `<q>` still see the difference.
//! * [`MarkupMultiline::markdown_equivalent`] applies exactly these mappings (plus
//!   normalization) and is what a Markdown round trip yields.
//! * Markdown-only constructs map onto the tree: raw HTML becomes literal `Text`, autolinks
//!   become `Link`s, reference links are resolved, indented code becomes `Pre`, a soft
//!   line break becomes `"\n"`, setext headings become `Heading`s.
//!
//! # Markdown dialect notes
//!
//! * Intraword sub/superscript as NIST's converter writes it (`H~2~O`, `x^2^`) is read as
//!   `Sub`/`Sup` and written that way when the content is a plain word; pulldown-cmark
//!   alone would leave it as text.
//! * Where CommonMark's flanking rules would stop a delimiter from working (`a*(b)*c`),
//!   the writer emits the neighbouring letter as a numeric character reference
//!   (`&#97;*(b)*&#99;`), which reads back as the same letter.
//! * `markup-line` is inline-only: block syntax at a line start (`1. `, `# `, `- `, ...)
//!   is literal text when reading, so it is not escaped when writing a title.
//!
//! XML-specific decisions (whitespace, unknown elements, `<img>` as a block, ...) are
//! documented in the [`xml`] module.
//!
//! # Parsed when asked for
//!
//! Markup read from Markdown (a JSON or YAML string, [`MarkupMultiline::from_markdown`])
//! keeps that string and is parsed into its tree only when the tree is asked for
//! ([`MarkupMultiline::blocks`], kept from then on): reading a document parses no Markdown.
//! Nothing is observable but the time: the tree is the one `from_markdown` describes, and
//! equality, hashing, `Debug` and every writer work on it. Plain text (no
//! Markdown-significant character, most OSCAL prose) is written, compared and flattened
//! from the string itself; so is, for writing Markdown, a `markup-multiline` string that
//! is recognized as already canonical (paragraphs, simple lists, `**strong**`, `*em*`,
//! `` `code` ``, `[links](url)` written as the writer writes them: `markdown/canonical.rs`);
//! other markup is parsed to be written
//! ([`MarkupMultiline::parsed_blocks`], which does not keep the tree, so converting a
//! document does not hold a tree beside every string). Markup read from XML, or built
//! with [`MarkupMultiline::new`], is a tree from the start.

use std::borrow::Cow;
use std::fmt;
use std::hash::{Hash, Hasher};

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

mod lazy;
mod markdown;
mod normalize;
mod text;
pub mod xml;

use lazy::Lazy;
pub use text::TextStyle;

/// Maximum nesting depth of containers (block quotes, lists, inline elements) kept in a
/// tree. Deeper structure is flattened (its content is kept). This bounds recursion in the
/// writers and in `normalize`, so hostile input cannot overflow the stack.
pub const MAX_NESTING: usize = 48;

/// Inline content (the whole of `markup-line`, and the inside of blocks).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Inline {
    /// Plain text.
    Text(String),
    /// Emphasis: `<em>`, Markdown `*...*`.
    Em(Vec<Inline>),
    /// Strong emphasis: `<strong>`, Markdown `**...**`.
    Strong(Vec<Inline>),
    /// `<i>`: written to Markdown as `*...*`, so it comes back as `Em`.
    Italic(Vec<Inline>),
    /// `<b>`: written to Markdown as `**...**`, so it comes back as `Strong`.
    Bold(Vec<Inline>),
    /// Inline code: `<code>`, Markdown backticks.
    Code(String),
    /// `<q>`: written to Markdown as literal `"..."`, so it comes back as `Text`.
    Quote(Vec<Inline>),
    /// Subscript: `<sub>`, Markdown `~...~`.
    Sub(Vec<Inline>),
    /// Superscript: `<sup>`, Markdown `^...^`.
    Sup(Vec<Inline>),
    /// A link: `<a href>`, Markdown `[...](...)`.
    Link {
        /// The target.
        href: String,
        /// The link's title, when it has one.
        title: Option<String>,
        /// The linked text.
        content: Vec<Inline>,
    },
    /// An image: `<img>`, Markdown `![...](...)`.
    Image {
        /// The image's location.
        src: String,
        /// The alternative text.
        alt: String,
        /// The image's title, when it has one.
        title: Option<String>,
    },
    /// `{{ insert: type, id-ref }}` / `<insert type="" id-ref=""/>`
    Insert {
        /// The `type`: what is inserted (e.g. `param`).
        kind: String,
        /// The `id-ref`: the id of what is inserted.
        id_ref: String,
    },
    /// A hard line break: `<br/>`.
    LineBreak,
}

/// A block of `markup-multiline`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Block {
    /// A paragraph: `<p>`.
    Paragraph(Vec<Inline>),
    /// A heading: `<h1>` to `<h6>`.
    Heading {
        /// 1 to 6.
        level: u8,
        /// The heading's text.
        content: Vec<Inline>,
    },
    /// A list: `<ul>` or `<ol>`.
    List {
        /// Numbered (`<ol>`) or not.
        ordered: bool,
        /// The first number of a numbered list, when not 1.
        start: Option<u64>,
        /// The items, each a sequence of blocks.
        items: Vec<Vec<Block>>,
    },
    /// Preformatted text: `<pre>`, a Markdown code block.
    Pre(String),
    /// A quotation: `<blockquote>`.
    Blockquote(Vec<Block>),
    /// A table.
    Table(Table),
    /// A thematic break: `<hr/>`.
    HorizontalRule,
}

/// A table: rows of cells.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Table {
    /// The rows, header rows first.
    pub rows: Vec<TableRow>,
}

/// A row of a table.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TableRow {
    /// The cells, left to right.
    pub cells: Vec<TableCell>,
}

/// A cell of a table.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TableCell {
    /// A header cell (`<th>`) or a data cell (`<td>`).
    pub header: bool,
    /// The cell's alignment, when set.
    pub align: Option<Align>,
    /// The cell's text.
    pub content: Vec<Inline>,
}

/// How a table cell's content is aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Align {
    /// Left.
    Left,
    /// Centered.
    Center,
    /// Right.
    Right,
}

/// OSCAL `markup-line`: inline content only (titles, labels).
///
/// A value read from Markdown (JSON, YAML, [`from_markdown`](Self::from_markdown)) keeps
/// its source and parses it into the tree when the tree is first asked for (see the crate
/// docs, "Parsed when asked for"); one built from a tree ([`new`](Self::new)) holds that
/// tree. Either way it behaves as its tree: equality, hashing and `Debug` are the tree's.
#[derive(Clone)]
pub struct MarkupLine(Lazy<Inline>);

/// OSCAL `markup-multiline`: a sequence of blocks (descriptions, remarks).
///
/// Kept as its Markdown source until the tree is asked for, as [`MarkupLine`] is.
#[derive(Clone)]
pub struct MarkupMultiline(Lazy<Block>);

impl MarkupLine {
    /// The markup of the tree `inlines`, as it is (not normalized: see
    /// [`normalized`](Self::normalized)).
    pub fn new(inlines: Vec<Inline>) -> Self {
        Self(Lazy::Tree(inlines))
    }

    /// Parses Markdown as inline content only: block syntax at the start of a line
    /// (`# `, `1. `, `- `, `> `, indentation, ...) is literal text, because a title
    /// cannot hold a heading or a list. Never fails: anything that is not markup is text.
    /// The tree is normalized; it is parsed when first asked for.
    pub fn from_markdown(s: &str) -> Self {
        Self(Lazy::markdown(s.into()))
    }

    /// Like [`from_markdown`](Self::from_markdown), but keeps `s` itself as the source.
    pub fn from_markdown_string(s: String) -> Self {
        Self(Lazy::markdown(s.into_boxed_str()))
    }

    /// The tree, parsed from the Markdown source on first use and kept.
    pub fn inlines(&self) -> &[Inline] {
        self.0.tree()
    }

    /// The tree without keeping it: borrowed when it is already there, otherwise parsed
    /// for this call alone. Writers use it, so that converting a document does not keep a
    /// tree beside every source.
    pub fn parsed_inlines(&self) -> Cow<'_, [Inline]> {
        self.0.parsed()
    }

    /// The tree, to change it (the Markdown source is dropped).
    pub fn inlines_mut(&mut self) -> &mut Vec<Inline> {
        self.0.tree_mut()
    }

    /// The tree, owned.
    pub fn into_inlines(self) -> Vec<Inline> {
        self.0.into_tree()
    }

    /// Writes canonical CommonMark (see the crate docs). Non-normalized trees are
    /// normalized first.
    pub fn to_markdown(&self) -> String {
        self.with_markdown(str::to_owned)
    }

    /// Calls `f` with the canonical CommonMark; plain text is not copied.
    fn with_markdown<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        if let Some(s) = self.0.source()
            && markdown::write::is_plain_text_output(s, false)
        {
            return f(s);
        }
        let tree = self.0.parsed();
        match markdown::write::plain_line(&tree) {
            Some(text) => f(text),
            None => f(&markdown::write::line_to_markdown(&tree)),
        }
    }

    /// Brings the tree into the canonical form (see the crate docs).
    pub fn normalize(&mut self) {
        if let Lazy::Tree(t) = &mut self.0 {
            normalize::normalize_line(t);
        }
    }

    /// Returns the normalized tree.
    #[must_use]
    pub fn normalized(mut self) -> Self {
        self.normalize();
        self
    }

    /// Whether the tree is already in canonical form.
    pub fn is_normalized(&self) -> bool {
        match &self.0 {
            Lazy::Markdown(_) => true,
            Lazy::Tree(t) => normalize::is_line_normalized(t),
        }
    }

    /// The tree a Markdown round trip yields: `Italic` → `Em`, `Bold` → `Strong`,
    /// `Quote` → literal `"` text, then normalized.
    #[must_use]
    pub fn markdown_equivalent(&self) -> Self {
        let mut v = normalize::markdown_equivalent_inlines(&self.0.parsed());
        normalize::normalize_line(&mut v);
        Self::new(v)
    }

    /// The plain text (formatting removed, inserts as `{{ insert: .. }}`), e.g. for
    /// sorting or search.
    pub fn plain_text(&self) -> String {
        self.text(TextStyle::Plain)
    }

    /// The text in `style`; a line break is a newline in plain text, a space in a cell.
    pub fn text(&self, style: TextStyle) -> String {
        if let Some(s) = self.0.plain_source() {
            return s.to_owned();
        }
        let line_break = match style {
            TextStyle::Plain => "\n",
            TextStyle::Cell => " ",
        };
        let mut out = String::new();
        text::inlines_text(&self.0.parsed(), style, line_break, &mut out);
        out
    }

    /// The Markdown it was read from, as written, while it is unchanged (`None` for markup
    /// built or edited as a tree).
    pub fn markdown_source(&self) -> Option<&str> {
        self.0.source()
    }

    /// Whether it has no content (an empty line).
    pub fn is_empty(&self) -> bool {
        self.0.plain_source().is_none() && self.0.tree().is_empty()
    }
}

impl MarkupMultiline {
    /// The markup of the blocks `blocks`, as they are (not normalized: see
    /// [`normalized`](Self::normalized)).
    pub fn new(blocks: Vec<Block>) -> Self {
        Self(Lazy::Tree(blocks))
    }

    /// Parses CommonMark (plus GFM tables, `~sub~`, `^sup^` and `{{ insert: .. }}`).
    /// Never fails. The tree is normalized; it is parsed when first asked for.
    pub fn from_markdown(s: &str) -> Self {
        Self(Lazy::markdown(s.into()))
    }

    /// Like [`from_markdown`](Self::from_markdown), but keeps `s` itself as the source.
    pub fn from_markdown_string(s: String) -> Self {
        Self(Lazy::markdown(s.into_boxed_str()))
    }

    /// The blocks, parsed from the Markdown source on first use and kept.
    pub fn blocks(&self) -> &[Block] {
        self.0.tree()
    }

    /// The blocks without keeping them: borrowed when they are already there, otherwise
    /// parsed for this call alone. Writers use it, so that converting a document does not
    /// keep a tree beside every source.
    pub fn parsed_blocks(&self) -> Cow<'_, [Block]> {
        self.0.parsed()
    }

    /// The blocks, to change them (the Markdown source is dropped).
    pub fn blocks_mut(&mut self) -> &mut Vec<Block> {
        self.0.tree_mut()
    }

    /// The blocks, owned.
    pub fn into_blocks(self) -> Vec<Block> {
        self.0.into_tree()
    }

    /// Writes canonical CommonMark (see the crate docs): blocks separated by a blank line.
    /// Non-normalized trees are normalized first.
    pub fn to_markdown(&self) -> String {
        self.with_markdown(str::to_owned)
    }

    /// Calls `f` with the canonical CommonMark; plain text is not copied.
    fn with_markdown<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        // Plain text, and the common shapes of Markdown written canonically, are their
        // own canonical form: copied without parsing.
        if let Some(s) = self.0.source()
            && (markdown::write::is_plain_text_output(s, true)
                || markdown::canonical::is_canonical_multiline(s))
        {
            return f(s);
        }
        let tree = self.0.parsed();
        match markdown::write::plain_multiline(&tree) {
            Some(text) => f(text),
            None => f(&markdown::write::multiline_to_markdown(&tree)),
        }
    }

    /// Brings the tree into the canonical form (see the crate docs).
    pub fn normalize(&mut self) {
        if let Lazy::Tree(t) = &mut self.0 {
            normalize::normalize_blocks(t);
        }
    }

    /// Returns the normalized tree.
    #[must_use]
    pub fn normalized(mut self) -> Self {
        self.normalize();
        self
    }

    /// Whether the tree is already in canonical form.
    pub fn is_normalized(&self) -> bool {
        match &self.0 {
            Lazy::Markdown(_) => true,
            Lazy::Tree(t) => normalize::is_blocks_normalized(t),
        }
    }

    /// The tree a Markdown round trip yields: `Italic` → `Em`, `Bold` → `Strong`,
    /// `Quote` → literal `"` text, then normalized.
    #[must_use]
    pub fn markdown_equivalent(&self) -> Self {
        let mut v = normalize::markdown_equivalent_blocks(&self.0.parsed());
        normalize::normalize_blocks(&mut v);
        Self::new(v)
    }

    /// The plain text, blocks separated by blank lines.
    pub fn plain_text(&self) -> String {
        self.text(TextStyle::Plain)
    }

    /// The text in `style`, blocks separated by blank lines.
    pub fn text(&self, style: TextStyle) -> String {
        if let Some(s) = self.0.plain_source() {
            return s.to_owned();
        }
        let mut out = String::new();
        text::blocks_text(&self.0.parsed(), style, &mut out);
        out
    }

    /// The Markdown it was read from, as written, while it is unchanged (`None` for markup
    /// built or edited as a tree).
    pub fn markdown_source(&self) -> Option<&str> {
        self.0.source()
    }

    /// Whether it has no block.
    pub fn is_empty(&self) -> bool {
        self.0.plain_source().is_none() && self.0.tree().is_empty()
    }
}

impl Default for MarkupLine {
    /// Empty markup.
    fn default() -> Self {
        Self::new(Vec::new())
    }
}

impl Default for MarkupMultiline {
    /// Empty markup.
    fn default() -> Self {
        Self::new(Vec::new())
    }
}

impl From<Vec<Inline>> for MarkupLine {
    /// The tree as it is (see [`MarkupLine::new`]).
    fn from(inlines: Vec<Inline>) -> Self {
        Self::new(inlines)
    }
}

impl From<Vec<Block>> for MarkupMultiline {
    /// The blocks as they are (see [`MarkupMultiline::new`]).
    fn from(blocks: Vec<Block>) -> Self {
        Self::new(blocks)
    }
}

impl From<&str> for MarkupLine {
    /// Parses Markdown (see [`MarkupLine::from_markdown`]).
    fn from(s: &str) -> Self {
        Self::from_markdown(s)
    }
}

impl From<&str> for MarkupMultiline {
    /// Parses Markdown (see [`MarkupMultiline::from_markdown`]).
    fn from(s: &str) -> Self {
        Self::from_markdown(s)
    }
}

// Equality, hashing and `Debug` are the tree's, as when the types held only a tree.

impl PartialEq for MarkupLine {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl Eq for MarkupLine {}

impl PartialEq for MarkupMultiline {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl Eq for MarkupMultiline {}

impl Hash for MarkupLine {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.parsed().hash(state);
    }
}

impl Hash for MarkupMultiline {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.parsed().hash(state);
    }
}

impl fmt::Debug for MarkupLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("MarkupLine").field(&self.0.parsed()).finish()
    }
}

impl fmt::Debug for MarkupMultiline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("MarkupMultiline")
            .field(&self.0.parsed())
            .finish()
    }
}

impl fmt::Display for MarkupLine {
    /// The Markdown form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.with_markdown(|text| f.write_str(text))
    }
}

impl fmt::Display for MarkupMultiline {
    /// The Markdown form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.with_markdown(|text| f.write_str(text))
    }
}

// Serde: the Markdown string. Plain text (the overwhelming majority of OSCAL prose) is
// serialized straight from its source (or tree) without building a String; reading keeps
// the string as the source and parses nothing.

impl Serialize for MarkupLine {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.with_markdown(|text| s.serialize_str(text))
    }
}

impl Serialize for MarkupMultiline {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.with_markdown(|text| s.serialize_str(text))
    }
}

/// Deserializes from a borrowed `&str` or an owned `String` without copying the input
/// first (an owned `String` becomes the source).
struct MarkdownVisitor<T>(std::marker::PhantomData<T>);

trait FromMarkdownSource: Sized {
    const EXPECTING: &'static str;
    fn from_source(s: Box<str>) -> Self;
}

impl FromMarkdownSource for MarkupLine {
    const EXPECTING: &'static str = "a markup-line (Markdown) string";
    fn from_source(s: Box<str>) -> Self {
        Self(Lazy::markdown(s))
    }
}

impl FromMarkdownSource for MarkupMultiline {
    const EXPECTING: &'static str = "a markup-multiline (Markdown) string";
    fn from_source(s: Box<str>) -> Self {
        Self(Lazy::markdown(s))
    }
}

impl<T: FromMarkdownSource> Visitor<'_> for MarkdownVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        holdable(v)?;
        Ok(T::from_source(v.into()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<T, E> {
        holdable(&v)?;
        Ok(T::from_source(v.into_boxed_str()))
    }
}

/// What markup read from a JSON or YAML string refuses: NUL, which Markdown (CommonMark)
/// reads as U+FFFD and OSCAL XML cannot hold at all. Refused, with the place the reader
/// gives, rather than changed without a word; every other character is kept.
fn holdable<E: de::Error>(v: &str) -> Result<(), E> {
    match v.find('\0') {
        None => Ok(()),
        Some(at) => Err(E::custom(format!(
            "the character U+0000 (NUL) at character {} of this markup cannot be kept: Markdown reads it as U+FFFD and OSCAL XML cannot hold it; remove it",
            v[..at].chars().count() + 1
        ))),
    }
}

impl<'de> Deserialize<'de> for MarkupLine {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(MarkdownVisitor::<Self>(std::marker::PhantomData))
    }
}

impl<'de> Deserialize<'de> for MarkupMultiline {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(MarkdownVisitor::<Self>(std::marker::PhantomData))
    }
}
