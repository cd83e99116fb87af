//! The identifiers an imported system security plan (SSP) defines, so that a POA&M's
//! references to parties, roles, locations, components, inventory items, users, resources
//! and implementation statements resolve for real (`--ssp FILE`).
//!
//! The SSP is read by `poam-ssp` (the one reader `convert`, `import` and `merge --ssp` use
//! too); this is the index of its identifiers. The SSP itself is not validated.

use std::collections::HashSet;

/// A kind of identifier an SSP defines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A party of the metadata.
    Party,
    /// A role of the metadata.
    Role,
    /// A location of the metadata.
    Location,
    /// A component of the system implementation.
    Component,
    /// An inventory item of the system implementation.
    InventoryItem,
    /// A user of the system implementation.
    User,
    /// A resource of the back matter.
    Resource,
    /// Implemented requirements and statements.
    Statement,
    /// By-component implementations (and statements, which mitigating factors also cite).
    Implementation,
}

impl Kind {
    /// What one is called in messages (`back-matter resource`).
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Party => "party",
            Kind::Role => "role",
            Kind::Location => "location",
            Kind::Component => "component",
            Kind::InventoryItem => "inventory item",
            Kind::User => "user",
            Kind::Resource => "back-matter resource",
            Kind::Statement => "implementation statement",
            Kind::Implementation => "component implementation",
        }
    }

    /// The kind of the things a metaschema definition defines (`party`, `system-component`),
    /// when an SSP may define them; what a generated index holds is looked up in the SSP by it.
    pub fn for_definition(definition: &str) -> Option<Self> {
        Some(match definition {
            "party" => Kind::Party,
            "role" => Kind::Role,
            "location" => Kind::Location,
            "system-component" => Kind::Component,
            "inventory-item" => Kind::InventoryItem,
            "user" => Kind::User,
            "resource" => Kind::Resource,
            "implemented-requirement" | "statement" => Kind::Statement,
            "by-component" => Kind::Implementation,
            _ => return None,
        })
    }
}

/// The identifiers of one SSP.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SspIndex {
    ids: HashSet<(Kind, String)>,
}

/// Why an SSP could not be read (the one SSP reader, `poam-ssp`, says).
pub use poam_ssp::SspError;

impl SspIndex {
    /// Does the SSP define `id` as a `kind`?
    pub fn contains(&self, kind: Kind, id: &str) -> bool {
        self.ids.contains(&(kind, id.to_owned()))
    }

    /// How many identifiers were read.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether no identifier was read.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    fn add(&mut self, kind: Kind, id: &str) {
        self.ids.insert((kind, id.to_owned()));
    }

    /// Reads an SSP in OSCAL JSON, YAML or XML (`format` from the file name, else sniffed).
    pub fn parse(text: &str, format: Option<poam_io::Format>) -> Result<Self, SspError> {
        poam_ssp::Ssp::parse(text, format).map(|s| Self::from_ssp(&s))
    }

    /// The identifiers of an SSP read by `poam-ssp`.
    pub fn from_ssp(ssp: &poam_ssp::Ssp) -> Self {
        let mut ix = SspIndex::default();
        for p in &ssp.parties {
            ix.add(Kind::Party, &p.uuid);
        }
        for (ids, kind) in [
            (&ssp.role_ids, Kind::Role),
            (&ssp.location_uuids, Kind::Location),
            (&ssp.user_uuids, Kind::User),
            (&ssp.resource_uuids, Kind::Resource),
            (&ssp.statement_uuids, Kind::Statement),
            (&ssp.statement_uuids, Kind::Implementation),
        ] {
            for id in ids {
                ix.add(kind, id);
            }
        }
        for a in &ssp.assets {
            let kind = match a.kind {
                poam_ssp::AssetKind::Component => Kind::Component,
                poam_ssp::AssetKind::InventoryItem => Kind::InventoryItem,
            };
            ix.add(kind, &a.uuid);
        }
        ix
    }
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
        assert!(
            e.to_string().contains("not an OSCAL system security plan"),
            "{e}"
        );
    }
}
