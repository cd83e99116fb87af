//! An *item* of a review cycle: a poam-item together with the risks, observations and findings
//! it references, resolved by uuid in its document.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::{BTreeSet, HashMap};

use poam_model::{Finding, Observation, PlanOfActionAndMilestones, PoamItem, Risk};

use poam_fedramp::item::{self as fedramp, WeaknessId};

/// A uuid as a lookup key: UUIDs are compared without regard to case.
pub(crate) fn uuid_key(u: &str) -> String {
    u.to_ascii_lowercase()
}

/// [`uuid_key`] without an allocation for the usual, already lower-case uuid.
pub(crate) fn uuid_key_ref(u: &str) -> Cow<'_, str> {
    if u.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(u.to_ascii_lowercase())
    } else {
        Cow::Borrowed(u)
    }
}

/// The kinds of object an item is made of besides its poam-item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PartKind {
    /// A risk.
    Risk,
    /// An observation.
    Observation,
    /// A finding.
    Finding,
}

impl PartKind {
    /// The kind in kebab-case, as reports write it.
    pub fn name(self) -> &'static str {
        match self {
            PartKind::Risk => "risk",
            PartKind::Observation => "observation",
            PartKind::Finding => "finding",
        }
    }
}

/// Where each risk, observation and finding of a document sits, by uuid.
pub struct DocIndex<'a> {
    /// The indexed POA&M.
    pub poam: &'a PlanOfActionAndMilestones,
    risks: HashMap<String, usize>,
    observations: HashMap<String, usize>,
    findings: HashMap<String, usize>,
    /// Inventory item uuid -> [`asset_name_key`], built when first needed.
    asset_names: OnceCell<HashMap<String, String>>,
}

/// The props that name an inventory item, most specific first.
pub(crate) const ASSET_NAME_PROPS: [&str; 5] = [
    "fqdn",
    "hostname",
    "ipv4-address",
    "ipv6-address",
    "asset-id",
];

/// The matching key of an asset's name: `name:` and the name in lower case. Never equal to
/// a uuid key.
fn asset_name_key(name: &str) -> String {
    format!("name:{}", name.trim().to_lowercase())
}

impl<'a> DocIndex<'a> {
    /// Indexes the risks, observations and findings of `poam` by uuid (case-insensitive).
    pub fn new(poam: &'a PlanOfActionAndMilestones) -> Self {
        fn index<T>(xs: &[T], uuid: impl Fn(&T) -> &str) -> HashMap<String, usize> {
            let mut m = HashMap::with_capacity(xs.len());
            for (i, x) in xs.iter().enumerate() {
                // The first of duplicate uuids wins, as a reader following a reference would.
                m.entry(uuid_key(uuid(x))).or_insert(i);
            }
            m
        }
        Self {
            poam,
            risks: index(&poam.risks, |r| r.uuid.as_str()),
            observations: index(&poam.observations, |o| o.uuid.as_str()),
            findings: index(&poam.findings, |f| f.uuid.as_str()),
            asset_names: OnceCell::new(),
        }
    }

