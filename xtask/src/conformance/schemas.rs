//! The official POA&M schemas under `<reference>/oscal-schemas/<version>/`: JSON Schemas checked
//! with the `jsonschema` crate, XSDs with `xmllint` (libxml2) when it is installed.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value as Json;

use super::Outcome;

pub const JSON_SCHEMA_FILE: &str = "oscal_poam_schema.json";
pub const XSD_FILE: &str = "oscal_poam_schema.xsd";

/// How many errors of one failed validation are listed under a table.
const ERRORS_SHOWN: usize = 3;

/// A compiled JSON Schema of one OSCAL version.
pub struct JsonSchema {
    pub version: String,
    validator: jsonschema::Validator,
}

/// An XSD of one OSCAL version.
pub struct Xsd {
    pub version: String,
    pub path: PathBuf,
}

/// All schemas found, newest last.
pub struct Schemas {
    pub json: Vec<JsonSchema>,
    pub xsd: Vec<Xsd>,
    /// Whether `xmllint` runs here.
    pub xmllint: bool,
}

impl Schemas {
    /// Loads every `<reference>/oscal-schemas/*/oscal_poam_schema.{json,xsd}` and proves that
    /// each JSON Schema rejects what it must (so that a validator that silently checks nothing
    /// cannot make the suite pass).
    pub fn load(reference: &Path) -> Result<Self, String> {
        let dir = reference.join("oscal-schemas");
        let mut versions: Vec<String> = std::fs::read_dir(&dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|v| version_key(v).is_some())
            .collect();
        versions.sort_by_key(|v| version_key(v));
        let mut json = Vec::new();
        let mut xsd = Vec::new();
        for version in versions {
            let json_path = dir.join(&version).join(JSON_SCHEMA_FILE);
            if json_path.is_file() {
                let schema = compile(&json_path)?;
                self_test(&schema, &json_path)?;
                json.push(JsonSchema {
                    version: version.clone(),
                    validator: schema,
                });
            }
            let xsd_path = dir.join(&version).join(XSD_FILE);
            if xsd_path.is_file() {
                xsd.push(Xsd {
                    version,
                    path: xsd_path,
                });
            }
        }
        if json.is_empty() {
            return Err(format!("no {JSON_SCHEMA_FILE} under {}", dir.display()));
        }
        let xmllint = Command::new("xmllint")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !xmllint && std::env::var("CI").is_ok_and(|v| v == "true") {
            return Err("xmllint is not installed, and CI=true requires the XSD checks (apt-get install libxml2-utils)".into());
        }
        Ok(Self { json, xsd, xmllint })
    }
}

/// `1.2.3` -> (1, 2, 3).
pub fn version_key(v: &str) -> Option<(u64, u64, u64)> {
    let mut parts = v.split('.').map(str::parse::<u64>);
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(Ok(a)), Some(Ok(b)), Some(Ok(c)), None) => Some((a, b, c)),
        _ => None,
    }
}

/// Whether a document declaring `declared` (major, minor) is expected to be valid under the
/// schema of `schema_version`: same major, same or newer minor. (An unreadable declaration is
/// checked against everything.)
pub fn applies(declared: Option<(u64, u64)>, schema_version: &str) -> bool {
    match (declared, version_key(schema_version)) {
        (Some((major, minor)), Some((s_major, s_minor, _))) => major == s_major && s_minor >= minor,
        _ => true,
    }
}

fn compile(path: &Path) -> Result<jsonschema::Validator, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let schema: Json =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(true)
        .build(&schema)
        .map_err(|e| format!("{}: cannot compile: {e}", path.display()))
}

