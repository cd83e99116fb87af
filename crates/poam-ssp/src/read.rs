//! Reading an SSP: OSCAL JSON and YAML through a generic tree, XML with `roxmltree`.

use serde_json::Value;

/// Why an SSP could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
#[non_exhaustive]
pub struct SspError(pub String);

/// A `system-id` of the SSP's system characteristics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemIdentifier {
    /// The `identifier-type` URI, when the SSP gives one.
    pub identifier_type: Option<String>,
    /// The identifier itself.
    pub id: String,
}

/// A party of the SSP's metadata (what a POA&M copies of it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    /// The party's uuid.
    pub uuid: String,
    /// Its `type`: `organization` or `person`.
    pub kind: String,
    /// Its name, when it has one.
    pub name: Option<String>,
    /// Its short name, when it has one.
    pub short_name: Option<String>,
}

/// What an asset is in the SSP: subjects of a POA&M name it with this type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AssetKind {
    /// An `inventory-item` of the system implementation.
    InventoryItem,
    /// A `component` of the system implementation.
    Component,
}

impl AssetKind {
    /// The subject type (`subject/@type`) that points at it.
    pub fn subject_type(self) -> &'static str {
        match self {
            Self::InventoryItem => "inventory-item",
            Self::Component => "component",
        }
    }
}

/// An inventory item or component of the SSP's system implementation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    /// Inventory item or component.
    pub kind: AssetKind,
    /// Its uuid, which a POA&M subject points at.
    pub uuid: String,
    /// The component's title, or the inventory item's description (for messages).
    pub label: String,
    /// Its OSCAL-namespace props (name, value), the asset identifiers among them.
    pub props: Vec<(String, String)>,
}

/// What a POA&M takes from its SSP.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ssp {
    /// The system's name (`system-characteristics/system-name`).
    pub system_name: Option<String>,
    /// The system's ids (`system-characteristics/system-ids`).
    pub system_ids: Vec<SystemIdentifier>,
    /// The parties of the metadata.
    pub parties: Vec<Party>,
    /// Metadata `responsible-party`: role id and party uuids.
    pub responsible_parties: Vec<(String, Vec<String>)>,
    /// The ids of the metadata's roles.
    pub role_ids: Vec<String>,
    /// The uuids of the metadata's locations.
    pub location_uuids: Vec<String>,
    /// The uuids of the system implementation's users.
    pub user_uuids: Vec<String>,
    /// The uuids of the back matter's resources.
    pub resource_uuids: Vec<String>,
    /// Every uuid under `control-implementation` (requirements, statements, by-components).
    pub statement_uuids: Vec<String>,
    /// Inventory items first, then components, each in document order.
    pub assets: Vec<Asset>,
}

const SSP_ROOT: &str = "system-security-plan";
const OSCAL_XML_NS: &str = "http://csrc.nist.gov/ns/oscal/1.0";
const OSCAL_PROP_NS: &str = "http://csrc.nist.gov/ns/oscal";

