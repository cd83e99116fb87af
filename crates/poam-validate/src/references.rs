//! Reference integrity on the typed model: every UUID, role id and `#uuid` link resolves,
//! and no UUID names two things.
//!
//! Indexes are built once (hash sets over the document, and over the imported SSP when one
//! is given); each reference is then one lookup, so the pass is linear in the document.

use std::collections::{HashMap, HashSet};

use poam_model::walk::{Node, Path, Value, Visitor, Walk};
use poam_model::{Document, OriginActor, PlanOfActionAndMilestones, Property, Task};

use crate::diagnostic::Diagnostic;
use crate::rules;
use crate::ssp::SspIndex;

/// What a reference points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Party,
    Role,
    Location,
    Component,
    InventoryItem,
    User,
    Resource,
    Observation,
    Risk,
    Finding,
    Response,
    Task,
    ImplementationStatement,
    Implementation,
}

impl Kind {
    fn noun(self) -> &'static str {
        match self {
            Kind::Party => "party",
            Kind::Role => "role",
            Kind::Location => "location",
            Kind::Component => "component",
            Kind::InventoryItem => "inventory item",
            Kind::User => "user",
            Kind::Resource => "back-matter resource",
            Kind::Observation => "observation",
            Kind::Risk => "risk",
            Kind::Finding => "finding",
            Kind::Response => "response of this risk",
            Kind::Task => "task",
            Kind::ImplementationStatement => "implementation statement",
            Kind::Implementation => "component implementation",
        }
    }

    /// Things an SSP defines, which a POA&M may name without defining.
    fn may_be_in_ssp(self) -> bool {
        matches!(
            self,
            Kind::Party
                | Kind::Role
                | Kind::Location
                | Kind::Component
                | Kind::InventoryItem
                | Kind::User
                | Kind::Resource
                | Kind::ImplementationStatement
                | Kind::Implementation
        )
    }
}

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
            Kind::Party => &self.parties,
            Kind::Role => &self.roles,
            Kind::Location => &self.locations,
            Kind::Component => &self.components,
            Kind::InventoryItem => &self.inventory_items,
            Kind::Resource => &self.resources,
            Kind::Observation => &self.observations,
            Kind::Risk => &self.risks,
            Kind::Finding => &self.findings,
            Kind::Task => &self.tasks,
            Kind::User | Kind::Response | Kind::ImplementationStatement | Kind::Implementation => {
                return None;
            }
        })
    }
}

/// Runs the reference and identity checks.
pub(crate) fn check(doc: &Document, ssp: Option<&SspIndex>) -> Vec<Diagnostic> {
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
        if in_doc {
            return;
        }
        if kind.may_be_in_ssp() {
            if let Some(ssp) = self.ssp {
                if ssp.contains(ssp_kind(kind), value) {
                    return;
                }
                self.out.push(Diagnostic::new(
                    &rules::REFERENCE,
                    at,
                    format!(
                        "{what} {value:?} names no {} in this document or in the SSP given with --ssp",
                        kind.noun()
                    ),
                ));
                return;
            }
            if let Some(href) = self.import_href {
                self.out.push(Diagnostic::new(
                    &rules::REFERENCE_SSP,
                    at,
                    format!(
                        "{what} {value:?} names no {} in this document; it may be in the imported SSP ({href:?}), which was not given (--ssp)",
                        kind.noun()
                    ),
                ));
                return;
            }
        }
        self.out.push(Diagnostic::new(
            &rules::REFERENCE,
            at,
            format!("{what} {value:?} names no {} in this document", kind.noun()),
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
            self.resolve(Kind::Resource, frag, at, "href fragment");
        }
    }
}

