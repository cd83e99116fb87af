//! `--format json`: one object per input file, in input order.
//!
//! `[{"path", "valid", "readable", "rule_set": {"oscal_version", "declared", "matched",
//! "description"}, "diagnostics": [{"rule", "severity", "message", "help", "location":
//! {"line", "column", "pointer"}}]}]` (workbook cells give `sheet` and `cell` instead of
//! `line` and `column`; `rule_set` is null for a file that could not be read).

use std::io::Write;

use poam::validate::{Place, RuleInfo, UNREADABLE};
use serde_json::{Map, Value, json};

use super::{FileReport, Outcome, Reporter, read_error_place};

pub struct Json;

fn location(place: Option<&Place>, pointer: Option<&str>) -> Value {
    let mut m = Map::new();
    match place {
        Some(Place::Text { line, column }) => {
            m.insert("line".into(), json!(line));
            m.insert("column".into(), json!(column));
        }
        Some(Place::Cell { sheet, cell }) => {
            m.insert("sheet".into(), json!(sheet));
            m.insert("cell".into(), json!(cell));
        }
        None => {
            m.insert("line".into(), Value::Null);
            m.insert("column".into(), Value::Null);
        }
    }
    m.insert("pointer".into(), json!(pointer));
    Value::Object(m)
}

impl Reporter for Json {
    fn report(&self, files: &[FileReport], out: &mut dyn Write) -> std::io::Result<()> {
        let arr: Vec<Value> = files
            .iter()
            .map(|f| {
                let diagnostics: Vec<Value> = match &f.outcome {
                    Outcome::Checked(ds) => ds
                        .iter()
                        .map(|l| {
                            json!({
                                "rule": l.diag.rule,
                                "severity": l.diag.severity.as_str(),
                                "message": l.diag.message,
                                "help": l.diag.help,
                                "location": location(l.place.as_ref(), Some(&l.diag.pointer)),
                            })
                        })
                        .collect(),
                    Outcome::Unreadable(e) => vec![json!({
                        "rule": UNREADABLE.id,
                        "severity": "error",
                        "message": e.message,
                        "help": UNREADABLE.help,
                        "location": location(read_error_place(e).as_ref(), e.pointer.as_deref()),
                    })],
                };
                json!({
                    "path": f.path,
                    "valid": f.valid(),
                    "readable": matches!(f.outcome, Outcome::Checked(_)),
                    "rule_set": f.rule_set.as_ref().map(|r| json!({
                        "oscal_version": r.version,
                        "declared": r.declared,
                        "matched": r.matched,
                        "description": r.describe(),
                    })),
                    "diagnostics": diagnostics,
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &arr)?;
        writeln!(out)
    }

    fn rules(&self, rules: &[&RuleInfo], out: &mut dyn Write) -> std::io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, rules)?;
        writeln!(out)
    }
}
