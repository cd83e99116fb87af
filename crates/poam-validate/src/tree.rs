//! The pass over the document's JSON form, driven by the generated tables: structure
//! (unknown, missing and mistyped members, empty arrays, choices), datatypes, empty markup,
//! and the metaschema / FedRAMP constraints.
//!
//! It reads the document through [`JsonNode`]: the typed model's borrowed view
//! ([`check_model`], no second parse) when the typed reader took the text, or the tree as
//! written ([`check_document`]: JSON, or YAML read with YAML 1.2 scalars), which sees what
//! the typed model cannot hold (an unknown member, a `null`) and reports every structural
//! problem at once, where deserializing stops at the first.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

use poam_model::Document;
use poam_model::walk::Node;
use serde_json::Value;

use crate::datatypes::check_value;
use crate::diagnostic::Diagnostic;
use crate::generated::{DEFS, FEDRAMP, ROOT_DEF, RULE_SETS};
use crate::node::{JsonNode, NodeKind};
use crate::rule_set::AppliedRuleSet;
use crate::rules::{self, RuleInfo, Severity};
use crate::schema::{
    CmpOp, Constraint, ConstraintTable, Datatype, DefKind, Level, Member, Origin, Path, Pred, Step,
    Test,
};
use crate::view::ModelView;

/// Receives each node a path selects: the pass, the node, its definition and its path
/// relative to where the selection started. Returns false to stop.
type Sink<'s, 'a, N> = dyn FnMut(&Pass<'a, N>, N, Option<u16>, &[Seg<'a>]) -> bool + 's;

/// The OSCAL namespace, which a prop without `ns` is in.
pub(crate) const OSCAL_NS: &str = "http://csrc.nist.gov/ns/oscal";

/// One segment of a JSON pointer, borrowed from the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// Renders a segment stack as a JSON pointer (RFC 6901).
pub(crate) fn pointer(segs: &[Seg]) -> String {
    let mut out = String::with_capacity(segs.len() * 12);
    for s in segs {
        out.push('/');
        match s {
            Seg::Key(k) => {
                if k.contains(['~', '/']) {
                    out.push_str(&k.replace('~', "~0").replace('/', "~1"));
                } else {
                    out.push_str(k);
                }
            }
            Seg::Index(i) => out.push_str(&i.to_string()),
        }
    }
    out
}

/// FedRAMP published both `http://` and `https://` forms of its namespace and facet system;
/// comparisons treat them as one (poam-fedramp's namespace policy).
fn same_value(a: &str, b: &str) -> bool {
    poam_fedramp::namespace::same_uri(a, b)
}

/// What the pass is told.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TreeOptions {
    /// The tree came from YAML: scalars a YAML reader typed as numbers or booleans are taken
    /// as their text where OSCAL wants a string (the typed reader does the same).
    pub yaml: bool,
    /// Evaluate FedRAMP's constraints too.
    pub fedramp: bool,
}

/// The `oscal-version` a document's tree declares, as written.
pub(crate) fn declared_version(doc: &Value) -> Option<Cow<'_, str>> {
    let v = doc
        .get(crate::ROOT_NAME)?
        .get("metadata")?
        .get("oscal-version")?;
    text_of(v, None)
}

/// Runs the pass over a document the typed reader read, through the model's borrowed view
/// (what the pass finds on the tree of the same text), with the OSCAL rule set `rule_set`.
pub(crate) fn check_model(
    doc: &Document,
    opts: TreeOptions,
    rule_set: AppliedRuleSet,
) -> crate::Validation {
    let mut pass = Pass::new(opts, &rule_set);
    let poam = &doc.plan_of_action_and_milestones;
    let root = ModelView::object(Node::PlanOfActionAndMilestones(poam), poam);
    pass.node(ROOT_DEF, root, &mut vec![Seg::Key(crate::ROOT_NAME)]);
    pass.finish(rule_set)
}

/// Runs the pass over a whole document (`{"plan-of-action-and-milestones": ...}`), with the
/// OSCAL rule set of the version it declares.
pub(crate) fn check_document(doc: &Value, opts: TreeOptions) -> crate::Validation {
    let rule_set = AppliedRuleSet::for_declared(declared_version(doc).as_deref());
    check_with(doc, opts, rule_set)
}

