//! The merge invariants, as property tests over generated POA&Ms and updates derived from
//! them by the edits a review cycle makes (deadlines, statuses, milestones, log entries,
//! deviations, assets, new and dropped items, regenerated uuids).

#![allow(clippy::unwrap_used, clippy::expect_used)]
// An item is built as (i, r, o): the item, its risk and its observation, beside the spec `s`
// and the document `p`, the names the whole file reads by.
#![allow(clippy::many_single_char_names)]

use std::collections::HashSet;

use poam_cycle::{Class, Options, Update, diff, merge};
use poam_model::Document;
use poam_model::datatypes::Uuid;
use poam_model::walk::{Path, Value, Visitor, Walk};
use proptest::prelude::*;
use serde_json::{Value as Json, json};

const FR: &str = "https://fedramp.gov/ns/oscal";
const TOOL: &str = "0f2d3c4b-5a69-4788-9a0b-1c2d3e4f5a6b";
const ASSETS: [&str; 4] = [
    "11111111-1111-4111-8111-111111111111",
    "22222222-2222-4222-8222-222222222222",
    "33333333-3333-4333-8333-333333333333",
    "44444444-4444-4444-8444-444444444444",
];

fn uuid(name: &str) -> String {
    Uuid::from_name(&Uuid::new("6ba7b811-9dad-41d1-80b4-00c04fd430c8"), name).into_string()
}

fn date(day: i64) -> String {
    let d = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Duration::days(day);
    format!("{}T00:00:00Z", d.format("%Y-%m-%d"))
}

/// What a generated item is made of.
#[derive(Debug, Clone)]
struct ItemSpec {
    poam_id: Option<u32>,
    plugin: u32,
    asset: usize,
    closed: bool,
    deadline: i64,
    milestones: Vec<i64>,
    log: usize,
    rating: usize,
}

fn item_spec() -> impl Strategy<Value = ItemSpec> {
    (
        proptest::option::weighted(0.9, 1u32..60),
        1u32..6,
        0usize..4,
        proptest::bool::weighted(0.2),
        0i64..300,
        proptest::collection::vec(0i64..300, 0..3),
        0usize..3,
        0usize..3,
    )
        .prop_map(
            |(poam_id, plugin, asset, closed, deadline, milestones, log, rating)| ItemSpec {
                poam_id,
                plugin,
                asset,
                closed,
                deadline,
                milestones,
                log,
                rating,
            },
        )
}

const LEVELS: [&str; 3] = ["low", "moderate", "high"];

