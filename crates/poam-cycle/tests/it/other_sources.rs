//! Updates that come from somewhere else than an edited copy of BASE: a scanner's export or a
//! workbook import gives the same host, plan and milestones uuids of its own, and fills the
//! blanks OSCAL requires with placeholders. They must still land on the right item, as the
//! same plan, without overwriting BASE with placeholders.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use poam_cycle::{ChangeKind, Class, Options, Update, diff, merge};
use poam_model::Document;
use serde_json::{Value, json};

const FR: &str = "https://fedramp.gov/ns/oscal";

/// A POA&M with one item (V-0001, plugin 12345 on host `web-01.acme.example`), every uuid
/// made from `tag` so that two documents share none unless told to.
fn doc(tag: &str, host_fqdn: &str, plan_description: &str, milestone_end: &str) -> Value {
    let u = |n: u8| format!("{tag}{n:02x}00000-0000-4000-8000-000000000000");
    json!({"plan-of-action-and-milestones": {
        "uuid": u(1),
        "metadata": {"title": "POA&M", "last-modified": "2024-06-01T00:00:00Z", "version": "1.0", "oscal-version": "1.1.2"},
        "local-definitions": {
            "components": [{"uuid": u(2), "type": "software", "title": "Scanner", "description": "A scanner.", "status": {"state": "operational"}}],
            "inventory-items": [{"uuid": u(3), "description": "A host.", "props": [{"name": "fqdn", "value": host_fqdn}]}]
        },
        "observations": [{
            "uuid": u(4), "description": "Scan result.", "methods": ["TEST"], "types": ["finding"],
            "subjects": [{"subject-uuid": u(3), "type": "inventory-item"}], "collected": "2024-06-01T00:00:00Z"
        }],
        "risks": [{
            "uuid": u(5), "title": "Outdated OpenSSL", "description": "Outdated OpenSSL.", "statement": "An attacker could decrypt traffic.",
            "status": "open",
            "characterizations": [{"origin": {"actors": [{"type": "tool", "actor-uuid": u(2),
                "props": [{"name": "plugin-id", "ns": FR, "value": "12345"}]}]},
                "facets": [{"name": "likelihood", "system": "http://csrc.nist.gov/ns/oscal/unknown", "value": "high"}]}],
            "deadline": "2024-07-01T00:00:00Z",
            "remediations": [{
                "uuid": u(6), "lifecycle": "planned", "title": "CSP's Remediation Plan", "description": plan_description,
                "tasks": [{"uuid": u(7), "type": "milestone", "title": "Apply vendor patch",
                    "timing": {"within-date-range": {"start": "2024-06-10T00:00:00Z", "end": milestone_end}}}]
            }],
            "risk-log": {"entries": [{"uuid": u(8), "title": "Vendor Check-in", "start": "2024-06-01T00:00:00Z"}]}
        }],
        "poam-items": [{
            "uuid": u(9), "title": "Outdated OpenSSL", "description": "Outdated OpenSSL.",
            "related-observations": [{"observation-uuid": u(4)}], "related-risks": [{"risk-uuid": u(5)}]
        }]
    }})
}

fn base() -> Document {
    let mut b = doc(
        "a",
        "web-01.acme.example",
        "Patch web-01.",
        "2024-06-25T00:00:00Z",
    );
    b["plan-of-action-and-milestones"]["poam-items"][0]["props"] =
        json!([{"name": "POAM-ID", "ns": FR, "value": "V-0001"}]);
    serde_json::from_value(b).unwrap()
}

fn options() -> Options {
    Options {
        as_of: chrono::DateTime::parse_from_rfc3339("2024-07-01T00:00:00Z").unwrap(),
        complete: false,
        prefer: None,
        force: false,
    }
}

