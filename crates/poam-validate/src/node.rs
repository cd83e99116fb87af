//! What the constraint pass (`tree.rs`) reads a document through: a node of its JSON form.
//! Two kinds of node implement it, and the pass gives the same findings on both: the
//! `serde_json::Value` tree of the text as written (the untyped pass, for text the typed
//! reader refuses or when a JSON Schema needs the tree), and the borrowed view of the typed
//! model (`view.rs`), which costs no second parse.

use std::borrow::Cow;
use std::hash::Hash;

use serde_json::Value;

/// What a JSON node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NodeKind {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

impl NodeKind {
    /// As messages name it ("must be a string, not a number").
    pub(crate) fn described(self) -> &'static str {
        match self {
            NodeKind::Null => "null",
            NodeKind::Bool => "a boolean",
            NodeKind::Number => "a number",
            NodeKind::String => "a string",
            NodeKind::Array => "an array",
            NodeKind::Object => "an object",
        }
    }
}

/// A borrowed node of a document's JSON form.
pub(crate) trait JsonNode<'a>: Copy {
    /// What tells two nodes apart (where several constraints' findings on one value meet).
    type Id: Hash + Eq + Copy;

    fn kind(self) -> NodeKind;
    /// The member `key` of an object, with the key as the node holds it.
    fn get(self, key: &str) -> Option<(&'a str, Self)>;
    /// The members of an object (none for anything else), in the node's order.
    fn members(self) -> impl Iterator<Item = (&'a str, Self)>;
    /// The items of an array (none for anything else).
    fn items(self) -> impl Iterator<Item = Self>;
    /// The number of items of an array.
    fn len(self) -> usize;
    /// A string's text.
    fn as_str(self) -> Option<&'a str>;
    /// A string's, number's or boolean's text, as JSON shows it.
    fn scalar_text(self) -> Option<Cow<'a, str>>;
    /// Whether the node is a number that is an integer.
    fn is_integer(self) -> bool;
    fn id(self) -> Self::Id;

    fn is_object(self) -> bool {
        self.kind() == NodeKind::Object
    }
    fn contains_key(self, key: &str) -> bool {
        self.get(key).is_some()
    }
}

impl<'a> JsonNode<'a> for &'a Value {
    type Id = usize;

    fn kind(self) -> NodeKind {
        match self {
            Value::Null => NodeKind::Null,
            Value::Bool(_) => NodeKind::Bool,
            Value::Number(_) => NodeKind::Number,
            Value::String(_) => NodeKind::String,
            Value::Array(_) => NodeKind::Array,
            Value::Object(_) => NodeKind::Object,
        }
    }

    fn get(self, key: &str) -> Option<(&'a str, Self)> {
        self.as_object()
            .and_then(|o| o.get_key_value(key))
            .map(|(k, v)| (k.as_str(), v))
    }

    fn members(self) -> impl Iterator<Item = (&'a str, Self)> {
        self.as_object()
            .into_iter()
            .flat_map(|o| o.iter().map(|(k, v)| (k.as_str(), v)))
    }

    fn items(self) -> impl Iterator<Item = Self> {
        self.as_array().into_iter().flatten()
    }

    fn len(self) -> usize {
        self.as_array().map_or(0, Vec::len)
    }

    fn as_str(self) -> Option<&'a str> {
        Value::as_str(self)
    }

    fn scalar_text(self) -> Option<Cow<'a, str>> {
        match self {
            Value::String(s) => Some(Cow::Borrowed(s.as_str())),
            Value::Number(n) => Some(Cow::Owned(n.to_string())),
            Value::Bool(b) => Some(Cow::Owned(b.to_string())),
            _ => None,
        }
    }

    fn is_integer(self) -> bool {
        self.as_i64().is_some() || self.as_u64().is_some()
    }

    fn id(self) -> usize {
        std::ptr::from_ref(self) as usize
    }
}
