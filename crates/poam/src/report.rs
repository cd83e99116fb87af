//! The continuous-monitoring report of a POA&M: one computation ([`compute`]: documents and
//! an as-of date in, [`Report`] out) and three renderings that say the same numbers:
//! [`json`] (schema [`SCHEMA`]), [`markdown`] and [`html`] (one self-contained page).

pub use poam_report::{Input, Options, Report, ReportError, SCHEMA, compute, json};

/// The report as Markdown: the same sections and numbers as tables.
pub fn markdown(report: &Report) -> String {
    poam_report::markdown::render(report)
}

/// The report as one self-contained HTML page (inline CSS and SVG charts, no script).
pub fn html(report: &Report) -> String {
    poam_report::html::render(report)
}