/// The poam-item, risk and observation of one item, named by `key`.
fn build_item(key: &str, s: &ItemSpec) -> (Json, Json, Json) {
    let (iu, ru, ou) = (
        uuid(&format!("{key}-item")),
        uuid(&format!("{key}-risk")),
        uuid(&format!("{key}-obs")),
    );
    let tasks: Vec<Json> = s
        .milestones
        .iter()
        .enumerate()
        .map(|(i, d)| {
            json!({"uuid": uuid(&format!("{key}-ms-{i}")), "type": "milestone", "title": format!("Milestone {i}"),
                   "timing": {"within-date-range": {"start": date(*d), "end": date(d + 10)}}})
        })
        .collect();
    let mut plan = json!({"uuid": uuid(&format!("{key}-plan")), "lifecycle": "planned", "title": "Plan", "description": "Fix it."});
    if !tasks.is_empty() {
        plan["tasks"] = Json::Array(tasks);
    }
    let mut risk = json!({
        "uuid": ru, "title": format!("Weakness {key}"), "description": "A weakness.", "statement": "No Risk Statement",
        "props": [{"name": "impacted-control-id", "ns": FR, "value": "si-2"}],
        "status": if s.closed { "closed" } else { "open" },
        "characterizations": [
            {"origin": {"actors": [{"type": "tool", "actor-uuid": TOOL,
                "props": [{"name": "plugin-id", "ns": FR, "value": format!("P{}", s.plugin)}]}]},
             "facets": [{"name": "likelihood", "system": "http://csrc.nist.gov/ns/oscal/unknown", "value": "high"}]},
            {"origin": {"actors": [{"type": "party", "actor-uuid": uuid("csp")}]},
             "facets": [{"name": "risk", "system": FR, "value": LEVELS[s.rating], "props": [{"name": "state", "value": "initial"}]}]}
        ],
        "deadline": date(s.deadline),
        "remediations": [plan],
    });
    if s.log > 0 {
        let entries: Vec<Json> = (0..s.log)
            .map(|i| json!({"uuid": uuid(&format!("{key}-log-{i}")), "title": format!("Entry {i}"), "start": date(i64::try_from(i).unwrap())}))
            .collect();
        risk["risk-log"] = json!({"entries": entries});
    }
    let obs = json!({
        "uuid": ou, "title": format!("Finding {key}"), "description": "Scan result.", "methods": ["TEST"], "types": ["finding"],
        "origins": [{"actors": [{"type": "tool", "actor-uuid": TOOL}]}],
        "subjects": [{"subject-uuid": ASSETS[s.asset], "type": "inventory-item"}],
        "collected": date(0),
    });
    let mut item = json!({"uuid": iu, "title": format!("Item {key}"), "description": "An item.",
        "related-observations": [{"observation-uuid": ou}], "related-risks": [{"risk-uuid": ru}]});
    if let Some(id) = s.poam_id {
        item["props"] = json!([{"name": "POAM-ID", "ns": FR, "value": format!("V-{id:04}")}]);
    }
    (item, risk, obs)
}

fn build_doc(specs: &[(String, ItemSpec)]) -> Json {
    let mut items = Vec::new();
    let mut risks = Vec::new();
    let mut observations = Vec::new();
    for (key, s) in specs {
        let (i, r, o) = build_item(key, s);
        items.push(i);
        risks.push(r);
        observations.push(o);
    }
    json!({"plan-of-action-and-milestones": {
        "uuid": uuid("doc"),
        "metadata": {"title": "Generated POA&M", "last-modified": date(0), "version": "1.0", "oscal-version": "1.1.2",
            "parties": [{"uuid": uuid("csp"), "type": "organization", "name": "CSP"}]},
        "system-id": {"identifier-type": "https://fedramp.gov", "id": "F00000001"},
        "local-definitions": {
            "components": [{"uuid": TOOL, "type": "software", "title": "Scanner", "description": "A scanner.", "status": {"state": "operational"}}],
            "inventory-items": ASSETS.iter().map(|a| json!({"uuid": a, "description": "A host."})).collect::<Vec<_>>()
        },
        "observations": observations, "risks": risks, "poam-items": items,
    }})
}

/// An edit an update makes to BASE.
#[derive(Debug, Clone)]
enum Op {
    Deadline(usize, i64),
    Status(usize, usize),
    Title(usize, String),
    AddMilestone(usize, i64),
    MoveMilestone(usize, i64),
    DropMilestones(usize),
    AddLog(usize, u8),
    Deviation(usize, usize, usize),
    Rating(usize, usize),
    Asset(usize, usize),
    NewItem(ItemSpec),
    DropItem(usize),
    NewUuids(usize),
    DropDeadline(usize),
    NewPlanUuids(usize),
}

