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

/// `"x" does not match "<pattern>"` with a long pattern cut to its first characters.
fn shorten_pattern(message: &str) -> String {
    const KEEP: usize = 40;
    if let Some(i) = message.find(" does not match \"") {
        let start = i + " does not match \"".len();
        let pattern = message[start..]
            .strip_suffix('"')
            .unwrap_or(&message[start..]);
        if pattern.chars().count() > KEEP + 20 {
            let head: String = pattern.chars().take(KEEP).collect();
            return format!("{} does not match the pattern \"{head}…\"", &message[..i]);
        }
    }
    message.to_owned()
}

/// Where in the schema the failing keyword is written: its keyword location, the JSON pointer
/// into the schema document as written (a keyword reached through a shared `$ref` is named
/// where the shared definition is, not by the route the validator took to it), e.g.
/// `keyword `pattern` at #/definitions/uuid/pattern`.
fn keyword_location(e: &jsonschema::ValidationError<'_>) -> String {
    let path = e.schema_path().as_str();
    let keyword = path.rsplit('/').next().unwrap_or(path);
    format!("keyword `{keyword}` at #{path}")
}

impl JsonSchema {
    /// Compiles a schema (its draft from `$schema`; OSCAL's are draft-07). Formats are
    /// checked, as an assessor's validator would.
    ///
    /// A JSON value with none of the keywords a schema is made of (a POA&M given by mistake,
    /// say) is refused: it would compile, and accept everything.
    pub fn compile(schema: &Value) -> Result<Self, String> {
        const KEYWORDS: &[&str] = &[
            "$schema",
            "$ref",
            "$id",
            "type",
            "properties",
            "definitions",
            "$defs",
            "allOf",
            "anyOf",
            "oneOf",
            "items",
            "enum",
            "const",
            "required",
            "not",
        ];
        if let Value::Object(o) = schema
            && !KEYWORDS.iter().any(|k| o.contains_key(*k))
        {
            return Err(format!(
                "has none of the JSON Schema keywords ({})",
                KEYWORDS.join(", ")
            ));
        }
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
                // OSCAL's datatype patterns run to hundreds of characters; the place in the
                // schema says which one it was.
                let message = shorten_pattern(&message);
                Diagnostic::new(
                    &rules::JSON_SCHEMA,
                    e.instance_path().as_str().to_owned(),
                    format!("{message} (JSON Schema {})", keyword_location(&e)),
                )
            })
            .collect()
    }

    /// Whether `instance` is valid.
    pub fn is_valid(&self, instance: &Value) -> bool {
        self.validator.is_valid(instance)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn long_patterns_are_cut() {
        let long = "x".repeat(100);
        let m = format!("\"2024\" does not match \"{long}\"");
        assert_eq!(
            shorten_pattern(&m),
            format!(
                "\"2024\" does not match the pattern \"{}…\"",
                "x".repeat(40)
            )
        );
        let short = "\"a b\" does not match \"^\\S+$\"";
        assert_eq!(shorten_pattern(short), short);
    }

    #[test]
    fn a_document_is_not_a_schema() {
        let doc = serde_json::json!({"plan-of-action-and-milestones": {}});
        assert!(JsonSchema::compile(&doc).is_err());
        let schema = serde_json::json!({"type": "object", "required": ["x"]});
        let s = JsonSchema::compile(&schema).unwrap();
        let d = s.check(&serde_json::json!({}));
        assert_eq!(d.len(), 1);
        assert!(
            d[0].message
                .ends_with("(JSON Schema keyword `required` at #/required)"),
            "{}",
            d[0].message
        );
        assert!(!s.is_valid(&serde_json::json!({})));
    }

    /// A definition shared through `$ref` by two members: an error in the second member
    /// names the definition where the failing keyword is written, and the member's place in
    /// the instance (not the route by which the validator first reached the definition).
    #[test]
    fn keywords_reached_through_a_shared_ref_are_named_where_they_are_written() {
        let schema = serde_json::json!({
            "$schema": "http://json-schema.org/draft-07/schema#",
            "definitions": {
                "token": {"type": "string", "pattern": "^[a-z]+$"},
                "pair": {
                    "type": "object",
                    "properties": {"a": {"$ref": "#/definitions/token"}, "b": {"$ref": "#/definitions/token"}}
                }
            },
            "properties": {
                "first": {"$ref": "#/definitions/pair"},
                "second": {"$ref": "#/definitions/pair"}
            }
        });
        let s = JsonSchema::compile(&schema).unwrap();
        let d = s.check(&serde_json::json!({
            "first": {"a": "ok", "b": "ok"},
            "second": {"a": "ok", "b": "NOT OK"}
        }));
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].pointer, "/second/b");
        assert_eq!(
            d[0].message,
            "\"NOT OK\" does not match \"^[a-z]+$\" (JSON Schema keyword `pattern` at #/definitions/token/pattern)"
        );
        let d = s.check(&serde_json::json!({"first": {"a": 7}}));
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].pointer, "/first/a");
        assert!(
            d[0].message
                .ends_with("(JSON Schema keyword `type` at #/definitions/token/type)"),
            "{}",
            d[0].message
        );
    }
}
