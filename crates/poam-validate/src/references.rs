//! Reference integrity on the typed model: every UUID, role id and `#uuid` link resolves,
//! and no UUID names two things.
//!
//! Indexes are built once (hash sets over the document, and over the imported SSP when one
//! is given); each reference is then one lookup, so the pass is linear in the document.

use std::collections::{HashMap, HashSet};

use poam_model::walk::{Node, Path, Value, Visitor, Walk};
use poam_model::{Document, OriginActor, PlanOfActionAndMilestones, Task};

use crate::diagnostic::Diagnostic;
use crate::rules;
use crate::schema::Keys;
use crate::ssp::{Kind as SspKind, SspIndex};

/// What a reference points at: something an SSP may define too (which a POA&M may name
/// without defining), or one of the POA&M's own things.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Defined(SspKind),
    Observation,
    Risk,
    Finding,
    Response,
    Task,
}

impl Kind {
    fn noun(self) -> &'static str {
        match self {
            Kind::Defined(k) => k.noun(),
            Kind::Observation => "observation",
            Kind::Risk => "risk",
            Kind::Finding => "finding",
            Kind::Response => "response of this risk",
            Kind::Task => "task",
        }
    }
}

const PARTY: Kind = Kind::Defined(SspKind::Party);
const ROLE: Kind = Kind::Defined(SspKind::Role);
const LOCATION: Kind = Kind::Defined(SspKind::Location);
const COMPONENT: Kind = Kind::Defined(SspKind::Component);
const INVENTORY_ITEM: Kind = Kind::Defined(SspKind::InventoryItem);
const RESOURCE: Kind = Kind::Defined(SspKind::Resource);

/// The document's own identifiers, borrowed.
#[derive(Default)]
struct Indexes<'a> {
    parties: HashSet<&'a str>,
    roles: HashSet<&'a str>,
    locations: HashSet<&'a str>,
    components: HashSet<&'a str>,
    inventory_items: HashSet<&'a str>,
    resources: HashSet<&'a str>,
    observations: HashSet<&'a str>,
    risks: HashSet<&'a str>,
    findings: HashSet<&'a str>,
    tasks: HashSet<&'a str>,
    assessment_platforms: HashSet<&'a str>,
}

fn collect_tasks<'a>(tasks: &'a [Task], into: &mut HashSet<&'a str>) {
    for t in tasks {
        into.insert(t.uuid.as_str());
        collect_tasks(&t.tasks, into);
    }
}

impl<'a> Indexes<'a> {
    fn build(p: &'a PlanOfActionAndMilestones) -> Self {
        let mut ix = Indexes::default();
        let md = &p.metadata;
        ix.parties
            .extend(md.parties.iter().map(|x| x.uuid.as_str()));
        ix.roles.extend(md.roles.iter().map(|x| x.id.as_str()));
        ix.locations
            .extend(md.locations.iter().map(|x| x.uuid.as_str()));
        if let Some(ld) = &p.local_definitions {
            ix.components
                .extend(ld.components.iter().map(|x| x.uuid.as_str()));
            ix.inventory_items
                .extend(ld.inventory_items.iter().map(|x| x.uuid.as_str()));
            if let Some(aa) = &ld.assessment_assets {
                ix.components
                    .extend(aa.components.iter().map(|x| x.uuid.as_str()));
                ix.assessment_platforms
                    .extend(aa.assessment_platforms.iter().map(|x| x.uuid.as_str()));
            }
        }
        if let Some(bm) = &p.back_matter {
            ix.resources
                .extend(bm.resources.iter().map(|x| x.uuid.as_str()));
        }
        ix.observations
            .extend(p.observations.iter().map(|x| x.uuid.as_str()));
        ix.risks.extend(p.risks.iter().map(|x| x.uuid.as_str()));
        ix.findings
            .extend(p.findings.iter().map(|x| x.uuid.as_str()));
        for r in &p.risks {
            for resp in &r.remediations {
                collect_tasks(&resp.tasks, &mut ix.tasks);
            }
        }
        ix
    }