const STATUSES: [&str; 4] = ["open", "closed", "investigating", "deviation-requested"];
const DEVIATIONS: [&str; 2] = ["vendor-dependency", "risk-adjustment"];
const DEVIATION_VALUES: [&str; 3] = ["investigating", "pending", "approved"];

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0usize..16, 0i64..400).prop_map(|(i, d)| Op::Deadline(i, d)),
        (0usize..16, 0usize..4).prop_map(|(i, s)| Op::Status(i, s)),
        (0usize..16, "[A-Za-z][A-Za-z ]{0,20}[a-z]").prop_map(|(i, t)| Op::Title(i, t)),
        (0usize..16, 0i64..300).prop_map(|(i, d)| Op::AddMilestone(i, d)),
        (0usize..16, -30i64..30).prop_map(|(i, d)| Op::MoveMilestone(i, d)),
        (0usize..16).prop_map(Op::DropMilestones),
        (0usize..16, any::<u8>()).prop_map(|(i, n)| Op::AddLog(i, n)),
        (0usize..16, 0usize..2, 0usize..3).prop_map(|(i, d, v)| Op::Deviation(i, d, v)),
        (0usize..16, 0usize..3).prop_map(|(i, r)| Op::Rating(i, r)),
        (0usize..16, 0usize..4).prop_map(|(i, a)| Op::Asset(i, a)),
        item_spec().prop_map(Op::NewItem),
        (0usize..16).prop_map(Op::DropItem),
        (0usize..16).prop_map(Op::NewUuids),
        (0usize..16).prop_map(Op::DropDeadline),
        (0usize..16).prop_map(Op::NewPlanUuids),
    ]
}

/// Applies `ops` to a copy of `base` (JSON), as a team editing last month's POA&M would.
fn derive_update(base: &Json, ops: &[Op], tag: &str) -> Json {
    let mut d = base.clone();
    let p = &mut d["plan-of-action-and-milestones"];
    let n = p["poam-items"].as_array().map_or(0, Vec::len);
    let mut dropped: HashSet<usize> = HashSet::new();
    for (k, op) in ops.iter().enumerate() {
        apply(p, op, k, n, tag, &mut dropped);
    }
    // A partial update leaves dropped items out altogether.
    let keep = |xs: &mut Json| {
        if let Some(a) = xs.as_array_mut() {
            let mut i = 0;
            a.retain(|_| {
                let k = !dropped.contains(&i);
                i += 1;
                k
            });
        }
    };
    keep(&mut p["poam-items"]);
    keep(&mut p["risks"]);
    keep(&mut p["observations"]);
    d
}

/// Applies op `k` of an update (`tag`) to its POA&M `p` of `n` items; an item dropped goes
/// into `dropped`.
fn apply(p: &mut Json, op: &Op, k: usize, n: usize, tag: &str, dropped: &mut HashSet<usize>) {
    let at = |i: usize| i % n.max(1);
    match op {
        Op::Deadline(i, days) if n > 0 => p["risks"][at(*i)]["deadline"] = json!(date(*days)),
        Op::DropDeadline(i) if n > 0 => {
            if let Some(r) = p["risks"][at(*i)].as_object_mut() {
                r.remove("deadline");
            }
        }
        Op::Status(i, s) if n > 0 => p["risks"][at(*i)]["status"] = json!(STATUSES[*s]),
        Op::Title(i, t) if n > 0 => p["risks"][at(*i)]["title"] = json!(t),
        Op::AddMilestone(i, day) if n > 0 => add_milestone(&mut p["risks"][at(*i)], k, *day, tag),
        Op::MoveMilestone(i, days) if n > 0 => {
            let first = p["risks"][at(*i)]["remediations"][0]
                .get_mut("tasks")
                .and_then(|t| t.get_mut(0))
                .and_then(Json::as_object_mut);
            if let Some(t) = first {
                t["timing"]["within-date-range"]["end"] = json!(date(100 + days));
            }
        }
        Op::DropMilestones(i) if n > 0 => {
            if let Some(plan) = p["risks"][at(*i)]["remediations"][0].as_object_mut() {
                plan.remove("tasks");
            }
        }
        Op::AddLog(i, x) if n > 0 => add_log(&mut p["risks"][at(*i)], k, *x, tag),
        Op::Deviation(i, dv, v) if n > 0 => {
            let props = p["risks"][at(*i)]["props"].as_array_mut().unwrap();
            props.retain(|x| x["name"] != DEVIATIONS[*dv]);
            props.push(json!({"name": DEVIATIONS[*dv], "ns": FR, "value": DEVIATION_VALUES[*v]}));
        }
        Op::Rating(i, r) if n > 0 => {
            let facets = p["risks"][at(*i)]["characterizations"][1]["facets"]
                .as_array_mut()
                .unwrap();
            facets.retain(|f| f["props"][0]["value"] != "adjusted");
            facets.push(json!({"name": "risk", "system": FR, "value": LEVELS[*r], "props": [{"name": "state", "value": "adjusted"}]}));
        }
        Op::Asset(i, a) if n > 0 => {
            p["observations"][at(*i)]["subjects"]
                .as_array_mut()
                .unwrap()
                .push(json!({"subject-uuid": ASSETS[*a], "type": "inventory-item"}));
        }
        // OSCAL requires an item (no reader reads a POA&M without one): the last is kept.
        Op::DropItem(i) if n > 0 && (dropped.len() + 1 < n || dropped.contains(&at(*i))) => {
            dropped.insert(at(*i));
        }
        Op::NewPlanUuids(i) if n > 0 => new_plan_uuids(&mut p["risks"][at(*i)], k, tag),
        Op::NewUuids(i) if n > 0 => new_uuids(p, at(*i), k, tag),
        Op::NewItem(s) => new_item(p, s, k, tag),
        _ => {}
    }
}

