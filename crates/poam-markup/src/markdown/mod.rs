//! CommonMark ⇄ tree. See the crate docs for the canonical form.

pub(crate) mod canonical;
pub(crate) mod parse;
pub(crate) mod write;

use pulldown_cmark::Options;

/// The Markdown dialect: CommonMark + GFM tables + `~sub~` + `^sup^`. Strikethrough is
/// deliberately off: with it, `~~x~~` would be a construct OSCAL cannot represent, and
/// `~` would be ambiguous between the two extensions.
pub(crate) fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_SUBSCRIPT | Options::ENABLE_SUPERSCRIPT
}
