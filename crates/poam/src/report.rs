//! The continuous-monitoring report of a POA&M: one computation ([`compute`]: documents and
//! an as-of date in, [`Report`] out) and three renderings that say the same numbers:
//! [`json`] (schema [`SCHEMA`]), [`markdown`] and [`html`] (one self-contained page).
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
//! use poam::report::{Input, Options};
//!
//! let june = poam::read_path(fixtures.join("report/2024-06.json"))?.document;
//! let july = poam::read_path(fixtures.join("report/2024-07.json"))?.document;
//! let inputs = [
//!     Input { source: "2024-06.json", doc: &june },
//!     Input { source: "2024-07.json", doc: &july },
//! ];
//! let report = poam::report::compute(&inputs, &Options::default())?;
//! let open = &report.headline.open;
//! println!("{} open, {} of them high", open.total, open.by_rating.high);
//! for item in &report.overdue {
//!     println!("{}: {} days overdue", item.item, item.days_overdue);
//! }
//! assert!(poam::report::html(&report).starts_with("<!doctype html>"));
//! # Ok(())
//! # }
//! ```

pub use poam_report::{
    AGE_CLASSES, Aging, AgingRow, ByRating, ChangedItem, ClosedItem, Count, CycleInfo,
    DataProblems, Day, DeviationCounts, DeviationItem, Deviations, DueItem, Headline, Input,
    KevItem, LastCycle, Metric, MilestoneDue, Options, OverdueItem, Problem, ProblemCount,
    ProblemItem, RATING_NAMES, Remediation, Report, ReportError, SCHEMA, System, Timeliness, Top,
    TrendPoint, VendorItem, compute, html, json, markdown,
};