fn add_milestone(risk: &mut Json, k: usize, day: i64, tag: &str) {
    let plan = &mut risk["remediations"][0];
    let task = json!({"uuid": uuid(&format!("{tag}-added-ms-{k}")), "type": "milestone", "title": format!("Added {k}"),
        "timing": {"within-date-range": {"start": date(day), "end": date(day + 5)}}});
    match plan["tasks"].as_array_mut() {
        Some(t) => t.push(task),
        None => plan["tasks"] = json!([task]),
    }
}

fn add_log(r: &mut Json, k: usize, x: u8, tag: &str) {
    let e = json!({"uuid": uuid(&format!("{tag}-log-{k}-{x}")), "title": "Vendor Check-in", "start": date(i64::from(x))});
    match r["risk-log"]["entries"].as_array_mut() {
        Some(es) => es.push(e),
        None => r["risk-log"] = json!({"entries": [e]}),
    }
}

/// A tool that re-exports the plan and its milestones with fresh uuids.
fn new_plan_uuids(risk: &mut Json, k: usize, tag: &str) {
    let plan = &mut risk["remediations"][0];
    plan["uuid"] = json!(uuid(&format!("{tag}-plan-{k}")));
    // (`get_mut`: indexing would insert a null `tasks`.)
    if let Some(tasks) = plan.get_mut("tasks").and_then(Json::as_array_mut) {
        for (j, t) in tasks.iter_mut().enumerate() {
            t["uuid"] = json!(uuid(&format!("{tag}-task-{k}-{j}")));
        }
    }
}

/// A tool that re-exports item `i` with fresh uuids; the POAM ID identifies it.
fn new_uuids(p: &mut Json, i: usize, k: usize, tag: &str) {
    if p["poam-items"][i]["props"].is_array() {
        let (nr, no) = (
            uuid(&format!("{tag}-nr-{k}")),
            uuid(&format!("{tag}-no-{k}")),
        );
        p["poam-items"][i]["uuid"] = json!(uuid(&format!("{tag}-ni-{k}")));
        p["poam-items"][i]["related-risks"] = json!([{"risk-uuid": nr}]);
        p["poam-items"][i]["related-observations"] = json!([{"observation-uuid": no}]);
        p["risks"][i]["uuid"] = json!(nr);
        p["observations"][i]["uuid"] = json!(no);
    }
}

