//! `--schema FILE`: the document's JSON form against a JSON Schema the user gives (an
//! official NIST release, say), reported as diagnostics of rule `json-schema`.

use serde_json::Value;

use crate::diagnostic::Diagnostic;
use crate::rules;

/// A compiled JSON Schema.
pub struct JsonSchema {
    validator: jsonschema::Validator,
}

impl std::fmt::Debug for JsonSchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JsonSchema")
    }
}

fn summary(v: &Value) -> String {
    match v {
        Value::Array(a) => format!("the array of {} items", a.len()),
        Value::Object(o) => format!("the object with {} members", o.len()),
        Value::String(s) => format!("{:?}…", s.chars().take(60).collect::<String>()),
        other => other.to_string(),
    }
}

impl JsonSchema {
    /// Compiles a schema (its draft from `$schema`; OSCAL's are draft-07). Formats are
    /// checked, as an assessor's validator would.
    pub fn compile(schema: &Value) -> Result<Self, String> {
        jsonschema::options()
            .should_validate_formats(true)
            .build(schema)
            .map(|validator| Self { validator })
            .map_err(|e| e.to_string())
    }

    /// Every error of `instance` (a whole document in OSCAL JSON form).
    pub fn check(&self, instance: &Value) -> Vec<Diagnostic> {
        self.validator
            .iter_errors(instance)
            .map(|e| {
                // The validator's message starts with the whole offending value; a long one
                // (an array of items, an object) is named instead of printed.
                let message = e.to_string();
                let instance = e.instance().to_string();
                let message = match message.strip_prefix(&instance) {
                    Some(rest) if instance.len() > 80 => format!("{}{rest}", summary(e.instance())),
                    _ => message,
                };
                Diagnostic::new(
                    &rules::JSON_SCHEMA,
                    e.instance_path().as_str().to_owned(),
                    format!("{message} (schema: {})", e.schema_path().as_str()),
                )
            })
            .collect()
    }

    /// Whether `instance` is valid.
    pub fn is_valid(&self, instance: &Value) -> bool {
        self.validator.is_valid(instance)
    }
}
