//! Writing a document as another OSCAL version (`--oscal-version`).
//!
//! The model holds the POA&M of every supported version at once (1.2's members, 1.0's and
//! 1.1's required members optional). Which members each version has is generated from the
//! metaschema of each version (`version_shapes.rs`, by `cargo xtask codegen`), so that
//! [`convert_version`] can tell exactly what a target version cannot hold: a member it does
//! not have (1.0.4 has no `findings`, no `related-findings`, no metadata `actions`, no prop
//! `group`; 1.1 has no `remarks` on `related-risks`, `on-date` or `logged-by`), a member it
//! requires that the document lacks (1.0.4 requires a protocol's `name` and a location's
//! `address`), or a value its datatype rejects (1.1 made a base64 `filename` a token; 1.2's
//! JSON Schema wants a `markup-line` to be one non-empty line). Nothing
//! is renamed between the POA&M models of 1.0.4, 1.1.x and 1.2.x, so upgrading is writing the
//! same members under the new `oscal-version`; downgrading is the same once nothing newer is
//! used. 1.1.2 has no metaschema of its own here: its POA&M is 1.1.3's (the two releases
//! differ in no POA&M member).

use std::fmt;

use crate::Document;
use crate::datatypes::{
    Base64, Datatype, DateTimeWithTimezone, EmailAddress, Token, Uri, UriReference, Uuid,
    check_string,
};
use crate::version_shapes::SHAPES;
use crate::walk::{Path, Segment, Value, Visitor, Walk};
use poam_markup::MarkupLine;

/// One JSON member of an object in one OSCAL version (generated).
#[derive(Debug)]
pub(crate) struct Member {
    name: &'static str,
    required: bool,
    many: bool,
    /// The object's shape (index in the version's table), or `None` for a scalar.
    object: Option<u16>,
    /// The scalar's metaschema datatype (empty for objects).
    datatype: &'static str,
    /// Members of one `<choice>` share a number: one of them satisfies `required`. 0: none.
    choice: u8,
}

/// An object's members in one OSCAL version (generated).
#[derive(Debug)]
pub(crate) struct Shape {
    pub(crate) definition: &'static str,
    pub(crate) members: &'static [Member],
}

/// A member holding an object (or a list of objects) of shape `shape`.
pub(crate) const fn object(
    name: &'static str,
    required: bool,
    many: bool,
    choice: u8,
    shape: u16,
) -> Member {
    Member {
        name,
        required,
        many,
        object: Some(shape),
        datatype: "",
        choice,
    }
}

/// A member holding a scalar (or a list of scalars) of `datatype`.
pub(crate) const fn scalar(
    name: &'static str,
    required: bool,
    many: bool,
    choice: u8,
    datatype: &'static str,
) -> Member {
    Member {
        name,
        required,
        many,
        object: None,
        datatype,
        choice,
    }
}

/// The OSCAL versions poam writes documents as, oldest first, each with the metaschema
/// version whose POA&M it is.
pub const WRITABLE_VERSIONS: &[(&str, &str)] = &[
    ("1.0.4", "1.0.4"),
    ("1.1.2", "1.1.3"),
    ("1.1.3", "1.1.3"),
    ("1.2.1", "1.2.2"),
    ("1.2.2", "1.2.2"),
    ("1.2.3", "1.2.2"),
];

/// An OSCAL version a document can be written as (one of [`WRITABLE_VERSIONS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TargetVersion {
    version: &'static str,
    metaschema: &'static str,
}

impl TargetVersion {
    /// The version `text` names (`1.0.4`, `1.1.2`, `1.1.3`, `1.2.1` to `1.2.3`), or why not.
    pub fn parse(text: &str) -> Result<Self, String> {
        WRITABLE_VERSIONS
            .iter()
            .find(|(v, _)| *v == text.trim())
            .map(|&(version, metaschema)| Self {
                version,
                metaschema,
            })
            .ok_or_else(|| {
                let known: Vec<&str> = WRITABLE_VERSIONS.iter().map(|(v, _)| *v).collect();
                format!(
                    "{text:?} is not an OSCAL version poam writes; give one of {}",
                    known.join(", ")
                )
            })
    }

