//! FedRAMP's vocabulary and rules for POA&Ms, written once.
//!
//! Every other crate that reads or writes FedRAMP's names, values, titles or timeframes takes
//! them from here: `poam-validate` (the `fedramp` profile), `poam-xlsx` (workbook ⇄ OSCAL),
//! `poam-cycle` (review cycles), the CLI's import and report. The crate does no I/O and
//! depends only on `poam-model` and `chrono`.
//!
//! # Namespace policy: read every published form, write one
//!
//! FedRAMP spells its namespace several ways in its own content:
//!
//! | where                                   | prop `ns`                      | facet `system`                 |
//! |-----------------------------------------|--------------------------------|--------------------------------|
//! | the Guide, ADR 0011, develop template   | `http://fedramp.gov/ns/oscal`  | `http://fedramp.gov/ns/oscal`  |
//! | published templates (2024-09)           | `https://fedramp.gov/ns/oscal` | `https://fedramp.gov`          |
//! | OSCAL's allowed facet systems           |                                | `http://fedramp.gov`, `http://fedramp.gov/ns/oscal` |
//!
//! poam **reads** every one of them, with `http` or `https` and with or without a trailing
//! `/` ([`namespace::is_fedramp_ns`] for prop namespaces, [`namespace::is_fedramp_system`]
//! for facet systems and `system-id` identifier types, which also accept the bare
//! `http(s)://fedramp.gov`).
//!
//! poam **writes** exactly one form everywhere: `http://fedramp.gov/ns/oscal`
//! ([`namespace::NS`], [`namespace::FACET_SYSTEM`], [`namespace::IDENTIFIER_TYPE`]), the form
//! of the FedRAMP Guide and ADR 0011 and one of OSCAL's allowed facet systems, so that a
//! document poam creates never mixes `http://` and `https://`. A merge that adds FedRAMP props
//! to a document already written in another published form keeps that document's form (so the
//! merged document does not mix two either).
//!
//! # Timeframes
//!
//! [`RiskRating`] holds FedRAMP's three ratings (a scanner's Critical counts as High) and
//! their remediation timeframes from detection (30, 90 and 180 days); [`deadline`] applies a
//! KEV due date when it is earlier; [`VENDOR_CHECK_IN_DAYS`] is how often an open vendor
//! dependency must be checked.

use chrono::NaiveDate;
use poam_model::{Entry, Property};

pub mod item;

pub mod namespace {
    //! FedRAMP's namespace and facet system: every published form is read, one is written
    //! (see the crate docs).

    /// The namespace poam writes on the FedRAMP props it creates.
    pub const NS: &str = "http://fedramp.gov/ns/oscal";
    /// The facet `system` poam writes on FedRAMP facets (`risk`, `likelihood`, `impact`).
    pub const FACET_SYSTEM: &str = "http://fedramp.gov/ns/oscal";
    /// The `system-id/@identifier-type` poam writes for a FedRAMP package ID.
    pub const IDENTIFIER_TYPE: &str = "http://fedramp.gov/ns/oscal";

    /// `text` without its scheme (`http://` or `https://`) and trailing `/`s, when it has
    /// one of the two schemes.
    fn after_scheme(text: &str) -> Option<&str> {
        let text = text.trim().trim_end_matches('/');
        text.strip_prefix("https://")
            .or_else(|| text.strip_prefix("http://"))
    }

    /// Whether `ns` is FedRAMP's prop namespace in any published form:
    /// `http(s)://fedramp.gov/ns/oscal`, with or without a trailing `/`.
    pub fn is_fedramp_ns(ns: &str) -> bool {
        after_scheme(ns) == Some("fedramp.gov/ns/oscal")
    }

    /// Whether a facet `system` (or an identifier type) means FedRAMP: any form
    /// [`is_fedramp_ns`] accepts, or `http(s)://fedramp.gov`.
    pub fn is_fedramp_system(system: &str) -> bool {
        matches!(
            after_scheme(system),
            Some("fedramp.gov/ns/oscal" | "fedramp.gov")
        )
    }

