//! Constructors for the small metadata objects every writer of a POA&M makes (a prop, a
//! party, a role, a responsible party): one place that lists their many optional members,
//! so that a member added by a new OSCAL version is defaulted here once.

use crate::datatypes::{Token, Uri, Uuid};
use crate::{MarkupLine, Party, Property, ResponsibleParty, Role};

impl Property {
    /// The prop `name` (in namespace `ns`, OSCAL's when `None`) with `value`, nothing else.
    pub fn new(name: &str, ns: Option<&str>, value: impl Into<String>) -> Self {
        Self {
            name: Token::new(name),
            uuid: None,
            ns: ns.map(Uri::new),
            value: value.into(),
            class: None,
            group: None,
            remarks: None,
        }
    }
}

impl Party {
    /// A party of type `kind` (`organization` or `person`) with its names and nothing else.
    pub fn new(
        uuid: Uuid,
        kind: impl Into<String>,
        name: Option<String>,
        short_name: Option<String>,
    ) -> Self {
        Self {
            uuid,
            r#type: kind.into(),
            name,
            short_name,
            external_ids: Vec::new(),
            props: Vec::new(),
            links: Vec::new(),
            email_addresses: Vec::new(),
            telephone_numbers: Vec::new(),
            addresses: Vec::new(),
            location_uuids: Vec::new(),
            member_of_organizations: Vec::new(),
            remarks: None,
        }
    }
}

impl Role {
    /// The role `id` with its title and nothing else.
    pub fn new(id: &str, title: MarkupLine) -> Self {
        Self {
            id: Token::new(id),
            title,
            short_name: None,
            description: None,
            props: Vec::new(),
            links: Vec::new(),
            remarks: None,
        }
    }
}

impl ResponsibleParty {
    /// The role `role_id` played by `party_uuids`, nothing else.
    pub fn new(role_id: &str, party_uuids: Vec<Uuid>) -> Self {
        Self {
            role_id: Token::new(role_id),
            party_uuids,
            props: Vec::new(),
            links: Vec::new(),
            remarks: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constructors_fill_what_they_are_given_and_leave_the_rest_empty() {
        let p = Property::new("poam-id", Some("https://example.org/ns"), "V-1");
        assert_eq!(
            (
                p.name.as_str(),
                p.ns.as_ref().map(Uri::as_str),
                p.value.as_str()
            ),
            ("poam-id", Some("https://example.org/ns"), "V-1")
        );
        assert!(p.class.is_none() && p.uuid.is_none() && p.remarks.is_none());
        let party = Party::new(
            Uuid::new("c0a7e5f0-0000-4000-8000-0000000000a1"),
            "organization",
            Some("Contoso".into()),
            None,
        );
        assert_eq!(party.r#type, "organization");
        assert_eq!(party.name.as_deref(), Some("Contoso"));
        assert!(party.short_name.is_none() && party.props.is_empty());
        let role = Role::new("cloud-service-provider", MarkupLine::from_markdown("CSP"));
        assert_eq!(role.id.as_str(), "cloud-service-provider");
        let rp = ResponsibleParty::new("cloud-service-provider", vec![party.uuid.clone()]);
        assert_eq!(rp.party_uuids, [party.uuid]);
    }
}