fn new_item(p: &mut Json, s: &ItemSpec, k: usize, tag: &str) {
    let mut s = s.clone();
    // New findings get plugin ids of their own, so they are new, not re-detections.
    s.plugin += 100 + u32::try_from(k).unwrap();
    s.poam_id = None;
    let (i, r, o) = build_item(&format!("{tag}-new-{k}"), &s);
    p["poam-items"].as_array_mut().unwrap().push(i);
    p["risks"].as_array_mut().unwrap().push(r);
    p["observations"].as_array_mut().unwrap().push(o);
}

fn doc(j: &Json) -> Document {
    serde_json::from_value(j.clone()).expect("generated documents are valid")
}

fn base_specs() -> impl Strategy<Value = Vec<(String, ItemSpec)>> {
    proptest::collection::vec(item_spec(), 1..7).prop_map(|specs| {
        // Distinct POAM IDs and weakness/asset keys, as a well-kept POA&M has.
        specs
            .into_iter()
            .enumerate()
            .map(|(i, mut s)| {
                let n = u32::try_from(i).unwrap() + 1;
                s.poam_id = s.poam_id.map(|_| n);
                s.plugin = n;
                (format!("b{i}"), s)
            })
            .collect()
    })
}

fn options(complete: bool) -> Options {
    Options {
        as_of: chrono::DateTime::parse_from_rfc3339("2024-07-01T00:00:00Z").unwrap(),
        complete,
        prefer: None,
        force: false,
    }
}

fn defined_uuids_and_ids(d: &Document) -> (HashSet<String>, HashSet<String>) {
    struct Defined(HashSet<String>);
    impl Visitor for Defined {
        fn value(&mut self, p: &Path, v: Value<'_>) {
            if let Value::Uuid(u) = v
                && p.last_key() == Some("uuid")
            {
                self.0.insert(u.to_ascii_lowercase());
            }
        }
    }
    let mut v = Defined(HashSet::new());
    d.plan_of_action_and_milestones
        .walk(&mut Path::root(), &mut v);
    let ids = d
        .plan_of_action_and_milestones
        .poam_items
        .iter()
        .filter_map(poam_fedramp::item::poam_id)
        .map(str::to_owned)
        .collect();
    (v.0, ids)
}

/// What `poam validate --profile oscal` reports as errors: structure, datatypes, the
/// metaschema's constraints, reference integrity.
fn oscal_errors(d: &Document) -> Vec<poam_validate::Diagnostic> {
    let opts = poam_validate::Options {
        profile: poam_validate::Profile::Oscal,
        as_of: chrono::NaiveDate::from_ymd_opt(2024, 7, 1).unwrap(),
        ssp: None,
        schema: None,
    };
    poam_validate::validate(d, &opts)
        .diagnostics
        .into_iter()
        .filter(|x| x.severity == poam_validate::Severity::Error)
        .collect()
}

/// Every reference between the parts of the document resolves (also within a risk: log
/// entries to its responses and tasks).
fn dangling_references(d: &Document) -> Vec<String> {
    let p = &d.plan_of_action_and_milestones;
    let risks: HashSet<&str> = p.risks.iter().map(|r| r.uuid.as_str()).collect();
    let obs: HashSet<&str> = p.observations.iter().map(|o| o.uuid.as_str()).collect();
    let mut out = Vec::new();
    for i in &p.poam_items {
        out.extend(
            i.related_risks
                .iter()
                .filter(|r| !risks.contains(r.risk_uuid.as_str()))
                .map(|r| format!("risk {}", r.risk_uuid)),
        );
        out.extend(
            i.related_observations
                .iter()
                .filter(|o| !obs.contains(o.observation_uuid.as_str()))
                .map(|o| format!("observation {}", o.observation_uuid)),
        );
    }
    for r in &p.risks {
        for e in r.risk_log.iter().flat_map(|l| l.entries.iter()) {
            for rr in &e.related_responses {
                let Some(resp) = r.remediations.iter().find(|x| x.uuid == rr.response_uuid) else {
                    out.push(format!("response {}", rr.response_uuid));
                    continue;
                };
                for t in &rr.related_tasks {
                    if !resp.tasks.iter().any(|x| x.uuid == t.task_uuid) {
                        out.push(format!("task {}", t.task_uuid));
                    }
                }
            }
        }
    }
    out
}

