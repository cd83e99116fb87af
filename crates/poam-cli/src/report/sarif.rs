//! `--format sarif`: SARIF 2.1.0 for code-scanning services. One run; `tool.driver.rules`
//! is the whole rule list; `artifacts` names each checked file with the OSCAL rule set it
//! was checked against (`properties.oscalRuleSet`); each diagnostic is a result with its file, line and column
//! (`physicalLocation.region`) and its JSON pointer (`logicalLocations`). Files that could
//! not be read are tool execution notifications, and make the invocation unsuccessful.

use std::fmt::Write as _;
use std::io::Write;

use poam::validate::{Place, RuleInfo, Severity};
use serde_json::{Value, json};

use super::{FileReport, Outcome, Reporter, read_error_place};

pub struct Sarif;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A relative URI reference for a path: `/` separators, and characters outside RFC 3986's
/// unreserved set (and `/`) percent-encoded.
fn uri(path: &str) -> String {
    let mut out = String::new();
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn physical(path: &str, place: Option<&Place>) -> Value {
    let mut loc = json!({ "artifactLocation": { "uri": uri(path) } });
    if let Some(Place::Text { line, column }) = place {
        loc["region"] = json!({ "startLine": line, "startColumn": column });
    }
    loc
}

fn rule_objects(rules: &[&RuleInfo]) -> Vec<Value> {
    rules
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "shortDescription": { "text": r.summary },
                "help": { "text": r.help },
                "defaultConfiguration": { "level": level(r.severity) },
                "properties": { "profile": r.profile },
            })
        })
        .collect()
}

fn log(
    rules: &[&RuleInfo],
    artifacts: &[Value],
    results: &[Value],
    notifications: &[Value],
) -> Value {
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "poam",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rule_objects(rules),
            }},
            "invocations": [{
                "executionSuccessful": notifications.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "artifacts": artifacts,
            "results": results,
        }],
    })
}

impl Reporter for Sarif {
    fn report(&self, files: &[FileReport], out: &mut dyn Write) -> std::io::Result<()> {
        let rules = poam::validate::rules();
        let mut results = Vec::new();
        let mut notifications = Vec::new();
        let mut artifacts = Vec::new();
        for f in files {
            // Each checked file names the OSCAL rule set it was checked against.
            if let Some(r) = &f.rule_set {
                artifacts.push(json!({
                    "location": { "uri": uri(&f.path) },
                    "properties": {
                        "oscalRuleSet": r.version,
                        "declaredOscalVersion": r.declared,
                        "ruleSetMatched": r.matched,
                        "ruleSetDescription": r.describe(),
                    },
                }));
            }
            match &f.outcome {
                Outcome::Checked(ds) => {
                    for l in ds {
                        let mut logical = vec![json!({
                            "fullyQualifiedName": l.diag.pointer,
                            "kind": "member",
                        })];
                        // SARIF regions are lines and columns of text; a workbook cell is
                        // named as a logical location instead.
                        if let Some(p @ Place::Cell { .. }) = &l.place {
                            logical.push(json!({
                                "fullyQualifiedName": p.to_string(),
                                "kind": "element",
                            }));
                        }
                        let mut r = json!({
                            "ruleId": l.diag.rule,
                            "level": level(l.diag.severity),
                            "message": { "text": l.diag.message },
                            "locations": [{
                                "physicalLocation": physical(&f.path, l.place.as_ref()),
                                "logicalLocations": logical,
                            }],
                        });
                        if let Some(i) = rules.iter().position(|x| x.id == l.diag.rule) {
                            r["ruleIndex"] = json!(i);
                        }
                        results.push(r);
                    }
                }
                Outcome::Unreadable(e) => notifications.push(json!({
                    "descriptor": { "id": poam::validate::UNREADABLE.id },
                    "level": "error",
                    "message": { "text": format!("{} could not be read: {}", f.path, e.message) },
                    "locations": [{ "physicalLocation": physical(&f.path, read_error_place(e).as_ref()) }],
                })),
            }
        }
        serde_json::to_writer_pretty(&mut *out, &log(rules, &artifacts, &results, &notifications))?;
        writeln!(out)
    }

    fn rules(&self, rules: &[&RuleInfo], out: &mut dyn Write) -> std::io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, &log(rules, &[], &[], &[]))?;
        writeln!(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_encoded() {
        assert_eq!(uri("a b/c#d.json"), "a%20b/c%23d.json");
        assert_eq!(uri(r"dir\file.json"), "dir/file.json");
    }
}