/// The schema must accept a minimal POA&M and reject one that breaks a `\p{L}` pattern (a
/// token starting with a digit), the `date-time` format and `additionalProperties`.
fn self_test(schema: &jsonschema::Validator, path: &Path) -> Result<(), String> {
    let good = serde_json::json!({
        "plan-of-action-and-milestones": {
            "uuid": "0b6e3c52-8f2d-4e7a-9c41-5d2a7f1e8b03",
            "metadata": {"title": "t", "last-modified": "2025-01-06T08:00:00Z",
                          "version": "1", "oscal-version": "1.1.3"},
            "poam-items": [{"title": "t", "description": "d"}]
        }
    });
    let errors: Vec<String> = schema.iter_errors(&good).map(|e| e.to_string()).collect();
    if !errors.is_empty() {
        return Err(format!(
            "{}: rejects a minimal valid POA&M: {errors:?}",
            path.display()
        ));
    }
    let cases = [
        (
            "/plan-of-action-and-milestones/metadata/props",
            serde_json::json!([{"name": "1st", "value": "v"}]),
            "a token starting with a digit (\\p{L} pattern)",
        ),
        (
            "/plan-of-action-and-milestones/metadata/last-modified",
            serde_json::json!("2025-13-45T99:00:00Z"),
            "an impossible date-time",
        ),
        (
            "/plan-of-action-and-milestones/metadata/unknown-member",
            serde_json::json!("x"),
            "an unknown member",
        ),
    ];
    for (pointer, value, what) in cases {
        let mut bad = good.clone();
        let (parent, key) = pointer.rsplit_once('/').unwrap_or(("", pointer));
        if let Some(Json::Object(map)) = bad.pointer_mut(parent) {
            map.insert(key.to_owned(), value);
        }
        if schema.is_valid(&bad) {
            return Err(format!("{}: accepts {what}", path.display()));
        }
    }
    Ok(())
}

/// A validation result, with the first errors listed for the report.
pub struct Checked {
    pub outcome: Outcome,
    pub details: Vec<String>,
}

/// Validates JSON text against one schema.
pub fn check_json(schema: &JsonSchema, json: &[u8]) -> Checked {
    let instance: Json = match serde_json::from_slice(json) {
        Ok(v) => v,
        Err(e) => {
            return Checked {
                outcome: Outcome::Fail("not JSON".into()),
                details: vec![e.to_string()],
            };
        }
    };
    let errors: Vec<String> = schema
        .validator
        .iter_errors(&instance)
        .map(|e| {
            let mut message = e.to_string();
            if message.chars().count() > 160 {
                message = message.chars().take(157).collect::<String>() + "...";
            }
            format!("{}: {message}", e.instance_path())
        })
        .collect();
    summarise(errors)
}

/// Every error of `instance` under one schema, as (instance path, message).
pub fn errors_at(schema: &JsonSchema, instance: &Json) -> Vec<(String, String)> {
    schema
        .validator
        .iter_errors(instance)
        .map(|e| (e.instance_path().to_string(), e.to_string()))
        .collect()
}

/// Validates an XML file against one XSD with `xmllint`.
pub fn check_xml(xsd: &Xsd, file: &Path, xmllint: bool) -> Checked {
    if !xmllint {
        return Checked {
            outcome: Outcome::NotApplicable("xmllint not installed".into()),
            details: Vec::new(),
        };
    }
    let output = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&xsd.path)
        .arg(file)
        .output();
    let output = match output {
        Ok(o) => o,
        Err(e) => {
            return Checked {
                outcome: Outcome::Fail(format!("xmllint: {e}")),
                details: Vec::new(),
            };
        }
    };
    if output.status.success() {
        return summarise(Vec::new());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let file_name = file.display().to_string();
    let errors: Vec<String> = stderr
        .lines()
        .filter(|l| l.contains("error") && !l.ends_with("fails to validate"))
        .map(|l| l.replace(&file_name, "line").trim().to_owned())
        .collect();
    if errors.is_empty() {
        return Checked {
            outcome: Outcome::Fail("xmllint failed".into()),
            details: stderr
                .lines()
                .take(ERRORS_SHOWN)
                .map(str::to_owned)
                .collect(),
        };
    }
    summarise(errors)
}

fn summarise(errors: Vec<String>) -> Checked {
    if errors.is_empty() {
        return Checked {
            outcome: Outcome::Pass("valid".into()),
            details: Vec::new(),
        };
    }
    let n = errors.len();
    Checked {
        outcome: Outcome::Fail(format!("{n} error{}", if n == 1 { "" } else { "s" })),
        details: errors.into_iter().take(ERRORS_SHOWN).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemas_apply_to_their_minor_version_and_newer() {
        assert!(applies(Some((1, 0)), "1.1.2"));
        assert!(applies(Some((1, 1)), "1.1.2"));
        assert!(applies(Some((1, 1)), "1.2.3"));
        assert!(!applies(Some((1, 2)), "1.1.3"));
        assert!(!applies(Some((2, 0)), "1.2.3"));
        assert!(applies(None, "1.1.3"));
    }

    #[test]
    fn versions_sort_numerically() {
        let mut v = vec!["1.10.0", "1.2.3", "1.1.2"];
        v.sort_by_key(|s| version_key(s));
        assert_eq!(v, ["1.1.2", "1.2.3", "1.10.0"]);
        assert_eq!(version_key("README.md"), None);
    }
}
