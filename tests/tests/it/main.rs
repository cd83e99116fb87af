//! The integration tests of this crate, in one binary (one link instead of one per file).

mod bad_input;
mod model_coverage;
mod roundtrip;
mod schema_manifest;
