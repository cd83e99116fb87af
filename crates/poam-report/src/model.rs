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
pub(crate) fn rating_name(r: Option<RiskRating>) -> &'static str {
    r.map_or("unrated", RiskRating::as_str)
}

/// Counts by risk rating.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ByRating {
    /// All items counted.
    pub total: usize,
    /// Items rated high.
    pub high: usize,
    /// Items rated moderate.
    pub moderate: usize,
    /// Items rated low.
    pub low: usize,
    /// Items no rating could be read for.
    pub unrated: usize,
}

impl ByRating {
    pub(crate) fn add(&mut self, r: Option<RiskRating>) {
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
    /// The items counted (the same as `by-rating.total`).
    pub total: usize,
    /// By the rating that counts (adjusted once a risk adjustment is approved).
    pub by_rating: ByRating,
    /// By the original (initial) rating.
    pub by_original_rating: ByRating,
    /// Items this number could not be decided for (an open item with no deadline cannot be
    /// called overdue or not); they are listed under `data-problems`.
    pub uncertain: usize,
}

impl Metric {
    pub(crate) fn add(&mut self, rating: Option<RiskRating>, original: Option<RiskRating>) {
        self.total += 1;
        self.by_rating.add(rating);
        self.by_original_rating.add(original);
    }
}

/// The five headline numbers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Headline {
    /// Open items.
    pub open: Metric,
    /// Open items past their deadline at the as-of date.
    pub overdue: Metric,
    /// Open items whose deadline is within the next 30 days.
    pub due_30_days: Metric,
    /// Items closed after `cycle-start` and by the as-of date.
    pub closed_this_cycle: Metric,
    /// Open items with a deviation request not yet decided (investigating or pending).
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
    /// The POA&M's `system-id`, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system_id: Option<String>,
}

/// One input document (one monthly cycle), oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct CycleInfo {
    /// The name the caller gave the document ([`Input::source`](crate::Input::source)).
    pub source: String,
    /// Its `last-modified` date.
    pub date: Day,
    /// Its metadata `version`.
    pub version: String,
    /// Its number of `poam-item`s.
    pub items: usize,
}

/// An open item past its deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct OverdueItem {
    /// How people name the item: its POAM ID, else its uuid.
    pub item: String,
    /// The weakness name (the risk's title), else the item's title.
    pub weakness: String,
    /// The rating that counts (`high`, `moderate`, `low`, `unrated`).
    pub rating: &'static str,
    /// The original rating.
    pub original_rating: &'static str,
    /// The risk's deadline.
    pub deadline: Day,
    /// Days from the deadline to the as-of date.
    pub days_overdue: i64,
    /// The vendor-dependency value (`investigating`, `tracking`), when there is one: the delay may be the vendor's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor_dependency: Option<String>,
}

/// An open item due within 30 days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct DueItem {
    /// How people name the item: its POAM ID, else its uuid.
    pub item: String,
    /// The weakness name (the risk's title), else the item's title.
    pub weakness: String,
    /// The rating that counts.
    pub rating: &'static str,
    /// The risk's deadline.
    pub deadline: Day,
    /// Days from the as-of date to the deadline.
    pub days_left: i64,
}

/// The age classes of open items, days since detection.
pub const AGE_CLASSES: [&str; 6] = ["0-30", "31-90", "91-180", "181-365", "over 365", "unknown"];

/// Open items by days since detection (columns [`AGE_CLASSES`]) and rating (rows
/// [`RATING_NAMES`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Aging {
    /// The column names: [`AGE_CLASSES`].
    pub classes: Vec<&'static str>,
    /// One row per rating, in [`RATING_NAMES`] order.
    pub rows: Vec<AgingRow>,
    /// Per class, all ratings.
    pub totals: Vec<usize>,
}

/// One rating's row of [`Aging`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct AgingRow {
    /// The rating (`high`, `moderate`, `low`, `unrated`).
    pub rating: &'static str,
    /// Open items per age class, in `classes` order.
    pub counts: Vec<usize>,
    /// Open items of this rating.
    pub total: usize,
}

/// How many items carry each value of one deviation prop.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct DeviationCounts {
    /// `false-positive`, `operational-requirement` or `risk-adjustment`.
    pub kind: &'static str,
    /// Items whose value is `investigating`.
    pub investigating: usize,
    /// Items whose value is `pending`.
    pub pending: usize,
    /// Items whose value is `approved`.
    pub approved: usize,
    /// Items whose value is `withdrawn`.
    pub withdrawn: usize,
    /// Any other value (not one of FedRAMP's).
    pub other: usize,
}