    /// Whether two URIs are the same once FedRAMP's published forms are taken as one
    /// (`http` or `https`, a trailing `/`): `https://fedramp.gov/ns/oscal` is
    /// `http://fedramp.gov/ns/oscal`, but `http://fedramp.gov` is not
    /// `http://fedramp.gov/ns/oscal` (OSCAL lists both as distinct facet systems).
    pub fn same_uri(a: &str, b: &str) -> bool {
        fn fedramp_part(u: &str) -> Option<&str> {
            if is_fedramp_system(u) {
                after_scheme(u)
            } else {
                None
            }
        }
        a == b || fedramp_part(a).is_some_and(|x| fedramp_part(b) == Some(x))
    }

    /// Whether an optional prop namespace is FedRAMP's (`None` is OSCAL's own namespace).
    pub fn is_fedramp_prop_ns(ns: Option<&str>) -> bool {
        ns.is_some_and(is_fedramp_ns)
    }
}

pub mod props {
    //! Names of FedRAMP's props (FedRAMP namespace), from FedRAMP's extensions registry and
    //! the Guide.

    /// poam-item: the CSP-assigned POA&M identifier (workbook column A).
    pub const POAM_ID: &str = "POAM-ID";
    /// The extensions registry's spelling of [`POAM_ID`]; read as the same prop.
    pub const POAM_ID_REGISTRY: &str = "poam-id";
    /// risk: a control the weakness affects (token, at least one in a POA&M).
    pub const IMPACTED_CONTROL_ID: &str = "impacted-control-id";
    /// risk: priority, an integer, 1 the highest.
    pub const PRIORITY: &str = "priority";
    /// risk: whether the weakness is in CISA's Known Exploited Vulnerabilities catalog
    /// (`yes`/`no`).
    pub const KEV_CATALOG: &str = "kev-catalog";
    /// risk: the KEV catalog's due date (a date).
    pub const KEV_DUE_DATE: &str = "kev-due-date";
    /// risk/observation deviation: the fix depends on a vendor.
    pub const VENDOR_DEPENDENCY: &str = "vendor-dependency";
    /// risk/observation deviation: the risk rating was adjusted.
    pub const RISK_ADJUSTMENT: &str = "risk-adjustment";
    /// risk/observation deviation: the finding is a false positive.
    pub const FALSE_POSITIVE: &str = "false-positive";
    /// risk/observation deviation: the weakness is an operational requirement.
    pub const OPERATIONAL_REQUIREMENT: &str = "operational-requirement";
    /// The four deviation props, in the workbook's column order (P, V, W, X).
    pub const DEVIATIONS: [&str; 4] = [
        VENDOR_DEPENDENCY,
        RISK_ADJUSTMENT,
        FALSE_POSITIVE,
        OPERATIONAL_REQUIREMENT,
    ];
    /// tool actor: the scanner's vulnerability identifier.
    pub const VULNERABILITY_ID: &str = "vulnerability-id";
    /// tool actor: the scanner's plugin identifier.
    pub const PLUGIN_ID: &str = "plugin-id";
    /// metadata: the system's FIPS 199 impact level.
    pub const IMPACT_LEVEL: &str = "impact-level";
    /// poam-item: the weakness is a configuration finding (`yes`).
    pub const CONFIGURATION_FINDING: &str = "configuration-finding";
    /// poam-item: auto-approve (workbook column AD).
    pub const AUTO_APPROVE: &str = "auto-approve";
    /// poam-item: the service the weakness is in (workbook column AE).
    pub const SERVICE_NAME: &str = "service-name";
    /// component (a scanner, a software product): its vendor, as FedRAMP's templates write it.
    pub const VENDOR_NAME: &str = "vendor-name";
    /// component (a scanner): the tool's product name, beside [`VENDOR_NAME`].
    pub const TOOL_NAME: &str = "name";
    /// back-matter resource (and others): FedRAMP's `type`.
    pub const TYPE: &str = "type";
    /// metadata: uuid of the back-matter resource naming the control catalog.
    pub const RESOLUTION_RESOURCE: &str = "resolution-resource";
    /// metadata: the version of FedRAMP's OSCAL content the document follows.
    pub const FEDRAMP_VERSION: &str = "fedramp-version";
    /// metadata: the data classification. OSCAL's own prop (no namespace), which FedRAMP
    /// requires.
    pub const MARKING: &str = "marking";