    /// The keys an item's assets are matched by: each asset's uuid, and, for an inventory
    /// item this document names (its `fqdn`, `hostname`, IP address or `asset-id` prop), that
    /// name. Documents that give one host different uuids (two workbook imports, a scanner's
    /// own export) still share the host's name.
    pub fn asset_keys(&self, parts: &Parts<'_>) -> BTreeSet<String> {
        let names = self.asset_names.get_or_init(|| {
            let mut m = HashMap::new();
            let items = self
                .poam
                .local_definitions
                .iter()
                .flat_map(|ld| ld.inventory_items.iter());
            for i in items {
                let name = ASSET_NAME_PROPS.iter().find_map(|n| {
                    i.props
                        .iter()
                        .find(|p| p.name == *n && !p.value.trim().is_empty())
                });
                if let Some(p) = name {
                    m.entry(uuid_key(&i.uuid))
                        .or_insert_with(|| asset_name_key(&p.value));
                }
            }
            m
        });
        let mut keys = BTreeSet::new();
        let subjects = parts
            .observations
            .iter()
            .filter(|o| fedramp::is_asset_observation(o))
            .flat_map(|o| o.subjects.iter());
        for s in subjects {
            let uuid = uuid_key(&s.subject_uuid);
            if let Some(name) = names.get(&uuid) {
                keys.insert(name.clone());
                keys.insert(uuid);
                continue;
            }
            // An asset defined elsewhere (the SSP's, as `--ssp` links them), named by the
            // subject's title with the detail as written (`image (openssl@3.0.1)`): one SSP
            // asset holds many such places, and two packages of one image are two items.
            match s.title.as_ref().map(poam_model::MarkupLine::plain_text) {
                Some(t) if !t.trim().is_empty() => {
                    keys.insert(format!("{uuid}#{}", t.trim().to_lowercase()));
                }
                _ => {
                    keys.insert(uuid);
                }
            }
        }
        keys
    }

    /// The risk with `uuid` (the first, when several have it).
    pub fn risk(&self, uuid: &str) -> Option<&'a Risk> {
        self.risks
            .get(uuid_key_ref(uuid).as_ref())
            .map(|&i| &self.poam.risks[i])
    }

    /// The observation with `uuid` (the first, when several have it).
    pub fn observation(&self, uuid: &str) -> Option<&'a Observation> {
        self.observations
            .get(uuid_key_ref(uuid).as_ref())
            .map(|&i| &self.poam.observations[i])
    }

    /// The finding with `uuid` (the first, when several have it).
    pub fn finding(&self, uuid: &str) -> Option<&'a Finding> {
        self.findings
            .get(uuid_key_ref(uuid).as_ref())
            .map(|&i| &self.poam.findings[i])
    }

    /// The item built from poam-item `index`, its references resolved. References that do
    /// not resolve are left out (a partial update may reference parts it does not carry).
    pub fn parts(&self, index: usize) -> Parts<'a> {
        let item = &self.poam.poam_items[index];
        Parts {
            item: Cow::Borrowed(item),
            risks: item
                .related_risks
                .iter()
                .filter_map(|r| self.risk(&r.risk_uuid))
                .map(Cow::Borrowed)
                .collect(),
            observations: item
                .related_observations
                .iter()
                .filter_map(|r| self.observation(&r.observation_uuid))
                .map(Cow::Borrowed)
                .collect(),
            findings: item
                .related_findings
                .iter()
                .filter_map(|r| self.finding(&r.finding_uuid))
                .map(Cow::Borrowed)
                .collect(),
        }
    }
}

/// One item: its poam-item and the parts it references. Borrowed from a document, or owned
/// when an update's parts had to be renamed to BASE's uuids.
#[derive(Debug, Clone)]
pub struct Parts<'a> {
    /// The poam-item.
    pub item: Cow<'a, PoamItem>,
    /// The risks it references, in reference order.
    pub risks: Vec<Cow<'a, Risk>>,
    /// The observations it references, in reference order.
    pub observations: Vec<Cow<'a, Observation>>,
    /// The findings it references (`related-findings`).
    pub findings: Vec<Cow<'a, Finding>>,
}