    /// The version, e.g. `1.1.2`: what `metadata/oscal-version` gets.
    pub fn as_str(&self) -> &'static str {
        self.version
    }

    /// The metaschema version whose POA&M this version's is (1.1.2's is 1.1.3's).
    pub fn metaschema(&self) -> &'static str {
        self.metaschema
    }

    /// NIST's identifier of the version's POA&M JSON Schema (its `$id`), which a document's
    /// `$schema` gets.
    pub fn schema_id(&self) -> String {
        format!(
            "http://csrc.nist.gov/ns/oscal/{}/oscal-poam-schema.json",
            self.version
        )
    }

    fn shapes(&self) -> &'static [Shape] {
        shapes_of(self.metaschema)
    }
}

fn shapes_of(metaschema: &str) -> &'static [Shape] {
    SHAPES
        .iter()
        .find(|(v, _)| *v == metaschema)
        .map_or(&[], |(_, s)| s)
}

/// The shapes of the version `doc` declares (its major.minor's metaschema), else the
/// newest's: what a value's datatype was when it was written.
fn declared_shapes(doc: &Document) -> &'static [Shape] {
    let declared = doc.declared_version().numbers;
    WRITABLE_VERSIONS
        .iter()
        .rev()
        .find(|(v, _)| {
            let (major, minor) = declared.map_or((0, 0), |(a, b, _)| (a, b));
            v.starts_with(&format!("{major}.{minor}."))
        })
        .or(WRITABLE_VERSIONS.last())
        .map_or(&[], |(_, m)| shapes_of(m))
}

impl std::str::FromStr for TargetVersion {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::parse(s)
    }
}

impl fmt::Display for TargetVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.version)
    }
}

/// One thing the target version cannot hold, at its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unrepresentable {
    /// JSON pointer of the member (of a list, the list).
    pub pointer: String,
    /// What the target lacks or requires, in a sentence.
    pub reason: String,
}

impl fmt::Display for Unrepresentable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pointer, self.reason)
    }
}

/// A document the target version cannot hold: every place, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VersionError {
    /// The version asked for.
    pub target: TargetVersion,
    /// What it cannot hold, one entry per place.
    pub places: Vec<Unrepresentable>,
}

impl fmt::Display for VersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the document cannot be written as OSCAL {}: {} place(s) hold what that version has no room for",
            self.target,
            self.places.len()
        )
    }
}

impl std::error::Error for VersionError {}

impl VersionError {
    /// The refusal of `target` for `places` (checks made outside this crate, such as the
    /// target version's constraints, refuse through it too).
    pub fn new(target: TargetVersion, places: Vec<Unrepresentable>) -> Self {
        Self { target, places }
    }
}

/// Makes `doc` a document of OSCAL `target`: checks every member and value against the
/// target's POA&M, then sets `metadata/oscal-version` to `target` and a `$schema` the
/// document has to NIST's schema of `target`. On `Err` (every place the target cannot hold)
/// `doc` is unchanged.
pub fn convert_version(doc: &mut Document, target: TargetVersion) -> Result<(), VersionError> {
    let places = unrepresentable(doc, target);
    if !places.is_empty() {
        return Err(VersionError { target, places });
    }
    target
        .as_str()
        .clone_into(&mut doc.plan_of_action_and_milestones.metadata.oscal_version);
    if doc.schema.is_some() {
        doc.schema = Some(target.schema_id());
    }
    Ok(())
}

/// Every place of `doc` that OSCAL `target` cannot hold, in document order.
pub fn unrepresentable(doc: &Document, target: TargetVersion) -> Vec<Unrepresentable> {
    let mut check = Check {
        target,
        shapes: target.shapes(),
        source: declared_shapes(doc),
        frames: Vec::new(),
        found: Vec::new(),
    };
    doc.plan_of_action_and_milestones
        .walk(&mut Path::root(), &mut check);
    check.found
}

/// The walk: one frame per open object, in step with the target's shapes.
struct Check {
    target: TargetVersion,
    shapes: &'static [Shape],
    /// The declared version's shapes, walked alongside: a value is checked against the
    /// target's datatype where that differs from the declared version's.
    source: &'static [Shape],
    frames: Vec<Frame>,
    found: Vec<Unrepresentable>,
}

struct Frame {
    /// The object's shape in the target; `None` inside a member already refused.
    shape: Option<usize>,
    /// The object's shape in the declared version, when it has one.
    source: Option<usize>,
    /// The members met so far (for required members, and to refuse a list once).
    seen: Vec<&'static str>,
}