    /// Whether `name` is the POAM-ID prop's name in either spelling.
    pub fn is_poam_id_name(name: &str) -> bool {
        name == POAM_ID || name == POAM_ID_REGISTRY
    }
}

pub mod roles {
    //! FedRAMP's metadata role ids.

    /// The cloud service provider (CSP), who owns the POA&M.
    pub const CLOUD_SERVICE_PROVIDER: &str = "cloud-service-provider";
    /// The title of the [`CLOUD_SERVICE_PROVIDER`] role where poam defines it.
    pub const CLOUD_SERVICE_PROVIDER_TITLE: &str = "Cloud Service Provider";
    /// The FedRAMP Program Management Office.
    pub const FEDRAMP_PMO: &str = "fedramp-pmo";
    /// The FedRAMP Joint Authorization Board.
    pub const FEDRAMP_JAB: &str = "fedramp-jab";
    /// Whoever prepared the document.
    pub const PREPARED_BY: &str = "prepared-by";
    /// Whom the document was prepared for.
    pub const PREPARED_FOR: &str = "prepared-for";
    /// The information system security officer.
    pub const ISSO: &str = "information-system-security-officer";
}

pub mod values {
    //! Values of FedRAMP's props and of the OSCAL types FedRAMP relies on.

    /// Values of the `operational-requirement`, `false-positive` and `risk-adjustment` props.
    pub const DEVIATION: [&str; 4] = [INVESTIGATING, PENDING, APPROVED, WITHDRAWN];
    /// Values of the `vendor-dependency` prop.
    pub const VENDOR_DEPENDENCY: [&str; 4] = [INVESTIGATING, TRACKING, RESOLVED, WITHDRAWN];
    /// Values of `kev-catalog` (and other yes/no props).
    pub const YES_NO: [&str; 2] = [YES, NO];

    /// A deviation or vendor dependency being looked into.
    pub const INVESTIGATING: &str = "investigating";
    /// A deviation request awaiting the authorizing official.
    pub const PENDING: &str = "pending";
    /// A deviation request the authorizing official approved.
    pub const APPROVED: &str = "approved";
    /// A deviation request or vendor dependency withdrawn.
    pub const WITHDRAWN: &str = "withdrawn";
    /// A vendor dependency being tracked until the vendor fixes it.
    pub const TRACKING: &str = "tracking";
    /// A vendor dependency the vendor resolved.
    pub const RESOLVED: &str = "resolved";
    /// Yes, in a yes/no prop.
    pub const YES: &str = "yes";
    /// No, in a yes/no prop.
    pub const NO: &str = "no";
    /// The value of a `vendor-dependency` prop on a risk-log entry that records a check-in.
    pub const VENDOR_CHECK_IN: &str = "vendor-check-in";

    /// Back-matter resource `type`: the imported SSP.
    pub const RESOURCE_SSP: &str = "system-security-plan";
    /// Back-matter resource `type`: the system has no OSCAL SSP.
    pub const RESOURCE_NO_OSCAL_SSP: &str = "no-oscal-ssp";
    /// Back-matter resource `type`: evidence.
    pub const RESOURCE_EVIDENCE: &str = "evidence";
}

pub mod observation_types {
    //! Observation `type`s FedRAMP adds. All but the finding itself describe a deviation or
    //! closure: their subjects are not the weakness's assets (a vendor-dependency
    //! observation's subject is the vendor's product).

    /// The weakness waits on a vendor's fix.
    pub const VENDOR_DEPENDENCY: &str = "vendor-dependency";
    /// The finding is a false positive.
    pub const FALSE_POSITIVE: &str = "false-positive";
    /// The weakness stays because the system needs it to operate.
    pub const OPERATIONAL_REQUIREMENT: &str = "operational-requirement";
    /// The risk rating was adjusted.
    pub const RISK_ADJUSTMENT: &str = "risk-adjustment";
    /// Evidence that the weakness was fixed.
    pub const CLOSURE: &str = "closure";
    /// The types whose subjects are not assets of the weakness.
    pub const NOT_ASSETS: [&str; 5] = [
        VENDOR_DEPENDENCY,
        FALSE_POSITIVE,
        OPERATIONAL_REQUIREMENT,
        RISK_ADJUSTMENT,
        CLOSURE,
    ];
}