    fn set(&self, k: Kind) -> Option<&HashSet<&'a str>> {
        Some(match k {
            PARTY => &self.parties,
            ROLE => &self.roles,
            LOCATION => &self.locations,
            COMPONENT => &self.components,
            INVENTORY_ITEM => &self.inventory_items,
            RESOURCE => &self.resources,
            Kind::Observation => &self.observations,
            Kind::Risk => &self.risks,
            Kind::Finding => &self.findings,
            Kind::Task => &self.tasks,
            Kind::Defined(_) | Kind::Response => return None,
        })
    }
}

/// Runs the reference and identity checks: the metaschema's key references (`keys`, of the
/// rule set the document is checked against), then poam's own.
pub(crate) fn check(
    doc: &Document,
    ssp: Option<&SspIndex>,
    keys: &'static Keys,
) -> Vec<Diagnostic> {
    let p = &doc.plan_of_action_and_milestones;
    let mut out = duplicates(p);
    let ix = Indexes::build(p);
    let mut c = Checker {
        ix: &ix,
        ssp,
        import_href: p.import_ssp.as_ref().map(|i| i.href.as_str()),
        responses: Vec::new(),
        in_related_response: 0,
        all_uuids: None,
        doc: p,
        out: Vec::new(),
    };
    let found = crate::keys::collect(p, keys);
    for u in found.uses.iter().filter(|u| !found.resolves(u)) {
        // A key this document defines as another kind of the same thing (a person where an
        // organization is wanted) is wrong here, not perhaps the SSP's.
        let defined = (!found.defines_otherwise(keys, u))
            .then(|| SspKind::for_definition(u.index.site.owner))
            .flatten();
        c.unresolved(u.index.noun, defined, &u.value, u.pointer.clone(), u.what);
    }
    p.walk(&mut Path::root(), &mut c);
    out.append(&mut c.out);
    out
}

/// Every `uuid` identifier once; every role id once in metadata.
fn duplicates(p: &PlanOfActionAndMilestones) -> Vec<Diagnostic> {
    struct Uuids {
        first: HashMap<String, String>,
        out: Vec<Diagnostic>,
    }
    impl Visitor for Uuids {
        fn value(&mut self, path: &Path, v: Value<'_>) {
            if let (Value::Uuid(u), Some("uuid")) = (v, path.last_key()) {
                let here = path.to_string();
                match self.first.get(u.as_str()) {
                    Some(first) => self.out.push(Diagnostic::new(
                        &rules::DUPLICATE_UUID,
                        here,
                        format!("UUID {:?} already identifies {first}", u.as_str()),
                    )),
                    None => {
                        self.first.insert(u.as_str().to_owned(), here);
                    }
                }
            }
        }
    }
    let mut v = Uuids {
        first: HashMap::new(),
        out: Vec::new(),
    };
    p.walk(&mut Path::root(), &mut v);
    let mut roles: HashMap<&str, usize> = HashMap::new();
    for (i, r) in p.metadata.roles.iter().enumerate() {
        if let Some(first) = roles.insert(r.id.as_str(), i) {
            v.out.push(Diagnostic::new(
                &rules::DUPLICATE_ROLE_ID,
                format!("/plan-of-action-and-milestones/metadata/roles/{i}/id"),
                format!(
                    "role id {:?} is already defined at /plan-of-action-and-milestones/metadata/roles/{first}",
                    r.id.as_str()
                ),
            ));
            roles.insert(r.id.as_str(), first);
        }
    }
    v.out
}

struct Checker<'a, 's> {
    ix: &'s Indexes<'a>,
    ssp: Option<&'s SspIndex>,
    import_href: Option<&'a str>,
    /// The responses of the risks being walked (innermost last).
    responses: Vec<HashSet<String>>,
    /// Inside a risk-log entry's `related-responses` (whose tasks are this document's).
    in_related_response: usize,
    /// Every UUID in the document, built on first need (for `#uuid` links that do not
    /// point into back-matter).
    all_uuids: Option<HashSet<String>>,
    doc: &'a PlanOfActionAndMilestones,
    out: Vec<Diagnostic>,
}

impl Checker<'_, '_> {
    fn resolve(&mut self, kind: Kind, value: &str, at: String, what: &str) {
        let in_doc = match kind {
            Kind::Response => self.responses.last().is_some_and(|r| r.contains(value)),
            _ => self.ix.set(kind).is_some_and(|s| s.contains(value)),
        };
        if !in_doc {
            let defined = match kind {
                Kind::Defined(k) => Some(k),
                _ => None,
            };
            self.unresolved(kind.noun(), defined, value, at, what);
        }
    }