impl Parts<'_> {
    /// Closed when it has a risk and every risk is closed.
    pub fn is_closed(&self) -> bool {
        !self.risks.is_empty()
            && self
                .risks
                .iter()
                .all(|r| fedramp::is_closed_status(&r.status))
    }

    /// The status shown for the item: its first risk's.
    pub fn status(&self) -> Option<&str> {
        self.risks.first().map(|r| r.status.as_str())
    }

    /// Its risk with `uuid` (case-insensitive).
    pub fn risk(&self, uuid: &str) -> Option<&Risk> {
        self.risks
            .iter()
            .map(|r| &**r)
            .find(|r| r.uuid.eq_ignore_ascii_case(uuid))
    }

    /// Its observation with `uuid` (case-insensitive).
    pub fn observation(&self, uuid: &str) -> Option<&Observation> {
        self.observations
            .iter()
            .map(|o| &**o)
            .find(|o| o.uuid.eq_ignore_ascii_case(uuid))
    }

    /// Its finding with `uuid` (case-insensitive).
    pub fn finding(&self, uuid: &str) -> Option<&Finding> {
        self.findings
            .iter()
            .map(|f| &**f)
            .find(|f| f.uuid.eq_ignore_ascii_case(uuid))
    }

    /// The assets: subject uuids of the observations that describe the weakness.
    pub fn assets(&self) -> BTreeSet<String> {
        self.observations
            .iter()
            .filter(|o| fedramp::is_asset_observation(o))
            .flat_map(|o| o.subjects.iter())
            .map(|s| uuid_key(&s.subject_uuid))
            .collect()
    }

    /// Its weakness source identifier, where FedRAMP's conventions put it.
    pub fn weakness_id(&self) -> Option<WeaknessId> {
        let risks: Vec<&Risk> = self.risks.iter().map(|r| &**r).collect();
        let observations: Vec<&Observation> = self.observations.iter().map(|o| &**o).collect();
        fedramp::weakness_id(&risks, &observations)
    }

    /// The deadline of the first risk that has one.
    pub fn deadline(&self) -> Option<&str> {
        self.risks.iter().find_map(|r| {
            r.deadline
                .as_ref()
                .map(poam_model::datatypes::DateTimeWithTimezone::as_str)
        })
    }

    /// The item's FedRAMP risk rating: the adjusted `risk` facet if any, else the initial one.
    pub fn risk_rating(&self) -> Option<&str> {
        let facets = || {
            self.risks
                .iter()
                .flat_map(|r| r.characterizations.iter())
                .flat_map(|c| c.facets.iter())
                .filter(|f| {
                    f.name == poam_fedramp::facets::RISK
                        && poam_fedramp::namespace::is_fedramp_system(&f.system)
                })
        };
        facets()
            .find(|f| fedramp::facet_state(f) == poam_fedramp::facets::ADJUSTED)
            .or_else(|| facets().next())
            .map(|f| f.value.as_str())
    }
}

/// What identifies an item across cycles (see [`crate::match_items`]). The weakness key is only
/// worked out for items matched by uuid (to check them) and for the items the first two
/// rounds leave unmatched; the asset keys only for the latter.
#[derive(Clone)]
pub struct ItemKeys<'p> {
    /// The poam-item's uuid, normalized for comparison.
    pub uuid: Option<String>,
    /// Its FedRAMP POAM ID.
    pub poam_id: Option<String>,
    /// Whether the item is closed.
    pub closed: bool,
    source: Option<(&'p Parts<'p>, &'p DocIndex<'p>)>,
    weakness: OnceCell<Option<WeaknessId>>,
    assets: OnceCell<BTreeSet<String>>,
    content: OnceCell<Option<String>>,
}

impl std::fmt::Debug for ItemKeys<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ItemKeys")
            .field("uuid", &self.uuid)
            .field("poam_id", &self.poam_id)
            .field("closed", &self.closed)
            .field("weakness", &self.weakness.get())
            .field("assets", &self.assets.get())
            .field("content", &self.content.get())
            .finish_non_exhaustive()
    }
}

impl<'p> ItemKeys<'p> {
    /// The keys of `parts`, an item of the document `index` indexes.
    pub fn of(parts: &'p Parts<'p>, index: &'p DocIndex<'p>) -> Self {
        Self {
            uuid: parts.item.uuid.as_ref().map(|u| uuid_key(u)),
            poam_id: fedramp::poam_id(&parts.item).map(str::to_owned),
            closed: parts.is_closed(),
            source: Some((parts, index)),
            weakness: OnceCell::new(),
            assets: OnceCell::new(),
            content: OnceCell::new(),
        }
    }