pub mod facets {
    //! FedRAMP's risk-rating facets (system [`crate::namespace::FACET_SYSTEM`]).

    /// The overall risk rating.
    pub const RISK: &str = "risk";
    /// The likelihood rating.
    pub const LIKELIHOOD: &str = "likelihood";
    /// The impact rating.
    pub const IMPACT: &str = "impact";
    /// The facets' child prop saying which rating this is.
    pub const STATE: &str = "state";
    /// [`STATE`]: the rating as first assessed.
    pub const INITIAL: &str = "initial";
    /// [`STATE`]: the rating after an approved risk adjustment.
    pub const ADJUSTED: &str = "adjusted";
    /// The names of the rating facets.
    pub const RATINGS: [&str; 3] = [RISK, LIKELIHOOD, IMPACT];
}

pub mod risk_status {
    //! OSCAL's risk `status` values that FedRAMP's rules turn on.

    /// The risk is open.
    pub const OPEN: &str = "open";
    /// The risk was remediated or otherwise closed.
    pub const CLOSED: &str = "closed";
    /// A deviation was requested for the risk.
    pub const DEVIATION_REQUESTED: &str = "deviation-requested";
    /// A deviation was approved for the risk: its deadline no longer applies.
    pub const DEVIATION_APPROVED: &str = "deviation-approved";
}

pub mod entry_types {
    //! OSCAL risk-log entry `type`s (prop `type`, OSCAL namespace) that FedRAMP relies on.

    /// A check-in with the vendor of an open vendor dependency.
    pub const VENDOR_CHECK_IN: &str = "vendor-check-in";
    /// A change of the risk's status.
    pub const STATUS_UPDATE: &str = "status-update";
    /// A milestone of the remediation was reached.
    pub const MILESTONE_COMPLETE: &str = "milestone-complete";
    /// The risk was closed.
    pub const CLOSED: &str = "closed";
}

pub mod log_titles {
    //! Titles of the risk-log entries poam writes (and recognises when reading).

    /// A risk was closed.
    pub const RISK_CLOSED: &str = "Risk Closed";
    /// A closed risk was opened again.
    pub const RISK_REOPENED: &str = "Risk Reopened";
    /// A risk's status changed otherwise.
    pub const STATUS_CHANGED: &str = "Status Changed";
    /// The workbook's status/date-of-status (columns N, O).
    pub const STATUS_UPDATE: &str = "Status Update";
    /// A vendor check-in (workbook column Q), as FedRAMP's template titles it.
    pub const VENDOR_CHECK_IN: &str = "Vendor Check-in";
    /// The workbook's milestone changes (column M).
    pub const MILESTONE_CHANGE: &str = "Milestone change";
}

pub mod part_titles {
    //! Titles poam gives the other parts of an item it creates, as the Guide names them.

    /// The risk's planned response.
    pub const PLANNED_RESPONSE: &str = "CSP's Remediation Plan";
    /// The observation holding a deviation's rationale.
    pub const DEVIATION: &str = "Deviation Rationale";
    /// The observation recording a vendor dependency.
    pub const VENDOR_DEPENDENCY: &str = "Vendor Dependency";
    /// The planned response's required asset (workbook column I).
    pub const REQUIRED_ASSET: &str = "Resources Required";
}

pub mod placeholders {
    //! Texts that stand for "not given": FedRAMP's `No Risk Statement`, and what poam's
    //! workbook import writes where OSCAL requires a value the workbook left blank (export
    //! writes the blank back).

    /// A weakness without a description.
    pub const DESCRIPTION: &str = "No description was given in the POA&M workbook.";
    /// A risk without a statement (FedRAMP's own text).
    pub const STATEMENT: &str = "No Risk Statement";
    /// A planned response without a remediation plan.
    pub const REMEDIATION_PLAN: &str = "No remediation plan was given in the POA&M workbook.";
    /// A weakness without a name.
    pub const UNTITLED: &str = "Untitled weakness";
    /// The CSP party's name when the workbook gives none.
    pub const CSP: &str = "Cloud Service Provider";
    /// The placeholders of an item's fields ([`CSP`] names a party, not an item field).
    pub const ITEM_FIELDS: [&str; 4] = [DESCRIPTION, STATEMENT, REMEDIATION_PLAN, UNTITLED];

