//! Datatype syntax over a whole document.

use crate::datatypes::{Datatype, check_string};
use crate::version::{ShapeCursor, check_as, datatype_and_text, model_datatype};
use crate::walk::{Node, Path, Value, Visitor, Walk};

/// One value that breaks its datatype's syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DatatypeError {
    /// JSON pointer of the value.
    pub path: Path,
    /// Metaschema datatype name, e.g. `uuid`.
    pub datatype: &'static str,
    /// The value as written (markup is not reported here).
    pub value: String,
    /// Why the value breaks it, e.g. `missing time zone`.
    pub reason: String,
}

impl std::fmt::Display for DatatypeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {:?} is not a valid {}: {}",
            self.path, self.value, self.datatype, self.reason
        )
    }
}

/// Every value in `doc` whose text breaks its datatype, in document order. A value is held
/// to its datatype in the OSCAL version `doc` declares (1.0.4's base64 `filename` is a
/// `uri-reference`, where later versions made it a `token`), else the model's (the newest).
pub fn datatype_errors(doc: &crate::Document) -> Vec<DatatypeError> {
    struct Collect {
        out: Vec<DatatypeError>,
        declared: ShapeCursor,
    }
    fn push<T: Datatype + std::fmt::Display>(out: &mut Vec<DatatypeError>, p: &Path, v: &T) {
        if let Err(reason) = v.check() {
            out.push(DatatypeError {
                path: p.clone(),
                datatype: T::NAME,
                value: v.to_string(),
                reason,
            });
        }
    }
    impl Visitor for Collect {
        fn node(&mut self, p: &Path, _node: Node<'_>) {
            self.declared.enter(p);
        }
        fn leave(&mut self, _p: &Path, _node: Node<'_>) {
            self.declared.leave();
        }
        fn value(&mut self, p: &Path, v: Value<'_>) {
            let out = &mut self.out;
            if let Some(declared) = self.declared.datatype(p)
                && declared != model_datatype(v)
                && let (_, Some(text)) = datatype_and_text(v)
            {
                // The version the document declares types this value otherwise.
                if let Err(reason) = check_as(declared, &text) {
                    out.push(DatatypeError {
                        path: p.clone(),
                        datatype: declared,
                        value: text,
                        reason,
                    });
                }
                return;
            }
            match v {
                Value::String(s) => {
                    if let Err(reason) = check_string(s) {
                        out.push(DatatypeError {
                            path: p.clone(),
                            datatype: "string",
                            value: s.clone(),
                            reason,
                        });
                    }
                }
                Value::Token(x) => push(out, p, x),
                Value::Uuid(x) => push(out, p, x),
                Value::Uri(x) => push(out, p, x),
                Value::UriReference(x) => push(out, p, x),
                Value::DateTimeWithTimezone(x) => push(out, p, x),
                Value::EmailAddress(x) => push(out, p, x),
                Value::Base64(x) => push(out, p, x),
                Value::NonNegativeInteger(x) => push(out, p, x),
                Value::PositiveInteger(x) => push(out, p, x),
                Value::MarkupLine(_) | Value::MarkupMultiline(_) => {}
            }
        }
    }
    let mut c = Collect {
        out: Vec::new(),
        declared: ShapeCursor::declared(doc),
    };
    doc.plan_of_action_and_milestones
        .walk(&mut Path::root(), &mut c);
    c.out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> crate::Document {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures")
            .join(name);
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
    }

    const FILENAME: &str = "/plan-of-action-and-milestones/back-matter/resources/0/base64/filename";

    /// 1.0.4's base64 `filename` is a uri-reference: a path is good there, not in 1.1 (a
    /// token), and a space is bad in both.
    #[test]
    fn a_value_is_held_to_its_datatype_in_the_declared_version() {
        let mut doc = fixture("version/filename-path-1.0.4.json");
        assert_eq!(datatype_errors(&doc), vec![]);
        for later in ["1.1.3", "1.2.1"] {
            doc.plan_of_action_and_milestones.metadata.oscal_version = later.into();
            let found = datatype_errors(&doc);
            assert_eq!(found.len(), 1, "{later}: {found:?}");
            assert_eq!(found[0].path.to_string(), FILENAME);
            assert_eq!(found[0].datatype, "token");
        }
        doc.plan_of_action_and_milestones.metadata.oscal_version = "1.0.4".into();
        let resource = &mut doc
            .plan_of_action_and_milestones
            .back_matter
            .as_mut()
            .unwrap()
            .resources[0];
        resource.base64.as_mut().unwrap().filename = Some("june scan.nessus".into());
        let found = datatype_errors(&doc);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            (found[0].path.to_string().as_str(), found[0].datatype),
            (FILENAME, "uri-reference")
        );
    }
}
