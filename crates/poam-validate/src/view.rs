//! The typed model seen as the JSON tree of the text it was read from, borrowed: the
//! constraint pass runs on it instead of on a second parse of the text.
//!
//! Each model struct is an object whose members are looked up by JSON key
//! (`view_generated.rs`, written by `cargo xtask codegen`); what a field shows as is decided
//! here by its Rust type: an absent `Option` or an empty `Vec` is no member (as in the JSON a
//! valid text has: the readers refuse `[]` where a list is required, and `validate_text`
//! takes the tree path for text with `null` or `[]` anywhere), a `Vec` an array, a string
//! datatype its text as written, an integer its number, markup the Markdown it was read from.

use std::borrow::Cow;

use poam_model::datatypes::{
    Base64, DateTimeWithTimezone, EmailAddress, NonNegativeInteger, PositiveInteger, Token, Uri,
    UriReference, Uuid,
};
use poam_model::walk::{Node, Value};
use poam_model::{MarkupLine, MarkupMultiline};

use crate::node::{JsonNode, NodeKind};
use crate::view_generated::{keys, member};

/// A node of the model's JSON form.
#[derive(Clone, Copy)]
pub(crate) enum ModelView<'a> {
    Object(Node<'a>, usize),
    Array(&'a dyn ListView<'a>),
    Scalar(Value<'a>, usize),
}

/// What a model value shows as in the view: `None` where the JSON form has no member.
pub(crate) trait Viewed<'a> {
    fn view(&'a self) -> Option<ModelView<'a>>;
}

/// A `Vec` of the model, as an array of the view.
pub(crate) trait ListView<'a> {
    fn len(&self) -> usize;
    fn item(&'a self, i: usize) -> Option<ModelView<'a>>;
    fn address(&self) -> usize;
}

impl<'a, T: Viewed<'a>> ListView<'a> for Vec<T> {
    fn len(&self) -> usize {
        Vec::len(self)
    }
    fn item(&'a self, i: usize) -> Option<ModelView<'a>> {
        self.get(i)?.view()
    }
    fn address(&self) -> usize {
        std::ptr::from_ref(self) as usize
    }
}

impl<'a, T: Viewed<'a>> Viewed<'a> for Option<T> {
    fn view(&'a self) -> Option<ModelView<'a>> {
        self.as_ref()?.view()
    }
}

impl<'a, T: Viewed<'a>> Viewed<'a> for Box<T> {
    fn view(&'a self) -> Option<ModelView<'a>> {
        (**self).view()
    }
}

impl<'a, T: Viewed<'a> + 'a> Viewed<'a> for Vec<T> {
    fn view(&'a self) -> Option<ModelView<'a>> {
        (!self.is_empty()).then_some(ModelView::Array(self))
    }
}

/// `Viewed` for scalar types: the walker's `Value` of the same name.
macro_rules! viewed_scalar {
    ($($ty:ty => $variant:ident),* $(,)?) => {$(
        impl<'a> Viewed<'a> for $ty {
            fn view(&'a self) -> Option<ModelView<'a>> {
                Some(ModelView::Scalar(Value::$variant(self), std::ptr::from_ref(self) as usize))
            }
        }
    )*};
}

viewed_scalar!(
    String => String,
    Token => Token,
    Uuid => Uuid,
    Uri => Uri,
    UriReference => UriReference,
    DateTimeWithTimezone => DateTimeWithTimezone,
    EmailAddress => EmailAddress,
    Base64 => Base64,
    NonNegativeInteger => NonNegativeInteger,
    PositiveInteger => PositiveInteger,
    MarkupLine => MarkupLine,
    MarkupMultiline => MarkupMultiline,
);

impl<'a> ModelView<'a> {
    /// The view of the model object `node` (at `at`).
    pub(crate) fn object<T>(node: Node<'a>, at: &'a T) -> Self {
        ModelView::Object(node, std::ptr::from_ref(at) as usize)
    }
}

/// Two nodes at one address are told apart by their definition (a struct and its first
/// member), or as an array or a scalar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct ViewId(usize, &'static str);

impl<'a> JsonNode<'a> for ModelView<'a> {
    type Id = ViewId;

    fn kind(self) -> NodeKind {
        match self {
            ModelView::Object(..) => NodeKind::Object,
            ModelView::Array(_) => NodeKind::Array,
            ModelView::Scalar(Value::NonNegativeInteger(_) | Value::PositiveInteger(_), _) => {
                NodeKind::Number
            }
            ModelView::Scalar(..) => NodeKind::String,
        }
    }

    fn get(self, key: &str) -> Option<(&'a str, Self)> {
        let ModelView::Object(node, _) = self else {
            return None;
        };
        member(node, key)
    }

    fn members(self) -> impl Iterator<Item = (&'a str, Self)> {
        let node = match self {
            ModelView::Object(node, _) => Some(node),
            _ => None,
        };
        node.into_iter()
            .flat_map(|node| keys(node).iter().filter_map(move |k| member(node, k)))
    }

    fn items(self) -> impl Iterator<Item = Self> {
        let list = match self {
            ModelView::Array(list) => Some(list),
            _ => None,
        };
        list.into_iter()
            .flat_map(|list| (0..list.len()).filter_map(move |i| list.item(i)))
    }

    fn len(self) -> usize {
        match self {
            ModelView::Array(list) => list.len(),
            _ => 0,
        }
    }

    fn as_str(self) -> Option<&'a str> {
        match self {
            ModelView::Scalar(v, _) => match v {
                Value::NonNegativeInteger(_) | Value::PositiveInteger(_) => None,
                _ => scalar_source(v),
            },
            _ => None,
        }
    }

    fn scalar_text(self) -> Option<Cow<'a, str>> {
        let ModelView::Scalar(v, _) = self else {
            return None;
        };
        Some(match v {
            Value::NonNegativeInteger(n) => Cow::Owned(n.0.to_string()),
            Value::PositiveInteger(n) => Cow::Owned(n.0.to_string()),
            Value::MarkupLine(m) => m
                .markdown_source()
                .map_or_else(|| Cow::Owned(m.to_markdown()), Cow::Borrowed),
            Value::MarkupMultiline(m) => m
                .markdown_source()
                .map_or_else(|| Cow::Owned(m.to_markdown()), Cow::Borrowed),
            other => Cow::Borrowed(scalar_source(other)?),
        })
    }

    fn is_integer(self) -> bool {
        matches!(
            self,
            ModelView::Scalar(Value::NonNegativeInteger(_) | Value::PositiveInteger(_), _)
        )
    }

    fn id(self) -> ViewId {
        match self {
            ModelView::Object(node, at) => ViewId(at, node.definition_name()),
            ModelView::Array(list) => ViewId(list.address(), "[]"),
            ModelView::Scalar(_, at) => ViewId(at, ""),
        }
    }
}

