//! A workbook row as typed values ([`Item`]) and the header block ([`Header`]), read from
//! cells and written back to cells in canonical form.
//!
//! The OSCAL side (`oscal.rs`, `extract.rs`) only ever sees these types, so cells and OSCAL
//! meet in one place: `cells -> Item -> OSCAL` on import, `OSCAL -> Item -> cells` on export.

use chrono::NaiveDate;

use crate::cell::CellValue;
use crate::columns::Field;
use crate::values::{
    self, Answer, Milestone, MilestoneChange, Rating, RiskRating, format_changes, format_control,
    format_milestones,
};

/// The item sheets of the workbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum SheetKind {
    /// *Open POA&M Items*: open vulnerabilities and weaknesses.
    #[default]
    Open,
    /// *Closed POA&M Items*: items closed (remediated, or found to be false positives).
    Closed,
    /// *Configuration Findings*: open findings of configuration scans.
    ConfigurationFindings,
}

impl SheetKind {
    /// Every item sheet, in the template's order.
    pub const ALL: [SheetKind; 3] = [Self::Open, Self::Closed, Self::ConfigurationFindings];

    /// The sheet's name in the template.
    pub fn name(self) -> &'static str {
        match self {
            Self::Open => "Open POA&M Items",
            Self::Closed => "Closed POA&M Items",
            Self::ConfigurationFindings => "Configuration Findings",
        }
    }

    /// The sheet a name refers to (exact template names, any case and spacing, and the usual
    /// short forms such as `Open`, `Closed POAM Items`, `Config Findings`).
    pub fn from_name(name: &str) -> Option<Self> {
        let n = crate::columns::normalize_header(name);
        match n.as_str() {
            "openpoamitems" | "openitems" | "open" | "openpoams" | "openpoam" => Some(Self::Open),
            "closedpoamitems" | "closeditems" | "closed" | "closedpoams" | "closedpoam" => {
                Some(Self::Closed)
            }
            "configurationfindings" | "configfindings" | "configurationfinding" => {
                Some(Self::ConfigurationFindings)
            }
            _ => None,
        }
    }
}

/// One POA&M item as the workbook states it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Item {
    /// The sheet the row is on: open, closed, or configuration findings.
    pub sheet: SheetKind,
    /// *POAM ID* (A): the CSP's identifier of the item, e.g. `V-1021`.
    pub poam_id: Option<String>,
    /// *Controls* (B): control ids, e.g. `ac-2.1`.
    pub controls: Vec<String>,
    /// *Weakness Name* (C): the risk's title.
    pub weakness_name: Option<String>,
    /// *Weakness Description* (D).
    pub weakness_description: Option<String>,
    /// *Weakness Detector Source* (E): the scanners or assessments that found it, one a line.
    pub detector_sources: Vec<String>,
    /// *Weakness Source Identifier* (F): scanner identifiers, one per line (CVE-shaped ones
    /// are `vulnerability-id`s).
    pub source_ids: Vec<String>,
    /// *Asset Identifier* (G): the affected hosts, images or components, one a line.
    pub assets: Vec<String>,
    /// *Point of Contact* (H), one a line.
    pub points_of_contact: Vec<String>,
    /// *Resources Required* (I).
    pub resources_required: Option<String>,
    /// *Overall Remediation Plan* (J).
    pub remediation_plan: Option<String>,
    /// *Original Detection Date* (K).
    pub detection_date: Option<NaiveDate>,
    /// *Scheduled Completion Date* (L): the remediation deadline.
    pub completion_date: Option<NaiveDate>,
    /// *Planned Milestones* (M).
    pub milestones: Vec<Milestone>,
    /// *Milestone Changes* (N).
    pub changes: Vec<MilestoneChange>,
    /// *Status Date* (O): when the item's status was last updated.
    pub status_date: Option<NaiveDate>,
    /// *Vendor Dependency* (P): `Yes` or `Pending`; "No" is the absence of a vendor
    /// dependency.
    pub vendor_dependency: Option<Answer>,
    /// *Last Vendor Check-in Date* (Q).
    pub vendor_checkin: Option<NaiveDate>,
    /// *Vendor Dependent Product Name* (R), one a line.
    pub vendor_products: Vec<String>,
    /// *Original Risk Rating* (S).
    pub original_rating: Option<RiskRating>,
    /// *Adjusted Risk Rating* (T); `None` also for `N/A`.
    pub adjusted_rating: Option<RiskRating>,
    /// *Risk Adjustment* (U): `Yes` or `Pending`; "No" is the absence of a request.
    pub risk_adjustment: Option<Answer>,
    /// *False Positive* (V): `Yes` or `Pending`; "No" is the absence of a request.
    pub false_positive: Option<Answer>,
    /// *Operational Requirement* (W): `Yes` or `Pending`; "No" is the absence of a request.
    pub operational_requirement: Option<Answer>,
    /// *Deviation Rationale* (X).
    pub deviation_rationale: Option<String>,
    /// *Supporting Documents* (Y), one a line.
    pub supporting_documents: Vec<String>,
    /// *Comments* (Z).
    pub comments: Option<String>,
    /// *Auto-Approve* (AA): `yes`, `no`, or the text written there.
    pub auto_approve: Option<String>,
    /// BOD 22-01 tracking (AB): whether the weakness is in CISA's Known Exploited
    /// Vulnerabilities catalog.
    pub kev: Option<bool>,
    /// BOD 22-01 Due Date (AC): CISA's deadline for a known exploited vulnerability.
    pub kev_due_date: Option<NaiveDate>,
    /// *CVE* (AD): CVE ids, upper-cased.
    pub cves: Vec<String>,
    /// *Service Name* (AE), one a line.
    pub services: Vec<String>,
    /// Columns poam does not know: (header, text), kept as they are.
    pub extras: Vec<(String, String)>,
}