    /// Keys given outright (no item behind them).
    pub fn new(
        uuid: Option<String>,
        poam_id: Option<String>,
        weakness: Option<WeaknessId>,
        assets: BTreeSet<String>,
        closed: bool,
    ) -> Self {
        Self {
            uuid,
            poam_id,
            closed,
            source: None,
            weakness: OnceCell::from(weakness),
            assets: OnceCell::from(assets),
            content: OnceCell::new(),
        }
    }

    /// The same keys, worked out in full and no longer borrowing the item.
    pub fn detached(&self) -> ItemKeys<'static> {
        let keys = ItemKeys::new(
            self.uuid.clone(),
            self.poam_id.clone(),
            self.weakness().clone(),
            self.assets().clone(),
            self.closed,
        );
        let _ = keys.content.set(self.content().map(str::to_owned));
        keys
    }

    /// The item's content apart from the poam-item uuid, as compact JSON: what identifies
    /// an item that has nothing else to identify it.
    pub fn content(&self) -> Option<&str> {
        self.content
            .get_or_init(|| {
                let (parts, _) = self.source?;
                let mut item = parts.item.clone().into_owned();
                item.uuid = None;
                serde_json::to_string(&(&item, &parts.risks, &parts.observations, &parts.findings))
                    .ok()
            })
            .as_deref()
    }

    /// The weakness source identifier.
    pub fn weakness(&self) -> &Option<WeaknessId> {
        self.weakness
            .get_or_init(|| self.source.and_then(|(p, _)| p.weakness_id()))
    }

    /// The assets' keys (see [`DocIndex::asset_keys`]).
    pub fn assets(&self) -> &BTreeSet<String> {
        self.assets.get_or_init(|| match self.source {
            Some((p, index)) => index.asset_keys(p),
            None => BTreeSet::new(),
        })
    }
}

/// A short reference to an item for reports: its POAM ID, uuid, title and status.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ItemRef {
    /// Position in `poam-items` of its document.
    pub index: usize,
    /// The poam-item's uuid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
    /// Its FedRAMP POAM ID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub poam_id: Option<String>,
    /// The weakness name (its first risk's title), else the poam-item's title.
    pub title: String,
    /// Its first risk's status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The deadline of its first risk that has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
    /// Its risk rating (adjusted when there is one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk_rating: Option<String>,
}

impl ItemRef {
    /// The reference of `parts`, poam-item `index` of its document.
    pub fn of(index: usize, parts: &Parts<'_>) -> Self {
        // The weakness name (risk title) says more than the poam-item title, which FedRAMP
        // lets be anything.
        let title = parts
            .risks
            .first()
            .map(|r| r.title.plain_text())
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| parts.item.title.plain_text());
        Self {
            index,
            uuid: parts
                .item
                .uuid
                .as_ref()
                .map(std::string::ToString::to_string),
            poam_id: fedramp::poam_id(&parts.item).map(str::to_owned),
            title,
            status: parts.status().map(str::to_owned),
            deadline: parts.deadline().map(str::to_owned),
            risk_rating: parts.risk_rating().map(str::to_owned),
        }
    }

    /// The label with what tells items of one label apart: `V-0002 (uuid …)`, or its
    /// position when it has no uuid.
    pub fn describe(&self) -> String {
        match (&self.poam_id, &self.uuid) {
            (Some(id), Some(u)) => format!("{id} (uuid {u})"),
            (Some(id), None) => format!("{id} (poam-items[{}])", self.index),
            _ => self.label(),
        }
    }

    /// How people name the item: its POAM ID, else its uuid, else its position.
    pub fn label(&self) -> String {
        match (&self.poam_id, &self.uuid) {
            (Some(id), _) => id.clone(),
            (None, Some(u)) => u.clone(),
            (None, None) => format!("poam-items[{}]", self.index),
        }
    }
}