fn ssp_kind(k: Kind) -> crate::ssp::Kind {
    use crate::ssp::Kind as S;
    match k {
        Kind::Party => S::Party,
        Kind::Role => S::Role,
        Kind::Location => S::Location,
        Kind::Component => S::Component,
        Kind::InventoryItem => S::InventoryItem,
        Kind::User => S::User,
        Kind::ImplementationStatement => S::Statement,
        Kind::Implementation => S::Implementation,
        _ => S::Resource,
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
        "component" => Kind::Component,
        "inventory-item" => Kind::InventoryItem,
        "location" => Kind::Location,
        "party" => Kind::Party,
        "user" => Kind::User,
        "resource" => Kind::Resource,
        _ => return None,
    })
}

impl Checker<'_, '_> {
    /// Resolves member `member` of the node at `path`.
    fn resolve_at(&mut self, kind: Kind, value: &str, path: &Path, member: &str, what: &str) {
        self.resolve(kind, value, format!("{path}/{member}"), what);
    }

    /// Resolves each value of the list `member` of the node at `path`.
    fn resolve_each<T: AsRef<str>>(
        &mut self,
        kind: Kind,
        values: &[T],
        path: &Path,
        member: &str,
        what: &str,
    ) {
        for (i, v) in values.iter().enumerate() {
            self.resolve(kind, v.as_ref(), format!("{path}/{member}/{i}"), what);
        }
    }

    /// A responsible party or role: its role id and its parties.
    fn role_and_parties<T: AsRef<str>>(&mut self, path: &Path, role_id: &str, parties: &[T]) {
        self.resolve_at(Kind::Role, role_id, path, "role-id", "role-id");
        self.resolve_each(Kind::Party, parties, path, "party-uuids", "party-uuid");
    }

    fn origin_actor(&mut self, path: &Path, x: &OriginActor) {
        let kind = match x.r#type.as_str() {
            "tool" => Some(Kind::Component),
            "party" => Some(Kind::Party),
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
            self.resolve_at(Kind::Role, r, path, "role-id", "actor role-id");
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

    /// A component's `physical-location` props name locations.
    fn physical_locations(&mut self, path: &Path, props: &[Property]) {
        for (i, p) in props.iter().enumerate() {
            if p.name.as_str() == "physical-location" {
                self.resolve(
                    Kind::Location,
                    &p.value,
                    format!("{path}/props/{i}/value"),
                    "physical-location",
                );
            }
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
        match node {
            Node::ResponsibleParty(x) => self.role_and_parties(path, &x.role_id, &x.party_uuids),
            Node::ResponsibleRole(x) => self.role_and_parties(path, &x.role_id, &x.party_uuids),
            Node::Party(x) => {
                let (locations, orgs) = (&x.location_uuids, &x.member_of_organizations);
                self.resolve_each(
                    K::Location,
                    locations,
                    path,
                    "location-uuids",
                    "location-uuid",
                );
                let what = "member-of-organization";
                self.resolve_each(K::Party, orgs, path, "member-of-organizations", what);
            }
            Node::LoggedBy(x) => {
                let what = "logged-by party-uuid";
                self.resolve_at(K::Party, &x.party_uuid, path, "party-uuid", what);
                if let Some(r) = &x.role_id {
                    self.resolve_at(K::Role, r, path, "role-id", "logged-by role-id");
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
            Node::SystemComponent(x) => self.physical_locations(path, &x.props),
            Node::ImplementedComponent(x) => {
                let (u, m) = (&x.component_uuid, "component-uuid");
                self.resolve_at(K::Component, u, path, m, m);
            }
            Node::UsesComponent(x) => {
                let (u, m) = (&x.component_uuid, "component-uuid");
                self.resolve_at(K::Component, u, path, m, m);
            }
            Node::Finding(x) => {
                if let Some(u) = &x.implementation_statement_uuid {
                    let m = "implementation-statement-uuid";
                    self.resolve_at(K::ImplementationStatement, u, path, m, m);
                }
            }
            Node::MitigatingFactor(x) => {
                if let Some(u) = &x.implementation_uuid {
                    let m = "implementation-uuid";
                    self.resolve_at(K::Implementation, u, path, m, m);
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
