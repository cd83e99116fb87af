//! The integration tests of this crate, in one binary (one link instead of one per file).
// Tests may panic on what they did not expect: that is how they fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod control_chars;
mod empty_lists;
mod support;
mod xml_bad_input;
mod xml_proptest;
mod xml_roundtrip;
