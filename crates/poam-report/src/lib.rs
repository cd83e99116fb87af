//! The continuous-monitoring report of a POA&M (`poam report`): what a provider tells its
//! agency every month. One computation ([`compute()`]: documents and an as-of date in,
//! [`Report`] out) and three renderings of it that say the same numbers: [`json`] (schema
//! [`SCHEMA`], for pipelines), [`markdown`] (for the agency email or a wiki) and [`html`]
//! (one self-contained page with inline CSS and SVG charts, for people and for print).
//!
//! Items are read with the item model of `poam-cycle` (a poam-item with its risks and
//! observations); the last cycle's changes are `poam diff`'s; FedRAMP's ratings, deadlines,
//! overdue rule and 30-day vendor check-in come from `rules.rs` (re-exported from `poam-fedramp`).
//!
//! **Architecture invariant:** no I/O, no printing; the same inputs and as-of date always
//! give the same report, byte for byte.

// What the `poam` crate needs is public (the computation, the report's model, the two
// renderers); the rest is the crate's own (`unreachable_pub` keeps it so).
#![warn(unreachable_pub)]

mod compute;
mod facts;
pub mod html;
pub mod markdown;
pub mod model;
mod rules;
mod svg;

pub use compute::{Input, Options, ReportError, compute};
pub use model::{Report, SCHEMA};

/// The report as pretty-printed JSON (schema [`SCHEMA`]), with a final newline.
pub fn json(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(report)
        // A `Report` is plain data (strings, numbers, lists): serializing it cannot fail.
        .unwrap_or_else(|e| format!("{{\"error\": {:?}}}", e.to_string()));
    s.push('\n');
    s
}
