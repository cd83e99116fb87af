//! Datatype syntax over a whole document.

use crate::datatypes::{Datatype, check_string};
use crate::walk::{Path, Value, Visitor, Walk};

/// One value that breaks its datatype's syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// Every value in `doc` whose text breaks its datatype, in document order.
pub fn datatype_errors(doc: &crate::Document) -> Vec<DatatypeError> {
    struct Collect(Vec<DatatypeError>);
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
        fn value(&mut self, p: &Path, v: Value<'_>) {
            let out = &mut self.0;
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
    let mut c = Collect(Vec::new());
    doc.plan_of_action_and_milestones
        .walk(&mut Path::root(), &mut c);
    c.0
}
