//! Writes the Rust model (`crates/poam-model/src/generated.rs`) from the metaschema IR.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::metaschema::{DefRef, Definition, Kind, Model, ModelItem};

pub const ROOT: &str = "plan-of-action-and-milestones";

/// A definition reachable from the root, with the Rust name it gets.
pub struct Reachable {
    pub order: Vec<DefRef>,
    pub names: BTreeMap<DefRef, String>,
}

pub fn pascal(s: &str) -> String {
    s.split(['-', '_', '.'])
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

pub fn snake(s: &str) -> String {
    let n = s.replace('-', "_");
    match n.as_str() {
        "type" | "ref" | "use" | "match" | "mod" | "self" | "struct" | "enum" | "fn" | "impl" => {
            format!("r#{n}")
        }
        _ => n,
    }
}

/// Does a field need a struct of its own (it has flags)?
/// The JSON member holding a field's value: its `json-value-key`, else the default for its
/// type.
pub fn json_value_key(d: &Definition) -> String {
    d.json_value_key
        .clone()
        .unwrap_or_else(|| match d.as_type.as_str() {
            "markup-line" => "RICHTEXT".into(),
            "markup-multiline" => "PROSE".into(),
            _ => "STRVALUE".into(),
        })
}

pub fn field_has_struct(d: &Definition) -> bool {
    d.kind == Kind::Field && !d.flags.is_empty()
}

/// Walks the model from the root and names every definition that becomes a Rust type.
pub fn reachable(m: &Model) -> Result<Reachable, String> {
    let root = DefRef::Global(super::metaschema::Kind2::Assembly, ROOT.to_owned());
    let mut order = Vec::new();
    let mut seen = BTreeSet::new();
    // (definition, name of the type that contains it, for inline names)
    let mut stack = vec![(root, String::new())];
    let mut inline_parent: BTreeMap<DefRef, String> = BTreeMap::new();
    while let Some((r, parent)) = stack.pop() {
        if !seen.insert(r.clone()) {
            continue;
        }
        let d = m.def(&r);
        if d.json_key.is_some() {
            return Err(format!("{}: json-key is not supported", d.name));
        }
        if matches!(r, DefRef::Inline(_)) {
            inline_parent.insert(r.clone(), parent);
        }
        order.push(r.clone());
        let me = pascal(&d.name);
        for item in d.model.iter().rev() {
            stack.push((item.target.clone(), me.clone()));
        }
    }
    // Names: globals by their own name; inline definitions by their name when that is unique
    // among all types, otherwise prefixed with the containing type's name.
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for r in &order {
        let d = m.def(r);
        if d.kind == Kind::Assembly || field_has_struct(d) {
            *count.entry(pascal(&d.name)).or_default() += 1;
        }
    }
    let mut names = BTreeMap::new();
    for r in &order {
        let d = m.def(r);
        let base = pascal(&d.name);
        let name = match r {
            DefRef::Global(..) => base,
            DefRef::Inline(_) if count.get(&base) == Some(&1) => base,
            DefRef::Inline(_) => format!(
                "{}{}",
                inline_parent.get(r).cloned().unwrap_or_default(),
                base
            ),
        };
        names.insert(r.clone(), name);
    }
    let mut used = BTreeMap::new();
    for (r, n) in &names {
        let d = m.def(r);
        if (d.kind == Kind::Assembly || field_has_struct(d))
            && let Some(other) = used.insert(n.clone(), r.clone())
        {
            return Err(format!("type name {n} used twice: {other:?} and {r:?}"));
        }
    }
    order.sort_by(|a, b| names[a].cmp(&names[b]));
    Ok(Reachable { order, names })
}

/// The Rust type of a scalar value of the given metaschema datatype.
pub fn value_type(as_type: &str) -> Result<&'static str, String> {
    Ok(match as_type {
        "string" => "String",
        "token" => "dt::Token",
        "uuid" => "dt::Uuid",
        "uri" => "dt::Uri",
        "uri-reference" => "dt::UriReference",
        "date-time-with-timezone" => "dt::DateTimeWithTimezone",
        "email-address" => "dt::EmailAddress",
        "base64" => "dt::Base64",
        "non-negative-integer" => "dt::NonNegativeInteger",
        "positive-integer" => "dt::PositiveInteger",
        "markup-line" => "MarkupLine",
        "markup-multiline" => "MarkupMultiline",
        other => return Err(format!("datatype {other} is not supported")),
    })
}

