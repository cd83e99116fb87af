//! Writes the validator's tables (`crates/poam-validate/src/generated.rs`): the shape of every
//! definition reachable from the POA&M root (what the raw structural pass checks) and every
//! constraint of the metaschema modules and of FedRAMP's external constraint files that
//! applies to a POA&M, with its Metapath target resolved against the model.
//!
//! Constraints are read straight from the module XML here (the IR in `metaschema.rs` keeps
//! the model only) and attached to the IR's definitions by name path. Targets are compiled
//! from a small Metapath subset (paths, `//`, unions, `@flag`, predicates with `and`, `or`,
//! `not()`, `=`, `has-oscal-namespace()`, `starts-with()`, `exists()`, `count()`): XML names
//! become JSON member names at generation time, so the runtime only walks JSON trees.
//! Whatever cannot be expressed is listed in the generated `NOT_EVALUATED` table with its
//! reason, never dropped silently. `index` and `index-has-key` become key sites
//! (`emit_constraints/keys.rs`), which the reference check evaluates on the typed model.

mod keys;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use super::emit_model::{compare_versions, field_has_struct, json_value_key, reachable};
use super::metaschema::{DefRef, Definition, Kind, Kind2, Model, NS, strip_external_entities};

const ROOT: &str = "plan-of-action-and-milestones";
const MAX_DESCENT: usize = 12;

/// FedRAMP's external constraint files that can apply to a POA&M (relative to the reference
/// directory). `oscal-external-constraints.xml` is not read: its POA&M context only repeats
/// OSCAL's own uniqueness rules with `path(..)` keys.
const FEDRAMP_FILES: &[&str] = &[
    "fedramp/constraints/fedramp-external-allowed-values.xml",
    "fedramp/constraints/fedramp-external-constraints.xml",
];

// ---------------------------------------------------------------------------------------
// Constraints as written

/// One constraint element as written, before its target is resolved.
#[derive(Debug, Clone, Default)]
struct RawConstraint {
    kind: String,
    id: Option<String>,
    level: Option<String>,
    target: String,
    allow_other: bool,
    values: Vec<String>,
    keys: Vec<String>,
    min: Option<u32>,
    max: Option<u32>,
    regex: Option<String>,
    datatype: Option<String>,
    test: Option<String>,
    message: Option<String>,
    /// Shared lists (`&allowed-values-...;` entities) the reference set lacks.
    missing: Vec<String>,
    /// An `index` or `index-has-key`: the index's name.
    index_name: Option<String>,
    /// The `pattern` of a key field (the part of the value that is the key).
    key_pattern: Option<String>,
}

fn is(n: &roxmltree::Node, name: &str) -> bool {
    n.is_element() && n.tag_name().name() == name && n.tag_name().namespace() == Some(NS)
}

fn child<'a, 'i>(n: &roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    n.children().find(|c| is(c, name))
}

fn text_of(n: &roxmltree::Node) -> String {
    n.descendants()
        .filter(roxmltree::Node::is_text)
        .filter_map(|d| d.text())
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The constraint children of a `<constraint>` (metaschema) or `<constraints>` (external)
/// element. `let` bindings are returned as kind `let` so that users of them are refused.
fn read_constraints(c: &roxmltree::Node) -> Vec<RawConstraint> {
    let mut out = Vec::new();
    for k in c.children().filter(roxmltree::Node::is_element) {
        let kind = k.tag_name().name().to_owned();
        if matches!(kind.as_str(), "remarks" | "description" | "formal-name") {
            continue;
        }
        let attr = |a: &str| k.attribute(a).map(str::to_owned);
        let parse_u32 = |a: &str| k.attribute(a).and_then(|v| v.parse().ok());
        out.push(RawConstraint {
            kind,
            id: attr("id"),
            level: attr("level"),
            target: attr("target").unwrap_or_else(|| ".".into()),
            allow_other: k.attribute("allow-other") == Some("yes"),
            values: k
                .children()
                .filter(|e| is(e, "enum"))
                .filter_map(|e| e.attribute("value").map(str::to_owned))
                .collect(),
            keys: k
                .children()
                .filter(|e| is(e, "key-field"))
                .filter_map(|e| e.attribute("target").map(str::to_owned))
                .collect(),
            min: parse_u32("min-occurs"),
            max: parse_u32("max-occurs"),
            regex: attr("regex"),
            datatype: attr("datatype"),
            test: attr("test"),
            message: child(&k, "message").map(|m| text_of(&m)),
            missing: k
                .children()
                .filter(|e| is(e, MISSING_ENTITY))
                .filter_map(|e| e.attribute("name").map(str::to_owned))
                .collect(),
            index_name: matches!(k.tag_name().name(), "index" | "index-has-key")
                .then(|| attr("name"))
                .flatten(),
            key_pattern: k
                .children()
                .filter(|e| is(e, "key-field"))
                .find_map(|e| e.attribute("pattern").map(str::to_owned)),
        });
    }
    out
}

/// Where a constraint was declared: a global definition, or an inline one by its name path
/// from a global definition.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Declared {
    global: (Kind2, String),
    inline_path: Vec<String>,
}

#[derive(Default)]
struct ModuleConstraints {
    /// Definition constraints, flag constraints already rewritten to target `@flag`.
    by_def: Vec<(Declared, RawConstraint)>,
    /// Constraints of global flag definitions, by flag name.
    global_flags: BTreeMap<String, Vec<RawConstraint>>,
    /// `(definition, flag ref name, instance name)` of every `<flag ref>`.
    flag_refs: Vec<(Declared, String, String)>,
}

/// The element a missing entity reference is replaced by, so that the constraints that
/// included it know their list is incomplete.
const MISSING_ENTITY: &str = "missing-entity";

/// The external entities a module's DOCTYPE declares: `(name, system path)`.
fn declared_entities(text: &str) -> Vec<(String, String)> {
    let Some(doctype) = text
        .find("<!DOCTYPE")
        .and_then(|a| text[a..].find("]>").map(|b| &text[a..a + b]))
    else {
        return Vec::new();
    };
    doctype
        .split("<!ENTITY")
        .skip(1)
        .filter_map(|decl| {
            let mut words = decl.split_whitespace();
            let name = words.next()?.to_owned();
            let _system = words.next().filter(|w| *w == "SYSTEM")?;
            let rest = decl.split_once("SYSTEM")?.1.trim_start();
            let quote = rest.chars().next().filter(|q| matches!(q, '"' | '\''))?;
            let path = rest[1..].split(quote).next()?.to_owned();
            Some((name, path))
        })
        .collect()
}

