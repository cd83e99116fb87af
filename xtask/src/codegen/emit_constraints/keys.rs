//! The metaschema's `index` and `index-has-key` constraints, compiled to key sites: which
//! member of which definition's nodes holds a key (a flag, or a scalar field, one value or a
//! list), under which parent, and on which conditions on the node's flags. The reference
//! check (`crates/poam-validate/src/references.rs`) walks the typed model once with them:
//! the keys of every index first, then every key that must be in one.
//!
//! Only what a POA&M needs is expressible: a target that is the declaring node itself or a
//! child of it, with predicates on its flags (`@f = 'v'`, `starts-with(@f, 'v')`, `and`), and
//! one key field that is a flag, a scalar child field, or the node itself (a scalar field,
//! whose key sites are then every definition holding it). Anything else, an index no
//! `index-has-key` of a POA&M uses, and a key `pattern` are listed as not evaluated.

use std::fmt::Write as _;

use super::{Ast, CmpOp, Parser, RawConstraint, Resolver};
use crate::codegen::emit_model::field_has_struct;
use crate::codegen::metaschema::{DefRef, Definition, Kind};

/// A condition on a flag of the node holding a key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Cond {
    FlagIn(String, Vec<String>),
    FlagStartsWith(String, String),
}

/// Where keys sit.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Site {
    owner: String,
    parent: Option<String>,
    member: String,
    when: Vec<Cond>,
    /// How a key here is named in messages: the member's XML name (singular for lists), or
    /// for a prop's value, the prop's name.
    what: String,
}

#[derive(Debug, Clone)]
struct Declared {
    id: String,
    name: String,
    site: Site,
}

/// The indexes and key references of one metaschema version.
#[derive(Default)]
pub(super) struct Keys {
    indexes: Vec<Declared>,
    refs: Vec<Declared>,
}

impl Keys {
    /// Adds constraint `c` (`id`, an `index` or `index-has-key`) declared on `def`; `Err` is
    /// why it is not evaluated.
    pub(super) fn add(
        &mut self,
        r: &Resolver,
        def: &DefRef,
        id: &str,
        c: &RawConstraint,
    ) -> Result<(), String> {
        let Some(name) = &c.index_name else {
            return Err("an index constraint without a name".into());
        };
        let [key] = c.keys.as_slice() else {
            return Err(format!(
                "{} key fields: only single-key indexes are evaluated",
                c.keys.len()
            ));
        };
        if c.key_pattern.is_some() {
            return Err(
                "a key with a pattern (`#fragment` hrefs): links are resolved by the reference \
                 rule for every `#fragment` (oscal-reference)"
                    .into(),
            );
        }
        let sites = sites(r, def, &c.target, key)?;
        if sites.is_empty() {
            return Err(format!(
                "target `{}`, key `{key}` select nothing in a POA&M",
                c.target
            ));
        }
        let list = if c.kind == "index" {
            &mut self.indexes
        } else {
            &mut self.refs
        };
        for site in sites {
            list.push(Declared {
                id: id.to_owned(),
                name: name.clone(),
                site,
            });
        }
        Ok(())
    }

    /// The Rust expression of the `Keys` table; `skip(id, definition, why)` receives what
    /// is not evaluated: indexes no key reference uses, references to an index the version
    /// does not define.
    pub(super) fn emit(&self, skip: &mut dyn FnMut(&str, &str, String)) -> String {
        let mut refs: Vec<&Declared> = Vec::new();
        for (n, k) in self.refs.iter().enumerate() {
            if !self.indexes.iter().any(|i| i.name == k.name) {
                skip(
                    &k.id,
                    &k.site.owner,
                    format!("index {} is not defined", k.name),
                );
                continue;
            }
            // One check per key site: the same site declared twice (in two modules, or on a
            // definition and again on a parent of it) is checked once, and a site without a
            // parent covers the same site under a named parent.
            let covered = self.refs.iter().enumerate().any(|(o, other)| {
                let same = other.name == k.name
                    && Site {
                        parent: None,
                        ..other.site.clone()
                    } == Site {
                        parent: None,
                        ..k.site.clone()
                    };
                let wider = other.site.parent.is_none() && k.site.parent.is_some();
                same && (wider || (other.site.parent == k.site.parent && o < n))
            });
            if !covered {
                refs.push(k);
            }
        }
        let mut out = String::from("Keys { indexes: &[");
        for i in &self.indexes {
            if !self.refs.iter().any(|k| k.name == i.name) {
                skip(
                    &i.id,
                    &i.site.owner,
                    format!("index {}: no index-has-key of a POA&M uses it", i.name),
                );
                continue;
            }
            let _ = write!(
                out,
                "KeyIndex {{ id: {:?}, name: {:?}, noun: {:?}, site: {} }}, ",
                i.id,
                i.name,
                noun(&i.site),
                site_code(&i.site)
            );
        }
        out.push_str("], refs: &[");
        for k in refs {
            let _ = write!(
                out,
                "KeyRef {{ id: {:?}, index: {:?}, site: {} }}, ",
                k.id,
                k.name,
                site_code(&k.site)
            );
        }
        out.push_str("] }");
        out
    }
}

