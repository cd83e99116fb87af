//! The report: every number the three renderings show, computed once ([`crate::compute()`]).
//! Serialized as is, it is the JSON rendering (schema [`SCHEMA`]).

use std::fmt;

use chrono::NaiveDate;
use serde::{Serialize, Serializer};

use crate::rules::RiskRating;

/// The version of the JSON report's shape: bumped only when a member is removed or changes
/// meaning.
pub const SCHEMA: &str = "poam-report/1";

/// A calendar day, written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub NaiveDate);

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

impl Serialize for Day {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The rating rows of every table, in this order; `unrated` counts items no rating could be
/// read for, so that no item drops out of a total.
pub const RATING_NAMES: [&str; 4] = ["high", "moderate", "low", "unrated"];

/// The name of a rating, `unrated` for none.
pub fn rating_name(r: Option<RiskRating>) -> &'static str {
    r.map_or("unrated", RiskRating::as_str)
}

/// Counts by risk rating.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ByRating {
    pub total: usize,
    pub high: usize,
    pub moderate: usize,
    pub low: usize,
    pub unrated: usize,
}

impl ByRating {
    pub fn add(&mut self, r: Option<RiskRating>) {
        self.total += 1;
        match r {
            Some(RiskRating::High) => self.high += 1,
            Some(RiskRating::Moderate) => self.moderate += 1,
            Some(RiskRating::Low) => self.low += 1,
            None => self.unrated += 1,
        }
    }

    /// The counts in [`RATING_NAMES`] order.
    pub fn counts(&self) -> [usize; 4] {
        [self.high, self.moderate, self.low, self.unrated]
    }
}

/// A headline number: the items counted, by the rating that counts (the adjusted one where an
/// approved risk adjustment changed it) and by the original rating.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Metric {
    pub total: usize,
    pub by_rating: ByRating,
    pub by_original_rating: ByRating,
    /// Items this number could not be decided for (an open item with no deadline cannot be
    /// called overdue or not); they are listed under `data-problems`.
    pub uncertain: usize,
}

impl Metric {
    pub fn add(&mut self, rating: Option<RiskRating>, original: Option<RiskRating>) {
        self.total += 1;
        self.by_rating.add(rating);
        self.by_original_rating.add(original);
    }
}

/// The five headline numbers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Headline {
    pub open: Metric,
    pub overdue: Metric,
    pub due_30_days: Metric,
    pub closed_this_cycle: Metric,
    pub deviations_pending: Metric,
}

impl Headline {
    /// Each metric with its key (as in the JSON) and its label for people.
    pub fn metrics(&self) -> [(&'static str, &'static str, &Metric); 5] {
        [
            ("open", "Open items", &self.open),
            ("overdue", "Overdue", &self.overdue),
            ("due-30-days", "Due in the next 30 days", &self.due_30_days),
            (
                "closed-this-cycle",
                "Closed this cycle",
                &self.closed_this_cycle,
            ),
            (
                "deviations-pending",
                "Deviation requests pending",
                &self.deviations_pending,
            ),
        ]
    }
}

/// What the report is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct System {
    /// The last document's metadata title.
    pub document_title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system_id: Option<String>,
}

/// One input document (one monthly cycle), oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct CycleInfo {
    pub source: String,
    /// Its `last-modified` date.
    pub date: Day,
    pub version: String,
    pub items: usize,
}

/// An open item past its deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct OverdueItem {
    pub item: String,
    pub weakness: String,
    pub rating: &'static str,
    pub original_rating: &'static str,
    pub deadline: Day,
    pub days_overdue: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor_dependency: Option<String>,
}

/// An open item due within 30 days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct DueItem {
    pub item: String,
    pub weakness: String,
    pub rating: &'static str,
    pub deadline: Day,
    pub days_left: i64,
}

/// The age classes of open items, days since detection.
pub const AGE_CLASSES: [&str; 6] = ["0-30", "31-90", "91-180", "181-365", "over 365", "unknown"];

/// Open items by days since detection (columns [`AGE_CLASSES`]) and rating (rows
/// [`RATING_NAMES`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Aging {
    pub classes: Vec<&'static str>,
    pub rows: Vec<AgingRow>,
    /// Per class, all ratings.
    pub totals: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct AgingRow {
    pub rating: &'static str,
    pub counts: Vec<usize>,
    pub total: usize,
}

/// How many items carry each value of one deviation prop.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct DeviationCounts {
    /// `false-positive`, `operational-requirement` or `risk-adjustment`.
    pub kind: &'static str,
    pub investigating: usize,
    pub pending: usize,
    pub approved: usize,
    pub withdrawn: usize,
    /// Any other value (not one of FedRAMP's).
    pub other: usize,
}

/// An open item with a deviation request not yet decided (investigating or pending).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct DeviationItem {
    pub item: String,
    pub weakness: String,
    pub kind: &'static str,
    pub status: String,
    pub rating: &'static str,
    pub original_rating: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adjusted_rating: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Deviations {
    /// Over every item of the last cycle, open or closed.
    pub counts: Vec<DeviationCounts>,
    pub requests: Vec<DeviationItem>,
}

