//! The identifiers an imported system security plan (SSP) defines, so that a POA&M's
//! references to parties, roles, locations, components, inventory items, users, resources
//! and implementation statements resolve for real (`--ssp FILE`).
//!
//! Only identifiers are read: OSCAL JSON and YAML through a generic tree, XML with
//! `roxmltree`. The SSP itself is not validated.

use std::collections::HashSet;

use serde_json::Value;

/// A kind of identifier an SSP defines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Party,
    Role,
    Location,
    Component,
    InventoryItem,
    User,
    Resource,
    /// Implemented requirements and statements.
    Statement,
    /// By-component implementations (and statements, which mitigating factors also cite).
    Implementation,
}

/// The identifiers of one SSP.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SspIndex {
    ids: HashSet<(Kind, String)>,
}

/// Why an SSP could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SspError(pub String);

impl std::fmt::Display for SspError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SspError {}

const SSP_ROOT: &str = "system-security-plan";
const OSCAL_XML_NS: &str = "http://csrc.nist.gov/ns/oscal/1.0";

impl SspIndex {
    /// Does the SSP define `id` as a `kind`?
    pub fn contains(&self, kind: Kind, id: &str) -> bool {
        self.ids.contains(&(kind, id.to_owned()))
    }

    /// How many identifiers were read.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    fn add(&mut self, kind: Kind, id: &str) {
        self.ids.insert((kind, id.to_owned()));
    }

    /// Reads an SSP in OSCAL JSON, YAML or XML (`format` from the file name, else sniffed).
    pub fn parse(text: &str, format: Option<poam_io::Format>) -> Result<Self, SspError> {
        let format = format
            .or_else(|| poam_io::Format::sniff(text))
            .ok_or_else(|| SspError("cannot tell the format: not JSON, YAML or XML".into()))?;
        match format {
            poam_io::Format::Json => {
                let v: Value = serde_json::from_str(text).map_err(|e| SspError(e.to_string()))?;
                Self::from_tree(&v)
            }
            poam_io::Format::Yaml => {
                let v: Value = serde_saphyr::from_str_with_options(text, crate::yaml_options())
                    .map_err(|e| SspError(e.to_string()))?;
                Self::from_tree(&v)
            }
            poam_io::Format::Xml => Self::from_xml(text),
        }
    }

    /// Reads the identifiers of an SSP in its OSCAL JSON tree form.
    pub fn from_tree(v: &Value) -> Result<Self, SspError> {
        let ssp = v.get(SSP_ROOT).ok_or_else(|| {
            SspError(format!(
                "not an OSCAL system security plan (no `{SSP_ROOT}` member at the root)"
            ))
        })?;
        let mut ix = SspIndex::default();
        let md = ssp.get("metadata");
        for (group, key, kind) in [
            ("parties", "uuid", Kind::Party),
            ("roles", "id", Kind::Role),
            ("locations", "uuid", Kind::Location),
        ] {
            for x in items(md.and_then(|m| m.get(group))) {
                if let Some(id) = x.get(key).and_then(Value::as_str) {
                    ix.add(kind, id);
                }
            }
        }
        let si = ssp.get("system-implementation");
        for (group, kind) in [
            ("components", Kind::Component),
            ("inventory-items", Kind::InventoryItem),
            ("users", Kind::User),
        ] {
            for x in items(si.and_then(|m| m.get(group))) {
                if let Some(id) = x.get("uuid").and_then(Value::as_str) {
                    ix.add(kind, id);
                }
            }
        }
        for x in items(ssp.get("back-matter").and_then(|b| b.get("resources"))) {
            if let Some(id) = x.get("uuid").and_then(Value::as_str) {
                ix.add(Kind::Resource, id);
            }
        }
        if let Some(ci) = ssp.get("control-implementation") {
            let mut stack = vec![ci];
            while let Some(v) = stack.pop() {
                match v {
                    Value::Object(o) => {
                        if let Some(id) = o.get("uuid").and_then(Value::as_str) {
                            ix.add(Kind::Statement, id);
                            ix.add(Kind::Implementation, id);
                        }
                        stack.extend(o.values());
                    }
                    Value::Array(a) => stack.extend(a.iter()),
                    _ => {}
                }
            }
        }
        Ok(ix)
    }

    /// Reads the identifiers of an SSP in OSCAL XML.
    pub fn from_xml(text: &str) -> Result<Self, SspError> {
        let doc = roxmltree::Document::parse(text).map_err(|e| SspError(e.to_string()))?;
        let root = doc.root_element();
        if root.tag_name().name() != SSP_ROOT {
            return Err(SspError(format!(
                "not an OSCAL system security plan (root element `{}`)",
                root.tag_name().name()
            )));
        }
        let is = |n: &roxmltree::Node, name: &str| {
            n.is_element()
                && n.tag_name().name() == name
                && n.tag_name().namespace().is_none_or(|ns| ns == OSCAL_XML_NS)
        };
        let mut ix = SspIndex::default();
        for section in root.children().filter(roxmltree::Node::is_element) {
            let name = section.tag_name().name();
            for n in section.children().filter(roxmltree::Node::is_element) {
                let (kind, attr) = match (name, n.tag_name().name()) {
                    ("metadata", "party") => (Kind::Party, "uuid"),
                    ("metadata", "role") => (Kind::Role, "id"),
                    ("metadata", "location") => (Kind::Location, "uuid"),
                    ("system-implementation", "component") => (Kind::Component, "uuid"),
                    ("system-implementation", "inventory-item") => (Kind::InventoryItem, "uuid"),
                    ("system-implementation", "user") => (Kind::User, "uuid"),
                    ("back-matter", "resource") => (Kind::Resource, "uuid"),
                    _ => continue,
                };
                if !is(&n, n.tag_name().name()) {
                    continue;
                }
                if let Some(id) = n.attribute(attr) {
                    ix.add(kind, id);
                }
            }
            if name == "control-implementation" {
                for d in section.descendants().filter(roxmltree::Node::is_element) {
                    if let Some(id) = d.attribute("uuid") {
                        ix.add(Kind::Statement, id);
                        ix.add(Kind::Implementation, id);
                    }
                }
            }
        }
        Ok(ix)
    }
}

