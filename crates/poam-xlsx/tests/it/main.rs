//! The integration tests of this crate, in one binary (one link instead of one per file).

mod support;
mod bad_input;
mod docs;
mod props;
mod roundtrip;