/// Drops the DOCTYPE and replaces each `&allowed-values-...;` reference by the content of the
/// file its entity declaration names (`shared-constraints/*.ent`, relative to the module's
/// directory) when that file exists, else by an empty `<missing-entity name="..."/>` element,
/// so that the constraints that include it know their list is incomplete.
fn expand_entities(text: &str, module_dir: &Path) -> Result<String, String> {
    let mut contents = BTreeMap::new();
    for (name, system) in declared_entities(text) {
        let path = module_dir.join(&system);
        if path.is_file() {
            let body =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            contents.insert(name, body);
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    if let (Some(a), Some(b)) = (rest.find("<!DOCTYPE"), rest.find("]>")) {
        out.push_str(&rest[..a]);
        rest = &rest[b + 2..];
    }
    while let Some(i) = rest.find("&allowed-values-") {
        out.push_str(&rest[..i]);
        match rest[i..].find(';') {
            Some(j) => {
                let name = &rest[i + 1..i + j];
                match contents.get(name) {
                    Some(body) => out.push_str(body),
                    None => {
                        let _ = write!(out, "<{MISSING_ENTITY} name=\"{name}\"/>");
                    }
                }
                rest = &rest[i + j + 1..];
            }
            None => break,
        }
    }
    out.push_str(rest);
    Ok(out)
}

fn read_module_constraints(
    dir: &Path,
    acc: &mut ModuleConstraints,
    missing: &mut Vec<String>,
) -> Result<(), String> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .collect();
    files.sort();
    for path in files {
        let raw = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let text = expand_entities(&raw, dir)?;
        let opts = roxmltree::ParsingOptions {
            allow_dtd: true,
            ..roxmltree::ParsingOptions::default()
        };
        let doc = roxmltree::Document::parse_with_options(&text, opts)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let module = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        for e in doc.descendants().filter(|d| is(d, MISSING_ENTITY)) {
            if let Some(name) = e.attribute("name") {
                missing.push(format!("{module}: {name}.ent"));
            }
        }
        for d in doc.root_element().children() {
            let kind = if is(&d, "define-assembly") {
                Kind2::Assembly
            } else if is(&d, "define-field") {
                Kind2::Field
            } else if is(&d, "define-flag") {
                if let (Some(name), Some(c)) = (d.attribute("name"), child(&d, "constraint")) {
                    acc.global_flags
                        .entry(name.to_owned())
                        .or_default()
                        .extend(read_constraints(&c));
                }
                continue;
            } else {
                continue;
            };
            let Some(name) = d.attribute("name") else {
                continue;
            };
            let here = Declared {
                global: (kind, name.to_owned()),
                inline_path: Vec::new(),
            };
            read_definition_constraints(&d, &here, acc);
        }
    }
    Ok(())
}

fn read_definition_constraints(d: &roxmltree::Node, here: &Declared, acc: &mut ModuleConstraints) {
    if let Some(c) = child(d, "constraint") {
        for k in read_constraints(&c) {
            acc.by_def.push((here.clone(), k));
        }
    }
    for f in d.children() {
        if is(&f, "define-flag") {
            if let (Some(name), Some(c)) = (f.attribute("name"), child(&f, "constraint")) {
                for mut k in read_constraints(&c) {
                    k.target = flag_target(name, &k.target);
                    acc.by_def.push((here.clone(), k));
                }
            }
        } else if is(&f, "flag")
            && let Some(r) = f.attribute("ref")
        {
            let inst = child(&f, "use-name").map_or_else(|| r.to_owned(), |n| text_of(&n));
            acc.flag_refs.push((here.clone(), r.to_owned(), inst));
        }
    }
    if let Some(m) = child(d, "model") {
        read_inline(&m, here, acc);
    }
}

fn read_inline(m: &roxmltree::Node, here: &Declared, acc: &mut ModuleConstraints) {
    for item in m.children().filter(roxmltree::Node::is_element) {
        match item.tag_name().name() {
            "choice" => read_inline(&item, here, acc),
            "define-assembly" | "define-field" => {
                if let Some(name) = item.attribute("name") {
                    let mut inner = here.clone();
                    inner.inline_path.push(name.to_owned());
                    read_definition_constraints(&item, &inner, acc);
                }
            }
            _ => {}
        }
    }
}

/// A flag's own constraint targets the flag's value; seen from its definition that is
/// `@flag` (or a path below it, which never occurs).
fn flag_target(flag: &str, target: &str) -> String {
    match target.trim() {
        "." => format!("@{flag}"),
        t => format!("@{flag}/{t}"),
    }
}

/// The one reachable definition named as `decl`'s innermost name, if only one is.
fn unique_by_name(m: &Model, order: &[DefRef], decl: &Declared) -> Option<DefRef> {
    let name = decl.inline_path.last().unwrap_or(&decl.global.1);
    let mut found = order.iter().filter(|r| m.def(r).name == *name);
    match (found.next(), found.next()) {
        (Some(r), None) => Some(r.clone()),
        _ => None,
    }
}

/// The IR definition a constraint was declared on.
fn find_def(m: &Model, decl: &Declared) -> Option<DefRef> {
    let mut r = DefRef::Global(decl.global.0, decl.global.1.clone());
    m.globals.get(&decl.global)?;
    for name in &decl.inline_path {
        let d = m.def(&r);
        r = d
            .model
            .iter()
            .find(|i| matches!(i.target, DefRef::Inline(_)) && m.def(&i.target).name == *name)?
            .target
            .clone();
    }
    Some(r)
}

// ---------------------------------------------------------------------------------------
// Metapath subset: tokens and syntax

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Name(String),
    Str(String),
    Num(i64),
    At,
    Slash,
    DSlash,
    LBrack,
    RBrack,
    LParen,
    RParen,
    Pipe,
    Comma,
    Dot,
    DotDot,
    Op(CmpOp),
    Dollar,
    Star,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    fn rust(self) -> &'static str {
        match self {
            CmpOp::Eq => "CmpOp::Eq",
            CmpOp::Ne => "CmpOp::Ne",
            CmpOp::Lt => "CmpOp::Lt",
            CmpOp::Le => "CmpOp::Le",
            CmpOp::Gt => "CmpOp::Gt",
            CmpOp::Ge => "CmpOp::Ge",
        }
    }
}