fn items(v: Option<&Value>) -> impl Iterator<Item = &Value> {
    v.and_then(Value::as_array).into_iter().flatten()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn json_and_xml_give_the_same_identifiers() {
        let json = r#"{"system-security-plan": {
            "metadata": {"parties": [{"uuid": "p1"}], "roles": [{"id": "r1"}], "locations": [{"uuid": "l1"}]},
            "system-implementation": {"components": [{"uuid": "c1"}], "inventory-items": [{"uuid": "i1"}], "users": [{"uuid": "u1"}]},
            "control-implementation": {"implemented-requirements": [{"uuid": "ir1", "statements": [{"uuid": "s1", "by-components": [{"uuid": "b1"}]}]}]},
            "back-matter": {"resources": [{"uuid": "res1"}]}}}"#;
        let xml = r#"<system-security-plan xmlns="http://csrc.nist.gov/ns/oscal/1.0">
            <metadata><role id="r1"/><location uuid="l1"/><party uuid="p1"/></metadata>
            <system-implementation><user uuid="u1"/><component uuid="c1"/><inventory-item uuid="i1"/></system-implementation>
            <control-implementation><implemented-requirement uuid="ir1"><statement uuid="s1"><by-component uuid="b1"/></statement></implemented-requirement></control-implementation>
            <back-matter><resource uuid="res1"/></back-matter></system-security-plan>"#;
        let a = SspIndex::parse(json, None).unwrap();
        let b = SspIndex::parse(xml, None).unwrap();
        assert_eq!(a, b);
        assert!(a.contains(Kind::Party, "p1"));
        assert!(a.contains(Kind::User, "u1"));
        assert!(a.contains(Kind::Implementation, "b1"));
        assert!(!a.contains(Kind::Party, "c1"));
        assert_eq!(a.len(), 13);
    }

    #[test]
    fn a_poam_is_not_an_ssp() {
        let e = SspIndex::parse(r#"{"plan-of-action-and-milestones": {}}"#, None).unwrap_err();
        assert!(e.0.contains("not an OSCAL system security plan"), "{e}");
    }
}