/// The header block (rows 1–3 of every item sheet).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Header {
    /// The cloud service provider's name.
    pub csp: Option<String>,
    /// The system's name.
    pub system_name: Option<String>,
    /// `low`, `moderate`, `high`.
    pub impact_level: Option<RiskRating>,
    /// The date of the POA&M (the month it reports).
    pub poam_date: Option<NaiveDate>,
}

/// The cells of the header block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum HeaderField {
    Csp,
    SystemName,
    ImpactLevel,
    PoamDate,
}

impl HeaderField {
    pub(crate) const ALL: [HeaderField; 4] = [
        Self::Csp,
        Self::SystemName,
        Self::ImpactLevel,
        Self::PoamDate,
    ];

    /// The label above the value (row 2).
    pub(crate) fn label(self) -> &'static str {
        match self {
            Self::Csp => "CSP",
            Self::SystemName => "System Name",
            Self::ImpactLevel => "Impact Level",
            Self::PoamDate => "POAM Date",
        }
    }

    /// The token naming the cell in poam's bookkeeping props.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Self::Csp => "csp",
            Self::SystemName => "system-name",
            Self::ImpactLevel => "impact-level",
            Self::PoamDate => "poam-date",
        }
    }

    /// Which header field a label names.
    pub(crate) fn from_label(text: &str) -> Option<Self> {
        match crate::columns::normalize_header(text).as_str() {
            "csp" | "cloudserviceprovider" | "cspname" => Some(Self::Csp),
            "systemname" | "system" | "informationsystemname" => Some(Self::SystemName),
            "impactlevel" | "impact" | "fipsimpactlevel" => Some(Self::ImpactLevel),
            "poamdate" | "poadate" | "date" => Some(Self::PoamDate),
            _ => None,
        }
    }
}

/// Something a cell says that poam could not understand; the cell is kept verbatim.
pub(crate) type Complaint = String;

fn text_of(cell: &CellValue) -> String {
    cell.as_text().into_owned()
}

fn single_line(s: &str) -> String {
    values::lines(s).join(" ")
}

/// The date a date cell holds; for text with several dates, the `pick` of them.
fn date_of(
    cell: &CellValue,
    pick: fn(&[NaiveDate]) -> Option<NaiveDate>,
    complain: &mut Vec<Complaint>,
) -> Option<NaiveDate> {
    if let Some(d) = cell.as_date() {
        return Some(d);
    }
    let t = text_of(cell);
    let found: Vec<NaiveDate> = values::find_dates(&t).into_iter().map(|(_, d)| d).collect();
    match found.len() {
        0 => {
            complain.push(format!("{t:?} is not a date; kept as written"));
            None
        }
        1 => {
            complain.push(format!(
                "read the date {} from {t:?}; the text is kept as written",
                values::format_date(found[0])
            ));
            Some(found[0])
        }
        _ => {
            let d = pick(&found);
            if let Some(d) = d {
                complain.push(format!(
                    "{} dates in {t:?}; used {}, the text is kept as written",
                    found.len(),
                    values::format_date(d)
                ));
            }
            d
        }
    }
}

