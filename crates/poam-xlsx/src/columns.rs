//! The one column spec: every column of the FedRAMP POA&M workbook with its header text, the
//! older headers and synonyms it is recognised by, where its value lives in OSCAL, its width,
//! number format and dropdown list. Import maps columns by this table and export writes them
//! from it, so the two directions cannot drift apart.

/// One field of a POA&M item row. The discriminant is the column's position in the 2024
/// template (A = 0 … AE = 30), which is also the order in which export writes the columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// Column A, *POAM ID*.
    PoamId,
    /// Column B, *Controls*.
    Controls,
    /// Column C, *Weakness Name*.
    WeaknessName,
    /// Column D, *Weakness Description*.
    WeaknessDescription,
    /// Column E, *Weakness Detector Source*.
    DetectorSource,
    /// Column F, *Weakness Source Identifier*.
    SourceIdentifier,
    /// Column G, *Asset Identifier*.
    AssetIdentifier,
    /// Column H, *Point of Contact*.
    PointOfContact,
    /// Column I, *Resources Required*.
    ResourcesRequired,
    /// Column J, *Overall Remediation Plan*.
    RemediationPlan,
    /// Column K, *Original Detection Date*.
    DetectionDate,
    /// Column L, *Scheduled Completion Date*.
    CompletionDate,
    /// Column M, *Planned Milestones*.
    PlannedMilestones,
    /// Column N, *Milestone Changes*.
    MilestoneChanges,
    /// Column O, *Status Date*.
    StatusDate,
    /// Column P, *Vendor Dependency*.
    VendorDependency,
    /// Column Q, *Last Vendor Check-in Date*.
    VendorCheckinDate,
    /// Column R, *Vendor Dependent Product Name*.
    VendorProduct,
    /// Column S, *Original Risk Rating*.
    OriginalRiskRating,
    /// Column T, *Adjusted Risk Rating*.
    AdjustedRiskRating,
    /// Column U, *Risk Adjustment*.
    RiskAdjustment,
    /// Column V, *False Positive*.
    FalsePositive,
    /// Column W, *Operational Requirement*.
    OperationalRequirement,
    /// Column X, *Deviation Rationale*.
    DeviationRationale,
    /// Column Y, *Supporting Documents*.
    SupportingDocuments,
    /// Column Z, *Comments*.
    Comments,
    /// Column AA, *Auto-Approve*.
    AutoApprove,
    /// Column AB, *Binding Operational Directive 22-01 tracking*.
    KevTracking,
    /// Column AC, *Binding Operational Directive 22-01 Due Date*.
    KevDueDate,
    /// Column AD, *CVE*.
    Cve,
    /// Column AE, *Service Name*.
    ServiceName,
}

/// How a column's cells are typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    /// Free text, possibly several lines.
    Text,
    /// A date: written as a real Excel date; read from serials or text.
    Date,
    /// One value from a short list (dropdown in the template).
    Choice,
}

/// The template version that introduced a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Since {
    /// Columns A–AB, present in every template since 2021-11-23.
    V2021,
    /// Columns AC–AD, added 2022-06-23.
    V2022,
    /// Column AE, added 2024-03-29.
    V2024,
}

/// One column of the workbook.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The field the column holds; also its position in the 2024 template.
    pub field: Field,
    /// A stable token naming the column (used as `class` of poam's bookkeeping props).
    pub key: &'static str,
    /// The exact header text of the 2024 template (row 5).
    pub header: &'static str,
    /// Other header texts the column is recognised by (older templates, common edits).
    pub synonyms: &'static [&'static str],
    /// Where the value lives in OSCAL (documentation; the code is in `oscal.rs`).
    pub oscal: &'static str,
    /// Column width in Excel character units.
    pub width: f64,
    /// How its cells are typed.
    pub kind: CellKind,
    /// The dropdown list, when the template has one.
    pub list: Option<&'static [&'static str]>,
    /// What an absent value is written as. A blank cell that reads as this default is not a
    /// change worth remembering (e.g. a blank "False Positive" cell and "No" mean the same).
    pub default_text: &'static str,
    /// poam's own short description for the description row of the Open sheet.
    pub description: &'static str,
    /// The format hint for the format row of the Open sheet.
    pub hint: &'static str,
    /// The template version that introduced the column.
    pub since: Since,
}

