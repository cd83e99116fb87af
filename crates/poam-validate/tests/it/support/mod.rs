//! Test support shared by the validation fixtures' tests here and the CLI's
//! (`crates/poam-cli/tests/validate.rs` includes this file): most failing fixtures in
//! `fixtures/validate/fail/` are patches of `valid.json`.

use serde_json::Value;

/// Applies an RFC 6902 patch (add, remove, replace; `-` appends).
pub(super) fn patch(doc: &mut Value, ops: &[Value]) {
    for op in ops {
        let path = op["path"].as_str().unwrap();
        let (parent, last) = path.rsplit_once('/').unwrap();
        let target = doc
            .pointer_mut(parent)
            .unwrap_or_else(|| panic!("no {parent}"));
        match (op["op"].as_str().unwrap(), target) {
            ("remove", Value::Object(o)) => {
                o.shift_remove(last).unwrap_or_else(|| panic!("no {path}"));
            }
            ("remove", Value::Array(a)) => {
                a.remove(last.parse().unwrap());
            }
            ("add" | "replace", Value::Object(o)) => {
                o.insert(last.to_owned(), op["value"].clone());
            }
            ("add", Value::Array(a)) if last == "-" => a.push(op["value"].clone()),
            ("replace", Value::Array(a)) => a[last.parse::<usize>().unwrap()] = op["value"].clone(),
            (o, _) => panic!("unsupported patch op {o} at {path}"),
        }
    }
}