/// Runs the pass over a whole document with the OSCAL rule set `rule_set`, whatever the
/// document declares (what writing it as another version would hold it to).
pub(crate) fn check_with(
    doc: &Value,
    opts: TreeOptions,
    rule_set: AppliedRuleSet,
) -> crate::Validation {
    let mut pass = Pass::new(opts, &rule_set);
    let mut path = Vec::with_capacity(16);
    match doc.as_object() {
        Some(obj) => {
            for (k, v) in obj {
                path.push(Seg::Key(k.as_str()));
                if k == crate::ROOT_NAME {
                    pass.node(ROOT_DEF, v, &mut path);
                } else if poam_model::OTHER_MODELS.contains(&k.as_str()) {
                    pass.push(
                        &rules::STRUCTURE,
                        &path,
                        format!("this is an OSCAL {k}, not a {} (POA&M)", crate::ROOT_NAME),
                    );
                } else if k != "$schema" {
                    pass.push(
                        &rules::UNKNOWN_MEMBER,
                        &path,
                        format!(
                            "unknown member `{k}` at the document root (expected `{}`)",
                            crate::ROOT_NAME
                        ),
                    );
                }
                path.pop();
            }
            let other_model = obj
                .keys()
                .any(|k| poam_model::OTHER_MODELS.contains(&k.as_str()));
            if !obj.contains_key(crate::ROOT_NAME) && !other_model {
                pass.push(
                    &rules::MISSING_MEMBER,
                    &path,
                    format!("the document has no `{}` member", crate::ROOT_NAME),
                );
            }
        }
        None => pass.push(
            &rules::WRONG_TYPE,
            &path,
            format!("the document is {}, not an object", kind_of(doc)),
        ),
    }
    pass.finish(rule_set)
}

/// Allowed-values hits on one node, across all constraints that target it (their lists are
/// united; the node fails only when no list has its value). Most values are allowed: such a
/// node keeps nothing but that, and only a node no list has held so far keeps what its
/// finding would say.
enum AllowedState {
    Allowed,
    NotYet(Box<AllowedFinding>),
}

/// What a node's allowed-values finding says, gathered from every constraint that targets it.
struct AllowedFinding {
    /// Every constraint that targets the node has allow-other="no".
    closed: bool,
    pointer: String,
    value: String,
    ids: Vec<&'static str>,
    values: Vec<&'static str>,
    origin: Origin,
}

struct Pass<'a, N: JsonNode<'a>> {
    opts: TreeOptions,
    /// OSCAL's constraints of the version the document declares.
    oscal: &'static ConstraintTable,
    /// Where that version types a flag or value otherwise than the model:
    /// `(definition, member, datatype)` (1.0.4's base64 `filename`, a `uri-reference`).
    datatypes: Vec<(&'static str, &'static str, Datatype)>,
    /// That version (1.0, 1.1) takes any string as a `markup-line`.
    markup_line_is_any_string: bool,
    out: Vec<Diagnostic>,
    /// By (node, origin): OSCAL's and FedRAMP's lists are judged separately, so
    /// that FedRAMP's closed lists hold even where OSCAL's lists are open.
    allowed: HashMap<(N::Id, bool), AllowedState>,
    nodes: std::marker::PhantomData<&'a ()>,
}

fn kind_of<'a>(v: impl JsonNode<'a>) -> &'static str {
    v.kind().described()
}

pub(crate) fn level_severity(l: Level) -> Severity {
    match l {
        Level::Error => Severity::Error,
        Level::Warning => Severity::Warning,
        Level::Info => Severity::Info,
    }
}

/// The text of a scalar node: a string, a number or boolean's text, or a field's value.
fn text_of<'a>(v: impl JsonNode<'a>, def: Option<u16>) -> Option<Cow<'a, str>> {
    if v.is_object() {
        let key = def.and_then(|d| DEFS[usize::from(d)].value_key)?;
        v.get(key).and_then(|(_, x)| x.scalar_text())
    } else {
        v.scalar_text()
    }
}

/// The compiled pattern of every `matches` constraint of every table, by its source.
fn compiled_pattern(source: &str) -> Option<&'static regex::Regex> {
    static CACHE: OnceLock<HashMap<&'static str, regex::Regex>> = OnceLock::new();
    CACHE
        .get_or_init(|| {
            RULE_SETS
                .iter()
                .map(|r| r.constraints)
                .chain([&FEDRAMP])
                .flat_map(|t| t.constraints)
                .filter_map(|c| match c.test {
                    // Metaschema patterns match the whole value, as in XML Schema.
                    Test::Matches { regex: Some(r), .. } => {
                        regex::Regex::new(&format!("^(?:{r})$"))
                            .ok()
                            .map(|re| (r, re))
                    }
                    _ => None,
                })
                .collect()
        })
        .get(source)
}