// A lexer: the text, its characters, the index and the character read, as in any lexer.
#[allow(clippy::many_single_char_names)]
fn tokenize(s: &str) -> Result<Vec<Tok>, String> {
    let c: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < c.len() {
        let ch = c[i];
        if let Some((tok, len)) = symbol(ch, c.get(i + 1).copied()) {
            out.push(tok);
            i += len;
            continue;
        }
        match ch {
            ' ' | '\t' | '\n' | '\r' => i += 1,
            '\'' | '"' => {
                let end = c[i + 1..]
                    .iter()
                    .position(|&x| x == ch)
                    .ok_or("unterminated string")?;
                out.push(Tok::Str(c[i + 1..i + 1 + end].iter().collect()));
                i += end + 2;
            }
            d if d.is_ascii_digit() => {
                let n = c[i..].iter().take_while(|x| x.is_ascii_digit()).count();
                let text: String = c[i..i + n].iter().collect();
                out.push(Tok::Num(text.parse().map_err(|e| format!("{e}"))?));
                i += n;
            }
            a if a.is_alphabetic() || a == '_' => {
                let n = c[i..]
                    .iter()
                    .take_while(|x| x.is_alphanumeric() || matches!(x, '-' | '_' | '.' | ':'))
                    .count();
                let word: String = c[i..i + n].iter().collect();
                out.push(match word.as_str() {
                    "eq" => Tok::Op(CmpOp::Eq),
                    "ne" => Tok::Op(CmpOp::Ne),
                    "lt" => Tok::Op(CmpOp::Lt),
                    "le" => Tok::Op(CmpOp::Le),
                    "gt" => Tok::Op(CmpOp::Gt),
                    "ge" => Tok::Op(CmpOp::Ge),
                    _ => Tok::Name(word),
                });
                i += n;
            }
            other => return Err(format!("unexpected character {other:?}")),
        }
    }
    Ok(out)
}

