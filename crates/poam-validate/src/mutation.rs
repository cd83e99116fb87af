//! Systematic mutations of a valid document, for testing validators (this one, and its
//! agreement with the official JSON Schemas in the conformance suite).
//!
//! Driven by the same generated tables as the structural pass, so every required member,
//! datatype, array, object and reference of the document gets its mutant. A [`Mutation`] is
//! small; [`Mutation::apply`] makes the mutated copy only when asked, so even large documents
//! can be mutated one mutant at a time.

use serde_json::Value;

use crate::generated::{DEFS, ROOT_DEF};
use crate::schema::{Datatype, Def, DefKind, Flag, Member};

/// What a mutation breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A member every supported OSCAL version requires is removed.
    DropRequired,
    /// A value is replaced by one that breaks its datatype's syntax.
    BreakDatatype,
    /// An array is emptied.
    EmptyArray,
    /// An object gets a member OSCAL does not define.
    UnknownMember,
    /// A member gets the wrong JSON type.
    WrongType,
    /// An identifier is set to another identifier's UUID.
    DuplicateUuid,
    /// A reference is pointed at nothing.
    DangleReference,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::DropRequired,
        Kind::BreakDatatype,
        Kind::EmptyArray,
        Kind::UnknownMember,
        Kind::WrongType,
        Kind::DuplicateUuid,
        Kind::DangleReference,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::DropRequired => "drop required member",
            Kind::BreakDatatype => "break datatype",
            Kind::EmptyArray => "empty array",
            Kind::UnknownMember => "unknown member",
            Kind::WrongType => "wrong JSON type",
            Kind::DuplicateUuid => "duplicate UUID",
            Kind::DangleReference => "dangling reference",
        }
    }
}

/// One step of a path into the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

#[derive(Debug, Clone, PartialEq)]
enum Edit {
    Remove,
    Set(Value),
    Insert(String, Value),
}

/// One mutation of a document.
#[derive(Debug, Clone, PartialEq)]
pub struct Mutation {
    pub kind: Kind,
    /// JSON pointer of the place mutated.
    pub pointer: String,
    /// What was done, for reports.
    pub description: String,
    path: Vec<Seg>,
    edit: Edit,
}

impl Mutation {
    /// The mutated copy of `tree` (the tree the mutation was computed from).
    pub fn apply(&self, tree: &Value) -> Value {
        let mut out = tree.clone();
        self.apply_in_place(&mut out);
        out
    }

    /// Applies the mutation to `tree` itself.
    pub fn apply_in_place(&self, tree: &mut Value) {
        let Some((last, parents)) = self.path.split_last() else {
            return;
        };
        let mut cur = tree;
        for s in parents {
            let next = match (s, cur) {
                (Seg::Key(k), Value::Object(o)) => o.get_mut(k),
                (Seg::Index(i), Value::Array(a)) => a.get_mut(*i),
                _ => None,
            };
            let Some(n) = next else {
                return;
            };
            cur = n;
        }
        match (&self.edit, last, cur) {
            (Edit::Remove, Seg::Key(k), Value::Object(o)) => {
                o.shift_remove(k);
            }
            (Edit::Set(v), Seg::Key(k), Value::Object(o)) => {
                o.insert(k.clone(), v.clone());
            }
            (Edit::Set(v), Seg::Index(i), Value::Array(a)) => {
                if let Some(slot) = a.get_mut(*i) {
                    *slot = v.clone();
                }
            }
            (Edit::Insert(key, v), s, parent) => {
                let target = match (s, parent) {
                    (Seg::Key(k), Value::Object(o)) => o.get_mut(k),
                    (Seg::Index(i), Value::Array(a)) => a.get_mut(*i),
                    _ => None,
                };
                if let Some(Value::Object(o)) = target {
                    o.insert(key.clone(), v.clone());
                }
            }
            _ => {}
        }
    }
}

fn pointer(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        s.push('/');
        match seg {
            Seg::Key(k) => s.push_str(&k.replace('~', "~0").replace('/', "~1")),
            Seg::Index(i) => s.push_str(&i.to_string()),
        }
    }
    s
}