/// The pointer of the member `path` is in: the path up to its last member name.
fn member_pointer(path: &Path) -> String {
    let segments = path.segments();
    let end = segments
        .iter()
        .rposition(|s| matches!(s, Segment::Key(_)))
        .map_or(0, |i| i + 1);
    segments[..end].iter().fold(String::new(), |mut s, seg| {
        match seg {
            Segment::Key(k) => {
                s.push('/');
                s.push_str(k);
            }
            Segment::Index(i) => {
                s.push('/');
                s.push_str(&i.to_string());
            }
        }
        s
    })
}

impl Check {
    fn refuse(&mut self, pointer: String, reason: String) {
        self.found.push(Unrepresentable { pointer, reason });
    }

    /// The target's member the value or object at `path` is under, recording it as met;
    /// `None` (after refusing it once) when the target has no such member or the enclosing
    /// object was refused.
    fn member(&mut self, path: &Path) -> Option<(&'static Member, Option<&'static Member>)> {
        let key = path.last_key()?;
        let frame = self.frames.last_mut()?;
        let shape = frame.shape?;
        let source = frame
            .source
            .and_then(|i| self.source.get(i))
            .and_then(|s| s.members.iter().find(|m| m.name == key));
        let first = !frame.seen.contains(&key);
        if first {
            frame.seen.push(key);
        }
        let s = &self.shapes[shape];
        let Some(member) = s.members.iter().find(|m| m.name == key) else {
            if first {
                let reason = format!(
                    "OSCAL {} has no `{key}` in `{}`; it came with a later version",
                    self.target, s.definition
                );
                self.refuse(member_pointer(path), reason);
            }
            return None;
        };
        let listed = matches!(path.segments().last(), Some(Segment::Index(_)));
        if first && listed != member.many {
            let (has, wants) = if listed {
                ("a list", "one")
            } else {
                ("one", "a list")
            };
            let reason = format!("`{key}` is {has} here and {wants} in OSCAL {}", self.target);
            self.refuse(member_pointer(path), reason);
        }
        Some((member, source))
    }
}

impl Check {
    /// OSCAL 1.2 defined `markup-line` anew (its JSON Schema: one non-empty line,
    /// `^[^\n]+$`; 1.0 and 1.1 took any string), without a change of the datatype's name
    /// that the metaschema would show: a line from an older document that 1.2 cannot hold.
    fn markup_line_refusal(&self, line: &MarkupLine) -> Option<String> {
        let is_1_2 = |shapes: &[Shape]| std::ptr::eq(shapes, shapes_of("1.2.2"));
        if !is_1_2(self.shapes) || is_1_2(self.source) {
            return None;
        }
        let text = line.to_markdown();
        let why = if text.is_empty() {
            "is empty"
        } else if text.contains('\n') {
            "spans several lines"
        } else {
            return None;
        };
        Some(format!(
            "this markup-line {why}, and OSCAL {} wants one non-empty line",
            self.target
        ))
    }
}

impl Visitor for Check {
    fn node(&mut self, path: &Path, _node: crate::walk::Node<'_>) {
        if self.frames.is_empty() {
            self.frames.push(Frame {
                shape: (!self.shapes.is_empty()).then_some(0),
                source: (!self.source.is_empty()).then_some(0),
                seen: Vec::new(),
            });
            return;
        }
        let (shape, source) = match self.member(path) {
            Some((m, s)) => (m.object, s.and_then(|s| s.object)),
            None => (None, None),
        };
        self.frames.push(Frame {
            shape: shape.map(usize::from),
            source: source.map(usize::from),
            seen: Vec::new(),
        });
    }

    fn leave(&mut self, path: &Path, _node: crate::walk::Node<'_>) {
        let Some(Frame {
            shape: Some(shape),
            seen,
            ..
        }) = self.frames.pop()
        else {
            return;
        };
        let s = &self.shapes[shape];
        let met = |m: &Member| {
            seen.contains(&m.name)
                || (m.choice != 0
                    && s.members
                        .iter()
                        .any(|o| o.choice == m.choice && seen.contains(&o.name)))
        };
        for m in s.members.iter().filter(|m| m.required) {
            if !met(m) {
                let reason = format!(
                    "OSCAL {} requires `{}` in `{}`, and the document has none",
                    self.target, m.name, s.definition
                );
                self.refuse(format!("{path}/{}", m.name), reason);
            }
        }
    }