impl Ssp {
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
                let mut o = serde_saphyr::Options::default();
                o.strict_booleans = true;
                o.budget = Some(poam_io::yaml_budget());
                o.with_snippet = false;
                let v: Value = serde_saphyr::from_str_with_options(text, o)
                    .map_err(|e| SspError(e.to_string()))?;
                Self::from_tree(&v)
            }
            poam_io::Format::Xml => Self::from_xml(text),
        }
    }

    /// The party holding `role_id` in the SSP's metadata, when exactly one does.
    pub fn party_in_role(&self, role_id: &str) -> Option<&Party> {
        let mut uuids = self
            .responsible_parties
            .iter()
            .filter(|(r, _)| r == role_id)
            .flat_map(|(_, p)| p.iter());
        let first = uuids.next()?;
        if uuids.any(|u| u != first) {
            return None;
        }
        self.parties.iter().find(|p| &p.uuid == first)
    }

    /// The provider: the party in FedRAMP's `cloud-service-provider` role.
    pub fn provider(&self) -> Option<&Party> {
        self.party_in_role(poam_fedramp::roles::CLOUD_SERVICE_PROVIDER)
    }

    /// The system id a POA&M carries: FedRAMP's, else the first.
    pub fn system_id(&self) -> Option<&SystemIdentifier> {
        self.system_ids
            .iter()
            .find(|s| {
                s.identifier_type
                    .as_deref()
                    .is_some_and(poam_fedramp::namespace::is_fedramp_system)
            })
            .or_else(|| self.system_ids.first())
    }

    /// Reads an SSP in its OSCAL JSON tree form.
    pub fn from_tree(v: &Value) -> Result<Self, SspError> {
        let ssp = v.get(SSP_ROOT).ok_or_else(|| {
            SspError(format!(
                "not an OSCAL system security plan (no `{SSP_ROOT}` member at the root)"
            ))
        })?;
        let mut out = Ssp::default();
        let md = ssp.get("metadata");
        let member = |v: Option<&Value>, key: &str| -> Vec<Value> {
            items(v.and_then(|m| m.get(key))).cloned().collect()
        };
        for p in member(md, "parties") {
            if let Some(uuid) = text(&p, "uuid") {
                out.parties.push(Party {
                    uuid,
                    kind: text(&p, "type").unwrap_or_default(),
                    name: text(&p, "name"),
                    short_name: text(&p, "short-name"),
                });
            }
        }
        for r in member(md, "responsible-parties") {
            let parties = items(r.get("party-uuids"))
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect();
            out.responsible_parties
                .push((text(&r, "role-id").unwrap_or_default(), parties));
        }
        out.role_ids = member(md, "roles")
            .iter()
            .filter_map(|r| text(r, "id"))
            .collect();
        out.location_uuids = uuids(&member(md, "locations"));
        let sc = ssp.get("system-characteristics");
        out.system_name = sc.and_then(|s| text(s, "system-name"));
        for s in member(sc, "system-ids") {
            if let Some(id) = text(&s, "id") {
                let identifier_type = text(&s, "identifier-type");
                out.system_ids.push(SystemIdentifier {
                    identifier_type,
                    id,
                });
            }
        }
        let si = ssp.get("system-implementation");
        out.user_uuids = uuids(&member(si, "users"));
        for (group, kind) in [
            ("inventory-items", AssetKind::InventoryItem),
            ("components", AssetKind::Component),
        ] {
            for a in member(si, group) {
                let Some(uuid) = text(&a, "uuid") else {
                    continue;
                };
                let label = match kind {
                    AssetKind::InventoryItem => text(&a, "description"),
                    AssetKind::Component => text(&a, "title"),
                };
                let props = items(a.get("props"))
                    .filter(|p| text(p, "ns").is_none_or(|ns| ns == OSCAL_PROP_NS))
                    .filter_map(|p| Some((text(p, "name")?, text(p, "value")?)))
                    .collect();
                out.assets.push(Asset {
                    kind,
                    uuid,
                    label: label.unwrap_or_default().trim().to_owned(),
                    props,
                });
            }
        }
        out.resource_uuids = uuids(&member(ssp.get("back-matter"), "resources"));
        if let Some(ci) = ssp.get("control-implementation") {
            out.statement_uuids = nested_uuids(ci);
        }
        Ok(out)
    }

    /// Reads an SSP in OSCAL XML.
    pub fn from_xml(text: &str) -> Result<Self, SspError> {
        let doc = roxmltree::Document::parse(text).map_err(|e| SspError(e.to_string()))?;
        let root = doc.root_element();
        if root.tag_name().name() != SSP_ROOT {
            return Err(SspError(format!(
                "not an OSCAL system security plan (root element `{}`)",
                root.tag_name().name()
            )));
        }
        let mut out = Ssp::default();
        for section in elements(root) {
            match section.tag_name().name() {
                "metadata" => xml_metadata(section, &mut out),
                "system-characteristics" => xml_characteristics(section, &mut out),
                "system-implementation" => xml_implementation(section, &mut out),
                "back-matter" => {
                    out.resource_uuids = elements(section)
                        .filter(|n| n.tag_name().name() == "resource")
                        .filter_map(|n| n.attribute("uuid").map(str::to_owned))
                        .collect();
                }
                "control-implementation" => {
                    out.statement_uuids = section
                        .descendants()
                        .filter(roxmltree::Node::is_element)
                        .filter_map(|d| d.attribute("uuid").map(str::to_owned))
                        .collect();
                }
                _ => {}
            }
        }
        Ok(out)
    }
}