/// A value that breaks `dt`, or `None` where nothing but emptiness breaks it
/// (markup-multiline, whose emptiness the official JSON Schemas accept).
fn broken(dt: Datatype) -> Option<Value> {
    Some(match dt {
        Datatype::String => Value::from(" leading space"),
        Datatype::Token => Value::from("not a token"),
        Datatype::Uuid => Value::from("not-a-uuid"),
        Datatype::Uri => Value::from("no-scheme"),
        Datatype::UriReference => Value::from("has spaces in it"),
        Datatype::DateTimeWithTimezone => Value::from("2024-13-45T25:00:00"),
        Datatype::DateWithTimezone | Datatype::Date => Value::from("2024-13-45"),
        Datatype::DateTime => Value::from("yesterday"),
        Datatype::IpV4Address | Datatype::IpV6Address => Value::from("not-an-address"),
        Datatype::EmailAddress => Value::from("nobody"),
        Datatype::Base64 => Value::from("not base64!"),
        Datatype::Integer => Value::from("seven"),
        Datatype::NonNegativeInteger => Value::from(-1),
        Datatype::PositiveInteger => Value::from(0),
        Datatype::MarkupLine => Value::from("two\nlines"),
        Datatype::MarkupMultiline => return None,
    })
}

/// Flags that point at something else, and what to point them at instead.
fn dangling(flag: &str, value: &str) -> Option<Value> {
    const NOWHERE: &str = "00000000-0000-4000-8000-000000000000";
    match flag {
        "risk-uuid" | "observation-uuid" | "finding-uuid" | "party-uuid" | "location-uuid"
        | "component-uuid" | "subject-uuid" | "actor-uuid" | "response-uuid" | "task-uuid" => {
            Some(Value::from(NOWHERE))
        }
        "role-id" => Some(Value::from("no-such-role")),
        "href" if value.starts_with('#') => Some(Value::from(format!("#{NOWHERE}"))),
        _ => None,
    }
}

/// Every mutation of `tree` (a whole document in OSCAL JSON form), in document order.
pub fn mutations(tree: &Value) -> Vec<Mutation> {
    let declared = crate::tree::declared_version(tree);
    let rule_set = crate::AppliedRuleSet::for_declared(declared.as_deref());
    let mut m = Collector {
        out: Vec::new(),
        first_uuid: None,
        markup_line_is_any_string: crate::version::markup_line_is_any_string(rule_set.version),
    };
    if let Some(root) = tree.get(crate::ROOT_NAME) {
        let mut path = vec![Seg::Key(crate::ROOT_NAME.to_owned())];
        m.node(ROOT_DEF, root, &mut path);
    }
    m.out
}

struct Collector {
    out: Vec<Mutation>,
    first_uuid: Option<String>,
    /// The document's version takes any string as a markup-line (1.0, 1.1): nothing breaks
    /// one there.
    markup_line_is_any_string: bool,
}

impl Collector {
    /// A value that breaks `dt` in the document's version ([`broken`]).
    fn broken(&self, dt: Datatype) -> Option<Value> {
        if dt == Datatype::MarkupLine && self.markup_line_is_any_string {
            return None;
        }
        broken(dt)
    }

    fn push(&mut self, kind: Kind, path: &[Seg], description: String, edit: Edit) {
        self.out.push(Mutation {
            kind,
            pointer: pointer(path),
            description,
            path: path.to_vec(),
            edit,
        });
    }

    fn node(&mut self, d: u16, v: &Value, path: &mut Vec<Seg>) {
        let def = &DEFS[usize::from(d)];
        if def.kind == DefKind::Scalar {
            if let Some(b) = self.broken(def.datatype) {
                self.push(
                    Kind::BreakDatatype,
                    path,
                    format!("{} = {b}", def.name),
                    Edit::Set(b),
                );
            }
            return;
        }
        let Some(obj) = v.as_object() else {
            return;
        };
        self.push(
            Kind::UnknownMember,
            path,
            format!("add `x-unknown` to {}", def.name),
            Edit::Insert("x-unknown".into(), Value::from("surprise")),
        );
        for (k, val) in obj {
            path.push(Seg::Key(k.clone()));
            if let Some(f) = def.flags.iter().find(|f| f.name == k) {
                self.flag(def, f, val, path);
            } else if def.value_key == Some(k.as_str()) {
                self.field_value(def, path);
            } else if let Some(m) = def.members.iter().find(|m| m.key == k) {
                self.member(def, m, val, path);
            }
            path.pop();
        }
    }

