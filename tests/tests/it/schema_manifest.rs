//! `oscal-schemas/releases.json` is well formed and covers the releases poam supports. (That
//! its hashes match real schema copies is checked by `cargo xtask conformance`, which has the
//! copies.)

use serde_json::Value;

fn manifest() -> Value {
    let path = poam_tests::workspace_root().join("oscal-schemas/releases.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_supported_release_is_listed_with_official_urls() {
    let manifest = manifest();
    let releases = manifest["releases"].as_array().expect("releases array");
    let versions: Vec<&str> = releases
        .iter()
        .filter_map(|r| r["version"].as_str())
        .collect();
    assert_eq!(versions, ["1.1.2", "1.1.3", "1.2.1", "1.2.3"]);
    for release in releases {
        let v = release["version"].as_str().unwrap_or_default();
        let base = format!("https://github.com/usnistgov/OSCAL/releases/download/v{v}/");
        assert_eq!(release["archive"], format!("{base}oscal-{v}.zip"));
        let files = release["files"].as_array().expect("files array");
        let names: Vec<&str> = files.iter().filter_map(|f| f["name"].as_str()).collect();
        assert_eq!(
            names,
            ["oscal_poam_schema.json", "oscal_poam_schema.xsd"],
            "{v}"
        );
        for file in files {
            let name = file["name"].as_str().unwrap_or_default();
            assert_eq!(file["url"], format!("{base}{name}"));
            match &file["sha256"] {
                Value::Null => assert!(file["note"].is_string(), "{v} {name}: no hash, no note"),
                Value::String(h) => {
                    assert_eq!(h.len(), 64, "{v} {name}");
                    assert!(
                        h.bytes()
                            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
                    );
                    assert!(
                        file["hashed_copy"].is_string(),
                        "{v} {name}: hash of which copy?"
                    );
                }
                other => panic!("{v} {name}: sha256 is {other}"),
            }
        }
    }
    // The JSON Schemas of every release have a hash; the 1.2.x XSDs too.
    let hashed = |v: &str, name: &str| {
        releases
            .iter()
            .find(|r| r["version"] == v)
            .and_then(|r| r["files"].as_array())
            .and_then(|f| f.iter().find(|f| f["name"] == name))
            .is_some_and(|f| f["sha256"].is_string())
    };
    for v in ["1.1.2", "1.1.3", "1.2.1", "1.2.3"] {
        assert!(hashed(v, "oscal_poam_schema.json"), "{v}");
    }
    assert!(hashed("1.2.1", "oscal_poam_schema.xsd"));
    assert!(hashed("1.2.3", "oscal_poam_schema.xsd"));
}
