//! The integration tests of this crate, in one binary (one link instead of one per file).

mod common;
mod markdown;
mod properties;
mod serde;
mod snapshots;
mod xml;