/// The validation the invariant relies on does reject what a bad merge would produce.
#[test]
fn oscal_validation_catches_a_dangling_risk_and_a_bad_date() {
    let spec = ItemSpec {
        poam_id: Some(1),
        plugin: 1,
        asset: 0,
        closed: false,
        deadline: 10,
        milestones: vec![5],
        log: 1,
        rating: 1,
    };
    let good = build_doc(&[("b0".to_owned(), spec)]);
    assert!(oscal_errors(&doc(&good)).is_empty());
    let mut dangling = good.clone();
    dangling["plan-of-action-and-milestones"]["poam-items"][0]["related-risks"][0]["risk-uuid"] =
        json!(uuid("nowhere"));
    assert!(!oscal_errors(&doc(&dangling)).is_empty());
    let mut bad_date = good;
    bad_date["plan-of-action-and-milestones"]["risks"][0]["deadline"] = json!("2024-07-01");
    assert!(!oscal_errors(&doc(&bad_date)).is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn merge_keeps_every_uuid_and_poam_id(specs in base_specs(), ops in proptest::collection::vec(op(), 0..12), complete: bool) {
        let base_json = build_doc(&specs);
        let base = doc(&base_json);
        let update = doc(&derive_update(&base_json, &ops, "u"));
        let out = merge(&base, &[Update { name: "u", document: &update }], &options(complete)).expect("merges");
        let (b_uuids, b_ids) = defined_uuids_and_ids(&base);
        let (o_uuids, o_ids) = defined_uuids_and_ids(&out.document);
        prop_assert!(b_uuids.is_subset(&o_uuids), "lost uuids: {:?}", b_uuids.difference(&o_uuids).collect::<Vec<_>>());
        prop_assert!(b_ids.is_subset(&o_ids), "lost POAM IDs: {:?}", b_ids.difference(&o_ids).collect::<Vec<_>>());
        // No item of BASE goes missing either, as diff sees it.
        let d = diff(&base, "base", &out.document, "out");
        prop_assert_eq!(d.summary.removed, 0);
        prop_assert_eq!(d.summary.ambiguous, 0);
        // A re-exported plan is the same plan: BASE's risks keep one remediation each.
        for r in &base.plan_of_action_and_milestones.risks {
            let o = out.document.plan_of_action_and_milestones.risks.iter().find(|x| x.uuid == r.uuid).unwrap();
            prop_assert_eq!(o.remediations.len(), r.remediations.len(), "risk {}", r.uuid);
        }
    }

    #[test]
    fn merging_the_same_update_twice_changes_nothing_the_second_time(specs in base_specs(), ops in proptest::collection::vec(op(), 0..12), complete: bool) {
        let base_json = build_doc(&specs);
        let base = doc(&base_json);
        let update = doc(&derive_update(&base_json, &ops, "u"));
        let u = [Update { name: "u", document: &update }];
        let once = merge(&base, &u, &options(complete)).expect("merges");
        let twice = merge(&once.document, &u, &options(complete)).expect("merges again");
        prop_assert_eq!(&once.document, &twice.document);
        prop_assert!(!twice.report.new_cycle);
    }

    #[test]
    fn merging_base_into_itself_changes_only_metadata(specs in base_specs(), complete: bool) {
        let base = doc(&build_doc(&specs));
        let out = merge(&base, &[Update { name: "base", document: &base }], &options(complete)).expect("merges");
        prop_assert!(out.report.new_cycle);
        prop_assert_ne!(&out.document.plan_of_action_and_milestones.metadata, &base.plan_of_action_and_milestones.metadata);
        let mut same = out.document.clone();
        same.plan_of_action_and_milestones.metadata = base.plan_of_action_and_milestones.metadata.clone();
        prop_assert_eq!(&same, &base);
        prop_assert!(!diff(&base, "a", &base, "b").has_differences());
    }

    #[test]
    fn identical_inputs_give_identical_bytes(specs in base_specs(), ops1 in proptest::collection::vec(op(), 0..8), ops2 in proptest::collection::vec(op(), 0..8)) {
        let base_json = build_doc(&specs);
        let base = doc(&base_json);
        let u1 = doc(&derive_update(&base_json, &ops1, "one"));
        let u2 = doc(&derive_update(&base_json, &ops2, "two"));
        let mut opts = options(false);
        opts.prefer = Some(poam_cycle::Prefer::Last);
        let ups = [Update { name: "one", document: &u1 }, Update { name: "two", document: &u2 }];
        let a = serde_json::to_vec(&merge(&base, &ups, &opts).expect("merges").document).unwrap();
        let b = serde_json::to_vec(&merge(&base, &ups, &opts).expect("merges").document).unwrap();
        prop_assert_eq!(a, b);
    }

    #[test]
    fn output_is_valid_and_references_resolve(specs in base_specs(), ops1 in proptest::collection::vec(op(), 0..10), ops2 in proptest::collection::vec(op(), 0..10), complete: bool) {
        let base_json = build_doc(&specs);
        let base = doc(&base_json);
        let u1 = doc(&derive_update(&base_json, &ops1, "one"));
        let u2 = doc(&derive_update(&base_json, &ops2, "two"));
        let mut opts = options(complete);
        opts.prefer = Some(poam_cycle::Prefer::First);
        let out = merge(&base, &[Update { name: "one", document: &u1 }, Update { name: "two", document: &u2 }], &opts).expect("merges");
        let errors = oscal_errors(&base);
        prop_assert!(errors.is_empty(), "the generated BASE is not valid OSCAL: {errors:#?}");
        let errors = oscal_errors(&out.document);
        prop_assert!(errors.is_empty(), "{errors:#?}");
        let dangling = dangling_references(&out.document);
        prop_assert!(dangling.is_empty(), "{dangling:?}");
        // The output round-trips through OSCAL JSON.
        let again: Document = serde_json::from_slice(&serde_json::to_vec(&out.document).unwrap()).unwrap();
        prop_assert_eq!(&again, &out.document);
    }

    #[test]
    fn disjoint_updates_combine_and_diff_classifies_them(specs in base_specs(), days in 1i64..60) {
        let base_json = build_doc(&specs);
        let base = doc(&base_json);
        let n = specs.len();
        // One update moves the first item's deadline, the other adds a new finding.
        let u1 = doc(&derive_update(&base_json, &[Op::Deadline(0, specs[0].1.deadline + days)], "one"));
        let spec = ItemSpec { poam_id: None, plugin: 50, asset: 0, closed: false, deadline: 10, milestones: vec![], log: 0, rating: 1 };
        let u2 = doc(&derive_update(&base_json, &[Op::NewItem(spec)], "two"));
        let out = merge(&base, &[Update { name: "one", document: &u1 }, Update { name: "two", document: &u2 }], &options(false)).expect("disjoint edits combine");
        prop_assert_eq!(out.report.new.len(), 1);
        prop_assert_eq!(out.document.plan_of_action_and_milestones.poam_items.len(), n + 1);
        let d = diff(&base, "base", &out.document, "out");
        prop_assert_eq!(d.summary.new, 1);
        let first = d.items.iter().find(|i| i.old.as_ref().is_some_and(|o| o.index == 0)).unwrap();
        prop_assert!(matches!(first.class, Class::Changed | Class::Closed | Class::Reopened));
        prop_assert!(first.changes.iter().any(|c| c.kind == poam_cycle::ChangeKind::DeadlineSlipped && c.days == Some(days)));
    }
}
