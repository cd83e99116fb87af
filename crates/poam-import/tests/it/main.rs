//! The integration tests of this crate, in one binary (one link instead of one per file).
// Tests may panic on what they did not expect: that is how they fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod json_streams;
mod readers;