/// An open item with a deviation request not yet decided (investigating or pending).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct DeviationItem {
    /// How people name the item: its POAM ID, else its uuid.
    pub item: String,
    /// The weakness name (the risk's title), else the item's title.
    pub weakness: String,
    /// `false-positive`, `operational-requirement` or `risk-adjustment`.
    pub kind: &'static str,
    /// The request's value, `investigating` or `pending`.
    pub status: String,
    /// The rating that counts.
    pub rating: &'static str,
    /// The original rating.
    pub original_rating: &'static str,
    /// The adjusted rating the item asks for, when it names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adjusted_rating: Option<&'static str>,
}

/// FedRAMP's deviation requests (false positive, operational requirement, risk adjustment).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Deviations {
    /// Over every item of the last cycle, open or closed.
    pub counts: Vec<DeviationCounts>,
    /// Every open item with a request not yet decided.
    pub requests: Vec<DeviationItem>,
}

/// An open vendor dependency and its last check-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct VendorItem {
    /// How people name the item: its POAM ID, else its uuid.
    pub item: String,
    /// The weakness name (the risk's title), else the item's title.
    pub weakness: String,
    /// `investigating` or `tracking`.
    pub vendor_dependency: String,
    /// The last vendor check-in, when one is recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_check_in: Option<Day>,
    /// Days from the last check-in to the as-of date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_since_check_in: Option<i64>,
    /// No check-in within FedRAMP's 30 days.
    pub stale: bool,
}

/// An open item in CISA's Known Exploited Vulnerabilities catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct KevItem {
    /// How people name the item: its POAM ID, else its uuid.
    pub item: String,
    /// The weakness name (the risk's title), else the item's title.
    pub weakness: String,
    /// The rating that counts.
    pub rating: &'static str,
    /// CISA's due date for the vulnerability, when the item gives one.
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
    /// How people name the item: its POAM ID, else its uuid.
    pub item: String,
    /// The milestone's title.
    pub milestone: String,
    /// Its due date.
    pub due: Day,
    /// Days from the as-of date to the due date.
    pub days_left: i64,
}

/// An item closed within this cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ClosedItem {
    /// How people name the item: its POAM ID, else its uuid.
    pub item: String,
    /// The weakness name (the risk's title), else the item's title.
    pub weakness: String,
    /// The rating that counts.
    pub rating: &'static str,
    /// The date of the risk-log entry that closed it.
    pub closed_on: Day,
    /// When the weakness was detected (the earliest `collected` of its observations).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detected: Option<Day>,
    /// Days from detection to closure.
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
    /// The rating (`high`, `moderate`, `low`, `unrated`).
    pub rating: &'static str,
    /// Closed items of this rating.
    pub closed: usize,
    /// Of those, closed by the deadline.
    pub on_time: usize,
    /// Of those, closed after the deadline.
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
    /// Closed items of the last cycle.
    pub closed: usize,
    /// Timeliness per rating, in [`RATING_NAMES`] order.
    pub by_rating: Vec<Timeliness>,
    /// Closed items with a detection and a closing date: what the mean and median are of.
    pub measured: usize,
    /// Days from detection to closure, one decimal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_days: Option<f64>,
    /// The median of the days from detection to closure, one decimal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub median_days: Option<f64>,
}

/// A name and its number of open items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Count {
    /// The control id, asset or weakness name.
    pub name: String,
    /// Open items that name it.
    pub open: usize,
}

/// Where the weaknesses are: the ten controls, assets and weaknesses with most open items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Top {
    /// Controls with most open items.
    pub controls: Vec<Count>,
    /// Assets with most open items.
    pub assets: Vec<Count>,
    /// Weaknesses with most open items.
    pub weaknesses: Vec<Count>,
}

/// One cycle of the trend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct TrendPoint {
    /// The name the caller gave the document.
    pub source: String,
    /// Its `last-modified` date.
    pub date: Day,
    /// Open items, by the rating that counts.
    pub open: ByRating,
    /// Judged at the cycle's date (the last cycle: at the as-of date).
    pub overdue: usize,
    /// New and closed items since the previous cycle (`poam diff`); absent for the first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<usize>,
    /// Items closed since the previous cycle (`poam diff`); absent for the first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed: Option<usize>,
}

