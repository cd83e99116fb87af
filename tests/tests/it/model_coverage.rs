//! Proves that `fixtures/poam/full.json` exercises the whole model: every generated struct and
//! every one of its members, and every scalar datatype.
//!
//! The list of structs and members is read from `crates/poam-model/src/generated.rs` at test
//! time, so when the generator adds a type or a member this test fails until the fixture uses
//! it. The fixture side comes from the generated walker, which reports every object and value
//! with its JSON pointer.

use std::collections::{BTreeMap, BTreeSet};

use poam::model::walk::{Node, Path, Segment, Value, Visitor, Walk};
use poam_tests::{load, workspace_root};

/// Struct name -> (JSON member name -> required?), parsed from the generated source. A member
/// is required when its Rust type is neither `Option` nor `Vec`.
fn generated_members() -> BTreeMap<String, BTreeMap<String, bool>> {
    let path = workspace_root().join("crates/poam-model/src/generated.rs");
    let src = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let lines: Vec<&str> = src.lines().collect();
    let mut out = BTreeMap::new();
    let mut current: Option<(String, BTreeMap<String, bool>)> = None;
    let mut pending: Option<String> = None;
    for (i, line) in lines.iter().enumerate() {
        if let Some(rest) = line.strip_prefix("pub struct ") {
            let name = rest.split([' ', '{', '(', '<']).next().unwrap_or_default();
            if rest.trim_end().ends_with("{}") {
                out.insert(name.to_owned(), BTreeMap::new());
            } else {
                current = Some((name.to_owned(), BTreeMap::new()));
            }
            continue;
        }
        if *line == "}" {
            if let Some((name, members)) = current.take() {
                out.insert(name, members);
            }
            continue;
        }
        let Some((_, members)) = current.as_mut() else {
            continue;
        };
        // Members carry `#[serde(rename = "json-name", ...)]`, possibly over several lines,
        // then `pub rust_name: Type,` (the type possibly on the next line).
        if let Some(at) = line.find("rename = \"") {
            let rest = &line[at + "rename = \"".len()..];
            pending = rest.find('"').map(|end| rest[..end].to_owned());
        } else if let Some(decl) = line.trim_start().strip_prefix("pub ")
            && let Some(json) = pending.take()
        {
            let mut ty = decl.split_once(':').map_or("", |(_, t)| t.trim());
            if ty.is_empty() {
                ty = lines.get(i + 1).map_or("", |l| l.trim());
            }
            let required = !(ty.starts_with("Option<") || ty.starts_with("Vec<"));
            members.insert(json, required);
        }
    }
    out
}

/// The variant name of a node (`PoamItem`), which is also the name of its struct.
fn type_name(node: Node<'_>) -> String {
    // Debug prints `Variant(Struct { .. })`; only the variant is wanted.
    let debug = format!("{node:?}");
    debug.split('(').next().unwrap_or_default().to_owned()
}

#[derive(Default)]
struct Seen {
    /// Open objects: the struct name and the length of its path.
    stack: Vec<(String, usize)>,
    members: BTreeMap<String, BTreeSet<String>>,
    datatypes: BTreeSet<&'static str>,
}

impl Seen {
    /// Records that the innermost open object has the member leading to `path`.
    fn record(&mut self, path: &Path) {
        let Some((parent, depth)) = self.stack.last() else {
            return;
        };
        if let Some(Segment::Key(k)) = path.segments().get(*depth) {
            self.members
                .entry(parent.clone())
                .or_default()
                .insert((*k).to_owned());
        }
    }
}

impl Visitor for Seen {
    fn node(&mut self, path: &Path, node: Node<'_>) {
        self.record(path);
        let name = type_name(node);
        self.members.entry(name.clone()).or_default();
        self.stack.push((name, path.segments().len()));
    }
    fn leave(&mut self, _path: &Path, _node: Node<'_>) {
        self.stack.pop();
    }
    fn value(&mut self, path: &Path, value: Value<'_>) {
        self.record(path);
        self.datatypes.insert(match value {
            Value::String(_) => "string",
            Value::Token(_) => "token",
            Value::Uuid(_) => "uuid",
            Value::Uri(_) => "uri",
            Value::UriReference(_) => "uri-reference",
            Value::DateTimeWithTimezone(_) => "date-time-with-timezone",
            Value::EmailAddress(_) => "email-address",
            Value::Base64(_) => "base64",
            Value::NonNegativeInteger(_) => "non-negative-integer",
            Value::PositiveInteger(_) => "positive-integer",
            Value::MarkupLine(_) => "markup-line",
            Value::MarkupMultiline(_) => "markup-multiline",
        });
    }
}

