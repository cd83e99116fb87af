//! Linking a POA&M to its SSP: import-ssp, system id, provider, subjects.

use chrono::NaiveDate;
use poam_model::Document;
use poam_ssp::{LinkWarning, link};

use crate::support::{fixture, ssp};

/// A POA&M imported from a scan fixture, as `poam import` builds it (without `--ssp`).
fn imported(scan: &str) -> Document {
    let bytes = std::fs::read(fixture(scan)).expect("scan fixture");
    let scan = poam_import::read(&bytes).expect("scan reads");
    let weaknesses = poam_import::group(scan.findings.iter(), poam_import::Grouping::Weakness);
    let day = NaiveDate::from_ymd_opt(2024, 7, 1).expect("date");
    let opts = poam_import::BuildOptions::new(day);
    poam_import::build_document(&weaknesses, &opts)
}

fn subjects(doc: &Document) -> Vec<(String, String)> {
    doc.plan_of_action_and_milestones
        .observations
        .iter()
        .flat_map(|o| o.subjects.iter())
        .map(|s| {
            (
                s.r#type.as_str().to_owned(),
                s.subject_uuid.as_str().to_owned(),
            )
        })
        .collect()
}

const WEB: &str = "c0a7e5f0-0000-4000-8000-0000000000b1";
const DB: &str = "c0a7e5f0-0000-4000-8000-0000000000b2";
const APP: &str = "c0a7e5f0-0000-4000-8000-0000000000b3";
const IMAGE: &str = "c0a7e5f0-0000-4000-8000-0000000000c2";
const PROVIDER: &str = "c0a7e5f0-0000-4000-8000-0000000000a1";

#[test]
fn scanned_hosts_become_the_ssps_inventory_items() {
    let mut doc = imported("scans/month1.nessus");
    let before = subjects(&doc);
    assert!(!before.is_empty());
    let ssp = ssp();
    let report = link(&mut doc, &ssp, "../ssp/ssp.json");
    assert_eq!(report.warnings, []);
    // One stand-in per host and port: several point at one host.
    assert!(report.resolved >= 3, "{}", report.resolved);
    let after = subjects(&doc);
    // The identifier as written (host and port) stays, as the subject's title.
    let titles: Vec<String> = doc
        .plan_of_action_and_milestones
        .observations
        .iter()
        .flat_map(|o| o.subjects.iter())
        .filter_map(|s| s.title.as_ref().map(poam_model::MarkupLine::plain_text))
        .collect();
    assert_eq!(titles.len(), after.len());
    assert!(
        titles.iter().any(|t| t.starts_with("web01.example.com (")),
        "{titles:?}"
    );
    let hosts: std::collections::BTreeSet<&str> = after.iter().map(|(_, u)| u.as_str()).collect();
    assert_eq!(hosts, [WEB, DB, APP].into_iter().collect());
    assert_eq!(after.len(), before.len(), "no subject lost or added");
    for (kind, uuid) in &after {
        assert_eq!(kind, "inventory-item");
        assert!([WEB, DB, APP].contains(&uuid.as_str()), "{uuid}");
    }
    let p = &doc.plan_of_action_and_milestones;
    // The local stand-ins are gone: nothing points at them any more.
    assert!(
        p.local_definitions
            .as_ref()
            .is_none_or(|l| l.inventory_items.is_empty())
    );
    assert_eq!(
        p.import_ssp.as_ref().map(|i| i.href.as_str()),
        Some("../ssp/ssp.json")
    );
    let id = p.system_id.as_ref().expect("system id");
    assert_eq!(id.value, "F1234567890");
}