    /// Whether `text` only stands for an item field not given (one of [`ITEM_FIELDS`],
    /// ignoring case and surrounding space).
    pub fn is_placeholder(text: &str) -> bool {
        let text = text.trim();
        ITEM_FIELDS.iter().any(|p| text.eq_ignore_ascii_case(p))
    }
}

/// Days within which an open vendor dependency must have a check-in.
pub const VENDOR_CHECK_IN_DAYS: i64 = 30;

/// FedRAMP's risk ratings. FedRAMP has three; a scanner's Critical (or Very High) is High and
/// Very Low is Low.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RiskRating {
    /// Low (a scanner's Very Low and Low).
    Low,
    /// Moderate (a scanner's Medium).
    Moderate,
    /// High (a scanner's High, Very High and Critical).
    High,
}

impl RiskRating {
    /// Reads a rating as FedRAMP content and scanners write it, ignoring case and surrounding
    /// space: `high`, `critical`, `very-high`/`very high` are High; `moderate`, `medium`,
    /// `med` are Moderate; `low`, `very-low`/`very low` are Low.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "critical" | "very-high" | "very high" | "high" => Some(Self::High),
            "moderate" | "medium" | "med" => Some(Self::Moderate),
            "low" | "very-low" | "very low" => Some(Self::Low),
            _ => None,
        }
    }

    /// Days from detection within which a weakness of this rating must be remediated
    /// (Completion Guide §3; the retired Schematron's `threshold` map P30D/P90D/P180D).
    pub const fn remediation_days(self) -> u32 {
        match self {
            Self::High => 30,
            Self::Moderate => 90,
            Self::Low => 180,
        }
    }

    /// The facet value: `high`, `moderate` or `low`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::High => "high",
            Self::Moderate => "moderate",
            Self::Low => "low",
        }
    }
}

impl RiskRating {
    /// The workbook's spelling: `High`, `Moderate` or `Low`.
    pub const fn label(self) -> &'static str {
        match self {
            Self::High => "High",
            Self::Moderate => "Moderate",
            Self::Low => "Low",
        }
    }
}

impl std::fmt::Display for RiskRating {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The remediation deadline of a weakness detected on `detected`: the rating's timeframe
/// from detection, or the KEV catalog's due date when that is earlier (BOD 22-01).
pub fn deadline(detected: NaiveDate, rating: RiskRating, kev_due: Option<NaiveDate>) -> NaiveDate {
    let by_rating = detected + chrono::Days::new(u64::from(rating.remediation_days()));
    kev_due.map_or(by_rating, |kev| kev.min(by_rating))
}

/// Sets the document-level facts FedRAMP requires and a workbook or a scan cannot say (from
/// `poam.toml` or flags): the `marking` (OSCAL's prop, e.g. `cui`) and the FedRAMP prop
/// `fedramp-version`. An existing prop of that name is given the new value (its namespace
/// form kept); none is added twice.
pub fn set_document_facts(
    md: &mut poam_model::Metadata,
    marking: Option<&str>,
    version: Option<&str>,
) {
    if let Some(v) = marking {
        set_prop(md, props::MARKING, None, v);
    }
    if let Some(v) = version {
        set_prop(md, props::FEDRAMP_VERSION, Some(namespace::NS), v);
    }
}

fn set_prop(md: &mut poam_model::Metadata, name: &str, ns: Option<&str>, value: &str) {
    let same = |p: &Property| match ns {
        None => p.name.as_str() == name && p.ns.is_none(),
        Some(_) => is_prop(p, name),
    };
    if let Some(p) = md.props.iter_mut().find(|p| same(p)) {
        value.clone_into(&mut p.value);
        return;
    }
    md.props.push(Property::new(name, ns, value));
}

/// Whether `p` is the FedRAMP prop `name` (FedRAMP namespace required: OSCAL has
/// un-namespaced props of similar names with other meanings).
pub fn is_prop(p: &Property, name: &str) -> bool {
    p.name.as_str() == name && namespace::is_fedramp_prop_ns(p.ns.as_deref())
}

/// The value of the first FedRAMP prop `name` in `props`.
pub fn prop_value<'p>(props: &'p [Property], name: &str) -> Option<&'p str> {
    props
        .iter()
        .find(|p| is_prop(p, name))
        .map(|p| p.value.as_str())
}