/// An item that changed in the last cycle, told as `poam diff` tells it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ChangedItem {
    /// What happened to the item: new, closed, reopened, changed, ...
    pub class: poam_cycle::Class,
    /// How people name the item: its POAM ID, else its uuid.
    pub item: String,
    /// The weakness name (the risk's title), else the item's title.
    pub weakness: String,
    /// Each change as a sentence, as `poam diff` tells it.
    pub changes: Vec<String>,
}

/// The changes from the previous cycle to the last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct LastCycle {
    /// The previous cycle's source name.
    pub old: String,
    /// The last cycle's source name.
    pub new: String,
    /// How many items of each class.
    pub summary: poam_cycle::Summary,
    /// Every item that changed.
    pub items: Vec<ChangedItem>,
}

/// What makes a number uncertain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Problem {
    /// The poam-item references no risk: it has no status, rating or deadline.
    NoRisk,
    /// A risk without a rating FedRAMP knows: counted as `unrated`.
    NoRating,
    /// An open item with no deadline: it cannot be called overdue or not.
    NoDeadline,
    /// No observation dates the weakness: its age is `unknown`.
    NoDetectionDate,
    /// A closed item with no risk-log entry closing it: when it was closed is unknown.
    NoClosingDate,
}

impl Problem {
    /// Every problem, in the order the report lists them.
    pub const ALL: [Problem; 5] = [
        Problem::NoRisk,
        Problem::NoRating,
        Problem::NoDeadline,
        Problem::NoDetectionDate,
        Problem::NoClosingDate,
    ];

    /// The problem in words, for people (`no risk rating`).
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

/// How many items have one [`Problem`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ProblemCount {
    /// The problem.
    pub problem: Problem,
    /// Items of the last cycle with it.
    pub items: usize,
}

/// An item with data problems.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ProblemItem {
    /// How people name the item: its POAM ID, else its uuid.
    pub item: String,
    /// The weakness name (the risk's title), else the item's title.
    pub weakness: String,
    /// Whether the item is open.
    pub open: bool,
    /// Every problem it has.
    pub problems: Vec<Problem>,
}

/// Items of the last cycle whose data makes a number uncertain; each is still in every total
/// it can be placed in (an unrated item counts as `unrated`, an undated one as `unknown`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct DataProblems {
    /// Items per problem, every problem listed (zero included).
    pub counts: Vec<ProblemCount>,
    /// Every item with a problem.
    pub items: Vec<ProblemItem>,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Report {
    /// [`SCHEMA`]: the version of the JSON's shape.
    pub schema: &'static str,
    /// The report's title ([`Options::title`](crate::Options::title)).
    pub title: String,
    /// The day the numbers are judged at.
    pub as_of: Day,
    /// Items closed after this day (and by the as-of date) were closed this cycle: the
    /// previous cycle's date, or one month before the as-of date for a single cycle.
    pub cycle_start: Day,
    /// What the report is about: the last document's title and system id.
    pub system: System,
    /// The input documents, oldest first.
    pub cycles: Vec<CycleInfo>,
    /// The five headline numbers.
    pub headline: Headline,
    /// Open items past their deadline, most overdue first.
    pub overdue: Vec<OverdueItem>,
    /// Open items due within 30 days, soonest first.
    pub due_30_days: Vec<DueItem>,
    /// Open items by days since detection and rating.
    pub aging: Aging,
    /// Deviation requests: counts, and the open requests not yet decided.
    pub deviations: Deviations,
    /// Open vendor dependencies and their last check-ins.
    pub vendor_dependencies: Vec<VendorItem>,
    /// Open items in CISA's Known Exploited Vulnerabilities catalog.
    pub kev: Vec<KevItem>,
    /// Milestones of open items due within 30 days, soonest first.
    pub milestones_due: Vec<MilestoneDue>,
    /// Items closed after `cycle-start` and by the as-of date.
    pub closed_this_cycle: Vec<ClosedItem>,
    /// How fast items are closed, against FedRAMP's deadlines.
    pub remediation: Remediation,
    /// The controls, assets and weaknesses with most open items.
    pub top: Top,
    /// One point per cycle, oldest first.
    pub trend: Vec<TrendPoint>,
    /// What changed from the previous cycle to the last (`poam diff`); absent for one cycle.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_cycle: Option<LastCycle>,
    /// Items whose data makes a number uncertain.
    pub data_problems: DataProblems,
}