/// An open vendor dependency and its last check-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct VendorItem {
    pub item: String,
    pub weakness: String,
    /// `investigating` or `tracking`.
    pub vendor_dependency: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_check_in: Option<Day>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_since_check_in: Option<i64>,
    /// No check-in within FedRAMP's 30 days.
    pub stale: bool,
}

/// An open item in CISA's Known Exploited Vulnerabilities catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct KevItem {
    pub item: String,
    pub weakness: String,
    pub rating: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kev_due_date: Option<Day>,
    /// Days from the as-of date to the KEV due date (negative: past it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_left: Option<i64>,
}

/// A milestone of an open item due within 30 days and not recorded as completed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct MilestoneDue {
    pub item: String,
    pub milestone: String,
    pub due: Day,
    pub days_left: i64,
}

/// An item closed within this cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ClosedItem {
    pub item: String,
    pub weakness: String,
    pub rating: &'static str,
    pub closed_on: Day,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detected: Option<Day>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_to_close: Option<i64>,
    /// Closed by FedRAMP's deadline (detection + 30/90/180 days, or the KEV due date).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_time: Option<bool>,
}

/// Remediation within FedRAMP's deadline, for one rating.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Timeliness {
    pub rating: &'static str,
    pub closed: usize,
    pub on_time: usize,
    pub late: usize,
    /// Closed items without the dates to judge them (no detection or closing date, or no
    /// rating).
    pub unknown: usize,
    /// `on-time` of `on-time + late`, in percent, one decimal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percent_on_time: Option<f64>,
}

/// How fast items are closed: every closed item of the last cycle.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Remediation {
    pub closed: usize,
    pub by_rating: Vec<Timeliness>,
    /// Closed items with a detection and a closing date: what the mean and median are of.
    pub measured: usize,
    /// Days from detection to closure, one decimal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_days: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub median_days: Option<f64>,
}

/// A name and its number of open items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Count {
    pub name: String,
    pub open: usize,
}

/// Where the weaknesses are: the ten controls, assets and weaknesses with most open items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Top {
    pub controls: Vec<Count>,
    pub assets: Vec<Count>,
    pub weaknesses: Vec<Count>,
}

/// One cycle of the trend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct TrendPoint {
    pub source: String,
    pub date: Day,
    pub open: ByRating,
    /// Judged at the cycle's date (the last cycle: at the as-of date).
    pub overdue: usize,
    /// New and closed items since the previous cycle (`poam diff`); absent for the first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed: Option<usize>,
}

/// An item that changed in the last cycle, told as `poam diff` tells it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ChangedItem {
    pub class: poam_cycle::Class,
    pub item: String,
    pub weakness: String,
    pub changes: Vec<String>,
}

/// The changes from the previous cycle to the last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct LastCycle {
    pub old: String,
    pub new: String,
    pub summary: poam_cycle::Summary,
    pub items: Vec<ChangedItem>,
}

/// What makes a number uncertain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Problem {
    /// The poam-item references no risk: it has no status, rating or deadline.
    NoRisk,
    NoRating,
    /// An open item with no deadline: it cannot be called overdue or not.
    NoDeadline,
    NoDetectionDate,
    /// A closed item with no risk-log entry closing it: when it was closed is unknown.
    NoClosingDate,
}

impl Problem {
    pub const ALL: [Problem; 5] = [
        Problem::NoRisk,
        Problem::NoRating,
        Problem::NoDeadline,
        Problem::NoDetectionDate,
        Problem::NoClosingDate,
    ];

    pub fn describe(self) -> &'static str {
        match self {
            Self::NoRisk => "no risk",
            Self::NoRating => "no risk rating",
            Self::NoDeadline => "no deadline",
            Self::NoDetectionDate => "no detection date",
            Self::NoClosingDate => "closed with no closing date",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ProblemCount {
    pub problem: Problem,
    pub items: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ProblemItem {
    pub item: String,
    pub weakness: String,
    pub open: bool,
    pub problems: Vec<Problem>,
}

/// Items of the last cycle whose data makes a number uncertain; each is still in every total
/// it can be placed in (an unrated item counts as `unrated`, an undated one as `unknown`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct DataProblems {
    pub counts: Vec<ProblemCount>,
    pub items: Vec<ProblemItem>,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Report {
    pub schema: &'static str,
    pub title: String,
    pub as_of: Day,
    /// Items closed after this day (and by the as-of date) were closed this cycle: the
    /// previous cycle's date, or one month before the as-of date for a single cycle.
    pub cycle_start: Day,
    pub system: System,
    pub cycles: Vec<CycleInfo>,
    pub headline: Headline,
    pub overdue: Vec<OverdueItem>,
    pub due_30_days: Vec<DueItem>,
    pub aging: Aging,
    pub deviations: Deviations,
    pub vendor_dependencies: Vec<VendorItem>,
    pub kev: Vec<KevItem>,
    pub milestones_due: Vec<MilestoneDue>,
    pub closed_this_cycle: Vec<ClosedItem>,
    pub remediation: Remediation,
    pub top: Top,
    pub trend: Vec<TrendPoint>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_cycle: Option<LastCycle>,
    pub data_problems: DataProblems,
}