/// Whether a risk-log entry records a vendor check-in: titled "Vendor Check-in" (as FedRAMP's
/// template writes it, in any case, spacing or hyphenation), or with a `type` prop (OSCAL's
/// entry type) or a FedRAMP `vendor-dependency` prop of value `vendor-check-in`.
pub fn is_vendor_check_in(e: &Entry) -> bool {
    let squeezed = |t: &str| t.to_ascii_lowercase().replace(['-', ' '], "");
    let wanted = squeezed(log_titles::VENDOR_CHECK_IN);
    let titled = e
        .title
        .as_ref()
        .is_some_and(|t| squeezed(&t.to_markdown()) == wanted);
    titled
        || e.props.iter().any(|p| {
            p.value == values::VENDOR_CHECK_IN
                && (p.name.as_str() == props::TYPE || is_prop(p, props::VENDOR_DEPENDENCY))
        })
}

/// Whether a `vendor-dependency` value means the dependency is still open (`investigating`
/// or `tracking`): the item then runs on the vendor's clock, held to monthly check-ins.
pub fn is_vendor_dependency_open(value: &str) -> bool {
    matches!(value.trim(), values::INVESTIGATING | values::TRACKING)
}

/// Whether a risk is overdue on `as_of`: its deadline has passed and it is neither closed nor
/// an approved deviation (status `closed` or `deviation-approved`), nor an open vendor
/// dependency ([`is_vendor_dependency_open`]), which runs on the vendor's clock. The rule of
/// `poam validate --profile fedramp` (`fedramp-risk-overdue`) and of `poam report`.
pub fn is_overdue(deadline: NaiveDate, as_of: NaiveDate, status: &str, vendor_open: bool) -> bool {
    !matches!(
        status.trim(),
        risk_status::CLOSED | risk_status::DEVIATION_APPROVED
    ) && !vendor_open
        && deadline < as_of
}

