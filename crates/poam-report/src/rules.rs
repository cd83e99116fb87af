//! FedRAMP's rules the report judges by.
//!
//! TODO(poam-fedramp): a private stand-in with the API of `crates/poam-fedramp` (being written
//! at the same time); replaced by that crate as soon as it lands on main, so that the report
//! and `poam validate --profile fedramp` judge by the same rules. Nothing here is a rule of
//! the report's own.

use chrono::NaiveDate;

/// FedRAMP's risk ratings. A scanner's Critical is a High.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RiskRating {
    Low,
    Moderate,
    High,
}

impl RiskRating {
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "critical" | "very-high" | "very high" | "high" => Some(Self::High),
            "moderate" | "medium" => Some(Self::Moderate),
            "low" | "very-low" | "very low" => Some(Self::Low),
            _ => None,
        }
    }

    /// Days from detection to the remediation deadline.
    pub fn remediation_days(self) -> u32 {
        match self {
            Self::High => 30,
            Self::Moderate => 90,
            Self::Low => 180,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::High => "high",
            Self::Moderate => "moderate",
            Self::Low => "low",
        }
    }
}

/// The remediation deadline FedRAMP sets: detection plus the rating's days, or the KEV due
/// date when that is earlier.
pub fn deadline(detected: NaiveDate, rating: RiskRating, kev_due: Option<NaiveDate>) -> NaiveDate {
    let by_rating = detected + chrono::Duration::days(i64::from(rating.remediation_days()));
    match kev_due {
        Some(k) if k < by_rating => k,
        _ => by_rating,
    }
}

/// FedRAMP requires a vendor check-in at least this often.
pub const VENDOR_CHECK_IN_DAYS: i64 = 30;

/// Names of FedRAMP's risk props the report reads.
pub mod props {
    pub const KEV_CATALOG: &str = "kev-catalog";
    pub const KEV_DUE_DATE: &str = "kev-due-date";
    pub const VENDOR_DEPENDENCY: &str = "vendor-dependency";
    pub const RISK_ADJUSTMENT: &str = "risk-adjustment";
    pub const FALSE_POSITIVE: &str = "false-positive";
    pub const OPERATIONAL_REQUIREMENT: &str = "operational-requirement";
    pub const IMPACTED_CONTROL_ID: &str = "impacted-control-id";
}

/// Whether an item with this risk status and deadline is overdue at `as_of`, as `poam validate
/// --profile fedramp` judges it (rule `fedramp-risk-overdue`): the deadline has passed and the
/// risk is neither closed nor an approved deviation, nor an open vendor dependency (which runs
/// on the vendor's clock and is held to monthly check-ins instead).
pub fn is_overdue(
    deadline: NaiveDate,
    as_of: NaiveDate,
    status: &str,
    vendor_active: bool,
) -> bool {
    !matches!(status, "closed" | "deviation-approved") && !vendor_active && deadline < as_of
}

/// Whether a vendor-dependency value means the dependency is still open.
pub fn is_vendor_active(value: &str) -> bool {
    matches!(value, "investigating" | "tracking")
}
