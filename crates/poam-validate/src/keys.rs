//! The metaschema's `index` and `index-has-key` constraints (the generated [`Keys`] of the
//! rule set the document is checked against), evaluated on the typed model in one walk: the
//! keys of every index, and every key that must be in one, with its place.

use std::collections::{HashMap, HashSet};

use poam_model::PlanOfActionAndMilestones;
use poam_model::walk::{Node, Path, Segment, Value, Visitor, Walk};

use crate::schema::{KeyCondition, KeyIndex, KeySite, Keys};

/// A key that must be in an index.
pub(crate) struct KeyUse {
    /// The index it must be in.
    pub(crate) index: &'static KeyIndex,
    pub(crate) value: String,
    /// The JSON pointer of the key.
    pub(crate) pointer: String,
    /// How the key is named in messages (`party-uuid`, `physical-location`).
    pub(crate) what: &'static str,
}

/// What one walk found.
#[derive(Default)]
pub(crate) struct Collected {
    /// The keys of each index, by index name.
    pub(crate) keys: HashMap<&'static str, HashSet<String>>,
    /// Every key that must be in an index, in walk order.
    pub(crate) uses: Vec<KeyUse>,
}

impl Collected {
    /// Whether `u`'s key is in its index.
    pub(crate) fn resolves(&self, u: &KeyUse) -> bool {
        self.keys
            .get(u.index.name)
            .is_some_and(|k| k.contains(&u.value))
    }

    /// Whether another index of the same definition's nodes holds `u`'s key (a party that
    /// is not an organization).
    pub(crate) fn defines_otherwise(&self, keys: &Keys, u: &KeyUse) -> bool {
        keys.indexes.iter().any(|i| {
            i.name != u.index.name
                && i.site.owner == u.index.site.owner
                && self.keys.get(i.name).is_some_and(|k| k.contains(&u.value))
        })
    }
}

/// Walks `p` once for the indexes and key references of `keys`.
pub(crate) fn collect(p: &PlanOfActionAndMilestones, keys: &'static Keys) -> Collected {
    let sites = keys
        .indexes
        .iter()
        .map(|i| &i.site)
        .chain(keys.refs.iter().map(|r| &r.site));
    let mut members = HashSet::new();
    for s in sites {
        members.insert((s.owner, s.member));
        for c in s.when {
            let (KeyCondition::FlagIn(f, _) | KeyCondition::FlagStartsWith(f, _)) = c;
            members.insert((s.owner, *f));
        }
    }
    let mut c = Collector {
        keys,
        members,
        stack: Vec::new(),
        out: Collected::default(),
    };
    p.walk(&mut Path::root(), &mut c);
    c.out
}

/// An object being walked, with the values of its members that some site needs.
struct Frame {
    def: &'static str,
    depth: usize,
    values: Vec<(&'static str, Option<usize>, String)>,
}

impl Frame {
    fn flag(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(m, i, _)| *m == name && i.is_none())
            .map(|(_, _, v)| v.as_str())
    }

    fn holds(&self, site: &KeySite, parent: Option<&'static str>) -> bool {
        site.owner == self.def
            && site.parent.is_none_or(|p| Some(p) == parent)
            && site.when.iter().all(|c| match c {
                KeyCondition::FlagIn(f, values) => {
                    self.flag(f).is_some_and(|v| values.contains(&v))
                }
                KeyCondition::FlagStartsWith(f, prefix) => {
                    self.flag(f).is_some_and(|v| v.starts_with(prefix))
                }
            })
    }

    /// The values of `member`, with their pointers below `path`.
    fn keys<'f>(
        &'f self,
        path: &'f Path,
        member: &'static str,
    ) -> impl Iterator<Item = (String, &'f str)> + 'f {
        self.values
            .iter()
            .filter(move |(m, _, _)| *m == member)
            .map(move |(m, i, v)| match i {
                Some(i) => (format!("{path}/{m}/{i}"), v.as_str()),
                None => (format!("{path}/{m}"), v.as_str()),
            })
    }
}

struct Collector {
    keys: &'static Keys,
    /// `(definition, member)` pairs some site reads.
    members: HashSet<(&'static str, &'static str)>,
    stack: Vec<Frame>,
    out: Collected,
}

/// The text of a string-like scalar.
fn text(v: Value<'_>) -> Option<&str> {
    Some(match v {
        Value::String(s) => s.as_str(),
        Value::Token(t) => t.as_str(),
        Value::Uuid(u) => u.as_str(),
        Value::Uri(u) => u.as_str(),
        Value::UriReference(u) => u.as_str(),
        _ => return None,
    })
}

impl Visitor for Collector {
    fn node(&mut self, path: &Path, node: Node<'_>) {
        self.stack.push(Frame {
            def: node.definition_name(),
            depth: path.segments().len(),
            values: Vec::new(),
        });
    }

    fn value(&mut self, path: &Path, v: Value<'_>) {
        let Some(f) = self.stack.last_mut() else {
            return;
        };
        let (member, index) = match path.segments().get(f.depth..) {
            Some([Segment::Key(k)]) => (*k, None),
            Some([Segment::Key(k), Segment::Index(i)]) => (*k, Some(*i)),
            _ => return,
        };
        if self.members.contains(&(f.def, member))
            && let Some(t) = text(v)
        {
            f.values.push((member, index, t.to_owned()));
        }
    }

    fn leave(&mut self, path: &Path, _node: Node<'_>) {
        let Some(f) = self.stack.pop() else {
            return;
        };
        if f.values.is_empty() {
            return;
        }
        let parent = self.stack.last().map(|p| p.def);
        for ix in self.keys.indexes {
            if f.holds(&ix.site, parent) {
                let set = self.out.keys.entry(ix.name).or_default();
                set.extend(f.keys(path, ix.site.member).map(|(_, v)| v.to_owned()));
            }
        }
        for r in self.keys.refs {
            let Some(index) = self.keys.indexes.iter().find(|i| i.name == r.index) else {
                continue;
            };
            if f.holds(&r.site, parent) {
                for (pointer, value) in f.keys(path, r.site.member) {
                    self.out.uses.push(KeyUse {
                        index,
                        value: value.to_owned(),
                        pointer,
                        what: r.site.what,
                    });
                }
            }
        }
    }
}
