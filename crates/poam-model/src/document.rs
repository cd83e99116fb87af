//! The document root: `{"$schema"?, "plan-of-action-and-milestones": {...}}`.

use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::generated::PlanOfActionAndMilestones;

/// The OSCAL versions whose documents `poam` reads (any patch level).
pub const SUPPORTED_VERSIONS: &[(u64, u64)] = &[(1, 0), (1, 1), (1, 2)];

/// The root names of the other OSCAL models, so that giving one of them gets a clear answer
/// ("this is an OSCAL system-security-plan") from every reader and the validator.
pub const OTHER_MODELS: &[&str] = &[
    "catalog",
    "profile",
    "component-definition",
    "system-security-plan",
    "assessment-plan",
    "assessment-results",
    "mapping-collection",
];

/// The root member of a POA&M in every format (the JSON key, the XML element).
pub const ROOT_NAME: &str = "plan-of-action-and-milestones";

/// A whole OSCAL POA&M document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The JSON `$schema` directive, when the document has one.
    pub schema: Option<String>,
    /// The POA&M itself.
    pub plan_of_action_and_milestones: PlanOfActionAndMilestones,
}

impl Document {
    /// A document of `poam`, without a `$schema` directive.
    pub fn new(poam: PlanOfActionAndMilestones) -> Self {
        Self {
            schema: None,
            plan_of_action_and_milestones: poam,
        }
    }

    /// The version the document declares in `metadata/oscal-version`.
    pub fn declared_version(&self) -> OscalVersion {
        OscalVersion::parse(&self.plan_of_action_and_milestones.metadata.oscal_version)
    }
}

/// A declared `oscal-version`, e.g. `1.0.4`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OscalVersion {
    /// The version as written.
    pub text: String,
    /// Major, minor and patch when the text is a version number.
    pub numbers: Option<(u64, u64, u64)>,
}

impl OscalVersion {
    /// Reads a version as written; [`numbers`](Self::numbers) is `None` when it is not a
    /// version number (`1.1`, `1.1.2` and `1.1.2-rc1` are).
    pub fn parse(text: &str) -> Self {
        let core = text.split(['-', '+']).next().unwrap_or_default();
        let parts: Vec<Option<u64>> = core.split('.').map(|p| p.parse().ok()).collect();
        let numbers = match parts.as_slice() {
            [Some(a), Some(b), Some(c)] => Some((*a, *b, *c)),
            [Some(a), Some(b)] => Some((*a, *b, 0)),
            _ => None,
        };
        Self {
            text: text.to_owned(),
            numbers,
        }
    }

    /// Whether `poam` reads documents of this version ([`SUPPORTED_VERSIONS`]).
    pub fn is_supported(&self) -> bool {
        self.numbers
            .is_some_and(|(a, b, _)| SUPPORTED_VERSIONS.contains(&(a, b)))
    }
}

impl Serialize for Document {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(1 + usize::from(self.schema.is_some())))?;
        if let Some(schema) = &self.schema {
            m.serialize_entry("$schema", schema)?;
        }
        m.serialize_entry(ROOT_NAME, &self.plan_of_action_and_milestones)?;
        m.end()
    }
}

impl<'de> Deserialize<'de> for Document {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(DocumentVisitor)
    }
}

struct DocumentVisitor;

impl<'de> Visitor<'de> for DocumentVisitor {
    type Value = Document;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "an OSCAL document: an object with the member `{ROOT_NAME}`"
        )
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Document, A::Error> {
        let mut schema = None;
        let mut poam = None;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                "$schema" => schema = Some(map.next_value::<String>()?),
                ROOT_NAME => {
                    if poam.is_some() {
                        return Err(de::Error::duplicate_field(ROOT_NAME));
                    }
                    poam = Some(map.next_value::<PlanOfActionAndMilestones>()?);
                }
                other if OTHER_MODELS.contains(&other) => {
                    return Err(de::Error::custom(format!(
                        "this is an OSCAL {other}, not a {ROOT_NAME} (POA&M)"
                    )));
                }
                other => {
                    return Err(de::Error::custom(format!(
                        "unknown field `{other}` at the document root, expected `{ROOT_NAME}` or `$schema`"
                    )));
                }
            }
        }
        let poam = poam.ok_or_else(|| de::Error::missing_field(ROOT_NAME))?;
        Ok(Document {
            schema,
            plan_of_action_and_milestones: poam,
        })
    }
}