/// The `Value` variant the walker reports for a scalar of this datatype.
fn value_variant(as_type: &str) -> &'static str {
    match as_type {
        "string" => "String",
        "token" => "Token",
        "uuid" => "Uuid",
        "uri" => "Uri",
        "uri-reference" => "UriReference",
        "date-time-with-timezone" => "DateTimeWithTimezone",
        "email-address" => "EmailAddress",
        "base64" => "Base64",
        "non-negative-integer" => "NonNegativeInteger",
        "positive-integer" => "PositiveInteger",
        "markup-line" => "MarkupLine",
        _ => "MarkupMultiline",
    }
}

/// The Rust type of one item of a model entry (before Option / Vec).
fn item_type(m: &Model, r: &Reachable, item: &ModelItem) -> Result<String, String> {
    let d = m.def(&item.target);
    if d.kind == Kind::Assembly || field_has_struct(d) {
        Ok(r.names[&item.target].clone())
    } else {
        value_type(&d.as_type).map(str::to_owned)
    }
}

fn doc(out: &mut String, indent: &str, formal: &str, desc: &str) {
    if !formal.is_empty() {
        let _ = writeln!(out, "{indent}/// {formal}");
    }
    if !desc.is_empty() {
        if !formal.is_empty() {
            let _ = writeln!(out, "{indent}///");
        }
        for line in wrap(desc, 92) {
            let _ = writeln!(out, "{indent}/// {line}");
        }
    }
}