/// XPath general comparison of two atomic values: numeric when both are numbers.
fn compare(a: &str, op: CmpOp, b: &str) -> bool {
    let ord = match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x.partial_cmp(&y),
        _ => Some(a.cmp(b)),
    };
    let Some(ord) = ord else {
        return false;
    };
    match op {
        CmpOp::Eq => ord.is_eq(),
        CmpOp::Ne => ord.is_ne(),
        CmpOp::Lt => ord.is_lt(),
        CmpOp::Le => ord.is_le(),
        CmpOp::Gt => ord.is_gt(),
        CmpOp::Ge => ord.is_ge(),
    }
}

/// Edit distance, for "did you mean" hints on unknown members.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

impl<'a, N: JsonNode<'a>> Pass<'a, N> {
    fn new(opts: TreeOptions, rule_set: &AppliedRuleSet) -> Self {
        Pass {
            opts,
            oscal: rule_set.rule_set().constraints,
            datatypes: crate::version::datatype_differences(rule_set.version),
            markup_line_is_any_string: crate::version::markup_line_is_any_string(rule_set.version),
            out: Vec::new(),
            allowed: HashMap::new(),
            nodes: std::marker::PhantomData,
        }
    }

    /// The findings, once every node is seen.
    fn finish(mut self, rule_set: AppliedRuleSet) -> crate::Validation {
        self.finish_allowed_values();
        crate::Validation {
            rule_set,
            diagnostics: self.out,
        }
    }

    fn push(&mut self, rule: &'static RuleInfo, path: &[Seg], message: String) {
        self.out.push(Diagnostic::new(rule, pointer(path), message));
    }

    fn node(&mut self, def_idx: u16, v: N, path: &mut Vec<Seg<'a>>) {
        let def = &DEFS[usize::from(def_idx)];
        let fedramp: &'static ConstraintTable = &FEDRAMP;
        let tables = if self.opts.fedramp {
            [Some(self.oscal), Some(fedramp)]
        } else {
            [Some(self.oscal), None]
        };
        for table in tables.into_iter().flatten() {
            for &ci in table.by_def[usize::from(def_idx)] {
                self.constraint(&table.constraints[usize::from(ci)], v, def_idx, path);
            }
        }
        if def.kind == DefKind::Scalar {
            self.scalar(def.datatype, v, path, def.name);
            return;
        }
        if !v.is_object() {
            self.push(
                &rules::WRONG_TYPE,
                path,
                format!("`{}` must be an object, not {}", def.name, kind_of(v)),
            );
            return;
        }
        for (k, val) in v.members() {
            path.push(Seg::Key(k));
            if let Some(f) = def.flags.iter().find(|f| f.name == k) {
                let dt = self.datatype_of(def.name, f.name, f.datatype);
                self.scalar(dt, val, path, f.name);
            } else if def.value_key == Some(k) {
                let dt = self.datatype_of(def.name, k, def.datatype);
                self.scalar(dt, val, path, def.name);
            } else if let Some(m) = def.members.iter().find(|m| m.key == k) {
                self.member(m, val, path);
            } else {
                let hint = def
                    .flags
                    .iter()
                    .map(|f| f.name)
                    .chain(def.members.iter().map(|m| m.key))
                    .chain(def.value_key)
                    .map(|n| (distance(k, n), n))
                    .filter(|(d, _)| *d <= 2)
                    .min()
                    .map(|(_, n)| format!("; did you mean `{n}`?"))
                    .unwrap_or_default();
                self.push(
                    &rules::UNKNOWN_MEMBER,
                    path,
                    format!("`{k}` is not a member of `{}`{hint}", def.name),
                );
            }
            path.pop();
        }
        for f in def.flags.iter().filter(|f| f.required) {
            if !v.contains_key(f.name) {
                self.push(
                    &rules::MISSING_MEMBER,
                    path,
                    format!("`{}` lacks its required `{}`", def.name, f.name),
                );
            }
        }
        if let Some(k) = def.value_key
            && !v.contains_key(k)
        {
            self.push(
                &rules::MISSING_MEMBER,
                path,
                format!("`{}` lacks its value `{k}`", def.name),
            );
        }
        for m in def.members.iter().filter(|m| m.required) {
            if !v.contains_key(m.key) {
                self.push(
                    &rules::MISSING_MEMBER,
                    path,
                    format!("`{}` lacks its required `{}`", def.name, m.key),
                );
            }
        }
        self.choices(def.name, def.members, v, path);
    }

    fn choices(&mut self, name: &str, members: &[Member], obj: N, path: &[Seg]) {
        let mut seen: Vec<u8> = Vec::new();
        for m in members.iter().filter(|m| m.choice != 0) {
            if seen.contains(&m.choice) {
                continue;
            }
            seen.push(m.choice);
            let alts: Vec<&Member> = members.iter().filter(|x| x.choice == m.choice).collect();
            let present: Vec<&str> = alts
                .iter()
                .filter(|a| obj.contains_key(a.key))
                .map(|a| a.key)
                .collect();
            let names = alts
                .iter()
                .map(|a| format!("`{}`", a.key))
                .collect::<Vec<_>>();
            if present.len() > 1 {
                self.push(
                    &rules::CHOICE,
                    path,
                    format!(
                        "`{name}` may have only one of {}, but has {}",
                        names.join(", "),
                        present
                            .iter()
                            .map(|p| format!("`{p}`"))
                            .collect::<Vec<_>>()
                            .join(" and ")
                    ),
                );
            } else if present.is_empty() && alts.iter().all(|a| a.min >= 1) {
                self.push(
                    &rules::CHOICE,
                    path,
                    format!("`{name}` needs one of {}", names.join(", ")),
                );
            }
        }
    }

    fn member(&mut self, m: &Member, v: N, path: &mut Vec<Seg<'a>>) {
        if !m.many {
            self.node(m.def, v, path);
            return;
        }
        if v.kind() != NodeKind::Array {
            self.push(
                &rules::WRONG_TYPE,
                path,
                format!("`{}` must be an array, not {}", m.key, kind_of(v)),
            );
            return;
        }
        let len = v.len();
        let min = m.min.max(1) as usize;
        if len < min {
            self.push(
                &rules::EMPTY_ARRAY,
                path,
                if len == 0 {
                    format!(
                        "`{}` is an empty array; omit it or give at least one item",
                        m.key
                    )
                } else {
                    format!("`{}` needs at least {min} items, has {}", m.key, len)
                },
            );
        }
        for (i, item) in v.items().enumerate() {
            path.push(Seg::Index(i));
            self.node(m.def, item, path);
            path.pop();
        }
    }

    /// The datatype of `member` of `def` in the rule set's version (`model` unless it differs).
    fn datatype_of(&self, def: &str, member: &str, model: Datatype) -> Datatype {
        self.datatypes
            .iter()
            .find(|(d, m, _)| *d == def && *m == member)
            .map_or(model, |&(_, _, dt)| dt)
    }

    fn scalar(&mut self, dt: Datatype, v: N, path: &[Seg], name: &str) {
        if dt.is_integer() {
            if !v.is_integer() {
                let text = v.as_str().filter(|_| self.opts.yaml);
                if text.and_then(|t| t.parse::<i64>().ok()).is_none() {
                    self.push(
                        &rules::WRONG_TYPE,
                        path,
                        format!("`{name}` must be an integer, not {}", kind_of(v)),
                    );
                    return;
                }
            }
        } else if v.kind() != NodeKind::String
            && !(self.opts.yaml && matches!(v.kind(), NodeKind::Number | NodeKind::Bool))
        {
            self.push(
                &rules::WRONG_TYPE,
                path,
                format!("`{name}` must be a string, not {}", kind_of(v)),
            );
            return;
        }
        let Some(text) = text_of(v, None) else {
            return;
        };
        if dt == Datatype::MarkupLine && self.markup_line_is_any_string {
            return;
        }
        if let Err(e) = check_value(dt, &text) {
            let rule = if e.empty_markup {
                &rules::EMPTY_MARKUP
            } else {
                &rules::DATATYPE
            };
            self.push(rule, path, e.message);
        }
    }

    // ---- constraints ---------------------------------------------------------------------

    /// Calls `f` on every node the path alternatives select from `node`, with the node's
    /// definition and its path relative to `node`. `f` returns false to stop.
    fn select(
        &self,
        paths: &[Path],
        node: N,
        def: Option<u16>,
        rel: &mut Vec<Seg<'a>>,
        f: &mut Sink<'_, 'a, N>,
    ) -> bool {
        for p in paths {
            if !self.select_steps(p, node, def, rel, f) {
                return false;
            }
        }
        true
    }

    fn select_steps(
        &self,
        steps: &[Step],
        node: N,
        def: Option<u16>,
        rel: &mut Vec<Seg<'a>>,
        f: &mut Sink<'_, 'a, N>,
    ) -> bool {
        let Some((first, rest)) = steps.split_first() else {
            return f(self, node, def, rel);
        };
        match *first {
            Step::Child { key, many, def: d } => {
                let Some((k, v)) = node.get(key) else {
                    return true;
                };
                rel.push(Seg::Key(k));
                let mut go_on = true;
                if many {
                    for (i, item) in v.items().enumerate() {
                        rel.push(Seg::Index(i));
                        go_on = self.select_steps(rest, item, Some(d), rel, f);
                        rel.pop();
                        if !go_on {
                            break;
                        }
                    }
                } else {
                    go_on = self.select_steps(rest, v, Some(d), rel, f);
                }
                rel.pop();
                go_on
            }
            Step::Flag(name) => {
                let Some((k, v)) = node.get(name) else {
                    return true;
                };
                rel.push(Seg::Key(k));
                let go_on = self.select_steps(rest, v, None, rel, f);
                rel.pop();
                go_on
            }
            Step::Filter(p) => {
                if self.pred(p, node, def) {
                    self.select_steps(rest, node, def, rel, f)
                } else {
                    true
                }
            }
        }
    }

    fn count(&self, paths: &[Path], node: N, def: Option<u16>, limit: usize) -> usize {
        let mut n = 0;
        let mut rel = Vec::new();
        self.select(paths, node, def, &mut rel, &mut |_, _, _, _| {
            n += 1;
            n < limit
        });
        n
    }

    fn any_text(
        &self,
        paths: &[Path],
        node: N,
        def: Option<u16>,
        test: &dyn Fn(&str) -> bool,
    ) -> bool {
        let mut found = false;
        let mut rel = Vec::new();
        self.select(paths, node, def, &mut rel, &mut |_, v, d, _| {
            if text_of(v, d).is_some_and(|t| test(&t)) {
                found = true;
            }
            !found
        });
        found
    }

    fn texts(&self, paths: &[Path], node: N, def: Option<u16>) -> Vec<String> {
        let mut out = Vec::new();
        let mut rel = Vec::new();
        self.select(paths, node, def, &mut rel, &mut |_, v, d, _| {
            if let Some(t) = text_of(v, d) {
                out.push(t.into_owned());
            }
            true
        });
        out
    }

    fn pred(&self, p: &Pred, node: N, def: Option<u16>) -> bool {
        match *p {
            Pred::And(ps) => ps.iter().all(|x| self.pred(x, node, def)),
            Pred::Or(ps) => ps.iter().any(|x| self.pred(x, node, def)),
            Pred::Not(x) => !self.pred(x, node, def),
            Pred::NsIn(list) => {
                if !node.is_object() {
                    return false;
                }
                let ns = node
                    .get("ns")
                    .and_then(|(_, v)| v.as_str())
                    .unwrap_or(OSCAL_NS);
                list.iter().any(|x| same_value(x, ns))
            }
            Pred::ValueIn(paths, list) => {
                self.any_text(paths, node, def, &|t| list.iter().any(|x| same_value(x, t)))
            }
            Pred::StartsWith(paths, prefix) => {
                self.any_text(paths, node, def, &|t| t.starts_with(prefix))
            }
            Pred::Exists(paths) => self.count(paths, node, def, 1) > 0,
            Pred::Compare(left, op, right) => {
                let l = self.texts(left, node, def);
                let r = self.texts(right, node, def);
                l.iter().any(|a| r.iter().any(|b| compare(a, op, b)))
            }
            Pred::Count(paths, op, n) => {
                let c = i64::try_from(self.count(paths, node, def, usize::MAX)).unwrap_or(i64::MAX);
                match op {
                    CmpOp::Eq => c == n,
                    CmpOp::Ne => c != n,
                    CmpOp::Lt => c < n,
                    CmpOp::Le => c <= n,
                    CmpOp::Gt => c > n,
                    CmpOp::Ge => c >= n,
                }
            }
        }
    }

    fn constraint(&mut self, c: &'static Constraint, node: N, def: u16, path: &mut Vec<Seg<'a>>) {
        match c.test {
            Test::AllowedValues {
                values,
                allow_other,
                complete,
            } => {
                let rule = AllowedRule {
                    values,
                    allow_other,
                    complete,
                };
                self.allowed_values(c, &rule, node, def, path);
            }
            Test::Matches { regex, datatype } => self.matches(c, regex, datatype, node, def, path),
            Test::IsUnique { keys } => self.is_unique(c, keys, node, def, path),
            Test::HasCardinality { min, max } => {
                let n = self.count(c.target, node, Some(def), usize::MAX);
                let n32 = u32::try_from(n).unwrap_or(u32::MAX);
                if n32 < min || max.is_some_and(|m| n32 > m) {
                    let want = match max {
                        Some(m) if m == min => format!("exactly {m}"),
                        Some(m) => format!("{min} to {m}"),
                        None => format!("at least {min}"),
                    };
                    let message = format!(
                        "`{}` has {n} of `{}`; it needs {want} [{}]",
                        DEFS[usize::from(def)].name,
                        c.target_text,
                        c.id
                    );
                    self.report(c, path, message);
                }
            }
            Test::Expect { test, message } => {
                let mut failed: Vec<Vec<Seg<'a>>> = Vec::new();
                let mut rel = Vec::new();
                self.select(c.target, node, Some(def), &mut rel, &mut |me, v, d, r| {
                    if !me.pred(test, v, d) {
                        failed.push(r.to_vec());
                    }
                    true
                });
                for rel in failed {
                    let text = message.map_or_else(
                        || format!("the expectation [{}] does not hold", c.id),
                        |m| format!("{m} [{}]", c.id),
                    );
                    self.report(c, &joined(path, &rel), text);
                }
            }
        }
    }

    /// Reports a failed constraint at `at`, under its rule, at its level.
    fn report(&mut self, c: &Constraint, at: &[Seg<'_>], message: String) {
        if let Some(r) = rules::find(c.rule) {
            self.out.push(
                Diagnostic::new(r, pointer(at), message).with_severity(level_severity(c.level)),
            );
        }
    }

    /// Records the values an `allowed-values` constraint targets; whether each is allowed is
    /// decided once every constraint on it is seen (see [`Self::finish_allowed_values`]).
    fn allowed_values(
        &mut self,
        c: &'static Constraint,
        rule: &AllowedRule,
        node: N,
        def: u16,
        path: &[Seg<'a>],
    ) {
        let mut hits: Vec<(N::Id, String, Vec<Seg<'a>>)> = Vec::new();
        let mut rel = Vec::new();
        self.select(c.target, node, Some(def), &mut rel, &mut |_, v, d, r| {
            if let Some(t) = text_of(v, d) {
                hits.push((v.id(), t.into_owned(), r.to_vec()));
            }
            true
        });
        for (addr, text, rel) in hits {
            let key = (addr, c.origin == Origin::Fedramp);
            if !rule.complete || rule.values.iter().any(|x| same_value(x, &text)) {
                self.allowed.insert(key, AllowedState::Allowed);
                continue;
            }
            let AllowedState::NotYet(st) = self.allowed.entry(key).or_insert_with(|| {
                AllowedState::NotYet(Box::new(AllowedFinding {
                    closed: true,
                    pointer: pointer(&joined(path, &rel)),
                    value: text,
                    ids: Vec::new(),
                    values: Vec::new(),
                    origin: c.origin,
                }))
            }) else {
                continue;
            };
            st.closed &= !rule.allow_other;
            if !st.ids.contains(&c.id) {
                st.ids.push(c.id);
            }
            for v in rule.values {
                if !st.values.contains(v) {
                    st.values.push(v);
                }
            }
        }
    }

    /// A `matches` constraint: each target matches the pattern and is a valid value of the
    /// data type.
    fn matches(
        &mut self,
        c: &'static Constraint,
        regex: Option<&'static str>,
        datatype: Option<Datatype>,
        node: N,
        def: u16,
        path: &[Seg<'a>],
    ) {
        let mut bad: Vec<(String, Vec<Seg<'a>>, String)> = Vec::new();
        let re = regex.and_then(compiled_pattern);
        let mut rel = Vec::new();
        self.select(c.target, node, Some(def), &mut rel, &mut |_, v, d, r| {
            if let Some(t) = text_of(v, d) {
                if let (Some(re), Some(src)) = (re, regex)
                    && !re.is_match(&t)
                {
                    bad.push((t.to_string(), r.to_vec(), format!("does not match `{src}`")));
                    return true;
                }
                if let Some(dt) = datatype
                    && let Err(e) = check_value(dt, &t)
                {
                    let why = format!("is not a valid {}: {}", dt.name(), e.reason);
                    bad.push((t.to_string(), r.to_vec(), why));
                }
            }
            true
        });
        for (text, rel, why) in bad {
            self.report(c, &joined(path, &rel), format!("{text:?} {why} [{}]", c.id));
        }
    }

    /// An `is-unique` constraint: no two targets have the same keys.
    fn is_unique(
        &mut self,
        c: &'static Constraint,
        keys: &[&[Path]],
        node: N,
        def: u16,
        path: &[Seg<'a>],
    ) {
        let mut targets: Vec<(Vec<String>, Vec<Seg<'a>>)> = Vec::new();
        let mut rel = Vec::new();
        self.select(c.target, node, Some(def), &mut rel, &mut |me, v, d, r| {
            let key: Vec<String> = keys.iter().map(|k| me.first_text(k, v, d)).collect();
            targets.push((key, r.to_vec()));
            true
        });
        let mut seen: HashMap<&Vec<String>, &Vec<Seg<'a>>> = HashMap::new();
        let mut dups = Vec::new();
        for (key, rel) in &targets {
            if let Some(first) = seen.get(key) {
                dups.push((key.clone(), (*first).clone(), rel.clone()));
            } else {
                seen.insert(key, rel);
            }
        }
        for (key, first, rel) in dups {
            let same = key
                .iter()
                .filter(|k| !k.is_empty())
                .map(|k| format!("{k:?}"))
                .collect::<Vec<_>>()
                .join(", ");
            let message = format!(
                "duplicates {} (same {same}) [{}]",
                pointer(&joined(path, &first)),
                c.id
            );
            self.report(c, &joined(path, &rel), message);
        }
    }

    /// The text of the last node `paths` select from `node` (empty when none).
    fn first_text(&self, paths: &[Path], node: N, def: Option<u16>) -> String {
        let mut found = String::new();
        let mut rel = Vec::new();
        self.select(paths, node, def, &mut rel, &mut |_, v, d, _| {
            if let Some(t) = text_of(v, d) {
                found = t.into_owned();
            }
            false
        });
        found
    }

    fn finish_allowed_values(&mut self) {
        /// How many of a list's values a message shows.
        const SHOWN: usize = 12;
        let mut failed: Vec<Box<AllowedFinding>> = self
            .allowed
            .drain()
            .filter_map(|(_, s)| match s {
                AllowedState::Allowed => None,
                AllowedState::NotYet(f) => Some(f),
            })
            .collect();
        failed.sort_by(|a, b| a.pointer.cmp(&b.pointer));
        for s in failed {
            let rule = match (s.origin, s.closed) {
                (Origin::Oscal, true) => &rules::ALLOWED_VALUES,
                (Origin::Oscal, false) => &rules::ALLOWED_VALUES_OPEN,
                (Origin::Fedramp, true) => &rules::FR_ALLOWED_VALUES,
                (Origin::Fedramp, false) => &rules::FR_ALLOWED_VALUES_OPEN,
            };
            let mut list = s
                .values
                .iter()
                .take(SHOWN)
                .map(|v| format!("`{v}`"))
                .collect::<Vec<_>>()
                .join(", ");
            if s.values.len() > SHOWN {
                let _ = write!(list, " and {} more", s.values.len() - SHOWN);
            }
            let message = format!(
                "{:?} is not {} value: {list} [{}]",
                s.value,
                if s.closed { "an allowed" } else { "a defined" },
                s.ids.join(", ")
            );
            self.out.push(Diagnostic::new(rule, s.pointer, message));
        }
    }
}

/// An `allowed-values` constraint's list.
struct AllowedRule {
    values: &'static [&'static str],
    allow_other: bool,
    /// See [`Test::AllowedValues`].
    complete: bool,
}

/// The segments of `path` followed by those of `rel`.
fn joined<'a>(path: &[Seg<'a>], rel: &[Seg<'a>]) -> Vec<Seg<'a>> {
    let mut full = path.to_vec();
    full.extend_from_slice(rel);
    full
}