    /// `value` (`what`, at `at`) names no `noun` in this document: an error, unless the
    /// thing it names may be `defined` by the SSP, which was not given.
    fn unresolved(
        &mut self,
        noun: &str,
        defined: Option<SspKind>,
        value: &str,
        at: String,
        what: &str,
    ) {
        if let Some(kind) = defined {
            if let Some(ssp) = self.ssp {
                if ssp.contains(kind, value) {
                    return;
                }
                self.out.push(Diagnostic::new(
                    &rules::REFERENCE,
                    at,
                    format!(
                        "{what} {value:?} names no {noun} in this document or in the SSP given with --ssp"
                    ),
                ));
                return;
            }
            if let Some(href) = self.import_href {
                self.out.push(Diagnostic::new(
                    &rules::REFERENCE_SSP,
                    at,
                    format!(
                        "{what} {value:?} names no {noun} in this document; it may be in the imported SSP ({href:?}), which was not given (--ssp)"
                    ),
                ));
                return;
            }
        }
        self.out.push(Diagnostic::new(
            &rules::REFERENCE,
            at,
            format!("{what} {value:?} names no {noun} in this document"),
        ));
    }

    /// A `#fragment` href: into back-matter (or, failing that, to any UUID of the document).
    fn fragment(&mut self, href: &str, at: String, internal_only: bool) {
        let Some(frag) = href.strip_prefix('#') else {
            return;
        };
        if self.ix.resources.contains(frag) {
            return;
        }
        if !internal_only {
            let doc = self.doc;
            let all = self.all_uuids.get_or_insert_with(|| all_uuids(doc));
            if all.contains(frag) {
                return;
            }
        }
        if internal_only {
            self.out.push(Diagnostic::new(
                &rules::REFERENCE,
                at,
                format!("href {href:?} names no back-matter resource in this document"),
            ));
        } else {
            self.resolve(RESOURCE, frag, at, "href fragment");
        }
    }
}

fn all_uuids(p: &PlanOfActionAndMilestones) -> HashSet<String> {
    struct All(HashSet<String>);
    impl Visitor for All {
        fn value(&mut self, path: &Path, v: Value<'_>) {
            if let (Value::Uuid(u), Some("uuid")) = (v, path.last_key()) {
                self.0.insert(u.as_str().to_owned());
            }
        }
    }
    let mut a = All(HashSet::new());
    p.walk(&mut Path::root(), &mut a);
    a.0
}

fn subject_kind(t: &str) -> Option<Kind> {
    Some(match t {
        "component" => COMPONENT,
        "inventory-item" => INVENTORY_ITEM,
        "location" => LOCATION,
        "party" => PARTY,
        "user" => Kind::Defined(SspKind::User),
        "resource" => RESOURCE,
        _ => return None,
    })
}

impl Checker<'_, '_> {
    /// Resolves member `member` of the node at `path`.
    fn resolve_at(&mut self, kind: Kind, value: &str, path: &Path, member: &str, what: &str) {
        self.resolve(kind, value, format!("{path}/{member}"), what);
    }

    fn origin_actor(&mut self, path: &Path, x: &OriginActor) {
        let kind = match x.r#type.as_str() {
            "tool" => Some(COMPONENT),
            "party" => Some(PARTY),
            "assessment-platform" => {
                if !self.ix.assessment_platforms.contains(x.actor_uuid.as_str()) {
                    self.out.push(Diagnostic::new(
                        &rules::REFERENCE_ASSESSMENT,
                        format!("{path}/actor-uuid"),
                        format!(
                            "assessment-platform actor-uuid {:?} names no assessment platform in local-definitions; it may be one of the assessment plan's",
                            x.actor_uuid.as_str()
                        ),
                    ));
                }
                None
            }
            _ => None,
        };
        if let Some(k) = kind {
            let what = format!("{} actor-uuid", x.r#type.as_str());
            self.resolve_at(k, &x.actor_uuid, path, "actor-uuid", &what);
        }
        if let Some(r) = &x.role_id {
            self.resolve_at(ROLE, r, path, "role-id", "actor role-id");
        }
    }