fn answer_of(cell: &CellValue, what: &str, complain: &mut Vec<Complaint>) -> Option<Answer> {
    let t = text_of(cell);
    match values::parse_answer(&t) {
        Some(Answer::No) => None,
        Some(a) => Some(a),
        None => {
            complain.push(format!(
                "{t:?} is not a {what} answer (Yes, No, Pending); kept as written"
            ));
            None
        }
    }
}

/// Reads one cell into `item`. Returns what could not be understood (the caller reports it
/// at the cell; the text itself is kept verbatim by the caller).
/// A risk rating cell's level; `N/A` is no level where it is allowed (the adjusted rating).
fn rating_of(text: &str, adjusted: bool, complain: &mut Vec<Complaint>) -> Option<RiskRating> {
    match values::parse_rating(text) {
        Some(Rating::Level(l)) => Some(l),
        Some(Rating::NotApplicable) if adjusted => None,
        _ => {
            complain.push(format!(
                "{text:?} is not a risk rating (Low, Moderate, High{}); kept as written",
                if adjusted { ", N/A" } else { "" }
            ));
            None
        }
    }
}

/// The BOD 22-01 (KEV) tracking answer.
fn kev_of(text: &str, complain: &mut Vec<Complaint>) -> Option<bool> {
    match values::parse_answer(text) {
        Some(Answer::Yes) => Some(true),
        Some(Answer::No) => Some(false),
        _ => {
            complain.push(format!(
                "{text:?} is not a BOD 22-01 answer (Yes, No); kept as written"
            ));
            None
        }
    }
}

/// Reads `cell` as the value of `field` into `item`; what it cannot understand comes back
/// as complaints (the caller turns them into warnings at the cell, and keeps the text).
pub fn read_cell(item: &mut Item, field: Field, cell: &CellValue) -> Vec<Complaint> {
    let mut complain = Vec::new();
    let t = || text_of(cell);
    match field {
        Field::PoamId => item.poam_id = Some(single_line(&t())),
        Field::Controls => {
            let (ids, leftover) = values::parse_controls(&t());
            if leftover {
                complain.push(format!(
                    "{:?} has text that is not a control id; kept as written",
                    t()
                ));
            }
            item.controls = ids;
        }
        Field::WeaknessName => item.weakness_name = Some(t()),
        Field::WeaknessDescription => item.weakness_description = Some(t()),
        Field::DetectorSource => item.detector_sources = values::lines(&t()),
        Field::SourceIdentifier => item.source_ids = values::lines(&t()),
        Field::AssetIdentifier => item.assets = values::lines(&t()),
        Field::PointOfContact => item.points_of_contact = values::lines(&t()),
        Field::ResourcesRequired => item.resources_required = Some(t()),
        Field::RemediationPlan => item.remediation_plan = Some(t()),
        Field::DetectionDate => {
            item.detection_date = date_of(cell, values::earliest, &mut complain);
        }
        Field::CompletionDate => {
            item.completion_date = date_of(cell, values::latest, &mut complain);
        }
        Field::PlannedMilestones => item.milestones = values::parse_milestones(&t()),
        Field::MilestoneChanges => item.changes = values::parse_changes(&t()),
        Field::StatusDate => item.status_date = date_of(cell, values::latest, &mut complain),
        Field::VendorDependency => {
            item.vendor_dependency = answer_of(cell, "Vendor Dependency", &mut complain);
        }
        Field::VendorCheckinDate => {
            item.vendor_checkin = date_of(cell, values::latest, &mut complain);
        }
        Field::VendorProduct => item.vendor_products = values::lines(&t()),
        Field::OriginalRiskRating => item.original_rating = rating_of(&t(), false, &mut complain),
        Field::AdjustedRiskRating => item.adjusted_rating = rating_of(&t(), true, &mut complain),
        Field::RiskAdjustment => {
            item.risk_adjustment = answer_of(cell, "Risk Adjustment", &mut complain);
        }
        Field::FalsePositive => {
            item.false_positive = answer_of(cell, "False Positive", &mut complain);
        }
        Field::OperationalRequirement => {
            item.operational_requirement =
                answer_of(cell, "Operational Requirement", &mut complain);
        }
        Field::DeviationRationale => item.deviation_rationale = Some(t()),
        Field::SupportingDocuments => item.supporting_documents = values::lines(&t()),
        Field::Comments => item.comments = Some(t()),
        Field::AutoApprove => {
            let text = t();
            item.auto_approve = Some(match values::parse_answer(&text) {
                Some(Answer::Yes) => "yes".to_owned(),
                Some(Answer::No) => "no".to_owned(),
                _ => single_line(&text),
            });
        }
        Field::KevTracking => item.kev = kev_of(&t(), &mut complain),
        Field::KevDueDate => item.kev_due_date = date_of(cell, values::earliest, &mut complain),
        Field::Cve => {
            let (ids, leftover) = values::parse_cves(&t());
            if leftover {
                complain.push(format!(
                    "{:?} has text that is not a CVE id; kept as written",
                    t()
                ));
            }
            item.cves = ids;
        }
        Field::ServiceName => item.services = values::lines(&t()),
    }
    complain
}

