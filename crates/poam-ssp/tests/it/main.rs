//! poam-ssp's integration tests: one binary, one module per subject.
#![allow(clippy::unwrap_used)]

mod link;
mod read;
mod support;