#[test]
fn the_same_host_under_another_uuid_is_the_same_asset() {
    let base = base();
    // A scanner's export: no POAM ID, uuids of its own, the host named in another case.
    let scan: Document = serde_json::from_value(doc(
        "b",
        "WEB-01.acme.example",
        "Patch web-01.",
        "2024-06-25T00:00:00Z",
    ))
    .unwrap();
    let d = diff(&base, "base", &scan, "scan");
    assert_eq!(d.summary.new, 0, "{d:#?}");
    assert_eq!(d.items.len(), 1);
    assert_eq!(d.items[0].matched_by, Some(poam_cycle::MatchRule::Weakness));
    // What differs is told (no POAM ID, the scanner's own actor and host uuids), but the plan
    // and its milestone are BASE's under other uuids: not a plan added and one removed.
    assert_eq!(d.items[0].class, Class::Changed);
    assert!(
        d.items[0].changes.iter().all(|c| !matches!(
            c.kind,
            ChangeKind::RemediationAdded
                | ChangeKind::RemediationRemoved
                | ChangeKind::MilestoneAdded
                | ChangeKind::MilestoneRemoved
                | ChangeKind::MilestoneChanged
        )),
        "{:#?}",
        d.items[0].changes
    );

    let out = merge(
        &base,
        &[Update {
            name: "scan",
            document: &scan,
        }],
        &options(),
    )
    .unwrap();
    assert!(out.report.new.is_empty());
    let p = &out.document.plan_of_action_and_milestones;
    assert_eq!(p.poam_items.len(), 1);
    assert_eq!(
        poam_fedramp::item::poam_id(&p.poam_items[0]),
        Some("V-0001")
    );
    assert_eq!(p.risks[0].remediations.len(), 1, "no second plan");
}

#[test]
fn a_re_exported_plan_is_the_same_plan_and_its_milestone_moves() {
    let base = base();
    let scan: Document = serde_json::from_value(doc(
        "b",
        "web-01.acme.example",
        "Patch web-01.",
        "2024-07-15T00:00:00Z",
    ))
    .unwrap();
    let d = diff(&base, "base", &scan, "scan");
    let changes = &d.items[0].changes;
    let milestones: Vec<_> = changes
        .iter()
        .filter(|c| c.field == "milestone" || c.kind == ChangeKind::MilestoneChanged)
        .collect();
    assert_eq!(milestones.len(), 1, "{changes:#?}");
    assert_eq!(milestones[0].kind, ChangeKind::MilestoneChanged);
    assert_eq!(milestones[0].days, Some(20));
    assert!(!changes.iter().any(|c| matches!(
        c.kind,
        ChangeKind::RemediationAdded | ChangeKind::RemediationRemoved
    )));

    let out = merge(
        &base,
        &[Update {
            name: "scan",
            document: &scan,
        }],
        &options(),
    )
    .unwrap();
    let risk = &out.document.plan_of_action_and_milestones.risks[0];
    assert_eq!(risk.remediations.len(), 1, "no second plan");
    let plan = &risk.remediations[0];
    assert!(plan.uuid.as_str().starts_with('a'), "BASE's uuid is kept");
    assert!(plan.tasks[0].uuid.as_str().starts_with('a'));
    let end = serde_json::to_value(&plan.tasks[0].timing).unwrap();
    assert_eq!(end["within-date-range"]["end"], "2024-07-15T00:00:00Z");
}

#[test]
fn placeholders_never_overwrite_base() {
    let base = base();
    let mut wb = doc(
        "b",
        "web-01.acme.example",
        "No remediation plan was given in the POA&M workbook.",
        "2024-06-25T00:00:00Z",
    );
    wb["plan-of-action-and-milestones"]["risks"][0]["statement"] = json!("No Risk Statement");
    let wb: Document = serde_json::from_value(wb).unwrap();
    let out = merge(
        &base,
        &[Update {
            name: "wb",
            document: &wb,
        }],
        &options(),
    )
    .unwrap();
    let risk = &out.document.plan_of_action_and_milestones.risks[0];
    assert_eq!(
        risk.remediations[0].description.to_markdown(),
        "Patch web-01."
    );
    assert_eq!(
        risk.statement.to_markdown(),
        "An attacker could decrypt traffic."
    );
}

#[test]
fn a_vendor_check_in_whose_date_moves_is_a_check_in() {
    let base = base();
    let mut later = serde_json::to_value(&base).unwrap();
    later["plan-of-action-and-milestones"]["risks"][0]["risk-log"]["entries"][0]["start"] =
        json!("2024-06-20T00:00:00Z");
    let later: Document = serde_json::from_value(later).unwrap();
    let d = diff(&base, "base", &later, "later");
    let c = &d.items[0].changes;
    assert_eq!(c.len(), 1, "{c:#?}");
    assert_eq!(c[0].kind, ChangeKind::VendorCheckIn);
    assert_eq!(c[0].new.as_deref(), Some("2024-06-20"));
}
