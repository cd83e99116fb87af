//! TODO(poam-fedramp): a private stand-in for the parts of `crates/poam-fedramp` this crate
//! uses, until that crate lands on main; then this file goes and `crate::fedramp` becomes
//! `poam_fedramp`. No table here is poam-import's own.

use chrono::NaiveDate;

pub mod props {
    pub const KEV_CATALOG: &str = "kev-catalog";
    pub const KEV_DUE_DATE: &str = "kev-due-date";
}

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

pub fn deadline(detected: NaiveDate, rating: RiskRating, kev_due: Option<NaiveDate>) -> NaiveDate {
    let by_rating = detected + chrono::Days::new(u64::from(rating.remediation_days()));
    kev_due.map_or(by_rating, |kev| kev.min(by_rating))
}