/// How the things an index holds are named: `role`, `organization party`,
/// `back-matter resource` (the parent is named unless it is the metadata).
fn noun(site: &Site) -> String {
    let mut words = Vec::new();
    for c in &site.when {
        if let Cond::FlagIn(_, v) = c
            && let [one] = v.as_slice()
        {
            words.push(one.clone());
        }
    }
    if let Some(p) = site.parent.as_ref().filter(|p| *p != "metadata") {
        words.push(p.clone());
    }
    words.push(site.owner.clone());
    words.join(" ")
}

fn site_code(s: &Site) -> String {
    let when = s
        .when
        .iter()
        .map(|c| match c {
            Cond::FlagIn(f, v) => format!("KeyCondition::FlagIn({f:?}, &{v:?})"),
            Cond::FlagStartsWith(f, p) => format!("KeyCondition::FlagStartsWith({f:?}, {p:?})"),
        })
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "KeySite {{ owner: {:?}, parent: {:?}, member: {:?}, what: {:?}, when: &[{when}] }}",
        s.owner, s.parent, s.member, s.what
    )
}

fn is_scalar(d: &Definition) -> bool {
    d.kind == Kind::Field && !field_has_struct(d)
}

/// The key sites of `target` / `key` declared on `def`.
fn sites(r: &Resolver, def: &DefRef, target: &str, key: &str) -> Result<Vec<Site>, String> {
    let m = r.m;
    let parsed = Parser::parse(target).map_err(|e| format!("target `{target}`: {e}"))?;
    let (owners, when) = match parsed {
        Ast::Filter(inner, preds) => {
            let mut when = Vec::new();
            for p in &preds {
                conds(p, &mut when)?;
            }
            (owners(r, def, &inner)?, when)
        }
        other => (owners(r, def, &other)?, Vec::new()),
    };
    let key_ast = Parser::parse(key).map_err(|e| format!("key `{key}`: {e}"))?;
    let mut out = Vec::new();
    for (owner, parent) in owners {
        let od = m.def(&owner);
        match &key_ast {
            Ast::Attr(f) if od.flags.iter().any(|x| x.name == *f) => out.push(Site {
                owner: od.name.clone(),
                parent,
                member: f.clone(),
                what: flag_what(f, &when),
                when: when.clone(),
            }),
            Ast::Attr(_) => {}
            Ast::Name(n) => {
                for item in od.model.iter().filter(|i| r.xml_name(i) == *n) {
                    if !is_scalar(m.def(&item.target)) {
                        return Err(format!("key `{key}` is not a scalar field"));
                    }
                    out.push(Site {
                        owner: od.name.clone(),
                        parent: parent.clone(),
                        member: item.json_name().to_owned(),
                        what: r.xml_name(item),
                        when: when.clone(),
                    });
                }
            }
            Ast::Context if is_scalar(od) && when.is_empty() && parent.is_none() => {
                // The key is the field's value: its sites are the definitions holding it.
                for p in r.order {
                    for item in m.def(p).model.iter().filter(|i| i.target == owner) {
                        out.push(Site {
                            owner: m.def(p).name.clone(),
                            parent: None,
                            member: item.json_name().to_owned(),
                            what: r.xml_name(item),
                            when: Vec::new(),
                        });
                    }
                }
            }
            _ => return Err(format!("key `{key}` on target `{target}` is not supported")),
        }
    }
    Ok(out)
}

/// A prop's value is named by the prop's name (`physical-location`); other flags by theirs.
fn flag_what(flag: &str, when: &[Cond]) -> String {
    let name = when.iter().find_map(|c| match c {
        Cond::FlagIn(f, v) if f == "name" && v.len() == 1 => Some(v[0].clone()),
        _ => None,
    });
    match name {
        Some(n) if flag == "value" => n,
        _ => flag.to_owned(),
    }
}

/// The nodes a target selects from `def`: itself, or its children of one name (with their
/// parent's name).
fn owners(r: &Resolver, def: &DefRef, ast: &Ast) -> Result<Vec<(DefRef, Option<String>)>, String> {
    let d = r.m.def(def);
    match ast {
        Ast::Context => Ok(vec![(def.clone(), None)]),
        Ast::Name(n) => Ok(d
            .model
            .iter()
            .filter(|i| r.xml_name(i) == *n)
            .map(|i| (i.target.clone(), Some(d.name.clone())))
            .collect()),
        other => Err(format!(
            "target {other:?}: only the node itself or a child of it is supported"
        )),
    }
}

/// The conditions on flags a predicate states.
fn conds(p: &Ast, out: &mut Vec<Cond>) -> Result<(), String> {
    match p {
        Ast::And(parts) => {
            for part in parts {
                conds(part, out)?;
            }
        }
        Ast::Cmp(l, CmpOp::Eq, v) => match l.as_ref() {
            Ast::Attr(f) => out.push(Cond::FlagIn(f.clone(), Resolver::strings(v)?)),
            other => return Err(format!("predicate on {other:?} is not supported")),
        },
        Ast::Call(f, args) if f == "starts-with" => match args.as_slice() {
            [Ast::Attr(flag), Ast::Str(s)] => {
                out.push(Cond::FlagStartsWith(flag.clone(), s.clone()));
            }
            _ => return Err("starts-with() on other than a flag is not supported".into()),
        },
        other => return Err(format!("predicate {other:?} is not supported")),
    }
    Ok(())
}