/// The text of a string scalar as read (markup: its Markdown, when it was read from it).
fn scalar_source(v: Value<'_>) -> Option<&str> {
    Some(match v {
        Value::String(s) => s.as_str(),
        Value::Token(t) => t.as_str(),
        Value::Uuid(u) => u.as_str(),
        Value::Uri(u) => u.as_str(),
        Value::UriReference(u) => u.as_str(),
        Value::DateTimeWithTimezone(d) => d.as_str(),
        Value::EmailAddress(e) => e.as_str(),
        Value::Base64(b) => b.as_str(),
        Value::MarkupLine(m) => m.markdown_source()?,
        Value::MarkupMultiline(m) => m.markdown_source()?,
        Value::NonNegativeInteger(_) | Value::PositiveInteger(_) => return None,
    })
}

/// Whether JSON `text` may hold what the model's view cannot show and the tree pass reports:
/// a `null` (read as an absent member) or an empty array `[]` (read as an absent list). It
/// looks at the text outside strings, in one scan of the bytes (jumping between the few that
/// matter); a text for which it says yes is checked on its tree.
pub(crate) fn json_shows_more_than_the_model(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    while let Some(at) = b
        .get(i..)
        .and_then(|rest| memchr::memchr3(b'"', b'n', b'[', rest))
    {
        let j = i + at;
        match b.get(j) {
            Some(b'"') => i = string_end(b, j + 1),
            // Outside strings, only `null` starts with `n` in JSON.
            Some(b'n') => return true,
            _ => {
                i = j + 1;
                while b.get(i).is_some_and(u8::is_ascii_whitespace) {
                    i += 1;
                }
                if b.get(i) == Some(&b']') {
                    return true;
                }
            }
        }
    }
    false
}

/// Just past the closing quote of the string whose text starts at `i`.
fn string_end(b: &[u8], mut i: usize) -> usize {
    while let Some(at) = b
        .get(i..)
        .and_then(|rest| memchr::memchr2(b'"', b'\\', rest))
    {
        let j = i + at;
        if b.get(j) == Some(&b'"') {
            return j + 1;
        }
        i = j + 2;
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::json_shows_more_than_the_model as shows_more;

    #[test]
    fn null_and_empty_arrays_are_found_outside_strings_only() {
        assert!(!shows_more(
            r#"{"a": ["null", "[]", "x\"null"], "b": [1], "c": {}}"#
        ));
        assert!(shows_more(r#"{"a": "x", "b": null}"#));
        assert!(shows_more(r#"{"a": "\\", "b": [ ]}"#));
        assert!(shows_more("{\"b\": [\n]}"));
        assert!(!shows_more(r#"{"a": "[ ]"}"#));
    }
}
