//! Reading an SSP: JSON, YAML and XML give the same facts; what is not an SSP is refused.

use poam_ssp::{AssetKind, Ssp};

use crate::support::{ssp, text};

#[test]
fn the_fixture_reads_as_written() {
    let s = ssp();
    assert_eq!(s.system_name.as_deref(), Some("Contoso Orders"));
    let id = s.system_id().expect("a system id");
    assert_eq!(id.id, "F1234567890");
    assert_eq!(
        id.identifier_type.as_deref(),
        Some("http://fedramp.gov/ns/oscal")
    );
    let provider = s.provider().expect("a provider");
    assert_eq!(provider.name.as_deref(), Some("Contoso Cloud, Inc."));
    assert_eq!(provider.kind, "organization");
    let kinds: Vec<(AssetKind, &str)> = s
        .assets
        .iter()
        .map(|a| (a.kind, a.label.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            (AssetKind::InventoryItem, "Web server web01."),
            (AssetKind::InventoryItem, "Database server db01."),
            (AssetKind::InventoryItem, "Application server app01."),
            (AssetKind::Component, "Contoso Orders"),
            (AssetKind::Component, "Storefront container image"),
        ]
    );
    // FedRAMP's `scan-type` is in FedRAMP's namespace: not an asset identifier.
    assert!(s.assets[0].props.iter().all(|(n, _)| n != "scan-type"));
    assert_eq!(s.role_ids, ["cloud-service-provider", "system-owner"]);
    assert_eq!(s.user_uuids.len(), 1);
    assert_eq!(s.resource_uuids.len(), 1);
    assert_eq!(s.statement_uuids.len(), 3);
}

#[test]
fn json_xml_and_yaml_are_the_same_ssp() {
    let json = ssp();
    let xml = Ssp::parse(&text("ssp/ssp.xml"), None).expect("XML reads");
    assert_eq!(json, xml);
    // YAML is the JSON tree written as YAML (JSON is YAML 1.2), given as YAML.
    let yaml = Ssp::parse(&text("ssp/ssp.json"), Some(poam_io::Format::Yaml)).expect("YAML reads");
    assert_eq!(json, yaml);
}

#[test]
fn what_is_not_an_ssp_is_refused() {
    let e = Ssp::parse(&text("poam/minimal.json"), None).unwrap_err();
    assert!(
        e.to_string().contains("not an OSCAL system security plan"),
        "{e}"
    );
    let e = Ssp::parse("<plan-of-action-and-milestones/>", None).unwrap_err();
    assert!(
        e.to_string()
            .contains("root element `plan-of-action-and-milestones`"),
        "{e}"
    );
    let e = Ssp::parse("{\"system-security-plan\": ", None).unwrap_err();
    assert!(e.to_string().contains("EOF"), "{e}");
    let e = Ssp::parse("just words", None).unwrap_err();
    assert!(e.to_string().contains("cannot tell the format"), "{e}");
}

#[test]
fn a_dtd_is_refused() {
    let e = Ssp::parse(
        "<!DOCTYPE x [<!ENTITY a \"b\">]><system-security-plan/>",
        None,
    )
    .unwrap_err();
    assert!(e.to_string().to_lowercase().contains("dtd"), "{e}");
}

#[test]
fn no_provider_when_the_role_is_shared_or_missing() {
    let mut s = ssp();
    s.responsible_parties[0].1.push(s.parties[1].uuid.clone());
    assert!(s.provider().is_none());
    s.responsible_parties.clear();
    assert!(s.provider().is_none());
}
