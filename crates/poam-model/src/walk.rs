//! A generated walk over the whole model: every object and every scalar value, each with the
//! JSON pointer of where it sits. The datatype check, the validator and diff use it.

use std::fmt;

use crate::datatypes::{
    Base64, DateTimeWithTimezone, EmailAddress, NonNegativeInteger, PositiveInteger, Token, Uri,
    UriReference, Uuid,
};
pub use crate::generated::Node;
use poam_markup::{MarkupLine, MarkupMultiline};

/// One step of a path: an object member or an array index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Segment {
    /// An object member, by its JSON name.
    Key(&'static str),
    /// An array element, zero-based.
    Index(usize),
}

/// Where a node sits in the document, as a stack of segments. Displays as a JSON pointer
/// (RFC 6901) relative to the document root object, e.g.
/// `/plan-of-action-and-milestones/poam-items/0/title`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Path(Vec<Segment>);

impl Path {
    /// An empty path (the document root object itself).
    pub fn new() -> Self {
        Self(Vec::with_capacity(16))
    }
    /// The path of the `plan-of-action-and-milestones` object.
    pub fn root() -> Self {
        let mut p = Self::new();
        p.push_key(crate::ROOT_NAME);
        p
    }
    /// Steps into the member `k`.
    pub fn push_key(&mut self, k: &'static str) {
        self.0.push(Segment::Key(k));
    }
    /// Steps into the array element `i`.
    pub fn push_index(&mut self, i: usize) {
        self.0.push(Segment::Index(i));
    }
    /// Steps back out of the last segment.
    pub fn pop(&mut self) {
        self.0.pop();
    }
    /// The segments, outermost first.
    pub fn segments(&self) -> &[Segment] {
        &self.0
    }
    /// The last member name on the path (the property this value is stored under).
    pub fn last_key(&self) -> Option<&'static str> {
        self.0.iter().rev().find_map(|s| match s {
            Segment::Key(k) => Some(*k),
            Segment::Index(_) => None,
        })
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for s in &self.0 {
            match s {
                // Member names in OSCAL never contain `~` or `/`, so no escaping is needed.
                Segment::Key(k) => write!(f, "/{k}")?,
                Segment::Index(i) => write!(f, "/{i}")?,
            }
        }
        Ok(())
    }
}

/// A scalar value with its metaschema datatype.
#[derive(Debug, Clone, Copy)]
pub enum Value<'a> {
    /// A `string` (or a datatype without a type of its own).
    String(&'a String),
    /// A `token`.
    Token(&'a Token),
    /// A `uuid`.
    Uuid(&'a Uuid),
    /// A `uri`.
    Uri(&'a Uri),
    /// A `uri-reference`.
    UriReference(&'a UriReference),
    /// A `date-time-with-timezone`.
    DateTimeWithTimezone(&'a DateTimeWithTimezone),
    /// An `email-address`.
    EmailAddress(&'a EmailAddress),
    /// A `base64`.
    Base64(&'a Base64),
    /// A `non-negative-integer`.
    NonNegativeInteger(&'a NonNegativeInteger),
    /// A `positive-integer`.
    PositiveInteger(&'a PositiveInteger),
    /// A `markup-line`.
    MarkupLine(&'a MarkupLine),
    /// A `markup-multiline`.
    MarkupMultiline(&'a MarkupMultiline),
}

/// Receives the walk. Every method defaults to doing nothing.
pub trait Visitor {
    /// Called on entering an object, before its members.
    fn node(&mut self, _path: &Path, _node: Node<'_>) {}
    /// Called after all members of an object.
    fn leave(&mut self, _path: &Path, _node: Node<'_>) {}
    /// Called for every scalar value.
    fn value(&mut self, _path: &Path, _value: Value<'_>) {}
    /// Called for a list OSCAL requires to hold at least one item that holds none (`path` is
    /// the list's member). Only a document built or edited in code can have one: the readers
    /// refuse it.
    fn empty_required_list(&mut self, _path: &Path) {}
}

/// Implemented (by generated code) for every model object.
pub trait Walk {
    /// Visits `self` and everything in it; `path` is where `self` sits and is left as it was.
    fn walk<V: Visitor + ?Sized>(&self, path: &mut Path, visitor: &mut V);
}

impl<T: Walk> Walk for Box<T> {
    fn walk<V: Visitor + ?Sized>(&self, path: &mut Path, visitor: &mut V) {
        (**self).walk(path, visitor);
    }
}