const YES_NO: &[&str] = &["Yes", "No"];
const YES_NO_PENDING: &[&str] = &["Yes", "No", "Pending"];
const RATINGS: &[&str] = &["Low", "Moderate", "High"];
const ADJUSTED_RATINGS: &[&str] = &["Low", "Moderate", "High", "N/A"];

/// The impact levels of the header block's dropdown (C3).
pub(crate) const IMPACT_LEVELS: &[&str] = RATINGS;

macro_rules! col {
    ($field:ident, $key:literal, $header:literal, [$($syn:literal),*], $oscal:literal,
     $width:literal, $kind:ident, $list:expr, $default:literal, $desc:literal, $hint:literal,
     $since:ident) => {
        Column {
            field: Field::$field,
            key: $key,
            header: $header,
            synonyms: &[$($syn),*],
            oscal: $oscal,
            width: $width,
            kind: CellKind::$kind,
            list: $list,
            default_text: $default,
            description: $desc,
            hint: $hint,
            since: Since::$since,
        }
    };
}

/// Every column, in the order of the 2024 template (A–AE).
pub const COLUMNS: [Column; 31] = [
    col!(
        PoamId,
        "poam-id",
        "POAM ID",
        [
            "POA&M ID",
            "POAM Item ID",
            "POA&M Item ID",
            "POAM-ID",
            "POAM Number"
        ],
        "poam-item/prop[@name='POAM-ID'] (FedRAMP ns)",
        14.0,
        Text,
        None,
        "",
        "The identifier the CSP gives this item; unique in the workbook",
        "Unique Identifier",
        V2021
    ),
    col!(
        Controls,
        "controls",
        "Controls",
        [
            "Control",
            "Control(s)",
            "Security Control",
            "Security Controls",
            "Control ID",
            "Control IDs",
            "Controls Impacted",
            "Impacted Controls"
        ],
        "risk/prop[@name='impacted-control-id'] (FedRAMP ns), one per control, e.g. ac-2.1",
        14.0,
        Text,
        None,
        "",
        "The NIST SP 800-53 controls affected, e.g. AC-2, AC-2(1)",
        "Control Number",
        V2021
    ),
    col!(
        WeaknessName,
        "weakness-name",
        "Weakness Name",
        [
            "Weakness",
            "Weakness Title",
            "Vulnerability Name",
            "Finding Name",
            "Finding Title"
        ],
        "risk/title (and poam-item/title)",
        28.0,
        Text,
        None,
        "",
        "A short name of the weakness, e.g. the scanner's finding title",
        "Text",
        V2021
    ),
    col!(
        WeaknessDescription,
        "weakness-description",
        "Weakness Description",
        [
            "Vulnerability Description",
            "Finding Description",
            "Description"
        ],
        "risk/description (and poam-item/description, observation/description)",
        40.0,
        Text,
        None,
        "",
        "What the weakness is and anything else a reader needs to know about it",
        "Text",
        V2021
    ),
    col!(
        DetectorSource,
        "weakness-detector-source",
        "Weakness Detector Source",
        [
            "Detector Source",
            "Weakness Detection Source",
            "Detection Source",
            "Scanner"
        ],
        "observation/origins/actors[type=tool] -> local-definitions/components (software), one per line",
        20.0,
        Text,
        None,
        "",
        "The scanner or assessment that found the weakness, one per line",
        "[Nessus, Qualys, Security Assessment Report, ...]",
        V2021
    ),
    col!(
        SourceIdentifier,
        "weakness-source-identifier",
        "Weakness Source Identifier",
        [
            "Source Identifier",
            "Weakness Source ID",
            "Plugin ID",
            "Vulnerability ID"
        ],
        "risk/characterizations/origin/actors/prop[@name='plugin-id' or 'vulnerability-id'] (FedRAMP ns), one per line",
        18.0,
        Text,
        None,
        "",
        "The scanner's identifier of the finding (plugin ID), one per line",
        "Identifier",
        V2021
    ),
    col!(
        AssetIdentifier,
        "asset-identifier",
        "Asset Identifier",
        [
            "Asset Identifiers",
            "Assets",
            "Asset",
            "Affected Assets",
            "Asset ID",
            "Asset IDs"
        ],
        "observation/subjects[type=inventory-item] -> local-definitions/inventory-items (prop asset-id), one per line",
        30.0,
        Text,
        None,
        "",
        "Every affected asset as named in the inventory, with port/protocol, one per line",
        "Identifier (port/protocol)",
        V2021
    ),
    col!(
        PointOfContact,
        "point-of-contact",
        "Point of Contact",
        ["POC", "Point of Contact (POC)", "Points of Contact"],
        "risk/remediations[lifecycle=planned]/origins/actors[type=party] -> metadata/parties, one per line",
        20.0,
        Text,
        None,
        "",
        "Who is responsible for remediating this item",
        "Text",
        V2021
    ),
    col!(
        ResourcesRequired,
        "resources-required",
        "Resources Required",
        ["Resource Required", "Required Resources"],
        "risk/remediations[lifecycle=planned]/required-assets/description",
        20.0,
        Text,
        None,
        "",
        "Resources needed beyond those already available",
        "Text",
        V2021
    ),
    col!(
        RemediationPlan,
        "overall-remediation-plan",
        "Overall Remediation Plan",
        ["Remediation Plan", "Overall Remediation Plans"],
        "risk/remediations[lifecycle=planned]/description",
        36.0,
        Text,
        None,
        "",
        "How the weakness will be remediated, in general terms",
        "Text",
        V2021
    ),
    col!(
        DetectionDate,
        "original-detection-date",
        "Original Detection Date",
        [
            "Detection Date",
            "Discovery Date",
            "Original Discovery Date",
            "Date Identified",
            "Date Detected"
        ],
        "observation/collected",
        14.0,
        Date,
        None,
        "",
        "The date the weakness was first found",
        "Date",
        V2021
    ),
    col!(
        CompletionDate,
        "scheduled-completion-date",
        "Scheduled Completion Date",
        [
            "Completion Date",
            "Scheduled Completion",
            "Planned Completion Date"
        ],
        "risk/deadline",
        14.0,
        Date,
        None,
        "",
        "The date remediation is due",
        "Date",
        V2021
    ),
    col!(
        PlannedMilestones,
        "planned-milestones",
        "Planned Milestones",
        ["Milestones", "Planned Milestone"],
        "risk/remediations[lifecycle=planned]/tasks[type=milestone] (title, description, timing/on-date)",
        40.0,
        Text,
        None,
        "",
        "The remediation milestones, one per paragraph, each numbered and dated",
        "(##) yyyy-mm-dd: Milestone text",
        V2021
    ),
    col!(
        MilestoneChanges,
        "milestone-changes",
        "Milestone Changes",
        ["Milestone Change", "Changes to Milestones"],
        "risk/risk-log/entries (title, description, start, related-responses)",
        40.0,
        Text,
        None,
        "",
        "Changes to the milestones: which one, what kind of change, when and why",
        "(##) New/Update/Complete yyyy-mm-dd : Change",
        V2021
    ),
    col!(
        StatusDate,
        "status-date",
        "Status Date",
        ["Last Status Date", "Status Update Date"],
        "risk/risk-log/entries (status update, or closure with status-change=closed)/start",
        14.0,
        Date,
        None,
        "",
        "The date this item last changed or was closed",
        "Date",
        V2021
    ),
    col!(
        VendorDependency,
        "vendor-dependency",
        "Vendor Dependency",
        ["Vendor Dependent", "Vendor Dependencies"],
        "risk/prop[@name='vendor-dependency'] (FedRAMP ns): Yes=tracking, Pending=investigating, No=absent",
        12.0,
        Choice,
        Some(YES_NO),
        "No",
        "Whether the fix depends on a vendor",
        "Yes, No",
        V2021
    ),
    col!(
        VendorCheckinDate,
        "last-vendor-check-in-date",
        "Last Vendor Check-in Date",
        [
            "Last Vendor Check-in",
            "Vendor Check-in Date",
            "Last Vendor Checkin Date"
        ],
        "risk/risk-log/entries[title='Vendor Check-in']/start",
        14.0,
        Date,
        None,
        "",
        "The date of the last check-in with the vendor",
        "Date",
        V2021
    ),
    col!(
        VendorProduct,
        "vendor-dependent-product-name",
        "Vendor Dependent Product Name",
        [
            "Vendor Dependent Product",
            "Vendor Product Name",
            "Product Name"
        ],
        "observation[types=vendor-dependency]/subjects -> local-definitions/components, one per line",
        20.0,
        Text,
        None,
        "",
        "The vendor's product the fix depends on",
        "Product Name",
        V2021
    ),
    col!(
        OriginalRiskRating,
        "original-risk-rating",
        "Original Risk Rating",
        [
            "Original Risk",
            "Risk Rating",
            "Initial Risk Rating",
            "Original Rating"
        ],
        "risk/characterizations/facets (FedRAMP system) risk, likelihood, impact with prop state=initial",
        12.0,
        Choice,
        Some(RATINGS),
        "",
        "The risk rating as first found, e.g. by the scanner",
        "Low, Moderate, High",
        V2021
    ),
    col!(
        AdjustedRiskRating,
        "adjusted-risk-rating",
        "Adjusted Risk Rating",
        ["Adjusted Risk", "Adjusted Rating", "Residual Risk Rating"],
        "risk/characterizations/facets (FedRAMP system) risk, likelihood, impact with prop state=adjusted",
        12.0,
        Choice,
        Some(ADJUSTED_RATINGS),
        "",
        "The risk rating after an approved adjustment",
        "Low, Moderate, High, N/A",
        V2021
    ),
    col!(
        RiskAdjustment,
        "risk-adjustment",
        "Risk Adjustment",
        ["Risk Adjustments"],
        "risk/prop[@name='risk-adjustment'] (FedRAMP ns): Yes=approved, Pending=pending, No=absent",
        12.0,
        Choice,
        Some(YES_NO_PENDING),
        "No",
        "Whether a risk adjustment was requested and approved",
        "Yes, No, Pending",
        V2021
    ),
    col!(
        FalsePositive,
        "false-positive",
        "False Positive",
        ["False Positives"],
        "risk/prop[@name='false-positive'] (FedRAMP ns): Yes=approved, Pending=pending, No=absent",
        12.0,
        Choice,
        Some(YES_NO_PENDING),
        "No",
        "Whether the weakness is a false positive",
        "Yes, No, Pending",
        V2021
    ),
    col!(
        OperationalRequirement,
        "operational-requirement",
        "Operational Requirement",
        ["Operational Requirements"],
        "risk/prop[@name='operational-requirement'] (FedRAMP ns): Yes=approved, Pending=pending, No=absent",
        12.0,
        Choice,
        Some(YES_NO_PENDING),
        "No",
        "Whether the weakness is an operational requirement",
        "Yes, No, Pending",
        V2021
    ),
    col!(
        DeviationRationale,
        "deviation-rationale",
        "Deviation Rationale",
        ["Deviation Rationales"],
        "observation[title='Deviation Rationale']/description (types = the deviations asked for); risk/mitigating-factors when a risk adjustment is asked for",
        30.0,
        Text,
        None,
        "",
        "Why a deviation is justified, per deviation type",
        "Deviation Type : Rationale",
        V2021
    ),
    col!(
        SupportingDocuments,
        "supporting-documents",
        "Supporting Documents",
        ["Supporting Document"],
        "back-matter/resources (prop type=evidence) cited by observation/relevant-evidence, one per line",
        26.0,
        Text,
        None,
        "",
        "Documents that support this item, one per line",
        "Document Type : Document Name",
        V2021
    ),
    col!(
        Comments,
        "comments",
        "Comments",
        ["Comment", "Remarks", "Notes"],
        "poam-item/remarks",
        30.0,
        Text,
        None,
        "",
        "Anything else worth knowing about this item",
        "Text",
        V2021
    ),
    col!(
        AutoApprove,
        "auto-approve",
        "Auto-Approve",
        ["Auto Approve", "Auto-Approved", "Auto Approved"],
        "poam-item/prop[@name='auto-approve'] (FedRAMP ns, poam convention): yes, no or the text",
        12.0,
        Choice,
        Some(YES_NO),
        "",
        "Whether a deviation request was approved automatically",
        "Yes, No",
        V2021
    ),
    col!(
        KevTracking,
        "bod-22-01-tracking",
        "Binding Operational Directive 22-01 tracking",
        [
            "BOD 22-01 tracking",
            "BOD 22-01",
            "KEV",
            "CISA KEV",
            "Known Exploited Vulnerability"
        ],
        "risk/prop[@name='kev-catalog'] (FedRAMP ns): yes or no",
        16.0,
        Choice,
        Some(YES_NO),
        "",
        "Whether the weakness is in CISA's Known Exploited Vulnerabilities catalog",
        "Yes, No",
        V2021
    ),
    col!(
        KevDueDate,
        "bod-22-01-due-date",
        "Binding Operational Directive 22-01 Due Date",
        ["BOD 22-01 Due Date", "KEV Due Date"],
        "risk/prop[@name='kev-due-date'] (FedRAMP ns), a date",
        16.0,
        Date,
        None,
        "",
        "CISA's due date for a weakness in the KEV catalog",
        "Date",
        V2022
    ),
    col!(
        Cve,
        "cve",
        "CVE",
        ["CVEs", "CVE ID", "CVE IDs", "CVE Number", "CVE Numbers"],
        "risk/characterizations/facets[@system='http://cve.mitre.org'][@name='cve-id'], one per CVE",
        18.0,
        Text,
        None,
        "",
        "The CVE identifiers of the weakness",
        "Text",
        V2022
    ),
    col!(
        ServiceName,
        "service-name",
        "Service Name",
        [
            "Service Names",
            "Services",
            "Affected Service",
            "Affected Services"
        ],
        "poam-item/prop[@name='service-name'] (FedRAMP ns, poam convention), one per line",
        20.0,
        Text,
        None,
        "",
        "The customer-facing services affected, one per line (All, Internal)",
        "Text",
        V2024
    ),
];