    /// The mutations of flag `f` of a `def` node (at `path`, with value `val`).
    fn flag(&mut self, def: &Def, f: &Flag, val: &Value, path: &[Seg]) {
        let k = f.name;
        if f.required {
            self.push(
                Kind::DropRequired,
                path,
                format!("drop {}/@{k}", def.name),
                Edit::Remove,
            );
        }
        if let Some(b) = self.broken(f.datatype) {
            self.push(
                Kind::BreakDatatype,
                path,
                format!("{}/@{k} = {b}", def.name),
                Edit::Set(b),
            );
        }
        let text = val.as_str().unwrap_or_default();
        if k == "uuid" {
            match &self.first_uuid {
                None => self.first_uuid = Some(text.to_owned()),
                Some(first) if first != text => {
                    let first = Value::from(first.clone());
                    self.push(
                        Kind::DuplicateUuid,
                        path,
                        format!("{}/@uuid = the document's first UUID", def.name),
                        Edit::Set(first),
                    );
                }
                Some(_) => {}
            }
        }
        if let Some(nowhere) = dangling(k, text) {
            self.push(
                Kind::DangleReference,
                path,
                format!("{}/@{k} = {nowhere}", def.name),
                Edit::Set(nowhere),
            );
        }
        self.push(
            Kind::WrongType,
            path,
            format!("{}/@{k} = {{}}", def.name),
            Edit::Set(Value::Object(serde_json::Map::new())),
        );
    }

    /// The mutations of the value of a field with flags.
    fn field_value(&mut self, def: &Def, path: &[Seg]) {
        self.push(
            Kind::DropRequired,
            path,
            format!("drop the value of {}", def.name),
            Edit::Remove,
        );
        if let Some(b) = self.broken(def.datatype) {
            self.push(
                Kind::BreakDatatype,
                path,
                format!("{} value = {b}", def.name),
                Edit::Set(b),
            );
        }
    }

    /// The mutations of member `m` of a `def` node, then of its value(s).
    fn member(&mut self, def: &Def, m: &Member, val: &Value, path: &mut Vec<Seg>) {
        let k = m.key;
        if m.required {
            self.push(
                Kind::DropRequired,
                path,
                format!("drop {}/{k}", def.name),
                Edit::Remove,
            );
        }
        if !m.many {
            self.push(
                Kind::WrongType,
                path,
                format!("{}/{k} = []", def.name),
                Edit::Set(Value::Array(Vec::new())),
            );
            self.member_item(m.def, val, path, k);
            return;
        }
        self.push(
            Kind::EmptyArray,
            path,
            format!("{}/{k} = []", def.name),
            Edit::Set(Value::Array(Vec::new())),
        );
        self.push(
            Kind::WrongType,
            path,
            format!("{}/{k} = \"x\"", def.name),
            Edit::Set(Value::from("x")),
        );
        if let Some(items) = val.as_array() {
            for (i, item) in items.iter().enumerate() {
                path.push(Seg::Index(i));
                self.member_item(m.def, item, path, k);
                path.pop();
            }
        }
    }

    /// A member's value: objects recurse; flag-less fields are scalars (some of them
    /// references, e.g. `party-uuids`).
    fn member_item(&mut self, d: u16, v: &Value, path: &mut Vec<Seg>, key: &str) {
        let def = &DEFS[usize::from(d)];
        if def.kind == DefKind::Scalar {
            let flag_like = match key {
                "party-uuids" | "member-of-organizations" => "party-uuid",
                "location-uuids" => "location-uuid",
                "role-ids" => "role-id",
                other => other,
            };
            if let Some(nowhere) = dangling(flag_like, v.as_str().unwrap_or_default()) {
                self.push(
                    Kind::DangleReference,
                    path,
                    format!("{} = {nowhere}", def.name),
                    Edit::Set(nowhere),
                );
            }
        }
        self.node(d, v, path);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn apply_edits_only_the_target() {
        let tree: Value = serde_json::from_str(r#"{"a": {"b": [1, {"c": 2}], "d": 3}}"#).unwrap();
        let m = Mutation {
            kind: Kind::DropRequired,
            pointer: "/a/b/1/c".into(),
            description: String::new(),
            path: vec![
                Seg::Key("a".into()),
                Seg::Key("b".into()),
                Seg::Index(1),
                Seg::Key("c".into()),
            ],
            edit: Edit::Remove,
        };
        assert_eq!(
            m.apply(&tree),
            serde_json::json!({"a": {"b": [1, {}], "d": 3}})
        );
        let m = Mutation {
            edit: Edit::Insert("x".into(), Value::from(1)),
            path: vec![Seg::Key("a".into())],
            ..m
        };
        assert_eq!(
            m.apply(&tree),
            serde_json::json!({"a": {"b": [1, {"c": 2}], "d": 3, "x": 1}})
        );
    }
}
