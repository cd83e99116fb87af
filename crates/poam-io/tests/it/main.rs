//! The integration tests of this crate, in one binary (one link instead of one per file).

mod xml_bad_input;
mod xml_proptest;
mod xml_roundtrip;