/// The part of an item's OSCAL a column's value lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The `poam-item`.
    Item,
    /// The item's risk.
    Risk,
    /// An observation the item cites.
    Observation,
}

/// One place a column's value lives in OSCAL: a member path under the [`Part`] (array indices
/// left out) and, for a prop, its name (FedRAMP namespace). [`Column::oscal`] says the same in
/// words; this is what code follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Home {
    pub part: Part,
    pub path: &'static [&'static str],
    pub prop: Option<&'static str>,
}

const fn at(part: Part, path: &'static [&'static str]) -> Home {
    Home {
        part,
        path,
        prop: None,
    }
}

const fn prop(part: Part, name: &'static str) -> Home {
    Home {
        part,
        path: &["props"],
        prop: Some(name),
    }
}

impl Field {
    /// Where the field's value lives in OSCAL, the main place first.
    pub(crate) fn homes(self) -> &'static [Home] {
        use Part::{Item, Observation, Risk};
        use poam_fedramp::props as fr;
        match self {
            Self::PoamId => const { &[prop(Item, fr::POAM_ID)] },
            Self::Controls => const { &[prop(Risk, fr::IMPACTED_CONTROL_ID)] },
            Self::WeaknessName => const { &[at(Risk, &["title"]), at(Item, &["title"])] },
            Self::WeaknessDescription => {
                const {
                    &[
                        at(Risk, &["description"]),
                        at(Item, &["description"]),
                        at(Observation, &["description"]),
                    ]
                }
            }
            Self::DetectorSource => const { &[at(Observation, &["origins"])] },
            Self::SourceIdentifier => {
                const {
                    &[
                        at(Risk, &["characterizations", "origin", "actors", "props"]),
                        at(Observation, &["origins", "actors", "props"]),
                    ]
                }
            }
            Self::AssetIdentifier | Self::VendorProduct => {
                const { &[at(Observation, &["subjects"])] }
            }
            Self::PointOfContact => const { &[at(Risk, &["remediations", "origins"])] },
            Self::ResourcesRequired => const { &[at(Risk, &["remediations", "required-assets"])] },
            Self::RemediationPlan => const { &[at(Risk, &["remediations"])] },
            Self::DetectionDate => const { &[at(Observation, &["collected"])] },
            Self::CompletionDate => const { &[at(Risk, &["deadline"])] },
            Self::PlannedMilestones => const { &[at(Risk, &["remediations", "tasks"])] },
            Self::MilestoneChanges | Self::StatusDate | Self::VendorCheckinDate => {
                const { &[at(Risk, &["risk-log"])] }
            }
            Self::VendorDependency => const { &[prop(Risk, fr::VENDOR_DEPENDENCY)] },
            Self::OriginalRiskRating | Self::AdjustedRiskRating | Self::Cve => {
                const { &[at(Risk, &["characterizations"])] }
            }
            Self::RiskAdjustment => const { &[prop(Risk, fr::RISK_ADJUSTMENT)] },
            Self::FalsePositive => const { &[prop(Risk, fr::FALSE_POSITIVE)] },
            Self::OperationalRequirement => const { &[prop(Risk, fr::OPERATIONAL_REQUIREMENT)] },
            Self::DeviationRationale => {
                const {
                    &[
                        at(Risk, &["mitigating-factors"]),
                        at(Observation, &["description"]),
                    ]
                }
            }
            Self::SupportingDocuments => const { &[at(Observation, &["relevant-evidence"])] },
            Self::Comments => const { &[at(Item, &["remarks"])] },
            Self::AutoApprove => const { &[prop(Item, fr::AUTO_APPROVE)] },
            Self::KevTracking => const { &[prop(Risk, fr::KEV_CATALOG)] },
            Self::KevDueDate => const { &[prop(Risk, fr::KEV_DUE_DATE)] },
            Self::ServiceName => const { &[prop(Item, fr::SERVICE_NAME)] },
        }
    }
}