fn wrap(s: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for w in s.split_whitespace() {
        if !cur.is_empty() && cur.len() + w.len() + 1 > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(w);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
        .into_iter()
        .map(|l| {
            l.replace('[', "\\[")
                .replace(']', "\\]")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
        })
        .collect()
}

/// Is `to` reachable from `from` through singleton (non-Vec) members? Such members need a Box.
pub fn reaches(m: &Model, from: &DefRef, to: &DefRef, seen: &mut BTreeSet<DefRef>) -> bool {
    if from == to {
        return true;
    }
    if !seen.insert(from.clone()) {
        return false;
    }
    m.def(from)
        .model
        .iter()
        .filter(|i| !i.is_many())
        .any(|i| reaches(m, &i.target, to, seen))
}

pub fn emit(m: &Model, older: &[Model]) -> Result<String, String> {
    let r = reachable(m)?;
    let relaxed = compare_versions(m, older)?;
    let mut out = String::new();
    out.push_str("// @generated by `cargo xtask codegen` from the NIST OSCAL metaschema ");
    let _ = writeln!(out, "{}. Do not edit.", m.version);
    out.push_str(
        "//! The OSCAL POA&M model: one Rust type per assembly and per field with flags.\n\n\
         #![allow(clippy::doc_markdown, clippy::large_enum_variant, clippy::match_same_arms)]\n\n\
         use serde::{Deserialize, Serialize};\n\n\
         use crate::datatypes as dt;\n\
         use crate::walk::{Path, Value, Visitor, Walk};\n\
         use poam_markup::{MarkupLine, MarkupMultiline};\n\n",
    );
    let mut node_variants = Vec::new();
    for dr in &r.order {
        let d = m.def(dr);
        if !(d.kind == Kind::Assembly || field_has_struct(d)) {
            continue;
        }
        node_variants.push(r.names[dr].clone());
        emit_struct(&mut out, m, &r, &relaxed, dr)?;
    }
    emit_node_enum(&mut out, m, &r, &node_variants);
    Ok(out)
}

/// The struct of one definition, and its `Walk`.
fn emit_struct(
    out: &mut String,
    m: &Model,
    r: &Reachable,
    relaxed: &BTreeSet<(DefRef, String)>,
    dr: &DefRef,
) -> Result<(), String> {
    let d = m.def(dr);
    let name = &r.names[dr];
    doc(out, "", &d.formal_name, &d.description);
    let _ = writeln!(out, "///\n/// Metaschema: `{}` in `{}`.", d.name, d.module);
    out.push_str("#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]\n");
    out.push_str("#[serde(deny_unknown_fields)]\n");
    let _ = writeln!(out, "pub struct {name} {{");
    let mut walk = String::new();
    for f in &d.flags {
        let required = f.required && !relaxed.contains(&(dr.clone(), f.name.clone()));
        let ty = value_type(&f.as_type)?;
        doc(out, "    ", &f.formal_name, &f.description);
        let _ = writeln!(
            out,
            "    #[serde(rename = \"{}\"{})]",
            f.name,
            if required {
                ""
            } else {
                ", default, skip_serializing_if = \"Option::is_none\""
            }
        );
        let field = snake(&f.name);
        let variant = value_variant(&f.as_type);
        if required {
            let _ = writeln!(out, "    pub {field}: {ty},");
            let _ = writeln!(
                walk,
                "        p.push_key(\"{}\"); v.value(p, Value::{variant}(&self.{field})); p.pop();",
                f.name
            );
        } else {
            let _ = writeln!(out, "    pub {field}: Option<{ty}>,");
            let _ = writeln!(
                walk,
                "        if let Some(x) = &self.{field} {{ p.push_key(\"{}\"); v.value(p, Value::{variant}(x)); p.pop(); }}",
                f.name
            );
        }
    }
    if d.kind == Kind::Field {
        let key = json_value_key(d);
        let ty = value_type(&d.as_type)?;
        let _ = writeln!(
            out,
            "    /// The field's value.\n    #[serde(rename = \"{key}\")]\n    pub value: {ty},"
        );
        let _ = writeln!(
            walk,
            "        p.push_key(\"{key}\"); v.value(p, Value::{}(&self.value)); p.pop();",
            value_variant(&d.as_type)
        );
    }
    for item in &d.model {
        emit_member(out, &mut walk, m, r, relaxed, dr, item)?;
    }
    out.push_str("}\n\n");
    let _ = writeln!(
        out,
        "impl Walk for {name} {{\n    fn walk<V: Visitor + ?Sized>(&self, p: &mut Path, v: &mut V) {{\n        v.node(p, Node::{name}(self));"
    );
    out.push_str(&walk);
    let _ = writeln!(out, "        v.leave(p, Node::{name}(self));\n    }}\n}}\n");
    Ok(())
}

/// One model member of a struct (`out`), and its step of the walk (`walk`).
fn emit_member(
    out: &mut String,
    walk: &mut String,
    m: &Model,
    r: &Reachable,
    relaxed: &BTreeSet<(DefRef, String)>,
    dr: &DefRef,
    item: &ModelItem,
) -> Result<(), String> {
    let t = m.def(&item.target);
    let json = item.json_name().to_owned();
    let field = snake(&json);
    let base = item_type(m, r, item)?;
    let is_struct = t.kind == Kind::Assembly || field_has_struct(t);
    let required = item.min >= 1
        && item.choice.is_none()
        && !relaxed.contains(&(dr.clone(), item.json_name().to_owned()));
    if !t.description.is_empty() || !t.formal_name.is_empty() {
        doc(out, "    ", &t.formal_name, &t.description);
    }
    let visit_one = |x: &str| {
        if is_struct {
            format!("{}.walk(p, v);", x.trim_start_matches('&'))
        } else {
            format!("v.value(p, Value::{}({x}));", value_variant(&t.as_type))
        }
    };
    if item.is_many() {
        if required {
            // At least one item, as in XML (where none is the member missing): `[]` is
            // refused at its place, and the walk reports an empty list built in code.
            let _ = writeln!(
                out,
                "    #[serde(rename = \"{json}\", deserialize_with = \"crate::lists::at_least_one\")]"
            );
        } else {
            let _ = writeln!(
                out,
                "    #[serde(rename = \"{json}\", default, deserialize_with = \"crate::lists::fitted\", skip_serializing_if = \"Vec::is_empty\")]"
            );
        }
        let _ = writeln!(out, "    pub {field}: Vec<{base}>,");
        let empty = if required {
            format!("if self.{field}.is_empty() {{ v.empty_required_list(p); }} ")
        } else {
            String::new()
        };
        let _ = writeln!(
            walk,
            "        p.push_key(\"{json}\"); {empty}for (i, x) in self.{field}.iter().enumerate() {{ p.push_index(i); {} p.pop(); }} p.pop();",
            visit_one("x")
        );
    } else {
        let boxed = is_struct && reaches(m, &item.target, dr, &mut BTreeSet::new());
        let ty = if boxed { format!("Box<{base}>") } else { base };
        if required {
            let _ = writeln!(
                out,
                "    #[serde(rename = \"{json}\")]\n    pub {field}: {ty},"
            );
            let _ = writeln!(
                walk,
                "        p.push_key(\"{json}\"); {} p.pop();",
                visit_one(&format!("&self.{field}"))
            );
        } else {
            let _ = writeln!(
                out,
                "    #[serde(rename = \"{json}\", default, skip_serializing_if = \"Option::is_none\")]\n    pub {field}: Option<{ty}>,"
            );
            let _ = writeln!(
                walk,
                "        if let Some(x) = &self.{field} {{ p.push_key(\"{json}\"); {} p.pop(); }}",
                visit_one("x")
            );
        }
    }
    Ok(())
}

/// `Node`, a reference to any model object, and its definition names.
fn emit_node_enum(out: &mut String, m: &Model, r: &Reachable, node_variants: &[String]) {
    out.push_str("/// A reference to any model object, as the walker reports it.\n");
    out.push_str("#[derive(Debug, Clone, Copy)]\npub enum Node<'a> {\n");
    for n in node_variants {
        let article = if n.starts_with(['A', 'E', 'I', 'O', 'U']) {
            "An"
        } else {
            "A"
        };
        let _ = writeln!(out, "    /// {article} `{n}`.\n    {n}(&'a {n}),");
    }
    out.push_str("}\n\n");
    out.push_str("impl Node<'_> {\n    /// The metaschema name of the object's definition.\n    pub fn definition_name(&self) -> &'static str {\n        match self {\n");
    for dr in &r.order {
        let d = m.def(dr);
        if d.kind == Kind::Assembly || field_has_struct(d) {
            let _ = writeln!(
                out,
                "            Self::{}(_) => \"{}\",",
                r.names[dr], d.name
            );
        }
    }
    out.push_str("        }\n    }\n}\n");
}

/// Walks each older version alongside the newest from the root. Fails when an older version
/// has a member the newest lacks (one set of types must read every version); returns the
/// members required in the newest but optional in an older version, which stay optional.
pub fn compare_versions(m: &Model, older: &[Model]) -> Result<BTreeSet<(DefRef, String)>, String> {
    let root = DefRef::Global(super::metaschema::Kind2::Assembly, ROOT.to_owned());
    let mut relaxed = BTreeSet::new();
    let mut missing = Vec::new();
    for o in older {
        let mut seen = BTreeSet::new();
        let mut stack = vec![(root.clone(), root.clone(), ROOT.to_owned())];
        while let Some((n, od, path)) = stack.pop() {
            if !seen.insert((n.clone(), od.clone())) {
                continue;
            }
            let (nd, odef) = (m.def(&n), o.def(&od));
            for f in &odef.flags {
                match nd.flags.iter().find(|x| x.name == f.name) {
                    None => missing.push(format!("{} {path}/@{}", o.version, f.name)),
                    Some(x) if x.required && !f.required => {
                        relaxed.insert((n.clone(), f.name.clone()));
                    }
                    Some(_) => {}
                }
            }
            for i in &odef.model {
                match nd.model.iter().find(|x| x.json_name() == i.json_name()) {
                    None => missing.push(format!("{} {path}/{}", o.version, i.json_name())),
                    Some(x) => {
                        if x.min >= 1 && i.min == 0 {
                            relaxed.insert((n.clone(), x.json_name().to_owned()));
                        }
                        if x.is_many() != i.is_many() {
                            missing.push(format!(
                                "{} {path}/{}: cardinality differs",
                                o.version,
                                i.json_name()
                            ));
                        }
                        stack.push((
                            x.target.clone(),
                            i.target.clone(),
                            format!("{path}/{}", i.json_name()),
                        ));
                    }
                }
            }
        }
    }
    if missing.is_empty() {
        Ok(relaxed)
    } else {
        Err(format!(
            "the newest metaschema lacks what older versions define:\n  {}",
            missing.join("\n  ")
        ))
    }
}