/// The punctuation or operator token `ch` (followed by `next`) starts, and its length.
fn symbol(ch: char, next: Option<char>) -> Option<(Tok, usize)> {
    Some(match (ch, next) {
        ('@', _) => (Tok::At, 1),
        ('/', Some('/')) => (Tok::DSlash, 2),
        ('/', _) => (Tok::Slash, 1),
        ('[', _) => (Tok::LBrack, 1),
        (']', _) => (Tok::RBrack, 1),
        ('(', _) => (Tok::LParen, 1),
        (')', _) => (Tok::RParen, 1),
        ('|', _) => (Tok::Pipe, 1),
        (',', _) => (Tok::Comma, 1),
        ('$', _) => (Tok::Dollar, 1),
        ('*', _) => (Tok::Star, 1),
        ('.', Some('.')) => (Tok::DotDot, 2),
        ('.', _) => (Tok::Dot, 1),
        ('=', _) => (Tok::Op(CmpOp::Eq), 1),
        ('!', Some('=')) => (Tok::Op(CmpOp::Ne), 2),
        ('<', Some('=')) => (Tok::Op(CmpOp::Le), 2),
        ('<', _) => (Tok::Op(CmpOp::Lt), 1),
        ('>', Some('=')) => (Tok::Op(CmpOp::Ge), 2),
        ('>', _) => (Tok::Op(CmpOp::Gt), 1),
        _ => return None,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Axis {
    Child,
    Descendant,
}

#[derive(Debug, Clone)]
enum Ast {
    Context,
    Attr(String),
    Name(String),
    Call(String, Vec<Ast>),
    Str(String),
    Num(i64),
    Seq(Vec<Ast>),
    /// A path: the first element's axis is `Child` for relative paths.
    Path(Vec<(Axis, Ast)>),
    Filter(Box<Ast>, Vec<Ast>),
    Union(Vec<Ast>),
    And(Vec<Ast>),
    Or(Vec<Ast>),
    Cmp(Box<Ast>, CmpOp, Box<Ast>),
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn parse(s: &str) -> Result<Ast, String> {
        let mut p = Parser {
            toks: tokenize(s)?,
            pos: 0,
        };
        let e = p.expr()?;
        if p.pos != p.toks.len() {
            return Err(format!("unexpected {:?}", p.toks[p.pos]));
        }
        Ok(e)
    }
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }
    fn eat(&mut self, t: &Tok) -> bool {
        if self.peek() == Some(t) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn expect(&mut self, t: &Tok) -> Result<(), String> {
        if self.eat(t) {
            Ok(())
        } else {
            Err(format!("expected {t:?}, found {:?}", self.peek()))
        }
    }
    fn keyword(&mut self, k: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Name(n)) if n == k) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn expr(&mut self) -> Result<Ast, String> {
        let mut parts = vec![self.and()?];
        while self.keyword("or") {
            parts.push(self.and()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Ast::Or(parts)
        })
    }
    fn and(&mut self) -> Result<Ast, String> {
        let mut parts = vec![self.cmp()?];
        while self.keyword("and") {
            parts.push(self.cmp()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Ast::And(parts)
        })
    }
    fn cmp(&mut self) -> Result<Ast, String> {
        let left = self.union()?;
        if let Some(Tok::Op(op)) = self.peek().cloned() {
            self.pos += 1;
            let right = self.union()?;
            return Ok(Ast::Cmp(Box::new(left), op, Box::new(right)));
        }
        Ok(left)
    }
    fn union(&mut self) -> Result<Ast, String> {
        let mut parts = vec![self.path()?];
        while self.eat(&Tok::Pipe) {
            parts.push(self.path()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Ast::Union(parts)
        })
    }
    fn path(&mut self) -> Result<Ast, String> {
        let mut steps = Vec::new();
        let lead = if self.eat(&Tok::DSlash) {
            Some(Axis::Descendant)
        } else if self.eat(&Tok::Slash) {
            // An absolute path: only used in context expressions, marked by a leading Name
            // step under the root; the caller handles it.
            steps.push((Axis::Child, Ast::Name("/".into())));
            Some(Axis::Child)
        } else {
            None
        };
        let first = self.step()?;
        steps.push((lead.unwrap_or(Axis::Child), first));
        loop {
            let axis = if self.eat(&Tok::DSlash) {
                Axis::Descendant
            } else if self.eat(&Tok::Slash) {
                Axis::Child
            } else {
                break;
            };
            steps.push((axis, self.step()?));
        }
        Ok(if steps.len() == 1 && lead.is_none() {
            steps.remove(0).1
        } else {
            Ast::Path(steps)
        })
    }
    fn step(&mut self) -> Result<Ast, String> {
        let mut primary = self.primary()?;
        let mut preds = Vec::new();
        while self.eat(&Tok::LBrack) {
            preds.push(self.expr()?);
            self.expect(&Tok::RBrack)?;
        }
        if !preds.is_empty() {
            primary = Ast::Filter(Box::new(primary), preds);
        }
        Ok(primary)
    }
    fn primary(&mut self) -> Result<Ast, String> {
        match self.peek().cloned() {
            Some(Tok::Dot) => {
                self.pos += 1;
                Ok(Ast::Context)
            }
            Some(Tok::At) => {
                self.pos += 1;
                match self.peek().cloned() {
                    Some(Tok::Name(n)) => {
                        self.pos += 1;
                        Ok(Ast::Attr(n))
                    }
                    other => Err(format!("expected a flag name after @, found {other:?}")),
                }
            }
            Some(Tok::Str(s)) => {
                self.pos += 1;
                Ok(Ast::Str(s))
            }
            Some(Tok::Num(n)) => {
                self.pos += 1;
                Ok(Ast::Num(n))
            }
            Some(Tok::LParen) => {
                self.pos += 1;
                if self.eat(&Tok::RParen) {
                    return Ok(Ast::Seq(Vec::new()));
                }
                let mut items = vec![self.expr()?];
                while self.eat(&Tok::Comma) {
                    items.push(self.expr()?);
                }
                self.expect(&Tok::RParen)?;
                Ok(if items.len() == 1 {
                    items.remove(0)
                } else {
                    Ast::Seq(items)
                })
            }
            Some(Tok::Name(n)) => {
                self.pos += 1;
                if self.eat(&Tok::LParen) {
                    let mut args = Vec::new();
                    if !self.eat(&Tok::RParen) {
                        args.push(self.expr()?);
                        while self.eat(&Tok::Comma) {
                            args.push(self.expr()?);
                        }
                        self.expect(&Tok::RParen)?;
                    }
                    Ok(Ast::Call(n, args))
                } else {
                    Ok(Ast::Name(n))
                }
            }
            Some(Tok::Dollar) => Err("variables (`$name`) are not supported".into()),
            Some(Tok::DotDot) => Err("the parent step `..` is not supported".into()),
            Some(Tok::Star) => Err("the wildcard `*` is not supported".into()),
            other => Err(format!("unexpected {other:?}")),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Resolution against the model: XML names become JSON member names

/// Where a resolved path stands: on a definition's node, or on a flag's value.
#[derive(Debug, Clone, PartialEq)]
enum At {
    Def(DefRef),
    FlagValue,
}

/// One resolved step, already written as the Rust expression of the runtime `Step`.
type RPath = Vec<String>;

struct Resolver<'m> {
    m: &'m Model,
    /// Every definition reachable from the root.
    order: &'m [DefRef],
    index: &'m BTreeMap<DefRef, usize>,
    def_use_names: &'m BTreeMap<String, String>,
}

impl Resolver<'_> {
    /// The XML element name of a model item: the instance's use-name, else the definition's
    /// own use-name (`property` is `prop`), else its name.
    fn xml_name(&self, item: &super::metaschema::ModelItem) -> String {
        let d = self.m.def(&item.target);
        if item.use_name == d.name
            && let Some(u) = self.def_use_names.get(&d.name)
        {
            return u.clone();
        }
        item.use_name.clone()
    }

    /// All resolutions of a node-set expression from `at`. An empty result means the
    /// expression selects nothing in a POA&M (not an error in Metapath).
    fn nodes(&self, ast: &Ast, at: &At) -> Result<Vec<(RPath, At)>, String> {
        match ast {
            Ast::Context => Ok(vec![(Vec::new(), at.clone())]),
            Ast::Attr(name) => {
                let At::Def(d) = at else {
                    return Ok(Vec::new());
                };
                let def = self.m.def(d);
                Ok(def
                    .flags
                    .iter()
                    .find(|f| f.name == *name)
                    .map(|f| vec![(vec![format!("Step::Flag({:?})", f.name)], At::FlagValue)])
                    .unwrap_or_default())
            }
            Ast::Name(name) => {
                let At::Def(d) = at else {
                    return Ok(Vec::new());
                };
                let def = self.m.def(d);
                Ok(def
                    .model
                    .iter()
                    .filter(|i| self.xml_name(i) == *name)
                    .map(|i| (vec![self.child_step(i)], At::Def(i.target.clone())))
                    .collect())
            }
            Ast::Path(steps) => {
                let mut cur = vec![(Vec::new(), at.clone())];
                for (axis, step) in steps {
                    if matches!(step, Ast::Name(n) if n == "/") {
                        return Err("absolute paths are not supported in targets".into());
                    }
                    let mut next = Vec::new();
                    for (path, here) in &cur {
                        let starts = match axis {
                            Axis::Child => vec![(path.clone(), here.clone())],
                            Axis::Descendant => self.descendants_or_self(path, here),
                        };
                        for (p, h) in starts {
                            for (p2, h2) in self.nodes(step, &h)? {
                                let mut full = p.clone();
                                full.extend(p2);
                                next.push((full, h2));
                            }
                        }
                    }
                    cur = next;
                }
                Ok(cur)
            }
            Ast::Filter(inner, preds) => {
                let mut out = Vec::new();
                for (mut path, here) in self.nodes(inner, at)? {
                    for p in preds {
                        path.push(format!("Step::Filter(&{})", self.pred(p, &here)?));
                    }
                    out.push((path, here));
                }
                Ok(out)
            }
            Ast::Union(parts) => {
                let mut out = Vec::new();
                for p in parts {
                    out.extend(self.nodes(p, at)?);
                }
                Ok(out)
            }
            Ast::Call(f, _) => Err(format!("function {f}() cannot select nodes here")),
            other => Err(format!("not a path: {other:?}")),
        }
    }

    fn child_step(&self, i: &super::metaschema::ModelItem) -> String {
        format!(
            "Step::Child {{ key: {:?}, many: {}, def: {} }}",
            i.json_name(),
            i.is_many(),
            self.index[&i.target]
        )
    }

    /// `.//x` = `x` on self and every descendant: every route down the model, no definition
    /// twice on one route.
    fn descendants_or_self(&self, path: &RPath, at: &At) -> Vec<(RPath, At)> {
        let mut out = vec![(path.clone(), at.clone())];
        let At::Def(start) = at else {
            return out;
        };
        let mut stack = vec![(path.clone(), start.clone(), vec![start.clone()])];
        while let Some((p, d, route)) = stack.pop() {
            if route.len() > MAX_DESCENT {
                continue;
            }
            for item in &self.m.def(&d).model {
                if route.contains(&item.target) {
                    continue;
                }
                let mut p2 = p.clone();
                p2.push(self.child_step(item));
                let mut r2 = route.clone();
                r2.push(item.target.clone());
                out.push((p2.clone(), At::Def(item.target.clone())));
                stack.push((p2, item.target.clone(), r2));
            }
        }
        out
    }

    fn paths(&self, ast: &Ast, at: &At) -> Result<String, String> {
        let alts = self.nodes(ast, at)?;
        Ok(format!(
            "&[{}]",
            alts.iter()
                .map(|(p, _)| format!("&[{}]", p.join(", ")))
                .collect::<Vec<_>>()
                .join(", ")
        ))
    }

    fn strings(ast: &Ast) -> Result<Vec<String>, String> {
        match ast {
            Ast::Str(s) => Ok(vec![s.clone()]),
            Ast::Seq(items) => {
                let mut out = Vec::new();
                for i in items {
                    out.extend(Self::strings(i)?);
                }
                Ok(out)
            }
            other => Err(format!(
                "expected a string or a sequence of strings, found {other:?}"
            )),
        }
    }

    /// A predicate or `expect` test as the Rust expression of a runtime `Pred`.
    fn pred(&self, ast: &Ast, at: &At) -> Result<String, String> {
        Ok(match ast {
            Ast::And(parts) => format!(
                "Pred::And(&[{}])",
                parts
                    .iter()
                    .map(|p| self.pred(p, at))
                    .collect::<Result<Vec<_>, _>>()?
                    .join(", ")
            ),
            Ast::Or(parts) => format!(
                "Pred::Or(&[{}])",
                parts
                    .iter()
                    .map(|p| self.pred(p, at))
                    .collect::<Result<Vec<_>, _>>()?
                    .join(", ")
            ),
            Ast::Call(f, args) => match (f.as_str(), args.as_slice()) {
                ("not", [x]) => format!("Pred::Not(&{})", self.pred(x, at)?),
                ("exists", [x]) => format!("Pred::Exists({})", self.paths(x, at)?),
                ("has-oscal-namespace", [x]) => {
                    format!("Pred::NsIn(&{:?})", Self::strings(x)?)
                }
                ("starts-with", [x, Ast::Str(s)]) => {
                    format!("Pred::StartsWith({}, {s:?})", self.paths(x, at)?)
                }
                _ => return Err(format!("function {f}() is not supported")),
            },
            Ast::Cmp(left, op, right) => match (left.as_ref(), right.as_ref()) {
                (Ast::Call(f, args), Ast::Num(n)) if f == "count" && args.len() == 1 => {
                    format!(
                        "Pred::Count({}, {}, {n})",
                        self.paths(&args[0], at)?,
                        op.rust()
                    )
                }
                (l, r @ (Ast::Str(_) | Ast::Seq(_))) if *op == CmpOp::Eq => {
                    format!(
                        "Pred::ValueIn({}, &{:?})",
                        self.paths(l, at)?,
                        Self::strings(r)?
                    )
                }
                (
                    l @ (Ast::Attr(_) | Ast::Name(_) | Ast::Path(_)),
                    r @ (Ast::Attr(_) | Ast::Name(_) | Ast::Path(_)),
                ) => {
                    format!(
                        "Pred::Compare({}, {}, {})",
                        self.paths(l, at)?,
                        op.rust(),
                        self.paths(r, at)?
                    )
                }
                _ => return Err(format!("comparison {op:?} is not supported")),
            },
            Ast::Context | Ast::Attr(_) | Ast::Name(_) | Ast::Path(_) | Ast::Filter(..) => {
                format!("Pred::Exists({})", self.paths(ast, at)?)
            }
            Ast::Union(_) => format!("Pred::Exists({})", self.paths(ast, at)?),
            other => return Err(format!("not a test: {other:?}")),
        })
    }
}

// ---------------------------------------------------------------------------------------
// Emitting

fn datatype(as_type: &str) -> Result<&'static str, String> {
    Ok(match as_type {
        "string" => "Datatype::String",
        "token" => "Datatype::Token",
        "uuid" => "Datatype::Uuid",
        "uri" => "Datatype::Uri",
        "uri-reference" => "Datatype::UriReference",
        "date-time-with-timezone" => "Datatype::DateTimeWithTimezone",
        "date-with-timezone" => "Datatype::DateWithTimezone",
        "date" => "Datatype::Date",
        "date-time" => "Datatype::DateTime",
        "ip-v4-address" => "Datatype::IpV4Address",
        "ip-v6-address" => "Datatype::IpV6Address",
        "email-address" => "Datatype::EmailAddress",
        "base64" => "Datatype::Base64",
        "integer" => "Datatype::Integer",
        "non-negative-integer" => "Datatype::NonNegativeInteger",
        "positive-integer" => "Datatype::PositiveInteger",
        "markup-line" => "Datatype::MarkupLine",
        "markup-multiline" => "Datatype::MarkupMultiline",
        other => return Err(format!("datatype {other} is not supported")),
    })
}

fn level(raw: Option<&str>, default: &str) -> &'static str {
    match raw.unwrap_or(default) {
        "CRITICAL" | "ERROR" => "Level::Error",
        "WARNING" => "Level::Warning",
        _ => "Level::Info",
    }
}

/// A constraint's message without Metapath templates (`{ path(.) }`), which are not evaluated.
fn plain_message(m: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in m.chars() {
        match c {
            '{' => depth += 1,
            '}' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[derive(Default)]
struct Emitted {
    code: Vec<String>,
    /// The `index` and `index-has-key` constraints (metaschema only).
    keys: keys::Keys,
    by_def: BTreeMap<usize, Vec<usize>>,
    skipped: Vec<(String, String, String)>,
}

impl Emitted {
    fn skip(&mut self, id: &str, def: &str, why: impl Into<String>) {
        self.skipped
            .push((id.to_owned(), def.to_owned(), why.into()));
    }
}

/// Compiles one constraint declared on `def` (index `di`) for `origin`.
fn compile(
    r: &Resolver,
    def: &DefRef,
    di: usize,
    c: &RawConstraint,
    origin: &str,
    out: &mut Emitted,
) {
    let def_name = r.m.def(def).name.clone();
    let id =
        c.id.clone()
            .unwrap_or_else(|| format!("{def_name}-{}", c.kind));
    if origin == "Oscal" && matches!(c.kind.as_str(), "index" | "index-has-key") {
        if let Err(why) = out.keys.add(r, def, &id, c) {
            out.skip(&id, &def_name, why);
        }
        return;
    }
    let at = At::Def(def.clone());
    let target_ast = match Parser::parse(&c.target) {
        Ok(a) => a,
        Err(e) => {
            out.skip(&id, &def_name, format!("target `{}`: {e}", c.target));
            return;
        }
    };
    let targets = match r.nodes(&target_ast, &at) {
        Ok(t) => t,
        Err(e) => {
            out.skip(&id, &def_name, format!("target `{}`: {e}", c.target));
            return;
        }
    };
    if targets.is_empty() {
        out.skip(
            &id,
            &def_name,
            format!("target `{}` selects nothing in a POA&M", c.target),
        );
        return;
    }
    let target_code = format!(
        "&[{}]",
        targets
            .iter()
            .map(|(p, _)| format!("&[{}]", p.join(", ")))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if !c.missing.is_empty() {
        // Its list is incomplete: it still takes part, accepting whatever it targets, so that
        // the other (complete) lists on the same values do not reject what it would allow.
        out.skip(
            &id,
            &def_name,
            format!(
                "its list includes shared lists missing from the reference set ({}.ent): \
                 values it targets are accepted",
                c.missing.join(".ent, ")
            ),
        );
    }
    let test = match compile_test(r, c, &id, &targets, &at) {
        Compiled::Test(test) => test,
        Compiled::Skipped(why) => {
            out.skip(&id, &def_name, why);
            return;
        }
        Compiled::Nothing => return,
    };
    let family = match c.kind.as_str() {
        "expect" if origin == "Fedramp" => {
            format!("fedramp-{}", id.strip_prefix("fedramp-").unwrap_or(&id))
        }
        kind => format!("{}-{kind}", origin.to_ascii_lowercase()),
    };
    let n = out.code.len();
    out.code.push(format!(
        "Constraint {{ id: {id:?}, rule: {family:?}, origin: Origin::{origin}, def: {di}, level: {}, target_text: {:?}, target: {target_code}, test: {test} }}",
        level(c.level.as_deref(), "ERROR"),
        c.target.split_whitespace().collect::<Vec<_>>().join(" ")
    ));
    out.by_def.entry(di).or_default().push(n);
}

/// What a constraint's test compiles to.
enum Compiled {
    /// The `Test` expression.
    Test(String),
    /// Not compiled, for this reason (listed as skipped).
    Skipped(String),
    /// Not a check (`let`).
    Nothing,
}

/// The `Test` of constraint `c` (`id`) on its `targets` (`at`: the definition it is
/// declared on).
fn compile_test(
    r: &Resolver,
    c: &RawConstraint,
    id: &str,
    targets: &[(RPath, At)],
    at: &At,
) -> Compiled {
    Compiled::Test(match c.kind.as_str() {
        "allowed-values" => format!(
            "Test::AllowedValues {{ values: &{:?}, allow_other: {}, complete: {} }}",
            c.values,
            c.allow_other,
            c.missing.is_empty()
        ),
        "matches" => {
            let dt = match &c.datatype {
                Some(d) => match datatype(d) {
                    Ok(x) => format!("Some({x})"),
                    Err(e) => return Compiled::Skipped(e),
                },
                None => "None".into(),
            };
            format!(
                "Test::Matches {{ regex: {}, datatype: {dt} }}",
                c.regex
                    .as_ref()
                    .map_or_else(|| "None".into(), |x| format!("Some({x:?})"))
            )
        }
        "is-unique" => {
            if c.keys.len() == 1 && c.keys[0] == "@uuid" {
                return Compiled::Skipped(
                    "evaluated by the document-wide rule oscal-duplicate-uuid".into(),
                );
            }
            // Keys are relative to each target node.
            let mut keys = Vec::new();
            for k in &c.keys {
                let key_at = targets
                    .first()
                    .map_or_else(|| at.clone(), |(_, a)| a.clone());
                let ast = Parser::parse(k).map_err(|e| format!("{id}: key `{k}`: {e}"));
                let code = ast.and_then(|a| r.paths(&a, &key_at));
                match code {
                    Ok(code) => keys.push(code),
                    Err(e) => {
                        return Compiled::Skipped(format!("key `{k}`: {e}"));
                    }
                }
            }
            format!("Test::IsUnique {{ keys: &[{}] }}", keys.join(", "))
        }
        "has-cardinality" => format!(
            "Test::HasCardinality {{ min: {}, max: {} }}",
            c.min.unwrap_or(0),
            c.max
                .map_or_else(|| "None".into(), |m| format!("Some({m})"))
        ),
        "expect" => {
            let Some(test) = &c.test else {
                return Compiled::Skipped("expect without a test".into());
            };
            let test_at = targets
                .first()
                .map_or_else(|| at.clone(), |(_, a)| a.clone());
            let compiled = Parser::parse(test).and_then(|a| r.pred(&a, &test_at));
            match compiled {
                Ok(p) => format!(
                    "Test::Expect {{ test: &{p}, message: {} }}",
                    c.message
                        .as_ref()
                        .map(|m| plain_message(m))
                        .filter(|m| !m.is_empty())
                        .map_or_else(|| "None".into(), |m| format!("Some({m:?})"))
                ),
                Err(e) => {
                    return Compiled::Skipped(format!("test `{test}`: {e}"));
                }
            }
        }
        // The metaschema's own indexes never get here: `compile` hands them to the generated
        // key tables (`keys`), which poam-validate evaluates (its `keys.rs`). FedRAMP's
        // (today all on SSP contexts, so none reaches a POA&M) have no such table.
        "index" | "index-has-key" => {
            return Compiled::Skipped(
                "FedRAMP's index and index-has-key constraints are not evaluated (the generated \
                 key tables hold the metaschema's)"
                    .into(),
            );
        }
        "let" => return Compiled::Nothing,
        other => {
            return Compiled::Skipped(format!("constraint kind {other} is not supported"));
        }
    })
}

/// FedRAMP contexts that apply to a POA&M, as a path prefix from the root (`""` = the root).
fn fedramp_prefix(metapath: &str) -> Option<String> {
    let t = metapath.trim();
    let rest = if let Some(r) = t.strip_prefix(&format!("/{ROOT}")) {
        r
    } else if let Some(r) = t.strip_prefix("/(") {
        let (alts, r) = r.split_once(')')?;
        if !alts.split('|').any(|a| a.trim() == ROOT) {
            return None;
        }
        r
    } else {
        return None;
    };
    if rest.is_empty() {
        Some(String::new())
    } else {
        rest.strip_prefix('/').map(str::to_owned)
    }
}

fn read_fedramp(reference: &Path) -> Result<Vec<(String, RawConstraint)>, String> {
    let mut out = Vec::new();
    for f in FEDRAMP_FILES {
        let path = reference.join(f);
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let doc =
            roxmltree::Document::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        for ctx in doc.root_element().children().filter(|c| is(c, "context")) {
            read_fedramp_context(&ctx, &[String::new()], true, &mut out);
        }
    }
    Ok(out)
}

/// Reads a `<context>`: its metapaths (absolute at the top, relative when nested) and
/// constraints, and nested contexts.
fn read_fedramp_context(
    ctx: &roxmltree::Node,
    parents: &[String],
    top: bool,
    out: &mut Vec<(String, RawConstraint)>,
) {
    let mut prefixes = Vec::new();
    for mp in ctx.children().filter(|c| is(c, "metapath")) {
        let Some(t) = mp.attribute("target") else {
            continue;
        };
        if top {
            if let Some(p) = fedramp_prefix(t) {
                prefixes.push(p);
            }
        } else {
            for parent in parents {
                prefixes.push(join_path(parent, t));
            }
        }
    }
    if prefixes.is_empty() {
        return;
    }
    for cs in ctx.children().filter(|c| is(c, "constraints")) {
        for c in read_constraints(&cs) {
            for p in &prefixes {
                let mut c = c.clone();
                c.target = join_path(p, &c.target);
                out.push((p.clone(), c));
            }
        }
    }
    for inner in ctx.children().filter(|c| is(c, "context")) {
        read_fedramp_context(&inner, &prefixes, false, out);
    }
}

fn join_path(prefix: &str, target: &str) -> String {
    match (prefix.is_empty(), target.trim()) {
        (true, t) => t.to_owned(),
        (false, ".") => prefix.to_owned(),
        (false, t) => format!("{prefix}/({t})"),
    }
}

fn def_use_names(metaschema_dir: &Path) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(metaschema_dir).map_err(|e| e.to_string())? {
        let path = e.map_err(|e| e.to_string())?.path();
        if path.extension().is_none_or(|x| x != "xml") {
            continue;
        }
        let text =
            strip_external_entities(&std::fs::read_to_string(&path).map_err(|e| e.to_string())?);
        let opts = roxmltree::ParsingOptions {
            allow_dtd: true,
            ..roxmltree::ParsingOptions::default()
        };
        let doc =
            roxmltree::Document::parse_with_options(&text, opts).map_err(|e| e.to_string())?;
        for d in doc.root_element().children() {
            if (is(&d, "define-assembly") || is(&d, "define-field"))
                && let (Some(n), Some(u)) = (d.attribute("name"), child(&d, "use-name"))
            {
                out.insert(n.to_owned(), text_of(&u));
            }
        }
    }
    Ok(out)
}

/// Generates `crates/poam-validate/src/generated.rs` (before rustfmt): the shape of the
/// newest model, one OSCAL constraint table per metaschema version in `versions` (newest
/// first; each resolved against the newest model, whose definitions are a superset), and
/// FedRAMP's table.
pub fn emit(
    m: &Model,
    older: &[Model],
    reference: &Path,
    versions: &[&str],
) -> Result<String, String> {
    let newest_dir = reference.join("metaschema").join(&m.version);
    let reach = reachable(m)?;
    let relaxed = compare_versions(m, older)?;
    let index: BTreeMap<DefRef, usize> = reach
        .order
        .iter()
        .enumerate()
        .map(|(i, r)| (r.clone(), i))
        .collect();
    let use_names = def_use_names(&newest_dir)?;
    let resolver = Resolver {
        m,
        order: &reach.order,
        index: &index,
        def_use_names: &use_names,
    };

    let mut out = String::new();
    let _ = writeln!(
        out,
        "// @generated by `cargo xtask codegen` from the NIST OSCAL metaschema {} and FedRAMP's \
         external constraints. Do not edit.",
        versions.join(", ")
    );
    out.push_str(
        "//! Generated tables: the shape of every definition reachable from the POA&M root, and \
         every constraint that applies to a POA&M with its target resolved to JSON member \
         names: OSCAL's per metaschema version, FedRAMP's once.\n\n\
         #![allow(clippy::too_many_lines, clippy::wildcard_imports)]\n\nuse crate::schema::*;\n\n",
    );
    emit_defs(&mut out, m, &reach.order, &index, &relaxed)?;

    let mut sets = Vec::new();
    for v in versions {
        let dir = reference.join("metaschema").join(v);
        let (mut emitted, missing) = compile_oscal(&resolver, &reach.order, &dir)?;
        let name = format!("OSCAL_{}", v.replace('.', "_"));
        let keys_name = format!("KEYS_{}", v.replace('.', "_"));
        let mut unused = Vec::new();
        let keys = emitted.keys.emit(&mut |id: &str, def: &str, why: String| {
            unused.push((id.to_owned(), def.to_owned(), why));
        });
        emitted.skipped.extend(unused);
        let _ = writeln!(
            out,
            "/// OSCAL {v}'s indexes and key references (`index`, `index-has-key`).\n\
             pub static {keys_name}: Keys = {keys};\n"
        );
        emit_table(
            &mut out,
            &name,
            &format!("OSCAL {v}'s metaschema constraints"),
            &emitted,
            reach.order.len(),
        );
        sets.push(format!(
            "RuleSet {{ version: {v:?}, constraints: &{name}, keys: &{keys_name}, missing_entities: &{missing:?} }}"
        ));
    }
    out.push_str(
        "/// OSCAL's constraints by metaschema version, newest first: a document is checked \
         against the set of the version it declares.\npub static RULE_SETS: &[RuleSet] = &[\n",
    );
    for s in &sets {
        let _ = writeln!(out, "    {s},");
    }
    out.push_str("];\n\n");

    let root_ref = DefRef::Global(Kind2::Assembly, ROOT.to_owned());
    let mut fedramp = Emitted::default();
    for (_prefix, c) in read_fedramp(reference)? {
        compile(
            &resolver,
            &root_ref,
            index[&root_ref],
            &c,
            "Fedramp",
            &mut fedramp,
        );
    }
    emit_table(
        &mut out,
        "FEDRAMP",
        "FedRAMP's external constraints (`--profile fedramp`)",
        &fedramp,
        reach.order.len(),
    );
    Ok(out)
}

/// `ROOT_DEF` and `DEFS`: the shape of every definition reachable from the root.
fn emit_defs(
    out: &mut String,
    m: &Model,
    order: &[DefRef],
    index: &BTreeMap<DefRef, usize>,
    relaxed: &std::collections::BTreeSet<(DefRef, String)>,
) -> Result<(), String> {
    let root_ref = DefRef::Global(Kind2::Assembly, ROOT.to_owned());
    let _ = writeln!(out, "/// The index of the POA&M root in [`DEFS`].");
    let _ = writeln!(out, "pub const ROOT_DEF: u16 = {};\n", index[&root_ref]);
    out.push_str(
        "/// Every definition reachable from the root, by index.\npub static DEFS: &[Def] = &[\n",
    );
    for (i, r) in order.iter().enumerate() {
        out.push_str(&emit_def(index, relaxed, r, m.def(r), i)?);
    }
    out.push_str("];\n\n");
    Ok(())
}

/// Compiles the constraints of the metaschema modules in `dir` against the model of
/// `resolver`; also returns the shared lists (`.ent` files) the modules include but `dir`
/// lacks.
fn compile_oscal(
    resolver: &Resolver,
    order: &[DefRef],
    dir: &Path,
) -> Result<(Emitted, Vec<String>), String> {
    let m = resolver.m;
    let index = resolver.index;
    let mut mc = ModuleConstraints::default();
    let mut missing = Vec::new();
    read_module_constraints(dir, &mut mc, &mut missing)?;
    missing.sort();
    missing.dedup();
    let mut declared: Vec<(DefRef, RawConstraint)> = Vec::new();
    for (decl, c) in &mc.by_def {
        // A key reference on a definition that moved (1.0.4's global `party` is inline in
        // `metadata` since 1.1): the one definition of that name.
        let moved = || {
            let keys = matches!(c.kind.as_str(), "index" | "index-has-key");
            keys.then(|| unique_by_name(m, order, decl)).flatten()
        };
        if let Some(r) = find_def(m, decl).or_else(moved) {
            declared.push((r, c.clone()));
        }
    }
    for (decl, flag, inst) in &mc.flag_refs {
        if let (Some(r), Some(cs)) = (find_def(m, decl), mc.global_flags.get(flag)) {
            for c in cs {
                let mut c = c.clone();
                c.target = flag_target(inst, &c.target);
                declared.push((r.clone(), c));
            }
        }
    }
    // Keep definition order, then declaration order, so the output is stable.
    let mut by_index: BTreeMap<usize, Vec<RawConstraint>> = BTreeMap::new();
    for (r, c) in declared {
        if let Some(&i) = index.get(&r) {
            by_index.entry(i).or_default().push(c);
        }
    }
    let mut emitted = Emitted::default();
    for (i, cs) in &by_index {
        for c in cs {
            compile(resolver, &order[*i], *i, c, "Oscal", &mut emitted);
        }
    }
    Ok((emitted, missing))
}

/// One `ConstraintTable` static named `name`.
fn emit_table(out: &mut String, name: &str, what: &str, t: &Emitted, defs: usize) {
    let _ = writeln!(
        out,
        "/// {what}: every constraint, by definition, and those not evaluated from the table.\n\
         pub static {name}: ConstraintTable = ConstraintTable {{\n    constraints: &["
    );
    for c in &t.code {
        let _ = writeln!(out, "        {c},");
    }
    out.push_str("    ],\n    by_def: &[\n");
    for i in 0..defs {
        let list = t.by_def.get(&i).cloned().unwrap_or_default();
        let _ = writeln!(
            out,
            "        &[{}],",
            list.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    out.push_str("    ],\n    not_evaluated: &[\n");
    for (id, def, why) in &t.skipped {
        let _ = writeln!(out, "        ({id:?}, {def:?}, {why:?}),");
    }
    out.push_str("    ],\n};\n\n");
}

fn emit_def(
    index: &BTreeMap<DefRef, usize>,
    relaxed: &std::collections::BTreeSet<(DefRef, String)>,
    r: &DefRef,
    d: &Definition,
    i: usize,
) -> Result<String, String> {
    let kind = match d.kind {
        Kind::Assembly => "DefKind::Assembly",
        Kind::Field if field_has_struct(d) => "DefKind::FieldWithFlags",
        Kind::Field => "DefKind::Scalar",
    };
    let value_type = if d.kind == Kind::Field {
        datatype(&d.as_type)?
    } else {
        "Datatype::String"
    };
    let value_key = if field_has_struct(d) {
        let k = json_value_key(d);
        format!("Some({k:?})")
    } else {
        "None".into()
    };
    let mut flags = Vec::new();
    for f in &d.flags {
        let required = f.required && !relaxed.contains(&(r.clone(), f.name.clone()));
        flags.push(format!(
            "Flag {{ name: {:?}, datatype: {}, required: {required} }}",
            f.name,
            datatype(&f.as_type)?
        ));
    }
    let mut members = Vec::new();
    for item in &d.model {
        let required = item.min >= 1
            && item.choice.is_none()
            && !relaxed.contains(&(r.clone(), item.json_name().to_owned()));
        members.push(format!(
            "Member {{ key: {:?}, def: {}, min: {}, many: {}, required: {required}, choice: {} }}",
            item.json_name(),
            index[&item.target],
            item.min,
            item.is_many(),
            item.choice.unwrap_or(0)
        ));
    }
    Ok(format!(
        "    // {i}\n    Def {{ name: {:?}, kind: {kind}, datatype: {value_type}, value_key: {value_key}, flags: &[{}], members: &[{}] }},\n",
        d.name,
        flags.join(", "),
        members.join(", ")
    ))
}