/// The column that shows the OSCAL member at `path` (member names, indices left out) of an
/// item's `part`; `prop` is the prop's name when the path is into `props`. The most specific
/// home wins; of equally specific ones, the leftmost column (a risk-log entry is the Milestone
/// Changes column, an observation's subjects the Asset Identifier).
pub fn field_at(part: Part, path: &[&str], prop: Option<&str>) -> Option<Field> {
    let mut best: Option<(usize, Field)> = None;
    for c in &COLUMNS {
        for home in c.field.homes() {
            let fits = home.part == part
                && path.starts_with(home.path)
                && home.prop.is_none_or(|name| Some(name) == prop);
            if fits && best.is_none_or(|(len, _)| home.path.len() > len) {
                best = Some((home.path.len(), c.field));
            }
        }
    }
    best.map(|(_, field)| field)
}

/// The column spec of a field.
pub(crate) fn column(field: Field) -> &'static Column {
    &COLUMNS[field as usize]
}

/// Header text reduced to what matters for matching: lower-case letters and digits only, so
/// `POA&M ID`, `POAM-ID` and ` poam id ` all read `poamid`.
pub(crate) fn normalize_header(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The field whose header or synonym reads `text`, if any.
pub(crate) fn field_for_header(text: &str) -> Option<Field> {
    let n = normalize_header(text);
    if n.is_empty() {
        return None;
    }
    COLUMNS
        .iter()
        .find(|c| {
            normalize_header(c.header) == n || c.synonyms.iter().any(|s| normalize_header(s) == n)
        })
        .map(|c| c.field)
}

/// Excel's letters for a zero-based column index: 0 = `A`, 26 = `AA`.
pub fn column_letters(mut index: u32) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.reverse();
    String::from_utf8_lossy(&letters).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_in_field_order() {
        for (i, c) in COLUMNS.iter().enumerate() {
            assert_eq!(c.field as usize, i, "{}", c.header);
        }
    }

    #[test]
    fn every_header_and_synonym_maps_to_its_own_column_only() {
        for c in &COLUMNS {
            assert_eq!(field_for_header(c.header), Some(c.field), "{}", c.header);
            for s in c.synonyms {
                assert_eq!(field_for_header(s), Some(c.field), "{s}");
            }
        }
    }

    #[test]
    fn header_matching_ignores_case_spacing_and_punctuation() {
        assert_eq!(field_for_header("  poa&m   id "), Some(Field::PoamId));
        assert_eq!(field_for_header("AUTO APPROVE"), Some(Field::AutoApprove));
        assert_eq!(
            field_for_header("Binding Operational Directive 22-01 Tracking"),
            Some(Field::KevTracking)
        );
        assert_eq!(field_for_header("Something else"), None);
        assert_eq!(field_for_header("  "), None);
    }

    #[test]
    fn letters() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(30), "AE");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn oscal_members_find_their_column() {
        use poam_fedramp::props as fr;
        /// A member path, its prop's name, and the column it is shown in.
        type Case = (
            Part,
            &'static [&'static str],
            Option<&'static str>,
            Option<Field>,
        );
        let cases: [Case; 9] = [
            (Part::Risk, &["deadline"], None, Some(Field::CompletionDate)),
            (
                Part::Risk,
                &["remediations", "description"],
                None,
                Some(Field::RemediationPlan),
            ),
            (
                Part::Risk,
                &["remediations", "tasks", "timing"],
                None,
                Some(Field::PlannedMilestones),
            ),
            (
                Part::Risk,
                &["risk-log", "entries", "start"],
                None,
                Some(Field::MilestoneChanges),
            ),
            (
                Part::Risk,
                &["props", "value"],
                Some(fr::KEV_DUE_DATE),
                Some(Field::KevDueDate),
            ),
            (Part::Risk, &["props", "value"], Some("other"), None),
            (
                Part::Item,
                &["props"],
                Some(fr::POAM_ID),
                Some(Field::PoamId),
            ),
            (
                Part::Observation,
                &["subjects", "subject-uuid"],
                None,
                Some(Field::AssetIdentifier),
            ),
            (Part::Observation, &["types"], None, None),
        ];
        for (part, path, prop, want) in cases {
            assert_eq!(
                field_at(part, path, prop),
                want,
                "{part:?} {path:?} {prop:?}"
            );
        }
    }

    #[test]
    fn every_field_has_a_home() {
        for c in &COLUMNS {
            assert!(!c.field.homes().is_empty(), "{:?}", c.field);
        }
    }

    #[test]
    fn template_versions_have_their_column_counts() {
        let count = |v: Since| COLUMNS.iter().filter(|c| c.since <= v).count();
        assert_eq!(count(Since::V2021), 28); // A-AB
        assert_eq!(count(Since::V2022), 30); // A-AD
        assert_eq!(count(Since::V2024), 31); // A-AE
    }
}