    fn related_task(&mut self, path: &Path, task_uuid: &str) {
        let at = format!("{path}/task-uuid");
        if self.in_related_response > 0 {
            self.resolve(Kind::Task, task_uuid, at, "task-uuid");
        } else if !self.ix.tasks.contains(task_uuid) {
            // An origin's task is the assessment's (plan or results), not one of this
            // document's remediation tasks.
            self.out.push(Diagnostic::new(
                &rules::REFERENCE_ASSESSMENT,
                at,
                format!(
                    "task-uuid {task_uuid:?} names no task in this document; it may be a task of the assessment the observation came from"
                ),
            ));
        }
    }

    /// A subject reference: resolved when its type names a kind of thing this document (or
    /// its SSP) defines.
    fn subject(&mut self, path: &Path, r#type: &str, subject_uuid: &str) {
        if let Some(k) = subject_kind(r#type) {
            let what = format!("{type} subject-uuid");
            self.resolve_at(k, subject_uuid, path, "subject-uuid", &what);
        }
    }

    /// An optional `href` of the node at `path` that may be a `#fragment`.
    fn optional_href(&mut self, path: &Path, href: Option<&str>) {
        if let Some(h) = href {
            self.fragment(h, format!("{path}/href"), false);
        }
    }
}

impl Visitor for Checker<'_, '_> {
    fn node(&mut self, path: &Path, node: Node<'_>) {
        use Kind as K;
        // Responsible parties' role ids and parties, responsible roles' parties, parties'
        // locations and organizations and components' physical locations are the
        // metaschema's key references (`check`).
        match node {
            Node::ResponsibleRole(x) => {
                self.resolve_at(ROLE, &x.role_id, path, "role-id", "role-id");
            }
            Node::LoggedBy(x) => {
                let what = "logged-by party-uuid";
                self.resolve_at(PARTY, &x.party_uuid, path, "party-uuid", what);
                if let Some(r) = &x.role_id {
                    self.resolve_at(ROLE, r, path, "role-id", "logged-by role-id");
                }
            }
            Node::OriginActor(x) => self.origin_actor(path, x),
            Node::AssociatedRisk(x) => {
                self.resolve_at(K::Risk, &x.risk_uuid, path, "risk-uuid", "risk-uuid");
            }
            Node::RelatedObservation(x) => {
                let (u, m) = (&x.observation_uuid, "observation-uuid");
                self.resolve_at(K::Observation, u, path, m, m);
            }
            Node::RelatedFinding(x) => {
                let (u, m) = (&x.finding_uuid, "finding-uuid");
                self.resolve_at(K::Finding, u, path, m, m);
            }
            Node::RelatedResponse(x) => {
                self.in_related_response += 1;
                let (u, m) = (&x.response_uuid, "response-uuid");
                self.resolve_at(K::Response, u, path, m, m);
            }
            Node::RelatedTask(x) => self.related_task(path, &x.task_uuid),
            Node::Dependency(x) => {
                let what = "dependency task-uuid";
                self.resolve_at(K::Task, &x.task_uuid, path, "task-uuid", what);
            }
            Node::SubjectReference(x) => self.subject(path, &x.r#type, &x.subject_uuid),
            Node::SelectSubjectById(x) => self.subject(path, &x.r#type, &x.subject_uuid),
            Node::ImplementedComponent(x) => {
                let (u, m) = (&x.component_uuid, "component-uuid");
                self.resolve_at(COMPONENT, u, path, m, m);
            }
            Node::UsesComponent(x) => {
                let (u, m) = (&x.component_uuid, "component-uuid");
                self.resolve_at(COMPONENT, u, path, m, m);
            }
            Node::Finding(x) => {
                if let Some(u) = &x.implementation_statement_uuid {
                    let m = "implementation-statement-uuid";
                    self.resolve_at(K::Defined(SspKind::Statement), u, path, m, m);
                }
            }
            Node::MitigatingFactor(x) => {
                if let Some(u) = &x.implementation_uuid {
                    let m = "implementation-uuid";
                    self.resolve_at(K::Defined(SspKind::Implementation), u, path, m, m);
                }
            }
            Node::Risk(x) => self.responses.push(
                x.remediations
                    .iter()
                    .map(|r| r.uuid.as_str().to_owned())
                    .collect(),
            ),
            Node::Link(x) => self.fragment(&x.href, format!("{path}/href"), false),
            Node::RelevantEvidence(x) => self.optional_href(path, x.href.as_deref()),
            Node::ThreatId(x) => self.optional_href(path, x.href.as_deref()),
            Node::ImportSsp(x) => self.fragment(&x.href, format!("{path}/href"), true),
            _ => {}
        }
    }

    fn leave(&mut self, _path: &Path, node: Node<'_>) {
        match node {
            Node::Risk(_) => {
                self.responses.pop();
            }
            Node::RelatedResponse(_) => self.in_related_response -= 1,
            _ => {}
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use poam_io::{Format, SourceName};
    use serde_json::{Value, json};

    use crate::{Diagnostic, Options, validate_text};

    const ORG: &str = "5a11d002-0000-4000-8000-000000000002";
    const PERSON: &str = "5a11d002-0000-4000-8000-0000000000ff";

    fn valid() -> Value {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/validate/valid.json"
        );
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    fn references(doc: &Value) -> Vec<Diagnostic> {
        let text = serde_json::to_string(doc).unwrap();
        let opts = Options::default();
        let v = validate_text(&text, Format::Json, &SourceName("t.json".into()), &opts).unwrap();
        v.diagnostics
            .into_iter()
            .filter(|d| d.rule.starts_with("oscal-reference"))
            .collect()
    }

    /// The metaschema's key references: a member of an organization names an organization
    /// party (not a person), a component's physical location names a location.
    #[test]
    fn generated_key_references_are_checked_on_the_model() {
        let mut doc = valid();
        let md = &mut doc["plan-of-action-and-milestones"]["metadata"];
        let person = json!({"uuid": PERSON, "type": "person", "name": "Pat", "member-of-organizations": [ORG]});
        md["parties"].as_array_mut().unwrap().push(person);
        // The fixture names an inventory item of its SSP, which is not given: a warning.
        let before = references(&doc);
        assert!(
            before.iter().all(|d| !d.pointer.contains("/metadata/")),
            "{before:#?}"
        );

        let md = &mut doc["plan-of-action-and-milestones"]["metadata"];
        md["parties"][0]["member-of-organizations"] = json!([PERSON]);
        let ld = &mut doc["plan-of-action-and-milestones"]["local-definitions"];
        ld["components"][0]["props"] = json!([{"name": "physical-location", "value": "nowhere"}]);
        let mut found = references(&doc);
        found.retain(|d| !before.contains(d));
        let shown: Vec<(&str, &str)> = found
            .iter()
            .map(|d| (d.pointer.as_str(), d.message.as_str()))
            .collect();
        assert_eq!(found.len(), 2, "{shown:#?}");
        assert_eq!(
            shown[0],
            (
                "/plan-of-action-and-milestones/metadata/parties/0/member-of-organizations/0",
                "member-of-organization \"5a11d002-0000-4000-8000-0000000000ff\" names no organization party in this document"
            )
        );
        assert_eq!(
            shown[1].0,
            "/plan-of-action-and-milestones/local-definitions/components/0/props/0/value"
        );
        assert!(
            shown[1]
                .1
                .starts_with("physical-location \"nowhere\" names no location in this document"),
            "{}",
            shown[1].1
        );
    }

    /// Every metaschema version's table holds the key references of a POA&M.
    #[test]
    fn every_rule_set_has_the_key_references() {
        for set in crate::generated::RULE_SETS {
            let sites: Vec<(&str, &str, &str)> = set
                .keys
                .refs
                .iter()
                .map(|r| (r.index, r.site.owner, r.site.member))
                .collect();
            for want in [
                (
                    "index-metadata-party-uuid",
                    "responsible-party",
                    "party-uuids",
                ),
                (
                    "index-metadata-party-uuid",
                    "responsible-role",
                    "party-uuids",
                ),
                ("index-metadata-role-id", "responsible-party", "role-id"),
                ("index-metadata-location-uuid", "party", "location-uuids"),
                ("index-metadata-location-uuid", "property", "value"),
                (
                    "index-metadata-party-organizations-uuid",
                    "party",
                    "member-of-organizations",
                ),
            ] {
                assert!(
                    sites.contains(&want),
                    "{}: {want:?} missing from {sites:#?}",
                    set.version
                );
            }
            assert_eq!(sites.len(), 6, "{}: {sites:#?}", set.version);
        }
    }
}
