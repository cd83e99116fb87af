//! The continuous-monitoring report of a POA&M (`poam report`): what a provider tells its
//! agency every month. Programs use it through the `poam` crate (`poam::report`).
//!
//! One computation ([`compute()`]: documents and an as-of date in, [`Report`] out) and three
//! renderings of it that say the same numbers: [`json()`] (schema [`SCHEMA`], for pipelines),
//! [`markdown()`] (for the agency email or a wiki) and [`html()`] (one self-contained page
//! with inline CSS and SVG charts, for people and for print).
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/report/2024-06.json");
//! # let doc = poam_io::read(&std::fs::read(path)?, &poam_io::SourceName::path(path.as_ref()), None)?;
//! use poam_report::{Input, Options};
//!
//! let options = Options { as_of: chrono::NaiveDate::from_ymd_opt(2024, 7, 1), title: None };
//! let report = poam_report::compute(&[Input { source: "2024-06.json", doc: &doc }], &options)?;
//! let overdue = &report.headline.overdue;
//! println!("{} overdue ({} high)", overdue.total, overdue.by_rating.high);
//! assert!(poam_report::markdown(&report).contains(&report.title));
//! # Ok(())
//! # }
//! ```
//!
//! Items are read with the item model of `poam-cycle` (a poam-item with its risks and
//! observations); the last cycle's changes are `poam diff`'s; FedRAMP's ratings, deadlines,
//! overdue rule and 30-day vendor check-in come from `rules.rs` (re-exported from
//! `poam-fedramp`).
//!
//! **Architecture invariant:** no I/O, no printing; the same inputs and as-of date always
//! give the same report, byte for byte.

// The modules are the crate's own; what the `poam` crate needs is re-exported below: the
// computation, the report's model (every type a `Report` holds) and the three renderers.
mod compute;
mod facts;
mod html;
mod markdown;
mod model;
mod rules;
mod svg;

pub use compute::{Input, Options, ReportError, compute};
pub use model::{
    AGE_CLASSES, Aging, AgingRow, ByRating, ChangedItem, ClosedItem, Count, CycleInfo,
    DataProblems, Day, DeviationCounts, DeviationItem, Deviations, DueItem, Headline, KevItem,
    LastCycle, Metric, MilestoneDue, OverdueItem, Problem, ProblemCount, ProblemItem, RATING_NAMES,
    Remediation, Report, SCHEMA, System, Timeliness, Top, TrendPoint, VendorItem,
};

/// The report as pretty-printed JSON (schema [`SCHEMA`]), with a final newline: the
/// [`Report`] serialized as is, for pipelines.
pub fn json(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(report)
        // A `Report` is plain data (strings, numbers, lists): serializing it cannot fail.
        .unwrap_or_else(|e| format!("{{\"error\": {:?}}}", e.to_string()));
    s.push('\n');
    s
}

/// The report as Markdown: the same sections and numbers as tables, for the agency email or
/// a wiki.
pub fn markdown(report: &Report) -> String {
    markdown::render(report)
}

/// The report as one self-contained HTML page (inline CSS and SVG charts, no script, nothing
/// fetched), for people and for print.
pub fn html(report: &Report) -> String {
    html::render(report)
}