#[cfg(test)]
mod tests {
    use super::*;
    use namespace::{is_fedramp_ns, is_fedramp_system};

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a valid test date")
    }

    #[test]
    fn document_facts_are_set_once_keeping_a_published_namespace_form() {
        let mut md: poam_model::Metadata = serde_json::from_value(serde_json::json!({
            "title": "T", "last-modified": "2024-01-01T00:00:00Z", "version": "1",
            "oscal-version": "1.1.2",
            "props": [
                {"name": "marking", "ns": "https://example.com/ns", "value": "theirs"},
                {"name": "fedramp-version", "ns": "https://fedramp.gov/ns/oscal", "value": "old"}
            ]
        }))
        .expect("metadata");
        set_document_facts(&mut md, Some("cui"), Some("new"));
        set_document_facts(&mut md, Some("cui"), Some("new"));
        let props: Vec<(&str, Option<&str>, &str)> = md
            .props
            .iter()
            .map(|p| (p.name.as_str(), p.ns.as_deref(), p.value.as_str()))
            .collect();
        assert_eq!(
            props,
            [
                // Another namespace's `marking` is not OSCAL's: left alone.
                ("marking", Some("https://example.com/ns"), "theirs"),
                (
                    "fedramp-version",
                    Some("https://fedramp.gov/ns/oscal"),
                    "new"
                ),
                ("marking", None, "cui"),
            ]
        );
    }

    #[test]
    fn overdue_after_the_deadline_unless_closed_accepted_or_on_the_vendor_clock() {
        let (deadline, as_of) = (day(2024, 7, 5), day(2024, 8, 1));
        assert!(is_overdue(deadline, as_of, "open", false));
        assert!(is_overdue(deadline, as_of, "deviation-requested", false));
        assert!(
            !is_overdue(deadline, deadline, "open", false),
            "due today is not late"
        );
        assert!(!is_overdue(deadline, as_of, "closed", false));
        assert!(!is_overdue(deadline, as_of, "deviation-approved", false));
        assert!(!is_overdue(deadline, as_of, "open", true));
        assert!(is_vendor_dependency_open("tracking"));
        assert!(is_vendor_dependency_open("investigating"));
        assert!(!is_vendor_dependency_open("resolved"));
    }

    #[test]
    fn every_published_namespace_form_is_read() {
        for ns in [
            "http://fedramp.gov/ns/oscal",
            "https://fedramp.gov/ns/oscal",
            "http://fedramp.gov/ns/oscal/",
            "https://fedramp.gov/ns/oscal/",
        ] {
            assert!(is_fedramp_ns(ns), "{ns}");
            assert!(is_fedramp_system(ns), "{ns}");
        }
    }

    #[test]
    fn the_bare_site_is_a_facet_system_but_not_a_prop_namespace() {
        for system in [
            "http://fedramp.gov",
            "https://fedramp.gov",
            "https://fedramp.gov/",
        ] {
            assert!(is_fedramp_system(system), "{system}");
            assert!(!is_fedramp_ns(system), "{system}");
        }
    }

    #[test]
    fn other_namespaces_are_not_fedramp() {
        for other in [
            "",
            "fedramp.gov/ns/oscal",
            "ftp://fedramp.gov/ns/oscal",
            "http://fedramp.gov/ns",
            "http://fedramp.gov/ns/oscal/extra",
            "http://csrc.nist.gov/ns/oscal",
            "http://cve.mitre.org",
            "https://fedramp.gov.evil/ns/oscal",
        ] {
            assert!(!is_fedramp_ns(other), "{other}");
            assert!(!is_fedramp_system(other), "{other}");
        }
        assert!(!namespace::is_fedramp_prop_ns(None));
    }

    #[test]
    fn published_forms_compare_equal_but_site_and_namespace_differ() {
        use namespace::same_uri;
        assert!(same_uri(
            "https://fedramp.gov/ns/oscal",
            "http://fedramp.gov/ns/oscal/"
        ));
        assert!(same_uri("https://fedramp.gov", "http://fedramp.gov"));
        assert!(!same_uri(
            "http://fedramp.gov",
            "http://fedramp.gov/ns/oscal"
        ));
        assert!(!same_uri("https://example.com", "http://example.com"));
        assert!(same_uri("urn:x", "urn:x"));
    }

    #[test]
    fn one_form_is_written_and_it_is_read_back() {
        assert_eq!(namespace::NS, "http://fedramp.gov/ns/oscal");
        assert_eq!(namespace::FACET_SYSTEM, namespace::NS);
        assert_eq!(namespace::IDENTIFIER_TYPE, namespace::NS);
        assert!(is_fedramp_ns(namespace::NS));
        assert!(is_fedramp_system(namespace::FACET_SYSTEM));
    }

    #[test]
    fn ratings_parse_as_fedramp_and_scanners_write_them() {
        for (text, rating) in [
            ("high", RiskRating::High),
            ("High", RiskRating::High),
            ("critical", RiskRating::High),
            (" Very High ", RiskRating::High),
            ("very-high", RiskRating::High),
            ("moderate", RiskRating::Moderate),
            ("Med", RiskRating::Moderate),
            ("medium", RiskRating::Moderate),
            ("LOW", RiskRating::Low),
            ("very-low", RiskRating::Low),
        ] {
            assert_eq!(RiskRating::parse(text), Some(rating), "{text}");
        }
        for text in ["", "none", "informational", "hi"] {
            assert_eq!(RiskRating::parse(text), None, "{text}");
        }
    }

    #[test]
    fn ratings_round_trip_through_their_facet_value() {
        for rating in [RiskRating::Low, RiskRating::Moderate, RiskRating::High] {
            assert_eq!(RiskRating::parse(rating.as_str()), Some(rating));
            assert_eq!(rating.to_string(), rating.as_str());
            assert_eq!(RiskRating::parse(rating.label()), Some(rating));
        }
    }

    #[test]
    fn remediation_timeframes_are_30_90_180_days() {
        assert_eq!(RiskRating::High.remediation_days(), 30);
        assert_eq!(RiskRating::Moderate.remediation_days(), 90);
        assert_eq!(RiskRating::Low.remediation_days(), 180);
        assert_eq!(VENDOR_CHECK_IN_DAYS, 30);
    }

    #[test]
    fn the_deadline_counts_from_detection() {
        let detected = day(2024, 1, 31);
        assert_eq!(deadline(detected, RiskRating::High, None), day(2024, 3, 1));
        assert_eq!(
            deadline(detected, RiskRating::Moderate, None),
            day(2024, 4, 30)
        );
        assert_eq!(deadline(detected, RiskRating::Low, None), day(2024, 7, 29));
    }

    #[test]
    fn an_earlier_kev_due_date_wins_a_later_one_does_not() {
        let detected = day(2024, 1, 1);
        let early = day(2024, 1, 15);
        let late = day(2024, 12, 31);
        assert_eq!(deadline(detected, RiskRating::Low, Some(early)), early);
        assert_eq!(
            deadline(detected, RiskRating::High, Some(late)),
            day(2024, 1, 31)
        );
    }

    #[test]
    fn placeholders_are_recognised_whatever_their_case_and_space() {
        for text in placeholders::ITEM_FIELDS {
            assert!(placeholders::is_placeholder(text), "{text}");
            assert!(placeholders::is_placeholder(&format!(
                "  {}\n",
                text.to_uppercase()
            )));
        }
        assert!(!placeholders::is_placeholder("No Risk Statement yet"));
        assert!(!placeholders::is_placeholder(""));
        assert!(!placeholders::is_placeholder(placeholders::CSP));
    }

    #[test]
    fn deviations_are_in_workbook_column_order_and_take_their_values() {
        assert_eq!(
            props::DEVIATIONS,
            [
                "vendor-dependency",
                "risk-adjustment",
                "false-positive",
                "operational-requirement"
            ]
        );
        assert!(values::DEVIATION.contains(&values::APPROVED));
        assert!(!values::VENDOR_DEPENDENCY.contains(&values::APPROVED));
        assert!(props::is_poam_id_name("POAM-ID") && props::is_poam_id_name("poam-id"));
        assert!(!props::is_poam_id_name("Poam-Id"));
    }

    fn property(name: &str, ns: Option<&str>, value: &str) -> Property {
        Property::new(name, ns, value)
    }

    fn entry(title: Option<&str>, props: Vec<Property>) -> Entry {
        let mut e: Entry = serde_json::from_value(serde_json::json!({
            "uuid": "11111111-2222-4333-8444-555555555555",
            "start": "2024-01-01T00:00:00Z"
        }))
        .expect("a minimal entry");
        e.title = title.map(poam_model::MarkupLine::from_markdown);
        e.props = props;
        e
    }

    #[test]
    fn vendor_check_ins_are_recognised_by_title_or_prop() {
        for title in ["Vendor Check-in", "vendor check in", "VENDOR CHECKIN"] {
            assert!(is_vendor_check_in(&entry(Some(title), vec![])), "{title}");
        }
        for title in ["Vendor Check-in missed", "Milestone 2: Vendor-Check-in"] {
            assert!(!is_vendor_check_in(&entry(Some(title), vec![])), "{title}");
        }
        let typed = property("type", None, "vendor-check-in");
        assert!(is_vendor_check_in(&entry(Some("Call"), vec![typed])));
        let fr = property("vendor-dependency", Some(namespace::NS), "vendor-check-in");
        assert!(is_vendor_check_in(&entry(None, vec![fr])));
        let other_ns = property("vendor-dependency", Some("urn:x"), "vendor-check-in");
        assert!(!is_vendor_check_in(&entry(None, vec![other_ns])));
        let status = property("type", None, "status-update");
        assert!(!is_vendor_check_in(&entry(
            Some("Status Update"),
            vec![status]
        )));
    }

    #[test]
    fn a_fedramp_prop_needs_the_fedramp_namespace() {
        let ps = [
            property("false-positive", None, "yes"),
            property(
                "false-positive",
                Some("https://fedramp.gov/ns/oscal/"),
                "approved",
            ),
        ];
        assert_eq!(prop_value(&ps, props::FALSE_POSITIVE), Some("approved"));
        assert!(!is_prop(&ps[0], props::FALSE_POSITIVE));
        assert_eq!(prop_value(&ps, props::KEV_CATALOG), None);
    }
}