fn walk_fixture(rel: &str) -> Seen {
    let doc = load(rel);
    let mut seen = Seen::default();
    doc.plan_of_action_and_milestones
        .walk(&mut Path::root(), &mut seen);
    assert!(seen.stack.is_empty(), "walker left objects open");
    seen
}

#[test]
fn generated_source_parses_into_a_plausible_type_list() {
    let generated = generated_members();
    // Guards the parser above: a broken parse must not make the coverage test pass vacuously.
    assert!(
        generated.len() >= 60,
        "only {} structs found",
        generated.len()
    );
    assert_eq!(
        generated
            .get("Property")
            .map(std::collections::BTreeMap::len),
        Some(7),
        "Property should have name, uuid, ns, value, class, group, remarks"
    );
    assert_eq!(generated.get("IncludeAll").map(BTreeMap::len), Some(0));
    assert_eq!(
        generated.get("PoamItem").and_then(|m| m.get("title")),
        Some(&true),
        "a poam-item's title is required"
    );
    assert_eq!(
        generated.get("PoamItem").and_then(|m| m.get("remarks")),
        Some(&false),
        "a poam-item's remarks are optional"
    );
    let members: usize = generated.values().map(BTreeMap::len).sum();
    assert!(members > 300, "only {members} members found");
}

#[test]
fn full_fixture_uses_every_struct_and_every_member() {
    let generated = generated_members();
    let seen = walk_fixture("poam/full.json");

    let missing_types: Vec<&String> = generated
        .keys()
        .filter(|t| !seen.members.contains_key(*t))
        .collect();
    let unknown_types: Vec<&String> = seen
        .members
        .keys()
        .filter(|t| !generated.contains_key(*t))
        .collect();
    let mut missing_members = Vec::new();
    for (ty, members) in &generated {
        let used = seen.members.get(ty);
        for m in members.keys() {
            if !used.is_some_and(|u| u.contains(m)) {
                missing_members.push(format!("{ty}.{m}"));
            }
        }
    }
    assert!(
        missing_types.is_empty() && unknown_types.is_empty() && missing_members.is_empty(),
        "fixtures/poam/full.json does not exercise the whole model\n\
         structs never used: {missing_types:?}\n\
         walker names with no generated struct: {unknown_types:?}\n\
         members never used: {missing_members:#?}"
    );
    assert_eq!(seen.members.len(), generated.len());
}

#[test]
fn full_fixture_uses_every_datatype() {
    let seen = walk_fixture("poam/full.json");
    let all = [
        "string",
        "token",
        "uuid",
        "uri",
        "uri-reference",
        "date-time-with-timezone",
        "email-address",
        "base64",
        "non-negative-integer",
        "positive-integer",
        "markup-line",
        "markup-multiline",
    ];
    let missing: Vec<&str> = all
        .iter()
        .copied()
        .filter(|d| !seen.datatypes.contains(d))
        .collect();
    assert!(missing.is_empty(), "datatypes never used: {missing:?}");
}

#[test]
fn full_fixture_has_the_schema_directive() {
    let doc = load("poam/full.json");
    assert!(
        doc.schema.is_some(),
        "the root `$schema` member is not exercised"
    );
}

/// `minimal.json` has only what the schema requires: every member it uses is one the model
/// requires (not `Option`/`Vec`), except the root's `poam-items`, which the model keeps as a
/// `Vec` but the schema requires.
#[test]
fn minimal_fixture_has_only_required_members() {
    let generated = generated_members();
    let seen = walk_fixture("poam/minimal.json");
    let mut extra = Vec::new();
    for (ty, members) in &seen.members {
        for m in members {
            let required = generated
                .get(ty)
                .and_then(|g| g.get(m))
                .copied()
                .unwrap_or(false);
            let required_by_schema = ty == "PlanOfActionAndMilestones" && m == "poam-items";
            if !required && !required_by_schema {
                extra.push(format!("{ty}.{m}"));
            }
        }
    }
    assert!(
        extra.is_empty(),
        "minimal.json has optional members: {extra:?}"
    );
    assert!(load("poam/minimal.json").schema.is_none());
}