    fn value(&mut self, path: &Path, value: Value<'_>) {
        let Some((member, source)) = self.member(path) else {
            return;
        };
        if let Value::MarkupLine(line) = value
            && let Some(why) = self.markup_line_refusal(line)
        {
            self.refuse(path.to_string(), why);
            return;
        }
        // The datatype the value was written as: the declared version's, else the model's.
        let (model_datatype, text) = datatype_and_text(value);
        let written_as = source.map_or(model_datatype, |s| s.datatype);
        if member.datatype == written_as || member.object.is_some() {
            return;
        }
        if let Some(text) = text
            && let Err(why) = check_as(member.datatype, &text)
        {
            let reason = format!(
                "{text:?} is not a {} as OSCAL {} requires ({why})",
                member.datatype, self.target
            );
            self.refuse(path.to_string(), reason);
        }
    }
}

/// A scalar's datatype in the model.
pub(crate) fn model_datatype(value: Value<'_>) -> &'static str {
    match value {
        Value::String(_) => "string",
        Value::Token(_) => Token::NAME,
        Value::Uuid(_) => Uuid::NAME,
        Value::Uri(_) => Uri::NAME,
        Value::UriReference(_) => UriReference::NAME,
        Value::DateTimeWithTimezone(_) => DateTimeWithTimezone::NAME,
        Value::EmailAddress(_) => EmailAddress::NAME,
        Value::Base64(_) => Base64::NAME,
        Value::NonNegativeInteger(_) => crate::datatypes::NonNegativeInteger::NAME,
        Value::PositiveInteger(_) => crate::datatypes::PositiveInteger::NAME,
        Value::MarkupLine(_) => "markup-line",
        Value::MarkupMultiline(_) => "markup-multiline",
    }
}

/// A scalar's datatype in the model, and its text (`None` for markup, whose datatypes no
/// version changes).
pub(crate) fn datatype_and_text(value: Value<'_>) -> (&'static str, Option<String>) {
    fn of<T: Datatype + fmt::Display>(x: &T) -> (&'static str, Option<String>) {
        (T::NAME, Some(x.to_string()))
    }
    match value {
        Value::String(s) => ("string", Some(s.clone())),
        Value::Token(x) => of(x),
        Value::Uuid(x) => of(x),
        Value::Uri(x) => of(x),
        Value::UriReference(x) => of(x),
        Value::DateTimeWithTimezone(x) => of(x),
        Value::EmailAddress(x) => of(x),
        Value::Base64(x) => of(x),
        Value::NonNegativeInteger(x) => of(x),
        Value::PositiveInteger(x) => of(x),
        Value::MarkupLine(_) => ("markup-line", None),
        Value::MarkupMultiline(_) => ("markup-multiline", None),
    }
}

/// Every scalar member whose datatype in the POA&M of metaschema version `metaschema`
/// (`1.0.4`, `1.1.3`, `1.2.2`) differs from the newest version's, the model's:
/// `(definition, member, datatype in that version)`. For 1.0.4: the base64 `filename`, a
/// `uri-reference` there and a `token` since 1.1. Empty for the newest and for a version
/// with no shapes.
pub fn datatype_differences(metaschema: &str) -> Vec<(&'static str, &'static str, &'static str)> {
    let newest = WRITABLE_VERSIONS
        .last()
        .map_or(&[][..], |(_, m)| shapes_of(m));
    let mut out = Vec::new();
    for shape in shapes_of(metaschema) {
        let Some(model) = newest.iter().find(|s| s.definition == shape.definition) else {
            continue;
        };
        for m in shape.members.iter().filter(|m| m.object.is_none()) {
            let differs = model
                .members
                .iter()
                .any(|n| n.name == m.name && n.object.is_none() && n.datatype != m.datatype);
            let entry = (shape.definition, m.name, m.datatype);
            if differs && !out.contains(&entry) {
                out.push(entry);
            }
        }
    }
    out
}

/// Follows a walk of a document in step with one version's shapes, to tell each value's
/// datatype in that version (for [`crate::check::datatype_errors`], which checks a value by
/// the version its document declares: 1.0.4's base64 `filename` is a `uri-reference`, 1.1's
/// a `token`).
pub(crate) struct ShapeCursor {
    shapes: &'static [Shape],
    /// The shape of each open object; `None` where the version has no such member.
    frames: Vec<Option<usize>>,
}

impl ShapeCursor {
    /// A cursor over the shapes of the version `doc` declares (else the newest's).
    pub(crate) fn declared(doc: &Document) -> Self {
        Self {
            shapes: declared_shapes(doc),
            frames: Vec::new(),
        }
    }

    fn member(&self, path: &Path) -> Option<&'static Member> {
        let key = path.last_key()?;
        let shape = self.shapes.get((*self.frames.last()?)?)?;
        shape.members.iter().find(|m| m.name == key)
    }

    /// Entering the object at `path`.
    pub(crate) fn enter(&mut self, path: &Path) {
        let shape = if self.frames.is_empty() {
            (!self.shapes.is_empty()).then_some(0)
        } else {
            self.member(path).and_then(|m| m.object).map(usize::from)
        };
        self.frames.push(shape);
    }

    /// Leaving the innermost object.
    pub(crate) fn leave(&mut self) {
        self.frames.pop();
    }

    /// The datatype of the scalar at `path` in the version, when it has that member.
    pub(crate) fn datatype(&self, path: &Path) -> Option<&'static str> {
        self.member(path)
            .filter(|m| m.object.is_none())
            .map(|m| m.datatype)
    }
}