fn items(v: Option<&Value>) -> impl Iterator<Item = &Value> {
    v.and_then(Value::as_array).into_iter().flatten()
}

/// A member's text: a string, or a Markdown string (a description), trimmed of nothing.
fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn uuids(v: &[Value]) -> Vec<String> {
    v.iter().filter_map(|x| text(x, "uuid")).collect()
}

/// Every `uuid` member at any depth below `v`, in document order.
fn nested_uuids(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(o) => {
                if let Some(id) = o.get("uuid").and_then(Value::as_str) {
                    out.push(id.to_owned());
                }
                stack.extend(o.values().rev());
            }
            Value::Array(a) => stack.extend(a.iter().rev()),
            _ => {}
        }
    }
    out
}

/// The OSCAL elements among a node's children (elements of another namespace are not OSCAL's).
fn elements<'a, 'i>(
    n: roxmltree::Node<'a, 'i>,
) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> + use<'a, 'i> {
    n.children()
        .filter(|c| c.is_element() && c.tag_name().namespace().is_none_or(|ns| ns == OSCAL_XML_NS))
}

fn child_text(n: roxmltree::Node<'_, '_>, name: &str) -> Option<String> {
    elements(n)
        .find(|c| c.tag_name().name() == name)
        .map(|c| {
            c.descendants()
                .filter(roxmltree::Node::is_text)
                .filter_map(|d| d.text())
                .collect::<String>()
        })
        .map(|t| t.trim().to_owned())
}

fn xml_metadata(md: roxmltree::Node<'_, '_>, out: &mut Ssp) {
    for n in elements(md) {
        match n.tag_name().name() {
            "party" => {
                if let Some(uuid) = n.attribute("uuid") {
                    out.parties.push(Party {
                        uuid: uuid.to_owned(),
                        kind: n.attribute("type").unwrap_or_default().to_owned(),
                        name: child_text(n, "name"),
                        short_name: child_text(n, "short-name"),
                    });
                }
            }
            "responsible-party" => {
                let parties = elements(n)
                    .filter(|c| c.tag_name().name() == "party-uuid")
                    .filter_map(|c| c.text().map(|t| t.trim().to_owned()))
                    .collect();
                let role = n.attribute("role-id").unwrap_or_default().to_owned();
                out.responsible_parties.push((role, parties));
            }
            "role" => out.role_ids.extend(n.attribute("id").map(str::to_owned)),
            "location" => out
                .location_uuids
                .extend(n.attribute("uuid").map(str::to_owned)),
            _ => {}
        }
    }
}

fn xml_characteristics(sc: roxmltree::Node<'_, '_>, out: &mut Ssp) {
    out.system_name = child_text(sc, "system-name");
    for n in elements(sc).filter(|n| n.tag_name().name() == "system-id") {
        let id = n.text().unwrap_or_default().trim().to_owned();
        if !id.is_empty() {
            out.system_ids.push(SystemIdentifier {
                identifier_type: n.attribute("identifier-type").map(str::to_owned),
                id,
            });
        }
    }
}

fn xml_implementation(si: roxmltree::Node<'_, '_>, out: &mut Ssp) {
    let mut components = Vec::new();
    for n in elements(si) {
        let (kind, label) = match n.tag_name().name() {
            "user" => {
                out.user_uuids
                    .extend(n.attribute("uuid").map(str::to_owned));
                continue;
            }
            "inventory-item" => (AssetKind::InventoryItem, child_text(n, "description")),
            "component" => (AssetKind::Component, child_text(n, "title")),
            _ => continue,
        };
        let Some(uuid) = n.attribute("uuid") else {
            continue;
        };
        let props = elements(n)
            .filter(|p| p.tag_name().name() == "prop")
            .filter(|p| p.attribute("ns").is_none_or(|ns| ns == OSCAL_PROP_NS))
            .filter_map(|p| {
                Some((
                    p.attribute("name")?.to_owned(),
                    p.attribute("value")?.to_owned(),
                ))
            })
            .collect();
        let asset = Asset {
            kind,
            uuid: uuid.to_owned(),
            label: label.unwrap_or_default(),
            props,
        };
        match kind {
            AssetKind::InventoryItem => out.assets.push(asset),
            AssetKind::Component => components.push(asset),
        }
    }
    out.assets.extend(components);
}
