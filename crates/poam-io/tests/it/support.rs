//! What the test files share: the repository's fixtures.

use std::path::{Path, PathBuf};

/// `fixtures/REL` of the repository.
fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(rel)
}

/// The text of `fixtures/REL`.
pub(crate) fn fixture_text(rel: &str) -> String {
    let path = fixture(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