/// Checks `text` as a value of the metaschema datatype `datatype`.
pub(crate) fn check_as(datatype: &str, text: &str) -> Result<(), String> {
    let integer = |min: i64| match text.parse::<i64>() {
        Ok(n) if n >= min => Ok(()),
        _ => Err(format!("not an integer of {min} or more")),
    };
    match datatype {
        "string" => check_string(text),
        "token" => Token::from(text).check(),
        "uuid" => Uuid::from(text).check(),
        "uri" => Uri::from(text).check(),
        "uri-reference" => UriReference::from(text).check(),
        "date-time-with-timezone" => DateTimeWithTimezone::from(text).check(),
        "email-address" => EmailAddress::from(text).check(),
        "base64" => Base64::from(text).check(),
        "non-negative-integer" => integer(0),
        "positive-integer" => integer(1),
        _ => Ok(()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Document {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures")
            .join(name);
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
    }

    fn v(text: &str) -> TargetVersion {
        TargetVersion::parse(text).unwrap()
    }

    fn pointers(doc: &Document, target: &str) -> Vec<String> {
        unrepresentable(doc, v(target))
            .into_iter()
            .map(|u| u.pointer)
            .collect()
    }

    /// The full fixture uses every member of the model: as 1.2 nothing is refused, so the
    /// walker's member names and the generated 1.2 shapes agree everywhere.
    #[test]
    fn the_full_fixture_fits_every_1_2_release() {
        let doc = fixture("poam/full.json");
        for target in ["1.2.1", "1.2.2", "1.2.3"] {
            assert_eq!(unrepresentable(&doc, v(target)), vec![], "{target}");
        }
    }

    #[test]
    fn a_1_2_document_as_1_0_4_is_refused_at_every_newer_member() {
        let doc = fixture("version/new-in-1.2.json");
        let found = unrepresentable(&doc, v("1.0.4"));
        let places: Vec<&str> = found.iter().map(|u| u.pointer.as_str()).collect();
        assert_eq!(
            places,
            [
                "/plan-of-action-and-milestones/metadata/props/0/group",
                "/plan-of-action-and-milestones/findings",
                "/plan-of-action-and-milestones/poam-items/0/related-findings",
                "/plan-of-action-and-milestones/poam-items/0/related-risks/0/remarks",
            ]
        );
        assert!(
            found[1].reason.contains("OSCAL 1.0.4 has no `findings`"),
            "{}",
            found[1]
        );
        // 1.1 has findings and prop groups, not the remarks 1.2 added.
        assert_eq!(
            pointers(&doc, "1.1.2"),
            ["/plan-of-action-and-milestones/poam-items/0/related-risks/0/remarks"]
        );
        assert_eq!(pointers(&doc, "1.2.3"), Vec::<String>::new());
    }

    #[test]
    fn a_refused_document_is_left_unchanged() {
        let mut doc = fixture("version/new-in-1.2.json");
        let before = doc.clone();
        let e = convert_version(&mut doc, v("1.1.3")).unwrap_err();
        assert_eq!(e.places.len(), 1);
        assert_eq!(doc, before);
        assert!(
            e.to_string().contains("cannot be written as OSCAL 1.1.3"),
            "{e}"
        );
    }

    #[test]
    fn a_1_0_4_document_upgrades_and_downgrades_back() {
        let mut doc = fixture("version/oscal-1.0.4.json");
        let original = doc.clone();
        convert_version(&mut doc, v("1.2.3")).unwrap();
        let md = &doc.plan_of_action_and_milestones.metadata;
        assert_eq!(md.oscal_version, "1.2.3");
        assert_eq!(
            doc.schema.as_deref(),
            Some("http://csrc.nist.gov/ns/oscal/1.2.3/oscal-poam-schema.json")
        );
        // Only the version and the schema changed; the document's own version string (a
        // FedRAMP convention naming 1.0.4) is the author's and stays.
        assert_eq!(md.version, "fedramp2.1.0-oscal1.0.4");
        let mut back = doc.clone();
        convert_version(&mut back, v("1.0.4")).unwrap();
        let mut expected = original;
        expected.schema = Some(v("1.0.4").schema_id());
        assert_eq!(back, expected);
    }

    #[test]
    fn a_document_without_schema_gets_none() {
        let mut doc = fixture("poam/minimal.json");
        convert_version(&mut doc, v("1.0.4")).unwrap();
        assert_eq!(doc.schema, None);
        assert_eq!(
            doc.plan_of_action_and_milestones.metadata.oscal_version,
            "1.0.4"
        );
    }

    /// 1.1 made a base64 `filename` a token: a 1.0.4 path does not fit, and says why.
    #[test]
    fn a_value_the_newer_datatype_rejects_is_refused() {
        let doc = fixture("version/filename-path-1.0.4.json");
        let found = unrepresentable(&doc, v("1.1.3"));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0].pointer,
            "/plan-of-action-and-milestones/back-matter/resources/0/base64/filename"
        );
        assert!(found[0].reason.contains("is not a token"), "{}", found[0]);
        assert_eq!(pointers(&doc, "1.0.4"), Vec::<String>::new());
    }

    /// 1.0.4 requires what later versions made optional.
    #[test]
    fn a_member_1_0_4_requires_is_refused_when_missing() {
        let mut doc = fixture("poam/full.json");
        let locations = &mut doc.plan_of_action_and_milestones.metadata.locations;
        assert!(!locations.is_empty());
        locations[0].address = None;
        let found = unrepresentable(&doc, v("1.0.4"));
        let missing: Vec<&Unrepresentable> = found
            .iter()
            .filter(|u| u.reason.contains("requires"))
            .collect();
        assert_eq!(
            missing
                .iter()
                .map(|u| u.pointer.as_str())
                .collect::<Vec<_>>(),
            ["/plan-of-action-and-milestones/metadata/locations/0/address"]
        );
    }

    /// 1.2 wants a markup-line to be one non-empty line; 1.1 took an empty one.
    #[test]
    fn an_empty_title_of_a_1_1_document_does_not_fit_1_2() {
        let mut doc = fixture("poam/minimal.json");
        doc.plan_of_action_and_milestones.poam_items[0].title = MarkupLine::default();
        let found = unrepresentable(&doc, v("1.2.3"));
        assert_eq!(
            found.iter().map(|u| u.pointer.as_str()).collect::<Vec<_>>(),
            ["/plan-of-action-and-milestones/poam-items/0/title"]
        );
        assert!(found[0].reason.contains("is empty"), "{}", found[0]);
        assert_eq!(unrepresentable(&doc, v("1.1.2")), vec![]);
        // A 1.2 document's own empty title is its own problem (validation's), not the
        // version's.
        doc.plan_of_action_and_milestones.metadata.oscal_version = "1.2.1".into();
        assert_eq!(unrepresentable(&doc, v("1.2.3")), vec![]);
    }

    /// What the metaschema sources say changed: 1.1 made a base64 `filename` a token.
    #[test]
    fn datatype_differences_of_each_version() {
        assert_eq!(
            datatype_differences("1.0.4"),
            [("base64", "filename", "uri-reference")]
        );
        assert_eq!(datatype_differences("1.1.3"), []);
        assert_eq!(datatype_differences("1.2.2"), []);
        assert_eq!(datatype_differences("0.9"), []);
    }

    #[test]
    fn versions_parse_and_unknown_ones_are_named() {
        assert_eq!(v("1.1.2").metaschema(), "1.1.3");
        assert_eq!(v("1.2.3").metaschema(), "1.2.2");
        let e = TargetVersion::parse("1.3.0").unwrap_err();
        assert!(e.contains("\"1.3.0\"") && e.contains("1.0.4, 1.1.2"), "{e}");
        for (version, metaschema) in WRITABLE_VERSIONS {
            assert!(
                SHAPES.iter().any(|(m, _)| m == metaschema),
                "{version}: no shapes for {metaschema}"
            );
        }
    }
}