#[test]
fn the_provider_is_responsible_and_plans_come_from_it() {
    let mut doc = imported("scans/month1.nessus");
    link(&mut doc, &ssp(), "ssp.json");
    let p = &doc.plan_of_action_and_milestones;
    let md = &p.metadata;
    let provider = md
        .parties
        .iter()
        .find(|x| x.uuid.as_str() == PROVIDER)
        .expect("the SSP's provider is a party of the POA&M");
    assert_eq!(provider.name.as_deref(), Some("Contoso Cloud, Inc."));
    let csp = md
        .responsible_parties
        .iter()
        .find(|r| r.role_id.as_str() == "cloud-service-provider")
        .expect("a provider");
    assert_eq!(
        csp.party_uuids
            .iter()
            .map(poam_model::datatypes::Uuid::as_str)
            .collect::<Vec<_>>(),
        [PROVIDER]
    );
    assert!(
        md.roles
            .iter()
            .any(|r| r.id.as_str() == "cloud-service-provider")
    );
    let planned: Vec<_> = p
        .risks
        .iter()
        .flat_map(|r| r.remediations.iter())
        .filter(|r| r.lifecycle.as_str() == "planned")
        .collect();
    assert!(!planned.is_empty());
    for r in planned {
        let actors: Vec<_> = r.origins.iter().flat_map(|o| o.actors.iter()).collect();
        assert!(
            actors
                .iter()
                .any(|a| a.r#type.as_str() == "party" && a.actor_uuid.as_str() == PROVIDER),
            "planned response {} has the provider as origin",
            r.uuid.as_str()
        );
    }
    // The stand-in provider party the import made is gone when nothing names it.
    let orgs = md
        .parties
        .iter()
        .filter(|x| x.r#type == "organization")
        .count();
    assert!(orgs <= 2, "the provider and at most FedRAMP's PMO: {orgs}");
}

#[test]
fn an_image_resolves_to_a_component() {
    let mut doc = imported("scans/trivy-image.json");
    let report = link(&mut doc, &ssp(), "ssp.json");
    let after = subjects(&doc);
    assert!(
        after.iter().any(|(k, u)| k == "component" && u == IMAGE),
        "{after:?}"
    );
    // Dockerfile and secret findings are on files, which the SSP does not list: one warning
    // per item and asset, naming both.
    for w in &report.warnings {
        match w {
            LinkWarning::Unresolved { item, asset } => {
                assert!(!item.is_empty() && !asset.is_empty(), "{w}");
                assert!(w.to_string().contains(asset.as_str()), "{w}");
            }
            other => panic!("unexpected {other}"),
        }
    }
}

#[test]
fn an_unknown_asset_is_one_warning_per_item_and_keeps_its_stand_in() {
    let mut doc = imported("scans/month1.nessus");
    let mut ssp = ssp();
    // The SSP forgets db01.
    ssp.assets.retain(|a| a.uuid != DB);
    let report = link(&mut doc, &ssp, "ssp.json");
    assert!(!report.warnings.is_empty());
    for w in &report.warnings {
        let LinkWarning::Unresolved { asset, .. } = w else {
            panic!("unexpected {w}");
        };
        assert!(asset.starts_with("db01.example.com"), "{w}");
    }
    let items: Vec<&str> = report
        .warnings
        .iter()
        .map(|w| match w {
            LinkWarning::Unresolved { item, .. } => item.as_str(),
            _ => "",
        })
        .collect();
    let mut unique = items.clone();
    unique.dedup();
    assert_eq!(items, unique, "one warning per item and asset");
    let p = &doc.plan_of_action_and_milestones;
    let local = p
        .local_definitions
        .as_ref()
        .expect("the db01 stand-in stays");
    assert!(local.inventory_items.iter().all(|i| {
        i.props
            .iter()
            .any(|x| x.name == "asset-id" && x.value.starts_with("db01.example.com"))
    }));
    assert!(
        subjects(&doc)
            .iter()
            .any(|(_, u)| u != WEB && u != APP && u != DB)
    );
}

#[test]
fn linking_twice_changes_nothing() {
    let mut doc = imported("scans/month1.nessus");
    let ssp = ssp();
    link(&mut doc, &ssp, "ssp.json");
    let once = doc.clone();
    let report = link(&mut doc, &ssp, "ssp.json");
    assert_eq!(doc, once);
    assert_eq!(report.warnings, []);
}

#[test]
fn an_ssp_without_provider_or_system_id_says_so() {
    let mut doc = imported("scans/month1.nessus");
    let mut ssp = ssp();
    ssp.responsible_parties.clear();
    ssp.system_ids.clear();
    let report = link(&mut doc, &ssp, "ssp.json");
    assert!(report.warnings.contains(&LinkWarning::NoProvider));
    assert!(report.warnings.contains(&LinkWarning::NoSystemId));
}
