//! A markup value kept as the Markdown it was read from until its tree is asked for.
//!
//! Reading a document parses no Markdown: a value read from JSON or YAML (or made by
//! `from_markdown`) holds its source text, and the tree is parsed on first use and kept
//! ([`Lazy::tree`]). Writers that only need the tree once use [`Lazy::parsed`], which does
//! not keep it, so converting a document does not hold a tree beside every source. Plain
//! text (no Markdown-significant character, the overwhelming majority of OSCAL prose) is
//! written, compared and flattened straight from the source without parsing at all.
//!
//! The source is always Markdown that `poam-markup` reads into a normalized tree, so a
//! lazy value behaves exactly as the tree parsed from it: equality, hashing and writing go
//! through the tree (canonical form), with shortcuts that give the same answers.

use std::borrow::Cow;
use std::sync::OnceLock;

use crate::markdown::parse::{is_plain, parse_line, parse_multiline};
use crate::{Block, Inline};

/// What a tree of `Self` is parsed from: `Inline` for `markup-line`, `Block` for
/// `markup-multiline`.
pub(crate) trait Node: Sized + Clone {
    /// Whether block syntax matters at the start of the text (`markup-multiline`).
    const BLOCK: bool;
    /// The normalized tree of Markdown `s`.
    fn parse(s: Cow<'_, str>) -> Vec<Self>;
}

impl Node for Inline {
    const BLOCK: bool = false;
    fn parse(s: Cow<'_, str>) -> Vec<Self> {
        parse_line(s)
    }
}

impl Node for Block {
    const BLOCK: bool = true;
    fn parse(s: Cow<'_, str>) -> Vec<Self> {
        parse_multiline(s)
    }
}

/// A markup tree, or the Markdown it is parsed from on first use. As small as the bare
/// tree was (a `Vec`): an absent `remarks` costs no more than before, and documents hold
/// many of them.
#[derive(Clone)]
pub(crate) enum Lazy<T> {
    /// Read from Markdown: the source, and its tree once something asked for it.
    Markdown(Box<Source<T>>),
    /// Built (or changed) as a tree; not necessarily normalized.
    Tree(Vec<T>),
}

/// Markdown and the tree parsed from it, once asked for.
#[derive(Clone)]
pub(crate) struct Source<T> {
    /// The Markdown text, as read.
    text: Box<str>,
    /// `T::parse(text)`, once asked for.
    tree: OnceLock<Vec<T>>,
}

impl<T: Node> Lazy<T> {
    /// A value holding Markdown `source`, parsed when first asked for.
    pub(crate) fn markdown(source: Box<str>) -> Self {
        Lazy::Markdown(Box::new(Source {
            text: source,
            tree: OnceLock::new(),
        }))
    }

    /// The tree, parsed on first use and kept.
    pub(crate) fn tree(&self) -> &[T] {
        match self {
            Lazy::Markdown(s) => s.tree.get_or_init(|| T::parse(Cow::Borrowed(&s.text))),
            Lazy::Tree(t) => t,
        }
    }

    /// The tree without keeping it: borrowed when it is already there, otherwise parsed for
    /// the caller alone.
    pub(crate) fn parsed(&self) -> Cow<'_, [T]> {
        match self {
            Lazy::Markdown(s) => match s.tree.get() {
                Some(t) => Cow::Borrowed(t),
                None => Cow::Owned(T::parse(Cow::Borrowed(&s.text))),
            },
            Lazy::Tree(t) => Cow::Borrowed(t),
        }
    }

    /// The tree to change: the source is dropped (the tree is what the value is from now on).
    pub(crate) fn tree_mut(&mut self) -> &mut Vec<T> {
        if let Lazy::Markdown(s) = self {
            let t = s
                .tree
                .take()
                .unwrap_or_else(|| T::parse(Cow::Borrowed(&s.text)));
            *self = Lazy::Tree(t);
        }
        match self {
            Lazy::Tree(t) => t,
            Lazy::Markdown(_) => unreachable!("made a tree just above"),
        }
    }

    /// The tree, owned.
    pub(crate) fn into_tree(self) -> Vec<T> {
        match self {
            Lazy::Markdown(s) => {
                let Source { text, tree } = *s;
                tree.into_inner()
                    .unwrap_or_else(|| T::parse(Cow::Owned(text.into_string())))
            }
            Lazy::Tree(t) => t,
        }
    }

    /// The Markdown source, while the value is the one read from it.
    pub(crate) fn source(&self) -> Option<&str> {
        match self {
            Lazy::Markdown(s) => Some(&s.text),
            Lazy::Tree(_) => None,
        }
    }

    /// The source when it is plain text: then the tree is that one text (in one paragraph).
    pub(crate) fn plain_source(&self) -> Option<&str> {
        self.source().filter(|s| is_plain(s, T::BLOCK))
    }
}

impl<T: Node + PartialEq> PartialEq for Lazy<T> {
    /// Equality of the trees. The same source parses to the same tree, and two different
    /// plain sources to two different texts, so neither is parsed for that.
    fn eq(&self, other: &Self) -> bool {
        if let (Some(a), Some(b)) = (self.source(), other.source()) {
            if a == b {
                return true;
            }
            if is_plain(a, T::BLOCK) && is_plain(b, T::BLOCK) {
                return false;
            }
        }
        self.parsed() == other.parsed()
    }
}

#[cfg(test)]
mod tests {
    use crate::{MarkupLine, MarkupMultiline};

    /// A document holds a markup value (most often an absent `remarks`) in nearly every
    /// object: keeping the source must not make them bigger than the bare tree was.
    #[test]
    fn markup_values_are_as_small_as_a_vec() {
        let vec = size_of::<Vec<u8>>();
        assert_eq!(size_of::<MarkupLine>(), vec);
        assert_eq!(size_of::<Option<MarkupMultiline>>(), vec);
    }
}