fn text_cell(s: Option<&String>) -> Option<CellValue> {
    s.and_then(|s| CellValue::text(s))
}

fn lines_cell(v: &[String]) -> Option<CellValue> {
    CellValue::text(&v.join("\n"))
}

fn date_cell(d: Option<NaiveDate>) -> Option<CellValue> {
    d.map(CellValue::Date)
}

fn answer_cell(a: Option<Answer>, no: &str) -> Option<CellValue> {
    match a {
        Some(a) => CellValue::text(a.label()),
        None => CellValue::text(no),
    }
}

/// The canonical cell of `field` for `item`.
pub fn write_cell(item: &Item, field: Field) -> Option<CellValue> {
    match field {
        Field::PoamId => text_cell(item.poam_id.as_ref()),
        Field::Controls => CellValue::text(
            &item
                .controls
                .iter()
                .map(|c| format_control(c))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        Field::WeaknessName => text_cell(item.weakness_name.as_ref()),
        Field::WeaknessDescription => text_cell(item.weakness_description.as_ref()),
        Field::DetectorSource => lines_cell(&item.detector_sources),
        Field::SourceIdentifier => lines_cell(&item.source_ids),
        Field::AssetIdentifier => lines_cell(&item.assets),
        Field::PointOfContact => lines_cell(&item.points_of_contact),
        Field::ResourcesRequired => text_cell(item.resources_required.as_ref()),
        Field::RemediationPlan => text_cell(item.remediation_plan.as_ref()),
        Field::DetectionDate => date_cell(item.detection_date),
        Field::CompletionDate => date_cell(item.completion_date),
        Field::PlannedMilestones => CellValue::text(&format_milestones(&item.milestones)),
        Field::MilestoneChanges => CellValue::text(&format_changes(&item.changes)),
        Field::StatusDate => date_cell(item.status_date),
        Field::VendorDependency => answer_cell(item.vendor_dependency, "No"),
        Field::VendorCheckinDate => date_cell(item.vendor_checkin),
        Field::VendorProduct => lines_cell(&item.vendor_products),
        Field::OriginalRiskRating => item
            .original_rating
            .and_then(|l| CellValue::text(l.label())),
        Field::AdjustedRiskRating => item
            .adjusted_rating
            .and_then(|l| CellValue::text(l.label())),
        Field::RiskAdjustment => answer_cell(item.risk_adjustment, "No"),
        Field::FalsePositive => answer_cell(item.false_positive, "No"),
        Field::OperationalRequirement => answer_cell(item.operational_requirement, "No"),
        Field::DeviationRationale => text_cell(item.deviation_rationale.as_ref()),
        Field::SupportingDocuments => lines_cell(&item.supporting_documents),
        Field::Comments => text_cell(item.comments.as_ref()),
        Field::AutoApprove => item.auto_approve.as_deref().and_then(|a| match a {
            "yes" => CellValue::text("Yes"),
            "no" => CellValue::text("No"),
            other => CellValue::text(other),
        }),
        Field::KevTracking => item
            .kev
            .and_then(|k| CellValue::text(if k { "Yes" } else { "No" })),
        Field::KevDueDate => date_cell(item.kev_due_date),
        Field::Cve => lines_cell(&item.cves),
        Field::ServiceName => lines_cell(&item.services),
    }
}

/// Reads one header-block value cell into `header`.
pub(crate) fn read_header_cell(
    header: &mut Header,
    field: HeaderField,
    cell: &CellValue,
) -> Vec<Complaint> {
    let mut complain = Vec::new();
    match field {
        HeaderField::Csp => header.csp = Some(single_line(&text_of(cell))),
        HeaderField::SystemName => header.system_name = Some(single_line(&text_of(cell))),
        HeaderField::ImpactLevel => {
            header.impact_level = RiskRating::parse(&text_of(cell));
            if header.impact_level.is_none() {
                complain.push(format!(
                    "{:?} is not an impact level (Low, Moderate, High); kept as written",
                    text_of(cell)
                ));
            }
        }
        HeaderField::PoamDate => {
            header.poam_date = date_of(cell, values::latest, &mut complain);
        }
    }
    complain
}

/// The canonical header-block value cell.
pub(crate) fn write_header_cell(header: &Header, field: HeaderField) -> Option<CellValue> {
    match field {
        HeaderField::Csp => text_cell(header.csp.as_ref()),
        HeaderField::SystemName => text_cell(header.system_name.as_ref()),
        HeaderField::ImpactLevel => header.impact_level.and_then(|l| CellValue::text(l.label())),
        HeaderField::PoamDate => date_cell(header.poam_date),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::columns::COLUMNS;

    fn cell(s: &str) -> CellValue {
        CellValue::text(s).unwrap_or(CellValue::Text("?".into()))
    }

    #[test]
    fn sheet_names() {
        assert_eq!(
            SheetKind::from_name("Open POA&M Items"),
            Some(SheetKind::Open)
        );
        assert_eq!(
            SheetKind::from_name("closed poam items"),
            Some(SheetKind::Closed)
        );
        assert_eq!(
            SheetKind::from_name("Configuration Findings"),
            Some(SheetKind::ConfigurationFindings)
        );
        assert_eq!(SheetKind::from_name("Record of Changes"), None);
        for k in SheetKind::ALL {
            assert_eq!(SheetKind::from_name(k.name()), Some(k));
        }
    }

    #[test]
    fn canonical_cells_read_back_to_the_same_item() {
        let mut item = Item::default();
        for (field, text) in [
            (Field::PoamId, "V-1"),
            (Field::Controls, "AC-2, AC-2(1), SI-2(2)"),
            (
                Field::PlannedMilestones,
                "(1) 2024-06-12: Patch\n\n(2) 2024-07-01: Verify",
            ),
            (
                Field::MilestoneChanges,
                "(2) Update 2024-06-18 : Vendor delay",
            ),
            (Field::OriginalRiskRating, "High"),
            (Field::AdjustedRiskRating, "Moderate"),
            (Field::RiskAdjustment, "Yes"),
            (Field::FalsePositive, "Pending"),
            (Field::KevTracking, "Yes"),
            (Field::Cve, "CVE-2024-1234\nCVE-2021-44228"),
            (Field::AutoApprove, "No"),
        ] {
            assert!(
                read_cell(&mut item, field, &cell(text)).is_empty(),
                "{text}"
            );
            assert_eq!(write_cell(&item, field), Some(cell(text)), "{text}");
        }
        // "No" and blank mean the same for the deviation columns.
        assert_eq!(
            write_cell(&item, Field::OperationalRequirement),
            Some(cell(
                COLUMNS[Field::OperationalRequirement as usize].default_text
            ))
        );
    }

    #[test]
    fn what_is_not_understood_is_reported() {
        let mut item = Item::default();
        let c = read_cell(&mut item, Field::DetectionDate, &cell("TBD"));
        assert_eq!(c.len(), 1);
        assert!(c[0].contains("not a date"), "{c:?}");
        assert_eq!(item.detection_date, None);
        let c = read_cell(
            &mut item,
            Field::StatusDate,
            &cell("2024-01-02\n2024-03-04"),
        );
        assert_eq!(item.status_date, NaiveDate::from_ymd_opt(2024, 3, 4));
        assert!(c[0].contains("2 dates"), "{c:?}");
        assert_eq!(
            read_cell(&mut item, Field::OriginalRiskRating, &cell("Severe")).len(),
            1
        );
        assert_eq!(
            read_cell(&mut item, Field::FalsePositive, &cell("maybe")).len(),
            1
        );
        assert_eq!(
            read_cell(&mut item, Field::KevTracking, &cell("unknown")).len(),
            1
        );
        assert!(read_cell(&mut item, Field::AdjustedRiskRating, &cell("N/A")).is_empty());
    }
}
