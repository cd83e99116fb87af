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
                Diagnostic::new(
                    &rules::JSON_SCHEMA,
                    e.instance_path().as_str().to_owned(),
                    format!("{e} (schema: {})", e.schema_path().as_str()),
                )
            })
            .collect()
    }

    /// Whether `instance` is valid.
    pub fn is_valid(&self, instance: &Value) -> bool {
        self.validator.is_valid(instance)
    }
}
