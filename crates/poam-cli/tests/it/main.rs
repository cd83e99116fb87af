//! The integration tests of this crate, in one binary (one link instead of one per file).
// Tests may panic on what they did not expect: that is how they fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod bad_input;
mod browser;
mod convert;
mod convert_many;
mod cycles;
mod import;
mod report;
mod ssp;
mod submission;
mod support;
mod validate;
mod version;
mod workbook_cycle;
mod xlsx;
