//! Fixtures shared by the modules.

use std::path::PathBuf;

pub(crate) fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(rel)
}

pub(crate) fn text(rel: &str) -> String {
    std::fs::read_to_string(fixture(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The fixture SSP (`fixtures/ssp/ssp.json`).
pub(crate) fn ssp() -> poam_ssp::Ssp {
    poam_ssp::Ssp::parse(&text("ssp/ssp.json"), None).expect("the fixture SSP reads")
}
